/*
 * test_ssh.c - unit tests of dissectors/ssh.c against the fake host.
 *
 * Real vectors: tests/dissectors/vectors/ssh/NAME.{c2s,s2c}.bin, captured
 * by make-vectors.sh from OpenSSH and dropbear clients and servers, with
 * the identification strings tshark saw in expected.tsv. The vector folder
 * is $NL_VECTOR_DIR/ssh, or found next to this file.
 *
 * Build: gcc -std=gnu11 -g -O1 -Wall -Wextra -Werror -I plugins -I tests/dissectors \
 *          -o test_ssh tests/dissectors/test_ssh.c dissectors/ssh.c $(pkg-config --cflags --libs check)
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakehost.h"
#include "vectors.h"
#include "mutate.h"

const struct nl_dissector *netlens_dissector_entry(void);

#define PORT_C 50022
#define PORT_S 22

/* ---- helpers ---- */

static const struct nl_dissector *D(void) { return netlens_dissector_entry(); }

static enum nl_verdict feed(struct fh_flow *ff, int from_client, const void *b, size_t n)
{
	return fh_feed(ff, NL_TCP, from_client, from_client ? PORT_C : PORT_S,
		       from_client ? PORT_S : PORT_C, b, n, 0);
}

static enum nl_verdict feed_s(struct fh_flow *ff, int from_client, const char *s)
{
	return feed(ff, from_client, s, strlen(s));
}

static const char *vector_dir(void) { return fh_vector_dir("ssh"); }

static uint8_t *load(const char *name, const char *suffix, size_t *len)
{
	char file[256];
	ck_assert_int_lt(snprintf(file, sizeof(file), "%s%s", name, suffix), (int)sizeof(file));
	return fh_load_vector("ssh", file, NL_MAX_STREAM, len);
}

/* Offset past the first LF, or 0. */
static size_t banner_end(const uint8_t *b, size_t len)
{
	const uint8_t *lf = memchr(b, '\n', len);
	return lf ? (size_t)(lf - b) + 1 : 0;
}

/* Offset past the clear-text packet at off (no bounds: test data). */
static size_t packet_end(const uint8_t *b, size_t off)
{
	uint32_t plen = (uint32_t)b[off] << 24 | (uint32_t)b[off + 1] << 16 | (uint32_t)b[off + 2] << 8 | b[off + 3];
	return off + 4 + plen;
}

/* Offset past the first packet with message msg after the banner, or 0. */
static size_t msg_end(const uint8_t *b, size_t len, uint8_t msg)
{
	size_t off = banner_end(b, len);
	while (off + 6 <= len) {
		size_t e = packet_end(b, off);
		if (b[off + 5] == msg)
			return e;
		off = e;
	}
	return 0;
}

/* Writes a clear-text packet with message msg and n payload bytes after
 * it (padded to a multiple of 8, at least 4); returns its size. */
static size_t pkt(uint8_t *o, uint8_t msg, size_t n)
{
	size_t pad = 8 - (5 + 1 + n) % 8;
	if (pad < 4)
		pad += 8;
	uint32_t plen = (uint32_t)(1 + 1 + n + pad);
	o[0] = (uint8_t)(plen >> 24);
	o[1] = (uint8_t)(plen >> 16);
	o[2] = (uint8_t)(plen >> 8);
	o[3] = (uint8_t)plen;
	o[4] = (uint8_t)pad;
	o[5] = msg;
	memset(o + 6, 0xab, n + pad);
	return 4 + plen;
}

/* A banner followed by packets of the given messages; returns the size. */
static size_t flow_bytes(uint8_t *o, const char *banner, const uint8_t *msgs, size_t n)
{
	size_t len = strlen(banner);
	memcpy(o, banner, len);
	for (size_t i = 0; i < n; i++)
		len += pkt(o + len, msgs[i], msgs[i] == 20 ? 300 : 40);
	return len;
}

static const char OPENSSH_C[] = "SSH-2.0-OpenSSH_9.6\r\n";
static const char OPENSSH_S[] = "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n";
static const char DROPBEAR_S[] = "SSH-2.0-dropbear_2022.83\r\n";
static const uint8_t KEX_C[] = { 20, 30, 21 };	/* KEXINIT, KEX_ECDH_INIT, NEWKEYS */
static const uint8_t KEX_S[] = { 20, 31, 21 };	/* KEXINIT, KEX_ECDH_REPLY, NEWKEYS */

/* Writes a KEXINIT packet whose cipher lists (both directions) are enc
 * and MAC lists mac (RFC 4253 §7.1); returns its size. */
static size_t kexinit_pkt(uint8_t *o, const char *enc, const char *mac)
{
	const char *lists[10] = { "curve25519-sha256", "ssh-ed25519", enc, enc, mac, mac,
				  "none", "none", "", "" };
	uint8_t pl[1024];
	size_t n = 0;
	pl[n++] = 20;
	memset(pl + n, 0x11, 16);
	n += 16;
	for (int i = 0; i < 10; i++) {
		size_t l = strlen(lists[i]);
		pl[n++] = 0, pl[n++] = 0, pl[n++] = (uint8_t)(l >> 8), pl[n++] = (uint8_t)l;
		memcpy(pl + n, lists[i], l);
		n += l;
	}
	memset(pl + n, 0, 5);	/* first_kex_packet_follows, reserved */
	n += 5;
	size_t pad = 8 - (4 + 1 + n) % 8;
	if (pad < 4)
		pad += 8;
	uint32_t plen = (uint32_t)(1 + n + pad);
	o[0] = 0, o[1] = 0, o[2] = (uint8_t)(plen >> 8), o[3] = (uint8_t)plen;
	o[4] = (uint8_t)pad;
	memcpy(o + 5, pl, n);
	memset(o + 5 + n, 0, pad);
	return 4 + plen;
}

/* A side's stream up to NEWKEYS: banner, KEXINIT (enc, mac), a key
 * exchange message, NEWKEYS. */
static size_t kex_side(uint8_t *o, const char *banner, const char *enc, const char *mac, uint8_t kex)
{
	size_t n = strlen(banner);
	memcpy(o, banner, n);
	n += kexinit_pkt(o + n, enc, mac);
	n += pkt(o + n, kex, 40);
	n += pkt(o + n, 21, 0);
	return n;
}

/* ---- descriptor ---- */

