/*
 * screens.c - the Processes and Interfaces tables and the help overlay.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/app.h"
#include "ui/ui.h"

static void header(const struct ui *u, int y, const char *text)
{
	attrset(A_BOLD | (u->color ? COLOR_PAIR(CP_HEADER) : A_REVERSE));
	move(y, 0);
	hline(' ', COLS);
	ui_put(y, 0, COLS, text, 0);
	attrset(A_NORMAL);
}

static const struct ui *proc_sort_ui;	/* qsort has no context */

/* The column's value, bigger first (the name: A first). */
static int cmp_proc_by(const struct ui_proc *a, const struct ui_proc *b, enum ui_proc_sort by)
{
	double x, y;
	switch (by) {
	case PSORT_FLOWS: x = a->flows, y = b->flows; break;
	case PSORT_DOWN: x = a->down, y = b->down; break;
	case PSORT_UP: x = a->up, y = b->up; break;
	case PSORT_RECEIVED: x = (double)a->bytes_down, y = (double)b->bytes_down; break;
	case PSORT_SENT: x = (double)a->bytes_up, y = (double)b->bytes_up; break;
	case PSORT_PEAK: x = a->peak, y = b->peak; break;
	case PSORT_NAME: return strcmp(a->name, b->name);
	case PSORT_BANDWIDTH: default:	/* in the view's direction (d) */
		if (proc_sort_ui && proc_sort_ui->proc_dir == PDIR_EGRESS)
			x = a->up, y = b->up;
		else if (proc_sort_ui && proc_sort_ui->proc_dir == PDIR_INGRESS)
			x = a->down, y = b->down;
		else
			x = a->down + a->up, y = b->down + b->up;
		break;
	}
	return x != y ? (x < y ? 1 : -1) : 0;
}

static int cmp_proc(const void *pa, const void *pb)
{
	const struct ui_proc *a = pa, *b = pb;
	int c = cmp_proc_by(a, b, proc_sort_ui->proc_sort);
	if (proc_sort_ui->proc_sort_rev)
		c = -c;
	if (!c)
		c = cmp_proc_by(a, b, PSORT_BANDWIDTH);
	if (!c)
		c = cmp_proc_by(a, b, PSORT_FLOWS);
	return c ? c : strcmp(a->name, b->name);
}

const char *ui_proc_sort_name(enum ui_proc_sort by)
{
	static const char *const names[PSORT_COUNT] = { "bandwidth", "connections", "down", "up",
							"received", "sent", "peak", "name" };
	return names[by < PSORT_COUNT ? by : 0];
}

/* A process' rate in the view's direction. */
static double proc_dir_rate(const struct ui_proc *p, enum ui_proc_dir dir)
{
	return dir == PDIR_EGRESS ? p->up : dir == PDIR_INGRESS ? p->down : p->down + p->up;
}

