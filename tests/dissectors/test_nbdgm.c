/*
 * test_nbdgm.c - unit tests of dissectors/nbdgm.c against the fake host.
 *
 * Real datagrams, shown in the comments as tshark 4.0 dissects them:
 *   Samba 4.17.12's nmbd (Debian 12), two of them in network namespaces
 *   electing a local master browser for workgroup NBTEST, captured by
 *   tests/integration/dpi-nbdgm.test's setup (2026-12-06): host
 *   announcements to \MAILSLOT\BROWSE and to \MAILSLOT\LANMAN, an election
 *   request, an announcement request, a local master announcement and a
 *   domain announcement, all Direct_group datagrams;
 *   Windows XP ("DJP95S0J", workgroup ARBEITSGRUPPE), from the public
 *   capture td_eapon1.pcap (survey corpus): a domain announcement and a
 *   local master announcement.
 * Crafted, and said so where used: the error, query and query response
 * datagrams (no program of Debian 12 sends them; tshark reads the same
 * bytes as noted), names with a scope or non-printable characters, a
 * NETLOGON mailslot, and broken variants of the real datagrams.
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakehost.h"
#include "mutate.h"

const struct nl_dissector *netlens_dissector_entry(void);

#define PORT 138

static const struct nl_dissector *D(void) { return netlens_dissector_entry(); }

/* nmbd's datagrams (Samba 4.17.12). Each: type 0x11 (Direct_group), flags
 * 0x0a (M node, first fragment), source 10.231.7.1:138, source name
 * NBHOSTA<00>.
 * samba_host_browse: to NBTEST<1d>, \MAILSLOT\BROWSE, Host Announcement,
 *   server NBHOSTA, OS 6.1, server type 0x00819a03, comment "netlens test a".
 * samba_host_lanman: to NBTEST<00>, \MAILSLOT\LANMAN, Host Announcement,
 *   NBHOSTA, 6.1, 0x00819a03, comment "NETLENS TEST A".
 * samba_election: to NBTEST<1e>, Browser Election Request, server NBHOSTA.
 * samba_request: to NBTEST<1e>, Request Announcement.
 * samba_lma: to NBTEST<1e>, Local Master Announcement, NBHOSTA, 6.1,
 *   0x00849a03, "netlens test a".
 * samba_domain: to <01><02>__MSBROWSE__<02><01>, Domain/Workgroup
 *   Announcement, server NBTEST, 6.1, 0x80001000, master browser NBHOSTA.
 * Windows XP (td_eapon1.pcap), flags 0x0e, source 192.168.1.249:
 * xp_domain: frame 3, DJP95S0J<00> to <01><02>__MSBROWSE__<02><01>,
 *   Domain/Workgroup Announcement, ARBEITSGRUPPE, 3.10, 0x80001000, master
 *   browser DJP95S0J.
 * xp_lma: frame 7, DJP95S0J<20> to ARBEITSGRUPPE<1e>, Local Master
 *   Announcement, DJP95S0J, 5.1, 0x00051003, no comment (empty). */
static const uint8_t samba_host_browse[215] = {
	0x11, 0x0a, 0x6f, 0xc6, 0x0a, 0xe7, 0x07, 0x01, 0x00, 0x8a, 0x00, 0xc9, 0x00, 0x00, 0x20, 0x45,
	0x4f, 0x45, 0x43, 0x45, 0x49, 0x45, 0x50, 0x46, 0x44, 0x46, 0x45, 0x45, 0x42, 0x43, 0x41, 0x43,
	0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x41, 0x41, 0x00,
	0x20, 0x45, 0x4f, 0x45, 0x43, 0x46, 0x45, 0x45, 0x46, 0x46, 0x44, 0x46, 0x45, 0x43, 0x41, 0x43,
	0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x42,
	0x4e, 0x00, 0xff, 0x53, 0x4d, 0x42, 0x25, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x11, 0x00, 0x00, 0x2f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2f, 0x00, 0x56, 0x00, 0x03, 0x00, 0x01,
	0x00, 0x01, 0x00, 0x02, 0x00, 0x40, 0x00, 0x5c, 0x4d, 0x41, 0x49, 0x4c, 0x53, 0x4c, 0x4f, 0x54,
	0x5c, 0x42, 0x52, 0x4f, 0x57, 0x53, 0x45, 0x00, 0x01, 0x00, 0x60, 0xea, 0x00, 0x00, 0x4e, 0x42,
	0x48, 0x4f, 0x53, 0x54, 0x41, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x01,
	0x03, 0x9a, 0x81, 0x00, 0x0f, 0x01, 0x55, 0xaa, 0x6e, 0x65, 0x74, 0x6c, 0x65, 0x6e, 0x73, 0x20,
	0x74, 0x65, 0x73, 0x74, 0x20, 0x61, 0x00,
};

static const uint8_t samba_host_lanman[201] = {
	0x11, 0x0a, 0x6f, 0xc7, 0x0a, 0xe7, 0x07, 0x01, 0x00, 0x8a, 0x00, 0xbb, 0x00, 0x00, 0x20, 0x45,
	0x4f, 0x45, 0x43, 0x45, 0x49, 0x45, 0x50, 0x46, 0x44, 0x46, 0x45, 0x45, 0x42, 0x43, 0x41, 0x43,
	0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x41, 0x41, 0x00,
	0x20, 0x45, 0x4f, 0x45, 0x43, 0x46, 0x45, 0x45, 0x46, 0x46, 0x44, 0x46, 0x45, 0x43, 0x41, 0x43,
	0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x41,
	0x41, 0x00, 0xff, 0x53, 0x4d, 0x42, 0x25, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x11, 0x00, 0x00, 0x21, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x21, 0x00, 0x56, 0x00, 0x03, 0x00, 0x01,
	0x00, 0x01, 0x00, 0x02, 0x00, 0x32, 0x00, 0x5c, 0x4d, 0x41, 0x49, 0x4c, 0x53, 0x4c, 0x4f, 0x54,
	0x5c, 0x4c, 0x41, 0x4e, 0x4d, 0x41, 0x4e, 0x00, 0x01, 0x00, 0x03, 0x9a, 0x81, 0x00, 0x06, 0x01,
	0x05, 0x00, 0x4e, 0x42, 0x48, 0x4f, 0x53, 0x54, 0x41, 0x00, 0x4e, 0x45, 0x54, 0x4c, 0x45, 0x4e,
	0x53, 0x20, 0x54, 0x45, 0x53, 0x54, 0x20, 0x41, 0x00,
};

