/*
 * test_pipe_source.c - core/pipe_source.c, pcap and pcapng from a pipe:
 *  - the stream read back through it is the bytes written, its first four
 *    (read to tell pcap from pcapng) included;
 *  - pcap in either byte order and in Kuznetzov's 24-byte record headers,
 *    and pcapng in sections of either byte order: only whole records
 *    (pcapng: packet blocks, with the blocks before them) are ready, a
 *    record cut by the writer's pause is ready once the rest arrives, and
 *    the end of the stream makes everything ready;
 *  - a stream of neither format, or with an impossible length, is not
 *    framed: ready, so the reader meets the damage and says what it is;
 *  - a pcap header that arrives in pieces; version 2.2 files, whose record
 *    headers swap the captured and wire lengths;
 *  - a writer faster than the reader: no more than about
 *    PIPE_SOURCE_AHEAD bytes are taken ahead of what the reader took;
 *    pcapng with over 20 MiB of non-packet blocks in a row: framing gives
 *    up rather than leave the reader waiting for ever.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "core/pcapng_read.h"
#include "core/pipe_source.h"

struct bytes {
	uint8_t b[1 << 16];
	size_t len;
};

static void put(struct bytes *s, const void *p, size_t n)
{
	ck_assert_uint_le(s->len + n, sizeof(s->b));
	memcpy(s->b + s->len, p, n);
	s->len += n;
}

static void put32(struct bytes *s, uint32_t v, int swap)
{
	if (swap)
		v = __builtin_bswap32(v);
	put(s, &v, 4);
}

/* A pcap file header; rec_hdr 24 writes Kuznetzov's magic. */
static void pcap_header(struct bytes *s, int swap, int rec_hdr)
{
	put32(s, rec_hdr == 24 ? 0xA1B2CD34u : 0xA1B2C3D4u, swap);
	uint8_t rest[20] = { 0 };
	put(s, rest, sizeof(rest));
}

static void pcap_record(struct bytes *s, uint32_t caplen, int swap, int rec_hdr)
{
	put32(s, 1700000000, swap);
	put32(s, 0, swap);
	put32(s, caplen, swap);
	put32(s, caplen, swap);
	for (int i = 16; i < rec_hdr; i += 4)
		put32(s, 0, swap);
	for (uint32_t i = 0; i < caplen; i++) {
		uint8_t v = (uint8_t)(i * 13 + s->len);
		put(s, &v, 1);
	}
}

static void ng_block(struct bytes *s, uint32_t type, uint32_t body, int swap)
{
	put32(s, type, swap);
	put32(s, 12 + body, swap);
	for (uint32_t i = 0; i < body; i += 4)
		put32(s, 0x01020304u, swap);
	put32(s, 12 + body, swap);
}

static void ng_section(struct bytes *s, int swap)
{
	put32(s, 0x0A0D0D0Au, 0);
	put32(s, 28, swap);
	put32(s, 0x1A2B3C4Du, swap);
	put32(s, 1, swap);	/* version 1.0 */
	put32(s, 0xFFFFFFFFu, 0);
	put32(s, 0xFFFFFFFFu, 0);
	put32(s, 28, swap);
}

struct pipe_end {
	int w;
	FILE *fp;
	struct pipe_source *ps;
};

/* A pipe with the first n bytes of s written; the source opened on it. */
static struct pipe_end open_with(const struct bytes *s, size_t n, int *pcapng)
{
	int fds[2];
	ck_assert_int_eq(pipe(fds), 0);
	ck_assert_int_eq(write(fds[1], s->b, n), (ssize_t)n);
	struct pipe_end e = { .w = fds[1] };
	if (n == 0) {	/* an empty stream: its end, at once */
		close(fds[1]);
		e.w = -1;
	}
	FILE *src = fdopen(fds[0], "rb");
	ck_assert_ptr_nonnull(src);
	e.fp = pipe_source_open(src, NULL, 0, pcapng, &e.ps);
	ck_assert_ptr_nonnull(e.fp);
	return e;
}

static uint64_t ready_now(struct pipe_end *e)
{
	pipe_source_poll(e->ps);
	return pipe_source_ready(e->ps);
}

/* Reads n bytes through the stream and checks them against s from at. */
static void read_back(struct pipe_end *e, const struct bytes *s, size_t at, size_t n)
{
	static uint8_t got[sizeof(((struct bytes *)0)->b)];
	ck_assert_uint_eq(fread(got, 1, n, e->fp), n);
	ck_assert_int_eq(memcmp(got, s->b + at, n), 0);
}

