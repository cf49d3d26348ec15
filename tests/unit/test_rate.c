/* test_rate.c - the two-bucket sliding-window rate (core/rate.c). */
#include "config.h"

#include "unit.h"

#include <math.h>

#include "rate.h"

#define SEC 1000000ull
#define W (10 * SEC)			/* the default window */
#define T0 (1700000000ull * SEC)	/* a multiple of W */

static void assert_near(double got, double want, double rel, const char *what)
{
	ck_assert_msg(fabs(got - want) <= rel * want + 1e-9, "%s: %.3f, expected %.3f", what, got, want);
}

/* ---- valid --------------------------------------------------------------- */

START_TEST(test_default_window)
{
	ck_assert_uint_eq(rate_window_us(), W);
	rate_set_window_us(999);		/* below 1 ms: ignored */
	ck_assert_uint_eq(rate_window_us(), W);
	rate_set_window_us(2 * SEC);
	ck_assert_uint_eq(rate_window_us(), 2 * SEC);
}
END_TEST

START_TEST(test_constant_rate)
{
	/* 1000 bytes every 10 ms = 100 000 B/s, for 30 s, started mid-window. */
	static const uint64_t starts[] = { T0, T0 + 3 * SEC + 123457 };
	for (size_t s = 0; s < 2; s++) {
		struct rate r;
		memset(&r, 0, sizeof(r));
		const uint64_t start = starts[s], end = start + 30 * SEC;
		uint64_t checks = 0;
		for (uint64_t t = start; t < end; t += 10000) {
			rate_add(&r, t, 0, 1000);
			/* Exact once the previous bucket is a full window of traffic. */
			if (t >= start + 2 * W && (t - start) % 700000 == 0) {
				assert_near(rate_get(&r, t, 0), 100000.0, 0.05, "steady");
				checks++;
			}
			ck_assert(rate_get(&r, t, 1) == 0.0);	/* the other direction */
		}
		ck_assert_uint_gt(checks, 10);
		assert_near(rate_get(&r, end, 0), 100000.0, 0.05, "at the end");
		/* Decays over the next window, then reads 0. */
		ck_assert(rate_get(&r, end + W / 2, 0) < 100000.0);
		ck_assert(rate_get(&r, end + W / 2, 0) > 0.0);
		uint64_t last_bucket_end = ((end - 10000) / W + 2) * W;	/* 2 windows after the last packet's */
		ck_assert(rate_get(&r, last_bucket_end, 0) == 0.0);
		ck_assert(rate_get(&r, end + 2 * W, 0) == 0.0);
		ck_assert(rate_get(&r, end + 1000 * W, 0) == 0.0);
	}
}
END_TEST

/* A flow younger than the window is averaged over its age, not over the
 * whole window: a steady transfer reads its rate from its first second. */
START_TEST(test_young_flow_over_its_age)
{
	struct rate r;
	memset(&r, 0, sizeof(r));
	const uint64_t start = T0 + 3 * SEC + 100000, end = start + 30 * SEC;
	uint64_t checks = 0;
	for (uint64_t t = start; t < end; t += 10000) {
		rate_add(&r, t, 0, 1000);	/* 100 000 B/s */
		if (t >= start + SEC && (t - start) % 300000 == 0) {
			assert_near(rate_get_since(&r, t, 0, start), 100000.0, 0.02, "young or old");
			checks++;
		}
	}
	ck_assert_uint_gt(checks, 90);
	/* 4 s in, the plain window rate is 40 % of it */
	struct rate y;
	memset(&y, 0, sizeof(y));
	for (uint64_t t = start; t < start + 4 * SEC; t += 10000)
		rate_add(&y, t, 0, 1000);
	assert_near(rate_get(&y, start + 4 * SEC, 0), 40000.0, 0.02, "window");
	assert_near(rate_get_since(&y, start + 4 * SEC, 0, start), 100000.0, 0.02, "age");
	/* long past: the same as rate_get */
	assert_near(rate_get_since(&r, end, 0, start - 100 * SEC), rate_get(&r, end, 0), 1e-9, "old");
	/* a first packet is no burst: over a second at least */
	struct rate one;
	memset(&one, 0, sizeof(one));
	rate_add(&one, start, 1, 1500);
	assert_near(rate_get_since(&one, start + 1000, 1, start), 1500.0, 1e-9, "one packet");
	ck_assert(rate_get_since(&one, start + 1000, 0, start) == 0.0);
	ck_assert(rate_get_since(&one, start + 3 * W, 1, start) == 0.0);	/* idle since */
}
END_TEST

