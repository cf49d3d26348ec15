/* test_decode.c - link layer → IP → transport (core/decode.c). */
#include "config.h"

#include "unit.h"

#include <sys/mman.h>
#include <unistd.h>

#include "decode.h"

#define A4_SRC IP4(10, 0, 0, 1)
#define A4_DST IP4(10, 0, 0, 2)
#define A4_RTR IP4(192, 0, 2, 1)

/* ---- helpers ------------------------------------------------------------ */

static enum decode_result run(int dlt, const uint8_t *b, size_t cap, size_t wire, struct packet *p)
{
	memset(p, 0, sizeof(*p));
	p->ts_us = 1000000;
	p->wire_len = (uint32_t)wire;
	p->cap_len = (uint32_t)cap;
	return decode_packet(dlt, b, cap, p);
}

static enum decode_result dec(int dlt, const struct pb *f, struct packet *p)
{
	return run(dlt, f->b, f->len, f->len, p);
}

static void assert_v4(const uint8_t a[16], uint32_t want)
{
	uint8_t w[16];
	ip4_store(w, want);
	ck_assert_mem_eq(a, w, 16);
}

static void assert_v6_last(const uint8_t a[16], uint8_t last)
{
	uint8_t w[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	w[15] = last;
	ck_assert_mem_eq(a, w, 16);
}

static void fill(struct pb *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		pb_u8(p, v);
}

/* L3 packets, built on their own so any link layer can carry them. */
static void ip4_tcp(struct pb *p, unsigned flags, size_t payload)
{
	pb_ipv4(p, 6, A4_SRC, A4_DST, (unsigned)(20 + 20 + payload));
	pb_tcp(p, 40000, 80, 1000, 2000, flags, 512);
	fill(p, payload, 'x');
}

static void ip4_udp(struct pb *p, size_t payload)
{
	pb_ipv4(p, 17, A4_SRC, A4_DST, (unsigned)(20 + 8 + payload));
	pb_udp(p, 40001, 53, (unsigned)(8 + payload));
	fill(p, payload, 'u');
}

static void ip6_tcp(struct pb *p, unsigned flags, size_t payload)
{
	pb_ipv6(p, 6, 1, 2, (unsigned)(20 + payload));
	pb_tcp(p, 40000, 443, 7, 9, flags, 1024);
	fill(p, payload, 'y');
}

static void ip6_udp(struct pb *p, size_t payload)
{
	pb_ipv6(p, 17, 1, 2, (unsigned)(8 + payload));
	pb_udp(p, 40001, 53, (unsigned)(8 + payload));
	fill(p, payload, 'v');
}

/* An ICMP(v4) destination-unreachable (port) from a router, quoting
 * 10.0.0.1:40001 → 10.0.0.2:53 UDP; `quote_len` bytes of the quoted
 * datagram are included (28 = IP header + UDP header). */
static void ip4_icmp_unreach(struct pb *p, size_t quote_len)
{
	struct pb q;
	pb_init(&q);
	pb_ipv4(&q, 17, A4_SRC, A4_DST, 28 + 100);
	pb_udp(&q, 40001, 53, 108);
	ck_assert_uint_le(quote_len, q.len);
	pb_ipv4(p, 1, A4_RTR, A4_SRC, (unsigned)(20 + 8 + quote_len));
	pb_u8(p, 3);
	pb_u8(p, 3);
	pb_be16(p, 0);
	pb_be32(p, 0);
	pb_bytes(p, q.b, quote_len);
}

/* An ICMPv6 error of type/code from ::99 to ::1, quoting ::1:40000 →
 * ::2:443 TCP (IPv6 header + 20 bytes of TCP). */
static void ip6_icmp_error(struct pb *p, unsigned type, unsigned code, size_t quote_len)
{
	struct pb q;
	pb_init(&q);
	pb_ipv6(&q, 6, 1, 2, 20);
	pb_tcp(&q, 40000, 443, 1, 0, TCP_SYN, 1000);
	ck_assert_uint_le(quote_len, q.len);
	pb_ipv6(p, 58, 0x99, 1, (unsigned)(8 + quote_len));
	pb_u8(p, type);
	pb_u8(p, code);
	pb_be16(p, 0);
	pb_be32(p, type == 2 ? 1280 : 0);
	pb_bytes(p, q.b, quote_len);
}

static void ip6_icmp_echo(struct pb *p, unsigned type, unsigned id, unsigned seq)
{
	pb_ipv6(p, 58, 1, 2, 8 + 4);
	pb_u8(p, type);
	pb_u8(p, 0);
	pb_be16(p, 0);
	pb_be16(p, id);
	pb_be16(p, seq);
	pb_be32(p, 0xdeadbeef);
}

static void arp_body(struct pb *p, unsigned op)
{
	static const uint8_t mac_a[6] = MAC_A_INIT, mac_b[6] = MAC_B_INIT, zero[6] = { 0 };
	pb_be16(p, 1);
	pb_be16(p, 0x0800);
	pb_u8(p, 6);
	pb_u8(p, 4);
	pb_be16(p, op);
	if (op == 1) {
		pb_bytes(p, mac_a, 6);
		pb_be32(p, A4_SRC);
		pb_bytes(p, zero, 6);
		pb_be32(p, A4_DST);
	} else {
		pb_bytes(p, mac_b, 6);
		pb_be32(p, A4_DST);
		pb_bytes(p, mac_a, 6);
		pb_be32(p, A4_SRC);
	}
}

/* ---- link layers --------------------------------------------------------- */

enum link {
	LK_ETH, LK_VLAN, LK_QINQ, LK_MANY_TAGS, LK_SNAP, LK_MPLS, LK_PPPOE,
	LK_SLL, LK_SLL2, LK_RAW12, LK_RAW14, LK_RAW101, LK_RAW228, LK_RAW229,
	LK_NULL_LE, LK_NULL_BE, LK_LOOP, LK_PPP, LK_PPP_BARE, LK_PPP_MPLS, LK_PPP_SERIAL, LK_PPP_SERIAL_CHDLC,
	LK_PPP_ETHER, LK_CHDLC, LK_80211, LK_80211_QOS_HTC, LK_80211_WDS, LK_RADIOTAP, LK_PFLOG,
	LK_NFLOG, LK_PKTAP_ETH, LK_PKTAP_NULL, LK_MACSEC, LK_NSH, LK_NSH_ETH, LK_ARISTA48,
	LK_DSA_BRCM, LK_DSA_BRCM_PREPEND, LK_DSA_MARVELL, LK_DSA_EDSA, LK_COUNT
};

struct link_info { const char *name; int dlt; unsigned vlan_depth; int v4, v6; };

static const struct link_info links[LK_COUNT] = {
	[LK_ETH] = { "ethernet", 1, 0, 1, 1 },
	[LK_VLAN] = { "802.1Q", 1, 1, 1, 1 },
	[LK_QINQ] = { "802.1ad+802.1Q", 1, 2, 1, 1 },
	[LK_MANY_TAGS] = { "100 tags", 1, 100, 1, 1 },
	[LK_SNAP] = { "802.3 LLC/SNAP", 1, 0, 1, 1 },
	[LK_MPLS] = { "MPLS", 1, 0, 1, 1 },
	[LK_PPPOE] = { "PPPoE", 1, 0, 1, 1 },
	[LK_MACSEC] = { "MACsec in clear", 1, 0, 1, 1 },
	[LK_NSH] = { "NSH, MD type 1", 1, 0, 1, 1 },
	[LK_NSH_ETH] = { "NSH carrying Ethernet", 1, 1, 1, 1 },
	[LK_ARISTA48] = { "Arista 48-bit timestamp", 1, 0, 1, 1 },
	[LK_DSA_BRCM] = { "DSA_TAG_BRCM", 281, 0, 1, 1 },
	[LK_DSA_BRCM_PREPEND] = { "DSA_TAG_BRCM_PREPEND", 282, 0, 1, 1 },
	[LK_DSA_MARVELL] = { "DSA_TAG_DSA", 284, 0, 1, 1 },
	[LK_DSA_EDSA] = { "DSA_TAG_EDSA, then 802.1Q", 285, 1, 1, 1 },
	[LK_SLL] = { "SLL", 113, 0, 1, 1 },
	[LK_SLL2] = { "SLL2", 276, 0, 1, 1 },
	[LK_RAW12] = { "RAW 12", 12, 0, 1, 1 },
	[LK_RAW14] = { "RAW 14", 14, 0, 1, 1 },
	[LK_RAW101] = { "RAW 101", 101, 0, 1, 1 },
	[LK_RAW228] = { "IPV4 228", 228, 0, 1, 0 },
	[LK_RAW229] = { "IPV6 229", 229, 0, 0, 1 },
	[LK_NULL_LE] = { "NULL le", 0, 0, 1, 1 },
	[LK_NULL_BE] = { "NULL be", 0, 0, 1, 1 },
	[LK_LOOP] = { "LOOP", 108, 0, 1, 1 },
	[LK_PPP] = { "PPP", 9, 0, 1, 1 },
	[LK_PPP_BARE] = { "PPP, no address/control, compressed protocol", 9, 0, 1, 1 },
	[LK_PPP_MPLS] = { "PPP carrying MPLS (0x0281)", 9, 0, 1, 1 },
	[LK_PPP_SERIAL] = { "PPP serial", 50, 0, 1, 1 },
	[LK_PPP_SERIAL_CHDLC] = { "PPP serial holding Cisco HDLC", 50, 0, 1, 1 },
	[LK_PPP_ETHER] = { "PPP_ETHER", 51, 0, 1, 1 },
	[LK_CHDLC] = { "Cisco HDLC", 104, 0, 1, 1 },
	[LK_80211] = { "802.11 data", 105, 0, 1, 1 },
	[LK_80211_QOS_HTC] = { "802.11 QoS data + HT control", 105, 0, 1, 1 },
	[LK_80211_WDS] = { "802.11 four addresses", 105, 0, 1, 1 },
	[LK_RADIOTAP] = { "radiotap", 127, 0, 1, 1 },
	[LK_PFLOG] = { "pflog", 117, 0, 1, 1 },
	[LK_NFLOG] = { "NFLOG", 239, 0, 1, 1 },
	[LK_PKTAP_ETH] = { "PKTAP, Ethernet", 258, 0, 1, 1 },
	[LK_PKTAP_NULL] = { "PKTAP (DLT_USER2), NULL", 149, 0, 1, 1 },
};

/* 802.11 data frame header: frame control, duration, three addresses,
 * sequence; more = the fourth address, QoS and HT control as asked. */
static void pb_80211(struct pb *out, unsigned fc0, unsigned fc1, size_t more)
{
	pb_u8(out, fc0);
	pb_u8(out, fc1);
	pb_zero(out, 2 + 18);
	pb_le16(out, 0x10);
	pb_zero(out, more);
}

/* Apple's PKTAP header (156 bytes) for a packet of link type dlt. */
static void pb_pktap(struct pb *out, uint32_t dlt, uint32_t pid, const char *comm, uint32_t flags)
{
	size_t start = out->len;
	pb_le32(out, 156);
	pb_le32(out, 1);		/* a packet */
	pb_le32(out, dlt);
	pb_bytes(out, "en0", 3);
	pb_zero(out, 21);
	pb_le32(out, flags);		/* 36 */
	pb_zero(out, 12);
	pb_le32(out, pid);		/* 52 */
	size_t n = strlen(comm);
	pb_bytes(out, comm, n);		/* 56 */
	pb_zero(out, 156 - (out->len - start));
}

/* Wraps the IP packet `ip` in link layer k. */
static void link_wrap(struct pb *out, enum link k, const struct pb *ip)
{
	int v6 = (ip->b[0] >> 4) == 6;
	unsigned et = v6 ? 0x86dd : 0x0800;
	pb_init(out);
	switch (k) {
	case LK_ETH:
		pb_eth(out, et);
		break;
	case LK_VLAN:
		pb_eth(out, 0x8100);
		pb_be16(out, 0x0064);
		pb_be16(out, et);
		break;
	case LK_QINQ:
		pb_eth(out, 0x88a8);
		pb_be16(out, 0x00c8);
		pb_be16(out, 0x8100);
		pb_be16(out, 0x0064);
		pb_be16(out, et);
		break;
	case LK_MANY_TAGS:
		pb_eth(out, 0x8100);
		for (int i = 0; i < 99; i++) {
			pb_be16(out, (unsigned)i);
			pb_be16(out, i % 2 ? 0x88a8 : 0x8100);
		}
		pb_be16(out, 99);
		pb_be16(out, et);
		break;
	case LK_SNAP:
		pb_eth(out, (unsigned)(8 + ip->len));
		pb_u8(out, 0xaa);
		pb_u8(out, 0xaa);
		pb_u8(out, 0x03);
		pb_zero(out, 3);
		pb_be16(out, et);
		break;
	case LK_MPLS:
		pb_eth(out, 0x8847);
		pb_be32(out, 16u << 12 | 64);			/* label 16 */
		pb_be32(out, 17u << 12 | 0x100 | 64);		/* label 17, bottom of stack */
		break;
	case LK_MACSEC:		/* SecTAG with an SCI, E = C = 0 */
		pb_eth(out, 0x88e5);
		pb_u8(out, 0x20);
		pb_u8(out, 0);
		pb_be32(out, 7);	/* packet number */
		pb_be32(out, 0x02000000);
		pb_be32(out, 0x00010001);
		pb_be16(out, et);
		break;
	case LK_NSH:		/* 6 words: base, service path, 16 bytes of context */
		pb_eth(out, 0x894f);
		pb_be32(out, 0x0fc60100u | (v6 ? 2 : 1));
		pb_be32(out, 42u << 8 | 255);
		pb_zero(out, 16);
		break;
	case LK_NSH_ETH:	/* MD type 2, no context; a tagged inner frame */
		pb_eth(out, 0x894f);
		pb_be32(out, 0x0fc20203u);
		pb_be32(out, 42u << 8 | 255);
		pb_eth(out, 0x8100);
		pb_be16(out, 0x0064);
		pb_be16(out, et);
		break;
	case LK_ARISTA48:
		pb_eth(out, 0xd28b);
		pb_be16(out, 0x0001);	/* timestamp */
		pb_be16(out, 0x0120);	/* UTC, 48-bit */
		pb_be16(out, 0x5cee);
		pb_be32(out, 123456789);
		pb_be16(out, et);
		break;
	case LK_DSA_BRCM:		/* the tag between the MACs and the EtherType */
	case LK_DSA_MARVELL:
		pb_eth(out, k == LK_DSA_BRCM ? 0x2000 : 0x4001);	/* the tag's first half */
		pb_be16(out, 0x0000);
		pb_be16(out, et);
		break;
	case LK_DSA_BRCM_PREPEND:
		pb_be32(out, 0x20000005);
		pb_eth(out, et);
		break;
	case LK_DSA_EDSA:
		pb_eth(out, 0xdada);
		pb_be16(out, 0);
		pb_be32(out, 0xc0080000);
		pb_be16(out, 0x8100);
		pb_be16(out, 0x0064);
		pb_be16(out, et);
		break;
	case LK_PPPOE:
		pb_eth(out, 0x8864);
		pb_u8(out, 0x11);
		pb_u8(out, 0x00);
		pb_be16(out, 0x0001);
		pb_be16(out, (unsigned)(2 + ip->len));
		pb_be16(out, v6 ? 0x0057 : 0x0021);
		break;
	case LK_SLL:
		pb_be16(out, 0);	/* to us */
		pb_be16(out, 1);	/* ARPHRD_ETHER */
		pb_be16(out, 6);
		pb_zero(out, 8);
		pb_be16(out, et);
		break;
	case LK_SLL2:
		pb_be16(out, et);
		pb_be16(out, 0);
		pb_be32(out, 2);	/* ifindex */
		pb_be16(out, 1);	/* ARPHRD_ETHER */
		pb_u8(out, 0);
		pb_u8(out, 6);
		pb_zero(out, 8);
		break;
	case LK_NULL_LE:
		pb_le32(out, v6 ? 10 : 2);
		break;
	case LK_NULL_BE:
		pb_be32(out, v6 ? 30 : 2);
		break;
	case LK_LOOP:
		pb_be32(out, v6 ? 24 : 2);
		break;
	case LK_PPP:
	case LK_PPP_SERIAL:
		pb_u8(out, 0xff);
		pb_u8(out, 0x03);
		pb_be16(out, v6 ? 0x0057 : 0x0021);
		break;
	case LK_PPP_BARE:
		pb_u8(out, v6 ? 0x57 : 0x21);
		break;
	case LK_PPP_MPLS:	/* it was counted unsupported */
		pb_u8(out, 0xff);
		pb_u8(out, 0x03);
		pb_be16(out, 0x0281);
		pb_be32(out, 16u << 12 | 64);
		pb_be32(out, 17u << 12 | 0x100 | 64);
		break;
	case LK_PPP_SERIAL_CHDLC:
	case LK_CHDLC:
		pb_u8(out, 0x0f);
		pb_u8(out, 0x00);
		pb_be16(out, et);
		break;
	case LK_PPP_ETHER:
		pb_u8(out, 0x11);
		pb_u8(out, 0x00);
		pb_be16(out, 0x0001);
		pb_be16(out, (unsigned)(2 + ip->len));
		pb_be16(out, v6 ? 0x0057 : 0x0021);
		break;
	case LK_RADIOTAP:
		pb_u8(out, 0);
		pb_u8(out, 0);
		pb_le16(out, 12);
		pb_le32(out, 0x6);
		pb_zero(out, 4);
		/* an 802.11 frame follows */
		/* fall through */
	case LK_80211:
	case LK_80211_QOS_HTC:
	case LK_80211_WDS:
		if (k == LK_80211_QOS_HTC)
			pb_80211(out, 0x88, 0x81, 2 + 4);
		else if (k == LK_80211_WDS)
			pb_80211(out, 0x08, 0x03, 6);
		else
			pb_80211(out, 0x08, 0x02, 0);
		pb_u8(out, 0xaa);
		pb_u8(out, 0xaa);
		pb_u8(out, 0x03);
		pb_zero(out, 3);
		pb_be16(out, et);
		break;
	case LK_PFLOG:
		pb_u8(out, 61);			/* FreeBSD's length, padded to 64 */
		pb_u8(out, v6 ? 28 : 2);
		pb_zero(out, 62);
		break;
	case LK_NFLOG: {
		uint16_t hdr[2] = { 8, 1 };	/* host order, as libpcap hands it over */
		pb_u8(out, v6 ? 10 : 2);
		pb_u8(out, 0);
		pb_be16(out, 5);
		pb_bytes(out, hdr, 4);		/* NFULA_PACKET_HDR */
		pb_be16(out, et);
		pb_u8(out, 3);
		pb_u8(out, 0);
		hdr[0] = (uint16_t)(4 + 3);
		hdr[1] = 10;			/* NFULA_PREFIX "ab\0", padded */
		pb_bytes(out, hdr, 4);
		pb_bytes(out, "ab", 3);
		pb_zero(out, 1);
		hdr[0] = (uint16_t)(4 + ip->len);
		hdr[1] = 9;			/* NFULA_PAYLOAD */
		pb_bytes(out, hdr, 4);
		break;
	}
	case LK_PKTAP_ETH:
		pb_pktap(out, 1, 611, "curl", 2);
		pb_eth(out, et);
		break;
	case LK_PKTAP_NULL:
		pb_pktap(out, 0, 611, "curl", 2);
		pb_le32(out, v6 ? 30 : 2);
		break;
	default:
		break;	/* raw IP */
	}
	pb_bytes(out, ip->b, ip->len);
}

/* ---- valid: every link layer ------------------------------------------- */

START_TEST(test_link_ipv4_tcp)
{
	const struct link_info *li = &links[_i];
	struct pb ip, f;
	struct packet p;
	pb_init(&ip);
	ip4_tcp(&ip, TCP_SYN, 0);
	link_wrap(&f, (enum link)_i, &ip);
	if (!li->v4) {		/* DLT 229 is IPv6 only */
		ck_assert_int_eq(dec(li->dlt, &f, &p), DECODE_MALFORMED);
		return;
	}
	ck_assert_msg(dec(li->dlt, &f, &p) == DECODE_OK, "%s", li->name);
	ck_assert_uint_eq(p.family, 4);
	ck_assert_uint_eq(p.proto, L4_TCP);
	ck_assert_uint_eq(p.ipproto, 6);
	assert_v4(p.src, A4_SRC);
	assert_v4(p.dst, A4_DST);
	ck_assert_uint_eq(p.sport, 40000);
	ck_assert_uint_eq(p.dport, 80);
	ck_assert_uint_eq(p.ip_len, 40);
	ck_assert_uint_eq(p.tcp_flags, TCP_SYN);
	ck_assert_msg(p.vlan_depth == li->vlan_depth, "%s: vlan_depth %u", li->name, p.vlan_depth);
	ck_assert_uint_eq(p.is_fragment, 0);
	if (li->dlt == 258 || li->dlt == 149) {	/* the process the PKTAP header names */
		ck_assert_uint_eq(p.proc_pid, 611);
		ck_assert_str_eq(p.proc_comm, "curl");
		ck_assert_uint_eq(p.proc_outgoing, 1);
	} else {
		ck_assert_uint_eq(p.proc_pid, 0);
	}
	/* Only Linux's cooked v2 names the interface (-i any keys flows by it). */
	ck_assert_msg(p.ifindex == (li->dlt == 276 ? 2u : 0u), "%s: ifindex %u", li->name, p.ifindex);
}
END_TEST

START_TEST(test_link_ipv6_udp)
{
	const struct link_info *li = &links[_i];
	struct pb ip, f;
	struct packet p;
	pb_init(&ip);
	ip6_udp(&ip, 12);
	link_wrap(&f, (enum link)_i, &ip);
	if (!li->v6) {		/* DLT 228 is IPv4 only */
		ck_assert_int_eq(dec(li->dlt, &f, &p), DECODE_MALFORMED);
		return;
	}
	ck_assert_msg(dec(li->dlt, &f, &p) == DECODE_OK, "%s", li->name);
	ck_assert_uint_eq(p.family, 6);
	ck_assert_uint_eq(p.proto, L4_UDP);
	assert_v6_last(p.src, 1);
	assert_v6_last(p.dst, 2);
	ck_assert_uint_eq(p.sport, 40001);
	ck_assert_uint_eq(p.dport, 53);
	ck_assert_uint_eq(p.ip_len, 40 + 8 + 12);
	ck_assert_uint_eq(p.l4_payload_len, 12);
	ck_assert_uint_eq(p.payload_len, 12);
	ck_assert_uint_eq(p.payload[0], 'v');
	ck_assert_uint_eq(p.vlan_depth, li->vlan_depth);
}
END_TEST

START_TEST(test_link_supported)
{
	static const int yes[] = { 0, 1, 9, 12, 14, 50, 51, 101, 104, 105, 108, 113, 117, 127, 149,
				   228, 229, 239, 258, 276, 281, 282, 284, 285 };
	static const int no[] = { -1, 2, 147, 189, 220, 283, 65535 };
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ck_assert_msg(decode_link_supported(yes[i]), "%d", yes[i]);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ck_assert_msg(!decode_link_supported(no[i]), "%d", no[i]);
}
END_TEST

START_TEST(test_unsupported_link)
{
	struct pb ip;
	struct packet p;
	pb_init(&ip);
	ip4_tcp(&ip, TCP_SYN, 0);
	ck_assert_int_eq(dec(189, &ip, &p), DECODE_UNSUPPORTED_LINK);	/* Linux USB */
	ck_assert_int_eq(dec(147, &ip, &p), DECODE_UNSUPPORTED_LINK);	/* DLT_USER0 */
	ck_assert_int_eq(run(9999, ip.b, 0, 0, &p), DECODE_UNSUPPORTED_LINK);
}
END_TEST

START_TEST(test_ethernet_arp_request_reply)
{
	static const uint8_t mac_a[6] = MAC_A_INIT, mac_b[6] = MAC_B_INIT, zero[6] = { 0 };
	struct pb f;
	struct packet p;

	pb_init(&f);
	pb_eth(&f, 0x0806);
	arp_body(&f, 1);
	pb_zero(&f, 60 - f.len);	/* padded to the Ethernet minimum */
	ck_assert_int_eq(dec(1, &f, &p), DECODE_OK);
	ck_assert_uint_eq(p.proto, L4_ARP);
	ck_assert_uint_eq(p.family, 0);
	ck_assert_uint_eq(p.arp_op, 1);
	ck_assert_uint_eq(p.ip_len, 28);
	assert_v4(p.src, A4_SRC);
	assert_v4(p.dst, A4_DST);
	ck_assert_mem_eq(p.arp_sha, mac_a, 6);
	ck_assert_mem_eq(p.arp_tha, zero, 6);

	pb_init(&f);
	pb_eth(&f, 0x0806);
	arp_body(&f, 2);
	ck_assert_int_eq(dec(1, &f, &p), DECODE_OK);
	ck_assert_uint_eq(p.arp_op, 2);
	ck_assert_uint_eq(p.ip_len, 28);
	assert_v4(p.src, A4_DST);
	assert_v4(p.dst, A4_SRC);
	ck_assert_mem_eq(p.arp_sha, mac_b, 6);
	ck_assert_mem_eq(p.arp_tha, mac_a, 6);
}
END_TEST

START_TEST(test_null_address_families)
{
	/* AF_INET 2; AF_INET6 as NetBSD/OpenBSD (24), FreeBSD (28), macOS (30), Linux (10). */
	static const uint32_t afs[] = { 2, 24, 28, 30, 10 };
	for (size_t i = 0; i < sizeof(afs) / sizeof(afs[0]); i++) {
		for (int order = 0; order < 3; order++) {	/* NULL le, NULL be, LOOP be */
			struct pb ip, f;
			struct packet p;
			pb_init(&ip);
			if (afs[i] == 2)
				ip4_udp(&ip, 3);
			else
				ip6_udp(&ip, 3);
			pb_init(&f);
			if (order == 0)
				pb_le32(&f, afs[i]);
			else
				pb_be32(&f, afs[i]);
			pb_bytes(&f, ip.b, ip.len);
			int dlt = order == 2 ? 108 : 0;
			ck_assert_msg(dec(dlt, &f, &p) == DECODE_OK, "dlt %d af %u order %d", dlt,
				      afs[i], order);
			ck_assert_uint_eq(p.family, afs[i] == 2 ? 4 : 6);
			ck_assert_uint_eq(p.dport, 53);
			ck_assert_uint_eq(p.ip_len, ip.len);
		}
	}
}
END_TEST

START_TEST(test_null_other_family_not_ip)
{
	struct pb ip, f;
	struct packet p;
	pb_init(&ip);
	ip4_udp(&ip, 3);
	pb_init(&f);
	pb_le32(&f, 7);		/* AF_LINK-ish: not IP */
	pb_bytes(&f, ip.b, ip.len);
	ck_assert_int_eq(dec(0, &f, &p), DECODE_NOT_IP);
	/* LOOP is network order: a little-endian 2 is 0x02000000 there. */
	pb_init(&f);
	pb_le32(&f, 2);
	pb_bytes(&f, ip.b, ip.len);
	ck_assert_int_eq(dec(108, &f, &p), DECODE_NOT_IP);
}
END_TEST

START_TEST(test_raw_228_rejects_ipv6)
{
	struct pb ip;
	struct packet p;
	pb_init(&ip);
	ip6_udp(&ip, 0);
	ck_assert_int_eq(dec(228, &ip, &p), DECODE_MALFORMED);
	pb_init(&ip);
	ip4_udp(&ip, 0);
	ck_assert_int_eq(dec(229, &ip, &p), DECODE_MALFORMED);
	ck_assert_int_eq(dec(228, &ip, &p), DECODE_OK);
}
END_TEST

START_TEST(test_non_ip_frames)
{
	struct pb f;
	struct packet p;

	pb_init(&f);
	pb_eth(&f, 0x88cc);	/* LLDP */
	pb_zero(&f, 46);
	ck_assert_int_eq(dec(1, &f, &p), DECODE_NOT_IP);

	pb_init(&f);		/* STP: 802.3 + LLC 42 42 03 */
	pb_eth(&f, 38);
	pb_u8(&f, 0x42);
	pb_u8(&f, 0x42);
	pb_u8(&f, 0x03);
	pb_zero(&f, 35);
	ck_assert_int_eq(dec(1, &f, &p), DECODE_NOT_IP);

	pb_init(&f);		/* PPPoE session carrying LCP */
	pb_eth(&f, 0x8864);
	pb_u8(&f, 0x11);
	pb_u8(&f, 0);
	pb_be16(&f, 1);
	pb_be16(&f, 6);
	pb_be16(&f, 0xc021);
	pb_zero(&f, 4);
	ck_assert_int_eq(dec(1, &f, &p), DECODE_NOT_IP);

	pb_init(&f);		/* ARP for a non-IPv4 protocol */
	pb_eth(&f, 0x0806);
	pb_be16(&f, 1);
	pb_be16(&f, 0x86dd);
	pb_u8(&f, 6);
	pb_u8(&f, 16);
	pb_be16(&f, 1);
	pb_zero(&f, 44);
	ck_assert_int_eq(dec(1, &f, &p), DECODE_NOT_IP);

	pb_init(&f);		/* SLL from a netlink socket */
	pb_be16(&f, 0);
	pb_be16(&f, 824);
	pb_be16(&f, 0);
	pb_zero(&f, 8);
	pb_be16(&f, 0x0800);
	pb_zero(&f, 20);
	ck_assert_int_eq(dec(113, &f, &p), DECODE_NOT_IP);
}
END_TEST

/* ---- valid: IPv4 ---------------------------------------------------------- */

START_TEST(test_ipv4_options_skipped)
{
	struct pb f;
	struct packet p;
	pb_init(&f);
	pb_eth(&f, 0x0800);
	pb_ipv4_opts(&f, 17, A4_SRC, A4_DST, 24 + 8 + 4, 0x1111, 0, 4);
	pb_udp(&f, 1234, 5678, 12);
	fill(&f, 4, 'z');
	ck_assert_int_eq(dec(1, &f, &p), DECODE_OK);
	ck_assert_uint_eq(p.sport, 1234);
	ck_assert_uint_eq(p.dport, 5678);
	ck_assert_uint_eq(p.ip_len, 36);
	ck_assert_uint_eq(p.l4_payload_len, 4);
	ck_assert_uint_eq(p.payload_len, 4);
	ck_assert_uint_eq(p.payload[0], 'z');
}
END_TEST

START_TEST(test_ipv4_tso_zero_length)
{
	struct pb f;
	struct packet p;
	pb_init(&f);
	pb_eth(&f, 0x0800);
	pb_ipv4(&f, 6, A4_SRC, A4_DST, 0);
	pb_tcp(&f, 40000, 80, 1, 1, TCP_ACK, 100);
	fill(&f, 3000, 'x');	/* a super-packet larger than any MTU */
	ck_assert_int_eq(dec(1, &f, &p), DECODE_OK);
	ck_assert_uint_eq(p.ip_len, f.len - 14);
	ck_assert_uint_eq(p.l4_payload_len, 3000);
	ck_assert_uint_eq(p.payload_len, 3000);
}
END_TEST

START_TEST(test_ipv4_snaplen_cut)
{
	struct pb f;
	struct packet p;
	pb_init(&f);
	pb_eth(&f, 0x0800);
	pb_ipv4(&f, 6, A4_SRC, A4_DST, 20 + 20 + 1000);
	pb_tcp(&f, 40000, 80, 1, 1, TCP_ACK | TCP_PSH, 100);
	fill(&f, 1000, 'x');
	ck_assert_int_eq(run(1, f.b, 100, f.len, &p), DECODE_OK);
	ck_assert_uint_eq(p.ip_len, 1040);		/* what was on the wire */
	ck_assert_uint_eq(p.l4_payload_len, 1000);
	ck_assert_uint_eq(p.payload_len, 100 - 54);	/* what was captured */
	ck_assert_ptr_eq(p.payload, f.b + 54);
}
END_TEST

START_TEST(test_ipv4_ethernet_padding_ignored)
{
	struct pb f;
	struct packet p;
	pb_init(&f);
	pb_eth(&f, 0x0800);
	pb_ipv4(&f, 17, A4_SRC, A4_DST, 28 + 2);
	pb_udp(&f, 40001, 53, 10);
	fill(&f, 2, 'q');
	fill(&f, 60 - f.len, 0xee);	/* padding */
	ck_assert_uint_eq(f.len, 60);
	ck_assert_int_eq(dec(1, &f, &p), DECODE_OK);
	ck_assert_uint_eq(p.ip_len, 30);
	ck_assert_uint_eq(p.l4_payload_len, 2);
	ck_assert_uint_eq(p.payload_len, 2);
}
END_TEST

START_TEST(test_ipv4_fragments)
{
	struct pb f;
	struct packet p;

	pb_init(&f);		/* first: offset 0, MF */
	pb_eth(&f, 0x0800);
	pb_ipv4_opts(&f, 17, A4_SRC, A4_DST, 20 + 1480, 0x4242, 0x2000, 0);
	pb_udp(&f, 40001, 53, 3000);
	fill(&f, 1472, 'a');
	ck_assert_int_eq(dec(1, &f, &p), DECODE_OK);
	ck_assert_uint_eq(p.is_fragment, 1);
	ck_assert_uint_eq(p.first_fragment, 1);
	ck_assert_uint_eq(p.more_fragments, 1);
	ck_assert_uint_eq(p.frag_id, 0x4242);
	ck_assert_uint_eq(p.sport, 40001);
	ck_assert_uint_eq(p.dport, 53);
	ck_assert_uint_eq(p.ip_len, 1500);
	/* its part of the datagram: from the UDP header, 1480 bytes */
	ck_assert_uint_eq(p.frag_offset, 0);
	ck_assert_uint_eq(p.frag_len, 1480);
	ck_assert_uint_eq(p.frag_caplen, 1480);
	ck_assert_ptr_eq(p.frag_data, f.b + 14 + 20);
	/* cut by the snapshot length: what was captured */
	ck_assert_int_eq(run(1, f.b, 14 + 20 + 100, f.len, &p), DECODE_OK);
	ck_assert_uint_eq(p.frag_len, 1480);
	ck_assert_uint_eq(p.frag_caplen, 100);

	pb_init(&f);		/* middle: offset 1480, MF */
	pb_eth(&f, 0x0800);
	pb_ipv4_opts(&f, 17, A4_SRC, A4_DST, 20 + 1480, 0x4242, 0x2000 | 185, 0);
	fill(&f, 1480, 0x12);	/* bytes that would parse as ports if misread */
	ck_assert_int_eq(dec(1, &f, &p), DECODE_OK);
	ck_assert_uint_eq(p.is_fragment, 1);
	ck_assert_uint_eq(p.first_fragment, 0);
	ck_assert_uint_eq(p.more_fragments, 1);
	ck_assert_uint_eq(p.sport, 0);
	ck_assert_uint_eq(p.dport, 0);
	ck_assert_uint_eq(p.proto, L4_UDP);
	ck_assert_uint_eq(p.ip_len, 1500);
	ck_assert_uint_eq(p.frag_offset, 1480);
	ck_assert_uint_eq(p.frag_len, 1480);
	ck_assert_ptr_eq(p.frag_data, f.b + 14 + 20);

	pb_init(&f);		/* last: offset 2960, no MF */
	pb_eth(&f, 0x0800);
	pb_ipv4_opts(&f, 17, A4_SRC, A4_DST, 20 + 48, 0x4242, 370, 0);
	fill(&f, 48, 0x12);
	ck_assert_int_eq(dec(1, &f, &p), DECODE_OK);
	ck_assert_uint_eq(p.is_fragment, 1);
	ck_assert_uint_eq(p.first_fragment, 0);
	ck_assert_uint_eq(p.more_fragments, 0);
	ck_assert_uint_eq(p.sport, 0);
	ck_assert_uint_eq(p.frag_offset, 2960);
	ck_assert_uint_eq(p.frag_len, 48);

	pb_init(&f);		/* DF alone is not a fragment */
	pb_eth(&f, 0x0800);
	pb_ipv4_opts(&f, 17, A4_SRC, A4_DST, 28, 1, 0x4000, 0);
	pb_udp(&f, 1, 2, 8);
	ck_assert_int_eq(dec(1, &f, &p), DECODE_OK);
	ck_assert_uint_eq(p.is_fragment, 0);
}
END_TEST

START_TEST(test_ipv4_other_protocol)
{
	struct pb f;
	struct packet p;
	pb_init(&f);
	pb_ipv4(&f, 47, A4_SRC, A4_DST, 24);	/* GRE */
	pb_be32(&f, 0x00000800);
	ck_assert_int_eq(dec(101, &f, &p), DECODE_OK);
	ck_assert_uint_eq(p.proto, L4_OTHER_IP);
	ck_assert_uint_eq(p.ipproto, 47);
	ck_assert_uint_eq(p.ip_len, 24);
	ck_assert_str_eq(decode_ipproto_name(47), "GRE");
	ck_assert_ptr_null(decode_ipproto_name(253));

	/* IGMP: its message type is read (the flow's state, as RustNet's) */
	pb_init(&f);
	pb_ipv4(&f, 2, A4_SRC, A4_DST, 28);
	pb_u8(&f, 0x16);	/* v2 membership report */
	pb_zero(&f, 7);
	ck_assert_int_eq(dec(101, &f, &p), DECODE_OK);
	ck_assert_uint_eq(p.proto, L4_OTHER_IP);
	ck_assert_uint_eq(p.ipproto, 2);
	ck_assert_uint_eq(p.icmp_type, 0x16);
	pb_init(&f);		/* cut before its type: no type, still a packet */
	pb_ipv4(&f, 2, A4_SRC, A4_DST, 20);
	ck_assert_int_eq(dec(101, &f, &p), DECODE_OK);
	ck_assert_uint_eq(p.icmp_type, 0);

	pb_init(&f);		/* protocol 58 over IPv4 is not ICMPv6 */
	pb_ipv4(&f, 58, A4_SRC, A4_DST, 28);
	pb_zero(&f, 8);
	ck_assert_int_eq(dec(101, &f, &p), DECODE_OK);
	ck_assert_uint_eq(p.proto, L4_OTHER_IP);
}
END_TEST

/* ---- valid: TCP, UDP ------------------------------------------------------ */

START_TEST(test_tcp_fields)
{
	struct pb f;
	struct packet p;
	pb_init(&f);
	pb_eth(&f, 0x0800);
	pb_ipv4(&f, 6, A4_SRC, A4_DST, 20 + 32 + 100);
	pb_be16(&f, 40000);
	pb_be16(&f, 80);
	pb_be32(&f, 0xfffffff0u);
	pb_be32(&f, 0x01020304u);
	pb_u8(&f, 8 << 4);	/* 12 bytes of options */
	pb_u8(&f, TCP_PSH | TCP_ACK | TCP_ECE | TCP_CWR);
	pb_be16(&f, 65535);
	pb_be32(&f, 0);
	fill(&f, 12, 1);	/* NOP options */
	fill(&f, 100, 'd');
	ck_assert_int_eq(dec(1, &f, &p), DECODE_OK);
	ck_assert_uint_eq(p.seq, 0xfffffff0u);
	ck_assert_uint_eq(p.ack, 0x01020304u);
	ck_assert_uint_eq(p.tcp_flags, TCP_PSH | TCP_ACK | TCP_ECE | TCP_CWR);
	ck_assert_uint_eq(p.window, 65535);
	ck_assert_uint_eq(p.l4_payload_len, 100);
	ck_assert_uint_eq(p.payload_len, 100);
	ck_assert_uint_eq(p.payload[0], 'd');
	ck_assert_uint_eq(p.ip_len, 152);
}
END_TEST

START_TEST(test_tcp_payload_from_ip_lengths)
{
	/* IPv6 payload length is authoritative, Ethernet padding is not payload. */
	struct pb ip, f;
	struct packet p;
	pb_init(&ip);
	ip6_tcp(&ip, TCP_ACK, 5);
	link_wrap(&f, LK_ETH, &ip);
	fill(&f, 20, 0xee);
	ck_assert_int_eq(dec(1, &f, &p), DECODE_OK);
	ck_assert_uint_eq(p.l4_payload_len, 5);
	ck_assert_uint_eq(p.payload_len, 5);
	ck_assert_uint_eq(p.ip_len, 65);
}
END_TEST

START_TEST(test_udp_fields)
{
	struct pb ip;
	struct packet p;
	pb_init(&ip);
	ip4_udp(&ip, 33);
	ck_assert_int_eq(dec(12, &ip, &p), DECODE_OK);
	ck_assert_uint_eq(p.proto, L4_UDP);
	ck_assert_uint_eq(p.sport, 40001);
	ck_assert_uint_eq(p.dport, 53);
	ck_assert_uint_eq(p.l4_payload_len, 33);
	ck_assert_uint_eq(p.payload_len, 33);
	ck_assert_uint_eq(p.ip_len, 61);
}
END_TEST

/* ---- valid: ICMP ------------------------------------------------------------ */

START_TEST(test_icmp_echo)
{
	struct pb f;
	struct packet p;
	pb_init(&f);
	pb_ipv4(&f, 1, A4_SRC, A4_DST, 20 + 8 + 56);
	pb_u8(&f, 8);
	pb_u8(&f, 0);
	pb_be16(&f, 0);
	pb_be16(&f, 0xbeef);
	pb_be16(&f, 7);
	fill(&f, 56, 0);
	ck_assert_int_eq(dec(228, &f, &p), DECODE_OK);
	ck_assert_uint_eq(p.proto, L4_ICMP);
	ck_assert_uint_eq(p.icmp_type, 8);
	ck_assert_uint_eq(p.icmp_kind, ICMP_KIND_ECHO_REQUEST);
	ck_assert_uint_eq(p.icmp_id, 0xbeef);
	ck_assert_uint_eq(p.icmp_seq, 7);
	ck_assert_uint_eq(p.quoted.valid, 0);

	f.b[20] = 0;	/* echo reply */
	ck_assert_int_eq(dec(228, &f, &p), DECODE_OK);
	ck_assert_uint_eq(p.icmp_kind, ICMP_KIND_ECHO_REPLY);
	ck_assert_uint_eq(p.icmp_id, 0xbeef);
}
END_TEST

START_TEST(test_icmp_unreach_quotes_udp)
{
	struct pb f;
	struct packet p;
	pb_init(&f);
	ip4_icmp_unreach(&f, 28);
	ck_assert_int_eq(dec(101, &f, &p), DECODE_OK);
	ck_assert_uint_eq(p.proto, L4_ICMP);
	ck_assert_uint_eq(p.icmp_kind, ICMP_KIND_DEST_UNREACH);
	ck_assert_uint_eq(p.icmp_code, 3);
	assert_v4(p.src, A4_RTR);
	ck_assert_uint_eq(p.quoted.valid, 1);
	ck_assert_uint_eq(p.quoted.family, 4);
	ck_assert_uint_eq(p.quoted.proto, L4_UDP);
	ck_assert_uint_eq(p.quoted.ipproto, 17);
	assert_v4(p.quoted.src, A4_SRC);
	assert_v4(p.quoted.dst, A4_DST);
	ck_assert_uint_eq(p.quoted.sport, 40001);
	ck_assert_uint_eq(p.quoted.dport, 53);
	ck_assert_uint_eq(p.sport, 0);	/* the error itself has no ports */
}
END_TEST

START_TEST(test_icmp_quotes_truncated_header)
{
	/* Quoted: IP header cut at 10 bytes, or complete but ports cut at 2. */
	static const size_t cuts[] = { 0, 1, 10, 19, 20, 21, 22, 23 };
	for (size_t i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		struct pb f;
		struct packet p;
		pb_init(&f);
		ip4_icmp_unreach(&f, cuts[i]);
		ck_assert_msg(dec(101, &f, &p) == DECODE_OK, "cut %zu", cuts[i]);
		ck_assert_uint_eq(p.icmp_kind, ICMP_KIND_DEST_UNREACH);
		ck_assert_msg(p.quoted.valid == 0, "quote cut at %zu taken as valid", cuts[i]);
	}
}
END_TEST

START_TEST(test_icmpv6_echo)
{
	struct pb ip;
	struct packet p;
	pb_init(&ip);
	ip6_icmp_echo(&ip, 128, 0x1234, 99);
	ck_assert_int_eq(dec(229, &ip, &p), DECODE_OK);
	ck_assert_uint_eq(p.proto, L4_ICMPV6);
	ck_assert_uint_eq(p.family, 6);
	ck_assert_uint_eq(p.icmp_kind, ICMP_KIND_ECHO_REQUEST);
	ck_assert_uint_eq(p.icmp_id, 0x1234);
	ck_assert_uint_eq(p.icmp_seq, 99);
	ck_assert_uint_eq(p.ip_len, 52);
	pb_init(&ip);
	ip6_icmp_echo(&ip, 129, 0x1234, 99);
	ck_assert_int_eq(dec(229, &ip, &p), DECODE_OK);
	ck_assert_uint_eq(p.icmp_kind, ICMP_KIND_ECHO_REPLY);
}
END_TEST

START_TEST(test_icmpv6_errors_quote_tcp)
{
	static const struct { unsigned type; uint8_t kind; } errs[] = {
		{ 1, ICMP_KIND_DEST_UNREACH }, { 2, ICMP_KIND_PACKET_TOO_BIG },
		{ 3, ICMP_KIND_TIME_EXCEEDED }, { 4, ICMP_KIND_PARAM_PROBLEM },
	};
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		struct pb ip, f;
		struct packet p;
		pb_init(&ip);
		ip6_icmp_error(&ip, errs[i].type, 0, 60);
		link_wrap(&f, LK_ETH, &ip);
		ck_assert_int_eq(dec(1, &f, &p), DECODE_OK);
		ck_assert_uint_eq(p.icmp_kind, errs[i].kind);
		ck_assert_msg(p.quoted.valid, "type %u", errs[i].type);
		ck_assert_uint_eq(p.quoted.family, 6);
		ck_assert_uint_eq(p.quoted.proto, L4_TCP);
		assert_v6_last(p.quoted.src, 1);
		assert_v6_last(p.quoted.dst, 2);
		ck_assert_uint_eq(p.quoted.sport, 40000);
		ck_assert_uint_eq(p.quoted.dport, 443);
	}
	/* A quote cut inside the IPv6 header is not attributable. */
	struct pb ip;
	struct packet p;
	pb_init(&ip);
	ip6_icmp_error(&ip, 1, 4, 30);
	ck_assert_int_eq(dec(229, &ip, &p), DECODE_OK);
	ck_assert_uint_eq(p.quoted.valid, 0);
}
END_TEST

