/*
 * test_quic.c - unit tests of the QUIC dissector (dissectors/quic*.c) over
 * the fake host: RFC 9001 / RFC 9369 Appendix A vectors, real ngtcp2
 * captures (vectors/quic/, cross-checked with tshark), packets built here
 * with hostile frames and headers, truncations, and not-QUIC payloads.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "fakehost.h"

#include "../../dissectors/quic_crypto.h"

struct cap_dgram {
	int from_client;
	size_t len;
	const uint8_t *bytes;
};

#include "vectors/quic/captures.inc"
#include "vectors/quic/rfc_vectors.inc"

const struct nl_dissector *netlens_dissector_entry(void);

/* ---- helpers ---- */

static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = strlen(s) / 2;
	ck_assert_uint_le(n, cap);
	for (size_t i = 0; i < n; i++) {
		unsigned v;
		ck_assert_int_eq(sscanf(s + 2 * i, "%2x", &v), 1);
		out[i] = (uint8_t)v;
	}
	return n;
}

static void ck_hex(const uint8_t *got, const char *want)
{
	uint8_t w[64];
	size_t n = unhex(want, w, sizeof(w));
	ck_assert_mem_eq(got, w, n);
}

static struct fh_flow ff;

static void open_flow(void) { fh_open(&ff, netlens_dissector_entry()); }

static void close_flow(void)
{
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}

static int host14;	/* feed through an ABI 1.4 host (set_idle_timeout) */

/* One datagram; the client is port 50000, the server 443. */
static enum nl_verdict feed(int from_client, const uint8_t *b, size_t n)
{
	if (host14)
		return fh_feed_14(&ff, NL_UDP, from_client, from_client ? 50000 : 443,
				  from_client ? 443 : 50000, b, n, 4);
	return fh_feed(&ff, NL_UDP, from_client, from_client ? 50000 : 443, from_client ? 443 : 50000, b,
		       n, 0);
}

static enum nl_verdict feed_hex(int from_client, const char *hex)
{
	static uint8_t buf[4096];
	size_t n = unhex(hex, buf, sizeof(buf));
	return feed(from_client, buf, n);
}

/* Feeds a capture until the dissector stops asking; returns the verdict and
 * how many datagrams it took. */
static enum nl_verdict feed_cap(const struct cap_dgram *c, size_t n, size_t *used)
{
	enum nl_verdict v = NL_NEED_MORE;
	size_t i;
	for (i = 0; i < n && v == NL_NEED_MORE; i++)
		v = feed(c[i].from_client, c[i].bytes, c[i].len);
	if (used)
		*used = i;
	return v;
}

#define CAP(x) cap_##x, sizeof(cap_##x) / sizeof(cap_##x[0])

static const uint8_t rfc_dcid[8] = {0x83, 0x94, 0xc8, 0xf0, 0x3e, 0x51, 0x57, 0x08};

static size_t builder_scid_len = 4;	/* RFC 9001 A.2 has none */

/* Builds a protected Initial (4-byte packet number, 2-byte Length) with the
 * given frames padded to pad bytes of payload, keyed by keys_dcid. */
static size_t build_initial(uint8_t *out, uint32_t version, enum nlq_salt salt, int v2, int server,
			    const uint8_t *keys_dcid, size_t keys_dcid_len, const uint8_t *dcid,
			    size_t dcid_len, uint32_t pn, const uint8_t *frames, size_t flen, size_t pad)
{
	struct nlq_keys k;
	uint8_t payload[2048], nonce[12], mask[16];
	size_t plen = flen > pad ? flen : pad, n = 0, pn_off;
	EVP_CIPHER_CTX *ctx;
	int outl;

	ck_assert_uint_le(plen, sizeof(payload));
	memset(payload, 0, plen);
	memcpy(payload, frames, flen);
	ck_assert_int_eq(nlq_initial_keys(salt, v2, keys_dcid, keys_dcid_len, server, &k), 0);
	out[n++] = (uint8_t)(0xc0 | (v2 ? 1 : 0) << 4 | 3);
	out[n++] = (uint8_t)(version >> 24);
	out[n++] = (uint8_t)(version >> 16);
	out[n++] = (uint8_t)(version >> 8);
	out[n++] = (uint8_t)version;
	out[n++] = (uint8_t)dcid_len;
	memcpy(out + n, dcid, dcid_len);
	n += dcid_len;
	out[n++] = (uint8_t)builder_scid_len;	/* SCID */
	memcpy(out + n, "\x11\x22\x33\x44", builder_scid_len);
	n += builder_scid_len;
	out[n++] = 0;				/* token length */
	out[n++] = (uint8_t)(0x40 | (4 + plen + 16) >> 8);
	out[n++] = (uint8_t)(4 + plen + 16);
	pn_off = n;
	for (int i = 3; i >= 0; i--)
		out[n++] = (uint8_t)(pn >> (8 * i));
	memcpy(nonce, k.iv, 12);
	for (int i = 0; i < 4; i++)
		nonce[11 - i] ^= (uint8_t)(pn >> (8 * i));
	ctx = EVP_CIPHER_CTX_new();
	ck_assert(EVP_EncryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, k.key, nonce) == 1);
	ck_assert(EVP_EncryptUpdate(ctx, NULL, &outl, out, (int)n) == 1);
	ck_assert(EVP_EncryptUpdate(ctx, out + n, &outl, payload, (int)plen) == 1);
	ck_assert(EVP_EncryptFinal_ex(ctx, out + n + plen, &outl) == 1);
	ck_assert(EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, out + n + plen) == 1);
	EVP_CIPHER_CTX_free(ctx);
	n += plen + 16;
	ctx = EVP_CIPHER_CTX_new();
	ck_assert(EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, k.hp, NULL) == 1);
	EVP_CIPHER_CTX_set_padding(ctx, 0);
	ck_assert(EVP_EncryptUpdate(ctx, mask, &outl, out + pn_off + 4, 16) == 1);
	EVP_CIPHER_CTX_free(ctx);
	out[0] ^= mask[0] & 0x0f;
	for (int i = 0; i < 4; i++)
		out[pn_off + i] ^= mask[1 + i];
	return n;
}

/* A v1 client Initial keyed and addressed by the RFC DCID. */
static size_t client_v1(uint8_t *out, uint32_t pn, const uint8_t *frames, size_t flen)
{
	return build_initial(out, 1, NLQ_SALT_V1, 0, 0, rfc_dcid, 8, rfc_dcid, 8, pn, frames, flen, 1100);
}

/* The ClientHello of RFC 9001 A.2 (without its CRYPTO frame header). */
static size_t rfc_hello(uint8_t *out)
{
	uint8_t f[512];
	size_t n = unhex(rfc_client_crypto_frame, f, sizeof(f));
	memcpy(out, f + 4, n - 4);		/* 06 00 40f1 */
	return n - 4;
}

/* A CRYPTO frame: 0x06, offset (4-byte varint), length (2-byte varint). */
static size_t crypto_frame(uint8_t *out, uint32_t off, const uint8_t *data, size_t len)
{
	size_t n = 0;
	out[n++] = 0x06;
	out[n++] = (uint8_t)(0x80 | off >> 24);
	out[n++] = (uint8_t)(off >> 16);
	out[n++] = (uint8_t)(off >> 8);
	out[n++] = (uint8_t)off;
	out[n++] = (uint8_t)(0x40 | len >> 8);
	out[n++] = (uint8_t)len;
	memcpy(out + n, data, len);
	return n + len;
}

/* ---- descriptor ---- */

