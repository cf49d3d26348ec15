/*
 * tracker.c - decoded packets → flows.
 *
 * Which endpoint is the "source": the local side when capture is live and
 * exactly one side is this machine; otherwise the initiator: the SYN sender
 * (or the receiver of a SYN/ACK seen first), the ICMP echo requester, the
 * ARP requester; for UDP and other protocols the side that is not on a
 * well-known or registered service port, else the first sender.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tracker.h"
#include "owners.h"
#include "dpi.h"
#include "lifecycle.h"
#include "services.h"

#define EXPIRE_BUDGET 20000	/* flows expired per advance; the rest next pass */

static uint64_t deadline_cb(const struct flow *f, void *ctx)
{
	(void)ctx;
	return lifecycle_deadline_us(f);
}

int tracker_init(struct tracker *t, const struct tracker_config *cfg)
{
	memset(t, 0, sizeof(*t));
	t->cfg = *cfg;
	int rc = flow_table_init(&t->table, cfg->max_flows, deadline_cb, t);
	if (rc < 0)
		return rc;
	if (history_init(&t->history, cfg->history) < 0 ||
	    frag_table_init(&t->frags, t->table.seed) < 0 ||
	    !(t->tombs = calloc(1, sizeof(*t->tombs)))) {
		tracker_free(t);
		return -ENOMEM;
	}
	return 0;
}

void tracker_free(struct tracker *t)
{
	flow_table_free(&t->table);
	history_free(&t->history);
	frag_table_free(&t->frags);
	reasm_free(&t->reasm);
	free(t->tombs);
	t->tombs = NULL;
	free(t->mirror_mask);
	t->mirror_mask = NULL;
}

void tracker_note_undecoded(struct tracker *t, enum decode_result r, uint32_t wire_len)
{
	t->stats.packets++;
	t->stats.bytes += wire_len;
	switch (r) {
	case DECODE_NOT_IP: t->stats.not_ip++; break;
	case DECODE_UNSUPPORTED_LINK: t->stats.unsupported_link++; break;
	case DECODE_TRUNCATED: t->stats.truncated++; break;
	case DECODE_MALFORMED: t->stats.malformed++; break;
	default: break;
	}
}

static int is_loopback(int family, const uint8_t *a)
{
	static const uint8_t v6lo[16] = { [15] = 1 };
	static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
	if (family == 4)
		return a[0] == 127;
	if (family == 6)
		return !memcmp(a, v6lo, 16) || (!memcmp(a, mapped, 12) && a[12] == 127);
	return 0;
}

static inline uint64_t be64_at(const uint8_t *p)
{
	return (uint64_t)p[0] << 56 | (uint64_t)p[1] << 48 | (uint64_t)p[2] << 40 |
	       (uint64_t)p[3] << 32 | (uint64_t)p[4] << 24 | (uint64_t)p[5] << 16 |
	       (uint64_t)p[6] << 8 | p[7];
}

/* The sign of memcmp(x, y, 16) from two big-endian word compares (one load
 * each on any host): byte order is what memcmp compares, and it runs for
 * every packet. */
static inline int addr_cmp(const uint8_t *x, const uint8_t *y)
{
	uint64_t a = be64_at(x), b = be64_at(y);
	if (a != b)
		return a < b ? -1 : 1;
	a = be64_at(x + 8);
	b = be64_at(y + 8);
	return a < b ? -1 : a > b;
}

/* Canonical key: the lower (address, port) endpoint is `a`. */
static inline void make_key(struct flow_key *k, uint8_t ifc, uint8_t proto, uint8_t family,
			    uint8_t ipproto, const uint8_t *src, uint16_t sport, const uint8_t *dst,
			    uint16_t dport, int *from_a)
{
	memset(k, 0, sizeof(*k));
	k->ifc = ifc;
	k->proto = proto;
	k->family = family;
	k->ipproto = proto == L4_OTHER_IP ? ipproto : 0;
	int c = addr_cmp(src, dst);
	int src_first = c < 0 || (c == 0 && sport <= dport);
	if (src_first) {
		memcpy(k->a, src, 16);
		memcpy(k->b, dst, 16);
		k->pa = sport;
		k->pb = dport;
	} else {
		memcpy(k->a, dst, 16);
		memcpy(k->b, src, 16);
		k->pa = dport;
		k->pb = sport;
	}
	*from_a = src_first;
}

