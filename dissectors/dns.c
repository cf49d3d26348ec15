/*
 * dns.c - DNS, mDNS and LLMNR dissector plugin for netlens.
 *
 * RFC 1035 (messages, names, compression), RFC 7766 (DNS over TCP: each
 * message behind a 2-byte length), RFC 6762 (multicast DNS, UDP 5353),
 * RFC 4795 (LLMNR, UDP/TCP 5355). DNS over TLS (853) is TLS, not ours.
 *
 * Header (RFC 1035 4.1.1), 12 bytes, then the question, answer, authority
 * and additional sections:
 *
 *                                  1  1  1  1  1  1
 *    0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
 *  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *  |                      ID                       |
 *  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *  |QR|   Opcode  |AA|TC|RD|RA| Z|AD|CD|   RCODE   |
 *  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *  |                    QDCOUNT                    |
 *  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *  |                    ANCOUNT                    |
 *  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *  |                    NSCOUNT                    |
 *  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *  |                    ARCOUNT                    |
 *  +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 *
 * Question: NAME, TYPE(16), CLASS(16).
 * Resource record: NAME, TYPE(16), CLASS(16), TTL(32), RDLENGTH(16), RDATA.
 * NAME: labels (length 1..63, then bytes) ending in a zero byte, or ending
 * in a pointer 11xxxxxx xxxxxxxx to an earlier offset in the message.
 *
 * Untrusted bytes: everything is read through struct nl_reader. A pointer
 * must point strictly before the start of the name (or name part) that holds
 * it, so every hop goes backwards and a loop is impossible; there are at most
 * DNS_MAX_HOPS hops, labels of at most 63 bytes and names of at most 255
 * wire bytes. Sections are walked with caps (DNS_MAX_QWALK questions,
 * DNS_MAX_RRWALK records). Over TCP the host hands us each direction's
 * stream from its first byte; we re-read it and remember, per direction,
 * how many bytes of whole messages we already handled. Under ABI 1.1 we
 * consume them instead, so the host keeps only the message in progress and
 * a connection reused for many queries (RFC 7766) is followed past
 * NL_MAX_STREAM bytes, to the end of the budget.
 *
 * On the DNS ports (53, 5353, 5355) a message that is broken is MALFORMED.
 * Elsewhere the flow is only claimed when a whole message parses strictly
 * (one to four questions, sane counts, known opcode and class, nothing
 * left over); anything else is NOT_MINE at once.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <arpa/inet.h>
#include <sys/socket.h>

#include <netlens/dissector.h>

#define DNS_HDR_LEN 12
#define DNS_MAX_HOPS 16		/* compression pointers followed per name */
#define DNS_MAX_NAME 255	/* wire bytes of a name, root byte included */
#define DNS_NAME_BUF 256	/* text of a name: at most 253 characters + NUL */
#define DNS_MAX_QWALK 32	/* questions walked per message */
#define DNS_MAX_RRWALK 64	/* records walked per message, all sections */
#define DNS_MAX_Q 16		/* question names kept per message */
#define DNS_MAX_ANS 32		/* answer records kept (A, AAAA, CNAME, PTR, NS) */
#define DNS_MAX_NOTE 16		/* names noted (A/AAAA answers) per message */
#define DNS_MAX_CNAME 8		/* CNAMEs used to map an answer to its question */
#define DNS_MAX_CHAIN 8		/* CNAME hops followed back to the question */
#define DNS_MAX_PENDING 4	/* unanswered query ids remembered per flow */
#define DNS_STRICT_MAX_QD 4	/* questions in a message off the DNS ports */
#define DNS_STRICT_SLACK 2	/* bytes left over tolerated off the DNS ports */

#define DNS_PORT 53
#define MDNS_PORT 5353
#define LLMNR_PORT 5355
#define NBNS_PORT 137		/* NetBIOS name service: DNS's message format (RFC 1002) */
#define DOT_PORT 853

enum { T_A = 1, T_NS = 2, T_CNAME = 5, T_PTR = 12, T_AAAA = 28, T_OPT = 41 };

enum { F_QUERIES, F_QTYPE, F_RCODE, F_ANSWERS, F_KIND, F_TXID, F_COUNT };

enum dns_kind { K_DNS, K_MDNS, K_LLMNR, K_NBNS, K_KINDS };

/* Outcome of parsing a name or a message. */
enum dns_res {
	R_OK = 0,
	R_TRUNC,	/* ran out of bytes of a message we do not have whole yet */
	R_BAD,		/* DNS, but broken */
	R_NOTDNS,	/* the header proves it is not DNS */
};

/* Per-flow state (the host's zeroed block). */
struct dns_flow {
	uint32_t consumed[2];			/* TCP: bytes of whole messages handled,
						 * from the call's first byte, by
						 * from_client (0 after consume) */
	uint16_t pending[DNS_MAX_PENDING];	/* ids of unanswered queries */
	uint8_t n_pending;
	uint8_t flags;				/* FL_* */
	uint8_t head_shown;			/* TCP, bit from_client: the head of the
						 * message still arriving was given */
};

