/*
 * test_reasm.c - core/reasm.c, UDP datagrams from IP fragments for DPI:
 *  - fragments in order, in reverse order and shuffled give back the
 *    datagram's bytes exactly, once, at the fragment that completes it;
 *  - given up: an overlap (even an identical copy), a second last fragment,
 *    data past the last one; refused without taking a slot (so evicting
 *    nobody): a middle fragment not a multiple of 8 bytes, a fragment cut
 *    by the snapshot length, one past REASM_MAX, one whose UDP header is
 *    not right after the IP header (AH, IPv6 options);
 *  - datagrams are told apart by identifier, addresses and interface;
 *  - bounded: REASM_SLOTS at once (the oldest given up for a new one), a
 *    datagram older than REASM_TTL_US given up; no growth however many
 *    fragments come.
 */
#include "config.h"

#include "tests/unit/unit.h"
#include "core/reasm.h"

#define T0 1700000000000000ull

static uint8_t datagram[REASM_MAX + 64];

static void fill(size_t n)
{
	for (size_t i = 0; i < n; i++)
		datagram[i] = (uint8_t)(i * 7 + (i >> 8));
}

/* Fragment [off, off + len) of the datagram with identifier id. */
static struct packet frag(uint32_t id, uint32_t off, uint32_t len, int more, uint64_t ts)
{
	struct packet p;
	memset(&p, 0, sizeof(p));
	p.ts_us = ts;
	p.family = 4;
	p.proto = L4_UDP;
	p.ipproto = p.frag_ipproto = 17;
	p.src[0] = 10, p.src[3] = 1;
	p.dst[0] = 10, p.dst[3] = 2;
	p.frag_id = id;
	p.is_fragment = 1;
	p.first_fragment = off == 0;
	p.more_fragments = (uint8_t)more;
	p.frag_offset = off;
	p.frag_len = p.frag_caplen = len;
	p.frag_data = datagram + off;
	return p;
}

static enum reasm_result last;	/* what the last add() said */

/* The datagram when p completes it, else NULL (last says why). */
static const uint8_t *add(struct reasm *r, struct packet p, size_t *n)
{
	const uint8_t *d = NULL;
	*n = 0;
	last = reasm_add(r, &p, &d, n);
	ck_assert(last == REASM_WHOLE ? d != NULL : d == NULL);
	return d;
}

START_TEST(in_order)
{
	struct reasm r;
	size_t n;
	reasm_init(&r);
	fill(4000);
	ck_assert_ptr_null(add(&r, frag(1, 0, 1480, 1, T0), &n));
	ck_assert_ptr_null(add(&r, frag(1, 1480, 1480, 1, T0 + 1), &n));
	const uint8_t *d = add(&r, frag(1, 2960, 1040, 0, T0 + 2), &n);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(n, 4000);
	ck_assert_mem_eq(d, datagram, 4000);
	ck_assert_uint_eq(r.completed, 1);
	ck_assert_uint_eq(r.abandoned, 0);
	/* the slot is free again: the same identifier starts anew */
	ck_assert_ptr_null(add(&r, frag(1, 2960, 1040, 0, T0 + 3), &n));
	reasm_free(&r);
}
END_TEST

START_TEST(reverse_and_shuffled)
{
	struct reasm r;
	size_t n;
	reasm_init(&r);
	fill(3001);
	ck_assert_ptr_null(add(&r, frag(7, 2000, 1001, 0, T0), &n));	/* the last first */
	ck_assert_ptr_null(add(&r, frag(7, 1000, 1000, 1, T0 + 1), &n));
	const uint8_t *d = add(&r, frag(7, 0, 1000, 1, T0 + 2), &n);
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(n, 3001);
	ck_assert_mem_eq(d, datagram, 3001);

	static const uint32_t order[] = {3, 0, 4, 2, 1};
	for (unsigned i = 0; i < 5; i++) {
		uint32_t k = order[i];
		d = add(&r, frag(8, k * 800, k == 4 ? 333 : 800, k != 4, T0 + 10 + i), &n);
		if (i < 4)
			ck_assert_ptr_null(d);
	}
	ck_assert_ptr_nonnull(d);
	ck_assert_uint_eq(n, 4 * 800 + 333);
	ck_assert_mem_eq(d, datagram, n);
	ck_assert_uint_eq(r.completed, 2);
	reasm_free(&r);
}
END_TEST

