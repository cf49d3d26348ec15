/*
 * quic.c - QUIC dissector for netlens (RFC 9000 transport, RFC 9001 Initial
 * protection, RFC 9369 QUIC v2, RFC 8999 invariants).
 *
 * Long header (RFC 9000 §17.2):
 *
 *    0 1 2 3 4 5 6 7
 *   +-+-+-+-+-+-+-+-+
 *   |1|1|T T|X X X X|   form=1, fixed=1, type (v1: 0 Initial, 1 0-RTT,
 *   +-+-+-+-+-+-+-+-+   2 Handshake, 3 Retry; v2: 1, 2, 3, 0), 4 protected bits
 *   |   Version (32)                |  0 = Version Negotiation
 *   | DCID Len (8) | DCID (0..160)  |
 *   | SCID Len (8) | SCID (0..160)  |
 *   | Initial only: Token Length (varint), Token                |
 *   | Length (varint) = Packet Number + payload + 16-byte tag  |
 *   | Packet Number (8..32, protected) | Payload (AEAD)         |
 *
 * Short header (1-RTT): 0|1|S|R R|K|P P, DCID, packet number, payload.
 *
 * One call is one UDP datagram; it may hold up to NLQ_MAX_COALESCED long
 * packets in a row (RFC 9000 §12.2), the last possibly a short one. Client
 * Initials are decrypted with keys from their DCID; the client's original
 * DCID is kept in the flow state, so the server's Initials (whose DCID is
 * the client's SCID) can be decrypted too. CRYPTO frames of the client are
 * reassembled across packets and datagrams until the ClientHello is whole.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <netlens/dissector.h>

#include "quic_crypto.h"
#include "quic_frames.h"
#include "quic_tls.h"
#include "quic_wire.h"

#define NLQ_MAX_COALESCED 10	/* packets walked per datagram */
#define NLQ_BUDGET 12		/* datagrams per flow */
/* Largest Initial payload decrypted (on the stack): an Initial fills its
 * datagram, which on a jumbo-frame link (MTU 9000) with a large
 * max_udp_payload_size is one 9 KB packet, not 1200-1500 bytes. */
#define NLQ_PLAIN_MAX 16384

enum {
	F_VERSION,
	F_VERSION_NAME,
	F_SNI,
	F_ALPN,
	F_CLOSE_ERROR,
	F_IDLE_TIMEOUT,
	F_COUNT
};

static const struct nl_field fields[F_COUNT] = {
	{F_VERSION, NL_FIELD_STR, 0, "quic.version", "QUIC version"},
	{F_VERSION_NAME, NL_FIELD_STR, 0, "quic.version_name", "QUIC version name"},
	{F_SNI, NL_FIELD_STR, 0, "quic.sni", "Server name"},
	{F_ALPN, NL_FIELD_STR_LIST, 0, "quic.alpn", "ALPN offered"},
	{F_CLOSE_ERROR, NL_FIELD_STR, 0, "quic.close_error", "CONNECTION_CLOSE error"},
	{F_IDLE_TIMEOUT, NL_FIELD_U64, 0, "quic.idle_timeout_ms", "Client idle timeout (ms)"},
};

/* State labels, in the order a flow moves through them (never backwards). */
enum rank { R_NONE, R_INITIAL, R_HANDSHAKE, R_CONNECTED, R_DRAINING, R_CLOSED };
static const char *const rank_label[] = {
	NULL, "QUIC_INITIAL", "QUIC_HANDSHAKE", "QUIC_CONNECTED", "QUIC_DRAINING", "QUIC_CLOSED",
};

enum hello_state { HELLO_WAIT, HELLO_DONE, HELLO_GAVE_UP };

struct quic_state {
	uint32_t version;		/* last version shown */
	uint8_t has_version;
	uint8_t started;		/* a QUIC long header was seen */
	uint8_t rank;			/* enum rank last set */
	uint8_t hello;			/* enum hello_state */
	uint8_t server_initial;		/* a server Initial was decrypted */
	uint8_t calls;
	uint8_t odcid_len;
	uint8_t has_odcid;		/* odcid decrypted a client Initial */
	uint8_t odcid[NLQ_MAX_CID];
	struct nlq_reasm *reasm;	/* owned: the client's CRYPTO stream while its
					 * hello is awaited, else NULL. Allocated at
					 * the first client Initial: the block is 9 KiB,
					 * and most UDP flows offered are not QUIC. */
};

