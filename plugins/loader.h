/*
 * loader.h - finds, loads and checks dissector plugins (host side).
 *
 * Checks, in this order, each failure one line naming the file, what was
 * expected, what was found and what to do: unsafe ownership or permissions
 * while privileged; dlopen() failure; no entry symbol; ABI major; descriptor
 * size, unknown flags and non-zero unknown tail; required members and
 * bounds (name, dissect, transports, state size, ports, fields); duplicate
 * name; init() failure. A rejected plugin never stops the others.
 */
#ifndef NETLENS_LOADER_H
#define NETLENS_LOADER_H

#include <stddef.h>
#include <stdint.h>

#include <netlens/dissector.h>

#define DISSECTORS_MAX 32

/* One loaded dissector, normalised to this host's view of the descriptor. */
struct dissector {
	struct nl_dissector d;		/* copy: members the plugin's size did not
					 * cover are zero */
	char path[512];
	void *handle;			/* dlopen() handle, owned; NULL when built in */
	char json_keys[NL_MAX_FIELDS][NL_MAX_KEY];	/* "tls_sni" */
	int disabled;			/* --disable-dissector */
};

struct dissector_set {
	struct dissector v[DISSECTORS_MAX];
	unsigned n;
	unsigned rejected;		/* plugins refused (each reported once) */
};

/* Where plugins are looked for by default: the build tree's dissectors when
 * this netlens runs from its build tree, else the installed directory. */
const char *loader_default_dir(char *buf, size_t len);

/* Loads every *.so in dir (sorted by name). Reports rejections on stderr.
 * Returns how many were loaded, or -1 when dir cannot be read (reported). */
int loader_load_dir(struct dissector_set *set, const char *dir, const struct nl_host_api *api);

/* Loads one file. Returns 0, or -1 with the one-line reason in err. */
int loader_load_file(struct dissector_set *set, const char *path, const struct nl_host_api *api,
		     char *err, size_t errlen);

/* The path a built-in dissector is listed with. */
#define LOADER_BUILTIN_PATH "(built in)"

/* Registers a dissector linked into the program (--enable-builtin-dissectors),
 * checked as a file's would be. Returns 0, or -1 with the reason in err. */
int loader_load_builtin(struct dissector_set *set, nl_dissector_entry_fn entry,
			const struct nl_host_api *api, char *err, size_t errlen);

/* Registers every built-in dissector whose name no file loaded already (a
 * file of that name replaces it: one notice on stderr). Returns how many. */
int loader_load_builtins(struct dissector_set *set, const struct nl_host_api *api);

/* Marks a dissector disabled by name; -1 when none has that name. */
int loader_disable(struct dissector_set *set, const char *name);

/* Calls fini() and dlclose()s everything. */
void loader_unload(struct dissector_set *set);

#endif
