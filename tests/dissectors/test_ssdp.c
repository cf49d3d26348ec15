/*
 * test_ssdp.c - unit tests of dissectors/ssdp.c against the fake host.
 *
 * Real vectors: tests/dissectors/vectors/ssdp/NAME.bin, UDP payloads taken
 * from a capture (tcpdump) of minidlnad 1.3.0 (Debian 12) announcing itself
 * (NOTIFY ssdp:byebye and ssdp:alive) and answering the M-SEARCHes of
 * miniupnpc's upnpc 2.2.4 (`upnpc -l`), and of GSSDP 1.6.2 searching and
 * answering (tests/integration/gssdp_peer.py), in two network namespaces; the
 * values asserted below are those tshark 4.0 shows for them (see README
 * there). Crafted messages (named so) cover what those programs do not
 * send: USER-AGENT, lower-case names, bare LF, HTTP/1.0, broken forms.
 * The vector folder is $NL_VECTOR_DIR/ssdp, or found next to this file.
 *
 * Build: gcc -std=gnu11 -g -O1 -Wall -Wextra -Werror -I plugins -I tests/dissectors \
 *          -o test_ssdp tests/dissectors/test_ssdp.c dissectors/ssdp.c $(pkg-config --cflags --libs check)
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

#define SSDP 1900
#define CP_PORT 36015		/* the searcher's port (miniupnpc's socket) */
#define DEV_PORT 42280		/* minidlna's NOTIFY socket */
#define OFF_PORT 49152		/* a device answering from a port of its own */

static const struct nl_dissector *D(void) { return netlens_dissector_entry(); }

static enum nl_verdict dgram(struct fh_flow *ff, int from_client, uint16_t sport, uint16_t dport,
			     const void *b, size_t n)
{
	return fh_feed(ff, NL_UDP, from_client, sport, dport, b, n, 0);
}

static enum nl_verdict dgram_s(struct fh_flow *ff, uint16_t sport, uint16_t dport, const char *s)
{
	return dgram(ff, 1, sport, dport, s, strlen(s));
}

static size_t list_len(const struct fh_flow *ff, const char *key)
{
	size_t n = 0;
	while (fh_list(ff, key, n))
		n++;
	return n;
}


/* Loads a vector (one datagram). */
static uint8_t *load(const char *name, size_t *len)
{
	char file[256];
	ck_assert_int_lt(snprintf(file, sizeof(file), "%s.bin", name), (int)sizeof(file));
	return fh_load_vector("ssdp", file, 2047, len);
}

#define UUID "uuid:4d696e69-444c-164e-9d41-6ac2387b63ca"
#define MINIDLNA "Debian DLNADOC/1.50 UPnP/1.0 MiniDLNA/1.3.0"
#define DESC "http://10.232.0.2:8200/rootDesc.xml"
#define PROBE "urn:netlens-test:device:Probe:1"
#define PUUID "uuid:6e65746c-656e-7300-0000-000000000001"
#define GSSDP "Linux/6.18.44-fc-v1272 UPnP/1.0 GSSDP/1.6.2"

/* The real vectors and what tshark shows in them. */
static const struct vec {
	const char *name;
	uint16_t sport, dport;	/* as captured */
	const char *method, *state, *st, *nts, *usn, *location, *server, *ua;
} vecs[] = {
	{ "minidlna_notify_byebye", DEV_PORT, SSDP, "NOTIFY", "SSDP_NOTIFY", UUID, "ssdp:byebye", UUID,
	  NULL, NULL, NULL },
	{ "minidlna_notify_alive", DEV_PORT, SSDP, "NOTIFY", "SSDP_NOTIFY", UUID, "ssdp:alive", UUID, DESC,
	  MINIDLNA, NULL },
	{ "minidlna_notify_alive_service", DEV_PORT, SSDP, "NOTIFY", "SSDP_NOTIFY",
	  "urn:microsoft.com:service:X_MS_MediaReceiverRegistrar:1", "ssdp:alive",
	  UUID "::urn:microsoft.com:service:X_MS_MediaReceiverRegistrar:1", DESC, MINIDLNA, NULL },
	{ "miniupnpc_msearch_igd", CP_PORT, SSDP, "M-SEARCH", "SSDP_M_SEARCH",
	  "urn:schemas-upnp-org:device:InternetGatewayDevice:1", NULL, NULL, NULL, NULL, NULL },
	{ "miniupnpc_msearch_rootdevice", CP_PORT, SSDP, "M-SEARCH", "SSDP_M_SEARCH", "upnp:rootdevice",
	  NULL, NULL, NULL, NULL, NULL },
	{ "minidlna_response", SSDP, CP_PORT, "RESPONSE", "SSDP_RESPONSE", "upnp:rootdevice", NULL,
	  UUID "::upnp:rootdevice", DESC, MINIDLNA, NULL },
	{ "gssdp_msearch", 32808, SSDP, "M-SEARCH", "SSDP_M_SEARCH", PROBE, NULL, NULL, NULL, NULL, GSSDP },
	{ "gssdp_response", SSDP, 32808, "RESPONSE", "SSDP_RESPONSE", PROBE, NULL, PUUID "::" PROBE,
	  "http://10.232.0.2:4004/desc.xml", GSSDP, NULL },
};
#define N_VECS (int)(sizeof(vecs) / sizeof(vecs[0]))

