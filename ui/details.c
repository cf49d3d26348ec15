/*
 * details.c - every field of the selected flow.
 *
 * Dissector fields are listed with the labels their plugins declared, so a
 * third-party dissector's fields appear here with no change to the UI.
 * Lines are built first, then drawn from the scroll offset: PgUp/PgDn
 * scroll, the list keys move to the neighbouring flow.
 */
#include "config.h"

#include <curses.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/app.h"
#include "core/dpi.h"
#include "core/lifecycle.h"
#include "core/owners.h"
#include "core/geoip.h"
#include "core/kubernetes.h"
#include "core/neighbors.h"
#include "core/oui.h"
#include "core/clock.h"
#include "core/resolver.h"
#include "core/record.h"
#include "ui/ui.h"

#define LINES_MAX 128

struct line {
	char label[40];
	char value[320];
	int heading;
};

struct lines {
	struct line v[LINES_MAX];
	int n;
};

static void add(struct lines *l, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void add(struct lines *l, const char *label, const char *fmt, ...)
{
	if (l->n >= LINES_MAX)
		return;
	struct line *x = &l->v[l->n++];
	snprintf(x->label, sizeof(x->label), "%s", label);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(x->value, sizeof(x->value), fmt, ap);
	va_end(ap);
	x->heading = 0;
}

static void heading(struct lines *l, const char *title)
{
	if (l->n >= LINES_MAX - 1)
		return;
	if (l->n)
		l->v[l->n++] = (struct line){ "", "", 0 };
	struct line *x = &l->v[l->n++];
	snprintf(x->label, sizeof(x->label), "%s", title);
	x->value[0] = '\0';
	x->heading = 1;
}

static void clock_text(char *buf, size_t n, uint64_t us)
{
	time_t s = (time_t)(us / 1000000u);
	struct tm tm;
	gmtime_r(&s, &tm);
	snprintf(buf, n, "%04d-%02d-%02d %02d:%02d:%02d.%03u UTC", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned)(us % 1000000u / 1000));
}

struct field_ctx { struct lines *l; };

static void dpi_line(void *ctx, const char *key, const char *label, const char *val, size_t len)
{
	struct lines *l = ((struct field_ctx *)ctx)->l;
	char v[256], lab[40];
	ui_sanitize(v, sizeof(v), val, len);
	/* Labels come from the plugin: sanitised like wire text. */
	ui_sanitize(lab, sizeof(lab), label && *label ? label : key, strlen(label && *label ? label : key));
	add(l, lab, "%s  (%s)", v, key);
}

/* An end's hardware address, with its vendor (RustNet's Local/Remote MAC):
 * an ARP flow's own, else what the neighbour cache learnt for the
 * address. Nothing when unknown. */
static void add_mac(struct lines *l, const char *label, const struct flow *f, int local,
		    uint64_t now)
{
	static const uint8_t zero[6];
	const uint8_t *m = NULL;
	int end_b = ((f->flags & FLOW_SRC_IS_B) != 0) == local;	/* this end is key.b */
	if (f->key.proto == L4_ARP)
		m = end_b ? f->u.arp.mac_b : f->u.arp.mac_a;
	else if (f->key.family)
		m = neighbors_mac(neighbors_current, f->key.family, end_b ? f->key.b : f->key.a, now);
	if (!m || !memcmp(m, zero, 6))
		return;
	const char *vendor = oui_vendor(oui_current, m);
	char v[OUI_NAME_MAX * 4 + 1];
	ui_sanitize(v, sizeof(v), vendor ? vendor : "", vendor ? strlen(vendor) : 0);	/* file text */
	char text[RECORD_MAC_TEXT_LEN];
	add(l, label, "%s%s%s%s", record_mac_text(m, text), v[0] ? " (" : "", v, v[0] ? ")" : "");
}

/* An RTT in ms, to 0.1 ms, or to the microsecond below 1 ms (a LAN's or
 * loopback's 0.05 ms is not 0.0 ms; the JSON has it to 0.001 ms). */
static const char *rtt_text(char *buf, size_t n, uint32_t us)
{
	snprintf(buf, n, us < 1000 ? "%.3f ms" : "%.1f ms", us / 1000.0);
	return buf;
}

/* iftop's three windows for the flow being looked at, from the counts
 * sampled since it was selected (a flow keeps no history of its own). */
