/*
 * dhcp.c - DHCP for IPv4 and DHCPv6 dissector plugin for netlens.
 *
 * RFC 2131 (DHCP), RFC 2132 (options), RFC 4702 (Client FQDN, option 81),
 * RFC 4388 / RFC 6926 / RFC 7724 (lease query message types 10-18),
 * RFC 8415 (DHCPv6), RFC 4704 (DHCPv6 Client FQDN, option 39).
 *
 * DHCP for IPv4 (UDP, server 67, client 68), RFC 2131 section 2:
 *
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------+---------------+---------------+---------------+
 *  |     op (1)    |   htype (1)   |   hlen (1)    |   hops (1)    |
 *  +---------------+---------------+---------------+---------------+
 *  |                            xid (4)                            |
 *  +-------------------------------+-------------------------------+
 *  |           secs (2)            |           flags (2)           |
 *  +-------------------------------+-------------------------------+
 *  |  ciaddr (4) | yiaddr (4) | siaddr (4) | giaddr (4)            |
 *  +---------------------------------------------------------------+
 *  |  chaddr (16) | sname (64) | file (128)                        |
 *  +---------------------------------------------------------------+
 *  |  magic cookie 99.130.83.99 (offset 236) | options ...         |
 *  +---------------------------------------------------------------+
 *
 *  options: code (1) len (1) data (len); code 0 is a lone pad byte, code
 *  255 a lone end byte (RFC 2132 section 3).
 *
 * DHCPv6 (UDP, client 546, server and relay 547), RFC 8415 sections 8, 9
 * and 21.1:
 *
 *   client/server: msg-type (1) | transaction-id (3) | options ...
 *   relay (12 RELAY-FORW, 13 RELAY-REPL): msg-type (1) | hop-count (1) |
 *                  link-address (16) | peer-address (16) | options ...
 *   option:        option-code (2) | option-len (2) | data (option-len)
 *
 *  The relayed message is the data of OPTION_RELAY_MSG (9).
 *
 * Detection. Only flows with 67, 68, 546 or 547 as a port are looked at;
 * anything else is NL_NOT_MINE at once (relays and clients use exactly
 * these ports, so no signature is hunted off them). 67/68 only over IPv4
 * and 546/547 only over IPv6, where the host says (ABI 1.3 ip_version). On 67/68 a message
 * must have op 1 or 2, hlen <= 16, the magic cookie at 236, and options
 * that frame to END (255) or to the end of the datagram; on 546/547 a
 * known msg-type (1..13), a whole header and options that frame exactly.
 * BOOTP without the cookie (RFC 951) is not claimed: its vendor area is
 * free-form and tshark-like decoding of it is not worth a false positive
 * on a port 67/68 flow of something else. A flow whose first datagram
 * fails is NL_NOT_MINE; one that failed after a good message is
 * NL_MALFORMED (its fields so far stay).
 *
 * A message is checked whole before anything of it is given to the host:
 * the walk records where the options of interest are (as sub-readers),
 * and they are read again only once it passed, so a truncated or broken
 * message contributes no field. A datagram the capture's snap length cut
 * (ABI 1.3 wire_len) is read only when END came before the cut; otherwise
 * it is passed over (NL_NEED_MORE), not taken for a broken message.
 *
 * Option overload (option 52: more options in `file` and `sname`) is not
 * followed: those fields are never read as options, so a host name put
 * there is not seen, and nothing in them can be misread.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include <netlens/dissector.h>

#define BOOTPS 67
#define BOOTPC 68
#define DHCP6_CLIENT 546
#define DHCP6_SERVER 547

#define V4_FIXED 236		/* op .. file: the cookie's offset */
#define V4_COOKIE 0x63825363u
#define V4_MAX_OPTIONS 512	/* options (other than pads) walked per message */
#define V6_MAX_OPTIONS 256	/* options walked per message level */
#define V6_MAX_SUB 64		/* options walked inside IA_NA */
#define V6_MAX_DEPTH 9		/* relay nesting: HOP_COUNT_LIMIT 8 relays + the message */
#define NAME_MAX_WIRE 255	/* an encoded domain name (RFC 1035 3.1) */
#define NAME_MAX_LABELS 128	/* labels decoded per name (at least 2 bytes each) */

