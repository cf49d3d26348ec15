/*
 * stun.c - STUN and TURN dissector plugin for netlens.
 *
 * RFC 8489 (STUN, was RFC 5389), RFC 8656 (TURN, was RFC 5766) and
 * RFC 6062 (TURN TCP allocations) methods; RFC 3489 ("classic" STUN,
 * without the magic cookie) on ports 3478 and 3479 only.
 *
 * Header (RFC 8489 §5), 20 bytes, then attributes:
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |0 0|     STUN Message Type     |         Message Length        |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                   Magic Cookie = 0x2112A442                   |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                Transaction ID (96 bits, 12 bytes)             |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *  Message Type: M11..M7 C1 M6..M4 C0 M3..M0 (14 bits: a 12-bit method,
 *  a 2-bit class: 0 request, 1 indication, 2 success, 3 error response).
 *  Message Length: bytes after the header, a multiple of 4.
 *
 * Attribute (§14): Type (16), Length (16: of the value, without padding),
 * Value, padded with 0-3 bytes to a multiple of 4.
 *
 *  XOR-MAPPED-ADDRESS (0x0020), XOR-RELAYED-ADDRESS (0x0016):
 *    0x00, family (1 IPv4, 2 IPv6), X-Port (port ^ 0x2112),
 *    X-Address (IPv4 ^ cookie; IPv6 ^ cookie || transaction id)
 *  MAPPED-ADDRESS (0x0001): the same, not XORed (RFC 3489 servers)
 *  ERROR-CODE (0x0009): 21 reserved bits, class (3), number (8), reason
 *  SOFTWARE (0x8022), REALM (0x0014): UTF-8 text
 *
 * Recognition. STUN is often on random ports (ICE checks between peers,
 * TURN relayed ports), so it is claimed on any port, but only on a strong
 * signature, checked cheapest first: the magic cookie at offset 4, the two
 * top bits 0, a length that is a multiple of 4 and (UDP) the datagram's
 * length - 20, and attributes that walk exactly to the end of the message
 * (each in bounds, padded to 4, at most STUN_MAX_ATTRS). A classic RFC 3489
 * message (no cookie: its 128-bit transaction id starts at offset 4) is
 * taken only with 3478 or 3479 (RFC 3489 servers' alternate port, where
 * Zoom's clients send too) as a port, one of the six RFC 3489 message
 * types, and the same walk.
 *
 * A flow proven STUN often goes on carrying other things on the same
 * 5-tuple: ICE is followed by DTLS and SRTP/RTP, a TURN client's data goes
 * as ChannelData (first byte 0x40-0x7f). Those datagrams are passed over
 * (NL_NEED_MORE, to the end of the budget), keeping the STUN results; a
 * later STUN message (consent freshness, a Refresh) is still read. A
 * datagram with the cookie that does not walk is MALFORMED on a proven flow
 * or on port 3478, NOT_MINE elsewhere.
 *
 * TCP (RFC 8489 §6.2.2, RFC 8656 §12.5): the stream mode, each direction a
 * sequence of self-delimiting messages, and (TURN) ChannelData frames of a
 * 4-byte header and data padded to 4, walked like dns.c walks DNS over TCP
 * and consumed (ABI 1.1). Anything else once a stream is proven (the raw
 * data of an RFC 6062 data connection after ConnectionBind) ends the
 * reading of that direction: a stream cannot be resynchronised.
 *
 * Fields are those of the last message read, except: mapped_address is the
 * last success response's, relayed_address the last Allocate success's,
 * error_code/error_reason the last error response's, software and realm
 * the last seen. USERNAME, NONCE, MESSAGE-INTEGRITY and passwords are not
 * read (privacy; they identify a user or are secrets).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include <netlens/dissector.h>

#define STUN_HDR_LEN 20
#define STUN_COOKIE 0x2112A442u
#define STUN_MAX_ATTRS 128	/* attributes walked per message; real ones have < 20 */
#define STUN_MAX_TCP_MSGS 32	/* messages/frames walked per TCP delivery */
#define STUN_BUDGET 16		/* datagrams (TCP: deliveries) offered per flow */

#define STUN_PORT 3478
#define STUN_ALT_PORT 3479	/* RFC 5780 alternate port */
#define STUNS_PORT 5349		/* over TLS/DTLS: TLS's, we see ciphertext */
#define GOOGLE_STUN_PORT 19302

