/* workers.c - per-core capture processes and the parent's side of them (workers.h). */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <linux/if_packet.h>
#include <sys/prctl.h>
#endif

#include "app.h"
#include "clock.h"
#include "log.h"
#include "mirror.h"
#include "names.h"
#include "neighbors.h"
#include "options.h"
#include "owners.h"
#include "resolver.h"
#include "export.h"
#include "platform/privileges.h"
#include "workers.h"
#include "ui/tui.h"

#define BATCH 512
#define FLUSH_AT (4u << 20)	/* a chunk of a snapshot is sent once this big */
#define FINISH_WAIT_MS 2000	/* how long the parent waits for last snapshots */

struct worker {
	pid_t pid;
	int sock;			/* parent's end; -1 once closed */
	ev_io io;
	ev_child child;
	uint8_t *buf;			/* frames being received */
	size_t len, cap;
	struct mirror_counters c;	/* as last reported */
	int running, final_seen;
	struct workers *ws;
	unsigned index;
	unsigned restarts;		/* in the current minute */
	uint64_t restart_window_us;
	uint64_t heard_us;		/* monotonic: its last whole message (or start) */
	int silent;			/* said to send nothing (workers_tick) */
};

struct workers {
	struct app *a;
	unsigned n;
	struct capture caps[WORKERS_MAX];	/* each worker's handles until its fork; [0]
						 * the parent's own, moved (a->cap keeps names) */
	int child_sock[WORKERS_MAX];
	struct worker w[WORKERS_MAX];
	pid_t parent;
	int fanout_arg;				/* group id | mode << 16 */
	struct mirror_counters retired;		/* what dead workers had counted */
};

#define RESTARTS_PER_MINUTE 3
#define WORKER_ALIVE_US 10000000u	/* an idle worker's message at least this often */

_Static_assert(sizeof(((struct app *)0)->capture_filter) == WORKER_FILTER_MAX + 1,
	       "a filter the UI holds fits a worker's message");

/* ---- opening ---------------------------------------------------------- */

#ifdef __linux__
/* Opens worker i's capture handles like the parent's (one an interface;
 * worker 0's are the parent's own, moved) and joins each to its group:
 * PACKET_FANOUT groups one interface, so the k-th interface's handles
 * make group id + k. */
static int open_member(struct workers *ws, unsigned i, char *err, size_t errlen)
{
	const struct options *o = &ws->a->opt;
	if (!ws->caps[i].p) {
		const struct capture *want = &ws->a->cap;	/* names only, in the parent */
		if (capture_open_live(&ws->caps[i], want->name, o->snaplen, o->buffer_mib, err,
				      errlen) < 0)
			return -1;
		for (want = want->next; want; want = want->next)
			if (capture_add_live(&ws->caps[i], want->name, o->snaplen, o->buffer_mib, err,
					     errlen) < 0) {
				capture_close(&ws->caps[i]);
				return -1;
			}
		/* The filter in force: -f, or the UI's f since (a restart). */
		const char *filter = ws->a->capture_filter;
		if (filter[0] && capture_set_filter(&ws->caps[i], filter, err, errlen) < 0) {
			capture_close(&ws->caps[i]);
			return -1;
		}
	}
	for (struct capture *m = &ws->caps[i]; m; m = m->next) {
		unsigned id = ((unsigned)ws->fanout_arg + m->member) & 0xffffu;
		int arg = (int)(((unsigned)ws->fanout_arg & 0xffff0000u) | id);
		if (setsockopt(pcap_fileno(m->p), SOL_PACKET, PACKET_FANOUT, &arg, sizeof(arg)) < 0) {
			snprintf(err, errlen, "--workers: cannot join capture %u on %.64s to a PACKET_FANOUT "
				 "group: %s", i + 1, m->name, strerror(errno));
			capture_close(&ws->caps[i]);
			return -1;
		}
	}
	return 0;
}
#endif

int workers_open(struct app *a, char *err, size_t errlen)
{
#ifdef __linux__
	struct workers *ws = calloc(1, sizeof(*ws));
	if (!ws) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	ws->a = a;
	ws->n = a->opt.workers;
	if (capture_move_handles(&a->cap, &ws->caps[0], err, errlen) < 0) {
		free(ws);
		return -1;
	}
	/* One group per netlens: the id is ours alone among the machine's groups. */
	unsigned mode = PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG;	/* 0x8000: shift unsigned */
	ws->fanout_arg = (int)(((unsigned)getpid() & 0xffffu) | mode << 16);
	for (unsigned i = 0; i < ws->n; i++)
		if (open_member(ws, i, err, errlen) < 0) {
			for (unsigned j = 0; j < ws->n; j++)
				capture_close(&ws->caps[j]);
			free(ws);
			return -1;
		}
	a->workers = ws;
	return 0;
#else
	(void)a;
	snprintf(err, errlen, "--workers needs Linux's PACKET_FANOUT");
	return -1;
#endif
}

/* ---- the worker ------------------------------------------------------- */

