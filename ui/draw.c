/*
 * draw.c - the frame (title bar, status and key lines), the Overview's
 * connection table and its side panel.
 *
 * Columns give way as the terminal narrows (Service first, then the
 * interface, Local, then Process); the Application column takes what is
 * left, adjustable with < and >. The interface column (If) is there once
 * a flow has named its interface (several read). Everything is drawn into ncurses' virtual screen and sent with
 * one doupdate(), which only transmits what changed.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "core/alerts.h"
#include "core/app.h"
#include "core/lifecycle.h"
#include "core/export.h"
#include "core/geoip.h"
#include "core/pcap_export.h"
#include "core/workers.h"
#include "core/names.h"
#include "core/owners.h"
#include "core/resolver.h"
#include "core/record.h"
#include "core/services.h"
#include "ui/ui.h"

#define SIDE_W 34		/* side panel width */
#define SIDE_MIN_COLS 150	/* terminal width from which it is shown */

enum col_id { COL_PROTO, COL_IFACE, COL_LOCAL, COL_REMOTE, COL_LOC, COL_STATE, COL_SERVICE, COL_APP,
	      COL_RTT, COL_DOWN, COL_UP, COL_PROCESS, COL_COUNT };

struct col {
	const char *title;
	enum ui_sort sort;
	int min, want;		/* cells */
	int right;
};

static const struct col cols[COL_COUNT] = {
	[COL_PROTO] = { "Proto", SORT_PROTO, 6, 6, 0 },	/* ICMPv6 */
	[COL_IFACE] = { "If", SORT_IFACE, 4, 10, 0 },	/* flows on several interfaces only */
	[COL_LOCAL] = { "Local", SORT_LOCAL, 15, 21, 0 },
	[COL_REMOTE] = { "Remote", SORT_REMOTE, 17, 21, 0 },
	[COL_LOC] = { "Loc", SORT_LOC, 3, 4, 0 },	/* with GeoIP files only; 4: its sort arrow */
	[COL_STATE] = { "State", SORT_STATE, 11, 14, 0 },	/* QUIC_CONNECTED */
	[COL_SERVICE] = { "Service", SORT_SERVICE, 8, 9, 0 },	/* 8: with its sort arrow */
	[COL_APP] = { "Application", SORT_APP, 12, 40, 0 },
	[COL_RTT] = { "RTT", SORT_RTT, 7, 8, 0 },	/* "12.3 ms": RustNet's column */
	[COL_DOWN] = { "Down", SORT_BANDWIDTH, 9, 10, 1 },
	[COL_UP] = { "Up", SORT_BANDWIDTH, 9, 10, 1 },
	[COL_PROCESS] = { "Process", SORT_PROCESS, 8, 16, 0 },
};

/* Columns dropped, in order, when the width is short: the application and
 * the state only after the rest, and never a direction's bandwidth (at 60
 * cells Up was cut off the screen while the application had 16). */
static const enum col_id drop_order[] = { COL_LOC, COL_SERVICE, COL_IFACE, COL_LOCAL, COL_PROCESS,
					  COL_APP, COL_STATE };

static void layout(const struct ui *u, int width, int w[COL_COUNT])
{
	int on[COL_COUNT];
	for (int i = 0; i < COL_COUNT; i++)
		on[i] = 1;
	on[COL_LOC] = geoip_current != NULL;
	on[COL_IFACE] = u->iface_col;
	on[COL_RTT] = 0;	/* only where there is room to spare: see grow[] */
	for (size_t d = 0;; d++) {
		int need = 0, n = 0;
		for (int i = 0; i < COL_COUNT; i++)
			if (on[i]) {
				need += cols[i].min;
				n++;
			}
		need += n - 1;
		if (need <= width || d == sizeof(drop_order) / sizeof(drop_order[0]))
			break;
		on[drop_order[d]] = 0;
	}
	int used = -1;
	for (int i = 0; i < COL_COUNT; i++) {
		w[i] = on[i] ? cols[i].min : 0;
		if (on[i])
			used += w[i] + 1;
	}
	int spare = width - used;
	/* Grow in steps, most useful first: what an IPv4 row needs, room for
	 * the application, IPv6 endpoints, the RTT once all that is there
	 * (RustNet's column: it takes its separator's cell too), and the
	 * application the rest. */
	static const struct { enum col_id c; int to; } grow[] = {
		{ COL_REMOTE, 21 }, { COL_LOC, 4 }, { COL_STATE, 14 }, { COL_APP, 24 }, { COL_PROTO, 6 },
		{ COL_LOCAL, 21 }, { COL_RTT, 8 }, { COL_DOWN, 10 }, { COL_UP, 10 }, { COL_PROCESS, 16 },
		{ COL_IFACE, 8 }, { COL_SERVICE, 9 }, { COL_APP, 40 }, { COL_REMOTE, 47 },
		{ COL_LOCAL, 47 },
	};
	for (size_t g = 0; g < sizeof(grow) / sizeof(grow[0]) && spare > 0; g++) {
		enum col_id c = grow[g].c;
		if (c == COL_RTT) {
			if (spare > cols[COL_RTT].min) {
				on[COL_RTT] = 1;
				w[COL_RTT] = spare > grow[g].to ? grow[g].to : spare - 1;
				spare -= w[COL_RTT] + 1;
			}
			continue;
		}
		if (!on[c])
			continue;
		int add = grow[g].to - w[c];
		if (add > spare)
			add = spare;
		if (add > 0) {
			w[c] += add;
			spare -= add;
		}
	}
	if (spare > 0)
		w[on[COL_APP] ? COL_APP : COL_REMOTE] += spare;
	if (!on[COL_APP])
		return;
	/* < and >: trade cells between the application and the remote column. */
	int adj = u->app_width_adj;
	if (adj > 0 && w[COL_REMOTE] - adj < cols[COL_REMOTE].min)
		adj = w[COL_REMOTE] - cols[COL_REMOTE].min;
	if (adj < 0 && w[COL_APP] + adj < cols[COL_APP].min)
		adj = cols[COL_APP].min - w[COL_APP];
	w[COL_APP] += adj;
	w[COL_REMOTE] -= adj;
}

