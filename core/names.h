/*
 * names.h - hostnames by address, learnt passively from DNS answers that
 * crossed the capture (a dissector's note_name). Views show them in place
 * of addresses (the UI's `d`); nothing is ever sent to resolve them.
 *
 * Bounded: at most `cap` addresses; when full, the oldest noted is
 * forgotten first. A name is kept as it came off the wire (at most
 * NAMES_MAX_LEN bytes); views sanitise it before display.
 */
#ifndef NETLENS_NAMES_H
#define NETLENS_NAMES_H

#include <stddef.h>
#include <stdint.h>

#define NAMES_DEFAULT_CAP 10000
#define NAMES_MAX_LEN 127

struct names;

struct names *names_new(uint32_t cap);
void names_free(struct names *n);

/* Remembers that addr (4 or 16 bytes per family) is called name, as a DNS
 * answer with this TTL said at now_us (wall clock). */
void names_note_ttl(struct names *n, int family, const uint8_t *addr, const char *name, size_t len,
		    uint32_t ttl_s, uint64_t now_us);
/* A worker (workers.c) also passes every name it is told on to its parent. */
typedef void (*names_tap_fn)(void *ctx, int family, const uint8_t *addr, const char *name,
			     size_t len, uint32_t ttl_s);
void names_set_tap(names_tap_fn fn, void *ctx);

/* The same with NAMES_DEFAULT_TTL_S, now. */
void names_note(struct names *n, int family, const uint8_t *addr, const char *name, size_t len);

#define NAMES_DEFAULT_TTL_S 300
#define NAMES_MIN_TTL_S 60	/* shorter TTLs (CDNs) still name the address this long */

/* 1 when the name of addr is still within its TTL at now_us. */
int names_fresh(const struct names *n, int family, const uint8_t *addr, uint64_t now_us);

/* The latest name for addr, or NULL; *len gets its length. */
const char *names_lookup(const struct names *n, int family, const uint8_t *addr, size_t *len);

uint32_t names_count(const struct names *n);

/* The process's cache (NULL when DPI is off): fed by the DPI host, read by
 * views. */
extern struct names *names_current;

#endif
