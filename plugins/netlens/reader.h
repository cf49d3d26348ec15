/*
 * netlens/reader.h - the bounds-checked reader for untrusted bytes.
 *
 * Every byte that came off the wire or out of a file is read through this
 * struct. Reads past the end set a sticky error flag and return zero instead
 * of touching memory, so a parser can read a whole header and test
 * nl_reader_ok() once at the end (tcpdump's GET_* accessors, without the
 * longjmp). The bounds test is written as `n <= len - off`, which cannot
 * wrap, never as `off + n <= len`.
 *
 * A length-prefixed structure becomes a sub-reader (nl_reader_sub), so an
 * inner parser cannot read past the length its container declared.
 *
 * This header is part of the public plugin ABI: it is inline-only and
 * depends on nothing but <stdint.h>, <stddef.h> and <string.h>.
 */
#ifndef NETLENS_READER_H
#define NETLENS_READER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct nl_reader {
	const uint8_t *buf;	/* borrowed: valid only during the call that gave it */
	size_t len;		/* bytes available from buf */
	size_t off;		/* next byte to read; always <= len */
	int err;		/* sticky: set by the first out-of-bounds read */
};

static inline struct nl_reader nl_reader_make(const void *buf, size_t len)
{
	struct nl_reader r;
	r.buf = (const uint8_t *)buf;
	r.len = buf ? len : 0;
	r.off = 0;
	r.err = 0;
	return r;
}

static inline int nl_reader_ok(const struct nl_reader *r) { return !r->err; }
static inline size_t nl_reader_left(const struct nl_reader *r) { return r->len - r->off; }
static inline size_t nl_reader_offset(const struct nl_reader *r) { return r->off; }

/* True when n more bytes can be read. */
static inline int nl_reader_has(const struct nl_reader *r, size_t n)
{
	return !r->err && n <= r->len - r->off;
}

/* Marks the reader failed; later reads return zero. */
static inline void nl_reader_fail(struct nl_reader *r) { r->err = 1; r->off = r->len; }

static inline int nl_reader_skip(struct nl_reader *r, size_t n)
{
	if (!nl_reader_has(r, n)) {
		nl_reader_fail(r);
		return -1;
	}
	r->off += n;
	return 0;
}

/* Moves to an absolute offset within the reader (e.g. a DNS pointer). */
static inline int nl_reader_seek(struct nl_reader *r, size_t off)
{
	if (r->err || off > r->len) {
		nl_reader_fail(r);
		return -1;
	}
	r->off = off;
	return 0;
}

static inline uint8_t nl_get_u8(struct nl_reader *r)
{
	if (!nl_reader_has(r, 1)) {
		nl_reader_fail(r);
		return 0;
	}
	return r->buf[r->off++];
}

static inline uint16_t nl_get_be16(struct nl_reader *r)
{
	if (!nl_reader_has(r, 2)) {
		nl_reader_fail(r);
		return 0;
	}
	const uint8_t *p = r->buf + r->off;
	r->off += 2;
	return (uint16_t)((unsigned)p[0] << 8 | p[1]);
}

static inline uint16_t nl_get_le16(struct nl_reader *r)
{
	if (!nl_reader_has(r, 2)) {
		nl_reader_fail(r);
		return 0;
	}
	const uint8_t *p = r->buf + r->off;
	r->off += 2;
	return (uint16_t)((unsigned)p[1] << 8 | p[0]);
}

static inline uint32_t nl_get_be24(struct nl_reader *r)
{
	if (!nl_reader_has(r, 3)) {
		nl_reader_fail(r);
		return 0;
	}
	const uint8_t *p = r->buf + r->off;
	r->off += 3;
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static inline uint32_t nl_get_be32(struct nl_reader *r)
{
	if (!nl_reader_has(r, 4)) {
		nl_reader_fail(r);
		return 0;
	}
	const uint8_t *p = r->buf + r->off;
	r->off += 4;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static inline uint32_t nl_get_le32(struct nl_reader *r)
{
	if (!nl_reader_has(r, 4)) {
		nl_reader_fail(r);
		return 0;
	}
	const uint8_t *p = r->buf + r->off;
	r->off += 4;
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static inline uint64_t nl_get_be64(struct nl_reader *r)
{
	if (!nl_reader_has(r, 8)) {
		nl_reader_fail(r);
		return 0;
	}
	uint64_t hi = nl_get_be32(r);
	uint64_t lo = nl_get_be32(r);
	return hi << 32 | lo;
}

/* Copies n bytes out; on failure dst is zeroed. */
static inline int nl_get_bytes(struct nl_reader *r, void *dst, size_t n)
{
	if (!nl_reader_has(r, n)) {
		nl_reader_fail(r);
		memset(dst, 0, n);
		return -1;
	}
	memcpy(dst, r->buf + r->off, n);
	r->off += n;
	return 0;
}

/* Peeks one byte at off bytes ahead without consuming; 0 and no error flag
 * when out of range (peeking is a question, not a read). */
static inline int nl_peek_u8(const struct nl_reader *r, size_t ahead, uint8_t *out)
{
	if (r->err || ahead >= r->len - r->off)
		return -1;
	*out = r->buf[r->off + ahead];
	return 0;
}

/* Returns a pointer to the next n bytes and consumes them, or NULL. The
 * pointer is only for handing to another reader or memcmp; never cast it. */
static inline const uint8_t *nl_get_span(struct nl_reader *r, size_t n)
{
	if (!nl_reader_has(r, n)) {
		nl_reader_fail(r);
		return NULL;
	}
	const uint8_t *p = r->buf + r->off;
	r->off += n;
	return p;
}

/* Big-endian fields of a span that nl_get_span() already bounds-checked:
 * reading a fixed header costs one check instead of one per field. The
 * offsets are constants below the span's length at every call site. */
static inline uint16_t nl_span_be16(const uint8_t *p, size_t off)
{
	return (uint16_t)((unsigned)p[off] << 8 | p[off + 1]);
}

static inline uint32_t nl_span_be32(const uint8_t *p, size_t off)
{
	return (uint32_t)p[off] << 24 | (uint32_t)p[off + 1] << 16 | (uint32_t)p[off + 2] << 8 | p[off + 3];
}

/* A sub-reader over the next n bytes; the parent moves past them. When
 * fewer than n bytes remain, the sub-reader covers what is there and the
 * parent is marked failed (truncated), so callers can still look inside. */
static inline struct nl_reader nl_reader_sub(struct nl_reader *r, size_t n)
{
	struct nl_reader s;
	size_t avail = r->err ? 0 : r->len - r->off;
	size_t take = n <= avail ? n : avail;
	s = nl_reader_make(r->buf ? r->buf + r->off : NULL, take);
	if (take < n)
		nl_reader_fail(r);
	else
		r->off += take;
	return s;
}

/* The rest of the reader as a sub-reader. */
static inline struct nl_reader nl_reader_rest(const struct nl_reader *r)
{
	if (r->err)
		return nl_reader_make(NULL, 0);
	return nl_reader_make(r->buf + r->off, r->len - r->off);
}

#endif /* NETLENS_READER_H */