START_TEST(test_descriptor)
{
	const struct nl_dissector *d = D();
	ck_assert_uint_eq(d->struct_size, sizeof(struct nl_dissector));
	ck_assert_uint_eq(d->abi_major, NL_ABI_MAJOR);
	ck_assert_uint_eq(d->abi_minor, NL_ABI_MINOR);
	ck_assert_str_eq(d->name, "ssh");
	ck_assert_str_eq(d->display, "SSH");
	ck_assert_uint_eq(d->flags, NL_DESC_STREAM);
	ck_assert_uint_eq(d->transports, NL_TCP);
	ck_assert_uint_eq(d->idle_timeout_s, 1800);
	/* each side's first KEXINIT kept as name hashes: 6 lists of 24 */
	ck_assert_uint_le(d->state_size, 1280);
	ck_assert_uint_ge(d->packet_budget, 1);
	ck_assert_uint_le(d->packet_budget, 64);	/* bounded: a handshake in small segments fits */
	static const char *const keys[] = { "ssh.client_banner", "ssh.server_banner",
					    "ssh.client_software", "ssh.server_software",
					    "ssh.version", "ssh.kex_algorithm",
					    "ssh.host_key_algorithm", "ssh.cipher_c2s",
					    "ssh.cipher_s2c", "ssh.mac_c2s", "ssh.mac_s2c",
					    "ssh.hassh", "ssh.hassh_server" };
	ck_assert_uint_eq(d->n_fields, 13);
	for (uint16_t i = 0; i < d->n_fields; i++) {
		ck_assert_uint_eq(d->fields[i].id, i);
		ck_assert_str_eq(d->fields[i].key, keys[i]);
		ck_assert_uint_eq(d->fields[i].type, NL_FIELD_STR);
	}
	ck_assert_int_eq(d->domain_field, -1);
	ck_assert_uint_eq(d->n_port_hints, 2);
	ck_assert_uint_eq(d->port_hints[0], 22);
	ck_assert_uint_eq(d->port_hints[1], 2222);
}
END_TEST

/* ---- real captures ---- */

/* What the two KEXINITs of each vector agree on, and their HASSHes, from
 * an independent reading (compare_dpi.py's ssh_agreed() and Python's MD5
 * over the lists; on other captures both agree with tshark's
 * ssh.kex.hassh / hasshserver). The ciphers are AEAD: no MAC is shown. */
static const struct {
	const char *name, *kex, *host_key, *cipher, *hassh, *hassh_server;
} agreed[] = {
	{ "dbclient_dropbear", "curve25519-sha256", "ssh-ed25519", "chacha20-poly1305@openssh.com",
	  "16574631849ea8d13c926c9905839928", "e1a0b5f8d334ec70fe937b2d5ff8d0b6" },
	{ "dbclient_openssh", "curve25519-sha256", "ssh-ed25519", "chacha20-poly1305@openssh.com",
	  "16574631849ea8d13c926c9905839928", "425d29fe50d8e4f5e37efb6e24bcf660" },
	{ "openssh_dropbear", "curve25519-sha256", "ssh-ed25519", "chacha20-poly1305@openssh.com",
	  "472b5de333ad665af5cbf10ff892c4df", "e1a0b5f8d334ec70fe937b2d5ff8d0b6" },
	{ "openssh_openssh", "sntrup761x25519-sha512", "ssh-ed25519", "chacha20-poly1305@openssh.com",
	  "472b5de333ad665af5cbf10ff892c4df", "425d29fe50d8e4f5e37efb6e24bcf660" },
};

static void check_agreed(const struct fh_flow *ff, const char *name)
{
	for (size_t i = 0; i < sizeof(agreed) / sizeof(agreed[0]); i++) {
		if (strcmp(agreed[i].name, name))
			continue;
		ck_assert_str_eq(fh_str(ff, "ssh.kex_algorithm"), agreed[i].kex);
		ck_assert_str_eq(fh_str(ff, "ssh.host_key_algorithm"), agreed[i].host_key);
		ck_assert_str_eq(fh_str(ff, "ssh.cipher_c2s"), agreed[i].cipher);
		ck_assert_str_eq(fh_str(ff, "ssh.cipher_s2c"), agreed[i].cipher);
		ck_assert_ptr_null(fh_str(ff, "ssh.mac_c2s"));
		ck_assert_ptr_null(fh_str(ff, "ssh.mac_s2c"));
#ifdef SSH_WITH_LIBCRYPTO
		ck_assert_str_eq(fh_str(ff, "ssh.hassh"), agreed[i].hassh);
		ck_assert_str_eq(fh_str(ff, "ssh.hassh_server"), agreed[i].hassh_server);
#else
		ck_assert_ptr_null(fh_str(ff, "ssh.hassh"));
#endif
		return;
	}
	ck_abort_msg("no agreed algorithms listed for %s", name);
}

/* The software part of a banner: after "SSH-x-", up to SP. */
static void software_of(const char *banner, char *out, size_t cap)
{
	const char *p = strchr(banner + 4, '-');
	ck_assert_ptr_nonnull(p);
	p++;
	size_t n = strcspn(p, " ");
	ck_assert_uint_lt(n, cap);
	memcpy(out, p, n);
	out[n] = '\0';
}

