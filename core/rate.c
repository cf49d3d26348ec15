/* rate.c - the two-bucket sliding-window rate; see rate.h for the method. */
#include "config.h"

#include "rate.h"

static uint64_t window_us = 10000000;	/* 10 s, RustNet's and iftop's window */

/* The bucket of a time. Packets arrive in time order, so remember the
 * current bucket's span and divide only when leaving it. */
static uint64_t span_lo = 1, span_hi = 0, span_bucket;

static uint64_t bucket_of(uint64_t now_us)
{
	if (now_us < span_lo || now_us >= span_hi) {
		span_bucket = now_us / window_us;
		span_lo = span_bucket * window_us;
		span_hi = span_lo + window_us;
	}
	return span_bucket;
}


void rate_set_window_us(uint64_t w)
{
	if (w >= 1000) {
		window_us = w;
		span_lo = 1;
		span_hi = 0;
	}
}

uint64_t rate_window_us(void) { return window_us; }

static uint32_t sat_add(uint32_t a, uint32_t b)
{
	return a > UINT32_MAX - b ? UINT32_MAX : a + b;
}

void rate_add(struct rate *r, uint64_t now_us, int dir, uint32_t bytes)
{
	uint32_t b = (uint32_t)bucket_of(now_us);
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
	r->cur[dir] = sat_add(r->cur[dir], bytes);
}

double rate_get(const struct rate *r, uint64_t now_us, int dir)
{
	uint32_t b = (uint32_t)(now_us / window_us);
	double frac = (double)(now_us % window_us) / (double)window_us;
	double cur, prev;

	if (b + 1 == r->bucket) {	/* asked for a moment before the newest bytes: */
		b = r->bucket;		/* a snapshot written over several loop passes */
		frac = 0;
	}
	if (b == r->bucket) {
		cur = r->cur[dir];
		prev = r->prev[dir];
	} else if (b == r->bucket + 1) {
		cur = 0;
		prev = r->cur[dir];
	} else {
		return 0.0;
	}
	return (prev * (1.0 - frac) + cur) / ((double)window_us / 1e6);
}

void rate64_add(struct rate64 *r, uint64_t now_us, int dir, uint64_t bytes)
{
	uint64_t b = bucket_of(now_us);
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

double rate64_get(const struct rate64 *r, uint64_t now_us, int dir)
{
	uint64_t b = now_us / window_us;
	double frac = (double)(now_us % window_us) / (double)window_us;
	double cur, prev;
	if (b + 1 == r->bucket) {	/* see rate_get */
		b = r->bucket;
		frac = 0;
	}
	if (b == r->bucket) {
		cur = (double)r->cur[dir];
		prev = (double)r->prev[dir];
	} else if (b == r->bucket + 1) {
		cur = 0;
		prev = (double)r->cur[dir];
	} else {
		return 0.0;
	}
	return (prev * (1.0 - frac) + cur) / ((double)window_us / 1e6);
}
