/*
 * quic_wire.h - shared wire helpers of the QUIC dissector (RFC 9000 §16).
 *
 * A variable-length integer: the two high bits of the first byte give its
 * length (1, 2, 4 or 8 bytes), the other 62 bits its value, big-endian.
 */
#ifndef NETLENS_QUIC_WIRE_H
#define NETLENS_QUIC_WIRE_H

#include <stdint.h>

#include <netlens/reader.h>

#define NLQ_MAX_CID 20		/* RFC 9000 §17.2: v1 connection IDs are at most 20 bytes */

/* Reads one varint; a short read sets the reader's sticky error and gives 0.
 * The loop runs at most 7 times. */
static inline uint64_t nlq_varint(struct nl_reader *r)
{
	uint8_t b = nl_get_u8(r);
	unsigned n = 1u << (b >> 6);
	uint64_t v = b & 0x3f;
	for (unsigned i = 1; i < n; i++)
		v = v << 8 | nl_get_u8(r);
	return v;
}

#endif
