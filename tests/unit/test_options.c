/* test_options.c - the command line (core/options.c). Each test runs in
 * its own fork, so getopt's global state starts fresh; stderr and stdout
 * are captured through temporary files. */
#include "config.h"

#include "unit.h"

#include <unistd.h>

#include <fcntl.h>
#include <ftw.h>
#include <pwd.h>
#include <sys/stat.h>
#ifdef __linux__
#include <linux/capability.h>
#include <sys/syscall.h>
#endif

#include "config_file.h"
#include "flow.h"
#include "options.h"

#define MAXARGS 32

/* The configuration files a parse reads when the command line names none:
 * none unless a test says so (a developer's own file must not change what
 * the tests see). */
static const char *const *default_configs;

struct captured {
	enum options_result rc;
	char out[8192];		/* stdout */
	char err[8192];		/* stderr */
};

static void slurp(FILE *f, char *buf, size_t n)
{
	rewind(f);
	size_t got = fread(buf, 1, n - 1, f);
	buf[got] = '\0';
}

/* Parses a NULL-terminated argument list (argv[0] is added). */
static void parse_args(struct options *o, struct captured *c, const char *const *args)
{
	char *argv[MAXARGS + 2];
	int argc = 0;
	argv[argc++] = (char *)"netlens";
	for (; *args; args++) {
		ck_assert_int_lt(argc, MAXARGS);
		argv[argc++] = (char *)*args;
	}
	argv[argc] = NULL;

	FILE *ef = tmpfile(), *of = tmpfile();
	ck_assert_ptr_nonnull(ef);
	ck_assert_ptr_nonnull(of);
	fflush(stdout);
	fflush(stderr);
	int save_err = dup(2), save_out = dup(1);
	ck_assert_int_ge(save_err, 0);
	dup2(fileno(ef), 2);
	dup2(fileno(of), 1);
	c->rc = options_parse_config(o, argc, argv, default_configs);
	fflush(stdout);
	fflush(stderr);
	dup2(save_err, 2);
	dup2(save_out, 1);
	close(save_err);
	close(save_out);
	slurp(ef, c->err, sizeof(c->err));
	slurp(of, c->out, sizeof(c->out));
	fclose(ef);
	fclose(of);
}

#define ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void assert_one_line(const struct captured *c, const char *what)
{
	size_t n = strlen(c->err);
	ck_assert_msg(n > 0, "%s: nothing on stderr", what);
	ck_assert_msg(c->err[n - 1] == '\n', "%s: not a line: %s", what, c->err);
	ck_assert_msg(strchr(c->err, '\n') == c->err + n - 1, "%s: more than one line: %s", what, c->err);
	ck_assert_msg(strncmp(c->err, "netlens: ", 9) == 0, "%s: %s", what, c->err);
}

/* ---- valid --------------------------------------------------------------- */

START_TEST(test_defaults)
{
	struct options o;
	struct captured c;
	char *argv[] = { (char *)"netlens", NULL };
	memset(&o, 0xa5, sizeof(o));	/* every field must be set by the parser */
	c.rc = options_parse_config(&o, 1, argv, NULL);
	ck_assert_int_eq(c.rc, OPTIONS_RUN);
	ck_assert_uint_eq(o.refresh_ms, 1000);
	ck_assert_uint_eq(o.max_flows, 100000);
	ck_assert_int_eq(o.format, FORMAT_TEXT);
	ck_assert_int_eq(o.history, -1);
	ck_assert_uint_eq(o.rate_window_s, 10);
	ck_assert_uint_eq(o.snaplen, 4096);
	ck_assert_uint_eq(o.buffer_mib, 4);
	ck_assert_uint_eq(o.duration_s, 0);
	ck_assert_int_eq(o.show_localhost, -1);
	ck_assert_int_eq(o.log_level, LOG_OFF);
	ck_assert_uint_eq(o.n_interfaces, 0);
	ck_assert_ptr_null(o.read_file);
	ck_assert_ptr_null(o.bpf_filter);
	ck_assert_ptr_null(o.json_log);
	ck_assert_ptr_null(o.services_file);
	ck_assert_int_eq(o.headless, 0);
	ck_assert_int_eq(o.no_dpi, 0);
	ck_assert_int_eq(o.stats, 0);
	ck_assert_int_eq(o.ui_sort, 0);
	ck_assert_int_eq(o.ui_sort_desc, -1);
	ck_assert_int_eq(o.ui_group, 0);
	ck_assert_int_eq(o.ui_bits, 0);
	ck_assert_int_eq(o.ui_filter_from_config, 0);
	ck_assert_uint_eq(o.n_config_files, 0);
}
END_TEST

