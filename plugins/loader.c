/* loader.c - dissector plugins: find, dlopen, check, register (see loader.h). */
#include "config.h"

#include <dirent.h>
#ifdef HAVE_DLOPEN
#include <dlfcn.h>
#endif
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "plugins/loader.h"

#define DESCRIPTOR_MIN_SIZE offsetof(struct nl_dissector, release)	/* through dissect() */
#define DESCRIPTOR_MAX_SIZE 4096	/* a size claim beyond this is nonsense */

#ifndef DISSECTORDIR
#define DISSECTORDIR "/usr/local/lib/netlens/dissectors"
#endif

const char *loader_default_dir(char *buf, size_t len)
{
	/* Run from the build tree: use the dissectors built beside netlens. */
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		char *slash = strrchr(exe, '/');
		if (slash) {
			*slash = '\0';
			struct stat st;
			snprintf(buf, len, "%s/dissectors/.libs", exe);
			if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode))
				return buf;
		}
	}
	snprintf(buf, len, "%s", DISSECTORDIR);
	return buf;
}

#ifdef HAVE_DLOPEN
/* Root, or any effective capability (a netlens given cap_net_raw with
 * setcap): loading a plugin then runs its code with that privilege. */
static int privileged(void)
{
	if (geteuid() == 0)
		return 1;
	FILE *fp = fopen("/proc/self/status", "r");
	char line[256];
	int priv = 0;
	if (!fp)
		return 0;
	while (fgets(line, sizeof(line), fp))
		if (!strncmp(line, "CapEff:", 7)) {
			unsigned long long caps = strtoull(line + 7, NULL, 16);
			priv = caps != 0;
			break;
		}
	fclose(fp);
	return priv;
}

/* While privileged, a plugin (and its folder) must belong to root and be
 * writable by nobody else. */
static int check_ownership(const char *path, char *err, size_t errlen)
{
	if (!privileged())
		return 0;
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash)
		*(slash == dir ? slash + 1 : slash) = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	const char *what[2] = { path, dir };
	for (int i = 0; i < 2; i++) {
		struct stat st;
		if (stat(what[i], &st) < 0) {
			snprintf(err, errlen, "%s: cannot check %s: %s", path, what[i], strerror(errno));
			return -1;
		}
		if (st.st_uid != 0) {
			snprintf(err, errlen, "%s: refused while running privileged: %s is owned by uid %u, "
				 "expected root; chown root %s or run netlens unprivileged",
				 path, i ? "its folder" : "it", (unsigned)st.st_uid, what[i]);
			return -1;
		}
		if (st.st_mode & (S_IWGRP | S_IWOTH)) {
			snprintf(err, errlen, "%s: refused while running privileged: %s is writable by "
				 "group or others (mode %04o), expected not; chmod go-w %s",
				 path, i ? "its folder" : "it", (unsigned)(st.st_mode & 07777), what[i]);
			return -1;
		}
	}
	return 0;
}
#endif

static int valid_name(const char *s)
{
	size_t n = 0;
	if (!s || !(*s >= 'a' && *s <= 'z'))
		return 0;
	for (; s[n]; n++)
		if (!((s[n] >= 'a' && s[n] <= 'z') || (s[n] >= '0' && s[n] <= '9') || s[n] == '_'))
			return 0;
	return n <= NL_MAX_NAME;
}

/* A field key: "<name>." then [a-z0-9_.]+, shorter than NL_MAX_KEY. */
static int valid_key(const char *key, const char *name)
{
	size_t nl = strlen(name), kl;
	if (!key || (kl = strlen(key)) >= NL_MAX_KEY || kl <= nl + 1)
		return 0;
	if (strncmp(key, name, nl) || key[nl] != '.')
		return 0;
	for (size_t i = nl + 1; i < kl; i++)
		if (!((key[i] >= 'a' && key[i] <= 'z') || (key[i] >= '0' && key[i] <= '9') ||
		      key[i] == '_' || key[i] == '.'))
			return 0;
	return key[kl - 1] != '.';
}

