/*
 * ebpf_owners.c - socket owners from eBPF (bpf/owners.bpf.c), read from a
 * ring buffer in the caller's event loop.
 *
 * What loads here is decided by loading and attaching for real, never by
 * feature probes (they call "tracing" unavailable on kernels where tp_btf
 * works). A skeleton load is all or nothing, so each tier is a fresh open
 * with the programs it does not need switched off.
 *
 * libbpf.h and pcap.h cannot share a translation unit: this file must not
 * include core headers that pull pcap in.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "platform/ebpf_owners.h"
#include "bpf/owners_event.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#pragma GCC diagnostic ignored "-Wshadow"
#include "bpf/owners.skel.h"
#include "bpf/existing.skel.h"
#pragma GCC diagnostic pop

struct ebpf_owners {
	struct owners_bpf *skel;	/* owned: programs, maps and links */
	struct ring_buffer *rb;		/* owned */
	sock_owner_fn fn;
	void *ctx;			/* the caller's, passed to fn */
	int delivered;			/* by the current ebpf_owners_poll() */
	unsigned long netns;		/* ours (inode of /proc/self/ns/net), 0: unknown */
	char tier[160];
	char tried[600];		/* the tiers that did not load, and why */
};

/* In the order tried: the first that loads and attaches wins. */
enum tier {
	TIER_FENTRY,		/* trampolines: refused on some kernels (EPERM at load) */
	TIER_FULL,		/* tp_btf, cgroup hooks, sock_send_length (>= 6.3) */
	TIER_CGROUP_NO_SEND_TP,	/* the same without sock_send_length */
	TIER_RAW,		/* raw_tp where tp_btf is refused, with the cgroup hooks and
				 * raw_tp/sock_send_length (>= 6.3) */
	TIER_RAW_NO_SEND_TP,	/* the same without sock_send_length */
	TIER_KPROBE,		/* kprobes: need kprobe events in the kernel */
	TIER_TCP,		/* tp_btf alone: no cgroup2 mount, or cgroup attach refused */
	TIER_COUNT
};

static const char *const tier_names[TIER_COUNT] = {
	[TIER_FENTRY] = "fentry/fexit",
	[TIER_FULL] = "tp_btf + cgroup hooks",
	[TIER_CGROUP_NO_SEND_TP] = "tp_btf + cgroup hooks (UDP reported before the send)",
	[TIER_RAW] = "raw_tp + cgroup hooks",
	[TIER_RAW_NO_SEND_TP] = "raw_tp + cgroup hooks (UDP reported before the send)",
	[TIER_KPROBE] = "kprobes",
	[TIER_TCP] = "tp_btf only (TCP; UDP from procfs)",
};

#define T(x) (1u << (x))
#define CGROUP_TIERS (T(TIER_FULL) | T(TIER_CGROUP_NO_SEND_TP) | T(TIER_RAW) | T(TIER_RAW_NO_SEND_TP))

/* ---- libbpf's messages ------------------------------------------------------ */

/* libbpf prints through one global callback. Its warnings would land on
 * the terminal UI: they are kept quiet unless NETLENS_BPF_DEBUG is set. */
static int debug_print = -1;

