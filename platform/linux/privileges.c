/*
 * privileges.c - the start-up capability check, and the /proc broker.
 *
 * priv_check() reads the effective set (capget) and writes the one line a
 * user needs: what is missing, and the setcap line for this very binary
 * with only what is needed (or sudo).
 *
 * The broker exists because any Landlock domain also confines ptrace
 * checks: a sandboxed process cannot readlink /proc/<pid>/fd/<n> or
 * /proc/<pid>/exe of a process outside its domain, whatever its uid or
 * capabilities (measured here: EACCES as root with every capability). So
 * the /proc walk of procfs.c runs in a child forked before the sandbox,
 * which keeps CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH and nothing else,
 * holds no descriptor but a SOCK_SEQPACKET socket, and cannot fork or
 * write files. The sandboxed main process asks it with fixed-size
 * messages; a broker that does not answer in BROKER_TIMEOUT_MS is killed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "platform/privileges.h"

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

#define BROKER_TIMEOUT_MS 5000
#define BROKER_MAX_OWNERS (1u << 20)	/* above procfs.c's own bound */

static uint64_t caps_effective(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) < 0)
		return 0;
	return (uint64_t)d[0].effective | (uint64_t)d[1].effective << 32;
}

static int last_cap(void)
{
	int v = -1;
	FILE *fp = fopen("/proc/sys/kernel/cap_last_cap", "re");
	if (fp) {
		if (fscanf(fp, "%d", &v) != 1)
			v = -1;
		fclose(fp);
	}
	return v;
}

#define BIT(c) ((uint64_t)1 << (c))

struct capname { int cap; const char *upper, *lower; };
static const struct capname names[] = {
	{ CAP_NET_RAW, "CAP_NET_RAW", "cap_net_raw" },
	{ CAP_NET_ADMIN, "CAP_NET_ADMIN", "cap_net_admin" },
	{ CAP_BPF, "CAP_BPF", "cap_bpf" },
	{ CAP_PERFMON, "CAP_PERFMON", "cap_perfmon" },
	{ CAP_SYS_ADMIN, "CAP_SYS_ADMIN", "cap_sys_admin" },
	{ CAP_SYS_PTRACE, "CAP_SYS_PTRACE", "cap_sys_ptrace" },
	{ CAP_DAC_READ_SEARCH, "CAP_DAC_READ_SEARCH", "cap_dac_read_search" },
};

/* "CAP_BPF and CAP_PERFMON" or "cap_net_raw,cap_bpf" for the caps in set. */
static void cap_list(uint64_t set, int lower, char *out, size_t n)
{
	size_t k = 0, count = 0, total = 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		total += !!(set & BIT(names[i].cap));
	out[0] = '\0';
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && k < n; i++) {
		if (!(set & BIT(names[i].cap)))
			continue;
		const char *sep = !count ? "" : lower ? "," : count + 1 == total ? " and " : ", ";
		k += (size_t)snprintf(out + k, n - k, "%s%s", sep, lower ? names[i].lower : names[i].upper);
		count++;
	}
}