static inline void packet_key(const struct packet *p, struct flow_key *k, int *from_a)
{
	uint16_t sp = p->sport, dp = p->dport;
	if (p->proto == L4_ICMP || p->proto == L4_ICMPV6) {
		int echo = p->icmp_kind == ICMP_KIND_ECHO_REQUEST || p->icmp_kind == ICMP_KIND_ECHO_REPLY;
		sp = dp = echo ? p->icmp_id : 0;
		make_key(k, p->ifc, p->proto, p->family, p->ipproto, p->src, sp, p->dst, dp, from_a);
		if (echo)
			k->ipproto = FLOW_KEY_ICMP_ECHO;
		return;
	} else if (p->proto == L4_ARP || p->proto == L4_OTHER_IP) {
		sp = dp = 0;
	}
	make_key(k, p->ifc, p->proto, p->family, p->ipproto, p->src, sp, p->dst, dp, from_a);
}

/* How strongly a port looks like a server's: well-known, registered (the
 * services table), or neither. An unregistered port says nothing, however
 * low: a traceroute's probe from 17573 to 33434 is sent by 17573's side. */
static int server_score(uint16_t port, uint8_t proto)
{
	if (port == 0)
		return 0;
	if (port < 1024)
		return 2;
	return services_lookup(port, proto) ? 1 : 0;
}

/* Which side opened the conversation, judged from its first packet:
 * returns 1 when the sender did; *strong says the packet proves it. */
static int initiator_is_sender(const struct packet *p, int *strong)
{
	*strong = 1;
	/* A group address never sends, so never opens a flow (a subnet's
	 * directed broadcast needs its mask: live, the local side decides). */
	if (p->family && addr_is_group(p->family, p->dst) && !addr_is_group(p->family, p->src))
		return 1;	/* a DHCP answer to 255.255.255.255:68, a query to ff02::1:2 */
	switch (p->proto) {
	case L4_TCP:
		if ((p->tcp_flags & (TCP_SYN | TCP_ACK)) == TCP_SYN)
			return 1;
		if ((p->tcp_flags & (TCP_SYN | TCP_ACK)) == (TCP_SYN | TCP_ACK))
			return 0;
		break;
	case L4_ICMP: case L4_ICMPV6:
		return p->icmp_kind != ICMP_KIND_ECHO_REPLY;
	case L4_ARP:
		return p->arp_op != 2;
	default:
		break;
	}
	*strong = 0;
	if (p->proto == L4_TCP || p->proto == L4_UDP) {
		int ss = server_score(p->sport, p->proto), sd = server_score(p->dport, p->proto);
		if (ss != sd)
			return ss < sd;
	}
	return 1;	/* the first sender (both ports a service's, or neither) */
}

static void choose_source(struct tracker *t, struct flow *f, const struct packet *p, int from_a)
{
	int strong;
	int init_sender = initiator_is_sender(p, &strong);
	int src_is_sender = init_sender;

	if (t->cfg.is_local) {
		int fam = p->family ? p->family : 4;	/* ARP carries IPv4 addresses */
		int la = t->cfg.is_local(fam, f->key.a, t->cfg.is_local_ctx);
		int lb = t->cfg.is_local(fam, f->key.b, t->cfg.is_local_ctx);
		f->flags |= (la ? FLOW_LOCAL_A : 0) | (lb ? FLOW_LOCAL_B : 0);
		if (la != lb) {
			src_is_sender = from_a ? la : lb;	/* the local side */
			strong = 1;
		}
	}
	if (src_is_sender != init_sender)
		f->flags |= FLOW_DST_INITIATED;
	int src_is_a = src_is_sender ? from_a : !from_a;
	if (!src_is_a)
		f->flags |= FLOW_SRC_IS_B;
	if (strong)
		f->flags |= FLOW_SRC_DECIDED;
}

