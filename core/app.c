/*
 * app.c - the reactor. One libev loop; every callback does bounded work.
 *
 *   live:    ev_io(pcap fd) → pcap_dispatch(≤ BATCH) → decode → track
 *   offline: ev_idle → pcap_dispatch(≤ BATCH) per pass, so timers (and the
 *            UI, later) stay live while a large file is read; a file from
 *            a pipe is dispatched only as far as its records are whole,
 *            and while none is, ev_io(pipe fd) waits for more (pipe_source.h)
 *   ev_timer refresh: print (live headless) or mark the UI due for a redraw;
 *            also expiry when refresh <= 1 s
 *   ev_timer lifecycle (1 s, only when refresh > 1 s): expire, flush events
 *   ev_io netlink: local addresses changed
 *   ev_signal SIGINT/SIGTERM/SIGHUP: stop the loop (handled in the loop)
 *
 * With the default 1 s refresh one timer does both, so an idle headless
 * netlens wakes once a second.
 */
#include "config.h"

#include <arpa/inet.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerting.h"
#include "alerts.h"
#include "app.h"
#include "ifnames.h"
#include "clock.h"
#include "decode.h"
#include "dissectors_cli.h"
#include "eventlog.h"
#include "export.h"
#include "kubernetes.h"
#include "log.h"
#include "names.h"
#include "neighbors.h"
#include "oui.h"
#include "owners.h"
#include "resolver.h"
#include "geoip.h"
#include "output.h"
#include "pcap_export.h"
#include "platform/ebpf_owners.h"
#include "platform/platform.h"
#include "rate.h"
#include "record.h"
#include "services.h"
#include "ui/tui.h"
#include "workers.h"

#define BATCH 1024	/* frames per callback: bounded work per loop pass */

uint64_t app_wall_us(void)
{
	return clock_wall_us();
}

static const char *reason_name(enum close_reason r)
{
	switch (r) {
	case CLOSE_IDLE: return "idle_timeout";
	case CLOSE_EVICTED: return "evicted";
	case CLOSE_NEW_GENERATION: return "new_generation";
	case CLOSE_SHUTDOWN: return "shutdown";
	case CLOSE_CLEARED: return "cleared";
	case CLOSE_WORKER_LOST: return "worker_lost";
	}
	return "unknown";
}

static void on_flow_event(void *ctx, enum flow_event ev, const struct flow *f,
			  enum close_reason why, uint64_t now_us)
{
	struct app *a = ctx;
	if (!a->opt.show_ptr_lookups && resolver_is_own_flow(resolver_current, f))
		return;		/* netlens' own reverse-DNS queries */
	if (a->events)
		eventlog_write(a->events, f, ev == FLOW_EVENT_NEW ? "new_connection" : "connection_closed",
			       ev == FLOW_EVENT_NEW ? NULL : reason_name(why), now_us);
	if (a->sidecar && ev == FLOW_EVENT_CLOSED)	/* --pcap-export's connections */
		eventlog_write(a->sidecar, f, "connection_closed", reason_name(why), now_us);
	if (export_current && ev == FLOW_EVENT_CLOSED && !export_is_own_flow(export_current, f))
		export_flow_end(export_current, f, why, now_us);	/* its last IPFIX record */
	if (ev == FLOW_EVENT_NEW && alerts_current)
		alerting_flow(a, f, now_us);
	if (ev == FLOW_EVENT_CLOSED && why == CLOSE_EVICTED)
		log_msg(LOG_DEBUG, "flow %u evicted: table full (%u flows)", f->id, a->tracker.table.cap);
}

static int is_local_cb(int family, const uint8_t *addr, void *ctx)
{
	return local_addrs_contains(ctx, family, addr);
}

static int is_own_cb(const struct flow *f, void *ctx)
{
	(void)ctx;
	return resolver_is_own_flow(resolver_current, f);
}

int app_worker_tracker(struct app *a, uint32_t max_flows, flow_event_fn fn, void *ctx)
{
	struct tracker_config tc = {
		.max_flows = max_flows,
		.history = 16,	/* closed flows are the parent's to keep */
		.hide_loopback = a->opt.show_localhost >= 0 ? !a->opt.show_localhost : 1,
		.on_event = fn,
		.event_ctx = ctx,
		.dpi = a->dpi_on ? &a->dpi : NULL,
	};
	a->local = local_addrs_new();
	if (a->local) {
		tc.is_local = is_local_cb;
		tc.is_local_ctx = a->local;
	}
	return tracker_init(&a->tracker, &tc);
}

