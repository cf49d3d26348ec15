/*
 * builtin.c - the dissectors linked into the program (configure
 * --enable-builtin-dissectors), for systems with no dynamic loader or no room
 * for a file per dissector. Each is the same source as its plugin, compiled
 * with its entry renamed (dissectors/Makefile.inc) so they can coexist; the
 * descriptor and the ABI are those of the plugin.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "plugins/loader.h"

const struct nl_dissector *nl_builtin_bittorrent_entry(void);
const struct nl_dissector *nl_builtin_dhcp_entry(void);
const struct nl_dissector *nl_builtin_dns_entry(void);
const struct nl_dissector *nl_builtin_ftp_entry(void);
const struct nl_dissector *nl_builtin_http_entry(void);
const struct nl_dissector *nl_builtin_mqtt_entry(void);
const struct nl_dissector *nl_builtin_nbdgm_entry(void);
const struct nl_dissector *nl_builtin_ssdp_entry(void);
const struct nl_dissector *nl_builtin_ntp_entry(void);
const struct nl_dissector *nl_builtin_snmp_entry(void);
const struct nl_dissector *nl_builtin_ssh_entry(void);
const struct nl_dissector *nl_builtin_stun_entry(void);
const struct nl_dissector *nl_builtin_tls_entry(void);
#ifdef NETLENS_BUILTIN_QUIC
const struct nl_dissector *nl_builtin_quic_entry(void);
#endif

/* In the order a plugin folder would load them (by file name). */
static const nl_dissector_entry_fn builtins[] = {
	nl_builtin_bittorrent_entry,
	nl_builtin_dhcp_entry,
	nl_builtin_dns_entry,
	nl_builtin_ftp_entry,
	nl_builtin_http_entry,
	nl_builtin_mqtt_entry,
	nl_builtin_nbdgm_entry,
	nl_builtin_ntp_entry,
#ifdef NETLENS_BUILTIN_QUIC
	nl_builtin_quic_entry,
#endif
	nl_builtin_snmp_entry,
	nl_builtin_ssdp_entry,
	nl_builtin_ssh_entry,
	nl_builtin_stun_entry,
	nl_builtin_tls_entry,
};

int loader_load_builtins(struct dissector_set *set, const struct nl_host_api *api)
{
	int loaded = 0;
	for (size_t b = 0; b < sizeof(builtins) / sizeof(builtins[0]); b++) {
		const struct nl_dissector *d = builtins[b]();
		const struct dissector *file = NULL;
		for (unsigned i = 0; i < set->n && !file; i++)
			if (d && d->name && !strcmp(set->v[i].d.name, d->name))
				file = &set->v[i];
		if (file) {
			/* A newer or patched plugin of the same name is what its
			 * owner put there to be used: it wins, and says so. */
			fprintf(stderr, "netlens: %s replaces the built-in dissector '%s'\n", file->path,
				d->name);
			continue;
		}
		char err[1024];
		if (loader_load_builtin(set, builtins[b], api, err, sizeof(err)) == 0) {
			loaded++;
		} else {
			set->rejected++;
			fprintf(stderr, "netlens: %s\n", err);
		}
	}
	return loaded;
}
