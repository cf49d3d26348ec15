/*
 * test_dns.c - unit tests of the DNS dissector (dissectors/dns.c) against
 * the fake host.
 *
 * Vectors live in tests/dissectors/vectors/dns (README there): captured
 * from dnsmasq and dig (udp_*, tcp_*, mdns_printer_*, llmnr_printer_*) and
 * hand-made by make_crafted.py (crafted_*). The directory is found next to
 * this source file, or in $DNS_VECTORS.
 *
 * Every payload is copied into a heap block of exactly its length before it
 * is offered, so valgrind or ASan see any read past it.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "fakehost.h"

const struct nl_dissector *netlens_dissector_entry(void);

#define VBUF 20000

static const struct nl_dissector *D;

/* ---- a host API that also records every note_name() -------------------- */

struct note {
	int family;
	uint8_t addr[16];
	char name[NL_MAX_STR + 1];
	uint32_t ttl;
};

static struct note notes[64];
static int n_notes;

static int rec_note_name(struct nl_flow *f, int family, const uint8_t *addr, const void *name, size_t len,
			 uint32_t ttl_s)
{
	if (n_notes < 64) {
		struct note *n = &notes[n_notes++];
		n->family = family;
		memcpy(n->addr, addr, family == 4 ? 4 : 16);
		fh_copy(n->name, name, len);
		n->ttl = ttl_s;
	}
	return fh_note_name(f, family, addr, name, len, ttl_s);
}

static struct nl_host_api api;

static void setup(void)
{
	D = netlens_dissector_entry();
	api = fh_api;
	api.note_name = rec_note_name;
	n_notes = 0;
}

/* ---- helpers ------------------------------------------------------------- */

static const char *vec_dir(void)
{
	static char dir[1024];
	const char *e = getenv("DNS_VECTORS");
	if (e)
		return e;
	snprintf(dir, sizeof(dir), "%s", __FILE__);
	char *sl = strrchr(dir, '/');
	if (sl)
		*sl = '\0';
	else
		snprintf(dir, sizeof(dir), ".");
	strncat(dir, "/vectors/dns", sizeof(dir) - strlen(dir) - 1);
	return dir;
}

static size_t load(const char *name, uint8_t *buf)
{
	char path[1400];
	snprintf(path, sizeof(path), "%s/%s", vec_dir(), name);
	FILE *f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "cannot open vector %s", path);
	size_t n = fread(buf, 1, VBUF, f);
	fclose(f);
	ck_assert_msg(n > 0 && n < VBUF, "vector %s: %zu bytes", path, n);
	return n;
}

static void open_flow(struct fh_flow *ff)
{
	fh_open(ff, D);
	n_notes = 0;
}

/* Offers len bytes of buf in a heap block of exactly that size. */
static enum nl_verdict feed(struct fh_flow *ff, unsigned transport, int from_client, uint16_t sport,
			    uint16_t dport, const uint8_t *buf, size_t len)
{
	uint8_t *copy = len ? malloc(len) : NULL;
	if (len)
		memcpy(copy, buf, len);
	struct nl_payload p;
	fh_payload(&p, transport, from_client, sport, dport, copy, len);
	enum nl_verdict v = D->dissect(&api, &ff->f, ff->state, &p);
	free(copy);
	return v;
}

/* A query from the client and the answer back, over UDP. */
static enum nl_verdict udp_q(struct fh_flow *ff, uint16_t port, const uint8_t *b, size_t n)
{
	return feed(ff, NL_UDP, 1, 40000, port, b, n);
}

static enum nl_verdict udp_r(struct fh_flow *ff, uint16_t port, const uint8_t *b, size_t n)
{
	return feed(ff, NL_UDP, 0, port, 40000, b, n);
}

static enum nl_verdict tcp_c(struct fh_flow *ff, uint16_t port, const uint8_t *b, size_t n)
{
	return feed(ff, NL_TCP, 1, 40001, port, b, n);
}

static enum nl_verdict tcp_s(struct fh_flow *ff, uint16_t port, const uint8_t *b, size_t n)
{
	return feed(ff, NL_TCP, 0, port, 40001, b, n);
}

static size_t list_len(const struct fh_flow *ff, const char *key)
{
	size_t n = 0;
	while (fh_list(ff, key, n))
		n++;
	return n;
}

#define ASSERT_STR(ff, key, want)                                                            \
	do {                                                                                 \
		const char *got_ = fh_str((ff), (key));                                      \
		ck_assert_msg(got_ && !strcmp(got_, (want)), "%s: got '%s', want '%s'", (key), \
			      got_ ? got_ : "(unset)", (want));                              \
	} while (0)

/* ---- expectations -------------------------------------------------------- */

struct expect {
	const char *vec;	/* vector stem */
	uint16_t port;
	const char *qname, *qtype, *rcode, *kind, *state;
	uint16_t txid;
	const char *answers[4];	/* in wire order, NULL-terminated */
	int names;		/* note_name() calls */
	const char *noted;	/* the name noted for every address */
};

/* Checked against tshark: vectors/dns/tshark.txt */
static const struct expect udp_cases[] = {
	{"udp_host_a", 53, "host.test", "A", "NOERROR", "dns", "DNS_RESPONSE", 0x41eb, {"10.0.0.5"}, 1,
	 "host.test"},
	{"udp_host_aaaa", 53, "host.test", "AAAA", "NOERROR", "dns", "DNS_RESPONSE", 0x84c7, {"fd00::5"},
	 1, "host.test"},
	{"udp_alias2_a", 53, "alias2.test", "A", "NOERROR", "dns", "DNS_RESPONSE", 0x735f,
	 {"alias.test", "host.test", "10.0.0.5"}, 1, "alias2.test"},
	{"udp_alias2_aaaa", 53, "alias2.test", "AAAA", "NOERROR", "dns", "DNS_RESPONSE", 0xb25f,
	 {"alias.test", "host.test", "fd00::5"}, 1, "alias2.test"},
	{"udp_nx", 53, "nx.test", "A", "NXDOMAIN", "dns", "DNS_RESPONSE", 0x1f15, {NULL}, 0, NULL},
	{"udp_nodata_mx", 53, "host.test", "MX", "NOERROR", "dns", "DNS_RESPONSE", 0x76ca, {NULL}, 0,
	 NULL},
	{"udp_ptr", 53, "5.0.0.10.in-addr.arpa", "PTR", "NOERROR", "dns", "DNS_RESPONSE", 0xea31,
	 {"host.test"}, 0, NULL},
	{"udp_txt", 53, "txt.test", "TXT", "NOERROR", "dns", "DNS_RESPONSE", 0xd246, {NULL}, 0, NULL},
	{"udp_multi", 53, "multi.test", "A", "NOERROR", "dns", "DNS_RESPONSE", 0xca27,
	 {"10.0.0.7", "10.0.0.8"}, 2, "multi.test"},
	{"udp_web", 53, "web.test", "A", "NOERROR", "dns", "DNS_RESPONSE", 0x9d10, {"10.0.0.80"}, 1,
	 "web.test"},
	{"mdns_printer_a", 5353, "printer.local", "A", "NOERROR", "mdns", "MDNS_RESPONSE", 0x271a,
	 {"10.0.0.9"}, 1, "printer.local"},
	{"llmnr_printer_aaaa", 5355, "printer.local", "AAAA", "NOERROR", "llmnr", "LLMNR_RESPONSE", 0xb4a8,
	 {"fd00::9"}, 1, "printer.local"},
	{"crafted_llmnr", 5355, "wpad", "A", "NOERROR", "llmnr", "LLMNR_RESPONSE", 0x1234,
	 {"10.0.0.1"}, 1, "wpad"},
};
#define N_UDP (int)(sizeof(udp_cases) / sizeof(udp_cases[0]))

static const struct expect tcp_cases[] = {
	{"tcp_host_a", 53, "host.test", "A", "NOERROR", "dns", "DNS_RESPONSE", 0xc957, {"10.0.0.5"}, 1,
	 "host.test"},
	{"tcp_alias2_aaaa", 53, "alias2.test", "AAAA", "NOERROR", "dns", "DNS_RESPONSE", 0x8d50,
	 {"alias.test", "host.test", "fd00::5"}, 1, "alias2.test"},
	{"tcp_nx", 53, "nx.test", "A", "NXDOMAIN", "dns", "DNS_RESPONSE", 0x907b, {NULL}, 0, NULL},
};
#define N_TCP (int)(sizeof(tcp_cases) / sizeof(tcp_cases[0]))