static void pcap_case(int swap, int rec_hdr)
{
	struct bytes s = { .len = 0 };
	pcap_header(&s, swap, rec_hdr);
	size_t first = s.len;
	pcap_record(&s, 60, swap, rec_hdr);
	size_t second = s.len;
	pcap_record(&s, 1500, swap, rec_hdr);
	pcap_record(&s, 0, swap, rec_hdr);
	int pcapng = -1;
	/* the header, the first record and 20 bytes of the second */
	struct pipe_end e = open_with(&s, second + 20, &pcapng);
	ck_assert_int_eq(pcapng, 0);
	ck_assert_uint_eq(ready_now(&e), 1);
	read_back(&e, &s, 0, second);	/* the reader takes the header and record 1 */
	pipe_source_taken(e.ps, 1);
	ck_assert_uint_eq(ready_now(&e), 0);	/* record 2 is not whole */
	ck_assert_int_eq(write(e.w, s.b + second + 20, s.len - second - 20), (ssize_t)(s.len - second - 20));
	ck_assert_uint_eq(ready_now(&e), 2);	/* records 2 and 3 (empty) */
	read_back(&e, &s, second, s.len - second);
	pipe_source_taken(e.ps, 2);
	ck_assert_uint_eq(ready_now(&e), 0);
	close(e.w);
	ck_assert_uint_eq(ready_now(&e), UINT64_MAX);	/* the end: the reader reads it */
	uint8_t b;
	ck_assert_uint_eq(fread(&b, 1, 1, e.fp), 0);
	ck_assert_int_ne(feof(e.fp), 0);
	fclose(e.fp);
	(void)first;
}

START_TEST(pcap_whole_records)
{
	pcap_case(0, 16);
	pcap_case(1, 16);
	pcap_case(0, 24);
	pcap_case(1, 24);
}
END_TEST

START_TEST(pcapng_whole_packet_blocks)
{
	for (int swap = 0; swap < 2; swap++) {
		struct bytes s = { .len = 0 };
		ng_section(&s, swap);
		ng_block(&s, 1, 8, swap);	/* an interface */
		ng_block(&s, 6, 40, swap);	/* a packet */
		ng_block(&s, 5, 16, swap);	/* statistics */
		size_t cut = s.len;
		ng_block(&s, 6, 80, swap);	/* a packet, cut */
		ng_section(&s, !swap);		/* a section in the other byte order */
		ng_block(&s, 1, 8, !swap);
		ng_block(&s, 3, 20, !swap);	/* a simple packet */
		int pcapng = -1;
		struct pipe_end e = open_with(&s, cut + 30, &pcapng);
		ck_assert_int_eq(pcapng, 1);
		ck_assert_uint_eq(ready_now(&e), 1);
		read_back(&e, &s, 0, cut);
		pipe_source_taken(e.ps, 1);
		ck_assert_uint_eq(ready_now(&e), 0);
		ck_assert_int_eq(write(e.w, s.b + cut + 30, s.len - cut - 30), (ssize_t)(s.len - cut - 30));
		ck_assert_uint_eq(ready_now(&e), 2);
		read_back(&e, &s, cut, s.len - cut);
		close(e.w);
		fclose(e.fp);
	}
}
END_TEST

START_TEST(unframed_streams_are_ready)
{
	struct bytes s = { .len = 0 };
	put(&s, "not a capture at all", 20);
	int pcapng = -1;
	struct pipe_end e = open_with(&s, s.len, &pcapng);
	ck_assert_int_eq(pcapng, 0);
	ck_assert_uint_eq(ready_now(&e), UINT64_MAX);
	read_back(&e, &s, 0, s.len);
	close(e.w);
	fclose(e.fp);

	/* a pcap record claiming 2^31 bytes, a pcapng block of length 13 */
	struct bytes p = { .len = 0 };
	pcap_header(&p, 0, 16);
	put32(&p, 0, 0);
	put32(&p, 0, 0);
	put32(&p, 0x80000000u, 0);
	put32(&p, 0x80000000u, 0);
	e = open_with(&p, p.len, &pcapng);
	ck_assert_uint_eq(ready_now(&e), UINT64_MAX);
	close(e.w);
	fclose(e.fp);
	struct bytes n = { .len = 0 };
	ng_section(&n, 0);
	put32(&n, 6, 0);
	put32(&n, 13, 0);
	put32(&n, 0, 0);
	e = open_with(&n, n.len, &pcapng);
	ck_assert_int_eq(pcapng, 1);
	ck_assert_uint_eq(ready_now(&e), UINT64_MAX);
	close(e.w);
	fclose(e.fp);

	/* an empty stream: ended at once */
	e = open_with(&n, 0, &pcapng);
	ck_assert_int_eq(pcapng, 0);
	ck_assert_uint_eq(ready_now(&e), UINT64_MAX);
	fclose(e.fp);
}
END_TEST

