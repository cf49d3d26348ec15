/*
 * tcp.h - TCP connection state (seen from the flow's source side) and
 * analytics: retransmissions, out-of-order segments, duplicate ACKs, fast
 * retransmissions, handshake and smoothed RTT.
 */
#ifndef NETLENS_TCP_H
#define NETLENS_TCP_H

#include <stdint.h>

#include "packet.h"	/* TCP_* flags */

enum tcp_state_id {
	TCP_UNKNOWN = 0, TCP_SYN_SENT, TCP_SYN_RECV, TCP_ESTABLISHED,
	TCP_FIN_WAIT1, TCP_FIN_WAIT2, TCP_TIME_WAIT, TCP_CLOSE_WAIT,
	TCP_LAST_ACK, TCP_CLOSING, TCP_CLOSED,
	TCP_STATE_COUNT
};

/* Per-direction sequence tracking; index 0 = sent by source, 1 = by destination. */
struct tcp_dir {
	uint32_t next_seq;	/* highest seq + len seen (RFC 1982 order) */
	uint32_t last_ack;	/* last ACK number this side sent */
	uint32_t last_seg_us;	/* time of its last data segment, µs mod 2^32 */
	uint16_t last_win;	/* last window it advertised */
	uint8_t dup_acks;	/* current run of duplicate ACKs (saturating) */
	uint8_t flags;		/* TCPD_* */
};

enum {
	TCPD_SEQ_KNOWN = 1 << 0,	/* next_seq is valid */
	TCPD_ACK_KNOWN = 1 << 1,	/* last_ack is valid */
	TCPD_FIN = 1 << 2,		/* this side sent a FIN */
	TCPD_SYN = 1 << 3,		/* this side sent a SYN */
	TCPD_KEEPALIVE = 1 << 4,	/* its last segment was a keep-alive */
	/* Connection-wide flags, kept in d[0].flags so a flow stays at 192
	 * bytes: */
	TCPS_PROBE_ARMED = 1 << 5,	/* an RTT probe is outstanding */
	TCPS_HANDSHAKE = 1 << 6,	/* timing SYN → first ACK (probe_us = SYN time) */
	TCPS_SYNACK_SEEN = 1 << 7,	/* the SYN/ACK of the handshake was seen */
	/* ... and in d[1].flags: */
	TCPS_LAST_FROM_DST = 1 << 5,	/* the flow's last segment came from the destination */
};

struct tcp_state {
	struct tcp_dir d[2];		/* 32 */
	uint32_t retransmits;
	uint32_t out_of_order;
	uint16_t fast_retransmits;	/* saturates at 65 535 */
	uint16_t peer_ms;		/* when the side opposite the current run of one
					 * side's segments last sent, in 1.024 ms units mod
					 * 2^16: Wireshark times a fast retransmission from
					 * the peer's last ACK */
	uint32_t dup_acks;
	uint32_t probe_end;		/* RTT probe: ACK >= this completes it */
	uint32_t probe_us;		/* probe start (µs mod 2^32); SYN time while in handshake */
	uint32_t srtt_us;		/* smoothed data RTT, 0 = none */
	uint32_t irtt_us;		/* handshake RTT (SYN → first ACK), 0 = none */
};

/* One TCP segment as the tracker hands it over. */
struct tcp_segment {
	int dir;		/* 0 = from source, 1 = from destination */
	uint8_t flags;
	uint32_t seq, ack;
	uint16_t window;
	uint32_t len;		/* payload length per the headers */
	uint64_t ts_us;
	uint64_t prev_us;	/* time of the flow's previous packet (either way) */
};

/* Global counters a tracker keeps alongside the per-flow ones. */
struct tcp_totals {
	uint64_t retransmits, out_of_order, fast_retransmits, dup_acks;
};

/* Returns the state after seg, given state `cur` seen from the source. */
enum tcp_state_id tcp_next_state(enum tcp_state_id cur, const struct tcp_state *t,
				 const struct tcp_segment *seg);

/* Updates analytics with seg; adds what it counted to totals (may be NULL). */
void tcp_analyze(struct tcp_state *t, const struct tcp_segment *seg, struct tcp_totals *totals);

/* Both for one segment, in one call (the tracker's per-packet path):
 * returns the state after seg. */
uint8_t tcp_segment_in(struct tcp_state *t, uint8_t state, const struct tcp_segment *seg,
		       struct tcp_totals *totals);

/* True for states from which the connection is closing or closed. */
static inline int tcp_state_is_closing(enum tcp_state_id s)
{
	switch (s) {
	case TCP_FIN_WAIT1: case TCP_FIN_WAIT2: case TCP_TIME_WAIT:
	case TCP_CLOSE_WAIT: case TCP_LAST_ACK: case TCP_CLOSING: case TCP_CLOSED:
		return 1;
	default:
		return 0;
	}
}

/* True when a SYN on a flow in state s must start a new flow (S9). */
static inline int tcp_syn_starts_new_generation(enum tcp_state_id s, uint8_t flags)
{
	return (flags & (TCP_SYN | TCP_ACK | TCP_RST)) == TCP_SYN && tcp_state_is_closing(s);
}

const char *tcp_state_name(enum tcp_state_id s);

/* Best RTT estimate in µs: smoothed data RTT, else handshake RTT; 0 = none. */
uint32_t tcp_rtt_us(const struct tcp_state *t);

#endif