static void check_expect(const struct fh_flow *ff, const struct expect *e, int check_txid)
{
	ck_assert_int_eq(ff->f.errors, 0);
	ck_assert_str_eq(fh_list(ff, "dns.queries", 0) ? fh_list(ff, "dns.queries", 0) : "(unset)", e->qname);
	ck_assert_uint_eq(list_len(ff, "dns.queries"), 1);
	ASSERT_STR(ff, "dns.qtype", e->qtype);
	ASSERT_STR(ff, "dns.rcode", e->rcode);
	ASSERT_STR(ff, "dns.kind", e->kind);
	ck_assert_str_eq(ff->f.state, e->state);
	int found;
	uint64_t txid = fh_u64(ff, "dns.txid", &found);
	ck_assert(found);
	if (check_txid)
		ck_assert_uint_eq(txid, e->txid);
	size_t na = 0;
	while (na < 4 && e->answers[na])
		na++;
	ck_assert_uint_eq(list_len(ff, "dns.answers"), na);
	for (size_t i = 0; i < na; i++)
		ck_assert_str_eq(fh_list(ff, "dns.answers", i), e->answers[i]);
	ck_assert_int_eq(ff->f.names, e->names);
	ck_assert_int_eq(n_notes, e->names);
	for (int i = 0; i < n_notes; i++)
		ck_assert_str_eq(notes[i].name, e->noted);
}

static void stem_file(char *out, size_t len, const char *stem, const char *suffix)
{
	snprintf(out, len, "%s%s", stem, suffix);
}

/* ---- descriptor ---------------------------------------------------------- */

START_TEST(test_descriptor)
{
	ck_assert_ptr_nonnull(D);
	ck_assert_uint_eq(D->struct_size, sizeof(struct nl_dissector));
	ck_assert_uint_eq(D->abi_major, NL_ABI_MAJOR);
	ck_assert_uint_eq(D->abi_minor, NL_ABI_MINOR);
	ck_assert_str_eq(D->name, "dns");
	ck_assert_str_eq(D->display, "DNS");
	ck_assert_uint_eq(D->flags, NL_DESC_STREAM);
	ck_assert_uint_eq(D->transports, NL_UDP | NL_TCP);
	ck_assert_uint_eq(D->idle_timeout_s, 30);
	ck_assert(D->state_size > 0 && D->state_size <= 64);
	static const char *const keys[] = {"dns.queries", "dns.qtype", "dns.rcode",
					   "dns.answers", "dns.kind", "dns.txid"};
	static const uint16_t types[] = {NL_FIELD_STR_LIST, NL_FIELD_STR, NL_FIELD_STR,
					 NL_FIELD_STR_LIST, NL_FIELD_STR, NL_FIELD_U64};
	ck_assert_uint_eq(D->n_fields, 6);
	for (uint16_t i = 0; i < D->n_fields; i++) {
		ck_assert_uint_eq(D->fields[i].id, i);
		ck_assert_str_eq(D->fields[i].key, keys[i]);
		ck_assert_uint_eq(D->fields[i].type, types[i]);
		ck_assert_uint_eq(D->fields[i].reserved, 0);
	}
	ck_assert_int_eq(D->domain_field, 0);
	int p53 = 0;
	for (uint16_t i = 0; i < D->n_port_hints; i++) {
		ck_assert_uint_ne(D->port_hints[i], 853);
		p53 |= D->port_hints[i] == 53;
	}
	ck_assert(p53);
}
END_TEST

/* ---- valid vectors ------------------------------------------------------- */

START_TEST(test_udp_pair)
{
	const struct expect *e = &udp_cases[_i];
	uint8_t q[VBUF], r[VBUF];
	char fn[128];
	stem_file(fn, sizeof(fn), e->vec, "_q.bin");
	size_t nq = load(fn, q);
	stem_file(fn, sizeof(fn), e->vec, "_r.bin");
	size_t nr = load(fn, r);

	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(udp_q(&ff, e->port, q, nq), NL_NEED_MORE);
	ck_assert_int_eq(ff.f.errors, 0);
	ck_assert_str_eq(ff.f.state, e->state[0] == 'D' ? "DNS_QUERY" : e->state[0] == 'M' ? "MDNS_QUERY"
										 : "LLMNR_QUERY");
	ck_assert_str_eq(fh_list(&ff, "dns.queries", 0), e->qname);
	ck_assert_ptr_null(fh_str(&ff, "dns.rcode"));
	ck_assert_int_eq(udp_r(&ff, e->port, r, nr), NL_NEED_MORE);
	check_expect(&ff, e, 1);
	fh_close(&ff);

	/* the same on a port that is no hint: the strict test must pass */
	open_flow(&ff);
	ck_assert_int_eq(feed(&ff, NL_UDP, 1, 40000, 5300, q, nq), NL_NEED_MORE);
	ck_assert_int_eq(feed(&ff, NL_UDP, 0, 5300, 40000, r, nr), NL_NEED_MORE);
	ck_assert_int_eq(ff.f.errors, 0);
	ck_assert_str_eq(fh_list(&ff, "dns.queries", 0), e->qname);
	ASSERT_STR(&ff, "dns.kind", "dns");
	fh_close(&ff);

	/* a response alone is enough */
	open_flow(&ff);
	ck_assert_int_eq(udp_r(&ff, e->port, r, nr), NL_NEED_MORE);
	check_expect(&ff, e, 1);
	fh_close(&ff);
}
END_TEST

static size_t load_stream(const struct expect *e, const char *dir, uint8_t *buf)
{
	char fn[128];
	snprintf(fn, sizeof(fn), "%s.%s.bin", e->vec, dir);
	return load(fn, buf);
}

START_TEST(test_tcp_whole)
{
	const struct expect *e = &tcp_cases[_i];
	uint8_t c[VBUF], s[VBUF];
	size_t nc = load_stream(e, "c2s", c), ns = load_stream(e, "s2c", s);
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(tcp_c(&ff, e->port, c, nc), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "DNS_QUERY");
	ck_assert_int_eq(tcp_s(&ff, e->port, s, ns), NL_NEED_MORE);
	check_expect(&ff, e, 1);
	fh_close(&ff);

	open_flow(&ff);	/* off the DNS ports */
	ck_assert_int_eq(tcp_c(&ff, 5300, c, nc), NL_NEED_MORE);
	ck_assert_int_eq(tcp_s(&ff, 5300, s, ns), NL_NEED_MORE);
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}
END_TEST

/* Each direction split in two deliveries at every byte (the host re-offers
 * the whole stream each time it grows). */
START_TEST(test_tcp_split_every_byte)
{
	const struct expect *e = &tcp_cases[_i];
	uint8_t c[VBUF], s[VBUF];
	size_t nc = load_stream(e, "c2s", c), ns = load_stream(e, "s2c", s);
	for (size_t k = 0; k < nc; k++) {
		struct fh_flow ff;
		open_flow(&ff);
		ck_assert_int_eq(tcp_c(&ff, e->port, c, k), NL_NEED_MORE);
		ck_assert_int_eq(tcp_c(&ff, e->port, c, nc), NL_NEED_MORE);
		ck_assert_int_eq(tcp_s(&ff, e->port, s, ns), NL_NEED_MORE);
		check_expect(&ff, e, 1);
		fh_close(&ff);
	}
	for (size_t k = 0; k < ns; k++) {
		struct fh_flow ff;
		open_flow(&ff);
		ck_assert_int_eq(tcp_c(&ff, e->port, c, nc), NL_NEED_MORE);
		ck_assert_int_eq(tcp_s(&ff, e->port, s, k), NL_NEED_MORE);
		ck_assert_int_eq(tcp_s(&ff, e->port, s, ns), NL_NEED_MORE);
		check_expect(&ff, e, 1);
		fh_close(&ff);
	}
}
END_TEST

/* The stream growing one byte per delivery: names noted once, not per call. */
START_TEST(test_tcp_byte_by_byte)
{
	const struct expect *e = &tcp_cases[_i];
	uint8_t c[VBUF], s[VBUF];
	size_t nc = load_stream(e, "c2s", c), ns = load_stream(e, "s2c", s);
	struct fh_flow ff;
	open_flow(&ff);
	for (size_t k = 1; k <= nc; k++)
		ck_assert_int_eq(tcp_c(&ff, e->port, c, k), NL_NEED_MORE);
	for (size_t k = 1; k < ns; k++)
		ck_assert_int_eq(tcp_s(&ff, e->port, s, k), NL_NEED_MORE);
	ck_assert_int_eq(tcp_s(&ff, e->port, s, ns), NL_NEED_MORE);
	check_expect(&ff, e, 1);
	fh_close(&ff);
}
END_TEST

/* A host of ABI 1.1 (segments, consume honoured) finds what a 1.0 host
 * (the whole stream each time) finds, and holds no handled message. */
START_TEST(test_tcp_consume_host_agrees)
{
	static const size_t segs[] = { 1, 5, 64, NL_MAX_STREAM };
	const struct expect *e = &tcp_cases[_i];
	uint8_t c[VBUF], s[VBUF];
	size_t nc = load_stream(e, "c2s", c), ns = load_stream(e, "s2c", s);
	for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
		struct fh_flow a, b;
		open_flow(&a);
		open_flow(&b);
		ck_assert_int_eq(fh_replay_both(&a, &b, 40001, e->port, c, nc, s, ns, segs[i]), 0);
		ck_assert(fh_same_results(&a, &b));
		ck_assert_str_eq(fh_list(&b, "dns.queries", 0), e->qname);
		ck_assert_int_eq(a.f.errors + b.f.errors, 0);
		ck_assert_uint_eq(b.dir[0].len + b.dir[1].len, 0);
		ck_assert_uint_eq(b.dir[1].base, nc);
		fh_close(&a);
		fh_close(&b);
	}
}
END_TEST