static void add_windows(const struct ui *u, const struct flow *f, struct lines *l)
{
	const struct rate_history *h = &u->sel_hist;
	uint64_t now = u->app->tracker.now_us;
	const uint64_t *bytes = f->bytes;
	static const unsigned windows[RATE_HISTORY_N_WINDOWS] = RATE_HISTORY_WINDOWS;
	char x[RATE_HISTORY_N_WINDOWS][32], d[32], name[32];
	_Static_assert(RATE_HISTORY_N_WINDOWS == 3, "the line below shows three windows");
	for (int dir = DIR_REV; dir >= DIR_FWD; dir--) {
		for (int i = 0; i < RATE_HISTORY_N_WINDOWS; i++)
			ui_human_rate(x[i], sizeof(x[i]), rate_history_avg(h, now, bytes, windows[i], dir));
		snprintf(name, sizeof(name), "%s %u/%u/%u s", dir == DIR_REV ? "Down" : "Up", windows[0],
			 windows[1], windows[2]);
		add(l, name, "%s, %s, %s", x[0], x[1], x[2]);
	}
	add(l, "Peak", "down %s, up %s (watched for %s)",
	    ui_human_rate(x[0], sizeof(x[0]), h->peak[DIR_REV]),
	    ui_human_rate(x[1], sizeof(x[1]), h->peak[DIR_FWD]),
	    ui_duration(d, sizeof(d), now > u->sel_hist_since_us ? now - u->sel_hist_since_us : 0));
}

/* Called at each redraw: the selected open flow's counts, once a second. */
void ui_sample_selected(struct ui *u)
{
	const struct ui_row *r = u->rows.n ? &u->rows.v[u->sel] : NULL;
	const struct flow *f = r && !r->closed && !u->app->cap.offline ? ui_row_flow(u, r) : NULL;
	if (!f) {
		u->sel_hist_id = 0;
		return;
	}
	uint64_t now = u->app->tracker.now_us;
	if (u->sel_hist_id != f->id + 1) {
		memset(&u->sel_hist, 0, sizeof(u->sel_hist));
		u->sel_hist_id = f->id + 1;
		u->sel_hist_since_us = now;
	}
	rate_history_sample(&u->sel_hist, now, f->bytes);
}

