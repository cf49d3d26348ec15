/*
 * test_monitor.c - libnetlens (plugins/netlens/monitor.h), without netlens:
 *  - the decoder: every value kind netlens writes (text, integers up to
 *    2^64-1 and negative, reals, booleans, nil, lists of text, binary with
 *    a NUL), a map inside a list or as a value left undecoded; records fed
 *    a byte at a time come out whole, once, with the accessors' fallbacks;
 *  - a callback that stops: the call says so, the records after it come
 *    with the next call, none lost or repeated;
 *  - hostile streams: a non-map, a key that is not text, bytes msgpack
 *    never uses, headers claiming 2^32 keys, items or bytes (refused from
 *    the header: msgpack-c would allocate by them), nesting 9 deep, a
 *    record growing past 1 MiB, random bytes: one clear error, then
 *    nothing more taken; never a crash or a huge allocation (ASan);
 *  - the child: a program that writes records and a message and exits 3
 *    (records read, status 3, its last line as the message), one that does
 *    not exist, one that never ends (SIGTERM, status 143, within the
 *    grace), one whose output ends inside a record, and nl_monitor_poll
 *    driven from poll(2).
 */
#include "config.h"

#include <msgpack.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "netlens/monitor.h"

struct seen {
	int n;
	int stop_at;		/* stop after this many (0: never) */
	char protos[16][16];
	int64_t ports[16];
};

static int count(void *ctx, const struct nl_record *r)
{
	struct seen *s = ctx;
	if (s->n < 16) {
		snprintf(s->protos[s->n], sizeof(s->protos[0]), "%s", nl_record_text(r, "protocol", "?"));
		s->ports[s->n] = nl_record_int(r, "source_port", -1);
	}
	s->n++;
	return s->stop_at && s->n % s->stop_at == 0;
}

static void pack_str(msgpack_packer *pk, const char *s)
{
	msgpack_pack_str(pk, strlen(s));
	msgpack_pack_str_body(pk, s, strlen(s));
}

/* A record as netlens writes one: {"protocol": proto, "source_port": port}. */
static void pack_small(msgpack_packer *pk, const char *proto, unsigned port)
{
	msgpack_pack_map(pk, 2);
	pack_str(pk, "protocol");
	pack_str(pk, proto);
	pack_str(pk, "source_port");
	msgpack_pack_unsigned_int(pk, port);
}

static const struct nl_record *last;	/* the checks below read it in the callback */
static int checked;

static int check_rich(void *ctx, const struct nl_record *r)
{
	(void)ctx;
	last = r;
	ck_assert_uint_eq(r->n_fields, 11);
	ck_assert_str_eq(r->fields[0].key, "protocol");	/* in the order written */
	ck_assert_str_eq(nl_record_text(r, "protocol", NULL), "TCP");
	ck_assert_int_eq(nl_record_int(r, "source_port", 0), 443);
	ck_assert_int_eq(nl_record_int(r, "delta", 0), -5);
	const struct nl_value *big = nl_record_get(r, "bytes_sent");
	ck_assert_int_eq(big->kind, NL_VALUE_INT);
	ck_assert(big->integer == INT64_MAX);	/* 2^64-1 does not fit: clamped */
	ck_assert(big->real > 1.8e19);
	const struct nl_value *rtt = nl_record_get(r, "rtt_ms");
	ck_assert_int_eq(rtt->kind, NL_VALUE_REAL);
	ck_assert(rtt->real == 0.05);
	ck_assert_int_eq(nl_record_int(r, "closed", 0), 1);
	ck_assert_int_eq(nl_record_get(r, "nothing")->kind, NL_VALUE_NIL);
	const struct nl_value *alpn = nl_record_get(r, "tls_alpn");
	ck_assert_int_eq(alpn->kind, NL_VALUE_LIST);
	ck_assert_uint_eq(alpn->n_items, 3);
	ck_assert_str_eq(alpn->items[0].text, "h2");
	ck_assert_str_eq(alpn->items[1].text, "http/1.1");
	ck_assert_int_eq(alpn->items[2].kind, NL_VALUE_OTHER);	/* a list in a list */
	ck_assert_int_eq(nl_record_get(r, "map")->kind, NL_VALUE_OTHER);
	const struct nl_value *bin = nl_record_get(r, "bin");
	ck_assert_int_eq(bin->kind, NL_VALUE_TEXT);
	ck_assert_uint_eq(bin->len, 3);
	ck_assert_int_eq(memcmp(bin->text, "a\0b", 4), 0);	/* and its NUL */
	ck_assert_str_eq(nl_record_text(r, "empty", "x"), "");
	ck_assert_str_eq(nl_record_text(r, "source_port", "fallback"), "fallback");	/* not text */
	ck_assert_int_eq(nl_record_int(r, "protocol", -7), -7);			/* not a number */
	ck_assert_ptr_null(nl_record_get(r, "absent"));
	checked++;
	return 0;
}

