/* geoip.c - country, AS and city of remote addresses (see the header). */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "geoip.h"
#include "keyhash.h"

struct geoip *geoip_current;

/* The folders RustNet and geoipupdate use, in RustNet's order (minus the
 * current directory: a file there is named with an option). */
static const char *const SYSTEM_DIRS[] = {
	"/usr/share/GeoIP", "/usr/local/share/GeoIP", "/opt/homebrew/share/GeoIP", "/var/lib/GeoIP",
};

enum db_kind { DB_COUNTRY, DB_ASN, DB_CITY, DB_KINDS };

static const char *const DB_FILES[DB_KINDS][2] = {
	[DB_COUNTRY] = { "GeoLite2-Country.mmdb", "GeoIP2-Country.mmdb" },
	[DB_ASN] = { "GeoLite2-ASN.mmdb", "GeoIP2-ISP.mmdb" },
	[DB_CITY] = { "GeoLite2-City.mmdb", "GeoIP2-City.mmdb" },
};
static const char *const DB_OPTIONS[DB_KINDS] = { "--geoip-country", "--geoip-asn", "--geoip-city" };

#ifdef HAVE_GEOIP
#include <maxminddb.h>

struct cache_slot {
	uint8_t used, family, found;
	uint8_t addr[16];
	struct geoip_answer ans;
};

struct geoip {
	MMDB_s db[DB_KINDS];
	int open[DB_KINDS];
	struct cache_slot *cache;	/* GEOIP_CACHE_SLOTS */
	uint64_t seed[2];
	char files[512];
};

/* A string value at the path, or nothing. */
static struct geoip_str get_str(MMDB_entry_s *e, const char *const *path)
{
	struct geoip_str s = { NULL, 0 };
	MMDB_entry_data_s d;
	if (MMDB_aget_value(e, &d, path) == MMDB_SUCCESS && d.has_data &&
	    d.type == MMDB_DATA_TYPE_UTF8_STRING && d.data_size < 4096) {
		s.s = d.utf8_string;
		s.len = d.data_size;
	}
	return s;
}

static void country_from(MMDB_entry_s *e, struct geoip_answer *a)
{
	static const char *const iso[] = { "country", "iso_code", NULL };
	static const char *const name[] = { "country", "names", "en", NULL };
	struct geoip_str c = get_str(e, iso);
	if (c.len == 2 && c.s[0] >= 'A' && c.s[0] <= 'Z' && c.s[1] >= 'A' && c.s[1] <= 'Z') {
		memcpy(a->country_code, c.s, 2);
		a->country_code[2] = '\0';
	}
	a->country = get_str(e, name);
}

static int lookup_db(MMDB_s *db, int family, const uint8_t *addr, MMDB_entry_s *entry)
{
	struct sockaddr_storage ss;
	memset(&ss, 0, sizeof(ss));
	if (family == 4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		s4->sin_family = AF_INET;
		memcpy(&s4->sin_addr, addr, 4);
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		s6->sin6_family = AF_INET6;
		memcpy(&s6->sin6_addr, addr, 16);
	}
	int err = 0;
	MMDB_lookup_result_s r = MMDB_lookup_sockaddr(db, (struct sockaddr *)&ss, &err);
	if (err != MMDB_SUCCESS || !r.found_entry)
		return -1;
	*entry = r.entry;
	return 0;
}

static int lookup_all(struct geoip *g, int family, const uint8_t *addr, struct geoip_answer *a)
{
	memset(a, 0, sizeof(*a));
	int found = 0;
	MMDB_entry_s e;
	if (g->open[DB_CITY] && lookup_db(&g->db[DB_CITY], family, addr, &e) == 0) {
		static const char *const city[] = { "city", "names", "en", NULL };
		static const char *const postal[] = { "postal", "code", NULL };
		country_from(&e, a);
		a->city = get_str(&e, city);
		a->postal = get_str(&e, postal);
		found = 1;
	}
	if (g->open[DB_COUNTRY] && lookup_db(&g->db[DB_COUNTRY], family, addr, &e) == 0) {
		country_from(&e, a);	/* the country file's word wins over the city file's */
		found = 1;
	}
	if (g->open[DB_ASN] && lookup_db(&g->db[DB_ASN], family, addr, &e) == 0) {
		static const char *const num[] = { "autonomous_system_number", NULL };
		static const char *const org[] = { "autonomous_system_organization", NULL };
		MMDB_entry_data_s d;
		if (MMDB_aget_value(&e, &d, num) == MMDB_SUCCESS && d.has_data) {
			if (d.type == MMDB_DATA_TYPE_UINT32)
				a->asn = d.uint32;
			else if (d.type == MMDB_DATA_TYPE_UINT16)
				a->asn = d.uint16;
		}
		a->as_org = get_str(&e, org);
		found = 1;
	}
	return found && (a->country_code[0] || a->asn || a->city.len) ? 0 : -1;
}

int geoip_lookup(struct geoip *g, int family, const uint8_t *addr, struct geoip_answer *out)
{
	if (!g || (family != 4 && family != 6))
		return -1;
	uint8_t key[17];
	key[0] = (uint8_t)family;
	memcpy(key + 1, addr, 16);
	struct cache_slot *s = &g->cache[keyhash(g->seed, key, sizeof(key)) % GEOIP_CACHE_SLOTS];
	if (!s->used || s->family != family || memcmp(s->addr, addr, 16)) {
		s->used = 1;
		s->family = (uint8_t)family;
		memcpy(s->addr, addr, 16);
		s->found = lookup_all(g, family, addr, &s->ans) == 0;
	}
	if (!s->found)
		return -1;
	*out = s->ans;
	return 0;
}

