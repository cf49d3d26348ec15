/* record.c - the flow record in JSON and text (doc/flow-record.md). */
#include "config.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "clock.h"
#include "ifnames.h"
#include "record.h"
#include "alerts.h"
#include "owners.h"
#include "names.h"
#include "resolver.h"
#include "lifecycle.h"
#include "services.h"
#include "dpi.h"
#include "geoip.h"
#include "kubernetes.h"

static void put_digits(char *p, unsigned v, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		p[i] = (char)('0' + v % 10);
		v /= 10;
	}
}

/* Cursor writers for the fixed part of a record: the caller has reserved
 * room for the longest value (RECORD_FIXED_MAX), so no check per byte. */
static inline char *put_lit(char *p, const char *lit, size_t n)
{
	memcpy(p, lit, n);
	return p + n;
}
#define PUT(p, lit) put_lit((p), (lit), sizeof(lit) - 1)

static char *put_u64(char *p, uint64_t v)
{
	char tmp[20];
	char *d = sb_fmt_u64(tmp + sizeof(tmp), v);
	size_t n = (size_t)(tmp + sizeof(tmp) - d);
	memcpy(p, d, n);
	return p + n;
}

static char *put_str(char *p, const char *s)	/* netlens' own ASCII words only */
{
	size_t n = strlen(s);
	memcpy(p, s, n);
	return p + n;
}

/* Microseconds as seconds with `decimals` (1..6) places: 1234567 with 6 →
 * "1.234567", with 3 → "1.235". Integer arithmetic, rounded half up. */
static char *put_fixed(char *p, uint64_t micro, int decimals)
{
	static const uint64_t div[] = { 1000000, 100000, 10000, 1000, 100, 10, 1 };
	uint64_t scale = div[decimals];		/* micro-units per last digit */
	uint64_t v = (micro + scale / 2) / scale;
	uint64_t pow = 1;
	for (int i = 0; i < decimals; i++)
		pow *= 10;
	p = put_u64(p, v / pow);
	*p++ = '.';
	put_digits(p, (unsigned)(v % pow), decimals);
	return p + decimals;
}

/* Days since 1970-01-01 → civil date (H. Hinnant's algorithm): dumps print
 * two timestamps per flow, and gmtime_r + printf were a tenth of a dump. */
static void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static char *put_time(char *p, uint64_t us);

void record_time(struct strbuf *b, uint64_t us)
{
	if (sb_reserve(b, 28) < 0)
		return;
	char *p = put_time(b->buf + b->len, us);
	b->len = (size_t)(p - b->buf);
	b->buf[b->len] = '\0';
}

/* Writes the 27 characters of an RFC 3339 UTC time with microseconds. The
 * text up to the second is kept for a few seconds (a direct-mapped cache):
 * a snapshot writes the same "timestamp" on every record, and first_seen /
 * last_seen of flows seen in the same second share the rest. */
#define TIME_CACHE 8
static char *put_time(char *p, uint64_t us)
{
	static struct { uint64_t sec1; char text[19]; } cache[TIME_CACHE];	/* sec1: second + 1, 0 = empty */
	uint64_t secs = us / 1000000u;
	unsigned at = (unsigned)(secs % TIME_CACHE);
	char *t = cache[at].text;	/* "YYYY-MM-DDTHH:MM:SS" */
	if (cache[at].sec1 != secs + 1) {
		int y;
		unsigned mo, d;
		unsigned sod = (unsigned)(secs % 86400u);
		civil_from_days((int64_t)(secs / 86400u), &y, &mo, &d);
		put_digits(t, (unsigned)(y % 10000), 4);
		t[4] = '-';
		put_digits(t + 5, mo, 2);
		t[7] = '-';
		put_digits(t + 8, d, 2);
		t[10] = 'T';
		put_digits(t + 11, sod / 3600, 2);
		t[13] = ':';
		put_digits(t + 14, sod / 60 % 60, 2);
		t[16] = ':';
		put_digits(t + 17, sod % 60, 2);
		cache[at].sec1 = secs + 1;
	}
	memcpy(p, t, 19);
	p[19] = '.';
	put_digits(p + 20, (unsigned)(us % 1000000u), 6);
	p[26] = 'Z';
	return p + 27;
}

