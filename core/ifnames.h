/*
 * ifnames.h - the names of the interfaces a -i any capture saw, by index
 * (LINUX_SLL2 gives each packet's interface index; flow_key.ifc keeps it).
 *
 * Live, names are this machine's (getifaddrs, read again at most once a
 * second when an index is not known, and every 30 s while asked: an
 * interface made after start, a container's veth, gets its name);
 * reading a file, the indexes are another machine's and are shown as
 * "if3". Names are made printable (a name may hold any byte but '/',
 * ':' and blanks). Index FLOW_IFC_INDEXED stands for it and all above.
 */
#ifndef NETLENS_IFNAMES_H
#define NETLENS_IFNAMES_H

/* Live (names from the system) or reading a file; once, at start. */
void ifnames_set_live(int live);

/* The name for flow_key.ifc (1 to FLOW_IFC_INDEXED); never NULL. */
const char *ifnames_name(unsigned ifc);

#endif