/* DHCPv4 options (RFC 2132, RFC 4702) */
#define O4_PAD 0
#define O4_HOSTNAME 12
#define O4_REQUESTED 50
#define O4_MSGTYPE 53
#define O4_SERVER_ID 54
#define O4_VENDOR_CLASS 60
#define O4_FQDN 81
#define O4_END 255

/* DHCPv6 (RFC 8415 section 21, RFC 4704) */
#define O6_CLIENTID 1
#define O6_IA_NA 3
#define O6_IAADDR 5
#define O6_RELAY_MSG 9
#define O6_VENDOR_CLASS 16
#define O6_FQDN 39
#define M6_ADVERTISE 2
#define M6_CONFIRM 4
#define M6_REPLY 7
#define M6_RELAY_FORW 12
#define M6_RELAY_REPL 13

#define M4_OFFER 2
#define M4_ACK 5

enum {
	F_MESSAGE_TYPE, F_MESSAGES, F_HOSTNAME, F_CLIENT_MAC, F_XID, F_ASSIGNED_ADDR, F_SERVER_ID,
	F_VENDOR_CLASS, F_REQUESTED_ADDR, F_COUNT
};

/* Per-flow state (the host's zeroed block). */
struct dhcp_flow {
	uint8_t flags;		/* FL_* */
};

#define FL_PROVEN 0x01		/* a message passed: a later bad one is MALFORMED */
#define FL_TYPED 0x02		/* a message type was shown */

/* Names by message type: DHCPv4 option 53 (RFC 2132 9.6, RFC 4388 6.1,
 * RFC 6926 6.2.1, RFC 7724 5.2.1), then DHCPv6 msg-type (RFC 8415 7.3). */
static const char *const v4_names[] = {
	NULL, "DISCOVER", "OFFER", "REQUEST", "DECLINE", "ACK", "NAK", "RELEASE", "INFORM",
	"FORCERENEW", "LEASEQUERY", "LEASEUNASSIGNED", "LEASEUNKNOWN", "LEASEACTIVE",
	"BULKLEASEQUERY", "LEASEQUERYDONE", "ACTIVELEASEQUERY", "LEASEQUERYSTATUS", "TLS",
};
#define V4_TYPES (sizeof(v4_names) / sizeof(v4_names[0]))

/* State labels are [A-Z0-9_] of at most 23 characters: "DHCP_" + the
 * name; a v4 message without option 53 is BOOTP with RFC 1497 vendor
 * extensions. */
static const char *const v4_states[] = {
	"BOOTP", "DHCP_DISCOVER", "DHCP_OFFER", "DHCP_REQUEST", "DHCP_DECLINE", "DHCP_ACK",
	"DHCP_NAK", "DHCP_RELEASE", "DHCP_INFORM", "DHCP_FORCERENEW", "DHCP_LEASEQUERY",
	"DHCP_LEASEUNASSIGNED", "DHCP_LEASEUNKNOWN", "DHCP_LEASEACTIVE", "DHCP_BULKLEASEQUERY",
	"DHCP_LEASEQUERYDONE", "DHCP_ACTIVELEASEQUERY", "DHCP_LEASEQUERYSTATUS", "DHCP_TLS",
};

static const char *const v6_names[] = {
	NULL, "SOLICIT", "ADVERTISE", "REQUEST", "CONFIRM", "RENEW", "REBIND", "REPLY", "RELEASE",
	"DECLINE", "RECONFIGURE", "INFORMATION-REQUEST", "RELAY-FORW", "RELAY-REPL",
};
#define V6_TYPES (sizeof(v6_names) / sizeof(v6_names[0]))

/* "DHCPV6_INFORMATION_REQUEST" would be 26 characters: shortened. */
static const char *const v6_states[] = {
	NULL, "DHCPV6_SOLICIT", "DHCPV6_ADVERTISE", "DHCPV6_REQUEST", "DHCPV6_CONFIRM",
	"DHCPV6_RENEW", "DHCPV6_REBIND", "DHCPV6_REPLY", "DHCPV6_RELEASE", "DHCPV6_DECLINE",
	"DHCPV6_RECONFIGURE", "DHCPV6_INFO_REQUEST", "DHCPV6_RELAY_FORW", "DHCPV6_RELAY_REPL",
};

/* ---- text helpers -------------------------------------------------------- */