static void emit(struct tracker *t, enum flow_event ev, const struct flow *f, enum close_reason why)
{
	if (t->cfg.on_event)
		t->cfg.on_event(t->cfg.event_ctx, ev, f, why, t->now_us);
}

/* A flow just made: its place in the counters. */
static void count_new(struct tracker *t, const struct flow *f)
{
	t->stats.flows_created++;
	t->open_by_proto[f->key.proto]++;
	if (t->table.count > t->stats.peak_flows)
		t->stats.peak_flows = t->table.count;
}

static void close_flow(struct tracker *t, struct flow *f, enum close_reason why)
{
	t->stats.flows_closed++;
	if (why == CLOSE_EVICTED) {
		t->stats.flows_evicted++;
		f->flags |= FLOW_EVICTED;
	}
	/* Evicted too: a late FIN or ACK of it would come back as a flow and
	 * push a live one out in turn. */
	if (f->key.proto == L4_TCP && (why == CLOSE_IDLE || why == CLOSE_EVICTED) &&
	    tcp_state_is_closing(f->state))
		tombstones_add(t->tombs, flow_key_hash(&t->table, &f->key), t->now_us);
	if (f->key.proto == L4_TCP) {
		t->closed_tcp.retransmits += f->u.tcp.retransmits;
		t->closed_tcp.out_of_order += f->u.tcp.out_of_order;
		t->closed_tcp.fast_retransmits += f->u.tcp.fast_retransmits;
		t->closed_tcp.dup_acks += f->u.tcp.dup_acks;
	}
	f->flags |= FLOW_CLOSED;
	t->open_by_proto[f->key.proto]--;
	if (t->cfg.dpi)
		dpi_finish(t->cfg.dpi, f);
	emit(t, FLOW_EVENT_CLOSED, f, why);
	history_add(&t->history, f);	/* takes over f->dpi */
	history_note_owner(&t->history, owners_of(owners_current, f));
	flow_table_remove(&t->table, f);
}

static void expire_cb(struct flow *f, void *ctx)
{
	close_flow(ctx, f, CLOSE_IDLE);
}

uint32_t tracker_advance(struct tracker *t, uint64_t now_us)
{
	if (now_us > t->now_us)
		t->now_us = now_us;
	rate_history_sample(&t->totals, t->now_us, t->traffic_bytes);	/* once a second */
	uint32_t n = flow_table_advance(&t->table, t->now_us, EXPIRE_BUDGET, expire_cb, t);
	/* The wheel moves only here: a packet compares, it does not divide. */
	t->advance_at_us = t->table.wheel_started ? (t->table.wheel_sec + 1) * 1000000u : 0;
	return n;
}

static void note_icmp_error(struct tracker *t, const struct packet *p)
{
	const struct quoted_flow *q = &p->quoted;
	struct flow_key k;
	int from_a;
	uint16_t sp = q->sport, dp = q->dport;
	make_key(&k, p->ifc, q->proto, q->family, q->ipproto, q->src, sp, q->dst, dp, &from_a);
	if (q->proto == L4_ICMP || q->proto == L4_ICMPV6)
		k.ipproto = FLOW_KEY_ICMP_ECHO;	/* only an echo is quoted (decode.c) */
	struct flow *f = flow_table_lookup(&t->table, &k, flow_key_hash(&t->table, &k));
	if (!f)
		return;
	f->icmp_err_type = p->icmp_type;
	f->icmp_err_code = p->icmp_code;
	if (f->icmp_err_count != UINT8_MAX)
		f->icmp_err_count++;
	t->stats.icmp_errors_noted++;
}

/* A UDP exchange's response time (RustNet's DNS, NTP, STUN timers, for any
 * UDP): from the source's first datagram to the first one back. A DNS
 * query's answer time; for QUIC, its handshake's round trip. */
static void update_udp(struct flow *f, int dir, uint64_t ts_us)
{
	struct udp_state *u = &f->u.udp;
	if (u->rtt_us)
		return;
	if (dir == DIR_FWD && !u->first_seen) {
		u->first_us = (uint32_t)ts_us;
		u->first_seen = 1;
	} else if (dir == DIR_REV && u->first_seen) {
		uint32_t rtt = (uint32_t)ts_us - u->first_us;
		u->rtt_us = rtt ? rtt : 1;
	}
}

