/*
 * decode.c - link layer → IP → transport.
 *
 * Link layers (DLT values as libpcap reports them):
 *   0 NULL, 108 LOOP   4-byte address family (host order for NULL, network
 *                      order for LOOP), then IP.
 *   1 EN10MB           Ethernet II / 802.3+SNAP, any stack of 802.1Q/802.1ad
 *                      tags, MPLS label stacks (IP or an Ethernet
 *                      pseudowire under them), PPPoE sessions, MACsec
 *                      frames sent in clear (integrity only), NSH,
 *                      Arista's timestamp header.
 *   12, 14, 101 RAW    IP, version from the first nibble; 228 IPv4; 229 IPv6.
 *   113 LINUX_SLL      16-byte cooked header, protocol at offset 14.
 *   276 LINUX_SLL2     20-byte cooked header, protocol at offset 0.
 *   281, 282, 284, 285 Ethernet with a switch's DSA tag (Broadcom, Broadcom
 *                      prepended, Marvell DSA and EDSA).
 *
 *   IPv4 (RFC 791)                       IPv6 (RFC 8200)
 *   +-------+-------+---------------+    +-------+---------------------+
 *   |Ver|IHL|  TOS  | Total Length  |    |Ver| TC |    Flow label     |
 *   | Identification|Flg| Frag off  |    | Payload length| Next | Hops |
 *   |  TTL  | Proto | Checksum      |    | Source (16) ...             |
 *   | Source / Destination ...      |    | Destination (16) ...        |
 *
 * Byte accounting: a packet counts its IP datagram length as the headers
 * state it (IPv4 total length, IPv6 40 + payload length), so a capture cut
 * by snaplen still counts what was on the wire and Ethernet padding never
 * counts. An IPv4 total length of 0 (a TSO super-packet seen before
 * segmentation) counts the frame's remaining length. ARP counts its packet
 * length (8 + 2*hlen + 2*plen).
 */
#include "config.h"

#include <string.h>

#include "decode.h"
#include "netlens/reader.h"

enum {
	ETH_IPV4 = 0x0800, ETH_ARP = 0x0806, ETH_VLAN = 0x8100, ETH_QINQ = 0x88a8,
	ETH_VLAN_9100 = 0x9100, ETH_VLAN_9200 = 0x9200, ETH_IPV6 = 0x86dd,
	ETH_MPLS = 0x8847, ETH_MPLS_MC = 0x8848, ETH_PPPOE_SESS = 0x8864,
	ETH_MACSEC = 0x88e5, ETH_NSH = 0x894f, ETH_ARISTA = 0xd28b,
};

/* Arista's vendor EtherType: a subtype, then for timestamps (what tap
 * aggregators add) a version byte pair whose second byte's high nibble
 * gives the timestamp's size, the timestamp and the frame's own EtherType. */
#define ARISTA_SUBTYPE_TIMESTAMP 0x0001
#define ARISTA_FORMAT_64BIT 1
#define ARISTA_FORMAT_48BIT 2

/* MACsec SecTAG (IEEE 802.1AE): TCI/AN, short length, packet number, and
 * the 8-byte SCI when TCI's SC bit is set. With E and C clear the frame is
 * integrity-only and its EtherType and payload follow in clear (the ICV
 * trails them); otherwise nothing past the tag can be read. */
#define MACSEC_TCI_VERSION 0x80
#define MACSEC_TCI_SC 0x20
#define MACSEC_TCI_E 0x08
#define MACSEC_TCI_C 0x04

/* NSH (RFC 8300) next protocols. */
enum { NSH_IPV4 = 1, NSH_IPV6 = 2, NSH_ETHERNET = 3, NSH_NSH = 4, NSH_MPLS = 5 };

enum {
	IPP_HOPOPTS = 0, IPP_ICMP = 1, IPP_IGMP = 2, IPP_TCP = 6, IPP_UDP = 17, IPP_ROUTING = 43,
	IPP_FRAGMENT = 44, IPP_ESP = 50, IPP_AH = 51, IPP_ICMPV6 = 58,
	IPP_NONE = 59, IPP_DSTOPTS = 60, IPP_MOBILITY = 135, IPP_HIP = 139,
	IPP_SHIM6 = 140, IPP_UDPLITE = 136,
};

#define MAX_IPV6_EXT_HEADERS 16	/* more than any real packet carries */
#define MAX_MPLS_LABELS 16

int decode_link_supported(int dlt)
{
	switch (dlt) {
	case 0: case 1: case 9: case 12: case 14: case 50: case 51: case 101:
	case 104: case 105: case 107: case 108: case 113: case 117: case 119: case 127:
	case 149: case 163: case 192: case 226: case 228: case 229: case 239: case 240:
	case 241: case 242: case 258: case 276: case 281: case 282: case 284: case 285:
		return 1;
	default:
		return 0;
	}
}

const char *decode_ipproto_name(unsigned p)
{
	switch (p) {
	case 1: return "ICMP";
	case 2: return "IGMP";
	case 4: return "IPIP";
	case 6: return "TCP";
	case 17: return "UDP";
	case 41: return "IPv6";
	case 46: return "RSVP";
	case 47: return "GRE";
	case 50: return "ESP";
	case 51: return "AH";
	case 58: return "ICMPv6";
	case 59: return "IPv6-NoNxt";
	case 88: return "EIGRP";
	case 89: return "OSPF";
	case 103: return "PIM";
	case 112: return "VRRP";
	case 115: return "L2TP";
	case 132: return "SCTP";
	case 136: return "UDPLite";
	case 137: return "MPLS-in-IP";
	default: return NULL;
	}
}

static enum icmp_kind icmp4_kind(uint8_t type)
{
	switch (type) {
	case 0: return ICMP_KIND_ECHO_REPLY;
	case 3: return ICMP_KIND_DEST_UNREACH;
	case 5: return ICMP_KIND_REDIRECT;
	case 8: return ICMP_KIND_ECHO_REQUEST;
	case 9: return ICMP_KIND_ROUTER_ADVERT;
	case 10: return ICMP_KIND_ROUTER_SOLICIT;
	case 11: return ICMP_KIND_TIME_EXCEEDED;
	case 12: return ICMP_KIND_PARAM_PROBLEM;
	default: return ICMP_KIND_OTHER;
	}
}

static enum icmp_kind icmp6_kind(uint8_t type)
{
	switch (type) {
	case 1: return ICMP_KIND_DEST_UNREACH;
	case 2: return ICMP_KIND_PACKET_TOO_BIG;
	case 3: return ICMP_KIND_TIME_EXCEEDED;
	case 4: return ICMP_KIND_PARAM_PROBLEM;
	case 128: return ICMP_KIND_ECHO_REQUEST;
	case 129: return ICMP_KIND_ECHO_REPLY;
	case 130: case 131: case 132: case 143: return ICMP_KIND_MLD;
	case 133: return ICMP_KIND_ROUTER_SOLICIT;
	case 134: return ICMP_KIND_ROUTER_ADVERT;
	case 135: return ICMP_KIND_NEIGHBOR_SOLICIT;
	case 136: return ICMP_KIND_NEIGHBOR_ADVERT;
	case 137: return ICMP_KIND_REDIRECT;
	default: return ICMP_KIND_OTHER;
	}
}

static enum l4_proto l4_of(unsigned ipproto, int family)
{
	switch (ipproto) {
	case IPP_TCP: return L4_TCP;
	case IPP_UDP: return L4_UDP;
	case IPP_ICMP: return family == 4 ? L4_ICMP : L4_OTHER_IP;
	case IPP_ICMPV6: return family == 6 ? L4_ICMPV6 : L4_OTHER_IP;
	default: return L4_OTHER_IP;
	}
}

