/*
 * pcap_export.h - --pcap-export and --pcapng-export: every packet netlens
 * reads, written to a file as it arrives (RustNet's options).
 *
 * pcap goes through libpcap's savefile writer. pcapng has no writer in
 * libpcap, so its three block kinds are written here (section header,
 * one interface, enhanced packets); each packet carries a comment with
 * what netlens knows of its flow when the packet arrives: process, pid,
 * parent, user, match, direction, application and the name the
 * application gave (SNI, Host, DNS query), and with --kubernetes the pod
 * and container. The comment is wire text made
 * printable (\xHH for anything else, spaces included, so key=value pairs
 * split on spaces).
 *
 * Files are created 0600 and never through a symlink (truncated if they
 * exist), before privileges are dropped; a write error is reported once
 * and counted, and the exit status is 1.
 */
#ifndef NETLENS_PCAP_EXPORT_H
#define NETLENS_PCAP_EXPORT_H

#include <pcap/pcap.h>
#include <stddef.h>
#include <stdint.h>

#include "flow.h"

enum pcap_export_format { PCAP_EXPORT_PCAP, PCAP_EXPORT_PCAPNG };

struct pcap_export;

/* dlt and snaplen of the capture; ifname goes into the pcapng interface
 * block. NULL with err set (one line) on failure. */
struct pcap_export *pcap_export_open(const char *path, enum pcap_export_format fmt, int dlt,
				     uint32_t snaplen, const char *ifname, char *err, size_t errlen);

/* One packet as it was read, of link type dlt; f is its flow after
 * tracking (NULL when it has none). A file read with interfaces of several
 * link types: pcapng gets one interface block per link type (up to 16),
 * pcap keeps only the packets of its own (the others are counted). */
void pcap_export_packet(struct pcap_export *x, int dlt, const struct pcap_pkthdr *h,
			const u_char *bytes, const struct flow *f);

/* Live on several interfaces, -i any in cooked v2 (each packet says its
 * interface), a pcapng file of several: the packets that follow come from
 * ifname. pcapng gives each interface (and link type) a block of its own,
 * named so (up to 254; then a packet goes under its link type's first
 * block); pcap keeps the packets of its link type, whatever their
 * interface. */
void pcap_export_from(struct pcap_export *x, const char *ifname);

/* Writes out what stdio holds (each refresh). */
void pcap_export_flush(struct pcap_export *x);

/* Closes; returns the number of packets that could not be written. */
uint64_t pcap_export_close(struct pcap_export *x);

uint64_t pcap_export_packets(const struct pcap_export *x);
/* Packets not written because the file cannot hold their link type. */
uint64_t pcap_export_other_link(const struct pcap_export *x);
const char *pcap_export_path(const struct pcap_export *x);

/* The pcapng comment of a packet of f ("netlens process=curl pid=611 ...
 * direction=outgoing app=TLS sni=example.org"; "netlens" alone when
 * nothing is known) into b. Exposed for the unit tests. */
struct strbuf;
void pcap_export_comment(struct strbuf *b, const struct flow *f);

#endif
