/*
 * mqtt.c - MQTT 3.1, 3.1.1 and 5.0 over TCP: the CONNECT, the CONNACK, the
 * packet types, topics and QoS of a session's first packets.
 *
 * MQTT 3.1 (IBM/Eurotech, protocol name "MQIsdp", level 3), OASIS MQTT
 * Version 3.1.1 (2014, "MQTT", level 4) and OASIS MQTT Version 5.0 (2019,
 * "MQTT", level 5). Every packet (3.1.1 §2.2, 5.0 §2.1) is
 *
 *   byte 0       packet type (bits 7-4) | flags (bits 3-0)
 *   1..4         remaining length: variable byte integer, 7 bits a byte,
 *                least significant first, bit 7 "more"; at most 4 bytes
 *                (268 435 455)
 *   then         variable header and payload, "remaining length" bytes
 *
 *   type  1 CONNECT  2 CONNACK  3 PUBLISH  4 PUBACK  5 PUBREC  6 PUBREL
 *         7 PUBCOMP  8 SUBSCRIBE  9 SUBACK  10 UNSUBSCRIBE  11 UNSUBACK
 *        12 PINGREQ 13 PINGRESP 14 DISCONNECT 15 AUTH (5.0 only)
 *   flags are 0, except PUBREL, SUBSCRIBE, UNSUBSCRIBE: 0010, and PUBLISH:
 *         DUP (bit 3), QoS (bits 2-1, 3 is invalid), RETAIN (bit 0)
 *
 * CONNECT (client, first packet; 3.1.1 §3.1, 5.0 §3.1):
 *
 *   u16 len + "MQTT" (or "MQIsdp")   protocol name
 *   u8  level                        3, 4, 5
 *   u8  connect flags                7 user name, 6 password, 5 will retain,
 *                                    4-3 will QoS, 2 will, 1 clean session
 *                                    (5.0: clean start), 0 reserved (0)
 *   u16 keep alive (s)
 *   [5.0: properties: varint length + bytes]
 *   u16 len + client identifier
 *   [will: 5.0 will properties; u16 len + will topic; u16 len + will payload]
 *   [user name: u16 len + name] [password: u16 len + bytes: never read]
 *
 * CONNACK (server): u8 acknowledge flags (bit 0 session present), u8 return
 * code (3.1.1: 0-5) or reason code (5.0: 0x00, 0x80-0x9f), [5.0 properties].
 * PUBLISH: u16 len + topic name, [QoS > 0: u16 packet id], [5.0 properties],
 * payload. SUBSCRIBE: u16 packet id, [5.0 properties], then (u16 len + topic
 * filter, u8 options with the requested QoS in bits 1-0) repeated.
 * DISCONNECT (5.0): [u8 reason code, properties].
 *
 * Claiming. The host gives a flow to the first dissector that sets a field,
 * so nothing is set before the client's first packet has been checked as a
 * CONNECT: first byte 0x10, a valid remaining length, protocol name "MQTT"
 * or "MQIsdp", reserved flag bit 0 clear, and every field it announces
 * within the remaining length, which it must fill exactly. Off port 1883 the
 * level must match the name (MQIsdp 3; MQTT 4 or 5, bit 7 allowed: the
 * bridge flag mosquitto sets); on 1883 any level 3-5 with either name. Port
 * 8883 is MQTT over TLS, left to tls. The server never speaks first: server
 * bytes before a CONNECT are not MQTT. A capture starting mid-session (no
 * CONNECT) is not claimed.
 *
 * Then both directions are walked packet by packet, MQTT_MAX_PACKETS each.
 * Only the first MQTT_PARSE_MAX bytes of a packet are waited for and read,
 * of a PUBLISH only its topic name and packet identifier: the rest is
 * consumed as it comes and skipped, so messages of any size are followed
 * without buffering them. A hole in the stream that the host gives up (a
 * segment lost from the capture, or retransmitted too late; NL_DESC_GAPS)
 * costs nothing when it lies inside a payload being skipped: the skip is
 * shortened by it and the next packet is read where it begins. A hole
 * anywhere else stops that side (packet boundaries are lost). State label:
 * MQTT_<TYPE> of the last packet read (so a session that keeps alive shows
 * MQTT_PINGRESP, one that ended MQTT_DISCONNECT); the packet_types list
 * keeps the whole history.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <netlens/dissector.h>

#define MQTT_PORT 1883
#define MQTT_TLS_PORT 8883
#define MQTT_MAX_PACKETS 32	/* packets read per direction */
#define MQTT_PARSE_MAX 4096	/* bytes of one packet's body waited for and read */
#define MQTT_MAX_FILTERS 16	/* topic filters read of one SUBSCRIBE */
/* Stream deliveries: a session's first 32 packets a side, most of them one
 * a segment, and large PUBLISH payloads skipped on the way: each full
 * segment of one is a delivery, so about 480 KB of payload at a 1448-byte
 * MSS; past that the host stops offering the flow. */
