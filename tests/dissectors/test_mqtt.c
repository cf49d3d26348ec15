/*
 * test_mqtt.c - unit tests of dissectors/mqtt.c against the fake host.
 *
 * Real vectors: tests/dissectors/vectors/mqtt/NAME.{c2s,s2c}.bin, the two
 * directions of MQTT connections, and NAME.segs, their segments in capture
 * order (README there): mosquitto 2.0.11's broker and clients (MQTT 3.1,
 * 3.1.1, 5.0; QoS 0-2; a will, a user, refused logins, subscriptions)
 * captured by tests/integration/dpi-mqtt.test, and an MQTT 3.1 device of
 * nDPI's mqtt.pcap. The expected values are tshark 4.0's decoding of the
 * same captures (dpi-mqtt.test compares them flow by flow).
 * The vector folder is $NL_VECTOR_DIR/mqtt, or found next to this file.
 *
 * Build: gcc -std=gnu11 -g -O1 -Wall -Wextra -Werror -I plugins -I tests/dissectors \
 *          -o test_mqtt tests/dissectors/test_mqtt.c dissectors/mqtt.c $(pkg-config --cflags --libs check)
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

#define PORT_C 50883
#define PORT_S 1883
#define PORT_OFF 18830

/* ---- helpers ---- */

static const struct nl_dissector *D(void) { return netlens_dissector_entry(); }


static uint8_t *load(const char *name, const char *ext, size_t *len)
{
	char file[256];
	ck_assert_int_lt(snprintf(file, sizeof(file), "%s.%s", name, ext), (int)sizeof(file));
	return fh_load_vector("mqtt", file, 65536, len);
}

/* A vector: both streams and its segments in capture order. */
struct vec {
	uint8_t *s[2];		/* [1]: the client's */
	size_t len[2];
	int nseg;
	int seg_dir[64];
	size_t seg_len[64];
};

static void vec_load(struct vec *v, const char *name)
{
	v->s[1] = load(name, "c2s.bin", &v->len[1]);
	v->s[0] = load(name, "s2c.bin", &v->len[0]);
	size_t n;
	uint8_t *t = load(name, "segs", &n);
	char *text = strndup((const char *)t, n);
	free(t);
	v->nseg = 0;
	for (char *line = strtok(text, "\n"); line && v->nseg < 64; line = strtok(NULL, "\n")) {
		char d;
		size_t l;
		ck_assert_int_eq(sscanf(line, "%c %zu", &d, &l), 2);
		v->seg_dir[v->nseg] = d == 'c';
		v->seg_len[v->nseg++] = l;
	}
	free(text);
}

static void vec_free(struct vec *v)
{
	free(v->s[0]);
	free(v->s[1]);
}

/* Replays a vector in capture order through the ABI 1.1 host, each captured
 * segment in pieces of at most piece bytes; stops at a verdict other than
 * NL_NEED_MORE and returns it. */
static enum nl_verdict replay(struct fh_flow *ff, const struct vec *v, uint16_t sport, size_t piece)
{
	size_t at[2] = { 0, 0 };
	enum nl_verdict r = NL_NEED_MORE;
	for (int i = 0; i < v->nseg; i++) {
		int d = v->seg_dir[i];
		size_t left = v->seg_len[i];
		while (left) {
			size_t n = left < piece ? left : piece;
			r = fh_stream_feed(ff, d, d ? PORT_C : sport, d ? sport : PORT_C, v->s[d] + at[d], n);
			ck_assert_int_eq(ff->f.errors, 0);
			at[d] += n;
			left -= n;
			if (r != NL_NEED_MORE)
				return r;
		}
	}
	return r;
}

/* The same through the ABI 1.0 host: the whole stream so far each time. */
static enum nl_verdict replay10(struct fh_flow *ff, const struct vec *v, uint16_t sport)
{
	size_t at[2] = { 0, 0 };
	enum nl_verdict r = NL_NEED_MORE;
	for (int i = 0; i < v->nseg && r == NL_NEED_MORE; i++) {
		int d = v->seg_dir[i];
		at[d] += v->seg_len[i];
		r = fh_feed(ff, NL_TCP, d, d ? PORT_C : sport, d ? sport : PORT_C, v->s[d], at[d], 0);
		ck_assert_int_eq(ff->f.errors, 0);
	}
	return r;
}