/* A pcap header that comes in pieces (a stream cut at 10 bytes, or one
 * that ends there), and the version 2.2 files whose record headers have
 * the captured and the wire lengths the other way round (libpcap's
 * lengths_swapped): framed by the captured length all the same. */
START_TEST(pcap_header_in_pieces_and_old_versions)
{
	struct bytes s = { .len = 0 };
	pcap_header(&s, 1, 16);
	pcap_record(&s, 40, 1, 16);
	int pcapng = -1;
	struct pipe_end e = open_with(&s, 10, &pcapng);
	ck_assert_int_eq(pcapng, 0);
	ck_assert_uint_eq(ready_now(&e), 0);
	ck_assert_int_eq(pipe_source_whole_at(e.ps, 0), 0);	/* the file header is cut */
	ck_assert_int_eq(write(e.w, s.b + 10, s.len - 10), (ssize_t)(s.len - 10));
	ck_assert_uint_eq(ready_now(&e), 1);
	ck_assert_int_eq(pipe_source_whole_at(e.ps, 0), 1);
	ck_assert_int_eq(pipe_source_whole_at(e.ps, 24), 1);	/* the record */
	ck_assert_int_eq(pipe_source_whole_at(e.ps, s.len), 0);	/* none after it yet */
	read_back(&e, &s, 0, s.len);
	close(e.w);
	fclose(e.fp);
	e = open_with(&s, 10, &pcapng);
	close(e.w);
	ck_assert_uint_eq(ready_now(&e), UINT64_MAX);	/* ended: libpcap says it is cut */
	fclose(e.fp);

	for (int swap = 0; swap < 2; swap++) {
		struct bytes o = { .len = 0 };
		put32(&o, 0xA1B2C3D4u, swap);
		uint16_t ver[2] = { 2, 2 };
		if (swap) {
			ver[0] = __builtin_bswap16(ver[0]);
			ver[1] = __builtin_bswap16(ver[1]);
		}
		put(&o, ver, 4);
		uint8_t rest[16] = { 0 };
		put(&o, rest, sizeof(rest));
		put32(&o, 1700000000, swap);
		put32(&o, 0, swap);
		put32(&o, 1500, swap);	/* the wire length first, in 2.2 */
		put32(&o, 30, swap);	/* the captured one */
		uint8_t pay[30] = { 0 };
		put(&o, pay, sizeof(pay));
		e = open_with(&o, o.len, &pcapng);
		ck_assert_uint_eq(ready_now(&e), 1);
		read_back(&e, &o, 0, o.len);
		close(e.w);
		fclose(e.fp);
	}
}
END_TEST

/* One process writes and reads (no writer child: fork under qemu-user, as
 * the cross builds run these, can deadlock): the write end is
 * non-blocking, and each round writes what the pipe takes of gen's bytes
 * and lets the source poll. */
struct feeder {
	int w;
	uint64_t sent, total;
	void (*gen)(uint64_t at, uint8_t *out, size_t n);
};

static void feed_round(struct feeder *f, struct pipe_source *ps)
{
	static uint8_t chunk[16384];
	for (;;) {
		if (f->sent == f->total)
			break;
		size_t n = f->total - f->sent < sizeof(chunk) ? (size_t)(f->total - f->sent) : sizeof(chunk);
		f->gen(f->sent, chunk, n);
		ssize_t w = write(f->w, chunk, n);
		if (w <= 0)
			break;	/* full: the source's turn */
		f->sent += (uint64_t)w;
	}
	if (f->sent == f->total && f->w >= 0) {
		close(f->w);
		f->w = -1;
	}
	pipe_source_poll(ps);
}

static FILE *open_fed(struct feeder *f, struct pipe_source **ps)
{
	int fds[2], pcapng;
	ck_assert_int_eq(pipe(fds), 0);
	f->w = fds[1];
	ck_assert_int_eq(fcntl(fds[1], F_SETFL, O_NONBLOCK), 0);
	uint8_t first[64];
	f->gen(0, first, sizeof(first));
	ck_assert_int_eq(write(f->w, first, sizeof(first)), (ssize_t)sizeof(first));
	f->sent = sizeof(first);
	FILE *fp = pipe_source_open(fdopen(fds[0], "rb"), NULL, 0, &pcapng, ps);
	ck_assert_ptr_nonnull(fp);
	return fp;
}

