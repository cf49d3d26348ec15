/*
 * test_sandbox.c - priv_check() messages and sandbox_apply() as the kernel
 * enforces it. Every sandbox is entered in a child process forked by the
 * test (also under CK_FORK=no); the child checks what it can and cannot do
 * and reports failures through a pipe. Most cases need root (uid changes,
 * capabilities to lose); as another user they pass with a note.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "platform/invoker.h"
#include "platform/privileges.h"

extern char **environ;

/* ---- a child that reports ---------------------------------------------- */

static char child_log[4096];
static int child_failed;

static void child_check(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void child_check(int ok, const char *fmt, ...)
{
	if (ok)
		return;
	size_t k = strlen(child_log);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(child_log + k, sizeof(child_log) - k, fmt, ap);
	va_end(ap);
	k = strlen(child_log);
	if (k + 1 < sizeof(child_log))
		strcat(child_log, "\n");
	child_failed = 1;
}

#define CHECK(cond, ...) child_check(!!(cond), __VA_ARGS__)

/* Runs fn(arg) in a child; fails the test with the child's report. */
static void in_child(void (*fn)(void *), void *arg)
{
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(p[0]);
		child_log[0] = '\0';
		child_failed = 0;
		fn(arg);
		ssize_t w = write(p[1], child_log, strlen(child_log));
		(void)w;
		_exit(child_failed ? 1 : 0);
	}
	close(p[1]);
	char buf[4096];
	size_t got = 0;
	ssize_t r;
	while (got < sizeof(buf) - 1 && (r = read(p[0], buf + got, sizeof(buf) - 1 - got)) > 0)
		got += (size_t)r;
	buf[got] = '\0';
	close(p[0]);
	int st;
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st), "the child died (signal %d)\n%s", WTERMSIG(st), buf);
	ck_assert_msg(WEXITSTATUS(st) == 0, "%s", buf);
}

static int is_root(void)
{
	if (geteuid() == 0)
		return 1;
	printf("test_sandbox: not root, so this case only checks what a user can\n");
	return 0;
}

/* "CapEff:\t0000000000000000" → the value of a /proc/self/status line. */
static int status_field(const char *key, char *out, size_t n)
{
	char line[256];
	size_t kl = strlen(key);
	FILE *fp = fopen("/proc/self/status", "re");
	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp)) {
		if (!strncmp(line, key, kl) && line[kl] == ':') {
			char *v = line + kl + 1;
			while (*v == ' ' || *v == '\t')
				v++;
			v[strcspn(v, "\n")] = '\0';
			snprintf(out, n, "%s", v);
			fclose(fp);
			return 0;
		}
	}
	fclose(fp);
	return -1;
}

static int open_errno(const char *path, int flags)
{
	int fd = open(path, flags | O_CLOEXEC, 0600);
	if (fd >= 0) {
		close(fd);
		return 0;
	}
	return errno;
}

static int tcp_connect_errno(uint16_t port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return errno;
	int rc = connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 ? errno : 0;
	close(s);
	return rc;
}

static int udp_works(uint16_t *port_out)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int a = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int b = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int ok = a >= 0 && b >= 0 && bind(a, (struct sockaddr *)&sa, sizeof(sa)) == 0 &&
		 getsockname(a, (struct sockaddr *)&sa, &sl) == 0 &&
		 sendto(b, "x", 1, 0, (struct sockaddr *)&sa, sizeof(sa)) == 1;
	char c;
	ok = ok && recv(a, &c, 1, 0) == 1 && c == 'x';
	if (port_out)
		*port_out = ntohs(sa.sin_port);
	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);
	return ok;
}

/* A listening TCP socket on 127.0.0.1, made before any sandbox. */
static int listener(uint16_t *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sa);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(s, 0);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(s, 8), 0);
	ck_assert_int_eq(getsockname(s, (struct sockaddr *)&sa, &sl), 0);
	*port = ntohs(sa.sin_port);
	return s;
}

