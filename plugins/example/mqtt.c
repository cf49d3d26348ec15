/*
 * mqtt.c - an example third-party netlens dissector: MQTT (OASIS MQTT 3.1.1
 * and 5.0), built out of tree against <netlens/dissector.h> alone.
 *
 * The client's first packet is CONNECT:
 *
 *   byte 0      0x10 (packet type 1, flags 0)
 *   1..4        remaining length (variable-length integer, 1-4 bytes)
 *   then        protocol name (u16 length + "MQTT", or "MQIsdp" for 3.1)
 *               protocol level (3 = 3.1, 4 = 3.1.1, 5 = 5.0)
 *               connect flags, keep alive (u16)
 *               [5.0: properties (varint length + bytes)]
 *               client identifier (u16 length + UTF-8)
 *
 * The server answers CONNACK (0x20). Fields: mqtt.client_id, mqtt.version,
 * mqtt.connack_code. Any port; 1883 and 8883 are hints.
 */
#include <string.h>

#include <netlens/dissector.h>

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void);

enum { F_CLIENT_ID, F_VERSION, F_CONNACK };

static const struct nl_field fields[] = {
	{ F_CLIENT_ID, NL_FIELD_STR, 0, "mqtt.client_id", "Client identifier" },
	{ F_VERSION, NL_FIELD_STR, 0, "mqtt.version", "Protocol version" },
	{ F_CONNACK, NL_FIELD_U64, 0, "mqtt.connack_code", "CONNACK return code" },
};

static const uint16_t ports[] = { 1883 };

struct mqtt_state { uint8_t have_connect, have_connack; };

/* The MQTT variable-length integer (at most 4 bytes). -1: truncated or bad. */
static long get_varint(struct nl_reader *r)
{
	long v = 0;
	for (int i = 0; i < 4; i++) {
		uint8_t b;
		if (nl_peek_u8(r, 0, &b) < 0)
			return -1;
		nl_get_u8(r);
		v |= (long)(b & 0x7f) << (7 * i);
		if (!(b & 0x80))
			return v;
	}
	return -2;	/* a fifth byte is invalid */
}

static enum nl_verdict connect_packet(const struct nl_host_api *api, struct nl_flow *flow,
				      struct mqtt_state *st, struct nl_reader *r)
{
	if (nl_get_u8(r) != 0x10)
		return NL_NOT_MINE;
	long len = get_varint(r);
	if (len == -1)
		return NL_NEED_MORE;
	if (len < 10)
		return NL_NOT_MINE;
	if (!nl_reader_has(r, (size_t)len))
		return NL_NEED_MORE;
	struct nl_reader body = nl_reader_sub(r, (size_t)len);
	uint16_t nlen = nl_get_be16(&body);
	const uint8_t *name = nl_get_span(&body, nlen);
	if (!name || !((nlen == 4 && !memcmp(name, "MQTT", 4)) || (nlen == 6 && !memcmp(name, "MQIsdp", 6))))
		return NL_NOT_MINE;
	uint8_t level = nl_get_u8(&body);
	nl_get_u8(&body);		/* connect flags */
	nl_get_be16(&body);		/* keep alive */
	if (level == 5) {
		long plen = get_varint(&body);
		if (plen < 0 || nl_reader_skip(&body, (size_t)plen) < 0)
			return NL_MALFORMED;
	}
	uint16_t idlen = nl_get_be16(&body);
	const uint8_t *id = nl_get_span(&body, idlen);
	if (!nl_reader_ok(&body))
		return NL_MALFORMED;
	const char *ver = level == 3 ? "3.1" : level == 4 ? "3.1.1" : level == 5 ? "5.0" : "unknown";
	api->set_str(flow, F_VERSION, ver, strlen(ver));
	api->set_str(flow, F_CLIENT_ID, (const char *)id, idlen);
	st->have_connect = 1;
	return NL_NEED_MORE;
}

static enum nl_verdict mqtt_dissect(const struct nl_host_api *api, struct nl_flow *flow,
				    void *state, const struct nl_payload *p)
{
	struct mqtt_state *st = state;
	struct nl_reader r = p->data;
	if (p->from_client && !st->have_connect) {
		enum nl_verdict v = connect_packet(api, flow, st, &r);
		if (v != NL_NEED_MORE || !st->have_connect)
			return v;
	} else if (!p->from_client && st->have_connect && !st->have_connack) {
		if (nl_get_u8(&r) != 0x20 || nl_get_u8(&r) < 2)
			return st->have_connect ? NL_DONE : NL_NOT_MINE;
		nl_get_u8(&r);			/* acknowledge flags */
		uint8_t code = nl_get_u8(&r);
		if (!nl_reader_ok(&r))
			return NL_NEED_MORE;
		api->set_u64(flow, F_CONNACK, code);
		st->have_connack = 1;
		return NL_DONE;
	} else if (!st->have_connect) {
		return NL_NOT_MINE;	/* the server spoke first: not MQTT */
	}
	return NL_NEED_MORE;
}

static const struct nl_dissector mqtt = {
	.struct_size = sizeof(struct nl_dissector),
	.abi_major = NL_ABI_MAJOR,
	.abi_minor = NL_ABI_MINOR,
	.flags = NL_DESC_STREAM,
	.transports = NL_TCP,
	.name = "mqtt",
	.version = "1.0.0",
	.license = "MIT",
	.description = "MQTT CONNECT / CONNACK: client identifier and protocol version",
	.display = "MQTT",
	.port_hints = ports,
	.n_port_hints = 1,
	.packet_budget = 6,
	.state_size = sizeof(struct mqtt_state),
	.fields = fields,
	.n_fields = 3,
	.domain_field = -1,
	.dissect = mqtt_dissect,
};

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void) { return &mqtt; }