#define FL_PROVEN 0x01		/* a message parsed: later ones are judged leniently */
#define FL_QUERY 0x02		/* a query was seen */
#define FL_RESPONSE 0x04	/* a response was seen */
#define FL_QTYPE 0x08		/* dns.qtype set */
#define FL_TXID 0x10		/* dns.txid set */
#define FL_KIND 0x20		/* dns.kind set */
#define FL_CUT 0x40		/* TCP: a message was cut by the stream limit: done */
#define FL_TIMEOUT 0x80		/* NetBIOS: its idle timeout was set */

/* RustNet's for NetBIOS (names refreshed every few minutes), DNS's 30 s
 * being the descriptor's. */
#define NBNS_IDLE_TIMEOUT_S 60

struct dns_ans {
	uint16_t owner;		/* offset of the owner name */
	uint16_t rdata;		/* offset of the rdata */
	uint16_t type;
	uint32_t ttl;
};

/* What one message holds, as offsets into it (names are decoded again when
 * the fields are set, so nothing of a rejected message reaches the host).
 * Only the part before q_off is zeroed per message (DNS_MSG_ZEROED): the
 * arrays are read below n_q and n_ans only. */
struct dns_msg {
	int hdr_ok;		/* the header was read */
	uint16_t id, flags, qd, an, ns, ar;
	uint16_t n_q;
	uint16_t qtype;
	uint16_t n_ans;
	int first_an;		/* first answer's owner offset and type, -1: none */
	uint16_t first_an_type;
	int ext_rcode;		/* upper 8 bits from an OPT record, -1: none */
	uint16_t q_off[DNS_MAX_Q];
	struct dns_ans ans[DNS_MAX_ANS];
};
#define DNS_MSG_ZEROED offsetof(struct dns_msg, q_off)

/* ---- names ---------------------------------------------------------------- */

static char dns_lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

static int dns_name_eq(const char *a, size_t alen, const char *b, size_t blen)
{
	if (alen != blen)
		return 0;
	for (size_t i = 0; i < alen; i++)
		if (dns_lower(a[i]) != dns_lower(b[i]))
			return 0;
	return 1;
}

/*
 * Reads the name at m's offset; m ends up just past the name where it
 * started (past the first pointer, when there is one). With out non-NULL
 * writes the text, labels joined by '.', no trailing dot, "." for the root,
 * raw bytes (the host sanitises), and its length to *outlen. complete says
 * whether m holds the whole message: running out is then R_BAD, else
 * R_TRUNC.
 */
static enum dns_res dns_name(struct nl_reader *m, int complete, char *out, size_t *outlen, int *hops_out)
{
	size_t bound = nl_reader_offset(m);	/* a pointer must point before this */
	size_t resume = 0, n = 0, wire = 1;	/* wire: bytes so far + the root byte */
	int hops = 0, jumped = 0;

	for (;;) {	/* each pass consumes a byte or makes one of DNS_MAX_HOPS jumps */
		uint8_t c = nl_get_u8(m);
		if (!nl_reader_ok(m))
			return complete ? R_BAD : R_TRUNC;
		if (c == 0)
			break;
		if ((c & 0xc0) == 0xc0) {
			uint8_t lo = nl_get_u8(m);
			if (!nl_reader_ok(m))
				return complete ? R_BAD : R_TRUNC;
			size_t ptr = (size_t)(c & 0x3f) << 8 | lo;
			if (ptr >= bound || ++hops > DNS_MAX_HOPS)
				return R_BAD;	/* forward, self or loop */
			if (!jumped) {
				resume = nl_reader_offset(m);
				jumped = 1;
			}
			bound = ptr;
			if (nl_reader_seek(m, ptr) < 0)
				return R_BAD;
			continue;
		}
		if (c & 0xc0)
			return R_BAD;	/* 01/10: extended or reserved label types */
		wire += (size_t)c + 1;
		if (wire > DNS_MAX_NAME)
			return R_BAD;
		const uint8_t *lab = nl_get_span(m, c);
		if (!lab)
			return complete ? R_BAD : R_TRUNC;
		if (out) {
			if (n)
				out[n++] = '.';
			memcpy(out + n, lab, c);	/* n + c < DNS_NAME_BUF: wire <= 255 */
			n += c;
		}
	}
	if (jumped && nl_reader_seek(m, resume) < 0)
		return R_BAD;
	if (out) {
		if (n == 0)
			out[n++] = '.';
		out[n] = '\0';
		*outlen = n;
	}
	if (hops_out)
		*hops_out = hops;
	return R_OK;
}

/* Decodes the name at offset off of message m (already validated);
 * *hops (when hops is not NULL) gets the pointers it followed. */
static size_t dns_name_at_hops(const struct nl_reader *m, size_t off, char *out, int *hops)
{
	struct nl_reader r = *m;
	size_t len = 0;
	r.err = 0;
	if (nl_reader_seek(&r, off) < 0 || dns_name(&r, 1, out, &len, hops) != R_OK) {
		out[0] = '\0';
		return 0;
	}
	return len;
}

static size_t dns_name_at(const struct nl_reader *m, size_t off, char *out)
{
	return dns_name_at_hops(m, off, out, NULL);
}

/* ---- names of numbers ---------------------------------------------------- */

