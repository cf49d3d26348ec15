/* test_export.c - the IPFIX encoder (export_ipfix.c) and collector URLs. */
#include "config.h"

#include "unit.h"
#include "export.h"
#include <netlens/dissector.h>

static uint16_t be16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static uint64_t be64(const uint8_t *p) { return (uint64_t)be32(p) << 32 | be32(p + 4); }

static void sample(struct export_rec *r)
{
	memset(r, 0, sizeof(*r));
	r->family = 4;
	r->proto = 6;
	memcpy(r->src, "\x0a\x00\x00\x01", 4);
	memcpy(r->dst, "\x0a\x00\x00\x02", 4);
	r->sport = 40000;
	r->dport = 443;
	r->octets = 1000;
	r->packets = 10;
	r->rev_octets = 5000;
	r->rev_packets = 7;
	r->start_ms = 1700000000123ull;
	r->end_ms = 1700000001456ull;
	r->end_reason = EXPORT_END_DETECTED;
	r->tcp_flags = 0x13;
	r->biflow_dir = 1;
	r->pid = 4242;
	r->process.s = "curl";
	r->process.len = 4;
	r->state.s = "TIME_WAIT";
	r->state.len = 9;
	r->in_ifindex = 3;
	r->ifname.s = "eth0";
	r->ifname.len = 4;
	r->dissector = -1;
}

/* Walks a message: header, sets; returns the number of sets, checks that
 * every length adds up. */
static int walk(const uint8_t *m, size_t len)
{
	ck_assert_uint_ge(len, 16);
	ck_assert_uint_eq(be16(m), 10);
	ck_assert_uint_eq(be16(m + 2), len);
	size_t off = 16;
	int sets = 0;
	while (off < len) {
		ck_assert_uint_le(4, len - off);
		uint16_t sl = be16(m + off + 2);
		ck_assert_uint_ge(sl, 4);
		ck_assert_uint_le(sl, len - off);
		off += sl;
		sets++;
	}
	ck_assert_uint_eq(off, len);
	return sets;
}

START_TEST(test_template_and_record)
{
	struct ipfix_template t;
	uint8_t taken[4096] = { 0 };
	ipfix_template_build(&t, 256, 4, EXPORT_DEFAULT_PEN, NULL, 0, taken);
	uint8_t buf[1500];
	struct ipfix_msg m;
	ipfix_msg_begin(&m, buf, sizeof(buf), 7);
	ck_assert_int_eq(ipfix_msg_add_template(&m, &t), 0);
	struct export_rec r;
	sample(&r);
	ck_assert_int_eq(ipfix_msg_add_record(&m, &t, &r, 255), 0);
	ck_assert_int_eq(ipfix_msg_add_record(&m, &t, &r, 255), 0);
	ck_assert_uint_eq(m.records, 2);
	size_t len = ipfix_msg_end(&m);
	ipfix_msg_stamp(buf, 1700000002u, 99);
	ck_assert_int_eq(walk(buf, len), 2);
	ck_assert_uint_eq(be32(buf + 4), 1700000002u);
	ck_assert_uint_eq(be32(buf + 8), 99);
	ck_assert_uint_eq(be32(buf + 12), 7);
	/* template set: ID 2, template 256 with t.n fields */
	const uint8_t *ts = buf + 16;
	ck_assert_uint_eq(be16(ts), 2);
	ck_assert_uint_eq(be16(ts + 4), 256);
	ck_assert_uint_eq(be16(ts + 6), t.n);
	/* first field: sourceIPv4Address, 4 bytes; the reverse octets carry the
	 * enterprise bit and 29305 */
	ck_assert_uint_eq(be16(ts + 8), 8);
	ck_assert_uint_eq(be16(ts + 10), 4);
	const uint8_t *p = ts + 8;
	int seen_reverse = 0;
	for (unsigned i = 0; i < t.n; i++) {
		uint16_t id = be16(p);
		p += 4;
		if (id & 0x8000) {
			if ((id & 0x7fff) == 1 && be32(p) == EXPORT_REVERSE_PEN)
				seen_reverse = 1;
			p += 4;
		}
	}
	ck_assert(seen_reverse);
	/* data set: the fields in template order */
	const uint8_t *ds = ts + be16(ts + 2);
	ck_assert_uint_eq(be16(ds), 256);
	const uint8_t *d = ds + 4;
	ck_assert_int_eq(memcmp(d, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8), 0);
	ck_assert_uint_eq(be16(d + 8), 40000);
	ck_assert_uint_eq(be16(d + 10), 443);
	ck_assert_uint_eq(d[12], 6);
	ck_assert_uint_eq(be64(d + 13), 1000);
	ck_assert_uint_eq(be64(d + 21), 10);
	ck_assert_uint_eq(be64(d + 29), 5000);
	ck_assert_uint_eq(be64(d + 37), 7);
	ck_assert_uint_eq(be64(d + 45), 1700000000123ull);
	ck_assert_uint_eq(be64(d + 53), 1700000001456ull);
	ck_assert_uint_eq(d[61], EXPORT_END_DETECTED);
	ck_assert_uint_eq(be16(d + 62), 0x13);
	ck_assert_uint_eq(d[64], 1);
	ck_assert_uint_eq(d[65], 0);		/* applicationName: empty */
	ck_assert_uint_eq(d[66], 4);		/* process name */
	ck_assert_int_eq(memcmp(d + 67, "curl", 4), 0);
	ck_assert_uint_eq(be32(d + 71), 4242);
	ck_assert_uint_eq(d[75], 9);		/* flowStateName */
	ck_assert_int_eq(memcmp(d + 76, "TIME_WAIT", 9), 0);
	ck_assert_uint_eq(d[85], 0);		/* remoteName: empty */
	ck_assert_uint_eq(be32(d + 94), 3);	/* ingressInterface (IE 10) */
	ck_assert_uint_eq(d[98], 4);		/* interfaceName (IE 82) */
	ck_assert_int_eq(memcmp(d + 99, "eth0", 4), 0);
	/* the template says so: IE 10, 4 bytes, then IE 82, variable */
	p = ts + 8;
	int seen_if = 0;
	for (unsigned i = 0; i < t.n; i++) {
		uint16_t id = be16(p), l = be16(p + 2);
		if (id == 10 && l == 4)
			seen_if |= 1;
		if (id == 82 && l == IPFIX_VARLEN)
			seen_if |= 2;
		p += id & 0x8000 ? 8 : 4;
	}
	ck_assert_int_eq(seen_if, 3);
}
END_TEST

