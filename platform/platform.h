/*
 * platform.h - the one seam between netlens and the operating system.
 * Each OS has its own folder (platform/linux, platform/generic) behind this
 * API, chosen in configure.ac.
 */
#ifndef NETLENS_PLATFORM_H
#define NETLENS_PLATFORM_H

#include <stddef.h>
#include <stdint.h>

/* The interface carrying the default route (IPv4, else IPv6), into buf.
 * Returns 0, or -1 when there is none. */
int platform_default_interface(char *buf, size_t len);

/* This machine's addresses, so views know which side of a flow is local. */
struct local_addrs;

struct local_addrs *local_addrs_new(void);
void local_addrs_free(struct local_addrs *la);

/* Re-reads the addresses. Returns 0 or a negative errno. */
int local_addrs_refresh(struct local_addrs *la);

/* 1 when addr (4 or 16 bytes per family) is one of ours. */
int local_addrs_contains(const struct local_addrs *la, int family, const uint8_t *addr);
/* 1 when the IPv4 addr (4 bytes) is the broadcast address of one of our
 * interfaces: not ours, but our sockets receive what is sent to it. */
int local_addrs_is_broadcast(const struct local_addrs *la, const uint8_t *addr);
/* 1 when addr is the next hop of a default route (the gateway), as RustNet's
 * destination_is_gateway; re-read with the addresses, and when routes change. */
int local_addrs_is_gateway(const struct local_addrs *la, int family, const uint8_t *addr);

/* A descriptor that becomes readable when addresses change (netlink on
 * Linux), or -1 when the platform cannot tell: then the caller refreshes on
 * a timer. local_addrs_changed() drains it and refreshes. */
int local_addrs_fd(const struct local_addrs *la);
void local_addrs_changed(struct local_addrs *la);

size_t local_addrs_count(const struct local_addrs *la);

/* Interface counters since boot, as the kernel keeps them. */
struct iface_stat {
	char name[32];
	uint64_t rx_bytes, rx_packets, rx_errors, rx_drops;
	uint64_t tx_bytes, tx_packets, tx_errors, tx_drops;
	uint64_t collisions;
};

/* Fills up to max entries; returns how many, or -1 when the platform cannot
 * tell (views then show only what the capture counted). */
int platform_iface_stats(struct iface_stat *out, int max);

/* ---- process attribution ------------------------------------------------ */

/* Who owns a socket, as the kernel tells it. A socket with no peer (a
 * listener, an unconnected UDP socket) has remote all zero and rport 0. */
enum owner_method { OWNER_NONE = 0, OWNER_PROCFS, OWNER_EBPF,
		   OWNER_PKTAP };	/* named by the capture file itself (Apple's PKTAP) */

#define OWNER_UID_UNKNOWN UINT32_MAX	/* the source does not say (PKTAP) */

struct sock_owner {
	uint8_t proto;		/* IPPROTO_TCP, IPPROTO_UDP, or IPPROTO_ICMP/ICMPV6 for a
				 * datagram ICMP (ping) socket, whose lport is its echo
				 * identifier */
	uint8_t family;		/* 4 or 6 (v4-mapped IPv6 sockets are reported as 4) */
	uint8_t method;		/* enum owner_method */
	uint8_t local[16], remote[16];
	uint16_t lport, rport;	/* host order */
	uint32_t pid;		/* the process (thread group) */
	uint32_t uid;
	char comm[16];		/* "" when the source does not say */
	uint64_t start;		/* when the process started, in clock ticks after boot
				 * (/proc/PID/stat field 22); 0 when the source does not say.
				 * Tells a reused pid from its first program when both have
				 * the same name */
	uint8_t foreign;	/* 1: the socket is in another network namespace (eBPF sees
				 * them all); matched only when no socket of ours is */
	uint64_t cgroup_id;	/* the socket's cgroup v2 id (eBPF), 0 when the source does
				 * not say: platform_cgroup_path() names it */
};

