/*
 * test_neighbors.c - the neighbour cache (core/neighbors.c), the
 * neighbour-discovery fields decode() fills for it, and MAC vendors
 * (core/oui.c):
 *  - a solicitation gives its sender's MAC, an advertisement its target's;
 *    hop limit below 255 (forwarded, so not from this link), an
 *    unspecified sender (duplicate address detection), no option, a zero
 *    option length and options cut by the capture teach nothing and never
 *    read past the packet;
 *  - ARP senders and a reply's requester are learnt, 0.0.0.0 probes and
 *    group MACs are not; entries go stale after 30 minutes; past 4 096
 *    the oldest learnt is replaced, an update keeps its slot;
 *  - vendors from both file formats (Wireshark's manuf, the IEEE's
 *    oui.txt): 24-bit prefixes only, long names cut, locally administered
 *    addresses named so, an empty or missing file refused.
 */
#include "config.h"

#include <unistd.h>

#include "tests/unit/unit.h"
#include "core/decode.h"
#include "core/neighbors.h"
#include "core/oui.h"

static const uint8_t mac_c[6] = { 0x00, 0x00, 0x0c, 0x12, 0x34, 0x56 };

/* An Ethernet/IPv6 neighbour solicitation (135) or advertisement (136)
 * with an option of type opt_type and length opt_len units (0: none). */
