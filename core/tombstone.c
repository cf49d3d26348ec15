/* tombstone.c - the recently-archived set (see the header). */
#include "config.h"

#include <string.h>

#include "tombstone.h"

/* Slots looked at from a hash's own. At half load a run of 16 live slots
 * is rare (the oldest of them goes then), where with 4 slots a quarter
 * of 3 000 entries were lost before their time. */
#define PROBE 16

void tombstones_clear(struct tombstones *t) { memset(t, 0, sizeof(*t)); }

void tombstones_add(struct tombstones *t, uint64_t h, uint64_t now_us)
{
	struct tomb_entry *victim = &t->slots[h % TOMB_SLOTS];
	for (uint32_t n = 0; n < PROBE; n++) {
		struct tomb_entry *e = &t->slots[(h + n) % TOMB_SLOTS];
		if (e->hash == h || e->expires_us < now_us) {
			victim = e;
			break;
		}
		if (e->expires_us < victim->expires_us)
			victim = e;
	}
	victim->hash = h;
	victim->expires_us = now_us + TOMB_TTL_US;
}

int tombstones_has(const struct tombstones *t, uint64_t h, uint64_t now_us)
{
	for (uint32_t n = 0; n < PROBE; n++) {
		const struct tomb_entry *e = &t->slots[(h + n) % TOMB_SLOTS];
		if (e->hash == h && e->expires_us >= now_us && e->expires_us != 0)
			return 1;
	}
	return 0;
}