/* Walks IPv6 extension headers. On return *next is the upper-layer protocol
 * and r sits at its header. Fragment details go to the out parameters.
 * Returns 0, or -1 when the chain is truncated or too long. */
static int ipv6_walk_ext(struct nl_reader *r, uint8_t *next, int *is_frag,
			 int *first_frag, int *more_frags, uint32_t *frag_id, uint8_t *frag_proto,
			 uint32_t *frag_off, size_t *frag_data_at)
{
	/* One pass per extension header plus one to reach the upper layer. */
	for (int i = 0; i <= MAX_IPV6_EXT_HEADERS; i++) {
		switch (*next) {
		case IPP_HOPOPTS: case IPP_ROUTING: case IPP_DSTOPTS:
		case IPP_MOBILITY: case IPP_HIP: case IPP_SHIM6: {
			uint8_t nh = nl_get_u8(r);
			uint8_t len = nl_get_u8(r);
			nl_reader_skip(r, (size_t)len * 8 + 6);
			if (!nl_reader_ok(r))
				return -1;
			*next = nh;
			break;
		}
		case IPP_FRAGMENT: {
			uint8_t nh = nl_get_u8(r);
			nl_get_u8(r);
			uint16_t offflags = nl_get_be16(r);
			uint32_t id = nl_get_be32(r);
			if (!nl_reader_ok(r))
				return -1;
			*is_frag = 1;
			*frag_proto = nh;
			*first_frag = (offflags & 0xfff8) == 0;
			*more_frags = offflags & 1;
			*frag_id = id;
			*frag_off = offflags & 0xfff8;	/* 8-byte units in the top 13 bits */
			*frag_data_at = nl_reader_offset(r);
			*next = nh;
			if (!*first_frag)
				return 0;	/* no further headers in this fragment */
			break;
		}
		case IPP_AH: {
			uint8_t nh = nl_get_u8(r);
			uint8_t len = nl_get_u8(r);
			nl_reader_skip(r, ((size_t)len + 2) * 4 - 2);
			if (!nl_reader_ok(r))
				return -1;
			*next = nh;
			break;
		}
		default:
			return 0;	/* upper layer, ESP or no-next-header */
		}
	}
	return -1;
}

/* Reads the transport ports of a quoted datagram inside an ICMP error. */
static void parse_quoted(struct nl_reader *r, int family, struct quoted_flow *q)
{
	memset(q, 0, sizeof(*q));
	uint8_t ipproto;
	if (family == 4) {
		struct nl_reader h = *r;
		uint8_t vihl = nl_get_u8(&h);
		if ((vihl >> 4) != 4 || (vihl & 0x0f) < 5)
			return;
		nl_reader_skip(&h, 5);		/* tos, total length, id */
		uint16_t fo = nl_get_be16(&h);
		nl_get_u8(&h);			/* ttl */
		ipproto = nl_get_u8(&h);
		nl_reader_skip(&h, 2);		/* checksum */
		nl_get_bytes(&h, q->src, 4);
		nl_get_bytes(&h, q->dst, 4);
		nl_reader_skip(&h, (size_t)((vihl & 0x0f) - 5) * 4);
		if (!nl_reader_ok(&h))
			return;
		*r = h;
		if (fo & 0x1fff)
			return;		/* a non-first fragment quotes no ports */
	} else {
		uint8_t v = nl_get_u8(r);
		if ((v >> 4) != 6)
			return;
		nl_reader_skip(r, 5);
		ipproto = nl_get_u8(r);
		nl_get_u8(r);
		nl_get_bytes(r, q->src, 16);
		nl_get_bytes(r, q->dst, 16);
		if (!nl_reader_ok(r))
			return;
		int isf = 0, ff = 1, mf = 0;
		uint32_t id = 0, off = 0;
		uint8_t fp = 0;
		size_t at = 0;
		if (ipv6_walk_ext(r, &ipproto, &isf, &ff, &mf, &id, &fp, &off, &at) < 0 || !ff)
			return;
	}
	q->family = (uint8_t)family;
	q->ipproto = ipproto;
	q->proto = (uint8_t)l4_of(ipproto, family);
	if (q->proto == L4_TCP || q->proto == L4_UDP) {
		q->sport = nl_get_be16(r);
		q->dport = nl_get_be16(r);
		if (!nl_reader_ok(r))
			return;		/* ports cut off: not attributable */
	} else if (q->proto == L4_ICMP || q->proto == L4_ICMPV6) {
		uint8_t type = nl_get_u8(r);
		nl_reader_skip(r, 3);
		uint16_t id = nl_get_be16(r);
		if (!nl_reader_ok(r))
			return;
		enum icmp_kind k = family == 4 ? icmp4_kind(type) : icmp6_kind(type);
		if (k == ICMP_KIND_ECHO_REQUEST || k == ICMP_KIND_ECHO_REPLY)
			q->sport = q->dport = id;
		else
			return;
	}
	q->valid = 1;
}

/* A neighbour solicitation or advertisement after its ICMPv6 header:
 * reserved or flags, the target address, then options of 8-byte units;
 * the link-layer address a solicitation gives for its sender (option 1)
 * or an advertisement for its target (option 2), when it has one. Damage
 * only leaves nd_has_lladdr 0: the packet still counts as ICMPv6. */
static void decode_nd(struct nl_reader *r, struct packet *pkt)
{
	const uint8_t want = pkt->icmp_kind == ICMP_KIND_NEIGHBOR_SOLICIT ? 1 : 2;
	nl_reader_skip(r, 4);
	nl_get_bytes(r, pkt->nd_target, 16);
	for (int i = 0; i < 16 && nl_reader_ok(r) && nl_reader_left(r) >= 8; i++) {
		const uint8_t *o = nl_get_span(r, 2);
		if (!o || o[1] == 0)
			return;		/* a zero length would never end */
		const uint8_t *v = nl_get_span(r, (size_t)o[1] * 8 - 2);
		if (!v)
			return;
		if (o[0] == want && o[1] == 1) {	/* Ethernet: 6 bytes */
			memcpy(pkt->nd_lladdr, v, 6);
			pkt->nd_has_lladdr = nl_reader_ok(r);
			return;
		}
	}
}

/* Transport layer. r covers the captured bytes of the IP payload;
 * l4_len is its length according to the IP header. */
/* A TCP or UDP header cut by the snapshot length after its ports (IPv6
 * TCP in a capture of tcpdump's old 68-byte default): the packet still
 * counts in its flow, as tshark places it, with nothing more read. */
static enum decode_result ports_only(struct nl_reader *r, struct packet *pkt)
{
	const uint8_t *h = nl_get_span(r, 4);
	if (!h)
		return DECODE_TRUNCATED;
	pkt->sport = nl_span_be16(h, 0);
	pkt->dport = nl_span_be16(h, 2);
	pkt->l4_cut = 1;
	return DECODE_OK;
}

static enum decode_result decode_l4(struct nl_reader *r, uint32_t l4_len, struct packet *pkt)
{
	if (pkt->is_fragment && !pkt->first_fragment)
		return DECODE_OK;	/* ports come from the fragment table */

