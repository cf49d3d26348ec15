/*
 * rows.c - the UI's model: which flows are shown, in which order, and which
 * one is selected.
 *
 * Rebuilt from the tracker at most once per refresh or user action. Sorting
 * keys are computed once per row per rebuild (not per comparison), and the
 * creation serial breaks ties, so the order is total and stable from one
 * refresh to the next.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/alerts.h"
#include "core/app.h"
#include "core/dpi.h"
#include "core/lifecycle.h"
#include "core/names.h"
#include "core/oui.h"
#include "core/owners.h"
#include "core/geoip.h"
#include "core/kubernetes.h"
#include "core/clock.h"
#include "core/resolver.h"
#include "core/record.h"
#include "core/strbuf.h"
#include "ui/ui.h"

uint64_t ui_now(const struct ui *u)
{
	/* A file is seen as of its last packet; live, as of the wall clock. */
	return u->app->cap.offline ? u->app->tracker.now_us : app_wall_us();
}

const struct flow *ui_row_flow(struct ui *u, const struct ui_row *r)
{
	struct tracker *t = &u->app->tracker;
	if (r->header)
		return NULL;
	if (r->closed) {
		/* Once the history ring is full, each flow that closes moves
		 * the others' indexes down by one: between rebuilds (a paused
		 * display, keys between ticks) the row's flow is found again
		 * from where it was, downwards, never mistaken for another. */
		struct history *h = &t->history;
		for (uint32_t i = r->index < h->count ? r->index + 1 : h->count; i-- > 0;)
			if (history_id(h, i) == r->id)
				return history_get(h, i);
		return NULL;
	}
	const struct flow *f = flow_at(&t->table, r->index);
	return f->id == r->id ? f : NULL;
}

const struct flow *ui_header_flow(struct ui *u, const struct ui_row *h)
{
	struct ui_row first = *h;
	first.header = 0;
	return ui_row_flow(u, &first);
}

void ui_sanitize(char *out, size_t n, const char *s, size_t len)
{
	struct strbuf b;
	sb_init(&b);
	sb_put_sanitized(&b, s, len);
	size_t l = b.len < n - 1 ? b.len : n - 1;
	/* Never cut a UTF-8 sequence in half. */
	while (l > 0 && l < b.len && ((unsigned char)b.buf[l] & 0xc0) == 0x80)
		l--;
	if (b.buf)
		memcpy(out, b.buf, l);
	out[l] = '\0';
	sb_free(&b);
}

struct text_ctx { struct flow_text *t; };

/* One more text the free-text filter searches, sanitised into the pool;
 * NULL when the pool or the list is full. */
static const char *push_extra(struct flow_text *t, const char *val, size_t len)
{
	if (t->n_extra >= sizeof(t->extra) / sizeof(t->extra[0]))
		return NULL;
	size_t room = sizeof(t->pool) - t->pool_used;
	if (room < 8)
		return NULL;
	char *dst = t->pool + t->pool_used;
	ui_sanitize(dst, room > 256 ? 256 : room, val, len);
	t->extra[t->n_extra++] = dst;
	t->pool_used += strlen(dst) + 1;
	return dst;
}

static void collect_field(void *ctx, const char *key, const char *label, const char *val, size_t len)
{
	struct flow_text *t = ((struct text_ctx *)ctx)->t;
	(void)label;
	if (!push_extra(t, val, len))
		return;
	if (!strncmp(key, "ssh.", 4) && t->n_extra <= 64)	/* for ssh:, every SSH field */
		t->ssh_extra |= (uint64_t)1 << (t->n_extra - 1);
}