static int open_db(struct geoip *g, enum db_kind k, const char *path, char *err, size_t errlen)
{
	/* A FIFO would hang MMDB_open, a device stream into it. */
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s %s: not a regular file", DB_OPTIONS[k], path);
		return -1;
	}
	errno = 0;
	int rc = MMDB_open(path, MMDB_MODE_MMAP, &g->db[k]);
	if (rc != MMDB_SUCCESS) {
		snprintf(err, errlen, "%s %s: %s", DB_OPTIONS[k], path,
			 rc == MMDB_FILE_OPEN_ERROR && errno ? strerror(errno) : MMDB_strerror(rc));
		return -1;
	}
	g->open[k] = 1;
	const char *base = strrchr(path, '/');
	size_t l = strlen(g->files);
	snprintf(g->files + l, sizeof(g->files) - l, "%s%s", l ? ", " : "", base ? base + 1 : path);
	return 0;
}

/* The first usual folder holding one of kind k's files, into out. */
static int find_db(enum db_kind k, char *out, size_t n)
{
	char dirs[6][512];
	int nd = 0;
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	if (xdg && *xdg) {
		snprintf(dirs[nd++], sizeof(dirs[0]), "%s/netlens/geoip", xdg);
		snprintf(dirs[nd++], sizeof(dirs[0]), "%s/rustnet/geoip", xdg);	/* RustNet's */
		snprintf(dirs[nd++], sizeof(dirs[0]), "%s/GeoIP", xdg);
	}
	if (home && *home) {
		snprintf(dirs[nd++], sizeof(dirs[0]), "%s/.local/share/netlens/geoip", home);
		snprintf(dirs[nd++], sizeof(dirs[0]), "%s/.local/share/rustnet/geoip", home);
		snprintf(dirs[nd++], sizeof(dirs[0]), "%s/.local/share/GeoIP", home);
	}
	for (int i = 0; i < nd + (int)(sizeof(SYSTEM_DIRS) / sizeof(SYSTEM_DIRS[0])); i++) {
		const char *d = i < nd ? dirs[i] : SYSTEM_DIRS[i - nd];
		for (int f = 0; f < 2; f++) {
			if (snprintf(out, n, "%s/%s", d, DB_FILES[k][f]) < (int)n && access(out, R_OK) == 0)
				return 0;
		}
	}
	return -1;
}

struct geoip *geoip_open(const char *country, const char *asn, const char *city,
			 char *err, size_t errlen)
{
	const char *named[DB_KINDS] = { country, asn, city };
	struct geoip *g = calloc(1, sizeof(*g));
	err[0] = '\0';
	if (!g) {
		snprintf(err, errlen, "GeoIP: out of memory");
		return NULL;
	}
	int any = 0;
	for (int k = 0; k < DB_KINDS; k++) {
		char found[1100];
		const char *path = named[k];
		if (!path && find_db((enum db_kind)k, found, sizeof(found)) == 0)
			path = found;
		if (!path)
			continue;
		if (open_db(g, (enum db_kind)k, path, err, errlen) < 0) {
			geoip_free(g);
			return NULL;
		}
		any = 1;
	}
	if (!any) {
		free(g);
		return NULL;	/* nothing to look in: no error */
	}
	g->cache = calloc(GEOIP_CACHE_SLOTS, sizeof(*g->cache));
	if (!g->cache) {
		snprintf(err, errlen, "GeoIP: out of memory");
		geoip_free(g);
		return NULL;
	}
	g->seed[0] = 0x9e3779b97f4a7c15ULL ^ (uint64_t)(uintptr_t)g;
	g->seed[1] = 0xc2b2ae3d27d4eb4fULL;
	return g;
}

void geoip_free(struct geoip *g)
{
	if (!g)
		return;
	for (int k = 0; k < DB_KINDS; k++)
		if (g->open[k])
			MMDB_close(&g->db[k]);
	free(g->cache);
	free(g);
}

const char *geoip_files(const struct geoip *g)
{
	return g ? g->files : "";
}

#else /* !HAVE_GEOIP */

struct geoip {
	int unused;
};

struct geoip *geoip_open(const char *country, const char *asn, const char *city,
			 char *err, size_t errlen)
{
	err[0] = '\0';
	if (country || asn || city)
		snprintf(err, errlen, "%s: this netlens was built without GeoIP (libmaxminddb)",
			 country ? DB_OPTIONS[DB_COUNTRY] : asn ? DB_OPTIONS[DB_ASN] : DB_OPTIONS[DB_CITY]);
	(void)DB_FILES;
	(void)SYSTEM_DIRS;
	return NULL;
}

void geoip_free(struct geoip *g) { (void)g; }

int geoip_lookup(struct geoip *g, int family, const uint8_t *addr, struct geoip_answer *out)
{
	(void)g; (void)family; (void)addr; (void)out;
	return -1;
}

const char *geoip_files(const struct geoip *g) { (void)g; return ""; }

#endif

const uint8_t *geoip_remote_addr(const struct flow *f)
{
	if (f->key.family != 4 && f->key.family != 6)
		return NULL;
	int la = (f->flags & FLOW_LOCAL_A) != 0, lb = (f->flags & FLOW_LOCAL_B) != 0;
	const uint8_t *src = flow_src_addr(f), *dst = flow_dst_addr(f);
	int src_local = (f->flags & FLOW_SRC_IS_B) ? lb : la;
	int dst_local = (f->flags & FLOW_SRC_IS_B) ? la : lb;
	if (dst_local && !src_local)
		return src;
	return dst;
}
