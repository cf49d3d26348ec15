/*
 * nbdgm.c - NetBIOS datagram service dissector plugin for netlens.
 *
 * RFC 1002 4.4 (NetBIOS over TCP/IP, datagram service, UDP 138), RFC 1001
 * 14.1 (the first-level encoding of NetBIOS names), and on top of it what
 * real LANs send there: an SMB Transaction request (command 0x25) to a
 * mailslot ([MS-MAIL]), usually \MAILSLOT\BROWSE carrying a Browser
 * protocol message ([MS-BRWS] 2.2), the Windows/Samba host and workgroup
 * announcements.
 *
 * Header (RFC 1002 4.4.1), 10 bytes, big-endian:
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |   MSG_TYPE    |     FLAGS     |           DGM_ID              |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |                           SOURCE_IP                           |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *  |          SOURCE_PORT          |
 *  +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 *  FLAGS: 0 0 0 0 SNT(2) F M   (the high four bits are reserved, zero)
 *
 * MSG_TYPE 0x10 direct unique, 0x11 direct group, 0x12 broadcast
 * (4.4.2): then DGM_LENGTH (16: the bytes after PACKET_OFFSET),
 * PACKET_OFFSET (16), SOURCE_NAME, DESTINATION_NAME, USER_DATA.
 * 0x13 error (4.4.3): then ERROR_CODE (8). 0x14-0x16 query request and
 * positive/negative query response (4.4.4): then DESTINATION_NAME.
 *
 * A name (RFC 1001 14.1): a label of length 32, the 16 bytes of the
 * NetBIOS name (15 characters padded with spaces, then the type byte) each
 * split into two nibbles written 'A' + nibble, then the scope's labels, then
 * a zero byte. Shown as tshark shows it: the 15 characters without the
 * padding, "<xx>" with the type in hex, ".scope" appended:
 * "WORKGROUP<1d>".
 *
 * USER_DATA of a whole datagram (F set, M clear) that starts "\xffSMB" with
 * command 0x25: the SMB header (32 bytes, little-endian), WordCount (14 +
 * SetupCount), the words (DataCount at byte 22, DataOffset at 24 from the
 * SMB header, SetupCount at 26), ByteCount, then the mailslot name, NUL
 * terminated ("\MAILSLOT\BROWSE"), and at DataOffset the mailslot data.
 * A browser message there ([MS-BRWS] 2.2.1-2.2.19) starts with its opcode;
 * announcements (1 host, 12 domain/workgroup, 15 local master) go on:
 *
 *   UpdateCount(1) Periodicity(4 LE, ms) ServerName(16, NUL-padded)
 *   OSMajor(1) OSMinor(1) ServerType(4 LE) then for 1 and 15
 *   BrowserMajor(1) BrowserMinor(1) Signature(2), for 12 four bytes tshark
 *   calls the "mysterious field"; then a NUL-terminated string: the comment
 *   (1, 15) or the master browser's name (12).
 *
 * An election request (8): version(1), criteria(4), uptime(4), 4 zero
 * bytes, the candidate's name (NUL-terminated). A master announcement
 * (13): the master browser's name. \MAILSLOT\LANMAN announcements are the
 * older form tshark also reads: opcode, update count(1), server type(4),
 * OS major, minor, periodicity (2, s), server name and comment, each
 * NUL-terminated.
 *
 * Claiming. Only UDP with port 138 at one end: the header alone is too weak
 * a signature to claim anything elsewhere. A datagram must check strictly:
 * known MSG_TYPE, reserved flag bits zero, DGM_LENGTH equal to what follows
 * PACKET_OFFSET, names of 32 letters 'A'-'P' with sane scope labels ending
 * inside the datagram. The first datagram failing that is NL_NOT_MINE; once
 * one passed, a bad one is passed over. A datagram the capture's snap length
 * cut (ABI 1.3 wire_len) is passed over whole: what is missing could change
 * what the rest means.
 *
 * Fields come from every datagram up to the budget (announcements repeat;
 * a later one updates the values); text from the SMB or browser layer only
 * when that layer parsed to its end. Every byte is read through
 * struct nl_reader; every loop is bounded by a constant.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <netlens/dissector.h>

#define NBDGM_PORT 138
#define NBDGM_HDR_LEN 10	/* MSG_TYPE .. SOURCE_PORT */
#define NBDGM_DIRECT_LEN 14	/* + DGM_LENGTH, PACKET_OFFSET */
#define NB_ENC_LEN 32		/* first-level encoded name label */
#define NB_MAX_NAME 255		/* wire bytes of a name with its scope (RFC 1002 4.1) */
#define NB_MAX_LABELS 64	/* scope labels walked: 255 bytes hold at most 127 */
#define NB_TEXT 320		/* a decoded name: 15 x "<xx>" + "<xx>" + scope */
#define SMB_HDR_LEN 32
#define SMB_COM_TRANSACTION 0x25
#define SMB_MAX_SETUP 16	/* setup words accepted (a mailslot write has 3) */
#define BRW_NAME_LEN 16		/* an announcement's server name field */
#define BRW_MAX_STR 256		/* bytes searched for a string's NUL */
#define NBDGM_BUDGET 32		/* datagrams per flow: announcements repeat (every
				 * 1-12 minutes), elections come in bursts */

