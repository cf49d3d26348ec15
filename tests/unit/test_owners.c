/*
 * test_owners.c - core/owners.c, flows to processes, fed by hand:
 *  - a socket's owner is found for the flow with its tuple;
 *  - a pid taken over by another program is told from the first one: by
 *    name, and when both have the same name (the next `curl`) by the start
 *    time its source reported - the old program's flows keep the old one,
 *    the new one's get the new;
 *  - a start time only compared with one from the same kind of source (a
 *    time namespace shifts what procfs shows), and an unknown start never
 *    taken for a reuse.
 * The pids are above any this machine hands out, so the platform finds no
 * process and the socket source's name and uid are what is kept.
 */
#include "config.h"

#include <netinet/in.h>

#include "tests/unit/unit.h"
#include <unistd.h>

#include "core/clock.h"
#include "core/flow_table.h"
#include "core/owners.h"
#include "platform/platform.h"

#define PID 4194303u	/* pid_max is at most 4 Mi: never a live process */

static uint64_t deadline_of(const struct flow *f, void *ctx)
{
	(void)ctx;
	return f->last_seen_us;
}

struct rig {
	struct flow_table t;
	struct owners *o;
};

static void rig_init(struct rig *r)
{
	ck_assert_int_eq(flow_table_init(&r->t, 64, deadline_of, NULL), 0);
	r->o = owners_new(&r->t);
	ck_assert_ptr_nonnull(r->o);
}

static void rig_free(struct rig *r)
{
	owners_free(r->o);
	flow_table_free(&r->t);
}

/* 10.0.0.1:lport -> 10.0.0.2:80 over TCP, as a flow and as its socket. */
static struct flow *flow_for(struct rig *r, uint16_t lport)
{
	struct flow_key k;
	memset(&k, 0, sizeof(k));
	ip4_store(k.a, IP4(10, 0, 0, 1));
	ip4_store(k.b, IP4(10, 0, 0, 2));
	k.pa = lport;
	k.pb = 80;
	k.proto = L4_TCP;
	k.family = 4;
	struct flow *f = flow_table_insert(&r->t, &k, flow_key_hash(&r->t, &k));
	ck_assert_ptr_nonnull(f);
	return f;
}

static void add_socket(struct rig *r, uint16_t lport, uint8_t method, const char *comm,
		       uint32_t uid, uint64_t start)
{
	struct sock_owner s;
	memset(&s, 0, sizeof(s));
	s.proto = IPPROTO_TCP;
	s.family = 4;
	s.method = method;
	ip4_store(s.local, IP4(10, 0, 0, 1));
	ip4_store(s.remote, IP4(10, 0, 0, 2));
	s.lport = lport;
	s.rport = 80;
	s.pid = PID;
	s.uid = uid;
	snprintf(s.comm, sizeof(s.comm), "%s", comm);
	s.start = start;
	owners_add(r->o, &s);
}

/* The uid of f's owner, or -1 when it has none (now). */
static long owner_uid(struct rig *r, const struct flow *f)
{
	const struct owner_proc *p = owners_proc(r->o, owners_of(r->o, f));
	return p ? (long)p->info.uid : -1;
}

START_TEST(same_program_same_start)
{
	struct rig r;
	rig_init(&r);
	struct flow *f1 = flow_for(&r, 40001), *f2 = flow_for(&r, 40002);
	add_socket(&r, 40001, OWNER_EBPF, "curl", 1001, 5000);
	ck_assert_int_eq(owner_uid(&r, f1), 1001);
	/* Its second socket: the same process. */
	add_socket(&r, 40002, OWNER_EBPF, "curl", 1001, 5000);
	ck_assert_int_eq(owner_uid(&r, f1), 1001);
	ck_assert_int_eq(owner_uid(&r, f2), 1001);
	ck_assert_str_eq(owners_proc(r.o, owners_of(r.o, f2))->info.name, "curl");
	ck_assert_uint_eq(owners_stats(r.o)->pids_reused, 0);
	rig_free(&r);
}
END_TEST

