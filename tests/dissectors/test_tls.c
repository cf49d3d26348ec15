/*
 * test_tls.c - unit tests of dissectors/tls.c through the fake host.
 *
 * Real handshakes (curl, openssl s_client against nginx / openssl s_server,
 * captured with tcpdump, streams cut out with tshark) live in
 * vectors/tls/NAME.{c2s,s2c}.bin; vectors/tls/expected.tsv is what tshark dissected from
 * the same captures, with JA4 computed from tshark's fields by
 * vectors/tls/ja4ref.py. make-vectors.sh there regenerates all of it.
 *
 * tls.c is also included here (its entry point renamed) so that its static
 * SHA-256 can be checked against the FIPS 180-4 vectors directly; every
 * dissector test goes through the separately compiled, exported entry.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakehost.h"

#define netlens_dissector_entry tls_included_entry
#include "../../dissectors/tls.c"
#undef netlens_dissector_entry

const struct nl_dissector *netlens_dissector_entry(void);

/* ------------------------------------------------------------ utilities */

static const char *vec_dir(void)
{
	static char dir[1024];
	const char *env = getenv("TLS_VECTORS");
	if (env)
		return env;
	const char *f = __FILE__;
	const char *slash = strrchr(f, '/');
	if (!slash)
		return "vectors/tls";
	snprintf(dir, sizeof(dir), "%.*s/vectors/tls", (int)(slash - f), f);
	return dir;
}

/* Reads a vector file; the caller frees. */
static uint8_t *load(const char *name, size_t *len)
{
	char path[1200];
	snprintf(path, sizeof(path), "%s/%s", vec_dir(), name);
	FILE *fp = fopen(path, "rb");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	uint8_t *buf = malloc(NL_MAX_STREAM + 1);
	ck_assert_ptr_nonnull(buf);
	*len = fread(buf, 1, NL_MAX_STREAM + 1, fp);
	fclose(fp);
	ck_assert_uint_le(*len, NL_MAX_STREAM);
	return buf;
}

static void open_flow(struct fh_flow *ff) { fh_open(ff, netlens_dissector_entry()); }

static enum nl_verdict feed(struct fh_flow *ff, int from_client, const void *b, size_t n)
{
	return fh_feed(ff, NL_TCP, from_client, from_client ? 40000 : 443, from_client ? 443 : 40000, b, n,
		       0);
}

static int nothing_set(const struct fh_flow *ff)
{
	for (int i = 0; i < F_COUNT; i++)
		if (ff->f.v[i].set)
			return 0;
	return 1;
}

/* Offset just past the first handshake message of a well-formed stream
 * (trusted test input), or 0. */
static size_t hello_end(const uint8_t *s, size_t len)
{
	size_t off = 0, got = 0, need = 0;
	uint8_t h[4];
	while (off + 5 <= len && s[off] == 22) {
		size_t rl = (size_t)s[off + 3] << 8 | s[off + 4];
		off += 5;
		for (size_t i = 0; i < rl && off + i < len; i++) {
			if (got < 4)
				h[got] = s[off + i];
			got++;
			if (got == 4)
				need = 4 + ((size_t)h[1] << 16 | (size_t)h[2] << 8 | h[3]);
			if (got >= 4 && got == need)
				return off + i + 1;
		}
		off += rl;
	}
	return 0;
}

/* ------------------------------------------------- ClientHello builder */

struct buf {
	uint8_t b[70000];
	size_t n;
};

static void put8(struct buf *b, unsigned v) { b->b[b->n++] = (uint8_t)v; }
static void put16(struct buf *b, unsigned v) { put8(b, v >> 8 & 0xff), put8(b, v & 0xff); }
static void putn(struct buf *b, const void *p, size_t n) { memcpy(b->b + b->n, p, n), b->n += n; }
static size_t mark(struct buf *b, size_t width)
{
	size_t at = b->n;
	b->n += width;
	return at;
}
static void patch(struct buf *b, size_t at, size_t width)
{
	size_t v = b->n - at - width;
	for (size_t i = 0; i < width; i++)
		b->b[at + i] = (uint8_t)(v >> (8 * (width - 1 - i)));
}

struct alpn_val {
	const char *s;
	size_t n;
};

struct chopts {
	uint16_t legacy;
	const uint16_t *ciphers;
	size_t nc;
	const uint16_t *exts;	/* types in wire order; bodies below by type */
	size_t ne;
	const char *sni;
	const struct alpn_val *alpn;
	size_t nalpn;
	const uint16_t *sigs;
	size_t ns;
	const uint16_t *vers;
	size_t nv;
	size_t sid_len;		/* 0: 32 */
};

/* The ClientHello handshake message (type, u24 length, body). */
static void build_ch(struct buf *m, const struct chopts *o)
{
	m->n = 0;
	put8(m, 1);
	size_t hl = mark(m, 3);
	put16(m, o->legacy ? o->legacy : 0x0303);
	for (int i = 0; i < 32; i++)
		put8(m, (unsigned)i);
	size_t sid = o->sid_len ? o->sid_len : 32;
	put8(m, (unsigned)sid);
	for (size_t i = 0; i < sid; i++)
		put8(m, 0xee);
	put16(m, (unsigned)(2 * o->nc));
	for (size_t i = 0; i < o->nc; i++)
		put16(m, o->ciphers[i]);
	put8(m, 1), put8(m, 0);
	size_t el = mark(m, 2);
	for (size_t i = 0; i < o->ne; i++) {
		put16(m, o->exts[i]);
		size_t l = mark(m, 2);
		switch (o->exts[i]) {
		case 0x0000: {
			size_t ll = mark(m, 2);
			put8(m, 0);
			put16(m, (unsigned)strlen(o->sni));
			putn(m, o->sni, strlen(o->sni));
			patch(m, ll, 2);
			break;
		}
		case 0x0010: {
			size_t ll = mark(m, 2);
			for (size_t k = 0; k < o->nalpn; k++) {
				put8(m, (unsigned)o->alpn[k].n);
				putn(m, o->alpn[k].s, o->alpn[k].n);
			}
			patch(m, ll, 2);
			break;
		}
		case 0x000d: {
			size_t ll = mark(m, 2);
			for (size_t k = 0; k < o->ns; k++)
				put16(m, o->sigs[k]);
			patch(m, ll, 2);
			break;
		}
		case 0x002b: {
			size_t ll = mark(m, 1);
			for (size_t k = 0; k < o->nv; k++)
				put16(m, o->vers[k]);
			patch(m, ll, 1);
			break;
		}
		default:
			break;
		}
		patch(m, l, 2);
	}
	patch(m, el, 2);
	patch(m, hl, 3);
}

/* Wraps a handshake byte string into handshake records of at most frag bytes. */
static void to_records(struct buf *out, const uint8_t *msg, size_t n, size_t frag)
{
	out->n = 0;
	for (size_t off = 0; off < n; off += frag) {
		size_t k = n - off < frag ? n - off : frag;
		put8(out, 22), put16(out, 0x0301), put16(out, (unsigned)k);
		putn(out, msg + off, k);
	}
}

