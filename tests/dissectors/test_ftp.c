/*
 * test_ftp.c - unit tests of dissectors/ftp.c against the fake host.
 *
 * Real vectors: tests/dissectors/vectors/ftp/NAME.{c2s,s2c}.bin, the two
 * directions of control connections between curl 7.88 and vsftpd 3.0.3
 * captured by tests/integration/dpi-ftp.test (extract.py cut them out of
 * its capture; tshark decoded the same requests and replies):
 *   curl_vsftpd_feat     USER, PASS (a password), PWD, FEAT (a multi-line
 *                        211 reply), EPSV, TYPE, SIZE, RETR, QUIT
 *   curl_vsftpd_syst     ... SYST (215 UNIX Type: L8) ...
 *   curl_vsftpd_stor     ... CWD up, STOR u1.txt ...
 *   curl_vsftpd_denied   USER nosuchuser, 530
 *   curl_vsftpd_authtls  AUTH SSL, 234, then the TLS handshake
 * The vector folder is $NL_VECTOR_DIR/ftp, or found next to this file.
 *
 * Build: gcc -std=gnu11 -g -O1 -Wall -Wextra -Werror -I plugins -I tests/dissectors \
 *          -o test_ftp tests/dissectors/test_ftp.c dissectors/ftp.c $(pkg-config --cflags --libs check)
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

#define PORT_C 50021
#define PORT_S 21
#define PORT_OFF 2121

/* ---- helpers ---- */

static const struct nl_dissector *D(void) { return netlens_dissector_entry(); }

static uint16_t server_port = PORT_S;

static enum nl_verdict feed(struct fh_flow *ff, int from_client, const void *b, size_t n)
{
	return fh_feed(ff, NL_TCP, from_client, from_client ? PORT_C : server_port,
		       from_client ? server_port : PORT_C, b, n, 0);
}

static enum nl_verdict feed_s(struct fh_flow *ff, int from_client, const char *s)
{
	return feed(ff, from_client, s, strlen(s));
}


/* name.dir.bin: one side's stream of a capture (dir: c2s or s2c). */
static uint8_t *load(const char *name, const char *dir, size_t *len)
{
	char file[256];
	ck_assert_int_lt(snprintf(file, sizeof(file), "%s.%s.bin", name, dir), (int)sizeof(file));
	return fh_load_vector("ftp", file, 65536, len);
}

/* Replays a conversation through the ABI 1.1 host in segments of seg
 * bytes: the server's first line first (a client waits for the greeting),
 * then alternating from the client; stops at a verdict other than NL_NEED_MORE and
 * returns it. */
static enum nl_verdict replay(struct fh_flow *ff, uint16_t sport, const uint8_t *c, size_t cl,
			      const uint8_t *s, size_t sl, size_t seg)
{
	size_t at[2] = { 0, 0 };
	const uint8_t *st[2] = { s, c };
	const size_t len[2] = { sl, cl };
	enum nl_verdict v = NL_NEED_MORE;
	const uint8_t *lf = memchr(s, '\n', sl);
	const size_t greeting = lf ? (size_t)(lf - s) + 1 : sl;
	for (int turn = 0; at[0] < len[0] || at[1] < len[1]; turn = at[0] < greeting ? 0 : !turn) {
		if (at[turn] >= len[turn])
			continue;
		size_t n = len[turn] - at[turn] < seg ? len[turn] - at[turn] : seg;
		if (turn == 0 && at[0] < greeting && n > greeting - at[0])
			n = greeting - at[0];	/* the greeting alone, then the client */
		v = fh_stream_feed(ff, turn, turn ? PORT_C : sport, turn ? sport : PORT_C, st[turn] + at[turn], n);
		ck_assert_int_eq(ff->f.errors, 0);
		at[turn] += n;
		if (v != NL_NEED_MORE)
			break;
	}
	return v;
}

static void assert_list(const struct fh_flow *ff, const char *key, const char *const *want)
{
	size_t i = 0;
	for (; want[i]; i++) {
		const char *got = fh_list(ff, key, i);
		ck_assert_msg(got && !strcmp(got, want[i]), "%s[%zu]: want %s, got %s", key, i, want[i],
			      got ? got : "(none)");
	}
	ck_assert_ptr_null(fh_list(ff, key, i));
}

