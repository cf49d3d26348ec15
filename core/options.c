/* options.c - command-line parsing. Names follow RustNet's usage guide so
 * its users' habits and scripts carry over; netlens adds, never renames. */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "export.h"
#include "options.h"

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
	OPT_THEME, OPT_KUBERNETES,
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
"  -i, --interface IF         capture on IF ('any' for all); default: the\n"
"                             interface of the default route\n"
"      --read FILE            read a pcap or pcapng file instead of capturing\n"
"  -f, --bpf-filter EXPR      capture only what matches (pcap-filter(7) syntax)\n"
"      --snaplen BYTES        bytes kept per packet (default 4096)\n"
"      --buffer-size MIB      kernel capture buffer (default 4)\n"
"\n"
"Output:\n"
"      --headless             no terminal UI: print flows as text or JSON Lines\n"
"                             (also when stdin or stdout is not a terminal)\n"
"      --filter EXPR          start the UI with this connection filter (the\n"
"                             language of its / key: port:443 !proto:udp ...)\n"
"      --no-color             no colours in the UI (also when NO_COLOR is set)\n"
"      --theme NAME           the UI's colours: vivid (default), muted, catppuccin-mocha,\n"
"                             tokyo-night, gruvbox, nord (256-colour terminals)\n"
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
"  -h, --help                 show this help\n"
"  -V, --version              show the version\n"
"\n"
"Exit status: 0 on success, 1 on a runtime failure (capture, damaged file),\n"
"2 on a usage error. See netlens(8).\n", out);
}

/* Parses an unsigned decimal in [min, max]; -1 on anything else. */
/* A user's argument as it may appear in a one-line message: control bytes
 * escaped (an argument may hold a newline or an escape sequence), long
 * ones cut. Rotates through a few buffers so one message can show two. */
static const char *shown(const char *s)
{
	static char bufs[4][160];
	static unsigned next;
	char *b = bufs[next++ % 4];
	size_t o = 0;
	for (const unsigned char *p = (const unsigned char *)s; *p && o < sizeof(bufs[0]) - 8; p++) {
		if (*p < 0x20 || *p == 0x7f)
			o += (size_t)snprintf(b + o, sizeof(bufs[0]) - o, "\\x%02x", *p);
		else
			b[o++] = (char)*p;
	}
	if (strlen(s) > o && o >= sizeof(bufs[0]) - 8)
		memcpy(b + o, "...", 3), o += 3;
	b[o] = '\0';
	return b;
}

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

static int bad_number(const char *opt, const char *val, uint32_t min, uint32_t max)
{
	fprintf(stderr, "netlens: %s expects a whole number from %u to %u, not '%s'\n",
		opt, min, max, shown(val));
	return OPTIONS_EXIT_USAGE;
}

