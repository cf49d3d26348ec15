/*
 * record.h - the one flow record, as JSON and as a text row.
 * Field names and meanings: doc/flow-record.md (RustNet's JSONL names).
 */
#ifndef NETLENS_RECORD_H
#define NETLENS_RECORD_H

#include <stdint.h>

#include "flow.h"
#include "strbuf.h"

/* "2026-11-22T03:04:05.123456Z" */
void record_time(struct strbuf *b, uint64_t us);

/* RFC 5952 text of an IPv6 address into buf (46 bytes); returns buf. */
char *record_ipv6_text(const uint8_t *addr, char *buf);

/* "02:42:ac:11:00:02": a hardware address in lower case; out holds
 * RECORD_MAC_TEXT_LEN bytes. Returns out. */
#define RECORD_MAC_TEXT_LEN 18
char *record_mac_text(const uint8_t *mac, char *out);

/* "192.0.2.1", "2001:db8::1". buf must hold 46 bytes. */
const char *record_addr(const struct flow *f, const uint8_t *addr, char *buf);

/* Live: the interfaces read, by flow_key.ifc, their names (borrowed for
 * the process's life) and system indexes (0: none, as for any). Records
 * name each flow's ("interface") when n >= 2. indexes may be NULL. */
void record_set_interfaces(const char *const *names, const unsigned *indexes, unsigned n);
/* The name of the interface f was read on, or NULL with one interface. */
const char *record_interface(const struct flow *f);

/* Live: this machine's addresses, for the records' broadcast addresses
 * and gateway (NULL: files, where only the limited broadcast is known). */
struct local_addrs;
void record_set_locality(const struct local_addrs *la);

/* The flow's round trip as RustNet shows it (its JSON rtt_ms): TCP's
 * smoothed data RTT, else its handshake's; an ICMP echo's; a UDP flow's
 * first answer after its first datagram; 0 = none. */
uint32_t record_rtt_us(const struct flow *f);
/* The same, or with one live interface its name (NULL reading a file of
 * one interface): for exports, which name the interface in every record. */
const char *record_interface_or_capture(const struct flow *f);
/* The system index (ifIndex) of the interface f was read on, 0 when not
 * known: live from the interface list or the cooked v2 header (-i any),
 * and from a cooked v2 file (the capturing machine's); not from a pcapng
 * file's interface numbers, which are no index. */
unsigned record_interface_index(const struct flow *f);

/* Appends one JSON object (no newline). event may be NULL (snapshot dumps);
 * close_reason is used for closed events and may be NULL. */
void record_json(struct strbuf *b, const struct flow *f, uint64_t now_us,
		 const char *event, const char *close_reason);

/* The service name of a flow: destination port first, then source port. */
const char *record_service(const struct flow *f);

/* "192.0.2.1:443", "[2001:db8::1]:443", or the bare address for flows
 * without ports, into out (n >= 64). */
void record_endpoint(char *out, size_t n, const struct flow *f, const uint8_t *addr, uint16_t port);

/* The name of addr (one of f's endpoints), raw bytes (views sanitise):
 * what a DNS answer seen in the traffic said while its TTL holds, else the
 * reverse-DNS name (a query is started if needed), else a stale answer.
 * *from_answer tells which. NULL when there is none. */
const char *record_host_name(const struct flow *f, const uint8_t *addr, size_t *len, int *from_answer);

/* The state shown for f: a dissector's label (not for TCP), else the
 * protocol state ("ESTABLISHED", "UDP_ACTIVE", "DNS_RESPONSE", ...). */
const char *record_state(const struct flow *f, uint64_t now_us);

/* Text table: endpoint column width needed by f ("[2001:db8::1]:443"). */
int record_text_width(const struct flow *f);
/* Header and one row, each ending in a newline; width from record_text_width. */
void record_text_header(struct strbuf *b, int width);
void record_text_row(struct strbuf *b, const struct flow *f, uint64_t now_us, int width);

/* Human-readable name of an ICMP error (type, code) for the family. */
const char *record_icmp_error_name(int family, uint8_t type, uint8_t code);

#endif