static void check_capture(const char *name, const char *cb, const char *sb)
{
	size_t clen, slen;
	uint8_t *c = load(name, ".c2s.bin", &clen);
	uint8_t *s = load(name, ".s2c.bin", &slen);
	size_t cbe = banner_end(c, clen), sbe = banner_end(s, slen);
	char sw[256];
	ck_assert_uint_gt(cbe, 0);
	ck_assert_uint_gt(sbe, 0);
	ck_assert_uint_gt(msg_end(c, clen, 21), 0);	/* the vectors reach NEWKEYS */
	ck_assert_uint_gt(msg_end(s, slen, 21), 0);

	/* As on the wire: banners, KEXINITs, the rest. */
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 1, c, cbe), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "SSH_BANNER");
	ck_assert_int_eq(feed(&ff, 0, s, sbe), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "ssh.client_banner"), cb);
	ck_assert_str_eq(fh_str(&ff, "ssh.server_banner"), sb);
	software_of(cb, sw, sizeof(sw));
	ck_assert_str_eq(fh_str(&ff, "ssh.client_software"), sw);
	software_of(sb, sw, sizeof(sw));
	ck_assert_str_eq(fh_str(&ff, "ssh.server_software"), sw);
	ck_assert_str_eq(fh_str(&ff, "ssh.version"), "2.0");
	ck_assert_int_eq(feed(&ff, 1, c, msg_end(c, clen, 20)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "SSH_KEYEXCHANGE");
	ck_assert_ptr_null(fh_str(&ff, "ssh.kex_algorithm"));	/* one side's lists only */
	ck_assert_int_eq(feed(&ff, 0, s, msg_end(s, slen, 20)), NL_NEED_MORE);
	check_agreed(&ff, name);	/* the server's KEXINIT second */
	ck_assert_int_eq(feed(&ff, 1, c, clen), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "SSH_KEYEXCHANGE");
	ck_assert_int_eq(feed(&ff, 0, s, slen), NL_DONE);
	ck_assert_str_eq(ff.f.state, "SSH_ESTABLISHED");
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);

	/* Growing like segments, alternating, 61 bytes at a time. */
	fh_open(&ff, D());
	enum nl_verdict v = NL_NEED_MORE;
	int calls = 0;
	for (size_t k = 61; v == NL_NEED_MORE && calls < 1000; k += 61) {
		v = feed(&ff, 1, c, k < clen ? k : clen);
		calls++;
		if (v != NL_NEED_MORE)
			break;
		v = feed(&ff, 0, s, k < slen ? k : slen);
		calls++;
	}
	ck_assert_int_eq(v, NL_DONE);
	ck_assert_str_eq(ff.f.state, "SSH_ESTABLISHED");
	ck_assert_str_eq(fh_str(&ff, "ssh.server_banner"), sb);
	check_agreed(&ff, name);
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);

	/* Server stream whole first, then the client's: the client's KEXINIT
	 * second, the same agreement. */
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 0, s, slen), NL_NEED_MORE);
	ck_assert_int_eq(feed(&ff, 1, c, clen), NL_DONE);
	ck_assert_str_eq(ff.f.state, "SSH_ESTABLISHED");
	check_agreed(&ff, name);
	fh_close(&ff);
	free(c);
	free(s);
}

START_TEST(test_captures)
{
	char path[1200], line[2048];
	snprintf(path, sizeof(path), "%s/expected.tsv", vector_dir());
	FILE *fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "missing %s", path);
	int rows = 0;
	while (fgets(line, sizeof(line), fp)) {
		line[strcspn(line, "\n")] = '\0';
		char *t1 = strchr(line, '\t');
		ck_assert_ptr_nonnull(t1);
		char *t2 = strchr(t1 + 1, '\t');
		ck_assert_ptr_nonnull(t2);
		*t1 = *t2 = '\0';
		check_capture(line, t1 + 1, t2 + 1);
		rows++;
	}
	fclose(fp);
	ck_assert_int_ge(rows, 4);
}
END_TEST

/* A host of ABI 1.1 (segments, consume honoured) finds what a 1.0 host
 * (the whole stream each time) finds; lines and packets are consumed as
 * they are read, so a byte-at-a-time side never has more held than its
 * largest clear-text packet, and a side past NEWKEYS nothing. */
START_TEST(test_captures_consume_host_agrees)
{
	static const size_t segs[] = { 1, 7, 100, 536, NL_MAX_STREAM };
	char path[1200], line[2048];
	snprintf(path, sizeof(path), "%s/expected.tsv", vector_dir());
	FILE *fp = fopen(path, "r");
	ck_assert_msg(fp != NULL, "missing %s", path);
	int rows = 0;
	while (fgets(line, sizeof(line), fp)) {
		char name[256];
		ck_assert_int_eq(sscanf(line, "%255[^\t]", name), 1);
		size_t cl, sl;
		uint8_t *c = load(name, ".c2s.bin", &cl);
		uint8_t *sv = load(name, ".s2c.bin", &sl);
		for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
			struct fh_flow a, b;
			fh_open(&a, D());
			fh_open(&b, D());
			ck_assert_int_eq(fh_replay_both(&a, &b, 40000, 22, c, cl, sv, sl, segs[i]), 0);
			ck_assert_msg(fh_same_results(&a, &b), "%s, %zu-byte segments", name, segs[i]);
			ck_assert_ptr_nonnull(fh_str(&b, "ssh.server_software"));
			ck_assert_int_eq(a.f.errors + b.f.errors, 0);
			if (segs[i] == 1)	/* a KEXINIT is the largest clear packet */
				for (int k = 0; k < 2; k++)
					ck_assert_uint_le(b.dir[k].held_max, 1600);
			fh_close(&a);
			fh_close(&b);
		}
		free(c);
		free(sv);
		rows++;
	}
	fclose(fp);
	ck_assert_int_ge(rows, 4);
}
END_TEST

/* ---- banners written out ---- */

START_TEST(test_banners)
{
	static const struct {
		const char *c, *s;	/* identification lines as sent */
		const char *csw, *ssw, *version;
		enum nl_verdict end;	/* after both banners */
	} v[] = {
		{ "SSH-2.0-OpenSSH_9.6\r\n", "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n", "OpenSSH_9.6",
		  "OpenSSH_9.2p1", "2.0", NL_NEED_MORE },
		{ "SSH-2.0-PuTTY_Release_0.79\r\n", "SSH-2.0-dropbear_2022.83\r\n", "PuTTY_Release_0.79",
		  "dropbear_2022.83", "2.0", NL_NEED_MORE },
		{ "SSH-2.0-Go\r\n", "SSH-1.99-Cisco-1.25\r\n", "Go", "Cisco-1.25", "2.0", NL_NEED_MORE },
		{ "SSH-2.0-libssh_0.10.5\n", "SSH-2.0-srv \xc3\xa9t\xc3\xa9\tcomment\n", "libssh_0.10.5",
		  "srv", "2.0", NL_NEED_MORE },
		{ "SSH-1.5-OpenSSH_3.4p1\r\n", "SSH-1.99-OpenSSH_3.4p1\r\n", "OpenSSH_3.4p1", "OpenSSH_3.4p1",
		  "1.5", NL_DONE },	/* SSH 1: banners only */
		{ "SSH-1.5-1.2.27\n", "SSH-1.5-1.2.27\n", "1.2.27", "1.2.27", "1.5", NL_DONE },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		for (int order = 0; order < 2; order++) {
			struct fh_flow ff;
			fh_open(&ff, D());
			ck_assert_int_eq(feed_s(&ff, order, order ? v[i].c : v[i].s), NL_NEED_MORE);
			ck_assert_str_eq(ff.f.state, "SSH_BANNER");
			ck_assert_int_eq(feed_s(&ff, !order, order ? v[i].s : v[i].c), v[i].end);
			size_t cl = strcspn(v[i].c, "\r\n"), sl = strcspn(v[i].s, "\r\n");
			ck_assert_uint_eq(strlen(fh_str(&ff, "ssh.client_banner")), cl);
			ck_assert(!strncmp(fh_str(&ff, "ssh.client_banner"), v[i].c, cl));
			ck_assert_uint_eq(strlen(fh_str(&ff, "ssh.server_banner")), sl);
			ck_assert(!strncmp(fh_str(&ff, "ssh.server_banner"), v[i].s, sl));
			ck_assert_str_eq(fh_str(&ff, "ssh.client_software"), v[i].csw);
			ck_assert_str_eq(fh_str(&ff, "ssh.server_software"), v[i].ssw);
			ck_assert_str_eq(fh_str(&ff, "ssh.version"), v[i].version);
			ck_assert_str_eq(ff.f.state, "SSH_BANNER");
			ck_assert_int_eq(ff.f.errors, 0);
			fh_close(&ff);
		}
	}
}
END_TEST