START_TEST(same_name_later_start_is_another_program)
{
	struct rig r;
	rig_init(&r);
	struct flow *f1 = flow_for(&r, 40001), *f2 = flow_for(&r, 40002);
	add_socket(&r, 40001, OWNER_EBPF, "curl", 1001, 5000);
	ck_assert_int_eq(owner_uid(&r, f1), 1001);
	/* The pid came round again to another curl, run by another user. */
	add_socket(&r, 40002, OWNER_EBPF, "curl", 2002, 9000);
	ck_assert_uint_eq(owners_stats(r.o)->pids_reused, 1);
	ck_assert_int_eq(owner_uid(&r, f2), 2002);
	ck_assert_int_eq(owner_uid(&r, f1), 1001);	/* still the first program's */
	ck_assert_ptr_ne(owners_proc(r.o, owners_of(r.o, f1)), owners_proc(r.o, owners_of(r.o, f2)));
	/* The pid's next socket is the new program's. */
	struct flow *f3 = flow_for(&r, 40003);
	add_socket(&r, 40003, OWNER_EBPF, "curl", 2002, 9000);
	ck_assert_uint_eq(owners_stats(r.o)->pids_reused, 1);
	ck_assert_ptr_eq(owners_proc(r.o, owners_of(r.o, f3)), owners_proc(r.o, owners_of(r.o, f2)));
	rig_free(&r);
}
END_TEST

START_TEST(procfs_starts_too)
{
	struct rig r;
	rig_init(&r);
	struct flow *f1 = flow_for(&r, 40001), *f2 = flow_for(&r, 40002);
	add_socket(&r, 40001, OWNER_PROCFS, "sshd", 0, 700);
	add_socket(&r, 40001, OWNER_PROCFS, "sshd", 0, 700);	/* the next scan */
	ck_assert_uint_eq(owners_stats(r.o)->pids_reused, 0);
	ck_assert_int_eq(owner_uid(&r, f1), 0);
	add_socket(&r, 40002, OWNER_PROCFS, "sshd", 33, 800);
	ck_assert_uint_eq(owners_stats(r.o)->pids_reused, 1);
	ck_assert_int_eq(owner_uid(&r, f2), 33);
	ck_assert_int_eq(owner_uid(&r, f1), 0);
	rig_free(&r);
}
END_TEST

START_TEST(unknown_or_other_source_start_falls_back_to_name)
{
	struct rig r;
	rig_init(&r);
	struct flow *f1 = flow_for(&r, 40001), *f2 = flow_for(&r, 40002), *f3 = flow_for(&r, 40003);
	add_socket(&r, 40001, OWNER_EBPF, "dig", 1001, 5000);
	/* A cgroup hook cannot read the task: no start, same name: the same. */
	add_socket(&r, 40002, OWNER_EBPF, "dig", 1001, 0);
	/* procfs counts from another origin in a time namespace: not compared. */
	add_socket(&r, 40002, OWNER_PROCFS, "dig", 1001, 123456);
	ck_assert_uint_eq(owners_stats(r.o)->pids_reused, 0);
	ck_assert_int_eq(owner_uid(&r, f1), 1001);
	ck_assert_int_eq(owner_uid(&r, f2), 1001);
	/* ... but procfs's own next report is compared with its first. */
	add_socket(&r, 40003, OWNER_PROCFS, "dig", 1001, 123999);
	ck_assert_uint_eq(owners_stats(r.o)->pids_reused, 1);
	ck_assert_int_eq(owner_uid(&r, f3), 1001);
	ck_assert_ptr_ne(owners_proc(r.o, owners_of(r.o, f1)), owners_proc(r.o, owners_of(r.o, f3)));
	ck_assert_ptr_eq(owners_proc(r.o, owners_of(r.o, f1)), owners_proc(r.o, owners_of(r.o, f2)));
	rig_free(&r);
}
END_TEST

START_TEST(another_name_is_another_program)
{
	struct rig r;
	rig_init(&r);
	struct flow *f1 = flow_for(&r, 40001), *f2 = flow_for(&r, 40002);
	add_socket(&r, 40001, OWNER_PROCFS, "nginx", 33, 0);
	add_socket(&r, 40002, OWNER_PROCFS, "python3", 1000, 0);
	ck_assert_uint_eq(owners_stats(r.o)->pids_reused, 1);
	ck_assert_str_eq(owners_proc(r.o, owners_of(r.o, f2))->info.name, "python3");
	ck_assert_str_eq(owners_proc(r.o, owners_of(r.o, f1))->info.name, "nginx");
	ck_assert_int_eq(owner_uid(&r, f1), 33);
	rig_free(&r);
}
END_TEST

