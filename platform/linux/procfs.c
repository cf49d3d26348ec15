/*
 * procfs.c - socket owners and process details from /proc.
 *
 * /proc/net/{tcp,udp,icmp}{,6} give each socket's addresses and inode; every
 * /proc/<pid>/fd/<n> that links to "socket:[inode]" gives its owner. The
 * second walk is the expensive part (one readlink per open descriptor on
 * the machine), so callers run it only when a flow has no owner yet, and
 * at most every few seconds (core/owners.c), and it is incremental:
 *  - owners found by earlier scans are kept (by inode, while the socket is
 *    in the tables and its process lives) and not looked for again;
 *  - sockets a complete walk found no owner for (kernel sockets, other
 *    users' processes we cannot read) are not looked for again either;
 *  - only when some socket is new is /proc walked, newest process first
 *    (a new socket is most likely a new program's), stopping as soon as
 *    every new socket has its owner.
 * The measured cost is in doc/performance.md ("Process attribution").
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#include "platform/platform.h"

#define MAX_SOCKETS 262144	/* a bound on what one scan holds */

struct sock_row {
	unsigned long inode;
	struct sock_owner o;
	int want;		/* its owner is looked for in /proc/<pid>/fd */
};

struct rows {
	struct sock_row *v;
	size_t n, cap;
};

static uint64_t now_us(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
}

/* "0100007F:0035" (address words in host order, port in hex). */
static int parse_endpoint(const char *s, int v6, uint8_t *addr, uint16_t *port)
{
	int words = v6 ? 4 : 1;
	for (int w = 0; w < words; w++) {
		char hex[9];
		memcpy(hex, s + 8 * w, 8);
		hex[8] = 0;
		for (int i = 0; i < 8; i++)
			if (!isxdigit((unsigned char)hex[i]))
				return -1;
		uint32_t word = (uint32_t)strtoul(hex, NULL, 16);
		memcpy(addr + 4 * w, &word, 4);	/* the kernel printed it in host order */
	}
	const char *colon = s + 8 * words;
	if (*colon != ':')
		return -1;
	char *end;
	unsigned long p = strtoul(colon + 1, &end, 16);
	if (end == colon + 1 || p > 65535)
		return -1;
	*port = (uint16_t)p;
	return 0;
}

static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

static void read_table(struct rows *r, const char *path, uint8_t proto, int v6)
{
	FILE *fp = fopen(path, "re");
	if (!fp)
		return;
	/* Each read() of these files walks the kernel's socket hash from where
	 * the previous one stopped: fewer, larger reads cost less (4 000 UDP
	 * sockets: about a third less with 64 KiB than with stdio's 4 KiB). */
	static char big[65536];
	setvbuf(fp, big, _IOFBF, sizeof(big));
	char line[512];
	if (!fgets(line, sizeof(line), fp)) {	/* header */
		fclose(fp);
		return;
	}
	while (fgets(line, sizeof(line), fp)) {
		char local[64], remote[64];
		unsigned st, uid;
		unsigned long inode;
		if (sscanf(line, " %*d: %63s %63s %x %*s %*s %*s %u %*d %lu", local, remote, &st, &uid,
			   &inode) != 5 || inode == 0)
			continue;
		struct sock_row row;
		memset(&row, 0, sizeof(row));
		row.inode = inode;
		row.o.proto = proto;
		row.o.family = v6 ? 6 : 4;
		row.o.uid = uid;
		row.o.method = OWNER_PROCFS;
		if (parse_endpoint(local, v6, row.o.local, &row.o.lport) < 0 ||
		    parse_endpoint(remote, v6, row.o.remote, &row.o.rport) < 0)
			continue;
		/* A v4-mapped IPv6 socket carries IPv4 packets: report it as one. */
		if (v6 && !memcmp(row.o.local, v4mapped, 12)) {
			uint8_t l4[4], r4[4] = { 0, 0, 0, 0 };
			memcpy(l4, row.o.local + 12, 4);
			if (!memcmp(row.o.remote, v4mapped, 12))
				memcpy(r4, row.o.remote + 12, 4);
			memset(row.o.local, 0, 16);
			memset(row.o.remote, 0, 16);
			memcpy(row.o.local, l4, 4);
			memcpy(row.o.remote, r4, 4);
			row.o.family = 4;
		}
		if (r->n == r->cap) {
			if (r->cap >= MAX_SOCKETS)
				break;
			size_t cap = r->cap ? r->cap * 2 : 256;
			struct sock_row *v = realloc(r->v, cap * sizeof(*v));
			if (!v)
				break;
			r->v = v;
			r->cap = cap;
		}
		r->v[r->n++] = row;
	}
	fclose(fp);
}

