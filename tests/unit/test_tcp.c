/* test_tcp.c - TCP state machine and analytics (core/tcp.c). */
#include "config.h"

#include "unit.h"

#include "packet.h"
#include "tcp.h"

#define OUT 0
#define IN 1

static struct tcp_segment seg(int dir, uint8_t flags, uint32_t seq, uint32_t ack, uint16_t win,
			      uint32_t len, uint64_t ts)
{
	struct tcp_segment s = { .dir = dir, .flags = flags, .seq = seq, .ack = ack,
				 .window = win, .len = len, .ts_us = ts };
	return s;
}

/* ---- state machine ---------------------------------------------------------- */

#define S_FIN_SEQ 1000u		/* the source's FIN is at 1000: 1001 acknowledges it */

struct transition {
	enum tcp_state_id from;
	int dir;
	uint8_t flags;
	uint32_t ack;
	enum tcp_state_id to;
};

#define FA (TCP_FIN | TCP_ACK)
#define SA (TCP_SYN | TCP_ACK)
#define PA (TCP_PSH | TCP_ACK)

static const struct transition transitions[] = {
	/* UNKNOWN: mid-stream pickups and handshakes seen from either side */
	{ TCP_UNKNOWN, OUT, TCP_SYN, 0, TCP_SYN_SENT },
	{ TCP_UNKNOWN, IN, TCP_SYN, 0, TCP_SYN_RECV },
	{ TCP_UNKNOWN, OUT, SA, 1, TCP_SYN_RECV },
	{ TCP_UNKNOWN, IN, SA, 1, TCP_ESTABLISHED },
	{ TCP_UNKNOWN, OUT, FA, 1, TCP_FIN_WAIT1 },
	{ TCP_UNKNOWN, IN, FA, 1, TCP_CLOSE_WAIT },
	{ TCP_UNKNOWN, OUT, TCP_FIN, 0, TCP_FIN_WAIT1 },
	{ TCP_UNKNOWN, OUT, TCP_ACK, 1, TCP_ESTABLISHED },
	{ TCP_UNKNOWN, IN, PA, 1, TCP_ESTABLISHED },
	{ TCP_UNKNOWN, OUT, 0, 0, TCP_UNKNOWN },
	{ TCP_UNKNOWN, IN, TCP_PSH, 0, TCP_UNKNOWN },
	/* SYN_SENT */
	{ TCP_SYN_SENT, IN, SA, 1, TCP_ESTABLISHED },
	{ TCP_SYN_SENT, IN, TCP_SYN, 0, TCP_SYN_RECV },		/* simultaneous open */
	{ TCP_SYN_SENT, OUT, TCP_ACK, 1, TCP_ESTABLISHED },	/* SYN/ACK not captured */
	{ TCP_SYN_SENT, OUT, TCP_SYN, 0, TCP_SYN_SENT },	/* SYN retransmitted */
	{ TCP_SYN_SENT, IN, TCP_ACK, 1, TCP_SYN_SENT },
	{ TCP_SYN_SENT, OUT, SA, 1, TCP_SYN_SENT },
	/* SYN_RECV */
	{ TCP_SYN_RECV, OUT, TCP_ACK, 1, TCP_ESTABLISHED },
	{ TCP_SYN_RECV, IN, TCP_ACK, 1, TCP_ESTABLISHED },
	{ TCP_SYN_RECV, OUT, FA, 1, TCP_FIN_WAIT1 },
	{ TCP_SYN_RECV, IN, FA, 1, TCP_CLOSE_WAIT },
	{ TCP_SYN_RECV, IN, SA, 1, TCP_SYN_RECV },
	{ TCP_SYN_RECV, OUT, TCP_SYN, 0, TCP_SYN_RECV },
	/* ESTABLISHED */
	{ TCP_ESTABLISHED, OUT, FA, 1, TCP_FIN_WAIT1 },
	{ TCP_ESTABLISHED, IN, FA, 1, TCP_CLOSE_WAIT },
	{ TCP_ESTABLISHED, OUT, PA, 1, TCP_ESTABLISHED },
	{ TCP_ESTABLISHED, IN, TCP_ACK, 1, TCP_ESTABLISHED },
	{ TCP_ESTABLISHED, OUT, TCP_SYN, 0, TCP_ESTABLISHED },
	/* FIN_WAIT1: our FIN is out */
	{ TCP_FIN_WAIT1, IN, FA, S_FIN_SEQ + 1, TCP_TIME_WAIT },	/* FIN acking our FIN */
	{ TCP_FIN_WAIT1, IN, FA, S_FIN_SEQ, TCP_CLOSING },		/* FIN not acking it */
	{ TCP_FIN_WAIT1, IN, TCP_FIN, 0, TCP_CLOSING },		/* FIN without ACK */
	{ TCP_FIN_WAIT1, IN, TCP_ACK, S_FIN_SEQ + 1, TCP_FIN_WAIT2 },
	{ TCP_FIN_WAIT1, IN, TCP_ACK, S_FIN_SEQ + 5000, TCP_FIN_WAIT2 },
	{ TCP_FIN_WAIT1, IN, TCP_ACK, S_FIN_SEQ, TCP_FIN_WAIT1 },
	{ TCP_FIN_WAIT1, OUT, TCP_ACK, 1, TCP_FIN_WAIT1 },
	{ TCP_FIN_WAIT1, OUT, FA, 1, TCP_FIN_WAIT1 },
	/* FIN_WAIT2 */
	{ TCP_FIN_WAIT2, IN, FA, S_FIN_SEQ + 1, TCP_TIME_WAIT },
	{ TCP_FIN_WAIT2, IN, TCP_ACK, S_FIN_SEQ + 1, TCP_FIN_WAIT2 },
	{ TCP_FIN_WAIT2, OUT, TCP_ACK, 1, TCP_FIN_WAIT2 },
	{ TCP_FIN_WAIT2, OUT, FA, 1, TCP_FIN_WAIT2 },
	/* CLOSING */
	{ TCP_CLOSING, IN, TCP_ACK, S_FIN_SEQ + 1, TCP_TIME_WAIT },
	{ TCP_CLOSING, IN, TCP_ACK, S_FIN_SEQ, TCP_CLOSING },
	{ TCP_CLOSING, OUT, TCP_ACK, 1, TCP_CLOSING },
	/* CLOSE_WAIT: the peer's FIN came first */
	{ TCP_CLOSE_WAIT, OUT, FA, 1, TCP_LAST_ACK },
	{ TCP_CLOSE_WAIT, OUT, TCP_ACK, 1, TCP_CLOSE_WAIT },
	{ TCP_CLOSE_WAIT, IN, FA, 1, TCP_CLOSE_WAIT },
	/* LAST_ACK */
	{ TCP_LAST_ACK, IN, TCP_ACK, S_FIN_SEQ + 1, TCP_CLOSED },
	{ TCP_LAST_ACK, IN, TCP_ACK, S_FIN_SEQ, TCP_LAST_ACK },
	{ TCP_LAST_ACK, OUT, TCP_ACK, 1, TCP_LAST_ACK },
	/* TIME_WAIT and CLOSED are final (short of a new generation) */
	{ TCP_TIME_WAIT, IN, FA, S_FIN_SEQ + 1, TCP_TIME_WAIT },
	{ TCP_TIME_WAIT, OUT, TCP_ACK, 1, TCP_TIME_WAIT },
	{ TCP_TIME_WAIT, OUT, TCP_SYN, 0, TCP_TIME_WAIT },
	{ TCP_CLOSED, IN, TCP_ACK, 1, TCP_CLOSED },
	{ TCP_CLOSED, OUT, FA, 1, TCP_CLOSED },
};