static void release_free_heap(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

/* A packet whose capture names its process (PKTAP): its socket, as the
 * sockets scans and eBPF report. Consecutive packets of one socket are
 * reported once. */
static void note_capture_owner(struct app *a, const struct packet *p)
{
	if (p->proto != L4_TCP && p->proto != L4_UDP)
		return;
	struct sock_owner so;
	memset(&so, 0, sizeof(so));
	so.proto = p->proto == L4_TCP ? 6 : 17;
	so.family = p->family;
	so.method = OWNER_PKTAP;
	const int out = p->proc_outgoing;
	memcpy(so.local, out ? p->src : p->dst, 16);
	memcpy(so.remote, out ? p->dst : p->src, 16);
	so.lport = out ? p->sport : p->dport;
	so.rport = out ? p->dport : p->sport;
	so.pid = p->proc_pid;
	so.uid = OWNER_UID_UNKNOWN;
	memcpy(so.comm, p->proc_comm, sizeof(so.comm));
	if (!memcmp(&so, &a->last_capture_owner, sizeof(so)))
		return;
	a->last_capture_owner = so;
	owners_add(owners_current, &so);
}

static void export_from(struct app *a, const char *ifname)
{
	pcap_export_from(a->pcap_x, ifname);
	pcap_export_from(a->pcapng_x, ifname);
}

/* The name an export's first interface block gets: the interface read, a
 * pcap file's name, or a pcapng file's first interface's. */
static const char *export_ifname(const struct app *a)
{
	return a->cap.ng ? ifnames_name(1) : a->cap.name;
}

/* An export's interface block for the packet, named as it is read: by its
 * cooked v2 index (-i any, a cooked v2 file; decoded or not; a packet too
 * short to say under the first block), or by a pcapng file's interface.
 * -i eth0,wlan0 names its blocks as it reads each. */
static void export_interface(struct app *a, const struct capture *c, const struct packet *pkt)
{
	if (a->cap.next)
		return;
	if (pkt->ifindex)
		export_from(a, ifnames_name(pkt->ifindex < FLOW_IFC_INDEXED ? pkt->ifindex : FLOW_IFC_INDEXED));
	else if (capture_cooked(c))	/* too short to say: the first block, "any" live */
		export_from(a, export_ifname(a));
	else if (c->pkt_interface)
		export_from(a, ifnames_name(c->pkt_interface));
}

void app_on_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	struct app *a = (struct app *)user;
	const struct capture *c = a->cur ? a->cur : &a->cap;
	struct packet pkt;
	memset(&pkt, 0, offsetof(struct packet, payload));
	pkt.payload = NULL;
	pkt.payload_len = 0;
	pkt.ts_us = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
	pkt.wire_len = h->len;
	pkt.cap_len = h->caplen;
	pkt.ifc = (uint8_t)c->member;
	a->cap.packets++;
	enum decode_result r = decode_packet(c->dlt, bytes, h->caplen, &pkt);
	if (r == DECODE_OK) {
		/* -i any in LINUX_SLL2 says which interface each packet crossed:
		 * a conversation a router forwards without translating is a flow
		 * on each interface, not one counted twice with its second copies
		 * taken for retransmissions (as with -i eth0,wlan0). Indexes from
		 * 255 up share the last key value. */
		if (pkt.ifindex && !a->cap.next) {
			pkt.ifc = pkt.ifindex < FLOW_IFC_INDEXED ? (uint8_t)pkt.ifindex : FLOW_IFC_INDEXED;
			if (c->ng)	/* a pcapng file may name the index */
				ifnames_name_cooked(pkt.ifc, capture_cooked_interface_name(c, pkt.ifindex));
		} else if (c->pkt_interface)	/* a pcapng file's interfaces: the same */
			pkt.ifc = (uint8_t)c->pkt_interface;
		if (pkt.proc_pid && owners_current)
			note_capture_owner(a, &pkt);	/* before the flow is looked up */
		tracker_packet(&a->tracker, &pkt);
		if (pkt.proto == L4_ARP || pkt.nd_has_lladdr)
			neighbors_from_packet(neighbors_current, &pkt);
		if (a->pcap_x || a->pcapng_x) {
			export_interface(a, c, &pkt);
			pcap_export_packet(a->pcap_x, c->dlt, h, bytes, a->tracker.last_flow);
			pcap_export_packet(a->pcapng_x, c->dlt, h, bytes, a->tracker.last_flow);
		}
		if (export_current && a->cap.offline)
			export_clock(export_current, &a->tracker.table, a->tracker.now_us);
		if (alerts_current && a->cap.offline)	/* a file's rate, on its own clock */
			alerting_tick(a, a->tracker.now_us);
		return;
	}
	tracker_note_undecoded(&a->tracker, r, h->len);
	if (a->pcap_x || a->pcapng_x) {	/* every packet read, not only those decoded */
		export_interface(a, c, &pkt);
		pcap_export_packet(a->pcap_x, c->dlt, h, bytes, NULL);
		pcap_export_packet(a->pcapng_x, c->dlt, h, bytes, NULL);
	}
	if (r == DECODE_UNSUPPORTED_LINK && !a->link_warned) {
		a->link_warned = 1;
		fprintf(stderr, "netlens: %s: link type %s (%d) is not supported; its packets are "
			"counted but not decoded\n", c->name, capture_link_name(c), c->dlt);
	}
}

static void stop(struct app *a)
{
	ev_break(a->loop, EVBREAK_ALL);
}

static void on_capture(struct ev_loop *loop, ev_io *w, int revents)
{
	struct capture_watch *cw = (struct capture_watch *)w;
	struct app *a = cw->a;
	char err[512];
	int n;
	a->cur = cw->c;
	if (a->cap.next)	/* several interfaces: the packets' own in an export */
		export_from(a, cw->c->name);
	n = capture_dispatch(cw->c, BATCH, app_on_packet, (u_char *)a, err, sizeof(err));
	a->cur = &a->cap;
	if (n < 0) {
		fprintf(stderr, "netlens: %s\n", err);
		log_msg(LOG_ERROR, "%s", err);
		a->exit_code = 1;
		stop(a);
	}
}

/* The exporter has room again: read on. */
static void on_export_room(void *ctx)
{
	struct app *a = ctx;
	if (!a->cap.eof)
		ev_idle_start(a->loop, &a->feed_w);
}

static void on_pipe(struct ev_loop *loop, ev_io *w, int revents)
{
	struct app *a = w->data;
	(void)revents;
	if (capture_pipe_ready(&a->cap)) {
		ev_io_stop(loop, w);
		ev_idle_start(loop, &a->feed_w);
	}
}