static char *put_dec8(char *p, unsigned v)
{
	if (v >= 100) {
		*p++ = (char)('0' + v / 100);
		v %= 100;
		*p++ = (char)('0' + v / 10);
	} else if (v >= 10) {
		*p++ = (char)('0' + v / 10);
	}
	*p++ = (char)('0' + v % 10);
	return p;
}

/* RFC 5952 text of an IPv6 address, as glibc's inet_ntop writes it (the
 * longest run of two or more zero groups becomes "::", the first on a tie;
 * ::a.b.c.d and ::ffff:a.b.c.d keep the dotted quad). By hand because
 * inet_ntop formats through sprintf and was most of a JSON dump's cost. */
char *record_ipv6_text(const uint8_t *a, char *buf)
{
	static const char hex[] = "0123456789abcdef";
	unsigned g[8];
	int best = -1, best_len = 0;
	for (int i = 0; i < 8; i++)
		g[i] = (unsigned)a[2 * i] << 8 | a[2 * i + 1];
	for (int i = 0; i < 8;) {
		if (g[i]) {
			i++;
			continue;
		}
		int j = i;
		while (j < 8 && !g[j])
			j++;
		if (j - i > best_len) {
			best = i;
			best_len = j - i;
		}
		i = j;
	}
	if (best_len < 2)
		best = -1;
	char *p = buf;
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			*p++ = ':';
			if (i == 0)
				*p++ = ':';
			i += best_len - 1;
			continue;
		}
		if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && g[5] == 0xffff))) {
			for (int k = 12; k < 16; k++) {
				p = put_dec8(p, a[k]);
				if (k < 15)
					*p++ = '.';
			}
			break;
		}
		int started = 0;
		for (int shift = 12; shift >= 0; shift -= 4) {
			unsigned nib = (g[i] >> shift) & 0xf;
			if (nib || started || shift == 0) {
				*p++ = hex[nib];
				started = 1;
			}
		}
		if (i < 7)
			*p++ = ':';
	}
	*p = '\0';
	return buf;
}

const char *record_addr(const struct flow *f, const uint8_t *addr, char *buf)
{
	if (f->key.family == 6)
		return record_ipv6_text(addr, buf);
	char *p = buf;	/* by hand, like IPv6 */
	for (int i = 0; i < 4; i++) {
		p = put_dec8(p, addr[i]);
		*p++ = i < 3 ? '.' : '\0';
	}
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

char *record_mac_text(const uint8_t *m, char *out)
{
	snprintf(out, RECORD_MAC_TEXT_LEN, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3],
		 m[4], m[5]);
	return out;
}

/* RustNet's process_lineage: {"ancestors":[{"pid","name","started_at_unix_ms"}],
 * "truncated"}, the parent first. */
static void record_lineage(struct jsonw *w, const struct proc_info *info)
{
	struct strbuf *b = w->b;
	json_key(w, "process_lineage");
	sb_puts(b, "{\"ancestors\":[");
	for (unsigned i = 0; i < info->n_ancestors && i < PROC_ANCESTORS_MAX; i++) {
		const struct proc_ancestor *a = &info->ancestors[i];
		struct jsonw e = { b, 0 };
		sb_puts(b, i ? ",{" : "{");
		json_u64(&e, "pid", a->pid);
		json_strn_shown(&e, "name", a->name, strnlen(a->name, sizeof(a->name)));
		uint64_t ms = platform_start_unix_ms(a->start);
		if (ms)
			json_u64(&e, "started_at_unix_ms", ms);
		sb_puts(b, "}");
	}
	sb_puts(b, "],\"truncated\":");
	sb_puts(b, info->ancestors_truncated ? "true}" : "false}");
}

static const struct local_addrs *record_local;

void record_set_locality(const struct local_addrs *la)
{
	record_local = la;
}

/* "multicast" or "broadcast" (the limited one, or an interface's directed
 * one, known live), NULL for unicast: RustNet's *_addr_kind. */