START_TEST(test_interpolation_at_boundaries)
{
	struct rate r;
	memset(&r, 0, sizeof(r));
	rate_add(&r, T0, 0, 100000);			/* all of it at the start of bucket b */
	assert_near(rate_get(&r, T0, 0), 10000.0, 1e-9, "start");
	assert_near(rate_get(&r, T0 + W - 1, 0), 10000.0, 1e-9, "end of bucket");
	/* Across the boundary the rate is continuous: prev weighs fully at e=0. */
	assert_near(rate_get(&r, T0 + W, 0), 10000.0, 1e-9, "next bucket start");
	assert_near(rate_get(&r, T0 + W + W / 4, 0), 7500.0, 1e-9, "quarter in");
	assert_near(rate_get(&r, T0 + W + W / 2, 0), 5000.0, 1e-9, "half way");
	ck_assert(rate_get(&r, T0 + 2 * W - 1, 0) < 0.01);
	ck_assert(rate_get(&r, T0 + 2 * W, 0) == 0.0);

	/* New bytes in bucket b+1 add to the decaying previous bucket. */
	rate_add(&r, T0 + W + W / 2, 0, 20000);
	assert_near(rate_get(&r, T0 + W + W / 2, 0), 5000.0 + 2000.0, 1e-9, "prev + cur");
	/* A packet two buckets later forgets both. */
	rate_add(&r, T0 + 3 * W, 0, 10);
	assert_near(rate_get(&r, T0 + 3 * W, 0), 1.0, 1e-9, "after a gap");
	ck_assert_uint_eq(r.prev[0], 0);
}
END_TEST

START_TEST(test_directions_independent)
{
	struct rate r;
	memset(&r, 0, sizeof(r));
	rate_add(&r, T0, 0, 1000);
	rate_add(&r, T0, 1, 5000);
	rate_add(&r, T0 + W, 1, 10000);
	assert_near(rate_get(&r, T0 + W, 0), 100.0, 1e-9, "dir 0");
	assert_near(rate_get(&r, T0 + W, 1), 1500.0, 1e-9, "dir 1");
}
END_TEST

START_TEST(test_saturation)
{
	struct rate r;
	memset(&r, 0, sizeof(r));
	rate_add(&r, T0, 0, UINT32_MAX - 10);
	rate_add(&r, T0 + 1, 0, 100);
	ck_assert_uint_eq(r.cur[0], UINT32_MAX);
	rate_add(&r, T0 + 2, 0, UINT32_MAX);
	ck_assert_uint_eq(r.cur[0], UINT32_MAX);
	assert_near(rate_get(&r, T0 + 3, 0), (double)UINT32_MAX / 10.0, 1e-9, "capped");
	rate_add(&r, T0 + W, 0, 5);		/* the cap moves to prev intact */
	ck_assert_uint_eq(r.prev[0], UINT32_MAX);
	ck_assert_uint_eq(r.cur[0], 5);
}
END_TEST

/* ---- regressions ----------------------------------------------------------- */

START_TEST(test_small_window)
{
	/* A 1 ms window with epoch times: bucket numbers exceed 32 bits and
	 * wrap; consecutive buckets must still be recognised. */
	rate_set_window_us(1000);
	struct rate r;
	memset(&r, 0, sizeof(r));
	for (uint64_t t = T0; t < T0 + 10000; t += 100)
		rate_add(&r, t, 0, 10);
	assert_near(rate_get(&r, T0 + 10000, 0), 100000.0, 0.05, "1 ms window");
}
END_TEST

START_TEST(test_time_before_bucket)
{
	/* A reading for a time before the newest packet's bucket is 0, not garbage. */
	struct rate r;
	memset(&r, 0, sizeof(r));
	rate_add(&r, T0 + 5 * W, 0, 1000);
	double v = rate_get(&r, T0, 0);
	ck_assert(v >= 0.0 && v <= 1000.0);
}
END_TEST

START_TEST(test_time_just_before_bucket)
{
	/* A snapshot written over several loop passes asks for the rate at its
	 * start, when packets of the next window may already be counted: the
	 * reading is taken at the start of the newest window, not 0. */
	struct rate r;
	struct rate64 r64;
	memset(&r, 0, sizeof(r));
	memset(&r64, 0, sizeof(r64));
	for (uint64_t t = T0; t < T0 + W + 2000; t += 10000) {	/* 100 000 B/s */
		rate_add(&r, t, 0, 1000);
		rate64_add(&r64, t, 0, 1000);
	}
	assert_near(rate_get(&r, T0 + W - 1000, 0), 100000.0, 0.01, "just before the window");
	assert_near(rate64_get(&r64, T0 + W - 1000, 0), 100000.0, 0.01, "64-bit, just before");
	assert_near(rate_get(&r, T0 + W, 0), 100000.0, 0.01, "at the window's start");
	ck_assert(rate_get(&r, T0 - W, 0) == 0.0);	/* two windows before: nothing to say */
}
END_TEST