static void assert_list(const struct fh_flow *ff, const char *key, const char *const *want)
{
	size_t i = 0;
	for (; want[i]; i++) {
		const char *got = fh_list(ff, key, i);
		ck_assert_msg(got && !strcmp(got, want[i]), "%s[%zu]: want %s, got %s", key, i, want[i],
			      got ? got : "(none)");
	}
	ck_assert_msg(fh_list(ff, key, i) == NULL, "%s: more than %zu values", key, i);
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

/* What a vector must give (tshark's decoding of the same bytes). */
struct want {
	const char *name;
	uint16_t port;
	enum nl_verdict verdict;	/* at the end of the replay */
	const char *client_id, *version, *user, *will;
	int connack;			/* -1: none */
	int session_present;		/* -1: not set (3.1) */
	unsigned keep_alive, flags;
	int max_qos;			/* -1: not set */
	int disconnect_reason;		/* -1: not set (3.x) */
	const char *state;
	const char *types[16];
	const char *topics[17];
};

#define ACC_PUB "CONNECT", "CONNACK", "PUBLISH"
static const struct want wants[] = {
	{ "mosq_sub311", PORT_S, NL_NEED_MORE, "nl-sub311", "3.1.1", NULL, NULL, 0, 0, 60, 2, 2, -1,
	  "MQTT_DISCONNECT",
	  { "CONNECT", "CONNACK", "SUBSCRIBE", "SUBACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL",
	    "PUBCOMP", "DISCONNECT", NULL },
	  { "nl/test/#", "nl/test/a", "nl/test/b", "nl/test/c", "nl/test/v6", NULL } },
	{ "mosq_pub31", PORT_S, NL_NEED_MORE, "nl-pub31", "3.1", NULL, NULL, 0, -1, 60, 2, 0, -1,
	  "MQTT_DISCONNECT", { ACC_PUB, "DISCONNECT", NULL }, { "nl/test/a", NULL } },
	{ "mosq_pub311", PORT_S, NL_NEED_MORE, "nl-pub311", "3.1.1", NULL, NULL, 0, 0, 60, 2, 1, -1,
	  "MQTT_DISCONNECT", { ACC_PUB, "PUBACK", "DISCONNECT", NULL }, { "nl/test/b", NULL } },
	{ "mosq_pub5", PORT_S, NL_NEED_MORE, "nl-pub5", "5.0", "nluser", "nl/will/pub5", 0, 0, 30, 0xc6, 2,
	  0, "MQTT_DISCONNECT",
	  { ACC_PUB, "PUBREC", "PUBREL", "PUBCOMP", "DISCONNECT", NULL }, { "nl/test/c", NULL } },
	{ "mosq_bad311", PORT_S, NL_DONE, "nl-bad311", "3.1.1", "nluser", NULL, 5, 0, 60, 0xc2, -1, -1,
	  "MQTT_CONNACK", { "CONNECT", "CONNACK", NULL }, { NULL } },
	{ "mosq_bad5", PORT_S, NL_DONE, "nl-bad5", "5.0", "nluser", NULL, 0x87, 0, 60, 0xc2, -1, -1,
	  "MQTT_CONNACK", { "CONNECT", "CONNACK", NULL }, { NULL } },
	{ "mosq_off5", PORT_OFF, NL_NEED_MORE, "nl-off5", "5.0", NULL, NULL, 0, 0, 60, 2, 2, 0,
	  "MQTT_DISCONNECT",
	  { ACC_PUB, "PUBREC", "PUBREL", "PUBCOMP", "DISCONNECT", NULL }, { "nl/off/b", NULL } },
	{ "mosq_sub5", PORT_S, NL_NEED_MORE, "nl-sub5", "5.0", NULL, NULL, 0, 0, 60, 2, 1, 0,
	  "MQTT_DISCONNECT",
	  { "CONNECT", "CONNACK", "SUBSCRIBE", "SUBACK", "PUBLISH", "PUBACK", "DISCONNECT", NULL },
	  { "nl/test/b", "nl/+/c", NULL } },
	{ "ndpi_mqtt31", PORT_S, NL_NEED_MORE, "cbaabcbabacbbbbbaaaaab", "3.1", "02D5050223D3", NULL, 0, -1,
	  20, 0xc2, 0, -1, "MQTT_DISCONNECT",
	  { "CONNECT", "SUBSCRIBE", "CONNACK", "SUBACK", "PUBLISH", "DISCONNECT", NULL },
	  { "astr/s720/02D5050223D3/99", "astr/admin/otaupd8", NULL } },
};

static void check_want(const struct fh_flow *ff, const struct want *w)
{
	ck_assert_str_eq(fh_str(ff, "mqtt.client_id"), w->client_id);
	ck_assert_str_eq(fh_str(ff, "mqtt.version"), w->version);
	if (w->user)
		ck_assert_str_eq(fh_str(ff, "mqtt.user"), w->user);
	else
		ck_assert(!fh_is_set(ff, "mqtt.user"));
	if (w->will)
		ck_assert_str_eq(fh_str(ff, "mqtt.will_topic"), w->will);
	else
		ck_assert(!fh_is_set(ff, "mqtt.will_topic"));
	ck_assert_uint_eq(u64(ff, "mqtt.connack_code"), (unsigned)w->connack);
	if (w->session_present >= 0)
		ck_assert_uint_eq(u64(ff, "mqtt.session_present"), (unsigned)w->session_present);
	else
		ck_assert(!fh_is_set(ff, "mqtt.session_present"));
	ck_assert_uint_eq(u64(ff, "mqtt.keep_alive"), w->keep_alive);
	ck_assert_uint_eq(u64(ff, "mqtt.connect_flags"), w->flags);
	ck_assert_uint_eq(u64(ff, "mqtt.clean_session"), (w->flags >> 1) & 1);
	if (w->max_qos >= 0)
		ck_assert_uint_eq(u64(ff, "mqtt.max_qos"), (unsigned)w->max_qos);
	else
		ck_assert(!fh_is_set(ff, "mqtt.max_qos"));
	if (w->disconnect_reason >= 0)
		ck_assert_uint_eq(u64(ff, "mqtt.disconnect_reason"), (unsigned)w->disconnect_reason);
	else
		ck_assert(!fh_is_set(ff, "mqtt.disconnect_reason"));
	ck_assert_str_eq(ff->f.state, w->state);
	assert_list(ff, "mqtt.packet_types", w->types);
	assert_list(ff, "mqtt.topics", w->topics);
	/* The passwords of the vectors are never read. */
	ck_assert(!any_field_has(ff, "nl-secret-pw"));
	ck_assert(!any_field_has(ff, "wrong-pw"));
}

/* ---- tests ---- */

START_TEST(test_descriptor)
{
	const struct nl_dissector *d = D();
	ck_assert_str_eq(d->name, "mqtt");
	ck_assert_str_eq(d->display, "MQTT");
	ck_assert_str_eq(d->version, "1.0.0");
	ck_assert_str_eq(d->license, "MIT");
	ck_assert_uint_eq(d->abi_major, NL_ABI_MAJOR);
	ck_assert_uint_eq(d->flags, NL_DESC_STREAM | NL_DESC_GAPS);
	ck_assert_uint_eq(d->transports, NL_TCP);
	ck_assert_uint_eq(d->packet_budget, 400);
	ck_assert_uint_eq(d->idle_timeout_s, 0);
	ck_assert_uint_eq(d->n_port_hints, 1);
	ck_assert_uint_eq(d->port_hints[0], 1883);
	ck_assert_uint_eq(d->n_fields, 13);
	ck_assert_int_eq(d->domain_field, -1);
	ck_assert(d->state_size > 0 && d->state_size <= 32);
	for (uint16_t i = 0; i < d->n_fields; i++) {
		ck_assert_uint_eq(d->fields[i].id, i);
		ck_assert(!strncmp(d->fields[i].key, "mqtt.", 5));
	}
	/* The example plugin's three fields keep their names and types. */
	ck_assert_str_eq(d->fields[0].key, "mqtt.client_id");
	ck_assert_uint_eq(d->fields[0].type, NL_FIELD_STR);
	ck_assert_str_eq(d->fields[1].key, "mqtt.version");
	ck_assert_uint_eq(d->fields[1].type, NL_FIELD_STR);
	ck_assert_str_eq(d->fields[2].key, "mqtt.connack_code");
	ck_assert_uint_eq(d->fields[2].type, NL_FIELD_U64);
}
END_TEST

/* Every vector in capture order, in pieces of 1 byte to whole segments,
 * through the 1.1 host; and whole segments through the 1.0 host. */
START_TEST(test_captures)
{
	static const size_t pieces[] = { 1, 2, 3, 7, 64, 65536 };
	for (size_t k = 0; k < sizeof(wants) / sizeof(wants[0]); k++) {
		const struct want *w = &wants[k];
		struct vec v;
		vec_load(&v, w->name);
		for (size_t i = 0; i < sizeof(pieces) / sizeof(pieces[0]); i++) {
			struct fh_flow ff;
			fh_open(&ff, D());
			ck_assert_int_eq(replay(&ff, &v, w->port, pieces[i]), w->verdict);
			check_want(&ff, w);
			/* a packet read is consumed: nothing held past it */
			ck_assert_uint_eq(ff.dir[1].len, 0);
			ck_assert_uint_le(ff.dir[0].held_max, 392);
			fh_close(&ff);
		}
		struct fh_flow ff;
		fh_open(&ff, D());
		ck_assert_int_eq(replay10(&ff, &v, w->port), w->verdict);
		check_want(&ff, w);
		fh_close(&ff);
		vec_free(&v);
	}
}
END_TEST

/* The distinct types of the whole packets in b[0..n), in order, appended to
 * list (*k entries so far); the test's own framing. The last PUBLISH may be
 * cut in its payload. */
static void frame_types(const uint8_t *b, size_t n, const char **list, size_t *k)
{
	static const char *const names[16] = { "", "CONNECT", "CONNACK", "PUBLISH", "PUBACK",
		"PUBREC", "PUBREL", "PUBCOMP", "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK",
		"PINGREQ", "PINGRESP", "DISCONNECT", "AUTH" };
	size_t at = 0;
	while (at < n) {
		size_t len = 0, h = 1;
		int shift = 0;
		for (;;) {
			if (at + h >= n)
				return;
			uint8_t c = b[at + h++];
			len |= (size_t)(c & 0x7f) << shift;
			shift += 7;
			if (!(c & 0x80))
				break;
		}
		/* a PUBLISH counts once its topic (and packet id) is in */
		size_t need = len;
		if (b[at] >> 4 == 3 && at + h + 2 <= n)
			need = (size_t)b[at + h] << 8 | b[at + h + 1];
		if (b[at] >> 4 == 3 && at + h + 2 <= n)
			need += 2 + ((b[at] & 6) ? 2 : 0);
		if (at + h + (need < len ? need : len) > n)
			return;
		const char *t = names[b[at] >> 4];
		size_t j = 0;
		while (j < *k && strcmp(list[j], t))
			j++;
		if (j == *k)
			list[(*k)++] = t;
		at += h + len;
	}
}

/* The client's stream cut at every length (nothing from the server): only
 * its whole packets count; a cut CONNECT sets nothing. Then the whole
 * client stream and the server's cut at every length: a cut CONNACK sets
 * no connack_code. */
START_TEST(test_truncations)
{
	for (size_t k = 0; k < sizeof(wants) / sizeof(wants[0]); k++) {
		const struct want *w = &wants[k];
		struct vec v;
		vec_load(&v, w->name);
		size_t connect_len = (size_t)v.s[1][1] + 2;	/* all CONNECTs here are < 128 */
		for (size_t cut = 0; cut < v.len[1]; cut++) {
			struct fh_flow ff;
			fh_open(&ff, D());
			enum nl_verdict r = fh_stream_feed(&ff, 1, PORT_C, w->port, v.s[1], cut);
			ck_assert_int_eq(r, NL_NEED_MORE);
			if (cut < connect_len) {
				ck_assert(fh_no_fields(&ff));
			} else {
				const char *types[17];
				size_t nt = 0;
				frame_types(v.s[1], cut, types, &nt);
				types[nt] = NULL;
				assert_list(&ff, "mqtt.packet_types", types);
				ck_assert_str_eq(fh_str(&ff, "mqtt.client_id"), w->client_id);
				ck_assert(!fh_is_set(&ff, "mqtt.connack_code"));
			}
			fh_close(&ff);
		}
		for (size_t cut = 0; cut <= v.len[0]; cut++) {
			struct fh_flow ff;
			fh_open(&ff, D());
			ck_assert_int_eq(fh_stream_feed(&ff, 1, PORT_C, w->port, v.s[1], v.len[1]), NL_NEED_MORE);
			enum nl_verdict r = fh_stream_feed(&ff, 0, w->port, PORT_C, v.s[0], cut);
			const char *types[17];
			size_t nt = 0;
			frame_types(v.s[1], v.len[1], types, &nt);
			frame_types(v.s[0], cut, types, &nt);
			types[nt] = NULL;
			assert_list(&ff, "mqtt.packet_types", types);
			if (cut < 4) {	/* CONNACK: 4 bytes in 3.x, 5 or more in 5.0 */
				ck_assert(!fh_is_set(&ff, "mqtt.connack_code"));
				ck_assert_int_eq(r, NL_NEED_MORE);
			} else if (cut == v.len[0]) {
				ck_assert_uint_eq(u64(&ff, "mqtt.connack_code"), (unsigned)w->connack);
				ck_assert_int_eq(r, w->verdict);
			}
			fh_close(&ff);
		}
		vec_free(&v);
	}
}
END_TEST

/* Bytes of a CONNECT: MQTT 3.1.1, client id "abc", no user, keep alive 60. */
static const uint8_t connect311[] = { 0x10, 0x0f, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x04, 0x02, 0x00, 0x3c,
				      0x00, 0x03, 'a', 'b', 'c' };

static enum nl_verdict feed_c(struct fh_flow *ff, uint16_t port, const void *b, size_t n)
{
	return fh_stream_feed(ff, 1, PORT_C, port, b, n);
}

static enum nl_verdict feed_s(struct fh_flow *ff, uint16_t port, const void *b, size_t n)
{
	return fh_stream_feed(ff, 0, port, PORT_C, b, n);
}

/* Off port 1883 only a strict CONNECT is claimed; 8883 (TLS) never. */
START_TEST(test_claiming)
{
	struct fh_flow ff;
	uint8_t b[sizeof(connect311)];

	/* the same CONNECT on 1883, 18830 and 8883 */
	fh_open(&ff, D());
	ck_assert_int_eq(feed_c(&ff, PORT_S, connect311, sizeof(connect311)), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "mqtt.client_id"), "abc");
	ck_assert_str_eq(ff.f.state, "MQTT_CONNECT");
	fh_close(&ff);
	fh_open(&ff, D());
	ck_assert_int_eq(feed_c(&ff, PORT_OFF, connect311, sizeof(connect311)), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "mqtt.version"), "3.1.1");
	fh_close(&ff);
	fh_open(&ff, D());
	ck_assert_int_eq(feed_c(&ff, 8883, connect311, sizeof(connect311)), NL_NOT_MINE);
	ck_assert(fh_no_fields(&ff));
	fh_close(&ff);

	/* "MQTT" with level 3: on 1883 taken (as 3.1), off port not */
	memcpy(b, connect311, sizeof(b));
	b[8] = 3;
	fh_open(&ff, D());
	ck_assert_int_eq(feed_c(&ff, PORT_S, b, sizeof(b)), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "mqtt.version"), "3.1");
	fh_close(&ff);
	fh_open(&ff, D());
	ck_assert_int_eq(feed_c(&ff, PORT_OFF, b, sizeof(b)), NL_NOT_MINE);
	ck_assert(fh_no_fields(&ff));
	fh_close(&ff);
	/* a mosquitto bridge's level 0x84 */
	b[8] = 0x84;
	fh_open(&ff, D());
	ck_assert_int_eq(feed_c(&ff, PORT_OFF, b, sizeof(b)), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "mqtt.version"), "3.1.1");
	fh_close(&ff);

	/* each of these breaks the signature: not claimed anywhere */
	struct { size_t at; uint8_t val; } bad[] = {
		{ 0, 0x11 },	/* CONNECT flags not 0 */
		{ 0, 0x20 },	/* not CONNECT */
		{ 1, 0x0e },	/* remaining length one short */
		{ 1, 0x10 },	/* one long (waits: then not a whole CONNECT) */
		{ 3, 0x05 },	/* protocol name length */
		{ 7, 'X' },	/* protocol name */
		{ 8, 0x02 },	/* level */
		{ 8, 0x06 },
		{ 9, 0x03 },	/* reserved flag bit 0 */
		{ 9, 0x1a },	/* will QoS 3 */
		{ 9, 0x22 },	/* will retain without a will */
		{ 9, 0x82 },	/* user name flag, no user name */
		{ 13, 0x04 },	/* client id longer than the packet */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		for (int p = 0; p < 2; p++) {
			memcpy(b, connect311, sizeof(b));
			b[bad[i].at] = bad[i].val;
			fh_open(&ff, D());
			enum nl_verdict r = feed_c(&ff, p ? PORT_S : PORT_OFF, b, sizeof(b));
			if (r == NL_NEED_MORE)	/* waiting for a longer packet */
				r = feed_c(&ff, p ? PORT_S : PORT_OFF, "\x00\x00\x00", 3);
			ck_assert_msg(r == NL_NOT_MINE, "bad[%zu] port %d: %d", i, p, r);
			ck_assert(fh_no_fields(&ff));
			fh_close(&ff);
		}
	}

	/* the server speaking first (a CONNACK-looking banner) */
	fh_open(&ff, D());
	ck_assert_int_eq(feed_s(&ff, PORT_S, "\x20\x02\x00\x00", 4), NL_NOT_MINE);
	ck_assert(fh_no_fields(&ff));
	fh_close(&ff);

	/* other protocols' first bytes are refused at once */
	static const char *const others[] = { "GET / HTTP/1.1\r\n", "SSH-2.0-OpenSSH_9.6\r\n",
					      "\x16\x03\x01\x02\x00\x01" };
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++) {
		fh_open(&ff, D());
		ck_assert_int_eq(feed_c(&ff, PORT_OFF, others[i], strlen(others[i])), NL_NOT_MINE);
		fh_close(&ff);
	}
	/* 0x10 alone, or 0x10 and a short length, waits a little ... */
	fh_open(&ff, D());
	ck_assert_int_eq(feed_c(&ff, PORT_OFF, "\x10", 1), NL_NEED_MORE);
	ck_assert_int_eq(feed_c(&ff, PORT_OFF, "\x05", 1), NL_NOT_MINE);	/* too short a CONNECT */
	fh_close(&ff);
	/* ... and a long one is refused as soon as its name is not MQTT's */
	fh_open(&ff, D());
	ck_assert_int_eq(feed_c(&ff, PORT_OFF, "\x10\xff\x7f\x00\x04MQ", 7), NL_NEED_MORE);
	ck_assert_int_eq(feed_c(&ff, PORT_OFF, "TX", 2), NL_NOT_MINE);
	fh_close(&ff);
	fh_open(&ff, D());
	ck_assert_int_eq(feed_c(&ff, PORT_OFF, "\x10\xff\x7f\x00\x07", 5), NL_NOT_MINE);
	fh_close(&ff);
	/* a five-byte remaining length */
	fh_open(&ff, D());
	ck_assert_int_eq(feed_c(&ff, PORT_S, "\x10\xff\xff\xff\xff\x01", 6), NL_NOT_MINE);
	fh_close(&ff);

	/* UDP is not read */
	fh_open(&ff, D());
	ck_assert_int_eq(fh_feed(&ff, NL_UDP, 1, PORT_C, PORT_S, connect311, sizeof(connect311), 0),
			 NL_NOT_MINE);
	ck_assert(fh_no_fields(&ff));
	fh_close(&ff);
}
END_TEST

