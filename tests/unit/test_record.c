/* test_record.c - the flow record's text: addresses, times, JSON shape. */
#include "config.h"

#include <arpa/inet.h>
#include <net/if.h>
#include <stdio.h>
#include <time.h>

#include "unit.h"
#include "flow.h"
#include "ifnames.h"
#include "alerts.h"
#include "record.h"
#include "strbuf.h"
#include "tcp.h"

/* Deterministic pseudo-random bytes (xorshift), so failures reproduce. */
static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static unsigned next_byte(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (unsigned)(rng & 0xff);
}

START_TEST(ipv6_text_matches_inet_ntop)
{
	char mine[64], libc[64];
	for (int n = 0; n < 200000; n++) {
		uint8_t a[16];
		for (int i = 0; i < 16; i++)
			a[i] = next_byte() % 3 ? (uint8_t)next_byte() : 0;
		if (n % 4 == 0) {	/* long zero runs in every position */
			int s = (int)(next_byte() % 16), l = (int)(next_byte() % (unsigned)(17 - s));
			memset(a + s, 0, (size_t)l);
		}
		if (n % 9 == 0) {	/* IPv4-mapped */
			memset(a, 0, 10);
			a[10] = a[11] = 0xff;
		}
		if (n % 13 == 0)	/* IPv4-compatible */
			memset(a, 0, 12);
		ck_assert_ptr_nonnull(inet_ntop(AF_INET6, a, libc, sizeof(libc)));
		record_ipv6_text(a, mine);
#ifdef __GLIBC__
		ck_assert_str_eq(mine, libc);
#else
		/* glibc's inet_ntop() is the oracle for RFC 5952 text; musl's is not
		 * (it writes ::239.222.0.0 as ::efde:0, and of two equal zero runs
		 * shortens the last, where RFC 5952 4.2.3 says the first). Here the
		 * text must read back to the same address; ipv6_text_edges holds
		 * the canonical forms. */
		uint8_t back[16];
		ck_assert_int_eq(inet_pton(AF_INET6, mine, back), 1);
		ck_assert(memcmp(back, a, 16) == 0);
#endif
	}
}
END_TEST

START_TEST(ipv6_text_edges)
{
	static const struct { uint8_t a[16]; const char *text; } cases[] = {
		{ {0}, "::" },
		{ { [15] = 1 }, "::1" },
		{ { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, "2001:db8::1" },
		{ { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1 }, "2001:db8:0:1:0:1:0:1" },
		{ { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1 }, "2001:db8::1:0:0:1" },
		{ { 0xfe, 0x80, [8] = 0xab, 0xcd, [15] = 0x12 }, "fe80::abcd:0:0:12" },
		{ { [10] = 0xff, 0xff, 192, 0, 2, 1 }, "::ffff:192.0.2.1" },
		{ { 0xff, 0x02, [15] = 0x16 }, "ff02::16" },
	};
	char buf[64];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		ck_assert_str_eq(record_ipv6_text(cases[i].a, buf), cases[i].text);
}
END_TEST

/* gmtime() is the oracle only where time_t holds the value: glibc's time_t
 * is 32 bits on mipsel (tools/cross-build.sh), and ends in 2038. */
static int fits_time_t(uint64_t s)
{
	time_t t = (time_t)s;
	return t >= 0 && (uint64_t)t == s;
}

START_TEST(time_matches_gmtime)
{
	struct strbuf b;
	sb_init(&b);
	/* Past 2038 without gmtime, so 32-bit targets check it too. */
	static const struct { uint64_t s; const char *text; } known[] = {
		{ 2147483648ULL, "2038-01-19T03:14:08.000000Z" },
		{ 4102444799ULL, "2099-12-31T23:59:59.000000Z" },
		{ 4107542400ULL, "2100-03-01T00:00:00.000000Z" },
		{ 253402300799ULL, "9999-12-31T23:59:59.000000Z" },
	};
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		sb_reset(&b);
		record_time(&b, known[i].s * 1000000u);
		ck_assert_str_eq(b.buf, known[i].text);
	}
	/* 1970, leap days, century rules, 2038 and beyond, odd microseconds. */
	static const uint64_t secs[] = { 0, 59, 86399, 86400, 951782400, 951868800, 4107542400ULL,
					 1700000000, 2147483647, 2147483648ULL, 4102444799ULL,
					 253402300799ULL };
	for (size_t i = 0; i < sizeof(secs) / sizeof(secs[0]); i++) {
		if (!fits_time_t(secs[i]))
			continue;
		for (uint64_t us = 0; us < 1000000; us += 333331) {
			char want[64];
			time_t t = (time_t)secs[i];
			struct tm tm;
			ck_assert_ptr_nonnull(gmtime_r(&t, &tm));
			snprintf(want, sizeof(want), "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ",
				 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
				 tm.tm_sec, (unsigned)us);
			sb_reset(&b);
			record_time(&b, secs[i] * 1000000u + us);
			ck_assert_str_eq(b.buf, want);
		}
	}
	/* Every day over 40 years, in both directions of the day cache. */
	for (uint64_t d = 0; d < 40 * 366; d += 1) {
		uint64_t s = 946684800ULL + d * 86400 + 3661;
		if (!fits_time_t(s))
			break;
		time_t t = (time_t)s;
		struct tm tm;
		char want[64];
		gmtime_r(&t, &tm);
		snprintf(want, sizeof(want), "%04d-%02d-%02dT01:01:01.000000Z", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday);
		sb_reset(&b);
		record_time(&b, s * 1000000u);
		ck_assert_str_eq(b.buf, want);
	}
	sb_free(&b);
}
END_TEST

