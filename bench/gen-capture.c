/*
 * gen-capture.c - deterministic synthetic capture for `make bench`.
 *
 * Writes a classic pcap (microsecond timestamps, DLT_EN10MB) holding a
 * realistic traffic mix, seen from a capture point next to the clients:
 *
 *   ~62% TCP   3-way handshake (SYN with MSS/SACK/TS/WS options), request /
 *              response rounds with segments up to the MSS both ways,
 *              delayed ACKs, ~1.5% retransmitted and ~1% out-of-order
 *              server segments, FIN close (a few RST).  Ports 443, 80, 22...
 *              9 in 10 open in clear text: TLS ClientHello/ServerHello on
 *              443 and 993, an HTTP GET and its response head on 80 and
 *              8080, SSH banners and key exchange on 22; the rest of the
 *              payload is opaque bytes.
 *   ~24% UDP   DNS-like query/response to port 53 (real DNS messages)
 *   ~ 9% UDP   high-port conversations (QUIC-, STUN-, RTP-like)
 *   ~ 5% ICMP  echo request/reply (ICMPv6 echo for IPv6 flows)
 *   ~12% of all flows are IPv6.
 *
 * Every 5-tuple is distinct, so the capture holds exactly -f flows.
 * The packet count is a target: every flow has a minimum length (a TCP
 * connection at least 7 packets), the rest is spread over the TCP flows
 * with a long tail; the total printed at the end is exact.
 *
 * All checksums (IPv4 header, TCP, UDP, ICMP, ICMPv6) are correct.
 * Output is a pure function of the options (fixed seed by default).
 *
 * Build: gcc -O2 -o gen-capture gen-capture.c -lm   (no libpcap needed)
 * Usage: gen-capture [-n PACKETS] [-f FLOWS] [-d SECONDS] [-s SEED] -o FILE
 *        gen-capture -V
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { F_TCP = 0, F_DNS, F_UDP, F_ICMP };

enum { TH_FIN = 0x01, TH_SYN = 0x02, TH_RST = 0x04, TH_PSH = 0x08, TH_ACK = 0x10 };

/* One packet to be written: everything but its time, which is in the key. */
struct desc {
	uint32_t flow;
	uint32_t seq;		/* TCP: relative sequence of the sender; ICMP: echo seq */
	uint32_t ack;		/* TCP: relative ack (of the other direction) */
	uint16_t len;		/* payload bytes */
	uint8_t flags;		/* TCP flags; DNS/ICMP: 1 = response */
	uint8_t dir;		/* 0 client -> server, 1 server -> client */
};

struct flowinfo {
	uint32_t cli, srv;	/* client / server host numbers */
	uint16_t cport, sport;	/* ICMP: cport is the echo identifier */
	uint8_t type, v6;
	uint8_t app;		/* TCP: APP_* clear-text opening, or APP_NONE */
	uint16_t rtt_ms;
};

/* What the first client and server payloads of a TCP flow hold. */
enum { APP_NONE = 0, APP_TLS, APP_HTTP, APP_SSH };

static uint64_t rng_state;

