/*
 * export_ipfix.c - the IPFIX encoder (RFC 7011): templates and data records.
 *
 * Message header (RFC 7011 §3.1), 16 bytes:
 *    0                   1                   2                   3
 *   +-------------------------------+-------------------------------+
 *   |       Version = 0x000a        |        Message Length         |
 *   +-------------------------------+-------------------------------+
 *   |                          Export Time                          |
 *   +---------------------------------------------------------------+
 *   |                        Sequence Number                        |
 *   +---------------------------------------------------------------+
 *   |                    Observation Domain ID                      |
 *   +---------------------------------------------------------------+
 * then Sets: (Set ID, Length) and records. Set 2 holds templates: (Template
 * ID, Field Count) and field specifiers (E bit | IE id, length[, PEN]).
 * Data sets carry the template's ID. Variable-length values (§7) are one
 * length byte, or 255 and two length bytes. Strings must be UTF-8 (§6.1.6)
 * and the wire's are any bytes: they go out cleaned (ipfix_str_clean).
 *
 * Every write is checked against the room left (`n <= cap - len`), so a
 * record that does not fit leaves the message as it was.
 */
#include "config.h"

#include <string.h>

#include "export.h"
#include "plugins/netlens/dissector.h"
#include "strbuf.h"

enum ie_src {
	S_SRC_ADDR, S_DST_ADDR, S_SPORT, S_DPORT, S_PROTO, S_OCTETS, S_PACKETS, S_REV_OCTETS,
	S_REV_PACKETS, S_START, S_END, S_REASON, S_TCP_FLAGS, S_BIFLOW, S_APP, S_PROCESS, S_PID,
	S_STATE, S_DOMAIN, S_RETRANSMITS, S_RTT, S_IN_IF, S_IF_NAME, S_FIELD,
};

/* netlens' own elements, under the configured enterprise number. */
enum {
	NL_IE_PROCESS_NAME = 1, NL_IE_PROCESS_ID = 2, NL_IE_STATE = 3, NL_IE_REMOTE_NAME = 4,
	NL_IE_TCP_RETRANSMITS = 5, NL_IE_RTT_US = 6,
};

/* Dissector fields with a standard element (IANA) or a fixed one of ours. */
static const struct {
	const char *key;
	uint16_t id, len;
	int iana;
} known_fields[] = {
	{ "http.status", 457, 2, 1 },		/* httpStatusCode */
	{ "http.method", 459, IPFIX_VARLEN, 1 },	/* httpRequestMethod */
	{ "http.host", 460, IPFIX_VARLEN, 1 },	/* httpRequestHost */
	{ "http.path", 461, IPFIX_VARLEN, 1 },	/* httpRequestTarget */
	{ "http.version", 462, IPFIX_VARLEN, 1 },	/* httpMessageVersion (the request's) */
	{ "http.user_agent", 468, IPFIX_VARLEN, 1 },	/* httpUserAgent */
	{ "tls.sni", 100, IPFIX_VARLEN, 0 },
	{ "tls.alpn", 101, IPFIX_VARLEN, 0 },
	{ "tls.version", 102, IPFIX_VARLEN, 0 },
	{ "tls.server_version", 103, IPFIX_VARLEN, 0 },
	{ "tls.cipher", 104, IPFIX_VARLEN, 0 },
	{ "tls.ja4", 105, IPFIX_VARLEN, 0 },
	{ "dns.queries", 110, IPFIX_VARLEN, 0 },
	{ "dns.qtype", 111, IPFIX_VARLEN, 0 },
	{ "dns.rcode", 112, IPFIX_VARLEN, 0 },
	{ "dns.answers", 113, IPFIX_VARLEN, 0 },
	{ "dns.kind", 114, IPFIX_VARLEN, 0 },
	{ "dns.txid", 115, 8, 0 },
	{ "ssh.client_banner", 120, IPFIX_VARLEN, 0 },
	{ "ssh.server_banner", 121, IPFIX_VARLEN, 0 },
	{ "ssh.client_software", 122, IPFIX_VARLEN, 0 },
	{ "ssh.server_software", 123, IPFIX_VARLEN, 0 },
	{ "ssh.version", 124, IPFIX_VARLEN, 0 },
	{ "quic.version", 130, IPFIX_VARLEN, 0 },
	{ "quic.version_name", 131, IPFIX_VARLEN, 0 },
	{ "quic.sni", 132, IPFIX_VARLEN, 0 },
	{ "quic.alpn", 133, IPFIX_VARLEN, 0 },
	{ "quic.close_error", 134, IPFIX_VARLEN, 0 },
	{ "quic.idle_timeout_ms", 135, 8, 0 },
};

