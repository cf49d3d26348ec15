/*
 * test_ebpf_owners.c - the eBPF owner tier against real programs on
 * loopback: curl to a python http.server (outgoing and accepted TCP, IPv4),
 * nc -l accepting this test's own IPv6 connection, a dual-stack listener
 * accepting IPv4 (v4-mapped folded to family 4), dig and nc -u (connected
 * UDP, IPv4 and IPv6), python sendto (unconnected UDP, once per
 * destination), ping sockets in a namespace of the test's own. Each client has exited before its records are read: the
 * case procfs misses.
 *
 * Sockets open before a scan are found by the task_file iterator.
 *
 * Needs root (or CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN), curl, nc (OpenBSD),
 * dig and python3; skips (77) without them or when eBPF does not load.
 * Traffic stays on 127.0.0.1 and ::1.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tests/unit/unit.h"
#include "platform/ebpf_owners.h"

#define MAX_SEEN 4096

static struct sock_owner seen[MAX_SEEN];
static int n_seen;
static struct ebpf_owners *eo;

static void on_owner(void *ctx, const struct sock_owner *o)
{
	(void)ctx;
	if (n_seen < MAX_SEEN)
		seen[n_seen++] = *o;
}

static const uint8_t lo4[16] = { 127, 0, 0, 1 };
static const uint8_t lo6[16] = { [15] = 1 };
static const uint8_t any16[16];

static void setup(void)
{
	char why[256];
	n_seen = 0;
	eo = ebpf_owners_open(on_owner, NULL, why, sizeof(why));
	ck_assert_msg(eo != NULL, "%s", why);
	ck_assert_int_ge(ebpf_owners_fd(eo), 0);
}

static void teardown(void)
{
	ebpf_owners_close(eo);
	eo = NULL;
}

static int has_cgroup_tier(void)
{
	return strstr(ebpf_owners_tier(eo), "cgroup hooks") != NULL;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* Reads records for ms milliseconds, the way the event loop would. */
static void pump(unsigned ms)
{
	uint64_t end = now_ms() + ms;
	for (uint64_t t = now_ms(); t < end; t = now_ms()) {
		struct pollfd p = { .fd = ebpf_owners_fd(eo), .events = POLLIN };
		if (poll(&p, 1, (int)(end - t)) > 0)
			ck_assert_int_ge(ebpf_owners_poll(eo), 0);
	}
	ck_assert_int_ge(ebpf_owners_poll(eo), 0);
}

struct want {
	uint8_t proto, family;
	uint32_t pid;
	const uint8_t *local, *remote;	/* NULL: any */
	uint16_t lport, rport;		/* 0: any, unless exact_rport */
	int exact_rport;		/* rport must be 0 (no peer) */
	const char *comm;		/* NULL: any */
	uint64_t start;			/* the process's start (/proc/PID/stat); 0: any */
};

static int matches(const struct sock_owner *o, const struct want *w)
{
	size_t alen = w->family == 4 ? 4 : 16;
	return o->method == OWNER_EBPF && o->proto == w->proto && o->family == w->family &&
	       o->pid == w->pid &&
	       (!w->local || memcmp(o->local, w->local, alen) == 0) &&
	       (!w->remote || memcmp(o->remote, w->remote, alen) == 0) &&
	       (!w->lport || o->lport == w->lport) &&
	       (w->exact_rport ? o->rport == w->rport : (!w->rport || o->rport == w->rport)) &&
	       (!w->comm || strcmp(o->comm, w->comm) == 0) &&
	       (!w->start || o->start == w->start);
}

static int count(const struct want *w)
{
	int n = 0;
	for (int i = 0; i < n_seen; i++)
		n += matches(&seen[i], w);
	return n;
}

static void dump(void)
{
	for (int i = 0; i < n_seen; i++) {
		const struct sock_owner *o = &seen[i];
		char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN];
		int af = o->family == 4 ? AF_INET : AF_INET6;
		inet_ntop(af, o->local, l, sizeof(l));
		inet_ntop(af, o->remote, r, sizeof(r));
		fprintf(stderr, "  seen: proto %u family %u %s:%u -> %s:%u pid %u uid %u comm %s start %llu\n",
			o->proto, o->family, l, o->lport, r, o->rport, o->pid, o->uid, o->comm,
			(unsigned long long)o->start);
	}
}

