/* owners.c - flows to processes (see owners.h). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "owners.h"
#include "platform/privileges.h"

#define NONE UINT32_MAX

struct owners *owners_current;

struct sock_key {
	uint8_t local[16], remote[16];
	uint16_t lport, rport;
	uint8_t proto, family;
	uint8_t other_ns;	/* another network namespace's socket: a container's
				 * 0.0.0.0:80 must not replace ours (nor ours its) */
};

struct sock_entry {
	struct sock_key k;
	uint32_t next;		/* hash chain */
	uint32_t proc;		/* index in procs */
	uint16_t proc_gen;
	uint8_t other_ns;	/* in another network namespace (sock_owner.foreign) */
	uint8_t method;		/* enum owner_method: who reported it */
	uint32_t added_ms;	/* wall clock when last reported, ms mod 2^32 */
};

struct slot {			/* per flow-table slot: the cached answer */
	uint32_t flow_id;
	uint32_t handle;
	uint32_t scan_gen;	/* scan after which "unknown" was decided */
	uint32_t ebpf_gen;	/* ... and the eBPF records seen by then */
	uint32_t other_ns;	/* handle is another namespace's socket: while the
				 * flow is young, ours may still be reported */
};

/* A flow not attributed this long after its first packet is not looked up
 * again for every eBPF record (its socket's record comes at connect or
 * first send, which is about then); only a scan makes it look again. With
 * 20 000 unattributed flows a busy host's records made every output look
 * them all up again (sock_find was 15% of netlens' CPU at 100 kpps). */
#define OWNERS_YOUNG_US (10 * 1000000ull)

struct owners {
	const struct flow_table *table;
	struct slot *slots;		/* table->cap, zero pages until used */
	struct sock_entry *socks;	/* OWNERS_SOCKETS_MAX, ring order */
	uint32_t *sock_bucket;
	uint32_t n_socks, sock_oldest, sock_buckets;
	uint32_t *port_socks;		/* 65 536: sockets held per local port */
	struct owner_proc *procs;	/* OWNERS_PROCS_MAX, ring order */
	uint32_t n_procs, proc_oldest;
	uint32_t scan_gen;
	uint32_t ebpf_gen;		/* eBPF records added */
	uint64_t now_us;		/* as of the last owners_tick() */
	int waiting;			/* a flow missed since the last scan */
	int (*drain)(void *ctx);	/* owners_set_drain() */
	const struct local_addrs *local;	/* owners_set_locality() */
	void *drain_ctx;
	int ebpf;
	int from_capture;		/* owners_set_from_capture(): no scans */
	char ebpf_tier[160];		/* owners_set_ebpf_tier() */
	uint64_t last_scan_at;		/* wall clock of the latest scan, 0 = none */
	struct owners_stats st;
};

static uint32_t key_hash(const struct sock_key *k)
{
	return fnv1a32(FNV1A32_SEED, k, sizeof(*k));
}

struct owners *owners_new(const struct flow_table *t)
{
	struct owners *o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	o->table = t;
	o->slots = calloc(t->cap, sizeof(*o->slots));
	o->socks = calloc(OWNERS_SOCKETS_MAX, sizeof(*o->socks));
	o->sock_buckets = OWNERS_SOCKETS_MAX;	/* a power of two */
	o->sock_bucket = malloc(o->sock_buckets * sizeof(*o->sock_bucket));
	o->procs = calloc(OWNERS_PROCS_MAX, sizeof(*o->procs));
	o->port_socks = calloc(65536, sizeof(*o->port_socks));	/* zero pages until used */
	if (!o->slots || !o->socks || !o->sock_bucket || !o->procs || !o->port_socks) {
		owners_free(o);
		return NULL;
	}
	memset(o->sock_bucket, 0xff, o->sock_buckets * sizeof(*o->sock_bucket));
	o->scan_gen = 1;
	return o;
}

