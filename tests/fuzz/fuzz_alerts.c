/*
 * fuzz_alerts.c - libFuzzer harness for --alert-list (core/alerts.c): the
 * input is the list file's text.
 *
 * It must be read or refused with a one-line message "list:LINE: ..."
 * (never both, never neither); a list read must answer look-ups of any
 * address without reading out of bounds, and every match it names must
 * hold the address (checked against the entry's own text).
 */
#include "config.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void fail(const char *why)
{
	fprintf(stderr, "fuzz_alerts: %s\n", why);
	abort();
}

/* Whether addr lies in the entry text ("a.b.c.d/n" or an address). */
static int holds(const char *what, int family, const uint8_t *addr)
{
	char t[ALERTS_WHAT_LEN];
	snprintf(t, sizeof(t), "%s", what);
	char *slash = strchr(t, '/');
	unsigned bits = family == 6 ? 128 : 32, plen = bits;
	if (slash) {
		*slash = '\0';
		plen = (unsigned)atoi(slash + 1);
	}
	uint8_t net[16];
	if (inet_pton(family == 6 ? AF_INET6 : AF_INET, t, net) != 1 || plen > bits)
		return 0;
	for (unsigned i = 0; i < plen; i++)
		if (((net[i / 8] ^ addr[i / 8]) >> (7 - i % 8)) & 1)
			return 0;
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct alerts *al = alerts_new();
	char err[512];
	if (!al)
		return 0;
	memset(err, 'x', sizeof(err));
	err[sizeof(err) - 1] = '\0';
	if (alerts_parse_list(al, (const char *)data, size, "list", err, sizeof(err)) < 0) {
		if (strncmp(err, "list:", 5) || strchr(err, '\n'))
			fail("refused without a one-line message naming the line");
		alerts_free(al);
		return 0;
	}
	/* Look-ups: addresses from the input's own bytes, and the edges. */
	uint8_t addr[16];
	for (size_t off = 0; off < 64; off += 4) {
		for (int i = 0; i < 16; i++)
			addr[i] = size ? data[(off + (size_t)i) % size] : 0;
		for (int family = 4; family <= 6; family += 2) {
			char what[ALERTS_WHAT_LEN];
			const char *label = alerts_match(al, family, addr, what);
			if (label && (strlen(label) >= ALERTS_LABEL_MAX || !holds(what, family, addr)))
				fail("a match that does not hold the address");
		}
	}
	memset(addr, 0xff, sizeof(addr));
	char what[ALERTS_WHAT_LEN];
	alerts_match(al, 4, addr, what);
	alerts_match(al, 6, addr, what);
	alerts_free(al);
	return 0;
}
