/*
 * test_ntp.c - unit tests of dissectors/ntp.c against the fake host.
 *
 * Real datagrams, captured by tests/integration/dpi-ntp.test (Debian 12,
 * 2026-12-06) and shown as tshark dissects them in the comments:
 *   chronyd 4.3 -Q as a client of chronyd 4.3 (local stratum 8), IPv4;
 *   ntpdig (ntpsec 1.2.2) as a client of the same server;
 *   ntpdig to ntpd (ntpsec 1.2.2) not yet synchronised: kiss code INIT;
 *   ntpq (ntpsec 1.2.2) -c rv and -c pe: mode 6 requests.
 * Crafted, and said so where used: a mode 7 MON_GETLIST_1 request in the
 * format of ntpd's ntp_request.h (no Debian 12 program sends mode 7; the
 * integration test sends the same bytes and tshark reads them as
 * "private, Request, MON_GETLIST_1"), and variants of the real server
 * answer with other modes, strata and reference IDs.
 *
 * Build: gcc -std=gnu11 -g -O1 -Wall -Wextra -Werror -I plugins -I tests/dissectors \
 *          -o test_ntp tests/dissectors/test_ntp.c dissectors/ntp.c $(pkg-config --cflags --libs check)
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakehost.h"
#include "mutate.h"

const struct nl_dissector *netlens_dissector_entry(void);

#define PORT_C 37937
#define PORT_S 123

static const struct nl_dissector *D(void) { return netlens_dissector_entry(); }

/* chronyd -Q's request: LI 0, VN 4, mode 3 (0x23), poll 6, precision
 * 0x20; every field zero but the transmit timestamp. 48 bytes. */
static const uint8_t chrony_client[] = {
	0x23, 0x00, 0x06, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xcf, 0x79, 0x83, 0xcf, 0x1c, 0x67, 0x6b, 0x44,
};

/* chronyd's answer: VN 4, mode 4 (0x24), stratum 8, poll 6, precision
 * -25; reference ID 7f7f0101 (127.127.1.1, chrony's local reference). */
static const uint8_t chrony_server[] = {
	0x24, 0x08, 0x06, 0xe7, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x7f, 0x7f, 0x01, 0x01,
	0xee, 0xbf, 0xe2, 0x67, 0x28, 0xfb, 0x08, 0x9b, 0xcf, 0x79, 0x83, 0xcf, 0x1c, 0x67, 0x6b, 0x44,
	0xee, 0xbf, 0xe2, 0x68, 0x75, 0x32, 0xc1, 0xa5, 0xee, 0xbf, 0xe2, 0x68, 0x75, 0x3c, 0x43, 0xb8,
};

/* ntpdig's request: LI 3 (unsynchronised), VN 4, mode 3 (0xe3). */
static const uint8_t ntpdig_client[] = {
	0xe3, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xee, 0xbf, 0xe2, 0x7b, 0x2a, 0xf6, 0x00, 0x00,
};

/* ntpd's answer before it synchronised: LI 3, VN 4, mode 4 (0xe4),
 * stratum 0, reference ID "INIT" (a kiss code, RFC 5905 §7.4). */
static const uint8_t ntpd_kiss_init[] = {
	0xe4, 0x00, 0x00, 0xe9, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x4e, 0x49, 0x54,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xee, 0xbf, 0xe2, 0x7b, 0x2a, 0xf6, 0x00, 0x00,
	0xee, 0xbf, 0xe2, 0x7b, 0x2a, 0xfd, 0x87, 0xa8, 0xee, 0xbf, 0xe2, 0x7b, 0x2b, 0x05, 0x37, 0x09,
};

/* ntpq -c rv: LI 3, VN 2, mode 6 (0xd6); opcode 2 (read variables),
 * sequence 2, association 0, no data. 12 bytes. */
