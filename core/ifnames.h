/*
 * ifnames.h - the names of the interfaces a -i any capture saw, by index
 * (LINUX_SLL2 gives each packet's interface index; flow_key.ifc keeps it),
 * and of a pcapng file's interfaces (flow_key.ifc = the file's interface
 * number + 1, capture.c).
 *
 * Live, names are this machine's (getifaddrs, read again at most once a
 * second when an index is not known, and every 30 s while asked: an
 * interface made after start, a container's veth, gets its name);
 * reading a file, the indexes are another machine's and are shown as
 * "if3" unless the file named them (a pcapng file's if_name; in cooked
 * v2, a block per interface as netlens' export of -i any writes). Names are
 * made printable (blanks become '_', other bytes outside printable ASCII
 * '?'). Index FLOW_IFC_INDEXED stands for it and all above.
 */
#ifndef NETLENS_IFNAMES_H
#define NETLENS_IFNAMES_H

/* Live (names from the system) or reading a file; once, at start. */
void ifnames_set_live(int live);

/* A file's interface for flow_key.ifc (1 to FLOW_IFC_INDEXED - 1): its
 * name, or "" for "if<file_id>" (its number in the file, as tshark's
 * frame.interface_id). */
void ifnames_set_file(unsigned ifc, const char *name, unsigned file_id);

/* Reading a file in cooked v2, interface index ifc (1 to FLOW_IFC_INDEXED
 * - 1) is called name from now on (the pcapng block its packets are under
 * names it: capture_cooked_interface_name), unless named already. NULL:
 * nothing to do. Live, the system names indexes. */
void ifnames_name_cooked(unsigned ifc, const char *name);
/* ...and is not after all (that block turned out to hold another index's
 * packets too): "if<ifc>" again. */
void ifnames_forget_cooked(unsigned ifc);

/* Reading a pcapng file that has named one interface so far: its flows
 * need no interface said (there is no other), as on one live interface. */
int ifnames_one_file_interface(void);
/* Reading a pcapng file whose interfaces are numbered (flow_key.ifc is
 * then no interface index). */
int ifnames_file_numbered(void);

/* The name for flow_key.ifc (1 to FLOW_IFC_INDEXED); never NULL. */
const char *ifnames_name(unsigned ifc);

#endif