START_TEST(test_every_option)
{
	struct options o;
	struct captured c;
	parse_args(&o, &c, ARGS("-i", "eth0", "--headless", "--format", "json", "-r", "500",
				"-f", "tcp port 80", "--no-localhost", "--no-dpi", "-l", "debug",
				"--json-log", "ev.jsonl", "--max-flows", "4", "--pcap-export", "a.pcap",
				"--pcapng-export", "b.pcapng", "--theme", "tokyo-night", "--kubernetes", "on"));
	ck_assert_int_eq(c.rc, OPTIONS_RUN);
	ck_assert_int_eq(o.kubernetes, 1);
	ck_assert_str_eq(o.pcap_export, "a.pcap");
	ck_assert_str_eq(o.pcapng_export, "b.pcapng");
	ck_assert_str_eq(o.theme, "tokyo-night");
	ck_assert_str_eq(c.err, "");
	ck_assert_uint_eq(o.n_interfaces, 1);
	ck_assert_str_eq(o.interfaces[0], "eth0");
	ck_assert_int_eq(o.headless, 1);
	ck_assert_int_eq(o.format, FORMAT_JSON);
	ck_assert_uint_eq(o.refresh_ms, 500);
	ck_assert_str_eq(o.bpf_filter, "tcp port 80");
	ck_assert_int_eq(o.show_localhost, 0);
	ck_assert_int_eq(o.no_dpi, 1);
	ck_assert_int_eq(o.log_level, LOG_DEBUG);
	ck_assert_str_eq(o.json_log, "ev.jsonl");
	ck_assert_uint_eq(o.max_flows, 4);

	parse_args(&o, &c, ARGS("--read", "x.pcap", "--format", "jsonl", "--refresh-interval", "250",
				"--bpf-filter", "udp", "--show-localhost", "--log-level", "TRACE",
				"--history", "0", "--rate-window", "5", "--services", "svc"));
	ck_assert_int_eq(c.rc, OPTIONS_RUN);
	ck_assert_str_eq(o.read_file, "x.pcap");
	ck_assert_int_eq(o.format, FORMAT_JSON);
	ck_assert_uint_eq(o.refresh_ms, 250);
	ck_assert_str_eq(o.bpf_filter, "udp");
	ck_assert_int_eq(o.show_localhost, 1);
	ck_assert_int_eq(o.log_level, LOG_TRACE);
	ck_assert_int_eq(o.history, 0);
	ck_assert_uint_eq(o.rate_window_s, 5);
	ck_assert_str_eq(o.services_file, "svc");

	parse_args(&o, &c, ARGS("--interface=any", "--stats", "--snaplen", "64", "--buffer-size",
				"1024", "--duration", "30", "--no-sandbox", "--format=text", "-l", "off"));
	ck_assert_int_eq(c.rc, OPTIONS_RUN);
	ck_assert_uint_eq(o.n_interfaces, 1);
	ck_assert_str_eq(o.interfaces[0], "any");
	ck_assert_int_eq(o.stats, 1);
	ck_assert_uint_eq(o.snaplen, 64);
	ck_assert_uint_eq(o.buffer_mib, 1024);
	ck_assert_uint_eq(o.duration_s, 30);
	ck_assert_int_eq(o.format, FORMAT_TEXT);
	ck_assert_int_eq(o.log_level, LOG_OFF);

	parse_args(&o, &c, ARGS("-r500", "--max-flows=50000000", "--snaplen=262144"));
	ck_assert_int_eq(c.rc, OPTIONS_RUN);
	ck_assert_uint_eq(o.refresh_ms, 500);
	ck_assert_uint_eq(o.max_flows, 50000000);
	ck_assert_uint_eq(o.snaplen, 262144);
}
END_TEST

/* Several interfaces: a list, the option again, or both; in order. */
START_TEST(test_interfaces)
{
	struct options o;
	struct captured c;
	parse_args(&o, &c, ARGS("-i", "eth0,wlan0", "--interface", "veth1", "-i", "nflog:5"));
	ck_assert_msg(c.rc == OPTIONS_RUN, "%s", c.err);
	ck_assert_uint_eq(o.n_interfaces, 4);
	ck_assert_str_eq(o.interfaces[0], "eth0");
	ck_assert_str_eq(o.interfaces[1], "wlan0");
	ck_assert_str_eq(o.interfaces[2], "veth1");
	ck_assert_str_eq(o.interfaces[3], "nflog:5");
	parse_args(&o, &c, ARGS("-i", "a,b,c,d,e,f,g,h"));
	ck_assert_msg(c.rc == OPTIONS_RUN, "%s", c.err);
	ck_assert_uint_eq(o.n_interfaces, OPTIONS_MAX_INTERFACES);
	ck_assert_str_eq(o.interfaces[7], "h");
	/* A name of the longest length libpcap is given here. */
	char longest[OPTIONS_INTERFACE_NAME_MAX];
	memset(longest, 'x', sizeof(longest) - 1);
	longest[sizeof(longest) - 1] = '\0';
	parse_args(&o, &c, ARGS("-i", longest));
	ck_assert_msg(c.rc == OPTIONS_RUN, "%s", c.err);
	ck_assert_str_eq(o.interfaces[0], longest);
	/* Alerts: the list is read later (app), the rate now. */
	parse_args(&o, &c, ARGS("--alert-list", "bad.txt", "--alert-rate", "down:80Mbit"));
	ck_assert_msg(c.rc == OPTIONS_RUN, "%s", c.err);
	ck_assert_str_eq(o.alert_list, "bad.txt");
	ck_assert(o.alert_rate == 10e6);
	ck_assert_int_eq(o.alert_rate_dir, DIR_REV);
	/* With workers: each opens every interface. */
	parse_args(&o, &c, ARGS("-i", "eth0,wlan0", "--workers", "2"));
	ck_assert_msg(c.rc == OPTIONS_RUN, "%s", c.err);
	ck_assert_uint_eq(o.n_interfaces, 2);
	ck_assert_uint_eq(o.workers, 2);
}
END_TEST

START_TEST(test_help_and_version)
{
	struct options o;
	struct captured c;
	parse_args(&o, &c, ARGS("--help"));
	ck_assert_int_eq(c.rc, OPTIONS_EXIT_OK);
	ck_assert_msg(strstr(c.out, "Usage: netlens") != NULL, "%s", c.out);
	ck_assert_ptr_nonnull(strstr(c.out, "--read FILE"));
	ck_assert_str_eq(c.err, "");
	parse_args(&o, &c, ARGS("-h"));
	ck_assert_int_eq(c.rc, OPTIONS_EXIT_OK);
	parse_args(&o, &c, ARGS("--version"));
	ck_assert_int_eq(c.rc, OPTIONS_EXIT_OK);
	ck_assert_str_eq(c.out, "netlens " PACKAGE_VERSION "\nfeatures: " NETLENS_FEATURES "\n");
	parse_args(&o, &c, ARGS("-V"));
	ck_assert_int_eq(c.rc, OPTIONS_EXIT_OK);
	ck_assert_str_eq(c.err, "");
}
END_TEST

/* ---- malformed: usage errors, each one line on stderr ------------------------ */

struct bad { const char *args[5]; const char *mention; };

