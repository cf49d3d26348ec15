/*
 * test_platform.c - the Linux platform's interface counters and local
 * addresses against the kernel:
 *  - platform_iface_stats() (one rtnetlink dump) lists the interfaces
 *    /sys/class/net lists, each counter between two sysfs reads taken
 *    before and after it;
 *  - in a network namespace of its own (each test is a forked process),
 *    datagrams sent over lo show up exactly in lo's counters;
 *  - local addresses follow rtnetlink events: an address added to lo makes
 *    local_addrs_fd() readable, and local_addrs_changed() then knows it;
 *    removed, it is forgotten;
 *  - the procfs owner scan is incremental: 200 processes holding 20 UDP
 *    sockets each are all found by a first scan, found again by a second
 *    that walks nothing, a new process's socket is found by a third, and a
 *    dead process's sockets are gone from a fourth. The costs are printed
 *    (doc/performance.md quotes them);
 *  - a cgroup id is named by the path of the kubepods folder whose inode
 *    it is (a folder tree stands in for cgroupfs).
 * The namespace tests need CAP_SYS_ADMIN and `ip`; without them they
 * return early (the sysfs comparison runs anywhere).
 */
#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "platform/platform.h"

#define MAX_IF 256

static uint64_t sys_counter(const char *ifname, const char *name)
{
	char path[256], buf[32];
	snprintf(path, sizeof(path), "/sys/class/net/%s/statistics/%s", ifname, name);
	FILE *fp = fopen(path, "re");
	if (!fp)
		return UINT64_MAX;
	uint64_t v = fgets(buf, sizeof(buf), fp) ? strtoull(buf, NULL, 10) : UINT64_MAX;
	fclose(fp);
	return v;
}

struct sys_row {
	char name[32];
	uint64_t v[9];
};

static const char *const counter_names[9] = {
	"rx_bytes", "rx_packets", "rx_errors", "rx_dropped", "tx_bytes",
	"tx_packets", "tx_errors", "tx_dropped", "collisions",
};

static void stat_values(const struct iface_stat *s, uint64_t v[9])
{
	v[0] = s->rx_bytes; v[1] = s->rx_packets; v[2] = s->rx_errors; v[3] = s->rx_drops;
	v[4] = s->tx_bytes; v[5] = s->tx_packets; v[6] = s->tx_errors; v[7] = s->tx_drops;
	v[8] = s->collisions;
}

static int sys_rows(struct sys_row *rows, int max)
{
	DIR *d = opendir("/sys/class/net");
	ck_assert_ptr_nonnull(d);
	int n = 0;
	struct dirent *de;
	while (n < max && (de = readdir(d))) {
		if (de->d_name[0] == '.' || sys_counter(de->d_name, "rx_bytes") == UINT64_MAX)
			continue;
		size_t l = strnlen(de->d_name, sizeof(rows[n].name) - 1);	/* IFNAMSIZ fits */
		memcpy(rows[n].name, de->d_name, l);
		rows[n].name[l] = '\0';
		for (int k = 0; k < 9; k++)
			rows[n].v[k] = sys_counter(de->d_name, counter_names[k]);
		n++;
	}
	closedir(d);
	return n;
}

static const struct sys_row *sys_find(const struct sys_row *rows, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(rows[i].name, name))
			return &rows[i];
	return NULL;
}

START_TEST(iface_stats_match_sysfs)
{
	static struct sys_row before[MAX_IF], after[MAX_IF];
	static struct iface_stat got[MAX_IF];
	int nb = sys_rows(before, MAX_IF);
	int n = platform_iface_stats(got, MAX_IF);
	int na = sys_rows(after, MAX_IF);
	ck_assert_int_ge(n, 1);
	ck_assert_int_eq(n, na);	/* every interface, none twice */
	for (int i = 0; i < n; i++) {
		const struct sys_row *b = sys_find(before, nb, got[i].name);
		const struct sys_row *a = sys_find(after, na, got[i].name);
		ck_assert_msg(a != NULL && b != NULL, "%s is not in /sys/class/net", got[i].name);
		uint64_t v[9];
		stat_values(&got[i], v);
		for (int k = 0; k < 9; k++)
			ck_assert_msg(b->v[k] <= v[k] && v[k] <= a->v[k], "%s %s: %llu, sysfs %llu..%llu",
				      got[i].name, counter_names[k], (unsigned long long)v[k],
				      (unsigned long long)b->v[k], (unsigned long long)a->v[k]);
	}
	ck_assert_int_eq(platform_iface_stats(got, 0), 0);
	if (n > 1)	/* a short array is filled, not overrun */
		ck_assert_int_eq(platform_iface_stats(got, 1), 1);
}
END_TEST

