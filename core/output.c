/* output.c - headless output. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ev.h>

#include "app.h"
#include "clock.h"
#include "export.h"
#include "lifecycle.h"
#include "msgpack_out.h"
#include "output.h"
#include "owners.h"
#include "resolver.h"
#include "platform/platform.h"
#include "record.h"
#include "strbuf.h"
#include "workers.h"

#define OUT_FLUSH_AT (256 * 1024)

static int stdout_failed;

int output_failed(void) { return stdout_failed; }

static void out_write(struct strbuf *b, int force)
{
	if (b->len < OUT_FLUSH_AT && !force)
		return;
	size_t off = 0;
	while (!stdout_failed && off < b->len) {
		ssize_t n = write(STDOUT_FILENO, b->buf + off, b->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (errno != EPIPE)
				fprintf(stderr, "netlens: writing output: %s\n", strerror(errno));
			stdout_failed = 1;
			break;
		}
		off += (size_t)n;
	}
	sb_reset(b);
}

static void emit_flow(struct app *a, struct strbuf *b, const struct flow *f, uint64_t now_us,
		      int width)
{
	if (a->opt.format == FORMAT_JSON) {
		record_json(b, f, now_us, NULL, NULL);
		sb_putc(b, '\n');
	} else if (a->opt.format == FORMAT_MSGPACK) {
		static struct strbuf json;	/* reused: one record at a time */
		sb_reset(&json);
		record_json(&json, f, now_us, NULL, NULL);
		if (msgpack_from_json(json.buf, json.len, b) < 0)
			fprintf(stderr, "netlens: a record could not be encoded as msgpack\n");
	} else {
		record_text_row(b, f, now_us, width);
	}
	out_write(b, 0);
}

/* A flow to print: its creation serial and where it lives. */
struct pick {
	uint32_t id;
	uint32_t where;		/* slab index, or HIST | history index */
};
#define HIST 0x80000000u

struct collect { struct pick *v; size_t n; const struct flow_table *table; };

static int hide_own_queries;	/* netlens' reverse-DNS queries, unless --show-ptr-lookups */

static void collect_cb(struct flow *f, void *ctx)
{
	struct collect *c = ctx;
	if (hide_own_queries && resolver_is_own_flow(resolver_current, f))
		return;
	c->v[c->n].id = f->id;
	c->v[c->n].where = flow_index(c->table, f);
	c->n++;
}

static int by_id(const void *x, const void *y)
{
	const struct pick *a = x, *b = y;
	return a->id < b->id ? -1 : a->id > b->id;
}

/* Orders picks by creation serial. Serials are unique and nearly dense, so
 * placing each at (id - lo) is linear; fall back to qsort when sparse. */
static void sort_by_id(struct collect *c)
{
	if (c->n < 2)
		return;
	uint32_t lo = UINT32_MAX, hi = 0;
	for (size_t i = 0; i < c->n; i++) {
		if (c->v[i].id < lo)
			lo = c->v[i].id;
		if (c->v[i].id > hi)
			hi = c->v[i].id;
	}
	size_t span = (size_t)(hi - lo) + 1;
	uint32_t *slot = span <= 4 * c->n ? malloc(span * sizeof(*slot)) : NULL;
	if (!slot) {
		qsort(c->v, c->n, sizeof(*c->v), by_id);
		return;
	}
	memset(slot, 0xff, span * sizeof(*slot));
	for (size_t i = 0; i < c->n; i++)
		slot[c->v[i].id - lo] = c->v[i].where;
	size_t w = 0;
	for (size_t i = 0; i < span; i++)
		if (slot[i] != UINT32_MAX) {
			c->v[w].id = lo + (uint32_t)i;
			c->v[w].where = slot[i];
			w++;
		}
	free(slot);
}

static const struct flow *pick_flow(struct tracker *t, const struct pick *p)
{
	if (p->where & HIST)
		return history_get(&t->history, p->where & ~HIST);
	return flow_at(&t->table, p->where);
}

/* Collects the flows to print (history first when asked), by first packet.
 * Returns 0, or -1 when out of memory (said on stderr). */
