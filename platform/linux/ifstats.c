/*
 * ifstats.c - interface counters from /proc/net/dev.
 *
 * One read of a small text file per refresh; the kernel formats every
 * interface on one line, "name: rx(8 numbers) tx(8 numbers)".
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "platform/platform.h"

int platform_iface_stats(struct iface_stat *out, int max)
{
	FILE *fp = fopen("/proc/net/dev", "re");
	if (!fp)
		return -1;
	char line[512];
	int n = 0;
	while (n < max && fgets(line, sizeof(line), fp)) {
		char *colon = strchr(line, ':');
		if (!colon)
			continue;	/* the two header lines */
		*colon = '\0';
		char *name = line;
		while (*name == ' ')
			name++;
		unsigned long long v[16];
		if (sscanf(colon + 1, "%llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu "
			   "%llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7],
			   &v[8], &v[9], &v[10], &v[11], &v[12], &v[13], &v[14], &v[15]) != 16)
			continue;
		struct iface_stat *s = &out[n++];
		size_t nl = strnlen(name, sizeof(s->name) - 1);
		memcpy(s->name, name, nl);
		s->name[nl] = '\0';
		s->rx_bytes = v[0];
		s->rx_packets = v[1];
		s->rx_errors = v[2];
		s->rx_drops = v[3];
		s->tx_bytes = v[8];
		s->tx_packets = v[9];
		s->tx_errors = v[10];
		s->tx_drops = v[11];
		s->collisions = v[13];
	}
	fclose(fp);
	return n;
}