/* A network namespace of this (forked) test process with lo up; 0 when
 * the machine does not allow it. */
static int own_netns(void)
{
	if (unshare(CLONE_NEWNET) < 0)
		return 0;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_ge(fd, 0);
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	ifr.ifr_flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING;
	ck_assert_int_eq(ioctl(fd, SIOCSIFFLAGS, &ifr), 0);
	close(fd);
	return 1;
}

static const struct iface_stat *find_if(const struct iface_stat *v, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	return NULL;
}

START_TEST(iface_stats_count_lo_exactly)
{
	if (!own_netns()) {
		fprintf(stderr, "# skipped: no network namespace of our own here (unshare)\n");
		return;
	}
	struct iface_stat s0[8], s1[8];
	int n0 = platform_iface_stats(s0, 8);
	const struct iface_stat *a = find_if(s0, n0, "lo");
	ck_assert_ptr_nonnull(a);
	int rx = socket(AF_INET, SOCK_DGRAM, 0), tx = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);
	ck_assert_int_eq(bind(rx, (struct sockaddr *)&sa, sizeof(sa)), 0);	/* no ICMP errors */
	ck_assert_int_eq(getsockname(rx, (struct sockaddr *)&sa, &sl), 0);
	char payload[100] = { 0 };
	for (int i = 0; i < 7; i++)
		ck_assert_int_eq(sendto(tx, payload, sizeof(payload), 0, (struct sockaddr *)&sa,
					sizeof(sa)), (ssize_t)sizeof(payload));
	int n1 = platform_iface_stats(s1, 8);
	const struct iface_stat *b = find_if(s1, n1, "lo");
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(b->tx_packets - a->tx_packets, 7);
	ck_assert_uint_eq(b->rx_packets - a->rx_packets, 7);
	/* lo counts from the IP header (its Ethernet header is pulled): 20 + 8 + 100 */
	ck_assert_uint_eq(b->tx_bytes - a->tx_bytes, 7 * 128);
	ck_assert_uint_eq(b->rx_bytes - a->rx_bytes, 7 * 128);
	ck_assert_uint_eq(b->rx_errors + b->tx_errors + b->collisions, 0);
	close(rx);
	close(tx);
}
END_TEST

/* Waits up to 2 s for the address-event descriptor; the caller re-reads. */
static int wait_event(const struct local_addrs *la)
{
	struct pollfd p = { .fd = local_addrs_fd(la), .events = POLLIN };
	return poll(&p, 1, 2000) == 1;
}

START_TEST(local_addrs_follow_events)
{
	if (!own_netns() || system("ip -V >/dev/null 2>&1") != 0) {
		fprintf(stderr, "# skipped: needs unshare(CLONE_NEWNET) and ip\n");
		return;
	}
	struct local_addrs *la = local_addrs_new();
	ck_assert_ptr_nonnull(la);
	ck_assert_int_ge(local_addrs_fd(la), 0);	/* events, not polling */
	uint8_t a4[4] = { 10, 99, 0, 1 }, a6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7 };
	ck_assert_int_eq(local_addrs_contains(la, 4, a4), 0);
	ck_assert_int_eq(system("ip addr add 10.99.0.1/32 dev lo && "
				"ip addr add fd00::7/128 dev lo nodad"), 0);
	ck_assert_msg(wait_event(la), "no netlink event for the new address");
	local_addrs_changed(la);
	for (int i = 0; i < 20 && !local_addrs_contains(la, 6, a6); i++) {	/* two events */
		wait_event(la);
		local_addrs_changed(la);
	}
	ck_assert_int_eq(local_addrs_contains(la, 4, a4), 1);
	ck_assert_int_eq(local_addrs_contains(la, 6, a6), 1);
	ck_assert_int_eq(system("ip addr del 10.99.0.1/32 dev lo"), 0);
	ck_assert_msg(wait_event(la), "no netlink event for the removed address");
	local_addrs_changed(la);
	ck_assert_int_eq(local_addrs_contains(la, 4, a4), 0);
	local_addrs_free(la);
}
END_TEST

