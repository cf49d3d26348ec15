/*
 * ftp.c - the FTP control connection: greeting, user, commands, replies.
 *
 * RFC 959 (FTP) §4.1 (commands), §4.2 (replies), §5.3 (syntax); RFC 2389
 * (FEAT, OPTS), RFC 2428 (EPRT, EPSV), RFC 4217 (AUTH TLS), RFC 3659
 * (SIZE, MDTM, MLSD). Lines are Telnet NVT text ended by CR LF (bare LF is
 * accepted):
 *
 *   client:  <verb> [SP <argument>] CRLF        verb: 3-4 letters, any case
 *            USER anonymous / PASS x / SYST / EPSV / RETR file / QUIT
 *   server:  <code> SP <text> CRLF              code: 3 digits, 1xx-5xx
 *            <code> "-" <text> CRLF             a multi-line reply begins;
 *            ... any lines ...                  it ends at the line that is
 *            <code> SP <text> CRLF              the same code and a SP (§4.2)
 *
 *   220 (vsFTPd 3.0.3)           USER anonymous
 *   331 Please specify the pw.   PASS ****   (the argument is never read)
 *   230 Login successful.        EPSV / RETR f
 *   229 ... / 150 ... / 226 ...  QUIT
 *   221 Goodbye.
 *
 * Labels (the latest, by rank; a later event of lower rank does not take
 * the label back, as one side's lines may be read after the other's):
 * FTP_GREETING (220), FTP_LOGIN (USER sent), FTP_LOGGED_IN (230),
 * FTP_TRANSFER (125/150 opening a data connection), FTP_TLS (234 to AUTH:
 * the rest is encrypted; done), FTP_QUIT (221; done).
 *
 * Claiming, and STARTTLS. The host gives a flow to the first dissector
 * that sets anything on it, and the TLS dissector reads the ClientHello of
 * an "AUTH TLS" session on port 21 past the FTP lines. So on port 21 this
 * dissector sets nothing until the client has sent a command other than
 * FEAT: if that is AUTH, the flow is left to TLS (NL_NOT_MINE: its SNI,
 * JA4 and the rest are worth more than the FTP greeting); any other known
 * command claims it; so do, with no byte from the client at all, a greeting
 * and a second final reply (a capture of the server's side alone). Until
 * then nothing is consumed, so the lines are read once the flow is
 * claimed. Off port 21, where TLS does not look for
 * STARTTLS, both sides must look like FTP: the server's first line a 220
 * reply and the client's first a command that SMTP, POP3, IMAP and HTTP do
 * not have (USER, AUTH, FEAT, PASV, RETR ...; not QUIT, NOOP or HELP).
 *
 * Stream mode: whole lines read are consumed (ABI 1.1); an over-long line
 * (FTP_MAX_LINE) is skipped to its end.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <netlens/dissector.h>

#define FTP_PORT 21
#define FTP_MAX_LINE 512	/* bytes of a line read; RFC 959 sets none, servers ~512 */
#define FTP_MAX_LINES 64	/* lines read a call */
#define FTP_MAX_WAIT_LINES 8	/* client FEAT lines waited past before claiming */
#define FTP_MAX_WAIT 4096	/* bytes of a side kept unread before claiming */
/* Stream deliveries per flow: a login, SYST, PWD, TYPE, a passive
 * transfer and QUIT are about 10 lines a side, one a segment. */
#define FTP_BUDGET 32

enum ftp_field {
	F_SERVER_SOFTWARE, F_USER, F_COMMANDS, F_LAST_COMMAND, F_REPLY_CODE, F_REPLY_TEXT, F_SYSTEM,
	F_FILE, F_COUNT
};

