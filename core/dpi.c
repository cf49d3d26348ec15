/* dpi.c - dispatching payload to dissector plugins (see dpi.h). */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "dpi.h"
#include "log.h"
#include "names.h"

struct dpi *dpi_current;

_Static_assert(DISSECTORS_MAX < DPI_OWNER_INDEX, "owner index + 1 must fit flow->dpi_owner");
_Static_assert(NL_MAX_FIELDS <= 32, "a field's bit must fit dpi_flow.fields");

struct stream {			/* one direction's in-order bytes (stream mode) */
	uint8_t *buf;		/* owned, grows to NL_MAX_STREAM; NULL when cap is 0 */
	uint16_t len, cap;	/* bytes held / allocated (at most NL_MAX_STREAM) */
	uint32_t base;		/* stream offset of buf[0]: bytes every stream
				 * candidate consumed and the host dropped */
	uint32_t next_seq;	/* sequence number of the byte after buf */
	uint16_t held_from, held_to;	/* buf[held_from, held_to): bytes that came
				 * ahead of a gap, past len (none: both 0) */
	uint8_t started;
	uint8_t detached;	/* its first bytes were dissected in place, not kept */
	uint32_t gap_lost;	/* bytes a gap given up took from buf[0] onwards
				 * (those not consumed, then the hole), for the
				 * next delivery to tell (nl_payload.gap) */
};

_Static_assert(NL_MAX_STREAM <= UINT16_MAX, "a stream's length must fit struct stream.len");

struct dpi_slot {		/* one dissector's part of a work block */
	void *state;		/* owned, or NULL */
	uint16_t spent;		/* of its packet_budget (see spend) */
	uint16_t used[2];	/* by direction: bytes from the buffer's start (from
				 * the in-place segment's while detached) it consumed */
	uint8_t ignored;	/* sides it wants nothing more from (ABI 1.2):
				 * IGNORE_CLIENT, IGNORE_SERVER */
	uint8_t small;		/* bytes of small stream growth not yet counted */
};

/* A stream delivery that grew its stream by less than this many bytes
 * counts as a part of one: STREAM_UNIT bytes of such growth count as one
 * delivery. A hello or request head written a few bytes at a time (a
 * client's small writes, a DPI-evasion tool splitting a ClientHello byte by
 * byte, a tiny MSS) then costs what it would in full segments, while the
 * deliveries a dissector can be handed stay bounded: each grows the stream
 * by a byte at least, so at most packet_budget * STREAM_UNIT of them. */
#define STREAM_UNIT 128u
_Static_assert(2 * STREAM_UNIT - 2 <= UINT8_MAX, "small growth must fit dpi_slot.small");

/* Counts a delivery of `grown` new stream bytes (stream mode) or one
 * payload (grown 0) against the slot's budget; nonzero when it is spent. */
static int spend(struct dpi_slot *s, size_t grown, uint16_t budget)
{
	if (grown == 0 || grown >= STREAM_UNIT) {
		s->spent++;
	} else {
		s->small = (uint8_t)(s->small + grown);
		if (s->small >= STREAM_UNIT) {
			s->small = (uint8_t)(s->small - STREAM_UNIT);
			s->spent++;
		}
	}
	return s->spent >= budget;
}

enum { IGNORE_CLIENT = 1, IGNORE_SERVER = 2 };

static inline unsigned side_bit(int from_client) { return from_client ? IGNORE_CLIENT : IGNORE_SERVER; }

struct dpi_work {		/* only while the flow is being dissected */
	uint32_t candidates;	/* bitmask over dpi->set */
	uint32_t hinted;	/* bitmask over dpi->set: its port hints name a port of
				 * the flow (the same pair for every packet of it) */
	struct stream dir[2];
	struct dpi_slot slot[];	/* dpi->set.n: sized to the dissectors loaded, not
				 * DISSECTORS_MAX (undecided flows may be many) */
};

static size_t work_size(const struct dpi *d)
{
	return sizeof(struct dpi_work) + d->set.n * sizeof(struct dpi_slot);
}

/* A flow's inspection state: one cache line, held in place in dpi->arena
 * (index = the flow's handle), so an offered packet goes flow -> state ->
 * work, not flow -> arena slot -> state -> work: one dependent miss less per
 * packet, and no allocation per flow. */
#define DPI_FLOW_ALIGN 64
struct dpi_flow {
	struct dpi_work *work;	/* owned; NULL once decided */
	uint8_t *blob;		/* owned: the results, packed (see rec_next) */
	uint32_t fields;	/* bit f set: blob holds a record of field f (f < NL_MAX_FIELDS),
				 * so setting a field for the first time walks nothing */
	uint16_t used, cap;	/* bytes of blob in use / allocated */
	int8_t owner;		/* index in dpi->set of the dissector that claimed it, -1 */
	uint8_t over;		/* label_over(label), kept with the label */
	uint8_t live;		/* the slot is a flow's; 0: free (or never used) */
	char label[DPI_LABEL_MAX];
} __attribute__((aligned(DPI_FLOW_ALIGN)));
_Static_assert(sizeof(struct dpi_flow) == DPI_FLOW_ALIGN, "a flow's state is one cache line");

/* Results live in one allocation per flow, as records
 *   [field u8][type u8][len u16][len bytes]
 * (numbers: 8 bytes, host order), so a flow with five fields costs one
 * small block rather than an array and a block per string. */
struct rec { uint8_t field, type; uint16_t len; const uint8_t *data; };

#define REC_HEAD 4u

static int rec_next(const struct dpi_flow *df, uint32_t *off, struct rec *r)
{
	if (*off + REC_HEAD > df->used)
		return 0;
	const uint8_t *p = df->blob + *off;
	r->field = p[0];
	r->type = p[1];
	memcpy(&r->len, p + 2, 2);
	r->data = p + REC_HEAD;
	*off += REC_HEAD + r->len;
	return 1;
}

/* Drops every record of a field (before it is set anew). */
static void rec_remove(struct dpi_flow *df, uint8_t field)
{
	if (!(df->fields & 1u << field))
		return;
	df->fields &= ~(1u << field);
	uint32_t off = 0, w = 0;
	struct rec r;
	while (off < df->used) {
		uint32_t at = off;
		if (!rec_next(df, &off, &r))
			break;
		if (r.field != field) {
			if (w != at)
				memmove(df->blob + w, df->blob + at, off - at);
			w += off - at;
		}
	}
	df->used = (uint16_t)w;
}

/* The host's side of struct nl_flow: one dissect() call's context. */
struct nl_flow {
	struct dpi *dpi;
	struct dpi_flow *df;
	unsigned who;		/* index of the calling dissector */
	int touched;		/* it set something during this call */
	uint16_t *used;		/* stream data: the caller's mark for the direction
				 * (struct dpi_slot.used), else NULL */
	uint16_t from, len;	/* the data given: from *used on, len bytes */
	/* While the results outgrow their block during a call, they are
	 * written in dpi->blob_scratch and put back once, after it
	 * (blob_commit): one realloc a call, not one a field. */
	uint8_t *home;		/* the flow's own block then, else NULL */
	uint16_t home_cap, home_used;
	uint32_t home_fields;
	struct flow *flow;	/* the tracker's flow offered */
};