START_TEST(test_descriptor)
{
	const struct nl_dissector *d = netlens_dissector_entry();
	ck_assert_uint_eq(d->struct_size, sizeof(struct nl_dissector));
	ck_assert_uint_eq(d->abi_major, NL_ABI_MAJOR);
	ck_assert_uint_eq(d->abi_minor, NL_ABI_MINOR);
	ck_assert_str_eq(d->name, "quic");
	ck_assert_str_eq(d->display, "QUIC");
	ck_assert_uint_eq(d->transports, NL_UDP);
	ck_assert_uint_eq(d->flags, 0);
	ck_assert_uint_le(d->state_size, NL_MAX_STATE);
	/* The 9 KiB CRYPTO reassembly block is allocated apart, only for a
	 * flow with a client Initial, and freed by release(): the state every
	 * UDP flow offered gets zeroed stays small. */
	ck_assert_uint_lt(d->state_size, 256);
	ck_assert_ptr_nonnull(d->release);
	ck_assert_uint_le(d->n_fields, NL_MAX_FIELDS);
	ck_assert_uint_eq(d->idle_timeout_s, 180);
	for (uint16_t i = 0; i < d->n_fields; i++) {
		ck_assert_uint_eq(d->fields[i].id, i);
		ck_assert_uint_eq(d->fields[i].reserved, 0);
		ck_assert_uint_lt(strlen(d->fields[i].key), NL_MAX_KEY);
		ck_assert(!strncmp(d->fields[i].key, "quic.", 5));
	}
	ck_assert_str_eq(d->fields[d->domain_field].key, "quic.sni");
	ck_assert_uint_eq(d->n_port_hints, 5);
	ck_assert_uint_eq(d->port_hints[0], 443);
	ck_assert_uint_eq(d->packet_budget, 12);
	ck_assert_ptr_nonnull(d->dissect);
}
END_TEST

/* ---- RFC key schedules ---- */

/* The drafts' salts, checked apart from the packet builder (which uses the
 * same table): client_initial_secret of the RFC 9001 DCID as printed in
 * draft-ietf-quic-tls-29 and -23 Appendix A; the draft-22, T050, T051 and
 * Q050 ones computed with Python's hmac from Wireshark's salts, with which
 * tshark opened mvfst 0xfaceb001, T050 and T051 Initials built the same way. */
START_TEST(test_draft_initial_secrets)
{
	static const struct {
		enum nlq_salt salt;
		const char *client_secret;
	} t[] = {
		{NLQ_SALT_D29, "0088119288f1d866733ceeed15ff9d50902cf82952eee27e9d4d4918ea371d87"},
		{NLQ_SALT_D23, "fda3953aecc040e48b34e27ef87de3a6098ecf0e38b7e032c5c57bcbd5975b84"},
		{NLQ_SALT_D22, "7712ead935b044cb18e993a6f7a8c71119d2439ffdd3b6151ad7f9d9e77e2fb9"},
		{NLQ_SALT_T50, "b745345ec65af29545427bdfc3eb24291d67b9597f7df52e9c1fdb94b33ef513"},
		{NLQ_SALT_T51, "7949613b1294da901b3e284fd0800ab300a4581d0ec861e7b0c7fde2bbe74916"},
		{NLQ_SALT_Q50, "9c7b7b82f02ff139526af4933acf97f4740bc4fec7b3cbb75b9d835c24c91a96"},
	};
	uint8_t secret[32];
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ck_assert_int_eq(nlq_initial_secret(t[i].salt, rfc_dcid, 8, 0, secret), 0);
		ck_hex(secret, t[i].client_secret);
	}
}
END_TEST

START_TEST(test_rfc9001_a1_keys)
{
	uint8_t secret[32];
	struct nlq_keys k;

	ck_assert_int_eq(nlq_initial_secret(NLQ_SALT_V1, rfc_dcid, 8, 0, secret), 0);
	ck_hex(secret, rfc9001_client_secret);
	ck_assert_int_eq(nlq_initial_keys(NLQ_SALT_V1, 0, rfc_dcid, 8, 0, &k), 0);
	ck_hex(k.key, rfc9001_client_key);
	ck_hex(k.iv, rfc9001_client_iv);
	ck_hex(k.hp, rfc9001_client_hp);
	ck_assert_int_eq(nlq_initial_secret(NLQ_SALT_V1, rfc_dcid, 8, 1, secret), 0);
	ck_hex(secret, rfc9001_server_secret);
	ck_assert_int_eq(nlq_initial_keys(NLQ_SALT_V1, 0, rfc_dcid, 8, 1, &k), 0);
	ck_hex(k.key, rfc9001_server_key);
	ck_hex(k.iv, rfc9001_server_iv);
	ck_hex(k.hp, rfc9001_server_hp);
}
END_TEST

START_TEST(test_rfc9369_a1_keys)
{
	uint8_t secret[32];
	struct nlq_keys k;

	ck_assert_int_eq(nlq_initial_secret(NLQ_SALT_V2, rfc_dcid, 8, 0, secret), 0);
	ck_hex(secret, rfc9369_client_secret);
	ck_assert_int_eq(nlq_initial_keys(NLQ_SALT_V2, 1, rfc_dcid, 8, 0, &k), 0);
	ck_hex(k.key, rfc9369_client_key);
	ck_hex(k.iv, rfc9369_client_iv);
	ck_hex(k.hp, rfc9369_client_hp);
	ck_assert_int_eq(nlq_initial_secret(NLQ_SALT_V2, rfc_dcid, 8, 1, secret), 0);
	ck_hex(secret, rfc9369_server_secret);
	ck_assert_int_eq(nlq_initial_keys(NLQ_SALT_V2, 1, rfc_dcid, 8, 1, &k), 0);
	ck_hex(k.key, rfc9369_server_key);
	ck_hex(k.iv, rfc9369_server_iv);
	ck_hex(k.hp, rfc9369_server_hp);
}
END_TEST

/* The builder reproduces RFC 9001 A.2 and RFC 9369 A.2 byte for byte: the
 * test's own encryptor (used by the hostile-frame tests) is right. */
START_TEST(test_builder_matches_rfc)
{
	uint8_t want[1300], got[1300], frames[600];
	size_t fn = unhex(rfc_client_crypto_frame, frames, sizeof(frames));
	size_t wn = unhex(rfc9001_client_initial, want, sizeof(want));
	builder_scid_len = 0;
	size_t gn = build_initial(got, 1, NLQ_SALT_V1, 0, 0, rfc_dcid, 8, rfc_dcid, 8, 2, frames, fn,
				  1162);
	ck_assert_uint_eq(gn, 1200);
	ck_assert_uint_eq(wn, 1200);
	ck_assert_mem_eq(got, want, 1200);
	wn = unhex(rfc9369_client_initial, want, sizeof(want));
	gn = build_initial(got, 0x6b3343cf, NLQ_SALT_V2, 1, 0, rfc_dcid, 8, rfc_dcid, 8, 2, frames, fn,
			   1162);
	ck_assert_uint_eq(gn, wn);
	ck_assert_mem_eq(got, want, wn);
	builder_scid_len = 4;
}
END_TEST

/* ---- RFC packets through the dissector ---- */

START_TEST(test_rfc9001_a2_client_initial)
{
	int found;
	open_flow();
	ck_assert_int_eq(feed_hex(1, rfc9001_client_initial), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "quic.version"), "0x00000001");
	ck_assert_str_eq(fh_str(&ff, "quic.version_name"), "QUICv1");
	ck_assert_str_eq(fh_str(&ff, "quic.sni"), "example.com");
	ck_assert_str_eq(fh_list(&ff, "quic.alpn", 0), "alpn");
	ck_assert_ptr_null(fh_list(&ff, "quic.alpn", 1));
	ck_assert_uint_eq(fh_u64(&ff, "quic.idle_timeout_ms", &found), 30000);
	ck_assert(found);
	ck_assert_str_eq(ff.f.state, "QUIC_INITIAL");
	ck_assert_ptr_null(fh_str(&ff, "quic.close_error"));
	close_flow();
}
END_TEST

/* The server Initial is decrypted with keys from the client's DCID kept in
 * the state: after it, a short header completes the flow (DONE). */
START_TEST(test_rfc9001_a3_server_initial)
{
	open_flow();
	ck_assert_int_eq(feed_hex(1, rfc9001_client_initial), NL_NEED_MORE);
	ck_assert_int_eq(feed_hex(0, rfc9001_server_initial), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "QUIC_INITIAL");
	ck_assert_int_eq(feed_hex(0, rfc9001_short), NL_DONE);
	ck_assert_str_eq(ff.f.state, "QUIC_CONNECTED");
	ck_assert_str_eq(fh_str(&ff, "quic.sni"), "example.com");
	close_flow();
}
END_TEST