/* Lines a server sends before its identification (RFC 4253 §4.2). */
START_TEST(test_server_pre_lines)
{
	static const char s[] = "Welcome to host.example\r\nAuthorized use only \xe2\x9a\xa0\r\n\r\n"
				"\tindented\n"
				"SSH-2.0-OpenSSH_8.9\r\n";
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 0, s, 30), NL_NEED_MORE);
	ck_assert(fh_no_fields(&ff));
	ck_assert_int_eq(feed_s(&ff, 0, s), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "ssh.server_banner"), "SSH-2.0-OpenSSH_8.9");
	ck_assert_str_eq(fh_str(&ff, "ssh.version"), "2.0");
	ck_assert_int_eq(feed_s(&ff, 1, OPENSSH_C), NL_NEED_MORE);
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);

	/* 16 lines are allowed, 17 are not. */
	char b[1024];
	size_t n = 0;
	for (int i = 0; i < 16; i++)
		n += (size_t)sprintf(b + n, "line %d\r\n", i);
	strcpy(b + n, "SSH-2.0-x\r\n");
	fh_open(&ff, D());
	ck_assert_int_eq(feed_s(&ff, 0, b), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "ssh.server_software"), "x");
	fh_close(&ff);
	n += (size_t)sprintf(b + n, "line 16\r\n");
	strcpy(b + n, "SSH-2.0-x\r\n");
	fh_open(&ff, D());
	ck_assert_int_eq(feed_s(&ff, 0, b), NL_NOT_MINE);
	ck_assert(fh_no_fields(&ff));
	fh_close(&ff);
}
END_TEST

/* The label follows the clear-text messages; DONE after both NEWKEYS. */
START_TEST(test_key_exchange)
{
	uint8_t c[2048], s[2048];
	size_t cl = flow_bytes(c, OPENSSH_C, KEX_C, 3), sl = flow_bytes(s, DROPBEAR_S, KEX_S, 3);
	size_t c1 = msg_end(c, cl, 20), s2 = msg_end(s, sl, 31);
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 0, s, strlen(DROPBEAR_S)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "SSH_BANNER");
	ck_assert_int_eq(feed(&ff, 1, c, c1), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "SSH_KEYEXCHANGE");
	ck_assert_int_eq(feed(&ff, 0, s, s2), NL_NEED_MORE);
	ck_assert_int_eq(feed(&ff, 0, s, sl), NL_NEED_MORE);	/* server NEWKEYS */
	ck_assert_str_eq(ff.f.state, "SSH_KEYEXCHANGE");
	ck_assert_int_eq(feed(&ff, 1, c, cl), NL_DONE);	/* client NEWKEYS */
	ck_assert_str_eq(ff.f.state, "SSH_ESTABLISHED");
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);

	/* IGNORE and DEBUG may come first; encrypted garbage after NEWKEYS
	 * is not read. */
	static const uint8_t msgs[] = { 2, 4, 20, 30, 21 };
	cl = flow_bytes(c, OPENSSH_C, msgs, 5);
	memset(c + cl, 0xff, 300);
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 1, c, cl + 300), NL_NEED_MORE);
	ck_assert_int_eq(feed(&ff, 0, s, sl), NL_DONE);
	ck_assert_str_eq(ff.f.state, "SSH_ESTABLISHED");
	fh_close(&ff);

	/* A clear-text DISCONNECT (e.g. no common algorithm) ends the flow. */
	static const uint8_t disc[] = { 20, 1 };
	sl = flow_bytes(s, OPENSSH_S, disc, 2);
	cl = flow_bytes(c, OPENSSH_C, KEX_C, 1);
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 1, c, cl), NL_NEED_MORE);
	ck_assert_int_eq(feed(&ff, 0, s, sl), NL_DONE);
	ck_assert_str_eq(ff.f.state, "SSH_KEYEXCHANGE");
	fh_close(&ff);
}
END_TEST

/* Both KEXINITs of crafted lists, the server's first or the client's
 * first; ff is left open for the caller to check and close. */
static void agree(struct fh_flow *ff, const char *enc_c, const char *mac_c, const char *enc_s,
		  const char *mac_s, int server_first)
{
	static uint8_t c[4096], s[4096];
	size_t cl = kex_side(c, OPENSSH_C, enc_c, mac_c, 30);
	size_t sl = kex_side(s, OPENSSH_S, enc_s, mac_s, 31);
	fh_open(ff, D());
	if (server_first) {
		ck_assert_int_eq(feed(ff, 0, s, sl), NL_NEED_MORE);
		ck_assert_int_eq(feed(ff, 1, c, cl), NL_DONE);
	} else {
		ck_assert_int_eq(feed(ff, 1, c, cl), NL_NEED_MORE);
		ck_assert_int_eq(feed(ff, 0, s, sl), NL_DONE);
	}
	ck_assert_int_eq(ff->f.errors, 0);
}

/* n names "x00".."x<n-1>" then last, comma-separated. */
static const char *long_list(char *buf, int n, const char *last)
{
	size_t at = 0;
	for (int i = 0; i < n; i++)
		at += (size_t)sprintf(buf + at, "x%02d,", i);
	sprintf(buf + at, "%s", last);
	return buf;
}