START_TEST(value_kinds_fed_a_byte_at_a_time)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 11);
	pack_str(&pk, "protocol");
	pack_str(&pk, "TCP");
	pack_str(&pk, "source_port");
	msgpack_pack_unsigned_int(&pk, 443);
	pack_str(&pk, "delta");
	msgpack_pack_int(&pk, -5);
	pack_str(&pk, "bytes_sent");
	msgpack_pack_uint64(&pk, UINT64_MAX);
	pack_str(&pk, "rtt_ms");
	msgpack_pack_double(&pk, 0.05);
	pack_str(&pk, "closed");
	msgpack_pack_true(&pk);
	pack_str(&pk, "nothing");
	msgpack_pack_nil(&pk);
	pack_str(&pk, "tls_alpn");
	msgpack_pack_array(&pk, 3);
	pack_str(&pk, "h2");
	pack_str(&pk, "http/1.1");
	msgpack_pack_array(&pk, 1);
	msgpack_pack_int(&pk, 1);
	pack_str(&pk, "map");
	msgpack_pack_map(&pk, 1);
	pack_str(&pk, "k");
	pack_str(&pk, "v");
	pack_str(&pk, "bin");
	msgpack_pack_bin(&pk, 3);
	msgpack_pack_bin_body(&pk, "a\0b", 3);
	pack_str(&pk, "empty");
	pack_str(&pk, "");
	struct nl_decoder *d = nl_decoder_new(check_rich, NULL);
	checked = 0;
	for (size_t i = 0; i < sb.size; i++) {
		int k = nl_decoder_feed(d, sb.data + i, 1);
		ck_assert_int_eq(k, i + 1 == sb.size ? 1 : 0);
		ck_assert_uint_eq(nl_decoder_pending(d) == 0, i + 1 == sb.size);
	}
	ck_assert_int_eq(checked, 1);
	ck_assert_ptr_null(nl_decoder_error(d));
	nl_decoder_free(d);
	msgpack_sbuffer_destroy(&sb);
	ck_assert_int_eq(nl_monitor_version(), NL_MONITOR_VERSION_MAJOR * 1000 + NL_MONITOR_VERSION_MINOR);
}
END_TEST

START_TEST(a_callback_that_stops)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	for (unsigned i = 0; i < 5; i++)
		pack_small(&pk, i % 2 ? "UDP" : "TCP", 1000 + i);
	struct seen s = { .stop_at = 2 };
	struct nl_decoder *d = nl_decoder_new(count, &s);
	ck_assert_int_eq(nl_decoder_feed(d, sb.data, sb.size), NL_STOPPED);
	ck_assert_int_eq(s.n, 2);
	ck_assert_int_eq(nl_decoder_feed(d, NULL, 0), NL_STOPPED);	/* what was kept */
	ck_assert_int_eq(s.n, 4);
	ck_assert_int_eq(nl_decoder_feed(d, NULL, 0), 1);
	ck_assert_int_eq(nl_decoder_feed(d, NULL, 0), 0);
	ck_assert_int_eq(s.n, 5);
	for (int i = 0; i < 5; i++) {
		ck_assert_str_eq(s.protos[i], i % 2 ? "UDP" : "TCP");
		ck_assert_int_eq(s.ports[i], 1000 + i);
	}
	nl_decoder_free(d);
	msgpack_sbuffer_destroy(&sb);
}
END_TEST

/* Hostile streams: each an error, once, and nothing taken after it. */
static const struct {
	const char *bytes;
	size_t len;
	const char *why;
} hostile[] = {
	{ "\x93\x01\x02\x03", 4, "other than a map" },		/* [1, 2, 3] */
	{ "\x81\x01\xa1x", 4, "key that is not text" },		/* {1: "x"} */
	{ "\xc1", 1, "never uses" },
	{ "\x81\xa1k\xc1", 4, "never uses" },
	/* headers msgpack-c would size an allocation by before the elements */
	{ "\xdf\xff\xff\xff\xff", 5, "more than 4096 keys" },
	{ "\x81\xa1k\xdd\xff\xff\xff\xff", 8, "more than 65536 items" },
	{ "\x81\xa1k\xdb\xff\xff\xff\xff", 8, "over 1 MiB" },		/* a 4 GiB string */
	{ "\x81\xa1k\x91\x91\x91\x91\x91\x91\x91\x91\x01", 13, "nested more than 8" },
};

START_TEST(hostile_streams)
{
	struct seen s = { 0 };
	struct nl_decoder *d = nl_decoder_new(count, &s);
	ck_assert_int_eq(nl_decoder_feed(d, hostile[_i].bytes, hostile[_i].len), -1);
	ck_assert_ptr_nonnull(strstr(nl_decoder_error(d), hostile[_i].why));
	ck_assert_int_eq(nl_decoder_feed(d, "\x80", 1), -1);	/* an empty map: refused now */
	ck_assert_int_eq(s.n, 0);
	nl_decoder_free(d);
}
END_TEST

