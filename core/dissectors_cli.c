/* dissectors_cli.c - which dissectors load, and the commands that show it. */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "dissectors_cli.h"
#include "log.h"

static const char *type_name(uint16_t t)
{
	return t == NL_FIELD_STR ? "text" : t == NL_FIELD_U64 ? "number" : "list";
}

int dissectors_load(struct dpi *d, const struct options *o)
{
#ifndef HAVE_DLOPEN
	if (o->n_plugin_dirs) {
		fprintf(stderr, "netlens: --plugin-dir %s: this netlens cannot load plugins (built "
			"without dlopen()); its dissectors are built in: netlens --list-dissectors\n",
			o->plugin_dirs[0]);
		return 2;
	}
#endif
	for (unsigned i = 0; i < o->n_plugin_dirs; i++)
		if (loader_load_dir(&d->set, o->plugin_dirs[i], &d->api) < 0)
			return 2;
#ifdef NETLENS_BUILTIN_DISSECTORS
	/* After --plugin-dir, so a file there replaces the built-in of its name. */
	loader_load_builtins(&d->set, &d->api);
#endif
#ifdef HAVE_DLOPEN
	char def[PATH_MAX];
	struct stat st;
	loader_default_dir(def, sizeof(def));
	if (stat(def, &st) == 0 && S_ISDIR(st.st_mode))
		loader_load_dir(&d->set, def, &d->api);
	else
		log_msg(LOG_INFO, "no dissector folder at %s", def);
#endif
	for (unsigned i = 0; i < o->n_disabled; i++)
		if (loader_disable(&d->set, o->disabled[i]) < 0) {
			char names[512] = "";
			size_t off = 0;
			for (unsigned k = 0; k < d->set.n && off < sizeof(names); k++)
				off += (size_t)snprintf(names + off, sizeof(names) - off, "%s%s",
							k ? ", " : "", d->set.v[k].d.name);
			fprintf(stderr, "netlens: --disable-dissector %s: no dissector of that name is "
				"loaded (loaded: %s)\n", o->disabled[i], *names ? names : "none");
			return 2;
		}
	for (unsigned i = 0; i < d->set.n; i++)
		log_msg(LOG_INFO, "dissector %s %s from %s%s", d->set.v[i].d.name, d->set.v[i].d.version,
			d->set.v[i].path, d->set.v[i].disabled ? " (disabled)" : "");
	dpi_ready(d);
	return 0;
}

/* name_width: the name column's width, the longest loaded name's, so that
 * the versions line up down the list. */
static void describe(const struct dissector *x, int name_width)
{
	const struct nl_dissector *d = &x->d;
	const char *transports = (d->transports & NL_TCP) && (d->transports & NL_UDP) ? "tcp+udp"
				 : (d->transports & NL_TCP) ? "tcp" : (d->transports & NL_UDP) ? "udp" : "-";
	char idle[24] = "-";	/* 0: the transport's own timeouts */
	if (d->idle_timeout_s)
		snprintf(idle, sizeof(idle), "%u s", d->idle_timeout_s);
	printf("%-*s %-8s ABI %u.%u  %-7s  state %u B/flow  budget %u  idle %s  ports", name_width, d->name,
	       d->version, d->abi_major, d->abi_minor, transports, d->state_size, d->packet_budget, idle);
	if (!d->n_port_hints)
		printf(" -");
	for (uint16_t i = 0; i < d->n_port_hints; i++)
		printf("%c%u", i ? ',' : ' ', d->port_hints[i]);
	printf("%s\n  %s\n  %s\n", x->disabled ? "  (disabled)" : "", x->path,
	       *d->description ? d->description : "(no description)");
	/* One key column per dissector, as wide as its longest key (24 at
	 * least), so that a long key does not push its type out of line. */
	int key_width = 24;
	for (uint16_t i = 0; i < d->n_fields; i++)
		if ((int)strlen(x->json_keys[i]) > key_width)
			key_width = (int)strlen(x->json_keys[i]);
	for (uint16_t i = 0; i < d->n_fields; i++)
		printf("    %-*s %-7s %s%s\n", key_width, x->json_keys[i], type_name(d->fields[i].type),
		       d->fields[i].label ? d->fields[i].label : "",
		       (int)i == d->domain_field ? "  (dpi_domain)" : "");
}

int dissectors_command(const struct options *o)
{
	struct dpi d;
	char err[1024];

	if (o->check_plugin) {
		dpi_init(&d);
		if (loader_load_file(&d.set, o->check_plugin, &d.api, err, sizeof(err)) < 0) {
			fprintf(stderr, "netlens: %s\n", err);
			dpi_free(&d);
			return 1;
		}
		printf("%s: ok\n", o->check_plugin);
		describe(&d.set.v[0], 8);
		dpi_free(&d);
		return 0;
	}
	if (o->list_dissectors) {
		dpi_init(&d);
		int rc = dissectors_load(&d, o);
		if (rc) {
			dpi_free(&d);
			return rc;
		}
		printf("%u dissector%s loaded%s\n", d.set.n, d.set.n == 1 ? "" : "s",
		       d.set.rejected ? " (some refused: see above)" : "");
		int name_width = 8;
		for (unsigned i = 0; i < d.set.n; i++)
			if ((int)strlen(d.set.v[i].d.name) > name_width)
				name_width = (int)strlen(d.set.v[i].d.name);
		for (unsigned i = 0; i < d.set.n; i++)
			describe(&d.set.v[i], name_width);
		dpi_free(&d);
		return 0;
	}
	return -1;
}