static uint64_t u64(const struct fh_flow *ff, const char *key)
{
	int found = 0;
	uint64_t v = fh_u64(ff, key, &found);
	ck_assert_msg(found, "%s not set", key);
	return v;
}

static int any_field_has(const struct fh_flow *ff, const char *needle)
{
	for (uint16_t i = 0; i < ff->f.d->n_fields; i++)
		for (size_t k = 0; k < ff->f.v[i].n; k++)
			if (strstr(ff->f.v[i].str[k], needle))
				return 1;
	return 0;
}

/* ---- tests ---- */

START_TEST(test_descriptor)
{
	const struct nl_dissector *d = D();
	ck_assert_str_eq(d->name, "ftp");
	ck_assert_str_eq(d->display, "FTP");
	ck_assert_str_eq(d->version, "1.0.0");
	ck_assert_str_eq(d->license, "MIT");
	ck_assert_uint_eq(d->abi_major, NL_ABI_MAJOR);
	ck_assert_uint_eq(d->flags, NL_DESC_STREAM);
	ck_assert_uint_eq(d->transports, NL_TCP);
	ck_assert_uint_eq(d->packet_budget, 32);
	ck_assert_uint_eq(d->idle_timeout_s, 0);
	ck_assert_uint_eq(d->n_port_hints, 2);
	ck_assert_uint_eq(d->port_hints[0], 21);
	ck_assert_uint_eq(d->port_hints[1], 2121);
	ck_assert_uint_eq(d->n_fields, 8);
	ck_assert_int_eq(d->domain_field, -1);
	ck_assert(d->state_size > 0 && d->state_size <= 32);
	for (uint16_t i = 0; i < d->n_fields; i++) {
		ck_assert_uint_eq(d->fields[i].id, i);
		ck_assert(!strncmp(d->fields[i].key, "ftp.", 4));
	}
}
END_TEST

static const char *const feat_cmds[] = { "USER", "PASS", "PWD", "FEAT", "EPSV", "TYPE", "SIZE", "RETR", "QUIT", NULL };
static const char *const pub[] = { "pub.txt", NULL };

static void check_feat(const struct fh_flow *ff)
{
	ck_assert_str_eq(fh_str(ff, "ftp.server_software"), "(vsFTPd 3.0.3)");
	ck_assert_str_eq(fh_str(ff, "ftp.user"), "anonymous");
	assert_list(ff, "ftp.commands", feat_cmds);
	assert_list(ff, "ftp.file", pub);
	ck_assert_str_eq(fh_str(ff, "ftp.last_command"), "QUIT");
	ck_assert_uint_eq(u64(ff, "ftp.reply_code"), 221);
	ck_assert_str_eq(fh_str(ff, "ftp.reply_text"), "Goodbye.");
	ck_assert_ptr_null(fh_str(ff, "ftp.system"));
	ck_assert_str_eq(ff->f.state, "FTP_QUIT");
	ck_assert(!any_field_has(ff, "nl-secret-pw"));
}

