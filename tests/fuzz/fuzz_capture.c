/*
 * fuzz_capture.c - libFuzzer harness for a whole capture file through the
 * engine, as `netlens --read FILE --headless --format json` does without
 * payload inspection (the dissectors have their own targets): libpcap
 * reads the input as a pcap or pcapng file, and a pcapng input is read
 * again by netlens' own reader (the one for files whose interfaces differ
 * in link type, core/pcapng_read.c); the input also goes through a pipe
 * and core/pipe_source.c, which frames it as it arrives (the bytes must
 * come out as they went in, and the records it calls whole must be
 * there to read, with the writer still open too: nothing it lets the
 * readers at waits for more); every frame is decoded and
 * tracked (and every UDP fragment put back into its datagram, as for the
 * dissectors: core/reasm.c), time runs out so every flow expires into the
 * history, and every record is formatted as JSON and as a text row.
 *
 * Checks beyond not crashing: the table never holds more than its cap, and
 * every record is valid UTF-8-safe JSON text (one object, no raw control
 * bytes).
 */
#include "config.h"

#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode.h"
#include "pcapng_read.h"
#include "pipe_source.h"
#include "record.h"
#include "strbuf.h"
#include "tracker.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CAP_FLOWS 64	/* small, so eviction runs too */

static void fail(const char *why)
{
	fprintf(stderr, "fuzz_capture: %s\n", why);
	abort();
}

static void check_json(const struct strbuf *b)
{
	if (!b->len || b->buf[0] != '{' || b->buf[b->len - 1] != '}')
		fail("a record is not one JSON object");
	for (size_t i = 0; i < b->len; i++)
		if ((unsigned char)b->buf[i] < 0x20)
			fail("a raw control byte in a JSON record");
}

static void emit(struct flow *f, void *ctx)
{
	struct strbuf *b = ctx;
	sb_reset(b);
	record_json(b, f, f->last_seen_us + 1, NULL, NULL);
	check_json(b);
	sb_reset(b);
	record_text_row(b, f, f->last_seen_us + 1, record_text_width(f));
}

static void feed(struct tracker *t, int dlt, const struct pcap_pkthdr *h, const u_char *bytes,
		 uint64_t *last)
{
	struct packet pkt;
	memset(&pkt, 0, sizeof(pkt));
	pkt.ts_us = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
	pkt.wire_len = h->len;
	pkt.cap_len = h->caplen;
	enum decode_result r = decode_packet(dlt, bytes, h->caplen, &pkt);
	if (r == DECODE_OK && pkt.is_fragment) {
		/* The datagram put back together for the dissectors (the tracker
		 * does so only with them, which this target leaves out): every
		 * byte read, none past the cap. */
		size_t n = 0;
		const uint8_t *d = NULL;
		if (reasm_add(&t->reasm, &pkt, &d, &n) == REASM_WHOLE) {
			if (n > REASM_MAX)
				fail("a datagram past REASM_MAX");
			volatile uint8_t x = 0;
			for (size_t i = 0; i < n; i++)
				x ^= d[i];
			(void)x;
		}
	}
	if (r == DECODE_OK)
		tracker_packet(t, &pkt);
	else
		tracker_note_undecoded(t, r, h->len);
	if (t->table.count > CAP_FLOWS)
		fail("more flows than the cap");
	if (pkt.ts_us > *last)
		*last = pkt.ts_us;
}

/* Every flow printed, then timed out into the history and printed again. */
static void finish(struct tracker *t, uint64_t last)
{
	struct strbuf b;
	sb_init(&b);
	flow_table_foreach(&t->table, emit, &b);
	tracker_advance(t, last + 90000ull * 1000000u);
	for (uint32_t i = 0; i < t->history.count; i++) {
		const struct flow *f = history_get(&t->history, i);
		sb_reset(&b);
		record_json(&b, f, last, "connection_closed", "idle_timeout");
		check_json(&b);
	}
	sb_free(&b);
	tracker_free(t);
}

static void through_libpcap(const uint8_t *data, size_t size)
{
	FILE *fp = fmemopen((void *)data, size, "rb");
	if (!fp)
		return;
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_fopen_offline(fp, ebuf);	/* takes fp, but only when it succeeds */
	if (!p) {
		fclose(fp);
		return;
	}
	struct tracker t;
	struct tracker_config cfg = { .max_flows = CAP_FLOWS, .history = CAP_FLOWS };
	if (tracker_init(&t, &cfg) < 0) {
		pcap_close(p);
		return;
	}
	int dlt = pcap_datalink(p);
	struct pcap_pkthdr *h;
	const u_char *bytes;
	uint64_t last = 0;
	int n = 0;
	while (pcap_next_ex(p, &h, &bytes) == 1 && n++ < 4096)
		feed(&t, dlt, h, bytes, &last);
	finish(&t, last);
	pcap_close(p);
}

/* netlens' own pcapng reader (core/pcapng_read.c), which reads every
 * pcapng file opened by name: each packet decoded with its interface's
 * link type, its interface one the file declared. */