static void on_feed(struct ev_loop *loop, ev_idle *w, int revents)
{
	struct app *a = w->data;
	char err[512];
	if (export_backlogged(export_current, on_export_room, a)) {
		ev_idle_stop(loop, w);	/* a file waits for its collectors, live traffic would not */
		return;
	}
	int n = capture_dispatch(&a->cap, BATCH, app_on_packet, (u_char *)a, err, sizeof(err));
	if (n == 0 && !a->cap.eof && capture_pipe_fd(&a->cap) >= 0) {
		/* a pipe (tcpdump -w - | netlens --read -) with no whole record
		 * yet: the loop waits on it, the UI stays alive */
		ev_idle_stop(loop, w);
		ev_io_start(loop, &a->pipe_w);
		return;
	}
	export_tick(export_current, &a->tracker.table, a->tracker.now_us);	/* capture time */
	if (n < 0) {
		fprintf(stderr, "netlens: %s; flows decoded before it are reported\n", err);
		log_msg(LOG_ERROR, "%s", err);
		a->damaged = 1;
		a->exit_code = 1;
	}
	if (n <= 0) {
		ev_idle_stop(loop, w);
		a->cap.eof = 1;
		tracker_flush_gaps(&a->tracker);	/* no retransmission will come now */
		export_flush(export_current);
		if (a->opt.headless)
			stop(a);
		else
			tui_tick(a);	/* the UI stays until the user quits */
	}
}

static void on_ebpf_owner(void *ctx, const struct sock_owner *so)
{
	if (log_enabled(LOG_TRACE)) {
		char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN];
		int af = so->family == 4 ? AF_INET : AF_INET6;
		inet_ntop(af, so->local, l, sizeof(l));
		inet_ntop(af, so->remote, r, sizeof(r));
		log_msg(LOG_TRACE, "eBPF: %s %s:%u -> %s:%u pid %u (%.16s)", so->proto == 6 ? "TCP" : "UDP",
			l, so->lport, r, so->rport, so->pid, so->comm);
	}
	owners_add(ctx, so);
}

static void on_ebpf(struct ev_loop *loop, ev_io *w, int revents)
{
	struct app *a = w->data;
	if (ebpf_owners_poll(a->ebpf) < 0)
		log_msg(LOG_WARN, "eBPF ring buffer read failed");
}

/* owners.c asks on a miss: the record may be in the ring, not yet woken for. */
static int drain_ebpf(void *ctx)
{
	struct app *a = ctx;
	int n = ebpf_owners_poll(a->ebpf);
	return n > 0 ? n : 0;
}

static void on_netlink(struct ev_loop *loop, ev_io *w, int revents)
{
	struct app *a = w->data;
	local_addrs_changed(a->local);
	log_msg(LOG_INFO, "local addresses or routes changed: %zu addresses now",
		local_addrs_count(a->local));
}

/* Lifecycle: expire due flows and write out buffered events. */
static void lifecycle_pass(struct app *a, uint64_t now)
{
	char err[512];
	if (capture_interface_gone(&a->cap, err, sizeof(err))) {
		fprintf(stderr, "netlens: %s\n", err);
		log_msg(LOG_ERROR, "%s", err);
		a->exit_code = 1;
		stop(a);
	}
	if (a->ebpf)
		ebpf_owners_poll(a->ebpf);	/* records below the wakeup batch */
	owners_tick(owners_current, now);	/* before expiry: closing flows keep their owners */
	workers_tick(a->workers);
	tracker_advance(&a->tracker, now);
	export_tick(export_current, &a->tracker.table, now);	/* active timeouts, templates */
	if (alerts_current)
		alerting_tick(a, now);	/* after tracker_advance: its rate sample is this second's */
	if (a->events)
		eventlog_flush(a->events);
	if (a->sidecar)
		eventlog_flush(a->sidecar);
	pcap_export_flush(a->pcap_x);
	pcap_export_flush(a->pcapng_x);
}

static void on_lifecycle(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct app *a = w->data;
	lifecycle_pass(a, app_wall_us());
}

static void on_refresh(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct app *a = w->data;
	uint64_t now = app_wall_us();
	if (a->opt.refresh_ms <= 1000 && !a->cap.offline)
		lifecycle_pass(a, now);	/* one wakeup serves both */
	if (alerts_current)
		alerting_say_held(a);
	if (a->opt.headless) {
		a->snapshots += (uint64_t)output_snapshot_begin(a, now);
		if (output_failed())
			stop(a);
	} else {
		tui_tick(a);
	}
	if (a->opt.stats)
		output_stats(a);
}

static void on_duration(struct ev_loop *loop, ev_timer *w, int revents)
{
	stop(w->data);
}

static void on_signal(struct ev_loop *loop, ev_signal *w, int revents)
{
	struct app *a = w->data;
	log_msg(LOG_INFO, "signal %d: shutting down", w->signum);
	stop(a);
}