#define HASHED_BASE 1024u
#define HASHED_SPAN 31744u	/* up to 32767: the high bit is the enterprise flag */

static int taken_get(const uint8_t *taken, uint16_t id) { return taken && (taken[id >> 3] >> (id & 7)) & 1; }
static void taken_set(uint8_t *taken, uint16_t id) { if (taken) taken[id >> 3] |= (uint8_t)(1u << (id & 7)); }

void ipfix_field_element(const char *key, uint16_t type, uint32_t pen, const uint8_t *taken,
			 uint16_t *id, uint16_t *len, uint32_t *out_pen)
{
	for (size_t i = 0; i < sizeof(known_fields) / sizeof(known_fields[0]); i++)
		if (!strcmp(key, known_fields[i].key)) {
			*id = known_fields[i].id;
			*len = known_fields[i].len;
			*out_pen = known_fields[i].iana ? 0 : pen;
			return;
		}
	uint32_t h = 2166136261u;	/* FNV-1a, 32 bits */
	for (const char *p = key; *p; p++) {
		h ^= (uint8_t)*p;
		h *= 16777619u;
	}
	uint16_t v = (uint16_t)(HASHED_BASE + h % HASHED_SPAN);
	for (unsigned tries = 0; tries < HASHED_SPAN && taken_get(taken, v); tries++)
		v = (unsigned)v + 1 < HASHED_BASE + HASHED_SPAN ? (uint16_t)(v + 1) : (uint16_t)HASHED_BASE;
	*id = v;
	*len = type == NL_FIELD_U64 ? 8 : IPFIX_VARLEN;
	*out_pen = pen;
}

static void add_ie(struct ipfix_template *t, uint16_t id, uint16_t len, uint32_t pen, uint8_t src,
		   uint8_t field)
{
	if (t->n >= IPFIX_MAX_IES)
		return;
	struct ipfix_ie *ie = &t->ie[t->n++];
	ie->id = id;
	ie->len = len;
	ie->pen = pen;
	ie->src = src;
	ie->field = field;
}

void ipfix_template_build(struct ipfix_template *t, uint16_t id, int family, uint32_t pen,
			  const struct ipfix_field_decl *fields, unsigned n_fields, uint8_t *taken)
{
	memset(t, 0, sizeof(*t));
	t->id = id;
	if (family == 6) {
		add_ie(t, 27, 16, 0, S_SRC_ADDR, 0);	/* sourceIPv6Address */
		add_ie(t, 28, 16, 0, S_DST_ADDR, 0);	/* destinationIPv6Address */
	} else {
		add_ie(t, 8, 4, 0, S_SRC_ADDR, 0);	/* sourceIPv4Address */
		add_ie(t, 12, 4, 0, S_DST_ADDR, 0);	/* destinationIPv4Address */
	}
	add_ie(t, 7, 2, 0, S_SPORT, 0);			/* sourceTransportPort */
	add_ie(t, 11, 2, 0, S_DPORT, 0);		/* destinationTransportPort */
	add_ie(t, 4, 1, 0, S_PROTO, 0);			/* protocolIdentifier */
	add_ie(t, 1, 8, 0, S_OCTETS, 0);		/* octetDeltaCount */
	add_ie(t, 2, 8, 0, S_PACKETS, 0);		/* packetDeltaCount */
	add_ie(t, 1, 8, EXPORT_REVERSE_PEN, S_REV_OCTETS, 0);	/* reverseOctetDeltaCount */
	add_ie(t, 2, 8, EXPORT_REVERSE_PEN, S_REV_PACKETS, 0);	/* reversePacketDeltaCount */
	add_ie(t, 152, 8, 0, S_START, 0);		/* flowStartMilliseconds */
	add_ie(t, 153, 8, 0, S_END, 0);			/* flowEndMilliseconds */
	add_ie(t, 136, 1, 0, S_REASON, 0);		/* flowEndReason */
	add_ie(t, 6, 2, 0, S_TCP_FLAGS, 0);		/* tcpControlBits */
	add_ie(t, 239, 1, 0, S_BIFLOW, 0);		/* biflowDirection */
	add_ie(t, 96, IPFIX_VARLEN, 0, S_APP, 0);	/* applicationName */
	add_ie(t, NL_IE_PROCESS_NAME, IPFIX_VARLEN, pen, S_PROCESS, 0);
	add_ie(t, NL_IE_PROCESS_ID, 4, pen, S_PID, 0);
	add_ie(t, NL_IE_STATE, IPFIX_VARLEN, pen, S_STATE, 0);
	add_ie(t, NL_IE_REMOTE_NAME, IPFIX_VARLEN, pen, S_DOMAIN, 0);
	add_ie(t, NL_IE_TCP_RETRANSMITS, 4, pen, S_RETRANSMITS, 0);
	add_ie(t, NL_IE_RTT_US, 4, pen, S_RTT, 0);
	add_ie(t, 10, 4, 0, S_IN_IF, 0);		/* ingressInterface */
	add_ie(t, 82, IPFIX_VARLEN, 0, S_IF_NAME, 0);	/* interfaceName */
	for (unsigned i = 0; i < n_fields && i < EXPORT_MAX_FIELDS; i++) {
		uint16_t eid, elen;
		uint32_t epen;
		ipfix_field_element(fields[i].key, fields[i].type, pen, taken, &eid, &elen, &epen);
		if (epen == pen)
			taken_set(taken, eid);
		add_ie(t, eid, elen, epen, S_FIELD, (uint8_t)i);
	}
}

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16); p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)(v >> 32)); put32(p + 4, (uint32_t)v); }