static const char *addr_kind(int family, const uint8_t *a)
{
	if (family == 4 && ((a[0] == 255 && a[1] == 255 && a[2] == 255 && a[3] == 255) ||
			    local_addrs_is_broadcast(record_local, a)))
		return "broadcast";
	return addr_is_group(family, a) ? "multicast" : NULL;
}

/* RustNet's source/destination_addr_kind (only when not unicast) and
 * destination_is_gateway (only when true; live, from the routes). */
static void record_addr_kinds(struct jsonw *w, const struct flow *f)
{
	int fam = f->key.family;
	if (fam != 4 && fam != 6)
		return;		/* ARP */
	const char *k = addr_kind(fam, flow_src_addr(f));
	if (k)
		json_str(w, "source_addr_kind", k);
	if ((k = addr_kind(fam, flow_dst_addr(f))))
		json_str(w, "destination_addr_kind", k);
	if (local_addrs_is_gateway(record_local, fam, flow_dst_addr(f)))
		json_bool(w, "destination_is_gateway", 1);
}

uint32_t record_rtt_us(const struct flow *f)
{
	if (f->key.proto == L4_TCP)
		return tcp_rtt_us(&f->u.tcp);
	if (f->key.proto == L4_ICMP || f->key.proto == L4_ICMPV6)
		return f->u.icmp.rtt_us;
	if (f->key.proto == L4_UDP)
		return f->u.udp.rtt_us;
	return 0;
}

/* Room for the fixed part of a record: 11 fields of at most 46 + 30 bytes. */
#define RECORD_FIXED_MAX 1024

/* RustNet's "kubernetes" object: what is known of the process's pod. */
static void record_kubernetes(struct jsonw *w, const struct kube_view *kv)
{
	struct jsonw o;
	json_key(w, "kubernetes");
	json_begin(&o, w->b);
	json_str(&o, "pod_uid", kv->pod_uid);
	if (kv->pod_name[0])
		json_str(&o, "pod_name", kv->pod_name);
	if (kv->pod_namespace[0])
		json_str(&o, "pod_namespace", kv->pod_namespace);
	if (kv->container_id[0])
		json_str(&o, "container_id", kv->container_id);
	if (kv->container_name[0])
		json_str(&o, "container_name", kv->container_name);
	json_str(&o, "cgroup_path", kv->cgroup_path);
	json_end(&o);
}

static const char *interface_names[FLOW_IFC_MAX];
static unsigned interface_indexes[FLOW_IFC_MAX];
static unsigned n_interfaces;		/* live: the interfaces read */
static unsigned n_interface_names;	/* n_interfaces when two or more, else 0 */

void record_set_interfaces(const char *const *names, const unsigned *indexes, unsigned n)
{
	n_interfaces = n > FLOW_IFC_MAX ? FLOW_IFC_MAX : n;
	n_interface_names = n_interfaces < 2 ? 0 : n_interfaces;
	for (unsigned i = 0; i < n_interfaces; i++) {
		interface_names[i] = names[i];
		interface_indexes[i] = indexes ? indexes[i] : 0;
	}
}

const char *record_interface_or_capture(const struct flow *f)
{
	const char *n = record_interface(f);
	if (!n && n_interfaces == 1 && !f->key.ifc)
		n = interface_names[0];
	return n;
}

unsigned record_interface_index(const struct flow *f)
{
	if (n_interface_names)	/* -i eth0,wlan0 */
		return f->key.ifc < n_interface_names ? interface_indexes[f->key.ifc] : 0;
	if (f->key.ifc)	/* -i any or a cooked v2 file: the index; a pcapng file's number: none */
		return f->key.ifc < FLOW_IFC_INDEXED && !ifnames_file_numbered() ? f->key.ifc : 0;
	return n_interfaces == 1 ? interface_indexes[0] : 0;
}

const char *record_interface(const struct flow *f)
{
	if (n_interface_names)	/* -i eth0,wlan0 */
		return f->key.ifc < n_interface_names ? interface_names[f->key.ifc] : NULL;
	/* -i any in LINUX_SLL2, or a pcapng file of several interfaces */
	return f->key.ifc && !ifnames_one_file_interface() ? ifnames_name(f->key.ifc) : NULL;
}

