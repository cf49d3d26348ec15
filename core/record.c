/* record.c - the flow record in JSON and text (doc/flow-record.md). */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "record.h"
#include "lifecycle.h"
#include "services.h"

void record_time(struct strbuf *b, uint64_t us)
{
	time_t s = (time_t)(us / 1000000u);
	struct tm tm;
	if (!gmtime_r(&s, &tm)) {
		sb_puts(b, "1970-01-01T00:00:00.000000Z");
		return;
	}
	sb_printf(b, "%04d-%02d-%02dT%02d:%02d:%02d.%06uZ", tm.tm_year + 1900, tm.tm_mon + 1,
		  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned)(us % 1000000u));
}

const char *record_addr(const struct flow *f, const uint8_t *addr, char *buf)
{
	int af = f->key.family == 6 ? AF_INET6 : AF_INET;
	if (!inet_ntop(af, addr, buf, 46))
		snprintf(buf, 46, "?");
	return buf;
}

const char *record_service(const struct flow *f)
{
	const char *s = services_lookup(flow_dst_port(f), f->key.proto);
	return s ? s : services_lookup(flow_src_port(f), f->key.proto);
}

const char *record_icmp_error_name(int family, uint8_t type, uint8_t code)
{
	if (family == 4) {
		switch (type) {
		case 3:
			switch (code) {
			case 0: return "network unreachable";
			case 1: return "host unreachable";
			case 2: return "protocol unreachable";
			case 3: return "port unreachable";
			case 4: return "fragmentation needed";
			case 9: case 10: case 13: return "administratively prohibited";
			default: return "destination unreachable";
			}
		case 4: return "source quench";
		case 5: return "redirect";
		case 11: return code ? "fragment reassembly time exceeded" : "TTL exceeded";
		case 12: return "parameter problem";
		default: return "ICMP error";
		}
	}
	switch (type) {
	case 1:
		switch (code) {
		case 0: return "no route";
		case 1: return "administratively prohibited";
		case 3: return "address unreachable";
		case 4: return "port unreachable";
		default: return "destination unreachable";
		}
	case 2: return "packet too big";
	case 3: return code ? "fragment reassembly time exceeded" : "hop limit exceeded";
	case 4: return "parameter problem";
	default: return "ICMPv6 error";
	}
}