struct wctx {
	struct app *a;
	unsigned index;
	int sock;
	struct worker_capture_watch {	/* one an interface */
		ev_io io;		/* first: the callback gets this */
		struct wctx *w;
		struct capture *c;
	} cap_w[OPTIONS_MAX_INTERFACES];
	ev_io sock_w;
	ev_timer tick_w;
	msgpack_sbuffer flows, closed, names, neighbors;
	uint32_t n_flows, n_closed, n_names, n_neighbors;
	msgpack_packer pk_flows, pk_closed, pk_names, pk_neighbors;
	int want_final;
	int exit_code;
	uint8_t in[3 + WORKER_FILTER_MAX];	/* the parent's messages, read so far */
	size_t in_len;
	struct sent *sent;		/* per table slot: what was reported of the flow */
	struct mirror_counters last_counters;	/* as last sent */
	int sent_once;
	uint64_t sent_us;			/* monotonic: the last message */
};

/* The counts of a flow last reported, so a snapshot carries what is new:
 * the parent adds parts up (a flow the kernel's hash spread over workers,
 * or moved to another when a restarted worker changed the fanout group). */
struct sent {
	uint32_t id_plus1;		/* flow->id + 1 of the flow in the slot; 0 = none */
	uint32_t packets[2];
	uint64_t bytes[2];
	uint32_t tcp[4];		/* TCP: retransmits, out of order, fast retransmits, dup ACKs */
	uint8_t resend;			/* changed without a packet (a gap given up at exit) */
};

static struct wctx *wcur;	/* the worker's one context (names tap, flow events) */