START_TEST(given_up)
{
	struct reasm r;
	size_t n;
	reasm_init(&r);
	fill(4000);
	/* an identical copy of a fragment overlaps */
	add(&r, frag(1, 0, 1480, 1, T0), &n);
	ck_assert_ptr_null(add(&r, frag(1, 0, 1480, 1, T0 + 1), &n));
	ck_assert_ptr_null(add(&r, frag(1, 1480, 100, 0, T0 + 2), &n));	/* a new datagram now */
	ck_assert_uint_eq(r.abandoned, 1);
	ck_assert_uint_eq(r.completed, 0);

	/* a partial overlap */
	add(&r, frag(2, 0, 1480, 1, T0), &n);
	ck_assert_ptr_null(add(&r, frag(2, 1472, 520, 0, T0 + 1), &n));
	ck_assert_uint_eq(r.abandoned, 2);
	reasm_free(&r);
}
END_TEST

/* Later pieces held, then forgotten when the first shows its flow wants
 * nothing: the slot is free again, nothing counted as given up, and the
 * first fragment of the same datagram after that starts afresh. */
START_TEST(forgotten)
{
	struct reasm r;
	size_t n;
	reasm_init(&r);
	fill(2000);
	add(&r, frag(5, 1480, 520, 0, T0), &n);
	ck_assert(last == REASM_HELD);
	struct packet first = frag(5, 0, 1480, 1, T0 + 1);
	reasm_forget(&r, &first);
	for (unsigned i = 0; i < REASM_SLOTS; i++)
		ck_assert(!r.slot[i].used);
	ck_assert_uint_eq(r.abandoned, 0);
	ck_assert_ptr_null(add(&r, first, &n));	/* its tail is gone */
	ck_assert(last == REASM_HELD);
	reasm_forget(&r, &first);
	reasm_forget(&r, &first);		/* nothing held: no effect */
	ck_assert_uint_eq(r.completed, 0);
	ck_assert_uint_eq(r.abandoned, 0);
	reasm_free(&r);
}
END_TEST

START_TEST(ends_and_lengths)
{
	struct reasm r;
	size_t n;
	reasm_init(&r);
	fill(4000);
	/* two last fragments */
	add(&r, frag(3, 1000, 500, 0, T0), &n);
	ck_assert_ptr_null(add(&r, frag(3, 2000, 500, 0, T0 + 1), &n));
	ck_assert_uint_eq(r.abandoned, 1);
	/* data past the last fragment */
	add(&r, frag(4, 1000, 500, 0, T0), &n);
	ck_assert_ptr_null(add(&r, frag(4, 1504, 504, 1, T0 + 1), &n));
	ck_assert_uint_eq(r.abandoned, 2);
	/* a last fragment before data already there */
	add(&r, frag(5, 2000, 504, 1, T0), &n);
	ck_assert_ptr_null(add(&r, frag(5, 0, 1000, 0, T0 + 1), &n));
	ck_assert_uint_eq(r.abandoned, 3);
	ck_assert_int_eq(last, REASM_REFUSED);
	/* refused before taking a slot (nothing was begun, nothing given up):
	 * a middle fragment not a multiple of 8 bytes, */
	ck_assert_ptr_null(add(&r, frag(6, 0, 1001, 1, T0), &n));
	ck_assert_int_eq(last, REASM_REFUSED);
	/* a fragment cut by the snapshot length, */
	struct packet cut = frag(9, 0, 1480, 1, T0);
	cut.frag_caplen = 96;
	ck_assert_ptr_null(add(&r, cut, &n));
	ck_assert_int_eq(last, REASM_REFUSED);
	/* past the cap, */
	ck_assert_ptr_null(add(&r, frag(10, REASM_MAX - 8, 16, 0, T0), &n));
	ck_assert_int_eq(last, REASM_REFUSED);
	/* not UDP right after the IP header (AH, IPv6 options) */
	struct packet ah = frag(11, 0, 1480, 1, T0);
	ah.frag_ipproto = 51;
	ck_assert_ptr_null(add(&r, ah, &n));
	ck_assert_int_eq(last, REASM_REFUSED);
	ck_assert_uint_eq(r.abandoned, 3);
	/* a cut fragment of a datagram begun gives it up */
	ck_assert_ptr_null(add(&r, frag(13, 0, 1000, 1, T0), &n));
	ck_assert_int_eq(last, REASM_HELD);
	cut = frag(13, 1000, 1000, 0, T0 + 1);
	cut.frag_caplen = 10;
	ck_assert_ptr_null(add(&r, cut, &n));
	ck_assert_uint_eq(r.abandoned, 4);
	/* exactly REASM_MAX is read */
	fill(REASM_MAX);
	for (uint32_t off = 0; off < REASM_MAX; off += 1024) {
		const uint8_t *d = add(&r, frag(12, off, 1024, off + 1024 < REASM_MAX, T0 + off), &n);
		if (off + 1024 < REASM_MAX)
			ck_assert_ptr_null(d);
		else {
			ck_assert_ptr_nonnull(d);
			ck_assert_uint_eq(n, REASM_MAX);
			ck_assert_mem_eq(d, datagram, REASM_MAX);
		}
	}
	reasm_free(&r);
}
END_TEST

