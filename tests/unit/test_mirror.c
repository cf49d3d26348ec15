/* test_mirror.c - worker snapshots (core/mirror.c), the parent's mirror of a
 * worker's flows (tracker_mirror_*), dissector results between processes
 * (dpi_export/dpi_import) and --format msgpack (core/msgpack_out.c). */
#include "config.h"

#include "unit.h"

#include <msgpack.h>

#include "dpi.h"
#include "mirror.h"
#include "msgpack_out.h"
#include "names.h"
#include "strbuf.h"
#include "tcp.h"
#include "tracker.h"

/* ---- a dissector set with one fake dissector: str, u64, list ---------- */

static const struct nl_field fake_fields[] = {
	{ 0, NL_FIELD_STR, 0, "fake.host", "Host" },
	{ 1, NL_FIELD_U64, 0, "fake.count", "Count" },
	{ 2, NL_FIELD_STR_LIST, 0, "fake.names", "Names" },
};

static void fake_dpi(struct dpi *d)
{
	dpi_init(d);
	d->set.n = 1;
	d->set.v[0].d.name = "fake";
	d->set.v[0].d.display = "FAKE";
	d->set.v[0].d.fields = fake_fields;
	d->set.v[0].d.n_fields = 3;
	d->set.v[0].d.domain_field = 0;
	snprintf(d->set.v[0].json_keys[0], NL_MAX_KEY, "fake_host");
	snprintf(d->set.v[0].json_keys[1], NL_MAX_KEY, "fake_count");
	snprintf(d->set.v[0].json_keys[2], NL_MAX_KEY, "fake_names");
}

/* Appends one packed result record ([field][type][len host order][bytes]). */
static size_t rec(uint8_t *b, size_t off, uint8_t field, uint8_t type, const void *v, uint16_t len)
{
	b[off] = field;
	b[off + 1] = type;
	memcpy(b + off + 2, &len, 2);
	memcpy(b + off + 4, v, len);
	return off + 4 + len;
}

static size_t good_blob(uint8_t *b)
{
	uint64_t n = 42;
	size_t off = rec(b, 0, 0, NL_FIELD_STR, "example.org", 11);
	off = rec(b, off, 1, NL_FIELD_U64, &n, 8);
	off = rec(b, off, 2, NL_FIELD_STR_LIST, "a", 1);
	return rec(b, off, 2, NL_FIELD_STR_LIST, "bb", 2);
}

static void tcp_flow(struct flow *f, uint16_t sport)
{
	memset(f, 0, sizeof(*f));
	f->key.family = 4;
	f->key.proto = L4_TCP;
	memcpy(f->key.a, (uint8_t[]){ 10, 0, 0, 1 }, 4);
	memcpy(f->key.b, (uint8_t[]){ 10, 0, 0, 2 }, 4);
	f->key.pa = sport;
	f->key.pb = 443;
	f->flags = FLOW_SRC_DECIDED | FLOW_LOCAL_A;
	f->state = TCP_ESTABLISHED;
	f->first_seen_us = 1700000000000000ull;
	f->last_seen_us = f->first_seen_us + 2500000;
	f->packets[0] = 10;
	f->packets[1] = 12;
	f->bytes[0] = 1000;
	f->bytes[1] = 50000;
	f->rate.bucket = 170000000;
	f->rate.cur[1] = 777;
	f->u.tcp.retransmits = 3;
	f->u.tcp.srtt_us = 1234;
}

/* ---- a sink that keeps what it was given ------------------------------ */

struct got {
	unsigned counters, flows, closed, names, finals, neighbors;
	int nb_family;
	uint8_t nb_addr[16], nb_mac[6];
	uint64_t nb_seen;
	struct mirror_counters c;
	struct flow f;
	int has_res;
	struct dpi_results res;
	uint8_t blob[DPI_RESULT_MAX_BYTES];
	char label[DPI_LABEL_MAX];
	enum close_reason why;
	char name[NAMES_MAX_LEN + 1];
};

static void g_counters(void *ctx, unsigned w, uint64_t now, const struct mirror_counters *c)
{
	struct got *g = ctx;
	(void)w; (void)now;
	g->counters++;
	g->c = *c;
}

static void keep(struct got *g, const struct flow *f, const struct dpi_results *r)
{
	g->f = *f;
	g->has_res = r != NULL;
	if (r) {
		g->res = *r;
		memcpy(g->blob, r->blob, r->len);
		g->res.blob = g->blob;
		snprintf(g->label, sizeof(g->label), "%s", r->label);
		g->res.label = g->label;
	}
}

static void g_flow(void *ctx, unsigned w, const struct flow *f, const struct dpi_results *r)
{
	struct got *g = ctx;
	(void)w;
	g->flows++;
	keep(g, f, r);
}

static void g_closed(void *ctx, unsigned w, const struct flow *f, const struct dpi_results *r,
		     enum close_reason why)
{
	struct got *g = ctx;
	(void)w;
	g->closed++;
	g->why = why;
	keep(g, f, r);
}

