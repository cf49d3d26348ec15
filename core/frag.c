/* frag.c - the fragment → ports table (see the header). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "frag.h"
#include "keyhash.h"

#define PROBE 8

struct frag_id {
	uint8_t src[16], dst[16];
	uint32_t id;
	uint8_t family, ipproto, ifc, pad;
};

int frag_table_init(struct frag_table *t, const uint64_t seed[2])
{
	t->slots = calloc(FRAG_SLOTS, sizeof(struct frag_entry));
	memcpy(t->seed, seed, sizeof(t->seed));
	t->orphans = 0;
	return t->slots ? 0 : -ENOMEM;
}

void frag_table_free(struct frag_table *t)
{
	free(t->slots);
	t->slots = NULL;
}

static int same(const struct frag_entry *e, const struct packet *p)
{
	return e->used && e->id == p->frag_id && e->family == p->family && e->ifc == p->ifc &&
	       e->ipproto == p->frag_ipproto && !memcmp(e->src, p->src, 16) && !memcmp(e->dst, p->dst, 16);
}

/* Finds the entry for p, or (create) claims a free, expired or the oldest
 * slot in its probe window. */
static struct frag_entry *find(struct frag_table *t, const struct packet *p, int create)
{
	struct frag_id k;
	memset(&k, 0, sizeof(k));
	memcpy(k.src, p->src, 16);
	memcpy(k.dst, p->dst, 16);
	k.id = p->frag_id;
	k.family = p->family;
	k.ipproto = p->frag_ipproto;
	k.ifc = p->ifc;
	uint32_t base = (uint32_t)keyhash(t->seed, &k, sizeof(k)) % FRAG_SLOTS;
	struct frag_entry *victim = NULL;

	for (uint32_t n = 0; n < PROBE; n++) {
		struct frag_entry *e = &t->slots[(base + n) % FRAG_SLOTS];
		if (same(e, p)) {
			if (e->expires_us >= p->ts_us)
				return e;
			if (e->pending_packets)
				t->orphans += e->pending_packets;
			e->used = 0;	/* an old datagram that reused the id */
		}
		if (!e->used || e->expires_us < p->ts_us) {
			if (!victim || victim->used)
				victim = e;
		} else if (!victim || (victim->used && e->expires_us < victim->expires_us)) {
			victim = e;
		}
	}
	if (!create)
		return NULL;
	if (victim->used && victim->pending_packets)
		t->orphans += victim->pending_packets;
	memset(victim, 0, sizeof(*victim));
	victim->used = 1;
	memcpy(victim->src, p->src, 16);
	memcpy(victim->dst, p->dst, 16);
	victim->id = p->frag_id;
	victim->family = p->family;
	victim->ipproto = p->frag_ipproto;
	victim->ifc = p->ifc;
	victim->expires_us = p->ts_us + FRAG_TTL_US;
	return victim;
}

void frag_note_first(struct frag_table *t, const struct packet *p,
		     uint32_t *pending_packets, uint64_t *pending_bytes, uint64_t *pending_first_us)
{
	struct frag_entry *e = find(t, p, 1);
	*pending_packets = e->pending_packets;
	*pending_bytes = e->pending_bytes;
	*pending_first_us = e->pending_first_us;
	e->pending_packets = 0;
	e->pending_bytes = 0;
	e->has_ports = 1;
	if (p->proto == L4_ICMP || p->proto == L4_ICMPV6) {
		e->sport = e->dport = p->icmp_id;
		e->icmp_kind = p->icmp_kind;
	} else {
		e->sport = p->sport;
		e->dport = p->dport;
	}
}

int frag_resolve(struct frag_table *t, struct packet *p)
{
	struct frag_entry *e = find(t, p, 1);
	if (e->has_ports) {
		if (p->proto == L4_ICMP || p->proto == L4_ICMPV6) {
			p->icmp_id = e->sport;
			p->icmp_kind = e->icmp_kind;
		} else {
			p->sport = e->sport;
			p->dport = e->dport;
		}
		return 1;
	}
	if (!e->pending_packets || p->ts_us < e->pending_first_us)
		e->pending_first_us = p->ts_us;
	if (e->pending_packets != UINT32_MAX)
		e->pending_packets++;
	e->pending_bytes += p->ip_len;
	return 0;
}
