/*
 * owners_event.h - the record bpf/owners.bpf.c puts in its ring buffer, read
 * by platform/linux/ebpf_owners.c. Shared by the BPF object and user space,
 * so only fixed-width kernel types (__u8 ...): the BPF side gets them from
 * vmlinux.h, user space from <linux/types.h>.
 */
#ifndef NETLENS_OWNERS_EVENT_H
#define NETLENS_OWNERS_EVENT_H

/* Why the record was sent (for tests and debugging; core needs only the
 * tuple and the owner). */
enum nl_owner_kind {
	NL_OWNER_TCP_CONNECT = 1,	/* outgoing TCP, at ESTABLISHED */
	NL_OWNER_TCP_ACCEPT = 2,	/* accepted TCP: the listener's owner */
	NL_OWNER_TCP_LISTEN = 3,	/* a listener: no peer */
	NL_OWNER_UDP_CONNECT = 4,	/* connected UDP, at its first send */
	NL_OWNER_UDP_SEND = 5,		/* unconnected UDP: no peer */
	NL_OWNER_EXISTING = 6,		/* a socket open at start (iter/task_file) */
	NL_OWNER_PING = 7,		/* a datagram ICMP socket at a send: lport is the echo
					 * identifier, no peer */
};

struct nl_owner_event {
	__u8 kind;		/* enum nl_owner_kind */
	__u8 proto;		/* 6 or 17; 1 or 58 for a ping socket */
	__u8 family;		/* AF_INET (2) or AF_INET6 (10): the socket's, v4-mapped not folded */
	__u8 pad;
	__u16 lport, rport;	/* host order; rport 0 when there is no peer */
	__u32 pid;		/* thread group id, in the initial pid namespace */
	__u32 uid;
	__u8 local[16];		/* network order; IPv4 in the first 4 bytes */
	__u8 remote[16];	/* all zero when there is no peer */
	char comm[16];		/* the thread group leader's */
	__u32 netns;		/* the socket's network namespace (inode number); 0: unknown.
				 * cgroup and tracing hooks see every namespace's sockets, and
				 * the two ends of a veth pair on one host have mirrored tuples */
	__u32 pad2;
	__u64 start_ns;		/* the process's start (its leader's start_boottime), ns after
				 * boot; 0: unknown (the cgroup hooks cannot read the task) */
	__u64 cgroup_id;	/* the socket's cgroup v2 (its creator's at creation): the id
				 * bpf_get_current_cgroup_id() would give, the inode of its
				 * folder; 0: unknown. Names a pod (--kubernetes) when the
				 * process is gone before /proc/PID/cgroup can be read */
};

#endif