/* ---- rate_history: iftop's 2/10/40 s averages, peak and total ------------ */

/* Feeds `seconds` of a steady rate (bytes/s per direction) into h from
 * *t and *cum, sampling a few times a second as a redraw would. */
static void feed(struct rate_history *h, uint64_t *t, uint64_t cum[2], unsigned seconds,
		 uint64_t down, uint64_t up)
{
	for (unsigned i = 0; i < seconds * 4; i++) {
		*t += SEC / 4;
		cum[0] += down / 4;
		cum[1] += up / 4;
		rate_history_sample(h, *t, cum);
	}
}

START_TEST(test_history_windows)
{
	struct rate_history h;
	memset(&h, 0, sizeof(h));
	uint64_t t = T0 + 123456, cum[2] = { 0, 0 };
	uint64_t empty[2] = { 0, 0 };
	ck_assert(rate_history_avg(&h, t, empty, 2, 0) == 0.0);	/* nothing sampled */
	rate_history_sample(&h, t, cum);
	ck_assert_uint_eq(h.n, 1);
	feed(&h, &t, cum, 60, 1000, 20);	/* a minute at 1000 B/s down */
	ck_assert_uint_eq(h.n, RATE_HISTORY_SAMPLES);	/* one a second, 42 kept */
	feed(&h, &t, cum, 8, 5000, 20);		/* then 8 s at 5000 */
	/* 2 s: the new rate; 10 s: 8 s of it and 2 of the old; 40 s: 8 and 32. */
	assert_near(rate_history_avg(&h, t, cum, 2, 0), 5000.0, 0.13, "2 s");
	assert_near(rate_history_avg(&h, t, cum, 10, 0), (8 * 5000.0 + 2 * 1000.0) / 10, 0.1, "10 s");
	assert_near(rate_history_avg(&h, t, cum, 40, 0), (8 * 5000.0 + 32 * 1000.0) / 40, 0.05, "40 s");
	assert_near(rate_history_avg(&h, t, cum, 40, 1), 20.0, 0.05, "40 s up");
	assert_near(h.peak[0], 5000.0, 0.01, "peak down");
	assert_near(h.peak[1], 20.0, 0.01, "peak up");
	/* Within the second of the newest sample nothing is added. */
	unsigned head = h.head;
	rate_history_sample(&h, t + 1, cum);
	ck_assert_uint_eq(h.head, head);
}
END_TEST

START_TEST(test_history_short_and_reset)
{
	struct rate_history h;
	memset(&h, 0, sizeof(h));
	uint64_t t = T0, cum[2] = { 0, 0 };
	rate_history_sample(&h, t, cum);
	feed(&h, &t, cum, 3, 2000, 0);
	/* 3 s held: the 10 s and 40 s averages are over those 3 s. */
	assert_near(rate_history_avg(&h, t, cum, 40, 0), 2000.0, 0.1, "short history");
	assert_near(rate_history_avg(&h, t, cum, 10, 0), 2000.0, 0.1, "short history, 10 s");
	/* A count that goes back (x x cleared the tracker) starts again. */
	uint64_t zero[2] = { 0, 0 };
	rate_history_sample(&h, t + SEC, zero);
	ck_assert_uint_eq(h.n, 1);
	ck_assert(rate_history_avg(&h, t + SEC, zero, 2, 0) == 0.0);
	/* So does a clock that goes back. */
	uint64_t some[2] = { 10, 0 };
	rate_history_sample(&h, T0 - 5 * SEC, some);
	ck_assert_uint_eq(h.n, 1);
	/* Asked at the newest sample's own time: no sample before it. */
	ck_assert(rate_history_avg(&h, T0 - 5 * SEC, some, 2, 0) == 0.0);
	/* Traffic with a gap: the rate over the gap, not a made-up peak. */
	memset(&h, 0, sizeof(h));
	uint64_t c2[2] = { 0, 0 };
	rate_history_sample(&h, T0, c2);
	c2[0] = 30000;
	rate_history_sample(&h, T0 + 30 * SEC, c2);
	assert_near(h.peak[0], 1000.0, 0.01, "peak over a 30 s gap");
}
END_TEST

