/*
 * oui.h - the vendor of a MAC address from its prefix (the IEEE's MA-L,
 * MA-M and MA-S registries; RustNet's OUI vendors, N7).
 *
 * netlens ships no copy: it reads the list the system keeps, Wireshark's
 * manuf (libwireshark-data) or the IEEE's oui.txt (ieee-data), in either
 * format. 24-bit prefixes and the longer ones of manuf (/28 MA-M, /36
 * MA-S: the IEEE sells some 24-bit blocks in parts, whose own entry says
 * only "IEEE Registration Authority") are kept, sorted for a binary search
 * and matched longest first; the whole list is about 2 MiB, so it is read
 * only where something shows vendors (the terminal UI).
 * Locally administered addresses (a random veth, a container's) have no
 * vendor: oui_vendor() says so.
 */
#ifndef NETLENS_OUI_H
#define NETLENS_OUI_H

#include <stddef.h>
#include <stdint.h>

#define OUI_MAX_ENTRIES 65536
#define OUI_NAME_MAX 64		/* longer vendor names are cut */

struct oui;

/* Reads path (manuf or oui.txt format); NULL when it cannot be read or
 * holds no entry. */
struct oui *oui_load(const char *path);
/* The first of the usual system files that loads, NULL when none does. */
struct oui *oui_load_system(void);
void oui_free(struct oui *o);

/* The vendor of mac (file text, unsanitised), "locally administered" for
 * such an address, NULL when unknown. */
const char *oui_vendor(const struct oui *o, const uint8_t mac[6]);
uint32_t oui_count(const struct oui *o);
const char *oui_path(const struct oui *o);

/* The process-wide list (NULL: none). */
extern struct oui *oui_current;

#endif