/* ---- procfs owner scans ----------------------------------------------------- */

#define SCAN_PROCS 200
#define SCAN_SOCKS 20

struct scan_seen {
	uint32_t n_by[SCAN_PROCS + 1];	/* sockets reported per child (last: the late one) */
	pid_t pids[SCAN_PROCS + 1];
	uint16_t ports[SCAN_PROCS + 1][SCAN_SOCKS];
	uint64_t start[SCAN_PROCS + 1];	/* the start reported for each child (0: none yet) */
	int wrong;			/* a child's port reported with another pid */
	int start_wrong;		/* ... with no start, or two starts for one child */
};

/* Cheap, as it runs inside the timed scan: port -> child + 1. */
static uint16_t child_of_port[65536];

static void on_scan(void *ctx, const struct sock_owner *o)
{
	struct scan_seen *s = ctx;
	if (o->proto != 17 || o->family != 4 || !child_of_port[o->lport])
		return;
	int c = child_of_port[o->lport] - 1;
	if (s->pids[c] && (pid_t)o->pid == s->pids[c])
		s->n_by[c]++;
	else
		s->wrong++;
	if (!o->start || (s->start[c] && s->start[c] != o->start))
		s->start_wrong++;
	s->start[c] = o->start;
}

/* Our own start, from /proc/<pid>/stat. */
static uint64_t own_start(void)
{
	uint64_t v = platform_proc_start((uint32_t)getpid());
	ck_assert_uint_gt(v, 0);
	return v;
}

/* Field 22 of /proc/PID/stat, whatever the program calls itself. */
START_TEST(proc_stat_start_parses)
{
	static const struct {
		const char *stat;
		uint64_t start;
	} v[] = {
		{ "1234 (curl) S 1 1234 1234 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 "
		  "987654 1000 100 18446744073709551615 1 1 0 0 0 0 0 0 0 17 1 0 0 0 0 0\n", 987654 },
		/* A name holding ") S 1 2" and spaces: fields count from the last ')'. */
		{ "77 (a) S 1 2 (b)) R 5 77 77 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 4242 0 0\n", 4242 },
		{ "77 (x) S 1 77 77 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 4242", 4242 },	/* no newline */
		{ "77 (x) S 1 77 77 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0", 0 },	/* cut before it */
		{ "77 (x) S 1 77 77 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 12ab 0", 0 },	/* not a number */
		{ "77 (x) S 1 77 77 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99999999999999999999999 0", 0 },
		{ "77 (x) S 1 77 77 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 99999999999999999999 0", 0 },	/* 20 digits */
		{ "77 (x) S 1 77 77 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 9999999999999999999 0", 9999999999999999999ull },
		{ "77 x S 1 77 77 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 4242 0", 0 },	/* no ')' */
		{ "", 0 },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		ck_assert_msg(proc_stat_start(v[i].stat, strlen(v[i].stat)) == v[i].start,
			      "vector %zu", i);
	/* a process's details carry the start they were read under */
	struct proc_info pi;
	ck_assert_int_eq(platform_proc_info((uint32_t)getpid(), &pi), 0);
	ck_assert_uint_eq(pi.start, own_start());
}
END_TEST

/* A child holding n bound UDP sockets until killed; their ports into ports. */
static pid_t socket_holder(int n, uint16_t *ports)
{
	int p[2];
	ck_assert_int_eq(pipe(p), 0);
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(p[0]);
		for (int k = 0; k < n; k++) {
			int fd = socket(AF_INET, SOCK_DGRAM, 0);
			struct sockaddr_in sa = { .sin_family = AF_INET,
						  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
			socklen_t sl = sizeof(sa);
			if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
			    getsockname(fd, (struct sockaddr *)&sa, &sl) < 0)
				_exit(1);
			uint16_t port = ntohs(sa.sin_port);
			if (write(p[1], &port, sizeof(port)) != sizeof(port))
				_exit(1);
		}
		close(p[1]);
		pause();
		_exit(0);
	}
	close(p[1]);
	for (int k = 0; k < n; k++)
		ck_assert_int_eq(read(p[0], &ports[k], sizeof(ports[k])), (ssize_t)sizeof(ports[k]));
	close(p[0]);
	return pid;
}

