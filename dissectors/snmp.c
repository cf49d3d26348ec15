/*
 * snmp.c - SNMP dissector plugin for netlens.
 *
 * RFC 1157 (SNMPv1), RFC 1901 and RFC 3416 (SNMPv2c and its PDUs),
 * RFC 3412 (the SNMPv3 message), RFC 3414 (USM security parameters);
 * the encoding is BER, ITU-T X.690. One message per UDP datagram:
 *
 *   Message ::= SEQUENCE {                                 30 len
 *       version    INTEGER (0 = v1, 1 = v2c),              02 01 00|01
 *       community  OCTET STRING,                           04 len "public"
 *       data       PDU }                                   A0..A8 len ...
 *
 *   PDU ::= [n] IMPLICIT SEQUENCE {       A0 Get, A1 GetNext, A2 Response,
 *       request-id    INTEGER,            A3 Set, A5 GetBulk, A6 Inform,
 *       error-status  INTEGER,            A7 SNMPv2-Trap, A8 Report
 *       error-index   INTEGER,            (GetBulk: non-repeaters and
 *       variable-bindings SEQUENCE OF     max-repetitions instead)
 *           SEQUENCE { name OBJECT IDENTIFIER, value ANY } }
 *
 *   Trap-PDU ::= [4] IMPLICIT SEQUENCE {  A4 (v1 only)
 *       enterprise OBJECT IDENTIFIER, agent-addr IpAddress,
 *       generic-trap INTEGER, specific-trap INTEGER,
 *       time-stamp TimeTicks, variable-bindings }
 *
 *   SNMPv3Message ::= SEQUENCE {
 *       msgVersion INTEGER (3),
 *       msgGlobalData SEQUENCE { msgID INTEGER, msgMaxSize INTEGER,
 *                                msgFlags OCTET STRING (SIZE(1)),
 *                                msgSecurityModel INTEGER (3 = USM) },
 *       msgSecurityParameters OCTET STRING,  -- USM: SEQUENCE {
 *                engineID OCTET STRING, boots INTEGER, time INTEGER,
 *                userName OCTET STRING, authParams, privParams }
 *       msgData CHOICE { plaintext ScopedPDU SEQUENCE { contextEngineID,
 *                            contextName, PDU },
 *                        encryptedPDU OCTET STRING } }  -- msgFlags bit 1
 *
 * Claiming. BER has no signature worth the name (any 0x30 byte starts a
 * plausible SEQUENCE), so the flow is claimed only when one of its ports
 * is 161 (agent) or 162 (trap/inform receiver), and off those ports the
 * answer is NL_NOT_MINE at once. On the port, a datagram that is not a
 * well-formed message is NL_MALFORMED while the flow is unproven; once
 * one parsed, a bad one is passed over.
 *
 * The BER reader is strict and bounded: one-byte tags only (SNMP has no
 * high tag numbers), definite lengths only (short form, or long form with
 * 1-4 length bytes; indefinite 0x80 rejected), every TLV inside its
 * parent's length (a sub-reader), INTEGERs of 1-8 bytes. The walk is not
 * recursive: it follows the fixed shape above, at most 6 levels deep
 * (message, scoped PDU, PDU, varbind list, varbind, value), and the
 * varbind loop is capped. Each datagram is walked twice: once to check
 * that all of it is well formed, then again to set the fields, so that a
 * truncated or broken message sets nothing.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <netlens/dissector.h>

#define SNMP_PORT 161
#define SNMP_TRAP_PORT 162
/* Datagrams per flow: a walk's first requests and answers, or an agent's
 * few traps; each may add OIDs. */
#define SNMP_BUDGET 16
#define SNMP_MAX_VARBINDS 64	/* walked per message; more is not SNMP we read */
#define SNMP_MAX_ARCS 128	/* RFC 2578 §3.5: at most 128 sub-identifiers */
#define SNMP_MAX_ENGINE_ID 32	/* RFC 3411: 5-32 octets */

enum { F_VERSION, F_COMMUNITY, F_PDU_TYPE, F_REQUEST_ID, F_ERROR_STATUS, F_OIDS, F_USER, F_ENGINE_ID, F_COUNT };