static void drop_all_caps(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof(d));
	syscall(SYS_capset, &h, d);
}

static char tmpdir[256];

static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/nl-sandbox-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	chmod(tmpdir, 0755);
}

static void rm_tmpdir(void)
{
	char cmd[320];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
}

/* ---- priv_check ---------------------------------------------------------- */

static void check_as_root(void *arg)
{
	char msg[512];
	struct priv_need need = { .live_capture = 1, .ebpf = 1, .proc_all_users = 1, .interface = "eth0" };
	CHECK(priv_check(&need, msg, sizeof(msg)) == PRIV_OK, "root: %s", msg);
	CHECK(msg[0] == '\0', "root: a message when all is there: %s", msg);
}

static void check_root_without_caps(void *arg)
{
	char msg[512];
	struct priv_need need = { .live_capture = 1, .interface = "eth0" };
	drop_all_caps();
	CHECK(priv_check(&need, msg, sizeof(msg)) == PRIV_MISSING, "not missing: %s", msg);
	CHECK(strstr(msg, "netlens: capturing on eth0 needs CAP_NET_RAW") == msg, "message: %s", msg);
	CHECK(strstr(msg, "which this root process lacks") != NULL, "root without caps: %s", msg);
}

static void check_user(void *arg)
{
	char msg[1024], exe[400], want[1024];
	ssize_t l = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	CHECK(l > 0, "readlink /proc/self/exe");
	exe[l > 0 ? l : 0] = '\0';
	if (geteuid() == 0) {
		CHECK(setresgid(65534, 65534, 65534) == 0 && setresuid(65534, 65534, 65534) == 0,
		      "setresuid: %s", strerror(errno));
	}
	struct priv_need cap = { .live_capture = 1, .interface = "eth0" };
	CHECK(priv_check(&cap, msg, sizeof(msg)) == PRIV_MISSING, "capture only: %s", msg);
	snprintf(want, sizeof(want), "netlens: capturing on eth0 needs CAP_NET_RAW; run it with sudo, "
		 "or grant it once: sudo setcap cap_net_raw+ep %s", exe);
	CHECK(!strcmp(msg, want), "capture only:\n  got  %s\n  want %s", msg, want);

	struct priv_need all = { .live_capture = 1, .ebpf = 1, .proc_all_users = 1 };
	CHECK(priv_check(&all, msg, sizeof(msg)) == PRIV_MISSING, "with ebpf: %s", msg);
	snprintf(want, sizeof(want), "netlens: live capture needs CAP_NET_RAW (and CAP_NET_ADMIN, "
		 "CAP_BPF and CAP_PERFMON for process attribution by eBPF); run it with sudo, or grant "
		 "it once: sudo setcap cap_net_raw,cap_net_admin,cap_bpf,cap_perfmon+ep %s", exe);
	CHECK(!strcmp(msg, want), "with ebpf:\n  got  %s\n  want %s", msg, want);
	CHECK(!strstr(msg, "ptrace"), "the setcap line must not offer cap_sys_ptrace: %s", msg);

	struct priv_need none = { 0 };
	CHECK(priv_check(&none, msg, sizeof(msg)) == PRIV_OK, "a file needs nothing: %s", msg);
}

/* A user holding CAP_NET_RAW only (as after setcap cap_net_raw+ep). */
static void check_degraded(void *arg)
{
	char msg[512];
	prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
	CHECK(setresgid(65534, 65534, 65534) == 0 && setresuid(65534, 65534, 65534) == 0, "setresuid");
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof(d));
	d[0].effective = d[0].permitted = 1u << CAP_NET_RAW;
	CHECK(syscall(SYS_capset, &h, d) == 0, "capset: %s", strerror(errno));
	struct priv_need need = { .live_capture = 1, .ebpf = 1, .proc_all_users = 1 };
	CHECK(priv_check(&need, msg, sizeof(msg)) == PRIV_DEGRADED, "not degraded: %s", msg);
	CHECK(strstr(msg, "netlens: process attribution by eBPF needs CAP_NET_ADMIN, CAP_BPF and "
		      "CAP_PERFMON; using /proc instead (run it with sudo, or grant them once: sudo "
		      "setcap cap_net_raw,cap_net_admin,cap_bpf,cap_perfmon+ep ") == msg, "degraded: %s", msg);
	CHECK(strstr(msg, "; without CAP_SYS_PTRACE and CAP_DAC_READ_SEARCH the sockets of other "
		      "users' processes are not attributed") != NULL, "degraded: %s", msg);
}