START_TEST(test_icmpv6_ndp_kinds)
{
	static const struct { unsigned type; uint8_t kind; } k[] = {
		{ 133, ICMP_KIND_ROUTER_SOLICIT }, { 134, ICMP_KIND_ROUTER_ADVERT },
		{ 135, ICMP_KIND_NEIGHBOR_SOLICIT }, { 136, ICMP_KIND_NEIGHBOR_ADVERT },
		{ 137, ICMP_KIND_REDIRECT }, { 130, ICMP_KIND_MLD }, { 143, ICMP_KIND_MLD },
		{ 200, ICMP_KIND_OTHER },
	};
	for (size_t i = 0; i < sizeof(k) / sizeof(k[0]); i++) {
		struct pb ip;
		struct packet p;
		pb_init(&ip);
		pb_ipv6(&ip, 58, 1, 2, 80);
		pb_u8(&ip, k[i].type);
		pb_u8(&ip, 0);
		pb_be16(&ip, 0);
		fill(&ip, 76, 0x60);	/* would parse as a valid IPv6 quote if misread */
		ck_assert_int_eq(dec(229, &ip, &p), DECODE_OK);
		ck_assert_msg(p.icmp_kind == k[i].kind, "type %u: kind %u", k[i].type, p.icmp_kind);
		ck_assert_uint_eq(p.quoted.valid, 0);
	}
}
END_TEST