#define MQTT_BUDGET 400

enum mqtt_field {
	F_CLIENT_ID, F_VERSION, F_CONNACK, F_USER, F_WILL_TOPIC, F_KEEP_ALIVE, F_CLEAN,
	F_CONNECT_FLAGS, F_SESSION_PRESENT, F_TYPES, F_TOPICS, F_MAX_QOS, F_DISCONNECT_REASON,
	F_COUNT
};

static const struct nl_field mqtt_fields[F_COUNT] = {
	{ F_CLIENT_ID, NL_FIELD_STR, 0, "mqtt.client_id", "Client identifier" },
	{ F_VERSION, NL_FIELD_STR, 0, "mqtt.version", "Protocol version" },
	{ F_CONNACK, NL_FIELD_U64, 0, "mqtt.connack_code", "CONNACK return code" },
	{ F_USER, NL_FIELD_STR, 0, "mqtt.user", "User name" },
	{ F_WILL_TOPIC, NL_FIELD_STR, 0, "mqtt.will_topic", "Will topic" },
	{ F_KEEP_ALIVE, NL_FIELD_U64, 0, "mqtt.keep_alive", "Keep alive (s)" },
	{ F_CLEAN, NL_FIELD_U64, 0, "mqtt.clean_session", "Clean session" },
	{ F_CONNECT_FLAGS, NL_FIELD_U64, 0, "mqtt.connect_flags", "Connect flags" },
	{ F_SESSION_PRESENT, NL_FIELD_U64, 0, "mqtt.session_present", "Session present" },
	{ F_TYPES, NL_FIELD_STR_LIST, 0, "mqtt.packet_types", "Packet types" },
	{ F_TOPICS, NL_FIELD_STR_LIST, 0, "mqtt.topics", "Topics" },
	{ F_MAX_QOS, NL_FIELD_U64, 0, "mqtt.max_qos", "Highest QoS" },
	{ F_DISCONNECT_REASON, NL_FIELD_U64, 0, "mqtt.disconnect_reason", "DISCONNECT reason code" },
};

enum {
	T_CONNECT = 1, T_CONNACK, T_PUBLISH, T_PUBACK, T_PUBREC, T_PUBREL, T_PUBCOMP, T_SUBSCRIBE,
	T_SUBACK, T_UNSUBSCRIBE, T_UNSUBACK, T_PINGREQ, T_PINGRESP, T_DISCONNECT, T_AUTH
};

static const char *const type_names[16] = {
	"", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL", "PUBCOMP",
	"SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT",
	"AUTH",
};

static const char *const type_labels[16] = {
	"", "MQTT_CONNECT", "MQTT_CONNACK", "MQTT_PUBLISH", "MQTT_PUBACK", "MQTT_PUBREC",
	"MQTT_PUBREL", "MQTT_PUBCOMP", "MQTT_SUBSCRIBE", "MQTT_SUBACK", "MQTT_UNSUBSCRIBE",
	"MQTT_UNSUBACK", "MQTT_PINGREQ", "MQTT_PINGRESP", "MQTT_DISCONNECT", "MQTT_AUTH",
};