/* The dotted quad of a[0..3] into out[16]; returns its length. */
static size_t ipv4_text(const uint8_t a[4], char out[16])
{
	size_t n = 0;
	for (int i = 0; i < 4; i++) {
		unsigned v = a[i];
		if (i)
			out[n++] = '.';
		if (v >= 100)
			out[n++] = (char)('0' + v / 100);
		if (v >= 10)
			out[n++] = (char)('0' + v / 10 % 10);
		out[n++] = (char)('0' + v % 10);
	}
	out[n] = '\0';
	return n;
}

/* A 6-byte hardware address read from r as aa:bb:cc:dd:ee:ff into
 * out[18]; 0 when r does not hold 6 bytes. */
static size_t mac_text(struct nl_reader *r, char out[18])
{
	static const char hex[] = "0123456789abcdef";
	uint8_t a[6];
	if (nl_get_bytes(r, a, sizeof(a)) < 0)
		return 0;
	size_t n = 0;
	for (int i = 0; i < 6; i++) {
		if (i)
			out[n++] = ':';
		out[n++] = hex[a[i] >> 4];
		out[n++] = hex[a[i] & 0xf];
	}
	out[n] = '\0';
	return n;
}

/* Gives the rest of r as a string field, up to its first NUL (a host name
 * or vendor class some clients end with a NUL, which is not part of it). */
static void set_text(const struct nl_host_api *api, struct nl_flow *flow, uint16_t field,
		     struct nl_reader r)
{
	char buf[NL_MAX_STR];
	size_t n = 0;
	while (n < sizeof(buf) && nl_reader_has(&r, 1)) {	/* at most NL_MAX_STR passes */
		uint8_t c = nl_get_u8(&r);
		if (c == 0)
			break;
		buf[n++] = (char)c;
	}
	if (n)
		api->set_str(flow, field, buf, n);
}

/*
 * A domain name in DNS wire format without compression (RFC 4702 2.3.1,
 * RFC 4704 4.2): labels ending in a zero byte, or a partial name ending
 * with the data. Writes "a.b.c" (no trailing dot) into out[NAME_MAX_WIRE +
 * 1]; returns its length, 0 for an empty or broken name (a compression
 * pointer or extended label type, more than 255 bytes).
 */
static size_t wire_name(struct nl_reader r, char *out)
{
	size_t n = 0, wire = 0;
	for (int i = 0; i < NAME_MAX_LABELS && nl_reader_has(&r, 1); i++) {
		uint8_t c = nl_get_u8(&r);
		if (c == 0)
			break;
		if (c & 0xc0)
			return 0;
		wire += (size_t)c + 1;
		if (wire > NAME_MAX_WIRE - 1)	/* keeps room for the root byte */
			return 0;
		const uint8_t *lab = nl_get_span(&r, c);
		if (!lab)
			return 0;	/* a label past the option's end */
		if (n)
			out[n++] = '.';
		memcpy(out + n, lab, c);	/* n + c < wire <= 254 */
		n += c;
	}
	out[n] = '\0';
	return n;
}

/* ---- DHCP for IPv4 ------------------------------------------------------- */

/* What one v4 message holds, found by the check; read only once it passed. */
struct v4_msg {
	uint8_t op, htype, hlen;
	uint32_t xid;
	uint8_t yiaddr[4];
	struct nl_reader chaddr;	/* 16 bytes */
	int type;			/* option 53, -1: none */
	int have_host, have_fqdn, have_sid, have_vc, have_req;
	struct nl_reader host, fqdn, sid, vc, req;	/* option data */
	int ended;			/* the options closed with END */
};