/* A connection whose source has sent its FIN at S_FIN_SEQ. */
static void fin_sent_state(struct tcp_state *t)
{
	memset(t, 0, sizeof(*t));
	t->d[0].flags = TCPD_SEQ_KNOWN | TCPD_FIN;
	t->d[0].next_seq = S_FIN_SEQ + 1;
}

START_TEST(test_transition)
{
	const struct transition *tr = &transitions[_i];
	struct tcp_state t;
	fin_sent_state(&t);
	struct tcp_segment s = seg(tr->dir, tr->flags, 5000, tr->ack, 100, 0, 1);
	enum tcp_state_id got = tcp_next_state(tr->from, &t, &s);
	ck_assert_msg(got == tr->to, "%s + %s flags %#x ack %u → %s, expected %s",
		      tcp_state_name(tr->from), tr->dir == OUT ? "out" : "in", tr->flags, tr->ack,
		      tcp_state_name(got), tcp_state_name(tr->to));
}
END_TEST

START_TEST(test_rst_closes_from_every_state)
{
	static const uint8_t rst_flags[] = { TCP_RST, TCP_RST | TCP_ACK, TCP_RST | TCP_SYN,
					     TCP_RST | TCP_FIN | TCP_ACK };
	for (int st = 0; st < TCP_STATE_COUNT; st++)
		for (int dir = 0; dir < 2; dir++)
			for (size_t k = 0; k < sizeof(rst_flags); k++) {
				struct tcp_state t;
				fin_sent_state(&t);
				struct tcp_segment s = seg(dir, rst_flags[k], 1, 1, 0, 0, 1);
				ck_assert_msg(tcp_next_state((enum tcp_state_id)st, &t, &s) == TCP_CLOSED,
					      "%s dir %d flags %#x", tcp_state_name((enum tcp_state_id)st),
					      dir, rst_flags[k]);
			}
}
END_TEST

START_TEST(test_fin_ack_unknown_seq_taken_as_acking)
{
	/* Mid-stream pickup: our FIN's sequence is unknown, so any ACK counts. */
	struct tcp_state t;
	memset(&t, 0, sizeof(t));
	struct tcp_segment s = seg(IN, FA, 1, 12345, 100, 0, 1);
	ck_assert_int_eq(tcp_next_state(TCP_FIN_WAIT1, &t, &s), TCP_TIME_WAIT);
	/* Wraparound: the FIN at 0xffffffff is acked by 0. */
	t.d[0].flags = TCPD_SEQ_KNOWN;
	t.d[0].next_seq = 0;
	s = seg(IN, FA, 1, 0, 100, 0, 1);
	ck_assert_int_eq(tcp_next_state(TCP_FIN_WAIT1, &t, &s), TCP_TIME_WAIT);
	s = seg(IN, FA, 1, 0xffffffffu, 100, 0, 1);
	ck_assert_int_eq(tcp_next_state(TCP_FIN_WAIT1, &t, &s), TCP_CLOSING);
}
END_TEST

START_TEST(test_syn_new_generation)
{
	for (int st = 0; st < TCP_STATE_COUNT; st++) {
		enum tcp_state_id s = (enum tcp_state_id)st;
		int closing = tcp_state_is_closing(s);
		ck_assert_int_eq(tcp_syn_starts_new_generation(s, TCP_SYN), closing);
		ck_assert_int_eq(tcp_syn_starts_new_generation(s, TCP_SYN | TCP_ECE | TCP_CWR), closing);
		ck_assert_int_eq(tcp_syn_starts_new_generation(s, SA), 0);
		ck_assert_int_eq(tcp_syn_starts_new_generation(s, TCP_SYN | TCP_RST), 0);
		ck_assert_int_eq(tcp_syn_starts_new_generation(s, TCP_ACK), 0);
	}
	ck_assert(tcp_syn_starts_new_generation(TCP_TIME_WAIT, TCP_SYN));
	ck_assert(tcp_syn_starts_new_generation(TCP_CLOSED, TCP_SYN));
	ck_assert(!tcp_syn_starts_new_generation(TCP_ESTABLISHED, TCP_SYN));
	ck_assert(!tcp_syn_starts_new_generation(TCP_SYN_SENT, TCP_SYN));
}
END_TEST