static const struct bad bads[] = {
	{ { "-r", "foo.pcap" }, "--read" },
	{ { "-r", "0" }, "1 to 3600000" },
	{ { "-r", "3600001" }, "-r" },
	{ { "-r", "-5" }, "-r" },
	{ { "-r", "" }, "-r" },
	{ { "-r", "10ms" }, "--read" },
	{ { "-r" }, "--read" },
	{ { "foo.pcap" }, "--read" },
	{ { "extra" }, "extra" },
	{ { "--read" }, "--read" },
	{ { "--format", "xml" }, "xml" },
	{ { "--format" }, "--format" },
	{ { "-l", "loud" }, "loud" },
	{ { "--max-flows", "0" }, "--max-flows" },
	{ { "--max-flows", "50000001" }, "--max-flows" },
	{ { "--max-flows", "12abc" }, "12abc" },
	{ { "--max-flows", "+5" }, "--max-flows" },
	{ { "--max-flows", "99999999999999999999999" }, "--max-flows" },
	{ { "--history", "-1" }, "--history" },
	{ { "--rate-window", "0" }, "--rate-window" },
	{ { "--rate-window", "3601" }, "--rate-window" },
	{ { "--snaplen", "63" }, "--snaplen" },
	{ { "--buffer-size", "0" }, "--buffer-size" },
	{ { "--duration", "0" }, "--duration" },
	{ { "--bogus" }, "--bogus" },
	{ { "-x" }, "-x" },
	{ { "-i", "" }, "-i" },
	{ { "--json-log", "" }, "--json-log" },
	{ { "--pcap-export", "" }, "--pcap-export" },
	{ { "--theme", "solarized" }, "solarized" },
	{ { "--theme", "" }, "--theme" },
	{ { "--kubernetes", "yes" }, "--kubernetes yes" },
	{ { "--kubernetes", "" }, "--kubernetes" },
	{ { "--no-geoip", "--geoip-asn", "a.mmdb" }, "--no-geoip" },
	{ { "--geoip-city", "" }, "--geoip-city" },
	{ { "--pcapng-export", "" }, "--pcapng-export" },
	{ { "--pcap-export", "x.pcap", "--workers", "2" }, "--workers" },
	{ { "--workers", "2", "--pcapng-export", "x.pcapng" }, "--pcapng-export" },
	{ { "--read", "a.pcap", "-i", "eth0" }, "--read" },
	{ { "--alert-rate", "fast" }, "--alert-rate expects" },
	{ { "--alert-rate", "10Mbits" }, "'10Mbits'" },
	{ { "--alert-list", "" }, "--alert-list expects a file" },
	{ { "-i", "eth0,,wlan0" }, "an empty interface name" },
	{ { "-i", "eth0," }, "an empty interface name" },
	{ { "-i", ",eth0" }, "an empty interface name" },
	{ { "-i", "eth0,eth0" }, "'eth0' given twice" },
	{ { "-i", "eth0", "-i", "eth0" }, "'eth0' given twice" },
	{ { "-i", "a,b,c,d,e,f,g,h,i" }, "at most 8 interfaces" },
	{ { "-i", "any,eth0" }, "-i any" },
	{ { "-i", "eth0", "--interface=any" }, "-i any" },
	{ { "-i", "eth0\n,x" }, "eth0\\x0a" },
	{ { "-i", "e0123456789012345678901234567890123456789012345678901234567890123456789"
		  "01234567890123456789012345678901234567890123456789012345678" }, "longer than 127" },
	{ { "--read", "a.pcap", "--duration", "5" }, "--duration" },
	{ { "--dns-server" }, "--dns-server" },
	/* Regression (fuzz_options): a value holding a newline or an escape is
	 * shown escaped, so the message stays one line. */
	{ { "-r", "foo\npcp" }, "foo\\x0apcp" },
	{ { "--format", "\033[2Jjson" }, "\\x1b[2Jjson" },
	{ { "--bogus\nx" }, "--bogus\\x0ax" },
	{ { "-\n" }, "-\\x0a" },
	{ { "--no-sandbox", "--sandbox-strict" }, "exclude each other" },
	{ { "--sort", "speed" }, "--sort speed" },
	{ { "--sort", "bandwidth:up" }, "--sort bandwidth:up" },
	{ { "--sort", "bandwidth:" }, "--sort" },
	{ { "--sort", "" }, "--sort" },
	{ { "--group", "host" }, "--group host" },
	{ { "--units", "bytes/s" }, "--units" },
	{ { "--config", "" }, "--config" },
	{ { "--config", "a.conf", "--no-config" }, "exclude each other" },
	{ { "--config", "/nonexistent/netlens.conf" }, "/nonexistent/netlens.conf: No such file" },
};

START_TEST(test_usage_error)
{
	const struct bad *b = &bads[_i];
	struct options o;
	struct captured c;
	parse_args(&o, &c, b->args);
	ck_assert_msg(c.rc == OPTIONS_EXIT_USAGE, "%s %s: %d", b->args[0],
		      b->args[1] ? b->args[1] : "", c.rc);
	assert_one_line(&c, b->args[0]);
	ck_assert_msg(strstr(c.err, b->mention) != NULL, "'%s' does not mention %s", c.err, b->mention);
	ck_assert_str_eq(c.out, "");
}
END_TEST

START_TEST(test_reverse_dns_options)
{
	struct options o;
	struct captured c;
	parse_args(&o, &c, ARGS("-i", "lo"));
	ck_assert_int_eq(c.rc, OPTIONS_RUN);
	ck_assert_int_eq(o.resolve_dns, -1);	/* the mode decides: live on, file off */
	ck_assert_int_eq(o.kubernetes, -1);	/* auto */
	parse_args(&o, &c, ARGS("--no-resolve-dns"));
	ck_assert_int_eq(o.resolve_dns, 0);
	parse_args(&o, &c, ARGS("--resolve-dns", "--show-ptr-lookups"));
	ck_assert_int_eq(o.resolve_dns, 1);
	ck_assert_int_eq(o.show_ptr_lookups, 1);
	parse_args(&o, &c, ARGS("--dns-server", "192.0.2.53"));
	ck_assert_int_eq(o.resolve_dns, 1);
	ck_assert_str_eq(o.dns_server, "192.0.2.53");
	parse_args(&o, &c, ARGS("--resolve-dns", "--no-resolve-dns"));	/* the last one wins */
	ck_assert_int_eq(o.resolve_dns, 0);
}
END_TEST

