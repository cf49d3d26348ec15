/* test_strbuf.c - text buffer, sanitiser and JSON writer (core/strbuf.c). */
#include "config.h"

#include <inttypes.h>

#include "unit.h"

#include "strbuf.h"

/* json_quote of n bytes, as a NUL-terminated string owned by the caller. */
static char *quote(const char *s, size_t n)
{
	struct strbuf b;
	sb_init(&b);
	json_quote(&b, s, n);
	ck_assert(!b.oom);
	return b.buf;
}

static char *sanitize(const char *s, size_t n)
{
	struct strbuf b;
	sb_init(&b);
	sb_put_sanitized(&b, s, n);
	return b.buf ? b.buf : strdup("");
}

struct qcase { const char *in; size_t n; const char *out; };

#define Q(lit, out) { lit, sizeof(lit) - 1, out }

/* ---- valid -------------------------------------------------------------- */

static const struct qcase json_cases[] = {
	Q("", "\"\""),
	Q("plain text", "\"plain text\""),
	Q("say \"hi\"", "\"say \\\"hi\\\"\""),
	Q("back\\slash", "\"back\\\\slash\""),
	Q("a\nb\rc\td", "\"a\\nb\\rc\\td\""),
	Q("\x01\x1f", "\"\\u0001\\u001f\""),
	Q("nul\0byte", "\"nul\\u0000byte\""),
	Q("esc\x1b[31m", "\"esc\\u001b[31m\""),
	Q("del\x7f", "\"del\\u007f\""),
	/* valid UTF-8 passes through */
	Q("h\xc3\xa9llo", "\"h\xc3\xa9llo\""),			/* é */
	Q("\xe2\x82\xac", "\"\xe2\x82\xac\""),			/* € */
	Q("\xf0\x9d\x84\x9e", "\"\xf0\x9d\x84\x9e\""),		/* U+1D11E */
	Q("\xc2\xa0", "\"\xc2\xa0\""),				/* U+00A0, first after C1 */
	Q("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\""),		/* U+10FFFF */
	Q("\xed\x9f\xbf", "\"\xed\x9f\xbf\""),			/* U+D7FF */
	/* invalid UTF-8: every byte escaped */
	Q("\xff", "\"\\u00ff\""),
	Q("a\x80z", "\"a\\u0080z\""),				/* lone continuation */
	Q("\xc0\xaf", "\"\\u00c0\\u00af\""),			/* overlong '/' */
	Q("\xe0\x80\xaf", "\"\\u00e0\\u0080\\u00af\""),		/* overlong, 3 bytes */
	Q("\xf0\x80\x80\xaf", "\"\\u00f0\\u0080\\u0080\\u00af\""),	/* overlong, 4 bytes */
	Q("\xed\xa0\x80", "\"\\u00ed\\u00a0\\u0080\""),		/* surrogate D800 */
	Q("\xed\xbf\xbf", "\"\\u00ed\\u00bf\\u00bf\""),		/* surrogate DFFF */
	Q("\xf4\x90\x80\x80", "\"\\u00f4\\u0090\\u0080\\u0080\""),	/* above U+10FFFF */
	Q("\xf5\x80\x80\x80", "\"\\u00f5\\u0080\\u0080\\u0080\""),
	Q("\xc2\x80", "\"\\u00c2\\u0080\""),			/* C1: U+0080 */
	Q("\xc2\x9b", "\"\\u00c2\\u009b\""),			/* C1: CSI */
	Q("\xc2\x9f", "\"\\u00c2\\u009f\""),
	Q("a\xe2\x82", "\"a\\u00e2\\u0082\""),			/* cut at the end */
	Q("\xe2\x28\xa1", "\"\\u00e2(\\u00a1\""),		/* bad continuation */
};

START_TEST(test_json_quote)
{
	const struct qcase *c = &json_cases[_i];
	char *got = quote(c->in, c->n);
	ck_assert_msg(strcmp(got, c->out) == 0, "case %d: %s, expected %s", _i, got, c->out);
	free(got);
}
END_TEST