static int write_all(int fd, const void *p, size_t n)
{
	const uint8_t *b = p;
	while (n) {
		ssize_t w = write(fd, b, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		b += w;
		n -= (size_t)w;
	}
	return 0;
}

static void counters_now(struct wctx *w, struct mirror_counters *c)
{
	struct pcap_stat ps;
	memset(c, 0, sizeof(*c));
	c->stats = w->a->tracker.stats;
	c->tcp = w->a->tracker.tcp;
	if (capture_stats(&w->a->cap, &ps) == 0) {
		c->pcap_received = ps.ps_recv;
		c->pcap_dropped = ps.ps_drop;
		c->pcap_ifdropped = ps.ps_ifdrop;
	}
	if (w->a->dpi_on) {
		const struct dpi_stats *d = &w->a->dpi.stats;
		c->dpi_offered = d->offered;
		c->dpi_identified = d->identified;
		c->dpi_malformed = d->malformed;
		c->dpi_api_errors = d->api_errors;
		c->dpi_names_noted = d->names_noted;
		c->dpi_stream_capped = d->stream_capped;
		c->dpi_stream_consumed = d->stream_consumed;
		c->dpi_stream_gaps = d->stream_gaps;
	}
}

/* Sends what is buffered as one framed message and empties the buffers. */
static void send_chunk(struct wctx *w, int final)
{
	struct mirror_counters c;
	msgpack_sbuffer head;
	msgpack_packer pk;
	uint8_t len[4];

	counters_now(w, &c);
	/* Nothing new (an idle link): no message, so the parent sleeps on,
	 * but for one every WORKER_ALIVE_US, by which it knows this worker
	 * still runs (workers_tick). */
	const uint64_t now = clock_mono_us();
	if (!final && !w->n_flows && !w->n_closed && !w->n_names && !w->n_neighbors && w->sent_once &&
	    !memcmp(&c, &w->last_counters, sizeof(c)) && now - w->sent_us < WORKER_ALIVE_US)
		return;
	w->last_counters = c;
	w->sent_once = 1;
	w->sent_us = now;
	msgpack_sbuffer_init(&head);
	msgpack_packer_init(&pk, &head, msgpack_sbuffer_write);
	mirror_pack_begin(&pk, w->index, clock_wall_us(), &c);
	mirror_pack_flows(&pk, w->n_flows);
	msgpack_sbuffer_write(&head, w->flows.data, w->flows.size);
	mirror_pack_closed(&pk, w->n_closed);
	msgpack_sbuffer_write(&head, w->closed.data, w->closed.size);
	mirror_pack_names(&pk, w->n_names);
	msgpack_sbuffer_write(&head, w->names.data, w->names.size);
	mirror_pack_end(&pk, final);
	mirror_pack_neighbors(&pk, w->n_neighbors);
	msgpack_sbuffer_write(&head, w->neighbors.data, w->neighbors.size);
	size_t n = head.size;
	len[0] = (uint8_t)(n >> 24); len[1] = (uint8_t)(n >> 16);
	len[2] = (uint8_t)(n >> 8); len[3] = (uint8_t)n;
	if (write_all(w->sock, len, 4) < 0 || write_all(w->sock, head.data, n) < 0) {
		/* The parent is gone: nobody to capture for. */
		msgpack_sbuffer_destroy(&head);
		_exit(0);
	}
	msgpack_sbuffer_destroy(&head);
	msgpack_sbuffer_clear(&w->flows);
	msgpack_sbuffer_clear(&w->closed);
	msgpack_sbuffer_clear(&w->names);
	msgpack_sbuffer_clear(&w->neighbors);
	w->n_flows = w->n_closed = w->n_names = w->n_neighbors = 0;
}

/* tmp = f with the counts since it was last reported; marks them reported. */
static void since_last(struct wctx *w, const struct flow *f, struct flow *tmp, int gone)
{
	struct sent *s = &w->sent[flow_index(&w->a->tracker.table, f)];
	*tmp = *f;
	tmp->flags &= (uint8_t)~(FLOW_CLOSED | FLOW_OWN);	/* the parent's to set */
	const int tcp = f->key.proto == L4_TCP;
	if (s->id_plus1 == f->id + 1) {
		for (int d = 0; d < 2; d++) {
			tmp->packets[d] = f->packets[d] - s->packets[d];
			tmp->bytes[d] = f->bytes[d] - s->bytes[d];
		}
		if (tcp) {	/* these count up too: increments, added up like packets */
			tmp->u.tcp.retransmits = f->u.tcp.retransmits - s->tcp[0];
			tmp->u.tcp.out_of_order = f->u.tcp.out_of_order - s->tcp[1];
			tmp->u.tcp.fast_retransmits = (uint16_t)(f->u.tcp.fast_retransmits - s->tcp[2]);
			tmp->u.tcp.dup_acks = f->u.tcp.dup_acks - s->tcp[3];
		}
	}
	s->id_plus1 = gone ? 0 : f->id + 1;
	s->resend = 0;
	memcpy(s->packets, f->packets, sizeof(s->packets));
	memcpy(s->bytes, f->bytes, sizeof(s->bytes));
	if (tcp) {
		s->tcp[0] = f->u.tcp.retransmits;
		s->tcp[1] = f->u.tcp.out_of_order;
		s->tcp[2] = f->u.tcp.fast_retransmits;
		s->tcp[3] = f->u.tcp.dup_acks;
	}
}

static void on_worker_flow_event(void *ctx, enum flow_event ev, const struct flow *f,
				 enum close_reason why, uint64_t now_us)
{
	struct wctx *w = ctx;
	struct flow tmp;
	(void)now_us;
	if (ev != FLOW_EVENT_CLOSED)
		return;	/* new flows go with the next snapshot */
	since_last(w, f, &tmp, 1);
	mirror_pack_closed_flow(&w->pk_closed, &tmp, w->a->dpi_on ? &w->a->dpi : NULL, why);
	w->n_closed++;
	if (w->closed.size >= FLUSH_AT)
		send_chunk(w, 0);	/* a burst of evictions: no table walk here */
}

static void on_worker_name(void *ctx, int family, const uint8_t *addr, const char *name, size_t len,
			   uint32_t ttl_s)
{
	struct wctx *w = ctx;
	mirror_pack_name(&w->pk_names, family, addr, name, len, ttl_s);
	w->n_names++;
	if (w->names.size >= FLUSH_AT)
		send_chunk(w, 0);	/* a flood of answers: keep the frame under the cap */
}

/* The cache's tap rule passes on an address at most once a minute unless
 * it is new or its MAC changed; a flood of made-up addresses is bounded by
 * the flush below, like the closed flows of a burst of evictions. */
static void on_worker_neighbor(void *ctx, int family, const uint8_t *addr, const uint8_t mac[6],
			       uint64_t seen_us)
{
	struct wctx *w = ctx;
	mirror_pack_neighbor(&w->pk_neighbors, family, addr, mac, seen_us);
	w->n_neighbors++;
	if (w->neighbors.size >= FLUSH_AT)
		send_chunk(w, 0);	/* an ARP flood of made-up addresses */
}

static void pack_changed(struct flow *f, void *ctx)
{
	struct wctx *w = ctx;
	struct flow tmp;
	const struct sent *s = &w->sent[flow_index(&w->a->tracker.table, f)];
	/* Unchanged since reported: every change (state, results) comes with a
	 * packet, but for gaps given up at exit (resend). (Not by time: two
	 * CPUs' stamps need not be in order.) */
	if (s->id_plus1 == f->id + 1 && s->packets[0] == f->packets[0] && s->packets[1] == f->packets[1] &&
	    !s->resend)
		return;
	since_last(w, f, &tmp, 0);
	mirror_pack_flow(&w->pk_flows, &tmp, w->a->dpi_on ? &w->a->dpi : NULL);
	w->n_flows++;
	if (w->flows.size >= FLUSH_AT)
		send_chunk(w, 0);
}

/* At exit, as with one process (app_finish): gaps still waited for are
 * given up, and a flow whose results that changed goes with the last
 * snapshot although no packet came. */
static void flush_gaps_cb(struct flow *f, void *ctx)
{
	struct wctx *w = ctx;
	if (dpi_flush_gaps(&w->a->dpi, f))
		w->sent[flow_index(&w->a->tracker.table, f)].resend = 1;
}

static void snapshot(struct wctx *w, int final)
{
	flow_table_foreach(&w->a->tracker.table, pack_changed, w);
	send_chunk(w, final);
}

static void on_worker_capture(struct ev_loop *loop, ev_io *io, int revents)
{
	struct worker_capture_watch *cw = (struct worker_capture_watch *)io;
	struct wctx *w = cw->w;
	char err[512];
	(void)revents;
	w->a->cur = cw->c;
	int n = capture_dispatch(cw->c, BATCH, app_on_packet, (u_char *)w->a, err, sizeof(err));
	w->a->cur = &w->a->cap;
	if (n < 0) {
		fprintf(stderr, "netlens: worker %u: %s\n", w->index + 1, err);
		w->exit_code = 1;
		ev_break(loop, EVBREAK_ALL);
	}
}

static void on_worker_tick(struct ev_loop *loop, ev_timer *tm, int revents)
{
	struct wctx *w = tm->data;
	char err[512];
	(void)revents;
	if (capture_interface_gone(&w->a->cap, err, sizeof(err))) {
		fprintf(stderr, "netlens: worker %u: %s\n", w->index + 1, err);
		w->exit_code = 1;
		ev_break(loop, EVBREAK_ALL);
		return;
	}
	tracker_advance(&w->a->tracker, clock_wall_us());
	snapshot(w, 0);
}

/* The parent's messages: 'F', a last snapshot, then stop; 'B', a 16-bit
 * length and an expression: the UI's f, a new capture filter (the parent
 * has checked it). Its end closed, or anything else: stop. */
static void on_worker_sock(struct ev_loop *loop, ev_io *io, int revents)
{
	struct wctx *w = io->data;
	(void)revents;
	ssize_t n = read(w->sock, w->in + w->in_len, sizeof(w->in) - w->in_len);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		ev_break(loop, EVBREAK_ALL);
		return;
	}
	w->in_len += (size_t)n;
	size_t at = 0;
	while (at < w->in_len) {
		const uint8_t *m = w->in + at;
		size_t left = w->in_len - at;
		if (m[0] != 'B') {
			w->want_final = m[0] == 'F';
			ev_break(loop, EVBREAK_ALL);
			return;
		}
		if (left < 3)
			break;
		size_t len = (size_t)m[1] << 8 | m[2];
		if (len > WORKER_FILTER_MAX) {
			ev_break(loop, EVBREAK_ALL);
			return;
		}
		if (left < 3 + len)
			break;
		char expr[WORKER_FILTER_MAX + 1], err[512];
		memcpy(expr, m + 3, len);
		expr[len] = '\0';
		if (capture_set_filter(&w->a->cap, expr, err, sizeof(err)) < 0) {
			/* Checked by the parent, so out of memory at most: the
			 * parent restarts this worker with the filter in force. */
			w->exit_code = 1;
			ev_break(loop, EVBREAK_ALL);
			return;
		}
		at += 3 + len;
	}
	memmove(w->in, w->in + at, w->in_len - at);
	w->in_len -= at;
}