/* What a version is (RFC 9000 §15, RFC 9369, drafts, vendors). */
enum vkind { V_UNKNOWN, V_IETF, V_GOOGLE, V_GREASE, V_VN };

struct vinfo {
	enum vkind kind;
	enum nlq_salt salt;
	int v2;			/* RFC 9369 type bits and labels */
	int gframes;		/* Google frames in IETF packets (Q050, T050, T051) */
	char name[16];
};

static void version_info(uint32_t v, struct vinfo *vi)
{
	unsigned c0 = v >> 24, c1 = (v >> 16) & 0xff, c2 = (v >> 8) & 0xff, c3 = v & 0xff;

	memset(vi, 0, sizeof(*vi));
	vi->kind = V_IETF;
	vi->salt = NLQ_SALT_V1;
	if (v == 0) {
		vi->kind = V_VN;
		snprintf(vi->name, sizeof(vi->name), "VN");
	} else if (v == 0x00000001) {
		snprintf(vi->name, sizeof(vi->name), "QUICv1");
	} else if (v == 0x6b3343cf) {
		vi->salt = NLQ_SALT_V2;
		vi->v2 = 1;
		snprintf(vi->name, sizeof(vi->name), "QUICv2");
	} else if (v == 0x709a50c4) {
		/* QUIC v2 before RFC 9369 (its drafts 01-08; ngtcp2 0.x
		 * "v2draft"): v2's packet types and labels, another salt */
		vi->salt = NLQ_SALT_V2_DRAFT;
		vi->v2 = 1;
		snprintf(vi->name, sizeof(vi->name), "QUICv2-draft");
	} else if (v >= 0xff000015 && v <= 0xff000022) {
		unsigned d = v & 0xff;
		vi->salt = d >= 33 ? NLQ_SALT_V1 : d >= 29 ? NLQ_SALT_D29 : d >= 23 ? NLQ_SALT_D23
										   : NLQ_SALT_D22;
		snprintf(vi->name, sizeof(vi->name), "draft-%u", d);
	} else if (v == 0xfaceb001 || v == 0xfaceb002 || v == 0xfaceb00e) {
		/* Facebook's mvfst: 001 follows draft-22 (its salt), 002 and
		 * the experimental 00e draft-27 (the draft-23 salt) */
		vi->salt = v == 0xfaceb001 ? NLQ_SALT_D22 : NLQ_SALT_D23;
		if (v == 0xfaceb00e)
			snprintf(vi->name, sizeof(vi->name), "mvfst-exp");
		else
			snprintf(vi->name, sizeof(vi->name), "mvfst-%u", c3);
	} else if (v == 0x51303530 || v == 0x54303530 || v == 0x54303531) {
		/* Google's last versions (Chrome 2020-21): IETF long headers
		 * and v1 packet protection with salts of their own, Google
		 * frames inside; T05x carry TLS in them, Q050 a QUIC-crypto
		 * CHLO. */
		vi->salt = v == 0x51303530 ? NLQ_SALT_Q50 : v == 0x54303530 ? NLQ_SALT_T50 : NLQ_SALT_T51;
		vi->gframes = 1;
		snprintf(vi->name, sizeof(vi->name), "%c0%c%c", c0, c2, c3);
	} else if ((v & 0x0f0f0f0f) == 0x0a0a0a0a) {
		vi->kind = V_GREASE;
		snprintf(vi->name, sizeof(vi->name), "greased");
	} else if ((c0 == 'Q' || c0 == 'T') && c1 == '0' && c2 >= '0' && c2 <= '9' && c3 >= '0' &&
		   c3 <= '9') {
		vi->kind = V_GOOGLE;
		snprintf(vi->name, sizeof(vi->name), "%c0%c%c", c0, c2, c3);
	} else {
		vi->kind = V_UNKNOWN;
	}
}

/* The v1 packet type of a long header's type bits. */
enum ptype { P_INITIAL, P_0RTT, P_HANDSHAKE, P_RETRY };

static enum ptype long_type(uint8_t b0, int v2)
{
	unsigned t = (b0 >> 4) & 3;
	return (enum ptype)(v2 ? (t + 3) & 3 : t);
}