/* The first record matching w, waiting up to ms for it. */
static const struct sock_owner *await(const struct want *w, unsigned ms, const char *what)
{
	uint64_t end = now_ms() + ms;
	do {
		for (int i = 0; i < n_seen; i++)
			if (matches(&seen[i], w))
				return &seen[i];
		pump(50);
	} while (now_ms() < end);
	dump();
	ck_abort_msg("no eBPF record for %s (pid %u)", what, w->pid);
	return NULL;
}

/* ---- programs ----------------------------------------------------------- */

/* Starts argv with stdin from in_fd (or /dev/null) and stdout to out_fd
 * (or /dev/null). */
static pid_t spawn(char *const argv[], int in_fd, int out_fd)
{
	pid_t pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(in_fd >= 0 ? in_fd : null, 0);
		dup2(out_fd >= 0 ? out_fd : null, 1);
		dup2(null, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

static int finish(pid_t pid)
{
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	return st;
}

static void stop(pid_t pid)
{
	kill(pid, SIGTERM);
	finish(pid);
}

/* A port free on loopback right now (the kernel picks it). */
static uint16_t free_port(int family, int type)
{
	struct sockaddr_storage ss;
	socklen_t len;
	memset(&ss, 0, sizeof(ss));
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		len = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		len = sizeof(*a);
	}
	int fd = socket(family, type, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&ss, len), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&ss, &len), 0);
	close(fd);
	return ntohs(family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
				       : ((struct sockaddr_in6 *)&ss)->sin6_port);
}

static void read_comm(pid_t pid, char comm[16])
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	FILE *fp = fopen(path, "re");
	ck_assert_ptr_nonnull(fp);
	ck_assert_ptr_nonnull(fgets(comm, 16, fp));
	fclose(fp);
	comm[strcspn(comm, "\n")] = 0;
}

/* When pid started, as procfs tells it: eBPF's records must say the same. */
static uint64_t read_start(pid_t pid)
{
	uint64_t v = platform_proc_start((uint32_t)pid);
	ck_assert_uint_gt(v, 0);
	return v;
}

static const char *python(void)
{
	const char *p = getenv("PYTHON");
	return p && *p ? p : "python3";
}

/* A listener's record: it says the owner is ready and listening. */
static void await_listener(pid_t pid, int family, uint16_t port, const char *what)
{
	struct want w = { .proto = IPPROTO_TCP, .family = (uint8_t)family, .pid = (uint32_t)pid,
			  .lport = port, .exact_rport = 1 };
	await(&w, 15000, what);
}

/* ---- TCP ------------------------------------------------------------------ */

START_TEST(tcp4_curl_to_http_server)
{
	uint16_t port = free_port(AF_INET, SOCK_STREAM);
	char ports[8], url[64];
	snprintf(ports, sizeof(ports), "%u", port);
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/", port);
	char *server_argv[] = { (char *)python(), "-m", "http.server", ports, "--bind", "127.0.0.1", NULL };
	pid_t server = spawn(server_argv, -1, -1);
	await_listener(server, 4, port, "python http.server listening");
	char server_comm[16];
	read_comm(server, server_comm);
	uint64_t server_start = read_start(server);

	char *curl_argv[] = { "curl", "-s", "-o", "/dev/null", "-m", "5", url, NULL };
	pid_t curl = spawn(curl_argv, -1, -1);
	int st = finish(curl);	/* gone before its records are read */
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "curl failed: status %d", st);

	struct want out = { .proto = IPPROTO_TCP, .family = 4, .pid = (uint32_t)curl,
			    .local = lo4, .remote = lo4, .rport = port, .comm = "curl" };
	const struct sock_owner *o = await(&out, 5000, "curl's connection");
	ck_assert_uint_ne(o->lport, 0);
	ck_assert_uint_eq(o->uid, getuid());
	struct want acc = { .proto = IPPROTO_TCP, .family = 4, .pid = (uint32_t)server,
			    .local = lo4, .remote = lo4, .lport = port, .rport = o->lport,
			    .comm = server_comm, .start = server_start };
	await(&acc, 5000, "the connection http.server accepted");
	stop(server);
}
END_TEST

