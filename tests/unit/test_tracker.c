/* test_tracker.c - decoded packets → flows (core/tracker.c), with the
 * lifecycle table (core/lifecycle.c) it expires by. Packets are built by
 * filling struct packet directly, as decode() would. */
#include "config.h"

#include "unit.h"

#include "lifecycle.h"
#include "tracker.h"

#define SEC 1000000ull
#define T0 (1700000000ull * SEC)	/* on a whole second */

#define C_IP IP4(10, 0, 0, 1)	/* client */
#define S_IP IP4(10, 0, 0, 2)	/* server */
#define C2_IP IP4(10, 0, 0, 9)	/* a client above the server in key order */

/* ---- fixtures ------------------------------------------------------------- */

struct event { enum flow_event ev; enum close_reason why; uint32_t id; uint8_t state; };

struct events { struct event e[64]; uint32_t n; };

static void on_event(void *ctx, enum flow_event ev, const struct flow *f, enum close_reason why,
		     uint64_t now_us)
{
	struct events *es = ctx;
	(void)now_us;
	if (es->n < 64)
		es->e[es->n] = (struct event){ ev, why, f->id, f->state };
	es->n++;
}

static void tr_init(struct tracker *t, struct events *es, uint32_t max_flows, uint32_t history,
		    int hide_loopback)
{
	struct tracker_config cfg = {
		.max_flows = max_flows, .history = history, .hide_loopback = hide_loopback,
		.on_event = on_event, .event_ctx = es,
	};
	memset(es, 0, sizeof(*es));
	ck_assert_int_eq(tracker_init(t, &cfg), 0);
}

static struct packet base_pkt(uint8_t proto, uint32_t src, uint32_t dst, uint64_t ts)
{
	struct packet p;
	memset(&p, 0, sizeof(p));
	p.ts_us = ts;
	p.proto = proto;
	p.family = 4;
	ip4_store(p.src, src);
	ip4_store(p.dst, dst);
	return p;
}

static void tcp(struct tracker *t, uint32_t src, uint16_t sp, uint32_t dst, uint16_t dp,
		uint8_t flags, uint32_t seq, uint32_t ack, uint32_t len, uint64_t ts)
{
	struct packet p = base_pkt(L4_TCP, src, dst, ts);
	p.ipproto = 6;
	p.sport = sp;
	p.dport = dp;
	p.tcp_flags = flags;
	p.seq = seq;
	p.ack = ack;
	p.window = 1000;
	p.l4_payload_len = len;
	p.ip_len = 40 + len;
	p.wire_len = p.cap_len = p.ip_len + 14;
	tracker_packet(t, &p);
}

static void udp(struct tracker *t, uint32_t src, uint16_t sp, uint32_t dst, uint16_t dp,
		uint32_t len, uint64_t ts)
{
	struct packet p = base_pkt(L4_UDP, src, dst, ts);
	p.ipproto = 17;
	p.sport = sp;
	p.dport = dp;
	p.l4_payload_len = len;
	p.ip_len = 28 + len;
	tracker_packet(t, &p);
}

static void echo(struct tracker *t, uint32_t src, uint32_t dst, int reply, uint16_t id,
		 uint16_t seq, uint64_t ts)
{
	struct packet p = base_pkt(L4_ICMP, src, dst, ts);
	p.ipproto = 1;
	p.icmp_type = reply ? 0 : 8;
	p.icmp_kind = reply ? ICMP_KIND_ECHO_REPLY : ICMP_KIND_ECHO_REQUEST;
	p.icmp_id = id;
	p.icmp_seq = seq;
	p.ip_len = 84;
	tracker_packet(t, &p);
}

static void arp(struct tracker *t, int op, uint32_t sender, uint32_t target, uint8_t smac,
		uint8_t tmac, uint64_t ts)
{
	struct packet p = base_pkt(L4_ARP, sender, target, ts);
	p.family = 0;
	p.arp_op = (uint16_t)op;
	memset(p.arp_sha, smac, 6);
	memset(p.arp_tha, tmac, 6);
	p.ip_len = 28;
	tracker_packet(t, &p);
}

struct flows { struct flow *f[64]; uint32_t n; };

static void collect_cb(struct flow *f, void *ctx)
{
	struct flows *fs = ctx;
	ck_assert_uint_lt(fs->n, 64);
	fs->f[fs->n++] = f;
}

/* The open flows, in creation order. */
static struct flows open_flows(struct tracker *t)
{
	struct flows fs;
	fs.n = 0;
	flow_table_foreach(&t->table, collect_cb, &fs);
	for (uint32_t i = 1; i < fs.n; i++)
		for (uint32_t j = i; j > 0 && fs.f[j - 1]->id > fs.f[j]->id; j--) {
			struct flow *x = fs.f[j];
			fs.f[j] = fs.f[j - 1];
			fs.f[j - 1] = x;
		}
	return fs;
}

static struct flow *only_flow(struct tracker *t)
{
	struct flows fs = open_flows(t);
	ck_assert_uint_eq(fs.n, 1);
	return fs.f[0];
}

static void assert_ip4(const uint8_t *a, uint32_t want)
{
	uint8_t w[16];
	ip4_store(w, want);
	ck_assert_mem_eq(a, w, 16);
}

/* A client's full connection: handshake, 100 bytes up, 500 down. Returns
 * the time of its last packet. */
static uint64_t handshake_and_data(struct tracker *t, uint32_t c, uint16_t cp, uint64_t ts)
{
	tcp(t, c, cp, S_IP, 80, TCP_SYN, 1000, 0, 0, ts);
	tcp(t, S_IP, 80, c, cp, TCP_SYN | TCP_ACK, 5000, 1001, 0, ts + 1000);
	tcp(t, c, cp, S_IP, 80, TCP_ACK, 1001, 5001, 0, ts + 2000);
	tcp(t, c, cp, S_IP, 80, TCP_PSH | TCP_ACK, 1001, 5001, 100, ts + 3000);
	tcp(t, S_IP, 80, c, cp, TCP_ACK, 5001, 1101, 0, ts + 4000);
	tcp(t, S_IP, 80, c, cp, TCP_PSH | TCP_ACK, 5001, 1101, 500, ts + 5000);
	tcp(t, c, cp, S_IP, 80, TCP_ACK, 1101, 5501, 0, ts + 6000);
	return ts + 6000;
}

/* ---- valid: TCP -------------------------------------------------------------- */

