/*
 * sandbox.c - what netlens gives up once capture, eBPF, logs, plugins and
 * the terminal are open (doc/security.md):
 *
 *   no-new-privs, not dumpable   always (also with --no-sandbox)
 *   capabilities                 none: effective, permitted, inheritable,
 *                                ambient, and the bounding set when allowed
 *   uid/gid                      SUDO_UID/SUDO_GID (or doas', pkexec's
 *                                user), else nobody; supplementary groups
 *                                none; --no-uid-drop keeps the uid
 *   Landlock, from the ABI the   read: /proc, /sys, /usr, /lib, a few /etc
 *   kernel reports               files, plugin folders; write: the named
 *                                files only; exec: the named helpers only;
 *                                TCP bind/connect denied (ABI 4); abstract
 *                                UNIX sockets and signals scoped (ABI 6)
 *
 * Descriptors opened before keep working: an open pcap handle, ring
 * buffer, netlink socket, log and terminal are not re-checked.
 *
 * Debian 12's <linux/landlock.h> stops at ABI 2, so later constants are
 * defined here, and the attribute structs are our own (same layout).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <elf.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/landlock.h>
#include <linux/securebits.h>
#include <link.h>		/* ElfW */
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "platform/invoker.h"
#include "platform/privileges.h"

#ifndef HAVE_STATX
/* musl before 1.2.5 (Debian 12 has 1.2.3; static router builds, see
 * doc/embedded.md) has no statx() wrapper and no struct statx, and
 * <linux/stat.h> redefines <sys/stat.h>'s macros: the kernel's fixed layout
 * and the system call itself, then. */
#include <linux/types.h>
struct statx_timestamp { __s64 tv_sec; __u32 tv_nsec; __s32 reserved; };
struct statx {
	__u32 stx_mask, stx_blksize;
	__u64 stx_attributes;
	__u32 stx_nlink, stx_uid, stx_gid;
	__u16 stx_mode, spare0;
	__u64 stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
	__u32 stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	__u64 spare2[14];
};
#define STATX_BASIC_STATS 0x7ffU
#define STATX_BTIME 0x800U
static int statx(int dfd, const char *path, int flags, unsigned mask, struct statx *buf)
{
	return (int)syscall(SYS_statx, dfd, path, flags, mask, buf);
}
#endif

#ifndef SYS_landlock_create_ruleset
#define SYS_landlock_create_ruleset 444
#define SYS_landlock_add_rule 445
#define SYS_landlock_restrict_self 446
#endif
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif
#ifndef LANDLOCK_ACCESS_FS_EXECUTE
#define LANDLOCK_ACCESS_FS_EXECUTE (1ULL << 0)
#define LANDLOCK_ACCESS_FS_WRITE_FILE (1ULL << 1)
#define LANDLOCK_ACCESS_FS_READ_FILE (1ULL << 2)
#define LANDLOCK_ACCESS_FS_READ_DIR (1ULL << 3)
#endif
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER (1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE (1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV (1ULL << 15)
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP (1ULL << 0)
#define LANDLOCK_ACCESS_NET_CONNECT_TCP (1ULL << 1)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET (1ULL << 0)
#define LANDLOCK_SCOPE_SIGNAL (1ULL << 1)
#endif
#define SLACK_NS 50000000	/* a clock tick of the start time, and clock steps */

#ifndef CAP_LAST_CAP
#define CAP_LAST_CAP 40
#endif

/* Our names for the uapi types, so newer and older headers both compile. */
#define NL_RULE_PATH_BENEATH 1
#define NL_RULE_NET_PORT 2
struct nl_ruleset_attr { uint64_t handled_access_fs, handled_access_net, scoped; };
struct nl_path_beneath_attr { uint64_t allowed_access; int32_t parent_fd; } __attribute__((packed));
struct nl_net_port_attr { uint64_t allowed_access, port; };

#define FS_ABI1 ((1ULL << 13) - 1)	/* EXECUTE .. MAKE_SYM */
#define FS_FILE_RIGHTS (LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
			LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_TRUNCATE | \
			LANDLOCK_ACCESS_FS_IOCTL_DEV)
#define R_TREE (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR)
#define R_FILE LANDLOCK_ACCESS_FS_READ_FILE
#define RW_FILE (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
		 LANDLOCK_ACCESS_FS_TRUNCATE)