static const struct nl_field ftp_fields[F_COUNT] = {
	{ F_SERVER_SOFTWARE, NL_FIELD_STR, 0, "ftp.server_software", "Server software" },
	{ F_USER, NL_FIELD_STR, 0, "ftp.user", "User" },
	{ F_COMMANDS, NL_FIELD_STR_LIST, 0, "ftp.commands", "Commands" },
	{ F_LAST_COMMAND, NL_FIELD_STR, 0, "ftp.last_command", "Last command" },
	{ F_REPLY_CODE, NL_FIELD_U64, 0, "ftp.reply_code", "Reply code" },
	{ F_REPLY_TEXT, NL_FIELD_STR, 0, "ftp.reply_text", "Reply text" },
	{ F_SYSTEM, NL_FIELD_STR, 0, "ftp.system", "System" },
	{ F_FILE, NL_FIELD_STR_LIST, 0, "ftp.file", "Files" },
};

enum ftp_label { L_NONE, L_GREETING, L_LOGIN, L_LOGGED_IN, L_TRANSFER, L_TLS, L_QUIT };

static const char *const ftp_labels[] = { "", "FTP_GREETING", "FTP_LOGIN", "FTP_LOGGED_IN",
					  "FTP_TRANSFER", "FTP_TLS", "FTP_QUIT" };

/* ftp_dir.flags */
#define FD_SKIP 0x01		/* inside an over-long line: drop bytes to its LF */

struct ftp_dir {
	uint32_t off;		/* bytes read of the call's data (0 again once consumed;
				 * an ABI 1.0 host re-sends the stream from its start) */
	uint16_t ml_code;	/* a multi-line reply's code while in it, else 0 */
	uint8_t flags;		/* FD_* */
};

struct ftp_state {
	struct ftp_dir dir[2];	/* [1]: the client's */
	uint8_t mine;		/* claimed: lines are read and consumed */
	uint8_t label;		/* enum ftp_label shown */
	uint8_t greeting;	/* before claiming: the server's first line is 220 */
	uint8_t client_ok;	/* before claiming: the client's first lines allow it */
	uint8_t auth;		/* AUTH sent, its reply awaited: the client's next
				 * lines are not read (TLS if the reply is 234) */
	uint8_t commands;	/* client commands read (saturating) */
	uint8_t auth_at;	/* ... before the AUTH */
	uint8_t replies;	/* server final replies read, the greeting's first
				 * (saturating): command i's is number i + 1 */
	uint8_t client_spoke;	/* before claiming: the client has sent bytes */
	uint8_t done;		/* 234 or 221 read: nothing more */
};

/* Command verbs: RFC 959, 2228, 2389, 2428, 2640, 3659, 4217, 7151 and the
 * X* forms of RFC 775. strong: not a verb of SMTP, POP3, IMAP or HTTP
 * (whose clients also send QUIT, NOOP, HELP ...), enough off port 21. */
static const struct {
	char verb[5];
	uint8_t strong;
} ftp_verbs[] = {
	{ "ABOR", 0 }, { "ACCT", 1 }, { "ADAT", 1 }, { "ALLO", 1 }, { "APPE", 1 }, { "AUTH", 1 },
	{ "CCC", 1 },  { "CDUP", 1 }, { "CLNT", 1 }, { "CONF", 0 }, { "CWD", 1 },  { "DELE", 0 },
	{ "ENC", 0 },  { "EPRT", 1 }, { "EPSV", 1 }, { "FEAT", 1 }, { "HELP", 0 }, { "HOST", 1 },
	{ "LANG", 1 }, { "LIST", 1 }, { "LPRT", 1 }, { "LPSV", 1 }, { "MDTM", 1 }, { "MIC", 0 },
	{ "MKD", 1 },  { "MLSD", 1 }, { "MLST", 1 }, { "MODE", 0 }, { "NLST", 1 }, { "NOOP", 0 },
	{ "OPTS", 1 }, { "PASS", 0 }, { "PASV", 1 }, { "PBSZ", 1 }, { "PORT", 1 }, { "PROT", 1 },
	{ "PWD", 1 },  { "QUIT", 0 }, { "REIN", 1 }, { "REST", 1 }, { "RETR", 1 }, { "RMD", 1 },
	{ "RNFR", 1 }, { "RNTO", 1 }, { "SITE", 1 }, { "SIZE", 1 }, { "SMNT", 1 }, { "STAT", 0 },
	{ "STOR", 1 }, { "STOU", 1 }, { "STRU", 1 }, { "SYST", 1 }, { "TYPE", 1 }, { "USER", 1 },
	{ "XCUP", 1 }, { "XCWD", 1 }, { "XMKD", 1 }, { "XPWD", 1 }, { "XRMD", 1 },
};

