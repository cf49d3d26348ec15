/*
 * mirror.h - a worker's flows, on their way to the parent (--workers).
 *
 * A worker (workers.c) tracks the flows the kernel's PACKET_FANOUT hash
 * gives it and, every refresh, sends the parent a snapshot: the flows that
 * changed since the last one, the flows that closed, the passive DNS names
 * its dissectors noted, and its counters. The parent rebuilds those flows in
 * its own table (tracker_mirror_*), so the UI, the JSON output, the event
 * log, process attribution and export see one table, as with one process.
 *
 * The encoding is msgpack (doc/snapshot.md, "worker channel"), framed by a
 * 4-byte big-endian length. The parent treats every message as hostile: a
 * worker parses packets from the wire, and a compromised one must not get
 * at the parent's memory. mirror_check() bounds a message before msgpack-c
 * allocates for it; mirror_decode() validates every value it takes.
 */
#ifndef NETLENS_MIRROR_H
#define NETLENS_MIRROR_H

#include <msgpack.h>
#include <stddef.h>
#include <stdint.h>

#include "dpi.h"
#include "flow.h"
#include "tracker.h"

#define MIRROR_VERSION 1
#define MIRROR_MAX_MESSAGE (16u << 20)	/* bytes; a larger frame ends the worker */
#define MIRROR_MAX_DEPTH 8

/* A worker's counters, summed by the parent for its status line and --stats. */
struct mirror_counters {
	struct tracker_stats stats;	/* packet-level counters (flows_* are the parent's own) */
	struct tcp_totals tcp;
	uint64_t pcap_received, pcap_dropped, pcap_ifdropped;
	/* its dissectors' (struct dpi_stats but flows_with_results, which the
	 * parent counts in its own table); absent from snapshots of before
	 * 2026-12-06: then 0 */
	uint64_t dpi_offered, dpi_identified, dpi_malformed, dpi_api_errors, dpi_names_noted,
		dpi_stream_capped, dpi_stream_consumed;
	uint64_t dpi_stream_gaps;	/* absent before 2026-12-07: then 0 */
};

/* ---- the worker's side ----------------------------------------------- */

/* Starts a snapshot: [version, worker, now_us, counters, flows, closed, names,
 * final, neighbors]: then come mirror_pack_flows(n) and n flows,
 * mirror_pack_closed(n) and n closed flows, mirror_pack_names(n) and n names,
 * mirror_pack_end(), mirror_pack_neighbors(n) and n neighbours. */
void mirror_pack_begin(msgpack_packer *pk, unsigned worker, uint64_t now_us,
		       const struct mirror_counters *c);
void mirror_pack_flows(msgpack_packer *pk, uint32_t n);
void mirror_pack_flow(msgpack_packer *pk, const struct flow *f, const struct dpi *dpi);
void mirror_pack_closed(msgpack_packer *pk, uint32_t n);
void mirror_pack_closed_flow(msgpack_packer *pk, const struct flow *f, const struct dpi *dpi,
			     enum close_reason why);
void mirror_pack_names(msgpack_packer *pk, uint32_t n);
void mirror_pack_name(msgpack_packer *pk, int family, const uint8_t *addr, const char *name,
		      size_t len, uint32_t ttl_s);

/* final: the worker's last snapshot before it exits (asked for at exit). */
void mirror_pack_end(msgpack_packer *pk, int final);
/* What ARP and neighbour discovery taught the worker (neighbors_set_tap). */
void mirror_pack_neighbors(msgpack_packer *pk, uint32_t n);
void mirror_pack_neighbor(msgpack_packer *pk, int family, const uint8_t *addr,
			  const uint8_t mac[6], uint64_t seen_us);

/* ---- the parent's side ----------------------------------------------- */

/* 0 when buf holds exactly one msgpack object whose every array, map,
 * string and binary fits in what is left of buf, nested at most
 * MIRROR_MAX_DEPTH deep; -1 otherwise. */
int mirror_check(const uint8_t *buf, size_t len);

/* What the parent does with a decoded snapshot. */
struct mirror_sink {
	void *ctx;
	void (*counters)(void *ctx, unsigned worker, uint64_t now_us, const struct mirror_counters *c);
	/* f is a scratch flow: key, counters, state, analytics; dpi results
	 * already checked by dpi_import()'s rules are in *res (NULL: none). */
	void (*flow)(void *ctx, unsigned worker, const struct flow *f, const struct dpi_results *res);
	void (*closed)(void *ctx, unsigned worker, const struct flow *f, const struct dpi_results *res,
		       enum close_reason why);
	void (*name)(void *ctx, int family, const uint8_t *addr, const char *name, size_t len,
		     uint32_t ttl_s);
	void (*final)(void *ctx, unsigned worker);
	/* A hardware address; mac is a unicast one (checked). */
	void (*neighbor)(void *ctx, int family, const uint8_t *addr, const uint8_t mac[6],
			 uint64_t seen_us);
};

/* Decodes one framed message's body. Returns 0, or -1 with why set (the
 * message is then dropped whole; callbacks may have run for a prefix). */
int mirror_decode(const uint8_t *buf, size_t len, const struct mirror_sink *sink,
		  const char **why);

#endif
