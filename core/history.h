/* history.h - a bounded ring of closed flows (copies), oldest dropped first. */
#ifndef NETLENS_HISTORY_H
#define NETLENS_HISTORY_H

#include <stdint.h>

#include "flow.h"

struct history {
	struct flow *ring;	/* owned: cap entries, touched only as used */
	uint32_t cap;
	uint32_t head;		/* next slot to write */
	uint32_t count;
	uint64_t dropped;	/* closed flows pushed out by newer ones */
};

int history_init(struct history *h, uint32_t cap);
void history_free(struct history *h);
void history_add(struct history *h, const struct flow *f);
void history_clear(struct history *h);
/* i = 0 is the oldest kept entry. */
const struct flow *history_get(const struct history *h, uint32_t i);

#endif