static const char *arrow(const struct ui *u, int up)
{
	if (u->utf8)
		return up ? "\xe2\x86\x91" : "\xe2\x86\x93";	/* ↑ ↓ */
	return up ? "^" : "v";
}

/* A round trip in at most 7 cells: "0.05 ms", "12.3 ms", "245 ms", "1.5 s";
 * "-" when none was measured. */
static const char *rtt_cell(char *buf, size_t n, uint32_t us)
{
	if (!us)
		snprintf(buf, n, "-");
	else if (us < 1000)
		snprintf(buf, n, "%.2f ms", us / 1000.0);
	else if (us < 100000)
		snprintf(buf, n, "%.1f ms", us / 1000.0);
	else if (us < 10000000)
		snprintf(buf, n, "%.0f ms", us / 1000.0);
	else
		snprintf(buf, n, "%.1f s", us / 1e6);
	return buf;
}

static void draw_header(const struct ui *u, int y, int x, const int w[COL_COUNT])
{
	attrset(A_BOLD | (u->color ? COLOR_PAIR(CP_HEADER) : A_REVERSE));
	move(y, 0);
	hline(' ', COLS);
	for (int i = 0; i < COL_COUNT; i++) {
		if (!w[i])
			continue;
		char t[48];
		const char *title = cols[i].title;
		if (i == COL_DOWN)
			title = u->utf8 ? "\xe2\x86\x93" "Down" : "Down";
		else if (i == COL_UP)
			title = u->utf8 ? "Up\xe2\x86\x91" : "Up";
		int marked = u->sort != SORT_CREATED && cols[i].sort == u->sort &&
			     !(i == COL_UP);	/* bandwidth: marked once, on Down */
		if (marked)
			snprintf(t, sizeof(t), "%s%s", title, arrow(u, !u->sort_desc));
		else
			snprintf(t, sizeof(t), "%s", title);
		ui_put(y, x, w[i], t, cols[i].right);
		x += w[i] + 1;
	}
	attrset(A_NORMAL);
}

static void endpoint_text(const struct ui *u, const struct flow *f, int src, char *out, size_t n)
{
	const uint8_t *addr = src ? flow_src_addr(f) : flow_dst_addr(f);
	uint16_t port = src ? flow_src_port(f) : flow_dst_port(f);
	record_endpoint(out, n, f, addr, port);
	size_t nl = 0;
	const char *name = NULL;
	if (u->show_names) {
		/* d: the name a DNS answer seen gave (while fresh), else reverse DNS. */
		int answer;
		name = record_host_name(f, addr, &nl, &answer);
	}
	if (name) {
		char clean[NAMES_MAX_LEN * 4 + 1];
		ui_sanitize(clean, sizeof(clean), name, nl);
		const char *colon = (f->key.proto == L4_TCP || f->key.proto == L4_UDP) ? strrchr(out, ':') : NULL;
		char tail[16];
		snprintf(tail, sizeof(tail), "%s", colon ? colon : "");
		int room = (int)(n - strlen(tail) - 1);
		size_t cl = strlen(clean);
		if ((int)cl > room) {	/* keep the port: cut the name, on a character boundary */
			cl = (size_t)room;
			while (cl > 0 && ((unsigned char)clean[cl] & 0xc0) == 0x80)
				cl--;
		}
		memcpy(out, clean, cl);
		memcpy(out + cl, tail, strlen(tail) + 1);
	}
	if (!u->show_ports || (f->key.proto != L4_TCP && f->key.proto != L4_UDP))
		return;
	/* p: the service name in place of the port number, where one is known. */
	const char *svc = services_lookup(port, f->key.proto);
	char *colon = strrchr(out, ':');
	if (svc && colon && (size_t)(colon - out) + strlen(svc) + 2 < n)
		strcpy(colon + 1, svc);
}

/* "name (pid)"; short of room, the name gives way before the pid, and
 * only a column too narrow for both shows the name alone. */