static int cmp_inode(const void *a, const void *b)
{
	unsigned long x = ((const struct sock_row *)a)->inode, y = ((const struct sock_row *)b)->inode;
	return (x > y) - (x < y);
}

static struct sock_row *find(struct rows *r, unsigned long inode)
{
	size_t lo = 0, hi = r->n;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (r->v[mid].inode < inode)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < r->n && r->v[lo].inode == inode ? &r->v[lo] : NULL;
}

/* ---- what earlier scans learnt ------------------------------------------------ */

struct known {
	unsigned long inode;
	uint32_t pid;		/* 0: a complete walk found no owner */
	char comm[16];
	uint64_t start;
};

static struct known *known;	/* sorted by inode; only sockets in the latest tables */
static size_t n_known;

static const struct known *known_find(unsigned long inode)
{
	size_t lo = 0, hi = n_known;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (known[mid].inode < inode)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n_known && known[lo].inode == inode ? &known[lo] : NULL;
}

static int pid_alive(uint32_t pid)
{
	char path[32];
	snprintf(path, sizeof(path), "/proc/%u", pid);
	return access(path, F_OK) == 0;
}

static int cmp_pid_desc(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x < y) - (x > y);
}

/* Every pid under /proc, newest (highest) first. NULL when /proc cannot be
 * read. Bounded by the kernel's pid_max (4 Mi at most). */
static uint32_t *pids_newest_first(size_t *n)
{
	DIR *proc = opendir("/proc");
	if (!proc)
		return NULL;
	size_t cap = 1024;
	uint32_t *v = malloc(cap * sizeof(*v));
	*n = 0;
	struct dirent *de;
	while (v && (de = readdir(proc))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (*n == cap) {
			uint32_t *t = cap < (1u << 22) ? realloc(v, cap * 2 * sizeof(*v)) : NULL;
			if (!t)
				break;
			v = t;
			cap *= 2;
		}
		v[(*n)++] = (uint32_t)strtoul(de->d_name, NULL, 10);
	}
	closedir(proc);
	if (v)
		qsort(v, *n, sizeof(*v), cmp_pid_desc);
	return v;
}

static void read_comm(uint32_t pid, char *out, size_t n);

/* Gives each row without an owner the process holding its inode, walking
 * /proc newest first until none is left. Returns 1 when the walk went
 * through every process (rows still without owner have none to find). */
static int walk_fds(struct rows *r, size_t wanted)
{
	size_t n_pids = 0;
	uint32_t *pids = pids_newest_first(&n_pids);
	if (!pids)
		return 0;
	size_t i;
	for (i = 0; i < n_pids && wanted; i++) {
		uint32_t pid = pids[i];
		char path[64];
		snprintf(path, sizeof(path), "/proc/%u/fd", pid);
		DIR *fds = opendir(path);
		if (!fds)
			continue;	/* gone, or not ours to read */
		char comm[16] = "";
		uint64_t start = 0;
		struct dirent *fe;
		while (wanted && (fe = readdir(fds))) {
			if (fe->d_name[0] == '.')
				continue;
			char target[64];
			ssize_t l = readlinkat(dirfd(fds), fe->d_name, target, sizeof(target) - 1);
			if (l < 9 || memcmp(target, "socket:[", 8))
				continue;
			target[l] = '\0';
			struct sock_row *row = find(r, strtoul(target + 8, NULL, 10));
			if (!row || !row->want || row->o.pid)
				continue;	/* not IP, known, or owned (shared after fork) */
			if (!comm[0]) {
				read_comm(pid, comm, sizeof(comm));
				start = platform_proc_start(pid);
			}
			row->o.pid = pid;
			row->o.start = start;
			memcpy(row->o.comm, comm, sizeof(row->o.comm));
			wanted--;
		}
		closedir(fds);
	}
	free(pids);
	return i == n_pids;
}