/* A connection reused for more queries than NL_MAX_STREAM bytes hold: a
 * 1.0 host stops keeping the stream there, so the last query is never
 * read; with consume (1.1) it is. */
START_TEST(test_tcp_consume_follows_past_stream_cap)
{
	uint8_t one[VBUF], last[VBUF];
	size_t n1 = load("tcp_host_a.c2s.bin", one), n2 = load("tcp_nx.c2s.bin", last);
	size_t copies = NL_MAX_STREAM / n1 + 1, total = copies * n1 + n2;
	uint8_t *c = malloc(total);
	ck_assert_ptr_nonnull(c);
	for (size_t k = 0; k < copies; k++)
		memcpy(c + k * n1, one, n1);
	memcpy(c + copies * n1, last, n2);
	struct fh_flow a, b;
	open_flow(&a);
	open_flow(&b);
	size_t cut = total > NL_MAX_STREAM ? NL_MAX_STREAM : total;	/* what a 1.0 host keeps */
	ck_assert_int_eq(tcp_c(&a, 53, c, cut), NL_DONE);	/* capped mid-message */
	for (size_t at = 0; at < total; at += 1448)
		ck_assert_int_eq(fh_stream_feed(&b, 1, 40001, 53, c + at, total - at < 1448 ? total - at : 1448),
				 NL_NEED_MORE);
	ck_assert_str_eq(fh_list(&a, "dns.queries", 0), "host.test");
	ck_assert_ptr_null(fh_list(&a, "dns.queries", 1));
	ck_assert_str_eq(fh_list(&b, "dns.queries", 0), "host.test");
	ck_assert_str_eq(fh_list(&b, "dns.queries", 1), "nx.test");
	ck_assert_uint_eq(b.dir[1].len, 0);
	ck_assert_uint_eq(b.dir[1].base, total);
	ck_assert_int_eq(a.f.errors + b.f.errors, 0);
	fh_close(&a);
	fh_close(&b);
	free(c);
}
END_TEST

/* A TCP connection may carry more queries (RFC 7766 6.2.1): the dissector
 * keeps asking for more after every exchange; the host's budget ends it. */

/* Regression: after the first query and answer on a TCP connection the
 * dissector said DONE, so a later query on the reused connection was never
 * read (seen with dig +tcp +keepopen against dnsmasq). */
START_TEST(test_bug_tcp_reuse_stops_after_first_exchange)
{
	uint8_t c[VBUF], s[VBUF], c2[VBUF], s2[VBUF];
	size_t nc = load("tcp_host_a.c2s.bin", c), ns = load("tcp_host_a.s2c.bin", s);
	size_t nc2 = load("tcp_nx.c2s.bin", c2), ns2 = load("tcp_nx.s2c.bin", s2);
	memcpy(c + nc, c2, nc2);
	memcpy(s + ns, s2, ns2);
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(tcp_c(&ff, 53, c, nc), NL_NEED_MORE);		/* query 1 */
	ck_assert_int_eq(tcp_s(&ff, 53, s, ns), NL_NEED_MORE);		/* answer 1: not done */
	ck_assert_str_eq(fh_str(&ff, "dns.rcode"), "NOERROR");
	ck_assert_int_eq(tcp_c(&ff, 53, c, nc + nc2), NL_NEED_MORE);	/* query 2, later */
	ck_assert_uint_eq(list_len(&ff, "dns.queries"), 2);
	ck_assert_int_eq(tcp_s(&ff, 53, s, ns + ns2), NL_NEED_MORE);	/* answer 2 */
	ck_assert_str_eq(fh_str(&ff, "dns.rcode"), "NXDOMAIN");		/* the latest response */
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}
END_TEST

/* Two queries on one connection (RFC 7766 6.2.1.1), answers after both. */
START_TEST(test_tcp_pipelined)
{
	uint8_t c[VBUF], s[VBUF], c2[VBUF], s2[VBUF];
	size_t nc = load("tcp_host_a.c2s.bin", c), ns = load("tcp_host_a.s2c.bin", s);
	size_t nc2 = load("tcp_nx.c2s.bin", c2), ns2 = load("tcp_nx.s2c.bin", s2);
	memcpy(c + nc, c2, nc2);
	memcpy(s + ns, s2, ns2);
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(tcp_c(&ff, 53, c, nc + nc2), NL_NEED_MORE);
	ck_assert_uint_eq(list_len(&ff, "dns.queries"), 2);
	ck_assert_int_eq(tcp_s(&ff, 53, s, ns), NL_NEED_MORE);	/* nx.test still unanswered */
	ck_assert_int_eq(tcp_s(&ff, 53, s, ns + ns2), NL_NEED_MORE);
	ck_assert_int_eq(ff.f.errors, 0);
	ck_assert_str_eq(fh_list(&ff, "dns.queries", 0), "host.test");
	ck_assert_str_eq(fh_list(&ff, "dns.queries", 1), "nx.test");
	ck_assert_str_eq(fh_list(&ff, "dns.answers", 0), "10.0.0.5");
	ASSERT_STR(&ff, "dns.rcode", "NXDOMAIN");	/* the latest response */
	ck_assert_int_eq(ff.f.names, 1);
	fh_close(&ff);
}
END_TEST

/* glibc sends A and AAAA from one socket: both answers read, and the flow
 * still followed (the socket may ask again). */
START_TEST(test_udp_a_and_aaaa_one_flow)
{
	uint8_t qa[VBUF], ra[VBUF], q6[VBUF], r6[VBUF];
	size_t nqa = load("udp_host_a_q.bin", qa), nra = load("udp_host_a_r.bin", ra);
	size_t nq6 = load("udp_host_aaaa_q.bin", q6), nr6 = load("udp_host_aaaa_r.bin", r6);
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(udp_q(&ff, 53, qa, nqa), NL_NEED_MORE);
	ck_assert_int_eq(udp_q(&ff, 53, q6, nq6), NL_NEED_MORE);
	ck_assert_int_eq(udp_q(&ff, 53, q6, nq6), NL_NEED_MORE);	/* a retransmission */
	ck_assert_int_eq(udp_r(&ff, 53, ra, nra), NL_NEED_MORE);
	ck_assert_int_eq(udp_r(&ff, 53, r6, nr6), NL_NEED_MORE);
	ck_assert_int_eq(ff.f.errors, 0);
	ASSERT_STR(&ff, "dns.qtype", "A");	/* the first question's */
	ck_assert_uint_eq(list_len(&ff, "dns.queries"), 1);
	ck_assert_str_eq(fh_list(&ff, "dns.answers", 0), "10.0.0.5");
	ck_assert_str_eq(fh_list(&ff, "dns.answers", 1), "fd00::5");
	ck_assert_int_eq(n_notes, 2);
	ck_assert_int_eq(notes[0].family, 4);
	ck_assert_int_eq(notes[1].family, 6);
	static const uint8_t v4[4] = {10, 0, 0, 5};
	static const uint8_t v6[16] = {0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5};
	ck_assert(!memcmp(notes[0].addr, v4, 4));
	ck_assert(!memcmp(notes[1].addr, v6, 16));
	fh_close(&ff);
}
END_TEST

/* One UDP socket asking in turn, each query answered before the next (c-ares,
 * a script's socket): every name is listed, the rcode is the last answer's. */
START_TEST(test_udp_socket_asks_again)
{
	static const char *const vec[] = {"udp_host_a", "udp_nx", "udp_web"};
	struct fh_flow ff;
	open_flow(&ff);
	for (size_t i = 0; i < sizeof(vec) / sizeof(vec[0]); i++) {
		uint8_t q[VBUF], r[VBUF];
		char fn[128];
		stem_file(fn, sizeof(fn), vec[i], "_q.bin");
		size_t nq = load(fn, q);
		stem_file(fn, sizeof(fn), vec[i], "_r.bin");
		size_t nr = load(fn, r);
		ck_assert_int_eq(udp_q(&ff, 53, q, nq), NL_NEED_MORE);
		ck_assert_int_eq(udp_r(&ff, 53, r, nr), NL_NEED_MORE);
	}
	ck_assert_int_eq(ff.f.errors, 0);
	ck_assert_uint_eq(list_len(&ff, "dns.queries"), 3);
	ck_assert_str_eq(fh_list(&ff, "dns.queries", 0), "host.test");
	ck_assert_str_eq(fh_list(&ff, "dns.queries", 1), "nx.test");
	ck_assert_str_eq(fh_list(&ff, "dns.queries", 2), "web.test");
	ASSERT_STR(&ff, "dns.rcode", "NOERROR");	/* web.test's, after nx.test's NXDOMAIN */
	ck_assert_str_eq(fh_list(&ff, "dns.answers", 0), "10.0.0.5");
	ck_assert_str_eq(ff.f.state, "DNS_RESPONSE");
	fh_close(&ff);
}
END_TEST

