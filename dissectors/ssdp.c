/*
 * ssdp.c - SSDP, the Simple Service Discovery Protocol of UPnP.
 *
 * UPnP Device Architecture 1.1 §1 (and 2.0 §1, the same messages);
 * HTTPU/HTTPMU: HTTP/1.1 messages (RFC 9112 syntax) in single UDP
 * datagrams, multicast to 239.255.255.250 (IPv4) or ff0X::c (IPv6) port
 * 1900, or unicast. Three messages (UDA 1.1 §1.2.2, §1.2.3, §1.3.2, §1.3.3):
 *
 *   NOTIFY * HTTP/1.1              M-SEARCH * HTTP/1.1       HTTP/1.1 200 OK
 *   HOST: 239.255.255.250:1900     HOST: 239.255.255.250:1900 CACHE-CONTROL: max-age=N
 *   CACHE-CONTROL: max-age=1800    MAN: "ssdp:discover"      EXT:
 *   LOCATION: http://host/desc.xml MX: 2                     LOCATION: URL
 *   NT: notification type          ST: search target         SERVER: OS/v UPnP/1.1 prod/v
 *   NTS: ssdp:alive | ssdp:byebye  USER-AGENT: OS/v UPnP/1.1 ST: search target
 *        | ssdp:update                  product/v (optional) USN: uuid:...::type
 *   SERVER: OS/v UPnP/1.1 prod/v   CRLF                      CRLF
 *   USN: uuid:...::type
 *   CRLF
 *
 * Who sends what from where: a device's NOTIFY and a control point's
 * M-SEARCH go to port 1900; a device's answer to an M-SEARCH goes unicast
 * from the device's own (often random) port to the searcher's source port,
 * so the flow of a response has port 1900 on neither side. Such a flow is
 * claimed only on a strong signature: the start line is exactly one of the
 * three above (methods in capitals, as in the spec, HTTP/1.1) and the
 * headers that make the message SSDP are there (M-SEARCH: MAN
 * "ssdp:discover" and ST; NOTIFY: NT and an NTS of ssdp:alive, ssdp:byebye
 * or ssdp:update; response: ST and USN). Anything else there is NOT_MINE
 * at its first byte that cannot begin such a line: this dissector is
 * offered every UDP flow on a port nobody claims. On port 1900 the start
 * line may say HTTP/1.0 and a response any reason phrase, and the SSDP
 * headers need not all be there; a datagram there whose first line starts
 * like one of the three but is broken is MALFORMED, one that does not at
 * all (another protocol on 1900) NOT_MINE. A flow once proven is never
 * declined again: a later datagram that is not SSDP is MALFORMED.
 *
 * Header names are compared without case (devices send "Cache-Control",
 * "CACHE-CONTROL" and "st"); values are trimmed of SP and HTAB. Lines end
 * in CRLF or bare LF. At most SSDP_MAX_LINES header lines are walked, each
 * of at most SSDP_MAX_LINE bytes (a longer one ends the walk). A last line
 * without its line end (a datagram cut by the capture's snap length) is
 * not read: no field comes from a truncated line. Nothing is set on the
 * flow before the datagram is judged, so a declined flow has no field.
 *
 * A flow is one socket pair: a device's NOTIFY flow (its 1900 to the
 * group's 1900) carries one NOTIFY per device, service and embedded device,
 * so each datagram is read (the budget) and the NT values make the search
 * target list. The method, notification subtype and state label are the
 * last datagram's; USN, LOCATION, SERVER and USER-AGENT the first seen.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <netlens/dissector.h>

#define SSDP_PORT 1900
#define SSDP_MAX_LINES 64	/* header lines walked per datagram */
#define SSDP_MAX_LINE 1024	/* bytes of one line, line end included */
/* Datagrams read per flow: a device announces itself as root device, as
 * its UUID, and per device and service type (minidlna: 9 NOTIFYs at
 * once, miniupnpd's IGD 12); a searcher may send a few M-SEARCHes. */
#define SSDP_BUDGET 16

enum ssdp_field {
	F_METHOD, F_SEARCH_TARGET, F_NTS, F_USN, F_LOCATION, F_SERVER, F_USER_AGENT, F_COUNT
};

