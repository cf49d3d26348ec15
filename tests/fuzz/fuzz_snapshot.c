/*
 * fuzz_snapshot.c - libFuzzer harness for what the parent of --workers reads
 * from a worker (core/mirror.c): the input is one message body (the frame's
 * length prefix is the reader's). It is decoded into a parent's table with
 * a dissector set of one fake dissector (a string, a number and a list
 * field), so imported results meet dpi_import()'s checks; then every flow,
 * open or closed, is printed as JSON and as a text row, as the parent's
 * output would, so any value that got through is also rendered.
 *
 * Checks beyond not crashing: the table stays within its cap, every
 * record is one JSON object with no raw control bytes, and a neighbour
 * the decoder passes on is one the parent's cache keeps.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpi.h"
#include "mirror.h"
#include "names.h"
#include "neighbors.h"
#include "record.h"
#include "strbuf.h"
#include "tracker.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CAP_FLOWS 32

static const struct nl_field fake_fields[] = {
	{ 0, NL_FIELD_STR, 0, "fake.host", "Host" },
	{ 1, NL_FIELD_U64, 0, "fake.count", "Count" },
	{ 2, NL_FIELD_STR_LIST, 0, "fake.names", "Names" },
};

static void fail(const char *why)
{
	fprintf(stderr, "fuzz_snapshot: %s\n", why);
	abort();
}

static struct tracker *cur;

static void on_counters(void *ctx, unsigned w, uint64_t now, const struct mirror_counters *c)
{
	(void)ctx; (void)w; (void)now; (void)c;
}

static void on_flow(void *ctx, unsigned w, const struct flow *f, const struct dpi_results *r)
{
	(void)ctx;
	tracker_mirror_flow(cur, f, r, w);
}

static void on_closed(void *ctx, unsigned w, const struct flow *f, const struct dpi_results *r,
		      enum close_reason why)
{
	(void)ctx;
	tracker_mirror_close(cur, f, r, why, w);
}

static void on_name(void *ctx, int fam, const uint8_t *a, const char *n, size_t len, uint32_t ttl)
{
	(void)ctx;
	names_note_ttl(names_current, fam, a, n, len, ttl, 1700000000000000ull);
}

static void on_neighbor(void *ctx, int fam, const uint8_t *a, const uint8_t mac[6], uint64_t seen)
{
	(void)ctx;
	static const uint8_t zero[6];
	neighbors_note(neighbors_current, fam, a, mac, seen);
	if (memcmp(mac, zero, 6) && !neighbors_mac(neighbors_current, fam, a, seen))
		fail("a neighbour passed on was not kept");
}

static void check(struct strbuf *b, const struct flow *f)
{
	sb_reset(b);
	record_json(b, f, f->last_seen_us + 1, NULL, NULL);
	if (!b->len || b->buf[0] != '{' || b->buf[b->len - 1] != '}')
		fail("a record is not one JSON object");
	for (size_t i = 0; i < b->len; i++)
		if ((unsigned char)b->buf[i] < 0x20)
			fail("a raw control byte in a JSON record");
	sb_reset(b);
	record_text_row(b, f, f->last_seen_us + 1, record_text_width(f));
}

static void emit(struct flow *f, void *ctx) { check(ctx, f); }
static void release(struct flow *f, void *ctx) { dpi_release(ctx, f->dpi); }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct dpi d;
	static int ready;
	if (!ready) {
		dpi_init(&d);
		d.set.n = 1;
		d.set.v[0].d.name = "fake";
		d.set.v[0].d.display = "FAKE";
		d.set.v[0].d.fields = fake_fields;
		d.set.v[0].d.n_fields = 3;
		d.set.v[0].d.domain_field = 0;
		snprintf(d.set.v[0].json_keys[0], NL_MAX_KEY, "fake_host");
		snprintf(d.set.v[0].json_keys[1], NL_MAX_KEY, "fake_count");
		snprintf(d.set.v[0].json_keys[2], NL_MAX_KEY, "fake_names");
		dpi_current = &d;
		ready = 1;
	}
	names_current = names_new(64);
	struct tracker t;
	struct tracker_config cfg = { .max_flows = CAP_FLOWS, .history = CAP_FLOWS, .dpi = &d };
	if (tracker_init(&t, &cfg) < 0)
		return 0;
	cur = &t;
	neighbors_current = neighbors_new();
	struct mirror_sink sink = { NULL, on_counters, on_flow, on_closed, on_name, NULL, on_neighbor };
	const char *why;
	mirror_decode(data, size, &sink, &why);
	if (t.table.count > CAP_FLOWS)
		fail("the table holds more than its cap");
	struct strbuf b;
	sb_init(&b);
	flow_table_foreach(&t.table, emit, &b);
	for (uint32_t i = 0; i < t.history.count; i++)
		check(&b, history_get(&t.history, i));
	sb_free(&b);
	/* Results go with their flows: release what the table and history hold. */
	flow_table_foreach(&t.table, release, &d);
	history_clear(&t.history);
	tracker_free(&t);
	names_free(names_current);
	neighbors_free(neighbors_current);
	neighbors_current = NULL;
	names_current = NULL;
	return 0;
}
