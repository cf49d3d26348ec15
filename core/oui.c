/* oui.c - MAC vendors from the system's list (see the header). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oui.h"

struct oui_entry {
	uint32_t prefix;	/* the first three bytes */
	uint32_t name;		/* offset in names */
};

struct oui {
	struct oui_entry *e;
	uint32_t n;
	char *names;
	size_t names_len;
	char path[256];
};

struct oui *oui_current;

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* "00:00:0C" or "00-00-0C" at s: the prefix, and s past it; -1 when not. */
static long parse_prefix(const char **s)
{
	const char *p = *s;
	uint32_t v = 0;
	for (int i = 0; i < 3; i++) {
		int h = hexval(p[0]), l = h >= 0 ? hexval(p[1]) : -1;
		if (h < 0 || l < 0)
			return -1;
		v = v << 8 | (uint32_t)(h << 4 | l);
		p += 2;
		if (i < 2) {
			if (*p != ':' && *p != '-')
				return -1;
			p++;
		}
	}
	*s = p;
	return (long)v;
}

/* One line: its prefix and vendor name (start, length), or 0 to skip.
 *   manuf:   00:00:0C<TAB>Cisco<TAB>Cisco Systems, Inc   (the long name wins)
 *   oui.txt: 00-00-0C   (hex)<TABS>Cisco Systems, Inc
 * Longer prefixes (00:1B:C5:00:00:00/36) and comments are skipped. */
static int parse_line(const char *line, uint32_t *prefix, const char **name, size_t *len)
{
	const char *p = line;
	long v = parse_prefix(&p);
	if (v < 0 || *p == ':' || *p == '/' || *p == '-')
		return 0;
	while (*p == ' ' || *p == '\t')
		p++;
	if (!strncmp(p, "(hex)", 5)) {
		p += 5;
		while (*p == ' ' || *p == '\t')
			p++;
	} else {
		const char *tab = strchr(p, '\t');	/* manuf: short name, then the long one */
		if (tab && tab[1] && tab[1] != '\n' && tab[1] != '\r')
			p = tab + 1;
	}
	size_t n = strcspn(p, "\t\r\n");
	while (n && p[n - 1] == ' ')
		n--;
	if (!n)
		return 0;
	*prefix = (uint32_t)v;
	*name = p;
	*len = n > OUI_NAME_MAX ? OUI_NAME_MAX : n;
	return 1;
}

static int cmp_entry(const void *a, const void *b)
{
	uint32_t x = ((const struct oui_entry *)a)->prefix, y = ((const struct oui_entry *)b)->prefix;
	return x < y ? -1 : x > y;
}

void oui_free(struct oui *o)
{
	if (!o)
		return;
	free(o->e);
	free(o->names);
	free(o);
}

struct oui *oui_load(const char *path)
{
	FILE *fp = fopen(path, "re");
	if (!fp)
		return NULL;
	struct oui *o = calloc(1, sizeof(*o));
	char line[512];
	uint32_t cap = 0;
	size_t names_cap = 0;
	if (!o)
		goto fail;
	snprintf(o->path, sizeof(o->path), "%s", path);
	while (fgets(line, sizeof(line), fp) && o->n < OUI_MAX_ENTRIES) {
		uint32_t prefix;
		const char *name;
		size_t len;
		if (!parse_line(line, &prefix, &name, &len))
			continue;
		if (o->n == cap) {
			cap = cap ? cap * 2 : 4096;
			struct oui_entry *ne = realloc(o->e, cap * sizeof(*ne));
			if (!ne)
				goto fail;
			o->e = ne;
		}
		if (o->names_len + len + 1 > names_cap) {
			names_cap = names_cap ? names_cap * 2 : 65536;
			char *nn = realloc(o->names, names_cap);
			if (!nn)
				goto fail;
			o->names = nn;
		}
		o->e[o->n].prefix = prefix;
		o->e[o->n].name = (uint32_t)o->names_len;
		memcpy(o->names + o->names_len, name, len);
		o->names[o->names_len + len] = '\0';
		o->names_len += len + 1;
		o->n++;
	}
	fclose(fp);
	if (!o->n) {
		oui_free(o);
		return NULL;
	}
	qsort(o->e, o->n, sizeof(*o->e), cmp_entry);
	return o;
fail:
	fclose(fp);
	oui_free(o);
	return NULL;
}

struct oui *oui_load_system(void)
{
	static const char *const paths[] = {
		"/usr/share/wireshark/manuf", "/usr/share/ieee-data/oui.txt",
		"/usr/local/share/wireshark/manuf", "/etc/manuf",
	};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		struct oui *o = oui_load(paths[i]);
		if (o)
			return o;
	}
	return NULL;
}

const char *oui_vendor(const struct oui *o, const uint8_t mac[6])
{
	if (mac[0] & 2)
		return "locally administered";
	if (!o)
		return NULL;
	struct oui_entry key = { (uint32_t)mac[0] << 16 | (uint32_t)mac[1] << 8 | mac[2], 0 };
	const struct oui_entry *e = bsearch(&key, o->e, o->n, sizeof(key), cmp_entry);
	return e ? o->names + e->name : NULL;
}

uint32_t oui_count(const struct oui *o) { return o ? o->n : 0; }
const char *oui_path(const struct oui *o) { return o ? o->path : ""; }