/* ---- valid: IPv6 extension headers ---------------------------------------- */

/* An IPv6 packet whose extension chain is given as (type, bytes) pairs
 * followed by a UDP header (or whatever `last` is) with 4 bytes payload. */
static void ip6_chain(struct pb *p, const unsigned *types, size_t n, unsigned last, unsigned frag)
{
	size_t at = pb_ipv6(p, n ? types[0] : last, 1, 2, 0);
	size_t start = p->len;
	for (size_t i = 0; i < n; i++) {
		unsigned next = i + 1 < n ? types[i + 1] : last;
		switch (types[i]) {
		case 44:
			pb_u8(p, next);
			pb_u8(p, 0);
			pb_be16(p, frag);
			pb_be32(p, 0xabcdef01);
			break;
		case 51:	/* AH: length in 4-byte words minus 2 → 24 bytes */
			pb_u8(p, next);
			pb_u8(p, 4);
			pb_zero(p, 22);
			break;
		default:	/* HBH, routing, dest-opts: 16 bytes */
			pb_u8(p, next);
			pb_u8(p, 1);
			pb_zero(p, 14);
			break;
		}
	}
	if (last == 17) {
		pb_udp(p, 5000, 6000, 12);
		pb_be32(p, 0x01020304);
	} else {
		pb_zero(p, 12);
	}
	pb_patch16(p, at + 4, (unsigned)(p->len - start));
}

