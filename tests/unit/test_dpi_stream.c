/* test_dpi_stream.c - stream-mode reassembly in core/dpi.c and its memory
 * cap: below the cap a dissector sees a direction's bytes from the start;
 * over it, a direction's first segment is still dissected in place, a flow
 * that needs a second segment is given up (counted), and the bytes held
 * always return to 0 when flows end; under pressure buffers start small.
 */
#include "config.h"

#include "unit.h"

#include "dpi.h"
#include "strbuf.h"
#include "tcp.h"

/* ---- a stream dissector that wants two segments from the client -------- */

static const struct nl_field two_fields[] = {
	{ 0, NL_FIELD_U64, 0, "two.seen", "Bytes seen" },
};

struct two_state { uint32_t calls; };

static unsigned last_len;	/* bytes in the last call's reader */

static enum nl_verdict two_dissect(const struct nl_host_api *api, struct nl_flow *flow, void *state,
				   const struct nl_payload *pl)
{
	struct two_state *st = state;
	last_len = (unsigned)nl_reader_left(&pl->data);
	st->calls++;
	api->set_u64(flow, 0, last_len);
	if (!pl->from_client)
		return NL_NEED_MORE;	/* waits for the client's second segment */
	return last_len >= 20 ? NL_DONE : NL_NEED_MORE;
}

static void two_dpi(struct dpi *d)
{
	dpi_init(d);
	d->set.n = 1;
	struct nl_dissector *x = &d->set.v[0].d;
	x->name = "two";
	x->display = "TWO";
	x->fields = two_fields;
	x->n_fields = 1;
	x->domain_field = -1;
	x->transports = NL_TCP;
	x->flags = NL_DESC_STREAM;
	x->state_size = sizeof(struct two_state);
	x->packet_budget = 10;
	x->dissect = two_dissect;
	snprintf(d->set.v[0].json_keys[0], NL_MAX_KEY, "two_seen");
	dpi_ready(d);
}

static uint8_t bytes[32];

/* A TCP ACK segment carrying len bytes at data: from the client (port
 * 40000 to 7, dir DIR_FWD) or from the server. Every test's packets. */
static struct packet tcp_segment(int from_client, uint32_t seq, const uint8_t *data, size_t len)
{
	struct packet p;
	memset(&p, 0, sizeof(p));
	p.proto = L4_TCP;
	p.sport = from_client ? 40000 : 7;
	p.dport = from_client ? 7 : 40000;
	p.tcp_flags = TCP_ACK;
	p.seq = seq;
	p.payload = data;
	p.payload_len = len;
	return p;
}

/* A segment of bytes[] from the client or the server. */
static void segment(struct dpi *d, struct flow *f, int from_client, uint32_t seq, size_t len)
{
	struct packet p = tcp_segment(from_client, seq, bytes, len);
	dpi_offer(d, f, &p, from_client ? DIR_FWD : DIR_REV);
}

static uint64_t seen(const struct dpi *d, const struct flow *f)
{
	struct strbuf b;
	sb_init(&b);
	dpi_json(d, f->dpi, &b);
	const char *k = strstr(b.buf ? b.buf : "", "\"two_seen\":");
	uint64_t v = k ? strtoull(k + 11, NULL, 10) : 0;
	sb_free(&b);
	return v;
}

/* Ends flows as the tracker does: dissection finished, results released. */
static void end_flows(struct dpi *d, struct flow *f, int n)
{
	for (int i = 0; i < n; i++) {
		dpi_finish(d, &f[i]);
		if (f[i].dpi != DPI_NOTHING)
			dpi_release(d, f[i].dpi);
	}
}

/* ---- valid --------------------------------------------------------------- */

START_TEST(test_reassembled_below_cap)
{
	struct dpi d;
	struct flow f;
	two_dpi(&d);
	memset(&f, 0, sizeof(f));
	segment(&d, &f, 1, 1000, 12);
	ck_assert_uint_eq(last_len, 12);
	ck_assert_uint_eq(d.stream_bytes, 2048);	/* one first-size buffer */
	segment(&d, &f, 1, 1012, 12);
	ck_assert_uint_eq(last_len, 24);		/* the stream from its start */
	ck_assert(dpi_flow_decided(&f));
	ck_assert_uint_eq(seen(&d, &f), 24);
	ck_assert_uint_eq(d.stream_bytes, 0);		/* decided: buffers back */
	ck_assert_uint_eq(d.stats.stream_capped, 0);
	dpi_release(&d, f.dpi);
	dpi_free(&d);
}
END_TEST

START_TEST(test_first_segment_in_place_over_cap)
{
	/* No stream memory at all: each direction's first segment is still
	 * dissected, nothing is held. */
	struct dpi d;
	struct flow f;
	two_dpi(&d);
	dpi_set_stream_limit(&d, 0);
	memset(&f, 0, sizeof(f));
	segment(&d, &f, 1, 5000, 12);
	ck_assert_uint_eq(last_len, 12);
	ck_assert_uint_eq(seen(&d, &f), 12);
	segment(&d, &f, 0, 9000, 7);			/* the server's first segment */
	ck_assert_uint_eq(last_len, 7);
	ck_assert_uint_eq(d.stream_bytes, 0);
	ck_assert_uint_eq(d.stats.stream_capped, 0);
	ck_assert(!dpi_flow_decided(&f));
	/* The client's second segment would need the first one's bytes: the
	 * flow is given up, what was found is kept. */
	last_len = 0;
	segment(&d, &f, 1, 5012, 12);
	ck_assert_uint_eq(last_len, 0);			/* not called with half a stream */
	ck_assert_uint_eq(d.stats.stream_capped, 1);
	ck_assert(dpi_flow_decided(&f));
	ck_assert_uint_eq(seen(&d, &f), 7);
	ck_assert_uint_eq(d.stream_bytes, 0);
	dpi_release(&d, f.dpi);
	dpi_free(&d);
}
END_TEST

