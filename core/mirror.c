/* mirror.c - encoding and checked decoding of worker snapshots (mirror.h). */
#include "config.h"

#include <string.h>

#include "mirror.h"
#include "names.h"
#include "tcp.h"

/* ---- packing ---------------------------------------------------------- */

static void pack_bin(msgpack_packer *pk, const void *p, size_t n)
{
	msgpack_pack_bin(pk, n);
	msgpack_pack_bin_body(pk, p, n);
}

static void pack_u64s(msgpack_packer *pk, const uint64_t *v, unsigned n)
{
	msgpack_pack_array(pk, n);
	for (unsigned i = 0; i < n; i++)
		msgpack_pack_uint64(pk, v[i]);
}

/* The counters in a fixed order; a new one goes at the end (the parent
 * takes what it knows and ignores the rest). N_COUNTERS_MIN are required,
 * the dissectors' 8 after them are read when there. */
#define N_COUNTERS_MIN (19 + L4_OTHER_IP + 1)
#define N_COUNTERS (N_COUNTERS_MIN + 8)

static void counters_to_array(const struct mirror_counters *c, uint64_t *v)
{
	const struct tracker_stats *s = &c->stats;
	unsigned i = 0;
	v[i++] = s->packets; v[i++] = s->bytes;
	v[i++] = s->tracked_packets; v[i++] = s->tracked_bytes;
	v[i++] = s->not_ip; v[i++] = s->unsupported_link;
	v[i++] = s->truncated; v[i++] = s->malformed;
	v[i++] = s->loopback_skipped; v[i++] = s->late_teardown;
	v[i++] = s->fragments_pending; v[i++] = s->icmp_errors_noted;
	v[i++] = c->tcp.retransmits; v[i++] = c->tcp.out_of_order;
	v[i++] = c->tcp.fast_retransmits; v[i++] = c->tcp.dup_acks;
	v[i++] = c->pcap_received; v[i++] = c->pcap_dropped; v[i++] = c->pcap_ifdropped;
	for (unsigned p = 0; p <= L4_OTHER_IP; p++)
		v[i++] = s->by_proto_packets[p];
	v[i++] = c->dpi_offered; v[i++] = c->dpi_identified; v[i++] = c->dpi_malformed;
	v[i++] = c->dpi_api_errors; v[i++] = c->dpi_names_noted; v[i++] = c->dpi_stream_capped;
	v[i++] = c->dpi_stream_consumed; v[i++] = c->dpi_stream_gaps;
}

static void counters_from_array(struct mirror_counters *c, const uint64_t *v)
{
	struct tracker_stats *s = &c->stats;
	unsigned i = 0;
	s->packets = v[i++]; s->bytes = v[i++];
	s->tracked_packets = v[i++]; s->tracked_bytes = v[i++];
	s->not_ip = v[i++]; s->unsupported_link = v[i++];
	s->truncated = v[i++]; s->malformed = v[i++];
	s->loopback_skipped = v[i++]; s->late_teardown = v[i++];
	s->fragments_pending = v[i++]; s->icmp_errors_noted = v[i++];
	c->tcp.retransmits = v[i++]; c->tcp.out_of_order = v[i++];
	c->tcp.fast_retransmits = v[i++]; c->tcp.dup_acks = v[i++];
	c->pcap_received = v[i++]; c->pcap_dropped = v[i++]; c->pcap_ifdropped = v[i++];
	for (unsigned p = 0; p <= L4_OTHER_IP; p++)
		s->by_proto_packets[p] = v[i++];
	c->dpi_offered = v[i++]; c->dpi_identified = v[i++]; c->dpi_malformed = v[i++];
	c->dpi_api_errors = v[i++]; c->dpi_names_noted = v[i++]; c->dpi_stream_capped = v[i++];
	c->dpi_stream_consumed = v[i++]; c->dpi_stream_gaps = v[i++];
}

