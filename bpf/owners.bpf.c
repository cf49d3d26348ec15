// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * owners.bpf.c - who owns each TCP, UDP and ping socket, told as it happens.
 *
 * Built with clang -target bpf against a vmlinux.h generated at build time
 * (CO-RE: field offsets are relocated to the running kernel by libbpf).
 * User space: platform/linux/ebpf_owners.c. Facts about where each hook
 * runs are in the Linux platform notes ("eBPF process attribution").
 *
 *   TCP  tp_btf/inet_sock_set_state
 *          -> SYN_SENT, -> LISTEN   run in connect()/listen(), in the owner's
 *                                   process: {tgid, uid, leader's comm} are
 *                                   kept in socket-local storage (owner_of)
 *          SYN_SENT -> ESTABLISHED  outgoing: both ports known now
 *          SYN_RECV -> ESTABLISHED  accepted: runs in softirq, where current
 *                                   is anybody; the child socket inherited
 *                                   the listener's storage (BPF_F_CLONE)
 *   UDP  cgroup/connect4/6          marks the socket "report at next send"
 *        cgroup/sendmsg4/6          unconnected send: a new (socket, dest)
 *                                   (LRU hash) marks the socket likewise
 *        tp_btf/sock_send_length    (>= 6.3) after the send, in the sender's
 *                                   process, the socket is bound and, when
 *                                   connected, has both ends: report
 *   Without sock_send_length the cgroup hooks report at once (the source
 *   port of a socket not yet bound is then 0, and comm is the thread's).
 *   ICMP tp_btf/sock_send_length    a datagram ICMP socket (unprivileged ping,
 *                                   net.ipv4.ping_group_range): its port is
 *                                   the echo identifier; once per socket and
 *                                   process (raw_tp tier too; the fentry and
 *                                   kprobe tiers leave it to the procfs scan)
 *
 * A socket with no peer (listener, unconnected UDP) is reported with the
 * remote address and port zero: core matches it by its local port.
 *
 * Other tiers (user space loads one set; see bpf/README.md "Tiers"):
 *   fentry/fexit   fexit of tcp_v4/v6_connect, inet_csk_accept, inet_listen,
 *                  udp_sendmsg/udpv6_sendmsg: each runs in the owner's own
 *                  system call, after it, with the socket bound; no cgroup
 *   raw_tp         raw_tp/inet_sock_set_state and sock_send_length where
 *                  tp_btf is refused: no socket-local storage there (it
 *                  needs a BTF pointer), so owners wait in LRU hashes keyed
 *                  by socket, by listener and by socket cookie
 *   kprobes        kprobe/kretprobe pairs on the fentry tier's functions,
 *                  the socket kept by thread id between entry and return
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#include "owners_event.h"
#include "task_start.bpf.h"

#define AF_INET 2
#define AF_INET6 10

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Set by user space before load: sock_send_length is attached, so the
 * cgroup hooks only mark sockets and the tracepoint reports. */
const volatile bool report_at_send = false;

/* Set by user space for the raw_tp tier: no socket-local storage in
 * raw_tp programs, so the cgroup hooks' marks wait in a hash keyed by the
 * socket cookie, which raw_tp/sock_send_length reads from the socket. */
const volatile bool pending_by_cookie = false;

/* Records lost because the ring buffer was full. */
__u64 dropped = 0;

#define PENDING_CONNECTED 1	/* a connected UDP socket not reported yet */
#define PENDING_SEND 2		/* an unconnected UDP send to a new dest */

struct owner {
	__u32 tgid;		/* 0: no owner known (UDP sockets only get flags) */
	__u32 uid;
	char comm[16];
	__u32 pending;		/* PENDING_* */
	__u64 start_ns;		/* the process's start (nl_owner_event.start_ns) */
};

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC | BPF_F_CLONE);
	__type(key, int);
	__type(value, struct owner);
} owner_of SEC(".maps");

#define RING_BYTES (256 * 1024)

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, RING_BYTES);
} events SEC(".maps");

/* (socket, destination) pairs already seen by sendmsg4/6: sendmsg fires on
 * every datagram, the owner is worth one record. */