START_TEST(test_r_pcap_hint)
{
	/* The RustNet habit: -r is not --read. */
	struct options o;
	struct captured c;
	parse_args(&o, &c, ARGS("-r", "foo.pcap"));
	ck_assert_int_eq(c.rc, OPTIONS_EXIT_USAGE);
	assert_one_line(&c, "-r foo.pcap");
	ck_assert_ptr_nonnull(strstr(c.err, "--read"));
	ck_assert_ptr_nonnull(strstr(c.err, "foo.pcap"));
	parse_args(&o, &c, ARGS("-r", "500"));
	ck_assert_int_eq(c.rc, OPTIONS_RUN);
	ck_assert_uint_eq(o.refresh_ms, 500);
	ck_assert_str_eq(c.err, "");
}
END_TEST

/* ---- regressions ------------------------------------------------------------- */

START_TEST(test_parse_twice)
{
	/* A parse that stops inside a cluster ("-hV" stops at h) must not leak
	 * into the next parse in the same process. */
	struct options o;
	struct captured c;
	parse_args(&o, &c, ARGS("-hV"));
	ck_assert_int_eq(c.rc, OPTIONS_EXIT_OK);
	parse_args(&o, &c, ARGS("--stats"));
	ck_assert_msg(c.rc == OPTIONS_RUN, "second parse returned %d (stdout: %.40s)", c.rc, c.out);
	ck_assert_int_eq(o.stats, 1);
}
END_TEST

START_TEST(test_parse_twice_after_error)
{
	struct options o;
	struct captured c;
	parse_args(&o, &c, ARGS("--max-flows", "0", "--stats"));
	ck_assert_int_eq(c.rc, OPTIONS_EXIT_USAGE);
	parse_args(&o, &c, ARGS("--max-flows", "7"));
	ck_assert_int_eq(c.rc, OPTIONS_RUN);
	ck_assert_uint_eq(o.max_flows, 7);
	ck_assert_int_eq(o.stats, 0);	/* nothing carried over */
}
END_TEST

/* ---- the UI's settings ----------------------------------------------------- */

START_TEST(test_ui_settings)
{
	struct options o;
	struct captured c;
	parse_args(&o, &c, ARGS("--sort", "bandwidth", "--group", "remote", "--units", "bits"));
	ck_assert_int_eq(c.rc, OPTIONS_RUN);
	ck_assert_int_eq(o.ui_sort, 10);	/* OPTIONS_SORT_COLUMNS: ..., application, rtt, bandwidth */
	ck_assert_int_eq(o.ui_sort_desc, -1);	/* the column's own direction */
	ck_assert_int_eq(o.ui_group, 2);
	ck_assert_int_eq(o.ui_bits, 1);
	parse_args(&o, &c, ARGS("--sort=process:desc", "--group", "process", "--units", "bytes"));
	ck_assert_int_eq(c.rc, OPTIONS_RUN);
	ck_assert_int_eq(o.ui_sort, 11);	/* process */
	ck_assert_int_eq(o.ui_sort_desc, 1);
	parse_args(&o, &c, ARGS("--sort", "rtt:asc", "--group", "process", "--units", "bytes"));
	ck_assert_int_eq(c.rc, OPTIONS_RUN);
	ck_assert_int_eq(o.ui_sort, 9);	/* rtt */
	ck_assert_int_eq(o.ui_sort_desc, 0);
	parse_args(&o, &c, ARGS("--sort", "location"));
	ck_assert_int_eq(c.rc, OPTIONS_RUN);
	ck_assert_int_eq(o.ui_sort, 5);
	parse_args(&o, &c, ARGS("--sort=process:desc", "--group", "process", "--units", "bytes"));
	ck_assert_int_eq(c.rc, OPTIONS_RUN);
	ck_assert_int_eq(o.ui_sort_desc, 1);
	ck_assert_int_eq(o.ui_group, 1);
	ck_assert_int_eq(o.ui_bits, 0);
	parse_args(&o, &c, ARGS("--sort", "interface"));
	ck_assert_int_eq(c.rc, OPTIONS_RUN);
	ck_assert_int_eq(o.ui_sort, 2);		/* after protocol, as the If column */
	ck_assert_int_eq(o.ui_sort_desc, -1);
	parse_args(&o, &c, ARGS("--sort", "created:asc", "--group", "none"));
	ck_assert_int_eq(c.rc, OPTIONS_RUN);
	ck_assert_int_eq(o.ui_sort, 0);
	ck_assert_int_eq(o.ui_sort_desc, 0);
	ck_assert_int_eq(o.ui_group, 0);
}
END_TEST

/* ---- the configuration file ------------------------------------------------- */

static char config_dir[64];

/* Writes a configuration file (mode 0600) and returns its path. */
static const char *write_config(const char *name, const char *text, size_t len)
{
	static char paths[4][128];
	static unsigned next;
	if (!config_dir[0]) {
		snprintf(config_dir, sizeof(config_dir), "/tmp/netlens-test-options.XXXXXX");
		ck_assert_ptr_nonnull(mkdtemp(config_dir));
	}
	char *p = paths[next++ % 4];
	snprintf(p, 128, "%s/%s", config_dir, name);
	int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, text, len), (ssize_t)len);
	close(fd);
	ck_assert_int_eq(chmod(p, 0600), 0);
	return p;
}

static int remove_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb, (void)flag, (void)ftw;
	return remove(path);
}

/* Each test removes the folder it made (and, without fork, as under
 * qemu in tools/cross-build.sh, the next one makes a new one). */
static void remove_config_dir(void)
{
	if (config_dir[0])
		nftw(config_dir, remove_entry, 8, FTW_DEPTH | FTW_PHYS);
	config_dir[0] = '\0';
}

#ifdef __linux__
/* Raises or lowers CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH in the
 * effective set (they stay permitted). Returns 0, or -1 if capset fails. */
static int dac_caps(int on)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	if (syscall(SYS_capget, &h, d) < 0)
		return -1;
	uint32_t bits = 1u << CAP_DAC_OVERRIDE | 1u << CAP_DAC_READ_SEARCH;
	d[0].effective = on ? d[0].effective | (d[0].permitted & bits) : d[0].effective & ~bits;
	return syscall(SYS_capset, &h, d) < 0 ? -1 : 0;
}
#endif

