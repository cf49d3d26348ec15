/* history.c - the closed-flow ring. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>

#include "history.h"

int history_init(struct history *h, uint32_t cap)
{
	h->cap = cap;
	h->head = h->count = 0;
	h->dropped = 0;
	h->ring = NULL;
	if (cap == 0)
		return 0;
	h->ring = calloc(cap, sizeof(struct flow));
	return h->ring ? 0 : -ENOMEM;
}

void history_free(struct history *h)
{
	free(h->ring);
	h->ring = NULL;
	h->cap = h->count = h->head = 0;
}

void history_add(struct history *h, const struct flow *f)
{
	if (h->cap == 0) {
		h->dropped++;
		return;
	}
	if (h->count == h->cap)
		h->dropped++;
	else
		h->count++;
	h->ring[h->head] = *f;
	h->ring[h->head].dpi = 0;	/* dissector state is freed at close */
	h->ring[h->head].flags |= FLOW_CLOSED;
	h->head = (h->head + 1) % h->cap;
}

void history_clear(struct history *h)
{
	h->head = h->count = 0;
}

const struct flow *history_get(const struct history *h, uint32_t i)
{
	if (i >= h->count)
		return NULL;
	uint32_t oldest = (h->head + h->cap - h->count) % h->cap;
	return &h->ring[(oldest + i) % h->cap];
}
