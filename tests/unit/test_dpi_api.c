/* test_dpi_api.c - the host API of core/dpi.c as dissectors see it: a
 * string set anew replaces the old one, list values are deduplicated and
 * capped, results grow up to DPI_RESULT_MAX_BYTES and survive unchanged when
 * the flow is decided, state labels are checked (and "_CLOSED" noticed),
 * results cross processes unchanged, and once a dissector claims a flow
 * every other candidate's state is released.
 */
#include "config.h"

#include "unit.h"

#include "dpi.h"
#include "strbuf.h"
#include "tcp.h"

static const struct nl_field fields[] = {
	{ 0, NL_FIELD_STR, 0, "t.s", "S" },
	{ 1, NL_FIELD_STR_LIST, 0, "t.l", "L" },
	{ 2, NL_FIELD_U64, 0, "t.n", "N" },
	{ 3, NL_FIELD_STR, 0, "t.big", "Big" },
};

/* What the scripted dissector does on its next call. */
typedef void (*script_fn)(const struct nl_host_api *api, struct nl_flow *flow);
static script_fn script;
static int rc_sum;		/* sum of the API calls' return values */
static enum nl_verdict verdict = NL_NEED_MORE;
static int released;		/* release() calls of the waiting dissector */

static enum nl_verdict scripted(const struct nl_host_api *api, struct nl_flow *flow, void *state,
				const struct nl_payload *pl)
{
	(void)state, (void)pl;
	if (script)
		script(api, flow);
	return verdict;
}

/* A second dissector that always wants more (so it holds a state block). */
static enum nl_verdict waiter(const struct nl_host_api *api, struct nl_flow *flow, void *state,
			      const struct nl_payload *pl)
{
	(void)api, (void)flow, (void)state, (void)pl;
	return NL_NEED_MORE;
}

static void waiter_release(void *state) { (void)state, released++; }

static void add(struct dpi *d, unsigned i, const char *name, enum nl_verdict (*fn)(const struct nl_host_api *,
	struct nl_flow *, void *, const struct nl_payload *))
{
	struct nl_dissector *x = &d->set.v[i].d;
	x->name = name;
	x->display = name;
	x->fields = fields;
	x->n_fields = 4;
	x->domain_field = 0;
	x->transports = NL_UDP;
	x->state_size = 8;
	x->packet_budget = 100;
	x->dissect = fn;
	x->idle_timeout_s = 77;
	for (unsigned k = 0; k < 4; k++)
		snprintf(d->set.v[i].json_keys[k], NL_MAX_KEY, "%s_%u", name, k);
}

/* The waiter first (asked first: both unhinted, list order), then the scripted one. */
static void make_dpi(struct dpi *d)
{
	dpi_init(d);
	d->set.n = 2;
	add(d, 0, "w", waiter);
	d->set.v[0].d.release = waiter_release;
	add(d, 1, "t", scripted);
	dpi_ready(d);
	rc_sum = 0;
	released = 0;
	verdict = NL_NEED_MORE;
}

/* One byte of UDP between 40000 and 9999: from 40000 (DIR_FWD), or its
 * answer (DIR_REV). */
static void offer_dir(struct dpi *d, struct flow *f, script_fn fn, int dir)
{
	static uint8_t byte = 1;
	struct packet p;
	memset(&p, 0, sizeof(p));
	p.proto = L4_UDP;
	p.sport = dir == DIR_FWD ? 40000 : 9999;
	p.dport = dir == DIR_FWD ? 9999 : 40000;
	p.payload = &byte;
	p.payload_len = 1;
	script = fn;
	dpi_offer(d, f, &p, dir);
}

static void offer(struct dpi *d, struct flow *f, script_fn fn)
{
	offer_dir(d, f, fn, DIR_FWD);
}

static char json[16384];

static const char *as_json(const struct dpi *d, uint32_t h)
{
	struct strbuf b;
	sb_init(&b);
	dpi_json(d, h, &b);
	snprintf(json, sizeof(json), "%s", b.buf ? b.buf : "");
	sb_free(&b);
	return json;
}

/* ---- scripts ------------------------------------------------------------ */

