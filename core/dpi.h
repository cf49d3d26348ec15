/*
 * dpi.h - deep packet inspection: offers flows' payload to the loaded
 * dissector plugins and keeps what they found.
 *
 * A flow's payload is offered while it is undecided: port-hinted dissectors
 * first, then the others. A dissector that declines is never asked again;
 * the first that sets a field owns the flow and the others stop being asked;
 * one that reaches its packet budget is dropped. Once no candidate is left,
 * the per-flow work (dissector state blocks, stream buffers) is freed and
 * only the results stay: established bulk traffic costs one comparison per
 * packet. Results are bounded (DPI_RESULT_MAX_BYTES per flow).
 */
#ifndef NETLENS_DPI_H
#define NETLENS_DPI_H

#include <stddef.h>
#include <stdint.h>

#include "flow.h"
#include "packet.h"
#include "plugins/loader.h"
#include "strbuf.h"

#define DPI_NONE 0u			/* flow->dpi: not looked at yet */
#define DPI_NOTHING UINT32_MAX		/* flow->dpi: looked at, nothing found */
#define DPI_RESULT_MAX_BYTES 6144	/* results kept per flow, packed (4 bytes a value
					 * plus its text or 8-byte number) */

struct dpi_flow;
struct dpi_work;

/* The dissectors whose port hints name a port: a new flow's hinted set is
 * two look-ups, not a walk over every dissector's hints. */
struct dpi_port_hint {
	uint16_t port;
	uint32_t set;			/* bitmask over dpi->set */
};

/* Work blocks of decided flows kept for new ones, and their first stream
 * buffers (twice as many): most flows are decided within a few packets, and
 * each cost an allocation and up to two buffer growths. */
#define DPI_WORK_POOL 64

struct dpi_stats {
	uint64_t offered;		/* payload units handed to dissectors */
	uint64_t identified;		/* flows a dissector claimed */
	uint64_t malformed;		/* MALFORMED verdicts */
	uint64_t api_errors;		/* API calls refused (bad id, type, bound) */
	uint64_t flows_with_results;	/* results held now */
	uint64_t names_noted;		/* passive names offered (note_name) */
	uint64_t stream_capped;		/* flows whose stream dissection stopped at the memory cap */
	uint64_t stream_consumed;	/* stream bytes dropped once every dissector consumed them */
	uint64_t stream_gaps;		/* gaps in a stream given up (never filled, or filled
					 * too late), read on past (NL_DESC_GAPS) */
};

struct dpi {
	struct dissector_set set;
	struct nl_host_api api;
	struct dpi_flow *arena;		/* owned: flows' states in place; index = flow->dpi */
	uint32_t arena_cap, arena_used;
	uint32_t *free_ids;		/* owned: released indices, reused first */
	uint32_t n_free, free_cap;
	struct dpi_stats stats;
	/* Bitmasks over set (built by dpi_ready): the dissectors asked about
	 * TCP, about UDP, and those of them reading TCP streams. A flow's
	 * candidates are asked in index order, which a mask walked from its
	 * lowest bit gives. */
	uint32_t tcp_set, udp_set, stream_set;
	struct dpi_port_hint *hints;	/* owned: sorted by port, one per port */
	unsigned n_hints;
	uint64_t hint_filter[4];	/* bit (port ^ port >> 8) & 255 set for each
					 * hinted port: most ports are looked up no further */
	void *scratch;			/* owned: a state block for first calls */
	uint32_t scratch_size;
	struct dpi_work *pool[DPI_WORK_POOL];	/* owned: zeroed */
	uint8_t *buf_pool[2 * DPI_WORK_POOL];	/* owned: stream buffers of the first size */
	unsigned n_pool, n_buf_pool;
	size_t stream_bytes;		/* stream buffers held by flows being dissected */
	size_t stream_limit;		/* cap on stream_bytes (dpi_set_stream_limit) */
	int timeout_moved;		/* a dissector set a flow's idle timeout since
					 * dpi_timeout_moved() was asked */
	uint8_t blob_scratch[DPI_RESULT_MAX_BYTES];	/* one call's growing results */
};

/* flow->dpi_owner, noted by dpi.c so that a packet of a flow needs no look-up
 * in its results: the owner's index + 1 (0: no owner noted; the owner never
 * changes), DPI_OWNER_OVER when its label says the flow is over (the label
 * changes only during a dissector's call), DPI_OWNER_DECIDED once no
 * dissector is asked any more (results kept). */
#define DPI_OWNER_INDEX 0x3f
#define DPI_OWNER_DECIDED 0x40
#define DPI_OWNER_OVER 0x80

/* The flow's results are final: its payload need not be offered. */
static inline int dpi_flow_decided(const struct flow *f) { return f->dpi_owner & DPI_OWNER_DECIDED; }

/* Sets up the host API and an empty set; plugins are loaded by the caller
 * through dpi->set (loader.h), then dpi_ready() builds the dispatch sets and
 * the port-hint table from the set as it is then (a dissector disabled or
 * changed later needs another dpi_ready()). */
int dpi_init(struct dpi *d);