static int rec_append(struct nl_flow *c, uint8_t field, uint8_t type, const void *data, uint16_t len)
{
	struct dpi_flow *df = c->df;
	uint32_t need = df->used + REC_HEAD + len;
	if (need > DPI_RESULT_MAX_BYTES) {
		c->dpi->stats.api_errors++;
		return -1;
	}
	if (need > df->cap) {	/* into the scratch block until the call ends */
		c->home = df->blob;
		c->home_cap = df->cap;
		c->home_used = df->used;
		c->home_fields = df->fields;
		if (df->used)
			memcpy(c->dpi->blob_scratch, df->blob, df->used);
		df->blob = c->dpi->blob_scratch;
		df->cap = DPI_RESULT_MAX_BYTES;
	}
	uint8_t *p = df->blob + df->used;
	p[0] = field;
	p[1] = type;
	memcpy(p + 2, &len, 2);
	memcpy(p + REC_HEAD, data, len);
	df->used = (uint16_t)need;
	df->fields |= 1u << field;
	return 0;
}

/* After a call whose results outgrew their block: back into one block of
 * their size (rounded to 32 bytes: results are small, and blocks of few
 * sizes fragment the heap less). Out of memory, the call's results are lost
 * and the flow keeps what it had. */
static void blob_commit(struct nl_flow *c)
{
	struct dpi_flow *df = c->df;
	uint32_t cap = ((uint32_t)df->used + 31u) & ~31u;
	uint8_t *nb = cap ? realloc(c->home, cap) : c->home;
	if (cap && !nb) {
		df->blob = c->home;
		df->cap = c->home_cap;
		df->used = c->home_used;
		df->fields = c->home_fields;
	} else {
		if (df->used)
			memcpy(nb, c->dpi->blob_scratch, df->used);
		df->blob = nb;
		df->cap = (uint16_t)(cap ? cap : c->home_cap);
	}
	c->home = NULL;
}

/* ---- the host API ---------------------------------------------------- */

static inline int may_set(struct nl_flow *c, uint16_t field, uint16_t type)
{
	const struct nl_dissector *d = &c->dpi->set.v[c->who].d;
	if (field >= d->n_fields || d->fields[field].type != type ||
	    (c->df->owner >= 0 && (unsigned)c->df->owner != c->who)) {
		c->dpi->stats.api_errors++;
		return 0;
	}
	return 1;
}

static void claim(struct nl_flow *c)
{
	if (c->df->owner < 0) {
		c->df->owner = (int8_t)c->who;
		c->dpi->stats.identified++;
	}
	c->touched = 1;
}

static int api_set_str(struct nl_flow *c, uint16_t field, const void *s, size_t len)
{
	if (!c || !s || !may_set(c, field, NL_FIELD_STR))
		return -1;
	rec_remove(c->df, (uint8_t)field);
	if (rec_append(c, (uint8_t)field, NL_FIELD_STR, s,
		       (uint16_t)(len > NL_MAX_STR ? NL_MAX_STR : len)) < 0)
		return -1;
	claim(c);
	return 0;
}

static int api_set_u64(struct nl_flow *c, uint16_t field, uint64_t x)
{
	if (!c || !may_set(c, field, NL_FIELD_U64))
		return -1;
	rec_remove(c->df, (uint8_t)field);
	if (rec_append(c, (uint8_t)field, NL_FIELD_U64, &x, sizeof(x)) < 0)
		return -1;
	claim(c);
	return 0;
}

static int api_add_str(struct nl_flow *c, uint16_t field, const void *s, size_t len)
{
	if (!c || !s || !may_set(c, field, NL_FIELD_STR_LIST))
		return -1;
	uint16_t cut = (uint16_t)(len > NL_MAX_STR ? NL_MAX_STR : len);
	unsigned have = 0;
	uint32_t off = (c->df->fields & 1u << field) ? 0 : c->df->used;	/* none yet: no walk */
	struct rec r;
	while (rec_next(c->df, &off, &r))
		if (r.field == field) {
			if (r.len == cut && !memcmp(r.data, s, cut))
				return 0;	/* already there */
			have++;
		}
	if (have >= NL_MAX_LIST) {
		c->dpi->stats.api_errors++;
		return -1;
	}
	if (rec_append(c, (uint8_t)field, NL_FIELD_STR_LIST, s, cut) < 0)
		return -1;
	claim(c);
	return 0;
}

/* Whether a state label (n bytes) says the flow is over. */
static int label_over_n(const char *label, size_t n)
{
	return (n > 7 && !memcmp(label + n - 7, "_CLOSED", 7)) ||
	       (n > 9 && !memcmp(label + n - 9, "_DRAINING", 9));
}