static const struct nl_field snmp_fields[F_COUNT] = {
	{ F_VERSION, NL_FIELD_STR, 0, "snmp.version", "Version" },
	{ F_COMMUNITY, NL_FIELD_STR, 0, "snmp.community", "Community" },
	{ F_PDU_TYPE, NL_FIELD_STR, 0, "snmp.pdu_type", "PDU type" },
	{ F_REQUEST_ID, NL_FIELD_U64, 0, "snmp.request_id", "Request ID" },
	{ F_ERROR_STATUS, NL_FIELD_STR, 0, "snmp.error_status", "Error status" },
	{ F_OIDS, NL_FIELD_STR_LIST, 0, "snmp.oids", "Object identifiers" },
	{ F_USER, NL_FIELD_STR, 0, "snmp.user", "User (USM)" },
	{ F_ENGINE_ID, NL_FIELD_STR, 0, "snmp.engine_id", "Authoritative engine ID" },
};

/* BER tags. */
#define T_INTEGER 0x02
#define T_OCTETS 0x04
#define T_OID 0x06
#define T_SEQUENCE 0x30
#define T_PDU_FIRST 0xa0	/* [0] IMPLICIT, constructed: GetRequest */
#define T_PDU_TRAP_V1 0xa4
#define T_PDU_GETBULK 0xa5
#define T_PDU_LAST 0xa8		/* [8]: Report */
#define T_PDU_RESPONSE 0xa2

#define V3_FLAG_PRIV 0x02	/* msgFlags: privFlag (RFC 3412 §6.4) */
#define V3_USM 3

/* tshark's names (snmp.data) for the PDUs [0]..[8], and the state label
 * of each (RustNet's SNMP_<pdu>). */
static const char *const pdu_names[9] = {
	"get-request", "get-next-request", "get-response", "set-request", "trap",
	"getBulkRequest", "informRequest", "snmpV2-trap", "report",
};
static const char *const pdu_labels[9] = {
	"SNMP_GET", "SNMP_GETNEXT", "SNMP_RESPONSE", "SNMP_SET", "SNMP_TRAP",
	"SNMP_GETBULK", "SNMP_INFORM", "SNMP_TRAP", "SNMP_REPORT",
};

/* tshark's names (snmp.error_status), RFC 3416 §3. */
static const char *const error_names[19] = {
	"noError", "tooBig", "noSuchName", "badValue", "readOnly", "genErr", "noAccess",
	"wrongType", "wrongLength", "wrongEncoding", "wrongValue", "noCreation",
	"inconsistentValue", "resourceUnavailable", "commitFailed", "undoFailed",
	"authorizationError", "notWritable", "inconsistentName",
};

struct snmp_state {
	uint8_t flags;		/* ST_* */
};

#define ST_PROVEN 0x01		/* a message parsed: a later bad one is passed over */
#define ST_COMMUNITY 0x02	/* the community is set (first seen is kept) */

/* One walk of a message: api is NULL for the checking pass. */
struct walk {
	const struct nl_host_api *api;
	struct nl_flow *flow;
	struct snmp_state *st;
};

/* Reads one TLV: its tag, and its value as a sub-reader. Fails on a
 * high tag number, an indefinite or over-long length, or a value longer
 * than what is left of the parent. */
static int ber_tlv(struct nl_reader *r, uint8_t *tag, struct nl_reader *val)
{
	uint8_t t = nl_get_u8(r);
	uint8_t l0 = nl_get_u8(r);
	if (!nl_reader_ok(r) || (t & 0x1f) == 0x1f)
		return -1;
	size_t len = l0;
	if (l0 & 0x80) {
		unsigned n = l0 & 0x7fu;
		if (n == 0 || n > 4)
			return -1;	/* indefinite (0x80), or more than 4 GiB */
		len = 0;
		for (unsigned i = 0; i < n; i++)
			len = len << 8 | nl_get_u8(r);
		if (!nl_reader_ok(r))
			return -1;
	}
	if (len > nl_reader_left(r))
		return -1;
	*tag = t;
	*val = nl_reader_sub(r, len);
	return 0;
}