static void update_icmp(struct flow *f, const struct packet *p, int dir)
{
	f->state = p->icmp_kind;
	if (p->icmp_kind == ICMP_KIND_ECHO_REQUEST || p->icmp_kind == ICMP_KIND_ECHO_REPLY) {
		/* The live source is the local end, not always the requester. */
		int from_src = dir == DIR_FWD, src_is_b = (f->flags & FLOW_SRC_IS_B) != 0;
		int request = p->icmp_kind == ICMP_KIND_ECHO_REQUEST;
		f->u.icmp.requester_b = (uint8_t)((from_src == request) == src_is_b);
	}
	if (p->icmp_kind == ICMP_KIND_ECHO_REQUEST) {
		f->u.icmp.echo_req_us = (uint32_t)p->ts_us;
		f->u.icmp.echo_seq = p->icmp_seq;
		f->u.icmp.pending = 1;
	} else if (p->icmp_kind == ICMP_KIND_ECHO_REPLY && f->u.icmp.pending &&
		   p->icmp_seq == f->u.icmp.echo_seq) {
		uint32_t rtt = (uint32_t)p->ts_us - f->u.icmp.echo_req_us;
		f->u.icmp.rtt_us = rtt ? rtt : 1;
		f->u.icmp.pending = 0;
	}
}

static void update_arp(struct flow *f, const struct packet *p, int from_a)
{
	f->state = p->arp_op == 1 ? 1 : p->arp_op == 2 ? 2 : 3;
	uint8_t *sender = from_a ? f->u.arp.mac_a : f->u.arp.mac_b;
	memcpy(sender, p->arp_sha, 6);
	if (p->arp_op == 2) {	/* a reply also names the requester's address */
		uint8_t *target = from_a ? f->u.arp.mac_b : f->u.arp.mac_a;
		memcpy(target, p->arp_tha, 6);
	}
}

static inline void count_packet(struct flow *f, int dir, uint32_t packets, uint64_t bytes, uint64_t ts)
{
	uint64_t np = (uint64_t)f->packets[dir] + packets;
	f->packets[dir] = np > UINT32_MAX ? UINT32_MAX : (uint32_t)np;
	f->bytes[dir] += bytes;
	if (ts > f->last_seen_us)
		f->last_seen_us = ts;
	else if (ts < f->first_seen_us)	/* stamped on another CPU before its predecessor */
		f->first_seen_us = ts;
	rate_add(&f->rate, ts, dir, bytes > UINT32_MAX ? UINT32_MAX : (uint32_t)bytes);
}

/* A UDP fragment goes to the datagram being put back together; the
 * datagram, once whole, goes to the dissectors as one packet (a DNS
 * answer larger than the path MTU: its first fragment alone is cut). A
 * first fragment that cannot be put back (cut by the snapshot length,
 * UDP behind more IPv6 headers or AH, ...) is offered alone, as it was
 * before reassembly: its head may still tell something. */
static void offer_reassembled(struct tracker *t, struct flow *f, const struct packet *p, int dir)
{
	const uint8_t *d = NULL;
	size_t n = 0;
	enum reasm_result r = reasm_add(&t->reasm, p, &d, &n);
	if (r == REASM_REFUSED && p->first_fragment && p->payload_len)
		dpi_offer(t->cfg.dpi, f, p, dir);
	if (r != REASM_WHOLE || n <= 8)
		return;
	struct packet whole = *p;
	whole.is_fragment = whole.more_fragments = 0;
	whole.first_fragment = 1;
	whole.payload = d + 8;
	whole.payload_len = whole.l4_payload_len = (uint32_t)(n - 8);
	dpi_offer(t->cfg.dpi, f, &whole, dir);
}

/* Where this side's data begins, for the dissectors (packet.h): known
 * once its SYN, or its SYN/ACK answering the other side's SYN, was seen. */