/* A pid reused again and again: one entry a program, the ring bounds them,
 * and the latest program is always the one found. */
START_TEST(reuse_storm_stays_bounded)
{
	struct rig r;
	rig_init(&r);
	struct flow *f = flow_for(&r, 40001);
	for (uint32_t k = 1; k <= 3 * OWNERS_PROCS_MAX; k++)
		add_socket(&r, 40001, OWNER_EBPF, "sh", k, k);
	ck_assert_uint_eq(owners_stats(r.o)->pids_reused, 3 * OWNERS_PROCS_MAX - 1);
	ck_assert_int_eq(owner_uid(&r, f), 3 * OWNERS_PROCS_MAX);
	rig_free(&r);
}
END_TEST

/* ---- namespaces: a socket of another network namespace ------------------ */

#define HERE IP4(127, 0, 0, 1)		/* one of this machine's addresses (lo) */
#define PEER IP4(198, 51, 100, 7)	/* documentation addresses: never ours */
#define AWAY IP4(198, 51, 100, 8)

static struct flow *flow_between(struct rig *r, uint32_t a, uint16_t pa, uint32_t b, uint16_t pb,
				 uint8_t flags)
{
	struct flow_key k;
	memset(&k, 0, sizeof(k));
	ip4_store(k.a, a);
	ip4_store(k.b, b);
	k.pa = pa;
	k.pb = pb;
	k.proto = L4_TCP;
	k.family = 4;
	struct flow *f = flow_table_insert(&r->t, &k, flow_key_hash(&r->t, &k));
	ck_assert_ptr_nonnull(f);
	f->flags = flags;
	f->id = (uint32_t)(f - r->t.slab) + 1;
	return f;
}

/* A socket local:lport -> remote:rport (remote 0: a listener) of pid, in
 * another namespace when foreign. */
static void add_sock(struct rig *r, uint32_t local, uint16_t lport, uint32_t remote, uint16_t rport,
		     uint32_t pid, const char *comm, int foreign)
{
	struct sock_owner s;
	memset(&s, 0, sizeof(s));
	s.proto = IPPROTO_TCP;
	s.family = 4;
	s.method = OWNER_EBPF;
	ip4_store(s.local, local);
	if (remote)
		ip4_store(s.remote, remote);
	s.lport = lport;
	s.rport = rport;
	s.pid = pid;
	s.uid = pid;
	s.foreign = (uint8_t)foreign;
	snprintf(s.comm, sizeof(s.comm), "%s", comm);
	owners_add(r->o, &s);
}

static void rig_init_local(struct rig *r, struct local_addrs **la)
{
	rig_init(r);
	*la = local_addrs_new();
	ck_assert_ptr_nonnull(*la);
	ck_assert(local_addrs_contains(*la, 4, (const uint8_t[]){ 127, 0, 0, 1 }));
	owners_set_locality(r->o, *la);
	owners_set_ebpf(r->o, 1);
}

/* The table counts its sockets per local port, and a flow on two ports
 * with none is answered "unknown" without probing. The count must follow
 * the table: a socket pushed out (the oldest, when the table is full)
 * takes its port's count with it, one added again is found again, and the
 * sockets still held on a port keep it counted. */