static void assert_str(const struct fh_flow *ff, const char *key, const char *want)
{
	const char *got = fh_str(ff, key);
	if (!want)
		ck_assert_msg(got == NULL, "%s: unexpected \"%s\"", key, got ? got : "");
	else
		ck_assert_msg(got && !strcmp(got, want), "%s: \"%s\", want \"%s\"", key, got ? got : "(unset)",
			      want);
}

static void assert_vec(const struct fh_flow *ff, const struct vec *v)
{
	assert_str(ff, "ssdp.method", v->method);
	ck_assert_str_eq(ff->f.state, v->state);
	ck_assert_uint_eq(list_len(ff, "ssdp.search_target"), 1);
	ck_assert_str_eq(fh_list(ff, "ssdp.search_target", 0), v->st);
	assert_str(ff, "ssdp.notification_subtype", v->nts);
	assert_str(ff, "ssdp.usn", v->usn);
	assert_str(ff, "ssdp.location", v->location);
	assert_str(ff, "ssdp.server", strcmp(v->method, "M-SEARCH") ? v->server : NULL);
	assert_str(ff, "ssdp.user_agent", strcmp(v->method, "M-SEARCH") ? NULL : v->ua);
	ck_assert_int_eq(ff->f.errors, 0);
}

/* ---- descriptor ---- */

START_TEST(test_descriptor)
{
	const struct nl_dissector *d = D();
	ck_assert_str_eq(d->name, "ssdp");
	ck_assert_str_eq(d->display, "SSDP");
	ck_assert_str_eq(d->version, "1.0.0");
	ck_assert_str_eq(d->license, "MIT");
	ck_assert_uint_eq(d->abi_major, NL_ABI_MAJOR);
	ck_assert_uint_eq(d->transports, NL_UDP);
	ck_assert_uint_eq(d->flags, 0);
	ck_assert_uint_eq(d->idle_timeout_s, 30);
	ck_assert_uint_eq(d->packet_budget, 16);
	ck_assert_int_eq(d->domain_field, -1);
	ck_assert_uint_eq(d->n_port_hints, 1);
	ck_assert_uint_eq(d->port_hints[0], 1900);
	ck_assert_uint_le(d->state_size, 16);
	static const char *const keys[] = { "ssdp.method", "ssdp.search_target", "ssdp.notification_subtype",
					    "ssdp.usn", "ssdp.location", "ssdp.server", "ssdp.user_agent" };
	ck_assert_uint_eq(d->n_fields, 7);
	for (uint16_t i = 0; i < d->n_fields; i++) {
		ck_assert_uint_eq(d->fields[i].id, i);
		ck_assert_str_eq(d->fields[i].key, keys[i]);
		ck_assert_uint_eq(d->fields[i].type, i == 1 ? NL_FIELD_STR_LIST : NL_FIELD_STR);
	}
}
END_TEST

/* ---- real vectors ---- */

START_TEST(test_vector)
{
	const struct vec *v = &vecs[_i];
	size_t n;
	uint8_t *b = load(v->name, &n);
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(dgram(&ff, 1, v->sport, v->dport, b, n), NL_NEED_MORE);
	assert_vec(&ff, v);
	fh_close(&ff);

	/* Off port 1900 (a response from a device's own port, a unicast
	 * search or announcement to another port): the same, on signature. */
	fh_open(&ff, D());
	ck_assert_int_eq(dgram(&ff, 1, OFF_PORT, 40000, b, n), NL_NEED_MORE);
	assert_vec(&ff, v);
	fh_close(&ff);

	/* From a reader that does not start at offset 0. */
	uint8_t *j = malloc(n + 5);
	ck_assert_ptr_nonnull(j);
	memcpy(j, "\x16\x03\x01\x02\x03", 5);
	memcpy(j + 5, b, n);
	fh_open(&ff, D());
	ck_assert_int_eq(fh_feed_skipped(&ff, NL_UDP, 1, OFF_PORT, 40000, j, n + 5, 5), NL_NEED_MORE);
	assert_vec(&ff, v);
	fh_close(&ff);
	free(j);
	free(b);
}
END_TEST