START_TEST(datagrams_apart)
{
	struct reasm r;
	size_t n;
	reasm_init(&r);
	fill(2000);
	struct packet other_dst = frag(1, 1000, 1000, 0, T0 + 1);
	other_dst.dst[3] = 3;
	struct packet other_ifc = frag(1, 1000, 1000, 0, T0 + 2);
	other_ifc.ifc = 1;
	add(&r, frag(1, 0, 1000, 1, T0), &n);
	ck_assert_ptr_null(add(&r, other_dst, &n));
	ck_assert_ptr_null(add(&r, other_ifc, &n));
	ck_assert_ptr_null(add(&r, frag(2, 1000, 1000, 0, T0 + 3), &n));
	ck_assert_ptr_nonnull(add(&r, frag(1, 1000, 1000, 0, T0 + 4), &n));
	ck_assert_uint_eq(r.abandoned, 0);
	reasm_free(&r);
}
END_TEST

START_TEST(bounded)
{
	struct reasm r;
	size_t n;
	reasm_init(&r);
	fill(2000);
	/* REASM_SLOTS + 1 datagrams begun: the oldest (id 0) is given up */
	for (uint32_t id = 0; id <= REASM_SLOTS; id++)
		add(&r, frag(id, 0, 1000, 1, T0 + id), &n);
	ck_assert_uint_eq(r.abandoned, 1);
	/* fragments that are refused evict nobody */
	struct packet cut = frag(99, 0, 1000, 1, T0 + 50);
	cut.frag_caplen = 0;
	ck_assert_ptr_null(add(&r, cut, &n));
	ck_assert_uint_eq(r.abandoned, 1);
	ck_assert_ptr_null(add(&r, frag(0, 1000, 1000, 0, T0 + 100), &n));
	ck_assert_ptr_nonnull(add(&r, frag(REASM_SLOTS, 1000, 1000, 0, T0 + 101), &n));
	/* a datagram's rest after REASM_TTL_US: too late */
	add(&r, frag(50, 0, 1000, 1, T0 + 200), &n);
	ck_assert_ptr_null(add(&r, frag(50, 1000, 1000, 0, T0 + 200 + REASM_TTL_US), &n));
	/* many fragments never completed: the slots are reused, no growth */
	for (uint32_t i = 0; i < 100000; i++)
		add(&r, frag(1000 + i, 0, 1000, 1, T0 + 1000 + i), &n);
	unsigned bufs = 0;
	for (unsigned i = 0; i < REASM_SLOTS; i++)
		bufs += r.slot[i].buf != NULL;
	ck_assert_uint_le(bufs, REASM_SLOTS);
	reasm_free(&r);
}
END_TEST

static Suite *reasm_suite(void)
{
	Suite *s = suite_create("reasm");
	TCase *tc = tcase_create("reasm");
	tcase_add_test(tc, in_order);
	tcase_add_test(tc, reverse_and_shuffled);
	tcase_add_test(tc, given_up);
	tcase_add_test(tc, forgotten);
	tcase_add_test(tc, ends_and_lengths);
	tcase_add_test(tc, datagrams_apart);
	tcase_add_test(tc, bounded);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(reasm_suite());
}