static const struct {
	uint16_t v;
	const char *s;
} dns_types[] = {
	{1, "A"}, {2, "NS"}, {5, "CNAME"}, {6, "SOA"}, {12, "PTR"}, {13, "HINFO"},
	{15, "MX"}, {16, "TXT"}, {17, "RP"}, {18, "AFSDB"}, {24, "SIG"}, {25, "KEY"},
	{28, "AAAA"}, {29, "LOC"}, {33, "SRV"}, {35, "NAPTR"}, {36, "KX"}, {37, "CERT"},
	{39, "DNAME"}, {41, "OPT"}, {42, "APL"}, {43, "DS"}, {44, "SSHFP"}, {45, "IPSECKEY"},
	{46, "RRSIG"}, {47, "NSEC"}, {48, "DNSKEY"}, {49, "DHCID"}, {50, "NSEC3"},
	{51, "NSEC3PARAM"}, {52, "TLSA"}, {53, "SMIMEA"}, {55, "HIP"}, {59, "CDS"},
	{60, "CDNSKEY"}, {61, "OPENPGPKEY"}, {62, "CSYNC"}, {63, "ZONEMD"}, {64, "SVCB"},
	{65, "HTTPS"}, {99, "SPF"}, {108, "EUI48"}, {109, "EUI64"}, {249, "TKEY"},
	{250, "TSIG"}, {251, "IXFR"}, {252, "AXFR"}, {253, "MAILB"}, {254, "MAILA"},
	{255, "ANY"}, {256, "URI"}, {257, "CAA"}, {32768, "TA"}, {32769, "DLV"},
};

/* IANA's DNS RCODEs, as tshark names them; 12-15 are unassigned. 16 is
 * BADVERS in OPT (BADSIG in TSIG, the same number); 17-22 come from TSIG
 * and TKEY (RFC 8945, 2930), 23 from cookies (RFC 7873). */
static const char *const dns_rcodes[] = {
	"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN",
	"YXRRSET", "NXRRSET", "NOTAUTH", "NOTZONE", "DSOTYPENI", NULL, NULL, NULL, NULL,
	"BADVERS", "BADKEY", "BADTIME", "BADMODE", "BADNAME", "BADALG", "BADTRUNC", "BADCOOKIE",
};

/* Writes prefix and v in decimal; returns the length. buf holds >= 16. */
static size_t dns_numname(char *buf, const char *prefix, unsigned v)
{
	char digits[8];
	size_t n = 0, k = 0;
	while (*prefix)
		buf[n++] = *prefix++;
	do {
		digits[k++] = (char)('0' + v % 10);
		v /= 10;
	} while (v && k < sizeof(digits));
	while (k)
		buf[n++] = digits[--k];
	buf[n] = '\0';
	return n;
}

static size_t dns_type_name(uint16_t t, char *buf)
{
	for (size_t i = 0; i < sizeof(dns_types) / sizeof(dns_types[0]); i++)
		if (dns_types[i].v == t) {
			size_t n = strlen(dns_types[i].s);
			memcpy(buf, dns_types[i].s, n + 1);
			return n;
		}
	return dns_numname(buf, "TYPE", t);
}

static size_t dns_rcode_name(unsigned rc, char *buf)
{
	const char *s = NULL;
	if (rc < sizeof(dns_rcodes) / sizeof(dns_rcodes[0]))
		s = dns_rcodes[rc];
	if (!s)
		return dns_numname(buf, "RCODE", rc);
	size_t n = strlen(s);
	memcpy(buf, s, n + 1);
	return n;
}

/* ---- messages ------------------------------------------------------------ */

static int dns_opcode_known(unsigned op)
{
	/* QUERY, IQUERY (obsolete), STATUS, NOTIFY, UPDATE, DSO */
	return op == 0 || op == 1 || op == 2 || op == 4 || op == 5 || op == 6;
}

/* NetBIOS name service's own (RFC 1002 4.2.1.1): QUERY, REGISTRATION,
 * RELEASE, WACK, REFRESH, REFRESH as Windows sends it (9, tshark's
 * "Refresh (alternate opcode)") and multi-homed REGISTRATION (15). A host
 * refreshes its names every few minutes: refusing 8 ended the flow's
 * inspection at its first refresh. */
static int nbns_opcode_known(unsigned op)
{
	return op == 0 || (op >= 5 && op <= 9) || op == 15;
}

static int dns_class_plausible(uint16_t c)
{
	c &= 0x7fff;	/* mDNS: unicast-response / cache-flush bit */
	return c == 1 || c == 3 || c == 4 || c == 254 || c == 255;
}

/*
 * Parses one message. m covers the message from its header; msglen is its
 * declared length (the datagram's, or the TCP length prefix), and complete
 * says whether m holds all msglen bytes. strict: off the DNS ports, demand
 * a message no other protocol would plausibly make.
 */
static enum dns_res dns_parse(struct nl_reader *m, size_t msglen, int complete, int strict,
			      enum dns_kind kind, struct dns_msg *msg)
{
	memset(msg, 0, DNS_MSG_ZEROED);
	msg->first_an = -1;
	msg->ext_rcode = -1;

