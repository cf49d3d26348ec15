/*
 * export.c - IPFIX exporting process: collectors, queues, sockets, active
 * timeouts (doc/export.md). The encoding is export_ipfix.c's.
 *
 * Per collector: one non-blocking socket, the message being built, and a
 * ring of whole messages (--export-queue of them, plus room for one set of
 * templates). Data that finds the ring full is dropped and counted; the
 * socket is written from the loop (ev_io when it would block, ev_timer for
 * UDP pacing and TCP reconnects). A message's sequence number and export
 * time are stamped when it is first written, so a TCP session that starts
 * again starts from 0 (RFC 7011 §10.4.3) with its templates first.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dpi.h"
#include "export.h"
#include "lifecycle.h"
#include "log.h"
#include "owners.h"
#include "record.h"
#include "tcp.h"

struct exporter *export_current;

#define SLOT_HDR 8		/* u16 length, u16 records, u8 template, pad */
#define STR_CAP 255		/* longest string exported; shorter if a record needs it */
#define BACKOFF_MIN 1.0
#define BACKOFF_MAX 30.0
#define FLUSH_AFTER 1.0		/* a half-full message waits at most this long (s) */
#define JOIN_MAX 4096
#define UNREACH_HOLD 10.0	/* UDP: shown unreachable this long after a refusal (s) */

/* What was exported of a flow by active timeouts, by slab index. */
struct side {
	uint32_t id;		/* the flow's serial; valid only when it matches */
	uint32_t valid;
	uint64_t bytes[2];
	uint64_t packets[2];
	uint64_t last_us;	/* when its last record was made */
};

struct group {			/* templates of one dissector's flows (or none) */
	struct ipfix_template t[2];	/* IPv4, IPv6 */
	struct ipfix_field_decl fields[EXPORT_MAX_FIELDS];
	unsigned n_fields;
	const char *name;
};

struct collector {
	struct exporter *e;
	struct export_collector_stats st;
	char url[300];
	struct export_target tg;
	struct sockaddr_storage addr;
	socklen_t alen;
	int fd;
	enum export_state state;
	ev_io io_w;
	ev_timer timer_w;	/* UDP: pacing; TCP: reconnect */
	double backoff;
	size_t msg_max;
	/* The ring: cap slots of slot_size; data may use data_cap of them. */
	uint8_t *slots;		/* owned */
	size_t slot_size;
	uint32_t cap, head, count, data_count, data_cap;
	size_t sent_off;	/* TCP: bytes of the head message written */
	uint8_t *cur;		/* owned: the message being built */
	struct ipfix_msg m;
	int building;
	double built_at;
	uint32_t seq;		/* data records sent in this session */
	double tokens, tokens_at;
	int connected_once;
	int refused_once;
	double refused_at;	/* UDP: when the host last refused (port unreachable) */
	int gave_up;		/* reading a file: waiting for it timed out; no more
				 * waiting (drops) until its queue empties */
};

struct exporter {
	struct ev_loop *loop;
	struct export_config cfg;
	const struct dpi *dpi;
	struct collector col[EXPORT_MAX_COLLECTORS];
	unsigned n;
	struct group base;
	struct group groups[DISSECTORS_MAX];
	int group_of[DISSECTORS_MAX];	/* dissector index → group, -1 none */
	unsigned n_groups;
	unsigned n_template_msgs;	/* messages one set of templates takes (max) */
	struct side *side;		/* owned: table cap entries, once needed */
	uint32_t side_cap;
	const struct flow_table *table;
	uint32_t cursor;
	uint64_t scan_last_us;
	uint64_t clock_s;		/* export_clock(): the capture second */
	double scan_credit;
	double templates_at;
	struct export_stats st;
	void (*room_fn)(void *ctx);
	void *room_ctx;
	ev_timer room_w;	/* a paused file reads on after this at the latest */
	int finishing;
	double deadline;
	char join[JOIN_MAX];
	size_t join_len;
};

const char *export_state_name(enum export_state s)
{
	switch (s) {
	case EXPORT_UP: return "up";
	case EXPORT_CONNECTING: return "connecting";
	case EXPORT_DOWN: return "down";
	case EXPORT_UNREACHABLE: return "unreachable";
	}
	return "?";
}

/* ---- the ring of messages ---- */

static uint8_t *slot_at(struct collector *c, uint32_t i)
{
	return c->slots + (size_t)((c->head + i) % c->cap) * c->slot_size;
}

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] << 8 | p[1]); }
static void set16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }

static void pop_front(struct collector *c)
{
	uint8_t *s = slot_at(c, 0);
	if (!s[4])
		c->data_count--;
	c->head = (c->head + 1) % c->cap;
	c->count--;
	c->sent_off = 0;
}

/* Drops every template message waiting (templates are sent anew). The head
 * message must not be half-written. */
static void purge_templates(struct collector *c)
{
	uint32_t w = 0;
	for (uint32_t i = 0; i < c->count; i++) {
		uint8_t *s = slot_at(c, i);
		if (s[4])
			continue;
		if (w != i)
			memcpy(slot_at(c, w), s, SLOT_HDR + get16(s));
		w++;
	}
	c->count = w;
}

/* Seconds on a monotonic clock: pacing, flush and template intervals, and
 * the exit deadline, also while wait_for() runs outside the loop. */
