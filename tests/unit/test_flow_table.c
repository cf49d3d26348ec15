/* test_flow_table.c - the bounded flow table and its timer wheel
 * (core/flow_table.c). The owner's deadline is the flow's last_seen_us
 * here, so a test sets deadlines directly. */
#include "config.h"

#include "unit.h"

#include <errno.h>

#include "flow_table.h"
#include "keyhash.h"

#define USEC 1000000ull
#define T0 (1700000000ull * USEC)	/* a realistic epoch: slot arithmetic wraps */

struct tctx {
	uint64_t now;			/* the time advance() was called with */
	uint32_t expired;		/* expire() calls */
	uint32_t expired_ids[1024];
	uint32_t deadline_calls;
	struct flow_table *t;
};

static uint64_t deadline_of(const struct flow *f, void *ctx)
{
	struct tctx *c = ctx;
	c->deadline_calls++;
	return f->last_seen_us;
}

static void expire_cb(struct flow *f, void *ctx)
{
	struct tctx *c = ctx;
	ck_assert_msg(f->last_seen_us <= c->now, "flow %u expired at %llu before its deadline %llu",
		      f->id, (unsigned long long)c->now, (unsigned long long)f->last_seen_us);
	if (c->expired < 1024)
		c->expired_ids[c->expired] = f->id;
	c->expired++;
	flow_table_remove(c->t, f);
}

static void table_init(struct flow_table *t, struct tctx *c, uint32_t cap)
{
	memset(c, 0, sizeof(*c));
	c->t = t;
	ck_assert_int_eq(flow_table_init(t, cap, deadline_of, c), 0);
}

static struct flow_key key_n(uint32_t n)
{
	struct flow_key k;
	memset(&k, 0, sizeof(k));
	ip4_store(k.a, IP4(10, 0, n >> 8 & 0xff, n & 0xff));
	ip4_store(k.b, IP4(192, 0, 2, 1));
	k.pa = (uint16_t)(1024 + n);
	k.pb = 443;
	k.proto = L4_TCP;
	k.family = 4;
	return k;
}

static struct flow *add(struct flow_table *t, uint32_t n, uint64_t deadline)
{
	struct flow_key k = key_n(n);
	struct flow *f = flow_table_insert(t, &k, flow_key_hash(t, &k));
	ck_assert_ptr_nonnull(f);
	f->last_seen_us = deadline;
	flow_table_schedule(t, f);
	return f;
}

static struct flow *find(struct flow_table *t, uint32_t n)
{
	struct flow_key k = key_n(n);
	return flow_table_lookup(t, &k, flow_key_hash(t, &k));
}

static uint32_t advance(struct flow_table *t, struct tctx *c, uint64_t now, uint32_t budget)
{
	c->now = now;
	return flow_table_advance(t, now, budget, expire_cb, c);
}

/* ---- valid: which slots hold a flow ------------------------------------------ */

START_TEST(test_holds_tracks_free_slots)
{
	/* flow_table_holds() replaces a hash lookup in the output's checks:
	 * it must say no for a freed slot (whose bytes stay), yes again once
	 * the slot is reused (with a new serial), no past used_hi. */
	struct flow_table t;
	struct tctx c;
	table_init(&t, &c, 8);
	advance(&t, &c, T0, 100);	/* starts the wheel */
	struct flow *f[3];
	for (uint32_t i = 0; i < 3; i++)
		f[i] = add(&t, i + 1, T0 + (i + 1) * USEC);
	uint32_t mid = flow_index(&t, f[1]), mid_id = f[1]->id;
	for (uint32_t i = 0; i < 3; i++)
		ck_assert(flow_table_holds(&t, flow_index(&t, f[i])));
	ck_assert(!flow_table_holds(&t, t.used_hi));
	ck_assert(!flow_table_holds(&t, 7));

	flow_table_remove(&t, f[1]);
	ck_assert(!flow_table_holds(&t, mid));
	ck_assert_uint_eq(flow_at(&t, mid)->id, mid_id);	/* the stale serial stays */
	ck_assert(flow_table_holds(&t, flow_index(&t, f[0])));
	ck_assert(flow_table_holds(&t, flow_index(&t, f[2])));
	/* Walking the slab finds exactly the flows the hash chains hold. */
	uint32_t held = 0;
	for (uint32_t i = 0; i < t.used_hi; i++)
		if (flow_table_holds(&t, i)) {
			struct flow *g = flow_at(&t, i);
			ck_assert_ptr_eq(flow_table_lookup(&t, &g->key, flow_key_hash(&t, &g->key)), g);
			held++;
		}
	ck_assert_uint_eq(held, t.count);

	struct flow *n = add(&t, 9, T0 + 2 * USEC);	/* reuses the freed slot */
	ck_assert_uint_eq(flow_index(&t, n), mid);
	ck_assert(flow_table_holds(&t, mid));
	ck_assert_uint_ne(n->id, mid_id);
	ck_assert_uint_lt(n->wheel_slot, WHEEL_SLOTS);	/* filed as usual */

	/* Expired by the wheel: freed and marked the same way. */
	advance(&t, &c, T0 + 10 * USEC, 100);
	ck_assert_uint_eq(t.count, 0);
	for (uint32_t i = 0; i < t.used_hi; i++)
		ck_assert(!flow_table_holds(&t, i));
	ck_assert_ptr_null(flow_table_victim(&t));
	flow_table_free(&t);
}
END_TEST

