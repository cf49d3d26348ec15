/*
 * bittorrent.c - BitTorrent dissector plugin for netlens: the peer wire
 * handshake over TCP and uTP, the DHT (KRPC over UDP), uTP, and the UDP
 * tracker protocol's connect request.
 *
 * Peer wire protocol (BEP 3), each side's stream starts with the 68-byte
 * handshake, then length-prefixed messages:
 *
 *   0      1                      20       28            48          68
 *   +------+----------------------+--------+-------------+-----------+
 *   | 0x13 | "BitTorrent protocol"|reserved|  info_hash  |  peer_id  |
 *   +------+----------------------+--------+-------------+-----------+
 *   message: length (4, BE; 0 is a keep-alive) | id (1) | payload
 *
 *   reserved bits: byte 5 0x10 extension protocol (BEP 10), byte 7 0x01
 *   DHT (BEP 5), byte 7 0x04 fast extension (BEP 6).
 *   Extended message (BEP 10): id 20, extended id 0 = the extended
 *   handshake, a bencoded dictionary; its "v" is the client and version
 *   ("Transmission 3.00", "aria2/1.36.0", "qBittorrent/4.5.2").
 *
 *   peer_id: Azureus style "-TR3000-" + 12 random bytes (two letters of the
 *   client, four of the version), Mainline style "M7-4-0--", aria2 style
 *   "A2-1-36-0-"; anything else is shown by its printable prefix.
 *
 * DHT (BEP 5): each datagram is one bencoded dictionary, KRPC:
 *   d1:ad2:id20:<id>e1:q4:ping1:t2:aa1:v4:UT\x03\x05 1:y1:qe
 *   "y": "q" query (method in "q", arguments in "a"), "r" response ("r"),
 *   "e" error ("e", a list); "t" the transaction id; "v" the client
 *   version (BEP 20: two letters and two bytes of version).
 *
 * uTP (BEP 29), a 20-byte header, then extensions, then data:
 *   0       4       8               16              24              32
 *   +-------+-------+---------------+---------------+---------------+
 *   | type  | ver=1 | extension     | connection_id                 |
 *   +-------+-------+---------------+---------------+---------------+
 *   | timestamp_microseconds | timestamp_difference_microseconds   |
 *   | wnd_size               | seq_nr (16)  | ack_nr (16)          |
 *   +---------------------------------------------------------------+
 *   type: 0 ST_DATA, 1 ST_FIN, 2 ST_STATE, 3 ST_RESET, 4 ST_SYN.
 *   extension: (next type, length, bytes)... until type 0; 1 selective
 *   ack (a multiple of 4 bytes), 2 extension bits (8 bytes).
 *
 * UDP tracker (BEP 15) connect request: protocol id 0x41727101980 (8),
 * action 0 (4), transaction id (4).
 *
 * Recognition, strict on any port (BitTorrent has no fixed port):
 *  - TCP: a direction's stream must start with the 20-byte prefix
 *    0x13 "BitTorrent protocol"; otherwise NOT_MINE (an encrypted MSE
 *    stream is not recognised: it has no signature).
 *  - DHT: a datagram starting with 'd' that is one whole bencoded
 *    dictionary ending exactly at the datagram's end (strict bencode: no
 *    leading zeros, depth at most BENC_MAX_DEPTH, BENC_MAX_ITEMS items),
 *    with "t" a string and "y" one of q/r/e together with its body key.
 *  - uTP: a header alone says little (random bytes pass it about once in
 *    3000), so a flow is claimed as uTP only on a relation: the flow's
 *    first datagram is an ST_SYN with a well-formed header and no payload,
 *    and the other side answers with an ST_STATE of the same connection
 *    id acknowledging the SYN's seq_nr; or an ST_DATA whose payload starts
 *    with the peer wire handshake (a capture that starts mid-connection).
 *    Before either, up to UTP_MAX_WAIT well-formed uTP datagrams are
 *    waited on without a field set (so the flow stays free for others);
 *    any other first datagram is NOT_MINE at once.
 *  - Tracker: a client's first datagram of 16 bytes with the protocol id
 *    and action 0.
 * A flow once claimed may carry DHT and uTP both (one UDP socket serves
 * them in libtransmission, libtorrent and uTorrent): each datagram is read
 * as what it is; datagrams that are neither are passed over.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <netlens/dissector.h>

#define BT_HS_LEN 68
#define BT_PREFIX_LEN 20
#define MSE_MIN 96		/* an MSE first flight: Ya or Yb (96) + 0-512 bytes of padding */
#define MSE_MAX 608
#define MSE_SEARCH 1600		/* bytes searched for a plaintext handshake after MSE */
#define BT_MAX_MSGS 12		/* messages walked a direction after the handshake */
#define BT_MAX_MSG_LEN (1u << 20)	/* larger is no peer wire message (pieces are 16 KiB) */
#define BT_MAX_EXT_LEN 8192	/* an extended handshake longer is not read */
#define BENC_MAX_DEPTH 8	/* KRPC needs 3; extended handshakes 3 */
#define BENC_MAX_ITEMS 512	/* values walked in one bencoded message */
#define BENC_MAX_STRLEN 9999999u	/* 7 digits */
#define UTP_MAX_EXT 4		/* extensions in one header */
#define UTP_MAX_WAIT 6		/* unclaimed uTP-looking datagrams waited on */
#define BT_BUDGET 32		/* datagrams / stream deliveries per flow */
#define TRACKER_MAGIC 0x41727101980ull

