/*
 * quic_tls.h - the TLS 1.3 ClientHello carried in QUIC CRYPTO frames
 * (RFC 8446 §4.1.2, RFC 6066 §3 server_name, RFC 7301 ALPN, RFC 9000 §18
 * transport parameters).
 */
#ifndef NETLENS_QUIC_TLS_H
#define NETLENS_QUIC_TLS_H

#include <stddef.h>
#include <stdint.h>

#include <netlens/dissector.h>

struct nlq_hello {
	char sni[NL_MAX_STR];
	size_t sni_len;			/* 0: no host_name */
	char alpn[NL_MAX_LIST][NL_MAX_STR];
	size_t alpn_len[NL_MAX_LIST];
	unsigned n_alpn;
	uint64_t idle_ms;		/* client's max_idle_timeout (0x01) */
	int has_idle;
};

/* Parses a handshake message that must be a ClientHello. r may stop short
 * of the message's declared end (a partial hello): what is complete is
 * kept. Returns 0 when the message is a ClientHello, -1 when it is not. */
int nlq_parse_client_hello(struct nl_reader r, struct nlq_hello *h);

/* Parses Google QUIC's QUIC-crypto client hello (a "CHLO" tag-value map,
 * Q043-Q050) at the start of r, filling h->sni from its SNI tag. Returns
 * the message's size when r holds all of it, 0 when r stops short of it,
 * -1 when it is not a well-formed CHLO. */
long nlq_parse_chlo(struct nl_reader r, struct nlq_hello *h);

#endif
