/* services.c - service-name lookups (see the header). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "packet.h"
#include "readfile.h"
#include "services.h"

#define OVERRIDE_MAX 200000	/* lines kept from a --services file */

static struct service_entry *override;	/* owned, sorted */
static size_t override_count;
static char *override_names;		/* owned: the names, NUL-separated */

static int cmp_entry(const void *a, const void *b)
{
	const struct service_entry *x = a, *y = b;
	if (x->port != y->port)
		return x->port < y->port ? -1 : 1;
	return (int)x->proto - (int)y->proto;
}

/* Ties broken by position in the file (names are stored in line order). */
static int cmp_entry_by_line(const void *a, const void *b)
{
	int c = cmp_entry(a, b);
	if (c)
		return c;
	const struct service_entry *x = a, *y = b;
	return x->name < y->name ? -1 : x->name > y->name;
}

static const char *search(const struct service_entry *tab, size_t n, uint16_t port, uint8_t proto)
{
	struct service_entry key = { port, proto, NULL };
	const struct service_entry *e = bsearch(&key, tab, n, sizeof(*tab), cmp_entry);
	return e ? e->name : NULL;
}

const char *services_lookup(uint16_t port, uint8_t proto)
{
	if (proto != L4_TCP && proto != L4_UDP)
		return NULL;
	if (override_count) {
		const char *n = search(override, override_count, port, proto);
		if (n)
			return n;
	}
	return search(services_builtin, services_builtin_count, port, proto);
}

void services_unload(void)
{
	free(override);
	free(override_names);
	override = NULL;
	override_names = NULL;
	override_count = 0;
}

int services_load_file(const char *path, char *err, size_t errlen)
{
	struct stat st;
	char why[128];
	int fd = readfile_open_regular(path, &st, why, sizeof(why));
	FILE *fp = fd >= 0 ? fdopen(fd, "r") : NULL;
	if (!fp) {
		snprintf(err, errlen, "cannot open services file %s: %s", path, fd < 0 ? why : strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	size_t cap = 1024, n = 0, names_len = 0, names_cap = 16384;
	struct service_entry *tab = malloc(cap * sizeof(*tab));
	size_t *name_off = malloc(cap * sizeof(size_t));
	char *names = malloc(names_cap);
	char line[512];
	unsigned lineno = 0;
	int rc = 0;

	if (!tab || !names || !name_off) {
		snprintf(err, errlen, "out of memory reading %s", path);
		rc = -1;
		goto out;
	}
	while (fgets(line, sizeof(line), fp)) {
		lineno++;
		/* A line longer than the buffer: the entry fields are at its
		 * start, so drop the tail rather than read it as a new line. */
		if (!strchr(line, '\n')) {
			int ch;
			while ((ch = getc(fp)) != EOF && ch != '\n')
				;
		}
		char *hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		char name[64], pp[32];
		unsigned port;
		char proto[8];
		if (sscanf(line, "%63s %31s", name, pp) != 2)
			continue;
		if (sscanf(pp, "%u/%7s", &port, proto) != 2 || port > 65535) {
			snprintf(err, errlen, "%s:%u: expected 'name port/protocol', found '%s'", path, lineno, pp);
			rc = -1;
			goto out;
		}
		if (strcmp(proto, "tcp") && strcmp(proto, "udp"))
			continue;	/* sctp, dccp, ddp: no flows of theirs are named */
		if (n == OVERRIDE_MAX) {
			snprintf(err, errlen, "%s: more than %d entries", path, OVERRIDE_MAX);
			rc = -1;
			goto out;
		}
		size_t nl = strlen(name) + 1;
		if (n == cap) {
			cap *= 2;
			void *t2 = realloc(tab, cap * sizeof(*tab));
			void *o2 = realloc(name_off, cap * sizeof(size_t));
			if (t2)
				tab = t2;
			if (o2)
				name_off = o2;
			if (!t2 || !o2) {
				snprintf(err, errlen, "out of memory reading %s", path);
				rc = -1;
				goto out;
			}
		}
		while (names_len + nl > names_cap) {
			names_cap *= 2;
			char *n2 = realloc(names, names_cap);
			if (!n2) {
				snprintf(err, errlen, "out of memory reading %s", path);
				rc = -1;
				goto out;
			}
			names = n2;
		}
		memcpy(names + names_len, name, nl);
		name_off[n] = names_len;
		names_len += nl;
		tab[n].port = (uint16_t)port;
		tab[n].proto = strcmp(proto, "tcp") == 0 ? L4_TCP : L4_UDP;
		n++;
	}
	for (size_t i = 0; i < n; i++)
		tab[i].name = names + name_off[i];
	/* Stable order: the first line for a port wins, as in /etc/services. */
	qsort(tab, n, sizeof(*tab), cmp_entry_by_line);
	size_t w = 0;
	for (size_t i = 0; i < n; i++)
		if (w == 0 || cmp_entry(&tab[w - 1], &tab[i]) != 0)
			tab[w++] = tab[i];
	services_unload();
	override = tab;
	override_names = names;
	override_count = w;
	tab = NULL;
	names = NULL;
out:
	free(tab);
	free(names);
	free(name_off);
	fclose(fp);
	return rc;
}