START_TEST(test_long_string_three_byte_length)
{
	struct ipfix_template t;
	ipfix_template_build(&t, 256, 6, EXPORT_DEFAULT_PEN, NULL, 0, NULL);
	uint8_t buf[1500];
	struct ipfix_msg m;
	char name[300];
	memset(name, 'a', sizeof(name));
	struct export_rec r;
	sample(&r);
	r.family = 6;
	r.process.s = name;
	r.process.len = sizeof(name);
	ipfix_msg_begin(&m, buf, sizeof(buf), 1);
	ck_assert_int_eq(ipfix_msg_add_record(&m, &t, &r, 1000), 0);
	size_t len = ipfix_msg_end(&m);
	walk(buf, len);
	/* v6: 16+16+2+2+1+8*6+1+2+1 = 89 bytes, then app (1), then 255 + 300 */
	const uint8_t *d = buf + 20 + 89 + 1;
	ck_assert_uint_eq(d[0], 255);
	ck_assert_uint_eq(be16(d + 1), 300);
	/* the cap cuts it to one length byte */
	ipfix_msg_begin(&m, buf, sizeof(buf), 1);
	ck_assert_int_eq(ipfix_msg_add_record(&m, &t, &r, 200), 0);
	ipfix_msg_end(&m);
	ck_assert_uint_eq(buf[20 + 89 + 1], 200);
}
END_TEST

/* Strings are UTF-8 in IPFIX (RFC 7011 §6.1.6); the wire's bytes are not. */
START_TEST(test_string_clean)
{
	uint8_t out[64];
	/* valid UTF-8 kept; controls, DEL, '\', lone and overlong bytes escaped */
	static const char in[] = "a\xc3\xa9\x01\x7f\\\xff\xc3(\xc0\xaf\xe2\x82\xac\xc2\x85z";
	size_t n = ipfix_str_clean(out, in, sizeof(in) - 1, sizeof(out));
	static const char want[] = "a\xc3\xa9\\x01\\x7f\\x5c\\xff\\xc3(\\xc0\\xaf\xe2\x82\xac\\xc2\\x85z";
	ck_assert_uint_eq(n, sizeof(want) - 1);
	ck_assert_mem_eq(out, want, n);
	ck_assert_uint_eq(ipfix_str_clean(NULL, in, sizeof(in) - 1, sizeof(out)), n);
	/* the cut falls between characters: never half of "é" or of "\xff" */
	ck_assert_uint_eq(ipfix_str_clean(out, "ab\xc3\xa9", 4, 3), 2);
	ck_assert_uint_eq(ipfix_str_clean(out, "ab\xff", 3, 5), 2);
	ck_assert_uint_eq(ipfix_str_clean(out, "ab\xff", 3, 6), 6);
	ck_assert_uint_eq(ipfix_str_clean(out, "\xe2\x82", 2, 64), 8);	/* a truncated € */
	ck_assert_uint_eq(ipfix_str_clean(out, "x", 1, 0), 0);
	/* a right-to-left override (U+202E) is written byte by byte */
	ck_assert_uint_eq(ipfix_str_clean(out, "a\xe2\x80\xae" "b", 5, 64), 14);
	ck_assert_mem_eq(out, "a\\xe2\\x80\\xaeb", 14);
}
END_TEST