static double now_wall(const struct exporter *e)
{
	struct timespec ts;
	(void)e;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pump(struct collector *c);
static void maybe_room(struct exporter *e);

/* Puts the templates at the head of the queue, in order. */
static void push_templates(struct collector *c)
{
	struct exporter *e = c->e;
	const struct ipfix_template *all[2 + 2 * DISSECTORS_MAX];
	unsigned n = 0;
	all[n++] = &e->base.t[0];
	all[n++] = &e->base.t[1];
	for (unsigned g = 0; g < e->n_groups; g++) {
		all[n++] = &e->groups[g].t[0];
		all[n++] = &e->groups[g].t[1];
	}
	purge_templates(c);
	/* Encode into fresh messages; count how many first. */
	uint8_t *bufs[2 + 2 * DISSECTORS_MAX];
	size_t lens[2 + 2 * DISSECTORS_MAX];
	unsigned nm = 0;
	struct ipfix_msg m;
	uint8_t *tmp = malloc((size_t)(n + 1) * c->msg_max);
	if (!tmp)
		return;
	ipfix_msg_begin(&m, tmp, c->msg_max, e->cfg.domain);
	for (unsigned i = 0; i < n; i++) {
		if (ipfix_msg_add_template(&m, all[i]) < 0) {
			lens[nm] = ipfix_msg_end(&m);
			bufs[nm] = m.buf;
			nm++;
			ipfix_msg_begin(&m, tmp + (size_t)nm * c->msg_max, c->msg_max, e->cfg.domain);
			if (ipfix_msg_add_template(&m, all[i]) < 0)
				continue;	/* cannot happen: a template fits an empty message */
		}
	}
	lens[nm] = ipfix_msg_end(&m);
	bufs[nm] = m.buf;
	nm++;
	for (unsigned k = nm; k-- > 0;) {
		if (c->count == c->cap)
			break;	/* the ring reserves room for them; unreachable */
		c->head = (c->head + c->cap - 1) % c->cap;
		c->count++;
		uint8_t *s = slot_at(c, 0);
		set16(s, (uint16_t)lens[k]);
		set16(s + 2, 0);
		s[4] = 1;
		memcpy(s + SLOT_HDR, bufs[k], lens[k]);
	}
	free(tmp);
}

/* ---- sockets ---- */

static void io_cb(struct ev_loop *loop, ev_io *w, int revents);
static void timer_cb(struct ev_loop *loop, ev_timer *w, int revents);

static void watch_write(struct collector *c, int on)
{
	if (!c->e->loop || c->fd < 0)
		return;
	if (on && !ev_is_active(&c->io_w)) {
		ev_io_set(&c->io_w, c->fd, EV_WRITE);
		ev_io_start(c->e->loop, &c->io_w);
	} else if (!on && ev_is_active(&c->io_w)) {
		ev_io_stop(c->e->loop, &c->io_w);
	}
}

static void arm_timer(struct collector *c, double after)
{
	if (!c->e->loop || c->e->finishing)
		return;
	ev_timer_stop(c->e->loop, &c->timer_w);
	ev_timer_set(&c->timer_w, after, 0.);
	ev_timer_start(c->e->loop, &c->timer_w);
}

static void drop_queued_data(struct collector *c)
{
	for (uint32_t i = 0; i < c->count; i++) {
		uint8_t *s = slot_at(c, i);
		if (!s[4])
			c->st.records_dropped += get16(s + 2);
	}
	c->count = c->data_count = 0;
	c->sent_off = 0;
}

static void close_fd(struct collector *c)
{
	watch_write(c, 0);
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

static void tcp_connect(struct collector *c);

static void tcp_lost(struct collector *c, int err, const char *what)
{
	log_msg(LOG_WARN, "export %s: %s: %s; retrying in %.0f s", c->url, what, strerror(err),
		c->backoff);
	close_fd(c);
	if (c->sent_off && c->count) {
		/* half of that message went out: the rest means nothing alone */
		uint8_t *s = slot_at(c, 0);
		if (!s[4])
			c->st.records_dropped += get16(s + 2);
		pop_front(c);
	}
	c->sent_off = 0;
	purge_templates(c);
	c->state = EXPORT_DOWN;
	arm_timer(c, c->backoff);
	c->backoff = c->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : c->backoff * 2;
	maybe_room(c->e);	/* a file paused for this collector reads on (and drops) */
}

static void tcp_up(struct collector *c)
{
	c->state = EXPORT_UP;
	c->backoff = BACKOFF_MIN;
	if (c->connected_once)
		c->st.reconnects++;
	c->connected_once = 1;
	c->seq = 0;		/* a new transport session */
	log_msg(LOG_INFO, "export %s: connected", c->url);
	push_templates(c);
	pump(c);
}

static void tcp_connect(struct collector *c)
{
	close_fd(c);
	c->fd = socket(c->addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		tcp_lost(c, errno, "socket");
		return;
	}
	if (connect(c->fd, (struct sockaddr *)&c->addr, c->alen) == 0) {
		tcp_up(c);
		return;
	}
	if (errno != EINPROGRESS) {
		tcp_lost(c, errno, "connect");
		return;
	}
	c->state = EXPORT_CONNECTING;
	watch_write(c, 1);
}

/* A connect in progress finished (the socket is writable). */
static void tcp_connect_done(struct collector *c)
{
	int soerr = 0;
	socklen_t sl = sizeof(soerr);
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) < 0)
		soerr = errno;
	if (soerr) {
		tcp_lost(c, soerr, "connect");
		return;
	}
	watch_write(c, 0);
	tcp_up(c);
}

static void refill(struct collector *c, double now)
{
	double rate = c->e->cfg.rate;
	double burst = rate / 100 > 8 ? rate / 100 : 8;
	if (now <= c->tokens_at)
		return;
	c->tokens += (now - c->tokens_at) * rate;
	if (c->tokens > burst)
		c->tokens = burst;
	c->tokens_at = now;
}

