/*
 * quic_frames.c - the frames an Initial packet may carry (RFC 9000 §12.4):
 *
 *   PADDING 0x00 | PING 0x01
 *   ACK 0x02/0x03 { largest, delay, range_count, first_range,
 *                   range_count x (gap, length), [ECT0, ECT1, CE] }
 *   CRYPTO 0x06 { offset, length, data }
 *   CONNECTION_CLOSE 0x1c { error, frame_type, reason_len, reason }
 *                    0x1d { error, reason_len, reason }
 * plus NEW_TOKEN 0x07 and HANDSHAKE_DONE 0x1e, which a broken peer might
 * send; every field is a varint (quic_wire.h).
 */
#include "quic_frames.h"

#include "quic_wire.h"

#define MAX_FRAMES 512		/* frames walked per packet (a PADDING run counts once) */
#define MAX_ACK_RANGES 256	/* RFC 9000 sets no bound; real ACKs carry a handful */

void nlq_reasm_put(struct nlq_reasm *a, uint64_t off, struct nl_reader r, size_t n)
{
	if (off >= NLQ_CRYPTO_CAP)
		return;
	size_t room = NLQ_CRYPTO_CAP - (size_t)off;
	if (n > room)
		n = room;
	for (size_t i = 0; i < n; i++) {
		size_t at = (size_t)off + i;
		uint8_t b = nl_get_u8(&r);
		if (!nl_reader_ok(&r))
			break;
		if (a->have[at / 8] & (1u << (at % 8)))
			continue;	/* first write wins */
		a->buf[at] = b;
		a->have[at / 8] |= (uint8_t)(1u << (at % 8));
	}
	while (a->contig < NLQ_CRYPTO_CAP && (a->have[a->contig / 8] & (1u << (a->contig % 8))))
		a->contig++;
}

static int skip_reason(struct nl_reader *r)
{
	uint64_t len = nlq_varint(r);
	if (!nl_reader_ok(r) || len > nl_reader_left(r))
		return -1;
	return nl_reader_skip(r, (size_t)len);
}

static int walk_ack(struct nl_reader *r, int ecn)
{
	nlq_varint(r);				/* largest acknowledged */
	nlq_varint(r);				/* ack delay */
	uint64_t ranges = nlq_varint(r);
	nlq_varint(r);				/* first range */
	/* Each range is two varints, at least 2 bytes. */
	if (!nl_reader_ok(r) || ranges > MAX_ACK_RANGES || ranges > nl_reader_left(r) / 2)
		return -1;
	for (uint64_t i = 0; i < ranges; i++) {
		nlq_varint(r);			/* gap */
		nlq_varint(r);			/* range length */
	}
	if (ecn) {
		nlq_varint(r);
		nlq_varint(r);
		nlq_varint(r);
	}
	return nl_reader_ok(r) ? 0 : -1;
}

/* A CRYPTO frame's body (IETF 0x06, Google's 0x08 alike): offset, length,
 * data handed to the reassembly. -1 when it runs past the packet. */
static int walk_crypto(struct nl_reader *r, struct nlq_frames *out)
{
	uint64_t off = nlq_varint(r);
	uint64_t len = nlq_varint(r);
	if (!nl_reader_ok(r) || len > nl_reader_left(r))
		return -1;
	out->crypto++;
	if (out->reasm)
		nlq_reasm_put(out->reasm, off, nl_reader_rest(r), (size_t)len);
	nl_reader_skip(r, (size_t)len);
	return 0;
}

enum nlq_walk nlq_walk_frames(struct nl_reader r, struct nlq_frames *out)
{
	for (int n = 0; n < MAX_FRAMES && nl_reader_left(&r) > 0; n++) {
		uint64_t type = nlq_varint(&r);
		uint64_t err;
		uint8_t b;

		switch (type) {
		case 0x00:		/* PADDING: swallow the whole run */
			while (nl_peek_u8(&r, 0, &b) == 0 && b == 0)
				nl_reader_skip(&r, 1);
			break;
		case 0x01:		/* PING */
		case 0x1e:		/* HANDSHAKE_DONE */
			break;
		case 0x02:
		case 0x03:
			if (walk_ack(&r, type == 0x03) < 0)
				return NLQ_WALK_BAD;
			break;
		case 0x06:
			if (walk_crypto(&r, out) < 0)
				return NLQ_WALK_BAD;
			break;
		case 0x07:		/* NEW_TOKEN */
			if (skip_reason(&r) < 0)
				return NLQ_WALK_BAD;
			break;
		case 0x1c:
		case 0x1d:
			err = nlq_varint(&r);
			if (type == 0x1c)
				nlq_varint(&r);	/* frame type that caused it */
			if (skip_reason(&r) < 0)
				return NLQ_WALK_BAD;
			out->closed = 1;
			out->close_app = type == 0x1d;
			out->close_error = err;
			break;
		default:
			return nl_reader_ok(&r) ? NLQ_WALK_UNKNOWN : NLQ_WALK_BAD;
		}
		if (!nl_reader_ok(&r))
			return NLQ_WALK_BAD;
	}
	return NLQ_WALK_END;
}

/*
 * Google QUIC frames in Q050/T050/T051 Initials (Chromium's quic_framer;
 * big-endian fixed fields, varints as in RFC 9000):
 *
 *   PADDING 0x00 (the rest of the packet) | PING 0x07
 *   CONNECTION_CLOSE 0x02 { error u32, reason_len u16, reason }
 *   CRYPTO 0x08 { offset varint, length varint, data }: a TLS handshake
 *   (T05x) or a QUIC-crypto CHLO (Q050)
 *
 * Anything else (ACK 0x40-0x7f, STREAM 0x80-0xff, ...) ends the walk: a
 * client's first Initials carry only these.
 */
enum nlq_walk nlq_walk_gquic_frames(struct nl_reader r, struct nlq_frames *out)
{
	for (int n = 0; n < MAX_FRAMES && nl_reader_left(&r) > 0; n++) {
		uint8_t type = nl_get_u8(&r);
		uint32_t err;
		uint16_t rlen;

		switch (type) {
		case 0x00:
			return NLQ_WALK_END;
		case 0x07:
			break;
		case 0x02:
			err = nl_get_be32(&r);
			rlen = nl_get_be16(&r);
			if (!nl_reader_ok(&r) || rlen > nl_reader_left(&r))
				return NLQ_WALK_BAD;
			nl_reader_skip(&r, rlen);
			out->closed = 1;
			out->close_app = 0;
			out->close_error = err;
			break;
		case 0x08:
			if (walk_crypto(&r, out) < 0)
				return NLQ_WALK_BAD;
			break;
		default:
			return NLQ_WALK_UNKNOWN;
		}
		if (!nl_reader_ok(&r))
			return NLQ_WALK_BAD;
	}
	return NLQ_WALK_END;
}
