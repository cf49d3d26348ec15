/* names.c - the passive name cache (see names.h): chained hash over a fixed
 * array of entries, replaced in insertion order when full.
 *
 * Every DNS answer is noted here, most of them for addresses not yet in
 * the cache, which is 1.6 MB of entries: walking a chain through them cost
 * a cache miss a link. The chains and each entry's full hash live in an
 * array of their own (80 KiB), so a walk reads an entry only when its hash
 * is the one asked for, and a replaced entry is unlinked without reading
 * it. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "names.h"

#define NONE UINT32_MAX

struct names *names_current;

struct entry {
	uint8_t addr[16];
	uint8_t family;
	uint8_t len;
	uint64_t fresh_until_us;
	char name[NAMES_MAX_LEN + 1];
};

struct link {
	uint32_t next;		/* the entry's hash chain */
	uint32_t hash;		/* its address's hash */
};

struct names {
	struct entry *v;	/* cap entries, used in ring order */
	struct link *link;	/* cap, one an entry */
	uint32_t *bucket;	/* nbuckets heads */
	uint32_t cap, used, nbuckets, oldest;
};

static uint32_t hash(int family, const uint8_t *addr)
{
	/* FNV-1a: addresses in DNS answers are not chosen to collide here, and
	 * a long chain only costs the views a few compares. */
	return fnv1a32(FNV1A32_SEED ^ (uint32_t)family, addr, family == 4 ? 4 : 16);
}

struct names *names_new(uint32_t cap)
{
	if (!cap)
		return NULL;
	struct names *n = calloc(1, sizeof(*n));
	if (!n)
		return NULL;
	n->nbuckets = 1;
	while (n->nbuckets < cap)
		n->nbuckets <<= 1;
	n->v = calloc(cap, sizeof(*n->v));
	n->link = calloc(cap, sizeof(*n->link));
	n->bucket = malloc(n->nbuckets * sizeof(*n->bucket));
	if (!n->v || !n->link || !n->bucket) {
		names_free(n);
		return NULL;
	}
	memset(n->bucket, 0xff, n->nbuckets * sizeof(*n->bucket));
	n->cap = cap;
	return n;
}

void names_free(struct names *n)
{
	if (!n)
		return;
	free(n->v);
	free(n->link);
	free(n->bucket);
	free(n);
}

static int same(const struct entry *e, int family, const uint8_t *addr)
{
	if (e->family != family)
		return 0;
	return family == 4 ? !memcmp(e->addr, addr, 4) : !memcmp(e->addr, addr, 16);
}

/* The entry for addr, whose hash is h, or NULL. */
static struct entry *find(const struct names *n, int family, const uint8_t *addr, uint32_t h)
{
	for (uint32_t i = n->bucket[h & (n->nbuckets - 1)]; i != NONE; i = n->link[i].next)
		if (n->link[i].hash == h && same(&n->v[i], family, addr))
			return &n->v[i];
	return NULL;
}

static void unlink_entry(struct names *n, uint32_t idx)
{
	uint32_t *p = &n->bucket[n->link[idx].hash & (n->nbuckets - 1)];
	while (*p != NONE && *p != idx)
		p = &n->link[*p].next;
	if (*p == idx)
		*p = n->link[idx].next;
}

void names_note(struct names *n, int family, const uint8_t *addr, const char *name, size_t len)
{
	names_note_ttl(n, family, addr, name, len, NAMES_DEFAULT_TTL_S, clock_wall_us());
}

static names_tap_fn tap;
static void *tap_ctx;

void names_set_tap(names_tap_fn fn, void *ctx)
{
	tap = fn;
	tap_ctx = ctx;
}

void names_note_ttl(struct names *n, int family, const uint8_t *addr, const char *name, size_t len,
		    uint32_t ttl_s, uint64_t now_us)
{
	if (!n || (family != 4 && family != 6) || !addr || !name || !len)
		return;
	if (len > NAMES_MAX_LEN)
		len = NAMES_MAX_LEN;
	if (tap)
		tap(tap_ctx, family, addr, name, len, ttl_s);
	uint32_t h = hash(family, addr);
	struct entry *e = find(n, family, addr, h);
	if (!e) {
		uint32_t idx;
		if (n->used < n->cap) {
			idx = n->used++;
		} else {	/* full: forget the oldest noted */
			idx = n->oldest;
			n->oldest = (n->oldest + 1) % n->cap;
			unlink_entry(n, idx);
		}
		e = &n->v[idx];
		memset(e->addr, 0, sizeof(e->addr));
		memcpy(e->addr, addr, family == 4 ? 4 : 16);
		e->family = (uint8_t)family;
		uint32_t *head = &n->bucket[h & (n->nbuckets - 1)];
		n->link[idx].hash = h;
		n->link[idx].next = *head;
		*head = idx;
	}
	memcpy(e->name, name, len);
	e->name[len] = '\0';
	e->len = (uint8_t)len;
	if (ttl_s < NAMES_MIN_TTL_S)
		ttl_s = NAMES_MIN_TTL_S;
	if (ttl_s > 86400)
		ttl_s = 86400;	/* a week-long TTL says nothing about this session */
	e->fresh_until_us = now_us + (uint64_t)ttl_s * 1000000u;
}

const char *names_lookup(const struct names *n, int family, const uint8_t *addr, size_t *len)
{
	if (!n || (family != 4 && family != 6))
		return NULL;
	const struct entry *e = find(n, family, addr, hash(family, addr));
	if (!e)
		return NULL;
	*len = e->len;
	return e->name;
}

int names_fresh(const struct names *n, int family, const uint8_t *addr, uint64_t now_us)
{
	if (!n || (family != 4 && family != 6))
		return 0;
	const struct entry *e = find(n, family, addr, hash(family, addr));
	return e && now_us < e->fresh_until_us;
}

uint32_t names_count(const struct names *n)
{
	return n ? n->used : 0;
}