START_TEST(tcp6_nc_accepts)
{
	uint16_t port = free_port(AF_INET6, SOCK_STREAM);
	char ports[8];
	snprintf(ports, sizeof(ports), "%u", port);
	char *nc_argv[] = { "nc", "-l", "::1", ports, NULL };
	pid_t nc = spawn(nc_argv, -1, -1);
	await_listener(nc, 6, port, "nc -l listening");

	int fd = socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(port),
				   .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	socklen_t len = sizeof(sa);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	uint16_t mine = ntohs(sa.sin6_port);
	char my_comm[16];
	read_comm(getpid(), my_comm);

	struct want out = { .proto = IPPROTO_TCP, .family = 6, .pid = (uint32_t)getpid(),
			    .local = lo6, .remote = lo6, .lport = mine, .rport = port,
			    .comm = my_comm, .start = read_start(getpid()) };
	await(&out, 5000, "this test's own connection");
	struct want acc = { .proto = IPPROTO_TCP, .family = 6, .pid = (uint32_t)nc,
			    .local = lo6, .remote = lo6, .lport = port, .rport = mine,
			    .comm = "nc", .start = read_start(nc) };
	await(&acc, 5000, "the connection nc accepted");
	close(fd);
	stop(nc);
}
END_TEST

/* A dual-stack listener on :: accepting IPv4: the child socket is IPv6
 * with v4-mapped addresses, reported as IPv4 as packets show it. */
START_TEST(tcp_v4_mapped_accept)
{
	uint16_t port = free_port(AF_INET6, SOCK_STREAM);
	char ports[8];
	snprintf(ports, sizeof(ports), "%u", port);
	static const char script[] =
		"import socket, sys\n"
		"s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)\n"
		"s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)\n"
		"s.bind(('::', int(sys.argv[1])))\n"
		"s.listen(1)\n"
		"c, _ = s.accept()\n"
		"c.recv(1)\n";
	char *argv[] = { (char *)python(), "-c", (char *)script, ports, NULL };
	pid_t server = spawn(argv, -1, -1);
	struct want lw = { .proto = IPPROTO_TCP, .family = 6, .pid = (uint32_t)server,
			   .local = any16, .lport = port, .exact_rport = 1 };
	await(&lw, 15000, "the dual-stack listener on ::");
	char server_comm[16];
	read_comm(server, server_comm);

	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	socklen_t len = sizeof(sa);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	struct want acc = { .proto = IPPROTO_TCP, .family = 4, .pid = (uint32_t)server,
			    .local = lo4, .remote = lo4, .lport = port,
			    .rport = ntohs(sa.sin_port), .comm = server_comm };
	await(&acc, 5000, "the v4-mapped connection accepted on ::");
	close(fd);
	stop(server);
}
END_TEST

/* ---- UDP ------------------------------------------------------------------ */

START_TEST(udp4_dig_connected)
{
	if (!has_cgroup_tier()) {
		fprintf(stderr, "# UDP not covered by tier \"%s\"\n", ebpf_owners_tier(eo));
		return;
	}
	uint16_t port = free_port(AF_INET, SOCK_DGRAM);	/* nobody answers: dig gives up */
	char ports[8];
	snprintf(ports, sizeof(ports), "%u", port);
	char *argv[] = { "dig", "@127.0.0.1", "-p", ports, "+tries=1", "+time=1", "+retry=0",
			 "netlens.test", NULL };
	pid_t dig = spawn(argv, -1, -1);
	finish(dig);
	struct want w = { .proto = IPPROTO_UDP, .family = 4, .pid = (uint32_t)dig,
			  .local = lo4, .remote = lo4, .rport = port, .comm = "dig" };
	const struct sock_owner *o = await(&w, 5000, "dig's connected UDP socket");
	ck_assert_uint_ne(o->lport, 0);
}
END_TEST

START_TEST(udp6_nc_connected)
{
	if (!has_cgroup_tier())
		return;
	uint16_t port = free_port(AF_INET6, SOCK_DGRAM);
	char ports[8];
	snprintf(ports, sizeof(ports), "%u", port);
	int in[2];
	ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	char *argv[] = { "nc", "-u", "-w", "1", "::1", ports, NULL };
	pid_t nc = spawn(argv, in[0], -1);
	close(in[0]);
	ck_assert_int_eq(write(in[1], "netlens\n", 8), 8);
	close(in[1]);
	struct want w = { .proto = IPPROTO_UDP, .family = 6, .pid = (uint32_t)nc,
			  .local = lo6, .remote = lo6, .rport = port, .comm = "nc" };
	const struct sock_owner *o = await(&w, 5000, "nc -u's connected UDP socket");
	ck_assert_uint_ne(o->lport, 0);
	stop(nc);
}
END_TEST