static const uint8_t samba_election[190] = {
	0x11, 0x0a, 0x6f, 0xca, 0x0a, 0xe7, 0x07, 0x01, 0x00, 0x8a, 0x00, 0xb0, 0x00, 0x00, 0x20, 0x45,
	0x4f, 0x45, 0x43, 0x45, 0x49, 0x45, 0x50, 0x46, 0x44, 0x46, 0x45, 0x45, 0x42, 0x43, 0x41, 0x43,
	0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x41, 0x41, 0x00,
	0x20, 0x45, 0x4f, 0x45, 0x43, 0x46, 0x45, 0x45, 0x46, 0x46, 0x44, 0x46, 0x45, 0x43, 0x41, 0x43,
	0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x42,
	0x4f, 0x00, 0xff, 0x53, 0x4d, 0x42, 0x25, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x11, 0x00, 0x00, 0x16, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x16, 0x00, 0x56, 0x00, 0x03, 0x00, 0x01,
	0x00, 0x01, 0x00, 0x02, 0x00, 0x27, 0x00, 0x5c, 0x4d, 0x41, 0x49, 0x4c, 0x53, 0x4c, 0x4f, 0x54,
	0x5c, 0x42, 0x52, 0x4f, 0x57, 0x53, 0x45, 0x00, 0x08, 0x01, 0x0a, 0x0f, 0x01, 0x41, 0x70, 0x17,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x4e, 0x42, 0x48, 0x4f, 0x53, 0x54, 0x41, 0x00,
};

static const uint8_t samba_request[178] = {
	0x11, 0x0a, 0x6f, 0xd8, 0x0a, 0xe7, 0x07, 0x01, 0x00, 0x8a, 0x00, 0xa4, 0x00, 0x00, 0x20, 0x45,
	0x4f, 0x45, 0x43, 0x45, 0x49, 0x45, 0x50, 0x46, 0x44, 0x46, 0x45, 0x45, 0x42, 0x43, 0x41, 0x43,
	0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x41, 0x41, 0x00,
	0x20, 0x45, 0x4f, 0x45, 0x43, 0x46, 0x45, 0x45, 0x46, 0x46, 0x44, 0x46, 0x45, 0x43, 0x41, 0x43,
	0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x42,
	0x4f, 0x00, 0xff, 0x53, 0x4d, 0x42, 0x25, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x11, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x56, 0x00, 0x03, 0x00, 0x01,
	0x00, 0x01, 0x00, 0x02, 0x00, 0x1b, 0x00, 0x5c, 0x4d, 0x41, 0x49, 0x4c, 0x53, 0x4c, 0x4f, 0x54,
	0x5c, 0x42, 0x52, 0x4f, 0x57, 0x53, 0x45, 0x00, 0x02, 0x01, 0x00, 0x4e, 0x42, 0x48, 0x4f, 0x53,
	0x54, 0x41,
};

static const uint8_t samba_lma[215] = {
	0x11, 0x0a, 0x6f, 0xd9, 0x0a, 0xe7, 0x07, 0x01, 0x00, 0x8a, 0x00, 0xc9, 0x00, 0x00, 0x20, 0x45,
	0x4f, 0x45, 0x43, 0x45, 0x49, 0x45, 0x50, 0x46, 0x44, 0x46, 0x45, 0x45, 0x42, 0x43, 0x41, 0x43,
	0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x41, 0x41, 0x00,
	0x20, 0x45, 0x4f, 0x45, 0x43, 0x46, 0x45, 0x45, 0x46, 0x46, 0x44, 0x46, 0x45, 0x43, 0x41, 0x43,
	0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x42,
	0x4f, 0x00, 0xff, 0x53, 0x4d, 0x42, 0x25, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x11, 0x00, 0x00, 0x2f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x2f, 0x00, 0x56, 0x00, 0x03, 0x00, 0x01,
	0x00, 0x01, 0x00, 0x02, 0x00, 0x40, 0x00, 0x5c, 0x4d, 0x41, 0x49, 0x4c, 0x53, 0x4c, 0x4f, 0x54,
	0x5c, 0x42, 0x52, 0x4f, 0x57, 0x53, 0x45, 0x00, 0x0f, 0x02, 0xc0, 0xd4, 0x01, 0x00, 0x4e, 0x42,
	0x48, 0x4f, 0x53, 0x54, 0x41, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x01,
	0x03, 0x9a, 0x84, 0x00, 0x0f, 0x01, 0x55, 0xaa, 0x6e, 0x65, 0x74, 0x6c, 0x65, 0x6e, 0x73, 0x20,
	0x74, 0x65, 0x73, 0x74, 0x20, 0x61, 0x00,
};

static const uint8_t samba_domain[208] = {
	0x11, 0x0a, 0x6f, 0xda, 0x0a, 0xe7, 0x07, 0x01, 0x00, 0x8a, 0x00, 0xc2, 0x00, 0x00, 0x20, 0x45,
	0x4f, 0x45, 0x43, 0x45, 0x49, 0x45, 0x50, 0x46, 0x44, 0x46, 0x45, 0x45, 0x42, 0x43, 0x41, 0x43,
	0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x41, 0x41, 0x00,
	0x20, 0x41, 0x42, 0x41, 0x43, 0x46, 0x50, 0x46, 0x50, 0x45, 0x4e, 0x46, 0x44, 0x45, 0x43, 0x46,
	0x43, 0x45, 0x50, 0x46, 0x48, 0x46, 0x44, 0x45, 0x46, 0x46, 0x50, 0x46, 0x50, 0x41, 0x43, 0x41,
	0x42, 0x00, 0xff, 0x53, 0x4d, 0x42, 0x25, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x11, 0x00, 0x00, 0x28, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x28, 0x00, 0x56, 0x00, 0x03, 0x00, 0x01,
	0x00, 0x01, 0x00, 0x02, 0x00, 0x39, 0x00, 0x5c, 0x4d, 0x41, 0x49, 0x4c, 0x53, 0x4c, 0x4f, 0x54,
	0x5c, 0x42, 0x52, 0x4f, 0x57, 0x53, 0x45, 0x00, 0x0c, 0x02, 0xc0, 0xd4, 0x01, 0x00, 0x4e, 0x42,
	0x54, 0x45, 0x53, 0x54, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x01,
	0x00, 0x10, 0x00, 0x80, 0x0f, 0x01, 0x55, 0xaa, 0x4e, 0x42, 0x48, 0x4f, 0x53, 0x54, 0x41, 0x00,
};