START_TEST(test_captures)
{
	size_t cl, sl;
	static const size_t segs[] = { 1, 2, 7, 40, 1500 };
	for (size_t i = 0; i < sizeof(segs) / sizeof(segs[0]); i++) {
		for (int off = 0; off < 2; off++) {
			uint16_t port = off ? PORT_OFF : PORT_S;
			struct fh_flow ff;
			uint8_t *c = load("curl_vsftpd_feat", "c2s", &cl), *s = load("curl_vsftpd_feat", "s2c", &sl);
			fh_open(&ff, D());
			ck_assert_int_eq(replay(&ff, port, c, cl, s, sl, segs[i]), NL_DONE);
			check_feat(&ff);
			/* nothing kept past what was read */
			ck_assert_uint_eq(ff.dir[0].len, 0);
			fh_close(&ff);
			free(c);
			free(s);

			c = load("curl_vsftpd_syst", "c2s", &cl);
			s = load("curl_vsftpd_syst", "s2c", &sl);
			fh_open(&ff, D());
			ck_assert_int_eq(replay(&ff, port, c, cl, s, sl, segs[i]), NL_DONE);
			ck_assert_str_eq(fh_str(&ff, "ftp.system"), "UNIX Type: L8");
			ck_assert_str_eq(fh_str(&ff, "ftp.last_command"), "QUIT");
			ck_assert_str_eq(ff.f.state, "FTP_QUIT");
			fh_close(&ff);
			free(c);
			free(s);

			c = load("curl_vsftpd_stor", "c2s", &cl);
			s = load("curl_vsftpd_stor", "s2c", &sl);
			fh_open(&ff, D());
			ck_assert_int_eq(replay(&ff, port, c, cl, s, sl, segs[i]), NL_DONE);
			static const char *const stor_cmds[] = { "USER", "PASS", "PWD", "CWD", "EPSV", "TYPE", "STOR", "QUIT", NULL };
			static const char *const u1[] = { "u1.txt", NULL };
			assert_list(&ff, "ftp.commands", stor_cmds);
			assert_list(&ff, "ftp.file", u1);
			fh_close(&ff);
			free(c);
			free(s);

			/* a refused login: the connection ends without QUIT */
			c = load("curl_vsftpd_denied", "c2s", &cl);
			s = load("curl_vsftpd_denied", "s2c", &sl);
			fh_open(&ff, D());
			ck_assert_int_eq(replay(&ff, port, c, cl, s, sl, segs[i]), NL_NEED_MORE);
			ck_assert_str_eq(fh_str(&ff, "ftp.user"), "nosuchuser");
			ck_assert_str_eq(fh_str(&ff, "ftp.last_command"), "USER nosuchuser");
			ck_assert_uint_eq(u64(&ff, "ftp.reply_code"), 530);
			ck_assert_str_eq(fh_str(&ff, "ftp.reply_text"), "This FTP server is anonymous only.");
			ck_assert_str_eq(ff.f.state, "FTP_LOGIN");
			fh_close(&ff);
			free(c);
			free(s);
		}
	}
}
END_TEST

/* The ABI 1.0 host (whole stream each time, no consume) and the 1.1 host
 * agree, the client's bytes first. */
START_TEST(test_captures_consume_host_agrees)
{
	static const char *const names[] = { "curl_vsftpd_feat", "curl_vsftpd_syst", "curl_vsftpd_stor",
					     "curl_vsftpd_denied" };
	static const size_t segs[] = { 1, 5, 64, 1500 };
	for (size_t n = 0; n < 4; n++)
		for (size_t i = 0; i < 4; i++) {
			size_t cl, sl;
			uint8_t *c = load(names[n], "c2s", &cl), *s = load(names[n], "s2c", &sl);
			struct fh_flow a, b;
			fh_open(&a, D());
			fh_open(&b, D());
			ck_assert_int_eq(fh_replay_both(&a, &b, PORT_C, PORT_S, c, cl, s, sl, segs[i]), 0);
			ck_assert_msg(fh_same_results(&a, &b), "%s, %zu-byte segments", names[n], segs[i]);
			ck_assert_ptr_nonnull(fh_str(&b, "ftp.server_software"));
			ck_assert_int_eq(a.f.errors + b.f.errors, 0);
			fh_close(&a);
			fh_close(&b);
			free(c);
			free(s);
		}
}
END_TEST

/* AUTH TLS: on port 21 the flow is left to the TLS dissector (no field
 * set, so it does not claim it); off port 21 ftp keeps it, up to 234. */
