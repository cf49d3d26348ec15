/*
 * netlens/dissector.h - the dissector plugin ABI, version 1.5.
 *
 * A dissector is a shared object exporting one function,
 * netlens_dissector_entry(), that returns a pointer to a constant
 * descriptor (struct nl_dissector). netlens loads it with dlopen(), checks
 * the descriptor, and from then on calls dissect() with payload of the flows
 * the dissector may understand. The plugin links against nothing of
 * netlens: everything it may ask of the host is in the function table
 * (struct nl_host_api) handed to it, and packet bytes are reached only
 * through the bounds-checked reader of <netlens/reader.h>.
 *
 * Versioning (doc/plugin-abi.md):
 *  - NL_ABI_MAJOR must match exactly; a change that breaks old plugins or
 *    old hosts bumps it.
 *  - NL_ABI_MINOR only grows: new members go at the end of a struct.
 *  - Every struct crossing the boundary starts with struct_size, the size
 *    its author compiled. A reader uses only the members that size covers
 *    (missing ones count as zero); a struct larger than the reader knows
 *    must have its unknown tail all zero, or it is rejected.
 *
 * What a plugin must not do: block, sleep or do I/O; keep mutable global
 * state (per-flow state lives in the block the host allocates); call
 * ncurses, libev, libpcap or exit(); keep a pointer to anything the host
 * passed once the call returns; longjmp out of a call; read packet bytes
 * other than through struct nl_reader.
 */
#ifndef NETLENS_DISSECTOR_H
#define NETLENS_DISSECTOR_H

#include <stddef.h>
#include <stdint.h>

#include <netlens/reader.h>