/* After the CONNECT a broken packet ends the flow as MALFORMED, the fields
 * so far kept. */
START_TEST(test_malformed)
{
	static const struct { const char *b; size_t n; int client; } bad[] = {
		{ "\x36\x05\x00\x01t\x00\x01", 7, 1 },	/* PUBLISH QoS 3 */
		{ "\x00\x00", 2, 1 },			/* type 0 */
		{ "\xc0\x01\x00", 3, 1 },		/* PINGREQ with a body */
		{ "\x80\x04\x00\x01\x00\x00", 6, 1 },	/* SUBSCRIBE flags 0 */
		{ "\x82\x06\x00\x01\x00\x01t\x03", 8, 1 },	/* SUBSCRIBE QoS 3 */
		{ "\x10\x0f\x00\x04MQTT\x04\x02\x00\x3c\x00\x03" "abc", 17, 1 },	/* a second CONNECT */
		{ "\x20\x02\x02\x00", 4, 0 },		/* CONNACK reserved flag bits */
		{ "\xf0\x00", 2, 0 },			/* AUTH in 3.1.1 */
		{ "\xe0\x01\x00", 3, 1 },		/* 3.1.1 DISCONNECT with a body */
		{ "\x30\xff\xff\xff\xff\x01", 6, 0 },	/* five-byte length */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct fh_flow ff;
		fh_open(&ff, D());
		ck_assert_int_eq(feed_c(&ff, PORT_S, connect311, sizeof(connect311)), NL_NEED_MORE);
		enum nl_verdict r = bad[i].client ? feed_c(&ff, PORT_S, bad[i].b, bad[i].n)
						  : feed_s(&ff, PORT_S, bad[i].b, bad[i].n);
		ck_assert_msg(r == NL_MALFORMED, "bad[%zu]: %d", i, r);
		ck_assert_str_eq(fh_str(&ff, "mqtt.client_id"), "abc");
		ck_assert_str_eq(ff.f.state, "MQTT_CONNECT");
		fh_close(&ff);
	}
}
END_TEST

