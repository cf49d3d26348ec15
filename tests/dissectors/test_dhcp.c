/*
 * test_dhcp.c - unit tests of the DHCP / DHCPv6 dissector (dissectors/dhcp.c)
 * against the fake host.
 *
 * Vectors live in tests/dissectors/vectors/dhcp (README there): the UDP
 * payloads of dnsmasq-udhcpc-dhclient.pcap, a capture of dnsmasq 2.90
 * serving busybox 1.35 udhcpc (DHCPv4) and ISC dhclient 4.4.3 -6 (DHCPv6)
 * made by tests/integration/dpi-dhcp.test; the values asserted are tshark's
 * for those packets. Relayed and malformed messages are built here from
 * them. The directory is found in $NL_VECTOR_DIR/dhcp or next to this file.
 *
 * Every payload is copied into a heap block of exactly its length before it
 * is offered, so valgrind or ASan see any read past it.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakehost.h"
#include "vectors.h"
#include "mutate.h"

const struct nl_dissector *netlens_dissector_entry(void);
#define D() netlens_dissector_entry()

#define VMAX 2048

static const char *const keys[] = {
	"dhcp.message_type", "dhcp.messages", "dhcp.hostname", "dhcp.client_mac", "dhcp.xid",
	"dhcp.assigned_addr", "dhcp.server_id", "dhcp.vendor_class", "dhcp.requested_addr",
};
#define NKEYS (sizeof(keys) / sizeof(keys[0]))

/* ---- helpers ------------------------------------------------------------- */

struct vec {
	uint8_t b[VMAX];
	size_t n;
};

static void load(const char *name, struct vec *v)
{
	char path[1200];
	snprintf(path, sizeof(path), "%s/%s.bin", fh_vector_dir("dhcp"), name);
	FILE *fp = fopen(path, "rb");
	ck_assert_msg(fp != NULL, "missing %s", path);
	v->n = fread(v->b, 1, sizeof(v->b), fp);
	fclose(fp);
	ck_assert_uint_gt(v->n, 0);
}

/* Offers len bytes of b (copied to a block of exactly that size) as one UDP
 * datagram from sport to dport. */
static enum nl_verdict feed(struct fh_flow *ff, uint16_t sport, uint16_t dport, const uint8_t *b, size_t len)
{
	uint8_t *copy = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(copy);
	if (len)
		memcpy(copy, b, len);
	enum nl_verdict v = fh_feed(ff, NL_UDP, sport == 68 || sport == 546, sport, dport, copy, len, 0);
	free(copy);
	return v;
}

static enum nl_verdict feed_v(struct fh_flow *ff, uint16_t sport, uint16_t dport, const struct vec *v)
{
	return feed(ff, sport, dport, v->b, v->n);
}

static void assert_str(const struct fh_flow *ff, const char *key, const char *want)
{
	const char *got = fh_str(ff, key);
	if (!want) {
		ck_assert_msg(got == NULL, "%s is '%s', expected unset", key, got ? got : "");
		return;
	}
	ck_assert_msg(got != NULL, "%s unset, expected '%s'", key, want);
	ck_assert_str_eq(got, want);
}

static void assert_list(const struct fh_flow *ff, const char *key, const char *const *want, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *got = fh_list(ff, key, i);
		ck_assert_msg(got != NULL, "%s[%zu] unset, expected %s", key, i, want[i]);
		ck_assert_str_eq(got, want[i]);
	}
	ck_assert_ptr_null(fh_list(ff, key, n));
}

static void assert_xid(const struct fh_flow *ff, uint64_t want)
{
	int found;
	uint64_t got = fh_u64(ff, "dhcp.xid", &found);
	ck_assert(found);
	ck_assert_uint_eq(got, want);
}

/* One message on a fresh flow; the caller checks and closes it. */
static void one(struct fh_flow *ff, uint16_t sport, uint16_t dport, const char *name)
{
	struct vec v;
	load(name, &v);
	fh_open(ff, D());
	ck_assert_int_eq(feed_v(ff, sport, dport, &v), NL_NEED_MORE);
	ck_assert_int_eq(ff->f.errors, 0);
}

/* ---- descriptor ---------------------------------------------------------- */

START_TEST(test_descriptor)
{
	const struct nl_dissector *d = D();
	ck_assert_uint_eq(d->struct_size, sizeof(struct nl_dissector));
	ck_assert_uint_eq(d->abi_major, NL_ABI_MAJOR);
	ck_assert_uint_eq(d->abi_minor, NL_ABI_MINOR);
	ck_assert_str_eq(d->name, "dhcp");
	ck_assert_str_eq(d->display, "DHCP");
	ck_assert_str_eq(d->version, "1.0.0");
	ck_assert_str_eq(d->license, "MIT");
	ck_assert_uint_eq(d->flags, 0);
	ck_assert_uint_eq(d->transports, NL_UDP);
	ck_assert_uint_eq(d->idle_timeout_s, 60);
	ck_assert_uint_eq(d->packet_budget, 16);
	ck_assert_uint_ge(d->state_size, 1);
	ck_assert_uint_le(d->state_size, 16);
	ck_assert_uint_eq(d->n_fields, NKEYS);
	for (uint16_t i = 0; i < d->n_fields; i++) {
		ck_assert_uint_eq(d->fields[i].id, i);
		ck_assert_str_eq(d->fields[i].key, keys[i]);
		ck_assert_uint_eq(d->fields[i].reserved, 0);
		uint16_t t = i == 1 ? NL_FIELD_STR_LIST : i == 4 ? NL_FIELD_U64 : NL_FIELD_STR;
		ck_assert_uint_eq(d->fields[i].type, t);
	}
	ck_assert_int_eq(d->domain_field, 2);	/* dhcp.hostname */
	ck_assert_uint_eq(d->n_port_hints, 4);
	ck_assert_uint_eq(d->port_hints[0], 67);
	ck_assert_uint_eq(d->port_hints[1], 68);
	ck_assert_uint_eq(d->port_hints[2], 546);
	ck_assert_uint_eq(d->port_hints[3], 547);
}
END_TEST