static int collect_flows(struct app *a, int with_history, struct collect *c)
{
	struct tracker *t = &a->tracker;
	size_t cap = t->table.count + (with_history ? t->history.count : 0);
	c->v = calloc(cap ? cap : 1, sizeof(*c->v));
	c->n = 0;
	c->table = &t->table;
	if (!c->v) {
		fprintf(stderr, "netlens: out of memory printing %zu flows\n", cap);
		return -1;
	}
	if (with_history)
		for (uint32_t i = 0; i < t->history.count; i++) {
			c->v[c->n].id = history_id(&t->history, i);
			c->v[c->n].where = HIST | i;
			c->n++;
		}
	hide_own_queries = !a->opt.show_ptr_lookups;
	/* The slab in address order (a stream the CPU prefetches), not the
	 * hash chains (a dependent load per flow). */
	for (uint32_t i = 0; i < t->table.used_hi; i++)
		if (flow_table_holds(&t->table, i))
			collect_cb(flow_at(&t->table, i), c);
	sort_by_id(c);
	return 0;
}

static void put_header(struct app *a, struct strbuf *b, uint64_t now_us, int width)
{
	struct tracker *t = &a->tracker;
	if (a->opt.format != FORMAT_TEXT)
		return;
	if (!a->cap.offline) {
		sb_puts(b, "-- ");
		record_time(b, now_us);
		sb_printf(b, " -- %s -- %u flows -- down %.0f B/s, up %.0f B/s\n", capture_label(&a->cap),
			  t->table.count, rate64_get(&t->traffic, now_us, DIR_REV),
			  rate64_get(&t->traffic, now_us, DIR_FWD));
	}
	record_text_header(b, width);
}

static void put_footer(struct app *a, struct strbuf *b)
{
	if (a->opt.format == FORMAT_TEXT && !a->cap.offline)
		sb_putc(b, '\n');
	out_write(b, 1);
}

/*
 * A live snapshot is written a slice at a time: the refresh timer collects
 * the flows (a pass over the table and a linear sort), then an ev_check
 * watcher formats them for at most OUT_SLICE_US (or OUT_SLICE_FLOWS flows)
 * per loop pass, so capture
 * runs between slices. Printing 20 000 flows in one callback took longer
 * than a 4 MiB ring holds at 100 kpps, and the kernel dropped packets
 * (doc/performance.md). An ev_idle watcher keeps the loop from blocking
 * while a snapshot is unfinished; ev_check runs on every pass, so a busy
 * capture fd cannot starve the output.
 *
 * A flow may end between two slices: each pick is checked to be still in
 * the table (its slot not freed, with the same serial) before it is read,
 * and skipped otherwise. A refresh that comes while a
 * snapshot is still being written is skipped and counted.
 */
#define OUT_SLICE_US 2000	/* per loop pass; ~180 KiB of a 4 MiB ring at 100 kpps */
#define OUT_SLICE_FLOWS 512	/* and at most this many flows per pass */
#define OUT_CLOCK_EVERY 32	/* flows between clock reads */

/* A snapshot being written: the live one (sliced, `job`), or one printed
 * at once (files at their end, the state at exit). */
struct out_job {
	struct app *a;
	struct collect c;
	size_t next;		/* next pick to measure or print */
	int measuring;		/* text: still finding the column width */
	int width;
	int sliced;		/* flows may end between slices: check each pick */
	uint64_t now_us;
	struct strbuf b;
};

static struct {
	struct out_job j;
	int active;
	ev_check check_w;
	ev_idle idle_w;
} live;

static uint64_t snapshots_skipped, snapshot_slices;

uint64_t output_snapshots_skipped(void) { return snapshots_skipped; }

/* The pick's flow if it is still the one collected (its slot holds a flow,
 * with the same serial: a freed slot is marked, a reused one has a new
 * serial), else NULL. */
static const struct flow *live_flow(struct flow_table *t, const struct pick *p)
{
	if (!flow_table_holds(t, p->where))
		return NULL;
	struct flow *f = flow_at(t, p->where);
	return f->id == p->id ? f : NULL;
}

/* Collects the flows and writes what comes before them. 0, or -1. */
static int job_start(struct out_job *j, struct app *a, int with_history, uint64_t now_us, int sliced)
{
	if (collect_flows(a, with_history, &j->c) < 0)
		return -1;
	j->a = a;
	j->now_us = now_us;
	j->next = 0;
	j->width = 21;	/* "255.255.255.255:65535" */
	j->sliced = sliced;
	j->measuring = a->opt.format == FORMAT_TEXT && j->c.n > 0;
	sb_init(&j->b);
	if (!j->measuring)
		put_header(a, &j->b, now_us, j->width);
	return 0;
}