static int open_input(struct app *a)
{
	char err[1024], ifname[256];
	const struct options *o = &a->opt;

	if (o->bpf_filter && capture_check_filter(o->bpf_filter, o->snaplen, err, sizeof(err)) < 0) {
		options_error(o, ORIGIN_BPF_FILTER, "%s", err);
		return 2;
	}
	ifnames_set_live(!o->read_file);	/* before a file's open names its interfaces */
	if (o->read_file) {
		if (capture_open_file(&a->cap, o->read_file, err, sizeof(err)) < 0) {
			fprintf(stderr, "netlens: %s\n", err);
			return 1;
		}
	} else {
		for (unsigned i = 0; i < o->n_interfaces; i++)
			if (!capture_interface_exists(o->interfaces[i])) {
				char list[2048];
				capture_interface_list(list, sizeof(list));
				options_error(o, ORIGIN_INTERFACES, "no interface '%s'; available: %s",
					      o->interfaces[i], *list ? list : "none (are you root?)");
				return 2;
			}
		if (o->n_interfaces) {
			snprintf(ifname, sizeof(ifname), "%s", o->interfaces[0]);
		} else if (platform_default_interface(ifname, sizeof(ifname)) < 0) {
			pcap_if_t *all = NULL;
			char ebuf[PCAP_ERRBUF_SIZE];
			ifname[0] = '\0';
			if (pcap_findalldevs(&all, ebuf) == 0) {
				for (pcap_if_t *i = all; i && !ifname[0]; i = i->next)
					if (!(i->flags & PCAP_IF_LOOPBACK) && (i->flags & PCAP_IF_UP) &&
					    i->addresses && strcmp(i->name, "any"))
						snprintf(ifname, sizeof(ifname), "%s", i->name);
				pcap_freealldevs(all);
			}
			if (!ifname[0]) {
				fprintf(stderr, "netlens: no default route and no interface that is up with an "
					"address; choose one with -i\n");
				return 1;
			}
		}
		if (capture_open_live(&a->cap, ifname, o->snaplen, o->buffer_mib, err, sizeof(err)) < 0) {
			fprintf(stderr, "netlens: %s\n", err);
			return 1;
		}
		for (unsigned i = 1; i < o->n_interfaces; i++)
			if (capture_add_live(&a->cap, o->interfaces[i], o->snaplen, o->buffer_mib, err,
					     sizeof(err)) < 0) {
				fprintf(stderr, "netlens: %s\n", err);
				return 1;
			}
	}
	a->cur = &a->cap;
	if (!a->cap.offline) {	/* several interfaces: records name each flow's */
		static const char *names[FLOW_IFC_MAX];
		static unsigned indexes[FLOW_IFC_MAX];
		unsigned k = 0;
		for (const struct capture *c = &a->cap; c && k < FLOW_IFC_MAX; c = c->next, k++) {
			names[k] = c->name;
			indexes[k] = c->ifindex;
		}
		record_set_interfaces(names, indexes, k);
	}
	if (o->bpf_filter && capture_set_filter(&a->cap, o->bpf_filter, err, sizeof(err)) < 0) {
		options_error(o, ORIGIN_BPF_FILTER, "%s", err);
		return 2;
	}
	if (o->bpf_filter)
		snprintf(a->capture_filter, sizeof(a->capture_filter), "%s", o->bpf_filter);
	if (!a->cap.offline && o->workers > 1 && workers_open(a, err, sizeof(err)) < 0) {
		fprintf(stderr, "netlens: %s\n", err);
		return 1;
	}
	for (const struct capture *c = &a->cap; c; c = c->next) {
		log_msg(LOG_INFO, "%s %s, link type %s (%d)", c->offline ? "reading" : "capturing on",
			c->name, capture_link_name(c), c->dlt);
		if (!decode_link_supported(c->dlt) && !a->link_warned) {
			a->link_warned = 1;
			fprintf(stderr, "netlens: %s: link type %s (%d) is not supported; its packets are "
				"counted but not decoded\n", c->name, capture_link_name(c), c->dlt);
		}
	}
	return 0;
}

/* --pcap-export FILE (and its FILE.connections.jsonl), --pcapng-export FILE:
 * created now, before privileges go. */
static int open_packet_exports(struct app *a)
{
	const struct options *o = &a->opt;
	char err[4200];
	uint32_t snaplen = a->cap.offline ? (uint32_t)pcap_snapshot(a->cap.p) : o->snaplen;
	if (o->pcap_export) {
		a->pcap_x = pcap_export_open(o->pcap_export, PCAP_EXPORT_PCAP, a->cap.dlt, snaplen,
					     export_ifname(a), err, sizeof(err));
		if (!a->pcap_x) {
			fprintf(stderr, "netlens: %s\n", err);
			return 1;
		}
		char *side = a->sidecar_path;
		if (snprintf(side, sizeof(a->sidecar_path), "%s.connections.jsonl", o->pcap_export) >=
		    (int)sizeof(a->sidecar_path)) {
			fprintf(stderr, "netlens: --pcap-export: file name too long\n");
			return 1;
		}
		if (!(a->sidecar = eventlog_open(side, err, sizeof(err)))) {
			fprintf(stderr, "netlens: --pcap-export: %s\n", err);
			return 1;
		}
	}
	if (o->pcapng_export) {
		a->pcapng_x = pcap_export_open(o->pcapng_export, PCAP_EXPORT_PCAPNG, a->cap.dlt, snaplen,
					       export_ifname(a), err, sizeof(err));
		if (!a->pcapng_x) {
			fprintf(stderr, "netlens: %s\n", err);
			return 1;
		}
	}
	return 0;
}

/* --kubernetes: pods and containers of the processes found, from their
 * cgroups (read by the /proc helper, which forks later) and the kubelet's
 * log folders. NETLENS_KUBERNETES_LOG_ROOT stands in for /var/log (tests,
 * nodes that keep the kubelet's logs elsewhere). */
static void open_kubernetes(struct app *a)
{
	const char *root = getenv("NETLENS_KUBERNETES_LOG_ROOT");
	if (!root || !*root)
		root = "/var/log";
	if (!owners_current || a->opt.kubernetes == 0 ||
	    (a->opt.kubernetes < 0 && !kube_auto_detect(root)))
		return;
	kube_current = kube_open(root);
	platform_proc_read_cgroup = kube_current != NULL;
	snprintf(a->kube_pods_dir, sizeof(a->kube_pods_dir), "%s/pods", root);
	snprintf(a->kube_containers_dir, sizeof(a->kube_containers_dir), "%s/containers", root);
	log_msg(LOG_INFO, "kubernetes: pods and containers from cgroups and %s/{pods,containers}", root);
}