/* ---- valid: table --------------------------------------------------------- */

START_TEST(test_flow_size)
{
	ck_assert_uint_le(sizeof(struct flow), 192);
	ck_assert_uint_eq(sizeof(struct flow_key), 40);
}
END_TEST

START_TEST(test_init_rejects_bad_caps)
{
	struct flow_table t;
	struct tctx c;
	ck_assert_int_eq(flow_table_init(&t, 0, deadline_of, &c), -EINVAL);
	ck_assert_int_eq(flow_table_init(&t, FLOW_NONE, deadline_of, &c), -EINVAL);
	ck_assert_int_eq(flow_table_init(&t, 1, deadline_of, &c), 0);
	ck_assert_uint_eq(t.cap, 1);
	flow_table_free(&t);
}
END_TEST

START_TEST(test_insert_lookup_remove)
{
	struct flow_table t;
	struct tctx c;
	table_init(&t, &c, 8);
	struct flow_key k = key_n(1);
	uint64_t h = flow_key_hash(&t, &k);
	ck_assert_ptr_null(flow_table_lookup(&t, &k, h));
	struct flow *f = flow_table_insert(&t, &k, h);
	ck_assert_ptr_nonnull(f);
	ck_assert_mem_eq(&f->key, &k, sizeof(k));
	ck_assert_uint_eq(f->packets[0], 0);
	ck_assert_uint_eq(f->bytes[1], 0);
	ck_assert_uint_eq(f->wheel_slot, WHEEL_NONE);
	ck_assert_uint_eq(t.count, 1);
	ck_assert_ptr_eq(flow_table_lookup(&t, &k, h), f);
	ck_assert_ptr_eq(flow_at(&t, flow_index(&t, f)), f);

	struct flow *g = add(&t, 2, T0);
	ck_assert_ptr_ne(g, f);
	ck_assert_uint_ne(g->id, f->id);
	ck_assert_ptr_eq(find(&t, 2), g);
	ck_assert_ptr_eq(find(&t, 1), f);

	flow_table_remove(&t, f);
	ck_assert_ptr_null(flow_table_lookup(&t, &k, h));
	ck_assert_ptr_eq(find(&t, 2), g);
	ck_assert_uint_eq(t.count, 1);
	flow_table_remove(&t, g);	/* was in the wheel */
	ck_assert_ptr_null(find(&t, 2));
	ck_assert_uint_eq(t.count, 0);
	ck_assert_ptr_null(flow_table_victim(&t));
	flow_table_free(&t);
}
END_TEST

/* 32-bit targets have no __int128: the portable product must give the same
 * hashes (known answers from Python's big integers, then random words
 * against __int128 where the compiler has it). */
START_TEST(test_keyhash_portable_mix)
{
	static const struct { uint64_t a, b, r; } v[] = {
		{ 0, 0, 0 },
		{ 1, 1, 1 },
		{ UINT64_MAX, UINT64_MAX, UINT64_MAX },
		{ 0x9e3779b97f4a7c15ULL, 0xe7037ed1a0b428dbULL, 0x0850f9794d5108b4ULL },
		{ 0xffffffffULL, 0xffffffff00000001ULL, 0x100000001ULL },
		{ 0x8ebc6af09c88c6e3ULL, 0x0123456789abcdefULL, 0x42161cfced70048fULL },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		ck_assert_uint_eq(keyhash_mix_portable(v[i].a, v[i].b), v[i].r);
		ck_assert_uint_eq(keyhash_mix(v[i].a, v[i].b), v[i].r);
	}
	uint64_t x = 0x243f6a8885a308d3ULL;
	for (int i = 0; i < 100000; i++) {
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;	/* xorshift64 */
		uint64_t y = x * 0x9e3779b97f4a7c15ULL;
		ck_assert_uint_eq(keyhash_mix_portable(x, y), keyhash_mix(x, y));
	}
}
END_TEST

