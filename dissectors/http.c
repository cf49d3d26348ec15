/*
 * http.c - HTTP/1.0 and HTTP/1.1 request and response heads.
 *
 * RFC 9112 (HTTP/1.1 message syntax), RFC 9110 (semantics), RFC 1945
 * (HTTP/1.0). Only the first request's head and the first final
 * response's status line are read (interim 1xx responses before it, as
 * 100 Continue, are passed over); bodies, chunking and later messages of
 * a keep-alive connection are not.
 *
 *   client -> server                      server -> client
 *   +-----------------------------------+ +----------------------------------+
 *   | method SP target SP HTTP/1.x CRLF | | HTTP/1.x SP 3DIGIT SP reason CRLF|
 *   | name ":" OWS value OWS CRLF   x N | | (headers, body: not read)        |
 *   | CRLF                              | +----------------------------------+
 *   | (body: not read)                  |
 *   +-----------------------------------+
 *
 * Bare LF is accepted where CRLF is due (RFC 9112 §2.2); in the request
 * and status lines a CR anywhere else is an error. The method must be one
 * of the nine below, in capitals (methods are case-sensitive). The request
 * target may hold no SP or control byte. Header names are tokens compared
 * without case; values are VCHAR / obs-text / SP / HTAB. A header line that
 * is not (a control byte, NUL or bare CR in it, a name that is no token,
 * no colon) is passed over, as is one beginning with SP or HTAB
 * (obs-fold): the request is still read to its end, and the answer to it
 * (a 400, most likely) still read, where a monitor wants to show it. At
 * most HTTP_MAX_HDR_LINES header lines are read (Apache's
 * LimitRequestFields): the head is taken as read after them.
 *
 * Stream mode: each call has the direction's stream from byte 0, or
 * under ABI 1.1 from the first byte not consumed: the lines read are
 * consumed, and a direction is consumed whole once it has nothing more to
 * tell, so the host keeps no copy of a request while the answer is
 * awaited. Each direction is validated byte by byte from its first byte,
 * so a TLS ClientHello (0x16), an SSH banner or binary is declined at its
 * first byte that no request or status line can start with. Fields come
 * only from complete lines of a validated request line and its headers;
 * the parse resumes at the first line not yet read (state.req_off).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <netlens/dissector.h>

#define HTTP_MAX_HDR_LINES 100	/* header lines read in the first request */
#define HTTP_MAX_INTERIM 16	/* 1xx responses passed over before the final one */
/* Stream deliveries per flow: a request head and a status line each in a
 * few segments, or in many small ones (a client writing header by header,
 * a long target at a small MSS; segments under 128 bytes count in part).
 * A body does not count: once the request head is read the client's side
 * is ignored (ABI 1.2). */
#define HTTP_BUDGET 32

enum http_field { F_METHOD, F_HOST, F_PATH, F_USER_AGENT, F_STATUS, F_VERSION, F_RESPONSE_VERSION,
		  F_COUNT };

static const struct nl_field http_fields[F_COUNT] = {
	{ F_METHOD, NL_FIELD_STR, 0, "http.method", "Method" },
	{ F_HOST, NL_FIELD_STR, 0, "http.host", "Host" },
	{ F_PATH, NL_FIELD_STR, 0, "http.path", "Path" },
	{ F_USER_AGENT, NL_FIELD_STR, 0, "http.user_agent", "User agent" },
	{ F_STATUS, NL_FIELD_U64, 0, "http.status", "Status" },
	{ F_VERSION, NL_FIELD_STR, 0, "http.version", "Request version" },
	{ F_RESPONSE_VERSION, NL_FIELD_STR, 0, "http.response_version", "Response version" },
};

/* state.flags */
#define HS_MINE 0x01		/* a request line or status line validated */
#define HS_REQ_LINE 0x02	/* the first request line validated; req_off past it */
#define HS_REQ_DONE 0x04	/* the first request's head is read (or can't be) */
#define HS_RESP_DONE 0x08	/* the first final status line is read */
#define HS_HOST 0x10		/* a Host header was read */
#define HS_UA 0x20		/* a User-Agent header was read */
#define HS_LONG_LINE 0x40	/* in a request line longer than the stream kept:
				 * req_off moves on until its end */

