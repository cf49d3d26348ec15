/*
 * fuzz_dpi.c - libFuzzer harness for the payload-inspection engine itself
 * (core/dpi.c), with the real dissectors linked in as the program's
 * --enable-builtin-dissectors build links them (plugins/builtin.c).
 *
 * fuzz_<dissector> plays the host with tests/dissectors/fakehost.h; this
 * one plays the tracker (core/tracker.c, core/history.c) around the real
 * host, so what is fuzzed is dpi.c's own logic: per-direction TCP stream
 * reassembly (gaps, overlaps, sequence wrap), the global stream memory cap
 * (small buffers when tight, the in-place first segment, dropping stream
 * dissectors when capped), the work-block and buffer pools, candidates,
 * budgets, result records and handle reuse.
 *
 * Input: a header, then operations until the input ends.
 *
 *   header   [limit BE16][disable]
 *            limit bit 15: the default stream cap (16 MiB), else
 *            2 * (limit & 0x7fff) bytes (0 - 64 KiB, so the cap is hit);
 *            disable bit 7: bit (i % 7) disables built-in dissector i
 *            (loader_disable, in plugins/builtin.c's order: every one can
 *            be, as their number grows, without changing the layout)
 *
 *   op       [op]: bits 0-2 pick flow slot k (of 8), bits 3-7 (t) the kind:
 *     t 0-19   a packet on k: [ctl][len][seq bytes][payload]; len one
 *              byte, or two (big-endian) when its bit 7 is set: 14 bits of
 *              length, or with bit 14 set 4 x 14 bits of the first (at most)
 *              16 payload bytes repeated (see get_len()); a slot not open is
 *              opened first from [cfg][isn] (and [port BE16] for each port
 *              cfg says comes from the input). A short last payload takes
 *              what is left.
 *              ctl bit 0: direction (DIR_FWD/DIR_REV of the flow);
 *              after a SYN that way, data_from as the tracker sets it;
 *              bits 1-3: TCP flags (table flags[]); bits 4-7: the
 *              sequence number (see seq_of()).
 *              cfg bit 0: UDP; bit 1: FLOW_DST_INITIATED (the destination
 *              opened it: DIR_FWD is the server); bits 2-5: the server's
 *              port (server_ports[], 13: from the input, 14: the client's);
 *              bits 6-7: the client's port (client_ports[], 3: from the input)
 *     t 20-22  k ends as close_flow() ends it: dpi_finish(), then into a
 *              4-entry history ring whose oldest entry is released
 *     t 23-24  k is cleared as tracker_clear() does (dpi_release() of the
 *              live flow, its work with it)
 *     t 25-27  every output of k (live) or of history entry k % 4 (k not
 *              open): dpi_json, dpi_summary, the views' look-ups, the
 *              timeouts, and an export/import round trip
 *     t 28-29  a crowd: the last crowd's flows end, then [n][cfg][len][bytes]
 *              ([n][cfg][port BE16][len][bytes] when cfg's port is 13)
 *              opens 1 + n % 96 TCP flows (server port from cfg as above,
 *              client ports 40000 + i) each offered the same client
 *              segment, kept until the next crowd: many half-finished
 *              handshakes under the cap, and more work blocks than the pool
 *     t 30     the history is cleared (history_clear())
 *     t 31     results as a worker might send them (dpi_import): [owner]
 *              [label length][label][count][records...] (count & 0x80:
 *              the records as they are, [len BE16][bytes]; else count
 *              records [field][len][bytes], the type the owner's when the
 *              field byte's bit 7 is set), imported as new results (read
 *              back, then released) or, k & 4, over history entry k & 3's
 *              (as the parent updates a flow a worker reported)
 *
 * At the end every flow ends, the history is cleared and dpi_free() frees
 * the rest, so LeakSanitizer sees anything kept. Checked after every
 * operation (__builtin_trap() when violated): stream bytes within the
 * limit; the results held (stats.flows_with_results) equal the handles the
 * harness holds, each distinct and live in the arena; a flow's noted owner
 * agrees with its results; no stream memory once no flow is being
 * dissected; an export imported again reads back the same and prints the
 * same JSON; outputs hold no raw control byte. At the end: stream bytes and
 * results back to 0.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dpi.h"
#include "flow.h"
#include "names.h"
#include "packet.h"
#include "plugins/loader.h"
#include "strbuf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SLOTS 8
#define HISTORY 4
#define CROWD_MAX 96
#define HANDLES_CHECKED 4096	/* handles past this are not checked for duplicates */

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "fuzz_dpi: %s:%d: %s\n", __FILE__, __LINE__, #c); \
			__builtin_trap(); } } while (0)