void ui_draw_processes(struct ui *u, int y0, int h)
{
	char s[256], r1[32], r2[32], b1[32], b2[32];
	ui_procs_build(u, 1);
	proc_sort_ui = u;
	if (u->n_procs > 1)
		qsort(u->procs, u->n_procs, sizeof(*u->procs), cmp_proc);
	/* The sorted column's title carries an arrow, as the connection
	 * table's (bandwidth: on Down); big first is down, name A-Z up. */
	const char *dn = u->utf8 ? "\xe2\x86\x93" : "v", *up = u->utf8 ? "\xe2\x86\x91" : "^";
	int desc = (u->proc_sort != PSORT_NAME) != (u->proc_sort_rev != 0);
	char t[6][24];
	static const char *const titles[6] = { "Process", "Connections", "Down", "Up", "Received",
						"Sent" };
	static const enum ui_proc_sort col_sort[6] = { PSORT_NAME, PSORT_FLOWS, PSORT_DOWN, PSORT_UP,
						       PSORT_RECEIVED, PSORT_SENT };
	/* bandwidth: the view's direction's column (both: Down, as RustNet's
	 * rate column leads with Rx) */
	int bw = u->proc_sort == PSORT_BANDWIDTH, egress = u->proc_dir == PDIR_EGRESS;
	for (int c = 0; c < 6; c++) {
		int marked = u->proc_sort == col_sort[c] ||
			     (bw && col_sort[c] == (egress ? PSORT_UP : PSORT_DOWN));
		snprintf(t[c], sizeof(t[c]), "%s%s", titles[c], marked ? (desc ? dn : up) : "");
	}
	/* right-aligned titles over numbers: padded by hand, the arrow being
	 * one cell of three bytes */
	int wide = u->utf8 ? 2 : 0;
	snprintf(s, sizeof(s), "%-*s %*s %*s %*s %*s %*s",
		 24 + (u->proc_sort == PSORT_NAME ? wide : 0), t[0],
		 11 + (u->proc_sort == PSORT_FLOWS ? wide : 0), t[1],
		 12 + (u->proc_sort == PSORT_DOWN || (bw && !egress) ? wide : 0), t[2],
		 12 + (u->proc_sort == PSORT_UP || (bw && egress) ? wide : 0), t[3],
		 12 + (u->proc_sort == PSORT_RECEIVED ? wide : 0), t[4],
		 12 + (u->proc_sort == PSORT_SENT ? wide : 0), t[5]);
	/* RustNet's activity columns, as the width allows: each process' part
	 * of the traffic, its distinct remote addresses, its top peer, and
	 * (given room last, shown first) its peak rate. */
	int share_col = COLS >= 96, remotes_col = COLS >= 104, peer_col = COLS >= 120,
	    peak_col = COLS >= 133;
	/* d: RustNet's Egress/Ingress; share, peak and top peer follow it */
	static const char *const dir_peak[PDIR_COUNT] = { "Peak", "Peak up", "Peak down" };
	static const char *const dir_peer[PDIR_COUNT] = { "bytes", "sent", "received" };
	enum ui_proc_dir dir = u->proc_dir < PDIR_COUNT ? u->proc_dir : PDIR_BOTH;
	double total = 0;
	for (uint32_t i = 0; i < u->n_procs; i++)
		total += proc_dir_rate(&u->procs[i], dir);
	size_t l = strlen(s);
	if (peak_col) {
		char pt[24];
		snprintf(pt, sizeof(pt), "%s%s", dir_peak[dir], u->proc_sort == PSORT_PEAK ? (desc ? dn : up) : "");
		l += (size_t)snprintf(s + l, sizeof(s) - l, " %*s",
				      12 + (u->proc_sort == PSORT_PEAK ? wide : 0), pt);
	}
	if (share_col && l < sizeof(s))
		l += (size_t)snprintf(s + l, sizeof(s) - l, " %5s", "Share");
	if (remotes_col && l < sizeof(s))
		l += (size_t)snprintf(s + l, sizeof(s) - l, " %7s", "Remotes");
	if (peer_col && l < sizeof(s))
		snprintf(s + l, sizeof(s) - l, " Top peer (%s)", dir_peer[dir]);
	header(u, y0, s);
	if (u->list_scroll > (int)u->n_procs - (h - 1))
		u->list_scroll = (int)u->n_procs - (h - 1);
	if (u->list_scroll < 0)
		u->list_scroll = 0;
	for (int i = 1; i < h; i++) {
		move(y0 + i, 0);
		clrtoeol();
		int pi = u->list_scroll + i - 1;
		if (pi >= (int)u->n_procs)
			continue;
		const struct ui_proc *p = &u->procs[pi];
		snprintf(s, sizeof(s), "%-24.24s %11u %12s %12s %12s %12s", p->name, p->flows,
			 ui_human_rate(r1, sizeof(r1), p->down), ui_human_rate(r2, sizeof(r2), p->up),
			 ui_human_bytes(b1, sizeof(b1), (double)p->bytes_down),
			 ui_human_bytes(b2, sizeof(b2), (double)p->bytes_up));
		l = strlen(s);
		if (peak_col)
			l += (size_t)snprintf(s + l, sizeof(s) - l, " %12s",
					      ui_human_rate(r1, sizeof(r1), p->peak));
		if (share_col && l < sizeof(s)) {
			double rate = proc_dir_rate(p, dir);
			char pct[16];
			snprintf(pct, sizeof(pct), total > 0 ? "%.0f%%" : "-", total > 0 ? rate / total * 100 : 0);
			l += (size_t)snprintf(s + l, sizeof(s) - l, " %5s", pct);
		}
		if (remotes_col && l < sizeof(s)) {
			char rn[16];
			snprintf(rn, sizeof(rn), "%u%s", p->remotes, p->remotes >= UI_PROC_REMOTES ? "+" : "");
			l += (size_t)snprintf(s + l, sizeof(s) - l, " %7s", rn);
		}
		if (peer_col && p->top_peer[0] && l < sizeof(s))
			snprintf(s + l, sizeof(s) - l, " %s (%s)", p->top_peer,
				 ui_human_bytes(b1, sizeof(b1), (double)p->top_bytes));
		ui_put(y0 + i, 0, COLS, s, 0);
	}
	if (!u->n_procs) {
		attrset(ui_theme(u, CP_MUTED, A_DIM));
		mvaddstr(y0 + 2, 2, "no open connections (in the current filter)");
		attrset(A_NORMAL);
	}
}

