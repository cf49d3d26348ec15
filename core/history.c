/* history.c - the closed-flow ring (see the header). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "history.h"
#include "dpi.h"

_Static_assert(sizeof(struct closed_flow) <= 120, "a closed flow must stay within 120 bytes");

int history_init(struct history *h, uint32_t cap)
{
	memset(h, 0, sizeof(*h));
	h->cap = cap;
	if (cap == 0)
		return 0;
	h->ring = calloc(cap, sizeof(struct closed_flow));
	return h->ring ? 0 : -ENOMEM;
}

void history_free(struct history *h)
{
	free(h->ring);
	h->ring = NULL;
	free(h->owner);
	h->owner = NULL;
	h->cap = h->count = h->head = 0;
}

void history_add(struct history *h, const struct flow *f)
{
	if (h->cap == 0) {
		h->dropped++;
		dpi_release(dpi_current, f->dpi);
		return;
	}
	if (h->count == h->cap)
		h->dropped++;
	else
		h->count++;
	struct closed_flow *c = &h->ring[h->head];
	if (c->dpi)
		dpi_release(dpi_current, c->dpi);	/* the oldest goes, with its results */
	memset(c, 0, sizeof(*c));
	c->dpi = f->dpi;
	c->first_seen_us = f->first_seen_us;
	c->last_seen_us = f->last_seen_us;
	c->bytes[0] = f->bytes[0];
	c->bytes[1] = f->bytes[1];
	c->key = f->key;
	c->id = f->id;
	c->packets[0] = f->packets[0];
	c->packets[1] = f->packets[1];
	c->state = f->state;
	c->flags = (uint8_t)(f->flags | FLOW_CLOSED);
	c->icmp_err_type = f->icmp_err_type;
	c->icmp_err_code = f->icmp_err_code;
	c->icmp_err_count = f->icmp_err_count;
	switch (f->key.proto) {
	case L4_TCP:
		c->u.tcp.retransmits = f->u.tcp.retransmits;
		c->u.tcp.out_of_order = f->u.tcp.out_of_order;
		c->u.tcp.fast_retransmits = f->u.tcp.fast_retransmits;
		c->u.tcp.dup_acks = f->u.tcp.dup_acks;
		c->u.tcp.srtt_us = f->u.tcp.srtt_us;
		c->u.tcp.irtt_us = f->u.tcp.irtt_us;
		break;
	case L4_ICMP: case L4_ICMPV6:
		c->u.icmp_rtt_us = f->u.icmp.rtt_us;
		break;
	case L4_UDP:
		c->u.udp_rtt_us = f->u.udp.rtt_us;
		break;
	case L4_ARP:
		c->u.arp = f->u.arp;
		break;
	default:
		break;
	}
	if (h->owner)
		h->owner[h->head] = 0;
	h->head = (h->head + 1) % h->cap;
}

void history_clear(struct history *h)
{
	for (uint32_t i = 0; i < h->cap; i++)
		if (h->ring[i].dpi) {
			dpi_release(dpi_current, h->ring[i].dpi);
			h->ring[i].dpi = 0;
		}
	h->head = h->count = 0;
}

void history_note_owner(struct history *h, uint32_t handle)
{
	if (!h->cap || !h->count)
		return;
	if (!h->owner) {
		if (!handle)
			return;
		h->owner = calloc(h->cap, sizeof(*h->owner));
		if (!h->owner)
			return;		/* no owners in the history, nothing worse */
	}
	h->owner[(h->head + h->cap - 1) % h->cap] = handle;
}

static const struct closed_flow *entry(const struct history *h, uint32_t i)
{
	uint32_t oldest = (h->head + h->cap - h->count) % h->cap;
	return &h->ring[(oldest + i) % h->cap];
}

uint32_t history_id(const struct history *h, uint32_t i)
{
	return i < h->count ? entry(h, i)->id : 0;
}

const struct flow *history_get(struct history *h, uint32_t i)
{
	if (i >= h->count)
		return NULL;
	const struct closed_flow *c = entry(h, i);
	struct flow *f = &h->scratch;
	memset(f, 0, sizeof(*f));
	f->first_seen_us = c->first_seen_us;
	f->last_seen_us = c->last_seen_us;
	f->bytes[0] = c->bytes[0];
	f->bytes[1] = c->bytes[1];
	f->key = c->key;
	f->wheel_next = f->wheel_prev = FLOW_NONE;
	f->closed_owner = h->owner ? h->owner[(c - h->ring)] : 0;	/* no hash chain when closed */
	f->wheel_slot = 0xffff;
	f->id = c->id;
	f->dpi = c->dpi;
	f->packets[0] = c->packets[0];
	f->packets[1] = c->packets[1];
	f->state = c->state;
	f->flags = c->flags;
	f->icmp_err_type = c->icmp_err_type;
	f->icmp_err_code = c->icmp_err_code;
	f->icmp_err_count = c->icmp_err_count;
	switch (c->key.proto) {
	case L4_TCP:
		f->u.tcp.retransmits = c->u.tcp.retransmits;
		f->u.tcp.out_of_order = c->u.tcp.out_of_order;
		f->u.tcp.fast_retransmits = c->u.tcp.fast_retransmits;
		f->u.tcp.dup_acks = c->u.tcp.dup_acks;
		f->u.tcp.srtt_us = c->u.tcp.srtt_us;
		f->u.tcp.irtt_us = c->u.tcp.irtt_us;
		break;
	case L4_ICMP: case L4_ICMPV6:
		f->u.icmp.rtt_us = c->u.icmp_rtt_us;
		break;
	case L4_UDP:
		f->u.udp.rtt_us = c->u.udp_rtt_us;
		break;
	case L4_ARP:
		f->u.arp = c->u.arp;
		break;
	default:
		break;
	}
	return f;
}