/* Checks a whole v4 message; 0 when it is one (m filled), -1 otherwise. */
static int v4_parse(struct nl_reader r, struct v4_msg *m)
{
	memset(m, 0, sizeof(*m));
	m->type = -1;
	const uint8_t *h = nl_get_span(&r, V4_FIXED);
	if (!h)
		return -1;
	m->op = h[0];
	m->htype = h[1];
	m->hlen = h[2];
	if ((m->op != 1 && m->op != 2) || m->hlen > 16)
		return -1;
	m->xid = nl_span_be32(h, 4);
	memcpy(m->yiaddr, h + 16, 4);
	m->chaddr = nl_reader_make(h + 28, 16);
	if (nl_get_be32(&r) != V4_COOKIE || !nl_reader_ok(&r))
		return -1;	/* BOOTP (RFC 951) or not ours */

	/* Options up to END or the end of the datagram; pads are single bytes,
	 * so the walk ends within the datagram's length. */
	int walked = 0;
	while (nl_reader_has(&r, 1)) {
		uint8_t code = nl_get_u8(&r);
		if (code == O4_PAD)
			continue;
		if (code == O4_END) {
			m->ended = 1;
			break;
		}
		if (++walked > V4_MAX_OPTIONS)
			return -1;
		uint8_t len = nl_get_u8(&r);
		if (!nl_reader_ok(&r))
			return -1;	/* a code with no length byte */
		struct nl_reader d = nl_reader_sub(&r, len);
		if (!nl_reader_ok(&r))
			return -1;	/* data past the datagram */
		/* the first of each (RFC 3396 concatenation is not done) */
		switch (code) {
		case O4_MSGTYPE:
			if (len < 1)
				return -1;
			if (m->type < 0)
				m->type = nl_get_u8(&d);
			break;
		case O4_HOSTNAME:
			if (!m->have_host) {
				m->host = d;
				m->have_host = 1;
			}
			break;
		case O4_FQDN:
			if (len < 3)
				return -1;	/* flags, rcode1, rcode2 */
			if (!m->have_fqdn) {
				m->fqdn = d;
				m->have_fqdn = 1;
			}
			break;
		case O4_SERVER_ID:
		case O4_REQUESTED:
			if (len != 4)
				return -1;
			if (code == O4_SERVER_ID && !m->have_sid) {
				m->sid = d;
				m->have_sid = 1;
			} else if (code == O4_REQUESTED && !m->have_req) {
				m->req = d;
				m->have_req = 1;
			}
			break;
		case O4_VENDOR_CLASS:
			if (!m->have_vc) {
				m->vc = d;
				m->have_vc = 1;
			}
			break;
		default:
			break;
		}
	}
	return 0;
}

static void set_addr4(const struct nl_host_api *api, struct nl_flow *flow, uint16_t field,
		      struct nl_reader r)
{
	uint8_t a[4];
	char text[16];
	if (nl_get_bytes(&r, a, 4) == 0)
		api->set_str(flow, field, text, ipv4_text(a, text));
}

static void v4_emit(const struct nl_host_api *api, struct nl_flow *flow, struct dhcp_flow *st,
		    struct v4_msg *m)
{
	char text[NAME_MAX_WIRE + 1];
	size_t n;

	if (m->type >= 1 && (size_t)m->type < V4_TYPES) {
		const char *name = v4_names[m->type];
		api->set_str(flow, F_MESSAGE_TYPE, name, strlen(name));
		api->add_str(flow, F_MESSAGES, name, strlen(name));
		api->set_state(flow, v4_states[m->type]);
		st->flags |= FL_TYPED;
	} else if (m->type >= 0) {
		/* a type no RFC names: shown as its number, as tshark does */
		n = 0;
		unsigned v = (unsigned)m->type;
		if (v >= 100)
			text[n++] = (char)('0' + v / 100);
		if (v >= 10)
			text[n++] = (char)('0' + v / 10 % 10);
		text[n++] = (char)('0' + v % 10);
		api->set_str(flow, F_MESSAGE_TYPE, text, n);
		api->add_str(flow, F_MESSAGES, text, n);
		api->set_state(flow, "DHCP_UNKNOWN");
		st->flags |= FL_TYPED;
	} else if (!(st->flags & FL_TYPED)) {
		api->set_state(flow, v4_states[0]);
	}
	api->set_u64(flow, F_XID, m->xid);
	if (m->htype == 1 && m->hlen == 6 && (n = mac_text(&m->chaddr, text)))
		api->set_str(flow, F_CLIENT_MAC, text, n);
	if ((m->type == M4_OFFER || m->type == M4_ACK) &&
	    (m->yiaddr[0] | m->yiaddr[1] | m->yiaddr[2] | m->yiaddr[3]))
		api->set_str(flow, F_ASSIGNED_ADDR, text, ipv4_text(m->yiaddr, text));
	if (m->have_host) {
		set_text(api, flow, F_HOSTNAME, m->host);
	} else if (m->have_fqdn) {
		/* RFC 4702 2.1: flags (E: 0x04, canonical wire format), two
		 * deprecated rcodes, then the name */
		uint8_t flags = nl_get_u8(&m->fqdn);
		nl_reader_skip(&m->fqdn, 2);
		if (flags & 0x04) {
			if ((n = wire_name(m->fqdn, text)))
				api->set_str(flow, F_HOSTNAME, text, n);
		} else {
			set_text(api, flow, F_HOSTNAME, m->fqdn);	/* ASCII, deprecated */
		}
	}
	if (m->have_sid)
		set_addr4(api, flow, F_SERVER_ID, m->sid);
	if (m->have_req)
		set_addr4(api, flow, F_REQUESTED_ADDR, m->req);
	if (m->have_vc)
		set_text(api, flow, F_VENDOR_CLASS, m->vc);
}