/* Reads the interface counters once a second at most; rates come from the
 * difference with the previous read. */
void ui_ifaces_sample(struct ui *u)
{
	uint64_t now = app_wall_us();
	if (u->ifs_us && now - u->ifs_us < 1900000u)	/* every 2 s, as the kernel counters need no more */
		return;
	memcpy(u->ifs_prev, u->ifs, sizeof(u->ifs));
	u->n_ifs_prev = u->n_ifs;
	u->ifs_prev_us = u->ifs_us;
	int n = platform_iface_stats(u->ifs, UI_IFACES_MAX);
	u->n_ifs = n < 0 ? 0 : n;
	u->ifs_us = now;
	/* The captured interfaces first, then by name. */
	for (int i = 0, front = 0; i < u->n_ifs; i++)
		if (capture_has_interface(&u->app->cap, u->ifs[i].name)) {
			struct iface_stat tmp = u->ifs[i];
			memmove(&u->ifs[front + 1], &u->ifs[front], (size_t)(i - front) * sizeof(tmp));
			u->ifs[front++] = tmp;
		}
}

/* Bytes/s of interface i since the previous read (0 when it is new). */
void ui_iface_rates(const struct ui *u, int i, double *rx, double *tx)
{
	const struct iface_stat *c = &u->ifs[i], *p = NULL;
	double dt = (double)(u->ifs_us - u->ifs_prev_us) / 1e6;
	for (int j = 0; j < u->n_ifs_prev && !p; j++)
		if (!strcmp(u->ifs_prev[j].name, c->name))
			p = &u->ifs_prev[j];
	*rx = p && dt > 0 ? (double)(c->rx_bytes - p->rx_bytes) / dt : 0;
	*tx = p && dt > 0 ? (double)(c->tx_bytes - p->tx_bytes) / dt : 0;
}

void ui_draw_interfaces(struct ui *u, int y0, int h)
{
	char s[320], r1[32], r2[32];
	snprintf(s, sizeof(s), "%-14s %11s %11s %11s %11s %7s %7s %7s %7s %6s", "Interface", "RX rate",
		 "TX rate", "RX packets", "TX packets", "RX err", "TX err", "RX drop", "TX drop", "Coll");
	header(u, y0, s);
	if (u->list_scroll > u->n_ifs - (h - 1))
		u->list_scroll = u->n_ifs - (h - 1);
	if (u->list_scroll < 0)
		u->list_scroll = 0;
	for (int i = 1; i < h; i++) {
		move(y0 + i, 0);
		clrtoeol();
		int k = u->list_scroll + i - 1;
		if (k >= u->n_ifs)
			continue;
		const struct iface_stat *c = &u->ifs[k];
		double rx, tx;
		ui_iface_rates(u, k, &rx, &tx);
		snprintf(s, sizeof(s), "%-14.14s %11s %11s %11llu %11llu %7llu %7llu %7llu %7llu %6llu",
			 c->name, ui_human_rate(r1, sizeof(r1), rx), ui_human_rate(r2, sizeof(r2), tx),
			 (unsigned long long)c->rx_packets, (unsigned long long)c->tx_packets,
			 (unsigned long long)c->rx_errors, (unsigned long long)c->tx_errors,
			 (unsigned long long)c->rx_drops, (unsigned long long)c->tx_drops,
			 (unsigned long long)c->collisions);
		attr_t a = capture_has_interface(&u->app->cap, c->name) ? A_BOLD : A_NORMAL;
		if (c->rx_errors + c->tx_errors + c->rx_drops + c->tx_drops + c->collisions && u->color)
			a |= COLOR_PAIR(CP_WARN);
		attrset(a);
		ui_put(y0 + i, 0, COLS, s, 0);
		attrset(A_NORMAL);
	}
	if (!u->n_ifs) {
		attrset(ui_theme(u, CP_MUTED, A_DIM));
		mvaddstr(y0 + 2, 2, u->app->cap.offline ? "reading a file: no interface counters"
				    : "interface counters are not available on this platform");
		attrset(A_NORMAL);
	}
}