static uint64_t rnd(void)
{
	/* splitmix64 */
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static uint32_t rnd_below(uint32_t n)
{
	return n ? (uint32_t)((rnd() >> 32) * n >> 32) : 0;
}

static double rnd_unit(void)
{
	return (double)(rnd() >> 11) * (1.0 / 9007199254740992.0);
}

static uint64_t hash64(uint64_t x)
{
	x ^= x >> 33; x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53ull;
	return x ^ (x >> 33);
}

static struct desc *descs;
static uint64_t *keys;		/* (time_us << 32) | desc index */
static uint64_t ndesc, cap_desc;

static void grow(void)
{
	cap_desc = cap_desc ? cap_desc * 2 : 1u << 20;
	if (cap_desc > UINT32_MAX) {
		fprintf(stderr, "gen-capture: too many packets\n");
		exit(1);
	}
	descs = realloc(descs, cap_desc * sizeof *descs);
	keys = realloc(keys, cap_desc * sizeof *keys);
	if (!descs || !keys) {
		fprintf(stderr, "gen-capture: out of memory\n");
		exit(1);
	}
}

/* Appends a packet at relative time t_us (the flow's start is added later). */
static void emit(uint32_t flow, uint64_t t_us, int dir, uint8_t flags,
		 uint32_t seq, uint32_t ack, uint32_t len)
{
	if (ndesc == cap_desc)
		grow();
	struct desc *d = &descs[ndesc];
	d->flow = flow;
	d->seq = seq;
	d->ack = ack;
	d->len = (uint16_t)len;
	d->flags = flags;
	d->dir = (uint8_t)dir;
	keys[ndesc] = t_us;	/* relative for now */
	ndesc++;
}

/* ---- per-flow scripts; each emits exactly the packets asked for ---- */

static uint32_t exp_draw(double mean)
{
	double u = rnd_unit();
	if (u < 1e-12)
		u = 1e-12;
	return (uint32_t)(-log(u) * mean);
}

static uint32_t server_seg_size(uint32_t mss)
{
	uint32_t r = rnd_below(100);
	if (r < 55)
		return mss;
	if (r < 80)
		return 60 + rnd_below(600);
	return 1 + rnd_below(mss);
}


/* ---- application openings (format version 2) ----
 *
 * Most TCP flows to 443/993 (TLS), 80/8080 (HTTP) and 22 (SSH) open with
 * real clear-text messages, so that dissectors parse rather than decline:
 *   TLS   client: a TLS 1.3 ClientHello (SNI, ALPN on 443, key share, ...);
 *         server: ServerHello + ChangeCipherSpec + the start of an
 *         application_data record filling the rest of the segment.
 *   HTTP  client: GET with Host and User-Agent; server: a 200 response head,
 *         the rest of the segment is body.
 *   SSH   client: banner + KEXINIT + KEX_ECDH_INIT; server: banner + KEXINIT
 *         + KEX_ECDH_REPLY + NEWKEYS; the client's next segment starts with
 *         its NEWKEYS. What follows is opaque (encrypted) bytes, as before.
 * Everything is a function of the flow number, so both the script (which
 * needs the lengths) and the packet builder can rebuild it.  The bytes are
 * the first segment of each direction (relative seq 1), also when that
 * segment is retransmitted or arrives out of order. */

struct wbuf { uint8_t *p; size_t n; };

static void w8(struct wbuf *b, uint32_t v) { b->p[b->n++] = (uint8_t)v; }
static void w16(struct wbuf *b, uint32_t v) { w8(b, v >> 8); w8(b, v); }
static void w24(struct wbuf *b, uint32_t v) { w8(b, v >> 16); w16(b, v); }
static void w32(struct wbuf *b, uint32_t v) { w16(b, v >> 16); w16(b, v); }
static void wmem(struct wbuf *b, const void *m, size_t n) { memcpy(b->p + b->n, m, n); b->n += n; }
static void wstr(struct wbuf *b, const char *s) { wmem(b, s, strlen(s)); }
static void wrand(struct wbuf *b, uint64_t seed, size_t n)
{
	for (size_t i = 0; i < n; i++)
		w8(b, (uint32_t)(hash64(seed * 1315423911u + i) >> 40));
}
/* patches a big-endian length of `bytes` bytes at `at`: everything after it */
static void wlen(struct wbuf *b, size_t at, int bytes)
{
	size_t v = b->n - at - (size_t)bytes;
	for (int i = bytes - 1; i >= 0; i--, v >>= 8)
		b->p[at + (size_t)i] = (uint8_t)v;
}

static const char *const tlds[] = { "com", "net", "org", "io" };

static void host_name(char *out, size_t n, const struct flowinfo *f)
{
	if (f->sport == 993)
		snprintf(out, n, "imap.mail%u.%s", (unsigned)(f->srv % 500), tlds[f->srv % 4]);
	else
		snprintf(out, n, "www.site%u.%s", (unsigned)f->srv, tlds[f->srv % 4]);
}

static size_t tls_client_hello(uint8_t *p, const struct flowinfo *f, uint32_t fi)
{
	static const uint16_t suites[] = {
		0x1301, 0x1303, 0x1302, 0xc02b, 0xc02f, 0xcca9, 0xcca8, 0xc02c,
		0xc030, 0xc00a, 0xc009, 0xc013, 0xc014, 0x009c, 0x009d, 0x002f, 0x0035,
	};
	static const uint16_t sigalgs[] = {
		0x0403, 0x0503, 0x0603, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601,
	};
	struct wbuf b = { p, 0 };
	char name[64];
	host_name(name, sizeof name, f);
	w8(&b, 22); w16(&b, 0x0301); size_t rec = b.n; w16(&b, 0);
	w8(&b, 1); size_t hs = b.n; w24(&b, 0);
	w16(&b, 0x0303);
	wrand(&b, fi * 8 + 1, 32);				/* random */
	w8(&b, 32); wrand(&b, fi * 8 + 2, 32);			/* legacy session id */
	w16(&b, sizeof suites);
	for (size_t i = 0; i < sizeof suites / sizeof suites[0]; i++)
		w16(&b, suites[i]);
	w8(&b, 1); w8(&b, 0);					/* compression: null */
	size_t ext = b.n; w16(&b, 0);
	w16(&b, 0x0000); size_t e = b.n; w16(&b, 0);		/* server_name */
	size_t l = b.n; w16(&b, 0); w8(&b, 0); w16(&b, (uint32_t)strlen(name)); wstr(&b, name);
	wlen(&b, l, 2); wlen(&b, e, 2);
	w16(&b, 0x0017); w16(&b, 0);				/* extended_master_secret */
	w16(&b, 0xff01); w16(&b, 1); w8(&b, 0);			/* renegotiation_info */
	w16(&b, 0x000a); w16(&b, 8); w16(&b, 6);		/* supported_groups */
	w16(&b, 0x001d); w16(&b, 0x0017); w16(&b, 0x0018);
	w16(&b, 0x000b); w16(&b, 2); w8(&b, 1); w8(&b, 0);	/* ec_point_formats */
	w16(&b, 0x0023); w16(&b, 0);				/* session_ticket */
	if (f->sport == 443) {					/* ALPN: h2, http/1.1 */
		w16(&b, 0x0010); w16(&b, 14); w16(&b, 12);
		w8(&b, 2); wstr(&b, "h2"); w8(&b, 8); wstr(&b, "http/1.1");
	}
	w16(&b, 0x0005); w16(&b, 5); w8(&b, 1); w16(&b, 0); w16(&b, 0);	/* status_request */
	w16(&b, 0x000d); w16(&b, 2 + sizeof sigalgs); w16(&b, sizeof sigalgs);	/* signature_algorithms */
	for (size_t i = 0; i < sizeof sigalgs / sizeof sigalgs[0]; i++)
		w16(&b, sigalgs[i]);
	w16(&b, 0x0033); w16(&b, 38); w16(&b, 36);		/* key_share: x25519 */
	w16(&b, 0x001d); w16(&b, 32); wrand(&b, fi * 8 + 3, 32);
	w16(&b, 0x002d); w16(&b, 2); w8(&b, 1); w8(&b, 1);	/* psk_key_exchange_modes */
	w16(&b, 0x002b); w16(&b, 5); w8(&b, 4); w16(&b, 0x0304); w16(&b, 0x0303);	/* supported_versions */
	wlen(&b, ext, 2); wlen(&b, hs, 3); wlen(&b, rec, 2);
	return b.n;
}

/* ServerHello + ChangeCipherSpec + an application_data record header whose
 * body is the rest of a `seglen`-byte segment (0: just the head's length). */
static size_t tls_server_head(uint8_t *p, uint32_t fi, size_t seglen)
{
	struct wbuf b = { p, 0 };
	w8(&b, 22); w16(&b, 0x0303); size_t rec = b.n; w16(&b, 0);
	w8(&b, 2); size_t hs = b.n; w24(&b, 0);
	w16(&b, 0x0303);
	wrand(&b, fi * 8 + 4, 32);
	w8(&b, 32); wrand(&b, fi * 8 + 2, 32);			/* echoes the client's */
	w16(&b, 0x1301); w8(&b, 0);
	size_t ext = b.n; w16(&b, 0);
	w16(&b, 0x002b); w16(&b, 2); w16(&b, 0x0304);		/* supported_versions */
	w16(&b, 0x0033); w16(&b, 36); w16(&b, 0x001d); w16(&b, 32); wrand(&b, fi * 8 + 5, 32);
	wlen(&b, ext, 2); wlen(&b, hs, 3); wlen(&b, rec, 2);
	w8(&b, 20); w16(&b, 0x0303); w16(&b, 1); w8(&b, 1);	/* change_cipher_spec */
	w8(&b, 23); w16(&b, 0x0303);				/* application_data */
	w16(&b, seglen > b.n + 2 ? (uint32_t)(seglen - b.n - 2) : 0);
	return b.n;
}
#define TLS_SERVER_MIN 160	/* head (127 bytes) and some encrypted bytes */

static size_t http_request(uint8_t *p, const struct flowinfo *f, uint32_t fi)
{
	static const char *const ua[] = {
		"Mozilla/5.0 (X11; Linux x86_64; rv:109.0) Gecko/20100101 Firefox/115.0",
		"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",
		"curl/7.88.1",
		"Debian APT-HTTP/1.3 (2.6.1)",
	};
	static const char *const ext[] = { "js", "css", "png", "html", "json" };
	char name[64];
	host_name(name, sizeof name, f);
	int n = sprintf((char *)p, "GET /static/%08x.%s HTTP/1.1\r\nHost: %s%s\r\n"
			"User-Agent: %s\r\nAccept: */*\r\nAccept-Encoding: gzip, deflate\r\n"
			"Connection: keep-alive\r\n\r\n",
			(unsigned)(hash64(fi) & 0xffffffff), ext[fi % 5], name,
			f->sport == 8080 ? ":8080" : "", ua[(fi / 5) % 4]);
	return (size_t)n;
}

static size_t http_response(uint8_t *p, uint32_t fi)
{
	static const char *const ct[] = { "application/javascript", "text/css", "font/woff2",
					  "application/octet-stream", "application/wasm" };
	int n = sprintf((char *)p, "HTTP/1.1 200 OK\r\nServer: nginx/1.22.1\r\n"
			"Content-Type: %s\r\nCache-Control: max-age=3600\r\n"
			"Connection: keep-alive\r\n\r\n", ct[fi % 5]);
	return (size_t)n;
}

/* One SSH binary packet (RFC 4253 §6) around payload[0..n), no MAC. */
static void ssh_packet(struct wbuf *b, const uint8_t *payload, size_t n)
{
	size_t pad = 8 - (5 + n) % 8;
	if (pad < 4)
		pad += 8;
	w32(b, (uint32_t)(1 + n + pad));
	w8(b, (uint32_t)pad);
	wmem(b, payload, n);
	for (size_t i = 0; i < pad; i++)
		w8(b, 0);
}

static void ssh_string(struct wbuf *b, const char *s) { w32(b, (uint32_t)strlen(s)); wstr(b, s); }

static size_t ssh_kexinit(uint8_t *out, uint32_t fi, int server)
{
	uint8_t pl[1024];
	struct wbuf b = { pl, 0 };
	w8(&b, 20);
	wrand(&b, fi * 8 + 6 + (uint64_t)server, 16);		/* cookie */
	ssh_string(&b, server ? "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,diffie-hellman-group16-sha512"
			      : "curve25519-sha256,curve25519-sha256@libssh.org,ecdh-sha2-nistp256,ext-info-c");
	ssh_string(&b, "ssh-ed25519,ecdsa-sha2-nistp256,rsa-sha2-512,rsa-sha2-256");
	for (int i = 0; i < 2; i++)
		ssh_string(&b, "chacha20-poly1305@openssh.com,aes128-ctr,aes256-ctr,aes128-gcm@openssh.com,aes256-gcm@openssh.com");
	for (int i = 0; i < 2; i++)
		ssh_string(&b, "umac-64-etm@openssh.com,hmac-sha2-256-etm@openssh.com,hmac-sha2-256,hmac-sha1");
	for (int i = 0; i < 2; i++)
		ssh_string(&b, "none,zlib@openssh.com");
	ssh_string(&b, "");
	ssh_string(&b, "");
	w8(&b, 0);
	w32(&b, 0);
	struct wbuf o = { out, 0 };
	ssh_packet(&o, pl, b.n);
	return o.n;
}

static size_t ssh_opening(uint8_t *p, const struct flowinfo *f, uint32_t fi, int server)
{
	static const char *const clients[] = {
		"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3", "SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.6",
		"SSH-2.0-PuTTY_Release_0.80", "SSH-2.0-libssh2_1.10.0", "SSH-2.0-Go",
	};
	uint8_t pl[256];
	struct wbuf b = { p, 0 }, m = { pl, 0 };
	(void)f;
	wstr(&b, server ? "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u2" : clients[fi % 5]);
	wstr(&b, "\r\n");
	b.n += ssh_kexinit(b.p + b.n, fi, server);
	if (!server) {
		w8(&m, 30);					/* KEX_ECDH_INIT: Q_C */
		w32(&m, 32); wrand(&m, fi * 8 + 3, 32);
	} else {
		w8(&m, 31);					/* KEX_ECDH_REPLY */
		w32(&m, 51); ssh_string(&m, "ssh-ed25519"); w32(&m, 32); wrand(&m, fi * 8 + 4, 32);
		w32(&m, 32); wrand(&m, fi * 8 + 5, 32);		/* Q_S */
		w32(&m, 83); ssh_string(&m, "ssh-ed25519"); w32(&m, 64); wrand(&m, fi * 8 + 7, 64);
	}
	ssh_packet(&b, pl, m.n);
	if (server) {
		uint8_t nk = 21;
		ssh_packet(&b, &nk, 1);
	}
	return b.n;
}
#define SSH_NEWKEYS_LEN 16	/* the client's second segment begins with this */

/* The first payload of a direction of flow fi, into p (room: 2048 bytes);
 * returns its length (0: the flow has no clear-text opening).  For a TLS
 * server, seglen is the segment's length (the record fills it). */
static size_t app_opening(uint8_t *p, const struct flowinfo *f, uint32_t fi, int server, size_t seglen)
{
	switch (f->app) {
	case APP_TLS:
		return server ? tls_server_head(p, fi, seglen) : tls_client_hello(p, f, fi);
	case APP_HTTP:
		return server ? http_response(p, fi) : http_request(p, f, fi);
	case APP_SSH:
		return ssh_opening(p, f, fi, server);
	}
	return 0;
}

static void script_tcp(uint32_t fi, const struct flowinfo *f, uint32_t npk)
{
	uint64_t rtt = (uint64_t)f->rtt_ms * 1000 + rnd_below(1000);
	uint32_t mss = f->v6 ? 1428 : 1448;	/* 1500 - IP - TCP with timestamps */
	uint32_t cs = 0, ss = 0;		/* next relative seq of client, server */
	uint64_t t = 0;
	uint8_t scratch[2048];
	uint32_t capp = (uint32_t)app_opening(scratch, f, fi, 0, 0);
	uint32_t sapp = (uint32_t)app_opening(scratch, f, fi, 1, 0);
	if (f->app == APP_TLS)
		sapp = TLS_SERVER_MIN;

	/* handshake */
	emit(fi, t, 0, TH_SYN, cs, 0, 0);
	cs = 1;
	t += rtt;
	emit(fi, t, 1, TH_SYN | TH_ACK, ss, cs, 0);
	ss = 1;
	t += 20 + rnd_below(40);
	emit(fi, t, 0, TH_ACK, cs, ss, 0);

	uint32_t mid = npk - 6;		/* data phase; the close takes 3 */
	int rst = rnd_below(100) < 3;
	if (rst)
		mid += 2;		/* RST closes in one packet */
	while (mid > 0) {
		/* request (sometimes an upload of a few segments) */
		uint32_t nreq = rnd_below(100) < 6 ? 2 + rnd_below(6) : 1;
		for (uint32_t i = 0; i < nreq && mid > 0; i++, mid--) {
			uint32_t len = i + 1 < nreq ? mss : 40 + rnd_below(700);
			if (cs == 1 && capp)
				len = capp;		/* the opening is a segment of its own */
			else if (f->app == APP_SSH && cs == 1 + capp && len < SSH_NEWKEYS_LEN)
				len = SSH_NEWKEYS_LEN;
			t += 5 + rnd_below(30);
			emit(fi, t, 0, TH_ACK | TH_PSH, cs, ss, len);
			cs += len;
		}
		if (mid == 0)
			break;
		/* response: k segments, client ACKs every second one */
		uint32_t r = rnd_below(100), k;
		if (r < 50)
			k = 1;
		else if (r < 80)
			k = 2 + rnd_below(3);
		else if (r < 96)
			k = 5 + rnd_below(20);
		else
			k = 25 + rnd_below(200);
		t += rtt + rnd_below(3000);
		uint32_t seg = 0, retrans_seq = 0, retrans_len = 0;
		uint64_t retrans_t = 0;
		while (seg < k && mid > 0) {
			uint32_t len = seg + 1 < k ? mss : server_seg_size(mss);
			uint32_t len2 = 0;
			if (ss == 1 && sapp && (f->app == APP_SSH || len < sapp))
				len = sapp;	/* room for the opening; SSH's is a segment */
			/* out of order: the next segment arrives before this one */
			if (seg + 1 < k && mid >= 2 && rnd_below(100) < 1) {
				len2 = seg + 2 < k ? mss : server_seg_size(mss);
				emit(fi, t, 1, TH_ACK, ss + len, cs, len2);
				t += 10 + rnd_below(100);
				emit(fi, t, 1, TH_ACK, ss, cs, len);
				mid -= 2;
				seg += 2;
			} else {
				emit(fi, t, 1, TH_ACK | (seg + 1 == k ? TH_PSH : 0), ss, cs, len);
				mid--;
				seg++;
				if (!retrans_len && rnd_below(1000) < 15) {
					retrans_seq = ss;
					retrans_len = len;
					retrans_t = t + 200000 + rtt;
				}
			}
			ss += len + len2;
			t += 12 + rnd_below(150);
			if ((seg % 2 == 0 || seg >= k) && mid > 0) {
				emit(fi, t + 30, 0, TH_ACK, cs, ss, 0);
				mid--;
			}
		}
		if (retrans_len && mid > 0) {
			emit(fi, retrans_t, 1, TH_ACK, retrans_seq, cs, retrans_len);
			mid--;
			if (retrans_t > t)
				t = retrans_t;
		}
		t += 1000 + rnd_below(40000);	/* think time before the next request */
	}
	if (rst) {
		emit(fi, t, 0, TH_RST | TH_ACK, cs, ss, 0);
		return;
	}
	/* close: client FIN, server FIN+ACK, client ACK (a few servers close first) */
	if (rnd_below(100) < 15) {
		emit(fi, t, 1, TH_FIN | TH_ACK, ss, cs, 0);
		ss++;
		t += 20 + rnd_below(200);
		emit(fi, t, 0, TH_FIN | TH_ACK, cs, ss, 0);
		cs++;
		t += rtt;
		emit(fi, t, 1, TH_ACK, ss, cs, 0);
	} else {
		emit(fi, t, 0, TH_FIN | TH_ACK, cs, ss, 0);
		cs++;
		t += rtt;
		emit(fi, t, 1, TH_FIN | TH_ACK, ss, cs, 0);
		ss++;
		t += 20 + rnd_below(40);
		emit(fi, t, 0, TH_ACK, cs, ss, 0);
	}
}

static void script_dns(uint32_t fi, const struct flowinfo *f, uint32_t npk)
{
	uint64_t rtt = (uint64_t)f->rtt_ms * 1000 + rnd_below(1000);
	uint64_t t = 0;
	uint32_t txid = (uint32_t)rnd() & 0xffff;
	for (uint32_t i = 0; i + 2 < npk; i++) {	/* retransmitted queries */
		emit(fi, t, 0, 0, txid, 0, 0);
		t += 1000000;
	}
	emit(fi, t, 0, 0, txid, 0, 0);
	emit(fi, t + rtt, 1, 1, txid, rnd_below(4), 0);	/* ack = answer count - 1 */
}

static void script_udp(uint32_t fi, const struct flowinfo *f, uint32_t npk)
{
	uint64_t t = 0;
	int big = rnd_below(2);
	(void)f;
	for (uint32_t i = 0; i < npk; i++) {
		int dir = i == 0 ? 0 : (int)rnd_below(big ? 4 : 2) != 0;
		uint32_t len = big && dir ? 900 + rnd_below(300) : 20 + rnd_below(300);
		emit(fi, t, dir, 0, 0, 0, len);
		t += big ? 2000 + rnd_below(20000) : 20000 + rnd_below(500000);
	}
}

static void script_icmp(uint32_t fi, const struct flowinfo *f, uint32_t npk)
{
	uint64_t rtt = (uint64_t)f->rtt_ms * 1000 + rnd_below(1000);
	uint64_t t = 0;
	for (uint32_t i = 0; i < npk; i++) {
		uint32_t seq = i / 2 + 1;
		if (i % 2 == 0) {
			emit(fi, t, 0, 0, seq, 0, 56);
		} else {
			emit(fi, t + rtt, 1, 1, seq, 0, 56);
			t += 1000000;
		}
	}
}

/* ---- packet bytes ---- */

static uint8_t pattern[2048];
static uint32_t pattern_sum[2049];	/* ones-complement partial sums, unfolded */

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t n)
{
	while (n > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		n -= 2;
	}
	if (n)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24); p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8); p[3] = (uint8_t)v;
}

