/*
 * privileges.h - what netlens needs to start, and the sandbox it enters
 * once everything privileged is open (doc/security.md).
 *
 * Order of use (core/app.c):
 *   1. priv_check() before anything is opened: say exactly what is missing
 *      and how to grant it, instead of failing later.
 *   2. Open capture, eBPF, log files, plugins, the terminal (terminfo).
 *   3. sandbox_apply(): from then on no capabilities, no new privileges,
 *      the invoking user's uid (or nobody), and Landlock.
 *   4. Process attribution from /proc goes through priv_broker_*(), which
 *      call the platform_* functions directly when no broker runs.
 *
 * Linux: platform/linux/{privileges,sandbox}.c. Elsewhere
 * platform/generic/privileges.c says "not supported on this platform".
 */
#ifndef NETLENS_PRIVILEGES_H
#define NETLENS_PRIVILEGES_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "platform/platform.h"

enum priv_status {
	PRIV_OK = 0,		/* everything asked for can be done */
	PRIV_DEGRADED = 1,	/* it can run; msg says what will be missing and how to grant it */
	PRIV_MISSING = -1,	/* it cannot run; msg says what is missing and how to grant it */
};

struct priv_need {
	int live_capture;	/* CAP_NET_RAW: required */
	int ebpf;		/* CAP_BPF + CAP_PERFMON: optional (else /proc attribution) */
	int proc_all_users;	/* CAP_SYS_PTRACE + CAP_DAC_READ_SEARCH: optional (owners of
				 * other users' sockets from /proc); never in the setcap line */
	const char *interface;	/* for the message; NULL: "live capture". Borrowed. */
};

/* Compares the effective capabilities with need. One line in msg (without
 * a trailing newline) unless PRIV_OK, naming the missing capabilities, the
 * sudo alternative and a setcap line for the running binary
 * (/proc/self/exe) with only the capabilities needed. 1024 bytes suffice. */
enum priv_status priv_check(const struct priv_need *need, char *msg, size_t n);

#define SANDBOX_MAX_WRITE 8
#define SANDBOX_MAX_READ 16
#define SANDBOX_MAX_EXEC 4

struct sandbox_spec {
	/* Files the user named (--json-log, the diagnostic log, exports). They
	 * are open already and keep being written through their descriptors;
	 * Landlock lets these exact files (never their folders) be reopened for
	 * writing. A file this run created is handed to the invoking user
	 * (SUDO_UID), and so is its folder if this run created that too
	 * (logs/). Strings borrowed for the call. */
	const char *write_paths[SANDBOX_MAX_WRITE];
	unsigned n_write;
	/* Read-only trees beyond the built-in list (/proc, /sys, /usr, a few
	 * /etc files): plugin folders. A missing one is skipped. */
	const char *read_paths[SANDBOX_MAX_READ];
	unsigned n_read;
	/* Read-only trees given by an open folder no path may reach (the
	 * cgroup2 root of platform_cgroup_paths_fd(): `ip netns exec` hides
	 * /sys/fs/cgroup, a private mount is detached). -1 entries skipped. */
	int read_fds[2];
	unsigned n_read_fds;
	/* Programs that may still be started (wl-copy, xclip: absolute paths);
	 * their ELF interpreter is allowed with them. Missing ones are skipped. */
	const char *exec_paths[SANDBOX_MAX_EXEC];
	unsigned n_exec;
	uint16_t tcp_connect_ports[4];	/* TCP ports that may still be connected to (a TCP
					 * exporter); all other TCP bind/connect is denied */
	unsigned n_tcp_connect;
	int no_uid_drop;	/* --no-uid-drop: keep the uid (capabilities still go) */
	int strict;		/* --sandbox-strict: anything not applied is an error */
	int proc_broker;	/* attribution reads other processes' /proc/<pid>/fd: keep a
				 * small helper outside the sandbox to do it (see doc) */
	int max_abi;		/* 0: the kernel's Landlock ABI; else use at most this one */
	int signal_children;	/* processes forked before the sandbox (capture
				 * workers) must stay killable: signals are not
				 * scoped to the domain (they and a parent-death
				 * signal would be refused) */
};

struct sandbox_report {
	int no_new_privs;	/* 1: set */
	int caps_dropped;	/* 1: effective, permitted, inheritable, ambient and bounding empty */
	int uid_dropped;	/* 1: uid/gid changed to uid/gid */
	int landlock_abi;	/* the kernel's ABI; 0: no Landlock; -errno when unusable */
	int landlock_used;	/* the ABI the ruleset was built for */
	int landlock_fs;	/* 1: filesystem restricted */
	int landlock_net;	/* 1: TCP bind/connect restricted (ABI >= 4) */
	int landlock_scope;	/* 1: abstract UNIX sockets scoped (ABI >= 6), 2: and signals */
	pid_t broker_pid;	/* the /proc helper, 0 when none */
	uid_t uid;
	gid_t gid;
	char text[256];		/* one line for the UI and the summary:
				 * "landlock v7 (fs, tcp, scope), no capabilities, no-new-privs, uid 65534" */
	char missing[256];	/* what could not be applied, "" when nothing */
};

/* Applies as much of spec as the system allows, in this order: the /proc
 * broker (forked first), ownership of created outputs, no-new-privs,
 * non-dumpable, bounding set and securebits, uid/gid (setgroups first),
 * all capabilities, Landlock. In strict mode what can be known beforehand
 * is checked before anything changes. Returns 0, or -1 when strict and
 * something could not be applied (rep->missing says what; the caller
 * exits). Call once, from the only thread. */
int sandbox_apply(const struct sandbox_spec *spec, struct sandbox_report *rep);

/* Only no-new-privs and a dumpable-off process (--no-sandbox still does
 * this, as RustNet does). Returns 0 or a negative errno. */
int sandbox_minimal(struct sandbox_report *rep);

/* Forks the broker (sandbox_apply() does this when spec->proc_broker): a
 * child that keeps only CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH, runs as
 * uid/gid, holds no descriptor but its socket, cannot fork or write files,
 * and answers the two calls below. Returns its pid, or a negative errno. */
int priv_broker_start(uid_t uid, gid_t gid);

/* Process attribution through the broker when sandbox_apply() started one,
 * else directly; same contracts as platform_socket_owners() and
 * platform_proc_info(). If the broker dies they return -1 and stay so. */
int priv_broker_socket_owners(sock_owner_fn fn, void *ctx, uint64_t *cost_us);
int priv_broker_proc_info(uint32_t pid, struct proc_info *info);
/* Ends the broker (at exit); harmless when none runs. */
void priv_broker_stop(void);

#endif