static const uint8_t ntpq_readvar[] = {
	0xd6, 0x02, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* ntpq -c pe: opcode 1 (read status), sequence 1. */
static const uint8_t ntpq_readstat[] = {
	0xd6, 0x01, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* Crafted (ntp_request.h): R 0, M 0, VN 2, mode 7 (0x17); sequence 0,
 * implementation 3 (XNTPD), request code 42 (MON_GETLIST_1); then the
 * error/count and MBZ/size words and 40 bytes of data, as ntpdc sent it. */
static const uint8_t monlist_req[48] = { 0x17, 0x00, 0x03, 0x2a };

static enum nl_verdict feed_p(struct fh_flow *ff, int from_client, uint16_t cport, uint16_t sport,
			      const void *b, size_t n)
{
	return fh_feed(ff, NL_UDP, from_client, from_client ? cport : sport, from_client ? sport : cport, b, n,
		       0);
}

static enum nl_verdict feed(struct fh_flow *ff, int from_client, const void *b, size_t n)
{
	return feed_p(ff, from_client, PORT_C, PORT_S, b, n);
}

static uint64_t u64(const struct fh_flow *ff, const char *key)
{
	int found = 0;
	uint64_t v = fh_u64(ff, key, &found);
	ck_assert_msg(found, "%s not set", key);
	return v;
}

/* A copy of the chrony answer with byte 0, the stratum and the
 * reference ID replaced. */
static void variant(uint8_t out[48], uint8_t b0, uint8_t stratum, const char refid[4])
{
	memcpy(out, chrony_server, 48);
	out[0] = b0;
	out[1] = stratum;
	memcpy(out + 12, refid, 4);
}

START_TEST(test_descriptor)
{
	const struct nl_dissector *d = D();
	ck_assert_str_eq(d->name, "ntp");
	ck_assert_str_eq(d->display, "NTP");
	ck_assert_str_eq(d->version, "1.0.0");
	ck_assert_str_eq(d->license, "MIT");
	ck_assert_uint_eq(d->transports, NL_UDP);
	ck_assert_uint_eq(d->flags, 0);
	ck_assert_uint_eq(d->n_port_hints, 1);
	ck_assert_uint_eq(d->port_hints[0], 123);
	ck_assert_uint_eq(d->idle_timeout_s, 30);
	ck_assert_uint_eq(d->packet_budget, 16);
	ck_assert_int_eq(d->domain_field, -1);
	ck_assert_uint_le(d->state_size, 16);
	static const char *const keys[] = { "ntp.version", "ntp.mode", "ntp.modes", "ntp.stratum",
					    "ntp.reference_id", "ntp.control_opcode", "ntp.private_request" };
	ck_assert_uint_eq(d->n_fields, sizeof(keys) / sizeof(keys[0]));
	for (uint16_t i = 0; i < d->n_fields; i++) {
		ck_assert_uint_eq(d->fields[i].id, i);
		ck_assert_str_eq(d->fields[i].key, keys[i]);
	}
}
END_TEST

/* tshark: frame 1 "NTP Version 4, client", frame 2 "server", stratum 8,
 * reference ID 127.127.1.1. */
START_TEST(test_chrony_exchange)
{
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 1, chrony_client, sizeof(chrony_client)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "NTP");
	ck_assert_uint_eq(u64(&ff, "ntp.version"), 4);
	ck_assert_str_eq(fh_str(&ff, "ntp.mode"), "client");
	ck_assert_str_eq(fh_list(&ff, "ntp.modes", 0), "client");
	ck_assert_ptr_null(fh_list(&ff, "ntp.modes", 1));
	/* The client's stratum 0 and reference ID 0 are not shown. */
	ck_assert(!fh_is_set(&ff, "ntp.stratum"));
	ck_assert(!fh_is_set(&ff, "ntp.reference_id"));

	ck_assert_int_eq(feed(&ff, 0, chrony_server, sizeof(chrony_server)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "NTP");
	ck_assert_uint_eq(u64(&ff, "ntp.version"), 4);
	ck_assert_str_eq(fh_str(&ff, "ntp.mode"), "server");
	ck_assert_str_eq(fh_list(&ff, "ntp.modes", 0), "client");
	ck_assert_str_eq(fh_list(&ff, "ntp.modes", 1), "server");
	ck_assert_ptr_null(fh_list(&ff, "ntp.modes", 2));
	ck_assert_uint_eq(u64(&ff, "ntp.stratum"), 8);
	ck_assert_str_eq(fh_str(&ff, "ntp.reference_id"), "127.127.1.1");
	ck_assert(!fh_is_set(&ff, "ntp.control_opcode"));
	ck_assert(!fh_is_set(&ff, "ntp.private_request"));

	/* The next poll's request leaves the server's stratum standing. */
	ck_assert_int_eq(feed(&ff, 1, chrony_client, sizeof(chrony_client)), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "ntp.mode"), "client");
	ck_assert_uint_eq(u64(&ff, "ntp.stratum"), 8);
	ck_assert_str_eq(fh_str(&ff, "ntp.reference_id"), "127.127.1.1");
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}
END_TEST

/* tshark: frame 19 "NTP Version 4, server", stratum 0, refid 494e4954. */
START_TEST(test_ntpd_kiss_code)
{
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 1, ntpdig_client, sizeof(ntpdig_client)), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "ntp.mode"), "client");
	ck_assert_int_eq(feed(&ff, 0, ntpd_kiss_init, sizeof(ntpd_kiss_init)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "NTP");
	ck_assert_uint_eq(u64(&ff, "ntp.version"), 4);
	ck_assert_str_eq(fh_str(&ff, "ntp.mode"), "server");
	ck_assert_uint_eq(u64(&ff, "ntp.stratum"), 0);
	ck_assert_str_eq(fh_str(&ff, "ntp.reference_id"), "INIT");
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);

	/* A RATE kiss (crafted from the same answer). */
	uint8_t rate[48];
	variant(rate, 0xe4, 0, "RATE");
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 0, rate, sizeof(rate)), NL_NEED_MORE);
	ck_assert_uint_eq(u64(&ff, "ntp.stratum"), 0);
	ck_assert_str_eq(fh_str(&ff, "ntp.reference_id"), "RATE");
	ck_assert_str_eq(ff.f.state, "NTP");	/* a server's packet first: still an exchange */
	fh_close(&ff);
}
END_TEST