/* What one datagram did, applied to the flow once at the end. */
struct dgram {
	const struct nl_host_api *api;
	struct nl_flow *flow;
	struct quic_state *st;
	int from_client;
	enum rank rank;
};

static void raise_rank(struct dgram *d, enum rank r)
{
	if (r > d->rank)
		d->rank = r;
}

static void show_version(struct dgram *d, uint32_t v, const struct vinfo *vi)
{
	char hex[16];
	int n;

	if (d->st->has_version && d->st->version == v)
		return;
	d->st->version = v;
	d->st->has_version = 1;
	n = snprintf(hex, sizeof(hex), "0x%08" PRIx32, v);
	d->api->set_str(d->flow, F_VERSION, hex, (size_t)n);
	if (vi->name[0])
		d->api->set_str(d->flow, F_VERSION_NAME, vi->name, strlen(vi->name));
}

static void hello_fields(struct dgram *d, const struct nlq_hello *h)
{
	if (h->sni_len)
		d->api->set_str(d->flow, F_SNI, h->sni, h->sni_len);
	for (unsigned i = 0; i < h->n_alpn; i++)
		d->api->add_str(d->flow, F_ALPN, h->alpn[i], h->alpn_len[i]);
	if (h->has_idle) {
		d->api->set_u64(d->flow, F_IDLE_TIMEOUT, h->idle_ms);
		/* The connection is closed after the smaller of the two ends'
		 * max_idle_timeout (RFC 9000 10.1): silence past the client's
		 * means it is over, where the descriptor's 180 s waits on. At
		 * least 3 s: an end may wait three probe timeouts instead. 0 is
		 * "no timeout": the descriptor's then. */
		if (h->idle_ms && NL_HOST_HAS(d->api, set_idle_timeout)) {
			uint64_t s = h->idle_ms / 1000 + (h->idle_ms % 1000 != 0);
			d->api->set_idle_timeout(d->flow, s < 3 ? 3u
						 : s > NL_MAX_IDLE_TIMEOUT_S ? NL_MAX_IDLE_TIMEOUT_S : (uint32_t)s);
		}
	}
}

/* Once the CRYPTO stream holds the whole ClientHello (or the buffer is
 * full), parses it. */
static void try_hello(struct dgram *d)
{
	struct quic_state *st = d->st;
	struct nl_reader r;
	struct nlq_hello h;
	size_t need;

	if (st->hello != HELLO_WAIT || !st->reasm || st->reasm->contig < 4)
		return;
	r = nl_reader_make(st->reasm->buf, st->reasm->contig);
	if (st->reasm->buf[0] == 'C') {
		/* Q050: a QUIC-crypto CHLO instead of TLS */
		long got;
		memset(&h, 0, sizeof(h));
		got = nlq_parse_chlo(r, &h);
		if (got == 0 && st->reasm->contig < NLQ_CRYPTO_CAP)
			return;
		if (got > 0)
			hello_fields(d, &h);
		st->hello = got > 0 ? HELLO_DONE : HELLO_GAVE_UP;
		return;
	}
	if (nl_get_u8(&r) != 1) {		/* not a ClientHello */
		st->hello = HELLO_GAVE_UP;
		return;
	}
	need = 4 + (size_t)nl_get_be24(&r);
	if (st->reasm->contig < need && st->reasm->contig < NLQ_CRYPTO_CAP)
		return;
	r = nl_reader_make(st->reasm->buf, st->reasm->contig < need ? st->reasm->contig : need);
	if (nlq_parse_client_hello(r, &h) < 0) {
		st->hello = HELLO_GAVE_UP;
		return;
	}
	hello_fields(d, &h);
	st->hello = HELLO_DONE;
}