enum verb_kind { V_UNKNOWN = -1 };

/* The index in ftp_verbs of a verb already upper-cased, or V_UNKNOWN. */
static int verb_index(const char *v)
{
	for (size_t i = 0; i < sizeof(ftp_verbs) / sizeof(ftp_verbs[0]); i++)
		if (!strcmp(ftp_verbs[i].verb, v))
			return (int)i;
	return V_UNKNOWN;
}

static int is_verb(int i, const char *v) { return i >= 0 && !strcmp(ftp_verbs[i].verb, v); }

enum scan { SCAN_OK, SCAN_MORE, SCAN_LONG };

/* The line at r (r not moved): *content bytes before CR LF / LF, *total
 * with the line end. SCAN_LONG: no LF within FTP_MAX_LINE bytes. */
static enum scan scan_line(const struct nl_reader *r, size_t *content, size_t *total)
{
	size_t left = nl_reader_left(r);
	for (size_t i = 0; i < left && i < FTP_MAX_LINE; i++) {
		uint8_t c = 0;
		nl_peek_u8(r, i, &c);
		if (c == '\n') {
			uint8_t cr = 0;
			*content = (i > 0 && nl_peek_u8(r, i - 1, &cr) == 0 && cr == '\r') ? i - 1 : i;
			*total = i + 1;
			return SCAN_OK;
		}
	}
	return left >= FTP_MAX_LINE ? SCAN_LONG : SCAN_MORE;
}

/* Telnet IAC sequences (RFC 854: IAC IP, IAC DM ...) a client puts before
 * ABOR: skipped, two bytes each (at most a few). */
static void skip_iac(struct nl_reader *line)
{
	uint8_t c;
	for (int i = 0; i < 4 && nl_peek_u8(line, 0, &c) == 0 && c == 0xff; i++)
		nl_reader_skip(line, nl_reader_left(line) >= 2 ? 2 : 1);
}

/* The verb at the start of a command line, upper-cased into v[5]; the
 * line is left at its argument (after one SP). V_UNKNOWN: not a command. */
static int read_verb(struct nl_reader *line, char v[5])
{
	size_t n = 0;
	uint8_t c = 0;
	skip_iac(line);
	while (n < 5 && nl_peek_u8(line, n, &c) == 0 && c != ' ') {
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')))
			return V_UNKNOWN;
		if (n < 4)
			v[n] = (char)(c & ~0x20);
		n++;
	}
	if (n < 3 || n > 4)
		return V_UNKNOWN;
	v[n] = '\0';
	nl_reader_skip(line, n);
	if (nl_peek_u8(line, 0, &c) == 0)	/* a SP, as the loop stopped there */
		nl_reader_skip(line, 1);
	return verb_index(v);
}

/* The reply code at the start of a server line and the byte after it
 * (' ', '-', or 0 at the line's end); the line is left at the text. -1:
 * not a reply. */
static int read_code(struct nl_reader *line, uint8_t *sep)
{
	uint8_t d[3];
	if (nl_get_bytes(line, d, 3) < 0)
		return -1;
	if (d[0] < '1' || d[0] > '5' || d[1] < '0' || d[1] > '9' || d[2] < '0' || d[2] > '9')
		return -1;
	*sep = 0;
	if (nl_reader_left(line) > 0) {
		*sep = nl_get_u8(line);
		if (*sep != ' ' && *sep != '-')
			return -1;
	}
	return (d[0] - '0') * 100 + (d[1] - '0') * 10 + (d[2] - '0');
}

/* Sets a string field (or adds to a list field) from the rest of the
 * line, up to a NUL (as tshark reads it, and as stun does: what follows a
 * NUL in a command is no part of a file name), spaces trimmed. */