#define RX_FILE (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_EXECUTE)
#define TTY (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE | \
	     LANDLOCK_ACCESS_FS_IOCTL_DEV)

/* Read-only, whatever the spec: what the loop, libc (NSS, locale, time
 * zone, lazily loaded libgcc_s), ncurses and c-ares may still open. None of
 * it is secret; missing entries are skipped. */
static const struct { const char *path; uint64_t access; } builtin[] = {
	{ "/proc", R_TREE },		/* /proc/net, /proc/self; other processes: the broker */
	{ "/sys", R_TREE },		/* /sys/class/net entries link into /sys/devices */
	{ "/usr", R_TREE },		/* libraries, terminfo, zoneinfo, locales */
	{ "/lib", R_TREE },
	{ "/lib64", R_TREE },
	{ "/etc/ld.so.cache", R_FILE },
	{ "/etc/localtime", R_FILE },
	{ "/etc/passwd", R_FILE },
	{ "/etc/group", R_FILE },
	{ "/etc/nsswitch.conf", R_FILE },
	{ "/etc/hosts", R_FILE },
	{ "/etc/host.conf", R_FILE },
	{ "/etc/resolv.conf", R_FILE },
	{ "/etc/gai.conf", R_FILE },
	{ "/etc/services", R_FILE },
	{ "/etc/protocols", R_FILE },
	{ "/etc/terminfo", R_TREE },
	{ "/dev/null", RW_FILE },
	{ "/dev/urandom", R_FILE },
	{ "/dev/tty", TTY },
};

struct target {
	uid_t uid;
	gid_t gid;
	int drop;		/* change uid/gid */
	int user;		/* a real user (sudo, doas, pkexec, setuid): outputs go to them */
	char why[48];		/* "SUDO_UID", "nobody", ... */
};

static void addf(char *buf, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void addf(char *buf, size_t n, const char *fmt, ...)
{
	size_t k = strlen(buf);
	va_list ap;
	if (k + 1 >= n)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + k, n - k, fmt, ap);
	va_end(ap);
}