void mirror_pack_begin(msgpack_packer *pk, unsigned worker, uint64_t now_us,
		       const struct mirror_counters *c)
{
	uint64_t v[N_COUNTERS];
	counters_to_array(c, v);
	msgpack_pack_array(pk, 9);
	msgpack_pack_uint32(pk, MIRROR_VERSION);
	msgpack_pack_uint32(pk, worker);
	msgpack_pack_uint64(pk, now_us);
	pack_u64s(pk, v, N_COUNTERS);
}

void mirror_pack_flows(msgpack_packer *pk, uint32_t n) { msgpack_pack_array(pk, n); }
void mirror_pack_end(msgpack_packer *pk, int final)
{
	if (final)
		msgpack_pack_true(pk);
	else
		msgpack_pack_false(pk);
}
void mirror_pack_closed(msgpack_packer *pk, uint32_t n) { msgpack_pack_array(pk, n); }
void mirror_pack_neighbors(msgpack_packer *pk, uint32_t n) { msgpack_pack_array(pk, n); }
void mirror_pack_names(msgpack_packer *pk, uint32_t n) { msgpack_pack_array(pk, n); }

/* [family, proto, ipproto, a, b, pa, pb, flags, state, first_us, last_us,
 *  [pkts fwd, rev], [bytes fwd, rev], [rate bucket, cur fwd, rev, prev fwd, rev],
 *  [icmp error type, code, count], per-protocol state (bin), dpi, interface];
 *  the interface (the key's ifc) may be left out: 0. */
#define FLOW_ITEMS 18

void mirror_pack_flow(msgpack_packer *pk, const struct flow *f, const struct dpi *dpi)
{
	const struct flow_key *k = &f->key;
	uint64_t v[5];
	msgpack_pack_array(pk, FLOW_ITEMS);
	msgpack_pack_uint8(pk, k->family);
	msgpack_pack_uint8(pk, k->proto);
	msgpack_pack_uint8(pk, k->ipproto);
	pack_bin(pk, k->a, 16);
	pack_bin(pk, k->b, 16);
	msgpack_pack_uint16(pk, k->pa);
	msgpack_pack_uint16(pk, k->pb);
	msgpack_pack_uint8(pk, f->flags);
	msgpack_pack_uint8(pk, f->state);
	msgpack_pack_uint64(pk, f->first_seen_us);
	msgpack_pack_uint64(pk, f->last_seen_us);
	v[0] = f->packets[0]; v[1] = f->packets[1];
	pack_u64s(pk, v, 2);
	pack_u64s(pk, f->bytes, 2);
	v[0] = f->rate.bucket; v[1] = f->rate.cur[0]; v[2] = f->rate.cur[1];
	v[3] = f->rate.prev[0]; v[4] = f->rate.prev[1];
	pack_u64s(pk, v, 5);
	v[0] = f->icmp_err_type; v[1] = f->icmp_err_code; v[2] = f->icmp_err_count;
	pack_u64s(pk, v, 3);
	pack_bin(pk, &f->u, sizeof(f->u));
	struct dpi_results r;
	if (dpi && dpi_export(dpi, f->dpi, &r)) {
		msgpack_pack_array(pk, 3);
		msgpack_pack_int32(pk, r.owner);
		size_t ll = strlen(r.label);
		msgpack_pack_str(pk, ll);
		msgpack_pack_str_body(pk, r.label, ll);
		pack_bin(pk, r.blob, r.len);
	} else {
		msgpack_pack_nil(pk);
	}
	msgpack_pack_uint8(pk, k->ifc);
}

void mirror_pack_closed_flow(msgpack_packer *pk, const struct flow *f, const struct dpi *dpi,
			     enum close_reason why)
{
	msgpack_pack_array(pk, 2);
	mirror_pack_flow(pk, f, dpi);
	msgpack_pack_uint8(pk, (uint8_t)why);
}

void mirror_pack_name(msgpack_packer *pk, int family, const uint8_t *addr, const char *name,
		      size_t len, uint32_t ttl_s)
{
	msgpack_pack_array(pk, 4);
	msgpack_pack_uint8(pk, (uint8_t)family);
	pack_bin(pk, addr, family == 4 ? 4 : 16);
	msgpack_pack_str(pk, len);
	msgpack_pack_str_body(pk, name, len);
	msgpack_pack_uint32(pk, ttl_s);
}