static void s_replace(const struct nl_host_api *api, struct nl_flow *fl)
{
	rc_sum += api->set_str(fl, 0, "first-value", 11);
	rc_sum += api->add_str(fl, 1, "x", 1);
	rc_sum += api->set_u64(fl, 2, 5);
	rc_sum += api->set_str(fl, 0, "2nd", 3);	/* shorter: replaces */
	rc_sum += api->add_str(fl, 1, "y", 1);
	rc_sum += api->add_str(fl, 1, "x", 1);		/* already there */
	rc_sum += api->set_u64(fl, 2, 6);
	rc_sum += api->set_str(fl, 0, "the third value", 15);
}

START_TEST(test_set_replaces_add_dedups)
{
	struct dpi d;
	struct flow f;
	make_dpi(&d);
	memset(&f, 0, sizeof(f));
	offer(&d, &f, s_replace);
	ck_assert_int_eq(rc_sum, 0);
	ck_assert_str_eq(as_json(&d, f.dpi), ",\"dpi_protocol\":\"t (the third value)\","
			 "\"dpi_domain\":\"the third value\",\"t_0\":\"the third value\","
			 "\"t_1\":[\"x\",\"y\"],\"t_2\":6");
	/* The waiter was dropped the moment t claimed the flow: its state released. */
	ck_assert_int_eq(released, 1);
	ck_assert_uint_eq(d.stats.api_errors, 0);
	dpi_finish(&d, &f);
	dpi_release(&d, f.dpi);
	dpi_free(&d);
}
END_TEST

static void s_other(const struct nl_host_api *api, struct nl_flow *fl)
{
	rc_sum += api->set_str(fl, 0, "another flow's value, longer than the first", 43);
	rc_sum += api->add_str(fl, 1, "z", 1);
	rc_sum += api->set_u64(fl, 2, 99);
}

/* Results that outgrow their block during a call are built in one scratch
 * block shared by all flows and put back after the call: a flow's results
 * must not change when another flow's call reuses the scratch, and results
 * added over several calls must come out whole. */
START_TEST(test_results_outlive_the_call)
{
	struct dpi d;
	struct flow f[2];
	make_dpi(&d);
	memset(f, 0, sizeof(f));
	offer(&d, &f[0], s_replace);
	char first[16384];
	snprintf(first, sizeof(first), "%s", as_json(&d, f[0].dpi));
	offer(&d, &f[1], s_other);
	ck_assert_str_eq(as_json(&d, f[0].dpi), first);
	ck_assert_str_eq(as_json(&d, f[1].dpi), ",\"dpi_protocol\":\"t (another flow's value, longer than the "
			 "first)\",\"dpi_domain\":\"another flow's value, longer than the first\",\"t_0\":"
			 "\"another flow's value, longer than the first\",\"t_1\":[\"z\"],\"t_2\":99");
	offer(&d, &f[0], s_other);	/* more of the same flow in a later call */
	ck_assert_str_eq(as_json(&d, f[0].dpi), ",\"dpi_protocol\":\"t (another flow's value, longer than "
			 "the first)\",\"dpi_domain\":\"another flow's value, longer than the first\",\"t_0\":"
			 "\"another flow's value, longer than the first\",\"t_1\":[\"x\",\"y\",\"z\"],\"t_2\":99");
	ck_assert_int_eq(rc_sum, 0);
	for (int i = 0; i < 2; i++) {
		dpi_finish(&d, &f[i]);
		dpi_release(&d, f[i].dpi);
	}
	dpi_free(&d);
}
END_TEST

static unsigned number;		/* what s_number sets */
static void s_number(const struct nl_host_api *api, struct nl_flow *fl)
{
	rc_sum += api->set_u64(fl, 2, number);
}

/* Flows' states live in place in one array that doubles as flows come
 * (1 024 slots first): every state must come through each growth whole,
 * a released slot must be reused, and a stale handle must name nothing. */
