/* ifstats.c - no portable source of interface counters: views fall back to
 * what the capture itself counted. */
#include "config.h"

#include "platform/platform.h"

int platform_iface_stats(struct iface_stat *out, int max)
{
	(void)out;
	(void)max;
	return -1;
}