static void set_text(const struct nl_host_api *api, struct nl_flow *flow, uint16_t field,
		     struct nl_reader line)
{
	char buf[NL_MAX_STR];
	uint8_t c;
	while (nl_peek_u8(&line, 0, &c) == 0 && (c == ' ' || c == '\t'))
		nl_reader_skip(&line, 1);
	size_t n = 0;	/* a line is at most FTP_MAX_LINE bytes */
	while (nl_peek_u8(&line, n, &c) == 0 && c != 0)
		n++;
	while (n > 0 && nl_peek_u8(&line, n - 1, &c) == 0 && (c == ' ' || c == '\t'))
		n--;
	if (n > sizeof(buf))
		n = sizeof(buf);
	if (nl_get_bytes(&line, buf, n) < 0)
		return;
	if (ftp_fields[field].type == NL_FIELD_STR_LIST)
		api->add_str(flow, field, buf, n);
	else
		api->set_str(flow, field, buf, n);
}

static void raise_label(const struct nl_host_api *api, struct nl_flow *flow, struct ftp_state *st,
			enum ftp_label l)
{
	if (l > st->label) {
		st->label = (uint8_t)l;
		api->set_state(flow, ftp_labels[l]);
	}
}

/* One command line of the client. */
static void client_line(const struct nl_host_api *api, struct nl_flow *flow, struct ftp_state *st,
			struct nl_reader line)
{
	char v[5];
	struct nl_reader whole = line;
	skip_iac(&whole);
	int i = read_verb(&line, v);
	if (i == V_UNKNOWN)
		return;
	if (st->commands < UINT8_MAX)
		st->commands++;
	api->add_str(flow, F_COMMANDS, v, strlen(v));
	if (is_verb(i, "PASS")) {
		/* The password is never read nor kept. */
		char masked[10];
		memcpy(masked, v, 4);
		memcpy(masked + 4, " ****", 5);
		api->set_str(flow, F_LAST_COMMAND, masked, 9);
		return;
	}
	set_text(api, flow, F_LAST_COMMAND, whole);
	if (is_verb(i, "USER")) {
		set_text(api, flow, F_USER, line);
		raise_label(api, flow, st, L_LOGIN);
	} else if (is_verb(i, "RETR") || is_verb(i, "STOR") || is_verb(i, "STOU") ||
		   is_verb(i, "APPE")) {
		if (nl_reader_left(&line) > 0)
			set_text(api, flow, F_FILE, line);
	} else if (is_verb(i, "AUTH")) {
		st->auth = 1;
		st->auth_at = (uint8_t)(st->commands - 1);
	}
}

/* One line of the server's. */
static void server_line(const struct nl_host_api *api, struct nl_flow *flow, struct ftp_state *st,
			struct nl_reader line)
{
	struct ftp_dir *d = &st->dir[0];
	/* The greeting: the first final reply (a 120 "ready in n minutes"
	 * may come before it, RFC 959 §5.4). */
	int first = st->replies == 0;
	uint8_t sep = 0;
	int code = read_code(&line, &sep);
	if (d->ml_code) {
		/* Inside a multi-line reply only its end line counts. */
		if (code != d->ml_code || sep == '-')
			return;
		d->ml_code = 0;
	} else if (code < 0) {
		return;
	} else if (sep == '-') {
		d->ml_code = (uint16_t)code;
		if (first && code == 220)
			set_text(api, flow, F_SERVER_SOFTWARE, line);
		return;
	} else if (first && code == 220) {
		set_text(api, flow, F_SERVER_SOFTWARE, line);
	}
	api->set_u64(flow, F_REPLY_CODE, (uint64_t)code);
	set_text(api, flow, F_REPLY_TEXT, line);
	/* The reply to AUTH: 234, TLS from here on; another, the client
	 * goes on in the clear. (1xx replies are preliminary, RFC 959 §4.2.) */
	int to_auth = 0;
	if (code >= 200) {
		to_auth = st->auth && st->replies == st->auth_at + 1;
		if (st->replies < UINT8_MAX)
			st->replies++;
		if (to_auth && code != 234)
			st->auth = 0;
	}
	switch (code) {
	case 220:
		raise_label(api, flow, st, L_GREETING);
		break;
	case 215:
		set_text(api, flow, F_SYSTEM, line);
		break;
	case 230:
		raise_label(api, flow, st, L_LOGGED_IN);
		break;
	case 125:
	case 150:
		raise_label(api, flow, st, L_TRANSFER);
		break;
	case 234:
		if (to_auth) {
			raise_label(api, flow, st, L_TLS);
			st->done = 1;
		}
		break;
	case 221:
		raise_label(api, flow, st, L_QUIT);
		st->done = 1;
		break;
	default:
		break;
	}
}

