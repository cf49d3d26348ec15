/*
 * resolver.c - reverse DNS with c-ares inside the libev loop (resolver.h).
 *
 * c-ares tells us which sockets it wants watched (sock_state_cb); each gets
 * an ev_io, and one ev_timer follows ares_timeout(). Answers land in a
 * bounded LRU cache; nothing blocks and nothing runs on another thread.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ares.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "clock.h"
#include "resolver.h"

#define NONE UINT32_MAX
#define MAX_SOCKS 16
#define NAME_MAX_LEN 253

struct resolver *resolver_current;

enum { E_FREE = 0, E_PENDING, E_NAME, E_FAILED };

struct entry {
	uint8_t addr[16];
	uint8_t family, state;
	uint32_t hnext;			/* hash chain */
	uint32_t prev, next;		/* LRU list, most recent first */
	uint64_t expires_us;
	char *name;			/* owned, E_NAME only */
};

struct watch {
	ev_io io;
	int fd;				/* -1 = free */
	uint16_t port;			/* local port of this resolver socket */
};

/* One of c-ares' sockets as a flow would show it: protocol, local port and
 * (once connected) the server. A flow of someone else's that happens to
 * have the same local port on the other protocol, or another peer, is not
 * ours: ports are allocated per protocol, and hiding a user's connection
 * (from the view, the event log, the records) is worse than showing one
 * query. */
struct own_sock {
	uint8_t proto;			/* L4_UDP, L4_TCP */
	uint8_t family;			/* 4, 6; 0 = peer not known yet */
	uint16_t port, peer_port;
	uint8_t peer[16];
};

struct resolver {
	struct ev_loop *loop;
	ares_channel channel;
	struct watch socks[MAX_SOCKS];
	ev_timer timer;
	struct own_sock own[MAX_SOCKS];	/* our recent sockets, oldest first */
	unsigned n_own;
	struct entry *v;		/* RESOLVER_CACHE_MAX, used in order */
	uint32_t *bucket;
	uint32_t nbuckets, used, lru_head, lru_tail;
	unsigned inflight;
	struct resolver_stats st;
};

struct query {			/* the callback's argument */
	struct resolver *r;
	uint32_t idx;
	uint8_t addr[16];
	uint8_t family;
};

static uint32_t hash(int family, const uint8_t *a)
{
	return fnv1a32(FNV1A32_SEED ^ (uint32_t)family, a, family == 4 ? 4 : 16);
}

/* ---- the loop's side of c-ares ------------------------------------------- */

static void arm_timer(struct resolver *r)
{
	struct timeval max = { 30, 0 }, tv;
	struct timeval *t = ares_timeout(r->channel, &max, &tv);
	ev_timer_stop(r->loop, &r->timer);
	if (r->inflight) {
		double s = t->tv_sec + t->tv_usec / 1e6;
		ev_timer_set(&r->timer, s > 0.001 ? s : 0.001, 0.);
		ev_timer_start(r->loop, &r->timer);
	}
}

static void on_io(struct ev_loop *loop, ev_io *w, int revents)
{
	struct resolver *r = w->data;
	ares_process_fd(r->channel, (revents & EV_READ) ? w->fd : ARES_SOCKET_BAD,
			(revents & EV_WRITE) ? w->fd : ARES_SOCKET_BAD);
	arm_timer(r);
}

static void on_timer(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct resolver *r = w->data;
	ares_process_fd(r->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
	arm_timer(r);
}

/* Reads an address and port of a socket's (getsockname/getpeername). */
static int endpoint_of(const struct sockaddr_storage *ss, uint8_t *family, uint8_t addr[16],
		       uint16_t *port)
{
	memset(addr, 0, 16);
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;
		static const uint8_t v4mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		if (!memcmp(s6->sin6_addr.s6_addr, v4mapped, 12)) {
			*family = 4;
			memcpy(addr, s6->sin6_addr.s6_addr + 12, 4);
		} else {
			*family = 6;
			memcpy(addr, s6->sin6_addr.s6_addr, 16);
		}
		*port = ntohs(s6->sin6_port);
		return 0;
	}
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;
		*family = 4;
		memcpy(addr, &s4->sin_addr, 4);
		*port = ntohs(s4->sin_port);
		return 0;
	}
	return -1;
}

/* Notes (or completes) what a socket of ours looks like as a flow. Called
 * at every state change c-ares reports, so a TCP socket still connecting
 * when first seen gets its peer on a later call. */
