/* pipe_source.c - pcap and pcapng from a pipe, framed as it arrives (see the header). */
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "pipe_source.h"

#define BLOCK_MAX (16u << 20)		/* pcapng: core/pcapng_read.c's largest block */
#define RECORD_MAX (256u * 1024)	/* pcap: libpcap's largest snapshot for most link
					 * types; past it, damage libpcap names (or a link type
					 * allowed more, read then without framing) */
#define HOLD_MAX (BLOCK_MAX + PIPE_SOURCE_AHEAD)	/* held with nothing whole: framing gives up */
#define READ_CHUNK (64u * 1024)
#define POLL_ROUNDS 64			/* reads per pipe_source_poll, at most */

enum frame_kind { FRAME_NONE, FRAME_PCAP, FRAME_PCAPNG };	/* NONE until the magic is read */

struct pipe_source {
	FILE *src;		/* owned unless stdin; read through its descriptor only */
	int fd;
	uint8_t *buf;		/* buf[at..len): received, not yet read by the reader */
	size_t at, len, cap;
	uint64_t base;		/* the stream offset of buf[0] */
	int ended;		/* read(2) said end of stream */
	int failed;		/* ...or failed (errno in err) */
	int err;
	/* framing */
	enum frame_kind kind;
	uint64_t next;		/* stream offset of the first record not yet whole */
	uint32_t need;		/* that record's size once its header is in (else 0) */
	unsigned rec_hdr;	/* pcap: a record header's size (16; 24 in Kuznetzov's format) */
	enum { LEN_UNKNOWN, LEN_CAPLEN, LEN_SWAPPED, LEN_MAYBE_SWAPPED } lengths;
				/* pcap: where the captured length is, by the file's
				 * version, as libpcap reads it (its lengths_swapped) */
	int swapped;		/* the stream's byte order is not ours */
	uint64_t whole;		/* records (pcapng: packet blocks) whole so far */
	uint64_t taken;		/* ...and taken by the reader */
};

static uint64_t received(const struct pipe_source *ps) { return ps->base + ps->len; }
static uint64_t consumed(const struct pipe_source *ps) { return ps->base + ps->at; }

static uint32_t get32(const struct pipe_source *ps, uint64_t off)
{
	uint32_t v;
	memcpy(&v, ps->buf + (off - ps->base), 4);
	return ps->swapped ? __builtin_bswap32(v) : v;
}

/* Counts the records now whole from ps->next on. A length no stream of
 * the kind can have ends framing: the reader will meet the damage and say
 * what it is. */
static void frame(struct pipe_source *ps)
{
	while (ps->kind != FRAME_NONE) {
		if (received(ps) < ps->next)
			return;	/* pcap: its file header is not all in yet */
		uint64_t have = received(ps) - ps->next;
		uint64_t size;
		ps->need = 0;
		if (ps->kind == FRAME_PCAP) {
			if (ps->lengths == LEN_UNKNOWN) {	/* the header is in: its version */
				uint32_t v = get32(ps, 4);	/* major, minor in the file's order */
				uint16_t major = (uint16_t)(ps->swapped ? v >> 16 : v & 0xffff);
				uint16_t minor = (uint16_t)(ps->swapped ? v & 0xffff : v >> 16);
				if (major == 543 || (major == 2 && minor < 3))
					ps->lengths = LEN_SWAPPED;
				else if (major == 2 && minor == 3)
					ps->lengths = LEN_MAYBE_SWAPPED;
				else
					ps->lengths = LEN_CAPLEN;
			}
			if (have < ps->rec_hdr)
				return;
			uint32_t caplen = get32(ps, ps->next + 8), len = get32(ps, ps->next + 12);
			if (ps->lengths == LEN_SWAPPED || (ps->lengths == LEN_MAYBE_SWAPPED && caplen > len))
				caplen = len;
			if (caplen > RECORD_MAX) {
				ps->kind = FRAME_NONE;
				return;
			}
			size = ps->rec_hdr + (uint64_t)caplen;
		} else {
			if (have < 12)
				return;
			uint32_t type, magic;
			memcpy(&type, ps->buf + (ps->next - ps->base), 4);
			if (type == 0x0A0D0D0Au) {	/* a section: its byte order from here on */
				memcpy(&magic, ps->buf + (ps->next - ps->base) + 8, 4);
				if (magic == 0x1A2B3C4Du)
					ps->swapped = 0;
				else if (magic == 0x4D3C2B1Au)
					ps->swapped = 1;
				else {
					ps->kind = FRAME_NONE;
					return;
				}
			}
			size = get32(ps, ps->next + 4);
			if (size < 12 || size % 4 || size > BLOCK_MAX) {
				ps->kind = FRAME_NONE;
				return;
			}
			type = ps->swapped ? __builtin_bswap32(type) : type;
			if (have >= size && (type == 6 || type == 3 || type == 2))
				ps->whole++;	/* enhanced, simple, obsolete packet blocks */
		}
		if (have < size) {
			ps->need = (uint32_t)size;
			return;
		}
		if (ps->kind == FRAME_PCAP)
			ps->whole++;
		ps->next += size;
	}
}