static const struct nl_field ssdp_fields[F_COUNT] = {
	{ F_METHOD, NL_FIELD_STR, 0, "ssdp.method", "Method" },
	{ F_SEARCH_TARGET, NL_FIELD_STR_LIST, 0, "ssdp.search_target", "Search target" },
	{ F_NTS, NL_FIELD_STR, 0, "ssdp.notification_subtype", "Notification subtype" },
	{ F_USN, NL_FIELD_STR, 0, "ssdp.usn", "Unique service name" },
	{ F_LOCATION, NL_FIELD_STR, 0, "ssdp.location", "Location" },
	{ F_SERVER, NL_FIELD_STR, 0, "ssdp.server", "Server" },
	{ F_USER_AGENT, NL_FIELD_STR, 0, "ssdp.user_agent", "User agent" },
};

enum ssdp_kind { K_NONE, K_MSEARCH, K_NOTIFY, K_RESPONSE };

/* The headers read, as offsets into the datagram's reader. */
enum { H_ST, H_NT, H_NTS, H_USN, H_LOCATION, H_SERVER, H_USER_AGENT, H_MAN, H_COUNT };

static const char *const hdr_names[H_COUNT] = {
	"st", "nt", "nts", "usn", "location", "server", "user-agent", "man",
};

struct span {
	uint32_t off;
	uint32_t len;
	uint8_t set;
};

/* state.flags */
#define SF_MINE 0x01		/* a datagram was claimed */
#define SF_USN 0x02		/* ssdp.usn set (first seen) */
#define SF_LOCATION 0x04
#define SF_SERVER 0x08
#define SF_USER_AGENT 0x10

struct ssdp_state {
	uint8_t flags;		/* SF_* */
	uint8_t kind;		/* enum ssdp_kind of the last datagram (label shown) */
};

enum judge { J_SSDP, J_BROKEN, J_OTHER };

/* True when the n bytes at off of r are s, compared exactly (fold 0) or
 * without ASCII case (fold 1; s in lower case). */
static int bytes_eq(const struct nl_reader *r, size_t off, size_t n, const char *s, int fold)
{
	if (strlen(s) != n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = 0;
		if (nl_peek_u8(r, off + i, &c) < 0)
			return 0;
		if (fold && c >= 'A' && c <= 'Z')
			c = (uint8_t)(c - 'A' + 'a');
		if (c != (uint8_t)s[i])
			return 0;
	}
	return 1;
}

/* How many of the first bytes at r agree with s (exactly). */
static size_t prefix_len(const struct nl_reader *r, const char *s)
{
	size_t i = 0;
	for (; s[i]; i++) {
		uint8_t c = 0;
		if (nl_peek_u8(r, i, &c) < 0 || c != (uint8_t)s[i])
			break;
	}
	return i;
}

/* The line at off: *content bytes before CR LF or LF, *next the offset
 * past its end. 0: no complete line there (none left, or cut: the
 * datagram ends first), -1: longer than SSDP_MAX_LINE. */
static int line_at(const struct nl_reader *r, size_t off, size_t *content, size_t *next)
{
	for (size_t i = 0; i < SSDP_MAX_LINE; i++) {
		uint8_t c = 0;
		if (nl_peek_u8(r, off + i, &c) < 0)
			return 0;
		if (c == '\n') {
			size_t n = i;
			uint8_t prev = 0;
			if (n > 0 && nl_peek_u8(r, off + n - 1, &prev) == 0 && prev == '\r')
				n--;
			*content = n;
			*next = off + i + 1;
			return 1;
		}
	}
	return -1;
}

static int is_ows(uint8_t c) { return c == ' ' || c == '\t'; }

/* What the start line (content bytes at r's start) is. strict: off port
 * 1900, only the exact forms. */
static enum ssdp_kind start_line(const struct nl_reader *r, size_t n, int strict)
{
	if (bytes_eq(r, 0, n, "M-SEARCH * HTTP/1.1", 0))
		return K_MSEARCH;
	if (bytes_eq(r, 0, n, "NOTIFY * HTTP/1.1", 0))
		return K_NOTIFY;
	if (bytes_eq(r, 0, n, "HTTP/1.1 200 OK", 0))
		return K_RESPONSE;
	if (strict)
		return K_NONE;
	/* On 1900: HTTP/1.0 too, and a response with any reason phrase. */
	if (bytes_eq(r, 0, n, "M-SEARCH * HTTP/1.0", 0))
		return K_MSEARCH;
	if (bytes_eq(r, 0, n, "NOTIFY * HTTP/1.0", 0))
		return K_NOTIFY;
	if (n >= 12 && (bytes_eq(r, 0, 12, "HTTP/1.1 200", 0) || bytes_eq(r, 0, 12, "HTTP/1.0 200", 0))) {
		uint8_t c = ' ';
		nl_peek_u8(r, 12, &c);
		if (n == 12 || c == ' ')
			return K_RESPONSE;
	}
	return K_NONE;
}