static double scan(struct scan_seen *s)
{
	memset(s->n_by, 0, sizeof(s->n_by));
	s->wrong = 0;
	s->start_wrong = 0;
	uint64_t cost = 0;
	ck_assert_int_ge(platform_socket_owners(on_scan, s, &cost), 0);
	return cost / 1000.0;
}

START_TEST(procfs_scan_incremental)
{
	if (geteuid() != 0) {	/* other users' /proc/<pid>/fd: root only */
		fprintf(stderr, "# skipped: not root\n");
		return;
	}
	static struct scan_seen s;
	memset(&s, 0, sizeof(s));
	memset(child_of_port, 0, sizeof(child_of_port));
	for (int c = 0; c < SCAN_PROCS; c++) {
		s.pids[c] = socket_holder(SCAN_SOCKS, s.ports[c]);
		for (int k = 0; k < SCAN_SOCKS; k++)
			child_of_port[s.ports[c][k]] = (uint16_t)(c + 1);
	}
	double full = scan(&s);
	for (int c = 0; c < SCAN_PROCS; c++)
		ck_assert_uint_eq(s.n_by[c], SCAN_SOCKS);
	ck_assert_int_eq(s.wrong, 0);
	ck_assert_int_eq(s.start_wrong, 0);	/* every socket has its process's start */

	double again = scan(&s);	/* nothing new: no walk */
	for (int c = 0; c < SCAN_PROCS; c++)
		ck_assert_uint_eq(s.n_by[c], SCAN_SOCKS);
	ck_assert_int_eq(s.wrong, 0);
	ck_assert_int_eq(s.start_wrong, 0);	/* remembered, the same start */

	s.pids[SCAN_PROCS] = socket_holder(1, s.ports[SCAN_PROCS]);	/* a new program */
	child_of_port[s.ports[SCAN_PROCS][0]] = SCAN_PROCS + 1;
	double one_new = scan(&s);
	ck_assert_uint_eq(s.n_by[SCAN_PROCS], 1);
	ck_assert_uint_eq(s.n_by[0], SCAN_SOCKS);
	ck_assert_int_eq(s.wrong, 0);
	ck_assert_int_eq(s.start_wrong, 0);
	ck_assert_uint_ge(s.start[SCAN_PROCS], s.start[0]);	/* started later */
	ck_assert_uint_ge(s.start[0], own_start());	/* our children */

	kill(s.pids[0], SIGKILL);	/* its sockets close with it */
	waitpid(s.pids[0], NULL, 0);
	double after_exit = scan(&s);
	ck_assert_uint_eq(s.n_by[0], 0);
	ck_assert_int_eq(s.wrong, 0);	/* none of its ports reported as another's */
	ck_assert_uint_eq(s.n_by[1], SCAN_SOCKS);
	s.pids[0] = 0;

	printf("# procfs scan, %d processes x %d sockets (+ the machine's): first %.2f ms, "
	       "nothing new %.2f ms, one new process %.2f ms, one exited %.2f ms\n",
	       SCAN_PROCS, SCAN_SOCKS, full, again, one_new, after_exit);
	for (int c = 0; c <= SCAN_PROCS; c++)
		if (s.pids[c]) {
			kill(s.pids[c], SIGKILL);
			waitpid(s.pids[c], NULL, 0);
		}
}
END_TEST

#ifdef HAVE_EBPF
/* A cgroup id (a folder's inode) to its path: only kubepods folders are
 * named, a new folder is found by the next walk (at most once a second),
 * a long path keeps its end. Any folder tree stands in for cgroupfs. */
static void mkdirs(const char *root, const char *rel)
{
	char p[4096];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	for (char *c = p + strlen(root) + 1; *c; c++)
		if (*c == '/') {
			*c = '\0';
			mkdir(p, 0755);
			*c = '/';
		}
	mkdir(p, 0755);
}