/* 32 packets a side are read; then the side is done with, and both done
 * ends the flow. */
START_TEST(test_packet_cap)
{
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed_c(&ff, PORT_S, connect311, sizeof(connect311)), NL_NEED_MORE);
	ck_assert_int_eq(feed_s(&ff, PORT_S, "\x20\x02\x01\x00", 4), NL_NEED_MORE);
	ck_assert_uint_eq(u64(&ff, "mqtt.session_present"), 1);
	/* 30 PINGREQ make 31 client packets, then a PUBLISH the 32nd */
	for (int i = 0; i < 30; i++)
		ck_assert_int_eq(feed_c(&ff, PORT_S, "\xc0\x00", 2), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "MQTT_PINGREQ");
	ck_assert_int_eq(feed_c(&ff, PORT_S, "\x32\x05\x00\x01t\x00\x07", 7), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "MQTT_PUBLISH");
	/* the 33rd is not read (this one would be malformed) */
	ck_assert_int_eq(feed_c(&ff, PORT_S, "\x00\x00\x32\x05\x00\x01u\x00\x07", 9), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "MQTT_PUBLISH");
	ck_assert_uint_eq(ff.dir[1].len, 0);	/* all of a done side consumed */
	static const char *const topics[] = { "t", NULL };
	assert_list(&ff, "mqtt.topics", topics);
	ck_assert_uint_eq(u64(&ff, "mqtt.max_qos"), 1);
	for (int i = 0; i < 30; i++)
		ck_assert_int_eq(feed_s(&ff, PORT_S, "\xd0\x00", 2), NL_NEED_MORE);
	ck_assert_int_eq(feed_s(&ff, PORT_S, "\xd0\x00", 2), NL_DONE);
	ck_assert_str_eq(ff.f.state, "MQTT_PINGRESP");
	static const char *const types[] = { "CONNECT", "CONNACK", "PINGREQ", "PUBLISH", "PINGRESP", NULL };
	assert_list(&ff, "mqtt.packet_types", types);
	fh_close(&ff);
}
END_TEST