/* mqtt_dir.flags */
#define MD_STOP 0x01		/* nothing more to read on this side */

struct mqtt_dir {
	uint32_t off;		/* bytes read of the call's data (0 again once consumed) */
	uint32_t skip;		/* bytes of the current packet still to pass over */
	uint8_t packets;	/* packets read */
	uint8_t flags;		/* MD_* */
};

struct mqtt_state {
	struct mqtt_dir dir[2];	/* [1]: from the client */
	uint8_t mine;		/* the CONNECT was read: the flow is claimed */
	uint8_t level;		/* protocol level of the CONNECT (3, 4, 5) */
	uint8_t max_qos;	/* highest QoS shown, +1 (0: none yet) */
	uint8_t done;
};

enum scan { SCAN_OK, SCAN_MORE, SCAN_BAD };

/* The variable byte integer at r (3.1.1 §2.2.3): SCAN_MORE when cut short,
 * SCAN_BAD for a fifth byte. */
static enum scan get_varint(struct nl_reader *r, uint32_t *out)
{
	uint32_t v = 0;
	for (int i = 0; i < 4; i++) {
		uint8_t b;
		if (nl_peek_u8(r, 0, &b) < 0)
			return SCAN_MORE;
		nl_get_u8(r);
		v |= (uint32_t)(b & 0x7f) << (7 * i);
		if (!(b & 0x80)) {
			*out = v;
			return SCAN_OK;
		}
	}
	return SCAN_BAD;
}

/* A u16-length-prefixed string (3.1.1 §1.5.3) as a sub-reader; sets r's
 * error flag when it does not fit. */
static struct nl_reader get_string(struct nl_reader *r)
{
	uint16_t n = nl_get_be16(r);
	if (!nl_reader_ok(r))
		return nl_reader_make(NULL, 0);
	return nl_reader_sub(r, n);
}

/* Skips 5.0 properties (§2.2.2): a variable byte integer length, bytes. */
static void skip_properties(struct nl_reader *r)
{
	uint32_t n = 0;
	if (get_varint(r, &n) != SCAN_OK)
		nl_reader_fail(r);
	else
		nl_reader_skip(r, n);
}

static void put_str(const struct nl_host_api *api, struct nl_flow *flow, uint16_t field,
		    struct nl_reader s)
{
	size_t n = nl_reader_left(&s);
	const uint8_t *p = nl_get_span(&s, n);
	if (p)
		api->set_str(flow, field, p, n > NL_MAX_STR ? NL_MAX_STR : n);
}

static void add_topic(const struct nl_host_api *api, struct nl_flow *flow, struct nl_reader s)
{
	size_t n = nl_reader_left(&s);
	const uint8_t *p = nl_get_span(&s, n);
	if (p && n)	/* 5.0: an empty topic name with a topic alias names nothing */
		api->add_str(flow, F_TOPICS, p, n > NL_MAX_STR ? NL_MAX_STR : n);
}

static void note_qos(const struct nl_host_api *api, struct nl_flow *flow, struct mqtt_state *st,
		     unsigned qos)
{
	if (qos + 1 > st->max_qos) {
		st->max_qos = (uint8_t)(qos + 1);
		api->set_u64(flow, F_MAX_QOS, qos);
	}
}

/* Whether the string at s is name. */
static int str_is(struct nl_reader s, const char *name)
{
	size_t n = strlen(name);
	const uint8_t *p = nl_get_span(&s, n);
	return p && nl_reader_left(&s) == 0 && !memcmp(p, name, n);
}

/*
 * The CONNECT's body, whole (len bytes, whole set) or its first
 * MQTT_PARSE_MAX bytes. SCAN_BAD: not a CONNECT (not claimed). With show
 * set, its fields are set; otherwise only checked.
 */