START_TEST(test_ipv6_ext_chain)
{
	static const unsigned chain[] = { 0, 43, 60, 44, 51 };
	struct pb ip;
	struct packet p;
	pb_init(&ip);
	ip6_chain(&ip, chain, 5, 17, 0x0001);	/* first fragment, MF */
	ck_assert_int_eq(dec(229, &ip, &p), DECODE_OK);
	ck_assert_uint_eq(p.proto, L4_UDP);
	ck_assert_uint_eq(p.ipproto, 17);
	ck_assert_uint_eq(p.sport, 5000);
	ck_assert_uint_eq(p.dport, 6000);
	ck_assert_uint_eq(p.is_fragment, 1);
	ck_assert_uint_eq(p.first_fragment, 1);
	ck_assert_uint_eq(p.more_fragments, 1);
	ck_assert_uint_eq(p.frag_id, 0xabcdef01);
	ck_assert_uint_eq(p.ip_len, ip.len);
	ck_assert_uint_eq(p.l4_payload_len, 4);
	ck_assert_uint_eq(p.payload_len, 4);
	/* its part of the datagram: all after the fragment header (AH first) */
	ck_assert_uint_eq(p.frag_offset, 0);
	ck_assert_uint_eq(p.frag_len, p.frag_caplen);
	ck_assert_ptr_eq(p.frag_data + p.frag_len, ip.b + ip.len);
	ck_assert_uint_eq(p.frag_data[0], 17);	/* AH's next header */
}
END_TEST

START_TEST(test_ipv6_non_first_fragment)
{
	static const unsigned chain[] = { 0, 44 };
	struct pb ip;
	struct packet p;
	pb_init(&ip);
	ip6_chain(&ip, chain, 2, 17, 1480 | 0);	/* offset 185*8, last */
	ck_assert_int_eq(dec(229, &ip, &p), DECODE_OK);
	ck_assert_uint_eq(p.is_fragment, 1);
	ck_assert_uint_eq(p.first_fragment, 0);
	ck_assert_uint_eq(p.more_fragments, 0);
	ck_assert_uint_eq(p.proto, L4_UDP);
	ck_assert_uint_eq(p.sport, 0);
	ck_assert_uint_eq(p.dport, 0);
	ck_assert_uint_eq(p.frag_offset, 1480);
	ck_assert_uint_eq(p.frag_len, p.frag_caplen);
	ck_assert_ptr_eq(p.frag_data + p.frag_len, ip.b + ip.len);
}
END_TEST

START_TEST(test_ipv6_esp_and_no_next_stop)
{
	static const unsigned chain[] = { 0, 60 };
	struct pb ip;
	struct packet p;
	pb_init(&ip);
	ip6_chain(&ip, chain, 2, 50, 0);
	ck_assert_int_eq(dec(229, &ip, &p), DECODE_OK);
	ck_assert_uint_eq(p.proto, L4_OTHER_IP);
	ck_assert_uint_eq(p.ipproto, 50);
	ck_assert_uint_eq(p.sport, 0);
	ck_assert_uint_eq(p.ip_len, ip.len);

	pb_init(&ip);
	ip6_chain(&ip, chain, 2, 59, 0);
	ck_assert_int_eq(dec(229, &ip, &p), DECODE_OK);
	ck_assert_uint_eq(p.proto, L4_OTHER_IP);
	ck_assert_uint_eq(p.ipproto, 59);

	pb_init(&ip);		/* ESP directly after the fixed header */
	ip6_chain(&ip, NULL, 0, 50, 0);
	ck_assert_int_eq(dec(229, &ip, &p), DECODE_OK);
	ck_assert_uint_eq(p.ipproto, 50);
	ck_assert_uint_eq(p.ip_len, 52);
}
END_TEST