START_TEST(test_cap_shared_by_flows)
{
	/* Room for a first-size buffer and a small one: the first flow gets
	 * 2 KiB, the second (memory now tight) 256 bytes, the third dissects
	 * its first segment in place; ending flows give the memory back to
	 * later ones. */
	struct dpi d;
	struct flow f[4];
	two_dpi(&d);
	dpi_set_stream_limit(&d, 2048 + 256);
	memset(f, 0, sizeof(f));
	for (int i = 0; i < 3; i++)
		segment(&d, &f[i], 1, 100, 10);
	ck_assert_uint_eq(d.stream_bytes, 2048 + 256);
	ck_assert_uint_eq(d.stats.stream_capped, 0);
	segment(&d, &f[2], 1, 110, 10);			/* needs its first bytes: gone */
	ck_assert_uint_eq(d.stats.stream_capped, 1);
	segment(&d, &f[0], 1, 110, 10);			/* reassembled: 20 bytes, done */
	ck_assert_uint_eq(seen(&d, &f[0]), 20);
	segment(&d, &f[1], 1, 110, 10);			/* the small buffer holds 20 too */
	ck_assert_uint_eq(seen(&d, &f[1]), 20);
	ck_assert_uint_eq(d.stream_bytes, 0);
	segment(&d, &f[3], 1, 100, 10);			/* room again */
	segment(&d, &f[3], 1, 110, 10);
	ck_assert_uint_eq(seen(&d, &f[3]), 20);
	ck_assert_uint_eq(d.stats.stream_capped, 1);
	end_flows(&d, f, 4);
	ck_assert_uint_eq(d.stream_bytes, 0);
	dpi_free(&d);
}
END_TEST

START_TEST(test_tight_buffer_grows)
{
	/* Under pressure a small buffer is given, and doubles as the stream
	 * grows, counted against the cap each time. */
	struct dpi d;
	struct flow f[2];
	two_dpi(&d);
	dpi_set_stream_limit(&d, 2048 + 1024);
	memset(f, 0, sizeof(f));
	segment(&d, &f[0], 1, 1, 10);			/* 2048: now tight */
	segment(&d, &f[1], 0, 1, 1);			/* the server's: 256 */
	ck_assert_uint_eq(d.stream_bytes, 2048 + 256);
	for (uint32_t k = 0; k < 8; k++)		/* 257 bytes: doubled to 512 */
		segment(&d, &f[1], 0, 2 + 32 * k, 32);
	ck_assert_uint_eq(last_len, 257);
	ck_assert_uint_eq(d.stream_bytes, 2048 + 512);
	ck_assert_uint_eq(d.stats.stream_capped, 0);
	end_flows(&d, f, 2);
	ck_assert_uint_eq(d.stream_bytes, 0);
	dpi_free(&d);
}
END_TEST

START_TEST(test_growth_counts_against_cap)
{
	/* A stream that outgrows its first buffer needs the difference under
	 * the cap too; refused growth ends the stream dissection. */
	struct dpi d;
	struct flow f;
	two_dpi(&d);
	dpi_set_stream_limit(&d, 3000);
	memset(&f, 0, sizeof(f));
	static uint8_t big[2100];
	struct packet p;
	memset(&p, 0, sizeof(p));
	p.proto = L4_TCP;
	p.sport = 40000;
	p.dport = 7;
	p.seq = 1;
	p.payload = big;
	p.payload_len = 10;
	dpi_offer(&d, &f, &p, DIR_FWD);
	ck_assert_uint_eq(d.stream_bytes, 2048);
	p.seq = 11;
	p.payload_len = 2100;	/* 2110 bytes: a 4096-byte buffer, over 3000 */
	dpi_offer(&d, &f, &p, DIR_FWD);
	ck_assert_uint_eq(d.stats.stream_capped, 1);
	ck_assert_uint_eq(d.stream_bytes, 0);
	ck_assert(dpi_flow_decided(&f));
	dpi_release(&d, f.dpi);
	dpi_free(&d);
}
END_TEST

/* ---- consume (ABI 1.1) ------------------------------------------------------
 * Payload bytes carry their stream offset (byte i of the stream is i & 0xff),
 * so a dissector can check that each call starts where it should. */

enum take { TAKE_NONE, TAKE_ALL, TAKE_ALL_BUT_3, TAKE_HUGE, TAKE_IGNORE };

static enum take take_mode[2];		/* by dissector index */
static uint64_t seen_off[2];		/* stream_offset of its last call */
static unsigned seen_len[2];		/* bytes in its last call */
static unsigned calls[2];
static int misplaced;			/* a call whose bytes were not at their offset */
static int consume_rc;			/* what the last consume() returned */
static unsigned seen_ipv[2];		/* ip_version of its last call (ABI 1.3) */
static uint32_t seen_wire[2];		/* wire_len of its last call (ABI 1.3) */
static uint32_t seen_gap[2];		/* gap of its last call (ABI 1.5) */
static uint8_t pkt_family;	/* the packets' IP version (0 as most tests leave it) */
static uint32_t pkt_cut;	/* payload bytes the capture left out of each packet */

static enum nl_verdict take_dissect(unsigned who, const struct nl_host_api *api, struct nl_flow *flow,
				    const struct nl_payload *pl)
{
	size_t n = nl_reader_left(&pl->data);
	struct nl_reader r = pl->data;
	for (size_t i = 0; i < n; i++)
		if (nl_get_u8(&r) != (uint8_t)(pl->stream_offset + i))
			misplaced++;
	seen_off[who] = pl->stream_offset;
	seen_len[who] = (unsigned)n;
	ck_assert(NL_PAYLOAD_HAS(pl, wire_len));
	seen_ipv[who] = pl->ip_version;
	seen_wire[who] = pl->wire_len;
	ck_assert(NL_PAYLOAD_HAS(pl, gap));
	seen_gap[who] = pl->gap;
	calls[who]++;
	ck_assert(NL_HOST_HAS(api, consume));
	switch (take_mode[who]) {
	case TAKE_ALL: consume_rc = api->consume(flow, n); break;
	case TAKE_ALL_BUT_3: consume_rc = api->consume(flow, n > 3 ? n - 3 : 0); break;
	case TAKE_HUGE: consume_rc = api->consume(flow, SIZE_MAX); break;
	case TAKE_IGNORE:	/* wants nothing more from this side (ABI 1.2) */
		ck_assert(NL_HOST_HAS(api, ignore_direction));
		ck_assert_int_eq(api->ignore_direction(flow, 2), -1);
		consume_rc = api->ignore_direction(flow, pl->from_client);
		break;
	case TAKE_NONE: break;
	}
	return NL_NEED_MORE;
}