static void addr4(uint8_t *p, int server, uint32_t host)
{
	if (server) {		/* a spread of public-looking /16s */
		static const uint8_t nets[8][2] = {
			{ 93, 184 }, { 142, 250 }, { 151, 101 }, { 104, 16 },
			{ 52, 84 }, { 185, 199 }, { 140, 82 }, { 13, 107 },
		};
		p[0] = nets[host % 8][0];
		p[1] = nets[host % 8][1];
		p[2] = (uint8_t)(host >> 3);
		p[3] = (uint8_t)(1 + (host >> 11) % 254);
	} else {
		p[0] = 10;	/* 10.x.y.2 - 10.x.y.251: distinct per host */
		p[1] = (uint8_t)(host / 250 / 256);
		p[2] = (uint8_t)(host / 250);
		p[3] = (uint8_t)(host % 250 + 2);
	}
}

static void addr6(uint8_t *p, int server, uint32_t host)
{
	memset(p, 0, 16);
	p[0] = 0x20; p[1] = server ? 0x01 : 0x01;
	p[2] = 0x0d; p[3] = 0xb8;
	p[4] = server ? 0xff : 0x00;
	p[5] = (uint8_t)(host % 8);
	put32(p + 12, host + 1);
	if (!server)
		p[8] = 0x02, p[9] = 0x16, p[10] = 0x3e;
}