enum options_result options_parse(struct options *o, int argc, char **argv)
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
	o->export_active_timeout_s = 60;
	o->export_template_interval_s = 60;
	o->export_enterprise = EXPORT_DEFAULT_PEN;
	o->export_domain = 1;
	o->export_mtu = 1500;
	o->export_queue = 1024;
	o->export_rate = 10000;

	opterr = 0;
	optind = 0;	/* glibc: 0 also forgets a half-read cluster of short options */
	int c;
	while ((c = getopt_long(argc, argv, ":i:r:f:l:hV", long_opts, NULL)) != -1) {
		uint32_t v;
		switch (c) {
		case 'i':
			if (!*optarg) {
				fprintf(stderr, "netlens: -i expects an interface name\n");
				return OPTIONS_EXIT_USAGE;
			}
			o->interface = optarg;
			break;
		case OPT_READ:
			o->read_file = optarg;
			break;
		case OPT_HEADLESS:
			o->headless = 1;
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "text"))
				o->format = FORMAT_TEXT;
			else if (!strcmp(optarg, "json") || !strcmp(optarg, "jsonl"))
				o->format = FORMAT_JSON;
			else if (!strcmp(optarg, "msgpack"))
				o->format = FORMAT_MSGPACK;
			else {
				fprintf(stderr, "netlens: --format expects 'text', 'json' or 'msgpack', not '%s'\n",
					shown(optarg));
				return OPTIONS_EXIT_USAGE;
			}
			break;
		case 'r':
			if (parse_u32(optarg, 1, 3600000, &v) < 0) {
				char *end;
				errno = 0;
				(void)strtoull(optarg, &end, 10);
				if (*optarg && *end == '\0' && *optarg != '-')
					return bad_number("-r/--refresh-interval", optarg, 1, 3600000);
				fprintf(stderr, "netlens: -r is the refresh interval in milliseconds, not "
					"'%s'; to read a capture file use --read FILE\n", shown(optarg));
				return OPTIONS_EXIT_USAGE;
			}
			o->refresh_ms = v;
			break;
		case 'f':
			o->bpf_filter = optarg;
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
				if (!strcasecmp(optarg, names[i]))
					found = i;
			if (found < 0) {
				fprintf(stderr, "netlens: --log-level expects error, warn, info, debug or "
					"trace, not '%s'\n", shown(optarg));
				return OPTIONS_EXIT_USAGE;
			}
			o->log_level = (enum log_level)found;
			break;
		}
		case OPT_JSON_LOG:
			if (!*optarg) {
				fprintf(stderr, "netlens: --json-log expects a file name\n");
				return OPTIONS_EXIT_USAGE;
			}
			o->json_log = optarg;
			break;
		case OPT_PCAP_EXPORT:
		case OPT_PCAPNG_EXPORT: {
			const char *name = c == OPT_PCAP_EXPORT ? "--pcap-export" : "--pcapng-export";
			if (!*optarg) {
				fprintf(stderr, "netlens: %s expects a file name\n", name);
				return OPTIONS_EXIT_USAGE;
			}
			if (c == OPT_PCAP_EXPORT)
				o->pcap_export = optarg;
			else
				o->pcapng_export = optarg;
			break;
		}
		case OPT_GEOIP_COUNTRY:
		case OPT_GEOIP_ASN:
		case OPT_GEOIP_CITY: {
			const char *name = c == OPT_GEOIP_COUNTRY ? "--geoip-country" :
					   c == OPT_GEOIP_ASN ? "--geoip-asn" : "--geoip-city";
			if (!*optarg) {
				fprintf(stderr, "netlens: %s expects a file name\n", name);
				return OPTIONS_EXIT_USAGE;
			}
			*(c == OPT_GEOIP_COUNTRY ? &o->geoip_country : c == OPT_GEOIP_ASN ? &o->geoip_asn :
			  &o->geoip_city) = optarg;
			break;
		}
		case OPT_NO_GEOIP:
			o->no_geoip = 1;
			break;
		case OPT_THEME: {
			static const char *const themes[] = { OPTIONS_THEMES };
			size_t t = 0;
			while (t < sizeof(themes) / sizeof(themes[0]) && strcmp(themes[t], optarg))
				t++;
			if (t == sizeof(themes) / sizeof(themes[0])) {
				fprintf(stderr, "netlens: --theme %s: not a theme (vivid, muted, catppuccin-mocha, "
					"tokyo-night, gruvbox, nord)\n", shown(optarg));
				return OPTIONS_EXIT_USAGE;
			}
			o->theme = themes[t];
			break;
		}
		case OPT_KUBERNETES:
			if (!strcmp(optarg, "auto") || !strcmp(optarg, "on") || !strcmp(optarg, "off")) {
				o->kubernetes = optarg[0] == 'a' ? -1 : optarg[1] == 'n';
				break;
			}
			fprintf(stderr, "netlens: --kubernetes %s: expected auto, on or off\n", shown(optarg));
			return OPTIONS_EXIT_USAGE;
		case OPT_MAX_FLOWS:
			if (parse_u32(optarg, 1, 50000000, &v) < 0)
				return bad_number("--max-flows", optarg, 1, 50000000);
			o->max_flows = v;
			break;
		case OPT_HISTORY:
			if (parse_u32(optarg, 0, 50000000, &v) < 0)
				return bad_number("--history", optarg, 0, 50000000);
			o->history = (int32_t)v;
			break;
		case OPT_RATE_WINDOW:
			if (parse_u32(optarg, 1, 3600, &v) < 0)
				return bad_number("--rate-window", optarg, 1, 3600);
			o->rate_window_s = v;
			break;
		case OPT_SERVICES:
			o->services_file = optarg;
			break;
		case OPT_STATS:
			o->stats = 1;
			break;
		case OPT_SNAPLEN:
			if (parse_u32(optarg, 64, 262144, &v) < 0)
				return bad_number("--snaplen", optarg, 64, 262144);
			o->snaplen = v;
			break;
		case OPT_BUFFER:
			if (parse_u32(optarg, 1, 1024, &v) < 0)
				return bad_number("--buffer-size", optarg, 1, 1024);
			o->buffer_mib = v;
			break;
		case OPT_DURATION:
			if (parse_u32(optarg, 1, 31536000, &v) < 0)
				return bad_number("--duration", optarg, 1, 31536000);
			o->duration_s = v;
			break;
		case OPT_PLUGIN_DIR:
			if (o->n_plugin_dirs == 16) {
				fprintf(stderr, "netlens: --plugin-dir given more than 16 times\n");
				return OPTIONS_EXIT_USAGE;
			}
			o->plugin_dirs[o->n_plugin_dirs++] = optarg;
			break;
		case OPT_DISABLE_DISSECTOR:
			if (o->n_disabled == 32) {
				fprintf(stderr, "netlens: --disable-dissector given more than 32 times\n");
				return OPTIONS_EXIT_USAGE;
			}
			o->disabled[o->n_disabled++] = optarg;
			break;
		case OPT_LIST_DISSECTORS:
			o->list_dissectors = 1;
			break;
		case OPT_CHECK_PLUGIN:
			o->check_plugin = optarg;
			break;
		case OPT_NO_COLOR:
			o->no_color = 1;
			break;
		case OPT_NO_EBPF:
			o->no_ebpf = 1;
			break;
		case OPT_FILTER:
			o->ui_filter = optarg;
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
			o->dns_server = optarg;
			o->resolve_dns = 1;
			break;
		case OPT_EXPORT: {
			struct export_target t;
			char err[512];
			if (export_parse_url(optarg, &t, err, sizeof(err)) < 0) {
				fprintf(stderr, "netlens: %s\n", err);
				return OPTIONS_EXIT_USAGE;
			}
			if (o->n_export == 8) {
				fprintf(stderr, "netlens: --export given more than 8 times\n");
				return OPTIONS_EXIT_USAGE;
			}
			o->export_urls[o->n_export++] = optarg;
			break;
		}
		case OPT_EXPORT_ACTIVE:
			if (parse_u32(optarg, 0, 86400, &v) < 0)
				return bad_number("--export-active-timeout", optarg, 0, 86400);
			o->export_active_timeout_s = v;
			break;
		case OPT_EXPORT_TEMPLATES:
			if (parse_u32(optarg, 1, 86400, &v) < 0)
				return bad_number("--export-template-interval", optarg, 1, 86400);
			o->export_template_interval_s = v;
			break;
		case OPT_EXPORT_PEN:
			if (parse_u32(optarg, 1, UINT32_MAX, &v) < 0)
				return bad_number("--export-enterprise", optarg, 1, UINT32_MAX);
			if (v == EXPORT_REVERSE_PEN) {
				fprintf(stderr, "netlens: --export-enterprise %u is RFC 5103's reverse "
					"number; choose another\n", v);
				return OPTIONS_EXIT_USAGE;
			}
			o->export_enterprise = v;
			break;
		case OPT_EXPORT_DOMAIN:
			if (parse_u32(optarg, 0, UINT32_MAX, &v) < 0)
				return bad_number("--export-domain", optarg, 0, UINT32_MAX);
			o->export_domain = v;
			break;
		case OPT_EXPORT_MTU:
			if (parse_u32(optarg, 576, 65535, &v) < 0)
				return bad_number("--export-mtu", optarg, 576, 65535);
			o->export_mtu = v;
			break;
		case OPT_EXPORT_QUEUE:
			if (parse_u32(optarg, 4, 1000000, &v) < 0)
				return bad_number("--export-queue", optarg, 4, 1000000);
			o->export_queue = v;
			break;
		case OPT_EXPORT_RATE:
			if (parse_u32(optarg, 0, 10000000, &v) < 0)
				return bad_number("--export-rate", optarg, 0, 10000000);
			o->export_rate = v;
			break;
		case OPT_SANDBOX_STRICT:
			o->sandbox_strict = 1;
			break;
		case OPT_WORKERS:
			if (!strcmp(optarg, "auto")) {
				long n = sysconf(_SC_NPROCESSORS_ONLN);
				o->workers = n < 1 ? 1 : n > WORKERS_MAX ? WORKERS_MAX : (uint32_t)n;
			} else if (parse_u32(optarg, 1, WORKERS_MAX, &v) < 0) {
				return bad_number("--workers", optarg, 1, WORKERS_MAX);
			} else {
				o->workers = v;
			}
			break;
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
		default:
			if (optopt && optopt < 256)
				fprintf(stderr, "netlens: unknown option -%s (see netlens --help)\n",
					shown((char[]){ (char)optopt, 0 }));
			else
				fprintf(stderr, "netlens: unknown option %s (see netlens --help)\n",
					shown(argv[optind - 1]));
			return OPTIONS_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "netlens: unexpected argument '%s'%s\n", shown(argv[optind]),
			strstr(argv[optind], ".pcap") ? "; to read a capture file use --read FILE" : "");
		return OPTIONS_EXIT_USAGE;
	}
	if (o->no_sandbox && o->sandbox_strict) {
		fprintf(stderr, "netlens: --no-sandbox and --sandbox-strict exclude each other\n");
		return OPTIONS_EXIT_USAGE;
	}
	if (o->read_file && o->interface) {
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
	return OPTIONS_RUN;
}
