/*
 * ntp.c - NTP dissector plugin for netlens.
 *
 * RFC 5905 (NTPv4; v1-v3 share the header: RFC 1059, 1119, 1305), RFC 7822
 * and RFC 8915 (extension fields, NTS: after the header, not read here),
 * RFC 9327 / RFC 1305 appendix B (mode 6, control messages, ntpq), and
 * ntpd's ntp_request.h (mode 7, private messages, ntpdc: "monlist").
 *
 * Modes 1-5, the time packet (RFC 5905 §7.3), at least 48 bytes:
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |LI | VN  |Mode |    Stratum    |     Poll      |  Precision    |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                         Root Delay                            |
 *  |                         Root Dispersion                       |
 *  |                          Reference ID                         |
 *  |                     Reference Timestamp (64)                  |
 *  |                      Origin Timestamp (64)                    |
 *  |                      Receive Timestamp (64)                   |
 *  |                      Transmit Timestamp (64)                  |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |    extension fields (RFC 7822), key id + MAC: optional        |
 *
 * Mode 6, control (12-byte header, then data):
 *
 *  |LI | VN  |  6  |R|E|M| Opcode  |          Sequence             |
 *  |            Status             |       Association ID          |
 *  |            Offset             |            Count              |
 *
 * Mode 7, private (8-byte header; the request code is what matters:
 * 42 MON_GETLIST_1, "monlist", the amplification vector):
 *
 *  |R|M| VN  |  7  |A|  Sequence   | Implementation|   Req Code    |
 *  |  Err  | Number of data items  |  MBZ  |   Size of data item   |
 *
 * Claiming. The header has no signature worth the name: any byte whose
 * version bits say 1-4 and mode bits 1-7 starts a plausible packet. So the
 * flow is only claimed when one of its ports is 123 (server and symmetric
 * peers both use it; a client may use any source port), and off that port
 * the answer is NL_NOT_MINE at once. On the port, version 0 or 5-7, mode 0,
 * or a packet shorter than its mode's header is NL_MALFORMED while the flow
 * is unproven; once one packet parsed, a bad one is passed over.
 *
 * Fields are those of the last packet that carries them: the stratum and
 * reference ID only from modes 1, 2, 4 and 5 (a client's request usually
 * says stratum 0 and reference ID 0, and would hide the server's answer).
 * The state label is fixed by the first packet read, so that a
 * client/server exchange does not flip label with each packet.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <netlens/dissector.h>

#define NTP_PORT 123
#define NTP_TIME_LEN 48		/* modes 1-5: the header before extensions */
#define NTP_CTRL_LEN 12		/* mode 6 header */
#define NTP_PRIV_LEN 8		/* mode 7 header */
/* Datagrams per flow: a client polling every 64 s and its answers for a
 * few minutes, or an ntpq session's requests and answers; each may change
 * the stratum or reference ID shown. */
#define NTP_BUDGET 16

enum { F_VERSION, F_MODE, F_MODES, F_STRATUM, F_REFID, F_CTRL_OP, F_PRIV_REQ, F_COUNT };

static const struct nl_field ntp_fields[F_COUNT] = {
	{ F_VERSION, NL_FIELD_U64, 0, "ntp.version", "Version" },
	{ F_MODE, NL_FIELD_STR, 0, "ntp.mode", "Mode" },
	{ F_MODES, NL_FIELD_STR_LIST, 0, "ntp.modes", "Modes seen" },
	{ F_STRATUM, NL_FIELD_U64, 0, "ntp.stratum", "Stratum" },
	{ F_REFID, NL_FIELD_STR, 0, "ntp.reference_id", "Reference ID" },
	{ F_CTRL_OP, NL_FIELD_STR, 0, "ntp.control_opcode", "Control opcode" },
	{ F_PRIV_REQ, NL_FIELD_U64, 0, "ntp.private_request", "Private request code" },
};

enum { M_RESERVED, M_SYM_ACTIVE, M_SYM_PASSIVE, M_CLIENT, M_SERVER, M_BROADCAST, M_CONTROL, M_PRIVATE };

/* tshark's ntp.flags.mode names for 1-5; 6 and 7 shortened from its
 * "reserved for NTP control message" / "... private use". */
static const char *const ntp_modes[8] = {
	"reserved", "symmetric active", "symmetric passive", "client",
	"server", "broadcast", "control", "private",
};

/* By mode: what the flow is, from its first packet. A client/server
 * exchange is plain "NTP" (RustNet's label), the rarer kinds say so. */
static const char *const ntp_labels[8] = {
	"NTP", "NTP_SYMMETRIC", "NTP_SYMMETRIC", "NTP", "NTP", "NTP_BROADCAST", "NTP_CONTROL", "NTP_PRIVATE",
};

/* Mode 6 opcodes as tshark names them (ntp.ctrl.flags2.opcode). */
static const char *const ntp_ctrl_ops[13] = {
	"reserved", "read status", "read variables", "write variables",
	"read clock variables", "write clock variables", "set trap address/port",
	"asynchronous message", "runtime configuration", "save config to file",
	"retrieve MRU (mrulist)", "retrieve ordered list", "request a client nonce",
};
#define NTP_CTRL_UNSETTRAP 31

struct ntp_state {
	uint8_t flags;		/* ST_* */
};

#define ST_PROVEN 0x01		/* a packet parsed: a later bad one is passed over */