static void missing(struct sandbox_report *rep, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void missing(struct sandbox_report *rep, const char *fmt, ...)
{
	char one[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(one, sizeof(one), fmt, ap);
	va_end(ap);
	addf(rep->missing, sizeof(rep->missing), "%s%s", rep->missing[0] ? "; " : "", one);
}

/* Who to become. The invoking user when a sudo-like tool says who that is
 * and we are root; the real uid for a setuid-root binary; else nobody. */
static void find_target(const struct sandbox_spec *spec, struct target *t)
{
	const char *how;
	struct passwd *pw;

	memset(t, 0, sizeof(*t));
	t->uid = getuid();
	t->gid = getgid();
	if (spec->no_uid_drop) {
		snprintf(t->why, sizeof(t->why), "--no-uid-drop");
		return;
	}
	if (geteuid() != 0 && getuid() != 0) {
		snprintf(t->why, sizeof(t->why), "unchanged");
		return;
	}
	t->drop = 1;
	if (invoker_find(&t->uid, &t->gid, &how) == 0) {
		t->user = 1;
		snprintf(t->why, sizeof(t->why), "%s", how);
		return;
	}
	if (getuid() != 0) {	/* setuid root */
		t->user = 1;
		snprintf(t->why, sizeof(t->why), "real uid");
		return;
	}
	struct group *gr;
	pw = getpwnam("nobody");
	t->uid = pw ? pw->pw_uid : 65534;
	if ((gr = getgrnam("nogroup")) || (gr = getgrnam("nobody")))
		t->gid = gr->gr_gid;
	else
		t->gid = pw ? pw->pw_gid : 65534;
	snprintf(t->why, sizeof(t->why), "nobody");
}

/* When this process started, in nanoseconds since the epoch (0: unknown):
 * its start in clock ticks after boot, plus when boot was, from the
 * difference of the real and boot clocks (/proc/stat's btime is rounded to
 * the second). */
static int64_t process_start_ns(void)
{
	char buf[1024];
	unsigned long long start = 0;
	struct timespec real, boot;
	FILE *fp = fopen("/proc/self/stat", "re");
	if (!fp)
		return 0;
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	fclose(fp);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');	/* comm may hold spaces */
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	long hz = sysconf(_SC_CLK_TCK);
	if (!p || sscanf(p + 1, "%llu", &start) != 1 || hz <= 0 ||
	    clock_gettime(CLOCK_REALTIME, &real) < 0 || clock_gettime(CLOCK_BOOTTIME, &boot) < 0)
		return 0;
	int64_t boot_epoch = ((int64_t)real.tv_sec - boot.tv_sec) * 1000000000 + (real.tv_nsec - boot.tv_nsec);
	return boot_epoch + (int64_t)(start * (1000000000ULL / (unsigned long long)hz));
}

/* Hands path to uid:gid when this run created it (birth time not before
 * our start), root owns it and it is what it should be (one link, no
 * symlink). A file that was there before stays as it was: sudo netlens
 * --json-log /etc/x must not give /etc/x away. */
static void give_if_ours(const char *path, int want_dir, int64_t started, uid_t uid, gid_t gid)
{
	int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	struct statx sx;
	if (fd < 0)
		return;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS | STATX_BTIME, &sx) == 0 &&
	    (sx.stx_mask & STATX_BTIME) && started &&
	    (int64_t)sx.stx_btime.tv_sec * 1000000000 + sx.stx_btime.tv_nsec >= started - SLACK_NS &&
	    sx.stx_uid == 0 &&
	    (want_dir ? S_ISDIR(sx.stx_mode) : S_ISREG(sx.stx_mode) && sx.stx_nlink == 1))
		(void)fchownat(fd, "", uid, gid, AT_EMPTY_PATH);
	close(fd);
}

static void give_outputs(const struct sandbox_spec *spec, const struct target *t)
{
	int64_t started = process_start_ns();
	for (unsigned i = 0; i < spec->n_write && i < SANDBOX_MAX_WRITE; i++) {
		const char *p = spec->write_paths[i];
		char dir[4096];
		if (!p)
			continue;
		give_if_ours(p, 0, started, t->uid, t->gid);
		snprintf(dir, sizeof(dir), "%s", p);
		char *slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = '\0';
			give_if_ours(dir, 1, started, t->uid, t->gid);	/* logs/ */
		}
	}
}

static void caps_read(uint64_t *eff, uint64_t *prm, uint64_t *inh)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof(d));
	if (syscall(SYS_capget, &h, d) < 0)
		d[0].effective = d[0].permitted = ~0u;	/* unknown: count as held */
	*eff = d[0].effective | (uint64_t)d[1].effective << 32;
	*prm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	*inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
}

static int caps_clear(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];
	memset(d, 0, sizeof(d));
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	return syscall(SYS_capset, &h, d) < 0 ? -errno : 0;
}

static int last_cap(void)
{
	int v = CAP_LAST_CAP;
	FILE *fp = fopen("/proc/sys/kernel/cap_last_cap", "re");
	if (fp) {
		if (fscanf(fp, "%d", &v) != 1)
			v = CAP_LAST_CAP;
		fclose(fp);
	}
	return v;
}

/* Empties the bounding set (needs CAP_SETPCAP); 1 when it is empty after. */
static int bounding_clear(void)
{
	int last = last_cap(), empty = 1;
	for (int c = 0; c <= last; c++)
		prctl(PR_CAPBSET_DROP, c, 0, 0, 0);
	for (int c = 0; c <= last; c++)
		if (prctl(PR_CAPBSET_READ, c, 0, 0, 0) == 1)
			empty = 0;
	return empty;
}

