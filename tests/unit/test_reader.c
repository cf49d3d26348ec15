/* test_reader.c - the bounds-checked reader (plugins/netlens/reader.h). */
#include "config.h"

#include "unit.h"

#include "netlens/reader.h"

static const uint8_t data[8] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };

/* ---- valid ------------------------------------------------------------- */

START_TEST(test_make_and_left)
{
	struct nl_reader r = nl_reader_make(data, sizeof(data));
	ck_assert(nl_reader_ok(&r));
	ck_assert_uint_eq(nl_reader_left(&r), 8);
	ck_assert_uint_eq(nl_reader_offset(&r), 0);
	ck_assert(nl_reader_has(&r, 8));
	ck_assert(!nl_reader_has(&r, 9));

	struct nl_reader n = nl_reader_make(NULL, 100);	/* NULL buffer: nothing to read */
	ck_assert_uint_eq(nl_reader_left(&n), 0);
	ck_assert_uint_eq(nl_get_u8(&n), 0);
	ck_assert(!nl_reader_ok(&n));
}
END_TEST

START_TEST(test_getters_values)
{
	struct nl_reader r = nl_reader_make(data, sizeof(data));
	ck_assert_uint_eq(nl_get_u8(&r), 0x01);
	ck_assert_uint_eq(nl_get_be16(&r), 0x0203);
	ck_assert_uint_eq(nl_get_le16(&r), 0x0504);
	ck_assert_uint_eq(nl_get_be24(&r), 0x060708);
	ck_assert(nl_reader_ok(&r));
	ck_assert_uint_eq(nl_reader_left(&r), 0);

	r = nl_reader_make(data, sizeof(data));
	ck_assert_uint_eq(nl_get_be32(&r), 0x01020304);
	ck_assert_uint_eq(nl_get_le32(&r), 0x08070605);
	ck_assert(nl_reader_ok(&r));

	r = nl_reader_make(data, sizeof(data));
	ck_assert(nl_get_be64(&r) == 0x0102030405060708ULL);
	ck_assert(nl_reader_ok(&r));
}
END_TEST

/* Each getter of width w at exactly w bytes left succeeds and leaves 0. */
struct getter {
	const char *name;
	size_t width;
	uint64_t (*get)(struct nl_reader *r);
	uint64_t expect;	/* value from data[8 - width ..] */
};

static uint64_t g_u8(struct nl_reader *r) { return nl_get_u8(r); }
static uint64_t g_be16(struct nl_reader *r) { return nl_get_be16(r); }
static uint64_t g_le16(struct nl_reader *r) { return nl_get_le16(r); }
static uint64_t g_be24(struct nl_reader *r) { return nl_get_be24(r); }
static uint64_t g_be32(struct nl_reader *r) { return nl_get_be32(r); }
static uint64_t g_le32(struct nl_reader *r) { return nl_get_le32(r); }
static uint64_t g_be64(struct nl_reader *r) { return nl_get_be64(r); }
static uint64_t g_bytes3(struct nl_reader *r)
{
	uint8_t d[3];
	memset(d, 0xee, sizeof(d));
	int rc = nl_get_bytes(r, d, 3);
	uint64_t v = (uint64_t)d[0] << 16 | (uint64_t)d[1] << 8 | d[2];
	return rc == 0 ? v : (v == 0 ? 0 : 0xbad);	/* on failure dst must be zeroed */
}
static uint64_t g_span2(struct nl_reader *r)
{
	const uint8_t *p = nl_get_span(r, 2);
	return p ? ((uint64_t)p[0] << 8 | p[1]) : 0;
}

static const struct getter getters[] = {
	{ "u8", 1, g_u8, 0x08 },
	{ "be16", 2, g_be16, 0x0708 },
	{ "le16", 2, g_le16, 0x0807 },
	{ "be24", 3, g_be24, 0x060708 },
	{ "be32", 4, g_be32, 0x05060708 },
	{ "le32", 4, g_le32, 0x08070605 },
	{ "be64", 8, g_be64, 0x0102030405060708ULL },
	{ "bytes3", 3, g_bytes3, 0x060708 },
	{ "span2", 2, g_span2, 0x0708 },
};

