/* output.h - headless output: flow tables as text or JSON Lines on stdout,
 * summaries and statistics on stderr. */
#ifndef NETLENS_OUTPUT_H
#define NETLENS_OUTPUT_H

#include <stdint.h>

struct app;

/* Live: the current flows, in order of first packet. */
void output_snapshot(struct app *a, uint64_t now_us);
/* Files: every flow the file contained (history + open), by first packet. */
void output_all(struct app *a);
/* One summary line on stderr. */
void output_summary(struct app *a);
/* --stats: one key=value line on stderr. */
void output_stats(struct app *a);
/* 0 while stdout accepts writes; -1 once a write failed (e.g. EPIPE). */
int output_failed(void);

#endif