void owners_free(struct owners *o)
{
	if (!o)
		return;
	free(o->slots);
	free(o->socks);
	free(o->sock_bucket);
	free(o->procs);
	free(o->port_socks);
	free(o);
}

/* ---- processes ------------------------------------------------------------ */

/* A process gone before its details could be read: what the socket source
 * said about it. */
static void proc_info_from_socket(struct proc_info *info, const struct sock_owner *s)
{
	memset(info, 0, sizeof(*info));
	info->pid = s->pid;
	info->uid = s->uid;
	info->gid = OWNER_UID_UNKNOWN;
	memcpy(info->name, s->comm, sizeof(s->comm));
	info->name[sizeof(s->comm) - 1] = '\0';
}

/* Bits: 31-16 the process' generation, 15-14 the socket's method, 13-12
 * the match, 11-0 the process slot + 1. */
static uint32_t handle_of(uint32_t idx, uint16_t gen, enum owner_match m, uint8_t method)
{
	return (uint32_t)gen << 16 | (uint32_t)(method & 3) << 14 | (uint32_t)(m & 3) << 12 | (idx + 1);
}

const struct owner_proc *owners_proc(const struct owners *o, uint32_t h)
{
	uint32_t idx = (h & 0xfff);
	if (!o || !idx || idx > o->n_procs)
		return NULL;
	const struct owner_proc *p = &o->procs[idx - 1];
	return p->gen == (uint16_t)(h >> 16) ? p : NULL;
}

enum owner_match owners_match(uint32_t h)
{
	return (enum owner_match)((h >> 12) & 3);
}

enum owner_method owners_match_method(uint32_t h)
{
	return (enum owner_method)((h >> 14) & 3);
}

const char *owners_match_token(uint32_t h)
{
	enum owner_match m = h ? owners_match(h) : MATCH_NONE;
	if (m == MATCH_NONE)
		return "unspecified";
	if (owners_match_method(h) == OWNER_PROCFS)	/* RustNet's procfs fallback: exact, else relaxed */
		return m == MATCH_EXACT_TUPLE ? "procfs-exact" : "procfs-relaxed";
	return m == MATCH_EXACT_TUPLE ? "exact-tuple" : m == MATCH_WILDCARD_LOCAL ? "wildcard-local-address"
										: "listener-socket";
}

/* Whether s is another program than p, which had its pid before. By the
 * start time when the same kind of source gave one for both (a pid reused
 * by the same program - another curl - has the same name), else by name. */
static int pid_reused(const struct owner_proc *p, const struct sock_owner *s)
{
	uint64_t then = p->start[s->method == OWNER_EBPF];
	if (s->start && then)
		return s->start != then;
	return s->comm[0] && strncmp(p->comm, s->comm, sizeof(p->comm)) != 0;
}

static void proc_note_start(struct owner_proc *p, const struct sock_owner *s)
{
	if (s->start)
		p->start[s->method == OWNER_EBPF] = s->start;
}

/* The process entry for pid, read from the platform at first sight. A pid
 * taken by another program since gets an entry of its own: the flows of
 * the one before keep theirs (it owned them), new sockets get the new one. */