START_TEST(test_getter_exact_bound)
{
	const struct getter *g = &getters[_i];
	struct nl_reader r = nl_reader_make(data, sizeof(data));
	ck_assert_int_eq(nl_reader_skip(&r, 8 - g->width), 0);
	uint64_t v = g->get(&r);
	ck_assert_msg(v == g->expect, "%s at exact bound: got %#llx", g->name, (unsigned long long)v);
	ck_assert_msg(nl_reader_ok(&r), "%s at exact bound failed", g->name);
	ck_assert_uint_eq(nl_reader_left(&r), 0);
}
END_TEST

START_TEST(test_seek_and_skip)
{
	struct nl_reader r = nl_reader_make(data, sizeof(data));
	ck_assert_int_eq(nl_reader_skip(&r, 3), 0);
	ck_assert_uint_eq(nl_get_u8(&r), 0x04);
	ck_assert_int_eq(nl_reader_seek(&r, 1), 0);
	ck_assert_uint_eq(nl_reader_offset(&r), 1);
	ck_assert_uint_eq(nl_get_u8(&r), 0x02);
	ck_assert_int_eq(nl_reader_seek(&r, 8), 0);	/* the end itself is a valid position */
	ck_assert(nl_reader_ok(&r));
	ck_assert_uint_eq(nl_reader_left(&r), 0);
	ck_assert_int_eq(nl_reader_seek(&r, 0), 0);
	ck_assert_int_eq(nl_reader_skip(&r, 8), 0);
	ck_assert(nl_reader_ok(&r));
	ck_assert_int_eq(nl_reader_skip(&r, 0), 0);
	ck_assert(nl_reader_ok(&r));
}
END_TEST

START_TEST(test_peek)
{
	struct nl_reader r = nl_reader_make(data, sizeof(data));
	uint8_t v = 0;
	ck_assert_int_eq(nl_peek_u8(&r, 7, &v), 0);
	ck_assert_uint_eq(v, 0x08);
	ck_assert_uint_eq(nl_reader_offset(&r), 0);	/* not consumed */
	v = 0x55;
	ck_assert_int_eq(nl_peek_u8(&r, 8, &v), -1);
	ck_assert_uint_eq(v, 0x55);			/* untouched */
	ck_assert(nl_reader_ok(&r));			/* a question, not a read */
	ck_assert_int_eq(nl_peek_u8(&r, SIZE_MAX, &v), -1);
	ck_assert(nl_reader_ok(&r));
}
END_TEST

START_TEST(test_sub_reader)
{
	struct nl_reader r = nl_reader_make(data, sizeof(data));
	nl_get_u8(&r);
	struct nl_reader s = nl_reader_sub(&r, 3);
	ck_assert(nl_reader_ok(&r));
	ck_assert_uint_eq(nl_reader_offset(&r), 4);	/* parent moved past */
	ck_assert_uint_eq(nl_reader_left(&s), 3);
	ck_assert_uint_eq(nl_get_be16(&s), 0x0203);
	ck_assert_uint_eq(nl_get_u8(&s), 0x04);
	ck_assert(nl_reader_ok(&s));
	/* The sub-reader ends where its container said, though more bytes follow. */
	ck_assert_uint_eq(nl_get_u8(&s), 0);
	ck_assert(!nl_reader_ok(&s));
	ck_assert(nl_reader_ok(&r));			/* its failure is its own */
	ck_assert_uint_eq(nl_get_u8(&r), 0x05);

	struct nl_reader rest = nl_reader_rest(&r);
	ck_assert_uint_eq(nl_reader_left(&rest), 3);
	ck_assert_uint_eq(nl_get_be24(&rest), 0x060708);
	ck_assert_uint_eq(nl_reader_offset(&r), 5);	/* rest does not consume */

	/* A sub-reader of 0 bytes is valid and empty. */
	struct nl_reader z = nl_reader_sub(&r, 0);
	ck_assert(nl_reader_ok(&r));
	ck_assert_uint_eq(nl_reader_left(&z), 0);
}
END_TEST