/* Same flow with the server Initial's tag broken: not decrypted, so the
 * short header does not finish the flow. */
START_TEST(test_rfc9001_a3_server_bad_tag)
{
	uint8_t b[256];
	size_t n;
	open_flow();
	ck_assert_int_eq(feed_hex(1, rfc9001_client_initial), NL_NEED_MORE);
	n = unhex(rfc9001_server_initial, b, sizeof(b));
	b[n - 1] ^= 1;
	ck_assert_int_eq(feed(0, b, n), NL_NEED_MORE);
	ck_assert_int_eq(feed_hex(0, rfc9001_short), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "QUIC_CONNECTED");
	close_flow();
}
END_TEST

/* Without the client Initial there is no key for the server's. */
START_TEST(test_server_initial_alone)
{
	open_flow();
	ck_assert_int_eq(feed_hex(0, rfc9001_server_initial), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "quic.version_name"), "QUICv1");
	ck_assert_str_eq(ff.f.state, "QUIC_INITIAL");
	ck_assert_ptr_null(fh_str(&ff, "quic.sni"));
	close_flow();
}
END_TEST

START_TEST(test_rfc9369_a2_client_initial)
{
	open_flow();
	ck_assert_int_eq(feed_hex(1, rfc9369_client_initial), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "quic.version"), "0x6b3343cf");
	ck_assert_str_eq(fh_str(&ff, "quic.version_name"), "QUICv2");
	ck_assert_str_eq(fh_str(&ff, "quic.sni"), "example.com");
	ck_assert_str_eq(fh_list(&ff, "quic.alpn", 0), "alpn");
	ck_assert_str_eq(ff.f.state, "QUIC_INITIAL");
	ck_assert_int_eq(feed_hex(0, rfc9369_server_initial), NL_NEED_MORE);
	ck_assert_int_eq(feed_hex(0, rfc9001_short), NL_DONE);
	ck_assert_str_eq(ff.f.state, "QUIC_CONNECTED");
	close_flow();
}
END_TEST

/* v2's Initial type bits are 01: read with v1 bits it is a 0-RTT packet
 * whose Length is the token length byte 0, too short: malformed, and
 * nothing is decrypted. */
START_TEST(test_v2_packet_relabelled_v1)
{
	uint8_t b[1300];
	size_t n = unhex(rfc9369_client_initial, b, sizeof(b));
	open_flow();
	b[1] = 0, b[2] = 0, b[3] = 0, b[4] = 1;		/* claim v1 */
	ck_assert_int_eq(feed(1, b, n), NL_MALFORMED);
	ck_assert_ptr_null(fh_str(&ff, "quic.sni"));
	close_flow();
	/* and a v1 Initial relabelled v2 reads as Retry: no keys tried */
	n = unhex(rfc9001_client_initial, b, sizeof(b));
	b[1] = 0x6b, b[2] = 0x33, b[3] = 0x43, b[4] = 0xcf;
	open_flow();
	ck_assert_int_eq(feed(1, b, n), NL_NEED_MORE);
	ck_assert_ptr_null(fh_str(&ff, "quic.sni"));
	close_flow();
}
END_TEST

/* ---- real captures (ngtcp2 gtlsclient/gtlsserver 0.12.1, see
 * vectors/quic/tshark_expect.txt for tshark's reading of them) ---- */

START_TEST(test_cap_basic)
{
	size_t used;
	open_flow();
	ck_assert_int_eq(feed_cap(CAP(basic), &used), NL_DONE);
	ck_assert_str_eq(fh_str(&ff, "quic.sni"), "www.quic-sni.example");
	ck_assert_str_eq(fh_list(&ff, "quic.alpn", 0), "h3");
	ck_assert_str_eq(fh_str(&ff, "quic.version"), "0x00000001");
	ck_assert_str_eq(fh_str(&ff, "quic.version_name"), "QUICv1");
	ck_assert_str_eq(ff.f.state, "QUIC_CONNECTED");
	ck_assert_uint_le(used, 6);
	close_flow();
}
END_TEST

START_TEST(test_cap_retry)
{
	open_flow();
	ck_assert_int_eq(feed_cap(CAP(retry), NULL), NL_DONE);
	ck_assert_str_eq(fh_str(&ff, "quic.sni"), "retry.quic-sni.example");
	ck_assert_str_eq(ff.f.state, "QUIC_CONNECTED");
	close_flow();
}
END_TEST

/* After a Retry the keys come from the Retry's SCID (the DCID of the second
 * client Initial): the server Initial must decrypt with that one, which
 * the DONE on its datagram (coalesced with a short header) shows. */
START_TEST(test_cap_retry_server_initial_uses_new_dcid)
{
	open_flow();
	for (size_t i = 0; i < 3; i++)		/* CI, Retry, CI' */
		ck_assert_int_eq(feed(cap_retry[i].from_client, cap_retry[i].bytes, cap_retry[i].len),
				 NL_NEED_MORE);
	ck_assert_int_eq(feed(cap_retry[3].from_client, cap_retry[3].bytes, cap_retry[3].len), NL_DONE);
	close_flow();
}
END_TEST

/* ngtcp2's server clears the fixed bit of its long headers (first byte
 * 0x8a) once the client advertised grease_quic_bit (RFC 9287): the flow is
 * already claimed, so the Initial must still be walked and decrypted. */
START_TEST(test_regress_grease_quic_bit_server_initial)
{
	ck_assert_uint_eq(cap_basic[1].bytes[0] & 0xc0, 0x80);
	open_flow();
	ck_assert_int_eq(feed(1, cap_basic[0].bytes, cap_basic[0].len), NL_NEED_MORE);
	ck_assert_int_eq(feed(0, cap_basic[1].bytes, cap_basic[1].len), NL_NEED_MORE);
	ck_assert_int_eq(feed(1, cap_basic[2].bytes, cap_basic[2].len), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "QUIC_HANDSHAKE");
	ck_assert_int_eq(feed(1, cap_basic[3].bytes, cap_basic[3].len), NL_DONE);
	ck_assert_str_eq(ff.f.state, "QUIC_CONNECTED");
	close_flow();
	/* but an unknown flow is not claimed without the fixed bit */
	open_flow();
	ck_assert_int_eq(feed(0, cap_basic[1].bytes, cap_basic[1].len), NL_NOT_MINE);
	close_flow();
}
END_TEST

/* A greased short header (first byte 0x00) opening a datagram is 1-RTT. */
START_TEST(test_regress_grease_quic_bit_short_header)
{
	ck_assert_uint_eq(cap_basic[6].bytes[0], 0x00);
	open_flow();
	ck_assert_int_eq(feed(1, cap_basic[0].bytes, cap_basic[0].len), NL_NEED_MORE);
	ck_assert_int_eq(feed(0, cap_basic[6].bytes, cap_basic[6].len), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "QUIC_CONNECTED");
	close_flow();
}
END_TEST

START_TEST(test_cap_draft29)
{
	open_flow();
	ck_assert_int_eq(feed_cap(CAP(d29), NULL), NL_DONE);
	ck_assert_str_eq(fh_str(&ff, "quic.version"), "0xff00001d");
	ck_assert_str_eq(fh_str(&ff, "quic.version_name"), "draft-29");
	ck_assert_str_eq(fh_str(&ff, "quic.sni"), "d29.quic-sni.example");
	ck_assert_str_eq(fh_list(&ff, "quic.alpn", 0), "h3");
	ck_assert_str_eq(ff.f.state, "QUIC_CONNECTED");
	close_flow();
}
END_TEST

/* The server refuses the cipher: CONNECTION_CLOSE 0x1c with 0x128
 * (crypto error, handshake_failure alert 40) inside its Initial. */
START_TEST(test_cap_close)
{
	size_t used;
	open_flow();
	ck_assert_int_eq(feed_cap(CAP(close), &used), NL_DONE);
	ck_assert_uint_eq(used, 2);
	ck_assert_str_eq(fh_str(&ff, "quic.sni"), "close.quic-sni.example");
	ck_assert_str_eq(fh_str(&ff, "quic.close_error"), "0x128");
	ck_assert_str_eq(ff.f.state, "QUIC_CLOSED");
	close_flow();
}
END_TEST

