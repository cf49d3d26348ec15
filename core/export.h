/*
 * export.h - IPFIX export (RFC 7011) of finished and long-running flows to
 * the flow collectors a network already runs (doc/export.md).
 *
 *   flow ends / active timeout → export_rec → IPFIX data record, appended to
 *   the message being built for each collector → bounded queue of whole
 *   messages per collector → non-blocking UDP or TCP socket (ev_io), UDP
 *   paced by a token bucket.
 *
 * One record per flow and period, bidirectional (RFC 5103: the reverse
 * counters under PEN 29305), counters are deltas since the flow's previous
 * record. Nothing here blocks the loop except export_finish(), which runs
 * at exit with a bounded wait.
 */
#ifndef NETLENS_EXPORT_H
#define NETLENS_EXPORT_H

#include <ev.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "flow.h"
#include "flow_table.h"
#include "tracker.h"

#define EXPORT_MAX_COLLECTORS 8
#define EXPORT_DEFAULT_PORT 4739		/* IANA: ipfix */
#define EXPORT_DEFAULT_PEN 32473		/* RFC 5612: for documentation use */
#define EXPORT_REVERSE_PEN 29305		/* RFC 5103 reverse elements */
#define EXPORT_DRAIN_S 10			/* longest wait at exit */
#define EXPORT_OFFLINE_WAIT_S 2			/* reading a file: longest wait for room */

/* flowEndReason (IANA IE 136). */
enum export_end_reason {
	EXPORT_END_IDLE = 1,		/* idle timeout */
	EXPORT_END_ACTIVE = 2,		/* active timeout: the flow goes on */
	EXPORT_END_DETECTED = 3,	/* end of flow detected (FIN/RST, reuse) */
	EXPORT_END_FORCED = 4,		/* forced end (exit, cleared) */
	EXPORT_END_RESOURCES = 5,	/* lack of resources (evicted) */
};

struct export_config {
	const char *urls[EXPORT_MAX_COLLECTORS];	/* ipfix://, ipfix+tcp:// */
	unsigned n_urls;
	uint32_t active_timeout_s;	/* 60; 0 = only when flows end */
	uint32_t template_interval_s;	/* UDP template resend, 60 */
	uint32_t enterprise;		/* PEN of netlens' own elements */
	uint32_t domain;		/* observation domain ID */
	uint32_t mtu;			/* path MTU cap, 1500 */
	uint32_t queue;			/* messages queued per collector, 1024 */
	uint32_t rate;			/* UDP messages per second per collector; 0 = no limit */
	int offline;			/* reading a file: a full queue waits for a
					 * collector that is up instead of dropping */
};

/* A parsed collector address (start-up only: names are resolved once). */
struct export_target {
	int tcp;
	char host[256];
	uint16_t port;
};
/* Parses "ipfix://HOST[:PORT]" or "ipfix+tcp://HOST[:PORT]" ([v6]:PORT
 * too). Returns 0, or -1 with a one-line reason in err. */
int export_parse_url(const char *url, struct export_target *t, char *err, size_t errlen);

/* What the UI and the summary show. */
enum export_state {
	EXPORT_UP = 0,		/* UDP: sending; TCP: connected */
	EXPORT_CONNECTING,	/* TCP: connect in progress */
	EXPORT_DOWN,		/* TCP: no connection, retrying with backoff */
	EXPORT_UNREACHABLE,	/* UDP: the host answered "port unreachable" */
};
const char *export_state_name(enum export_state s);

struct export_collector_stats {
	const char *url;		/* as given (owned by the exporter) */
	enum export_state state;
	uint64_t records_sent;		/* data records handed to the socket */
	uint64_t records_dropped;	/* queue full, or lost with a broken connection */
	uint64_t messages_sent, bytes_sent;
	uint64_t reconnects;		/* TCP connections made after the first */
	uint32_t queued;		/* messages waiting */
	uint32_t queue_cap;
};

struct export_stats {
	unsigned collectors, collectors_up;
	uint64_t flows_exported;	/* records built (each goes to every collector) */
	uint64_t records_sent, records_dropped;	/* summed over collectors */
	uint64_t active_records;	/* of them, active-timeout records */
	uint64_t skipped;		/* flows with nothing to export (ARP) */
};

struct exporter;
struct dpi;

/* Opens the collectors' sockets (TCP connects start, non-blocking) and
 * builds the templates from the loaded dissectors. NULL with a one-line
 * reason in err. */
struct exporter *export_new(struct ev_loop *loop, const struct export_config *cfg,
			    const struct dpi *dpi, char *err, size_t errlen);
void export_free(struct exporter *e);

/* A flow left the table (or netlens exits with it open): its last record. */
void export_flow_end(struct exporter *e, const struct flow *f, enum close_reason why,
		     uint64_t now_us);

/* Active timeouts (an incremental walk of the table, clock now_us: capture
 * time when reading a file), UDP template resends, and messages left
 * half-full for a second. Call about once a second, or after each batch of
 * a file. */
void export_tick(struct exporter *e, struct flow_table *t, uint64_t now_us);

/* Reading a file: the capture clock moved (each packet). Walks for active
 * timeouts once per capture second, so they follow capture time even
 * within one batch. */
void export_clock(struct exporter *e, struct flow_table *t, uint64_t now_us);

/* The exporter's own traffic (a flow to a collector's address and port),
 * not exported again. */
int export_is_own_flow(const struct exporter *e, const struct flow *f);

/* Reading a file: true when an up collector's queue is over half full; the
 * reader should pause until room_fn is called (once). */
int export_backlogged(struct exporter *e, void (*room_fn)(void *ctx), void *ctx);