/* FoxIO JA4.md's example hello: ciphers, extensions, signature algorithms,
 * with GREASE values sprinkled in (they must not count). */
static const uint16_t spec_ciphers[] = { 0x2a2a, 0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c,
					 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014, 0x009c, 0x009d,
					 0x002f, 0x0035 };
static const uint16_t spec_exts[] = { 0xdada, 0x001b, 0x0000, 0x0033, 0x0010, 0x4469, 0x0017,
				      0x002d, 0x000d, 0x0005, 0x0023, 0x0012, 0x002b, 0xff01,
				      0x000b, 0x000a, 0x0015, 0x3a3a };
static const uint16_t spec_sigs[] = { 0x0403, 0x0804, 0x0401, 0x0503, 0x0805, 0x0501, 0x0806, 0x0601 };
static const uint16_t spec_vers[] = { 0x7a7a, 0x0304, 0x0303 };
static const struct alpn_val h2_h11[] = { { "h2", 2 }, { "http/1.1", 8 } };

static struct chopts spec_opts(void)
{
	struct chopts o = {
		.ciphers = spec_ciphers, .nc = sizeof(spec_ciphers) / 2,
		.exts = spec_exts, .ne = sizeof(spec_exts) / 2,
		.sni = "www.example.com",
		.alpn = h2_h11, .nalpn = 2,
		.sigs = spec_sigs, .ns = sizeof(spec_sigs) / 2,
		.vers = spec_vers, .nv = 3,
	};
	return o;
}

/* A minimal valid hello as a base to break: legacy 0x0303, one cipher,
 * extension block holding SNI "a.b". Offsets below are into msgbuf. */
static const uint16_t one_cipher[] = { 0x1301 };
static const uint16_t sni_only[] = { 0x0000 };

static struct chopts small_opts(void)
{
	struct chopts o = { .ciphers = one_cipher, .nc = 1, .exts = sni_only, .ne = 1, .sni = "a.b" };
	return o;
}

static struct buf msgbuf, recbuf;

/* Builds, wraps in one record, feeds as client; returns the verdict. */
static enum nl_verdict feed_ch(struct fh_flow *ff, const struct chopts *o)
{
	build_ch(&msgbuf, o);
	to_records(&recbuf, msgbuf.b, msgbuf.n, 16384);
	return feed(ff, 1, recbuf.b, recbuf.n);
}

static void expect_ja4(const struct chopts *o, const char *want)
{
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(feed_ch(&ff, o), NL_NEED_MORE);
	ck_assert_int_eq(ff.f.errors, 0);
	ck_assert_ptr_nonnull(fh_str(&ff, "tls.ja4"));
	ck_assert_str_eq(fh_str(&ff, "tls.ja4"), want);
	fh_close(&ff);
}

/* ---------------------------------------------------------------- SHA-256 */

static void sha_hex(const void *p, size_t n, char out[65])
{
	struct sha256 c;
	uint8_t d[32];
	sha256_init(&c);
	sha256_update(&c, p, n);
	sha256_final(&c, d);
	for (int i = 0; i < 32; i++)
		sprintf(out + 2 * i, "%02x", d[i]);
}

/* ---- STARTTLS ---------------------------------------------------------- */

START_TEST(test_starttls_smtp)
{
	/* SMTP's lines, then the hello where the next line would start: both
	 * hosts (the stream each time, and consume), in segments of any size. */
	struct chopts o = small_opts();
	build_ch(&msgbuf, &o);
	to_records(&recbuf, msgbuf.b, msgbuf.n, 16384);
	static const char c_text[] = "EHLO client.example\r\nSTARTTLS\r\n";
	static uint8_t c2s[sizeof(c_text) + 4096];
	memcpy(c2s, c_text, sizeof(c_text) - 1);
	memcpy(c2s + sizeof(c_text) - 1, recbuf.b, recbuf.n);
	size_t cl = sizeof(c_text) - 1 + recbuf.n;
	static const char s2c[] = "220 mx ESMTP\r\n250-mx\r\n250 STARTTLS\r\n220 Ready to start TLS\r\n";
	static const size_t segs[] = { 1, 7, 30, 4096 };
	for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
		struct fh_flow a, b;
		fh_open(&a, netlens_dissector_entry());
		fh_open(&b, netlens_dissector_entry());
		ck_assert_int_eq(fh_replay_both(&a, &b, 40000, 25, c2s, cl, (const uint8_t *)s2c,
						sizeof(s2c) - 1, segs[i]), 0);
		ck_assert_ptr_nonnull(fh_str(&a, "tls.sni"));
		ck_assert_str_eq(fh_str(&b, "tls.sni"), fh_str(&a, "tls.sni"));
		ck_assert_ptr_nonnull(fh_str(&b, "tls.ja4"));
		ck_assert_int_eq(b.f.errors, 0);
		fh_close(&a);
		fh_close(&b);
	}
	/* XMPP: XML with no line ends, the hello right after <proceed/>. */
	{
		static const char x_c[] = "<?xml version='1.0'?><stream:stream to='x.example' "
			"xmlns='jabber:client' version='1.0'><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>";
		static uint8_t xc[sizeof(x_c) + 4096];
		memcpy(xc, x_c, sizeof(x_c) - 1);
		memcpy(xc + sizeof(x_c) - 1, recbuf.b, recbuf.n);
		static const char xs[] = "<?xml version='1.0'?><stream:stream from='x.example' version='1.0'>"
			"<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>";
		struct fh_flow a, b;
		fh_open(&a, netlens_dissector_entry());
		fh_open(&b, netlens_dissector_entry());
		ck_assert_int_eq(fh_replay_both(&a, &b, 40000, 5222, xc, sizeof(x_c) - 1 + recbuf.n,
						(const uint8_t *)xs, sizeof(xs) - 1, 64), 0);
		ck_assert_ptr_nonnull(fh_str(&b, "tls.sni"));
		fh_close(&a);
		fh_close(&b);
	}
	/* The same text on a port of no STARTTLS protocol: not TLS at once. */
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(feed(&ff, 1, c2s, cl), NL_NOT_MINE);
	fh_close(&ff);
	/* On SMTP's port, binary before a hello, or text past the bound: no. */
	fh_open(&ff, netlens_dissector_entry());
	static const uint8_t bin[] = { 'E', 'H', 0x01, 'O', '\r', '\n' };
	ck_assert_int_eq(fh_feed(&ff, NL_TCP, 1, 40000, 25, bin, sizeof(bin), 0), NL_NOT_MINE);
	fh_close(&ff);
	static char lots[9000];
	for (size_t i = 0; i < sizeof(lots); i++)
		lots[i] = (i % 80 == 79) ? '\n' : 'x';
	fh_open(&ff, netlens_dissector_entry());
	ck_assert_int_eq(fh_feed(&ff, NL_TCP, 1, 40000, 25, lots, sizeof(lots), 0), NL_NOT_MINE);
	ck_assert(nothing_set(&ff));
	fh_close(&ff);
}
END_TEST

