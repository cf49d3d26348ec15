/* siphash.h - SipHash-1-3 (Aumasson & Bernstein), keyed with a random
 * secret at start-up so that traffic cannot be crafted to collide in the
 * flow table. */
#ifndef NETLENS_SIPHASH_H
#define NETLENS_SIPHASH_H

#include <stddef.h>
#include <stdint.h>

uint64_t siphash13(const uint64_t key[2], const void *data, size_t len);

#endif