START_TEST(test_state_names)
{
	ck_assert_str_eq(tcp_state_name(TCP_ESTABLISHED), "ESTABLISHED");
	ck_assert_str_eq(tcp_state_name(TCP_TIME_WAIT), "TIME_WAIT");
	ck_assert_str_eq(tcp_state_name(TCP_CLOSED), "CLOSED");
	ck_assert_str_eq(tcp_state_name((enum tcp_state_id)200), "UNKNOWN");
	for (int st = 0; st < TCP_STATE_COUNT; st++)
		ck_assert_ptr_nonnull(tcp_state_name((enum tcp_state_id)st));
	ck_assert(!tcp_state_is_closing(TCP_ESTABLISHED));
	ck_assert(!tcp_state_is_closing(TCP_SYN_SENT));
	ck_assert(tcp_state_is_closing(TCP_LAST_ACK));
}
END_TEST

/* A full close driven through both functions, as the tracker does. */
START_TEST(test_full_lifecycle)
{
	struct tcp_state t;
	memset(&t, 0, sizeof(t));
	enum tcp_state_id st = TCP_UNKNOWN;
	const struct tcp_segment segs[] = {
		seg(OUT, TCP_SYN, 100, 0, 100, 0, 0),
		seg(IN, SA, 500, 101, 100, 0, 1000),
		seg(OUT, TCP_ACK, 101, 501, 100, 0, 2000),
		seg(OUT, PA, 101, 501, 100, 10, 3000),
		seg(IN, TCP_ACK, 501, 111, 100, 0, 4000),
		seg(OUT, FA, 111, 501, 100, 0, 5000),
		seg(IN, FA, 501, 112, 100, 0, 6000),
		seg(OUT, TCP_ACK, 112, 502, 100, 0, 7000),
	};
	const enum tcp_state_id want[] = {
		TCP_SYN_SENT, TCP_ESTABLISHED, TCP_ESTABLISHED, TCP_ESTABLISHED, TCP_ESTABLISHED,
		TCP_FIN_WAIT1, TCP_TIME_WAIT, TCP_TIME_WAIT,
	};
	for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
		tcp_analyze(&t, &segs[i], NULL);
		st = tcp_next_state(st, &t, &segs[i]);
		ck_assert_msg(st == want[i], "step %zu: %s", i, tcp_state_name(st));
	}
	ck_assert_uint_eq(t.retransmits, 0);
	ck_assert_uint_eq(t.out_of_order, 0);
	ck_assert_uint_eq(t.irtt_us, 2000);
}
END_TEST

START_TEST(test_fin_wait1_peer_fin_not_acking)
{
	/* Simultaneous close: the peer's FIN does not cover ours → CLOSING,
	 * then its ACK of our FIN → TIME_WAIT. */
	struct tcp_state t;
	memset(&t, 0, sizeof(t));
	enum tcp_state_id st = TCP_ESTABLISHED;
	struct tcp_segment s = seg(OUT, FA, 1000, 50, 100, 0, 0);
	tcp_analyze(&t, &s, NULL);	/* first segment: FIN at 1000, next_seq 1001 */
	st = tcp_next_state(st, &t, &s);
	ck_assert_int_eq(st, TCP_FIN_WAIT1);
	s = seg(IN, FA, 50, 1000, 100, 0, 10);
	tcp_analyze(&t, &s, NULL);
	st = tcp_next_state(st, &t, &s);
	ck_assert_int_eq(st, TCP_CLOSING);
	s = seg(IN, TCP_ACK, 51, 1001, 100, 0, 20);
	tcp_analyze(&t, &s, NULL);
	st = tcp_next_state(st, &t, &s);
	ck_assert_int_eq(st, TCP_TIME_WAIT);
}
END_TEST

START_TEST(test_segment_in_is_analyze_then_next_state)
{
	/* The tracker's one call does what the two did, in their order (the
	 * state reads what the analysis just learnt): same state, same
	 * counters, along the full lifecycle and a retransmission. */
	struct tcp_state a, b;
	struct tcp_totals ta, tb;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&ta, 0, sizeof(ta));
	memset(&tb, 0, sizeof(tb));
	enum tcp_state_id sa = TCP_UNKNOWN;
	uint8_t sb = TCP_UNKNOWN;
	const struct tcp_segment segs[] = {
		seg(OUT, TCP_SYN, 100, 0, 100, 0, 0),
		seg(IN, SA, 500, 101, 100, 0, 1000),
		seg(OUT, TCP_ACK, 101, 501, 100, 0, 2000),
		seg(OUT, PA, 101, 501, 100, 10, 3000),
		seg(OUT, PA, 101, 501, 100, 10, 900000),
		seg(IN, TCP_ACK, 501, 111, 100, 0, 901000),
		seg(IN, TCP_ACK, 501, 111, 100, 0, 902000),
		seg(OUT, FA, 111, 501, 100, 0, 905000),
		seg(IN, FA, 501, 112, 100, 0, 906000),
		seg(OUT, TCP_ACK, 112, 502, 100, 0, 907000),
	};
	for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
		tcp_analyze(&a, &segs[i], &ta);
		sa = tcp_next_state(sa, &a, &segs[i]);
		sb = tcp_segment_in(&b, sb, &segs[i], &tb);
		ck_assert_msg(sb == sa, "step %zu: %s, not %s", i, tcp_state_name(sb), tcp_state_name(sa));
		ck_assert_mem_eq(&a, &b, sizeof(a));
		ck_assert_mem_eq(&ta, &tb, sizeof(ta));
	}
	ck_assert_int_eq(sb, TCP_TIME_WAIT);
	ck_assert_uint_eq(b.retransmits, 1);
	ck_assert_uint_eq(tb.retransmits, 1);
}
END_TEST