static void g_name(void *ctx, int fam, const uint8_t *a, const char *n, size_t len, uint32_t ttl)
{
	struct got *g = ctx;
	(void)fam; (void)a; (void)ttl;
	g->names++;
	memcpy(g->name, n, len);
	g->name[len] = '\0';
}

static void g_final(void *ctx, unsigned w)
{
	(void)w;
	((struct got *)ctx)->finals++;
}

static void g_neighbor(void *ctx, int fam, const uint8_t *a, const uint8_t mac[6], uint64_t seen)
{
	struct got *g = ctx;
	g->neighbors++;
	g->nb_family = fam;
	memcpy(g->nb_addr, a, fam == 4 ? 4 : 16);
	memcpy(g->nb_mac, mac, 6);
	g->nb_seen = seen;
}

static int decode(msgpack_sbuffer *sb, struct got *g, const char **why)
{
	struct mirror_sink s = { g, g_counters, g_flow, g_closed, g_name, g_final, g_neighbor };
	memset(g, 0, sizeof(*g));
	return mirror_decode((const uint8_t *)sb->data, sb->size, &s, why);
}

/* One snapshot: one open flow (with results when d), one closed, one name. */
static void pack_snapshot(msgpack_sbuffer *sb, const struct flow *open, const struct flow *gone,
			  const struct dpi *d, int final)
{
	msgpack_packer pk;
	struct mirror_counters c;
	memset(&c, 0, sizeof(c));
	c.stats.packets = 99;
	c.stats.by_proto_packets[L4_TCP] = 90;
	c.tcp.retransmits = 5;
	c.pcap_dropped = 7;
	c.dpi_offered = 11;
	c.dpi_stream_consumed = 13;
	c.dpi_stream_gaps = 17;
	msgpack_sbuffer_init(sb);
	msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
	mirror_pack_begin(&pk, 3, 1700000001000000ull, &c);
	mirror_pack_flows(&pk, 1);
	mirror_pack_flow(&pk, open, d);
	mirror_pack_closed(&pk, gone ? 1 : 0);
	if (gone)
		mirror_pack_closed_flow(&pk, gone, d, CLOSE_EVICTED);
	mirror_pack_names(&pk, 1);
	mirror_pack_name(&pk, 4, (const uint8_t[]){ 10, 0, 0, 2 }, "srv.example", 11, 300);
	mirror_pack_end(&pk, final);
	mirror_pack_neighbors(&pk, 1);
	mirror_pack_neighbor(&pk, 4, (const uint8_t[]){ 10, 0, 0, 2 },
			     (const uint8_t[]){ 0x02, 0x42, 0xac, 0x11, 0x00, 0x02 }, 1700000000500000ull);
}

START_TEST(test_roundtrip)
{
	struct flow f, g2;
	struct got g;
	msgpack_sbuffer sb;
	const char *why;
	tcp_flow(&f, 40000);
	tcp_flow(&g2, 40001);
	g2.state = TCP_CLOSED;
	pack_snapshot(&sb, &f, &g2, NULL, 1);
	ck_assert_int_eq(decode(&sb, &g, &why), 0);
	ck_assert_uint_eq(g.counters, 1);
	ck_assert_uint_eq(g.c.stats.packets, 99);
	ck_assert_uint_eq(g.c.stats.by_proto_packets[L4_TCP], 90);
	ck_assert_uint_eq(g.c.tcp.retransmits, 5);
	ck_assert_uint_eq(g.c.pcap_dropped, 7);
	ck_assert_uint_eq(g.c.dpi_offered, 11);		/* --stats' dpi_* with workers */
	ck_assert_uint_eq(g.c.dpi_stream_consumed, 13);
	ck_assert_uint_eq(g.c.dpi_stream_gaps, 17);
	ck_assert_uint_eq(g.flows, 1);
	ck_assert_uint_eq(g.closed, 1);
	ck_assert_int_eq(g.why, CLOSE_EVICTED);
	ck_assert_uint_eq(g.f.key.pa, 40000);	/* closed flows are applied first, open ones last */
	ck_assert_uint_eq(g.names, 1);
	ck_assert_str_eq(g.name, "srv.example");
	ck_assert_uint_eq(g.finals, 1);
	ck_assert_uint_eq(g.neighbors, 1);
	ck_assert_int_eq(g.nb_family, 4);
	ck_assert(!memcmp(g.nb_addr, (uint8_t[]){ 10, 0, 0, 2 }, 4));
	ck_assert(!memcmp(g.nb_mac, (uint8_t[]){ 0x02, 0x42, 0xac, 0x11, 0x00, 0x02 }, 6));
	ck_assert_uint_eq(g.nb_seen, 1700000000500000ull);
	msgpack_sbuffer_destroy(&sb);

	f.key.ifc = 3;		/* read on the fourth of -i's interfaces: travels in the key */
	pack_snapshot(&sb, &f, NULL, NULL, 0);
	ck_assert_int_eq(decode(&sb, &g, &why), 0);
	ck_assert_uint_eq(g.f.key.ifc, 3);
	ck_assert_uint_eq(g.finals, 0);
	ck_assert(!g.has_res);
	ck_assert(!memcmp(&g.f.key, &f.key, sizeof(f.key)));
	ck_assert_uint_eq(g.f.flags, f.flags);
	ck_assert_uint_eq(g.f.state, TCP_ESTABLISHED);
	ck_assert_uint_eq(g.f.first_seen_us, f.first_seen_us);
	ck_assert_uint_eq(g.f.last_seen_us, f.last_seen_us);
	ck_assert_uint_eq(g.f.packets[1], 12);
	ck_assert_uint_eq(g.f.bytes[1], 50000);
	ck_assert_uint_eq(g.f.rate.cur[1], 777);
	ck_assert_uint_eq(g.f.u.tcp.retransmits, 3);
	ck_assert_uint_eq(g.f.u.tcp.srtt_us, 1234);
	msgpack_sbuffer_destroy(&sb);

	f.key.ifc = FLOW_IFC_INDEXED;	/* -i any: an interface index, up to 255 */
	pack_snapshot(&sb, &f, NULL, NULL, 0);
	ck_assert_int_eq(decode(&sb, &g, &why), 0);
	ck_assert_uint_eq(g.f.key.ifc, FLOW_IFC_INDEXED);
	msgpack_sbuffer_destroy(&sb);
}
END_TEST