/* A collector a file's reader waits for: up (or connecting) and not given up. */
static int waited_for(const struct collector *c)
{
	return (c->state == EXPORT_UP || c->state == EXPORT_CONNECTING) && !c->gave_up;
}

static void maybe_room(struct exporter *e)
{
	if (!e->room_fn)
		return;
	for (unsigned i = 0; i < e->n; i++) {
		struct collector *c = &e->col[i];
		if (waited_for(c) && c->data_count > c->data_cap / 4)
			return;
	}
	void (*fn)(void *) = e->room_fn;
	e->room_fn = NULL;
	if (e->loop)
		ev_timer_stop(e->loop, &e->room_w);
	fn(e->room_ctx);
}

/* A paused file waited too long: the collectors still full are given up
 * (their records dropped from now on) and reading goes on. */
static void room_timeout_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct exporter *e = w->data;
	(void)loop;
	(void)revents;
	for (unsigned i = 0; i < e->n; i++)
		if (waited_for(&e->col[i]) && e->col[i].data_count > e->col[i].data_cap / 4) {
			e->col[i].gave_up = 1;
			log_msg(LOG_WARN, "export %s: the collector takes nothing; dropping its records",
				e->col[i].url);
		}
	maybe_room(e);
}

/* UDP: the collector's host refused a datagram (ICMP port unreachable, or
 * no route). UDP cannot tell which datagram, nor whether the others
 * arrived: the state says "unreachable" until UNREACH_HOLD passes without
 * another refusal. */
static void udp_refused(struct collector *c, int err)
{
	if (c->state != EXPORT_UNREACHABLE)
		log_msg(LOG_WARN, "export %s: %s", c->url, strerror(err));
	c->state = EXPORT_UNREACHABLE;
	c->refused_at = now_wall(c->e);
}

/* UDP: picks up a refusal the socket holds (the kernel keeps it until the
 * next send, which may be a minute away), and lets the state go back to
 * up once refusals have stopped. */
static void udp_poll(struct collector *c)
{
	if (c->tg.tcp || c->fd < 0)
		return;
	int soerr = 0;
	socklen_t sl = sizeof(soerr);
	if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr)
		udp_refused(c, soerr);
	else if (c->state == EXPORT_UNREACHABLE && now_wall(c->e) - c->refused_at >= UNREACH_HOLD)
		c->state = EXPORT_UP;
}

/* Writes queued messages until the queue is empty or the socket or the
 * pace says wait. */
static void pump(struct collector *c)
{
	struct exporter *e = c->e;
	if (c->fd < 0 || c->state == EXPORT_CONNECTING || c->state == EXPORT_DOWN)
		return;
	while (c->count) {
		uint8_t *s = slot_at(c, 0);
		size_t len = get16(s);
		uint16_t recs = get16(s + 2);
		if (!c->tg.tcp && e->cfg.rate) {
			double now = now_wall(e);
			refill(c, now);
			if (c->tokens < 1) {
				arm_timer(c, (1 - c->tokens) / e->cfg.rate);
				watch_write(c, 0);
				return;
			}
		}
		if (!c->sent_off)
			ipfix_msg_stamp(s + SLOT_HDR, (uint32_t)time(NULL), c->seq);
		ssize_t n = send(c->fd, s + SLOT_HDR + c->sent_off, len - c->sent_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);
		if (n < 0) {
			int err = errno;
			if (err == EINTR)
				continue;
			if (err == EAGAIN || err == EWOULDBLOCK) {
				watch_write(c, 1);
				return;
			}
			if (err == ENOBUFS) {
				arm_timer(c, 0.01);
				return;
			}
			if (c->tg.tcp) {
				tcp_lost(c, err, "send");
				return;
			}
			/* UDP: "port unreachable" came back for an earlier datagram;
			 * that error is reported once, so try this one again once. */
			udp_refused(c, err);
			if (err == ECONNREFUSED && !c->refused_once) {
				c->refused_once = 1;
				continue;
			}
			c->refused_once = 0;
			if (!s[4])
				c->st.records_dropped += recs;
			pop_front(c);
			continue;
		}
		c->refused_once = 0;
		c->sent_off += (size_t)n;
		if (c->sent_off < len) {
			watch_write(c, 1);
			return;
		}
		if (!s[4]) {
			c->seq += recs;
			c->st.records_sent += recs;
		}
		c->st.messages_sent++;
		c->st.bytes_sent += len;
		if (!c->tg.tcp)
			c->tokens -= 1;
		pop_front(c);
	}
	watch_write(c, 0);
	c->gave_up = 0;		/* it took everything: worth waiting for again */
	maybe_room(e);
}

static void io_cb(struct ev_loop *loop, ev_io *w, int revents)
{
	struct collector *c = w->data;
	(void)loop;
	(void)revents;
	if (c->state == EXPORT_CONNECTING)
		tcp_connect_done(c);
	else
		pump(c);
}

static void timer_cb(struct ev_loop *loop, ev_timer *w, int revents)
{
	struct collector *c = w->data;
	(void)loop;
	(void)revents;
	if (c->tg.tcp && c->state == EXPORT_DOWN)
		tcp_connect(c);
	else
		pump(c);
}

/* UDP: the templates again once the interval has passed (RFC 7011 §8.4),
 * ahead of the data waiting. */
static void resend_templates(struct exporter *e)
{
	double now = now_wall(e);
	if (now - e->templates_at < e->cfg.template_interval_s)
		return;
	e->templates_at = now;
	for (unsigned i = 0; i < e->n; i++)
		if (!e->col[i].tg.tcp) {
			push_templates(&e->col[i]);
			pump(&e->col[i]);
		}
}