struct udp_dest {
	__u64 cookie;
	__u32 addr[4];
	__u32 port;		/* network order, as in bpf_sock_addr */
	__u32 family;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct udp_dest);
	__type(value, __u8);
} udp_seen SEC(".maps");

/* Tracing context only: the thread group leader's comm, as procfs shows
 * it (a worker thread's own name would look like another program). */
static __always_inline void owner_from_task(struct owner *o)
{
	struct task_struct *t = (struct task_struct *)bpf_get_current_task();
	struct task_struct *leader = BPF_CORE_READ(t, group_leader);

	o->tgid = bpf_get_current_pid_tgid() >> 32;
	o->uid = (__u32)bpf_get_current_uid_gid();
	if (bpf_core_read(o->comm, sizeof(o->comm), &leader->comm))
		bpf_get_current_comm(o->comm, sizeof(o->comm));
	o->start_ns = process_start_ns(t);
}

/* Records wake the reader only once this much is waiting: a busy host's
 * sockets would otherwise wake netlens hundreds of times a second. The
 * reader also drains the ring once a second, and whenever a flow's owner
 * is not found yet (core/owners.c), so nothing waits long for it. */
#define WAKEUP_BYTES (RING_BYTES / 4)	/* about 630 records; the ring holds 2 520 (96 bytes each) */

/* Processes whose first record has woken the reader: tgid -> start. The
 * reader reads a process's executable, command line and parent from /proc
 * when it meets its first record, and a short-lived program (a curl, a
 * script's burst of connections) has exited a second later, when the batch
 * would be read: so a process's first record wakes the reader at once.
 * New processes with sockets are far rarer than sockets. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u64);
} procs_told SEC(".maps");

static __always_inline int first_of_process(__u32 tgid, __u64 start_ns)
{
	__u64 *told;

	if (!tgid)
		return 0;
	told = bpf_map_lookup_elem(&procs_told, &tgid);
	if (told && *told == start_ns)
		return 0;
	bpf_map_update_elem(&procs_told, &tgid, &start_ns, BPF_ANY);
	return 1;
}

static __always_inline void event_submit(struct nl_owner_event *e)
{
	__u64 waiting = bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA);
	int wake = waiting + sizeof(*e) >= WAKEUP_BYTES || first_of_process(e->pid, e->start_ns);

	bpf_ringbuf_submit(e, wake ? BPF_RB_FORCE_WAKEUP : BPF_RB_NO_WAKEUP);
}

static __always_inline struct nl_owner_event *event_new(__u8 kind, __u8 proto)
{
	struct nl_owner_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e) {
		__sync_fetch_and_add(&dropped, 1);
		return NULL;
	}
	__builtin_memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->proto = proto;
	return e;
}

static __always_inline void event_owner(struct nl_owner_event *e, const struct owner *o)
{
	e->pid = o->tgid;
	e->uid = o->uid;
	__builtin_memcpy(e->comm, o->comm, sizeof(e->comm));
	e->start_ns = o->start_ns;
}

/* Both ends as the socket has them now; peer 0: leave the remote zero. */
static __always_inline void event_tuple(struct nl_owner_event *e, struct sock *sk, int peer)
{
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);

	e->family = (__u8)family;
	e->netns = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	e->lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	if (family == AF_INET) {
		bpf_core_read(e->local, 4, &sk->__sk_common.skc_rcv_saddr);
		if (peer)
			bpf_core_read(e->remote, 4, &sk->__sk_common.skc_daddr);
	} else {
		bpf_core_read(e->local, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		if (peer)
			bpf_core_read(e->remote, 16, &sk->__sk_common.skc_v6_daddr);
	}
	if (peer)
		e->rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	/* sock_cgroup_data holds the cgroup pointer since 5.15 (a packed
	 * value before): older kernels leave the id 0 */
	if (bpf_core_field_exists(struct sock_cgroup_data, cgroup))
		e->cgroup_id = BPF_CORE_READ(sk, sk_cgrp_data.cgroup, kn, id);
}

static __always_inline void emit_sk(struct sock *sk, const struct owner *o, __u8 kind,
				    __u8 proto, int peer)
{
	struct nl_owner_event *e = event_new(kind, proto);

	if (!e)
		return;
	event_owner(e, o);
	event_tuple(e, sk, peer);
	event_submit(e);
}