START_TEST(test_mdns_announcement)
{
	uint8_t b[VBUF];
	size_t n = load("crafted_mdns_announce.bin", b);
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(feed(&ff, NL_UDP, 1, 5353, 5353, b, n), NL_NEED_MORE);
	ck_assert_int_eq(ff.f.errors, 0);
	ck_assert_str_eq(ff.f.state, "MDNS_RESPONSE");
	ASSERT_STR(&ff, "dns.kind", "mdns");
	ck_assert_str_eq(fh_list(&ff, "dns.queries", 0), "_http._tcp.local");
	ASSERT_STR(&ff, "dns.qtype", "PTR");
	ck_assert_str_eq(fh_list(&ff, "dns.answers", 0), "printer._http._tcp.local");
	ck_assert_str_eq(fh_list(&ff, "dns.answers", 1), "10.0.0.9");
	ck_assert_str_eq(fh_list(&ff, "dns.answers", 2), "fd00::9");
	ck_assert_int_eq(n_notes, 2);
	ck_assert_str_eq(notes[0].name, "printer.local");
	ck_assert_str_eq(notes[1].name, "printer.local");
	ck_assert_uint_eq(notes[0].ttl, 120);
	fh_close(&ff);
}
END_TEST

START_TEST(test_mdns_query_qu)
{
	uint8_t b[VBUF];
	size_t n = load("crafted_mdns_query_qu.bin", b);
	struct fh_flow ff;
	open_flow(&ff);
	/* from port 5353 the answers go to the group, not back on this flow;
	 * the flow is still followed (its host's next queries come on it) */
	ck_assert_int_eq(feed(&ff, NL_UDP, 1, 5353, 5353, b, n), NL_NEED_MORE);
	ck_assert_int_eq(ff.f.errors, 0);
	ck_assert_str_eq(ff.f.state, "MDNS_QUERY");
	ck_assert_uint_eq(list_len(&ff, "dns.queries"), 1);	/* the same name twice */
	ck_assert_str_eq(fh_list(&ff, "dns.queries", 0), "printer.local");
	ASSERT_STR(&ff, "dns.qtype", "A");
	fh_close(&ff);
}
END_TEST

START_TEST(test_cname_chain_reversed)
{
	uint8_t b[VBUF];
	size_t n = load("crafted_cname_reverse.bin", b);
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(udp_r(&ff, 53, b, n), NL_NEED_MORE);
	ck_assert_int_eq(ff.f.errors, 0);
	static const char *const ans[] = {"192.0.2.1", "edge.cdn.net", "lb.example.com", "192.0.2.2",
					  "2001:db8::1"};
	ck_assert_uint_eq(list_len(&ff, "dns.answers"), 5);
	for (size_t i = 0; i < 5; i++)
		ck_assert_str_eq(fh_list(&ff, "dns.answers", i), ans[i]);
	ck_assert_int_eq(n_notes, 3);
	ck_assert_str_eq(notes[0].name, "www.example.com");
	ck_assert_uint_eq(notes[0].ttl, 20);
	ck_assert_str_eq(notes[1].name, "other.org");	/* not on the chain: its own name */
	ck_assert_str_eq(notes[2].name, "www.example.com");
	ck_assert_int_eq(notes[2].family, 6);
	fh_close(&ff);
}
END_TEST

/* Bug: the name noted for an address reached through a CNAME was the CNAME
 * owner as the answer spelt it, not the question as it was asked. */
START_TEST(test_bug_noted_name_not_spelt_as_question)
{
	uint8_t b[VBUF];
	size_t n = load("crafted_case.bin", b);
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(udp_r(&ff, 53, b, n), NL_NEED_MORE);
	ck_assert_int_eq(ff.f.errors, 0);
	ck_assert_str_eq(fh_list(&ff, "dns.queries", 0), "WWW.Example.COM");	/* as sent */
	ck_assert_int_eq(n_notes, 1);
	ck_assert_str_eq(notes[0].name, "WWW.Example.COM");
	fh_close(&ff);
}
END_TEST

/* Owners that point at the question's name get its text without decoding
 * it again; owners spelt out (in another case) or pointing elsewhere are
 * decoded as before. */
START_TEST(test_owner_pointing_at_question)
{
	static const uint8_t msg[] = {
		0x12, 0x34, 0x81, 0x80, 0, 1, 0, 4, 0, 0, 0, 0,
		/* 12: a.example.com A IN */
		1, 'a', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 0, 1, 0, 1,
		/* the question's name by pointer */
		0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 1, 2, 3, 4,
		/* spelt out, upper case: noted as asked */
		1, 'A', 7, 'E', 'X', 'A', 'M', 'P', 'L', 'E', 3, 'C', 'O', 'M', 0,
		0, 1, 0, 1, 0, 0, 0, 61, 0, 4, 5, 6, 7, 8,
		/* a pointer into the question's name: its own text */
		0xc0, 0x0e, 0, 1, 0, 1, 0, 0, 0, 62, 0, 4, 9, 9, 9, 9,
		/* a pointer to the spelt-out owner above (offset 47) */
		0xc0, 0x2f, 0, 1, 0, 1, 0, 0, 0, 63, 0, 4, 8, 8, 8, 8,
	};
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(udp_r(&ff, 53, msg, sizeof(msg)), NL_NEED_MORE);
	ck_assert_int_eq(ff.f.errors, 0);
	ck_assert_int_eq(n_notes, 4);
	ck_assert_str_eq(notes[0].name, "a.example.com");
	ck_assert_uint_eq(notes[0].ttl, 60);
	ck_assert_str_eq(notes[1].name, "a.example.com");
	ck_assert_str_eq(notes[2].name, "example.com");
	ck_assert_str_eq(notes[3].name, "a.example.com");
	ck_assert_uint_eq(notes[3].ttl, 63);
	fh_close(&ff);
}
END_TEST

START_TEST(test_root_and_extended_rcode)
{
	uint8_t b[VBUF];
	size_t n = load("crafted_root_ns.bin", b);
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(udp_q(&ff, 53, b, n), NL_NEED_MORE);
	ck_assert_str_eq(fh_list(&ff, "dns.queries", 0), ".");
	ASSERT_STR(&ff, "dns.qtype", "NS");
	fh_close(&ff);

	n = load("crafted_badvers.bin", b);
	open_flow(&ff);
	ck_assert_int_eq(udp_r(&ff, 53, b, n), NL_NEED_MORE);
	ASSERT_STR(&ff, "dns.rcode", "BADVERS");
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);

	/* header rcode 1 and OPT's extended rcode 1: 17, BADKEY (RFC 8945);
	 * 17-23 all named, as tshark names them */
	static const char *const ext[] = {"BADKEY", "BADTIME", "BADMODE", "BADNAME", "BADALG",
					  "BADTRUNC", "BADCOOKIE"};
	for (unsigned rc = 17; rc <= 23; rc++) {
		uint8_t m[] = {0, 1, 0x81, 0x80, 0, 0, 0, 0, 0, 0, 0, 1,
			       0, 0, 41, 0x10, 0, 0, 0, 0, 0, 0, 0};	/* root OPT: ext rcode, version, flags, rdlen */
		m[3] = (uint8_t)(0x80 | (rc & 15));
		m[17] = (uint8_t)(rc >> 4);
		open_flow(&ff);
		ck_assert_int_eq(udp_r(&ff, 53, m, sizeof(m)), NL_NEED_MORE);
		ASSERT_STR(&ff, "dns.rcode", ext[rc - 17]);
		fh_close(&ff);
	}
}
END_TEST

START_TEST(test_name_255_accepted)
{
	uint8_t b[VBUF];
	size_t n = load("crafted_name255.bin", b);
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(udp_q(&ff, 53, b, n), NL_NEED_MORE);
	ck_assert_uint_eq(strlen(fh_list(&ff, "dns.queries", 0)), 253);
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}
END_TEST

START_TEST(test_empty_payloads)
{
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(udp_q(&ff, 53, NULL, 0), NL_NEED_MORE);
	ck_assert_int_eq(tcp_c(&ff, 53, NULL, 0), NL_NEED_MORE);
	ck_assert_int_eq(feed(&ff, NL_UDP, 1, 40000, 7000, NULL, 0), NL_NEED_MORE);
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}
END_TEST

