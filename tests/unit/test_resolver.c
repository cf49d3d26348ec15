/*
 * test_resolver.c - reverse DNS (core/resolver.c) against a DNS server of
 * the test's own on 127.0.0.1, in the same libev loop: addresses with an
 * even last byte have a PTR name ("h<byte>.netlens.test"), odd ones get
 * NXDOMAIN. Checks that
 *  - a name is answered from the cache the second time (no new query);
 *  - a negative answer is cached too (no new query, still no name);
 *  - the cache holds RESOLVER_CACHE_MAX (10 000) addresses and evicts the
 *    least recently used: one more address evicts the oldest untouched
 *    one, not one looked up again meanwhile;
 *  - loopback and link-local addresses are never asked about;
 *  - no more than RESOLVER_INFLIGHT_MAX queries are in flight at once;
 *  - its own queries are told from other flows by protocol, local port and
 *    server: a TCP flow or another peer on the same local port is not one
 *    (CI once lost a curl connection whose port a query socket had too).
 * The 300 s / 60 s lifetimes are the constants in resolver.h.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ev.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "core/resolver.h"

struct fake_dns {
	int fd;
	uint16_t port;
	ev_io io;
	unsigned queries;
	unsigned max_seen_inflight;
	uint16_t last_from_port;	/* the resolver socket's local port */
};

static struct fake_dns dns;
static struct ev_loop *loop;
static struct resolver *res;

/* "b.a.9.10.in-addr.arpa" -> its first label's value (the address's last
 * byte), or -1. */
static int last_byte(const uint8_t *q, size_t n)
{
	if (n < 2 || q[0] == 0 || q[0] > 3 || (size_t)q[0] + 1 > n)
		return -1;
	int v = 0;
	for (int i = 1; i <= q[0]; i++) {
		if (q[i] < '0' || q[i] > '9')
			return -1;
		v = v * 10 + (q[i] - '0');
	}
	return v;
}

static void on_query(struct ev_loop *l, ev_io *w, int revents)
{
	(void)l;
	(void)w;
	(void)revents;
	uint8_t in[512], out[600];
	struct sockaddr_storage from;
	socklen_t fl = sizeof(from);
	ssize_t n = recvfrom(dns.fd, in, sizeof(in), 0, (struct sockaddr *)&from, &fl);
	if (n < 12 + 5)
		return;
	dns.queries++;
	if (from.ss_family == AF_INET)
		dns.last_from_port = ntohs(((struct sockaddr_in *)&from)->sin_port);
	/* The question: names end with a zero byte, then type and class. */
	size_t qend = 12;
	while (qend < (size_t)n && in[qend] != 0)
		qend += in[qend] + 1;
	qend += 5;
	if (qend > (size_t)n)
		return;
	int b = last_byte(in + 12, (size_t)n - 12);
	memcpy(out, in, qend);
	out[2] = 0x84 | (in[2] & 0x01);	/* response, authoritative, RD copied */
	out[3] = 0x80;			/* RA */
	out[6] = out[7] = out[8] = out[9] = out[10] = out[11] = 0;
	size_t len = qend;
	if (b < 0 || b % 2) {
		out[3] |= 3;		/* NXDOMAIN */
	} else {
		out[7] = 1;		/* one answer */
		char name[32];
		int nl = snprintf(name, sizeof(name), "h%d", b);
		static const uint8_t head[] = { 0xc0, 12, 0, 12, 0, 1, 0, 0, 0x0e, 0x10 };
		memcpy(out + len, head, sizeof(head));
		len += sizeof(head);
		size_t rdlen = 1 + (size_t)nl + 1 + 7 + 1 + 4 + 1;	/* h<b>.netlens.test. */
		out[len++] = 0;
		out[len++] = (uint8_t)rdlen;
		out[len++] = (uint8_t)nl;
		memcpy(out + len, name, (size_t)nl);
		len += (size_t)nl;
		out[len++] = 7;
		memcpy(out + len, "netlens", 7);
		len += 7;
		out[len++] = 4;
		memcpy(out + len, "test", 4);
		len += 4;
		out[len++] = 0;
	}
	sendto(dns.fd, out, len, 0, (struct sockaddr *)&from, fl);
}