static uint32_t proc_for(struct owners *o, const struct sock_owner *s)
{
	for (uint32_t i = 0; i < o->n_procs; i++) {
		struct owner_proc *p = &o->procs[i];
		if (p->info.pid != s->pid || p->retired)
			continue;
		if (!pid_reused(p, s)) {
			proc_note_start(p, s);
			return i;
		}
		p->retired = 1;
		o->st.pids_reused++;
		break;
	}
	uint32_t i;
	if (o->n_procs < OWNERS_PROCS_MAX) {
		i = o->n_procs++;
	} else {
		i = o->proc_oldest;
		o->proc_oldest = (o->proc_oldest + 1) % OWNERS_PROCS_MAX;
	}
	struct owner_proc *p = &o->procs[i];
	uint16_t gen = (uint16_t)(p->gen + 1 ? p->gen + 1 : 1);
	memset(p, 0, sizeof(*p));
	p->gen = gen;
	/* A capture's process ran elsewhere or long ago: this machine's /proc
	 * would describe whatever has its pid here now. So may /proc for a
	 * live socket whose record was read late (the eBPF ring is drained in
	 * batches): a process started since under the same pid has another
	 * start, and then the record's own name and uid are what is true. */
	if (s->method == OWNER_PKTAP || priv_broker_proc_info(s->pid, &p->info) < 0 ||
	    (s->start && p->info.start && p->info.start != s->start)) {
		proc_info_from_socket(&p->info, s);	/* exited already, or not that one */
		/* --kubernetes: the socket's own cgroup (eBPF) still names its
		 * pod; /proc's, when it could be read, is the process's now */
		if (platform_proc_read_cgroup && s->cgroup_id)
			platform_cgroup_path(s->cgroup_id, p->info.cgroup, sizeof(p->info.cgroup),
					     clock_wall_us());
	}
	memcpy(p->comm, s->comm, sizeof(p->comm));
	proc_note_start(p, s);
	p->method = s->method;
	return i;
}

/* ---- sockets -------------------------------------------------------------- */

static struct sock_entry *sock_find(const struct owners *o, const struct sock_key *k)
{
	for (uint32_t i = o->sock_bucket[key_hash(k) & (o->sock_buckets - 1)]; i != NONE; i = o->socks[i].next)
		if (!memcmp(&o->socks[i].k, k, sizeof(*k)))
			return &o->socks[i];
	return NULL;
}

/* Takes entry idx out of its hash chain (it is about to be reused). */
static void sock_unlink(struct owners *o, uint32_t idx)
{
	o->port_socks[o->socks[idx].k.lport]--;
	uint32_t *p = &o->sock_bucket[key_hash(&o->socks[idx].k) & (o->sock_buckets - 1)];
	while (*p != NONE && *p != idx)
		p = &o->socks[*p].next;
	if (*p == idx)
		*p = o->socks[idx].next;
}

static void make_key(struct sock_key *k, uint8_t proto, uint8_t family, const uint8_t *local,
		     uint16_t lport, const uint8_t *remote, uint16_t rport, int other_ns)
{
	memset(k, 0, sizeof(*k));
	k->proto = proto;
	k->family = family;
	k->other_ns = (uint8_t)(other_ns != 0);
	if (local)
		memcpy(k->local, local, family == 4 ? 4 : 16);
	if (remote)
		memcpy(k->remote, remote, family == 4 ? 4 : 16);
	k->lport = lport;
	k->rport = rport;
}

void owners_add(struct owners *o, const struct sock_owner *s)
{
	if (!o || !s->pid || (s->family != 4 && s->family != 6))
		return;
	uint8_t proto = s->proto == 6 ? L4_TCP : s->proto == 17 ? L4_UDP : s->proto == 1 ? L4_ICMP
		      : s->proto == 58 ? L4_ICMPV6 : 0;
	if (!proto || (proto == L4_ICMP && s->family != 4) || (proto == L4_ICMPV6 && s->family != 6))
		return;
	/* A ping socket is matched by its echo identifier alone: connected or
	 * not, its echo flows are keyed by the identifier, never by a port of
	 * the peer's (lookup_ping). */
	const int ping = proto == L4_ICMP || proto == L4_ICMPV6;
	if (s->method == OWNER_EBPF) {
		o->st.events++;
		/* The flow's first packet usually arrives before its socket's
		 * record: let young flows cached as unknown look again. */
		o->ebpf_gen++;
	}
	struct sock_key k;
	make_key(&k, proto, s->family, s->local, s->lport, s->rport && !ping ? s->remote : NULL,
		 ping ? 0 : s->rport, s->foreign);
	uint32_t pi = proc_for(o, s);
	struct sock_entry *e = sock_find(o, &k);
	if (!e) {
		uint32_t idx;
		if (o->n_socks < OWNERS_SOCKETS_MAX) {
			idx = o->n_socks++;
		} else {
			idx = o->sock_oldest;
			o->sock_oldest = (o->sock_oldest + 1) % OWNERS_SOCKETS_MAX;
			sock_unlink(o, idx);
		}
		e = &o->socks[idx];
		e->k = k;
		o->port_socks[k.lport]++;
		uint32_t *head = &o->sock_bucket[key_hash(&k) & (o->sock_buckets - 1)];
		e->next = *head;
		*head = idx;
	}
	if (s->method == OWNER_PKTAP && (e->proc != pi || e->proc_gen != o->procs[pi].gen))
		o->scan_gen++;	/* flows cached as unknown look again */
	e->proc = pi;
	e->proc_gen = o->procs[pi].gen;
	e->other_ns = s->foreign;
	e->method = s->method;
	e->added_ms = (uint32_t)(clock_wall_us() / 1000u);
}