	const uint8_t *h = nl_get_span(m, DNS_HDR_LEN);
	if (!h)
		return complete ? R_BAD : R_TRUNC;
	msg->id = nl_span_be16(h, 0);
	msg->flags = nl_span_be16(h, 2);
	msg->qd = nl_span_be16(h, 4);
	msg->an = nl_span_be16(h, 6);
	msg->ns = nl_span_be16(h, 8);
	msg->ar = nl_span_be16(h, 10);
	msg->hdr_ok = 1;

	unsigned qr = msg->flags >> 15, opcode = (msg->flags >> 11) & 0xf, rcode = msg->flags & 0xf;
	if (!(kind == K_NBNS ? nbns_opcode_known(opcode) : dns_opcode_known(opcode)))
		return R_NOTDNS;
	/* Answers that are records of names: a QUERY's, and every NetBIOS
	 * answer (a registration's or release's answer names the name too);
	 * not an UPDATE's prerequisites. */
	int answers_named = opcode == 0 || kind == K_NBNS;
	if (strict) {
		if (msg->qd < 1 || msg->qd > DNS_STRICT_MAX_QD || (msg->flags & 0x0040))
			return R_NOTDNS;
		if (!qr && (rcode || msg->an || (msg->ns && opcode != 5) || msg->ar > 2))
			return R_NOTDNS;
	}
	/* A question takes at least 5 bytes and a record 11: counts that cannot
	 * fit the declared length lie. */
	uint32_t rrs = (uint32_t)msg->an + msg->ns + msg->ar;
	if ((uint32_t)msg->qd * 5 + rrs * 11 > msglen - DNS_HDR_LEN)
		return strict ? R_NOTDNS : R_BAD;

	int walked_all = 1;
	enum dns_res r;
	for (uint32_t i = 0; i < msg->qd; i++) {
		if (i == DNS_MAX_QWALK) {
			walked_all = 0;
			break;
		}
		size_t off = nl_reader_offset(m);
		if ((r = dns_name(m, complete, NULL, NULL, NULL)) != R_OK)
			return r;
		const uint8_t *q = nl_get_span(m, 4);
		if (!q)
			return complete ? R_BAD : R_TRUNC;
		uint16_t qtype = nl_span_be16(q, 0), qclass = nl_span_be16(q, 2);
		if (strict && (!qtype || !dns_class_plausible(qclass)))
			return R_NOTDNS;
		if (msg->n_q == 0)
			msg->qtype = qtype;
		if (msg->n_q < DNS_MAX_Q)
			msg->q_off[msg->n_q++] = (uint16_t)off;
	}

	for (uint32_t i = 0; walked_all && i < rrs; i++) {
		if (i == DNS_MAX_RRWALK) {
			walked_all = 0;
			break;
		}
		size_t owner = nl_reader_offset(m);
		if ((r = dns_name(m, complete, NULL, NULL, NULL)) != R_OK)
			return r;
		const uint8_t *f = nl_get_span(m, 10);
		if (!f)
			return complete ? R_BAD : R_TRUNC;
		uint16_t type = nl_span_be16(f, 0), rclass = nl_span_be16(f, 2), rdlen = nl_span_be16(f, 8);
		uint32_t ttl = nl_span_be32(f, 4);
		size_t rdata = nl_reader_offset(m);
		if (!nl_reader_has(m, rdlen))
			return complete ? R_BAD : R_TRUNC;	/* huge rdlength */
		/* Answers of a QUERY (an UPDATE's are prerequisites, which may
		 * be class ANY or NONE with empty rdata). */
		if (i < msg->an && answers_named) {
			int in = (rclass & 0x7fff) == 1;
			if (msg->first_an < 0) {
				msg->first_an = (int)owner;
				msg->first_an_type = type;
			}
			if (in && ((type == T_A && rdlen != 4) || (type == T_AAAA && rdlen != 16)))
				return R_BAD;
			if (in && (type == T_CNAME || type == T_PTR || type == T_NS)) {
				if ((r = dns_name(m, 1, NULL, NULL, NULL)) != R_OK)
					return R_BAD;	/* rdata is all there: broken */
				if (nl_reader_offset(m) != rdata + rdlen)
					return R_BAD;	/* name and rdlength disagree */
			}
			if ((type == T_A || type == T_AAAA || type == T_CNAME || type == T_PTR ||
			     type == T_NS) && in && msg->n_ans < DNS_MAX_ANS) {
				struct dns_ans *a = &msg->ans[msg->n_ans++];
				a->owner = (uint16_t)owner;
				a->rdata = (uint16_t)rdata;
				a->type = type;
				a->ttl = ttl;
			}
		} else if (type == T_OPT && i >= (uint32_t)msg->an + msg->ns) {
			msg->ext_rcode = (int)(ttl >> 24);
		}
		if (nl_reader_seek(m, rdata + rdlen) < 0)
			return R_BAD;
	}

	if (strict && (!walked_all || nl_reader_left(m) > DNS_STRICT_SLACK))
		return R_NOTDNS;
	return R_OK;
}

/* ---- fields -------------------------------------------------------------- */

static const char *const dns_state_labels[K_KINDS][2] = {
	{"DNS_QUERY", "DNS_RESPONSE"},
	{"MDNS_QUERY", "MDNS_RESPONSE"},
	{"LLMNR_QUERY", "LLMNR_RESPONSE"},
	{"NETBIOS_NS_QUERY", "NETBIOS_NS_RESPONSE"},	/* RustNet's NETBIOS_NS, by direction */
};