START_TEST(test_sha256_fips_vectors)
{
	char h[65];
	sha_hex("", 0, h);
	ck_assert_str_eq(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sha_hex("abc", 3, h);
	ck_assert_str_eq(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	sha_hex(m448, strlen(m448), h);
	ck_assert_str_eq(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
	const char *m896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu";
	sha_hex(m896, strlen(m896), h);
	ck_assert_str_eq(h, "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");

	/* One million 'a', fed in uneven pieces to exercise the block buffer. */
	static char a[1000];
	memset(a, 'a', sizeof(a));
	struct sha256 c;
	uint8_t d[32];
	sha256_init(&c);
	size_t left = 1000000, step = 1;
	while (left > 0) {
		size_t k = step < left ? step : left;
		sha256_update(&c, a, k);
		left -= k;
		step = step % 987 + 13;	/* 13..999: within a[] */
	}
	sha256_final(&c, d);
	for (int i = 0; i < 32; i++)
		sprintf(h + 2 * i, "%02x", d[i]);
	ck_assert_str_eq(h, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

START_TEST(test_sha256_ja4_spec_strings)
{
	char h[65];
	const char *b = "002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9";
	sha_hex(b, strlen(b), h);
	ck_assert_str_eq(h, "8daaf6152771e33e12d734f9bc6478ed341f16cde27aee3aa36f2402f2c53b44");
	const char *c = "0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01_0403,0804,0401,0503,0805,0501,0806,0601";
	sha_hex(c, strlen(c), h);
	ck_assert_str_eq(h, "e5627efa2ab19723084c1033a96c694a45826ab5a460d2d3fd5ffcfe97161c95");
	const char *c2 = "0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01";
	sha_hex(c2, strlen(c2), h);
	ck_assert_int_eq(strncmp(h, "6d807ffa2a79", 12), 0);
}
END_TEST

/* The memo in front of the hash: every answer, first or repeated, evicted
 * or not, is the digest's; texts of one length that differ only in a late
 * byte are told apart; texts too long to keep are hashed each time. */
START_TEST(test_sha256_hex12_memo_answers_are_digests)
{
	static char t[3 * TLS_HASH_SLOTS][TLS_HASH_TEXT + 40];
	size_t len[3 * TLS_HASH_SLOTS];
	for (size_t i = 0; i < 3 * TLS_HASH_SLOTS; i++) {
		/* Lengths around the limit of an entry, one byte apart at the end. */
		len[i] = i % 3 == 0 ? TLS_HASH_TEXT + 1 + i % 7 : i % 3 == 1 ? TLS_HASH_TEXT : 11 + i;
		memset(t[i], 'c', len[i]);
		t[i][len[i] - 1] = (char)('0' + i % 10);
		t[i][len[i] - 2] = (char)('a' + i / 10 % 26);
	}
	for (int round = 0; round < 3; round++)
		for (size_t k = 0; k < 3 * TLS_HASH_SLOTS; k++) {
			size_t i = round == 1 ? 3 * TLS_HASH_SLOTS - 1 - k : k;
			char want[65], got[12];
			sha_hex(t[i], len[i], want);
			sha256_hex12(t[i], len[i], got);
			ck_assert_int_eq(memcmp(got, want, 12), 0);
		}
}
END_TEST

/* ------------------------------------------------------------------- JA4 */

/* The memo of JA4's hashed parts by wire-order lists: the same values
 * split differently between ciphers, extensions and signature algorithms,
 * or in another order, get their own answers; repeats get the computed
 * one; lists too long for an entry are computed each time. */
START_TEST(test_ja4_memo_by_wire_lists)
{
	static struct client_hello ch[6];
	static const uint16_t vals[] = { 0x1301, 0x1302, 0xc02b, 0x000a, 0x000d, 0x002b, 0x0403, 0x0804 };
	for (size_t k = 0; k < 6; k++) {
		memset(&ch[k], 0, sizeof(ch[k]));
		size_t nc = 1 + k % 3, ne = 3 + (k >= 3), total = 8;
		for (size_t i = 0; i < nc; i++)
			ch[k].ciphers[i] = vals[i];
		for (size_t i = 0; i < ne && nc + i < total; i++)
			ch[k].exts[i] = vals[nc + i];
		ch[k].n_ciphers = nc;
		ch[k].n_exts = ne < total - nc ? ne : total - nc;
		for (size_t i = nc + ch[k].n_exts; i < total; i++)
			ch[k].sigs[ch[k].n_sigs++] = vals[i];
	}
	ch[5] = ch[4];
	ch[5].exts[0] = ch[4].exts[1], ch[5].exts[1] = ch[4].exts[0];	/* another order */
	static struct client_hello big;
	memset(&big, 0, sizeof(big));
	for (size_t i = 0; i < TLS_JA4_VALUES; i++)
		big.ciphers[big.n_ciphers++] = (uint16_t)(0x0100 + i);
	big.exts[big.n_exts++] = 0x000a;
	for (int round = 0; round < 3; round++) {
		for (size_t k = 0; k < 7; k++) {
			const struct client_hello *c = k < 6 ? &ch[k] : &big;
			char want[24], got[24];
			ja4_hashes_compute(c, want, want + 12);
			ja4_hashes(c, got, got + 12);
			ck_assert_int_eq(memcmp(got, want, 24), 0);
		}
	}
	/* Permuted extensions: another key, the same (sorted) answer. */
	char a[24], b[24];
	ja4_hashes(&ch[4], a, a + 12);
	ja4_hashes(&ch[5], b, b + 12);
	ck_assert_int_eq(memcmp(a, b, 24), 0);
}
END_TEST

START_TEST(test_ja4_spec_example)
{
	struct chopts o = spec_opts();
	expect_ja4(&o, "t13d1516h2_8daaf6152771_e5627efa2ab1");
}
END_TEST

START_TEST(test_ja4_spec_no_sigalgs)
{
	/* JA4.md: signature_algorithms present but empty: no trailing "_". */
	struct chopts o = spec_opts();
	o.ns = 0;
	expect_ja4(&o, "t13d1516h2_8daaf6152771_6d807ffa2a79");
}
END_TEST

START_TEST(test_ja4_no_sni_no_alpn_tls12)
{
	static const uint16_t exts[] = { 0x000d, 0x000a };
	struct chopts o = spec_opts();
	o.exts = exts, o.ne = 2;
	/* no supported_versions: legacy 0x0303 gives "12" */
	struct fh_flow ff;
	open_flow(&ff);
	feed_ch(&ff, &o);
	const char *j = fh_str(&ff, "tls.ja4");
	ck_assert_ptr_nonnull(j);
	ck_assert_int_eq(strncmp(j, "t12i150200_8daaf6152771_", 24), 0);
	ck_assert_str_eq(fh_str(&ff, "tls.version"), "1.2");
	ck_assert_ptr_null(fh_str(&ff, "tls.sni"));
	ck_assert_ptr_null(fh_list(&ff, "tls.alpn", 0));
	/* c: "000a,000d_0403,..." */
	char want[65];
	const char *s = "000a,000d_0403,0804,0401,0503,0805,0501,0806,0601";
	sha_hex(s, strlen(s), want);
	ck_assert_int_eq(strncmp(j + 24, want, 12), 0);
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}
END_TEST

START_TEST(test_ja4_alpn_hex_rule)
{
	/* The examples of JA4.md "ALPN Extension Value". */
	static const struct {
		const char *v;
		size_t n;
		const char *want;
	} cases[] = {
		{ "\xab", 1, "ab" },	      { "\xab\xcd", 2, "ad" },	       { "\x30\xab", 2, "3b" },
		{ "\x30\x31\xab\xcd", 4, "3d" }, { "\x30\xab\xcd\x31", 4, "01" }, { "h", 1, "hh" },
		{ "http/1.1", 8, "h1" },	      { "", 0, "00" },		       { "\xab" "b", 2, "a2" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct alpn_val a[2] = { { cases[i].v, cases[i].n }, { "h2", 2 } };
		struct chopts o = spec_opts();
		o.alpn = a, o.nalpn = 2;
		struct fh_flow ff;
		open_flow(&ff);
		feed_ch(&ff, &o);
		const char *j = fh_str(&ff, "tls.ja4");
		ck_assert_ptr_nonnull(j);
		ck_assert_msg(!strncmp(j + 8, cases[i].want, 2), "case %zu: %s", i, j);
		ck_assert_int_eq(ff.f.errors, 0);
		fh_close(&ff);
	}
}
END_TEST

START_TEST(test_ja4_counts_cap_at_99)
{
	static uint16_t ciphers[150];
	for (int i = 0; i < 150; i++)
		ciphers[i] = (uint16_t)(0xc000 + i);
	static uint16_t exts[120];
	for (int i = 0; i < 120; i++)
		exts[i] = (uint16_t)(0x0100 + i);
	struct chopts o = spec_opts();
	o.ciphers = ciphers, o.nc = 150, o.exts = exts, o.ne = 120;
	struct fh_flow ff;
	open_flow(&ff);
	feed_ch(&ff, &o);
	const char *j = fh_str(&ff, "tls.ja4");
	ck_assert_ptr_nonnull(j);
	ck_assert_int_eq(strncmp(j, "t12i999900_", 11), 0);
	fh_close(&ff);
}
END_TEST

START_TEST(test_ja4_no_ciphers_no_exts_zeroes)
{
	/* Only GREASE ciphers and extensions: both hashes are the zero string. */
	static const uint16_t c[] = { 0x0a0a };
	static const uint16_t e[] = { 0x1a1a, 0xfafa };
	struct chopts o = spec_opts();
	o.ciphers = c, o.nc = 1, o.exts = e, o.ne = 2;
	expect_ja4(&o, "t12i000000_000000000000_000000000000");
}
END_TEST

START_TEST(test_ja4_grease_is_exactly_the_16_values)
{
	/* 0x1a2a and 0x2a1a match 0x?a?a but are not GREASE (RFC 8701: both
	 * bytes equal); they count and are hashed. */
	static const uint16_t c[] = { 0x0a0a, 0x1a2a, 0x2a1a, 0xfafa, 0x1301 };
	static const uint16_t e[] = { 0x1a1a, 0x3a4a, 0x000a };
	struct chopts o = spec_opts();
	o.ciphers = c, o.nc = 5, o.exts = e, o.ne = 3;
	char b[65], cc[65], want[64];
	sha_hex("1301,1a2a,2a1a", 14, b);
	sha_hex("000a,3a4a", 9, cc);
	snprintf(want, sizeof(want), "t12i030200_%.12s_%.12s", b, cc);
	expect_ja4(&o, want);
}
END_TEST

/* ------------------------------------------------------- real handshakes */

struct expected {
	char name[64], sni[256], alpn[1024], version[16], server_version[16], cipher_hex[16],
	    cipher_name[96], ja4[64];
};

static size_t load_expected(struct expected *rows, size_t max)
{
	char path[1200], line[4096];
	snprintf(path, sizeof(path), "%s/expected.tsv", vec_dir());
	FILE *fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "cannot open %s", path);
	size_t n = 0;
	while (n < max && fgets(line, sizeof(line), fp)) {
		struct expected *e = &rows[n];
		if (sscanf(line, "%63[^\t]\t%255[^\t]\t%1023[^\t]\t%15[^\t]\t%15[^\t]\t%15[^\t]\t%95[^\t]\t%63[^\t\n]",
			   e->name, e->sni, e->alpn, e->version, e->server_version, e->cipher_hex,
			   e->cipher_name, e->ja4) == 8)
			n++;
	}
	fclose(fp);
	return n;
}

static void check_client_fields(const struct fh_flow *ff, const struct expected *e)
{
	const char *sni = fh_str(ff, "tls.sni");
	if (!strcmp(e->sni, "-"))
		ck_assert_ptr_null(sni);
	else
		ck_assert_str_eq(sni, e->sni);
	char alpn[1024];
	snprintf(alpn, sizeof(alpn), "%s", e->alpn);
	size_t i = 0;
	for (char *t = strtok(alpn, ","); t && strcmp(t, "-"); t = strtok(NULL, ","), i++) {
		ck_assert_ptr_nonnull(fh_list(ff, "tls.alpn", i));
		ck_assert_str_eq(fh_list(ff, "tls.alpn", i), t);
	}
	ck_assert_ptr_null(fh_list(ff, "tls.alpn", i));
	ck_assert_ptr_nonnull(fh_str(ff, "tls.ja4"));
	ck_assert_msg(!strcmp(fh_str(ff, "tls.ja4"), e->ja4), "%s: ja4 %s, ja4ref %s", e->name,
		      fh_str(ff, "tls.ja4"), e->ja4);
}

START_TEST(test_real_handshakes_match_tshark)
{
	struct expected rows[16];
	size_t n = load_expected(rows, 16);
	ck_assert_uint_ge(n, 6);
	for (size_t k = 0; k < n; k++) {
		const struct expected *e = &rows[k];
		char name[128];
		size_t cl, sl;
		snprintf(name, sizeof(name), "%.63s.c2s.bin", e->name);
		uint8_t *c = load(name, &cl);
		snprintf(name, sizeof(name), "%.63s.s2c.bin", e->name);
		uint8_t *s = load(name, &sl);

		for (int order = 0; order < 2; order++) {	/* client first, then server first */
			struct fh_flow ff;
			open_flow(&ff);
			if (order == 0) {
				ck_assert_int_eq(feed(&ff, 1, c, cl), NL_NEED_MORE);
				ck_assert_str_eq(ff.f.state, "TLS_CLIENT_HELLO");
				ck_assert_int_eq(feed(&ff, 0, s, sl), NL_DONE);
			} else {
				ck_assert_int_eq(feed(&ff, 0, s, sl), NL_NEED_MORE);
				ck_assert_int_eq(feed(&ff, 1, c, cl), NL_DONE);
			}
			check_client_fields(&ff, e);
			ck_assert_str_eq(fh_str(&ff, "tls.version"), e->version);
			ck_assert_str_eq(fh_str(&ff, "tls.server_version"), e->server_version);
			ck_assert_str_eq(fh_str(&ff, "tls.cipher"), e->cipher_name);
			ck_assert_str_eq(ff.f.state, "TLS_SERVER_HELLO");
			ck_assert_int_eq(ff.f.errors, 0);
			fh_close(&ff);
		}
		free(c);
		free(s);
	}
}
END_TEST

START_TEST(test_real_split_at_every_byte)
{
	struct expected rows[16];
	size_t n = load_expected(rows, 16);
	for (size_t k = 0; k < n; k++) {
		char name[128];
		size_t cl;
		snprintf(name, sizeof(name), "%.63s.c2s.bin", rows[k].name);
		uint8_t *c = load(name, &cl);
		size_t end = hello_end(c, cl);
		ck_assert_uint_gt(end, 0);
		for (size_t cut = 1; cut < end + 8 && cut < cl; cut++) {
			struct fh_flow ff;
			open_flow(&ff);
			enum nl_verdict v = feed(&ff, 1, c, cut);
			ck_assert_int_eq(v, NL_NEED_MORE);
			if (cut < end)
				ck_assert_msg(nothing_set(&ff), "%s: field set from %zu of %zu bytes",
					      rows[k].name, cut, end);
			else
				check_client_fields(&ff, &rows[k]);
			ck_assert_int_eq(feed(&ff, 1, c, cl), NL_NEED_MORE);
			check_client_fields(&ff, &rows[k]);
			ck_assert_int_eq(ff.f.errors, 0);
			fh_close(&ff);
		}
		free(c);
	}
}
END_TEST

/* Every prefix of every real stream, both directions, in one delivery. */
START_TEST(test_real_every_truncation)
{
	struct expected rows[16];
	size_t n = load_expected(rows, 16);
	for (size_t k = 0; k < n; k++) {
		for (int dir = 0; dir < 2; dir++) {
			char name[128];
			size_t len;
			snprintf(name, sizeof(name), "%.63s.%s.bin", rows[k].name, dir ? "c2s" : "s2c");
			uint8_t *b = load(name, &len);
			size_t end = hello_end(b, len);
			for (size_t cut = 0; cut <= len; cut++) {
				struct fh_flow ff;
				open_flow(&ff);
				enum nl_verdict v = feed(&ff, dir, b, cut);
				ck_assert_int_eq(v, NL_NEED_MORE);
				ck_assert_int_eq(nothing_set(&ff), cut < end);
				ck_assert_int_eq(ff.f.errors, 0);
				fh_close(&ff);
			}
			free(b);
		}
	}
}
END_TEST

/* A host of ABI 1.1 (segments, consume honoured) finds what a 1.0 host
 * (the whole stream each time) finds, for every real handshake cut in
 * segments of several sizes; and once a side's hello is read, none of it
 * is held while the other side's is awaited. */
START_TEST(test_real_consume_host_agrees)
{
	static const size_t segs[] = { 1, 7, 100, 536, 1448, NL_MAX_STREAM };
	struct expected rows[16];
	size_t n = load_expected(rows, 16);
	ck_assert_uint_ge(n, 6);
	for (size_t k = 0; k < n; k++) {
		char name[128];
		size_t cl, sl;
		snprintf(name, sizeof(name), "%.63s.c2s.bin", rows[k].name);
		uint8_t *c = load(name, &cl);
		snprintf(name, sizeof(name), "%.63s.s2c.bin", rows[k].name);
		uint8_t *s = load(name, &sl);
		for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
			struct fh_flow a, b;
			open_flow(&a);
			open_flow(&b);
			ck_assert_int_eq(fh_replay_both(&a, &b, 40000, 443, c, cl, s, sl, segs[i]), 0);
			ck_assert_msg(fh_same_results(&a, &b), "%s, %zu-byte segments", rows[k].name, segs[i]);
			if (strcmp(rows[k].sni, "-"))
				ck_assert_str_eq(fh_str(&b, "tls.sni"), rows[k].sni);
			ck_assert_str_eq(fh_str(&b, "tls.ja4"), rows[k].ja4);
			ck_assert_int_eq(a.f.errors + b.f.errors, 0);
			/* the client's hello was consumed: nothing of it is held */
			ck_assert_uint_eq(b.dir[1].len, 0);
			ck_assert_uint_ge(b.dir[1].base, hello_end(c, cl));
			fh_close(&a);
			fh_close(&b);
		}
		free(c);
		free(s);
	}
}
END_TEST

/* A 1.1 host while the server is silent: the ClientHello is read and
 * consumed, and what the client sends next is consumed unread. */
START_TEST(test_consume_while_server_silent)
{
	size_t cl;
	uint8_t *c = load("curl13_h2.c2s.bin", &cl);
	size_t end = hello_end(c, cl);
	ck_assert_uint_gt(end, 0);
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(fh_stream_feed(&ff, 1, 40000, 443, c, end), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "tls.sni"), "www.netlens.test");
	ck_assert_uint_eq(ff.dir[1].len, 0);
	ck_assert_uint_eq(ff.dir[1].base, end);
	static const uint8_t more[] = { 0x14, 0x03, 0x03, 0x00, 0x01, 0x01 };	/* ChangeCipherSpec */
	ck_assert_int_eq(fh_stream_feed(&ff, 1, 40000, 443, more, sizeof(more)), NL_NEED_MORE);
	ck_assert_uint_eq(ff.dir[1].len, 0);
	ck_assert_uint_eq(ff.dir[1].base, end + sizeof(more));
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
	free(c);
}
END_TEST

START_TEST(test_real_fragmented_over_records)
{
	/* openssl s_client -max_send_frag 512: the ClientHello spans two records. */
	size_t cl;
	uint8_t *c = load("sclient_frag.c2s.bin", &cl);
	ck_assert_uint_eq(c[0], 22);
	size_t rl = (size_t)c[3] << 8 | c[4];
	ck_assert_uint_eq(rl, 512);
	ck_assert_uint_eq(c[5 + rl], 22);	/* the second record continues the hello */
	ck_assert_uint_gt(hello_end(c, cl), 5 + rl + 5);
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(feed(&ff, 1, c, 5 + rl), NL_NEED_MORE);
	ck_assert(nothing_set(&ff));
	ck_assert_int_eq(feed(&ff, 1, c, cl), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "tls.sni"), "frag.netlens.test");
	ck_assert_str_eq(fh_list(&ff, "tls.alpn", 15), "x-netlens-experimental-protocol-14");
	fh_close(&ff);
	free(c);
}
END_TEST

START_TEST(test_synthetic_every_record_size)
{
	/* The spec hello, fragmented into records of every size 1..len; and
	 * each of those streams split in two deliveries. */
	struct chopts o = spec_opts();
	build_ch(&msgbuf, &o);
	for (size_t frag = 1; frag <= msgbuf.n; frag++) {
		to_records(&recbuf, msgbuf.b, msgbuf.n, frag);
		struct fh_flow ff;
		open_flow(&ff);
		size_t half = recbuf.n / 2;
		ck_assert_int_eq(feed(&ff, 1, recbuf.b, half), NL_NEED_MORE);
		ck_assert(nothing_set(&ff));
		ck_assert_int_eq(feed(&ff, 1, recbuf.b, recbuf.n), NL_NEED_MORE);
		ck_assert_str_eq(fh_str(&ff, "tls.ja4"), "t13d1516h2_8daaf6152771_e5627efa2ab1");
		ck_assert_str_eq(fh_str(&ff, "tls.sni"), "www.example.com");
		ck_assert_int_eq(ff.f.errors, 0);
		fh_close(&ff);
	}
}
END_TEST

START_TEST(test_version_server_choice_wins)
{
	/* curl offers 1.3 (supported_versions); openssl s_server -tls1_2 picks 1.2. */
	size_t cl, sl;
	uint8_t *c = load("curl13_to_12.c2s.bin", &cl);
	uint8_t *s = load("curl13_to_12.s2c.bin", &sl);
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(feed(&ff, 1, c, cl), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "tls.version"), "1.3");
	ck_assert_int_eq(strncmp(fh_str(&ff, "tls.ja4"), "t13d", 4), 0);
	ck_assert_int_eq(feed(&ff, 0, s, sl), NL_DONE);
	ck_assert_str_eq(fh_str(&ff, "tls.version"), "1.2");
	ck_assert_str_eq(fh_str(&ff, "tls.server_version"), "1.2");
	fh_close(&ff);
	open_flow(&ff);	/* server first: the client's offer must not overwrite it */
	ck_assert_int_eq(feed(&ff, 0, s, sl), NL_NEED_MORE);
	ck_assert_int_eq(feed(&ff, 1, c, cl), NL_DONE);
	ck_assert_str_eq(fh_str(&ff, "tls.version"), "1.2");
	fh_close(&ff);
	free(c);
	free(s);
}
END_TEST

START_TEST(test_ssl3_hello_without_extensions)
{
	/* SSL 3.0-era hellos end after the compression methods. */
	struct chopts o = small_opts();
	o.legacy = 0x0300, o.ne = 0;
	build_ch(&msgbuf, &o);
	msgbuf.n -= 2;	/* drop the (empty) extensions block */
	msgbuf.b[3] -= 2;
	to_records(&recbuf, msgbuf.b, msgbuf.n, 16384);
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(feed(&ff, 1, recbuf.b, recbuf.n), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "tls.version"), "SSL3.0");
	ck_assert_str_eq(fh_str(&ff, "tls.ja4"), "ts3i010000_0f2cb44170f4_000000000000");
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}
END_TEST