START_TEST(test_auth_tls)
{
	size_t cl, sl;
	uint8_t *c = load("curl_vsftpd_authtls", "c2s", &cl), *s = load("curl_vsftpd_authtls", "s2c", &sl);
	for (size_t seg = 1; seg <= 1200; seg = seg * 3 + 1) {
		struct fh_flow ff;
		fh_open(&ff, D());
		ck_assert_int_eq(replay(&ff, PORT_S, c, cl, s, sl, seg), NL_NOT_MINE);
		ck_assert(fh_no_fields(&ff));
		fh_close(&ff);

		fh_open(&ff, D());
		ck_assert_int_eq(replay(&ff, PORT_OFF, c, cl, s, sl, seg), NL_DONE);
		ck_assert_str_eq(ff.f.state, "FTP_TLS");
		ck_assert_str_eq(fh_str(&ff, "ftp.server_software"), "(vsFTPd 3.0.3)");
		ck_assert_str_eq(fh_str(&ff, "ftp.last_command"), "AUTH SSL");
		ck_assert_uint_eq(u64(&ff, "ftp.reply_code"), 234);
		ck_assert_str_eq(fh_str(&ff, "ftp.reply_text"), "Proceed with negotiation.");
		static const char *const auth[] = { "AUTH", NULL };
		assert_list(&ff, "ftp.commands", auth);
		ck_assert_ptr_null(fh_str(&ff, "ftp.user"));
		fh_close(&ff);
	}
	free(c);
	free(s);
	/* FEAT before AUTH TLS (lftp's order) on port 21: still TLS's */
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed_s(&ff, 0, "220 (vsFTPd 3.0.3)\r\n"), NL_NEED_MORE);
	ck_assert_int_eq(feed_s(&ff, 1, "FEAT\r\n"), NL_NEED_MORE);
	ck_assert_int_eq(feed_s(&ff, 0, "220 (vsFTPd 3.0.3)\r\n211-Features:\r\n AUTH TLS\r\n211 End\r\n"),
			 NL_NEED_MORE);
	ck_assert(fh_no_fields(&ff));
	ck_assert_int_eq(feed_s(&ff, 1, "FEAT\r\nAUTH TLS\r\n"), NL_NOT_MINE);
	ck_assert(fh_no_fields(&ff));
	fh_close(&ff);
	/* FEAT then USER: claimed, FEAT counted */
	fh_open(&ff, D());
	ck_assert_int_eq(feed_s(&ff, 0, "220 (vsFTPd 3.0.3)\r\n"), NL_NEED_MORE);
	ck_assert_int_eq(feed_s(&ff, 1, "FEAT\r\n"), NL_NEED_MORE);
	ck_assert(fh_no_fields(&ff));
	ck_assert_int_eq(feed_s(&ff, 1, "FEAT\r\nUSER bob\r\n"), NL_NEED_MORE);
	static const char *const fu[] = { "FEAT", "USER", NULL };
	assert_list(&ff, "ftp.commands", fu);
	ck_assert_str_eq(ff.f.state, "FTP_LOGIN");
	ck_assert_int_eq(feed_s(&ff, 0, "220 (vsFTPd 3.0.3)\r\n211-Features:\r\n EPSV\r\n211 End\r\n331 Pw.\r\n"),
			 NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "ftp.server_software"), "(vsFTPd 3.0.3)");
	ck_assert_uint_eq(u64(&ff, "ftp.reply_code"), 331);
	ck_assert_str_eq(ff.f.state, "FTP_LOGIN");
	fh_close(&ff);
}
END_TEST

/* Every prefix of the server's stream: the fields come only from its
 * whole lines. */
START_TEST(test_truncations)
{
	size_t cl, sl;
	uint8_t *c = load("curl_vsftpd_feat", "c2s", &cl), *s = load("curl_vsftpd_feat", "s2c", &sl);
	const size_t greet = strlen("220 (vsFTPd 3.0.3)\r\n");
	for (size_t n = 0; n <= sl; n++) {
		struct fh_flow ff;
		fh_open(&ff, D());
		ck_assert_int_eq(feed(&ff, 1, c, cl), NL_NEED_MORE);	/* port 21: claimed */
		enum nl_verdict v = feed(&ff, 0, s, n);
		ck_assert_int_eq(ff.f.errors, 0);
		ck_assert_int_eq(v, n == sl ? NL_DONE : NL_NEED_MORE);
		if (n < greet)
			ck_assert_ptr_null(fh_str(&ff, "ftp.server_software"));
		else
			ck_assert_str_eq(fh_str(&ff, "ftp.server_software"), "(vsFTPd 3.0.3)");
		const char *t = fh_str(&ff, "ftp.reply_text");
		if (t) {
			/* the last whole final line of the prefix */
			char want[600];
			snprintf(want, sizeof(want), " %s\r\n", t);
			const char *hit = memmem(s, n, want, strlen(want));
			ck_assert_msg(hit != NULL, "reply text %s not a whole line at %zu", t, n);
		} else {
			ck_assert_uint_lt(n, greet);
		}
		fh_close(&ff);
	}
	/* every prefix of the client's stream (server whole, port 21) */
	for (size_t n = 0; n <= cl; n++) {
		struct fh_flow ff;
		fh_open(&ff, D());
		ck_assert_int_eq(feed(&ff, 0, s, greet), NL_NEED_MORE);
		feed(&ff, 1, c, n);
		ck_assert_int_eq(ff.f.errors, 0);
		const char *u = fh_str(&ff, "ftp.user");
		if (n < strlen("USER anonymous\r\n")) {
			ck_assert(fh_no_fields(&ff));
		} else {
			ck_assert_str_eq(u, "anonymous");
			const char *last = fh_str(&ff, "ftp.last_command");
			ck_assert_ptr_nonnull(last);
			if (strcmp(last, "PASS ****")) {
				char want[300];
				snprintf(want, sizeof(want), "%s\r\n", last);
				ck_assert_ptr_nonnull(memmem(c, n, want, strlen(want)));
			}
		}
		ck_assert(!any_field_has(&ff, "nl-secret"));
		fh_close(&ff);
	}
	free(c);
	free(s);
}
END_TEST