struct http_state {
	uint32_t req_off;	/* client stream bytes read: request line + whole header
				 * lines (a stream offset, counted from byte 0) */
	uint32_t resp_off;	/* server stream bytes passed over: whole interim (1xx)
				 * responses before the final one */
	uint16_t hdr_lines;	/* header lines read */
	uint8_t flags;		/* HS_* */
	uint8_t interim;	/* interim responses passed over */
};

/* Outcome of a look at a (prefix of a) line. */
enum scan { SCAN_OK, SCAN_MORE, SCAN_BAD };

/* RFC 9110 and 5789, then those tshark also reads as HTTP: WebDAV (RFC
 * 4918, 3253 DeltaV, 5323 SEARCH), UPnP's GENA, Exchange's POLL and
 * Outlook Anywhere's RPC_IN_DATA/RPC_OUT_DATA. */
#define M(s) { s, sizeof(s) - 1 }	/* with its length: no strlen per byte read */
static const struct { const char *s; uint8_t len; } http_methods[] = {
	M("GET"), M("POST"), M("PUT"), M("DELETE"), M("HEAD"), M("OPTIONS"), M("CONNECT"),
	M("TRACE"), M("PATCH"), M("PROPFIND"), M("PROPPATCH"), M("MKCOL"), M("COPY"), M("MOVE"),
	M("LOCK"), M("UNLOCK"), M("REPORT"), M("SEARCH"), M("CHECKIN"), M("CHECKOUT"),
	M("UNCHECKOUT"), M("MKWORKSPACE"), M("UPDATE"), M("LABEL"), M("MERGE"), M("MKACTIVITY"),
	M("VERSION-CONTROL"), M("BASELINE-CONTROL"), M("SUBSCRIBE"), M("UNSUBSCRIBE"), M("NOTIFY"),
	M("POLL"), M("RPC_IN_DATA"), M("RPC_OUT_DATA"),
};
#undef M
#define N_METHODS (sizeof(http_methods) / sizeof(http_methods[0]))
#define METHOD_MAX 16		/* longest method, BASELINE-CONTROL */

static int is_tchar(uint8_t c)
{
	if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
		return 1;
	switch (c) {
	case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+':
	case '-': case '.': case '^': case '_': case '`': case '|': case '~':
		return 1;
	}
	return 0;
}

/* Field value / reason phrase bytes: VCHAR, obs-text, SP, HTAB. */
static int is_text(uint8_t c)
{
	return c == '\t' || (c >= 0x20 && c != 0x7f);
}

/* Reads the line terminator at r: CRLF or LF. */
static enum scan get_eol(struct nl_reader *r)
{
	uint8_t c;
	if (nl_peek_u8(r, 0, &c) < 0)
		return SCAN_MORE;
	if (c == '\n') {
		nl_get_u8(r);
		return SCAN_OK;
	}
	if (c != '\r')
		return SCAN_BAD;
	if (nl_peek_u8(r, 1, &c) < 0)
		return SCAN_MORE;
	if (c != '\n')
		return SCAN_BAD;
	nl_reader_skip(r, 2);
	return SCAN_OK;
}

/* Matches the literal s at r byte by byte: a prefix of it is SCAN_MORE. */
static enum scan get_literal(struct nl_reader *r, const char *s)
{
	for (size_t i = 0; s[i]; i++) {
		uint8_t c;
		if (nl_peek_u8(r, 0, &c) < 0)
			return SCAN_MORE;
		if (c != (uint8_t)s[i])
			return SCAN_BAD;
		nl_get_u8(r);
	}
	return SCAN_OK;
}

/* "HTTP/1.0" or "HTTP/1.1"; *minor (when given) its last character. */
static enum scan get_version(struct nl_reader *r, uint8_t *minor)
{
	enum scan s = get_literal(r, "HTTP/1.");
	uint8_t c;
	if (s != SCAN_OK)
		return s;
	if (nl_peek_u8(r, 0, &c) < 0)
		return SCAN_MORE;
	if (c != '0' && c != '1')
		return SCAN_BAD;
	nl_get_u8(r);
	if (minor)
		*minor = c;
	return SCAN_OK;
}