	switch (pkt->proto) {
	case L4_TCP: {
		/* Checked before reading: the sub-reader ends at l4_len, so a too
		 * short datagram would otherwise read as truncated. */
		if (!pkt->is_fragment && l4_len < 20)
			return DECODE_MALFORMED;
		if (nl_reader_left(r) < 16)
			return ports_only(r, pkt);
		const uint8_t *h = nl_get_span(r, 16);
		if (!h)
			return DECODE_TRUNCATED;
		pkt->sport = nl_span_be16(h, 0);
		pkt->dport = nl_span_be16(h, 2);
		pkt->seq = nl_span_be32(h, 4);
		pkt->ack = nl_span_be32(h, 8);
		uint8_t doff = h[12] >> 4;
		pkt->tcp_flags = h[13];
		pkt->window = nl_span_be16(h, 14);
		if (doff < 5)
			return DECODE_MALFORMED;
		uint32_t hlen = (uint32_t)doff * 4;
		if (!pkt->is_fragment && hlen > l4_len)
			return DECODE_MALFORMED;
		pkt->l4_payload_len = l4_len > hlen ? l4_len - hlen : 0;
		/* 16 bytes read so far; options may be cut off by snaplen, in
		 * which case there is simply no payload to look at. */
		if (nl_reader_skip(r, hlen - 16) == 0) {
			size_t avail = nl_reader_left(r);
			pkt->payload = r->buf + nl_reader_offset(r);
			pkt->payload_len = avail < pkt->l4_payload_len ? avail : pkt->l4_payload_len;
		}
		return DECODE_OK;
	}
	case L4_UDP: {
		if (!pkt->is_fragment && l4_len < 8)
			return DECODE_MALFORMED;
		if (nl_reader_left(r) < 8)
			return ports_only(r, pkt);
		const uint8_t *h = nl_get_span(r, 8);
		if (!h)
			return DECODE_TRUNCATED;
		pkt->sport = nl_span_be16(h, 0);
		pkt->dport = nl_span_be16(h, 2);
		uint16_t ulen = nl_span_be16(h, 4);
		(void)ulen;	/* 0 in jumbograms; the IP length is authoritative */
		pkt->l4_payload_len = l4_len > 8 ? l4_len - 8 : 0;
		size_t avail = nl_reader_left(r);
		pkt->payload = r->buf + nl_reader_offset(r);
		pkt->payload_len = avail < pkt->l4_payload_len ? avail : pkt->l4_payload_len;
		return DECODE_OK;
	}
	case L4_ICMP:
	case L4_ICMPV6: {
		pkt->icmp_type = nl_get_u8(r);
		pkt->icmp_code = nl_get_u8(r);
		if (!nl_reader_ok(r))
			return DECODE_TRUNCATED;
		pkt->icmp_kind = (uint8_t)(pkt->proto == L4_ICMP ? icmp4_kind(pkt->icmp_type)
						       : icmp6_kind(pkt->icmp_type));
		nl_get_be16(r);
		if (!nl_reader_ok(r)) {
			/* Type and code tell the flow of all but an echo (its
			 * identifier is further on): an MLD report behind a
			 * hop-by-hop header, cut at 64 bytes. */
			if (pkt->icmp_kind == ICMP_KIND_ECHO_REQUEST || pkt->icmp_kind == ICMP_KIND_ECHO_REPLY)
				return DECODE_TRUNCATED;
			pkt->l4_cut = 1;
			return DECODE_OK;
		}
		switch (pkt->icmp_kind) {
		case ICMP_KIND_ECHO_REQUEST:
		case ICMP_KIND_ECHO_REPLY:
			pkt->icmp_id = nl_get_be16(r);
			pkt->icmp_seq = nl_get_be16(r);
			if (!nl_reader_ok(r))
				return DECODE_TRUNCATED;
			break;
		case ICMP_KIND_NEIGHBOR_SOLICIT:
		case ICMP_KIND_NEIGHBOR_ADVERT:
			decode_nd(r, pkt);
			break;
		case ICMP_KIND_DEST_UNREACH:
		case ICMP_KIND_TIME_EXCEEDED:
		case ICMP_KIND_PARAM_PROBLEM:
		case ICMP_KIND_PACKET_TOO_BIG:
		case ICMP_KIND_REDIRECT: {
			if (pkt->proto == L4_ICMPV6 && pkt->icmp_kind == ICMP_KIND_REDIRECT)
				break;	/* NDP redirect quotes no header in this position */
			nl_reader_skip(r, 4);
			struct nl_reader q = nl_reader_rest(r);
			parse_quoted(&q, pkt->family, &pkt->quoted);
			break;
		}
		default:
			break;
		}
		return DECODE_OK;
	}
	case L4_OTHER_IP:
		/* IGMP's message type (RFC 3376 4): the flow's state, as RustNet's */
		if (pkt->ipproto == IPP_IGMP && nl_peek_u8(r, 0, &pkt->icmp_type) < 0)
			pkt->icmp_type = 0;
		return DECODE_OK;
	default:
		return DECODE_OK;
	}
}

/* IPv4 or IPv6 at r. wire_left is how many bytes of the original frame
 * remain from here (for TSO super-packets and bogus lengths). */
static enum decode_result decode_ip(struct nl_reader *r, size_t wire_left, struct packet *pkt)
{
	uint8_t first;
	if (nl_peek_u8(r, 0, &first) < 0)
		return DECODE_TRUNCATED;

	if ((first >> 4) == 4) {
		const uint8_t *h = nl_get_span(r, 20);
		if (!h)
			return DECODE_TRUNCATED;
		uint8_t vihl = h[0];
		uint16_t total = nl_span_be16(h, 2);
		uint16_t id = nl_span_be16(h, 4);
		uint16_t fo = nl_span_be16(h, 6);
		uint8_t proto = h[9];
		memcpy(pkt->src, h + 12, 4);
		memcpy(pkt->dst, h + 16, 4);
		uint32_t ihl = (uint32_t)(vihl & 0x0f) * 4;
		if (ihl < 20)
			return DECODE_MALFORMED;
		if (nl_reader_skip(r, ihl - 20) < 0)
			return DECODE_TRUNCATED;
		uint32_t len = total;
		if (len == 0)
			len = (uint32_t)(wire_left > 0xffffffu ? 0xffffffu : wire_left);
		if (len < ihl || len > wire_left)
			return DECODE_MALFORMED;
		pkt->family = 4;
		pkt->ipproto = proto;
		pkt->proto = (uint8_t)l4_of(proto, 4);
		pkt->ip_len = len;
		pkt->frag_id = id;
		pkt->more_fragments = (fo & 0x2000) != 0;
		pkt->is_fragment = (fo & 0x3fff) != 0;
		pkt->first_fragment = (fo & 0x1fff) == 0;
		pkt->frag_ipproto = proto;
		struct nl_reader l4 = nl_reader_sub(r, len - ihl);
		uint32_t l4_len = len - ihl;
		if (pkt->is_fragment) {
			pkt->frag_offset = (uint32_t)(fo & 0x1fff) * 8;
			pkt->frag_len = l4_len;
			pkt->frag_caplen = (uint32_t)nl_reader_left(&l4);
			pkt->frag_data = l4.buf + nl_reader_offset(&l4);
		}
		if (proto == IPP_AH && pkt->first_fragment) {
			/* Authentication Header (RFC 4302): look through to what it protects. */
			uint8_t nh = nl_get_u8(&l4);
			uint32_t ah_len = ((uint32_t)nl_get_u8(&l4) + 2) * 4;
			if (!nl_reader_ok(&l4))
				return DECODE_TRUNCATED;
			if (ah_len > l4_len)
				return DECODE_MALFORMED;
			if (nl_reader_skip(&l4, ah_len - 2) < 0)
				return DECODE_TRUNCATED;
			l4_len -= ah_len;
			pkt->ipproto = nh;
			pkt->proto = (uint8_t)l4_of(nh, 4);
		}
		return decode_l4(&l4, l4_len, pkt);
	}
	if ((first >> 4) == 6) {
		const uint8_t *h = nl_get_span(r, 40);
		if (!h)
			return DECODE_TRUNCATED;
		uint16_t plen = nl_span_be16(h, 4);
		uint8_t next = h[6];
		memcpy(pkt->src, h + 8, 16);
		memcpy(pkt->dst, h + 24, 16);
		pkt->hop_limit = h[7];
		uint32_t len = 40u + plen;
		if (plen == 0 && next == IPP_HOPOPTS && wire_left > 40)
			len = (uint32_t)(wire_left > 0xffffffu ? 0xffffffu : wire_left); /* jumbogram */
		if (len > wire_left)
			return DECODE_MALFORMED;
		pkt->family = 6;
		pkt->ip_len = len;
		struct nl_reader body = nl_reader_sub(r, len - 40);
		int is_frag = 0, first_frag = 1, more = 0;
		uint32_t fid = 0, foff = 0;
		size_t before = nl_reader_offset(&body), frag_at = 0;
		if (ipv6_walk_ext(&body, &next, &is_frag, &first_frag, &more, &fid, &pkt->frag_ipproto,
				  &foff, &frag_at) < 0)
			/* The whole payload was captured: the chain overran it. */
			return nl_reader_ok(r) ? DECODE_MALFORMED : DECODE_TRUNCATED;
		uint32_t ext = (uint32_t)(nl_reader_offset(&body) - before);
		if (ext > len - 40)
			return DECODE_MALFORMED;
		pkt->ipproto = next;
		pkt->proto = (uint8_t)l4_of(next, 6);
		pkt->is_fragment = (uint8_t)is_frag;
		pkt->first_fragment = (uint8_t)first_frag;
		pkt->more_fragments = (uint8_t)more;
		pkt->frag_id = fid;
		if (is_frag) {
			/* from the fragment header's end to the payload's (len - 40
			 * bytes after before), captured or not */
			uint32_t after = (uint32_t)(frag_at - before);
			pkt->frag_offset = foff;
			pkt->frag_len = len - 40 - after;
			size_t got = body.len > frag_at ? body.len - frag_at : 0;
			pkt->frag_caplen = (uint32_t)(got < pkt->frag_len ? got : pkt->frag_len);
			pkt->frag_data = body.buf + frag_at;
		}
		if (next == IPP_ESP || next == IPP_NONE)
			return DECODE_OK;
		struct nl_reader l4 = nl_reader_rest(&body);
		return decode_l4(&l4, len - 40 - ext, pkt);
	}
	return DECODE_MALFORMED;
}

