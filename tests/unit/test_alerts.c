/* test_alerts.c - the alert list and the rate threshold (core/alerts.c). */
#include "config.h"

#include "unit.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "alerts.h"
#include "flow.h"

static struct alerts *parse(const char *text)
{
	struct alerts *al = alerts_new();
	char err[512];
	ck_assert_ptr_nonnull(al);
	ck_assert_msg(alerts_parse_list(al, text, strlen(text), "list", err, sizeof(err)) == 0, "%s", err);
	return al;
}

/* The entry and label for a textual address, or NULL. */
static const char *match(const struct alerts *al, const char *addr, char *what)
{
	uint8_t b[16];
	int v6 = strchr(addr, ':') != NULL;
	ck_assert_int_eq(inet_pton(v6 ? AF_INET6 : AF_INET, addr, b), 1);
	return alerts_match(al, v6 ? 6 : 4, b, what);
}

#define MATCHES(al, addr, want_what, want_label) do { \
	char w_[ALERTS_WHAT_LEN]; \
	const char *l_ = match(al, addr, w_); \
	ck_assert_msg(l_ != NULL, "%s is on no entry", addr); \
	ck_assert_str_eq(w_, want_what); \
	ck_assert_str_eq(l_, want_label); \
} while (0)
#define NO_MATCH(al, addr) do { \
	char w_[ALERTS_WHAT_LEN]; \
	const char *l_ = match(al, addr, w_); \
	ck_assert_msg(l_ == NULL, "%s matched %s", addr, w_); \
} while (0)

START_TEST(test_list_forms)
{
	struct alerts *al = parse(
		"# a comment\n"
		"\n"
		"   203.0.113.7\n"
		"198.51.100.0/24   documentation net  \n"
		"10.0.0.0/8\tprivate # a comment after a blank\n"
		"10.1.0.0/16 inner\r\n"
		"10.1.2.3 host#3\n"
		"192.0.2.77/24 host bits dropped\n"
		"2001:db8:bad::/48 v6 lab\n"
		"::ffff:0:0/96 mapped\n"
		"fd00::1\n");
	ck_assert_uint_eq(alerts_list_size(al), 9);
	MATCHES(al, "203.0.113.7", "203.0.113.7", "");
	NO_MATCH(al, "203.0.113.8");
	MATCHES(al, "198.51.100.0", "198.51.100.0/24", "documentation net");
	MATCHES(al, "198.51.100.255", "198.51.100.0/24", "documentation net");
	NO_MATCH(al, "198.51.101.0");
	NO_MATCH(al, "198.51.99.255");
	/* nested: the narrowest entry holding the address */
	MATCHES(al, "10.200.0.1", "10.0.0.0/8", "private");
	MATCHES(al, "10.1.9.9", "10.1.0.0/16", "inner");
	MATCHES(al, "10.1.2.3", "10.1.2.3", "host#3");	/* '#' not after a blank: kept */
	MATCHES(al, "10.1.2.4", "10.1.0.0/16", "inner");
	MATCHES(al, "10.255.255.255", "10.0.0.0/8", "private");
	NO_MATCH(al, "11.0.0.0");
	MATCHES(al, "192.0.2.1", "192.0.2.0/24", "host bits dropped");
	MATCHES(al, "2001:db8:bad:ffff::1", "2001:db8:bad::/48", "v6 lab");
	NO_MATCH(al, "2001:db8:bae::");
	MATCHES(al, "fd00::1", "fd00::1", "");
	NO_MATCH(al, "fd00::2");
	/* families are apart: an IPv4 address is not its mapped IPv6 form */
	MATCHES(al, "::ffff:203.0.113.9", "::ffff:0.0.0.0/96", "mapped");
	NO_MATCH(al, "203.0.113.9");
	alerts_free(al);
}
END_TEST