static void make_tcp_flow(struct flow *f)
{
	memset(f, 0, sizeof(*f));
	f->key.proto = L4_TCP;
	f->key.family = 4;
	f->key.a[0] = 10, f->key.a[3] = 1;
	f->key.b[0] = 10, f->key.b[3] = 2;
	f->key.pa = 443;
	f->key.pb = 51000;
	f->flags = FLOW_SRC_IS_B;	/* the client at .2:51000 is the source */
	f->first_seen_us = 1700000000ULL * 1000000u + 5;
	f->last_seen_us = f->first_seen_us + 1234567;
	f->bytes[DIR_FWD] = 517;
	f->bytes[DIR_REV] = 4096;
	f->packets[DIR_FWD] = 5;
	f->packets[DIR_REV] = 7;
	f->state = TCP_ESTABLISHED;
	f->u.tcp.retransmits = 2;
	f->u.tcp.irtt_us = 1500;
}

START_TEST(json_has_the_schema)
{
	struct flow f;
	struct strbuf b;
	make_tcp_flow(&f);
	sb_init(&b);
	record_json(&b, &f, f.last_seen_us, "connection_closed", "idle_timeout");
	ck_assert(!b.oom);
	ck_assert_str_eq(b.buf,
		"{\"timestamp\":\"2023-11-14T22:13:21.234572Z\",\"event\":\"connection_closed\","
		"\"protocol\":\"TCP\",\"source_ip\":\"10.0.0.2\",\"source_port\":51000,"
		"\"destination_ip\":\"10.0.0.1\",\"destination_port\":443,\"state\":\"ESTABLISHED\","
		"\"service_name\":\"https\",\"bytes_sent\":517,\"bytes_received\":4096,"
		"\"packets_sent\":5,\"packets_received\":7,"
		"\"first_seen\":\"2023-11-14T22:13:20.000005Z\","
		"\"last_seen\":\"2023-11-14T22:13:21.234572Z\",\"duration_secs\":1.234567,"
		"\"tcp_retransmits\":2,\"tcp_out_of_order\":0,\"tcp_fast_retransmits\":0,"
		"\"tcp_duplicate_acks\":0,\"handshake_rtt_ms\":1.500,\"rtt_ms\":1.500,"
		"\"close_reason\":\"idle_timeout\"}");
	sb_free(&b);
}
END_TEST