#define CONFIG(name, text) write_config(name, text, sizeof(text) - 1)

START_TEST(test_config_applies)
{
	struct options o;
	struct captured c;
	const char *f = CONFIG("a.conf",
		"# netlens defaults\n"
		"\n"
		"   max-flows = 5000   \n"
		"interface=eth1\r\n"
		"theme tokyo-night\n"
		"filter = \" port:443 \"\n"
		"bpf-filter = tcp or udp\n"
		"\tno-color\n"
		"plugin-dir = /opt/a\n"
		"plugin-dir = /opt/b\n"
		"sort = bandwidth\n"
		"group = process\n"
		"units = bits\n"
		"dns-server = 192.0.2.53:5353   # a comment\n"
		"no-dpi # a switch with a comment\n"
		"bpf-filter = \"tcp or udp\"  # quoted, then a comment\n"
		"services = \"svc#1\"\n"
		"json-log = events#1.jsonl\n"
		"#max-flows = 1\n");
	parse_args(&o, &c, ARGS("--config", f));
	ck_assert_msg(c.rc == OPTIONS_RUN, "%s", c.err);
	ck_assert_str_eq(c.err, "");
	ck_assert_uint_eq(o.max_flows, 5000);
	ck_assert_uint_eq(o.n_interfaces, 1);
	ck_assert_str_eq(o.interfaces[0], "eth1");
	ck_assert_str_eq(o.theme, "tokyo-night");
	ck_assert_str_eq(o.ui_filter, " port:443 ");
	ck_assert_int_eq(o.ui_filter_from_config, 1);	/* a UI-less build ignores it */
	ck_assert_str_eq(o.bpf_filter, "tcp or udp");
	ck_assert_int_eq(o.no_color, 1);
	ck_assert_uint_eq(o.n_plugin_dirs, 2);
	ck_assert_str_eq(o.plugin_dirs[1], "/opt/b");
	ck_assert_int_eq(o.ui_sort, 10);	/* bandwidth */
	ck_assert_int_eq(o.ui_group, 1);
	ck_assert_int_eq(o.ui_bits, 1);
	ck_assert_int_eq(o.resolve_dns, 1);
	ck_assert_str_eq(o.dns_server, "192.0.2.53:5353");
	ck_assert_int_eq(o.no_dpi, 1);
	ck_assert_str_eq(o.services_file, "svc#1");
	ck_assert_str_eq(o.json_log, "events#1.jsonl");	/* '#' after a blank only */

	parse_args(&o, &c, ARGS("--config", f, "--filter", "proto:udp"));
	ck_assert_int_eq(c.rc, OPTIONS_RUN);
	ck_assert_str_eq(o.ui_filter, "proto:udp");
	ck_assert_int_eq(o.ui_filter_from_config, 0);

	/* The default files are read in order, the later one outweighing. */
	const char *sys = CONFIG("sys.conf", "max-flows = 10\nhistory = 3\ninterface = eth0\n");
	const char *user = CONFIG("user.conf", "max-flows = 20\ninterface = eth0,wlan0\n");
	const char *missing = "/nonexistent/netlens/config";
	const char *const defaults[] = { sys, user, NULL };
	default_configs = defaults;
	parse_args(&o, &c, ARGS("--stats"));
	ck_assert_int_eq(c.rc, OPTIONS_RUN);
	ck_assert_uint_eq(o.max_flows, 20);
	ck_assert_int_eq(o.history, 3);
	/* A list too: the user's replaces the system's (eth0 is no duplicate). */
	ck_assert_msg(o.n_interfaces == 2, "%u interfaces: %s", o.n_interfaces, c.err);
	ck_assert_str_eq(o.interfaces[0], "eth0");
	ck_assert_str_eq(o.interfaces[1], "wlan0");
	ck_assert_uint_eq(o.n_config_files, 2);	/* named in the log */
	ck_assert_str_eq(o.config_files[0], sys);
	ck_assert_str_eq(o.config_files[1], user);
	/* --config reads that file instead; --no-config none. */
	parse_args(&o, &c, ARGS("--config", f));
	ck_assert_uint_eq(o.max_flows, 5000);
	ck_assert_int_eq(o.history, -1);
	parse_args(&o, &c, ARGS("--no-config"));
	ck_assert_int_eq(c.rc, OPTIONS_RUN);
	ck_assert_uint_eq(o.max_flows, 100000);
	/* A default file that is not there is no error. */
	const char *const absent[] = { missing, user, NULL };
	default_configs = absent;
	parse_args(&o, &c, ARGS("--stats"));
	ck_assert_int_eq(c.rc, OPTIONS_RUN);
	ck_assert_str_eq(c.err, "");
	ck_assert_uint_eq(o.max_flows, 20);
	default_configs = NULL;
}
END_TEST

