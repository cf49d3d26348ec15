/*
 * graph.c - the Graph view (RustNet's Graph tab): the last minute as charts
 * (traffic down and up, connections opened, the average TCP round trip)
 * and the open connections now by application, process and TCP state, with
 * the loss rate (retransmitted TCP segments per TCP packet).
 *
 * One sample a second, taken while the UI runs, whatever view is shown, so
 * the charts are full when the view is opened. The per-second rates come
 * from the tracker's counters (differences between samples, divided by the
 * seconds between them: reading a file, a sample may span several); the
 * RTT and the lists from the rows, so the filter applies to them as it does
 * to the Processes view.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "core/dpi.h"
#include "core/lifecycle.h"
#include "core/record.h"
#include "ui/ui.h"

#define GRAPH_TOP 8		/* entries in each list */
#define GRAPH_KINDS 32		/* distinct names counted per list */
#define LOSS_WINDOW 10		/* seconds the loss figure spans */

/* The value i samples back (0: the latest); -1 is "none" (no RTT). */
static double back(const struct ui_graph *g, enum ui_series_id id, unsigned i)
{
	return g->s[id][(g->n - 1 - i) % UI_SPARK];
}

static uint64_t closed_total(const struct tracker *t)
{
	return t->stats.flows_closed + t->stats.flows_evicted;
}

/* Mean round trip of the open TCP rows that have one, in ms; -1: none. */
static double mean_tcp_rtt_ms(struct ui *u)
{
	double sum = 0;
	unsigned n = 0;
	for (uint32_t i = 0; i < u->rows.n; i++) {
		const struct ui_row *r = &u->rows.v[i];
		if (r->header || r->closed || !r->rtt_us || r->proto != L4_TCP)
			continue;	/* the row has all it needs: no flow looked up */
		sum += r->rtt_us / 1000.0;
		n++;
	}
	return n ? sum / n : -1;
}

void ui_graph_sample(struct ui *u)
{
	struct ui_graph *g = &u->graph;
	struct tracker *t = &u->app->tracker;
	uint64_t now = ui_now(u);
	uint64_t sec = now / 1000000u;
	uint64_t c[4] = { t->stats.flows_created, closed_total(t), t->tcp.retransmits,
			  t->stats.by_proto_packets[L4_TCP] };
	int back_in_time = 0;
	for (int i = 0; i < 4; i++)
		back_in_time |= c[i] < g->last[i];
	if (!g->n || back_in_time) {
		/* The first sample, or counters that went back (x x): count
		 * from here rather than show a burst or a negative. */
		memcpy(g->base, c, sizeof(c));
		if (!g->n) {
			g->n = 1;
			g->cur_s = sec;
		}
	} else if (sec != g->cur_s) {
		/* A new second: the last sample is final; the new one counts
		 * from the last reading (spanning the seconds between: reading
		 * a file, or a UI that was not drawn). */
		memcpy(g->base, g->last, sizeof(c));
		g->span = sec > g->cur_s ? sec - g->cur_s : 1;
		if (g->span > UI_SPARK)
			g->span = UI_SPARK;
		g->cur_s = sec;
		g->n++;
	}
	memcpy(g->last, c, sizeof(c));
	/* The latest sample is brought up to date at every redraw of its
	 * second: the chart's right edge is now, also when a file was read
	 * whole between two redraws. */
	double span = g->span ? (double)g->span : 1;
	unsigned at = (g->n - 1) % UI_SPARK;
	g->s[SER_DOWN][at] = rate64_get(&t->traffic, now, DIR_REV);
	g->s[SER_UP][at] = rate64_get(&t->traffic, now, DIR_FWD);
	g->s[SER_OPENED][at] = (double)(c[0] - g->base[0]) / span;
	g->s[SER_CLOSED][at] = (double)(c[1] - g->base[1]) / span;
	g->s[SER_RETX][at] = (double)(c[2] - g->base[2]);
	g->s[SER_TCP_PKTS][at] = (double)(c[3] - g->base[3]);
	g->s[SER_RTT][at] = mean_tcp_rtt_ms(u);
}

/* ---- drawing ---------------------------------------------------------- */