static enum scan connect_body(const struct nl_host_api *api, struct nl_flow *flow,
			      struct mqtt_state *st, struct nl_reader b, int whole, int on_port,
			      int show)
{
	struct nl_reader name = get_string(&b);
	uint8_t level = nl_get_u8(&b);
	uint8_t flags = nl_get_u8(&b);
	uint16_t keep_alive = nl_get_be16(&b);
	if (!nl_reader_ok(&b))
		return SCAN_BAD;
	int mqisdp = str_is(name, "MQIsdp");
	if (!mqisdp && !str_is(name, "MQTT"))
		return SCAN_BAD;
	uint8_t lv = level & 0x7f;	/* bit 7: a mosquitto bridge ("try_private") */
	if (lv < 3 || lv > 5)
		return SCAN_BAD;
	if (!on_port && (mqisdp ? lv != 3 : lv == 3))
		return SCAN_BAD;
	/* Reserved bit 0; and without a will, no will QoS or retain
	 * (3.1.1 §3.1.2.6-7: will QoS 3 is invalid too). */
	if ((flags & 0x01) || ((flags >> 3) & 3) == 3 || (!(flags & 0x04) && (flags & 0x38)))
		return SCAN_BAD;
	if (lv == 5)
		skip_properties(&b);
	struct nl_reader id = get_string(&b);
	struct nl_reader will_topic = nl_reader_make(NULL, 0), user = nl_reader_make(NULL, 0);
	if (flags & 0x04) {
		if (lv == 5)
			skip_properties(&b);
		will_topic = get_string(&b);
		get_string(&b);		/* will payload */
	}
	if (flags & 0x80)
		user = get_string(&b);
	if (flags & 0x40)
		get_string(&b);		/* the password: passed over, never read */
	/* A whole CONNECT is exactly its fields; a longer one's first part
	 * only has to hold those that begin in it. */
	if (whole && (!nl_reader_ok(&b) || nl_reader_left(&b) != 0))
		return SCAN_BAD;
	if (!show)
		return SCAN_OK;

	st->level = lv;
	static const char *const vers[] = { "3.1", "3.1.1", "5.0" };
	api->set_str(flow, F_VERSION, vers[lv - 3], strlen(vers[lv - 3]));
	api->set_u64(flow, F_CONNECT_FLAGS, flags);
	api->set_u64(flow, F_KEEP_ALIVE, keep_alive);
	api->set_u64(flow, F_CLEAN, (flags >> 1) & 1);
	put_str(api, flow, F_CLIENT_ID, id);
	if (flags & 0x04)
		put_str(api, flow, F_WILL_TOPIC, will_topic);
	if (flags & 0x80)
		put_str(api, flow, F_USER, user);
	return SCAN_OK;
}