/* A connect refused (RST) or given up never reaches ESTABLISHED: named at
 * SYN_SENT -> CLOSE, or a refused connection would have no owner. The
 * port is released before that state is stored: inet_sport still has it. */
static __always_inline void emit_connect_failed(struct sock *sk, const struct owner *o)
{
	struct nl_owner_event *e = event_new(NL_OWNER_TCP_CONNECT, IPPROTO_TCP);

	if (!e)
		return;
	event_owner(e, o);
	event_tuple(e, sk, 1);
	if (!e->lport)
		e->lport = bpf_ntohs(BPF_CORE_READ((struct inet_sock *)sk, inet_sport));
	event_submit(e);
}

SEC("tp_btf/inet_sock_set_state")
int BPF_PROG(nl_set_state, struct sock *sk, int oldstate, int newstate)
{
	struct owner *o;

	if (!sk || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	if (newstate == TCP_SYN_SENT || newstate == TCP_LISTEN) {
		/* connect() or listen(): current is the owner. Overwrite what a
		 * listener's clone may have left (a socket is not re-used across
		 * owners, but storage is cloned to children that connect on). */
		o = bpf_sk_storage_get(&owner_of, sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
		if (!o)
			return 0;
		owner_from_task(o);
		if (newstate == TCP_LISTEN)
			emit_sk(sk, o, NL_OWNER_TCP_LISTEN, IPPROTO_TCP, 0);
		return 0;
	}
	if (newstate == TCP_CLOSE && oldstate == TCP_SYN_SENT) {
		o = bpf_sk_storage_get(&owner_of, sk, 0, 0);
		if (o && o->tgid)
			emit_connect_failed(sk, o);
		return 0;
	}
	if (newstate != TCP_ESTABLISHED ||
	    (oldstate != TCP_SYN_SENT && oldstate != TCP_SYN_RECV))
		return 0;
	o = bpf_sk_storage_get(&owner_of, sk, 0, 0);
	if (!o || !o->tgid)
		return 0;	/* made before we started: the procfs scan has it */
	emit_sk(sk, o, oldstate == TCP_SYN_SENT ? NL_OWNER_TCP_CONNECT : NL_OWNER_TCP_ACCEPT,
		IPPROTO_TCP, 1);
	return 0;
}

/* ---- ping sockets ------------------------------------------------------------ */

#define NL_IPPROTO_ICMPV6 58	/* a macro of <linux/in6.h>, not in vmlinux.h */

/* A ping socket worth one record per owner (it sends every second). */
struct ping_once {
	__u64 sk;
	__u32 tgid;
	__u16 ident;
	__u16 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct ping_once);
	__type(value, __u8);
} ping_reported SEC(".maps");

/* After a send on a datagram ICMP socket, in the sender's process. Its
 * inet_num is the echo identifier the kernel put in the request (the
 * first one after boot is 1), which core matches against the echo flow's
 * identifier. A raw ICMP socket (ping with CAP_NET_RAW) also has this
 * protocol, but its inet_num is the protocol number and the identifier
 * is whatever the program wrote: not reported. sk_type was a bitfield
 * before 5.6: read relocatably. */
static __always_inline void report_ping(struct sock *sk, int ret)
{
	struct ping_once k = {};
	struct owner o = {};
	__u8 one = 1;
	__u16 proto = BPF_CORE_READ(sk, sk_protocol);

	if (ret < 0 || (proto != IPPROTO_ICMP && proto != NL_IPPROTO_ICMPV6) ||
	    BPF_CORE_READ_BITFIELD_PROBED(sk, sk_type) != SOCK_DGRAM)
		return;
	k.sk = (__u64)sk;
	k.tgid = bpf_get_current_pid_tgid() >> 32;
	k.ident = BPF_CORE_READ(sk, __sk_common.skc_num);
	if (!k.ident || bpf_map_lookup_elem(&ping_reported, &k))
		return;
	bpf_map_update_elem(&ping_reported, &k, &one, BPF_ANY);
	owner_from_task(&o);
	emit_sk(sk, &o, NL_OWNER_PING, (__u8)proto, 0);
}

SEC("tp_btf/sock_send_length")
int BPF_PROG(nl_send_length, struct sock *sk, int ret, int flags)
{
	struct owner *o, cur = {};
	__u32 pending;

	if (!sk)
		return 0;
	if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_UDP) {
		report_ping(sk, ret);
		return 0;
	}
	o = bpf_sk_storage_get(&owner_of, sk, 0, 0);
	if (!o || !o->pending)
		return 0;
	pending = o->pending;
	o->pending = 0;
	if (!BPF_CORE_READ(sk, __sk_common.skc_num))
		return 0;	/* the send failed before the socket was bound */
	owner_from_task(&cur);
	if (pending & PENDING_CONNECTED &&
	    BPF_CORE_READ(sk, __sk_common.skc_state) == TCP_ESTABLISHED)
		emit_sk(sk, &cur, NL_OWNER_UDP_CONNECT, IPPROTO_UDP, 1);
	if (pending & PENDING_SEND)
		emit_sk(sk, &cur, NL_OWNER_UDP_SEND, IPPROTO_UDP, 0);
	return 0;
}