static const uint8_t xp_domain[209] = {
	0x11, 0x0e, 0x89, 0x1f, 0xc0, 0xa8, 0x01, 0xf9, 0x00, 0x8a, 0x00, 0xc3, 0x00, 0x00, 0x20, 0x45,
	0x45, 0x45, 0x4b, 0x46, 0x41, 0x44, 0x4a, 0x44, 0x46, 0x46, 0x44, 0x44, 0x41, 0x45, 0x4b, 0x43,
	0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x41, 0x41, 0x00,
	0x20, 0x41, 0x42, 0x41, 0x43, 0x46, 0x50, 0x46, 0x50, 0x45, 0x4e, 0x46, 0x44, 0x45, 0x43, 0x46,
	0x43, 0x45, 0x50, 0x46, 0x48, 0x46, 0x44, 0x45, 0x46, 0x46, 0x50, 0x46, 0x50, 0x41, 0x43, 0x41,
	0x42, 0x00, 0xff, 0x53, 0x4d, 0x42, 0x25, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x11, 0x00, 0x00, 0x29, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe8,
	0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x29, 0x00, 0x56, 0x00, 0x03, 0x00, 0x01,
	0x00, 0x01, 0x00, 0x02, 0x00, 0x3a, 0x00, 0x5c, 0x4d, 0x41, 0x49, 0x4c, 0x53, 0x4c, 0x4f, 0x54,
	0x5c, 0x42, 0x52, 0x4f, 0x57, 0x53, 0x45, 0x00, 0x0c, 0x00, 0x60, 0xea, 0x00, 0x00, 0x41, 0x52,
	0x42, 0x45, 0x49, 0x54, 0x53, 0x47, 0x52, 0x55, 0x50, 0x50, 0x45, 0x00, 0x01, 0x00, 0x03, 0x0a,
	0x00, 0x10, 0x00, 0x80, 0x4c, 0xfe, 0x04, 0x03, 0x44, 0x4a, 0x50, 0x39, 0x35, 0x53, 0x30, 0x4a,
	0x00,
};

static const uint8_t xp_lma[201] = {
	0x11, 0x0e, 0x89, 0x22, 0xc0, 0xa8, 0x01, 0xf9, 0x00, 0x8a, 0x00, 0xbb, 0x00, 0x00, 0x20, 0x45,
	0x45, 0x45, 0x4b, 0x46, 0x41, 0x44, 0x4a, 0x44, 0x46, 0x46, 0x44, 0x44, 0x41, 0x45, 0x4b, 0x43,
	0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x43, 0x41, 0x00,
	0x20, 0x45, 0x42, 0x46, 0x43, 0x45, 0x43, 0x45, 0x46, 0x45, 0x4a, 0x46, 0x45, 0x46, 0x44, 0x45,
	0x48, 0x46, 0x43, 0x46, 0x46, 0x46, 0x41, 0x46, 0x41, 0x45, 0x46, 0x43, 0x41, 0x43, 0x41, 0x42,
	0x4f, 0x00, 0xff, 0x53, 0x4d, 0x42, 0x25, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x11, 0x00, 0x00, 0x21, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xe8,
	0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x21, 0x00, 0x56, 0x00, 0x03, 0x00, 0x01,
	0x00, 0x00, 0x00, 0x02, 0x00, 0x32, 0x00, 0x5c, 0x4d, 0x41, 0x49, 0x4c, 0x53, 0x4c, 0x4f, 0x54,
	0x5c, 0x42, 0x52, 0x4f, 0x57, 0x53, 0x45, 0x00, 0x0f, 0x00, 0x80, 0xfc, 0x0a, 0x00, 0x44, 0x4a,
	0x50, 0x39, 0x35, 0x53, 0x30, 0x4a, 0x00, 0x00, 0x72, 0x00, 0x6f, 0x00, 0x73, 0x00, 0x05, 0x01,
	0x03, 0x10, 0x05, 0x00, 0x0f, 0x01, 0x55, 0xaa, 0x00,
};

static enum nl_verdict feed_p(struct fh_flow *ff, int from_client, uint16_t sport, uint16_t dport,
			      const void *b, size_t n)
{
	return fh_feed(ff, NL_UDP, from_client, sport, dport, b, n, 0);
}

static enum nl_verdict feed(struct fh_flow *ff, const void *b, size_t n)
{
	return feed_p(ff, 1, PORT, PORT, b, n);
}

static uint64_t u64(const struct fh_flow *ff, const char *key)
{
	int found = 0;
	uint64_t v = fh_u64(ff, key, &found);
	ck_assert_msg(found, "%s not set", key);
	return v;
}

/* Every list value, joined by '|', for one assertion. */
static const char *joined(const struct fh_flow *ff, const char *key)
{
	static char buf[NL_MAX_LIST * (NL_MAX_STR + 1)];
	size_t o = 0;
	buf[0] = 0;
	for (size_t i = 0; fh_list(ff, key, i); i++)
		o += (size_t)snprintf(buf + o, sizeof(buf) - o, "%s%s", i ? "|" : "", fh_list(ff, key, i));
	return buf;
}

/* Writes a first-level encoded name (RFC 1001 14.1): 15 characters padded
 * with spaces, the type, then the scope ("" for none; dots between its
 * labels). Returns its length. */