static void apply_frames(struct dgram *d, struct nl_reader plain, int client, int gframes)
{
	struct nlq_frames fr;

	memset(&fr, 0, sizeof(fr));
	if (client && d->st->hello == HELLO_WAIT && !d->st->reasm &&
	    !(d->st->reasm = calloc(1, sizeof(*d->st->reasm))))
		d->st->hello = HELLO_GAVE_UP;	/* out of memory: no hello fields */
	fr.reasm = client && d->st->hello == HELLO_WAIT ? d->st->reasm : NULL;
	/* a frame we cannot walk only ends the walk */
	if (gframes)
		nlq_walk_gquic_frames(plain, &fr);
	else
		nlq_walk_frames(plain, &fr);
	if (fr.reasm)
		try_hello(d);
	if (d->st->hello != HELLO_WAIT && d->st->reasm) {
		free(d->st->reasm);
		d->st->reasm = NULL;
	}
	if (fr.closed) {
		char err[32];
		int n = snprintf(err, sizeof(err), "0x%02" PRIx64, fr.close_error);
		d->api->set_str(d->flow, F_CLOSE_ERROR, err, (size_t)n);
		raise_rank(d, fr.close_error ? R_CLOSED : R_DRAINING);
	}
}

static int same_cid(const struct quic_state *st, const uint8_t *cid, size_t len)
{
	return st->odcid_len == len && (len == 0 || memcmp(st->odcid, cid, len) == 0);
}

/* Decrypts an Initial packet (pkt covers exactly the packet) and walks its
 * frames; 1 when it could. Client Initials: keys from the kept original DCID, else from the
 * packet's own DCID (the first Initial, or the first after a Retry).
 * Server Initials: keys from the kept DCID only. */
static int open_initial(struct dgram *d, const struct vinfo *vi, struct nl_reader pkt, size_t pn_off,
			const uint8_t *dcid, size_t dcid_len)
{
	struct quic_state *st = d->st;
	uint8_t plain[NLQ_PLAIN_MAX];
	struct nlq_keys k;
	size_t n = 0;
	uint64_t pn = 0;

	for (int attempt = 0; attempt < 2; attempt++) {
		const uint8_t *cid;
		size_t cid_len;
		if (attempt == 0) {
			if (!st->has_odcid)
				continue;
			cid = st->odcid;
			cid_len = st->odcid_len;
		} else {
			if (!d->from_client)
				return 0;
			if (st->has_odcid && same_cid(st, dcid, dcid_len))
				return 0;
			cid = dcid;
			cid_len = dcid_len;
		}
		if (nlq_initial_keys(vi->salt, vi->v2, cid, cid_len, !d->from_client, &k) < 0)
			continue;
		if (nlq_open_long(&k, pkt, pn_off, plain, sizeof(plain), &n, &pn) < 0)
			continue;
		if (attempt == 1) {
			memcpy(st->odcid, dcid, dcid_len);
			st->odcid_len = (uint8_t)dcid_len;
			st->has_odcid = 1;
		}
		if (!d->from_client)
			st->server_initial = 1;
		apply_frames(d, nl_reader_make(plain, n), d->from_client, vi->gframes);
		return 1;
	}
	return 0;
}

/* Google QUIC before Q050 sends its CHLO in the clear, in a STREAM frame
 * of stream 1 after a short public header, packet number and (before
 * Q046) a 12-byte hash: it is looked for in a bounded window at the start
 * of a client datagram, and taken only if nlq_parse_chlo finds a whole,
 * well-formed message there. */
#define GQUIC_CHLO_WINDOW 96

static void clear_chlo(struct dgram *d, struct nl_reader r)
{
	struct nlq_hello h;

	if (!d->from_client || d->st->hello != HELLO_WAIT)
		return;
	for (size_t i = 0; i < GQUIC_CHLO_WINDOW && nl_reader_left(&r) >= 8; i++, nl_reader_skip(&r, 1)) {
		memset(&h, 0, sizeof(h));
		if (nlq_parse_chlo(r, &h) > 0) {
			hello_fields(d, &h);
			d->st->hello = HELLO_DONE;
			return;
		}
	}
}

enum pkt_result { PKT_NEXT, PKT_STOP, PKT_NOT_MINE, PKT_BAD };

/* Walks one long-header packet at the start of r and moves r past it. */
static enum pkt_result long_packet(struct dgram *d, struct nl_reader *r, int first)
{
	struct nl_reader p = nl_reader_rest(r);	/* this packet and what follows */
	struct vinfo vi;
	uint8_t b0 = nl_get_u8(&p);
	uint32_t v = nl_get_be32(&p);
	const uint8_t *dcid;
	size_t dcid_len, scid_len, pn_off;
	uint64_t len;
	enum ptype type;