START_TEST(json_optional_fields)
{
	struct flow f;
	struct strbuf b;
	sb_init(&b);
	make_tcp_flow(&f);
	f.flags |= FLOW_LOCAL_B | FLOW_CLOSED | FLOW_EVICTED;
	f.icmp_err_type = 3;
	f.icmp_err_code = 3;
	f.icmp_err_count = 2;
	record_json(&b, &f, f.last_seen_us, NULL, NULL);
	ck_assert_ptr_null(strstr(b.buf, "\"event\""));
	ck_assert_ptr_nonnull(strstr(b.buf, "\"direction\":\"outgoing\""));
	ck_assert_ptr_nonnull(strstr(b.buf, "\"icmp_error\":\"port unreachable\",\"icmp_errors\":2"));
	ck_assert_ptr_nonnull(strstr(b.buf, "\"closed\":true,\"evicted\":true"));
	/* A flow's start never says it ended (--workers: the parent may hear
	 * of it only then). */
	sb_reset(&b);
	record_json(&b, &f, f.last_seen_us, "new_connection", NULL);
	ck_assert_ptr_null(strstr(b.buf, "\"closed\""));
	ck_assert_ptr_null(strstr(b.buf, "\"evicted\""));

	/* ARP: MACs, no ports, no TCP fields. */
	memset(&f, 0, sizeof(f));
	f.key.proto = L4_ARP;
	f.key.a[0] = 192, f.key.a[1] = 0, f.key.a[2] = 2, f.key.a[3] = 1;
	f.key.b[0] = 192, f.key.b[1] = 0, f.key.b[2] = 2, f.key.b[3] = 2;
	memcpy(f.u.arp.mac_a, "\x02\x00\x00\x00\x00\x0a", 6);
	f.state = 1;
	sb_reset(&b);
	record_json(&b, &f, 0, NULL, NULL);
	ck_assert_ptr_nonnull(strstr(b.buf, "\"protocol\":\"ARP\",\"source_ip\":\"192.0.2.1\",\"source_port\":0"));
	ck_assert_ptr_nonnull(strstr(b.buf, "\"state\":\"ARP_WHO_HAS\""));
	ck_assert_ptr_nonnull(strstr(b.buf, "\"source_mac\":\"02:00:00:00:00:0a\""));
	ck_assert_ptr_null(strstr(b.buf, "destination_mac"));
	ck_assert_ptr_null(strstr(b.buf, "tcp_"));

	/* An unnamed IP protocol and an IPv6 ICMP echo. */
	memset(&f, 0, sizeof(f));
	f.key.proto = L4_OTHER_IP;
	f.key.ipproto = 253;
	sb_reset(&b);
	record_json(&b, &f, 0, NULL, NULL);
	ck_assert_ptr_nonnull(strstr(b.buf, "\"protocol\":\"IP-253\""));
	ck_assert_ptr_nonnull(strstr(b.buf, "\"state\":\"ACTIVE\""));
	/* IGMP: its last message's type, in RustNet's words */
	static const struct { uint8_t type; const char *state; } igmp[] = {
		{ 0x11, "QUERY" }, { 0x12, "REPORT_V1" }, { 0x16, "REPORT_V2" },
		{ 0x17, "LEAVE_GROUP" }, { 0x22, "REPORT_V3" }, { 0x99, "IGMP_OTHER" },
	};
	for (size_t i = 0; i < sizeof(igmp) / sizeof(igmp[0]); i++) {
		char want[48];
		f.key.ipproto = 2;
		f.state = igmp[i].type;
		sb_reset(&b);
		record_json(&b, &f, 0, NULL, NULL);
		snprintf(want, sizeof(want), "\"state\":\"%s\"", igmp[i].state);
		ck_assert_msg(strstr(b.buf, want), "%s", b.buf);
		ck_assert_ptr_nonnull(strstr(b.buf, "\"protocol\":\"IGMP\""));
	}
	memset(&f, 0, sizeof(f));
	f.key.proto = L4_ICMPV6;
	f.key.family = 6;
	f.key.pa = f.key.pb = 77;
	f.key.ipproto = FLOW_KEY_ICMP_ECHO;
	f.key.b[15] = 1;
	f.u.icmp.rtt_us = 250;
	f.state = ICMP_KIND_ECHO_REPLY;
	sb_reset(&b);
	record_json(&b, &f, 0, NULL, NULL);
	ck_assert_ptr_nonnull(strstr(b.buf, "\"source_ip\":\"::\",\"source_port\":0,\"destination_ip\":\"::1\""));
	ck_assert_ptr_nonnull(strstr(b.buf, "\"rtt_ms\":0.250,\"icmp_id\":77"));
	f.key.pa = f.key.pb = 0;	/* identifier 0: still an echo's */
	sb_reset(&b);
	record_json(&b, &f, 0, NULL, NULL);
	ck_assert_ptr_nonnull(strstr(b.buf, "\"icmp_id\":0"));
	f.key.ipproto = 0;		/* other ICMP: none */
	f.state = ICMP_KIND_DEST_UNREACH;
	sb_reset(&b);
	record_json(&b, &f, 0, NULL, NULL);
	ck_assert_ptr_null(strstr(b.buf, "icmp_id"));
	sb_free(&b);
}
END_TEST