/* ---- real DHCPv4 (udhcpc and dnsmasq) ----------------------------------- */

START_TEST(test_v4_discover)
{
	struct fh_flow ff;
	one(&ff, 68, 67, "v4_discover");
	assert_str(&ff, "dhcp.message_type", "DISCOVER");
	static const char *const m[] = { "DISCOVER" };
	assert_list(&ff, "dhcp.messages", m, 1);
	ck_assert_str_eq(ff.f.state, "DHCP_DISCOVER");
	assert_xid(&ff, 0x400b7941);
	assert_str(&ff, "dhcp.hostname", "v4client");
	assert_str(&ff, "dhcp.client_mac", "ba:f6:4f:09:fe:51");
	assert_str(&ff, "dhcp.vendor_class", "netlens-test 1.0");
	assert_str(&ff, "dhcp.requested_addr", "10.231.0.120");
	assert_str(&ff, "dhcp.assigned_addr", NULL);	/* yiaddr 0, and a DISCOVER */
	assert_str(&ff, "dhcp.server_id", NULL);
	fh_close(&ff);
}
END_TEST

START_TEST(test_v4_offer_ack)
{
	struct fh_flow ff;
	one(&ff, 67, 68, "v4_offer");
	assert_str(&ff, "dhcp.message_type", "OFFER");
	ck_assert_str_eq(ff.f.state, "DHCP_OFFER");
	assert_xid(&ff, 0x400b7941);
	assert_str(&ff, "dhcp.client_mac", "ba:f6:4f:09:fe:51");
	assert_str(&ff, "dhcp.assigned_addr", "10.231.0.120");
	assert_str(&ff, "dhcp.server_id", "10.231.0.2");
	assert_str(&ff, "dhcp.hostname", NULL);
	assert_str(&ff, "dhcp.vendor_class", NULL);
	assert_str(&ff, "dhcp.requested_addr", NULL);
	/* the ACK on the same flow (dnsmasq answers to the offered address) */
	struct vec v;
	load("v4_ack", &v);
	ck_assert_int_eq(feed_v(&ff, 67, 68, &v), NL_NEED_MORE);
	assert_str(&ff, "dhcp.message_type", "ACK");
	ck_assert_str_eq(ff.f.state, "DHCP_ACK");
	static const char *const m[] = { "OFFER", "ACK" };
	assert_list(&ff, "dhcp.messages", m, 2);
	assert_str(&ff, "dhcp.hostname", "v4client");	/* dnsmasq echoes option 12 */
	assert_str(&ff, "dhcp.assigned_addr", "10.231.0.120");
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}
END_TEST

/* The client's broadcast flow, 0.0.0.0:68 -> 255.255.255.255:67, carries
 * both of udhcpc's exchanges: the last message's type and xid, the last
 * host name given, the types in order of first appearance. */
START_TEST(test_v4_client_flow)
{
	static const char *const seq[] = { "v4_discover", "v4_discover", "v4_request", "v4_discover_fqdn",
					   "v4_request_fqdn" };
	struct fh_flow ff;
	struct vec v;
	fh_open(&ff, D());
	load(seq[0], &v);
	ck_assert_int_eq(feed_v(&ff, 68, 67, &v), NL_NEED_MORE);
	load(seq[1], &v);
	ck_assert_int_eq(feed_v(&ff, 68, 67, &v), NL_NEED_MORE);
	load(seq[2], &v);
	ck_assert_int_eq(feed_v(&ff, 68, 67, &v), NL_NEED_MORE);
	assert_str(&ff, "dhcp.message_type", "REQUEST");
	ck_assert_str_eq(ff.f.state, "DHCP_REQUEST");
	assert_str(&ff, "dhcp.server_id", "10.231.0.2");
	assert_str(&ff, "dhcp.requested_addr", "10.231.0.120");
	assert_str(&ff, "dhcp.hostname", "v4client");
	load(seq[3], &v);
	ck_assert_int_eq(feed_v(&ff, 68, 67, &v), NL_NEED_MORE);
	/* option 81 (no option 12), flags 0x01: E clear, the name in ASCII */
	assert_str(&ff, "dhcp.hostname", "fqdn.netlens.test");
	assert_str(&ff, "dhcp.message_type", "DISCOVER");
	ck_assert_str_eq(ff.f.state, "DHCP_DISCOVER");
	assert_xid(&ff, 0x3af2ca49);
	assert_str(&ff, "dhcp.vendor_class", "netlens-fqdn 2.0");
	load(seq[4], &v);
	ck_assert_int_eq(feed_v(&ff, 68, 67, &v), NL_NEED_MORE);
	assert_str(&ff, "dhcp.message_type", "REQUEST");
	static const char *const m[] = { "DISCOVER", "REQUEST" };
	assert_list(&ff, "dhcp.messages", m, 2);
	assert_str(&ff, "dhcp.hostname", "fqdn.netlens.test");
	assert_str(&ff, "dhcp.client_mac", "ba:f6:4f:09:fe:51");
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);

	/* the server's answers: option 12 "fqdn" wins over its option 81 */
	one(&ff, 67, 68, "v4_offer_fqdn");
	assert_str(&ff, "dhcp.hostname", "fqdn");
	assert_xid(&ff, 0x3af2ca49);
	fh_close(&ff);
}
END_TEST

/* Options built on the real DISCOVER's fixed part and cookie. */
static size_t v4_build(uint8_t *out, const uint8_t *opts, size_t n)
{
	struct vec v;
	load("v4_discover", &v);
	memcpy(out, v.b, 240);
	memcpy(out + 240, opts, n);
	return 240 + n;
}