static int set_ids(const struct target *t)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;
	if (setgroups(0, NULL) < 0 || setresgid(t->gid, t->gid, t->gid) < 0 ||
	    setresuid(t->uid, t->uid, t->uid) < 0)
		return -errno;
	if (getresuid(&r, &e, &s) < 0 || getresgid(&rg, &eg, &sg) < 0 ||
	    r != t->uid || e != t->uid || s != t->uid || rg != t->gid || eg != t->gid || sg != t->gid)
		return -EPERM;
	if (t->uid != 0 && setuid(0) == 0)	/* must be impossible now */
		return -EPERM;
	return 0;
}

/* The ELF interpreter of an executable, so a dynamic helper can start. */
static int elf_interp(const char *path, char *out, size_t n)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ElfW(Ehdr) eh;
	int rc = -1;
	if (fd < 0)
		return -1;
	if (pread(fd, &eh, sizeof(eh), 0) == (ssize_t)sizeof(eh) && !memcmp(eh.e_ident, ELFMAG, SELFMAG) &&
	    eh.e_ident[EI_CLASS] == (sizeof(void *) == 8 ? ELFCLASS64 : ELFCLASS32) &&
	    eh.e_phentsize == sizeof(ElfW(Phdr)) && eh.e_phnum < 128) {
		for (unsigned i = 0; i < eh.e_phnum; i++) {
			ElfW(Phdr) ph;
			if (pread(fd, &ph, sizeof(ph), (off_t)(eh.e_phoff + i * sizeof(ph))) != (ssize_t)sizeof(ph))
				break;
			if (ph.p_type == PT_INTERP && ph.p_filesz > 1 && ph.p_filesz <= n &&
			    pread(fd, out, ph.p_filesz, (off_t)ph.p_offset) == (ssize_t)ph.p_filesz) {
				out[ph.p_filesz - 1] = '\0';
				rc = 0;
				break;
			}
		}
	}
	close(fd);
	return rc;
}