START_TEST(test_results_travel)
{
	struct dpi w, p;
	struct flow f;
	struct got g;
	msgpack_sbuffer sb;
	const char *why;
	uint8_t blob[256];
	size_t n = good_blob(blob);

	fake_dpi(&w);
	fake_dpi(&p);
	struct dpi_results in = { 0, "FAKE_DONE", blob, n };
	tcp_flow(&f, 40000);
	f.dpi = DPI_NONE;
	ck_assert_int_eq(dpi_import(&w, &f.dpi, &in), 0);	/* the worker's own results */
	pack_snapshot(&sb, &f, NULL, &w, 0);
	ck_assert_int_eq(decode(&sb, &g, &why), 0);
	ck_assert(g.has_res);
	ck_assert_int_eq(g.res.owner, 0);
	ck_assert_str_eq(g.res.label, "FAKE_DONE");
	ck_assert_uint_eq(g.res.len, n);

	uint32_t h = DPI_NONE;
	ck_assert_int_eq(dpi_import(&p, &h, &g.res), 0);
	size_t dl = 0;
	const char *dom = dpi_domain(&p, h, &dl);
	ck_assert_ptr_nonnull(dom);
	ck_assert_int_eq((int)dl, 11);
	ck_assert(!memcmp(dom, "example.org", 11));
	ck_assert_str_eq(dpi_state_label(&p, h), "FAKE_DONE");
	struct strbuf b;
	sb_init(&b);
	dpi_json(&p, h, &b);
	ck_assert_ptr_nonnull(strstr(b.buf, "\"fake_count\":42"));
	ck_assert_ptr_nonnull(strstr(b.buf, "\"fake_names\":[\"a\",\"bb\"]"));
	sb_free(&b);
	/* Importing nothing clears what was there. */
	struct dpi_results none = { -1, "", NULL, 0 };
	ck_assert_int_eq(dpi_import(&p, &h, &none), 0);
	ck_assert_uint_eq(h, DPI_NOTHING);
	msgpack_sbuffer_destroy(&sb);
	dpi_free(&w);
	dpi_free(&p);
}
END_TEST

START_TEST(test_results_refused)
{
	struct dpi p;
	uint8_t b[DPI_RESULT_MAX_BYTES + 64];
	uint64_t v = 1;
	uint32_t h = DPI_NONE;
	fake_dpi(&p);
	size_t n = rec(b, 0, 3, NL_FIELD_STR, "x", 1);	/* no field 3 */
	ck_assert_int_eq(dpi_import(&p, &h, &(struct dpi_results){ 0, "", b, n }), -1);
	n = rec(b, 0, 0, NL_FIELD_U64, &v, 8);		/* field 0 is a string */
	ck_assert_int_eq(dpi_import(&p, &h, &(struct dpi_results){ 0, "", b, n }), -1);
	n = rec(b, 0, 1, NL_FIELD_U64, &v, 4);		/* a number is 8 bytes */
	ck_assert_int_eq(dpi_import(&p, &h, &(struct dpi_results){ 0, "", b, n }), -1);
	n = rec(b, 0, 0, NL_FIELD_STR, "abcdef", 6);	/* a record cut short */
	ck_assert_int_eq(dpi_import(&p, &h, &(struct dpi_results){ 0, "", b, n - 2 }), -1);
	b[2] = 0xff; b[3] = 0xff;			/* a length past the end */
	ck_assert_int_eq(dpi_import(&p, &h, &(struct dpi_results){ 0, "", b, n }), -1);
	n = good_blob(b);
	ck_assert_int_eq(dpi_import(&p, &h, &(struct dpi_results){ 1, "", b, n }), -1);	/* no dissector 1 */
	ck_assert_int_eq(dpi_import(&p, &h, &(struct dpi_results){ -1, "", b, n }), -1);	/* results, no owner */
	ck_assert_int_eq(dpi_import(&p, &h, &(struct dpi_results){ 0, "", b, DPI_RESULT_MAX_BYTES + 1 }), -1);
	/* A label is printed as it is (record.c): only what set_state() allows
	 * (found by fuzz_dpi: a worker could send a terminal escape). */
	ck_assert_int_eq(dpi_import(&p, &h, &(struct dpi_results){ 0, "\x1b[2J", b, n }), -1);
	ck_assert_int_eq(dpi_import(&p, &h, &(struct dpi_results){ 0, "FAKE done", b, n }), -1);
	ck_assert_int_eq(dpi_import(&p, &h, &(struct dpi_results){ 0, "fake_done", b, n }), -1);
	ck_assert_uint_eq(h, DPI_NONE);	/* nothing was allocated */
	ck_assert_int_eq(dpi_import(&p, &h, &(struct dpi_results){ 0, "FAKE_DONE_2", b, n }), 0);
	ck_assert_str_eq(dpi_state_label(&p, h), "FAKE_DONE_2");
	dpi_release(&p, h);
	dpi_free(&p);
}
END_TEST

