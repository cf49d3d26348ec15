/*
 * geoip.h - where a remote address is: country, autonomous system and city
 * from MaxMind .mmdb files (GeoLite2 or GeoIP2 Country, ASN and City, not
 * shipped), read with libmaxminddb. RustNet's options and JSON names.
 *
 * Files are named by --geoip-country, --geoip-asn and --geoip-city, else
 * found in the usual folders (geoip_open()); none found is no error,
 * a named file that cannot be opened is. Opened (mapped) at start, before
 * privileges go. Answers are cached per address in a bounded direct-mapped
 * table (GEOIP_CACHE_SLOTS); strings point into the mapped files and are
 * raw bytes from a file, to be quoted or sanitised like wire text.
 */
#ifndef NETLENS_GEOIP_H
#define NETLENS_GEOIP_H

#include <stddef.h>
#include <stdint.h>

#include "flow.h"

#define GEOIP_CACHE_SLOTS 4096

struct geoip;

/* A string in a database: bytes and length (not NUL-terminated). */
struct geoip_str {
	const char *s;
	uint32_t len;
};

struct geoip_answer {
	char country_code[3];		/* "" when unknown */
	struct geoip_str country;	/* English name */
	uint32_t asn;			/* 0 when unknown */
	struct geoip_str as_org;
	struct geoip_str city;
	struct geoip_str postal;
};

/* Paths named on the command line (NULL: look in the usual folders).
 * Returns the instance (NULL when no database was found: no lookups), or
 * NULL with *err set (one line) when a named file, or a found one, cannot
 * be read. */
struct geoip *geoip_open(const char *country, const char *asn, const char *city,
			 char *err, size_t errlen);
void geoip_free(struct geoip *g);

/* What the databases say of addr (family 4 or 6); 0, or -1 when nothing. */
int geoip_lookup(struct geoip *g, int family, const uint8_t *addr, struct geoip_answer *out);

/* The address of f to place: its remote end (the destination when the
 * source is local or locality is unknown; the source when only the
 * destination is local). NULL when f has no IP addresses. */
const uint8_t *geoip_remote_addr(const struct flow *f);

/* "GeoLite2-Country.mmdb, GeoLite2-ASN.mmdb" - the files in use, for the
 * summary and the side panel ("" when none). */
const char *geoip_files(const struct geoip *g);

/* The process's instance (NULL: no GeoIP). */
extern struct geoip *geoip_current;

#endif