/* Three sendto()s to two destinations from one unbound socket, then one
 * from an IPv6 socket: the sockets are reported as the unconnected sockets
 * they are (no peer), once per destination. */
START_TEST(udp_unconnected_sendto)
{
	if (!has_cgroup_tier())
		return;
	uint16_t port = free_port(AF_INET, SOCK_DGRAM);
	char ports[8];
	snprintf(ports, sizeof(ports), "%u", port);
	static const char script[] =
		"import socket, sys\n"
		"p = int(sys.argv[1])\n"
		"a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
		"for d in (p, p, p + 1):\n"
		"    a.sendto(b'netlens', ('127.0.0.1', d))\n"
		"b = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)\n"
		"b.sendto(b'netlens', ('::1', p))\n"
		"print(a.getsockname()[1], b.getsockname()[1], flush=True)\n"
		"sys.stdin.read()\n";
	int in[2], out[2];
	ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	char *argv[] = { (char *)python(), "-c", (char *)script, ports, NULL };
	pid_t py = spawn(argv, in[0], out[1]);
	close(in[0]);
	close(out[1]);
	char line[64] = "";
	ssize_t n = 0, r;
	while (!memchr(line, '\n', (size_t)n) && n < (ssize_t)sizeof(line) - 1 &&
	       (r = read(out[0], line + n, sizeof(line) - 1 - (size_t)n)) > 0)
		n += r;
	char py_comm[16];
	read_comm(py, py_comm);	/* it waits for its stdin to close */
	close(in[1]);
	int st = finish(py);
	close(out[0]);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0 && n > 0, "python failed: %d", st);
	unsigned a = 0, b = 0;
	ck_assert_int_eq(sscanf(line, "%u %u", &a, &b), 2);

	struct want w4 = { .proto = IPPROTO_UDP, .family = 4, .pid = (uint32_t)py,
			   .local = any16, .remote = any16, .lport = (uint16_t)a, .exact_rport = 1,
			   .comm = py_comm };
	await(&w4, 5000, "python's unconnected IPv4 socket");
	struct want w6 = w4;
	w6.family = 6;
	w6.lport = (uint16_t)b;
	await(&w6, 5000, "python's unconnected IPv6 socket");
	pump(300);
	ck_assert_int_eq(count(&w4), 2);	/* 3 datagrams, 2 destinations */
	ck_assert_int_eq(count(&w6), 1);
}
END_TEST

/* A process's first record wakes the reader at once (procs_told in
 * owners.bpf.c): a short-lived program's details are read from /proc while
 * it still runs, not at the next timed drain a second later. Records are
 * read here only when the ring's fd says so, as the event loop reads them;
 * one record alone is far below the batch that wakes the reader otherwise. */
START_TEST(new_process_wakes_reader)
{
	uint16_t port = free_port(AF_INET, SOCK_DGRAM);
	char ports[8];
	snprintf(ports, sizeof(ports), "%u", port);
	static const char script[] =
		"import socket, sys\n"
		"a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
		"a.connect(('127.0.0.1', int(sys.argv[1])))\n"
		"a.send(b'netlens')\n"
		"sys.stdin.read()\n";
	ck_assert_int_ge(ebpf_owners_poll(eo), 0);	/* what waits from before */
	int in[2];
	ck_assert_int_eq(pipe2(in, O_CLOEXEC), 0);
	char *argv[] = { (char *)python(), "-c", (char *)script, ports, NULL };
	pid_t py = spawn(argv, in[0], -1);
	close(in[0]);
	struct want w = { .proto = IPPROTO_UDP, .family = 4, .pid = (uint32_t)py, .rport = port };
	uint64_t end = now_ms() + 3000;
	while (!count(&w) && now_ms() < end) {
		struct pollfd p = { .fd = ebpf_owners_fd(eo), .events = POLLIN };
		if (poll(&p, 1, 100) > 0)
			ck_assert_int_ge(ebpf_owners_poll(eo), 0);
	}
	close(in[1]);
	int st = finish(py);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "python failed: %d", st);
	if (!count(&w))
		dump();
	ck_assert_msg(count(&w) == 1, "python's first socket did not wake the reader in 3 s");
}
END_TEST

