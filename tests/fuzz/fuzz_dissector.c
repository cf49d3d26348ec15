/*
 * fuzz_dissector.c - one libFuzzer harness for every dissector.
 *
 * Built once per dissector by linking that dissector's sources, which
 * define netlens_dissector_entry(); the harness plays the host
 * (core/dpi.c dpi_offer) with tests/dissectors/fakehost.h standing in for
 * the host API.
 *
 * Input: a sequence of payload units
 *
 *   +---------+-----------------+----------------------+
 *   | control | length (BE, 2)  | length bytes ...     |
 *   +---------+-----------------+----------------------+
 *
 *   control bit 0     1: sent by the client, 0: by the server
 *   control bit 1     1: UDP, 0: TCP (only when the dissector takes both;
 *                     otherwise its one transport)
 *   control bits 2-4  server port: port_hints[n] when n < n_port_hints,
 *                     else 40000, 853 or 443 (n % 3): an unhinted port
 *   control bit 5     instead, port 25, 143 or 5353 (n % 3): ports a
 *                     dissector treats apart though it has no hint there
 *                     (STARTTLS for tls, TCP 5353 for dns)
 *   control bit 6     the host speaks the newer ABI: streams honour
 *                     consume() (1.1); a unit offered alone (datagram,
 *                     segment) came over IPv6 when set, IPv4 when clear
 *                     (1.3 ip_version), with the whole 1.4 table
 *                     (set_idle_timeout; consume() refusing it)
 *   control bit 7     start a new flow with this unit
 *
 * Transport, server port and host ABI are taken from a flow's first unit. A last
 * unit shorter than its length takes what is left, and is offered as a packet
 * the capture cut: its wire_len is the length it gave (ABI 1.3); empty units
 * are not offered (the host never offers empty payloads): for a NL_DESC_GAPS
 * dissector under the newer host, an empty TCP unit is a gap given up in its
 * direction (ABI 1.5), of 1 + 331 * (control bits 1-5) bytes, told in the
 * next delivery's payload.gap with what was held and not consumed.
 *
 * Like the host: a NL_DESC_STREAM dissector on TCP gets each direction's
 * whole stream (at most NL_MAX_STREAM bytes) every time it grows, or with
 * the 1.1 host the stream from the first byte it did not consume; everyone
 * else gets each unit alone. A flow stops on NL_DONE, NL_NOT_MINE or
 * NL_MALFORMED, or after packet_budget calls. Every delivery is an
 * exact-size heap copy, so AddressSanitizer sees a read one byte past the
 * payload. The state block is calloc'ed with state_size and handed to
 * release() before it is freed.
 *
 * A dissector that misuses the host API (fakehost counts it in
 * f.errors) or returns a verdict outside enum nl_verdict aborts: both are
 * dissector bugs whatever the input.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/dissectors/fakehost.h"

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void);

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CLIENT_PORT 51234

static const struct nl_dissector *dis;

struct fz_stream {
	uint8_t buf[NL_MAX_STREAM];
	size_t len;
	uint64_t base;		/* 1.1 host: bytes consumed (stream offset of buf[0]) */
	uint32_t gap;		/* 1.5 host: for the next delivery's payload.gap */
};

struct fz_flow {
	struct fh_flow ff;
	int open;		/* a flow is in progress */
	int stopped;		/* the dissector is done with it */
	unsigned transport;
	uint16_t server_port;
	unsigned offered;
	int abi11;		/* the host honours consume() */
	struct fz_stream dir[2];	/* 0: server → client, 1: client → server */
};

static struct fz_flow flow;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	dis = netlens_dissector_entry();
	if (!dis || !dis->dissect || dis->abi_major != NL_ABI_MAJOR ||
	    !(dis->transports & (NL_TCP | NL_UDP)) || dis->state_size > NL_MAX_STATE) {
		fprintf(stderr, "fuzz_dissector: bad descriptor\n");
		abort();
	}
	if (dis->init && dis->init(&fh_api) != 0) {
		fprintf(stderr, "fuzz_dissector: %s: init() failed\n", dis->name);
		abort();
	}
	return 0;
}

static void check_api(const char *what)
{
	if (flow.ff.f.errors) {
		fprintf(stderr, "fuzz_dissector: %s: host API misused %d time(s) during %s\n",
			dis->name, flow.ff.f.errors, what);
		abort();
	}
}

static void flow_close(void)
{
	if (!flow.open)
		return;
	fh_close(&flow.ff);	/* release(), then free() */
	check_api("release()");
	flow.open = 0;
}

static uint16_t pick_port(unsigned sel, int special)
{
	static const uint16_t other[3] = { 40000, 853, 443 }, apart[3] = { 25, 143, 5353 };
	if (special)
		return apart[sel % 3];
	if (sel < dis->n_port_hints && dis->port_hints)
		return dis->port_hints[sel];
	return other[sel % 3];
}

