/* ifnames.c - interface names by index for -i any (ifnames.h). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#ifdef __linux__
#include <ifaddrs.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>
#endif

#include "clock.h"
#include "flow.h"
#include "ifnames.h"

#define NAME_LEN 24		/* IFNAMSIZ is 16; "if255" or "other" fit too */
#define UNKNOWN_RETRY_US 1000000u
#define REFRESH_US 30000000u

static char names[FLOW_IFC_INDEXED + 1][NAME_LEN];
static char by_number[FLOW_IFC_INDEXED + 1][8];	/* "if37": no name known */
static int live;
static uint64_t read_at_us;	/* 0: never */

void ifnames_set_live(int on)
{
	live = on;
	memset(names, 0, sizeof(names));
	read_at_us = 0;
}

static void store(unsigned idx, const char *name)
{
	char *d = names[idx];
	size_t i = 0;
	for (; name[i] && i < NAME_LEN - 1; i++) {
		unsigned char ch = (unsigned char)name[i];
		d[i] = ch < 0x21 || ch > 0x7e ? '?' : (char)ch;
	}
	d[i] = '\0';
}

/* This machine's interfaces: their link-layer (AF_PACKET) entries carry
 * the index. */
static void read_names(void)
{
#ifdef __linux__
	struct ifaddrs *all;
	if (getifaddrs(&all) < 0)
		return;
	for (struct ifaddrs *i = all; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_PACKET || !i->ifa_name)
			continue;
		int idx = ((const struct sockaddr_ll *)(const void *)i->ifa_addr)->sll_ifindex;
		if (idx > 0 && idx < FLOW_IFC_INDEXED)
			store((unsigned)idx, i->ifa_name);
	}
	freeifaddrs(all);
#endif
}

const char *ifnames_name(unsigned ifc)
{
	if (ifc >= FLOW_IFC_INDEXED)
		return "other";	/* index 255 and above: one key value for all */
	if (live) {
		uint64_t now_us = clock_wall_us();
		int stale = read_at_us && now_us - read_at_us >= REFRESH_US;
		if (!read_at_us || stale || (!names[ifc][0] && now_us - read_at_us >= UNKNOWN_RETRY_US)) {
			if (stale)
				memset(names, 0, sizeof(names));	/* renamed or gone since */
			read_names();
			read_at_us = now_us ? now_us : 1;
		}
		if (names[ifc][0])
			return names[ifc];
	}
	if (!by_number[ifc][0])
		snprintf(by_number[ifc], sizeof(by_number[ifc]), "if%u", ifc);
	return by_number[ifc];
}
