/* names.c - the passive name cache (see names.h): chained hash over a fixed
 * array of entries, replaced in insertion order when full. */
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
	uint32_t next;		/* hash chain */
	uint64_t fresh_until_us;
	char name[NAMES_MAX_LEN + 1];
};

struct names {
	struct entry *v;	/* cap entries, used in ring order */
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
	n->bucket = malloc(n->nbuckets * sizeof(*n->bucket));
	if (!n->v || !n->bucket) {
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
	free(n->bucket);
	free(n);
}

static int same(const struct entry *e, int family, const uint8_t *addr)
{
	return e->family == family && !memcmp(e->addr, addr, family == 4 ? 4 : 16);
}

static struct entry *find(const struct names *n, int family, const uint8_t *addr)
{
	for (uint32_t i = n->bucket[hash(family, addr) & (n->nbuckets - 1)]; i != NONE; i = n->v[i].next)
		if (same(&n->v[i], family, addr))
			return &n->v[i];
	return NULL;
}

static void unlink_entry(struct names *n, uint32_t idx)
{
	struct entry *e = &n->v[idx];
	uint32_t *p = &n->bucket[hash(e->family, e->addr) & (n->nbuckets - 1)];
	while (*p != NONE && *p != idx)
		p = &n->v[*p].next;
	if (*p == idx)
		*p = e->next;
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
	struct entry *e = find(n, family, addr);
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
		uint32_t *head = &n->bucket[hash(family, addr) & (n->nbuckets - 1)];
		e->next = *head;
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
	const struct entry *e = find(n, family, addr);
	if (!e)
		return NULL;
	*len = e->len;
	return e->name;
}

int names_fresh(const struct names *n, int family, const uint8_t *addr, uint64_t now_us)
{
	if (!n || (family != 4 && family != 6))
		return 0;
	const struct entry *e = find(n, family, addr);
	return e && now_us < e->fresh_until_us;
}

uint32_t names_count(const struct names *n)
{
	return n ? n->used : 0;
}