static void flow_open(uint8_t ctl)
{
	fh_open(&flow.ff, dis);
	if (dis->state_size && !flow.ff.state)
		abort();
	flow.open = 1;
	flow.stopped = 0;
	flow.offered = 0;
	flow.dir[0].len = flow.dir[1].len = 0;
	flow.dir[0].base = flow.dir[1].base = 0;
	flow.dir[0].gap = flow.dir[1].gap = 0;
	flow.abi11 = (ctl >> 6) & 1;
	if ((dis->transports & (NL_TCP | NL_UDP)) == (NL_TCP | NL_UDP))
		flow.transport = (ctl & 2) ? NL_UDP : NL_TCP;
	else
		flow.transport = dis->transports & NL_TCP ? NL_TCP : NL_UDP;
	flow.server_port = pick_port((ctl >> 2) & 7, (ctl >> 5) & 1);
}

/* Offers bytes as the host would, from an exact-size copy. s: the stream
 * they are (all that is held of it), for the 1.1 host to drop what the
 * dissector consumed. */
static void offer(int from_client, const uint8_t *bytes, size_t len, struct fz_stream *s,
		  unsigned ip_version, size_t wire_len)
{
	uint8_t *copy = malloc(len);
	if (!copy)
		abort();
	memcpy(copy, bytes, len);
	uint16_t sport = from_client ? CLIENT_PORT : flow.server_port;
	uint16_t dport = from_client ? flow.server_port : CLIENT_PORT;
	enum nl_verdict v;
	if (s && flow.abi11) {
		struct nl_payload p;
		fh_payload(&p, NL_TCP, from_client, sport, dport, copy, len);
		p.stream_offset = s->base;
		p.gap = s->gap;
		s->gap = 0;
		flow.ff.f.call_len = len;
		flow.ff.f.mark = 0;
		v = dis->dissect(&fh_api11, &flow.ff.f, flow.ff.state, &p);
		size_t n = flow.ff.f.mark;
		flow.ff.f.mark = SIZE_MAX;
		memmove(s->buf, s->buf + n, s->len - n);
		s->len -= n;
		s->base += n;
	} else {
		v = fh_feed_as(flow.abi11 ? &fh_api14 : &fh_api, &flow.ff, flow.transport, from_client,
			       sport, dport, copy, len, ip_version, (uint32_t)wire_len);
	}
	free(copy);
	check_api("dissect()");
	unsigned budget = dis->packet_budget ? dis->packet_budget : NL_DEFAULT_BUDGET;
	switch (v) {
	case NL_NEED_MORE:
		if (++flow.offered >= budget)
			flow.stopped = 1;
		break;
	case NL_DONE:
	case NL_NOT_MINE:
	case NL_MALFORMED:
		flow.stopped = 1;
		break;
	default:
		fprintf(stderr, "fuzz_dissector: %s: dissect() returned %d\n", dis->name, (int)v);
		abort();
	}
}

static void unit(uint8_t ctl, const uint8_t *bytes, size_t len, size_t wire_len)
{
	if ((ctl & 0x80) || !flow.open) {
		flow_close();
		flow_open(ctl);
	}
	int from_client = ctl & 1;
	if (len == 0 && !flow.stopped && flow.abi11 && flow.transport == NL_TCP &&
	    (dis->flags & NL_DESC_STREAM) && (dis->flags & NL_DESC_GAPS)) {
		/* a gap given up, as core/dpi.c stream_skip_gap */
		struct fz_stream *s = &flow.dir[from_client];
		fh_gap_given_up(&s->gap, &s->base, &s->len, 1 + 331u * ((ctl >> 1) & 0x1f));
		return;
	}
	if (flow.stopped || len == 0)
		return;
	if ((dis->flags & NL_DESC_STREAM) && flow.transport == NL_TCP) {
		struct fz_stream *s = &flow.dir[from_client];
		if (s->len >= NL_MAX_STREAM)
			return;		/* full: the host stops growing it */
		if (len > NL_MAX_STREAM - s->len)
			len = NL_MAX_STREAM - s->len;
		memcpy(s->buf + s->len, bytes, len);
		s->len += len;
		offer(from_client, s->buf, s->len, s, 0, 0);
	} else {
		offer(from_client, bytes, len, NULL, (ctl & 0x40) ? 6 : 4, wire_len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0;
	while (size - off >= 3) {
		uint8_t ctl = data[off];
		size_t len = (size_t)data[off + 1] << 8 | data[off + 2], wire_len = len;
		off += 3;
		if (len > size - off)
			len = size - off;
		unit(ctl, data + off, len, wire_len);
		off += len;
	}
	flow_close();
	return 0;
}