/* Sets a version field: "HTTP/1.0" or "HTTP/1.1", as the line had it. */
static void set_version(const struct nl_host_api *api, struct nl_flow *flow, uint16_t field,
			uint8_t minor)
{
	char v[8] = "HTTP/1.";
	v[7] = (char)minor;
	api->set_str(flow, field, v, sizeof(v));
}

/* Copies n bytes (at most NL_MAX_STR) of r into a string field. */
static void set_str_from(const struct nl_host_api *api, struct nl_flow *flow, uint16_t field,
			 struct nl_reader *r, size_t n)
{
	char buf[NL_MAX_STR];
	if (n > sizeof(buf))
		n = sizeof(buf);
	if (nl_get_bytes(r, buf, n) == 0)
		api->set_str(flow, field, buf, n);
}

/*
 * The request line at the start of r. SCAN_MORE while all there is could
 * still begin a valid request line; on SCAN_OK r is past its end, *method
 * is the method's index, target/target_len locate the target and *minor
 * is the version's last character.
 */
static enum scan get_request_line(struct nl_reader *r, size_t *method, size_t *target_off,
				  size_t *target_len, uint8_t *minor)
{
	char tok[METHOD_MAX];
	size_t n = 0, first = 0;
	uint8_t c;

	/* Method: each byte must extend a prefix of a known method. */
	for (;;) {
		if (nl_peek_u8(r, 0, &c) < 0)
			return SCAN_MORE;
		nl_get_u8(r);
		if (c == ' ')
			break;
		if (n == METHOD_MAX)
			return SCAN_BAD;
		tok[n++] = (char)c;
		/* Methods that matched the byte before stay the only candidates:
		 * go on from the first of them (the table is searched in order). */
		for (; first < N_METHODS; first++)
			if (http_methods[first].len >= n && !memcmp(http_methods[first].s, tok, n))
				break;
		if (first == N_METHODS)
			return SCAN_BAD;
	}
	size_t i;
	for (i = first; i < N_METHODS; i++)
		if (http_methods[i].len == n && !memcmp(http_methods[i].s, tok, n))
			break;
	if (i == N_METHODS)
		return SCAN_BAD;
	*method = i;

	/* Target, then " HTTP/1.x" and the line's end. Servers split the line
	 * on whitespace (RFC 9112 3: runs of spaces after the method), and
	 * take a space inside the target as part of it (scanners' and attack
	 * traffic, a monitor's to label): the version is the line's last
	 * word, the target all between. No control byte anywhere. */
	while (nl_peek_u8(r, 0, &c) == 0 && c == ' ')
		nl_get_u8(r);
	*target_off = nl_reader_offset(r);
	size_t end = 0;		/* the target's end: the start of a run of spaces */
	for (size_t k = 0;; k++) {
		if (nl_peek_u8(r, k, &c) < 0)
			return SCAN_MORE;
		if (c == '\r' || c == '\n')
			break;
		if (c < 0x20 || c == 0x7f)
			return SCAN_BAD;
		if (c == ' ') {
			if (k && !end)
				end = k;
			continue;
		}
		if (end) {	/* a word after spaces: the version, or more target */
			struct nl_reader v = *r;
			nl_reader_skip(&v, k);
			enum scan s = get_version(&v, NULL);
			if (s == SCAN_MORE)
				return SCAN_MORE;
			if (s == SCAN_OK && get_eol(&v) != SCAN_BAD) {
				*target_len = end;
				nl_reader_skip(r, k);
				s = get_version(r, minor);
				return s == SCAN_OK ? get_eol(r) : s;
			}
			end = 0;	/* a space inside the target */
		}
	}
	return SCAN_BAD;	/* no version before the line's end */
}

/* Whether the n bytes at b are all field text (is_text). */
static int bytes_text(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!is_text(b[i]))
			return 0;
	return 1;
}

/* The same, eight bytes a step: only a word that holds a byte below 0x20
 * (TAB is one) or DEL is looked at a byte at a time. (Header lines are
 * most of a request's bytes; "some byte below n" and "some byte zero"
 * are the exact word tests of the bit-twiddling folklore.) */
