/* test_options.c - the command line (core/options.c). Each test runs in
 * its own fork, so getopt's global state starts fresh; stderr and stdout
 * are captured through temporary files. */
#include "config.h"

#include "unit.h"

#include <unistd.h>

#include "options.h"

#define MAXARGS 32

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
	c->rc = options_parse(o, argc, argv);
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
	c.rc = options_parse(&o, 1, argv);
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
	ck_assert_ptr_null(o.interface);
	ck_assert_ptr_null(o.read_file);
	ck_assert_ptr_null(o.bpf_filter);
	ck_assert_ptr_null(o.json_log);
	ck_assert_ptr_null(o.services_file);
	ck_assert_int_eq(o.headless, 0);
	ck_assert_int_eq(o.no_dpi, 0);
	ck_assert_int_eq(o.stats, 0);
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
	ck_assert_str_eq(o.interface, "eth0");
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
	ck_assert_str_eq(o.interface, "any");
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
	{ { "--read", "a.pcap", "--duration", "5" }, "--duration" },
	{ { "--dns-server" }, "--dns-server" },
	/* Regression (fuzz_options): a value holding a newline or an escape is
	 * shown escaped, so the message stays one line. */
	{ { "-r", "foo\npcp" }, "foo\\x0apcp" },
	{ { "--format", "\033[2Jjson" }, "\\x1b[2Jjson" },
	{ { "--bogus\nx" }, "--bogus\\x0ax" },
	{ { "-\n" }, "-\\x0a" },
	{ { "--no-sandbox", "--sandbox-strict" }, "exclude each other" },
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

static Suite *options_suite(void)
{
	Suite *s = suite_create("options");
	TCase *tc = tcase_create("valid");
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_every_option);
	tcase_add_test(tc, test_help_and_version);
	suite_add_tcase(s, tc);
	tc = tcase_create("malformed");
	tcase_add_loop_test(tc, test_usage_error, 0, (int)(sizeof(bads) / sizeof(bads[0])));
	tcase_add_test(tc, test_r_pcap_hint);
	tcase_add_test(tc, test_reverse_dns_options);
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
