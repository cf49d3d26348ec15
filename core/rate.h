/*
 * rate.h - per-flow bandwidth over a sliding window, in constant memory.
 *
 * A two-bucket sliding-window counter: bytes of the current window-long
 * bucket and of the previous one. The rate at time t, a fraction e of the
 * way into the current bucket, is (prev * (1 - e) + cur) / window: the
 * previous bucket is assumed to have been spread evenly over its span.
 * 20 bytes per flow, O(1) per packet, and no work at all for idle flows.
 * Per-bucket counts saturate at 4 GiB, i.e. a single flow above
 * 429 MB/s in one direction with the default 10 s window shows a capped
 * rate (its byte totals stay exact).
 */
#ifndef NETLENS_RATE_H
#define NETLENS_RATE_H

#include <stdint.h>

struct rate {
	uint32_t bucket;	/* index of the current bucket: time / window */
	uint32_t cur[2];	/* bytes in the current bucket, per direction */
	uint32_t prev[2];	/* bytes in the bucket before it */
};

/* The window length; set once at start-up (--rate-window). */
void rate_set_window_us(uint64_t window_us);
uint64_t rate_window_us(void);

void rate_add(struct rate *r, uint64_t now_us, int dir, uint32_t bytes);

/* Bytes per second in direction dir at time now_us. */
double rate_get(const struct rate *r, uint64_t now_us, int dir);

/* The same method with 64-bit buckets, for whole-interface totals where a
 * busy link would saturate 32 bits. */
struct rate64 {
	uint64_t bucket;
	uint64_t cur[2];
	uint64_t prev[2];
};

void rate64_add(struct rate64 *r, uint64_t now_us, int dir, uint64_t bytes);
double rate64_get(const struct rate64 *r, uint64_t now_us, int dir);

#endif