START_TEST(test_tcp_client_closes)
{
	struct tracker t;
	struct events es;
	tr_init(&t, &es, 100, 100, 0);
	uint64_t ts = handshake_and_data(&t, C_IP, 40000, T0);
	struct flow *f = only_flow(&t);
	ck_assert_uint_eq(f->state, TCP_ESTABLISHED);
	tcp(&t, C_IP, 40000, S_IP, 80, TCP_FIN | TCP_ACK, 1101, 5501, 0, ts + 1000);
	ck_assert_uint_eq(f->state, TCP_FIN_WAIT1);
	tcp(&t, S_IP, 80, C_IP, 40000, TCP_FIN | TCP_ACK, 5501, 1102, 0, ts + 2000);
	ck_assert_uint_eq(f->state, TCP_TIME_WAIT);
	tcp(&t, C_IP, 40000, S_IP, 80, TCP_ACK, 1102, 5502, 0, ts + 3000);
	ck_assert_ptr_eq(only_flow(&t), f);
	ck_assert_uint_eq(f->state, TCP_TIME_WAIT);

	assert_ip4(flow_src_addr(f), C_IP);
	assert_ip4(flow_dst_addr(f), S_IP);
	ck_assert_uint_eq(flow_src_port(f), 40000);
	ck_assert_uint_eq(flow_dst_port(f), 80);
	/* Up: SYN, ACK, data, ACK, FIN, ACK. Down: SYN/ACK, ACK, data, FIN. */
	ck_assert_uint_eq(f->packets[DIR_FWD], 6);
	ck_assert_uint_eq(f->packets[DIR_REV], 4);
	ck_assert_uint_eq(f->bytes[DIR_FWD], 6 * 40 + 100);
	ck_assert_uint_eq(f->bytes[DIR_REV], 4 * 40 + 500);
	ck_assert_uint_eq(f->first_seen_us, T0);
	ck_assert_uint_eq(f->last_seen_us, ts + 3000);
	ck_assert_uint_eq(f->u.tcp.irtt_us, 2000);
	ck_assert_uint_eq(t.stats.flows_created, 1);
	ck_assert_uint_eq(t.stats.tracked_packets, 10);
	ck_assert_uint_eq(t.stats.by_proto_packets[L4_TCP], 10);
	ck_assert_uint_eq(es.n, 1);
	ck_assert_int_eq(es.e[0].ev, FLOW_EVENT_NEW);
	tracker_free(&t);
}
END_TEST

START_TEST(test_tcp_server_closes)
{
	struct tracker t;
	struct events es;
	tr_init(&t, &es, 100, 100, 0);
	uint64_t ts = handshake_and_data(&t, C_IP, 40000, T0);
	struct flow *f = only_flow(&t);
	tcp(&t, S_IP, 80, C_IP, 40000, TCP_FIN | TCP_ACK, 5501, 1101, 0, ts + 1000);
	ck_assert_uint_eq(f->state, TCP_CLOSE_WAIT);
	tcp(&t, C_IP, 40000, S_IP, 80, TCP_FIN | TCP_ACK, 1101, 5502, 0, ts + 2000);
	ck_assert_uint_eq(f->state, TCP_LAST_ACK);
	tcp(&t, S_IP, 80, C_IP, 40000, TCP_ACK, 5502, 1102, 0, ts + 3000);
	ck_assert_uint_eq(f->state, TCP_CLOSED);
	ck_assert_uint_eq(f->packets[DIR_FWD], 5);
	ck_assert_uint_eq(f->packets[DIR_REV], 5);
	tracker_free(&t);
}
END_TEST

START_TEST(test_tcp_source_is_syn_sender)
{
	/* Both key orders: the client below and above the server. */
	static const uint32_t clients[] = { C_IP, C2_IP };
	for (int i = 0; i < 2; i++) {
		struct tracker t;
		struct events es;
		tr_init(&t, &es, 100, 100, 0);
		/* The SYN/ACK is captured first: its receiver is the source. */
		tcp(&t, S_IP, 80, clients[i], 40000, TCP_SYN | TCP_ACK, 5000, 1001, 0, T0);
		struct flow *f = only_flow(&t);
		assert_ip4(flow_src_addr(f), clients[i]);
		ck_assert_uint_eq(flow_src_port(f), 40000);
		ck_assert_uint_eq(f->packets[DIR_REV], 1);
		ck_assert(f->flags & FLOW_SRC_DECIDED);
		tcp(&t, clients[i], 40000, S_IP, 80, TCP_ACK, 1001, 5001, 0, T0 + 10);
		ck_assert_uint_eq(f->packets[DIR_FWD], 1);
		ck_assert_uint_eq(f->state, TCP_ESTABLISHED);
		tracker_free(&t);

		/* The ordinary order. */
		tr_init(&t, &es, 100, 100, 0);
		tcp(&t, clients[i], 40000, S_IP, 80, TCP_SYN, 1000, 0, 0, T0);
		f = only_flow(&t);
		assert_ip4(flow_src_addr(f), clients[i]);
		ck_assert_uint_eq(f->state, TCP_SYN_SENT);
		ck_assert_uint_eq(f->packets[DIR_FWD], 1);
		tcp(&t, S_IP, 80, clients[i], 40000, TCP_SYN | TCP_ACK, 5000, 1001, 0, T0 + 10);
		ck_assert_uint_eq(f->packets[DIR_REV], 1);
		ck_assert_uint_eq(f->state, TCP_ESTABLISHED);
		tracker_free(&t);
	}
}
END_TEST

START_TEST(test_tcp_syn_after_close_new_flow)
{
	struct tracker t;
	struct events es;
	tr_init(&t, &es, 100, 100, 0);
	uint64_t ts = handshake_and_data(&t, C_IP, 40000, T0);
	tcp(&t, C_IP, 40000, S_IP, 80, TCP_FIN | TCP_ACK, 1101, 5501, 0, ts + 1000);
	tcp(&t, S_IP, 80, C_IP, 40000, TCP_FIN | TCP_ACK, 5501, 1102, 0, ts + 2000);
	tcp(&t, C_IP, 40000, S_IP, 80, TCP_ACK, 1102, 5502, 0, ts + 3000);
	uint32_t old_id = only_flow(&t)->id;
	tcp(&t, C_IP, 40000, S_IP, 80, TCP_SYN, 90000, 0, 0, ts + SEC);
	struct flow *n = only_flow(&t);
	ck_assert_uint_ne(n->id, old_id);
	ck_assert_uint_eq(n->state, TCP_SYN_SENT);
	ck_assert_uint_eq(n->packets[DIR_FWD], 1);
	ck_assert_uint_eq(n->packets[DIR_REV], 0);
	ck_assert_uint_eq(t.stats.flows_created, 2);
	ck_assert_uint_eq(t.history.count, 1);
	const struct flow *h = history_get(&t.history, 0);
	ck_assert_uint_eq(h->id, old_id);
	ck_assert_uint_eq(h->state, TCP_TIME_WAIT);
	ck_assert_uint_eq(h->packets[DIR_FWD], 6);
	ck_assert(h->flags & FLOW_CLOSED);
	/* NEW, CLOSED (new generation), NEW */
	ck_assert_uint_eq(es.n, 3);
	ck_assert_int_eq(es.e[1].ev, FLOW_EVENT_CLOSED);
	ck_assert_int_eq(es.e[1].why, CLOSE_NEW_GENERATION);
	ck_assert_int_eq(es.e[2].ev, FLOW_EVENT_NEW);
	tracker_free(&t);
}
END_TEST

