/* options.c - command-line parsing. Names follow RustNet's usage guide so
 * its users' habits and scripts carry over; netlens adds, never renames. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "alerts.h"
#include "config_file.h"
#include "export.h"
#include "options.h"
#include "readfile.h"
#include "strbuf.h"

#ifndef SYSCONFDIR
#define SYSCONFDIR "/etc"	/* builds outside automake (the fuzzers) */
#endif

enum {
	OPT_READ = 256, OPT_HEADLESS, OPT_FORMAT, OPT_NO_LOCALHOST, OPT_SHOW_LOCALHOST,
	OPT_NO_DPI, OPT_JSON_LOG, OPT_MAX_FLOWS, OPT_HISTORY, OPT_RATE_WINDOW,
	OPT_SERVICES, OPT_STATS, OPT_SNAPLEN, OPT_BUFFER, OPT_DURATION,
	OPT_RESOLVE_DNS, OPT_SHOW_PTR, OPT_NO_SANDBOX, OPT_SANDBOX_STRICT, OPT_NO_UID_DROP,
	OPT_PLUGIN_DIR, OPT_DISABLE_DISSECTOR, OPT_LIST_DISSECTORS, OPT_CHECK_PLUGIN,
	OPT_NO_COLOR, OPT_FILTER, OPT_NO_EBPF, OPT_NO_RESOLVE_DNS, OPT_DNS_SERVER,
	OPT_EXPORT, OPT_EXPORT_ACTIVE, OPT_EXPORT_TEMPLATES, OPT_EXPORT_PEN, OPT_EXPORT_DOMAIN,
	OPT_EXPORT_MTU, OPT_EXPORT_QUEUE, OPT_EXPORT_RATE, OPT_WORKERS, OPT_PCAP_EXPORT,
	OPT_PCAPNG_EXPORT, OPT_GEOIP_COUNTRY, OPT_GEOIP_ASN, OPT_GEOIP_CITY, OPT_NO_GEOIP,
	OPT_THEME, OPT_THEME_COLOR, OPT_KUBERNETES, OPT_CONFIG, OPT_NO_CONFIG, OPT_SORT, OPT_GROUP, OPT_UNITS,
	OPT_ALERT_LIST, OPT_ALERT_RATE,
	OPT_END
};