enum {
	F_INFO_HASH,
	F_CLIENT,
	F_PEER_CLIENT,
	F_FLAGS,
	F_PEER_FLAGS,
	F_RESERVED,
	F_PEER_RESERVED,
	F_VERSION,
	F_PEER_VERSION,
	F_DHT_KINDS,
	F_DHT_METHODS,
	F_DHT_VERSION,
	F_TRACKER_ACTIONS,
	F_COUNT
};

static const struct nl_field bt_fields[F_COUNT] = {
	{ F_INFO_HASH, NL_FIELD_STR, 0, "bittorrent.info_hash", "Info hash" },
	{ F_CLIENT, NL_FIELD_STR, 0, "bittorrent.client", "Client (initiator's peer id)" },
	{ F_PEER_CLIENT, NL_FIELD_STR, 0, "bittorrent.peer_client", "Peer client (answerer's peer id)" },
	{ F_FLAGS, NL_FIELD_STR_LIST, 0, "bittorrent.flags", "Extensions (initiator)" },
	{ F_PEER_FLAGS, NL_FIELD_STR_LIST, 0, "bittorrent.peer_flags", "Extensions (answerer)" },
	{ F_RESERVED, NL_FIELD_STR, 0, "bittorrent.reserved", "Reserved bytes (initiator)" },
	{ F_PEER_RESERVED, NL_FIELD_STR, 0, "bittorrent.peer_reserved", "Reserved bytes (answerer)" },
	{ F_VERSION, NL_FIELD_STR, 0, "bittorrent.version", "Client version (initiator's v)" },
	{ F_PEER_VERSION, NL_FIELD_STR, 0, "bittorrent.peer_version", "Client version (answerer's v)" },
	{ F_DHT_KINDS, NL_FIELD_STR_LIST, 0, "bittorrent.dht_kinds", "DHT messages" },
	{ F_DHT_METHODS, NL_FIELD_STR_LIST, 0, "bittorrent.dht_methods", "DHT methods" },
	{ F_DHT_VERSION, NL_FIELD_STR_LIST, 0, "bittorrent.dht_version", "DHT client version" },
	{ F_TRACKER_ACTIONS, NL_FIELD_STR_LIST, 0, "bittorrent.tracker_actions", "Tracker actions" },
};

/* bt_dir.flags */
#define BD_HS 0x01		/* handshake read */
#define BD_STOP 0x02		/* nothing more wanted of this side */
#define BD_SEEN 0x04		/* a first delivery was looked at */
#define BD_MSE 0x08		/* it may be an MSE key exchange: the prefix is searched */

/* bt_state.flags */
#define BS_TCP_MINE 0x01	/* a handshake was read */
#define BS_DHT 0x02		/* labels shown so far */
#define BS_UTP 0x04
#define BS_TRACKER 0x08
#define BS_SYN 0x10		/* a uTP SYN was seen from the client */

struct bt_dir {
	uint32_t off;		/* next message's offset in the call's data; may lie
				 * past it (a message being skipped) */
	uint8_t flags;		/* BD_* */
	uint8_t msgs;		/* messages walked */
};

struct bt_state {
	struct bt_dir dir[2];	/* [1]: from the client */
	uint16_t syn_conn;	/* the SYN's connection_id and seq_nr */
	uint16_t syn_seq;
	uint8_t flags;		/* BS_* */
	uint8_t waited;		/* unclaimed datagrams waited on */
	uint8_t label;		/* the label shown (bit of BS_*) */
};

/* ---- bencode ---- */

/* Reads a bencoded string at r (r moved past it) into *s, a sub-reader
 * over its bytes. -1 when r is not at a well-formed string. */
static int benc_str(struct nl_reader *r, struct nl_reader *s)
{
	uint32_t n = 0;
	size_t digits = 0;
	uint8_t c = 0;
	while (nl_peek_u8(r, 0, &c) == 0 && c >= '0' && c <= '9') {
		if (digits == 1 && n == 0)
			return -1;	/* leading zero */
		if (++digits > 7)
			return -1;
		n = n * 10 + (uint32_t)(c - '0');
		nl_reader_skip(r, 1);
	}
	if (!digits || nl_get_u8(r) != ':' || !nl_reader_has(r, n))
		return -1;
	*s = nl_reader_sub(r, n);
	return 0;
}