/* A record's strings go out cleaned, and the length bytes say so. */
START_TEST(test_record_strings_utf8)
{
	struct ipfix_template t;
	ipfix_template_build(&t, 256, 4, EXPORT_DEFAULT_PEN, NULL, 0, NULL);
	uint8_t buf[1500];
	struct ipfix_msg m;
	struct export_rec r;
	sample(&r);
	char name[300];
	for (size_t i = 0; i < sizeof(name); i += 2)
		memcpy(name + i, "\xc3\xa9", 2);	/* 150 × "é" */
	r.process.s = name;
	r.process.len = sizeof(name);
	r.state.s = "\xff";
	r.state.len = 1;
	ipfix_msg_begin(&m, buf, sizeof(buf), 1);
	ck_assert_int_eq(ipfix_msg_add_record(&m, &t, &r, 255), 0);
	walk(buf, ipfix_msg_end(&m));
	/* v4: 4+4+2+2+1+8*6+1+2+1 = 65 bytes, then app (1), then the process */
	const uint8_t *d = buf + 20 + 65 + 1;
	ck_assert_uint_eq(d[0], 254);	/* 127 whole "é", not 255 bytes */
	ck_assert_uint_eq((uint8_t)d[254], 0xa9);
	d += 1 + 254 + 4;		/* then the pid, then the state */
	ck_assert_uint_eq(d[0], 4);
	ck_assert_mem_eq(d + 1, "\\xff", 4);
}
END_TEST

START_TEST(test_full_message_unchanged)
{
	struct ipfix_template t;
	ipfix_template_build(&t, 256, 4, EXPORT_DEFAULT_PEN, NULL, 0, NULL);
	uint8_t buf[200];
	struct ipfix_msg m;
	struct export_rec r;
	sample(&r);
	ipfix_msg_begin(&m, buf, sizeof(buf), 1);
	int n = 0;
	while (ipfix_msg_add_record(&m, &t, &r, 255) == 0)
		n++;
	ck_assert_int_eq(n, 1);	/* 16 + 4 + 94, and a second would make 208 */
	size_t before = m.len;
	ck_assert_int_eq(ipfix_msg_add_record(&m, &t, &r, 255), -1);
	ck_assert_uint_eq(m.len, before);
	ck_assert_uint_le(ipfix_msg_end(&m), sizeof(buf));
	walk(buf, m.len);
	/* a template that does not fit is refused the same way */
	ipfix_msg_begin(&m, buf, 40, 1);
	ck_assert_int_eq(ipfix_msg_add_template(&m, &t), -1);
	ck_assert_uint_eq(m.len, 16);
}
END_TEST

START_TEST(test_field_elements)
{
	uint16_t id, len;
	uint32_t pen;
	ipfix_field_element("http.host", NL_FIELD_STR, 32473, NULL, &id, &len, &pen);
	ck_assert_uint_eq(id, 460);
	ck_assert_uint_eq(pen, 0);
	ipfix_field_element("http.user_agent", NL_FIELD_STR, 32473, NULL, &id, &len, &pen);
	ck_assert_uint_eq(id, 468);
	ipfix_field_element("http.version", NL_FIELD_STR, 32473, NULL, &id, &len, &pen);
	ck_assert_uint_eq(id, 462);	/* httpMessageVersion */
	ck_assert_uint_eq(pen, 0);
	ck_assert_uint_eq(len, IPFIX_VARLEN);
	ipfix_field_element("tls.ja4", NL_FIELD_STR, 99, NULL, &id, &len, &pen);
	ck_assert_uint_eq(id, 105);
	ck_assert_uint_eq(pen, 99);
	ck_assert_uint_eq(len, IPFIX_VARLEN);
	/* a third party's field: stable, in 1024..32767, the next on a collision */
	uint8_t taken[4096] = { 0 };
	ipfix_field_element("mqtt.topic", NL_FIELD_STR, 99, taken, &id, &len, &pen);
	ck_assert_uint_ge(id, 1024);
	ck_assert_uint_le(id, 32767);
	uint16_t again;
	ipfix_field_element("mqtt.topic", NL_FIELD_STR, 99, taken, &again, &len, &pen);
	ck_assert_uint_eq(again, id);
	taken[id >> 3] |= (uint8_t)(1u << (id & 7));
	ipfix_field_element("mqtt.topic", NL_FIELD_U64, 99, taken, &again, &len, &pen);
	ck_assert_uint_eq(again, id == 32767 ? 1024 : id + 1);
	ck_assert_uint_eq(len, 8);
}
END_TEST