START_TEST(test_history_window_is_exact)
{
	/* Samples once a second at .9999 of each second, asked at .0000: the
	 * sample "2 s ago" is a hair under 2 s old. The 2 s average is still
	 * over 2 s (it was taken from the 3 s old sample: 2/3 of the rate
	 * after a step, and a rate back to zero seen a second late). */
	struct rate_history h;
	memset(&h, 0, sizeof(h));
	uint64_t cum[2] = { 0, 0 }, t = T0 + SEC - 100;
	for (int i = 0; i < 10; i++, t += SEC)
		rate_history_sample(&h, t, cum);	/* 10 quiet seconds */
	for (int i = 0; i < 2; i++, t += SEC) {
		cum[0] += 900000;			/* then 900 kB a second */
		rate_history_sample(&h, t, cum);
	}
	uint64_t now = t - SEC + 100;	/* the start of the next second */
	assert_near(rate_history_avg(&h, now, cum, 2, 0), 900000.0 * (2 * SEC - 100) / (2 * SEC), 0.001,
		    "2 s after a step");
	rate_history_sample(&h, t, cum);	/* then nothing */
	t += SEC;
	rate_history_sample(&h, t, cum);
	ck_assert(rate_history_avg(&h, t + 100, cum, 2, 0) == 0.0);	/* 2 s of nothing */
}
END_TEST

START_TEST(test_history_fill_quiet_seconds)
{
	/* A capture file with a burst, then 8 s without a packet: the seconds
	 * no packet started are noted with the count unchanged, so a window
	 * inside the gap sees nothing (it saw the burst averaged over the gap),
	 * and each second's start has its count for the rate alert. */
	struct rate_history h;
	memset(&h, 0, sizeof(h));
	uint64_t cum[2] = { 0, 0 }, t = T0;
	rate_history_sample(&h, t, cum);
	t = T0 + SEC + 500000;			/* the burst's second */
	rate_history_fill(&h, t, cum);
	rate_history_sample(&h, t, cum);
	cum[0] = 1000000;			/* 1 MB in it */
	t = T0 + 10 * SEC + 1234;		/* the next packet */
	rate_history_fill(&h, t, cum);
	rate_history_sample(&h, t, cum);
	uint64_t at[2];
	ck_assert_int_eq(rate_history_count_at(&h, T0 + 2 * SEC, at), 0);
	ck_assert_uint_eq(at[0], 1000000);
	ck_assert_int_eq(rate_history_count_at(&h, T0 + 9 * SEC, at), 0);
	ck_assert_int_eq(rate_history_count_at(&h, T0 + 10 * SEC, at), -1);	/* not a whole second gone */
	ck_assert(rate_history_avg(&h, T0 + 6 * SEC, at, 2, 0) == 0.0);
	assert_near(rate_history_avg(&h, T0 + 3 * SEC, at, 2, 0), 500000.0, 0.001, "the burst's 2 s");
	assert_near(h.peak[0], 1000000.0, 0.001, "peak: the burst's second");
	/* A clock or count that goes back is rate_history_sample's to handle. */
	uint64_t back[2] = { 5, 0 };
	unsigned n = h.n;
	rate_history_fill(&h, T0 + 20 * SEC, back);
	ck_assert_uint_eq(h.n, n);
}
END_TEST

/* The window is process-wide: every test but the first starts from 10 s,
 * also when run without fork (CK_FORK=no, e.g. under valgrind). */
static void window_default(void) { rate_set_window_us(W); }

static Suite *rate_suite(void)
{
	Suite *s = suite_create("rate");
	TCase *tc = tcase_create("default");
	tcase_add_test(tc, test_default_window);	/* runs first: sees the built-in default */
	suite_add_tcase(s, tc);
	tc = tcase_create("valid");
	tcase_add_checked_fixture(tc, window_default, NULL);
	tcase_add_test(tc, test_constant_rate);
	tcase_add_test(tc, test_young_flow_over_its_age);
	tcase_add_test(tc, test_interpolation_at_boundaries);
	tcase_add_test(tc, test_directions_independent);
	tcase_add_test(tc, test_saturation);
	tcase_add_test(tc, test_history_windows);
	tcase_add_test(tc, test_history_short_and_reset);
	tcase_add_test(tc, test_history_window_is_exact);
	tcase_add_test(tc, test_history_fill_quiet_seconds);
	suite_add_tcase(s, tc);
	tc = tcase_create("regressions");
	tcase_add_checked_fixture(tc, window_default, NULL);
	tcase_add_test(tc, test_small_window);
	tcase_add_test(tc, test_time_before_bucket);
	tcase_add_test(tc, test_time_just_before_bucket);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(rate_suite());
}
