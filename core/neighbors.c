/* neighbors.c - the neighbour cache (see the header). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "neighbors.h"

#define BUCKETS (NEIGHBORS_MAX * 2)	/* a power of two */
#define NONE UINT32_MAX

struct entry {
	uint8_t family;
	uint8_t addr[16];
	uint8_t mac[6];
	uint64_t seen_us;
	uint64_t tapped_us;	/* seen_us when last passed to the tap */
	uint32_t next;		/* in its bucket's chain */
};

struct neighbors {
	uint32_t bucket[BUCKETS];
	struct entry e[NEIGHBORS_MAX];
	uint32_t count;
	uint32_t oldest;	/* when full: the next entry to be replaced (ring order) */
	neighbors_tap_fn tap;
	void *tap_ctx;
};

struct neighbors *neighbors_current;

static uint32_t hash(int family, const uint8_t *addr)
{
	return fnv1a32(2166136261u ^ (uint32_t)family, addr, family == 4 ? 4 : 16) & (BUCKETS - 1);
}

struct neighbors *neighbors_new(void)
{
	struct neighbors *n = malloc(sizeof(*n));
	if (!n)
		return NULL;
	for (uint32_t i = 0; i < BUCKETS; i++)
		n->bucket[i] = NONE;
	n->count = 0;
	n->oldest = 0;
	n->tap = NULL;
	n->tap_ctx = NULL;
	return n;
}

void neighbors_free(struct neighbors *n) { free(n); }

void neighbors_set_tap(struct neighbors *n, neighbors_tap_fn fn, void *ctx)
{
	if (!n)
		return;
	n->tap = fn;
	n->tap_ctx = ctx;
}

static uint32_t find(const struct neighbors *n, int family, const uint8_t *addr)
{
	size_t len = family == 4 ? 4 : 16;
	for (uint32_t i = n->bucket[hash(family, addr)]; i != NONE; i = n->e[i].next)
		if (n->e[i].family == family && !memcmp(n->e[i].addr, addr, len))
			return i;
	return NONE;
}

static void unlink_entry(struct neighbors *n, uint32_t idx)
{
	uint32_t *p = &n->bucket[hash(n->e[idx].family, n->e[idx].addr)];
	while (*p != NONE && *p != idx)
		p = &n->e[*p].next;
	if (*p == idx)
		*p = n->e[idx].next;
}

void neighbors_note(struct neighbors *n, int family, const uint8_t *addr, const uint8_t mac[6],
		    uint64_t now_us)
{
	static const uint8_t zero[6];
	if (!n || (family != 4 && family != 6) || !memcmp(mac, zero, 6) || (mac[0] & 1))
		return;	/* no address, or a group address: not a neighbour's */
	uint32_t i = find(n, family, addr);
	int changed = i == NONE || memcmp(n->e[i].mac, mac, 6);
	if (i == NONE) {
		if (n->count < NEIGHBORS_MAX) {
			i = n->count++;
		} else {
			i = n->oldest;
			n->oldest = (n->oldest + 1) % NEIGHBORS_MAX;
			unlink_entry(n, i);
		}
		struct entry *e = &n->e[i];
		memset(e->addr, 0, sizeof(e->addr));
		e->family = (uint8_t)family;
		memcpy(e->addr, addr, family == 4 ? 4 : 16);
		uint32_t *b = &n->bucket[hash(family, addr)];
		e->next = *b;
		*b = i;
	}
	struct entry *e = &n->e[i];
	memcpy(e->mac, mac, 6);
	e->seen_us = now_us;
	if (n->tap && (changed || now_us < e->tapped_us ||
		       now_us - e->tapped_us >= NEIGHBORS_TAP_REFRESH_US)) {
		e->tapped_us = now_us;
		n->tap(n->tap_ctx, family, e->addr, mac, now_us);
	}
}

void neighbors_from_packet(struct neighbors *n, const struct packet *p)
{
	static const uint8_t unspecified[16];
	if (!n)
		return;
	if (p->proto == L4_ARP) {
		if (memcmp(p->src, unspecified, 4))	/* not an ARP probe's 0.0.0.0 */
			neighbors_note(n, 4, p->src, p->arp_sha, p->ts_us);
		if (p->arp_op == 2)
			neighbors_note(n, 4, p->dst, p->arp_tha, p->ts_us);
	} else if (p->nd_has_lladdr && p->hop_limit == 255) {
		if (p->icmp_kind == ICMP_KIND_NEIGHBOR_SOLICIT && memcmp(p->src, unspecified, 16))
			neighbors_note(n, 6, p->src, p->nd_lladdr, p->ts_us);
		else if (p->icmp_kind == ICMP_KIND_NEIGHBOR_ADVERT)
			neighbors_note(n, 6, p->nd_target, p->nd_lladdr, p->ts_us);
	}
}

const uint8_t *neighbors_mac(const struct neighbors *n, int family, const uint8_t *addr,
			     uint64_t now_us)
{
	if (!n || (family != 4 && family != 6))
		return NULL;
	uint32_t i = find(n, family, addr);
	if (i == NONE || (now_us > n->e[i].seen_us && now_us - n->e[i].seen_us > NEIGHBORS_STALE_US))
		return NULL;
	return n->e[i].mac;
}

uint32_t neighbors_count(const struct neighbors *n) { return n ? n->count : 0; }