START_TEST(test_tombstone_late_teardown)
{
	struct tracker t;
	struct events es;
	tr_init(&t, &es, 100, 100, 0);
	uint64_t ts = handshake_and_data(&t, C_IP, 40000, T0);
	tcp(&t, C_IP, 40000, S_IP, 80, TCP_FIN | TCP_ACK, 1101, 5501, 0, ts + 1000);
	tcp(&t, S_IP, 80, C_IP, 40000, TCP_FIN | TCP_ACK, 5501, 1102, 0, ts + 2000);
	ck_assert_uint_eq(only_flow(&t)->state, TCP_TIME_WAIT);
	ck_assert_uint_eq(tracker_advance(&t, T0 + 40 * SEC), 1);	/* TIME_WAIT: 30 s */
	ck_assert_uint_eq(t.table.count, 0);
	ck_assert_uint_eq(t.history.count, 1);

	/* The retransmitted FIN/ACK and the final ACK arrive late. */
	tcp(&t, S_IP, 80, C_IP, 40000, TCP_FIN | TCP_ACK, 5501, 1102, 0, T0 + 41 * SEC);
	tcp(&t, C_IP, 40000, S_IP, 80, TCP_ACK, 1102, 5502, 0, T0 + 42 * SEC);
	tcp(&t, C_IP, 40000, S_IP, 80, TCP_RST, 1102, 0, 0, T0 + 43 * SEC);
	ck_assert_uint_eq(t.table.count, 0);
	ck_assert_uint_eq(t.stats.late_teardown, 3);
	ck_assert_uint_eq(t.stats.flows_created, 1);

	/* A new connection on the same tuple is still seen. */
	tcp(&t, C_IP, 40000, S_IP, 80, TCP_SYN, 7, 0, 0, T0 + 44 * SEC);
	ck_assert_uint_eq(t.table.count, 1);
	ck_assert_uint_eq(t.stats.flows_created, 2);
	tracker_free(&t);
}
END_TEST

/* An evicted closing flow leaves a tombstone too: its late FIN/ACK made a
 * phantom flow, which pushed a live one out in turn. */
START_TEST(test_tombstone_after_eviction)
{
	struct tracker t;
	struct events es;
	tr_init(&t, &es, 2, 100, 0);
	uint64_t ts = handshake_and_data(&t, C_IP, 40000, T0);
	tcp(&t, C_IP, 40000, S_IP, 80, TCP_FIN | TCP_ACK, 1101, 5501, 0, ts + 1000);
	tcp(&t, S_IP, 80, C_IP, 40000, TCP_FIN | TCP_ACK, 5501, 1102, 0, ts + 2000);
	ck_assert_uint_eq(only_flow(&t)->state, TCP_TIME_WAIT);
	ts = handshake_and_data(&t, C_IP, 40001, ts + 3000);	/* the table is full now */
	handshake_and_data(&t, C_IP, 40002, ts + 1000);		/* evicts the TIME_WAIT one */
	ck_assert_uint_eq(t.stats.flows_evicted, 1);
	tcp(&t, C_IP, 40000, S_IP, 80, TCP_ACK, 1102, 5502, 0, ts + 5000);	/* its last ACK */
	ck_assert_uint_eq(t.stats.late_teardown, 1);
	ck_assert_uint_eq(t.stats.flows_evicted, 1);	/* no live flow went for it */
	ck_assert_uint_eq(t.stats.flows_created, 3);
	tracker_free(&t);
}
END_TEST

/* It holds TOMB_HELD at once, each for its 30 s: with 4 slots probed, a
 * quarter of 3 000 were lost early. */
START_TEST(test_tombstones_hold_their_number)
{
	static struct tombstones tb;
	tombstones_clear(&tb);
	uint64_t h = 0x9e3779b97f4a7c15ULL;
	for (uint32_t i = 0; i < TOMB_HELD; i++)
		tombstones_add(&tb, h * (i + 1) ^ (h >> 7) * i, T0 + i);
	uint32_t found = 0;
	for (uint32_t i = 0; i < TOMB_HELD; i++)
		found += (uint32_t)tombstones_has(&tb, h * (i + 1) ^ (h >> 7) * i, T0 + TOMB_HELD);
	ck_assert_uint_eq(found, TOMB_HELD);
	ck_assert(!tombstones_has(&tb, h * (TOMB_HELD + 5), T0 + TOMB_HELD));
	ck_assert(!tombstones_has(&tb, h, T0 + TOMB_TTL_US + TOMB_HELD));	/* expired */
}
END_TEST

START_TEST(test_tombstone_expires)
{
	struct tracker t;
	struct events es;
	tr_init(&t, &es, 100, 100, 0);
	uint64_t ts = handshake_and_data(&t, C_IP, 40000, T0);
	tcp(&t, C_IP, 40000, S_IP, 80, TCP_RST, 1101, 0, 0, ts + 1000);
	ck_assert_uint_eq(only_flow(&t)->state, TCP_CLOSED);
	tracker_advance(&t, T0 + 20 * SEC);	/* CLOSED: 15 s */
	ck_assert_uint_eq(t.table.count, 0);
	/* Long after the tombstone's 30 s, an ACK is a new mid-stream flow. */
	tcp(&t, C_IP, 40000, S_IP, 80, TCP_ACK, 1102, 5502, 0, T0 + 120 * SEC);
	ck_assert_uint_eq(t.table.count, 1);
	ck_assert_uint_eq(t.stats.late_teardown, 0);
	tracker_free(&t);
}
END_TEST

/* ---- valid: UDP, ICMP, ARP ------------------------------------------------ */

START_TEST(test_udp_source_by_port)
{
	struct tracker t;
	struct events es;
	tr_init(&t, &es, 100, 100, 0);
	/* The server's answer is seen first; the client is still the source. */
	udp(&t, S_IP, 53, C2_IP, 53000, 100, T0);
	udp(&t, C2_IP, 53000, S_IP, 53, 30, T0 + 10);
	udp(&t, C2_IP, 53000, S_IP, 53, 30, T0 + 20);
	struct flow *f = only_flow(&t);
	assert_ip4(flow_src_addr(f), C2_IP);
	ck_assert_uint_eq(flow_src_port(f), 53000);
	ck_assert_uint_eq(flow_dst_port(f), 53);
	ck_assert_uint_eq(f->packets[DIR_FWD], 2);
	ck_assert_uint_eq(f->packets[DIR_REV], 1);
	ck_assert_uint_eq(f->bytes[DIR_FWD], 2 * 58);
	ck_assert_uint_eq(f->bytes[DIR_REV], 128);
	tracker_free(&t);

	tr_init(&t, &es, 100, 100, 0);
	udp(&t, C_IP, 40001, S_IP, 53, 30, T0);
	f = only_flow(&t);
	assert_ip4(flow_src_addr(f), C_IP);
	ck_assert_uint_eq(flow_dst_port(f), 53);
	tracker_free(&t);

	/* Neither port registered, however low one is: the first sender
	 * (mtr's probe from 17573 to 33001, which nobody answers). */
	tr_init(&t, &es, 100, 100, 0);
	udp(&t, C_IP, 17573, S_IP, 33001, 30, T0);
	f = only_flow(&t);
	assert_ip4(flow_src_addr(f), C_IP);
	ck_assert_uint_eq(flow_src_port(f), 17573);
	ck_assert_uint_eq(f->packets[DIR_FWD], 1);
	tracker_free(&t);
}
END_TEST