/* Blocks (poll) until c has room for a message, or its queue is empty when
 * `all`, or the exit deadline passes. Only while finishing. Templates
 * follow their interval meanwhile: a paced drain can last EXPORT_DRAIN_S. */
static void wait_for(struct exporter *e, struct collector *only, int all)
{
	for (;;) {
		resend_templates(e);
		struct pollfd pf[EXPORT_MAX_COLLECTORS];
		struct collector *who[EXPORT_MAX_COLLECTORS];
		int np = 0, paced = 0;
		double wait = 0.05;
		for (unsigned i = 0; i < e->n; i++) {
			struct collector *c = &e->col[i];
			if (only && c != only)
				continue;
			if (c->fd < 0 || c->state == EXPORT_DOWN)
				continue;
			if (c->state != EXPORT_CONNECTING) {
				pump(c);
				if (all ? c->count == 0 : c->data_count < c->data_cap)
					continue;
				if (c->fd < 0 || c->state == EXPORT_DOWN)
					continue;	/* the connection broke */
				if (!c->tg.tcp && e->cfg.rate && c->tokens < 1) {
					double w = (1 - c->tokens) / e->cfg.rate;
					if (w < wait)
						wait = w;
					paced = 1;	/* wait for the pace, not the socket */
					continue;
				}
			}
			pf[np].fd = c->fd;
			pf[np].events = POLLOUT;
			pf[np].revents = 0;
			who[np++] = c;
		}
		double left = e->deadline - now_wall(e);
		if ((!np && !paced) || left <= 0)
			return;
		if (wait > left)
			wait = left;
		int ms = (int)(wait * 1000) + 1;
		if (poll(np ? pf : NULL, (nfds_t)np, ms) < 0 && errno != EINTR)
			return;
		for (int k = 0; k < np; k++)
			if (who[k]->state == EXPORT_CONNECTING && pf[k].revents)
				tcp_connect_done(who[k]);
	}
}

/* Closes the message being built and queues it. */
static void finish_message(struct collector *c)
{
	struct exporter *e = c->e;
	if (!c->building)
		return;
	c->building = 0;
	if (!c->m.records)
		return;
	size_t len = ipfix_msg_end(&c->m);
	if (c->data_count >= c->data_cap && e->finishing) {
		wait_for(e, c, 0);
	} else if (c->data_count >= c->data_cap && e->cfg.offline && waited_for(c)) {
		/* A file's batch ended more flows than the queue holds: a file can
		 * wait for a collector that is up (EXPORT_OFFLINE_WAIT_S at most),
		 * live traffic could not. */
		e->deadline = now_wall(e) + EXPORT_OFFLINE_WAIT_S;
		wait_for(e, c, 0);
		if (c->data_count >= c->data_cap)
			c->gave_up = 1;
	}
	if (c->data_count >= c->data_cap || c->count >= c->cap) {
		c->st.records_dropped += c->m.records;
		return;
	}
	uint8_t *s = slot_at(c, c->count);
	set16(s, (uint16_t)len);
	set16(s + 2, (uint16_t)c->m.records);
	s[4] = 0;
	memcpy(s + SLOT_HDR, c->cur, len);
	c->count++;
	c->data_count++;
	pump(c);
}

static void append_record(struct collector *c, const struct ipfix_template *t,
			  const struct export_rec *r)
{
	static const size_t caps[] = { STR_CAP, 64, 16, 0 };
	for (int attempt = 0; attempt < 2; attempt++) {
		if (!c->building) {
			ipfix_msg_begin(&c->m, c->cur, c->msg_max, c->e->cfg.domain);
			c->building = 1;
			c->built_at = now_wall(c->e);
		}
		int fresh = c->m.records == 0;
		for (size_t k = 0; k < sizeof(caps) / sizeof(caps[0]); k++) {
			if (ipfix_msg_add_record(&c->m, t, r, caps[k]) == 0)
				return;
			if (!fresh)
				break;	/* a new message first, with every string whole */
		}
		if (fresh) {
			c->st.records_dropped++;	/* larger than a message: unreachable */
			return;
		}
		finish_message(c);
	}
}

/* ---- flows to records ---- */

struct field_ctx {
	struct exporter *e;
	struct export_rec *r;
	int group;
};

static void field_cb(void *ctx, const char *key, const char *label, const char *val, size_t len)
{
	struct field_ctx *fc = ctx;
	struct exporter *e = fc->e;
	(void)label;
	if (fc->group < 0) {
		const char *dot = strchr(key, '.');
		size_t nl = dot ? (size_t)(dot - key) : strlen(key);
		for (unsigned g = 0; g < e->n_groups; g++)
			if (strlen(e->groups[g].name) == nl && !memcmp(e->groups[g].name, key, nl)) {
				fc->group = (int)g;
				break;
			}
		if (fc->group < 0)
			return;
		fc->r->dissector = fc->group;
	}
	const struct group *g = &e->groups[fc->group];
	for (unsigned i = 0; i < g->n_fields; i++) {
		if (strcmp(g->fields[i].key, key))
			continue;
		struct export_str *v = &fc->r->fields[i];
		if (g->fields[i].type == NL_FIELD_U64) {
			char num[24];
			size_t n = len < sizeof(num) - 1 ? len : sizeof(num) - 1;
			memcpy(num, val, n);
			num[n] = '\0';
			fc->r->field_num[i] = strtoull(num, NULL, 10);
		} else if (!v->s) {
			v->s = val;
			v->len = len;
		} else {
			/* A list's next item: join them with ',' (items of one field come
			 * one after another, so the joined text stays at the end). */
			if (v->s < e->join || v->s >= e->join + JOIN_MAX) {
				if (v->len > JOIN_MAX - e->join_len)
					return;
				memcpy(e->join + e->join_len, v->s, v->len);
				v->s = e->join + e->join_len;
				e->join_len += v->len;
			}
			if (len + 1 > JOIN_MAX - e->join_len)
				return;
			e->join[e->join_len++] = ',';
			memcpy(e->join + e->join_len, val, len);
			e->join_len += len;
			v->len += len + 1;
		}
		return;
	}
}