static enum nl_verdict take0(const struct nl_host_api *api, struct nl_flow *flow, void *state,
			     const struct nl_payload *pl)
{
	(void)state;
	return take_dissect(0, api, flow, pl);
}

static enum nl_verdict take1(const struct nl_host_api *api, struct nl_flow *flow, void *state,
			     const struct nl_payload *pl)
{
	(void)state;
	return take_dissect(1, api, flow, pl);
}

/* n dissectors (1 or 2), stream mode over TCP unless udp, claiming nothing. */
static void take_dpi(struct dpi *d, unsigned n, int udp)
{
	dpi_init(d);
	d->set.n = n;
	for (unsigned i = 0; i < n; i++) {
		struct nl_dissector *x = &d->set.v[i].d;
		x->name = i ? "take1" : "take0";
		x->display = "TAKE";
		x->fields = two_fields;
		x->n_fields = 1;
		x->domain_field = -1;
		x->transports = udp ? NL_UDP : NL_TCP;
		x->flags = udp ? 0 : NL_DESC_STREAM;
		x->state_size = sizeof(struct two_state);
		x->packet_budget = 200;
		x->dissect = i ? take1 : take0;
		snprintf(d->set.v[i].json_keys[0], NL_MAX_KEY, "two_seen");
	}
	dpi_ready(d);
	memset(take_mode, 0, sizeof(take_mode));
	memset(seen_off, 0, sizeof(seen_off));
	memset(seen_len, 0, sizeof(seen_len));
	memset(calls, 0, sizeof(calls));
	memset(seen_gap, 0, sizeof(seen_gap));
	misplaced = 0;
	consume_rc = 99;
	pkt_family = 0;
	pkt_cut = 0;
}

static uint8_t pattern[4096];

static int data_from_known;	/* what the tracker tells of the stream's start */

/* The client's bytes [from, from + len) of its stream (sequence 1000 + offset). */
static void stream_bytes_at(struct dpi *d, struct flow *f, uint32_t from, uint32_t len, int udp)
{
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)i;
	/* byte i is (from + i) & 0xff */
	struct packet p = tcp_segment(1, 1000 + from, pattern + (from & 0xff), len);
	p.proto = udp ? L4_UDP : L4_TCP;
	p.l4_payload_len = len + pkt_cut;
	p.family = pkt_family;
	p.data_from_known = (uint8_t)data_from_known;
	p.data_from = 1000;
	dpi_offer(d, f, &p, DIR_FWD);
}

/* One segment longer than a stream's room (a 64 KiB segment captured
 * before the NIC split it): the head fills the stream, and once the reader
 * consumed it the rest follows, in order, from the same packet; at most 4
 * passes more. A reader that consumes nothing gets the head only. */
static void one_big_segment(struct dpi *d, struct flow *f, uint32_t len)
{
	static uint8_t big[100000];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)i;
	ck_assert_uint_le(len, sizeof(big));
	struct packet p = tcp_segment(1, 1000, big, len);
	p.l4_payload_len = len;
	dpi_offer(d, f, &p, DIR_FWD);
}

START_TEST(test_segment_over_room_offered_on)
{
	struct dpi d;
	struct flow f;
	take_dpi(&d, 1, 0);
	take_mode[0] = TAKE_ALL;
	memset(&f, 0, sizeof(f));
	one_big_segment(&d, &f, 40000);
	ck_assert_uint_eq(calls[0], 3);
	ck_assert_uint_eq(seen_off[0], 2 * NL_MAX_STREAM);
	ck_assert_uint_eq(seen_len[0], 40000 - 2 * NL_MAX_STREAM);
	ck_assert_int_eq(misplaced, 0);
	ck_assert_uint_eq(d.stream_bytes, 0);
	stream_bytes_at(&d, &f, 40000, 100, 0);	/* the next segment */
	ck_assert_uint_eq(calls[0], 4);
	ck_assert_uint_eq(seen_off[0], 40000);
	end_flows(&d, &f, 1);
	dpi_free(&d);

	take_dpi(&d, 1, 0);	/* consumes nothing: no room made, the head only */
	memset(&f, 0, sizeof(f));
	one_big_segment(&d, &f, 40000);
	ck_assert_uint_eq(calls[0], 1);
	ck_assert_uint_eq(seen_len[0], NL_MAX_STREAM);
	end_flows(&d, &f, 1);
	dpi_free(&d);

	take_dpi(&d, 1, 0);	/* bounded: five rooms of one packet */
	take_mode[0] = TAKE_ALL;
	memset(&f, 0, sizeof(f));
	one_big_segment(&d, &f, 100000);
	ck_assert_uint_eq(calls[0], 5);
	ck_assert_uint_eq(seen_off[0], 4 * NL_MAX_STREAM);
	ck_assert_int_eq(misplaced, 0);
	end_flows(&d, &f, 1);
	dpi_free(&d);
}
END_TEST

/* ---- what a payload says of its packet (ABI 1.3) --------------------------- */

