/*
 * keyhash.h - a fast keyed hash for the flow table and the small tables
 * beside it.
 *
 * The multiply-mix construction of wyhash (the mixer Go and Zig use for
 * their hash maps): each 64-bit input word is XORed with a secret and
 * multiplied into 128 bits, whose halves are folded. The 128-bit secret is
 * drawn from getrandom() at start-up, so a sender cannot predict which flows
 * share a chain. It is not a MAC; the table also bounds its load factor at 1.
 * About 20 instructions for a 40-byte flow key (SipHash-1-3 took ~240, a
 * quarter of the per-packet budget).
 */
#ifndef NETLENS_KEYHASH_H
#define NETLENS_KEYHASH_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* The 64 x 64 -> 128 bit product from 32-bit halves, folded like
 * keyhash_mix(): for targets without __int128 (32-bit mipsel, armv7), where
 * it gives the same hashes (tests/unit/test_flow_table.c compares them). */
static inline uint64_t keyhash_mix_portable(uint64_t a, uint64_t b)
{
	uint64_t ha = a >> 32, la = (uint32_t)a, hb = b >> 32, lb = (uint32_t)b;
	uint64_t hh = ha * hb, hl = ha * lb, lh = la * hb, ll = la * lb;
	uint64_t t = ll + (hl << 32);
	uint64_t carry = t < ll;
	uint64_t lo = t + (lh << 32);
	carry += lo < t;
	uint64_t hi = hh + (hl >> 32) + (lh >> 32) + carry;
	return lo ^ hi;
}

static inline uint64_t keyhash_mix(uint64_t a, uint64_t b)
{
#ifdef __SIZEOF_INT128__
	unsigned __int128 r = (unsigned __int128)a * b;
	return (uint64_t)r ^ (uint64_t)(r >> 64);
#else
	return keyhash_mix_portable(a, b);
#endif
}

static inline uint64_t keyhash_word(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, 8);	/* host order is fine: the hash never leaves the process */
	return v;
}

/* Hashes len bytes (a multiple of 8 in all netlens uses; a tail is folded in). */
static inline uint64_t keyhash(const uint64_t secret[2], const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t h = secret[0] ^ (uint64_t)len;
	size_t i = 0;
	for (; i + 16 <= len; i += 16)
		h = keyhash_mix(keyhash_word(p + i) ^ secret[0] ^ h, keyhash_word(p + i + 8) ^ secret[1]);
	if (i + 8 <= len) {
		h = keyhash_mix(keyhash_word(p + i) ^ secret[0] ^ h, secret[1] ^ 0x9e3779b97f4a7c15ULL);
		i += 8;
	}
	if (i < len) {
		uint8_t tail[8] = {0};
		memcpy(tail, p + i, len - i);
		h = keyhash_mix(keyhash_word(tail) ^ secret[1] ^ h, secret[0] ^ 0xe7037ed1a0b428dbULL);
	}
	return keyhash_mix(h ^ secret[1], 0x8ebc6af09c88c6e3ULL ^ secret[0]);
}

#endif