/* ---- sockets open before start -------------------------------------------------- */

/* iter/task_file: this process's own listener, connected UDP socket and
 * bound unconnected UDP socket, and a TCP connection in both directions,
 * all reported by one ebpf_owners_existing() call with this pid and the
 * right peers. Nothing else delivers during the call (no poll). */
START_TEST(existing_sockets_iterated)
{
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);
	ck_assert_int_eq(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(l, 4), 0);
	ck_assert_int_eq(getsockname(l, (struct sockaddr *)&a, &al), 0);
	uint16_t lport = ntohs(a.sin_port);
	int c = socket(AF_INET, SOCK_STREAM, 0);
	ck_assert_int_eq(connect(c, (struct sockaddr *)&a, sizeof(a)), 0);
	int acc = accept(l, NULL, NULL);
	ck_assert_int_ge(acc, 0);
	struct sockaddr_in ca;
	socklen_t cal = sizeof(ca);
	ck_assert_int_eq(getsockname(c, (struct sockaddr *)&ca, &cal), 0);
	uint16_t cport = ntohs(ca.sin_port);

	int uc = socket(AF_INET, SOCK_DGRAM, 0), uu = socket(AF_INET6, SOCK_DGRAM, 0);
	ck_assert_int_eq(connect(uc, (struct sockaddr *)&a, sizeof(a)), 0);	/* lport: any peer */
	struct sockaddr_in6 u6 = { .sin6_family = AF_INET6, .sin6_addr = in6addr_loopback };
	socklen_t u6l = sizeof(u6);
	ck_assert_int_eq(bind(uu, (struct sockaddr *)&u6, sizeof(u6)), 0);
	ck_assert_int_eq(getsockname(uu, (struct sockaddr *)&u6, &u6l), 0);
	struct sockaddr_in uca;
	socklen_t ucal = sizeof(uca);
	ck_assert_int_eq(getsockname(uc, (struct sockaddr *)&uca, &ucal), 0);

	pump(200);
	n_seen = 0;
	int n = ebpf_owners_existing(eo);
	ck_assert_msg(n > 0, "ebpf_owners_existing: %d (%s)", n, strerror(n < 0 ? -n : 0));
	ck_assert_int_eq(n, n_seen);
	uint32_t me = (uint32_t)getpid();
	char comm[16];
	read_comm(getpid(), comm);
	uint64_t st = read_start(getpid());
	struct want listener = { .proto = IPPROTO_TCP, .family = 4, .pid = me, .local = lo4,
				 .lport = lport, .exact_rport = 1, .comm = comm, .start = st };
	struct want client = { .proto = IPPROTO_TCP, .family = 4, .pid = me, .local = lo4,
			       .remote = lo4, .lport = cport, .rport = lport, .comm = comm, .start = st };
	struct want served = { .proto = IPPROTO_TCP, .family = 4, .pid = me, .local = lo4,
			       .remote = lo4, .lport = lport, .rport = cport, .comm = comm, .start = st };
	struct want udp_conn = { .proto = IPPROTO_UDP, .family = 4, .pid = me, .local = lo4,
				 .remote = lo4, .lport = ntohs(uca.sin_port), .rport = lport, .start = st };
	struct want udp_free = { .proto = IPPROTO_UDP, .family = 6, .pid = me, .local = lo6,
				 .remote = any16, .lport = ntohs(u6.sin6_port), .exact_rport = 1,
				 .start = st };
	const struct want *all[] = { &listener, &client, &served, &udp_conn, &udp_free };
	static const char *const what[] = { "listener", "client", "accepted", "connected UDP",
					    "unconnected UDP" };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		if (count(all[i]) != 1)
			dump();
		ck_assert_msg(count(all[i]) == 1, "%s: %d records", what[i], count(all[i]));
	}
	for (int i = 0; i < n_seen; i++)	/* ours are in our namespace */
		if (seen[i].pid == me)
			ck_assert_int_eq(seen[i].foreign, 0);
	close(l);
	close(c);
	close(acc);
	close(uc);
	close(uu);
}
END_TEST