START_TEST(port_counts_follow_evictions)
{
	struct rig r;
	rig_init(&r);
	add_socket(&r, 40001, OWNER_EBPF, "first", 1001, 0);
	struct flow *f = flow_for(&r, 40001);
	ck_assert_int_eq(owner_uid(&r, f), 1001);
	/* A full table of other sockets, all on local port 40002: the first
	 * one is the oldest and goes. */
	for (uint32_t i = 0; i < OWNERS_SOCKETS_MAX; i++)
		add_sock(&r, IP4(10, 0, 0, 1), 40002, IP4(10, 1, (i >> 8) & 0xff, i & 0xff), 80, PID - 1,
			 "many", 0);
	/* (f keeps the owner it was given; a new flow on that tuple has none) */
	struct flow *f2 = flow_between(&r, IP4(10, 0, 0, 1), 40001, IP4(10, 0, 0, 2), 80, 0);
	ck_assert_int_eq(owner_uid(&r, f2), -1);
	struct flow *g = flow_between(&r, IP4(10, 0, 0, 1), 40002, IP4(10, 1, 0, 5), 80, 0);
	ck_assert_int_eq(owner_uid(&r, g), PID - 1);
	/* Back again (pushing out the oldest of port 40002's): found again,
	 * and port 40002's others still are. */
	add_socket(&r, 40001, OWNER_EBPF, "first", 1001, 0);
	ck_assert_int_eq(owner_uid(&r, f2), 1001);
	struct flow *h = flow_between(&r, IP4(10, 0, 0, 1), 40002, IP4(10, 1, 255, 255), 80, 0);
	ck_assert_int_eq(owner_uid(&r, h), PID - 1);
	struct flow *gone = flow_between(&r, IP4(10, 0, 0, 1), 40002, IP4(10, 1, 0, 0), 80, 0);
	ck_assert_int_eq(owner_uid(&r, gone), -1);
	rig_free(&r);
}
END_TEST

START_TEST(other_namespace_listener_does_not_replace_ours)
{
	/* Our server on 0.0.0.0:8083 and a container's on the same port: one
	 * key each. The container's, reported last, replaced ours, and our
	 * server's flow then went to the client's socket in a third namespace
	 * (the mirrored tuple): curl owned our server's connection. */
	struct rig r;
	struct local_addrs *la;
	rig_init_local(&r, &la);
	add_sock(&r, 0, 8083, 0, 0, PID, "ourserver", 0);
	add_sock(&r, 0, 8083, 0, 0, PID - 1, "container", 1);
	add_sock(&r, PEER, 40388, HERE, 8083, PID - 2, "curl", 1);	/* the client's, over there */
	struct flow *f = flow_between(&r, HERE, 8083, PEER, 40388, FLOW_LOCAL_A | FLOW_SRC_IS_B);
	ck_assert_int_eq(owner_uid(&r, f), PID);
	rig_free(&r);
	local_addrs_free(la);
}
END_TEST

START_TEST(peer_in_another_namespace_owns_no_local_flow)
{
	/* Nothing here listens on 7199; a process in another namespace sent
	 * to it: its socket has the mirrored tuple, and it is not ours. */
	struct rig r;
	struct local_addrs *la;
	rig_init_local(&r, &la);
	add_sock(&r, PEER, 52196, HERE, 7199, PID, "python3", 1);
	struct flow *f = flow_between(&r, HERE, 7199, PEER, 52196, FLOW_LOCAL_A | FLOW_SRC_IS_B);
	ck_assert_int_eq(owner_uid(&r, f), -1);
	rig_free(&r);
	local_addrs_free(la);
}
END_TEST

START_TEST(bridged_flow_gets_its_namespace_socket)
{
	/* Two containers on a bridge netlens captures: no end is ours; the
	 * sockets of both are known (eBPF), the source's owns the flow. */
	struct rig r;
	struct local_addrs *la;
	rig_init_local(&r, &la);
	add_sock(&r, AWAY, 8080, PEER, 41000, PID, "nginx", 1);	/* the accepted socket */
	add_sock(&r, PEER, 41000, AWAY, 8080, PID - 1, "curl", 1);
	struct flow *f = flow_between(&r, PEER, 41000, AWAY, 8080, 0);	/* source a: the curl */
	ck_assert_int_eq(owner_uid(&r, f), PID - 1);
	struct flow *g = flow_between(&r, AWAY, 9, PEER, 9, 0);		/* nobody's */
	ck_assert_int_eq(owner_uid(&r, g), -1);
	ck_assert_uint_eq(owners_stats(r.o)->misses, 0);	/* not a reason to scan */
	rig_free(&r);
	local_addrs_free(la);
}
END_TEST