static void note_own_socket(struct resolver *r, int fd)
{
	struct sockaddr_storage ss;
	socklen_t l = sizeof(ss);
	int type = 0;
	socklen_t tl = sizeof(type);
	uint8_t family, addr[16];
	uint16_t port;
	if (getsockname(fd, (struct sockaddr *)&ss, &l) < 0 || endpoint_of(&ss, &family, addr, &port) < 0 ||
	    !port || getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tl) < 0 ||
	    (type != SOCK_DGRAM && type != SOCK_STREAM))
		return;
	uint8_t proto = type == SOCK_DGRAM ? L4_UDP : L4_TCP;
	struct own_sock *o = NULL;
	for (unsigned i = 0; i < r->n_own; i++)
		if (r->own[i].proto == proto && r->own[i].port == port) {
			o = &r->own[i];
			break;
		}
	if (!o) {
		/* Keep the most recent ones: flows of older sockets have ended. */
		if (r->n_own == MAX_SOCKS)
			memmove(r->own, r->own + 1, (MAX_SOCKS - 1) * sizeof(r->own[0]));
		else
			r->n_own++;
		o = &r->own[r->n_own - 1];
		memset(o, 0, sizeof(*o));
		o->proto = proto;
		o->port = port;
	}
	/* A UDP socket is connected before c-ares asks for it to be watched;
	 * a TCP one may still be connecting (ENOTCONN): a later call. A socket
	 * reused for another server gets the new peer. */
	l = sizeof(ss);
	if (getpeername(fd, (struct sockaddr *)&ss, &l) == 0 &&
	    endpoint_of(&ss, &family, addr, &port) == 0 && port) {
		o->family = family;
		memcpy(o->peer, addr, 16);
		o->peer_port = port;
	}
}

static void sock_state(void *data, ares_socket_t fd, int readable, int writable)
{
	struct resolver *r = data;
	struct watch *w = NULL, *free_w = NULL;
	for (int i = 0; i < MAX_SOCKS; i++) {
		if (r->socks[i].fd == fd)
			w = &r->socks[i];
		else if (r->socks[i].fd < 0 && !free_w)
			free_w = &r->socks[i];
	}
	if (!readable && !writable) {
		if (w) {
			ev_io_stop(r->loop, &w->io);
			w->fd = -1;
		}
		return;
	}
	if (!w) {
		if (!free_w)
			return;		/* c-ares never opens this many; its own timeouts cover it */
		w = free_w;
		w->fd = fd;
		ev_io_init(&w->io, on_io, fd, 0);
		w->io.data = r;
	}
	note_own_socket(r, fd);	/* bound by now: c-ares connects before it asks */
	ev_io_stop(r->loop, &w->io);
	ev_io_set(&w->io, fd, (readable ? EV_READ : 0) | (writable ? EV_WRITE : 0));
	ev_io_start(r->loop, &w->io);
}

/* ---- cache ---------------------------------------------------------------- */

static void lru_unlink(struct resolver *r, uint32_t i)
{
	struct entry *e = &r->v[i];
	if (e->prev != NONE)
		r->v[e->prev].next = e->next;
	else
		r->lru_head = e->next;
	if (e->next != NONE)
		r->v[e->next].prev = e->prev;
	else
		r->lru_tail = e->prev;
	e->prev = e->next = NONE;
}

static void lru_front(struct resolver *r, uint32_t i)
{
	struct entry *e = &r->v[i];
	e->prev = NONE;
	e->next = r->lru_head;
	if (r->lru_head != NONE)
		r->v[r->lru_head].prev = i;
	r->lru_head = i;
	if (r->lru_tail == NONE)
		r->lru_tail = i;
}

static uint32_t find(const struct resolver *r, int family, const uint8_t *a)
{
	for (uint32_t i = r->bucket[hash(family, a) & (r->nbuckets - 1)]; i != NONE; i = r->v[i].hnext)
		if (r->v[i].family == family && !memcmp(r->v[i].addr, a, family == 4 ? 4 : 16))
			return i;
	return NONE;
}

static void hash_unlink(struct resolver *r, uint32_t i)
{
	struct entry *e = &r->v[i];
	uint32_t *p = &r->bucket[hash(e->family, e->addr) & (r->nbuckets - 1)];
	while (*p != NONE && *p != i)
		p = &r->v[*p].hnext;
	if (*p == i)
		*p = e->hnext;
}