/* minidlna's NOTIFY socket: byebye for each type, then alive for each. */
START_TEST(test_notify_flow)
{
	static const char *const order[] = { "minidlna_notify_byebye", "minidlna_notify_alive",
					     "minidlna_notify_alive_service", "minidlna_notify_alive" };
	struct fh_flow ff;
	fh_open(&ff, D());
	for (int i = 0; i < 4; i++) {
		size_t n;
		uint8_t *b = load(order[i], &n);
		ck_assert_int_eq(dgram(&ff, 1, DEV_PORT, SSDP, b, n), NL_NEED_MORE);
		free(b);
		if (i == 0) {
			assert_str(&ff, "ssdp.notification_subtype", "ssdp:byebye");
			assert_str(&ff, "ssdp.location", NULL);
		}
	}
	assert_str(&ff, "ssdp.method", "NOTIFY");
	ck_assert_str_eq(ff.f.state, "SSDP_NOTIFY");
	ck_assert_uint_eq(list_len(&ff, "ssdp.search_target"), 2);
	ck_assert_str_eq(fh_list(&ff, "ssdp.search_target", 0), UUID);
	ck_assert_str_eq(fh_list(&ff, "ssdp.search_target", 1),
			 "urn:microsoft.com:service:X_MS_MediaReceiverRegistrar:1");
	/* The last datagram's subtype; the first USN, location and server. */
	assert_str(&ff, "ssdp.notification_subtype", "ssdp:alive");
	assert_str(&ff, "ssdp.usn", UUID);
	assert_str(&ff, "ssdp.location", DESC);
	assert_str(&ff, "ssdp.server", MINIDLNA);
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}
END_TEST

/* upnpc's socket: one search per IGD type, then upnp:rootdevice; then the
 * device's answer comes back on the same 5-tuple only when it answers from
 * 1900 (minidlna does): the last datagram names method and state. */
START_TEST(test_search_flow)
{
	struct fh_flow ff;
	size_t n;
	fh_open(&ff, D());
	uint8_t *b = load("miniupnpc_msearch_igd", &n);
	ck_assert_int_eq(dgram(&ff, 1, CP_PORT, SSDP, b, n), NL_NEED_MORE);
	ck_assert_int_eq(dgram(&ff, 1, CP_PORT, SSDP, b, n), NL_NEED_MORE);	/* retry: no duplicate */
	free(b);
	b = load("miniupnpc_msearch_rootdevice", &n);
	ck_assert_int_eq(dgram(&ff, 1, CP_PORT, SSDP, b, n), NL_NEED_MORE);
	free(b);
	assert_str(&ff, "ssdp.method", "M-SEARCH");
	ck_assert_str_eq(ff.f.state, "SSDP_M_SEARCH");
	ck_assert_uint_eq(list_len(&ff, "ssdp.search_target"), 2);
	ck_assert_str_eq(fh_list(&ff, "ssdp.search_target", 0),
			 "urn:schemas-upnp-org:device:InternetGatewayDevice:1");
	ck_assert_str_eq(fh_list(&ff, "ssdp.search_target", 1), "upnp:rootdevice");
	ck_assert(fh_str(&ff, "ssdp.usn") == NULL && fh_str(&ff, "ssdp.server") == NULL);

	b = load("minidlna_response", &n);
	ck_assert_int_eq(dgram(&ff, 0, SSDP, CP_PORT, b, n), NL_NEED_MORE);
	free(b);
	assert_str(&ff, "ssdp.method", "RESPONSE");
	ck_assert_str_eq(ff.f.state, "SSDP_RESPONSE");
	ck_assert_uint_eq(list_len(&ff, "ssdp.search_target"), 2);	/* upnp:rootdevice again */
	assert_str(&ff, "ssdp.usn", UUID "::upnp:rootdevice");
	assert_str(&ff, "ssdp.server", MINIDLNA);
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}
END_TEST

/* ---- crafted: what the real programs above do not send ---- */

/* An M-SEARCH as GSSDP sends it (USER-AGENT); SERVER of a search and
 * USER-AGENT of an answer are not ours to show. */