/* RFC 4253 7.1: for each list, the client's first name that the server
 * also offers, whichever KEXINIT comes first; a MAC is shown unless the
 * cipher is AEAD; nothing where no name is common, or where a list cut at
 * the names kept leaves the answer open. */
START_TEST(test_negotiation)
{
	struct fh_flow ff;
	for (int sf = 0; sf < 2; sf++) {
		agree(&ff, "aes256-ctr,aes128-ctr", "hmac-sha2-512,hmac-sha2-256", "aes128-ctr,aes256-ctr",
		      "hmac-sha2-256", sf);
		ck_assert_str_eq(fh_str(&ff, "ssh.kex_algorithm"), "curve25519-sha256");
		ck_assert_str_eq(fh_str(&ff, "ssh.host_key_algorithm"), "ssh-ed25519");
		ck_assert_str_eq(fh_str(&ff, "ssh.cipher_c2s"), "aes256-ctr");
		ck_assert_str_eq(fh_str(&ff, "ssh.cipher_s2c"), "aes256-ctr");
		ck_assert_str_eq(fh_str(&ff, "ssh.mac_c2s"), "hmac-sha2-256");
		ck_assert_str_eq(fh_str(&ff, "ssh.mac_s2c"), "hmac-sha2-256");
		fh_close(&ff);

		/* an AEAD cipher: its MAC is implicit, not shown */
		agree(&ff, "aes128-gcm@openssh.com,aes128-ctr", "hmac-sha2-256",
		      "aes128-ctr,aes128-gcm@openssh.com", "hmac-sha2-256", sf);
		ck_assert_str_eq(fh_str(&ff, "ssh.cipher_c2s"), "aes128-gcm@openssh.com");
		ck_assert_ptr_null(fh_str(&ff, "ssh.mac_c2s"));
		fh_close(&ff);

		/* no common cipher: none shown (the peer will DISCONNECT) */
		agree(&ff, "aes256-ctr", "hmac-sha2-256", "aes128-ctr", "hmac-sha2-256", sf);
		ck_assert_ptr_null(fh_str(&ff, "ssh.cipher_c2s"));
		ck_assert_ptr_null(fh_str(&ff, "ssh.cipher_s2c"));
		ck_assert_str_eq(fh_str(&ff, "ssh.mac_c2s"), "hmac-sha2-256");
		fh_close(&ff);

		/* empty names (",,") are passed over */
		agree(&ff, ",,aes128-ctr,", "hmac-sha2-256", "aes128-ctr", "hmac-sha2-256", sf);
		ck_assert_str_eq(fh_str(&ff, "ssh.cipher_c2s"), "aes128-ctr");
		fh_close(&ff);
	}

	/* Lists longer than the 24 names kept of the first KEXINIT. */
	char lc[512], ls[512];
	/* the client's, common name 31st: known when the client's is the
	 * second (read whole), open when it came first (cut) */
	agree(&ff, long_list(lc, 30, "aes128-ctr"), "hmac-sha2-256", "aes128-ctr", "hmac-sha2-256", 1);
	ck_assert_str_eq(fh_str(&ff, "ssh.cipher_c2s"), "aes128-ctr");
	fh_close(&ff);
	agree(&ff, long_list(lc, 30, "aes128-ctr"), "hmac-sha2-256", "aes128-ctr", "hmac-sha2-256", 0);
	ck_assert_ptr_null(fh_str(&ff, "ssh.cipher_c2s"));
	fh_close(&ff);
	/* the server's: known when it is the second, open when it came first */
	agree(&ff, "aes128-ctr", "hmac-sha2-256", long_list(ls, 30, "aes128-ctr"), "hmac-sha2-256", 0);
	ck_assert_str_eq(fh_str(&ff, "ssh.cipher_c2s"), "aes128-ctr");
	fh_close(&ff);
	agree(&ff, "aes128-ctr", "hmac-sha2-256", long_list(ls, 30, "aes128-ctr"), "hmac-sha2-256", 1);
	ck_assert_ptr_null(fh_str(&ff, "ssh.cipher_c2s"));
	fh_close(&ff);
	/* ... unless the client's first choice is among the names kept */
	agree(&ff, "x03,aes128-ctr", "hmac-sha2-256", long_list(ls, 30, "aes128-ctr"), "hmac-sha2-256", 1);
	ck_assert_str_eq(fh_str(&ff, "ssh.cipher_c2s"), "x03");
	fh_close(&ff);
}
END_TEST

/* More than the cap of clear-text packets: that side stops being read. */
/* Regression (ssh_no_authentication_state): with cipher and MAC "none"
 * offered by both sides, the messages past NEWKEYS are clear, and show
 * authentication under way (SERVICE_REQUEST, USERAUTH_REQUEST), then the
 * session established (USERAUTH_SUCCESS). */
START_TEST(test_none_cipher_states)
{
	uint8_t c[2048], s[2048];
	size_t cn = kex_side(c, OPENSSH_C, "aes128-ctr,none", "hmac-sha2-256,none", 30);
	size_t sn = kex_side(s, DROPBEAR_S, "none", "none", 31);
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 0, s, sn), NL_NEED_MORE);
	ck_assert_int_eq(feed(&ff, 1, c, cn), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "SSH_KEYEXCHANGE");	/* clear or not: not known yet */
	cn += pkt(c + cn, 5, 20);		/* SERVICE_REQUEST "ssh-userauth" */
	ck_assert_int_eq(feed(&ff, 1, c, cn), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "SSH_AUTHENTICATION");
	sn += pkt(s + sn, 6, 20);		/* SERVICE_ACCEPT */
	ck_assert_int_eq(feed(&ff, 0, s, sn), NL_NEED_MORE);
	cn += pkt(c + cn, 50, 60);		/* USERAUTH_REQUEST */
	ck_assert_int_eq(feed(&ff, 1, c, cn), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "SSH_AUTHENTICATION");
	sn += pkt(s + sn, 52, 0);		/* USERAUTH_SUCCESS */
	ck_assert_int_eq(feed(&ff, 0, s, sn), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "SSH_ESTABLISHED");
	memset(c + cn, 0x9c, 64);		/* then something that does not frame */
	ck_assert_int_eq(feed(&ff, 1, c, cn + 64), NL_NEED_MORE);
	memset(s + sn, 0x9c, 64);
	ck_assert_int_eq(feed(&ff, 0, s, sn + 64), NL_DONE);
	ck_assert_str_eq(ff.f.state, "SSH_ESTABLISHED");
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}
END_TEST