/* Every msgpack type's size as msgpack-c reads it: ext 8/16/32 put their
 * length before their type byte, fixext has none. A walk that sized one
 * wrong would stop elsewhere than msgpack-c (fuzz_monitor found an ext 8
 * read so, and a 2^32-key map behind it reached msgpack-c). */
START_TEST(every_type_sized_as_msgpack_does)
{
	static const char rec[] =
		"\x89"
		"\xa1" "a" "\xc7\x03\x05" "abc"			/* ext 8: 3 bytes of type 5 */
		"\xa1" "b" "\xc8\x00\x02\x05" "ab"		/* ext 16 */
		"\xa1" "c" "\xc9\x00\x00\x00\x01\x05" "a"	/* ext 32 */
		"\xa1" "d" "\xd4\x05" "a"				/* fixext 1 */
		"\xa1" "e" "\xd8\x05" "0123456789abcdef"		/* fixext 16 */
		"\xa1" "f" "\xc5\x00\x02" "xy"			/* bin 16 */
		"\xa1" "g" "\xda\x00\x02" "xy"			/* str 16 */
		"\xa1" "h" "\xd1\xff\x85"				/* int 16: -123 */
		"\xa1" "n" "\x01";
	struct seen s = { 0 };
	struct nl_decoder *d = nl_decoder_new(count, &s);
	for (size_t i = 0; i + 1 < sizeof(rec); i++)	/* a byte at a time */
		ck_assert_int_ge(nl_decoder_feed(d, rec + i, 1), 0);
	ck_assert_int_eq(s.n, 1);
	ck_assert_uint_eq(nl_decoder_pending(d), 0);
	ck_assert_ptr_null(nl_decoder_error(d));
	nl_decoder_free(d);
}
END_TEST

START_TEST(a_record_over_1_mib)
{
	/* {"k": [65536 strings of 20 bytes]}: each header fine, 1.4 MB in all */
	struct seen s = { 0 };
	struct nl_decoder *d = nl_decoder_new(count, &s);
	ck_assert_int_eq(nl_decoder_feed(d, "\x81\xa1k\xdd\x00\x01\x00\x00", 8), 0);
	static char item[21] = "\xb4" "aaaaaaaaaaaaaaaaaaaa";
	int k = 0;
	for (int i = 0; i < 65536 && k == 0; i++)
		k = nl_decoder_feed(d, item, sizeof(item));
	ck_assert_int_eq(k, -1);
	ck_assert_ptr_nonnull(strstr(nl_decoder_error(d), "over 1 MiB"));
	ck_assert_uint_le(nl_decoder_pending(d), (1u << 20) + 64);	/* held no more than that */
	ck_assert_int_eq(s.n, 0);
	nl_decoder_free(d);
}
END_TEST

START_TEST(random_bytes)
{
	unsigned seed = 12345;
	for (int round = 0; round < 2000; round++) {
		struct seen s = { 0 };
		struct nl_decoder *d = nl_decoder_new(count, &s);
		uint8_t b[256];
		size_t n = (size_t)(rand_r(&seed) % sizeof(b));
		for (size_t i = 0; i < n; i++)
			b[i] = (uint8_t)rand_r(&seed);
		if (n)
			b[0] = (uint8_t)(0x80 | (b[0] & 0x0f));	/* most start as a map */
		size_t at = 0;
		while (at < n) {
			size_t step = 1 + (size_t)(rand_r(&seed) % 16);
			if (step > n - at)
				step = n - at;
			if (nl_decoder_feed(d, b + at, step) == -1)
				break;
			at += step;
		}
		nl_decoder_free(d);
	}
}
END_TEST

/* ---- the child ---------------------------------------------------------- */

static char stream_path[64];

static void write_stream(unsigned records)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	for (unsigned i = 0; i < records; i++)
		pack_small(&pk, "TCP", 2000 + i);
	snprintf(stream_path, sizeof(stream_path), "/tmp/netlens-monitor.XXXXXX");
	int fd = mkstemp(stream_path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, sb.data, sb.size), (ssize_t)sb.size);
	close(fd);
	msgpack_sbuffer_destroy(&sb);
}

/* sh -c SCRIPT, each @ in it the stream file's path. */
static struct nl_monitor *start_sh(const char *script, char *err, size_t errlen)
{
	char cmd[512];
	size_t n = 0;
	for (const char *p = script; *p && n + sizeof(stream_path) < sizeof(cmd); p++) {
		if (*p == '@') {
			memcpy(cmd + n, stream_path, strlen(stream_path));
			n += strlen(stream_path);
		} else {
			cmd[n++] = *p;
		}
	}
	cmd[n] = '\0';
	/* sh -c CMD --headless --format msgpack: the library's three are $0.. */
	const char *args[] = { "-c", cmd, NULL };
	return nl_monitor_start("sh", args, err, errlen);
}