/* Checks the descriptor; fills d with the normalised copy. */
static int check_descriptor(const struct nl_dissector *src, const char *path,
			    struct dissector *out, char *err, size_t errlen)
{
	uint32_t sz = src->struct_size;
	if (sz < offsetof(struct nl_dissector, flags)) {
		snprintf(err, errlen, "%s: descriptor is %u bytes, expected at least %zu (ABI %d.%d); "
			 "rebuild it against this netlens' <netlens/dissector.h>", path, sz,
			 DESCRIPTOR_MIN_SIZE, NL_ABI_MAJOR, NL_ABI_MINOR);
		return -1;
	}
	if (src->abi_major != NL_ABI_MAJOR) {
		snprintf(err, errlen, "%s: built for dissector ABI %u.%u, this netlens speaks ABI %d.x; "
			 "rebuild it against this netlens' <netlens/dissector.h>", path,
			 src->abi_major, src->abi_minor, NL_ABI_MAJOR);
		return -1;
	}
	if (sz < DESCRIPTOR_MIN_SIZE || sz > DESCRIPTOR_MAX_SIZE) {
		snprintf(err, errlen, "%s: descriptor is %u bytes, expected %zu to %d (ABI %d.%d); "
			 "rebuild it against this netlens' <netlens/dissector.h>", path, sz,
			 DESCRIPTOR_MIN_SIZE, DESCRIPTOR_MAX_SIZE, NL_ABI_MAJOR, NL_ABI_MINOR);
		return -1;
	}
	/* A newer plugin's extra members must all be zero: this host would ignore them. */
	if (sz > sizeof(struct nl_dissector)) {
		const unsigned char *tail = (const unsigned char *)src;
		for (size_t i = sizeof(struct nl_dissector); i < sz; i++)
			if (tail[i]) {
				snprintf(err, errlen, "%s: descriptor sets members this netlens does not "
					 "know (byte %zu of %u is not zero; ABI %u.%u, this is %d.%d); it "
					 "needs a newer netlens", path, i, sz, src->abi_major,
					 src->abi_minor, NL_ABI_MAJOR, NL_ABI_MINOR);
				return -1;
			}
	}
	memset(&out->d, 0, sizeof(out->d));
	memcpy(&out->d, src, sz < sizeof(out->d) ? sz : sizeof(out->d));
	struct nl_dissector *d = &out->d;

