/*
 * quic_frames.h - walks the frames of a decrypted Initial packet (RFC 9000
 * §12.4, §19) and reassembles the CRYPTO stream into a bounded buffer.
 */
#ifndef NETLENS_QUIC_FRAMES_H
#define NETLENS_QUIC_FRAMES_H

#include <stddef.h>
#include <stdint.h>

#include <netlens/reader.h>

#define NLQ_CRYPTO_CAP 8192	/* CRYPTO stream bytes kept: a ClientHello with a
				 * post-quantum key share is about 2 KiB */

/* CRYPTO stream offsets [0, NLQ_CRYPTO_CAP); overlapping data: first write wins. */
struct nlq_reasm {
	uint32_t contig;			/* bytes present from offset 0 */
	uint8_t have[NLQ_CRYPTO_CAP / 8];	/* one bit per byte */
	uint8_t buf[NLQ_CRYPTO_CAP];
};

/* Stores n bytes from r at stream offset off; the part past the cap is dropped. */
void nlq_reasm_put(struct nlq_reasm *a, uint64_t off, struct nl_reader r, size_t n);

struct nlq_frames {
	struct nlq_reasm *reasm;	/* where CRYPTO data goes; NULL: ignored */
	unsigned crypto;		/* CRYPTO frames seen */
	int closed;			/* a CONNECTION_CLOSE was seen */
	int close_app;			/* ... of type 0x1d */
	uint64_t close_error;
};

enum nlq_walk {
	NLQ_WALK_END = 0,	/* every frame parsed */
	NLQ_WALK_UNKNOWN,	/* stopped at a frame type not walked */
	NLQ_WALK_BAD,		/* a frame ran past the packet or over a bound */
};

/* Walks frames until the end, an unknown frame or a broken one. */
enum nlq_walk nlq_walk_frames(struct nl_reader r, struct nlq_frames *out);

/* The same for Google's Q050/T050/T051, whose Initials (IETF long header,
 * v1 packet protection) carry Google QUIC frames instead. */
enum nlq_walk nlq_walk_gquic_frames(struct nl_reader r, struct nlq_frames *out);

#endif