START_TEST(test_crafted_user_agent)
{
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(dgram_s(&ff, 50000, SSDP,
				 "M-SEARCH * HTTP/1.1\r\nHost: 239.255.255.250:1900\r\nMan: \"ssdp:discover\"\r\n"
				 "ST: ssdp:all\r\nMX: 3\r\nUser-Agent: Linux/6.1.0 UPnP/1.0 GSSDP/1.6.2\r\n"
				 "Server: not-this\r\n\r\n"),
			 NL_NEED_MORE);
	assert_str(&ff, "ssdp.user_agent", "Linux/6.1.0 UPnP/1.0 GSSDP/1.6.2");
	assert_str(&ff, "ssdp.server", NULL);
	ck_assert_str_eq(fh_list(&ff, "ssdp.search_target", 0), "ssdp:all");
	fh_close(&ff);

	fh_open(&ff, D());
	ck_assert_int_eq(dgram_s(&ff, OFF_PORT, 50000,
				 "HTTP/1.1 200 OK\r\nST: ssdp:all\r\nUSN: uuid:1\r\nUser-Agent: no\r\n\r\n"),
			 NL_NEED_MORE);
	assert_str(&ff, "ssdp.user_agent", NULL);
	assert_str(&ff, "ssdp.usn", "uuid:1");
	fh_close(&ff);
}
END_TEST

/* Names without case, values trimmed of SP and HTAB, bare LF, a name with
 * blanks before its colon passed over, the first of two headers kept. */
START_TEST(test_crafted_case_and_blanks)
{
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(dgram_s(&ff, OFF_PORT, 40000,
				 "NOTIFY * HTTP/1.1\nhost:239.255.255.250:1900\nnt:\t upnp:rootdevice \t\n"
				 "Nts:   ssdp:update\nUSN :uuid:skipped\nusn: uuid:first\nUSN: uuid:second\n"
				 "lOcAtIoN:http://[fe80::1]:80/d.xml\nSERVER:\n\n"),
			 NL_NEED_MORE);
	ck_assert_str_eq(fh_list(&ff, "ssdp.search_target", 0), "upnp:rootdevice");
	assert_str(&ff, "ssdp.notification_subtype", "ssdp:update");
	assert_str(&ff, "ssdp.usn", "uuid:first");
	assert_str(&ff, "ssdp.location", "http://[fe80::1]:80/d.xml");
	assert_str(&ff, "ssdp.server", NULL);	/* present, no value */
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}
END_TEST

/* Off port 1900 only the exact forms with their SSDP headers are claimed. */
static const char *const off_port_not_mine[] = {
	"HTTP/1.1 200 OK\r\nST: upnp:rootdevice\r\n\r\n",			/* no USN */
	"HTTP/1.1 200 OK\r\nUSN: uuid:1\r\n\r\n",				/* no ST */
	"HTTP/1.1 200 OK\r\nST:\r\nUSN: uuid:1\r\n\r\n",			/* empty ST */
	"HTTP/1.1 404 Not Found\r\nST: a\r\nUSN: b\r\n\r\n",
	"HTTP/1.1 200 Ok\r\nST: a\r\nUSN: b\r\n\r\n",
	"HTTP/1.0 200 OK\r\nST: a\r\nUSN: b\r\n\r\n",
	"M-SEARCH * HTTP/1.1\r\nST: ssdp:all\r\n\r\n",				/* no MAN */
	"M-SEARCH * HTTP/1.1\r\nMAN: \"ssdp:find\"\r\nST: ssdp:all\r\n\r\n",
	"M-SEARCH * HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\n\r\n",		/* no ST */
	"m-search * HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\nST: ssdp:all\r\n\r\n",
	"M-SEARCH / HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\nST: ssdp:all\r\n\r\n",
	"NOTIFY * HTTP/1.1\r\nNT: upnp:rootdevice\r\n\r\n",			/* no NTS */
	"NOTIFY * HTTP/1.1\r\nNT: upnp:rootdevice\r\nNTS: ssdp:dead\r\n\r\n",
	"NOTIFY * HTTP/1.1\r\nNTS: ssdp:alive\r\n\r\n",				/* no NT */
	"NOTIFY * HTTP/1.0\r\nNT: a\r\nNTS: ssdp:alive\r\n\r\n",
	"NOTIFY * HTTP/1.1 \r\nNT: a\r\nNTS: ssdp:alive\r\n\r\n",
	/* the signature after the empty line ending the head: a body */
	"NOTIFY * HTTP/1.1\r\n\r\nNT: a\r\nNTS: ssdp:alive\r\n\r\n",
	"GET / HTTP/1.1\r\nHost: x\r\n\r\n",
	"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
	"",
};