static const struct qcase san_cases[] = {
	Q("GET / HTTP/1.1", "GET / HTTP/1.1"),
	Q("\x1b[2J\x1b]0;owned\x07", "\\x1b[2J\\x1b]0;owned\\x07"),
	Q("a\nb\r\t", "a\\x0ab\\x0d\\x09"),
	Q("\x7f", "\\x7f"),
	Q("back\\slash", "back\\x5cslash"),		/* unambiguous: \ is escaped too */
	Q("nul\0", "nul\\x00"),
	Q("\xc2\x9b" "31m", "\\xc2\\x9b31m"),		/* C1 CSI */
	Q("caf\xc3\xa9", "caf\xc3\xa9"),
	Q("\xff\xfe", "\\xff\\xfe"),
	Q("\xed\xa0\x80", "\\xed\\xa0\\x80"),
	Q("\xc0\x8a", "\\xc0\\x8a"),			/* overlong newline */
	Q("pay\xe2\x80\x8bpal", "pay\\xe2\\x80\\x8bpal"),	/* zero-width space */
	Q("a\xef\xbb\xbf" "b\xe2\x80\xa8", "a\\xef\\xbb\\xbf" "b\\xe2\\x80\\xa8"),	/* BOM, line separator */
	Q("\xe2\x80\x8e\xc2\xad", "\\xe2\\x80\\x8e\\xc2\\xad"),	/* LRM, soft hyphen */
	Q("\xe2\x80\xa9x\xe2\x81\xa0", "\\xe2\\x80\\xa9x\\xe2\\x81\\xa0"),	/* U+2029, U+2060 */
};

START_TEST(test_sanitized)
{
	const struct qcase *c = &san_cases[_i];
	char *got = sanitize(c->in, c->n);
	ck_assert_msg(strcmp(got, c->out) == 0, "case %d: %s, expected %s", _i, got, c->out);
	free(got);
}
END_TEST

START_TEST(test_sanitized_output_is_safe)
{
	/* Every byte value, alone and after a lead byte: no control byte,
	 * DEL or C1 ever reaches the output. */
	for (unsigned lead = 0; lead < 256; lead += 1) {
		for (unsigned c = 0; c < 256; c++) {
			char in[2] = { (char)lead, (char)c };
			char *out = sanitize(in, 2);
			for (const unsigned char *p = (const unsigned char *)out; *p; p++) {
				ck_assert_msg(*p >= 0x20 && *p != 0x7f, "%02x %02x → byte %02x", lead, c, *p);
				if (*p == 0xc2)
					ck_assert_msg(p[1] < 0x80 || p[1] > 0x9f, "%02x %02x → C1", lead, c);
			}
			free(out);
		}
	}
}
END_TEST

START_TEST(test_printf_long)
{
	static const size_t lens[] = { 0, 1, 254, 255, 256, 257, 1000, 100000 };
	for (size_t k = 0; k < sizeof(lens) / sizeof(lens[0]); k++) {
		char *s = malloc(lens[k] + 1);
		for (size_t i = 0; i < lens[k]; i++)
			s[i] = (char)('a' + i % 26);
		s[lens[k]] = '\0';
		struct strbuf b;
		sb_init(&b);
		sb_puts(&b, "[");
		sb_printf(&b, "%s|%d", s, 42);
		sb_puts(&b, "]");
		ck_assert_uint_eq(b.len, lens[k] + 5);
		ck_assert_uint_eq(strlen(b.buf), b.len);
		ck_assert_int_eq(memcmp(b.buf + 1, s, lens[k]), 0);
		ck_assert_str_eq(b.buf + 1 + lens[k], "|42]");
		ck_assert_uint_gt(b.cap, b.len);
		sb_free(&b);
		free(s);
	}
}
END_TEST

