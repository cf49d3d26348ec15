/* clock.h - the wall and monotonic clocks and a small hash, shared by the
 * caches and views of core/ (names, owners, resolver, dpi, record, output,
 * workers) so each need not carry its own copy. */
#ifndef NETLENS_CLOCK_H
#define NETLENS_CLOCK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/time.h>
#include <time.h>

/* Wall clock in µs: TTLs, debouncing and cache ages (capture time is the
 * packets' own). */
static inline uint64_t clock_wall_us(void)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
}

/* Monotonic clock in µs: time budgets and deadlines a step of the wall
 * clock must not stretch or cut (snapshot slices, worker liveness). */
static inline uint64_t clock_mono_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* FNV-1a over n bytes, from seed (2166136261 for a plain FNV-1a). For
 * tables keyed by data nobody picks to collide with (DNS answers, kernel
 * sockets); the flow table keys its hash (keyhash.h). */
static inline uint32_t fnv1a32(uint32_t seed, const void *p, size_t n)
{
	const uint8_t *b = p;
	uint32_t h = seed;
	for (size_t i = 0; i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return h;
}

#define FNV1A32_SEED 2166136261u

#endif