/* qtype and rcode names */
START_TEST(test_type_names)
{
	static const struct {
		uint16_t t;
		const char *s;
	} cases[] = {{1, "A"}, {28, "AAAA"}, {5, "CNAME"}, {15, "MX"}, {16, "TXT"}, {12, "PTR"},
		     {2, "NS"}, {6, "SOA"}, {33, "SRV"}, {65, "HTTPS"}, {64, "SVCB"}, {255, "ANY"},
		     {257, "CAA"}, {43, "DS"}, {48, "DNSKEY"}, {0, "TYPE0"}, {999, "TYPE999"},
		     {65535, "TYPE65535"}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t m[] = {0, 1, 0x81, 0x80 | 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 'a', 0, 0, 0, 0, 1};
		m[15] = (uint8_t)(cases[i].t >> 8);
		m[16] = (uint8_t)cases[i].t;
		m[3] = (uint8_t)(0x80 | (i % 16));
		struct fh_flow ff;
		open_flow(&ff);
		ck_assert_int_eq(udp_r(&ff, 53, m, sizeof(m)), NL_NEED_MORE);
		ASSERT_STR(&ff, "dns.qtype", cases[i].s);
		static const char *const rc[16] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
						   "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET",
						   "NXRRSET", "NOTAUTH", "NOTZONE", "DSOTYPENI",
						   "RCODE12", "RCODE13", "RCODE14", "RCODE15"};
		ASSERT_STR(&ff, "dns.rcode", rc[i % 16]);
		ck_assert_int_eq(ff.f.errors, 0);
		fh_close(&ff);
	}
}
END_TEST

/* ---- caps ---------------------------------------------------------------- */

/* A response of n A records for big.test, length-prefixed when tcp. */
static size_t big_response(uint8_t *b, size_t cap, unsigned n, int tcp)
{
	size_t o = tcp ? 2 : 0;
	static const uint8_t hq[] = {0, 9, 0x81, 0x80, 0, 1, 0, 0, 0, 0, 0, 0,
				     3, 'b', 'i', 'g', 4, 't', 'e', 's', 't', 0, 0, 1, 0, 1};
	memcpy(b + o, hq, sizeof(hq));
	b[o + 6] = (uint8_t)(n >> 8);
	b[o + 7] = (uint8_t)n;
	o += sizeof(hq);
	for (unsigned i = 0; i < n; i++) {
		uint8_t rr[] = {0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 10, 1, (uint8_t)(i >> 8), (uint8_t)i};
		ck_assert(o + sizeof(rr) <= cap);
		memcpy(b + o, rr, sizeof(rr));
		o += sizeof(rr);
	}
	if (tcp) {
		b[0] = (uint8_t)((o - 2) >> 8);
		b[1] = (uint8_t)(o - 2);
	}
	return o;
}

START_TEST(test_many_answers_capped)
{
	static uint8_t b[VBUF];
	size_t n = big_response(b, sizeof(b), 100, 0);
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(udp_r(&ff, 53, b, n), NL_NEED_MORE);
	ck_assert_int_eq(ff.f.errors, 0);
	ck_assert_uint_eq(list_len(&ff, "dns.answers"), NL_MAX_LIST);
	ck_assert_int_le(n_notes, 16);
	ck_assert_str_eq(fh_list(&ff, "dns.answers", 0), "10.1.0.0");
	fh_close(&ff);
}
END_TEST

/* A records are written without inet_ntop: every digit count and octet
 * boundary must read as inet_ntop writes it. */
START_TEST(test_a_record_text)
{
	static const uint8_t addrs[][4] = {
		{0, 0, 0, 0}, {0, 9, 10, 99}, {100, 199, 200, 255}, {255, 255, 255, 255}, {1, 20, 250, 7},
	};
	const unsigned n = sizeof(addrs) / sizeof(addrs[0]);
	static uint8_t b[VBUF];
	size_t o = big_response(b, sizeof(b), n, 0);
	for (unsigned i = 0; i < n; i++)	/* each record's last 4 bytes are its address */
		memcpy(b + o - 16 * (n - i) + 12, addrs[i], 4);
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(udp_r(&ff, 53, b, o), NL_NEED_MORE);
	ck_assert_int_eq(ff.f.errors, 0);
	ck_assert_uint_eq(list_len(&ff, "dns.answers"), n);
	for (unsigned i = 0; i < n; i++) {
		char want[INET_ADDRSTRLEN];
		ck_assert_ptr_nonnull(inet_ntop(AF_INET, addrs[i], want, sizeof(want)));
		ck_assert_str_eq(fh_list(&ff, "dns.answers", i), want);
	}
	fh_close(&ff);
}
END_TEST

/* A TCP message longer than the host keeps of a stream: what fits is used. */
START_TEST(test_tcp_message_beyond_stream_limit)
{
	static uint8_t b[VBUF * 2];
	size_t n = big_response(b, sizeof(b), 1500, 1);
	ck_assert_uint_gt(n, NL_MAX_STREAM);
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(tcp_s(&ff, 53, b, 8000), NL_NEED_MORE);
	ck_assert_int_eq(tcp_s(&ff, 53, b, NL_MAX_STREAM), NL_DONE);
	ck_assert_int_eq(ff.f.errors, 0);
	ck_assert_str_eq(fh_list(&ff, "dns.queries", 0), "big.test");
	ck_assert_uint_eq(list_len(&ff, "dns.answers"), NL_MAX_LIST);
	ASSERT_STR(&ff, "dns.rcode", "NOERROR");
	ck_assert_str_eq(ff.f.state, "DNS_RESPONSE");
	fh_close(&ff);

	open_flow(&ff);	/* off the DNS ports such a length is not believed */
	ck_assert_int_eq(tcp_s(&ff, 5300, b, 8000), NL_NOT_MINE);
	fh_close(&ff);
}
END_TEST

/* mDNS is UDP only: a DNS server on TCP 5353 (dnsmasq -p 5353) is DNS. */
/* NetBIOS name service (UDP 137, RFC 1002): DNS's format with names in
 * RFC 1001's half-ASCII encoding, shown decoded as tshark does
 * ("WORKGROUP<00>"), scope kept, NB/NBSTAT types named; a name that is
 * not so encoded stays as it is. It was a DNS_QUERY of
 * "FHEPFCELEHFCEPFFFACACACACACACAAA" (and that in dpi_domain). */
/* A NetBIOS name's first label as RFC 1001 14.1 encodes it: 15 bytes
 * padded with spaces and the type byte, a letter a nibble. 33 bytes. */
static size_t nbns_label(uint8_t *b, const char *name15, uint8_t suffix)
{
	char raw[16];
	size_t n = 0;
	memset(raw, ' ', 15);
	memcpy(raw, name15, strlen(name15));
	raw[15] = (char)suffix;
	b[n++] = 32;
	for (int i = 0; i < 16; i++) {
		b[n++] = (uint8_t)('A' + ((uint8_t)raw[i] >> 4));
		b[n++] = (uint8_t)('A' + ((uint8_t)raw[i] & 15));
	}
	return n;
}

static size_t nbns_message(uint8_t *b, const char *name15, uint8_t suffix, const char *scope,
			   uint16_t qtype, int response)
{
	size_t n = 0;
	static const uint8_t query_head[12] = { 0x12, 0x34, 0x01, 0x10, 0, 1, 0, 0, 0, 0, 0, 0 };
	static const uint8_t resp_head[12] = { 0x12, 0x34, 0x85, 0x00, 0, 0, 0, 1, 0, 0, 0, 0 };
	memcpy(b, response ? resp_head : query_head, 12);
	n = 12;
	n += nbns_label(b + n, name15, suffix);
	if (scope) {
		b[n++] = (uint8_t)strlen(scope);
		memcpy(b + n, scope, strlen(scope));
		n += strlen(scope);
	}
	b[n++] = 0;
	b[n++] = (uint8_t)(qtype >> 8);
	b[n++] = (uint8_t)qtype;
	b[n++] = 0;
	b[n++] = 1;		/* class IN */
	if (response) {		/* a positive answer: TTL, rdlength 6, flags, 10.0.0.5 */
		static const uint8_t rr[] = { 0, 0, 0x0e, 0x10, 0, 6, 0, 0, 10, 0, 0, 5 };
		memcpy(b + n, rr, sizeof(rr));
		n += sizeof(rr);
	}
	return n;
}