/* One path rule. 0, 1 when the path does not exist, or a negative errno. */
static int add_path(int ruleset, const char *path, uint64_t access, uint64_t handled)
{
	struct stat st;
	int fd = open(path, O_PATH | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT || errno == ENOTDIR ? 1 : -errno;
	if (fstat(fd, &st) == 0 && !S_ISDIR(st.st_mode))
		access &= FS_FILE_RIGHTS;
	struct nl_path_beneath_attr pb = { .allowed_access = access & handled, .parent_fd = fd };
	int rc = 0;
	if (pb.allowed_access &&
	    syscall(SYS_landlock_add_rule, ruleset, NL_RULE_PATH_BENEATH, &pb, 0) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

static int landlock_abi(void)
{
	long abi = syscall(SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
	return abi < 0 ? -errno : (int)abi;
}

static const char *landlock_why(int err)
{
	switch (-err) {
	case ENOSYS: return "Landlock is not in this kernel (Linux 5.13+ with CONFIG_SECURITY_LANDLOCK)";
	case EOPNOTSUPP: return "Landlock is built in but not enabled (add landlock to the lsm= boot parameter)";
	default: return "Landlock cannot be queried";
	}
}

/* The ruleset, built while the paths can still be opened (as root, before
 * the uid drop: logs/ is 0700 root). Returns its descriptor, or -1; *bad
 * is set when a rule the spec asked for could not be added. */
static int landlock_build(const struct sandbox_spec *spec, int abi, struct sandbox_report *rep, int *bad)
{
	struct nl_ruleset_attr attr = { 0, 0, 0 };
	size_t attr_size = sizeof(uint64_t);
	char interp[512];
	int rc;

	attr.handled_access_fs = FS_ABI1;
	if (abi >= 2)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		attr.handled_access_fs |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	if (abi >= 4) {
		attr.handled_access_net = LANDLOCK_ACCESS_NET_BIND_TCP | LANDLOCK_ACCESS_NET_CONNECT_TCP;
		attr_size = 2 * sizeof(uint64_t);
	}
	if (abi >= 6) {
		attr.scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET |
			      (spec->signal_children ? 0 : LANDLOCK_SCOPE_SIGNAL);
		attr_size = 3 * sizeof(uint64_t);
	}
	int rs = (int)syscall(SYS_landlock_create_ruleset, &attr, attr_size, 0);
	if (rs < 0) {
		missing(rep, "Landlock ruleset: %s", strerror(errno));
		return -1;
	}
	uint64_t h = attr.handled_access_fs;
	for (size_t i = 0; i < sizeof(builtin) / sizeof(builtin[0]); i++)
		if ((rc = add_path(rs, builtin[i].path, builtin[i].access, h)) < 0)
			missing(rep, "read rule for %s: %s", builtin[i].path, strerror(-rc));
	for (unsigned i = 0; i < spec->n_read && i < SANDBOX_MAX_READ; i++)
		if (spec->read_paths[i] && (rc = add_path(rs, spec->read_paths[i], R_TREE, h)) < 0)
			missing(rep, "read rule for %s: %s", spec->read_paths[i], strerror(-rc));
	for (unsigned i = 0; i < spec->n_read_fds && i < 2; i++) {
		struct nl_path_beneath_attr pb = { .allowed_access = R_TREE & h,
						   .parent_fd = spec->read_fds[i] };
		if (spec->read_fds[i] >= 0 &&
		    syscall(SYS_landlock_add_rule, rs, NL_RULE_PATH_BENEATH, &pb, 0) < 0)
			missing(rep, "read rule for a folder given open: %s", strerror(errno));
	}
	for (unsigned i = 0; i < spec->n_exec && i < SANDBOX_MAX_EXEC; i++) {
		const char *p = spec->exec_paths[i];
		if (!p || add_path(rs, p, RX_FILE, h) != 0)
			continue;
		if (elf_interp(p, interp, sizeof(interp)) == 0)
			add_path(rs, interp, RX_FILE, h);
	}
	for (unsigned i = 0; i < spec->n_write && i < SANDBOX_MAX_WRITE; i++) {
		if (!spec->write_paths[i])
			continue;
		rc = add_path(rs, spec->write_paths[i], RW_FILE, h);
		if (rc) {	/* never its folder instead: that would allow any file in it */
			missing(rep, "write rule for %s: %s", spec->write_paths[i],
				rc == 1 ? "it does not exist" : strerror(-rc));
			*bad = 1;
		}
	}
	for (unsigned i = 0; abi >= 4 && i < spec->n_tcp_connect && i < 4; i++) {
		struct nl_net_port_attr np = { LANDLOCK_ACCESS_NET_CONNECT_TCP, spec->tcp_connect_ports[i] };
		if (syscall(SYS_landlock_add_rule, rs, NL_RULE_NET_PORT, &np, 0) < 0) {
			missing(rep, "TCP port %u rule: %s", spec->tcp_connect_ports[i], strerror(errno));
			*bad = 1;
		}
	}
	return rs;
}

/* Enters the ruleset's domain (after no-new-privs) and closes it. */
static int landlock_enforce(int rs, int abi, struct sandbox_report *rep)
{
	if (syscall(SYS_landlock_restrict_self, rs, 0) < 0) {
		missing(rep, "Landlock restrict_self: %s", strerror(errno));
		close(rs);
		return -1;
	}
	close(rs);
	rep->landlock_used = abi;
	rep->landlock_fs = 1;
	rep->landlock_net = abi >= 4;
	rep->landlock_scope = abi >= 6 ? 2 : 0;
	return 0;
}

int sandbox_minimal(struct sandbox_report *rep)
{
	int rc = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ? -errno : 0;
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (rep) {
		memset(rep, 0, sizeof(*rep));
		rep->no_new_privs = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1;
		rep->uid = getuid();
		rep->gid = getgid();
		rep->landlock_abi = landlock_abi();
		snprintf(rep->text, sizeof(rep->text), "off (--no-sandbox)%s",
			 rep->no_new_privs ? ", no-new-privs" : "");
	}
	return rc;
}

int sandbox_apply(const struct sandbox_spec *spec, struct sandbox_report *rep)
{
	struct target t;
	int failed = 0;

	memset(rep, 0, sizeof(*rep));
	rep->landlock_abi = landlock_abi();
	int abi = rep->landlock_abi;
	if (abi > 0 && spec->max_abi > 0 && spec->max_abi < abi)
		abi = spec->max_abi;
	find_target(spec, &t);

	/* What can be known before anything changes. */
	if (abi <= 0)
		missing(rep, "%s", landlock_why(abi));
	else if (abi < 4)
		missing(rep, "TCP bind/connect cannot be denied: Landlock ABI %d%s (needs 4, Linux 6.7)",
			abi, abi < rep->landlock_abi ? " as asked" : "");
	for (unsigned i = 0; i < spec->n_write && i < SANDBOX_MAX_WRITE; i++)
		if (spec->write_paths[i] && access(spec->write_paths[i], F_OK) < 0)
			missing(rep, "%s does not exist, so it cannot be the only file written",
				spec->write_paths[i]);
	if (spec->strict && rep->missing[0]) {
		snprintf(rep->text, sizeof(rep->text), "not applied (--sandbox-strict)");
		return -1;
	}

	if (spec->proc_broker) {
		int rc = priv_broker_start(t.uid, t.gid);
		if (rc < 0)
			missing(rep, "no /proc helper (%s): processes are not attributed", strerror(-rc));
		else
			rep->broker_pid = rc;
	}
	if (t.drop && t.user)
		give_outputs(spec, &t);
	int rs = -1;
	if (abi > 0 && (rs = landlock_build(spec, abi, rep, &failed)) < 0)
		failed = 1;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		missing(rep, "no-new-privs: %s", strerror(errno));
	rep->no_new_privs = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1;
	failed |= !rep->no_new_privs;
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);	/* nobody may ptrace off the capture socket */

	bounding_clear();	/* best effort: with no-new-privs nothing refills the sets */
	if (!t.drop && geteuid() == 0)	/* still root: being uid 0 grants nothing again */
		prctl(PR_SET_SECUREBITS, SECBIT_NOROOT | SECBIT_NOROOT_LOCKED | SECBIT_NO_SETUID_FIXUP |
		      SECBIT_NO_SETUID_FIXUP_LOCKED | SECBIT_KEEP_CAPS_LOCKED |
		      SECBIT_NO_CAP_AMBIENT_RAISE | SECBIT_NO_CAP_AMBIENT_RAISE_LOCKED, 0, 0, 0);
	if (t.drop) {
		int rc = set_ids(&t);
		if (rc < 0) {
			missing(rep, "uid %u (%s): %s", (unsigned)t.uid, t.why, strerror(-rc));
			failed = 1;
		} else {
			rep->uid_dropped = 1;
		}
	}
	rep->uid = getuid();
	rep->gid = getgid();

	int rc = caps_clear();
	uint64_t eff, prm, inh;
	caps_read(&eff, &prm, &inh);
	rep->caps_dropped = rc == 0 && !eff && !prm && !inh;
	if (!rep->caps_dropped) {
		missing(rep, "capabilities still held (effective %#llx)", (unsigned long long)eff);
		failed = 1;
	}

	if (rs >= 0 && landlock_enforce(rs, abi, rep) < 0)
		failed = 1;
	if (rep->landlock_scope && spec->signal_children)
		rep->landlock_scope = 1;	/* sockets only */
	if (abi < 4)	/* none, or no TCP rules */
		failed = 1;

	/* The one line for the UI and the summary. */
	char *x = rep->text;
	size_t n = sizeof(rep->text);
	x[0] = '\0';
	if (rep->landlock_fs)
		addf(x, n, "landlock v%d (fs%s%s)", rep->landlock_used, rep->landlock_net ? ", tcp" : "",
		     rep->landlock_scope == 2 ? ", scope" : rep->landlock_scope ? ", scope: sockets" : "");
	else
		addf(x, n, "no landlock");
	addf(x, n, ", %s", rep->caps_dropped ? "no capabilities" : "capabilities kept");
	if (rep->no_new_privs)
		addf(x, n, ", no-new-privs");
	addf(x, n, ", uid %u (%s)", (unsigned)rep->uid, t.drop && !rep->uid_dropped ? "drop failed" : t.why);
	if (rep->broker_pid > 0)
		addf(x, n, ", /proc helper");
	if (rep->missing[0])
		addf(x, n, "; partial");
	return spec->strict && failed ? -1 : 0;
}
