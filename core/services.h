/* services.h - port → service name, from a table embedded at build time
 * (generated from data/services, the IANA-derived list Debian ships as
 * /etc/services) and optionally overridden at run time (--services FILE). */
#ifndef NETLENS_SERVICES_H
#define NETLENS_SERVICES_H

#include <stddef.h>
#include <stdint.h>

struct service_entry { uint16_t port; uint8_t proto; const char *name; };

/* proto is enum l4_proto (TCP or UDP). NULL when unknown. */
const char *services_lookup(uint16_t port, uint8_t proto);

/* Loads an /etc/services-format file whose entries take precedence.
 * Returns 0, or -1 with a one-line reason in err. */
int services_load_file(const char *path, char *err, size_t errlen);
void services_unload(void);

/* The embedded table (generated). */
extern const struct service_entry services_builtin[];
extern const size_t services_builtin_count;

#endif