/* An FFDHE8192 key share makes the ClientHello span two datagrams. */
START_TEST(test_cap_bighello_two_datagrams)
{
	open_flow();
	ck_assert_int_eq(feed(cap_bighello[0].from_client, cap_bighello[0].bytes, cap_bighello[0].len),
			 NL_NEED_MORE);
	ck_assert_ptr_null(fh_str(&ff, "quic.sni"));
	ck_assert_int_eq(feed_cap(cap_bighello + 1, sizeof(cap_bighello) / sizeof(cap_bighello[0]) - 1,
				  NULL),
			 NL_DONE);
	ck_assert_str_eq(fh_str(&ff, "quic.sni"), "big-hello.quic-sni.example");
	ck_assert_str_eq(fh_list(&ff, "quic.alpn", 0), "h3");
	close_flow();
}
END_TEST

/* ABI 1.4: the client's max_idle_timeout becomes the flow's idle timeout
 * (the connection is over after the smaller of the two ends'), rounded up
 * to seconds, at least 3 (three probe timeouts); a 1.0 host is not asked. */
START_TEST(test_idle_timeout_told_to_the_host)
{
	host14 = 1;
	open_flow();
	ck_assert_int_eq(feed_hex(1, rfc9001_client_initial), NL_NEED_MORE);
	ck_assert_uint_eq(ff.f.idle_timeout_s, 30);	/* 30000 ms */
	close_flow();
	open_flow();
	feed_cap(CAP(v2draft), NULL);
	ck_assert_uint_eq(ff.f.idle_timeout_s, 3);	/* ngtcp2 --timeout=3s */
	close_flow();
	host14 = 0;
	open_flow();
	ck_assert_int_eq(feed_hex(1, rfc9001_client_initial), NL_NEED_MORE);
	ck_assert_uint_eq(ff.f.idle_timeout_s, 0);
	close_flow();
}
END_TEST

/* ngtcp2 0.12.1 gtlsclient -v 0x709a50c4 ("v2draft", QUIC v2 before RFC
 * 9369: v2 types and labels, its own salt). tshark 4.0 does not decrypt
 * it; the client's own SNI ("localhost", its default for an address),
 * ALPN and --timeout=3s are the oracle. */
START_TEST(test_cap_v2draft)
{
	open_flow();
	feed_cap(CAP(v2draft), NULL);
	ck_assert_str_eq(fh_str(&ff, "quic.version"), "0x709a50c4");
	ck_assert_str_eq(fh_str(&ff, "quic.version_name"), "QUICv2-draft");
	ck_assert_str_eq(fh_str(&ff, "quic.sni"), "localhost");
	ck_assert_str_eq(fh_list(&ff, "quic.alpn", 0), "h3");
	int found = 0;
	ck_assert_uint_eq(fh_u64(&ff, "quic.idle_timeout_ms", &found), 3000);
	ck_assert_int_eq(found, 1);
	ck_assert_str_eq(ff.f.state, "QUIC_CONNECTED");
	close_flow();
}
END_TEST

/* ngtcp2 0.12.1 asked for 0x6b3343cf, which it does not implement (v1
 * keys): the server answers Version Negotiation. The version shown is the
 * client's, as tshark's quic.version of its packet. */
START_TEST(test_cap_vn)
{
	open_flow();
	feed_cap(CAP(vn), NULL);
	ck_assert_str_eq(fh_str(&ff, "quic.version"), "0x6b3343cf");
	ck_assert_str_eq(fh_str(&ff, "quic.version_name"), "QUICv2");
	ck_assert_ptr_null(fh_str(&ff, "quic.sni"));
	ck_assert_str_eq(ff.f.state, "QUIC_INITIAL");
	close_flow();
}
END_TEST

/* ---- truncation and corruption ---- */

START_TEST(test_every_truncation_of_client_initial)
{
	uint8_t b[1300];
	size_t n = unhex(rfc9001_client_initial, b, sizeof(b));
	for (size_t len = 0; len < n; len++) {
		open_flow();
		enum nl_verdict v = feed(1, b, len);
		ck_assert_msg(v == NL_NOT_MINE || v == NL_MALFORMED, "len %zu verdict %d", len, v);
		ck_assert_ptr_null(fh_str(&ff, "quic.sni"));
		close_flow();
	}
}
END_TEST

START_TEST(test_every_truncation_of_server_datagram)
{
	/* server Initial + Handshake, coalesced: cutting the second packet only
	 * stops the walk */
	const struct cap_dgram *s = &cap_basic[1];
	for (size_t len = 0; len < s->len; len++) {
		open_flow();
		feed(1, cap_basic[0].bytes, cap_basic[0].len);
		enum nl_verdict v = feed(0, s->bytes, len);
		ck_assert(v == NL_NEED_MORE || v == NL_MALFORMED);
		ck_assert_str_eq(fh_str(&ff, "quic.sni"), "www.quic-sni.example");
		close_flow();
	}
}
END_TEST

START_TEST(test_corrupted_tag)
{
	uint8_t b[1300];
	size_t n = unhex(rfc9001_client_initial, b, sizeof(b));
	b[n - 1] ^= 0x80;
	open_flow();
	ck_assert_int_eq(feed(1, b, n), NL_NEED_MORE);
	ck_assert_ptr_null(fh_str(&ff, "quic.sni"));
	ck_assert_ptr_null(fh_list(&ff, "quic.alpn", 0));
	ck_assert_str_eq(ff.f.state, "QUIC_INITIAL");
	close_flow();
}
END_TEST

START_TEST(test_every_single_byte_flip)
{
	/* Any bit flip in the protected packet breaks the tag or the header;
	 * never a crash, never an SNI other than the real one. */
	uint8_t b[1300];
	size_t n = unhex(rfc9001_client_initial, b, sizeof(b));
	for (size_t i = 0; i < n; i += 7) {
		b[i] ^= 0x5a;
		open_flow();
		feed(1, b, n);
		const char *sni = fh_str(&ff, "quic.sni");
		ck_assert(sni == NULL || !strcmp(sni, "example.com"));
		close_flow();
		b[i] ^= 0x5a;
	}
}
END_TEST

/* ---- hostile headers ---- */

START_TEST(test_lying_length_varint)
{
	uint8_t b[1300];
	size_t n = unhex(rfc9001_client_initial, b, sizeof(b));
	/* Length at offset 16 (after token length 0): make it 8 bytes, 2^62-1 */
	uint8_t c[1400];
	memcpy(c, b, 16);
	memcpy(c + 16, "\xff\xff\xff\xff\xff\xff\xff\xff", 8);
	memcpy(c + 24, b + 18, n - 18);
	open_flow();
	ck_assert_int_eq(feed(1, c, n + 6), NL_MALFORMED);
	close_flow();
	/* Length one more than what is there */
	b[16] = 0x44, b[17] = 0x9f;
	open_flow();
	ck_assert_int_eq(feed(1, b, n), NL_MALFORMED);
	close_flow();
	/* Length below the 20 bytes the sample needs */
	b[16] = 0x40, b[17] = 0x13;
	open_flow();
	ck_assert_int_eq(feed(1, b, n), NL_MALFORMED);
	close_flow();
}
END_TEST

START_TEST(test_lying_token_length)
{
	uint8_t b[1300];
	size_t n = unhex(rfc9001_client_initial, b, sizeof(b));
	b[15] = 0x7f;	/* a 2-byte varint token length 0x3f00 + the next byte */
	open_flow();
	ck_assert_int_eq(feed(1, b, n), NL_MALFORMED);
	close_flow();
	b[15] = 0xc0;	/* 8-byte varint: swallows the Length */
	open_flow();
	ck_assert_int_eq(feed(1, b, n), NL_MALFORMED);
	close_flow();
}
END_TEST

START_TEST(test_cid_too_long)
{
	uint8_t b[64] = {0xc0, 0, 0, 0, 1, 21};
	open_flow();
	ck_assert_int_eq(feed(1, b, sizeof(b)), NL_MALFORMED);
	close_flow();
}
END_TEST