static const char *const dns_kinds[K_KINDS] = {"dns", "mdns", "llmnr", "nbns"};

/* A NetBIOS name as RFC 1001 14.1 encodes it, the first label of 32
 * letters 'A'-'P' (a nibble each): decoded in place as tshark shows it,
 * the 15 characters without their padding spaces, each byte that is not
 * printable ASCII as "<xx>" (the browser's "<01><02>__MSBROWSE__<02>"; the
 * datagram dissector writes names so too), then the type byte,
 * "WORKGROUP<00>", then any scope labels. Returns the new length; one
 * that is not so encoded is left as it is. s holds DNS_NAME_BUF bytes. */
static size_t nbns_decode(char *s, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	if (n < 32 || (n > 32 && s[32] != '.'))
		return n;
	for (size_t i = 0; i < 32; i++)
		if (s[i] < 'A' || s[i] > 'P')
			return n;
	uint8_t name[16];
	for (size_t i = 0; i < 16; i++)
		name[i] = (uint8_t)(((s[2 * i] - 'A') << 4) | (s[2 * i + 1] - 'A'));
	size_t len = 15;
	while (len && name[len - 1] == ' ')
		len--;
	char text[16 * 4];	/* every byte "<xx>" at worst */
	size_t out = 0;
	for (size_t i = 0; i < 16; i++) {
		if (i == len)
			i = 15;	/* past the padding: the type byte, always "<xx>" */
		if (i < 15 && name[i] >= 0x20 && name[i] < 0x7f) {
			text[out++] = (char)name[i];
			continue;
		}
		text[out++] = '<';
		text[out++] = hex[name[i] >> 4];
		text[out++] = hex[name[i] & 15];
		text[out++] = '>';
	}
	size_t scope = n - 32;	/* ".scope", without the NUL */
	if (out + scope >= DNS_NAME_BUF)
		return n;	/* only a name of 220 bytes of scope: shown encoded */
	memmove(s + out, s + 32, scope + 1);	/* out may pass 32: the scope first */
	memcpy(s, text, out);
	return out + scope;
}

/* A record type's name; NetBIOS's own two (RFC 1002 4.2.1.3) on its port. */
static size_t dns_kind_type_name(enum dns_kind kind, uint16_t t, char *buf)
{
	if (kind != K_NBNS || (t != 32 && t != 33))
		return dns_type_name(t, buf);
	size_t n = t == 32 ? 2 : 6;
	memcpy(buf, t == 32 ? "NB" : "NBSTAT", n + 1);
	return n;
}

/* The first question's name, decoded once for the head and the answers. */
struct dns_qname {
	char text[DNS_NAME_BUF];
	size_t len;		/* 0: none, or it did not decode */
	int hops;		/* pointers it followed */
};

/* The header and questions: also for a message that is broken further on.
 * q gets the first question's name. */
static void dns_emit_head(const struct nl_host_api *api, struct nl_flow *flow, struct dns_flow *st,
			  enum dns_kind kind, const struct nl_reader *m, const struct dns_msg *msg,
			  struct dns_qname *q)
{
	char name[DNS_NAME_BUF];
	char tbuf[24];
	size_t n;

	if (!(st->flags & FL_KIND)) {
		api->set_str(flow, F_KIND, dns_kinds[kind], strlen(dns_kinds[kind]));
		st->flags |= FL_KIND;
	}
	if (!(st->flags & FL_TXID)) {
		api->set_u64(flow, F_TXID, msg->id);
		st->flags |= FL_TXID;
	}
	q->len = 0;
	if (msg->n_q && (q->len = dns_name_at_hops(m, msg->q_off[0], q->text, &q->hops))) {
		/* q keeps the wire's text: answers' owners are matched to it */
		memcpy(name, q->text, q->len + 1);
		n = kind == K_NBNS ? nbns_decode(name, q->len) : q->len;
		api->add_str(flow, F_QUERIES, name, n);
	}
	for (uint16_t i = 1; i < msg->n_q; i++)
		if ((n = dns_name_at(m, msg->q_off[i], name)))
			api->add_str(flow, F_QUERIES, name, kind == K_NBNS ? nbns_decode(name, n) : n);
	if (msg->n_q && !(st->flags & FL_QTYPE)) {
		n = dns_kind_type_name(kind, msg->qtype, tbuf);
		api->set_str(flow, F_QTYPE, tbuf, n);
		st->flags |= FL_QTYPE;
	}
}

