/*
 * unit.h - shared by every unit-test program: includes, a frame builder and
 * a runner. Each test program is one .c file with its own main(); helpers
 * here are static (inline) so a program that does not use one does not warn.
 *
 * Tests run in fork mode (CK_FORK, libcheck's default), so a crash or an
 * infinite loop (CK_DEFAULT_TIMEOUT) on hostile input is a failed test,
 * not a dead test program.
 */
#ifndef NETLENS_UNIT_H
#define NETLENS_UNIT_H

/* The brief asks for config.h first here too; each test .c also includes it
 * first (STYLE.md), and repeating its identical #defines is harmless. */
#include "config.h"

#include <check.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- a packet-bytes builder ------------------------------------------- */

#define PB_MAX 4096

/* Frame bytes built front to back; `mark`s remember where a length field or
 * a header starts so it can be patched once the rest is known. */
struct pb {
	uint8_t b[PB_MAX];
	size_t len;
};

static inline void pb_init(struct pb *p) { memset(p, 0, sizeof(*p)); }

static inline void pb_u8(struct pb *p, unsigned v)
{
	ck_assert_uint_lt(p->len, PB_MAX);
	p->b[p->len++] = (uint8_t)v;
}

static inline void pb_be16(struct pb *p, unsigned v) { pb_u8(p, v >> 8); pb_u8(p, v); }
static inline void pb_le16(struct pb *p, unsigned v) { pb_u8(p, v); pb_u8(p, v >> 8); }
static inline void pb_be32(struct pb *p, uint32_t v) { pb_be16(p, v >> 16); pb_be16(p, v & 0xffff); }
static inline void pb_le32(struct pb *p, uint32_t v) { pb_le16(p, v & 0xffff); pb_le16(p, v >> 16); }

static inline void pb_bytes(struct pb *p, const void *d, size_t n)
{
	ck_assert_uint_le(n, PB_MAX - p->len);
	memcpy(p->b + p->len, d, n);
	p->len += n;
}

static inline void pb_zero(struct pb *p, size_t n)
{
	ck_assert_uint_le(n, PB_MAX - p->len);
	memset(p->b + p->len, 0, n);
	p->len += n;
}

/* Overwrites a big-endian 16-bit field at off. */
static inline void pb_patch16(struct pb *p, size_t off, unsigned v)
{
	ck_assert_uint_le(off + 2, p->len);
	p->b[off] = (uint8_t)(v >> 8);
	p->b[off + 1] = (uint8_t)v;
}

/* Hardware addresses used in built frames (macros: an unused static const
 * would warn in programs that build no Ethernet frame). */
#define MAC_A_INIT { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a }
#define MAC_B_INIT { 0x02, 0x00, 0x00, 0x00, 0x00, 0x0b }

/* Ethernet II header: dst, src, EtherType. */
static inline void pb_eth(struct pb *p, unsigned ethertype)
{
	static const uint8_t mac_a[6] = MAC_A_INIT, mac_b[6] = MAC_B_INIT;
	pb_bytes(p, mac_b, 6);
	pb_bytes(p, mac_a, 6);
	pb_be16(p, ethertype);
}

/* An IPv4 header (IHL 5 + optlen/4 words) with total length `total`;
 * returns its offset so the length can be patched. */
static inline size_t pb_ipv4_opts(struct pb *p, unsigned proto, uint32_t src, uint32_t dst,
				  unsigned total, unsigned id, unsigned frag, size_t optlen)
{
	size_t at = p->len;
	pb_u8(p, 0x40 | (unsigned)(5 + optlen / 4));
	pb_u8(p, 0);
	pb_be16(p, total);
	pb_be16(p, id);
	pb_be16(p, frag);
	pb_u8(p, 64);
	pb_u8(p, proto);
	pb_be16(p, 0);
	pb_be32(p, src);
	pb_be32(p, dst);
	for (size_t i = 0; i < optlen; i++)
		pb_u8(p, 1);	/* NOP options */
	return at;
}

static inline size_t pb_ipv4(struct pb *p, unsigned proto, uint32_t src, uint32_t dst,
			     unsigned total)
{
	return pb_ipv4_opts(p, proto, src, dst, total, 0x1234, 0, 0);
}

/* An IPv6 header; addresses are ::<src> and ::<dst> style (last byte). */
static inline size_t pb_ipv6(struct pb *p, unsigned next, uint8_t src_last, uint8_t dst_last,
			     unsigned payload_len)
{
	size_t at = p->len;
	pb_be32(p, 0x60000000);
	pb_be16(p, payload_len);
	pb_u8(p, next);
	pb_u8(p, 64);
	uint8_t a[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	a[15] = src_last;
	pb_bytes(p, a, 16);
	a[15] = dst_last;
	pb_bytes(p, a, 16);
	return at;
}

static inline void pb_tcp(struct pb *p, unsigned sport, unsigned dport, uint32_t seq,
			  uint32_t ack, unsigned flags, unsigned window)
{
	pb_be16(p, sport);
	pb_be16(p, dport);
	pb_be32(p, seq);
	pb_be32(p, ack);
	pb_u8(p, 5 << 4);
	pb_u8(p, flags);
	pb_be16(p, window);
	pb_be16(p, 0);		/* checksum */
	pb_be16(p, 0);		/* urgent */
}

static inline void pb_udp(struct pb *p, unsigned sport, unsigned dport, unsigned len)
{
	pb_be16(p, sport);
	pb_be16(p, dport);
	pb_be16(p, len);
	pb_be16(p, 0);
}

#define IP4(a, b, c, d) ((uint32_t)(a) << 24 | (uint32_t)(b) << 16 | (uint32_t)(c) << 8 | (uint32_t)(d))

/* Stores a host-order IPv4 address as packet.h does (first 4 bytes). */
static inline void ip4_store(uint8_t out[16], uint32_t a)
{
	memset(out, 0, 16);
	out[0] = (uint8_t)(a >> 24);
	out[1] = (uint8_t)(a >> 16);
	out[2] = (uint8_t)(a >> 8);
	out[3] = (uint8_t)a;
}

/* ---- running a suite --------------------------------------------------- */

/* Runs s in fork mode (unless CK_FORK=no asks otherwise, e.g. under a
 * debugger) and returns the exit status for main(). */
static inline int unit_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

#endif /* NETLENS_UNIT_H */