int app_init(struct app *a)
{
	char err[1024];
	const struct options *o = &a->opt;
	int rc;

	a->started_us = app_wall_us();
	signal(SIGPIPE, SIG_IGN);	/* a closed stdout is seen as EPIPE and handled */

	if (o->log_level != LOG_OFF && log_open(o->log_level, err, sizeof(err)) < 0) {
		fprintf(stderr, "netlens: %s\n", err);
		return 1;
	}
	for (unsigned i = 0; i < o->n_config_files; i++)	/* why defaults differ here */
		log_msg(LOG_INFO, "configuration file: %s", o->config_files[i]);
	if (o->services_file && services_load_file(o->services_file, err, sizeof(err)) < 0) {
		options_error(o, ORIGIN_SERVICES, "%s", err);
		return 2;
	}
	rate_set_window_us((uint64_t)o->rate_window_s * 1000000u);
	if (!o->read_file) {
#ifdef HAVE_EBPF
		int want_ebpf = !o->no_ebpf;
#else
		int want_ebpf = 0;
#endif
		struct priv_need need = { .live_capture = 1, .ebpf = want_ebpf,
					  .proc_all_users = 1,
					  .interface = o->n_interfaces ? capture_label(&a->cap) : NULL };
		enum priv_status ps = priv_check(&need, err, sizeof(err));
		if (ps == PRIV_MISSING) {
			fprintf(stderr, "%s\n", err);
			return 1;
		}
		if (ps == PRIV_DEGRADED) {
			if (o->headless)
				fprintf(stderr, "%s\n", err);
			log_msg(LOG_WARN, "%s", err);
		}
	}
	if ((rc = open_input(a)) != 0)
		return rc;
	if (o->json_log && !(a->events = eventlog_open(o->json_log, err, sizeof(err)))) {
		fprintf(stderr, "netlens: %s\n", err);
		return 1;
	}
	if ((rc = open_packet_exports(a)) != 0)
		return rc;
	/* MACs the traffic's ARP and neighbour discovery name, with their
	 * vendors where the UI shows them (the system's list, read now: the
	 * sandbox allows no reading later). */
	if (!o->headless)	/* only the UI's details show them (a worker's go to its UI parent) */
		neighbors_current = neighbors_new();
	if (!o->headless && (oui_current = oui_load_system()) != NULL)
		log_msg(LOG_INFO, "MAC vendors: %u prefixes from %s", oui_count(oui_current),
			oui_path(oui_current));
	if (!o->no_geoip) {	/* mapped now, before privileges go */
		char gerr[1400];
		geoip_current = geoip_open(o->geoip_country, o->geoip_asn, o->geoip_city, gerr, sizeof(gerr));
		if (!geoip_current && gerr[0]) {
			/* the message begins with the option of the file it is about */
			enum option_origin k = !strncmp(gerr, "--geoip-asn", 11)    ? ORIGIN_GEOIP_ASN
					     : !strncmp(gerr, "--geoip-city", 12)   ? ORIGIN_GEOIP_CITY
					     : !strncmp(gerr, "--geoip-country", 15) ? ORIGIN_GEOIP_COUNTRY
					     : ORIGINS;
			options_error(o, k, "%s", gerr);
			return 1;
		}
		if (geoip_current)
			log_msg(LOG_INFO, "GeoIP: %s", geoip_files(geoip_current));
	}
	if ((rc = alerting_open(a)) != 0)
		return rc;

	if (!o->no_dpi) {
		names_current = names_new(NAMES_DEFAULT_CAP);	/* NULL: names are not kept */
		dpi_init(&a->dpi);
		/* Reassembly memory follows the flow cap (a router's small
		 * --max-flows gets a small cap): 128 bytes a flow, 1-16 MiB,
		 * 12.8 MiB by default. */
		size_t stream_cap = (size_t)o->max_flows * 128;
		dpi_set_stream_limit(&a->dpi, stream_cap < (1u << 20) ? (1u << 20)
				     : stream_cap > DPI_STREAM_LIMIT_DEFAULT ? DPI_STREAM_LIMIT_DEFAULT
				     : stream_cap);
		a->dpi_on = 1;
		if ((rc = dissectors_load(&a->dpi, o)) != 0)
			return rc;
	}
	/* Workers fork here: privileged set-up done, dissectors loaded, and no
	 * table, loop, netlink socket or eBPF program of the parent's yet. */
	if (a->workers && workers_fork(a, err, sizeof(err)) < 0) {
		fprintf(stderr, "netlens: %s\n", err);
		return 1;
	}
	uint32_t table_cap = o->max_flows;
	if (a->workers) {
		/* Each worker holds a share, the parent all of theirs, plus a few
		 * slots for flows born and gone between two snapshots, which pass
		 * through the table to be closed (and are never more than one at
		 * a time: closed flows are applied first). */
		uint32_t n = workers_count(a->workers);
		table_cap = (o->max_flows + n - 1) / n * n + 64;
	}

	struct tracker_config tc = {
		.max_flows = table_cap,
		.history = o->history >= 0 ? (uint32_t)o->history
			 : (o->read_file && o->headless) ? o->max_flows : 5000,
		.hide_loopback = o->show_localhost >= 0 ? !o->show_localhost : !o->read_file,
		.on_event = on_flow_event,
		.event_ctx = a,
		.is_own = is_own_cb,
		.dpi = a->dpi_on ? &a->dpi : NULL,
	};
	if (!a->cap.offline) {
		a->local = local_addrs_new();
		if (a->local) {
			tc.is_local = is_local_cb;
			tc.is_local_ctx = a->local;
		}
	}
	if ((rc = tracker_init(&a->tracker, &tc)) < 0) {
		fprintf(stderr, "netlens: cannot allocate a table of %u flows: %s\n", o->max_flows,
			strerror(-rc));
		return 1;
	}

	/* Which process owns each flow: live only (a file's flows belong to
	 * another time and often another machine), unless the file says. */
	if (!a->cap.offline)
		record_set_locality(a->local);	/* broadcast addresses, gateways */
	if (!a->cap.offline) {
		owners_current = owners_new(&a->tracker.table);
		owners_set_locality(owners_current, a->local);
		open_kubernetes(a);
	} else if (a->cap.dlt == 258 || a->cap.dlt == 149) {
		/* Apple's PKTAP names each packet's process: those, and never
		 * this machine's. */
		owners_current = owners_new(&a->tracker.table);
		owners_set_from_capture(owners_current);
	}

	a->loop = ev_default_loop(EVFLAG_AUTO);
	if (!a->loop) {
		fprintf(stderr, "netlens: cannot start the event loop\n");
		return 1;
	}
	/* eBPF reports each socket's owner as it connects, listens or sends, so
	 * short-lived ones are not missed; it is loaded before any privilege
	 * is dropped (the ring buffer keeps working after). */
	if (owners_current && !a->cap.offline && !o->no_ebpf) {
		char why[512];
		a->ebpf = ebpf_owners_open(on_ebpf_owner, owners_current, why, sizeof(why));
		if (a->ebpf) {
			owners_set_ebpf(owners_current, 1);
			owners_set_ebpf_tier(owners_current, ebpf_owners_tier(a->ebpf));
			owners_set_drain(owners_current, drain_ebpf, a);
			ev_io_init(&a->ebpf_w, on_ebpf, ebpf_owners_fd(a->ebpf), EV_READ);
			a->ebpf_w.data = a;
			ev_io_start(a->loop, &a->ebpf_w);
			log_msg(LOG_INFO, "process attribution: eBPF (%s)", ebpf_owners_tier(a->ebpf));
			if (ebpf_owners_tried(a->ebpf)[0])
				log_msg(LOG_INFO, "process attribution: tiers tried first: %s",
					ebpf_owners_tried(a->ebpf));
			/* Sockets open before the programs were attached: one pass
			 * of iter/task_file, after attaching so none falls between. */
			int n = ebpf_owners_existing(a->ebpf);
			if (n >= 0) {
				owners_first_scan_done(owners_current);
				log_msg(LOG_INFO, "process attribution: %d sockets open at start "
					"(iter/task_file)", n);
			} else {
				log_msg(LOG_INFO, "process attribution: sockets open at start from procfs "
					"(iter/task_file: %s)", strerror(-n));
			}
		} else {
			log_msg(LOG_INFO, "process attribution: %s", why);
		}
		/* libbpf parses the kernel's BTF (about 10 MiB) for each tier it
		 * tries and frees it, but the heap keeps the pages: give them
		 * back before the /proc helper is forked (it would hold a copy)
		 * and before flows fill the heap. */
		release_free_heap();
	}
	owners_tick(owners_current, app_wall_us());	/* sockets that exist already, unless iterated */
	/* Reverse DNS: on by default live (as RustNet), off for files. */
	if (o->resolve_dns > 0 || (o->resolve_dns < 0 && !a->cap.offline)) {
		resolver_current = resolver_new(a->loop, o->dns_server, err, sizeof(err));
		if (!resolver_current) {
			fprintf(stderr, "netlens: %s\n", err);
			if (o->dns_server)
				return 2;	/* the user's own server: a usage error */
		}
	}
	if (o->n_export) {
		struct export_config ec = {
			.n_urls = o->n_export,
			.active_timeout_s = o->export_active_timeout_s,
			.template_interval_s = o->export_template_interval_s,
			.enterprise = o->export_enterprise,
			.domain = o->export_domain,
			.mtu = o->export_mtu,
			.queue = o->export_queue,
			.rate = o->export_rate,
			.offline = a->cap.offline,
		};
		for (unsigned i = 0; i < o->n_export; i++)
			ec.urls[i] = o->export_urls[i];
		export_current = export_new(a->loop, &ec, a->dpi_on ? &a->dpi : NULL, err, sizeof(err));
		if (!export_current) {
			fprintf(stderr, "netlens: %s\n", err);
			return 2;
		}
	}
	if (a->cap.offline) {
		ev_idle_init(&a->feed_w, on_feed);
		a->feed_w.data = a;
		ev_idle_start(a->loop, &a->feed_w);
		if (capture_pipe_fd(&a->cap) >= 0) {
			ev_io_init(&a->pipe_w, on_pipe, capture_pipe_fd(&a->cap), EV_READ);
			a->pipe_w.data = a;
		}
	} else if (a->workers) {
		workers_watch(a);
	} else {
		unsigned i = 0;
		for (struct capture *c = &a->cap; c; c = c->next, i++) {
			struct capture_watch *cw = &a->capture_w[i];
			int fd = capture_fd(c);
			if (fd < 0) {
				fprintf(stderr, "netlens: %s cannot be waited on (no selectable descriptor)\n",
					c->name);
				return 1;
			}
			cw->a = a;
			cw->c = c;
			ev_io_init(&cw->io, on_capture, fd, EV_READ);
			ev_io_start(a->loop, &cw->io);
		}
	}
	if (!a->cap.offline) {
		if (a->local && local_addrs_fd(a->local) >= 0) {
			ev_io_init(&a->netlink_w, on_netlink, local_addrs_fd(a->local), EV_READ);
			a->netlink_w.data = a;
			ev_io_start(a->loop, &a->netlink_w);
		}
		if (o->duration_s) {
			ev_timer_init(&a->duration_w, on_duration, (double)o->duration_s, 0.);
			a->duration_w.data = a;
			ev_timer_start(a->loop, &a->duration_w);
		}
	}
	if (!a->cap.offline || !o->headless) {
		/* Offline, capture time drives expiry from the packet path; the
		 * timer only paces the UI there. */
		double refresh = o->refresh_ms / 1000.0;
		ev_timer_init(&a->refresh_w, on_refresh, refresh, refresh);
		a->refresh_w.data = a;
		ev_timer_start(a->loop, &a->refresh_w);
		if (o->refresh_ms > 1000 && !a->cap.offline) {
			ev_timer_init(&a->lifecycle_w, on_lifecycle, 1., 1.);
			a->lifecycle_w.data = a;
			ev_timer_start(a->loop, &a->lifecycle_w);
		}
	}
	ev_signal_init(&a->sigint_w, on_signal, SIGINT);
	ev_signal_init(&a->sigterm_w, on_signal, SIGTERM);
	ev_signal_init(&a->sighup_w, on_signal, SIGHUP);
	a->sigint_w.data = a->sigterm_w.data = a->sighup_w.data = a;
	ev_signal_start(a->loop, &a->sigint_w);
	ev_signal_start(a->loop, &a->sigterm_w);
	ev_signal_start(a->loop, &a->sighup_w);
	return 0;
}