static uint8_t proto_number(const struct flow *f)
{
	switch (f->key.proto) {
	case L4_TCP: return 6;
	case L4_UDP: return 17;
	case L4_ICMP: return 1;
	case L4_ICMPV6: return 58;
	default: return f->key.ipproto;
	}
}

static uint16_t tcp_flags_of(const struct flow *f)
{
	uint16_t fl = 0;
	for (int d = 0; d < 2; d++) {
		uint8_t x = f->u.tcp.d[d].flags;
		if (x & TCPD_FIN)
			fl |= 0x01;
		if (x & TCPD_SYN)
			fl |= 0x02;
		if (x & TCPD_ACK_KNOWN)
			fl |= 0x10;
	}
	if (f->state == TCP_CLOSED && !(fl & 0x01))
		fl |= 0x04;	/* closed without a FIN: a reset */
	return fl;
}

/* The owner of a flow that is being closed: the tracker marks it closed
 * before telling us, and owners_of() then reads the handle kept for the
 * history, which is not written yet. Ask as for an open flow. */
static uint32_t owner_of_closing(const struct flow *f)
{
	if (!owners_current)
		return 0;
	struct flow *mf = (struct flow *)(uintptr_t)f;
	uint8_t saved = mf->flags;
	mf->flags &= (uint8_t)~FLOW_CLOSED;
	uint32_t h = owners_of(owners_current, mf);
	mf->flags = saved;
	return h;
}

static void fill_rec(struct exporter *e, const struct flow *f, uint64_t now_us,
		     struct export_rec *r)
{
	memset(r, 0, sizeof(*r));
	const int ported = f->key.proto == L4_TCP || f->key.proto == L4_UDP;
	size_t alen = f->key.family == 6 ? 16 : 4;
	r->family = f->key.family;
	memcpy(r->src, flow_src_addr(f), alen);
	memcpy(r->dst, flow_dst_addr(f), alen);
	r->sport = ported ? flow_src_port(f) : 0;
	r->dport = ported ? flow_dst_port(f) : 0;
	r->proto = proto_number(f);
	r->octets = f->bytes[DIR_FWD];
	r->rev_octets = f->bytes[DIR_REV];
	r->packets = f->packets[DIR_FWD];
	r->rev_packets = f->packets[DIR_REV];
	r->start_ms = f->first_seen_us / 1000;
	r->end_ms = f->last_seen_us / 1000;
	r->biflow_dir = (f->flags & FLOW_DST_INITIATED) ? 2 : 1;
	r->dissector = -1;
	r->in_ifindex = record_interface_index(f);
	const char *ifname = record_interface_or_capture(f);
	if (ifname) {
		r->ifname.s = ifname;
		r->ifname.len = strlen(ifname);
	}
	if (f->key.proto == L4_TCP) {
		r->tcp_flags = tcp_flags_of(f);
		r->retransmits = f->u.tcp.retransmits;
		r->rtt_us = tcp_rtt_us(&f->u.tcp);
	} else if (f->key.proto == L4_ICMP || f->key.proto == L4_ICMPV6) {
		r->rtt_us = f->u.icmp.rtt_us;
	}
	const char *st = record_state(f, now_us);
	r->state.s = st;
	r->state.len = strlen(st);
	uint32_t owner = (f->flags & FLOW_CLOSED) ? owner_of_closing(f)
			 : owners_of(owners_current, f);
	const struct owner_proc *proc = owner ? owners_proc(owners_current, owner) : NULL;
	if (proc) {
		r->pid = proc->info.pid;
		r->process.s = proc->info.name;
		r->process.len = strlen(proc->info.name);
	}
	if (e->dpi && f->dpi && f->dpi != DPI_NOTHING) {
		const char *app = dpi_owner_display(e->dpi, f->dpi);
		if (app) {
			r->app.s = app;
			r->app.len = strlen(app);
		}
		r->domain.s = dpi_domain(e->dpi, f->dpi, &r->domain.len);
		struct field_ctx fc = { e, r, -1 };
		e->join_len = 0;
		dpi_foreach_field(e->dpi, f->dpi, field_cb, &fc);
	}
}

static void emit(struct exporter *e, const struct export_rec *r)
{
	const struct group *g = r->dissector >= 0 ? &e->groups[r->dissector] : &e->base;
	const struct ipfix_template *t = &g->t[r->family == 6];
	e->st.flows_exported++;
	for (unsigned i = 0; i < e->n; i++)
		append_record(&e->col[i], t, r);
}

static struct side *side_of(struct exporter *e, const struct flow *f)
{
	if (!e->side || !e->table)
		return NULL;
	if (f < e->table->slab || f >= e->table->slab + e->side_cap)
		return NULL;
	struct side *s = &e->side[f - e->table->slab];
	return s->valid && s->id == f->id ? s : NULL;
}

static void subtract_side(struct export_rec *r, const struct side *s)
{
	r->octets -= s->bytes[DIR_FWD];
	r->rev_octets -= s->bytes[DIR_REV];
	r->packets -= s->packets[DIR_FWD];
	r->rev_packets -= s->packets[DIR_REV];
}

