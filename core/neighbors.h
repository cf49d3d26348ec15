/*
 * neighbors.h - which hardware address each address on the link has, as
 * ARP and IPv6 neighbour discovery in the traffic say (RustNet's neighbour
 * cache, N8), for the details' Local and Remote MAC.
 *
 * Learnt from ARP senders (and the requester a reply names) and from
 * neighbour solicitations and advertisements sent on the link (hop limit
 * 255: a router never forwards one, so none comes from off the link).
 * Bounded: NEIGHBORS_MAX entries, the oldest learnt replaced first; an
 * entry not heard of for NEIGHBORS_STALE_US is no longer given. Every
 * insert and look-up is O(1), so an ARP flood costs no more than its
 * packets.
 */
#ifndef NETLENS_NEIGHBORS_H
#define NETLENS_NEIGHBORS_H

#include <stdint.h>

#include "packet.h"

#define NEIGHBORS_MAX 4096
#define NEIGHBORS_STALE_US (30ull * 60 * 1000000)	/* 30 minutes, RustNet's */

struct neighbors;

struct neighbors *neighbors_new(void);
void neighbors_free(struct neighbors *n);

/* addr is 4 (family 4) or 16 bytes. */
void neighbors_note(struct neighbors *n, int family, const uint8_t *addr, const uint8_t mac[6],
		    uint64_t now_us);
/* What a decoded packet says (ARP, neighbour discovery); anything else is
 * ignored. Cheap to call for every packet. */
void neighbors_from_packet(struct neighbors *n, const struct packet *p);
/* The address's MAC, NULL when unknown or stale at now_us. */
const uint8_t *neighbors_mac(const struct neighbors *n, int family, const uint8_t *addr,
			     uint64_t now_us);
uint32_t neighbors_count(const struct neighbors *n);

/* --workers: a worker passes what it learns on to the parent, whose details
 * show the MACs. The tap is called when an address is learnt, when its MAC
 * changes, and when it is heard of again NEIGHBORS_TAP_REFRESH_US after it
 * was last passed on (so the parent's entry does not go stale while the
 * worker's is fresh); an ARP flood costs a message entry per address per
 * minute, not per packet. fn NULL: none. */
#define NEIGHBORS_TAP_REFRESH_US (60ull * 1000000)
typedef void (*neighbors_tap_fn)(void *ctx, int family, const uint8_t *addr, const uint8_t mac[6],
				 uint64_t seen_us);
void neighbors_set_tap(struct neighbors *n, neighbors_tap_fn fn, void *ctx);

/* The process-wide cache (NULL: none). */
extern struct neighbors *neighbors_current;

#endif