static void through_pcapng_reader(const uint8_t *data, size_t size)
{
	FILE *fp = fmemopen((void *)data, size, "rb");
	if (!fp)
		return;
	char err[256];
	struct pcapng_reader *r = pcapng_open(fp, err, sizeof(err));	/* takes fp */
	if (!r)
		return;
	struct tracker t;
	struct tracker_config cfg = { .max_flows = CAP_FLOWS, .history = CAP_FLOWS };
	if (tracker_init(&t, &cfg) < 0) {
		pcapng_close(r);
		return;
	}
	struct pcap_pkthdr h;
	const uint8_t *bytes;
	int dlt, n = 0;
	uint64_t last = 0;
	if (size % 2 && pcapng_peek(r, err, sizeof(err)) == 1 && pcapng_peek(r, err, sizeof(err)) != 1)
		fail("a second peek lost the packet the first found");	/* standard input's way in */
	while (pcapng_next(r, &h, &bytes, &dlt, err, sizeof(err)) == 1 && n++ < 4096) {
		if (h.caplen > PCAPNG_MAX_BLOCK)
			fail("a packet longer than a block can be");
		unsigned id = pcapng_packet_interface(r);
		if (id > PCAPNG_DISTINCT_MAX || id >= pcapng_interfaces(r))
			fail("a packet of an interface the file has not declared");
		if (strlen(pcapng_interface_name(r, id)) >= PCAPNG_NAME_MAX)
			fail("an interface name longer than kept");
		feed(&t, dlt, &h, bytes, &last);
	}
	finish(&t, last);
	pcapng_close(r);
}

/* The input as a pipe gives it (all written, the writer closed: one poll
 * takes it, up to the pipe's 64 KiB). Whatever the framing says is whole,
 * the stream gives back exactly the input. */
static void through_pipe_source(const uint8_t *data, size_t size)
{
	int fds[2];
	if (size > 60000)
		return;
	if (pipe(fds) < 0)
		fail("no pipe: descriptors leaked by an earlier run?");
	if (write(fds[1], data, size) != (ssize_t)size) {
		close(fds[0]);
		close(fds[1]);
		return;
	}
	close(fds[1]);
	FILE *src = fdopen(fds[0], "rb");
	if (!src) {
		close(fds[0]);
		return;
	}
	int pcapng;
	struct pipe_source *ps;
	FILE *fp = pipe_source_open(src, NULL, 0, &pcapng, &ps);
	if (!fp)
		return;
	pipe_source_poll(ps);
	if (pipe_source_ready(ps) != UINT64_MAX)
		fail("a closed pipe's stream not wholly ready");
	static uint8_t back[60001];
	size_t n = fread(back, 1, sizeof(back), fp);
	if (n != size || memcmp(back, data, size) != 0)
		fail("the pipe source gave back other bytes than it was given");
	fclose(fp);
}

static void take_packet(u_char *user, const struct pcap_pkthdr *h, const u_char *bytes)
{
	(void)bytes;
	if (h->caplen > 262144)
		fail("a pcap record longer than libpcap allows");
	++*(uint64_t *)user;
}

/* The same with the writer still open, as a live capture's pipe that goes
 * quiet after these bytes: what the framing calls whole is read without
 * waiting for more (a wait here never ends, and libFuzzer's -timeout
 * reports it), and a pcapng stream's blocks that have come are peeked
 * without waiting for its first packet, as capture.c opens one. */
static void through_open_pipe(const uint8_t *data, size_t size)
{
	int fds[2];
	if (size < 4 || size > 60000)	/* fewer than 4 bytes: the open waits for the magic */
		return;
	if (pipe(fds) < 0)
		fail("no pipe: descriptors leaked by an earlier run?");
	FILE *src = NULL;
	if (write(fds[1], data, size) != (ssize_t)size || !(src = fdopen(fds[0], "rb"))) {
		close(fds[0]);
		close(fds[1]);
		return;
	}
	int pcapng;
	struct pipe_source *ps;
	FILE *fp = pipe_source_open(src, NULL, 0, &pcapng, &ps);
	if (!fp) {
		close(fds[1]);
		return;
	}
	pipe_source_poll(ps);
	uint64_t ready = pipe_source_ready(ps), got = 0;
	char err[256];
	if (ready == UINT64_MAX || !pipe_source_whole_at(ps, 0)) {
		/* not framed (read as it comes, blocking), or the header is cut */
		fclose(fp);
	} else if (pcapng) {
		struct pcapng_reader *r = pcapng_open(fp, err, sizeof(err));	/* takes fp */
		if (r && pcapng_peek_arrived(r, pipe_source_arrived, ps, err, sizeof(err)) >= 0) {
			struct pcap_pkthdr h;
			const uint8_t *bytes;
			int dlt;
			while (got < ready && pcapng_next(r, &h, &bytes, &dlt, err, sizeof(err)) == 1)
				got++;
		}
		pcapng_close(r);
	} else {
		char ebuf[PCAP_ERRBUF_SIZE];
		pcap_t *p = pcap_fopen_offline(fp, ebuf);	/* takes fp when it succeeds */
		if (!p) {
			fclose(fp);
		} else {
			while (got < ready && pcap_dispatch(p, (int)(ready - got < 1000 ? ready - got : 1000),
							    take_packet, (u_char *)&got) > 0)
				;
			pcap_close(p);
		}
	}
	close(fds[1]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	through_pipe_source(data, size);
	through_open_pipe(data, size);
	through_libpcap(data, size);
	if (size >= 4 && data[0] == 0x0A && data[1] == 0x0D && data[2] == 0x0D && data[3] == 0x0A)
		through_pcapng_reader(data, size);
	return 0;
}