START_TEST(test_off_port_not_mine)
{
	const char *m = off_port_not_mine[_i];
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(dgram_s(&ff, OFF_PORT, 40000, m), NL_NOT_MINE);
	ck_assert(fh_no_fields(&ff));
	ck_assert_str_eq(ff.f.state, "");
	fh_close(&ff);
}
END_TEST

/* On port 1900: HTTP/1.0, any reason phrase, missing SSDP headers. */
START_TEST(test_on_port_lenient)
{
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(dgram_s(&ff, 40000, SSDP, "NOTIFY * HTTP/1.0\r\nNT: upnp:rootdevice\r\n\r\n"),
			 NL_NEED_MORE);
	assert_str(&ff, "ssdp.method", "NOTIFY");
	ck_assert_str_eq(ff.f.state, "SSDP_NOTIFY");
	ck_assert_str_eq(fh_list(&ff, "ssdp.search_target", 0), "upnp:rootdevice");
	assert_str(&ff, "ssdp.notification_subtype", NULL);
	fh_close(&ff);

	fh_open(&ff, D());
	ck_assert_int_eq(dgram_s(&ff, SSDP, 40000, "HTTP/1.0 200 Fine\r\nUSN: uuid:x\r\n\r\n"), NL_NEED_MORE);
	assert_str(&ff, "ssdp.method", "RESPONSE");
	assert_str(&ff, "ssdp.usn", "uuid:x");
	ck_assert_uint_eq(list_len(&ff, "ssdp.search_target"), 0);
	fh_close(&ff);

	fh_open(&ff, D());
	ck_assert_int_eq(dgram_s(&ff, 40000, SSDP, "M-SEARCH * HTTP/1.1\r\n"), NL_NEED_MORE);
	assert_str(&ff, "ssdp.method", "M-SEARCH");
	ck_assert_str_eq(ff.f.state, "SSDP_M_SEARCH");
	fh_close(&ff);
}
END_TEST

/* On port 1900 a broken start line of one of the three forms is
 * MALFORMED; another protocol there is NOT_MINE. */
START_TEST(test_on_port_broken)
{
	static const char *const broken[] = {
		"M-SEARCH * HTTP/1.2\r\n\r\n",	"M-SEARCH * HTTP/1.",	 "NOTIFY * HTTP/1.1x\r\n\r\n",
		"HTTP/1.1 404 Not Found\r\n\r\n", "HTTP/1.1 2000\r\n\r\n", "HTTP/1.\r\n",
		"NOTIFY * HTTP/1.1",		/* no line end: cut */
	};
	static const char *const other[] = {
		"GET / HTTP/1.1\r\n\r\n", "NOTIFY /x HTTP/1.1\r\n\r\n", "M-POST * HTTP/1.1\r\n\r\n",
		"HTTX/1.1 200 OK\r\n\r\n", "\x00\x01\x02\x03", "H", "", "notify * HTTP/1.1\r\n\r\n",
	};
	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		struct fh_flow ff;
		fh_open(&ff, D());
		ck_assert_msg(dgram_s(&ff, 40000, SSDP, broken[i]) == NL_MALFORMED, "broken %zu", i);
		ck_assert(fh_no_fields(&ff));
		fh_close(&ff);
	}
	for (size_t i = 0; i < sizeof(other) / sizeof(other[0]); i++) {
		struct fh_flow ff;
		fh_open(&ff, D());
		ck_assert_msg(dgram(&ff, 1, SSDP, 40000, other[i], strlen(other[i])) == NL_NOT_MINE, "other %zu",
			      i);
		ck_assert(fh_no_fields(&ff));
		fh_close(&ff);
	}
}
END_TEST

/* A flow proven SSDP is never declined: a later datagram that is not SSDP
 * is MALFORMED, and the fields stay. Proven off port, later datagrams are
 * judged leniently. */
START_TEST(test_proven_then_broken)
{
	struct fh_flow ff;
	size_t n;
	uint8_t *b = load("minidlna_response", &n);
	fh_open(&ff, D());
	ck_assert_int_eq(dgram(&ff, 0, OFF_PORT, CP_PORT, b, n), NL_NEED_MORE);
	ck_assert_int_eq(dgram_s(&ff, OFF_PORT, CP_PORT, "HTTP/1.1 200 OK\r\nST: upnp:other\r\n\r\n"),
			 NL_NEED_MORE);
	ck_assert_uint_eq(list_len(&ff, "ssdp.search_target"), 2);
	ck_assert_int_eq(dgram_s(&ff, OFF_PORT, CP_PORT, "\x01\x02garbage"), NL_MALFORMED);
	assert_str(&ff, "ssdp.usn", UUID "::upnp:rootdevice");
	ck_assert_str_eq(ff.f.state, "SSDP_RESPONSE");
	fh_close(&ff);
	free(b);
}
END_TEST

