/*
 * fakehost.h - a stand-in for the netlens host, for dissector unit tests.
 *
 * Implements struct nl_host_api over a plain record of what the dissector
 * set, so a test can compile a dissector's source into its own program,
 * feed it payloads, and assert on fields, state label and names. It checks
 * the API contract as the real host does (field ids, types, bounds) and
 * counts violations in fh.errors.
 *
 * Two hosts: fh_feed() hands the dissector what the test gives it, with
 * the 1.0 function table (no consume: a stream test passes the whole
 * stream each time, as a 1.0 host does); fh_stream_feed() is a host of ABI
 * 1.1 that appends segments to a direction's stream, delivers it from the
 * first byte the dissector did not consume, and drops what it consumed.
 */
#ifndef NETLENS_FAKEHOST_H
#define NETLENS_FAKEHOST_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <netlens/dissector.h>

struct fh_value {
	int set;
	uint64_t u64;
	char str[NL_MAX_LIST][NL_MAX_STR + 1];
	size_t n;		/* strings held (1 for NL_FIELD_STR) */
};

struct nl_flow {		/* the fake host's flow */
	const struct nl_dissector *d;
	struct fh_value v[NL_MAX_FIELDS];
	char state[32];
	int names;		/* note_name calls */
	char last_name[NL_MAX_STR + 1];
	int errors;		/* API misuse */
	size_t call_len;	/* fh_stream_feed: bytes of the call's data */
	size_t mark;		/* ... and the most it consumed; SIZE_MAX outside */
	unsigned transport;	/* fh_feed_14: the call's, for set_idle_timeout */
	uint32_t idle_timeout_s;/* set_idle_timeout's (ABI 1.4), 0 = none */
};

static inline int fh_field_ok(struct nl_flow *f, uint16_t id, uint16_t type)
{
	if (id >= f->d->n_fields || f->d->fields[id].type != type) {
		f->errors++;
		return 0;
	}
	return 1;
}

/* Keeps a string as the host does, at most NL_MAX_STR bytes; a NUL inside
 * it is no end (the host shows it, escaped) and is kept here as "\x00", so
 * a test sees what a user would rather than a string cut short. */
static inline void fh_copy(char *dst, const void *s, size_t len)
{
	const unsigned char *b = s;
	size_t o = 0;
	if (len > NL_MAX_STR)
		len = NL_MAX_STR;
	for (size_t i = 0; i < len; i++) {
		if (b[i]) {
			dst[o++] = (char)b[i];
		} else if (o + 4 <= NL_MAX_STR) {
			memcpy(dst + o, "\\x00", 4);
			o += 4;
		} else {
			break;
		}
		if (o >= NL_MAX_STR)
			break;
	}
	dst[o] = '\0';
}

static inline int fh_set_str(struct nl_flow *f, uint16_t field, const void *s, size_t len)
{
	if (!fh_field_ok(f, field, NL_FIELD_STR) || !s)
		return -1;
	fh_copy(f->v[field].str[0], s, len);
	f->v[field].n = 1;
	f->v[field].set = 1;
	return 0;
}

static inline int fh_set_u64(struct nl_flow *f, uint16_t field, uint64_t v)
{
	if (!fh_field_ok(f, field, NL_FIELD_U64))
		return -1;
	f->v[field].u64 = v;
	f->v[field].set = 1;
	return 0;
}

static inline int fh_add_str(struct nl_flow *f, uint16_t field, const void *s, size_t len)
{
	if (!fh_field_ok(f, field, NL_FIELD_STR_LIST) || !s)
		return -1;
	struct fh_value *v = &f->v[field];
	char tmp[NL_MAX_STR + 1];
	fh_copy(tmp, s, len);
	for (size_t i = 0; i < v->n; i++)
		if (!strcmp(v->str[i], tmp))
			return 0;
	if (v->n == NL_MAX_LIST)
		return -1;
	memcpy(v->str[v->n++], tmp, sizeof(tmp));
	v->set = 1;
	return 0;
}