/* ---- flows ---------------------------------------------------------------- */

/* A socket of another network namespace only when other_ns allows it. */
static uint32_t resolve(const struct owners *o, const struct sock_entry *e, enum owner_match m,
			int other_ns)
{
	if (!e || o->procs[e->proc].gen != e->proc_gen || e->other_ns > other_ns)
		return 0;
	return handle_of(e->proc, e->proc_gen, m, e->method);
}

/* Sent to many: a local socket may receive it though the address is not ours. */
static int group_or_broadcast(const struct owners *o, int family, const uint8_t *a)
{
	return addr_is_group(family, a) || (family != 6 && local_addrs_is_broadcast(o->local, a));
}

/* A flow with an end of this machine's belongs to a socket of our own
 * namespace or to none: across a veth pair to a container the other
 * namespace's socket with the mirrored tuple is the peer's (a curl in the
 * container is not the owner of our server's connection to it). Other
 * namespaces' sockets own the flows with no end here, which a bridge
 * carries between containers or out of one (eBPF reports every
 * namespace's sockets); their exact tuple only. Locality unknown (no
 * address list): ours first, then theirs. */
static uint32_t lookup_in(const struct owners *o, const struct flow *f, int other_ns);

static int foreign(const struct owners *o, const struct flow *f);

static uint32_t lookup_ns(const struct owners *o, const struct flow *f, uint32_t *other_ns)
{
	uint32_t h;
	*other_ns = 0;
	if (foreign(o, f)) {	/* no end here (nor a group or broadcast we receive) */
		if ((h = lookup_in(o, f, 1)))
			*other_ns = 1;
		return h;
	}
	h = lookup_in(o, f, 0);
	if (!h && !o->local && (h = lookup_in(o, f, 1)))
		*other_ns = 1;
	return h;
}

static uint32_t lookup(const struct owners *o, const struct flow *f)
{
	uint32_t other_ns;
	return lookup_ns(o, f, &other_ns);
}

/* A connection's socket is reported once it is established (eBPF) or when
 * a scan finds it, so after its SYN: the socket of a TCP flow that began
 * with one, known before that SYN, is the one of an earlier connection on
 * the same tuple (curl reusing python's local port got python), whose
 * entry stays until the new record replaces it. Young flows only: one
 * that settles with no newer record takes it (a clock stepped back). */
static int stale_for(const struct owners *o, const struct sock_entry *e, const struct flow *f)
{
	if (!e || o->from_capture || f->key.proto != L4_TCP || !(f->u.tcp.d[0].flags & TCPD_SYN) ||
	    o->now_us >= f->first_seen_us + OWNERS_YOUNG_US)
		return 0;
	return (int32_t)(e->added_ms - (uint32_t)(f->first_seen_us / 1000u)) < 0;
}

static const uint8_t any[16];	/* the wildcard address, 0.0.0.0 or :: */

/* An ICMP echo flow (tracker.c keys it by the echo identifier, in both
 * ports) whose requester is here, or may be: the requester's ping socket,
 * bound to its address or to none, whose port is that identifier. An
 * echo with identifier 0, one a peer requested (we answer it), and every
 * other ICMP flow, have none. */