/* ---- cgroup hooks (UDP) ---------------------------------------------------- */

/* The kernel without sock_send_length: report from the hook itself, with
 * what the socket has before the datagram is sent (comm is the thread's). */
static __always_inline void emit_addr_now(struct bpf_sock_addr *ctx, __u8 kind, int v6)
{
	struct bpf_sock *sk = ctx->sk;
	struct nl_owner_event *e;
	__u32 *local, *remote;

	if (!sk)
		return;
	e = event_new(kind, IPPROTO_UDP);
	if (!e)
		return;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->uid = (__u32)bpf_get_current_uid_gid();
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	e->netns = 0;	/* a bpf_sock does not tell: taken as ours */
	e->family = v6 ? AF_INET6 : AF_INET;
	e->lport = (__u16)sk->src_port;
	local = (__u32 *)e->local;
	remote = (__u32 *)e->remote;
	if (v6) {
		local[0] = sk->src_ip6[0];
		local[1] = sk->src_ip6[1];
		local[2] = sk->src_ip6[2];
		local[3] = sk->src_ip6[3];
	} else {
		local[0] = sk->src_ip4;
	}
	if (kind == NL_OWNER_UDP_CONNECT) {
		if (v6) {
			remote[0] = ctx->user_ip6[0];
			remote[1] = ctx->user_ip6[1];
			remote[2] = ctx->user_ip6[2];
			remote[3] = ctx->user_ip6[3];
		} else {
			remote[0] = ctx->user_ip4;
		}
		e->rport = bpf_ntohs((__u16)ctx->user_port);
	}
	event_submit(e);
}

/* The raw_tp tier's marks (pending_by_cookie): cookie -> PENDING_*. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, __u32);
} raw_pending SEC(".maps");

static __always_inline void mark(struct bpf_sock_addr *ctx, __u32 what, __u8 kind, int v6)
{
	struct owner *o;

	if (!report_at_send) {
		emit_addr_now(ctx, kind, v6);
		return;
	}
	if (!ctx->sk)
		return;
	if (pending_by_cookie) {
		/* bpf_get_socket_cookie() also stores the cookie in the
		 * socket (skc_cookie), where raw_tp finds it. */
		__u64 cookie = bpf_get_socket_cookie(ctx);
		__u32 *p = bpf_map_lookup_elem(&raw_pending, &cookie), v = what;

		if (p)
			v |= *p;
		bpf_map_update_elem(&raw_pending, &cookie, &v, BPF_ANY);
		return;
	}
	o = bpf_sk_storage_get(&owner_of, ctx->sk, 0, BPF_SK_STORAGE_GET_F_CREATE);
	if (o)
		o->pending |= what;
}

static __always_inline void udp_connect(struct bpf_sock_addr *ctx, int v6)
{
	if (ctx->protocol == IPPROTO_UDP)
		mark(ctx, PENDING_CONNECTED, NL_OWNER_UDP_CONNECT, v6);
}