typedef char *(*fmt_fn)(char *buf, size_t n, double v);

static char *fmt_count(char *buf, size_t n, double v)
{
	snprintf(buf, n, v < 10 && v != (double)(long)v ? "%.1f" : "%.0f", v);
	return buf;
}

static char *fmt_ms(char *buf, size_t n, double v)
{
	snprintf(buf, n, v < 10 ? "%.2f ms" : v < 100 ? "%.1f ms" : "%.0f ms", v);
	return buf;
}

static char *fmt_rate(char *buf, size_t n, double v)
{
	return ui_human_rate(buf, n, v);
}

/*
 * A bar chart of a series over h rows and w columns, one column a second,
 * the latest on the right; the title line above it says the latest value
 * and the highest. A cell is filled in eighths (U+2581..2588), or with
 * ASCII ('#' full, '.' part) without UTF-8; "none" samples are gaps.
 */
static void chart(struct ui *u, int y, int x, int w, int h, enum ui_series_id id, const char *title,
		  fmt_fn fmt, int pair)
{
	static const char *const eighths[] = { " ", "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83",
					       "\xe2\x96\x84", "\xe2\x96\x85", "\xe2\x96\x86",
					       "\xe2\x96\x87", "\xe2\x96\x88" };
	const struct ui_graph *g = &u->graph;
	char s[160], a[32], b[32];
	unsigned n = g->n < UI_SPARK ? g->n : UI_SPARK;
	if (n > (unsigned)w)
		n = (unsigned)w;
	double max = 0;
	for (unsigned i = 0; i < n; i++)
		if (back(g, id, i) > max)
			max = back(g, id, i);
	if (n && back(g, id, 0) >= 0)
		snprintf(s, sizeof(s), "%s  %s  (max %s)", title, fmt(a, sizeof(a), back(g, id, 0)),
			 fmt(b, sizeof(b), max));
	else
		snprintf(s, sizeof(s), "%s  -", title);
	attrset(A_BOLD);
	ui_put(y, x, w, s, 0);
	attrset(A_NORMAL);
	int rows = h - 1;
	if (rows < 1)
		return;
	if (u->color)
		attrset(COLOR_PAIR(pair));
	for (int r = 0; r < rows; r++) {
		int yy = y + 1 + r;
		move(yy, x);
		for (int c = 0; c < w; c++)
			addch(' ');
		/* eighths this row holds, counted from the chart's bottom */
		int below = (rows - 1 - r) * 8;
		for (unsigned i = 0; i < n; i++) {
			double v = back(g, id, i);
			if (v <= 0 || max <= 0)
				continue;
			int level = (int)(v / max * rows * 8 + 0.5);
			if (level < 1)
				level = 1;	/* anything at all shows */
			int cell = level - below;
			if (cell <= 0)
				continue;
			if (cell > 8)
				cell = 8;
			move(yy, x + w - 1 - (int)i);
			if (u->utf8)
				addstr(eighths[cell]);
			else
				addch(cell == 8 ? '#' : '.');
		}
	}
	attrset(A_NORMAL);
}

struct tally { char name[24]; uint32_t n; double rate; };

static void tally_add(struct tally *v, unsigned *nv, const char *name, double rate)
{
	for (unsigned i = 0; i < *nv; i++)
		if (!strcmp(v[i].name, name)) {
			v[i].n++;
			v[i].rate += rate;
			return;
		}
	if (*nv < GRAPH_KINDS) {
		snprintf(v[*nv].name, sizeof(v[*nv].name), "%s", name);
		v[*nv].n = 1;
		v[*nv].rate = rate;
		(*nv)++;
	}
	/* past GRAPH_KINDS names the rest go uncounted: the list shows 8 */
}

static int cmp_tally(const void *pa, const void *pb)
{
	const struct tally *a = pa, *b = pb;
	if (a->n != b->n)
		return a->n < b->n ? 1 : -1;
	return strcmp(a->name, b->name);
}