static void job_free(struct out_job *j)
{
	free(j->c.v);
	j->c.v = NULL;
	sb_free(&j->b);
}

/* The flow a pick names, for a prefetch only (it may have been replaced
 * since: a wasted load, no harm), or NULL: a history entry (rebuilt, not
 * read in place) or a freed slot. */
static const struct flow *pick_peek(struct tracker *t, const struct pick *p)
{
	if ((p->where & HIST) || !flow_table_holds(&t->table, p->where))
		return NULL;
	return flow_at(&t->table, p->where);
}

/* A record reads the flow's three cache lines, then its DPI state and
 * records, each found through the one before: scattered loads that
 * miss the cache when thousands of flows are printed. Start them a few
 * picks ahead, one link per pick, so each is there when it is read. */
#define PREFETCH_FLOW_AHEAD 4
static void prefetch_ahead(struct out_job *j)
{
	struct tracker *t = &j->a->tracker;
	size_t n = j->c.n, i = j->next;
	const struct flow *f;
	if (i + PREFETCH_FLOW_AHEAD < n && (f = pick_peek(t, &j->c.v[i + PREFETCH_FLOW_AHEAD]))) {
		const char *line = (const char *)f;
		__builtin_prefetch(line);
		__builtin_prefetch(line + 64);
		__builtin_prefetch(line + 128);
	}
	for (int stage = 0; stage < 2; stage++) {
		size_t k = i + PREFETCH_FLOW_AHEAD - 1 - (size_t)stage;
		if (k < n && (f = pick_peek(t, &j->c.v[k])))
			dpi_prefetch(dpi_current, f->dpi, stage);
	}
}

/* Works on the snapshot until it is done or `budget_us` has passed (0: no
 * limit). Returns 1 when done. */
static int job_run(struct out_job *j, uint64_t budget_us)
{
	struct app *a = j->a;
	struct tracker *t = &a->tracker;
	uint64_t start = budget_us ? clock_mono_us() : 0;
	uint64_t now_us = j->now_us;	/* every record of a snapshot has its time */
	unsigned since_clock = 0, done = 0;
	while (j->next < j->c.n && !stdout_failed) {
		prefetch_ahead(j);
		const struct pick *p = &j->c.v[j->next++];
		const struct flow *f = j->sliced ? live_flow(&t->table, p) : pick_flow(t, p);
		if (f && j->measuring) {
			int w = record_text_width(f);
			if (w > j->width)
				j->width = w;
		} else if (f) {
			emit_flow(a, &j->b, f, now_us, j->width);
		}
		if (j->measuring && j->next == j->c.n) {
			j->measuring = 0;
			j->next = 0;
			put_header(a, &j->b, now_us, j->width);
		}
		if (!budget_us)
			continue;
		if (++done == OUT_SLICE_FLOWS)
			return 0;
		if (++since_clock == OUT_CLOCK_EVERY) {
			since_clock = 0;
			if (clock_mono_us() - start >= budget_us)
				return 0;
		}
	}
	put_footer(a, &j->b);
	return 1;
}

/* Everything at once: files at their end, and the state at exit. */
static void print_flows(struct app *a, int with_history, uint64_t now_us)
{
	struct out_job j;
	if (job_start(&j, a, with_history, now_us, 0) < 0)
		return;
	job_run(&j, 0);
	job_free(&j);
}

static void live_stop(void)
{
	if (!live.active)
		return;
	ev_check_stop(live.j.a->loop, &live.check_w);
	ev_idle_stop(live.j.a->loop, &live.idle_w);
	job_free(&live.j);
	live.active = 0;
}

static void on_slice(struct ev_loop *loop, ev_check *w, int revents)
{
	(void)loop, (void)w, (void)revents;
	snapshot_slices++;
	if (job_run(&live.j, OUT_SLICE_US))
		live_stop();
}

static void on_idle(struct ev_loop *loop, ev_idle *w, int revents)
{
	(void)loop, (void)w, (void)revents;	/* only keeps the loop from blocking */
}