/* Stream-mode reassembly keeps each undecided TCP flow's bytes (up to
 * NL_MAX_STREAM a direction) while a stream dissector waits for more: many
 * half-finished handshakes would otherwise hold max_flows x 32 KiB. Past
 * this many bytes for all flows together, a flow that needs more stream
 * memory stops being offered to stream dissectors (results so far are
 * kept; counted in stats.stream_capped). */
#define DPI_STREAM_LIMIT_DEFAULT (16u << 20)
void dpi_set_stream_limit(struct dpi *d, size_t bytes);
void dpi_ready(struct dpi *d);
void dpi_free(struct dpi *d);

/* Offers p's payload (direction dir of f) if f is still undecided. */
void dpi_offer(struct dpi *d, struct flow *f, const struct packet *p, int dir);

/* The flow ends (it closes, or its file does): a gap still waited for in
 * either direction is given up and the bytes held past it delivered with
 * it (nl_payload.gap), to the dissectors that read past gaps. Returns the
 * number of gaps given up (0: nothing changed). */
int dpi_flush_gaps(struct dpi *d, struct flow *f);

/* The flow is leaving the table: stop dissecting it (dpi_flush_gaps first). Results stay with its
 * handle (history keeps it) unless there are none. */
void dpi_finish(struct dpi *d, struct flow *f);

/* Frees a handle's results (its flow is gone for good). */
void dpi_release(struct dpi *d, uint32_t handle);

/* Appends the results as JSON members (",\"dpi_protocol\":..."). */
void dpi_json(const struct dpi *d, uint32_t handle, struct strbuf *b);

/* "TLS (example.org)" into b, sanitised for a terminal; nothing when the
 * flow has no results. */
void dpi_summary(const struct dpi *d, uint32_t handle, struct strbuf *b);

/* The idle timeout (seconds) the owning dissector declares, 0 = none. */
uint32_t dpi_idle_timeout_s(const struct dpi *d, uint32_t handle);

/* The same for a flow, and *over = its owner's label ends in _CLOSED or
 * _DRAINING. Asked for every packet (lifecycle.c): a flow in the table
 * answers from what dpi_offer noted in it (flow->dpi_owner), without reading its
 * results; other flows (history's copies) look them up. */
uint32_t dpi_flow_timeout_s(const struct dpi *d, const struct flow *f, int *over);
/* Whether a dissector set a flow's idle timeout (set_idle_timeout) since
 * the last ask: the offered flow's deadline may have moved. Clears it. */
int dpi_timeout_moved(struct dpi *d);

/* The state label a dissector set, or NULL. */
const char *dpi_state_label(const struct dpi *d, uint32_t handle);
/* Asks the CPU to start loading what dpi_json() will read of a flow's
 * results, one link of the chain per stage (0: the state, one line in the
 * handle's slot; 1: the records, found through the state stage 0
 * fetched). A printer walking thousands of flows calls it a few flows
 * ahead, stage 0 one flow before stage 1. */
void dpi_prefetch(const struct dpi *d, uint32_t handle, int stage);
/* Whether a handle names a flow's state now (for checks and tests). */
int dpi_handle_live(const struct dpi *d, uint32_t handle);

/* For views. The owning dissector's display name ("TLS"), or NULL. */
const char *dpi_owner_display(const struct dpi *d, uint32_t handle);
/* The value naming the remote end (SNI, Host, DNS query), raw bytes (views
 * sanitise them) and their length, or NULL. */
const char *dpi_domain(const struct dpi *d, uint32_t handle, size_t *len);
/* Every result in field declaration order, one call per value (list items
 * one each, numbers in decimal); values are raw bytes. */
typedef void (*dpi_field_fn)(void *ctx, const char *key, const char *label,
			     const char *val, size_t len);
void dpi_foreach_field(const struct dpi *d, uint32_t handle, dpi_field_fn fn, void *ctx);

/* Per-core workers (workers.c): a worker's results travel to the parent,
 * which loaded the same dissectors in the same order before it forked them.
 * dpi_export gives a handle's results as they are held: the owner's index
 * (-1: none), its state label and the packed records; 0 when the handle has
 * none. dpi_import checks such results against the dissectors' field tables
 * (the worker parses hostile bytes and is not trusted with the parent's
 * memory) and stores them under *handle (allocating one if it has none;
 * clearing it when there is nothing). Returns 0, or -1 if they are invalid. */
struct dpi_results {
	int owner;
	const char *label;	/* NUL-terminated, shorter than DPI_LABEL_MAX */
	const uint8_t *blob;
	size_t len;
};
#define DPI_LABEL_MAX 24
int dpi_export(const struct dpi *d, uint32_t handle, struct dpi_results *out);
int dpi_import(struct dpi *d, uint32_t *handle, const struct dpi_results *in);
/* flow->dpi_owner for a flow whose results were imported (decided: workers
 * dissect, the parent never does). */
void dpi_note_imported(const struct dpi *d, struct flow *f);

/* The process's DPI engine for views (NULL when DPI is off). */
extern struct dpi *dpi_current;

#endif