/* The client's stream of mosquitto_pub -f (200 000 bytes) from vector
 * mosq_big: its real CONNECT and PUBLISH head, the payload grown back,
 * then a DISCONNECT. Sets *total; the caller frees it. */
static uint8_t *big_publish_stream(const struct vec *v, size_t *total)
{
	/* CONNECT (20 bytes), then the PUBLISH: 0x32, a 3-byte length, topic
	 * "nl/big" (8 bytes), packet id (2), payload. */
	ck_assert_uint_eq(v->s[1][20], 0x32);
	size_t len = (size_t)(v->s[1][21] & 0x7f) | (size_t)(v->s[1][22] & 0x7f) << 7 |
		     (size_t)v->s[1][23] << 14;
	ck_assert_uint_eq(len, 200000 + 10);
	*total = 20 + 4 + len + 2;
	uint8_t *c = malloc(*total);
	ck_assert_ptr_nonnull(c);
	memcpy(c, v->s[1], 1000);
	memset(c + 1000, 'x', *total - 1000);
	c[*total - 2] = 0xe0;	/* DISCONNECT */
	c[*total - 1] = 0x00;
	return c;
}

/* A PUBLISH larger than the host keeps is consumed as it comes and the
 * rest of it skipped: the packets after it are read, nothing is held. In
 * 1448-byte segments. */