/* ---- malformed ---------------------------------------------------------------- */

START_TEST(test_ipv4_ihl_below_5)
{
	for (unsigned ihl = 0; ihl < 5; ihl++) {
		struct pb f;
		struct packet p;
		pb_init(&f);
		ip4_udp(&f, 8);
		f.b[0] = (uint8_t)(0x40 | ihl);
		ck_assert_msg(dec(12, &f, &p) == DECODE_MALFORMED, "ihl %u", ihl);
	}
}
END_TEST

START_TEST(test_ipv4_total_below_ihl)
{
	struct pb f;
	struct packet p;
	pb_init(&f);
	ip4_udp(&f, 8);
	pb_patch16(&f, 2, 19);
	ck_assert_int_eq(dec(12, &f, &p), DECODE_MALFORMED);

	pb_init(&f);		/* with options: IHL 24, total 20 */
	pb_ipv4_opts(&f, 17, A4_SRC, A4_DST, 20, 1, 0, 4);
	pb_udp(&f, 1, 2, 8);
	ck_assert_int_eq(dec(12, &f, &p), DECODE_MALFORMED);
}
END_TEST

START_TEST(test_ipv4_total_above_wire)
{
	struct pb ip, f;
	struct packet p;
	pb_init(&ip);
	ip4_udp(&ip, 8);
	pb_patch16(&ip, 2, (unsigned)ip.len + 1);
	ck_assert_int_eq(dec(12, &ip, &p), DECODE_MALFORMED);
	link_wrap(&f, LK_VLAN, &ip);
	ck_assert_int_eq(dec(1, &f, &p), DECODE_MALFORMED);
	/* One byte longer on the wire (but not captured) and it is fine. */
	ck_assert_int_eq(run(1, f.b, f.len, f.len + 1, &p), DECODE_OK);
}
END_TEST

START_TEST(test_ip_bad_version)
{
	struct pb ip;
	struct packet p;
	pb_init(&ip);
	ip4_udp(&ip, 0);
	ip.b[0] = 0x55;
	ck_assert_int_eq(dec(12, &ip, &p), DECODE_MALFORMED);
	ip.b[0] = 0x05;
	ck_assert_int_eq(dec(101, &ip, &p), DECODE_MALFORMED);
}
END_TEST

START_TEST(test_tcp_data_offset_below_5)
{
	for (unsigned doff = 0; doff < 5; doff++) {
		struct pb ip;
		struct packet p;
		pb_init(&ip);
		ip4_tcp(&ip, TCP_ACK, 20);
		ip.b[20 + 12] = (uint8_t)(doff << 4);
		ck_assert_msg(dec(12, &ip, &p) == DECODE_MALFORMED, "doff %u", doff);
	}
}
END_TEST

START_TEST(test_tcp_header_longer_than_datagram)
{
	struct pb ip;
	struct packet p;
	pb_init(&ip);
	ip4_tcp(&ip, TCP_ACK, 20);
	ip.b[20 + 12] = 15 << 4;	/* 60-byte header in a 40-byte segment */
	ck_assert_int_eq(dec(12, &ip, &p), DECODE_MALFORMED);
}
END_TEST

START_TEST(test_transport_shorter_than_its_header)
{
	/* The IP length leaves less than a transport header although every
	 * byte it declares was captured: the headers contradict each other
	 * (not a snaplen cut). */
	struct pb ip;
	struct packet p;
	pb_init(&ip);
	ip4_udp(&ip, 0);
	pb_patch16(&ip, 2, 20 + 4);		/* 4 bytes of UDP */
	ck_assert_int_eq(dec(12, &ip, &p), DECODE_MALFORMED);

	pb_init(&ip);
	ip4_tcp(&ip, TCP_ACK, 0);
	pb_patch16(&ip, 2, 20 + 10);		/* 10 bytes of TCP */
	ck_assert_int_eq(dec(12, &ip, &p), DECODE_MALFORMED);

	pb_init(&ip);
	ip6_udp(&ip, 0);
	pb_patch16(&ip, 4, 6);			/* IPv6 payload of 6 bytes for UDP */
	ck_assert_int_eq(dec(229, &ip, &p), DECODE_MALFORMED);
}
END_TEST

START_TEST(test_ipv6_17_ext_headers)
{
	unsigned chain[17];
	for (int i = 0; i < 17; i++)
		chain[i] = 60;
	struct pb ip;
	struct packet p;
	pb_init(&ip);
	ip6_chain(&ip, chain, 17, 17, 0);
	enum decode_result r = dec(229, &ip, &p);
	ck_assert_msg(r == DECODE_MALFORMED || r == DECODE_TRUNCATED, "result %d", r);
	/* 16 is still decoded. */
	pb_init(&ip);
	ip6_chain(&ip, chain, 16, 17, 0);
	ck_assert_int_eq(dec(229, &ip, &p), DECODE_OK);
	ck_assert_uint_eq(p.dport, 6000);
}
END_TEST

START_TEST(test_ipv6_length_above_wire)
{
	struct pb ip;
	struct packet p;
	pb_init(&ip);
	ip6_udp(&ip, 4);
	pb_patch16(&ip, 4, 13);
	ck_assert_int_eq(dec(229, &ip, &p), DECODE_MALFORMED);
}
END_TEST

START_TEST(test_mpls_without_bottom)
{
	struct pb f;
	struct packet p;
	pb_init(&f);
	pb_eth(&f, 0x8847);
	for (int i = 0; i < 17; i++)
		pb_be32(&f, 16u << 12 | 64);	/* never bottom of stack */
	pb_zero(&f, 40);
	ck_assert_int_eq(dec(1, &f, &p), DECODE_MALFORMED);
}
END_TEST

/* Ethernet pseudowires under a label stack (RFC 4448), with and without a
 * control word (RFC 4385), told apart by where a plausible EtherType lies:
 * the inner frames' destination MAC (02:...) starts with nibble 0 too. */
enum pw_case { PW_CW_V4, PW_NOCW_V4, PW_NOCW_A0_V6, PW_CW_VLAN_V6, PW_MPLS_IN_PW };

static void pw_frame(struct pb *f, enum pw_case c)
{
	static const uint8_t mac_a0[12] = { 0xa0, 0, 0, 0, 0, 0x0b, 0xa0, 0, 0, 0, 0, 0x0a };
	struct pb ip;
	pb_init(&ip);
	if (c == PW_NOCW_A0_V6 || c == PW_CW_VLAN_V6)
		ip6_udp(&ip, 4);
	else
		ip4_udp(&ip, 4);
	pb_init(f);
	pb_eth(f, 0x8847);
	pb_be32(f, 1000u << 12 | 64);
	pb_be32(f, 2000u << 12 | 0x100 | 64);	/* bottom of stack */
	switch (c) {
	case PW_CW_V4:
		pb_be32(f, 0x00000001);		/* control word, sequence 1 */
		pb_eth(f, 0x0800);
		break;
	case PW_NOCW_V4:
		pb_eth(f, 0x0800);
		break;
	case PW_NOCW_A0_V6:
		pb_bytes(f, mac_a0, 12);
		pb_be16(f, 0x86dd);
		break;
	case PW_CW_VLAN_V6:
		pb_be32(f, 0x00000002);
		pb_eth(f, 0x8100);
		pb_be16(f, 5);
		pb_be16(f, 0x86dd);
		break;
	case PW_MPLS_IN_PW:	/* a pseudowire carrying labelled IP */
		pb_eth(f, 0x8847);
		pb_be32(f, 3000u << 12 | 0x100 | 64);
		break;
	}
	pb_bytes(f, ip.b, ip.len);
}

START_TEST(test_mpls_pseudowires)
{
	struct pb f;
	struct packet p;
	for (enum pw_case c = PW_CW_V4; c <= PW_MPLS_IN_PW; c++) {
		pw_frame(&f, c);
		ck_assert_msg(dec(1, &f, &p) == DECODE_OK, "pseudowire case %d", c);
		ck_assert_uint_eq(p.proto, L4_UDP);
		ck_assert_uint_eq(p.sport, 40001);
		if (c == PW_NOCW_A0_V6 || c == PW_CW_VLAN_V6)
			assert_v6_last(p.src, 1);
		else
			assert_v4(p.src, A4_SRC);
		ck_assert_uint_eq(p.vlan_depth, c == PW_CW_VLAN_V6);
	}
	/* Not IP: a pseudowire's associated channel (nibble 1, here BFD), and
	 * an inner frame whose EtherType is not IP's in either place (LLDP);
	 * nor IPv4's EtherType with no IPv4 after it. Truncated: a cut inside
	 * the inner frame's addresses. */
	static const struct { const char *what; uint32_t word; unsigned type; size_t zeros;
			      enum decode_result want; } odd[] = {
		{ "ACH", 0x10000007, 0, 40, DECODE_NOT_IP },
		{ "LLDP", 0, 0x88cc, 40, DECODE_NOT_IP },
		{ "lone IPv4 EtherType", 0x02000000, 0x0800, 40, DECODE_NOT_IP },
		{ "cut", 0, 0, 6, DECODE_TRUNCATED },
	};
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		pb_init(&f);
		pb_eth(&f, 0x8847);
		pb_be32(&f, 1000u << 12 | 0x100 | 64);
		pb_be32(&f, odd[i].word);
		if (odd[i].type)
			pb_eth(&f, odd[i].type);
		pb_zero(&f, odd[i].zeros);
		ck_assert_msg(dec(1, &f, &p) == odd[i].want, "%s", odd[i].what);
	}
	/* pseudowire in pseudowire until the frame ends: truncated, not a loop */
	pb_init(&f);
	pb_eth(&f, 0x8847);
	while (f.len + 22 <= 1500) {
		pb_be32(&f, 1000u << 12 | 0x100 | 64);
		pb_be32(&f, 0);
		pb_eth(&f, 0x8847);
	}
	ck_assert_int_eq(dec(1, &f, &p), DECODE_TRUNCATED);
}
END_TEST

/* ---- truncated: every cut of several valid frames ----------------------------- */

/* A frame's bytes at the very end of a page followed by an inaccessible
 * page, so reading one byte past caplen faults (the fork catches it). */
struct guarded { uint8_t *page; size_t pagesz; };