/* A list of counts with bars: "TLS        12 ██████". */
static void draw_counts(struct ui *u, int y, int x, int w, int h, const char *title,
			struct tally *v, unsigned nv)
{
	attrset(A_BOLD);
	ui_put(y, x, w, title, 0);
	attrset(A_NORMAL);
	qsort(v, nv, sizeof(*v), cmp_tally);
	uint32_t max = nv ? v[0].n : 0;
	char s[96];
	int barw = w - 24;
	for (unsigned i = 0; i < nv && i < GRAPH_TOP && (int)i + 1 < h; i++) {
		snprintf(s, sizeof(s), "%-16.16s %6u ", v[i].name, v[i].n);
		ui_put(y + 1 + (int)i, x, w, s, 0);
		if (barw < 1 || !max)
			continue;
		int len = (int)((double)v[i].n / max * barw + 0.5);
		if (len < 1)
			len = 1;
		if (u->color)
			attrset(COLOR_PAIR(CP_RX));
		move(y + 1 + (int)i, x + 24);
		for (int c = 0; c < len; c++)
			u->utf8 ? (void)addstr("\xe2\x96\x87") : (void)addch('=');
		attrset(A_NORMAL);
	}
	if (!nv) {
		attrset(ui_theme(u, CP_MUTED, A_DIM));
		ui_put(y + 1, x, w, "none", 0);
		attrset(A_NORMAL);
	}
}

static void draw_top_processes(struct ui *u, int y, int x, int w, int h)
{
	/* name, then the rate (10 cells) and connections (4), as wide as w allows */
	int namew = w - 16 < 8 ? 8 : w - 16 > 24 ? 24 : w - 16;
	char s[96], r[32];
	snprintf(s, sizeof(s), "%-*s %10s %4s", namew, "Top processes", "down+up", "conn");
	attrset(A_BOLD);
	ui_put(y, x, w, s, 0);
	attrset(A_NORMAL);
	ui_procs_build(u, 0);
	/* by rate, then connections: a selection sort of the first few, so
	 * the Processes view keeps its own order */
	int shown = 0;
	uint8_t *taken = calloc(u->n_procs ? u->n_procs : 1, 1);
	if (!taken)
		return;
	for (; shown < GRAPH_TOP && shown + 1 < h && shown < (int)u->n_procs; shown++) {
		int best = -1;
		for (uint32_t i = 0; i < u->n_procs; i++) {
			if (taken[i])
				continue;
			const struct ui_proc *p = &u->procs[i], *q = best >= 0 ? &u->procs[best] : NULL;
			if (!q || p->down + p->up > q->down + q->up ||
			    (p->down + p->up == q->down + q->up && p->flows > q->flows))
				best = (int)i;
		}
		taken[best] = 1;
		const struct ui_proc *p = &u->procs[best];
		snprintf(s, sizeof(s), "%-*.*s %10s %4u", namew, namew, p->name,
			 ui_human_rate(r, sizeof(r), p->down + p->up), p->flows);
		ui_put(y + 1 + shown, x, w, s, 0);
	}
	free(taken);
	if (!u->n_procs) {
		attrset(ui_theme(u, CP_MUTED, A_DIM));
		ui_put(y + 1, x, w, "none", 0);
		attrset(A_NORMAL);
	}
}

/* Retransmitted TCP segments per TCP packet over the last LOSS_WINDOW
 * samples, in %; -1 when no TCP packet was seen in them. */
static double loss_pct(const struct ui_graph *g)
{
	double retx = 0, pkts = 0;
	unsigned n = g->n < LOSS_WINDOW ? g->n : LOSS_WINDOW;
	for (unsigned i = 0; i < n; i++) {
		retx += back(g, SER_RETX, i);
		pkts += back(g, SER_TCP_PKTS, i);
	}
	return pkts > 0 ? retx / pkts * 100 : -1;
}