/* A packet's body after the claim (CONNECT handled before). */
static enum scan packet_body(const struct nl_host_api *api, struct nl_flow *flow,
			     struct mqtt_state *st, int client, unsigned type, unsigned hflags,
			     struct nl_reader b, int whole)
{
	int v5 = st->level == 5;
	switch (type) {
	case T_CONNACK: {
		uint8_t ack = nl_get_u8(&b);
		uint8_t code = nl_get_u8(&b);
		if (!nl_reader_ok(&b) || client)
			return SCAN_BAD;
		if (whole && !v5 && nl_reader_left(&b) != 0)
			return SCAN_BAD;
		/* 3.1's first byte is reserved, unused: no session present. */
		if (st->level != 3) {
			if (ack & 0xfe)
				return SCAN_BAD;
			api->set_u64(flow, F_SESSION_PRESENT, ack & 1);
		}
		api->set_u64(flow, F_CONNACK, code);
		if (code != 0)	/* refused: the server closes the connection */
			st->dir[0].flags |= MD_STOP, st->dir[1].flags |= MD_STOP;
		break;
	}
	case T_PUBLISH: {
		unsigned qos = (hflags >> 1) & 3;
		struct nl_reader topic = get_string(&b);
		if (qos)
			nl_get_be16(&b);	/* packet identifier */
		if (nl_reader_ok(&b))
			add_topic(api, flow, topic);
		else if (whole)
			return SCAN_BAD;
		/* else a topic name longer than MQTT_PARSE_MAX: not shown */
		note_qos(api, flow, st, qos);
		break;
	}
	case T_SUBSCRIBE: {
		if (!client)
			return SCAN_BAD;
		nl_get_be16(&b);		/* packet identifier */
		if (v5)
			skip_properties(&b);
		if (!nl_reader_ok(&b))
			return SCAN_BAD;
		for (int i = 0; i < MQTT_MAX_FILTERS && nl_reader_left(&b) > 0; i++) {
			struct nl_reader filter = get_string(&b);
			uint8_t opts = nl_get_u8(&b);
			if (!nl_reader_ok(&b))
				return whole ? SCAN_BAD : SCAN_OK;	/* a cut first part ends here */
			if ((opts & 3) == 3)
				return SCAN_BAD;
			add_topic(api, flow, filter);
			note_qos(api, flow, st, opts & 3);
		}
		break;
	}
	case T_PINGREQ:
	case T_PINGRESP:
		if (nl_reader_left(&b) != 0)
			return SCAN_BAD;
		break;
	case T_DISCONNECT: {
		/* 5.0: a reason code, none meaning 0 (§3.14.2.1). */
		uint8_t reason = 0;
		if (v5 && nl_reader_left(&b) > 0)
			reason = nl_get_u8(&b);
		else if (!v5 && nl_reader_left(&b) != 0)
			return SCAN_BAD;
		if (v5)
			api->set_u64(flow, F_DISCONNECT_REASON, reason);
		st->dir[client].flags |= MD_STOP;
		break;
	}
	case T_CONNECT:
		return SCAN_BAD;	/* a second CONNECT is a protocol error (§3.1) */
	case T_AUTH:
		if (!v5)
			return SCAN_BAD;
		break;
	default:
		break;
	}
	return SCAN_OK;
}

/* Whether a fixed header's flags are those its type must have (3.1 let
 * retransmissions set DUP on more types: not checked there). */
static int flags_ok(const struct mqtt_state *st, unsigned type, unsigned hflags)
{
	if (type == T_PUBLISH)
		return ((hflags >> 1) & 3) != 3;
	if (st->level == 3)
		return 1;
	if (type == T_PUBREL || type == T_SUBSCRIBE || type == T_UNSUBSCRIBE)
		return hflags == 2;
	return hflags == 0;
}

/* Reads this side's packets from r; SCAN_MORE when the next one is not in
 * yet, SCAN_BAD for a broken one. */
