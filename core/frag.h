/*
 * frag.h - which flow the later fragments of a datagram belong to.
 *
 * The first fragment carries the transport ports; later ones only the IP
 * identification. This small fixed table remembers the ports per
 * (source, destination, protocol, id, interface) for FRAG_TTL_US, and counts fragments
 * that arrive before their first fragment so they can be added to the flow
 * when it shows up. Entries are overwritten oldest-first when full, so the
 * table never grows.
 */
#ifndef NETLENS_FRAG_H
#define NETLENS_FRAG_H

#include <stdint.h>

#include "packet.h"

#define FRAG_SLOTS 1024u
#define FRAG_TTL_US 30000000u

struct frag_entry {
	uint8_t src[16], dst[16];
	uint32_t id;
	uint8_t family, ipproto, has_ports, used;
	uint8_t ifc;			/* the interface it crossed (flows are per interface) */
	uint16_t sport, dport;		/* ICMP echo: the identifier in both */
	uint8_t icmp_kind;		/* ICMP: the first fragment's message kind */
	uint32_t pending_packets;	/* fragments seen before the first one */
	uint64_t pending_bytes;
	uint64_t pending_first_us;	/* when the earliest of them arrived */
	uint64_t expires_us;
};

struct frag_table {
	struct frag_entry *slots;	/* owned: FRAG_SLOTS entries */
	uint64_t seed[2];
	uint64_t orphans;		/* fragments whose first fragment never came */
};

int frag_table_init(struct frag_table *t, const uint64_t seed[2]);
void frag_table_free(struct frag_table *t);

/* A first fragment: remember its ports (for ICMP its echo identifier and
 * kind). Returns the counts of any earlier fragments of the same datagram
 * and the time of the earliest (to add to its flow), and clears them. */
void frag_note_first(struct frag_table *t, const struct packet *p,
		     uint32_t *pending_packets, uint64_t *pending_bytes, uint64_t *pending_first_us);

/* A later fragment: fills p->sport/dport (ICMP: icmp_id and icmp_kind) and
 * returns 1 when the first fragment was seen; otherwise counts it as
 * pending and returns 0. */
int frag_resolve(struct frag_table *t, struct packet *p);

#endif