/* Re-encodes the one flow of a snapshot after change() edits it. */
static int decode_edited(void (*change)(struct flow *f))
{
	struct flow f;
	struct got g;
	msgpack_sbuffer sb;
	const char *why;
	tcp_flow(&f, 40000);
	change(&f);
	pack_snapshot(&sb, &f, NULL, NULL, 0);
	int rc = decode(&sb, &g, &why);
	msgpack_sbuffer_destroy(&sb);
	return rc;
}

static void closed_flag(struct flow *f) { f->flags |= FLOW_CLOSED; }
static void bad_state(struct flow *f) { f->state = TCP_STATE_COUNT; }
static void arp_family(struct flow *f) { f->key.family = 0; }
static void time_backwards(struct flow *f) { f->first_seen_us = f->last_seen_us + 1; }
static void no_proto(struct flow *f) { f->key.proto = L4_NONE; }
static void fine(struct flow *f) { (void)f; }

START_TEST(test_values_checked)
{
	ck_assert_int_eq(decode_edited(fine), 0);
	ck_assert_int_eq(decode_edited(closed_flag), -1);	/* the parent's flag */
	ck_assert_int_eq(decode_edited(bad_state), -1);		/* would index past the names */
	ck_assert_int_eq(decode_edited(arp_family), -1);	/* family 0 is ARP's alone */
	ck_assert_int_eq(decode_edited(time_backwards), -1);
	ck_assert_int_eq(decode_edited(no_proto), -1);
}
END_TEST

START_TEST(test_check_bounds)
{
	/* array32 announcing 4 billion elements in 5 bytes */
	static const uint8_t huge_array[] = { 0xdd, 0xff, 0xff, 0xff, 0xff };
	static const uint8_t huge_map[] = { 0xdf, 0x7f, 0xff, 0xff, 0xff, 0x01, 0x02 };
	static const uint8_t long_str[] = { 0xdb, 0x00, 0x10, 0x00, 0x00, 'a' };
	static const uint8_t trailing[] = { 0x01, 0x02 };
	static const uint8_t never[] = { 0xc1 };
	static const uint8_t ok[] = { 0x92, 0x01, 0xa1, 'x' };
	uint8_t deep[32];
	ck_assert_int_eq(mirror_check(huge_array, sizeof(huge_array)), -1);
	ck_assert_int_eq(mirror_check(huge_map, sizeof(huge_map)), -1);
	ck_assert_int_eq(mirror_check(long_str, sizeof(long_str)), -1);
	ck_assert_int_eq(mirror_check(trailing, sizeof(trailing)), -1);
	ck_assert_int_eq(mirror_check(never, sizeof(never)), -1);
	ck_assert_int_eq(mirror_check(ok, sizeof(ok)), 0);
	ck_assert_int_eq(mirror_check(ok, 0), -1);
	memset(deep, 0x91, sizeof(deep));	/* arrays of one array of one ... */
	deep[sizeof(deep) - 1] = 0x00;
	ck_assert_int_eq(mirror_check(deep, sizeof(deep)), -1);
	memset(deep, 0x91, 8);
	deep[8] = 0x00;
	ck_assert_int_eq(mirror_check(deep, 9), 0);

	const char *why = NULL;
	struct got g;
	struct mirror_sink s = { &g, g_counters, g_flow, g_closed, g_name, g_final, g_neighbor };
	ck_assert_int_eq(mirror_decode(huge_array, sizeof(huge_array), &s, &why), -1);
	ck_assert_ptr_nonnull(why);
	ck_assert_int_eq(mirror_decode(ok, sizeof(ok), &s, &why), -1);	/* not a snapshot */
}
END_TEST

