/*
 * quic_crypto.c - QUIC Initial packet protection, receive side
 * (RFC 9001 §5, RFC 9369 §3.3, RFC 8446 §7.1 for HKDF-Expand-Label).
 *
 *   initial_secret = HKDF-Extract(salt, client DCID)
 *   client_secret  = HKDF-Expand-Label(initial_secret, "client in", "", 32)
 *   key = Expand-Label(secret, "quic key", "", 16)   v2: "quicv2 key"
 *   iv  = Expand-Label(secret, "quic iv",  "", 12)   v2: "quicv2 iv"
 *   hp  = Expand-Label(secret, "quic hp",  "", 16)   v2: "quicv2 hp"
 *
 * Header protection: sample = 16 bytes at pn_offset + 4; mask =
 * AES-128-ECB(hp, sample); long header b0 ^= mask[0] & 0x0f; the
 * (b0 & 3) + 1 packet number bytes ^= mask[1..]. AEAD: AES-128-GCM,
 * nonce = iv ^ packet number, AAD = the unprotected header, 16-byte tag.
 */
#include "quic_crypto.h"

#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

static const uint8_t salts[NLQ_SALT_COUNT][20] = {
	[NLQ_SALT_V1] = {0x38, 0x76, 0x2c, 0xf7, 0xf5, 0x59, 0x34, 0xb3, 0x4d, 0x17,
			 0x9a, 0xe6, 0xa4, 0xc8, 0x0c, 0xad, 0xcc, 0xbb, 0x7f, 0x0a},
	[NLQ_SALT_V2] = {0x0d, 0xed, 0xe3, 0xde, 0xf7, 0x00, 0xa6, 0xdb, 0x81, 0x93,
			 0x81, 0xbe, 0x6e, 0x26, 0x9d, 0xcb, 0xf9, 0xbd, 0x2e, 0xd9},
	[NLQ_SALT_D29] = {0xaf, 0xbf, 0xec, 0x28, 0x99, 0x93, 0xd2, 0x4c, 0x9e, 0x97,
			  0x86, 0xf1, 0x9c, 0x61, 0x11, 0xe0, 0x43, 0x90, 0xa8, 0x99},
	[NLQ_SALT_D23] = {0xc3, 0xee, 0xf7, 0x12, 0xc7, 0x2e, 0xbb, 0x5a, 0x11, 0xa7,
			  0xd2, 0x43, 0x2b, 0xb4, 0x63, 0x65, 0xbe, 0xf9, 0xf5, 0x02},
	[NLQ_SALT_D22] = {0x7f, 0xbc, 0xdb, 0x0e, 0x7c, 0x66, 0xbb, 0xe9, 0x19, 0x3a,
			  0x96, 0xcd, 0x21, 0x51, 0x9e, 0xbd, 0x7a, 0x02, 0x64, 0x4a},
	[NLQ_SALT_V2_DRAFT] = {0xa7, 0x07, 0xc2, 0x03, 0xa5, 0x9b, 0x47, 0x18, 0x4a, 0x1d,
			       0x62, 0xca, 0x57, 0x04, 0x06, 0xea, 0x7a, 0xe3, 0xe5, 0xd3},
	[NLQ_SALT_Q50] = {0x50, 0x45, 0x74, 0xef, 0xd0, 0x66, 0xfe, 0x2f, 0x9d, 0x94,
			  0x5c, 0xfc, 0xdb, 0xd3, 0xa7, 0xf0, 0xd3, 0xb5, 0x6b, 0x45},
	[NLQ_SALT_T50] = {0x7f, 0xf5, 0x79, 0xe5, 0xac, 0xd0, 0x72, 0x91, 0x55, 0x80,
			  0x30, 0x4c, 0x43, 0xa2, 0x36, 0x7c, 0x60, 0x48, 0x83, 0x10},
	[NLQ_SALT_T51] = {0x7a, 0x4e, 0xde, 0xf4, 0xe7, 0xcc, 0xee, 0x5f, 0xa4, 0x50,
			  0x6c, 0x19, 0x12, 0x4f, 0xc8, 0xcc, 0xda, 0x6e, 0x03, 0x3d},
};

int nlq_expand_label(const uint8_t secret[32], const char *label, uint8_t *out, size_t out_len)
{
	/* HkdfLabel = uint16 length, opaque label<7..255> = "tls13 " + label,
	 * opaque context<0..255> = "", then T(1) = HMAC(secret, info | 0x01). */
	uint8_t info[2 + 1 + 6 + 32 + 1 + 1];
	uint8_t t[EVP_MAX_MD_SIZE];
	unsigned int tlen = 0;
	size_t llen = strlen(label);
	size_t n = 0;

	if (out_len == 0 || out_len > 32 || llen > 32)
		return -1;
	info[n++] = (uint8_t)(out_len >> 8);
	info[n++] = (uint8_t)out_len;
	info[n++] = (uint8_t)(6 + llen);
	memcpy(info + n, "tls13 ", 6);
	n += 6;
	memcpy(info + n, label, llen);
	n += llen;
	info[n++] = 0;		/* empty context */
	info[n++] = 1;		/* block counter */
	if (!HMAC(EVP_sha256(), secret, 32, info, n, t, &tlen) || tlen != 32)
		return -1;
	memcpy(out, t, out_len);
	return 0;
}

