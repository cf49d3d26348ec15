/*
 * flow_table.h - the bounded table of active flows.
 *
 * Storage: one slab of `cap` flows allocated up front but touched only as
 * it fills (the kernel backs untouched pages lazily), a free list, and a
 * power-of-two bucket array of 32-bit indices. Lookup and insert are O(1);
 * nothing is allocated per packet.
 *
 * The bucket array follows the live count, not the cap: it starts at
 * FLOW_BUCKETS_START heads and doubles (a rehash with the same secret) when
 * the count passes the bucket count, up to the next power of two of the cap;
 * it never shrinks. A lookup reads one bucket and, mostly, one flow line: a
 * 512 KiB array sized for 100 000 flows but holding 20 000 would miss the
 * cache on every packet. Growth waits while flow_table_foreach() walks the
 * buckets (it would reorder them) and happens at the next insert after.
 *
 * Expiry: a timer wheel of 1-second slots (WHEEL_SLOTS of them) holds every
 * flow in the slot of its deadline. Deadlines only move later on ordinary
 * packets, so a flow is not moved per packet: when its slot comes up, the
 * owner's deadline function is asked again and the flow is either expired or
 * re-filed (a lazy wheel). A state change that shortens the deadline
 * re-files it at once. There is no per-tick scan of the table.
 *
 * Eviction: when the table is full the flow nearest its deadline - the
 * idlest relative to its protocol's timeout - is evicted, found by walking
 * the wheel from now. Under a SYN flood that is an earlier half-open flow,
 * never an established flow that is still active.
 */
#ifndef NETLENS_FLOW_TABLE_H
#define NETLENS_FLOW_TABLE_H

#include <stdint.h>
#include <string.h>

#include "flow.h"
#include "keyhash.h"

#define WHEEL_SLOTS 4096u	/* 68 minutes of 1 s slots: beyond the longest timeout */
#define WHEEL_NONE 0xffffu
#define WHEEL_FREE 0xfffeu	/* the slot holds no flow: on the free list */
#define FLOW_BUCKETS_START 1024u	/* 4 KiB of heads before the table grows */

/* The owner's idea of when a flow expires (µs since the epoch). */
typedef uint64_t (*flow_deadline_fn)(const struct flow *f, void *ctx);

struct flow_table {
	struct flow *slab;	/* owned: cap entries, mmap'ed */
	size_t slab_bytes;
	uint32_t cap;
	uint32_t used_hi;	/* slab entries ever handed out */
	uint32_t free_head;	/* free list through hash_next */
	uint32_t count;		/* flows in the table */
	uint32_t *buckets;	/* owned: mask + 1 heads */
	uint32_t mask;
	uint32_t mask_max;	/* the largest mask: next power of two of cap, minus 1 */
	uint32_t walking;	/* flow_table_foreach() calls in progress: no growth */
	uint64_t seed[2];	/* keyhash secret */
	uint32_t *wheel;	/* owned: WHEEL_SLOTS heads */
	uint64_t wheel_sec;	/* every slot up to this second has been processed */
	int wheel_started;
	flow_deadline_fn deadline;
	void *deadline_ctx;
	uint32_t next_id;
};

int flow_table_init(struct flow_table *t, uint32_t cap, flow_deadline_fn fn, void *ctx);
void flow_table_free(struct flow_table *t);

static inline struct flow *flow_at(const struct flow_table *t, uint32_t i) { return &t->slab[i]; }
static inline uint32_t flow_index(const struct flow_table *t, const struct flow *f)
{ return (uint32_t)(f - t->slab); }
/* Whether slot i holds a flow now: a walk of the slab in place of the hash
 * chains, and a check that a slot remembered earlier was not freed since
 * (the flow's id tells whether it was reused). */
static inline int flow_table_holds(const struct flow_table *t, uint32_t i)
{
	return i < t->used_hi && t->slab[i].wheel_slot != WHEEL_FREE;
}

/* Inline: both run for every packet. */
static inline uint64_t flow_key_hash(const struct flow_table *t, const struct flow_key *k)
{
	return keyhash(t->seed, k, sizeof(*k));
}

/* Key equality as five 64-bit words (the key has no padding that is not
 * zeroed: make_key() clears it), cheaper than a memcmp call. */
static inline int flow_key_eq(const struct flow_key *x, const struct flow_key *y)
{
	uint64_t a[5], b[5];
	_Static_assert(sizeof(struct flow_key) == sizeof(a), "a flow key is five words");
	memcpy(a, x, sizeof(a));
	memcpy(b, y, sizeof(b));
	return ((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]) | (a[4] ^ b[4])) == 0;
}

/* Returns the flow with key k (hash h), or NULL. */
static inline struct flow *flow_table_lookup(struct flow_table *t, const struct flow_key *k,
					     uint64_t h)
{
	for (uint32_t i = t->buckets[h & t->mask]; i != FLOW_NONE; i = t->slab[i].hash_next)
		if (flow_key_eq(&t->slab[i].key, k))
			return &t->slab[i];
	return NULL;
}

/* Adds a zeroed flow with key k; the table must not be full. */
struct flow *flow_table_insert(struct flow_table *t, const struct flow_key *k, uint64_t h);

/* Unlinks f from the hash and the wheel and frees its slot. */
void flow_table_remove(struct flow_table *t, struct flow *f);

int flow_table_full(const struct flow_table *t);

/* Files f in the wheel slot of its current deadline (re-filing if needed). */
void flow_table_schedule(struct flow_table *t, struct flow *f);

/* Moves the wheel to now_us. Every flow whose deadline has passed is
 * handed to expire(), which must remove it. Processes at most `budget`
 * expirations; returns how many it did. */
typedef void (*flow_expire_fn)(struct flow *f, void *ctx);
uint32_t flow_table_advance(struct flow_table *t, uint64_t now_us, uint32_t budget,
			    flow_expire_fn expire, void *ctx);

/* The flow nearest its deadline (for eviction), or NULL when empty. */
struct flow *flow_table_victim(struct flow_table *t);

/* Calls fn for every flow in the table (hash-bucket order); fn may remove
 * the flow it is given, and may insert (a flow inserted meanwhile may or may
 * not be visited; the buckets do not grow until the walk ends). */
void flow_table_foreach(struct flow_table *t, void (*fn)(struct flow *f, void *ctx), void *ctx);

#endif