void export_flow_end(struct exporter *e, const struct flow *f, enum close_reason why, uint64_t now_us)
{
	if (!e)
		return;
	if (f->key.family != 4 && f->key.family != 6) {
		e->st.skipped++;	/* ARP: no IP flow to describe */
		return;
	}
	struct export_rec r;
	fill_rec(e, f, now_us, &r);
	int tcp_over = f->key.proto == L4_TCP && tcp_state_is_closing((enum tcp_state_id)f->state);
	switch (why) {
	case CLOSE_IDLE: r.end_reason = tcp_over ? EXPORT_END_DETECTED : EXPORT_END_IDLE; break;
	case CLOSE_EVICTED: r.end_reason = EXPORT_END_RESOURCES; break;
	case CLOSE_NEW_GENERATION: r.end_reason = EXPORT_END_DETECTED; break;
	case CLOSE_SHUTDOWN: r.end_reason = tcp_over ? EXPORT_END_DETECTED : EXPORT_END_FORCED; break;
	case CLOSE_CLEARED: r.end_reason = EXPORT_END_FORCED; break;
	case CLOSE_WORKER_LOST: r.end_reason = EXPORT_END_FORCED; break;
	}
	struct side *s = side_of(e, f);
	if (s) {
		subtract_side(&r, s);
		s->valid = 0;
	}
	emit(e, &r);
}

/* One flow of the walk: a record if its last one is an active timeout old. */
static void check_active(struct exporter *e, struct flow *f, uint32_t i, uint64_t now_us)
{
	uint64_t tmo = (uint64_t)e->cfg.active_timeout_s * 1000000u;
	struct side *s = &e->side[i];
	int have = s->valid && s->id == f->id;
	uint64_t since = have ? s->last_us : f->first_seen_us;
	if (now_us < since + tmo)
		return;
	uint64_t pk0 = have ? s->packets[0] : 0, pk1 = have ? s->packets[1] : 0;
	if (f->packets[0] == pk0 && f->packets[1] == pk1)
		return;		/* nothing new since: its end will say the rest */
	struct export_rec r;
	fill_rec(e, f, now_us, &r);
	r.end_reason = EXPORT_END_ACTIVE;
	if (have)
		subtract_side(&r, s);
	s->id = f->id;
	s->valid = 1;
	s->bytes[0] = f->bytes[0];
	s->bytes[1] = f->bytes[1];
	s->packets[0] = f->packets[0];
	s->packets[1] = f->packets[1];
	s->last_us = now_us;
	e->st.active_records++;
	emit(e, &r);
}

/* The walk for active timeouts: a share of the table per call, so every
 * slot is visited twice per active timeout and no call walks it all. */
static void scan_active(struct exporter *e, struct flow_table *t, uint64_t now_us)
{
	e->table = t;
	if (!e->cfg.active_timeout_s || !t || !t->used_hi)
		return;
	if (!e->side) {
		e->side = calloc(t->cap, sizeof(*e->side));
		e->side_cap = e->side ? t->cap : 0;
		if (!e->side)
			return;
	}
	if (!e->scan_last_us || now_us < e->scan_last_us)
		e->scan_last_us = now_us;
	double half = e->cfg.active_timeout_s * 500000.0;
	e->scan_credit += (double)t->used_hi * (double)(now_us - e->scan_last_us) / half;
	e->scan_last_us = now_us;
	if (e->scan_credit > t->used_hi)
		e->scan_credit = t->used_hi;
	uint32_t n = (uint32_t)e->scan_credit;
	e->scan_credit -= n;
	for (uint32_t k = 0; k < n; k++) {
		uint32_t i = e->cursor++ % t->used_hi;
		struct flow *f = &t->slab[i];
		if (f->key.family != 4 && f->key.family != 6)
			continue;	/* ARP (or a slot never used) */
		/* A free slot keeps its last flow's bytes, and is marked. A filed
		 * flow is in the table; an unfiled one may be too - with --workers
		 * the parent's flows are mirrors, never filed on its wheel - so ask
		 * the table. */
		if (f->wheel_slot == WHEEL_FREE)
			continue;
		if (f->wheel_slot == WHEEL_NONE &&
		    flow_table_lookup(t, &f->key, flow_key_hash(t, &f->key)) != f)
			continue;
		if (export_is_own_flow(e, f))
			continue;
		check_active(e, f, i, now_us);
	}
}

void export_clock(struct exporter *e, struct flow_table *t, uint64_t now_us)
{
	if (!e || now_us / 1000000u == e->clock_s)
		return;
	e->clock_s = now_us / 1000000u;
	scan_active(e, t, now_us);
}

void export_tick(struct exporter *e, struct flow_table *t, uint64_t now_us)
{
	if (!e)
		return;
	double now = now_wall(e);
	scan_active(e, t, now_us);
	resend_templates(e);
	for (unsigned i = 0; i < e->n; i++) {
		struct collector *c = &e->col[i];
		udp_poll(c);
		if (c->building && now - c->built_at >= FLUSH_AFTER)
			finish_message(c);
	}
}

int export_is_own_flow(const struct exporter *e, const struct flow *f)
{
	if (!e || (f->key.proto != L4_TCP && f->key.proto != L4_UDP))
		return 0;
	for (unsigned i = 0; i < e->n; i++) {
		const struct collector *c = &e->col[i];
		if (c->tg.tcp != (f->key.proto == L4_TCP))
			continue;
		const uint8_t *addr;
		size_t alen;
		uint16_t port;
		if (c->addr.ss_family == AF_INET) {
			const struct sockaddr_in *s = (const struct sockaddr_in *)&c->addr;
			addr = (const uint8_t *)&s->sin_addr;
			alen = 4;
			port = ntohs(s->sin_port);
			if (f->key.family != 4)
				continue;
		} else {
			const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)&c->addr;
			addr = (const uint8_t *)&s->sin6_addr;
			alen = 16;
			port = ntohs(s->sin6_port);
			if (f->key.family != 6)
				continue;
		}
		if ((f->key.pa == port && !memcmp(f->key.a, addr, alen)) ||
		    (f->key.pb == port && !memcmp(f->key.b, addr, alen)))
			return 1;
	}
	return 0;
}