START_TEST(test_nbns_names_decoded)
{
	uint8_t b[256];
	struct fh_flow ff;
	size_t n = nbns_message(b, "WORKGROUP", 0x00, NULL, 32, 0);
	open_flow(&ff);
	ck_assert_int_eq(udp_q(&ff, 137, b, n), NL_NEED_MORE);
	ck_assert_str_eq(fh_list(&ff, "dns.queries", 0), "WORKGROUP<00>");
	ASSERT_STR(&ff, "dns.qtype", "NB");
	ASSERT_STR(&ff, "dns.kind", "nbns");
	ck_assert_str_eq(ff.f.state, "NETBIOS_NS_QUERY");
	/* the answer, from the name's owner: same flow */
	n = nbns_message(b, "WORKGROUP", 0x00, NULL, 32, 1);
	udp_r(&ff, 137, b, n);
	ck_assert_str_eq(ff.f.state, "NETBIOS_NS_RESPONSE");
	ASSERT_STR(&ff, "dns.rcode", "NOERROR");
	ck_assert_uint_eq(list_len(&ff, "dns.queries"), 1);
	fh_close(&ff);

	/* An answer seen alone (to a broadcast query, from the name's owner):
	 * its record names it, as it never repeats the question. */
	n = nbns_message(b, "WORKGROUP", 0x1d, NULL, 32, 1);
	open_flow(&ff);
	udp_r(&ff, 137, b, n);
	ck_assert_str_eq(fh_list(&ff, "dns.queries", 0), "WORKGROUP<1d>");
	ASSERT_STR(&ff, "dns.qtype", "NB");
	fh_close(&ff);

	n = nbns_message(b, "FILESRV", 0x20, "corp", 33, 0);
	open_flow(&ff);
	udp_q(&ff, 137, b, n);
	ck_assert_str_eq(fh_list(&ff, "dns.queries", 0), "FILESRV<20>.corp");
	ASSERT_STR(&ff, "dns.qtype", "NBSTAT");
	fh_close(&ff);

	/* The same message off port 137 is DNS, its name as on the wire. */
	n = nbns_message(b, "WORKGROUP", 0x00, NULL, 32, 0);
	open_flow(&ff);
	udp_q(&ff, 53, b, n);
	ck_assert_str_eq(fh_list(&ff, "dns.queries", 0), "FHEPFCELEHFCEPFFFACACACACACACAAA");
	ASSERT_STR(&ff, "dns.kind", "dns");
	fh_close(&ff);

	/* On 137, a name that is not so encoded stays as it is. */
	static const uint8_t plain[] = { 0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
					 4, 'h', 'o', 's', 't', 3, 'l', 'a', 'n', 0, 0, 1, 0, 1 };
	open_flow(&ff);
	udp_q(&ff, 137, plain, sizeof(plain));
	ck_assert_str_eq(fh_list(&ff, "dns.queries", 0), "host.lan");
	fh_close(&ff);
}
END_TEST

/* A NetBIOS message of any opcode: name (15 bytes, padded with spaces,
 * then the type byte) in the question and/or the answer, and an additional
 * record (a registration's or refresh's address) when ar. */
static size_t nbns_op(uint8_t *b, const char *name15, uint8_t suffix, unsigned opcode, int response,
		      int qd, int an, int ar)
{
	size_t n = 0;
	uint16_t flags = (uint16_t)((response ? 0x8000 : 0) | opcode << 11 | 0x0010);
	uint8_t head[12] = { 0x56, 0x78, (uint8_t)(flags >> 8), (uint8_t)flags, 0, (uint8_t)qd, 0,
			     (uint8_t)an, 0, 0, 0, (uint8_t)ar };
	memcpy(b, head, 12);
	n = 12;
	for (int rr = 0; rr < qd + an; rr++) {
		n += nbns_label(b + n, name15, suffix);
		b[n++] = 0;
		static const uint8_t nb_in[] = { 0, 32, 0, 1 };
		memcpy(b + n, nb_in, 4);
		n += 4;
		if (rr >= qd) {	/* the answer: TTL, rdlength 6, flags, 10.0.0.5 */
			static const uint8_t rdata[] = { 0, 4, 0x93, 0xe0, 0, 6, 0, 0, 10, 0, 0, 5 };
			memcpy(b + n, rdata, sizeof(rdata));
			n += sizeof(rdata);
		}
	}
	if (ar) {	/* the name again (a pointer to the question), NB IN, 10.0.0.5 */
		static const uint8_t add_rr[] = { 0xc0, 0x0c, 0, 32, 0, 1, 0, 4, 0x93, 0xe0, 0, 6, 0, 0,
						  10, 0, 0, 5 };
		memcpy(b + n, add_rr, sizeof(add_rr));
		n += sizeof(add_rr);
	}
	return n;
}

/* NetBIOS has opcodes DNS has not (RFC 1002 4.2.1.1): a host's name
 * refresh (8, and 9 as Windows sends it), WACK (7) and multi-homed
 * registration (15) were refused as not DNS, and on a flow already proven
 * that ended its inspection: nd_skype_no_unknown.pcap's broadcasts lost
 * every name after the first refresh (tshark: nbns.flags.opcode 8). A
 * registration's answer names its name as a query's does; a name's bytes
 * that are not printable are written <xx>, as tshark writes them. */
START_TEST(test_nbns_opcodes)
{
	uint8_t b[256];
	struct fh_flow ff;
	open_flow(&ff);
	size_t n = nbns_op(b, "WORKGROUP", 0x1d, 0, 0, 1, 0, 0);
	ck_assert_int_eq(udp_q(&ff, 137, b, n), NL_NEED_MORE);
	n = nbns_op(b, "LUCASMACBOOKPRO", 0x00, 8, 0, 1, 0, 1);	/* refresh */
	ck_assert_int_eq(udp_q(&ff, 137, b, n), NL_NEED_MORE);
	n = nbns_op(b, "HOST9", 0x20, 9, 0, 1, 0, 1);		/* refresh, Windows' opcode */
	ck_assert_int_eq(udp_q(&ff, 137, b, n), NL_NEED_MORE);
	n = nbns_op(b, "MULTI", 0x00, 15, 0, 1, 0, 1);		/* multi-homed registration */
	ck_assert_int_eq(udp_q(&ff, 137, b, n), NL_NEED_MORE);
	n = nbns_op(b, "GONE", 0x00, 6, 0, 1, 0, 1);		/* release */
	ck_assert_int_eq(udp_q(&ff, 137, b, n), NL_NEED_MORE);
	ck_assert_uint_eq(list_len(&ff, "dns.queries"), 5);
	ck_assert_str_eq(fh_list(&ff, "dns.queries", 1), "LUCASMACBOOKPRO<00>");
	ck_assert_str_eq(fh_list(&ff, "dns.queries", 2), "HOST9<20>");
	ck_assert_str_eq(fh_list(&ff, "dns.queries", 3), "MULTI<00>");
	ck_assert_str_eq(fh_list(&ff, "dns.queries", 4), "GONE<00>");
	ck_assert_str_eq(ff.f.state, "NETBIOS_NS_QUERY");
	/* opcode 3 is neither DNS's nor NetBIOS's: malformed, as before */
	n = nbns_op(b, "ODD", 0x00, 3, 0, 1, 0, 0);
	ck_assert_int_eq(udp_q(&ff, 137, b, n), NL_MALFORMED);
	fh_close(&ff);

	/* WACK and a registration's answer: no question, the name in the answer */
	open_flow(&ff);
	n = nbns_op(b, "NBHOSTB", 0x03, 5, 1, 0, 1, 0);
	ck_assert_int_eq(udp_r(&ff, 137, b, n), NL_NEED_MORE);
	n = nbns_op(b, "NBHOSTC", 0x00, 7, 1, 0, 1, 0);
	ck_assert_int_eq(udp_r(&ff, 137, b, n), NL_NEED_MORE);
	ck_assert_str_eq(fh_list(&ff, "dns.queries", 0), "NBHOSTB<03>");
	ck_assert_str_eq(fh_list(&ff, "dns.queries", 1), "NBHOSTC<00>");
	ASSERT_STR(&ff, "dns.qtype", "NB");
	ck_assert_str_eq(ff.f.state, "NETBIOS_NS_RESPONSE");
	fh_close(&ff);

	/* ABI 1.4: a NetBIOS flow keeps RustNet's 60 s (the descriptor's is
	 * DNS's 30 s); a DNS flow is not touched */
	open_flow(&ff);
	n = nbns_op(b, "WORKGROUP", 0x1d, 0, 0, 1, 0, 0);
	ck_assert_int_eq(fh_feed_14(&ff, NL_UDP, 1, 137, 137, b, n, 4), NL_NEED_MORE);
	ck_assert_uint_eq(ff.f.idle_timeout_s, 60);
	fh_close(&ff);
	open_flow(&ff);
	ck_assert_int_eq(fh_feed_14(&ff, NL_UDP, 1, 40000, 53, b, n, 4), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "DNS_QUERY");
	ck_assert_uint_eq(ff.f.idle_timeout_s, 0);
	fh_close(&ff);

	/* the browsers' group name, with its control bytes */
	open_flow(&ff);
	n = nbns_op(b, "\x01\x02__MSBROWSE__\x02", 0x01, 0, 0, 1, 0, 0);
	ck_assert_int_eq(udp_q(&ff, 137, b, n), NL_NEED_MORE);
	ck_assert_str_eq(fh_list(&ff, "dns.queries", 0), "<01><02>__MSBROWSE__<02><01>");
	fh_close(&ff);
	/* a name of high bytes and its padding: <xx> each, the padding dropped */
	open_flow(&ff);
	n = nbns_op(b, "\xe9t\xe9", 0x20, 0, 0, 1, 0, 0);
	ck_assert_int_eq(udp_q(&ff, 137, b, n), NL_NEED_MORE);
	ck_assert_str_eq(fh_list(&ff, "dns.queries", 0), "<e9>t<e9><20>");
	fh_close(&ff);
}
END_TEST

START_TEST(test_tcp_5353_is_dns)
{
	static uint8_t b[VBUF];
	size_t n = big_response(b, sizeof(b), 2, 1);
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(tcp_s(&ff, 5353, b, n), NL_NEED_MORE);
	ASSERT_STR(&ff, "dns.kind", "dns");
	ck_assert_str_eq(ff.f.state, "DNS_RESPONSE");
	fh_close(&ff);
	open_flow(&ff);
	n = big_response(b, sizeof(b), 2, 0);
	ck_assert_int_eq(udp_r(&ff, 5353, b, n), NL_NEED_MORE);
	ASSERT_STR(&ff, "dns.kind", "mdns");
	fh_close(&ff);
}
END_TEST