/* 60 minimal Handshake packets in one datagram: 10 are walked. */
START_TEST(test_endless_coalesced_chain)
{
	static uint8_t b[60 * 28];
	size_t n = 0;
	for (int i = 0; i < 60; i++) {
		uint8_t p[28] = {0xe0, 0, 0, 0, 1, 0, 0, 0x14};
		memcpy(b + n, p, sizeof(p));
		n += sizeof(p);
	}
	open_flow();
	ck_assert_int_eq(feed(1, b, n), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "QUIC_HANDSHAKE");
	close_flow();
}
END_TEST

/* A datagram of one Initial followed by zero padding (allowed by RFC 9000
 * §12.2 and sent by some stacks). */
START_TEST(test_trailing_zero_padding)
{
	uint8_t b[1600];
	size_t n = unhex(rfc9001_client_initial, b, sizeof(b));
	memset(b + n, 0, 200);
	open_flow();
	ck_assert_int_eq(feed(1, b, n + 200), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "quic.sni"), "example.com");
	close_flow();
}
END_TEST

/* ---- hostile frames (inside correctly encrypted Initials) ---- */

START_TEST(test_huge_ack_range_count)
{
	uint8_t hello[300], f[800], pkt[1400];
	size_t hn = rfc_hello(hello), fn = 0;
	/* ACK: largest 0, delay 0, range count 2^62-1, first range 0 */
	memcpy(f, "\x02\x00\x00\xff\xff\xff\xff\xff\xff\xff\xff\x00", 12);
	fn = 12;
	fn += crypto_frame(f + fn, 0, hello, hn);
	open_flow();
	ck_assert_int_eq(feed(1, pkt, client_v1(pkt, 0, f, fn)), NL_NEED_MORE);
	ck_assert_ptr_null(fh_str(&ff, "quic.sni"));	/* walk stopped at the ACK */
	close_flow();
	/* 300 real ranges, more than the bound */
	fn = 0;
	f[fn++] = 0x02, f[fn++] = 0x00, f[fn++] = 0x00, f[fn++] = 0x41, f[fn++] = 0x2c, f[fn++] = 0;
	for (int i = 0; i < 300; i++)
		f[fn++] = 0, f[fn++] = 0;
	open_flow();
	ck_assert_int_eq(feed(1, pkt, client_v1(pkt, 0, f, fn)), NL_NEED_MORE);
	close_flow();
}
END_TEST

START_TEST(test_ack_then_crypto)
{
	uint8_t hello[300], f[600], pkt[1400];
	size_t hn = rfc_hello(hello), fn = 0;
	/* ACK with ECN (0x03): 2 ranges, then PING, then CRYPTO */
	memcpy(f, "\x03\x05\x00\x02\x00\x01\x00\x01\x00\x01\x02\x03\x01", 13);
	fn = 13;
	fn += crypto_frame(f + fn, 0, hello, hn);
	open_flow();
	ck_assert_int_eq(feed(1, pkt, client_v1(pkt, 0, f, fn)), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "quic.sni"), "example.com");
	close_flow();
}
END_TEST

START_TEST(test_lying_crypto_length)
{
	uint8_t hello[300], f[600], pkt[1400];
	size_t hn = rfc_hello(hello), fn = crypto_frame(f, 0, hello, hn);
	f[5] = 0x7f, f[6] = 0xff;	/* length 16383 */
	open_flow();
	ck_assert_int_eq(feed(1, pkt, build_initial(pkt, 1, NLQ_SALT_V1, 0, 0, rfc_dcid, 8, rfc_dcid, 8,
						     0, f, fn, 0)),
			 NL_NEED_MORE);
	ck_assert_ptr_null(fh_str(&ff, "quic.sni"));
	close_flow();
}
END_TEST

START_TEST(test_crypto_offset_past_buffer)
{
	uint8_t f[64], pkt[1400];
	/* offset 2^62-1 (8-byte varint), length 4 */
	memcpy(f, "\x06\xff\xff\xff\xff\xff\xff\xff\xff\x04\x01\x00\x00\x20", 14);
	open_flow();
	ck_assert_int_eq(feed(1, pkt, client_v1(pkt, 0, f, 14)), NL_NEED_MORE);
	/* offset 8190 with 100 bytes: the part inside the buffer is kept */
	size_t fn = crypto_frame(f, 8190, (const uint8_t *)"abcdefghij", 10);
	ck_assert_int_eq(feed(1, pkt, client_v1(pkt, 1, f, fn)), NL_NEED_MORE);
	ck_assert_ptr_null(fh_str(&ff, "quic.sni"));
	close_flow();
}
END_TEST

/* The ClientHello in three CRYPTO pieces, sent last-first across two
 * coalesced packets and a second datagram, with an overlapping piece whose
 * bytes differ (first write wins). */
START_TEST(test_crypto_out_of_order_and_overlap)
{
	uint8_t hello[300], bogus[300], f[600], pkt[2800];
	size_t hn = rfc_hello(hello), n;
	memset(bogus, 'X', sizeof(bogus));
	open_flow();
	/* datagram 1: packet A holds [200, hn), packet B holds [0, 100) */
	size_t fn = crypto_frame(f, 200, hello + 200, hn - 200);
	n = build_initial(pkt, 1, NLQ_SALT_V1, 0, 0, rfc_dcid, 8, rfc_dcid, 8, 0, f, fn, 0);
	fn = crypto_frame(f, 0, hello, 100);
	n += build_initial(pkt + n, 1, NLQ_SALT_V1, 0, 0, rfc_dcid, 8, rfc_dcid, 8, 1, f, fn, 0);
	ck_assert_int_eq(feed(1, pkt, n), NL_NEED_MORE);
	ck_assert_ptr_null(fh_str(&ff, "quic.sni"));
	/* datagram 2: [50, 200) real, then [0, 150) bogus (ignored) */
	fn = crypto_frame(f, 50, hello + 50, 150);
	fn += crypto_frame(f + fn, 0, bogus, 150);
	ck_assert_int_eq(feed(1, pkt, client_v1(pkt, 2, f, fn)), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "quic.sni"), "example.com");
	ck_assert_str_eq(fh_list(&ff, "quic.alpn", 0), "alpn");
	close_flow();
}
END_TEST

START_TEST(test_close_transport_no_error)
{
	uint8_t f[32] = {0x1c, 0x00, 0x06, 0x04, 'b', 'y', 'e', '!'}, pkt[1400];
	open_flow();
	ck_assert_int_eq(feed(1, pkt, client_v1(pkt, 0, f, 8)), NL_DONE);
	ck_assert_str_eq(fh_str(&ff, "quic.close_error"), "0x00");
	ck_assert_str_eq(ff.f.state, "QUIC_DRAINING");
	close_flow();
}
END_TEST

START_TEST(test_close_application)
{
	uint8_t f[32] = {0x1d, 0x41, 0x00, 0x00}, pkt[1400];
	open_flow();
	ck_assert_int_eq(feed(1, pkt, client_v1(pkt, 0, f, 4)), NL_DONE);
	ck_assert_str_eq(fh_str(&ff, "quic.close_error"), "0x100");
	ck_assert_str_eq(ff.f.state, "QUIC_CLOSED");
	close_flow();
}
END_TEST

START_TEST(test_close_lying_reason_length)
{
	uint8_t f[32] = {0x1c, 0x0a, 0x00, 0x7f, 0xff}, pkt[1400];
	open_flow();
	ck_assert_int_eq(feed(1, pkt, build_initial(pkt, 1, NLQ_SALT_V1, 0, 0, rfc_dcid, 8, rfc_dcid, 8,
						     0, f, 5, 0)),
			 NL_NEED_MORE);
	ck_assert_ptr_null(fh_str(&ff, "quic.close_error"));
	close_flow();
}
END_TEST

START_TEST(test_unknown_frame_stops_walk)
{
	uint8_t hello[300], f[600], pkt[1400];
	size_t hn = rfc_hello(hello), fn = 0;
	f[fn++] = 0x08;		/* STREAM: not allowed in Initial, not walked */
	fn += crypto_frame(f + fn, 0, hello, hn);
	open_flow();
	ck_assert_int_eq(feed(1, pkt, client_v1(pkt, 0, f, fn)), NL_NEED_MORE);
	ck_assert_ptr_null(fh_str(&ff, "quic.sni"));
	close_flow();
}
END_TEST