START_TEST(test_priv_check)
{
	if (geteuid() == 0) {
		in_child(check_as_root, NULL);
		in_child(check_root_without_caps, NULL);
		in_child(check_degraded, NULL);
	}
	in_child(check_user, NULL);
}
END_TEST

/* ---- the full sandbox ----------------------------------------------------- */

struct full_case {
	uint16_t tcp_port;
	char allowed[300], other[300], readable[300], given[300];
	int no_uid_drop;
};

static void full_sandbox(void *arg)
{
	struct full_case *c = arg;
	char v[64];
	struct sandbox_report rep;

	unsetenv("SUDO_UID");
	unsetenv("SUDO_GID");
	unsetenv("DOAS_USER");
	unsetenv("PKEXEC_UID");
	int logfd = open(c->allowed, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	CHECK(logfd >= 0, "open %s", c->allowed);
	/* a folder given by descriptor (the cgroup2 root of --kubernetes) */
	int given = open(c->given, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(given >= 0, "open %s", c->given);
	struct sandbox_spec spec = {
		.write_paths = { c->allowed }, .n_write = 1,
		.read_fds = { given, -1 }, .n_read_fds = 2,
		.no_uid_drop = c->no_uid_drop, .strict = 1,
	};
	int rc = sandbox_apply(&spec, &rep);
	CHECK(rc == 0, "sandbox_apply: %d, missing: %s", rc, rep.missing);
	CHECK(rep.missing[0] == '\0', "missing: %s", rep.missing);

	/* The three: no capabilities, no-new-privs, Landlock. */
	static const char *const capkeys[] = { "CapEff", "CapPrm", "CapInh", "CapAmb", "CapBnd" };
	for (int i = 0; i < 5; i++) {
		CHECK(status_field(capkeys[i], v, sizeof(v)) == 0 && !strcmp(v, "0000000000000000"),
		      "%s: %s", capkeys[i], v);
	}
	CHECK(status_field("NoNewPrivs", v, sizeof(v)) == 0 && !strcmp(v, "1"), "NoNewPrivs: %s", v);
	CHECK(rep.caps_dropped && rep.no_new_privs && rep.landlock_fs, "report: %s", rep.text);
	CHECK(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0, "still dumpable");
	if (c->no_uid_drop) {
		CHECK(getuid() == 0 && !rep.uid_dropped, "uid %u", (unsigned)getuid());
		CHECK(strstr(rep.text, "uid 0 (--no-uid-drop)") != NULL, "text: %s", rep.text);
	} else {
		CHECK(getuid() == 65534 && geteuid() == 65534 && rep.uid_dropped, "uid %u", (unsigned)getuid());
		CHECK(getgid() == 65534 || getgid() == rep.gid, "gid %u", (unsigned)getgid());
		CHECK(getgroups(0, NULL) == 0, "supplementary groups left: %d", getgroups(0, NULL));
		CHECK(setuid(0) < 0, "setuid(0) worked again");
		CHECK(strstr(rep.text, "uid 65534 (nobody)") != NULL, "text: %s", rep.text);
	}

	/* Filesystem: what stays readable, and what Landlock denies. */
	CHECK(open_errno("/proc/self/status", O_RDONLY) == 0, "/proc/self/status");
	CHECK(open_errno("/proc/net/tcp", O_RDONLY) == 0, "/proc/net/tcp");
	CHECK(open_errno("/sys/class/net/lo/mtu", O_RDONLY) == 0, "/sys/class/net/lo/mtu: %s",
	      strerror(open_errno("/sys/class/net/lo/mtu", O_RDONLY)));
	CHECK(open_errno("/etc/services", O_RDONLY) == 0 || access("/etc/services", F_OK) < 0, "/etc/services");
	CHECK(open_errno("/etc/shadow", O_RDONLY) == EACCES, "/etc/shadow: %s",
	      strerror(open_errno("/etc/shadow", O_RDONLY)));
	CHECK(open_errno(c->readable, O_RDONLY) == EACCES, "%s (0644, outside): %s", c->readable,
	      strerror(open_errno(c->readable, O_RDONLY)));
	int gf = openat(given, "sub/file.txt", O_RDONLY | O_CLOEXEC);
	CHECK(gf >= 0, "beneath the folder given open: %s", strerror(errno));
	close(gf);
	gf = openat(given, "sub", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(gf >= 0, "a folder beneath the one given open: %s", strerror(errno));
	close(gf);
	gf = openat(given, "../readable.txt", O_RDONLY | O_CLOEXEC);
	CHECK(gf < 0 && errno == EACCES, "above the folder given open: %s", gf < 0 ? strerror(errno) : "opened");
	CHECK(open_errno(c->other, O_WRONLY | O_CREAT) == EACCES, "creating %s: %s", c->other,
	      strerror(open_errno(c->other, O_WRONLY | O_CREAT)));
	CHECK(open_errno("/tmp", O_RDONLY | O_DIRECTORY) == EACCES, "listing /tmp");
	CHECK(open_errno("/etc/passwd", O_WRONLY) == EACCES, "writing /etc/passwd");
	/* Files opened before keep working. */
	CHECK(write(logfd, "after\n", 6) == 6, "write to the open log: %s", strerror(errno));
	if (c->no_uid_drop)	/* still its owner: Landlock alone decides */
		CHECK(open_errno(c->allowed, O_WRONLY | O_APPEND) == 0, "reopening the named file: %s",
		      strerror(open_errno(c->allowed, O_WRONLY | O_APPEND)));

	/* Network: no TCP, UDP still (reverse DNS). */
	if (rep.landlock_net) {
		int e = tcp_connect_errno(c->tcp_port);
		CHECK(e == EACCES, "TCP connect to 127.0.0.1:%u: %s", c->tcp_port, e ? strerror(e) : "connected");
		struct sockaddr_in sa = { .sin_family = AF_INET };
		int s = socket(AF_INET, SOCK_STREAM, 0);
		CHECK(s >= 0 && bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 && errno == EACCES,
		      "TCP bind: %s", strerror(errno));
		if (s >= 0)
			close(s);
	}
	CHECK(udp_works(NULL), "UDP send/receive on loopback");
	CHECK(kill(getppid(), 0) < 0 || rep.landlock_scope < 2, "signalled a process outside the domain");
	close(logfd);
}

START_TEST(test_sandbox_full)
{
	if (!is_root())
		return;
	struct full_case c = { .no_uid_drop = _i };
	make_tmpdir();
	int ls = listener(&c.tcp_port);
	/* In a folder only root may enter, like logs/: the rule is made before the uid drop. */
	snprintf(c.allowed, sizeof(c.allowed), "%s/logs", tmpdir);
	ck_assert_int_eq(mkdir(c.allowed, 0700), 0);
	snprintf(c.allowed, sizeof(c.allowed), "%s/logs/events.jsonl", tmpdir);
	snprintf(c.other, sizeof(c.other), "%s/other.txt", tmpdir);
	snprintf(c.readable, sizeof(c.readable), "%s/readable.txt", tmpdir);
	FILE *fp = fopen(c.readable, "w");
	ck_assert_ptr_nonnull(fp);
	fputs("x\n", fp);
	fclose(fp);
	chmod(c.readable, 0644);
	char sub[330];
	snprintf(c.given, sizeof(c.given), "%s/given", tmpdir);
	snprintf(sub, sizeof(sub), "%s/sub", c.given);
	ck_assert_int_eq(mkdir(c.given, 0755), 0);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	snprintf(sub, sizeof(sub), "%s/sub/file.txt", c.given);
	fp = fopen(sub, "w");
	ck_assert_ptr_nonnull(fp);
	fclose(fp);
	chmod(sub, 0644);
	in_child(full_sandbox, &c);
	close(ls);
	/* The log got both lines; nothing else was created. */
	char buf[64] = "";
	fp = fopen(c.allowed, "r");
	ck_assert_ptr_nonnull(fp);
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = '\0';
	fclose(fp);
	ck_assert_str_eq(buf, "after\n");
	ck_assert_int_ne(access(c.other, F_OK), 0);
	rm_tmpdir();
}
END_TEST

/* SUDO_UID: become the invoking user; files this run created become theirs,
 * a file that was there before does not. */
struct sudo_case { char fresh[300], old[300], logsdir[300], logfile[300]; };

static void sudo_sandbox(void *arg)
{
	struct sudo_case *c = arg;
	struct sandbox_report rep;
	struct stat st;
	setenv("SUDO_UID", "4242", 1);
	setenv("SUDO_GID", "4343", 1);
	int a = open(c->fresh, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	int b = open(c->old, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	CHECK(mkdir(c->logsdir, 0700) == 0, "mkdir %s", c->logsdir);
	int l = open(c->logfile, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
	CHECK(a >= 0 && b >= 0 && l >= 0, "open");
	struct sandbox_spec spec = {
		.write_paths = { c->fresh, c->old, c->logfile }, .n_write = 3, .strict = 1,
	};
	CHECK(sandbox_apply(&spec, &rep) == 0, "sandbox_apply: %s", rep.missing);
	CHECK(getuid() == 4242 && getgid() == 4343, "uid %u gid %u", (unsigned)getuid(), (unsigned)getgid());
	CHECK(strstr(rep.text, "uid 4242 (SUDO_UID)") != NULL, "text: %s", rep.text);
	CHECK(fstat(a, &st) == 0 && st.st_uid == 4242 && st.st_gid == 4343, "created file owned by %u:%u",
	      (unsigned)st.st_uid, (unsigned)st.st_gid);
	CHECK(fstat(b, &st) == 0 && st.st_uid == 0, "a file older than netlens was given away (uid %u)",
	      (unsigned)st.st_uid);
	CHECK(fstat(l, &st) == 0 && st.st_uid == 4242, "log file owned by %u", (unsigned)st.st_uid);
	CHECK(stat(c->logsdir, &st) == 0 && st.st_uid == 4242, "logs/ owned by %u", (unsigned)st.st_uid);
	/* Theirs now, so it can be reopened after the drop (RustNet #416). */
	CHECK(open_errno(c->fresh, O_WRONLY | O_APPEND) == 0, "reopen %s: %s", c->fresh,
	      strerror(open_errno(c->fresh, O_WRONLY | O_APPEND)));
	CHECK(write(a, "a\n", 2) == 2 && write(b, "b\n", 2) == 2 && write(l, "l\n", 2) == 2, "writes");
}

START_TEST(test_sandbox_sudo_uid)
{
	if (!is_root())
		return;
	struct sudo_case c;
	make_tmpdir();
	snprintf(c.fresh, sizeof(c.fresh), "%s/fresh.jsonl", tmpdir);
	snprintf(c.old, sizeof(c.old), "%s/old.jsonl", tmpdir);
	snprintf(c.logsdir, sizeof(c.logsdir), "%s/logs", tmpdir);
	snprintf(c.logfile, sizeof(c.logfile), "%s/logs/netlens.log", tmpdir);
	int fd = open(c.old, O_WRONLY | O_CREAT, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	usleep(300000);	/* older than the child by more than the 50 ms slack */
	in_child(sudo_sandbox, &c);
	rm_tmpdir();
}
END_TEST

/* --sandbox-strict: refuse before changing anything. */
static void strict_refuses(void *arg)
{
	struct sandbox_report rep;
	char v[64];
	uint16_t port = *(uint16_t *)arg;

	struct sandbox_spec old_kernel = { .strict = 1, .max_abi = 3 };	/* as on Linux 6.2..6.6 */
	CHECK(sandbox_apply(&old_kernel, &rep) == -1, "strict with ABI 3 applied: %s", rep.text);
	CHECK(strstr(rep.missing, "TCP bind/connect cannot be denied: Landlock ABI 3") != NULL,
	      "missing: %s", rep.missing);
	CHECK(status_field("NoNewPrivs", v, sizeof(v)) == 0 && !strcmp(v, "0"), "changed anyway: NoNewPrivs %s", v);
	CHECK(getuid() == 0, "changed anyway: uid %u", (unsigned)getuid());

	struct sandbox_spec no_file = { .strict = 1, .write_paths = { "/nonexistent/x.jsonl" }, .n_write = 1 };
	CHECK(sandbox_apply(&no_file, &rep) == -1, "strict with a missing output applied");
	CHECK(strstr(rep.missing, "/nonexistent/x.jsonl does not exist") != NULL, "missing: %s", rep.missing);
	CHECK(status_field("NoNewPrivs", v, sizeof(v)) == 0 && !strcmp(v, "0"), "changed anyway");

	/* Without strict the same ABI 3 applies what it can, and says so. */
	CHECK(sandbox_apply(&old_kernel, &rep) == -1, "second strict");
	old_kernel.strict = 0;
	old_kernel.no_uid_drop = 1;
	CHECK(sandbox_apply(&old_kernel, &rep) == 0, "best effort: %s", rep.missing);
	CHECK(rep.landlock_fs && !rep.landlock_net && rep.landlock_used == 3, "report: %s", rep.text);
	CHECK(strstr(rep.text, "landlock v3 (fs)") == rep.text, "text: %s", rep.text);
	CHECK(strstr(rep.text, "; partial") != NULL, "text: %s", rep.text);
	CHECK(open_errno("/etc/shadow", O_RDONLY) == EACCES, "fs not restricted");
	CHECK(tcp_connect_errno(port) == 0, "ABI 3 cannot deny TCP, yet connect failed");
}

START_TEST(test_sandbox_strict)
{
	if (!is_root())
		return;
	uint16_t port;
	int ls = listener(&port);
	in_child(strict_refuses, &port);
	close(ls);
}
END_TEST

/* Helpers started after the sandbox: only those named. */
static void exec_helpers(void *arg)
{
	struct sandbox_report rep;
	const char *tru = access("/usr/bin/true", X_OK) == 0 ? "/usr/bin/true" : "/bin/true";
	struct sandbox_spec spec = { .exec_paths = { tru }, .n_exec = 1, .no_uid_drop = 1 };
	CHECK(sandbox_apply(&spec, &rep) == 0, "apply: %s", rep.missing);
	pid_t pid;
	int st = -1;
	char *argv_true[] = { (char *)tru, NULL };
	int rc = posix_spawn(&pid, tru, NULL, NULL, argv_true, environ);
	CHECK(rc == 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	      "%s: spawn %s, status %d", tru, strerror(rc), st);
	char *argv_id[] = { "/usr/bin/id", NULL };
	rc = posix_spawn(&pid, "/usr/bin/id", NULL, NULL, argv_id, environ);
	CHECK(rc == EACCES, "/usr/bin/id was started: %s", rc ? strerror(rc) : "ok");
	if (rc == 0)
		waitpid(pid, &st, 0);
}

START_TEST(test_sandbox_exec)
{
	if (!is_root())
		return;
	in_child(exec_helpers, NULL);
}
END_TEST

/* The /proc broker: a sandboxed process cannot read another process's fd
 * table (Landlock confines ptrace checks), the broker can. */
struct broker_case { pid_t holder; uint16_t port; };
struct found { uint16_t port; uint32_t pid; int n; int nested; char exe[256]; };

static void on_owner(void *ctx, const struct sock_owner *o)
{
	struct found *f = ctx;
	struct proc_info pi;
	f->n++;
	if (o->proto != IPPROTO_UDP || o->lport != f->port)
		return;
	f->pid = o->pid;
	/* core/owners.c asks for the process while the scan is reported */
	if (f->nested && priv_broker_proc_info(o->pid, &pi) == 0)
		snprintf(f->exe, sizeof(f->exe), "%s", pi.exe);
}

static void broker_sandbox(void *arg)
{
	struct broker_case *c = arg;
	struct sandbox_report rep;
	struct found direct = { .port = c->port }, brokered = { .port = c->port, .nested = 1 };
	struct proc_info pi;
	uint64_t cost;

	struct sandbox_spec spec = { .proc_broker = 1 };
	CHECK(sandbox_apply(&spec, &rep) == 0, "apply: %s", rep.missing);
	CHECK(rep.broker_pid > 0 && strstr(rep.text, "/proc helper"), "no broker: %s", rep.text);
	platform_socket_owners(on_owner, &direct, &cost);
	CHECK(direct.pid == 0, "the sandbox let this process read pid %u's fds: the broker is not needed?",
	      (unsigned)c->holder);
	int n = priv_broker_socket_owners(on_owner, &brokered, &cost);
	CHECK(n > 0 && brokered.pid == (uint32_t)c->holder, "broker: %d sockets, port %u owner %u, want %u",
	      n, c->port, brokered.pid, (unsigned)c->holder);
	CHECK(brokered.exe[0] == '/', "process details asked for during a scan: '%s'", brokered.exe);
	brokered.pid = 0;
	CHECK(priv_broker_socket_owners(on_owner, &brokered, &cost) > 0 && brokered.pid == (uint32_t)c->holder,
	      "a second scan: the broker gave up");
	memset(&pi, 0, sizeof(pi));
	CHECK(priv_broker_proc_info((uint32_t)c->holder, &pi) == 0 && pi.exe[0] == '/',
	      "broker proc_info: exe '%s'", pi.exe);
	CHECK(platform_proc_info((uint32_t)c->holder, &pi) < 0 || pi.exe[0] == '\0',
	      "direct proc_info read exe %s", pi.exe);
	char v[64];
	CHECK(status_field("CapEff", v, sizeof(v)) == 0 && !strcmp(v, "0000000000000000"), "CapEff %s", v);
	priv_broker_stop();
	CHECK(priv_broker_socket_owners(on_owner, &brokered, &cost) >= -1, "after stop");
}

START_TEST(test_sandbox_broker)
{
	if (!is_root())
		return;
	int p[2];
	struct broker_case c;
	ck_assert_int_eq(pipe(p), 0);
	c.holder = fork();
	ck_assert_int_ge(c.holder, 0);
	if (c.holder == 0) {	/* holds a UDP socket, as another program would */
		close(p[0]);
		struct sockaddr_in sa = { .sin_family = AF_INET };
		socklen_t sl = sizeof(sa);
		sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		int s = socket(AF_INET, SOCK_DGRAM, 0);
		bind(s, (struct sockaddr *)&sa, sizeof(sa));
		getsockname(s, (struct sockaddr *)&sa, &sl);
		uint16_t port = ntohs(sa.sin_port);
		ssize_t w = write(p[1], &port, sizeof(port));
		(void)w;
		pause();
		_exit(0);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &c.port, sizeof(c.port)), (ssize_t)sizeof(c.port));
	close(p[0]);
	in_child(broker_sandbox, &c);
	kill(c.holder, SIGKILL);
	waitpid(c.holder, NULL, 0);
}
END_TEST

static void minimal(void *arg)
{
	struct sandbox_report rep;
	char v[64];
	CHECK(sandbox_minimal(&rep) == 0, "sandbox_minimal");
	CHECK(status_field("NoNewPrivs", v, sizeof(v)) == 0 && !strcmp(v, "1"), "NoNewPrivs %s", v);
	CHECK(!strcmp(rep.text, "off (--no-sandbox), no-new-privs"), "text: %s", rep.text);
	CHECK(open_errno("/etc/hostname", O_RDONLY) == 0 || access("/etc/hostname", F_OK) < 0, "fs restricted");
}

START_TEST(test_sandbox_minimal)
{
	in_child(minimal, NULL);
}
END_TEST

/* Who ran netlens: sudo's numbers, doas' name, pkexec's number; never root,
 * never a number with anything after it. */
static void set_invoker(const char *sudo_uid, const char *sudo_gid, const char *doas,
			const char *pkexec)
{
	const char *names[] = { "SUDO_UID", "SUDO_GID", "DOAS_USER", "PKEXEC_UID" };
	const char *vals[] = { sudo_uid, sudo_gid, doas, pkexec };
	for (int i = 0; i < 4; i++)
		if (vals[i])
			setenv(names[i], vals[i], 1);
		else
			unsetenv(names[i]);
}

START_TEST(test_invoker)
{
	uid_t uid;
	gid_t gid;
	const char *how;
	struct passwd *nobody = getpwnam("nobody");
	ck_assert_ptr_nonnull(nobody);
	uid_t nobody_uid = nobody->pw_uid;
	gid_t nobody_gid = nobody->pw_gid;

	set_invoker(NULL, NULL, NULL, NULL);
	ck_assert_int_eq(invoker_find(&uid, &gid, &how), -1);
	set_invoker("4242", "4343", "nobody", "1");
	ck_assert_int_eq(invoker_find(&uid, &gid, &how), 0);
	ck_assert_uint_eq(uid, 4242);
	ck_assert_uint_eq(gid, 4343);
	ck_assert_str_eq(how, "SUDO_UID");
	set_invoker("4242", NULL, NULL, NULL);	/* no account: the uid as group */
	ck_assert_int_eq(invoker_find(&uid, &gid, &how), 0);
	ck_assert_uint_eq(gid, getpwuid(4242) ? getpwuid(4242)->pw_gid : 4242);
	set_invoker("0", NULL, "nobody", NULL);	/* root is nobody's invoker: next */
	ck_assert_int_eq(invoker_find(&uid, &gid, &how), 0);
	ck_assert_uint_eq(uid, nobody_uid);
	ck_assert_uint_eq(gid, nobody_gid);
	ck_assert_str_eq(how, "DOAS_USER");
	set_invoker("42x", NULL, "root", NULL);
	ck_assert_int_eq(invoker_find(&uid, &gid, &how), -1);
	set_invoker("-1", NULL, "no-such-user-here", NULL);
	ck_assert_int_eq(invoker_find(&uid, &gid, &how), -1);
	char pk[16];
	snprintf(pk, sizeof(pk), "%lu", (unsigned long)nobody_uid);
	set_invoker(" 4242", NULL, NULL, pk);
	ck_assert_int_eq(invoker_find(&uid, &gid, &how), 0);
	ck_assert_uint_eq(uid, nobody_uid);
	ck_assert_str_eq(how, "PKEXEC_UID");
	set_invoker("4294967295", NULL, NULL, "0");	/* (uid_t)-1 is no one */
	ck_assert_int_eq(invoker_find(&uid, &gid, &how), -1);
	set_invoker(NULL, NULL, NULL, NULL);
}
END_TEST

static Suite *sandbox_suite(void)
{
	Suite *s = suite_create("sandbox");
	TCase *tc = tcase_create("linux");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_priv_check);
	tcase_add_test(tc, test_invoker);
	tcase_add_loop_test(tc, test_sandbox_full, 0, 2);	/* uid drop, --no-uid-drop */
	tcase_add_test(tc, test_sandbox_sudo_uid);
	tcase_add_test(tc, test_sandbox_strict);
	tcase_add_test(tc, test_sandbox_exec);
	tcase_add_test(tc, test_sandbox_broker);
	tcase_add_test(tc, test_sandbox_minimal);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(sandbox_suite());
}