static inline int fh_set_state(struct nl_flow *f, const char *label)
{
	size_t n = label ? strlen(label) : 0;
	if (n == 0 || n > 23) {
		f->errors++;
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		if (!((label[i] >= 'A' && label[i] <= 'Z') || (label[i] >= '0' && label[i] <= '9') ||
		      label[i] == '_')) {
			f->errors++;
			return -1;
		}
	memcpy(f->state, label, n + 1);
	return 0;
}

static inline int fh_note_name(struct nl_flow *f, int family, const uint8_t *addr, const void *name,
			       size_t len, uint32_t ttl_s)
{
	(void)addr;
	(void)ttl_s;
	if (family != 4 && family != 6) {
		f->errors++;
		return -1;
	}
	f->names++;
	fh_copy(f->last_name, name, len);
	return 0;
}

static inline void fh_log(struct nl_flow *f, int level, const char *msg) { (void)f; (void)level; (void)msg; }

static inline int fh_consume(struct nl_flow *f, size_t n)
{
	if (f->mark == SIZE_MAX) {	/* not a stream delivery */
		f->errors++;
		return -1;
	}
	if (n > f->call_len)
		n = f->call_len;
	if (n > f->mark)
		f->mark = n;
	return 0;
}

/* As the real host: a UDP flow's only, at most NL_MAX_IDLE_TIMEOUT_S. */
static inline int fh_set_idle_timeout(struct nl_flow *f, uint32_t seconds)
{
	if (f->transport != NL_UDP || seconds > NL_MAX_IDLE_TIMEOUT_S) {
		f->errors++;
		return -1;
	}
	f->idle_timeout_s = seconds;
	return 0;
}

/* ABI 1.0's table: what the struct held before consume. */
static const struct nl_host_api fh_api = {
	.struct_size = offsetof(struct nl_host_api, consume), .abi_major = NL_ABI_MAJOR, .abi_minor = 0,
	.set_str = fh_set_str, .set_u64 = fh_set_u64, .add_str = fh_add_str,
	.set_state = fh_set_state, .note_name = fh_note_name, .log = fh_log,
};

static const struct nl_host_api fh_api11 = {
	.struct_size = sizeof(struct nl_host_api), .abi_major = NL_ABI_MAJOR, .abi_minor = 1,
	.set_str = fh_set_str, .set_u64 = fh_set_u64, .add_str = fh_add_str,
	.set_state = fh_set_state, .note_name = fh_note_name, .log = fh_log,
	.consume = fh_consume,
};

/* The whole table of this ABI (consume refuses a datagram, as the host's). */
static const struct nl_host_api fh_api14 = {
	.struct_size = sizeof(struct nl_host_api), .abi_major = NL_ABI_MAJOR, .abi_minor = 4,
	.set_str = fh_set_str, .set_u64 = fh_set_u64, .add_str = fh_add_str,
	.set_state = fh_set_state, .note_name = fh_note_name, .log = fh_log,
	.consume = fh_consume, .set_idle_timeout = fh_set_idle_timeout,
};

/* One direction's stream as fh_stream_feed keeps it. */
struct fh_stream {
	uint8_t *buf;		/* NL_MAX_STREAM bytes, allocated on first use */
	size_t len;		/* bytes held: the first not consumed onwards */
	uint64_t base;		/* stream offset of buf[0]: bytes consumed */
	size_t held_max;	/* the most bytes held after a call */
	uint32_t gap;		/* for the next call's payload.gap (fh_stream_gap) */
};

/* One flow of a dissector under test, with its state block. */
struct fh_flow {
	struct nl_flow f;
	void *state;
	struct fh_stream dir[2];	/* fh_stream_feed, by from_client */
};

static inline void fh_open(struct fh_flow *ff, const struct nl_dissector *d)
{
	memset(ff, 0, sizeof(*ff));
	ff->f.d = d;
	ff->f.mark = SIZE_MAX;
	ff->state = d->state_size ? calloc(1, d->state_size) : NULL;
}

static inline void fh_close(struct fh_flow *ff)
{
	if (ff->state && ff->f.d->release)
		ff->f.d->release(ff->state);
	free(ff->state);
	ff->state = NULL;
	for (int k = 0; k < 2; k++) {
		free(ff->dir[k].buf);
		ff->dir[k].buf = NULL;
	}
}

/* Fills a payload as the host does: the bytes, the ends, a fixed time; no
 * IP version or wire length (0: not known), stream_offset 0. */
static inline void fh_payload(struct nl_payload *p, unsigned transport, int from_client,
			      uint16_t sport, uint16_t dport, const void *bytes, size_t len)
{
	memset(p, 0, sizeof(*p));
	p->struct_size = sizeof(*p);
	p->transport = (uint8_t)transport;
	p->from_client = (uint8_t)from_client;
	p->src_port = sport;
	p->dst_port = dport;
	p->ts_us = 1700000000000000ULL;
	p->data = nl_reader_make(bytes, len);
}

/* Offers one payload. from_client: 1 = sent by the initiator. */
static inline enum nl_verdict fh_feed(struct fh_flow *ff, unsigned transport, int from_client,
				      uint16_t sport, uint16_t dport, const void *bytes, size_t len,
				      uint64_t stream_offset)
{
	struct nl_payload p;
	fh_payload(&p, transport, from_client, sport, dport, bytes, len);
	p.stream_offset = stream_offset;
	return ff->f.d->dissect(&fh_api, &ff->f, ff->state, &p);
}

/* Offers one payload as an ABI 1.3 host does: ip_version 4 or 6 (0: not
 * known), wire_len the payload's length on the wire (more than len: the
 * capture cut it). */
static inline enum nl_verdict fh_feed_as(const struct nl_host_api *api, struct fh_flow *ff,
					 unsigned transport, int from_client, uint16_t sport, uint16_t dport,
					 const void *bytes, size_t len, unsigned ip_version, uint32_t wire_len)
{
	struct nl_payload p;
	fh_payload(&p, transport, from_client, sport, dport, bytes, len);
	p.ip_version = (uint8_t)ip_version;
	p.wire_len = wire_len;
	ff->f.transport = transport;
	return ff->f.d->dissect(api, &ff->f, ff->state, &p);
}

static inline enum nl_verdict fh_feed_ip(struct fh_flow *ff, unsigned transport, int from_client,
					 uint16_t sport, uint16_t dport, const void *bytes, size_t len,
					 unsigned ip_version, uint32_t wire_len)
{
	return fh_feed_as(&fh_api, ff, transport, from_client, sport, dport, bytes, len, ip_version,
			  wire_len);
}

/* Offers one whole payload as an ABI 1.4 host does, with its function
 * table (set_idle_timeout, for UDP: ff->f.idle_timeout_s). */
static inline enum nl_verdict fh_feed_14(struct fh_flow *ff, unsigned transport, int from_client,
					 uint16_t sport, uint16_t dport, const void *bytes, size_t len,
					 unsigned ip_version)
{
	return fh_feed_as(&fh_api14, ff, transport, from_client, sport, dport, bytes, len, ip_version,
			  (uint32_t)len);
}

/* Offers bytes [skip, len) through a reader that stands at offset skip of
 * its buffer (nothing says a host's reader starts at 0): a dissector must
 * read from where it stands. The bytes are whole (wire_len what is left). */
static inline enum nl_verdict fh_feed_skipped(struct fh_flow *ff, unsigned transport, int from_client,
					      uint16_t sport, uint16_t dport, const void *bytes, size_t len,
					      size_t skip)
{
	struct nl_payload p;
	fh_payload(&p, transport, from_client, sport, dport, bytes, len);
	nl_reader_skip(&p.data, skip);
	p.wire_len = (uint32_t)(len - skip);
	return ff->f.d->dissect(&fh_api, &ff->f, ff->state, &p);
}

/* Offers one payload as a host of ABI 1.2 does: the struct ends before
 * ip_version, and what lies past it is garbage a 1.3 reader must not use. */
static inline enum nl_verdict fh_feed_12(struct fh_flow *ff, unsigned transport, int from_client,
					 uint16_t sport, uint16_t dport, const void *bytes, size_t len)
{
	struct nl_payload p;
	fh_payload(&p, transport, from_client, sport, dport, bytes, len);
	p.struct_size = offsetof(struct nl_payload, ip_version);
	memset((char *)&p + p.struct_size, 0xff, sizeof(p) - p.struct_size);
	return ff->f.d->dissect(&fh_api, &ff->f, ff->state, &p);
}

/* The ABI 1.1 host: appends one TCP segment's bytes to the direction's
 * stream (at most NL_MAX_STREAM held, as the real host keeps), offers what
 * is held, and drops what the dissector consumed. */
static inline enum nl_verdict fh_stream_feed(struct fh_flow *ff, int from_client, uint16_t sport,
					     uint16_t dport, const void *bytes, size_t len)
{
	struct fh_stream *s = &ff->dir[from_client ? 1 : 0];
	if (!s->buf && !(s->buf = malloc(NL_MAX_STREAM)))
		abort();
	if (len > NL_MAX_STREAM - s->len)
		len = NL_MAX_STREAM - s->len;
	if (len)
		memcpy(s->buf + s->len, bytes, len);
	s->len += len;
	struct nl_payload p;
	fh_payload(&p, NL_TCP, from_client ? 1 : 0, sport, dport, s->buf, s->len);
	p.stream_offset = s->base;
	p.gap = s->gap;
	s->gap = 0;
	ff->f.call_len = s->len;
	ff->f.mark = 0;
	enum nl_verdict v = ff->f.d->dissect(&fh_api11, &ff->f, ff->state, &p);
	size_t n = ff->f.mark;
	ff->f.mark = SIZE_MAX;
	memmove(s->buf, s->buf + n, s->len - n);
	s->len -= n;
	s->base += n;
	if (s->len > s->held_max)
		s->held_max = s->len;
	return v;
}

/* What core/dpi.c's stream_skip_gap does to a stream's counts when it gives
 * up a gap of hole bytes: the len bytes held and not consumed are dropped,
 * the next delivery's gap counts them and the hole, and so does the stream
 * offset of what follows. Shared by this host and the fuzz harness's. */
static inline void fh_gap_given_up(uint32_t *gap, uint64_t *base, size_t *len, uint32_t hole)
{
	*gap += (uint32_t)*len + hole;
	*base += *len + hole;
	*len = 0;
}

/* The ABI 1.5 host giving up a gap of hole bytes in a direction's stream
 * (NL_DESC_GAPS dissectors only): what is held and was not consumed is
 * dropped, and the next fh_stream_feed of that direction says so, with the
 * hole, in payload.gap (its stream_offset counting both). */
static inline void fh_stream_gap(struct fh_flow *ff, int from_client, uint32_t hole)
{
	struct fh_stream *s = &ff->dir[from_client ? 1 : 0];
	if (!(ff->f.d->flags & NL_DESC_GAPS))
		abort();	/* the host drops such a dissector instead */
	fh_gap_given_up(&s->gap, &s->base, &s->len, hole);
}

/* Whether two flows hold the same fields and state label. */
static inline int fh_same_results(const struct fh_flow *a, const struct fh_flow *b)
{
	if (strcmp(a->f.state, b->f.state))
		return 0;
	for (uint16_t i = 0; i < a->f.d->n_fields; i++) {
		const struct fh_value *x = &a->f.v[i], *y = &b->f.v[i];
		if (x->set != y->set || x->u64 != y->u64 || x->n != y->n)
			return 0;
		for (size_t k = 0; k < x->n; k++)
			if (strcmp(x->str[k], y->str[k]))
				return 0;
	}
	return 1;
}

/* Replays a connection's two streams in segments of seg bytes (client and
 * server alternating, the client first) through both hosts: old gets the
 * whole stream so far each time (ABI 1.0), new one segment at a time
 * (ABI 1.1, honouring consume). Both flows must be open; the caller
 * compares and closes them. Returns the number of deliveries whose
 * verdicts differed (0 when the hosts agree); it stops at the first verdict
 * other than NL_NEED_MORE. */
static inline int fh_replay_both(struct fh_flow *old, struct fh_flow *new, uint16_t cport, uint16_t sport,
				 const uint8_t *c2s, size_t cl, const uint8_t *s2c, size_t sl, size_t seg)
{
	size_t at[2] = { 0, 0 };	/* bytes fed, by from_client */
	const uint8_t *st[2] = { s2c, c2s };
	const size_t len[2] = { sl, cl };
	int differ = 0;
	for (int turn = 1; at[0] < len[0] || at[1] < len[1]; turn = !turn) {
		if (at[turn] >= len[turn])
			continue;
		size_t n = len[turn] - at[turn] < seg ? len[turn] - at[turn] : seg;
		uint16_t from = turn ? cport : sport, to = turn ? sport : cport;
		enum nl_verdict a = fh_feed(old, NL_TCP, turn, from, to, st[turn], at[turn] + n, 0);
		enum nl_verdict b = fh_stream_feed(new, turn, from, to, st[turn] + at[turn], n);
		at[turn] += n;
		differ += a != b;
		if (a != NL_NEED_MORE || b != NL_NEED_MORE)
			break;
	}
	return differ;
}

/* Whether the dissector set no field at all (what a refused or cut
 * message must leave). */
static inline int fh_no_fields(const struct fh_flow *ff)
{
	for (uint16_t i = 0; i < ff->f.d->n_fields; i++)
		if (ff->f.v[i].set)
			return 0;
	return 1;
}

/* Whether the field of that key is set. */
static inline int fh_is_set(const struct fh_flow *ff, const char *key)
{
	for (uint16_t i = 0; i < ff->f.d->n_fields; i++)
		if (!strcmp(ff->f.d->fields[i].key, key))
			return ff->f.v[i].set;
	return 0;
}

/* The value of a string field by key, or NULL. */
static inline const char *fh_str(const struct fh_flow *ff, const char *key)
{
	for (uint16_t i = 0; i < ff->f.d->n_fields; i++)
		if (!strcmp(ff->f.d->fields[i].key, key))
			return ff->f.v[i].set ? ff->f.v[i].str[0] : NULL;
	return NULL;
}

/* The i-th value of a list field by key, or NULL. */
static inline const char *fh_list(const struct fh_flow *ff, const char *key, size_t i)
{
	for (uint16_t k = 0; k < ff->f.d->n_fields; k++)
		if (!strcmp(ff->f.d->fields[k].key, key))
			return i < ff->f.v[k].n ? ff->f.v[k].str[i] : NULL;
	return NULL;
}

/* The value of a number field by key; *found says whether it was set. */
static inline uint64_t fh_u64(const struct fh_flow *ff, const char *key, int *found)
{
	for (uint16_t i = 0; i < ff->f.d->n_fields; i++)
		if (!strcmp(ff->f.d->fields[i].key, key)) {
			if (found)
				*found = ff->f.v[i].set;
			return ff->f.v[i].u64;
		}
	if (found)
		*found = 0;
	return 0;
}

#endif