int output_snapshot_begin(struct app *a, uint64_t now_us)
{
	if (live.active) {
		snapshots_skipped++;
		return 0;
	}
	if (job_start(&live.j, a, 0, now_us, 1) < 0)
		return 0;
	live.active = 1;
	ev_check_init(&live.check_w, on_slice);
	ev_idle_init(&live.idle_w, on_idle);
	ev_check_start(a->loop, &live.check_w);
	ev_idle_start(a->loop, &live.idle_w);
	return 1;
}

void output_snapshot_drop(void) { live_stop(); }

void output_snapshot_finish(void)
{
	if (live.active) {
		job_run(&live.j, 0);
		live_stop();
	}
}

void output_snapshot(struct app *a, uint64_t now_us)
{
	output_snapshot_finish();	/* one snapshot at a time on stdout */
	print_flows(a, 0, now_us);
}

void output_all(struct app *a)
{
	output_snapshot_finish();
	print_flows(a, 1, a->tracker.now_us);
}

static void count_open_cb(struct flow *f, void *ctx)
{
	if (!flow_is_over(f))
		(*(uint32_t *)ctx)++;
}

void output_summary(struct app *a)
{
	const struct tracker_stats *s = &a->tracker.stats;
	struct tracker *t = &a->tracker;
	uint32_t open = 0;
	flow_table_foreach(&t->table, count_open_cb, &open);
	fprintf(stderr,
		"netlens: %s: %llu packets, %llu bytes, %llu flows (%u open), %llu unsupported, "
		"%llu malformed, %llu truncated, %llu evicted; %.0f bytes per flow\n",
		capture_label(&a->cap), (unsigned long long)s->packets, (unsigned long long)s->bytes,
		(unsigned long long)s->flows_created, open,
		(unsigned long long)(s->unsupported_link + s->not_ip),
		(unsigned long long)s->malformed, (unsigned long long)s->truncated,
		(unsigned long long)s->flows_evicted, tracker_bytes_per_flow(t));
	if (owners_from_capture(owners_current)) {
		const struct owners_stats *os = owners_stats(owners_current);
		fprintf(stderr, "netlens: process attribution: from the capture's PKTAP headers; flows "
			"matched %llu, unmatched lookups %llu, pids reused %llu\n",
			(unsigned long long)os->hits, (unsigned long long)os->misses,
			(unsigned long long)os->pids_reused);
	} else if (owners_current) {
		const struct owners_stats *os = owners_stats(owners_current);
		const char *tier = owners_ebpf_tier(owners_current);
		fprintf(stderr, "netlens: process attribution: %s%s%s%s; %llu procfs scans (last %.1f ms, "
			"average %.1f ms), %llu eBPF events, flows matched %llu, unmatched lookups %llu, "
			"pids reused %llu\n",
			owners_active_method(owners_current), tier[0] ? " (" : "", tier, tier[0] ? ")" : "",
			(unsigned long long)os->scans,
			os->last_scan_us / 1000.0, os->scans ? os->scan_us_total / 1000.0 / (double)os->scans : 0,
			(unsigned long long)os->events, (unsigned long long)os->hits,
			(unsigned long long)os->misses, (unsigned long long)os->pids_reused);
	}
	if (export_current) {
		char line[1024];
		export_summary(export_current, line, sizeof(line));
		fprintf(stderr, "netlens: %s\n", line);
	}
	if (a->sandbox.text[0])
		fprintf(stderr, "netlens: sandbox: %s\n", a->sandbox.text);
	if (a->sandbox.missing[0])
		fprintf(stderr, "netlens: sandbox: not applied: %s\n", a->sandbox.missing);
	if (t->history.dropped && a->cap.offline)
		fprintf(stderr, "netlens: %llu closed flows were not kept (--history %u); raise "
			"--history to list them all\n", (unsigned long long)t->history.dropped,
			t->history.cap);
}