__attribute__((format(printf, 2, 0)))
static int libbpf_msg(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (debug_print < 0)
		debug_print = getenv("NETLENS_BPF_DEBUG") != NULL;
	if (!debug_print || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

/* ---- the cgroup2 root --------------------------------------------------------- */

/* Mount points in mountinfo escape space, tab, newline and backslash as
 * \ooo; undo that in place. */
static void unescape_octal(char *s)
{
	char *w = s;
	for (const char *r = s; *r; ) {
		if (r[0] == '\\' && r[1] >= '0' && r[1] <= '3' && r[2] >= '0' && r[2] <= '7' &&
		    r[3] >= '0' && r[3] <= '7') {
			*w++ = (char)((r[1] - '0') << 6 | (r[2] - '0') << 3 | (r[3] - '0'));
			r += 4;
		} else {
			*w++ = *r++;
		}
	}
	*w = 0;
}

/* The first cgroup2 mount of this mount namespace whose root is the
 * hierarchy's root (on most systems /sys/fs/cgroup; on hybrid ones
 * /sys/fs/cgroup/unified, where /sys/fs/cgroup is a tmpfs and gives EBADF).
 * Returns an O_RDONLY descriptor, or a negative errno. */
static int cgroup2_root_in(const char *mountinfo, const char *prefix);

/* Last resort: mount the cgroup2 hierarchy on a temporary directory, open
 * its root and detach the mount at once (the descriptor keeps it alive), so
 * nothing stays mounted in any namespace. Our cgroup namespace decides
 * which root that is: the real one for `ip netns exec`. */
static int cgroup2_mount_private(void)
{
	char dir[] = "/tmp/netlens-cgroup2.XXXXXX";
	if (!mkdtemp(dir))
		return -errno;
	int fd = -EPERM;
	if (mount("cgroup2", dir, "cgroup2", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) == 0) {
		fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			fd = -errno;
		umount2(dir, MNT_DETACH);
	} else {
		fd = -errno;
	}
	rmdir(dir);
	return fd;
}

static int cgroup2_root_open(void)
{
	int fd = cgroup2_root_in("/proc/self/mountinfo", "");
	/* `ip netns exec` gives its program a mount namespace with a fresh
	 * /sys and no cgroup mounts; the hierarchy is the same one, reachable
	 * through init's root (we are root, in init's pid namespace, if this
	 * is to work at all). */
	if (fd < 0)
		fd = cgroup2_root_in("/proc/1/mountinfo", "/proc/1/root");
	if (fd < 0)
		fd = cgroup2_mount_private();
	return fd;
}

static int cgroup2_root_in(const char *mountinfo, const char *prefix)
{
	FILE *fp = fopen(mountinfo, "re");
	if (!fp)
		return -errno;
	char line[4096];
	int fd = -ENOENT;
	while (fd < 0 && fgets(line, sizeof(line), fp)) {
		/* id parent major:minor root mountpoint options ... - fstype source super */
		char *sep = strstr(line, " - ");
		if (!sep)
			continue;
		char fstype[32];
		if (sscanf(sep + 3, "%31s", fstype) != 1 || strcmp(fstype, "cgroup2") != 0)
			continue;
		*sep = 0;
		char *save = NULL, *field = strtok_r(line, " ", &save);
		char *root = NULL, *mnt = NULL;
		for (int i = 0; field && i < 5; i++, field = strtok_r(NULL, " ", &save)) {
			if (i == 3)
				root = field;
			else if (i == 4)
				mnt = field;
		}
		if (!root || !mnt || strcmp(root, "/") != 0)
			continue;
		unescape_octal(mnt);
		char path[4200];
		snprintf(path, sizeof(path), "%s%s", prefix, mnt);
		fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			fd = -errno;
	}
	fclose(fp);
	return fd;
}

/* ---- records ------------------------------------------------------------------- */

static const uint8_t v4mapped_prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
static const uint8_t zero16[16];

static int is_mapped(const uint8_t *a) { return memcmp(a, v4mapped_prefix, 12) == 0; }
static int is_zero(const uint8_t *a) { return memcmp(a, zero16, 16) == 0; }

/* As the kernel turns start_boottime into /proc/PID/stat's field 22
 * (nsec_to_clock_t), so both sources count a process's start alike. */
static uint64_t ns_to_clock_ticks(uint64_t ns)
{
	static uint64_t ns_per_tick;
	if (!ns_per_tick) {
		long hz = sysconf(_SC_CLK_TCK);	/* the auxiliary vector: no system call */
		ns_per_tick = hz > 0 && hz <= 1000000000 ? 1000000000ull / (uint64_t)hz : 10000000ull;
	}
	return ns / ns_per_tick;
}

/* An IPv6 socket talking IPv4 (::ffff:a.b.c.d) is reported as IPv4, as
 * packets show it; a listener on :: stays IPv6 (core also tries it for
 * IPv4 flows). */
static int event_to_owner(const struct nl_owner_event *ev, struct sock_owner *o)
{
	memset(o, 0, sizeof(*o));
	if (ev->proto != IPPROTO_TCP && ev->proto != IPPROTO_UDP && ev->proto != IPPROTO_ICMP &&
	    ev->proto != IPPROTO_ICMPV6)
		return -1;
	o->proto = ev->proto;
	o->method = OWNER_EBPF;
	if (ev->family == AF_INET) {
		o->family = 4;
		memcpy(o->local, ev->local, 4);
		memcpy(o->remote, ev->remote, 4);
	} else if (ev->family == AF_INET6) {
		int lm = is_mapped(ev->local), rm = is_mapped(ev->remote);
		if ((lm || rm) && (lm || is_zero(ev->local)) && (rm || is_zero(ev->remote))) {
			o->family = 4;
			memcpy(o->local, ev->local + 12, 4);
			memcpy(o->remote, ev->remote + 12, 4);
		} else {
			o->family = 6;
			memcpy(o->local, ev->local, 16);
			memcpy(o->remote, ev->remote, 16);
		}
	} else {
		return -1;
	}
	o->lport = ev->lport;
	o->rport = ev->rport;
	if (!o->rport)
		memset(o->remote, 0, sizeof(o->remote));
	o->pid = ev->pid;
	o->uid = ev->uid;
	memcpy(o->comm, ev->comm, sizeof(o->comm));
	o->comm[sizeof(o->comm) - 1] = 0;
	o->start = ns_to_clock_ticks(ev->start_ns);
	o->cgroup_id = ev->cgroup_id;
	return 0;
}

/* Our network namespace: the one we capture in (packets of other
 * namespaces never reach our interfaces, except through a bridge). */
static unsigned long own_netns(void)
{
	struct stat st;
	return stat("/proc/self/ns/net", &st) == 0 ? (unsigned long)st.st_ino : 0;
}

static int on_record(void *ctx, void *data, size_t len)
{
	struct ebpf_owners *e = ctx;
	struct nl_owner_event ev;
	struct sock_owner o;

	if (len < sizeof(ev))
		return 0;
	memcpy(&ev, data, sizeof(ev));
	if (event_to_owner(&ev, &o) < 0 || !o.pid)
		return 0;
	o.foreign = ev.netns && e->netns && ev.netns != e->netns;
	e->fn(e->ctx, &o);
	e->delivered++;
	return 0;
}

/* ---- tiers ----------------------------------------------------------------------- */

static void switch_off(struct bpf_program *p)
{
	bpf_program__set_autoload(p, false);
}

/* Opens, loads and attaches one tier into e->skel. Returns 0, or a
 * negative errno with err saying which step failed. */
static int tier_try(struct ebpf_owners *e, enum tier t, int cgroup_fd, char *err, size_t errlen)
{
	struct owners_bpf *s = owners_bpf__open();
	int r;

	if (!s) {
		r = -errno;
		snprintf(err, errlen, "opening the BPF object: %s", strerror(-r));
		return r;
	}
	/* Every program, the tiers it belongs to, and how it attaches. */
	struct { struct bpf_program *p; struct bpf_link **l; const char *name; unsigned tiers; int cg; } at[] = {
		{ s->progs.nl_set_state, &s->links.nl_set_state, "tp_btf/inet_sock_set_state",
		  T(TIER_FULL) | T(TIER_CGROUP_NO_SEND_TP) | T(TIER_TCP), 0 },
		{ s->progs.nl_send_length, &s->links.nl_send_length, "tp_btf/sock_send_length",
		  T(TIER_FULL), 0 },
		{ s->progs.nl_connect4, &s->links.nl_connect4, "cgroup/connect4", CGROUP_TIERS, 1 },
		{ s->progs.nl_connect6, &s->links.nl_connect6, "cgroup/connect6", CGROUP_TIERS, 1 },
		{ s->progs.nl_sendmsg4, &s->links.nl_sendmsg4, "cgroup/sendmsg4", CGROUP_TIERS, 1 },
		{ s->progs.nl_sendmsg6, &s->links.nl_sendmsg6, "cgroup/sendmsg6", CGROUP_TIERS, 1 },
		{ s->progs.nl_raw_set_state, &s->links.nl_raw_set_state, "raw_tp/inet_sock_set_state",
		  T(TIER_RAW) | T(TIER_RAW_NO_SEND_TP), 0 },
		{ s->progs.nl_raw_send_length, &s->links.nl_raw_send_length, "raw_tp/sock_send_length",
		  T(TIER_RAW), 0 },
		{ s->progs.nl_fx_connect4, &s->links.nl_fx_connect4, "fexit/tcp_v4_connect", T(TIER_FENTRY), 0 },
		{ s->progs.nl_fx_connect6, &s->links.nl_fx_connect6, "fexit/tcp_v6_connect", T(TIER_FENTRY), 0 },
		{ s->progs.nl_fx_accept, &s->links.nl_fx_accept, "fexit/inet_csk_accept", T(TIER_FENTRY), 0 },
		{ s->progs.nl_fx_listen, &s->links.nl_fx_listen, "fexit/inet_listen", T(TIER_FENTRY), 0 },
		{ s->progs.nl_fx_udp4, &s->links.nl_fx_udp4, "fexit/udp_sendmsg", T(TIER_FENTRY), 0 },
		{ s->progs.nl_fx_udp6, &s->links.nl_fx_udp6, "fexit/udpv6_sendmsg", T(TIER_FENTRY), 0 },
		{ s->progs.nl_kp_connect4, &s->links.nl_kp_connect4, "kprobe/tcp_v4_connect", T(TIER_KPROBE), 0 },
		{ s->progs.nl_kr_connect4, &s->links.nl_kr_connect4, "kretprobe/tcp_v4_connect", T(TIER_KPROBE), 0 },
		{ s->progs.nl_kp_connect6, &s->links.nl_kp_connect6, "kprobe/tcp_v6_connect", T(TIER_KPROBE), 0 },
		{ s->progs.nl_kr_connect6, &s->links.nl_kr_connect6, "kretprobe/tcp_v6_connect", T(TIER_KPROBE), 0 },
		{ s->progs.nl_kr_accept, &s->links.nl_kr_accept, "kretprobe/inet_csk_accept", T(TIER_KPROBE), 0 },
		{ s->progs.nl_kp_listen, &s->links.nl_kp_listen, "kprobe/inet_listen", T(TIER_KPROBE), 0 },
		{ s->progs.nl_kr_listen, &s->links.nl_kr_listen, "kretprobe/inet_listen", T(TIER_KPROBE), 0 },
		{ s->progs.nl_kp_udp4, &s->links.nl_kp_udp4, "kprobe/udp_sendmsg", T(TIER_KPROBE), 0 },
		{ s->progs.nl_kr_udp4, &s->links.nl_kr_udp4, "kretprobe/udp_sendmsg", T(TIER_KPROBE), 0 },
		{ s->progs.nl_kp_udp6, &s->links.nl_kp_udp6, "kprobe/udpv6_sendmsg", T(TIER_KPROBE), 0 },
		{ s->progs.nl_kr_udp6, &s->links.nl_kr_udp6, "kretprobe/udpv6_sendmsg", T(TIER_KPROBE), 0 },
	};
	const size_t n_at = sizeof(at) / sizeof(at[0]);
	s->rodata->report_at_send = t == TIER_FULL || t == TIER_RAW;
	s->rodata->pending_by_cookie = t == TIER_RAW;
	for (size_t i = 0; i < n_at; i++)
		if (!(at[i].tiers & T(t)))
			switch_off(at[i].p);
	r = owners_bpf__load(s);
	if (r) {
		snprintf(err, errlen, "loading the programs: %s", strerror(-r));
		goto fail;
	}
	for (size_t i = 0; i < n_at; i++) {
		if (!bpf_program__autoload(at[i].p))
			continue;
		*at[i].l = at[i].cg ? bpf_program__attach_cgroup(at[i].p, cgroup_fd)
				    : bpf_program__attach(at[i].p);
		if (!*at[i].l) {
			r = -errno;
			snprintf(err, errlen, "attaching %s: %s", at[i].name, strerror(-r));
			goto fail;
		}
	}
	e->skel = s;
	return 0;
fail:
	owners_bpf__destroy(s);	/* detaches what was attached */
	return r ? r : -EINVAL;
}

/* NETLENS_EBPF_TIER=NAME (tests, debugging): start at the first tier whose
 * name begins with NAME, e.g. "raw_tp" or "kprobes", as if those before had
 * failed. Unknown: start at the top. */
static enum tier first_tier(void)
{
	const char *want = getenv("NETLENS_EBPF_TIER");
	if (!want || !*want)
		return TIER_FENTRY;
	for (int t = 0; t < TIER_COUNT; t++)
		if (!strncmp(tier_names[t], want, strlen(want)))
			return (enum tier)t;
	return TIER_FENTRY;
}

struct ebpf_owners *ebpf_owners_open(sock_owner_fn fn, void *ctx, char *why, size_t whylen)
{
	char err[200] = "";
	int r = 0;

	if (why && whylen)
		why[0] = 0;
	struct ebpf_owners *e = calloc(1, sizeof(*e));
	if (!e) {
		if (why && whylen)
			snprintf(why, whylen, "eBPF unavailable: out of memory (procfs is used)");
		return NULL;
	}
	e->fn = fn;
	e->ctx = ctx;
	e->netns = own_netns();
	libbpf_set_print(libbpf_msg);

	/* Opened before anything could change namespaces: `ip netns exec`
	 * remounts /sys. */
	int cgroup_fd = cgroup2_root_open();
	enum tier t;
	size_t tl = 0;
	for (t = first_tier(); t < TIER_COUNT; t++) {
		if (cgroup_fd < 0 && (CGROUP_TIERS & T(t))) {
			snprintf(err, sizeof(err), "no cgroup2 mount: %s", strerror(-cgroup_fd));
			r = cgroup_fd;
		} else {
			r = tier_try(e, t, cgroup_fd, err, sizeof(err));
			if (r == 0)
				break;
		}
		/* What each tier above the one that loads said, for the log. */
		if (tl < sizeof(e->tried) - 1) {
			int w = snprintf(e->tried + tl, sizeof(e->tried) - tl, "%s%s: %s", tl ? "; " : "",
					 tier_names[t], err);
			tl = w < 0 ? tl : tl + (size_t)w;
			if (tl >= sizeof(e->tried))
				tl = sizeof(e->tried) - 1;
		}
	}
	/* The links hold the cgroup; --kubernetes keeps the folder to name
	 * the cgroups of sockets whose process is gone (platform.h). */
	if (cgroup_fd >= 0 && platform_proc_read_cgroup && r == 0)
		platform_cgroup_paths_adopt(cgroup_fd);
	else if (cgroup_fd >= 0)
		close(cgroup_fd);
	if (r) {
		if (why && whylen)
			snprintf(why, whylen, "eBPF unavailable: %s%s (procfs is used)", err,
				 r == -EPERM || r == -EACCES ?
				 " (needs root, or CAP_BPF, CAP_PERFMON and CAP_NET_ADMIN)" : "");
		free(e);
		return NULL;
	}
	snprintf(e->tier, sizeof(e->tier), "%s", tier_names[t]);

	e->rb = ring_buffer__new(bpf_map__fd(e->skel->maps.events), on_record, e, NULL);
	if (!e->rb) {
		if (why && whylen)
			snprintf(why, whylen, "eBPF unavailable: ring buffer: %s (procfs is used)",
				 strerror(errno));
		owners_bpf__destroy(e->skel);
		free(e);
		return NULL;
	}
	return e;
}

/* ---- sockets open at start ------------------------------------------------------ */

/* A bound on one pass (a machine with more sockets than this gets the rest
 * from procfs, for the flows that need them). */
#define EXISTING_MAX 1000000

int ebpf_owners_existing(struct ebpf_owners *e)
{
	if (!e)
		return -EINVAL;
	struct existing_bpf *s = existing_bpf__open_and_load();
	if (!s)
		return errno ? -errno : -EINVAL;
	int r = 0, fd = -1;
	struct bpf_link *link = bpf_program__attach_iter(s->progs.nl_existing, NULL);
	if (!link) {
		r = errno ? -errno : -EINVAL;
		goto out;
	}
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		r = -errno;
		goto out;
	}
	/* read() hands out whole seq_file pages, not necessarily whole
	 * records: keep a partial one for the next read. */
	union { struct nl_owner_event ev[64]; char bytes[64 * sizeof(struct nl_owner_event)]; } buf;
	size_t have = 0;
	int delivered = 0, seen = 0;
	for (;;) {
		ssize_t n = read(fd, buf.bytes + have, sizeof(buf.bytes) - have);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			goto out;
		}
		if (n == 0)
			break;
		have += (size_t)n;
		size_t whole = have / sizeof(struct nl_owner_event);
		for (size_t i = 0; i < whole && seen < EXISTING_MAX; i++, seen++) {
			struct nl_owner_event ev;
			struct sock_owner o;
			memcpy(&ev, &buf.ev[i], sizeof(ev));
			if (ev.kind != NL_OWNER_EXISTING || event_to_owner(&ev, &o) < 0 || !o.pid)
				continue;
			o.foreign = ev.netns && e->netns && ev.netns != e->netns;
			e->fn(e->ctx, &o);
			delivered++;
		}
		if (seen >= EXISTING_MAX)
			break;
		have -= whole * sizeof(struct nl_owner_event);
		memmove(buf.bytes, buf.bytes + whole * sizeof(struct nl_owner_event), have);
	}
	r = delivered;
out:
	if (fd >= 0)
		close(fd);
	bpf_link__destroy(link);
	existing_bpf__destroy(s);
	return r;
}

int ebpf_owners_fd(const struct ebpf_owners *e)
{
	return e && e->rb ? ring_buffer__epoll_fd(e->rb) : -1;
}

int ebpf_owners_poll(struct ebpf_owners *e)
{
	if (!e || !e->rb)
		return -1;
	e->delivered = 0;
	int r = ring_buffer__consume(e->rb);
	if (r < 0 && r != -EINTR)
		return -1;
	return e->delivered;
}

const char *ebpf_owners_tier(const struct ebpf_owners *e)
{
	return e ? e->tier : "none";
}

const char *ebpf_owners_tried(const struct ebpf_owners *e)
{
	return e ? e->tried : "";
}

unsigned long long ebpf_owners_dropped(const struct ebpf_owners *e)
{
	return e && e->skel && e->skel->bss ? e->skel->bss->dropped : 0;
}

void ebpf_owners_close(struct ebpf_owners *e)
{
	if (!e)
		return;
	ring_buffer__free(e->rb);
	owners_bpf__destroy(e->skel);
	free(e);
}