static void worker_run(struct app *a, struct workers *ws, unsigned idx)
{
	static struct wctx w;
	char err[512];

#ifdef __linux__
	/* Never outlive the parent: SIGKILL, which ends a stopped worker too
	 * (the parent's Landlock signal scope may forbid it to kill one). */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != ws->parent)
		_exit(0);
#endif
	/* The terminal's Ctrl-C and hang-up are the parent's to handle: it asks
	 * for the last snapshot, then closes the socket. */
	signal(SIGINT, SIG_IGN);
	signal(SIGHUP, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_IGN);
	for (unsigned i = 0; i < ws->n; i++) {
		if (i != idx) {
			capture_close(&ws->caps[i]);
			close(ws->child_sock[i]);
		}
		if (ws->w[i].sock >= 0)
			close(ws->w[i].sock);
	}
	a->cap = ws->caps[idx];
	a->events = NULL;	/* the parent's: never written from here (and no flush at _exit) */
	owners_current = NULL;	/* attribution, names and export are the parent's */
	resolver_current = NULL;
	export_current = NULL;
	memset(&w, 0, sizeof(w));
	w.a = a;
	w.index = idx;
	w.sock = ws->child_sock[idx];
	wcur = &w;
	msgpack_sbuffer_init(&w.flows);
	msgpack_sbuffer_init(&w.closed);
	msgpack_sbuffer_init(&w.names);
	msgpack_sbuffer_init(&w.neighbors);
	msgpack_packer_init(&w.pk_flows, &w.flows, msgpack_sbuffer_write);
	msgpack_packer_init(&w.pk_closed, &w.closed, msgpack_sbuffer_write);
	msgpack_packer_init(&w.pk_names, &w.names, msgpack_sbuffer_write);
	msgpack_packer_init(&w.pk_neighbors, &w.neighbors, msgpack_sbuffer_write);
	names_set_tap(on_worker_name, &w);
	neighbors_set_tap(neighbors_current, on_worker_neighbor, &w);	/* MACs for the details */

	uint32_t share = (a->opt.max_flows + ws->n - 1) / ws->n;
	if (app_worker_tracker(a, share, on_worker_flow_event, &w) < 0) {
		fprintf(stderr, "netlens: worker %u: cannot allocate a table of %u flows\n", idx + 1, share);
		_exit(1);
	}
	if (!(w.sent = calloc(a->tracker.table.cap, sizeof(*w.sent)))) {
		fprintf(stderr, "netlens: worker %u: out of memory\n", idx + 1);
		_exit(1);
	}
	/* A loop of its own: a worker forked again later (a restart) inherits
	 * the parent's default loop with all its watchers. */
	struct ev_loop *loop = ev_loop_new(EVFLAG_AUTO);
	if (!loop)
		_exit(1);
	a->cur = &a->cap;
	unsigned n_caps = 0;
	for (struct capture *c = &a->cap; c && n_caps < OPTIONS_MAX_INTERFACES; c = c->next, n_caps++) {
		w.cap_w[n_caps].w = &w;
		w.cap_w[n_caps].c = c;
		ev_io_init(&w.cap_w[n_caps].io, on_worker_capture, capture_fd(c), EV_READ);
		ev_io_start(loop, &w.cap_w[n_caps].io);
	}
	ev_io_init(&w.sock_w, on_worker_sock, w.sock, EV_READ);
	double every = a->opt.refresh_ms / 1000.0;
	if (every > 1.0)
		every = 1.0;	/* expiry runs each second at least, as with one process */
	ev_timer_init(&w.tick_w, on_worker_tick, every, every);
	w.sock_w.data = w.tick_w.data = &w;
	ev_io_start(loop, &w.sock_w);
	ev_timer_start(loop, &w.tick_w);

	/* A worker reads hostile packets: it gives up what it can, as the
	 * parent does, and needs no file at all. */
	if (!a->opt.no_sandbox) {
		struct sandbox_spec spec = { .no_uid_drop = a->opt.no_uid_drop, .strict = a->opt.sandbox_strict };
		struct sandbox_report rep;
		if (sandbox_apply(&spec, &rep) < 0) {
			fprintf(stderr, "netlens: worker %u: --sandbox-strict: %s; refusing to run\n", idx + 1,
				rep.missing);
			_exit(1);
		}
#ifdef __linux__
		/* A change of uid clears the parent-death signal: again. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != ws->parent)
			_exit(0);
#endif
	}
	ev_run(loop, 0);
	if (w.want_final) {
		/* What the ring holds now belongs in the last snapshot. */
		for (struct capture *c = &a->cap; c; c = c->next) {
			a->cur = c;
			for (int i = 0; i < 64 && capture_dispatch(c, BATCH, app_on_packet, (u_char *)a,
								     err, sizeof(err)) > 0; i++)
				;
		}
		a->cur = &a->cap;
		tracker_advance(&a->tracker, clock_wall_us());
		if (a->dpi_on)
			flow_table_foreach(&a->tracker.table, flush_gaps_cb, &w);
		snapshot(&w, 1);
	} else if (w.exit_code) {
		/* Its capture failed (the interface deleted): what it counted
		 * since its last snapshot is not lost with it. */
		tracker_advance(&a->tracker, clock_wall_us());
		snapshot(&w, 0);
	}
	_exit(w.exit_code);
}