static size_t enc_name(uint8_t *out, const char *name, uint8_t type, const char *scope)
{
	uint8_t raw[16];
	memset(raw, ' ', 15);
	memcpy(raw, name, strlen(name));
	raw[15] = type;
	size_t o = 0;
	out[o++] = 32;
	for (int i = 0; i < 16; i++) {
		out[o++] = (uint8_t)('A' + (raw[i] >> 4));
		out[o++] = (uint8_t)('A' + (raw[i] & 15));
	}
	while (*scope) {
		const char *dot = strchr(scope, '.');
		size_t l = dot ? (size_t)(dot - scope) : strlen(scope);
		out[o++] = (uint8_t)l;
		memcpy(out + o, scope, l);
		o += l;
		scope += l + (dot ? 1 : 0);
	}
	out[o++] = 0;
	return o;
}

/* A datagram of type 0x14-0x16 (crafted): header, destination name. */
static size_t query_dgm(uint8_t *out, uint8_t type, const char *name, uint8_t ntype)
{
	static const uint8_t hdr[10] = { 0, 0x02, 0x43, 0x21, 10, 231, 7, 9, 0x00, 0x8a };
	memcpy(out, hdr, 10);
	out[0] = type;
	return 10 + enc_name(out + 10, name, ntype, "");
}

/* A copy of a real datagram with DGM_LENGTH set to fit n bytes. */
static void set_dgm_len(uint8_t *b, size_t n)
{
	b[10] = (uint8_t)((n - 14) >> 8);
	b[11] = (uint8_t)(n - 14);
}

START_TEST(test_descriptor)
{
	const struct nl_dissector *d = D();
	ck_assert_str_eq(d->name, "nbdgm");
	ck_assert_str_eq(d->display, "NetBIOS-DGM");
	ck_assert_str_eq(d->version, "1.0.0");
	ck_assert_str_eq(d->license, "MIT");
	ck_assert_uint_eq(d->transports, NL_UDP);
	ck_assert_uint_eq(d->flags, 0);
	ck_assert_uint_eq(d->n_port_hints, 1);
	ck_assert_uint_eq(d->port_hints[0], 138);
	ck_assert_uint_eq(d->idle_timeout_s, 60);
	ck_assert_uint_eq(d->packet_budget, 32);
	ck_assert_uint_le(d->state_size, 8);
	static const char *const keys[] = {
		"nbdgm.type", "nbdgm.source_name", "nbdgm.destination_names", "nbdgm.source_ip",
		"nbdgm.error_code", "nbdgm.mailslot", "nbdgm.browser_command", "nbdgm.browser_commands",
		"nbdgm.server", "nbdgm.os_version", "nbdgm.server_type", "nbdgm.server_type_flags",
		"nbdgm.comment", "nbdgm.master_browser",
	};
	ck_assert_uint_eq(d->n_fields, sizeof(keys) / sizeof(keys[0]));
	for (uint16_t i = 0; i < d->n_fields; i++) {
		ck_assert_uint_eq(d->fields[i].id, i);
		ck_assert_str_eq(d->fields[i].key, keys[i]);
	}
	ck_assert_str_eq(d->fields[d->domain_field].key, "nbdgm.source_name");
}
END_TEST

/* nmbd's host announcement to \MAILSLOT\BROWSE: every field. */
START_TEST(test_samba_host_announcement)
{
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, samba_host_browse, sizeof(samba_host_browse)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "NETBIOS_DGM_GROUP");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.type"), "Direct_group datagram");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.source_name"), "NBHOSTA<00>");
	ck_assert_str_eq(joined(&ff, "nbdgm.destination_names"), "NBTEST<1d>");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.source_ip"), "10.231.7.1");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.mailslot"), "\\MAILSLOT\\BROWSE");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.browser_command"), "Host Announcement");
	ck_assert_str_eq(joined(&ff, "nbdgm.browser_commands"), "Host Announcement");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.server"), "NBHOSTA");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.os_version"), "6.1");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.server_type"), "0x00819a03");
	/* tshark: Workstation, Server, Print, Xenix, NT Workstation, NT
	 * Server, Potential Browser, DFS. */
	ck_assert_str_eq(joined(&ff, "nbdgm.server_type_flags"),
			 "Workstation|Server|Print|Xenix|NT Workstation|NT Server|Potential Browser|DFS");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.comment"), "netlens test a");
	ck_assert(!fh_is_set(&ff, "nbdgm.master_browser"));
	ck_assert(!fh_is_set(&ff, "nbdgm.error_code"));
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);

	/* The same in the older \MAILSLOT\LANMAN form. */
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, samba_host_lanman, sizeof(samba_host_lanman)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "NETBIOS_DGM_GROUP");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.source_name"), "NBHOSTA<00>");
	ck_assert_str_eq(joined(&ff, "nbdgm.destination_names"), "NBTEST<00>");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.mailslot"), "\\MAILSLOT\\LANMAN");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.browser_command"), "Host Announcement");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.server"), "NBHOSTA");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.os_version"), "6.1");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.server_type"), "0x00819a03");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.comment"), "NETLENS TEST A");
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}
END_TEST

/* nmbd's whole election, in one flow: the values follow the last
 * datagram that carries them; lists gather. */
