/*
 * monitor_decoder.c - libnetlens: a --format msgpack stream into records
 * (netlens/monitor.h).
 *
 * The bytes are hostile until shown otherwise. msgpack-c's unpacker sizes a
 * map or array from its header before the elements come (a 5-byte header
 * claiming 2^32 entries asks for 64 GiB), so the stream is first walked
 * here, header by header, as it arrives: a record must be a map, at most
 * RECORD_MAX bytes, MAX_KEYS keys, MAX_ITEMS items in a list and MAX_DEPTH
 * levels deep. Only a whole record that passed is handed to
 * msgpack_unpack_next(), whose allocations are then bounded by its bytes.
 * The walk keeps its place between calls, so a record fed a byte at a time
 * is walked once.
 *
 * Each record's keys and text live in one block, sized in a first pass
 * over the object and filled in a second, so no pointer handed out moves
 * while the callback runs.
 */
#include "config.h"

#include <msgpack.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netlens/monitor.h"

#define RECORD_MAX (1u << 20)	/* a netlens record is a few KiB */
#define MAX_KEYS 4096
#define MAX_ITEMS 65536
#define MAX_DEPTH 8
#define FEED_STEP (64u << 10)	/* bytes taken in at a time */

struct nl_decoder {
	nl_record_fn fn;
	void *ctx;
	msgpack_unpacked result;
	int failed;
	char error[160];
	/* the bytes of records not yet delivered: the next one from start */
	uint8_t *buf;
	size_t start, len, cap;
	/* the walk of that record */
	size_t pos;			/* the next header's offset (may pass len in a string) */
	unsigned depth;
	uint32_t left[MAX_DEPTH];	/* elements still to come at each level */
	int whole;			/* the record ends at pos */
	/* one record's storage, kept from record to record */
	struct nl_field *fields;
	unsigned fields_cap;
	struct nl_value *items;
	unsigned items_cap;
	char *text;
	size_t text_cap;
};

struct nl_decoder *nl_decoder_new(nl_record_fn fn, void *ctx)
{
	struct nl_decoder *d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	msgpack_unpacked_init(&d->result);
	d->fn = fn;
	d->ctx = ctx;
	return d;
}

static int fail(struct nl_decoder *d, const char *why)
{
	if (!d->failed)
		snprintf(d->error, sizeof(d->error), "%s", why);
	d->failed = 1;
	return -1;
}