/* tshark: frames 14-17 "NTP Version 2, control", opcodes 2 then 1. */
START_TEST(test_ntpq_control)
{
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 1, ntpq_readvar, sizeof(ntpq_readvar)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "NTP_CONTROL");
	ck_assert_uint_eq(u64(&ff, "ntp.version"), 2);
	ck_assert_str_eq(fh_str(&ff, "ntp.mode"), "control");
	ck_assert_str_eq(fh_list(&ff, "ntp.modes", 0), "control");
	ck_assert_str_eq(fh_str(&ff, "ntp.control_opcode"), "read variables");
	ck_assert(!fh_is_set(&ff, "ntp.stratum"));
	ck_assert(!fh_is_set(&ff, "ntp.reference_id"));
	ck_assert(!fh_is_set(&ff, "ntp.private_request"));
	ck_assert_int_eq(feed(&ff, 1, ntpq_readstat, sizeof(ntpq_readstat)), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "ntp.control_opcode"), "read status");
	/* A response (R bit, crafted from the request) with data after the
	 * header. */
	uint8_t resp[24] = { 0xd6, 0x82, 0x00, 0x02, 0x06, 0x18, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0c,
			     'v', 'e', 'r', 's', 'i', 'o', 'n', '=', '"', '1', '"', 0 };
	ck_assert_int_eq(feed(&ff, 0, resp, sizeof(resp)), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "ntp.control_opcode"), "read variables");
	ck_assert_str_eq(ff.f.state, "NTP_CONTROL");
	ck_assert_ptr_null(fh_list(&ff, "ntp.modes", 1));
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);

	/* tshark's other names; an opcode it does not name. */
	static const struct { uint8_t op; const char *name; } ops[] = {
		{ 0, "reserved" }, { 3, "write variables" }, { 4, "read clock variables" },
		{ 5, "write clock variables" }, { 6, "set trap address/port" }, { 7, "asynchronous message" },
		{ 8, "runtime configuration" }, { 9, "save config to file" }, { 10, "retrieve MRU (mrulist)" },
		{ 11, "retrieve ordered list" }, { 12, "request a client nonce" },
		{ 31, "unset trap address/port" }, { 20, "unknown (20)" },
	};
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		uint8_t m[12];
		memcpy(m, ntpq_readvar, sizeof(m));
		m[1] = (uint8_t)(0xe0 | ops[i].op);	/* R, E and M bits do not matter */
		fh_open(&ff, D());
		ck_assert_int_eq(feed(&ff, 1, m, sizeof(m)), NL_NEED_MORE);
		ck_assert_str_eq(fh_str(&ff, "ntp.control_opcode"), ops[i].name);
		fh_close(&ff);
	}
}
END_TEST

