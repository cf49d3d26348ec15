/*
 * owners.h - which process owns each flow: live, and in a capture whose
 * link layer names the process (Apple's PKTAP).
 *
 * Sockets and their owners come from the platform (platform.h): a procfs
 * scan, or eBPF events as they happen. A flow is matched to a socket by its
 * exact tuple (either orientation), else to a listening or unconnected
 * socket on its local port. The answer is cached per flow; a flow left
 * unknown asks for a new procfs scan, which runs at most every
 * OWNERS_SCAN_GAP_US and only when some flow is unknown.
 *
 * Bounded: OWNERS_SOCKETS_MAX sockets, OWNERS_PROCS_MAX processes (the
 * oldest forgotten first), one 20-byte cache slot per table slot, and a
 * count of sockets per local port (at most 256 KiB, paged in as ports are
 * used): a flow on two ports with no socket is unknown without a probe.
 *
 * A handle packs a process slot, its generation, how the match was made
 * and where the socket was reported, so a closed flow in the history keeps
 * its owner in 32 bits.
 */
#ifndef NETLENS_OWNERS_H
#define NETLENS_OWNERS_H

#include <stdint.h>

#include "flow.h"
#include "flow_table.h"
#include "platform/platform.h"

#define OWNERS_SOCKETS_MAX 65536
#define OWNERS_PROCS_MAX 4095
#define OWNERS_SCAN_GAP_US 2000000u

/* How a flow found its socket (RustNet's match quality, A8). */
enum owner_match {
	MATCH_NONE = 0,
	MATCH_EXACT_TUPLE,	/* the flow's own socket, as reported with its local address */
	MATCH_WILDCARD_LOCAL,	/* the flow's own socket, reported with local 0.0.0.0 or :: */
	MATCH_LISTENER,		/* a listening or unconnected socket on the local port (an
				 * ICMP echo flow: the ping socket whose port is its id, on
				 * the wildcard address) */
};

struct owner_proc {
	struct proc_info info;
	char comm[16];		/* as the socket source reported it (pid reuse check) */
	uint64_t start[2];	/* the process's start as procfs [0] and eBPF [1] reported
				 * it, 0 = not yet (pid reuse check; kept apart because a
				 * time namespace shifts what procfs shows) */
	uint8_t method;		/* enum owner_method: where we learnt it */
	uint8_t retired;	/* another program has its pid now: its flows keep it */
	uint16_t gen;
};

struct owners_stats {
	uint64_t scans;			/* procfs scans run */
	uint64_t scan_us_total;		/* their cost */
	uint64_t last_scan_us;		/* cost of the latest */
	uint32_t last_scan_sockets;	/* sockets with an owner it found */
	uint64_t events;		/* owners reported by eBPF */
	uint64_t hits, misses;		/* flow lookups */
	uint64_t pids_reused;		/* a known pid reported for another program */
};

struct owners;

struct owners *owners_new(const struct flow_table *t);
void owners_free(struct owners *o);

/* A socket and its owner (procfs scan or eBPF event). */
void owners_add(struct owners *o, const struct sock_owner *s);

/* The owner handle of f (0 = unknown). Live flows are looked up once and
 * cached; a closed flow (history) carries its handle. */
/* A source of owners that may hold records not handed over yet (the eBPF
 * ring buffer, which wakes netlens only in batches): asked on a miss before
 * a flow is called unattributed. fn returns how many it handed over. */
void owners_set_drain(struct owners *o, int (*fn)(void *ctx), void *ctx);

/* Live capture knows this machine's addresses (the tracker marked each
 * flow's local ends from them): flows with no local end are then not looked
 * up, unless sent to a group or broadcast address. NULL: locality unknown. */
void owners_set_locality(struct owners *o, const struct local_addrs *la);

uint32_t owners_of(struct owners *o, const struct flow *f);

/* The process behind a handle, or NULL (unknown, or forgotten since). */
const struct owner_proc *owners_proc(const struct owners *o, uint32_t handle);
enum owner_match owners_match(uint32_t handle);
/* Where the matched socket was reported (procfs, eBPF, PKTAP). */
enum owner_method owners_match_method(uint32_t handle);
const char *owners_match_name(enum owner_match m);
/* RustNet's token for a handle's match, as JSON and pcapng comments write
 * it: exact-tuple, wildcard-local-address, listener-socket for a socket
 * eBPF or the capture reported; procfs-exact, procfs-relaxed for one a
 * procfs scan found; unspecified for none. */
const char *owners_match_token(uint32_t handle);
const char *owners_method_name(enum owner_method m);

/* Runs a procfs scan if a flow is waiting for one and the last scan is
 * old enough; also a first scan at start. Call from a timer. */
void owners_tick(struct owners *o, uint64_t now_us);

/* The sockets that exist already were reported another way (eBPF's
 * iter/task_file): no procfs scan at the first owners_tick(), only when a
 * flow is left unknown. */
void owners_first_scan_done(struct owners *o);

/* Owners come from the capture itself (PKTAP headers, owners_add() with
 * OWNER_PKTAP): this machine's sockets are never scanned. */
void owners_set_from_capture(struct owners *o);
/* 1 when o's owners come from the capture (PKTAP), 0 otherwise (or NULL). */
int owners_from_capture(const struct owners *o);
/* The method that currently feeds it ("eBPF", "procfs", "none"). */
const char *owners_active_method(const struct owners *o);
void owners_set_ebpf(struct owners *o, int on);
/* Which eBPF tier loaded (e.g. "tp_btf + cgroup hooks"), for the headless
 * summary and the UI; copied. "" while procfs feeds it. */
void owners_set_ebpf_tier(struct owners *o, const char *tier);
const char *owners_ebpf_tier(const struct owners *o);

const struct owners_stats *owners_stats(const struct owners *o);

/* The process's instance (NULL when attribution is off: files, --no-attribution). */
extern struct owners *owners_current;

#endif