START_TEST(test_lines)
{
	struct fh_flow ff;
	/* multi-line greeting (ProFTPD / Pure-FTPd style), bare LF, lower case,
	 * IAC before ABOR, a 125 transfer */
	fh_open(&ff, D());
	ck_assert_int_eq(feed_s(&ff, 0, "220-Welcome to Pure-FTPd\n220-You are user 1\n220 Bye.\n"), NL_NEED_MORE);
	ck_assert(fh_no_fields(&ff));
	ck_assert_int_eq(feed_s(&ff, 1, "user bob\n"), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "ftp.user"), "bob");
	ck_assert_str_eq(fh_str(&ff, "ftp.last_command"), "user bob");
	ck_assert_int_eq(feed_s(&ff, 0, "220-Welcome to Pure-FTPd\n220-You are user 1\n220 Bye.\n230 OK\n"),
			 NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "ftp.server_software"), "Welcome to Pure-FTPd");
	ck_assert_uint_eq(u64(&ff, "ftp.reply_code"), 230);
	ck_assert_str_eq(ff.f.state, "FTP_LOGGED_IN");
	ck_assert_int_eq(feed_s(&ff, 1, "user bob\nretr a b.txt  \n\xff\xf4\xff\xf2" "ABOR\n"), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "ftp.last_command"), "ABOR");
	static const char *const cmds[] = { "USER", "RETR", "ABOR", NULL };
	static const char *const files[] = { "a b.txt", NULL };
	assert_list(&ff, "ftp.commands", cmds);
	assert_list(&ff, "ftp.file", files);
	/* a multi-line reply whose middle lines look like other replies */
	ck_assert_int_eq(feed_s(&ff, 0, "220-Welcome to Pure-FTPd\n220-You are user 1\n220 Bye.\n230 OK\n"
					"125-Go\n226 not the end\n125 Go on\n"),
			 NL_NEED_MORE);
	ck_assert_uint_eq(u64(&ff, "ftp.reply_code"), 125);
	ck_assert_str_eq(fh_str(&ff, "ftp.reply_text"), "Go on");
	ck_assert_str_eq(ff.f.state, "FTP_TRANSFER");
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);

	/* a 120 before the greeting (RFC 959 §5.4): the 220 is the greeting */
	fh_open(&ff, D());
	ck_assert_int_eq(feed_s(&ff, 1, "USER a\r\n"), NL_NEED_MORE);
	ck_assert_int_eq(feed_s(&ff, 0, "120 Ready in 1 minute\r\n220 ProFTPD Server (Debian)\r\n"), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "ftp.server_software"), "ProFTPD Server (Debian)");
	ck_assert_str_eq(ff.f.state, "FTP_LOGIN");
	fh_close(&ff);

	/* a NUL inside a command line ends its text, as tshark reads it (nDPI's
	 * fuzz-2006-06-26-2594.pcap: "RETR Site%s\0t.xml") */
	fh_open(&ff, D());
	ck_assert_int_eq(feed_s(&ff, 0, "220 ready\r\n"), NL_NEED_MORE);
	static const char retr[] = "USER a\0b\r\nRETR Site%s\0t.xml\r\n";
	ck_assert_int_eq(feed(&ff, 1, retr, sizeof(retr) - 1), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "ftp.user"), "a");
	ck_assert_str_eq(fh_str(&ff, "ftp.last_command"), "RETR Site%s");
	static const char *const cut[] = { "Site%s", NULL };
	assert_list(&ff, "ftp.file", cut);
	fh_close(&ff);

	/* an over-long line is skipped to its end; what follows is read */
	fh_open(&ff, D());
	char big[3000];
	memset(big, 'x', sizeof(big));
	memcpy(big, "220 ", 4);
	size_t n = sizeof(big) - 40;
	n += (size_t)snprintf(big + n, 40, "\r\n221 Bye now\r\n");
	ck_assert_int_eq(feed_s(&ff, 1, "USER a\r\n"), NL_NEED_MORE);
	ck_assert_int_eq(feed(&ff, 0, big, n), NL_DONE);
	ck_assert_ptr_null(fh_str(&ff, "ftp.server_software"));
	ck_assert_str_eq(fh_str(&ff, "ftp.reply_text"), "Bye now");
	ck_assert_str_eq(ff.f.state, "FTP_QUIT");
	fh_close(&ff);
}
END_TEST

