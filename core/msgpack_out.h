/*
 * msgpack_out.h - --format msgpack: each flow record that --format json
 * prints as a line is written as one msgpack map instead, with the same
 * keys and the same values (strings stay strings, integers become msgpack
 * integers, decimals doubles, lists arrays). The map is made from the JSON
 * text itself, so the two encodings cannot drift apart (doc/snapshot.md).
 */
#ifndef NETLENS_MSGPACK_OUT_H
#define NETLENS_MSGPACK_OUT_H

#include <stddef.h>

#include "strbuf.h"

/* Appends the msgpack form of one JSON object (as record_json writes it:
 * strings, numbers, true/false/null, arrays of those, and objects of those
 * one level down, such as "kubernetes") to out. Returns 0, or -1 (out
 * unchanged) if json is not that. */
int msgpack_from_json(const char *json, size_t len, struct strbuf *out);

#endif