void mirror_pack_neighbor(msgpack_packer *pk, int family, const uint8_t *addr,
			  const uint8_t mac[6], uint64_t seen_us)
{
	msgpack_pack_array(pk, 4);
	msgpack_pack_uint8(pk, (uint8_t)family);
	pack_bin(pk, addr, family == 4 ? 4 : 16);
	pack_bin(pk, mac, 6);
	msgpack_pack_uint64(pk, seen_us);
}

/* ---- checking a message before msgpack-c unpacks it ------------------- */

struct cursor { const uint8_t *p; size_t left; };

static int take(struct cursor *c, size_t n)
{
	if (n > c->left)
		return -1;
	c->p += n;
	c->left -= n;
	return 0;
}

static int be(struct cursor *c, unsigned n, uint64_t *v)
{
	if (n > c->left)
		return -1;
	*v = 0;
	for (unsigned i = 0; i < n; i++)
		*v = *v << 8 | c->p[i];
	c->p += n;
	c->left -= n;
	return 0;
}

/* Walks one object. A container may not declare more elements than bytes
 * remain (each takes at least one), so what msgpack-c allocates for a
 * message is bounded by a small multiple of its length. */
static int walk(struct cursor *c, int depth)
{
	uint64_t n = 0;
	unsigned elems = 0;	/* 1: array of n, 2: map of n */
	if (depth > MIRROR_MAX_DEPTH || c->left == 0)
		return -1;
	uint8_t t = *c->p;
	c->p++;
	c->left--;
	if (t <= 0x7f || t >= 0xe0 || t == 0xc0 || t == 0xc2 || t == 0xc3)
		return 0;
	if ((t & 0xe0) == 0xa0)
		return take(c, t & 0x1f);
	if ((t & 0xf0) == 0x90) { n = t & 0x0f; elems = 1; }
	else if ((t & 0xf0) == 0x80) { n = t & 0x0f; elems = 2; }
	else switch (t) {
	case 0xcc: case 0xd0: return take(c, 1);
	case 0xcd: case 0xd1: return take(c, 2);
	case 0xca: case 0xce: case 0xd2: return take(c, 4);
	case 0xcb: case 0xcf: case 0xd3: return take(c, 8);
	case 0xc4: case 0xd9: if (be(c, 1, &n)) return -1; return take(c, n);
	case 0xc5: case 0xda: if (be(c, 2, &n)) return -1; return take(c, n);
	case 0xc6: case 0xdb: if (be(c, 4, &n)) return -1; return take(c, n);
	case 0xd4: return take(c, 2);	/* fixext: type + data */
	case 0xd5: return take(c, 3);
	case 0xd6: return take(c, 5);
	case 0xd7: return take(c, 9);
	case 0xd8: return take(c, 17);
	case 0xc7: if (be(c, 1, &n)) return -1; return take(c, n + 1);
	case 0xc8: if (be(c, 2, &n)) return -1; return take(c, n + 1);
	case 0xc9: if (be(c, 4, &n)) return -1; return take(c, n + 1);
	case 0xdc: if (be(c, 2, &n)) return -1; elems = 1; break;
	case 0xdd: if (be(c, 4, &n)) return -1; elems = 1; break;
	case 0xde: if (be(c, 2, &n)) return -1; elems = 2; break;
	case 0xdf: if (be(c, 4, &n)) return -1; elems = 2; break;
	default: return -1;	/* 0xc1: never used */
	}
	if (n * elems > c->left)
		return -1;
	for (uint64_t i = 0; i < n * elems; i++)
		if (walk(c, depth + 1) < 0)
			return -1;
	return 0;
}

int mirror_check(const uint8_t *buf, size_t len)
{
	struct cursor c = { buf, len };
	if (walk(&c, 0) < 0)
		return -1;
	return c.left == 0 ? 0 : -1;
}

/* ---- decoding --------------------------------------------------------- */

static int get_u64(const msgpack_object *o, uint64_t max, uint64_t *v)
{
	if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER || o->via.u64 > max)
		return -1;
	*v = o->via.u64;
	return 0;
}