/* Skips one bencoded value at r; -1 when it is not well formed. */
static int benc_skip(struct nl_reader *r, int depth, int *items)
{
	uint8_t c = 0;
	struct nl_reader s;
	if (depth > BENC_MAX_DEPTH || ++*items > BENC_MAX_ITEMS || nl_peek_u8(r, 0, &c) < 0)
		return -1;
	if (c >= '0' && c <= '9')
		return benc_str(r, &s);
	nl_reader_skip(r, 1);
	if (c == 'i') {
		size_t digits = 0;
		int neg = 0, zero = 0;
		if (nl_peek_u8(r, 0, &c) == 0 && c == '-') {
			neg = 1;
			nl_reader_skip(r, 1);
		}
		while (nl_peek_u8(r, 0, &c) == 0 && c >= '0' && c <= '9') {
			if (digits == 1 && zero)
				return -1;	/* leading zero */
			zero = digits == 0 && c == '0';
			if (++digits > 20)
				return -1;
			nl_reader_skip(r, 1);
		}
		if (!digits || (neg && zero) || nl_get_u8(r) != 'e')
			return -1;
		return nl_reader_ok(r) ? 0 : -1;
	}
	if (c == 'l' || c == 'd') {
		const int dict = c == 'd';
		for (;;) {
			if (nl_peek_u8(r, 0, &c) < 0)
				return -1;
			if (c == 'e') {
				nl_reader_skip(r, 1);
				return 0;
			}
			if (dict && benc_str(r, &s) < 0)
				return -1;	/* a key is a string */
			if (benc_skip(r, depth + 1, items) < 0)
				return -1;
		}
	}
	return -1;
}

/* True when the string at s is exactly lit. */
static int str_is(const struct nl_reader *s, const char *lit)
{
	size_t n = strlen(lit);
	if (nl_reader_left(s) != n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = 0;
		if (nl_peek_u8(s, i, &c) < 0 || c != (uint8_t)lit[i])
			return 0;
	}
	return 1;
}

/* Copies a string value into a field, at most NL_MAX_STR bytes of it. */
static void set_from(const struct nl_host_api *api, struct nl_flow *flow, uint16_t field,
		     struct nl_reader s, int list)
{
	char buf[NL_MAX_STR];
	size_t n = nl_reader_left(&s);
	if (n > sizeof(buf))
		n = sizeof(buf);
	if (nl_get_bytes(&s, buf, n) < 0)
		return;
	if (list)
		api->add_str(flow, field, buf, n);
	else
		api->set_str(flow, field, buf, n);
}

static void hex(char *out, const uint8_t *b, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[b[i] >> 4];
		out[2 * i + 1] = digits[b[i] & 15];
	}
}

/* ---- the handshake ---- */

static const uint8_t bt_prefix[BT_PREFIX_LEN] = { 0x13, 'B', 'i', 't', 'T', 'o', 'r', 'r', 'e', 'n',
						  't', ' ', 'p', 'r', 'o', 't', 'o', 'c', 'o', 'l' };

/* How much of the prefix the bytes at r match: 1 all of it, 0 a shorter
 * prefix (all there is), -1 a mismatch. */
static int prefix_match(const struct nl_reader *r)
{
	for (size_t i = 0; i < BT_PREFIX_LEN; i++) {
		uint8_t c;
		if (nl_peek_u8(r, i, &c) < 0)
			return 0;
		if (c != bt_prefix[i])
			return -1;
	}
	return 1;
}

/* Where the prefix starts within the first max bytes at r, or SIZE_MAX. */
static size_t find_prefix(const struct nl_reader *r, size_t max)
{
	size_t left = nl_reader_left(r);
	if (left > max)
		left = max;
	for (size_t i = 0; i + BT_PREFIX_LEN <= left; i++) {
		uint8_t c = 0;
		nl_peek_u8(r, i, &c);
		if (c != bt_prefix[0])
			continue;
		struct nl_reader t = nl_reader_rest(r);
		nl_reader_skip(&t, i);
		if (prefix_match(&t) == 1)
			return i;
	}
	return SIZE_MAX;
}

/* Azureus-style client codes (the two letters of "-XX1234-"). */
static const struct {
	char code[3];
	const char *name;
} az_clients[] = {
	{ "AG", "Ares" },	   { "AR", "Arctic" },	     { "AT", "Artemis" },
	{ "AX", "BitPump" },	   { "AZ", "Vuze" },	     { "BB", "BitBuddy" },
	{ "BC", "BitComet" },	   { "BE", "BitTorrent SDK" }, { "BF", "Bitflu" },
	{ "BI", "BiglyBT" },	   { "BL", "BitCometLite" }, { "BT", "BitTorrent" },
	{ "BW", "BitWombat" },	   { "CD", "Enhanced CTorrent" }, { "DE", "Deluge" },
	{ "FD", "Free Download Manager" }, { "FG", "FlashGet" }, { "FW", "FrostWire" },
	{ "HL", "Halite" },	   { "KG", "KGet" },	     { "KT", "KTorrent" },
	{ "LT", "libtorrent" }, { "LW", "LimeWire" }, { "lt", "libTorrent (rTorrent)" },
	{ "MG", "MediaGet" },	   { "PI", "PicoTorrent" },  { "qB", "qBittorrent" },
	{ "RT", "Retriever" },	   { "SD", "Thunder" },	     { "ST", "SymTorrent" },
	{ "TL", "Tribler" },	   { "TR", "Transmission" }, { "TT", "TuoTu" },
	{ "UM", "uTorrent Mac" },  { "UT", "uTorrent" },     { "UW", "uTorrent Web" },
	{ "WW", "WebTorrent" },	   { "XL", "Xunlei" },	     { "XX", "Xtorrent" },
};

