/* flow_table.c - the bounded flow table and its timer wheel (see the header). */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "flow_table.h"

#define USEC 1000000u

_Static_assert(sizeof(struct flow) == 192, "a flow is three cache lines");
_Static_assert(offsetof(struct flow, bytes) == 64, "lookup fields fill cache line 0");
_Static_assert(offsetof(struct flow, u) == 128, "per-protocol state starts cache line 2");
_Static_assert(WHEEL_SLOTS <= WHEEL_FREE && WHEEL_FREE != WHEEL_NONE, "markers are not slots");

static void seed_hash(uint64_t seed[2])
{
	if (getrandom(seed, 2 * sizeof(uint64_t), GRND_NONBLOCK) == (ssize_t)(2 * sizeof(uint64_t)))
		return;
	/* No entropy yet (early boot): still unpredictable enough to a remote sender. */
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	seed[0] = (uint64_t)ts.tv_nsec * 0x9e3779b97f4a7c15ULL ^ (uint64_t)getpid();
	seed[1] = (uint64_t)ts.tv_sec * 0xc2b2ae3d27d4eb4fULL ^ (uint64_t)(uintptr_t)seed;
}

int flow_table_init(struct flow_table *t, uint32_t cap, flow_deadline_fn fn, void *ctx)
{
	memset(t, 0, sizeof(*t));
	if (cap == 0 || cap >= FLOW_NONE)
		return -EINVAL;
	uint32_t nb_max = 1;
	while (nb_max < cap && nb_max < (1u << 31))
		nb_max <<= 1;
	uint32_t nb = nb_max < FLOW_BUCKETS_START ? nb_max : FLOW_BUCKETS_START;
	/* Mapped rather than calloc'ed: page-aligned (so every flow starts a
	 * cache line), zero-filled and backed only as it fills. */
	t->slab_bytes = (size_t)cap * sizeof(struct flow);
	t->slab = mmap(NULL, t->slab_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (t->slab == MAP_FAILED)
		t->slab = NULL;
	t->buckets = malloc((size_t)nb * sizeof(uint32_t));
	t->wheel = malloc(WHEEL_SLOTS * sizeof(uint32_t));
	if (!t->slab || !t->buckets || !t->wheel) {
		flow_table_free(t);
		return -ENOMEM;
	}
	memset(t->buckets, 0xff, (size_t)nb * sizeof(uint32_t));
	memset(t->wheel, 0xff, WHEEL_SLOTS * sizeof(uint32_t));
	t->cap = cap;
	t->mask = nb - 1;
	t->mask_max = nb_max - 1;
	t->free_head = FLOW_NONE;
	t->deadline = fn;
	t->deadline_ctx = ctx;
	seed_hash(t->seed);
	return 0;
}

void flow_table_free(struct flow_table *t)
{
	if (t->slab)
		munmap(t->slab, t->slab_bytes);
	free(t->buckets);
	free(t->wheel);
	memset(t, 0, sizeof(*t));
}

/* Doubles the bucket array and refiles every flow by its hash (same
 * secret). Without memory the table keeps its buckets: still correct, only
 * longer chains. */
static void grow(struct flow_table *t)
{
	uint32_t nb = (t->mask + 1) * 2;
	uint32_t *nbk = malloc((size_t)nb * sizeof(uint32_t));
	if (!nbk)
		return;
	memset(nbk, 0xff, (size_t)nb * sizeof(uint32_t));
	for (uint32_t b = 0; b <= t->mask; b++) {
		uint32_t i = t->buckets[b];
		while (i != FLOW_NONE) {
			struct flow *f = &t->slab[i];
			uint32_t next = f->hash_next;
			uint32_t *head = &nbk[flow_key_hash(t, &f->key) & (nb - 1)];
			f->hash_next = *head;
			*head = i;
			i = next;
		}
	}
	free(t->buckets);
	t->buckets = nbk;
	t->mask = nb - 1;
}

/* Grows until the load factor is 1 or less, the buckets are at their
 * largest, or memory runs out (then a later insert tries again); never
 * during a walk, which would see the chains reordered. */
static void grow_to_load(struct flow_table *t)
{
	while (t->count > t->mask + 1 && t->mask < t->mask_max && !t->walking) {
		uint32_t before = t->mask;
		grow(t);
		if (t->mask == before)
			break;
	}
}

int flow_table_full(const struct flow_table *t) { return t->count >= t->cap; }

struct flow *flow_table_insert(struct flow_table *t, const struct flow_key *k, uint64_t h)
{
	uint32_t i;
	if (t->free_head != FLOW_NONE) {
		i = t->free_head;
		t->free_head = t->slab[i].hash_next;
	} else if (t->used_hi < t->cap) {
		i = t->used_hi++;
	} else {
		return NULL;
	}
	struct flow *f = &t->slab[i];
	memset(f, 0, sizeof(*f));
	f->key = *k;
	f->wheel_slot = WHEEL_NONE;
	f->wheel_next = f->wheel_prev = FLOW_NONE;
	f->id = t->next_id++;
	uint32_t *b = &t->buckets[h & t->mask];
	f->hash_next = *b;
	*b = i;
	t->count++;
	grow_to_load(t);
	return f;
}

static void wheel_unlink(struct flow_table *t, struct flow *f)
{
	if (f->wheel_slot >= WHEEL_SLOTS)	/* WHEEL_NONE, WHEEL_FREE */
		return;
	if (f->wheel_prev != FLOW_NONE)
		t->slab[f->wheel_prev].wheel_next = f->wheel_next;
	else
		t->wheel[f->wheel_slot] = f->wheel_next;
	if (f->wheel_next != FLOW_NONE)
		t->slab[f->wheel_next].wheel_prev = f->wheel_prev;
	f->wheel_slot = WHEEL_NONE;
	f->wheel_next = f->wheel_prev = FLOW_NONE;
}

void flow_table_remove(struct flow_table *t, struct flow *f)
{
	uint32_t me = flow_index(t, f);
	uint64_t h = flow_key_hash(t, &f->key);
	uint32_t *pp = &t->buckets[h & t->mask];
	while (*pp != FLOW_NONE) {
		if (*pp == me) {
			*pp = f->hash_next;
			break;
		}
		pp = &t->slab[*pp].hash_next;
	}
	wheel_unlink(t, f);
	f->wheel_slot = WHEEL_FREE;
	f->hash_next = t->free_head;
	t->free_head = me;
	t->count--;
}

/* The slot for a deadline: never in the past, never beyond the horizon. */
static uint16_t slot_for(const struct flow_table *t, uint64_t deadline_us)
{
	uint64_t sec = deadline_us / USEC;
	if (sec <= t->wheel_sec)
		sec = t->wheel_sec + 1;
	if (sec > t->wheel_sec + WHEEL_SLOTS - 1)
		sec = t->wheel_sec + WHEEL_SLOTS - 1;
	return (uint16_t)(sec % WHEEL_SLOTS);
}

static void wheel_push(struct flow_table *t, struct flow *f, uint16_t slot)
{
	uint32_t me = flow_index(t, f);
	f->wheel_slot = slot;
	f->wheel_prev = FLOW_NONE;
	f->wheel_next = t->wheel[slot];
	if (f->wheel_next != FLOW_NONE)
		t->slab[f->wheel_next].wheel_prev = me;
	t->wheel[slot] = me;
}

void flow_table_schedule(struct flow_table *t, struct flow *f)
{
	uint16_t slot = slot_for(t, t->deadline(f, t->deadline_ctx));
	if (f->wheel_slot == slot)
		return;
	wheel_unlink(t, f);
	wheel_push(t, f, slot);
}

uint32_t flow_table_advance(struct flow_table *t, uint64_t now_us, uint32_t budget,
			    flow_expire_fn expire, void *ctx)
{
	uint64_t now_sec = now_us / USEC;
	uint32_t done = 0;

	if (!t->wheel_started) {
		t->wheel_started = 1;
		t->wheel_sec = now_sec;
		return 0;
	}
	if (now_sec > t->wheel_sec + WHEEL_SLOTS)
		t->wheel_sec = now_sec - WHEEL_SLOTS;	/* every slot is visited once below */

	while (t->wheel_sec < now_sec) {
		uint64_t sec = t->wheel_sec + 1;
		uint16_t slot = (uint16_t)(sec % WHEEL_SLOTS);
		uint32_t i = t->wheel[slot];
		t->wheel[slot] = FLOW_NONE;
		t->wheel_sec = sec;	/* re-filed flows go after this second */
		while (i != FLOW_NONE) {
			struct flow *f = &t->slab[i];
			i = f->wheel_next;
			f->wheel_slot = WHEEL_NONE;
			f->wheel_next = f->wheel_prev = FLOW_NONE;
			if (done < budget && t->deadline(f, t->deadline_ctx) <= now_us) {
				expire(f, ctx);
				done++;
			} else if (done >= budget) {
				wheel_push(t, f, slot);	/* out of budget: retry this second */
			} else {
				wheel_push(t, f, slot_for(t, t->deadline(f, t->deadline_ctx)));
			}
		}
		if (done >= budget) {
			t->wheel_sec = sec - 1;
			break;
		}
	}
	return done;
}

struct flow *flow_table_victim(struct flow_table *t)
{
	if (t->count == 0)
		return NULL;
	for (uint32_t n = 1; n <= WHEEL_SLOTS; n++) {
		uint16_t slot = (uint16_t)((t->wheel_sec + n) % WHEEL_SLOTS);
		uint32_t i = t->wheel[slot];
		struct flow *best = NULL;
		uint64_t best_deadline = UINT64_MAX;
		t->wheel[slot] = FLOW_NONE;
		while (i != FLOW_NONE) {
			struct flow *f = &t->slab[i];
			uint64_t d = t->deadline(f, t->deadline_ctx);
			uint16_t right = slot_for(t, d);
			i = f->wheel_next;
			wheel_push(t, f, right);	/* lazily late flows move on */
			if (right == slot && d < best_deadline) {
				best = f;
				best_deadline = d;
			}
		}
		if (best)
			return best;
	}
	/* Unreachable while every flow is filed; fall back to any flow. */
	for (uint32_t i = 0; i < t->used_hi; i++)
		if (t->slab[i].wheel_slot < WHEEL_SLOTS)
			return &t->slab[i];
	return NULL;
}

void flow_table_foreach(struct flow_table *t, void (*fn)(struct flow *f, void *ctx), void *ctx)
{
	t->walking++;
	for (uint32_t b = 0; b <= t->mask; b++) {
		uint32_t i = t->buckets[b];
		while (i != FLOW_NONE) {
			struct flow *f = &t->slab[i];
			i = f->hash_next;	/* fn may remove f */
			fn(f, ctx);
		}
	}
	t->walking--;
	grow_to_load(t);	/* inserts during the walk may have raised the load */
}