/* ---- analytics ------------------------------------------------------------- */

static void feed(struct tcp_state *t, struct tcp_totals *tot, struct tcp_segment s)
{
	tcp_analyze(t, &s, tot);
}

START_TEST(test_handshake_rtt)
{
	struct tcp_state t;
	memset(&t, 0, sizeof(t));
	const uint64_t t0 = 1700000000000000ULL;
	feed(&t, NULL, seg(OUT, TCP_SYN, 100, 0, 65535, 0, t0));
	ck_assert_uint_eq(t.irtt_us, 0);
	feed(&t, NULL, seg(IN, SA, 900, 101, 65535, 0, t0 + 5000));
	ck_assert_uint_eq(t.irtt_us, 0);
	feed(&t, NULL, seg(OUT, TCP_ACK, 101, 901, 65535, 0, t0 + 12345));
	ck_assert_uint_eq(t.irtt_us, 12345);
	ck_assert_uint_eq(tcp_rtt_us(&t), 12345);
	/* A later ACK does not remeasure. */
	feed(&t, NULL, seg(OUT, TCP_ACK, 101, 901, 65535, 0, t0 + 99999));
	ck_assert_uint_eq(t.irtt_us, 12345);
}
END_TEST

START_TEST(test_handshake_rtt_syn_retransmitted)
{
	/* Measured from the latest SYN, as Wireshark's initial_rtt (it was
	 * from the first: 1 s of SYN timeout in the RTT, and a retransmission
	 * 300 ms later counted out of order, that RTT being the bound). */
	struct tcp_state t;
	memset(&t, 0, sizeof(t));
	feed(&t, NULL, seg(OUT, TCP_SYN, 100, 0, 100, 0, 1000000));
	feed(&t, NULL, seg(OUT, TCP_SYN, 100, 0, 100, 0, 2000000));
	feed(&t, NULL, seg(IN, SA, 900, 101, 100, 0, 2020000));
	feed(&t, NULL, seg(OUT, TCP_ACK, 101, 901, 100, 0, 2021000));
	ck_assert_uint_eq(t.irtt_us, 21000);
	ck_assert_uint_eq(t.retransmits, 1);	/* the second SYN */
	feed(&t, NULL, seg(OUT, TCP_ACK, 101, 901, 100, 100, 2100000));
	feed(&t, NULL, seg(OUT, TCP_ACK, 201, 901, 100, 100, 2200000));
	feed(&t, NULL, seg(OUT, TCP_ACK, 101, 901, 100, 100, 2500000));	/* timed out */
	ck_assert_uint_eq(t.retransmits, 2);
	ck_assert_uint_eq(t.out_of_order, 0);
}
END_TEST

START_TEST(test_retransmission)
{
	struct tcp_state t;
	struct tcp_totals tot = { 0 };
	memset(&t, 0, sizeof(t));
	feed(&t, &tot, seg(OUT, PA, 1000, 1, 100, 100, 0));
	feed(&t, &tot, seg(OUT, PA, 1100, 1, 100, 100, 1000));
	ck_assert_uint_eq(t.retransmits, 0);
	feed(&t, &tot, seg(OUT, PA, 1100, 1, 100, 100, 1000 + 3001));	/* > 3 ms later */
	ck_assert_uint_eq(t.retransmits, 1);
	ck_assert_uint_eq(t.out_of_order, 0);
	ck_assert_uint_eq(tot.retransmits, 1);
	/* Even within 3 ms, resending exactly the last segment is no reordering. */
	feed(&t, &tot, seg(OUT, PA, 1200, 1, 100, 100, 5000));
	feed(&t, &tot, seg(OUT, PA, 1200, 1, 100, 100, 5100));
	ck_assert_uint_eq(t.retransmits, 2);
	ck_assert_uint_eq(t.out_of_order, 0);
}
END_TEST

START_TEST(test_out_of_order)
{
	struct tcp_state t;
	struct tcp_totals tot = { 0 };
	memset(&t, 0, sizeof(t));
	feed(&t, &tot, seg(OUT, PA, 1000, 1, 100, 100, 0));
	feed(&t, &tot, seg(OUT, PA, 1200, 1, 100, 100, 100));		/* gap */
	feed(&t, &tot, seg(OUT, PA, 1100, 1, 100, 100, 100 + 2000));	/* fill within 3 ms */
	ck_assert_uint_eq(t.out_of_order, 1);
	ck_assert_uint_eq(t.retransmits, 0);
	ck_assert_uint_eq(tot.out_of_order, 1);

	/* The same fill arriving late is a retransmission. */
	memset(&t, 0, sizeof(t));
	feed(&t, NULL, seg(OUT, PA, 1000, 1, 100, 100, 0));
	feed(&t, NULL, seg(OUT, PA, 1200, 1, 100, 100, 100));
	feed(&t, NULL, seg(OUT, PA, 1100, 1, 100, 100, 100 + 3500));
	ck_assert_uint_eq(t.out_of_order, 0);
	ck_assert_uint_eq(t.retransmits, 1);
}
END_TEST

