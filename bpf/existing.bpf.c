// SPDX-License-Identifier: (LGPL-2.1 OR BSD-2-Clause)
/*
 * existing.bpf.c - the owners of sockets that existed before netlens
 * started: one pass of iter/task_file over every open file of every
 * process, writing a record (bpf/owners_event.h, kind NL_OWNER_EXISTING)
 * per TCP, UDP or ping socket into the iterator's seq file, which user space
 * reads once (platform/linux/ebpf_owners.c, ebpf_owners_existing()).
 *
 * Its own object, not a program of owners.bpf.c: a skeleton load is all or
 * nothing, and a kernel without iterators or bpf_sock_from_file() (< 5.11)
 * must still get the event tiers; the scan then falls back to procfs.
 *
 * The kernel skips threads that share their leader's file table, so each
 * descriptor table is seen once; a socket shared by several processes
 * (after fork) is reported once per holder, and core/owners.c keeps the
 * last one it was given.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>

#include "owners_event.h"
#include "task_start.bpf.h"

#define AF_INET 2
#define AF_INET6 10

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("iter/task_file")
int nl_existing(struct bpf_iter__task_file *ctx)
{
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct nl_owner_event e;
	struct socket *sock;
	struct sock *sk;

	if (!task || !file)
		return 0;
	sock = bpf_sock_from_file(file);
	if (!sock)
		return 0;
	sk = BPF_CORE_READ(sock, sk);
	if (!sk)
		return 0;
	__u16 family = BPF_CORE_READ(sk, __sk_common.skc_family);
	__u16 proto = BPF_CORE_READ(sk, sk_protocol);
	/* A datagram ICMP socket (unprivileged ping): its port is the echo
	 * identifier (a raw one's is the protocol number: not reported). */
	int ping = (proto == IPPROTO_ICMP || proto == 58 /* IPPROTO_ICMPV6 */) &&
		   BPF_CORE_READ_BITFIELD_PROBED(sk, sk_type) == SOCK_DGRAM;
	if ((family != AF_INET && family != AF_INET6) ||
	    (proto != IPPROTO_TCP && proto != IPPROTO_UDP && !ping))
		return 0;

	__builtin_memset(&e, 0, sizeof(e));
	e.kind = NL_OWNER_EXISTING;
	e.proto = (__u8)proto;
	e.family = (__u8)family;
	e.pid = BPF_CORE_READ(task, tgid);
	e.uid = BPF_CORE_READ(task, cred, uid.val);
	bpf_core_read(e.comm, sizeof(e.comm), &task->group_leader->comm);
	e.start_ns = process_start_ns(task);
	e.netns = BPF_CORE_READ(sk, __sk_common.skc_net.net, ns.inum);
	e.lport = BPF_CORE_READ(sk, __sk_common.skc_num);
	/* A listener, or a UDP socket never connected, has no peer (both are
	 * matched by their local port); anything else is connected. */
	__u8 state = BPF_CORE_READ(sk, __sk_common.skc_state);
	int peer = proto == IPPROTO_TCP ? state != TCP_LISTEN && state != TCP_CLOSE
		   : !ping && state == TCP_ESTABLISHED;
	if (family == AF_INET) {
		bpf_core_read(e.local, 4, &sk->__sk_common.skc_rcv_saddr);
		if (peer)
			bpf_core_read(e.remote, 4, &sk->__sk_common.skc_daddr);
	} else {
		bpf_core_read(e.local, 16, &sk->__sk_common.skc_v6_rcv_saddr);
		if (peer)
			bpf_core_read(e.remote, 16, &sk->__sk_common.skc_v6_daddr);
	}
	if (peer)
		e.rport = bpf_ntohs(BPF_CORE_READ(sk, __sk_common.skc_dport));
	if (!e.lport && !peer)
		return 0;	/* neither bound nor connected: nothing can match it */
	bpf_seq_write(ctx->meta->seq, &e, sizeof(e));
	return 0;
}