/* Forks worker i on its open handle caps[i]; the parent keeps the socket. */
static int spawn(struct workers *ws, unsigned i, char *err, size_t errlen)
{
	int sv[2];
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
		snprintf(err, errlen, "--workers: socketpair: %s", strerror(errno));
		return -1;
	}
	ws->w[i].sock = sv[0];
	ws->child_sock[i] = sv[1];
	int big = 4 << 20;
	setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	fflush(NULL);	/* nothing buffered is written twice */
	pid_t pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "--workers: fork: %s", strerror(errno));
		close(sv[0]);
		close(sv[1]);
		ws->w[i].sock = ws->child_sock[i] = -1;
		return -1;
	}
	if (pid == 0)
		worker_run(ws->a, ws, i);	/* does not return */
	struct worker *w = &ws->w[i];
	w->pid = pid;
	w->running = 1;
	w->final_seen = 0;
	w->heard_us = clock_mono_us();
	w->silent = 0;
	w->len = 0;
	w->index = i;
	w->ws = ws;
	memset(&w->c, 0, sizeof(w->c));
	close(sv[1]);
	ws->child_sock[i] = -1;
	capture_close(&ws->caps[i]);	/* the worker's alone: the parent is no member */
	return 0;
}

int workers_fork(struct app *a, char *err, size_t errlen)
{
	struct workers *ws = a->workers;
	ws->parent = getpid();
	for (unsigned i = 0; i < ws->n; i++)
		ws->w[i].sock = ws->child_sock[i] = -1;
	for (unsigned i = 0; i < ws->n; i++)
		if (spawn(ws, i, err, errlen) < 0)
			return -1;
	a->cap.p = NULL;	/* == caps[0].p, closed in spawn() */
	a->cap.merged = 1;
	return 0;
}

/* ---- the parent ------------------------------------------------------- */

static void add_counters(struct mirror_counters *to, const struct mirror_counters *c)
{
	const uint64_t *src = (const uint64_t *)(const void *)c;
	uint64_t *dst = (uint64_t *)(void *)to;
	/* every member is a 64-bit counter but peak_flows, which nobody sums */
	for (size_t i = 0; i < offsetof(struct tracker_stats, peak_flows) / sizeof(uint64_t); i++)
		dst[i] += src[i];
	to->tcp.retransmits += c->tcp.retransmits;
	to->tcp.out_of_order += c->tcp.out_of_order;
	to->tcp.fast_retransmits += c->tcp.fast_retransmits;
	to->tcp.dup_acks += c->tcp.dup_acks;
	to->pcap_received += c->pcap_received;
	to->pcap_dropped += c->pcap_dropped;
	to->pcap_ifdropped += c->pcap_ifdropped;
	to->dpi_offered += c->dpi_offered;
	to->dpi_identified += c->dpi_identified;
	to->dpi_malformed += c->dpi_malformed;
	to->dpi_api_errors += c->dpi_api_errors;
	to->dpi_names_noted += c->dpi_names_noted;
	to->dpi_stream_capped += c->dpi_stream_capped;
	to->dpi_stream_consumed += c->dpi_stream_consumed;
	to->dpi_stream_gaps += c->dpi_stream_gaps;
}