static void process_cell(char *out, size_t n, const struct flow_text *t, int w)
{
	if (!t->process[0] || !t->pid) {
		snprintf(out, n, "%s", t->process[0] ? t->process : "-");
		return;
	}
	char pid[16], name[sizeof(t->process)];
	int pl = snprintf(pid, sizeof(pid), " (%u)", t->pid);
	int room = w - pl;
	if (room < 3) {
		snprintf(out, n, "%s", t->process);
		return;
	}
	ui_cut(name, sizeof(name), t->process, room);
	snprintf(out, n, "%s%s", name, pid);
}

static void draw_row(struct ui *u, int y, int x0, const int w[COL_COUNT], const struct ui_row *r,
		     int selected, int width)
{
	uint64_t now = ui_now(u);
	attr_t attr = A_NORMAL;
	if (r->header) {
		char t[160], rate[32];
		attr_t head = A_BOLD | (u->color ? COLOR_PAIR(CP_KEY) : A_NORMAL);
		attrset(selected ? ui_theme_selected(u, head) : head);
		const char *title = r->gkey;
		char addr[64];
		const struct flow *m;
		if (r->gkey[0] == 0x7f)
			title = u->group == GROUP_REMOTE ? "(no address)" : "(unknown process)";
		else if (u->group == GROUP_REMOTE)	/* the key is binary: a member names it */
			title = (m = ui_header_flow(u, r)) ? record_addr(m, flow_dst_addr(m), addr) : "?";
		/* RustNet's group titles count TCP and UDP too (when there are) */
		char kinds[48] = "";
		if (r->group_tcp || r->group_udp)
			snprintf(kinds, sizeof(kinds), ": TCP %u UDP %u", r->group_tcp, r->group_udp);
		snprintf(t, sizeof(t), "%s %s  (%u connection%s%s, %s)",
			 r->folded ? (u->utf8 ? "\xe2\x96\xb8" : "+") : (u->utf8 ? "\xe2\x96\xbe" : "-"),
			 title, r->group_count, r->group_count == 1 ? "" : "s", kinds,
			 ui_human_rate(rate, sizeof(rate), r->bw));
		ui_put(y, x0, width, t, 0);
		attrset(A_NORMAL);
		return;
	}
	const struct flow *f = ui_row_flow(u, r);
	if (!f) {
		move(y, x0);
		hline(' ', width);
		return;
	}
	struct flow_text t;
	ui_flow_text(u, f, &t);
	if (t.alert[0]) {	/* on --alert-list: stands out whatever its age */
		attr = A_BOLD | (u->color ? COLOR_PAIR(CP_ALERT) : 0);
	} else if (r->closed) {
		attr = ui_theme(u, CP_FAINT, A_DIM);
	} else if (u->color) {
		double s = lifecycle_staleness(f, now);
		if (s >= 0.9)
			attr = COLOR_PAIR(CP_ALERT);
		else if (s >= 0.75)
			attr = COLOR_PAIR(CP_WARN);
	} else {
		double s = lifecycle_staleness(f, now);
		if (s >= 0.9)
			attr = A_BOLD;
		else if (s >= 0.75)
			attr = A_UNDERLINE;
	}
	if (selected)
		attr = ui_theme_selected(u, attr);
	attrset(attr);
	move(y, x0);
	hline(' ', width);
	int x = x0;
	char cell[96];
	for (int i = 0; i < COL_COUNT; i++) {
		if (!w[i])
			continue;
		const char *s = "";
		switch (i) {
		case COL_PROTO: s = t.proto; break;
		case COL_IFACE: {
			const char *n = record_interface(f);
			s = n ? n : "-";
			break;
		}
		case COL_LOCAL:
		case COL_REMOTE: {
			int local = i == COL_LOCAL;
			int mark = t.alert[0] && t.alert_local == local;	/* "!": the listed end */
			cell[0] = '!';
			endpoint_text(u, f, local, cell + mark, sizeof(cell) - 1);
			/* Too long: the address gives way, never the port, which
			 * tells a host's rows apart ([fd00::1]:5443 and :5444). */
			const char *port = strrchr(cell, ':');
			int pw = port ? ui_text_width(port) : 0;
			if (port && (f->key.proto == L4_TCP || f->key.proto == L4_UDP) &&
			    ui_text_width(cell) > w[i] && pw + 4 <= w[i] && port > cell && port[-1] != ':') {
				char head[sizeof(cell)];
				snprintf(head, sizeof(head), "%.*s", (int)(port - cell), cell);
				ui_put(y, x, w[i] - pw, head, 0);
				ui_put(y, x + w[i] - pw, pw, port, 0);
				x += w[i] + 1;
				continue;
			}
			s = cell;
			break;
		}
		case COL_STATE: s = t.state; break;
		case COL_SERVICE: s = t.service[0] ? t.service : "-"; break;
		case COL_LOC: s = t.loc[0] ? t.loc : "-"; break;
		case COL_APP: s = t.app; break;
		case COL_RTT: s = rtt_cell(cell, sizeof(cell), r->rtt_us); break;
		case COL_DOWN:
			s = r->closed ? "closed" : ui_human_rate(cell, sizeof(cell),
								 flow_rate(f, now, DIR_REV));
			break;
		case COL_UP:
			s = r->closed ? "" : ui_human_rate(cell, sizeof(cell),
							   flow_rate(f, now, DIR_FWD));
			break;
		case COL_PROCESS: process_cell(cell, sizeof(cell), &t, w[i]); s = cell; break;
		}
		ui_put(y, x, w[i], s, cols[i].right);
		x += w[i] + 1;
	}
	attrset(A_NORMAL);
}

