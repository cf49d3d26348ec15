/*
 * tombstone.h - recently archived TCP connections (RustNet S10).
 *
 * After a closed TCP flow is archived, stray FIN, RST and pure ACK packets
 * of its teardown must not resurrect it as a new UNKNOWN flow (nor, after
 * an eviction, take a live flow's place). A fixed set of flow-key hashes,
 * each kept for TOMB_TTL_US.
 */
#ifndef NETLENS_TOMBSTONE_H
#define NETLENS_TOMBSTONE_H

#include <stdint.h>

#define TOMB_HELD 4096u		/* entries it holds for sure (doc/flow-record.md) */
#define TOMB_SLOTS (2 * TOMB_HELD)	/* half full while it holds TOMB_HELD: room
					 * for a new entry near its hash's slot */
#define TOMB_TTL_US 30000000u

struct tomb_entry { uint64_t hash; uint64_t expires_us; };

struct tombstones {
	struct tomb_entry slots[TOMB_SLOTS];
};

void tombstones_clear(struct tombstones *t);
void tombstones_add(struct tombstones *t, uint64_t key_hash, uint64_t now_us);
int tombstones_has(const struct tombstones *t, uint64_t key_hash, uint64_t now_us);

#endif