START_TEST(test_keepalive_ignored)
{
	struct tcp_state t;
	memset(&t, 0, sizeof(t));
	feed(&t, NULL, seg(OUT, PA, 1000, 1, 100, 100, 0));
	feed(&t, NULL, seg(OUT, TCP_ACK, 1099, 1, 100, 0, 60000000));	/* zero-length probe */
	feed(&t, NULL, seg(OUT, TCP_ACK, 1099, 1, 100, 1, 120000000));	/* one garbage byte */
	ck_assert_uint_eq(t.retransmits, 0);
	ck_assert_uint_eq(t.out_of_order, 0);
	/* A probe repeats the last ACK number and window, but one below the
	 * next sequence: not a duplicate ACK (Wireshark: "TCP Keep-Alive"). */
	ck_assert_uint_eq(t.dup_acks, 0);
	/* Two bytes below next_seq is data, resent. */
	feed(&t, NULL, seg(OUT, PA, 1098, 1, 100, 2, 180000000));
	ck_assert_uint_eq(t.retransmits, 1);
}
END_TEST

/* Linux's keep-alives on an idle connection (SO_KEEPALIVE): zero-length
 * probes one below the next sequence, each answered by the peer's ACK of
 * the next sequence; none of them is a duplicate ACK, however many come.
 * Real ones: tests/captures/real/tcp-misc.pcap, port 9004 (tshark: "TCP
 * Keep-Alive", no duplicate ACK), replayed against tshark by
 * replay-tshark.test. */
START_TEST(test_keepalive_probes_not_dup_acks)
{
	struct tcp_state t;
	struct tcp_totals tot = { 0 };
	memset(&t, 0, sizeof(t));
	feed(&t, &tot, seg(OUT, PA, 1000, 1, 500, 100, 0));
	feed(&t, &tot, seg(IN, TCP_ACK, 1, 1100, 600, 0, 100));
	for (int i = 1; i <= 4; i++) {
		feed(&t, &tot, seg(OUT, TCP_ACK, 1099, 1, 500, 0, (uint64_t)i * 1000000));
		feed(&t, &tot, seg(IN, TCP_ACK, 1, 1100, 600, 0, (uint64_t)i * 1000000 + 100));
	}
	ck_assert_uint_eq(t.dup_acks, 0);
	ck_assert_uint_eq(tot.dup_acks, 0);
	ck_assert_uint_eq(t.retransmits, 0);
	/* The same ACK number and window at the next sequence: a duplicate. */
	feed(&t, &tot, seg(OUT, TCP_ACK, 1100, 1, 500, 0, 5000000));
	ck_assert_uint_eq(t.dup_acks, 1);
}
END_TEST

/* Data the capture missed (100 bytes at 1100): the pure ACKs after it sit
 * at 1200, above the next sequence seen; the first moves the next sequence
 * on (as Wireshark does), and the three after it are duplicates. */
START_TEST(test_dup_acks_after_missed_data)
{
	struct tcp_state t;
	memset(&t, 0, sizeof(t));
	feed(&t, NULL, seg(IN, PA, 1000, 1, 500, 100, 0));		/* seen: 1000-1100 */
	feed(&t, NULL, seg(OUT, TCP_ACK, 1, 1100, 600, 0, 100));
	/* (1100-1200 from IN not captured) */
	for (int i = 0; i < 4; i++)
		feed(&t, NULL, seg(IN, TCP_ACK, 1200, 5, 500, 0, 1000 + (uint64_t)i * 100));
	ck_assert_uint_eq(t.dup_acks, 3);
	ck_assert_uint_eq(t.retransmits, 0);
}
END_TEST

START_TEST(test_fast_retransmit)
{
	struct tcp_state t;
	struct tcp_totals tot = { 0 };
	memset(&t, 0, sizeof(t));
	for (uint32_t i = 0; i < 4; i++)
		feed(&t, &tot, seg(OUT, PA, 1000 + 100 * i, 1, 500, 100, 100 * i));
	feed(&t, &tot, seg(IN, TCP_ACK, 1, 1100, 2000, 0, 10000));	/* the original ACK */
	ck_assert_uint_eq(t.dup_acks, 0);
	for (int i = 0; i < 3; i++)
		feed(&t, &tot, seg(IN, TCP_ACK, 1, 1100, 2000, 0, 10100 + (uint64_t)i * 100));
	ck_assert_uint_eq(t.dup_acks, 3);
	ck_assert_uint_eq(tot.dup_acks, 3);
	feed(&t, &tot, seg(OUT, PA, 1100, 1, 500, 100, 10500));
	ck_assert_uint_eq(t.fast_retransmits, 1);
	ck_assert_uint_eq(t.retransmits, 1);
	ck_assert_uint_eq(t.out_of_order, 0);
	ck_assert_uint_eq(tot.fast_retransmits, 1);
	ck_assert_uint_eq(tot.retransmits, 1);
}
END_TEST

/* Wireshark's 20 ms rule: the retransmission of the duplicated sequence
 * after a timeout (here 300 ms of silence after the dup ACKs) is a plain
 * retransmission, not a fast one. The flow's previous packet bounds the
 * time of the peer's last ACK. */
START_TEST(test_fast_retransmit_needs_a_recent_ack)
{
	struct tcp_state t;
	memset(&t, 0, sizeof(t));
	for (uint32_t i = 0; i < 4; i++)
		feed(&t, NULL, seg(OUT, PA, 1000 + 100 * i, 1, 500, 100, 100 * i));
	feed(&t, NULL, seg(IN, TCP_ACK, 1, 1100, 2000, 0, 10000));
	for (int i = 0; i < 3; i++)
		feed(&t, NULL, seg(IN, TCP_ACK, 1, 1100, 2000, 0, 10100 + (uint64_t)i * 100));
	struct tcp_segment late = seg(OUT, PA, 1100, 1, 500, 100, 310300);
	late.prev_us = 10300;			/* the last dup ACK, 300 ms earlier */
	feed(&t, NULL, late);
	ck_assert_uint_eq(t.fast_retransmits, 0);
	ck_assert_uint_eq(t.retransmits, 1);

	/* The same 19 ms after the last dup ACK is fast. */
	memset(&t, 0, sizeof(t));
	for (uint32_t i = 0; i < 4; i++)
		feed(&t, NULL, seg(OUT, PA, 1000 + 100 * i, 1, 500, 100, 100 * i));
	feed(&t, NULL, seg(IN, TCP_ACK, 1, 1100, 2000, 0, 10000));
	for (int i = 0; i < 3; i++)
		feed(&t, NULL, seg(IN, TCP_ACK, 1, 1100, 2000, 0, 10100 + (uint64_t)i * 100));
	struct tcp_segment soon = seg(OUT, PA, 1100, 1, 500, 100, 29299);
	soon.prev_us = 10300;
	feed(&t, NULL, soon);
	ck_assert_uint_eq(t.fast_retransmits, 1);
}
END_TEST