static void draw_scrollbar(const struct ui *u, int y0, int h, int x)
{
	int n = (int)u->rows.n;
	if (n <= h || h < 3) {
		for (int i = 0; i < h; i++)	/* none now: none left from before either */
			mvaddch(y0 + i, x, ' ');
		return;
	}
	int thumb = h * h / n;
	if (thumb < 1)
		thumb = 1;
	int pos = (int)((long long)(h - thumb) * u->top / (n - h));
	for (int i = 0; i < h; i++) {
		int in = i >= pos && i < pos + thumb;
		if (u->utf8)
			mvaddstr(y0 + i, x, in ? "\xe2\x96\x88" : "\xe2\x94\x82");
		else
			mvaddch(y0 + i, x, in ? '#' : '|');
	}
}

static void sidebar_line(int *y, int x, const char *s, attr_t a)
{
	attrset(a);
	ui_put(*y, x, SIDE_W - 1, s, 0);
	attrset(A_NORMAL);
	(*y)++;
}

/* "label N" items two spaces apart, on as many lines as they need: a busy
 * host's "flows 100000  closed 5000  evicted 123456" is wider than the panel,
 * and its last count was cut to "evicted …". */
static void sidebar_counts(int *y, int x, const char *const *labels, const unsigned long long *v,
			   int n)
{
	char line[128] = "", item[64];
	for (int i = 0; i < n; i++) {
		snprintf(item, sizeof(item), "%s %llu", labels[i], v[i]);
		if (line[0] && strlen(line) + 2 + strlen(item) > SIDE_W - 1) {
			sidebar_line(y, x, line, A_NORMAL);
			line[0] = '\0';
		}
		size_t l = strlen(line);
		snprintf(line + l, sizeof(line) - l, "%s%s", l ? "  " : "", item);
	}
	if (line[0])
		sidebar_line(y, x, line, A_NORMAL);
}

/* iftop's three windows, the peak and the total, down and up: which of
 * the 10 s average is a burst and which is steady. */
static void draw_totals(const struct ui *u, int *y, int x)
{
	const struct tracker *t = &u->app->tracker;
	const uint64_t *now_bytes = t->traffic_bytes;
	uint64_t now = t->now_us;	/* the count's own clock (a file's is its capture's) */
	char s[64], a[32], b[32];
	snprintf(s, sizeof(s), "%-6s%13s%13s", "", "down", "up");
	sidebar_line(y, x, s, ui_theme(u, CP_LABEL, A_DIM));
	static const unsigned windows[RATE_HISTORY_N_WINDOWS] = RATE_HISTORY_WINDOWS;
	for (size_t i = 0; i < RATE_HISTORY_N_WINDOWS; i++) {
		char label[8];
		snprintf(label, sizeof(label), "%u s", windows[i]);
		snprintf(s, sizeof(s), "%-6s%13s%13s", label,
			 ui_human_rate(a, sizeof(a), rate_history_avg(&t->totals, now, now_bytes,
								  windows[i], DIR_REV)),
			 ui_human_rate(b, sizeof(b), rate_history_avg(&t->totals, now, now_bytes,
								  windows[i], DIR_FWD)));
		sidebar_line(y, x, s, A_NORMAL);
	}
	snprintf(s, sizeof(s), "%-6s%13s%13s", "peak",
		 ui_human_rate(a, sizeof(a), t->totals.peak[DIR_REV]),
		 ui_human_rate(b, sizeof(b), t->totals.peak[DIR_FWD]));
	sidebar_line(y, x, s, A_NORMAL);
	snprintf(s, sizeof(s), "%-6s%13s%13s", "total",
		 ui_human_bytes(a, sizeof(a), (double)now_bytes[DIR_REV]),
		 ui_human_bytes(b, sizeof(b), (double)now_bytes[DIR_FWD]));
	sidebar_line(y, x, s, A_NORMAL);
}

static void draw_sparkline(const struct ui *u, int y, int x, int w)
{
	static const char *const bars[] = { "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83",
					    "\xe2\x96\x84", "\xe2\x96\x85", "\xe2\x96\x86",
					    "\xe2\x96\x87", "\xe2\x96\x88" };
	static const char ascii[] = "_.-=+*#@";
	unsigned n = u->spark_n < (unsigned)w ? u->spark_n : (unsigned)w;
	double max = 1;
	for (unsigned i = 0; i < n; i++)
		if (u->spark[(u->spark_n - 1 - i) % UI_SPARK] > max)
			max = u->spark[(u->spark_n - 1 - i) % UI_SPARK];
	move(y, x);
	if (u->color)
		attrset(COLOR_PAIR(CP_RX));
	for (int i = 0; i < w - (int)n; i++)
		addch(' ');
	for (unsigned i = n; i-- > 0;) {
		double v = u->spark[(u->spark_n - 1 - i) % UI_SPARK];
		int lvl = v <= 0 ? -1 : (int)(v / max * 7.999);
		if (lvl < 0)
			addch(' ');
		else if (u->utf8)
			addstr(bars[lvl]);
		else
			addch((chtype)ascii[lvl]);
	}
	attrset(A_NORMAL);
}