/* A handshake message that is not a ClientHello ends the search. */
START_TEST(test_crypto_not_client_hello)
{
	uint8_t f[64], pkt[1400];
	size_t fn = crypto_frame(f, 0, (const uint8_t *)"\x02\x00\x00\x02\x03\x03", 6);
	open_flow();
	ck_assert_int_eq(feed(1, pkt, client_v1(pkt, 0, f, fn)), NL_NEED_MORE);
	ck_assert_ptr_null(fh_str(&ff, "quic.sni"));
	close_flow();
}
END_TEST

/* A ClientHello whose lengths lie inside: extension lengths past the end,
 * SNI list longer than the extension, a 300-byte name (kept to 256). */
START_TEST(test_hostile_client_hello)
{
	uint8_t ch[700], f[800], pkt[1400];
	size_t n = 0;
	ch[n++] = 1, ch[n++] = 0, ch[n++] = 0x02, ch[n++] = 0x9c;	/* len 668 */
	ch[n++] = 3, ch[n++] = 3;
	memset(ch + n, 0, 32), n += 32;
	ch[n++] = 0;				/* session id */
	ch[n++] = 0, ch[n++] = 2, ch[n++] = 0x13, ch[n++] = 0x01;
	ch[n++] = 1, ch[n++] = 0;		/* compression */
	ch[n++] = 0x02, ch[n++] = 0x74;		/* extensions: 628 */
	/* server_name: extension 305, its list claims 307, name 300 */
	ch[n++] = 0, ch[n++] = 0, ch[n++] = 0x01, ch[n++] = 0x31;
	ch[n++] = 0x01, ch[n++] = 0x33, ch[n++] = 0, ch[n++] = 0x01, ch[n++] = 0x2c;
	memset(ch + n, 'a', 300), n += 300;
	/* ALPN whose list claims 0xffff */
	ch[n++] = 0, ch[n++] = 0x10, ch[n++] = 0, ch[n++] = 4;
	ch[n++] = 0xff, ch[n++] = 0xff, ch[n++] = 1, ch[n++] = 'x';
	/* an extension that claims more than is left */
	ch[n++] = 0, ch[n++] = 0x39, ch[n++] = 0xff, ch[n++] = 0xff;
	memset(ch + n, 0xc0, 672 - n), n = 672;
	size_t fn = crypto_frame(f, 0, ch, n);
	open_flow();
	ck_assert_int_eq(feed(1, pkt, client_v1(pkt, 0, f, fn)), NL_NEED_MORE);
	const char *sni = fh_str(&ff, "quic.sni");
	ck_assert_ptr_nonnull(sni);
	ck_assert_uint_eq(strlen(sni), NL_MAX_STR);
	ck_assert_str_eq(fh_list(&ff, "quic.alpn", 0), "x");
	close_flow();
}
END_TEST

/* ---- versions and states ---- */

START_TEST(test_version_negotiation)
{
	uint8_t vn[] = {0x80, 0, 0, 0, 0, 4, 1, 2, 3, 4, 4, 5, 6, 7, 8,
			0, 0, 0, 1, 0x6b, 0x33, 0x43, 0xcf};
	open_flow();
	ck_assert_int_eq(feed(0, vn, sizeof(vn)), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "quic.version_name"), "VN");
	ck_assert_str_eq(fh_str(&ff, "quic.version"), "0x00000000");
	ck_assert_str_eq(ff.f.state, "QUIC_INITIAL");
	close_flow();
	/* a client never sends VN: not claimed */
	open_flow();
	ck_assert_int_eq(feed(1, vn, sizeof(vn)), NL_NOT_MINE);
	close_flow();
	/* a VN whose list is not whole 32-bit versions */
	open_flow();
	ck_assert_int_eq(feed(0, vn, sizeof(vn) - 1), NL_NOT_MINE);
	close_flow();
}
END_TEST

START_TEST(test_greased_then_vn_then_v1)
{
	uint8_t g[1200] = {0xc0, 0x1a, 0x2a, 0x3a, 0x4a, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0};
	uint8_t vn[] = {0x80, 0, 0, 0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 1};
	open_flow();
	ck_assert_int_eq(feed(1, g, sizeof(g)), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "quic.version_name"), "greased");
	ck_assert_str_eq(fh_str(&ff, "quic.version"), "0x1a2a3a4a");
	/* Regression (vn_hides_version): the server's VN replaced the version
	 * the client had asked for; it names the flow's version only when it
	 * is all there is (a one-sided capture) */
	ck_assert_int_eq(feed(0, vn, sizeof(vn)), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "quic.version_name"), "greased");
	ck_assert_str_eq(fh_str(&ff, "quic.version"), "0x1a2a3a4a");
	ck_assert_int_eq(feed_hex(1, rfc9001_client_initial), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "quic.version_name"), "QUICv1");
	ck_assert_str_eq(fh_str(&ff, "quic.sni"), "example.com");
	close_flow();
}
END_TEST

START_TEST(test_version_names)
{
	static const struct {
		uint32_t v;
		const char *name;
	} t[] = {
		{0xff00001b, "draft-27"}, {0xff00001d, "draft-29"}, {0xff000022, "draft-34"},
		{0x51303530, "Q050"}, {0x54303531, "T051"}, {0x51303436, "Q046"},
		{0xfaceb001, "mvfst-1"}, {0xfaceb002, "mvfst-2"}, {0xfaceb00e, "mvfst-exp"},
		{0x709a50c4, "QUICv2-draft"},
		{0xff000016, "draft-22"}, {0xff000015, "draft-21"},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		uint8_t b[1200] = {0xc3, (uint8_t)(t[i].v >> 24), (uint8_t)(t[i].v >> 16),
				   (uint8_t)(t[i].v >> 8), (uint8_t)t[i].v, 8, 1, 2, 3, 4, 5, 6, 7, 8,
				   0, 0, 0x44, 0x9e};
		open_flow();
		enum nl_verdict v = feed(1, b, sizeof(b));
		ck_assert_int_eq(v, NL_NEED_MORE);
		ck_assert_str_eq(fh_str(&ff, "quic.version_name"), t[i].name);
		ck_assert_str_eq(ff.f.state, "QUIC_INITIAL");
		close_flow();
	}
}
END_TEST

/* Drafts 33-34 use the v1 salt, 29-32 theirs, 23-28 and mvfst 002/00e
 * theirs, 21-22 and mvfst 001 theirs. Regression (mvfst_salts): mvfst 001
 * was opened with the draft-23 salt and 00e was not known at all. */
START_TEST(test_draft_and_mvfst_salts)
{
	static const struct {
		uint32_t v;
		enum nlq_salt salt;
	} t[] = {
		{0xff000022, NLQ_SALT_V1}, {0xff000020, NLQ_SALT_D29}, {0xff00001b, NLQ_SALT_D23},
		{0xfaceb002, NLQ_SALT_D23}, {0xfaceb00e, NLQ_SALT_D23}, {0xfaceb001, NLQ_SALT_D22},
		{0xff000016, NLQ_SALT_D22},
	};
	uint8_t f[600], pkt[1400];
	size_t fn = unhex(rfc_client_crypto_frame, f, sizeof(f));
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		open_flow();
		size_t n = build_initial(pkt, t[i].v, t[i].salt, 0, 0, rfc_dcid, 8, rfc_dcid, 8, 0, f, fn,
					 1100);
		ck_assert_int_eq(feed(1, pkt, n), NL_NEED_MORE);
		ck_assert_str_eq(fh_str(&ff, "quic.sni"), "example.com");
		close_flow();
	}
}
END_TEST

/* A Google QUIC-crypto CHLO (little-endian): 2 tags, PAD (3 bytes) and
 * SNI ("g.example"), their values after the table. */