START_TEST(test_client_hello_then_budget)
{
	/* No ServerHello ever (one-sided capture): DONE after a few calls. */
	size_t cl;
	uint8_t *c = load("curl13_h2.c2s.bin", &cl);
	struct fh_flow ff;
	open_flow(&ff);
	enum nl_verdict v = NL_NEED_MORE;
	int calls = 0;
	while (v == NL_NEED_MORE && calls < 50) {
		v = feed(&ff, 1, c, cl);
		calls++;
	}
	ck_assert_int_eq(v, NL_DONE);
	ck_assert_int_le(calls, (int)netlens_dissector_entry()->packet_budget);
	ck_assert_str_eq(fh_str(&ff, "tls.sni"), "www.netlens.test");
	fh_close(&ff);
	free(c);
}
END_TEST

/* Regression (split_hello_many_segments): a ClientHello that arrived in
 * 20 small segments had used up the give-up count before it was complete,
 * so the flow was dropped before its ServerHello; and the budget (then 12
 * deliveries) ended it before the hello was whole. The host stops at
 * packet_budget deliveries: all of these must fit. */
START_TEST(test_split_hello_many_segments)
{
	size_t cl, sl;
	uint8_t *c = load("curl13_h2.c2s.bin", &cl);
	uint8_t *s = load("curl13_h2.s2c.bin", &sl);
	size_t ch_end = hello_end(c, cl), sh_end = hello_end(s, sl);
	ck_assert_uint_gt(ch_end, 40);
	ck_assert_uint_gt(sh_end, 0);
	struct fh_flow ff;
	open_flow(&ff);
	unsigned calls = 0, parts = 20;
	for (unsigned i = 1; i <= parts; i++) {
		size_t upto = ch_end * i / parts;
		ck_assert_int_eq(feed(&ff, 1, c, upto), NL_NEED_MORE);
		calls++;
	}
	ck_assert_str_eq(fh_str(&ff, "tls.sni"), "www.netlens.test");
	/* the ServerHello in two segments */
	ck_assert_int_eq(feed(&ff, 0, s, 3), NL_NEED_MORE);
	ck_assert_int_eq(feed(&ff, 0, s, sh_end), NL_DONE);
	calls += 2;
	ck_assert_uint_le(calls, netlens_dissector_entry()->packet_budget);
	ck_assert_str_eq(fh_str(&ff, "tls.server_version"), "1.3");
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
	free(c);
	free(s);
}
END_TEST