static const char *const help_lines[][2] = {
	{ "", "Anywhere" },
	{ "q q", "quit (press twice)" },
	{ "Ctrl+C", "quit at once" },
	{ "Tab / Shift+Tab", "next / previous view (also ] and [)" },
	{ "1 2 3 4 5", "overview, details, processes, graph, interfaces" },
	{ "r", "reset the view (sort, filter, grouping, closed rows)" },
	{ "i", "side panel on / off (other views: interfaces)" },
	{ "h", "this help (any key closes it)" },
	{ "Esc", "clear the filter, else back to the overview" },
	{ "x x", "clear all connections and history (press twice)" },
	{ "P", "pause the display (capture goes on; Space too, ungrouped)" },
	{ "", "Connection list" },
	{ "Up / k, Down / j", "move the selection" },
	{ "PgUp / PgDn", "move a page (Ctrl+B / Ctrl+F)" },
	{ "Ctrl+U / Ctrl+D", "five rows up / down (details: scroll)" },
	{ "g / G", "first / last connection" },
	{ "Enter", "details of the selected connection" },
	{ "/", "filter as you type (Enter keeps it, Esc clears it)" },
	{ "f", "capture filter, pcap-filter(7) (Enter applies, Esc leaves)" },
	{ "s / S", "sort by the next column / reverse (Processes: that table)" },
	{ "< / >", "narrow / widen the application column" },
	{ "c", "copy the remote address (OSC 52, wl-copy, xclip)" },
	{ "p", "service names instead of port numbers" },
	{ "b", "rates in bits per second / bytes per second" },
	{ "d", "hostnames instead of addresses (Processes: both ways, egress, ingress)" },
	{ "t", "show closed connections (dimmed)" },
	{ "a", "group by process" },
	{ "A", "group by remote address (bandwidth per host)" },
	{ "Space", "grouped: fold / unfold the group (Left folds, Right / l unfold)" },
	{ "mouse", "click selects, double-click opens, wheel scrolls" },
	{ "", "Filter terms (ANDed; !term negates; /re/ is a regex)" },
	{ "port: sport: dport:", "any, local or remote port" },
	{ "src: dst:", "local or remote address" },
	{ "proto: state: service:", "protocol, state, service name" },
	{ "app: sni: host: ssh:", "application, server name, SSH software" },
	{ "process: pid:", "owning process, its id" },
	{ "pod: ns: container:", "Kubernetes pod, namespace, container" },
};

void ui_draw_help(struct ui *u)
{
	int n = (int)(sizeof(help_lines) / sizeof(help_lines[0]));
	int w = COLS - 4 < 120 ? COLS - 4 : 120;	/* the longest line whole on a wide terminal */
	int h = LINES - 4 < n + 2 ? LINES - 4 : n + 2;
	int x0 = (COLS - w) / 2, y0 = 2;
	attrset(u->color ? COLOR_PAIR(CP_TITLE) : A_REVERSE);
	for (int y = 0; y < h; y++) {
		move(y0 + y, x0);
		hline(' ', w);
	}
	ui_put(y0, x0 + 2, w - 4, "netlens keys  (j/k scroll, any other key closes)", 0);
	/* Kept in range, so k after j past the end moves at once. */
	if (u->list_scroll > n - (h - 2))
		u->list_scroll = n - (h - 2);
	if (u->list_scroll < 0)
		u->list_scroll = 0;
	int first = u->list_scroll;
	for (int i = 0; i < h - 2 && first + i < n; i++) {
		const char *const *l = help_lines[first + i];
		int y = y0 + 1 + i;
		if (!l[0][0]) {
			attron(A_BOLD | A_UNDERLINE);
			ui_put(y, x0 + 2, w - 4, l[1], 0);
			attroff(A_BOLD | A_UNDERLINE);
			continue;
		}
		attron(A_BOLD);
		ui_put(y, x0 + 3, 24, l[0], 0);
		attroff(A_BOLD);
		ui_put(y, x0 + 28, w - 30, l[1], 0);
	}
	attrset(A_NORMAL);
}