START_TEST(test_buffer_basics)
{
	struct strbuf b;
	sb_init(&b);
	sb_reset(&b);			/* on an empty buffer */
	ck_assert_uint_eq(b.len, 0);
	sb_putc(&b, 'x');
	sb_put(&b, "yz", 2);
	sb_puts(&b, "");
	ck_assert_str_eq(b.buf, "xyz");
	sb_reset(&b);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_str_eq(b.buf, "");
	for (int i = 0; i < 5000; i++)
		sb_putc(&b, (char)('0' + i % 10));
	ck_assert_uint_eq(b.len, 5000);
	ck_assert_uint_eq(strlen(b.buf), 5000);
	ck_assert_int_eq(b.buf[4999], '9');
	sb_free(&b);
	ck_assert_ptr_null(b.buf);
}
END_TEST

START_TEST(test_json_writer)
{
	struct strbuf b;
	struct jsonw w;
	sb_init(&b);
	json_begin(&w, &b);
	json_str(&w, "name", "a\"b");
	json_strn(&w, "cut", "abcdef", 3);
	json_u64(&w, "max", UINT64_MAX);
	json_u64(&w, "zero", 0);
	json_i64(&w, "neg", INT64_MIN);
	json_f64(&w, "f", 1.5, 2);
	json_f64(&w, "g", 2.0, 0);
	json_f64(&w, "small", 0.000123, 6);
	json_f64(&w, "negf", -1.25, 2);
	json_f64(&w, "nan", 0.0 / 0.0, 2);
	json_f64(&w, "inf", 1e308 * 10, 2);
	json_bool(&w, "t", 1);
	json_bool(&w, "u", 0);
	json_null(&w, "n");
	json_end(&w);
	ck_assert_str_eq(b.buf, "{\"name\":\"a\\\"b\",\"cut\":\"abc\",\"max\":18446744073709551615,"
			 "\"zero\":0,\"neg\":-9223372036854775808,\"f\":1.50,\"g\":2,"
			 "\"small\":0.000123,\"negf\":-1.25,\"nan\":null,\"inf\":null,\"t\":true,"
			 "\"u\":false,\"n\":null}");
	sb_free(&b);
}
END_TEST

/* ---- regressions ------------------------------------------------------------- */

START_TEST(test_json_f64_large_values)
{
	/* The fixed-point fast path must not overflow 64 bits: 1e14 with six
	 * decimals is 1e20 units. Every value must print as printf would. */
	static const struct { double v; int dec; } c[] = {
		{ 1e14, 6 }, { 5e14, 6 }, { 99999999999999.0, 3 }, { 2e13, 6 }, { 1.8e13, 6 },
		{ 123456789.123, 3 }, { 999999999999999.0, 0 }, { 4294967296.5, 1 },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct strbuf b;
		struct jsonw w;
		char want[128];
		sb_init(&b);
		json_begin(&w, &b);
		json_f64(&w, "v", c[i].v, c[i].dec);
		json_end(&w);
		snprintf(want, sizeof(want), "{\"v\":%.*f}", c[i].dec, c[i].v);
		ck_assert_msg(strcmp(b.buf, want) == 0, "%s, expected %s", b.buf, want);
		sb_free(&b);
	}
}
END_TEST

START_TEST(test_quote_long_mixed)
{
	/* Runs of plain ASCII around escapes, longer than any internal chunk. */
	struct strbuf in;
	sb_init(&in);
	for (int i = 0; i < 2000; i++) {
		sb_puts(&in, "abc");
		sb_putc(&in, i % 2 ? '"' : '\x01');
		sb_puts(&in, "\xc3\xa9");
	}
	char *got = quote(in.buf, in.len);
	size_t n = strlen(got);
	ck_assert_uint_eq(n, 2 + 1000 * (3 + 2 + 2) + 1000 * (3 + 6 + 2));
	ck_assert_int_eq(strncmp(got, "\"abc\\u0001\xc3\xa9" "abc\\\"\xc3\xa9", 19), 0);
	free(got);
	sb_free(&in);
}
END_TEST