static enum decode_result decode_arp(struct nl_reader *r, struct packet *pkt)
{
	nl_get_be16(r);				/* hardware type */
	uint16_t ptype = nl_get_be16(r);
	uint8_t hlen = nl_get_u8(r);
	uint8_t plen = nl_get_u8(r);
	uint16_t op = nl_get_be16(r);
	if (!nl_reader_ok(r))
		return DECODE_TRUNCATED;
	if (ptype != ETH_IPV4 || plen != 4)
		return DECODE_NOT_IP;
	uint8_t sha[6] = {0}, tha[6] = {0};
	const uint8_t *p = nl_get_span(r, hlen);
	if (p && hlen >= 6)
		memcpy(sha, p, 6);
	nl_get_bytes(r, pkt->src, 4);
	p = nl_get_span(r, hlen);
	if (p && hlen >= 6)
		memcpy(tha, p, 6);
	nl_get_bytes(r, pkt->dst, 4);
	if (!nl_reader_ok(r))
		return DECODE_TRUNCATED;
	pkt->proto = L4_ARP;
	pkt->family = 0;
	pkt->arp_op = op;
	memcpy(pkt->arp_sha, sha, 6);
	memcpy(pkt->arp_tha, tha, 6);
	pkt->ip_len = 8u + 2u * hlen + 2u * plen;
	return DECODE_OK;
}

/* What follows an MPLS label stack is not named by it. IP says so by its
 * version nibble; an Ethernet pseudowire's frame (RFC 4448) comes with or
 * without a 4-byte control word (RFC 4385, first nibble 0); nibble 1 is a
 * pseudowire's associated channel (OAM, not IP). A frame's EtherType is
 * believed when it is one that carries IP here and, for IP itself, the
 * next byte has that version: so a control word is told from a MAC address
 * whose first nibble is 0 by where a plausible EtherType lies. */
#define MPLS_PAYLOAD_IP (-1)
#define MPLS_PAYLOAD_NOT_IP (-2)
#define MPLS_PAYLOAD_TRUNCATED (-3)
#define PW_CONTROL_WORD 4
#define PW_MAC_ADDRESSES 12

/* The EtherType at `off` if plausible, -1 if not, -2 if the frame ends
 * before it can be told. */
static int pw_ethertype_at(const struct nl_reader *r, size_t off)
{
	uint8_t hi, lo, next;
	if (nl_peek_u8(r, off, &hi) < 0 || nl_peek_u8(r, off + 1, &lo) < 0)
		return -2;
	uint16_t type = (uint16_t)(hi << 8 | lo);
	switch (type) {
	case ETH_IPV4:
	case ETH_IPV6:
		if (nl_peek_u8(r, off + 2, &next) < 0)
			return -2;
		return next >> 4 == (type == ETH_IPV4 ? 4 : 6) ? type : -1;
	case ETH_ARP: case ETH_VLAN: case ETH_QINQ: case ETH_MPLS: case ETH_MPLS_MC:
		return type;
	}
	return -1;
}

/* MPLS_PAYLOAD_IP, an inner frame's EtherType with the reader moved to what
 * follows it, MPLS_PAYLOAD_NOT_IP, or MPLS_PAYLOAD_TRUNCATED. */
static int mpls_payload_ethertype(struct nl_reader *r)
{
	uint8_t first;
	if (nl_peek_u8(r, 0, &first) < 0)
		return MPLS_PAYLOAD_TRUNCATED;
	unsigned nibble = first >> 4;
	if (nibble == 4 || nibble == 6)
		return MPLS_PAYLOAD_IP;
	if (nibble == 1)
		return MPLS_PAYLOAD_NOT_IP;
	const size_t with_cw = PW_CONTROL_WORD + PW_MAC_ADDRESSES, without = PW_MAC_ADDRESSES;
	int cw = nibble == 0 ? pw_ethertype_at(r, with_cw) : -1;
	if (cw >= 0) {
		nl_reader_skip(r, with_cw + 2);
		return cw;
	}
	int plain = pw_ethertype_at(r, without);
	if (plain >= 0) {
		nl_reader_skip(r, without + 2);
		return plain;
	}
	return cw == -2 || plain == -2 ? MPLS_PAYLOAD_TRUNCATED : MPLS_PAYLOAD_NOT_IP;
}

/* Dispatches on an EtherType, following VLAN tags, MPLS, PPPoE, MACsec in
 * clear, NSH and Arista's timestamps. */