enum {
	F_TYPE,
	F_SOURCE_NAME,
	F_DEST_NAMES,
	F_SOURCE_IP,
	F_ERROR,
	F_MAILSLOT,
	F_COMMAND,
	F_COMMANDS,
	F_SERVER,
	F_OS_VERSION,
	F_SERVER_TYPE,
	F_SERVER_FLAGS,
	F_COMMENT,
	F_MASTER,
	F_COUNT
};

static const struct nl_field nbdgm_fields[F_COUNT] = {
	{ F_TYPE, NL_FIELD_STR, 0, "nbdgm.type", "Message type" },
	{ F_SOURCE_NAME, NL_FIELD_STR, 0, "nbdgm.source_name", "Source name" },
	{ F_DEST_NAMES, NL_FIELD_STR_LIST, 0, "nbdgm.destination_names", "Destination names" },
	{ F_SOURCE_IP, NL_FIELD_STR, 0, "nbdgm.source_ip", "Source IP" },
	{ F_ERROR, NL_FIELD_U64, 0, "nbdgm.error_code", "Error code" },
	{ F_MAILSLOT, NL_FIELD_STR, 0, "nbdgm.mailslot", "Mailslot" },
	{ F_COMMAND, NL_FIELD_STR, 0, "nbdgm.browser_command", "Browser command" },
	{ F_COMMANDS, NL_FIELD_STR_LIST, 0, "nbdgm.browser_commands", "Browser commands seen" },
	{ F_SERVER, NL_FIELD_STR, 0, "nbdgm.server", "Announced server" },
	{ F_OS_VERSION, NL_FIELD_STR, 0, "nbdgm.os_version", "OS version" },
	{ F_SERVER_TYPE, NL_FIELD_STR, 0, "nbdgm.server_type", "Server type" },
	{ F_SERVER_FLAGS, NL_FIELD_STR_LIST, 0, "nbdgm.server_type_flags", "Server type flags" },
	{ F_COMMENT, NL_FIELD_STR, 0, "nbdgm.comment", "Server comment" },
	{ F_MASTER, NL_FIELD_STR, 0, "nbdgm.master_browser", "Master browser" },
};

enum {
	T_DIRECT_UNIQUE = 0x10,
	T_DIRECT_GROUP = 0x11,
	T_BROADCAST = 0x12,
	T_ERROR = 0x13,
	T_QUERY = 0x14,
	T_POS_RESP = 0x15,
	T_NEG_RESP = 0x16,
};

/* tshark's nbdgm.type names, by MSG_TYPE - 0x10. */
static const char *const nbdgm_types[7] = {
	"Direct_unique datagram", "Direct_group datagram", "Broadcast datagram", "Datagram error",
	"Datagram query request", "Datagram positive query response", "Datagram negative query response",
};

/* The flow's label: RustNet's NETBIOS_<svc> with the message type. */
static const char *const nbdgm_labels[7] = {
	"NETBIOS_DGM_UNIQUE", "NETBIOS_DGM_GROUP", "NETBIOS_DGM_BROADCAST", "NETBIOS_DGM_ERROR",
	"NETBIOS_DGM_QUERY", "NETBIOS_DGM_POSITIVE", "NETBIOS_DGM_NEGATIVE",
};