START_TEST(test_list_edges)
{
	struct alerts *al = parse("0.0.0.0/0 everything v4\n");
	MATCHES(al, "0.0.0.0", "0.0.0.0/0", "everything v4");
	MATCHES(al, "255.255.255.255", "0.0.0.0/0", "everything v4");
	NO_MATCH(al, "::1");
	alerts_free(al);
	al = parse("::/0\n8000::/1 top half\nffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128 last\n"
		   "::/64 first64\n");
	MATCHES(al, "::1", "::/64", "first64");
	MATCHES(al, "::1:0:0:0:1", "::/0", "");
	MATCHES(al, "8000::", "8000::/1", "top half");
	MATCHES(al, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe", "8000::/1", "top half");
	MATCHES(al, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "last");
	NO_MATCH(al, "1.2.3.4");
	alerts_free(al);
	/* An empty list matches nothing; a wide range before many narrow ones
	 * still holds what lies past them (the walk back). */
	al = parse("");
	NO_MATCH(al, "1.2.3.4");
	alerts_free(al);
	al = parse("1.0.0.0/8 wide\n1.1.0.0/16\n1.2.0.0/16\n1.3.0.0/16\n1.4.0.0/30\n");
	MATCHES(al, "1.200.0.0", "1.0.0.0/8", "wide");
	MATCHES(al, "1.4.0.5", "1.0.0.0/8", "wide");
	MATCHES(al, "1.4.0.3", "1.4.0.0/30", "");
	alerts_free(al);
}
END_TEST

/* Against a plain linear scan, over random lists and addresses. */
START_TEST(test_list_random_against_scan)
{
	srand(7);
	for (int round = 0; round < 20; round++) {
		char text[16384];
		size_t o = 0;
		uint32_t lo[200], plen[200];
		int n = 1 + rand() % 200;
		for (int i = 0; i < n; i++) {
			plen[i] = (uint32_t)(rand() % 33);
			uint32_t a = (uint32_t)rand() & 0x0f0f00ffu;	/* crowded: nested ranges */
			uint32_t mask = plen[i] ? ~0u << (32 - plen[i]) : 0;
			lo[i] = a & mask;
			o += (size_t)snprintf(text + o, sizeof(text) - o, "%u.%u.%u.%u/%u e%d\n", a >> 24,
					      a >> 16 & 255, a >> 8 & 255, a & 255, plen[i], i);
		}
		struct alerts *al = parse(text);
		for (int k = 0; k < 2000; k++) {
			uint32_t a = (uint32_t)rand() & 0x0f0f01ffu;
			int best = -1;
			for (int i = 0; i < n; i++) {
				uint32_t mask = plen[i] ? ~0u << (32 - plen[i]) : 0;
				if ((a & mask) == lo[i] && (best < 0 || plen[i] > plen[best]))
					best = i;
			}
			uint8_t b[4] = { (uint8_t)(a >> 24), (uint8_t)(a >> 16), (uint8_t)(a >> 8), (uint8_t)a };
			char what[ALERTS_WHAT_LEN];
			const char *l = alerts_match(al, 4, b, what);
			if (best < 0) {
				ck_assert_msg(l == NULL, "round %d: %08x matched %s", round, a, what);
				continue;
			}
			ck_assert_msg(l != NULL, "round %d: %08x on no entry, expected e%d", round, a, best);
			/* the narrowest holder: same prefix length as the scan's best */
			const char *slash = strchr(what, '/');
			unsigned got_plen = slash ? (unsigned)atoi(slash + 1) : 32;
			ck_assert_msg(got_plen == plen[best], "round %d: %08x got %s (%s), expected /%u",
				      round, a, what, l, plen[best]);
		}
		alerts_free(al);
	}
}
END_TEST

/* A flow: the destination's entry first, else the source's; never ARP. */
START_TEST(test_match_flow)
{
	struct alerts *al = parse("10.0.0.0/8 ten\n192.0.2.7 doc\n");
	struct flow f;
	char what[ALERTS_WHAT_LEN];
	int src;
	memset(&f, 0, sizeof(f));
	f.key.family = 4;
	f.key.proto = L4_TCP;
	memcpy(f.key.a, (uint8_t[]){ 10, 1, 2, 3 }, 4);	/* a is the source (FLOW_SRC_IS_B clear) */
	memcpy(f.key.b, (uint8_t[]){ 192, 0, 2, 7 }, 4);
	ck_assert_str_eq(alerts_match_flow(al, &f, what, &src), "doc");
	ck_assert_int_eq(src, 0);
	f.key.b[3] = 8;
	ck_assert_str_eq(alerts_match_flow(al, &f, what, &src), "ten");
	ck_assert_int_eq(src, 1);
	ck_assert_str_eq(what, "10.0.0.0/8");
	f.key.a[0] = 11;
	ck_assert_ptr_null(alerts_match_flow(al, &f, what, &src));
	f.key.a[0] = 10;
	f.key.family = 0;	/* ARP */
	f.key.proto = L4_ARP;
	ck_assert_ptr_null(alerts_match_flow(al, &f, what, &src));
	ck_assert_ptr_null(alerts_match_flow(NULL, &f, what, &src));
	alerts_free(al);
}
END_TEST

static const struct { const char *text, *want; } bad_lists[] = {
	{ "1.2.3\n", "list:1: '1.2.3' is not an IPv4 address" },
	{ "# ok\n1.2.3.4/33\n", "list:2: /33: an IPv4 prefix is at most /32" },
	{ "::1/129\n", "list:1: /129: an IPv6 prefix is at most /128" },
	{ "1.2.3.4/\n", "list:1: a prefix length is a number" },
	{ "1.2.3.4/x\n", "list:1: a prefix length is a number" },
	{ "1.2.3.4/-1\n", "list:1: a prefix length is a number" },
	{ "1.2.3.4/24x\n", "list:1: a prefix length is a number" },
	{ "example.org\n", "list:1: 'example.org' is not an IPv4 address" },
	{ "gg::1\n", "list:1: 'gg::1' is not an IPv6 address" },
	{ "1.2.3.4 a\x1b[2Jb\n", "list:1: a control character (0x1b)" },
	{ "1.2.3.4\n5.6.7.8 x\0y\n", "list:2: a NUL byte" },
	{ "1.2.3.4 0123456789012345678901234567890123456789012345678901234567890123\n",
	  "list:1: a label longer than 63 bytes" },
	{ "01234567890123456789012345678901234567890123456789012345678901234567890\n",
	  "list:1: not an address or network (too long)" },
};

START_TEST(test_list_errors)
{
	struct alerts *al = alerts_new();
	char err[512];
	const char *text = bad_lists[_i].text;
	size_t len = strlen(text);
	if (strstr(bad_lists[_i].want, "NUL"))
		len = 20;	/* the text holds a NUL */
	ck_assert_int_eq(alerts_parse_list(al, text, len, "list", err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, bad_lists[_i].want) != NULL, "'%s' does not say '%s'", err,
		      bad_lists[_i].want);
	ck_assert_ptr_null(strchr(err, '\n'));
	alerts_free(al);
}
END_TEST

START_TEST(test_list_files)
{
	char path[64], err[512];
	snprintf(path, sizeof(path), "/tmp/netlens-test-alerts.%d", (int)getpid());
	FILE *fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("\xef\xbb\xbf" "192.0.2.0/24 test net\n", fp);	/* with a byte order mark */
	fclose(fp);
	struct alerts *al = alerts_new();
	ck_assert_msg(alerts_load_list(al, path, err, sizeof(err)) == 0, "%s", err);
	MATCHES(al, "192.0.2.9", "192.0.2.0/24", "test net");
	unlink(path);
	ck_assert_int_eq(alerts_load_list(al, path, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "No such file") != NULL, "%s", err);
	ck_assert_int_eq(alerts_load_list(al, "/tmp", err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "not a regular file") != NULL, "%s", err);
	alerts_free(al);
}
END_TEST

START_TEST(test_rate_parse)
{
	double v;
	int dir;
	ck_assert_int_eq(alerts_parse_rate("10M", &v, &dir), 0);
	ck_assert(v == 10e6 && dir == -1);
	ck_assert_int_eq(alerts_parse_rate("2.5MB", &v, &dir), 0);
	ck_assert(v == 2.5e6);
	ck_assert_int_eq(alerts_parse_rate("80Mbit", &v, &dir), 0);
	ck_assert(v == 10e6);
	ck_assert_int_eq(alerts_parse_rate("down:500k", &v, &dir), 0);
	ck_assert(v == 500e3 && dir == DIR_REV);
	ck_assert_int_eq(alerts_parse_rate("up:1G", &v, &dir), 0);
	ck_assert(v == 1e9 && dir == DIR_FWD);
	ck_assert_int_eq(alerts_parse_rate("1500", &v, &dir), 0);
	ck_assert(v == 1500);
	ck_assert_int_eq(alerts_parse_rate("8kbit/s", &v, &dir), 0);
	ck_assert(v == 1000);
	static const char *const bad[] = { "", "M", "-1M", "0", "10X", "10 M", "down:", "sideways:1M",
					   "nan", "inf", "1e400", "10Mbits", "1e16" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(alerts_parse_rate(bad[i], &v, &dir) == -1, "'%s' was taken", bad[i]);
}
END_TEST

START_TEST(test_rate_hysteresis)
{
	struct alerts *al = alerts_new();
	ck_assert_int_eq(alerts_rate_dir(al), -2);
	ck_assert_int_eq(alerts_rate_check(al, 1e12), 0);	/* no threshold: never */
	alerts_set_rate(al, 1000, -1);
	ck_assert_int_eq(alerts_rate_check(al, 999), 0);
	ck_assert_int_eq(alerts_rate_check(al, 1000), 0);	/* above, not at */
	ck_assert_int_eq(alerts_rate_check(al, 1001), 1);
	ck_assert_int_eq(alerts_rate_check(al, 5000), 0);	/* once a crossing */
	ck_assert_int_eq(alerts_rate_check(al, 950), 0);	/* not yet below 900 */
	ck_assert_int_eq(alerts_rate_check(al, 1200), 0);
	ck_assert_int_eq(alerts_rate_check(al, 899), -1);
	ck_assert_int_eq(alerts_rate_check(al, 899), 0);
	ck_assert_int_eq(alerts_rate_check(al, 2000), 1);
	alerts_free(al);
}
END_TEST

static Suite *alerts_suite(void)
{
	Suite *s = suite_create("alerts");
	TCase *tc = tcase_create("list");
	tcase_add_test(tc, test_list_forms);
	tcase_add_test(tc, test_list_edges);
	tcase_add_test(tc, test_list_random_against_scan);
	tcase_add_loop_test(tc, test_list_errors, 0, (int)(sizeof(bad_lists) / sizeof(bad_lists[0])));
	tcase_add_test(tc, test_list_files);
	tcase_add_test(tc, test_match_flow);
	suite_add_tcase(s, tc);
	tc = tcase_create("rate");
	tcase_add_test(tc, test_rate_parse);
	tcase_add_test(tc, test_rate_hysteresis);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(alerts_suite());
}
