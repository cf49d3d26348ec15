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

/* Remembers that addr (4 or 16 bytes per family) is called name. */
void names_note(struct names *n, int family, const uint8_t *addr, const char *name, size_t len);

/* The latest name for addr, or NULL; *len gets its length. */
const char *names_lookup(const struct names *n, int family, const uint8_t *addr, size_t *len);

uint32_t names_count(const struct names *n);

/* The process's cache (NULL when DPI is off): fed by the DPI host, read by
 * views. */
extern struct names *names_current;

#endif