/* The byte-at-a-time rule json_quote() must keep, written plainly: the
 * word-at-a-time fast path is checked against it. */
static char *quote_reference(const unsigned char *u, size_t n)
{
	struct strbuf b;
	sb_init(&b);
	sb_putc(&b, '"');
	for (size_t i = 0; i < n;) {
		unsigned c = u[i];
		size_t l = c >= 0x80 ? sb_shown_len((const char *)u + i, n - i) : 1;
		if (l > 1) {
			sb_put(&b, (const char *)u + i, l);
			i += l;
			continue;
		}
		i++;
		if (c == '"')
			sb_puts(&b, "\\\"");
		else if (c == '\\')
			sb_puts(&b, "\\\\");
		else if (c == '\n')
			sb_puts(&b, "\\n");
		else if (c == '\r')
			sb_puts(&b, "\\r");
		else if (c == '\t')
			sb_puts(&b, "\\t");
		else if (c < 0x20 || c >= 0x7f)
			sb_printf(&b, "\\u%04x", c);
		else
			sb_putc(&b, (char)c);
	}
	sb_putc(&b, '"');
	return b.buf;
}

START_TEST(test_quote_every_byte_at_every_offset)
{
	/* Each byte value at each place of plain strings of 1..24 bytes, so
	 * that it falls in every lane of a word and in the tail. */
	unsigned char in[24];
	for (size_t len = 1; len <= sizeof(in); len++)
		for (size_t at = 0; at < len; at++)
			for (unsigned c = 0; c < 256; c++) {
				memset(in, 'a', len);
				in[at] = (unsigned char)c;
				char *got = quote((const char *)in, len);
				char *want = quote_reference(in, len);
				ck_assert_msg(strcmp(got, want) == 0, "len %zu, byte %02x at %zu: %s, expected %s",
					      len, c, at, got, want);
				free(got);
				free(want);
			}
}
END_TEST

START_TEST(test_quote_random_against_reference)
{
	/* Mixed text (ASCII, UTF-8 sequences whole and cut, controls, high
	 * bytes) from a fixed generator. */
	uint32_t x = 12345;
	unsigned char in[96];
	for (int round = 0; round < 20000; round++) {
		size_t len = 0, want_len = (x >> 3) % sizeof(in);
		while (len < want_len) {
			x = x * 1103515245u + 12345u;
			unsigned kind = (x >> 16) % 8;
			if (kind < 4)
				in[len++] = (unsigned char)(0x20 + (x >> 8) % 95);
			else if (kind == 4 && len + 2 <= want_len) {
				in[len++] = 0xc3;
				in[len++] = 0xa9;
			} else if (kind == 5 && len + 3 <= want_len) {
				in[len++] = 0xe2;
				in[len++] = 0x80;
				in[len++] = (unsigned char)(0xa0 + (x >> 9) % 16);	/* some bidi */
			} else {
				in[len++] = (unsigned char)(x >> 20);
			}
		}
		char *got = quote((const char *)in, len);
		char *want = quote_reference(in, len);
		ck_assert_msg(strcmp(got, want) == 0, "round %d: %s, expected %s", round, got, want);
		free(got);
		free(want);
	}
}
END_TEST

/* json_quote_shown of n bytes, decoded back from JSON: it writes only
 * \" and \\ escapes (anything else fails the test). NULL: not a string. */
static char *shown_decoded(const unsigned char *in, size_t n)
{
	struct strbuf b;
	sb_init(&b);
	json_quote_shown(&b, (const char *)in, n);
	ck_assert(!b.oom && b.buf && b.len >= 2 && b.buf[0] == '"' && b.buf[b.len - 1] == '"');
	char *out = malloc(b.len);
	size_t o = 0;
	for (size_t i = 1; i + 1 < b.len; i++) {
		unsigned char c = (unsigned char)b.buf[i];
		ck_assert_msg(c >= 0x20 && c != '"', "raw byte %02x in %s", c, b.buf);
		if (c == '\\') {
			c = (unsigned char)b.buf[++i];
			ck_assert_msg(c == '"' || c == '\\', "escape \\%c in %s", c, b.buf);
		}
		out[o++] = (char)c;
	}
	out[o] = '\0';
	sb_free(&b);
	return out;
}