static __always_inline void udp_sendmsg(struct bpf_sock_addr *ctx, int v6)
{
	struct udp_dest k = {};
	__u8 one = 1;

	if (ctx->protocol != IPPROTO_UDP)
		return;
	k.cookie = bpf_get_socket_cookie(ctx);
	k.port = ctx->user_port;
	k.family = v6;
	if (v6) {
		k.addr[0] = ctx->user_ip6[0];
		k.addr[1] = ctx->user_ip6[1];
		k.addr[2] = ctx->user_ip6[2];
		k.addr[3] = ctx->user_ip6[3];
	} else {
		k.addr[0] = ctx->user_ip4;
	}
	if (bpf_map_lookup_elem(&udp_seen, &k))
		return;
	bpf_map_update_elem(&udp_seen, &k, &one, BPF_ANY);
	mark(ctx, PENDING_SEND, NL_OWNER_UDP_SEND, v6);
}

SEC("cgroup/connect4")
int nl_connect4(struct bpf_sock_addr *ctx)
{
	udp_connect(ctx, 0);
	return 1;
}

SEC("cgroup/connect6")
int nl_connect6(struct bpf_sock_addr *ctx)
{
	udp_connect(ctx, 1);
	return 1;
}

SEC("cgroup/sendmsg4")
int nl_sendmsg4(struct bpf_sock_addr *ctx)
{
	udp_sendmsg(ctx, 0);
	return 1;
}

SEC("cgroup/sendmsg6")
int nl_sendmsg6(struct bpf_sock_addr *ctx)
{
	udp_sendmsg(ctx, 1);
	return 1;
}

/* ---- raw_tp tier: TCP without socket-local storage ----------------------------- */

/* connect() -> ESTABLISHED: the owner, keyed by the socket's address. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct owner);
} raw_connecting SEC(".maps");

/* A listener's owner, by namespace and local port: an accepted socket has
 * the listener's local port and namespace. */
struct listener_key {
	__u32 netns;
	__u16 port;
	__u16 family;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct listener_key);
	__type(value, struct owner);
} raw_listeners SEC(".maps");

static __always_inline void listener_key_of(struct sock *sk, struct listener_key *k)
{
	__builtin_memset(k, 0, sizeof(*k));
	k->netns = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	k->port = BPF_CORE_READ(sk, __sk_common.skc_num);
	k->family = BPF_CORE_READ(sk, __sk_common.skc_family);
}

SEC("raw_tp/inet_sock_set_state")
int BPF_PROG(nl_raw_set_state, struct sock *sk, int oldstate, int newstate)
{
	struct listener_key lk;
	struct owner o = {}, *found;
	__u64 key = (__u64)sk;

	if (!sk || BPF_CORE_READ(sk, sk_protocol) != IPPROTO_TCP)
		return 0;
	if (newstate == TCP_SYN_SENT) {
		owner_from_task(&o);
		bpf_map_update_elem(&raw_connecting, &key, &o, BPF_ANY);
		return 0;
	}
	if (newstate == TCP_LISTEN) {
		owner_from_task(&o);
		listener_key_of(sk, &lk);
		bpf_map_update_elem(&raw_listeners, &lk, &o, BPF_ANY);
		emit_sk(sk, &o, NL_OWNER_TCP_LISTEN, IPPROTO_TCP, 0);
		return 0;
	}
	if (newstate == TCP_CLOSE && oldstate == TCP_SYN_SENT) {
		found = bpf_map_lookup_elem(&raw_connecting, &key);
		if (found) {
			o = *found;
			bpf_map_delete_elem(&raw_connecting, &key);
			emit_connect_failed(sk, &o);
		}
		return 0;
	}
	if (newstate != TCP_ESTABLISHED)
		return 0;
	if (oldstate == TCP_SYN_SENT) {
		found = bpf_map_lookup_elem(&raw_connecting, &key);
		if (found) {
			o = *found;
			bpf_map_delete_elem(&raw_connecting, &key);
			emit_sk(sk, &o, NL_OWNER_TCP_CONNECT, IPPROTO_TCP, 1);
		}
	} else if (oldstate == TCP_SYN_RECV) {
		listener_key_of(sk, &lk);
		found = bpf_map_lookup_elem(&raw_listeners, &lk);
		if (found) {
			o = *found;
			emit_sk(sk, &o, NL_OWNER_TCP_ACCEPT, IPPROTO_TCP, 1);
		}
	}
	return 0;
}