static enum decode_result decode_ethertype(struct nl_reader *r, uint16_t type,
					   size_t wire_len, struct packet *pkt)
{
	for (;;) {
		switch (type) {
		case ETH_VLAN: case ETH_QINQ: case ETH_VLAN_9100: case ETH_VLAN_9200:
			nl_get_be16(r);		/* TCI */
			type = nl_get_be16(r);
			if (!nl_reader_ok(r))
				return DECODE_TRUNCATED;
			if (pkt->vlan_depth < UINT16_MAX)
				pkt->vlan_depth++;
			continue;	/* each pass consumes 4 bytes: bounded by the frame */
		case ETH_IPV4:
		case ETH_IPV6:
			return decode_ip(r, wire_len - nl_reader_offset(r), pkt);
		case ETH_ARP:
			return decode_arp(r, pkt);
		case ETH_MPLS:
		case ETH_MPLS_MC: {
			int bottom = 0;
			for (int i = 0; i < MAX_MPLS_LABELS && !bottom; i++) {
				uint32_t lbl = nl_get_be32(r);
				if (!nl_reader_ok(r))
					return DECODE_TRUNCATED;
				bottom = (lbl & 0x100) != 0;
			}
			if (!bottom)
				return DECODE_MALFORMED;
			int inner = mpls_payload_ethertype(r);
			if (inner == MPLS_PAYLOAD_IP)
				return decode_ip(r, wire_len - nl_reader_offset(r), pkt);
			if (inner == MPLS_PAYLOAD_TRUNCATED)
				return DECODE_TRUNCATED;
			if (inner < 0)
				return DECODE_NOT_IP;
			type = (uint16_t)inner;
			continue;	/* each pass consumes 18 bytes or more */
		}
		case ETH_PPPOE_SESS: {
			nl_reader_skip(r, 6);
			uint16_t ppp = nl_get_be16(r);
			if (!nl_reader_ok(r))
				return DECODE_TRUNCATED;
			if (ppp == 0x0021 || ppp == 0x0057)
				return decode_ip(r, wire_len - nl_reader_offset(r), pkt);
			return DECODE_NOT_IP;
		}
		case ETH_MACSEC: {
			uint8_t tci = nl_get_u8(r);
			nl_reader_skip(r, 5);	/* short length, packet number */
			if (tci & MACSEC_TCI_SC)
				nl_reader_skip(r, 8);
			if (!nl_reader_ok(r))
				return DECODE_TRUNCATED;
			if (tci & MACSEC_TCI_VERSION)
				return DECODE_MALFORMED;
			if (tci & (MACSEC_TCI_E | MACSEC_TCI_C))
				return DECODE_NOT_IP;	/* encrypted or modified */
			type = nl_get_be16(r);
			if (!nl_reader_ok(r))
				return DECODE_TRUNCATED;
			continue;	/* each pass consumes 8 bytes or more */
		}
		case ETH_ARISTA: {
			uint16_t subtype = nl_get_be16(r);
			nl_get_u8(r);		/* timescale */
			unsigned format = nl_get_u8(r) >> 4;
			if (!nl_reader_ok(r))
				return DECODE_TRUNCATED;
			if (subtype != ARISTA_SUBTYPE_TIMESTAMP ||
			    (format != ARISTA_FORMAT_64BIT && format != ARISTA_FORMAT_48BIT))
				return DECODE_NOT_IP;
			nl_reader_skip(r, format == ARISTA_FORMAT_64BIT ? 8 : 6);
			type = nl_get_be16(r);
			if (!nl_reader_ok(r))
				return DECODE_TRUNCATED;
			continue;	/* each pass consumes 12 bytes or more */
		}
		case ETH_NSH: {
			uint8_t b0 = nl_get_u8(r), b1 = nl_get_u8(r);
			nl_get_u8(r);		/* MD type */
			uint8_t next = nl_get_u8(r);
			if (!nl_reader_ok(r))
				return DECODE_TRUNCATED;
			unsigned words = b1 & 0x3f;	/* the header's length in 4-byte words */
			if (b0 >> 6 || words < 2)
				return DECODE_MALFORMED;	/* version 0 only; base + path header at least */
			nl_reader_skip(r, words * 4u - 4);	/* service path, context headers */
			if (!nl_reader_ok(r))
				return DECODE_TRUNCATED;
			switch (next) {
			case NSH_IPV4:
			case NSH_IPV6:
				return decode_ip(r, wire_len - nl_reader_offset(r), pkt);
			case NSH_ETHERNET:
				nl_reader_skip(r, 12);	/* the inner frame's MAC addresses */
				type = nl_get_be16(r);
				if (!nl_reader_ok(r))
					return DECODE_TRUNCATED;
				continue;
			case NSH_NSH:
				type = ETH_NSH;
				continue;	/* each pass consumes 8 bytes or more */
			case NSH_MPLS:
				type = ETH_MPLS;
				continue;
			default:
				return DECODE_NOT_IP;
			}
		}
		default:
			if (type < 0x0600) {	/* 802.3 length: LLC, maybe SNAP */
				uint8_t dsap = nl_get_u8(r), ssap = nl_get_u8(r), ctl = nl_get_u8(r);
				if (!nl_reader_ok(r))
					return DECODE_TRUNCATED;
				if (dsap != 0xaa || ssap != 0xaa || ctl != 0x03)
					return DECODE_NOT_IP;
				nl_reader_skip(r, 3);	/* OUI */
				type = nl_get_be16(r);
				if (!nl_reader_ok(r))
					return DECODE_TRUNCATED;
				if (type < 0x0600)
					return DECODE_NOT_IP;
				continue;
			}
			return DECODE_NOT_IP;
		}
	}
}

/* ---- other link layers ----------------------------------------------------
 * Each reads its header through the reader and hands what follows to
 * decode_ip() or decode_ethertype(); anything it does not carry IP in is
 * DECODE_NOT_IP (counted, not tracked). */

#define PPP_IPV4 0x0021
#define PPP_IPV6 0x0057
#define PPP_MPLS 0x0281		/* RFC 3032: unicast; 0x0283 multicast */
#define PPP_MPLS_MC 0x0283

/* A PPP protocol field (RFC 1661: one byte when its low bit is set,
 * protocol-field compression) and what follows. */
static enum decode_result decode_ppp_proto(struct nl_reader *r, size_t wire, struct packet *pkt)
{
	uint8_t b;
	if (nl_peek_u8(r, 0, &b) < 0)
		return DECODE_TRUNCATED;
	uint16_t proto = (b & 1) ? nl_get_u8(r) : nl_get_be16(r);
	if (!nl_reader_ok(r))
		return DECODE_TRUNCATED;
	if (proto == PPP_IPV4 || proto == PPP_IPV6)
		return decode_ip(r, wire - nl_reader_offset(r), pkt);
	if (proto == PPP_MPLS || proto == PPP_MPLS_MC)	/* a label stack, as over Ethernet */
		return decode_ethertype(r, ETH_MPLS, wire, pkt);
	return DECODE_NOT_IP;
}

/* PPP (DLT 9) and PPP in HDLC-like framing (50, RFC 1662), which may also
 * hold Cisco HDLC: address and control (ff 03) are optional in DLT 9. */
static enum decode_result decode_ppp(struct nl_reader *r, size_t wire, struct packet *pkt)
{
	uint8_t a, c;
	if (nl_peek_u8(r, 0, &a) < 0)
		return DECODE_TRUNCATED;
	if (a == 0x0f || a == 0x8f) {	/* Cisco HDLC: address, control, EtherType */
		nl_reader_skip(r, 2);
		uint16_t type = nl_get_be16(r);
		if (!nl_reader_ok(r))
			return DECODE_TRUNCATED;
		return decode_ethertype(r, type, wire, pkt);
	}
	if (a == 0xff && nl_peek_u8(r, 1, &c) == 0 && c == 0x03)
		nl_reader_skip(r, 2);
	return decode_ppp_proto(r, wire, pkt);
}

/* 802.11 (DLT 105): data frames carrying LLC/SNAP. Management and control
 * frames, frames without a body (null data), encrypted frames and later
 * fragments of an MSDU carry nothing netlens can read. */
static enum decode_result decode_ieee80211(struct nl_reader *r, size_t wire, struct packet *pkt)
{
	const uint8_t *h = nl_get_span(r, 24);
	if (!h)
		return DECODE_TRUNCATED;
	uint8_t fc0 = h[0], fc1 = h[1];
	unsigned type = (fc0 >> 2) & 3, subtype = fc0 >> 4;
	unsigned frag_no = h[22] & 0x0f;
	if ((fc0 & 3) != 0)
		return DECODE_MALFORMED;	/* protocol version 0 is the only one */
	if (type != 2 || (subtype & 0x4) || (fc1 & 0x40) || frag_no)
		return DECODE_NOT_IP;
	size_t more = 0;
	if ((fc1 & 0x03) == 0x03)
		more += 6;		/* to and from DS: a fourth address */
	if (subtype & 0x8) {
		more += 2;		/* QoS control */
		if (fc1 & 0x80)
			more += 4;	/* +HTC: HT control */
	}
	nl_reader_skip(r, more);
	const uint8_t *llc = nl_get_span(r, 8);
	if (!llc)
		return DECODE_TRUNCATED;
	if (llc[0] != 0xaa || llc[1] != 0xaa || llc[2] != 0x03)
		return DECODE_NOT_IP;
	return decode_ethertype(r, nl_span_be16(llc, 6), wire, pkt);
}