START_TEST(test_key_independence)
{
	/* Keys built separately but equal meet in one flow; a change in any
	 * field is another flow. */
	struct flow_table t;
	struct tctx c;
	table_init(&t, &c, 64);
	struct flow_key base = key_n(7);
	struct flow *f = flow_table_insert(&t, &base, flow_key_hash(&t, &base));
	struct flow_key same;
	memset(&same, 0, sizeof(same));
	memcpy(same.a, base.a, 16);
	memcpy(same.b, base.b, 16);
	same.pa = base.pa;
	same.pb = base.pb;
	same.proto = L4_TCP;
	same.family = 4;
	ck_assert(flow_key_hash(&t, &same) == flow_key_hash(&t, &base));
	ck_assert_ptr_eq(flow_table_lookup(&t, &same, flow_key_hash(&t, &same)), f);

	struct flow_key v[6];
	for (int i = 0; i < 6; i++)
		v[i] = base;
	v[0].a[3] ^= 1;
	v[1].b[15] = 1;
	v[2].pa++;
	v[3].pb++;
	v[4].proto = L4_UDP;
	v[5].family = 6;
	for (int i = 0; i < 6; i++) {
		ck_assert_msg(flow_table_lookup(&t, &v[i], flow_key_hash(&t, &v[i])) == NULL,
			      "variant %d found the base flow", i);
		ck_assert_ptr_nonnull(flow_table_insert(&t, &v[i], flow_key_hash(&t, &v[i])));
	}
	for (int i = 0; i < 6; i++) {
		struct flow *g = flow_table_lookup(&t, &v[i], flow_key_hash(&t, &v[i]));
		ck_assert_ptr_nonnull(g);
		ck_assert_mem_eq(&g->key, &v[i], sizeof(v[i]));
	}
	ck_assert_uint_eq(t.count, 7);
	flow_table_free(&t);
}
END_TEST

START_TEST(test_capacity_full)
{
	struct flow_table t;
	struct tctx c;
	table_init(&t, &c, 4);
	for (uint32_t i = 0; i < 4; i++) {
		ck_assert(!flow_table_full(&t));
		add(&t, i, T0 + i * USEC);
	}
	ck_assert(flow_table_full(&t));
	struct flow_key k = key_n(99);
	ck_assert_ptr_null(flow_table_insert(&t, &k, flow_key_hash(&t, &k)));
	ck_assert_uint_eq(t.count, 4);
	for (uint32_t i = 0; i < 4; i++)
		ck_assert_ptr_nonnull(find(&t, i));
	flow_table_free(&t);
}
END_TEST

START_TEST(test_free_list_reuse)
{
	struct flow_table t;
	struct tctx c;
	table_init(&t, &c, 4);
	struct flow *f[4];
	for (uint32_t i = 0; i < 4; i++)
		f[i] = add(&t, i, T0 + 10 * USEC);
	uint32_t old_id = f[2]->id;
	uint32_t idx = flow_index(&t, f[2]);
	flow_table_remove(&t, f[2]);
	ck_assert(!flow_table_full(&t));
	struct flow *n = add(&t, 50, T0 + 20 * USEC);
	ck_assert_uint_eq(flow_index(&t, n), idx);	/* the freed slot, not a new one */
	ck_assert_uint_eq(t.used_hi, 4);
	ck_assert_uint_ne(n->id, old_id);
	ck_assert_uint_gt(n->id, f[3]->id);
	ck_assert_uint_eq(n->packets[0], 0);		/* zeroed */
	ck_assert_ptr_null(find(&t, 2));
	ck_assert_ptr_eq(find(&t, 50), n);
	ck_assert(flow_table_full(&t));
	flow_table_free(&t);
}
END_TEST

START_TEST(test_many_chained)
{
	/* 500 flows in 512 buckets: chains form; removing every other one
	 * keeps the rest findable. */
	struct flow_table t;
	struct tctx c;
	table_init(&t, &c, 500);
	for (uint32_t i = 0; i < 500; i++)
		add(&t, i, T0 + (i % 50) * USEC);
	for (uint32_t i = 0; i < 500; i += 2)
		flow_table_remove(&t, find(&t, i));
	for (uint32_t i = 0; i < 500; i++)
		ck_assert_msg((find(&t, i) != NULL) == (i % 2 == 1), "flow %u", i);
	ck_assert_uint_eq(t.count, 250);
	flow_table_free(&t);
}
END_TEST

static void count_cb(struct flow *f, void *ctx)
{
	uint32_t *seen = ctx;
	seen[f->key.pa - 1024]++;
}

struct rm_ctx { struct flow_table *t; uint32_t visited; };

static void remove_cb(struct flow *f, void *ctx)
{
	struct rm_ctx *r = ctx;
	r->visited++;
	flow_table_remove(r->t, f);
}

START_TEST(test_foreach)
{
	struct flow_table t;
	struct tctx c;
	uint32_t seen[40] = { 0 };
	table_init(&t, &c, 40);
	for (uint32_t i = 0; i < 40; i++)
		add(&t, i, T0 + USEC);
	flow_table_foreach(&t, count_cb, seen);
	for (uint32_t i = 0; i < 40; i++)
		ck_assert_uint_eq(seen[i], 1);
	struct rm_ctx r = { &t, 0 };
	flow_table_foreach(&t, remove_cb, &r);	/* removing while walking */
	ck_assert_uint_eq(r.visited, 40);
	ck_assert_uint_eq(t.count, 0);
	flow_table_free(&t);
}
END_TEST

