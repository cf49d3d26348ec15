/*
 * test_geoip.c - core/geoip.c on the test databases (tests/captures/geoip):
 *  - an address in the files gets its country, AS and city, the same on a
 *    second (cached) lookup; one not in them gets nothing; an IPv4 address
 *    is found in IPv6 trees too;
 *  - the remote end of a flow is the end that is not local (the
 *    destination when locality is unknown);
 *  - a named file that is not a database is an error naming the option.
 * Skips its lookups when built without GeoIP.
 */
#include "config.h"

#include <stdlib.h>

#include "tests/unit/unit.h"
#include "core/geoip.h"

/* A file of the tests' databases ($TOP_SRCDIR, set by make check). */
static const char *DB(const char *f)
{
	static char p[4][1024];
	static int n;
	const char *top = getenv("TOP_SRCDIR");
	char *out = p[n++ % 4];
	snprintf(out, sizeof(p[0]), "%s/tests/captures/geoip/%s", top && *top ? top : ".", f);
	return out;
}

#ifdef HAVE_GEOIP
static int str_is(struct geoip_str s, const char *want)
{
	return s.len == strlen(want) && !memcmp(s.s, want, s.len);
}
#endif

START_TEST(lookups)
{
#ifdef HAVE_GEOIP
	char err[512];
	struct geoip *g = geoip_open(DB("country.mmdb"), DB("asn.mmdb"), DB("city.mmdb"), err, sizeof(err));
	ck_assert_msg(g != NULL, "%s", err);
	ck_assert_str_eq(geoip_files(g), "country.mmdb, asn.mmdb, city.mmdb");
	uint8_t a[16] = { 10, 231, 0, 2 };
	struct geoip_answer r;
	for (int pass = 0; pass < 2; pass++) {	/* the second from the cache */
		ck_assert_int_eq(geoip_lookup(g, 4, a, &r), 0);
		ck_assert_str_eq(r.country_code, "DE");
		ck_assert(str_is(r.country, "Germany"));
		ck_assert_uint_eq(r.asn, 64500);
		ck_assert(str_is(r.as_org, "Example Carrier GmbH"));
		ck_assert(str_is(r.city, "Berlin"));
		ck_assert(str_is(r.postal, "10115"));
	}
	uint8_t v6[16] = { 0xfd, 0x00, 0x02, 0x31, [13] = 0x09, [15] = 0x02 };	/* fd00:231::9:2 */
	ck_assert_int_eq(geoip_lookup(g, 6, v6, &r), 0);
	ck_assert_str_eq(r.country_code, "JP");
	uint8_t none[16] = { 203, 0, 113, 9 };
	ck_assert_int_eq(geoip_lookup(g, 4, none, &r), -1);
	ck_assert_int_eq(geoip_lookup(g, 5, a, &r), -1);	/* no such family */
	/* many addresses through the bounded cache: answers stay right */
	for (unsigned i = 0; i < 3 * GEOIP_CACHE_SLOTS; i++) {
		uint8_t x[16] = { 10, 231, (uint8_t)(i >> 8), (uint8_t)i };
		int hit = geoip_lookup(g, 4, x, &r) == 0;
		ck_assert_int_eq(hit, ((i >> 8) == 0 || (i >> 8) == 9) && (i & 0xff) == 2);	/* 10.231.0.2, 10.231.9.2 */
	}
	geoip_free(g);
#endif
}
END_TEST

START_TEST(bad_file)
{
	char err[512];
	ck_assert_ptr_null(geoip_open(NULL, DB("../linktypes/sll.pcap"), NULL, err, sizeof(err)));
	ck_assert_msg(strstr(err, "--geoip-asn") != NULL, "%s", err);
}
END_TEST

START_TEST(remote_end)
{
	struct flow f;
	memset(&f, 0, sizeof(f));
	f.key.family = 4;
	f.key.a[0] = 1;
	f.key.b[0] = 2;
	ck_assert_ptr_eq(geoip_remote_addr(&f), f.key.b);	/* unknown: the destination */
	f.flags = FLOW_LOCAL_A;
	ck_assert_ptr_eq(geoip_remote_addr(&f), f.key.b);
	f.flags = FLOW_LOCAL_B;
	ck_assert_ptr_eq(geoip_remote_addr(&f), f.key.a);	/* only the destination is ours */
	f.flags = FLOW_LOCAL_B | FLOW_SRC_IS_B;
	ck_assert_ptr_eq(geoip_remote_addr(&f), f.key.a);	/* the source (b) is ours */
	f.key.family = 0;
	ck_assert_ptr_null(geoip_remote_addr(&f));	/* ARP */
}
END_TEST

static Suite *geoip_suite(void)
{
	Suite *s = suite_create("geoip");
	TCase *tc = tcase_create("geoip");
	tcase_add_test(tc, lookups);
	tcase_add_test(tc, bad_file);
	tcase_add_test(tc, remote_end);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(geoip_suite());
}