/* tshark's browser.command names ([MS-BRWS] 2.2), by opcode. */
static const char *browser_command_name(uint8_t op)
{
	switch (op) {
	case 0x01: return "Host Announcement";
	case 0x02: return "Request Announcement";
	case 0x08: return "Browser Election Request";
	case 0x09: return "Get Backup List Request";
	case 0x0a: return "Get Backup List Response";
	case 0x0b: return "Become Backup Browser";
	case 0x0c: return "Domain/Workgroup Announcement";
	case 0x0d: return "Master Announcement";
	case 0x0e: return "Reset Browser State Announcement";
	case 0x0f: return "Local Master Announcement";
	default: return NULL;
	}
}

/* tshark's labels of the browser.server_type bits ([MS-RAP] SV_TYPE_*);
 * NULL for the bits it does not name. */
static const char *const server_type_bits[32] = {
	"Workstation", "Server", "SQL", "Domain Controller", "Backup Controller", "Time Source",
	"Apple", "Novell", "Member", "Print", "Dialin", "Xenix", "NT Workstation", "WfW", NULL,
	"NT Server", "Potential Browser", "Backup Browser", "Master Browser", "Domain Master Browser",
	"OSF", "VMS", "Windows 95+", "DFS", NULL, NULL, NULL, NULL, NULL, NULL, "Local", "Domain Enum",
};

struct nbdgm_state {
	uint8_t proven;		/* a datagram checked: later bad ones are passed over */
};

/* A NetBIOS name read: its decoded text. */
struct nb_name {
	char text[NB_TEXT];
	size_t len;
};

/* Reads one encoded name (RFC 1001 14.1, RFC 1002 4.1) and decodes it as
 * tshark does: the 15 characters, a non-printable one as "<xx>", trailing
 * spaces dropped, then "<xx>" with the type byte, then ".label" for each
 * scope label. -1 when it is not a valid name or not whole in r. */
static int nb_read_name(struct nl_reader *r, struct nb_name *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t start = nl_reader_offset(r);
	if (nl_get_u8(r) != NB_ENC_LEN)
		return -1;
	const uint8_t *enc = nl_get_span(r, NB_ENC_LEN);
	if (!enc)
		return -1;
	uint8_t raw[16];
	for (size_t i = 0; i < 16; i++) {
		uint8_t hi = enc[2 * i], lo = enc[2 * i + 1];
		if (hi < 'A' || hi > 'P' || lo < 'A' || lo > 'P')
			return -1;
		raw[i] = (uint8_t)((hi - 'A') << 4 | (lo - 'A'));
	}
	size_t n = 0, keep = 0;	/* keep: length up to the last non-space */
	for (size_t i = 0; i < 15; i++) {
		uint8_t c = raw[i];
		if (c >= ' ' && c <= '~') {
			out->text[n++] = (char)c;
			if (c != ' ')
				keep = n;
		} else {
			out->text[n++] = '<';
			out->text[n++] = hex[c >> 4];
			out->text[n++] = hex[c & 15];
			out->text[n++] = '>';
			keep = n;
		}
	}
	n = keep;
	out->text[n++] = '<';
	out->text[n++] = hex[raw[15] >> 4];
	out->text[n++] = hex[raw[15] & 15];
	out->text[n++] = '>';
	/* The scope: labels of 1-63 bytes up to the zero byte, the whole name
	 * at most 255 bytes. Its text goes as far as the buffer holds. */
	for (int k = 0; k < NB_MAX_LABELS; k++) {
		uint8_t l = nl_get_u8(r);
		if (!nl_reader_ok(r) || l > 63)
			return -1;
		if (nl_reader_offset(r) - start > NB_MAX_NAME)
			return -1;
		if (l == 0) {
			out->len = n;
			return 0;
		}
		const uint8_t *lab = nl_get_span(r, l);
		if (!lab || nl_reader_offset(r) - start >= NB_MAX_NAME)
			return -1;
		if (n + 1 + l <= sizeof(out->text)) {
			out->text[n++] = '.';
			memcpy(out->text + n, lab, l);
			n += l;
		}
	}
	return -1;
}

/* A NUL-terminated string at the reader's position, at most BRW_MAX_STR
 * bytes searched: its length without the NUL, the reader past the NUL;
 * -1 when there is no NUL in reach (a cut or broken string). */
static int read_stringz(struct nl_reader *r, const uint8_t **s, size_t *len)
{
	size_t left = nl_reader_left(r);
	size_t max = left < BRW_MAX_STR ? left : BRW_MAX_STR;
	for (size_t i = 0; i < max; i++) {
		uint8_t c = 0;
		if (nl_peek_u8(r, i, &c) < 0)
			return -1;
		if (c == 0) {
			*s = nl_get_span(r, i + 1);
			*len = i;
			return *s ? 0 : -1;
		}
	}
	return -1;
}

