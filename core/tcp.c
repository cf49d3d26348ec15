/*
 * tcp.c - TCP state machine and analytics, seen from the flow's source.
 *
 * States and transitions follow RustNet (reference §2.3 S1-S3) with one
 * refinement: a FIN from the peer while in FIN_WAIT1 that also acknowledges
 * our FIN goes straight to TIME_WAIT (the usual FIN/ACK close), where
 * RustNet would show CLOSING.
 *
 * Analytics follow Wireshark's TCP sequence analysis, because tshark is the
 * oracle the tests compare with:
 *  - a segment whose payload the peer has already acknowledged is a
 *    spurious retransmission (counted as a retransmission), even when it is
 *    above every sequence seen in its direction (the capture missed the
 *    original), unless it is a keep-alive;
 *  - otherwise a segment that carries data (or SYN/FIN) but does not
 *    advance the highest sequence seen in its direction (data starting one
 *    below it after a one-byte zero-window probe does advance it) is, in
 *    this order: a keep-alive (not counted); a fast
 *    retransmission (the peer has sent >= 2 duplicate ACKs for exactly this
 *    sequence, and - Wireshark's 20 ms rule - the flow's previous packet is
 *    less than 20 ms old: the peer's last ACK cannot be later than it, so a
 *    timeout retransmission after silence is not "fast"; also counted as a
 *    retransmission); out of order (it arrived
 *    within the handshake RTT - 3 ms when unknown - of the segment that
 *    advanced the sequence, and does not end where that one ended); else a
 *    retransmission.
 *  - a duplicate ACK is a pure ACK at the next sequence of its direction
 *    (so not a keep-alive) repeating the previous ACK number and window of
 *    its direction, unless it answers a keep-alive.
 *  - handshake RTT: first SYN to the ACK that completes the handshake.
 *  - smoothed RTT: one probe at a time on data sent by the source, completed
 *    by an ACK covering it; srtt = 7/8 srtt + 1/8 sample; a retransmission
 *    cancels the probe (Karn); a probe unanswered for 10 s is replaced.
 * Sequence comparisons use RFC 1982 serial arithmetic.
 */
#include "config.h"

#include "tcp.h"
#include "packet.h"

#define OOO_DEFAULT_THRESHOLD_US 3000u
#define FAST_RETRANS_WINDOW_US 20000u	/* Wireshark's: after the peer's last ACK */
#define PROBE_MAX_AGE_US 10000000u

static int seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static int seq_geq(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }

static const char *const state_names[TCP_STATE_COUNT] = {
	[TCP_UNKNOWN] = "UNKNOWN", [TCP_SYN_SENT] = "SYN_SENT",
	[TCP_SYN_RECV] = "SYN_RECV", [TCP_ESTABLISHED] = "ESTABLISHED",
	[TCP_FIN_WAIT1] = "FIN_WAIT1", [TCP_FIN_WAIT2] = "FIN_WAIT2",
	[TCP_TIME_WAIT] = "TIME_WAIT", [TCP_CLOSE_WAIT] = "CLOSE_WAIT",
	[TCP_LAST_ACK] = "LAST_ACK", [TCP_CLOSING] = "CLOSING",
	[TCP_CLOSED] = "CLOSED",
};

const char *tcp_state_name(enum tcp_state_id s)
{
	return (unsigned)s < TCP_STATE_COUNT ? state_names[s] : "UNKNOWN";
}

/* Does an ACK from the destination cover the source's FIN? When the FIN's
 * sequence is unknown (mid-stream pickup) any ACK is taken to. */
static int acks_source_fin(const struct tcp_state *t, const struct tcp_segment *seg)
{
	const struct tcp_dir *src = &t->d[0];
	if (!(seg->flags & TCP_ACK))
		return 0;
	if (!(src->flags & TCPD_SEQ_KNOWN))
		return 1;
	return seq_geq(seg->ack, src->next_seq);
}

static inline enum tcp_state_id next_state(enum tcp_state_id cur, const struct tcp_state *t,
				 const struct tcp_segment *seg)
{
	const int out = seg->dir == 0;
	const uint8_t f = seg->flags;
	const int syn = f & TCP_SYN, ack = f & TCP_ACK, fin = f & TCP_FIN;

	if (f & TCP_RST)
		return TCP_CLOSED;

	switch (cur) {
	case TCP_UNKNOWN:
		if (syn && !ack)
			return out ? TCP_SYN_SENT : TCP_SYN_RECV;
		if (syn && ack)
			return out ? TCP_SYN_RECV : TCP_ESTABLISHED;
		if (fin)
			return out ? TCP_FIN_WAIT1 : TCP_CLOSE_WAIT;
		if (ack)
			return TCP_ESTABLISHED;	/* mid-stream pickup */
		return cur;
	case TCP_SYN_SENT:
		if (!out && syn)
			return ack ? TCP_ESTABLISHED : TCP_SYN_RECV;
		if (out && ack && !syn)
			return TCP_ESTABLISHED;	/* the SYN/ACK was not captured */
		return cur;
	case TCP_SYN_RECV:
		if (fin)
			return out ? TCP_FIN_WAIT1 : TCP_CLOSE_WAIT;
		if (ack && !syn)
			return TCP_ESTABLISHED;
		return cur;
	case TCP_ESTABLISHED:
		if (fin)
			return out ? TCP_FIN_WAIT1 : TCP_CLOSE_WAIT;
		return cur;
	case TCP_FIN_WAIT1:
		if (!out && fin)
			return acks_source_fin(t, seg) ? TCP_TIME_WAIT : TCP_CLOSING;
		if (!out && acks_source_fin(t, seg))
			return TCP_FIN_WAIT2;
		return cur;
	case TCP_FIN_WAIT2:
		if (!out && fin)
			return TCP_TIME_WAIT;
		return cur;
	case TCP_CLOSING:
		if (!out && acks_source_fin(t, seg))
			return TCP_TIME_WAIT;
		return cur;
	case TCP_CLOSE_WAIT:
		if (out && fin)
			return TCP_LAST_ACK;
		return cur;
	case TCP_LAST_ACK:
		if (!out && acks_source_fin(t, seg))
			return TCP_CLOSED;
		return cur;
	default:
		return cur;
	}
}