static uint32_t be(const uint8_t *p, unsigned n)
{
	uint32_t v = 0;
	for (unsigned i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

/* Walks on from pos over the bytes held: sets whole when the record's
 * last element has begun (it is all here once pos <= len); -1 when it is
 * not a record. */
static int walk(struct nl_decoder *d)
{
	while (!d->whole && d->pos < d->len) {
		const uint8_t *p = d->buf + d->pos;
		const size_t have = d->len - d->pos;
		const uint8_t t = p[0];
		size_t hdr = 1, body = 0;
		uint32_t count = 0;
		int container = 0, map = 0;
		unsigned lenbytes = 0, after = 0;	/* a length's bytes after the type; bytes after it */
		if (t <= 0x7f || t >= 0xe0 || t == 0xc0 || t == 0xc2 || t == 0xc3) {
			/* fixint, nil, false, true */
		} else if (t <= 0x8f) {
			container = map = 1, count = t & 0x0f;
		} else if (t <= 0x9f) {
			container = 1, count = t & 0x0f;
		} else if (t <= 0xbf) {
			body = t & 0x1f;
		} else if (t == 0xc1) {
			return fail(d, "not a netlens record stream: a byte msgpack never uses");
		} else if (t >= 0xc4 && t <= 0xc6) {	/* bin 8/16/32 */
			lenbytes = 1u << (t - 0xc4);
		} else if (t >= 0xc7 && t <= 0xc9) {	/* ext 8/16/32: the length, then a type byte */
			lenbytes = 1u << (t - 0xc7);
			after = 1;
		} else if (t == 0xca || t == 0xcb) {
			hdr = t == 0xca ? 5 : 9;
		} else if (t >= 0xcc && t <= 0xd3) {	/* uint, int 8..64 */
			hdr = 1 + (1u << ((t - 0xcc) & 3));
		} else if (t >= 0xd4 && t <= 0xd8) {	/* fixext 1..16 */
			hdr = 2 + (1u << (t - 0xd4));
		} else if (t >= 0xd9 && t <= 0xdb) {	/* str 8/16/32 */
			lenbytes = 1u << (t - 0xd9);
		} else {	/* 0xdc-0xdf: array 16/32, map 16/32 */
			container = 1;
			map = t >= 0xde;
			lenbytes = (t & 1) ? 4 : 2;
		}
		if (lenbytes) {
			if (have < 1 + lenbytes)
				return 0;
			uint32_t n = be(p + 1, lenbytes);
			hdr = 1 + lenbytes + after;
			if (container)
				count = n;
			else
				body = n;
		}
		if (d->pos == d->start && !map)
			return fail(d, "not a netlens record: an object other than a map in the stream");
		if (container) {
			if (count > (map ? MAX_KEYS : MAX_ITEMS))
				return fail(d, map ? "not a netlens record: a map of more than 4096 keys"
					    : "not a netlens record: a list of more than 65536 items");
			if (have < hdr)
				return 0;
			d->pos += hdr;
			if (count) {
				if (d->depth == MAX_DEPTH)
					return fail(d, "not a netlens record: nested more than 8 deep");
				d->left[d->depth++] = map ? count * 2 : count;
				continue;
			}
		} else {
			if (body > RECORD_MAX)
				return fail(d, "not a netlens record stream: a record over 1 MiB");
			d->pos += hdr + body;	/* may pass len: waits below */
		}
		/* an element is whole: its containers count it */
		while (d->depth && --d->left[d->depth - 1] == 0)
			d->depth--;
		d->whole = d->depth == 0;
		if (d->pos - d->start > RECORD_MAX)
			return fail(d, "not a netlens record stream: a record over 1 MiB");
	}
	if (d->pos - d->start > RECORD_MAX)
		return fail(d, "not a netlens record stream: a record over 1 MiB");
	return 0;
}

/* Pass one: the text bytes (with NULs) and list items a value needs. */
static void measure(const msgpack_object *o, size_t *text, unsigned *items, int in_list)
{
	switch (o->type) {
	case MSGPACK_OBJECT_STR:
		*text += o->via.str.size + 1;
		break;
	case MSGPACK_OBJECT_BIN:
		*text += o->via.bin.size + 1;
		break;
	case MSGPACK_OBJECT_ARRAY:
		if (in_list)
			break;	/* no lists in a list: OTHER */
		*items += o->via.array.size;
		for (uint32_t i = 0; i < o->via.array.size; i++)
			measure(&o->via.array.ptr[i], text, items, 1);
		break;
	default:
		break;
	}
}

struct fill {
	char *text;
	struct nl_value *items;
};

static const char *put_text(struct fill *f, const char *s, size_t n)
{
	char *at = f->text;
	if (n)
		memcpy(at, s, n);
	at[n] = '\0';
	f->text += n + 1;
	return at;
}

/* A msgpack object's double. msgpack-c's zone aligns objects to a
 * pointer's size, so on a 32-bit MIPS router an 8-byte double may sit 4
 * bytes off its alignment, where the compiler's one-instruction load
 * (ldc1) faults with SIGBUS; read as a packed struct, it is loaded in
 * pieces where the target needs that. */
struct __attribute__((packed)) unaligned_double { double v; };

static double object_real(const msgpack_object *o)
{
	return ((const struct unaligned_double *)(const void *)&o->via)->v;
}

/* Pass two. */
static void convert(const msgpack_object *o, struct nl_value *v, struct fill *f, int in_list)
{
	memset(v, 0, sizeof(*v));
	v->text = "";
	switch (o->type) {
	case MSGPACK_OBJECT_NIL:
		v->kind = NL_VALUE_NIL;
		break;
	case MSGPACK_OBJECT_BOOLEAN:
		v->kind = NL_VALUE_BOOL;
		v->integer = o->via.boolean ? 1 : 0;
		v->real = (double)v->integer;
		break;
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		v->kind = NL_VALUE_INT;
		v->integer = o->via.u64 > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)o->via.u64;
		v->real = (double)o->via.u64;
		break;
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		v->kind = NL_VALUE_INT;
		v->integer = o->via.i64;
		v->real = (double)o->via.i64;
		break;
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		v->kind = NL_VALUE_REAL;
		v->real = object_real(o);
		/* the integer part, where it fits (NaN and the infinities: 0) */
		v->integer = v->real >= -9.2e18 && v->real <= 9.2e18 ? (int64_t)v->real : 0;
		break;
	case MSGPACK_OBJECT_STR:
		v->kind = NL_VALUE_TEXT;
		v->len = o->via.str.size;
		v->text = put_text(f, o->via.str.ptr, o->via.str.size);
		break;
	case MSGPACK_OBJECT_BIN:
		v->kind = NL_VALUE_TEXT;
		v->len = o->via.bin.size;
		v->text = put_text(f, o->via.bin.ptr, o->via.bin.size);
		break;
	case MSGPACK_OBJECT_ARRAY:
		if (in_list) {
			v->kind = NL_VALUE_OTHER;
			break;
		}
		v->kind = NL_VALUE_LIST;
		v->n_items = o->via.array.size;
		v->items = f->items;
		f->items += o->via.array.size;
		for (uint32_t i = 0; i < o->via.array.size; i++)
			convert(&o->via.array.ptr[i], (struct nl_value *)&v->items[i], f, 1);
		break;
	default:
		v->kind = NL_VALUE_OTHER;
		break;
	}
}

static int grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return 0;
	size_t n = *cap ? *cap : 16;
	while (n < need)
		n *= 2;
	void *q = realloc(*p, n * size);
	if (!q)
		return -1;
	*p = q;
	*cap = n;
	return 0;
}