static inline void note_data_from(const struct tcp_state *t, int dir, struct packet *p)
{
	const struct tcp_dir *d = &t->d[dir];
	const int opened = (d->flags & TCPD_SYN) ||
			   ((t->d[!dir].flags & TCPD_SYN) && (t->d[0].flags & TCPS_SYNACK_SEEN));
	p->data_from_known = opened && (d->flags & TCPD_SEQ_KNOWN);
	p->data_from = d->next_seq;
}

/* A UDP fragment ahead of its first fragment (a datagram sent last piece
 * first, or reordered on the way) has no flow yet, so no word on whether
 * its flow wants inspecting: it is held all the same, and the first
 * fragment completes the datagram, or lets it go (reasm_forget) when the
 * flow wants nothing more. */
static void hold_early_fragment(struct tracker *t, const struct packet *p)
{
	const uint8_t *d;
	size_t n;
	(void)reasm_add(&t->reasm, p, &d, &n);	/* whole without its first: cannot be */
}

void tracker_packet(struct tracker *t, struct packet *p)
{
	t->last_flow = NULL;
	t->stats.packets++;
	t->stats.bytes += p->ip_len;
	if (p->ts_us > t->now_us) {
		t->now_us = p->ts_us;
		if (p->ts_us >= t->advance_at_us) {
			/* whole seconds no packet started: nothing came in them */
			rate_history_fill(&t->totals, p->ts_us, t->traffic_bytes);
			tracker_advance(t, p->ts_us);
		}
	}
	const uint64_t now = p->ts_us;

	if (t->cfg.hide_loopback && p->family && is_loopback(p->family, p->src) &&
	    is_loopback(p->family, p->dst)) {
		t->stats.loopback_skipped++;
		return;
	}
	if (p->is_fragment && !p->first_fragment && !frag_resolve(&t->frags, p)) {
		t->stats.fragments_pending++;
		if (t->cfg.dpi && p->proto == L4_UDP)
			hold_early_fragment(t, p);
		return;
	}
	if ((p->proto == L4_ICMP || p->proto == L4_ICMPV6) && p->quoted.valid)
		note_icmp_error(t, p);

	struct flow_key k;
	int from_a;
	packet_key(p, &k, &from_a);
	uint64_t h = flow_key_hash(&t->table, &k);
	struct flow *f = flow_table_lookup(&t->table, &k, h);

	if (f) {
		/* No timeout is under LIFECYCLE_MIN_TIMEOUT_US: a flow seen that
		 * recently is not due, and its deadline need not be asked (unless
		 * a deadline so far off wraps, as lifecycle_deadline_us() does). */
		int recent = now >= f->last_seen_us &&
			     now - f->last_seen_us < LIFECYCLE_MIN_TIMEOUT_US &&
			     f->last_seen_us < UINT64_MAX - LIFECYCLE_MAX_TIMEOUT_US;
		if (!recent && now > lifecycle_deadline_us(f)) {
			close_flow(t, f, CLOSE_IDLE);	/* due, but the wheel has not come round */
			f = NULL;
		} else if (p->proto == L4_TCP && tcp_syn_starts_new_generation(f->state, p->tcp_flags)) {
			close_flow(t, f, CLOSE_NEW_GENERATION);
			f = NULL;
		}
	}
	int is_new = 0;
	if (!f) {
		if (p->proto == L4_TCP && !(p->tcp_flags & TCP_SYN) && p->l4_payload_len == 0 &&
		    tombstones_has(t->tombs, h, now)) {
			t->stats.late_teardown++;
			return;
		}
		if (flow_table_full(&t->table)) {
			struct flow *victim = flow_table_victim(&t->table);
			if (!victim)
				return;
			close_flow(t, victim, CLOSE_EVICTED);
		}
		f = flow_table_insert(&t->table, &k, h);
		if (!f)
			return;
		f->first_seen_us = f->last_seen_us = now;
		choose_source(t, f, p, from_a);
		if (t->cfg.is_own && t->cfg.is_own(f, t->cfg.is_own_ctx))
			f->flags |= FLOW_OWN;
		count_new(t, f);
		is_new = 1;
	}

	int dir = flow_dir_of(f, from_a);
	const uint64_t prev_seen = is_new ? now : f->last_seen_us;
	if (f->key.pa == f->key.pb && !memcmp(f->key.a, f->key.b, 16) &&
	    (p->proto == L4_ICMP || p->proto == L4_ICMPV6)) {
		/* Both ends are one address (loopback ping): addresses cannot tell
		 * the direction, the message can. The source is the requester. */
		dir = p->icmp_kind == ICMP_KIND_ECHO_REPLY ? DIR_REV : DIR_FWD;
	}
	uint8_t old_state = f->state;
	count_packet(f, dir, 1, p->ip_len, now);
	rate64_add(&t->traffic, now, dir, p->ip_len);
	t->traffic_bytes[dir] += p->ip_len;
	t->stats.tracked_packets++;
	t->stats.tracked_bytes += p->ip_len;
	t->stats.by_proto_packets[p->proto]++;

	if (p->is_fragment && p->first_fragment && p->more_fragments) {
		uint32_t pp;
		uint64_t pb, first_us;
		frag_note_first(&t->frags, p, &pp, &pb, &first_us);
		if (pp) {
			count_packet(f, dir, pp, pb, now);
			t->stats.tracked_packets += pp;
			t->stats.tracked_bytes += pb;
			if (first_us < f->first_seen_us)
				f->first_seen_us = first_us;	/* they arrived before it */
		}
	}

	/* A later fragment carries no transport header, and one cut by the
	 * snapshot length only its ports: they only count. */
	const int has_l4 = (!p->is_fragment || p->first_fragment) && !p->l4_cut;
	const int inspect = t->cfg.dpi && f->dpi != DPI_NOTHING && !dpi_flow_decided(f);
	switch (has_l4 ? p->proto : L4_NONE) {
	case L4_TCP:
		{
			if (inspect && p->payload_len)	/* only the dissectors read it */
				note_data_from(&f->u.tcp, dir, p);
			struct tcp_segment seg = {
				.dir = dir, .flags = p->tcp_flags, .seq = p->seq, .ack = p->ack,
				.window = p->window, .len = p->l4_payload_len, .ts_us = now,
				.prev_us = prev_seen < now ? prev_seen : now,
			};
			f->state = tcp_segment_in(&f->u.tcp, f->state, &seg, &t->tcp);
		}
		break;
	case L4_ICMP: case L4_ICMPV6:
		update_icmp(f, p, dir);
		break;
	case L4_ARP:
		update_arp(f, p, from_a);
		break;
	case L4_UDP:
		update_udp(f, dir, p->ts_us);
		break;
	default:
		if (f->key.ipproto == 2 && p->icmp_type)	/* IGMP: the last message's type */
			f->state = p->icmp_type;
		break;
	}
	int timeout_moved = 0;	/* a dissector set the flow's idle timeout (ABI 1.4) */
	if (inspect) {
		if (p->is_fragment && p->proto == L4_UDP)
			offer_reassembled(t, f, p, dir);
		else if (has_l4 && p->payload_len)
			dpi_offer(t->cfg.dpi, f, p, dir);
		timeout_moved = dpi_timeout_moved(t->cfg.dpi);
	} else if (t->cfg.dpi && p->is_fragment && p->first_fragment && p->proto == L4_UDP) {
		reasm_forget(&t->reasm, p);	/* later pieces held before it */
	}

	if (is_new) {
		flow_table_schedule(&t->table, f);
		emit(t, FLOW_EVENT_NEW, f, CLOSE_IDLE);
	} else if (f->state != old_state || timeout_moved) {
		flow_table_schedule(&t->table, f);	/* the deadline may have moved earlier */
	}
	t->last_flow = f;
}

