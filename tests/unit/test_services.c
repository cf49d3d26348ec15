/* test_services.c - port → service name (core/services.c). */
#include "config.h"

#include "unit.h"

#include <unistd.h>

#include "packet.h"
#include "services.h"

/* Writes text to a fresh temporary file; returns its path (static buffer). */
static const char *write_tmp(const char *text)
{
	static char path[64];
	strcpy(path, "/tmp/netlens-services-XXXXXX");
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	size_t n = strlen(text);
	ck_assert_int_eq(write(fd, text, n), (ssize_t)n);
	close(fd);
	return path;
}

static void assert_name(uint16_t port, uint8_t proto, const char *want)
{
	const char *got = services_lookup(port, proto);
	if (!want)
		ck_assert_msg(got == NULL, "%u/%u: %s", port, proto, got);
	else
		ck_assert_msg(got && strcmp(got, want) == 0, "%u/%u: %s, expected %s", port, proto,
			      got ? got : "(null)", want);
}

/* ---- valid --------------------------------------------------------------- */

START_TEST(test_builtin)
{
	assert_name(80, L4_TCP, "http");
	assert_name(443, L4_TCP, "https");
	assert_name(53, L4_UDP, "domain");
	assert_name(53, L4_TCP, "domain");
	assert_name(22, L4_TCP, "ssh");
	assert_name(1, L4_TCP, "tcpmux");
	assert_name(1, L4_UDP, NULL);		/* tcpmux is TCP only */
	assert_name(49999, L4_TCP, NULL);
	assert_name(0, L4_UDP, NULL);
	assert_name(80, L4_ICMP, NULL);		/* ports mean nothing there */
	assert_name(80, L4_OTHER_IP, NULL);
	ck_assert_uint_gt(services_builtin_count, 100);
	for (size_t i = 1; i < services_builtin_count; i++) {	/* sorted for bsearch */
		const struct service_entry *a = &services_builtin[i - 1], *b = &services_builtin[i];
		ck_assert_msg(a->port < b->port || (a->port == b->port && a->proto < b->proto),
			      "builtin table out of order at %zu", i);
	}
}
END_TEST

START_TEST(test_file_override)
{
	const char *p = write_tmp("# local names\n"
				  "\n"
				  "myweb\t80/tcp\t\twww-local   # comment\n"
				  "   foo 9999/udp\n"
				  "first 7777/tcp\n"
				  "second 7777/tcp\n"
				  "amqp 5672/sctp\n"		/* Debian's own file has these */
				  "dccpish 8888/dccp\n"
				  "onlyudp 80/udp\n");
	char err[256] = "";
	ck_assert_int_eq(services_load_file(p, err, sizeof(err)), 0);
	assert_name(80, L4_TCP, "myweb");		/* the file wins */
	assert_name(9999, L4_UDP, "foo");
	assert_name(9999, L4_TCP, NULL);
	assert_name(7777, L4_TCP, "first");		/* first line wins, as in /etc/services */
	assert_name(53, L4_UDP, "domain");		/* the rest still built in */
	assert_name(80, L4_UDP, "onlyudp");
	assert_name(8888, L4_TCP, NULL);		/* other protocols passed over */
	assert_name(8888, L4_UDP, NULL);
	services_unload();
	assert_name(80, L4_TCP, "http");
	assert_name(9999, L4_UDP, NULL);
	unlink(p);
}
END_TEST

START_TEST(test_reload_replaces)
{
	const char *p = write_tmp("one 1111/tcp\n");
	char err[256];
	ck_assert_int_eq(services_load_file(p, err, sizeof(err)), 0);
	unlink(p);
	p = write_tmp("two 2222/tcp\n");
	ck_assert_int_eq(services_load_file(p, err, sizeof(err)), 0);
	unlink(p);
	assert_name(1111, L4_TCP, NULL);
	assert_name(2222, L4_TCP, "two");
	services_unload();
}
END_TEST