/* ---- valid: buckets that follow the live count ------------------------------ */

/* Longest chain in the table's buckets. */
static uint32_t longest_chain(const struct flow_table *t)
{
	uint32_t worst = 0;
	for (uint32_t b = 0; b <= t->mask; b++) {
		uint32_t n = 0;
		for (uint32_t i = t->buckets[b]; i != FLOW_NONE; i = t->slab[i].hash_next)
			n++;
		if (n > worst)
			worst = n;
	}
	return worst;
}

START_TEST(test_buckets_grow_with_count)
{
	/* The default cap's buckets start small, double as the count passes
	 * them, every flow stays findable and a key's hash does not change;
	 * removing flows never shrinks them. */
	struct flow_table t;
	struct tctx c;
	table_init(&t, &c, 100000);
	advance(&t, &c, T0, 100);
	ck_assert_uint_eq(t.mask + 1, FLOW_BUCKETS_START);
	ck_assert_uint_eq(t.mask_max + 1, 131072);
	struct flow_key k0 = key_n(0);
	uint64_t h0 = flow_key_hash(&t, &k0);
	for (uint32_t i = 0; i < 5000; i++) {
		add(&t, i, T0 + (i % 90) * USEC);
		ck_assert_uint_ge(t.mask + 1, t.count);	/* load factor at most 1 */
	}
	ck_assert_uint_eq(t.mask + 1, 8192);
	ck_assert(flow_key_hash(&t, &k0) == h0);
	for (uint32_t i = 0; i < 5000; i++)
		ck_assert_msg(find(&t, i) != NULL, "flow %u lost in a rehash", i);
	for (uint32_t i = 0; i < 5000; i += 2)
		flow_table_remove(&t, find(&t, i));
	ck_assert_uint_eq(t.mask + 1, 8192);
	for (uint32_t i = 0; i < 5000; i++)
		ck_assert_msg((find(&t, i) != NULL) == (i % 2 == 1), "flow %u", i);
	/* The wheel does not care: everything still expires on time. */
	ck_assert_uint_eq(advance(&t, &c, T0 + 100 * USEC, 10000), 2500);
	ck_assert_uint_eq(t.count, 0);
	flow_table_free(&t);
}
END_TEST

START_TEST(test_buckets_bounded_by_cap)
{
	/* A small cap starts at its own size and never grows past it; a cap
	 * just above the start size grows once, to the next power of two. */
	struct flow_table t;
	struct tctx c;
	table_init(&t, &c, 100);
	ck_assert_uint_eq(t.mask + 1, 128);
	for (uint32_t i = 0; i < 100; i++)
		add(&t, i, T0 + USEC);
	ck_assert_uint_eq(t.mask + 1, 128);
	flow_table_free(&t);

	table_init(&t, &c, FLOW_BUCKETS_START + 1);
	for (uint32_t i = 0; i < FLOW_BUCKETS_START + 1; i++)
		add(&t, i, T0 + USEC);
	ck_assert_uint_eq(t.mask + 1, 2 * FLOW_BUCKETS_START);
	ck_assert_uint_eq(t.mask, t.mask_max);
	ck_assert(flow_table_full(&t));
	struct flow_key k = key_n(5000);
	ck_assert_ptr_null(flow_table_insert(&t, &k, flow_key_hash(&t, &k)));
	for (uint32_t i = 0; i < FLOW_BUCKETS_START + 1; i++)
		ck_assert_ptr_nonnull(find(&t, i));
	flow_table_free(&t);
}
END_TEST

struct walk_ctx {
	struct flow_table *t;
	uint32_t mask_at_start;
	uint8_t seen[4096];
	uint32_t inserted;
	uint32_t removed;
};

/* Visits a flow of the first 1024: inserts a new one (number 2048 + its
 * own) and removes every third one it is given. */
static void walk_insert_cb(struct flow *f, void *ctx)
{
	struct walk_ctx *w = ctx;
	uint32_t n = (uint32_t)(f->key.pa - 1024);
	ck_assert_uint_lt(n, 4096);
	ck_assert_uint_eq(w->t->mask, w->mask_at_start);	/* no rehash under the walk */
	w->seen[n]++;
	if (n < 1024) {
		add(w->t, 2048 + n, T0 + 50 * USEC);
		w->inserted++;
		if (n % 3 == 0) {
			flow_table_remove(w->t, f);
			w->removed++;
		}
	}
}