int app_sandbox(struct app *a)
{
	const struct options *o = &a->opt;
	struct sandbox_spec spec = {
		.no_uid_drop = o->no_uid_drop,
		.strict = o->sandbox_strict,
		.proc_broker = owners_current != NULL && !a->cap.offline,	/* Landlock confines /proc/<pid>/fd reads */
	};
	if (o->no_sandbox) {
		sandbox_minimal(&a->sandbox);
		return 0;
	}
	if (o->json_log)
		spec.write_paths[spec.n_write++] = o->json_log;
	if (log_path())
		spec.write_paths[spec.n_write++] = log_path();
	/* the packet exports: handed to the invoking user like the logs */
	if (o->pcap_export) {
		spec.write_paths[spec.n_write++] = o->pcap_export;
		spec.write_paths[spec.n_write++] = a->sidecar_path;
	}
	if (o->pcapng_export)
		spec.write_paths[spec.n_write++] = o->pcapng_export;
	for (unsigned i = 0; i < o->n_plugin_dirs && spec.n_read < SANDBOX_MAX_READ - 3; i++)
		spec.read_paths[spec.n_read++] = o->plugin_dirs[i];
	spec.read_paths[spec.n_read++] = DISSECTORDIR;
	if (kube_current) {	/* the kubelet's folders, read again for new pods */
		spec.read_paths[spec.n_read++] = a->kube_pods_dir;
		spec.read_paths[spec.n_read++] = a->kube_containers_dir;
		/* the cgroup tree, walked to name a gone process's cgroup */
		if (platform_cgroup_paths_fd() >= 0)
			spec.read_fds[spec.n_read_fds++] = platform_cgroup_paths_fd();
	}
	/* A TCP collector is reconnected after it goes away: its port stays
	 * open to connect() under the Landlock TCP rules. */
	for (unsigned i = 0; i < o->n_export && spec.n_tcp_connect < 4; i++) {
		struct export_target t;
		char e[256];
		if (export_parse_url(o->export_urls[i], &t, e, sizeof(e)) == 0 && t.tcp)
			spec.tcp_connect_ports[spec.n_tcp_connect++] = t.port;
	}
	/* Workers were forked before this: under a signal scope neither a
	 * hung one's kill nor its parent-death signal would reach it. */
	spec.signal_children = a->workers != NULL;
	if (sandbox_apply(&spec, &a->sandbox) < 0)
		return 1;	/* main prints a->sandbox.missing once the screen is restored */
	log_msg(LOG_INFO, "sandbox: %s", a->sandbox.text);
	if (a->sandbox.missing[0])
		log_msg(LOG_WARN, "sandbox: not applied: %s", a->sandbox.missing);
	return 0;
}