	if (!nl_reader_ok(&p))
		return first && !d->st->started ? PKT_NOT_MINE : PKT_STOP;
	version_info(v, &vi);
	if (vi.kind == V_UNKNOWN)
		return first && !d->st->started ? PKT_NOT_MINE : PKT_STOP;
	/* The fixed bit is needed to claim a flow; once it is claimed, a
	 * peer that saw grease_quic_bit (RFC 9287) may clear it even in long
	 * headers (ngtcp2 does, in its Initial). */
	if (vi.kind != V_VN && !(b0 & 0x40) && !d->st->started)
		return PKT_NOT_MINE;
	if (vi.kind == V_GOOGLE) {
		/* Google headers differ after the version (Q046 packs the CID
		 * lengths in one byte) and are not decrypted. */
		d->st->started = 1;
		show_version(d, v, &vi);
		raise_rank(d, R_INITIAL);
		clear_chlo(d, nl_reader_rest(r));
		return PKT_STOP;
	}
	/* A greased version (RFC 9000 §15) only asks for Version Negotiation:
	 * whatever follows it claims the flow. But a client greasing it sends
	 * its ClientHello all the same, in a v1-shaped Initial under v1's or
	 * draft-29's keys (ngtcp2: draft-29's; tshark reads it so): it is read
	 * as one when it parses as one, and keys that do not fit fail the AEAD. */
	const int grease = vi.kind == V_GREASE;
	if (grease) {
		d->st->started = 1;
		show_version(d, v, &vi);
		raise_rank(d, R_INITIAL);
	}
	const enum pkt_result bad = first && !grease ? PKT_BAD : PKT_STOP;
	/* RFC 8999 §5.1: connection IDs are at most 255 bytes in general, 20 in
	 * the versions we decrypt. */
	dcid_len = nl_get_u8(&p);
	dcid = nl_get_span(&p, dcid_len);
	scid_len = nl_get_u8(&p);
	nl_reader_skip(&p, scid_len);
	if (vi.kind == V_VN) {
		/* Sent by servers only, a non-empty list of 32-bit versions. */
		size_t left = nl_reader_left(&p);
		if (!nl_reader_ok(&p) || left == 0 || left % 4 || (d->from_client && !d->st->started))
			return first && !d->st->started ? PKT_NOT_MINE : PKT_STOP;
		d->st->started = 1;
		/* the version is the one the client asked for; VN names it
		 * only when nothing else was seen (a one-sided capture) */
		if (!d->st->has_version)
			show_version(d, v, &vi);
		raise_rank(d, R_INITIAL);
		return PKT_STOP;
	}
	if (!nl_reader_ok(&p) || dcid_len > NLQ_MAX_CID || scid_len > NLQ_MAX_CID)
		return bad;
	d->st->started = 1;
	show_version(d, v, &vi);
	type = long_type(b0, vi.v2);
	if (type == P_RETRY || (grease && type != P_INITIAL)) {	/* Retry runs to the datagram's end */
		raise_rank(d, R_INITIAL);
		return PKT_STOP;
	}
	if (type == P_INITIAL) {
		uint64_t token = nlq_varint(&p);
		if (!nl_reader_ok(&p) || token > nl_reader_left(&p))
			return bad;
		nl_reader_skip(&p, (size_t)token);
	}
	len = nlq_varint(&p);
	/* Length covers packet number and payload; 4 + 16 bytes are needed
	 * for the header protection sample (RFC 9001 §5.4.2). */
	if (!nl_reader_ok(&p) || len > nl_reader_left(&p) || len < 4 + 16)
		return bad;
	pn_off = nl_reader_offset(&p);
	raise_rank(d, type == P_INITIAL ? R_INITIAL : R_HANDSHAKE);
	if (type == P_INITIAL) {
		struct nl_reader whole = nl_reader_rest(r);
		struct nl_reader pkt = nl_reader_sub(&whole, pn_off + (size_t)len);
		if (!open_initial(d, &vi, pkt, pn_off, dcid, dcid_len) && vi.kind == V_GREASE) {
			vi.salt = NLQ_SALT_D29;	/* ngtcp2's keys for a version it does not know */
			open_initial(d, &vi, pkt, pn_off, dcid, dcid_len);
		}
	}
	nl_reader_skip(r, pn_off + (size_t)len);
	return PKT_NEXT;
}

/* gQUIC before Q046 (public header): flags with VERSION (0x01) and an
 * 8-byte connection ID (0x08), then the version "Q0dd". Client side only. */