static void build(struct ui *u, const struct flow *f, int closed, struct lines *l)
{
	struct flow_text t;
	char a[64], b[64], c[64], r[32];
	uint64_t now = ui_now(u);
	ui_flow_text(u, f, &t);

	heading(l, "Connection");
	add(l, "Protocol", "%s", t.proto);
	add(l, "Local", "%s", t.local);
	add(l, "Remote", "%s", t.remote);
	if (record_interface(f))
		add(l, "Interface", "%s", record_interface(f));
	if (t.alert[0])
		add(l, "Alert list", "%s on %s", t.alert_local ? t.local_addr : t.remote_addr, t.alert);
	add_mac(l, "Local MAC", f, 1, now);
	add_mac(l, "Remote MAC", f, 0, now);
	add(l, "Direction", "%s", f->flags & FLOW_DST_INITIATED ? "incoming" : "outgoing");
	add(l, "Service", "%s", t.service[0] ? t.service : "-");
	add(l, "State", "%s%s", t.state, closed ? " (closed)" : "");
	uint32_t owner = owners_of(owners_current, f);
	const struct owner_proc *proc = owners_proc(owners_current, owner);
	if (proc) {
		char v[320];
		add(l, "Process", "%s (pid %u)", t.process, proc->info.pid);
		if (proc->info.exe[0]) {
			ui_sanitize(v, sizeof(v), proc->info.exe, strlen(proc->info.exe));
			add(l, "Executable", "%s", v);
		}
		if (proc->info.cmdline[0]) {
			ui_sanitize(v, sizeof(v), proc->info.cmdline, strlen(proc->info.cmdline));
			add(l, "Command line", "%s", v);
		}
		/* A process gone before its parent was read has none (0), as
		 * the JSON leaves process_ppid out. */
		if (proc->info.uid != OWNER_UID_UNKNOWN && proc->info.ppid)
			add(l, "Parent pid, user", "%u, uid %u", proc->info.ppid, proc->info.uid);
		else if (proc->info.uid != OWNER_UID_UNKNOWN)
			add(l, "User", "uid %u", proc->info.uid);
		else if (proc->info.ppid)
			add(l, "Parent pid", "%u", proc->info.ppid);
		if (proc->info.gid != OWNER_UID_UNKNOWN)
			add(l, "Group", "gid %u", proc->info.gid);
		if (proc->info.n_ancestors) {	/* RustNet's process tree, parent first */
			char tree[PROC_ANCESTORS_MAX * 40 + 8] = "";
			size_t tl = 0;
			for (unsigned i = 0; i < proc->info.n_ancestors && i < PROC_ANCESTORS_MAX; i++) {
				const struct proc_ancestor *an = &proc->info.ancestors[i];
				char nm[64];
				ui_sanitize(nm, sizeof(nm), an->name, strnlen(an->name, sizeof(an->name)));
				tl += (size_t)snprintf(tree + tl, sizeof(tree) - tl, "%s%s (%u)",
						       i ? " < " : "", nm, an->pid);
				if (tl >= sizeof(tree))
					break;
			}
			add(l, "Parents", "%s%s", tree, proc->info.ancestors_truncated ? " < ..." : "");
		}
		add(l, "Attributed by", "%s, %s (%s)", owners_method_name((enum owner_method)proc->method),
		    owners_match_name(owners_match(owner)), owners_match_token(owner));
	} else {
		add(l, "Process", "%s", !owners_current ? "- (not attributed when reading a file)"
		    : "unknown (no socket found for it yet)");
	}
	if (t.remote_name[0])
		add(l, "Remote name", "%s (from a DNS answer seen)", t.remote_name);
	struct geoip_answer geo;
	const uint8_t *remote = geoip_current ? geoip_remote_addr(f) : NULL;
	if (remote && geoip_lookup(geoip_current, f->key.family, remote, &geo) == 0) {
		/* file text: shown escaped like wire text */
		char cn[128], city[128], postal[48], org[160];
		ui_sanitize(cn, sizeof(cn), geo.country.s ? geo.country.s : "", geo.country.len);
		ui_sanitize(city, sizeof(city), geo.city.s ? geo.city.s : "", geo.city.len);
		ui_sanitize(postal, sizeof(postal), geo.postal.s ? geo.postal.s : "", geo.postal.len);
		add(l, "Location", "%s%s%s%s%s%s%s", geo.country_code[0] ? geo.country_code : "-",
		    cn[0] ? " " : "", cn, city[0] ? ", " : "", city, postal[0] ? " " : "", postal);
		if (geo.asn || geo.as_org.len) {
			ui_sanitize(org, sizeof(org), geo.as_org.s ? geo.as_org.s : "", geo.as_org.len);
			add(l, "Network", "AS%u%s%s", geo.asn, org[0] ? " " : "", org);
		}
	}
	const char *rdns = f->key.family ? resolver_lookup(resolver_current, f->key.family, flow_dst_addr(f)) : NULL;
	if (rdns) {
		char v[256];
		ui_sanitize(v, sizeof(v), rdns, strlen(rdns));
		add(l, "Reverse DNS", "%s", v);
	}
	const char *lrdns = f->key.family ? resolver_lookup(resolver_current, f->key.family, flow_src_addr(f)) : NULL;
	if (lrdns) {
		char v[256];
		ui_sanitize(v, sizeof(v), lrdns, strlen(lrdns));
		add(l, "Local name", "%s (reverse DNS)", v);
	}
	if (t.host[0] && strcmp(t.host, t.remote_name))
		add(l, "Hostname", "%s (seen in the traffic)", t.host);

	struct kube_view kv;
	if (proc && kube_current && kube_lookup(kube_current, proc->info.cgroup, clock_wall_us(), &kv)) {
		/* RustNet's Kubernetes section; folder names are shown escaped */
		char pod[300], ns[300], cont[300];
		ui_sanitize(pod, sizeof(pod), kv.pod_name, strlen(kv.pod_name));
		ui_sanitize(ns, sizeof(ns), kv.pod_namespace, strlen(kv.pod_namespace));
		ui_sanitize(cont, sizeof(cont), kv.container_name, strlen(kv.container_name));
		heading(l, "Kubernetes");
		add(l, "Pod", "%s%s%s", ns, ns[0] ? "/" : "",
		    pod[0] ? pod : "(name not in the kubelet's logs)");
		add(l, "Pod UID", "%s", kv.pod_uid);
		if (kv.container_id[0]) {
			add(l, "Container", "%s", cont[0] ? cont : "-");
			add(l, "Container ID", "%.12s", kv.container_id);
		}
	}

	heading(l, "Timing");
	clock_text(a, sizeof(a), f->first_seen_us);
	add(l, "First seen", "%s", a);
	clock_text(a, sizeof(a), f->last_seen_us);
	add(l, "Last seen", "%s", a);
	add(l, "Age", "%s", ui_duration(a, sizeof(a), now > f->first_seen_us ? now - f->first_seen_us : 0));
	if (!closed) {
		uint64_t idle = now > f->last_seen_us ? now - f->last_seen_us : 0;
		add(l, "Idle", "%s of a %s timeout (%.0f%%)", ui_duration(a, sizeof(a), idle),
		    ui_duration(b, sizeof(b), lifecycle_timeout_us(f)), 100 * lifecycle_staleness(f, now));
	}

	heading(l, "Traffic");
	add(l, "Sent", "%s in %u packet%s", ui_human_bytes(a, sizeof(a), (double)f->bytes[DIR_FWD]),
	    f->packets[DIR_FWD], f->packets[DIR_FWD] == 1 ? "" : "s");
	add(l, "Received", "%s in %u packet%s", ui_human_bytes(a, sizeof(a), (double)f->bytes[DIR_REV]),
	    f->packets[DIR_REV], f->packets[DIR_REV] == 1 ? "" : "s");
	if (!closed)
		add(l, "Rate", "down %s, up %s", ui_human_rate(b, sizeof(b), flow_rate(f, now, DIR_REV)),
		    ui_human_rate(c, sizeof(c), flow_rate(f, now, DIR_FWD)));
	if (!closed && u->sel_hist_id == f->id + 1 && u->sel_hist.n > 1)
		add_windows(u, f, l);

	if (f->key.proto == L4_TCP) {
		const struct tcp_state *s = &f->u.tcp;
		heading(l, "TCP health");
		add(l, "Retransmits", "%u", s->retransmits);
		add(l, "Out of order", "%u", s->out_of_order);
		add(l, "Fast retransmits", "%u", s->fast_retransmits);
		add(l, "Duplicate ACKs", "%u", s->dup_acks);
		if (s->irtt_us)
			add(l, "Handshake RTT", "%s", rtt_text(r, sizeof(r), s->irtt_us));
		if (s->srtt_us)
			add(l, "Smoothed RTT", "%s", rtt_text(r, sizeof(r), s->srtt_us));
		/* The field as sent: its scale is in the SYNs' options, which
		 * are not kept. */
		if (!closed)
			add(l, "Window field", "source %u, destination %u (unscaled)", s->d[0].last_win,
			    s->d[1].last_win);
	} else if ((f->key.proto == L4_ICMP || f->key.proto == L4_ICMPV6) && f->u.icmp.rtt_us) {
		heading(l, "ICMP");
		add(l, "Echo RTT", "%s", rtt_text(r, sizeof(r), f->u.icmp.rtt_us));
	} else if (f->key.proto == L4_UDP && f->u.udp.rtt_us) {
		heading(l, "UDP");
		add(l, "First answer", "%s after the first datagram",
		    rtt_text(r, sizeof(r), f->u.udp.rtt_us));
	}
	if (f->icmp_err_count)
		add(l, "ICMP errors", "%u, last: %s", f->icmp_err_count,
		    record_icmp_error_name(f->key.family, f->icmp_err_type, f->icmp_err_code));

	if (dpi_current && f->dpi && f->dpi != DPI_NOTHING && dpi_owner_display(dpi_current, f->dpi)) {
		heading(l, "Application");
		add(l, "Identified as", "%s", t.app);
		const char *label = dpi_state_label(dpi_current, f->dpi);
		if (label) {	/* set by a plugin: sanitised like its field labels */
			char v[64];
			ui_sanitize(v, sizeof(v), label, strlen(label));
			add(l, "Dissector state", "%s", v);
		}
		struct field_ctx fc = { l };
		dpi_foreach_field(dpi_current, f->dpi, dpi_line, &fc);
	}
}