START_TEST(test_samba_election_flow)
{
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, samba_host_browse, sizeof(samba_host_browse)), NL_NEED_MORE);
	ck_assert_int_eq(feed(&ff, samba_election, sizeof(samba_election)), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "nbdgm.browser_command"), "Browser Election Request");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.server"), "NBHOSTA");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.comment"), "netlens test a");	/* the announcement's still */
	ck_assert_int_eq(feed(&ff, samba_request, sizeof(samba_request)), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "nbdgm.browser_command"), "Request Announcement");
	ck_assert_int_eq(feed(&ff, samba_lma, sizeof(samba_lma)), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "nbdgm.browser_command"), "Local Master Announcement");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.server_type"), "0x00849a03");
	ck_assert_int_eq(feed(&ff, samba_domain, sizeof(samba_domain)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "NETBIOS_DGM_GROUP");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.browser_command"), "Domain/Workgroup Announcement");
	ck_assert_str_eq(joined(&ff, "nbdgm.browser_commands"),
			 "Host Announcement|Browser Election Request|Request Announcement|"
			 "Local Master Announcement|Domain/Workgroup Announcement");
	ck_assert_str_eq(joined(&ff, "nbdgm.destination_names"),
			 "NBTEST<1d>|NBTEST<1e>|<01><02>__MSBROWSE__<02><01>");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.server"), "NBTEST");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.master_browser"), "NBHOSTA");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.os_version"), "6.1");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.server_type"), "0x80001000");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.comment"), "netlens test a");
	ck_assert_str_eq(joined(&ff, "nbdgm.server_type_flags"),
			 "Workstation|Server|Print|Xenix|NT Workstation|NT Server|Potential Browser|DFS|"
			 "Master Browser|Domain Enum");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.source_name"), "NBHOSTA<00>");
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);

	/* The election request alone: its candidate is the server. */
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, samba_election, sizeof(samba_election)), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "nbdgm.server"), "NBHOSTA");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.mailslot"), "\\MAILSLOT\\BROWSE");
	ck_assert(!fh_is_set(&ff, "nbdgm.os_version"));
	ck_assert(!fh_is_set(&ff, "nbdgm.server_type"));
	ck_assert(!fh_is_set(&ff, "nbdgm.server_type_flags"));
	ck_assert(!fh_is_set(&ff, "nbdgm.comment"));
	fh_close(&ff);

	/* The announcement request alone: the command only. */
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, samba_request, sizeof(samba_request)), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "nbdgm.browser_command"), "Request Announcement");
	ck_assert(!fh_is_set(&ff, "nbdgm.server"));
	fh_close(&ff);
}
END_TEST

/* Windows XP's announcements (td_eapon1.pcap). */
START_TEST(test_windows_xp)
{
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, xp_domain, sizeof(xp_domain)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "NETBIOS_DGM_GROUP");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.source_name"), "DJP95S0J<00>");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.source_ip"), "192.168.1.249");
	ck_assert_str_eq(joined(&ff, "nbdgm.destination_names"), "<01><02>__MSBROWSE__<02><01>");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.browser_command"), "Domain/Workgroup Announcement");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.server"), "ARBEITSGRUPPE");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.os_version"), "3.10");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.server_type"), "0x80001000");
	ck_assert_str_eq(joined(&ff, "nbdgm.server_type_flags"), "NT Workstation|Domain Enum");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.master_browser"), "DJP95S0J");
	ck_assert(!fh_is_set(&ff, "nbdgm.comment"));

	ck_assert_int_eq(feed(&ff, xp_lma, sizeof(xp_lma)), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "nbdgm.source_name"), "DJP95S0J<20>");
	ck_assert_str_eq(joined(&ff, "nbdgm.destination_names"),
			 "<01><02>__MSBROWSE__<02><01>|ARBEITSGRUPPE<1e>");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.browser_command"), "Local Master Announcement");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.server"), "DJP95S0J");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.os_version"), "5.1");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.server_type"), "0x00051003");
	ck_assert_str_eq(joined(&ff, "nbdgm.server_type_flags"),
			 "NT Workstation|Domain Enum|Workstation|Server|Potential Browser|Master Browser");
	/* Its comment is empty: nothing shown, as tshark shows none. */
	ck_assert(!fh_is_set(&ff, "nbdgm.comment"));
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}
END_TEST

/* Crafted: the other message types (tshark: "Datagram error", error code
 * 0x82; "Datagram query request" etc., destination name NBTEST<1d>). */
START_TEST(test_other_types)
{
	static const uint8_t err[11] = { 0x13, 0x02, 0x43, 0x21, 10, 231, 7, 9, 0x00, 0x8a, 0x82 };
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, err, sizeof(err)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "NETBIOS_DGM_ERROR");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.type"), "Datagram error");
	ck_assert_uint_eq(u64(&ff, "nbdgm.error_code"), 0x82);
	ck_assert(!fh_is_set(&ff, "nbdgm.source_name"));
	ck_assert(!fh_is_set(&ff, "nbdgm.source_ip"));
	ck_assert(!fh_is_set(&ff, "nbdgm.destination_names"));
	/* One byte more or less is not an error datagram. */
	ck_assert_int_eq(feed(&ff, err, 10), NL_NEED_MORE);
	fh_close(&ff);
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, err, 10), NL_NOT_MINE);
	ck_assert(fh_no_fields(&ff));
	fh_close(&ff);

	static const struct { uint8_t type; const char *name, *label; } q[] = {
		{ 0x14, "Datagram query request", "NETBIOS_DGM_QUERY" },
		{ 0x15, "Datagram positive query response", "NETBIOS_DGM_POSITIVE" },
		{ 0x16, "Datagram negative query response", "NETBIOS_DGM_NEGATIVE" },
	};
	for (size_t i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		uint8_t m[64];
		size_t n = query_dgm(m, q[i].type, "NBTEST", 0x1d);
		fh_open(&ff, D());
		ck_assert_int_eq(feed(&ff, m, n), NL_NEED_MORE);
		ck_assert_str_eq(ff.f.state, q[i].label);
		ck_assert_str_eq(fh_str(&ff, "nbdgm.type"), q[i].name);
		ck_assert_str_eq(joined(&ff, "nbdgm.destination_names"), "NBTEST<1d>");
		ck_assert(!fh_is_set(&ff, "nbdgm.source_name"));
		ck_assert(!fh_is_set(&ff, "nbdgm.error_code"));
		fh_close(&ff);
		/* Bytes after the name: not such a datagram. */
		m[n] = 0;
		fh_open(&ff, D());
		ck_assert_int_eq(feed(&ff, m, n + 1), NL_NOT_MINE);
		ck_assert(fh_no_fields(&ff));
		fh_close(&ff);
	}

	/* Direct unique and broadcast: the real announcement retyped. */
	uint8_t m[sizeof(samba_host_browse)];
	memcpy(m, samba_host_browse, sizeof(m));
	m[0] = 0x10;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, m, sizeof(m)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "NETBIOS_DGM_UNIQUE");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.type"), "Direct_unique datagram");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.comment"), "netlens test a");
	m[0] = 0x12;
	ck_assert_int_eq(feed(&ff, m, sizeof(m)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "NETBIOS_DGM_BROADCAST");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.type"), "Broadcast datagram");
	fh_close(&ff);
}
END_TEST