/* At most 64 header lines are walked. */
START_TEST(test_line_cap)
{
	for (int fill = 62; fill <= 64; fill++) {
		char m[4096];
		size_t o = (size_t)snprintf(m, sizeof(m), "NOTIFY * HTTP/1.1\r\n");
		for (int i = 0; i < fill; i++)
			o += (size_t)snprintf(m + o, sizeof(m) - o, "X-Filler-%d: a\r\n", i);
		o += (size_t)snprintf(m + o, sizeof(m) - o, "NT: upnp:rootdevice\r\nNTS: ssdp:alive\r\n\r\n");
		ck_assert_uint_lt(o, sizeof(m));
		struct fh_flow ff;
		fh_open(&ff, D());
		ck_assert_int_eq(dgram(&ff, 1, 40000, SSDP, m, o), NL_NEED_MORE);
		/* NT is header line fill + 1, NTS fill + 2. */
		ck_assert_uint_eq(list_len(&ff, "ssdp.search_target"), fill + 1 <= 64 ? 1 : 0);
		assert_str(&ff, "ssdp.notification_subtype", fill + 2 <= 64 ? "ssdp:alive" : NULL);
		fh_close(&ff);
		/* Off port the signature must be within the cap too. */
		fh_open(&ff, D());
		ck_assert_int_eq(dgram(&ff, 1, OFF_PORT, 40000, m, o), fill + 2 <= 64 ? NL_NEED_MORE : NL_NOT_MINE);
		fh_close(&ff);
	}
}
END_TEST

/* A line longer than 1024 bytes ends the walk; values are cut by the host
 * to NL_MAX_STR. */
START_TEST(test_long_lines)
{
	char m[4096];
	size_t o = (size_t)snprintf(m, sizeof(m), "NOTIFY * HTTP/1.1\r\nNT: upnp:rootdevice\r\nSERVER: ");
	memset(m + o, 'x', 1000);
	o += 1000;
	o += (size_t)snprintf(m + o, sizeof(m) - o, "\r\nNTS: ssdp:alive\r\nX-Long: ");
	memset(m + o, 'y', 1100);
	o += 1100;
	o += (size_t)snprintf(m + o, sizeof(m) - o, "\r\nUSN: uuid:after\r\n\r\n");
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(dgram(&ff, 1, 40000, SSDP, m, o), NL_NEED_MORE);
	const char *srv = fh_str(&ff, "ssdp.server");
	ck_assert_ptr_nonnull(srv);
	ck_assert_uint_eq(strlen(srv), NL_MAX_STR);
	ck_assert(strspn(srv, "x") == NL_MAX_STR);
	assert_str(&ff, "ssdp.notification_subtype", "ssdp:alive");
	assert_str(&ff, "ssdp.usn", NULL);	/* after the over-long line */
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}
END_TEST

/* A device announcing more types than the host keeps: the list stops at
 * NL_MAX_LIST, the dissector keeps reading (its budget ends the flow). */
START_TEST(test_many_types)
{
	struct fh_flow ff;
	fh_open(&ff, D());
	for (int i = 0; i < 20; i++) {
		char m[256];
		int n = snprintf(m, sizeof(m),
				 "NOTIFY * HTTP/1.1\r\nNT: urn:x:service:S%d:1\r\nNTS: ssdp:alive\r\nUSN: uuid:%d\r\n\r\n", i,
				 i);
		ck_assert_int_eq(dgram(&ff, 1, DEV_PORT, SSDP, m, (size_t)n), NL_NEED_MORE);
	}
	ck_assert_uint_eq(list_len(&ff, "ssdp.search_target"), NL_MAX_LIST);
	ck_assert_str_eq(fh_list(&ff, "ssdp.search_target", 15), "urn:x:service:S15:1");
	assert_str(&ff, "ssdp.usn", "uuid:0");
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}
END_TEST

/* ---- truncations ---- */

/* The offset past the line end of the header line starting with name
 * (at a line start), or 0. */
static size_t header_end(const uint8_t *b, size_t n, const char *name)
{
	size_t k = strlen(name);
	for (size_t i = 0; i + k <= n; i++) {
		if ((i == 0 || b[i - 1] == '\n') && !strncasecmp((const char *)b + i, name, k)) {
			const uint8_t *lf = memchr(b + i, '\n', n - i);
			return lf ? (size_t)(lf - b) + 1 : 0;
		}
	}
	return 0;
}