/* Reads and consumes the whole lines of this side. */
static void read_lines(const struct nl_host_api *api, struct nl_flow *flow, struct ftp_state *st,
		       int client, struct nl_reader *r)
{
	struct ftp_dir *d = &st->dir[client];
	/* Past AUTH the client's bytes wait for its reply. */
	for (int n = 0; n < FTP_MAX_LINES && !st->done && !(client && st->auth); n++) {
		size_t content = 0, total = 0;
		enum scan s = scan_line(r, &content, &total);
		if (d->flags & FD_SKIP) {
			if (s == SCAN_OK) {
				nl_reader_skip(r, total);
				d->flags &= (uint8_t)~FD_SKIP;
				continue;
			}
			nl_reader_skip(r, nl_reader_left(r) < FTP_MAX_LINE ? nl_reader_left(r) : FTP_MAX_LINE);
			continue;
		}
		if (s == SCAN_MORE)
			break;
		if (s == SCAN_LONG) {
			d->flags |= FD_SKIP;
			nl_reader_skip(r, FTP_MAX_LINE);
			continue;
		}
		struct nl_reader line = nl_reader_sub(r, content);
		nl_reader_skip(r, total - content);
		if (client)
			client_line(api, flow, st, line);
		else
			server_line(api, flow, st, line);
	}
}

/* Before claiming: the server's first line, not consumed. 1: a reply
 * (st->greeting says whether 220), 0: wait, -1: not FTP. */
static int peek_server(struct ftp_state *st, const struct nl_reader *r)
{
	size_t content = 0, total = 0;
	uint8_t c = 0, sep = 0;
	if (nl_peek_u8(r, 0, &c) < 0)
		return 0;
	if (c < '1' || c > '5')
		return -1;	/* cheap: not a reply */
	enum scan s = scan_line(r, &content, &total);
	if (s == SCAN_LONG)
		return -1;
	if (s == SCAN_MORE)
		return 0;
	struct nl_reader line = nl_reader_rest(r);
	line = nl_reader_sub(&line, content);
	int code = read_code(&line, &sep);
	if (code < 0 || (sep == 0 && content != 3))
		return -1;
	st->greeting = code == 220;
	return 1;
}

/* Before claiming: how many final replies (2yz to 5yz) the server's
 * whole lines hold, up to `enough`. Every command has one; a greeting and a
 * second reply with no byte from the client mean the capture holds only
 * the server's side (a one-way mirror, or a client's packets lost). */
static unsigned server_final_replies(const struct nl_reader *r, unsigned enough)
{
	struct nl_reader t = nl_reader_rest(r);
	unsigned n = 0;
	int multi = 0;		/* inside a multi-line reply: its code */
	while (n < enough) {
		size_t content = 0, total = 0;
		if (scan_line(&t, &content, &total) != SCAN_OK)
			break;
		struct nl_reader line = nl_reader_sub(&t, content);
		nl_reader_skip(&t, total - content);
		uint8_t sep = 0;
		int code = read_code(&line, &sep);
		if (code < 0 || (sep == 0 && content != 3) || (multi && code != multi))
			continue;	/* text, or a multi-line reply's inner line */
		if (sep == '-') {
			multi = code;
			continue;
		}
		multi = 0;
		if (code >= 200)
			n++;
	}
	return n;
}

/* Before claiming: the client's first lines, not consumed. 1: claim,
 * 0: wait, -1: not FTP (or, AUTH on port 21, TLS's). */