static void draw_side(struct ui *u, int y0, int h, int x)
{
	struct app *a = u->app;
	struct tracker *t = &a->tracker;
	char s[128], r1[32], r2[32];
	int y = y0;
	int ymax = y0 + h;
	attr_t head = A_BOLD | (u->color ? COLOR_PAIR(CP_KEY) : 0);

	/* Cleared whole: the blank lines between sections are skipped, not
	 * drawn, and a section moved down a line (a count that now takes two)
	 * left its title on the line above. The panel ends the screen's rows. */
	for (int i = y0; i < ymax; i++) {
		move(i, x - 1);
		clrtoeol();
	}
	sidebar_line(&y, x, "Capture", head);
	/* A file by its name, as in the title: a long path would push the
	 * link type out of the panel. */
	const char *cname = capture_short_name(&a->cap);
	snprintf(s, sizeof(s), "%.80s (%.30s)", cname,
		 capture_mixed_links(&a->cap) ? "several link types" : capture_link_name(&a->cap));
	sidebar_line(&y, x, s, A_NORMAL);
	struct pcap_stat ps;
	if (!a->cap.offline && capture_stats(&a->cap, &ps) == 0)
		snprintf(s, sizeof(s), "packets %llu  drops %u", (unsigned long long)a->cap.packets,
			 ps.ps_drop);
	else
		snprintf(s, sizeof(s), "packets %llu", (unsigned long long)a->cap.packets);
	sidebar_line(&y, x, s, A_NORMAL);
	if (alerts_current) {	/* --alert-list, --alert-rate */
		snprintf(s, sizeof(s), "alerts %llu", (unsigned long long)a->alerts_raised);
		sidebar_line(&y, x, s, a->alerts_raised ? A_BOLD | (u->color ? COLOR_PAIR(CP_ALERT) : 0)
			     : A_NORMAL);
	}
	if (a->capture_filter[0]) {	/* -f, or f: what the kernel lets through */
		snprintf(s, sizeof(s), "filter: %.100s", a->capture_filter);
		sidebar_line(&y, x, s, u->color ? COLOR_PAIR(CP_KEY) : A_BOLD);
	}
	if (a->workers) {
		unsigned n = workers_count(a->workers), up = workers_running(a->workers);
		snprintf(s, sizeof(s), "workers %u%s", n, up == n ? " (PACKET_FANOUT)" : "");
		if (up != n)
			snprintf(s, sizeof(s), "workers %u of %u running", up, n);
		sidebar_line(&y, x, s, up == n ? A_NORMAL : A_BOLD);
	}
	static const char *const by_proto[] = { "TCP", "UDP", "ICMP", "ARP" };
	const unsigned long long open[] = { t->open_by_proto[L4_TCP], t->open_by_proto[L4_UDP],
		t->open_by_proto[L4_ICMP] + t->open_by_proto[L4_ICMPV6], t->open_by_proto[L4_ARP] };
	sidebar_counts(&y, x, by_proto, open, 4);
	static const char *const flow_labels[] = { "flows", "closed", "evicted" };
	const unsigned long long flows[] = { t->table.count, t->history.count,
					     t->stats.flows_evicted };
	sidebar_counts(&y, x, flow_labels, flows, 3);
	if (owners_from_capture(owners_current)) {
		snprintf(s, sizeof(s), "processes: from the capture (PKTAP)");
	} else if (owners_current) {
		const struct owners_stats *os = owners_stats(owners_current);
		const char *tier = owners_ebpf_tier(owners_current);
		if (tier[0]) {	/* which eBPF tier loaded, e.g. "tp_btf + cgroup hooks" */
			snprintf(s, sizeof(s), "processes: eBPF %.60s", tier);
			sidebar_line(&y, x, s, A_NORMAL);
		}
		snprintf(s, sizeof(s), "processes: %s (scan %.1f ms)", owners_active_method(owners_current),
			 os->last_scan_us / 1000.0);
	} else {
		snprintf(s, sizeof(s), "processes: not attributed (file)");
	}
	sidebar_line(&y, x, s, A_NORMAL);
	if (a->pcap_x || a->pcapng_x) {	/* --pcap-export / --pcapng-export */
		snprintf(s, sizeof(s), "%s export: %llu packets", a->pcapng_x ? "pcapng" : "pcap",
			 (unsigned long long)pcap_export_packets(a->pcapng_x ? a->pcapng_x : a->pcap_x));
		sidebar_line(&y, x, s, A_NORMAL);
	}
	if (export_current) {	/* IPFIX: what reached the collectors, what was dropped */
		struct export_stats es;
		export_get_stats(export_current, &es);
		attr_t warn = u->color ? COLOR_PAIR(CP_WARN) : A_BOLD;
		snprintf(s, sizeof(s), "export: %u/%u collectors up", es.collectors_up, es.collectors);
		sidebar_line(&y, x, s, es.collectors_up < es.collectors ? warn : A_NORMAL);
		/* two lines, drops first: one line of 33 cells cut the count off */
		snprintf(s, sizeof(s), "records: %llu dropped, %llu sent",
			 (unsigned long long)es.records_dropped, (unsigned long long)es.records_sent);
		sidebar_line(&y, x, s, es.records_dropped ? warn : A_NORMAL);
	}
	if (a->sandbox.text[0]) {	/* what the sandbox applied, e.g. "landlock v7 (fs, tcp..." */
		snprintf(s, sizeof(s), "sandbox: %.100s", a->sandbox.text);
		sidebar_line(&y, x, s, A_NORMAL);
	}
	y++;
	if (y < ymax) {
		struct tcp_totals act;
		uint32_t tcp_flows = 0;
		tracker_tcp_active(t, &act, &tcp_flows);
		sidebar_line(&y, x, "Network (active / total)", head);
		snprintf(s, sizeof(s), "retransmits  %llu / %llu", (unsigned long long)act.retransmits,
			 (unsigned long long)t->tcp.retransmits);
		sidebar_line(&y, x, s, A_NORMAL);
		snprintf(s, sizeof(s), "out of order %llu / %llu", (unsigned long long)act.out_of_order,
			 (unsigned long long)t->tcp.out_of_order);
		sidebar_line(&y, x, s, A_NORMAL);
		snprintf(s, sizeof(s), "fast retrans %llu / %llu",
			 (unsigned long long)act.fast_retransmits,
			 (unsigned long long)t->tcp.fast_retransmits);
		sidebar_line(&y, x, s, A_NORMAL);
		snprintf(s, sizeof(s), "active TCP flows %u", tcp_flows);
		sidebar_line(&y, x, s, A_NORMAL);
		y++;
	}
	if (y + 2 < ymax) {
		uint64_t now = ui_now(u);
		sidebar_line(&y, x, "Traffic (60 s)", head);
		snprintf(s, sizeof(s), "down %s  up %s",
			 ui_human_rate(r1, sizeof(r1), rate64_get(&t->traffic, now, DIR_REV)),
			 ui_human_rate(r2, sizeof(r2), rate64_get(&t->traffic, now, DIR_FWD)));
		sidebar_line(&y, x, s, A_NORMAL);
		draw_sparkline(u, y++, x, SIDE_W - 1);
		if (y + 6 < ymax)
			draw_totals(u, &y, x);
		y++;
	}
	if (y + 1 < ymax && u->n_ifs > 0) {
		/* The busiest interfaces (the captured one first), with their
		 * errors and drops when there are any. */
		sidebar_line(&y, x, "Interfaces", head);
		double rxs[UI_IFACES_MAX], txs[UI_IFACES_MAX], rate[UI_IFACES_MAX];
		int order[UI_IFACES_MAX];
		for (int i = 0; i < u->n_ifs; i++) {
			ui_iface_rates(u, i, &rxs[i], &txs[i]);
			rate[i] = rxs[i] + txs[i];
			order[i] = i;
		}
		for (int i = 1; i < u->n_ifs; i++)	/* insertion sort: a few dozen at most */
			for (int j = i; j > 1 && rate[order[j]] > rate[order[j - 1]]; j--) {
				int tmp = order[j];
				order[j] = order[j - 1];
				order[j - 1] = tmp;
			}
		for (int k = 0; k < u->n_ifs && y < ymax; k++) {
			int i = order[k];
			const struct iface_stat *c = &u->ifs[i];
			double rx = rxs[i], tx = txs[i];
			unsigned long long errs = c->rx_errors + c->tx_errors, drops = c->rx_drops + c->tx_drops;
			char extra[48] = "";
			if (errs || drops)
				snprintf(extra, sizeof(extra), " e%llu d%llu", errs, drops);
			snprintf(s, sizeof(s), "%-7.10s %s%s %s%s%s", c->name, u->utf8 ? "\xe2\x86\x93" : "d",
				 ui_human_rate(r1, sizeof(r1), rx), u->utf8 ? "\xe2\x86\x91" : "u",
				 ui_human_rate(r2, sizeof(r2), tx), extra);
			sidebar_line(&y, x, s, errs || drops ? (u->color ? COLOR_PAIR(CP_WARN) : A_BOLD)
					 : A_NORMAL);
		}
	}
	/* Below what was drawn: blank, not what a longer panel left there. */
	for (; y < ymax; y++) {
		move(y, x);
		clrtoeol();
	}
}

