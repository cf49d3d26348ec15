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
	return rate_get_since(r, now_us, dir, 0);	/* a counter as old as time */
}

double rate_get_since(const struct rate *r, uint64_t now_us, int dir, uint64_t since_us)
{
	const uint64_t w = rate_window;
	uint64_t bucket = now_us / w, into = now_us % w;
	uint32_t b = (uint32_t)bucket;	/* as struct rate keeps it: wraps with small windows */
	double cur, prev;

	if ((uint32_t)(b + 1) == r->bucket) {	/* asked for a moment before the newest bytes: */
		b = r->bucket;			/* a snapshot written over several loop passes */
		bucket++;
		into = 0;
	}
	if (b == r->bucket) {
		cur = r->cur[dir];
		prev = r->prev[dir];
	} else if (b == (uint32_t)(r->bucket + 1)) {
		cur = 0;
		prev = r->cur[dir];
	} else {
		return 0.0;
	}
	const uint64_t start = bucket * w, now = start + into;
	if (since_us + w > now) {
		/* Younger than the window: every byte it sent is in the two
		 * buckets, over its age (at least a second, so that its first
		 * packet is no burst). */
		uint64_t age = now > since_us ? now - since_us : 0;
		if (age < RATE_MIN_AGE_US)
			age = RATE_MIN_AGE_US;
		return (prev + cur) / ((double)age / 1e6);
	}
	if (since_us > start - w) {
		/* Begun inside the previous bucket: its bytes there are spread
		 * over [since, start), not the whole bucket. */
		double part = (double)(w - into) / (double)(start - since_us);
		return (prev * (part < 1.0 ? part : 1.0) + cur) / ((double)w / 1e6);
	}
	return (prev * (1.0 - (double)into / (double)w) + cur) / ((double)w / 1e6);
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

/* The peaks, with what came since the newest sample over dt seconds. */
static void note_peak(struct rate_history *h, const struct rate_sample *last,
		      const uint64_t bytes[2], double dt)
{
	for (int d = 0; d < 2; d++) {
		double r = (double)(bytes[d] - last->bytes[d]) / dt;
		if (r > h->peak[d])
			h->peak[d] = r;
	}
}

/* Appends a sample (the ring's oldest goes when it is full). */
static void push_sample(struct rate_history *h, uint64_t t_us, const uint64_t bytes[2])
{
	h->head = h->n ? (h->head + 1) % RATE_HISTORY_SAMPLES : 0;
	h->s[h->head].t_us = t_us;
	h->s[h->head].bytes[0] = bytes[0];
	h->s[h->head].bytes[1] = bytes[1];
	if (h->n < RATE_HISTORY_SAMPLES)
		h->n++;
}

void rate_history_sample(struct rate_history *h, uint64_t now_us, const uint64_t bytes[2])
{
	if (h->n) {
		const struct rate_sample *last = &h->s[h->head];
		if (now_us < last->t_us || bytes[0] < last->bytes[0] || bytes[1] < last->bytes[1]) {
			h->n = 0;	/* cleared, or another clock: start again */
		} else if (now_us / 1000000u == last->t_us / 1000000u) {
			return;		/* one sample a second */
		} else {
			note_peak(h, last, bytes, (double)(now_us - last->t_us) / 1e6);
		}
	}
	push_sample(h, now_us, bytes);
}

void rate_history_fill(struct rate_history *h, uint64_t now_us, const uint64_t bytes[2])
{
	if (!h->n)
		return;
	const struct rate_sample *last = &h->s[h->head];
	if (now_us < last->t_us || bytes[0] < last->bytes[0] || bytes[1] < last->bytes[1])
		return;		/* rate_history_sample starts again */
	uint64_t sec = last->t_us / 1000000u + 1, end = now_us / 1000000u;
	if (end > sec + RATE_HISTORY_SAMPLES)
		sec = end - RATE_HISTORY_SAMPLES;	/* older ones would be overwritten */
	for (int first = 1; sec < end; sec++, first = 0) {
		if (first) {	/* what came since the newest sample came in its second */
			double dt = (double)(sec * 1000000u - last->t_us) / 1e6;
			note_peak(h, last, bytes, dt > 1.0 ? dt : 1.0);
		}
		push_sample(h, sec * 1000000u, bytes);
	}
}

int rate_history_count_at(const struct rate_history *h, uint64_t t_us, uint64_t out[2])
{
	for (unsigned k = 0; k < h->n; k++) {
		unsigned i = (h->head + RATE_HISTORY_SAMPLES - k) % RATE_HISTORY_SAMPLES;
		if (h->s[i].t_us == t_us) {
			out[0] = h->s[i].bytes[0];
			out[1] = h->s[i].bytes[1];
			return 0;
		}
		if (h->s[i].t_us < t_us)
			break;
	}
	return -1;
}

double rate_history_avg(const struct rate_history *h, uint64_t now_us, const uint64_t bytes_now[2],
			unsigned seconds, int dir)
{
	const uint64_t want = (uint64_t)seconds * 1000000u;
	const uint64_t from = now_us > want ? now_us - want : 0;
	/* From the newest back: the newest sample at or before `from`, and the
	 * one after it (or now), between which the count at `from` is taken
	 * as growing evenly - so the window is `seconds` long, not up to a
	 * second more as with the sample alone; with a history still shorter,
	 * from the oldest held. */
	unsigned pick = RATE_HISTORY_SAMPLES, after = RATE_HISTORY_SAMPLES;
	for (unsigned k = 0; k < h->n; k++) {
		unsigned i = (h->head + RATE_HISTORY_SAMPLES - k) % RATE_HISTORY_SAMPLES;
		if (h->s[i].t_us >= now_us)
			continue;
		if (pick != RATE_HISTORY_SAMPLES && h->s[pick].t_us <= from)
			break;
		after = pick;
		pick = i;
	}
	if (pick == RATE_HISTORY_SAMPLES || bytes_now[dir] < h->s[pick].bytes[dir])
		return 0.0;
	const struct rate_sample *a = &h->s[pick];
	if (a->t_us >= from)	/* the oldest held is younger than the window */
		return (double)(bytes_now[dir] - a->bytes[dir]) / ((double)(now_us - a->t_us) / 1e6);
	uint64_t t_b = after == RATE_HISTORY_SAMPLES ? now_us : h->s[after].t_us;
	uint64_t c_b = after == RATE_HISTORY_SAMPLES ? bytes_now[dir] : h->s[after].bytes[dir];
	if (c_b < a->bytes[dir] || bytes_now[dir] < c_b)
		return 0.0;
	double c_from = (double)a->bytes[dir] +
			(double)(c_b - a->bytes[dir]) * (double)(from - a->t_us) / (double)(t_b - a->t_us);
	double r = ((double)bytes_now[dir] - c_from) / ((double)want / 1e6);
	return r > 0 ? r : 0.0;
}