void ipfix_msg_begin(struct ipfix_msg *m, uint8_t *buf, size_t cap, uint32_t domain)
{
	memset(m, 0, sizeof(*m));
	m->buf = buf;
	m->cap = cap;
	memset(buf, 0, 16);
	put16(buf, 10);
	put32(buf + 12, domain);
	m->len = 16;
}

static void close_set(struct ipfix_msg *m)
{
	if (!m->set_off)
		return;
	put16(m->buf + m->set_off + 2, (uint16_t)(m->len - m->set_off));
	m->set_off = 0;
	m->set_id = 0;
}

/* Makes sure a set with this ID is open; returns the bytes that opening it
 * takes (0 or 4), or -1 when there is no room for the header and need more. */
static int open_set(struct ipfix_msg *m, uint16_t set_id, size_t need)
{
	if (m->set_off && m->set_id == set_id)
		return need <= m->cap - m->len ? 0 : -1;
	if (m->cap - m->len < 4 || need > m->cap - m->len - 4)
		return -1;
	close_set(m);
	m->set_off = m->len;
	m->set_id = set_id;
	put16(m->buf + m->len, set_id);
	put16(m->buf + m->len + 2, 0);
	m->len += 4;
	return 4;
}

int ipfix_msg_add_template(struct ipfix_msg *m, const struct ipfix_template *t)
{
	size_t need = 4;
	for (unsigned i = 0; i < t->n; i++)
		need += t->ie[i].pen ? 8 : 4;
	if (open_set(m, 2, need) < 0)
		return -1;
	uint8_t *p = m->buf + m->len;
	put16(p, t->id);
	put16(p + 2, t->n);
	p += 4;
	for (unsigned i = 0; i < t->n; i++) {
		const struct ipfix_ie *ie = &t->ie[i];
		put16(p, (uint16_t)(ie->id | (ie->pen ? 0x8000 : 0)));
		put16(p + 2, ie->len);
		p += 4;
		if (ie->pen) {
			put32(p, ie->pen);
			p += 4;
		}
	}
	m->len += need;
	return 0;
}

/* The value of a variable-length element for r. */
static struct export_str var_value(const struct ipfix_ie *ie, const struct export_rec *r)
{
	static const struct export_str none = { NULL, 0 };
	switch (ie->src) {
	case S_APP: return r->app;
	case S_PROCESS: return r->process;
	case S_STATE: return r->state;
	case S_DOMAIN: return r->domain;
	case S_IF_NAME: return r->ifname;
	case S_FIELD: return ie->field < EXPORT_MAX_FIELDS ? r->fields[ie->field] : none;
	default: return none;
	}
}