START_TEST(test_config_command_line_wins)
{
	struct options o;
	struct captured c;
	const char *f = CONFIG("b.conf",
		"max-flows = 5\n"
		"plugin-dir = /opt/a\n"
		"plugin-dir = /opt/b\n"
		"disable-dissector = quic\n"
		"interface = eth1\n"
		"workers = 2\n"
		"duration = 60\n"
		"no-sandbox\n"
		"geoip-asn = /x/asn.mmdb\n"
		"pcapng-export = /x/all.pcapng\n");
	/* Values: the command line's; a list given there replaces the file's. */
	parse_args(&o, &c, ARGS("--config", f, "--max-flows", "7", "--plugin-dir", "/opt/c",
				"--workers", "1"));
	ck_assert_msg(c.rc == OPTIONS_RUN, "%s", c.err);
	ck_assert_uint_eq(o.max_flows, 7);
	ck_assert_uint_eq(o.n_plugin_dirs, 1);
	ck_assert_str_eq(o.plugin_dirs[0], "/opt/c");
	ck_assert_uint_eq(o.n_disabled, 1);	/* not given on the command line: kept */
	ck_assert_str_eq(o.disabled[0], "quic");
	ck_assert_str_eq(o.pcapng_export, "/x/all.pcapng");
	ck_assert_uint_eq(o.n_interfaces, 1);	/* the file's */
	ck_assert_str_eq(o.interfaces[0], "eth1");
	parse_args(&o, &c, ARGS("--config", f, "-i", "eth0,eth1", "--workers", "1"));
	ck_assert_msg(c.rc == OPTIONS_RUN, "%s", c.err);
	ck_assert_uint_eq(o.n_interfaces, 2);	/* replaced, not added to: eth1 is no duplicate */
	ck_assert_str_eq(o.interfaces[0], "eth0");
	ck_assert_str_eq(o.interfaces[1], "eth1");

	/* What the command line asks for outweighs the file's settings that
	 * exclude it, instead of failing as two command-line options would. */
	parse_args(&o, &c, ARGS("--config", f, "--read", "x.pcap", "--sandbox-strict", "--no-geoip"));
	ck_assert_msg(c.rc == OPTIONS_RUN, "%s", c.err);
	ck_assert_uint_eq(o.n_interfaces, 0);
	ck_assert_uint_eq(o.workers, 1);
	ck_assert_uint_eq(o.duration_s, 0);
	ck_assert_int_eq(o.no_sandbox, 0);
	ck_assert_int_eq(o.sandbox_strict, 1);
	ck_assert_ptr_null(o.geoip_asn);
	ck_assert_int_eq(o.no_geoip, 1);
	/* The file's workers = 2 against its own pcapng-export: the command
	 * line said neither, so it is an error, as on the command line. */
	parse_args(&o, &c, ARGS("--config", f));
	ck_assert_int_eq(c.rc, OPTIONS_EXIT_USAGE);
	assert_one_line(&c, "workers and pcapng-export in one file");
	/* --pcap-export given: the file's workers give way. */
	parse_args(&o, &c, ARGS("--config", f, "--pcap-export", "y.pcap"));
	ck_assert_msg(c.rc == OPTIONS_RUN, "%s", c.err);
	ck_assert_uint_eq(o.workers, 1);
	/* And the other way round: --workers given, the file's export gives way. */
	parse_args(&o, &c, ARGS("--config", f, "--workers", "3"));
	ck_assert_msg(c.rc == OPTIONS_RUN, "%s", c.err);
	ck_assert_uint_eq(o.workers, 3);
	ck_assert_ptr_null(o.pcapng_export);
	/* --help works whatever the file holds. */
	const char *bad = CONFIG("bad.conf", "max-flows = many\n");
	parse_args(&o, &c, ARGS("--config", bad, "--help"));
	ck_assert_int_eq(c.rc, OPTIONS_EXIT_OK);
	ck_assert_str_eq(c.err, "");
}
END_TEST

/* --theme-color, and RustNet's [theme] and [theme.overrides] in a file:
 * a RustNet user's config.toml theme part pasted at the end of netlens'. */
START_TEST(test_theme_colors)
{
	struct options o;
	struct captured c;
	parse_args(&o, &c, ARGS("--theme-color", "warn=#d97706", "--theme-color", "key=lightcyan,err=red"));
	ck_assert_msg(c.rc == OPTIONS_RUN, "%s", c.err);
	ck_assert_int_eq(o.theme_colors[THEME_WARN].kind, THEME_RGB);
	ck_assert_int_eq(o.theme_colors[THEME_WARN].rgb[0], 0xd9);
	ck_assert_int_eq(o.theme_colors[THEME_KEY].ansi, 14);
	ck_assert_int_eq(o.theme_colors[THEME_ERR].ansi, 1);
	ck_assert_int_eq(o.theme_colors[THEME_ACCENT].kind, THEME_UNSET);

	const char *f = CONFIG("theme.conf",
		"max-flows = 300\n"
		"theme-color = faint=darkgray\n"
		"\n"
		"# from ~/.config/rustnet/config.toml\n"
		"[theme]\n"
		"name = \"nord\"\n"
		"  [ theme.overrides ]   # RustNet's tokens\n"
		"warn = \"#d97706\"\n"
		"selection_bg = \"#303030\"  # a band\n"
		"status_bg = blue\n"
		"key = 'lightcyan'   # TOML's literal string\n");
	parse_args(&o, &c, ARGS("--config", f));
	ck_assert_msg(c.rc == OPTIONS_RUN, "%s", c.err);
	ck_assert_uint_eq(o.max_flows, 300);
	ck_assert_str_eq(o.theme, "nord");
	ck_assert_int_eq(o.theme_colors[THEME_FAINT].ansi, 8);
	ck_assert_int_eq(o.theme_colors[THEME_WARN].kind, THEME_RGB);
	ck_assert_int_eq(o.theme_colors[THEME_SELECTION_BG].rgb[2], 0x30);
	ck_assert_int_eq(o.theme_colors[THEME_STATUS_BG].ansi, 4);
	ck_assert_int_eq(o.theme_colors[THEME_KEY].ansi, 14);
	/* The command line's value for a token wins; the file's others stay. */
	parse_args(&o, &c, ARGS("--config", f, "--theme-color", "warn=yellow", "--theme", "gruvbox"));
	ck_assert_msg(c.rc == OPTIONS_RUN, "%s", c.err);
	ck_assert_int_eq(o.theme_colors[THEME_WARN].kind, THEME_ANSI);
	ck_assert_int_eq(o.theme_colors[THEME_WARN].ansi, 3);
	ck_assert_int_eq(o.theme_colors[THEME_SELECTION_BG].kind, THEME_RGB);
	ck_assert_str_eq(o.theme, "gruvbox");

	parse_args(&o, &c, ARGS("--theme", "classic"));	/* RustNet's later name for vivid */
	ck_assert_msg(c.rc == OPTIONS_RUN, "%s", c.err);
	ck_assert_str_eq(o.theme, "vivid");

	parse_args(&o, &c, ARGS("--theme-color", "warn=amber"));
	ck_assert_int_eq(c.rc, OPTIONS_EXIT_USAGE);
	assert_one_line(&c, "'amber' is not a colour");
}
END_TEST

struct bad_config { const char *text; size_t len; const char *mention; };
#define BAD(text, mention) { text, sizeof(text) - 1, mention }