static int all_text(const uint8_t *b, size_t n)
{
	const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, b + i, 8);
		const uint64_t control = (w - ones * 0x20) & ~w & highs;
		const uint64_t x = w ^ (ones * 0x7f);
		const uint64_t del = (x - ones) & ~x & highs;
		if ((control | del) && !bytes_text(b + i, 8))
			return 0;
	}
	return bytes_text(b + i, n - i);
}

/*
 * The extent of the header line at r (without moving r): *content is its
 * length before CRLF/LF, *total with it; *damaged is set when a byte
 * before them is not field text (a control byte, NUL, a bare CR). The
 * bytes are one checked span: memchr finds the LF.
 */
static enum scan scan_line(const struct nl_reader *r, size_t *content, size_t *total, int *damaged)
{
	struct nl_reader rest = *r;
	const size_t left = nl_reader_left(r);
	const uint8_t *b = left ? nl_get_span(&rest, left) : NULL;
	const uint8_t *lf = b ? memchr(b, '\n', left) : NULL;
	if (!lf)
		return SCAN_MORE;
	const size_t i = (size_t)(lf - b);
	*content = i - (size_t)(i && b[i - 1] == '\r');
	*total = i + 1;
	*damaged = !all_text(b, *content);
	return SCAN_OK;
}

/* True when the field name in line (n bytes) is lname, without case. */
static int name_is(const struct nl_reader *line, size_t n, const char *lname)
{
	if (strlen(lname) != n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = 0;
		nl_peek_u8(line, i, &c);
		if (c >= 'A' && c <= 'Z')
			c = (uint8_t)(c - 'A' + 'a');
		if (c != (uint8_t)lname[i])
			return 0;
	}
	return 1;
}

/* One complete header line (without its terminator), of field text only.
 * One that is no field line is passed over. */
static void header_line(const struct nl_host_api *api, struct nl_flow *flow, struct http_state *st,
			struct nl_reader line)
{
	uint8_t c;
	size_t len = nl_reader_left(&line), name_len;

	if (nl_peek_u8(&line, 0, &c) == 0 && (c == ' ' || c == '\t'))
		return;	/* obs-fold continuation: ignored */
	for (name_len = 0; name_len < len; name_len++) {
		nl_peek_u8(&line, name_len, &c);
		if (c == ':')
			break;
		if (!is_tchar(c))
			return;	/* includes whitespace before ':' */
	}
	if (name_len == 0 || name_len == len)
		return;

	int field = -1;
	if (!(st->flags & HS_HOST) && name_is(&line, name_len, "host")) {
		field = F_HOST;
		st->flags |= HS_HOST;
	} else if (!(st->flags & HS_UA) && name_is(&line, name_len, "user-agent")) {
		field = F_USER_AGENT;
		st->flags |= HS_UA;
	}
	if (field < 0)
		return;

	nl_reader_skip(&line, name_len + 1);
	/* Trim OWS both sides; each pass shortens the value by a byte. */
	while (nl_peek_u8(&line, 0, &c) == 0 && (c == ' ' || c == '\t'))
		nl_get_u8(&line);
	size_t vlen = nl_reader_left(&line);
	while (vlen > 0 && nl_peek_u8(&line, vlen - 1, &c) == 0 && (c == ' ' || c == '\t'))
		vlen--;
	if (vlen > 0)
		set_str_from(api, flow, (uint16_t)field, &line, vlen);
}

/*
 * A request line longer than the stream the host keeps (a query string of
 * 20 KiB, which a server answers with 414): what get_request_line() has
 * read of it when the stream is full is a valid method and the start of a
 * clean target, so the flow is HTTP; the path keeps the target's first
 * NL_MAX_STR bytes. The rest of the line is passed over as it comes
 * (consume() drops it; skip_long_line()), and the headers are read after
 * it as usual. A host without consume() keeps offering the same first
 * bytes: there the request ends at the line.
 */