/* ---- truncated --------------------------------------------------------- */

START_TEST(test_getter_one_past)
{
	const struct getter *g = &getters[_i];
	struct nl_reader r = nl_reader_make(data, sizeof(data));
	ck_assert_int_eq(nl_reader_skip(&r, 8 - g->width + 1), 0);
	uint64_t v = g->get(&r);
	ck_assert_msg(v == 0, "%s one past the end returned %#llx", g->name, (unsigned long long)v);
	ck_assert_msg(!nl_reader_ok(&r), "%s one past the end did not fail", g->name);
	ck_assert_uint_eq(nl_reader_left(&r), 0);
}
END_TEST

START_TEST(test_sticky_error)
{
	struct nl_reader r = nl_reader_make(data, 2);
	ck_assert_uint_eq(nl_get_be32(&r), 0);
	ck_assert(!nl_reader_ok(&r));
	/* Enough bytes would exist for these from the start, but the error sticks. */
	ck_assert_int_eq(nl_reader_seek(&r, 0), -1);
	ck_assert(!nl_reader_ok(&r));
	ck_assert_uint_eq(nl_get_u8(&r), 0);
	ck_assert_int_eq(nl_reader_skip(&r, 0), -1);
	ck_assert(!nl_reader_has(&r, 0));
	uint8_t v = 0x55;
	ck_assert_int_eq(nl_peek_u8(&r, 0, &v), -1);
	struct nl_reader s = nl_reader_sub(&r, 1);
	ck_assert_uint_eq(nl_reader_left(&s), 0);
	struct nl_reader rest = nl_reader_rest(&r);
	ck_assert_uint_eq(nl_reader_left(&rest), 0);
	ck_assert_uint_eq(nl_get_u8(&rest), 0);
}
END_TEST

START_TEST(test_failed_read_consumes_nothing_valid)
{
	/* A failed wide read must not consume part of the input and then let a
	 * later narrow read return bytes beyond the failure. */
	struct nl_reader r = nl_reader_make(data, 3);
	ck_assert_uint_eq(nl_get_be32(&r), 0);
	ck_assert_uint_eq(nl_get_u8(&r), 0);
	ck_assert_uint_eq(nl_reader_left(&r), 0);
}
END_TEST

START_TEST(test_sub_longer_than_left)
{
	struct nl_reader r = nl_reader_make(data, sizeof(data));
	nl_reader_skip(&r, 5);
	struct nl_reader s = nl_reader_sub(&r, 10);
	ck_assert(!nl_reader_ok(&r));			/* parent truncated */
	ck_assert_uint_eq(nl_reader_left(&s), 3);	/* covers what is there */
	ck_assert(nl_reader_ok(&s));
	ck_assert_uint_eq(nl_get_be24(&s), 0x060708);
	ck_assert_uint_eq(nl_get_u8(&s), 0);
	ck_assert(!nl_reader_ok(&s));
}
END_TEST

START_TEST(test_skip_and_seek_past_end)
{
	struct nl_reader r = nl_reader_make(data, sizeof(data));
	ck_assert_int_eq(nl_reader_skip(&r, 9), -1);
	ck_assert(!nl_reader_ok(&r));

	r = nl_reader_make(data, sizeof(data));
	ck_assert_int_eq(nl_reader_seek(&r, 9), -1);
	ck_assert(!nl_reader_ok(&r));
	ck_assert_uint_eq(nl_reader_left(&r), 0);
}
END_TEST

/* ---- malformed: lengths designed to wrap -------------------------------- */

