/* packet.h - one decoded packet: what decode() found, in host byte order.
 * Holds no copy of the packet; `payload` borrows the capture buffer and is
 * valid only for the duration of the capture callback. */
#ifndef NETLENS_PACKET_H
#define NETLENS_PACKET_H

#include <stdint.h>
#include <stddef.h>

/* The protocols a flow can be keyed on. Values are stable: they appear in
 * snapshots. */
enum l4_proto {
	L4_NONE = 0,
	L4_TCP,
	L4_UDP,
	L4_ICMP,
	L4_ICMPV6,
	L4_ARP,
	L4_OTHER_IP,	/* any other IP protocol (GRE, ESP, SCTP, IGMP, ...) */
};

/* What decode() concluded about a packet. */
enum decode_result {
	DECODE_OK = 0,		/* a flow-bearing packet; fields are valid */
	DECODE_NOT_IP,		/* a well-formed frame with nothing we track (LLDP, STP, ...) */
	DECODE_UNSUPPORTED_LINK,/* link type netlens cannot read */
	DECODE_TRUNCATED,	/* ran out of captured bytes before the headers ended */
	DECODE_MALFORMED,	/* headers contradict themselves */
};

#define TCP_FIN 0x01
#define TCP_SYN 0x02
#define TCP_RST 0x04
#define TCP_PSH 0x08
#define TCP_ACK 0x10
#define TCP_URG 0x20
#define TCP_ECE 0x40
#define TCP_CWR 0x80

/* ICMP message classes, shared by v4 and v6. */
enum icmp_kind {
	ICMP_KIND_OTHER = 0,
	ICMP_KIND_ECHO_REQUEST,
	ICMP_KIND_ECHO_REPLY,
	ICMP_KIND_DEST_UNREACH,
	ICMP_KIND_TIME_EXCEEDED,
	ICMP_KIND_PACKET_TOO_BIG,
	ICMP_KIND_PARAM_PROBLEM,
	ICMP_KIND_REDIRECT,
	ICMP_KIND_ROUTER_SOLICIT,
	ICMP_KIND_ROUTER_ADVERT,
	ICMP_KIND_NEIGHBOR_SOLICIT,
	ICMP_KIND_NEIGHBOR_ADVERT,
	ICMP_KIND_MLD,
};

/* The transport header an ICMP error quotes. */
struct quoted_flow {
	uint8_t valid;
	uint8_t family;		/* 4 or 6 */
	uint8_t proto;		/* enum l4_proto */
	uint8_t ipproto;	/* IP protocol number */
	uint8_t src[16], dst[16];
	uint16_t sport, dport;
};

struct packet {
	uint64_t ts_us;		/* capture time, microseconds since the epoch */
	uint32_t wire_len;	/* original frame length (pcap len) */
	uint32_t cap_len;	/* captured length */

	uint8_t proto;		/* enum l4_proto */
	uint8_t family;		/* 4, 6; 0 for ARP */
	uint8_t ipproto;	/* IP protocol number (for L4_OTHER_IP) */
	uint8_t is_fragment;	/* part of a fragmented datagram */
	uint8_t first_fragment;	/* offset 0 (carries the transport header) */
	uint8_t more_fragments;
	uint16_t vlan_depth;	/* 802.1Q/802.1ad tags stripped */
	uint32_t frag_id;	/* IPv4 id or IPv6 fragment identification */
	uint8_t frag_ipproto;	/* protocol as every fragment states it (IPv4 header,
				 * IPv6 fragment header): the fragment table's key */

	uint8_t src[16], dst[16];	/* IPv4 in the first 4 bytes, rest zero */
	uint16_t sport, dport;

	uint32_t ip_len;	/* bytes counted: IP datagram length as on the wire */

	/* TCP */
	uint8_t tcp_flags;
	uint32_t seq, ack;
	uint16_t window;
	uint32_t l4_payload_len;	/* payload length per the headers (not capture) */
	/* Set by the tracker for a TCP segment with payload, before it updates
	 * the flow: with data_from_known, the sequence number this side's data
	 * begins at, as its SYN (or SYN/ACK) told and no data has moved it yet,
	 * else where its data had got to. For the dissectors' streams: the
	 * first data to come may be a later segment (reordered, or the first
	 * lost and sent again). */
	uint32_t data_from;
	uint8_t data_from_known;

	/* ICMP / ICMPv6 */
	uint8_t icmp_type, icmp_code, icmp_kind;
	uint16_t icmp_id, icmp_seq;
	struct quoted_flow quoted;	/* set for errors that quote a header */

	/* ARP */
	uint16_t arp_op;		/* 1 request, 2 reply */
	uint8_t arp_sha[6], arp_tha[6];

	/* ICMPv6 neighbour discovery (RFC 4861), for the neighbour cache: a
	 * solicitation's source link-layer address (its sender is src) or an
	 * advertisement's target link-layer address (for nd_target), in
	 * nd_lladdr below. */
	uint8_t nd_has_lladdr;
	uint8_t hop_limit;		/* IPv6 hop limit (255: sent on this link) */
	uint8_t ifc;			/* the capture interface's place in -i's list (flow_key.ifc) */
	uint32_t ifindex;		/* LINUX_SLL2 (-i any): the interface it crossed; 0 = not said */

	/* The process the capture itself names (Apple's PKTAP header), 0 = none. */
	uint32_t proc_pid;
	char proc_comm[16];	/* its command name, NUL-terminated, unsanitised */
	uint8_t proc_outgoing;	/* the header says the packet was sent */
	uint8_t l4_cut;		/* the transport header is cut by the snapshot
				 * length: only its ports (ICMP: type, code) are
				 * known; counted, not analysed or inspected */
	/* A fragment's part of its datagram (is_fragment): its data starts
	 * frag_offset bytes into the datagram's payload (the part after the
	 * IPv4 header or the IPv6 fragment header), is frag_len bytes long per
	 * the IP header, frag_caplen of them captured at frag_data (borrowed). */
	uint32_t frag_offset;
	uint32_t frag_len, frag_caplen;
	const uint8_t *frag_data;
	/* Transport payload actually captured, borrowed from the capture buffer. */
	const uint8_t *payload;
	size_t payload_len;
	/* Valid only with nd_has_lladdr (so not cleared for every packet). */
	uint8_t nd_lladdr[6];
	uint8_t nd_target[16];
};

/* An address naming many receivers: IPv4 multicast or the limited
 * broadcast, IPv6 multicast (a subnet's directed broadcast needs its
 * mask: platform's local_addrs_is_broadcast). Such an address never
 * sends. a as in struct packet: IPv4 in its first 4 bytes. */
static inline int addr_is_group(int family, const uint8_t *a)
{
	if (family == 6)
		return a[0] == 0xff;
	return (a[0] >= 224 && a[0] <= 239) ||
	       (a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255);
}

#endif