/* ---- the parent of --workers ------------------------------------------ */

static uint32_t sat_add32(uint32_t a, uint32_t b)
{
	return a + b < a ? UINT32_MAX : a + b;
}

static void add_part(struct tracker *t, struct flow *f, const struct flow *src, int single)
{
	/* Each worker chose the source from the first packet it saw: a part
	 * seen the other way round counts the other way round. */
	int swap = ((f->flags ^ src->flags) & FLOW_SRC_IS_B) != 0;
	for (int d = 0; d < 2; d++) {
		int to = swap ? !d : d;
		uint64_t np = (uint64_t)f->packets[to] + src->packets[d];
		f->packets[to] = np > UINT32_MAX ? UINT32_MAX : (uint32_t)np;
		f->bytes[to] += src->bytes[d];
		if (src->bytes[d]) {
			rate64_add(&t->traffic, src->last_seen_us, to, src->bytes[d]);
			t->traffic_bytes[to] += src->bytes[d];
			if (!single)
				rate_add(&f->rate, src->last_seen_us, to,
					 src->bytes[d] > UINT32_MAX ? UINT32_MAX : (uint32_t)src->bytes[d]);
		}
	}
	if (single && !swap)
		f->rate = src->rate;	/* the worker's own, exact */
	if (src->first_seen_us < f->first_seen_us)
		f->first_seen_us = src->first_seen_us;
	/* TCP's counters travel as increments (workers.c since_last) and add
	 * up over the parts; the handshake RTT is the first part's that saw
	 * the handshake; a part that has no RTT sample yet keeps the last. A
	 * worker restarted changes the fanout group, and the flows that move
	 * to it go on as a second part, which once took all this away. */
	struct tcp_state was = f->u.tcp;
	if (src->last_seen_us >= f->last_seen_us) {	/* the latest part says how it stands */
		f->last_seen_us = src->last_seen_us;
		f->state = src->state;
		if (!swap || f->key.proto != L4_TCP)
			f->u = src->u;
	}
	if (f->key.proto == L4_TCP) {
		struct tcp_state *u = &f->u.tcp;
		const struct tcp_state *in = &src->u.tcp;
		u->retransmits = sat_add32(was.retransmits, in->retransmits);
		u->out_of_order = sat_add32(was.out_of_order, in->out_of_order);
		uint32_t fr = (uint32_t)was.fast_retransmits + in->fast_retransmits;
		u->fast_retransmits = fr > UINT16_MAX ? UINT16_MAX : (uint16_t)fr;
		u->dup_acks = sat_add32(was.dup_acks, in->dup_acks);
		u->irtt_us = was.irtt_us ? was.irtt_us : in->irtt_us;
		if (!u->srtt_us)
			u->srtt_us = was.srtt_us;
	}
	f->flags |= src->flags & (FLOW_LOCAL_A | FLOW_LOCAL_B | FLOW_EVICTED);
	if (src->icmp_err_count) {
		f->icmp_err_type = src->icmp_err_type;
		f->icmp_err_code = src->icmp_err_code;
		unsigned n = (unsigned)f->icmp_err_count + src->icmp_err_count;
		f->icmp_err_count = n > UINT8_MAX ? UINT8_MAX : (uint8_t)n;
	}
	if (src->last_seen_us > t->now_us)
		t->now_us = src->last_seen_us;
}