/* As nl_send_length, with the marks from raw_pending. */
SEC("raw_tp/sock_send_length")
int BPF_PROG(nl_raw_send_length, struct sock *sk, int ret, int flags)
{
	struct owner cur = {};
	__u64 cookie;
	__u32 *p, pending;

	if (!sk)
		return 0;
	if (BPF_CORE_READ(sk, sk_protocol) != IPPROTO_UDP) {
		report_ping(sk, ret);
		return 0;
	}
	cookie = BPF_CORE_READ(sk, __sk_common.skc_cookie.counter);
	if (!cookie)
		return 0;	/* never seen by a cgroup hook */
	p = bpf_map_lookup_elem(&raw_pending, &cookie);
	if (!p)
		return 0;
	pending = *p;
	bpf_map_delete_elem(&raw_pending, &cookie);
	if (!BPF_CORE_READ(sk, __sk_common.skc_num))
		return 0;	/* the send failed before the socket was bound */
	owner_from_task(&cur);
	if (pending & PENDING_CONNECTED &&
	    BPF_CORE_READ(sk, __sk_common.skc_state) == TCP_ESTABLISHED)
		emit_sk(sk, &cur, NL_OWNER_UDP_CONNECT, IPPROTO_UDP, 1);
	if (pending & PENDING_SEND)
		emit_sk(sk, &cur, NL_OWNER_UDP_SEND, IPPROTO_UDP, 0);
	return 0;
}

/* ---- fentry/fexit and kprobe tiers -------------------------------------------- */

/* A UDP socket worth one record per owner and peer (sendmsg runs for every
 * datagram). */
struct udp_once {
	__u64 sk;
	__u32 tgid;
	__u16 lport, rport;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct udp_once);
	__type(value, __u8);
} udp_reported SEC(".maps");

/* After a successful send, in the sender's system call: the socket is
 * bound, and connected when its state says so. */
static __always_inline void report_udp(struct sock *sk)
{
	struct udp_once k = {};
	struct owner o = {};
	__u8 one = 1;
	int peer = BPF_CORE_READ(sk, __sk_common.skc_state) == TCP_ESTABLISHED;

	k.sk = (__u64)sk;
	k.tgid = bpf_get_current_pid_tgid() >> 32;
	k.lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	k.rport = peer ? BPF_CORE_READ(sk, __sk_common.skc_dport) : 0;
	if (!k.lport || bpf_map_lookup_elem(&udp_reported, &k))
		return;
	bpf_map_update_elem(&udp_reported, &k, &one, BPF_ANY);
	owner_from_task(&o);
	emit_sk(sk, &o, peer ? NL_OWNER_UDP_CONNECT : NL_OWNER_UDP_SEND, IPPROTO_UDP, peer);
}

/* In connect(), accept() or listen() of the owner: current is the owner. */
static __always_inline void report_tcp(struct sock *sk, __u8 kind, int peer)
{
	struct owner o = {};

	if (!sk)
		return;
	owner_from_task(&o);
	emit_sk(sk, &o, kind, IPPROTO_TCP, peer);
}

SEC("fexit/tcp_v4_connect")
int BPF_PROG(nl_fx_connect4, struct sock *sk, struct sockaddr *uaddr, int addr_len, int ret)
{
	if (!ret)	/* the SYN is out: both ports are known */
		report_tcp(sk, NL_OWNER_TCP_CONNECT, 1);
	return 0;
}

SEC("fexit/tcp_v6_connect")
int BPF_PROG(nl_fx_connect6, struct sock *sk, struct sockaddr *uaddr, int addr_len, int ret)
{
	if (!ret)
		report_tcp(sk, NL_OWNER_TCP_CONNECT, 1);
	return 0;
}

/* inet_csk_accept() lost two arguments in 6.10: the return value is read
 * with bpf_get_func_ret(), whatever comes before it. */