void app_run(struct app *a)
{
	ev_run(a->loop, 0);
}

void app_cleanup(struct app *a)
{
	output_snapshot_drop();	/* an unfinished snapshot watches the loop and reads the tracker */
	if (a->events) {
		eventlog_close(a->events);
		a->events = NULL;
	}
	if (a->sidecar) {
		eventlog_close(a->sidecar);
		a->sidecar = NULL;
	}
	pcap_export_close(a->pcap_x);
	pcap_export_close(a->pcapng_x);
	a->pcap_x = a->pcapng_x = NULL;
	geoip_free(geoip_current);
	geoip_current = NULL;
	kube_close(kube_current);
	kube_current = NULL;
	platform_cgroup_paths_close();
	neighbors_free(neighbors_current);
	neighbors_current = NULL;
	oui_free(oui_current);
	oui_current = NULL;
	export_free(export_current);	/* before the tracker and loop it reads */
	export_current = NULL;
	tracker_free(&a->tracker);
	if (a->ebpf) {
		if (a->loop)
			ev_io_stop(a->loop, &a->ebpf_w);
		ebpf_owners_close(a->ebpf);
		a->ebpf = NULL;
	}
	owners_free(owners_current);
	owners_current = NULL;
	priv_broker_stop();
	resolver_free(resolver_current);	/* before the loop it watches in */
	resolver_current = NULL;
	if (a->dpi_on)
		dpi_free(&a->dpi);
	names_free(names_current);
	names_current = NULL;
	alerting_close(a);
	a->dpi_on = 0;
	capture_close(&a->cap);
	workers_free(a->workers);
	a->workers = NULL;
	record_set_locality(NULL);
	local_addrs_free(a->local);
	a->local = NULL;
	services_unload();
	log_close();
	if (a->loop)
		ev_loop_destroy(a->loop);
	a->loop = NULL;
}