static int ping_flow(const struct owners *o, const struct flow *f)
{
	if ((f->key.proto != L4_ICMP && f->key.proto != L4_ICMPV6) ||
	    f->key.ipproto != FLOW_KEY_ICMP_ECHO || !f->key.pa)	/* a ping socket's is never 0 */
		return 0;
	return !o->local || (f->flags & (f->u.icmp.requester_b ? FLOW_LOCAL_B : FLOW_LOCAL_A));
}

static uint32_t lookup_ping(const struct owners *o, const struct flow *f, int other_ns)
{
	const struct flow_key *fk = &f->key;
	struct sock_key k;
	uint32_t h;
	if (other_ns)	/* identifiers are chosen per namespace: no telling whose */
		return 0;
	/* a ping socket bound to the requester's address is as exact as a ping
	 * socket gets (the peer is not part of it); an unbound one, the usual
	 * case, is the identifier on the wildcard address */
	make_key(&k, fk->proto, fk->family, f->u.icmp.requester_b ? fk->b : fk->a, fk->pa, NULL, 0, 0);
	if ((h = resolve(o, sock_find(o, &k), MATCH_EXACT_TUPLE, 0)))
		return h;
	make_key(&k, fk->proto, fk->family, any, fk->pa, NULL, 0, 0);
	return resolve(o, sock_find(o, &k), MATCH_LISTENER, 0);
}

/* The socket with f's tuple as end a's (from_b 0) or end b's socket sees
 * it, its local address given (the end's own, or the wildcard). */
static uint32_t probe_exact(const struct owners *o, const struct flow *f, const uint8_t *local,
			    int from_b, int other_ns)
{
	const struct flow_key *fk = &f->key;
	struct sock_key k;
	if (!from_b)
		make_key(&k, fk->proto, fk->family, local, fk->pa, fk->b, fk->pb, other_ns);
	else
		make_key(&k, fk->proto, fk->family, local, fk->pb, fk->a, fk->pa, other_ns);
	const struct sock_entry *e = sock_find(o, &k);
	return stale_for(o, e, f) ? 0
		: resolve(o, e, local == any ? MATCH_WILDCARD_LOCAL : MATCH_EXACT_TUPLE, other_ns);
}