/* Crafted mode 7; tshark: "NTP Version 2, private, Request, MON_GETLIST_1". */
START_TEST(test_private_monlist)
{
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 1, monlist_req, sizeof(monlist_req)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "NTP_PRIVATE");
	ck_assert_uint_eq(u64(&ff, "ntp.version"), 2);
	ck_assert_str_eq(fh_str(&ff, "ntp.mode"), "private");
	ck_assert_uint_eq(u64(&ff, "ntp.private_request"), 42);
	ck_assert(!fh_is_set(&ff, "ntp.stratum"));
	ck_assert(!fh_is_set(&ff, "ntp.control_opcode"));
	fh_close(&ff);
	/* The 8-byte header alone is enough. */
	uint8_t hdr[8] = { 0x97, 0x00, 0x03, 0x14 };	/* a response (R bit), MON_GETLIST */
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 0, hdr, sizeof(hdr)), NL_NEED_MORE);
	ck_assert_uint_eq(u64(&ff, "ntp.private_request"), 20);
	ck_assert_uint_eq(u64(&ff, "ntp.version"), 2);
	fh_close(&ff);
}
END_TEST

/* The other modes, the strata's reference IDs (crafted from the real
 * answer; tshark shows the same values for them). */
START_TEST(test_modes_and_refids)
{
	static const struct {
		uint8_t b0, stratum;
		char refid[4];
		const char *mode, *state, *text;
		unsigned vn;
	} c[] = {
		{ 0x21, 2, { 10, 0, 0, 1 }, "symmetric active", "NTP_SYMMETRIC", "10.0.0.1", 4 },
		{ 0x1a, 3, { (char)192, (char)168, 1, (char)254 }, "symmetric passive", "NTP_SYMMETRIC",
		  "192.168.1.254", 3 },
		{ 0x25, 1, { 'G', 'P', 'S', 0 }, "broadcast", "NTP_BROADCAST", "GPS", 4 },
		{ 0x24, 1, { 'L', 'O', 'C', 'L' }, "server", "NTP", "LOCL", 4 },
		{ 0x0c, 1, { 'P', 'P', 'S', 0 }, "server", "NTP", "PPS", 1 },
		{ 0x14, 16, { 0, 0, 0, 0 }, "server", "NTP", "0.0.0.0", 2 },
		/* An IPv6 association's reference ID: MD5 bytes, a dotted quad. */
		{ 0x24, 2, { (char)0xa5, (char)0x3f, 0x11, (char)0xe8 }, "server", "NTP", "165.63.17.232", 4 },
		{ 0x24, 255, { 1, 2, 3, 4 }, "server", "NTP", "1.2.3.4", 4 },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		uint8_t m[48];
		struct fh_flow ff;
		variant(m, c[i].b0, c[i].stratum, c[i].refid);
		fh_open(&ff, D());
		ck_assert_int_eq(feed(&ff, 1, m, sizeof(m)), NL_NEED_MORE);
		ck_assert_str_eq(ff.f.state, c[i].state);
		ck_assert_str_eq(fh_str(&ff, "ntp.mode"), c[i].mode);
		ck_assert_uint_eq(u64(&ff, "ntp.version"), c[i].vn);
		ck_assert_uint_eq(u64(&ff, "ntp.stratum"), c[i].stratum);
		ck_assert_str_eq(fh_str(&ff, "ntp.reference_id"), c[i].text);
		ck_assert_int_eq(ff.f.errors, 0);
		fh_close(&ff);
	}
	/* Stratum 0 or 1 with no reference ID: nothing to show. */
	uint8_t m[48];
	struct fh_flow ff;
	variant(m, 0x24, 0, "\0\0\0");
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 0, m, sizeof(m)), NL_NEED_MORE);
	ck_assert_uint_eq(u64(&ff, "ntp.stratum"), 0);
	ck_assert(!fh_is_set(&ff, "ntp.reference_id"));
	fh_close(&ff);
}
END_TEST