/* ---- DHCPv6 -------------------------------------------------------------- */

struct v6_msg {
	uint8_t type[V6_MAX_DEPTH];	/* msg-type of each level, outermost first */
	int depth;			/* levels read */
	uint32_t xid;			/* of the innermost (client/server) message */
	int have_xid;
	int have_duid, have_fqdn, have_ia, have_vc;
	struct nl_reader duid, fqdn, ia, vc;	/* option data */
};

/* Walks the options of one level; sets *inner to the relayed message of a
 * relay level. 0 when every option frames within r, -1 otherwise. */
static int v6_options(struct nl_reader r, struct v6_msg *m, int relay, struct nl_reader *inner,
		      int *have_inner)
{
	int walked = 0;
	while (nl_reader_left(&r)) {	/* each pass consumes >= 4 bytes or returns */
		if (++walked > V6_MAX_OPTIONS)
			return -1;
		uint16_t code = nl_get_be16(&r);
		uint16_t len = nl_get_be16(&r);
		if (!nl_reader_ok(&r))
			return -1;	/* 1-3 bytes left: not an option */
		struct nl_reader d = nl_reader_sub(&r, len);
		if (!nl_reader_ok(&r))
			return -1;
		if (relay) {
			if (code == O6_RELAY_MSG && !*have_inner) {
				*inner = d;
				*have_inner = 1;
			}
			continue;	/* a relay's own options (interface-id...) say nothing of ours */
		}
		if (code == O6_CLIENTID && !m->have_duid) {
			m->duid = d;
			m->have_duid = 1;
		} else if (code == O6_FQDN && !m->have_fqdn) {
			if (len < 1)
				return -1;	/* flags */
			m->fqdn = d;
			m->have_fqdn = 1;
		} else if (code == O6_VENDOR_CLASS && !m->have_vc) {
			m->vc = d;	/* checked when read: only shown, never trusted */
			m->have_vc = 1;
		} else if (code == O6_IA_NA && !m->have_ia) {
			if (len < 12)
				return -1;	/* IAID, T1, T2 */
			m->ia = d;
			m->have_ia = 1;
		}
	}
	return 0;
}

/* Checks a whole v6 message, into relayed ones; 0 when it is one. */
static int v6_parse(struct nl_reader r, struct v6_msg *m)
{
	memset(m, 0, sizeof(*m));
	for (;;) {	/* each pass goes one relay level in, at most V6_MAX_DEPTH */
		if (m->depth == V6_MAX_DEPTH)
			return -1;
		uint8_t t = nl_get_u8(&r);
		if (!nl_reader_ok(&r) || t < 1 || t >= V6_TYPES)
			return -1;
		m->type[m->depth++] = t;
		if (t != M6_RELAY_FORW && t != M6_RELAY_REPL) {
			m->xid = nl_get_be24(&r);
			if (!nl_reader_ok(&r))
				return -1;
			m->have_xid = 1;
			return v6_options(r, m, 0, NULL, NULL);
		}
		/* hop-count, link-address, peer-address */
		if (nl_reader_skip(&r, 1 + 16 + 16) < 0)
			return -1;
		struct nl_reader inner;
		int have_inner = 0;
		if (v6_options(r, m, 1, &inner, &have_inner) < 0)
			return -1;
		if (!have_inner)
			return 0;	/* a relay message with nothing relayed: its type only */
		r = inner;
	}
}

/* The client's MAC address from a DUID-LLT (1) or DUID-LL (3) with
 * hardware type 1 (Ethernet) and a 6-byte address (RFC 8415 11.2, 11.4). */
static size_t duid_mac(struct nl_reader d, char out[18])
{
	uint16_t type = nl_get_be16(&d);
	uint16_t hw = nl_get_be16(&d);
	if (!nl_reader_ok(&d) || hw != 1)
		return 0;
	if (type == 1)
		nl_reader_skip(&d, 4);	/* time */
	else if (type != 3)
		return 0;
	if (nl_reader_left(&d) != 6)
		return 0;
	return mac_text(&d, out);
}