static const uint8_t gw_mac[6] = { 0x00, 0x1b, 0x21, 0x3a, 0x4f, 0x01 };

static size_t build_dns(uint8_t *p, const struct desc *d, uint32_t fi)
{
	size_t n = 0;
	put16(p, d->seq);
	put16(p + 2, d->flags ? 0x8180 : 0x0100);
	put16(p + 4, 1);
	put16(p + 6, d->flags ? d->ack + 1 : 0);
	put16(p + 8, 0);
	put16(p + 10, 0);
	n = 12;
	/* qname: hXXXXXXXX.cdnN.<tld> */
	char label[16];
	int l = snprintf(label, sizeof label, "h%08x", (unsigned)(hash64(fi) & 0xffffffff));
	p[n++] = (uint8_t)l;
	memcpy(p + n, label, (size_t)l);
	n += (size_t)l;
	l = snprintf(label, sizeof label, "cdn%u", (unsigned)(fi % 97));
	p[n++] = (uint8_t)l;
	memcpy(p + n, label, (size_t)l);
	n += (size_t)l;
	const char *tld = tlds[fi % 4];
	p[n++] = (uint8_t)strlen(tld);
	memcpy(p + n, tld, strlen(tld));
	n += strlen(tld);
	p[n++] = 0;
	put16(p + n, 1);	/* A */
	put16(p + n + 2, 1);	/* IN */
	n += 4;
	if (d->flags) {
		for (uint32_t i = 0; i <= d->ack; i++) {
			put16(p + n, 0xc00c);
			put16(p + n + 2, 1);
			put16(p + n + 4, 1);
			put32(p + n + 6, 300);
			put16(p + n + 10, 4);
			put32(p + n + 12, (uint32_t)hash64(fi * 4 + i));
			n += 16;
		}
	}
	return n;
}

