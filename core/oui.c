/* oui.c - MAC vendors from the system's list (see the header). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "oui.h"

struct oui_entry {
	uint64_t prefix;	/* the address's 48 bits, those past the prefix zero */
	uint32_t name;		/* offset in names */
	uint8_t bits;		/* 24 (MA-L), 28 (MA-M), 36 (MA-S), ... */
};

struct oui {
	struct oui_entry *e;
	uint32_t n;
	uint8_t lengths[8];	/* the prefix lengths met, longest first */
	uint8_t n_lengths;
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

static uint64_t mask_of(unsigned bits)
{
	return bits >= 48 ? 0xffffffffffffull : (0xffffffffffffull << (48 - bits)) & 0xffffffffffffull;
}

/* "00:00:0C", "00-00-0C" or "00:1B:C5:00:10:00/36" at s: the prefix (as
 * the address's 48 bits) and its length, s past it; 0 when not one. Three
 * bytes alone are 24 bits; more bytes need their length after a '/'. */
static int parse_prefix(const char **s, uint64_t *prefix, unsigned *bits)
{
	const char *p = *s;
	uint64_t v = 0;
	int n = 0;
	for (;;) {
		int h = hexval(p[0]), l = h >= 0 ? hexval(p[1]) : -1;
		if (h < 0 || l < 0)
			return 0;
		v = v << 8 | (uint64_t)(h << 4 | l);
		p += 2;
		n++;
		if (n == 6 || (*p != ':' && *p != '-') || hexval(p[1]) < 0)
			break;
		p++;
	}
	if (n != 3 && n != 6)
		return 0;
	unsigned b = 24;
	if (*p == '/') {
		char *end;
		unsigned long x = strtoul(p + 1, &end, 10);
		if (end == p + 1 || x < 24 || x > 48)
			return 0;
		b = (unsigned)x;
		p = end;
	} else if (n != 3) {
		return 0;
	}
	v <<= 8 * (6 - n);
	*prefix = v & mask_of(b);
	*bits = b;
	*s = p;
	return 1;
}

/* One line: its prefix and vendor name (start, length), or 0 to skip.
 *   manuf:   00:00:0C<TAB>Cisco<TAB>Cisco Systems, Inc   (the long name wins)
 *            00:1B:C5:00:10:00/36<TAB>OpenRBco<TAB>OpenRB.com, Direct SIA
 *   oui.txt: 00-00-0C   (hex)<TABS>Cisco Systems, Inc
 * Comments and anything else are skipped. */
static int parse_line(const char *line, uint64_t *prefix, unsigned *bits, const char **name,
		      size_t *len)
{
	const char *p = line;
	if (!parse_prefix(&p, prefix, bits) || (*p != ' ' && *p != '\t'))
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
	*name = p;
	*len = n > OUI_NAME_MAX ? OUI_NAME_MAX : n;
	return 1;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct oui_entry *x = a, *y = b;
	if (x->bits != y->bits)
		return x->bits < y->bits ? -1 : 1;
	return x->prefix < y->prefix ? -1 : x->prefix > y->prefix;
}

static void note_length(struct oui *o, unsigned bits)
{
	unsigned i = 0;
	while (i < o->n_lengths && o->lengths[i] > bits)
		i++;
	if ((i < o->n_lengths && o->lengths[i] == bits) || o->n_lengths == sizeof(o->lengths))
		return;
	memmove(o->lengths + i + 1, o->lengths + i, o->n_lengths - i);
	o->lengths[i] = (uint8_t)bits;
	o->n_lengths++;
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
		uint64_t prefix;
		unsigned bits;
		const char *name;
		size_t len;
		if (!parse_line(line, &prefix, &bits, &name, &len))
			continue;
		note_length(o, bits);
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
		o->e[o->n].bits = (uint8_t)bits;
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
	uint64_t a = 0;
	for (int i = 0; i < 6; i++)
		a = a << 8 | mac[i];
	/* The longest prefix that names it: a block the IEEE sold in parts
	 * (its 24-bit entry reads "IEEE Registration Authority") names the
	 * part's owner. */
	for (unsigned i = 0; i < o->n_lengths; i++) {
		struct oui_entry key = { a & mask_of(o->lengths[i]), 0, o->lengths[i] };
		const struct oui_entry *e = bsearch(&key, o->e, o->n, sizeof(key), cmp_entry);
		if (e)
			return o->names + e->name;
	}
	return NULL;
}

uint32_t oui_count(const struct oui *o) { return o ? o->n : 0; }
const char *oui_path(const struct oui *o) { return o ? o->path : ""; }