START_TEST(test_states_survive_growth_and_reuse)
{
	enum { FLOWS = 2600, MORE = 800 };	/* 867 released: more than MORE */
	static struct flow f[FLOWS + MORE];
	struct dpi d;
	char want[64];
	make_dpi(&d);
	memset(f, 0, sizeof(f));
	for (number = 0; number < FLOWS; number++)
		offer(&d, &f[number], s_number);
	ck_assert_uint_eq(d.stats.flows_with_results, FLOWS);
	uint32_t high = d.arena_used;
	uint32_t gone = f[3].dpi;
	for (unsigned i = 0; i < FLOWS; i += 3) {
		dpi_release(&d, f[i].dpi);
		f[i].dpi = DPI_NONE;
	}
	ck_assert(!dpi_handle_live(&d, gone));
	ck_assert_str_eq(as_json(&d, gone), "");
	for (number = FLOWS; number < FLOWS + MORE; number++) {
		offer(&d, &f[number], s_number);
		ck_assert_uint_lt(f[number].dpi, high);	/* a released slot, not a new one */
	}
	ck_assert_uint_eq(d.arena_used, high);
	for (unsigned i = 0; i < FLOWS + MORE; i++) {
		if (i < FLOWS && i % 3 == 0)
			continue;
		ck_assert(dpi_handle_live(&d, f[i].dpi));
		snprintf(want, sizeof(want), "\"t_2\":%u", i);
		ck_assert_msg(strstr(as_json(&d, f[i].dpi), want), "flow %u: %s", i, json);
	}
	ck_assert_int_eq(rc_sum, 0);
	ck_assert_uint_eq(d.stats.flows_with_results, FLOWS + MORE - (FLOWS + 2) / 3);
	dpi_free(&d);
}
END_TEST

static void s_list_cap(const struct nl_host_api *api, struct nl_flow *fl)
{
	char v[8];
	for (int i = 0; i < NL_MAX_LIST + 3; i++) {
		int n = snprintf(v, sizeof(v), "v%d", i);
		rc_sum += api->add_str(fl, 1, v, (size_t)n);
	}
}

START_TEST(test_list_capped)
{
	struct dpi d;
	struct flow f;
	make_dpi(&d);
	memset(&f, 0, sizeof(f));
	offer(&d, &f, s_list_cap);
	ck_assert_int_eq(rc_sum, -3);
	ck_assert_uint_eq(d.stats.api_errors, 3);
	const char *j = as_json(&d, f.dpi);
	ck_assert_ptr_nonnull(strstr(j, "\"v0\",\"v1\","));
	ck_assert_ptr_nonnull(strstr(j, ",\"v15\"]"));
	ck_assert_ptr_null(strstr(j, "v16"));
	dpi_finish(&d, &f);
	dpi_release(&d, f.dpi);
	dpi_free(&d);
}
END_TEST

/* Values of every size up to the bound, set and replaced, each call. */
static int big_round;
static void s_big(const struct nl_host_api *api, struct nl_flow *fl)
{
	static char v[NL_MAX_STR];
	memset(v, 'a' + big_round % 26, sizeof(v));
	rc_sum += api->set_str(fl, 3, v, (size_t)(big_round * 37) % NL_MAX_STR + 1);
	char item[NL_MAX_STR];
	memset(item, 'b', sizeof(item));
	int n = snprintf(item, sizeof(item), "%d", big_round);
	item[n] = 'b';
	rc_sum += api->add_str(fl, 1, item, NL_MAX_STR);
}

START_TEST(test_results_grow_to_the_bound_and_survive_the_decision)
{
	struct dpi d;
	struct flow f;
	make_dpi(&d);
	memset(&f, 0, sizeof(f));
	int refused = 0;
	for (big_round = 0; big_round < 30; big_round++) {
		int before = rc_sum;
		offer(&d, &f, s_big);
		refused += before - rc_sum;
	}
	/* Lists of 16 values of 256 bytes: 16 * 260 + the string, under 6144;
	 * the rest of the adds are refused by the list cap. */
	ck_assert_int_eq(refused, 30 - NL_MAX_LIST);
	char want[NL_MAX_STR + 1];
	size_t len = (size_t)(29 * 37) % NL_MAX_STR + 1;
	memset(want, 'a' + 29 % 26, len);
	want[len] = '\0';
	char before[16384];
	snprintf(before, sizeof(before), "%s", as_json(&d, f.dpi));
	ck_assert_ptr_nonnull(strstr(before, want));
	verdict = NL_DONE;
	offer(&d, &f, NULL);	/* decided: the work is freed, the results kept */
	ck_assert(dpi_flow_decided(&f));
	ck_assert_str_eq(as_json(&d, f.dpi), before);
	dpi_release(&d, f.dpi);
	dpi_free(&d);
}
END_TEST

static void s_fill(const struct nl_host_api *api, struct nl_flow *fl)
{
	/* One value past DPI_RESULT_MAX_BYTES in all: refused, the others kept. */
	static char v[NL_MAX_STR];
	memset(v, 'z', sizeof(v));
	for (unsigned i = 0; i < DPI_RESULT_MAX_BYTES / (NL_MAX_STR + 4) + 1; i++)
		rc_sum += api->set_str(fl, i % 2 ? 0 : 3, v, NL_MAX_STR);
}

