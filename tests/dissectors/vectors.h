/*
 * vectors.h - the dissector tests' captured vectors: where they are and
 * how they are read.
 *
 * A test's vectors live in $NL_VECTOR_DIR/<dissector> when that is set,
 * else in tests/dissectors/vectors/<dissector> beside this header (found
 * from its own __FILE__, so a VPATH build finds the source tree's).
 */
#ifndef NETLENS_TEST_VECTORS_H
#define NETLENS_TEST_VECTORS_H

#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The directory of a dissector's vectors (a static buffer). */
static inline const char *fh_vector_dir(const char *dissector)
{
	static char dir[1024];
	const char *e = getenv("NL_VECTOR_DIR");
	if (e) {
		snprintf(dir, sizeof(dir), "%s/%s", e, dissector);
	} else {
		const char *f = __FILE__, *slash = strrchr(f, '/');
		int n = slash ? (int)(slash - f) : 1;
		snprintf(dir, sizeof(dir), "%.*s/vectors/%s", n, slash ? f : ".", dissector);
	}
	return dir;
}

/* Reads a vector file (at most cap bytes, not empty) into a heap block of
 * exactly its size, so valgrind or ASan see a read past it; *len its size. */
static inline uint8_t *fh_load_vector(const char *dissector, const char *file, size_t cap, size_t *len)
{
	char path[1400];
	snprintf(path, sizeof(path), "%s/%s", fh_vector_dir(dissector), file);
	FILE *fp = fopen(path, "rb");
	ck_assert_msg(fp != NULL, "missing vector %s", path);
	uint8_t *b = malloc(cap + 1);
	ck_assert_ptr_nonnull(b);
	*len = fread(b, 1, cap + 1, fp);
	fclose(fp);
	ck_assert_msg(*len > 0 && *len <= cap, "vector %s: %zu bytes, expected 1 to %zu", path, *len, cap);
	uint8_t *exact = realloc(b, *len);
	ck_assert_ptr_nonnull(exact);
	return exact;
}

#endif /* NETLENS_TEST_VECTORS_H */