static const struct option long_opts[] = {
	{ "interface", required_argument, NULL, 'i' },
	{ "read", required_argument, NULL, OPT_READ },
	{ "headless", no_argument, NULL, OPT_HEADLESS },
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "refresh-interval", required_argument, NULL, 'r' },
	{ "bpf-filter", required_argument, NULL, 'f' },
	{ "no-localhost", no_argument, NULL, OPT_NO_LOCALHOST },
	{ "show-localhost", no_argument, NULL, OPT_SHOW_LOCALHOST },
	{ "no-dpi", no_argument, NULL, OPT_NO_DPI },
	{ "log-level", required_argument, NULL, 'l' },
	{ "json-log", required_argument, NULL, OPT_JSON_LOG },
	{ "pcap-export", required_argument, NULL, OPT_PCAP_EXPORT },
	{ "pcapng-export", required_argument, NULL, OPT_PCAPNG_EXPORT },
	{ "geoip-country", required_argument, NULL, OPT_GEOIP_COUNTRY },
	{ "geoip-asn", required_argument, NULL, OPT_GEOIP_ASN },
	{ "geoip-city", required_argument, NULL, OPT_GEOIP_CITY },
	{ "no-geoip", no_argument, NULL, OPT_NO_GEOIP },
	{ "theme", required_argument, NULL, OPT_THEME },
	{ "theme-color", required_argument, NULL, OPT_THEME_COLOR },
	{ "kubernetes", required_argument, NULL, OPT_KUBERNETES },
	{ "max-flows", required_argument, NULL, OPT_MAX_FLOWS },
	{ "workers", required_argument, NULL, OPT_WORKERS },
	{ "history", required_argument, NULL, OPT_HISTORY },
	{ "rate-window", required_argument, NULL, OPT_RATE_WINDOW },
	{ "services", required_argument, NULL, OPT_SERVICES },
	{ "stats", no_argument, NULL, OPT_STATS },
	{ "snaplen", required_argument, NULL, OPT_SNAPLEN },
	{ "buffer-size", required_argument, NULL, OPT_BUFFER },
	{ "duration", required_argument, NULL, OPT_DURATION },
	{ "resolve-dns", no_argument, NULL, OPT_RESOLVE_DNS },
	{ "show-ptr-lookups", no_argument, NULL, OPT_SHOW_PTR },
	{ "no-resolve-dns", no_argument, NULL, OPT_NO_RESOLVE_DNS },
	{ "dns-server", required_argument, NULL, OPT_DNS_SERVER },
	{ "alert-list", required_argument, NULL, OPT_ALERT_LIST },
	{ "alert-rate", required_argument, NULL, OPT_ALERT_RATE },
	{ "no-sandbox", no_argument, NULL, OPT_NO_SANDBOX },
	{ "sandbox-strict", no_argument, NULL, OPT_SANDBOX_STRICT },
	{ "no-uid-drop", no_argument, NULL, OPT_NO_UID_DROP },
	{ "plugin-dir", required_argument, NULL, OPT_PLUGIN_DIR },
	{ "disable-dissector", required_argument, NULL, OPT_DISABLE_DISSECTOR },
	{ "list-dissectors", no_argument, NULL, OPT_LIST_DISSECTORS },
	{ "check-plugin", required_argument, NULL, OPT_CHECK_PLUGIN },
	{ "no-color", no_argument, NULL, OPT_NO_COLOR },
	{ "no-ebpf", no_argument, NULL, OPT_NO_EBPF },
	{ "filter", required_argument, NULL, OPT_FILTER },
	{ "export", required_argument, NULL, OPT_EXPORT },
	{ "export-active-timeout", required_argument, NULL, OPT_EXPORT_ACTIVE },
	{ "export-template-interval", required_argument, NULL, OPT_EXPORT_TEMPLATES },
	{ "export-enterprise", required_argument, NULL, OPT_EXPORT_PEN },
	{ "export-domain", required_argument, NULL, OPT_EXPORT_DOMAIN },
	{ "export-mtu", required_argument, NULL, OPT_EXPORT_MTU },
	{ "export-queue", required_argument, NULL, OPT_EXPORT_QUEUE },
	{ "export-rate", required_argument, NULL, OPT_EXPORT_RATE },
	{ "sort", required_argument, NULL, OPT_SORT },
	{ "group", required_argument, NULL, OPT_GROUP },
	{ "units", required_argument, NULL, OPT_UNITS },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "no-config", no_argument, NULL, OPT_NO_CONFIG },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *out)
{
	fputs(
"Usage: netlens [OPTION]...\n"
"Show every connection this machine makes: TCP, UDP, ICMP and ARP, with state,\n"
"bandwidth and TCP health. Reads a live interface or a capture file.\n"
"\n"
"Input:\n"
"  -i, --interface IF[,IF]... capture on IF ('any' for all); repeatable, up to 8;\n"
"                             default: the interface of the default route\n"
"      --read FILE            read a pcap or pcapng file instead of capturing\n"
"  -f, --bpf-filter EXPR      capture only what matches (pcap-filter(7) syntax)\n"
"      --snaplen BYTES        bytes kept per packet (default 4096)\n"
"      --buffer-size MIB      kernel capture buffer (default 4)\n"
"\n"
"Output:\n"
"      --headless             no terminal UI: print flows as text or JSON Lines\n"
"                             (also when stdin or stdout is not a terminal;\n"
"                             --read - takes keys from /dev/tty)\n"
"      --filter EXPR          start the UI with this connection filter (the\n"
"                             language of its / key: port:443 !proto:udp ...)\n"
"      --no-color             no colours in the UI (also when NO_COLOR is set)\n"
"      --theme NAME           the UI's colours: vivid (default), muted, catppuccin-mocha,\n"
"                             tokyo-night, gruvbox, nord (256-colour terminals)\n"
"      --theme-color TOKEN=COLOUR[,...]  change one of the theme's colours, as\n"
"                             RustNet's [theme.overrides]: warn=#d97706, key=lightcyan\n"
"      --sort COLUMN[:asc|:desc]  the UI's sort at start (the columns of its s key:\n"
"                             protocol, interface, local, remote, location, state,\n"
"                             service, application, rtt, bandwidth, process;\n"
"                             default: order of first packet)\n"
"      --group none|process|remote  the UI's grouping at start (its a and A keys)\n"
"      --units bytes|bits     the UI's rates in bytes/s (default) or bits/s (b key)\n"
"      --format text|json|msgpack  headless output format (default text); msgpack:\n"
"                             the JSON records as msgpack maps (doc/snapshot.md)\n"
"  -r, --refresh-interval MS  how often live output is refreshed (default 1000)\n"
"      --workers N|auto       capture in N processes (Linux: one PACKET_FANOUT group,\n"
"                             each flow on one); auto: one per CPU (default 1)\n"
"      --duration SECONDS     stop a live capture after this long\n"
"      --json-log FILE        append new_connection / connection_closed events\n"
"                             as JSON Lines (created 0600, never through a symlink)\n"
"      --pcap-export FILE     write every packet read to FILE (classic pcap), and\n"
"                             each connection as it closes to FILE.connections.jsonl\n"
"      --pcapng-export FILE   write every packet to FILE (pcapng), each with a comment\n"
"                             naming its process, direction and application\n"
"      --geoip-country FILE, --geoip-asn FILE, --geoip-city FILE\n"
"                             MaxMind .mmdb files placing remote addresses (default:\n"
"                             GeoLite2-*.mmdb found in the usual GeoIP folders)\n"
"      --no-geoip             no GeoIP, even when the files are there\n"
"  -l, --log-level LEVEL      diagnostic log (error, warn, info, debug, trace) in\n"
"                             logs/netlens_YYYY-MM-DD_HH-MM-SS.log\n"
"      --stats                print engine statistics (to stderr) at each refresh\n"
"                             and at exit\n"
"      --no-localhost         hide loopback-to-loopback traffic (default when live)\n"
"      --show-localhost       show it (default when reading a file)\n"
"\n"
"Tracking:\n"
"      --max-flows N          active flows kept (default 100000); when full, the\n"
"                             flow nearest its idle timeout is evicted\n"
"      --history N            closed flows kept (default 5000; when reading a file\n"
"                             headless, as many as --max-flows)\n"
"      --rate-window SECONDS  bandwidth averaging window (default 10)\n"
"      --services FILE        service names (/etc/services format) that override\n"
"                             the built-in table\n"
"      --no-ebpf              find flows' processes from /proc only (no eBPF)\n"
"      --kubernetes auto|on|off  name each process's pod and container (auto,\n"
"                             the default: on where /var/log/pods exists)\n"
"      --resolve-dns          reverse DNS for the addresses shown (default when\n"
"                             live; off when reading a file)\n"
"      --no-resolve-dns       no reverse DNS: netlens sends no query of its own\n"
"      --dns-server ADDR      ask this server (ADDR, ADDR:PORT, [IPv6]:PORT)\n"
"      --show-ptr-lookups     show netlens' own reverse-DNS queries as flows\n"
"\n"
"Alerts (one line on stderr or in the UI, an \"alert\" event in --json-log):\n"
"      --alert-list FILE      addresses and networks to report traffic with, one\n"
"                             a line, each with an optional label: a flow with an\n"
"                             endpoint there raises an alert when it starts\n"
"      --alert-rate [down:|up:]RATE  alert when the traffic (both ways, or one)\n"
"                             averaged over 2 s rises above RATE bytes/s (k, M, G;\n"
"                             B or bit: 10M, 80Mbit), and when it falls back\n"
"\n"
"Payload inspection (dissector plugins):\n"
"      --no-dpi               no payload inspection at all\n"
"      --plugin-dir DIR       load dissectors from DIR too (repeatable; searched in\n"
"                             order, before the built-in ones)\n"
"      --disable-dissector NAME  do not use dissector NAME (repeatable)\n"
"      --list-dissectors      show the dissectors that load, and exit\n"
"      --check-plugin FILE    check one dissector plugin, say why it is refused\n"
"                             if it is, and exit\n"
"\n"
"Privileges (after capture, logs and plugins are open; see netlens(8)):\n"
"      --no-sandbox           keep capabilities, uid and file/TCP access (only\n"
"                             no-new-privs is still set)\n"
"      --sandbox-strict       refuse to run unless every part of the sandbox applies\n"
"      --no-uid-drop          stay root (capabilities are still dropped)\n"
"\n"
"Flow export (IPFIX, RFC 7011; doc/export.md):\n"
"      --export URL           send flow records to an IPFIX collector:\n"
"                             ipfix://HOST[:PORT] (UDP) or ipfix+tcp://HOST[:PORT]\n"
"                             (default port 4739); repeatable, up to 8\n"
"      --export-active-timeout SECONDS  a record for long flows every SECONDS\n"
"                             (default 60; 0: only when they end)\n"
"      --export-template-interval SECONDS  UDP template resend (default 60)\n"
"      --export-enterprise PEN  enterprise number of netlens' own elements\n"
"                             (default 32473, the documentation number)\n"
"      --export-domain ID     observation domain ID (default 1)\n"
"      --export-mtu BYTES     path MTU that messages must fit (default 1500)\n"
"      --export-queue N       messages queued per collector (default 1024);\n"
"                             beyond that records are dropped and counted\n"
"      --export-rate N        UDP messages per second per collector (default\n"
"                             10000; 0: no limit)\n"
"\n"
"Configuration (long options as 'name = value' lines; see netlens(8)):\n"
"      --config FILE          read defaults from FILE instead of " SYSCONFDIR "/netlens.conf\n"
"                             and ~/.config/netlens/config\n"
"      --no-config            read no configuration file\n"
"\n"
"  -h, --help                 show this help\n"
"  -V, --version              show the version\n"
"\n"
"Exit status: 0 on success, 1 on a runtime failure (capture, damaged file),\n"
"2 on a usage error. See netlens(8).\n", out);
}