void ui_flow_text(struct ui *u, const struct flow *f, struct flow_text *t)
{
	uint64_t now = ui_now(u);
	memset(t, 0, offsetof(struct flow_text, pool));
	t->pool[0] = '\0';
	t->pool_used = 0;
	char pbuf[16];
	snprintf(t->proto, sizeof(t->proto), "%s", flow_protocol_name(f, pbuf, sizeof(pbuf)));
	record_addr(f, flow_src_addr(f), t->local_addr);
	record_addr(f, flow_dst_addr(f), t->remote_addr);
	record_endpoint(t->local, sizeof(t->local), f, flow_src_addr(f), flow_src_port(f));
	record_endpoint(t->remote, sizeof(t->remote), f, flow_dst_addr(f), flow_dst_port(f));
	if (alerts_current) {
		char what[ALERTS_WHAT_LEN], label[ALERTS_LABEL_MAX * 4 + 1];
		const char *l = alerts_match_flow(alerts_current, f, what, &t->alert_local);
		if (l) {
			ui_sanitize(label, sizeof(label), l, strlen(l));
			snprintf(t->alert, sizeof(t->alert), "%s%s%s%s", what, *l ? " (" : "", label,
				 *l ? ")" : "");
		}
	}
	if (f->key.proto == L4_TCP || f->key.proto == L4_UDP) {
		t->local_port = flow_src_port(f);
		t->remote_port = flow_dst_port(f);
	}
	t->state = record_state(f, now);
	const char *svc = record_service(f);
	t->service = svc ? svc : "";
	t->loc[0] = '\0';
	struct geoip_answer geo;
	const uint8_t *remote = geoip_current ? geoip_remote_addr(f) : NULL;
	if (remote && geoip_lookup(geoip_current, f->key.family, remote, &geo) == 0)
		memcpy(t->loc, geo.country_code, sizeof(t->loc));	/* two capitals, checked */
	if (dpi_current && f->dpi && f->dpi != DPI_NOTHING) {
		/* dpi_summary's text, built here so that the plugin's display
		 * name is sanitised too: a third-party plugin's strings reach
		 * the terminal no more raw than wire text does. */
		const char *disp = dpi_owner_display(dpi_current, f->dpi);
		size_t hl;
		const char *h = dpi_domain(dpi_current, f->dpi, &hl);
		if (disp) {
			ui_sanitize(t->app, sizeof(t->app) / 2, disp, strlen(disp));
			size_t al = strlen(t->app);
			if (h && al + 2 < sizeof(t->app)) {
				t->app[al++] = ' ';
				ui_sanitize(t->app + al, sizeof(t->app) - al, h, hl);
			}
		}
		if (h)
			ui_sanitize(t->host, sizeof(t->host), h, hl);
		struct text_ctx c = { t };
		dpi_foreach_field(dpi_current, f->dpi, collect_field, &c);
	}
	/* RustNet's free text also finds an ARP flow by its ends' vendors. */
	if (f->key.proto == L4_ARP && oui_current) {
		static const uint8_t zero[6];
		for (int e = 0; e < 2; e++) {
			const uint8_t *m = e ? f->u.arp.mac_b : f->u.arp.mac_a;
			const char *v = memcmp(m, zero, 6) ? oui_vendor(oui_current, m) : NULL;
			if (v)
				push_extra(t, v, strlen(v));
		}
	}
	/* The owning process: a local program chose its name, so it is
	 * sanitised like wire text. */
	const struct owner_proc *proc = owners_proc(owners_current, owners_of(owners_current, f));
	if (proc) {
		ui_sanitize(t->process, sizeof(t->process), proc->info.name, strlen(proc->info.name));
		t->pid = proc->info.pid;
		/* The pod names serve only pod:, ns: and container: terms (no
		 * column shows them; the details look them up themselves), so
		 * a refresh parses no cgroup path unless the filter asks. */
		struct kube_view kv;
		if (kube_current && filter_uses_kubernetes(u->filter) &&
		    kube_lookup(kube_current, proc->info.cgroup, clock_wall_us(), &kv)) {
			ui_sanitize(t->pod, sizeof(t->pod), kv.pod_name, strlen(kv.pod_name));
			ui_sanitize(t->pod_namespace, sizeof(t->pod_namespace), kv.pod_namespace,
				    strlen(kv.pod_namespace));
			ui_sanitize(t->container, sizeof(t->container), kv.container_name,
				    strlen(kv.container_name));
		}
	}
	size_t nl;
	const char *name = names_lookup(names_current, f->key.family, flow_dst_addr(f), &nl);
	if (name) {	/* what DNS answers called the remote end */
		ui_sanitize(t->remote_name, sizeof(t->remote_name), name, nl);
		if (!t->host[0])
			snprintf(t->host, sizeof(t->host), "%s", t->remote_name);
	}
}