/* Remembers this scan's answers for the next (the sockets now in the
 * tables only, so it never outgrows them). */
static void remember(const struct rows *r, int walked_all)
{
	struct known *v = r->n ? malloc(r->n * sizeof(*v)) : NULL;
	size_t n = 0;
	for (size_t i = 0; v && i < r->n; i++) {
		const struct sock_row *row = &r->v[i];
		const struct known *old = known_find(row->inode);
		if (!row->o.pid && !walked_all && !(old && !old->pid))
			continue;	/* not looked for everywhere: look next time */
		v[n].inode = row->inode;
		v[n].pid = row->o.pid;
		v[n].start = row->o.start;
		memcpy(v[n].comm, row->o.comm, sizeof(v[n].comm));
		n++;
	}
	free(known);
	known = v;
	n_known = n;	/* rows were sorted by inode: so is v */
}

static void procfs_forget(void)
{
	free(known);
	known = NULL;
	n_known = 0;
}

/* One read of /proc/PID/NAME into buf (these files come whole in one):
 * the bytes read, or -1. */
static ssize_t read_proc_file(uint32_t pid, const char *name, char *buf, size_t len)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%u/%s", pid, name);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	ssize_t l = read(fd, buf, len);
	close(fd);
	return l;
}

static void read_comm(uint32_t pid, char *out, size_t n)
{
	ssize_t l = read_proc_file(pid, "comm", out, n - 1);
	if (l <= 0) {
		out[0] = '\0';
		return;
	}
	out[l] = '\0';
	char *nl = strchr(out, '\n');
	if (nl)
		*nl = '\0';
}

uint64_t proc_stat_start(const char *stat, size_t n)
{
	/* "PID (COMM) STATE PPID ...": COMM may hold spaces and ')', so the
	 * fields are counted from the last ')'; STATE is field 3. */
	const char *p = n ? memrchr(stat, ')', n) : NULL;
	if (!p)
		return 0;
	p++;
	const char *end = stat + n;
	for (int field = 3; field < 22; field++) {
		while (p < end && *p == ' ')
			p++;
		while (p < end && *p != ' ')
			p++;
	}
	while (p < end && *p == ' ')
		p++;
	uint64_t v = 0;
	int digits = 0;	/* at most 19: no overflow (clock ticks since boot need 12) */
	for (; p < end && *p >= '0' && *p <= '9' && digits < 19; p++, digits++)
		v = v * 10 + (uint64_t)(*p - '0');
	return digits && (p == end || *p == ' ') ? v : 0;
}

/* comm and ppid of a /proc/PID/stat line ("PID (COMM) STATE PPID ..."). */
static int proc_stat_parent(const char *stat, size_t n, char *comm, size_t commlen, uint32_t *ppid)
{
	const char *lp = memchr(stat, '(', n), *rp = n ? memrchr(stat, ')', n) : NULL;
	if (!lp || !rp || rp < lp)
		return -1;
	size_t cl = (size_t)(rp - lp - 1);
	if (cl >= commlen)
		cl = commlen - 1;
	memcpy(comm, lp + 1, cl);
	comm[cl] = '\0';
	const char *p = rp + 1, *end = stat + n;
	while (p < end && *p == ' ')
		p++;
	while (p < end && *p != ' ')	/* the state */
		p++;
	unsigned long v = 0;
	int digits = 0;
	for (; p < end && *p == ' '; p++)
		;
	for (; p < end && *p >= '0' && *p <= '9' && digits < 10; p++, digits++)
		v = v * 10 + (unsigned long)(*p - '0');
	if (!digits || v > UINT32_MAX)
		return -1;
	*ppid = (uint32_t)v;
	return 0;
}

