/* test_names.c - the passive name cache (core/names.c). */
#include "config.h"

#include "unit.h"

#include "names.h"

static const uint8_t A4[4] = { 192, 0, 2, 1 };
static const uint8_t B4[4] = { 192, 0, 2, 2 };
static const uint8_t A6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };

static const char *get(struct names *n, int family, const uint8_t *addr)
{
	static char buf[NAMES_MAX_LEN + 1];
	size_t len = 0;
	const char *s = names_lookup(n, family, addr, &len);
	if (!s)
		return NULL;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return buf;
}

START_TEST(test_note_and_lookup)
{
	struct names *n = names_new(16);
	ck_assert_ptr_nonnull(n);
	ck_assert_ptr_null(get(n, 4, A4));
	names_note(n, 4, A4, "www.example.org", 15);
	names_note(n, 6, A6, "v6.example.org", 14);
	ck_assert_str_eq(get(n, 4, A4), "www.example.org");
	ck_assert_str_eq(get(n, 6, A6), "v6.example.org");
	ck_assert_ptr_null(get(n, 4, B4));
	/* The same first four bytes under the other family are another address. */
	uint8_t v6[16] = { 192, 0, 2, 1 };
	ck_assert_ptr_null(get(n, 6, v6));
	/* A newer answer replaces the name; the count does not grow. */
	names_note(n, 4, A4, "cdn.example.net", 15);
	ck_assert_str_eq(get(n, 4, A4), "cdn.example.net");
	ck_assert_uint_eq(names_count(n), 2);
	names_free(n);
}
END_TEST

START_TEST(test_bounded_oldest_forgotten)
{
	struct names *n = names_new(100);
	uint8_t a[4] = { 10, 0, 0, 0 };
	char name[32];
	for (int i = 0; i < 250; i++) {
		a[2] = (uint8_t)(i >> 8);
		a[3] = (uint8_t)i;
		int l = snprintf(name, sizeof(name), "host%d.test", i);
		names_note(n, 4, a, name, (size_t)l);
	}
	ck_assert_uint_eq(names_count(n), 100);
	for (int i = 0; i < 250; i++) {
		a[2] = (uint8_t)(i >> 8);
		a[3] = (uint8_t)i;
		const char *s = get(n, 4, a);
		if (i < 150) {
			ck_assert_msg(s == NULL, "host%d should have been forgotten", i);
		} else {
			snprintf(name, sizeof(name), "host%d.test", i);
			ck_assert_ptr_nonnull(s);
			ck_assert_str_eq(s, name);
		}
	}
	names_free(n);
}
END_TEST

/* Address i of a sequence, two IPv4 (10.9.x.y) to one IPv6 (2001:db8::x:y):
 * its family. */
static int nth_addr(int i, uint8_t a[16])
{
	memset(a, 0, 16);
	if (i % 3) {
		memcpy(a, (const uint8_t[]){ 10, 9, (uint8_t)(i >> 8), (uint8_t)i }, 4);
		return 4;
	}
	memcpy(a, (const uint8_t[]){ 0x20, 0x01, 0x0d, 0xb8 }, 4);
	a[14] = (uint8_t)(i >> 8);
	a[15] = (uint8_t)i;
	return 6;
}

/* A cache of 7 entries in 8 chains, fed 2 000 addresses of both families:
 * chains get several links, and the entry replaced is often in the middle
 * of one. After each answer the last 7 are found with their names and the
 * one before them is gone. */
START_TEST(test_replaced_inside_chains)
{
	enum { CAP = 7, N = 2000 };
	struct names *n = names_new(CAP);
	ck_assert_ptr_nonnull(n);
	char name[32];
	uint8_t a[16];
	for (int i = 0; i < N; i++) {
		int family = nth_addr(i, a);
		int l = snprintf(name, sizeof(name), "n%d.test", i);
		names_note(n, family, a, name, (size_t)l);
		for (int back = 0; back <= CAP && back <= i; back++) {
			int k = i - back;
			int fk = nth_addr(k, a);
			const char *s = get(n, fk, a);
			if (back == CAP) {
				ck_assert_msg(s == NULL, "n%d still known after %d more", k, CAP);
			} else {
				snprintf(name, sizeof(name), "n%d.test", k);
				ck_assert_msg(s && !strcmp(s, name), "n%d lost after %d more", k, back);
			}
		}
		ck_assert_uint_eq(names_count(n), i < CAP ? (unsigned)i + 1 : CAP);
	}
	names_free(n);
}
END_TEST

START_TEST(test_hostile_input)
{
	struct names *n = names_new(4);
	char big[1000];
	memset(big, 'x', sizeof(big));
	names_note(n, 4, A4, big, sizeof(big));	/* cut to NAMES_MAX_LEN */
	ck_assert_uint_eq(strlen(get(n, 4, A4)), NAMES_MAX_LEN);
	names_note(n, 5, A4, "bad", 3);		/* unknown family: ignored */
	names_note(n, 4, A4, "", 0);		/* empty: ignored, old name stays */
	names_note(n, 4, NULL, "x", 1);
	names_note(NULL, 4, A4, "x", 1);
	ck_assert_uint_eq(strlen(get(n, 4, A4)), NAMES_MAX_LEN);
	ck_assert_uint_eq(names_count(n), 1);
	size_t len;
	ck_assert_ptr_null(names_lookup(NULL, 4, A4, &len));
	ck_assert_ptr_null(names_lookup(n, 0, A4, &len));
	/* Bytes are kept as they came: views sanitise them. */
	names_note(n, 4, B4, "a\x1b[2Jb", 6);
	ck_assert_mem_eq(names_lookup(n, 4, B4, &len), "a\x1b[2Jb", 6);
	ck_assert_ptr_null(names_new(0));
	names_free(n);
}
END_TEST

START_TEST(test_freshness)
{
	struct names *n = names_new(8);
	const uint64_t t0 = 1700000000ull * 1000000u, s = 1000000u;
	names_note_ttl(n, 4, A4, "short.example", 13, 5, t0);	/* a CDN's 5 s: held 60 s */
	ck_assert(names_fresh(n, 4, A4, t0 + 59 * s));
	ck_assert(!names_fresh(n, 4, A4, t0 + 61 * s));
	ck_assert_str_eq(get(n, 4, A4), "short.example");	/* stale, still known */
	names_note_ttl(n, 4, B4, "long.example", 12, 10000000, t0);	/* capped at a day */
	ck_assert(names_fresh(n, 4, B4, t0 + 86399 * s));
	ck_assert(!names_fresh(n, 4, B4, t0 + 86401 * s));
	names_note_ttl(n, 4, A4, "short.example", 13, 300, t0 + 120 * s);	/* a new answer */
	ck_assert(names_fresh(n, 4, A4, t0 + 400 * s));
	ck_assert(!names_fresh(n, 6, A6, t0));
	ck_assert(!names_fresh(NULL, 4, A4, t0));
	names_free(n);
}
END_TEST

static Suite *names_suite(void)
{
	Suite *s = suite_create("names");
	TCase *tc = tcase_create("valid");
	tcase_add_test(tc, test_note_and_lookup);
	tcase_add_test(tc, test_bounded_oldest_forgotten);
	tcase_add_test(tc, test_replaced_inside_chains);
	tcase_add_test(tc, test_freshness);
	suite_add_tcase(s, tc);
	tc = tcase_create("malformed");
	tcase_add_test(tc, test_hostile_input);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(names_suite());
}