/* Attribute types. */
#define A_MAPPED_ADDRESS 0x0001
#define A_ERROR_CODE 0x0009
#define A_LIFETIME 0x000d	/* TURN (RFC 8656 §18.2): the allocation's, seconds */
#define A_XOR_RELAYED_ADDRESS 0x0016
#define A_REALM 0x0014
#define A_XOR_MAPPED_ADDRESS 0x0020
#define A_SOFTWARE 0x8022

/* Classes. */
enum { C_REQUEST = 0, C_INDICATION = 1, C_SUCCESS = 2, C_ERROR = 3 };

/* Methods (RFC 8489, RFC 8656, RFC 6062). */
#define M_BINDING 0x001
#define M_ALLOCATE 0x003
#define M_REFRESH 0x004

#define STUN_IDLE_S 30		/* the descriptor's idle timeout (RustNet's) */

enum stun_field {
	F_METHOD, F_CLASS, F_TXID, F_SOFTWARE, F_MAPPED, F_ERROR_CODE, F_ERROR_REASON, F_REALM,
	F_RELAYED, F_COUNT
};

static const struct nl_field stun_fields[F_COUNT] = {
	{ F_METHOD, NL_FIELD_STR, 0, "stun.method", "Method" },
	{ F_CLASS, NL_FIELD_STR, 0, "stun.class", "Class" },
	{ F_TXID, NL_FIELD_STR, 0, "stun.transaction_id", "Transaction ID" },
	{ F_SOFTWARE, NL_FIELD_STR, 0, "stun.software", "Software" },
	{ F_MAPPED, NL_FIELD_STR, 0, "stun.mapped_address", "Mapped address" },
	{ F_ERROR_CODE, NL_FIELD_U64, 0, "stun.error_code", "Error code" },
	{ F_ERROR_REASON, NL_FIELD_STR, 0, "stun.error_reason", "Error reason" },
	{ F_REALM, NL_FIELD_STR, 0, "stun.realm", "Realm" },
	{ F_RELAYED, NL_FIELD_STR, 0, "stun.relayed_address", "Relayed address" },
};

/* stun_state.flags */
#define SF_PROVEN 0x01		/* a whole STUN message was read */
#define SF_STOP_S 0x02		/* TCP: nothing more to read from the server */
#define SF_STOP_C 0x04		/* ... from the client */

struct stun_state {
	uint32_t consumed[2];	/* TCP: bytes of whole messages handled, by from_client
				 * (0 again after consume under ABI 1.1) */
	uint8_t flags;		/* SF_* */
};

/* What one message says, read before anything is shown: a message is
 * shown only once it walked cleanly. */
struct stun_msg {
	uint16_t method;
	uint8_t cls;
	uint8_t classic;	/* RFC 3489: no cookie, 16-byte transaction id */
	uint8_t txid[16];	/* 12 bytes (16 classic) */
	uint8_t cookie_txid[16];/* cookie || transaction id: the IPv6 XOR mask */
	struct nl_reader software, xor_mapped, mapped, error, realm, xor_relayed, lifetime;
	uint8_t has;		/* H_* */
};

#define H_SOFTWARE 0x01
#define H_XOR_MAPPED 0x02
#define H_MAPPED 0x04
#define H_ERROR 0x08
#define H_REALM 0x10
#define H_XOR_RELAYED 0x20
#define H_LIFETIME 0x40

enum parse { P_OK, P_MORE, P_NOT, P_BAD };

static int hinted(const struct nl_payload *p)
{
	return p->src_port == STUN_PORT || p->dst_port == STUN_PORT || p->src_port == STUN_ALT_PORT ||
	       p->dst_port == STUN_ALT_PORT || p->src_port == GOOGLE_STUN_PORT ||
	       p->dst_port == GOOGLE_STUN_PORT;
}

static int classic_port(const struct nl_payload *p)
{
	return p->src_port == STUN_PORT || p->dst_port == STUN_PORT || p->src_port == STUN_ALT_PORT ||
	       p->dst_port == STUN_ALT_PORT;
}

/* The six message types of RFC 3489 §11.1. */
static int classic_type(uint16_t t)
{
	return t == 0x0001 || t == 0x0101 || t == 0x0111 || t == 0x0002 || t == 0x0102 || t == 0x0112;
}

/*
 * Walks the attributes of a message body (exactly len bytes, in a): every
 * one in bounds and padded to 4, ending exactly at the end. Keeps a
 * sub-reader over the first of each attribute it shows. P_OK or P_NOT.
 */