	if (d->flags & ~NL_DESC_KNOWN_FLAGS) {
		snprintf(err, errlen, "%s: descriptor flags 0x%x include 0x%x, unknown to this netlens "
			 "(it knows 0x%x); it needs a newer netlens", path, d->flags,
			 d->flags & ~NL_DESC_KNOWN_FLAGS, NL_DESC_KNOWN_FLAGS);
		return -1;
	}
	if (d->idle_timeout_s > 86400) {
		snprintf(err, errlen, "%s: descriptor idle_timeout_s is %u, expected at most 86400 "
			 "(a day)", path, d->idle_timeout_s);
		return -1;
	}
	if (!valid_name(d->name)) {
		snprintf(err, errlen, "%s: dissector name '%.40s' is not 1-%d characters of [a-z0-9_] "
			 "starting with a letter; fix .name", path, d->name ? d->name : "(null)",
			 NL_MAX_NAME);
		return -1;
	}
	if (!d->dissect) {
		snprintf(err, errlen, "%s: dissector '%s' has no dissect() function; set .dissect",
			 path, d->name);
		return -1;
	}
	if (!d->transports || (d->transports & ~(NL_TCP | NL_UDP))) {
		snprintf(err, errlen, "%s: dissector '%s' transports 0x%x, expected NL_TCP and/or "
			 "NL_UDP", path, d->name, d->transports);
		return -1;
	}
	if (d->state_size > NL_MAX_STATE) {
		snprintf(err, errlen, "%s: dissector '%s' asks %u bytes of per-flow state, at most %d "
			 "allowed", path, d->name, d->state_size, NL_MAX_STATE);
		return -1;
	}
	if (d->n_port_hints > NL_MAX_PORT_HINTS || (d->n_port_hints && !d->port_hints)) {
		snprintf(err, errlen, "%s: dissector '%s' port hints: %u given%s, at most %d allowed",
			 path, d->name, d->n_port_hints, d->port_hints ? "" : " with no array",
			 NL_MAX_PORT_HINTS);
		return -1;
	}
	if (d->n_fields > NL_MAX_FIELDS || (d->n_fields && !d->fields)) {
		snprintf(err, errlen, "%s: dissector '%s' declares %u fields%s, at most %d allowed",
			 path, d->name, d->n_fields, d->fields ? "" : " with no table", NL_MAX_FIELDS);
		return -1;
	}
	for (uint16_t i = 0; i < d->n_fields; i++) {
		const struct nl_field *f = &d->fields[i];
		if (f->id != i || f->type < NL_FIELD_STR || f->type > NL_FIELD_STR_LIST || f->reserved ||
		    !valid_key(f->key, d->name)) {
			snprintf(err, errlen, "%s: dissector '%s' field %u is invalid (id %u, type %u, key "
				 "'%.60s'): expected id %u, a known type and a key '%s.<part>' of "
				 "[a-z0-9_.]; fix the field table", path, d->name, i, f->id, f->type,
				 f->key ? f->key : "(null)", i, d->name);
			return -1;
		}
		for (uint16_t j = 0; j < i; j++)
			if (!strcmp(d->fields[j].key, f->key)) {
				/* (name and key were checked short: the bounds only
				 * tell a 32-bit compiler the line cannot pass INT_MAX) */
				snprintf(err, errlen, "%s: dissector '%.16s' declares field key '%.48s' "
					 "twice (fields %u and %u); fix the field table", path, d->name,
					 f->key, j, i);
				return -1;
			}
		size_t k;
		for (k = 0; f->key[k]; k++)
			out->json_keys[i][k] = f->key[k] == '.' ? '_' : f->key[k];
		out->json_keys[i][k] = '\0';
	}
	if (d->domain_field >= (int)d->n_fields || d->domain_field < -1 ||
	    (d->domain_field >= 0 && d->fields[d->domain_field].type == NL_FIELD_U64)) {
		snprintf(err, errlen, "%s: dissector '%s' domain_field %d is not -1 or the id of a text "
			 "field", path, d->name, d->domain_field);
		return -1;
	}
	if (!d->version)
		d->version = "";
	if (!d->license)
		d->license = "";
	if (!d->description)
		d->description = "";
	if (!d->display)
		d->display = d->name;
	if (!d->packet_budget)
		d->packet_budget = NL_DEFAULT_BUDGET;
	return 0;
}

/* Checks a descriptor and registers it (a plugin file's, or a built-in
 * one's with handle NULL). On failure nothing is registered and the caller
 * still owns handle. */
static int register_descriptor(struct dissector_set *set, const struct nl_dissector *src,
			       const char *path, void *handle, const struct nl_host_api *api,
			       char *err, size_t errlen)
{
	struct dissector *slot = &set->v[set->n];
	memset(slot, 0, sizeof(*slot));
	if (check_descriptor(src, path, slot, err, errlen) < 0)
		return -1;
	for (unsigned i = 0; i < set->n; i++)
		if (!strcmp(set->v[i].d.name, slot->d.name)) {
			snprintf(err, errlen, "%s: a dissector named '%s' is already loaded from %s; "
				 "remove one of them or pass --disable-dissector %s", path,
				 slot->d.name, set->v[i].path, slot->d.name);
			return -1;
		}
	if (slot->d.init) {
		int rc = slot->d.init(api);
		if (rc != 0) {
			snprintf(err, errlen, "%s: dissector '%s' init() failed (returned %d); it is not "
				 "loaded", path, slot->d.name, rc);
			return -1;
		}
	}
	snprintf(slot->path, sizeof(slot->path), "%s", path);
	slot->handle = handle;
	set->n++;
	return 0;
}