START_TEST(test_replacing_never_outgrows)
{
	struct dpi d;
	struct flow f;
	make_dpi(&d);
	memset(&f, 0, sizeof(f));
	offer(&d, &f, s_fill);
	ck_assert_int_eq(rc_sum, 0);	/* two fields, each replaced: 520 bytes */
	dpi_finish(&d, &f);
	dpi_release(&d, f.dpi);
	dpi_free(&d);
}
END_TEST

static const char *label_in;
static void s_label(const struct nl_host_api *api, struct nl_flow *fl) { rc_sum += api->set_state(fl, label_in); }

START_TEST(test_state_labels)
{
	static const struct { const char *l; int ok, over; } cases[] = {
		{ "HELLO", 1, 0 },
		{ "", 0, 0 },
		{ "lower", 0, 0 },
		{ "A-B", 0, 0 },
		{ "ABCDEFGHIJKLMNOPQRSTUVW", 1, 0 },	/* 23: the longest */
		{ "ABCDEFGHIJKLMNOPQRSTUVWX", 0, 0 },	/* 24 */
		{ "TCP_CLOSED", 1, 1 },
		{ "_CLOSED", 1, 0 },			/* nothing before the suffix */
		{ "QUIC_DRAINING", 1, 1 },
		{ "X_CLOSED_NOT", 1, 0 },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct dpi d;
		struct flow f;
		make_dpi(&d);
		memset(&f, 0, sizeof(f));
		label_in = cases[i].l;
		offer(&d, &f, s_label);
		ck_assert_int_eq(rc_sum, cases[i].ok ? 0 : -1);
		ck_assert_uint_eq(d.stats.api_errors, cases[i].ok ? 0 : 1);
		const char *got = f.dpi != DPI_NONE ? dpi_state_label(&d, f.dpi) : NULL;
		if (cases[i].ok) {
			ck_assert_ptr_nonnull(got);
			ck_assert_str_eq(got, cases[i].l);
			ck_assert_int_eq(!!(f.dpi_owner & DPI_OWNER_OVER), cases[i].over);
			int over = -1;
			ck_assert_uint_eq(dpi_flow_timeout_s(&d, &f, &over), 77);
			ck_assert_int_eq(over, cases[i].over);
		} else {
			ck_assert_ptr_null(got);
		}
		dpi_finish(&d, &f);
		if (f.dpi != DPI_NOTHING)
			dpi_release(&d, f.dpi);
		dpi_free(&d);
	}
}
END_TEST

/* ABI 1.4: a dissector's own idle timeout for a UDP flow it has made its
 * own, in place of its descriptor's (77 here); the tracker learns that the
 * deadline moved. */
static uint32_t timeout_in;
static void s_timeout(const struct nl_host_api *api, struct nl_flow *fl)
{
	rc_sum += api->set_idle_timeout(fl, timeout_in);
}
static void s_claim_timeout(const struct nl_host_api *api, struct nl_flow *fl)
{
	rc_sum += api->set_str(fl, 0, "mine", 4);
	rc_sum += api->set_idle_timeout(fl, timeout_in);
}