/* Other text protocols, off and on their ports: never claimed. */
START_TEST(test_not_mine)
{
	static const struct {
		uint16_t port;
		const char *s, *c;
	} v[] = {
		{ 25, "220 mx.example.org ESMTP Postfix\r\n", "EHLO client.example.org\r\n" },
		{ 2525, "220 mx.example.org ESMTP Postfix\r\n", "EHLO client.example.org\r\n" },
		{ 2525, "220 mx.example.org ESMTP Postfix\r\n", "HELO client\r\n" },
		{ 2525, "220 mx.example.org ESMTP Postfix\r\n", "QUIT\r\n" },	/* weak verb off port */
		{ 110, "+OK Dovecot ready.\r\n", "USER bob\r\n" },
		{ 143, "* OK [CAPABILITY IMAP4rev1] ready\r\n", "a1 LOGIN bob pw\r\n" },
		{ 8080, "HTTP/1.1 200 OK\r\n\r\n", "GET / HTTP/1.1\r\nHost: x\r\n\r\n" },
		{ 21, "HTTP/1.1 200 OK\r\n\r\n", "GET / HTTP/1.1\r\nHost: x\r\n\r\n" },
		{ 22, "SSH-2.0-OpenSSH_9.2\r\n", "SSH-2.0-OpenSSH_9.2\r\n" },
		{ 2121, "200 fine\r\n", "USER bob\r\n" },	/* off port: no 220 */
		{ 443, "\x16\x03\x03\x00\x31\x02", "\x16\x03\x01\x02\x00\x01" },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		for (int order = 0; order < 2; order++) {
			struct fh_flow ff;
			server_port = v[i].port;
			fh_open(&ff, D());
			enum nl_verdict a = feed_s(&ff, order, order ? v[i].c : v[i].s);
			enum nl_verdict b = a == NL_NEED_MORE ? feed_s(&ff, !order, order ? v[i].s : v[i].c) : a;
			ck_assert_msg(a == NL_NOT_MINE || b == NL_NOT_MINE, "case %zu order %d: %d %d", i, order, a, b);
			ck_assert(fh_no_fields(&ff));
			fh_close(&ff);
		}
	}
	server_port = PORT_S;
	/* UDP */
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(fh_feed(&ff, NL_UDP, 1, PORT_C, 21, "USER a\r\n", 8, 0), NL_NOT_MINE);
	fh_close(&ff);
	/* a client that keeps sending FEAT on port 21: given up */
	fh_open(&ff, D());
	char feats[200] = "";
	for (int i = 0; i < 10; i++)
		strcat(feats, "FEAT\r\n");
	ck_assert_int_eq(feed_s(&ff, 1, feats), NL_NOT_MINE);
	ck_assert(fh_no_fields(&ff));
	fh_close(&ff);
}
END_TEST

/* Only the server's side in the capture (a one-way mirror): on port 21 a
 * greeting and a second final reply with no byte from the client claim
 * the flow; a greeting alone, a multi-line greeting, a preliminary reply,
 * another port, or a client that has spoken do not. */