typedef void (*sock_owner_fn)(void *ctx, const struct sock_owner *o);

/* Every TCP, UDP and ping socket of this namespace with its owning process,
 * from /proc (net/{tcp,udp,icmp}{,6} and every process's fd table).
 * Returns the number reported, or -1 when the platform has no such source.
 * *cost_us gets the time it took (it is measured and shown). */
int platform_socket_owners(sock_owner_fn fn, void *ctx, uint64_t *cost_us);

/* What views show of a process. */
#define PROC_ANCESTORS_MAX 4	/* RustNet's process lineage: its four nearest */

/* A parent, grandparent ... of a process, as /proc/PID/stat has it. */
struct proc_ancestor {
	uint32_t pid;
	char name[16];		/* comm */
	uint64_t start;		/* clock ticks after boot (stat field 22) */
};

struct proc_info {
	uint32_t pid, ppid, uid;
	uint32_t gid;		/* real group; OWNER_UID_UNKNOWN when the source does not say */
	struct proc_ancestor ancestors[PROC_ANCESTORS_MAX];	/* parent first */
	uint8_t n_ancestors;
	uint8_t ancestors_truncated;	/* the last one has a parent too (not pid 0) */
	char name[64];		/* the executable's basename, else /proc/<pid>/comm */
	char exe[256];		/* full path, "" when unreadable */
	char cmdline[256];	/* arguments joined by spaces, cut to fit */
	uint64_t start;		/* /proc/PID/stat's starttime when read, 0 = unknown: the
				 * process these details describe (the pid may have been
				 * handed on since the socket was reported) */
	char cgroup[256];	/* with platform_proc_read_cgroup: the cgroup path that
				 * names a Kubernetes pod (core/kubernetes.h), its end
				 * when longer; "" when none */
};

/* Set before the sandbox starts the /proc helper (--kubernetes on):
 * platform_proc_info() then also reads /proc/PID/cgroup. */
extern int platform_proc_read_cgroup;

/* A socket's cgroup (sock_owner.cgroup_id) as a path like those of
 * /proc/PID/cgroup, for a process gone before its own could be read
 * (--kubernetes). Only cgroups with "kubepods" in their path are named.
 * platform_cgroup_paths_adopt() takes an open cgroup2 root folder (the eBPF
 * loader's, found before `ip netns exec`'s /sys hid it; the sandbox allows
 * reading beneath it: platform_cgroup_paths_fd()). The tree is walked
 * again, at most once a second, when an id is not known. */
void platform_cgroup_paths_adopt(int root_fd);
int platform_cgroup_paths_fd(void);	/* -1: none */
/* 1 and the path (its end when longer) in out when id names a kubepods
 * cgroup; 0 otherwise. */
int platform_cgroup_path(uint64_t id, char *out, size_t outlen, uint64_t now_us);
void platform_cgroup_paths_close(void);

/* The path of the first line of a /proc/PID/cgroup (n bytes) that names
 * "kubepods", into out (its end when longer: the ids are there); 1 when
 * there is one. Exposed for the unit tests. */
int proc_cgroup_kubepods(const char *text, size_t n, char *out, size_t outlen);

/* Field 22 (starttime) of the n bytes of a /proc/PID/stat; 0 when they do
 * not hold one. Exposed for the unit tests. */
uint64_t proc_stat_start(const char *stat, size_t n);
/* pid's start from /proc/PID/stat (as struct sock_owner's start); 0 when
 * it cannot be read. */
uint64_t platform_proc_start(uint32_t pid);
/* A start as platform_proc_start() gives it, in ms since 1970 (boot time
 * from /proc/stat); 0 when unknown. */
uint64_t platform_start_unix_ms(uint64_t ticks);

/* Fills info for pid; 0, or -1 when the process is gone or unreadable. */
int platform_proc_info(uint32_t pid, struct proc_info *info);

#endif