/* The first IA Address (option 5) inside an IA_NA: 0 and out written, or
 * -1. The IA_NA's own options are walked with bounds; one that does not
 * frame ends the walk. */
static int ia_addr(struct nl_reader ia, char out[INET6_ADDRSTRLEN])
{
	if (nl_reader_skip(&ia, 12) < 0)	/* IAID, T1, T2 */
		return -1;
	for (int i = 0; i < V6_MAX_SUB && nl_reader_left(&ia); i++) {
		uint16_t code = nl_get_be16(&ia);
		uint16_t len = nl_get_be16(&ia);
		struct nl_reader d = nl_reader_sub(&ia, len);
		if (!nl_reader_ok(&ia))
			return -1;
		if (code != O6_IAADDR)
			continue;
		uint8_t a[16];
		if (len < 24 || nl_get_bytes(&d, a, sizeof(a)) < 0)	/* address, lifetimes */
			return -1;
		return inet_ntop(AF_INET6, a, out, INET6_ADDRSTRLEN) ? 0 : -1;
	}
	return -1;
}

/* The first vendor-class-data item of a Vendor Class option (RFC 8415
 * 21.16: enterprise-number, then items of a 2-byte length and data), when
 * it is whole and printable ASCII; its length, 0 otherwise. */
static size_t vendor_class6(struct nl_reader d, char out[NL_MAX_STR])
{
	if (nl_reader_skip(&d, 4) < 0)	/* enterprise-number: not shown */
		return 0;
	uint16_t len = nl_get_be16(&d);
	if (!nl_reader_ok(&d) || len == 0 || len > NL_MAX_STR || nl_get_bytes(&d, out, len) < 0)
		return 0;
	for (size_t i = 0; i < len; i++)
		if (out[i] < 0x20 || out[i] > 0x7e)
			return 0;
	return len;
}

static void v6_emit(const struct nl_host_api *api, struct nl_flow *flow, struct dhcp_flow *st,
		    struct v6_msg *m)
{
	char text[NAME_MAX_WIRE + 1];
	size_t n;
	/* The outermost type is the flow's message type (a relay agent's flow
	 * carries RELAY-FORW), every level's is listed. */
	const char *name = v6_names[m->type[0]];
	api->set_str(flow, F_MESSAGE_TYPE, name, strlen(name));
	for (int i = 0; i < m->depth; i++)
		api->add_str(flow, F_MESSAGES, v6_names[m->type[i]], strlen(v6_names[m->type[i]]));
	api->set_state(flow, v6_states[m->type[0]]);
	st->flags |= FL_TYPED;
	if (m->have_xid)
		api->set_u64(flow, F_XID, m->xid);
	if (m->have_duid && (n = duid_mac(m->duid, text)))
		api->set_str(flow, F_CLIENT_MAC, text, n);
	uint8_t inner = m->type[m->depth - 1];
	/* RFC 4704 4: the option belongs only in SOLICIT, ADVERTISE, REQUEST,
	 * RENEW, REBIND and REPLY (dhclient -S sends it in an
	 * INFORMATION-REQUEST too, where tshark does not read it either) */
	if (m->have_fqdn && inner != M6_CONFIRM && inner <= M6_REPLY) {
		nl_reader_skip(&m->fqdn, 1);	/* flags (RFC 4704 4.1) */
		if ((n = wire_name(m->fqdn, text)))
			api->set_str(flow, F_HOSTNAME, text, n);
	}
	if (m->have_vc && (n = vendor_class6(m->vc, text)))
		api->set_str(flow, F_VENDOR_CLASS, text, n);
	if (m->have_ia && (inner == M6_ADVERTISE || inner == M6_REPLY) && ia_addr(m->ia, text) == 0)
		api->set_str(flow, F_ASSIGNED_ADDR, text, strlen(text));
}

/* ---- dissect ------------------------------------------------------------- */

static int is_port(uint16_t p, uint16_t a, uint16_t b) { return p == a || p == b; }