#ifdef __cplusplus
extern "C" {
#endif

#define NL_ABI_MAJOR 1
#define NL_ABI_MINOR 5

/* The one symbol a plugin exports. */
#define NL_DISSECTOR_ENTRY_SYMBOL "netlens_dissector_entry"

#if defined(__GNUC__)
#define NL_EXPORT __attribute__((visibility("default")))
#else
#define NL_EXPORT
#endif

/* Bounds the host enforces (a descriptor beyond them is rejected). */
#define NL_MAX_NAME 16		/* dissector name: [a-z][a-z0-9_]*, at most 16 */
#define NL_MAX_FIELDS 32	/* fields one dissector declares */
#define NL_MAX_KEY 48		/* a field key, "name.part" */
#define NL_MAX_PORT_HINTS 32
#define NL_MAX_STATE 65536	/* per-flow state bytes */
#define NL_MAX_STR 256		/* bytes kept of one string value */
#define NL_MAX_LIST 16		/* values kept in one list field */
#define NL_DEFAULT_BUDGET 10	/* payload units offered per flow when budget is 0 */
#define NL_MAX_STREAM 16384	/* bytes of a direction's stream kept for NL_DESC_STREAM */

/* What dissect() concluded. */
enum nl_verdict {
	NL_NEED_MORE = 0,	/* it may be (or is) mine: offer me the next payload */
	NL_DONE = 1,		/* mine, and I have all I want: stop offering me this flow */
	NL_NOT_MINE = 2,	/* not my protocol: never offer me this flow again */
	NL_MALFORMED = 3,	/* my protocol, but broken: stop; the host counts it */
};

/* Transports (descriptor .transports, payload .transport). */
#define NL_TCP 0x1u
#define NL_UDP 0x2u

/* Descriptor flags. A flag the host does not know is rejected. */
#define NL_DESC_STREAM 0x1u	/* TCP: instead of single segments, each call gets the
				 * direction's whole in-order stream from its first
				 * byte (from the first byte not consumed, ABI 1.1),
				 * reassembled by the host (at most NL_MAX_STREAM
				 * bytes), whenever it grows: a message split across
				 * segments is simply re-read in full.
				 * A segment that arrives ahead of a gap is held
				 * (one run of them a direction) until the gap
				 * fills. */
#define NL_DESC_GAPS 0x2u	/* ABI 1.5, with NL_DESC_STREAM: the dissector reads on
				 * past a hole in the stream. When what comes past a
				 * gap finds no more room to be held in (a segment
				 * the capture lost, or one whose retransmission
				 * comes too late to be waited for), or the flow ends
				 * with the gap still open, the host gives the gap up
				 * and delivers what follows with payload.gap saying
				 * how many bytes the dissector will never see
				 * (doc/plugin-abi.md, "Gaps"). Without this flag a
				 * dissector still reading that direction is dropped
				 * there (it keeps what it set). */
#define NL_DESC_KNOWN_FLAGS (NL_DESC_STREAM | NL_DESC_GAPS)

enum nl_field_type {
	NL_FIELD_STR = 1,	/* text; JSON string */
	NL_FIELD_U64 = 2,	/* unsigned number; JSON number */
	NL_FIELD_STR_LIST = 3,	/* up to NL_MAX_LIST texts; JSON array */
};

/* A field, declared up front. fields[i].id must be i. */
struct nl_field {
	uint16_t id;
	uint16_t type;		/* enum nl_field_type */
	uint32_t reserved;	/* must be 0 */
	const char *key;	/* "<dissector name>.<part>", [a-z0-9_.]; JSON: dots → '_' */
	const char *label;	/* human label, e.g. "Server name" */
};

/* One unit of payload: a UDP datagram, a TCP segment's bytes, or with
 * NL_DESC_STREAM a direction's stream from its start. Valid only during the
 * call. */
struct nl_payload {
	uint32_t struct_size;
	uint8_t transport;	/* NL_TCP or NL_UDP */
	uint8_t from_client;	/* 1: sent by the flow's initiator (client), 0: by the server */
	uint16_t src_port;	/* ports of this packet */
	uint16_t dst_port;
	uint16_t reserved;
	uint64_t ts_us;		/* capture time, microseconds since the epoch */
	uint64_t stream_offset;	/* offset of data's first byte in its direction's
				 * stream: with NL_DESC_STREAM, the bytes this
				 * dissector gave up with consume() (ABI 1.1), so 0
				 * until it calls consume(); 0 otherwise */
	struct nl_reader data;	/* the bytes */
	/* ABI 1.3; check NL_PAYLOAD_HAS(payload, member) first (a host of
	 * 1.2 or older passes a shorter struct). 0 means not known. */
	uint8_t ip_version;	/* 4 or 6: the IP version the packet came over */
	uint8_t reserved2[3];
	uint32_t wire_len;	/* a UDP datagram's or TCP segment's payload bytes
				 * as its headers give them: more than data holds
				 * when the capture's snap length cut the packet,
				 * so a message that runs "to the end of the
				 * datagram" can tell it is not whole. Never less
				 * than data's length. In stream mode, data's length
				 * (a cut segment's captured bytes join the stream,
				 * and what the cut took is a gap it waits at). */
	/* ABI 1.5 (NL_DESC_GAPS): stream bytes this dissector will never see,
	 * between the last byte it consumed and data's first: what it was
	 * handed before and had not consumed, then the hole given up. 0 in
	 * every other call. stream_offset counts them. */
	uint32_t gap;
};

/* Whether a payload from this host has a member of a later minor version. */
#define NL_PAYLOAD_HAS(payload, member)                                                            \
	((payload)->struct_size >= offsetof(struct nl_payload, member) + sizeof((payload)->member))

/* The host's flow, opaque to plugins: pass it back to the API. */
struct nl_flow;

/* Log levels for nl_host_api.log. */
enum { NL_LOG_ERROR = 1, NL_LOG_WARN = 2, NL_LOG_INFO = 3, NL_LOG_DEBUG = 4 };

/* What a plugin may ask of the host. All functions are safe to call only
 * during init() or dissect(), with the flow of that call. Strings are copied
 * (at most NL_MAX_STR bytes) and sanitised by the host before display;
 * they need not be NUL-terminated. Each returns 0, or -1 when the field id,
 * its type or a bound is wrong. */
struct nl_host_api {
	uint32_t struct_size;
	uint16_t abi_major;
	uint16_t abi_minor;
	int (*set_str)(struct nl_flow *f, uint16_t field, const void *s, size_t len);
	int (*set_u64)(struct nl_flow *f, uint16_t field, uint64_t v);
	/* Appends to a NL_FIELD_STR_LIST field; a value already there is not added twice. */
	int (*add_str)(struct nl_flow *f, uint16_t field, const void *s, size_t len);
	/* The flow's state label instead of the transport's ("DNS_QUERY",
	 * "QUIC_CONNECTED"): [A-Z0-9_], at most 23 characters. */
	int (*set_state)(struct nl_flow *f, const char *label);
	/* A name seen on the wire for an address (a DNS answer): the host may
	 * show it for flows to that address. family is 4 or 6. */
	int (*note_name)(struct nl_flow *f, int family, const uint8_t *addr, const void *name,
			 size_t len, uint32_t ttl_s);
	/* A diagnostic line (rate-limited, sanitised). f may be NULL. */
	void (*log)(struct nl_flow *f, int level, const char *msg);
	/* ABI 1.1; check NL_HOST_HAS(api, consume) first. With NL_DESC_STREAM
	 * over TCP: the dissector has no further use for the first n bytes of
	 * this call's data. The host may drop them; this dissector's later
	 * calls for the direction start after them, with stream_offset
	 * counting what it consumed. A dissector that consumes what it has
	 * read can follow a stream past NL_MAX_STREAM bytes, and one done with
	 * a direction consumes all of it, so that the host frees that
	 * direction's buffer while it waits for the other one. n past the
	 * data means all of it; calling it again in the same call moves the
	 * mark, never back. Returns -1 and does nothing for data that is not
	 * a stream (UDP, or no NL_DESC_STREAM). */
	int (*consume)(struct nl_flow *f, size_t n);
	/* ABI 1.2; check NL_HOST_HAS(api, ignore_direction) first. The
	 * dissector wants nothing more from one side of the flow (from_client
	 * 1: the client's, 0: the server's): that side's later data is not
	 * delivered to it, and not counted against its packet_budget, and in
	 * stream mode the host keeps none of it on its account. For a request
	 * read, with only the answer to wait for, behind a body of many
	 * segments. Returns -1 for a from_client other than 0 or 1. */
	int (*ignore_direction)(struct nl_flow *f, int from_client);
	/* ABI 1.4; check NL_HOST_HAS(api, set_idle_timeout) first. This UDP
	 * flow's idle timeout in seconds, in place of the descriptor's
	 * idle_timeout_s: what the protocol itself announces (QUIC's
	 * max_idle_timeout), or the timeout of a protocol the dissector reads
	 * beside its main one (NetBIOS names in the DNS dissector). Only once
	 * the flow is the caller's (it set a field or its state first), 1 to
	 * NL_MAX_IDLE_TIMEOUT_S; 0 goes back to the descriptor's. A label that
	 * says the flow is over (..._DRAINING, ..._CLOSED) still gives 15 s.
	 * Returns -1 for a TCP flow (its timeouts follow its state), a flow not
	 * yet the caller's, or a value over the bound. */
	int (*set_idle_timeout)(struct nl_flow *f, uint32_t seconds);
};

#define NL_MAX_IDLE_TIMEOUT_S 86400u	/* set_idle_timeout's bound: a day */

/* Whether the host's function table has a member (and sets it): a plugin
 * built against a newer minor ABI may be loaded by an older host. */
#define NL_HOST_HAS(api, member)                                                                   \
	((api)->struct_size >= offsetof(struct nl_host_api, member) + sizeof((api)->member) &&   \
	 (api)->member != NULL)

/* The descriptor. Constant, with static storage, in the plugin. */
struct nl_dissector {
	uint32_t struct_size;	/* sizeof(struct nl_dissector) as compiled */
	uint16_t abi_major;	/* NL_ABI_MAJOR */
	uint16_t abi_minor;	/* NL_ABI_MINOR */
	uint32_t flags;		/* NL_DESC_* */
	uint32_t transports;	/* NL_TCP | NL_UDP */
	const char *name;	/* "http": unique among loaded dissectors */
	const char *version;	/* the plugin's own version, e.g. "1.0.0" */
	const char *license;	/* SPDX identifier, e.g. "MIT" */
	const char *description;/* one line */
	const char *display;	/* protocol as shown: "HTTP", "HTTPS", "DNS" */
	const uint16_t *port_hints;	/* ports tried first (a hint, never a filter) */
	uint16_t n_port_hints;
	uint16_t packet_budget;	/* calls per flow before the host gives up (with
				 * NL_DESC_STREAM: deliveries of a grown stream,
				 * one that grew it by under 128 bytes counting
				 * in part: 128 bytes of those count as one);
				 * 0 = NL_DEFAULT_BUDGET */
	uint32_t state_size;	/* per-flow state bytes, zeroed by the host; 0 = none */
	const struct nl_field *fields;
	uint16_t n_fields;
	int16_t domain_field;	/* id of the field that names the remote end
				 * (host, SNI, query): gives dpi_domain; -1 = none */
	uint32_t idle_timeout_s;/* idle timeout of a flow this dissector identified
				 * (TCP: while ESTABLISHED), at most 86400;
				 * 0 = the transport's default */
	/* Called once after loading; non-zero refuses the plugin. Optional. */
	int (*init)(const struct nl_host_api *api);
	/* Called once before unloading. Optional. */
	void (*fini)(void);
	/* Looks at one payload of a flow. state is this flow's zeroed block
	 * (NULL when state_size is 0). Required. */
	enum nl_verdict (*dissect)(const struct nl_host_api *api, struct nl_flow *flow, void *state,
				   const struct nl_payload *payload);
	/* Called before the host frees a flow's state block, to release what
	 * the plugin put in it. Optional; must not call the API. */
	void (*release)(void *state);
};

/* The entry point every plugin defines:
 *   NL_EXPORT const struct nl_dissector *netlens_dissector_entry(void);
 */
typedef const struct nl_dissector *(*nl_dissector_entry_fn)(void);

#ifdef __cplusplus
}
#endif

#endif /* NETLENS_DISSECTOR_H */