START_TEST(test_quote_shown_is_the_views_text)
{
	/* What a JSON reader gets of wire text is what the views show of it,
	 * byte for byte: every byte pair in every lane of a word and the tail,
	 * and mixed text from a fixed generator. */
	unsigned char in[20];
	for (unsigned a = 0; a < 256; a++)
		for (unsigned c = 0; c < 256; c += (a < 0x80 ? 17 : 1))
			for (size_t at = 0; at + 1 < sizeof(in); at += 7) {
				memset(in, 'q', sizeof(in));
				in[at] = (unsigned char)a;
				in[at + 1] = (unsigned char)c;
				size_t len = at + 2 + (a & 3);
				char *got = shown_decoded(in, len);
				char *want = sanitize((const char *)in, len);
				ck_assert_msg(strcmp(got, want) == 0, "%02x %02x at %zu: %s, expected %s", a, c, at,
					      got, want);
				free(got);
				free(want);
			}
	uint32_t x = 777;
	unsigned char mix[64];
	for (int round = 0; round < 5000; round++) {
		x = x * 1103515245u + 12345u;
		size_t len = (x >> 8) % sizeof(mix);
		for (size_t i = 0; i < len; i++) {
			x = x * 1103515245u + 12345u;
			static const unsigned char pick[] = { 'a', '"', '\\', 0x1b, 0x7f, 0xc3, 0xa9, 0xe2, 0x80,
							      0xae, 0xc2, 0x9b, 0xfc, 0 };
			mix[i] = (x >> 24) & 1 ? (unsigned char)(0x20 + (x >> 9) % 95) : pick[(x >> 12) % sizeof(pick)];
		}
		char *got = shown_decoded(mix, len);
		char *want = sanitize((const char *)mix, len);
		ck_assert_msg(strcmp(got, want) == 0, "round %d: %s, expected %s", round, got, want);
		free(got);
		free(want);
	}
	/* A byte that is not UTF-8 is not the character of its value. */
	char *latin1 = shown_decoded((const unsigned char *)"b\xfc" "cher", 6);
	char *utf8 = shown_decoded((const unsigned char *)"b\xc3\xbc" "cher", 7);
	ck_assert_str_eq(latin1, "b\\xfc" "cher");
	ck_assert_str_eq(utf8, "b\xc3\xbc" "cher");
	free(latin1);
	free(utf8);
}
END_TEST

/* Text for one-line messages: what sb_put_sanitized escapes, escaped, and
 * cut with "..." so that it always fits. */
START_TEST(test_str_shown)
{
	char b[32];
	ck_assert_str_eq(str_shown(b, sizeof(b), "eth0"), "eth0");
	ck_assert_str_eq(str_shown(b, sizeof(b), "a\nb\x1b[2J"), "a\\x0ab\\x1b[2J");
	ck_assert_str_eq(str_shown(b, sizeof(b), "\xc3\xa9t\xc3"), "\xc3\xa9t\\xc3");	/* é, then a cut one */
	ck_assert_str_eq(str_shown(b, sizeof(b), "x\xe2\x80\xaey"), "x\\xe2\\x80\\xaey");	/* a bidi override */
	ck_assert_str_eq(str_shown(b, sizeof(b), ""), "");
	/* 24 bytes fit with room for "..." and the NUL; 40 do not */
	const char *fits = "abcdefghijklmnopqrstuvwx";
	ck_assert_str_eq(str_shown(b, sizeof(b), fits), fits);
	str_shown(b, sizeof(b), "abcdefghijklmnopqrstuvwxyz0123456789ABCD");
	ck_assert_uint_lt(strlen(b), sizeof(b));
	ck_assert_str_eq(b + strlen(b) - 3, "...");
	ck_assert(!strncmp(b, "abcdefghijklmnopqrstuvwx", 24));
	/* escapes near the end are never split */
	char many[64];
	memset(many, '\n', sizeof(many) - 1);
	many[sizeof(many) - 1] = '\0';
	str_shown(b, sizeof(b), many);
	ck_assert_uint_lt(strlen(b), sizeof(b));
	ck_assert_str_eq(b + strlen(b) - 7, "\\x0a...");
	char tiny[8];
	ck_assert_str_eq(str_shown(tiny, sizeof(tiny), "\n\n"), "\\x0a...");
}
END_TEST