void ui_draw_details(struct ui *u, int y0, int h)
{
	for (int i = 0; i < h; i++) {
		move(y0 + i, 0);
		clrtoeol();
	}
	const struct ui_row *r = u->rows.n ? &u->rows.v[u->sel] : NULL;
	const struct flow *f = r ? ui_row_flow(u, r) : NULL;
	if (!f) {
		attrset(ui_theme(u, CP_MUTED, A_DIM));
		mvaddstr(y0 + 1, 2, r && r->header ? "a group: select one of its connections"
				    : "no connection selected");
		attrset(A_NORMAL);
		return;
	}
	static struct lines l;
	l.n = 0;
	build(u, f, r->closed, &l);
	if (u->details_scroll > l.n - h)
		u->details_scroll = l.n - h;
	if (u->details_scroll < 0)
		u->details_scroll = 0;
	int lw = 20;
	for (int i = 0; i < h && u->details_scroll + i < l.n; i++) {
		const struct line *x = &l.v[u->details_scroll + i];
		int y = y0 + i;
		if (x->heading) {
			attrset(A_BOLD | (u->color ? COLOR_PAIR(CP_KEY) : A_UNDERLINE));
			ui_put(y, 1, COLS - 2, x->label, 0);
			attrset(A_NORMAL);
			continue;
		}
		attrset(A_BOLD | ui_theme(u, CP_LABEL, 0));
		ui_put(y, 3, lw, x->label, 0);
		attrset(A_NORMAL);
		ui_put(y, 3 + lw + 1, COLS - lw - 5, x->value, 0);
	}
}