/* A TLV that must carry the given tag. */
static int ber_expect(struct nl_reader *r, uint8_t want, struct nl_reader *val)
{
	uint8_t tag = 0;
	return ber_tlv(r, &tag, val) < 0 || tag != want ? -1 : 0;
}

/* An INTEGER of 1-8 bytes, two's complement. */
static int ber_int(struct nl_reader *r, int64_t *out)
{
	struct nl_reader v;
	if (ber_expect(r, T_INTEGER, &v) < 0)
		return -1;
	size_t n = nl_reader_left(&v);
	if (n < 1 || n > 8)
		return -1;
	uint8_t b = nl_get_u8(&v);
	uint64_t x = (b & 0x80) ? ~(uint64_t)0 : 0;	/* sign extension */
	x = x << 8 | b;
	for (size_t i = 1; i < n; i++)
		x = x << 8 | nl_get_u8(&v);
	*out = (int64_t)x;
	return nl_reader_ok(&v) ? 0 : -1;
}

/* An OID's contents as dotted text (X.690 §8.19): the first
 * sub-identifier is 40*X+Y, each one base-128 with the high bit saying
 * "more", at most 2^32-1, no 0x80 padding byte in front, at most 128
 * arcs (the first sub-identifier gives two). Returns the text length; 0
 * when the text does not fit (a valid OID, not shown rather than shown
 * cut); -1 when the encoding is bad. */
static int oid_text(struct nl_reader *v, char *out, size_t size)
{
	size_t pos = 0;
	unsigned count = 0, arcs = 0;
	int fits = 1;
	if (nl_reader_left(v) == 0)
		return -1;
	while (nl_reader_left(v) > 0) {
		arcs += ++count == 1 ? 2 : 1;
		if (arcs > SNMP_MAX_ARCS)
			return -1;
		uint64_t sub = 0;
		unsigned nbytes = 0;
		uint8_t b;
		do {
			b = nl_get_u8(v);
			if (!nl_reader_ok(v) || ++nbytes > 5 || (nbytes == 1 && b == 0x80))
				return -1;	/* truncated, past 35 bits, or padded */
			sub = sub << 7 | (b & 0x7fu);
		} while (b & 0x80);
		if (sub > 0xffffffffu)
			return -1;
		if (!fits)
			continue;
		int n;
		if (count == 1) {
			unsigned x = sub < 40 ? 0 : sub < 80 ? 1 : 2;
			n = snprintf(out + pos, size - pos, "%u.%llu", x, (unsigned long long)(sub - 40u * x));
		} else
			n = snprintf(out + pos, size - pos, ".%llu", (unsigned long long)sub);
		if (n < 0 || (size_t)n >= size - pos)
			fits = 0;
		else
			pos += (size_t)n;
	}
	return fits ? (int)pos : 0;
}

/* The variable bindings: each a SEQUENCE of an OID and one value. */
static int walk_varbinds(struct walk *w, struct nl_reader *pdu)
{
	struct nl_reader list;
	if (ber_expect(pdu, T_SEQUENCE, &list) < 0)
		return -1;
	for (unsigned i = 0; nl_reader_left(&list) > 0; i++) {
		struct nl_reader vb, name, value;
		uint8_t vtag = 0;
		if (i >= SNMP_MAX_VARBINDS || ber_expect(&list, T_SEQUENCE, &vb) < 0 ||
		    ber_expect(&vb, T_OID, &name) < 0 || ber_tlv(&vb, &vtag, &value) < 0 ||
		    nl_reader_left(&vb) != 0)
			return -1;
		char text[NL_MAX_STR];
		int n = oid_text(&name, text, sizeof(text));
		if (n < 0)
			return -1;
		if (n > 0 && w->api)
			w->api->add_str(w->flow, F_OIDS, text, (size_t)n);
	}
	return 0;
}