const char *ui_sort_name(enum ui_sort s)
{
	static const char *const names[] = { OPTIONS_SORT_COLUMNS };
	_Static_assert(sizeof(names) / sizeof(names[0]) == SORT_COUNT, "--sort's columns are s's");
	return s < SORT_COUNT ? names[s] : "?";
}

int ui_sort_default_desc(enum ui_sort s)
{
	return s == SORT_BANDWIDTH || s == SORT_RTT;	/* busiest, slowest first (RustNet's RTT↓) */
}

static void key_text(char *key, const char *s)
{
	size_t i = 0;
	for (; s[i] && i < UI_KEY_LEN - 1; i++)
		key[i] = (char)tolower((unsigned char)s[i]);
	memset(key + i, 0, UI_KEY_LEN - i);
}

/* Addresses sort numerically: family, address bytes, then port. */
static void key_addr(char *key, const struct flow *f, const uint8_t *addr, uint16_t port)
{
	memset(key, 0, UI_KEY_LEN);
	key[0] = (char)(f->key.family ? f->key.family : 4);	/* ARP: IPv4 addresses */
	if (f->key.proto != L4_TCP && f->key.proto != L4_UDP)
		port = 0;	/* ICMP's identifier is not shown: it must not order rows */
	memcpy(key + 1, addr, 16);
	key[17] = (char)(port >> 8);
	key[18] = (char)(port & 0xff);
}

static int needs_text(const struct ui *u)
{
	return (u->filter && !filter_is_empty(u->filter)) || u->group ||
	       u->sort == SORT_STATE || u->sort == SORT_SERVICE || u->sort == SORT_APP || u->sort == SORT_LOC ||
	       u->sort == SORT_PROCESS || u->sort == SORT_PROTO;
}

static int row_add(struct ui *u, const struct flow *f, uint32_t index, int closed)
{
	struct ui_rows *rs = &u->rows;
	rs->total++;
	/* Flows on several interfaces (-i eth0,wlan0, -i any, a pcapng file of
	 * several): the same conversation may be a row on each, so the table
	 * says which from then on. */
	if (f->key.ifc && !u->iface_col && record_interface(f))
		u->iface_col = 1;
	struct flow_text t;
	int text = needs_text(u);
	if (text)
		ui_flow_text(u, f, &t);
	if (u->filter && !filter_is_empty(u->filter)) {
		struct filter_subject s = {
			.proto = t.proto, .local_addr = t.local_addr, .remote_addr = t.remote_addr,
			.local_port = t.local_port, .remote_port = t.remote_port, .state = t.state,
			.service = t.service, .app = t.app, .process = t.process, .host = t.host,
			.ssh = "", .extra = t.extra, .n_extra = t.n_extra, .ssh_extra = t.ssh_extra,
			.pod = t.pod, .pod_namespace = t.pod_namespace, .container = t.container,
			.alert = t.alert, .iface = record_interface(f),
			.pid = t.pid,
		};
		if (!filter_match(u->filter, &s))
			return 0;
	}
	if (rs->n == rs->cap) {
		uint32_t cap = rs->cap ? rs->cap * 2 : 1024;
		struct ui_row *v = realloc(rs->v, (size_t)cap * sizeof(*v));
		if (!v)
			return -1;
		rs->v = v;
		rs->cap = cap;
	}
	struct ui_row *r = &rs->v[rs->n++];
	uint64_t now = ui_now(u);
	r->id = f->id;
	r->index = index;
	r->closed = (uint8_t)closed;
	r->header = 0;
	r->proto = f->key.proto;
	r->group_count = 0;
	r->bw = closed ? 0 : flow_rate(f, now, DIR_FWD) + flow_rate(f, now, DIR_REV);
	r->share = closed ? 0 : flow_rate_share(f, now, DIR_FWD) + flow_rate_share(f, now, DIR_REV);
	r->gbw = 0;
	r->rtt_us = record_rtt_us(f);
	switch (u->sort) {
	case SORT_PROTO: key_text(r->key, t.proto); break;
	case SORT_IFACE: {
		const char *ifc = record_interface(f);
		key_text(r->key, ifc ? ifc : "");
		break;
	}
	case SORT_LOCAL: key_addr(r->key, f, flow_src_addr(f), flow_src_port(f)); break;
	case SORT_REMOTE: key_addr(r->key, f, flow_dst_addr(f), flow_dst_port(f)); break;
	case SORT_LOC: key_text(r->key, t.loc[0] ? t.loc : "\x7f"); break;	/* none last */
	case SORT_STATE: key_text(r->key, t.state); break;
	case SORT_SERVICE: key_text(r->key, t.service); break;
	case SORT_APP: key_text(r->key, t.app); break;
	case SORT_PROCESS: key_text(r->key, t.process); break;
	default: memset(r->key, 0, UI_KEY_LEN); break;
	}
	if (u->group == GROUP_PROCESS)
		key_text(r->gkey, t.process[0] ? t.process : "\x7f");	/* unknown sorts last */
	else if (u->group == GROUP_REMOTE && t.remote_addr[0])
		/* By value, as the Remote column sorts: 10.0.0.2 before 10.0.0.10,
		 * IPv4 before IPv6. The title is drawn from a member's address. */
		key_addr(r->gkey, f, flow_dst_addr(f), 0);
	else if (u->group == GROUP_REMOTE)
		key_text(r->gkey, "\x7f");
	return 0;
}