/* The 20 ms run from the peer's last ACK, not from the flow's previous
 * packet: new data of the sender's own 5 ms before the resend does not
 * make a resend 233 ms after the dup ACKs fast; a copy of a segment (a
 * SPAN port's) 1.4 ms after the dup ACKs is fast, as Wireshark says. */
static uint64_t last_ts;

static void feed_timed(struct tcp_state *t, struct tcp_segment s)
{
	s.prev_us = last_ts;
	last_ts = s.ts_us;
	tcp_analyze(t, &s, NULL);
}

START_TEST(test_fast_retransmit_timed_from_the_peer)
{
	struct tcp_state t;
	memset(&t, 0, sizeof(t));
	last_ts = 0;
	for (uint32_t i = 0; i < 4; i++)
		feed_timed(&t, seg(OUT, PA, 1000 + 100 * i, 1, 500, 100, 1000 + 100 * i));
	for (int i = 0; i < 4; i++)	/* the ACK and three duplicates, by 20 ms */
		feed_timed(&t, seg(IN, TCP_ACK, 1, 1100, 2000, 0, 17000 + (uint64_t)i * 1000));
	feed_timed(&t, seg(OUT, PA, 1400, 1, 500, 100, 250000));	/* new data */
	feed_timed(&t, seg(OUT, PA, 1100, 1, 500, 100, 255000));	/* the resend */
	ck_assert_uint_eq(t.fast_retransmits, 0);
	ck_assert_uint_eq(t.retransmits, 1);

	memset(&t, 0, sizeof(t));
	last_ts = 0;
	feed_timed(&t, seg(OUT, PA, 1000, 1, 500, 100, 1000));
	feed_timed(&t, seg(IN, TCP_ACK, 1, 1100, 2000, 0, 1200));
	feed_timed(&t, seg(IN, TCP_ACK, 1, 1100, 2000, 0, 1200));	/* copies */
	feed_timed(&t, seg(IN, TCP_ACK, 1, 1100, 2000, 0, 1200));
	feed_timed(&t, seg(OUT, PA, 1100, 1, 500, 17, 2600));
	feed_timed(&t, seg(OUT, PA, 1100, 1, 500, 17, 2600));		/* its copies */
	feed_timed(&t, seg(OUT, PA, 1100, 1, 500, 17, 2600));
	ck_assert_uint_eq(t.fast_retransmits, 2);
	ck_assert_uint_eq(t.retransmits, 2);
}
END_TEST

/* A pure ACK past data the capture missed moves the next sequence and its
 * time: the missed data's late copy 2 ms later is out of order, not a
 * retransmission. */
START_TEST(test_ack_jump_restarts_the_clock)
{
	struct tcp_state t;
	memset(&t, 0, sizeof(t));
	t.irtt_us = 10000;
	feed(&t, NULL, seg(OUT, PA, 1000, 1, 500, 100, 0));
	feed(&t, NULL, seg(OUT, TCP_ACK, 1300, 1, 500, 0, 500000));	/* 1100-1299 missed */
	feed(&t, NULL, seg(OUT, PA, 1100, 1, 500, 100, 502000));
	ck_assert_uint_eq(t.out_of_order, 1);
	ck_assert_uint_eq(t.retransmits, 0);
}
END_TEST

START_TEST(test_fast_retransmit_needs_the_acked_seq)
{
	/* Dup ACKs for 1100, but the resent segment is 1200: not fast. */
	struct tcp_state t;
	memset(&t, 0, sizeof(t));
	for (uint32_t i = 0; i < 4; i++)
		feed(&t, NULL, seg(OUT, PA, 1000 + 100 * i, 1, 500, 100, 100 * i));
	for (int i = 0; i < 4; i++)
		feed(&t, NULL, seg(IN, TCP_ACK, 1, 1100, 2000, 0, 10000 + (uint64_t)i));
	feed(&t, NULL, seg(OUT, PA, 1200, 1, 500, 100, 50000));
	ck_assert_uint_eq(t.fast_retransmits, 0);
	ck_assert_uint_eq(t.retransmits, 1);
}
END_TEST

START_TEST(test_dup_ack_needs_same_window)
{
	struct tcp_state t;
	memset(&t, 0, sizeof(t));
	feed(&t, NULL, seg(IN, TCP_ACK, 1, 1100, 2000, 0, 0));
	feed(&t, NULL, seg(IN, TCP_ACK, 1, 1100, 3000, 0, 1));	/* window update */
	ck_assert_uint_eq(t.dup_acks, 0);
	feed(&t, NULL, seg(IN, TCP_ACK, 1, 1100, 3000, 0, 2));	/* now a duplicate */
	ck_assert_uint_eq(t.dup_acks, 1);
	feed(&t, NULL, seg(IN, TCP_ACK, 1, 1200, 3000, 0, 3));	/* new ACK */
	ck_assert_uint_eq(t.dup_acks, 1);
	ck_assert_uint_eq(t.d[IN].dup_acks, 0);
	feed(&t, NULL, seg(IN, PA, 1, 1200, 3000, 10, 4));	/* carries data */
	ck_assert_uint_eq(t.dup_acks, 1);
	/* Zero window repeated is a zero-window probe answer, not a dup ACK. */
	feed(&t, NULL, seg(IN, TCP_ACK, 11, 1200, 0, 0, 5));
	feed(&t, NULL, seg(IN, TCP_ACK, 11, 1200, 0, 0, 6));
	ck_assert_uint_eq(t.dup_acks, 1);
}
END_TEST