START_TEST(test_payload_ip_version_and_wire_len)
{
	struct dpi d;
	struct flow f;
	/* datagrams: the IP version, and the length the UDP header gave */
	take_dpi(&d, 1, 1);
	memset(&f, 0, sizeof(f));
	pkt_family = 6;
	stream_bytes_at(&d, &f, 0, 100, 1);
	ck_assert_uint_eq(seen_len[0], 100);
	ck_assert_uint_eq(seen_ipv[0], 6);
	ck_assert_uint_eq(seen_wire[0], 100);
	pkt_family = 4;
	pkt_cut = 1400;		/* a snap length of 64 bytes of payload */
	stream_bytes_at(&d, &f, 0, 64, 1);
	ck_assert_uint_eq(seen_len[0], 64);
	ck_assert_uint_eq(seen_ipv[0], 4);
	ck_assert_uint_eq(seen_wire[0], 1464);
	end_flows(&d, &f, 1);
	dpi_free(&d);

	/* a stream: its data's length, the cut part a gap it waits at */
	take_dpi(&d, 1, 0);
	memset(&f, 0, sizeof(f));
	pkt_family = 4;
	pkt_cut = 50;
	stream_bytes_at(&d, &f, 0, 100, 0);	/* 150 on the wire, 100 captured */
	ck_assert_uint_eq(seen_len[0], 100);
	ck_assert_uint_eq(seen_wire[0], 100);
	ck_assert_uint_eq(seen_ipv[0], 4);
	pkt_cut = 0;
	stream_bytes_at(&d, &f, 150, 10, 0);	/* after the cut: held at the gap */
	ck_assert_uint_eq(calls[0], 1);
	end_flows(&d, &f, 1);
	dpi_free(&d);

	/* a first segment dissected in place (no stream memory): its own */
	take_dpi(&d, 1, 0);
	dpi_set_stream_limit(&d, 0);
	memset(&f, 0, sizeof(f));
	pkt_family = 6;
	pkt_cut = 50;
	stream_bytes_at(&d, &f, 0, 100, 0);
	ck_assert_uint_eq(seen_len[0], 100);
	ck_assert_uint_eq(seen_wire[0], 150);
	ck_assert_uint_eq(seen_ipv[0], 6);
	end_flows(&d, &f, 1);
	dpi_free(&d);
}
END_TEST

/* ---- segments out of order ------------------------------------------------ */

START_TEST(test_reordered_segment_held)
{
	struct dpi d;
	struct flow f;
	take_dpi(&d, 1, 0);
	memset(&f, 0, sizeof(f));
	stream_bytes_at(&d, &f, 0, 100, 0);
	stream_bytes_at(&d, &f, 200, 100, 0);	/* ahead of a gap: held, not offered */
	ck_assert_uint_eq(calls[0], 1);
	stream_bytes_at(&d, &f, 100, 100, 0);	/* fills it: all 300 in order */
	ck_assert_uint_eq(calls[0], 2);
	ck_assert_uint_eq(seen_off[0], 0);
	ck_assert_uint_eq(seen_len[0], 300);
	stream_bytes_at(&d, &f, 300, 10, 0);	/* and on from there */
	ck_assert_uint_eq(seen_len[0], 310);
	ck_assert_int_eq(misplaced, 0);
	end_flows(&d, &f, 1);
	ck_assert_uint_eq(d.stream_bytes, 0);
	dpi_free(&d);
}
END_TEST

START_TEST(test_reordered_with_consume)
{
	/* What was consumed moves out from under the held bytes. */
	struct dpi d;
	struct flow f;
	take_dpi(&d, 1, 0);
	take_mode[0] = TAKE_ALL_BUT_3;
	memset(&f, 0, sizeof(f));
	stream_bytes_at(&d, &f, 0, 100, 0);
	stream_bytes_at(&d, &f, 150, 50, 0);
	stream_bytes_at(&d, &f, 200, 60, 0);	/* extends the held run */
	ck_assert_uint_eq(calls[0], 1);
	stream_bytes_at(&d, &f, 100, 50, 0);
	ck_assert_uint_eq(seen_off[0], 97);
	ck_assert_uint_eq(seen_len[0], 163);
	/* everything consumed while a run is held: the buffer stays for it */
	take_mode[0] = TAKE_ALL;
	stream_bytes_at(&d, &f, 300, 20, 0);
	stream_bytes_at(&d, &f, 260, 10, 0);
	ck_assert_uint_eq(seen_off[0], 257);
	ck_assert_uint_eq(seen_len[0], 13);
	ck_assert_uint_gt(d.stream_bytes, 0);
	stream_bytes_at(&d, &f, 270, 30, 0);
	ck_assert_uint_eq(seen_off[0], 270);
	ck_assert_uint_eq(seen_len[0], 50);
	ck_assert_uint_eq(d.stream_bytes, 0);	/* all consumed, nothing held */
	ck_assert_int_eq(misplaced, 0);
	end_flows(&d, &f, 1);
	dpi_free(&d);
}
END_TEST

START_TEST(test_held_run_apart_let_go)
{
	/* One run is held; a segment apart from it is let go (its sender's
	 * retransmission, or nothing, fills in), and the run joins later. */
	struct dpi d;
	struct flow f;
	take_dpi(&d, 1, 0);
	memset(&f, 0, sizeof(f));
	stream_bytes_at(&d, &f, 0, 8, 0);
	stream_bytes_at(&d, &f, 32, 8, 0);
	stream_bytes_at(&d, &f, 16, 8, 0);	/* apart from [32, 40): let go */
	stream_bytes_at(&d, &f, 8, 8, 0);
	ck_assert_uint_eq(seen_len[0], 16);
	stream_bytes_at(&d, &f, 16, 16, 0);	/* reaches the run */
	ck_assert_uint_eq(seen_len[0], 40);
	stream_bytes_at(&d, &f, 40, 10, 0);
	ck_assert_uint_eq(seen_len[0], 50);
	ck_assert_uint_eq(d.stats.stream_gaps, 0);
	ck_assert_int_eq(misplaced, 0);
	end_flows(&d, &f, 1);
	ck_assert_uint_eq(d.stream_bytes, 0);
	dpi_free(&d);
}
END_TEST

/* The server's bytes [from, from + len) (sequence 9000 + offset). */
static void server_bytes_at(struct dpi *d, struct flow *f, uint32_t from, uint32_t len)
{
	struct packet p = tcp_segment(0, 9000 + from, pattern + (from & 0xff), len);
	dpi_offer(d, f, &p, DIR_REV);
}