static enum scan long_request_line(const struct nl_host_api *api, struct nl_flow *flow,
				   struct http_state *st, struct nl_reader r, uint64_t base)
{
	size_t method = N_METHODS, toff = 0, tlen = 0, left = nl_reader_left(&r);
	uint8_t minor = '1', c = ' ';
	struct nl_reader t = r;
	if (get_request_line(&t, &method, &toff, &tlen, &minor) != SCAN_MORE || method >= N_METHODS ||
	    toff >= left || nl_peek_u8(&r, toff, &c) < 0 || c == ' ')
		return SCAN_BAD;
	st->flags |= HS_REQ_LINE | HS_MINE;
	st->flags |= NL_HOST_HAS(api, consume) ? HS_LONG_LINE : HS_REQ_DONE;
	st->req_off = (uint32_t)(base + left);
	api->set_str(flow, F_METHOD, http_methods[method].s, http_methods[method].len);
	t = r;
	nl_reader_seek(&t, toff);
	set_str_from(api, flow, F_PATH, &t, left - toff);
	return SCAN_MORE;
}

/* Passes over the rest of a long request line at r (HS_LONG_LINE): SCAN_OK
 * with r past its end, whose last word gives the version; else SCAN_MORE,
 * all of r passed over but its last 10 bytes (" HTTP/1.1\r", read with the
 * LF that ends the line). */
static enum scan skip_long_line(const struct nl_host_api *api, struct nl_flow *flow,
				struct http_state *st, struct nl_reader *r, uint64_t base)
{
	static const size_t vlen = sizeof(" HTTP/1.1") - 1;
	size_t left = nl_reader_left(r), lf = 0;
	uint8_t c = 0;
	while (lf < left && nl_peek_u8(r, lf, &c) == 0 && c != '\n')
		lf++;
	if (lf == left) {	/* all but what may be the version and a CR */
		if (left > vlen + 1)
			nl_reader_skip(r, left - (vlen + 1));
		st->req_off = (uint32_t)(base + nl_reader_offset(r));
		return SCAN_MORE;
	}
	size_t end = lf;	/* the line's content: without CR LF */
	if (end && nl_peek_u8(r, end - 1, &c) == 0 && c == '\r')
		end--;
	if (end >= vlen && nl_peek_u8(r, end - vlen, &c) == 0 && c == ' ') {
		struct nl_reader line = *r;	/* (a sub-reader moves its parent) */
		struct nl_reader v = nl_reader_sub(&line, end);
		uint8_t minor;
		nl_reader_skip(&v, end - vlen + 1);
		if (get_version(&v, &minor) == SCAN_OK)
			set_version(api, flow, F_VERSION, minor);
	}
	nl_reader_skip(r, lf + 1);
	st->flags &= (uint8_t)~HS_LONG_LINE;
	st->req_off = (uint32_t)(base + nl_reader_offset(r));
	return SCAN_OK;
}

/* The client's stream: the first request line, then its header lines.
 * r starts at stream offset base. */
static enum scan client_stream(const struct nl_host_api *api, struct nl_flow *flow,
			       struct http_state *st, struct nl_reader r, uint64_t base)
{
	if (!(st->flags & HS_REQ_LINE)) {
		size_t method = 0, toff = 0, tlen = 0;
		uint8_t minor = '1';
		enum scan s = get_request_line(&r, &method, &toff, &tlen, &minor);
		if (s != SCAN_OK)
			return s;
		st->flags |= HS_REQ_LINE | HS_MINE;
		st->req_off = (uint32_t)(base + nl_reader_offset(&r));
		api->set_str(flow, F_METHOD, http_methods[method].s, http_methods[method].len);
		set_version(api, flow, F_VERSION, minor);
		struct nl_reader t = r;
		nl_reader_seek(&t, toff);
		set_str_from(api, flow, F_PATH, &t, tlen);
	} else if (st->req_off < base || nl_reader_seek(&r, st->req_off - base) < 0) {
		return SCAN_MORE;	/* shorter than before: not per contract; wait */
	}
	if ((st->flags & HS_LONG_LINE) && skip_long_line(api, flow, st, &r, base) != SCAN_OK)
		return SCAN_MORE;