void record_json(struct strbuf *b, const struct flow *f, uint64_t now_us,
		 const char *event, const char *close_reason)
{
	struct jsonw w;
	char a[46], pbuf[16];
	const int src_b = (f->flags & FLOW_SRC_IS_B) != 0;
	const int ported = f->key.proto == L4_TCP || f->key.proto == L4_UDP;

	if (sb_reserve(b, RECORD_FIXED_MAX) < 0)
		return;
	char *p = b->buf + b->len;
	p = PUT(p, "{\"timestamp\":\"");
	p = put_time(p, now_us);
	if (event) {
		p = PUT(p, "\",\"event\":\"");
		p = put_str(p, event);
	}
	p = PUT(p, "\",\"protocol\":\"");
	p = put_str(p, flow_protocol_name(f, pbuf, sizeof(pbuf)));
	p = PUT(p, "\",\"source_ip\":\"");
	p = put_str(p, record_addr(f, flow_src_addr(f), a));
	p = PUT(p, "\",\"source_port\":");
	p = put_u64(p, ported ? flow_src_port(f) : 0);
	p = PUT(p, ",\"destination_ip\":\"");
	p = put_str(p, record_addr(f, flow_dst_addr(f), a));
	p = PUT(p, "\",\"destination_port\":");
	p = put_u64(p, ported ? flow_dst_port(f) : 0);
	b->len = (size_t)(p - b->buf);
	b->buf[b->len] = '\0';
	w.b = b;
	w.need_comma = 1;

	const char *ifname = record_interface(f);	/* -i eth0,wlan0, or -i any */
	if (ifname)
		json_str(&w, "interface", ifname);
	int la = (f->flags & FLOW_LOCAL_A) != 0, lb = (f->flags & FLOW_LOCAL_B) != 0;
	if (la != lb)	/* locality known: the source is the local side */
		json_str(&w, "direction", (f->flags & FLOW_DST_INITIATED) ? "incoming" : "outgoing");
	record_addr_kinds(&w, f);
	/* A dissector's label is the state of a UDP flow (DNS_QUERY); a TCP flow
	 * keeps its connection state and shows the label as dpi_state. */
	const char *label = dpi_state_label(dpi_current, f->dpi);
	int label_is_state = label && f->key.proto != L4_TCP;
	json_str(&w, "state", label_is_state ? label : flow_state_name(f, now_us));
	if (label && !label_is_state)
		json_str(&w, "dpi_state", label);
	const char *svc = record_service(f);
	if (svc)
		json_str(&w, "service_name", svc);
	/* Names (RustNet's keys), only while reverse DNS is on: the name a DNS
	 * answer seen gave (fresher, and free), else the reverse lookup's. */
	if (resolver_current && f->key.family) {
		static const char *const keys[2] = { "source_hostname", "destination_hostname" };
		static const char *const from[2] = { "source_hostname_from", "destination_hostname_from" };
		for (int side = 0; side < 2; side++) {
			size_t nl = 0;
			int answer;
			const char *nm = record_host_name(f, side ? flow_dst_addr(f) : flow_src_addr(f), &nl,
							  &answer);
			if (nm) {
				json_strn_shown(&w, keys[side], nm, nl);
				/* which of the two it is: a passive name is marked */
				json_str(&w, from[side], answer ? "dns_answer" : "reverse_dns");
			}
		}
	}
	/* Where the remote end is (RustNet's names), with GeoIP files. */
	struct geoip_answer geo;
	const uint8_t *remote = geoip_current ? geoip_remote_addr(f) : NULL;
	if (remote && geoip_lookup(geoip_current, f->key.family, remote, &geo) == 0) {
		if (geo.country_code[0])
			json_str(&w, "geoip_country_code", geo.country_code);
		if (geo.country.len)
			json_strn_shown(&w, "geoip_country_name", geo.country.s, geo.country.len);
		if (geo.asn)
			json_u64(&w, "geoip_asn", geo.asn);
		if (geo.as_org.len)
			json_strn_shown(&w, "geoip_as_org", geo.as_org.s, geo.as_org.len);
		if (geo.city.len)
			json_strn_shown(&w, "geoip_city", geo.city.s, geo.city.len);
		if (geo.postal.len)
			json_strn_shown(&w, "geoip_postal_code", geo.postal.s, geo.postal.len);
	}
	/* An endpoint on --alert-list: which, the entry that holds it, its label. */
	if (alerts_current) {
		char what[ALERTS_WHAT_LEN];
		int src_listed;
		const char *listed = alerts_match_flow(alerts_current, f, what, &src_listed);
		if (listed) {
			json_str(&w, "alert_address",
				 record_addr(f, src_listed ? flow_src_addr(f) : flow_dst_addr(f), a));
			json_str(&w, "alert_match", what);
			if (listed[0])
				json_strn_shown(&w, "alert_label", listed, strlen(listed));
		}
	}
	/* The owning process (RustNet's names), live only. */
	uint32_t owner = owners_of(owners_current, f);
	const struct owner_proc *proc = owner ? owners_proc(owners_current, owner) : NULL;
	if (proc) {
		json_u64(&w, "pid", proc->info.pid);
		json_strn_shown(&w, "process_name", proc->info.name, strlen(proc->info.name));
		if (proc->info.ppid)
			json_u64(&w, "process_ppid", proc->info.ppid);
		if (proc->info.uid != OWNER_UID_UNKNOWN)
			json_u64(&w, "process_uid", proc->info.uid);
		if (proc->info.gid != OWNER_UID_UNKNOWN)
			json_u64(&w, "process_gid", proc->info.gid);
		if (proc->info.exe[0])
			json_strn(&w, "process_executable", proc->info.exe, strlen(proc->info.exe));
		if (proc->info.n_ancestors)
			record_lineage(&w, &proc->info);
		json_str(&w, "attribution_match", owners_match_token(owner));
		json_str(&w, "attribution_method", owners_method_name((enum owner_method)proc->method));
		struct kube_view kv;
		if (kube_current && kube_lookup(kube_current, proc->info.cgroup, clock_wall_us(), &kv))
			record_kubernetes(&w, &kv);
	}
	if (sb_reserve(b, RECORD_FIXED_MAX) < 0)
		return;
	p = b->buf + b->len;
	p = PUT(p, ",\"bytes_sent\":");
	p = put_u64(p, f->bytes[DIR_FWD]);
	p = PUT(p, ",\"bytes_received\":");
	p = put_u64(p, f->bytes[DIR_REV]);
	p = PUT(p, ",\"packets_sent\":");
	p = put_u64(p, f->packets[DIR_FWD]);
	p = PUT(p, ",\"packets_received\":");
	p = put_u64(p, f->packets[DIR_REV]);
	p = PUT(p, ",\"first_seen\":\"");
	p = put_time(p, f->first_seen_us);
	p = PUT(p, "\",\"last_seen\":\"");
	p = put_time(p, f->last_seen_us);
	p = PUT(p, "\"");
	b->len = (size_t)(p - b->buf);
	b->buf[b->len] = '\0';
	if (sb_reserve(b, 64) < 0)
		return;
	p = PUT(b->buf + b->len, ",\"duration_secs\":");
	p = put_fixed(p, f->last_seen_us - f->first_seen_us, 6);
	b->len = (size_t)(p - b->buf);
	b->buf[b->len] = '\0';
	if (f->key.proto == L4_TCP) {
		json_u64(&w, "tcp_retransmits", f->u.tcp.retransmits);
		json_u64(&w, "tcp_out_of_order", f->u.tcp.out_of_order);
		json_u64(&w, "tcp_fast_retransmits", f->u.tcp.fast_retransmits);
		json_u64(&w, "tcp_duplicate_acks", f->u.tcp.dup_acks);
		if (f->u.tcp.irtt_us)
			json_milli(&w, "handshake_rtt_ms", f->u.tcp.irtt_us);
	}
	uint32_t rtt = record_rtt_us(f);
	if (rtt)
		json_milli(&w, "rtt_ms", rtt);
	if ((f->key.proto == L4_ICMP || f->key.proto == L4_ICMPV6) &&
	    f->key.ipproto == FLOW_KEY_ICMP_ECHO)
		json_u64(&w, "icmp_id", f->key.pa);	/* 0 too */
	if (f->icmp_err_count) {
		json_str(&w, "icmp_error", record_icmp_error_name(f->key.family, f->icmp_err_type,
								  f->icmp_err_code));
		json_u64(&w, "icmp_errors", f->icmp_err_count);
	}
	if (f->key.proto == L4_ARP) {
		char m[RECORD_MAC_TEXT_LEN];
		static const uint8_t zero[6];
		const uint8_t *sm = src_b ? f->u.arp.mac_b : f->u.arp.mac_a;
		const uint8_t *dm = src_b ? f->u.arp.mac_a : f->u.arp.mac_b;
		if (memcmp(sm, zero, 6))
			json_str(&w, "source_mac", record_mac_text(sm, m));
		if (memcmp(dm, zero, 6))
			json_str(&w, "destination_mac", record_mac_text(dm, m));
	}
	dpi_json(dpi_current, f->dpi, b);
	/* A flow's start says nothing of its end: with --workers the parent
	 * hears of a flow up to a refresh late, perhaps over already. */
	const int starting = event && !strcmp(event, "new_connection");
	if (flow_is_over(f) && !starting)
		json_bool(&w, "closed", 1);
	if ((f->flags & FLOW_EVICTED) && !starting)
		json_bool(&w, "evicted", 1);
	if (close_reason)
		json_str(&w, "close_reason", close_reason);
	json_end(&w);
}