/* One header line (content bytes at off): notes the span of the value of a
 * header we read, the first time it appears. A line with no colon, or
 * whose name is empty or holds SP or a control byte, is passed over. */
static void header_line(const struct nl_reader *r, size_t off, size_t n, struct span *h)
{
	size_t colon = 0;
	uint8_t c = 0;
	while (colon < n && nl_peek_u8(r, off + colon, &c) == 0 && c != ':') {
		if (c <= ' ' || c >= 0x7f)
			return;
		colon++;
	}
	if (colon == 0 || colon >= n)
		return;
	size_t v = colon + 1, e = n;
	while (v < e && nl_peek_u8(r, off + v, &c) == 0 && is_ows(c))
		v++;
	while (e > v && nl_peek_u8(r, off + e - 1, &c) == 0 && is_ows(c))
		e--;
	for (int k = 0; k < H_COUNT; k++) {
		if (h[k].set || !bytes_eq(r, off, colon, hdr_names[k], 1))
			continue;
		/* Offsets fit: the walk ends within SSDP_MAX_LINES + 1 lines of
		 * SSDP_MAX_LINE bytes. */
		h[k].off = (uint32_t)(off + v);
		h[k].len = (uint32_t)(e - v);
		h[k].set = 1;
		return;
	}
}

/* Whether the span's value is one of the words (compared without case). */
static int value_is(const struct nl_reader *r, const struct span *s, const char *const *words)
{
	for (; *words; words++)
		if (s->set && bytes_eq(r, s->off, s->len, *words, 1))
			return 1;
	return 0;
}

/* Whether the headers make the message SSDP (UDA 1.1 §1.2.2, 1.3.2, 1.3.3). */
static int has_signature(const struct nl_reader *r, enum ssdp_kind kind, const struct span *h)
{
	static const char *const discover[] = { "\"ssdp:discover\"", "ssdp:discover", NULL };
	static const char *const nts[] = { "ssdp:alive", "ssdp:byebye", "ssdp:update", NULL };
	switch (kind) {
	case K_MSEARCH:
		return value_is(r, &h[H_MAN], discover) && h[H_ST].len > 0;
	case K_NOTIFY:
		return h[H_NT].len > 0 && value_is(r, &h[H_NTS], nts);
	case K_RESPONSE:
		return h[H_ST].len > 0 && h[H_USN].len > 0;
	default:
		return 0;
	}
}

/* Reads one datagram: its kind, and the spans of the headers we read.
 * Sets nothing on the flow. */
static enum judge judge_datagram(const struct nl_reader *r, int strict, enum ssdp_kind *kind,
				 struct span *h)
{
	/* Cheap first: the first byte of each start line, then the longest
	 * run of the forms it matches ("M-SEARCH * HTTP/1.", "NOTIFY * HTTP/1.",
	 * "HTTP/1."); most other UDP is declined at byte 0 or 1. */
	static const char *const forms[] = { "M-SEARCH * HTTP/1.", "NOTIFY * HTTP/1.", "HTTP/1." };
	uint8_t c0 = 0;
	if (nl_peek_u8(r, 0, &c0) < 0)
		return J_OTHER;
	int f = c0 == 'M' ? 0 : c0 == 'N' ? 1 : c0 == 'H' ? 2 : -1;
	if (f < 0)
		return J_OTHER;
	size_t want = strlen(forms[f]), got = prefix_len(r, forms[f]);
	/* "HTTP/1." is too common a start (HTTP over UDP, RTSP-ish
	 * protocols) for half of it to say "broken SSDP": broken means the
	 * whole prefix is there and the rest of the line is wrong. */
	int prefixed = got == want;
	if (!prefixed && got < 2)
		return J_OTHER;

	size_t content = 0, next = 0;
	if (line_at(r, 0, &content, &next) != 1 || (*kind = start_line(r, content, strict)) == K_NONE)
		return prefixed ? J_BROKEN : J_OTHER;

	for (int lines = 0; lines < SSDP_MAX_LINES; lines++) {
		size_t off = next;
		if (line_at(r, off, &content, &next) != 1 || content == 0)
			break;	/* cut, too long, or the empty line ending the head */
		header_line(r, off, content, h);
	}
	if (strict && !has_signature(r, *kind, h))
		return J_OTHER;
	return J_SSDP;
}