	for (;;) {
		size_t content = 0, total = 0;
		int damaged = 0;
		enum scan s;
		if (st->hdr_lines >= HTTP_MAX_HDR_LINES) {
			st->flags |= HS_REQ_DONE;	/* read as far as it is read */
			return SCAN_OK;
		}
		s = scan_line(&r, &content, &total, &damaged);
		if (s != SCAN_OK)
			return s;
		if (content == 0 && !damaged) {	/* the empty line: end of the head */
			st->flags |= HS_REQ_DONE;
			return SCAN_OK;
		}
		struct nl_reader line = nl_reader_sub(&r, content);
		nl_reader_skip(&r, total - content);
		if (!damaged)
			header_line(api, flow, st, line);
		st->hdr_lines++;
		st->req_off = (uint32_t)(base + nl_reader_offset(&r));
	}
}

/* The server's stream: the first status line. */
/* A status line at r, which ends past it: *status its code. */
static enum scan status_line(struct nl_reader *rp, unsigned *status_out, uint8_t *minor)
{
	struct nl_reader r = *rp;
	enum scan s = get_version(&r, minor);
	unsigned status = 0;
	uint8_t c;

	if (s != SCAN_OK)
		return s;
	if (nl_peek_u8(&r, 0, &c) < 0)
		return SCAN_MORE;
	if (c != ' ')
		return SCAN_BAD;
	nl_get_u8(&r);
	for (int i = 0; i < 3; i++) {
		if (nl_peek_u8(&r, 0, &c) < 0)
			return SCAN_MORE;
		if (c < '0' || c > '9')
			return SCAN_BAD;
		nl_get_u8(&r);
		status = status * 10 + (unsigned)(c - '0');
	}
	if (status < 100 || status > 599)
		return SCAN_BAD;
	/* SP reason-phrase, or (leniently) the line ends after the code. */
	if (nl_peek_u8(&r, 0, &c) < 0)
		return SCAN_MORE;
	if (c == ' ') {
		nl_get_u8(&r);
		for (;;) {	/* one byte a pass */
			if (nl_peek_u8(&r, 0, &c) < 0)
				return SCAN_MORE;
			if (c == '\r' || c == '\n')
				break;
			if (!is_text(c))
				return SCAN_BAD;
			nl_get_u8(&r);
		}
	}
	s = get_eol(&r);
	if (s != SCAN_OK)
		return s;
	*status_out = status;
	*rp = r;
	return SCAN_OK;
}

/* An interim response's header block at r, after its status line: its
 * lines up to the empty one, which r ends past. */
static enum scan interim_headers(struct nl_reader *r)
{
	for (unsigned lines = 0; lines <= HTTP_MAX_HDR_LINES; lines++) {
		size_t content, total;
		int damaged = 0;
		enum scan s = scan_line(r, &content, &total, &damaged);
		if (s != SCAN_OK)
			return s;
		nl_reader_skip(r, total);
		if (content == 0 && !damaged)
			return SCAN_OK;
	}
	return SCAN_BAD;
}

/* The first final response's status line, at r (offset `at` of the server's
 * stream): interim responses (100 Continue, 102, 103 Early Hints) before it
 * are passed over, st->resp_off moving past each; 101 Switching Protocols
 * is final. After HTTP_MAX_INTERIM of them the answer has no status: an
 * interim code is never given as the final one. */
static enum scan server_stream(const struct nl_host_api *api, struct nl_flow *flow,
			       struct http_state *st, struct nl_reader r, uint64_t at)
{
	if (st->resp_off > at && nl_reader_skip(&r, (size_t)(st->resp_off - at)) < 0)
		return SCAN_MORE;
	for (;;) {
		size_t start = nl_reader_offset(&r);
		unsigned status = 0;
		uint8_t minor = '1';
		enum scan s = status_line(&r, &status, &minor);
		if (s != SCAN_OK)
			return s;
		st->flags |= HS_MINE;
		if (status >= 200 || status == 101) {
			st->flags |= HS_RESP_DONE;
			api->set_u64(flow, F_STATUS, status);
			set_version(api, flow, F_RESPONSE_VERSION, minor);
			return SCAN_OK;
		}
		if (st->interim >= HTTP_MAX_INTERIM) {
			st->flags |= HS_RESP_DONE;	/* no final status in sight: none */
			return SCAN_OK;
		}
		s = interim_headers(&r);
		if (s != SCAN_OK)
			return s;
		st->interim++;
		st->resp_off += (uint32_t)(nl_reader_offset(&r) - start);
	}
}