/* Room for at least want more bytes, keeping what the reader and the
 * framing have yet to see: what they are done with is dropped once it is
 * half the buffer or more (so each byte is moved about once), else the
 * buffer grows. 0, or -1 (out of memory and no room at all). */
static int make_room(struct pipe_source *ps, size_t want)
{
	if (ps->cap - ps->len >= want)
		return 0;
	uint64_t keep = consumed(ps);
	if (ps->kind != FRAME_NONE && ps->next < keep)
		keep = ps->next;
	if (ps->kind == FRAME_PCAP && ps->lengths == LEN_UNKNOWN)
		keep = ps->base;	/* the file header's version is still to be read */
	size_t drop = (size_t)(keep - ps->base);
	if (drop && drop >= ps->cap / 2) {
		memmove(ps->buf, ps->buf + drop, ps->len - drop);
		ps->len -= drop;
		ps->at -= drop;
		ps->base += drop;
	}
	if (ps->cap - ps->len >= want)
		return 0;
	size_t cap = ps->cap ? ps->cap : READ_CHUNK;
	while (cap - ps->len < want)
		cap *= 2;
	uint8_t *b = realloc(ps->buf, cap);
	if (!b)
		return ps->cap > ps->len ? 0 : -1;
	ps->buf = b;
	ps->cap = cap;
	return 0;
}

/* One read(2) into the buffer: >0 bytes, 0 the end, -1 an error (the
 * end too), -2 nothing yet (a descriptor left non-blocking by whoever
 * handed it over; when wait is set, poll(2) waits for it instead). EINTR
 * is tried again. */
static ssize_t take_some(struct pipe_source *ps, int wait)
{
	if (make_room(ps, READ_CHUNK) < 0) {
		ps->failed = 1;
		ps->err = ENOMEM;
		return -1;
	}
	ssize_t got;
	for (;;) {
		got = read(ps->fd, ps->buf + ps->len, ps->cap - ps->len);
		if (got >= 0)
			break;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN && errno != EWOULDBLOCK)
			break;
		if (!wait)
			return -2;
		struct pollfd p = { .fd = ps->fd, .events = POLLIN };
		(void)poll(&p, 1, -1);
	}
	if (got > 0) {
		ps->len += (size_t)got;
		frame(ps);
	} else if (got == 0) {
		ps->ended = 1;
	} else {
		ps->failed = 1;
		ps->err = errno;
	}
	return got;
}

void pipe_source_poll(struct pipe_source *ps)
{
	for (int round = 0; round < POLL_ROUNDS && !ps->ended && !ps->failed; round++) {
		uint64_t ahead = received(ps) - consumed(ps);
		if (pipe_source_ready(ps) > 0 && ahead >= PIPE_SOURCE_AHEAD)
			return;	/* enough ahead of the reader: the writer waits */
		if (ahead >= HOLD_MAX) {
			/* nothing whole for the reader in all that (pcapng blocks
			 * that are not packets, say): read on without framing
			 * rather than wait for ever */
			ps->kind = FRAME_NONE;
			return;
		}
		struct pollfd p = { .fd = ps->fd, .events = POLLIN };
		if (poll(&p, 1, 0) <= 0 || !(p.revents & (POLLIN | POLLHUP | POLLERR)))
			return;
		if (take_some(ps, 0) <= 0)
			return;
	}
}

/* The reader's read: what is buffered, else wait for more (only while
 * opening, or on a stream that does not frame: otherwise the reader is
 * only let loose on bytes that are here). */