START_TEST(reused_tuple_is_not_the_earlier_connection)
{
	/* python's connection from 10.0.0.1:40002 ended; curl opens one from
	 * the same port: its SYN comes before its socket is reported (eBPF
	 * reports it established), and the entry found then was python's,
	 * kept for the whole flow. Now: unknown until curl's own record. */
	struct rig r;
	rig_init(&r);
	add_socket(&r, 40002, OWNER_EBPF, "python3", 1001, 0);
	struct flow *f = flow_for(&r, 40002);
	f->id = 7;
	f->u.tcp.d[0].flags = TCPD_SYN;		/* it began with a SYN ... */
	f->first_seen_us = clock_wall_us() + 50000;	/* ... after python's report */
	ck_assert_int_eq(owner_uid(&r, f), -1);
	usleep(100000);
	add_socket(&r, 40002, OWNER_EBPF, "curl", 1002, 0);	/* curl's, established */
	ck_assert_int_eq(owner_uid(&r, f), 1002);
	/* A flow met mid-connection (no SYN: netlens started later, or an
	 * idle one came back) takes the socket reported before it. */
	struct flow *g = flow_for(&r, 40003);
	add_socket(&r, 40003, OWNER_EBPF, "ssh", 1003, 0);
	g->id = 8;
	g->first_seen_us = clock_wall_us() + 50000;
	ck_assert_int_eq(owner_uid(&r, g), 1003);
	rig_free(&r);
}
END_TEST

START_TEST(ping_socket_owns_its_echo_flow)
{
	/* A ping socket (datagram ICMP) reports its echo identifier as its
	 * port, connected or not: it owns the echo flow it requested (a, the
	 * requester, is here), not one a peer requested with the same
	 * identifier, not the other ICMP version's, and no echo with
	 * identifier 0; those are no reason to scan either. */
	struct rig r;
	struct local_addrs *la;
	rig_init_local(&r, &la);
	struct sock_owner s;
	memset(&s, 0, sizeof(s));
	s.proto = IPPROTO_ICMP;
	s.family = 4;
	s.method = OWNER_PROCFS;
	ip4_store(s.remote, PEER);	/* a connected one: the peer is not keyed */
	s.lport = 1825;
	s.pid = PID;
	s.uid = 1001;
	snprintf(s.comm, sizeof(s.comm), "ping");
	owners_add(r.o, &s);
	s.proto = IPPROTO_ICMPV6;	/* not IPv6: dropped */
	s.pid = PID - 1;
	s.lport = 1826;
	owners_add(r.o, &s);

	struct flow *mine = flow_between(&r, HERE, 1825, PEER, 1825, FLOW_LOCAL_A);
	mine->key.proto = L4_ICMP;
	mine->key.ipproto = FLOW_KEY_ICMP_ECHO;
	ck_assert_int_eq(owner_uid(&r, mine), 1001);
	ck_assert_int_eq(owners_match(owners_of(r.o, mine)), MATCH_LISTENER);	/* bound to no address */
	ck_assert_str_eq(owners_match_token(owners_of(r.o, mine)), "procfs-relaxed");
	struct flow *mine_b = flow_between(&r, PEER, 1825, HERE, 1825, FLOW_LOCAL_B);
	mine_b->key.proto = L4_ICMP;
	mine_b->key.ipproto = FLOW_KEY_ICMP_ECHO;
	mine_b->u.icmp.requester_b = 1;		/* the requester is key.b, here */
	ck_assert_int_eq(owner_uid(&r, mine_b), 1001);
	struct flow *theirs = flow_between(&r, PEER, 1825, HERE, 1825, FLOW_LOCAL_B);
	theirs->key.proto = L4_ICMP;
	theirs->key.ipproto = FLOW_KEY_ICMP_ECHO;
	ck_assert_int_eq(owner_uid(&r, theirs), -1);	/* a peer's ping we answer */
	theirs->flags |= FLOW_SRC_IS_B;			/* whichever end is its source */
	theirs->id += 100;
	ck_assert_int_eq(owner_uid(&r, theirs), -1);
	struct flow *zero = flow_between(&r, HERE, 0, PEER, 0, FLOW_LOCAL_A);
	zero->key.proto = L4_ICMP;
	zero->key.ipproto = FLOW_KEY_ICMP_ECHO;
	ck_assert_int_eq(owner_uid(&r, zero), -1);
	struct flow *v6 = flow_between(&r, HERE, 1826, PEER, 1826, FLOW_LOCAL_A);
	v6->key.proto = L4_ICMP;
	v6->key.ipproto = FLOW_KEY_ICMP_ECHO;
	ck_assert_int_eq(owner_uid(&r, v6), -1);
	ck_assert_uint_eq(owners_stats(r.o)->misses, 1);	/* v6's only: it could be a raw ping */
	rig_free(&r);
	local_addrs_free(la);
}
END_TEST