static const struct bad_config bad_configs[] = {
	BAD("bogus = 1\n", "bad-config:1: unknown setting 'bogus'"),
	BAD("# c\n\nread = x.pcap\n", "bad-config:3: 'read' cannot be set"),
	BAD("help\n", "'help' cannot be set"),
	BAD("config = other\n", "'config' cannot be set"),
	BAD("no-config\n", "'no-config' cannot be set"),
	BAD("check-plugin = x.so\n", "'check-plugin' cannot be set"),
	BAD("no-color = yes\n", "'no-color' is a switch"),
	BAD("max-flows\n", "'max-flows' needs a value"),
	BAD("max-flows =\n", "--max-flows expects a whole number"),
	BAD("max-flows = 0\n", "bad-config:1: --max-flows expects"),
	BAD("max-flows = 5 6\n", "not '5 6'"),
	BAD("\n\nsort = sideways\n", "bad-config:3: --sort sideways"),
	BAD("Max-Flows = 3\n", "expected a setting"),
	BAD("--max-flows = 3\n", "expected a setting"),
	BAD("max_flows = 3\n", "expected a setting"),
	BAD("= 3\n", "expected a setting"),
	BAD("theme = \x1b[2Jnord\n", "control character 0x1b"),
	BAD("theme = nord\nx\0y\n", "bad-config:2: a NUL byte"),
	BAD("format = \"xml\"\n", "not 'xml'"),
	BAD("interface = \"\"\n", "-i expects an interface name"),
	BAD("interface = # none\n", "-i expects an interface name"),
	BAD("max-flows # none\n", "'max-flows' needs a value"),
	BAD("filter = \"port:443\n", "a quote that is not closed"),
	BAD("filter = \"port:443\" x\n", "text after the closing quote"),
	BAD("[colors]\n", "bad-config:1: unknown section [colors]"),
	BAD("[theme\n", "a section is one [name] on its line"),
	BAD("[theme] name = nord\n", "a section is one [name] on its line"),
	BAD("[theme]\nmax-flows = 3\n", "bad-config:2: [theme] holds name = THEME only"),
	BAD("[theme]\nname\n", "[theme] holds name = THEME only"),
	BAD("[theme]\nname = classical\n", "--theme classical: not a theme"),
	BAD("[theme.overrides]\nwarn\n", "[theme.overrides] holds TOKEN = COLOUR lines"),
	BAD("[theme.overrides]\nwarn = 'red\n", "bad-config:2: a quote that is not closed"),
	BAD("[theme]\nname = '\n", "a quote that is not closed"),
	BAD("[theme.overrides]\nwarning = red\n", "'warning' is not a theme token"),
	BAD("[theme.overrides]\nwarn = \"#zz0000\"\n", "'#zz0000' is not a colour"),
	BAD("[theme.overrides]\nmax-flows = 3\n", "'max-flows' is not a theme token"),
	BAD("theme-color = warn\n", "expects TOKEN=COLOUR"),
	BAD("theme_color = warn=red\n", "expected a setting"),
};

START_TEST(test_config_error)
{
	const struct bad_config *b = &bad_configs[_i];
	struct options o;
	struct captured c;
	const char *f = write_config("bad-config", b->text, b->len);
	parse_args(&o, &c, ARGS("--config", f));
	ck_assert_msg(c.rc == OPTIONS_EXIT_USAGE, "%s: %d", b->mention, c.rc);
	assert_one_line(&c, b->mention);
	ck_assert_msg(strstr(c.err, b->mention) != NULL, "'%s' does not mention %s", c.err, b->mention);
	ck_assert_str_eq(c.out, "");
	/* The same as a default file is as much an error: it is not skipped. */
	const char *const defaults[] = { f, NULL };
	default_configs = defaults;
	parse_args(&o, &c, ARGS("--stats"));
	default_configs = NULL;
	ck_assert_int_eq(c.rc, OPTIONS_EXIT_USAGE);
	assert_one_line(&c, b->mention);
}
END_TEST

