/*
 * resolver.h - reverse DNS (PTR) for the addresses views show, with c-ares
 * driven from the event loop: no thread, no blocking call.
 *
 * A lookup answers from the cache or starts a query and answers NULL; the
 * view shows the name on a later refresh. Cache: RESOLVER_CACHE_MAX
 * addresses, least recently used evicted; a name is kept 300 s, a failure
 * 60 s, a query in flight 30 s at most; at most RESOLVER_INFLIGHT_MAX
 * queries at once. Loopback, link-local, multicast and unspecified
 * addresses are never asked about.
 *
 * netlens' own queries are flows too; resolver_is_own_flow() recognises
 * exactly those (by the protocol, local port and server of each of the
 * resolver's sockets) so views can hide them (--show-ptr-lookups shows
 * them).
 */
#ifndef NETLENS_RESOLVER_H
#define NETLENS_RESOLVER_H

#include <ev.h>
#include <stddef.h>
#include <stdint.h>

#include "flow.h"

#define RESOLVER_CACHE_MAX 10000
#define RESOLVER_INFLIGHT_MAX 32
#define RESOLVER_POSITIVE_US (300 * 1000000ull)
#define RESOLVER_NEGATIVE_US (60 * 1000000ull)
#define RESOLVER_PENDING_US (30 * 1000000ull)

struct resolver;

struct resolver_stats {
	uint64_t queries, answers, failures, cache_hits, evicted, dropped_busy;
};

/* server: "ADDR" or "ADDR:PORT" (--dns-server), NULL for the system's.
 * Returns NULL with one line in err. */
struct resolver *resolver_new(struct ev_loop *loop, const char *server, char *err, size_t errlen);
void resolver_free(struct resolver *r);

/* The cached name of addr (4 or 16 bytes per family), or NULL: then a
 * query is started if none is pending and there is room. */
const char *resolver_lookup(struct resolver *r, int family, const uint8_t *addr);

/* 1 when f is one of netlens' own queries. */
int resolver_is_own_flow(const struct resolver *r, const struct flow *f);

const struct resolver_stats *resolver_stats(const struct resolver *r);

extern struct resolver *resolver_current;

#endif