START_TEST(test_v4_crafted_options)
{
	uint8_t b[VMAX];
	struct fh_flow ff;
	/* option 81 with E set: wire-format name; pads; no END */
	static const uint8_t o1[] = { 53, 1, 8, 0, 0, 81, 11, 0x05, 0, 0, 2, 'p', 'c', 3, 'l', 'a', 'n', 0,
				      54, 4, 192, 0, 2, 1 };
	size_t n = v4_build(b, o1, sizeof(o1));
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 68, 67, b, n), NL_NEED_MORE);
	assert_str(&ff, "dhcp.message_type", "INFORM");
	ck_assert_str_eq(ff.f.state, "DHCP_INFORM");
	assert_str(&ff, "dhcp.hostname", "pc.lan");
	assert_str(&ff, "dhcp.server_id", "192.0.2.1");
	fh_close(&ff);

	/* a NUL ends a host name; the RFC 4388 / 7724 types; type 200 by number */
	static const uint8_t o2[] = { 53, 1, 17, 12, 4, 'a', 'b', 0, 0, 255, 12, 3, 'x', 'y', 'z' };
	n = v4_build(b, o2, sizeof(o2));
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 67, 67, b, n), NL_NEED_MORE);
	assert_str(&ff, "dhcp.message_type", "LEASEQUERYSTATUS");
	ck_assert_str_eq(ff.f.state, "DHCP_LEASEQUERYSTATUS");
	assert_str(&ff, "dhcp.hostname", "ab");	/* after END nothing is read */
	static const uint8_t o3[] = { 53, 1, 200, 255 };
	n = v4_build(b, o3, sizeof(o3));
	ck_assert_int_eq(feed(&ff, 67, 67, b, n), NL_NEED_MORE);
	assert_str(&ff, "dhcp.message_type", "200");
	ck_assert_str_eq(ff.f.state, "DHCP_UNKNOWN");
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);

	/* BOOTP with RFC 1497 vendor extensions (a cookie, no option 53) */
	static const uint8_t o4[] = { 1, 4, 255, 255, 255, 0, 255 };
	n = v4_build(b, o4, sizeof(o4));
	b[0] = 2;
	b[16] = 10, b[17] = 0, b[18] = 0, b[19] = 9;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 67, 68, b, n), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "BOOTP");
	assert_str(&ff, "dhcp.message_type", NULL);
	assert_str(&ff, "dhcp.assigned_addr", NULL);	/* only of an OFFER / ACK */
	assert_xid(&ff, 0x400b7941);
	fh_close(&ff);

	/* htype 6 (IEEE 802): no MAC shown; hlen 16 still fine */
	n = v4_build(b, o2, sizeof(o2));
	b[1] = 6;
	b[2] = 16;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 68, 67, b, n), NL_NEED_MORE);
	assert_str(&ff, "dhcp.client_mac", NULL);
	fh_close(&ff);

	/* option overload (52): sname and file are not read as options */
	static const uint8_t o5[] = { 53, 1, 1, 52, 1, 3, 255 };
	n = v4_build(b, o5, sizeof(o5));
	memcpy(b + 44, "\x0c\x05" "ghost" "\xff", 8);	/* a host name option in sname */
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 68, 67, b, n), NL_NEED_MORE);
	assert_str(&ff, "dhcp.message_type", "DISCOVER");
	assert_str(&ff, "dhcp.hostname", NULL);
	fh_close(&ff);
}
END_TEST

/* ---- real DHCPv6 (dhclient -6 and dnsmasq) ------------------------------ */

START_TEST(test_v6_solicit)
{
	struct fh_flow ff;
	one(&ff, 546, 547, "v6_solicit");
	assert_str(&ff, "dhcp.message_type", "SOLICIT");
	ck_assert_str_eq(ff.f.state, "DHCPV6_SOLICIT");
	assert_xid(&ff, 0xcd5280);
	/* option 39, a fully qualified wire name (tshark: with a trailing dot) */
	assert_str(&ff, "dhcp.hostname", "v6client.netlens.test");
	assert_str(&ff, "dhcp.client_mac", "ba:f6:4f:09:fe:51");	/* DUID-LLT */
	assert_str(&ff, "dhcp.assigned_addr", NULL);
	assert_str(&ff, "dhcp.server_id", NULL);
	assert_str(&ff, "dhcp.vendor_class", NULL);
	fh_close(&ff);
}
END_TEST

START_TEST(test_v6_server_flow)
{
	static const char *const seq[] = { "v6_reply_inforeq", "v6_advertise", "v6_reply", "v6_reply_release" };
	struct fh_flow ff;
	struct vec v;
	fh_open(&ff, D());
	load(seq[0], &v);
	ck_assert_int_eq(feed_v(&ff, 547, 546, &v), NL_NEED_MORE);
	assert_str(&ff, "dhcp.message_type", "REPLY");
	assert_xid(&ff, 0x7b23c6);
	/* client identifier DUID-LL (the server's DUID-LLT is another MAC) */
	assert_str(&ff, "dhcp.client_mac", "ba:f6:4f:09:fe:51");
	assert_str(&ff, "dhcp.hostname", "v6client");	/* a partial name */
	assert_str(&ff, "dhcp.assigned_addr", NULL);
	load(seq[1], &v);
	ck_assert_int_eq(feed_v(&ff, 547, 546, &v), NL_NEED_MORE);
	assert_str(&ff, "dhcp.message_type", "ADVERTISE");
	ck_assert_str_eq(ff.f.state, "DHCPV6_ADVERTISE");
	assert_str(&ff, "dhcp.assigned_addr", "fd00:231::198");
	assert_xid(&ff, 0xcd5280);
	load(seq[2], &v);
	ck_assert_int_eq(feed_v(&ff, 547, 546, &v), NL_NEED_MORE);
	assert_xid(&ff, 0xc87af3);
	load(seq[3], &v);
	ck_assert_int_eq(feed_v(&ff, 547, 546, &v), NL_NEED_MORE);
	assert_str(&ff, "dhcp.message_type", "REPLY");
	ck_assert_str_eq(ff.f.state, "DHCPV6_REPLY");
	assert_xid(&ff, 0xe83dc4);
	assert_str(&ff, "dhcp.assigned_addr", "fd00:231::198");	/* kept from the earlier REPLY */
	static const char *const m[] = { "REPLY", "ADVERTISE" };
	assert_list(&ff, "dhcp.messages", m, 2);
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}
END_TEST