/* ---- gaps given up (ABI 1.5) ----------------------------------------------
 * A gap whose segments past it find no more room is given up: a reader
 * with NL_DESC_GAPS is told what it will never see (payload.gap) and reads
 * on; one without stops there. Each segment is 1000 bytes. */

/* n take dissectors consuming all they read, the first reading past gaps
 * when gaps is set; a TCP flow whose client sent its first 100 bytes. */
static void gap_setup(struct dpi *d, struct flow *f, unsigned n, int gaps)
{
	take_dpi(d, n, 0);
	if (gaps)
		d->set.v[0].d.flags |= NL_DESC_GAPS;
	take_mode[0] = take_mode[1] = TAKE_ALL;
	memset(f, 0, sizeof(*f));
	f->key.proto = L4_TCP;
	stream_bytes_at(d, f, 0, 100, 0);
	ck_assert_uint_eq(calls[0], 1);
}

/* The gap-reading dissector (index 0) was last called as the n-th time,
 * told of a gap of gap bytes, with len bytes from stream offset off. */
static void assert_read_past_gap(unsigned n, uint32_t gap, uint64_t off, unsigned len)
{
	ck_assert_uint_eq(calls[0], n);
	ck_assert_uint_eq(seen_gap[0], gap);
	ck_assert_uint_eq(seen_off[0], off);
	ck_assert_uint_eq(seen_len[0], len);
}

START_TEST(test_gap_given_up_when_room_runs_out)
{
	struct dpi d;
	struct flow f;
	gap_setup(&d, &f, 2, 1);
	ck_assert_uint_eq(calls[1], 1);
	/* [100, 200) lost; 16 segments fit the room after it, held */
	for (uint32_t k = 0; k < 16; k++)
		stream_bytes_at(&d, &f, 200 + 1000 * k, 1000, 0);
	ck_assert_uint_eq(calls[0], 1);
	ck_assert_uint_eq(d.stats.stream_gaps, 0);
	/* the 17th does not: the gap is given up, the run and it follow */
	stream_bytes_at(&d, &f, 16200, 300, 0);
	ck_assert_uint_eq(d.stats.stream_gaps, 1);
	assert_read_past_gap(2, 100, 200, 16300);
	ck_assert_uint_eq(calls[1], 1);		/* cannot read past a gap: dropped */
	ck_assert(!dpi_flow_decided(&f));
	/* the retransmission, too late: nothing new */
	stream_bytes_at(&d, &f, 100, 100, 0);
	ck_assert_uint_eq(calls[0], 2);
	stream_bytes_at(&d, &f, 16500, 1000, 0);
	assert_read_past_gap(3, 0, 16500, 1000);
	ck_assert_uint_eq(calls[1], 1);
	ck_assert_int_eq(misplaced, 0);
	end_flows(&d, &f, 1);
	ck_assert_uint_eq(d.stream_bytes, 0);
	dpi_free(&d);
}
END_TEST

START_TEST(test_gap_counts_what_was_not_consumed)
{
	/* Bytes handed over and not consumed before the gap are lost with
	 * it: the gap says so, stream_offset counts them. */
	struct dpi d;
	struct flow f;
	take_dpi(&d, 1, 0);
	d.set.v[0].d.flags |= NL_DESC_GAPS;
	take_mode[0] = TAKE_ALL_BUT_3;
	memset(&f, 0, sizeof(f));
	stream_bytes_at(&d, &f, 0, 100, 0);
	ck_assert_uint_eq(seen_len[0], 100);	/* 97 consumed, 3 kept */
	/* [100, 600) lost; then a segment far past any room: no run held */
	stream_bytes_at(&d, &f, NL_MAX_STREAM + 600, 1000, 0);
	ck_assert_uint_eq(d.stats.stream_gaps, 1);
	ck_assert_uint_eq(calls[0], 2);
	ck_assert_uint_eq(seen_gap[0], 3 + NL_MAX_STREAM + 500);
	ck_assert_uint_eq(seen_off[0], NL_MAX_STREAM + 600);
	ck_assert_uint_eq(seen_len[0], 1000);
	ck_assert_int_eq(misplaced, 0);
	end_flows(&d, &f, 1);
	ck_assert_uint_eq(d.stream_bytes, 0);
	dpi_free(&d);
}
END_TEST

START_TEST(test_gap_without_readers_past_it)
{
	/* Nobody reads past a gap: the flow's inspection ends there (before,
	 * it waited for ever, holding its bytes). A reader that ignores the
	 * side of the gap is not dropped for it. */
	struct dpi d;
	struct flow f;
	take_dpi(&d, 1, 0);
	take_mode[0] = TAKE_ALL;
	memset(&f, 0, sizeof(f));
	stream_bytes_at(&d, &f, 0, 100, 0);
	stream_bytes_at(&d, &f, 200, 1000, 0);
	stream_bytes_at(&d, &f, NL_MAX_STREAM + 200, 1000, 0);
	ck_assert_uint_eq(f.dpi, DPI_NOTHING);	/* given up, nothing found */
	ck_assert_uint_eq(calls[0], 1);
	ck_assert_uint_eq(d.stream_bytes, 0);
	end_flows(&d, &f, 1);
	dpi_free(&d);

	take_dpi(&d, 1, 0);
	take_mode[0] = TAKE_IGNORE;	/* wants nothing more of the client's side */
	memset(&f, 0, sizeof(f));
	stream_bytes_at(&d, &f, 0, 100, 0);
	take_mode[0] = TAKE_ALL;
	stream_bytes_at(&d, &f, 200, 1000, 0);
	stream_bytes_at(&d, &f, NL_MAX_STREAM + 200, 1000, 0);
	ck_assert(!dpi_flow_decided(&f));
	ck_assert_uint_eq(calls[0], 1);
	server_bytes_at(&d, &f, 0, 50);		/* the answer is still read */
	ck_assert_uint_eq(calls[0], 2);
	ck_assert_uint_eq(seen_len[0], 50);
	ck_assert_int_eq(misplaced, 0);
	end_flows(&d, &f, 1);
	ck_assert_uint_eq(d.stream_bytes, 0);
	dpi_free(&d);
}
END_TEST