static ssize_t source_read(void *cookie, char *out, size_t size)
{
	struct pipe_source *ps = cookie;
	if (ps->at == ps->len) {
		if (ps->failed) {
			errno = ps->err;
			return -1;
		}
		if (ps->ended || take_some(ps, 1) == 0)
			return 0;
		if (ps->failed) {
			errno = ps->err;
			return -1;
		}
	}
	size_t n = ps->len - ps->at < size ? ps->len - ps->at : size;
	memcpy(out, ps->buf + ps->at, n);
	ps->at += n;
	return (ssize_t)n;
}

static int source_close(void *cookie)
{
	struct pipe_source *ps = cookie;
	if (ps->src != stdin)
		fclose(ps->src);
	free(ps->buf);
	free(ps);
	return 0;
}

FILE *pipe_source_open(FILE *src, char *buf, size_t size, int *pcapng, struct pipe_source **out)
{
	struct pipe_source *ps = calloc(1, sizeof(*ps));
	if (!ps) {
		if (src != stdin)
			fclose(src);
		errno = ENOMEM;
		return NULL;
	}
	ps->src = src;
	ps->fd = fileno(src);
	while (ps->len < 4 && take_some(ps, 1) > 0)
		;	/* a stream that ends or fails sooner is the reader's to report */
	uint32_t magic = 0;
	if (ps->len >= 4)
		memcpy(&magic, ps->buf, 4);
	ps->kind = FRAME_PCAP;
	ps->rec_hdr = 16;
	switch (magic) {
	case 0xA1B2C3D4u: case 0xA1B23C4Du: break;
	case 0xD4C3B2A1u: case 0x4D3CB2A1u: ps->swapped = 1; break;
	case 0xA1B2CD34u: ps->rec_hdr = 24; break;	/* Kuznetzov's patched pcap */
	case 0x34CDB2A1u: ps->rec_hdr = 24; ps->swapped = 1; break;
	case 0x0A0D0D0Au: ps->kind = FRAME_PCAPNG; break;
	default: ps->kind = FRAME_NONE; break;
	}
	ps->next = ps->kind == FRAME_PCAP ? 24 : 0;	/* pcap: after the file header */
	*pcapng = ps->kind == FRAME_PCAPNG;
	frame(ps);
	FILE *fp = fopencookie(ps, "rb", (cookie_io_functions_t){ .read = source_read, .close = source_close });
	if (!fp) {
		free(ps->buf);
		if (src != stdin)
			fclose(src);
		free(ps);
		errno = ENOMEM;
		return NULL;
	}
	/* Buffered (glibc reads a cookie stream through its buffer only, a
	 * byte at a time when unbuffered): a refill takes what is here
	 * (source_read waits only when nothing is), and the reader asks for
	 * no byte beyond the whole records it was let at, so stdio never
	 * waits for one either. */
	setvbuf(fp, buf, _IOFBF, buf ? size : BUFSIZ);
	*out = ps;
	return fp;
}

int pipe_source_fd(const struct pipe_source *ps) { return ps->fd; }

int pipe_source_whole_at(struct pipe_source *ps, uint64_t offset)
{
	pipe_source_poll(ps);
	if (ps->ended || ps->failed || ps->kind == FRAME_NONE)
		return 1;	/* a read returns at once, or waits whatever is asked */
	/* every record before next is whole (pcap: next is past the file
	 * header from the start, whole once received) */
	return offset < ps->next && received(ps) >= ps->next;
}

int pipe_source_arrived(void *ps, uint64_t offset)
{
	return pipe_source_whole_at(ps, offset);
}

void pipe_source_wait(struct pipe_source *ps)
{
	if (ps->ended || ps->failed)
		return;
	struct pollfd p = { .fd = ps->fd, .events = POLLIN };
	while (poll(&p, 1, -1) < 0 && errno == EINTR)
		;
}

uint64_t pipe_source_ready(const struct pipe_source *ps)
{
	if (ps->ended || ps->failed || ps->kind == FRAME_NONE)
		return UINT64_MAX;
	return ps->whole > ps->taken ? ps->whole - ps->taken : 0;
}

void pipe_source_taken(struct pipe_source *ps, uint64_t n)
{
	ps->taken += n;
}
