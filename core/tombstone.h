/*
 * tombstone.h - recently archived TCP connections (RustNet S10).
 *
 * After a closed TCP flow is archived, stray FIN, RST and pure ACK packets
 * of its teardown must not resurrect it as a new UNKNOWN flow. A fixed set
 * of TOMB_SLOTS flow-key hashes, each kept for TOMB_TTL_US.
 */
#ifndef NETLENS_TOMBSTONE_H
#define NETLENS_TOMBSTONE_H

#include <stdint.h>

#define TOMB_SLOTS 4096u
#define TOMB_TTL_US 30000000u

struct tomb_entry { uint64_t hash; uint64_t expires_us; };

struct tombstones {
	struct tomb_entry slots[TOMB_SLOTS];
};

void tombstones_clear(struct tombstones *t);
void tombstones_add(struct tombstones *t, uint64_t key_hash, uint64_t now_us);
int tombstones_has(const struct tombstones *t, uint64_t key_hash, uint64_t now_us);

#endif