static void appendf(char *msg, size_t n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void appendf(char *msg, size_t n, const char *fmt, ...)
{
	size_t k = strlen(msg);
	va_list ap;
	if (k + 1 >= n)
		return;
	va_start(ap, fmt);
	vsnprintf(msg + k, n - k, fmt, ap);
	va_end(ap);
}

enum priv_status priv_check(const struct priv_need *need, char *msg, size_t n)
{
	uint64_t have = caps_effective();
	/* Tracing programs need CAP_BPF and CAP_PERFMON, the cgroup socket hooks
	 * CAP_NET_ADMIN too; before Linux 5.8 all of it is CAP_SYS_ADMIN. */
	uint64_t ebpf_caps = last_cap() >= CAP_BPF ?
		BIT(CAP_BPF) | BIT(CAP_PERFMON) | BIT(CAP_NET_ADMIN) : BIT(CAP_SYS_ADMIN);
	uint64_t want = 0, miss_req = 0, miss_opt = 0;
	char exe[512], what[128], grant[128], where[128];

	if (n)
		msg[0] = '\0';
	if (need->live_capture) {
		want |= BIT(CAP_NET_RAW);
		miss_req |= BIT(CAP_NET_RAW) & ~have;
	}
	if (need->ebpf) {
		want |= ebpf_caps;
		miss_opt |= ebpf_caps & ~have;
	}
	int proc_missing = need->proc_all_users &&
		(~have & (BIT(CAP_SYS_PTRACE) | BIT(CAP_DAC_READ_SEARCH)));
	if (!miss_req && !miss_opt && !proc_missing)
		return PRIV_OK;

	ssize_t l = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (l <= 0)
		snprintf(exe, sizeof(exe), "netlens");
	else
		exe[l] = '\0';
	cap_list(want, 1, grant, sizeof(grant));
	snprintf(where, sizeof(where), need->interface ? "capturing on %s" : "live capture",
		 need->interface ? need->interface : "");

	if (miss_req) {
		cap_list(miss_req, 0, what, sizeof(what));
		appendf(msg, n, "netlens: %s needs %s", where, what);
		if (miss_opt) {
			cap_list(miss_opt, 0, what, sizeof(what));
			appendf(msg, n, " (and %s for process attribution by eBPF)", what);
		}
		if (geteuid() == 0)
			appendf(msg, n, ", which this root process lacks (in a container? grant it %s, "
				"e.g. docker run --cap-add NET_RAW)", grant);
		else
			appendf(msg, n, "; run it with sudo, or grant it once: sudo setcap %s+ep %s", grant, exe);
		return PRIV_MISSING;
	}
	if (miss_opt) {
		cap_list(miss_opt, 0, what, sizeof(what));
		appendf(msg, n, "netlens: process attribution by eBPF needs %s; using /proc instead", what);
		if (geteuid() != 0)
			appendf(msg, n, " (run it with sudo, or grant them once: sudo setcap %s+ep %s)", grant, exe);
	}
	if (proc_missing) {
		appendf(msg, n, "%swithout CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH the sockets of "
			"other users' processes are not attributed (run it with sudo for that; the "
			"setcap grant leaves them out on purpose)", msg[0] ? "; " : "netlens: ");
	}
	return PRIV_DEGRADED;
}

/* ---- the /proc broker ---------------------------------------------------- */

enum { MSG_SCAN = 1, MSG_INFO, MSG_OWNER, MSG_SCAN_END, MSG_INFO_REPLY };

struct broker_msg {
	uint32_t kind;
	int32_t rc;		/* scan: count or -1; info: 0 or -1 */
	uint32_t pid;		/* MSG_INFO */
	uint32_t pad;
	uint64_t cost_us;
	union {
		struct sock_owner owner;
		struct proc_info info;
	} u;
};

static int broker_fd = -1;
static pid_t broker_pid;
static int broker_failed;	/* it died or misbehaved: attribution is off */

static void broker_send_owner(void *ctx, const struct sock_owner *o)
{
	struct broker_msg m;
	memset(&m, 0, sizeof(m));
	m.kind = MSG_OWNER;
	m.u.owner = *o;
	if (send(*(int *)ctx, &m, sizeof(m), MSG_NOSIGNAL) < 0)
		_exit(0);	/* the main process is gone */
}

/* Keeps only the two capabilities the /proc walk needs (when it has them). */
static void broker_drop(uid_t uid, gid_t gid)
{
	uint64_t keep = caps_effective() & (BIT(CAP_SYS_PTRACE) | BIT(CAP_DAC_READ_SEARCH));
	int last = last_cap();

	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	for (int c = 0; c <= last && c < 64; c++)
		if (!(keep & BIT(c)))
			prctl(PR_CAPBSET_DROP, c, 0, 0, 0);
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	if (geteuid() == 0 && uid != 0) {
		prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
		if (setgroups(0, NULL) < 0 || setresgid(gid, gid, gid) < 0 || setresuid(uid, uid, uid) < 0)
			_exit(1);
		prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
	}
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof(d));
	d[0].effective = d[0].permitted = (uint32_t)keep;
	d[1].effective = d[1].permitted = (uint32_t)(keep >> 32);
	if (syscall(SYS_capset, &h, d) < 0)
		_exit(1);
	struct rlimit zero = { 0, 0 };
	setrlimit(RLIMIT_NPROC, &zero);	/* no fork (unless still root) */
	setrlimit(RLIMIT_FSIZE, &zero);	/* no file grows */
	setrlimit(RLIMIT_CORE, &zero);
}

static void broker_main(int fd, uid_t uid, gid_t gid, pid_t parent)
{
	signal(SIGINT, SIG_IGN);	/* a terminal's ^C is for the main process */
	signal(SIGPIPE, SIG_IGN);
	if (fd > 3)
		syscall(SYS_close_range, 3, fd - 1, 0);
	syscall(SYS_close_range, fd + 1, ~0u, 0);
	int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull >= 0) {	/* never the terminal */
		dup2(devnull, 0);
		dup2(devnull, 1);
		dup2(devnull, 2);
		close(devnull);
	}
	broker_drop(uid, gid);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);	/* a uid change cleared it */
	if (getppid() != parent)
		_exit(0);
	for (;;) {
		struct broker_msg m;
		ssize_t r = recv(fd, &m, sizeof(m), 0);
		if (r == 0 || (r < 0 && errno != EINTR))
			_exit(0);
		if (r != (ssize_t)sizeof(m))
			continue;
		if (m.kind == MSG_SCAN) {
			uint64_t cost = 0;
			int got = platform_socket_owners(broker_send_owner, &fd, &cost);
			memset(&m, 0, sizeof(m));
			m.kind = MSG_SCAN_END;
			m.rc = got;
			m.cost_us = cost;
		} else if (m.kind == MSG_INFO) {
			uint32_t pid = m.pid;
			memset(&m, 0, sizeof(m));
			m.kind = MSG_INFO_REPLY;
			m.rc = platform_proc_info(pid, &m.u.info);
		} else {
			continue;
		}
		if (send(fd, &m, sizeof(m), MSG_NOSIGNAL) < 0)
			_exit(0);
	}
}