/* "none" after the 24 names of a list kept as hashes is still seen, the
 * KEXINIT that is kept coming first or second: the lists are walked past
 * the names kept. */
START_TEST(test_none_past_names_kept)
{
	char enc[512], mac[512];
	long_list(enc, 30, "none");
	long_list(mac, 30, "none");
	for (int server_first = 0; server_first < 2; server_first++) {
		uint8_t c[2048], s[2048];
		size_t cn = kex_side(c, OPENSSH_C, enc, mac, 30);
		size_t sn = kex_side(s, DROPBEAR_S, enc, mac, 31);
		struct fh_flow ff;
		fh_open(&ff, D());
		for (int k = 0; k < 2; k++) {
			if (k == server_first)
				ck_assert_int_eq(feed(&ff, 1, c, cn), NL_NEED_MORE);
			else
				ck_assert_int_eq(feed(&ff, 0, s, sn), NL_NEED_MORE);
		}
		cn += pkt(c + cn, 5, 20);	/* SERVICE_REQUEST, in the clear */
		ck_assert_int_eq(feed(&ff, 1, c, cn), NL_NEED_MORE);
		ck_assert_msg(!strcmp(ff.f.state, "SSH_AUTHENTICATION"), "server first %d: %s",
			      server_first, ff.f.state);
		ck_assert_int_eq(ff.f.errors, 0);
		fh_close(&ff);
	}
}
END_TEST

/* "none" offered by both but not chosen: the first packet past NEWKEYS
 * does not frame as a clear one, and the session counts as established;
 * offered by one side only: established at NEWKEYS, as with any cipher. */
START_TEST(test_none_offered_not_used)
{
	uint8_t c[2048], s[2048];
	size_t cn = kex_side(c, OPENSSH_C, "aes128-ctr,none", "hmac-sha2-256,none", 30);
	size_t sn = kex_side(s, DROPBEAR_S, "aes128-ctr,none", "hmac-sha2-256,none", 31);
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 0, s, sn), NL_NEED_MORE);
	ck_assert_int_eq(feed(&ff, 1, c, cn), NL_NEED_MORE);
	for (size_t i = 0; i < 48; i++)
		c[cn + i] = (uint8_t)(i * 37 + 11);
	ck_assert_int_eq(feed(&ff, 1, c, cn + 48), NL_NEED_MORE);
	for (size_t i = 0; i < 48; i++)
		s[sn + i] = (uint8_t)(i * 91 + 5);
	ck_assert_int_eq(feed(&ff, 0, s, sn + 48), NL_DONE);
	ck_assert_str_eq(ff.f.state, "SSH_ESTABLISHED");
	fh_close(&ff);

	cn = kex_side(c, OPENSSH_C, "aes128-ctr,none", "hmac-sha2-256,none", 30);
	sn = kex_side(s, DROPBEAR_S, "aes128-ctr", "hmac-sha2-256", 31);
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 0, s, sn), NL_NEED_MORE);
	ck_assert_int_eq(feed(&ff, 1, c, cn), NL_DONE);
	ck_assert_str_eq(ff.f.state, "SSH_ESTABLISHED");
	fh_close(&ff);
}
END_TEST

START_TEST(test_packet_cap)
{
	uint8_t c[8192], s[2048];
	uint8_t msgs[40];
	memset(msgs, 2, sizeof(msgs));
	msgs[0] = 20;
	size_t cl = flow_bytes(c, OPENSSH_C, msgs, sizeof(msgs));
	size_t sl = flow_bytes(s, OPENSSH_S, KEX_S, 3);
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 1, c, cl), NL_NEED_MORE);
	ck_assert_int_eq(feed(&ff, 0, s, sl), NL_DONE);
	ck_assert_str_eq(ff.f.state, "SSH_KEYEXCHANGE");
	fh_close(&ff);
}
END_TEST

/* ---- splits and truncations ---- */

static void split_everywhere(const uint8_t *c, size_t cl, const uint8_t *s, size_t sl)
{
	size_t cbe = banner_end(c, cl);
	for (size_t k = 1; k < cl; k++) {
		struct fh_flow ff;
		fh_open(&ff, D());
		ck_assert_int_eq(feed(&ff, 1, c, k), NL_NEED_MORE);
		ck_assert_int_eq(ff.f.v[0].set, k >= cbe);
		ck_assert_int_eq(feed(&ff, 1, c, cl), NL_NEED_MORE);
		ck_assert_uint_eq(strlen(fh_str(&ff, "ssh.client_banner")), cbe - 2);
		ck_assert_int_eq(feed(&ff, 0, s, sl), NL_DONE);
		ck_assert_str_eq(ff.f.state, "SSH_ESTABLISHED");
		ck_assert_int_eq(ff.f.errors, 0);
		fh_close(&ff);
	}
}

START_TEST(test_split_every_byte)
{
	uint8_t c[2048], s[2048];
	size_t cl = flow_bytes(c, OPENSSH_C, KEX_C, 3), sl = flow_bytes(s, OPENSSH_S, KEX_S, 3);
	split_everywhere(c, cl, s, sl);
	uint8_t *rc = load("openssh_dropbear", ".c2s.bin", &cl);
	uint8_t *rs = load("openssh_dropbear", ".s2c.bin", &sl);
	split_everywhere(rc, msg_end(rc, cl, 21), rs, sl);
	free(rc);
	free(rs);
}
END_TEST

/* Every truncation of one direction: no field before its line is whole. */
static void truncate_dir(const uint8_t *b, size_t len, int client, const uint8_t *other, size_t olen)
{
	size_t be = banner_end(b, len), kex = msg_end(b, len, 20);
	for (size_t k = 0; k <= len; k++) {
		struct fh_flow ff;
		fh_open(&ff, D());
		ck_assert_int_eq(feed(&ff, client, b, k), NL_NEED_MORE);
		ck_assert_msg(ff.f.v[client ? 0 : 1].set == (k >= be), "banner at %zu", k);
		ck_assert_msg(ff.f.v[client ? 2 : 3].set == (k >= be), "software at %zu", k);
		ck_assert(!ff.f.v[client ? 1 : 0].set);
		ck_assert_str_eq(ff.f.state, k >= kex ? "SSH_KEYEXCHANGE" : k >= be ? "SSH_BANNER" : "");
		ck_assert_int_eq(ff.f.errors, 0);
		/* And the flow still completes. */
		ck_assert_int_eq(feed(&ff, !client, other, olen), k == len ? NL_DONE : NL_NEED_MORE);
		ck_assert_int_eq(feed(&ff, client, b, len), NL_DONE);
		fh_close(&ff);
	}
}