static uint32_t lookup_in(const struct owners *o, const struct flow *f, int other_ns)
{
	/* Every probe below is for a socket whose local port is one of the
	 * flow's (an echo flow carries its identifier in both): with no socket
	 * on either port none can match. That answers most flows a router
	 * forwards, or a host sees with eBPF on, for two loads instead of up
	 * to a dozen hashed probes each (with 20 000 new flows they were 4%
	 * of netlens' CPU at 100 kpps). */
	if (!o->port_socks[f->key.pa] && !o->port_socks[f->key.pb])
		return 0;
	if (ping_flow(o, f))
		return lookup_ping(o, f, other_ns);
	if (f->key.proto != L4_TCP && f->key.proto != L4_UDP)
		return 0;
	const struct flow_key *fk = &f->key;
	struct sock_key k;
	uint32_t h;
	/* The exact tuple, as either end's socket sees it; between two other
	 * namespaces (both ends' sockets known), the source's first. */
	int b_first = other_ns && (f->flags & FLOW_SRC_IS_B);
	if ((h = probe_exact(o, f, b_first ? fk->b : fk->a, b_first, other_ns)) ||
	    (h = probe_exact(o, f, b_first ? fk->a : fk->b, !b_first, other_ns)))
		return h;
	/* A connected socket bound to the wildcard address may be reported
	 * with local 0.0.0.0 / :: (eBPF sees it before the route picks one). */
	if ((h = probe_exact(o, f, any, 0, other_ns)) || (h = probe_exact(o, f, any, 1, other_ns)))
		return h;
	/* A listener or an unconnected socket on the local end's port (only
	 * the local end: a remote server's port says nothing about us). A
	 * flow with no end here has none: other namespaces' exact tuples only. */
	if (other_ns && o->local)
		return 0;
	int local_a = (f->flags & FLOW_LOCAL_A) != 0, local_b = (f->flags & FLOW_LOCAL_B) != 0;
	if (!local_a && !local_b && o->local && group_or_broadcast(o, fk->family, fk->b))
		local_b = 1;	/* sent to a group or broadcast we receive: */
	else if (!local_a && !local_b && o->local && group_or_broadcast(o, fk->family, fk->a))
		local_a = 1;	/* the receiving socket is bound on that side's port */
	else if (!local_a && !local_b) {	/* locality unknown: the source is the likelier local end */
		local_a = !(f->flags & FLOW_SRC_IS_B);
		local_b = !local_a;
	}
	for (int side = 0; side < 2; side++) {
		if (!(side == 0 ? local_a : local_b))
			continue;
		const uint8_t *addr = side == 0 ? fk->a : fk->b;
		uint16_t port = side == 0 ? fk->pa : fk->pb;
		make_key(&k, fk->proto, fk->family, addr, port, NULL, 0, other_ns);
		if ((h = resolve(o, sock_find(o, &k), MATCH_LISTENER, other_ns)))
			return h;
		make_key(&k, fk->proto, fk->family, any, port, NULL, 0, other_ns);
		if ((h = resolve(o, sock_find(o, &k), MATCH_LISTENER, other_ns)))
			return h;
		if (fk->family == 4) {	/* a dual-stack socket bound to :: */
			make_key(&k, fk->proto, 6, any, port, NULL, 0, other_ns);
			if ((h = resolve(o, sock_find(o, &k), MATCH_LISTENER, other_ns)))
				return h;
		}
	}
	return 0;
}

void owners_set_drain(struct owners *o, int (*fn)(void *ctx), void *ctx)
{
	if (!o)
		return;
	o->drain = fn;
	o->drain_ctx = ctx;
}

void owners_set_locality(struct owners *o, const struct local_addrs *la)
{
	if (o)
		o->local = la;
}

/* A flow between two other hosts - forwarded by a router, seen on a mirror
 * port or in promiscuous mode - has no socket here. Looking it up would cost
 * a dozen probes at every refresh and, being "unknown", trigger /proc scans
 * for nothing (on a router that is most flows). */
static int foreign(const struct owners *o, const struct flow *f)
{
	if (!o->local || (f->flags & (FLOW_LOCAL_A | FLOW_LOCAL_B)))
		return 0;
	return !group_or_broadcast(o, f->key.family, f->key.a) &&
	       !group_or_broadcast(o, f->key.family, f->key.b);
}

uint32_t owners_of(struct owners *o, const struct flow *f)
{
	if (!o)
		return 0;
	/* A flow in the table (also one being closed, already flagged): its
	 * slot. A closed flow rebuilt by history_get() lives elsewhere and
	 * carries its handle; hash_next, which closed_owner shares, is only
	 * an owner outside the table. */
	int in_table = f >= o->table->slab && f < o->table->slab + o->table->cap;
	if (!in_table && (f->flags & FLOW_CLOSED))
		return f->closed_owner;
	if (f->key.proto != L4_TCP && f->key.proto != L4_UDP && !ping_flow(o, f))
		return 0;	/* no socket to find (an echo we answer, an ICMP error): not
			 * a reason to scan */
	/* A flow with no end here: only eBPF reports the sockets it may have
	 * (other namespaces', behind a bridge); never a reason to scan. */
	const int fgn = foreign(o, f);
	if (fgn && !o->ebpf)
		return 0;
	if (!in_table)
		return lookup(o, f);	/* a copy: no cache */
	struct slot *s = &o->slots[f - o->table->slab];
	int young = o->now_us < f->first_seen_us + OWNERS_YOUNG_US;
	int settled = s->scan_gen == o->scan_gen && (s->ebpf_gen == o->ebpf_gen || !young);
	if (s->flow_id == f->id && ((s->handle && (!s->other_ns || settled)) || settled)) {
		if (!s->handle || owners_proc(o, s->handle))
			return s->handle;
	}
	s->flow_id = f->id;
	s->handle = lookup_ns(o, f, &s->other_ns);
	if ((!s->handle || s->other_ns) && o->drain && o->drain(o->drain_ctx) > 0)
		s->handle = lookup_ns(o, f, &s->other_ns);	/* its record was waiting in the ring */
	s->scan_gen = o->scan_gen;
	s->ebpf_gen = o->ebpf_gen;
	if (s->handle) {
		o->st.hits++;
	} else if (!fgn) {
		o->st.misses++;
		o->waiting = 1;
	}
	return s->handle;
}