static void setup(void)
{
	loop = ev_loop_new(EVFLAG_AUTO);
	ck_assert_ptr_nonnull(loop);
	dns.fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	ck_assert_int_eq(bind(dns.fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(dns.fd, (struct sockaddr *)&a, &al), 0);
	dns.port = ntohs(a.sin_port);
	dns.queries = 0;
	ev_io_init(&dns.io, on_query, dns.fd, EV_READ);
	ev_io_start(loop, &dns.io);
	char server[32], err[256];
	snprintf(server, sizeof(server), "127.0.0.1:%u", dns.port);
	res = resolver_new(loop, server, err, sizeof(err));
	ck_assert_msg(res != NULL, "%s", err);
}

static void teardown(void)
{
	resolver_free(res);
	ev_io_stop(loop, &dns.io);
	close(dns.fd);
	ev_loop_destroy(loop);
}

static uint64_t in_flight(void)
{
	const struct resolver_stats *s = resolver_stats(res);
	return s->queries - s->answers - s->failures;
}

/* Runs the loop until nothing is in flight (at most about 5 s). */
static void settle(void)
{
	for (int i = 0; i < 5000 && in_flight(); i++) {
		ev_run(loop, EVRUN_NOWAIT);
		usleep(1000);
	}
	ck_assert_uint_eq(in_flight(), 0);
}

static void addr_of(unsigned i, uint8_t a[4])
{
	a[0] = 10;
	a[1] = (uint8_t)(i >> 16);
	a[2] = (uint8_t)(i >> 8);
	a[3] = (uint8_t)i;
}

START_TEST(positive_and_negative_cached)
{
	uint8_t named[4] = { 10, 9, 0, 2 }, nameless[4] = { 10, 9, 0, 3 };
	ck_assert_ptr_null(resolver_lookup(res, 4, named));	/* asked now */
	ck_assert_ptr_null(resolver_lookup(res, 4, nameless));
	ck_assert_uint_eq(resolver_stats(res)->queries, 2);
	ck_assert_ptr_null(resolver_lookup(res, 4, named));	/* pending: not asked twice */
	ck_assert_uint_eq(resolver_stats(res)->queries, 2);
	settle();
	ck_assert_uint_eq(resolver_stats(res)->answers, 1);
	ck_assert_uint_eq(resolver_stats(res)->failures, 1);
	unsigned asked = dns.queries;
	for (int k = 0; k < 3; k++) {
		const char *n = resolver_lookup(res, 4, named);
		ck_assert_ptr_nonnull(n);
		ck_assert_str_eq(n, "h2.netlens.test");
		ck_assert_ptr_null(resolver_lookup(res, 4, nameless));	/* negative, cached */
	}
	ev_run(loop, EVRUN_NOWAIT);
	ck_assert_uint_eq(resolver_stats(res)->queries, 2);
	ck_assert_uint_eq(dns.queries, asked);
	ck_assert_uint_ge(resolver_stats(res)->cache_hits, 6);
}
END_TEST

START_TEST(never_asked)
{
	uint8_t lo[4] = { 127, 0, 0, 1 }, ll[4] = { 169, 254, 1, 1 }, mc[4] = { 224, 0, 0, 251 };
	uint8_t lo6[16] = { [15] = 1 }, ll6[16] = { 0xfe, 0x80, [15] = 1 };
	ck_assert_ptr_null(resolver_lookup(res, 4, lo));
	ck_assert_ptr_null(resolver_lookup(res, 4, ll));
	ck_assert_ptr_null(resolver_lookup(res, 4, mc));
	ck_assert_ptr_null(resolver_lookup(res, 6, lo6));
	ck_assert_ptr_null(resolver_lookup(res, 6, ll6));
	ck_assert_uint_eq(resolver_stats(res)->queries, 0);
}
END_TEST

START_TEST(lru_eviction_and_inflight_bound)
{
	uint8_t a[4];
	/* Fill the cache: even addresses (names), RESOLVER_CACHE_MAX of them. */
	for (unsigned i = 0; i < RESOLVER_CACHE_MAX; i++) {
		addr_of(2 * i, a);
		while (in_flight() >= RESOLVER_INFLIGHT_MAX)
			ev_run(loop, EVRUN_ONCE);
		ck_assert_ptr_null(resolver_lookup(res, 4, a));
		ck_assert_uint_le(in_flight(), RESOLVER_INFLIGHT_MAX);
	}
	settle();
	ck_assert_uint_eq(resolver_stats(res)->answers, RESOLVER_CACHE_MAX);
	ck_assert_uint_eq(resolver_stats(res)->evicted, 0);
	/* Over the bound, a lookup is refused, not queued. */
	for (unsigned i = 0; i < RESOLVER_INFLIGHT_MAX + 5; i++) {
		addr_of(2 * (RESOLVER_CACHE_MAX + 100 + i), a);
		resolver_lookup(res, 4, a);
	}
	ck_assert_uint_eq(in_flight(), RESOLVER_INFLIGHT_MAX);
	ck_assert_uint_eq(resolver_stats(res)->dropped_busy, 5);
	settle();
	uint64_t evicted = resolver_stats(res)->evicted;
	ck_assert_uint_eq(evicted, RESOLVER_INFLIGHT_MAX);	/* the 32 oldest made room */

	/* The oldest left is address 2 * 32; touch it, then add one more: the
	 * next oldest (2 * 33) goes, the touched one stays. */
	uint8_t touched[4], next[4];
	addr_of(2 * RESOLVER_INFLIGHT_MAX, touched);
	addr_of(2 * (RESOLVER_INFLIGHT_MAX + 1), next);
	ck_assert_ptr_nonnull(resolver_lookup(res, 4, touched));
	addr_of(2 * (RESOLVER_CACHE_MAX + 1000), a);
	ck_assert_ptr_null(resolver_lookup(res, 4, a));
	settle();
	ck_assert_uint_eq(resolver_stats(res)->evicted, evicted + 1);
	uint64_t q = resolver_stats(res)->queries;
	ck_assert_ptr_nonnull(resolver_lookup(res, 4, touched));	/* still cached */
	ck_assert_uint_eq(resolver_stats(res)->queries, q);
	ck_assert_ptr_null(resolver_lookup(res, 4, next));		/* evicted: asked again */
	ck_assert_uint_eq(resolver_stats(res)->queries, q + 1);
	settle();
	char want[32];
	snprintf(want, sizeof(want), "h%u.netlens.test", next[3]);
	ck_assert_str_eq(resolver_lookup(res, 4, next), want);
	ck_assert_uint_le(resolver_stats(res)->evicted, evicted + 2);
}
END_TEST

/* A flow from 127.0.0.1:sport to ip:dport (src the key's a side). */
static struct flow flow_of(uint8_t proto, uint16_t sport, const char *ip, uint16_t dport)
{
	struct flow f;
	memset(&f, 0, sizeof(f));
	f.key.proto = proto;
	f.key.family = 4;
	inet_pton(AF_INET, "127.0.0.1", f.key.a);
	inet_pton(AF_INET, ip, f.key.b);
	f.key.pa = sport;
	f.key.pb = dport;
	return f;
}

START_TEST(own_flows_by_protocol_port_and_server)
{
	uint8_t a[4] = { 10, 1, 2, 4 };
	ck_assert_ptr_null(resolver_lookup(res, 4, a));
	settle();
	ck_assert_str_eq(resolver_lookup(res, 4, a), "h4.netlens.test");
	uint16_t ours = dns.last_from_port;
	ck_assert_uint_ne(ours, 0);

	struct flow f = flow_of(L4_UDP, ours, "127.0.0.1", dns.port);
	ck_assert_int_eq(resolver_is_own_flow(res, &f), 1);
	f.flags |= FLOW_SRC_IS_B;	/* seen from the answer first: server as source */
	ck_assert_int_eq(resolver_is_own_flow(res, &f), 1);
	f = flow_of(L4_TCP, ours, "127.0.0.1", dns.port);	/* TCP's ports are another space */
	ck_assert_int_eq(resolver_is_own_flow(res, &f), 0);
	f = flow_of(L4_TCP, ours, "10.231.0.2", 80);		/* a user's connection */
	ck_assert_int_eq(resolver_is_own_flow(res, &f), 0);
	f = flow_of(L4_UDP, ours, "127.0.0.1", (uint16_t)(dns.port + 1));
	ck_assert_int_eq(resolver_is_own_flow(res, &f), 0);
	f = flow_of(L4_UDP, ours, "127.0.0.2", dns.port);
	ck_assert_int_eq(resolver_is_own_flow(res, &f), 0);
	f = flow_of(L4_UDP, (uint16_t)(ours + 1), "127.0.0.1", dns.port);
	ck_assert_int_eq(resolver_is_own_flow(res, &f), 0);
	f = flow_of(L4_ICMP, ours, "127.0.0.1", dns.port);
	ck_assert_int_eq(resolver_is_own_flow(res, &f), 0);
	/* Marked when made: whatever its endpoints. */
	f.flags |= FLOW_OWN;
	ck_assert_int_eq(resolver_is_own_flow(res, &f), 1);
}
END_TEST

static Suite *resolver_suite(void)
{
	Suite *s = suite_create("resolver");
	TCase *tc = tcase_create("cache");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, positive_and_negative_cached);
	tcase_add_test(tc, never_asked);
	tcase_add_test(tc, lru_eviction_and_inflight_bound);
	tcase_add_test(tc, own_flows_by_protocol_port_and_server);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(resolver_suite());
}