/* Closes the packet exports, saying what each wrote; nonzero when
 * something could not be written. */
static int close_packet_exports(struct app *a)
{
	int bad = 0;
	struct pcap_export *xs[2] = { a->pcap_x, a->pcapng_x };
	const char *names[2] = { "--pcap-export", "--pcapng-export" };
	for (int i = 0; i < 2; i++) {
		if (!xs[i])
			continue;
		uint64_t n = pcap_export_packets(xs[i]), other = pcap_export_other_link(xs[i]);
		char path[4096];
		snprintf(path, sizeof(path), "%s", pcap_export_path(xs[i]));
		if (other)	/* a file read with interfaces of several link types */
			fprintf(stderr, "netlens: %s %s: %llu packets of other link types not written "
				"(a %s file holds %s)\n", names[i], path, (unsigned long long)other,
				i ? "pcapng" : "pcap", i ? "16 at most" : "one: --pcapng-export holds several");
		uint64_t lost = pcap_export_close(xs[i]);
		if (lost) {
			fprintf(stderr, "netlens: %s %s: %llu of %llu packets could not be written\n", names[i],
				path, (unsigned long long)lost, (unsigned long long)n);
			bad = 1;
		} else if (a->cap.offline || a->opt.headless) {
			fprintf(stderr, "netlens: %s %s: %llu packets written\n", names[i], path,
				(unsigned long long)n);
		}
	}
	a->pcap_x = a->pcapng_x = NULL;
	if (a->sidecar) {
		uint64_t lost = eventlog_close(a->sidecar);
		a->sidecar = NULL;
		if (lost) {
			fprintf(stderr, "netlens: --pcap-export: %llu connections could not be written to its "
				"connections file\n", (unsigned long long)lost);
			bad = 1;
		}
	}
	return bad;
}

int app_finish(struct app *a)
{
	struct pcap_stat ps;

	workers_finish(a);	/* their last snapshots first: they are what is reported */
	/* Report open flows as closed in the event log (they are still listed)
	 * and to the collectors, then send what is queued (bounded wait). */
	export_finish_begin(export_current);
	if (!a->cap.offline)
		tracker_flush_gaps(&a->tracker);	/* a file's were at its end */
	if (a->events || a->sidecar || export_current)
		tracker_flush_events(&a->tracker);
	export_finish(export_current);
	if (a->cap.offline && a->opt.headless && !output_failed())
		output_all(a);
	else if (!a->cap.offline && a->opt.headless && !output_failed())
		output_snapshot(a, app_wall_us());	/* the state at exit, also for short runs */
	if (a->cap.offline || a->opt.headless)
		output_summary(a);
	if (capture_stats(&a->cap, &ps) == 0)
		fprintf(stderr, "netlens: %s: %u packets received, %u dropped by the kernel, %u dropped "
			"by the interface\n", capture_label(&a->cap), ps.ps_recv, ps.ps_drop, ps.ps_ifdrop);
	alerting_finish(a);
	if (alerts_current && (a->cap.offline || a->opt.headless))
		fprintf(stderr, "netlens: %llu alert%s raised\n", (unsigned long long)a->alerts_raised,
			a->alerts_raised == 1 ? "" : "s");
	if (a->opt.stats)
		output_stats(a);
	if (a->events) {
		uint64_t lost = eventlog_close(a->events);
		a->events = NULL;
		if (lost) {
			fprintf(stderr, "netlens: --json-log %s: %llu events could not be written\n",
				a->opt.json_log, (unsigned long long)lost);
			if (!a->exit_code)
				a->exit_code = 1;
		}
	}
	if (close_packet_exports(a) && !a->exit_code)
		a->exit_code = 1;
	app_cleanup(a);
	return a->exit_code;
}

int app_set_capture_filter(struct app *a, const char *expr, char *err, size_t errlen)
{
	if (a->cap.offline) {
		snprintf(err, errlen, "a file's filter is set at start (--bpf-filter)");
		return -1;
	}
	if (strlen(expr) >= sizeof(a->capture_filter)) {
		snprintf(err, errlen, "capture filter too long");
		return -1;
	}
	/* "" compiles to a program that takes every packet: no filter */
	if (a->workers) {	/* the workers hold the handles: checked here, applied there */
		if (capture_check_filter_for(&a->cap, expr, a->opt.snaplen, err, errlen) < 0)
			return -1;
		snprintf(a->capture_filter, sizeof(a->capture_filter), "%s", expr);
		if (workers_set_filter(a->workers, expr, err, errlen) < 0)
			return -1;
	} else {
		if (capture_set_filter(&a->cap, expr, err, errlen) < 0)
			return -1;
		snprintf(a->capture_filter, sizeof(a->capture_filter), "%s", expr);
	}
	log_msg(LOG_INFO, "capture filter now: %s", expr[0] ? expr : "(none)");
	return 0;
}