/* What the browser layer of one datagram said; set only when it parsed. */
struct brw_msg {
	uint8_t opcode;
	const uint8_t *server, *comment, *master;
	size_t server_len, comment_len, master_len;
	int has_os;
	uint8_t os_major, os_minor;
	int has_type;
	uint32_t server_type;
};

static size_t strnlen_span(const uint8_t *s, size_t max)
{
	size_t n = 0;
	while (n < max && s[n])
		n++;
	return n;
}

/* A \MAILSLOT\BROWSE message. 0 when it parsed (as far as it goes for its
 * opcode), -1 when it is cut or broken. */
static int brw_parse_browse(struct nl_reader r, struct brw_msg *m)
{
	m->opcode = nl_get_u8(&r);
	if (!nl_reader_ok(&r))
		return -1;
	const uint8_t *h;
	switch (m->opcode) {
	case 0x01:
	case 0x0c:
	case 0x0f:
		/* UpdateCount, Periodicity, ServerName, OS, ServerType, and
		 * version/signature or the "mysterious field". */
		if (!(h = nl_get_span(&r, 1 + 4 + BRW_NAME_LEN + 2 + 4 + 4)))
			return -1;
		m->server = h + 5;
		m->server_len = strnlen_span(m->server, BRW_NAME_LEN);
		m->has_os = 1;
		m->os_major = h[21];
		m->os_minor = h[22];
		m->has_type = 1;
		m->server_type = (uint32_t)h[23] | (uint32_t)h[24] << 8 | (uint32_t)h[25] << 16 |
				 (uint32_t)h[26] << 24;
		if (m->opcode == 0x0c)
			return read_stringz(&r, &m->master, &m->master_len);
		return read_stringz(&r, &m->comment, &m->comment_len);
	case 0x08:
		if (!nl_get_span(&r, 1 + 4 + 4 + 4))
			return -1;
		return read_stringz(&r, &m->server, &m->server_len);
	case 0x0d:
		return read_stringz(&r, &m->master, &m->master_len);
	default:
		return browser_command_name(m->opcode) ? 0 : -1;
	}
}

/* A \MAILSLOT\LANMAN announcement (the older form), or just its opcode. */
static int brw_parse_lanman(struct nl_reader r, struct brw_msg *m)
{
	m->opcode = nl_get_u8(&r);
	if (!nl_reader_ok(&r))
		return -1;
	if (m->opcode != 0x01 && m->opcode != 0x0c && m->opcode != 0x0f)
		return browser_command_name(m->opcode) ? 0 : -1;
	const uint8_t *h = nl_get_span(&r, 1 + 4 + 2 + 2);
	if (!h)
		return -1;
	m->has_type = 1;
	m->server_type = (uint32_t)h[1] | (uint32_t)h[2] << 8 | (uint32_t)h[3] << 16 | (uint32_t)h[4] << 24;
	m->has_os = 1;
	m->os_major = h[5];
	m->os_minor = h[6];
	if (read_stringz(&r, &m->server, &m->server_len) < 0)
		return -1;
	if (m->opcode == 0x0c)
		return read_stringz(&r, &m->master, &m->master_len);
	return read_stringz(&r, &m->comment, &m->comment_len);
}

static int name_is(const uint8_t *s, size_t len, const char *want)
{
	size_t n = strlen(want);
	if (len != n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = s[i];
		if (c >= 'a' && c <= 'z')
			c = (uint8_t)(c - 32);
		if (c != (uint8_t)want[i])
			return 0;
	}
	return 1;
}

/* The SMB Transaction to a mailslot in USER_DATA, and the browser message
 * in it. Sets the mailslot only when the SMB request parsed whole, the
 * browser fields only when the browser message did. */