START_TEST(test_v6_client_flow)
{
	static const char *const seq[] = { "v6_inforeq", "v6_solicit", "v6_request", "v6_release" };
	struct fh_flow ff;
	struct vec v;
	fh_open(&ff, D());
	load(seq[0], &v);
	ck_assert_int_eq(feed_v(&ff, 546, 547, &v), NL_NEED_MORE);
	assert_str(&ff, "dhcp.message_type", "INFORMATION-REQUEST");
	ck_assert_str_eq(ff.f.state, "DHCPV6_INFO_REQUEST");
	assert_str(&ff, "dhcp.client_mac", "ba:f6:4f:09:fe:51");	/* DUID-LL */
	assert_str(&ff, "dhcp.hostname", NULL);
	for (size_t i = 1; i < 4; i++) {
		load(seq[i], &v);
		ck_assert_int_eq(feed_v(&ff, 546, 547, &v), NL_NEED_MORE);
	}
	assert_str(&ff, "dhcp.message_type", "RELEASE");
	ck_assert_str_eq(ff.f.state, "DHCPV6_RELEASE");
	assert_xid(&ff, 0xe83dc4);
	assert_str(&ff, "dhcp.hostname", "v6client.netlens.test");
	/* a REQUEST or RELEASE echoes the IA address: not an assignment */
	assert_str(&ff, "dhcp.assigned_addr", NULL);
	static const char *const m[] = { "INFORMATION-REQUEST", "SOLICIT", "REQUEST", "RELEASE" };
	assert_list(&ff, "dhcp.messages", m, 4);
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}
END_TEST

/* Option 16 (RFC 8415 21.16), real: dhclient -6 -S with a vendor class */
START_TEST(test_v6_vendor_class)
{
	struct fh_flow ff;
	one(&ff, 546, 547, "v6_inforeq_vclass");
	assert_str(&ff, "dhcp.message_type", "INFORMATION-REQUEST");
	assert_xid(&ff, 0x7b23c6);
	assert_str(&ff, "dhcp.client_mac", "46:83:77:ed:f4:98");
	assert_str(&ff, "dhcp.vendor_class", "netlens-vendor");
	assert_str(&ff, "dhcp.hostname", NULL);	/* option 39 in an INFORMATION-REQUEST */
	fh_close(&ff);

	/* not shown, the message still read: a control byte in the data, an
	 * item longer than the option, an option without an item, empty */
	static const uint8_t bad[][12] = {
		{ 0, 16, 0, 8, 0, 0, 0x11, 0x8b, 0, 2, 'a', 0x07 },
		{ 0, 16, 0, 8, 0, 0, 0x11, 0x8b, 0, 3, 'a', 'b' },
		{ 0, 16, 0, 4, 0, 0, 0x11, 0x8b, 0, 0, 0, 0 },
		{ 0, 16, 0, 6, 0, 0, 0x11, 0x8b, 0, 0, 0, 0 },
	};
	static const size_t blen[] = { 12, 12, 8, 10 };
	for (size_t i = 0; i < sizeof(blen) / sizeof(blen[0]); i++) {
		uint8_t b[32] = { 11, 0, 0, 7 };
		memcpy(b + 4, bad[i], blen[i]);
		fh_open(&ff, D());
		ck_assert_int_eq(feed(&ff, 546, 547, b, 4 + blen[i]), NL_NEED_MORE);
		assert_str(&ff, "dhcp.vendor_class", NULL);
		assert_xid(&ff, 7);
		fh_close(&ff);
	}
}
END_TEST

/* RELAY-FORW (RFC 8415 9): hop-count, link and peer address, an
 * Interface-Id option, then the relayed message in option 9. */
static size_t relay_wrap(uint8_t *out, uint8_t type, const uint8_t *inner, size_t n)
{
	uint8_t tmp[VMAX];
	ck_assert_uint_le(n, sizeof(tmp));
	memcpy(tmp, inner, n);	/* inner may be out: wrapped in place */
	size_t k = 0;
	out[k++] = type;
	out[k++] = 0;
	memset(out + k, 0x20, 32);
	k += 32;
	static const uint8_t ifid[] = { 0, 18, 0, 4, 'e', 't', 'h', '0' };
	memcpy(out + k, ifid, sizeof(ifid));
	k += sizeof(ifid);
	out[k++] = 0;
	out[k++] = 9;
	out[k++] = (uint8_t)(n >> 8);
	out[k++] = (uint8_t)n;
	ck_assert_uint_le(k + n, VMAX);
	memcpy(out + k, tmp, n);
	return k + n;
}

START_TEST(test_v6_relay)
{
	struct vec v;
	uint8_t b[VMAX];
	load("v6_solicit", &v);
	size_t n = relay_wrap(b, 12, v.b, v.n);
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 547, 547, b, n), NL_NEED_MORE);
	assert_str(&ff, "dhcp.message_type", "RELAY-FORW");
	ck_assert_str_eq(ff.f.state, "DHCPV6_RELAY_FORW");
	static const char *const m[] = { "RELAY-FORW", "SOLICIT" };
	assert_list(&ff, "dhcp.messages", m, 2);
	assert_xid(&ff, 0xcd5280);
	assert_str(&ff, "dhcp.hostname", "v6client.netlens.test");
	assert_str(&ff, "dhcp.client_mac", "ba:f6:4f:09:fe:51");
	fh_close(&ff);

	/* an ADVERTISE in RELAY-REPL: its address */
	load("v6_advertise", &v);
	n = relay_wrap(b, 13, v.b, v.n);
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 547, 547, b, n), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "DHCPV6_RELAY_REPL");
	assert_str(&ff, "dhcp.assigned_addr", "fd00:231::198");
	fh_close(&ff);

	/* 8 relays deep (HOP_COUNT_LIMIT) is read; 9 is not claimed */
	load("v6_solicit", &v);
	memcpy(b, v.b, v.n);
	n = v.n;
	for (int i = 0; i < 8; i++)
		n = relay_wrap(b, 12, b, n);
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 547, 547, b, n), NL_NEED_MORE);
	assert_xid(&ff, 0xcd5280);
	fh_close(&ff);
	n = relay_wrap(b, 12, b, n);
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 547, 547, b, n), NL_NOT_MINE);
	ck_assert(fh_no_fields(&ff));
	fh_close(&ff);

	/* a relay message with nothing relayed: its type, no xid */
	fh_open(&ff, D());
	n = relay_wrap(b, 12, b, 0);
	ck_assert_int_eq(feed(&ff, 547, 547, b, n - 4), NL_NEED_MORE);
	assert_str(&ff, "dhcp.message_type", "RELAY-FORW");
	ck_assert(!ff.f.v[4].set);
	/* a relayed message that is broken: the whole is */
	static const uint8_t bad[] = { 1, 0, 0, 1, 0, 1, 0, 9 };
	n = relay_wrap(b, 12, bad, sizeof(bad));
	ck_assert_int_eq(feed(&ff, 547, 547, b, n), NL_MALFORMED);
	fh_close(&ff);
}
END_TEST