/* TCP headers cut by the snapshot length after their ports (IPv6 in a
 * 68-byte capture): each counts in its connection's flow, nothing of the
 * header is read, so the state stays unknown and nothing is counted as a
 * retransmission. */
START_TEST(test_tcp_header_cut_counts)
{
	struct tracker t;
	struct events es;
	tr_init(&t, &es, 100, 100, 0);
	for (int i = 0; i < 3; i++) {
		struct packet p = base_pkt(L4_TCP, i == 1 ? S_IP : C_IP, i == 1 ? C_IP : S_IP, T0 + (uint64_t)i);
		p.ipproto = 6;
		p.sport = i == 1 ? 80 : 40000;
		p.dport = i == 1 ? 40000 : 80;
		p.l4_cut = 1;
		p.ip_len = 1500;
		tracker_packet(&t, &p);
	}
	struct flow *f = only_flow(&t);
	assert_ip4(flow_src_addr(f), C_IP);
	ck_assert_uint_eq(flow_dst_port(f), 80);
	ck_assert_uint_eq(f->packets[DIR_FWD], 2);
	ck_assert_uint_eq(f->packets[DIR_REV], 1);
	ck_assert_uint_eq(f->bytes[DIR_FWD], 3000);
	ck_assert_uint_eq(f->state, TCP_UNKNOWN);
	ck_assert_uint_eq(f->u.tcp.retransmits + f->u.tcp.out_of_order + f->u.tcp.dup_acks, 0);
	tracker_free(&t);
}
END_TEST

/* A multicast or broadcast address never sends: whoever sends to one opened
 * the flow, whatever the ports say (DHCP's server on 67 answering
 * 255.255.255.255:68; DHCPv6's client on 546 asking ff02::1:2:547). Two
 * service ports else leave the first sender the source. */
START_TEST(test_udp_source_never_a_group)
{
	struct tracker t;
	struct events es;
	const uint32_t bcast = 0xffffffffu, mdns4 = 0xe00000fbu;	/* 224.0.0.251 */
	tr_init(&t, &es, 100, 100, 0);
	udp(&t, S_IP, 67, bcast, 68, 300, T0);
	udp(&t, S_IP, 67, bcast, 68, 300, T0 + 10);
	struct flow *f = only_flow(&t);
	assert_ip4(flow_src_addr(f), S_IP);
	ck_assert_uint_eq(flow_src_port(f), 67);
	ck_assert_uint_eq(f->packets[DIR_FWD], 2);
	tracker_free(&t);

	tr_init(&t, &es, 100, 100, 0);
	udp(&t, C_IP, 5353, mdns4, 5353, 40, T0);
	f = only_flow(&t);
	assert_ip4(flow_src_addr(f), C_IP);
	tracker_free(&t);

	/* IPv6: fe80::1 port 546 to ff02::1:2 port 547. */
	tr_init(&t, &es, 100, 100, 0);
	struct packet p = base_pkt(L4_UDP, 0, 0, T0);
	static const uint8_t ll[16] = { 0xfe, 0x80, [15] = 1 };
	static const uint8_t grp[16] = { 0xff, 0x02, [13] = 1, [15] = 2 };
	p.family = 6;
	p.ipproto = 17;
	memcpy(p.src, ll, 16);
	memcpy(p.dst, grp, 16);
	p.sport = 546;
	p.dport = 547;
	p.ip_len = 100;
	tracker_packet(&t, &p);
	f = only_flow(&t);
	ck_assert_mem_eq(flow_src_addr(f), ll, 16);
	ck_assert_uint_eq(flow_src_port(f), 546);
	tracker_free(&t);

	/* Both ports a service's, unicast: the first sender, even on the
	 * lower port (the DHCP server's unicast offer). */
	tr_init(&t, &es, 100, 100, 0);
	udp(&t, S_IP, 67, C_IP, 68, 300, T0);
	udp(&t, C_IP, 68, S_IP, 67, 300, T0 + 10);
	f = only_flow(&t);
	assert_ip4(flow_src_addr(f), S_IP);
	ck_assert_uint_eq(flow_src_port(f), 67);
	tracker_free(&t);
}
END_TEST

/* A capture may hold a packet stamped before the one written ahead of it
 * (two CPUs): first_seen is the earliest time, last_seen the latest. */
START_TEST(test_seen_times_out_of_order)
{
	struct tracker t;
	struct events es;
	tr_init(&t, &es, 100, 100, 0);
	udp(&t, C_IP, 40001, S_IP, 53, 30, T0 + 20);
	udp(&t, S_IP, 53, C_IP, 40001, 30, T0);
	udp(&t, C_IP, 40001, S_IP, 53, 30, T0 + 50);
	udp(&t, C_IP, 40001, S_IP, 53, 30, T0 + 40);
	struct flow *f = only_flow(&t);
	ck_assert_uint_eq(f->first_seen_us, T0);
	ck_assert_uint_eq(f->last_seen_us, T0 + 50);
	tracker_free(&t);
}
END_TEST

START_TEST(test_icmp_echo_by_id)
{
	struct tracker t;
	struct events es;
	tr_init(&t, &es, 100, 100, 0);
	echo(&t, C_IP, S_IP, 0, 100, 1, T0);
	echo(&t, S_IP, C_IP, 1, 100, 1, T0 + 700);
	echo(&t, C_IP, S_IP, 0, 200, 1, T0 + 1000);
	struct flows fs = open_flows(&t);
	ck_assert_uint_eq(fs.n, 2);
	ck_assert_uint_ne(fs.f[0]->id, fs.f[1]->id);
	struct flow *a = fs.f[0], *b = fs.f[1];
	ck_assert_uint_eq(a->key.pa, 100);
	ck_assert_uint_eq(a->packets[DIR_FWD], 1);
	ck_assert_uint_eq(a->packets[DIR_REV], 1);
	ck_assert_uint_eq(a->u.icmp.rtt_us, 700);
	ck_assert_uint_eq(a->state, ICMP_KIND_ECHO_REPLY);
	assert_ip4(flow_src_addr(a), C_IP);
	ck_assert_uint_eq(b->key.pa, 200);
	ck_assert_uint_eq(b->packets[DIR_FWD], 1);
	ck_assert_uint_eq(b->packets[DIR_REV], 0);
	tracker_free(&t);

	/* A reply seen first: the requester (its receiver) is the source. */
	tr_init(&t, &es, 100, 100, 0);
	echo(&t, S_IP, C_IP, 1, 300, 1, T0);
	a = only_flow(&t);
	assert_ip4(flow_src_addr(a), C_IP);
	ck_assert_uint_eq(a->packets[DIR_REV], 1);
	tracker_free(&t);
}
END_TEST

/* Live, the local end is a flow's source, whichever end pings: the echo
 * requester is kept apart (its ping socket owns the flow, core/owners.c),
 * from a request or from a reply seen first. */
static int server_is_local(int family, const uint8_t *addr, void *ctx)
{
	uint8_t s[16];
	(void)ctx;
	ip4_store(s, S_IP);
	return family == 4 && !memcmp(addr, s, 4);
}