START_TEST(test_idle_timeout)
{
	struct dpi d;
	struct flow f;
	int over = -1;
	make_dpi(&d);
	memset(&f, 0, sizeof(f));
	f.key.proto = L4_UDP;
	ck_assert(NL_HOST_HAS(&d.api, set_idle_timeout));
	timeout_in = 45;
	offer(&d, &f, s_timeout);		/* not the caller's flow yet */
	ck_assert_int_eq(rc_sum, -1);
	ck_assert_uint_eq(f.u.udp.idle_timeout_s, 0);
	ck_assert(!dpi_timeout_moved(&d));
	rc_sum = 0;
	offer(&d, &f, s_claim_timeout);
	ck_assert_int_eq(rc_sum, 0);
	ck_assert_uint_eq(f.u.udp.idle_timeout_s, 45);
	ck_assert(dpi_timeout_moved(&d));
	ck_assert(!dpi_timeout_moved(&d));	/* asked: cleared */
	ck_assert_uint_eq(dpi_flow_timeout_s(&d, &f, &over), 45);
	ck_assert_int_eq(over, 0);
	offer(&d, &f, s_timeout);		/* the same again: nothing moved */
	ck_assert_int_eq(rc_sum, 0);
	ck_assert(!dpi_timeout_moved(&d));
	timeout_in = NL_MAX_IDLE_TIMEOUT_S + 1;	/* over the bound: refused, kept */
	offer(&d, &f, s_timeout);
	ck_assert_int_eq(rc_sum, -1);
	ck_assert_uint_eq(f.u.udp.idle_timeout_s, 45);
	rc_sum = 0;
	timeout_in = NL_MAX_IDLE_TIMEOUT_S;
	offer(&d, &f, s_timeout);
	ck_assert_int_eq(rc_sum, 0);
	ck_assert_uint_eq(dpi_flow_timeout_s(&d, &f, &over), NL_MAX_IDLE_TIMEOUT_S);
	timeout_in = 0;				/* back to the descriptor's */
	offer(&d, &f, s_timeout);
	ck_assert_uint_eq(dpi_flow_timeout_s(&d, &f, &over), 77);
	timeout_in = 20;
	offer(&d, &f, s_timeout);
	label_in = "T_CLOSED";			/* over: the label still says so */
	offer(&d, &f, s_label);
	ck_assert_uint_eq(dpi_flow_timeout_s(&d, &f, &over), 20);
	ck_assert_int_eq(over, 1);
	ck_assert_int_eq(rc_sum, 0);
	ck_assert_uint_eq(d.stats.api_errors, 2);
	dpi_finish(&d, &f);			/* decided: the compact owner, same answer */
	ck_assert_uint_eq(dpi_flow_timeout_s(&d, &f, &over), 20);
	if (f.dpi != DPI_NOTHING)
		dpi_release(&d, f.dpi);
	dpi_free(&d);

	/* A TCP flow's timeouts follow its state: refused. */
	make_dpi(&d);
	memset(&f, 0, sizeof(f));
	f.key.proto = L4_TCP;
	timeout_in = 45;
	offer(&d, &f, s_claim_timeout);
	ck_assert_int_eq(rc_sum, -1);
	ck_assert_uint_eq(f.u.udp.idle_timeout_s, 0);
	ck_assert(!dpi_timeout_moved(&d));
	dpi_finish(&d, &f);
	if (f.dpi != DPI_NOTHING)
		dpi_release(&d, f.dpi);
	dpi_free(&d);
}
END_TEST

START_TEST(test_results_cross_processes)
{
	struct dpi a, b;
	struct flow f;
	make_dpi(&a);
	memset(&f, 0, sizeof(f));
	offer(&a, &f, s_replace);
	label_in = "DONE";
	offer(&a, &f, s_label);
	char want[16384];
	snprintf(want, sizeof(want), "%s", as_json(&a, f.dpi));

	struct dpi_results res;
	ck_assert_int_eq(dpi_export(&a, f.dpi, &res), 1);
	make_dpi(&b);
	uint32_t h = DPI_NONE;
	ck_assert_int_eq(dpi_import(&b, &h, &res), 0);
	ck_assert_str_eq(as_json(&b, h), want);
	ck_assert_str_eq(dpi_state_label(&b, h), "DONE");
	/* Imported again over the same handle: replaced, not appended. */
	ck_assert_int_eq(dpi_import(&b, &h, &res), 0);
	ck_assert_str_eq(as_json(&b, h), want);
	dpi_release(&b, h);
	dpi_free(&b);
	dpi_finish(&a, &f);
	dpi_release(&a, f.dpi);
	dpi_free(&a);
}
END_TEST

/* The order candidates are asked in: those whose hints name either port
 * first, then the rest, each in load order; a disabled dissector never,
 * whatever its hints. Hints unsorted, repeated, shared by two. */
static int asked[16], n_asked;
#define RECORDER(n)                                                                              \
	static enum nl_verdict rec##n(const struct nl_host_api *api, struct nl_flow *flow,       \
				      void *state, const struct nl_payload *pl)                  \
	{                                                                                        \
		(void)api, (void)flow, (void)state, (void)pl;                                   \
		if (n_asked < 16)                                                                \
			asked[n_asked++] = n;                                                    \
		return NL_NEED_MORE;                                                             \
	}