START_TEST(test_growth_waits_for_foreach)
{
	/* Inserting during a walk pushes the count past the buckets; the walk
	 * sees every old flow exactly once (no rehash reorders it), and the
	 * buckets grow when it ends. */
	struct flow_table t;
	struct tctx c;
	table_init(&t, &c, 10000);
	for (uint32_t i = 0; i < FLOW_BUCKETS_START; i++)
		add(&t, i, T0 + 40 * USEC);
	ck_assert_uint_eq(t.mask + 1, FLOW_BUCKETS_START);
	struct walk_ctx w;
	memset(&w, 0, sizeof(w));
	w.t = &t;
	w.mask_at_start = t.mask;
	flow_table_foreach(&t, walk_insert_cb, &w);
	for (uint32_t i = 0; i < FLOW_BUCKETS_START; i++)
		ck_assert_msg(w.seen[i] == 1, "old flow %u seen %u times", i, w.seen[i]);
	for (uint32_t i = 2048; i < 2048 + FLOW_BUCKETS_START; i++)
		ck_assert_uint_le(w.seen[i], 1);
	ck_assert_uint_eq(w.inserted, FLOW_BUCKETS_START);
	ck_assert_uint_eq(t.count, 2 * FLOW_BUCKETS_START - w.removed);
	ck_assert_uint_ge(t.mask + 1, t.count);	/* grown after the walk */
	ck_assert_uint_gt(t.mask, w.mask_at_start);
	for (uint32_t i = 0; i < FLOW_BUCKETS_START; i++) {
		ck_assert_msg((find(&t, i) != NULL) == (i % 3 != 0), "old flow %u", i);
		ck_assert_msg(find(&t, 2048 + i) != NULL, "new flow %u", 2048 + i);
	}
	/* A second walk sees every flow once, and removing all of them empties it. */
	struct rm_ctx r = { &t, 0 };
	uint32_t before = t.count;
	flow_table_foreach(&t, remove_cb, &r);
	ck_assert_uint_eq(r.visited, before);
	ck_assert_uint_eq(t.count, 0);
	flow_table_free(&t);
}
END_TEST

START_TEST(test_victim_after_growth)
{
	/* Rehashing moves flows between buckets, not between wheel slots: the
	 * eviction victim is still the one nearest its deadline. */
	struct flow_table t;
	struct tctx c;
	table_init(&t, &c, 4000);
	advance(&t, &c, T0, 100);
	for (uint32_t i = 0; i < 3000; i++)
		if (i != 1234)
			add(&t, i, T0 + (100 + i % 200) * USEC);
	struct flow *near = add(&t, 1234, T0 + 99 * USEC);
	ck_assert_uint_eq(t.mask + 1, 4096);
	ck_assert_ptr_eq(flow_table_victim(&t), near);
	flow_table_remove(&t, near);
	struct flow *v = flow_table_victim(&t);
	ck_assert_ptr_nonnull(v);
	ck_assert_uint_eq(v->last_seen_us, T0 + 100 * USEC);
	ck_assert_ptr_null(find(&t, 1234));
	flow_table_free(&t);
}
END_TEST

static struct flow_key key_wide(uint32_t n)
{
	struct flow_key k = key_n(0);
	ip4_store(k.a, IP4(10, n >> 16 & 0xff, n >> 8 & 0xff, n & 0xff));
	k.pa = (uint16_t)(n >> 24 | 1);
	return k;
}

START_TEST(test_growth_stays_keyed)
{
	/* Keys picked to share one bucket of a grown table (what a sender who
	 * knew its secret could send) spread out in another table, grown the
	 * same way: the rehash uses each table's own secret. */
	struct flow_table a, b;
	struct tctx ca, cb;
	table_init(&a, &ca, 20000);
	table_init(&b, &cb, 20000);
	ck_assert(a.seed[0] != b.seed[0] || a.seed[1] != b.seed[1]);
	for (uint32_t i = 0; i < 9000; i++) {
		add(&a, i, T0 + USEC);
		add(&b, i, T0 + USEC);
	}
	ck_assert_uint_eq(a.mask + 1, 16384);
	ck_assert_uint_eq(b.mask + 1, 16384);
	struct flow_key hostile[100];
	uint32_t found = 0;
	for (uint32_t n = 0; found < 100 && n < (1u << 26); n++) {
		struct flow_key k = key_wide(n);
		if ((flow_key_hash(&a, &k) & a.mask) == 0)
			hostile[found++] = k;
	}
	ck_assert_uint_eq(found, 100);
	uint32_t base_chain = longest_chain(&b);
	for (uint32_t i = 0; i < found; i++)
		ck_assert_ptr_nonnull(flow_table_insert(&b, &hostile[i], flow_key_hash(&b, &hostile[i])));
	ck_assert_uint_eq(b.mask + 1, 16384);
	ck_assert_uint_le(longest_chain(&b), base_chain + 3);
	for (uint32_t i = 0; i < found; i++)
		ck_assert_ptr_nonnull(flow_table_insert(&a, &hostile[i], flow_key_hash(&a, &hostile[i])));
	ck_assert_uint_ge(longest_chain(&a), 100);	/* what they would do with a known secret */
	flow_table_free(&a);
	flow_table_free(&b);
}
END_TEST

/* ---- valid: timer wheel ----------------------------------------------------- */