static void assert_requester(const struct flow *f, uint32_t ip)
{
	assert_ip4(f->u.icmp.requester_b ? f->key.b : f->key.a, ip);
}

START_TEST(test_icmp_requester_not_source)
{
	struct tracker t;
	struct events es;
	struct tracker_config cfg = { .max_flows = 100, .history = 100, .on_event = on_event,
				      .event_ctx = &es, .is_local = server_is_local };
	for (int order = 0; order < 2; order++) {
		memset(&es, 0, sizeof(es));
		ck_assert_int_eq(tracker_init(&t, &cfg), 0);
		if (order == 0) {
			echo(&t, C_IP, S_IP, 0, 7, 1, T0);	/* the peer pings us */
			echo(&t, S_IP, C_IP, 1, 7, 1, T0 + 100);
		} else {
			echo(&t, S_IP, C_IP, 1, 7, 1, T0);	/* its reply first */
		}
		echo(&t, S_IP, C_IP, 0, 8, 1, T0 + 200);	/* we ping the peer */
		echo(&t, C_IP, S_IP, 1, 8, 1, T0 + 300);
		struct flows fs = open_flows(&t);
		ck_assert_uint_eq(fs.n, 2);
		for (size_t i = 0; i < fs.n; i++) {
			assert_ip4(flow_src_addr(fs.f[i]), S_IP);	/* the local end */
			assert_requester(fs.f[i], fs.f[i]->key.pa == 7 ? C_IP : S_IP);
		}
		tracker_free(&t);
	}
}
END_TEST

/* An echo with identifier 0 is an echo flow of its own: it was keyed as
 * the address pair's other ICMP, merged with a port unreachable between
 * the same hosts, and had no icmp_id. An error quoting it still finds it. */
START_TEST(test_icmp_echo_id_zero)
{
	struct tracker t;
	struct events es;
	tr_init(&t, &es, 100, 100, 0);
	echo(&t, C_IP, S_IP, 0, 0, 1, T0);
	echo(&t, S_IP, C_IP, 1, 0, 1, T0 + 100);
	struct packet p = base_pkt(L4_ICMP, S_IP, C_IP, T0 + 200);	/* port unreachable */
	p.ipproto = 1;
	p.icmp_type = 3;
	p.icmp_kind = ICMP_KIND_DEST_UNREACH;
	p.ip_len = 56;
	tracker_packet(&t, &p);
	struct flows fs = open_flows(&t);
	ck_assert_uint_eq(fs.n, 2);
	struct flow *e = fs.f[0]->state == ICMP_KIND_DEST_UNREACH ? fs.f[1] : fs.f[0];
	ck_assert_uint_eq(e->state, ICMP_KIND_ECHO_REPLY);
	ck_assert_uint_eq(e->key.ipproto, FLOW_KEY_ICMP_ECHO);
	ck_assert_uint_eq(e->packets[DIR_FWD] + e->packets[DIR_REV], 2);
	/* time exceeded quoting the echo request: noted on the echo flow */
	p = base_pkt(L4_ICMP, S_IP, C_IP, T0 + 300);
	p.ipproto = 1;
	p.icmp_type = 11;
	p.icmp_kind = ICMP_KIND_TIME_EXCEEDED;
	p.ip_len = 56;
	p.quoted.valid = 1;
	p.quoted.family = 4;
	p.quoted.proto = L4_ICMP;
	p.quoted.ipproto = 1;
	ip4_store(p.quoted.src, C_IP);
	ip4_store(p.quoted.dst, S_IP);
	tracker_packet(&t, &p);
	ck_assert_uint_eq(e->icmp_err_count, 1);
	tracker_free(&t);
}
END_TEST

/* A UDP exchange's response time, as RustNet's DNS timer: the first answer
 * after the first query (later ones do not change it); a flow never
 * answered has none. It survives the flow's close into the history. */
START_TEST(test_udp_response_time)
{
	struct tracker t;
	struct events es;
	tr_init(&t, &es, 100, 100, 0);
	udp(&t, C_IP, 40000, S_IP, 53, 30, T0);
	ck_assert_uint_eq(only_flow(&t)->u.udp.rtt_us, 0);
	udp(&t, C_IP, 40000, S_IP, 53, 30, T0 + 500);		/* a retry */
	udp(&t, S_IP, 53, C_IP, 40000, 80, T0 + 1234);
	udp(&t, C_IP, 40000, S_IP, 53, 30, T0 + 9000);
	udp(&t, S_IP, 53, C_IP, 40000, 80, T0 + 9100);
	struct flow *f = only_flow(&t);
	ck_assert_uint_eq(f->u.udp.rtt_us, 1234);
	uint32_t id = f->id;
	tracker_advance(&t, T0 + 100 * SEC);
	ck_assert_uint_eq(t.history.count, 1);
	const struct flow *h = history_get(&t.history, 0);
	ck_assert_uint_eq(h->id, id);
	ck_assert_uint_eq(h->u.udp.rtt_us, 1234);
	udp(&t, C_IP, 40001, S_IP, 9, 10, T0 + 101 * SEC);	/* never answered */
	ck_assert_uint_eq(only_flow(&t)->u.udp.rtt_us, 0);
	tracker_free(&t);
}
END_TEST

START_TEST(test_arp_pair)
{
	struct tracker t;
	struct events es;
	tr_init(&t, &es, 100, 100, 0);
	arp(&t, 1, C_IP, S_IP, 0xaa, 0x00, T0);
	arp(&t, 2, S_IP, C_IP, 0xbb, 0xaa, T0 + 100);
	struct flow *f = only_flow(&t);
	ck_assert_uint_eq(f->key.proto, L4_ARP);
	assert_ip4(flow_src_addr(f), C_IP);
	ck_assert_uint_eq(f->packets[DIR_FWD], 1);
	ck_assert_uint_eq(f->packets[DIR_REV], 1);
	ck_assert_uint_eq(f->bytes[DIR_FWD], 28);
	ck_assert_uint_eq(f->state, 2);
	ck_assert_str_eq(flow_state_name(f, T0 + 100), "ARP_IS_AT");
	uint8_t aa[6], bb[6];
	memset(aa, 0xaa, 6);
	memset(bb, 0xbb, 6);
	/* key.a is 10.0.0.1 (the requester), key.b 10.0.0.2 */
	ck_assert_mem_eq(f->u.arp.mac_a, aa, 6);
	ck_assert_mem_eq(f->u.arp.mac_b, bb, 6);
	tracker_free(&t);
}
END_TEST