/* ---- malformed ----------------------------------------------------------- */

START_TEST(test_bad_file_names_line)
{
	static const struct { const char *text; const char *where; } bad[] = {
		{ "ok 1/tcp\n# c\nbroken 99999/tcp\n", ":3:" },
		{ "x 80\n", ":1:" },
		{ "ok 1/tcp\nnoport tcp\n", ":2:" },
		{ "a 1/tcp\nb 2/tcp\nc 3/tcp\nd -4/udp\n", ":4:" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *p = write_tmp(bad[i].text);
		char err[512] = "";
		ck_assert_int_eq(services_load_file(p, err, sizeof(err)), -1);
		char want[128];
		snprintf(want, sizeof(want), "%s%s", p, bad[i].where);
		ck_assert_msg(strstr(err, want) != NULL, "case %zu: '%s' does not name %s", i, err, want);
		ck_assert_ptr_null(strchr(err, '\n'));
		unlink(p);
	}
}
END_TEST

START_TEST(test_not_a_regular_file)
{
	/* /dev/zero was read for ever (a line that never ends), a FIFO
	 * blocked the start, a directory loaded nothing without a word. */
	static const char *const paths[] = { "/dev/zero", "/tmp" };
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		char err[256] = "";
		ck_assert_int_eq(services_load_file(paths[i], err, sizeof(err)), -1);
		ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	}
}
END_TEST

START_TEST(test_missing_file)
{
	char err[256] = "";
	ck_assert_int_eq(services_load_file("/nonexistent/netlens-services", err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/netlens-services"));
}
END_TEST

START_TEST(test_failed_load_keeps_previous)
{
	const char *p = write_tmp("mine 80/tcp\n");
	char err[256];
	ck_assert_int_eq(services_load_file(p, err, sizeof(err)), 0);
	unlink(p);
	p = write_tmp("bad 80:tcp\n");
	ck_assert_int_eq(services_load_file(p, err, sizeof(err)), -1);
	unlink(p);
	assert_name(80, L4_TCP, "mine");
	services_unload();
}
END_TEST

/* ---- regressions ----------------------------------------------------------- */

START_TEST(test_long_comment_line)
{
	/* A line longer than the reader's buffer: its tail is still part of
	 * the comment, and line numbers stay right. */
	char text[4096];
	char pad[1500];
	memset(pad, 'x', sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = '\0';
	snprintf(text, sizeof(text), "web 8081/tcp # %s see 1234/udp\nmail 2525/tcp\n", pad);
	const char *p = write_tmp(text);
	char err[512] = "";
	ck_assert_msg(services_load_file(p, err, sizeof(err)) == 0, "%s", err);
	assert_name(8081, L4_TCP, "web");
	assert_name(2525, L4_TCP, "mail");
	unlink(p);

	snprintf(text, sizeof(text), "# %s\nbad 70000/tcp\n", pad);
	p = write_tmp(text);
	ck_assert_int_eq(services_load_file(p, err, sizeof(err)), -1);
	char want[128];
	snprintf(want, sizeof(want), "%s:2:", p);
	ck_assert_msg(strstr(err, want) != NULL, "'%s' does not name %s", err, want);
	unlink(p);
	services_unload();
}
END_TEST

static Suite *services_suite(void)
{
	Suite *s = suite_create("services");
	TCase *tc = tcase_create("valid");
	tcase_add_test(tc, test_builtin);
	tcase_add_test(tc, test_file_override);
	tcase_add_test(tc, test_reload_replaces);
	suite_add_tcase(s, tc);
	tc = tcase_create("malformed");
	tcase_add_test(tc, test_bad_file_names_line);
	tcase_add_test(tc, test_not_a_regular_file);
	tcase_add_test(tc, test_missing_file);
	tcase_add_test(tc, test_failed_load_keeps_previous);
	suite_add_tcase(s, tc);
	tc = tcase_create("regressions");
	tcase_add_test(tc, test_long_comment_line);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(services_suite());
}