static void nd_frame(struct pb *p, int type, unsigned hlim, uint8_t src_last, int opt_type,
		     unsigned opt_len)
{
	pb_init(p);
	pb_eth(p, 0x86dd);
	unsigned body = 4 + 4 + 16 + opt_len * 8;
	size_t ip = pb_ipv6(p, 58, src_last, 0x01, body);
	p->b[ip + 7] = (uint8_t)hlim;
	pb_u8(p, (unsigned)type);
	pb_u8(p, 0);
	pb_be16(p, 0);
	pb_be32(p, type == 136 ? 0x60000000u : 0);	/* flags (solicited, override) */
	uint8_t target[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	target[15] = 0x77;
	pb_bytes(p, target, 16);
	if (opt_len) {
		pb_u8(p, (unsigned)opt_type);
		pb_u8(p, opt_len);
		pb_bytes(p, mac_c, 6);
		pb_zero(p, opt_len * 8 - 8);
	}
}

static enum decode_result dec(const struct pb *p, size_t len, struct packet *pkt)
{
	memset(pkt, 0, sizeof(*pkt));
	pkt->ts_us = 1000;
	pkt->wire_len = (uint32_t)p->len;	/* a capture cut at len */
	pkt->cap_len = (uint32_t)len;
	return decode_packet(1, p->b, len, pkt);
}

START_TEST(nd_decode)
{
	struct pb p;
	struct packet pkt;
	struct neighbors *n = neighbors_new();
	ck_assert_ptr_nonnull(n);
	uint8_t sender[16] = { 0x20, 0x01, 0x0d, 0xb8 }, target[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	sender[15] = 0x05;
	target[15] = 0x77;

	nd_frame(&p, 135, 255, 0x05, 1, 1);	/* solicitation: source link-layer address */
	ck_assert_int_eq(dec(&p, p.len, &pkt), DECODE_OK);
	ck_assert_int_eq(pkt.nd_has_lladdr, 1);
	ck_assert_mem_eq(pkt.nd_lladdr, mac_c, 6);
	neighbors_from_packet(n, &pkt);
	ck_assert_ptr_nonnull(neighbors_mac(n, 6, sender, 1000));
	ck_assert_mem_eq(neighbors_mac(n, 6, sender, 1000), mac_c, 6);
	ck_assert_ptr_null(neighbors_mac(n, 6, target, 1000));

	nd_frame(&p, 136, 255, 0x06, 2, 1);	/* advertisement: target link-layer address */
	ck_assert_int_eq(dec(&p, p.len, &pkt), DECODE_OK);
	ck_assert_mem_eq(pkt.nd_target, target, 16);
	neighbors_from_packet(n, &pkt);
	ck_assert_ptr_nonnull(neighbors_mac(n, 6, target, 1000));
	ck_assert_uint_eq(neighbors_count(n), 2);

	/* what teaches nothing */
	nd_frame(&p, 136, 64, 0x06, 2, 1);	/* forwarded: not from this link */
	ck_assert_int_eq(dec(&p, p.len, &pkt), DECODE_OK);
	ck_assert_int_eq(pkt.nd_has_lladdr, 1);
	ck_assert_uint_eq(pkt.hop_limit, 64);
	target[15] = 0x78;
	nd_frame(&p, 136, 255, 0x06, 1, 1);	/* an advertisement with a source option */
	ck_assert_int_eq(dec(&p, p.len, &pkt), DECODE_OK);
	ck_assert_int_eq(pkt.nd_has_lladdr, 0);
	nd_frame(&p, 135, 255, 0x00, 1, 1);	/* from :: (DAD) */
	memset(p.b + 14 + 8, 0, 16);		/* source :: */
	ck_assert_int_eq(dec(&p, p.len, &pkt), DECODE_OK);
	uint32_t before = neighbors_count(n);
	neighbors_from_packet(n, &pkt);
	ck_assert_uint_eq(neighbors_count(n), before);
	nd_frame(&p, 135, 255, 0x05, 1, 0);	/* no option */
	ck_assert_int_eq(dec(&p, p.len, &pkt), DECODE_OK);
	ck_assert_int_eq(pkt.nd_has_lladdr, 0);
	nd_frame(&p, 135, 255, 0x05, 1, 1);
	p.b[p.len - 7] = 0;			/* option length 0: would never end */
	ck_assert_int_eq(dec(&p, p.len, &pkt), DECODE_OK);
	ck_assert_int_eq(pkt.nd_has_lladdr, 0);
	nd_frame(&p, 135, 255, 0x05, 1, 3);	/* an option longer than what was captured */
	for (size_t cut = 14 + 40 + 24; cut < p.len; cut++) {
		enum decode_result r = dec(&p, cut, &pkt);
		ck_assert(r == DECODE_OK || r == DECODE_TRUNCATED);
		ck_assert_int_eq(pkt.nd_has_lladdr, 0);
	}
	neighbors_free(n);
}
END_TEST

START_TEST(arp_and_bounds)
{
	struct neighbors *n = neighbors_new();
	struct packet pkt;
	memset(&pkt, 0, sizeof(pkt));
	pkt.proto = L4_ARP;
	pkt.arp_op = 2;
	pkt.ts_us = 5;
	ip4_store(pkt.src, 0x0a000001);
	ip4_store(pkt.dst, 0x0a000002);
	memcpy(pkt.arp_sha, mac_c, 6);
	static const uint8_t mac_d[6] = { 0x00, 0x1b, 0x21, 0, 0, 9 };
	memcpy(pkt.arp_tha, mac_d, 6);
	neighbors_from_packet(n, &pkt);
	ck_assert_mem_eq(neighbors_mac(n, 4, pkt.src, 10), mac_c, 6);
	ck_assert_mem_eq(neighbors_mac(n, 4, pkt.dst, 10), mac_d, 6);	/* the reply's requester */
	ck_assert_ptr_null(neighbors_mac(n, 4, pkt.src, 5 + NEIGHBORS_STALE_US + 1));	/* stale */
	ck_assert_ptr_nonnull(neighbors_mac(n, 4, pkt.src, 5 + NEIGHBORS_STALE_US));
	ck_assert_ptr_null(neighbors_mac(n, 6, pkt.src, 10));		/* another family */

	pkt.arp_op = 1;
	memset(pkt.src, 0, 4);	/* an ARP probe: 0.0.0.0 */
	uint32_t c = neighbors_count(n);
	neighbors_from_packet(n, &pkt);
	ck_assert_uint_eq(neighbors_count(n), c);
	static const uint8_t group[6] = { 0x01, 0x00, 0x5e, 0, 0, 1 }, zero[6] = { 0 };
	uint8_t a[16] = { 0 };
	neighbors_note(n, 4, a + 1, group, 1);
	neighbors_note(n, 4, a + 1, zero, 1);
	ck_assert_uint_eq(neighbors_count(n), c);

	/* 5 000 addresses: the first 904 learnt are gone, the rest kept */
	for (uint32_t i = 0; i < 5000; i++) {
		ip4_store(a, 0xc0a80000u + i);
		uint8_t m[6] = { 0, 0x0c, 0x29, (uint8_t)(i >> 16), (uint8_t)(i >> 8), (uint8_t)i };
		neighbors_note(n, 4, a, m, 100);
		if (i == 10) {	/* an update keeps its slot and its place in line */
			neighbors_note(n, 4, a, m, 200);
			ck_assert_uint_eq(neighbors_count(n), c + 11);
		}
	}
	ck_assert_uint_eq(neighbors_count(n), NEIGHBORS_MAX);
	ip4_store(a, 0xc0a80000u);
	ck_assert_ptr_null(neighbors_mac(n, 4, a, 300));
	ip4_store(a, 0xc0a80000u + 4999);
	ck_assert_ptr_nonnull(neighbors_mac(n, 4, a, 300));
	ip4_store(a, 0xc0a80000u + 5000 - NEIGHBORS_MAX);
	ck_assert_ptr_nonnull(neighbors_mac(n, 4, a, 300));
	ip4_store(a, 0xc0a80000u + 5000 - NEIGHBORS_MAX - 1);
	ck_assert_ptr_null(neighbors_mac(n, 4, a, 300));
	ck_assert_ptr_null(neighbors_mac(NULL, 4, a, 300));
	neighbors_free(n);
}
END_TEST

/* The tap (--workers: a worker passes what it learns to the parent): once
 * per address, again when its MAC changes or a minute after it was last
 * passed on, never for every packet of a flood. */
struct taps { unsigned n; int family; uint8_t mac[6]; uint64_t seen; };
static void on_tap(void *ctx, int family, const uint8_t *addr, const uint8_t mac[6], uint64_t seen)
{
	struct taps *t = ctx;
	(void)addr;
	t->n++;
	t->family = family;
	memcpy(t->mac, mac, 6);
	t->seen = seen;
}

START_TEST(tap_rule)
{
	struct neighbors *n = neighbors_new();
	struct taps t = { 0 };
	uint8_t a[4] = { 10, 0, 0, 1 };
	static const uint8_t other[6] = { 0x00, 0x1b, 0x21, 0, 0, 9 };
	neighbors_note(n, 4, a, mac_c, 1000);	/* before a tap: nothing to call */
	neighbors_set_tap(n, on_tap, &t);
	neighbors_note(n, 4, a, mac_c, 2000);	/* known, same MAC, not a minute on */
	ck_assert_uint_eq(t.n, 0);
	a[3] = 2;
	neighbors_note(n, 4, a, mac_c, 2000);	/* new */
	ck_assert_uint_eq(t.n, 1);
	ck_assert_int_eq(t.family, 4);
	ck_assert_uint_eq(t.seen, 2000);
	for (uint64_t us = 2001; us < 2000 + 1000; us++)	/* a flood of the same ARP */
		neighbors_note(n, 4, a, mac_c, us);
	ck_assert_uint_eq(t.n, 1);
	neighbors_note(n, 4, a, other, 3000);	/* its MAC changed */
	ck_assert_uint_eq(t.n, 2);
	ck_assert_mem_eq(t.mac, other, 6);
	neighbors_note(n, 4, a, other, 3000 + NEIGHBORS_TAP_REFRESH_US - 1);
	ck_assert_uint_eq(t.n, 2);
	neighbors_note(n, 4, a, other, 3000 + NEIGHBORS_TAP_REFRESH_US);	/* a minute on */
	ck_assert_uint_eq(t.n, 3);
	neighbors_note(n, 4, a, other, 10);	/* the clock went back: pass it on */
	ck_assert_uint_eq(t.n, 4);
	neighbors_note(n, 4, a, (const uint8_t[]){ 0x01, 0, 0x5e, 0, 0, 1 }, 5000);	/* group */
	ck_assert_uint_eq(t.n, 4);
	neighbors_set_tap(n, NULL, NULL);
	a[3] = 3;
	neighbors_note(n, 4, a, mac_c, 2000);
	ck_assert_uint_eq(t.n, 4);
	neighbors_set_tap(NULL, on_tap, &t);	/* no cache: nothing */
	neighbors_free(n);
}
END_TEST

static const char *write_tmp(const char *name, const char *text)
{
	static char p[2][128];
	static int k;
	char *path = p[k++ % 2];
	snprintf(path, 128, "/tmp/netlens-test-oui.%d.%s", (int)getpid(), name);
	FILE *fp = fopen(path, "w");
	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	fclose(fp);
	return path;
}

START_TEST(vendors)
{
	const char *manuf = write_tmp("manuf",
		"# comment\n"
		"00:00:0C\tCisco\tCisco Systems, Inc\n"
		"00:1B:21\tIntelCor\tIntel Corporate\n"
		"00:50:C2:00:00:00/36\tLonger\tA 36-bit range\n"
		"08:00:27\tPcsCompu\n"			/* short name only */
		"FC:FF:FF\tX\tA vendor with a name far longer than anyone would print in a table or details\n"
		"garbage line\n"
		"01:02\tCut\n"
		/* a block sold in parts: MA-M (/28) and MA-S (/36) inside it */
		"00:1B:C5\tIEEERegi\tIEEE Registration Authority\n"
		"00:1B:C5:00:10:00/36\tOpenRBco\tOpenRB.com, Direct SIA\n"
		"00:1B:C5:00:20:00/36\tGORAMO-J\tGORAMO - Janusz Gorecki\n"
		"00:55:DA\tIEEERegi\tIEEE Registration Authority\n"
		"00:55:DA:10:00:00/28\tKoolPOS\tKoolPOS Inc.\n"
		"00:55:DA:10:00:00/20\tBad\tToo short\n"
		"00:55:DA:10:00:00/49\tBad\tToo long\n"
		"00:55:DA:10:00:00\tBad\tSix bytes and no length\n"
		"00:55:DA:10\tBad\tFour bytes\n");
	struct oui *o = oui_load(manuf);
	unlink(manuf);
	ck_assert_ptr_nonnull(o);
	ck_assert_uint_eq(oui_count(o), 10);
	ck_assert_str_eq(oui_vendor(o, mac_c), "Cisco Systems, Inc");
	static const uint8_t vbox[6] = { 0x08, 0x00, 0x27, 1, 2, 3 }, intel[6] = { 0x00, 0x1b, 0x21, 9, 9, 9 };
	static const uint8_t none[6] = { 0x00, 0x50, 0xc2, 0, 0, 1 }, local[6] = { 0x02, 0x42, 0xac, 0x11, 0, 2 };
	static const uint8_t longv[6] = { 0xfc, 0xff, 0xff, 0, 0, 0 };
	ck_assert_str_eq(oui_vendor(o, vbox), "PcsCompu");
	ck_assert_str_eq(oui_vendor(o, intel), "Intel Corporate");
	ck_assert_str_eq(oui_vendor(o, none), "A 36-bit range");
	static const uint8_t outside[6] = { 0x00, 0x50, 0xc2, 0x00, 0x10, 0x00 };
	ck_assert_ptr_null(oui_vendor(o, outside));	/* past its only range, no 24-bit entry */
	static const uint8_t ma_s[6] = { 0x00, 0x1b, 0xc5, 0x00, 0x1f, 0xff },
			     ma_s2[6] = { 0x00, 0x1b, 0xc5, 0x00, 0x20, 0x00 },
			     ma_s_out[6] = { 0x00, 0x1b, 0xc5, 0x00, 0x30, 0x00 },
			     ma_m[6] = { 0x00, 0x55, 0xda, 0x1f, 0xff, 0xff },
			     ma_m_out[6] = { 0x00, 0x55, 0xda, 0x20, 0x00, 0x00 },
			     range[6] = { 0x00, 0x50, 0xc2, 0x00, 0x0a, 0xbc };
	ck_assert_str_eq(oui_vendor(o, ma_s), "OpenRB.com, Direct SIA");	/* the last of its 4096 */
	ck_assert_str_eq(oui_vendor(o, ma_s2), "GORAMO - Janusz Gorecki");
	ck_assert_str_eq(oui_vendor(o, ma_s_out), "IEEE Registration Authority");	/* the block's */
	ck_assert_str_eq(oui_vendor(o, ma_m), "KoolPOS Inc.");
	ck_assert_str_eq(oui_vendor(o, ma_m_out), "IEEE Registration Authority");
	ck_assert_str_eq(oui_vendor(o, range), "A 36-bit range");
	ck_assert_str_eq(oui_vendor(o, local), "locally administered");
	ck_assert_uint_eq(strlen(oui_vendor(o, longv)), OUI_NAME_MAX);
	oui_free(o);

	const char *ieee = write_tmp("oui.txt",
		"OUI/MA-L                                                    Organization\n"
		"company_id                                                  Organization\n"
		"\n"
		"00-00-0C   (hex)\t\tCisco Systems, Inc\r\n"
		"00000C     (base 16)\t\tCisco Systems, Inc\r\n"
		"\t\t\t\t170 WEST TASMAN DRIVE\r\n"
		"\n"
		"00-1B-21   (hex)\t\tIntel Corporate\r\n");
	o = oui_load(ieee);
	unlink(ieee);
	ck_assert_ptr_nonnull(o);
	ck_assert_uint_eq(oui_count(o), 2);
	ck_assert_str_eq(oui_vendor(o, mac_c), "Cisco Systems, Inc");
	ck_assert_str_eq(oui_vendor(o, intel), "Intel Corporate");
	oui_free(o);

	const char *empty = write_tmp("empty", "# nothing\n");
	ck_assert_ptr_null(oui_load(empty));
	unlink(empty);
	ck_assert_ptr_null(oui_load("/nonexistent/netlens/manuf"));
	ck_assert_ptr_null(oui_vendor(NULL, mac_c));
	ck_assert_str_eq(oui_vendor(NULL, local), "locally administered");
}
END_TEST

static Suite *neighbors_suite(void)
{
	Suite *s = suite_create("neighbors");
	TCase *tc = tcase_create("neighbors");
	tcase_add_test(tc, nd_decode);
	tcase_add_test(tc, arp_and_bounds);
	tcase_add_test(tc, tap_rule);
	tcase_add_test(tc, vendors);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(neighbors_suite());
}