START_TEST(test_server_not_tls_after_client_hello)
{
	size_t cl;
	uint8_t *c = load("curl12_h11.c2s.bin", &cl);
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(feed(&ff, 1, c, cl), NL_NEED_MORE);
	static const char resp[] = "HTTP/1.1 400 Bad Request\r\n\r\n";
	ck_assert_int_eq(feed(&ff, 0, resp, sizeof(resp) - 1), NL_DONE);
	ck_assert_str_eq(fh_str(&ff, "tls.sni"), "api.netlens.test");
	fh_close(&ff);
	free(c);
}
END_TEST

/* --------------------------------------------------------------- not mine */

static void expect_verdict(const void *b, size_t n, int from_client, enum nl_verdict want)
{
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(feed(&ff, from_client, b, n), want);
	ck_assert(nothing_set(&ff));
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}

START_TEST(test_not_mine)
{
	static const char http[] = "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n";
	static const char ssh[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n";
	expect_verdict(http, sizeof(http) - 1, 1, NL_NOT_MINE);
	expect_verdict(ssh, sizeof(ssh) - 1, 0, NL_NOT_MINE);
	expect_verdict("G", 1, 1, NL_NOT_MINE);
	/* record-looking but not a TLS handshake start */
	expect_verdict("\x17\x03\x03\x00\x10", 5, 1, NL_NOT_MINE);	/* app data mid-stream */
	expect_verdict("\x16\x03\x05\x00\x10\x01", 6, 1, NL_NOT_MINE);	/* minor 5 */
	expect_verdict("\x16\x02\x00\x00\x10\x01", 6, 1, NL_NOT_MINE);	/* major 2 */
	expect_verdict("\x16\x03\x01\x00\x00", 5, 1, NL_NOT_MINE);	/* empty record */
	expect_verdict("\x16\x03\x01\x48\x01\x01", 6, 1, NL_NOT_MINE);	/* 18433 > 2^14+2048 */
	expect_verdict("\x16\x03\x01\x00\x10\x0b", 6, 1, NL_NOT_MINE);	/* starts with Certificate */
	expect_verdict("\x80\x2e\x01\x00\x02", 5, 1, NL_NOT_MINE);	/* SSLv2 hello */
	/* a plausible start, too short to judge */
	expect_verdict("", 0, 1, NL_NEED_MORE);
	expect_verdict("\x16", 1, 1, NL_NEED_MORE);
	expect_verdict("\x16\x03", 2, 1, NL_NEED_MORE);
	expect_verdict("\x16\x03\x01\x02", 4, 1, NL_NEED_MORE);
	expect_verdict("\x16\x03\x01\x02\x00", 5, 1, NL_NEED_MORE);

	/* random bytes */
	uint8_t r[512];
	uint32_t x = 12345;
	for (int round = 0; round < 200; round++) {
		for (size_t i = 0; i < sizeof(r); i++) {
			x = x * 1103515245u + 12345u;
			r[i] = (uint8_t)(x >> 16);
		}
		if (r[0] == 22)
			r[0] = 0;
		expect_verdict(r, sizeof(r), round & 1, NL_NOT_MINE);
	}

	/* UDP is never TLS-over-TCP */
	size_t cl;
	uint8_t *c = load("curl13_h2.c2s.bin", &cl);
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(fh_feed(&ff, NL_UDP, 1, 40000, 443, c, cl, 0), NL_NOT_MINE);
	fh_close(&ff);
	free(c);
}
END_TEST

/* -------------------------------------------------------------- malformed */

/* Offsets in the small hello message (4-byte handshake header included). */
enum { SM_SID = 4 + 2 + 32, SM_CS = SM_SID + 33, SM_COMP = SM_CS + 4, SM_EXTS = SM_COMP + 2,
       SM_EXT0 = SM_EXTS + 2, SM_SNI_LIST = SM_EXT0 + 4, SM_SNI_LEN = SM_SNI_LIST + 3 };

static void expect_malformed_msg(const struct buf *m)
{
	to_records(&recbuf, m->b, m->n, 16384);
	expect_verdict(recbuf.b, recbuf.n, 1, NL_MALFORMED);
}

START_TEST(test_small_hello_is_valid)
{
	struct chopts o = small_opts();
	build_ch(&msgbuf, &o);
	ck_assert_uint_eq(msgbuf.b[SM_SID], 32);
	ck_assert_uint_eq(msgbuf.b[SM_CS + 1], 2);
	ck_assert_uint_eq(msgbuf.b[SM_SNI_LEN + 1], 3);
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(feed_ch(&ff, &o), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "tls.sni"), "a.b");
	ck_assert_str_eq(fh_str(&ff, "tls.ja4"), "t12d010100_0f2cb44170f4_000000000000");
	fh_close(&ff);
}
END_TEST