/* Radiotap (DLT 127): a little-endian length at offset 2 says where the
 * 802.11 frame starts. */
static enum decode_result decode_radiotap(struct nl_reader *r, size_t wire, struct packet *pkt)
{
	uint8_t version = nl_get_u8(r);
	nl_reader_skip(r, 1);
	uint16_t len = nl_get_le16(r);
	if (!nl_reader_ok(r))
		return DECODE_TRUNCATED;
	if (version != 0 || len < 8)
		return DECODE_MALFORMED;
	if (nl_reader_skip(r, len - 4u) < 0)
		return DECODE_TRUNCATED;
	return decode_ieee80211(r, wire, pkt);
}

/* pflog (DLT 117, OpenBSD and FreeBSD pf): the first byte is the header's
 * length without its padding to four bytes; the IP version nibble then
 * says which IP follows. */
static enum decode_result decode_pflog(struct nl_reader *r, size_t wire, struct packet *pkt)
{
	uint8_t len;
	if (nl_peek_u8(r, 0, &len) < 0)
		return DECODE_TRUNCATED;
	if (len < 4)
		return DECODE_MALFORMED;
	if (nl_reader_skip(r, ((size_t)len + 3) & ~(size_t)3) < 0)
		return DECODE_TRUNCATED;
	return decode_ip(r, wire - nl_reader_offset(r), pkt);
}

/* Linux NFLOG (DLT 239): family, version, resource id, then TLVs whose
 * length and type are in the capturing host's byte order (libpcap turns
 * a file's into this host's) and which are padded to four bytes. Type 9
 * holds the packet from its network header on. */
#define NFLOG_TLV_PAYLOAD 9
static enum decode_result decode_nflog(struct nl_reader *r, struct packet *pkt)
{
	uint8_t version;
	nl_reader_skip(r, 1);		/* address family: the IP header says it again */
	version = nl_get_u8(r);
	nl_reader_skip(r, 2);
	if (!nl_reader_ok(r))
		return DECODE_TRUNCATED;
	if (version != 0)
		return DECODE_MALFORMED;
	while (nl_reader_left(r) > 0) {
		const uint8_t *t = nl_get_span(r, 4);
		if (!t)
			return DECODE_TRUNCATED;
		uint16_t len, type;
		memcpy(&len, t, 2);
		memcpy(&type, t + 2, 2);
		if (len < 4)
			return DECODE_MALFORMED;	/* and each pass moves on by 4 at least */
		size_t body = len - 4u;
		if ((type & 0x7fff) == NFLOG_TLV_PAYLOAD) {
			struct nl_reader sub = nl_reader_sub(r, body);
			return decode_ip(&sub, body, pkt);
		}
		if (nl_reader_skip(r, (body + 3) & ~(size_t)3) < 0)
			return DECODE_TRUNCATED;
	}
	return DECODE_NOT_IP;		/* a log record with no packet */
}

/* Apple's PKTAP (DLT 258 in files; 149, DLT_USER2, as macOS numbers it):
 * a little-endian header of at least 108 bytes naming the packet's own
 * link type and the process that sent or received it (RustNet reads the
 * same fields). */
#define PKTAP_MIN_LEN 108
#define PKTAP_TYPE_PACKET 1
#define PKTAP_OFF_DLT 8
#define PKTAP_OFF_FLAGS 36
#define PKTAP_OFF_PID 52
#define PKTAP_OFF_COMM 56
#define PKTAP_OFF_EPID 84
#define PKTAP_OFF_ECOMM 88
#define PKTAP_COMM_LEN 17	/* MAXCOMLEN + 1 */
#define PKTAP_FLAG_DIR_OUT 0x2

static uint32_t span_le32(const uint8_t *p, size_t off)
{
	return (uint32_t)p[off] | (uint32_t)p[off + 1] << 8 | (uint32_t)p[off + 2] << 16 |
	       (uint32_t)p[off + 3] << 24;
}

static enum decode_result decode_link(int dlt, struct nl_reader *r, size_t wire, struct packet *pkt,
				      int nested);

static void pktap_process(const uint8_t *h, struct packet *pkt)
{
	/* The effective process (the one a daemon acts for) when there is one. */
	uint32_t pid = span_le32(h, PKTAP_OFF_EPID);
	const uint8_t *comm = h + PKTAP_OFF_ECOMM;
	if (pid == 0 || pid > 99999 || !comm[0]) {	/* macOS pids stay under 100 000 */
		pid = span_le32(h, PKTAP_OFF_PID);
		comm = h + PKTAP_OFF_COMM;
	}
	if (pid == 0 || pid > 99999)
		return;
	pkt->proc_pid = pid;
	size_t n = 0;
	while (n < PKTAP_COMM_LEN - 1 && n < sizeof(pkt->proc_comm) - 1 && comm[n])
		n++;
	memcpy(pkt->proc_comm, comm, n);
	pkt->proc_comm[n] = '\0';
	pkt->proc_outgoing = (span_le32(h, PKTAP_OFF_FLAGS) & PKTAP_FLAG_DIR_OUT) != 0;
}

static enum decode_result decode_pktap(struct nl_reader *r, size_t wire, struct packet *pkt)
{
	size_t start = nl_reader_offset(r);
	const uint8_t *fixed = nl_get_span(r, 12);
	if (!fixed)
		return DECODE_TRUNCATED;
	uint32_t len = span_le32(fixed, 0), type = span_le32(fixed, 4), inner = span_le32(fixed, 8);
	if (len < PKTAP_MIN_LEN)
		return DECODE_MALFORMED;
	nl_reader_seek(r, start);
	const uint8_t *h = nl_get_span(r, len);
	if (!h)
		return DECODE_TRUNCATED;
	if (type != PKTAP_TYPE_PACKET)
		return DECODE_NOT_IP;
	pktap_process(h, pkt);
	if (inner > INT32_MAX)
		return DECODE_MALFORMED;
	enum decode_result res = decode_link((int)inner, r, wire, pkt, 1);
	return res == DECODE_UNSUPPORTED_LINK ? DECODE_NOT_IP : res;
}

/* 802.11 behind a capture header of the old Linux drivers: AVS (DLT 163;
 * a big-endian magic 0x8021100N, then the header's own length) or Prism
 * (DLT 119; 144 bytes, unless the frame starts with the AVS magic: the
 * drivers wrote either under one ARPHRD). */
#define AVS_MAGIC_MASK 0xfffffff0u
#define AVS_MAGIC 0x80211000u
#define PRISM_HDR_LEN 144u
static enum decode_result decode_avs_or_prism(struct nl_reader *r, size_t wire, struct packet *pkt,
					      int prism)
{
	size_t start = nl_reader_offset(r);
	uint32_t magic = nl_get_be32(r);
	uint32_t len = nl_get_be32(r);
	if (!nl_reader_ok(r))
		return DECODE_TRUNCATED;
	if ((magic & AVS_MAGIC_MASK) != AVS_MAGIC) {
		if (!prism)
			return DECODE_MALFORMED;
		len = PRISM_HDR_LEN;
	} else if (len < 8) {
		return DECODE_MALFORMED;
	}
	if (nl_reader_seek(r, start) < 0 || nl_reader_skip(r, len) < 0)
		return DECODE_TRUNCATED;
	return decode_ieee80211(r, wire, pkt);
}

/* PPI (DLT 192): version 0, flags, a little-endian length of the header
 * with its fields, and the link type of the frame after it (802.11 or
 * Ethernet, in practice). */