START_TEST(test_huge_lengths_do_not_wrap)
{
	static const size_t huge[] = { SIZE_MAX, SIZE_MAX - 1, SIZE_MAX - 7, SIZE_MAX / 2 + 1 };
	for (size_t k = 0; k < sizeof(huge) / sizeof(huge[0]); k++) {
		size_t n = huge[k];
		struct nl_reader r = nl_reader_make(data, sizeof(data));
		nl_get_u8(&r);
		ck_assert(!nl_reader_has(&r, n));
		ck_assert_int_eq(nl_reader_skip(&r, n), -1);
		ck_assert(!nl_reader_ok(&r));
		ck_assert_uint_eq(nl_reader_left(&r), 0);

		r = nl_reader_make(data, sizeof(data));
		nl_get_u8(&r);
		ck_assert(nl_get_span(&r, n) == NULL);
		ck_assert(!nl_reader_ok(&r));

		r = nl_reader_make(data, sizeof(data));
		nl_get_u8(&r);
		ck_assert_int_eq(nl_reader_seek(&r, n), -1);
		ck_assert(!nl_reader_ok(&r));

		r = nl_reader_make(data, sizeof(data));
		nl_get_u8(&r);
		struct nl_reader s = nl_reader_sub(&r, n);
		ck_assert(!nl_reader_ok(&r));
		ck_assert_uint_eq(nl_reader_left(&s), 7);

		r = nl_reader_make(data, sizeof(data));
		nl_get_u8(&r);
		uint8_t v = 0x55;
		ck_assert_int_eq(nl_peek_u8(&r, n, &v), -1);
		ck_assert_uint_eq(v, 0x55);
	}
}
END_TEST

START_TEST(test_huge_skip_after_partial_read)
{
	/* off + n would wrap to a small number; n <= len - off cannot. */
	struct nl_reader r = nl_reader_make(data, sizeof(data));
	nl_reader_skip(&r, 4);
	ck_assert_int_eq(nl_reader_skip(&r, SIZE_MAX - 2), -1);
	ck_assert(!nl_reader_ok(&r));
	ck_assert_uint_eq(nl_get_u8(&r), 0);
}
END_TEST

/* ---- regressions ------------------------------------------------------- */

START_TEST(test_sub_of_failed_parent_is_empty)
{
	struct nl_reader r = nl_reader_make(data, sizeof(data));
	nl_reader_fail(&r);
	struct nl_reader s = nl_reader_sub(&r, 4);
	ck_assert_uint_eq(nl_reader_left(&s), 0);
	ck_assert_uint_eq(nl_get_u8(&s), 0);
	ck_assert(!nl_reader_ok(&s));
}
END_TEST

START_TEST(test_bytes_zeroed_on_failure)
{
	struct nl_reader r = nl_reader_make(data, 2);
	uint8_t d[4];
	memset(d, 0xaa, sizeof(d));
	ck_assert_int_eq(nl_get_bytes(&r, d, 4), -1);
	for (size_t i = 0; i < sizeof(d); i++)
		ck_assert_uint_eq(d[i], 0);
}
END_TEST

static Suite *reader_suite(void)
{
	Suite *s = suite_create("reader");
	const int ng = (int)(sizeof(getters) / sizeof(getters[0]));

	TCase *tc = tcase_create("valid");
	tcase_add_test(tc, test_make_and_left);
	tcase_add_test(tc, test_getters_values);
	tcase_add_loop_test(tc, test_getter_exact_bound, 0, ng);
	tcase_add_test(tc, test_seek_and_skip);
	tcase_add_test(tc, test_peek);
	tcase_add_test(tc, test_sub_reader);
	suite_add_tcase(s, tc);

	tc = tcase_create("truncated");
	tcase_add_loop_test(tc, test_getter_one_past, 0, ng);
	tcase_add_test(tc, test_sticky_error);
	tcase_add_test(tc, test_failed_read_consumes_nothing_valid);
	tcase_add_test(tc, test_sub_longer_than_left);
	tcase_add_test(tc, test_skip_and_seek_past_end);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_test(tc, test_huge_lengths_do_not_wrap);
	tcase_add_test(tc, test_huge_skip_after_partial_read);
	suite_add_tcase(s, tc);

	tc = tcase_create("regressions");
	tcase_add_test(tc, test_sub_of_failed_parent_is_empty);
	tcase_add_test(tc, test_bytes_zeroed_on_failure);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(reader_suite());
}