int export_backlogged(struct exporter *e, void (*room_fn)(void *ctx), void *ctx)
{
	if (!e)
		return 0;
	for (unsigned i = 0; i < e->n; i++) {
		struct collector *c = &e->col[i];
		if (waited_for(c) && c->data_count > c->data_cap / 2) {
			e->room_fn = room_fn;
			e->room_ctx = ctx;
			if (e->loop && !ev_is_active(&e->room_w)) {
				ev_timer_set(&e->room_w, EXPORT_OFFLINE_WAIT_S, 0.);
				ev_timer_start(e->loop, &e->room_w);
			}
			return 1;
		}
	}
	return 0;
}

void export_flush(struct exporter *e)
{
	if (!e)
		return;
	for (unsigned i = 0; i < e->n; i++)
		finish_message(&e->col[i]);
}

void export_finish_begin(struct exporter *e)
{
	if (!e || e->finishing)
		return;
	e->finishing = 1;
	e->deadline = now_wall(e) + EXPORT_DRAIN_S;
	e->room_fn = NULL;
	if (e->loop)
		ev_timer_stop(e->loop, &e->room_w);
	for (unsigned i = 0; i < e->n; i++) {
		struct collector *c = &e->col[i];
		if (e->loop)
			ev_timer_stop(e->loop, &c->timer_w);
		if (c->tg.tcp && c->state == EXPORT_DOWN)
			tcp_connect(c);	/* one last try, within the deadline */
	}
}

void export_finish(struct exporter *e)
{
	if (!e)
		return;
	export_finish_begin(e);
	export_flush(e);
	wait_for(e, NULL, 1);
	for (unsigned i = 0; i < e->n; i++) {
		struct collector *c = &e->col[i];
		udp_poll(c);	/* the summary says whether the host refused */
		drop_queued_data(c);
		close_fd(c);
	}
}