/* Follows CNAMEs from an answer's owner back towards the question name. */
static size_t dns_owner(const struct nl_reader *m, const struct dns_ans *a, size_t q_off,
			const struct dns_qname *q, char cn[][2][DNS_NAME_BUF], const size_t cnlen[][2],
			size_t ncn, char *out)
{
	const char *qname = q->text;
	size_t qlen = q->len;
	/* Most owners are just a pointer to the question's name: that decodes
	 * to the question's text (with one hop more, so only while that stays
	 * within DNS_MAX_HOPS), and the loop below would return it as is. */
	if (qlen && q->hops < DNS_MAX_HOPS && q_off < a->owner) {
		struct nl_reader r = *m;
		r.err = 0;
		if (nl_reader_seek(&r, a->owner) == 0 && nl_get_be16(&r) == (0xc000 | q_off) &&
		    nl_reader_ok(&r)) {
			memcpy(out, qname, qlen + 1);
			return qlen;
		}
	}
	size_t n = dns_name_at(m, a->owner, out);
	for (int hop = 0; hop < DNS_MAX_CHAIN; hop++) {
		if (qlen && dns_name_eq(out, n, qname, qlen)) {
			memcpy(out, qname, qlen + 1);	/* spelt as asked */
			return qlen;
		}
		size_t j;
		for (j = 0; j < ncn; j++)
			if (dns_name_eq(cn[j][1], cnlen[j][1], out, n))
				break;
		if (j == ncn)
			break;
		memcpy(out, cn[j][0], cnlen[j][0] + 1);
		n = cnlen[j][0];
	}
	return n;
}

/* Answers and names for addresses, from a message that parsed. */
/* inet_ntop's dotted quad of a[0..3] into out[16], without the sprintf it
 * costs per address (most answers are A records); returns the length. */
static size_t dns_ipv4_text(const uint8_t a[4], char out[16])
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

static void dns_emit_answers(const struct nl_host_api *api, struct nl_flow *flow, const struct nl_reader *m,
			     const struct dns_msg *msg, const struct dns_qname *q)
{
	char name[DNS_NAME_BUF], text[INET6_ADDRSTRLEN];
	char cn[DNS_MAX_CNAME][2][DNS_NAME_BUF];
	size_t cnlen[DNS_MAX_CNAME][2];
	size_t ncn = 0, n;
	int noted = 0;
	for (uint16_t i = 0; i < msg->n_ans && ncn < DNS_MAX_CNAME; i++)
		if (msg->ans[i].type == T_CNAME) {
			cnlen[ncn][0] = dns_name_at(m, msg->ans[i].owner, cn[ncn][0]);
			cnlen[ncn][1] = dns_name_at(m, msg->ans[i].rdata, cn[ncn][1]);
			ncn++;
		}

	unsigned listed = 0;
	for (uint16_t i = 0; i < msg->n_ans && listed < NL_MAX_LIST; i++) {
		const struct dns_ans *a = &msg->ans[i];
		if (a->type == T_A || a->type == T_AAAA) {
			uint8_t addr[16];
			size_t alen = a->type == T_A ? 4 : 16;
			struct nl_reader r = *m;
			r.err = 0;
			if (nl_reader_seek(&r, a->rdata) < 0 || nl_get_bytes(&r, addr, alen) < 0)
				continue;
			size_t tlen;
			if (a->type == T_A)
				tlen = dns_ipv4_text(addr, text);
			else if (inet_ntop(AF_INET6, addr, text, sizeof(text)))
				tlen = strlen(text);
			else
				continue;
			api->add_str(flow, F_ANSWERS, text, tlen);
			listed++;
			if (noted < DNS_MAX_NOTE) {
				n = dns_owner(m, a, msg->n_q ? msg->q_off[0] : 0, q, cn, cnlen, ncn, name);
				if (n) {
					api->note_name(flow, a->type == T_A ? 4 : 6, addr, name, n, a->ttl);
					noted++;
				}
			}
		} else if ((n = dns_name_at(m, a->rdata, name))) {	/* CNAME, PTR, NS */
			api->add_str(flow, F_ANSWERS, name, n);
			listed++;
		}
	}
}

/* ---- dissect ------------------------------------------------------------- */

static enum dns_kind dns_kind_of(const struct nl_payload *p)
{
	/* mDNS is UDP only (RFC 6762): over TCP, 5353 is some server's DNS */
	if ((p->src_port == MDNS_PORT || p->dst_port == MDNS_PORT) && p->transport == NL_UDP)
		return K_MDNS;
	if (p->src_port == LLMNR_PORT || p->dst_port == LLMNR_PORT)
		return K_LLMNR;
	if (p->src_port == NBNS_PORT || p->dst_port == NBNS_PORT)
		return K_NBNS;
	return K_DNS;
}

static int dns_hinted(const struct nl_payload *p)
{
	return p->src_port == DNS_PORT || p->dst_port == DNS_PORT || p->src_port == MDNS_PORT ||
	       p->dst_port == MDNS_PORT || p->src_port == LLMNR_PORT || p->dst_port == LLMNR_PORT ||
	       p->src_port == NBNS_PORT || p->dst_port == NBNS_PORT;
}

/* A flow may carry more queries after its answers, over UDP as over TCP:
 * a TCP connection is reused (RFC 7766 6.2.1), a UDP socket too (c-ares
 * asks in turn on one socket; an mDNS host's 5353 to the group carries all
 * its queries and announcements), so every name and the last rcode need the
 * flow followed to the end of the host's budget. Only a TCP stream the host
 * keeps no more of (capped) is done: once every query seen was answered
 * (mDNS, LLMNR: once answered at all; an mDNS query sent from 5353 is
 * answered to the group, never on this flow: RFC 6762 5.2). */