static void guarded_init(struct guarded *g)
{
	g->pagesz = (size_t)sysconf(_SC_PAGESIZE);
	g->page = mmap(NULL, 2 * g->pagesz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ck_assert_ptr_ne(g->page, MAP_FAILED);
	ck_assert_int_eq(mprotect(g->page + g->pagesz, g->pagesz, PROT_NONE), 0);
}

static const uint8_t *guarded_put(struct guarded *g, const uint8_t *b, size_t n)
{
	ck_assert_uint_le(n, g->pagesz);
	uint8_t *dst = g->page + g->pagesz - n;
	memcpy(dst, b, n);
	return dst;
}

enum frame_id {
	FR_ETH4_TCP, FR_QINQ6_HBH_UDP, FR_SLL4_ICMP_ERR, FR_ETH_ARP, FR_RAW6_ICMP6_ECHO,
	FR_PPPOE4_UDP, FR_MPLS6_TCP, FR_NULL4_OPTS_UDP, FR_SLL2_6_FRAG_LATER,
	FR_ETH6_ICMP6_ERR, FR_ETH4_FRAG_FIRST, FR_SNAP4_TCP, FR_PW_CW4_UDP, FR_COUNT
};

struct frame { const char *name; int dlt; size_t need; struct pb f; size_t known; };

/* Builds frame id; `need` is the captured length from which decode can say
 * DECODE_OK with the whole transport header (link + IP headers + the
 * transport bytes it reads); `known`, when set, the length from which it
 * says DECODE_OK with only the ports (ICMP: type and code), l4_cut set. */
static void build_frame(enum frame_id id, struct frame *fr)
{
	struct pb ip;
	pb_init(&ip);
	pb_init(&fr->f);
	switch (id) {
	case FR_ETH4_TCP:
		ip4_tcp(&ip, TCP_PSH | TCP_ACK, 10);
		link_wrap(&fr->f, LK_ETH, &ip);
		*fr = (struct frame){ "eth4 tcp", 1, 14 + 20 + 16, fr->f, 14 + 20 + 4 };
		break;
	case FR_QINQ6_HBH_UDP: {
		static const unsigned hbh[] = { 0 };
		ip6_chain(&ip, hbh, 1, 17, 0);
		link_wrap(&fr->f, LK_QINQ, &ip);
		*fr = (struct frame){ "qinq6 hbh udp", 1, 14 + 8 + 40 + 16 + 8, fr->f, 14 + 8 + 40 + 16 + 4 };
		break;
	}
	case FR_SLL4_ICMP_ERR:
		ip4_icmp_unreach(&ip, 28);
		link_wrap(&fr->f, LK_SLL, &ip);
		*fr = (struct frame){ "sll4 icmp err", 113, 16 + 20 + 4, fr->f, 16 + 20 + 2 };
		break;
	case FR_ETH_ARP:
		pb_eth(&fr->f, 0x0806);
		arp_body(&fr->f, 2);
		*fr = (struct frame){ "eth arp", 1, 14 + 28, fr->f, 0 };
		break;
	case FR_RAW6_ICMP6_ECHO:
		ip6_icmp_echo(&ip, 128, 1, 2);
		link_wrap(&fr->f, LK_RAW229, &ip);
		*fr = (struct frame){ "raw6 echo", 229, 40 + 8, fr->f, 0 };
		break;
	case FR_PW_CW4_UDP:	/* labels, control word, inner Ethernet */
		pw_frame(&fr->f, PW_CW_V4);
		*fr = (struct frame){ "pseudowire4 udp", 1, 14 + 8 + 4 + 14 + 20 + 8, fr->f,
				      14 + 8 + 4 + 14 + 20 + 4 };
		break;
	case FR_PPPOE4_UDP:
		ip4_udp(&ip, 6);
		link_wrap(&fr->f, LK_PPPOE, &ip);
		*fr = (struct frame){ "pppoe4 udp", 1, 14 + 8 + 20 + 8, fr->f, 14 + 8 + 20 + 4 };
		break;
	case FR_MPLS6_TCP:
		ip6_tcp(&ip, TCP_SYN | TCP_ACK, 0);
		link_wrap(&fr->f, LK_MPLS, &ip);
		*fr = (struct frame){ "mpls6 tcp", 1, 14 + 8 + 40 + 16, fr->f, 14 + 8 + 40 + 4 };
		break;
	case FR_NULL4_OPTS_UDP:
		pb_ipv4_opts(&ip, 17, A4_SRC, A4_DST, 24 + 8 + 3, 9, 0, 4);
		pb_udp(&ip, 7, 9, 11);
		fill(&ip, 3, 'n');
		link_wrap(&fr->f, LK_NULL_LE, &ip);
		*fr = (struct frame){ "null4 opts udp", 0, 4 + 24 + 8, fr->f, 4 + 24 + 4 };
		break;
	case FR_SLL2_6_FRAG_LATER: {
		static const unsigned ch[] = { 43, 60, 44 };
		ip6_chain(&ip, ch, 3, 17, 8 << 3);
		link_wrap(&fr->f, LK_SLL2, &ip);
		*fr = (struct frame){ "sll2 v6 later frag", 276, 20 + 40 + 16 + 16 + 8, fr->f, 0 };
		break;
	}
	case FR_ETH6_ICMP6_ERR:
		ip6_icmp_error(&ip, 1, 4, 60);
		link_wrap(&fr->f, LK_ETH, &ip);
		*fr = (struct frame){ "eth6 icmp6 err", 1, 14 + 40 + 4, fr->f, 14 + 40 + 2 };
		break;
	case FR_ETH4_FRAG_FIRST:
		pb_ipv4_opts(&ip, 17, A4_SRC, A4_DST, 20 + 24, 77, 0x2000, 0);
		pb_udp(&ip, 40001, 53, 500);
		fill(&ip, 16, 'f');
		link_wrap(&fr->f, LK_ETH, &ip);
		*fr = (struct frame){ "eth4 first frag", 1, 14 + 20 + 8, fr->f, 14 + 20 + 4 };
		break;
	case FR_SNAP4_TCP:
		ip4_tcp(&ip, TCP_FIN | TCP_ACK, 0);
		link_wrap(&fr->f, LK_SNAP, &ip);
		*fr = (struct frame){ "snap4 tcp", 1, 14 + 8 + 20 + 16, fr->f, 14 + 8 + 20 + 4 };
		break;
	default:
		ck_abort_msg("no frame %d", id);
	}
}

static void assert_same_headers(const struct frame *fr, size_t cap, const struct packet *full,
				const struct packet *cut, const uint8_t *buf)
{
	ck_assert_msg(cut->proto == full->proto && cut->family == full->family &&
		      cut->ipproto == full->ipproto, "%s cap %zu: protocol differs", fr->name, cap);
	ck_assert_msg(!memcmp(cut->src, full->src, 16) && !memcmp(cut->dst, full->dst, 16),
		      "%s cap %zu: addresses differ", fr->name, cap);
	ck_assert_msg(cut->sport == full->sport && cut->dport == full->dport,
		      "%s cap %zu: ports %u→%u", fr->name, cap, cut->sport, cut->dport);
	ck_assert_msg(cut->ip_len == full->ip_len, "%s cap %zu: ip_len %u, not %u", fr->name, cap,
		      cut->ip_len, full->ip_len);
	ck_assert_msg(cut->tcp_flags == full->tcp_flags && cut->seq == full->seq &&
		      cut->ack == full->ack && cut->window == full->window &&
		      cut->l4_payload_len == full->l4_payload_len,
		      "%s cap %zu: TCP fields differ", fr->name, cap);
	ck_assert_msg(cut->icmp_type == full->icmp_type && cut->icmp_kind == full->icmp_kind &&
		      cut->icmp_id == full->icmp_id && cut->icmp_seq == full->icmp_seq,
		      "%s cap %zu: ICMP fields differ", fr->name, cap);
	ck_assert_msg(cut->is_fragment == full->is_fragment &&
		      cut->first_fragment == full->first_fragment &&
		      cut->frag_id == full->frag_id, "%s cap %zu: fragment fields", fr->name, cap);
	ck_assert_msg(cut->arp_op == full->arp_op && !memcmp(cut->arp_sha, full->arp_sha, 6) &&
		      !memcmp(cut->arp_tha, full->arp_tha, 6), "%s cap %zu: ARP fields", fr->name, cap);
	if (cut->quoted.valid)
		ck_assert_msg(!memcmp(&cut->quoted, &full->quoted, sizeof(cut->quoted)),
			      "%s cap %zu: quoted flow differs", fr->name, cap);
	if (cut->payload_len) {
		ck_assert_msg(cut->payload >= buf && cut->payload + cut->payload_len <= buf + cap,
			      "%s cap %zu: payload outside the capture", fr->name, cap);
		ck_assert_uint_le(cut->payload_len, full->payload_len);
	}
}

/* Snaplen cuts: the wire length stays the full frame's. */
START_TEST(test_every_snaplen_cut)
{
	struct frame fr;
	struct packet full, cut;
	struct guarded g;
	build_frame((enum frame_id)_i, &fr);
	guarded_init(&g);
	ck_assert_msg(dec(fr.dlt, &fr.f, &full) == DECODE_OK, "%s does not decode", fr.name);
	ck_assert_uint_le(fr.need, fr.f.len);
	for (size_t cap = 0; cap <= fr.f.len; cap++) {
		const uint8_t *b = guarded_put(&g, fr.f.b, cap);
		enum decode_result r = run(fr.dlt, b, cap, fr.f.len, &cut);
		const size_t known = fr.known ? fr.known : fr.need;
		if (cap < known) {
			ck_assert_msg(r == DECODE_TRUNCATED, "%s cap %zu (< %zu): result %d", fr.name,
				      cap, known, r);
		} else if (cap < fr.need) {
			/* the transport header cut after its ports: the flow is
			 * known, nothing else of the header */
			ck_assert_msg(r == DECODE_OK && cut.l4_cut, "%s cap %zu (< %zu): result %d, cut %d",
				      fr.name, cap, fr.need, r, cut.l4_cut);
			ck_assert_msg(cut.proto == full.proto && !memcmp(cut.src, full.src, 16) &&
				      !memcmp(cut.dst, full.dst, 16) && cut.sport == full.sport &&
				      cut.dport == full.dport && cut.icmp_type == full.icmp_type &&
				      cut.icmp_kind == full.icmp_kind && cut.ip_len == full.ip_len,
				      "%s cap %zu: the flow differs", fr.name, cap);
			ck_assert_uint_eq(cut.payload_len, 0);
			ck_assert(!cut.quoted.valid);
		} else {
			ck_assert_msg(r == DECODE_OK && !cut.l4_cut, "%s cap %zu (>= %zu): result %d",
				      fr.name, cap, fr.need, r);
			assert_same_headers(&fr, cap, &full, &cut, b);
		}
	}
	munmap(g.page, 2 * g.pagesz);
}
END_TEST

/* Short frames: the wire length is the captured length. Nothing to
 * compare with, but no read past the buffer, and no DECODE_OK before the
 * headers are all there. */
START_TEST(test_every_short_frame)
{
	struct frame fr;
	struct packet full, cut;
	struct guarded g;
	build_frame((enum frame_id)_i, &fr);
	guarded_init(&g);
	ck_assert_int_eq(dec(fr.dlt, &fr.f, &full), DECODE_OK);
	for (size_t cap = 0; cap <= fr.f.len; cap++) {
		const uint8_t *b = guarded_put(&g, fr.f.b, cap);
		enum decode_result r = run(fr.dlt, b, cap, cap, &cut);
		ck_assert_msg(r >= DECODE_OK && r <= DECODE_MALFORMED, "%s cap %zu: %d", fr.name, cap, r);
		if (cap < fr.need)
			ck_assert_msg(r != DECODE_OK, "%s cap %zu: OK before headers end", fr.name, cap);
		if (r == DECODE_OK && cut.payload_len)
			ck_assert(cut.payload >= b && cut.payload + cut.payload_len <= b + cap);
	}
	munmap(g.page, 2 * g.pagesz);
}
END_TEST

START_TEST(test_truncated_links)
{
	/* Every link header cut one byte short. */
	static const struct { int dlt; size_t hdr; } l[] = {
		{ 1, 14 }, { 113, 16 }, { 276, 20 }, { 0, 4 }, { 108, 4 }, { 228, 1 }, { 12, 1 },
		{ 9, 1 }, { 50, 1 }, { 51, 8 }, { 104, 4 }, { 105, 24 }, { 127, 4 }, { 117, 1 },
		{ 239, 4 }, { 258, 12 }, { 149, 12 }, { 107, 2 }, { 119, 8 }, { 163, 8 }, { 192, 8 },
		{ 226, 24 }, { 240, 4 }, { 241, 12 }, { 242, 44 },
	};
	uint8_t zero[32] = { 0 };
	for (size_t i = 0; i < sizeof(l) / sizeof(l[0]); i++) {
		struct packet p;
		ck_assert_msg(run(l[i].dlt, zero, l[i].hdr - 1, 60, &p) == DECODE_TRUNCATED, "dlt %d",
			      l[i].dlt);
	}
	struct packet p;
	ck_assert_int_eq(run(1, NULL, 0, 0, &p), DECODE_TRUNCATED);
}
END_TEST

/* ---- the other link layers: what they refuse --------------------------------- */

static struct pb ipv4_syn(void)
{
	struct pb ip;
	pb_init(&ip);
	ip4_tcp(&ip, TCP_SYN, 0);
	return ip;
}

/* The older link layers (Frame Relay, Prism/AVS, PPI, ipnet,
 * netANALYZER, IPoIB): what each refuses, and the forms tshark has no
 * test capture for here (netANALYZER transparent). */
START_TEST(test_older_links_refuse)
{
	struct pb f, ip = ipv4_syn();
	struct packet p;
	/* Frame Relay: an address of 5 bytes, one whose first byte ends it,
	 * Q.933 signalling, and SNAP of an organisation's own; then IP. */
	pb_init(&f);
	pb_zero(&f, 5);
	ck_assert_int_eq(dec(107, &f, &p), DECODE_MALFORMED);
	pb_init(&f);
	pb_bytes(&f, "\x19\x41\x03\xcc", 4);
	ck_assert_int_eq(dec(107, &f, &p), DECODE_MALFORMED);
	pb_init(&f);
	pb_bytes(&f, "\x00\x01\x03\x08\x00\x75", 6);
	ck_assert_int_eq(dec(107, &f, &p), DECODE_NOT_IP);
	pb_init(&f);
	pb_bytes(&f, "\x18\x41\x03\x00\x80\x00\x00\x0c\x08\x00", 10);
	pb_bytes(&f, ip.b, ip.len);
	ck_assert_int_eq(dec(107, &f, &p), DECODE_NOT_IP);
	pb_init(&f);
	pb_bytes(&f, "\x18\x41\x03\xcc", 4);	/* DLCI 100, UI, NLPID IP */
	pb_bytes(&f, ip.b, ip.len);
	ck_assert_int_eq(dec(107, &f, &p), DECODE_OK);
	pb_init(&f);
	pb_bytes(&f, "\x18\x40\x01\x03\x00\xcc", 6);	/* a 3-byte address, a pad */
	pb_bytes(&f, ip.b, ip.len);
	ck_assert_int_eq(dec(107, &f, &p), DECODE_OK);
	/* AVS: a bad magic, a length below its own 8 bytes; Prism takes any
	 * first word but the AVS magic as its own 144-byte header. */
	pb_init(&f);
	pb_be32(&f, 0x80211101);
	pb_be32(&f, 64);
	pb_zero(&f, 80);
	ck_assert_int_eq(dec(163, &f, &p), DECODE_MALFORMED);
	pb_init(&f);
	pb_be32(&f, 0x80211001);
	pb_be32(&f, 4);
	pb_zero(&f, 80);
	ck_assert_int_eq(dec(163, &f, &p), DECODE_MALFORMED);
	ck_assert_int_eq(dec(119, &f, &p), DECODE_MALFORMED);
	pb_init(&f);
	pb_le32(&f, 0x44);
	pb_zero(&f, 140);
	pb_80211(&f, 0x08, 0x01, 0);
	pb_bytes(&f, "\xaa\xaa\x03\0\0\0\x08\x00", 8);
	pb_bytes(&f, ip.b, ip.len);
	ck_assert_int_eq(dec(119, &f, &p), DECODE_OK);
	/* PPI: a version other than 0, a length below 8, PPI inside PPI, and
	 * a frame of a link type netlens does not read. */
	static const struct { uint8_t ver; uint16_t len; uint32_t dlt; enum decode_result want; } ppi[] = {
		{ 1, 8, 1, DECODE_MALFORMED }, { 0, 4, 1, DECODE_MALFORMED },
		{ 0, 8, 192, DECODE_MALFORMED }, { 0, 8, 189, DECODE_NOT_IP }, { 0, 8, 1, DECODE_OK },
	};
	for (size_t i = 0; i < sizeof(ppi) / sizeof(ppi[0]); i++) {
		pb_init(&f);
		pb_u8(&f, ppi[i].ver);
		pb_u8(&f, 0);
		pb_le16(&f, ppi[i].len);
		pb_le32(&f, ppi[i].dlt);
		pb_eth(&f, 0x0800);
		pb_bytes(&f, ip.b, ip.len);
		ck_assert_msg(dec(192, &f, &p) == ppi[i].want, "PPI case %zu", i);
	}
	/* ipnet: a family that is no IP */
	pb_init(&f);
	pb_u8(&f, 2);
	pb_u8(&f, 3);
	pb_zero(&f, 22);
	pb_bytes(&f, ip.b, ip.len);
	ck_assert_int_eq(dec(226, &f, &p), DECODE_NOT_IP);
	/* netANALYZER transparent: header, preamble and SFD, Ethernet */
	pb_init(&f);
	pb_le32(&f, 0x400);
	pb_bytes(&f, "\x55\x55\x55\x55\x55\x55\x55\xd5", 8);
	pb_eth(&f, 0x0800);
	pb_bytes(&f, ip.b, ip.len);
	ck_assert_int_eq(dec(241, &f, &p), DECODE_OK);
	ck_assert_uint_eq(p.proto, L4_TCP);
	/* IPoIB: an EtherType that is no IP */
	pb_init(&f);
	pb_zero(&f, 40);
	pb_be16(&f, 0x88cc);
	pb_zero(&f, 2);
	pb_zero(&f, 20);
	ck_assert_int_eq(dec(242, &f, &p), DECODE_NOT_IP);
}
END_TEST

START_TEST(test_ieee80211_frames_without_ip)
{
	struct pb f, ip = ipv4_syn();
	struct packet p;
	static const struct { unsigned fc0, fc1, seq; enum decode_result want; const char *what; } c[] = {
		{ 0x80, 0x00, 0x10, DECODE_NOT_IP, "beacon" },
		{ 0xd4, 0x00, 0x10, DECODE_NOT_IP, "ACK (control)" },
		{ 0x48, 0x01, 0x10, DECODE_NOT_IP, "null data" },
		{ 0x08, 0x41, 0x10, DECODE_NOT_IP, "protected" },
		{ 0x08, 0x01, 0x11, DECODE_NOT_IP, "second fragment" },
		{ 0x09, 0x01, 0x10, DECODE_MALFORMED, "protocol version 1" },
		{ 0x08, 0x01, 0x10, DECODE_OK, "data" },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		pb_init(&f);
		pb_u8(&f, c[i].fc0);
		pb_u8(&f, c[i].fc1);
		pb_zero(&f, 20);
		pb_le16(&f, c[i].seq);
		pb_bytes(&f, "\xaa\xaa\x03\0\0\0\x08\x00", 8);
		pb_bytes(&f, ip.b, ip.len);
		ck_assert_msg(dec(105, &f, &p) == c[i].want, "%s", c[i].what);
	}
	/* LLC that is not SNAP */
	pb_init(&f);
	pb_80211(&f, 0x08, 0x01, 0);
	pb_bytes(&f, "\x42\x42\x03\0\0\0\x08\x00", 8);
	pb_bytes(&f, ip.b, ip.len);
	ck_assert_int_eq(dec(105, &f, &p), DECODE_NOT_IP);
	/* QoS + HT control cut inside the HT control field */
	pb_init(&f);
	pb_80211(&f, 0x88, 0x81, 3);
	ck_assert_int_eq(dec(105, &f, &p), DECODE_TRUNCATED);
}
END_TEST

START_TEST(test_radiotap_lengths)
{
	struct pb f, ip = ipv4_syn();
	struct packet p;
	const unsigned lens[] = { 0, 4, 7 };
	for (size_t i = 0; i < 3; i++) {
		pb_init(&f);
		pb_u8(&f, 0);
		pb_u8(&f, 0);
		pb_le16(&f, lens[i]);
		pb_zero(&f, 40);
		ck_assert_msg(dec(127, &f, &p) == DECODE_MALFORMED, "length %u", lens[i]);
	}
	pb_init(&f);
	pb_u8(&f, 1);			/* version 1 */
	pb_u8(&f, 0);
	pb_le16(&f, 8);
	pb_zero(&f, 4);
	pb_80211(&f, 0x08, 0x01, 0);
	ck_assert_int_eq(dec(127, &f, &p), DECODE_MALFORMED);
	pb_init(&f);
	pb_u8(&f, 0);
	pb_u8(&f, 0);
	pb_le16(&f, 0xffff);		/* longer than the frame */
	pb_zero(&f, 60);
	pb_bytes(&f, ip.b, ip.len);
	ck_assert_int_eq(dec(127, &f, &p), DECODE_TRUNCATED);
}
END_TEST

START_TEST(test_ppp_and_hdlc_not_ip)
{
	struct pb f;
	struct packet p;
	pb_init(&f);
	pb_bytes(&f, "\xff\x03\xc0\x21\x01\x01\x00\x04", 8);	/* LCP */
	ck_assert_int_eq(dec(9, &f, &p), DECODE_NOT_IP);
	ck_assert_int_eq(dec(50, &f, &p), DECODE_NOT_IP);
	pb_init(&f);
	pb_bytes(&f, "\x8f\x00\x80\x35", 4);		/* Cisco SLARP */
	pb_zero(&f, 18);
	ck_assert_int_eq(dec(104, &f, &p), DECODE_NOT_IP);
	ck_assert_int_eq(dec(50, &f, &p), DECODE_NOT_IP);
	pb_init(&f);
	pb_bytes(&f, "\xff\x03\x00", 3);			/* protocol cut in half */
	ck_assert_int_eq(dec(9, &f, &p), DECODE_TRUNCATED);
	ck_assert_int_eq(run(9, f.b, 0, 0, &p), DECODE_TRUNCATED);
}
END_TEST

START_TEST(test_pflog_lengths)
{
	struct pb f, ip = ipv4_syn();
	struct packet p;
	pb_init(&f);
	pb_u8(&f, 3);			/* shorter than its own length and family */
	pb_zero(&f, 3);
	pb_bytes(&f, ip.b, ip.len);
	ck_assert_int_eq(dec(117, &f, &p), DECODE_MALFORMED);
	pb_init(&f);
	pb_u8(&f, 255);			/* 256 bytes of header in a shorter frame */
	pb_zero(&f, 40);
	ck_assert_int_eq(dec(117, &f, &p), DECODE_TRUNCATED);
	pb_init(&f);
	pb_u8(&f, 45);			/* OpenBSD's shortest, padded to 48 */
	pb_u8(&f, 2);
	pb_zero(&f, 46);
	pb_bytes(&f, ip.b, ip.len);
	ck_assert_int_eq(dec(117, &f, &p), DECODE_OK);
	ck_assert_uint_eq(p.dport, 80);
}
END_TEST

static void nflog_tlv(struct pb *f, uint16_t len, uint16_t type)
{
	uint16_t h[2] = { len, type };
	pb_bytes(f, h, 4);
}

START_TEST(test_nflog_tlvs)
{
	struct pb f, ip = ipv4_syn();
	struct packet p;
	/* a TLV shorter than its own header: refused, and no endless loop */
	pb_init(&f);
	pb_be32(&f, 0x02000005);
	nflog_tlv(&f, 0, 1);
	pb_zero(&f, 8);
	ck_assert_int_eq(dec(239, &f, &p), DECODE_MALFORMED);
	/* a TLV longer than the frame */
	pb_init(&f);
	pb_be32(&f, 0x02000005);
	nflog_tlv(&f, 4000, 10);
	pb_zero(&f, 8);
	ck_assert_int_eq(dec(239, &f, &p), DECODE_TRUNCATED);
	/* a log record without the packet */
	pb_init(&f);
	pb_be32(&f, 0x02000005);
	nflog_tlv(&f, 8, 10);
	pb_bytes(&f, "abc", 4);
	ck_assert_int_eq(dec(239, &f, &p), DECODE_NOT_IP);
	/* version 1 */
	pb_init(&f);
	pb_be32(&f, 0x02010005);
	nflog_tlv(&f, (uint16_t)(4 + ip.len), 9);
	pb_bytes(&f, ip.b, ip.len);
	ck_assert_int_eq(dec(239, &f, &p), DECODE_MALFORMED);
	/* the payload type with NLA_F_NESTED set is still the payload; an
	 * odd-sized TLV before it is padded to four */
	pb_init(&f);
	pb_be32(&f, 0x02000005);
	nflog_tlv(&f, 5, 10);
	pb_bytes(&f, "x\0\0\0", 4);
	nflog_tlv(&f, (uint16_t)(4 + ip.len), 0x8000 | 9);
	pb_bytes(&f, ip.b, ip.len);
	ck_assert_int_eq(dec(239, &f, &p), DECODE_OK);
	ck_assert_uint_eq(p.ip_len, 40);
}
END_TEST

START_TEST(test_pktap_headers)
{
	struct pb f, ip = ipv4_syn();
	struct packet p;
	/* shorter than 108 bytes */
	pb_init(&f);
	pb_le32(&f, 100);
	pb_le32(&f, 1);
	pb_le32(&f, 12);
	pb_zero(&f, 88);
	pb_bytes(&f, ip.b, ip.len);
	ck_assert_int_eq(dec(258, &f, &p), DECODE_MALFORMED);
	/* longer than the frame */
	pb_init(&f);
	pb_le32(&f, 0xfffffff0);
	pb_le32(&f, 1);
	pb_le32(&f, 12);
	pb_zero(&f, 200);
	ck_assert_int_eq(dec(258, &f, &p), DECODE_TRUNCATED);
	/* PKTAP inside PKTAP */
	pb_init(&f);
	pb_pktap(&f, 258, 1, "a", 0);
	pb_pktap(&f, 12, 1, "a", 0);
	pb_bytes(&f, ip.b, ip.len);
	ck_assert_int_eq(dec(258, &f, &p), DECODE_MALFORMED);
	/* an inner link type netlens does not read, and one beyond int */
	pb_init(&f);
	pb_pktap(&f, 189, 1, "a", 0);
	pb_bytes(&f, ip.b, ip.len);
	ck_assert_int_eq(dec(258, &f, &p), DECODE_NOT_IP);
	pb_init(&f);
	pb_pktap(&f, 0x80000001u, 1, "a", 0);
	pb_bytes(&f, ip.b, ip.len);
	ck_assert_int_eq(dec(258, &f, &p), DECODE_MALFORMED);
	/* a record that is not a packet */
	pb_init(&f);
	pb_pktap(&f, 12, 1, "a", 0);
	f.b[4] = 2;
	pb_bytes(&f, ip.b, ip.len);
	ck_assert_int_eq(dec(258, &f, &p), DECODE_NOT_IP);
	/* pid 0 and pids past macOS' 99 999 name no process */
	const uint32_t bad_pids[] = { 0, 100000, 0xffffffffu };
	for (size_t i = 0; i < 3; i++) {
		pb_init(&f);
		pb_pktap(&f, 12, bad_pids[i], "curl", 0);
		pb_bytes(&f, ip.b, ip.len);
		ck_assert_int_eq(dec(258, &f, &p), DECODE_OK);
		ck_assert_uint_eq(p.proc_pid, 0);
	}
	/* a name of 17 bytes without its NUL: cut to 15, terminated; incoming */
	pb_init(&f);
	pb_pktap(&f, 12, 77, "0123456789abcdefg", 1);
	pb_bytes(&f, ip.b, ip.len);
	ck_assert_int_eq(dec(258, &f, &p), DECODE_OK);
	ck_assert_uint_eq(p.proc_pid, 77);
	ck_assert_str_eq(p.proc_comm, "0123456789abcde");
	ck_assert_uint_eq(p.proc_outgoing, 0);
	/* the effective process (a daemon acting for an app) wins */
	pb_init(&f);
	pb_pktap(&f, 12, 300, "nsurlsessiond", 2);
	f.b[84] = 0x12;			/* epid 0x1012 = 4114 */
	f.b[85] = 0x10;
	memcpy(f.b + 88, "Safari", 6);
	pb_bytes(&f, ip.b, ip.len);
	ck_assert_int_eq(dec(258, &f, &p), DECODE_OK);
	ck_assert_uint_eq(p.proc_pid, 4114);
	ck_assert_str_eq(p.proc_comm, "Safari");
}
END_TEST

/* ---- regressions ------------------------------------------------------------- */

START_TEST(test_many_vlan_tags_bounded)
{
	/* A frame of nothing but VLAN tags ends as truncated, not a hang. */
	struct pb f;
	struct packet p;
	pb_init(&f);
	pb_eth(&f, 0x8100);
	while (f.len + 4 <= 1500) {
		pb_be16(&f, 1);
		pb_be16(&f, 0x8100);
	}
	ck_assert_int_eq(dec(1, &f, &p), DECODE_TRUNCATED);
	ck_assert_uint_gt(p.vlan_depth, 300);
}
END_TEST

/* MACsec that hides its payload, and NSH and Arista headers netlens cannot
 * follow. */
START_TEST(test_shims_refused)
{
	struct pb f;
	struct packet p;
	static const struct { uint8_t tci; enum decode_result want; } macsec[] = {
		{ 0x2c, DECODE_NOT_IP },	/* encrypted (E, C) */
		{ 0x04, DECODE_NOT_IP },	/* modified (C) */
		{ 0x80, DECODE_MALFORMED },	/* version 1 */
	};
	for (size_t i = 0; i < sizeof(macsec) / sizeof(macsec[0]); i++) {
		pb_init(&f);
		pb_eth(&f, 0x88e5);
		pb_u8(&f, macsec[i].tci);
		pb_zero(&f, 5);
		pb_be16(&f, 0x0800);
		pb_zero(&f, 60);
		ck_assert_int_eq(dec(1, &f, &p), macsec[i].want);
	}
	static const struct { uint32_t base; enum decode_result want; } nsh[] = {
		{ 0x0fc10201, DECODE_MALFORMED },	/* length 1: no service path header */
		{ 0x4fc20201, DECODE_MALFORMED },	/* version 1 */
		{ 0x0fc20206, DECODE_NOT_IP },		/* next protocol 6: unassigned */
		{ 0x0fff0101, DECODE_TRUNCATED },	/* 63 words: longer than the frame */
	};
	for (size_t i = 0; i < sizeof(nsh) / sizeof(nsh[0]); i++) {
		pb_init(&f);
		pb_eth(&f, 0x894f);
		pb_be32(&f, nsh[i].base);
		pb_be32(&f, 1u << 8 | 255);
		pb_zero(&f, 60);
		ck_assert_msg(dec(1, &f, &p) == nsh[i].want, "NSH %08x", nsh[i].base);
	}
	/* Arista: another subtype, an unknown timestamp format */
	static const uint16_t arista[][2] = { { 0x0002, 0x0010 }, { 0x0001, 0x0030 } };
	for (size_t i = 0; i < 2; i++) {
		pb_init(&f);
		pb_eth(&f, 0xd28b);
		pb_be16(&f, arista[i][0]);
		pb_be16(&f, arista[i][1]);
		pb_zero(&f, 8);
		pb_be16(&f, 0x0800);
		pb_zero(&f, 60);
		ck_assert_int_eq(dec(1, &f, &p), DECODE_NOT_IP);
	}
	/* NSH in NSH until the frame ends: truncated, not a loop */
	pb_init(&f);
	pb_eth(&f, 0x894f);
	while (f.len + 8 <= 1500) {
		pb_be32(&f, 0x0fc20204u);
		pb_be32(&f, 1u << 8 | 255);
	}
	ck_assert_int_eq(dec(1, &f, &p), DECODE_TRUNCATED);
}
END_TEST

START_TEST(test_snap_carrying_length_not_ip)
{
	/* SNAP with an inner 802.3 length must not loop back into LLC parsing. */
	struct pb f;
	struct packet p;
	pb_init(&f);
	pb_eth(&f, 46);
	pb_u8(&f, 0xaa);
	pb_u8(&f, 0xaa);
	pb_u8(&f, 0x03);
	pb_zero(&f, 3);
	pb_be16(&f, 40);
	pb_zero(&f, 38);
	ck_assert_int_eq(dec(1, &f, &p), DECODE_NOT_IP);
}
END_TEST

START_TEST(test_ipv6_ext_len_overruns_payload)
{
	/* A HBH header claiming 2048 bytes inside a small packet. */
	struct pb ip;
	struct packet p;
	pb_init(&ip);
	pb_ipv6(&ip, 0, 1, 2, 16);
	pb_u8(&ip, 17);
	pb_u8(&ip, 255);
	pb_zero(&ip, 14);
	enum decode_result r = dec(229, &ip, &p);
	ck_assert_msg(r == DECODE_MALFORMED || r == DECODE_TRUNCATED, "result %d", r);
}
END_TEST

START_TEST(test_icmp_error_quoting_echo)
{
	/* A time-exceeded quoting an ICMP echo request attributes it by id. */
	struct pb f;
	struct packet p;
	pb_init(&f);
	pb_ipv4(&f, 1, A4_RTR, A4_SRC, 20 + 8 + 28);
	pb_u8(&f, 11);
	pb_u8(&f, 0);
	pb_be16(&f, 0);
	pb_be32(&f, 0);
	pb_ipv4(&f, 1, A4_SRC, A4_DST, 84);
	pb_u8(&f, 8);
	pb_u8(&f, 0);
	pb_be16(&f, 0);
	pb_be16(&f, 0x4444);
	pb_be16(&f, 1);
	ck_assert_int_eq(dec(12, &f, &p), DECODE_OK);
	ck_assert_uint_eq(p.icmp_kind, ICMP_KIND_TIME_EXCEEDED);
	ck_assert_uint_eq(p.quoted.valid, 1);
	ck_assert_uint_eq(p.quoted.proto, L4_ICMP);
	ck_assert_uint_eq(p.quoted.sport, 0x4444);
	ck_assert_uint_eq(p.quoted.dport, 0x4444);
}
END_TEST

/* ---- the fast path against the general one ------------------------------------ */

static uint64_t xs_next(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Offsets in an Ethernet/IP/TCP-or-UDP frame whose bytes steer the decode:
 * the EtherType, version/IHL, lengths, fragment field, protocol, next
 * header, TCP data offset. */
static const uint8_t steer_v4[] = { 12, 13, 14, 16, 17, 20, 21, 23, 34 + 12, 38 + 12, 14 + 24 + 12 };
static const uint8_t steer_v6[] = { 12, 13, 14, 18, 19, 20, 54 + 12, 54 + 4, 54 + 5 };

START_TEST(test_fast_path_matches_general)
{
	/* Frames of every shape the fast path takes, mutated at random where
	 * the decode is steered and cut at random lengths: decode_packet()
	 * and the general path return the same and write the same bytes. */
	struct pb base[7];
	for (int i = 0; i < 7; i++)
		pb_init(&base[i]);
	pb_eth(&base[0], 0x0800); ip4_tcp(&base[0], 0x18, 100);
	pb_eth(&base[1], 0x0800); ip4_udp(&base[1], 60);
	pb_eth(&base[2], 0x86dd); ip6_tcp(&base[2], 0x12, 30);
	pb_eth(&base[3], 0x86dd); ip6_udp(&base[3], 0);
	pb_eth(&base[4], 0x0800);
	pb_ipv4_opts(&base[4], 6, A4_SRC, A4_DST, 24 + 20 + 8, 7, 0, 4);
	pb_tcp(&base[4], 1, 2, 3, 4, 0x10, 0);
	fill(&base[4], 8, 'o');
	pb_eth(&base[5], 0x0800); ip4_tcp(&base[5], 0x02, 0);
	pb_eth(&base[6], 0x0800); ip4_icmp_unreach(&base[6], 28);

	uint64_t x = 0x243f6a8885a308d3ULL;
	uint32_t ok = 0, not_ok = 0;
	for (int iter = 0; iter < 200000; iter++) {
		const struct pb *b = &base[iter % 7];
		uint8_t f[PB_MAX];
		memcpy(f, b->b, b->len);
		int v6 = f[13] == 0xdd;
		int muts = (int)(xs_next(&x) % 4);
		for (int m = 0; m < muts; m++) {
			uint64_t r = xs_next(&x);
			size_t at = (r & 1) ? (v6 ? steer_v6[(r >> 8) % sizeof(steer_v6)]
						  : steer_v4[(r >> 8) % sizeof(steer_v4)])
					    : (size_t)((r >> 8) % b->len);
			if (at < b->len)
				f[at] = (r >> 32) & 3 ? (uint8_t)(r >> 40) : (uint8_t)(f[at] ^ 1u << ((r >> 40) & 7));
		}
		uint64_t r = xs_next(&x);
		size_t cap = (r & 3) ? b->len : (size_t)((r >> 8) % (b->len + 1));
		size_t wire = (r >> 4 & 3) == 0 ? (size_t)((r >> 16) % (b->len + 1))
			    : (r >> 4 & 3) == 1 ? b->len + (r >> 24) % 1600 : b->len;
		struct packet p1, p2;
		enum decode_result r1 = run(1, f, cap, wire, &p1);
		memset(&p2, 0, sizeof(p2));
		p2.ts_us = 1000000;
		p2.wire_len = (uint32_t)wire;
		p2.cap_len = (uint32_t)cap;
		enum decode_result r2 = decode_packet_general(1, f, cap, &p2);
		ck_assert_msg(r1 == r2, "iteration %d: result %d, general %d", iter, r1, r2);
		if (r1 == DECODE_OK)
			ck_assert_msg(memcmp(&p1, &p2, sizeof(p1)) == 0, "iteration %d: fields differ", iter);
		if (r1 == DECODE_OK)
			ok++;
		else
			not_ok++;
	}
	ck_assert_uint_gt(ok, 50000);	/* both kinds of outcome were exercised */
	ck_assert_uint_gt(not_ok, 10000);
}
END_TEST

static Suite *decode_suite(void)
{
	Suite *s = suite_create("decode");

	TCase *tc = tcase_create("valid");
	tcase_add_loop_test(tc, test_link_ipv4_tcp, 0, LK_COUNT);
	tcase_add_loop_test(tc, test_link_ipv6_udp, 0, LK_COUNT);
	tcase_add_test(tc, test_link_supported);
	tcase_add_test(tc, test_unsupported_link);
	tcase_add_test(tc, test_ethernet_arp_request_reply);
	tcase_add_test(tc, test_null_address_families);
	tcase_add_test(tc, test_null_other_family_not_ip);
	tcase_add_test(tc, test_raw_228_rejects_ipv6);
	tcase_add_test(tc, test_non_ip_frames);
	tcase_add_test(tc, test_ipv4_options_skipped);
	tcase_add_test(tc, test_ipv4_tso_zero_length);
	tcase_add_test(tc, test_ipv4_snaplen_cut);
	tcase_add_test(tc, test_ipv4_ethernet_padding_ignored);
	tcase_add_test(tc, test_ipv4_fragments);
	tcase_add_test(tc, test_ipv4_other_protocol);
	tcase_add_test(tc, test_tcp_fields);
	tcase_add_test(tc, test_tcp_payload_from_ip_lengths);
	tcase_add_test(tc, test_udp_fields);
	tcase_add_test(tc, test_icmp_echo);
	tcase_add_test(tc, test_icmp_unreach_quotes_udp);
	tcase_add_test(tc, test_icmpv6_echo);
	tcase_add_test(tc, test_icmpv6_errors_quote_tcp);
	tcase_add_test(tc, test_icmpv6_ndp_kinds);
	tcase_add_test(tc, test_ipv6_ext_chain);
	tcase_add_test(tc, test_ipv6_non_first_fragment);
	tcase_add_test(tc, test_ipv6_esp_and_no_next_stop);
	suite_add_tcase(s, tc);

	tc = tcase_create("truncated");
	tcase_add_loop_test(tc, test_every_snaplen_cut, 0, FR_COUNT);
	tcase_add_loop_test(tc, test_every_short_frame, 0, FR_COUNT);
	tcase_add_test(tc, test_truncated_links);
	tcase_add_test(tc, test_ieee80211_frames_without_ip);
	tcase_add_test(tc, test_radiotap_lengths);
	tcase_add_test(tc, test_ppp_and_hdlc_not_ip);
	tcase_add_test(tc, test_pflog_lengths);
	tcase_add_test(tc, test_nflog_tlvs);
	tcase_add_test(tc, test_pktap_headers);
	tcase_add_test(tc, test_older_links_refuse);
	tcase_add_test(tc, test_icmp_quotes_truncated_header);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_test(tc, test_ipv4_ihl_below_5);
	tcase_add_test(tc, test_ipv4_total_below_ihl);
	tcase_add_test(tc, test_ipv4_total_above_wire);
	tcase_add_test(tc, test_ip_bad_version);
	tcase_add_test(tc, test_tcp_data_offset_below_5);
	tcase_add_test(tc, test_tcp_header_longer_than_datagram);
	tcase_add_test(tc, test_transport_shorter_than_its_header);
	tcase_add_test(tc, test_ipv6_17_ext_headers);
	tcase_add_test(tc, test_ipv6_length_above_wire);
	tcase_add_test(tc, test_mpls_without_bottom);
	tcase_add_test(tc, test_mpls_pseudowires);
	suite_add_tcase(s, tc);

	tc = tcase_create("regressions");
	tcase_add_test(tc, test_many_vlan_tags_bounded);
	tcase_add_test(tc, test_snap_carrying_length_not_ip);
	tcase_add_test(tc, test_shims_refused);
	tcase_add_test(tc, test_ipv6_ext_len_overruns_payload);
	tcase_add_test(tc, test_icmp_error_quoting_echo);
	tcase_add_test(tc, test_fast_path_matches_general);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(decode_suite());
}