static int is_alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* A version character of an Azureus-style id: digits, then letters for
 * 10 upwards ("-lt0D80-" is libtorrent 0.13.8). */
static int az_digit(uint8_t c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'Z')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 36;
	return -1;
}

/* Decodes a peer_id (20 bytes at p) into out (NUL-terminated, at most
 * 63 bytes). */
static void peer_client(const uint8_t *p, char *out, size_t cap)
{
	out[0] = '\0';
	/* Azureus style: '-', two letters, four version characters, '-'. */
	if (p[0] == '-' && p[7] == '-' && is_alnum(p[1]) && is_alnum(p[2]) && az_digit(p[3]) >= 0 &&
	    az_digit(p[4]) >= 0 && az_digit(p[5]) >= 0 && az_digit(p[6]) >= 0) {
		const char *name = NULL;
		for (size_t i = 0; i < sizeof(az_clients) / sizeof(az_clients[0]); i++)
			if (az_clients[i].code[0] == (char)p[1] && az_clients[i].code[1] == (char)p[2])
				name = az_clients[i].name;
		if (!name) {
			snprintf(out, cap, "-%c%c%c%c%c%c-", p[1], p[2], p[3], p[4], p[5], p[6]);
			return;
		}
		int n = snprintf(out, cap, "%s %d.%d.%d", name, az_digit(p[3]), az_digit(p[4]),
				 az_digit(p[5]));
		if (p[6] != '0' && n > 0 && (size_t)n < cap) {
			if (p[6] >= '0' && p[6] <= '9')
				snprintf(out + n, cap - (size_t)n, ".%c", p[6]);
			else
				snprintf(out + n, cap - (size_t)n, "%c", p[6]);
		}
		return;
	}
	/* Mainline style "M7-4-0--", aria2 "A2-1-36-0-": a letter (or "A2-"),
	 * then numbers each ended by '-'. */
	size_t lead = (p[0] == 'M' || p[0] == 'Q') ? 1 : (p[0] == 'A' && p[1] == '2' && p[2] == '-') ? 3 : 0;
	if (lead) {
		unsigned v[3];
		size_t at = lead, k;
		for (k = 0; k < 3; k++) {
			unsigned num = 0, digits = 0;
			while (at < 20 && p[at] >= '0' && p[at] <= '9' && digits < 3) {
				num = num * 10 + (unsigned)(p[at] - '0');
				at++;
				digits++;
			}
			if (!digits || at >= 20 || p[at] != '-')
				break;
			v[k] = num;
			at++;
		}
		if (k == 3) {
			const char *name = lead == 3 ? "aria2" : p[0] == 'M' ? "Mainline" : "Queen Bee";
			snprintf(out, cap, "%s %u.%u.%u", name, v[0], v[1], v[2]);
			return;
		}
	}
	/* Otherwise its printable prefix, as it is. */
	size_t n = 0;
	while (n < 20 && n + 1 < cap && p[n] >= 0x20 && p[n] < 0x7f) {
		out[n] = (char)p[n];
		n++;
	}
	out[n] = '\0';
}

/* The handshake at r (68 bytes there); side 1: the flow's initiator. */
static void read_handshake(const struct nl_host_api *api, struct nl_flow *flow, int side,
			   struct nl_reader *r)
{
	nl_reader_skip(r, BT_PREFIX_LEN);
	const uint8_t *res = nl_get_span(r, 8);
	const uint8_t *hash = nl_get_span(r, 20);
	const uint8_t *id = nl_get_span(r, 20);
	if (!res || !hash || !id)
		return;
	char buf[64];
	hex(buf, hash, 20);
	api->set_str(flow, F_INFO_HASH, buf, 40);
	hex(buf, res, 8);
	api->set_str(flow, side ? F_RESERVED : F_PEER_RESERVED, buf, 16);
	uint16_t fl = side ? F_FLAGS : F_PEER_FLAGS;
	if (res[7] & 0x01)
		api->add_str(flow, fl, "dht", 3);
	if (res[7] & 0x04)
		api->add_str(flow, fl, "fast", 4);
	if (res[5] & 0x10)
		api->add_str(flow, fl, "extension", 9);
	peer_client(id, buf, sizeof(buf));
	if (buf[0])
		api->set_str(flow, side ? F_CLIENT : F_PEER_CLIENT, buf, strlen(buf));
}