/* Neighbours: an IPv6 one travels whole; a snapshot of 8 items (before
 * they were carried) is still read; a group MAC, a wrong family or length
 * is refused with the message. */
static int decode_neighbor(int items, int family, size_t alen, const uint8_t *mac, size_t mlen,
			   struct got *g)
{
	static const uint8_t a6[16] = { 0xfe, 0x80, [15] = 1 };
	msgpack_sbuffer sb;
	msgpack_packer pk;
	struct mirror_counters c;
	const char *why;
	memset(&c, 0, sizeof(c));
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, (size_t)items);
	msgpack_pack_uint32(&pk, MIRROR_VERSION);
	msgpack_pack_uint32(&pk, 0);
	msgpack_pack_uint64(&pk, 1);
	uint64_t v[64] = { 0 };
	msgpack_pack_array(&pk, 64);	/* counters: at least as many as there are */
	for (unsigned i = 0; i < 64; i++)
		msgpack_pack_uint64(&pk, v[i]);
	mirror_pack_flows(&pk, 0);
	mirror_pack_closed(&pk, 0);
	mirror_pack_names(&pk, 0);
	mirror_pack_end(&pk, 0);
	if (items > 8) {
		msgpack_pack_array(&pk, 1);
		msgpack_pack_array(&pk, 4);
		msgpack_pack_uint8(&pk, (uint8_t)family);
		msgpack_pack_bin(&pk, alen);
		msgpack_pack_bin_body(&pk, a6, alen);
		msgpack_pack_bin(&pk, mlen);
		msgpack_pack_bin_body(&pk, mac, mlen);
		msgpack_pack_uint64(&pk, 42);
	}
	int rc = decode(&sb, g, &why);
	msgpack_sbuffer_destroy(&sb);
	return rc;
}

START_TEST(test_neighbors_travel)
{
	static const uint8_t mac[7] = { 0x3c, 0x22, 0xfb, 1, 2, 3, 4 };
	static const uint8_t group[6] = { 0x33, 0x33, 0, 0, 0, 1 };
	struct got g;
	ck_assert_int_eq(decode_neighbor(9, 6, 16, mac, 6, &g), 0);
	ck_assert_uint_eq(g.neighbors, 1);
	ck_assert_int_eq(g.nb_family, 6);
	ck_assert_uint_eq(g.nb_addr[0], 0xfe);
	ck_assert_uint_eq(g.nb_addr[15], 1);
	ck_assert(!memcmp(g.nb_mac, mac, 6));
	ck_assert_uint_eq(g.nb_seen, 42);
	ck_assert_int_eq(decode_neighbor(8, 6, 16, mac, 6, &g), 0);	/* before neighbours */
	ck_assert_uint_eq(g.neighbors, 0);
	ck_assert_uint_eq(g.counters, 1);
	ck_assert_int_eq(decode_neighbor(9, 6, 16, group, 6, &g), -1);
	ck_assert_int_eq(decode_neighbor(9, 5, 16, mac, 6, &g), -1);
	ck_assert_int_eq(decode_neighbor(9, 4, 16, mac, 6, &g), -1);	/* v4 with 16 bytes */
	ck_assert_int_eq(decode_neighbor(9, 6, 4, mac, 6, &g), -1);
	ck_assert_int_eq(decode_neighbor(9, 6, 16, mac, 7, &g), -1);
	ck_assert_uint_eq(g.neighbors, 0);
}
END_TEST

START_TEST(test_version_refused)
{
	msgpack_sbuffer sb;
	msgpack_packer pk;
	struct got g;
	const char *why;
	msgpack_sbuffer_init(&sb);
	msgpack_packer_init(&pk, &sb, msgpack_sbuffer_write);
	msgpack_pack_array(&pk, 8);
	msgpack_pack_uint32(&pk, 2);
	for (int i = 0; i < 7; i++)
		msgpack_pack_nil(&pk);
	ck_assert_int_eq(decode(&sb, &g, &why), -1);
	ck_assert_ptr_nonnull(strstr(why, "version"));
	msgpack_sbuffer_destroy(&sb);
}
END_TEST

/* ---- the parent's table ------------------------------------------------ */

static unsigned n_new, n_closed;
static enum close_reason last_why;
static void on_ev(void *ctx, enum flow_event ev, const struct flow *f, enum close_reason why, uint64_t now)
{
	(void)ctx; (void)f; (void)now;
	if (ev == FLOW_EVENT_NEW)
		n_new++;
	else {
		n_closed++;
		last_why = why;
	}
}