static enum decode_result decode_ppi(struct nl_reader *r, size_t wire, struct packet *pkt)
{
	size_t start = nl_reader_offset(r);
	const uint8_t *h = nl_get_span(r, 8);
	if (!h)
		return DECODE_TRUNCATED;
	uint16_t len = (uint16_t)(h[2] | h[3] << 8);
	uint32_t inner = span_le32(h, 4);
	if (h[0] != 0 || len < 8 || inner > INT32_MAX)
		return DECODE_MALFORMED;
	if (nl_reader_seek(r, start) < 0 || nl_reader_skip(r, len) < 0)
		return DECODE_TRUNCATED;
	enum decode_result res = decode_link((int)inner, r, wire, pkt, 1);
	return res == DECODE_UNSUPPORTED_LINK ? DECODE_NOT_IP : res;
}

/* Frame Relay (DLT 107): a Q.922 address of 2 to 4 bytes (the last with
 * its EA bit set), then RFC 2427's UI control byte, an optional pad byte
 * and an NLPID (IP, IPv6, or SNAP and an EtherType); or, Cisco's way, an
 * EtherType right after the address. */
#define NLPID_IP 0xcc
#define NLPID_IP6 0x8e
#define NLPID_SNAP 0x80
static enum decode_result decode_frelay(struct nl_reader *r, size_t wire, struct packet *pkt)
{
	unsigned alen = 0;
	uint8_t b;
	do {
		if (nl_peek_u8(r, 0, &b) < 0)
			return DECODE_TRUNCATED;
		if (++alen > 4)
			return DECODE_MALFORMED;
		nl_reader_skip(r, 1);
	} while (!(b & 1));
	if (alen < 2)
		return DECODE_MALFORMED;	/* the first byte's EA bit is never set */
	uint8_t control;
	if (nl_peek_u8(r, 0, &control) < 0)
		return DECODE_TRUNCATED;
	if (control != 0x03) {		/* Cisco: an EtherType */
		uint16_t type = nl_get_be16(r);
		if (!nl_reader_ok(r))
			return DECODE_TRUNCATED;
		return decode_ethertype(r, type, wire, pkt);
	}
	nl_reader_skip(r, 1);
	uint8_t nlpid = nl_get_u8(r);
	if (nl_reader_ok(r) && nlpid == 0)
		nlpid = nl_get_u8(r);	/* a pad byte first */
	if (!nl_reader_ok(r))
		return DECODE_TRUNCATED;
	switch (nlpid) {
	case NLPID_IP: case NLPID_IP6:
		return decode_ip(r, wire - nl_reader_offset(r), pkt);
	case NLPID_SNAP: {
		const uint8_t *snap = nl_get_span(r, 5);
		if (!snap)
			return DECODE_TRUNCATED;
		if (snap[0] || snap[1] || snap[2])
			return DECODE_NOT_IP;	/* an organisation's own protocol */
		return decode_ethertype(r, nl_span_be16(snap, 3), wire, pkt);
	}
	default:
		return DECODE_NOT_IP;		/* Q.933 signalling, OSI */
	}
}

/* The link layer of type dlt at r's position (the frame's start); nested:
 * inside another encapsulation's header (PKTAP), which may not nest again. */
static enum decode_result decode_link(int dlt, struct nl_reader *r, size_t wire, struct packet *pkt,
				      int nested)
{
	switch (dlt) {
	case 1: {	/* Ethernet */
		const uint8_t *h = nl_get_span(r, 14);
		if (!h)
			return DECODE_TRUNCATED;
		return decode_ethertype(r, nl_span_be16(h, 12), wire, pkt);
	}
	/* A switch's DSA tag, as libpcap reports a Linux DSA conduit ("eth0" of
	 * an OpenWrt router whose switch tags its frames): Broadcom's 4 bytes
	 * after the MAC addresses (281) or before the frame (282), Marvell's
	 * 4-byte DSA (284) or 8-byte EDSA (285) tag after the MAC addresses. A
	 * Marvell tag stands for an 802.1Q tag too, so the frame's EtherType
	 * follows it whether or not the port tagged the frame. */
	case 281:
	case 284:
	case 285: {
		size_t tag = dlt == 285 ? 8 : 4;
		const uint8_t *h = nl_get_span(r, 12 + tag + 2);
		if (!h)
			return DECODE_TRUNCATED;
		return decode_ethertype(r, nl_span_be16(h, 12 + tag), wire, pkt);
	}
	case 282: {
		const uint8_t *h = nl_get_span(r, 4 + 14);
		if (!h)
			return DECODE_TRUNCATED;
		return decode_ethertype(r, nl_span_be16(h, 4 + 12), wire, pkt);
	}
	case 113: {	/* Linux cooked v1 */
		nl_reader_skip(r, 2);
		uint16_t hatype = nl_get_be16(r);
		nl_reader_skip(r, 10);
		uint16_t proto = nl_get_be16(r);
		if (!nl_reader_ok(r))
			return DECODE_TRUNCATED;
		if (hatype == 824)	/* ARPHRD_NETLINK: not network traffic */
			return DECODE_NOT_IP;
		return decode_ethertype(r, proto, wire, pkt);
	}
	case 276: {	/* Linux cooked v2 */
		uint16_t proto = nl_get_be16(r);
		nl_reader_skip(r, 2);
		uint32_t ifindex = nl_get_be32(r);
		if (nl_reader_ok(r))	/* said even of a packet not decoded: an export files it so */
			pkt->ifindex = ifindex;
		uint16_t hatype = nl_get_be16(r);
		nl_reader_skip(r, 10);
		if (!nl_reader_ok(r))
			return DECODE_TRUNCATED;
		if (hatype == 824)
			return DECODE_NOT_IP;
		return decode_ethertype(r, proto, wire, pkt);
	}
	case 12: case 14: case 101:
		return decode_ip(r, wire - nl_reader_offset(r), pkt);
	case 228: case 229: {
		uint8_t v;
		if (nl_peek_u8(r, 0, &v) < 0)
			return DECODE_TRUNCATED;
		if ((v >> 4) != (dlt == 228 ? 4 : 6))
			return DECODE_MALFORMED;
		return decode_ip(r, wire - nl_reader_offset(r), pkt);
	}
	case 0: case 108: {	/* BSD loopback: a 4-byte address family */
		uint32_t af = dlt == 108 ? nl_get_be32(r) : nl_get_le32(r);
		if (!nl_reader_ok(r))
			return DECODE_TRUNCATED;
		if (dlt == 0 && af > 0xffff)	/* written on a big-endian host */
			af = (af >> 24) | ((af >> 8) & 0xff00) | ((af << 8) & 0xff0000) | (af << 24);
		switch (af) {
		case 2: case 10: case 24: case 28: case 30:
			return decode_ip(r, wire - nl_reader_offset(r), pkt);
		default:
			return DECODE_NOT_IP;
		}
	}
	case 9: case 50:	/* PPP, PPP in HDLC-like framing */
		return decode_ppp(r, wire, pkt);
	case 51:		/* PPPoE session header, then PPP */
		nl_reader_skip(r, 6);
		if (!nl_reader_ok(r))
			return DECODE_TRUNCATED;
		return decode_ppp_proto(r, wire, pkt);
	case 104: {		/* Cisco HDLC */
		nl_reader_skip(r, 2);
		uint16_t type = nl_get_be16(r);
		if (!nl_reader_ok(r))
			return DECODE_TRUNCATED;
		return decode_ethertype(r, type, wire, pkt);
	}
	case 105:
		return decode_ieee80211(r, wire, pkt);
	case 127:
		return decode_radiotap(r, wire, pkt);
	case 117:
		return decode_pflog(r, wire, pkt);
	case 239:
		return decode_nflog(r, pkt);
	case 149: case 258:
		if (nested)
			return DECODE_MALFORMED;
		return decode_pktap(r, wire, pkt);
	case 192:		/* PPI: the frame's own link type after it */
		if (nested)
			return DECODE_MALFORMED;
		return decode_ppi(r, wire, pkt);
	case 119: case 163:	/* Prism, AVS: then 802.11 */
		return decode_avs_or_prism(r, wire, pkt, dlt == 119);
	case 107:
		return decode_frelay(r, wire, pkt);
	case 226: {		/* Solaris ipnet: 24 bytes; its family byte names the IP */
		const uint8_t *h = nl_get_span(r, 24);
		if (!h)
			return DECODE_TRUNCATED;
		if (h[1] != 2 && h[1] != 26)	/* Solaris' AF_INET, AF_INET6 */
			return DECODE_NOT_IP;
		return decode_ip(r, wire - nl_reader_offset(r), pkt);
	}
	case 240: case 241:	/* Hilscher netANALYZER: a 4-byte header (and, transparent,
				 * the preamble and start of frame), then Ethernet */
		if (nl_reader_skip(r, dlt == 240 ? 4 : 12) < 0)
			return DECODE_TRUNCATED;
		return decode_link(1, r, wire, pkt, nested);
	case 242: {		/* IP over InfiniBand: two 20-byte addresses, an EtherType, 2 reserved */
		const uint8_t *h = nl_get_span(r, 44);
		if (!h)
			return DECODE_TRUNCATED;
		return decode_ethertype(r, nl_span_be16(h, 40), wire, pkt);
	}
	default:
		return DECODE_UNSUPPORTED_LINK;
	}
}

