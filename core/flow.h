/*
 * flow.h - one tracked conversation and the bounded table that holds them.
 *
 * A flow is keyed canonically (lower endpoint first) so both directions of
 * a conversation meet in one entry; `src_is_b` says which endpoint is the
 * flow's "source" (the local side when known, else the initiator).
 *
 * Memory: flows live in one slab sized for the cap (--max-flows) but only
 * touched as it fills, linked by 32-bit indices; no allocation per packet.
 * sizeof(struct flow) is held to exactly 192 bytes (checked at compile time
 * in flow_table.c and by a unit test).
 */
#ifndef NETLENS_FLOW_H
#define NETLENS_FLOW_H

#include <stdint.h>
#include <stddef.h>

#include "packet.h"
#include "rate.h"
#include "tcp.h"

#define FLOW_NONE UINT32_MAX	/* the null index */
#define FLOW_KEY_ICMP_ECHO 1	/* key.ipproto of an echo flow: an echo with identifier 0
				 * is not the address pair's other ICMP (errors, ...) */

struct flow_key {
	uint8_t a[16];		/* canonical: endpoint (a, pa) <= (b, pb) */
	uint8_t b[16];
	uint16_t pa, pb;	/* ports; ICMP echo: the identifier on both */
	uint8_t proto;		/* enum l4_proto */
	uint8_t family;		/* 4, 6; 0 for ARP */
	uint8_t ipproto;	/* IP protocol number (L4_OTHER_IP); FLOW_KEY_ICMP_ECHO
				 * for an ICMP echo flow, 0 for other ICMP */
	uint8_t ifc;		/* the interface it was read on: its place in -i's list, 0
				 * with one; with -i any (LINUX_SLL2) the interface's index
				 * (FLOW_IFC_INDEXED for that and above). A conversation
				 * seen on two interfaces (routed, not translated) is a flow
				 * on each, not one counted twice. */
};
#define FLOW_IFC_MAX 8		/* interfaces a capture reads (OPTIONS_MAX_INTERFACES) */
#define FLOW_IFC_INDEXED 255	/* -i any (LINUX_SLL2): ifc is the interface index, up to this */

/* Flow flags. */
enum {
	FLOW_SRC_IS_B = 1 << 0,		/* source endpoint is key.b */
	FLOW_SRC_DECIDED = 1 << 1,	/* source chosen by a strong signal (SYN, locality) */
	FLOW_LOCAL_A = 1 << 2,		/* key.a is one of this machine's addresses */
	FLOW_LOCAL_B = 1 << 3,
	FLOW_CLOSED = 1 << 4,		/* in the history, not the table */
	FLOW_EVICTED = 1 << 5,		/* left the table because it was full */
	FLOW_OWN = 1 << 6,		/* netlens' own traffic (its reverse-DNS queries), known
				 * when the flow is made (tracker_config.is_own) */
	FLOW_DST_INITIATED = 1 << 7,	/* the destination opened it (direction "incoming") */
};

/* Direction of a packet relative to the flow's source. */
enum { DIR_FWD = 0, DIR_REV = 1 };

struct icmp_state {		/* ICMP / ICMPv6 flows */
	uint32_t echo_req_us;	/* time of the last echo request, µs mod 2^32 */
	uint16_t echo_seq;	/* its sequence number */
	uint8_t pending;	/* a request awaits its reply */
	uint8_t requester_b;	/* the echo requester (a request's sender, a reply's
				 * receiver) is key.b: the end whose ping socket owns it */
	uint32_t rtt_us;	/* last echo round trip, 0 = none */
};

struct udp_state {		/* UDP flows */
	uint32_t first_us;	/* its first datagram from the source, µs mod 2^32 */
	uint32_t rtt_us;	/* the first answer's delay after it, 0 = none yet */
	uint32_t idle_timeout_s;/* its dissector's word for it (set_idle_timeout,
				 * ABI 1.4), 0 = the descriptor's */
	uint8_t first_seen;
};

struct arp_state {
	uint8_t mac_a[6], mac_b[6];	/* hardware addresses of key.a / key.b */
};

struct flow {
	/* Cache line 0: what a lookup reads (key, chain) and what every packet
	 * writes first. The slab is 64-byte aligned, so a lookup costs one line
	 * and the other lines are fetched in parallel once the flow is known. */
	struct flow_key key;		/* 40 */
	union {
		uint32_t hash_next;	/* chain in the hash table */
		uint32_t closed_owner;	/* a closed flow rebuilt by history_get():
					 * its owner handle (owners.h) */
	};
	uint32_t wheel_next;		/* doubly linked in a timer-wheel slot, */
	uint64_t last_seen_us;
	uint32_t packets[2];
	/* Cache line 1. */
	uint64_t bytes[2];		/* [DIR_FWD] sent by source, [DIR_REV] received */
	uint64_t first_seen_us;
	uint32_t wheel_prev;		/* ... so a flow moves in O(1) */
	uint32_t dpi;			/* handle of dissector state, 0 = none (owned by
					 * the dissector host) */
	struct rate rate;		/* 20 */
	uint16_t wheel_slot;		/* slot this flow is filed in, WHEEL_NONE if none */
	uint8_t state;			/* per-protocol state, see flow_state_name() */
	uint8_t flags;
	uint8_t icmp_err_type;		/* last ICMP error quoting this flow */
	uint8_t icmp_err_code;
	uint8_t icmp_err_count;		/* saturates at 255 */
	uint8_t dpi_owner;		/* noted by dpi.c (DPI_OWNER_*): 0 = nothing noted */
	uint32_t id;			/* creation serial: order of first packet */
	/* Cache lines 2-3. */
	union {				/* 64 */
		struct tcp_state tcp;
		struct icmp_state icmp;
		struct udp_state udp;
		struct arp_state arp;
	} u;
};

/* Per-protocol states beyond TCP's (TCP states are enum tcp_state_id). */
enum {
	UDP_ACTIVE = 0, UDP_IDLE, UDP_STALE,
};

static inline int flow_dir_of(const struct flow *f, int pkt_from_a)
{
	int src_is_a = !(f->flags & FLOW_SRC_IS_B);
	return pkt_from_a == src_is_a ? DIR_FWD : DIR_REV;
}

/* The source and destination endpoints as presented in records. */
static inline const uint8_t *flow_src_addr(const struct flow *f)
{ return (f->flags & FLOW_SRC_IS_B) ? f->key.b : f->key.a; }
static inline const uint8_t *flow_dst_addr(const struct flow *f)
{ return (f->flags & FLOW_SRC_IS_B) ? f->key.a : f->key.b; }
static inline uint16_t flow_src_port(const struct flow *f)
{ return (f->flags & FLOW_SRC_IS_B) ? f->key.pb : f->key.pa; }
static inline uint16_t flow_dst_port(const struct flow *f)
{ return (f->flags & FLOW_SRC_IS_B) ? f->key.pa : f->key.pb; }

/* A flow's bytes per second in direction dir: over the rate window, or
 * over its age while it is younger (rate_get_since). */
static inline double flow_rate(const struct flow *f, uint64_t now_us, int dir)
{ return rate_get_since(&f->rate, now_us, dir, f->first_seen_us); }

/* A flow's part of a total rate (a process's, a group's): its bytes in the
 * rate window over the whole window, whatever its age. Rates over each
 * flow's own age do not add up: ten 1 s old transfers of 1 MB are 10 MB/s
 * that way, where 10 MB came in the window. */
static inline double flow_rate_share(const struct flow *f, uint64_t now_us, int dir)
{ return rate_get(&f->rate, now_us, dir); }

#endif