/* pcapng: a section, an interface and a 52-byte packet, then 64 KiB
 * statistics blocks. */
static void ng_stream(uint64_t at, uint8_t *out, size_t n)
{
	static uint8_t head[28 + 20 + 52];
	static int made;
	if (!made) {
		struct bytes h = { .len = 0 };
		ng_section(&h, 0);
		ng_block(&h, 1, 8, 0);
		ng_block(&h, 6, 40, 0);
		memcpy(head, h.b, sizeof(head));
		made = 1;
	}
	for (size_t i = 0; i < n; i++, at++) {
		if (at < sizeof(head)) {
			out[i] = head[at];
			continue;
		}
		uint64_t in = (at - sizeof(head)) % 65536;
		uint32_t word = in < 4 ? 5 : (in < 8 || in >= 65532) ? 65536 : 0;
		out[i] = (uint8_t)(word >> (8 * (in % 4)));
	}
}

/* pcapng: more than the buffer holds of blocks that are not packets after
 * the last packet taken: framing gives up (the reader reads on) instead
 * of the loop waiting for ever on a pipe it no longer reads. */
START_TEST(pcapng_without_packets_for_long)
{
	struct feeder f = { .total = 100 + 24u * 1024 * 1024, .gen = ng_stream };
	struct pipe_source *ps;
	FILE *fp = open_fed(&f, &ps);
	feed_round(&f, ps);
	ck_assert_uint_eq(pipe_source_ready(ps), 1);
	uint8_t got[100];
	ck_assert_uint_eq(fread(got, 1, sizeof(got), fp), sizeof(got));
	pipe_source_taken(ps, 1);
	uint64_t r = 0;
	for (int i = 0; i < 100000 && r == 0 && f.w >= 0; i++) {
		feed_round(&f, ps);
		r = pipe_source_ready(ps);
	}
	ck_assert_uint_eq(r, UINT64_MAX);
	if (f.w >= 0)
		close(f.w);
	fclose(fp);
}
END_TEST

enum { REC = 1000, NREC = 8 * 1024 * 1024 / (16 + REC) };

/* pcap: the file header, then NREC records of REC bytes, each filled with
 * its number. */
static void pcap_stream(uint64_t at, uint8_t *out, size_t n)
{
	static const uint32_t hdr[6] = { 0xA1B2C3D4u, 0x00040002u, 0, 0, 65535, 1 };
	for (size_t i = 0; i < n; i++, at++) {
		if (at < 24) {
			out[i] = ((const uint8_t *)hdr)[at];
			continue;
		}
		uint64_t rec = (at - 24) / (16 + REC), in = (at - 24) % (16 + REC);
		uint32_t rh[4] = { 1700000000, 0, REC, REC };
		out[i] = in < 16 ? ((const uint8_t *)rh)[in] : (uint8_t)(rec & 0xff);
	}
}

/* A writer faster than the reader: the source takes no more than its cap
 * ahead of the reader, and every byte comes through, in order. */
START_TEST(reads_ahead_no_further_than_its_cap)
{
	struct feeder f = { .total = 24 + (uint64_t)NREC * (16 + REC), .gen = pcap_stream };
	struct pipe_source *ps;
	FILE *fp = open_fed(&f, &ps);
	uint8_t hdr[24];
	ck_assert_uint_eq(fread(hdr, 1, sizeof(hdr), fp), sizeof(hdr));
	uint64_t most = 0, total = 0;
	static uint8_t rec[16 + REC];
	while (total < NREC) {
		for (int i = 0; i < 200; i++)	/* the reader idle: the writer fills what it may */
			feed_round(&f, ps);
		uint64_t r = pipe_source_ready(ps);
		if (r == UINT64_MAX)
			r = NREC - total;	/* the writer is done: the rest */
		if (r > most)
			most = r;
		for (uint64_t i = 0; i < r; i++) {
			ck_assert_uint_eq(fread(rec, 1, sizeof(rec), fp), sizeof(rec));
			uint32_t caplen;
			memcpy(&caplen, rec + 8, 4);
			ck_assert_uint_eq(caplen, REC);
			ck_assert_uint_eq(rec[16], (total + i) & 0xff);	/* in order, none lost */
			ck_assert_uint_eq(rec[16 + REC - 1], (total + i) & 0xff);
		}
		pipe_source_taken(ps, r);
		total += r;
	}
	ck_assert_uint_gt(most, 0);
	/* the cap, one read(2) past it, stdio's own buffer, a record cut at each end */
	ck_assert_uint_le(most * (16 + REC), PIPE_SOURCE_AHEAD + 65536 + BUFSIZ + 2 * (16 + REC));
	feed_round(&f, ps);
	uint8_t b;
	ck_assert_uint_eq(fread(&b, 1, 1, fp), 0);
	fclose(fp);
}
END_TEST