START_TEST(test_icmp_error_noted_on_flow)
{
	struct tracker t;
	struct events es;
	tr_init(&t, &es, 100, 100, 0);
	udp(&t, C_IP, 40001, S_IP, 53, 30, T0);
	struct packet p = base_pkt(L4_ICMP, S_IP, C_IP, T0 + 100);
	p.ipproto = 1;
	p.icmp_type = 3;
	p.icmp_code = 3;
	p.icmp_kind = ICMP_KIND_DEST_UNREACH;
	p.ip_len = 56;
	p.quoted.valid = 1;
	p.quoted.family = 4;
	p.quoted.proto = L4_UDP;
	p.quoted.ipproto = 17;
	ip4_store(p.quoted.src, C_IP);
	ip4_store(p.quoted.dst, S_IP);
	p.quoted.sport = 40001;
	p.quoted.dport = 53;
	tracker_packet(&t, &p);

	struct flows fs = open_flows(&t);
	ck_assert_uint_eq(fs.n, 2);	/* the UDP flow and the ICMP message's own */
	struct flow *u = fs.f[0];
	ck_assert_uint_eq(u->key.proto, L4_UDP);
	ck_assert_uint_eq(u->icmp_err_count, 1);
	ck_assert_uint_eq(u->icmp_err_type, 3);
	ck_assert_uint_eq(u->icmp_err_code, 3);
	ck_assert_uint_eq(u->packets[DIR_FWD], 1);
	ck_assert_uint_eq(u->packets[DIR_REV], 0);
	ck_assert_uint_eq(u->bytes[DIR_FWD], 58);
	ck_assert_uint_eq(t.stats.icmp_errors_noted, 1);
	ck_assert_uint_eq(fs.f[1]->key.proto, L4_ICMP);

	/* An error quoting a flow we never saw is not noted. */
	p.quoted.sport = 40002;
	tracker_packet(&t, &p);
	ck_assert_uint_eq(t.stats.icmp_errors_noted, 1);
	ck_assert_uint_eq(u->icmp_err_count, 1);
	tracker_free(&t);
}
END_TEST

START_TEST(test_hide_loopback)
{
	struct tracker t;
	struct events es;
	tr_init(&t, &es, 100, 100, 1);
	udp(&t, IP4(127, 0, 0, 1), 40000, IP4(127, 0, 0, 1), 53, 10, T0);
	ck_assert_uint_eq(t.table.count, 0);
	ck_assert_uint_eq(t.stats.loopback_skipped, 1);
	udp(&t, IP4(127, 0, 0, 1), 40000, S_IP, 53, 10, T0);	/* one end is not loopback */
	ck_assert_uint_eq(t.table.count, 1);
	tracker_free(&t);

	tr_init(&t, &es, 100, 100, 0);
	udp(&t, IP4(127, 0, 0, 1), 40000, IP4(127, 0, 0, 1), 53, 10, T0);
	ck_assert_uint_eq(t.table.count, 1);
	ck_assert_uint_eq(t.stats.loopback_skipped, 0);
	tracker_free(&t);
}
END_TEST

/* ---- valid: fragments ------------------------------------------------------- */

static uint8_t frag_ifc;	/* the interface frag() says its packets crossed */

static void frag(struct tracker *t, int first, int more, uint32_t ip_len, uint64_t ts)
{
	struct packet p = base_pkt(L4_UDP, C_IP, S_IP, ts);
	p.ifc = frag_ifc;
	p.ipproto = 17;
	p.is_fragment = 1;
	p.first_fragment = (uint8_t)first;
	p.more_fragments = (uint8_t)more;
	p.frag_id = 77;
	if (first) {
		p.sport = 40001;
		p.dport = 5353;
	}
	p.ip_len = ip_len;
	tracker_packet(t, &p);
}

START_TEST(test_fragments_in_order)
{
	struct tracker t;
	struct events es;
	tr_init(&t, &es, 100, 100, 0);
	frag(&t, 1, 1, 1500, T0);
	frag(&t, 0, 1, 1500, T0 + 10);
	frag(&t, 0, 0, 100, T0 + 20);
	struct flow *f = only_flow(&t);
	ck_assert_uint_eq(flow_src_port(f), 40001);
	ck_assert_uint_eq(flow_dst_port(f), 5353);
	ck_assert_uint_eq(f->packets[DIR_FWD], 3);
	ck_assert_uint_eq(f->bytes[DIR_FWD], 3100);
	ck_assert_uint_eq(t.stats.fragments_pending, 0);
	tracker_free(&t);
}
END_TEST

START_TEST(test_fragment_before_first)
{
	struct tracker t;
	struct events es;
	tr_init(&t, &es, 100, 100, 0);
	frag(&t, 0, 0, 100, T0);		/* the last fragment overtakes */
	ck_assert_uint_eq(t.table.count, 0);
	ck_assert_uint_eq(t.stats.fragments_pending, 1);
	frag(&t, 1, 1, 1500, T0 + 10);
	struct flow *f = only_flow(&t);
	ck_assert_uint_eq(f->packets[DIR_FWD], 2);
	ck_assert_uint_eq(f->bytes[DIR_FWD], 1600);
	ck_assert_uint_eq(t.stats.tracked_packets, 2);
	tracker_free(&t);
}
END_TEST

/* A router read on both its interfaces sees each fragment twice: a later
 * fragment belongs to the flow of its own interface, never to the other
 * one's, even when only the other saw the first fragment. */
START_TEST(test_fragments_per_interface)
{
	struct tracker t;
	struct events es;
	tr_init(&t, &es, 100, 100, 0);
	frag_ifc = 0;
	frag(&t, 1, 1, 1500, T0);
	frag_ifc = 1;
	frag(&t, 0, 0, 100, T0 + 10);	/* its first fragment never crossed this one */
	frag_ifc = 0;
	struct flow *f = only_flow(&t);
	ck_assert_uint_eq(f->key.ifc, 0);
	ck_assert_uint_eq(f->packets[DIR_FWD], 1);
	ck_assert_uint_eq(t.stats.fragments_pending, 1);
	frag(&t, 0, 0, 100, T0 + 20);
	ck_assert_uint_eq(f->packets[DIR_FWD], 2);
	tracker_free(&t);
}
END_TEST

/* ---- timeouts, expiry, eviction, history ---------------------------------------- */

START_TEST(test_timeout_table)
{
	static const struct { uint8_t proto, state; uint64_t secs; } tab[] = {
		{ L4_TCP, TCP_ESTABLISHED, 300 }, { L4_TCP, TCP_SYN_SENT, 60 },
		{ L4_TCP, TCP_SYN_RECV, 60 }, { L4_TCP, TCP_FIN_WAIT1, 60 },
		{ L4_TCP, TCP_FIN_WAIT2, 60 }, { L4_TCP, TCP_CLOSE_WAIT, 60 },
		{ L4_TCP, TCP_LAST_ACK, 60 }, { L4_TCP, TCP_TIME_WAIT, 30 },
		{ L4_TCP, TCP_CLOSING, 30 }, { L4_TCP, TCP_CLOSED, 15 },
		{ L4_TCP, TCP_UNKNOWN, 120 }, { L4_UDP, UDP_ACTIVE, 60 },
		{ L4_ICMP, ICMP_KIND_ECHO_REQUEST, 10 }, { L4_ICMPV6, ICMP_KIND_ECHO_REPLY, 10 },
		{ L4_ARP, 1, 30 }, { L4_OTHER_IP, 0, 60 }, { L4_OTHER_IP, 0x16, 10 },	/* IGMP */
	};
	for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++) {
		struct flow f;
		memset(&f, 0, sizeof(f));
		f.key.proto = tab[i].proto;
		f.key.ipproto = tab[i].proto == L4_OTHER_IP && tab[i].state ? 2 : 0;
		f.state = tab[i].state;
		f.last_seen_us = T0;
		ck_assert_msg(lifecycle_timeout_us(&f) == tab[i].secs * SEC, "row %zu", i);
		ck_assert_uint_eq(lifecycle_deadline_us(&f), T0 + tab[i].secs * SEC);
	}
}
END_TEST