/* A user's argument as it may appear in a one-line message (str_shown).
 * Rotates through a few buffers so one message can show two. */
static const char *shown(const char *s)
{
	static char bufs[4][160];
	static unsigned next;
	return str_shown(bufs[next++ % 4], sizeof(bufs[0]), s);
}

/* Parses an unsigned decimal in [min, max]; -1 on anything else. */
static int parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	if (!s || !*s || *s == '-' || *s == '+')
		return -1;
	errno = 0;
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

/* Where the options being applied come from: the command line, or a line
 * of a configuration file (whose messages then name FILE:LINE). */
struct parse_state {
	const char *where;		/* "FILE:LINE", NULL on the command line */
	unsigned char from_config[OPT_END];	/* set by a configuration file ... */
	unsigned char from_command[OPT_END];	/* ... and by the command line */
	unsigned n_texts;		/* files read (config_texts) */
	unsigned interfaces_file;	/* which of them set the -i list (1 the first) */
};

static void complain(const struct parse_state *st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void complain(const struct parse_state *st, const char *fmt, ...)
{
	va_list ap;
	fputs("netlens: ", stderr);
	if (st && st->where)
		fprintf(stderr, "%s: ", st->where);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static int bad_number(const struct parse_state *st, const char *opt, const char *val,
		      uint32_t min, uint32_t max)
{
	complain(st, "%s expects a whole number from %u to %u, not '%s'\n",
		 opt, min, max, shown(val));
	return OPTIONS_EXIT_USAGE;
}

/* Options a configuration file may not hold: they are not defaults but
 * one run's request (or choose the file). */
static int config_refuses(int c)
{
	return c == 'h' || c == 'V' || c == OPT_CONFIG || c == OPT_NO_CONFIG || c == OPT_READ ||
	       c == OPT_LIST_DISSECTORS || c == OPT_CHECK_PLUGIN;
}

static int from_config_only(const struct parse_state *st, int c)
{
	return st->from_config[c] && !st->from_command[c];
}

/* -i NAME, or a list NAME,NAME: each name added once, at most
 * OPTIONS_MAX_INTERFACES in all, and "any" (every interface already)
 * only alone. */
static int add_interfaces(struct options *o, const char *arg, const struct parse_state *st)
{
	const char *p = arg;
	if (!*arg) {
		complain(st, "-i expects an interface name\n");
		return -1;
	}
	for (;;) {
		size_t n = strcspn(p, ",");
		char name[OPTIONS_INTERFACE_NAME_MAX];
		if (n == 0) {
			complain(st, "-i '%s': an empty interface name in the list\n", shown(arg));
			return -1;
		}
		if (n >= sizeof(name)) {
			complain(st, "-i: interface name longer than %zu bytes\n", sizeof(name) - 1);
			return -1;
		}
		memcpy(name, p, n);
		name[n] = '\0';
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)name[i] < 0x20 || name[i] == 0x7f) {
				complain(st, "-i '%s': a control character in an interface name\n", shown(name));
				return -1;
			}
		for (unsigned i = 0; i < o->n_interfaces; i++)
			if (!strcmp(o->interfaces[i], name)) {
				complain(st, "-i: interface '%s' given twice\n", shown(name));
				return -1;
			}
		if (o->n_interfaces == OPTIONS_MAX_INTERFACES) {
			complain(st, "-i: at most %d interfaces (or -i any for all)\n", OPTIONS_MAX_INTERFACES);
			return -1;
		}
		if ((!strcmp(name, "any") && o->n_interfaces) ||
		    (o->n_interfaces && !strcmp(o->interfaces[0], "any"))) {
			complain(st, "-i any captures on every interface already: give it alone\n");
			return -1;
		}
		memcpy(o->interfaces[o->n_interfaces++], name, n + 1);
		if (!p[n])
			return 0;
		p += n + 1;
	}
}

/* One option, from the command line or a configuration file. */
/* The long name of option c (its first in long_opts). */
static const char *option_name(int c)
{
	for (const struct option *l = long_opts; l->name; l++)
		if (l->val == c)
			return l->name;
	return "?";
}

/* Options naming one file to read or write: given twice on the command
 * line, the first would be dropped without a word (a second blocklist
 * replacing the first, a log written to only one of two files). */