/* "999B", "1.5KiB", ... written at p; returns the end. Integer tenths, so
 * no printf per cell. */
static char *put_human(char *p, double v)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	int u = 0;
	double div = 1;
	while (v >= 1024 * div && u < 5) {
		div *= 1024;
		u++;
	}
	if (u == 0) {
		p = put_u64(p, (uint64_t)(v + 0.5));
	} else {
		uint64_t tenths = (uint64_t)(v * 10 / div + 0.5);
		p = put_u64(p, tenths / 10);
		*p++ = '.';
		*p++ = (char)('0' + tenths % 10);
	}
	return put_str(p, unit[u]);
}

/* Copies the n bytes at s into a cell of width w, left- or right-aligned. */
static char *put_cell(char *p, const char *s, size_t n, int w, int right)
{
	size_t pad = (size_t)w > n ? (size_t)w - n : 0;
	if (right) {
		memset(p, ' ', pad);
		p += pad;
	}
	memcpy(p, s, n);
	p += n;
	if (!right) {
		memset(p, ' ', pad);
		p += pad;
	}
	return p;
}

void record_endpoint(char *out, size_t n, const struct flow *f, const uint8_t *addr, uint16_t port)
{
	char a[46];
	record_addr(f, addr, a);
	char *p = out;
	size_t al = strlen(a);
	if (al + 10 > n)
		al = n - 10;
	if (f->key.proto != L4_TCP && f->key.proto != L4_UDP) {
		memcpy(p, a, al);
		p += al;
	} else if (f->key.family == 6) {
		*p++ = '[';
		memcpy(p, a, al);
		p += al;
		*p++ = ']';
		*p++ = ':';
		p = put_u64(p, port);
	} else {
		memcpy(p, a, al);
		p += al;
		*p++ = ':';
		p = put_u64(p, port);
	}
	*p = '\0';
}