static int legacy_gquic(struct dgram *d, struct nl_reader r)
{
	uint8_t flags = nl_get_u8(&r);
	struct vinfo vi;
	uint32_t v;

	if ((flags & 0x89) != 0x09 || !d->from_client)
		return 0;
	nl_reader_skip(&r, 8);
	v = nl_get_be32(&r);
	if (!nl_reader_ok(&r) || (v >> 24) != 'Q')
		return 0;
	version_info(v, &vi);
	if (vi.kind != V_GOOGLE)
		return 0;
	show_version(d, v, &vi);
	clear_chlo(d, r);
	return 1;
}

static enum nl_verdict quic_dissect(const struct nl_host_api *api, struct nl_flow *flow, void *state,
				    const struct nl_payload *payload)
{
	struct quic_state *st = state;
	struct nl_reader r = payload->data;
	struct dgram d;
	uint8_t b0;

	if (payload->transport != NL_UDP || !st)
		return NL_NOT_MINE;
	memset(&d, 0, sizeof(d));
	d.api = api;
	d.flow = flow;
	d.st = st;
	d.from_client = payload->from_client;
	if (st->calls < UINT8_MAX)
		st->calls++;

	if (nl_peek_u8(&r, 0, &b0) < 0)
		return st->started ? NL_NEED_MORE : NL_NOT_MINE;
	if (!st->started && !(b0 & 0x80)) {
		if (!legacy_gquic(&d, r))
			return NL_NOT_MINE;
		/* a client hello of Google QUIC: as far as it can be followed */
		st->rank = R_INITIAL;
		api->set_state(flow, rank_label[R_INITIAL]);
		return NL_DONE;
	}

	for (int i = 0; i < NLQ_MAX_COALESCED && nl_reader_left(&r) > 0; i++) {
		enum pkt_result res;
		if (nl_peek_u8(&r, 0, &b0) < 0)
			break;
		if (!(b0 & 0x80)) {
			/* A short header runs to the end of the datagram. Its
			 * fixed bit may be greased (RFC 9287) when it opens the
			 * datagram; after coalesced packets a byte without it
			 * is taken for padding. */
			if (st->started && (i == 0 || (b0 & 0x40)))
				raise_rank(&d, R_CONNECTED);
			break;
		}
		res = long_packet(&d, &r, i == 0);
		if (res == PKT_NOT_MINE)
			return NL_NOT_MINE;
		if (res == PKT_BAD)
			return NL_MALFORMED;
		if (res == PKT_STOP)
			break;
	}

	if (d.rank > st->rank) {
		st->rank = (uint8_t)d.rank;
		api->set_state(flow, rank_label[d.rank]);
	}
	if (st->rank >= R_DRAINING)
		return NL_DONE;
	if (st->hello != HELLO_WAIT && st->server_initial && st->rank >= R_CONNECTED)
		return NL_DONE;
	if (st->calls >= NLQ_BUDGET)
		return NL_DONE;
	return NL_NEED_MORE;
}

static void quic_release(void *state)
{
	struct quic_state *st = state;
	free(st->reasm);
	st->reasm = NULL;
}

static const uint16_t port_hints[] = {443, 8443, 4433, 784, 853};

static const struct nl_dissector quic_dissector = {
	.struct_size = sizeof(struct nl_dissector),
	.abi_major = NL_ABI_MAJOR,
	.abi_minor = NL_ABI_MINOR,
	.flags = 0,
	.transports = NL_UDP,
	.name = "quic",
	.version = "1.0.0",
	.license = "MIT",
	.description = "QUIC v1/v2/drafts: version, Initial decryption, SNI, ALPN, close",
	.display = "QUIC",
	.port_hints = port_hints,
	.n_port_hints = sizeof(port_hints) / sizeof(port_hints[0]),
	.packet_budget = NLQ_BUDGET,
	.state_size = sizeof(struct quic_state),
	.fields = fields,
	.n_fields = F_COUNT,
	.domain_field = F_SNI,
	.idle_timeout_s = 180,		/* RustNet: QUIC connected 180 s */
	.init = NULL,
	.fini = NULL,
	.dissect = quic_dissect,
	.release = quic_release,
};

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void);

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void)
{
	return &quic_dissector;
}