static enum scan read_packets(const struct nl_host_api *api, struct nl_flow *flow,
			      struct mqtt_state *st, int client, struct nl_reader *r)
{
	struct mqtt_dir *d = &st->dir[client];
	if (d->skip) {
		size_t n = nl_reader_left(r);
		if (n > d->skip)
			n = d->skip;
		nl_reader_skip(r, n);
		d->skip -= (uint32_t)n;
		d->off = (uint32_t)nl_reader_offset(r);
		if (d->skip)
			return SCAN_MORE;
	}
	while (!(d->flags & MD_STOP)) {
		if (d->packets >= MQTT_MAX_PACKETS) {
			d->flags |= MD_STOP;
			break;
		}
		struct nl_reader h = nl_reader_rest(r);
		uint8_t b0 = nl_get_u8(&h);
		uint32_t len = 0;
		if (!nl_reader_ok(&h))
			return SCAN_MORE;
		enum scan s = get_varint(&h, &len);
		if (s != SCAN_OK)
			return s;
		unsigned type = b0 >> 4, hflags = b0 & 0x0f;
		if (type == 0 || !flags_ok(st, type, hflags))
			return SCAN_BAD;
		size_t hlen = nl_reader_offset(&h);
		size_t want = len < MQTT_PARSE_MAX ? len : MQTT_PARSE_MAX;
		if (type == T_PUBLISH) {
			/* Only the topic name and packet identifier are read:
			 * the payload is not waited for. */
			struct nl_reader t = nl_reader_rest(&h);
			size_t need = (size_t)nl_get_be16(&t) + 2 + (((hflags >> 1) & 3) ? 2 : 0);
			if (!nl_reader_ok(&t) && len >= 2)
				return SCAN_MORE;
			if (need < want)
				want = need;
		}
		if (!nl_reader_has(&h, want))
			return SCAN_MORE;
		struct nl_reader body = nl_reader_sub(&h, want);
		s = packet_body(api, flow, st, client, type, hflags, body, want == len);
		if (s != SCAN_OK)
			return s;
		api->add_str(flow, F_TYPES, type_names[type], strlen(type_names[type]));
		api->set_state(flow, type_labels[type]);
		d->packets++;
		/* Past the packet, or as far as there is and the rest skipped. */
		size_t avail = nl_reader_left(r) - hlen;
		if (avail >= len) {
			nl_reader_skip(r, hlen + len);
		} else {
			nl_reader_skip(r, hlen + avail);
			d->skip = (uint32_t)(len - avail);
		}
		d->off = (uint32_t)nl_reader_offset(r);
		if (d->skip)
			return SCAN_MORE;
	}
	return SCAN_OK;
}

/* Before the claim: the client's first packet, not consumed. SCAN_OK when
 * it is a CONNECT (fields set), SCAN_MORE to wait, SCAN_BAD: not MQTT. */
static enum scan first_connect(const struct nl_host_api *api, struct nl_flow *flow,
			       struct mqtt_state *st, struct nl_reader r, int on_port)
{
	struct mqtt_dir *d = &st->dir[1];
	if (nl_get_u8(&r) != 0x10)
		return nl_reader_ok(&r) ? SCAN_BAD : SCAN_MORE;
	uint32_t len = 0;
	enum scan s = get_varint(&r, &len);
	if (s != SCAN_OK)
		return s;
	/* The shortest: name "MQTT", level, flags, keep alive, empty id. */
	if (len < 12)
		return SCAN_BAD;
	size_t hlen = nl_reader_offset(&r);
	size_t want = len < MQTT_PARSE_MAX ? len : MQTT_PARSE_MAX;
	if (!nl_reader_has(&r, want)) {
		/* Not all in: what is there must begin as a CONNECT does. */
		struct nl_reader part = nl_reader_rest(&r);
		uint16_t n = nl_get_be16(&part);
		if (!nl_reader_ok(&part))
			return SCAN_MORE;
		if (n != 4 && n != 6)
			return SCAN_BAD;
		const char *name = n == 6 ? "MQIsdp" : "MQTT";
		for (size_t i = 0; i < n; i++) {
			uint8_t c;
			if (nl_peek_u8(&part, i, &c) < 0)
				break;
			if (c != (uint8_t)name[i])
				return SCAN_BAD;
		}
		return SCAN_MORE;
	}
	struct nl_reader body = nl_reader_sub(&r, want);
	if (connect_body(api, flow, st, body, want == len, on_port, 0) != SCAN_OK)
		return SCAN_BAD;
	st->mine = 1;
	connect_body(api, flow, st, body, want == len, on_port, 1);
	api->add_str(flow, F_TYPES, "CONNECT", 7);
	api->set_state(flow, "MQTT_CONNECT");
	d->packets = 1;
	size_t avail = nl_reader_left(&r) + want;
	if (avail >= len) {
		d->off = (uint32_t)(hlen + len);
	} else {
		d->off = (uint32_t)(hlen + avail);
		d->skip = (uint32_t)(len - avail);
	}
	return SCAN_OK;
}