struct collect_ctx { struct ui *u; };

static void collect_open(struct flow *f, void *ctx)
{
	struct ui *u = ((struct collect_ctx *)ctx)->u;
	if (!u->app->opt.show_ptr_lookups && resolver_is_own_flow(resolver_current, f))
		return;		/* netlens' own reverse-DNS queries */
	row_add(u, f, flow_index(&u->app->tracker.table, f), 0);
}

static const struct ui *sort_ui;	/* qsort has no context argument */
static int sort_groups_by_rate;	/* the second pass of a grouped bandwidth sort */

static int cmp_rows(const void *pa, const void *pb)
{
	const struct ui_row *a = pa, *b = pb;
	const struct ui *u = sort_ui;
	int c = 0;
	if (u->group) {
		if (sort_groups_by_rate) {	/* the busiest host or process first */
			c = (a->gbw > b->gbw) - (a->gbw < b->gbw);
			if (c)
				return u->sort_desc ? -c : c;
		}
		c = memcmp(a->gkey, b->gkey, UI_KEY_LEN);	/* else groups A-Z, always ascending */
		if (c)
			return c;
	}
	switch (u->sort) {
	case SORT_CREATED:	/* order of first packet; S: newest first */
		c = (a->id > b->id) - (a->id < b->id);
		break;
	case SORT_BANDWIDTH:
		c = (a->bw > b->bw) - (a->bw < b->bw);
		break;
	case SORT_RTT:		/* none sorts as 0, as in RustNet */
		c = (a->rtt_us > b->rtt_us) - (a->rtt_us < b->rtt_us);
		break;
	default:
		c = memcmp(a->key, b->key, UI_KEY_LEN);
		break;
	}
	if (u->sort_desc)
		c = -c;
	if (!c)		/* stable: order of first packet */
		c = (a->id > b->id) - (a->id < b->id);
	if (!c)
		c = (int)a->closed - (int)b->closed;
	return c;
}

/* Grouped view: a header row before each group's flows (a process's, or
 * a remote address's). */