static uint64_t num_value(const struct ipfix_ie *ie, const struct export_rec *r)
{
	switch (ie->src) {
	case S_SPORT: return r->sport;
	case S_DPORT: return r->dport;
	case S_PROTO: return r->proto;
	case S_OCTETS: return r->octets;
	case S_PACKETS: return r->packets;
	case S_REV_OCTETS: return r->rev_octets;
	case S_REV_PACKETS: return r->rev_packets;
	case S_START: return r->start_ms;
	case S_END: return r->end_ms;
	case S_REASON: return r->end_reason;
	case S_TCP_FLAGS: return r->tcp_flags;
	case S_BIFLOW: return r->biflow_dir;
	case S_PID: return r->pid;
	case S_RETRANSMITS: return r->retransmits;
	case S_RTT: return r->rtt_us;
	case S_IN_IF: return r->in_ifindex;
	case S_FIELD: return ie->field < EXPORT_MAX_FIELDS ? r->field_num[ie->field] : 0;
	default: return 0;
	}
}

size_t ipfix_str_clean(uint8_t *out, const char *in, size_t n, size_t cap)
{
	static const char hex[] = "0123456789abcdef";
	const uint8_t *u = (const uint8_t *)in;
	size_t o = 0;
	for (size_t i = 0; i < n;) {
		size_t l = sb_shown_len(in + i, n - i);	/* the views' rule (strbuf.c) */
		size_t w = l ? l : 4;	/* a character, or "\xHH" */
		if (w > cap - o)
			break;		/* never half a character or half an escape */
		if (out && l) {
			memcpy(out + o, u + i, l);
		} else if (out) {
			out[o] = '\\';
			out[o + 1] = 'x';
			out[o + 2] = (uint8_t)hex[u[i] >> 4];
			out[o + 3] = (uint8_t)hex[u[i] & 15];
		}
		o += w;
		i += l ? l : 1;
	}
	return o;
}

int ipfix_msg_add_record(struct ipfix_msg *m, const struct ipfix_template *t,
			 const struct export_rec *r, size_t str_cap)
{
	size_t need = 0;
	for (unsigned i = 0; i < t->n; i++) {
		const struct ipfix_ie *ie = &t->ie[i];
		if (ie->len != IPFIX_VARLEN) {
			need += ie->len;
			continue;
		}
		struct export_str v = var_value(ie, r);
		size_t l = v.s ? ipfix_str_clean(NULL, v.s, v.len, str_cap) : 0;
		need += (l < 255 ? 1 : 3) + l;
	}
	if (open_set(m, t->id, need) < 0)
		return -1;
	uint8_t *p = m->buf + m->len;
	for (unsigned i = 0; i < t->n; i++) {
		const struct ipfix_ie *ie = &t->ie[i];
		if (ie->src == S_SRC_ADDR || ie->src == S_DST_ADDR) {
			memcpy(p, ie->src == S_SRC_ADDR ? r->src : r->dst, ie->len);
			p += ie->len;
			continue;
		}
		if (ie->len == IPFIX_VARLEN) {
			struct export_str v = var_value(ie, r);
			size_t l = v.s ? ipfix_str_clean(NULL, v.s, v.len, str_cap) : 0;
			if (l < 255) {
				*p++ = (uint8_t)l;
			} else {
				*p++ = 255;
				put16(p, (uint16_t)l);
				p += 2;
			}
			if (l)
				ipfix_str_clean(p, v.s, v.len, str_cap);
			p += l;
			continue;
		}
		uint64_t v = num_value(ie, r);
		switch (ie->len) {
		case 1: *p = (uint8_t)v; break;
		case 2: put16(p, (uint16_t)v); break;
		case 4: put32(p, (uint32_t)v); break;
		default: put64(p, v); break;
		}
		p += ie->len;
	}
	m->len += need;
	m->records++;
	return 0;
}

size_t ipfix_msg_end(struct ipfix_msg *m)
{
	close_set(m);
	put16(m->buf + 2, (uint16_t)m->len);
	return m->len;
}

void ipfix_msg_stamp(uint8_t *msg, uint32_t export_time, uint32_t seq)
{
	put32(msg + 4, export_time);
	put32(msg + 8, seq);
}