START_TEST(text_row_fits_width)
{
	struct flow f;
	struct strbuf b;
	make_tcp_flow(&f);
	sb_init(&b);
	int w = record_text_width(&f);
	ck_assert_int_eq(w, (int)strlen("10.0.0.2:51000"));
	record_text_header(&b, 21);
	record_text_row(&b, &f, f.last_seen_us, 21);
	ck_assert_ptr_nonnull(strstr(b.buf, "PROTO  SOURCE                DESTINATION"));
	ck_assert_ptr_nonnull(strstr(b.buf, "TCP    10.0.0.2:51000        10.0.0.1:443          ESTABLISHED"));
	ck_assert_ptr_nonnull(strstr(b.buf, "5/7"));
	ck_assert_ptr_nonnull(strstr(b.buf, "517B/4.0KiB"));
	sb_free(&b);
}
END_TEST

/* Several interfaces and an alert list: the JSON fields and the text
 * row's marks; none of them without. */
START_TEST(interface_and_alert_marks)
{
	struct flow f;
	struct strbuf b;
	char err[256];
	make_tcp_flow(&f);
	sb_init(&b);
	record_json(&b, &f, f.last_seen_us, NULL, NULL);
	ck_assert_ptr_null(strstr(b.buf, "\"interface\""));	/* one interface: no field */
	static const char *const names[] = { "eth0", "wlan0" };
	record_set_interfaces(names, NULL, 2);
	f.key.ifc = 1;
	alerts_current = alerts_new();
	const char *list = "10.0.0.0/24 lab \xe2\x80\xae net\n";
	ck_assert_int_eq(alerts_parse_list(alerts_current, list, strlen(list), "l", err, sizeof(err)), 0);
	sb_reset(&b);
	record_json(&b, &f, f.last_seen_us, NULL, NULL);
	ck_assert_ptr_nonnull(strstr(b.buf, "\"destination_port\":443,\"interface\":\"wlan0\""));
	ck_assert_ptr_nonnull(strstr(b.buf, "\"alert_address\":\"10.0.0.1\",\"alert_match\":\"10.0.0.0/24\","));
	ck_assert_str_eq(record_interface(&f), "wlan0");
	sb_reset(&b);
	record_text_row(&b, &f, f.last_seen_us, 21);
	/* the label's bidi override is escaped, as all text from a file */
	ck_assert_ptr_nonnull(strstr(b.buf, "  [wlan0]  !alert 10.0.0.0/24 (lab \\xe2\\x80\\xae net)\n"));
	alerts_free(alerts_current);
	alerts_current = NULL;
	record_set_interfaces(NULL, NULL, 0);
	f.key.ifc = 0;			/* one interface */
	ck_assert_ptr_null(record_interface(&f));
	sb_reset(&b);
	record_text_row(&b, &f, f.last_seen_us, 21);
	ck_assert_ptr_null(strstr(b.buf, "["));
	ck_assert_ptr_null(strstr(b.buf, "!alert"));

	/* -i any in LINUX_SLL2: ifc is the interface index. Reading a file,
	 * the indexes are another machine's: by number; live, this one's. */
	ifnames_set_live(0);
	f.key.ifc = 3;
	sb_reset(&b);
	record_json(&b, &f, f.last_seen_us, NULL, NULL);
	ck_assert_ptr_nonnull(strstr(b.buf, "\"destination_port\":443,\"interface\":\"if3\""));
	sb_reset(&b);
	record_text_row(&b, &f, f.last_seen_us, 21);
	ck_assert_ptr_nonnull(strstr(b.buf, "  [if3]"));
	f.key.ifc = FLOW_IFC_INDEXED;	/* 255 and above share the last value */
	ck_assert_str_eq(record_interface(&f), "other");
	unsigned lo = if_nametoindex("lo");
	if (lo > 0 && lo < FLOW_IFC_INDEXED) {
		ifnames_set_live(1);
		f.key.ifc = (uint8_t)lo;
		ck_assert_str_eq(record_interface(&f), "lo");
		f.key.ifc = 254;	/* an index no interface has (here): by number */
		if (!if_indextoname(254, (char[IF_NAMESIZE]){ 0 }))
			ck_assert_str_eq(record_interface(&f), "if254");
		ifnames_set_live(0);
	}

	/* A pcapng file's interfaces (ifc = the file's number + 1): unsaid
	 * while the file has named one, then by name, "if<N>" unnamed, blanks
	 * and bytes from the file made one printable word. */
	ifnames_set_live(0);
	ifnames_set_file(1, "eth0", 0);
	f.key.ifc = 1;
	ck_assert_ptr_null(record_interface(&f));
	ifnames_set_file(2, "", 1);
	ifnames_set_file(3, "Ethernet 2\x1b[31m", 2);
	ck_assert_str_eq(record_interface(&f), "eth0");
	f.key.ifc = 2;
	ck_assert_str_eq(record_interface(&f), "if1");
	f.key.ifc = 3;
	ck_assert_str_eq(record_interface(&f), "Ethernet_2?[31m");
	sb_reset(&b);
	record_json(&b, &f, f.last_seen_us, NULL, NULL);
	ck_assert_ptr_nonnull(strstr(b.buf, "\"interface\":\"Ethernet_2?[31m\""));
	ck_assert_uint_eq(record_interface_index(&f), 0);	/* a file's number is no ifIndex */
	ifnames_set_file(0, "nothing", 0);		/* out of range: ignored */
	ifnames_set_file(FLOW_IFC_INDEXED, "nothing", 254);
	f.key.ifc = FLOW_IFC_INDEXED;
	ck_assert_str_eq(record_interface(&f), "other");
	ifnames_set_live(0);

	/* What an export says of the interface (IPFIX IE 10 and 82): live,
	 * the index and name of each interface read, also with one (which
	 * records do not name); -i any's index from the header; a cooked v2
	 * file's index (the capturing machine's); nothing reading a file. */
	static const char *const two[] = { "eth0", "wlan0" };
	static const unsigned two_idx[] = { 4, 7 };
	ifnames_set_live(1);
	record_set_interfaces(two, two_idx, 2);
	f.key.ifc = 1;
	ck_assert_uint_eq(record_interface_index(&f), 7);
	ck_assert_str_eq(record_interface_or_capture(&f), "wlan0");
	record_set_interfaces(two, two_idx, 1);
	f.key.ifc = 0;
	ck_assert_ptr_null(record_interface(&f));
	ck_assert_str_eq(record_interface_or_capture(&f), "eth0");
	ck_assert_uint_eq(record_interface_index(&f), 4);
	static const char *const any[] = { "any" };
	record_set_interfaces(any, NULL, 1);
	f.key.ifc = 3;
	ck_assert_uint_eq(record_interface_index(&f), 3);
	f.key.ifc = FLOW_IFC_INDEXED;
	ck_assert_uint_eq(record_interface_index(&f), 0);	/* 255 and above: not known */
	record_set_interfaces(NULL, NULL, 0);
	ifnames_set_live(0);
	f.key.ifc = 3;
	ck_assert_uint_eq(record_interface_index(&f), 3);	/* a cooked v2 file */
	f.key.ifc = 0;
	ck_assert_ptr_null(record_interface_or_capture(&f));
	ck_assert_uint_eq(record_interface_index(&f), 0);
	sb_free(&b);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("record");
	TCase *tc = tcase_create("addresses");
	tcase_add_test(tc, ipv6_text_matches_inet_ntop);
	tcase_add_test(tc, interface_and_alert_marks);
	tcase_add_test(tc, ipv6_text_edges);
	suite_add_tcase(s, tc);
	tc = tcase_create("times");
	tcase_add_test(tc, time_matches_gmtime);
	suite_add_tcase(s, tc);
	tc = tcase_create("json");
	tcase_add_test(tc, json_has_the_schema);
	tcase_add_test(tc, json_optional_fields);
	tcase_add_test(tc, text_row_fits_width);
	suite_add_tcase(s, tc);
	return unit_run(s);
}