/* A PDU, tag [0]..[8]. */
static int walk_pdu(struct walk *w, struct nl_reader *r)
{
	uint8_t tag = 0;
	struct nl_reader pdu;
	if (ber_tlv(r, &tag, &pdu) < 0 || tag < T_PDU_FIRST || tag > T_PDU_LAST)
		return -1;
	unsigned kind = tag - T_PDU_FIRST;
	int64_t reqid = 0, status = 0, index = 0;
	if (tag == T_PDU_TRAP_V1) {
		struct nl_reader skip;
		uint8_t t;
		if (ber_expect(&pdu, T_OID, &skip) < 0)	/* enterprise */
			return -1;
		for (int i = 0; i < 4; i++)	/* agent-addr, generic, specific, time-stamp */
			if (ber_tlv(&pdu, &t, &skip) < 0)
				return -1;
	} else if (ber_int(&pdu, &reqid) < 0 || ber_int(&pdu, &status) < 0 || ber_int(&pdu, &index) < 0)
		return -1;
	if (walk_varbinds(w, &pdu) < 0)
		return -1;
	if (!w->api)
		return 0;
	w->api->set_str(w->flow, F_PDU_TYPE, pdu_names[kind], strlen(pdu_names[kind]));
	w->api->set_state(w->flow, pdu_labels[kind]);
	/* A negative request-id (it is an Integer32) has no U64 to show. */
	if (tag != T_PDU_TRAP_V1 && reqid >= 0)
		w->api->set_u64(w->flow, F_REQUEST_ID, (uint64_t)reqid);
	if (tag == T_PDU_RESPONSE && status != 0) {
		if (status > 0 && status < (int64_t)(sizeof(error_names) / sizeof(error_names[0])))
			w->api->set_str(w->flow, F_ERROR_STATUS, error_names[status], strlen(error_names[status]));
		else {
			char num[32];
			int n = snprintf(num, sizeof(num), "unknown (%lld)", (long long)status);
			if (n > 0 && (size_t)n < sizeof(num))
				w->api->set_str(w->flow, F_ERROR_STATUS, num, (size_t)n);
		}
	}
	return 0;
}

/* The USM security parameters (RFC 3414 §2.4): engine ID and user name. */
static int walk_usm(struct walk *w, struct nl_reader *params)
{
	struct nl_reader seq, engine, user, skip;
	int64_t boots, etime;
	if (ber_expect(params, T_SEQUENCE, &seq) < 0 || ber_expect(&seq, T_OCTETS, &engine) < 0 ||
	    ber_int(&seq, &boots) < 0 || ber_int(&seq, &etime) < 0 || ber_expect(&seq, T_OCTETS, &user) < 0 ||
	    ber_expect(&seq, T_OCTETS, &skip) < 0 || ber_expect(&seq, T_OCTETS, &skip) < 0)
		return -1;
	if (!w->api)
		return 0;
	/* The discovery request (RFC 3414 §4) has neither: keep what a
	 * later message says. */
	size_t ulen = nl_reader_left(&user);
	if (ulen > 0)
		w->api->set_str(w->flow, F_USER, nl_get_span(&user, ulen), ulen);
	size_t elen = nl_reader_left(&engine);
	if (elen > 0 && elen <= SNMP_MAX_ENGINE_ID) {
		char hex[2 * SNMP_MAX_ENGINE_ID];
		static const char digits[] = "0123456789abcdef";
		for (size_t i = 0; i < elen; i++) {
			uint8_t b = nl_get_u8(&engine);
			hex[2 * i] = digits[b >> 4];
			hex[2 * i + 1] = digits[b & 15];
		}
		w->api->set_str(w->flow, F_ENGINE_ID, hex, 2 * elen);
	}
	return 0;
}