static int get_bin(const msgpack_object *o, size_t n, void *out)
{
	if (o->type != MSGPACK_OBJECT_BIN || o->via.bin.size != n)
		return -1;
	memcpy(out, o->via.bin.ptr, n);
	return 0;
}

static int get_u64s(const msgpack_object *o, unsigned n, uint64_t max, uint64_t *v)
{
	if (o->type != MSGPACK_OBJECT_ARRAY || o->via.array.size != n)
		return -1;
	for (unsigned i = 0; i < n; i++)
		if (get_u64(&o->via.array.ptr[i], max, &v[i]) < 0)
			return -1;
	return 0;
}

static int state_valid(uint8_t proto, uint64_t state)
{
	switch (proto) {
	case L4_TCP: return state < TCP_STATE_COUNT;
	case L4_ARP: return state <= 3;
	default: return state <= UINT8_MAX;	/* names come from a switch, never a table */
	}
}

/* The flag bits a worker may set; CLOSED and HIDDEN are the parent's. */
#define WORKER_FLAGS (FLOW_SRC_IS_B | FLOW_SRC_DECIDED | FLOW_LOCAL_A | FLOW_LOCAL_B | \
		      FLOW_EVICTED | FLOW_DST_INITIATED)

static int decode_flow(const msgpack_object *o, struct flow *f, struct dpi_results *res,
		       int *has_res, char *label)
{
	uint64_t v[5];
	if (o->type != MSGPACK_OBJECT_ARRAY ||
	    (o->via.array.size != FLOW_ITEMS && o->via.array.size != FLOW_ITEMS - 1))
		return -1;
	const msgpack_object *it = o->via.array.ptr;
	memset(f, 0, sizeof(*f));
	if (o->via.array.size == FLOW_ITEMS) {
		if (get_u64(&it[FLOW_ITEMS - 1], FLOW_IFC_INDEXED, &v[0]))
			return -1;
		f->key.ifc = (uint8_t)v[0];
	}
	if (get_u64(&it[0], 6, &v[0]) || (v[0] != 0 && v[0] != 4 && v[0] != 6))
		return -1;
	f->key.family = (uint8_t)v[0];
	if (get_u64(&it[1], L4_OTHER_IP, &v[0]) || v[0] == L4_NONE)
		return -1;
	f->key.proto = (uint8_t)v[0];
	if (get_u64(&it[2], UINT8_MAX, &v[0]))
		return -1;
	f->key.ipproto = (uint8_t)v[0];
	if (get_bin(&it[3], 16, f->key.a) || get_bin(&it[4], 16, f->key.b))
		return -1;
	if (get_u64(&it[5], UINT16_MAX, &v[0]) || get_u64(&it[6], UINT16_MAX, &v[1]))
		return -1;
	f->key.pa = (uint16_t)v[0];
	f->key.pb = (uint16_t)v[1];
	if ((f->key.family == 0) != (f->key.proto == L4_ARP))
		return -1;
	if (get_u64(&it[7], UINT8_MAX, &v[0]) || (v[0] & ~(uint64_t)WORKER_FLAGS))
		return -1;
	f->flags = (uint8_t)v[0];
	if (get_u64(&it[8], UINT8_MAX, &v[0]) || !state_valid(f->key.proto, v[0]))
		return -1;
	f->state = (uint8_t)v[0];
	if (get_u64(&it[9], UINT64_MAX, &f->first_seen_us) ||
	    get_u64(&it[10], UINT64_MAX, &f->last_seen_us) || f->first_seen_us > f->last_seen_us)
		return -1;
	if (get_u64s(&it[11], 2, UINT32_MAX, v))
		return -1;
	f->packets[0] = (uint32_t)v[0];
	f->packets[1] = (uint32_t)v[1];
	if (get_u64s(&it[12], 2, UINT64_MAX, f->bytes))
		return -1;
	if (get_u64s(&it[13], 5, UINT32_MAX, v))
		return -1;
	f->rate.bucket = (uint32_t)v[0];
	f->rate.cur[0] = (uint32_t)v[1]; f->rate.cur[1] = (uint32_t)v[2];
	f->rate.prev[0] = (uint32_t)v[3]; f->rate.prev[1] = (uint32_t)v[4];
	if (get_u64s(&it[14], 3, UINT8_MAX, v))
		return -1;
	f->icmp_err_type = (uint8_t)v[0];
	f->icmp_err_code = (uint8_t)v[1];
	f->icmp_err_count = (uint8_t)v[2];
	if (get_bin(&it[15], sizeof(f->u), &f->u))
		return -1;
	*has_res = 0;
	if (it[16].type == MSGPACK_OBJECT_NIL)
		return 0;
	const msgpack_object *d = &it[16];
	if (d->type != MSGPACK_OBJECT_ARRAY || d->via.array.size != 3)
		return -1;
	const msgpack_object *owner = &d->via.array.ptr[0], *lab = &d->via.array.ptr[1],
			     *blob = &d->via.array.ptr[2];
	if (owner->type == MSGPACK_OBJECT_NEGATIVE_INTEGER && owner->via.i64 == -1)
		res->owner = -1;
	else if (owner->type == MSGPACK_OBJECT_POSITIVE_INTEGER && owner->via.u64 < DISSECTORS_MAX)
		res->owner = (int)owner->via.u64;
	else
		return -1;
	if (lab->type != MSGPACK_OBJECT_STR || lab->via.str.size >= DPI_LABEL_MAX ||
	    memchr(lab->via.str.ptr, 0, lab->via.str.size))
		return -1;
	memcpy(label, lab->via.str.ptr, lab->via.str.size);
	label[lab->via.str.size] = '\0';
	res->label = label;
	if (blob->type != MSGPACK_OBJECT_BIN || blob->via.bin.size > DPI_RESULT_MAX_BYTES)
		return -1;
	res->blob = (const uint8_t *)blob->via.bin.ptr;
	res->len = blob->via.bin.size;
	*has_res = 1;
	return 0;
}

