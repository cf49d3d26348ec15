/* ifnames.c - interface names by flow_key.ifc, for -i any and for files
 * of several interfaces (ifnames.h). */
#include "config.h"

#include <net/if.h>
#include <stdio.h>
#include <string.h>

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
static unsigned file_named;	/* the highest ifc a file has named */
static unsigned char cooked_named[FLOW_IFC_INDEXED];	/* named by ifnames_name_cooked */

void ifnames_set_live(int on)
{
	live = on;
	memset(names, 0, sizeof(names));
	memset(cooked_named, 0, sizeof(cooked_named));
	read_at_us = 0;
	file_named = 0;
}

int ifnames_one_file_interface(void)
{
	return !live && file_named == 1;
}

int ifnames_file_numbered(void)
{
	return !live && file_named > 0;
}

/* A name made printable: a blank (Windows' "Ethernet 2") becomes '_', any
 * other byte outside printable ASCII '?', so a name stays one word in text
 * output and in an iface: filter. */
static void store(unsigned idx, const char *name)
{
	char *d = names[idx];
	size_t i = 0;
	for (; name[i] && i < NAME_LEN - 1; i++) {
		unsigned char ch = (unsigned char)name[i];
		d[i] = ch == ' ' ? '_' : ch < 0x21 || ch > 0x7e ? '?' : (char)ch;
	}
	d[i] = '\0';
}

/* This machine's interfaces (POSIX if_nameindex: netlink on Linux, the
 * routing socket on the BSDs). */
static void read_names(void)
{
	struct if_nameindex *all = if_nameindex();
	if (!all)
		return;
	for (const struct if_nameindex *i = all; i->if_index; i++)
		if (i->if_name && i->if_index < FLOW_IFC_INDEXED)
			store(i->if_index, i->if_name);
	if_freenameindex(all);
}

void ifnames_set_file(unsigned ifc, const char *name, unsigned file_id)
{
	if (ifc == 0 || ifc >= FLOW_IFC_INDEXED)
		return;
	if (ifc > file_named)
		file_named = ifc;
	if (name && name[0]) {
		store(ifc, name);
	} else {
		char n[NAME_LEN];
		snprintf(n, sizeof(n), "if%u", file_id);
		store(ifc, n);
	}
}

void ifnames_name_cooked(unsigned ifc, const char *name)
{
	if (name && !live && ifc && ifc < FLOW_IFC_INDEXED && !names[ifc][0]) {
		store(ifc, name);
		cooked_named[ifc] = 1;
	}
}

void ifnames_forget_cooked(unsigned ifc)
{
	if (!live && ifc < FLOW_IFC_INDEXED && cooked_named[ifc]) {
		names[ifc][0] = '\0';
		cooked_named[ifc] = 0;
	}
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
	}
	if (names[ifc][0])	/* live, or a file's interface named by ifnames_set_file */
		return names[ifc];
	if (!by_number[ifc][0])
		snprintf(by_number[ifc], sizeof(by_number[ifc]), "if%u", ifc);
	return by_number[ifc];
}