START_TEST(test_malformed)
{
	struct chopts o = small_opts();

	/* handshake length 0xffffff ("negative" 24-bit) */
	build_ch(&msgbuf, &o);
	msgbuf.b[1] = msgbuf.b[2] = msgbuf.b[3] = 0xff;
	expect_malformed_msg(&msgbuf);

	/* handshake length larger than a stream can ever hold */
	build_ch(&msgbuf, &o);
	msgbuf.b[1] = 0x00, msgbuf.b[2] = 0x40, msgbuf.b[3] = 0x00;
	expect_malformed_msg(&msgbuf);

	/* cipher suites length 0xffff: odd and past the end */
	build_ch(&msgbuf, &o);
	msgbuf.b[SM_CS] = msgbuf.b[SM_CS + 1] = 0xff;
	expect_malformed_msg(&msgbuf);

	/* cipher suites length odd */
	build_ch(&msgbuf, &o);
	msgbuf.b[SM_CS + 1] = 3;
	expect_malformed_msg(&msgbuf);

	/* session id longer than 32 */
	build_ch(&msgbuf, &o);
	msgbuf.b[SM_SID] = 33;
	expect_malformed_msg(&msgbuf);

	/* a well-formed 33-byte session id is still too long (RFC 8446 4.1.2) */
	{
		struct chopts e = small_opts();
		e.sid_len = 33;
		build_ch(&msgbuf, &e);
		expect_malformed_msg(&msgbuf);
	}

	/* no compression methods */
	build_ch(&msgbuf, &o);
	msgbuf.b[SM_COMP] = 0;
	expect_malformed_msg(&msgbuf);

	/* extensions block longer than the message */
	build_ch(&msgbuf, &o);
	msgbuf.b[SM_EXTS + 1] += 1;
	expect_malformed_msg(&msgbuf);

	/* extensions block shorter: trailing bytes in the message */
	build_ch(&msgbuf, &o);
	msgbuf.b[SM_EXTS + 1] -= 1;
	expect_malformed_msg(&msgbuf);

	/* a byte after a correct extensions block, inside the message */
	build_ch(&msgbuf, &o);
	put8(&msgbuf, 0);
	msgbuf.b[3] += 1;
	expect_malformed_msg(&msgbuf);

	/* one extension's length past the end of the block */
	build_ch(&msgbuf, &o);
	msgbuf.b[SM_EXT0 + 2] = 0x01;
	expect_malformed_msg(&msgbuf);

	/* SNI list length lies (inside a correct extension length) */
	build_ch(&msgbuf, &o);
	msgbuf.b[SM_SNI_LIST + 1] += 1;
	expect_malformed_msg(&msgbuf);

	/* host_name length past the list */
	build_ch(&msgbuf, &o);
	msgbuf.b[SM_SNI_LEN + 1] = 0xff;
	expect_malformed_msg(&msgbuf);

	/* empty host_name */
	{
		struct chopts e = small_opts();
		e.sni = "";
		build_ch(&msgbuf, &e);
		expect_malformed_msg(&msgbuf);
	}

	/* ALPN protocol name running past its list */
	{
		static const uint16_t ex[] = { 0x0010 };
		struct alpn_val a[] = { { "h2", 2 } };
		struct chopts e = small_opts();
		e.exts = ex, e.alpn = a, e.nalpn = 1;
		build_ch(&msgbuf, &e);
		msgbuf.b[msgbuf.n - 3] = 9;	/* the name's u8 length */
		expect_malformed_msg(&msgbuf);
	}

	/* supported_versions with an odd list */
	{
		static const uint16_t ex[] = { 0x002b };
		static const uint16_t v[] = { 0x0304 };
		struct chopts e = small_opts();
		e.exts = ex, e.vers = v, e.nv = 1;
		build_ch(&msgbuf, &e);
		msgbuf.b[msgbuf.n - 3] = 1;
		expect_malformed_msg(&msgbuf);
	}

	/* a ChangeCipherSpec record before the hello is complete */
	build_ch(&msgbuf, &o);
	to_records(&recbuf, msgbuf.b, 50, 50);
	put8(&recbuf, 20), put16(&recbuf, 0x0303), put16(&recbuf, 1), put8(&recbuf, 1);
	expect_verdict(recbuf.b, recbuf.n, 1, NL_MALFORMED);

	/* a second record that is not a TLS record at all */
	to_records(&recbuf, msgbuf.b, 50, 50);
	putn(&recbuf, "GET / HTTP/1.1\r\n", 16);
	expect_verdict(recbuf.b, recbuf.n, 1, NL_MALFORMED);

	/* a second record with an absurd length */
	to_records(&recbuf, msgbuf.b, 50, 50);
	put8(&recbuf, 22), put16(&recbuf, 0x0303), put16(&recbuf, 0xffff);
	expect_verdict(recbuf.b, recbuf.n, 1, NL_MALFORMED);
}
END_TEST