/* ---- truncations -------------------------------------------------------- */

/* The option boundaries of a message as the RFCs frame it: bound[i] true
 * when a datagram cut after i bytes still frames (whole options only). */
static void boundaries(const struct vec *v, int v6, uint8_t *bound)
{
	memset(bound, 0, v->n + 1);
	size_t at = v6 ? 4 : 240;
	bound[at] = 1;
	while (at < v->n) {
		if (v6) {
			size_t len = (size_t)v->b[at + 2] << 8 | v->b[at + 3];
			at += 4 + len;
		} else if (v->b[at] == 0) {
			at += 1;
		} else if (v->b[at] == 255) {
			for (size_t k = at + 1; k <= v->n; k++)
				bound[k] = 1;	/* END: the rest is not read */
			break;
		} else {
			at += 2 + (size_t)v->b[at + 1];
		}
		ck_assert_uint_le(at, v->n);
		bound[at] = 1;
	}
}

static void truncate_all(const char *name, int v6)
{
	struct vec v;
	load(name, &v);
	uint8_t bound[VMAX + 1];
	boundaries(&v, v6, bound);
	uint16_t sp = v6 ? 546 : 68, dp = v6 ? 547 : 67;
	struct fh_flow full, ff;
	fh_open(&full, D());
	ck_assert_int_eq(feed_v(&full, sp, dp, &v), NL_NEED_MORE);
	for (size_t len = 0; len < v.n; len++) {
		fh_open(&ff, D());
		enum nl_verdict r = feed(&ff, sp, dp, v.b, len);
		if (!bound[len]) {
			ck_assert_msg(r == NL_NOT_MINE, "%s cut at %zu: verdict %d", name, len, r);
			ck_assert(fh_no_fields(&ff));
		} else {
			ck_assert_msg(r == NL_NEED_MORE, "%s cut at %zu: verdict %d", name, len, r);
			/* whatever it shows, the whole message shows the same */
			for (uint16_t i = 0; i < ff.f.d->n_fields; i++) {
				if (!ff.f.v[i].set)
					continue;
				ck_assert(full.f.v[i].set);
				ck_assert_uint_eq(ff.f.v[i].u64, full.f.v[i].u64);
				ck_assert_str_eq(ff.f.v[i].str[0], full.f.v[i].str[0]);
			}
		}
		ck_assert_int_eq(ff.f.errors, 0);
		fh_close(&ff);
		/* after a good message, a cut one is MALFORMED and changes nothing */
		if (!bound[len]) {
			struct fh_flow two;
			fh_open(&two, D());
			ck_assert_int_eq(feed_v(&two, sp, dp, &v), NL_NEED_MORE);
			ck_assert_int_eq(feed(&two, sp, dp, v.b, len), NL_MALFORMED);
			ck_assert(fh_same_results(&two, &full));
			fh_close(&two);
		}
	}
	fh_close(&full);
}

START_TEST(test_truncations)
{
	static const char *const v4[] = { "v4_discover", "v4_offer", "v4_request", "v4_ack", "v4_discover_fqdn",
					  "v4_offer_fqdn", "v4_request_fqdn", "v4_ack_fqdn" };
	static const char *const v6[] = { "v6_inforeq", "v6_inforeq_vclass", "v6_reply_inforeq", "v6_solicit", "v6_advertise",
					  "v6_request", "v6_reply", "v6_release", "v6_reply_release" };
	for (size_t i = 0; i < sizeof(v4) / sizeof(v4[0]); i++)
		truncate_all(v4[i], 0);
	for (size_t i = 0; i < sizeof(v6) / sizeof(v6[0]); i++)
		truncate_all(v6[i], 1);
}
END_TEST

/* A host name cut by the datagram's end is no host name. */
START_TEST(test_truncated_option_gives_nothing)
{
	struct vec v;
	load("v4_discover", &v);
	/* option 12 "v4client" sits somewhere after the cookie: find it */
	size_t at = 240;
	while (at < v.n && v.b[at] != 12)
		at += v.b[at] == 0 ? 1 : 2 + (size_t)v.b[at + 1];
	ck_assert_uint_lt(at, v.n);
	ck_assert_uint_eq(v.b[at + 1], 8);
	for (size_t len = at + 1; len < at + 10; len++) {
		struct fh_flow ff;
		fh_open(&ff, D());
		ck_assert_int_eq(feed(&ff, 68, 67, v.b, len), NL_NOT_MINE);
		assert_str(&ff, "dhcp.hostname", NULL);
		fh_close(&ff);
	}
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 68, 67, v.b, at + 10), NL_NEED_MORE);
	assert_str(&ff, "dhcp.hostname", "v4client");
	fh_close(&ff);
}
END_TEST

/* A datagram the snap length cut between two options looks whole by its
 * own bytes; the host's wire length tells. (ws_dhcp.pcap cut with editcap
 * -s 294 read as a whole REQUEST without its server id before ABI 1.3.) */