START_TEST(test_smoothed_rtt)
{
	struct tcp_state t;
	memset(&t, 0, sizeof(t));
	feed(&t, NULL, seg(OUT, PA, 1000, 1, 500, 100, 0));
	feed(&t, NULL, seg(IN, TCP_ACK, 1, 1100, 500, 0, 10000));
	ck_assert_uint_eq(t.srtt_us, 10000);
	feed(&t, NULL, seg(OUT, PA, 1100, 1, 500, 100, 20000));
	feed(&t, NULL, seg(IN, TCP_ACK, 1, 1150, 500, 0, 25000));	/* partial: not yet */
	ck_assert_uint_eq(t.srtt_us, 10000);
	feed(&t, NULL, seg(IN, TCP_ACK, 1, 1200, 500, 0, 38000));
	ck_assert_uint_eq(t.srtt_us, (10000 * 7 + 18000) / 8);	/* 11000 */
	ck_assert_uint_eq(tcp_rtt_us(&t), 11000);
}
END_TEST

START_TEST(test_karn_retransmission_cancels_probe)
{
	struct tcp_state t;
	memset(&t, 0, sizeof(t));
	feed(&t, NULL, seg(OUT, PA, 1000, 1, 500, 100, 0));
	feed(&t, NULL, seg(OUT, PA, 1000, 1, 500, 100, 200000));	/* RTO */
	ck_assert_uint_eq(t.retransmits, 1);
	feed(&t, NULL, seg(IN, TCP_ACK, 1, 1100, 500, 0, 210000));
	ck_assert_uint_eq(t.srtt_us, 0);	/* ambiguous sample discarded */
	/* The next fresh segment is measured. */
	feed(&t, NULL, seg(OUT, PA, 1100, 1, 500, 100, 300000));
	feed(&t, NULL, seg(IN, TCP_ACK, 1, 1200, 500, 0, 307000));
	ck_assert_uint_eq(t.srtt_us, 7000);
}
END_TEST

START_TEST(test_sequence_wraparound)
{
	struct tcp_state t;
	memset(&t, 0, sizeof(t));
	feed(&t, NULL, seg(OUT, PA, 0xffffff00u, 1, 500, 0x100, 0));	/* ends at 0 */
	feed(&t, NULL, seg(OUT, PA, 0, 1, 500, 100, 1000));
	feed(&t, NULL, seg(OUT, PA, 100, 1, 500, 100, 2000));
	ck_assert_uint_eq(t.retransmits, 0);
	ck_assert_uint_eq(t.out_of_order, 0);
	ck_assert_uint_eq(t.d[OUT].next_seq, 200);
	feed(&t, NULL, seg(OUT, PA, 0xffffff00u, 1, 500, 0x100, 100000));
	ck_assert_uint_eq(t.retransmits, 1);
	ck_assert_uint_eq(t.d[OUT].next_seq, 200);	/* the highest stays */

	/* Reordering across the wrap. */
	memset(&t, 0, sizeof(t));
	feed(&t, NULL, seg(OUT, PA, 0xffffffceu, 1, 500, 50, 0));	/* ends at 0 */
	feed(&t, NULL, seg(OUT, PA, 50, 1, 500, 50, 100));
	feed(&t, NULL, seg(OUT, PA, 0, 1, 500, 50, 500));
	ck_assert_uint_eq(t.out_of_order, 1);
	ck_assert_uint_eq(t.retransmits, 0);

	/* ACK numbers across the wrap complete an RTT probe. */
	memset(&t, 0, sizeof(t));
	feed(&t, NULL, seg(OUT, PA, 0xfffffff0u, 1, 500, 0x20, 0));	/* ends at 0x10 */
	feed(&t, NULL, seg(IN, TCP_ACK, 1, 0x10, 500, 0, 4000));
	ck_assert_uint_eq(t.srtt_us, 4000);
}
END_TEST

START_TEST(test_counters_saturate)
{
	struct tcp_state t;
	memset(&t, 0, sizeof(t));
	t.retransmits = UINT32_MAX;
	feed(&t, NULL, seg(OUT, PA, 1000, 1, 100, 100, 0));
	feed(&t, NULL, seg(OUT, PA, 1000, 1, 100, 100, 1000000));
	ck_assert_uint_eq(t.retransmits, UINT32_MAX);
}
END_TEST

/* ---- regressions ----------------------------------------------------------- */

START_TEST(test_rst_is_not_a_retransmission)
{
	struct tcp_state t;
	memset(&t, 0, sizeof(t));
	feed(&t, NULL, seg(OUT, PA, 1000, 1, 100, 100, 0));
	feed(&t, NULL, seg(OUT, TCP_RST, 1050, 0, 0, 0, 1000000));
	feed(&t, NULL, seg(OUT, TCP_RST | TCP_ACK, 900, 1, 0, 10, 2000000));
	ck_assert_uint_eq(t.retransmits, 0);
	ck_assert_uint_eq(t.out_of_order, 0);
}
END_TEST