static int peek_client(const struct nl_reader *r, int on_port)
{
	struct nl_reader t = nl_reader_rest(r);
	uint8_t c = 0;
	if (nl_peek_u8(&t, 0, &c) < 0)
		return 0;
	if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (on_port && c == 0xff)))
		return -1;	/* cheap: not a command */
	for (int n = 0; n < FTP_MAX_WAIT_LINES; n++) {
		size_t content = 0, total = 0;
		enum scan s = scan_line(&t, &content, &total);
		if (s == SCAN_LONG)
			return -1;
		if (s == SCAN_MORE)
			return 0;
		struct nl_reader line = nl_reader_sub(&t, content);
		nl_reader_skip(&t, total - content);
		char v[5];
		int i = read_verb(&line, v);
		if (i == V_UNKNOWN)
			return -1;
		if (!on_port)
			return ftp_verbs[i].strong ? 1 : -1;
		if (is_verb(i, "AUTH"))
			return -1;	/* STARTTLS: the TLS dissector reads it */
		if (!is_verb(i, "FEAT"))
			return 1;
	}
	return -1;
}

static enum nl_verdict ftp_dissect(const struct nl_host_api *api, struct nl_flow *flow, void *state,
				   const struct nl_payload *p)
{
	struct ftp_state *st = state;
	int client = p->from_client ? 1 : 0;

	if (!st || p->transport != NL_TCP)
		return NL_NOT_MINE;
	struct nl_reader r = nl_reader_rest(&p->data);
	size_t len = nl_reader_left(&r);

	if (!st->mine) {
		int on_port = p->src_port == FTP_PORT || p->dst_port == FTP_PORT;
		if (len > FTP_MAX_WAIT)
			return NL_NOT_MINE;
		if (!client) {
			int v = peek_server(st, &r);
			if (v < 0 || (v > 0 && !on_port && !st->greeting))
				return NL_NOT_MINE;
			/* Claimed by the client's first command, which comes
			 * after this: this side is read then; unless that
			 * command came first (a capture that starts late, or
			 * a client that does not wait for the greeting), or
			 * the client's side is missing from the capture. */
			int one_way = v > 0 && on_port && !st->client_spoke &&
				      server_final_replies(&r, 2) == 2;
			if (v == 0 || (!st->client_ok && !one_way))
				return NL_NEED_MORE;
		} else {
			if (len > 0)
				st->client_spoke = 1;
			int v = peek_client(&r, on_port);
			if (v < 0)
				return NL_NOT_MINE;
			if (v == 0)
				return NL_NEED_MORE;
			st->client_ok = 1;
			if (!on_port && !st->greeting)
				return NL_NEED_MORE;	/* wait for the greeting */
		}
		st->mine = 1;
	}

	struct ftp_dir *d = &st->dir[client];
	if (nl_reader_seek(&r, d->off) < 0)
		return NL_NEED_MORE;	/* shorter than before: not per contract; wait */
	read_lines(api, flow, st, client, &r);
	d->off = (uint32_t)nl_reader_offset(&r);
	if (NL_HOST_HAS(api, consume)) {
		size_t done = st->done ? len : d->off;
		if (done && api->consume(flow, done) == 0)
			d->off = 0;
	}
	return st->done ? NL_DONE : NL_NEED_MORE;
}

static const uint16_t ftp_ports[] = { 21, 2121 };

static const struct nl_dissector ftp_dissector = {
	.struct_size = sizeof(struct nl_dissector),
	.abi_major = NL_ABI_MAJOR,
	.abi_minor = NL_ABI_MINOR,
	.flags = NL_DESC_STREAM,
	.transports = NL_TCP,
	.name = "ftp",
	.version = "1.0.0",
	.license = "MIT",
	.description = "FTP control connection: server software, user, commands, last reply",
	.display = "FTP",
	.port_hints = ftp_ports,
	.n_port_hints = sizeof(ftp_ports) / sizeof(ftp_ports[0]),
	.packet_budget = FTP_BUDGET,
	.idle_timeout_s = 0,		/* RustNet lists no FTP timeout for TCP */
	.state_size = sizeof(struct ftp_state),
	.fields = ftp_fields,
	.n_fields = F_COUNT,
	.domain_field = -1,
	.dissect = ftp_dissect,
};

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void);

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void)
{
	return &ftp_dissector;
}