/* Queues the messages being built now (a file has ended). */
void export_flush(struct exporter *e);

/* At exit, before the open flows are reported: from here on a full queue
 * is waited for (bounded by EXPORT_DRAIN_S) rather than dropped. */
void export_finish_begin(struct exporter *e);

/* At exit: sends what is built and queued, waiting at most EXPORT_DRAIN_S
 * in all (a collector that cannot take it has the rest counted dropped). */
void export_finish(struct exporter *e);

void export_get_stats(const struct exporter *e, struct export_stats *s);
unsigned export_collector_count(const struct exporter *e);
void export_collector_get(const struct exporter *e, unsigned i, struct export_collector_stats *s);

/* The TCP ports of the ipfix+tcp collectors (for the sandbox, which must
 * let reconnections through); returns how many, at most max. */
unsigned export_tcp_ports(const struct exporter *e, uint16_t *ports, unsigned max);

/* One line for the exit summary ("export: 2 collectors, ..."), into buf. */
void export_summary(const struct exporter *e, char *buf, size_t len);

/* The process's exporter (NULL without --export). */
extern struct exporter *export_current;

/* ---- The encoder (export_ipfix.c), separate so it can be tested alone. ---- */

/* One flow's record, filled from a flow (export.c) or by a test. Strings
 * are raw bytes, not NUL-terminated; NULL = empty. */
struct export_str { const char *s; size_t len; };

#define EXPORT_MAX_FIELDS 32		/* NL_MAX_FIELDS */

struct export_rec {
	uint8_t family;			/* 4 or 6 */
	uint8_t proto;			/* protocolIdentifier */
	uint8_t end_reason;		/* enum export_end_reason */
	uint8_t biflow_dir;		/* biflowDirection */
	uint16_t tcp_flags;
	uint16_t sport, dport;
	uint8_t src[16], dst[16];
	uint64_t octets, packets;	/* source → destination, this period */
	uint64_t rev_octets, rev_packets;
	uint64_t start_ms, end_ms;	/* first and last packet */
	uint32_t pid;			/* 0 = unknown */
	uint32_t retransmits, rtt_us;
	uint32_t in_ifindex;		/* ingressInterface: 0 = not known */
	struct export_str app, process, state, domain;
	struct export_str ifname;	/* interfaceName */
	int dissector;			/* template group: -1 = none */
	struct export_str fields[EXPORT_MAX_FIELDS];	/* that dissector's, by id */
	uint64_t field_num[EXPORT_MAX_FIELDS];		/* numeric fields */
};

/* An information element in a template. */
struct ipfix_ie {
	uint16_t id;		/* without the enterprise bit */
	uint16_t len;		/* 65535 = variable */
	uint32_t pen;		/* 0 = IANA */
	uint8_t src;		/* what fills it (export_ipfix.c) */
	uint8_t field;		/* dissector field id for src == field */
};

#define IPFIX_MAX_IES 64
#define IPFIX_VARLEN 65535

struct ipfix_template {
	uint16_t id;
	uint16_t n;
	struct ipfix_ie ie[IPFIX_MAX_IES];
};

/* A dissector's fields as export sees them. */
struct ipfix_field_decl {
	const char *key;	/* "tls.sni" */
	uint16_t type;		/* enum nl_field_type */
};

/* The template of family (4/6) for one dissector's fields (or none:
 * fields = NULL), IDs under pen. Fields with no standard element get
 * ipfix_field_element(); taken[] (bitmap of 32768) avoids collisions and
 * is updated. */
void ipfix_template_build(struct ipfix_template *t, uint16_t id, int family, uint32_t pen,
			  const struct ipfix_field_decl *fields, unsigned n_fields,
			  uint8_t *taken);

/* The element a dissector field maps to: a standard one (http.*), a fixed
 * enterprise one (the built-in dissectors), or 1024 + FNV-1a(key) % 31744
 * (the next free one on a collision). *pen is 0 for IANA, else `pen`. */
void ipfix_field_element(const char *key, uint16_t type, uint32_t pen, const uint8_t *taken,
			 uint16_t *id, uint16_t *len, uint32_t *out_pen);

/* A message under construction. */
struct ipfix_msg {
	uint8_t *buf;		/* not owned */
	size_t cap, len;
	size_t set_off;		/* open set's header, 0 = none */
	uint16_t set_id;
	uint32_t records;	/* data records in it */
};

void ipfix_msg_begin(struct ipfix_msg *m, uint8_t *buf, size_t cap, uint32_t domain);
/* Adds one template record (template set). -1 when it does not fit. */
int ipfix_msg_add_template(struct ipfix_msg *m, const struct ipfix_template *t);
/* A string as IPFIX carries it (RFC 7011 §6.1.6: valid UTF-8): in's bytes
 * with control bytes, DEL, '\\' and invalid UTF-8 written "\xHH" as the views
 * do, cut to at most cap bytes between characters. Writes to out unless
 * NULL; returns the length. */
size_t ipfix_str_clean(uint8_t *out, const char *in, size_t n, size_t cap);

/* Adds one data record; strings are cleaned and cut to str_cap bytes
 * (ipfix_str_clean). -1 when it does not fit (the message is unchanged). */
int ipfix_msg_add_record(struct ipfix_msg *m, const struct ipfix_template *t,
			 const struct export_rec *r, size_t str_cap);
/* Closes the open set and writes the length; returns it. */
size_t ipfix_msg_end(struct ipfix_msg *m);
/* Fills a finished message's export time and sequence number. */
void ipfix_msg_stamp(uint8_t *msg, uint32_t export_time, uint32_t seq);

#endif