/* ---- network namespaces ----------------------------------------------------- */

/* The hooks see every namespace's sockets; across a veth pair on one host
 * the peer's socket has the mirrored tuple. A listener in a namespace of
 * its own is reported as foreign, this process's own listener is not. */
/* In a forked child: a network namespace of its own with lo up, or _exit
 * 77 (no unshare here) or 2. */
static void own_netns_child(void)
{
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	int c = unshare(CLONE_NEWNET) == 0 ? socket(AF_INET, SOCK_DGRAM, 0) : -1;
	if (c < 0)
		_exit(77);
	ifr.ifr_flags = IFF_UP | IFF_LOOPBACK | IFF_RUNNING;
	if (ioctl(c, SIOCSIFFLAGS, &ifr) < 0)
		_exit(2);
	close(c);
}

START_TEST(foreign_namespace_flagged)
{
	uint16_t port = free_port(AF_INET, SOCK_STREAM);
	int go[2];
	ck_assert_int_eq(pipe2(go, O_CLOEXEC), 0);
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		close(go[1]);
		own_netns_child();
		int l = socket(AF_INET, SOCK_STREAM, 0);
		struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(l, 1) < 0)
			_exit(3);
		char b;
		(void)!read(go[0], &b, 1);	/* until the parent has seen it */
		_exit(0);
	}
	close(go[0]);
	int l = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	ck_assert_int_eq(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);	/* our namespace */
	ck_assert_int_eq(listen(l, 1), 0);
	struct want theirs = { .proto = IPPROTO_TCP, .family = 4, .pid = (uint32_t)child,
			       .lport = port, .exact_rport = 1 };
	struct want ours = theirs;
	ours.pid = (uint32_t)getpid();
	const struct sock_owner *o = await(&ours, 5000, "this test's own listener");
	ck_assert_int_eq(o->foreign, 0);
	int st = 0;
	if (waitpid(child, &st, WNOHANG) == child && WIFEXITED(st) && WEXITSTATUS(st) == 77) {
		close(go[1]);
		close(l);
		return;	/* no unshare here: nothing to compare */
	}
	o = await(&theirs, 5000, "a listener in another network namespace");
	ck_assert_int_eq(o->foreign, 1);
	close(go[1]);
	st = finish(child);
	close(l);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child: %d", st);
}
END_TEST

/* ---- ping sockets ---------------------------------------------------------------- */

/* Datagram ICMP sockets (unprivileged ping): reported at their first send
 * with the echo identifier for a port and no peer, IPv4 and IPv6; a raw
 * ICMP socket's send is not (its port would be the protocol number). The
 * child allows ping sockets in a network namespace of its own, so the
 * host's net.ipv4.ping_group_range is left alone. */