static enum nl_verdict http_dissect(const struct nl_host_api *api, struct nl_flow *flow,
				    void *state, const struct nl_payload *p)
{
	struct http_state *st = state;
	enum scan s = SCAN_OK;

	if (!st || p->transport != NL_TCP)
		return NL_NOT_MINE;
	/* Offsets kept in state count from the stream's first byte. */
	struct nl_reader data = nl_reader_rest(&p->data);
	if (p->stream_offset > UINT32_MAX)
		return (st->flags & HS_MINE) ? NL_DONE : NL_NOT_MINE;	/* past what req_off counts */
	if (p->from_client && !(st->flags & HS_REQ_DONE)) {
		s = client_stream(api, flow, st, data, p->stream_offset);
		/* The host keeps no more than NL_MAX_STREAM bytes: a head not
		 * complete by then never will be. */
		if (s == SCAN_MORE && nl_reader_left(&data) >= NL_MAX_STREAM) {
			if (!(st->flags & HS_REQ_LINE))
				s = long_request_line(api, flow, st, data, p->stream_offset);
			else if (!(st->flags & HS_LONG_LINE))	/* (which consumes as it goes) */
				st->flags |= HS_REQ_DONE;
		}
	} else if (!p->from_client && !(st->flags & HS_RESP_DONE)) {
		s = server_stream(api, flow, st, data, p->stream_offset);
		if (s == SCAN_MORE && nl_reader_left(&data) >= NL_MAX_STREAM)
			s = SCAN_BAD;	/* a status line longer than the stream kept */
	}
	if (s == SCAN_BAD)
		return (st->flags & HS_MINE) ? NL_MALFORMED : NL_NOT_MINE;
	if ((st->flags & (HS_REQ_DONE | HS_RESP_DONE)) == (HS_REQ_DONE | HS_RESP_DONE))
		return NL_DONE;
	/* The request is read: its body (an upload of many segments) must not
	 * spend the budget the answer's status line is waited for with. */
	if (p->from_client && (st->flags & HS_REQ_DONE) && NL_HOST_HAS(api, ignore_direction))
		api->ignore_direction(flow, 1);
	if (NL_HOST_HAS(api, consume)) {	/* what is read is not read again */
		if (p->from_client ? (st->flags & HS_REQ_DONE) : (st->flags & HS_RESP_DONE))
			api->consume(flow, nl_reader_left(&data));
		else if (p->from_client && (st->flags & HS_REQ_LINE) && st->req_off > p->stream_offset)
			api->consume(flow, (size_t)(st->req_off - p->stream_offset));
		else if (!p->from_client && st->resp_off > p->stream_offset)
			api->consume(flow, (size_t)(st->resp_off - p->stream_offset));
	}
	return NL_NEED_MORE;
}

static const uint16_t http_ports[] = { 80, 8080, 8000, 8008, 8888, 3128 };

static const struct nl_dissector http_dissector = {
	.struct_size = sizeof(struct nl_dissector),
	.abi_major = NL_ABI_MAJOR,
	.abi_minor = NL_ABI_MINOR,
	.flags = NL_DESC_STREAM,
	.transports = NL_TCP,
	.name = "http",
	.version = "1.0.0",
	.license = "MIT",
	.description = "HTTP/1.x request method, host, path, user agent, versions and response status",
	.display = "HTTP",
	.port_hints = http_ports,
	.n_port_hints = sizeof(http_ports) / sizeof(http_ports[0]),
	.packet_budget = HTTP_BUDGET,
	.idle_timeout_s = 600,		/* RustNet: ESTABLISHED + HTTP 600 s */
	.state_size = sizeof(struct http_state),
	.fields = http_fields,
	.n_fields = F_COUNT,
	.domain_field = F_HOST,
	.dissect = http_dissect,
};

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void);

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void)
{
	return &http_dissector;
}