/* Bug: a TCP message whose record walk was capped (over 64 records) parsed
 * before it was whole, so its fields and names were given once per
 * delivery, and again when it was complete. Now its head (question, rcode,
 * state: a large answer in small segments may outlast the host's budget)
 * is given once while it arrives, its answers and names once it is whole. */
START_TEST(test_bug_partial_tcp_message_noted_twice)
{
	static uint8_t b[VBUF];
	size_t n = big_response(b, sizeof(b), 100, 1);
	struct fh_flow ff;
	open_flow(&ff);
	for (size_t k = 1; k < n; k += 97)
		ck_assert_int_eq(tcp_s(&ff, 53, b, k), NL_NEED_MORE);
	ck_assert_int_eq(ff.f.names, 0);
	ck_assert_str_eq(fh_list(&ff, "dns.queries", 0), "big.test");
	ASSERT_STR(&ff, "dns.rcode", "NOERROR");
	ck_assert_str_eq(ff.f.state, "DNS_RESPONSE");
	ck_assert_ptr_null(fh_list(&ff, "dns.answers", 0));
	ck_assert_int_eq(tcp_s(&ff, 53, b, n), NL_NEED_MORE);
	ck_assert_int_eq(ff.f.names, 16);
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}
END_TEST

/* Bug: a TCP message cut by the host's stream limit whose first 64 records
 * fit parsed "OK" and the flow asked for more forever instead of DONE. */
START_TEST(test_bug_capped_stream_never_done)
{
	static uint8_t b[VBUF * 2];
	big_response(b, sizeof(b), 1500, 1);
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(tcp_s(&ff, 53, b, NL_MAX_STREAM), NL_DONE);
	ck_assert_int_eq(ff.f.names, 16);
	ck_assert_int_eq(tcp_s(&ff, 53, b, NL_MAX_STREAM), NL_DONE);	/* offered again: no repeat */
	ck_assert_int_eq(ff.f.names, 16);
	fh_close(&ff);
}
END_TEST

/* Bug: an UPDATE's prerequisite "RRset exists" (class ANY, empty rdata) in
 * its answer-section slot was judged an A record of bad length: MALFORMED. */
START_TEST(test_bug_update_prerequisite_malformed)
{
	uint8_t b[VBUF];
	size_t n = load("crafted_update.bin", b);
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(udp_q(&ff, 53, b, n), NL_NEED_MORE);
	ck_assert_int_eq(ff.f.errors, 0);
	ck_assert_str_eq(fh_list(&ff, "dns.queries", 0), "test");
	ASSERT_STR(&ff, "dns.qtype", "SOA");
	ck_assert_ptr_null(fh_list(&ff, "dns.answers", 0));
	ck_assert_int_eq(ff.f.names, 0);
	fh_close(&ff);
}
END_TEST

/* ---- truncation ---------------------------------------------------------- */

static const char *const udp_valid[] = {
	"udp_host_a_q.bin", "udp_host_a_r.bin", "udp_host_aaaa_q.bin", "udp_host_aaaa_r.bin",
	"udp_alias2_a_q.bin", "udp_alias2_a_r.bin", "udp_alias2_aaaa_q.bin", "udp_alias2_aaaa_r.bin",
	"udp_nx_q.bin", "udp_nx_r.bin", "udp_nodata_mx_q.bin", "udp_nodata_mx_r.bin",
	"udp_ptr_q.bin", "udp_ptr_r.bin", "udp_txt_q.bin", "udp_txt_r.bin", "udp_multi_q.bin",
	"udp_multi_r.bin", "udp_web_q.bin", "udp_web_r.bin", "mdns_printer_a_q.bin",
	"mdns_printer_a_r.bin", "llmnr_printer_aaaa_q.bin", "llmnr_printer_aaaa_r.bin",
	"crafted_mdns_announce.bin", "crafted_mdns_query_qu.bin", "crafted_llmnr_q.bin",
	"crafted_llmnr_r.bin", "crafted_cname_reverse.bin", "crafted_case.bin",
	"crafted_root_ns.bin", "crafted_badvers.bin", "crafted_name255.bin", "crafted_update.bin",
};
#define N_UDP_VALID (int)(sizeof(udp_valid) / sizeof(udp_valid[0]))

/* Every prefix of a datagram: DNS but cut on a DNS port, nothing off them. */
START_TEST(test_udp_every_truncation)
{
	uint8_t b[VBUF];
	size_t n = load(udp_valid[_i], b);
	for (size_t k = 0; k <= n; k++) {
		struct fh_flow ff;
		open_flow(&ff);
		enum nl_verdict v = udp_r(&ff, 53, b, k);
		if (k == 0)
			ck_assert_int_eq(v, NL_NEED_MORE);
		else if (k < n)
			ck_assert_msg(v == NL_MALFORMED, "%s cut at %zu: verdict %d", udp_valid[_i], k, v);
		else
			ck_assert(v == NL_DONE || v == NL_NEED_MORE);
		ck_assert_int_eq(ff.f.errors, 0);
		if (k < n)
			ck_assert_ptr_null(fh_list(&ff, "dns.answers", 0));
		fh_close(&ff);

		open_flow(&ff);
		v = feed(&ff, NL_UDP, 1, 40000, 6000, b, k);
		if (k > 0 && k < n)
			ck_assert_msg(v == NL_NOT_MINE, "%s cut at %zu off-port: verdict %d", udp_valid[_i],
				      k, v);
		ck_assert_int_eq(ff.f.errors, 0);
		if (k < n)
			ck_assert_int_eq(ff.f.v[0].set, 0);	/* nothing claimed, nothing set */
		fh_close(&ff);
	}
}
END_TEST

/* Every prefix of each TCP direction: still waiting, nothing wrong. */
START_TEST(test_tcp_every_truncation)
{
	const struct expect *e = &tcp_cases[_i];
	uint8_t c[VBUF], s[VBUF];
	size_t nc = load_stream(e, "c2s", c), ns = load_stream(e, "s2c", s);
	for (size_t k = 0; k < nc; k++) {
		struct fh_flow ff;
		open_flow(&ff);
		ck_assert_int_eq(tcp_c(&ff, 53, c, k), NL_NEED_MORE);
		ck_assert_int_eq(ff.f.errors, 0);
		fh_close(&ff);
		open_flow(&ff);
		ck_assert_int_eq(tcp_c(&ff, 6000, c, k), NL_NEED_MORE);
		fh_close(&ff);
	}
	for (size_t k = 0; k < ns; k++) {
		struct fh_flow ff;
		open_flow(&ff);
		ck_assert_int_eq(tcp_s(&ff, 53, s, k), NL_NEED_MORE);
		ck_assert_int_eq(ff.f.errors, 0);
		ck_assert_int_eq(ff.f.names, 0);
		fh_close(&ff);
	}
}
END_TEST

/* ---- malformed ----------------------------------------------------------- */

static const char *const malformed[] = {
	"crafted_mal_name256.bin", "crafted_mal_name_ptr_long.bin", "crafted_mal_selfptr.bin",
	"crafted_mal_fwdptr.bin", "crafted_mal_loop.bin", "crafted_mal_label64.bin",
	"crafted_mal_label80.bin", "crafted_mal_counts.bin", "crafted_mal_rdlen.bin",
	"crafted_mal_alen.bin", "crafted_mal_cname_len.bin", "crafted_mal_qdcount.bin",
};
#define N_MALFORMED (int)(sizeof(malformed) / sizeof(malformed[0]))

START_TEST(test_malformed)
{
	uint8_t b[VBUF + 2];
	size_t n = load(malformed[_i], b + 2);
	struct fh_flow ff;

	open_flow(&ff);	/* UDP on 53 */
	ck_assert_int_eq(udp_r(&ff, 53, b + 2, n), NL_MALFORMED);
	ck_assert_int_eq(ff.f.errors, 0);
	ck_assert_ptr_null(fh_list(&ff, "dns.answers", 0));
	ck_assert_int_eq(ff.f.names, 0);
	fh_close(&ff);

	open_flow(&ff);	/* TCP on 53, length-prefixed */
	b[0] = (uint8_t)(n >> 8);
	b[1] = (uint8_t)n;
	ck_assert_int_eq(tcp_s(&ff, 53, b, n + 2), NL_MALFORMED);
	ck_assert_int_eq(ff.f.errors, 0);
	ck_assert_int_eq(ff.f.names, 0);
	fh_close(&ff);

	open_flow(&ff);	/* off the DNS ports it is simply not DNS */
	ck_assert_int_eq(feed(&ff, NL_UDP, 0, 7000, 40000, b + 2, n), NL_NOT_MINE);
	ck_assert_int_eq(ff.f.errors, 0);
	ck_assert_int_eq(ff.f.v[0].set, 0);
	fh_close(&ff);

	for (size_t k = 1; k < n; k++) {	/* and every prefix: no crash, no hang */
		open_flow(&ff);
		enum nl_verdict v = udp_r(&ff, 53, b + 2, k);
		ck_assert(v == NL_MALFORMED || v == NL_NOT_MINE);
		ck_assert_int_eq(ff.f.errors, 0);
		fh_close(&ff);
	}
}
END_TEST