START_TEST(ping_sockets)
{
	if (!strstr(ebpf_owners_tier(eo), "tp_btf") && strncmp(ebpf_owners_tier(eo), "raw_tp", 6))
		return;	/* the fentry and kprobe tiers leave pings to procfs */
	int out[2];
	ck_assert_int_eq(pipe2(out, O_CLOEXEC), 0);
	pid_t child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		close(out[0]);
		own_netns_child();
		int fd = open("/proc/sys/net/ipv4/ping_group_range", O_WRONLY | O_CLOEXEC);
		if (fd < 0 || write(fd, "0 0", 3) != 3)
			_exit(2);
		close(fd);
		unsigned char echo4[8] = { 8 }, echo6[8] = { 128 };
		struct sockaddr_in a4 = { .sin_family = AF_INET,
					  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
		int raw = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
		if (raw < 0 || sendto(raw, echo4, sizeof(echo4), 0, (struct sockaddr *)&a4, sizeof(a4)) < 0)
			_exit(3);
		int p4 = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
		int p6 = socket(AF_INET6, SOCK_DGRAM, IPPROTO_ICMPV6);
		for (int i = 0; i < 3; i++)	/* several sends: one record */
			if (p4 < 0 || p6 < 0 ||
			    sendto(p4, echo4, sizeof(echo4), 0, (struct sockaddr *)&a4, sizeof(a4)) < 0 ||
			    sendto(p6, echo6, sizeof(echo6), 0, (struct sockaddr *)&a6, sizeof(a6)) < 0)
				_exit(4);
		struct sockaddr_in b4;
		struct sockaddr_in6 b6;
		socklen_t l4 = sizeof(b4), l6 = sizeof(b6);
		if (getsockname(p4, (struct sockaddr *)&b4, &l4) < 0 ||
		    getsockname(p6, (struct sockaddr *)&b6, &l6) < 0)
			_exit(5);
		char line[32];
		int n = snprintf(line, sizeof(line), "%u %u\n", ntohs(b4.sin_port), ntohs(b6.sin6_port));
		_exit(write(out[1], line, (size_t)n) == n ? 0 : 6);
	}
	close(out[1]);
	char line[32] = "";
	ssize_t n = read(out[0], line, sizeof(line) - 1);
	close(out[0]);
	int st = finish(child);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 77)
		return;	/* no unshare here */
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0 && n > 0, "child: %d", st);
	unsigned id4 = 0, id6 = 0;
	ck_assert_int_eq(sscanf(line, "%u %u", &id4, &id6), 2);
	ck_assert(id4 > 0 && id6 > 0);
	struct want w4 = { .proto = IPPROTO_ICMP, .family = 4, .pid = (uint32_t)child,
			   .remote = any16, .lport = (uint16_t)id4, .exact_rport = 1 };
	const struct sock_owner *o = await(&w4, 5000, "the IPv4 ping socket");
	ck_assert_int_eq(o->foreign, 1);
	struct want w6 = { .proto = IPPROTO_ICMPV6, .family = 6, .pid = (uint32_t)child,
			   .remote = any16, .lport = (uint16_t)id6, .exact_rport = 1 };
	await(&w6, 5000, "the IPv6 ping socket");
	pump(200);
	ck_assert_int_eq(count(&w4), 1);
	ck_assert_int_eq(count(&w6), 1);
	struct want any_icmp = { .proto = IPPROTO_ICMP, .family = 4, .pid = (uint32_t)child };
	ck_assert_int_eq(count(&any_icmp), 1);	/* not the raw socket's */
}
END_TEST

/* ---- tiers ------------------------------------------------------------------- */

/* Each tier is tried by a real load and attach, in order: whatever loads,
 * the ones above it are in ebpf_owners_tried() with why they did not, in
 * that order. Starting lower (NETLENS_EBPF_TIER) skips those above. */
START_TEST(tiers_tried_in_order)
{
	static const char *const order[] = { "fentry/fexit", "tp_btf + cgroup hooks", "raw_tp + cgroup hooks",
					     "kprobes", "tp_btf only" };
	const char *tier = ebpf_owners_tier(eo), *tried = ebpf_owners_tried(eo);
	const char *start = getenv("NETLENS_EBPF_TIER");
	fprintf(stderr, "# loaded: %s; tried first: %s\n", tier, tried[0] ? tried : "nothing");
	if (!start && strcmp(tier, "fentry/fexit") != 0)
		ck_assert_msg(!strncmp(tried, "fentry/fexit: ", 14), "fentry was not tried first: %s", tried);
	const char *at = tried;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {	/* in this order */
		const char *hit = strstr(tried, order[i]);
		if (!hit || !strncmp(tier, order[i], strlen(order[i])))
			continue;
		ck_assert_msg(hit >= at, "%s tried out of order: %s", order[i], tried);
		at = hit;
	}
	ck_assert_ptr_null(strstr(tried, tier));	/* the one that loaded did not fail */

	/* From the kprobe tier down: kprobes attach, or the TCP-only tier loads
	 * and says why kprobes did not. */
	setenv("NETLENS_EBPF_TIER", "kprobes", 1);
	char why[256];
	struct ebpf_owners *k = ebpf_owners_open(on_owner, NULL, why, sizeof(why));
	if (start)
		setenv("NETLENS_EBPF_TIER", start, 1);
	else
		unsetenv("NETLENS_EBPF_TIER");
	ck_assert_msg(k != NULL, "%s", why);
	fprintf(stderr, "# from kprobes: %s; tried first: %s\n", ebpf_owners_tier(k), ebpf_owners_tried(k));
	if (strcmp(ebpf_owners_tier(k), "kprobes") != 0) {
		ck_assert_str_eq(ebpf_owners_tier(k), "tp_btf only (TCP; UDP from procfs)");
		ck_assert_msg(!strncmp(ebpf_owners_tried(k), "kprobes: ", 9), "%s", ebpf_owners_tried(k));
		ck_assert_ptr_null(strstr(ebpf_owners_tried(k), "fentry"));
	}
	ebpf_owners_close(k);
}
END_TEST