/* An extended handshake's dictionary (BEP 10): its "v". 0 when well
 * formed. */
static int read_ext_handshake(const struct nl_host_api *api, struct nl_flow *flow, int side,
			      struct nl_reader d)
{
	int items = 0;
	struct nl_reader whole = d;
	if (benc_skip(&whole, 0, &items) < 0 || nl_reader_left(&whole) != 0 || nl_get_u8(&d) != 'd')
		return -1;
	for (int i = 0; i < BENC_MAX_ITEMS; i++) {
		uint8_t c = 0;
		struct nl_reader key, val;
		if (nl_peek_u8(&d, 0, &c) < 0 || c == 'e')
			break;
		if (benc_str(&d, &key) < 0)
			return -1;
		if (str_is(&key, "v") && nl_peek_u8(&d, 0, &c) == 0 && c >= '0' && c <= '9') {
			if (benc_str(&d, &val) < 0)
				return -1;
			set_from(api, flow, side ? F_VERSION : F_PEER_VERSION, val, 0);
			continue;
		}
		items = 0;
		if (benc_skip(&d, 1, &items) < 0)
			return -1;
	}
	return 0;
}

enum walk { W_MORE, W_STOP };

/*
 * Peer wire messages after the handshake, from d->off of r, until one is
 * incomplete (W_MORE) or there is no more to learn (W_STOP: the extended
 * handshake was read, or BT_MAX_MSGS were walked, or a length that no
 * message has). A message may lie past the data (a piece): d->off then
 * points past it, and is brought back by what the host drops.
 */
static enum walk walk_messages(const struct nl_host_api *api, struct nl_flow *flow, int side,
			       struct bt_dir *d, struct nl_reader r)
{
	while (d->msgs < BT_MAX_MSGS) {
		struct nl_reader m = r;
		if (nl_reader_seek(&m, d->off) < 0)
			return W_MORE;	/* inside a message being skipped */
		if (!nl_reader_has(&m, 4))
			return W_MORE;
		uint32_t len = nl_get_be32(&m);
		if (len > BT_MAX_MSG_LEN)
			return W_STOP;	/* not a message: lost or not the peer wire */
		if (len >= 2) {
			uint8_t id = 0, ext = 0;
			if (nl_peek_u8(&m, 0, &id) < 0 || nl_peek_u8(&m, 1, &ext) < 0)
				return W_MORE;
			if (id == 20 && ext == 0) {
				if (len > BT_MAX_EXT_LEN)
					return W_STOP;
				if (!nl_reader_has(&m, len))
					return W_MORE;
				nl_reader_skip(&m, 2);
				read_ext_handshake(api, flow, side, nl_reader_sub(&m, len - 2));
				d->off += 4 + len;
				d->msgs++;
				return W_STOP;
			}
		}
		d->off += 4 + len;
		d->msgs++;
	}
	return W_STOP;
}

/* ---- labels ---- */

static void show_label(const struct nl_host_api *api, struct nl_flow *flow, struct bt_state *st,
		       uint8_t kind)
{
	/* uTP outranks the DHT (the connection, not the chatter beside it). */
	static const uint8_t rank[] = { 0, 4, 1, 0, 3, 0, 0, 0, 2 };	/* by BS_* bit */
	if (st->label && rank[st->label] >= rank[kind])
		return;
	st->label = kind;
	api->set_state(flow, kind == BS_TCP_MINE ? "BITTORRENT"
			     : kind == BS_UTP	 ? "BT_UTP"
			     : kind == BS_DHT	 ? "BT_DHT"
						 : "BT_TRACKER");
}

/* ---- TCP ---- */

static enum nl_verdict tcp_dissect(const struct nl_host_api *api, struct nl_flow *flow,
				   struct bt_state *st, const struct nl_payload *p)
{
	int side = p->from_client ? 1 : 0;
	struct bt_dir *d = &st->dir[side], *o = &st->dir[!side];
	struct nl_reader r = nl_reader_rest(&p->data);
	size_t len = nl_reader_left(&r);

	/* Bytes lost before this data (NL_DESC_GAPS): a hole inside a message
	 * being walked over (a bitfield, a piece) shortens what is left of it,
	 * and the extended handshake after it is still read; one that takes a
	 * message's head, or the handshake's, leaves no way to find the next
	 * message: that side stops (a flow not yet claimed is given up). */
	uint32_t gap = NL_PAYLOAD_HAS(p, gap) ? p->gap : 0;
	if (gap) {
		if (!(st->flags & BS_TCP_MINE))
			return NL_NOT_MINE;
		if ((d->flags & BD_HS) && d->off >= gap)
			d->off -= gap;
		else
			d->flags |= BD_STOP;
	}