static enum parse walk_attrs(struct nl_reader a, struct stun_msg *m)
{
	unsigned n = 0;
	while (nl_reader_left(&a) > 0) {
		if (++n > STUN_MAX_ATTRS)
			return P_NOT;
		uint16_t type = nl_get_be16(&a);
		uint16_t alen = nl_get_be16(&a);
		if (!nl_reader_ok(&a))
			return P_NOT;
		size_t padded = ((size_t)alen + 3) & ~(size_t)3;
		if (padded > nl_reader_left(&a)) {
			/* WhatsApp's and Teams' TURN clients leave the last
			 * attribute unpadded, the message length saying so:
			 * taken there only (tshark's tolerance), the walk
			 * still ending exactly at the message's end. */
			if (alen != nl_reader_left(&a))
				return P_NOT;
			padded = alen;
		}
		struct nl_reader v = nl_reader_sub(&a, alen);
		nl_reader_skip(&a, padded - alen);
		struct nl_reader *keep = NULL;
		uint8_t bit = 0;
		switch (type) {
		case A_SOFTWARE: keep = &m->software; bit = H_SOFTWARE; break;
		case A_XOR_MAPPED_ADDRESS: keep = &m->xor_mapped; bit = H_XOR_MAPPED; break;
		case A_MAPPED_ADDRESS: keep = &m->mapped; bit = H_MAPPED; break;
		case A_ERROR_CODE: keep = &m->error; bit = H_ERROR; break;
		case A_REALM: keep = &m->realm; bit = H_REALM; break;
		case A_XOR_RELAYED_ADDRESS: keep = &m->xor_relayed; bit = H_XOR_RELAYED; break;
		case A_LIFETIME: keep = &m->lifetime; bit = H_LIFETIME; break;
		default: break;
		}
		if (keep && !(m->has & bit)) {	/* the first of each: RFC 8489 §14 */
			*keep = v;
			m->has |= bit;
		}
	}
	return nl_reader_ok(&a) ? P_OK : P_NOT;
}

/*
 * One message at r, of which avail bytes are there (all of a datagram, or
 * what a TCP stream holds). datagram: the message must fill avail exactly.
 * P_OK: *m is read and *total is its size; P_MORE: a TCP message not all
 * there yet (its header looks right); P_NOT: no STUN message; P_BAD: the
 * cookie is there but the rest does not hold.
 */
static enum parse parse_msg(struct nl_reader r, int datagram, int classic_ok, struct stun_msg *m,
			    size_t *total)
{
	uint8_t h[STUN_HDR_LEN];
	if (!datagram && !nl_reader_has(&r, sizeof(h))) {
		/* A TCP stream's first bytes: wait for the header only while
		 * what is there can begin one (text, TLS records' later bytes
		 * and most binary protocols are turned down at once). */
		static const uint8_t cookie[4] = { 0x21, 0x12, 0xa4, 0x42 };
		uint8_t c;
		if (nl_peek_u8(&r, 0, &c) == 0 && (c & 0xc0))
			return P_NOT;
		for (size_t i = 0; i < 4 && !classic_ok; i++)
			if (nl_peek_u8(&r, 4 + i, &c) == 0 && c != cookie[i])
				return P_NOT;
		return P_MORE;
	}
	if (nl_get_bytes(&r, h, sizeof(h)) < 0)
		return P_NOT;
	uint32_t cookie = nl_span_be32(h, 4);
	uint16_t type = nl_span_be16(h, 0), len = nl_span_be16(h, 2);
	int classic = 0;
	/* Not the top bits 00: RTP/SRTP, ChannelData (0x40-0x7f), never
	 * broken STUN, whatever bytes 4-7 hold. */
	if (type & 0xc000)
		return P_NOT;
	if (cookie != STUN_COOKIE) {
		/* cheapest first: most datagrams offered end here */
		if (!classic_ok || !classic_type(type))
			return P_NOT;
		classic = 1;
	}
	/* RFC 8489 lengths are multiples of 4; one that is not is let
	 * through to the walk, which takes it only when the last attribute
	 * alone lacks its padding (WhatsApp's TURN). */
	if ((len & 3) && classic)
		return P_NOT;
	if (datagram ? len != nl_reader_left(&r) : len > nl_reader_left(&r)) {
		if (!datagram && len <= NL_MAX_STREAM - STUN_HDR_LEN)
			return P_MORE;
		return classic ? P_NOT : P_BAD;
	}
	memset(m, 0, sizeof(*m));
	m->method = (uint16_t)((type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2));
	m->cls = (uint8_t)(((type & 0x0010) >> 4) | ((type & 0x0100) >> 7));
	m->classic = (uint8_t)classic;
	memcpy(m->cookie_txid, h + 4, 16);
	if (classic)
		memcpy(m->txid, h + 4, 16);
	else
		memcpy(m->txid, h + 8, 12);
	if (walk_attrs(nl_reader_sub(&r, len), m) != P_OK)
		return classic ? P_NOT : P_BAD;
	*total = STUN_HDR_LEN + (size_t)len;
	return P_OK;
}