static void smb_mailslot(const struct nl_host_api *api, struct nl_flow *flow, struct nl_reader smb)
{
	struct nl_reader r = smb;
	const uint8_t *h = nl_get_span(&r, SMB_HDR_LEN);
	if (!h || h[0] != 0xff || h[1] != 'S' || h[2] != 'M' || h[3] != 'B' || h[4] != SMB_COM_TRANSACTION)
		return;
	uint8_t wc = nl_get_u8(&r);
	if (!nl_reader_ok(&r) || wc < 14 || wc > 14 + SMB_MAX_SETUP)
		return;
	const uint8_t *w = nl_get_span(&r, 2u * wc);
	if (!w || w[26] != wc - 14)
		return;
	size_t data_count = (size_t)w[22] | (size_t)w[23] << 8;
	size_t data_off = (size_t)w[24] | (size_t)w[25] << 8;
	size_t bc = nl_get_le16(&r);
	struct nl_reader bytes = nl_reader_sub(&r, bc);
	if (!nl_reader_ok(&r))
		return;	/* ByteCount runs past the datagram */
	const uint8_t *slot;
	size_t slot_len;
	if (read_stringz(&bytes, &slot, &slot_len) < 0)
		return;
	/* The data: DataOffset counts from the SMB header's first byte. */
	struct nl_reader d = nl_reader_rest(&smb);
	if (nl_reader_seek(&d, data_off) < 0)
		return;
	struct nl_reader data = nl_reader_sub(&d, data_count);
	if (!nl_reader_ok(&d))
		return;
	api->set_str(flow, F_MAILSLOT, slot, slot_len);

	struct brw_msg m;
	memset(&m, 0, sizeof(m));
	int rc;
	if (name_is(slot, slot_len, "\\MAILSLOT\\BROWSE"))
		rc = brw_parse_browse(data, &m);
	else if (name_is(slot, slot_len, "\\MAILSLOT\\LANMAN"))
		rc = brw_parse_lanman(data, &m);
	else
		return;	/* NETLOGON and others: the mailslot only */
	if (rc < 0)
		return;
	const char *cmd = browser_command_name(m.opcode);
	if (cmd) {
		api->set_str(flow, F_COMMAND, cmd, strlen(cmd));
		api->add_str(flow, F_COMMANDS, cmd, strlen(cmd));
	} else {
		return;
	}
	/* An empty string says nothing (tshark shows none): the last one
	 * that said something stands. */
	if (m.server && m.server_len)
		api->set_str(flow, F_SERVER, m.server, m.server_len);
	if (m.has_os) {
		char v[16];
		int n = snprintf(v, sizeof(v), "%u.%u", m.os_major, m.os_minor);
		if (n > 0 && (size_t)n < sizeof(v))
			api->set_str(flow, F_OS_VERSION, v, (size_t)n);
	}
	if (m.has_type) {
		char v[16];
		int n = snprintf(v, sizeof(v), "0x%08x", (unsigned)m.server_type);
		if (n > 0 && (size_t)n < sizeof(v))
			api->set_str(flow, F_SERVER_TYPE, v, (size_t)n);
		for (unsigned b = 0; b < 32; b++)
			if ((m.server_type >> b & 1u) && server_type_bits[b])
				api->add_str(flow, F_SERVER_FLAGS, server_type_bits[b],
					     strlen(server_type_bits[b]));
	}
	if (m.comment && m.comment_len)
		api->set_str(flow, F_COMMENT, m.comment, m.comment_len);
	if (m.master && m.master_len)
		api->set_str(flow, F_MASTER, m.master, m.master_len);
}

/* One datagram read: what its header and names said. */
struct nbdgm_msg {
	uint8_t type, error;
	uint8_t src_ip[4];
	int has_src, has_dst;
	struct nb_name src, dst;
	int whole;			/* F set, M clear: USER_DATA is a whole message */
	struct nl_reader user;		/* USER_DATA */
};

/* Checks a whole datagram strictly; 0 when it is one. */
static int nbdgm_parse(struct nl_reader r, struct nbdgm_msg *m)
{
	const uint8_t *h = nl_get_span(&r, NBDGM_HDR_LEN);
	if (!h)
		return -1;
	m->type = h[0];
	if (m->type < T_DIRECT_UNIQUE || m->type > T_NEG_RESP || (h[1] & 0xf0) != 0)
		return -1;
	memcpy(m->src_ip, h + 4, 4);
	switch (m->type) {
	case T_DIRECT_UNIQUE:
	case T_DIRECT_GROUP:
	case T_BROADCAST: {
		size_t dgm_len = nl_get_be16(&r);
		(void)nl_get_be16(&r);	/* PACKET_OFFSET */
		if (!nl_reader_ok(&r) || dgm_len != nl_reader_left(&r))
			return -1;
		if (nb_read_name(&r, &m->src) < 0 || nb_read_name(&r, &m->dst) < 0)
			return -1;
		m->has_src = m->has_dst = 1;
		m->whole = (h[1] & 0x03) == 0x02;
		m->user = nl_reader_rest(&r);
		return 0;
	}
	case T_ERROR:
		m->error = nl_get_u8(&r);
		return nl_reader_ok(&r) && nl_reader_left(&r) == 0 ? 0 : -1;
	default:
		if (nb_read_name(&r, &m->dst) < 0 || nl_reader_left(&r) != 0)
			return -1;
		m->has_dst = 1;
		return 0;
	}
}