/* One whole object: a record to the callback. 1 delivered, NL_STOPPED,
 * -1 not a record. */
static int deliver(struct nl_decoder *d, const msgpack_object *o)
{
	if (o->type != MSGPACK_OBJECT_MAP)
		return fail(d, "not a netlens record: an object other than a map in the stream");
	const msgpack_object_map *m = &o->via.map;
	size_t text = 0;
	unsigned items = 0;
	for (uint32_t i = 0; i < m->size; i++) {
		if (m->ptr[i].key.type != MSGPACK_OBJECT_STR)
			return fail(d, "not a netlens record: a key that is not text");
		text += m->ptr[i].key.via.str.size + 1;
		measure(&m->ptr[i].val, &text, &items, 0);
	}
	size_t fcap = d->fields_cap, icap = d->items_cap;
	if (grow((void **)&d->fields, &fcap, m->size ? m->size : 1, sizeof(*d->fields)) < 0 ||
	    grow((void **)&d->items, &icap, items ? items : 1, sizeof(*d->items)) < 0 ||
	    grow((void **)&d->text, &d->text_cap, text ? text : 1, 1) < 0)
		return fail(d, "out of memory");
	d->fields_cap = (unsigned)fcap;
	d->items_cap = (unsigned)icap;
	struct fill f = { d->text, d->items };
	for (uint32_t i = 0; i < m->size; i++) {
		d->fields[i].key = put_text(&f, m->ptr[i].key.via.str.ptr, m->ptr[i].key.via.str.size);
		convert(&m->ptr[i].val, &d->fields[i].value, &f, 0);
	}
	struct nl_record r = { d->fields, m->size };
	return d->fn && d->fn(d->ctx, &r) ? NL_STOPPED : 1;
}