START_TEST(test_cut_datagram)
{
	struct vec v;
	load("v4_request", &v);
	/* find END, and the option boundaries before it */
	size_t at = 240, end = 0, bounds[64], nb = 0;
	while (at < v.n && !end) {
		if (v.b[at] == 255)
			end = at;
		else if (v.b[at] == 0)
			at++;
		else {
			at += 2 + (size_t)v.b[at + 1];
			if (nb < 64)
				bounds[nb++] = at;
		}
	}
	ck_assert_uint_gt(end, 0);
	ck_assert_uint_ge(nb, 3);
	for (size_t i = 0; i < nb; i++) {
		size_t len = bounds[i];	/* ends on an option's end: no END yet */
		if (len > end)
			continue;
		struct fh_flow ff;
		fh_open(&ff, D());
		/* as a 1.2 host or without the wire length: a whole message */
		ck_assert_int_eq(fh_feed_12(&ff, NL_UDP, 1, 68, 67, v.b, len), NL_NEED_MORE);
		assert_str(&ff, "dhcp.message_type", "REQUEST");
		fh_close(&ff);
		/* told it was cut: passed over, and nothing from it */
		fh_open(&ff, D());
		ck_assert_int_eq(fh_feed_ip(&ff, NL_UDP, 1, 68, 67, v.b, len, 4, (uint32_t)v.n), NL_NEED_MORE);
		ck_assert(fh_no_fields(&ff));
		ck_assert_int_eq(ff.f.errors, 0);
		/* and the flow still reads the next whole one */
		ck_assert_int_eq(fh_feed_ip(&ff, NL_UDP, 1, 68, 67, v.b, v.n, 4, (uint32_t)v.n), NL_NEED_MORE);
		assert_str(&ff, "dhcp.message_type", "REQUEST");
		fh_close(&ff);
	}
	/* cut mid-option on a proven flow: passed over, not MALFORMED */
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(fh_feed_ip(&ff, NL_UDP, 1, 68, 67, v.b, v.n, 4, (uint32_t)v.n), NL_NEED_MORE);
	ck_assert_int_eq(fh_feed_ip(&ff, NL_UDP, 1, 68, 67, v.b, bounds[0] + 1, 4, (uint32_t)v.n),
			 NL_NEED_MORE);
	fh_close(&ff);
	/* cut after END (in the padding): the message is whole */
	if (end + 1 < v.n) {
		fh_open(&ff, D());
		ck_assert_int_eq(fh_feed_ip(&ff, NL_UDP, 1, 68, 67, v.b, end + 1, 4, (uint32_t)v.n + 100),
				 NL_NEED_MORE);
		assert_str(&ff, "dhcp.message_type", "REQUEST");
		fh_close(&ff);
	}
	/* DHCPv6 options run to the datagram's end: a cut one is never read */
	load("v6_request", &v);
	fh_open(&ff, D());
	ck_assert_int_eq(fh_feed_ip(&ff, NL_UDP, 1, 546, 547, v.b, v.n, 6, (uint32_t)v.n + 1), NL_NEED_MORE);
	ck_assert(fh_no_fields(&ff));
	ck_assert_int_eq(fh_feed_ip(&ff, NL_UDP, 1, 546, 547, v.b, v.n, 6, (uint32_t)v.n), NL_NEED_MORE);
	assert_str(&ff, "dhcp.message_type", "REQUEST");
	fh_close(&ff);
}
END_TEST

/* DHCP only over IPv4, DHCPv6 only over IPv6, where the host says (a
 * tcpdump fuzz capture had 514 -> 546 over IPv4 read as DHCPv6). */
START_TEST(test_ip_version)
{
	struct vec v4, v6;
	load("v4_discover", &v4);
	load("v6_solicit", &v6);
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(fh_feed_ip(&ff, NL_UDP, 1, 546, 547, v6.b, v6.n, 4, (uint32_t)v6.n), NL_NOT_MINE);
	ck_assert(fh_no_fields(&ff));
	fh_close(&ff);
	fh_open(&ff, D());
	ck_assert_int_eq(fh_feed_ip(&ff, NL_UDP, 1, 514, 546, v6.b, v6.n, 4, (uint32_t)v6.n), NL_NOT_MINE);
	fh_close(&ff);
	fh_open(&ff, D());
	ck_assert_int_eq(fh_feed_ip(&ff, NL_UDP, 1, 68, 67, v4.b, v4.n, 6, (uint32_t)v4.n), NL_NOT_MINE);
	ck_assert(fh_no_fields(&ff));
	fh_close(&ff);
	/* the right version, and an unknown one (0), read as before */
	const struct { const struct vec *v; uint16_t sport, dport; unsigned ipv; const char *type; } ok[] = {
		{ &v6, 546, 547, 6, "SOLICIT" }, { &v6, 546, 547, 0, "SOLICIT" },
		{ &v4, 68, 67, 4, "DISCOVER" }, { &v4, 68, 67, 0, "DISCOVER" },
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		fh_open(&ff, D());
		ck_assert_int_eq(fh_feed_ip(&ff, NL_UDP, 1, ok[i].sport, ok[i].dport, ok[i].v->b, ok[i].v->n,
					    ok[i].ipv, 0), NL_NEED_MORE);
		assert_str(&ff, "dhcp.message_type", ok[i].type);
		fh_close(&ff);
	}
}
END_TEST

/* ---- not mine, malformed ------------------------------------------------ */