START_TEST(test_malformed_server_hello)
{
	size_t sl;
	uint8_t *s = load("curl13_h2.s2c.bin", &sl);
	size_t end = hello_end(s, sl);
	/* supported_versions body of 3 bytes instead of 2: find it and break it */
	int broke = 0;
	for (size_t i = 5 + 4 + 38; i + 6 <= end; i++)
		if (s[i] == 0x00 && s[i + 1] == 0x2b && s[i + 2] == 0x00 && s[i + 3] == 0x02) {
			s[i + 3] = 0x03;
			broke = 1;
			break;
		}
	ck_assert(broke);
	expect_verdict(s, sl, 0, NL_MALFORMED);
	free(s);
}
END_TEST

/* Random corruption of real streams: any verdict, no crash, no API misuse
 * (valgrind run checks memory). */
START_TEST(test_mutations_do_not_crash)
{
	struct expected rows[16];
	size_t n = load_expected(rows, 16);
	uint32_t x = 99;
	for (size_t k = 0; k < n; k++) {
		char name[128];
		size_t len;
		snprintf(name, sizeof(name), "%.63s.c2s.bin", rows[k].name);
		uint8_t *b = load(name, &len);
		size_t end = hello_end(b, len);
		uint8_t *m = malloc(len);
		for (int round = 0; round < 300; round++) {
			memcpy(m, b, len);
			for (int f = 0; f < 1 + round % 4; f++) {
				x = x * 1103515245u + 12345u;
				size_t at = (x >> 8) % end;
				x = x * 1103515245u + 12345u;
				m[at] ^= (uint8_t)(1u << (x >> 8) % 8);
			}
			struct fh_flow ff;
			open_flow(&ff);
			enum nl_verdict v = feed(&ff, 1, m, len);
			ck_assert_int_le(v, NL_MALFORMED);
			if (v == NL_MALFORMED || v == NL_NOT_MINE)
				ck_assert(nothing_set(&ff));
			ck_assert_int_eq(ff.f.errors, 0);
			fh_close(&ff);
		}
		free(m);
		free(b);
	}
}
END_TEST