START_TEST(a_child_that_fails)
{
	char err[256];
	write_stream(300);	/* more than one pipe's worth */
	struct nl_monitor *m = start_sh("cat @; echo 'netlens: first' >&2; "
					"echo 'netlens: no permission to capture' >&2; exit 3", err, sizeof(err));
	ck_assert_msg(m != NULL, "%s", err);
	struct seen s = { 0 };
	ck_assert_int_eq(nl_monitor_run(m, count, &s), 0);
	ck_assert_int_eq(s.n, 300);
	ck_assert_int_eq(s.ports[15], 2015);
	ck_assert_int_eq(nl_monitor_finish(m, err, sizeof(err)), 3);
	ck_assert_str_eq(err, "netlens: no permission to capture");
	unlink(stream_path);
}
END_TEST

START_TEST(no_such_program)
{
	char err[256];
	struct nl_monitor *m = nl_monitor_start("/nonexistent/netlens", NULL, err, sizeof(err));
	if (m) {	/* a spawn that cannot report the failed exec (qemu-user): the child's 127 */
		ck_assert_int_eq(nl_monitor_run(m, count, &(struct seen){ 0 }), 0);
		ck_assert_int_eq(nl_monitor_finish(m, err, sizeof(err)), 127);
	}
	ck_assert_ptr_nonnull(strstr(err, "cannot run /nonexistent/netlens"));
}
END_TEST

START_TEST(a_child_that_never_ends)
{
	char err[256];
	write_stream(1);
	struct nl_monitor *m = start_sh("cat @; exec sleep 30", err, sizeof(err));
	ck_assert_msg(m != NULL, "%s", err);
	struct seen s = { .stop_at = 1 };
	ck_assert_int_eq(nl_monitor_run(m, count, &s), NL_STOPPED);
	ck_assert_int_eq(s.n, 1);
	time_t t0 = time(NULL);
	ck_assert_int_eq(nl_monitor_finish(m, err, sizeof(err)), 128 + 15);	/* SIGTERM */
	ck_assert_int_le(time(NULL) - t0, 3);
	unlink(stream_path);
}
END_TEST

START_TEST(output_cut_inside_a_record)
{
	char err[256];
	write_stream(2);
	struct nl_monitor *m = start_sh("head -c 30 @", err, sizeof(err));	/* 1.5 records */
	ck_assert_msg(m != NULL, "%s", err);
	struct seen s = { 0 };
	ck_assert_int_eq(nl_monitor_run(m, count, &s), -1);
	ck_assert_int_eq(s.n, 1);
	ck_assert_int_eq(nl_monitor_finish(m, err, sizeof(err)), 1);
	ck_assert_str_eq(err, "netlens' output ends inside a record");
	unlink(stream_path);
}
END_TEST

START_TEST(driven_by_poll)
{
	char err[256];
	write_stream(40);
	struct nl_monitor *m = start_sh("cat @; sleep 0.2; cat @", err, sizeof(err));
	ck_assert_msg(m != NULL, "%s", err);
	struct seen s = { 0 };
	int k, calls = 0;
	do {
		struct pollfd p = { nl_monitor_fd(m), POLLIN, 0 };
		ck_assert_int_ge(poll(&p, 1, 5000), 1);
		k = nl_monitor_poll(m, count, &s);
		calls++;
	} while (k >= 0);
	ck_assert_int_eq(s.n, 80);
	ck_assert_int_ge(calls, 2);	/* the two halves came apart */
	ck_assert_int_eq(nl_monitor_finish(m, err, sizeof(err)), 0);
	unlink(stream_path);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("monitor");
	TCase *tc = tcase_create("decoder");
	tcase_add_test(tc, value_kinds_fed_a_byte_at_a_time);
	tcase_add_test(tc, a_callback_that_stops);
	tcase_add_loop_test(tc, hostile_streams, 0, (int)(sizeof(hostile) / sizeof(hostile[0])));
	tcase_add_test(tc, every_type_sized_as_msgpack_does);
	tcase_add_test(tc, a_record_over_1_mib);
	tcase_add_test(tc, random_bytes);
	suite_add_tcase(s, tc);
	TCase *tp = tcase_create("process");
	tcase_set_timeout(tp, 20);
	tcase_add_test(tp, a_child_that_fails);
	tcase_add_test(tp, no_such_program);
	tcase_add_test(tp, a_child_that_never_ends);
	tcase_add_test(tp, output_cut_inside_a_record);
	tcase_add_test(tp, driven_by_poll);
	suite_add_tcase(s, tp);
	return unit_run(s);
}