/* Every whole record held: records delivered, NL_STOPPED or -1. */
static int drain(struct nl_decoder *d)
{
	int n = 0, k = 0;
	for (;;) {
		if (walk(d) < 0)
			return -1;
		if (!d->whole || d->pos > d->len)
			break;	/* more bytes needed */
		size_t off = 0, size = d->pos - d->start;
		msgpack_unpack_return rc = msgpack_unpack_next(&d->result, (const char *)d->buf + d->start,
							       size, &off);
		if (rc != MSGPACK_UNPACK_SUCCESS || off != size)
			return fail(d, rc == MSGPACK_UNPACK_NOMEM_ERROR ? "out of memory"
				    : "not a netlens record stream: msgpack that does not parse");
		d->start = d->pos;
		d->whole = 0;
		k = deliver(d, &d->result.data);
		if (k == -1)
			return -1;
		n++;
		if (k == NL_STOPPED)
			break;
	}
	if (d->start) {	/* what is left to the front: once per call, not per record */
		memmove(d->buf, d->buf + d->start, d->len - d->start);
		d->len -= d->start;
		d->pos -= d->start;
		d->start = 0;
	}
	return k == NL_STOPPED ? NL_STOPPED : n;
}

static int append(struct nl_decoder *d, const void *bytes, size_t n)
{
	if (n > d->cap - d->len) {
		size_t cap = d->cap ? d->cap : 4096;
		while (cap - d->len < n) {
			if (cap > SIZE_MAX / 2)
				return fail(d, "out of memory");
			cap *= 2;
		}
		uint8_t *b = realloc(d->buf, cap);
		if (!b)
			return fail(d, "out of memory");
		d->buf = b;
		d->cap = cap;
	}
	if (n)
		memcpy(d->buf + d->len, bytes, n);
	d->len += n;
	return 0;
}

int nl_decoder_feed(struct nl_decoder *d, const void *bytes, size_t n)
{
	if (d->failed)
		return -1;
	const uint8_t *p = bytes;
	int total = 0;
	do {	/* a step at a time: what is held stays near one record's size */
		size_t step = n < FEED_STEP ? n : FEED_STEP;
		if (append(d, p, step) < 0)
			return -1;
		if (step) {	/* NULL with n == 0: what is held, again */
			p += step;
			n -= step;
		}
		int k = drain(d);
		if (k == NL_STOPPED)	/* the rest waits for the next call */
			return append(d, p, n) < 0 ? -1 : NL_STOPPED;
		if (k < 0)
			return -1;
		total += k;
	} while (n);
	return total;
}

size_t nl_decoder_pending(const struct nl_decoder *d)
{
	return d->len;
}

const char *nl_decoder_error(const struct nl_decoder *d)
{
	return d->failed ? d->error : NULL;
}

void nl_decoder_free(struct nl_decoder *d)
{
	if (!d)
		return;
	msgpack_unpacked_destroy(&d->result);
	free(d->buf);
	free(d->fields);
	free(d->items);
	free(d->text);
	free(d);
}

const struct nl_value *nl_record_get(const struct nl_record *r, const char *key)
{
	for (unsigned i = 0; i < r->n_fields; i++)
		if (!strcmp(r->fields[i].key, key))
			return &r->fields[i].value;
	return NULL;
}

const char *nl_record_text(const struct nl_record *r, const char *key, const char *fallback)
{
	const struct nl_value *v = nl_record_get(r, key);
	return v && v->kind == NL_VALUE_TEXT ? v->text : fallback;
}

int64_t nl_record_int(const struct nl_record *r, const char *key, int64_t fallback)
{
	const struct nl_value *v = nl_record_get(r, key);
	return v && (v->kind == NL_VALUE_INT || v->kind == NL_VALUE_REAL || v->kind == NL_VALUE_BOOL)
	       ? v->integer : fallback;
}

int nl_monitor_version(void)
{
	return NL_MONITOR_VERSION_MAJOR * 1000 + NL_MONITOR_VERSION_MINOR;
}