/* The parent, grandparent ... (PROC_ANCESTORS_MAX at most), each with its
 * name and start: RustNet's process lineage. */
static void read_ancestors(struct proc_info *info)
{
	uint32_t pid = info->ppid;
	char buf[1024];
	info->n_ancestors = 0;
	while (pid && info->n_ancestors < PROC_ANCESTORS_MAX) {
		ssize_t l = read_proc_file(pid, "stat", buf, sizeof(buf));
		struct proc_ancestor *a = &info->ancestors[info->n_ancestors];
		uint32_t parent;
		if (l <= 0 || proc_stat_parent(buf, (size_t)l, a->name, sizeof(a->name), &parent) < 0)
			return;
		a->pid = pid;
		a->start = proc_stat_start(buf, (size_t)l);
		info->n_ancestors++;
		pid = parent;
	}
	info->ancestors_truncated = pid != 0;
}

uint64_t platform_start_unix_ms(uint64_t ticks)
{
	static uint64_t btime_s;	/* read once: the boot does not move */
	static long hz;
	if (!ticks)
		return 0;
	if (!btime_s) {
		char line[128];
		FILE *fp = fopen("/proc/stat", "re");
		while (fp && fgets(line, sizeof(line), fp))
			if (!strncmp(line, "btime ", 6)) {
				btime_s = strtoull(line + 6, NULL, 10);
				break;
			}
		if (fp)
			fclose(fp);
		hz = sysconf(_SC_CLK_TCK);
	}
	if (!btime_s || hz <= 0)
		return 0;
	return btime_s * 1000u + ticks * 1000u / (uint64_t)hz;
}

uint64_t platform_proc_start(uint32_t pid)
{
	char buf[1024];
	ssize_t l = read_proc_file(pid, "stat", buf, sizeof(buf));
	return l > 0 ? proc_stat_start(buf, (size_t)l) : 0;
}

int platform_socket_owners(sock_owner_fn fn, void *ctx, uint64_t *cost_us)
{
	uint64_t t0 = now_us();
	struct rows r = { NULL, 0, 0 };
	read_table(&r, "/proc/net/tcp", 6, 0);
	read_table(&r, "/proc/net/tcp6", 6, 1);
	read_table(&r, "/proc/net/udp", 17, 0);
	read_table(&r, "/proc/net/udp6", 17, 1);
	/* Datagram ICMP sockets (unprivileged ping): the port is the echo
	 * identifier. Raw sockets (/proc/net/raw) are not listed: their
	 * identifier is the program's choice. */
	read_table(&r, "/proc/net/icmp", 1, 0);
	read_table(&r, "/proc/net/icmp6", 58, 1);
	int reported = 0;
	if (!r.n) {
		procfs_forget();
		goto out;
	}
	qsort(r.v, r.n, sizeof(*r.v), cmp_inode);

	/* What earlier scans found still holds while the process lives. */
	size_t wanted = 0;
	uint32_t last_pid = 0;
	int last_alive = 0;	/* a process's sockets have neighbouring inodes: check it once */
	for (size_t i = 0; i < r.n; i++) {
		const struct known *k = known_find(r.v[i].inode);
		if (k && k->pid && k->pid != last_pid) {
			last_pid = k->pid;
			last_alive = pid_alive(k->pid);
		}
		if (k && k->pid && last_alive) {
			r.v[i].o.pid = k->pid;
			r.v[i].o.start = k->start;
			memcpy(r.v[i].o.comm, k->comm, sizeof(r.v[i].o.comm));
		} else if (!k || k->pid) {
			r.v[i].want = 1;	/* new, or its owner exited (passed on?) */
			wanted++;
		}
	}
	int walked_all = 1;
	if (wanted)
		walked_all = walk_fds(&r, wanted);
	remember(&r, walked_all || !wanted);
	for (size_t i = 0; i < r.n; i++)
		if (r.v[i].o.pid) {
			fn(ctx, &r.v[i].o);
			reported++;
		}
out:
	free(r.v);
	if (cost_us)
		*cost_us = now_us() - t0;
	return reported;
}