START_TEST(test_parent_table)
{
	struct tracker t;
	struct dpi p;
	struct tracker_config cfg = { .max_flows = 4, .history = 8, .on_event = on_ev, .dpi = &p };
	struct flow f;
	uint8_t blob[256];
	size_t n = good_blob(blob);
	struct dpi_results res = { 0, "", blob, n };

	fake_dpi(&p);
	ck_assert_int_eq(tracker_init(&t, &cfg), 0);
	n_new = n_closed = 0;
	tcp_flow(&f, 40000);
	struct flow *m = tracker_mirror_flow(&t, &f, NULL, 0);
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(n_new, 1);
	ck_assert_uint_eq(t.table.count, 1);
	ck_assert_uint_eq(t.open_by_proto[L4_TCP], 1);
	ck_assert_uint_eq(m->bytes[1], 50000);
	ck_assert_uint_eq(m->rate.cur[1], 777);	/* one worker's flow: its rate as is */
	/* Later reports carry what is new since the last: they add up. */
	f.bytes[1] = 40000;
	f.packets[1] = 8;
	f.last_seen_us += 1000000;
	f.state = TCP_FIN_WAIT1;
	ck_assert_ptr_eq(tracker_mirror_flow(&t, &f, &res, 0), m);	/* an update, not a new flow */
	ck_assert_uint_eq(n_new, 1);
	ck_assert_uint_eq(m->bytes[1], 90000);
	ck_assert_uint_eq(m->packets[1], 20);
	ck_assert_uint_eq(m->state, TCP_FIN_WAIT1);
	ck_assert(dpi_flow_decided(m));
	size_t dl;
	ck_assert_ptr_nonnull(dpi_domain(&p, m->dpi, &dl));
	/* Workers' flows are never expired by the parent: the worker says. */
	ck_assert_uint_eq(tracker_advance(&t, f.last_seen_us + 3600ull * 1000000), 0);
	ck_assert_uint_eq(t.table.count, 1);
	f.bytes[1] = f.packets[1] = f.bytes[0] = f.packets[0] = 0;
	tracker_mirror_close(&t, &f, &res, CLOSE_IDLE, 0);
	ck_assert_uint_eq(n_closed, 1);
	ck_assert_uint_eq(t.table.count, 0);
	ck_assert_uint_eq(t.history.count, 1);
	ck_assert_uint_eq(t.open_by_proto[L4_TCP], 0);
	/* A flow born and gone between two snapshots: new, then closed. */
	tcp_flow(&f, 40002);
	tracker_mirror_close(&t, &f, NULL, CLOSE_EVICTED, 1);
	ck_assert_uint_eq(n_new, 2);
	ck_assert_uint_eq(n_closed, 2);
	ck_assert_int_eq(last_why, CLOSE_EVICTED);
	ck_assert_uint_eq(t.stats.flows_evicted, 1);
	/* Results that fail the field tables are counted, the flow kept. */
	tcp_flow(&f, 40003);
	blob[0] = 9;
	m = tracker_mirror_flow(&t, &f, &res, 0);
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(t.stats.malformed, 1);
	/* Full: the new flow is refused, nothing evicted. */
	for (uint16_t i = 0; i < 3; i++) {
		tcp_flow(&f, (uint16_t)(41000 + i));
		ck_assert_ptr_nonnull(tracker_mirror_flow(&t, &f, NULL, 0));
	}
	tcp_flow(&f, 42000);
	ck_assert_ptr_null(tracker_mirror_flow(&t, &f, NULL, 0));
	tracker_free(&t);
	dpi_free(&p);
}
END_TEST

/* An ICMP echo flow whose packets the kernel's hash spread over two
 * workers (it hashes the checksum in): one flow, the sum of its parts,
 * closed when both parts are; a dead worker's part is dropped. */
START_TEST(test_parent_split_flow)
{
	struct tracker t;
	struct tracker_config cfg = { .max_flows = 8, .history = 8, .on_event = on_ev };
	struct flow a, b;
	ck_assert_int_eq(tracker_init(&t, &cfg), 0);
	n_new = n_closed = 0;
	tcp_flow(&a, 7);
	a.key.proto = L4_ICMP;
	a.key.pb = 7;
	a.state = 1;
	a.packets[0] = 1; a.packets[1] = 1; a.bytes[0] = 84; a.bytes[1] = 84;
	b = a;
	b.first_seen_us = a.first_seen_us + 1000000;
	b.last_seen_us = a.last_seen_us + 1000000;
	b.state = 2;
	struct flow *m = tracker_mirror_flow(&t, &a, NULL, 0);
	ck_assert_ptr_eq(tracker_mirror_flow(&t, &b, NULL, 1), m);
	ck_assert_uint_eq(n_new, 1);
	ck_assert_uint_eq(m->packets[0], 2);
	ck_assert_uint_eq(m->bytes[1], 168);
	ck_assert_uint_eq(m->first_seen_us, a.first_seen_us);
	ck_assert_uint_eq(m->last_seen_us, b.last_seen_us);
	ck_assert_uint_eq(m->state, 2);	/* the latest part's */
	/* A part seen from the other end counts the other way round. */
	struct flow c = a;
	c.flags |= FLOW_SRC_IS_B;
	c.packets[0] = 5; c.packets[1] = 0; c.bytes[0] = 500; c.bytes[1] = 0;
	tracker_mirror_flow(&t, &c, NULL, 2);
	ck_assert_uint_eq(m->packets[1], 1 + 1 + 5);
	ck_assert_uint_eq(m->bytes[1], 84 + 84 + 500);
	a.packets[0] = a.packets[1] = 0; a.bytes[0] = a.bytes[1] = 0;
	tracker_mirror_close(&t, &a, NULL, CLOSE_IDLE, 0);
	ck_assert_uint_eq(n_closed, 0);	/* workers 1 and 2 still hold parts */
	ck_assert_uint_eq(tracker_mirror_drop_worker(&t, 2), 0);
	ck_assert_uint_eq(tracker_mirror_drop_worker(&t, 1), 1);	/* the last part gone */
	ck_assert_uint_eq(n_closed, 1);
	ck_assert_int_eq(last_why, CLOSE_WORKER_LOST);
	ck_assert_uint_eq(t.table.count, 0);
	tracker_free(&t);
}
END_TEST