static const uint8_t gquic_chlo[] = {
	'C', 'H', 'L', 'O', 0x02, 0x00, 0x00, 0x00,
	'P', 'A', 'D', 0x00, 0x03, 0x00, 0x00, 0x00,
	'S', 'N', 'I', 0x00, 0x0c, 0x00, 0x00, 0x00,
	'-', '-', '-', 'g', '.', 'e', 'x', 'a', 'm', 'p', 'l', 'e',
};

/* Regression (google_tls_initials): T050 and T051 (Chrome's TLS-based
 * Google QUIC) were only named; their Initials are IETF packets with salts
 * of their own holding Google frames, the ClientHello in CRYPTO 0x08. */
START_TEST(test_google_t05x_initials)
{
	static const struct {
		uint32_t v;
		enum nlq_salt salt;
		const char *name;
	} t[] = {
		{0x54303531, NLQ_SALT_T51, "T051"},
		{0x54303530, NLQ_SALT_T50, "T050"},
	};
	uint8_t f[600], pkt[1400];
	size_t fn = unhex(rfc_client_crypto_frame, f, sizeof(f));
	ck_assert_uint_eq(f[0], 0x06);
	f[0] = 0x08;	/* same offset and length varints, Google's type */
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		open_flow();
		size_t n = build_initial(pkt, t[i].v, t[i].salt, 0, 0, rfc_dcid, 8, rfc_dcid, 8, 0, f, fn,
					 1100);
		ck_assert_int_eq(feed(1, pkt, n), NL_NEED_MORE);
		ck_assert_str_eq(fh_str(&ff, "quic.version_name"), t[i].name);
		ck_assert_str_eq(fh_str(&ff, "quic.sni"), "example.com");
		ck_assert_str_eq(ff.f.state, "QUIC_INITIAL");
		ck_assert_int_eq(ff.f.errors, 0);
		close_flow();
	}
	/* IETF frame types mean something else there: an IETF CRYPTO frame
	 * (0x06, Google's BLOCKED) ends the walk, and nothing is read */
	f[0] = 0x06;
	open_flow();
	size_t n = build_initial(pkt, 0x54303531, NLQ_SALT_T51, 0, 0, rfc_dcid, 8, rfc_dcid, 8, 0, f, fn,
				 1100);
	ck_assert_int_eq(feed(1, pkt, n), NL_NEED_MORE);
	ck_assert_ptr_null(fh_str(&ff, "quic.sni"));
	close_flow();
}
END_TEST

/* Google CONNECTION_CLOSE (0x02: u32 error, u16 reason length, reason) in a
 * server's T051 Initial; a Q050 CHLO is not TLS and is left alone. */
START_TEST(test_google_close_and_q050)
{
	uint8_t f[600], pkt[1400];
	size_t fn = unhex(rfc_client_crypto_frame, f, sizeof(f));
	f[0] = 0x08;
	open_flow();
	size_t n = build_initial(pkt, 0x54303531, NLQ_SALT_T51, 0, 0, rfc_dcid, 8, rfc_dcid, 8, 0, f, fn,
				 1100);
	ck_assert_int_eq(feed(1, pkt, n), NL_NEED_MORE);
	static const uint8_t cc[] = {0x02, 0x00, 0x00, 0x00, 0x1d, 0x00, 0x03, 'b', 'y', 'e'};
	n = build_initial(pkt, 0x54303531, NLQ_SALT_T51, 0, 1, rfc_dcid, 8, rfc_dcid, 8, 0, cc,
			  sizeof(cc), 100);
	ck_assert_int_eq(feed(0, pkt, n), NL_DONE);
	ck_assert_str_eq(fh_str(&ff, "quic.close_error"), "0x1d");
	ck_assert_str_eq(ff.f.state, "QUIC_CLOSED");
	close_flow();

	/* Q050: Google CRYPTO frame holding a CHLO with its SNI tag */
	uint8_t frame[64] = {0x08, 0x00, 0};
	frame[2] = (uint8_t)sizeof(gquic_chlo);
	memcpy(frame + 3, gquic_chlo, sizeof(gquic_chlo));
	open_flow();
	n = build_initial(pkt, 0x51303530, NLQ_SALT_Q50, 0, 0, rfc_dcid, 8, rfc_dcid, 8, 0, frame,
			  3 + sizeof(gquic_chlo), 1100);
	ck_assert_int_eq(feed(1, pkt, n), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "quic.version_name"), "Q050");
	ck_assert_str_eq(fh_str(&ff, "quic.sni"), "g.example");
	ck_assert_int_eq(ff.f.errors, 0);
	close_flow();
}
END_TEST

/* Regression (gquic_clear_chlo): the SNI of older Google QUIC's clear-text
 * CHLO (Q043 public header, Q046 long header), as tshark's gquic.tag.sni;
 * a CHLO cut short or with its tags out of order gives none, and no byte
 * past the datagram is read at any cut. */
START_TEST(test_gquic_clear_chlo)
{
	/* flags 0x0d (version, 8-byte CID, 1-byte packet number), CID, version,
	 * packet number, 12-byte hash, STREAM frame (0xa0: data length) of
	 * stream 1 at offset 0 */
	uint8_t q43[200] = {0x0d, 1, 2, 3, 4, 5, 6, 7, 8, 'Q', '0', '4', '3', 0x01};
	size_t at = 14 + 12;
	q43[at++] = 0xa0;
	q43[at++] = 0x01;
	q43[at++] = 0x00;
	q43[at++] = (uint8_t)sizeof(gquic_chlo);
	memcpy(q43 + at, gquic_chlo, sizeof(gquic_chlo));
	size_t end = at + sizeof(gquic_chlo);
	open_flow();
	ck_assert_int_eq(feed(1, q43, sizeof(q43)), NL_DONE);
	ck_assert_str_eq(fh_str(&ff, "quic.sni"), "g.example");
	ck_assert_str_eq(ff.f.state, "QUIC_INITIAL");
	close_flow();

	/* Q046: long header, DCID/SCID lengths packed in one byte, 4-byte packet number */
	uint8_t q46[200] = {0xc3, 'Q', '0', '4', '6', 0x50, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 1, 0xa0, 0x01,
			    0x00, (uint8_t)sizeof(gquic_chlo)};
	memcpy(q46 + 22, gquic_chlo, sizeof(gquic_chlo));
	open_flow();
	feed(1, q46, sizeof(q46));
	ck_assert_str_eq(fh_str(&ff, "quic.version_name"), "Q046");
	ck_assert_str_eq(fh_str(&ff, "quic.sni"), "g.example");
	close_flow();

	for (size_t cut = 0; cut < end; cut++) {	/* every truncation: no SNI */
		open_flow();
		feed(1, q43, cut);
		ck_assert_ptr_null(fh_str(&ff, "quic.sni"));
		ck_assert_int_eq(ff.f.errors, 0);
		close_flow();
	}
	uint8_t bad[200];
	memcpy(bad, q43, sizeof(bad));
	memcpy(bad + at + 8, "VER", 4);	/* the first tag now sorts after SNI */
	open_flow();
	feed(1, bad, sizeof(bad));
	ck_assert_ptr_null(fh_str(&ff, "quic.sni"));
	close_flow();
}
END_TEST

START_TEST(test_legacy_gquic_q043)
{
	uint8_t b[1350] = {0x0d, 1, 2, 3, 4, 5, 6, 7, 8, 'Q', '0', '4', '3', 0x01};
	open_flow();
	ck_assert_int_eq(feed(1, b, sizeof(b)), NL_DONE);
	ck_assert_str_eq(fh_str(&ff, "quic.version_name"), "Q043");
	ck_assert_str_eq(fh_str(&ff, "quic.version"), "0x51303433");
	close_flow();
}
END_TEST

/* Handshake packets, then short headers: HANDSHAKE then CONNECTED; never
 * back to INITIAL after that. */
START_TEST(test_state_order)
{
	uint8_t hs[40] = {0xe0, 0, 0, 0, 1, 0, 0, 0x14};
	uint8_t sh[40] = {0x41, 1, 2, 3};
	open_flow();
	ck_assert_int_eq(feed_hex(1, rfc9001_client_initial), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "QUIC_INITIAL");
	ck_assert_int_eq(feed(0, hs, 28), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "QUIC_HANDSHAKE");
	ck_assert_int_eq(feed(1, sh, sizeof(sh)), NL_NEED_MORE);	/* no server Initial yet */
	ck_assert_str_eq(ff.f.state, "QUIC_CONNECTED");
	ck_assert_int_eq(feed_hex(1, rfc9001_client_initial), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "QUIC_CONNECTED");
	close_flow();
}
END_TEST