struct flow *tracker_mirror_flow(struct tracker *t, const struct flow *src,
				 const struct dpi_results *res, unsigned w)
{
	const uint64_t bit = 1ull << (w & 63);
	if (!t->mirror_mask && !(t->mirror_mask = calloc(t->table.cap, sizeof(uint64_t))))
		return NULL;
	uint64_t h = flow_key_hash(&t->table, &src->key);
	struct flow *f = flow_table_lookup(&t->table, &src->key, h);
	int is_new = 0;
	if (!f) {
		if (flow_table_full(&t->table) || !(f = flow_table_insert(&t->table, &src->key, h)))
			return NULL;
		f->flags = src->flags & ~(FLOW_CLOSED | FLOW_OWN);
		f->first_seen_us = src->first_seen_us;
		f->last_seen_us = src->last_seen_us;
		t->mirror_mask[flow_index(&t->table, f)] = 0;
		if (t->cfg.is_own && t->cfg.is_own(f, t->cfg.is_own_ctx))
			f->flags |= FLOW_OWN;	/* the parent's resolver: its own queries */
		is_new = 1;
	}
	uint64_t *mask = &t->mirror_mask[flow_index(&t->table, f)];
	add_part(t, f, src, (*mask & ~bit) == 0);
	*mask |= bit;
	if (t->cfg.dpi && res) {
		if (dpi_import(t->cfg.dpi, &f->dpi, res) == 0)
			dpi_note_imported(t->cfg.dpi, f);
		else
			t->stats.malformed++;	/* results that fail the field tables */
	}
	if (is_new) {
		count_new(t, f);
		emit(t, FLOW_EVENT_NEW, f, CLOSE_IDLE);	/* not scheduled: never expired here */
	}
	return f;
}