static enum nl_verdict dns_so_far(const struct dns_flow *st, const struct nl_payload *p)
{
	enum dns_kind kind = dns_kind_of(p);
	if (p->transport != NL_TCP || nl_reader_left(&p->data) < NL_MAX_STREAM)
		return NL_NEED_MORE;
	if ((st->flags & FL_RESPONSE) && (st->n_pending == 0 || kind != K_DNS))
		return NL_DONE;
	if (kind == K_MDNS && (st->flags & FL_QUERY) && p->src_port == MDNS_PORT && p->from_client)
		return NL_DONE;
	return NL_NEED_MORE;
}

/* A response's rcode, with the upper bits of an OPT record when one was
 * read (a message still arriving may not have reached it yet). */
static void dns_emit_rcode(const struct nl_host_api *api, struct nl_flow *flow,
			   const struct dns_msg *msg)
{
	unsigned rc = msg->flags & 0xf;
	char buf[24];
	if (msg->ext_rcode >= 0)
		rc |= (unsigned)msg->ext_rcode << 4;
	size_t n = dns_rcode_name(rc, buf);
	api->set_str(flow, F_RCODE, buf, n);
}

/*
 * One message: m covers what we have of it, complete says whether that is
 * all of it, final whether more of it can ever come (false only for a TCP
 * message still arriving). Returns NL_NEED_MORE when it was handled (or may
 * still be), else the verdict that ends the flow.
 */
static enum nl_verdict dns_message(const struct nl_host_api *api, struct nl_flow *flow, struct dns_flow *st,
				   const struct nl_payload *p, struct nl_reader *m, size_t msglen, int complete,
				   int final)
{
	enum dns_kind kind = dns_kind_of(p);
	int lenient = dns_hinted(p) || (st->flags & FL_PROVEN);
	struct dns_msg msg;
	struct dns_qname q;
	struct nl_reader whole = *m;

	enum dns_res r = dns_parse(m, msglen, complete, !lenient, kind, &msg);
	if (r == R_NOTDNS)
		return (st->flags & FL_PROVEN) ? NL_MALFORMED : NL_NOT_MINE;
	if (r == R_BAD) {
		if (!lenient)
			return NL_NOT_MINE;
		if (msg.hdr_ok)
			dns_emit_head(api, flow, st, kind, &whole, &msg, &q);
		return NL_MALFORMED;
	}
	if (!final) {
		/* A TCP message still arriving (judged so far): its head now, as
		 * a large answer in small segments may outlast the host's budget
		 * and its rcode is in its first bytes; the answers once whole. */
		const uint8_t side = p->from_client ? 2 : 1;
		if (lenient && msg.hdr_ok && msg.n_q > 0 && !(st->head_shown & side)) {
			st->head_shown |= side;	/* once: not a walk per delivery */
			dns_emit_head(api, flow, st, kind, &whole, &msg, &q);
			int response = msg.flags >> 15;
			if (response)
				dns_emit_rcode(api, flow, &msg);
			api->set_state(flow, dns_state_labels[kind][response]);
		}
		return NL_NEED_MORE;
	}
	if (r == R_TRUNC && (!lenient || !msg.hdr_ok))
		return lenient ? NL_DONE : NL_NOT_MINE;	/* nothing to show */

	/* R_OK, or the head of a TCP message cut by the host's stream limit */
	st->flags |= FL_PROVEN;
	dns_emit_head(api, flow, st, kind, &whole, &msg, &q);
	int response = msg.flags >> 15;
	if (response) {
		char buf[24];
		size_t n;
		dns_emit_rcode(api, flow, &msg);
		if ((kind == K_MDNS || kind == K_NBNS) && msg.qd == 0 && msg.first_an >= 0) {
			/* an announcement, or a NetBIOS answer (which never repeats
			 * the question): name and type from its first record */
			char name[DNS_NAME_BUF];
			if ((n = dns_name_at(&whole, (size_t)msg.first_an, name)))
				api->add_str(flow, F_QUERIES, name, kind == K_NBNS ? nbns_decode(name, n) : n);
			if (!(st->flags & FL_QTYPE)) {
				n = dns_kind_type_name(kind, msg.first_an_type, buf);
				api->set_str(flow, F_QTYPE, buf, n);
				st->flags |= FL_QTYPE;
			}
		}
		dns_emit_answers(api, flow, &whole, &msg, &q);
		for (uint8_t i = 0; i < st->n_pending; i++)
			if (st->pending[i] == msg.id) {
				st->pending[i] = st->pending[--st->n_pending];
				break;
			}
		st->flags |= FL_RESPONSE;
	} else {
		uint8_t i;
		for (i = 0; i < st->n_pending; i++)
			if (st->pending[i] == msg.id)
				break;
		if (i == st->n_pending && st->n_pending < DNS_MAX_PENDING)
			st->pending[st->n_pending++] = msg.id;
		st->flags |= FL_QUERY;
	}
	api->set_state(flow, dns_state_labels[kind][response]);
	if (kind == K_NBNS && p->transport == NL_UDP && !(st->flags & FL_TIMEOUT) &&
	    NL_HOST_HAS(api, set_idle_timeout)) {
		api->set_idle_timeout(flow, NBNS_IDLE_TIMEOUT_S);
		st->flags |= FL_TIMEOUT;
	}
	if (complete)
		return NL_NEED_MORE;
	st->flags |= FL_CUT;	/* the rest never comes */
	return NL_DONE;
}