struct exporter *export_new(struct ev_loop *loop, const struct export_config *cfg,
			    const struct dpi *dpi, char *err, size_t errlen)
{
	struct exporter *e = calloc(1, sizeof(*e));
	if (!e) {
		snprintf(err, errlen, "export: out of memory");
		return NULL;
	}
	e->loop = loop;
	e->cfg = *cfg;
	if (!e->cfg.mtu)
		e->cfg.mtu = 1500;
	if (!e->cfg.queue)
		e->cfg.queue = 1024;
	if (!e->cfg.template_interval_s)
		e->cfg.template_interval_s = 60;
	e->dpi = dpi;
	e->templates_at = now_wall(e);
	ev_init(&e->room_w, room_timeout_cb);
	e->room_w.data = e;

	/* Templates: one pair for flows no dissector claimed, one per dissector. */
	static uint8_t taken[32768 / 8];
	memset(taken, 0, sizeof(taken));
	ipfix_template_build(&e->base.t[0], 256, 4, e->cfg.enterprise, NULL, 0, taken);
	ipfix_template_build(&e->base.t[1], 257, 6, e->cfg.enterprise, NULL, 0, taken);
	for (unsigned i = 0; i < DISSECTORS_MAX; i++)
		e->group_of[i] = -1;
	if (dpi)
		for (unsigned i = 0; i < dpi->set.n && i < DISSECTORS_MAX; i++) {
			const struct dissector *x = &dpi->set.v[i];
			if (x->disabled)
				continue;
			struct group *g = &e->groups[e->n_groups];
			g->name = x->d.name;
			for (unsigned k = 0; k < x->d.n_fields && k < EXPORT_MAX_FIELDS; k++) {
				g->fields[k].key = x->d.fields[k].key;
				g->fields[k].type = x->d.fields[k].type;
			}
			g->n_fields = x->d.n_fields < EXPORT_MAX_FIELDS ? x->d.n_fields : EXPORT_MAX_FIELDS;
			uint16_t id = (uint16_t)(258 + 2 * e->n_groups);
			ipfix_template_build(&g->t[0], id, 4, e->cfg.enterprise, g->fields, g->n_fields, taken);
			/* the same elements for IPv6: the fields were just taken */
			g->t[1] = g->t[0];
			g->t[1].id = (uint16_t)(id + 1);
			g->t[1].ie[0].id = 27;
			g->t[1].ie[0].len = 16;
			g->t[1].ie[1].id = 28;
			g->t[1].ie[1].len = 16;
			for (unsigned k = 0; k < g->n_fields; k++) {
				const struct ipfix_ie *ie = &g->t[0].ie[g->t[0].n - g->n_fields + k];
				log_msg(LOG_INFO, "export: field %s -> element %u%s%u", g->fields[k].key,
					ie->id, ie->pen ? " of enterprise " : " (IANA)", ie->pen);
			}
			e->group_of[i] = (int)e->n_groups++;
		}

	for (unsigned i = 0; i < cfg->n_urls; i++) {
		struct collector *c = &e->col[e->n];
		c->e = e;
		c->fd = -1;
		c->backoff = BACKOFF_MIN;
		snprintf(c->url, sizeof(c->url), "%s", cfg->urls[i]);
		c->st.url = c->url;
		if (export_parse_url(cfg->urls[i], &c->tg, err, errlen) < 0)
			goto fail;
		struct addrinfo hints = { .ai_socktype = c->tg.tcp ? SOCK_STREAM : SOCK_DGRAM,
					  .ai_flags = AI_ADDRCONFIG }, *ai = NULL;
		char port[8];
		snprintf(port, sizeof(port), "%u", c->tg.port);
		int rc = getaddrinfo(c->tg.host, port, &hints, &ai);
		if (rc == EAI_ADDRFAMILY || rc == EAI_NONAME) {
			hints.ai_flags = 0;
			rc = getaddrinfo(c->tg.host, port, &hints, &ai);
		}
		if (rc || !ai) {
			snprintf(err, errlen, "--export %s: cannot resolve '%s': %s", c->url, c->tg.host,
				 gai_strerror(rc));
			goto fail;
		}
		memcpy(&c->addr, ai->ai_addr, ai->ai_addrlen);
		c->alen = ai->ai_addrlen;
		freeaddrinfo(ai);
		size_t ip = c->addr.ss_family == AF_INET6 ? 40 : 20;
		size_t mtu = e->cfg.mtu;
		if (!c->tg.tcp) {
			c->fd = socket(c->addr.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
			if (c->fd < 0 || connect(c->fd, (struct sockaddr *)&c->addr, c->alen) < 0) {
				snprintf(err, errlen, "--export %s: %s", c->url, strerror(errno));
				goto fail;
			}
#ifdef IP_MTU
			int pmtu = 0;
			socklen_t pl = sizeof(pmtu);
			if (getsockopt(c->fd, c->addr.ss_family == AF_INET6 ? IPPROTO_IPV6 : IPPROTO_IP,
				       c->addr.ss_family == AF_INET6 ? IPV6_MTU : IP_MTU, &pmtu, &pl) == 0 &&
			    pmtu >= 576 && (size_t)pmtu < mtu)
				mtu = (size_t)pmtu;	/* the route's MTU is smaller */
#endif
			c->state = EXPORT_UP;
		}
		c->msg_max = mtu - ip - (c->tg.tcp ? 20 : 8);
		if (c->msg_max > 65535)
			c->msg_max = 65535;
		c->slot_size = SLOT_HDR + c->msg_max;
		c->data_cap = e->cfg.queue;
		c->cap = c->data_cap + 2 + 2 * DISSECTORS_MAX;	/* + one set of templates */
		c->st.queue_cap = c->data_cap;
		c->slots = malloc((size_t)c->cap * c->slot_size);
		c->cur = malloc(c->msg_max);
		if (!c->slots || !c->cur) {
			snprintf(err, errlen, "--export %s: out of memory for a queue of %u messages",
				 c->url, c->data_cap);
			e->n++;
			goto fail;
		}
		ev_io_init(&c->io_w, io_cb, c->fd >= 0 ? c->fd : 0, EV_WRITE);
		c->io_w.data = c;
		ev_init(&c->timer_w, timer_cb);
		c->timer_w.data = c;
		e->n++;
		if (c->tg.tcp) {
			tcp_connect(c);
		} else {
			push_templates(c);
			pump(c);
		}
	}
	return e;
fail:
	export_free(e);
	return NULL;
}

void export_free(struct exporter *e)
{
	if (!e)
		return;
	for (unsigned i = 0; i < e->n; i++) {
		struct collector *c = &e->col[i];
		close_fd(c);
		if (e->loop)
			ev_timer_stop(e->loop, &c->timer_w);
		free(c->slots);
		free(c->cur);
	}
	if (e->n < EXPORT_MAX_COLLECTORS && e->col[e->n].fd > 0)
		close(e->col[e->n].fd);	/* a collector that failed half-way */
	if (e->loop)
		ev_timer_stop(e->loop, &e->room_w);
	free(e->side);
	free(e);
}

void export_get_stats(const struct exporter *e, struct export_stats *s)
{
	memset(s, 0, sizeof(*s));
	if (!e)
		return;
	*s = e->st;
	s->collectors = e->n;
	for (unsigned i = 0; i < e->n; i++) {
		s->records_sent += e->col[i].st.records_sent;
		s->records_dropped += e->col[i].st.records_dropped;
		s->collectors_up += e->col[i].state == EXPORT_UP;
	}
}

unsigned export_collector_count(const struct exporter *e) { return e ? e->n : 0; }

void export_collector_get(const struct exporter *e, unsigned i, struct export_collector_stats *s)
{
	memset(s, 0, sizeof(*s));
	if (!e || i >= e->n)
		return;
	const struct collector *c = &e->col[i];
	*s = c->st;
	s->state = c->state;
	s->queued = c->data_count;
}

unsigned export_tcp_ports(const struct exporter *e, uint16_t *ports, unsigned max)
{
	unsigned n = 0;
	for (unsigned i = 0; e && i < e->n && n < max; i++)
		if (e->col[i].tg.tcp)
			ports[n++] = e->col[i].tg.port;
	return n;
}

void export_summary(const struct exporter *e, char *buf, size_t len)
{
	struct export_stats s;
	export_get_stats(e, &s);
	size_t off = (size_t)snprintf(buf, len, "export: %llu flow records (%llu active-timeout), "
				      "%llu sent, %llu dropped",
				      (unsigned long long)s.flows_exported,
				      (unsigned long long)s.active_records,
				      (unsigned long long)s.records_sent,
				      (unsigned long long)s.records_dropped);
	for (unsigned i = 0; e && i < e->n && off < len; i++) {
		const struct collector *c = &e->col[i];
		off += (size_t)snprintf(buf + off, len - off, "; %s %s: %llu sent, %llu dropped%s",
					c->url, export_state_name(c->state),
					(unsigned long long)c->st.records_sent,
					(unsigned long long)c->st.records_dropped,
					c->st.reconnects ? ", reconnected" : "");
	}
}
