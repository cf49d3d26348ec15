/* options.h - the command line (doc/netlens.8 describes every option). */
#ifndef NETLENS_OPTIONS_H
#define NETLENS_OPTIONS_H

#include <stdint.h>

#include "theme_colors.h"

#define WORKERS_MAX 64	/* --workers; the worker index travels in a byte */
#define OPTIONS_MAX_INTERFACES 8	/* -i eth0,wlan0 or -i eth0 -i wlan0 */
#define OPTIONS_INTERFACE_NAME_MAX 128	/* libpcap's names: "eth0", "nflog:5", "usbmon1" */

enum output_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_MSGPACK };

enum log_level { LOG_OFF = 0, LOG_ERROR, LOG_WARN, LOG_INFO, LOG_DEBUG, LOG_TRACE };

/* Settings checked only when they are used (a filter compiled for the
 * capture, an interface looked up, a file opened): where each was set, so
 * that its error names the configuration line as a parse error does. */
enum option_origin { ORIGIN_BPF_FILTER, ORIGIN_INTERFACES, ORIGIN_SERVICES, ORIGIN_GEOIP_COUNTRY,
		     ORIGIN_GEOIP_ASN, ORIGIN_GEOIP_CITY, ORIGIN_ALERT_LIST, ORIGINS };

struct options {
	/* -i, in order (a list given as eth0,wlan0 is split); none: the
	 * default route's interface */
	char interfaces[OPTIONS_MAX_INTERFACES][OPTIONS_INTERFACE_NAME_MAX];
	unsigned n_interfaces;
	const char *read_file;		/* --read */
	const char *bpf_filter;		/* -f */
	const char *json_log;		/* --json-log */
	const char *pcap_export;	/* --pcap-export */
	const char *pcapng_export;	/* --pcapng-export */
	const char *geoip_country;	/* --geoip-country (NULL: looked for) */
	const char *geoip_asn;		/* --geoip-asn */
	const char *geoip_city;		/* --geoip-city */
	int no_geoip;			/* --no-geoip */
	const char *theme;		/* --theme; NULL: vivid */
	struct theme_color theme_colors[THEME_TOKENS];	/* --theme-color; THEME_UNSET: the theme's */
	int kubernetes;			/* --kubernetes: -1 auto (default), 0 off, 1 on */
	const char *services_file;	/* --services */
	const char *plugin_dirs[16];	/* --plugin-dir, in order */
	unsigned n_plugin_dirs;
	const char *disabled[32];	/* --disable-dissector */
	unsigned n_disabled;
	const char *check_plugin;	/* --check-plugin FILE */
	int list_dissectors;		/* --list-dissectors */
	int headless;
	int no_color;			/* --no-color */
	int no_ebpf;			/* --no-ebpf: procfs attribution only */
	int no_sandbox;			/* --no-sandbox: only no-new-privs */
	int sandbox_strict;		/* --sandbox-strict: refuse to run unless all applies */
	int no_uid_drop;		/* --no-uid-drop: keep the uid (capabilities still go) */
	int resolve_dns;		/* reverse DNS: -1 = mode default (live: on) */
	int show_ptr_lookups;		/* --show-ptr-lookups */
	const char *dns_server;		/* --dns-server */
	const char *alert_list;		/* --alert-list FILE */
	double alert_rate;		/* --alert-rate, bytes/s; 0: none */
	int alert_rate_dir;		/* -1 both ways, DIR_FWD up, DIR_REV down */
	const char *ui_filter;		/* --filter: the UI's filter at start */
	int ui_filter_from_config;	/* ... set by a configuration file, not the command line */
	int ui_sort;			/* --sort: index in OPTIONS_SORT_COLUMNS, 0 = created */
	int ui_sort_desc;		/* --sort COLUMN:asc|desc; -1 = the column's default */
	int ui_group;			/* --group: 0 none, 1 process, 2 remote address */
	int ui_bits;			/* --units bits */
	const char *config_files[3];	/* the configuration files read, in order */
	unsigned n_config_files;
	char origin[ORIGINS][160];	/* "FILE:LINE" of the setting in force, "" when
					 * the command line gave it (or nobody did) */
	int show_localhost;		/* --show-localhost; -1 = mode default */
	int no_dpi;
	int stats;
	enum output_format format;
	enum log_level log_level;
	uint32_t refresh_ms;		/* -r, default 1000 */
	uint32_t max_flows;		/* default 100 000 */
	uint32_t workers;		/* --workers: capture processes, 1 = none (default) */
	int32_t history;		/* default 5 000; -1 = mode default */
	uint32_t rate_window_s;		/* default 10 */
	uint32_t snaplen;		/* default 4096 */
	uint32_t buffer_mib;		/* default 4 */
	uint32_t duration_s;		/* --duration; 0 = until interrupted */
	const char *export_urls[8];	/* --export, in order (doc/export.md) */
	unsigned n_export;
	uint32_t export_active_timeout_s;	/* default 60; 0 = at flow end only */
	uint32_t export_template_interval_s;	/* default 60 */
	uint32_t export_enterprise;	/* default 32473 */
	uint32_t export_domain;		/* observation domain, default 1 */
	uint32_t export_mtu;		/* default 1500 */
	uint32_t export_queue;		/* messages per collector, default 1024 */
	uint32_t export_rate;		/* UDP messages/s per collector, default 10000 */
};

/* --theme's presets (ui/tui.c has their colours, in this order). */
#define OPTIONS_THEMES "vivid", "muted", "catppuccin-mocha", "tokyo-night", "gruvbox", "nord"

/* --sort's columns, in the order of the UI's `s` (ui/ui.h enum ui_sort);
 * location (the Loc column) only with GeoIP files. */
#define OPTIONS_SORT_COLUMNS "created", "protocol", "interface", "local", "remote", "location", "state", \
	"service", "application", "rtt", "bandwidth", "process"

enum options_result { OPTIONS_RUN, OPTIONS_EXIT_OK, OPTIONS_EXIT_USAGE };

/* One line on stderr about a setting found wrong when used: "netlens: ",
 * its FILE:LINE when a configuration file set it, then the message. */
void options_error(const struct options *o, enum option_origin k, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Parses the configuration files (SYSCONFDIR/netlens.conf, then the
 * user's; or --config FILE alone; none with --no-config), then argv, into
 * o: the command line outweighs the files. On OPTIONS_EXIT_USAGE one line
 * has been printed to stderr; on OPTIONS_EXIT_OK help or version went to
 * stdout. Strings in o may point into the files' text, kept until the
 * next parse. */
enum options_result options_parse(struct options *o, int argc, char **argv);

/* The same with the default configuration files given: config_paths is
 * NULL-terminated (at most OPTIONS_CONFIG_FILES_MAX; a missing one is
 * skipped); NULL reads none. For tests. */
#define OPTIONS_CONFIG_FILES_MAX 2
enum options_result options_parse_config(struct options *o, int argc, char **argv,
					 const char *const *config_paths);

#endif
