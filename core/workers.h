/*
 * workers.h - --workers N: per-core capture processes (ARCHITECTURE §7).
 *
 * After the privileged set-up the parent opens N capture handles on the
 * interface, joins them to one PACKET_FANOUT group (hash of the flow, both
 * directions alike, IP fragments reassembled first) and forks N workers,
 * each with one handle, its own libev loop, tracker and dissectors, and a
 * socketpair to the parent. Every refresh a worker sends the flows that
 * changed, those that closed and the names it saw (mirror.h); the parent
 * keeps them in its own table, so the UI, output, event log, process
 * attribution, reverse DNS and export work as with one process. A worker
 * that dies is reported once and its flows are closed; the others go on.
 */
#ifndef NETLENS_WORKERS_H
#define NETLENS_WORKERS_H

#include <stddef.h>

struct app;
struct workers;

/* Live, a->opt.workers > 1, a->cap open: opens the other handles and joins
 * them all to one fanout group. Returns 0, or -1 with err set. */
int workers_open(struct app *a, char *err, size_t errlen);

/* Forks the workers (the dissectors are loaded by now). Each child runs its
 * capture and never returns from here. The parent keeps no handle: its
 * a->cap keeps the name and link type for messages. Returns 0 or -1. */
int workers_fork(struct app *a, char *err, size_t errlen);

/* Parent, once a->loop and a->tracker exist: watch the workers. */
void workers_watch(struct app *a);

/* Parent, the UI's f: every worker applies expr (already checked against
 * the link type; "" = every packet); a worker started later gets it too.
 * Returns 0, or -1 with err set. */
#define WORKER_FILTER_MAX 1024
int workers_set_filter(struct workers *w, const char *expr, char *err, size_t errlen);

/* Parent at exit: each worker's last snapshot, then they stop. */
void workers_finish(struct app *a);

void workers_free(struct workers *w);

/* Workers still running. */
/* Says once when a running worker has sent no snapshot for a while (a
 * stopped or hung one: its share of the traffic is not shown), and
 * again when it sends. Called from the lifecycle pass. */
void workers_tick(struct workers *w);
unsigned workers_running(const struct workers *w);
unsigned workers_count(const struct workers *w);
/* Packets worker i reported (its last snapshot). */
unsigned long long workers_packets(const struct workers *w, unsigned i);

#endif