/* An Ethernet interface block with if_name name. */
static void ng_interface(struct bytes *s, const char *name)
{
	uint32_t n = (uint32_t)strlen(name), padded = (n + 3) & ~3u;
	uint32_t total = 12 + 8 + 4 + padded + 4;
	put32(s, 1, 0);
	put32(s, total, 0);
	put32(s, 1, 0);		/* link type 1, reserved 0 */
	put32(s, 262144, 0);	/* snaplen */
	put32(s, 2 | n << 16, 0);	/* if_name */
	put(s, name, n);
	put(s, "\0\0\0", padded - n);
	put32(s, 0, 0);		/* opt_endofopt */
	put32(s, total, 0);
}

/* A live pcapng pipe quiet before its first packet (dumpcap writes its
 * section and interface blocks at once): the reader learns the interfaces
 * that have come without waiting for the rest (the UI starts meanwhile);
 * a block still cut is left for later, and the packets read as they come. */
START_TEST(pcapng_interfaces_before_a_quiet_first_packet)
{
	struct bytes s = { .len = 0 };
	ng_section(&s, 0);
	size_t first_if = s.len;
	ng_interface(&s, "eth0");
	size_t second_if = s.len;
	ng_interface(&s, "wlan0");
	size_t packet = s.len;
	ng_block(&s, 6, 40, 0);	/* a packet block (kept by the peek, not read here) */
	int pcapng = -1;
	char err[200] = "";
	/* the section header only: nothing to name the capture, no wait */
	struct pipe_end e = open_with(&s, first_if, &pcapng);
	struct pcapng_reader *r = pcapng_open(e.fp, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	ck_assert_int_eq(pcapng_peek_arrived(r, pipe_source_arrived, e.ps, err, sizeof(err)), 2);
	ck_assert_uint_eq(pcapng_interfaces(r), 0);
	close(e.w);
	pcapng_close(r);

	e = open_with(&s, second_if + 10, &pcapng);	/* wlan0's block cut */
	ck_assert_int_eq(pcapng, 1);
	ck_assert_int_eq(pipe_source_whole_at(e.ps, 0), 1);
	ck_assert_int_eq(pipe_source_whole_at(e.ps, first_if), 1);
	ck_assert_int_eq(pipe_source_whole_at(e.ps, second_if), 0);
	r = pcapng_open(e.fp, err, sizeof(err));
	ck_assert_msg(r != NULL, "%s", err);
	ck_assert_int_eq(pcapng_peek_arrived(r, pipe_source_arrived, e.ps, err, sizeof(err)), 2);
	ck_assert_uint_eq(pcapng_interfaces(r), 1);
	ck_assert_str_eq(pcapng_interface_name(r, 0), "eth0");
	ck_assert_int_eq(pcapng_interface_dlt(r, 0), 1);
	/* the rest comes: a second peek reads on to the packet block */
	size_t rest = s.len - (second_if + 10);
	ck_assert_int_eq(write(e.w, s.b + second_if + 10, rest), (ssize_t)rest);
	ck_assert_int_eq(pipe_source_whole_at(e.ps, packet), 1);
	ck_assert_uint_eq(ready_now(&e), 1);
	ck_assert_int_eq(pcapng_peek_arrived(r, pipe_source_arrived, e.ps, err, sizeof(err)), 1);
	ck_assert_uint_eq(pcapng_interfaces(r), 2);
	ck_assert_str_eq(pcapng_interface_name(r, 1), "wlan0");
	close(e.w);
	pcapng_close(r);	/* closes the stream, and the source with it */
}
END_TEST

static Suite *pipe_source_suite(void)
{
	Suite *s = suite_create("pipe_source");
	TCase *tc = tcase_create("framing");
	tcase_add_test(tc, pcap_whole_records);
	tcase_add_test(tc, pcapng_whole_packet_blocks);
	tcase_add_test(tc, unframed_streams_are_ready);
	tcase_add_test(tc, pcap_header_in_pieces_and_old_versions);
	tcase_add_test(tc, pcapng_without_packets_for_long);
	tcase_add_test(tc, reads_ahead_no_further_than_its_cap);
	tcase_add_test(tc, pcapng_interfaces_before_a_quiet_first_packet);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	signal(SIGPIPE, SIG_IGN);
	return unit_run(pipe_source_suite());
}