void output_stats(struct app *a)
{
	const struct tracker_stats *s = &a->tracker.stats;
	const struct tracker *t = &a->tracker;
	struct tcp_totals act;
	uint32_t tcp_open;
	tracker_tcp_active(&a->tracker, &act, &tcp_open);
	fprintf(stderr,
		"netlens: stats: packets=%llu bytes=%llu tracked_packets=%llu tcp_packets=%llu "
		"udp_packets=%llu icmp_packets=%llu icmpv6_packets=%llu arp_packets=%llu "
		"other_ip_packets=%llu not_ip=%llu unsupported_link=%llu truncated=%llu "
		"malformed=%llu loopback_skipped=%llu late_teardown=%llu fragments_pending=%llu "
		"fragments_orphaned=%llu icmp_errors_noted=%llu flows_created=%llu flows_closed=%llu "
		"flows_evicted=%llu active_flows=%u peak_flows=%u max_flows=%u history=%u "
		"history_dropped=%llu tcp_flows=%u retransmits=%llu/%llu out_of_order=%llu/%llu "
		"fast_retransmits=%llu/%llu rate_down=%.0f rate_up=%.0f bytes_per_flow=%.1f",
		(unsigned long long)s->packets, (unsigned long long)s->bytes,
		(unsigned long long)s->tracked_packets,
		(unsigned long long)s->by_proto_packets[L4_TCP],
		(unsigned long long)s->by_proto_packets[L4_UDP],
		(unsigned long long)s->by_proto_packets[L4_ICMP],
		(unsigned long long)s->by_proto_packets[L4_ICMPV6],
		(unsigned long long)s->by_proto_packets[L4_ARP],
		(unsigned long long)s->by_proto_packets[L4_OTHER_IP],
		(unsigned long long)s->not_ip, (unsigned long long)s->unsupported_link,
		(unsigned long long)s->truncated, (unsigned long long)s->malformed,
		(unsigned long long)s->loopback_skipped, (unsigned long long)s->late_teardown,
		(unsigned long long)s->fragments_pending, (unsigned long long)t->frags.orphans,
		(unsigned long long)s->icmp_errors_noted, (unsigned long long)s->flows_created,
		(unsigned long long)s->flows_closed, (unsigned long long)s->flows_evicted,
		t->table.count, s->peak_flows, t->table.cap, t->history.count,
		(unsigned long long)t->history.dropped, tcp_open,
		(unsigned long long)act.retransmits, (unsigned long long)t->tcp.retransmits,
		(unsigned long long)act.out_of_order, (unsigned long long)t->tcp.out_of_order,
		(unsigned long long)act.fast_retransmits, (unsigned long long)t->tcp.fast_retransmits,
		rate64_get(&t->traffic, t->now_us, DIR_REV), rate64_get(&t->traffic, t->now_us, DIR_FWD),
		tracker_bytes_per_flow(t));
	if (a->opt.headless && !a->cap.offline)
		fprintf(stderr, " snapshots=%llu snapshot_slices=%llu snapshots_skipped=%llu",
			(unsigned long long)a->snapshots, (unsigned long long)snapshot_slices,
			(unsigned long long)snapshots_skipped);
	if (a->dpi_on) {
		const struct dpi_stats *d = &a->dpi.stats;
		unsigned on = 0;
		for (unsigned i = 0; i < a->dpi.set.n; i++)
			on += !a->dpi.set.v[i].disabled;
		fprintf(stderr, " dissectors=%u dpi_offered=%llu dpi_identified=%llu dpi_malformed=%llu "
			"dpi_api_errors=%llu dpi_results=%llu dpi_names=%llu dpi_stream_bytes=%zu "
			"dpi_stream_capped=%llu dpi_stream_consumed=%llu dpi_stream_gaps=%llu", on,
			(unsigned long long)d->offered, (unsigned long long)d->identified,
			(unsigned long long)d->malformed, (unsigned long long)d->api_errors,
			(unsigned long long)d->flows_with_results, (unsigned long long)d->names_noted,
			a->dpi.stream_bytes, (unsigned long long)d->stream_capped,
			(unsigned long long)d->stream_consumed, (unsigned long long)d->stream_gaps);
	}
	if (a->workers) {	/* how the kernel's fanout spread the packets */
		fprintf(stderr, " workers=%u workers_running=%u worker_packets=", workers_count(a->workers),
			workers_running(a->workers));
		for (unsigned i = 0; i < workers_count(a->workers); i++)
			fprintf(stderr, "%s%llu", i ? "," : "",
				(unsigned long long)workers_packets(a->workers, i));
	}
	fputc('\n', stderr);
}