	if (!(d->flags & (BD_HS | BD_STOP))) {
		size_t at = 0;		/* where the handshake starts */
		int m = prefix_match(&r);
		/* A first flight of MSE's size (BEP 8's key exchange; aria2 sends
		 * one even when it then selects plaintext) is searched for the
		 * handshake that follows it in the clear. */
		if (m < 0 && !(d->flags & BD_SEEN) && len >= MSE_MIN && len <= MSE_MAX)
			d->flags |= BD_MSE;
		d->flags |= BD_SEEN;
		if (m < 0 && (d->flags & BD_MSE)) {
			at = find_prefix(&r, MSE_SEARCH);
			if (at == SIZE_MAX) {
				if (len < MSE_SEARCH)
					return NL_NEED_MORE;
				at = 0;
			} else {
				m = 1;
			}
		}
		if (m < 0) {
			if (!(st->flags & BS_TCP_MINE))
				return NL_NOT_MINE;
			d->flags |= BD_STOP;	/* the other side spoke BitTorrent */
		} else if (m == 0 || len - at < BT_HS_LEN) {
			return NL_NEED_MORE;
		} else {
			struct nl_reader h = nl_reader_rest(&r);
			uint8_t res5 = 0;
			nl_reader_skip(&h, at);
			nl_peek_u8(&h, 25, &res5);
			read_handshake(api, flow, side, &h);
			d->flags |= BD_HS;
			d->off = (uint32_t)(at + BT_HS_LEN);
			st->flags |= BS_TCP_MINE;
			show_label(api, flow, st, BS_TCP_MINE);
			/* No extension protocol: no extended handshake to wait for. */
			if (!(res5 & 0x10))
				d->flags |= BD_STOP;
		}
	}
	if ((d->flags & BD_HS) && !(d->flags & BD_STOP) && walk_messages(api, flow, side, d, r) == W_STOP)
		d->flags |= BD_STOP;
	/* A 1.0 host keeps the stream from its first byte, NL_MAX_STREAM of it. */
	if (!(d->flags & BD_STOP) && d->off >= NL_MAX_STREAM && !NL_HOST_HAS(api, consume))
		d->flags |= BD_STOP;
	/* ABI 1.1: what is read is not read again, nor a stopped side at all. */
	if (NL_HOST_HAS(api, consume) && (d->flags & BD_HS)) {
		size_t done = (d->flags & BD_STOP) ? len : d->off < len ? d->off : len;
		if (done && api->consume(flow, done) == 0)
			d->off = d->off > done ? (uint32_t)(d->off - done) : 0;
	}
	if ((d->flags & BD_STOP) && NL_HOST_HAS(api, ignore_direction))
		api->ignore_direction(flow, side);
	if ((d->flags & BD_STOP) && (o->flags & BD_STOP))
		return NL_DONE;
	return NL_NEED_MORE;
}

/* ---- UDP ---- */

/* A KRPC message: the whole datagram r. 0 when it is one (fields set
 * only then). */