START_TEST(test_big_publish)
{
	struct vec v;
	vec_load(&v, "mosq_big");
	size_t total;
	uint8_t *c = big_publish_stream(&v, &total);
	for (int abi = 0; abi < 2; abi++) {
		struct fh_flow ff;
		fh_open(&ff, D());
		enum nl_verdict r = NL_NEED_MORE;
		size_t at = 0, segs = 0;
		while (at < total && r == NL_NEED_MORE) {
			size_t n = total - at < 1448 ? total - at : 1448;
			if (at == 0)
				n = 20;		/* the CONNECT alone, then the CONNACK */
			if (abi)
				r = feed_c(&ff, PORT_S, c + at, n);
			else	/* a 1.0 host keeps 16 KiB of a side: then the side stops */
				r = fh_feed(&ff, NL_TCP, 1, PORT_C, PORT_S, c,
					    at + n < NL_MAX_STREAM ? at + n : NL_MAX_STREAM, 0);
			at += n;
			if (segs++ == 0) {
				if (abi)
					ck_assert_int_eq(feed_s(&ff, PORT_S, v.s[0], 4), NL_NEED_MORE);
				else
					ck_assert_int_eq(fh_feed(&ff, NL_TCP, 0, PORT_S, PORT_C, v.s[0], 4, 0),
							 NL_NEED_MORE);
			}
		}
		ck_assert_int_eq(r, NL_NEED_MORE);
		ck_assert_str_eq(fh_str(&ff, "mqtt.client_id"), "nl-big");
		static const char *const topics[] = { "nl/big", NULL };
		assert_list(&ff, "mqtt.topics", topics);
		ck_assert_uint_eq(u64(&ff, "mqtt.max_qos"), 1);
		if (abi) {
			static const char *const types[] = { "CONNECT", "CONNACK", "PUBLISH", "DISCONNECT", NULL };
			assert_list(&ff, "mqtt.packet_types", types);
			ck_assert_str_eq(ff.f.state, "MQTT_DISCONNECT");
			ck_assert_uint_le(ff.dir[1].held_max, 1448);
			/* deliveries: far under the budget */
			ck_assert_uint_lt(segs, D()->packet_budget);
		} else {
			static const char *const types[] = { "CONNECT", "CONNACK", "PUBLISH", NULL };
			assert_list(&ff, "mqtt.packet_types", types);
		}
		fh_close(&ff);
	}
	free(c);
	vec_free(&v);
}
END_TEST