START_TEST(test_not_mine)
{
	struct vec v4, v6;
	load("v4_discover", &v4);
	load("v6_solicit", &v6);
	struct fh_flow ff;
	/* off the ports: never, however DHCP it looks */
	static const uint16_t ports[][2] = { { 1067, 1068 }, { 53, 5353 }, { 6767, 40000 }, { 0, 0 } };
	for (size_t i = 0; i < 4; i++) {
		fh_open(&ff, D());
		ck_assert_int_eq(feed_v(&ff, ports[i][0], ports[i][1], &v4), NL_NOT_MINE);
		ck_assert(fh_no_fields(&ff));
		fh_close(&ff);
		fh_open(&ff, D());
		ck_assert_int_eq(feed_v(&ff, ports[i][0], ports[i][1], &v6), NL_NOT_MINE);
		ck_assert(fh_no_fields(&ff));
		fh_close(&ff);
	}
	/* TCP on 67 */
	fh_open(&ff, D());
	ck_assert_int_eq(fh_feed(&ff, NL_TCP, 1, 68, 67, v4.b, v4.n, 0), NL_NOT_MINE);
	ck_assert(fh_no_fields(&ff));
	fh_close(&ff);
	/* the other version's message on a port of one */
	fh_open(&ff, D());
	ck_assert_int_eq(feed_v(&ff, 546, 547, &v4), NL_NOT_MINE);	/* msg-type 1, options do not frame */
	ck_assert(fh_no_fields(&ff));
	fh_close(&ff);
	fh_open(&ff, D());
	ck_assert_int_eq(feed_v(&ff, 68, 67, &v6), NL_NOT_MINE);
	ck_assert(fh_no_fields(&ff));
	fh_close(&ff);
	/* a DNS query, an NTP packet, nothing, on the DHCP ports */
	static const uint8_t dns[] = { 0x12, 0x34, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3, 'w', 'w', 'w', 0, 0, 1, 0, 1 };
	uint8_t ntp[48] = { 0x23 };
	for (int k = 0; k < 2; k++) {
		uint16_t s = k ? 546 : 68, d = k ? 547 : 67;
		fh_open(&ff, D());
		ck_assert_int_eq(feed(&ff, s, d, dns, sizeof(dns)), NL_NOT_MINE);
		ck_assert(fh_no_fields(&ff));
		fh_close(&ff);
		fh_open(&ff, D());
		ck_assert_int_eq(feed(&ff, s, d, ntp, sizeof(ntp)), NL_NOT_MINE);
		ck_assert(fh_no_fields(&ff));
		fh_close(&ff);
		fh_open(&ff, D());
		ck_assert_int_eq(feed(&ff, s, d, ntp, 0), NL_NOT_MINE);
		fh_close(&ff);
	}
}
END_TEST

START_TEST(test_v4_header_checks)
{
	struct vec v;
	load("v4_discover", &v);
	uint8_t b[VMAX];
	struct { size_t at; uint8_t val; } cases[] = {
		{ 0, 0 }, { 0, 3 }, { 0, 0xff },	/* op */
		{ 2, 17 }, { 2, 0xff },			/* hlen */
		{ 236, 0x64 }, { 239, 0x00 },		/* cookie: BOOTP or other */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memcpy(b, v.b, v.n);
		b[cases[i].at] = cases[i].val;
		struct fh_flow ff;
		fh_open(&ff, D());
		ck_assert_int_eq(feed(&ff, 68, 67, b, v.n), NL_NOT_MINE);
		ck_assert(fh_no_fields(&ff));
		fh_close(&ff);
	}
	/* options: a length past the end, a type with no data, a bad length for
	 * an address option, a code with no length byte, over 512 options */
	static const uint8_t o1[] = { 53, 1, 1, 12, 40, 'a' };
	static const uint8_t o2[] = { 53, 0, 255 };
	static const uint8_t o3[] = { 53, 1, 1, 54, 3, 1, 2, 3, 255 };
	static const uint8_t o4[] = { 53, 1, 1, 50, 5, 1, 2, 3, 4, 5, 255 };
	static const uint8_t o5[] = { 53, 1, 1, 81, 2, 0, 0, 255 };
	static const uint8_t o6[] = { 53, 1, 1, 12 };
	const struct { const uint8_t *o; size_t n; } opts[] = {
		{ o1, sizeof(o1) }, { o2, sizeof(o2) }, { o3, sizeof(o3) }, { o4, sizeof(o4) },
		{ o5, sizeof(o5) }, { o6, sizeof(o6) },
	};
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		size_t n = v4_build(b, opts[i].o, opts[i].n);
		struct fh_flow ff;
		fh_open(&ff, D());
		ck_assert_msg(feed(&ff, 68, 67, b, n) == NL_NOT_MINE, "options case %zu", i);
		ck_assert(fh_no_fields(&ff));
		fh_close(&ff);
	}
	uint8_t many[1100];
	for (size_t i = 0; i < 1100; i += 2)
		many[i] = 200, many[i + 1] = 0;	/* 550 empty options */
	size_t n = v4_build(b, many, sizeof(many));
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 68, 67, b, n), NL_NOT_MINE);
	fh_close(&ff);
	/* ... while 1100 pads are fine */
	memset(many, 0, sizeof(many));
	many[0] = 53, many[1] = 1, many[2] = 4;
	n = v4_build(b, many, sizeof(many));
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 68, 67, b, n), NL_NEED_MORE);
	assert_str(&ff, "dhcp.message_type", "DECLINE");
	fh_close(&ff);
	/* a broken wire name in option 81: no host name, the rest stands */
	static const uint8_t o7[] = { 53, 1, 1, 81, 7, 0x04, 0, 0, 0xc0, 0x0c, 1, 'a', 255 };
	n = v4_build(b, o7, sizeof(o7));
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 68, 67, b, n), NL_NEED_MORE);
	assert_str(&ff, "dhcp.hostname", NULL);
	assert_str(&ff, "dhcp.message_type", "DISCOVER");
	fh_close(&ff);
	/* a label running past the option: no host name */
	static const uint8_t o8[] = { 53, 1, 1, 81, 6, 0x04, 0, 0, 5, 'a', 'b', 255 };
	n = v4_build(b, o8, sizeof(o8));
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 68, 67, b, n), NL_NEED_MORE);
	assert_str(&ff, "dhcp.hostname", NULL);
	fh_close(&ff);
}
END_TEST