static int dht_read(const struct nl_host_api *api, struct nl_flow *flow, struct nl_reader r)
{
	int items = 0;
	struct nl_reader whole = r, t = nl_reader_make(NULL, 0), y = t, q = t, v = t;
	int have_t = 0, have_y = 0, have_q = 0, have_v = 0, body = 0;
	if (benc_skip(&whole, 0, &items) < 0 || nl_reader_left(&whole) != 0 || nl_get_u8(&r) != 'd')
		return -1;
	/* Bounded: each key consumes bytes, and the walk above counted them. */
	for (int i = 0; i < BENC_MAX_ITEMS; i++) {
		uint8_t c = 0;
		struct nl_reader key;
		if (nl_peek_u8(&r, 0, &c) < 0 || c == 'e')
			break;
		if (benc_str(&r, &key) < 0 || nl_peek_u8(&r, 0, &c) < 0)
			return -1;
		int is_str = c >= '0' && c <= '9';
		if (is_str && (str_is(&key, "t") || str_is(&key, "y") || str_is(&key, "q") ||
			       str_is(&key, "v"))) {
			struct nl_reader *dst = str_is(&key, "t") ? &t
					      : str_is(&key, "y") ? &y
					      : str_is(&key, "q") ? &q
								  : &v;
			if (benc_str(&r, dst) < 0)
				return -1;
			if (dst == &t)
				have_t = 1;
			else if (dst == &y)
				have_y = 1;
			else if (dst == &q)
				have_q = 1;
			else
				have_v = 1;
			continue;
		}
		if (c == 'd' && (str_is(&key, "a") || str_is(&key, "r")))
			body |= str_is(&key, "a") ? 1 : 2;
		if (c == 'l' && str_is(&key, "e"))
			body |= 4;
		items = 0;
		if (benc_skip(&r, 1, &items) < 0)
			return -1;
	}
	if (!have_t || !have_y || nl_reader_left(&y) != 1 || nl_reader_left(&t) > 64)
		return -1;
	uint8_t kind = 0;
	nl_peek_u8(&y, 0, &kind);
	if (!((kind == 'q' && have_q && (body & 1)) || (kind == 'r' && (body & 2)) ||
	      (kind == 'e' && (body & 4))))
		return -1;
	/* A method is a short name: [a-z_] */
	if (kind == 'q') {
		size_t n = nl_reader_left(&q);
		if (n == 0 || n > 32)
			return -1;
		for (size_t i = 0; i < n; i++) {
			uint8_t c = 0;
			nl_peek_u8(&q, i, &c);
			if (!((c >= 'a' && c <= 'z') || c == '_'))
				return -1;
		}
	}
	api->add_str(flow, F_DHT_KINDS, kind == 'q' ? "query" : kind == 'r' ? "response" : "error",
		     kind == 'q' ? 5 : kind == 'r' ? 8 : 5);
	if (kind == 'q')
		set_from(api, flow, F_DHT_METHODS, q, 1);
	size_t vn = nl_reader_left(&v);
	if (have_v && vn > 0 && vn <= 16) {
		uint8_t b[16], a = 0, c = 0;
		char out[48];
		int pr = 1;
		nl_get_bytes(&v, b, vn);
		for (size_t i = 0; i < vn; i++)
			if (b[i] < 0x20 || b[i] >= 0x7f)
				pr = 0;
		a = b[0];
		c = vn > 1 ? b[1] : 0;
		int letters = vn >= 2 && is_alnum(a) && is_alnum(c);
		if (letters && vn == 4 && !pr) {
			snprintf(out, sizeof(out), "%c%c %u.%u", a, c, b[2], b[3]);
		} else if (pr) {
			memcpy(out, b, vn);
			out[vn] = '\0';
		} else if (letters) {
			out[0] = (char)a;
			out[1] = (char)c;
			out[2] = ' ';
			hex(out + 3, b + 2, vn - 2);
			out[3 + 2 * (vn - 2)] = '\0';
		} else {
			hex(out, b, vn);
			out[2 * vn] = '\0';
		}
		api->add_str(flow, F_DHT_VERSION, out, strlen(out));
	}
	return 0;
}

struct utp_hdr {
	uint8_t type;
	uint16_t conn;
	uint16_t seq, ack;
	struct nl_reader data;	/* after the extensions */
};

/* A uTP header with its extension chain walked exactly; 0 when well formed. */
static int utp_parse(struct nl_reader r, struct utp_hdr *h)
{
	uint8_t b0 = nl_get_u8(&r), ext = nl_get_u8(&r);
	h->conn = nl_get_be16(&r);
	nl_reader_skip(&r, 12);	/* timestamps, window */
	h->seq = nl_get_be16(&r);
	h->ack = nl_get_be16(&r);
	if (!nl_reader_ok(&r) || (b0 & 0x0f) != 1 || (b0 >> 4) > 4)
		return -1;
	h->type = b0 >> 4;
	for (int i = 0; ext != 0; i++) {
		if (i >= UTP_MAX_EXT)
			return -1;
		uint8_t next = nl_get_u8(&r), len = nl_get_u8(&r);
		if (!nl_reader_ok(&r) || !nl_reader_has(&r, len))
			return -1;
		/* 1: selective ack, a bitmask of 32-bit words; 2: extension
		 * bits (8 bytes); 3: libtorrent's close reason (4 bytes). */
		if (!((ext == 1 && len >= 4 && len % 4 == 0 && len <= 32) || (ext == 2 && len == 8) ||
		      (ext == 3 && len == 4)))
			return -1;
		nl_reader_skip(&r, len);
		ext = next;
	}
	h->data = nl_reader_rest(&r);
	/* Only ST_DATA carries bytes. */
	if (h->type != 0 && nl_reader_left(&h->data) != 0)
		return -1;
	if (h->type == 0 && nl_reader_left(&h->data) == 0)
		return -1;
	return 0;
}

/* The peer wire inside a uTP data packet: a handshake (and messages after
 * it in the same packet). No reassembly: only a packet that starts with
 * the handshake is read. 0 when it did. */
static int utp_handshake(const struct nl_host_api *api, struct nl_flow *flow, struct bt_state *st,
			 int side, struct nl_reader data)
{
	struct bt_dir *d = &st->dir[side];
	if (d->flags & BD_HS)
		return -1;
	if (prefix_match(&data) != 1 || nl_reader_left(&data) < BT_HS_LEN)
		return -1;
	struct nl_reader h = data;
	read_handshake(api, flow, side, &h);
	d->flags |= BD_HS;
	d->off = BT_HS_LEN;
	walk_messages(api, flow, side, d, data);
	d->flags |= BD_STOP;
	return 0;
}