/* Builds the frame for d into buf; returns its length. */
static size_t build(uint8_t *buf, const struct desc *d, const struct flowinfo *f,
		    uint32_t fi, uint64_t ts_us)
{
	int c2s = d->dir == 0;
	uint8_t *eth = buf;
	uint8_t cmac[6] = { 0x02, 0x16, 0x3e, (uint8_t)(f->cli >> 16), (uint8_t)(f->cli >> 8), (uint8_t)f->cli };
	memcpy(eth, c2s ? gw_mac : cmac, 6);
	memcpy(eth + 6, c2s ? cmac : gw_mac, 6);
	put16(eth + 12, f->v6 ? 0x86dd : 0x0800);

	uint8_t src[16], dst[16];
	size_t alen = f->v6 ? 16 : 4;
	if (f->v6) {
		addr6(c2s ? src : dst, 0, f->cli);
		addr6(c2s ? dst : src, 1, f->srv);
	} else {
		addr4(c2s ? src : dst, 0, f->cli);
		addr4(c2s ? dst : src, 1, f->srv);
	}
	uint8_t *ip = eth + 14;
	size_t iphl = f->v6 ? 40 : 20;
	uint8_t *l4 = ip + iphl;
	size_t l4len = 0;
	uint8_t ipproto = 0;
	uint32_t payload_sum = 0;	/* of the payload after the L4 header */
	size_t hdrlen = 0;

	uint16_t sport = c2s ? f->cport : f->sport, dport = c2s ? f->sport : f->cport;
	switch (f->type) {
	case F_TCP: {
		uint32_t isn_c = (uint32_t)hash64(fi * 2 + 1), isn_s = (uint32_t)hash64(fi * 2 + 2);
		uint32_t seq = d->seq + (c2s ? isn_c : isn_s);
		uint32_t ack = d->ack + (c2s ? isn_s : isn_c);
		ipproto = 6;
		put16(l4, sport);
		put16(l4 + 2, dport);
		put32(l4 + 4, seq);
		put32(l4 + 8, (d->flags & TH_ACK) ? ack : 0);
		l4[13] = d->flags;
		put16(l4 + 14, (d->flags & TH_SYN) ? 64240 : 501 + (fi % 2000));
		put16(l4 + 16, 0);
		put16(l4 + 18, 0);
		uint8_t *o = l4 + 20;
		uint32_t tsval = (uint32_t)(ts_us / 1000) + (uint32_t)hash64(fi);
		if (d->flags & TH_SYN) {
			o[0] = 2; o[1] = 4; put16(o + 2, f->v6 ? 1440 : 1460);	/* MSS */
			o[4] = 4; o[5] = 2;					/* SACK permitted */
			o[6] = 8; o[7] = 10; put32(o + 8, tsval);
			put32(o + 12, (d->flags & TH_ACK) ? tsval - f->rtt_ms : 0);
			o[16] = 1; o[17] = 3; o[18] = 3; o[19] = 7;		/* NOP, WS 7 */
			hdrlen = 40;
		} else if (d->flags & TH_RST) {
			hdrlen = 20;
		} else {
			o[0] = 1; o[1] = 1; o[2] = 8; o[3] = 10;
			put32(o + 4, tsval);
			put32(o + 8, tsval - f->rtt_ms);
			hdrlen = 32;
		}
		l4[12] = (uint8_t)((hdrlen / 4) << 4);
		uint8_t *pl = l4 + hdrlen;
		memcpy(pl, pattern, d->len);
		payload_sum = pattern_sum[d->len];
		if (f->app && d->len && d->seq < 4096) {	/* a clear-text opening */
			uint8_t m[2048];
			size_t n = 0;
			if (d->seq == 1) {
				n = app_opening(m, f, fi, !c2s, d->len);
			} else if (f->app == APP_SSH && c2s &&
				   d->seq == 1 + app_opening(m, f, fi, 0, 0)) {
				struct wbuf b = { m, 0 };
				uint8_t nk = 21;	/* the client's NEWKEYS */
				ssh_packet(&b, &nk, 1);
				n = b.n;
			}
			if (n) {
				memcpy(pl, m, n < d->len ? n : d->len);
				payload_sum = csum_add(0, pl, d->len);
			}
		}
		l4len = hdrlen + d->len;
		break;
	}
	case F_DNS:
	case F_UDP: {
		ipproto = 17;
		hdrlen = 8;
		put16(l4, sport);
		put16(l4 + 2, dport);
		put16(l4 + 6, 0);
		size_t plen;
		if (f->type == F_DNS) {
			plen = build_dns(l4 + 8, d, fi);
			payload_sum = csum_add(0, l4 + 8, plen);
		} else {
			plen = d->len;
			memcpy(l4 + 8, pattern, plen);
			payload_sum = pattern_sum[plen];
		}
		l4len = 8 + plen;
		put16(l4 + 4, (uint32_t)l4len);
		break;
	}
	case F_ICMP:
		ipproto = f->v6 ? 58 : 1;
		hdrlen = 8;
		if (f->v6)
			l4[0] = d->flags ? 129 : 128;
		else
			l4[0] = d->flags ? 0 : 8;
		l4[1] = 0;
		put16(l4 + 2, 0);
		put16(l4 + 4, f->cport);
		put16(l4 + 6, d->seq);
		memcpy(l4 + 8, pattern, d->len);
		payload_sum = pattern_sum[d->len];
		l4len = 8 + d->len;
		break;
	}

	/* IP header */
	if (f->v6) {
		put32(ip, 0x60000000u | (uint32_t)(hash64(fi) & 0xfffff));
		put16(ip + 4, (uint32_t)l4len);
		ip[6] = ipproto;
		ip[7] = c2s ? 64 : 52;
		memcpy(ip + 8, src, 16);
		memcpy(ip + 24, dst, 16);
	} else {
		ip[0] = 0x45;
		ip[1] = 0;
		put16(ip + 2, (uint32_t)(20 + l4len));
		put16(ip + 4, (uint32_t)(hash64(fi + ts_us) & 0xffff));
		put16(ip + 6, 0x4000);	/* DF */
		ip[8] = c2s ? 64 : 52;
		ip[9] = ipproto;
		put16(ip + 10, 0);
		memcpy(ip + 12, src, 4);
		memcpy(ip + 16, dst, 4);
		put16(ip + 10, csum_fold(csum_add(0, ip, 20)));
	}

	/* L4 checksum: header + payload (+ pseudo-header except for ICMPv4) */
	uint32_t sum = csum_add(payload_sum, l4, hdrlen);
	if (ipproto != 1) {
		sum = csum_add(sum, src, alen);
		sum = csum_add(sum, dst, alen);
		sum += ipproto;
		sum += (uint32_t)l4len;	/* < 65536, fine for both families */
	}
	uint16_t c = csum_fold(sum);
	if (ipproto == 17 && c == 0)
		c = 0xffff;
	put16(l4 + (ipproto == 6 ? 16 : ipproto == 17 ? 6 : 2), c);
	return 14 + iphl + l4len;
}

