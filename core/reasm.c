/*
 * reasm.c - UDP datagrams put back together from their IP fragments, for
 * deep packet inspection (see reasm.h for the bounds).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "reasm.h"

#define IPPROTO_UDP_NUM 17

void reasm_init(struct reasm *r)
{
	memset(r, 0, sizeof(*r));
}

void reasm_free(struct reasm *r)
{
	for (unsigned i = 0; i < REASM_SLOTS; i++)
		free(r->slot[i].buf);
	memset(r, 0, sizeof(*r));
}

static int same_datagram(const struct reasm_slot *s, const struct packet *p)
{
	return s->used && s->id == p->frag_id && s->family == p->family && s->ifc == p->ifc &&
	       !memcmp(s->src, p->src, 16) && !memcmp(s->dst, p->dst, 16);
}

/* Ends a slot's datagram; its buffer stays for the next. */
static void release(struct reasm_slot *s)
{
	s->used = 0;
}

static void give_up(struct reasm *r, struct reasm_slot *s)
{
	release(s);
	r->abandoned++;
}

static struct reasm_slot *find(struct reasm *r, const struct packet *p)
{
	for (unsigned i = 0; i < REASM_SLOTS; i++)
		if (same_datagram(&r->slot[i], p))
			return &r->slot[i];
	return NULL;
}

/* The slot of p's datagram, or a new one: free, expired, else the oldest. */
static struct reasm_slot *slot_for(struct reasm *r, const struct packet *p)
{
	struct reasm_slot *pick = NULL;
	for (unsigned i = 0; i < REASM_SLOTS; i++) {
		struct reasm_slot *s = &r->slot[i];
		if (same_datagram(s, p)) {
			if (p->ts_us < s->started_us + REASM_TTL_US)
				return s;
			give_up(r, s);		/* an identifier used again, long after */
		}
		if (!s->used) {
			if (!pick || pick->used)
				pick = s;
		} else if (p->ts_us >= s->started_us + REASM_TTL_US) {
			give_up(r, s);
			if (!pick || pick->used)
				pick = s;
		} else if (!pick || (pick->used && s->started_us < pick->started_us)) {
			pick = s;
		}
	}
	if (pick->used)
		give_up(r, pick);
	if (!pick->buf && !(pick->buf = malloc(REASM_MAX)))
		return NULL;
	memcpy(pick->src, p->src, 16);
	memcpy(pick->dst, p->dst, 16);
	pick->id = p->frag_id;
	pick->family = p->family;
	pick->ifc = p->ifc;
	pick->total = pick->have = pick->end = 0;
	pick->started_us = p->ts_us;
	memset(pick->blocks, 0, sizeof(pick->blocks));
	pick->used = 1;
	return pick;
}

/* Whether any 8-byte block of [from, to) is already marked; marks them. */
static int mark_blocks(struct reasm_slot *s, uint32_t from, uint32_t to)
{
	for (uint32_t b = from / 8; b < (to + 7) / 8; b++)
		if (s->blocks[b / 8] & (1u << (b % 8)))
			return 1;
	for (uint32_t b = from / 8; b < (to + 7) / 8; b++)
		s->blocks[b / 8] |= (uint8_t)(1u << (b % 8));
	return 0;
}

/* Refuses p; the datagram it belongs to, if begun, can never be whole. */
static enum reasm_result refuse(struct reasm *r, const struct packet *p)
{
	struct reasm_slot *s = find(r, p);
	if (s)
		give_up(r, s);
	return REASM_REFUSED;
}

void reasm_forget(struct reasm *r, const struct packet *p)
{
	struct reasm_slot *s = find(r, p);
	if (s)
		release(s);
}

enum reasm_result reasm_add(struct reasm *r, const struct packet *p, const uint8_t **out, size_t *len)
{
	if (!p->is_fragment || p->frag_ipproto != IPPROTO_UDP_NUM || !p->frag_data)
		return REASM_REFUSED;
	uint32_t off = p->frag_offset, n = p->frag_len;
	/* Every fragment but the last holds whole 8-byte blocks (RFC 791,
	 * RFC 8200 4.5); an empty one, a cut one or one past the cap can
	 * never make a datagram we read. Checked before a slot is taken, so
	 * such a fragment evicts nobody. */
	if (n == 0 || p->frag_caplen < n || off >= REASM_MAX || n > REASM_MAX - off ||
	    (p->more_fragments && n % 8))
		return refuse(r, p);
	struct reasm_slot *s = slot_for(r, p);
	if (!s)
		return REASM_REFUSED;		/* out of memory: not inspected */
	uint32_t to = off + n;
	if ((!p->more_fragments && (s->total || s->end > to)) || (s->total && to > s->total) ||
	    mark_blocks(s, off, to)) {
		give_up(r, s);			/* two ends, data past the end, an overlap */
		return REASM_REFUSED;
	}
	memcpy(s->buf + off, p->frag_data, n);
	s->have += n;
	if (to > s->end)
		s->end = to;
	if (!p->more_fragments)
		s->total = to;
	if (!s->total || s->have != s->total)
		return REASM_HELD;
	release(s);
	r->completed++;
	*out = s->buf;
	*len = s->total;
	return REASM_WHOLE;
}