/* Copies a header's value (at most NL_MAX_STR bytes) into a string field. */
static void set_span(const struct nl_host_api *api, struct nl_flow *flow, uint16_t field,
		     const struct nl_reader *r, const struct span *s, int list)
{
	char buf[NL_MAX_STR];
	size_t n = s->len < sizeof(buf) ? s->len : sizeof(buf);
	struct nl_reader t = *r;
	if (!s->set || n == 0 || nl_reader_seek(&t, s->off) < 0 || nl_get_bytes(&t, buf, n) < 0)
		return;
	if (list)
		api->add_str(flow, field, buf, n);
	else
		api->set_str(flow, field, buf, n);
}

/* A first-seen field: set once, from the first datagram that has it. */
static void set_once(const struct nl_host_api *api, struct nl_flow *flow, struct ssdp_state *st,
		     uint8_t flag, uint16_t field, const struct nl_reader *r, const struct span *s)
{
	if ((st->flags & flag) || !s->set || s->len == 0)
		return;
	set_span(api, flow, field, r, s, 0);
	st->flags |= flag;
}

static enum nl_verdict ssdp_dissect(const struct nl_host_api *api, struct nl_flow *flow,
				    void *state, const struct nl_payload *p)
{
	struct ssdp_state *st = state;
	if (!st || p->transport != NL_UDP)
		return NL_NOT_MINE;
	int on_port = p->src_port == SSDP_PORT || p->dst_port == SSDP_PORT;
	/* A flow proven SSDP is judged as on its port. */
	int strict = !on_port && !(st->flags & SF_MINE);

	struct nl_reader r = nl_reader_rest(&p->data);
	struct span h[H_COUNT];
	enum ssdp_kind kind = K_NONE;
	memset(h, 0, sizeof(h));
	enum judge j = judge_datagram(&r, strict, &kind, h);
	if (j != J_SSDP) {
		if (st->flags & SF_MINE)
			return NL_MALFORMED;
		return (j == J_BROKEN && on_port) ? NL_MALFORMED : NL_NOT_MINE;
	}
	st->flags |= SF_MINE;

	static const char *const methods[] = { "", "M-SEARCH", "NOTIFY", "RESPONSE" };
	static const char *const labels[] = { "", "SSDP_M_SEARCH", "SSDP_NOTIFY", "SSDP_RESPONSE" };
	api->set_str(flow, F_METHOD, methods[kind], strlen(methods[kind]));
	if (st->kind != kind) {
		api->set_state(flow, labels[kind]);
		st->kind = (uint8_t)kind;
	}
	/* NOTIFY names its type in NT; a search and its answers in ST. */
	set_span(api, flow, F_SEARCH_TARGET, &r, kind == K_NOTIFY ? &h[H_NT] : &h[H_ST], 1);
	if (kind == K_NOTIFY)
		set_span(api, flow, F_NTS, &r, &h[H_NTS], 0);
	set_once(api, flow, st, SF_USN, F_USN, &r, &h[H_USN]);
	set_once(api, flow, st, SF_LOCATION, F_LOCATION, &r, &h[H_LOCATION]);
	if (kind == K_MSEARCH)
		set_once(api, flow, st, SF_USER_AGENT, F_USER_AGENT, &r, &h[H_USER_AGENT]);
	else
		set_once(api, flow, st, SF_SERVER, F_SERVER, &r, &h[H_SERVER]);
	/* Every datagram of the flow is worth reading (more search targets),
	 * to the end of the budget. */
	return NL_NEED_MORE;
}

static const uint16_t ssdp_ports[] = { SSDP_PORT };

static const struct nl_dissector ssdp_dissector = {
	.struct_size = sizeof(struct nl_dissector),
	.abi_major = NL_ABI_MAJOR,
	.abi_minor = NL_ABI_MINOR,
	.flags = 0,
	.transports = NL_UDP,
	.name = "ssdp",
	.version = "1.0.0",
	.license = "MIT",
	.description = "SSDP (UPnP discovery): method, search targets, USN, location, server",
	.display = "SSDP",
	.port_hints = ssdp_ports,
	.n_port_hints = sizeof(ssdp_ports) / sizeof(ssdp_ports[0]),
	.packet_budget = SSDP_BUDGET,
	.idle_timeout_s = 30,		/* RustNet: UDP SSDP 30 s */
	.state_size = sizeof(struct ssdp_state),
	.fields = ssdp_fields,
	.n_fields = F_COUNT,
	/* LOCATION names the device by address (http://192.168.1.1:5000/);
	 * nothing in SSDP names the remote end as a host name. */
	.domain_field = -1,
	.dissect = ssdp_dissect,
};

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void);

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void)
{
	return &ssdp_dissector;
}