static uint64_t ino_of(const char *root, const char *rel)
{
	char p[4096];
	struct stat st;
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	ck_assert_int_eq(stat(p, &st), 0);
	return (uint64_t)st.st_ino;
}

START_TEST(cgroup_paths_name_pods)
{
	char root[] = "/tmp/netlens-cgroups.XXXXXX";
	ck_assert_ptr_nonnull(mkdtemp(root));
	const char *scope = "kubepods.slice/kubepods-besteffort.slice/"
			    "kubepods-besteffort-pod0f1e2d3c_4b5a_6978_8796_a5b4c3d2e1f0.slice/"
			    "cri-containerd-4fc6fd8c35fc16ef05846044e891482eb1c66b1cab2c7ed44a49cd0b14ee2dd6.scope";
	mkdirs(root, scope);
	mkdirs(root, "system.slice/cron.service");
	mkdirs(root, "kubepods/besteffort/pod0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/abc");
	char out[256];
	ck_assert_int_eq(platform_cgroup_path(ino_of(root, scope), out, sizeof(out), 1), 0);	/* none adopted */
	ck_assert_int_eq(platform_cgroup_paths_fd(), -1);
	int fd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	platform_cgroup_paths_adopt(fd);
	ck_assert_int_eq(platform_cgroup_paths_fd(), fd);

	uint64_t t = 1000000;
	ck_assert_int_eq(platform_cgroup_path(ino_of(root, scope), out, sizeof(out), t), 1);
	char want[256];
	snprintf(want, sizeof(want), "/%s", scope);
	ck_assert_str_eq(out, want);
	ck_assert_int_eq(platform_cgroup_path(ino_of(root, "kubepods/besteffort/pod0f1e2d3c-4b5a-6978-8796-"
						  "a5b4c3d2e1f0/abc"), out, sizeof(out), t), 1);
	ck_assert_str_eq(out, "/kubepods/besteffort/pod0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/abc");
	ck_assert_int_eq(platform_cgroup_path(ino_of(root, "system.slice/cron.service"), out, sizeof(out), t), 0);
	ck_assert_int_eq(platform_cgroup_path(ino_of(root, ""), out, sizeof(out), t), 0);
	ck_assert_int_eq(platform_cgroup_path(0, out, sizeof(out), t), 0);

	/* a pod made since: not walked again within the second, then found */
	mkdirs(root, "kubepods/besteffort/podnew/ctr");
	uint64_t id = ino_of(root, "kubepods/besteffort/podnew/ctr");
	ck_assert_int_eq(platform_cgroup_path(id, out, sizeof(out), t + 1), 0);
	ck_assert_int_eq(platform_cgroup_path(id, out, sizeof(out), t + 999999), 0);
	ck_assert_int_eq(platform_cgroup_path(id, out, sizeof(out), t + 1000001), 1);
	ck_assert_str_eq(out, "/kubepods/besteffort/podnew/ctr");

	/* a short buffer keeps the path's end, where the ids are */
	char small[16];
	ck_assert_int_eq(platform_cgroup_path(ino_of(root, scope), small, sizeof(small), t + 1000001), 1);
	ck_assert_str_eq(small, "b14ee2dd6.scope");

	platform_cgroup_paths_close();
	ck_assert_int_eq(platform_cgroup_paths_fd(), -1);
	ck_assert_int_eq(platform_cgroup_path(id, out, sizeof(out), t + 5000000), 0);
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST
#endif

static Suite *platform_suite(void)
{
	Suite *s = suite_create("platform");
	TCase *tc = tcase_create("ifstats");
	tcase_add_test(tc, iface_stats_match_sysfs);
	tcase_add_test(tc, iface_stats_count_lo_exactly);
	suite_add_tcase(s, tc);
	tc = tcase_create("netif");
	tcase_add_test(tc, local_addrs_follow_events);
	suite_add_tcase(s, tc);
	tc = tcase_create("procfs");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, procfs_scan_incremental);
	tcase_add_test(tc, proc_stat_start_parses);
#ifdef HAVE_EBPF	/* the ids come only from eBPF records */
	tcase_add_test(tc, cgroup_paths_name_pods);
#endif
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return unit_run(platform_suite());
}