START_TEST(test_truncations)
{
	uint8_t c[2048], s[2048];
	size_t cl = flow_bytes(c, OPENSSH_C, KEX_C, 3), sl = flow_bytes(s, DROPBEAR_S, KEX_S, 3);
	truncate_dir(c, cl, 1, s, sl);
	truncate_dir(s, sl, 0, c, cl);
	static const char *const names[] = { "openssh_openssh", "openssh_dropbear",
					     "dbclient_openssh", "dbclient_dropbear" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		uint8_t *rc = load(names[i], ".c2s.bin", &cl);
		uint8_t *rs = load(names[i], ".s2c.bin", &sl);
		truncate_dir(rc, msg_end(rc, cl, 21), 1, rs, sl);
		truncate_dir(rs, msg_end(rs, sl, 21), 0, rc, cl);
		free(rc);
		free(rs);
	}
}
END_TEST

/* ---- malformed and not mine ---- */

START_TEST(test_banner_length)
{
	char b[400];
	/* 253 bytes + CR LF = 255: the longest allowed. */
	memcpy(b, "SSH-2.0-", 8);
	memset(b + 8, 'a', 245);
	memcpy(b + 253, "\r\n", 2);
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 1, b, 255), NL_NEED_MORE);
	ck_assert_uint_eq(strlen(fh_str(&ff, "ssh.client_banner")), 253);
	fh_close(&ff);
	/* 254 + LF = 255 too. */
	b[253] = 'a';
	b[254] = '\n';
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 1, b, 255), NL_NEED_MORE);
	fh_close(&ff);
	/* 254 + CR LF = 256: too long, however it is cut. */
	memcpy(b + 254, "\r\n", 2);
	for (size_t k = 255; k <= 256; k++) {
		fh_open(&ff, D());
		ck_assert_int_eq(feed(&ff, 1, b, k), NL_MALFORMED);
		ck_assert(fh_no_fields(&ff));
		fh_close(&ff);
	}
	/* 255 bytes without a line end can't end within 255. */
	memset(b + 8, 'a', 247);
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 1, b, 254), NL_NEED_MORE);
	ck_assert_int_eq(feed(&ff, 1, b, 255), NL_MALFORMED);
	fh_close(&ff);
	/* 300 bytes and no line end. */
	memset(b + 8, 'a', 292);
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 1, b, 254), NL_NEED_MORE);
	ck_assert_int_eq(feed(&ff, 1, b, 300), NL_MALFORMED);
	ck_assert(fh_no_fields(&ff));
	fh_close(&ff);
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 0, b, 300), NL_MALFORMED);
	fh_close(&ff);
}
END_TEST

START_TEST(test_malformed_banners)
{
	static const struct {
		const char *b;
		size_t len;
	} v[] = {
		{ "SSH-2.0-Open\0SSH\r\n", 18 },	/* NUL */
		{ "SSH-2.0-OpenSSH\0\r\n", 18 },
		{ "SSH-2.0-OpenSSH \0\r\n", 19 },	/* NUL in the comments */
		{ "SSH-\0", 5 },
		{ "SSH-2.0\r\n", 0 },		/* no softwareversion */
		{ "SSH-2.0-\r\n", 0 },
		{ "SSH-2.0- x\r\n", 0 },
		{ "SSH--OpenSSH\r\n", 0 },	/* no protoversion */
		{ "SSH-2 0-x\r\n", 0 },
		{ "SSH-2.0-Open\tSSH\r\n", 0 },
		{ "SSH-2.0-Open\x80SSH\r\n", 0 },
		{ "SSH-2.0-OpenSSH\rX\n", 0 },
		{ "SSH-2.0-OpenSSH\r\r\n", 0 },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		size_t len = v[i].len ? v[i].len : strlen(v[i].b);
		for (int dir = 0; dir < 2; dir++) {
			struct fh_flow ff;
			fh_open(&ff, D());
			ck_assert_msg(feed(&ff, dir, v[i].b, len) == NL_MALFORMED, "vector %zu dir %d", i, dir);
			ck_assert(fh_no_fields(&ff));
			ck_assert_int_eq(ff.f.errors, 0);
			fh_close(&ff);
		}
	}
}
END_TEST

START_TEST(test_malformed_packets)
{
	uint8_t b[1024];
	size_t n = strlen(OPENSSH_C);
	memcpy(b, OPENSSH_C, n);
	static const struct {
		uint32_t plen;
		uint8_t pad, msg;
	} v[] = {
		{ 40000, 4, 20 },	/* longer than 35000 */
		{ 0xffffffffu, 4, 20 },
		{ 28, 3, 20 },		/* padding under 4 */
		{ 5, 4, 20 },		/* no room for the message number */
		{ 0, 0, 0 },
		{ 28, 4, 50 },		/* USERAUTH_REQUEST in the clear */
		{ 28, 4, 0 },
		{ 28, 4, 5 },		/* SERVICE_REQUEST before NEWKEYS */
		{ 28, 4, 94 },		/* CHANNEL_DATA */
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint8_t *p = b + n;
		p[0] = (uint8_t)(v[i].plen >> 24);
		p[1] = (uint8_t)(v[i].plen >> 16);
		p[2] = (uint8_t)(v[i].plen >> 8);
		p[3] = (uint8_t)v[i].plen;
		p[4] = v[i].pad;
		p[5] = v[i].msg;
		struct fh_flow ff;
		fh_open(&ff, D());
		/* The fixed header alone already tells. */
		ck_assert_msg(feed(&ff, 1, b, n + 6) == NL_MALFORMED, "vector %zu", i);
		ck_assert_str_eq(fh_str(&ff, "ssh.client_banner"), "SSH-2.0-OpenSSH_9.6");
		ck_assert_int_eq(ff.f.errors, 0);
		fh_close(&ff);
	}
	/* A valid KEXINIT followed by garbage framing. */
	size_t len = flow_bytes(b, OPENSSH_C, KEX_C, 1);
	memset(b + len, 0xee, 64);
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 1, b, len), NL_NEED_MORE);
	ck_assert_int_eq(feed(&ff, 1, b, len + 64), NL_MALFORMED);
	fh_close(&ff);
}
END_TEST