/* Every cut of every vector, on and off port: never a field from a cut
 * line, each field whole once its line is, NOT_MINE with no field. */
START_TEST(test_every_truncation)
{
	const struct vec *v = &vecs[_i];
	size_t n;
	uint8_t *full = load(v->name, &n);
	int notify = !strcmp(v->method, "NOTIFY"), search = !strcmp(v->method, "M-SEARCH");
	size_t start_end = header_end(full, n, v->method[0] == 'R' ? "HTTP/" : v->method);
	size_t st_end = header_end(full, n, notify ? "NT:" : "ST:");
	size_t nts_end = header_end(full, n, "NTS:");
	size_t usn_end = header_end(full, n, "USN:");
	size_t loc_end = header_end(full, n, "LOCATION:");
	size_t srv_end = header_end(full, n, "SERVER:");
	size_t man_end = header_end(full, n, "MAN:");
	size_t ua_end = search ? header_end(full, n, "USER-AGENT:") : 0;
	if (search)
		srv_end = 0;	/* a search's SERVER is not read */
	ck_assert(start_end > 0 && st_end > 0);
	for (int off = 0; off < 2; off++) {
		for (size_t len = 0; len <= n; len++) {
			uint8_t *b = malloc(len ? len : 1);
			memcpy(b, full, len);
			struct fh_flow ff;
			fh_open(&ff, D());
			enum nl_verdict vd = off ? dgram(&ff, 1, OFF_PORT, 40000, b, len) : dgram(&ff, 1, 40000, SSDP, b, len);
			ck_assert_int_eq(ff.f.errors, 0);
			if (vd == NL_NOT_MINE)
				ck_assert(fh_no_fields(&ff));
			int claimed = vd == NL_NEED_MORE;
			/* On port: claimed from a whole start line on. Off: once the
			 * signature's headers are whole. */
			size_t sig = st_end;
			if (notify && nts_end > sig)
				sig = nts_end;
			if (search && man_end > sig)
				sig = man_end;
			if (!notify && !search && usn_end > sig)
				sig = usn_end;
			ck_assert_int_eq(claimed, len >= (off ? sig : start_end));
			/* A cut start line on 1900: MALFORMED once its form's
			 * fixed part is there ("NOTIFY * HTTP/1."), NOT_MINE
			 * before (too little to tell). */
			size_t fixed = notify ? 16 : search ? 18 : 7;
			if (!off && !claimed)
				ck_assert_int_eq(vd, len >= fixed ? NL_MALFORMED : NL_NOT_MINE);
			if (claimed) {
				assert_str(&ff, "ssdp.method", v->method);
				ck_assert_uint_eq(list_len(&ff, "ssdp.search_target"), len >= st_end ? 1 : 0);
				if (len >= st_end)
					ck_assert_str_eq(fh_list(&ff, "ssdp.search_target", 0), v->st);
				assert_str(&ff, "ssdp.notification_subtype", nts_end && len >= nts_end ? v->nts : NULL);
				assert_str(&ff, "ssdp.usn", usn_end && len >= usn_end ? v->usn : NULL);
				assert_str(&ff, "ssdp.location", loc_end && len >= loc_end ? v->location : NULL);
				assert_str(&ff, "ssdp.server", srv_end && len >= srv_end ? v->server : NULL);
				assert_str(&ff, "ssdp.user_agent", ua_end && len >= ua_end ? v->ua : NULL);
			}
			fh_close(&ff);
			free(b);
		}
	}
	free(full);
}
END_TEST

/* ---- not mine ---- */