uint32_t tcp_rtt_us(const struct tcp_state *t)
{
	return t->srtt_us ? t->srtt_us : t->irtt_us;
}

static void count(uint32_t *flow_counter, uint64_t *total)
{
	if (*flow_counter != UINT32_MAX)
		(*flow_counter)++;
	if (total)
		(*total)++;
}

void tcp_analyze(struct tcp_state *t, const struct tcp_segment *seg, struct tcp_totals *tot)
{
	struct tcp_dir *d = &t->d[seg->dir];
	struct tcp_dir *rv = &t->d[!seg->dir];
	uint8_t *cflags = &t->d[0].flags;	/* connection-wide flags */
	const uint8_t f = seg->flags;
	const uint32_t now = (uint32_t)seg->ts_us;
	const uint32_t seglen = seg->len + ((f & TCP_SYN) ? 1 : 0) + ((f & TCP_FIN) ? 1 : 0);
	const uint32_t end = seg->seq + seglen;
	int retransmitted = 0;
	/* How long ago the peer last sent: a fast retransmission answers its
	 * duplicate ACKs within 20 ms of the last (Wireshark's rule; not of
	 * the flow's previous packet, which may be the sender's own new data).
	 * The flow's previous packet, when the peer's, is that; else the peer
	 * sent last before the current run of this side's segments began. */
	uint8_t *last = &t->d[1].flags;
	const int peer_was_last = ((*last & TCPS_LAST_FROM_DST) != 0) == (seg->dir == 0);
	const uint32_t peer_ago_us = peer_was_last ? (uint32_t)(seg->ts_us - seg->prev_us)
				     : (uint32_t)(uint16_t)((uint16_t)(seg->ts_us >> 10) - t->peer_ms) << 10;
	if (peer_was_last)	/* a run of this side begins: the peer's last is the previous */
		t->peer_ms = (uint16_t)(seg->prev_us >> 10);
	if (seg->dir)
		*last |= TCPS_LAST_FROM_DST;
	else
		*last &= (uint8_t)~TCPS_LAST_FROM_DST;

	/* Handshake RTT: the latest SYN → the initiator's first pure ACK after
	 * the SYN/ACK (Wireshark's: a SYN retransmitted after a second's
	 * timeout is the one answered, and 1 s more would also make every
	 * later retransmission look out of order, that RTT being its bound). */
	if ((f & (TCP_SYN | TCP_ACK)) == TCP_SYN) {
		if (!(*cflags & TCPS_SYNACK_SEEN) && !t->irtt_us) {
			*cflags |= TCPS_HANDSHAKE;
			*cflags &= (uint8_t)~TCPS_PROBE_ARMED;
			t->probe_us = now;
		}
		d->flags |= TCPD_SYN;
	} else if ((f & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK)) {
		*cflags |= TCPS_SYNACK_SEEN;
	} else if ((f & TCP_ACK) && (*cflags & TCPS_HANDSHAKE) && (*cflags & TCPS_SYNACK_SEEN) &&
		   (d->flags & TCPD_SYN)) {
		uint32_t rtt = now - t->probe_us;
		t->irtt_us = rtt ? rtt : 1;
		*cflags &= (uint8_t)~TCPS_HANDSHAKE;
	}
	if (f & TCP_FIN)
		d->flags |= TCPD_FIN;

	/* A keep-alive (zero or one byte, one below the next sequence) is not a
	 * retransmission, and the peer's ACK of it is not a duplicate ACK. */
	const int keepalive = (d->flags & TCPD_SEQ_KNOWN) && seg->len <= 1 &&
			      !(f & (TCP_SYN | TCP_FIN | TCP_RST)) && seg->seq == d->next_seq - 1;
	if (keepalive)
		d->flags |= TCPD_KEEPALIVE;
	else if (seglen > 0)
		d->flags &= (uint8_t)~TCPD_KEEPALIVE;

	/* Sequence analysis. */
	if (!(d->flags & TCPD_SEQ_KNOWN)) {
		d->next_seq = end;
		d->last_seg_us = now;
		d->flags |= TCPD_SEQ_KNOWN;
	} else if (seglen > 0 && !(f & TCP_RST)) {
		/* Data at one below the next sequence after a one-byte (zero
		 * window) probe adds data: not "not advanced" (Wireshark's rule). */
		const int not_advanced = seq_lt(seg->seq, d->next_seq) &&
					 !(seg->len > 1 && seg->seq == d->next_seq - 1);
		/* Spurious: payload the peer had already acknowledged, even when
		 * it is above every sequence seen (the capture missed the
		 * original): Wireshark checks this whether or not the
		 * segment advances the sequence. */
		const int spurious = seg->len > 0 && (rv->flags & TCPD_ACK_KNOWN) &&
				     seq_geq(rv->last_ack, seg->seq + seg->len);
		if (!keepalive && (spurious || not_advanced)) {
			uint32_t thresh = t->irtt_us ? t->irtt_us : OOO_DEFAULT_THRESHOLD_US;
			if (spurious) {
				count(&t->retransmits, tot ? &tot->retransmits : NULL);
				retransmitted = 1;
			} else if (rv->dup_acks >= 2 && (rv->flags & TCPD_ACK_KNOWN) &&
				   rv->last_ack == seg->seq && peer_ago_us < FAST_RETRANS_WINDOW_US) {
				if (t->fast_retransmits != UINT16_MAX)
					t->fast_retransmits++;
				if (tot)
					tot->fast_retransmits++;
				count(&t->retransmits, tot ? &tot->retransmits : NULL);
				retransmitted = 1;
			} else if (now - d->last_seg_us < thresh && end != d->next_seq) {
				count(&t->out_of_order, tot ? &tot->out_of_order : NULL);
			} else {
				count(&t->retransmits, tot ? &tot->retransmits : NULL);
				retransmitted = 1;
			}
		}
		if (seq_lt(d->next_seq, end)) {
			d->next_seq = end;
			d->last_seg_us = now;
		}
	} else if (seglen == 0 && !(f & TCP_RST) && seq_lt(d->next_seq, seg->seq)) {
		/* A pure ACK above the next sequence: data the capture missed
		 * went before it. Wireshark moves on to it too, or every later
		 * duplicate ACK (at this sequence) would go uncounted; and the
		 * time with it: the missed data's late copies are out of order
		 * against this moment, not against the last data seen. */
		d->next_seq = seg->seq;
		d->last_seg_us = now;
	}

	/* Duplicate ACKs and RTT probe completion. A duplicate sits at the next
	 * sequence (Wireshark's rule), so a keep-alive, one below it, repeating
	 * the last ACK is none; an ACK answering the peer's keep-alive repeats
	 * the last ACK too, and is none either. */
	if ((f & TCP_ACK) && !(f & TCP_RST)) {
		if ((d->flags & TCPD_ACK_KNOWN) && seglen == 0 && !(f & (TCP_SYN | TCP_FIN)) &&
		    seg->seq == d->next_seq &&
		    seg->ack == d->last_ack && seg->window == d->last_win && seg->window != 0 &&
		    !(rv->flags & TCPD_KEEPALIVE)) {
			if (d->dup_acks != UINT8_MAX)
				d->dup_acks++;
			count(&t->dup_acks, tot ? &tot->dup_acks : NULL);
		} else if (!(d->flags & TCPD_ACK_KNOWN) || seg->ack != d->last_ack) {
			d->dup_acks = 0;
		}
		d->last_ack = seg->ack;
		d->last_win = seg->window;
		d->flags |= TCPD_ACK_KNOWN;

		if (seg->dir == 1 && (*cflags & TCPS_PROBE_ARMED) && seq_geq(seg->ack, t->probe_end)) {
			uint32_t sample = now - t->probe_us;
			if (!sample)
				sample = 1;
			t->srtt_us = t->srtt_us ? (uint32_t)(((uint64_t)t->srtt_us * 7 + sample) / 8) : sample;
			*cflags &= (uint8_t)~TCPS_PROBE_ARMED;
		}
	}

	/* Arm a probe on new data from the source. */
	if (seg->dir == 0 && seg->len > 0 && !(*cflags & TCPS_HANDSHAKE)) {
		if (retransmitted) {
			*cflags &= (uint8_t)~TCPS_PROBE_ARMED;	/* Karn's rule */
		} else if (!(*cflags & TCPS_PROBE_ARMED) || now - t->probe_us > PROBE_MAX_AGE_US) {
			t->probe_end = end;
			t->probe_us = now;
			*cflags |= TCPS_PROBE_ARMED;
		}
	}
}

enum tcp_state_id tcp_next_state(enum tcp_state_id cur, const struct tcp_state *t,
				 const struct tcp_segment *seg)
{
	return next_state(cur, t, seg);
}

/* The state machine inlined after the analysis: one call a segment, not two. */
uint8_t tcp_segment_in(struct tcp_state *t, uint8_t state, const struct tcp_segment *seg,
		       struct tcp_totals *tot)
{
	tcp_analyze(t, seg, tot);
	return (uint8_t)next_state((enum tcp_state_id)state, t, seg);
}