/* One flow of each kind, then expiry exactly at its timeout. */
enum kind { K_TCP_EST, K_TCP_SYN, K_TCP_TW, K_TCP_CLOSED, K_TCP_UNKNOWN, K_UDP, K_ICMP, K_ARP,
	    K_COUNT };

static const struct { const char *name; uint64_t secs; uint8_t state; } kinds[K_COUNT] = {
	[K_TCP_EST] = { "TCP established", 300, TCP_ESTABLISHED },
	[K_TCP_SYN] = { "TCP SYN_SENT", 60, TCP_SYN_SENT },
	[K_TCP_TW] = { "TCP TIME_WAIT", 30, TCP_TIME_WAIT },
	[K_TCP_CLOSED] = { "TCP CLOSED", 15, TCP_CLOSED },
	[K_TCP_UNKNOWN] = { "TCP UNKNOWN", 120, TCP_UNKNOWN },
	[K_UDP] = { "UDP", 60, UDP_ACTIVE },
	[K_ICMP] = { "ICMP", 10, ICMP_KIND_ECHO_REQUEST },
	[K_ARP] = { "ARP", 30, 1 },
};

static void make_kind(struct tracker *t, enum kind k, uint64_t ts)
{
	switch (k) {
	case K_TCP_EST:
		tcp(t, C_IP, 40000, S_IP, 80, TCP_SYN, 1, 0, 0, ts);
		tcp(t, S_IP, 80, C_IP, 40000, TCP_SYN | TCP_ACK, 9, 2, 0, ts);
		tcp(t, C_IP, 40000, S_IP, 80, TCP_ACK, 2, 10, 0, ts);
		break;
	case K_TCP_SYN:
		tcp(t, C_IP, 40000, S_IP, 80, TCP_SYN, 1, 0, 0, ts);
		break;
	case K_TCP_TW:
		tcp(t, C_IP, 40000, S_IP, 80, TCP_FIN | TCP_ACK, 1, 9, 0, ts);
		tcp(t, S_IP, 80, C_IP, 40000, TCP_FIN | TCP_ACK, 9, 2, 0, ts);
		break;
	case K_TCP_CLOSED:
		tcp(t, C_IP, 40000, S_IP, 80, TCP_RST, 1, 0, 0, ts);
		break;
	case K_TCP_UNKNOWN:
		tcp(t, C_IP, 40000, S_IP, 80, 0, 1, 0, 10, ts);
		break;
	case K_UDP:
		udp(t, C_IP, 40001, S_IP, 53, 10, ts);
		break;
	case K_ICMP:
		echo(t, C_IP, S_IP, 0, 1, 1, ts);
		break;
	case K_ARP:
		arp(t, 1, C_IP, S_IP, 0xaa, 0, ts);
		break;
	default:
		break;
	}
}

START_TEST(test_expiry_per_protocol)
{
	enum kind k = (enum kind)_i;
	struct tracker t;
	struct events es;
	tr_init(&t, &es, 100, 100, 0);
	make_kind(&t, k, T0);
	struct flow *f = only_flow(&t);
	ck_assert_msg(f->state == kinds[k].state, "%s: state %u", kinds[k].name, f->state);
	ck_assert_uint_eq(lifecycle_timeout_us(f), kinds[k].secs * SEC);
	uint32_t id = f->id;

	ck_assert_uint_eq(tracker_advance(&t, T0 + kinds[k].secs * SEC - 1), 0);
	ck_assert_uint_eq(t.table.count, 1);
	ck_assert_uint_eq(t.history.count, 0);
	ck_assert_msg(tracker_advance(&t, T0 + kinds[k].secs * SEC) == 1, "%s not expired at %llu s",
		      kinds[k].name, (unsigned long long)kinds[k].secs);
	ck_assert_uint_eq(t.table.count, 0);
	ck_assert_uint_eq(t.history.count, 1);
	const struct flow *h = history_get(&t.history, 0);
	ck_assert_uint_eq(h->id, id);
	ck_assert(h->flags & FLOW_CLOSED);
	ck_assert(!(h->flags & FLOW_EVICTED));
	ck_assert_uint_eq(t.stats.flows_closed, 1);
	ck_assert_uint_eq(es.e[es.n - 1].ev, FLOW_EVENT_CLOSED);
	ck_assert_uint_eq(es.e[es.n - 1].why, CLOSE_IDLE);
	tracker_free(&t);
}
END_TEST

START_TEST(test_activity_extends_life)
{
	struct tracker t;
	struct events es;
	tr_init(&t, &es, 100, 100, 0);
	for (uint64_t s = 0; s <= 600; s += 50)
		udp(&t, C_IP, 40001, S_IP, 53, 10, T0 + s * SEC);
	ck_assert_uint_eq(t.table.count, 1);
	ck_assert_uint_eq(only_flow(&t)->packets[DIR_FWD], 13);
	ck_assert_uint_eq(tracker_advance(&t, T0 + 659 * SEC), 0);
	ck_assert_uint_eq(tracker_advance(&t, T0 + 660 * SEC), 1);
	tracker_free(&t);
}
END_TEST

START_TEST(test_eviction_prefers_half_open)
{
	struct tracker t;
	struct events es;
	tr_init(&t, &es, 4, 100, 0);
	for (uint16_t i = 0; i < 3; i++)
		handshake_and_data(&t, C_IP, (uint16_t)(41000 + i), T0);
	/* The half-open flow is the newest, so "oldest first" would be wrong. */
	tcp(&t, C2_IP, 50000, S_IP, 80, TCP_SYN, 1, 0, 0, T0 + 10 * SEC);
	for (uint16_t i = 0; i < 3; i++)	/* the established flows stay active */
		tcp(&t, C_IP, (uint16_t)(41000 + i), S_IP, 80, TCP_ACK, 1101, 5501, 0, T0 + 20 * SEC);
	ck_assert_uint_eq(t.table.count, 4);
	ck_assert(flow_table_full(&t.table));

	udp(&t, C_IP, 40001, S_IP, 53, 10, T0 + 30 * SEC);	/* the 5th flow */
	ck_assert_uint_eq(t.table.count, 4);
	ck_assert_uint_eq(t.stats.flows_evicted, 1);
	struct flows fs = open_flows(&t);
	for (uint32_t i = 0; i < fs.n; i++)
		ck_assert_msg(fs.f[i]->state != TCP_SYN_SENT || fs.f[i]->key.proto != L4_TCP,
			      "the half-open flow survived");
	ck_assert_uint_eq(fs.f[3]->key.proto, L4_UDP);
	ck_assert_uint_eq(t.history.count, 1);
	const struct flow *h = history_get(&t.history, 0);
	ck_assert_uint_eq(h->state, TCP_SYN_SENT);
	ck_assert(h->flags & FLOW_EVICTED);
	int saw = 0;
	for (uint32_t i = 0; i < es.n; i++)
		if (es.e[i].ev == FLOW_EVENT_CLOSED && es.e[i].why == CLOSE_EVICTED)
			saw++;
	ck_assert_int_eq(saw, 1);

	/* Full again: the next victim is the flow nearest its deadline now,
	 * the UDP flow (60 s) rather than the established ones (300 s). */
	udp(&t, C_IP, 40002, S_IP, 123, 10, T0 + 31 * SEC);
	ck_assert_uint_eq(t.stats.flows_evicted, 2);
	fs = open_flows(&t);
	for (uint32_t i = 0; i < 3; i++)
		ck_assert_uint_eq(fs.f[i]->state, TCP_ESTABLISHED);
	ck_assert_uint_eq(fs.f[3]->key.pb, 123);
	tracker_free(&t);
}
END_TEST