int ui_table_rows(void)
{
	return LINES - 4 > 0 ? LINES - 4 : 0;
}

static void draw_overview(struct ui *u, int y0, int h)
{
	int side = COLS >= SIDE_MIN_COLS && !u->side_hidden;
	int width = (side ? COLS - SIDE_W - 1 : COLS) - 1;	/* last cell: scrollbar */
	int w[COL_COUNT];
	layout(u, width, w);
	draw_header(u, y0, 0, w);
	int rows_h = h - 1;
	u->table_y = y0 + 1;
	u->table_h = rows_h;
	/* Keep the selection visible. */
	if (u->sel < u->top)
		u->top = u->sel;
	if (u->sel >= u->top + rows_h)
		u->top = u->sel - rows_h + 1;
	if (u->top > (int)u->rows.n - rows_h)
		u->top = (int)u->rows.n - rows_h;
	if (u->top < 0)
		u->top = 0;
	for (int i = 0; i < rows_h; i++) {
		int ri = u->top + i;
		if (ri < (int)u->rows.n) {
			draw_row(u, y0 + 1 + i, 0, w, &u->rows.v[ri], ri == u->sel, width);
		} else {
			move(y0 + 1 + i, 0);
			hline(' ', width + 1);
		}
	}
	if (u->rows.total)
		u->cleared_all = 0;	/* connections came since */
	if (!u->rows.n) {
		const char *msg = u->rows.total ? "no connection matches the filter (Esc clears it)"
				  : u->cleared_all ? "cleared (x x): no connection since"
				  : u->app->cap.offline && u->app->cap.eof ? "no flows in this file"
				  : u->app->cap.offline ? "waiting for packets..."	/* a quiet pipe */
				  : "waiting for traffic...";
		attrset(ui_theme(u, CP_MUTED, A_DIM));
		mvaddstr(y0 + 2, 2, msg);
		attrset(A_NORMAL);
	}
	draw_scrollbar(u, y0 + 1, rows_h, width);
	if (side)
		draw_side(u, y0, h, COLS - SIDE_W);
}

