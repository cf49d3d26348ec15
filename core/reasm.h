/*
 * reasm.h - UDP datagrams put back together from their IP fragments, for
 * deep packet inspection only (counting goes by fragment: frag.h).
 *
 * A DNS answer over EDNS0 larger than the path MTU arrives in fragments;
 * its header is in the first, its answers may not be. tshark reassembles
 * (IPv4 and IPv6 defragmentation are on by default), so does this, within
 * fixed bounds: REASM_SLOTS datagrams in progress (the oldest is given up
 * for a new one), each at most REASM_MAX bytes, a buffer kept per slot once
 * used. Fragments that overlap, a second last fragment, data past the last
 * one or past REASM_MAX, a fragment cut by the snapshot length: the datagram
 * is given up (hostile, or never whole). Fragments are taken in any order:
 * the tracker holds those ahead of their first fragment too (a datagram
 * sent last piece first) and lets them go when the first fragment shows
 * that its flow wants no inspecting.
 */
#ifndef NETLENS_REASM_H
#define NETLENS_REASM_H

#include <stddef.h>
#include <stdint.h>

#include "packet.h"

#define REASM_SLOTS 8u
#define REASM_MAX 16384u	/* bytes of a datagram's payload: UDP header and data */
#define REASM_TTL_US 30000000u	/* as long as Linux waits (ipfrag_time) */

struct reasm_slot {
	uint8_t src[16], dst[16];
	uint32_t id;
	uint8_t family, ifc, used;
	uint32_t total;			/* the payload's length, 0 until the last fragment */
	uint32_t have;			/* bytes received (no overlap is taken) */
	uint32_t end;			/* the highest byte received, plus one */
	uint64_t started_us;		/* for giving up the oldest */
	uint8_t *buf;			/* owned: REASM_MAX bytes once allocated */
	uint8_t blocks[REASM_MAX / 64];	/* a bit per 8-byte block received */
};

struct reasm {
	struct reasm_slot slot[REASM_SLOTS];
	uint64_t completed;		/* datagrams made whole */
	uint64_t abandoned;		/* given up: see above, or evicted */
};

void reasm_init(struct reasm *r);
void reasm_free(struct reasm *r);

enum reasm_result {
	REASM_HELD,		/* taken; the datagram is not whole yet */
	REASM_WHOLE,		/* taken, and the datagram is whole: see *out */
	REASM_REFUSED,		/* not taken: not UDP straight after the IP (or
				 * IPv6 fragment) header, cut, past the cap,
				 * overlapping...; its datagram is given up */
};

/* Takes fragment p of a UDP datagram (p->is_fragment). When it completes
 * the datagram, sets *out to its payload (the UDP header first) and *len;
 * the bytes stay valid until the next call. */
enum reasm_result reasm_add(struct reasm *r, const struct packet *p, const uint8_t **out, size_t *len);

/* Gives up p's datagram, if begun: its flow wants no more inspecting. */
void reasm_forget(struct reasm *r, const struct packet *p);

#endif