/* The rest of an SNMPv3 message, after its version. */
static int walk_v3(struct walk *w, struct nl_reader *msg)
{
	struct nl_reader global, flags, params, data;
	int64_t id, maxsize, model;
	if (ber_expect(msg, T_SEQUENCE, &global) < 0 || ber_int(&global, &id) < 0 ||
	    ber_int(&global, &maxsize) < 0 || ber_expect(&global, T_OCTETS, &flags) < 0 ||
	    nl_reader_left(&flags) != 1 || ber_int(&global, &model) < 0 ||
	    ber_expect(msg, T_OCTETS, &params) < 0)
		return -1;
	uint8_t f = nl_get_u8(&flags);
	if (model == V3_USM && walk_usm(w, &params) < 0)
		return -1;
	if (f & V3_FLAG_PRIV) {
		if (ber_expect(msg, T_OCTETS, &data) < 0)
			return -1;
		if (w->api) {
			w->api->set_str(w->flow, F_PDU_TYPE, "encrypted", 9);
			w->api->set_state(w->flow, "SNMP_ENCRYPTED");
		}
		return 0;
	}
	struct nl_reader scoped, ctx_engine, ctx_name;
	if (ber_expect(msg, T_SEQUENCE, &scoped) < 0 || ber_expect(&scoped, T_OCTETS, &ctx_engine) < 0 ||
	    ber_expect(&scoped, T_OCTETS, &ctx_name) < 0)
		return -1;
	return walk_pdu(w, &scoped);
}

/* One message: 0 when well formed (and, with w->api, its fields set). */
static int walk_message(struct walk *w, const struct nl_reader *data)
{
	struct nl_reader r = nl_reader_rest(data), msg, community;
	int64_t version;
	if (ber_expect(&r, T_SEQUENCE, &msg) < 0 || ber_int(&msg, &version) < 0)
		return -1;
	if (version != 0 && version != 1 && version != 3)
		return -1;	/* 2 was SNMPv2u/v2*, never deployed */
	static const char *const names[4] = { "v1", "v2c", NULL, "v3" };
	if (w->api)
		w->api->set_str(w->flow, F_VERSION, names[version], strlen(names[version]));
	if (version == 3)
		return walk_v3(w, &msg);
	if (ber_expect(&msg, T_OCTETS, &community) < 0)
		return -1;
	if (w->api && !(w->st->flags & ST_COMMUNITY)) {
		size_t n = nl_reader_left(&community);
		w->st->flags |= ST_COMMUNITY;
		w->api->set_str(w->flow, F_COMMUNITY, nl_get_span(&community, n), n);
	}
	return walk_pdu(w, &msg);
}

static enum nl_verdict snmp_dissect(const struct nl_host_api *api, struct nl_flow *flow, void *state,
				    const struct nl_payload *p)
{
	struct snmp_state *st = state;

	if (!st || p->transport != NL_UDP)
		return NL_NOT_MINE;
	if (p->src_port != SNMP_PORT && p->dst_port != SNMP_PORT && p->src_port != SNMP_TRAP_PORT &&
	    p->dst_port != SNMP_TRAP_PORT)
		return NL_NOT_MINE;	/* no signature to claim it by elsewhere */

	struct walk check = { NULL, flow, st };
	if (walk_message(&check, &p->data) < 0)
		return (st->flags & ST_PROVEN) ? NL_NEED_MORE : NL_MALFORMED;
	st->flags |= ST_PROVEN;
	struct walk emit = { api, flow, st };
	(void)walk_message(&emit, &p->data);
	/* Keep listening: later messages update the fields, up to the budget. */
	return NL_NEED_MORE;
}

static const uint16_t snmp_ports[] = { SNMP_PORT, SNMP_TRAP_PORT };

static const struct nl_dissector snmp_dissector = {
	.struct_size = sizeof(struct nl_dissector),
	.abi_major = NL_ABI_MAJOR,
	.abi_minor = NL_ABI_MINOR,
	.flags = 0,
	.transports = NL_UDP,
	.name = "snmp",
	.version = "1.0.0",
	.license = "MIT",
	.description = "SNMP version, community, PDU type, request ID, error status, OIDs; v3 user",
	.display = "SNMP",
	.port_hints = snmp_ports,
	.n_port_hints = sizeof(snmp_ports) / sizeof(snmp_ports[0]),
	.packet_budget = SNMP_BUDGET,
	.idle_timeout_s = 60,		/* RustNet: UDP SNMP 60 s */
	.state_size = sizeof(struct snmp_state),
	.fields = snmp_fields,
	.n_fields = F_COUNT,
	.domain_field = -1,
	.dissect = snmp_dissect,
};

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void);

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void)
{
	return &snmp_dissector;
}