/* Holes the host gave up (ABI 1.5, NL_DESC_GAPS): inside the payload of
 * the big PUBLISH one costs nothing, the DISCONNECT after it is read; one
 * that takes a packet's head stops that side (no guessing where the next
 * begins), never a malformed verdict; one before the CONNECT was read
 * gives the flow up. */
START_TEST(test_gaps)
{
	struct vec v;
	vec_load(&v, "mosq_big");
	size_t total;
	uint8_t *c = big_publish_stream(&v, &total);

	/* segments 10 and 11 of the payload never seen, nor 40 to 59 */
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed_c(&ff, PORT_S, c, 20), NL_NEED_MORE);
	ck_assert_int_eq(feed_s(&ff, PORT_S, v.s[0], 4), NL_NEED_MORE);
	size_t at = 20, seg = 0;
	enum nl_verdict r = NL_NEED_MORE;
	while (at < total && r == NL_NEED_MORE) {
		size_t n = total - at < 1448 ? total - at : 1448;
		if (seg == 10 || seg == 11 || (seg >= 40 && seg < 60))
			fh_stream_gap(&ff, 1, (uint32_t)n);
		else
			r = feed_c(&ff, PORT_S, c + at, n);
		at += n;
		seg++;
	}
	ck_assert_int_eq(r, NL_NEED_MORE);
	static const char *const types[] = { "CONNECT", "CONNACK", "PUBLISH", "DISCONNECT", NULL };
	assert_list(&ff, "mqtt.packet_types", types);
	ck_assert_str_eq(ff.f.state, "MQTT_DISCONNECT");
	fh_close(&ff);

	/* the hole takes the DISCONNECT's first byte: the client's side stops */
	fh_open(&ff, D());
	ck_assert_int_eq(feed_c(&ff, PORT_S, c, 20), NL_NEED_MORE);
	ck_assert_int_eq(feed_s(&ff, PORT_S, v.s[0], 4), NL_NEED_MORE);
	ck_assert_int_eq(feed_c(&ff, PORT_S, c + 20, total - 22), NL_NEED_MORE);
	fh_stream_gap(&ff, 1, 1);
	r = feed_c(&ff, PORT_S, c + total - 1, 1);
	ck_assert(r == NL_NEED_MORE || r == NL_DONE);
	static const char *const head_lost[] = { "CONNECT", "CONNACK", "PUBLISH", NULL };
	assert_list(&ff, "mqtt.packet_types", head_lost);
	/* and what the client sends later is not read either */
	r = feed_c(&ff, PORT_S, c + total - 2, 2);
	ck_assert(r == NL_NEED_MORE || r == NL_DONE);
	assert_list(&ff, "mqtt.packet_types", head_lost);
	/* the server's side is still read */
	static const uint8_t pingresp[] = { 0xd0, 0x00 };
	if (r == NL_NEED_MORE) {
		ck_assert_int_eq(feed_s(&ff, PORT_S, pingresp, 2), NL_NEED_MORE);
		ck_assert_str_eq(ff.f.state, "MQTT_PINGRESP");
	}
	fh_close(&ff);

	/* half a CONNECT, a hole, the rest: not claimed */
	fh_open(&ff, D());
	ck_assert_int_eq(feed_c(&ff, PORT_S, c, 10), NL_NEED_MORE);
	fh_stream_gap(&ff, 1, 4);
	ck_assert_int_eq(feed_c(&ff, PORT_S, c + 14, 6), NL_NOT_MINE);
	ck_assert(fh_no_fields(&ff));
	fh_close(&ff);
	free(c);
	vec_free(&v);
}
END_TEST

/* A PUBLISH whose topic name is longer than the 4096 bytes read of a
 * packet is followed, its topic not shown; one whose topic overruns the
 * packet is malformed. */
START_TEST(test_long_topic)
{
	size_t tl = 5000, len = 2 + tl + 2 + 3;
	uint8_t *p = malloc(4 + len);
	ck_assert_ptr_nonnull(p);
	p[0] = 0x32;			/* PUBLISH QoS 1 */
	p[1] = (uint8_t)(0x80 | (len & 0x7f));
	p[2] = (uint8_t)(len >> 7);	/* < 128 */
	p[3] = (uint8_t)(tl >> 8);
	p[4] = (uint8_t)tl;
	memset(p + 5, 'a', tl);
	memcpy(p + 5 + tl, "\x00\x01" "abc", 5);
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed_c(&ff, PORT_S, connect311, sizeof(connect311)), NL_NEED_MORE);
	for (size_t at = 0; at < 3 + len; at += 1000)
		ck_assert_int_eq(feed_c(&ff, PORT_S, p + at, 3 + len - at < 1000 ? 3 + len - at : 1000),
				 NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "MQTT_PUBLISH");
	ck_assert(!fh_is_set(&ff, "mqtt.topics"));
	ck_assert_uint_eq(u64(&ff, "mqtt.max_qos"), 1);
	ck_assert_int_eq(feed_c(&ff, PORT_S, "\xc0\x00", 2), NL_NEED_MORE);	/* read past it */
	ck_assert_str_eq(ff.f.state, "MQTT_PINGREQ");
	fh_close(&ff);
	/* a topic length past the packet's end */
	fh_open(&ff, D());
	ck_assert_int_eq(feed_c(&ff, PORT_S, connect311, sizeof(connect311)), NL_NEED_MORE);
	ck_assert_int_eq(feed_c(&ff, PORT_S, "\x30\x04\x00\x05" "ab", 6), NL_MALFORMED);
	ck_assert(!fh_is_set(&ff, "mqtt.topics"));
	fh_close(&ff);
	free(p);
}
END_TEST

