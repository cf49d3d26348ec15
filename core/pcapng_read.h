/*
 * pcapng_read.h - netlens' pcapng reader. It says which interface each
 * packet was captured on, which libpcap does not (Wireshark on eth0 and
 * wlan0, netlens' own export of -i eth0,wlan0, mergecap of a router's two
 * sides: flows are kept per interface, as live), and it reads the files
 * libpcap refuses: those whose interfaces have different link types (a
 * macOS capture on lo0 and en0, mergecap of files of different kinds).
 * libpcap (1.10) stops at such a second interface block with "an interface
 * has a type N different from the type of the first interface"; tshark
 * reads such files, and so must netlens.
 *
 * capture.c reads every pcapng file with this reader from the first
 * packet, standard input too (pcapng_peek learns the first interfaces
 * without reading anything twice).
 *
 * Every byte is hostile: each block's length is checked against the bytes
 * it claims (a multiple of 4, at least 12, at most PCAPNG_MAX_BLOCK, the
 * trailing copy equal), every packet's lengths against its block, every
 * interface id against the section's interfaces; both byte orders; more
 * than one section (each one starts its interfaces again). Blocks other
 * than the section header, interface and packet blocks are skipped.
 * Timestamps honour if_tsresol (powers of 10 and of 2) and if_tsoffset and
 * come out in microseconds, rounded down as libpcap does. Interface names
 * and the table of distinct interfaces are bounded (PCAPNG_NAME_MAX,
 * PCAPNG_DISTINCT_MAX).
 */
#ifndef NETLENS_PCAPNG_READ_H
#define NETLENS_PCAPNG_READ_H

#include <pcap/pcap.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PCAPNG_MAX_BLOCK (16u << 20)	/* libpcap's own limit: larger blocks are damage */
#define PCAPNG_MAX_INTERFACES 4096	/* per section */
#define PCAPNG_DISTINCT_MAX 254		/* interfaces told apart in a file; the rest share id 254 */
#define PCAPNG_NAME_MAX 64		/* an interface's name kept, with its NUL */

struct pcapng_reader;

/* Reads the section header at fp's position; the reader owns fp from then
 * on (closed by pcapng_close), also when this fails. NULL with err set. */
struct pcapng_reader *pcapng_open(FILE *fp, char *err, size_t errlen);

/* The next packet: 1 with *h, *data (valid until the next call) and *dlt
 * (its interface's link type) set; 0 at the end of the file; -1 on damage
 * (err says what, the block's offset in the file included). */
int pcapng_next(struct pcapng_reader *r, struct pcap_pkthdr *h, const uint8_t **data, int *dlt,
		char *err, size_t errlen);

/* Reads up to the first packet block still to come, declaring the
 * interfaces before it, and keeps that block for the next pcapng_next:
 * 1 one is there, 0 the file ends first, -1 on damage (err). For a
 * stream that cannot be read twice (standard input). */
int pcapng_peek(struct pcapng_reader *r, char *err, size_t errlen);
/* The same for a stream whose next block may not have come yet (a pipe
 * from a live capture, quiet until its first packet): stops before the
 * block at a stream offset for which arrived(ctx, offset) says it is not
 * all here, and returns 2 (no packet yet; interfaces declared after are
 * met as the packets come). arrived may wait instead (for a first
 * interface, say) and say 1. */
int pcapng_peek_arrived(struct pcapng_reader *r, int (*arrived)(void *ctx, uint64_t offset),
			void *ctx, char *err, size_t errlen);

/* The largest snapshot length among the interfaces read so far (0: none
 * set one). */
uint32_t pcapng_snaplen(const struct pcapng_reader *r);

/* The interface of the packet pcapng_next returned last, as its number
 * among the file's distinct interfaces: 0 the first declared, up to
 * PCAPNG_DISTINCT_MAX (which stands for it and all later ones). An
 * interface of a later section with the link type and name of one met in
 * an earlier section is that interface again (two captures of eth0 put one
 * after the other); unnamed, the link type and place in its section. */
unsigned pcapng_packet_interface(const struct pcapng_reader *r);

/* How many distinct interfaces the file has declared so far (at most
 * PCAPNG_DISTINCT_MAX + 1). */
unsigned pcapng_interfaces(const struct pcapng_reader *r);

/* Interface n's name: its if_name, or its if_description when if_name is
 * missing or a WinPcap device path ("\Device\NPF_{GUID}", which says
 * nothing to a reader); "" when the file names it not at all. The file's
 * bytes up to the first NUL, cut to PCAPNG_NAME_MAX - 1: not printable
 * yet. */
const char *pcapng_interface_name(const struct pcapng_reader *r, unsigned n);
/* Interface n's link type (-1: none such). */
int pcapng_interface_dlt(const struct pcapng_reader *r, unsigned n);

void pcapng_close(struct pcapng_reader *r);

#endif