static int names_one_file(int c)
{
	switch (c) {
	case OPT_READ: case OPT_JSON_LOG: case OPT_PCAP_EXPORT: case OPT_PCAPNG_EXPORT:
	case OPT_ALERT_LIST: case OPT_SERVICES: case OPT_GEOIP_COUNTRY: case OPT_GEOIP_ASN:
	case OPT_GEOIP_CITY:
		return 1;
	}
	return 0;
}

/* One address of --dns-server: IPv4, IPv4:PORT, IPv6, [IPv6]:PORT (c-ares
 * takes an empty list, or port 99999, and asks nobody). */
static int dns_server_ok(const char *s)
{
	char addr[INET6_ADDRSTRLEN + 16];
	unsigned char bin[16];
	const char *port = NULL, *colon = strchr(s, ':');
	size_t n;
	if (s[0] == '[') {
		const char *end = strchr(s, ']');
		if (!end || end[1] != ':')
			return 0;	/* c-ares wants the port after brackets */
		port = end + 2;
		n = (size_t)(end - s - 1);
		s++;
	} else if (colon && strchr(colon + 1, ':')) {
		n = strlen(s);	/* IPv6 without a port */
	} else {
		port = colon ? colon + 1 : NULL;
		n = colon ? (size_t)(colon - s) : strlen(s);
	}
	if (n == 0 || n >= sizeof(addr))
		return 0;
	memcpy(addr, s, n);
	addr[n] = '\0';
	if (inet_pton(AF_INET, addr, bin) != 1 && inet_pton(AF_INET6, addr, bin) != 1)
		return 0;
	if (port) {
		uint32_t v;
		if (parse_u32(port, 1, 65535, &v) < 0)
			return 0;
	}
	return 1;
}

/* The enum option_origin of a setting checked only when used, or -1. */
static int origin_of(int c)
{
	switch (c) {
	case 'f': return ORIGIN_BPF_FILTER;
	case 'i': return ORIGIN_INTERFACES;
	case OPT_SERVICES: return ORIGIN_SERVICES;
	case OPT_GEOIP_COUNTRY: return ORIGIN_GEOIP_COUNTRY;
	case OPT_GEOIP_ASN: return ORIGIN_GEOIP_ASN;
	case OPT_GEOIP_CITY: return ORIGIN_GEOIP_CITY;
	case OPT_ALERT_LIST: return ORIGIN_ALERT_LIST;
	default: return -1;
	}
}