/* The label is the first packet's; ntp.mode the last one's. */
START_TEST(test_label_stable)
{
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 1, chrony_client, sizeof(chrony_client)), NL_NEED_MORE);
	ck_assert_int_eq(feed(&ff, 0, chrony_server, sizeof(chrony_server)), NL_NEED_MORE);
	ck_assert_int_eq(feed(&ff, 1, ntpq_readvar, sizeof(ntpq_readvar)), NL_NEED_MORE);
	ck_assert_int_eq(feed(&ff, 1, monlist_req, sizeof(monlist_req)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "NTP");
	ck_assert_str_eq(fh_str(&ff, "ntp.mode"), "private");
	ck_assert_uint_eq(u64(&ff, "ntp.version"), 2);
	ck_assert_str_eq(fh_list(&ff, "ntp.modes", 0), "client");
	ck_assert_str_eq(fh_list(&ff, "ntp.modes", 1), "server");
	ck_assert_str_eq(fh_list(&ff, "ntp.modes", 2), "control");
	ck_assert_str_eq(fh_list(&ff, "ntp.modes", 3), "private");
	ck_assert_uint_eq(u64(&ff, "ntp.stratum"), 8);
	ck_assert_str_eq(fh_str(&ff, "ntp.control_opcode"), "read variables");
	ck_assert_uint_eq(u64(&ff, "ntp.private_request"), 42);
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}
END_TEST

/* RFC 7822 extension fields and a MAC after the header (NTS, RFC 8915:
 * Unique Identifier 0x0104, NTS Cookie 0x0204) are passed over. */
START_TEST(test_extensions)
{
	uint8_t m[48 + 36 + 104 + 20];
	memcpy(m, chrony_server, 48);
	memset(m + 48, 0x5a, sizeof(m) - 48);
	m[48] = 0x01, m[49] = 0x04, m[50] = 0x00, m[51] = 36;
	m[84] = 0x02, m[85] = 0x04, m[86] = 0x00, m[87] = 104;
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 0, m, sizeof(m)), NL_NEED_MORE);
	ck_assert_uint_eq(u64(&ff, "ntp.stratum"), 8);
	ck_assert_str_eq(fh_str(&ff, "ntp.reference_id"), "127.127.1.1");
	ck_assert_str_eq(fh_str(&ff, "ntp.mode"), "server");
	fh_close(&ff);
}
END_TEST

/* Every truncation of every vector: short of its mode's header, malformed
 * with no field set (an unproven flow on port 123) or passed over with the
 * fields untouched (a proven one); from the header's length on, read. */