START_TEST(test_not_mine_other_protocols)
{
	/* A DNS query, a QUIC Initial's first bytes, HTTP over UDP, RTSP, SIP,
	 * all on port 1900 and off it; and SSDP over TCP. */
	static const uint8_t dns[] = { 0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0,
				       3, 'f', 'o', 'o', 0, 0, 1, 0, 1 };
	static const uint8_t quic[] = { 0xc3, 0x00, 0x00, 0x00, 0x01, 0x08, 1, 2, 3, 4, 5, 6, 7, 8 };
	static const char *const text[] = {
		"GET /desc.xml HTTP/1.1\r\nHost: x\r\n\r\n",
		"OPTIONS rtsp://x/ RTSP/1.0\r\nCSeq: 1\r\n\r\n",
		"NOTIFY sip:bob@x SIP/2.0\r\nEvent: dialog\r\n\r\n",
		"HTTP/1.1 200 OK\r\nServer: x\r\n\r\n",
		"MESSAGE sip:x SIP/2.0\r\n\r\n",
	};
	for (int port = 0; port < 2; port++) {
		uint16_t dp = port ? SSDP : 40000;
		struct fh_flow ff;
		fh_open(&ff, D());
		ck_assert_int_eq(dgram(&ff, 1, 50000, dp, dns, sizeof(dns)), NL_NOT_MINE);
		fh_close(&ff);
		fh_open(&ff, D());
		ck_assert_int_eq(dgram(&ff, 1, 50000, dp, quic, sizeof(quic)), NL_NOT_MINE);
		fh_close(&ff);
		for (size_t i = 0; i < sizeof(text) / sizeof(text[0]); i++) {
			fh_open(&ff, D());
			/* HTTP/1.1 200 without ST/USN is claimed on 1900 only. */
			enum nl_verdict want = (port && i == 3) ? NL_NEED_MORE : NL_NOT_MINE;
			ck_assert_msg(dgram_s(&ff, 50000, dp, text[i]) == want, "text %zu port %d", i, port);
			if (want == NL_NOT_MINE)
				ck_assert(fh_no_fields(&ff));
			fh_close(&ff);
		}
	}
	size_t n;
	uint8_t *b = load("miniupnpc_msearch_igd", &n);
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(fh_feed(&ff, NL_TCP, 1, 50000, SSDP, b, n, 0), NL_NOT_MINE);
	ck_assert(fh_no_fields(&ff));
	fh_close(&ff);
	free(b);
}
END_TEST

START_TEST(test_not_mine_random)
{
	uint32_t x = 0x55d9u;
	uint8_t b[512];
	for (int iter = 0; iter < 20000; iter++) {
		size_t n = mutate_rnd(&x) % sizeof(b);
		for (size_t i = 0; i < n; i++)
			b[i] = (uint8_t)mutate_rnd(&x);
		struct fh_flow ff;
		fh_open(&ff, D());
		ck_assert_int_eq(dgram(&ff, 1, 50000, 40000, b, n), NL_NOT_MINE);
		ck_assert(fh_no_fields(&ff));
		fh_close(&ff);
	}
}
END_TEST

/* Datagrams of growing length from mutated real messages (mutate.h):
 * the searcher's M-SEARCH as client, the device's answer as server. */
static int mut_port;

static enum nl_verdict mut_feed(struct fh_flow *ff, int from_client, const void *b, size_t n)
{
	uint16_t far = mut_port ? SSDP : OFF_PORT;
	return dgram(ff, from_client, from_client ? CP_PORT : far, from_client ? far : CP_PORT, b, n);
}

START_TEST(test_mutations)
{
	size_t len[2];
	uint8_t *s[2];
	s[1] = load("miniupnpc_msearch_rootdevice", &len[1]);
	s[0] = load("minidlna_response", &len[0]);
	uint32_t x = 0x1900u;
	for (mut_port = 0; mut_port < 2; mut_port++)
		mutate_run(D(), s, len, mut_feed, fh_no_fields, 3000, &x);
	free(s[1]);
	s[1] = load("minidlna_notify_alive", &len[1]);
	for (mut_port = 0; mut_port < 2; mut_port++)
		mutate_run(D(), s, len, mut_feed, fh_no_fields, 3000, &x);
	free(s[0]);
	free(s[1]);
}
END_TEST

static Suite *ssdp_suite(void)
{
	Suite *s = suite_create("ssdp");
	TCase *tc = tcase_create("valid");
	tcase_add_test(tc, test_descriptor);
	tcase_add_loop_test(tc, test_vector, 0, N_VECS);
	tcase_add_test(tc, test_notify_flow);
	tcase_add_test(tc, test_search_flow);
	tcase_add_test(tc, test_crafted_user_agent);
	tcase_add_test(tc, test_crafted_case_and_blanks);
	tcase_add_test(tc, test_on_port_lenient);
	tcase_add_test(tc, test_line_cap);
	tcase_add_test(tc, test_long_lines);
	tcase_add_test(tc, test_many_types);
	suite_add_tcase(s, tc);

	tc = tcase_create("truncation");
	tcase_add_loop_test(tc, test_every_truncation, 0, N_VECS);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_test(tc, test_on_port_broken);
	tcase_add_test(tc, test_proven_then_broken);
	suite_add_tcase(s, tc);

	tc = tcase_create("not_mine");
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_off_port_not_mine, 0,
			    (int)(sizeof(off_port_not_mine) / sizeof(off_port_not_mine[0])));
	tcase_add_test(tc, test_not_mine_other_protocols);
	tcase_add_test(tc, test_not_mine_random);
	tcase_add_test(tc, test_mutations);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ssdp_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