int priv_broker_start(uid_t uid, gid_t gid)
{
	int sv[2];
	if (broker_fd >= 0)
		return -EALREADY;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	pid_t parent = getpid();
	pid_t pid = fork();
	if (pid < 0) {
		int e = errno;
		close(sv[0]);
		close(sv[1]);
		return -e;
	}
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
		if (getppid() != parent)
			_exit(0);
		close(sv[0]);
		broker_main(sv[1], uid, gid, parent);
		_exit(0);
	}
	close(sv[1]);
	broker_fd = sv[0];
	broker_pid = pid;
	broker_failed = 0;
	return pid;
}

void priv_broker_stop(void)
{
	if (broker_fd < 0)
		return;
	close(broker_fd);	/* the broker sees EOF and exits */
	broker_fd = -1;
	if (broker_pid > 0) {
		int st;
		for (int i = 0; i < 50 && waitpid(broker_pid, &st, WNOHANG) == 0; i++)
			usleep(10000);
		if (waitpid(broker_pid, &st, WNOHANG) == 0) {
			kill(broker_pid, SIGKILL);
			waitpid(broker_pid, &st, 0);
		}
	}
	broker_pid = 0;
}

static void broker_fail(void)
{
	broker_failed = 1;
	if (broker_pid > 0)
		kill(broker_pid, SIGKILL);	/* the loop's SIGCHLD handling reaps it */
	close(broker_fd);
	broker_fd = -1;
}

/* One reply of the expected kind within the timeout; -1 on anything else. */
static int broker_recv(struct broker_msg *m)
{
	struct pollfd p = { broker_fd, POLLIN, 0 };
	int r;
	do
		r = poll(&p, 1, BROKER_TIMEOUT_MS);
	while (r < 0 && errno == EINTR);
	if (r <= 0 || recv(broker_fd, m, sizeof(*m), 0) != (ssize_t)sizeof(*m))
		return -1;
	return 0;
}

/* The whole answer is read before fn sees any of it: fn may ask for a
 * process's details (priv_broker_proc_info) while the scan is reported. */
int priv_broker_socket_owners(sock_owner_fn fn, void *ctx, uint64_t *cost_us)
{
	if (broker_failed)
		return -1;
	if (broker_fd < 0)
		return platform_socket_owners(fn, ctx, cost_us);
	struct broker_msg m;
	struct sock_owner *got = NULL;
	size_t n = 0, cap = 0;
	memset(&m, 0, sizeof(m));
	m.kind = MSG_SCAN;
	if (send(broker_fd, &m, sizeof(m), MSG_NOSIGNAL) < 0)
		goto fail;
	for (;;) {
		if (broker_recv(&m) < 0 || (m.kind != MSG_OWNER && m.kind != MSG_SCAN_END))
			goto fail;
		if (m.kind == MSG_SCAN_END)
			break;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 256;
			struct sock_owner *t = ncap > BROKER_MAX_OWNERS ? NULL : realloc(got, ncap * sizeof(*got));
			if (!t)
				goto fail;
			got = t;
			cap = ncap;
		}
		got[n] = m.u.owner;
		got[n].comm[sizeof(got[n].comm) - 1] = '\0';
		n++;
	}
	if (cost_us)
		*cost_us = m.cost_us;
	for (size_t i = 0; i < n; i++)
		fn(ctx, &got[i]);
	free(got);
	return m.rc;
fail:
	free(got);
	broker_fail();
	return -1;
}

int priv_broker_proc_info(uint32_t pid, struct proc_info *info)
{
	if (broker_failed)
		return -1;
	if (broker_fd < 0)
		return platform_proc_info(pid, info);
	struct broker_msg m;
	memset(&m, 0, sizeof(m));
	m.kind = MSG_INFO;
	m.pid = pid;
	if (send(broker_fd, &m, sizeof(m), MSG_NOSIGNAL) < 0 || broker_recv(&m) < 0 ||
	    m.kind != MSG_INFO_REPLY) {
		broker_fail();
		return -1;
	}
	if (m.rc < 0)
		return -1;
	*info = m.u.info;
	info->name[sizeof(info->name) - 1] = '\0';
	info->exe[sizeof(info->exe) - 1] = '\0';
	info->cmdline[sizeof(info->cmdline) - 1] = '\0';
	info->cgroup[sizeof(info->cgroup) - 1] = '\0';
	return 0;
}