START_TEST(test_fmt_u64)
{
	/* Every power of ten and its neighbours, and the extremes, as printf. */
	uint64_t v[64];
	size_t n = 0;
	v[n++] = 0;
	v[n++] = UINT64_MAX;
	for (uint64_t p = 1; n + 3 <= 64; p *= 10) {
		v[n++] = p - 1;
		v[n++] = p;
		v[n++] = p + 1;
		if (p > UINT64_MAX / 10)
			break;
	}
	for (size_t i = 0; i < n; i++) {
		char buf[24], want[24];
		char *d = sb_fmt_u64(buf + 20, v[i]);
		buf[20] = '\0';
		snprintf(want, sizeof(want), "%" PRIu64, v[i]);
		ck_assert_str_eq(d, want);
		struct strbuf b;
		sb_init(&b);
		sb_put_u64(&b, v[i]);
		ck_assert_str_eq(b.buf, want);
		sb_free(&b);
	}
}
END_TEST

START_TEST(test_json_milli_as_f64)
{
	/* json_milli(micro) must write what json_f64(micro / 1000.0, 3) did. */
	static const uint64_t micro[] = { 0, 1, 9, 10, 99, 100, 999, 1000, 1001, 1099, 20508,
					  21163, 999999, 1000000, 123456789, 4294967295ull,
					  999999999999ull };
	for (size_t i = 0; i < sizeof(micro) / sizeof(micro[0]); i++) {
		struct strbuf a, b;
		struct jsonw wa, wb;
		sb_init(&a);
		sb_init(&b);
		json_begin(&wa, &a);
		json_begin(&wb, &b);
		json_milli(&wa, "rtt_ms", micro[i]);
		json_f64(&wb, "rtt_ms", (double)micro[i] / 1000.0, 3);
		ck_assert_str_eq(a.buf, b.buf);
		sb_free(&a);
		sb_free(&b);
	}
}
END_TEST

static Suite *strbuf_suite(void)
{
	Suite *s = suite_create("strbuf");
	TCase *tc = tcase_create("valid");
	tcase_add_loop_test(tc, test_json_quote, 0, (int)(sizeof(json_cases) / sizeof(json_cases[0])));
	tcase_add_loop_test(tc, test_sanitized, 0, (int)(sizeof(san_cases) / sizeof(san_cases[0])));
	tcase_add_test(tc, test_printf_long);
	tcase_add_test(tc, test_buffer_basics);
	tcase_add_test(tc, test_json_writer);
	suite_add_tcase(s, tc);
	tc = tcase_create("malformed");
	tcase_add_test(tc, test_sanitized_output_is_safe);
	suite_add_tcase(s, tc);
	tc = tcase_create("regressions");
	tcase_add_test(tc, test_json_f64_large_values);
	tcase_add_test(tc, test_quote_long_mixed);
	tcase_add_test(tc, test_quote_every_byte_at_every_offset);
	tcase_add_test(tc, test_quote_random_against_reference);
	tcase_add_test(tc, test_quote_shown_is_the_views_text);
	tcase_add_test(tc, test_str_shown);
	tcase_add_test(tc, test_fmt_u64);
	tcase_add_test(tc, test_json_milli_as_f64);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(strbuf_suite());
}