static enum nl_verdict dhcp_dissect(const struct nl_host_api *api, struct nl_flow *flow, void *state,
				    const struct nl_payload *p)
{
	struct dhcp_flow *st = state;
	if (!st || p->transport != NL_UDP)
		return NL_NOT_MINE;
	/* DHCP runs over IPv4 only, DHCPv6 over IPv6 only (RFC 8415 5): a
	 * host of ABI 1.3 says which (0 from an older one: ports alone). */
	const unsigned ipv = NL_PAYLOAD_HAS(p, ip_version) ? p->ip_version : 0;
	int v4 = ipv != 6 &&
		 (is_port(p->src_port, BOOTPS, BOOTPC) || is_port(p->dst_port, BOOTPS, BOOTPC));
	int v6 = ipv != 4 && (is_port(p->src_port, DHCP6_CLIENT, DHCP6_SERVER) ||
			      is_port(p->dst_port, DHCP6_CLIENT, DHCP6_SERVER));
	if (!v4 && !v6)
		return NL_NOT_MINE;	/* off the ports: never ours */

	struct nl_reader r = p->data;
	if (r.err)
		return (st->flags & FL_PROVEN) ? NL_NEED_MORE : NL_NOT_MINE;
	/* Options run to END or to the datagram's end, so a datagram the snap
	 * length cut between two options would pass for a whole one: one the
	 * host says was cut counts only if END came before the cut, and
	 * otherwise is passed over, neither read nor held against the flow. */
	const int cut = NL_PAYLOAD_HAS(p, wire_len) && p->wire_len > nl_reader_left(&r);
	int ok = 0;
	if (v4) {
		struct v4_msg m;
		if (v4_parse(r, &m) == 0 && (!cut || m.ended)) {
			v4_emit(api, flow, st, &m);
			ok = 1;
		}
	} else if (!cut) {
		struct v6_msg m;
		if (v6_parse(r, &m) == 0) {
			v6_emit(api, flow, st, &m);
			ok = 1;
		}
	}
	if (!ok && cut)
		return NL_NEED_MORE;
	if (!ok)
		return (st->flags & FL_PROVEN) ? NL_MALFORMED : NL_NOT_MINE;
	st->flags |= FL_PROVEN;
	/* More messages may follow on the flow (DISCOVER then REQUEST, a
	 * renewal): followed to the end of the budget. */
	return NL_NEED_MORE;
}

/* ---- descriptor ---------------------------------------------------------- */

static const uint16_t dhcp_ports[] = {BOOTPS, BOOTPC, DHCP6_CLIENT, DHCP6_SERVER};

static const struct nl_field dhcp_fields[F_COUNT] = {
	{F_MESSAGE_TYPE, NL_FIELD_STR, 0, "dhcp.message_type", "Message type"},
	{F_MESSAGES, NL_FIELD_STR_LIST, 0, "dhcp.messages", "Messages"},
	{F_HOSTNAME, NL_FIELD_STR, 0, "dhcp.hostname", "Host name"},
	{F_CLIENT_MAC, NL_FIELD_STR, 0, "dhcp.client_mac", "Client MAC"},
	{F_XID, NL_FIELD_U64, 0, "dhcp.xid", "Transaction ID"},
	{F_ASSIGNED_ADDR, NL_FIELD_STR, 0, "dhcp.assigned_addr", "Assigned address"},
	{F_SERVER_ID, NL_FIELD_STR, 0, "dhcp.server_id", "Server identifier"},
	{F_VENDOR_CLASS, NL_FIELD_STR, 0, "dhcp.vendor_class", "Vendor class"},
	{F_REQUESTED_ADDR, NL_FIELD_STR, 0, "dhcp.requested_addr", "Requested address"},
};

static const struct nl_dissector dhcp_dissector = {
	.struct_size = sizeof(struct nl_dissector),
	.abi_major = NL_ABI_MAJOR,
	.abi_minor = NL_ABI_MINOR,
	.flags = 0,
	.transports = NL_UDP,
	.name = "dhcp",
	.version = "1.0.0",
	.license = "MIT",
	.description = "DHCP and DHCPv6: message types, host name, client MAC, assigned address",
	.display = "DHCP",
	.port_hints = dhcp_ports,
	.n_port_hints = sizeof(dhcp_ports) / sizeof(dhcp_ports[0]),
	/* a whole exchange (DORA, or SOLICIT to REPLY), retries and a renewal */
	.packet_budget = 16,
	.state_size = sizeof(struct dhcp_flow),
	.fields = dhcp_fields,
	.n_fields = F_COUNT,
	.domain_field = F_HOSTNAME,
	.idle_timeout_s = 60,		/* RustNet: UDP DHCP 60 s */
	.init = NULL,
	.fini = NULL,
	.dissect = dhcp_dissect,
	.release = NULL,
};

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void);

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void)
{
	return &dhcp_dissector;
}