void options_error(const struct options *o, enum option_origin k, const char *fmt, ...)
{
	va_list ap;
	fputs("netlens: ", stderr);
	if (o && k < ORIGINS && o->origin[k][0])
		fprintf(stderr, "%s: ", o->origin[k]);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static enum options_result apply_option(struct options *o, int c, const char *arg,
					struct parse_state *st)
{
	uint32_t v;
	/* A list given on the command line replaces the configuration's. */
	if (!st->where && from_config_only(st, c)) {
		if (c == 'i')
			o->n_interfaces = 0;
		else if (c == OPT_PLUGIN_DIR)
			o->n_plugin_dirs = 0;
		else if (c == OPT_DISABLE_DISSECTOR)
			o->n_disabled = 0;
		else if (c == OPT_EXPORT)
			o->n_export = 0;
	}
	if (!st->where && st->from_command[c] && names_one_file(c)) {
		/* the last would win, and the first file be dropped unsaid */
		complain(st, "--%s given twice: it takes one file\n", option_name(c));
		return OPTIONS_EXIT_USAGE;
	}
	if (st->where)
		st->from_config[c] = 1;
	else
		st->from_command[c] = 1;
	int origin = origin_of(c);
	if (origin >= 0)
		snprintf(o->origin[origin], sizeof(o->origin[origin]), "%s", st->where ? st->where : "");
	switch (c) {
	case 'i':
		/* In the files, as for a value: the user's list outweighs the system's. */
		if (st->where && st->interfaces_file != st->n_texts) {
			o->n_interfaces = 0;
			st->interfaces_file = st->n_texts;
		}
		if (add_interfaces(o, arg, st) < 0)
			return OPTIONS_EXIT_USAGE;
		break;
	case OPT_READ:
		o->read_file = arg;
		break;
	case OPT_HEADLESS:
		o->headless = 1;
		break;
	case OPT_FORMAT:
		if (!strcmp(arg, "text"))
			o->format = FORMAT_TEXT;
		else if (!strcmp(arg, "json") || !strcmp(arg, "jsonl"))
			o->format = FORMAT_JSON;
		else if (!strcmp(arg, "msgpack"))
			o->format = FORMAT_MSGPACK;
		else {
			complain(st, "--format expects 'text', 'json' or 'msgpack', not '%s'\n",
				shown(arg));
			return OPTIONS_EXIT_USAGE;
		}
		break;
	case 'r':
		if (parse_u32(arg, 1, 3600000, &v) < 0) {
			char *end;
			errno = 0;
			(void)strtoull(arg, &end, 10);
			if (*arg && *end == '\0' && *arg != '-')
				return bad_number(st, "-r/--refresh-interval", arg, 1, 3600000);
			complain(st, "-r is the refresh interval in milliseconds, not "
				"'%s'; to read a capture file use --read FILE\n", shown(arg));
			return OPTIONS_EXIT_USAGE;
		}
		o->refresh_ms = v;
		break;
	case 'f':
		o->bpf_filter = arg;
		break;
	case OPT_NO_LOCALHOST:
		o->show_localhost = 0;
		break;
	case OPT_SHOW_LOCALHOST:
		o->show_localhost = 1;
		break;
	case OPT_NO_DPI:
		o->no_dpi = 1;
		break;
	case 'l': {
		static const char *const names[] = { "off", "error", "warn", "info", "debug", "trace" };
		int found = -1;
		for (int i = 0; i < 6; i++)
			if (!strcasecmp(arg, names[i]))
				found = i;
		if (found < 0) {
			complain(st, "--log-level expects error, warn, info, debug or "
				"trace, not '%s'\n", shown(arg));
			return OPTIONS_EXIT_USAGE;
		}
		o->log_level = (enum log_level)found;
		break;
	}
	case OPT_JSON_LOG:
		if (!*arg) {
			complain(st, "--json-log expects a file name\n");
			return OPTIONS_EXIT_USAGE;
		}
		o->json_log = arg;
		break;
	case OPT_PCAP_EXPORT:
	case OPT_PCAPNG_EXPORT: {
		const char *name = c == OPT_PCAP_EXPORT ? "--pcap-export" : "--pcapng-export";
		if (!*arg) {
			complain(st, "%s expects a file name\n", name);
			return OPTIONS_EXIT_USAGE;
		}
		if (c == OPT_PCAP_EXPORT)
			o->pcap_export = arg;
		else
			o->pcapng_export = arg;
		break;
	}
	case OPT_GEOIP_COUNTRY:
	case OPT_GEOIP_ASN:
	case OPT_GEOIP_CITY: {
		const char *name = c == OPT_GEOIP_COUNTRY ? "--geoip-country" :
				   c == OPT_GEOIP_ASN ? "--geoip-asn" : "--geoip-city";
		if (!*arg) {
			complain(st, "%s expects a file name\n", name);
			return OPTIONS_EXIT_USAGE;
		}
		*(c == OPT_GEOIP_COUNTRY ? &o->geoip_country : c == OPT_GEOIP_ASN ? &o->geoip_asn :
		  &o->geoip_city) = arg;
		break;
	}
	case OPT_NO_GEOIP:
		o->no_geoip = 1;
		break;
	case OPT_THEME: {
		static const char *const themes[] = { OPTIONS_THEMES };
		size_t t = 0;
		/* RustNet's later name for its full-colour preset, netlens' vivid:
		 * a config.toml's [theme] name = "classic" pastes in too. */
		if (!strcmp(arg, "classic"))
			arg = "vivid";
		while (t < sizeof(themes) / sizeof(themes[0]) && strcmp(themes[t], arg))
			t++;
		if (t == sizeof(themes) / sizeof(themes[0])) {
			complain(st, "--theme %s: not a theme (vivid, muted, catppuccin-mocha, "
				"tokyo-night, gruvbox, nord)\n", shown(arg));
			return OPTIONS_EXIT_USAGE;
		}
		o->theme = themes[t];
		break;
	}
	case OPT_THEME_COLOR: {
		char err[256];
		if (theme_colors_apply(o->theme_colors, arg, err, sizeof(err)) < 0) {
			complain(st, "%s\n", err);
			return OPTIONS_EXIT_USAGE;
		}
		break;
	}
	case OPT_KUBERNETES:
		if (!strcmp(arg, "auto") || !strcmp(arg, "on") || !strcmp(arg, "off")) {
			o->kubernetes = arg[0] == 'a' ? -1 : arg[1] == 'n';
			break;
		}
		complain(st, "--kubernetes %s: expected auto, on or off\n", shown(arg));
		return OPTIONS_EXIT_USAGE;
	case OPT_MAX_FLOWS:
		if (parse_u32(arg, 1, 50000000, &v) < 0)
			return bad_number(st, "--max-flows", arg, 1, 50000000);
		o->max_flows = v;
		break;
	case OPT_HISTORY:
		if (parse_u32(arg, 0, 50000000, &v) < 0)
			return bad_number(st, "--history", arg, 0, 50000000);
		o->history = (int32_t)v;
		break;
	case OPT_RATE_WINDOW:
		if (parse_u32(arg, 1, 3600, &v) < 0)
			return bad_number(st, "--rate-window", arg, 1, 3600);
		o->rate_window_s = v;
		break;
	case OPT_SERVICES:
		o->services_file = arg;
		break;
	case OPT_STATS:
		o->stats = 1;
		break;
	case OPT_SNAPLEN:
		if (parse_u32(arg, 64, 262144, &v) < 0)
			return bad_number(st, "--snaplen", arg, 64, 262144);
		o->snaplen = v;
		break;
	case OPT_BUFFER:
		if (parse_u32(arg, 1, 1024, &v) < 0)
			return bad_number(st, "--buffer-size", arg, 1, 1024);
		o->buffer_mib = v;
		break;
	case OPT_DURATION:
		if (parse_u32(arg, 1, 31536000, &v) < 0)
			return bad_number(st, "--duration", arg, 1, 31536000);
		o->duration_s = v;
		break;
	case OPT_PLUGIN_DIR:
		if (o->n_plugin_dirs == 16) {
			complain(st, "--plugin-dir given more than 16 times\n");
			return OPTIONS_EXIT_USAGE;
		}
		o->plugin_dirs[o->n_plugin_dirs++] = arg;
		break;
	case OPT_DISABLE_DISSECTOR:
		if (o->n_disabled == 32) {
			complain(st, "--disable-dissector given more than 32 times\n");
			return OPTIONS_EXIT_USAGE;
		}
		o->disabled[o->n_disabled++] = arg;
		break;
	case OPT_LIST_DISSECTORS:
		o->list_dissectors = 1;
		break;
	case OPT_CHECK_PLUGIN:
		o->check_plugin = arg;
		break;
	case OPT_NO_COLOR:
		o->no_color = 1;
		break;
	case OPT_NO_EBPF:
		o->no_ebpf = 1;
		break;
	case OPT_FILTER:
		o->ui_filter = arg;
		break;
	case OPT_NO_SANDBOX:
		o->no_sandbox = 1;
		break;
	case OPT_NO_UID_DROP:
		o->no_uid_drop = 1;
		break;
	case OPT_RESOLVE_DNS:
		o->resolve_dns = 1;
		break;
	case OPT_NO_RESOLVE_DNS:
		o->resolve_dns = 0;
		break;
	case OPT_SHOW_PTR:
		o->show_ptr_lookups = 1;
		break;
	case OPT_DNS_SERVER:
		if (!dns_server_ok(arg)) {
			complain(st, "--dns-server expects an address, ADDR:PORT or [IPv6]:PORT (port 1-65535), "
				 "not '%s'\n", shown(arg));
			return OPTIONS_EXIT_USAGE;
		}
		o->dns_server = arg;
		o->resolve_dns = 1;
		break;
	case OPT_ALERT_LIST:
		if (!*arg) {
			complain(st, "--alert-list expects a file\n");
			return OPTIONS_EXIT_USAGE;
		}
		o->alert_list = arg;
		break;
	case OPT_ALERT_RATE:
		if (alerts_parse_rate(arg, &o->alert_rate, &o->alert_rate_dir) < 0) {
			complain(st, "--alert-rate expects [down:|up:]RATE in bytes/s with k, M or G and "
				 "B or bit (10M, 80Mbit), not '%s'\n", shown(arg));
			return OPTIONS_EXIT_USAGE;
		}
		break;
	case OPT_EXPORT: {
		struct export_target t;
		char err[512];
		if (export_parse_url(arg, &t, err, sizeof(err)) < 0) {
			complain(st, "%s\n", err);
			return OPTIONS_EXIT_USAGE;
		}
		if (o->n_export == 8) {
			complain(st, "--export given more than 8 times\n");
			return OPTIONS_EXIT_USAGE;
		}
		for (unsigned i = 0; i < o->n_export; i++) {
			struct export_target u;
			if (export_parse_url(o->export_urls[i], &u, err, sizeof(err)) == 0 && u.tcp == t.tcp &&
			    u.port == t.port && strcasecmp(u.host, t.host) == 0) {
				complain(st, "--export %s given twice: each record would be sent twice\n",
					 shown(arg));
				return OPTIONS_EXIT_USAGE;
			}
		}
		o->export_urls[o->n_export++] = arg;
		break;
	}
	case OPT_EXPORT_ACTIVE:
		if (parse_u32(arg, 0, 86400, &v) < 0)
			return bad_number(st, "--export-active-timeout", arg, 0, 86400);
		o->export_active_timeout_s = v;
		break;
	case OPT_EXPORT_TEMPLATES:
		if (parse_u32(arg, 1, 86400, &v) < 0)
			return bad_number(st, "--export-template-interval", arg, 1, 86400);
		o->export_template_interval_s = v;
		break;
	case OPT_EXPORT_PEN:
		if (parse_u32(arg, 1, UINT32_MAX, &v) < 0)
			return bad_number(st, "--export-enterprise", arg, 1, UINT32_MAX);
		if (v == EXPORT_REVERSE_PEN) {
			complain(st, "--export-enterprise %u is RFC 5103's reverse "
				"number; choose another\n", v);
			return OPTIONS_EXIT_USAGE;
		}
		o->export_enterprise = v;
		break;
	case OPT_EXPORT_DOMAIN:
		if (parse_u32(arg, 0, UINT32_MAX, &v) < 0)
			return bad_number(st, "--export-domain", arg, 0, UINT32_MAX);
		o->export_domain = v;
		break;
	case OPT_EXPORT_MTU:
		if (parse_u32(arg, 576, 65535, &v) < 0)
			return bad_number(st, "--export-mtu", arg, 576, 65535);
		o->export_mtu = v;
		break;
	case OPT_EXPORT_QUEUE:
		if (parse_u32(arg, 4, 1000000, &v) < 0)
			return bad_number(st, "--export-queue", arg, 4, 1000000);
		o->export_queue = v;
		break;
	case OPT_EXPORT_RATE:
		if (parse_u32(arg, 0, 10000000, &v) < 0)
			return bad_number(st, "--export-rate", arg, 0, 10000000);
		o->export_rate = v;
		break;
	case OPT_SANDBOX_STRICT:
		o->sandbox_strict = 1;
		break;
	case OPT_WORKERS:
		if (!strcmp(arg, "auto")) {
			long n = sysconf(_SC_NPROCESSORS_ONLN);
			o->workers = n < 1 ? 1 : n > WORKERS_MAX ? WORKERS_MAX : (uint32_t)n;
		} else if (parse_u32(arg, 1, WORKERS_MAX, &v) < 0) {
			return bad_number(st, "--workers", arg, 1, WORKERS_MAX);
		} else {
			o->workers = v;
		}
		break;
	case OPT_SORT: {
		static const char *const cols[] = { OPTIONS_SORT_COLUMNS };
		const size_t n_cols = sizeof(cols) / sizeof(cols[0]);
		const char *colon = strchr(arg, ':');
		size_t n = colon ? (size_t)(colon - arg) : strlen(arg), col = 0;
		while (col < n_cols && (strlen(cols[col]) != n || strncmp(cols[col], arg, n)))
			col++;
		int desc = -1;
		if (colon && !strcmp(colon + 1, "asc"))
			desc = 0;
		else if (colon && !strcmp(colon + 1, "desc"))
			desc = 1;
		else if (colon)
			col = n_cols;
		if (col == n_cols) {
			complain(st, "--sort %s: expected a column (created, protocol, interface, local, "
				 "remote, location, state, service, application, rtt, bandwidth, process), optionally with "
				 ":asc or :desc\n", shown(arg));
			return OPTIONS_EXIT_USAGE;
		}
		o->ui_sort = (int)col;
		o->ui_sort_desc = desc;
		break;
	}
	case OPT_GROUP:
		if (!strcmp(arg, "none") || !strcmp(arg, "process") || !strcmp(arg, "remote")) {
			o->ui_group = arg[0] == 'n' ? 0 : arg[0] == 'p' ? 1 : 2;
			break;
		}
		complain(st, "--group %s: expected none, process or remote\n", shown(arg));
		return OPTIONS_EXIT_USAGE;
	case OPT_UNITS:
		if (!strcmp(arg, "bytes") || !strcmp(arg, "bits")) {
			o->ui_bits = arg[1] == 'i';
			break;
		}
		complain(st, "--units %s: expected bytes or bits\n", shown(arg));
		return OPTIONS_EXIT_USAGE;
	}
	return OPTIONS_RUN;
}

struct config_ctx {
	struct options *o;
	struct parse_state *st;
};

/* One line of a configuration file: a long option's name and its value. */
static int config_setting(void *ctx, const char *name, const char *value, const char *where)
{
	struct config_ctx *cc = ctx;
	const struct option *lo = long_opts;
	while (lo->name && strcmp(lo->name, name))
		lo++;
	cc->st->where = where;
	enum options_result r = OPTIONS_EXIT_USAGE;
	if (!lo->name)
		complain(cc->st, "unknown setting '%s' (settings are netlens' long options, "
			 "see netlens(8))\n", shown(name));
	else if (config_refuses(lo->val))
		complain(cc->st, "'%s' cannot be set in a configuration file (it is for one "
			 "run: give it on the command line)\n", name);
	else if (lo->has_arg == required_argument && !value)
		complain(cc->st, "'%s' needs a value: %s = VALUE\n", name, name);
	else if (lo->has_arg == no_argument && value)
		complain(cc->st, "'%s' is a switch and takes no value: write '%s' alone\n",
			 name, name);
	else
		r = apply_option(cc->o, lo->val, value ? value : "", cc->st);
	cc->st->where = NULL;
	return r == OPTIONS_RUN ? 0 : -1;
}

static void set_defaults(struct options *o)
{
	memset(o, 0, sizeof(*o));
	o->refresh_ms = 1000;
	o->max_flows = 100000;
	o->workers = 1;
	o->history = -1;
	o->rate_window_s = 10;
	o->snaplen = 4096;
	o->buffer_mib = 4;
	o->show_localhost = -1;
	o->resolve_dns = -1;
	o->kubernetes = -1;
	o->format = FORMAT_TEXT;
	o->ui_sort_desc = -1;
	o->export_active_timeout_s = 60;
	o->export_template_interval_s = 60;
	o->export_enterprise = EXPORT_DEFAULT_PEN;
	o->export_domain = 1;
	o->export_mtu = 1500;
	o->export_queue = 1024;
	o->export_rate = 10000;
}

/* The files read by the last parse: the options point into them. */
static char *config_texts[OPTIONS_CONFIG_FILES_MAX + 1];

static void forget_config_texts(void)
{
	for (size_t i = 0; i < sizeof(config_texts) / sizeof(config_texts[0]); i++) {
		free(config_texts[i]);
		config_texts[i] = NULL;
	}
}

/* Reads one configuration file into o; 0 when read or absent (and allowed
 * to be), -1 after one line on stderr. */
static int read_config(struct options *o, struct parse_state *st, const char *path, int must_exist)
{
	char *text;
	size_t len;
	int r = config_load(path, must_exist, &text, &len);
	if (r <= 0)
		return r;
	/* The name, for the log: kept as long as the text. */
	static char names[OPTIONS_CONFIG_FILES_MAX + 1][512];
	snprintf(names[st->n_texts], sizeof(names[0]), "%s", path);
	o->config_files[o->n_config_files++] = names[st->n_texts];
	config_texts[st->n_texts++] = text;
	struct config_ctx cc = { o, st };
	return config_parse(text, len, path, config_setting, &cc);
}

enum options_result options_parse(struct options *o, int argc, char **argv)
{
	char user[4096];
	const char *paths[3] = { SYSCONFDIR "/netlens.conf", NULL, NULL };
	if (config_user_path(user, sizeof(user)) == 0)
		paths[1] = user;
	return options_parse_config(o, argc, argv, paths);
}

/* An output naming the file --read reads, or another output: the first
 * would destroy the capture (opened for writing before it is read), the
 * others interleave in one file. Says so and returns -1. */
static int outputs_clash(const struct options *o)
{
	static const char *const opt[4] = { "--json-log", "--pcap-export", "--pcapng-export",
					    "--pcap-export's connection log" };
	char sidecar[PATH_MAX + 24];
	const char *path[4] = { o->json_log, o->pcap_export, o->pcapng_export, NULL };
	if (o->pcap_export && snprintf(sidecar, sizeof(sidecar), "%s.connections.jsonl", o->pcap_export) <
				      (int)sizeof(sidecar))
		path[3] = sidecar;
	for (int i = 0; i < 4; i++) {
		if (!path[i])
			continue;
		if (o->read_file && strcmp(o->read_file, "-") && readfile_same_file(path[i], o->read_file)) {
			fprintf(stderr, "netlens: %s %s is the file --read reads: netlens would write into it\n",
				opt[i], shown(path[i]));
			return -1;
		}
		for (int j = 0; j < i; j++)
			if (path[j] && readfile_same_file(path[i], path[j])) {
				fprintf(stderr, "netlens: %s and %s name the same file, %s\n", opt[j], opt[i],
					shown(path[i]));
				return -1;
			}
	}
	return 0;
}

/* "--name=value" where --name is a switch: getopt_long calls that an
 * unknown option (or, for --help, an unknown -h). */
static int takes_no_value(const char *a)
{
	const char *eq = a && a[0] == '-' && a[1] == '-' ? strchr(a, '=') : NULL;
	if (!eq)
		return 0;
	for (const struct option *l = long_opts; l->name; l++)
		if (l->has_arg == no_argument && strlen(l->name) == (size_t)(eq - a - 2) &&
		    strncmp(l->name, a + 2, (size_t)(eq - a - 2)) == 0)
			return 1;
	return 0;
}

enum options_result options_parse_config(struct options *o, int argc, char **argv,
					 const char *const *config_paths)
{
	static struct parse_state state;
	struct parse_state *st = &state;
	memset(st, 0, sizeof(*st));
	forget_config_texts();
	set_defaults(o);

	/* First pass: which configuration, if any. --help and --version work
	 * whatever a configuration file holds. */
	const char *config_arg = NULL;
	int no_config = 0, help_or_version = 0, configs = 0, c;
	opterr = 0;
	optind = 0;	/* glibc: 0 also forgets a half-read cluster of short options */
	while ((c = getopt_long(argc, argv, ":i:r:f:l:hV", long_opts, NULL)) != -1) {
		if (c == OPT_CONFIG)
			config_arg = optarg, configs++;
		else if (c == OPT_NO_CONFIG)
			no_config = 1;
		else if (c == 'h' || c == 'V')
			help_or_version = 1;
	}
	if (config_arg && no_config) {
		complain(NULL, "--config and --no-config exclude each other\n");
		return OPTIONS_EXIT_USAGE;
	}
	if (configs > 1) {
		complain(NULL, "--config given twice: it takes one file\n");
		return OPTIONS_EXIT_USAGE;
	}
	if (config_arg && !*config_arg) {
		complain(NULL, "--config expects a file name\n");
		return OPTIONS_EXIT_USAGE;
	}
	if (!help_or_version && config_arg) {
		if (read_config(o, st, config_arg, 1) < 0)
			return OPTIONS_EXIT_USAGE;
	} else if (!help_or_version && !no_config) {
		for (size_t i = 0; config_paths && config_paths[i] && i < OPTIONS_CONFIG_FILES_MAX; i++)
			if (read_config(o, st, config_paths[i], 0) < 0)
				return OPTIONS_EXIT_USAGE;
	}

	optind = 0;
	while ((c = getopt_long(argc, argv, ":i:r:f:l:hV", long_opts, NULL)) != -1) {
		switch (c) {
		case OPT_CONFIG:
		case OPT_NO_CONFIG:
			break;	/* the first pass did it */
		case 'h':
			usage(stdout);
			return OPTIONS_EXIT_OK;
		case 'V':
			printf("netlens %s\n", PACKAGE_VERSION);
			printf("features: %s\n", NETLENS_FEATURES);
			return OPTIONS_EXIT_OK;
		case ':':
			if (optopt == 'r')
				fprintf(stderr, "netlens: -r expects the refresh interval in milliseconds; "
					"to read a capture file use --read FILE\n");
			else if (optopt && optopt < 256)
				fprintf(stderr, "netlens: option -%s needs a value (see netlens --help)\n",
					shown((char[]){ (char)optopt, 0 }));
			else
				fprintf(stderr, "netlens: option %s needs a value (see netlens --help)\n",
					shown(argv[optind - 1]));
			return OPTIONS_EXIT_USAGE;
		case '?':
			if (takes_no_value(argv[optind - 1]))
				fprintf(stderr, "netlens: option %.*s takes no value (see netlens --help)\n",
					(int)(strchr(argv[optind - 1], '=') - argv[optind - 1]),
					shown(argv[optind - 1]));
			else if (optopt && optopt < 256)
				fprintf(stderr, "netlens: unknown option -%s (see netlens --help)\n",
					shown((char[]){ (char)optopt, 0 }));
			else
				fprintf(stderr, "netlens: unknown option %s (see netlens --help)\n",
					shown(argv[optind - 1]));
			return OPTIONS_EXIT_USAGE;
		default:
			if (apply_option(o, c, optarg, st) != OPTIONS_RUN)
				return OPTIONS_EXIT_USAGE;
			break;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "netlens: unexpected argument '%s'%s\n", shown(argv[optind]),
			strstr(argv[optind], ".pcap") ? "; to read a capture file use --read FILE" : "");
		return OPTIONS_EXIT_USAGE;
	}
	o->ui_filter_from_config = from_config_only(st, OPT_FILTER);
	/* A choice on the command line outweighs a configuration file's that
	 * excludes it: the file holds defaults, the command line this run. */
	if (o->read_file) {
		if (from_config_only(st, 'i'))
			o->n_interfaces = 0;
		if (from_config_only(st, OPT_WORKERS))
			o->workers = 1;
		if (from_config_only(st, OPT_DURATION))
			o->duration_s = 0;
	}
	if (from_config_only(st, OPT_NO_SANDBOX) && st->from_command[OPT_SANDBOX_STRICT])
		o->no_sandbox = 0;
	if (from_config_only(st, OPT_SANDBOX_STRICT) && st->from_command[OPT_NO_SANDBOX])
		o->sandbox_strict = 0;
	int geoip_command = st->from_command[OPT_GEOIP_COUNTRY] || st->from_command[OPT_GEOIP_ASN] ||
			    st->from_command[OPT_GEOIP_CITY];
	if (from_config_only(st, OPT_NO_GEOIP) && geoip_command)
		o->no_geoip = 0;
	if (st->from_command[OPT_NO_GEOIP]) {
		if (from_config_only(st, OPT_GEOIP_COUNTRY))
			o->geoip_country = NULL;
		if (from_config_only(st, OPT_GEOIP_ASN))
			o->geoip_asn = NULL;
		if (from_config_only(st, OPT_GEOIP_CITY))
			o->geoip_city = NULL;
	}
	if (from_config_only(st, OPT_WORKERS) &&
	    (st->from_command[OPT_PCAP_EXPORT] || st->from_command[OPT_PCAPNG_EXPORT]))
		o->workers = 1;
	if (st->from_command[OPT_WORKERS] && o->workers > 1) {
		if (from_config_only(st, OPT_PCAP_EXPORT))
			o->pcap_export = NULL;
		if (from_config_only(st, OPT_PCAPNG_EXPORT))
			o->pcapng_export = NULL;
	}
	if (o->no_sandbox && o->sandbox_strict) {
		fprintf(stderr, "netlens: --no-sandbox and --sandbox-strict exclude each other\n");
		return OPTIONS_EXIT_USAGE;
	}
	if (o->read_file && o->n_interfaces) {
		fprintf(stderr, "netlens: --read and -i exclude each other: read a file or capture live\n");
		return OPTIONS_EXIT_USAGE;
	}
	if (o->read_file && o->workers > 1) {
		fprintf(stderr, "netlens: --workers applies to live capture; a file is read by one process\n");
		return OPTIONS_EXIT_USAGE;
	}
#ifndef __linux__
	if (o->workers > 1) {
		fprintf(stderr, "netlens: --workers needs Linux's PACKET_FANOUT; this system captures in one process\n");
		return OPTIONS_EXIT_USAGE;
	}
#endif
	if (o->no_geoip && (o->geoip_country || o->geoip_asn || o->geoip_city)) {
		fprintf(stderr, "netlens: --no-geoip and --geoip-%s exclude each other\n",
			o->geoip_country ? "country" : o->geoip_asn ? "asn" : "city");
		return OPTIONS_EXIT_USAGE;
	}
	if ((o->pcap_export || o->pcapng_export) && o->workers > 1) {
		fprintf(stderr, "netlens: --%s-export writes the packets one process reads: not with --workers\n",
			o->pcap_export ? "pcap" : "pcapng");
		return OPTIONS_EXIT_USAGE;
	}
	if (o->read_file && o->duration_s) {
		fprintf(stderr, "netlens: --duration applies to live capture, not to --read\n");
		return OPTIONS_EXIT_USAGE;
	}
	if (outputs_clash(o) < 0)
		return OPTIONS_EXIT_USAGE;
	return OPTIONS_RUN;
}