START_TEST(test_advance_expires_due_flows)
{
	struct flow_table t;
	struct tctx c;
	table_init(&t, &c, 16);
	ck_assert_uint_eq(advance(&t, &c, T0, 100), 0);		/* starts the wheel */
	add(&t, 1, T0 + 5 * USEC);
	add(&t, 2, T0 + 5 * USEC + 500000);
	add(&t, 3, T0 + 10 * USEC);
	add(&t, 4, T0 + 10 * USEC + 200000);
	add(&t, 5, T0 + 300 * USEC);

	ck_assert_uint_eq(advance(&t, &c, T0 + 4 * USEC, 100), 0);
	ck_assert_uint_eq(advance(&t, &c, T0 + 5 * USEC + 400000, 100), 1);
	ck_assert_ptr_null(find(&t, 1));
	ck_assert_ptr_nonnull(find(&t, 2));	/* same second, not yet due */
	ck_assert_uint_eq(advance(&t, &c, T0 + 6 * USEC, 100), 1);
	ck_assert_ptr_null(find(&t, 2));
	ck_assert_uint_eq(advance(&t, &c, T0 + 10 * USEC - 1, 100), 0);
	ck_assert_uint_eq(advance(&t, &c, T0 + 10 * USEC + 500000, 100), 2);
	ck_assert_ptr_null(find(&t, 3));
	ck_assert_ptr_null(find(&t, 4));
	ck_assert_ptr_nonnull(find(&t, 5));
	ck_assert_uint_eq(advance(&t, &c, T0 + 299 * USEC, 100), 0);
	ck_assert_uint_eq(advance(&t, &c, T0 + 300 * USEC, 100), 1);
	ck_assert_uint_eq(t.count, 0);
	ck_assert_uint_eq(c.expired, 5);
	flow_table_free(&t);
}
END_TEST