static void add_cb(void *ctx, const struct sock_owner *s)
{
	owners_add(ctx, s);
}

void owners_tick(struct owners *o, uint64_t now_us)
{
	if (!o)
		return;
	o->now_us = now_us;
	if (o->from_capture)
		return;
	uint64_t wall = clock_wall_us();
	if (o->last_scan_at && (!o->waiting || wall - o->last_scan_at < OWNERS_SCAN_GAP_US))
		return;
	/* A scan sees every socket there is: start from it alone, so sockets
	 * closed since (a listener whose program exited) are forgotten. With
	 * eBPF feeding the table, a scan only adds (eBPF saw sockets too short
	 * for any scan); the oldest entries go first when it is full. */
	if (!o->ebpf) {
		for (uint32_t i = 0; i < o->n_socks; i++)
			o->port_socks[o->socks[i].k.lport] = 0;
		o->n_socks = 0;
		o->sock_oldest = 0;
		memset(o->sock_bucket, 0xff, o->sock_buckets * sizeof(*o->sock_bucket));
	}
	uint64_t cost = 0;
	int n = priv_broker_socket_owners(add_cb, o, &cost);
	o->last_scan_at = wall ? wall : 1;
	o->waiting = 0;
	o->scan_gen++;
	if (n < 0)
		return;
	o->st.scans++;
	o->st.scan_us_total += cost;
	o->st.last_scan_us = cost;
	o->st.last_scan_sockets = (uint32_t)n;
}

const char *owners_match_name(enum owner_match m)
{
	switch (m) {
	case MATCH_EXACT_TUPLE: return "exact tuple";
	case MATCH_WILDCARD_LOCAL: return "exact tuple, wildcard local address";
	case MATCH_LISTENER: return "listening or unconnected socket on the local port";
	default: return "none";
	}
}

const char *owners_method_name(enum owner_method m)
{
	switch (m) {
	case OWNER_PROCFS: return "procfs";
	case OWNER_EBPF: return "eBPF";
	case OWNER_PKTAP: return "pktap";
	default: return "none";
	}
}

const char *owners_active_method(const struct owners *o)
{
	if (!o)
		return "none";
	if (o->from_capture)
		return "pktap";
	return o->ebpf ? "eBPF" : "procfs";
}

void owners_set_from_capture(struct owners *o)
{
	if (o)
		o->from_capture = 1;
}

int owners_from_capture(const struct owners *o) { return o && o->from_capture; }

void owners_set_ebpf(struct owners *o, int on)
{
	if (o)
		o->ebpf = on;
}

void owners_first_scan_done(struct owners *o)
{
	if (o && !o->last_scan_at) {
		uint64_t wall = clock_wall_us();
		o->last_scan_at = wall ? wall : 1;
	}
}

void owners_set_ebpf_tier(struct owners *o, const char *tier)
{
	if (o)
		snprintf(o->ebpf_tier, sizeof(o->ebpf_tier), "%s", tier ? tier : "");
}

const char *owners_ebpf_tier(const struct owners *o)
{
	return o && o->ebpf ? o->ebpf_tier : "";
}

const struct owners_stats *owners_stats(const struct owners *o)
{
	return &o->st;
}