/* A TCP flow that moved to another worker mid-stream (a restarted worker
 * changes the fanout group): its TCP counters travel as increments and add
 * up over both parts; the handshake RTT stays the first part's, and the
 * smoothed RTT the last known until the new part has a sample. */
START_TEST(test_parent_tcp_moved)
{
	struct tracker t;
	struct tracker_config cfg = { .max_flows = 8, .history = 8, .on_event = on_ev };
	struct flow a, b;
	ck_assert_int_eq(tracker_init(&t, &cfg), 0);
	n_new = n_closed = 0;
	tcp_flow(&a, 41001);
	a.u.tcp.retransmits = 17;
	a.u.tcp.out_of_order = 2;
	a.u.tcp.fast_retransmits = 5;
	a.u.tcp.dup_acks = 9;
	a.u.tcp.irtt_us = 762;
	struct flow *m = tracker_mirror_flow(&t, &a, NULL, 0);
	ck_assert_ptr_nonnull(m);
	/* The same worker again: 1 more retransmission since its last report. */
	a.packets[0] = 2; a.packets[1] = 0; a.bytes[0] = 200; a.bytes[1] = 0;
	a.u.tcp.retransmits = 1;
	a.u.tcp.out_of_order = a.u.tcp.fast_retransmits = 0;
	a.u.tcp.dup_acks = 0;
	a.last_seen_us += 1000000;
	tracker_mirror_flow(&t, &a, NULL, 0);
	ck_assert_uint_eq(m->u.tcp.retransmits, 18);
	/* Worker 1 picks the flow up mid-stream: no handshake, no RTT sample. */
	tcp_flow(&b, 41001);
	b.first_seen_us = a.last_seen_us + 500000;
	b.last_seen_us = b.first_seen_us + 1000000;
	b.state = TCP_FIN_WAIT1;
	b.u.tcp.retransmits = 0;
	b.u.tcp.srtt_us = 0;
	b.u.tcp.dup_acks = 4;
	ck_assert_ptr_eq(tracker_mirror_flow(&t, &b, NULL, 1), m);
	ck_assert_uint_eq(n_new, 1);
	ck_assert_uint_eq(m->state, TCP_FIN_WAIT1);	/* the latest part's */
	ck_assert_uint_eq(m->u.tcp.retransmits, 18);
	ck_assert_uint_eq(m->u.tcp.out_of_order, 2);
	ck_assert_uint_eq(m->u.tcp.fast_retransmits, 5);
	ck_assert_uint_eq(m->u.tcp.dup_acks, 13);
	ck_assert_uint_eq(m->u.tcp.irtt_us, 762);
	ck_assert_uint_eq(m->u.tcp.srtt_us, 1234);
	/* Its first sample and more retransmissions. */
	b.packets[0] = b.packets[1] = 1;
	b.u.tcp.retransmits = 2;
	b.u.tcp.dup_acks = 0;
	b.u.tcp.srtt_us = 900;
	b.u.tcp.irtt_us = 0;
	b.last_seen_us += 1000000;
	tracker_mirror_flow(&t, &b, NULL, 1);
	ck_assert_uint_eq(m->u.tcp.retransmits, 20);
	ck_assert_uint_eq(m->u.tcp.srtt_us, 900);
	ck_assert_uint_eq(m->u.tcp.irtt_us, 762);
	/* Saturating, not wrapping. */
	b.u.tcp.retransmits = UINT32_MAX;
	b.u.tcp.fast_retransmits = UINT16_MAX;
	tracker_mirror_flow(&t, &b, NULL, 1);
	ck_assert_uint_eq(m->u.tcp.retransmits, UINT32_MAX);
	ck_assert_uint_eq(m->u.tcp.fast_retransmits, UINT16_MAX);
	tracker_free(&t);
}
END_TEST

/* ---- --format msgpack ------------------------------------------------- */

static const msgpack_object *map_get(const msgpack_object *m, const char *key)
{
	for (uint32_t i = 0; i < m->via.map.size; i++) {
		const msgpack_object_kv *kv = &m->via.map.ptr[i];
		if (kv->key.type == MSGPACK_OBJECT_STR && kv->key.via.str.size == strlen(key) &&
		    !memcmp(kv->key.via.str.ptr, key, strlen(key)))
			return &kv->val;
	}
	return NULL;
}