START_TEST(test_gap_given_up_at_the_end)
{
	/* The flow ends (it closes, or its file does) with a run held past a
	 * gap: the retransmission will not come, so the gap is given up and
	 * the run read by those that read past gaps (dpi_finish, and
	 * dpi_flush_gaps at a file's end). */
	struct dpi d;
	struct flow f;
	gap_setup(&d, &f, 2, 1);
	stream_bytes_at(&d, &f, 200, 1000, 0);	/* [100, 200) lost */
	stream_bytes_at(&d, &f, 1200, 1000, 0);
	ck_assert_uint_eq(calls[0], 1);
	ck_assert_uint_eq(calls[1], 1);
	ck_assert_int_eq(dpi_flush_gaps(&d, &f), 1);
	ck_assert_uint_eq(d.stats.stream_gaps, 1);
	assert_read_past_gap(2, 100, 200, 2000);
	ck_assert_uint_eq(calls[1], 1);		/* cannot read past a gap: dropped */
	ck_assert(!dpi_flow_decided(&f));
	ck_assert_int_eq(dpi_flush_gaps(&d, &f), 0);	/* nothing held any more: no call */
	ck_assert_uint_eq(calls[0], 2);
	ck_assert_uint_eq(d.stats.stream_gaps, 1);
	stream_bytes_at(&d, &f, 2200, 10, 0);	/* a file that goes on is read on */
	ck_assert_uint_eq(calls[0], 3);
	ck_assert_uint_eq(seen_off[0], 2200);
	ck_assert_uint_eq(seen_gap[0], 0);
	ck_assert_int_eq(misplaced, 0);
	end_flows(&d, &f, 1);
	ck_assert_uint_eq(d.stream_bytes, 0);
	dpi_free(&d);

	/* At the close, with nobody reading past gaps: the run is not read,
	 * and the flow is decided as before; the held bytes go back. */
	gap_setup(&d, &f, 1, 0);
	stream_bytes_at(&d, &f, 200, 1000, 0);
	ck_assert_uint_gt(d.stream_bytes, 0);
	dpi_finish(&d, &f);
	ck_assert_uint_eq(calls[0], 1);
	ck_assert_uint_eq(d.stats.stream_gaps, 1);
	ck_assert_uint_eq(f.dpi, DPI_NOTHING);
	ck_assert_uint_eq(d.stream_bytes, 0);
	dpi_free(&d);

	/* Both sides held at the close: each read with its own gap. */
	gap_setup(&d, &f, 1, 1);
	stream_bytes_at(&d, &f, 300, 50, 0);	/* [100, 300) lost */
	server_bytes_at(&d, &f, 0, 10);
	server_bytes_at(&d, &f, 20, 5);		/* [10, 20) lost */
	ck_assert_uint_eq(calls[0], 2);
	dpi_finish(&d, &f);
	ck_assert_uint_eq(d.stats.stream_gaps, 2);
	assert_read_past_gap(4, 10, 20, 5);	/* the server's, last */
	ck_assert_int_eq(misplaced, 0);
	ck_assert_uint_eq(d.stream_bytes, 0);
	dpi_free(&d);
}
END_TEST

START_TEST(test_first_data_after_syn_late)
{
	/* The handshake said where data begins: a later segment that comes
	 * first waits for the first, as for any gap. */
	struct dpi d;
	struct flow f;
	take_dpi(&d, 1, 0);
	memset(&f, 0, sizeof(f));
	data_from_known = 1;
	stream_bytes_at(&d, &f, 100, 50, 0);
	ck_assert_uint_eq(calls[0], 0);
	stream_bytes_at(&d, &f, 0, 100, 0);
	ck_assert_uint_eq(seen_off[0], 0);
	ck_assert_uint_eq(seen_len[0], 150);
	ck_assert_int_eq(misplaced, 0);
	end_flows(&d, &f, 1);
	/* Not known (no handshake seen): the first segment offered begins it. */
	data_from_known = 0;
	memset(&f, 0, sizeof(f));
	calls[0] = 0;
	stream_bytes_at(&d, &f, 100, 50, 0);
	ck_assert_uint_eq(calls[0], 1);
	ck_assert_uint_eq(seen_off[0], 0);
	ck_assert_uint_eq(seen_len[0], 50);
	end_flows(&d, &f, 1);
	ck_assert_uint_eq(d.stream_bytes, 0);
	dpi_free(&d);
}
END_TEST

START_TEST(test_ignored_side_not_offered)
{
	/* A dissector done with the client's side (a request read, its body
	 * to come): the body is neither delivered nor counted, nor kept,
	 * while the server's side goes on; another reader still gets both. */
	struct dpi d;
	struct flow f;
	take_dpi(&d, 2, 0);
	d.set.v[0].d.packet_budget = 3;
	take_mode[0] = TAKE_IGNORE;
	memset(&f, 0, sizeof(f));
	stream_bytes_at(&d, &f, 0, 100, 0);
	ck_assert_int_eq(consume_rc, 0);
	ck_assert_uint_eq(calls[0], 1);
	ck_assert_uint_eq(calls[1], 1);
	take_mode[0] = TAKE_NONE;
	for (uint32_t k = 1; k <= 20; k++)	/* a body of 20 segments */
		stream_bytes_at(&d, &f, 100 * k, 100, 0);
	ck_assert_uint_eq(calls[0], 1);
	ck_assert_uint_eq(calls[1], 21);
	ck_assert_uint_eq(seen_len[1], 2100);	/* kept for the other reader */
	server_bytes_at(&d, &f, 0, 50);
	ck_assert_uint_eq(calls[0], 2);		/* the answer is still delivered */
	ck_assert_uint_eq(seen_len[0], 50);
	ck_assert(!dpi_flow_decided(&f));	/* 2 calls of a budget of 3 */

	/* Alone, it holds none of the ignored side's bytes. */
	end_flows(&d, &f, 1);
	ck_assert_uint_eq(d.stream_bytes, 0);
	dpi_free(&d);
	take_dpi(&d, 1, 0);
	take_mode[0] = TAKE_IGNORE;
	memset(&f, 0, sizeof(f));
	stream_bytes_at(&d, &f, 0, 100, 0);
	ck_assert_uint_eq(d.stream_bytes, 0);
	stream_bytes_at(&d, &f, 100, 100, 0);
	ck_assert_uint_eq(d.stream_bytes, 0);
	ck_assert_uint_eq(calls[0], 1);
	ck_assert_uint_eq(d.stats.api_errors, 1);	/* the from_client of 2 */
	end_flows(&d, &f, 1);
	dpi_free(&d);
}
END_TEST