/* LSD radix sort of 64-bit keys, 16 bits a pass, skipping constant digits. */
static void radix_sort(uint64_t *a, uint64_t n)
{
	uint64_t *tmp = malloc((n ? n : 1) * sizeof *tmp);
	size_t *cnt = malloc(65536 * sizeof *cnt);
	if (!tmp || !cnt) {
		fprintf(stderr, "gen-capture: out of memory\n");
		exit(1);
	}
	uint64_t *src = a, *dst = tmp;
	for (int shift = 0; shift < 64; shift += 16) {
		memset(cnt, 0, 65536 * sizeof *cnt);
		for (uint64_t i = 0; i < n; i++)
			cnt[(src[i] >> shift) & 0xffff]++;
		if (n == 0 || cnt[(src[0] >> shift) & 0xffff] == n)
			continue;	/* this digit is the same everywhere */
		size_t s = 0;
		for (size_t i = 0; i < 65536; i++) {
			size_t c = cnt[i];
			cnt[i] = s;
			s += c;
		}
		for (uint64_t i = 0; i < n; i++)
			dst[cnt[(src[i] >> shift) & 0xffff]++] = src[i];
		uint64_t *sw = src;
		src = dst;
		dst = sw;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
	free(cnt);
	free(tmp);
}

/* bump when the output changes for the same options; 2: TCP flows open with
 * real TLS / HTTP / SSH messages (v1: random bytes) */
#define GEN_FORMAT_VERSION 2

static void usage(void)
{
	fprintf(stderr,
		"usage: gen-capture [-n PACKETS] [-f FLOWS] [-d SECONDS] [-s SEED] -o FILE\n"
		"  -n  target packet count (default 3000000)\n"
		"  -f  distinct flows (default 150000)\n"
		"  -d  capture span in seconds (default 60)\n"
		"  -s  random seed (default 1)\n"
		"  -V  print the output format version and exit\n");
	exit(2);
}

static uint64_t parse_num(const char *s)
{
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || end == s || *end || *s == '-')
		usage();
	return v;
}