/* MQTT 5.0 DISCONNECT reason codes, an empty PUBLISH topic (a topic alias)
 * not listed, SUBSCRIBE filters and QoS, AUTH. */
START_TEST(test_v5_details)
{
	static const uint8_t c5[] = { 0x10, 0x10, 0x00, 0x04, 'M', 'Q', 'T', 'T', 0x05, 0x02, 0x00, 0x0a,
				      0x00, 0x00, 0x03, 'x', 'y', 'z' };
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed_c(&ff, PORT_OFF, c5, sizeof(c5)), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "mqtt.version"), "5.0");
	ck_assert_uint_eq(u64(&ff, "mqtt.keep_alive"), 10);
	/* CONNACK with properties */
	ck_assert_int_eq(feed_s(&ff, PORT_OFF, "\x20\x06\x00\x00\x03\x21\x00\x14", 8), NL_NEED_MORE);
	ck_assert_uint_eq(u64(&ff, "mqtt.connack_code"), 0);
	/* PUBLISH, QoS 0, empty topic + topic alias property */
	ck_assert_int_eq(feed_c(&ff, PORT_OFF, "\x30\x07\x00\x00\x03\x23\x00\x01p", 9), NL_NEED_MORE);
	ck_assert(!fh_is_set(&ff, "mqtt.topics"));
	ck_assert_uint_eq(u64(&ff, "mqtt.max_qos"), 0);
	/* SUBSCRIBE two filters, QoS 1 and 2 (options with other bits) */
	ck_assert_int_eq(feed_c(&ff, PORT_OFF, "\x82\x0b\x00\x07\x00\x00\x01" "a\x05\x00\x01" "b\x2e", 13),
			 NL_NEED_MORE);
	static const char *const topics[] = { "a", "b", NULL };
	assert_list(&ff, "mqtt.topics", topics);
	ck_assert_uint_eq(u64(&ff, "mqtt.max_qos"), 2);
	ck_assert_int_eq(feed_s(&ff, PORT_OFF, "\xf0\x00", 2), NL_NEED_MORE);	/* AUTH */
	ck_assert_str_eq(ff.f.state, "MQTT_AUTH");
	/* DISCONNECT 0x8e (session taken over) from the server */
	ck_assert_int_eq(feed_s(&ff, PORT_OFF, "\xe0\x01\x8e", 3), NL_NEED_MORE);
	ck_assert_uint_eq(u64(&ff, "mqtt.disconnect_reason"), 0x8e);
	ck_assert_str_eq(ff.f.state, "MQTT_DISCONNECT");
	/* and the client's, without a reason code (0) */
	ck_assert_int_eq(feed_c(&ff, PORT_OFF, "\xe0\x00", 2), NL_DONE);
	ck_assert_uint_eq(u64(&ff, "mqtt.disconnect_reason"), 0);
	static const char *const types[] = { "CONNECT", "CONNACK", "PUBLISH", "SUBSCRIBE", "AUTH",
					     "DISCONNECT", NULL };
	assert_list(&ff, "mqtt.packet_types", types);
	fh_close(&ff);
}
END_TEST

/* A dissector reads from where its reader stands (mutate.h's check, with
 * binary data). */
START_TEST(test_regress_reader_offset)
{
	static const uint8_t junk[] = { 0x16, 0x03, 0x01, 0x02, 0x03 };
	uint8_t c[64];
	memcpy(c, junk, sizeof(junk));
	memcpy(c + sizeof(junk), connect311, sizeof(connect311));
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(fh_feed_skipped(&ff, NL_TCP, 1, PORT_C, PORT_S, c, sizeof(junk) + sizeof(connect311),
					 sizeof(junk)),
			 NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "mqtt.client_id"), "abc");
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}
END_TEST

static enum nl_verdict mfeed(struct fh_flow *ff, int from_client, const void *b, size_t n)
{
	return fh_feed(ff, NL_TCP, from_client, from_client ? PORT_C : PORT_S,
		       from_client ? PORT_S : PORT_C, b, n, 0);
}

/* Real vectors with a few bytes changed, fed in growing pieces: verdicts
 * stay in range, the API is used right, and a flow declined as not mine
 * never had fields set. */
START_TEST(test_mutations)
{
	uint32_t x = 0x6d717474u;
	for (size_t i = 0; i < sizeof(wants) / sizeof(wants[0]); i++) {
		struct vec v;
		vec_load(&v, wants[i].name);
		mutate_run(D(), v.s, v.len, mfeed, fh_no_fields, 300, &x);
		vec_free(&v);
	}
}
END_TEST

static Suite *mqtt_suite(void)
{
	Suite *s = suite_create("mqtt");
	TCase *tc = tcase_create("core");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_descriptor);
	tcase_add_test(tc, test_captures);
	tcase_add_test(tc, test_truncations);
	tcase_add_test(tc, test_claiming);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_packet_cap);
	tcase_add_test(tc, test_big_publish);
	tcase_add_test(tc, test_gaps);
	tcase_add_test(tc, test_v5_details);
	tcase_add_test(tc, test_long_topic);
	tcase_add_test(tc, test_regress_reader_offset);
	tcase_add_test(tc, test_mutations);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(mqtt_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
