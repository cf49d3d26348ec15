/*
 * pcapng_read.h - a pcapng reader for the files libpcap refuses: those
 * whose interfaces have different link types (a macOS capture on lo0 and
 * en0, Wireshark on several interfaces, mergecap of files of different
 * kinds). libpcap (1.10) stops at the second interface block with "an
 * interface has a type N different from the type of the first interface";
 * tshark reads such files, and so must netlens.
 *
 * capture.c keeps libpcap for every other file and switches to this reader
 * only when libpcap fails on a pcapng file it can open again by name.
 *
 * Every byte is hostile: each block's length is checked against the bytes
 * it claims (a multiple of 4, at least 12, at most PCAPNG_MAX_BLOCK, the
 * trailing copy equal), every packet's lengths against its block, every
 * interface id against the section's interfaces; both byte orders; more
 * than one section (each one starts its interfaces again). Blocks other
 * than the section header, interface and packet blocks are skipped.
 * Timestamps honour if_tsresol (powers of 10 and of 2) and if_tsoffset and
 * come out in microseconds, rounded down as libpcap does.
 */
#ifndef NETLENS_PCAPNG_READ_H
#define NETLENS_PCAPNG_READ_H

#include <pcap/pcap.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PCAPNG_MAX_BLOCK (16u << 20)	/* libpcap's own limit: larger blocks are damage */
#define PCAPNG_MAX_INTERFACES 4096	/* per section */

struct pcapng_reader;

/* Reads the section header at fp's position; the reader owns fp from then
 * on (closed by pcapng_close), also when this fails. NULL with err set. */
struct pcapng_reader *pcapng_open(FILE *fp, char *err, size_t errlen);

/* The next packet: 1 with *h, *data (valid until the next call) and *dlt
 * (its interface's link type) set; 0 at the end of the file; -1 on damage
 * (err says what, the block's offset in the file included). */
int pcapng_next(struct pcapng_reader *r, struct pcap_pkthdr *h, const uint8_t **data, int *dlt,
		char *err, size_t errlen);

/* The largest snapshot length among the interfaces read so far (0: none
 * set one). */
uint32_t pcapng_snaplen(const struct pcapng_reader *r);

void pcapng_close(struct pcapng_reader *r);

#endif