START_TEST(test_not_mine_text)
{
	static const char *const v[] = {
		"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n",
		"EHLO client.example\r\n",
		"\r\nSSH-2.0-x\r\n",	/* a client sends no lines first */
		"ssh-2.0-lowercase\r\n",
		"SSH_2.0-x\r\n",
		"SSH 2.0\r\n",
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct fh_flow ff;
		fh_open(&ff, D());
		ck_assert_msg(feed_s(&ff, 1, v[i]) == NL_NOT_MINE, "vector %zu", i);
		ck_assert(fh_no_fields(&ff));
		fh_close(&ff);
	}
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 1, "G", 1), NL_NOT_MINE);	/* the first byte decides */
	fh_close(&ff);
}
END_TEST

START_TEST(test_not_mine_tls_binary)
{
	static const uint8_t hello[] = { 0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03 };
	struct fh_flow ff;
	for (int dir = 0; dir < 2; dir++) {
		fh_open(&ff, D());
		ck_assert_int_eq(feed(&ff, dir, hello, 1), NL_NOT_MINE);
		fh_close(&ff);
	}
	/* A server line longer than 1024 bytes, or with binary bytes. */
	char b[1100];
	memset(b, 'x', sizeof(b));
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 0, b, sizeof(b)), NL_NOT_MINE);
	fh_close(&ff);
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 0, "220 ok\r\n\x01", 9), NL_NOT_MINE);
	fh_close(&ff);

	uint8_t r[512];
	uint32_t x = 0x9e3779b9u;
	int early = 0;
	for (int seed = 0; seed < 2000; seed++) {
		for (size_t i = 0; i < sizeof(r); i++) {
			x = x * 1664525u + 1013904223u;
			r[i] = (uint8_t)(x >> 24);
		}
		for (int dir = 0; dir < 2; dir++) {
			fh_open(&ff, D());
			ck_assert_int_eq(feed(&ff, dir, r, sizeof(r)), NL_NOT_MINE);
			ck_assert(fh_no_fields(&ff));
			ck_assert_str_eq(ff.f.state, "");
			fh_close(&ff);
			fh_open(&ff, D());
			early += feed(&ff, dir, r, 32) == NL_NOT_MINE;
			fh_close(&ff);
		}
	}
	ck_assert_int_ge(early, 3900);
}
END_TEST

/* Real HTTP flows (captured) are declined. */
START_TEST(test_not_mine_http_capture)
{
	static const char *const names[] = { "curl_get", "curl_post" };
	for (size_t i = 0; i < 2; i++) {
		char path[1200];
		snprintf(path, sizeof(path), "%s/../http/%s.c2s.bin", vector_dir(), names[i]);
		FILE *fp = fopen(path, "rb");
		if (!fp)
			continue;	/* the http vectors are optional here */
		uint8_t b[4096];
		size_t n = fread(b, 1, sizeof(b), fp);
		fclose(fp);
		struct fh_flow ff;
		fh_open(&ff, D());
		ck_assert_int_eq(feed(&ff, 1, b, n), NL_NOT_MINE);
		fh_close(&ff);
	}
}
END_TEST

START_TEST(test_udp_not_mine)
{
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(fh_feed(&ff, NL_UDP, 1, 5000, 22, OPENSSH_C, strlen(OPENSSH_C), 0), NL_NOT_MINE);
	fh_close(&ff);
}
END_TEST

/* ---- robustness ---- */

/* Regression: ssh.c sought to absolute offsets of the reader it was handed,
 * so a payload reader not starting at offset 0 (its first bytes already
 * consumed) was parsed from the wrong place. Both dissectors now take
 * nl_reader_rest() of it first. */
START_TEST(test_regress_reader_offset)
{
	reader_offset_run(D(), "SSH-2.0-OpenSSH_9.6\r\n", "SSH-2.0-dropbear_2022.83\r\n", "ssh.client_software");
}
END_TEST

/* Real vectors with a few bytes changed, fed in growing pieces: verdicts
 * stay in range, the API is used right, and a flow declined as not mine
 * never had fields set. */
START_TEST(test_mutations)
{
	static const char *const names[] = { "openssh_openssh", "openssh_dropbear", "dbclient_openssh", "dbclient_dropbear" };
	uint32_t x = 0xc0ffee01u;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		size_t len[2];
		uint8_t *orig[2] = { load(names[i], ".s2c.bin", &len[0]), load(names[i], ".c2s.bin", &len[1]) };
		mutate_run(D(), orig, len, feed, fh_no_fields, 300, &x);
		free(orig[0]);
		free(orig[1]);
	}
}
END_TEST

/* As the host does once it has loaded the plugin (libcrypto's MD5 for
 * HASSH is fetched there), and before it unloads it. */
static void host_loads(void)
{
	if (D()->init)
		ck_assert_int_eq(D()->init(&fh_api), 0);
}

static void host_unloads(void)
{
	if (D()->fini)
		D()->fini();
}

static Suite *ssh_suite(void)
{
	Suite *s = suite_create("ssh");
	TCase *tc = tcase_create("core");
	tcase_add_checked_fixture(tc, host_loads, host_unloads);
	tcase_add_test(tc, test_negotiation);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_descriptor);
	tcase_add_test(tc, test_captures);
	tcase_add_test(tc, test_captures_consume_host_agrees);
	tcase_add_test(tc, test_banners);
	tcase_add_test(tc, test_server_pre_lines);
	tcase_add_test(tc, test_key_exchange);
	tcase_add_test(tc, test_none_cipher_states);
	tcase_add_test(tc, test_none_past_names_kept);
	tcase_add_test(tc, test_none_offered_not_used);
	tcase_add_test(tc, test_packet_cap);
	tcase_add_test(tc, test_split_every_byte);
	tcase_add_test(tc, test_truncations);
	tcase_add_test(tc, test_banner_length);
	tcase_add_test(tc, test_malformed_banners);
	tcase_add_test(tc, test_malformed_packets);
	tcase_add_test(tc, test_not_mine_text);
	tcase_add_test(tc, test_not_mine_tls_binary);
	tcase_add_test(tc, test_not_mine_http_capture);
	tcase_add_test(tc, test_udp_not_mine);
	tcase_add_test(tc, test_regress_reader_offset);
	tcase_add_test(tc, test_mutations);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ssh_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