/* A slot for a new address: a free one, else the least recently used that
 * is not waiting for an answer. */
static uint32_t take_slot(struct resolver *r)
{
	if (r->used < RESOLVER_CACHE_MAX)
		return r->used++;
	for (uint32_t i = r->lru_tail; i != NONE; i = r->v[i].prev)
		if (r->v[i].state != E_PENDING) {
			lru_unlink(r, i);
			hash_unlink(r, i);
			free(r->v[i].name);
			r->v[i].name = NULL;
			r->st.evicted++;
			return i;
		}
	return NONE;
}

static void on_answer(void *arg, int status, int timeouts, struct hostent *h)
{
	struct query *q = arg;
	struct resolver *r = q->r;
	(void)timeouts;
	if (status == ARES_EDESTRUCTION) {	/* the channel is being freed */
		free(q);
		return;
	}
	r->inflight--;
	struct entry *e = &r->v[q->idx];
	/* The slot still belongs to this address (pending slots are never taken). */
	if (e->state == E_PENDING && e->family == q->family &&
	    !memcmp(e->addr, q->addr, q->family == 4 ? 4 : 16)) {
		if (status == ARES_SUCCESS && h && h->h_name && h->h_name[0]) {
			size_t l = strnlen(h->h_name, NAME_MAX_LEN);
			e->name = malloc(l + 1);
			if (e->name) {
				memcpy(e->name, h->h_name, l);
				e->name[l] = '\0';
			}
		}
		e->state = e->name ? E_NAME : E_FAILED;
		e->expires_us = clock_wall_us() + (e->name ? RESOLVER_POSITIVE_US : RESOLVER_NEGATIVE_US);
		if (e->name)
			r->st.answers++;
		else
			r->st.failures++;
	}
	free(q);
}

static int worth_asking(int family, const uint8_t *a)
{
	if (family == 4)
		return a[0] != 127 && a[0] != 0 && !(a[0] == 169 && a[1] == 254) && a[0] < 224;
	static const uint8_t zero[16];
	if (!memcmp(a, zero, 15) && (a[15] == 0 || a[15] == 1))	/* ::, ::1 */
		return 0;
	return a[0] != 0xff && !(a[0] == 0xfe && (a[1] & 0xc0) == 0x80);	/* multicast, fe80::/10 */
}

const char *resolver_lookup(struct resolver *r, int family, const uint8_t *addr)
{
	if (!r || (family != 4 && family != 6) || !worth_asking(family, addr))
		return NULL;
	uint64_t now = clock_wall_us();
	uint32_t i = find(r, family, addr);
	if (i != NONE) {
		struct entry *e = &r->v[i];
		lru_unlink(r, i);
		lru_front(r, i);
		if (e->state == E_PENDING || now < e->expires_us) {
			r->st.cache_hits++;
			return e->state == E_NAME ? e->name : NULL;
		}
		/* Expired: ask again, unless too many are in flight (then the old
		 * answer stands a little longer). */
		if (r->inflight >= RESOLVER_INFLIGHT_MAX)
			return e->state == E_NAME ? e->name : NULL;
	} else {
		if (r->inflight >= RESOLVER_INFLIGHT_MAX) {
			r->st.dropped_busy++;	/* asked again on a later refresh */
			return NULL;
		}
		i = take_slot(r);
		if (i == NONE)
			return NULL;
		struct entry *e = &r->v[i];
		memset(e->addr, 0, sizeof(e->addr));
		memcpy(e->addr, addr, family == 4 ? 4 : 16);
		e->family = (uint8_t)family;
		e->name = NULL;
		uint32_t *head = &r->bucket[hash(family, addr) & (r->nbuckets - 1)];
		e->hnext = *head;
		*head = i;
		lru_front(r, i);
	}
	struct entry *e = &r->v[i];
	struct query *q = malloc(sizeof(*q));
	if (!q)
		return NULL;
	q->r = r;
	q->idx = i;
	q->family = (uint8_t)family;
	memset(q->addr, 0, sizeof(q->addr));
	memcpy(q->addr, addr, family == 4 ? 4 : 16);	/* an IPv4 caller may pass 4 bytes */
	free(e->name);		/* an expired name: the answer replaces it */
	e->name = NULL;
	e->state = E_PENDING;
	e->expires_us = now + RESOLVER_PENDING_US;
	r->inflight++;
	r->st.queries++;
	ares_gethostbyaddr(r->channel, addr, family == 4 ? 4 : 16, family == 4 ? AF_INET : AF_INET6,
			   on_answer, q);
	arm_timer(r);
	return NULL;
}