START_TEST(test_server_side_only)
{
	size_t sl;
	uint8_t *s = load("curl_vsftpd_syst", "s2c", &sl);
	for (size_t seg = 1; seg <= 1200; seg = seg * 3 + 1) {
		struct fh_flow ff;
		fh_open(&ff, D());
		enum nl_verdict v = NL_NEED_MORE;
		for (size_t at = 0; at < sl && v == NL_NEED_MORE; at += seg)
			v = fh_stream_feed(&ff, 0, PORT_S, PORT_C, s + at, at + seg <= sl ? seg : sl - at);
		ck_assert_int_eq(ff.f.errors, 0);
		ck_assert_str_eq(fh_str(&ff, "ftp.server_software"), "(vsFTPd 3.0.3)");
		ck_assert_str_eq(fh_str(&ff, "ftp.system"), "UNIX Type: L8");
		ck_assert_uint_eq(u64(&ff, "ftp.reply_code"), 221);
		ck_assert_str_eq(ff.f.state, "FTP_QUIT");
		ck_assert_ptr_null(fh_str(&ff, "ftp.user"));
		fh_close(&ff);
	}
	free(s);

	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed_s(&ff, 0, "220 (vsFTPd 3.0.3)\r\n"), NL_NEED_MORE);
	ck_assert(fh_no_fields(&ff));
	ck_assert_int_eq(feed_s(&ff, 0, "220 (vsFTPd 3.0.3)\r\n331 Please specify the password.\r\n"),
			 NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "ftp.server_software"), "(vsFTPd 3.0.3)");
	ck_assert_uint_eq(u64(&ff, "ftp.reply_code"), 331);
	fh_close(&ff);

	static const char *const waits[] = {
		"220-Welcome\r\n220-to the archive\r\n220 ready\r\n",	/* one reply */
		"220-Welcome\r\n230 users now\r\n220 ready\r\n",	/* an inner line */
		"120 ready in 5 minutes\r\n220 ready\r\n",		/* preliminary, then one */
		"220 ready\r\n331 Pw.\r",				/* the second not whole */
	};
	for (size_t i = 0; i < sizeof(waits) / sizeof(waits[0]); i++) {
		fh_open(&ff, D());
		ck_assert_int_eq(feed_s(&ff, 0, waits[i]), NL_NEED_MORE);
		ck_assert_msg(fh_no_fields(&ff), "case %zu claimed", i);
		fh_close(&ff);
	}
	/* off port 21: both sides are needed */
	server_port = PORT_OFF;
	fh_open(&ff, D());
	ck_assert_int_eq(feed_s(&ff, 0, "220 ready\r\n331 Pw.\r\n230 In.\r\n"), NL_NEED_MORE);
	ck_assert(fh_no_fields(&ff));
	fh_close(&ff);
	server_port = PORT_S;
	/* the client has spoken (FEAT, which does not claim): still its
	 * next command decides (AUTH would be TLS's) */
	fh_open(&ff, D());
	ck_assert_int_eq(feed_s(&ff, 1, "FEAT\r\n"), NL_NEED_MORE);
	ck_assert_int_eq(feed_s(&ff, 0, "220 ready\r\n211-Features:\r\n AUTH TLS\r\n211 End\r\n"),
			 NL_NEED_MORE);
	ck_assert(fh_no_fields(&ff));
	fh_close(&ff);
}
END_TEST

START_TEST(test_regress_reader_offset)
{
	reader_offset_run(D(), "USER x\r\n", "220 hi there\r\n", "ftp.server_software");
}
END_TEST

START_TEST(test_mutations)
{
	static const char *const names[] = { "curl_vsftpd_feat", "curl_vsftpd_authtls", "curl_vsftpd_stor" };
	uint32_t x = 2121;
	for (size_t n = 0; n < 3; n++) {
		size_t len[2];
		uint8_t *orig[2] = { load(names[n], "s2c", &len[0]), load(names[n], "c2s", &len[1]) };
		for (int p = 0; p < 2; p++) {
			server_port = p ? PORT_OFF : PORT_S;
			mutate_run(D(), orig, len, feed, fh_no_fields, 300, &x);
		}
		free(orig[0]);
		free(orig[1]);
	}
	server_port = PORT_S;
}
END_TEST

static Suite *ftp_suite(void)
{
	Suite *s = suite_create("ftp");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_descriptor);
	tcase_add_test(tc, test_captures);
	tcase_add_test(tc, test_captures_consume_host_agrees);
	tcase_add_test(tc, test_auth_tls);
	tcase_add_test(tc, test_truncations);
	tcase_add_test(tc, test_lines);
	tcase_add_test(tc, test_not_mine);
	tcase_add_test(tc, test_server_side_only);
	tcase_add_test(tc, test_regress_reader_offset);
	tcase_add_test(tc, test_mutations);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ftp_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