/* ---- the budget ------------------------------------------------------------ */

/* Its dissectors are no longer offered the flow (it found nothing: no DPI). */
static int asked_no_more(const struct flow *f)
{
	return f->dpi == DPI_NOTHING || dpi_flow_decided(f);
}

START_TEST(test_small_growth_counts_in_part)
{
	/* A stream growing a byte a segment (a hello written in tiny pieces)
	 * spends a budget of 3 only after 3 * 128 bytes; a segment of 128
	 * bytes or more is one delivery, as before. */
	struct dpi d;
	struct flow f;
	take_dpi(&d, 1, 0);
	d.set.v[0].d.packet_budget = 3;
	take_mode[0] = TAKE_ALL;
	memset(&f, 0, sizeof(f));
	for (uint32_t k = 0; k < 383; k++)
		stream_bytes_at(&d, &f, k, 1, 0);
	ck_assert_uint_eq(calls[0], 383);
	ck_assert(!asked_no_more(&f));
	stream_bytes_at(&d, &f, 383, 1, 0);	/* the 384th byte: 3 units */
	ck_assert_uint_eq(calls[0], 384);
	ck_assert(asked_no_more(&f));
	ck_assert_int_eq(misplaced, 0);
	end_flows(&d, &f, 1);
	dpi_free(&d);

	take_dpi(&d, 1, 0);
	d.set.v[0].d.packet_budget = 3;
	take_mode[0] = TAKE_ALL;
	memset(&f, 0, sizeof(f));
	stream_bytes_at(&d, &f, 0, 128, 0);
	stream_bytes_at(&d, &f, 128, 127, 0);	/* a part */
	stream_bytes_at(&d, &f, 255, 200, 0);
	ck_assert(!asked_no_more(&f));
	stream_bytes_at(&d, &f, 455, 1, 0);	/* 127 + 1: the third */
	ck_assert(asked_no_more(&f));
	ck_assert_uint_eq(calls[0], 4);
	end_flows(&d, &f, 1);
	dpi_free(&d);
}
END_TEST

START_TEST(test_budget_past_255)
{
	/* Every datagram counts in full, and a budget past what a byte holds
	 * still ends (the count was a byte, which wrapped: a plugin asking for
	 * 300 was offered every packet of the flow). */
	struct dpi d;
	struct flow f;
	take_dpi(&d, 1, 1);
	d.set.v[0].d.packet_budget = 300;
	memset(&f, 0, sizeof(f));
	for (uint32_t k = 0; k < 299; k++)
		stream_bytes_at(&d, &f, 0, 1, 1);
	ck_assert(!asked_no_more(&f));
	stream_bytes_at(&d, &f, 0, 1, 1);
	ck_assert(asked_no_more(&f));
	ck_assert_uint_eq(calls[0], 300);
	end_flows(&d, &f, 1);
	dpi_free(&d);
}
END_TEST

START_TEST(test_consume_all_frees_the_buffer)
{
	struct dpi d;
	struct flow f;
	take_dpi(&d, 1, 0);
	take_mode[0] = TAKE_ALL;
	memset(&f, 0, sizeof(f));
	uint32_t at = 0;
	for (uint32_t k = 0; k < 100; k++) {	/* 100 segments of 300: past NL_MAX_STREAM */
		stream_bytes_at(&d, &f, at, 300, 0);
		ck_assert_int_eq(consume_rc, 0);
		ck_assert_uint_eq(seen_off[0], at);	/* each call: only the new bytes */
		ck_assert_uint_eq(seen_len[0], 300);
		ck_assert_uint_eq(d.stream_bytes, 0);	/* nothing held between calls */
		at += 300;
	}
	ck_assert_uint_gt(at, NL_MAX_STREAM);
	ck_assert_int_eq(misplaced, 0);
	ck_assert_uint_eq(d.stats.stream_consumed, at);
	ck_assert_uint_eq(d.stats.api_errors, 0);
	end_flows(&d, &f, 1);
	dpi_free(&d);
}
END_TEST

START_TEST(test_consume_part_keeps_the_rest)
{
	struct dpi d;
	struct flow f;
	take_dpi(&d, 1, 0);
	take_mode[0] = TAKE_ALL_BUT_3;
	memset(&f, 0, sizeof(f));
	stream_bytes_at(&d, &f, 0, 10, 0);
	ck_assert_uint_eq(seen_off[0], 0);
	ck_assert_uint_eq(seen_len[0], 10);
	stream_bytes_at(&d, &f, 10, 10, 0);	/* the 3 kept, then 10 new */
	ck_assert_uint_eq(seen_off[0], 7);
	ck_assert_uint_eq(seen_len[0], 13);
	stream_bytes_at(&d, &f, 20, 5, 0);
	ck_assert_uint_eq(seen_off[0], 17);
	ck_assert_uint_eq(seen_len[0], 8);
	ck_assert_uint_eq(d.stream_bytes, 2048);	/* 3 bytes held: the buffer stays */
	ck_assert_uint_eq(d.stats.stream_consumed, 22);
	take_mode[0] = TAKE_HUGE;		/* past the data: taken as all of it */
	stream_bytes_at(&d, &f, 25, 1, 0);
	ck_assert_int_eq(consume_rc, 0);
	ck_assert_uint_eq(seen_len[0], 4);
	ck_assert_uint_eq(d.stream_bytes, 0);
	stream_bytes_at(&d, &f, 26, 2, 0);
	ck_assert_uint_eq(seen_off[0], 26);
	ck_assert_uint_eq(seen_len[0], 2);
	ck_assert_int_eq(misplaced, 0);
	end_flows(&d, &f, 1);
	ck_assert_uint_eq(d.stream_bytes, 0);
	dpi_free(&d);
}
END_TEST

