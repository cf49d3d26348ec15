/* output.h - headless output: flow tables as text or JSON Lines on stdout,
 * summaries and statistics on stderr. */
#ifndef NETLENS_OUTPUT_H
#define NETLENS_OUTPUT_H

#include <stdint.h>

struct app;

/* Live: the current flows, in order of first packet, all at once. */
void output_snapshot(struct app *a, uint64_t now_us);
/* Live, from the refresh timer: starts the same snapshot, written a slice
 * per loop pass so capture goes on meanwhile. Returns 1 if started, 0 when
 * the previous one is still being written (this one is skipped, counted). */
int output_snapshot_begin(struct app *a, uint64_t now_us);
/* Writes the rest of an unfinished snapshot now (before exit). */
void output_snapshot_finish(void);
/* Forgets an unfinished snapshot without writing it (cleanup). */
void output_snapshot_drop(void);
uint64_t output_snapshots_skipped(void);
/* Files: every flow the file contained (history + open), by first packet. */
void output_all(struct app *a);
/* One summary line on stderr. */
void output_summary(struct app *a);
/* --stats: one key=value line on stderr. */
void output_stats(struct app *a);
/* 0 while stdout accepts writes; -1 once a write failed (e.g. EPIPE). */
int output_failed(void);

#endif
