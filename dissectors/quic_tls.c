/*
 * quic_tls.c - extracts SNI, ALPN and the client's idle timeout from a TLS
 * 1.3 ClientHello (RFC 8446 §4.1.2) reassembled from QUIC CRYPTO frames.
 *
 *   Handshake { u8 type = 1; u24 length; ClientHello }
 *   ClientHello { u16 legacy_version; u8 random[32];
 *                 u8 len + legacy_session_id; u16 len + cipher_suites;
 *                 u8 len + compression; u16 len + extensions }
 *   Extension { u16 type; u16 len; data }
 */
#include "quic_tls.h"

#include "quic_wire.h"

#define EXT_SERVER_NAME 0x0000
#define EXT_ALPN 0x0010
#define EXT_QUIC_TP 0x0039	/* RFC 9001 §8.2 */
#define EXT_QUIC_TP_DRAFT 0xffa5	/* drafts before 33 */
#define MAX_EXTENSIONS 128
#define MAX_SNI_ENTRIES 8
#define MAX_TP 64

/* Copies len bytes (at most NL_MAX_STR kept, the rest skipped). */
static size_t copy_str(struct nl_reader *r, size_t len, char *dst)
{
	size_t keep = len < NL_MAX_STR ? len : NL_MAX_STR;
	if (nl_get_bytes(r, dst, keep) < 0)
		return 0;
	if (nl_reader_skip(r, len - keep) < 0)
		return 0;
	return keep;
}

static void parse_sni(struct nl_reader e, struct nlq_hello *h)
{
	struct nl_reader list = nl_reader_sub(&e, nl_get_be16(&e));
	for (int i = 0; i < MAX_SNI_ENTRIES && nl_reader_left(&list) >= 3; i++) {
		uint8_t type = nl_get_u8(&list);
		size_t len = nl_get_be16(&list);
		if (type == 0 && h->sni_len == 0) {
			h->sni_len = copy_str(&list, len, h->sni);
			return;
		}
		if (nl_reader_skip(&list, len) < 0)
			return;
	}
}

static void parse_alpn(struct nl_reader e, struct nlq_hello *h)
{
	struct nl_reader list = nl_reader_sub(&e, nl_get_be16(&e));
	for (int i = 0; i < NL_MAX_LIST && nl_reader_left(&list) >= 1; i++) {
		size_t len = nl_get_u8(&list);
		size_t got;
		if (len == 0 || !nl_reader_has(&list, len))
			return;
		got = copy_str(&list, len, h->alpn[h->n_alpn]);
		if (got == 0)
			return;
		h->alpn_len[h->n_alpn++] = got;
		if (h->n_alpn == NL_MAX_LIST)
			return;
	}
}

/* TransportParameter { varint id; varint length; value } (RFC 9000 §18). */
static void parse_tp(struct nl_reader e, struct nlq_hello *h)
{
	for (int i = 0; i < MAX_TP && nl_reader_left(&e) > 0; i++) {
		uint64_t id = nlq_varint(&e);
		uint64_t len = nlq_varint(&e);
		if (!nl_reader_ok(&e) || len > nl_reader_left(&e))
			return;
		struct nl_reader v = nl_reader_sub(&e, (size_t)len);
		if (id == 0x01) {
			uint64_t ms = nlq_varint(&v);
			if (nl_reader_ok(&v) && nl_reader_left(&v) == 0) {
				h->idle_ms = ms;
				h->has_idle = 1;
			}
		}
	}
}

int nlq_parse_client_hello(struct nl_reader r, struct nlq_hello *h)
{
	memset(h, 0, sizeof(*h));
	if (nl_get_u8(&r) != 1 || !nl_reader_ok(&r))
		return -1;
	struct nl_reader body = nl_reader_sub(&r, nl_get_be24(&r));
	nl_reader_skip(&body, 2 + 32);				/* legacy_version, random */
	nl_reader_skip(&body, nl_get_u8(&body));		/* legacy_session_id */
	nl_reader_skip(&body, nl_get_be16(&body));		/* cipher_suites */
	nl_reader_skip(&body, nl_get_u8(&body));		/* legacy_compression_methods */
	struct nl_reader exts = nl_reader_sub(&body, nl_get_be16(&body));

	for (int i = 0; i < MAX_EXTENSIONS && nl_reader_left(&exts) >= 4; i++) {
		uint16_t type = nl_get_be16(&exts);
		uint16_t len = nl_get_be16(&exts);
		struct nl_reader e = nl_reader_sub(&exts, len);
		if (!nl_reader_ok(&exts))
			break;		/* a partial hello: stop before the cut */
		switch (type) {
		case EXT_SERVER_NAME:
			parse_sni(e, h);
			break;
		case EXT_ALPN:
			parse_alpn(e, h);
			break;
		case EXT_QUIC_TP:
		case EXT_QUIC_TP_DRAFT:
			parse_tp(e, h);
			break;
		default:
			break;
		}
	}
	return 0;
}

/*
 * Google's QUIC-crypto handshake message (Chromium's crypto_framer),
 * little-endian:
 *
 *   u32 tag = "CHLO" | u16 n | u16 padding | n x { u32 tag, u32 end } | values
 *
 * Entry i's value is values[end(i-1), end(i)): the ends never decrease,
 * the tags (as numbers) strictly ascend. The server name is tag "SNI\0".
 */
#define CHLO_MAX_TAGS 128	/* Chrome sends about 25 */
#define TAG(a, b, c, d) ((uint32_t)(a) | (uint32_t)(b) << 8 | (uint32_t)(c) << 16 | (uint32_t)(d) << 24)

long nlq_parse_chlo(struct nl_reader r, struct nlq_hello *h)
{
	struct nl_reader start = r;
	uint32_t prev_tag = 0, prev_end = 0, sni_from = 0, sni_to = 0;
	int have_sni = 0;

	if (nl_reader_left(&r) < 8)
		return 0;
	if (nl_get_le32(&r) != TAG('C', 'H', 'L', 'O'))
		return -1;
	uint16_t n = nl_get_le16(&r);
	nl_get_le16(&r);		/* padding */
	if (n == 0 || n > CHLO_MAX_TAGS)
		return -1;
	if (nl_reader_left(&r) < (size_t)n * 8)
		return 0;
	for (unsigned i = 0; i < n; i++) {
		uint32_t tag = nl_get_le32(&r), end = nl_get_le32(&r);
		if ((i > 0 && tag <= prev_tag) || end < prev_end)
			return -1;
		if (tag == TAG('S', 'N', 'I', 0)) {
			sni_from = prev_end;
			sni_to = end;
			have_sni = 1;
		}
		prev_tag = tag;
		prev_end = end;
	}
	if (!nl_reader_ok(&r))
		return -1;
	if (prev_end > nl_reader_left(&r))
		return 0;
	if (have_sni && sni_to > sni_from) {
		struct nl_reader v = r;
		nl_reader_skip(&v, sni_from);
		h->sni_len = copy_str(&v, sni_to - sni_from, h->sni);
	}
	return (long)(nl_reader_offset(&r) - nl_reader_offset(&start)) + (long)prev_end;
}