/* ---- set-up --------------------------------------------------------------- */

struct resolver *resolver_new(struct ev_loop *loop, const char *server, char *err, size_t errlen)
{
	static int lib_ready;
	if (!lib_ready) {
		int rc = ares_library_init(ARES_LIB_INIT_ALL);
		if (rc != ARES_SUCCESS) {
			snprintf(err, errlen, "reverse DNS: c-ares: %s", ares_strerror(rc));
			return NULL;
		}
		lib_ready = 1;
	}
	struct resolver *r = calloc(1, sizeof(*r));
	if (!r) {
		snprintf(err, errlen, "reverse DNS: out of memory");
		return NULL;
	}
	r->loop = loop;
	for (int i = 0; i < MAX_SOCKS; i++)
		r->socks[i].fd = -1;
	r->nbuckets = 16384;
	r->v = calloc(RESOLVER_CACHE_MAX, sizeof(*r->v));
	r->bucket = malloc(r->nbuckets * sizeof(*r->bucket));
	if (!r->v || !r->bucket) {
		snprintf(err, errlen, "reverse DNS: out of memory");
		resolver_free(r);
		return NULL;
	}
	memset(r->bucket, 0xff, r->nbuckets * sizeof(*r->bucket));
	r->lru_head = r->lru_tail = NONE;
	struct ares_options o;
	memset(&o, 0, sizeof(o));
	o.sock_state_cb = sock_state;
	o.sock_state_cb_data = r;
	o.timeout = 2000;	/* ms per try */
	o.tries = 2;
	int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES;
	int rc = ares_init_options(&r->channel, &o, mask);
	if (rc != ARES_SUCCESS) {
		snprintf(err, errlen, "reverse DNS: c-ares: %s", ares_strerror(rc));
		free(r->v);
		free(r->bucket);
		free(r);
		return NULL;
	}
	if (server && (rc = ares_set_servers_ports_csv(r->channel, server)) != ARES_SUCCESS) {
		snprintf(err, errlen, "--dns-server %s: %s (expected an address, or ADDR:PORT, "
			 "[IPv6]:PORT)", server, ares_strerror(rc));
		ares_destroy(r->channel);
		free(r->v);
		free(r->bucket);
		free(r);
		return NULL;
	}
	ev_timer_init(&r->timer, on_timer, 1., 0.);
	r->timer.data = r;
	return r;
}

void resolver_free(struct resolver *r)
{
	if (!r)
		return;
	if (r->channel) {
		ev_timer_stop(r->loop, &r->timer);
		for (int i = 0; i < MAX_SOCKS; i++)
			if (r->socks[i].fd >= 0)
				ev_io_stop(r->loop, &r->socks[i].io);
		ares_destroy(r->channel);	/* callbacks run with ARES_EDESTRUCTION */
	}
	if (r->v)
		for (uint32_t i = 0; i < r->used; i++)
			free(r->v[i].name);
	free(r->v);
	free(r->bucket);
	free(r);
}

int resolver_is_own_flow(const struct resolver *r, const struct flow *f)
{
	if (f->flags & FLOW_OWN)
		return 1;	/* known since the flow was made */
	if (!r || (f->key.proto != L4_UDP && f->key.proto != L4_TCP))
		return 0;
	/* The flow's source is our socket, its destination the server that
	 * socket is connected to (whatever its port: --dns-server may name
	 * another). Both directions: a flow seen from its answer first may
	 * have the server as its source. */
	for (int side = 0; side < 2; side++) {
		uint16_t local = side ? flow_dst_port(f) : flow_src_port(f);
		uint16_t remote = side ? flow_src_port(f) : flow_dst_port(f);
		const uint8_t *peer = side ? flow_src_addr(f) : flow_dst_addr(f);
		for (unsigned i = 0; i < r->n_own; i++) {
			const struct own_sock *o = &r->own[i];
			if (o->proto != f->key.proto || o->port != local)
				continue;
			if (!o->family) {
				if (!side)
					return 1;	/* TCP still connecting: the port alone */
				continue;
			}
			if (o->family == f->key.family && o->peer_port == remote &&
			    !memcmp(o->peer, peer, o->family == 4 ? 4 : 16))
				return 1;
		}
	}
	return 0;
}

const struct resolver_stats *resolver_stats(const struct resolver *r)
{
	return &r->st;
}