/* Names as tshark shows stun.type.method. */
static const char *method_name(uint16_t method)
{
	switch (method) {
	case 0x001: return "Binding";
	case 0x002: return "SharedSecret";	/* RFC 3489 only */
	case 0x003: return "Allocate";
	case 0x004: return "Refresh";
	case 0x006: return "Send";
	case 0x007: return "Data";
	case 0x008: return "CreatePermission";
	case 0x009: return "Channel-Bind";	/* tshark's spelling */
	case 0x00a: return "Connect";
	case 0x00b: return "ConnectionBind";
	case 0x00c: return "ConnectionAttempt";
	default: return NULL;
	}
}

/* Names as tshark shows stun.type.class. */
static const char *const class_names[4] = { "Request", "Indication", "Success Response",
					    "Error Response" };
static const char *const class_labels[4] = { "STUN_REQUEST", "STUN_INDICATION", "STUN_SUCCESS",
					     "STUN_ERROR" };

/* Copies an attribute's text (at most NL_MAX_STR bytes) into a field, up
 * to a NUL: coturn's reason phrases carry NULs as padding inside the
 * attribute's length ("Unsupported address family\0\0"), and tshark ends
 * the string there too. */
static void set_text(const struct nl_host_api *api, struct nl_flow *flow, uint16_t field,
		     struct nl_reader v)
{
	char buf[NL_MAX_STR];
	size_t n = 0;
	uint8_t c;
	while (n < sizeof(buf) && nl_peek_u8(&v, n, &c) == 0 && c != 0)
		n++;
	if (nl_get_bytes(&v, buf, n) == 0)
		api->set_str(flow, field, buf, n);
}

/* An address attribute as "ip:port" or "[v6]:port"; xor: undo the XOR
 * with the cookie (and transaction id). Nothing for a family or length
 * that does not fit. */
static void set_addr(const struct nl_host_api *api, struct nl_flow *flow, uint16_t field,
		     struct nl_reader v, int xor, const struct stun_msg *m)
{
	char ip[INET6_ADDRSTRLEN], out[INET6_ADDRSTRLEN + 10];
	uint8_t a[16];
	nl_get_u8(&v);	/* reserved */
	uint8_t family = nl_get_u8(&v);
	uint16_t port = nl_get_be16(&v);
	size_t alen = family == 1 ? 4 : family == 2 ? 16 : 0;
	if (!alen || nl_reader_left(&v) != alen || nl_get_bytes(&v, a, alen) < 0)
		return;
	if (xor) {
		port ^= (uint16_t)(STUN_COOKIE >> 16);
		for (size_t i = 0; i < alen; i++)
			a[i] ^= m->cookie_txid[i];
	}
	if (!inet_ntop(family == 1 ? AF_INET : AF_INET6, a, ip, sizeof(ip)))
		return;
	int n = snprintf(out, sizeof(out), family == 1 ? "%s:%u" : "[%s]:%u", ip, (unsigned)port);
	if (n > 0 && (size_t)n < sizeof(out))
		api->set_str(flow, field, out, (size_t)n);
}