static void basename_of(const char *path, char *out, size_t n)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	size_t l = strnlen(b, n - 1);
	memcpy(out, b, l);
	out[l] = '\0';
	/* A replaced binary reads "/usr/bin/foo (deleted)". */
	char *del = strstr(out, " (deleted)");
	if (del)
		*del = '\0';
}

int platform_proc_read_cgroup;

int proc_cgroup_kubepods(const char *text, size_t n, char *out, size_t outlen)
{
	const char *p = text, *end = text + n;
	if (!outlen)
		return 0;
	out[0] = '\0';
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		/* "hierarchy:controllers:path" */
		const char *c1 = memchr(p, ':', (size_t)(le - p));
		const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(le - c1 - 1)) : NULL;
		if (c2 && memmem(c2 + 1, (size_t)(le - c2 - 1), "kubepods", 8)) {
			const char *path = c2 + 1;
			size_t len = (size_t)(le - path);
			if (len > outlen - 1) {
				path += len - (outlen - 1);
				len = outlen - 1;
			}
			memcpy(out, path, len);
			out[len] = '\0';
			return 1;
		}
		p = le + 1;
	}
	return 0;
}

static void read_cgroup(uint32_t pid, struct proc_info *info)
{
	char buf[4096];
	ssize_t n = read_proc_file(pid, "cgroup", buf, sizeof(buf));
	if (n > 0)
		proc_cgroup_kubepods(buf, (size_t)n, info->cgroup, sizeof(info->cgroup));
}

int platform_proc_info(uint32_t pid, struct proc_info *info)
{
	char path[64], buf[512];
	memset(info, 0, sizeof(*info));
	info->pid = pid;
	info->gid = OWNER_UID_UNKNOWN;
	/* The start before and after: the same process throughout, or no answer. */
	const uint64_t start = platform_proc_start(pid);
	snprintf(path, sizeof(path), "/proc/%u/status", pid);
	FILE *fp = fopen(path, "re");
	if (!fp)
		return -1;
	while (fgets(buf, sizeof(buf), fp)) {
		if (!strncmp(buf, "PPid:", 5))
			info->ppid = (uint32_t)strtoul(buf + 5, NULL, 10);
		else if (!strncmp(buf, "Uid:", 4))
			info->uid = (uint32_t)strtoul(buf + 4, NULL, 10);
		else if (!strncmp(buf, "Gid:", 4))
			info->gid = (uint32_t)strtoul(buf + 4, NULL, 10);
	}
	fclose(fp);
	snprintf(path, sizeof(path), "/proc/%u/exe", pid);
	ssize_t l = readlink(path, info->exe, sizeof(info->exe) - 1);
	info->exe[l > 0 ? l : 0] = '\0';
	/* The executable's name, not the 16-byte thread name ("Socket Thread"). */
	if (info->exe[0])
		basename_of(info->exe, info->name, sizeof(info->name));
	else
		read_comm(pid, info->name, sizeof(info->name));
	ssize_t n = read_proc_file(pid, "cmdline", info->cmdline, sizeof(info->cmdline) - 1);
	if (n > 0) {
		for (ssize_t i = 0; i < n; i++)
			if (info->cmdline[i] == '\0')
				info->cmdline[i] = ' ';
		while (n > 0 && info->cmdline[n - 1] == ' ')
			n--;
		info->cmdline[n] = '\0';
	}
	if (platform_proc_read_cgroup)
		read_cgroup(pid, info);
	read_ancestors(info);
	if (platform_proc_start(pid) != start)
		return -1;	/* the pid changed hands while it was read */
	info->start = start;
	return info->name[0] ? 0 : -1;
}