START_TEST(test_dissector_template_fields)
{
	static const struct ipfix_field_decl f[] = {
		{ "tls.sni", NL_FIELD_STR }, { "tls.alpn", NL_FIELD_STR_LIST }, { "x.count", NL_FIELD_U64 },
	};
	struct ipfix_template t;
	uint8_t taken[4096] = { 0 };
	ipfix_template_build(&t, 260, 4, 5555, f, 3, taken);
	struct export_rec r;
	sample(&r);
	r.dissector = 0;
	r.fields[0].s = "example.org";
	r.fields[0].len = 11;
	r.fields[1].s = "h2,http/1.1";
	r.fields[1].len = 11;
	r.field_num[2] = 77;
	uint8_t buf[1500];
	struct ipfix_msg m;
	ipfix_msg_begin(&m, buf, sizeof(buf), 1);
	ck_assert_int_eq(ipfix_msg_add_record(&m, &t, &r, 255), 0);
	size_t len = ipfix_msg_end(&m);
	walk(buf, len);
	/* the record ends with: 11 "example.org" 11 "h2,http/1.1" u64 77 */
	const uint8_t *end = buf + len;
	ck_assert_uint_eq(be64(end - 8), 77);
	ck_assert_int_eq(memcmp(end - 8 - 11, "h2,http/1.1", 11), 0);
	ck_assert_uint_eq(end[-8 - 12], 11);
	ck_assert_int_eq(memcmp(end - 8 - 12 - 11, "example.org", 11), 0);
}
END_TEST

static const struct {
	const char *url;
	int ok, tcp;
	const char *host;
	unsigned port;
} urls[] = {
	{ "ipfix://collector.example", 1, 0, "collector.example", 4739 },
	{ "ipfix://10.0.0.1:2055", 1, 0, "10.0.0.1", 2055 },
	{ "ipfix+tcp://10.0.0.1", 1, 1, "10.0.0.1", 4739 },
	{ "ipfix+udp://h:9", 1, 0, "h", 9 },
	{ "ipfix://[2001:db8::1]:4740", 1, 0, "2001:db8::1", 4740 },
	{ "ipfix://[2001:db8::1]", 1, 0, "2001:db8::1", 4739 },
	{ "ipfix://2001:db8::1", 0, 0, NULL, 0 },
	{ "ipfix://", 0, 0, NULL, 0 },
	{ "ipfix://h:0", 0, 0, NULL, 0 },
	{ "ipfix://h:65536", 0, 0, NULL, 0 },
	{ "ipfix://h:-1", 0, 0, NULL, 0 },
	{ "ipfix://h:", 0, 0, NULL, 0 },
	{ "ipfix://h/path", 0, 0, NULL, 0 },
	{ "netflow://h", 0, 0, NULL, 0 },
	{ "ipfix://[::1", 0, 0, NULL, 0 },
};

START_TEST(test_urls)
{
	struct export_target t;
	char err[256];
	int rc = export_parse_url(urls[_i].url, &t, err, sizeof(err));
	ck_assert_int_eq(rc == 0, urls[_i].ok);
	if (!urls[_i].ok) {
		ck_assert(strstr(err, "--export"));
		return;
	}
	ck_assert_int_eq(t.tcp, urls[_i].tcp);
	ck_assert_str_eq(t.host, urls[_i].host);
	ck_assert_uint_eq(t.port, urls[_i].port);
}
END_TEST

static Suite *export_suite(void)
{
	Suite *s = suite_create("export");
	TCase *tc = tcase_create("valid");
	tcase_add_test(tc, test_template_and_record);
	tcase_add_test(tc, test_long_string_three_byte_length);
	tcase_add_test(tc, test_string_clean);
	tcase_add_test(tc, test_record_strings_utf8);
	tcase_add_test(tc, test_field_elements);
	tcase_add_test(tc, test_dissector_template_fields);
	tcase_add_loop_test(tc, test_urls, 0, (int)(sizeof(urls) / sizeof(urls[0])));
	suite_add_tcase(s, tc);
	tc = tcase_create("bounds");
	tcase_add_test(tc, test_full_message_unchanged);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(export_suite());
}