/* What a state label may be made of: A-Z, 0-9 and '_'. */
static const uint8_t label_char[256] = {
	['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
	['8'] = 1, ['9'] = 1, ['_'] = 1,
	['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
	['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1, ['P'] = 1,
	['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1,
	['Y'] = 1, ['Z'] = 1,
};

static int api_set_state(struct nl_flow *c, const char *label)
{
	if (!c || !label || (c->df->owner >= 0 && (unsigned)c->df->owner != c->who))
		return -1;
	/* Measured and checked in one pass that stops at the bound. */
	size_t n = 0;
	for (; label[n]; n++)
		if (n + 1 >= sizeof(c->df->label) || !label_char[(uint8_t)label[n]])
			goto bad;
	if (n == 0)
		goto bad;
	memcpy(c->df->label, label, n + 1);
	c->df->over = (uint8_t)label_over_n(label, n);
	claim(c);
	return 0;
bad:
	c->dpi->stats.api_errors++;
	return -1;
}

static int api_note_name(struct nl_flow *c, int family, const uint8_t *addr, const void *name,
			 size_t len, uint32_t ttl_s)
{
	if (!c || !addr || !name || (family != 4 && family != 6) || len == 0) {
		if (c)
			c->dpi->stats.api_errors++;
		return -1;
	}
	/* Passive names: what the views show in place of addresses (names.h). */
	names_note_ttl(names_current, family, addr, name, len, ttl_s, clock_wall_us());
	c->dpi->stats.names_noted++;
	return 0;
}

/* Only moves a mark: the bytes are dropped after the call, once every
 * stream dissector of the flow is past them (stream_release). */
static int api_consume(struct nl_flow *c, size_t n)
{
	if (!c || !c->used) {
		if (c)
			c->dpi->stats.api_errors++;
		return -1;
	}
	if (n > c->len)
		n = c->len;
	if (c->from + n > *c->used)
		*c->used = (uint16_t)(c->from + n);
	return 0;
}

static int api_ignore_direction(struct nl_flow *c, int from_client)
{
	if (!c || (from_client != 0 && from_client != 1) || !c->df->work) {
		if (c)
			c->dpi->stats.api_errors++;
		return -1;
	}
	c->df->work->slot[c->who].ignored |= (uint8_t)side_bit(from_client);
	return 0;
}

static int api_set_idle_timeout(struct nl_flow *c, uint32_t seconds)
{
	if (!c || !c->flow || c->flow->key.proto != L4_UDP || c->df->owner < 0 ||
	    (unsigned)c->df->owner != c->who || seconds > NL_MAX_IDLE_TIMEOUT_S) {
		if (c)
			c->dpi->stats.api_errors++;
		return -1;
	}
	if (c->flow->u.udp.idle_timeout_s != seconds) {
		c->flow->u.udp.idle_timeout_s = seconds;
		c->dpi->timeout_moved = 1;
	}
	return 0;
}

int dpi_timeout_moved(struct dpi *d)
{
	int moved = d->timeout_moved;
	d->timeout_moved = 0;
	return moved;
}

static void api_log(struct nl_flow *c, int level, const char *msg)
{
	const char *name = c ? c->dpi->set.v[c->who].d.name : "dissector";
	enum log_level l = level <= NL_LOG_ERROR ? LOG_ERROR : level == NL_LOG_WARN ? LOG_WARN
			 : level == NL_LOG_INFO ? LOG_INFO : LOG_DEBUG;
	log_msg(l, "%s: %.300s", name, msg ? msg : "");
}

/* ---- engine ------------------------------------------------------------ */

int dpi_init(struct dpi *d)
{
	memset(d, 0, sizeof(*d));
	d->api.struct_size = sizeof(d->api);
	d->api.abi_major = NL_ABI_MAJOR;
	d->api.abi_minor = NL_ABI_MINOR;
	d->api.set_str = api_set_str;
	d->api.set_u64 = api_set_u64;
	d->api.add_str = api_add_str;
	d->api.set_state = api_set_state;
	d->api.note_name = api_note_name;
	d->api.log = api_log;
	d->api.consume = api_consume;
	d->api.ignore_direction = api_ignore_direction;
	d->api.set_idle_timeout = api_set_idle_timeout;
	d->arena_used = 1;	/* index 0 is DPI_NONE */
	d->stream_limit = DPI_STREAM_LIMIT_DEFAULT;
	return 0;
}

static int hint_cmp(const void *a, const void *b)
{
	const struct dpi_port_hint *x = a, *y = b;
	return (x->port > y->port) - (x->port < y->port);
}

static inline unsigned hint_bit(uint16_t port) { return (port ^ port >> 8) & 255u; }

/* The table of port hints: every enabled dissector's, sorted, one entry a
 * port. Out of memory it stays empty: nobody is hinted, all are still asked. */
static void build_hints(struct dpi *d)
{
	free(d->hints);
	d->hints = NULL;
	d->n_hints = 0;
	memset(d->hint_filter, 0, sizeof(d->hint_filter));
	size_t total = 0;
	for (unsigned i = 0; i < d->set.n; i++)
		if (!d->set.v[i].disabled)
			total += d->set.v[i].d.n_port_hints;
	if (!total || !(d->hints = malloc(total * sizeof(*d->hints))))
		return;
	for (unsigned i = 0; i < d->set.n; i++) {
		const struct nl_dissector *x = &d->set.v[i].d;
		if (d->set.v[i].disabled)
			continue;
		for (uint16_t k = 0; k < x->n_port_hints; k++)
			d->hints[d->n_hints++] = (struct dpi_port_hint){ x->port_hints[k], 1u << i };
	}
	qsort(d->hints, d->n_hints, sizeof(*d->hints), hint_cmp);
	unsigned n = 0;
	for (unsigned k = 0; k < d->n_hints; k++) {
		if (n && d->hints[n - 1].port == d->hints[k].port)
			d->hints[n - 1].set |= d->hints[k].set;
		else
			d->hints[n++] = d->hints[k];
	}
	d->n_hints = n;
	for (unsigned k = 0; k < n; k++)
		d->hint_filter[hint_bit(d->hints[k].port) >> 6] |= 1ull << (hint_bit(d->hints[k].port) & 63);
}

/* The dissectors whose hints name this port (bitmask over set). */
static uint32_t hinted_at(const struct dpi *d, uint16_t port)
{
	if (!(d->hint_filter[hint_bit(port) >> 6] >> (hint_bit(port) & 63) & 1u))
		return 0;
	unsigned lo = 0, hi = d->n_hints;
	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		if (d->hints[mid].port < port)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < d->n_hints && d->hints[lo].port == port ? d->hints[lo].set : 0;
}

void dpi_ready(struct dpi *d)
{
	d->tcp_set = d->udp_set = d->stream_set = 0;
	uint32_t most = 0;
	for (unsigned i = 0; i < d->set.n; i++)
		if (!d->set.v[i].disabled && d->set.v[i].d.state_size > most)
			most = d->set.v[i].d.state_size;
	free(d->scratch);
	d->scratch = most ? malloc(most) : NULL;
	d->scratch_size = d->scratch ? most : 0;
	for (unsigned i = 0; i < d->set.n; i++) {
		const struct nl_dissector *x = &d->set.v[i].d;
		if (d->set.v[i].disabled)
			continue;
		if (x->transports & NL_TCP)
			d->tcp_set |= 1u << i;
		if (x->transports & NL_UDP)
			d->udp_set |= 1u << i;
		if ((x->transports & NL_TCP) && (x->flags & NL_DESC_STREAM))
			d->stream_set |= 1u << i;
	}
	build_hints(d);
	dpi_current = d;
}

#define STREAM_FIRST_CAP 2048u	/* a stream buffer's first size */
#define STREAM_SMALL_CAP 256u	/* the same when memory is tight */

/* Gives back a direction's buffer: to the pool while it has room and the
 * buffer its first size (one that grew is not kept, so the pool holds at
 * most 2 * DPI_WORK_POOL * 2 KiB); the stream itself may go on. */
static void stream_free_buf(struct dpi *d, struct stream *s)
{
	d->stream_bytes -= s->cap;
	if (s->cap == STREAM_FIRST_CAP && d->n_buf_pool < 2 * DPI_WORK_POOL)
		d->buf_pool[d->n_buf_pool++] = s->buf;
	else
		free(s->buf);
	s->buf = NULL;
	s->len = s->cap = 0;
	s->held_from = s->held_to = 0;
}

static void free_work(struct dpi *d, struct dpi_work *w)
{
	if (!w)
		return;
	/* Only candidates hold state (drop() frees it with the bit). */
	for (uint32_t left = w->candidates; left; left &= left - 1) {
		unsigned i = (unsigned)__builtin_ctz(left);
		if (w->slot[i].state) {
			if (d->set.v[i].d.release)
				d->set.v[i].d.release(w->slot[i].state);
			free(w->slot[i].state);
		}
	}
	/* Buffers are pooled apart from blocks: a flow that never needs a
	 * stream (UDP) must not hold two idle ones while it is dissected. */
	for (int k = 0; k < 2; k++)
		stream_free_buf(d, &w->dir[k]);
	if (d->n_pool < DPI_WORK_POOL) {
		memset(w, 0, work_size(d));
		d->pool[d->n_pool++] = w;
		return;
	}
	free(w);
}

/* A zeroed work block. */
static struct dpi_work *new_work(struct dpi *d)
{
	if (d->n_pool)
		return d->pool[--d->n_pool];
	return calloc(1, work_size(d));
}

/* The results behind a handle, or NULL for none, "nothing found" or a stale one. */
static struct dpi_flow *flow_of(const struct dpi *d, uint32_t h)
{
	if (!d || h == DPI_NONE || h == DPI_NOTHING || h >= d->arena_used || !d->arena[h].live)
		return NULL;
	return &d->arena[h];
}

int dpi_handle_live(const struct dpi *d, uint32_t h)
{
	return flow_of(d, h) != NULL;
}

void dpi_release(struct dpi *d, uint32_t h)
{
	struct dpi_flow *df = flow_of(d, h);
	if (!df)
		return;
	free_work(d, df->work);
	free(df->blob);
	memset(df, 0, sizeof(*df));
	d->stats.flows_with_results--;
	if (d->n_free == d->free_cap) {
		uint32_t cap = d->free_cap ? d->free_cap * 2 : 1024;
		uint32_t *nf = realloc(d->free_ids, cap * sizeof(*nf));
		if (!nf)
			return;		/* the index is simply not reused */
		d->free_ids = nf;
		d->free_cap = cap;
	}
	d->free_ids[d->n_free++] = h;
}

/* A free slot, zeroed but for owner -1 and marked live, or DPI_NONE (out
 * of memory or handles). The arena grows by doubling into a new aligned
 * block (realloc keeps only malloc's alignment); pointers into it are not
 * held across this call. */
static uint32_t alloc_handle(struct dpi *d)
{
	uint32_t h;
	if (d->n_free) {
		h = d->free_ids[--d->n_free];
	} else {
		if (d->arena_used >= d->arena_cap) {
			uint32_t cap = d->arena_cap ? d->arena_cap * 2 : 1024;
			void *na;
			if (cap >= DPI_NOTHING ||
			    posix_memalign(&na, DPI_FLOW_ALIGN, (size_t)cap * sizeof(struct dpi_flow)))
				return DPI_NONE;
			uint32_t kept = d->arena ? d->arena_used : 0;	/* slot 0 is never used */
			if (kept)
				memcpy(na, d->arena, (size_t)kept * sizeof(struct dpi_flow));
			memset((struct dpi_flow *)na + kept, 0, (size_t)(cap - kept) * sizeof(struct dpi_flow));
			free(d->arena);
			d->arena = na;
			d->arena_cap = cap;
		}
		h = d->arena_used++;
	}
	struct dpi_flow *df = &d->arena[h];
	df->owner = -1;
	df->live = 1;
	d->stats.flows_with_results++;
	return h;
}


static void note_owner(struct flow *f, const struct dpi_flow *df)
{
	if (df->owner >= 0)
		f->dpi_owner = (uint8_t)((f->dpi_owner & DPI_OWNER_DECIDED) | (df->owner + 1) |
					 (df->over ? DPI_OWNER_OVER : 0));
}

/* No candidate left: free the work; keep results if any. */
static void decide(struct dpi *d, struct flow *f)
{
	struct dpi_flow *df = &d->arena[f->dpi];
	free_work(d, df->work);
	df->work = NULL;
	if (df->owner < 0 && df->used == 0 && !df->label[0]) {
		dpi_release(d, f->dpi);
		f->dpi = DPI_NOTHING;
	} else {
		f->dpi_owner |= DPI_OWNER_DECIDED;
	}
}

static void drop(struct dpi *d, struct dpi_work *w, unsigned i)
{
	w->candidates &= ~(1u << i);
	if (w->slot[i].state) {
		if (d->set.v[i].d.release)
			d->set.v[i].d.release(w->slot[i].state);
		free(w->slot[i].state);
		w->slot[i].state = NULL;
	}
}

void dpi_set_stream_limit(struct dpi *d, size_t bytes) { d->stream_limit = bytes; }

/* Makes room for buf[0, need) (need <= NL_MAX_STREAM): a pooled first
 * buffer or a bigger one. 0 when done, -1 over the memory limit, -2 out
 * of memory. */
static int stream_reserve(struct dpi *d, struct stream *s, size_t need)
{
	/* A first segment that fits 2 KiB gets a pooled buffer of that size;
	 * under memory pressure (a quarter of the cap used), one just big
	 * enough (from 256 bytes, doubling), so that many more half-finished
	 * handshakes fit under the cap. */
	int tight = d->stream_bytes > d->stream_limit / 4;
	if (s->cap == 0 && d->n_buf_pool && !(tight && need <= STREAM_FIRST_CAP / 2)) {
		if (d->stream_bytes + STREAM_FIRST_CAP > d->stream_limit)
			return -1;
		s->buf = d->buf_pool[--d->n_buf_pool];
		s->cap = STREAM_FIRST_CAP;
		d->stream_bytes += STREAM_FIRST_CAP;
	}
	if (need > s->cap) {
		uint32_t cap = s->cap ? s->cap : tight ? STREAM_SMALL_CAP : STREAM_FIRST_CAP;
		while (cap < need)
			cap *= 2;
		if (cap > NL_MAX_STREAM)
			cap = NL_MAX_STREAM;
		if (d->stream_bytes - s->cap + cap > d->stream_limit)
			return -1;
		uint8_t *nb = realloc(s->buf, cap);
		if (!nb)
			return -2;
		s->buf = nb;
		d->stream_bytes += cap - s->cap;
		s->cap = (uint16_t)cap;
	}
	return 0;
}

/* Keeps a segment that came ahead bytes past the stream's end (reordered,
 * or after a loss whose retransmission is still to come) for when the gap
 * fills: one run of such bytes at a time, within NL_MAX_STREAM. A segment
 * inside the gap, apart from the run, is let go. Returns -1, holding
 * nothing, when the segment does not fit whole: past the room, apart after
 * the run (a second loss), or over the memory cap. */
static int stream_hold(struct dpi *d, struct stream *s, uint32_t ahead, const uint8_t *data, size_t len)
{
	size_t from = (size_t)s->len + ahead;
	if (from >= NL_MAX_STREAM || len > NL_MAX_STREAM - from)
		return -1;
	size_t to = from + len;
	int held = s->held_to > s->held_from;
	if (held && to < s->held_from)
		return 0;	/* inside the gap, apart from the run: let go */
	if (held && from > s->held_to)
		return -1;
	if (stream_reserve(d, s, to) < 0)
		return -1;
	memcpy(s->buf + from, data, len);
	if (!held || from < s->held_from)
		s->held_from = (uint16_t)from;
	if (!held || to > s->held_to)
		s->held_to = (uint16_t)to;
	return 0;
}

/* Gives up the gap at next_seq (ahead bytes before the segment at hand),
 * once what came after it finds no more room: whatever comes later, the
 * stream cannot be whole, and waiting longer would only stop it for good.
 * A retransmission comes a round trip after the loss, so the sender's
 * congestion window (ten segments at first) is sent past a gap before it:
 * within the room in a connection's first round trips, where a dissector's
 * messages are; a gap the capture itself lost never fills. The bytes buf
 * holds before the gap, which nobody consumed and which can now never be
 * completed, and the gap itself are counted in gap_lost, and the held run,
 * if any, becomes the stream's start. Its readers are told at the next
 * delivery (offer_once: nl_payload.gap; those that cannot read past a gap
 * are dropped). */
static void stream_skip_gap(struct stream *s, uint32_t ahead)
{
	uint32_t hole = ahead, run = 0;
	if (s->held_to > s->held_from) {
		hole = (uint32_t)(s->held_from - s->len);
		run = (uint32_t)(s->held_to - s->held_from);
		memmove(s->buf, s->buf + s->held_from, run);
	}
	s->gap_lost += (uint32_t)s->len + hole;
	s->base += (uint32_t)s->len + hole;
	s->next_seq += hole + run;
	s->len = (uint16_t)run;
	s->held_from = s->held_to = 0;
}

/* Stream mode: appends a segment's in-order bytes. Returns 1 when the
 * stream grew, 0 when not, -1 when it would need memory past the limit.
 * A segment past a gap is held (stream_hold) until the gap fills. A
 * stream starts where the segment's data_from says its side's data
 * begins when it knows (packet.h), else at the first segment offered. */
static int stream_add(struct dpi *d, struct stream *s, uint32_t seq, const uint8_t *data, size_t len,
		      const struct packet *p)
{
	if (!s->started) {
		s->started = 1;
		s->next_seq = seq;
		if (p->data_from_known && (int32_t)(seq - p->data_from) > 0 &&
		    seq - p->data_from < NL_MAX_STREAM)
			s->next_seq = p->data_from;	/* a later segment came first */
	}
	int32_t ahead = (int32_t)(seq - s->next_seq);
	if (ahead > 0 && stream_hold(d, s, (uint32_t)ahead, data, len) < 0) {
		/* No room to wait in: the gap is given up, and the segment
		 * follows the held run (or is held after it, or, still too far
		 * ahead, let go: the next one gives that gap up). */
		stream_skip_gap(s, (uint32_t)ahead);
		ahead = (int32_t)(seq - s->next_seq);
		if (ahead > 0)
			(void)stream_hold(d, s, (uint32_t)ahead, data, len);
	}
	if (ahead > 0)
		return s->gap_lost ? 1 : 0;	/* a held run given its place is news */
	size_t skip = (size_t)(-(int64_t)ahead);
	if (skip >= len)
		return s->gap_lost ? 1 : 0;	/* all old */
	data += skip;
	len -= skip;
	if (s->len >= NL_MAX_STREAM)
		return s->gap_lost ? 1 : 0;
	if (len > (size_t)NL_MAX_STREAM - s->len)
		len = (size_t)NL_MAX_STREAM - s->len;
	int r = stream_reserve(d, s, s->len + len);
	if (r < 0)
		return r == -1 ? -1 : 0;
	memcpy(s->buf + s->len, data, len);
	s->len = (uint16_t)(s->len + len);
	s->next_seq += (uint32_t)len;
	if (s->held_to > s->held_from && s->len >= s->held_from) {
		/* the gap is filled: what was held follows on */
		if (s->held_to > s->len) {
			s->next_seq += (uint32_t)(s->held_to - s->len);
			s->len = s->held_to;
		}
		s->held_from = s->held_to = 0;
	}
	return 1;
}

/* After a delivery: drops the bytes of direction dir that every stream
 * candidate consumed (ABI 1.1), and gives back a buffer that empties, so a
 * flow waiting for its server's answer holds no copy of its request. A
 * candidate that never consumes (ABI 1.0) keeps everything, as before. */
static void stream_release(struct dpi *d, struct dpi_work *w, int dir, unsigned side, int in_place,
			   uint32_t seg_len)
{
	struct stream *s = &w->dir[dir];
	uint32_t least = UINT32_MAX, streams = 0, readers = 0;
	for (uint32_t left = w->candidates; left; left &= left - 1) {
		unsigned i = (unsigned)__builtin_ctz(left);
		if (d->set.v[i].d.flags & NL_DESC_STREAM) {
			streams |= 1u << i;
			if (w->slot[i].ignored & side) {
				w->slot[i].used[dir] = 0;	/* never read again */
				continue;
			}
			readers |= 1u << i;
			if (w->slot[i].used[dir] < least)
				least = w->slot[i].used[dir];
		}
	}
	if (!streams) {		/* nobody reads streams any more */
		for (int k = 0; k < 2; k++)
			stream_free_buf(d, &w->dir[k]);
		return;
	}
	if (!readers) {		/* nobody reads this side's any more */
		stream_free_buf(d, s);
		return;
	}
	streams = readers;
	if (least == 0)
		return;
	for (uint32_t left = streams; left; left &= left - 1)
		w->slot[__builtin_ctz(left)].used[dir] = (uint16_t)(w->slot[__builtin_ctz(left)].used[dir] - least);
	d->stats.stream_consumed += least;
	if (in_place) {
		/* All of the segment read in place consumed: the direction is
		 * whole again, and its next segment may be kept. */
		if (least >= seg_len) {
			s->detached = 0;
			s->base += seg_len;
		}
		for (uint32_t left = streams; left; left &= left - 1)
			w->slot[__builtin_ctz(left)].used[dir] = 0;
		return;
	}
	const int held = s->held_to > s->held_from;
	memmove(s->buf, s->buf + least, (held ? s->held_to : s->len) - least);
	s->len = (uint16_t)(s->len - least);
	s->base += least;
	if (held) {
		s->held_from = (uint16_t)(s->held_from - least);
		s->held_to = (uint16_t)(s->held_to - least);
	} else if (s->len == 0) {
		stream_free_buf(d, s);
	}
}

/* One delivery of p's payload. Returns, when a stream could keep only the
 * head of the segment (its room ran out) and the dissectors then made room
 * (consume), how many of its leading bytes were kept: the rest is offered
 * on (dpi_offer). Else 0. */
static size_t offer_once(struct dpi *d, struct flow *f, const struct packet *p, int dir, int held_run)
{
	if (f->dpi == DPI_NOTHING || dpi_flow_decided(f) || (!p->payload_len && !held_run))
		return 0;
	uint32_t asked;		/* the dissectors of this transport */
	unsigned transport;
	if (p->proto == L4_TCP) {
		asked = d->tcp_set, transport = NL_TCP;
	} else if (p->proto == L4_UDP) {
		asked = d->udp_set, transport = NL_UDP;
	} else {
		return 0;
	}
	struct dpi_flow *df;
	if (f->dpi == DPI_NONE) {
		if (!asked) {
			f->dpi = DPI_NOTHING;
			return 0;
		}
		struct dpi_work *w = new_work(d);
		if (!w)
			return 0;		/* out of memory: try with the next packet */
		uint32_t h = alloc_handle(d);
		if (h == DPI_NONE) {
			free_work(d, w);
			return 0;
		}
		f->dpi = h;
		d->arena[h].work = w;
		w->candidates = asked;
		w->hinted = asked & (hinted_at(d, p->sport) | hinted_at(d, p->dport));
	}
	df = &d->arena[f->dpi];
	struct dpi_work *w = df->work;
	if (!w)
		return 0;		/* decided */

	const int from_client = (dir == DIR_FWD) == !(f->flags & FLOW_DST_INITIATED);
	const unsigned side = side_bit(from_client);
	int grew = 0, in_place = 0;
	struct stream *s = &w->dir[dir];
	const uint16_t len_before = s->len;
	size_t kept = 0;	/* of a segment whose tail found no room */
	if (transport == NL_TCP) {
		uint32_t seq = p->seq + ((p->tcp_flags & TCP_SYN) ? 1 : 0);
		/* Streams are kept only while a stream-mode dissector is a
		 * candidate that still reads this side. */
		for (uint32_t m = w->candidates & d->stream_set; m; m &= m - 1)
			if (!(w->slot[__builtin_ctz(m)].ignored & side)) {
				if (held_run) {		/* dpi_flush_gaps: nothing to add */
					grew = 1;
					break;
				}
				grew = s->detached ? -1 : stream_add(d, s, seq, p->payload, p->payload_len, p);
				if (grew > 0 && (int32_t)(s->next_seq - seq) > 0 &&
				    (int32_t)(seq + (uint32_t)p->payload_len - s->next_seq) > 0)
					kept = s->next_seq - seq;
				break;
			}
		/* Over the memory cap, a direction's first segment is still
		 * dissected, in place (a ClientHello, a request or a banner
		 * mostly fits one): only what needs a second segment of the same
		 * direction is lost. */
		if (grew < 0 && !s->detached && s->len == 0 && s->next_seq == seq) {
			if (s->held_to > s->held_from)	/* nowhere to join it now */
				stream_free_buf(d, s);
			s->detached = 1;
			s->next_seq += (uint32_t)p->payload_len;
			in_place = 1;
			grew = 1;
		}
		if (grew < 0) {	/* over the memory cap: no stream dissector for this flow */
			d->stats.stream_capped++;
			grew = 0;
			for (uint32_t m = w->candidates & d->stream_set; m; m &= m - 1)
				drop(d, w, (unsigned)__builtin_ctz(m));
			for (int k = 0; k < 2; k++) {	/* nobody reads them any more */
				stream_free_buf(d, &w->dir[k]);
				memset(&w->dir[k], 0, sizeof(w->dir[k]));
			}
			if (!w->candidates) {
				decide(d, f);
				return 0;
			}
		}
	}

	struct nl_payload pl;
	memset(&pl, 0, sizeof(pl));
	pl.struct_size = sizeof(pl);
	pl.transport = (uint8_t)transport;
	pl.from_client = (uint8_t)from_client;
	pl.src_port = p->sport;
	pl.dst_port = p->dport;
	pl.ts_us = p->ts_us;
	pl.ip_version = p->family;
	/* A packet the snap length cut says so by a wire length over what
	 * data holds (l4_payload_len is the headers' word, payload_len what
	 * was captured of it). */
	const uint32_t unit_wire_len = p->l4_payload_len > p->payload_len ? p->l4_payload_len
									   : (uint32_t)p->payload_len;

	/* A gap given up (stream_skip_gap): each reader of this side is told
	 * what it will never see; one that cannot read past a gap is dropped
	 * (it keeps what it set). */
	uint32_t gap_of[DISSECTORS_MAX];
	const uint32_t lost = grew > 0 && !in_place ? s->gap_lost : 0;
	if (lost) {
		s->gap_lost = 0;
		d->stats.stream_gaps++;
		for (uint32_t m = w->candidates & d->stream_set; m; m &= m - 1) {
			const unsigned i = (unsigned)__builtin_ctz(m);
			uint16_t *used = &w->slot[i].used[dir];
			gap_of[i] = (w->slot[i].ignored & side) ? 0 : lost - *used;
			*used = 0;
			if (!(w->slot[i].ignored & side) && !(d->set.v[i].d.flags & NL_DESC_GAPS))
				drop(d, w, i);
		}
		if (!w->candidates) {
			decide(d, f);
			return 0;
		}
	}

	/* Bytes the stream grew by (stream mode), for the budget. */
	const size_t grown = in_place ? p->payload_len
		: grew > 0 ? (size_t)(lost ? s->len : (uint16_t)(s->len - len_before)) : 0;

	/* Port-hinted candidates first, then the rest; each in index order. A
	 * dissector dropped by an earlier one's verdict is not asked. */
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t todo = w->candidates & (pass ? ~w->hinted : w->hinted); todo; todo &= todo - 1) {
			const unsigned i = (unsigned)__builtin_ctz(todo);
			const struct nl_dissector *x = &d->set.v[i].d;
			if (!(w->candidates & (1u << i)) || (w->slot[i].ignored & side))
				continue;
			struct nl_flow call = { d, df, i, 0, NULL, 0, 0, NULL, 0, 0, 0, f };
			if (x->flags & NL_DESC_STREAM && transport == NL_TCP) {
				if (!grew)
					continue;
				/* From the first byte it has not consumed. */
				call.used = &w->slot[i].used[dir];
				call.from = *call.used;
				if (in_place) {
					call.len = (uint16_t)(p->payload_len > UINT16_MAX ? UINT16_MAX
										: p->payload_len);
					pl.data = nl_reader_make(p->payload, p->payload_len);
					pl.wire_len = unit_wire_len;
				} else {
					call.len = (uint16_t)(s->len - call.from);
					pl.data = nl_reader_make(s->buf + call.from, call.len);
					pl.wire_len = call.len;
				}
				pl.stream_offset = (uint64_t)s->base + call.from;
				pl.gap = lost ? gap_of[i] : 0;
			} else {
				if (held_run)
					continue;	/* no packet: only stream readers are told */
				pl.data = nl_reader_make(p->payload, p->payload_len);
				pl.wire_len = unit_wire_len;
				pl.stream_offset = 0;
				pl.gap = 0;
			}
			/* A first call gets the zeroed scratch block: most flows are
			 * declined at once, and then nothing was allocated. Only a
			 * dissector that wants more gets a block of its own. */
			void *st = w->slot[i].state;
			int scratch = 0;
			if (x->state_size && !st) {
				if (!d->scratch || x->state_size > d->scratch_size)
					continue;
				st = d->scratch;
				memset(st, 0, x->state_size);
				scratch = 1;
			}
			d->stats.offered++;
			enum nl_verdict v = x->dissect(&d->api, &call, st, &pl);
			if (df->blob == d->blob_scratch)
				blob_commit(&call);
			if (call.touched)	/* owner or label may be new */
				note_owner(f, df);
			const int stream = (x->flags & NL_DESC_STREAM) && transport == NL_TCP;
			if (spend(&w->slot[i], stream ? grown : 0, x->packet_budget) && v == NL_NEED_MORE)
				v = NL_DONE;
			if (scratch) {
				if (v == NL_NEED_MORE && (w->slot[i].state = malloc(x->state_size)))
					memcpy(w->slot[i].state, st, x->state_size);
				else if (v == NL_NEED_MORE)
					v = NL_DONE;	/* out of memory: stop asking */
				else if (x->release)
					x->release(st);
			}
			switch (v) {
			case NL_NEED_MORE:
				break;
			case NL_MALFORMED:
				d->stats.malformed++;
				/* fall through */
			case NL_DONE:
			case NL_NOT_MINE:
			default:
				drop(d, w, i);
				break;
			}
			if (call.touched || df->owner >= 0) {
				/* First identified wins: nobody else is asked any more.
				 * Only candidates hold state, so only they need a drop. */
				uint32_t others = w->candidates & ~(df->owner >= 0 ? 1u << df->owner : 0u);
				while (others) {
					drop(d, w, (unsigned)__builtin_ctz(others));
					others &= others - 1;
				}
			}
			if (!w->candidates) {
				decide(d, f);
				return 0;
			}
		}
	}
	if (grew > 0)
		stream_release(d, w, dir, side, in_place, p->payload_len);
	return kept && s->len < NL_MAX_STREAM ? kept : 0;
}

/* A segment longer than the room its stream had (a 64 KiB segment of a
 * capture taken before the NIC split it, a request line over 16 KiB) is
 * offered on from where the stream stopped, once the dissectors consumed
 * what they read, instead of leaving a hole no retransmission will fill.
 * At most 4 more passes: a 64 KiB segment in 16 KiB rooms. */
void dpi_offer(struct dpi *d, struct flow *f, const struct packet *p, int dir)
{
	size_t kept = offer_once(d, f, p, dir, 0);
	if (!kept)
		return;
	struct packet rest = *p;
	for (int pass = 0; kept && kept < rest.payload_len && pass < 4; pass++) {
		rest.seq += ((rest.tcp_flags & TCP_SYN) ? 1 : 0) + (uint32_t)kept;
		rest.tcp_flags &= (uint8_t)~TCP_SYN;
		rest.payload += kept;
		rest.payload_len -= kept;
		rest.l4_payload_len = rest.l4_payload_len > kept ? rest.l4_payload_len - (uint32_t)kept : 0;
		kept = offer_once(d, f, &rest, dir, 0);
	}
}

/* A run of bytes held ahead of a gap when the flow ends (closes, or its
 * file does) waits for a retransmission that will not come: the gap is
 * given up (stream_skip_gap) and the run delivered with it, as when the
 * room runs out, so that a reader that can go past a gap (NL_DESC_GAPS)
 * reads to the end of what was captured. A capture that lost a segment
 * within its flow's last 16 KiB, or one cut while a retransmission was
 * awaited, ends that way. Called with no packet at hand: the delivery
 * carries the flow's ports and last time. */
int dpi_flush_gaps(struct dpi *d, struct flow *f)
{
	int given_up = 0;
	if (f->key.proto != L4_TCP || dpi_flow_decided(f))
		return 0;
	for (int dir = 0; dir < 2; dir++) {
		const struct dpi_flow *df = flow_of(d, f->dpi);
		if (!df || !df->work)
			break;		/* decided by the first direction's delivery */
		struct stream *s = &df->work->dir[dir];
		if (s->held_to <= s->held_from || s->detached)
			continue;
		stream_skip_gap(s, 0);
		given_up++;
		struct packet none;
		memset(&none, 0, sizeof(none));
		none.proto = L4_TCP;
		none.family = f->key.family;
		none.ts_us = f->last_seen_us;
		none.sport = dir == DIR_FWD ? flow_src_port(f) : flow_dst_port(f);
		none.dport = dir == DIR_FWD ? flow_dst_port(f) : flow_src_port(f);
		(void)offer_once(d, f, &none, dir, 1);
	}
	return given_up;
}

void dpi_finish(struct dpi *d, struct flow *f)
{
	/* A decided flow has no work left (decide() freed it): told by the
	 * flow itself, without loading its state, which is cold by the time
	 * a flow closes (a miss per closed flow: 2% of netlens' samples at
	 * 100 kpps of the 20 000-flow replay). */
	if (dpi_flow_decided(f))
		return;
	dpi_flush_gaps(d, f);
	const struct dpi_flow *df = flow_of(d, f->dpi);
	if (df && df->work)
		decide(d, f);
}

void dpi_summary(const struct dpi *d, uint32_t h, struct strbuf *b)
{
	const struct dpi_flow *df = flow_of(d, h);
	if (!df || df->owner < 0)
		return;
	const struct dissector *x = &d->set.v[df->owner];
	sb_puts(b, x->d.display);
	uint32_t off = 0;
	struct rec r;
	while (x->d.domain_field >= 0 && rec_next(df, &off, &r))
		if (r.field == (uint8_t)x->d.domain_field) {
			sb_putc(b, ' ');
			sb_put_sanitized(b, (const char *)r.data, r.len);
			break;
		}
}

uint32_t dpi_idle_timeout_s(const struct dpi *d, uint32_t h)
{
	const struct dpi_flow *df = flow_of(d, h);
	return df && df->owner >= 0 ? d->set.v[df->owner].d.idle_timeout_s : 0;
}

uint32_t dpi_flow_timeout_s(const struct dpi *d, const struct flow *f, int *over)
{
	if ((f->dpi_owner & DPI_OWNER_INDEX) && !(f->flags & FLOW_CLOSED)) {
		*over = !!(f->dpi_owner & DPI_OWNER_OVER);
		if (f->key.proto == L4_UDP && f->u.udp.idle_timeout_s)	/* its dissector's word */
			return f->u.udp.idle_timeout_s;
		return d->set.v[(f->dpi_owner & DPI_OWNER_INDEX) - 1].d.idle_timeout_s;
	}
	const struct dpi_flow *df = flow_of(d, f->dpi);
	*over = df && df->over;
	if (!df || df->owner < 0)
		return 0;
	if (f->key.proto == L4_UDP && f->u.udp.idle_timeout_s)
		return f->u.udp.idle_timeout_s;
	return d->set.v[df->owner].d.idle_timeout_s;
}

const char *dpi_state_label(const struct dpi *d, uint32_t h)
{
	const struct dpi_flow *df = flow_of(d, h);
	return df && df->label[0] ? df->label : NULL;
}

/* How many records dpi_json() orders on the stack; a flow with more (a
 * dissector adding long lists) takes the slower walk per field. */
#define JSON_RECS_MAX 64

/* One field's value: a number, a string, or (for a list) the next item. */
static void json_rec(struct jsonw *w, const struct dissector *x, const struct rec *r, int *in_list)
{
	if (r->type == NL_FIELD_U64) {
		uint64_t v;
		memcpy(&v, r->data, sizeof(v));
		json_u64(w, x->json_keys[r->field], v);
	} else if (r->type == NL_FIELD_STR) {
		json_strn_shown(w, x->json_keys[r->field], (const char *)r->data, r->len);
	} else {
		if (!*in_list) {
			json_key(w, x->json_keys[r->field]);
			sb_putc(w->b, '[');
			*in_list = 1;
		} else {
			sb_putc(w->b, ',');
		}
		json_quote_shown(w->b, (const char *)r->data, r->len);
	}
}

void dpi_prefetch(const struct dpi *d, uint32_t h, int stage)
{
	if (!d || h == DPI_NONE || h == DPI_NOTHING || h >= d->arena_used)
		return;
	const struct dpi_flow *df = &d->arena[h];
	if (stage == 0) {
		__builtin_prefetch(df);		/* the state: one line, in place */
		return;
	}
	if (stage == 1 && df->live && df->blob) {
		/* the records: a TLS flow's take three or four lines */
		const char *b = (const char *)df->blob;
		size_t n = df->used < 256 ? df->used : 256;
		for (size_t off = 0; off < n; off += 64)
			__builtin_prefetch(b + off);
		if (n)
			__builtin_prefetch(b + n - 1);
	}
}

void dpi_json(const struct dpi *d, uint32_t h, struct strbuf *b)
{
	const struct dpi_flow *df = flow_of(d, h);
	if (!df || df->owner < 0)
		return;
	const struct dissector *x = &d->set.v[df->owner];
	struct jsonw w = { b, 1 };

	/* One walk of the records: the domain, and each record's place. */
	struct rec dom = { 0, 0, 0, NULL }, r;
	struct rec recs[JSON_RECS_MAX];
	size_t n = 0, total = 0;
	uint32_t off = 0;
	while (rec_next(df, &off, &r)) {
		if (r.field >= x->d.n_fields)
			continue;	/* not declared: never written (as before) */
		if (!dom.data && x->d.domain_field >= 0 && r.field == (uint8_t)x->d.domain_field)
			dom = r;
		if (n < JSON_RECS_MAX)
			recs[n++] = r;
		total++;
	}

	/* dpi_protocol / dpi_domain (RustNet's names): "TLS (example.org)". */
	size_t dl = strlen(x->d.display);
	json_key(&w, "dpi_protocol");
	if (dom.data) {
		/* display + " (" + domain + ")", quoted as one string */
		char stack[256];
		size_t need = dl + 3 + dom.len;
		char *t = need <= sizeof(stack) ? stack : malloc(need);
		if (t) {
			memcpy(t, x->d.display, dl);
			memcpy(t + dl, " (", 2);
			memcpy(t + dl + 2, dom.data, dom.len);
			t[need - 1] = ')';
			json_quote_shown(b, t, need);
			if (t != stack)
				free(t);
		} else {
			b->oom = 1;
		}
		json_strn_shown(&w, "dpi_domain", (const char *)dom.data, dom.len);
	} else {
		json_quote_shown(b, x->d.display, dl);
	}

	/* Every field in declaration order, a list's items in the order they
	 * came: a stable insertion sort of the few records by field. */
	if (total == n) {
		for (size_t i = 1; i < n; i++) {
			struct rec k = recs[i];
			size_t j = i;
			for (; j > 0 && recs[j - 1].field > k.field; j--)
				recs[j] = recs[j - 1];
			recs[j] = k;
		}
		for (size_t i = 0; i < n;) {
			int in_list = 0;
			size_t j = i;
			for (; j < n && recs[j].field == recs[i].field; j++)
				json_rec(&w, x, &recs[j], &in_list);
			if (in_list)
				sb_putc(b, ']');
			i = j;
		}
		return;
	}
	for (uint16_t fi = 0; fi < x->d.n_fields; fi++) {
		int in_list = 0;
		off = 0;
		while (rec_next(df, &off, &r))
			if (r.field == fi)
				json_rec(&w, x, &r, &in_list);
		if (in_list)
			sb_putc(b, ']');
	}
}

void dpi_free(struct dpi *d)
{
	for (uint32_t h = 1; h < d->arena_used; h++)
		dpi_release(d, h);	/* a free slot is skipped */
	free(d->arena);
	free(d->free_ids);
	while (d->n_pool)
		free(d->pool[--d->n_pool]);
	while (d->n_buf_pool)
		free(d->buf_pool[--d->n_buf_pool]);
	free(d->scratch);
	d->scratch = NULL;
	free(d->hints);
	d->hints = NULL;
	d->n_hints = 0;
	d->arena = NULL;
	d->free_ids = NULL;
	loader_unload(&d->set);
	if (dpi_current == d)
		dpi_current = NULL;
}

/* Views (the TUI's details and filter) read results through these. */

const char *dpi_owner_display(const struct dpi *d, uint32_t h)
{
	const struct dpi_flow *df = flow_of(d, h);
	return df && df->owner >= 0 ? d->set.v[df->owner].d.display : NULL;
}

const char *dpi_domain(const struct dpi *d, uint32_t h, size_t *len)
{
	const struct dpi_flow *df = flow_of(d, h);
	if (!df || df->owner < 0 || d->set.v[df->owner].d.domain_field < 0)
		return NULL;
	uint8_t want = (uint8_t)d->set.v[df->owner].d.domain_field;
	uint32_t off = 0;
	struct rec r;
	while (rec_next(df, &off, &r))
		if (r.field == want) {
			*len = r.len;
			return (const char *)r.data;
		}
	return NULL;
}

void dpi_foreach_field(const struct dpi *d, uint32_t h, dpi_field_fn fn, void *ctx)
{
	const struct dpi_flow *df = flow_of(d, h);
	if (!df || df->owner < 0)
		return;
	const struct dissector *x = &d->set.v[df->owner];
	for (uint16_t fi = 0; fi < x->d.n_fields; fi++) {
		uint32_t off = 0;
		struct rec r;
		while (rec_next(df, &off, &r)) {
			if (r.field != fi)
				continue;
			const struct nl_field *fd = &x->d.fields[fi];
			if (r.type == NL_FIELD_U64) {
				uint64_t v;
				char num[24];
				memcpy(&v, r.data, sizeof(v));
				int n = snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
				fn(ctx, fd->key, fd->label, num, (size_t)n);
			} else {
				fn(ctx, fd->key, fd->label, (const char *)r.data, r.len);
			}
		}
	}
}

/* ---- results between processes (workers.c) --------------------------- */

int dpi_export(const struct dpi *d, uint32_t h, struct dpi_results *out)
{
	const struct dpi_flow *df = flow_of(d, h);
	memset(out, 0, sizeof(*out));
	out->owner = -1;
	out->label = "";
	if (!df || (df->owner < 0 && !df->used && !df->label[0]))
		return 0;
	out->owner = df->owner;
	out->label = df->label;
	out->blob = df->blob;
	out->len = df->used;
	return 1;
}

/* Every record well formed and of a field the owner declared, with its type. */
static int results_valid(const struct dpi *d, const struct dpi_results *in)
{
	if (in->len > DPI_RESULT_MAX_BYTES || strnlen(in->label, DPI_LABEL_MAX) >= DPI_LABEL_MAX)
		return 0;
	/* Only what set_state() lets a dissector write: record.c prints the
	 * label as it is. */
	for (const char *c = in->label; *c; c++)
		if (!label_char[(uint8_t)*c])
			return 0;
	if (in->owner < -1 || in->owner >= (int)d->set.n)
		return 0;
	if (in->owner < 0)
		return in->len == 0;	/* only a dissector's own fields are kept */
	const struct nl_dissector *x = &d->set.v[in->owner].d;
	size_t off = 0;
	while (off < in->len) {
		uint16_t len;
		if (in->len - off < REC_HEAD)
			return 0;
		const uint8_t *p = in->blob + off;
		memcpy(&len, p + 2, 2);
		if (p[0] >= x->n_fields || p[1] != x->fields[p[0]].type || len > in->len - off - REC_HEAD)
			return 0;
		if (p[1] == NL_FIELD_U64 && len != 8)
			return 0;
		off += REC_HEAD + len;
	}
	return 1;
}

int dpi_import(struct dpi *d, uint32_t *handle, const struct dpi_results *in)
{
	if (!results_valid(d, in))
		return -1;
	struct dpi_flow *df = flow_of(d, *handle);
	if (in->owner < 0 && !in->label[0]) {
		if (df)
			dpi_release(d, *handle);
		*handle = DPI_NOTHING;
		return 0;
	}
	if (!df) {
		uint32_t h = alloc_handle(d);
		if (h == DPI_NONE)
			return -1;
		*handle = h;
		df = &d->arena[h];
	}
	if (in->len > df->cap) {
		uint8_t *nb = realloc(df->blob, in->len);
		if (!nb)
			return -1;
		df->blob = nb;
		df->cap = (uint16_t)in->len;
	}
	if (in->len)
		memcpy(df->blob, in->blob, in->len);
	df->used = (uint16_t)in->len;
	df->fields = 0;
	uint32_t off = 0;
	struct rec r;
	while (rec_next(df, &off, &r))	/* validated: fields < n_fields */
		df->fields |= 1u << r.field;
	df->owner = (int8_t)in->owner;
	snprintf(df->label, sizeof(df->label), "%s", in->label);
	df->over = (uint8_t)label_over_n(df->label, strlen(df->label));
	return 0;
}

void dpi_note_imported(const struct dpi *d, struct flow *f)
{
	const struct dpi_flow *df = flow_of(d, f->dpi);
	f->dpi_owner = DPI_OWNER_DECIDED;
	if (df)
		note_owner(f, df);
}