SEC("fexit/inet_csk_accept")
int nl_fx_accept(unsigned long long *ctx)
{
	__u64 ret = 0;

	if (bpf_get_func_ret(ctx, &ret) || !ret)
		return 0;
	report_tcp((struct sock *)ret, NL_OWNER_TCP_ACCEPT, 1);
	return 0;
}

SEC("fexit/inet_listen")
int BPF_PROG(nl_fx_listen, struct socket *sock, int backlog, int ret)
{
	if (!ret)
		report_tcp(BPF_CORE_READ(sock, sk), NL_OWNER_TCP_LISTEN, 0);
	return 0;
}

SEC("fexit/udp_sendmsg")
int BPF_PROG(nl_fx_udp4, struct sock *sk, struct msghdr *msg, size_t len, int ret)
{
	if (ret >= 0)
		report_udp(sk);
	return 0;
}

SEC("fexit/udpv6_sendmsg")
int BPF_PROG(nl_fx_udp6, struct sock *sk, struct msghdr *msg, size_t len, int ret)
{
	if (ret >= 0)
		report_udp(sk);
	return 0;
}

/* kprobes: the first argument kept from entry to return, by thread. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u64);
} kp_arg SEC(".maps");

static __always_inline void kp_keep(void *arg)
{
	__u64 id = bpf_get_current_pid_tgid(), v = (__u64)arg;

	bpf_map_update_elem(&kp_arg, &id, &v, BPF_ANY);
}

static __always_inline void *kp_take(void)
{
	__u64 id = bpf_get_current_pid_tgid(), *v = bpf_map_lookup_elem(&kp_arg, &id);
	void *arg = v ? (void *)*v : NULL;

	if (v)
		bpf_map_delete_elem(&kp_arg, &id);
	return arg;
}

SEC("kprobe/tcp_v4_connect")
int BPF_KPROBE(nl_kp_connect4, struct sock *sk)
{
	kp_keep(sk);
	return 0;
}

SEC("kretprobe/tcp_v4_connect")
int BPF_KRETPROBE(nl_kr_connect4, int ret)
{
	struct sock *sk = kp_take();

	if (sk && !ret)
		report_tcp(sk, NL_OWNER_TCP_CONNECT, 1);
	return 0;
}

SEC("kprobe/tcp_v6_connect")
int BPF_KPROBE(nl_kp_connect6, struct sock *sk)
{
	kp_keep(sk);
	return 0;
}

SEC("kretprobe/tcp_v6_connect")
int BPF_KRETPROBE(nl_kr_connect6, int ret)
{
	struct sock *sk = kp_take();

	if (sk && !ret)
		report_tcp(sk, NL_OWNER_TCP_CONNECT, 1);
	return 0;
}

SEC("kretprobe/inet_csk_accept")
int BPF_KRETPROBE(nl_kr_accept, struct sock *sk)
{
	if (sk)
		report_tcp(sk, NL_OWNER_TCP_ACCEPT, 1);
	return 0;
}

SEC("kprobe/inet_listen")
int BPF_KPROBE(nl_kp_listen, struct socket *sock)
{
	kp_keep(BPF_CORE_READ(sock, sk));
	return 0;
}

SEC("kretprobe/inet_listen")
int BPF_KRETPROBE(nl_kr_listen, int ret)
{
	struct sock *sk = kp_take();

	if (sk && !ret)
		report_tcp(sk, NL_OWNER_TCP_LISTEN, 0);
	return 0;
}

SEC("kprobe/udp_sendmsg")
int BPF_KPROBE(nl_kp_udp4, struct sock *sk)
{
	kp_keep(sk);
	return 0;
}

SEC("kretprobe/udp_sendmsg")
int BPF_KRETPROBE(nl_kr_udp4, int ret)
{
	struct sock *sk = kp_take();

	if (sk && ret >= 0)
		report_udp(sk);
	return 0;
}

SEC("kprobe/udpv6_sendmsg")
int BPF_KPROBE(nl_kp_udp6, struct sock *sk)
{
	kp_keep(sk);
	return 0;
}

SEC("kretprobe/udpv6_sendmsg")
int BPF_KRETPROBE(nl_kr_udp6, int ret)
{
	struct sock *sk = kp_take();

	if (sk && ret >= 0)
		report_udp(sk);
	return 0;
}