static void mac_text(char *out, const uint8_t *m)
{
	snprintf(out, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static uint32_t flow_rtt_us(const struct flow *f)
{
	if (f->key.proto == L4_TCP)
		return tcp_rtt_us(&f->u.tcp);
	if (f->key.proto == L4_ICMP || f->key.proto == L4_ICMPV6)
		return f->u.icmp.rtt_us;
	return 0;
}

void record_json(struct strbuf *b, const struct flow *f, uint64_t now_us,
		 const char *event, const char *close_reason)
{
	struct jsonw w;
	char a[46], pbuf[16];
	const int src_b = (f->flags & FLOW_SRC_IS_B) != 0;

	json_begin(&w, b);
	json_key(&w, "timestamp");
	sb_putc(b, '"');
	record_time(b, now_us);
	sb_putc(b, '"');
	if (event)
		json_str(&w, "event", event);
	json_str(&w, "protocol", flow_protocol_name(f, pbuf, sizeof(pbuf)));
	json_str(&w, "source_ip", record_addr(f, flow_src_addr(f), a));
	json_u64(&w, "source_port", f->key.proto == L4_TCP || f->key.proto == L4_UDP ? flow_src_port(f) : 0);
	json_str(&w, "destination_ip", record_addr(f, flow_dst_addr(f), a));
	json_u64(&w, "destination_port", f->key.proto == L4_TCP || f->key.proto == L4_UDP ? flow_dst_port(f) : 0);
	int la = (f->flags & FLOW_LOCAL_A) != 0, lb = (f->flags & FLOW_LOCAL_B) != 0;
	if (la != lb) {
		/* Locality is known: the source is the local side; direction is who opened. */
		int initiator_is_source = 1;
		if (f->key.proto == L4_TCP)
			initiator_is_source = f->state != TCP_SYN_RECV &&
					      !(f->u.tcp.d[1].flags & TCPD_SYN);
		json_str(&w, "direction", initiator_is_source ? "outgoing" : "incoming");
	}
	json_str(&w, "state", flow_state_name(f, now_us));
	const char *svc = record_service(f);
	if (svc)
		json_str(&w, "service_name", svc);
	json_u64(&w, "bytes_sent", f->bytes[DIR_FWD]);
	json_u64(&w, "bytes_received", f->bytes[DIR_REV]);
	json_u64(&w, "packets_sent", f->packets[DIR_FWD]);
	json_u64(&w, "packets_received", f->packets[DIR_REV]);
	json_key(&w, "first_seen");
	sb_putc(b, '"');
	record_time(b, f->first_seen_us);
	sb_putc(b, '"');
	json_key(&w, "last_seen");
	sb_putc(b, '"');
	record_time(b, f->last_seen_us);
	sb_putc(b, '"');
	json_f64(&w, "duration_secs", (double)(f->last_seen_us - f->first_seen_us) / 1e6, 6);
	if (f->key.proto == L4_TCP) {
		json_u64(&w, "tcp_retransmits", f->u.tcp.retransmits);
		json_u64(&w, "tcp_out_of_order", f->u.tcp.out_of_order);
		json_u64(&w, "tcp_fast_retransmits", f->u.tcp.fast_retransmits);
		json_u64(&w, "tcp_duplicate_acks", f->u.tcp.dup_acks);
		if (f->u.tcp.irtt_us)
			json_f64(&w, "handshake_rtt_ms", f->u.tcp.irtt_us / 1000.0, 3);
	}
	uint32_t rtt = flow_rtt_us(f);
	if (rtt)
		json_f64(&w, "rtt_ms", rtt / 1000.0, 3);
	if ((f->key.proto == L4_ICMP || f->key.proto == L4_ICMPV6) && f->key.pa)
		json_u64(&w, "icmp_id", f->key.pa);
	if (f->icmp_err_count) {
		json_str(&w, "icmp_error", record_icmp_error_name(f->key.family, f->icmp_err_type,
								  f->icmp_err_code));
		json_u64(&w, "icmp_errors", f->icmp_err_count);
	}
	if (f->key.proto == L4_ARP) {
		char m[18];
		static const uint8_t zero[6];
		const uint8_t *sm = src_b ? f->u.arp.mac_b : f->u.arp.mac_a;
		const uint8_t *dm = src_b ? f->u.arp.mac_a : f->u.arp.mac_b;
		if (memcmp(sm, zero, 6)) {
			mac_text(m, sm);
			json_str(&w, "source_mac", m);
		}
		if (memcmp(dm, zero, 6)) {
			mac_text(m, dm);
			json_str(&w, "destination_mac", m);
		}
	}
	if (f->flags & FLOW_CLOSED)
		json_bool(&w, "closed", 1);
	if (f->flags & FLOW_EVICTED)
		json_bool(&w, "evicted", 1);
	if (close_reason)
		json_str(&w, "close_reason", close_reason);
	json_end(&w);
}

static void endpoint(char *out, size_t n, const struct flow *f, const uint8_t *addr, uint16_t port)
{
	char a[46];
	record_addr(f, addr, a);
	if (f->key.proto != L4_TCP && f->key.proto != L4_UDP)
		snprintf(out, n, "%s", a);
	else if (f->key.family == 6)
		snprintf(out, n, "[%s]:%u", a, port);
	else
		snprintf(out, n, "%s:%u", a, port);
}

static void human_bytes(char *out, size_t n, double v)
{
	static const char *unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	int u = 0;
	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(out, n, "%.0f%s", v, unit[u]);
	else
		snprintf(out, n, "%.1f%s", v, unit[u]);
}

int record_text_width(const struct flow *f)
{
	char s[64], d[64];
	endpoint(s, sizeof(s), f, flow_src_addr(f), flow_src_port(f));
	endpoint(d, sizeof(d), f, flow_dst_addr(f), flow_dst_port(f));
	size_t w = strlen(s) > strlen(d) ? strlen(s) : strlen(d);
	return (int)w;
}

void record_text_header(struct strbuf *b, int width)
{
	sb_printf(b, "%-6s %-*s %-*s %-13s %-12s %15s %19s %21s\n", "PROTO", width, "SOURCE",
		  width, "DESTINATION", "STATE", "SERVICE", "PACKETS out/in", "BYTES out/in",
		  "RATE down/up");
}

void record_text_row(struct strbuf *b, const struct flow *f, uint64_t now_us, int width)
{
	char src[64], dst[64], pbuf[16], pk[32], by[48], rt[48], x[16], y[16];
	endpoint(src, sizeof(src), f, flow_src_addr(f), flow_src_port(f));
	endpoint(dst, sizeof(dst), f, flow_dst_addr(f), flow_dst_port(f));
	snprintf(pk, sizeof(pk), "%u/%u", f->packets[DIR_FWD], f->packets[DIR_REV]);
	human_bytes(x, sizeof(x), (double)f->bytes[DIR_FWD]);
	human_bytes(y, sizeof(y), (double)f->bytes[DIR_REV]);
	snprintf(by, sizeof(by), "%s/%s", x, y);
	if (f->flags & FLOW_CLOSED) {
		snprintf(rt, sizeof(rt), "closed");
	} else {
		human_bytes(x, sizeof(x), rate_get(&f->rate, now_us, DIR_REV));
		human_bytes(y, sizeof(y), rate_get(&f->rate, now_us, DIR_FWD));
		snprintf(rt, sizeof(rt), "%s/s %s/s", x, y);
	}
	const char *svc = record_service(f);
	sb_printf(b, "%-6s %-*s %-*s %-13s %-12.12s %15s %19s %21s\n",
		  flow_protocol_name(f, pbuf, sizeof(pbuf)), width, src, width, dst,
		  flow_state_name(f, now_us), svc ? svc : "-", pk, by, rt);
}