struct in {
	const uint8_t *p;
	size_t left;
};

static uint8_t get8(struct in *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static uint16_t get16(struct in *in)
{
	uint16_t hi = get8(in);
	return (uint16_t)(hi << 8 | get8(in));
}

static uint32_t get32(struct in *in)
{
	uint32_t hi = get16(in);
	return hi << 16 | get16(in);
}

struct fz_flow {
	struct flow f;
	int open;
	uint16_t cport, sport;		/* the client's and the server's ports */
	uint32_t next[2];		/* next in-order sequence number per direction */
	uint32_t last[2];		/* the last segment's sequence number */
	uint8_t opened[2];		/* a SYN went this way: data_from is known */
	uint32_t data_from[2];		/* as the tracker tells it (packet.h) */
};

static struct dpi dpi;
static struct fz_flow slot[SLOTS];
static struct flow crowd[CROWD_MAX];
static unsigned n_crowd;
static struct flow history[HISTORY];	/* closed copies: FLOW_CLOSED, their handle in .dpi */
static unsigned hist_head;
static uint64_t now_us;
static uint8_t seen[HANDLES_CHECKED];
static int verbose;		/* FUZZ_DPI_VERBOSE set: outputs on stderr (replaying one input) */

static const uint16_t server_ports[16] = {
	80, 443, 22, 53, 8080, 853, 5353, 5355, 2222, 4433, 8443, 3128, 993, 0, 0, 9,
};
static const uint16_t client_ports[4] = { 51234, 443, 53, 0 };
static const uint8_t flags[8] = {
	TCP_PSH | TCP_ACK, TCP_ACK, TCP_SYN, TCP_SYN | TCP_ACK, TCP_FIN | TCP_ACK, TCP_RST | TCP_ACK,
	TCP_PSH | TCP_ACK | TCP_FIN, 0,
};

static int has_handle(uint32_t h) { return h != DPI_NONE && h != DPI_NOTHING; }

/* ---- checks ------------------------------------------------------------- */

static void check_handle(uint32_t h, unsigned *held)
{
	if (!has_handle(h))
		return;
	CHECK(dpi_handle_live(&dpi, h));
	if (h < HANDLES_CHECKED) {
		CHECK(!seen[h]);	/* two holders of one handle */
		seen[h] = 1;
	}
	(*held)++;
}

/* What the tracker can see of a flow agrees with its results. */
static void check_owner(const struct flow *f)
{
	if (f->dpi_owner & DPI_OWNER_DECIDED)
		CHECK(has_handle(f->dpi));
	if (!has_handle(f->dpi))
		return;
	struct dpi_results r;
	dpi_export(&dpi, f->dpi, &r);
	unsigned idx = f->dpi_owner & DPI_OWNER_INDEX;
	CHECK((int)idx - 1 == r.owner);
	if (idx) {
		size_t n = strlen(r.label);
		int over = (n > 7 && !strcmp(r.label + n - 7, "_CLOSED")) ||
			   (n > 9 && !strcmp(r.label + n - 9, "_DRAINING"));
		CHECK(!!(f->dpi_owner & DPI_OWNER_OVER) == over);
	}
}

static void check_all(void)
{
	unsigned held = 0, dissecting = 0;
	CHECK(dpi.stream_bytes <= dpi.stream_limit);
	memset(seen, 0, sizeof(seen));
	for (unsigned i = 0; i < SLOTS; i++) {
		if (!slot[i].open)
			continue;
		const struct flow *f = &slot[i].f;
		check_handle(f->dpi, &held);
		check_owner(f);
		if (has_handle(f->dpi) && !dpi_flow_decided(f))
			dissecting++;
	}
	for (unsigned i = 0; i < n_crowd; i++) {
		check_handle(crowd[i].dpi, &held);
		check_owner(&crowd[i]);
		if (has_handle(crowd[i].dpi) && !dpi_flow_decided(&crowd[i]))
			dissecting++;
	}
	for (unsigned i = 0; i < HISTORY; i++)
		check_handle(history[i].dpi, &held);
	CHECK(dpi.stats.flows_with_results == held);
	if (!dissecting)
		CHECK(dpi.stream_bytes == 0);
}

/* Output meant for a terminal or a JSON line holds no raw control byte. */
static void check_text(const struct strbuf *b, int json)
{
	CHECK(!b->oom);
	for (size_t i = 0; i < b->len; i++) {
		uint8_t c = (uint8_t)b->buf[i];
		CHECK(c >= 0x20 && (json || c != 0x7f));
	}
}

static void field_cb(void *ctx, const char *key, const char *label, const char *val, size_t len)
{
	size_t *total = ctx;
	CHECK(key && *key && val);
	(void)label;
	*total += len;
}

/* Everything the views, the records and the exporters read of a flow. */
static void outputs(const struct flow *f)
{
	const uint32_t h = f->dpi;
	struct strbuf js, sum, js2;
	sb_init(&js);
	sb_init(&sum);
	sb_init(&js2);
	for (int stage = 0; stage < 2; stage++)
		dpi_prefetch(&dpi, h, stage);
	dpi_json(&dpi, h, &js);
	dpi_summary(&dpi, h, &sum);
	check_text(&js, 1);
	check_text(&sum, 0);
	if (verbose)
		fprintf(stderr, "fuzz_dpi: handle %u owner %#x summary \"%s\" json {%s}\n", h,
			f->dpi_owner, sum.len ? sum.buf : "", js.len ? js.buf + 1 : "");

	const char *disp = dpi_owner_display(&dpi, h);
	if (disp) {
		static const char key[] = ",\"dpi_protocol\":\"";
		CHECK(js.len > sizeof(key) - 1 && !memcmp(js.buf, key, sizeof(key) - 1));
		CHECK(sum.len >= strlen(disp) && !memcmp(sum.buf, disp, strlen(disp)));
	} else {
		CHECK(js.len == 0 && sum.len == 0);
	}
	size_t dlen = 0;
	const char *dom = dpi_domain(&dpi, h, &dlen);
	if (dom)
		CHECK(disp && sum.len >= strlen(disp) + 1 + dlen);
	/* Labels reach text output as they are (record.c): only what
	 * set_state() lets a dissector write. */
	const char *label = dpi_state_label(&dpi, h);
	if (label) {
		CHECK(*label && strlen(label) < DPI_LABEL_MAX);
		for (const char *c = label; *c; c++)
			CHECK((*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') || *c == '_');
	}
	size_t total = 0;
	dpi_foreach_field(&dpi, h, field_cb, &total);

	int over_f = 0, over_c = 0;
	uint32_t idle = dpi_idle_timeout_s(&dpi, h);
	/* a UDP flow's own timeout, set by its owner (ABI 1.4), wins */
	if (f->key.proto == L4_UDP && f->u.udp.idle_timeout_s)
		idle = f->u.udp.idle_timeout_s;
	uint32_t t = dpi_flow_timeout_s(&dpi, f, &over_f);
	struct flow closed = *f;	/* as history_get() rebuilds it */
	closed.flags |= FLOW_CLOSED;
	CHECK(dpi_flow_timeout_s(&dpi, &closed, &over_c) == idle);
	if (has_handle(h))
		CHECK(t == idle && over_f == over_c);

	/* The workers' path: what a worker exports, the parent imports. */
	struct dpi_results r, r2;
	if (dpi_export(&dpi, h, &r)) {
		uint32_t h2 = DPI_NONE;
		CHECK(dpi_import(&dpi, &h2, &r) == 0);
		CHECK(dpi_export(&dpi, h2, &r2) == 1 || (r.owner < 0 && !r.label[0]));
		if (has_handle(h2)) {
			CHECK(r2.owner == r.owner && !strcmp(r2.label, r.label) && r2.len == r.len &&
			      (!r.len || !memcmp(r2.blob, r.blob, r.len)));
			dpi_json(&dpi, h2, &js2);
			CHECK(js2.len == js.len && (!js.len || !memcmp(js2.buf, js.buf, js.len)));
			struct flow imp;
			memset(&imp, 0, sizeof(imp));
			imp.dpi = h2;
			dpi_note_imported(&dpi, &imp);
			CHECK(imp.dpi_owner & DPI_OWNER_DECIDED);
			if (has_handle(h) && (f->dpi_owner & DPI_OWNER_INDEX))
				CHECK((imp.dpi_owner & ~DPI_OWNER_DECIDED) ==
				      (f->dpi_owner & ~DPI_OWNER_DECIDED));
			dpi_release(&dpi, h2);
		}
	}
	sb_free(&js);
	sb_free(&sum);
	sb_free(&js2);
}

/* ---- the tracker's part ------------------------------------------------- */

/* The tracker's call, with its guard (tracker.c), and lifecycle.c's look
 * at the timeout that follows every packet. */
static void offer(struct flow *f, const struct packet *p, int dir)
{
	if (p->payload_len && f->dpi != DPI_NOTHING && !dpi_flow_decided(f))
		dpi_offer(&dpi, f, p, dir);
	if (has_handle(f->dpi)) {
		int over;
		dpi_flow_timeout_s(&dpi, f, &over);
	}
}

/* close_flow() and history_add(): the handle goes to the history, whose
 * oldest entry is released. */
static void close_flow(struct flow *f)
{
	f->flags |= FLOW_CLOSED;
	dpi_finish(&dpi, f);
	CHECK(!has_handle(f->dpi) || dpi_flow_decided(f));
	struct flow *c = &history[hist_head];
	if (c->dpi)
		dpi_release(&dpi, c->dpi);
	*c = *f;
	hist_head = (hist_head + 1) % HISTORY;
	memset(f, 0, sizeof(*f));
}

static void history_clear(void)
{
	for (unsigned i = 0; i < HISTORY; i++) {
		dpi_release(&dpi, history[i].dpi);
		memset(&history[i], 0, sizeof(history[i]));
	}
	hist_head = 0;
}

static void crowd_end(void)
{
	/* Ended without a history (history_add with no room releases). */
	for (unsigned i = 0; i < n_crowd; i++) {
		crowd[i].flags |= FLOW_CLOSED;
		dpi_finish(&dpi, &crowd[i]);
		dpi_release(&dpi, crowd[i].dpi);
	}
	memset(crowd, 0, sizeof(crowd));
	n_crowd = 0;
}

static uint16_t server_port(struct in *in, unsigned sel, uint16_t cport)
{
	if (sel == 13)
		return get16(in);
	if (sel == 14)
		return cport;
	return server_ports[sel];
}

static void slot_open(struct fz_flow *s, struct in *in)
{
	uint8_t cfg = get8(in);
	memset(s, 0, sizeof(*s));
	s->open = 1;
	s->f.key.proto = (cfg & 1) ? L4_UDP : L4_TCP;
	s->f.key.family = 4;
	s->f.flags = FLOW_SRC_DECIDED | ((cfg & 2) ? FLOW_DST_INITIATED : 0);
	s->f.first_seen_us = s->f.last_seen_us = now_us;
	unsigned csel = cfg >> 6;
	s->cport = csel == 3 ? get16(in) : client_ports[csel];
	s->sport = server_port(in, (cfg >> 2) & 15, s->cport);
	if (s->f.key.proto == L4_TCP) {
		/* Initial sequence numbers: some wrap within a stream's reach. */
		static const uint32_t base[4] = { 0x1000, 0, 0x80000000u, 0x12345678 };
		uint8_t b = get8(in);
		s->next[0] = base[b & 3] - (uint32_t)(b >> 2) * 16;
		s->next[1] = s->next[0] * 2654435761u + 7;
		s->last[0] = s->next[0];
		s->last[1] = s->next[1];
	}
}

static uint32_t later(uint32_t a, uint32_t b) { return (int32_t)(b - a) > 0 ? b : a; }

/* The sequence number of a segment of len bytes (its data starts one
 * past it when SYN is set, as dpi.c counts), and the sender's next. */
static uint32_t seq_of(struct fz_flow *s, int dir, unsigned mode, int syn, size_t len, struct in *in)
{
	uint32_t *next = &s->next[dir];
	uint32_t seq;
	const uint32_t l = (uint32_t)len + (syn ? 1u : 0u);
	switch (mode) {
	case 7:		/* the previous segment's number again, new bytes */
		seq = s->last[dir];
		*next = later(*next, seq + l);
		break;
	case 8:		/* a small gap, filled later by in-order segments */
		seq = *next + 1 + get8(in);
		break;
	case 9:		/* overlaps what was sent */
		seq = *next - 1 - get8(in);
		*next = later(*next, seq + l);
		break;
	case 10:	/* a large gap */
		seq = *next + ((uint32_t)get16(in) << 2);
		break;
	case 11:	/* a large step back */
		seq = *next - 1 - get16(in);
		*next = later(*next, seq + l);
		break;
	case 12:	/* anywhere: the sender jumps there */
		seq = get32(in);
		*next = seq + l;
		break;
	case 13:	/* half the sequence space away: neither ahead nor behind */
		seq = *next + 0x80000000u;
		break;
	case 14:	/* bytes lost for good: the stream never fills */
		seq = *next + 1 + get8(in);
		*next = seq + l;
		break;
	case 15:	/* just below the wrap */
		seq = UINT32_MAX - get8(in);
		*next = seq + l;
		break;
	default:	/* in order */
		seq = *next - (syn ? 1u : 0u);
		*next = seq + l;
		break;
	}
	s->last[dir] = seq;
	return seq;
}

/* A payload's length: one byte (0-127), or two (bit 15 set): 14 bits of
 * length, the bytes following in the input, or with bit 14 set a filler of
 * 4 x 14 bits whose first 16 bytes (at most) come from the input and
 * repeat: segments past the stream bound from a small input. */
struct len_spec {
	size_t n;	/* the payload's length */
	size_t lit;	/* of which from the input */
};

static struct len_spec get_len(struct in *in)
{
	struct len_spec l;
	uint8_t b = get8(in);
	if (!(b & 0x80)) {
		l.n = l.lit = b;
		return l;
	}
	size_t v = (size_t)(b & 0x7f) << 8 | get8(in);
	if (v & 0x4000) {
		l.n = (v & 0x3fff) * 4;
		l.lit = l.n < 16 ? l.n : 16;
	} else {
		l.n = l.lit = v;
	}
	return l;
}

/* The payload as an exact-size heap block, so AddressSanitizer sees a read
 * past it; *len gets its length (a literal one is cut at the input's end). */
static uint8_t *take_payload(struct in *in, struct len_spec l, size_t *len)
{
	size_t lit = l.lit < in->left ? l.lit : in->left;
	size_t n = l.lit == l.n ? lit : l.n;
	uint8_t *c = malloc(n ? n : 1);
	if (!c)
		abort();
	if (lit)
		memcpy(c, in->p, lit);
	in->p += lit;
	in->left -= lit;
	for (size_t i = lit; i < n; i++)
		c[i] = lit ? c[i % lit] : 0;
	*len = n;
	return c;
}

static void fill_packet(struct packet *p, const struct flow *f, int from_client, uint16_t cport,
			uint16_t sport, const uint8_t *payload, size_t len)
{
	memset(p, 0, sizeof(*p));
	p->ts_us = now_us;
	p->proto = f->key.proto;
	p->family = 4;
	p->sport = from_client ? cport : sport;
	p->dport = from_client ? sport : cport;
	p->payload = payload;
	p->payload_len = len;
	p->l4_payload_len = (uint32_t)len;
	p->ip_len = (uint32_t)len + 40;
	p->wire_len = p->cap_len = p->ip_len + 14;
}

static uint8_t *copy_of(const uint8_t *b, size_t n)
{
	uint8_t *c = malloc(n ? n : 1);
	if (!c)
		abort();
	if (n)
		memcpy(c, b, n);
	return c;
}

static void op_packet(struct fz_flow *s, struct in *in)
{
	if (!s->open)
		slot_open(s, in);
	uint8_t ctl = get8(in);
	const int dir = ctl & 1;
	const int tcp = s->f.key.proto == L4_TCP;
	const uint8_t fl = tcp ? flags[(ctl >> 1) & 7] : 0;
	struct len_spec l = get_len(in);
	uint32_t seq = tcp ? seq_of(s, dir, ctl >> 4, fl & TCP_SYN, l.n, in) : 0;
	size_t len;
	uint8_t *payload = take_payload(in, l, &len);

	/* As dpi.c derives it from the flow's flags. */
	const int from_client = (dir == DIR_FWD) == !(s->f.flags & FLOW_DST_INITIATED);
	struct packet p;
	fill_packet(&p, &s->f, from_client, s->cport, s->sport, payload, len);
	p.tcp_flags = fl;
	p.seq = seq;
	p.window = 65535;
	if (tcp && len) {	/* as the tracker tells where data begins */
		p.data_from_known = s->opened[dir];
		p.data_from = s->data_from[dir];
	}
	if (fl & TCP_SYN) {
		s->opened[dir] = 1;
		s->data_from[dir] = later(s->data_from[dir], seq + 1);
	}
	if (tcp)
		s->data_from[dir] = later(s->data_from[dir], seq + (uint32_t)len + ((fl & TCP_SYN) ? 1u : 0u));
	s->f.packets[dir]++;
	s->f.bytes[dir] += p.ip_len;
	s->f.last_seen_us = now_us;
	offer(&s->f, &p, dir);
	free(payload);
}

static void op_crowd(struct in *in)
{
	crowd_end();
	unsigned n = 1 + get8(in) % CROWD_MAX;
	uint8_t cfg = get8(in);
	const unsigned sel = (cfg >> 2) & 15;
	const uint16_t given = sel == 13 ? get16(in) : 0;
	size_t len;
	uint8_t *bytes = take_payload(in, get_len(in), &len);
	for (unsigned i = 0; i < n; i++) {
		struct flow *f = &crowd[i];
		uint16_t cport = (uint16_t)(40000 + i);
		uint16_t sport = sel == 13 ? given : sel == 14 ? cport : server_ports[sel];
		memset(f, 0, sizeof(*f));
		f->key.proto = L4_TCP;
		f->key.family = 4;
		f->flags = FLOW_SRC_DECIDED;
		uint8_t *payload = copy_of(bytes, len);
		struct packet p;
		fill_packet(&p, f, 1, cport, sport, payload, len);
		p.tcp_flags = TCP_PSH | TCP_ACK;
		p.seq = 1000u + i * 7919u;
		offer(f, &p, DIR_FWD);
		free(payload);
	}
	free(bytes);
	n_crowd = n;
}

static void op_import(unsigned k, struct in *in)
{
	static uint8_t blob[DPI_RESULT_MAX_BYTES + 64];
	char label[DPI_LABEL_MAX + 8];
	struct dpi_results r;
	uint8_t o = get8(in);
	r.owner = (int)(o & 0x3f) - 1;	/* past the loaded ones too */
	size_t ll = get8(in) % sizeof(label);
	for (size_t i = 0; i < ll; i++)
		label[i] = (char)get8(in);
	label[ll] = '\0';
	r.label = label;
	uint8_t count = get8(in);
	size_t len = 0;
	if (count & 0x80) {
		len = get16(in) % sizeof(blob);
		for (size_t i = 0; i < len; i++)
			blob[i] = get8(in);
	} else {
		const struct nl_dissector *x = r.owner >= 0 && (unsigned)r.owner < dpi.set.n
					       ? &dpi.set.v[r.owner].d : NULL;
		for (unsigned n = count; n && len + 4 + 255 <= sizeof(blob); n--) {
			uint8_t fb = get8(in), field = fb & 0x1f;
			uint8_t type = (fb & 0x80) && x && field < x->n_fields ? (uint8_t)x->fields[field].type
										  : (uint8_t)(get8(in) % 4);
			uint16_t l = type == NL_FIELD_U64 ? 8 : get8(in);
			blob[len] = field;
			blob[len + 1] = type;
			memcpy(blob + len + 2, &l, 2);
			for (uint16_t i = 0; i < l; i++)
				blob[len + 4 + i] = get8(in);
			len += 4u + l;
		}
	}
	r.blob = blob;
	r.len = len;

	if (k & 4) {
		struct flow *c = &history[k & 3];
		if (dpi_import(&dpi, &c->dpi, &r) == 0)
			dpi_note_imported(&dpi, c);
		return;
	}
	struct flow f;
	memset(&f, 0, sizeof(f));
	f.key.proto = L4_UDP;
	f.flags = FLOW_CLOSED;
	if (dpi_import(&dpi, &f.dpi, &r) != 0) {
		CHECK(f.dpi == DPI_NONE);
		return;
	}
	dpi_note_imported(&dpi, &f);
	outputs(&f);
	dpi_release(&dpi, f.dpi);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	verbose = getenv("FUZZ_DPI_VERBOSE") != NULL;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct in in = { data, size };
	uint16_t limit = get16(&in);
	uint8_t disable = get8(&in);

	names_current = names_new(64);	/* DNS answers' names go somewhere real */
	dpi_init(&dpi);
	loader_load_builtins(&dpi.set, &dpi.api);
	CHECK(dpi.set.n >= 4 && dpi.set.rejected == 0);
	if (disable & 0x80)
		for (unsigned i = 0; i < dpi.set.n; i++)
			if (disable & 1u << (i % 7))
				loader_disable(&dpi.set, dpi.set.v[i].d.name);
	dpi_set_stream_limit(&dpi, limit & 0x8000 ? DPI_STREAM_LIMIT_DEFAULT
				   : (size_t)(limit & 0x7fff) * 2);
	dpi_ready(&dpi);
	memset(slot, 0, sizeof(slot));
	memset(history, 0, sizeof(history));
	hist_head = 0;
	n_crowd = 0;
	now_us = 1700000000000000ull;

	while (in.left) {
		uint8_t op = get8(&in);
		struct fz_flow *s = &slot[op & 7];
		unsigned t = op >> 3;
		now_us += 1000;
		if (t < 20) {
			op_packet(s, &in);
		} else if (t < 23) {
			if (s->open)
				close_flow(&s->f);
			s->open = 0;
		} else if (t < 25) {
			if (s->open)
				dpi_release(&dpi, s->f.dpi);
			memset(s, 0, sizeof(*s));
		} else if (t < 28) {
			outputs(s->open ? &s->f : &history[(op & 7) % HISTORY]);
		} else if (t < 30) {
			op_crowd(&in);
		} else if (t == 30) {
			history_clear();
		} else {
			op_import(op & 7, &in);
		}
		check_all();
	}

	for (unsigned i = 0; i < SLOTS; i++)
		if (slot[i].open) {
			close_flow(&slot[i].f);
			slot[i].open = 0;
		}
	crowd_end();
	check_all();
	history_clear();
	CHECK(dpi.stream_bytes == 0);
	CHECK(dpi.stats.flows_with_results == 0);
	if (verbose)
		fprintf(stderr, "fuzz_dpi: offered %llu identified %llu malformed %llu api_errors %llu "
			"stream_capped %llu names %llu\n", (unsigned long long)dpi.stats.offered,
			(unsigned long long)dpi.stats.identified, (unsigned long long)dpi.stats.malformed,
			(unsigned long long)dpi.stats.api_errors,
			(unsigned long long)dpi.stats.stream_capped,
			(unsigned long long)dpi.stats.names_noted);
	dpi_free(&dpi);
	names_free(names_current);
	names_current = NULL;
	return 0;
}