START_TEST(test_budget)
{
	uint8_t hs[28] = {0xe0, 0, 0, 0, 1, 0, 0, 0x14};
	open_flow();
	for (int i = 1; i < 12; i++)
		ck_assert_int_eq(feed(1, hs, sizeof(hs)), NL_NEED_MORE);
	ck_assert_int_eq(feed(1, hs, sizeof(hs)), NL_DONE);
	close_flow();
}
END_TEST

/* ---- not QUIC ---- */

START_TEST(test_not_mine_dns)
{
	static const uint8_t dns[] = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0, 7, 'e', 'x',
				      'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1};
	open_flow();
	ck_assert_int_eq(feed(1, dns, sizeof(dns)), NL_NOT_MINE);
	close_flow();
	/* a DNS response whose ID has the top bits set */
	uint8_t resp[sizeof(dns)];
	memcpy(resp, dns, sizeof(dns));
	resp[0] = 0xc4, resp[2] = 0x81, resp[3] = 0x80;
	open_flow();
	ck_assert_int_eq(feed(0, resp, sizeof(resp)), NL_NOT_MINE);
	close_flow();
}
END_TEST

START_TEST(test_not_mine_tls_over_tcp)
{
	uint8_t rec[300] = {0x16, 0x03, 0x01, 0x01, 0x00, 0x01, 0x00, 0x00, 0xfc, 0x03, 0x03};
	open_flow();
	ck_assert_int_eq(fh_feed(&ff, NL_TCP, 1, 50000, 443, rec, sizeof(rec), 0), NL_NOT_MINE);
	close_flow();
	open_flow();
	ck_assert_int_eq(feed(1, rec, sizeof(rec)), NL_NOT_MINE);
	close_flow();
	/* even a real QUIC Initial over TCP */
	uint8_t b[1300];
	size_t n = unhex(rfc9001_client_initial, b, sizeof(b));
	open_flow();
	ck_assert_int_eq(fh_feed(&ff, NL_TCP, 1, 50000, 443, b, n, 0), NL_NOT_MINE);
	close_flow();
}
END_TEST

START_TEST(test_not_mine_short_header_first)
{
	open_flow();
	ck_assert_int_eq(feed_hex(1, rfc9001_short), NL_NOT_MINE);
	close_flow();
	open_flow();
	ck_assert_int_eq(feed(1, NULL, 0), NL_NOT_MINE);
	close_flow();
}
END_TEST

START_TEST(test_not_mine_random)
{
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	uint8_t b[1400];
	int claimed = 0;
	for (int i = 0; i < 2000; i++) {
		size_t n = 1 + i % 1400;
		for (size_t j = 0; j < n; j++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			b[j] = (uint8_t)x;
		}
		open_flow();
		enum nl_verdict v = feed(i & 1, b, n);
		if (v != NL_NOT_MINE)
			claimed++;
		ck_assert_ptr_null(fh_str(&ff, "quic.sni"));
		close_flow();
	}
	ck_assert_int_eq(claimed, 0);
}
END_TEST

/* Random bytes behind a valid v1 long header prefix: exercises the header
 * and decryption paths; nothing may crash or be extracted. */
START_TEST(test_random_behind_v1_header)
{
	uint64_t x = 0x1234567887654321ULL;
	uint8_t b[1400];
	for (int i = 0; i < 3000; i++) {
		size_t n = 6 + i % 1390;
		for (size_t j = 0; j < n; j++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			b[j] = (uint8_t)x;
		}
		b[0] |= 0xc0;
		b[1] = 0, b[2] = 0, b[3] = 0, b[4] = 1;
		b[5] &= 0x0f;
		open_flow();
		feed(i & 1, b, n);
		feed(!(i & 1), b, n);
		ck_assert_ptr_null(fh_str(&ff, "quic.sni"));
		close_flow();
	}
}
END_TEST

static Suite *quic_suite(void)
{
	Suite *s = suite_create("quic");
	TCase *t;

	t = tcase_create("descriptor");
	tcase_add_test(t, test_descriptor);
	suite_add_tcase(s, t);

	t = tcase_create("rfc");
	tcase_add_test(t, test_rfc9001_a1_keys);
	tcase_add_test(t, test_rfc9369_a1_keys);
	tcase_add_test(t, test_builder_matches_rfc);
	tcase_add_test(t, test_rfc9001_a2_client_initial);
	tcase_add_test(t, test_rfc9001_a3_server_initial);
	tcase_add_test(t, test_rfc9001_a3_server_bad_tag);
	tcase_add_test(t, test_server_initial_alone);
	tcase_add_test(t, test_rfc9369_a2_client_initial);
	tcase_add_test(t, test_v2_packet_relabelled_v1);
	suite_add_tcase(s, t);

	t = tcase_create("captures");
	tcase_add_test(t, test_cap_basic);
	tcase_add_test(t, test_cap_retry);
	tcase_add_test(t, test_cap_retry_server_initial_uses_new_dcid);
	tcase_add_test(t, test_regress_grease_quic_bit_server_initial);
	tcase_add_test(t, test_regress_grease_quic_bit_short_header);
	tcase_add_test(t, test_cap_draft29);
	tcase_add_test(t, test_cap_close);
	tcase_add_test(t, test_cap_bighello_two_datagrams);
	tcase_add_test(t, test_cap_v2draft);
	tcase_add_test(t, test_idle_timeout_told_to_the_host);
	tcase_add_test(t, test_cap_vn);
	suite_add_tcase(s, t);

	t = tcase_create("hostile");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, test_every_truncation_of_client_initial);
	tcase_add_test(t, test_every_truncation_of_server_datagram);
	tcase_add_test(t, test_corrupted_tag);
	tcase_add_test(t, test_every_single_byte_flip);
	tcase_add_test(t, test_lying_length_varint);
	tcase_add_test(t, test_lying_token_length);
	tcase_add_test(t, test_cid_too_long);
	tcase_add_test(t, test_endless_coalesced_chain);
	tcase_add_test(t, test_trailing_zero_padding);
	tcase_add_test(t, test_huge_ack_range_count);
	tcase_add_test(t, test_ack_then_crypto);
	tcase_add_test(t, test_lying_crypto_length);
	tcase_add_test(t, test_crypto_offset_past_buffer);
	tcase_add_test(t, test_crypto_out_of_order_and_overlap);
	tcase_add_test(t, test_close_transport_no_error);
	tcase_add_test(t, test_close_application);
	tcase_add_test(t, test_close_lying_reason_length);
	tcase_add_test(t, test_unknown_frame_stops_walk);
	tcase_add_test(t, test_crypto_not_client_hello);
	tcase_add_test(t, test_hostile_client_hello);
	suite_add_tcase(s, t);

	t = tcase_create("versions");
	tcase_add_test(t, test_version_negotiation);
	tcase_add_test(t, test_greased_then_vn_then_v1);
	tcase_add_test(t, test_version_names);
	tcase_add_test(t, test_draft_and_mvfst_salts);
	tcase_add_test(t, test_draft_initial_secrets);
	tcase_add_test(t, test_google_t05x_initials);
	tcase_add_test(t, test_google_close_and_q050);
	tcase_add_test(t, test_gquic_clear_chlo);
	tcase_add_test(t, test_legacy_gquic_q043);
	tcase_add_test(t, test_state_order);
	tcase_add_test(t, test_budget);
	suite_add_tcase(s, t);

	t = tcase_create("not_mine");
	tcase_set_timeout(t, 60);
	tcase_add_test(t, test_not_mine_dns);
	tcase_add_test(t, test_not_mine_tls_over_tcp);
	tcase_add_test(t, test_not_mine_short_header_first);
	tcase_add_test(t, test_not_mine_random);
	tcase_add_test(t, test_random_behind_v1_header);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(quic_suite());
	int failed;
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