static int decode_body(const msgpack_object *top, const struct mirror_sink *s, const char **why)
{
	uint64_t v[N_COUNTERS], worker, now;
	struct flow f;
	struct dpi_results res;
	char label[DPI_LABEL_MAX];
	int has;

	*why = "not a snapshot";
	if (top->type != MSGPACK_OBJECT_ARRAY || top->via.array.size < 8)
		return -1;
	const msgpack_object *it = top->via.array.ptr;
	if (get_u64(&it[0], UINT32_MAX, v) || v[0] != MIRROR_VERSION) {
		*why = "snapshot version is not 1";
		return -1;
	}
	*why = "bad header";
	if (get_u64(&it[1], 255, &worker) || get_u64(&it[2], UINT64_MAX, &now))
		return -1;
	if (it[3].type != MSGPACK_OBJECT_ARRAY || it[3].via.array.size < N_COUNTERS_MIN)
		return -1;
	memset(v, 0, sizeof(v));	/* an older worker's: no dissector counters */
	for (unsigned i = 0; i < N_COUNTERS && i < it[3].via.array.size; i++)
		if (get_u64(&it[3].via.array.ptr[i], UINT64_MAX, &v[i]))
			return -1;
	struct mirror_counters c;
	memset(&c, 0, sizeof(c));
	counters_from_array(&c, v);
	if (s->counters)
		s->counters(s->ctx, (unsigned)worker, now, &c);

	/* Names first: a connection's flow and the DNS answer that named its
	 * address come in one snapshot, and its new_connection is written as
	 * the flow is made. */
	*why = "bad name";
	if (it[6].type != MSGPACK_OBJECT_ARRAY)
		return -1;
	for (uint32_t i = 0; i < it[6].via.array.size; i++) {
		const msgpack_object *n = &it[6].via.array.ptr[i];
		uint64_t fam, ttl;
		uint8_t addr[16] = { 0 };
		if (n->type != MSGPACK_OBJECT_ARRAY || n->via.array.size != 4 ||
		    get_u64(&n->via.array.ptr[0], 6, &fam) || (fam != 4 && fam != 6) ||
		    get_bin(&n->via.array.ptr[1], fam == 4 ? 4 : 16, addr) ||
		    n->via.array.ptr[2].type != MSGPACK_OBJECT_STR ||
		    n->via.array.ptr[2].via.str.size == 0 ||
		    n->via.array.ptr[2].via.str.size > NAMES_MAX_LEN ||
		    get_u64(&n->via.array.ptr[3], UINT32_MAX, &ttl))
			return -1;
		if (s->name)
			s->name(s->ctx, (int)fam, addr, n->via.array.ptr[2].via.str.ptr,
				n->via.array.ptr[2].via.str.size, (uint32_t)ttl);
	}
	/* Then closed flows: the worker's table made room for its new flows by
	 * closing these (so the parent's, as large as all of theirs, has room
	 * too), and a key closed and made again since the last snapshot must
	 * end before it starts anew. */
	*why = "bad closed flow";
	if (it[5].type != MSGPACK_OBJECT_ARRAY)
		return -1;
	for (uint32_t i = 0; i < it[5].via.array.size; i++) {
		const msgpack_object *cl = &it[5].via.array.ptr[i];
		uint64_t reason;
		if (cl->type != MSGPACK_OBJECT_ARRAY || cl->via.array.size != 2 ||
		    decode_flow(&cl->via.array.ptr[0], &f, &res, &has, label) < 0 ||
		    get_u64(&cl->via.array.ptr[1], CLOSE_CLEARED, &reason))
			return -1;
		if (s->closed)
			s->closed(s->ctx, (unsigned)worker, &f, has ? &res : NULL, (enum close_reason)reason);
	}
	*why = "bad flow";
	if (it[4].type != MSGPACK_OBJECT_ARRAY)
		return -1;
	for (uint32_t i = 0; i < it[4].via.array.size; i++) {
		if (decode_flow(&it[4].via.array.ptr[i], &f, &res, &has, label) < 0)
			return -1;
		if (s->flow)
			s->flow(s->ctx, (unsigned)worker, &f, has ? &res : NULL);
	}
	*why = "bad end";
	if (it[7].type != MSGPACK_OBJECT_BOOLEAN)
		return -1;
	/* neighbours: absent from the snapshots of before 2026-12-05 */
	*why = "bad neighbour";
	if (top->via.array.size > 8 && it[8].type != MSGPACK_OBJECT_ARRAY)
		return -1;
	for (uint32_t i = 0; top->via.array.size > 8 && i < it[8].via.array.size; i++) {
		const msgpack_object *n = &it[8].via.array.ptr[i];
		uint64_t fam, seen;
		uint8_t addr[16] = { 0 }, mac[6];
		if (n->type != MSGPACK_OBJECT_ARRAY || n->via.array.size != 4 ||
		    get_u64(&n->via.array.ptr[0], 6, &fam) || (fam != 4 && fam != 6) ||
		    get_bin(&n->via.array.ptr[1], fam == 4 ? 4 : 16, addr) ||
		    get_bin(&n->via.array.ptr[2], 6, mac) || (mac[0] & 1) ||
		    get_u64(&n->via.array.ptr[3], UINT64_MAX, &seen))
			return -1;
		if (s->neighbor)
			s->neighbor(s->ctx, (int)fam, addr, mac, seen);
	}
	if (it[7].via.boolean && s->final)
		s->final(s->ctx, (unsigned)worker);
	*why = NULL;
	return 0;
}

int mirror_decode(const uint8_t *buf, size_t len, const struct mirror_sink *sink, const char **why)
{
	if (len > MIRROR_MAX_MESSAGE || mirror_check(buf, len) < 0) {
		*why = "malformed msgpack";
		return -1;
	}
	msgpack_unpacked u;
	size_t off = 0;
	int rc = -1;
	msgpack_unpacked_init(&u);
	if (msgpack_unpack_next(&u, (const char *)buf, len, &off) != MSGPACK_UNPACK_SUCCESS || off != len)
		*why = "malformed msgpack";
	else
		rc = decode_body(&u.data, sink, why);
	msgpack_unpacked_destroy(&u);
	return rc;
}