static void draw_health(struct ui *u, int y, int x, int w, int h)
{
	const struct ui_graph *g = &u->graph;
	struct tracker *t = &u->app->tracker;
	char s[128], a[32];
	attrset(A_BOLD);
	ui_put(y, x, w, "Network health", 0);
	attrset(A_NORMAL);
	double rtt = g->n ? back(g, SER_RTT, 0) : -1, loss = loss_pct(g);
	const char *lines[4];
	char l0[64], l1[64], l2[64], l3[64];
	snprintf(l0, sizeof(l0), "avg RTT (TCP)   %s", rtt >= 0 ? fmt_ms(a, sizeof(a), rtt) : "-");
	if (loss >= 0)
		snprintf(l1, sizeof(l1), "loss (%ds)      %.2f %%", LOSS_WINDOW, loss);
	else
		snprintf(l1, sizeof(l1), "loss (%ds)      -", LOSS_WINDOW);
	snprintf(l2, sizeof(l2), "closed/s        %s",
		 g->n ? fmt_count(a, sizeof(a), back(g, SER_CLOSED, 0)) : "-");
	snprintf(l3, sizeof(l3), "retransmits     %llu", (unsigned long long)t->tcp.retransmits);
	lines[0] = l0, lines[1] = l1, lines[2] = l2, lines[3] = l3;
	for (int i = 0; i < 4 && i + 1 < h; i++) {
		snprintf(s, sizeof(s), "%s", lines[i]);
		ui_put(y + 1 + i, x, w, s, 0);
	}
}

void ui_draw_graph(struct ui *u, int y0, int h)
{
	for (int y = y0; y < y0 + h; y++) {
		move(y, 0);
		clrtoeol();
	}
	if (h < 8) {
		attrset(ui_theme(u, CP_MUTED, A_DIM));
		mvaddstr(y0 + 1, 2, "the terminal is too short for the graphs");
		attrset(A_NORMAL);
		return;
	}
	/* Two rows of two charts, then the lists: a third of the height for
	 * the lists when there is room for them. */
	int lists_h = h >= 20 ? (h / 3 < GRAPH_TOP + 1 ? h / 3 : GRAPH_TOP + 1) : 0;
	int ch_a = (h - lists_h) / 2, ch_b = h - lists_h - ch_a;
	int half = (COLS - 1) / 2, x2 = half + 1, w2 = COLS - x2;
	chart(u, y0, 0, half, ch_a - 1, SER_DOWN, "Down", fmt_rate, CP_RX);
	chart(u, y0, x2, w2, ch_a - 1, SER_UP, "Up", fmt_rate, CP_TX);
	chart(u, y0 + ch_a, 0, half, ch_b - 1, SER_OPENED, "Connections opened/s", fmt_count, CP_RX);
	chart(u, y0 + ch_a, x2, w2, ch_b - 1, SER_RTT, "Avg RTT (TCP)", fmt_ms, CP_TX);
	if (!lists_h)
		return;

	/* The open connections of the rows (the filter applies). */
	struct tally apps[GRAPH_KINDS], states[GRAPH_KINDS];
	unsigned napps = 0, nstates = 0;
	uint64_t now = ui_now(u);
	for (uint32_t i = 0; i < u->rows.n; i++) {
		const struct ui_row *r = &u->rows.v[i];
		if (r->header || r->closed)
			continue;
		const struct flow *f = ui_row_flow(u, r);
		if (!f)
			continue;
		char pbuf[16];
		const char *app = dpi_current && f->dpi && f->dpi != DPI_NOTHING
					  ? dpi_owner_display(dpi_current, f->dpi) : NULL;
		if (!app)
			app = record_service(f);
		if (!app)
			app = flow_protocol_name(f, pbuf, sizeof(pbuf));
		char clean[24];
		ui_sanitize(clean, sizeof(clean), app, strlen(app));
		tally_add(apps, &napps, clean, 0);
		if (f->key.proto == L4_TCP)
			tally_add(states, &nstates, record_state(f, now), 0);
	}
	int yl = y0 + h - lists_h;
	int cw = COLS / 4;
	if (cw >= 30) {
		draw_counts(u, yl, 0, cw - 1, lists_h, "Applications", apps, napps);
		draw_top_processes(u, yl, cw, cw - 1, lists_h);
		draw_counts(u, yl, 2 * cw, cw - 1, lists_h, "TCP states", states, nstates);
		draw_health(u, yl, 3 * cw, COLS - 3 * cw, lists_h);
	} else {
		cw = COLS / 2;
		draw_counts(u, yl, 0, cw - 1, lists_h, "Applications", apps, napps);
		draw_health(u, yl, cw, COLS - cw, lists_h);
	}
}