START_TEST(test_malformed_loop_keeps_question)
{
	uint8_t b[VBUF];
	size_t n = load("crafted_mal_loop.bin", b);
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(udp_r(&ff, 53, b, n), NL_MALFORMED);
	ck_assert_str_eq(fh_list(&ff, "dns.queries", 0), "loop.test");
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}
END_TEST

START_TEST(test_tcp_short_length_prefix)
{
	static const uint8_t b[] = {0, 5, 1, 2, 3, 4, 5};
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(tcp_c(&ff, 53, b, sizeof(b)), NL_MALFORMED);
	fh_close(&ff);
	open_flow(&ff);
	ck_assert_int_eq(tcp_c(&ff, 6000, b, 2), NL_NOT_MINE);
	fh_close(&ff);
}
END_TEST

/* A later message of a flow proven DNS is judged as DNS, not as noise. */
START_TEST(test_proven_flow_then_broken)
{
	uint8_t q[VBUF], bad[VBUF];
	size_t nq = load("udp_host_a_q.bin", q), nb = load("crafted_mal_selfptr.bin", bad);
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(feed(&ff, NL_UDP, 1, 40000, 5300, q, nq), NL_NEED_MORE);
	ck_assert_int_eq(feed(&ff, NL_UDP, 0, 5300, 40000, bad, nb), NL_MALFORMED);
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}
END_TEST

/* ---- not mine ------------------------------------------------------------ */

START_TEST(test_not_mine_http_tls)
{
	uint8_t b[VBUF];
	struct fh_flow ff;
	size_t n = load("crafted_http.bin", b);

	open_flow(&ff);
	ck_assert_int_eq(tcp_c(&ff, 80, b, 2), NL_NOT_MINE);	/* "GE": 18245 bytes? no */
	fh_close(&ff);
	open_flow(&ff);
	ck_assert_int_eq(tcp_c(&ff, 80, b, n), NL_NOT_MINE);
	fh_close(&ff);
	open_flow(&ff);
	ck_assert_int_eq(feed(&ff, NL_UDP, 1, 40000, 8080, b, n), NL_NOT_MINE);
	fh_close(&ff);

	n = load("crafted_tls_client_hello.bin", b);
	open_flow(&ff);
	ck_assert_int_eq(tcp_c(&ff, 443, b, 14), NL_NOT_MINE);	/* one header is enough */
	fh_close(&ff);
	open_flow(&ff);
	ck_assert_int_eq(tcp_c(&ff, 443, b, n), NL_NOT_MINE);
	fh_close(&ff);
	open_flow(&ff);	/* DNS over TLS is TLS's */
	ck_assert_int_eq(tcp_c(&ff, 853, b, n), NL_NOT_MINE);
	fh_close(&ff);
	open_flow(&ff);
	ck_assert_int_eq(feed(&ff, NL_UDP, 1, 40000, 443, b, n), NL_NOT_MINE);
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);

	n = load("udp_host_a_q.bin", b);	/* even real DNS bytes on 853 */
	open_flow(&ff);
	ck_assert_int_eq(feed(&ff, NL_UDP, 1, 40000, 853, b, n), NL_NOT_MINE);
	fh_close(&ff);
}
END_TEST

static uint32_t xorshift(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

START_TEST(test_not_mine_random)
{
	uint8_t b[VBUF];
	size_t n = load("crafted_random.bin", b);
	struct fh_flow ff;
	open_flow(&ff);
	ck_assert_int_eq(feed(&ff, NL_UDP, 1, 40000, 9999, b, n), NL_NOT_MINE);
	fh_close(&ff);
	open_flow(&ff);
	ck_assert_int_eq(tcp_c(&ff, 9999, b, n), NL_NOT_MINE);
	fh_close(&ff);

	uint32_t seed = 0x12345678;
	for (int i = 0; i < 20000; i++) {
		size_t len = 14 + xorshift(&seed) % 600;
		for (size_t k = 0; k < len; k++)
			b[k] = (uint8_t)xorshift(&seed);
		open_flow(&ff);
		ck_assert_int_eq(feed(&ff, NL_UDP, 1, 40000, 9999, b, len), NL_NOT_MINE);
		fh_close(&ff);
		open_flow(&ff);
		ck_assert_int_eq(tcp_c(&ff, 9999, b, len), NL_NOT_MINE);
		fh_close(&ff);
		/* on the DNS ports anything may come back, but safely */
		open_flow(&ff);
		enum nl_verdict v = udp_r(&ff, 53, b, len);
		ck_assert(v >= NL_NEED_MORE && v <= NL_MALFORMED);
		v = tcp_s(&ff, 53, b, len);
		ck_assert(v >= NL_NEED_MORE && v <= NL_MALFORMED);
		ck_assert_int_eq(ff.f.errors, 0);
		fh_close(&ff);
	}
}
END_TEST

/* Random mutations of valid vectors on port 53: no crash, no API misuse. */
START_TEST(test_mutations)
{
	uint8_t orig[VBUF], b[VBUF];
	uint32_t seed = 0xdeadbeef;
	for (int f = 0; f < N_UDP_VALID; f++) {
		size_t n = load(udp_valid[f], orig);
		for (int i = 0; i < 2000; i++) {
			memcpy(b, orig, n);
			int flips = 1 + (int)(xorshift(&seed) % 4);
			for (int j = 0; j < flips; j++)
				b[xorshift(&seed) % n] = (uint8_t)xorshift(&seed);
			struct fh_flow ff;
			open_flow(&ff);
			enum nl_verdict v = udp_r(&ff, 5353, b, n);
			ck_assert(v >= NL_NEED_MORE && v <= NL_MALFORMED);
			ck_assert_int_eq(ff.f.errors, 0);
			fh_close(&ff);
		}
	}
}
END_TEST

/* ---- main ---------------------------------------------------------------- */

static Suite *dns_suite(void)
{
	Suite *s = suite_create("dns");
	TCase *tc = tcase_create("valid");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_descriptor);
	tcase_add_loop_test(tc, test_udp_pair, 0, N_UDP);
	tcase_add_loop_test(tc, test_tcp_whole, 0, N_TCP);
	tcase_add_loop_test(tc, test_tcp_split_every_byte, 0, N_TCP);
	tcase_add_loop_test(tc, test_tcp_byte_by_byte, 0, N_TCP);
	tcase_add_loop_test(tc, test_tcp_consume_host_agrees, 0, N_TCP);
	tcase_add_test(tc, test_tcp_consume_follows_past_stream_cap);
	tcase_add_test(tc, test_tcp_pipelined);
	tcase_add_test(tc, test_udp_a_and_aaaa_one_flow);
	tcase_add_test(tc, test_udp_socket_asks_again);
	tcase_add_test(tc, test_mdns_announcement);
	tcase_add_test(tc, test_mdns_query_qu);
	tcase_add_test(tc, test_cname_chain_reversed);
	tcase_add_test(tc, test_bug_noted_name_not_spelt_as_question);
	tcase_add_test(tc, test_owner_pointing_at_question);
	tcase_add_test(tc, test_root_and_extended_rcode);
	tcase_add_test(tc, test_name_255_accepted);
	tcase_add_test(tc, test_empty_payloads);
	tcase_add_test(tc, test_type_names);
	tcase_add_test(tc, test_many_answers_capped);
	tcase_add_test(tc, test_a_record_text);
	tcase_add_test(tc, test_tcp_message_beyond_stream_limit);
	tcase_add_test(tc, test_bug_partial_tcp_message_noted_twice);
	tcase_add_test(tc, test_tcp_5353_is_dns);
	tcase_add_test(tc, test_nbns_names_decoded);
	tcase_add_test(tc, test_nbns_opcodes);
	tcase_add_test(tc, test_bug_tcp_reuse_stops_after_first_exchange);
	tcase_add_test(tc, test_bug_capped_stream_never_done);
	tcase_add_test(tc, test_bug_update_prerequisite_malformed);
	suite_add_tcase(s, tc);

	tc = tcase_create("truncated");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_udp_every_truncation, 0, N_UDP_VALID);
	tcase_add_loop_test(tc, test_tcp_every_truncation, 0, N_TCP);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, test_malformed, 0, N_MALFORMED);
	tcase_add_test(tc, test_malformed_loop_keeps_question);
	tcase_add_test(tc, test_tcp_short_length_prefix);
	tcase_add_test(tc, test_proven_flow_then_broken);
	suite_add_tcase(s, tc);

	tc = tcase_create("not_mine");
	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_not_mine_http_tls);
	tcase_add_test(tc, test_not_mine_random);
	tcase_add_test(tc, test_mutations);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(dns_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