int loader_load_file(struct dissector_set *set, const char *path, const struct nl_host_api *api,
		     char *err, size_t errlen)
{
#ifndef HAVE_DLOPEN
	/* (the path cut so the line fits its callers' 1 KiB) */
	snprintf(err, errlen, "%.800s: cannot load: this netlens was built without dlopen() and "
		 "has only its built-in dissectors (netlens --list-dissectors)", path);
	return -1;
#else
	if (set->n == DISSECTORS_MAX) {
		snprintf(err, errlen, "%s: not loaded: %d dissectors are loaded already, the most "
			 "netlens takes", path, DISSECTORS_MAX);
		return -1;
	}
	if (check_ownership(path, err, errlen) < 0)
		return -1;
	void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		const char *why = dlerror();
		snprintf(err, errlen, "%s: cannot load: %s; missing dependencies? try: ldd %s", path,
			 why ? why : "unknown error", path);
		return -1;
	}
	dlerror();
	void *sym = dlsym(h, NL_DISSECTOR_ENTRY_SYMBOL);
	if (!sym) {
		snprintf(err, errlen, "%s: not a netlens dissector: no symbol %s; expected a plugin "
			 "built against <netlens/dissector.h>", path, NL_DISSECTOR_ENTRY_SYMBOL);
		dlclose(h);
		return -1;
	}
	nl_dissector_entry_fn entry;
	memcpy(&entry, &sym, sizeof(entry));	/* object → function pointer, as POSIX allows */
	const struct nl_dissector *src = entry();
	if (!src) {
		snprintf(err, errlen, "%s: %s() returned no descriptor; expected a pointer to a "
			 "constant struct nl_dissector", path, NL_DISSECTOR_ENTRY_SYMBOL);
		dlclose(h);
		return -1;
	}
	if (register_descriptor(set, src, path, h, api, err, errlen) < 0) {
		dlclose(h);
		return -1;
	}
	return 0;
#endif
}

int loader_load_builtin(struct dissector_set *set, nl_dissector_entry_fn entry,
			const struct nl_host_api *api, char *err, size_t errlen)
{
	if (set->n == DISSECTORS_MAX) {
		snprintf(err, errlen, "%s: not loaded: %d dissectors are loaded already, the most "
			 "netlens takes", LOADER_BUILTIN_PATH, DISSECTORS_MAX);
		return -1;
	}
	/* Checked like a file: a built-in dissector is held to the same ABI. */
	return register_descriptor(set, entry(), LOADER_BUILTIN_PATH, NULL, api, err, errlen);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int loader_load_dir(struct dissector_set *set, const char *dir, const struct nl_host_api *api)
{
	DIR *d = opendir(dir);
	if (!d) {
		fprintf(stderr, "netlens: --plugin-dir %s: %s\n", dir, strerror(errno));
		return -1;
	}
	char *names[256];
	size_t n = 0;
	struct dirent *e;
	while ((e = readdir(d)) && n < 256) {
		size_t l = strlen(e->d_name);
		if (l > 3 && !strcmp(e->d_name + l - 3, ".so") && e->d_name[0] != '.')
			names[n] = strdup(e->d_name), n += names[n] != NULL;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	int loaded = 0;
	for (size_t i = 0; i < n; i++) {
		char path[PATH_MAX], err[1024];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		free(names[i]);
		if (loader_load_file(set, path, api, err, sizeof(err)) == 0) {
			loaded++;
		} else {
			set->rejected++;
			fprintf(stderr, "netlens: %s\n", err);
		}
	}
	return loaded;
}

int loader_disable(struct dissector_set *set, const char *name)
{
	for (unsigned i = 0; i < set->n; i++)
		if (!strcmp(set->v[i].d.name, name)) {
			set->v[i].disabled = 1;
			return 0;
		}
	return -1;
}

void loader_unload(struct dissector_set *set)
{
	for (unsigned i = 0; i < set->n; i++) {
		if (set->v[i].d.fini)
			set->v[i].d.fini();
#ifdef HAVE_DLOPEN
		if (set->v[i].handle)
			dlclose(set->v[i].handle);
#endif
		set->v[i].handle = NULL;
	}
	set->n = 0;
}