static void insert_headers(struct ui *u)
{
	struct ui_rows *rs = &u->rows;
	if (!rs->n)
		return;
	uint32_t groups = 1;
	for (uint32_t i = 1; i < rs->n; i++)
		if (memcmp(rs->v[i].gkey, rs->v[i - 1].gkey, UI_KEY_LEN))
			groups++;
	if (rs->n + groups > rs->cap) {
		struct ui_row *v = realloc(rs->v, (size_t)(rs->n + groups) * sizeof(*v));
		if (!v)
			return;
		rs->v = v;
		rs->cap = rs->n + groups;
	}
	uint32_t w = rs->n + groups;
	for (uint32_t i = rs->n; i-- > 0;) {
		rs->v[--w] = rs->v[i];
		if (i == 0 || memcmp(rs->v[i].gkey, rs->v[i - 1].gkey, UI_KEY_LEN)) {
			struct ui_row *h = &rs->v[--w];
			memset(h, 0, sizeof(*h));
			h->header = 1;
			memcpy(h->gkey, rs->v[w + 1].gkey, UI_KEY_LEN);
			h->id = rs->v[w + 1].id;	/* its first flow names it */
			h->index = rs->v[w + 1].index;
			h->closed = rs->v[w + 1].closed;
			h->folded = (uint8_t)ui_group_folded(u, h->gkey);
			for (uint32_t j = w + 1; j < rs->n + groups && !rs->v[j].header &&
			     !memcmp(rs->v[j].gkey, h->gkey, UI_KEY_LEN); j++) {
				h->group_count++;
				h->group_tcp += rs->v[j].proto == L4_TCP;
				h->group_udp += rs->v[j].proto == L4_UDP;
				h->bw += rs->v[j].share;
			}
		}
	}
	rs->n += groups;
	rs->headers = groups;
	if (!u->n_folded)
		return;
	/* Folded groups keep only their title row. */
	uint32_t keep = 0;
	int folded = 0;
	for (uint32_t i = 0; i < rs->n; i++) {
		if (rs->v[i].header)
			folded = rs->v[i].folded;
		else if (folded)
			continue;
		rs->v[keep++] = rs->v[i];
	}
	rs->n = keep;
}

int ui_group_folded(const struct ui *u, const char *gkey)
{
	for (unsigned i = 0; i < u->n_folded; i++)
		if (!memcmp(u->folded[i], gkey, UI_KEY_LEN))
			return 1;
	return 0;
}

void ui_group_fold(struct ui *u, const char *gkey, int fold)
{
	for (unsigned i = 0; i < u->n_folded; i++)
		if (!memcmp(u->folded[i], gkey, UI_KEY_LEN)) {
			if (!fold) {
				memmove(u->folded[i], u->folded[i + 1],
					(size_t)(u->n_folded - i - 1) * UI_KEY_LEN);
				u->n_folded--;
			}
			return;
		}
	if (!fold)
		return;
	if (u->n_folded == UI_FOLD_MAX) {	/* the oldest fold goes */
		memmove(u->folded[0], u->folded[1], (size_t)(UI_FOLD_MAX - 1) * UI_KEY_LEN);
		u->n_folded--;
	}
	memcpy(u->folded[u->n_folded++], gkey, UI_KEY_LEN);
}

void ui_select_index(struct ui *u, int i)
{
	struct ui_rows *rs = &u->rows;
	if (!rs->n) {
		u->sel = 0;
		u->sel_id = 0;
		return;
	}
	if (i < 0)
		i = 0;
	if (i >= (int)rs->n)
		i = (int)rs->n - 1;
	u->sel = i;
	u->sel_id = rs->v[i].header ? 0 : rs->v[i].id;
	u->sel_closed = rs->v[i].closed;
}