/* The reference ID as text (RFC 5905 §7.3): stratum 0, a kiss code; 1, the
 * reference clock's 4 ASCII bytes (both with trailing NULs dropped);
 * 2 and above, the IPv4 address of the upstream server, or for an IPv6
 * one the first 4 bytes of the MD5 of its address, shown as a dotted quad
 * all the same (as tshark does: the bytes cannot say which it is).
 * Returns the length, 0 when there is nothing to show (all NUL). */
static size_t refid_text(const uint8_t id[4], uint8_t stratum, char *out, size_t size)
{
	if (stratum >= 2) {
		int n = snprintf(out, size, "%u.%u.%u.%u", id[0], id[1], id[2], id[3]);
		return n > 0 && (size_t)n < size ? (size_t)n : 0;
	}
	size_t n = 4;
	while (n > 0 && id[n - 1] == 0)
		n--;
	memcpy(out, id, n);
	return n;
}

static enum nl_verdict ntp_dissect(const struct nl_host_api *api, struct nl_flow *flow, void *state,
				   const struct nl_payload *p)
{
	struct ntp_state *st = state;

	if (!st || p->transport != NL_UDP)
		return NL_NOT_MINE;
	if (p->src_port != NTP_PORT && p->dst_port != NTP_PORT)
		return NL_NOT_MINE;	/* no signature to claim it by elsewhere */

	struct nl_reader r = nl_reader_rest(&p->data);
	size_t len = nl_reader_left(&r);
	uint8_t b0 = 0;
	int bad = nl_peek_u8(&r, 0, &b0) < 0;
	unsigned vn = (b0 >> 3) & 7u, mode = b0 & 7u;
	if (vn < 1 || vn > 4 || mode == M_RESERVED)
		bad = 1;
	else if (mode <= M_BROADCAST && len < NTP_TIME_LEN)
		bad = 1;
	else if (mode == M_CONTROL && len < NTP_CTRL_LEN)
		bad = 1;
	else if (mode == M_PRIVATE && len < NTP_PRIV_LEN)
		bad = 1;
	if (bad)
		return (st->flags & ST_PROVEN) ? NL_NEED_MORE : NL_MALFORMED;

	if (!(st->flags & ST_PROVEN)) {
		st->flags |= ST_PROVEN;
		api->set_state(flow, ntp_labels[mode]);
	}
	api->set_u64(flow, F_VERSION, vn);
	api->set_str(flow, F_MODE, ntp_modes[mode], strlen(ntp_modes[mode]));
	api->add_str(flow, F_MODES, ntp_modes[mode], strlen(ntp_modes[mode]));

	/* The length checks above cover every read below. */
	const uint8_t *h;
	switch (mode) {
	case M_SYM_ACTIVE:
	case M_SYM_PASSIVE:
	case M_SERVER:
	case M_BROADCAST:
		if ((h = nl_get_span(&r, 16)) != NULL) {
			char text[16];
			uint8_t stratum = h[1];
			size_t n = refid_text(h + 12, stratum, text, sizeof(text));
			api->set_u64(flow, F_STRATUM, stratum);
			if (n)
				api->set_str(flow, F_REFID, text, n);
		}
		break;
	case M_CONTROL:
		if ((h = nl_get_span(&r, 2)) != NULL) {
			unsigned op = h[1] & 0x1fu;
			const char *name = op < sizeof(ntp_ctrl_ops) / sizeof(ntp_ctrl_ops[0]) ? ntp_ctrl_ops[op]
				: op == NTP_CTRL_UNSETTRAP ? "unset trap address/port" : NULL;
			if (name)
				api->set_str(flow, F_CTRL_OP, name, strlen(name));
			else {
				char num[16];
				int n = snprintf(num, sizeof(num), "unknown (%u)", op);
				if (n > 0 && (size_t)n < sizeof(num))
					api->set_str(flow, F_CTRL_OP, num, (size_t)n);
			}
		}
		break;
	case M_PRIVATE:
		if ((h = nl_get_span(&r, 4)) != NULL)
			api->set_u64(flow, F_PRIV_REQ, h[3]);
		break;
	default:	/* client: stratum and reference ID are the client's own, usually 0 */
		break;
	}
	/* Keep listening: the answers update the fields, up to the budget. */
	return NL_NEED_MORE;
}

static const uint16_t ntp_ports[] = { NTP_PORT };

static const struct nl_dissector ntp_dissector = {
	.struct_size = sizeof(struct nl_dissector),
	.abi_major = NL_ABI_MAJOR,
	.abi_minor = NL_ABI_MINOR,
	.flags = 0,
	.transports = NL_UDP,
	.name = "ntp",
	.version = "1.0.0",
	.license = "MIT",
	.description = "NTP version, modes, stratum and reference ID; control and private requests",
	.display = "NTP",
	.port_hints = ntp_ports,
	.n_port_hints = sizeof(ntp_ports) / sizeof(ntp_ports[0]),
	.packet_budget = NTP_BUDGET,
	.idle_timeout_s = 30,		/* RustNet: UDP NTP 30 s */
	.state_size = sizeof(struct ntp_state),
	.fields = ntp_fields,
	.n_fields = F_COUNT,
	.domain_field = -1,
	.dissect = ntp_dissect,
};

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void);

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void)
{
	return &ntp_dissector;
}