const char *record_host_name(const struct flow *f, const uint8_t *addr, size_t *len, int *from_answer)
{
	if (!f->key.family)
		return NULL;
	uint64_t now = clock_wall_us();
	size_t pl = 0;
	const char *passive = names_lookup(names_current, f->key.family, addr, &pl);
	if (passive && names_fresh(names_current, f->key.family, addr, now)) {
		*len = pl;
		*from_answer = 1;
		return passive;
	}
	const char *rdns = resolver_lookup(resolver_current, f->key.family, addr);
	if (rdns) {
		*len = strlen(rdns);
		*from_answer = 0;
		return rdns;
	}
	if (passive) {		/* stale, but better than nothing */
		*len = pl;
		*from_answer = 1;
	}
	return passive;
}

const char *record_state(const struct flow *f, uint64_t now_us)
{
	const char *label = dpi_state_label(dpi_current, f->dpi);
	return label && f->key.proto != L4_TCP ? label : flow_state_name(f, now_us);
}

int record_text_width(const struct flow *f)
{
	char s[64], d[64];
	record_endpoint(s, sizeof(s), f, flow_src_addr(f), flow_src_port(f));
	record_endpoint(d, sizeof(d), f, flow_dst_addr(f), flow_dst_port(f));
	size_t w = strlen(s) > strlen(d) ? strlen(s) : strlen(d);
	return (int)w;
}

