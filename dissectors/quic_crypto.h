/*
 * quic_crypto.h - QUIC Initial packet protection, receive side only
 * (RFC 9001 §5.2-5.4, RFC 9369 §3.3). AES-128-GCM with AES-128-ECB header
 * protection, keys from HKDF-SHA256 over the client's first Destination
 * Connection ID. libcrypto contexts live for one call; nothing is global.
 */
#ifndef NETLENS_QUIC_CRYPTO_H
#define NETLENS_QUIC_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include <netlens/reader.h>

/* The Initial salts (RFC 9001 §5.2, RFC 9369 §3.3.1, the drafts). */
enum nlq_salt {
	NLQ_SALT_V1 = 0,	/* v1, drafts 33-34 */
	NLQ_SALT_V2,		/* RFC 9369 */
	NLQ_SALT_D29,		/* drafts 29-32 */
	NLQ_SALT_D23,		/* drafts 23-28, mvfst 0xfaceb002 and 0xfaceb00e */
	NLQ_SALT_D22,		/* drafts 21-22, mvfst 0xfaceb001 */
	NLQ_SALT_V2_DRAFT,	/* draft-ietf-quic-v2-01 to -08 (0x709a50c4) */
	NLQ_SALT_Q50,		/* Google Q050 (Chromium's quic_crypto_utils) */
	NLQ_SALT_T50,		/* Google T050 */
	NLQ_SALT_T51,		/* Google T051 */
	NLQ_SALT_COUNT
};

struct nlq_keys {
	uint8_t key[16];
	uint8_t iv[12];
	uint8_t hp[16];
};

/* HKDF-Expand-Label(secret, "tls13 " label, "", out_len) with SHA-256, for
 * out_len <= 32 (one HMAC block). Returns 0 or -1. */
int nlq_expand_label(const uint8_t secret[32], const char *label, uint8_t *out, size_t out_len);

/* The Initial secret of one side ("client in" / "server in"). */
int nlq_initial_secret(enum nlq_salt salt, const uint8_t *dcid, size_t dcid_len, int server,
		       uint8_t secret[32]);

/* The key, iv and hp of one side; v2 selects the "quicv2 ..." labels. */
int nlq_initial_keys(enum nlq_salt salt, int v2, const uint8_t *dcid, size_t dcid_len, int server,
		     struct nlq_keys *k);

/* Removes header protection from one long-header packet and opens it.
 * pkt covers exactly the packet (from its first byte to the end of its
 * Length), pn_off is where the Packet Number starts. The plaintext (frames)
 * goes to out, at most cap bytes. Returns 0 with *out_len and *pn set, or
 * -1 (too short, too big for cap, or the tag does not verify). */
int nlq_open_long(const struct nlq_keys *k, struct nl_reader pkt, size_t pn_off, uint8_t *out,
		  size_t cap, size_t *out_len, uint64_t *pn);

#endif