START_TEST(test_truncations)
{
	static const struct { const uint8_t *b; size_t len, need; } v[] = {
		{ chrony_client, sizeof(chrony_client), 48 }, { chrony_server, sizeof(chrony_server), 48 },
		{ ntpdig_client, sizeof(ntpdig_client), 48 }, { ntpd_kiss_init, sizeof(ntpd_kiss_init), 48 },
		{ ntpq_readvar, sizeof(ntpq_readvar), 12 }, { ntpq_readstat, sizeof(ntpq_readstat), 12 },
		{ monlist_req, sizeof(monlist_req), 8 },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		for (size_t n = 0; n <= v[i].len; n++) {
			uint8_t *copy = malloc(n ? n : 1);	/* exact size, for ASan */
			memcpy(copy, v[i].b, n);
			struct fh_flow ff;
			fh_open(&ff, D());
			enum nl_verdict r = feed(&ff, 1, copy, n);
			if (n < v[i].need) {
				ck_assert_int_eq(r, NL_MALFORMED);
				ck_assert(fh_no_fields(&ff));
				ck_assert_str_eq(ff.f.state, "");
			} else {
				ck_assert_int_eq(r, NL_NEED_MORE);
				ck_assert(fh_is_set(&ff, "ntp.version"));
			}
			fh_close(&ff);

			/* The same after a real exchange: ignored. */
			fh_open(&ff, D());
			feed(&ff, 1, chrony_client, sizeof(chrony_client));
			feed(&ff, 0, chrony_server, sizeof(chrony_server));
			struct fh_flow before = ff;
			r = feed(&ff, 0, copy, n);
			ck_assert_int_eq(r, NL_NEED_MORE);
			if (n < v[i].need)
				ck_assert(fh_same_results(&ff, &before));
			ck_assert_int_eq(ff.f.errors, 0);
			fh_close(&ff);
			free(copy);
		}
	}
}
END_TEST

/* Not a version 1-4 header, or mode 0, on port 123. */
START_TEST(test_malformed_header)
{
	static const uint8_t bad_b0[] = { 0x03, 0x2b, 0x3b, 0x23 & ~0x07, 0xe0, 0x20, 0x00, 0xff };
	for (size_t i = 0; i < sizeof(bad_b0); i++) {
		uint8_t m[48];
		memcpy(m, chrony_server, 48);
		m[0] = bad_b0[i];
		struct fh_flow ff;
		fh_open(&ff, D());
		ck_assert_int_eq(feed(&ff, 0, m, sizeof(m)), NL_MALFORMED);
		ck_assert(fh_no_fields(&ff));
		fh_close(&ff);
		/* After a good packet: passed over, the flow goes on. */
		fh_open(&ff, D());
		ck_assert_int_eq(feed(&ff, 1, chrony_client, sizeof(chrony_client)), NL_NEED_MORE);
		ck_assert_int_eq(feed(&ff, 0, m, sizeof(m)), NL_NEED_MORE);
		ck_assert_str_eq(fh_str(&ff, "ntp.mode"), "client");
		ck_assert(!fh_is_set(&ff, "ntp.stratum"));
		ck_assert_int_eq(feed(&ff, 0, chrony_server, sizeof(chrony_server)), NL_NEED_MORE);
		ck_assert_uint_eq(u64(&ff, "ntp.stratum"), 8);
		fh_close(&ff);
	}
}
END_TEST