/* Shows a message that walked cleanly. */
static void show(const struct nl_host_api *api, struct nl_flow *flow, const struct stun_msg *m)
{
	static const char hex[] = "0123456789abcdef";
	char buf[40];
	const char *name = method_name(m->method);
	if (name) {
		api->set_str(flow, F_METHOD, name, strlen(name));
	} else {
		int n = snprintf(buf, sizeof(buf), "0x%03x", (unsigned)m->method);
		api->set_str(flow, F_METHOD, buf, (size_t)n);
	}
	api->set_str(flow, F_CLASS, class_names[m->cls], strlen(class_names[m->cls]));
	size_t idlen = m->classic ? 16 : 12;
	for (size_t i = 0; i < idlen; i++) {
		buf[2 * i] = hex[m->txid[i] >> 4];
		buf[2 * i + 1] = hex[m->txid[i] & 15];
	}
	api->set_str(flow, F_TXID, buf, 2 * idlen);
	if (m->has & H_SOFTWARE)
		set_text(api, flow, F_SOFTWARE, m->software);
	if (m->has & H_REALM)
		set_text(api, flow, F_REALM, m->realm);
	if (m->cls == C_SUCCESS) {
		/* The reflexive address: XOR-MAPPED, or MAPPED from an
		 * RFC 3489 server (a classic message has no cookie to XOR
		 * with). */
		if ((m->has & H_XOR_MAPPED) && !m->classic)
			set_addr(api, flow, F_MAPPED, m->xor_mapped, 1, m);
		else if (m->has & H_MAPPED)
			set_addr(api, flow, F_MAPPED, m->mapped, 0, m);
		if ((m->has & H_XOR_RELAYED) && !m->classic && m->method == M_ALLOCATE)
			set_addr(api, flow, F_RELAYED, m->xor_relayed, 1, m);
	}
	if (m->cls == C_ERROR && (m->has & H_ERROR)) {
		struct nl_reader e = m->error;
		nl_get_be16(&e);	/* reserved */
		uint8_t cls = nl_get_u8(&e) & 7, num = nl_get_u8(&e);
		if (nl_reader_ok(&e)) {
			api->set_u64(flow, F_ERROR_CODE, (uint64_t)cls * 100 + num);
			set_text(api, flow, F_ERROR_REASON, nl_reader_rest(&e));
		}
	}
	api->set_state(flow, class_labels[m->cls]);
}

/*
 * A TURN server's answer to an Allocate or Refresh gives the allocation's
 * lifetime (RFC 8656 §7.2, §7.3): the client's 5-tuple with the server
 * lives that long without a packet, the client refreshing it a minute or
 * so before. The flow keeps it as its idle timeout (ABI 1.4), where STUN's
 * 30 s would close an allocation idle between Refreshes and open another
 * flow at the next one; a lifetime of 0 (deallocation) goes back to 30 s.
 * UDP only: over TCP the connection's state rules.
 */
static void allocation_timeout(const struct nl_host_api *api, struct nl_flow *flow,
			       const struct stun_msg *m)
{
	if (m->cls != C_SUCCESS || (m->method != M_ALLOCATE && m->method != M_REFRESH) ||
	    !(m->has & H_LIFETIME) || m->classic || !NL_HOST_HAS(api, set_idle_timeout))
		return;
	struct nl_reader r = m->lifetime;
	uint32_t s = nl_get_be32(&r);
	if (!nl_reader_ok(&r) || nl_reader_left(&r))
		return;		/* not 4 bytes */
	if (s > NL_MAX_IDLE_TIMEOUT_S)
		s = NL_MAX_IDLE_TIMEOUT_S;
	api->set_idle_timeout(flow, s == 0 ? 0 : s < STUN_IDLE_S ? STUN_IDLE_S : s);
}

static enum nl_verdict stun_udp(const struct nl_host_api *api, struct nl_flow *flow,
				struct stun_state *st, const struct nl_payload *p)
{
	struct stun_msg m;
	size_t total = 0;
	int proven = st->flags & SF_PROVEN;
	enum parse r = parse_msg(p->data, 1, classic_port(p), &m, &total);
	switch (r) {
	case P_OK:
		st->flags |= SF_PROVEN;
		show(api, flow, &m);
		allocation_timeout(api, flow, &m);
		return NL_NEED_MORE;
	case P_BAD:
		if (proven || hinted(p))
			return NL_MALFORMED;
		return NL_NOT_MINE;
	default:
		/* DTLS, RTP/SRTP, ChannelData after STUN on a 5-tuple: not
		 * ours, but the flow stays what STUN showed. */
		return proven ? NL_NEED_MORE : NL_NOT_MINE;
	}
}

static enum nl_verdict stun_tcp(const struct nl_host_api *api, struct nl_flow *flow,
				struct stun_state *st, const struct nl_payload *p)
{
	int dir = p->from_client ? 1 : 0;
	uint8_t stop = dir ? SF_STOP_C : SF_STOP_S;
	struct nl_reader s = nl_reader_rest(&p->data);	/* offsets from where it stands */
	size_t pos = st->consumed[dir];
	enum nl_verdict v = NL_NEED_MORE;

