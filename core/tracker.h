/*
 * tracker.h - turns decoded packets into flows: lookup or create, count,
 * run the TCP machine and analytics, expire, evict, archive.
 */
#ifndef NETLENS_TRACKER_H
#define NETLENS_TRACKER_H

#include <stdint.h>

#include "flow_table.h"
#include "frag.h"
#include "reasm.h"
#include "history.h"
#include "packet.h"
#include "tcp.h"
#include "tombstone.h"

enum flow_event { FLOW_EVENT_NEW, FLOW_EVENT_CLOSED };

/* Why a flow left the table. */
enum close_reason {
	CLOSE_IDLE = 0,		/* its timeout passed */
	CLOSE_EVICTED,		/* the table was full */
	CLOSE_NEW_GENERATION,	/* a SYN reused the tuple after close */
	CLOSE_SHUTDOWN,		/* netlens is exiting (still reported as open) */
	CLOSE_CLEARED,		/* the user cleared the tables */
	CLOSE_WORKER_LOST,	/* --workers: the worker that held it died (the
				 * connection may well go on); never on the wire */
};

/* Decides whether an address belongs to this machine (live capture). */
typedef int (*is_local_fn)(int family, const uint8_t *addr, void *ctx);

typedef void (*flow_event_fn)(void *ctx, enum flow_event ev, const struct flow *f,
			      enum close_reason why, uint64_t now_us);

struct tracker_config {
	uint32_t max_flows;	/* active flows (default 100 000) */
	uint32_t history;	/* closed flows kept (default 5 000) */
	int hide_loopback;	/* --no-localhost: skip loopback↔loopback traffic */
	is_local_fn is_local;	/* NULL: no locality (capture files) */
	void *is_local_ctx;
	/* Marks netlens' own flows (FLOW_OWN) when they are made, while the
	 * resolver still knows its socket: a flow's close comes a minute later. */
	int (*is_own)(const struct flow *f, void *ctx);
	void *is_own_ctx;
	flow_event_fn on_event;	/* NULL: no events */
	void *event_ctx;
	struct dpi *dpi;	/* NULL: no payload inspection (--no-dpi) */
};

struct tracker_stats {
	uint64_t packets, bytes;		/* every frame handed in */
	uint64_t tracked_packets, tracked_bytes;/* frames counted in a flow */
	uint64_t by_proto_packets[L4_OTHER_IP + 1];
	uint64_t not_ip;			/* frames with nothing to track */
	uint64_t unsupported_link;
	uint64_t truncated, malformed;
	uint64_t loopback_skipped;
	uint64_t late_teardown;			/* ignored by a tombstone */
	uint64_t fragments_pending;		/* held until their first fragment */
	uint64_t icmp_errors_noted;		/* errors matched to the flow they quote */
	uint64_t flows_created, flows_closed, flows_evicted;
	uint32_t peak_flows;
};

struct tracker {
	struct tracker_config cfg;
	struct flow_table table;
	struct history history;
	struct frag_table frags;
	struct reasm reasm;		/* UDP datagrams from fragments, for DPI */
	struct tombstones *tombs;	/* owned */
	struct tracker_stats stats;
	struct tcp_totals tcp;		/* counted since start */
	struct tcp_totals closed_tcp;	/* the part of `tcp` in flows that closed */
	uint32_t open_by_proto[L4_OTHER_IP + 1];
	uint64_t now_us;		/* latest packet or timer time */
	struct flow *last_flow;		/* the flow tracker_packet() last counted a packet in,
					 * NULL when that packet made none; valid until the
					 * next call into the tracker */
	uint64_t advance_at_us;		/* the wheel's next second, µs (0 before it
					 * starts): a packet from then on moves it */
	uint64_t *mirror_mask;		/* --workers parent: per table slot, the
					 * workers holding a part of the flow */
	struct rate64 traffic;		/* all tracked traffic: [DIR_FWD] up (from the
					 * flows' sources), [DIR_REV] down */
	uint64_t traffic_bytes[2];	/* the same bytes counted since start (or x x) */
	struct rate_history totals;	/* traffic_bytes once a second: iftop's 2/10/40 s */
};

int tracker_init(struct tracker *t, const struct tracker_config *cfg);
void tracker_free(struct tracker *t);

/* Counts a frame that decode() rejected. */
void tracker_note_undecoded(struct tracker *t, enum decode_result r, uint32_t wire_len);

/* Tracks one decoded packet (decode returned DECODE_OK). */
void tracker_packet(struct tracker *t, struct packet *pkt);

/* Moves the clock to now_us and expires what is due (bounded work);
 * returns the number of flows expired. */
uint32_t tracker_advance(struct tracker *t, uint64_t now_us);

/* The capture has ended (end of file, or exit): gives up the gaps open
 * flows still wait for (dpi_flush_gaps), so what was captured past them is
 * inspected. */
void tracker_flush_gaps(struct tracker *t);

/* Reports every open flow as closed (CLOSE_SHUTDOWN) without removing it. */
void tracker_flush_events(struct tracker *t);

/* Empties the table and history (the UI's clear). */
void tracker_clear(struct tracker *t);

/* The parent of --workers keeps the workers' flows in its own table, as
 * mirror.h describes. src is a flow as worker w holds it, except that its
 * packets and bytes are what it counted since it last reported the flow;
 * res its dissector results (NULL: none). A key is made (FLOW_EVENT_NEW)
 * the first time any worker reports it; a flow whose packets the kernel's
 * hash spread over several workers (ICMP, whose hash takes in the checksum)
 * is one flow here, the sum of their parts. Mirrors are never expired
 * here: a flow closes when every worker holding it has closed its part.
 * Returns the parent's flow, or NULL when the table is full. */
struct dpi_results;
struct flow *tracker_mirror_flow(struct tracker *t, const struct flow *src,
				 const struct dpi_results *res, unsigned w);
void tracker_mirror_close(struct tracker *t, const struct flow *src,
			  const struct dpi_results *res, enum close_reason why, unsigned w);
/* Worker w is gone: its parts are dropped; flows only it held are closed
 * (CLOSE_WORKER_LOST: they may well go on). Returns how many were closed. */
uint32_t tracker_mirror_drop_worker(struct tracker *t, unsigned w);

/* Active TCP analytics summed over open flows. */
void tracker_tcp_active(struct tracker *t, struct tcp_totals *out, uint32_t *tcp_flows);

/* Bytes of memory per tracked flow (slab + hash bucket share). */
double tracker_bytes_per_flow(const struct tracker *t);

#endif
