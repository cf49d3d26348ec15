/*
 * mutate.h - drivers shared by the dissector tests: a random-mutation run,
 * and a reader that does not start at offset 0.
 *
 * Takes a real conversation (the server's and the client's stream), flips a
 * few bytes (mostly near the start, where parsing happens), and feeds the
 * two streams to a fresh flow in growing, interleaved deliveries. Asserts the
 * invariants every dissector must keep on any input: a verdict in range, no
 * API misuse, and no field left on a flow it declined as not its own.
 */
#ifndef NETLENS_MUTATE_H
#define NETLENS_MUTATE_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakehost.h"

/* Delivers the first n bytes of a stream; from_client says whose. */
typedef enum nl_verdict (*mutate_feed_fn)(struct fh_flow *ff, int from_client, const void *b, size_t n);
/* True when no field of the dissector is set on ff. */
typedef int (*mutate_clean_fn)(const struct fh_flow *ff);

static inline uint32_t mutate_rnd(uint32_t *x)
{
	*x = *x * 1103515245u + 12345u;
	return *x >> 8;
}

/* streams[1] is the client's, streams[0] the server's. */
static inline void mutate_run(const struct nl_dissector *d, uint8_t *const streams[2], const size_t len[2],
			      mutate_feed_fn feed, mutate_clean_fn no_fields, int iterations, uint32_t *x)
{
	uint8_t *b[2] = { malloc(len[0] + 1), malloc(len[1] + 1) };
	ck_assert(b[0] && b[1]);
	for (int iter = 0; iter < iterations; iter++) {
		for (int dir = 0; dir < 2; dir++) {
			memcpy(b[dir], streams[dir], len[dir]);
			int n = 1 + (int)(mutate_rnd(x) % 4);
			for (int k = 0; k < n && len[dir]; k++) {
				size_t lim = len[dir] < 400 || mutate_rnd(x) % 2 ? len[dir] : 400;
				size_t at = mutate_rnd(x) % lim;
				b[dir][at] = (uint8_t)mutate_rnd(x);
			}
		}
		struct fh_flow ff;
		fh_open(&ff, d);
		size_t got[2] = { 0, 0 };
		enum nl_verdict v = NL_NEED_MORE;
		for (int step = 0; step < 200 && v == NL_NEED_MORE; step++) {
			int dir = (int)(mutate_rnd(x) % 2);
			if (got[dir] == len[dir])
				dir = !dir;
			if (got[dir] == len[dir])
				break;
			got[dir] += 1 + mutate_rnd(x) % 300;
			if (got[dir] > len[dir])
				got[dir] = len[dir];
			v = feed(&ff, dir, b[dir], got[dir]);
			ck_assert(v >= NL_NEED_MORE && v <= NL_MALFORMED);
			ck_assert_int_eq(ff.f.errors, 0);
		}
		if (v == NL_NOT_MINE)
			ck_assert(no_fields(&ff));
		fh_close(&ff);
	}
	free(b[0]);
	free(b[1]);
}

/* Regression (found in ssh.c): a dissector must read from where the reader
 * it is handed stands, not from absolute offsets of its buffer. Feeds both
 * directions behind five bytes the reader has already consumed, twice, and
 * expects the field `key` to be found. */
static inline void reader_offset_run(const struct nl_dissector *d, const char *client,
				     const char *server, const char *key)
{
	static const char junk[] = "\x16\x03\x01\x02\x03";
	char c[256], sv[256];
	size_t cl = (size_t)snprintf(c, sizeof(c), "%s%s", junk, client);
	size_t sl = (size_t)snprintf(sv, sizeof(sv), "%s%s", junk, server);
	ck_assert(cl < sizeof(c) && sl < sizeof(sv));
	struct fh_flow ff;
	fh_open(&ff, d);
	for (int i = 0; i < 2; i++) {
		for (int dir = 1; dir >= 0; dir--) {
			struct nl_payload p;
			memset(&p, 0, sizeof(p));
			p.struct_size = sizeof(p);
			p.transport = NL_TCP;
			p.from_client = (uint8_t)dir;
			p.data = nl_reader_make(dir ? c : sv, dir ? cl : sl);
			nl_reader_skip(&p.data, sizeof(junk) - 1);
			enum nl_verdict v = d->dissect(&fh_api, &ff.f, ff.state, &p);
			ck_assert(v == NL_NEED_MORE || v == NL_DONE);
		}
	}
	ck_assert_ptr_nonnull(fh_str(&ff, key));
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}

#endif