/* Off port 123 nothing is claimed, however NTP-like; nor TCP on 123. */
START_TEST(test_not_mine)
{
	static const struct { const uint8_t *b; size_t len; } v[] = {
		{ chrony_client, sizeof(chrony_client) }, { chrony_server, sizeof(chrony_server) },
		{ ntpd_kiss_init, sizeof(ntpd_kiss_init) }, { ntpq_readvar, sizeof(ntpq_readvar) },
		{ monlist_req, sizeof(monlist_req) },
	};
	static const uint16_t ports[][2] = { { 40000, 50000 }, { 1123, 12300 }, { 122, 124 }, { 53, 443 } };
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		for (size_t k = 0; k < sizeof(ports) / sizeof(ports[0]); k++) {
			for (int dir = 0; dir < 2; dir++) {
				struct fh_flow ff;
				fh_open(&ff, D());
				ck_assert_int_eq(feed_p(&ff, dir, ports[k][0], ports[k][1], v[i].b, v[i].len),
						 NL_NOT_MINE);
				ck_assert(fh_no_fields(&ff));
				ck_assert_str_eq(ff.f.state, "");
				fh_close(&ff);
			}
		}
		struct fh_flow ff;
		fh_open(&ff, D());
		ck_assert_int_eq(fh_feed(&ff, NL_TCP, 1, PORT_C, PORT_S, v[i].b, v[i].len, 0), NL_NOT_MINE);
		ck_assert(fh_no_fields(&ff));
		fh_close(&ff);
	}
	/* Port 123 as the source (a symmetric peer, or the server's side
	 * first) is claimed. */
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed_p(&ff, 0, 40000, 123, chrony_server, sizeof(chrony_server)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "NTP");
	fh_close(&ff);
	fh_open(&ff, D());
	ck_assert_int_eq(fh_feed(&ff, NL_UDP, 1, 123, 123, chrony_client, sizeof(chrony_client), 0), NL_NEED_MORE);
	fh_close(&ff);
}
END_TEST

/* Random byte changes in a real exchange, delivered in pieces: verdicts in
 * range, no API misuse, no field on a flow declined. */
static enum nl_verdict mutate_feed(struct fh_flow *ff, int from_client, const void *b, size_t n)
{
	return feed(ff, from_client, b, n);
}

START_TEST(test_mutations)
{
	uint8_t s[sizeof(chrony_server) + sizeof(ntpd_kiss_init)], c[sizeof(chrony_client) + sizeof(ntpq_readvar)];
	memcpy(s, chrony_server, sizeof(chrony_server));
	memcpy(s + sizeof(chrony_server), ntpd_kiss_init, sizeof(ntpd_kiss_init));
	memcpy(c, chrony_client, sizeof(chrony_client));
	memcpy(c + sizeof(chrony_client), ntpq_readvar, sizeof(ntpq_readvar));
	uint8_t *const streams[2] = { s, c };
	const size_t len[2] = { sizeof(s), sizeof(c) };
	uint32_t x = 0x7e57;
	mutate_run(D(), streams, len, mutate_feed, fh_no_fields, 3000, &x);
}
END_TEST

/* A payload reader that does not start at offset 0 is read from where it
 * stands. */
START_TEST(test_reader_offset)
{
	uint8_t buf[5 + sizeof(chrony_server)] = { 0xff, 0xff, 0xff, 0xff, 0xff };
	memcpy(buf + 5, chrony_server, sizeof(chrony_server));
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(fh_feed_skipped(&ff, NL_UDP, 0, PORT_S, PORT_C, buf, sizeof(buf), 5), NL_NEED_MORE);
	ck_assert_uint_eq(u64(&ff, "ntp.stratum"), 8);
	ck_assert_str_eq(fh_str(&ff, "ntp.reference_id"), "127.127.1.1");
	fh_close(&ff);
}
END_TEST

static Suite *ntp_suite(void)
{
	Suite *s = suite_create("ntp");
	TCase *tc = tcase_create("ntp");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_descriptor);
	tcase_add_test(tc, test_chrony_exchange);
	tcase_add_test(tc, test_ntpd_kiss_code);
	tcase_add_test(tc, test_ntpq_control);
	tcase_add_test(tc, test_private_monlist);
	tcase_add_test(tc, test_modes_and_refids);
	tcase_add_test(tc, test_label_stable);
	tcase_add_test(tc, test_extensions);
	tcase_add_test(tc, test_truncations);
	tcase_add_test(tc, test_malformed_header);
	tcase_add_test(tc, test_not_mine);
	tcase_add_test(tc, test_mutations);
	tcase_add_test(tc, test_reader_offset);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ntp_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