void ui_rebuild(struct ui *u)
{
	struct tracker *t = &u->app->tracker;
	struct ui_rows *rs = &u->rows;
	int old_sel = u->sel;
	rs->n = 0;
	rs->total = 0;
	rs->headers = 0;
	struct collect_ctx c = { u };
	flow_table_foreach(&t->table, collect_open, &c);
	if (u->show_history) {
		for (uint32_t i = 0; i < t->history.count; i++) {
			const struct flow *f = history_get(&t->history, i);
			if (f)
				row_add(u, f, i, 1);
		}
	} else if (u->screen == SCR_DETAILS && u->sel_id) {
		/* The connection the details show has ended: they go on showing
		 * it, closed (they went to whichever row took its place). */
		int open = 0;
		for (uint32_t i = 0; i < rs->n && !open; i++)
			open = rs->v[i].id == u->sel_id && !u->sel_closed;
		for (uint32_t i = t->history.count; !open && i-- > 0;)
			if (history_id(&t->history, i) == u->sel_id) {
				const struct flow *f = history_get(&t->history, i);
				if (f)
					row_add(u, f, i, 1);
				break;
			}
	}
	sort_ui = u;
	if (rs->n > 1)	/* qsort(NULL, 0) is undefined */
		qsort(rs->v, rs->n, sizeof(*rs->v), cmp_rows);
	if (u->group && u->sort == SORT_BANDWIDTH && rs->n > 1) {
		/* Sorted on bandwidth, the groups go by their combined rate:
		 * sum each group's run, then sort again on that. */
		for (uint32_t i = 0, j; i < rs->n; i = j) {
			double sum = 0;
			for (j = i; j < rs->n && !memcmp(rs->v[j].gkey, rs->v[i].gkey, UI_KEY_LEN); j++)
				sum += rs->v[j].share;
			for (uint32_t k = i; k < j; k++)
				rs->v[k].gbw = sum;
		}
		sort_groups_by_rate = 1;
		qsort(rs->v, rs->n, sizeof(*rs->v), cmp_rows);
		sort_groups_by_rate = 0;
	}
	rs->flows = rs->n;
	if (u->group)
		insert_headers(u);

	/* The selection follows its flow; if the flow is gone, the row that
	 * took its place is selected. */
	int found = -1;
	if (u->sel_id)
		for (uint32_t i = 0; i < rs->n; i++)
			if (!rs->v[i].header && rs->v[i].id == u->sel_id &&
			    rs->v[i].closed == u->sel_closed) {
				found = (int)i;
				break;
			}
	if (found < 0 && u->sel_id && !u->sel_closed && (u->show_history || u->screen == SCR_DETAILS))
		for (uint32_t i = 0; i < rs->n; i++)	/* it closed: follow it into history */
			if (rs->v[i].id == u->sel_id && !rs->v[i].header) {
				found = (int)i;
				break;
			}
	if (found >= 0) {
		u->sel = found;
		u->sel_closed = rs->v[found].closed;
	} else {
		ui_select_index(u, old_sel);
	}
	u->last_rebuild_us = ui_now(u);
}

void ui_rows_free(struct ui_rows *r)
{
	free(r->v);
	r->v = NULL;
	r->n = r->cap = 0;
}

/* Processes screen: one row per process name, busiest first. Flows without
 * an owner are counted under "(unknown process)", as grouping by process names them. */
/* One open row's remote end, for counting a process' peers. */
struct peer_of {
	uint32_t proc;
	uint8_t family;
	uint8_t addr[16];
	uint64_t bytes;
	const struct flow *f;	/* a flow to it, for its host name */
};

static int cmp_peer(const void *pa, const void *pb)
{
	const struct peer_of *a = pa, *b = pb;
	if (a->proc != b->proc)
		return a->proc < b->proc ? -1 : 1;
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->addr, b->addr, sizeof(a->addr));
}

/* Each process' distinct remote addresses (RustNet's "unique remote
 * endpoints", capped) and the one its rows moved the most bytes with (in
 * the view's direction: a peer it sent nothing to is no egress top peer). */
static void procs_peers(struct ui *u, struct peer_of *v, uint32_t n)
{
	qsort(v, n, sizeof(*v), cmp_peer);
	for (uint32_t i = 0; i < n;) {
		uint32_t j = i + 1;
		uint64_t bytes = v[i].bytes;
		while (j < n && !cmp_peer(&v[i], &v[j]))
			bytes += v[j++].bytes;
		struct ui_proc *p = &u->procs[v[i].proc];
		if (p->remotes < UI_PROC_REMOTES)
			p->remotes++;
		if (bytes && (!p->top_peer[0] || bytes > p->top_bytes)) {
			/* d: its host name, as the connection table shows it */
			size_t nl = 0;
			int answer;
			const char *name = u->show_names ? record_host_name(v[i].f, v[i].addr, &nl, &answer)
							 : NULL;
			char buf[64];
			const char *a = name ? NULL : record_addr(v[i].f, v[i].addr, buf);
			if (name)
				ui_sanitize(p->top_peer, sizeof(p->top_peer), name, nl);
			else
				snprintf(p->top_peer, sizeof(p->top_peer), "%s", a ? a : "?");
			p->top_bytes = bytes;
		}
		i = j;
	}
}