/* ------------------------------------------------------------- descriptor */

START_TEST(test_descriptor)
{
	const struct nl_dissector *d = netlens_dissector_entry();
	ck_assert_uint_eq(d->struct_size, sizeof(struct nl_dissector));
	ck_assert_uint_eq(d->abi_major, NL_ABI_MAJOR);
	ck_assert_uint_eq(d->abi_minor, NL_ABI_MINOR);
	ck_assert_uint_eq(d->flags, NL_DESC_STREAM);
	ck_assert_uint_eq(d->transports, NL_TCP);
	ck_assert_str_eq(d->name, "tls");
	ck_assert_str_eq(d->display, "TLS");
	ck_assert_uint_le(d->state_size, 16);
	ck_assert_uint_le(d->n_fields, NL_MAX_FIELDS);
	for (uint16_t i = 0; i < d->n_fields; i++) {
		ck_assert_uint_eq(d->fields[i].id, i);
		ck_assert_uint_eq(d->fields[i].reserved, 0);
		ck_assert_uint_lt(strlen(d->fields[i].key), NL_MAX_KEY);
		ck_assert_int_eq(strncmp(d->fields[i].key, "tls.", 4), 0);
	}
	ck_assert_int_ge(d->domain_field, 0);
	ck_assert_str_eq(d->fields[d->domain_field].key, "tls.sni");
	ck_assert_uint_eq(d->fields[d->domain_field].type, NL_FIELD_STR);
	ck_assert_uint_eq(d->idle_timeout_s, 600);
	ck_assert_ptr_nonnull(d->dissect);
	ck_assert_ptr_eq(tls_included_entry()->name, tls_included_entry()->name);
}
END_TEST

static Suite *tls_suite(void)
{
	Suite *s = suite_create("tls");
	TCase *t = tcase_create("core");
	tcase_set_timeout(t, 300);
	tcase_add_test(t, test_starttls_smtp);
	tcase_add_test(t, test_sha256_fips_vectors);
	tcase_add_test(t, test_sha256_ja4_spec_strings);
	tcase_add_test(t, test_sha256_hex12_memo_answers_are_digests);
	tcase_add_test(t, test_ja4_spec_example);
	tcase_add_test(t, test_ja4_memo_by_wire_lists);
	tcase_add_test(t, test_ja4_spec_no_sigalgs);
	tcase_add_test(t, test_ja4_no_sni_no_alpn_tls12);
	tcase_add_test(t, test_ja4_alpn_hex_rule);
	tcase_add_test(t, test_ja4_counts_cap_at_99);
	tcase_add_test(t, test_ja4_no_ciphers_no_exts_zeroes);
	tcase_add_test(t, test_ja4_grease_is_exactly_the_16_values);
	tcase_add_test(t, test_real_handshakes_match_tshark);
	tcase_add_test(t, test_real_split_at_every_byte);
	tcase_add_test(t, test_real_every_truncation);
	tcase_add_test(t, test_real_consume_host_agrees);
	tcase_add_test(t, test_consume_while_server_silent);
	tcase_add_test(t, test_real_fragmented_over_records);
	tcase_add_test(t, test_synthetic_every_record_size);
	tcase_add_test(t, test_version_server_choice_wins);
	tcase_add_test(t, test_ssl3_hello_without_extensions);
	tcase_add_test(t, test_client_hello_then_budget);
	tcase_add_test(t, test_split_hello_many_segments);
	tcase_add_test(t, test_server_not_tls_after_client_hello);
	tcase_add_test(t, test_not_mine);
	tcase_add_test(t, test_small_hello_is_valid);
	tcase_add_test(t, test_malformed);
	tcase_add_test(t, test_malformed_server_hello);
	tcase_add_test(t, test_mutations_do_not_crash);
	tcase_add_test(t, test_descriptor);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tls_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