START_TEST(test_config_file_checks)
{
	struct options o;
	struct captured c;
	char big[CONFIG_FILE_MAX + 100];
	memset(big, '#', sizeof(big));
	big[sizeof(big) - 1] = '\n';
	parse_args(&o, &c, ARGS("--config", write_config("big", big, sizeof(big))));
	ck_assert_int_eq(c.rc, OPTIONS_EXIT_USAGE);
	assert_one_line(&c, "big");
	ck_assert_ptr_nonnull(strstr(c.err, "larger than 64 KiB"));

	char longline[CONFIG_LINE_MAX + 40];
	memset(longline, 'x', sizeof(longline));
	memcpy(longline, "filter = ", 9);
	longline[sizeof(longline) - 1] = '\n';
	parse_args(&o, &c, ARGS("--config", write_config("long", longline, sizeof(longline))));
	ck_assert_int_eq(c.rc, OPTIONS_EXIT_USAGE);
	assert_one_line(&c, "long");
	ck_assert_ptr_nonnull(strstr(c.err, "long:1: line longer than 4096"));

	const char *f = CONFIG("perm.conf", "max-flows = 9\n");
	ck_assert_int_eq(chmod(f, 0620), 0);
	parse_args(&o, &c, ARGS("--config", f));
	ck_assert_int_eq(c.rc, OPTIONS_EXIT_USAGE);
	assert_one_line(&c, "group-writable");
	ck_assert_ptr_nonnull(strstr(c.err, "others can write it"));
	ck_assert_int_eq(chmod(f, 0644), 0);	/* readable by all is fine */
	parse_args(&o, &c, ARGS("--config", f));
	ck_assert_int_eq(c.rc, OPTIONS_RUN);
	ck_assert_uint_eq(o.max_flows, 9);
	if (getuid() == 0) {	/* another user's file would run their plugins as us */
		ck_assert_int_eq(chown(f, 65534, 65534), 0);
		unsetenv("SUDO_UID");
		unsetenv("DOAS_USER");
		unsetenv("PKEXEC_UID");
		parse_args(&o, &c, ARGS("--config", f));
		ck_assert_int_eq(c.rc, OPTIONS_EXIT_USAGE);
		assert_one_line(&c, "foreign owner");
		ck_assert_ptr_nonnull(strstr(c.err, "owned by uid 65534"));
		/* ... unless that user is the one who ran us through sudo. */
		setenv("SUDO_UID", "65534", 1);
		parse_args(&o, &c, ARGS("--config", f));
		ck_assert_msg(c.rc == OPTIONS_RUN, "%s", c.err);
	}

#ifdef __linux__
	if (getuid() == 0) {
		/* A default file in a folder we may not enter (run as nobody with
		 * root's HOME) is skipped, not an error. Root without the two DAC
		 * capabilities, in this process (a fork hangs under qemu-user, where
		 * tools/cross-build.sh runs this), against another user's 0700 folder. */
		char locked[160], inside[200];
		snprintf(locked, sizeof(locked), "%s/locked", config_dir);
		ck_assert_int_eq(mkdir(locked, 0700), 0);
		snprintf(inside, sizeof(inside), "%s/config", locked);
		ck_assert_int_eq(rename(CONFIG("moved", "max-flows = 3\n"), inside), 0);
		ck_assert_int_eq(chown(locked, 65534, 65534), 0);
		const char *const defaults[] = { inside, NULL };
		default_configs = defaults;
		if (dac_caps(0) == 0) {
			parse_args(&o, &c, ARGS("--stats"));
			ck_assert_int_eq(dac_caps(1), 0);
			default_configs = NULL;
			ck_assert_msg(c.rc == OPTIONS_RUN, "EACCES: %s", c.err);
			ck_assert_str_eq(c.err, "");
			ck_assert_uint_eq(o.max_flows, 100000);
			ck_assert_uint_eq(o.n_config_files, 0);
		}
		default_configs = NULL;
		/* With the capabilities back, the same file is read. */
		parse_args(&o, &c, ARGS("--config", inside));
		ck_assert_uint_eq(o.max_flows, 3);
	}
#endif

	parse_args(&o, &c, ARGS("--config", config_dir));
	ck_assert_int_eq(c.rc, OPTIONS_EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(c.err, "not a regular file"));
	/* A FIFO is refused at once rather than waited on. */
	char fifo[128];
	snprintf(fifo, sizeof(fifo), "%s/fifo", config_dir);
	ck_assert_int_eq(mkfifo(fifo, 0600), 0);
	parse_args(&o, &c, ARGS("--config", fifo));
	ck_assert_int_eq(c.rc, OPTIONS_EXIT_USAGE);
	ck_assert_ptr_nonnull(strstr(c.err, "not a regular file"));
}
END_TEST

START_TEST(test_config_user_path)
{
	char buf[256];
	unsetenv("SUDO_UID");
	unsetenv("DOAS_USER");
	unsetenv("PKEXEC_UID");
	setenv("XDG_CONFIG_HOME", "/x/cfg", 1);
	setenv("HOME", "/home/u", 1);
	ck_assert_int_eq(config_user_path(buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/x/cfg/netlens/config");
	setenv("XDG_CONFIG_HOME", "relative", 1);	/* the XDG spec: ignored */
	ck_assert_int_eq(config_user_path(buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/home/u/.config/netlens/config");
	unsetenv("XDG_CONFIG_HOME");
	ck_assert_int_eq(config_user_path(buf, 10), -1);	/* does not fit */
	if (getuid() == 0) {
		/* Under sudo, the invoking user's file, wherever HOME points. */
		setenv("SUDO_UID", "0", 1);	/* root's own sudo: HOME as it is */
		ck_assert_int_eq(config_user_path(buf, sizeof(buf)), 0);
		ck_assert_str_eq(buf, "/home/u/.config/netlens/config");
		struct passwd *pw = getpwuid(65534);
		if (pw) {
			setenv("SUDO_UID", "65534", 1);
			ck_assert_int_eq(config_user_path(buf, sizeof(buf)), 0);
			char want[256];
			snprintf(want, sizeof(want), "%s/.config/netlens/config", pw->pw_dir);
			ck_assert_str_eq(buf, want);
		}
	}

	/* options_parse() reads the user's file by itself. */
	const char *f = CONFIG("user-config", "max-flows = 4321\n");
	char home[128];
	snprintf(home, sizeof(home), "%s/home", config_dir);
	char dir[160];
	snprintf(dir, sizeof(dir), "%s/.config", home);
	ck_assert_int_eq(mkdir(home, 0700), 0);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	snprintf(dir, sizeof(dir), "%s/.config/netlens", home);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	snprintf(dir, sizeof(dir), "%s/.config/netlens/config", home);
	ck_assert_int_eq(rename(f, dir), 0);
	unsetenv("SUDO_UID");
	setenv("HOME", home, 1);
	struct options o;
	char *argv[] = { (char *)"netlens", NULL };
	ck_assert_int_eq(options_parse(&o, 1, argv), OPTIONS_RUN);
	ck_assert_uint_eq(o.max_flows, 4321);
}
END_TEST

static Suite *options_suite(void)
{
	Suite *s = suite_create("options");
	TCase *tc = tcase_create("valid");
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_every_option);
	tcase_add_test(tc, test_interfaces);
	tcase_add_test(tc, test_help_and_version);
	suite_add_tcase(s, tc);
	tc = tcase_create("malformed");
	tcase_add_loop_test(tc, test_usage_error, 0, (int)(sizeof(bads) / sizeof(bads[0])));
	tcase_add_test(tc, test_r_pcap_hint);
	tcase_add_test(tc, test_reverse_dns_options);
	tcase_add_test(tc, test_ui_settings);
	tcase_add_test(tc, test_theme_colors);
	suite_add_tcase(s, tc);
	tc = tcase_create("configuration file");
	tcase_add_checked_fixture(tc, NULL, remove_config_dir);
	tcase_add_test(tc, test_config_applies);
	tcase_add_test(tc, test_config_command_line_wins);
	tcase_add_loop_test(tc, test_config_error, 0, (int)(sizeof(bad_configs) / sizeof(bad_configs[0])));
	tcase_add_test(tc, test_config_file_checks);
	tcase_add_test(tc, test_config_user_path);
	suite_add_tcase(s, tc);
	tc = tcase_create("regressions");
	tcase_add_test(tc, test_parse_twice);
	tcase_add_test(tc, test_parse_twice_after_error);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(options_suite());
}