static enum nl_verdict nbdgm_dissect(const struct nl_host_api *api, struct nl_flow *flow, void *state,
				     const struct nl_payload *p)
{
	struct nbdgm_state *st = state;

	if (!st || p->transport != NL_UDP)
		return NL_NOT_MINE;
	if (p->src_port != NBDGM_PORT && p->dst_port != NBDGM_PORT)
		return NL_NOT_MINE;	/* the header is no signature to claim by elsewhere */

	struct nl_reader r = nl_reader_rest(&p->data);
	/* A datagram the snap length cut: DGM_LENGTH cannot be checked, and
	 * what is missing may be the end of a name or the mailslot data.
	 * Passed over, neither read nor held against the flow, unless even
	 * its first two bytes say it is not ours. */
	if (NL_PAYLOAD_HAS(p, wire_len) && p->wire_len > nl_reader_left(&r)) {
		uint8_t t = 0, fl = 0;
		if (!st->proven && nl_peek_u8(&r, 0, &t) == 0 && nl_peek_u8(&r, 1, &fl) == 0 &&
		    (t < T_DIRECT_UNIQUE || t > T_NEG_RESP || (fl & 0xf0) != 0))
			return NL_NOT_MINE;
		return NL_NEED_MORE;
	}

	struct nbdgm_msg m;
	memset(&m, 0, sizeof(m));
	if (nbdgm_parse(r, &m) < 0)
		return st->proven ? NL_NEED_MORE : NL_NOT_MINE;
	st->proven = 1;

	unsigned t = m.type - T_DIRECT_UNIQUE;
	api->set_state(flow, nbdgm_labels[t]);
	api->set_str(flow, F_TYPE, nbdgm_types[t], strlen(nbdgm_types[t]));
	if (m.has_src) {
		char ip[16];
		int n = snprintf(ip, sizeof(ip), "%u.%u.%u.%u", m.src_ip[0], m.src_ip[1], m.src_ip[2],
				 m.src_ip[3]);
		if (n > 0 && (size_t)n < sizeof(ip))
			api->set_str(flow, F_SOURCE_IP, ip, (size_t)n);
		api->set_str(flow, F_SOURCE_NAME, m.src.text, m.src.len);
	}
	if (m.has_dst)
		api->add_str(flow, F_DEST_NAMES, m.dst.text, m.dst.len);
	if (m.type == T_ERROR)
		api->set_u64(flow, F_ERROR, m.error);
	if (m.whole)
		smb_mailslot(api, flow, m.user);
	/* Keep listening: announcements repeat and update the fields. */
	return NL_NEED_MORE;
}

static const uint16_t nbdgm_ports[] = { NBDGM_PORT };

static const struct nl_dissector nbdgm_dissector = {
	.struct_size = sizeof(struct nl_dissector),
	.abi_major = NL_ABI_MAJOR,
	.abi_minor = NL_ABI_MINOR,
	.flags = 0,
	.transports = NL_UDP,
	.name = "nbdgm",
	.version = "1.0.0",
	.license = "MIT",
	.description = "NetBIOS datagrams: type, names, mailslot, browser announcements",
	.display = "NetBIOS-DGM",
	.port_hints = nbdgm_ports,
	.n_port_hints = sizeof(nbdgm_ports) / sizeof(nbdgm_ports[0]),
	.packet_budget = NBDGM_BUDGET,
	.idle_timeout_s = 60,		/* RustNet: UDP NetBIOS 60 s */
	.state_size = sizeof(struct nbdgm_state),
	.fields = nbdgm_fields,
	.n_fields = F_COUNT,
	.domain_field = F_SOURCE_NAME,
	.dissect = nbdgm_dissect,
};

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void);

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void)
{
	return &nbdgm_dissector;
}