START_TEST(test_handshake_then_data_threshold_is_irtt)
{
	/* With a handshake RTT of 50 ms, a fill 10 ms after the gap is
	 * reordering, not a retransmission. */
	struct tcp_state t;
	memset(&t, 0, sizeof(t));
	feed(&t, NULL, seg(OUT, TCP_SYN, 99, 0, 100, 0, 0));
	feed(&t, NULL, seg(IN, SA, 9, 100, 100, 0, 25000));
	feed(&t, NULL, seg(OUT, TCP_ACK, 100, 10, 100, 0, 50000));
	ck_assert_uint_eq(t.irtt_us, 50000);
	feed(&t, NULL, seg(OUT, PA, 100, 10, 100, 100, 60000));
	feed(&t, NULL, seg(OUT, PA, 300, 10, 100, 100, 60100));
	feed(&t, NULL, seg(OUT, PA, 200, 10, 100, 100, 70100));
	ck_assert_uint_eq(t.out_of_order, 1);
	ck_assert_uint_eq(t.retransmits, 0);
}
END_TEST

START_TEST(test_spurious_above_every_seen_sequence)
{
	/* A lossy capture (tests/captures/real/iperf-lossy-cut.pcap, frame 654):
	 * the sender's segments up to 555838 were not captured, the receiver
	 * acknowledged them, then the sender resent 538614+1448. It is above
	 * the highest sequence seen (511102) but all of it was acknowledged:
	 * Wireshark calls it a spurious retransmission. */
	struct tcp_state t;
	struct tcp_totals tot = { 0 };
	memset(&t, 0, sizeof(t));
	feed(&t, &tot, seg(OUT, PA, 509654, 1, 500, 1448, 0));		/* next_seq 511102 */
	feed(&t, &tot, seg(IN, TCP_ACK, 1, 555838, 2000, 0, 100));	/* acks what we never saw */
	feed(&t, &tot, seg(OUT, PA, 538614, 1, 500, 1448, 200));
	ck_assert_uint_eq(t.retransmits, 1);
	ck_assert_uint_eq(tot.retransmits, 1);
	ck_assert_uint_eq(t.out_of_order, 0);
	/* New data past the ACK is not. */
	feed(&t, &tot, seg(OUT, PA, 555838, 1, 500, 1448, 300));
	ck_assert_uint_eq(t.retransmits, 1);
	/* Nor is data that ends past the ACK (only part of it acknowledged). */
	feed(&t, &tot, seg(IN, TCP_ACK, 1, 558000, 2000, 0, 400));
	feed(&t, &tot, seg(OUT, PA, 557286, 1, 500, 1448, 4000000));
	ck_assert_uint_eq(t.retransmits, 1);
}
END_TEST

START_TEST(test_data_after_zero_window_probe_advances)
{
	/* A one-byte zero-window probe moves the next sequence by one; the
	 * data sent when the window opens starts at the probe's byte: it
	 * adds data, so it is neither out of order nor a retransmission. */
	struct tcp_state t;
	memset(&t, 0, sizeof(t));
	feed(&t, NULL, seg(OUT, PA, 1000, 1, 100, 100, 0));		/* next 1100 */
	feed(&t, NULL, seg(IN, TCP_ACK, 1, 1100, 0, 0, 100));		/* window 0 */
	feed(&t, NULL, seg(OUT, TCP_ACK, 1100, 1, 100, 1, 200000));	/* probe: next 1101 */
	feed(&t, NULL, seg(IN, TCP_ACK, 1, 1100, 4000, 0, 300000));	/* window opens */
	feed(&t, NULL, seg(OUT, PA, 1100, 1, 100, 1000, 300100));
	ck_assert_uint_eq(t.retransmits, 0);
	ck_assert_uint_eq(t.out_of_order, 0);
}
END_TEST

static Suite *tcp_suite(void)
{
	Suite *s = suite_create("tcp");
	TCase *tc = tcase_create("valid");
	tcase_add_loop_test(tc, test_transition, 0,
			    (int)(sizeof(transitions) / sizeof(transitions[0])));
	tcase_add_test(tc, test_rst_closes_from_every_state);
	tcase_add_test(tc, test_fin_ack_unknown_seq_taken_as_acking);
	tcase_add_test(tc, test_syn_new_generation);
	tcase_add_test(tc, test_state_names);
	tcase_add_test(tc, test_full_lifecycle);
	tcase_add_test(tc, test_segment_in_is_analyze_then_next_state);
	tcase_add_test(tc, test_fin_wait1_peer_fin_not_acking);
	tcase_add_test(tc, test_handshake_rtt);
	tcase_add_test(tc, test_handshake_rtt_syn_retransmitted);
	tcase_add_test(tc, test_retransmission);
	tcase_add_test(tc, test_out_of_order);
	tcase_add_test(tc, test_keepalive_ignored);
	tcase_add_test(tc, test_keepalive_probes_not_dup_acks);
	tcase_add_test(tc, test_dup_acks_after_missed_data);
	tcase_add_test(tc, test_fast_retransmit);
	tcase_add_test(tc, test_fast_retransmit_needs_the_acked_seq);
	tcase_add_test(tc, test_fast_retransmit_timed_from_the_peer);
	tcase_add_test(tc, test_ack_jump_restarts_the_clock);
	tcase_add_test(tc, test_fast_retransmit_needs_a_recent_ack);
	tcase_add_test(tc, test_dup_ack_needs_same_window);
	tcase_add_test(tc, test_smoothed_rtt);
	tcase_add_test(tc, test_karn_retransmission_cancels_probe);
	tcase_add_test(tc, test_sequence_wraparound);
	tcase_add_test(tc, test_counters_saturate);
	suite_add_tcase(s, tc);

	tc = tcase_create("regressions");
	tcase_add_test(tc, test_rst_is_not_a_retransmission);
	tcase_add_test(tc, test_handshake_then_data_threshold_is_irtt);
	tcase_add_test(tc, test_spurious_above_every_seen_sequence);
	tcase_add_test(tc, test_data_after_zero_window_probe_advances);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(tcp_suite());
}