static void draw_title(struct ui *u)
{
	static const char *const names[SCR_COUNT] = { "Overview", "Details", "Processes", "Graph",
						       "Interfaces" };
	struct app *a = u->app;
	char s[256], r1[32], r2[32];
	attrset(u->color ? COLOR_PAIR(CP_TITLE) | A_BOLD : A_REVERSE | A_BOLD);
	move(0, 0);
	hline(' ', COLS);
	mvaddstr(0, 1, "netlens");
	int x = 10;
	for (int i = 0; i < SCR_COUNT && x < COLS; i++) {
		snprintf(s, sizeof(s), i == (int)u->screen ? "[%s]" : " %s ", names[i]);
		if (i == (int)u->screen)
			attron(A_UNDERLINE);
		ui_put(0, x, (int)strlen(s), s, 0);
		attroff(A_UNDERLINE);
		x += (int)strlen(s) + 1;
	}
	uint64_t now = ui_now(u);
	const char *st = u->paused ? "PAUSED" : a->cap.offline ? (a->cap.eof ? "file done" : "reading")
			 : "live";
	const char *name = capture_short_name(&a->cap);
	/* Right side, shortened until it fits: the state always shows. */
	for (int detail = 2; detail >= 0; detail--) {
		if (detail == 2)
			snprintf(s, sizeof(s), "%.60s  %u flow%s  %s%s %s%s  %s ", name,
				 a->tracker.table.count, a->tracker.table.count == 1 ? "" : "s", u->utf8 ? "\xe2\x86\x93" : "down ",
				 ui_human_rate(r1, sizeof(r1), rate64_get(&a->tracker.traffic, now, DIR_REV)),
				 u->utf8 ? "\xe2\x86\x91" : "up ",
				 ui_human_rate(r2, sizeof(r2), rate64_get(&a->tracker.traffic, now, DIR_FWD)), st);
		else if (detail == 1)
			snprintf(s, sizeof(s), "%.24s  %s ", name, st);
		else
			snprintf(s, sizeof(s), "%s ", st);
		int sw = ui_text_width(s);
		if (x + sw < COLS) {
			ui_put(0, COLS - sw, sw, s, 0);
			break;
		}
	}
	attrset(A_NORMAL);
}

#define CAPTURE_PROMPT "capture filter: "
#define CAPTURE_PROMPT_W 16