enum decode_result decode_packet_general(int dlt, const uint8_t *buf, size_t cap_len,
					  struct packet *pkt)
{
	struct nl_reader r = nl_reader_make(buf, cap_len);
	size_t wire = pkt->wire_len < cap_len ? cap_len : pkt->wire_len;
	return decode_link(dlt, &r, wire, pkt, 0);
}

/* ---- the fast path ----------------------------------------------------------
 * Most frames are untagged Ethernet carrying an unfragmented IPv4 or IPv6
 * (no extension header) TCP or UDP datagram that decodes cleanly. For those
 * the general path above spends most of its time on the reader's
 * bookkeeping. The fast path reads them from a pointer and the captured
 * length, checks every condition under which the general path would
 * decode them differently, fail, or take another branch, and writes
 * nothing unless all hold; otherwise it declines and the general path
 * decodes the frame from its start. It must write exactly what the general
 * path writes (tests/unit/test_decode.c compares the two on mutated
 * frames). */

/* TCP or UDP at l4 (avail bytes captured, l4_len per the IP header): 1 when
 * decode_l4() would return DECODE_OK for an unfragmented datagram. */
static inline int fast_l4_ok(uint8_t ipproto, const uint8_t *l4, size_t avail, uint32_t l4_len)
{
	if (ipproto == IPP_TCP) {
		if (l4_len < 20 || avail < 16)
			return 0;
		uint32_t hlen = (uint32_t)(l4[12] >> 4) * 4;
		return hlen >= 20 && hlen <= l4_len;
	}
	return ipproto == IPP_UDP && l4_len >= 8 && avail >= 8;
}

/* What decode_l4() writes for a datagram fast_l4_ok() accepted. */
static inline void fast_l4_write(uint8_t ipproto, const uint8_t *l4, size_t avail, uint32_t l4_len,
				 struct packet *pkt)
{
	pkt->sport = nl_span_be16(l4, 0);
	pkt->dport = nl_span_be16(l4, 2);
	uint32_t hlen = 8;
	if (ipproto == IPP_TCP) {
		pkt->seq = nl_span_be32(l4, 4);
		pkt->ack = nl_span_be32(l4, 8);
		pkt->tcp_flags = l4[13];
		pkt->window = nl_span_be16(l4, 14);
		hlen = (uint32_t)(l4[12] >> 4) * 4;
		if (avail < hlen) {	/* options cut off by snaplen: no payload */
			pkt->l4_payload_len = l4_len - hlen;
			return;
		}
	}
	pkt->l4_payload_len = l4_len - hlen;
	pkt->payload = l4 + hlen;
	pkt->payload_len = avail - hlen < pkt->l4_payload_len ? avail - hlen : pkt->l4_payload_len;
}

/* IP at ip (cap bytes captured, wire_left on the wire). Returns DECODE_OK
 * having decoded it, or -1: not a frame for the fast path, nothing written. */
static int decode_ip_fast(const uint8_t *ip, size_t cap, size_t wire_left, struct packet *pkt)
{
	if (cap < 40)
		return -1;	/* also covers the 20-byte IPv4 header plus a TCP span */
	if ((ip[0] >> 4) == 4) {
		uint32_t ihl = (uint32_t)(ip[0] & 0x0f) * 4;
		uint32_t len = nl_span_be16(ip, 2);
		uint16_t fo = nl_span_be16(ip, 6);
		uint8_t proto = ip[9];
		if (ihl < 20 || cap < ihl || (fo & 0x3fff) || len < ihl || len > wire_left)
			return -1;	/* len 0 (TSO) fails len < ihl: the general path */
		uint32_t l4_len = len - ihl;
		size_t avail = cap - ihl < l4_len ? cap - ihl : l4_len;
		const uint8_t *l4 = ip + ihl;
		if (!fast_l4_ok(proto, l4, avail, l4_len))
			return -1;
		memcpy(pkt->src, ip + 12, 4);
		memcpy(pkt->dst, ip + 16, 4);
		pkt->family = 4;
		pkt->ipproto = proto;
		pkt->proto = proto == IPP_TCP ? L4_TCP : L4_UDP;
		pkt->ip_len = len;
		pkt->frag_id = nl_span_be16(ip, 4);
		pkt->more_fragments = 0;
		pkt->is_fragment = 0;
		pkt->first_fragment = 1;
		pkt->frag_ipproto = proto;
		fast_l4_write(proto, l4, avail, l4_len, pkt);
		return DECODE_OK;
	}
	if ((ip[0] >> 4) == 6) {
		uint32_t plen = nl_span_be16(ip, 4);
		uint8_t next = ip[6];
		uint32_t len = 40u + plen;
		if (len > wire_left)
			return -1;
		size_t avail = cap - 40 < plen ? cap - 40 : plen;
		const uint8_t *l4 = ip + 40;
		if (!fast_l4_ok(next, l4, avail, plen))
			return -1;	/* extension headers, ICMPv6, ...: the general path */
		memcpy(pkt->src, ip + 8, 16);
		memcpy(pkt->dst, ip + 24, 16);
		pkt->hop_limit = ip[7];
		pkt->family = 6;
		pkt->ip_len = len;
		pkt->ipproto = next;
		pkt->proto = next == IPP_TCP ? L4_TCP : L4_UDP;
		pkt->is_fragment = 0;
		pkt->first_fragment = 1;
		pkt->more_fragments = 0;
		pkt->frag_id = 0;
		fast_l4_write(next, l4, avail, plen, pkt);
		return DECODE_OK;
	}
	return -1;
}

enum decode_result decode_packet(int dlt, const uint8_t *buf, size_t cap_len, struct packet *pkt)
{
	if (dlt == 1 && buf && cap_len >= 14 + 40) {
		uint16_t type = nl_span_be16(buf, 12);
		if (type == ETH_IPV4 || type == ETH_IPV6) {
			size_t wire = pkt->wire_len < cap_len ? cap_len : pkt->wire_len;
			int r = decode_ip_fast(buf + 14, cap_len - 14, wire - 14, pkt);
			if (r >= 0)
				return (enum decode_result)r;
		}
	}
	return decode_packet_general(dlt, buf, cap_len, pkt);
}