START_TEST(test_history_bounded)
{
	struct tracker t;
	struct events es;
	tr_init(&t, &es, 100, 2, 0);
	for (uint16_t i = 0; i < 3; i++)
		udp(&t, C_IP, (uint16_t)(40000 + i), S_IP, 53, 10, T0 + i * SEC);
	tracker_advance(&t, T0 + 61 * SEC);	/* the first expires */
	tracker_advance(&t, T0 + 62 * SEC);
	tracker_advance(&t, T0 + 63 * SEC);
	ck_assert_uint_eq(t.table.count, 0);
	ck_assert_uint_eq(t.stats.flows_closed, 3);
	ck_assert_uint_eq(t.history.count, 2);
	ck_assert_uint_eq(t.history.dropped, 1);
	ck_assert_uint_eq(flow_src_port(history_get(&t.history, 0)), 40001);
	ck_assert_uint_eq(flow_src_port(history_get(&t.history, 1)), 40002);
	ck_assert_ptr_null(history_get(&t.history, 2));
	tracker_free(&t);

	tr_init(&t, &es, 100, 0, 0);	/* no history at all */
	udp(&t, C_IP, 40000, S_IP, 53, 10, T0);
	tracker_advance(&t, T0 + 61 * SEC);
	ck_assert_uint_eq(t.history.count, 0);
	ck_assert_uint_eq(t.history.dropped, 1);
	ck_assert_ptr_null(history_get(&t.history, 0));
	tracker_free(&t);
}
END_TEST

/* ---- regressions ------------------------------------------------------------- */

START_TEST(test_both_directions_one_flow)
{
	struct tracker t;
	struct events es;
	tr_init(&t, &es, 100, 100, 0);
	udp(&t, C_IP, 5000, S_IP, 6000, 10, T0);
	udp(&t, S_IP, 6000, C_IP, 5000, 10, T0 + 1);
	udp(&t, C_IP, 5000, S_IP, 6001, 10, T0 + 2);	/* another port: another flow */
	struct flows fs = open_flows(&t);
	ck_assert_uint_eq(fs.n, 2);
	ck_assert_uint_eq(fs.f[0]->packets[DIR_FWD] + fs.f[0]->packets[DIR_REV], 2);
	ck_assert_uint_eq(fs.f[0]->packets[DIR_FWD], 1);
	tracker_free(&t);
}
END_TEST

START_TEST(test_undecoded_counted)
{
	struct tracker t;
	struct events es;
	tr_init(&t, &es, 100, 100, 0);
	tracker_note_undecoded(&t, DECODE_TRUNCATED, 60);
	tracker_note_undecoded(&t, DECODE_MALFORMED, 70);
	tracker_note_undecoded(&t, DECODE_NOT_IP, 80);
	tracker_note_undecoded(&t, DECODE_UNSUPPORTED_LINK, 90);
	ck_assert_uint_eq(t.stats.packets, 4);
	ck_assert_uint_eq(t.stats.bytes, 300);
	ck_assert_uint_eq(t.stats.truncated, 1);
	ck_assert_uint_eq(t.stats.malformed, 1);
	ck_assert_uint_eq(t.stats.not_ip, 1);
	ck_assert_uint_eq(t.stats.unsupported_link, 1);
	ck_assert_uint_eq(t.table.count, 0);
	tracker_free(&t);
}
END_TEST

START_TEST(test_loopback_ping_direction)
{
	/* ping 127.0.0.1: both ends are one address; the message decides. */
	struct tracker t;
	struct events es;
	tr_init(&t, &es, 100, 100, 0);
	echo(&t, IP4(127, 0, 0, 1), IP4(127, 0, 0, 1), 0, 9, 1, T0);
	echo(&t, IP4(127, 0, 0, 1), IP4(127, 0, 0, 1), 1, 9, 1, T0 + 50);
	struct flow *f = only_flow(&t);
	ck_assert_uint_eq(f->packets[DIR_FWD], 1);
	ck_assert_uint_eq(f->packets[DIR_REV], 1);
	ck_assert_uint_eq(f->u.icmp.rtt_us, 50);
	tracker_free(&t);
}
END_TEST

static Suite *tracker_suite(void)
{
	Suite *s = suite_create("tracker");
	TCase *tc = tcase_create("valid");
	tcase_add_test(tc, test_tcp_client_closes);
	tcase_add_test(tc, test_tcp_server_closes);
	tcase_add_test(tc, test_tcp_source_is_syn_sender);
	tcase_add_test(tc, test_tcp_syn_after_close_new_flow);
	tcase_add_test(tc, test_tombstone_late_teardown);
	tcase_add_test(tc, test_tombstone_expires);
	tcase_add_test(tc, test_tombstone_after_eviction);
	tcase_add_test(tc, test_tombstones_hold_their_number);
	tcase_add_test(tc, test_udp_source_by_port);
	tcase_add_test(tc, test_udp_source_never_a_group);
	tcase_add_test(tc, test_seen_times_out_of_order);
	tcase_add_test(tc, test_icmp_echo_by_id);
	tcase_add_test(tc, test_icmp_requester_not_source);
	tcase_add_test(tc, test_icmp_echo_id_zero);
	tcase_add_test(tc, test_udp_response_time);
	tcase_add_test(tc, test_arp_pair);
	tcase_add_test(tc, test_icmp_error_noted_on_flow);
	tcase_add_test(tc, test_hide_loopback);
	tcase_add_test(tc, test_tcp_header_cut_counts);
	tcase_add_test(tc, test_fragments_in_order);
	tcase_add_test(tc, test_fragments_per_interface);
	tcase_add_test(tc, test_fragment_before_first);
	suite_add_tcase(s, tc);

	tc = tcase_create("lifecycle");
	tcase_add_test(tc, test_timeout_table);
	tcase_add_loop_test(tc, test_expiry_per_protocol, 0, K_COUNT);
	tcase_add_test(tc, test_activity_extends_life);
	tcase_add_test(tc, test_eviction_prefers_half_open);
	tcase_add_test(tc, test_history_bounded);
	suite_add_tcase(s, tc);

	tc = tcase_create("regressions");
	tcase_add_test(tc, test_both_directions_one_flow);
	tcase_add_test(tc, test_undecoded_counted);
	tcase_add_test(tc, test_loopback_ping_direction);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(tracker_suite());
}