/* TCP: the direction's stream from its first byte, messages behind a
 * 2-byte length (RFC 7766 8). */
static enum nl_verdict dns_tcp(const struct nl_host_api *api, struct nl_flow *flow, struct dns_flow *st,
			       const struct nl_payload *p)
{
	struct nl_reader s = p->data;
	int dir = p->from_client ? 1 : 0;
	size_t pos = st->consumed[dir];
	int lenient = dns_hinted(p) || (st->flags & FL_PROVEN), partial = 0;

	if (st->flags & FL_CUT)
		return NL_DONE;
	if (pos > s.len)
		return dns_so_far(st, p);	/* the stream never shrinks; ignore */
	while (s.len - pos >= 2) {	/* each pass moves pos past a message or returns */
		if (nl_reader_seek(&s, pos) < 0)
			return NL_MALFORMED;
		size_t msglen = nl_get_be16(&s);
		if (msglen < DNS_HDR_LEN)
			return lenient ? NL_MALFORMED : NL_NOT_MINE;
		if (!lenient && msglen > NL_MAX_STREAM - 2)
			return NL_NOT_MINE;	/* could never be checked whole */
		int complete = nl_reader_left(&s) >= msglen;
		int capped = s.len >= NL_MAX_STREAM;	/* the host keeps no more */
		struct nl_reader m = nl_reader_sub(&s, msglen);
		enum nl_verdict v = dns_message(api, flow, st, p, &m, msglen, complete, complete || capped);
		if (v != NL_NEED_MORE)
			return v;
		if (!complete) {
			partial = 1;
			break;
		}
		pos += 2 + msglen;
		st->consumed[dir] = (uint32_t)pos;
		st->head_shown &= (uint8_t)~(dir ? 2 : 1);	/* the next message's is to come */
	}
	/* ABI 1.1: the next call starts after the messages handled. */
	if (pos && NL_HOST_HAS(api, consume) && api->consume(flow, pos) == 0)
		st->consumed[dir] = 0;
	return partial ? NL_NEED_MORE : dns_so_far(st, p);
}

static enum nl_verdict dns_dissect(const struct nl_host_api *api, struct nl_flow *flow, void *state,
				   const struct nl_payload *p)
{
	struct dns_flow *st = state;

	if (!st)
		return NL_NOT_MINE;
	if (p->src_port == DOT_PORT || p->dst_port == DOT_PORT)
		return NL_NOT_MINE;	/* DNS over TLS: TLS's */
	if (p->transport == NL_TCP)
		return dns_tcp(api, flow, st, p);
	if (p->transport != NL_UDP)
		return NL_NOT_MINE;

	struct nl_reader m = p->data;
	if (m.err || m.len == 0)
		return dns_so_far(st, p);	/* nothing to judge */
	if (m.len > UINT16_MAX)	/* no datagram is; offsets are kept in 16 bits */
		return (dns_hinted(p) || (st->flags & FL_PROVEN)) ? NL_MALFORMED : NL_NOT_MINE;
	enum nl_verdict v = dns_message(api, flow, st, p, &m, m.len, 1, 1);
	if (v != NL_NEED_MORE)
		return v;
	return dns_so_far(st, p);
}

/* ---- descriptor ---------------------------------------------------------- */

static const uint16_t dns_ports[] = {DNS_PORT, MDNS_PORT, LLMNR_PORT, NBNS_PORT};

static const struct nl_field dns_fields[F_COUNT] = {
	{F_QUERIES, NL_FIELD_STR_LIST, 0, "dns.queries", "Queries"},
	{F_QTYPE, NL_FIELD_STR, 0, "dns.qtype", "Query type"},
	{F_RCODE, NL_FIELD_STR, 0, "dns.rcode", "Response code"},
	{F_ANSWERS, NL_FIELD_STR_LIST, 0, "dns.answers", "Answers"},
	{F_KIND, NL_FIELD_STR, 0, "dns.kind", "Kind"},
	{F_TXID, NL_FIELD_U64, 0, "dns.txid", "Transaction ID"},
};

static const struct nl_dissector dns_dissector = {
	.struct_size = sizeof(struct nl_dissector),
	.abi_major = NL_ABI_MAJOR,
	.abi_minor = NL_ABI_MINOR,
	.flags = NL_DESC_STREAM,
	.transports = NL_UDP | NL_TCP,
	.name = "dns",
	.version = "1.0.0",
	.license = "MIT",
	.description = "DNS, mDNS, LLMNR and NetBIOS names over UDP and TCP: names, type, answers, rcode",
	.display = "DNS",
	.port_hints = dns_ports,
	.n_port_hints = sizeof(dns_ports) / sizeof(dns_ports[0]),
	.packet_budget = 24,
	.state_size = sizeof(struct dns_flow),
	.fields = dns_fields,
	.n_fields = F_COUNT,
	.domain_field = F_QUERIES,
	.idle_timeout_s = 30,		/* RustNet: UDP DNS 30 s */
	.init = NULL,
	.fini = NULL,
	.dissect = dns_dissect,
	.release = NULL,
};

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void);

NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void)
{
	return &dns_dissector;
}