/* Names: a scope is appended, a non-printable character shown as <xx>,
 * the padding dropped (crafted query requests). */
START_TEST(test_names)
{
	static const struct { const char *name; uint8_t type; const char *scope, *text; } c[] = {
		{ "WORKGROUP", 0x00, "", "WORKGROUP<00>" },
		{ "HOST", 0x20, "corp.example", "HOST<20>.corp.example" },
		{ "\x01\x02__MSBROWSE__\x02", 0x01, "", "<01><02>__MSBROWSE__<02><01>" },
		{ "A B", 0x1b, "x", "A B<1b>.x" },
		{ "", 0x00, "", "<00>" },
		{ "*", 0x00, "", "*<00>" },
		{ "MAXIMUMLENGTH15", 0xff, "", "MAXIMUMLENGTH15<ff>" },
	};
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		uint8_t m[128];
		static const uint8_t hdr[10] = { 0x14, 0x02, 0x43, 0x21, 10, 231, 7, 9, 0x00, 0x8a };
		memcpy(m, hdr, 10);
		size_t n = 10 + enc_name(m + 10, c[i].name, c[i].type, c[i].scope);
		struct fh_flow ff;
		fh_open(&ff, D());
		ck_assert_int_eq(feed(&ff, m, n), NL_NEED_MORE);
		ck_assert_str_eq(joined(&ff, "nbdgm.destination_names"), c[i].text);
		fh_close(&ff);
	}
	/* A scope of many labels up to the 255-byte bound; one byte more is
	 * refused. */
	uint8_t m[400];
	size_t n = query_dgm(m, 0x14, "NBTEST", 0x1d) - 1;	/* without the 0 byte */
	while (n - 10 + 64 <= 254) {
		m[n++] = 63;
		memset(m + n, 'a', 63);
		n += 63;
	}
	size_t room = 254 - (n - 10);	/* label bytes that still fit */
	m[n++] = (uint8_t)(room - 1);
	memset(m + n, 'b', room - 1);
	n += room - 1;
	m[n++] = 0;
	ck_assert_uint_eq(n - 10, 255);
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, m, n), NL_NEED_MORE);
	ck_assert(fh_is_set(&ff, "nbdgm.destination_names"));
	ck_assert_ptr_nonnull(strstr(fh_list(&ff, "nbdgm.destination_names", 0), "NBTEST<1d>.aaa"));
	fh_close(&ff);
	m[n - 1] = 'b';
	m[n - 1 - room] = (uint8_t)room;
	m[n++] = 0;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, m, n), NL_NOT_MINE);
	ck_assert(fh_no_fields(&ff));
	fh_close(&ff);
}
END_TEST

/* Strictness: a bad header or name is not claimed (no field); after a
 * good datagram it is passed over, the fields untouched. */
START_TEST(test_malformed)
{
	struct { size_t at; uint8_t v; } bad[] = {
		{ 0, 0x0f }, { 0, 0x17 }, { 0, 0x00 }, { 0, 0xff },	/* type */
		{ 1, 0x1a }, { 1, 0x8a }, { 1, 0xfa },			/* reserved flag bits */
		{ 10, 0x01 }, { 11, 0xca }, { 11, 0xc8 },		/* DGM_LENGTH */
		{ 14, 0x1f }, { 14, 0x21 }, { 14, 0x00 },		/* source name's length */
		{ 15, 'Q' }, { 20, 'a' }, { 46, '@' },			/* its encoding */
		{ 47, 0x40 },						/* a scope label > 63 */
		{ 48, 0x10 }, { 60, 'Z' },				/* the destination name */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t m[sizeof(samba_host_browse)];
		memcpy(m, samba_host_browse, sizeof(m));
		m[bad[i].at] = bad[i].v;
		struct fh_flow ff;
		fh_open(&ff, D());
		ck_assert_msg(feed(&ff, m, sizeof(m)) == NL_NOT_MINE, "case %zu", i);
		ck_assert(fh_no_fields(&ff));
		ck_assert_str_eq(ff.f.state, "");
		fh_close(&ff);

		fh_open(&ff, D());
		ck_assert_int_eq(feed(&ff, samba_election, sizeof(samba_election)), NL_NEED_MORE);
		struct fh_flow before = ff;
		ck_assert_int_eq(feed(&ff, m, sizeof(m)), NL_NEED_MORE);
		ck_assert(fh_same_results(&ff, &before));
		ck_assert_int_eq(feed(&ff, samba_host_browse, sizeof(samba_host_browse)), NL_NEED_MORE);
		ck_assert_str_eq(fh_str(&ff, "nbdgm.comment"), "netlens test a");
		fh_close(&ff);
	}
}
END_TEST

/* Past the names: a broken SMB or browser layer gives no field of its own;
 * the datagram's header and names still count. */