void record_text_header(struct strbuf *b, int width)
{
	sb_printf(b, "%-6s %-*s %-*s %-18s %-12s %15s %19s %21s  %s\n", "PROTO", width, "SOURCE",
		  width, "DESTINATION", "STATE", "SERVICE", "PACKETS out/in", "BYTES out/in",
		  "RATE down/up", "APP");
}

void record_text_row(struct strbuf *b, const struct flow *f, uint64_t now_us, int width)
{
	char src[64], dst[64], pbuf[16], cell[64];
	record_endpoint(src, sizeof(src), f, flow_src_addr(f), flow_src_port(f));
	record_endpoint(dst, sizeof(dst), f, flow_dst_addr(f), flow_dst_port(f));
	if (width > 60)
		width = 60;
	if (sb_reserve(b, 2 * (size_t)width + 256) < 0)
		return;
	char *p = b->buf + b->len, *q;
	const char *proto = flow_protocol_name(f, pbuf, sizeof(pbuf));
	const char *state = record_state(f, now_us);
	const char *svc = record_service(f);
	size_t svc_len = svc ? strlen(svc) : 1;

	p = put_cell(p, proto, strlen(proto), 6, 0);
	*p++ = ' ';
	p = put_cell(p, src, strlen(src), width, 0);
	*p++ = ' ';
	p = put_cell(p, dst, strlen(dst), width, 0);
	*p++ = ' ';
	p = put_cell(p, state, strlen(state), 18, 0);	/* NEIGHBOR_SOLICIT, SSH_AUTHENTICATION */
	*p++ = ' ';
	p = put_cell(p, svc ? svc : "-", svc_len > 12 ? 12 : svc_len, 12, 0);
	*p++ = ' ';
	q = put_u64(cell, f->packets[DIR_FWD]);
	*q++ = '/';
	q = put_u64(q, f->packets[DIR_REV]);
	p = put_cell(p, cell, (size_t)(q - cell), 15, 1);
	*p++ = ' ';
	q = put_human(cell, (double)f->bytes[DIR_FWD]);
	*q++ = '/';
	q = put_human(q, (double)f->bytes[DIR_REV]);
	p = put_cell(p, cell, (size_t)(q - cell), 19, 1);
	*p++ = ' ';
	if (f->flags & FLOW_CLOSED) {
		p = put_cell(p, "closed", 6, 21, 1);
	} else {
		q = put_human(cell, flow_rate(f, now_us, DIR_REV));
		q = PUT(q, "/s ");
		q = put_human(q, flow_rate(f, now_us, DIR_FWD));
		q = PUT(q, "/s");
		p = put_cell(p, cell, (size_t)(q - cell), 21, 1);
	}
	b->len = (size_t)(p - b->buf);
	b->buf[b->len] = '\0';
	if (f->dpi && f->dpi != DPI_NOTHING) {
		size_t mark = b->len;
		sb_puts(b, "  ");
		dpi_summary(dpi_current, f->dpi, b);
		if (b->len == mark + 2)
			b->len = mark;		/* no summary: no trailing blanks */
	}
	const char *ifname = record_interface(f);	/* -i eth0,wlan0, or -i any */
	if (ifname) {
		sb_puts(b, "  [");
		sb_puts(b, ifname);
		sb_putc(b, ']');
	}
	if (alerts_current) {	/* --alert-list: the entry, as in JSON */
		char what[ALERTS_WHAT_LEN];
		int src_listed;
		const char *listed = alerts_match_flow(alerts_current, f, what, &src_listed);
		if (listed) {
			sb_puts(b, "  !alert ");
			sb_puts(b, what);
			if (*listed) {
				sb_puts(b, " (");
				sb_put_sanitized(b, listed, strlen(listed));
				sb_putc(b, ')');
			}
		}
	}
	sb_putc(b, '\n');
}