static uint64_t rng_state = 88172645463325252ull;
static uint64_t rng(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

struct check_ctx { uint64_t now; uint32_t overdue; };

static void check_not_overdue(struct flow *f, void *ctx)
{
	struct check_ctx *k = ctx;
	/* Due flows may wait for the next second boundary, never longer. */
	if (f->last_seen_us <= k->now && f->last_seen_us / USEC != k->now / USEC)
		k->overdue++;
}

START_TEST(test_advance_random)
{
	/* 400 flows with random deadlines, some pushed later at random; after
	 * every advance nothing expired early and nothing is overdue. */
	struct flow_table t;
	struct tctx c;
	table_init(&t, &c, 400);
	advance(&t, &c, T0, UINT32_MAX);
	for (uint32_t i = 0; i < 400; i++)
		add(&t, i, T0 + rng() % (700 * USEC));
	uint64_t now = T0;
	while (t.count) {
		now += rng() % (3 * USEC);
		for (uint32_t i = 0; i < 400 && now < T0 + 500 * USEC; i += 7) {
			struct flow *f = find(&t, i);
			if (f && rng() % 4 == 0 && f->last_seen_us > now)
				f->last_seen_us += rng() % (20 * USEC);	/* lazy: not rescheduled */
		}
		advance(&t, &c, now, UINT32_MAX);
		struct check_ctx k = { now, 0 };
		flow_table_foreach(&t, check_not_overdue, &k);
		ck_assert_msg(k.overdue == 0, "%u flows overdue at +%llu us", k.overdue,
			      (unsigned long long)(now - T0));
		ck_assert_uint_lt(now, T0 + 3000 * USEC);
	}
	ck_assert_uint_eq(c.expired, 400);
	flow_table_free(&t);
}
END_TEST

START_TEST(test_lazy_refile)
{
	struct flow_table t;
	struct tctx c;
	table_init(&t, &c, 4);
	advance(&t, &c, T0, 100);
	struct flow *f = add(&t, 1, T0 + 5 * USEC);
	ck_assert_uint_eq(f->wheel_slot, (T0 / USEC + 5) % WHEEL_SLOTS);
	f->last_seen_us = T0 + 20 * USEC;	/* activity: the deadline moved later */
	c.deadline_calls = 0;
	ck_assert_uint_eq(advance(&t, &c, T0 + 6 * USEC, 100), 0);
	ck_assert_uint_ge(c.deadline_calls, 1);	/* asked again when its slot came up */
	ck_assert_ptr_eq(find(&t, 1), f);
	ck_assert_uint_eq(f->wheel_slot, (T0 / USEC + 20) % WHEEL_SLOTS);	/* re-filed */
	ck_assert_uint_eq(advance(&t, &c, T0 + 19 * USEC, 100), 0);
	ck_assert_uint_eq(advance(&t, &c, T0 + 20 * USEC, 100), 1);
	ck_assert_ptr_null(find(&t, 1));

	/* A deadline moved earlier is re-filed by schedule() at once. */
	f = add(&t, 2, T0 + 200 * USEC);
	f->last_seen_us = T0 + 30 * USEC;
	flow_table_schedule(&t, f);
	ck_assert_uint_eq(f->wheel_slot, (T0 / USEC + 30) % WHEEL_SLOTS);
	ck_assert_uint_eq(advance(&t, &c, T0 + 31 * USEC, 100), 1);
	flow_table_free(&t);
}
END_TEST

START_TEST(test_budget)
{
	struct flow_table t;
	struct tctx c;
	table_init(&t, &c, 32);
	advance(&t, &c, T0, 100);
	for (uint32_t i = 0; i < 5; i++)
		add(&t, i, T0 + 3 * USEC);
	for (uint32_t i = 5; i < 10; i++)
		add(&t, i, T0 + 4 * USEC);
	add(&t, 10, T0 + 100 * USEC);
	ck_assert_uint_eq(advance(&t, &c, T0 + 10 * USEC, 4), 4);
	ck_assert_uint_eq(c.expired, 4);
	ck_assert_uint_eq(advance(&t, &c, T0 + 10 * USEC, 4), 4);	/* same time: carries on */
	ck_assert_uint_eq(advance(&t, &c, T0 + 10 * USEC, 4), 2);
	ck_assert_uint_eq(advance(&t, &c, T0 + 10 * USEC, 4), 0);
	ck_assert_uint_eq(c.expired, 10);
	ck_assert_uint_eq(t.count, 1);
	ck_assert_ptr_nonnull(find(&t, 10));
	/* The earlier-due flows went first. */
	for (uint32_t i = 0; i < 5; i++)
		ck_assert_uint_lt(c.expired_ids[i], 5);
	/* Budget 0 does nothing. */
	ck_assert_uint_eq(advance(&t, &c, T0 + 200 * USEC, 0), 0);
	ck_assert_ptr_nonnull(find(&t, 10));
	ck_assert_uint_eq(advance(&t, &c, T0 + 200 * USEC, 1), 1);
	flow_table_free(&t);
}
END_TEST

START_TEST(test_clock_jump)
{
	static const uint64_t jumps[] = { WHEEL_SLOTS - 1, WHEEL_SLOTS, WHEEL_SLOTS + 1,
					  WHEEL_SLOTS + 100, 10 * WHEEL_SLOTS };
	for (size_t j = 0; j < sizeof(jumps) / sizeof(jumps[0]); j++) {
		struct flow_table t;
		struct tctx c;
		table_init(&t, &c, 8);
		advance(&t, &c, T0, 100);
		add(&t, 1, T0 + 5 * USEC);
		add(&t, 2, T0 + 100 * USEC);
		add(&t, 3, T0 + 5000 * USEC);		/* beyond the wheel's horizon */
		add(&t, 4, T0 + (jumps[j] + 50) * USEC);	/* after the jump */
		uint64_t now = T0 + jumps[j] * USEC;
		uint32_t n = advance(&t, &c, now, 100);
		uint32_t want = 2 + (jumps[j] >= 5000);
		ck_assert_msg(n == want, "jump %llu s: %u expired, not %u",
			      (unsigned long long)jumps[j], n, want);
		ck_assert_ptr_null(find(&t, 1));
		ck_assert_ptr_null(find(&t, 2));
		ck_assert_ptr_nonnull(find(&t, 4));
		ck_assert_uint_eq(advance(&t, &c, now + 49 * USEC, 100), 0);
		ck_assert_uint_eq(advance(&t, &c, now + 50 * USEC, 100), 1);
		ck_assert_ptr_null(find(&t, 4));
		if (jumps[j] < 5000) {
			ck_assert_ptr_nonnull(find(&t, 3));
			ck_assert_uint_eq(advance(&t, &c, T0 + 5000 * USEC - 1, 100), 0);
			ck_assert_uint_eq(advance(&t, &c, T0 + 5000 * USEC, 100), 1);
		}
		ck_assert_uint_eq(t.count, 0);
		flow_table_free(&t);
	}
}
END_TEST

START_TEST(test_clock_backwards)
{
	struct flow_table t;
	struct tctx c;
	table_init(&t, &c, 4);
	advance(&t, &c, T0, 100);
	add(&t, 1, T0 + 5 * USEC);
	ck_assert_uint_eq(advance(&t, &c, T0 - 3600 * USEC, 100), 0);
	ck_assert_uint_eq(advance(&t, &c, T0 + 6 * USEC, 100), 1);
	flow_table_free(&t);
}
END_TEST

START_TEST(test_victim_nearest_deadline)
{
	struct flow_table t;
	struct tctx c;
	table_init(&t, &c, 8);
	advance(&t, &c, T0, 100);
	add(&t, 1, T0 + 300 * USEC);		/* an established, active flow */
	add(&t, 2, T0 + 60 * USEC + 700000);
	struct flow *near = add(&t, 3, T0 + 60 * USEC + 200000);	/* same second, earlier */
	add(&t, 4, T0 + 61 * USEC + 500000);
	ck_assert_ptr_eq(flow_table_victim(&t), near);
	flow_table_remove(&t, near);
	ck_assert_ptr_eq(flow_table_victim(&t), find(&t, 2));

	/* A flow filed early whose deadline moved later is not the victim. */
	struct flow *lazy = add(&t, 5, T0 + 10 * USEC);
	lazy->last_seen_us = T0 + 1000 * USEC;
	ck_assert_ptr_eq(flow_table_victim(&t), find(&t, 2));
	ck_assert_ptr_eq(find(&t, 5), lazy);
	/* ... and it still expires, on time. */
	ck_assert_uint_eq(advance(&t, &c, T0 + 999 * USEC, 100), 3);
	ck_assert_ptr_eq(find(&t, 5), lazy);
	ck_assert_uint_eq(advance(&t, &c, T0 + 1000 * USEC, 100), 1);
	flow_table_free(&t);
}
END_TEST

START_TEST(test_victim_overdue_first)
{
	/* A flow already past its deadline (the wheel not yet advanced) is the
	 * nearest of all. */
	struct flow_table t;
	struct tctx c;
	table_init(&t, &c, 8);
	advance(&t, &c, T0 + 100 * USEC, 100);
	add(&t, 1, T0 + 150 * USEC);
	struct flow *late = add(&t, 2, T0 + 20 * USEC);
	ck_assert_ptr_eq(flow_table_victim(&t), late);
	flow_table_free(&t);
}
END_TEST

/* ---- regressions -------------------------------------------------------------- */

START_TEST(test_remove_middle_of_wheel_slot)
{
	/* Three flows in one slot; removing the middle one keeps the other two
	 * expiring (the slot list must stay linked). */
	struct flow_table t;
	struct tctx c;
	table_init(&t, &c, 8);
	advance(&t, &c, T0, 100);
	add(&t, 1, T0 + 5 * USEC + 1);
	struct flow *mid = add(&t, 2, T0 + 5 * USEC + 2);
	add(&t, 3, T0 + 5 * USEC + 3);
	flow_table_remove(&t, mid);
	struct flow *n = add(&t, 4, T0 + 5 * USEC + 4);	/* reuses the slot index */
	(void)n;
	ck_assert_uint_eq(advance(&t, &c, T0 + 6 * USEC, 100), 3);
	ck_assert_uint_eq(t.count, 0);
	flow_table_free(&t);
}
END_TEST

START_TEST(test_schedule_twice_same_slot)
{
	struct flow_table t;
	struct tctx c;
	table_init(&t, &c, 8);
	advance(&t, &c, T0, 100);
	struct flow *f = add(&t, 1, T0 + 5 * USEC);
	add(&t, 2, T0 + 5 * USEC);
	flow_table_schedule(&t, f);
	flow_table_schedule(&t, f);
	f->last_seen_us = T0 + 9 * USEC;
	flow_table_schedule(&t, f);
	flow_table_schedule(&t, f);
	ck_assert_uint_eq(advance(&t, &c, T0 + 6 * USEC, 100), 1);
	ck_assert_uint_eq(advance(&t, &c, T0 + 10 * USEC, 100), 1);
	ck_assert_uint_eq(t.count, 0);
	flow_table_free(&t);
}
END_TEST

static Suite *flow_table_suite(void)
{
	Suite *s = suite_create("flow_table");
	TCase *tc = tcase_create("valid");
	tcase_add_test(tc, test_flow_size);
	tcase_add_test(tc, test_init_rejects_bad_caps);
	tcase_add_test(tc, test_insert_lookup_remove);
	tcase_add_test(tc, test_key_independence);
	tcase_add_test(tc, test_keyhash_portable_mix);
	tcase_add_test(tc, test_capacity_full);
	tcase_add_test(tc, test_free_list_reuse);
	tcase_add_test(tc, test_many_chained);
	tcase_add_test(tc, test_foreach);
	tcase_add_test(tc, test_buckets_grow_with_count);
	tcase_add_test(tc, test_buckets_bounded_by_cap);
	tcase_add_test(tc, test_growth_waits_for_foreach);
	tcase_add_test(tc, test_victim_after_growth);
	tcase_add_test(tc, test_growth_stays_keyed);
	suite_add_tcase(s, tc);

	tc = tcase_create("wheel");
	tcase_add_test(tc, test_advance_expires_due_flows);
	tcase_add_test(tc, test_advance_random);
	tcase_add_test(tc, test_lazy_refile);
	tcase_add_test(tc, test_budget);
	tcase_add_test(tc, test_clock_jump);
	tcase_add_test(tc, test_clock_backwards);
	tcase_add_test(tc, test_victim_nearest_deadline);
	tcase_add_test(tc, test_victim_overdue_first);
	suite_add_tcase(s, tc);

	tc = tcase_create("regressions");
	tcase_add_test(tc, test_holds_tracks_free_slots);
	tcase_add_test(tc, test_remove_middle_of_wheel_slot);
	tcase_add_test(tc, test_schedule_twice_same_slot);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(flow_table_suite());
}