void tracker_mirror_close(struct tracker *t, const struct flow *src,
			  const struct dpi_results *res, enum close_reason why, unsigned w)
{
	/* A part born and gone between two snapshots is made, then closed. */
	struct flow *f = tracker_mirror_flow(t, src, res, w);
	if (!f)
		return;
	uint64_t *mask = &t->mirror_mask[flow_index(&t->table, f)];
	*mask &= ~(1ull << (w & 63));
	if (!*mask)
		close_flow(t, f, why);
}

struct drop_ctx { struct tracker *t; uint64_t bit; uint32_t closed; };

static void drop_cb(struct flow *f, void *ctx)
{
	struct drop_ctx *c = ctx;
	uint64_t *mask = &c->t->mirror_mask[flow_index(&c->t->table, f)];
	if (!(*mask & c->bit))
		return;
	*mask &= ~c->bit;
	if (!*mask) {
		close_flow(c->t, f, CLOSE_WORKER_LOST);
		c->closed++;
	}
}

uint32_t tracker_mirror_drop_worker(struct tracker *t, unsigned w)
{
	struct drop_ctx c = { t, 1ull << (w & 63), 0 };
	if (t->mirror_mask)
		flow_table_foreach(&t->table, drop_cb, &c);
	return c.closed;
}

static void flush_gaps_cb(struct flow *f, void *ctx)
{
	(void)dpi_flush_gaps(ctx, f);
}

void tracker_flush_gaps(struct tracker *t)
{
	if (t->cfg.dpi)
		flow_table_foreach(&t->table, flush_gaps_cb, t->cfg.dpi);
}

static void flush_cb(struct flow *f, void *ctx)
{
	emit(ctx, FLOW_EVENT_CLOSED, f, CLOSE_SHUTDOWN);
}

void tracker_flush_events(struct tracker *t)
{
	flow_table_foreach(&t->table, flush_cb, t);
}

static void clear_cb(struct flow *f, void *ctx)
{
	struct tracker *t = ctx;
	emit(t, FLOW_EVENT_CLOSED, f, CLOSE_CLEARED);
	t->open_by_proto[f->key.proto]--;
	if (t->cfg.dpi)
		dpi_release(t->cfg.dpi, f->dpi);
	flow_table_remove(&t->table, f);
}

void tracker_clear(struct tracker *t)
{
	flow_table_foreach(&t->table, clear_cb, t);
	history_clear(&t->history);
	memset(&t->tcp, 0, sizeof(t->tcp));
	memset(&t->closed_tcp, 0, sizeof(t->closed_tcp));
	memset(t->traffic_bytes, 0, sizeof(t->traffic_bytes));
	memset(&t->totals, 0, sizeof(t->totals));
}

void tracker_tcp_active(struct tracker *t, struct tcp_totals *out, uint32_t *tcp_flows)
{
	out->retransmits = t->tcp.retransmits - t->closed_tcp.retransmits;
	out->out_of_order = t->tcp.out_of_order - t->closed_tcp.out_of_order;
	out->fast_retransmits = t->tcp.fast_retransmits - t->closed_tcp.fast_retransmits;
	out->dup_acks = t->tcp.dup_acks - t->closed_tcp.dup_acks;
	if (tcp_flows)
		*tcp_flows = t->open_by_proto[L4_TCP];
}

double tracker_bytes_per_flow(const struct tracker *t)
{
	/* At the cap, where the buckets have grown to their largest. */
	return (double)sizeof(struct flow) +
	       (double)(t->table.mask_max + 1) * sizeof(uint32_t) / (double)t->table.cap;
}