/* The parent's packet-level counters, tcp totals and capture statistics:
 * the workers' latest plus what dead ones had counted. Its flow counters
 * (flows_created and on) are its own. */
static void sum_counters(struct workers *ws)
{
	struct app *a = ws->a;
	struct mirror_counters total = ws->retired;
	for (unsigned i = 0; i < ws->n; i++)
		add_counters(&total, &ws->w[i].c);
	memcpy(&a->tracker.stats.packets, &total.stats.packets,
	       offsetof(struct tracker_stats, flows_created) - offsetof(struct tracker_stats, packets));
	a->tracker.tcp = total.tcp;
	a->cap.merged_stats.ps_recv = (u_int)total.pcap_received;
	a->cap.merged_stats.ps_drop = (u_int)total.pcap_dropped;
	a->cap.merged_stats.ps_ifdrop = (u_int)total.pcap_ifdropped;
	a->cap.packets = total.stats.packets;
	/* the dissectors run in the workers (flows_with_results: the parent's
	 * table, counted as results are imported) */
	a->dpi.stats.offered = total.dpi_offered;
	a->dpi.stats.identified = total.dpi_identified;
	a->dpi.stats.malformed = total.dpi_malformed;
	a->dpi.stats.api_errors = total.dpi_api_errors;
	a->dpi.stats.names_noted = total.dpi_names_noted;
	a->dpi.stats.stream_capped = total.dpi_stream_capped;
	a->dpi.stats.stream_consumed = total.dpi_stream_consumed;
	a->dpi.stats.stream_gaps = total.dpi_stream_gaps;
}

static void sink_counters(void *ctx, unsigned worker, uint64_t now_us, const struct mirror_counters *c)
{
	struct worker *w = ctx;
	(void)worker;
	(void)now_us;
	w->c = *c;
	sum_counters(w->ws);
}

static void sink_flow(void *ctx, unsigned worker, const struct flow *src, const struct dpi_results *res)
{
	struct worker *w = ctx;
	(void)worker;	/* the socket says who it is, not the message */
	tracker_mirror_flow(&w->ws->a->tracker, src, res, w->index);
}

static void sink_closed(void *ctx, unsigned worker, const struct flow *src, const struct dpi_results *res,
			enum close_reason why)
{
	struct worker *w = ctx;
	(void)worker;
	tracker_mirror_close(&w->ws->a->tracker, src, res, why, w->index);
}

static void sink_name(void *ctx, int family, const uint8_t *addr, const char *name, size_t len,
		      uint32_t ttl_s)
{
	(void)ctx;
	names_note_ttl(names_current, family, addr, name, len, ttl_s, clock_wall_us());
}

static void sink_neighbor(void *ctx, int family, const uint8_t *addr, const uint8_t mac[6],
			  uint64_t seen_us)
{
	(void)ctx;
	neighbors_note(neighbors_current, family, addr, mac, seen_us);
}

static void sink_final(void *ctx, unsigned worker)
{
	struct worker *w = ctx;
	(void)worker;
	w->final_seen = 1;
}

static void notice(struct app *a, const char *msg)
{
	log_msg(LOG_WARN, "%s", msg);
	if (a->opt.headless)
		fprintf(stderr, "netlens: %s\n", msg);
	else
		tui_notice(msg);
}

static void close_sock(struct worker *w)
{
	if (w->sock < 0)
		return;
	if (w->ws->a->loop)
		ev_io_stop(w->ws->a->loop, &w->io);
	close(w->sock);
	w->sock = -1;
}