RECORDER(0)
RECORDER(1)
RECORDER(2)
RECORDER(3)
RECORDER(4)
RECORDER(5)

START_TEST(test_ask_order)
{
	static const uint16_t h1[] = { 1234 }, h2[] = { 40000 }, h3[] = { 9999 }, h4[] = { 9999, 53 },
			      h5[] = { 40000, 40000 };
	enum nl_verdict (*const fn[])(const struct nl_host_api *, struct nl_flow *, void *,
				      const struct nl_payload *) = { rec0, rec1, rec2, rec3, rec4, rec5 };
	const uint16_t *hints[] = { NULL, h1, h2, h3, h4, h5 };
	const uint16_t n_hints[] = { 0, 1, 1, 1, 2, 2 };
	struct dpi d;
	struct flow f;
	dpi_init(&d);
	d.set.n = 6;
	static const char *const names[] = { "r0", "r1", "r2", "r3", "r4", "r5" };
	for (unsigned i = 0; i < 6; i++) {
		add(&d, i, names[i], fn[i]);
		d.set.v[i].d.port_hints = hints[i];
		d.set.v[i].d.n_port_hints = n_hints[i];
	}
	d.set.v[3].disabled = 1;
	dpi_ready(&d);
	memset(&f, 0, sizeof(f));
	n_asked = 0;
	offer(&d, &f, NULL);		/* 40000 -> 9999 */
	static const int want[] = { 2, 4, 5, 0, 1 };
	ck_assert_int_eq(n_asked, 5);
	for (int k = 0; k < 5; k++)
		ck_assert_msg(asked[k] == want[k], "call %d: r%d, wanted r%d", k, asked[k], want[k]);
	/* the answer goes the other way: the same order (hints fixed at the first packet) */
	n_asked = 0;
	offer_dir(&d, &f, NULL, DIR_REV);
	ck_assert_int_eq(n_asked, 5);
	for (int k = 0; k < 5; k++)
		ck_assert_int_eq(asked[k], want[k]);
	dpi_finish(&d, &f);
	dpi_release(&d, f.dpi);
	dpi_free(&d);
}
END_TEST

/* A candidate whose port hints name a port of the flow is asked first,
 * whichever direction the packet goes: the waiter never gets a call. */
static int waiter_calls;
static enum nl_verdict counting_waiter(const struct nl_host_api *api, struct nl_flow *flow, void *state,
				       const struct nl_payload *pl)
{
	waiter_calls++;
	return waiter(api, flow, state, pl);
}

START_TEST(test_hinted_asked_first)
{
	static const uint16_t hint[] = { 40000 };	/* the client's port */
	struct dpi d;
	struct flow f;
	make_dpi(&d);
	d.set.v[0].d.dissect = counting_waiter;
	d.set.v[1].d.port_hints = hint;
	d.set.v[1].d.n_port_hints = 1;
	dpi_ready(&d);			/* the hints are read here */
	memset(&f, 0, sizeof(f));
	waiter_calls = 0;
	offer(&d, &f, NULL);		/* t is asked first, sets nothing, wants more */
	ck_assert_int_eq(waiter_calls, 1);
	offer(&d, &f, s_replace);	/* t again first: claims; the waiter is dropped */
	ck_assert_int_eq(waiter_calls, 1);
	ck_assert_int_eq(released, 1);
	ck_assert_ptr_nonnull(strstr(as_json(&d, f.dpi), "\"t_0\":\"the third value\""));
	dpi_finish(&d, &f);
	dpi_release(&d, f.dpi);
	dpi_free(&d);
}
END_TEST

static Suite *dpi_api_suite(void)
{
	Suite *s = suite_create("dpi_api");
	TCase *tc = tcase_create("api");
	tcase_add_test(tc, test_set_replaces_add_dedups);
	tcase_add_test(tc, test_list_capped);
	tcase_add_test(tc, test_results_outlive_the_call);
	tcase_add_test(tc, test_states_survive_growth_and_reuse);
	tcase_add_test(tc, test_results_grow_to_the_bound_and_survive_the_decision);
	tcase_add_test(tc, test_replacing_never_outgrows);
	tcase_add_test(tc, test_state_labels);
	tcase_add_test(tc, test_results_cross_processes);
	tcase_add_test(tc, test_idle_timeout);
	tcase_add_test(tc, test_hinted_asked_first);
	tcase_add_test(tc, test_ask_order);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(dpi_api_suite());
}
