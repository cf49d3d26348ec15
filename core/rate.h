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

/* The bucket of a time. Packets arrive in time order, so the current
 * bucket's span is remembered and the division done only when leaving it.
 * Inline with rate_add(): both run for every packet. */
struct rate_span { uint64_t lo, hi, bucket; };
extern struct rate_span rate_span_now;
extern uint64_t rate_window;	/* set by rate_set_window_us() only */

static inline uint64_t rate_bucket_of(uint64_t now_us)
{
	if (now_us < rate_span_now.lo || now_us >= rate_span_now.hi) {
		rate_span_now.bucket = now_us / rate_window;
		rate_span_now.lo = rate_span_now.bucket * rate_window;
		rate_span_now.hi = rate_span_now.lo + rate_window;
	}
	return rate_span_now.bucket;
}

static inline void rate_add(struct rate *r, uint64_t now_us, int dir, uint32_t bytes)
{
	uint32_t b = (uint32_t)rate_bucket_of(now_us);
	if (b != r->bucket) {
		if (b == r->bucket + 1) {
			r->prev[0] = r->cur[0];
			r->prev[1] = r->cur[1];
		} else {
			r->prev[0] = r->prev[1] = 0;	/* idle for a whole window or more */
		}
		r->cur[0] = r->cur[1] = 0;
		r->bucket = b;
	}
	r->cur[dir] = r->cur[dir] > UINT32_MAX - bytes ? UINT32_MAX : r->cur[dir] + bytes;
}

/* Bytes per second in direction dir at time now_us. */
double rate_get(const struct rate *r, uint64_t now_us, int dir);

/* The same for a counter whose traffic began at since_us: one younger than
 * the window is averaged over its age (at least RATE_MIN_AGE_US), as
 * RustNet does, not over a window it was not there for (a new 9.5 MiB/s
 * transfer read 3.4 MiB/s four seconds in). */
#define RATE_MIN_AGE_US 1000000u
double rate_get_since(const struct rate *r, uint64_t now_us, int dir, uint64_t since_us);

/* The same method with 64-bit buckets, for whole-interface totals where a
 * busy link would saturate 32 bits. */
struct rate64 {
	uint64_t bucket;
	uint64_t cur[2];
	uint64_t prev[2];
};

static inline void rate64_add(struct rate64 *r, uint64_t now_us, int dir, uint64_t bytes)
{
	uint64_t b = rate_bucket_of(now_us);
	if (b != r->bucket) {
		if (b == r->bucket + 1) {
			r->prev[0] = r->cur[0];
			r->prev[1] = r->cur[1];
		} else {
			r->prev[0] = r->prev[1] = 0;
		}
		r->cur[0] = r->cur[1] = 0;
		r->bucket = b;
	}
	r->cur[dir] += bytes;
}
double rate64_get(const struct rate64 *r, uint64_t now_us, int dir);

/* iftop's view of a total: its averages over the last 2, 10 and 40
 * seconds and its peak, from a cumulative byte count per direction
 * sampled at most once a second (the UI does, at each redraw). 42 samples:
 * 700 bytes, for the whole-interface totals only, not per flow. */
#define RATE_HISTORY_SAMPLES 42
/* The windows shown, in seconds; the longest needs SAMPLES - 2 seconds. */
#define RATE_HISTORY_WINDOWS { 2, 10, 40 }
#define RATE_HISTORY_N_WINDOWS 3
struct rate_sample {
	uint64_t t_us;		/* when taken */
	uint64_t bytes[2];	/* the cumulative count then */
};
struct rate_history {
	struct rate_sample s[RATE_HISTORY_SAMPLES];	/* a ring; s[head] is the newest */
	unsigned n, head;
	double peak[2];			/* highest rate between two samples, bytes/s */
};

/* Notes the count at now_us; ignored within the second of the newest
 * sample, and when time or a count goes backwards (a cleared tracker). */
void rate_history_sample(struct rate_history *h, uint64_t now_us, const uint64_t bytes[2]);

/* Notes, for each whole second since the newest sample up to now_us, the
 * count at its start: bytes, unchanged. For a caller whose samples come with
 * packets (each packet that starts a second samples the count before it):
 * no sample at a second's start means no packet in it (a capture file's
 * quiet gap), which a window over that second must count as nothing. */
void rate_history_fill(struct rate_history *h, uint64_t now_us, const uint64_t bytes[2]);

/* The count of the sample taken at exactly t_us (a second's start, by
 * rate_history_fill) into out: 0, or -1 when there is none. */
int rate_history_count_at(const struct rate_history *h, uint64_t t_us, uint64_t out[2]);

/* Bytes/s in direction dir over the last `seconds`, up to now_us when the
 * count is bytes_now: the count at the window's start taken between the
 * samples around it (or from the oldest held, for a history still
 * shorter). 0 without a sample before now_us. */
double rate_history_avg(const struct rate_history *h, uint64_t now_us, const uint64_t bytes_now[2],
			unsigned seconds, int dir);

#endif