/* ---- the handle ----------------------------------------------------------- */

START_TEST(api_edges)
{
	ck_assert_ptr_nonnull(ebpf_owners_tier(eo));
	ck_assert_str_eq(ebpf_owners_tier(NULL), "none");
	ck_assert_int_eq(ebpf_owners_fd(NULL), -1);
	ck_assert_int_eq(ebpf_owners_poll(NULL), -1);
	ck_assert_int_eq(ebpf_owners_poll(eo), 0);	/* nothing waiting is not an error */
	ebpf_owners_close(NULL);
}
END_TEST

static Suite *ebpf_owners_suite(void)
{
	Suite *s = suite_create("ebpf_owners");
	TCase *tcp = tcase_create("tcp");
	tcase_add_checked_fixture(tcp, setup, teardown);
	tcase_set_timeout(tcp, 60);
	tcase_add_test(tcp, tcp4_curl_to_http_server);
	tcase_add_test(tcp, tcp6_nc_accepts);
	tcase_add_test(tcp, tcp_v4_mapped_accept);
	tcase_add_test(tcp, foreign_namespace_flagged);
	tcase_add_test(tcp, existing_sockets_iterated);
	suite_add_tcase(s, tcp);
	TCase *udp = tcase_create("udp");
	tcase_add_checked_fixture(udp, setup, teardown);
	tcase_set_timeout(udp, 60);
	tcase_add_test(udp, udp4_dig_connected);
	tcase_add_test(udp, udp6_nc_connected);
	tcase_add_test(udp, udp_unconnected_sendto);
	tcase_add_test(udp, ping_sockets);
	tcase_add_test(udp, new_process_wakes_reader);
	suite_add_tcase(s, udp);
	TCase *api = tcase_create("api");
	tcase_add_checked_fixture(api, setup, teardown);
	tcase_add_test(api, api_edges);
	tcase_add_test(api, tiers_tried_in_order);
	suite_add_tcase(s, api);
	return s;
}

static int in_path(const char *prog)
{
	const char *path = getenv("PATH");
	char buf[4096];
	if (strchr(prog, '/'))
		return access(prog, X_OK) == 0;
	for (const char *p = path ? path : "/usr/bin:/bin"; *p; ) {
		size_t n = strcspn(p, ":");
		snprintf(buf, sizeof(buf), "%.*s/%s", (int)n, p, prog);
		if (access(buf, X_OK) == 0)
			return 1;
		p += n + (p[n] == ':');
	}
	return 0;
}

int main(void)
{
	const char *progs[] = { "curl", "nc", "dig", python() };
	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		if (!in_path(progs[i])) {
			printf("SKIP: %s not found\n", progs[i]);
			return 77;
		}
	}
	char why[256];
	struct ebpf_owners *e = ebpf_owners_open(on_owner, NULL, why, sizeof(why));
	if (!e) {
		printf("SKIP: %s%s\n", why, geteuid() ? " (not root)" : "");
		return 77;
	}
	printf("# tier: %s\n", ebpf_owners_tier(e));
	ebpf_owners_close(e);
	int rc = unit_run(ebpf_owners_suite());
	/* Where tp_btf loads, the raw_tp tier (kernels that refuse tp_btf) is
	 * run through the same programs too: it loads here. */
	if (!getenv("NETLENS_EBPF_TIER")) {
		setenv("NETLENS_EBPF_TIER", "raw_tp", 1);
		e = ebpf_owners_open(on_owner, NULL, why, sizeof(why));
		if (e && !strncmp(ebpf_owners_tier(e), "raw_tp", 6)) {
			printf("# tier: %s\n", ebpf_owners_tier(e));
			ebpf_owners_close(e);
			if (unit_run(ebpf_owners_suite()) != EXIT_SUCCESS)
				rc = EXIT_FAILURE;
		} else {
			printf("# the raw_tp tier does not load here: %s\n", e ? ebpf_owners_tier(e) : why);
			ebpf_owners_close(e);
		}
	}
	return rc;
}