static void draw_status(struct ui *u)
{
	int y = LINES - 2;
	move(y, 0);
	clrtoeol();
	uint64_t now = app_wall_us();
	char s[1400];
	if (u->editing == EDIT_CAPTURE) {	/* f: applied at Enter, so no count */
		attrset(A_BOLD);
		mvaddstr(y, 0, CAPTURE_PROMPT);
		attrset(A_NORMAL);
		ui_put(y, CAPTURE_PROMPT_W, COLS - CAPTURE_PROMPT_W, u->btext, 0);
		return;
	}
	if (u->editing) {
		attrset(A_BOLD);
		mvaddstr(y, 0, "/");
		attrset(A_NORMAL);
		ui_put(y, 1, COLS - 1, u->ftext, 0);
		/* How many rows the filter leaves, at the right as you type. */
		snprintf(s, sizeof(s), "%u of %u", u->rows.flows, u->rows.total);
		int cw = (int)strlen(s);
		if (2 + ui_text_width(u->ftext) + cw + 2 < COLS && !u->ferr[0]) {
			attrset(ui_theme(u, CP_MUTED, A_DIM));
			ui_put(y, COLS - cw - 1, cw, s, 0);
			attrset(A_NORMAL);
		}
		if (u->ferr[0]) {
			int x = 2 + ui_text_width(u->ftext) + 2;
			if (x < COLS - 10) {
				attrset(u->color ? COLOR_PAIR(CP_ERR) | A_BOLD : A_BOLD);
				ui_put(y, x, COLS - x, u->ferr, 0);
				attrset(A_NORMAL);
			}
		}
		return;
	}
	if (u->status[0] && now < u->status_until_us) {
		attrset(A_BOLD | ui_theme(u, CP_INFO, 0));
		ui_put(y, 0, COLS, u->status, 0);
		attrset(A_NORMAL);
		return;
	}
	u->status[0] = '\0';
	int x = 0;
	if (u->flen) {
		snprintf(s, sizeof(s), "filter: %s", u->ftext);
		attrset(u->color ? COLOR_PAIR(CP_KEY) : A_BOLD);
		int sw = ui_text_width(s);
		if (sw > COLS / 2)
			sw = COLS / 2;
		ui_put(y, 0, sw, s, 0);
		attrset(A_NORMAL);
		x = sw + 2;
	}
	if (u->screen == SCR_OVERVIEW && x < COLS) {
		int h = u->table_h > 0 ? u->table_h : 1;
		int last = u->top + h < (int)u->rows.n ? u->top + h : (int)u->rows.n;
		uint32_t shown = u->rows.flows;
		if (u->rows.n && u->rows.headers)	/* rows are titles and flows: count rows */
			snprintf(s, sizeof(s), "rows %d-%d of %u: %u flow%s in %u group%s", u->top + 1, last,
				 u->rows.n, shown, shown == 1 ? "" : "s", u->rows.headers,
				 u->rows.headers == 1 ? "" : "s");
		else if (u->rows.n)
			snprintf(s, sizeof(s), "%d-%d of %u", u->top + 1, last, shown);
		else
			snprintf(s, sizeof(s), "0 of 0");
		size_t l = strlen(s);
		if (u->rows.total != shown)
			snprintf(s + l, sizeof(s) - l, " (of %u)", u->rows.total);
		l = strlen(s);
		snprintf(s + l, sizeof(s) - l, "  sort: %s%s%s%s%s", ui_sort_name(u->sort),
			 u->sort == SORT_CREATED ? (u->sort_desc ? ", newest first" : "") : " ",
			 u->sort == SORT_CREATED ? "" : arrow(u, !u->sort_desc),
			 u->show_history ? "  +closed" : "",
			 u->group == GROUP_PROCESS ? "  grouped by process" :
			 u->group == GROUP_REMOTE ? "  grouped by remote" : "");
		ui_put(y, x, COLS - x, s, 0);
	}
}

static void draw_keys(struct ui *u)
{
	/* Help second: at 80 columns the line ends after "a group", and the
	 * key that lists all the others must still be on it. */
	static const char *const keys[][2] = {
		{ "q", "quit" }, { "h", "help" }, { "/", "filter" }, { "s", "sort" },
		{ "Enter", "details" }, { "Tab", "view" }, { "t", "closed" }, { "a", "group" },
		{ "P", "pause" },
	};
	int y = LINES - 1, x = 0;
	move(y, 0);
	clrtoeol();
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *what = keys[i][0][0] == 'P' && u->paused ? "resume" : keys[i][1];
		int need = (int)(strlen(keys[i][0]) + strlen(what) + 3);
		if (x + need > COLS)
			break;
		attrset(u->color ? COLOR_PAIR(CP_KEY) | A_BOLD : A_BOLD);
		mvaddstr(y, x, keys[i][0]);
		attrset(A_NORMAL);
		x += (int)strlen(keys[i][0]);
		mvaddstr(y, x + 1, what);
		x += (int)strlen(what) + 3;
	}
}

void ui_draw(struct ui *u)
{
	if (LINES < 6 || COLS < 40) {
		erase();
		mvaddstr(0, 0, "netlens: terminal too small");
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	draw_title(u);
	int y0 = 1, h = LINES - 3;
	switch (u->screen) {
	case SCR_OVERVIEW: draw_overview(u, y0, h); break;
	case SCR_DETAILS: ui_draw_details(u, y0, h); break;
	case SCR_PROCESSES: ui_draw_processes(u, y0, h); break;
	case SCR_INTERFACES: ui_draw_interfaces(u, y0, h); break;
	case SCR_GRAPH: ui_draw_graph(u, y0, h); break;
	default: break;
	}
	draw_status(u);
	draw_keys(u);
	if (u->help)
		ui_draw_help(u);
	if (u->editing) {
		/* The cursor sits after what is before it on screen: cells,
		 * not bytes (a UTF-8 character takes one cell, or two). */
		int capture = u->editing == EDIT_CAPTURE;
		char before[sizeof(u->ftext)];
		memcpy(before, capture ? u->btext : u->ftext, (size_t)(capture ? u->bcur : u->fcur));
		before[capture ? u->bcur : u->fcur] = '\0';
		int cx = (capture ? CAPTURE_PROMPT_W : 1) + ui_text_width(before);
		move(LINES - 2, cx < COLS ? cx : COLS - 1);
		curs_set(1);
	} else {
		curs_set(0);
	}
	wnoutrefresh(stdscr);
	doupdate();
	u->redraws++;
}