START_TEST(test_bad_user_data)
{
	/* Offsets in samba_host_browse: the SMB header at 82 (command 86),
	 * WordCount 114, the words from 115 (DataCount 137, DataOffset 139,
	 * SetupCount 141), ByteCount 149, the mailslot name 151-166 and its
	 * NUL 167, the browser data at 82 + DataOffset 86 = 168. */
	static const struct { size_t at; uint8_t v; const char *mailslot; } bad[] = {
		{ 82, 0xfe, NULL },			/* not \xffSMB */
		{ 86, 0x32, NULL },			/* not Transaction */
		{ 114, 13, NULL },			/* WordCount below 14 */
		{ 141, 4, NULL },			/* SetupCount not WordCount - 14 */
		{ 140, 0xff, NULL },			/* DataOffset past the end */
		{ 138, 0xff, NULL },			/* DataCount past the end */
		{ 150, 0x01, NULL },			/* ByteCount past the end */
		{ 165, 'X', "\\MAILSLOT\\BROWXE" },	/* another mailslot: that name only */
		{ 168, 0x10, "\\MAILSLOT\\BROWSE" },	/* an opcode tshark does not name */
		{ 168, 0x03, "\\MAILSLOT\\BROWSE" },	/* another */
		{ 215 - 1, 'x', "\\MAILSLOT\\BROWSE" },	/* the comment's NUL gone */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t m[sizeof(samba_host_browse)];
		memcpy(m, samba_host_browse, sizeof(m));
		m[bad[i].at] = bad[i].v;
		struct fh_flow ff;
		fh_open(&ff, D());
		ck_assert_int_eq(feed(&ff, m, sizeof(m)), NL_NEED_MORE);
		ck_assert_str_eq(fh_str(&ff, "nbdgm.source_name"), "NBHOSTA<00>");
		ck_assert_str_eq(joined(&ff, "nbdgm.destination_names"), "NBTEST<1d>");
		if (bad[i].mailslot)
			ck_assert_str_eq(fh_str(&ff, "nbdgm.mailslot"), bad[i].mailslot);
		else
			ck_assert_msg(!fh_is_set(&ff, "nbdgm.mailslot"), "case %zu", i);
		ck_assert_msg(!fh_is_set(&ff, "nbdgm.browser_command"), "case %zu", i);
		ck_assert(!fh_is_set(&ff, "nbdgm.server"));
		ck_assert(!fh_is_set(&ff, "nbdgm.comment"));
		fh_close(&ff);
	}
	/* A NETLOGON mailslot (crafted from the LANMAN announcement): the
	 * name only. */
	uint8_t m[sizeof(samba_host_lanman)];
	memcpy(m, samba_host_lanman, sizeof(m));
	struct fh_flow ff;
	fh_open(&ff, D());
	/* \MAILSLOT\LANMAN -> \MAILSLOT\NETLOG (same length) */
	memcpy(m + 82 + 32 + 1 + 34 + 2 + 10, "NETLOG", 6);
	ck_assert_int_eq(feed(&ff, m, sizeof(m)), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "nbdgm.mailslot"), "\\MAILSLOT\\NETLOG");
	ck_assert(!fh_is_set(&ff, "nbdgm.browser_command"));
	fh_close(&ff);
	/* A later fragment (F clear) or one with more to come (M set): the
	 * user data is not a whole message and is not read. */
	for (int k = 0; k < 2; k++) {
		memcpy(m, samba_host_lanman, sizeof(m));
		m[1] = k ? 0x0b : 0x08;
		fh_open(&ff, D());
		ck_assert_int_eq(feed(&ff, m, sizeof(m)), NL_NEED_MORE);
		ck_assert_str_eq(fh_str(&ff, "nbdgm.source_name"), "NBHOSTA<00>");
		ck_assert(!fh_is_set(&ff, "nbdgm.mailslot"));
		ck_assert(!fh_is_set(&ff, "nbdgm.browser_command"));
		fh_close(&ff);
	}
}
END_TEST

/* Every truncation of every real datagram. As delivered (DGM_LENGTH no
 * longer matching): not claimed, no field; after a good one, passed over.
 * With DGM_LENGTH fixed to the cut length: the header's fields once the
 * names are whole, nothing from the cut SMB part. With the capture's
 * wire_len saying it was cut: passed over, no field. */
START_TEST(test_truncations)
{
	static const struct { const uint8_t *b; size_t len; } v[] = {
		{ samba_host_browse, sizeof(samba_host_browse) }, { samba_host_lanman, sizeof(samba_host_lanman) },
		{ samba_election, sizeof(samba_election) }, { samba_request, sizeof(samba_request) },
		{ samba_lma, sizeof(samba_lma) }, { samba_domain, sizeof(samba_domain) },
		{ xp_domain, sizeof(xp_domain) }, { xp_lma, sizeof(xp_lma) },
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		for (size_t n = 0; n < v[i].len; n++) {
			uint8_t *copy = malloc(n ? n : 1);	/* exact size, for ASan */
			memcpy(copy, v[i].b, n);
			struct fh_flow ff;
			fh_open(&ff, D());
			ck_assert_int_eq(feed(&ff, copy, n), NL_NOT_MINE);
			ck_assert(fh_no_fields(&ff));
			fh_close(&ff);

			fh_open(&ff, D());
			ck_assert_int_eq(feed(&ff, samba_election, sizeof(samba_election)), NL_NEED_MORE);
			struct fh_flow before = ff;
			ck_assert_int_eq(feed(&ff, copy, n), NL_NEED_MORE);
			ck_assert(fh_same_results(&ff, &before));
			fh_close(&ff);

			/* Cut by the snap length: wire_len says so. */
			fh_open(&ff, D());
			ck_assert_int_eq(fh_feed_ip(&ff, NL_UDP, 1, PORT, PORT, copy, n, 4, (uint32_t)v[i].len),
					 NL_NEED_MORE);
			ck_assert(fh_no_fields(&ff));
			ck_assert_str_eq(ff.f.state, "");
			fh_close(&ff);

			if (n >= 14) {
				set_dgm_len(copy, n);
				fh_open(&ff, D());
				enum nl_verdict r = feed(&ff, copy, n);
				if (n < 82) {
					ck_assert_int_eq(r, NL_NOT_MINE);
					ck_assert(fh_no_fields(&ff));
				} else {
					ck_assert_int_eq(r, NL_NEED_MORE);
					ck_assert(fh_is_set(&ff, "nbdgm.source_name"));
					ck_assert(!fh_is_set(&ff, "nbdgm.mailslot"));
					ck_assert(!fh_is_set(&ff, "nbdgm.browser_command"));
					ck_assert(!fh_is_set(&ff, "nbdgm.server"));
					ck_assert(!fh_is_set(&ff, "nbdgm.comment"));
				}
				ck_assert_int_eq(ff.f.errors, 0);
				fh_close(&ff);
			}
			free(copy);
		}
		/* Whole, with wire_len equal: read. */
		struct fh_flow ff;
		fh_open(&ff, D());
		ck_assert_int_eq(fh_feed_ip(&ff, NL_UDP, 1, PORT, PORT, v[i].b, v[i].len, 4, (uint32_t)v[i].len),
				 NL_NEED_MORE);
		ck_assert(fh_is_set(&ff, "nbdgm.browser_command"));
		fh_close(&ff);
	}
	/* A cut datagram whose first bytes are no NetBIOS header: not ours. */
	static const uint8_t junk[4] = { 0x45, 0x00, 0x01, 0x02 };
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(fh_feed_ip(&ff, NL_UDP, 1, PORT, PORT, junk, sizeof(junk), 4, 100), NL_NOT_MINE);
	fh_close(&ff);
}
END_TEST