START_TEST(test_consume_waits_for_every_stream_reader)
{
	/* Two stream candidates: bytes go only once both consumed them, and
	 * each reads from its own mark. */
	struct dpi d;
	struct flow f;
	take_dpi(&d, 2, 0);
	take_mode[0] = TAKE_ALL;
	take_mode[1] = TAKE_NONE;
	memset(&f, 0, sizeof(f));
	stream_bytes_at(&d, &f, 0, 10, 0);
	stream_bytes_at(&d, &f, 10, 10, 0);
	ck_assert_uint_eq(seen_off[0], 10);
	ck_assert_uint_eq(seen_len[0], 10);
	ck_assert_uint_eq(seen_off[1], 0);	/* the 1.0-style reader: from the start */
	ck_assert_uint_eq(seen_len[1], 20);
	ck_assert_uint_eq(d.stats.stream_consumed, 0);
	ck_assert_uint_eq(d.stream_bytes, 2048);
	take_mode[1] = TAKE_ALL_BUT_3;
	stream_bytes_at(&d, &f, 20, 10, 0);
	ck_assert_uint_eq(seen_off[0], 20);
	ck_assert_uint_eq(seen_len[0], 10);
	ck_assert_uint_eq(seen_len[1], 30);
	ck_assert_uint_eq(d.stats.stream_consumed, 27);	/* the least of the two marks */
	stream_bytes_at(&d, &f, 30, 5, 0);
	ck_assert_uint_eq(seen_off[0], 30);
	ck_assert_uint_eq(seen_len[0], 5);
	ck_assert_uint_eq(seen_off[1], 27);
	ck_assert_uint_eq(seen_len[1], 8);
	ck_assert_int_eq(misplaced, 0);
	end_flows(&d, &f, 1);
	ck_assert_uint_eq(d.stream_bytes, 0);
	dpi_free(&d);
}
END_TEST

START_TEST(test_consume_not_a_stream)
{
	struct dpi d;
	struct flow f;
	take_dpi(&d, 1, 1);
	take_mode[0] = TAKE_ALL;
	memset(&f, 0, sizeof(f));
	stream_bytes_at(&d, &f, 0, 10, 1);
	ck_assert_int_eq(consume_rc, -1);
	ck_assert_uint_eq(d.stats.api_errors, 1);
	ck_assert_uint_eq(seen_off[0], 0);
	end_flows(&d, &f, 1);
	dpi_free(&d);
}
END_TEST

START_TEST(test_consume_in_place_over_cap)
{
	/* No stream memory: a first segment read in place and consumed whole
	 * leaves the direction whole, so the next one is read in place too;
	 * one consumed in part still ends the stream dissection. */
	struct dpi d;
	struct flow f;
	take_dpi(&d, 1, 0);
	dpi_set_stream_limit(&d, 0);
	take_mode[0] = TAKE_ALL;
	memset(&f, 0, sizeof(f));
	for (uint32_t k = 0; k < 5; k++) {
		stream_bytes_at(&d, &f, 12 * k, 12, 0);
		ck_assert_uint_eq(seen_off[0], 12 * k);
		ck_assert_uint_eq(seen_len[0], 12);
	}
	ck_assert_uint_eq(calls[0], 5);
	ck_assert_uint_eq(d.stats.stream_capped, 0);
	take_mode[0] = TAKE_ALL_BUT_3;
	stream_bytes_at(&d, &f, 60, 12, 0);
	ck_assert_uint_eq(calls[0], 6);
	stream_bytes_at(&d, &f, 72, 12, 0);	/* needs the 3 bytes not kept */
	ck_assert_uint_eq(calls[0], 6);
	ck_assert_uint_eq(d.stats.stream_capped, 1);
	ck_assert_uint_eq(f.dpi, DPI_NOTHING);	/* given up, nothing found */
	ck_assert_uint_eq(d.stream_bytes, 0);
	ck_assert_int_eq(misplaced, 0);
	end_flows(&d, &f, 1);
	dpi_free(&d);
}
END_TEST

static Suite *dpi_stream_suite(void)
{
	Suite *s = suite_create("dpi_stream");
	TCase *tc = tcase_create("valid");
	tcase_add_test(tc, test_reassembled_below_cap);
	tcase_add_test(tc, test_first_segment_in_place_over_cap);
	tcase_add_test(tc, test_cap_shared_by_flows);
	tcase_add_test(tc, test_tight_buffer_grows);
	tcase_add_test(tc, test_growth_counts_against_cap);
	tcase_add_test(tc, test_payload_ip_version_and_wire_len);
	tcase_add_test(tc, test_reordered_segment_held);
	tcase_add_test(tc, test_reordered_with_consume);
	tcase_add_test(tc, test_segment_over_room_offered_on);
	tcase_add_test(tc, test_held_run_apart_let_go);
	tcase_add_test(tc, test_gap_given_up_when_room_runs_out);
	tcase_add_test(tc, test_gap_counts_what_was_not_consumed);
	tcase_add_test(tc, test_gap_without_readers_past_it);
	tcase_add_test(tc, test_gap_given_up_at_the_end);
	tcase_add_test(tc, test_first_data_after_syn_late);
	tcase_add_test(tc, test_ignored_side_not_offered);
	tcase_add_test(tc, test_small_growth_counts_in_part);
	tcase_add_test(tc, test_budget_past_255);
	tcase_add_test(tc, test_consume_all_frees_the_buffer);
	tcase_add_test(tc, test_consume_part_keeps_the_rest);
	tcase_add_test(tc, test_consume_waits_for_every_stream_reader);
	tcase_add_test(tc, test_consume_not_a_stream);
	tcase_add_test(tc, test_consume_in_place_over_cap);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(dpi_stream_suite());
}