START_TEST(test_json_to_msgpack)
{
	static const char json[] =
		"{\"timestamp\":\"2026-12-03T10:00:00.000001Z\",\"source_port\":443,\"neg\":-5,"
		"\"rtt_ms\":1.250,\"s\":\"a\\\"b\\\\c\\n\\u00e9\\ud83d\\ude00\",\"l\":[\"x\",\"y\"],"
		"\"e\":[],\"t\":true,\"f\":false,\"z\":null,"
		"\"kubernetes\":{\"pod_uid\":\"u\",\"n\":2},\"o\":{}}";
	struct strbuf b;
	msgpack_unpacked u;
	size_t off = 0;
	sb_init(&b);
	ck_assert_int_eq(msgpack_from_json(json, strlen(json), &b), 0);
	msgpack_unpacked_init(&u);
	ck_assert_int_eq(msgpack_unpack_next(&u, b.buf, b.len, &off), MSGPACK_UNPACK_SUCCESS);
	ck_assert_uint_eq(off, b.len);
	const msgpack_object *m = &u.data;
	ck_assert_int_eq(m->type, MSGPACK_OBJECT_MAP);
	ck_assert_uint_eq(m->via.map.size, 12);
	const msgpack_object *v = map_get(m, "kubernetes");
	ck_assert_int_eq(v->type, MSGPACK_OBJECT_MAP);
	ck_assert_uint_eq(v->via.map.size, 2);
	ck_assert_uint_eq(map_get(v, "n")->via.u64, 2);
	ck_assert_uint_eq(map_get(m, "o")->via.map.size, 0);
	v = map_get(m, "source_port");
	ck_assert_int_eq(v->type, MSGPACK_OBJECT_POSITIVE_INTEGER);
	ck_assert_uint_eq(v->via.u64, 443);
	ck_assert_int_eq(map_get(m, "neg")->via.i64, -5);
	v = map_get(m, "rtt_ms");
	ck_assert_int_eq(v->type, MSGPACK_OBJECT_FLOAT64);
	/* msgpack-c's zone aligns objects to sizeof(void *) only: on 32-bit MIPS
	 * a double loaded from one traps (ldc1 needs 8; msgpack-c #460), and the
	 * compiler turns any plain copy of it into that load. Two volatile
	 * 32-bit reads stay two lw. */
	const volatile uint32_t *half = (const volatile uint32_t *)(const volatile void *)&v->via;
	uint32_t bits[2] = { half[0], half[1] };
	double f64;
	memcpy(&f64, bits, sizeof(f64));
	ck_assert(f64 > 1.2499 && f64 < 1.2501);
	v = map_get(m, "s");
	ck_assert_uint_eq(v->via.str.size, 12);
	ck_assert(!memcmp(v->via.str.ptr, "a\"b\\c\n\xc3\xa9\xf0\x9f\x98\x80", 12));
	v = map_get(m, "l");
	ck_assert_int_eq(v->type, MSGPACK_OBJECT_ARRAY);
	ck_assert_uint_eq(v->via.array.size, 2);
	ck_assert_uint_eq(map_get(m, "e")->via.array.size, 0);
	ck_assert_int_eq(map_get(m, "t")->type, MSGPACK_OBJECT_BOOLEAN);
	ck_assert_int_eq(map_get(m, "z")->type, MSGPACK_OBJECT_NIL);
	msgpack_unpacked_destroy(&u);

	size_t before = b.len;
	static const char *const bad[] = { "", "[1]", "{\"a\":}", "{\"a\":1", "{\"a\":\"\\q\"}",
					   "{\"a\":1}x", "{\"a\":[1,}", "{\"a\":\"\x01\"}",
					   "{\"a\":{\"b\":{\"c\":{}}}}", "{\"a\":{\"b\":1}", "{\"a\":[{}]}" };
	for (unsigned i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		ck_assert_msg(msgpack_from_json(bad[i], strlen(bad[i]), &b) == -1, "accepted %s", bad[i]);
	ck_assert_uint_eq(b.len, before);	/* nothing half-written */
	sb_free(&b);
}
END_TEST

static Suite *mirror_suite(void)
{
	Suite *s = suite_create("mirror");
	TCase *tc = tcase_create("valid");
	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_results_travel);
	tcase_add_test(tc, test_parent_table);
	tcase_add_test(tc, test_parent_split_flow);
	tcase_add_test(tc, test_parent_tcp_moved);
	tcase_add_test(tc, test_json_to_msgpack);
	suite_add_tcase(s, tc);
	tc = tcase_create("malformed");
	tcase_add_test(tc, test_results_refused);
	tcase_add_test(tc, test_values_checked);
	tcase_add_test(tc, test_check_bounds);
	tcase_add_test(tc, test_version_refused);
	tcase_add_test(tc, test_neighbors_travel);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(mirror_suite());
}