static enum nl_verdict mqtt_dissect(const struct nl_host_api *api, struct nl_flow *flow,
				    void *state, const struct nl_payload *p)
{
	struct mqtt_state *st = state;
	int client = p->from_client ? 1 : 0;

	if (!st || p->transport != NL_TCP)
		return NL_NOT_MINE;
	if (p->src_port == MQTT_TLS_PORT || p->dst_port == MQTT_TLS_PORT)
		return NL_NOT_MINE;	/* MQTT over TLS: tls's */
	struct nl_reader r = nl_reader_rest(&p->data);
	size_t stream_len = nl_reader_left(&r);
	struct mqtt_dir *d = &st->dir[client];

	/* Bytes lost before this data (NL_DESC_GAPS): what lay inside the
	 * payload being skipped is simply not skipped any more; a gap that
	 * takes a packet's head leaves no way to find the next one. */
	uint32_t gap = NL_PAYLOAD_HAS(p, gap) ? p->gap : 0;
	if (gap) {
		if (!st->mine)
			return NL_NOT_MINE;	/* the CONNECT was not seen whole */
		d->off = 0;
		if (d->skip >= gap && !(d->flags & MD_STOP))
			d->skip -= gap;
		else
			d->flags |= MD_STOP;
	}

	if (!st->mine) {
		int on_port = p->src_port == MQTT_PORT || p->dst_port == MQTT_PORT;
		if (!client)
			return NL_NOT_MINE;	/* the server spoke first */
		enum scan s = first_connect(api, flow, st, r, on_port);
		if (s == SCAN_BAD || (s == SCAN_MORE && stream_len >= NL_MAX_STREAM))
			return NL_NOT_MINE;
		if (s == SCAN_MORE)
			return NL_NEED_MORE;
	}

	enum scan s = SCAN_OK;
	if (nl_reader_seek(&r, d->off) < 0)
		return NL_NEED_MORE;	/* shorter than before: not per contract; wait */
	if (!(d->flags & MD_STOP))
		s = read_packets(api, flow, st, client, &r);
	/* The host keeps no more than NL_MAX_STREAM bytes: a side that cannot
	 * be read further without consume() is stopped. */
	if (s == SCAN_MORE && stream_len >= NL_MAX_STREAM && !NL_HOST_HAS(api, consume))
		d->flags |= MD_STOP;
	if (NL_HOST_HAS(api, consume)) {
		size_t done = (d->flags & MD_STOP) ? stream_len : d->off;
		if (done && api->consume(flow, done) == 0)
			d->off = 0;
	}
	if (s == SCAN_BAD)
		return NL_MALFORMED;
	if ((st->dir[0].flags & MD_STOP) && (st->dir[1].flags & MD_STOP))
		return NL_DONE;
	if ((d->flags & MD_STOP) && NL_HOST_HAS(api, ignore_direction))
		api->ignore_direction(flow, client);
	return NL_NEED_MORE;
}

static const uint16_t mqtt_ports[] = { MQTT_PORT };

static const struct nl_dissector mqtt_dissector = {
	.struct_size = sizeof(struct nl_dissector),
	.abi_major = NL_ABI_MAJOR,
	.abi_minor = NL_ABI_MINOR,
	.flags = NL_DESC_STREAM | NL_DESC_GAPS,
	.transports = NL_TCP,
	.name = "mqtt",
	.version = "1.0.0",
	.license = "MIT",
	.description = "MQTT 3.1/3.1.1/5.0: client, user, CONNACK code, packet types, topics, QoS",
	.display = "MQTT",
	.port_hints = mqtt_ports,
	.n_port_hints = sizeof(mqtt_ports) / sizeof(mqtt_ports[0]),
	.packet_budget = MQTT_BUDGET,
	.idle_timeout_s = 0,		/* RustNet gives 120 s for UDP MQTT only; TCP's default */
	.state_size = sizeof(struct mqtt_state),
	.fields = mqtt_fields,
	.n_fields = F_COUNT,
	.domain_field = -1,
	.dissect = mqtt_dissect,
};

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void);

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void)
{
	return &mqtt_dissector;
}