/* Each process' peaks: the highest down + up, up and down it has shown
 * (the view's direction picks one), kept by name in
 * u->peaks across rebuilds (a process whose connections all closed keeps
 * its peak until the table, full, gives up the least recently seen). */
static void procs_peaks(struct ui *u, uint64_t now)
{
	for (uint32_t i = 0; i < u->n_procs; i++) {
		struct ui_proc *p = &u->procs[i];
		struct ui_proc_peak *k = NULL, *oldest = NULL;
		for (uint32_t j = 0; j < u->n_peaks && !k; j++) {
			if (!strcmp(u->peaks[j].name, p->name))
				k = &u->peaks[j];
			else if (!oldest || u->peaks[j].seen_us < oldest->seen_us)
				oldest = &u->peaks[j];
		}
		if (!k) {
			k = u->n_peaks < UI_PROC_PEAKS ? &u->peaks[u->n_peaks++] : oldest;
			snprintf(k->name, sizeof(k->name), "%s", p->name);
			memset(k->peak, 0, sizeof(k->peak));
		}
		double rate[PDIR_COUNT] = { p->down + p->up, p->up, p->down };
		for (int d = 0; d < PDIR_COUNT; d++)
			if (rate[d] > k->peak[d])
				k->peak[d] = rate[d];
		k->seen_us = now;
		p->peak = k->peak[u->proc_dir < PDIR_COUNT ? u->proc_dir : PDIR_BOTH];
	}
}

void ui_procs_build(struct ui *u, int peers)
{
	u->n_procs = 0;
	uint64_t now = ui_now(u);
	struct peer_of *pv = peers && u->rows.n ? malloc(u->rows.n * sizeof(*pv)) : NULL;
	uint32_t npv = 0;
	for (uint32_t i = 0; i < u->rows.n; i++) {
		const struct ui_row *r = &u->rows.v[i];
		if (r->header || r->closed)
			continue;
		const struct flow *f = ui_row_flow(u, r);
		if (!f)
			continue;
		const struct owner_proc *op = owners_proc(owners_current, owners_of(owners_current, f));
		char name[64];
		if (op)
			ui_sanitize(name, sizeof(name), op->info.name, strlen(op->info.name));
		else
			snprintf(name, sizeof(name), "(unknown process)");
		struct ui_proc *p = NULL;
		for (uint32_t j = 0; j < u->n_procs; j++)
			if (!strcmp(u->procs[j].name, name)) {
				p = &u->procs[j];
				break;
			}
		if (!p) {
			if (u->n_procs == u->procs_cap) {
				uint32_t cap = u->procs_cap ? u->procs_cap * 2 : 64;
				struct ui_proc *v = realloc(u->procs, cap * sizeof(*v));
				if (!v) {
					free(pv);
					return;
				}
				u->procs = v;
				u->procs_cap = cap;
			}
			p = &u->procs[u->n_procs++];
			memset(p, 0, sizeof(*p));
			snprintf(p->name, sizeof(p->name), "%s", name);
		}
		p->flows++;
		p->down += flow_rate_share(f, now, DIR_REV);
		p->up += flow_rate_share(f, now, DIR_FWD);
		p->bytes_down += f->bytes[DIR_REV];
		p->bytes_up += f->bytes[DIR_FWD];
		if (pv && (f->key.family == 4 || f->key.family == 6)) {
			struct peer_of *e = &pv[npv++];
			memset(e, 0, sizeof(*e));
			e->proc = (uint32_t)(p - u->procs);
			e->family = f->key.family;
			memcpy(e->addr, flow_dst_addr(f), f->key.family == 4 ? 4 : 16);
			/* the view's direction: all bytes, sent or received */
			e->bytes = u->proc_dir == PDIR_EGRESS ? f->bytes[DIR_FWD]
				 : u->proc_dir == PDIR_INGRESS ? f->bytes[DIR_REV]
				 : f->bytes[DIR_REV] + f->bytes[DIR_FWD];
			e->f = f;
		}
	}
	if (pv)
		procs_peers(u, pv, npv);
	free(pv);
	procs_peaks(u, now);
}
