/*
 * tls.c - TLS handshake dissector: SNI, ALPN, version, cipher and the JA4
 * client fingerprint.
 *
 * References: RFC 8446 (TLS 1.3), RFC 5246 (TLS 1.2), RFC 6066 (server_name),
 * RFC 7301 (ALPN), RFC 8701 (GREASE), FIPS 180-4 (SHA-256), and FoxIO's JA4
 * specification (technical_details/JA4.md).
 *
 * A direction's TCP stream is a sequence of records; handshake messages are
 * carried in the payloads of handshake records and may be split over (or
 * share) records, so the handshake layer is the concatenation of those
 * payloads:
 *
 *   record:     +------+---------+---------+--------------------+
 *               | type | version | length  | fragment (length)  |  type 22 = handshake
 *               |  u8  |  u16    |  u16    | <= 2^14 (+2048)    |  version 0x0300..0x0304
 *               +------+---------+---------+--------------------+
 *   handshake:  +------+-----------+----------------------+
 *               | type | length    | body (length)        |  1 = ClientHello
 *               |  u8  |  u24      |                      |  2 = ServerHello
 *               +------+-----------+----------------------+
 *   ClientHello: legacy_version u16 | random[32] | session_id<0..32> (u8 len)
 *                | cipher_suites<2..2^16-2> (u16 len) | compression<1..2^8-1> (u8 len)
 *                | extensions<8..2^16-1> (u16 len; absent in old clients)
 *   ServerHello: legacy_version u16 | random[32] | session_id<0..32> | cipher u16
 *                | compression u8 | extensions<6..2^16-1> (optional before 1.3)
 *   extension:   type u16 | length u16 | data (length)
 *     0x0000 server_name:  list u16 { name_type u8 (0 = host_name), name<1..2^16-1> u16 }
 *     0x0010 ALPN:         list u16 { name<1..2^8-1> u8 }
 *     0x000d sig. algs:    list u16 { u16 ... }
 *     0x002b supported_versions: ClientHello list u8 { u16 ... }; ServerHello u16
 *
 * The host (NL_DESC_STREAM) hands over the direction's whole stream from its
 * first byte each time it grows, so a hello split over TCP segments and over
 * several records is simply re-assembled here, each call, into a bounded
 * buffer on the stack. Nothing is buffered in the flow state. Fields are set
 * only from a complete hello that parsed without error.
 *
 * STARTTLS: on the ports of text protocols that upgrade a connection (SMTP,
 * submission, POP3, IMAP, FTP, NNTP, XMPP, ManageSieve) each side's lines
 * before its hello ("EHLO", "STARTTLS", "220 Ready to start TLS") are read
 * past, consumed, up to STARTTLS_TEXT_MAX bytes of printable text a side;
 * the hello is then read where the next line would start.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <netlens/dissector.h>

#ifdef TLS_WITH_LIBCRYPTO
#include <openssl/evp.h>
#endif

#define TLS_REC_HANDSHAKE 22
#define TLS_REC_MAX (16384 + 2048)	/* RFC 5246 6.2.3: TLSCiphertext bound */
#define TLS_HS_CLIENT_HELLO 1
#define TLS_HS_SERVER_HELLO 2
#define TLS_HS_BUF NL_MAX_STREAM	/* a stream never holds more than this */
#define TLS_MAX_CIPHERS 512		/* kept for JA4; more: no JA4 */
#define TLS_MAX_EXTS 256
#define TLS_MAX_SIGS 256
#define TLS_GIVE_UP_CALLS 8		/* ClientHello seen, no ServerHello after this many more
					 * calls (only the server's, on an ABI 1.2 host) */
/* Stream deliveries per flow: a hello near the 16 KiB bound in 536-byte
 * segments (the IPv4 minimum MSS) is 31 of them, then the ServerHello's;
 * small segments count in part (the host's STREAM_UNIT), so a hello
 * split into a few bytes a segment fits too.
 * A flow that is not TLS is declined at its first byte, and one that is
 * ends at the ServerHello, so the budget only ever runs on split hellos. */
#define TLS_BUDGET 48
#define STARTTLS_TEXT_MAX 8192	/* bytes of text lines a side before its hello */

enum { F_SNI, F_ALPN, F_VERSION, F_SERVER_VERSION, F_CIPHER, F_JA4, F_COUNT };

/* Per-flow state: only what was already concluded. */
struct tls_state {
	uint8_t have_ch;	/* a ClientHello was parsed and its fields set */
	uint8_t have_sh;	/* a ServerHello was */
	uint8_t dir_done[2];	/* [from_client]: that direction's hello is parsed */
	uint16_t calls;		/* deliveries, saturating: a hello in tiny segments
				 * may take hundreds */
	uint16_t calls_at_ch;	/* calls when the ClientHello was parsed */
	uint16_t text[2];	/* [from_client]: STARTTLS text bytes consumed */
};

/* ---------------------------------------------------------------- SHA-256 */

/* JA4 hashes two short texts per ClientHello. Built with libcrypto
 * (TLS_WITH_LIBCRYPTO, as the quic plugin is), its SHA-256 is used: it runs
 * the CPU's SHA extensions where there are some, and even without them
 * takes about half the instructions of the portable code below, which
 * stays for builds without libcrypto, for the unit tests and for the fuzz
 * harness (both compile this file alone). Either gives the same digest. */

#ifdef TLS_WITH_LIBCRYPTO
/* Fetched once (init): an implicit fetch on every digest costs more than
 * hashing the text. Owned here, freed by fini; one context suffices, as the
 * host calls dissect() from one thread. NULL: the portable code. */
static EVP_MD *tls_md;
static EVP_MD_CTX *tls_md_ctx;
#endif

struct sha256 {
	uint32_t h[8];
	uint64_t bytes;
	uint8_t buf[64];
	size_t n;
};

static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
	0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
	0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
	0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
	0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
	0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror32(uint32_t x, unsigned n) { return x >> n | x << (32 - n); }

static void sha256_block(struct sha256 *c, const uint8_t *p)
{
	uint32_t w[64], a, b, cc, d, e, f, g, h;
	for (int i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 |
		       p[4 * i + 3];
	for (int i = 16; i < 64; i++) {
		uint32_t s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = c->h[0], b = c->h[1], cc = c->h[2], d = c->h[3];
	e = c->h[4], f = c->h[5], g = c->h[6], h = c->h[7];
	for (int i = 0; i < 64; i++) {
		uint32_t t1 = h + (ror32(e, 6) ^ ror32(e, 11) ^ ror32(e, 25)) + ((e & f) ^ (~e & g)) +
			      sha256_k[i] + w[i];
		uint32_t t2 = (ror32(a, 2) ^ ror32(a, 13) ^ ror32(a, 22)) + ((a & b) ^ (a & cc) ^ (b & cc));
		h = g, g = f, f = e, e = d + t1;
		d = cc, cc = b, b = a, a = t1 + t2;
	}
	c->h[0] += a, c->h[1] += b, c->h[2] += cc, c->h[3] += d;
	c->h[4] += e, c->h[5] += f, c->h[6] += g, c->h[7] += h;
}

static void sha256_init(struct sha256 *c)
{
	static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
					0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
	memcpy(c->h, iv, sizeof(iv));
	c->bytes = 0;
	c->n = 0;
}

static void sha256_update(struct sha256 *c, const void *data, size_t len)
{
	const uint8_t *p = data;
	c->bytes += len;
	while (len > 0) {
		if (c->n == 0 && len >= 64) {	/* whole blocks straight from the input */
			sha256_block(c, p);
			p += 64, len -= 64;
			continue;
		}
		size_t take = 64 - c->n < len ? 64 - c->n : len;
		memcpy(c->buf + c->n, p, take);
		c->n += take, p += take, len -= take;
		if (c->n == 64) {
			sha256_block(c, c->buf);
			c->n = 0;
		}
	}
}

static void sha256_final(struct sha256 *c, uint8_t out[32])
{
	static const uint8_t padding[64] = { 0x80 };
	uint64_t bits = c->bytes * 8;
	uint8_t len[8];
	/* 0x80, then zeros up to 56 bytes into a block, in one update. */
	sha256_update(c, padding, c->n < 56 ? 56 - c->n : 120 - c->n);
	for (int i = 0; i < 8; i++)
		len[i] = (uint8_t)(bits >> (56 - 8 * i));
	sha256_update(c, len, 8);
	for (int i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(c->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)c->h[i];
	}
}

/* SHA-256 of data[0..len) into d. */
static void sha256_digest(const void *data, size_t len, uint8_t d[32])
{
#ifdef TLS_WITH_LIBCRYPTO
	unsigned int n = 0;
	if (tls_md_ctx && EVP_DigestInit_ex(tls_md_ctx, tls_md, NULL) &&
	    EVP_DigestUpdate(tls_md_ctx, data, len) && EVP_DigestFinal_ex(tls_md_ctx, d, &n) && n == 32)
		return;
#endif
	struct sha256 c;
	sha256_init(&c);
	sha256_update(&c, data, len);
	sha256_final(&c, d);
}

#ifdef TLS_WITH_LIBCRYPTO
static void tls_fini(void)
{
	EVP_MD_CTX_free(tls_md_ctx);
	tls_md_ctx = NULL;
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	EVP_MD_free(tls_md);
#endif
	tls_md = NULL;
}

/* Never refuses the plugin: without a digest from libcrypto the portable
 * code hashes. */
static int tls_init(const struct nl_host_api *api)
{
	(void)api;
#if OPENSSL_VERSION_NUMBER >= 0x30000000L
	tls_md = EVP_MD_fetch(NULL, "SHA256", NULL);
#else
	tls_md = (EVP_MD *)EVP_sha256();
#endif
	tls_md_ctx = tls_md ? EVP_MD_CTX_new() : NULL;
	if (!tls_md_ctx)
		tls_fini();
	return 0;
}
#endif

/* ---------------------------------------------------------------- helpers */

static const char hexdig[] = "0123456789abcdef";

static int is_grease(uint16_t v) { return (v & 0x0f0f) == 0x0a0a && (v >> 8) == (v & 0xff); }

static int is_alnum(uint8_t b)
{
	return (b >= '0' && b <= '9') || (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z');
}

/* Four lower-case hex digits of v into out[0..3]. */
static void hex16(char *out, uint16_t v)
{
	out[0] = hexdig[v >> 12 & 0xf];
	out[1] = hexdig[v >> 8 & 0xf];
	out[2] = hexdig[v >> 4 & 0xf];
	out[3] = hexdig[v & 0xf];
}

/* "1.3", ... or "0x0305" for a version this table does not know. */
static size_t version_name(uint16_t v, char *out)
{
	const char *s;
	switch (v) {
	case 0x0304: s = "1.3"; break;
	case 0x0303: s = "1.2"; break;
	case 0x0302: s = "1.1"; break;
	case 0x0301: s = "1.0"; break;
	case 0x0300: s = "SSL3.0"; break;
	default:
		out[0] = '0', out[1] = 'x';
		hex16(out + 2, v);
		return 6;
	}
	size_t n = strlen(s);
	memcpy(out, s, n);
	return n;
}

static const char *ja4_version(uint16_t v)
{
	switch (v) {
	case 0x0304: return "13";
	case 0x0303: return "12";
	case 0x0302: return "11";
	case 0x0301: return "10";
	case 0x0300: return "s3";
	case 0x0002: return "s2";
	case 0xfeff: return "d1";
	case 0xfefd: return "d2";
	case 0xfefc: return "d3";
	default: return "00";
	}
}

static const char *cipher_name(uint16_t c)
{
	switch (c) {
	case 0x1301: return "TLS_AES_128_GCM_SHA256";
	case 0x1302: return "TLS_AES_256_GCM_SHA384";
	case 0x1303: return "TLS_CHACHA20_POLY1305_SHA256";
	case 0x1304: return "TLS_AES_128_CCM_SHA256";
	case 0x1305: return "TLS_AES_128_CCM_8_SHA256";
	case 0xc02b: return "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256";
	case 0xc02c: return "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384";
	case 0xc02f: return "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
	case 0xc030: return "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384";
	case 0xcca8: return "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256";
	case 0xcca9: return "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256";
	case 0x009e: return "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256";
	case 0x009f: return "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384";
	/* TLS 1.2 and older servers still choose these (tshark's names) */
	case 0x0004: return "TLS_RSA_WITH_RC4_128_MD5";
	case 0x0005: return "TLS_RSA_WITH_RC4_128_SHA";
	case 0x000a: return "TLS_RSA_WITH_3DES_EDE_CBC_SHA";
	case 0x0016: return "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA";
	case 0x002f: return "TLS_RSA_WITH_AES_128_CBC_SHA";
	case 0x0032: return "TLS_DHE_DSS_WITH_AES_128_CBC_SHA";
	case 0x0033: return "TLS_DHE_RSA_WITH_AES_128_CBC_SHA";
	case 0x0035: return "TLS_RSA_WITH_AES_256_CBC_SHA";
	case 0x0038: return "TLS_DHE_DSS_WITH_AES_256_CBC_SHA";
	case 0x0039: return "TLS_DHE_RSA_WITH_AES_256_CBC_SHA";
	case 0x003c: return "TLS_RSA_WITH_AES_128_CBC_SHA256";
	case 0x003d: return "TLS_RSA_WITH_AES_256_CBC_SHA256";
	case 0x0067: return "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256";
	case 0x006b: return "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256";
	case 0x009c: return "TLS_RSA_WITH_AES_128_GCM_SHA256";
	case 0x009d: return "TLS_RSA_WITH_AES_256_GCM_SHA384";
	case 0x00a2: return "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256";
	case 0x00a3: return "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384";
	case 0x00a8: return "TLS_PSK_WITH_AES_128_GCM_SHA256";
	case 0x00a9: return "TLS_PSK_WITH_AES_256_GCM_SHA384";
	case 0xc009: return "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA";
	case 0xc00a: return "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA";
	case 0xc011: return "TLS_ECDHE_RSA_WITH_RC4_128_SHA";
	case 0xc012: return "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA";
	case 0xc013: return "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA";
	case 0xc014: return "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA";
	case 0xc023: return "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256";
	case 0xc024: return "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384";
	case 0xc027: return "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256";
	case 0xc028: return "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384";
	case 0xc09c: return "TLS_RSA_WITH_AES_128_CCM";
	case 0xc09d: return "TLS_RSA_WITH_AES_256_CCM";
	case 0xc09e: return "TLS_DHE_RSA_WITH_AES_128_CCM";
	case 0xc09f: return "TLS_DHE_RSA_WITH_AES_256_CCM";
	case 0xc0ac: return "TLS_ECDHE_ECDSA_WITH_AES_128_CCM";
	case 0xc0ad: return "TLS_ECDHE_ECDSA_WITH_AES_256_CCM";
	case 0xc0ae: return "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8";
	case 0xc0af: return "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8";
	case 0xccaa: return "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256";
	case 0xccab: return "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256";
	case 0xccac: return "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256";
	case 0xccad: return "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256";
	case 0xd001: return "TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256";
	case 0xd002: return "TLS_ECDHE_PSK_WITH_AES_256_GCM_SHA384";
	default: return NULL;
	}
}

static void sort16(uint16_t *v, size_t n)	/* insertion sort: n is capped */
{
	for (size_t i = 1; i < n; i++) {
		uint16_t x = v[i];
		size_t j = i;
		for (; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* Writes "xxxx,xxxx,..." of v[0..n) at out (5n bytes at most); returns its length. */
static size_t hex_list(char *out, const uint16_t *v, size_t n)
{
	size_t len = 0;
	for (size_t i = 0; i < n; i++) {
		if (i)
			out[len++] = ',';
		hex16(out + len, v[i]);
		len += 4;
	}
	return len;
}

/* JA4's two texts repeat: one client program sends the same cipher and
 * extension lists in every hello (that is what makes JA4 a fingerprint),
 * so most of them were hashed before. A small direct-mapped cache keeps
 * the 12 digits of texts seen lately, each with its whole text, compared
 * in full on a hit: a cached answer is the one hashing would give. Texts
 * longer than an entry holds are simply hashed. Bounded: a fixed array
 * (TLS_HASH_SLOTS * about 300 bytes); hostile hellos that all differ
 * only ever cost the hashing they would have cost anyway. */
#define TLS_HASH_SLOTS 64			/* a power of two */
#define TLS_HASH_TEXT 288			/* bytes of text an entry holds */

struct hash_memo {
	uint16_t len;				/* 0: empty (texts hashed are never empty) */
	char hex12[12];
	char text[TLS_HASH_TEXT];
};

static struct hash_memo hash_memo[TLS_HASH_SLOTS];

/* A cheap mix of bytes to pick a memo slot (not a security property:
 * the slot only decides what is evicted). */
static uint64_t memo_hash(const void *bytes, size_t len)
{
	const char *text = bytes;
	uint64_t h = len * 0x9e3779b97f4a7c15ull;
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t w;
		memcpy(&w, text + i, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdull;
	}
	for (; i < len; i++)
		h = (h ^ (uint8_t)text[i]) * 0x100000001b3ull;
	return h ^ h >> 29;
}

/* The first 12 hex digits of the SHA-256 of text[0..len) into out. */
static void sha256_hex12(const char *text, size_t len, char *out)
{
	struct hash_memo *m = NULL;
	if (len > 0 && len <= TLS_HASH_TEXT) {
		m = &hash_memo[memo_hash(text, len) & (TLS_HASH_SLOTS - 1)];
		if (m->len == len && !memcmp(m->text, text, len)) {
			memcpy(out, m->hex12, 12);
			return;
		}
	}
	uint8_t d[32];
	sha256_digest(text, len, d);
	for (int i = 0; i < 6; i++) {
		out[2 * i] = hexdig[d[i] >> 4];
		out[2 * i + 1] = hexdig[d[i] & 0xf];
	}
	if (m) {
		m->len = (uint16_t)len;
		memcpy(m->hex12, out, 12);
		memcpy(m->text, text, len);
	}
}

/* --------------------------------------------------------- hello parsing */

/* What one ClientHello carries, parsed in full before anything is set.
 * The counts come first and are all that is zeroed per hello (CH_ZEROED):
 * the arrays after them (6 KiB) are only ever read below their counts. */
struct client_hello {
	uint16_t legacy_version;
	uint16_t max_version;		/* highest non-GREASE supported_versions; 0 = none */
	int has_sni;			/* the extension is present (JA4 "d") */
	size_t sni_len;			/* 0 = no host_name */
	size_t n_alpn;			/* values kept (non-empty ones, at most NL_MAX_LIST) */
	int has_alpn_first;		/* the first protocol name of the list, for JA4 */
	size_t alpn_first_len;
	uint8_t alpn_first_b0, alpn_first_bn;
	size_t n_ciphers;		/* non-GREASE, also past the cap */
	size_t n_exts;
	size_t n_sigs;
	/* ---- not zeroed: valid below the counts above */
	char sni[NL_MAX_STR];
	char alpn[NL_MAX_LIST][NL_MAX_STR];
	size_t alpn_len[NL_MAX_LIST];
	uint16_t ciphers[TLS_MAX_CIPHERS];
	uint16_t exts[TLS_MAX_EXTS];	/* non-GREASE types, wire order */
	uint16_t sigs[TLS_MAX_SIGS];	/* non-GREASE, wire order */
};
#define CH_ZEROED offsetof(struct client_hello, sni)

struct server_hello {
	uint16_t legacy_version;
	uint16_t selected_version;	/* supported_versions; 0 = absent */
	uint16_t cipher;
};

/* Extension bodies. Each gets a sub-reader of exactly the extension's
 * length and returns -1 when its structure is broken. */

static int parse_sni(struct nl_reader *e, struct client_hello *ch)
{
	ch->has_sni = 1;
	if (nl_reader_left(e) == 0)
		return 0;	/* empty body: tolerated (servers send it so) */
	uint16_t list_len = nl_get_be16(e);
	struct nl_reader l = nl_reader_sub(e, list_len);
	if (!nl_reader_ok(e) || nl_reader_left(e) != 0 || list_len == 0)
		return -1;
	while (nl_reader_left(&l) > 0) {	/* each pass consumes >= 3 bytes */
		uint8_t type = nl_get_u8(&l);
		uint16_t n = nl_get_be16(&l);
		struct nl_reader name = nl_reader_sub(&l, n);
		if (!nl_reader_ok(&l) || n == 0)
			return -1;
		if (type == 0 && ch->sni_len == 0) {
			size_t keep = n < NL_MAX_STR ? n : NL_MAX_STR;
			nl_get_bytes(&name, ch->sni, keep);
			ch->sni_len = keep;
		}
	}
	return 0;
}

static int parse_alpn(struct nl_reader *e, struct client_hello *ch)
{
	uint16_t list_len = nl_get_be16(e);
	struct nl_reader l = nl_reader_sub(e, list_len);
	if (!nl_reader_ok(e) || nl_reader_left(e) != 0)
		return -1;
	int first = 1;
	while (nl_reader_left(&l) > 0) {	/* each pass consumes >= 1 byte */
		uint8_t n = nl_get_u8(&l);
		struct nl_reader name = nl_reader_sub(&l, n);
		if (!nl_reader_ok(&l))
			return -1;
		if (first) {
			/* JA4 looks at the first value even when it is empty. */
			ch->has_alpn_first = 1;
			ch->alpn_first_len = n;
			if (n > 0) {
				uint8_t b;
				nl_peek_u8(&name, 0, &ch->alpn_first_b0);
				if (nl_peek_u8(&name, (size_t)n - 1, &b) == 0)
					ch->alpn_first_bn = b;
			}
			first = 0;
		}
		if (n > 0 && ch->n_alpn < NL_MAX_LIST) {
			nl_get_bytes(&name, ch->alpn[ch->n_alpn], n);
			ch->alpn_len[ch->n_alpn++] = n;
		}
	}
	return 0;
}

static int parse_sigalgs(struct nl_reader *e, struct client_hello *ch)
{
	uint16_t list_len = nl_get_be16(e);
	struct nl_reader l = nl_reader_sub(e, list_len);
	if (!nl_reader_ok(e) || nl_reader_left(e) != 0 || list_len % 2)
		return -1;
	while (nl_reader_left(&l) >= 2) {
		uint16_t v = nl_get_be16(&l);
		if (is_grease(v))
			continue;
		if (ch->n_sigs < TLS_MAX_SIGS)
			ch->sigs[ch->n_sigs] = v;
		ch->n_sigs++;
	}
	return 0;
}

static int parse_client_versions(struct nl_reader *e, struct client_hello *ch)
{
	uint8_t list_len = nl_get_u8(e);
	struct nl_reader l = nl_reader_sub(e, list_len);
	if (!nl_reader_ok(e) || nl_reader_left(e) != 0 || list_len % 2)
		return -1;
	while (nl_reader_left(&l) >= 2) {
		uint16_t v = nl_get_be16(&l);
		if (!is_grease(v) && v > ch->max_version)
			ch->max_version = v;
	}
	return 0;
}

/* The part of a hello after the random: session id. */
static int skip_session_id(struct nl_reader *m)
{
	uint8_t n = nl_get_u8(m);
	if (n > 32)
		return -1;
	nl_reader_skip(m, n);
	return nl_reader_ok(m) ? 0 : -1;
}

/* m covers exactly the ClientHello body. 0, or -1 when it is broken. */
static int parse_client_hello(struct nl_reader *m, struct client_hello *ch)
{
	ch->legacy_version = nl_get_be16(m);
	nl_reader_skip(m, 32);
	if (skip_session_id(m) < 0)
		return -1;

	uint16_t cs_len = nl_get_be16(m);
	struct nl_reader cs = nl_reader_sub(m, cs_len);
	if (!nl_reader_ok(m) || cs_len < 2 || cs_len % 2)
		return -1;
	while (nl_reader_left(&cs) >= 2) {
		uint16_t v = nl_get_be16(&cs);
		if (is_grease(v))
			continue;
		if (ch->n_ciphers < TLS_MAX_CIPHERS)
			ch->ciphers[ch->n_ciphers] = v;
		ch->n_ciphers++;
	}

	uint8_t comp_len = nl_get_u8(m);
	nl_reader_skip(m, comp_len);
	if (!nl_reader_ok(m) || comp_len == 0)
		return -1;

	if (nl_reader_left(m) == 0)
		return 0;	/* no extensions (SSL 3.0-era clients) */
	uint16_t ext_len = nl_get_be16(m);
	struct nl_reader exts = nl_reader_sub(m, ext_len);
	if (!nl_reader_ok(m) || nl_reader_left(m) != 0)
		return -1;	/* lies about its length, or trailing bytes */
	while (nl_reader_left(&exts) > 0) {	/* each pass consumes >= 4 bytes */
		uint16_t type = nl_get_be16(&exts);
		uint16_t len = nl_get_be16(&exts);
		struct nl_reader e = nl_reader_sub(&exts, len);
		if (!nl_reader_ok(&exts))
			return -1;
		if (is_grease(type))
			continue;
		if (ch->n_exts < TLS_MAX_EXTS)
			ch->exts[ch->n_exts] = type;
		ch->n_exts++;
		int rc = 0;
		switch (type) {
		case 0x0000: rc = parse_sni(&e, ch); break;
		case 0x0010: rc = parse_alpn(&e, ch); break;
		case 0x000d: rc = parse_sigalgs(&e, ch); break;
		case 0x002b: rc = parse_client_versions(&e, ch); break;
		default: break;
		}
		if (rc < 0 || !nl_reader_ok(&e))
			return -1;
	}
	return 0;
}

static int parse_server_hello(struct nl_reader *m, struct server_hello *sh)
{
	sh->legacy_version = nl_get_be16(m);
	nl_reader_skip(m, 32);
	if (skip_session_id(m) < 0)
		return -1;
	sh->cipher = nl_get_be16(m);
	nl_get_u8(m);	/* compression method */
	if (!nl_reader_ok(m))
		return -1;
	if (nl_reader_left(m) == 0)
		return 0;
	uint16_t ext_len = nl_get_be16(m);
	struct nl_reader exts = nl_reader_sub(m, ext_len);
	if (!nl_reader_ok(m) || nl_reader_left(m) != 0)
		return -1;
	while (nl_reader_left(&exts) > 0) {	/* each pass consumes >= 4 bytes */
		uint16_t type = nl_get_be16(&exts);
		uint16_t len = nl_get_be16(&exts);
		struct nl_reader e = nl_reader_sub(&exts, len);
		if (!nl_reader_ok(&exts))
			return -1;
		if (type == 0x002b) {
			sh->selected_version = nl_get_be16(&e);
			if (!nl_reader_ok(&e) || nl_reader_left(&e) != 0)
				return -1;
		}
	}
	return 0;
}

/* The two hashed parts of JA4 (12 digits each) into b[12] and c[12]. */
static void ja4_hashes_compute(const struct client_hello *ch, char *b, char *c)
{
	uint16_t sorted[TLS_MAX_CIPHERS];
	/* The hashed texts: at most TLS_MAX_EXTS then "_" and TLS_MAX_SIGS values. */
	char text[5 * TLS_MAX_EXTS + 1 + 5 * TLS_MAX_SIGS];
	if (ch->n_ciphers == 0) {
		memset(b, '0', 12);
	} else {
		memcpy(sorted, ch->ciphers, ch->n_ciphers * sizeof(sorted[0]));
		sort16(sorted, ch->n_ciphers);
		sha256_hex12(text, hex_list(text, sorted, ch->n_ciphers), b);
	}

	size_t n = 0;
	for (size_t i = 0; i < ch->n_exts; i++)
		if (ch->exts[i] != 0x0000 && ch->exts[i] != 0x0010)
			sorted[n++] = ch->exts[i];
	if (n == 0) {
		memset(c, '0', 12);
	} else {
		sort16(sorted, n);
		size_t len = hex_list(text, sorted, n);
		if (ch->n_sigs > 0) {
			text[len++] = '_';
			len += hex_list(text + len, ch->sigs, ch->n_sigs);
		}
		sha256_hex12(text, len, c);
	}
}

/* The same client program also sends its lists in the same order each
 * time (browsers that permute extensions aside), so the two parts are
 * remembered by the lists as they came off the wire: a repeat skips the
 * sorting, the hex and the text memo above. Compared in full, bounded
 * like the text memo; a miss computes as before. */
#define TLS_JA4_SLOTS 64			/* a power of two */
#define TLS_JA4_VALUES 120			/* ciphers + extensions + signature algorithms */

struct ja4_memo {
	uint16_t nc, ne, ns;
	uint8_t used;
	char parts[24];
	uint16_t v[TLS_JA4_VALUES];
};

static struct ja4_memo ja4_memo[TLS_JA4_SLOTS];

static void ja4_hashes(const struct client_hello *ch, char *b, char *c)
{
	size_t nc = ch->n_ciphers, ne = ch->n_exts, ns = ch->n_sigs;
	if (nc + ne + ns > TLS_JA4_VALUES) {
		ja4_hashes_compute(ch, b, c);
		return;
	}
	uint16_t key[TLS_JA4_VALUES];
	memcpy(key, ch->ciphers, nc * sizeof(key[0]));
	memcpy(key + nc, ch->exts, ne * sizeof(key[0]));
	memcpy(key + nc + ne, ch->sigs, ns * sizeof(key[0]));
	size_t bytes = (nc + ne + ns) * sizeof(key[0]);
	/* The slot mixes the counts in: the same values split otherwise differ. */
	uint64_t h = memo_hash(key, bytes) ^ nc ^ ne << 8 ^ ns << 16;
	struct ja4_memo *m = &ja4_memo[(h ^ h >> 17) & (TLS_JA4_SLOTS - 1)];
	if (m->used && m->nc == nc && m->ne == ne && m->ns == ns && !memcmp(m->v, key, bytes)) {
		memcpy(b, m->parts, 12);
		memcpy(c, m->parts + 12, 12);
		return;
	}
	ja4_hashes_compute(ch, b, c);
	m->used = 1;
	m->nc = (uint16_t)nc, m->ne = (uint16_t)ne, m->ns = (uint16_t)ns;
	memcpy(m->parts, b, 12);
	memcpy(m->parts + 12, c, 12);
	memcpy(m->v, key, bytes);
}

/* The JA4 fingerprint (FoxIO JA4.md) of a parsed ClientHello into out[37];
 * -1 when a list was longer than what is kept. */
static int ja4(const struct client_hello *ch, char out[37])
{
	if (ch->n_ciphers > TLS_MAX_CIPHERS || ch->n_exts > TLS_MAX_EXTS || ch->n_sigs > TLS_MAX_SIGS)
		return -1;
	uint16_t v = ch->max_version ? ch->max_version : ch->legacy_version;
	size_t nc = ch->n_ciphers > 99 ? 99 : ch->n_ciphers;
	size_t ne = ch->n_exts > 99 ? 99 : ch->n_exts;

	out[0] = 't';
	memcpy(out + 1, ja4_version(v), 2);
	out[3] = ch->has_sni ? 'd' : 'i';
	out[4] = (char)('0' + nc / 10), out[5] = (char)('0' + nc % 10);
	out[6] = (char)('0' + ne / 10), out[7] = (char)('0' + ne % 10);
	if (!ch->has_alpn_first || ch->alpn_first_len == 0) {
		out[8] = '0', out[9] = '0';
	} else if (is_alnum(ch->alpn_first_b0) && is_alnum(ch->alpn_first_bn)) {
		out[8] = (char)ch->alpn_first_b0, out[9] = (char)ch->alpn_first_bn;
	} else {	/* first and last characters of the value's hex */
		out[8] = hexdig[ch->alpn_first_b0 >> 4];
		out[9] = hexdig[ch->alpn_first_bn & 0xf];
	}
	out[10] = '_';

	ja4_hashes(ch, out + 11, out + 24);
	out[23] = '_';
	out[36] = '\0';
	return 0;
}

/* ------------------------------------------------------ record assembly */

enum asm_result { ASM_COMPLETE, ASM_MORE, ASM_NOT_MINE, ASM_MALFORMED };

static int record_start_plausible(uint8_t type, uint8_t major, uint8_t minor)
{
	return type == TLS_REC_HANDSHAKE && major == 3 && minor <= 4;
}

/*
 * Concatenates the handshake-record payloads at the start of the stream
 * into hs until the first handshake message is complete. On ASM_COMPLETE,
 * *msg covers that message's body and *hs_type is its type.
 */
static enum asm_result assemble(struct nl_reader *r, uint8_t *hs, size_t cap, uint8_t *hs_type,
				struct nl_reader *msg)
{
	size_t n = 0;
	int first = 1, stopped = 0;

	/* A stream that does not start like a handshake record is not ours,
	 * even when only its first bytes are here. */
	for (size_t i = 0; i < 3; i++) {
		uint8_t b;
		if (nl_peek_u8(r, i, &b) < 0)
			return ASM_MORE;
		if ((i == 0 && b != TLS_REC_HANDSHAKE) || (i == 1 && b != 3) || (i == 2 && b > 4))
			return ASM_NOT_MINE;
	}

	while (nl_reader_left(r) > 0 && n < cap) {	/* each pass consumes >= 5 bytes */
		if (!nl_reader_has(r, 5))
			break;	/* truncated record header */
		const uint8_t *h = nl_get_span(r, 5);
		uint16_t len = nl_span_be16(h, 3);
		if (first) {
			if (!record_start_plausible(h[0], h[1], h[2]) || len == 0 || len > TLS_REC_MAX)
				return ASM_NOT_MINE;
			uint8_t t;
			if (nl_peek_u8(r, 0, &t) == 0 && t != TLS_HS_CLIENT_HELLO && t != TLS_HS_SERVER_HELLO)
				return ASM_NOT_MINE;
		} else {
			if (h[1] != 3 || len > TLS_REC_MAX || h[0] < 20 || h[0] > 24)
				return ASM_MALFORMED;
			if (h[0] != TLS_REC_HANDSHAKE) {
				stopped = 1;	/* the hello must end before any other record */
				break;
			}
		}
		struct nl_reader body = nl_reader_sub(r, len);
		if (first) {
			/* Mostly the whole hello is in the first record: read it
			 * there, without the copy (the same bytes either way). */
			struct nl_reader b = body;
			uint8_t t = nl_get_u8(&b);
			uint32_t mlen = nl_get_be24(&b);
			if (nl_reader_ok(&b) && mlen <= cap - 4 - 5 && nl_reader_has(&b, mlen)) {
				*hs_type = t;
				*msg = nl_reader_sub(&b, mlen);
				return ASM_COMPLETE;
			}
		}
		first = 0;
		size_t take = nl_reader_left(&body);
		if (take > cap - n)
			take = cap - n;
		nl_get_bytes(&body, hs + n, take);
		n += take;
		if (n >= 4) {
			uint32_t mlen = (uint32_t)hs[1] << 16 | (uint32_t)hs[2] << 8 | hs[3];
			if (mlen > cap - 4 - 5)
				return ASM_MALFORMED;	/* can never fit in the stream kept */
			if (n >= 4 + (size_t)mlen)
				break;
		}
		if (!nl_reader_ok(r))
			break;	/* the record is truncated: wait for the rest */
	}

	struct nl_reader all = nl_reader_make(hs, n);
	*hs_type = nl_get_u8(&all);
	uint32_t mlen = nl_get_be24(&all);
	if (nl_reader_ok(&all) && nl_reader_has(&all, mlen)) {
		*msg = nl_reader_sub(&all, mlen);
		return ASM_COMPLETE;
	}
	if (stopped || n >= cap)
		return ASM_MALFORMED;
	return ASM_MORE;
}

/* ------------------------------------------------------------ dissector */

static const uint16_t tls_ports[] = { 443, 853, 993, 995, 465, 636, 8443, 5061 };

static const struct nl_field tls_fields[F_COUNT] = {
	{ F_SNI, NL_FIELD_STR, 0, "tls.sni", "Server name" },
	{ F_ALPN, NL_FIELD_STR_LIST, 0, "tls.alpn", "ALPN offered" },
	{ F_VERSION, NL_FIELD_STR, 0, "tls.version", "TLS version" },
	{ F_SERVER_VERSION, NL_FIELD_STR, 0, "tls.server_version", "Server's TLS version" },
	{ F_CIPHER, NL_FIELD_STR, 0, "tls.cipher", "Cipher suite" },
	{ F_JA4, NL_FIELD_STR, 0, "tls.ja4", "JA4 fingerprint" },
};

static void emit_client_hello(const struct nl_host_api *api, struct nl_flow *flow,
			      const struct client_hello *ch, int have_sh)
{
	char buf[40];
	if (ch->sni_len > 0)
		api->set_str(flow, F_SNI, ch->sni, ch->sni_len);
	for (size_t i = 0; i < ch->n_alpn; i++)
		api->add_str(flow, F_ALPN, ch->alpn[i], ch->alpn_len[i]);
	if (!have_sh) {	/* the server's choice, once seen, wins */
		uint16_t v = ch->max_version ? ch->max_version : ch->legacy_version;
		api->set_str(flow, F_VERSION, buf, version_name(v, buf));
	}
	if (ja4(ch, buf) == 0)
		api->set_str(flow, F_JA4, buf, 36);
}

static void emit_server_hello(const struct nl_host_api *api, struct nl_flow *flow,
			      const struct server_hello *sh)
{
	char buf[8];
	uint16_t v = sh->selected_version ? sh->selected_version : sh->legacy_version;
	size_t n = version_name(v, buf);
	api->set_str(flow, F_SERVER_VERSION, buf, n);
	api->set_str(flow, F_VERSION, buf, n);
	const char *name = cipher_name(sh->cipher);
	if (name) {
		api->set_str(flow, F_CIPHER, name, strlen(name));
	} else {
		buf[0] = '0', buf[1] = 'x';
		hex16(buf + 2, sh->cipher);
		api->set_str(flow, F_CIPHER, buf, 6);
	}
}

/* SMTP, submission, POP3, IMAP, FTP, NNTP, XMPP c2s and s2s, ManageSieve:
 * their clients upgrade to TLS in the connection (STARTTLS, STLS, AUTH TLS). */
static int starttls_port(const struct nl_payload *p)
{
	static const uint16_t ports[] = { 25, 587, 110, 143, 21, 119, 5222, 5269, 4190 };
	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		if (p->src_port == ports[i] || p->dst_port == ports[i])
			return 1;
	return 0;
}

enum text_result { TEXT_HELLO, TEXT_MORE, TEXT_NOT };

/* A STARTTLS side's text before its hello: whole lines of printable text
 * (ended by LF, or by '>' for XMPP's XML)
 * are consumed (and r moved past them) until a byte starts a handshake
 * record (TEXT_HELLO, r at it), the data ends inside a line (TEXT_MORE),
 * or something is neither (TEXT_NOT). */
static enum text_result starttls_text(const struct nl_host_api *api, struct nl_flow *flow,
				      struct tls_state *st, int dir, struct nl_reader *r)
{
	for (;;) {
		uint8_t c;
		if (nl_peek_u8(r, 0, &c) < 0)
			return TEXT_MORE;
		if (c == TLS_REC_HANDSHAKE)
			return st->text[dir] ? TEXT_HELLO : TEXT_NOT;	/* a plain hello: not here */
		size_t n = 0, left = nl_reader_left(r);
		for (; n < left; n++) {
			nl_peek_u8(r, n, &c);
			if (c == '\n' || c == '>')	/* XMPP's <proceed/> has no line end */
				break;
			if (c != '\r' && c != '\t' && (c < 0x20 || c > 0x7e))
				return TEXT_NOT;
		}
		if (n == left)
			return left > STARTTLS_TEXT_MAX ? TEXT_NOT : TEXT_MORE;
		if ((size_t)st->text[dir] + n + 1 > STARTTLS_TEXT_MAX)
			return TEXT_NOT;
		st->text[dir] = (uint16_t)(st->text[dir] + n + 1);
		nl_reader_skip(r, n + 1);
		if (NL_HOST_HAS(api, consume))
			api->consume(flow, nl_reader_offset(r));
	}
}

static enum nl_verdict tls_dissect(const struct nl_host_api *api, struct nl_flow *flow, void *state,
				   const struct nl_payload *payload)
{
	struct tls_state *st = state;
	if (!st || payload->transport != NL_TCP)
		return NL_NOT_MINE;
	if (st->calls < UINT16_MAX)
		st->calls++;
	int dir = payload->from_client ? 1 : 0;
	/* This side's hello is known: nothing more of it to read, and no need
	 * for the host to keep it while the other side's is awaited. Past the
	 * stream's start (after consume) there is no hello to read either. */
	struct nl_reader r = payload->data, msg;
	uint8_t first = 0;
	if (!st->dir_done[dir] && starttls_port(payload) && nl_peek_u8(&r, 0, &first) == 0 &&
	    (first != TLS_REC_HANDSHAKE || st->text[dir])) {
		/* A STARTTLS side: its text first. A host without consume
		 * hands over the stream from its first byte each time: it is
		 * read past again. */
		if (!NL_HOST_HAS(api, consume))
			st->text[dir] = 0;
		enum text_result t = starttls_text(api, flow, st, dir, &r);
		if (t == TEXT_NOT)
			return st->have_ch || st->have_sh ? NL_DONE : NL_NOT_MINE;
		if (t == TEXT_MORE)
			goto verdict;
		r = nl_reader_rest(&r);	/* the hello: from here */
	} else if (st->dir_done[dir] || payload->stream_offset != 0) {
		if (NL_HOST_HAS(api, consume))
			api->consume(flow, nl_reader_left(&payload->data));
		goto verdict;
	}

	uint8_t hs[TLS_HS_BUF];
	uint8_t type = 0;
	enum asm_result ar = assemble(&r, hs, sizeof(hs), &type, &msg);

	if (ar == ASM_NOT_MINE)	/* one side is TLS, the other not: keep what we have */
		return st->have_ch || st->have_sh ? NL_DONE : NL_NOT_MINE;
	if (ar == ASM_MALFORMED)
		return NL_MALFORMED;
	if (ar == ASM_COMPLETE && type == TLS_HS_CLIENT_HELLO && !st->have_ch) {
		struct client_hello ch;
		memset(&ch, 0, CH_ZEROED);
		if (parse_client_hello(&msg, &ch) < 0 || !nl_reader_ok(&msg))
			return NL_MALFORMED;
		emit_client_hello(api, flow, &ch, st->have_sh);
		st->have_ch = 1;
		st->calls_at_ch = st->calls;
		st->dir_done[dir] = 1;
		if (NL_HOST_HAS(api, consume))
			api->consume(flow, nl_reader_left(&payload->data));
		if (!st->have_sh)
			api->set_state(flow, "TLS_CLIENT_HELLO");
	} else if (ar == ASM_COMPLETE && type == TLS_HS_SERVER_HELLO && !st->have_sh) {
		struct server_hello sh;
		memset(&sh, 0, sizeof(sh));
		if (parse_server_hello(&msg, &sh) < 0 || !nl_reader_ok(&msg))
			return NL_MALFORMED;
		emit_server_hello(api, flow, &sh);
		st->have_sh = 1;
		st->dir_done[dir] = 1;
		if (NL_HOST_HAS(api, consume))
			api->consume(flow, nl_reader_left(&payload->data));
		api->set_state(flow, "TLS_SERVER_HELLO");
	}

verdict:
	if (st->have_ch && st->have_sh)
		return NL_DONE;
	/* This side's hello is read: what follows it (0-RTT early data after a
	 * ClientHello) is neither delivered nor counted any more (ABI 1.2). */
	if (st->dir_done[dir] && NL_HOST_HAS(api, ignore_direction))
		api->ignore_direction(flow, payload->from_client);
	/* counted from the ClientHello: it may itself have taken many calls */
	if (st->have_ch && st->calls - st->calls_at_ch >= TLS_GIVE_UP_CALLS)
		return NL_DONE;
	return NL_NEED_MORE;
}

static const struct nl_dissector tls_dissector = {
	.struct_size = sizeof(struct nl_dissector),
	.abi_major = NL_ABI_MAJOR,
	.abi_minor = NL_ABI_MINOR,
	.flags = NL_DESC_STREAM,
	.transports = NL_TCP,
	.name = "tls",
	.version = "1.0.0",
	.license = "MIT",
	.description = "TLS handshake: SNI, ALPN, version, cipher, JA4 (reassembles split hellos)",
	.display = "TLS",
	.port_hints = tls_ports,
	.n_port_hints = sizeof(tls_ports) / sizeof(tls_ports[0]),
	.packet_budget = TLS_BUDGET,
	.idle_timeout_s = 600,		/* RustNet: ESTABLISHED + HTTPS 600 s */
	.state_size = sizeof(struct tls_state),
	.fields = tls_fields,
	.n_fields = F_COUNT,
	.domain_field = F_SNI,
#ifdef TLS_WITH_LIBCRYPTO
	.init = tls_init,
	.fini = tls_fini,
#endif
	.dissect = tls_dissect,
};

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void);

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void) { return &tls_dissector; }