int main(int argc, char **argv)
{
	uint64_t npackets = 3000000, nflows = 150000, span_s = 60, seed = 1;
	const char *out = NULL;
	int opt;
	while ((opt = getopt(argc, argv, "n:f:d:s:o:Vh")) != -1) {
		switch (opt) {
		case 'n': npackets = parse_num(optarg); break;
		case 'f': nflows = parse_num(optarg); break;
		case 'd': span_s = parse_num(optarg); break;
		case 's': seed = parse_num(optarg); break;
		case 'o': out = optarg; break;
		case 'V': printf("gen-capture %d\n", GEN_FORMAT_VERSION); return 0;
		default: usage();
		}
	}
	if (!out || optind != argc || nflows == 0 || nflows > 16000000 ||
	    span_s == 0 || span_s > 3600)
		usage();
	rng_state = seed * 0x2545f4914f6cdd1dull + 1;

	for (size_t i = 0; i < sizeof pattern; i++)
		pattern[i] = (uint8_t)(hash64(i) >> 24);
	pattern_sum[0] = 0;
	for (size_t i = 0; i < sizeof pattern; i++)
		pattern_sum[i + 1] = pattern_sum[i] + (i % 2 ? pattern[i] : (uint32_t)pattern[i] << 8);

	struct flowinfo *flows = calloc(nflows, sizeof *flows);
	uint32_t *npk = calloc(nflows, sizeof *npk);
	if (!flows || !npk) {
		fprintf(stderr, "gen-capture: out of memory\n");
		return 1;
	}

	/* 1. the flows: type, endpoints, minimum packets */
	const uint32_t nclients = 4096, nservers = 20000;
	uint64_t fixed = 0, ntcp = 0, napp[4] = { 0 };
	for (uint64_t i = 0; i < nflows; i++) {
		struct flowinfo *f = &flows[i];
		uint32_t r = rnd_below(100);
		f->type = r < 62 ? F_TCP : r < 86 ? F_DNS : r < 95 ? F_UDP : F_ICMP;
		f->v6 = rnd_below(100) < 12;
		/* a distinct (client, port) per flow keeps every 5-tuple distinct */
		f->cli = (uint32_t)(i % nclients);
		f->cport = (uint16_t)(32768 + (i / nclients) % 28000);
		f->srv = rnd_below(nservers);
		f->rtt_ms = (uint16_t)(1 + exp_draw(25));
		if (f->rtt_ms > 600)
			f->rtt_ms = 600;
		switch (f->type) {
		case F_TCP: {
			static const uint16_t ports[] = { 443, 443, 443, 443, 443, 80, 80, 22, 993, 8080 };
			f->sport = ports[rnd_below(10)];
			/* 9 in 10 open with clear text; the rest stay opaque
			 * (no draw from rnd(): the traffic shape is as in v1) */
			if (hash64(i ^ 0x6170706c69636174ull) % 10 != 0)
				f->app = f->sport == 443 || f->sport == 993 ? APP_TLS :
					 f->sport == 22 ? APP_SSH : APP_HTTP;
			napp[f->app]++;
			npk[i] = 7;
			ntcp++;
			break;
		}
		case F_DNS:
			f->srv = rnd_below(4);	/* a few resolvers */
			f->sport = 53;
			npk[i] = rnd_below(100) < 4 ? 3 : 2;
			fixed += npk[i];
			break;
		case F_UDP: {
			static const uint16_t ports[] = { 443, 443, 3478, 19302, 51820, 5004 };
			f->sport = ports[rnd_below(6)];
			if (f->sport == 5004)
				f->sport = (uint16_t)(16384 + rnd_below(16384));
			npk[i] = 2 + exp_draw(12);
			fixed += npk[i];
			break;
		}
		case F_ICMP:
			f->cport = (uint16_t)(1 + i / nclients);	/* echo identifier */
			f->sport = f->cport;
			npk[i] = 2 * (1 + rnd_below(4));
			fixed += npk[i];
			break;
		}
	}
	/* 2. spread the remaining packets over the TCP flows (exponential tail) */
	uint64_t budget = npackets > fixed + 7 * ntcp ? npackets - fixed - 7 * ntcp : 0;
	uint64_t left_flows = ntcp;
	for (uint64_t i = 0; i < nflows && left_flows; i++) {
		if (flows[i].type != F_TCP)
			continue;
		uint64_t extra;
		if (left_flows == 1) {
			extra = budget;
		} else {
			extra = exp_draw((double)budget / (double)left_flows);
			if (extra > budget)
				extra = budget;
			if (extra > 60000)
				extra = 60000;
		}
		npk[i] += (uint32_t)extra;
		budget -= extra;
		left_flows--;
	}

	/* 3. scripts, then place each flow in the span */
	uint64_t span_us = span_s * 1000000;
	for (uint64_t i = 0; i < nflows; i++) {
		uint64_t first = ndesc;
		switch (flows[i].type) {
		case F_TCP: script_tcp((uint32_t)i, &flows[i], npk[i]); break;
		case F_DNS: script_dns((uint32_t)i, &flows[i], npk[i]); break;
		case F_UDP: script_udp((uint32_t)i, &flows[i], npk[i]); break;
		case F_ICMP: script_icmp((uint32_t)i, &flows[i], npk[i]); break;
		}
		uint64_t dur = 0;
		for (uint64_t j = first; j < ndesc; j++)
			if (keys[j] > dur)
				dur = keys[j];
		double scale = 1.0;
		uint64_t maxdur = span_us - span_us / 20;
		if (dur > maxdur) {
			scale = (double)maxdur / (double)dur;
			dur = maxdur;
		}
		uint64_t start = (uint64_t)(rnd_unit() * (double)(span_us - dur));
		for (uint64_t j = first; j < ndesc; j++) {
			uint64_t t = start + (uint64_t)((double)keys[j] * scale);
			keys[j] = t << 32 | j;
		}
	}

	/* 4. global time order (ties keep generation order) */
	radix_sort(keys, ndesc);

	/* 5. write */
	FILE *fp = fopen(out, "wb");
	if (!fp) {
		fprintf(stderr, "gen-capture: %s: %s\n", out, strerror(errno));
		return 1;
	}
	static char iobuf[1 << 22];
	setvbuf(fp, iobuf, _IOFBF, sizeof iobuf);
	uint8_t gh[24];
	uint32_t ghv[6] = { 0xa1b2c3d4u, 2 | 4u << 16, 0, 0, 65535, 1 };
	for (int i = 0; i < 6; i++) {
		gh[i * 4] = (uint8_t)ghv[i];
		gh[i * 4 + 1] = (uint8_t)(ghv[i] >> 8);
		gh[i * 4 + 2] = (uint8_t)(ghv[i] >> 16);
		gh[i * 4 + 3] = (uint8_t)(ghv[i] >> 24);
	}
	/* version is two 16-bit fields: major 2, minor 4 */
	gh[4] = 2; gh[5] = 0; gh[6] = 4; gh[7] = 0;
	fwrite(gh, 1, sizeof gh, fp);

	const uint64_t epoch = 1700000000ull * 1000000;	/* 2023-11-14 */
	uint8_t frame[16 + 2048];
	uint64_t bytes = 0;
	uint64_t per_type[4] = { 0 }, v6pk = 0;
	for (uint64_t k = 0; k < ndesc; k++) {
		uint64_t ts = epoch + (keys[k] >> 32);
		const struct desc *d = &descs[keys[k] & 0xffffffffu];
		const struct flowinfo *f = &flows[d->flow];
		size_t len = build(frame + 16, d, f, d->flow, ts);
		uint32_t hv[4] = { (uint32_t)(ts / 1000000), (uint32_t)(ts % 1000000),
				   (uint32_t)len, (uint32_t)len };
		for (int i = 0; i < 4; i++) {
			frame[i * 4] = (uint8_t)hv[i];
			frame[i * 4 + 1] = (uint8_t)(hv[i] >> 8);
			frame[i * 4 + 2] = (uint8_t)(hv[i] >> 16);
			frame[i * 4 + 3] = (uint8_t)(hv[i] >> 24);
		}
		fwrite(frame, 1, 16 + len, fp);
		bytes += len;
		per_type[f->type]++;
		v6pk += f->v6;
	}
	if (fflush(fp) != 0 || ferror(fp) || fclose(fp) != 0) {
		fprintf(stderr, "gen-capture: %s: write failed: %s\n", out, strerror(errno));
		return 1;
	}
	fprintf(stderr,
		"gen-capture: %s: %llu packets, %llu flows, %llu frame bytes, %llu s "
		"(packets: tcp %llu, dns %llu, udp %llu, icmp %llu; ipv6 %llu)\n",
		out, (unsigned long long)ndesc, (unsigned long long)nflows,
		(unsigned long long)bytes, (unsigned long long)span_s,
		(unsigned long long)per_type[F_TCP], (unsigned long long)per_type[F_DNS],
		(unsigned long long)per_type[F_UDP], (unsigned long long)per_type[F_ICMP],
		(unsigned long long)v6pk);
	fprintf(stderr, "gen-capture: tcp flows opening in clear text: tls %llu, http %llu, ssh %llu; opaque %llu\n",
		(unsigned long long)napp[APP_TLS], (unsigned long long)napp[APP_HTTP],
		(unsigned long long)napp[APP_SSH], (unsigned long long)napp[APP_NONE]);
	free(descs);
	free(keys);
	free(flows);
	free(npk);
	return 0;
}
