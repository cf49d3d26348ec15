/* rate.c - the two-bucket sliding-window rate; see rate.h for the method. */
#include "config.h"

#include "rate.h"

uint64_t rate_window = 10000000;	/* 10 s, RustNet's and iftop's window */
struct rate_span rate_span_now = { 1, 0, 0 };

void rate_set_window_us(uint64_t w)
{
	if (w >= 1000) {
		rate_window = w;
		rate_span_now.lo = 1;
		rate_span_now.hi = 0;
	}
}

uint64_t rate_window_us(void) { return rate_window; }

double rate_get(const struct rate *r, uint64_t now_us, int dir)
{
	uint32_t b = (uint32_t)(now_us / rate_window);
	double frac = (double)(now_us % rate_window) / (double)rate_window;
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
	return (prev * (1.0 - frac) + cur) / ((double)rate_window / 1e6);
}

double rate64_get(const struct rate64 *r, uint64_t now_us, int dir)
{
	uint64_t b = now_us / rate_window;
	double frac = (double)(now_us % rate_window) / (double)rate_window;
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
	return (prev * (1.0 - frac) + cur) / ((double)rate_window / 1e6);
}