	if (st->flags & stop)
		goto out;
	if (pos > s.len)
		return NL_NEED_MORE;	/* the stream never shrinks; ignore */
	for (unsigned k = 0; k < STUN_MAX_TCP_MSGS && s.len - pos > 0; k++) {
		if (nl_reader_seek(&s, pos) < 0)
			return NL_MALFORMED;
		uint8_t first = 0;
		nl_peek_u8(&s, 0, &first);
		if ((st->flags & SF_PROVEN) && first >= 0x40 && first <= 0x7f) {
			/* TURN ChannelData over TCP: 4-byte header, data
			 * padded to 4 (RFC 8656 §12.5) */
			struct nl_reader c = nl_reader_rest(&s);
			nl_get_be16(&c);
			size_t clen = nl_get_be16(&c);
			size_t padded = (clen + 3) & ~(size_t)3;
			if (!nl_reader_ok(&c) || padded > nl_reader_left(&c))
				break;	/* not all here yet */
			pos += 4 + padded;
			continue;
		}
		struct stun_msg m;
		size_t total = 0;
		enum parse r = parse_msg(nl_reader_rest(&s), 0, classic_port(p), &m, &total);
		if (r == P_MORE)
			break;
		if (r != P_OK) {
			if (!(st->flags & SF_PROVEN))
				return (r == P_BAD && hinted(p)) ? NL_MALFORMED : NL_NOT_MINE;
			/* other data on a proven stream (RFC 6062 after
			 * ConnectionBind): this direction ends here */
			st->flags |= stop;
			break;
		}
		st->flags |= SF_PROVEN;
		show(api, flow, &m);
		pos += total;
	}
	st->consumed[dir] = (uint32_t)pos;
	/* The host keeps no more: a message bigger than that never completes. */
	if (!(st->flags & stop) && s.len >= NL_MAX_STREAM && pos == 0) {
		if (!(st->flags & SF_PROVEN))
			return NL_NOT_MINE;
		st->flags |= stop;
	}
out:
	/* ABI 1.1: the next call starts after what was handled; a stopped
	 * side is given up whole. */
	if (NL_HOST_HAS(api, consume)) {
		size_t done = (st->flags & stop) ? s.len : st->consumed[dir];
		if (done && api->consume(flow, done) == 0)
			st->consumed[dir] = 0;
	}
	if ((st->flags & (SF_STOP_C | SF_STOP_S)) == (SF_STOP_C | SF_STOP_S))
		v = NL_DONE;
	return v;
}

static enum nl_verdict stun_dissect(const struct nl_host_api *api, struct nl_flow *flow, void *state,
				    const struct nl_payload *p)
{
	struct stun_state *st = state;
	if (!st)
		return NL_NOT_MINE;
	if (p->src_port == STUNS_PORT || p->dst_port == STUNS_PORT)
		return NL_NOT_MINE;	/* STUN over TLS/DTLS: TLS's (ciphertext) */
	if (p->transport == NL_UDP)
		return stun_udp(api, flow, st, p);
	if (p->transport == NL_TCP)
		return stun_tcp(api, flow, st, p);
	return NL_NOT_MINE;
}

/* ---- descriptor ---------------------------------------------------------- */

static const uint16_t stun_ports[] = { STUN_PORT, STUN_ALT_PORT, STUNS_PORT, GOOGLE_STUN_PORT };

static const struct nl_dissector stun_dissector = {
	.struct_size = sizeof(struct nl_dissector),
	.abi_major = NL_ABI_MAJOR,
	.abi_minor = NL_ABI_MINOR,
	.flags = NL_DESC_STREAM,
	.transports = NL_UDP | NL_TCP,
	.name = "stun",
	.version = "1.0.0",
	.license = "MIT",
	.description = "STUN and TURN: method, class, transaction id, software, mapped and relayed addresses, errors",
	.display = "STUN",
	.port_hints = stun_ports,
	.n_port_hints = sizeof(stun_ports) / sizeof(stun_ports[0]),
	.packet_budget = STUN_BUDGET,
	.state_size = sizeof(struct stun_state),
	.fields = stun_fields,
	.n_fields = F_COUNT,
	.domain_field = -1,
	.idle_timeout_s = STUN_IDLE_S,	/* RustNet: UDP STUN 30 s */
	.init = NULL,
	.fini = NULL,
	.dissect = stun_dissect,
	.release = NULL,
};

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void);

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void)
{
	return &stun_dissector;
}