START_TEST(test_v6_header_checks)
{
	struct vec v;
	load("v6_solicit", &v);
	uint8_t b[VMAX];
	static const uint8_t types[] = { 0, 14, 20, 35, 255 };
	for (size_t i = 0; i < sizeof(types); i++) {
		memcpy(b, v.b, v.n);
		b[0] = types[i];
		struct fh_flow ff;
		fh_open(&ff, D());
		ck_assert_int_eq(feed(&ff, 546, 547, b, v.n), NL_NOT_MINE);
		ck_assert(fh_no_fields(&ff));
		fh_close(&ff);
	}
	/* an option length past the end; 1-3 bytes after the last option;
	 * IA_NA shorter than its 12 fixed bytes; FQDN with no flags byte */
	static const uint8_t m1[] = { 1, 0, 0, 1, 0, 1, 0, 9, 0, 1 };
	static const uint8_t m2[] = { 1, 0, 0, 1, 0, 8, 0, 2, 0, 0, 0 };
	static const uint8_t m3[] = { 2, 0, 0, 1, 0, 3, 0, 4, 1, 2, 3, 4 };
	static const uint8_t m4[] = { 1, 0, 0, 1, 0, 39, 0, 0 };
	const struct { const uint8_t *m; size_t n; } ms[] = {
		{ m1, sizeof(m1) }, { m2, sizeof(m2) }, { m3, sizeof(m3) }, { m4, sizeof(m4) },
	};
	for (size_t i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
		struct fh_flow ff;
		fh_open(&ff, D());
		ck_assert_msg(feed(&ff, 546, 547, ms[i].m, ms[i].n) == NL_NOT_MINE, "case %zu", i);
		ck_assert(fh_no_fields(&ff));
		fh_close(&ff);
	}
	/* a bare header is a message; a DUID of another kind gives no MAC */
	static const uint8_t m5[] = { 11, 0xab, 0xcd, 0xef, 0, 1, 0, 10, 0, 2, 0, 0, 0, 9, 1, 2, 3, 4 };
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 546, 547, m5, 4), NL_NEED_MORE);
	assert_xid(&ff, 0xabcdef);
	ck_assert_str_eq(ff.f.state, "DHCPV6_INFO_REQUEST");
	ck_assert_int_eq(feed(&ff, 546, 547, m5, sizeof(m5)), NL_NEED_MORE);	/* DUID-EN */
	assert_str(&ff, "dhcp.client_mac", NULL);
	fh_close(&ff);
	/* IA_NA of an ADVERTISE with a broken inner option: no address */
	static const uint8_t m6[] = { 2, 0, 0, 1, 0, 3, 0, 16, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0,
				      0, 5, 0, 30 };
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 547, 546, m6, sizeof(m6)), NL_NEED_MORE);
	assert_str(&ff, "dhcp.assigned_addr", NULL);
	assert_str(&ff, "dhcp.message_type", "ADVERTISE");
	fh_close(&ff);
}
END_TEST

/* The budget: a flow is followed while it says NL_NEED_MORE; a claimed
 * flow stays claimed whatever comes. */
START_TEST(test_many_messages)
{
	struct vec v;
	load("v4_discover", &v);
	struct fh_flow ff;
	fh_open(&ff, D());
	for (int i = 0; i < 40; i++)
		ck_assert_int_eq(feed_v(&ff, 68, 67, &v), NL_NEED_MORE);
	static const char *const m[] = { "DISCOVER" };
	assert_list(&ff, "dhcp.messages", m, 1);
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}
END_TEST

/* Regression guard: the reader is read from where it stands. */
START_TEST(test_reader_offset)
{
	struct vec v;
	load("v6_advertise", &v);
	uint8_t b[VMAX];
	memcpy(b, "junk!", 5);
	memcpy(b + 5, v.b, v.n);
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(fh_feed_skipped(&ff, NL_UDP, 0, 547, 546, b, v.n + 5, 5), NL_NEED_MORE);
	assert_str(&ff, "dhcp.assigned_addr", "fd00:231::198");
	fh_close(&ff);
}
END_TEST

/* ---- random mutations --------------------------------------------------- */

static uint16_t mut_sport, mut_dport;

static enum nl_verdict mut_feed(struct fh_flow *ff, int from_client, const void *b, size_t n)
{
	return feed(ff, from_client ? mut_sport : mut_dport, from_client ? mut_dport : mut_sport, b, n);
}

START_TEST(test_mutations)
{
	static const char *const pairs[][3] = {
		{ "v4_discover", "v4_offer", "4" }, { "v4_request_fqdn", "v4_ack_fqdn", "4" },
		{ "v6_solicit", "v6_advertise", "6" }, { "v6_request", "v6_reply", "6" },
	};
	uint32_t x = 0x5eed;
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		struct vec c, s;
		load(pairs[i][0], &c);
		load(pairs[i][1], &s);
		uint8_t *orig[2] = { s.b, c.b };
		size_t len[2] = { s.n, c.n };
		mut_sport = pairs[i][2][0] == '4' ? 68 : 546;
		mut_dport = pairs[i][2][0] == '4' ? 67 : 547;
		mutate_run(D(), orig, len, mut_feed, fh_no_fields, 500, &x);
	}
}
END_TEST

static Suite *dhcp_suite(void)
{
	Suite *s = suite_create("dhcp");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_descriptor);
	tcase_add_test(tc, test_v4_discover);
	tcase_add_test(tc, test_v4_offer_ack);
	tcase_add_test(tc, test_v4_client_flow);
	tcase_add_test(tc, test_v4_crafted_options);
	tcase_add_test(tc, test_v6_solicit);
	tcase_add_test(tc, test_v6_server_flow);
	tcase_add_test(tc, test_v6_client_flow);
	tcase_add_test(tc, test_v6_vendor_class);
	tcase_add_test(tc, test_v6_relay);
	tcase_add_test(tc, test_truncations);
	tcase_add_test(tc, test_truncated_option_gives_nothing);
	tcase_add_test(tc, test_cut_datagram);
	tcase_add_test(tc, test_ip_version);
	tcase_add_test(tc, test_not_mine);
	tcase_add_test(tc, test_v4_header_checks);
	tcase_add_test(tc, test_v6_header_checks);
	tcase_add_test(tc, test_many_messages);
	tcase_add_test(tc, test_reader_offset);
	tcase_add_test(tc, test_mutations);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(dhcp_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