/* A socket of 10.0.0.1:lport (local 0.0.0.0 when wildcard), connected to
 * 10.0.0.2:80 or (unconnected) to nothing. */
static void add_socket_as(struct rig *r, uint16_t lport, int wildcard, int connected, uint8_t method)
{
	struct sock_owner s;
	memset(&s, 0, sizeof(s));
	s.proto = IPPROTO_TCP;
	s.family = 4;
	s.method = method;
	if (!wildcard)
		ip4_store(s.local, IP4(10, 0, 0, 1));
	if (connected) {
		ip4_store(s.remote, IP4(10, 0, 0, 2));
		s.rport = 80;
	}
	s.lport = lport;
	s.pid = PID;
	s.uid = 1001;
	snprintf(s.comm, sizeof(s.comm), "srv");
	owners_add(r->o, &s);
}

START_TEST(match_quality_as_rustnet_names_it)
{
	/* RustNet's attribution_match tokens (its A8): by how the socket was
	 * found, and for a procfs scan's sockets exact or relaxed. */
	static const struct {
		int wildcard, connected;
		uint8_t method;
		enum owner_match match;
		const char *token;
	} cases[] = {
		{ 0, 1, OWNER_EBPF, MATCH_EXACT_TUPLE, "exact-tuple" },
		{ 1, 1, OWNER_EBPF, MATCH_WILDCARD_LOCAL, "wildcard-local-address" },
		{ 0, 0, OWNER_EBPF, MATCH_LISTENER, "listener-socket" },
		{ 1, 0, OWNER_EBPF, MATCH_LISTENER, "listener-socket" },
		{ 0, 1, OWNER_PKTAP, MATCH_EXACT_TUPLE, "exact-tuple" },
		{ 0, 1, OWNER_PROCFS, MATCH_EXACT_TUPLE, "procfs-exact" },
		{ 1, 1, OWNER_PROCFS, MATCH_WILDCARD_LOCAL, "procfs-relaxed" },
		{ 1, 0, OWNER_PROCFS, MATCH_LISTENER, "procfs-relaxed" },
	};
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct rig r;
		rig_init(&r);
		struct flow *f = flow_for(&r, (uint16_t)(41000 + i));
		add_socket_as(&r, (uint16_t)(41000 + i), cases[i].wildcard, cases[i].connected, cases[i].method);
		uint32_t h = owners_of(r.o, f);
		ck_assert_msg(h != 0, "case %u: no owner", i);
		ck_assert_int_eq(owners_match(h), cases[i].match);
		ck_assert_int_eq(owners_match_method(h), cases[i].method);
		ck_assert_str_eq(owners_match_token(h), cases[i].token);
		ck_assert_int_eq(owner_uid(&r, f), 1001);	/* the packing left the process alone */
		rig_free(&r);
	}
	ck_assert_str_eq(owners_match_token(0), "unspecified");
}
END_TEST

static Suite *owners_suite(void)
{
	Suite *s = suite_create("owners");
	TCase *tc = tcase_create("pid reuse");
	tcase_add_test(tc, same_program_same_start);
	tcase_add_test(tc, same_name_later_start_is_another_program);
	tcase_add_test(tc, procfs_starts_too);
	tcase_add_test(tc, unknown_or_other_source_start_falls_back_to_name);
	tcase_add_test(tc, another_name_is_another_program);
	tcase_add_test(tc, reuse_storm_stays_bounded);
	tcase_add_test(tc, port_counts_follow_evictions);
	tcase_add_test(tc, other_namespace_listener_does_not_replace_ours);
	tcase_add_test(tc, peer_in_another_namespace_owns_no_local_flow);
	tcase_add_test(tc, bridged_flow_gets_its_namespace_socket);
	tcase_add_test(tc, reused_tuple_is_not_the_earlier_connection);
	tcase_add_test(tc, ping_socket_owns_its_echo_flow);
	tcase_add_test(tc, match_quality_as_rustnet_names_it);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(owners_suite());
}