/* Only UDP with port 138 at one end, whichever. */
START_TEST(test_not_mine)
{
	static const uint16_t ports[][2] = { { 137, 137 }, { 139, 445 }, { 40000, 50000 }, { 1138, 13800 } };
	for (size_t k = 0; k < sizeof(ports) / sizeof(ports[0]); k++) {
		struct fh_flow ff;
		fh_open(&ff, D());
		ck_assert_int_eq(feed_p(&ff, 1, ports[k][0], ports[k][1], samba_lma, sizeof(samba_lma)), NL_NOT_MINE);
		ck_assert(fh_no_fields(&ff));
		ck_assert_str_eq(ff.f.state, "");
		fh_close(&ff);
	}
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(fh_feed(&ff, NL_TCP, 1, PORT, PORT, samba_lma, sizeof(samba_lma), 0), NL_NOT_MINE);
	ck_assert(fh_no_fields(&ff));
	fh_close(&ff);
	/* 138 on one side only: a reply to a unicast sender's own port. */
	fh_open(&ff, D());
	ck_assert_int_eq(feed_p(&ff, 0, 138, 50000, xp_lma, sizeof(xp_lma)), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "nbdgm.server"), "DJP95S0J");
	fh_close(&ff);
	fh_open(&ff, D());
	ck_assert_int_eq(feed_p(&ff, 1, 50000, 138, xp_lma, sizeof(xp_lma)), NL_NEED_MORE);
	fh_close(&ff);
	/* Other UDP payloads on 138: a DNS query, NUL bytes, text. */
	static const uint8_t dns[] = { 0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0, 0, 0, 0, 0, 0,
				       3, 'f', 'o', 'o', 0, 0, 1, 0, 1 };
	uint8_t zero[64] = { 0 };
	static const char text[] = "M-SEARCH * HTTP/1.1\r\n\r\n";
	const struct { const void *b; size_t n; } o[] = { { dns, sizeof(dns) }, { zero, sizeof(zero) },
							   { text, sizeof(text) - 1 } };
	for (size_t i = 0; i < 3; i++) {
		fh_open(&ff, D());
		ck_assert_int_eq(feed(&ff, o[i].b, o[i].n), NL_NOT_MINE);
		ck_assert(fh_no_fields(&ff));
		fh_close(&ff);
	}
}
END_TEST

/* An ABI 1.2 host (no wire_len): read as a whole datagram. */
START_TEST(test_abi_12_host)
{
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(fh_feed_12(&ff, NL_UDP, 1, PORT, PORT, samba_lma, sizeof(samba_lma)), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "nbdgm.browser_command"), "Local Master Announcement");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.comment"), "netlens test a");
	fh_close(&ff);
}
END_TEST

/* Random byte changes in real datagrams, delivered whole and cut: verdicts
 * in range, no API misuse, no field on a flow declined. */
static enum nl_verdict mutate_feed(struct fh_flow *ff, int from_client, const void *b, size_t n)
{
	(void)from_client;
	return feed(ff, b, n);
}

START_TEST(test_mutations)
{
	uint8_t a[sizeof(samba_host_browse)], b[sizeof(xp_lma)];
	memcpy(a, samba_host_browse, sizeof(a));
	memcpy(b, xp_lma, sizeof(b));
	uint8_t *const streams[2] = { b, a };
	const size_t len[2] = { sizeof(b), sizeof(a) };
	uint32_t x = 0x4e42;
	mutate_run(D(), streams, len, mutate_feed, fh_no_fields, 3000, &x);

	/* And single byte changes at every offset, every datagram whole. */
	uint8_t m[sizeof(samba_domain)];
	for (size_t at = 0; at < sizeof(m); at++) {
		for (unsigned v = 0; v < 256; v += 17) {
			memcpy(m, samba_domain, sizeof(m));
			m[at] = (uint8_t)v;
			struct fh_flow ff;
			fh_open(&ff, D());
			enum nl_verdict r = feed(&ff, m, sizeof(m));
			ck_assert(r == NL_NEED_MORE || r == NL_NOT_MINE);
			if (r == NL_NOT_MINE)
				ck_assert(fh_no_fields(&ff));
			ck_assert_int_eq(ff.f.errors, 0);
			fh_close(&ff);
		}
	}
}
END_TEST

/* A payload reader that does not start at offset 0 is read from where it
 * stands. */
START_TEST(test_reader_offset)
{
	uint8_t buf[5 + sizeof(samba_lma)] = { 0xff, 0xff, 0xff, 0xff, 0xff };
	memcpy(buf + 5, samba_lma, sizeof(samba_lma));
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(fh_feed_skipped(&ff, NL_UDP, 0, PORT, PORT, buf, sizeof(buf), 5), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "nbdgm.browser_command"), "Local Master Announcement");
	ck_assert_str_eq(fh_str(&ff, "nbdgm.server"), "NBHOSTA");
	fh_close(&ff);
}
END_TEST

static Suite *nbdgm_suite(void)
{
	Suite *s = suite_create("nbdgm");
	TCase *tc = tcase_create("nbdgm");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_descriptor);
	tcase_add_test(tc, test_samba_host_announcement);
	tcase_add_test(tc, test_samba_election_flow);
	tcase_add_test(tc, test_windows_xp);
	tcase_add_test(tc, test_other_types);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_bad_user_data);
	tcase_add_test(tc, test_truncations);
	tcase_add_test(tc, test_not_mine);
	tcase_add_test(tc, test_abi_12_host);
	tcase_add_test(tc, test_mutations);
	tcase_add_test(tc, test_reader_offset);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(nbdgm_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
