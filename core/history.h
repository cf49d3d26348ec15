/*
 * history.h - a bounded ring of closed flows, oldest dropped first.
 *
 * A closed flow keeps only what its record shows: no hash or wheel links,
 * no rate window, no TCP sequence state. 120 bytes instead of a live flow's
 * 192, which matters when a capture file's closed flows are all kept for
 * printing. history_get() rebuilds a full struct flow for the views.
 */
#ifndef NETLENS_HISTORY_H
#define NETLENS_HISTORY_H

#include <stdint.h>

#include "flow.h"

struct closed_flow {
	uint64_t first_seen_us, last_seen_us;
	uint64_t bytes[2];
	struct flow_key key;
	uint32_t id;
	uint32_t packets[2];
	uint8_t state, flags, icmp_err_type, icmp_err_code, icmp_err_count;
	uint32_t dpi;			/* the flow's DPI results handle, owned */
	union {
		struct {
			uint32_t retransmits, out_of_order, fast_retransmits, dup_acks;
			uint32_t srtt_us, irtt_us;
		} tcp;
		uint32_t icmp_rtt_us;
		uint32_t udp_rtt_us;
		struct arp_state arp;
	} u;
};

struct history {
	struct closed_flow *ring;	/* owned: cap entries, touched only as used */
	uint32_t cap;
	uint32_t head;			/* next slot to write */
	uint32_t count;
	uint64_t dropped;		/* closed flows pushed out by newer ones */
	struct flow scratch;		/* what history_get() returns */
	uint32_t *owner;		/* owned, parallel to ring: owner handles
					 * (owners.h), allocated at the first one so
					 * files and --no-attribution pay nothing */
};

int history_init(struct history *h, uint32_t cap);
void history_free(struct history *h);
void history_add(struct history *h, const struct flow *f);
void history_clear(struct history *h);
/* The owner handle of the entry history_add() just wrote. */
void history_note_owner(struct history *h, uint32_t handle);
/* Entry i (0 = the oldest kept) as a full flow, or NULL. The result lives in
 * h->scratch: valid until the next call. */
const struct flow *history_get(struct history *h, uint32_t i);
/* The creation serial of entry i (for ordering without rebuilding it). */
uint32_t history_id(const struct history *h, uint32_t i);

#endif