/* Reads what is there and applies every whole frame. 0 at end of stream. */
static int drain(struct worker *w)
{
	for (;;) {
		if (w->cap - w->len < 65536) {
			size_t cap = w->cap ? w->cap * 2 : 262144;
			if (cap > 4 + MIRROR_MAX_MESSAGE + 65536)
				cap = 4 + MIRROR_MAX_MESSAGE + 65536;
			if (cap > w->cap) {
				uint8_t *nb = realloc(w->buf, cap);
				if (!nb)
					return -1;
				w->buf = nb;
				w->cap = cap;
			}
		}
		ssize_t n = read(w->sock, w->buf + w->len, w->cap - w->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 1;
		if (n <= 0)
			return 0;
		w->len += (size_t)n;
		size_t off = 0;
		while (w->len - off >= 4) {
			const uint8_t *p = w->buf + off;
			size_t fl = (size_t)p[0] << 24 | (size_t)p[1] << 16 | (size_t)p[2] << 8 | p[3];
			if (fl > MIRROR_MAX_MESSAGE)
				return -1;
			if (w->len - off - 4 < fl)
				break;
			const char *why = NULL;
			struct mirror_sink sink = { w, sink_counters, sink_flow, sink_closed, sink_name,
						    sink_final, sink_neighbor };
			w->heard_us = clock_mono_us();
			if (w->silent) {
				char m[80];
				w->silent = 0;
				snprintf(m, sizeof(m), "worker %u sends its snapshots again", w->index + 1);
				notice(w->ws->a, m);
			}
			if (mirror_decode(p + 4, fl, &sink, &why) < 0) {
				char m[160];
				snprintf(m, sizeof(m), "worker %u sent a bad snapshot (%s): stopping it",
					 w->index + 1, why ? why : "?");
				notice(w->ws->a, m);
				return -1;
			}
			off += 4 + fl;
		}
		if (off) {
			memmove(w->buf, w->buf + off, w->len - off);
			w->len -= off;
		}
	}
}

static void on_sock(struct ev_loop *loop, ev_io *io, int revents)
{
	struct worker *w = io->data;
	(void)loop;
	(void)revents;
	int rc = drain(w);
	if (rc <= 0) {
		if (rc < 0 && w->running)
			kill(w->pid, SIGKILL);	/* a worker that lies is not listened to again */
		close_sock(w);
	}
}

static void on_child(struct ev_loop *loop, ev_child *cw, int revents);

static void watch_one(struct workers *ws, unsigned i)
{
	struct worker *w = &ws->w[i];
	fcntl(w->sock, F_SETFL, fcntl(w->sock, F_GETFL) | O_NONBLOCK);
	ev_io_init(&w->io, on_sock, w->sock, EV_READ);
	w->io.data = w;
	ev_io_start(ws->a->loop, &w->io);
	ev_child_init(&w->child, on_child, w->pid, 0);
	w->child.data = w;
	ev_child_start(ws->a->loop, &w->child);
}

/* A new worker in the place of a dead one, when netlens may still open a
 * capture (--no-sandbox as root, or capabilities kept) and it has not
 * died too often. Returns 0 with the new pid, or -1 with why. */
static int restart(struct workers *ws, struct worker *w, char *why, size_t whylen)
{
#ifdef __linux__
	uint64_t now = clock_wall_us();
	if (now - w->restart_window_us > 60000000ull) {
		w->restart_window_us = now;
		w->restarts = 0;
	}
	if (w->restarts >= RESTARTS_PER_MINUTE) {
		snprintf(why, whylen, "it died %u times within a minute", w->restarts);
		return -1;
	}
	char err[256];
	if (open_member(ws, w->index, err, sizeof(err)) < 0) {
		if (!strncmp(err, "no permission", 13))
			snprintf(why, whylen, "capturing needs privileges netlens has given up; "
				 "--no-sandbox keeps them");
		else
			snprintf(why, whylen, "%s", err);
		return -1;
	}
	if (spawn(ws, w->index, err, sizeof(err)) < 0) {
		capture_close(&ws->caps[w->index]);
		snprintf(why, whylen, "%s", err);
		return -1;
	}
	w->restarts++;
	watch_one(ws, w->index);
	return 0;
#else
	(void)ws; (void)w;
	snprintf(why, whylen, "no PACKET_FANOUT");
	return -1;
#endif
}

static void on_child(struct ev_loop *loop, ev_child *cw, int revents)
{
	struct worker *w = cw->data;
	struct workers *ws = w->ws;
	struct app *a = ws->a;
	char m[512], how[64], why[256];
	(void)revents;
	ev_child_stop(loop, cw);
	w->running = 0;
	if (w->sock >= 0 && drain(w) >= 0) { /* what it sent before it went */ }
	close_sock(w);
	int st = cw->rstatus;
	pid_t old = w->pid;
	if (WIFSIGNALED(st))
		snprintf(how, sizeof(how), "was killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
	else
		snprintf(how, sizeof(how), "exited with status %d", WEXITSTATUS(st));
	add_counters(&ws->retired, &w->c);	/* its packets stay counted */
	memset(&w->c, 0, sizeof(w->c));
	uint32_t closed = tracker_mirror_drop_worker(&a->tracker, w->index);
	int again = restart(ws, w, why, sizeof(why)) == 0;
	unsigned left = workers_running(ws);
	const char *flows = closed == 1 ? "flow is" : "flows are";
	if (again)
		snprintf(m, sizeof(m), "capture worker %u (pid %d) %s; its %u %s closed; "
			 "restarted as pid %d", w->index + 1, (int)old, how, closed, flows, (int)w->pid);
	else
		snprintf(m, sizeof(m), "capture worker %u (pid %d) %s; its %u %s closed; %u of %u "
			 "workers left (not restarted: %s)", w->index + 1, (int)old, how, closed, flows, left,
			 ws->n, why);
	notice(a, m);
	sum_counters(ws);
	if (!left) {
		if (a->opt.headless)
			fprintf(stderr, "netlens: every capture worker has stopped\n");
		a->exit_code = 1;
		ev_break(loop, EVBREAK_ALL);
	}
	if (!a->opt.headless)
		tui_tick(a);
}

void workers_watch(struct app *a)
{
	struct workers *ws = a->workers;
	for (unsigned i = 0; i < ws->n; i++)
		watch_one(ws, i);
	log_msg(LOG_INFO, "%u capture workers on %s (PACKET_FANOUT, hash)", ws->n, capture_label(&a->cap));
}

int workers_set_filter(struct workers *ws, const char *expr, char *err, size_t errlen)
{
	size_t len = strlen(expr);
	if (len > WORKER_FILTER_MAX) {
		snprintf(err, errlen, "capture filter too long");
		return -1;
	}
	uint8_t msg[3 + WORKER_FILTER_MAX];
	msg[0] = 'B';
	msg[1] = (uint8_t)(len >> 8);
	msg[2] = (uint8_t)len;
	memcpy(msg + 3, expr, len);
	/* A worker that cannot be told is gone: it restarts with the filter
	 * in force (open_member). */
	for (unsigned i = 0; i < ws->n; i++)
		if (ws->w[i].sock >= 0 && ws->w[i].running && write_all(ws->w[i].sock, msg, 3 + len) < 0)
			close_sock(&ws->w[i]);
	return 0;
}

void workers_finish(struct app *a)
{
	struct workers *ws = a->workers;
	if (!ws)
		return;
	for (unsigned i = 0; i < ws->n; i++)
		if (ws->w[i].sock >= 0 && ws->w[i].running && write(ws->w[i].sock, "F", 1) != 1)
			close_sock(&ws->w[i]);
	uint64_t until = clock_wall_us() + FINISH_WAIT_MS * 1000ull;
	for (;;) {
		struct pollfd pf[WORKERS_MAX];
		struct worker *who[WORKERS_MAX];
		unsigned n = 0;
		for (unsigned i = 0; i < ws->n; i++)
			if (ws->w[i].sock >= 0 && !ws->w[i].final_seen) {
				pf[n].fd = ws->w[i].sock;
				pf[n].events = POLLIN;
				who[n++] = &ws->w[i];
			}
		uint64_t now = clock_wall_us();
		if (!n || now >= until)
			break;
		if (poll(pf, n, (int)((until - now) / 1000) + 1) <= 0)
			continue;
		for (unsigned i = 0; i < n; i++)
			if (pf[i].revents && drain(who[i]) <= 0)
				close_sock(who[i]);
	}
	for (unsigned i = 0; i < ws->n; i++) {
		struct worker *w = &ws->w[i];
		close_sock(w);	/* end of stream: the worker exits */
		if (a->loop)
			ev_child_stop(a->loop, &w->child);
	}
	for (unsigned i = 0; i < ws->n; i++) {
		struct worker *w = &ws->w[i];
		if (!w->running)
			continue;
		int st;
		for (int t = 0; t < 100 && waitpid(w->pid, &st, WNOHANG) == 0; t++)
			usleep(10000);
		if (waitpid(w->pid, &st, WNOHANG) == 0) {
			/* Stopped or hung. The kill may be refused (the sandbox's
			 * signal scope): then it dies with us (PDEATHSIG), and the
			 * exit does not wait for it. */
			int killed = kill(w->pid, SIGKILL) == 0, gone = 0;
			for (int t = 0; t < 100 && !(gone = waitpid(w->pid, &st, WNOHANG) != 0); t++)
				usleep(10000);
			if (!gone)
				log_msg(LOG_WARN, "worker %u (pid %d) did not end%s", w->index + 1, (int)w->pid,
					killed ? "" : " (not ours to kill): it ends with netlens");
		}
		w->running = 0;
	}
}

void workers_free(struct workers *ws)
{
	if (!ws)
		return;
	for (unsigned i = 0; i < ws->n; i++)
		capture_close(&ws->caps[i]);	/* opened, never handed to a worker */
	for (unsigned i = 0; i < ws->n; i++) {
		if (ws->w[i].sock >= 0)
			close(ws->w[i].sock);
		free(ws->w[i].buf);
	}
	free(ws);
}

void workers_tick(struct workers *ws)
{
	if (!ws)
		return;
	const uint64_t now = clock_mono_us();
	uint64_t quiet = 4u * (uint64_t)ws->a->opt.refresh_ms * 1000u;
	if (quiet < 2 * WORKER_ALIVE_US + 5000000u)
		quiet = 2 * WORKER_ALIVE_US + 5000000u;	/* an idle one's message twice missed */
	for (unsigned i = 0; i < ws->n; i++) {
		struct worker *w = &ws->w[i];
		if (!w->running || w->sock < 0 || w->silent || now - w->heard_us < quiet)
			continue;
		char m[160];
		w->silent = 1;
		snprintf(m, sizeof(m), "worker %u has sent nothing for %llu s (stopped or hung): the "
			 "flows it captures are not shown", i + 1, (unsigned long long)((now - w->heard_us) / 1000000u));
		notice(ws->a, m);
	}
}

unsigned workers_running(const struct workers *ws)
{
	unsigned n = 0;
	for (unsigned i = 0; ws && i < ws->n; i++)
		n += ws->w[i].running;
	return n;
}

unsigned workers_count(const struct workers *ws) { return ws ? ws->n : 0; }

unsigned long long workers_packets(const struct workers *ws, unsigned i)
{
	return ws && i < ws->n ? (unsigned long long)ws->w[i].c.stats.packets : 0;
}