int nlq_initial_secret(enum nlq_salt salt, const uint8_t *dcid, size_t dcid_len, int server,
		       uint8_t secret[32])
{
	uint8_t initial[EVP_MAX_MD_SIZE];
	unsigned int ilen = 0;
	static const uint8_t empty[1] = {0};

	if ((unsigned)salt >= NLQ_SALT_COUNT || dcid_len > 255)
		return -1;
	if (!HMAC(EVP_sha256(), salts[salt], sizeof(salts[salt]), dcid_len ? dcid : empty, dcid_len,
		  initial, &ilen) || ilen != 32)
		return -1;
	return nlq_expand_label(initial, server ? "server in" : "client in", secret, 32);
}

int nlq_initial_keys(enum nlq_salt salt, int v2, const uint8_t *dcid, size_t dcid_len, int server,
		     struct nlq_keys *k)
{
	uint8_t secret[32];

	if (nlq_initial_secret(salt, dcid, dcid_len, server, secret) < 0)
		return -1;
	if (nlq_expand_label(secret, v2 ? "quicv2 key" : "quic key", k->key, sizeof(k->key)) < 0 ||
	    nlq_expand_label(secret, v2 ? "quicv2 iv" : "quic iv", k->iv, sizeof(k->iv)) < 0 ||
	    nlq_expand_label(secret, v2 ? "quicv2 hp" : "quic hp", k->hp, sizeof(k->hp)) < 0)
		return -1;
	return 0;
}

/* mask = AES-128-ECB(hp, sample). */
static int hp_mask(const uint8_t hp[16], const uint8_t *sample, uint8_t mask[16])
{
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	int outl = 0, ok;

	if (!ctx)
		return -1;
	ok = EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), NULL, hp, NULL) == 1 &&
	     EVP_CIPHER_CTX_set_padding(ctx, 0) == 1 &&
	     EVP_EncryptUpdate(ctx, mask, &outl, sample, 16) == 1 && outl == 16;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

struct aad_part {
	const uint8_t *p;
	size_t n;
};

static int gcm_open(const struct nlq_keys *k, uint64_t pn, const struct aad_part *aad, size_t n_aad,
		    const uint8_t *ct, size_t ct_len, const uint8_t tag[16], uint8_t *out)
{
	uint8_t nonce[12];
	uint8_t tagcopy[16];
	EVP_CIPHER_CTX *ctx;
	int outl = 0, ok;

	if (ct_len > (size_t)INT32_MAX)
		return -1;
	memcpy(nonce, k->iv, sizeof(nonce));
	for (int i = 0; i < 8; i++)
		nonce[11 - i] ^= (uint8_t)(pn >> (8 * i));
	memcpy(tagcopy, tag, sizeof(tagcopy));	/* EVP wants a non-const tag */
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return -1;
	ok = EVP_DecryptInit_ex(ctx, EVP_aes_128_gcm(), NULL, k->key, nonce) == 1;
	for (size_t i = 0; ok && i < n_aad; i++)
		if (aad[i].n)
			ok = EVP_DecryptUpdate(ctx, NULL, &outl, aad[i].p, (int)aad[i].n) == 1;
	if (ok && ct_len)
		ok = EVP_DecryptUpdate(ctx, out, &outl, ct, (int)ct_len) == 1 && (size_t)outl == ct_len;
	if (ok)
		ok = EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tagcopy) == 1;
	if (ok)
		ok = EVP_DecryptFinal_ex(ctx, out + ct_len, &outl) > 0;
	EVP_CIPHER_CTX_free(ctx);
	return ok ? 0 : -1;
}

int nlq_open_long(const struct nlq_keys *k, struct nl_reader pkt, size_t pn_off, uint8_t *out,
		  size_t cap, size_t *out_len, uint64_t *pn)
{
	struct nl_reader s = pkt;
	struct nl_reader h = pkt;
	const uint8_t *sample, *mid, *ct;
	uint8_t mask[16], b0, pnb[4], tag[16];
	size_t len = nl_reader_left(&pkt), pn_len, ct_len;
	uint64_t v = 0;
	struct aad_part aad[3];

	/* RFC 9001 §5.4.2: the sample needs 4 + 16 bytes after pn_off. */
	if (pn_off < 1 || pn_off > len || len - pn_off < 4 + 16)
		return -1;
	if (nl_reader_skip(&s, pn_off + 4) < 0 || !(sample = nl_get_span(&s, 16)))
		return -1;
	if (hp_mask(k->hp, sample, mask) < 0)
		return -1;
	b0 = (uint8_t)(nl_get_u8(&h) ^ (mask[0] & 0x0f));
	pn_len = (size_t)(b0 & 3) + 1;
	mid = nl_get_span(&h, pn_off - 1);
	for (size_t i = 0; i < pn_len; i++) {
		pnb[i] = (uint8_t)(nl_get_u8(&h) ^ mask[1 + i]);
		v = v << 8 | pnb[i];
	}
	if (!nl_reader_ok(&h) || nl_reader_left(&h) < 16)
		return -1;
	ct_len = nl_reader_left(&h) - 16;
	if (ct_len > cap)
		return -1;
	ct = nl_get_span(&h, ct_len);
	if (nl_get_bytes(&h, tag, sizeof(tag)) < 0 || !mid || (ct_len && !ct))
		return -1;
	aad[0].p = &b0;
	aad[0].n = 1;
	aad[1].p = mid;
	aad[1].n = pn_off - 1;
	aad[2].p = pnb;
	aad[2].n = pn_len;
	/* The truncated packet number serves as the full one: Initial
	 * packets are numbered from 0 and rarely pass 2^(8*pn_len-1). */
	if (gcm_open(k, v, aad, 3, ct, ct_len, tag, out) < 0)
		return -1;
	*out_len = ct_len;
	*pn = v;
	return 0;
}