static int tracker_connect(const struct nl_payload *p)
{
	struct nl_reader r = nl_reader_rest(&p->data);
	if (!p->from_client || nl_reader_left(&r) != 16)
		return 0;
	uint64_t magic = nl_get_be64(&r);
	uint32_t action = nl_get_be32(&r);
	return magic == TRACKER_MAGIC && action == 0;
}

static enum nl_verdict udp_dissect(const struct nl_host_api *api, struct nl_flow *flow,
				   struct bt_state *st, const struct nl_payload *p)
{
	struct nl_reader r = nl_reader_rest(&p->data);
	int side = p->from_client ? 1 : 0;
	uint8_t c0 = 0;
	struct utp_hdr h;
	int claimed = st->flags & (BS_DHT | BS_UTP | BS_TRACKER);

	if (nl_peek_u8(&r, 0, &c0) < 0)
		return claimed ? NL_NEED_MORE : NL_NOT_MINE;
	if (st->flags & BS_TRACKER) {
		/* BEP 15: the client's requests carry the action at 8, the
		 * tracker's answers at 0. */
		static const char *const act[] = { "connect", "announce", "scrape", "error" };
		struct nl_reader a = r;
		if (side)
			nl_reader_skip(&a, 8);
		uint32_t n = nl_get_be32(&a);
		if (nl_reader_ok(&a) && nl_reader_left(&a) >= 4 && n < 4)
			api->add_str(flow, F_TRACKER_ACTIONS, act[n], strlen(act[n]));
		return NL_NEED_MORE;
	}
	if (c0 == 'd' && dht_read(api, flow, r) == 0) {
		st->flags |= BS_DHT;
		show_label(api, flow, st, BS_DHT);
		return NL_NEED_MORE;
	}
	if (utp_parse(r, &h) == 0) {
		/* The SYN's numbers, for the relation with the answer (a
		 * later SYN is a new uTP connection on the same ports). */
		if (h.type == 4 && side) {
			st->flags |= BS_SYN;
			st->syn_conn = h.conn;
			st->syn_seq = h.seq;
		}
		int related = h.type == 2 && !side && (st->flags & BS_SYN) && h.conn == st->syn_conn &&
			      h.ack == st->syn_seq;
		int hs = h.type == 0 && utp_handshake(api, flow, st, side, h.data) == 0;
		if (related || hs || (claimed & BS_UTP)) {
			st->flags |= BS_UTP;
			show_label(api, flow, st, BS_UTP);
			return NL_NEED_MORE;
		}
		if (claimed)
			return NL_NEED_MORE;
		if (++st->waited > UTP_MAX_WAIT)
			return NL_NOT_MINE;
		return NL_NEED_MORE;
	}
	if (!claimed && !st->waited && !(st->flags & BS_SYN) && tracker_connect(p)) {
		st->flags |= BS_TRACKER;
		api->add_str(flow, F_TRACKER_ACTIONS, "connect", 7);
		show_label(api, flow, st, BS_TRACKER);
		return NL_NEED_MORE;
	}
	return claimed ? NL_NEED_MORE : NL_NOT_MINE;
}

static enum nl_verdict bt_dissect(const struct nl_host_api *api, struct nl_flow *flow, void *state,
				  const struct nl_payload *p)
{
	struct bt_state *st = state;
	if (!st)
		return NL_NOT_MINE;
	if (p->transport == NL_TCP)
		return tcp_dissect(api, flow, st, p);
	if (p->transport == NL_UDP)
		return udp_dissect(api, flow, st, p);
	return NL_NOT_MINE;
}

/* BitTorrent has no fixed port; 6881-6889 are the old defaults (tshark's
 * too), 51413 Transmission's, 6771 LPD is multicast HTTP-like text, not
 * read here. */
static const uint16_t bt_ports[] = { 6881, 6882, 6883, 6884, 6885, 6886, 6887, 6888, 6889, 51413 };

static const struct nl_dissector bt_dissector = {
	.struct_size = sizeof(struct nl_dissector),
	.abi_major = NL_ABI_MAJOR,
	.abi_minor = NL_ABI_MINOR,
	.flags = NL_DESC_STREAM | NL_DESC_GAPS,
	.transports = NL_TCP | NL_UDP,
	.name = "bittorrent",
	.version = "1.0.0",
	.license = "MIT",
	.description = "BitTorrent peer handshake, extended handshake, DHT, uTP, UDP tracker",
	.display = "BitTorrent",
	.port_hints = bt_ports,
	.n_port_hints = sizeof(bt_ports) / sizeof(bt_ports[0]),
	.packet_budget = BT_BUDGET,
	/* 0: UDP's default, 60 s, is RustNet's for UDP BitTorrent; a TCP peer
	 * connection keeps TCP's 300 s (keep-alives come every 120 s). */
	.idle_timeout_s = 0,
	.state_size = sizeof(struct bt_state),
	.fields = bt_fields,
	.n_fields = F_COUNT,
	.domain_field = -1,
	.dissect = bt_dissect,
};

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void);

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void)
{
	return &bt_dissector;
}
