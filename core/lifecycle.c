/*
 * lifecycle.c - idle timeouts and state labels.
 *
 * The timeout table (RustNet §2.6, which users already know):
 *   TCP ESTABLISHED                                 300 s
 *   TCP SYN_SENT, SYN_RECV, FIN_WAIT1/2,
 *       CLOSE_WAIT, LAST_ACK                         60 s
 *   TCP TIME_WAIT, CLOSING                           30 s
 *   TCP CLOSED                                       15 s
 *   TCP UNKNOWN                                     120 s
 *   UDP (no DPI), other IP protocols                 60 s
 *   ICMP, ICMPv6                                     10 s
 *   ARP                                              30 s
 * and, declared by the dissector that identified the flow (idle_timeout_s):
 *   TCP ESTABLISHED + SSH 1800 s, + HTTP or TLS 600 s; UDP DNS 30 s; QUIC
 *   180 s, and 15 s once it is draining or closed.
 * Age counts from the last packet.
 */
#include "config.h"

#include <stdio.h>

#include "lifecycle.h"
#include "decode.h"
#include "dpi.h"

#define SEC 1000000ull

static uint64_t tcp_timeout(uint8_t state)
{
	switch (state) {
	case TCP_ESTABLISHED: return 300 * SEC;
	case TCP_SYN_SENT: case TCP_SYN_RECV: case TCP_FIN_WAIT1: case TCP_FIN_WAIT2:
	case TCP_CLOSE_WAIT: case TCP_LAST_ACK: return 60 * SEC;
	case TCP_TIME_WAIT: case TCP_CLOSING: return 30 * SEC;
	case TCP_CLOSED: return 15 * SEC;
	default: return 120 * SEC;
	}
}

/* A dissector that identified the flow may set its idle timeout
 * (descriptor idle_timeout_s): TCP while ESTABLISHED, UDP always. A UDP
 * flow labelled ..._DRAINING or ..._CLOSED (QUIC) is over: 15 s. */
static uint64_t dpi_timeout(const struct flow *f)
{
	if (!dpi_current || f->dpi == DPI_NONE || f->dpi == DPI_NOTHING)
		return 0;
	if (f->key.proto != L4_UDP && (f->key.proto != L4_TCP || f->state != TCP_ESTABLISHED))
		return 0;
	int over;
	uint32_t s = dpi_flow_timeout_s(dpi_current, f, &over);
	if (f->key.proto == L4_UDP && over)
		return 15 * SEC;
	return (uint64_t)s * SEC;
}

uint64_t lifecycle_timeout_us(const struct flow *f)
{
	uint64_t by_dpi = dpi_timeout(f);
	if (by_dpi)
		return by_dpi;
	switch (f->key.proto) {
	case L4_TCP: return tcp_timeout(f->state);
	case L4_ICMP: case L4_ICMPV6: return 10 * SEC;
	case L4_ARP: return 30 * SEC;
	default: return f->key.ipproto == 2 ? 10 * SEC : 60 * SEC;	/* IGMP as RustNet's */
	}
}

uint64_t lifecycle_deadline_us(const struct flow *f)
{
	return f->last_seen_us + lifecycle_timeout_us(f);
}

int flow_is_over(const struct flow *f)
{
	if (f->flags & FLOW_CLOSED)
		return 1;
	return f->key.proto == L4_TCP && (f->state == TCP_CLOSED || f->state == TCP_TIME_WAIT);
}

double lifecycle_staleness(const struct flow *f, uint64_t now_us)
{
	if (now_us <= f->last_seen_us)
		return 0.0;
	return (double)(now_us - f->last_seen_us) / (double)lifecycle_timeout_us(f);
}

static const char *icmp_state(uint8_t kind)
{
	switch (kind) {
	case ICMP_KIND_ECHO_REQUEST: return "ECHO_REQUEST";
	case ICMP_KIND_ECHO_REPLY: return "ECHO_REPLY";
	case ICMP_KIND_DEST_UNREACH: return "DEST_UNREACH";
	case ICMP_KIND_TIME_EXCEEDED: return "TIME_EXCEEDED";
	case ICMP_KIND_PACKET_TOO_BIG: return "PACKET_TOO_BIG";
	case ICMP_KIND_PARAM_PROBLEM: return "PARAM_PROBLEM";
	case ICMP_KIND_REDIRECT: return "REDIRECT";
	case ICMP_KIND_ROUTER_SOLICIT: return "ROUTER_SOLICIT";
	case ICMP_KIND_ROUTER_ADVERT: return "ROUTER_ADVERT";
	case ICMP_KIND_NEIGHBOR_SOLICIT: return "NEIGHBOR_SOLICIT";
	case ICMP_KIND_NEIGHBOR_ADVERT: return "NEIGHBOR_ADVERT";
	case ICMP_KIND_MLD: return "MLD";
	default: return "ICMP_OTHER";
	}
}

/* IGMP's message types as RustNet names them (RFC 1112, 2236, 3376). */
static const char *igmp_state(uint8_t type)
{
	switch (type) {
	case 0x11: return "QUERY";
	case 0x12: return "REPORT_V1";
	case 0x16: return "REPORT_V2";
	case 0x17: return "LEAVE_GROUP";
	case 0x22: return "REPORT_V3";
	default: return "IGMP_OTHER";
	}
}

const char *flow_state_name(const struct flow *f, uint64_t now_us)
{
	uint64_t idle = now_us > f->last_seen_us ? now_us - f->last_seen_us : 0;
	switch (f->key.proto) {
	case L4_TCP:
		return tcp_state_name(f->state);
	case L4_ICMP: case L4_ICMPV6:
		return icmp_state(f->state);
	case L4_ARP:
		return f->state == 1 ? "ARP_WHO_HAS" : f->state == 2 ? "ARP_IS_AT" : "ARP_OTHER";
	case L4_UDP:
		return idle > 60 * SEC ? "UDP_STALE" : idle > 30 * SEC ? "UDP_IDLE" : "UDP_ACTIVE";
	case L4_OTHER_IP:
		if (f->key.ipproto == 2 && f->state)
			return igmp_state(f->state);
		return idle > 30 * SEC ? "IDLE" : "ACTIVE";
	default:
		return idle > 30 * SEC ? "IDLE" : "ACTIVE";
	}
}

const char *flow_protocol_name(const struct flow *f, char *buf, unsigned buflen)
{
	switch (f->key.proto) {
	case L4_TCP: return "TCP";
	case L4_UDP: return "UDP";
	case L4_ICMP: return "ICMP";
	case L4_ICMPV6: return "ICMPv6";
	case L4_ARP: return "ARP";
	default: {
		const char *n = decode_ipproto_name(f->key.ipproto);
		if (n)
			return n;
		snprintf(buf, buflen, "IP-%u", f->key.ipproto);
		return buf;
	}
	}
}
