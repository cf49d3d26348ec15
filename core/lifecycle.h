/* lifecycle.h - how long an idle flow lives, in one table (doc/flow-record.md). */
#ifndef NETLENS_LIFECYCLE_H
#define NETLENS_LIFECYCLE_H

#include <stdint.h>

#include "flow.h"

/* No idle timeout is shorter: the table's are 10 s and more, and a
 * dissector's idle_timeout_s is whole seconds (0 = the table's). */
#define LIFECYCLE_MIN_TIMEOUT_US 1000000ull
/* ... and none longer than a day (plugins/loader.c refuses more). */
#define LIFECYCLE_MAX_TIMEOUT_US (86400ull * 1000000ull)

/* Idle timeout of f in its current state, in µs. */
uint64_t lifecycle_timeout_us(const struct flow *f);

/* When f expires: last activity + its timeout. */
uint64_t lifecycle_deadline_us(const struct flow *f);

/* True when the conversation is over: the flow left the table, or it is a
 * TCP connection that finished (TIME_WAIT, CLOSED) and only waits out its
 * timeout. */
int flow_is_over(const struct flow *f);

/* age / timeout, for the staleness colour in views (0 = fresh, 1 = due). */
double lifecycle_staleness(const struct flow *f, uint64_t now_us);

/* The state label of f at now_us ("ESTABLISHED", "UDP_ACTIVE", "ECHO_REPLY", ...). */
const char *flow_state_name(const struct flow *f, uint64_t now_us);

/* "TCP", "UDP", "ICMP", "ICMPv6", "ARP", or the IP protocol's name. */
const char *flow_protocol_name(const struct flow *f, char *buf, unsigned buflen);

#endif
