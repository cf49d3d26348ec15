/*
 * test_snmp.c - unit tests of dissectors/snmp.c against the fake host.
 *
 * Real datagrams, captured by tests/integration/dpi-snmp.test (Debian 12,
 * net-snmp 5.9.3, 2026-12-06): snmpd as the agent, snmpget, snmpwalk,
 * snmpbulkget, snmpset, snmptrap and snmpinform as its peers, snmptrapd
 * as the receiver; shown as tshark 4.0 dissects them in the comments.
 * Crafted messages (BER corner cases) are built by build() below and said
 * so where used.
 *
 * Build: gcc -std=gnu11 -g -O1 -Wall -Wextra -Werror -I plugins -I tests/dissectors \
 *          -o test_snmp tests/dissectors/test_snmp.c dissectors/snmp.c $(pkg-config --cflags --libs check)
 */
#define _GNU_SOURCE
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fakehost.h"
#include "mutate.h"

const struct nl_dissector *netlens_dissector_entry(void);

#define PORT_C 46486
#define PORT_S 161

static const struct nl_dissector *D(void) { return netlens_dissector_entry(); }

/* tshark: "get-request", version-1, community public, request-id
 * 1204766551, sysDescr.0 and sysName.0. */
static const uint8_t v1_get[] = {
	0x30, 0x37, 0x02, 0x01, 0x00, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa0, 0x2a, 0x02,
	0x04, 0x47, 0xcf, 0x47, 0x57, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x1c, 0x30, 0x0c, 0x06,
	0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x05, 0x00, 0x30, 0x0c, 0x06, 0x08, 0x2b,
	0x06, 0x01, 0x02, 0x01, 0x01, 0x05, 0x00, 0x05, 0x00,
};
/* tshark: "get-response" to it, noError; sysDescr.0 = "Linux vm ...",
 * sysName.0 = "vm". */
static const uint8_t v1_resp[] = {
	0x30, 0x73, 0x02, 0x01, 0x00, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa2, 0x66, 0x02,
	0x04, 0x47, 0xcf, 0x47, 0x57, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x58, 0x30, 0x46, 0x06,
	0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x04, 0x3a, 0x4c, 0x69, 0x6e, 0x75, 0x78,
	0x20, 0x76, 0x6d, 0x20, 0x36, 0x2e, 0x31, 0x38, 0x2e, 0x34, 0x34, 0x2d, 0x66, 0x63, 0x2d, 0x76,
	0x31, 0x32, 0x37, 0x32, 0x20, 0x23, 0x31, 0x20, 0x53, 0x4d, 0x50, 0x20, 0x50, 0x52, 0x45, 0x45,
	0x4d, 0x50, 0x54, 0x5f, 0x44, 0x59, 0x4e, 0x41, 0x4d, 0x49, 0x43, 0x20, 0x40, 0x30, 0x20, 0x78,
	0x38, 0x36, 0x5f, 0x36, 0x34, 0x30, 0x0e, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x05,
	0x00, 0x04, 0x02, 0x76, 0x6d,
};
/* snmpwalk -v2c 1.3.6.1.2.1.1: "get-next-request", request-id 2140787160. */
static const uint8_t v2_getnext[] = {
	0x30, 0x27, 0x02, 0x01, 0x01, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa1, 0x1a, 0x02,
	0x04, 0x7f, 0x99, 0xd1, 0xd8, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x0c, 0x30, 0x0a, 0x06,
	0x06, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x05, 0x00,
};
/* snmpbulkget -Cn1 -Cr3: "getBulkRequest", request-id 1784940447,
 * 1.3.6.1.2.1.1.3 and 1.3.6.1.2.1.1. */
static const uint8_t v2_bulk[] = {
	0x30, 0x34, 0x02, 0x01, 0x01, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa5, 0x27, 0x02,
	0x04, 0x6a, 0x64, 0x07, 0x9f, 0x02, 0x01, 0x01, 0x02, 0x01, 0x03, 0x30, 0x19, 0x30, 0x0b, 0x06,
	0x07, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x03, 0x05, 0x00, 0x30, 0x0a, 0x06, 0x06, 0x2b, 0x06,
	0x01, 0x02, 0x01, 0x01, 0x05, 0x00,
};
/* Its "get-response": sysUpTime.0, sysDescr.0, sysObjectID.0, sysUpTime.0. */
static const uint8_t v2_bulk_resp[] = {
	0x30, 0x81, 0x9a, 0x02, 0x01, 0x01, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa2, 0x81,
	0x8c, 0x02, 0x04, 0x6a, 0x64, 0x07, 0x9f, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x7e, 0x30,
	0x0d, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x03, 0x00, 0x43, 0x01, 0x15, 0x30, 0x46,
	0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x04, 0x3a, 0x4c, 0x69, 0x6e, 0x75,
	0x78, 0x20, 0x76, 0x6d, 0x20, 0x36, 0x2e, 0x31, 0x38, 0x2e, 0x34, 0x34, 0x2d, 0x66, 0x63, 0x2d,
	0x76, 0x31, 0x32, 0x37, 0x32, 0x20, 0x23, 0x31, 0x20, 0x53, 0x4d, 0x50, 0x20, 0x50, 0x52, 0x45,
	0x45, 0x4d, 0x50, 0x54, 0x5f, 0x44, 0x59, 0x4e, 0x41, 0x4d, 0x49, 0x43, 0x20, 0x40, 0x30, 0x20,
	0x78, 0x38, 0x36, 0x5f, 0x36, 0x34, 0x30, 0x16, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01,
	0x02, 0x00, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0xbf, 0x08, 0x03, 0x02, 0x0a, 0x30, 0x0d,
	0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x03, 0x00, 0x43, 0x01, 0x15,
};
/* snmpset -v2c -c private sysDescr.0 s readonly: "set-request",
 * request-id 1126322418. */
static const uint8_t v2_set_ro[] = {
	0x30, 0x32, 0x02, 0x01, 0x01, 0x04, 0x07, 0x70, 0x72, 0x69, 0x76, 0x61, 0x74, 0x65, 0xa3, 0x24,
	0x02, 0x04, 0x43, 0x22, 0x50, 0xf2, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x16, 0x30, 0x14,
	0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x04, 0x08, 0x72, 0x65, 0x61, 0x64,
	0x6f, 0x6e, 0x6c, 0x79,
};
/* Its "get-response": error-status notWritable (17), error-index 1. The
 * error-status value is byte 24. */
static const uint8_t v2_set_ro_resp[] = {
	0x30, 0x32, 0x02, 0x01, 0x01, 0x04, 0x07, 0x70, 0x72, 0x69, 0x76, 0x61, 0x74, 0x65, 0xa2, 0x24,
	0x02, 0x04, 0x43, 0x22, 0x50, 0xf2, 0x02, 0x01, 0x11, 0x02, 0x01, 0x01, 0x30, 0x16, 0x30, 0x14,
	0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x04, 0x08, 0x72, 0x65, 0x61, 0x64,
	0x6f, 0x6e, 0x6c, 0x79,
};
#define SET_RO_RESP_STATUS 24
/* The same set in SNMPv1 (request-id 212241771) and its answer:
 * error-status noSuchName (2). */
static const uint8_t v1_set_ro[] = {
	0x30, 0x32, 0x02, 0x01, 0x00, 0x04, 0x07, 0x70, 0x72, 0x69, 0x76, 0x61, 0x74, 0x65, 0xa3, 0x24,
	0x02, 0x04, 0x0c, 0xa6, 0x8d, 0x6b, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x16, 0x30, 0x14,
	0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x04, 0x08, 0x72, 0x65, 0x61, 0x64,
	0x6f, 0x6e, 0x6c, 0x79,
};
static const uint8_t v1_set_ro_resp[] = {
	0x30, 0x32, 0x02, 0x01, 0x00, 0x04, 0x07, 0x70, 0x72, 0x69, 0x76, 0x61, 0x74, 0x65, 0xa2, 0x24,
	0x02, 0x04, 0x0c, 0xa6, 0x8d, 0x6b, 0x02, 0x01, 0x02, 0x02, 0x01, 0x01, 0x30, 0x16, 0x30, 0x14,
	0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x01, 0x00, 0x04, 0x08, 0x72, 0x65, 0x61, 0x64,
	0x6f, 0x6e, 0x6c, 0x79,
};
/* snmpget -v3 -l authNoPriv: first the discovery (RFC 3414 §4): msgFlags
 * 04 (reportable), USM with empty engine ID and user, "get-request"
 * request-id 1020006808 with no varbinds. */
static const uint8_t v3_discover[] = {
	0x30, 0x3e, 0x02, 0x01, 0x03, 0x30, 0x11, 0x02, 0x04, 0x30, 0xfe, 0x40, 0xd6, 0x02, 0x03, 0x00,
	0xff, 0xe3, 0x04, 0x01, 0x04, 0x02, 0x01, 0x03, 0x04, 0x10, 0x30, 0x0e, 0x04, 0x00, 0x02, 0x01,
	0x00, 0x02, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00, 0x04, 0x00, 0x30, 0x14, 0x04, 0x00, 0x04, 0x00,
	0xa0, 0x0e, 0x02, 0x04, 0x3c, 0xcc, 0x11, 0x98, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x00,
};
/* The agent's "report": engine ID 80001f88800cc978448c6b156b00000000,
 * usmStatsUnknownEngineIDs.0 (1.3.6.1.6.3.15.1.1.4.0). */
static const uint8_t v3_report[] = {
	0x30, 0x71, 0x02, 0x01, 0x03, 0x30, 0x11, 0x02, 0x04, 0x30, 0xfe, 0x40, 0xd6, 0x02, 0x03, 0x00,
	0xff, 0xe3, 0x04, 0x01, 0x00, 0x02, 0x01, 0x03, 0x04, 0x21, 0x30, 0x1f, 0x04, 0x11, 0x80, 0x00,
	0x1f, 0x88, 0x80, 0x0c, 0xc9, 0x78, 0x44, 0x8c, 0x6b, 0x15, 0x6b, 0x00, 0x00, 0x00, 0x00, 0x02,
	0x01, 0x01, 0x02, 0x01, 0x00, 0x04, 0x00, 0x04, 0x00, 0x04, 0x00, 0x30, 0x36, 0x04, 0x11, 0x80,
	0x00, 0x1f, 0x88, 0x80, 0x0c, 0xc9, 0x78, 0x44, 0x8c, 0x6b, 0x15, 0x6b, 0x00, 0x00, 0x00, 0x00,
	0x04, 0x00, 0xa8, 0x1f, 0x02, 0x04, 0x3c, 0xcc, 0x11, 0x98, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00,
	0x30, 0x11, 0x30, 0x0f, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x06, 0x03, 0x0f, 0x01, 0x01, 0x04, 0x00,
	0x41, 0x01, 0x01,
};
/* The real request: msgFlags 05 (auth, reportable), user nluser,
 * "get-request" request-id 1020006807, sysName.0; and the response. */
static const uint8_t v3_auth_get[] = {
	0x30, 0x81, 0x80, 0x02, 0x01, 0x03, 0x30, 0x11, 0x02, 0x04, 0x30, 0xfe, 0x40, 0xd5, 0x02, 0x03,
	0x00, 0xff, 0xe3, 0x04, 0x01, 0x05, 0x02, 0x01, 0x03, 0x04, 0x33, 0x30, 0x31, 0x04, 0x11, 0x80,
	0x00, 0x1f, 0x88, 0x80, 0x0c, 0xc9, 0x78, 0x44, 0x8c, 0x6b, 0x15, 0x6b, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x04, 0x06, 0x6e, 0x6c, 0x75, 0x73, 0x65, 0x72, 0x04, 0x0c,
	0x44, 0xf9, 0x34, 0xfa, 0xfb, 0x00, 0x81, 0x1a, 0x59, 0xd7, 0x7b, 0x67, 0x04, 0x00, 0x30, 0x33,
	0x04, 0x11, 0x80, 0x00, 0x1f, 0x88, 0x80, 0x0c, 0xc9, 0x78, 0x44, 0x8c, 0x6b, 0x15, 0x6b, 0x00,
	0x00, 0x00, 0x00, 0x04, 0x00, 0xa0, 0x1c, 0x02, 0x04, 0x3c, 0xcc, 0x11, 0x97, 0x02, 0x01, 0x00,
	0x02, 0x01, 0x00, 0x30, 0x0e, 0x30, 0x0c, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x05,
	0x00, 0x05, 0x00,
};
static const uint8_t v3_auth_resp[] = {
	0x30, 0x81, 0x82, 0x02, 0x01, 0x03, 0x30, 0x11, 0x02, 0x04, 0x30, 0xfe, 0x40, 0xd5, 0x02, 0x03,
	0x00, 0xff, 0xe3, 0x04, 0x01, 0x01, 0x02, 0x01, 0x03, 0x04, 0x33, 0x30, 0x31, 0x04, 0x11, 0x80,
	0x00, 0x1f, 0x88, 0x80, 0x0c, 0xc9, 0x78, 0x44, 0x8c, 0x6b, 0x15, 0x6b, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x04, 0x06, 0x6e, 0x6c, 0x75, 0x73, 0x65, 0x72, 0x04, 0x0c,
	0xbe, 0xb6, 0x4e, 0x4e, 0x72, 0x20, 0x06, 0x6e, 0xc7, 0x18, 0x90, 0xc0, 0x04, 0x00, 0x30, 0x35,
	0x04, 0x11, 0x80, 0x00, 0x1f, 0x88, 0x80, 0x0c, 0xc9, 0x78, 0x44, 0x8c, 0x6b, 0x15, 0x6b, 0x00,
	0x00, 0x00, 0x00, 0x04, 0x00, 0xa2, 0x1e, 0x02, 0x04, 0x3c, 0xcc, 0x11, 0x97, 0x02, 0x01, 0x00,
	0x02, 0x01, 0x00, 0x30, 0x10, 0x30, 0x0e, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x05,
	0x00, 0x04, 0x02, 0x76, 0x6d,
};
/* snmpget -v3 -l authPriv: msgFlags 07, user nluser, encryptedPDU (AES);
 * and the encrypted response (msgFlags 03). */
static const uint8_t v3_priv_get[] = {
	0x30, 0x81, 0x8a, 0x02, 0x01, 0x03, 0x30, 0x11, 0x02, 0x04, 0x54, 0x76, 0x88, 0x50, 0x02, 0x03,
	0x00, 0xff, 0xe3, 0x04, 0x01, 0x07, 0x02, 0x01, 0x03, 0x04, 0x3b, 0x30, 0x39, 0x04, 0x11, 0x80,
	0x00, 0x1f, 0x88, 0x80, 0x0c, 0xc9, 0x78, 0x44, 0x8c, 0x6b, 0x15, 0x6b, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x04, 0x06, 0x6e, 0x6c, 0x75, 0x73, 0x65, 0x72, 0x04, 0x0c,
	0xdf, 0x94, 0x6b, 0x83, 0x97, 0xf1, 0x9f, 0xda, 0xe5, 0x9f, 0xd4, 0x9c, 0x04, 0x08, 0xb2, 0xa6,
	0x80, 0x68, 0x3b, 0xc9, 0x90, 0x3d, 0x04, 0x35, 0xce, 0x21, 0x87, 0x0a, 0xe7, 0x5f, 0x7e, 0x72,
	0xff, 0x62, 0x2c, 0x21, 0x8d, 0x72, 0x09, 0x24, 0xd5, 0x69, 0x20, 0xc2, 0xe9, 0x3d, 0xe7, 0xfc,
	0x4b, 0x78, 0xed, 0xd5, 0x71, 0xa4, 0x0c, 0xea, 0xef, 0xaa, 0x7c, 0xec, 0x3c, 0x17, 0x44, 0x7b,
	0x00, 0xcf, 0x58, 0x7a, 0x9f, 0xaf, 0xc7, 0xa3, 0x4c, 0x76, 0x51, 0xa9, 0xb3,
};
static const uint8_t v3_priv_resp[] = {
	0x30, 0x81, 0x8c, 0x02, 0x01, 0x03, 0x30, 0x11, 0x02, 0x04, 0x54, 0x76, 0x88, 0x50, 0x02, 0x03,
	0x00, 0xff, 0xe3, 0x04, 0x01, 0x03, 0x02, 0x01, 0x03, 0x04, 0x3b, 0x30, 0x39, 0x04, 0x11, 0x80,
	0x00, 0x1f, 0x88, 0x80, 0x0c, 0xc9, 0x78, 0x44, 0x8c, 0x6b, 0x15, 0x6b, 0x00, 0x00, 0x00, 0x00,
	0x02, 0x01, 0x01, 0x02, 0x01, 0x00, 0x04, 0x06, 0x6e, 0x6c, 0x75, 0x73, 0x65, 0x72, 0x04, 0x0c,
	0x51, 0x85, 0x6b, 0xbc, 0x29, 0x9c, 0x4f, 0xb4, 0x89, 0x97, 0x5b, 0x12, 0x04, 0x08, 0x6a, 0x6d,
	0x87, 0x37, 0x97, 0xc6, 0x7e, 0x13, 0x04, 0x37, 0x29, 0x8b, 0x51, 0xd4, 0x78, 0x7c, 0x58, 0x1f,
	0x88, 0xba, 0xc4, 0x08, 0x10, 0x00, 0xd8, 0x6b, 0x10, 0xd0, 0x6b, 0x2e, 0xdf, 0xf5, 0x11, 0xeb,
	0xd6, 0xed, 0x53, 0x92, 0x01, 0xa0, 0x38, 0x65, 0x93, 0x3d, 0xab, 0x91, 0x07, 0x03, 0x18, 0x56,
	0x18, 0x76, 0xde, 0xef, 0x1b, 0x68, 0x2a, 0xa4, 0x8e, 0x74, 0x83, 0xab, 0x35, 0xce, 0xf3,
};
/* snmptrap -v2c -c public '' 1.3.6.1.6.3.1.1.5.1 (coldStart), to port
 * 162: "snmpV2-trap", request-id 516377829, sysUpTime.0 and snmpTrapOID.0. */
static const uint8_t v2_trap[] = {
	0x30, 0x45, 0x02, 0x01, 0x01, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa7, 0x38, 0x02,
	0x04, 0x1e, 0xc7, 0x4c, 0xe5, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x2a, 0x30, 0x0f, 0x06,
	0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x03, 0x00, 0x43, 0x03, 0x3c, 0xa4, 0xee, 0x30, 0x17,
	0x06, 0x0a, 0x2b, 0x06, 0x01, 0x06, 0x03, 0x01, 0x01, 0x04, 0x01, 0x00, 0x06, 0x09, 0x2b, 0x06,
	0x01, 0x06, 0x03, 0x01, 0x01, 0x05, 0x01,
};
/* snmpinform: "informRequest" request-id 1141002119, sysUpTime.0,
 * snmpTrapOID.0, sysName.0; and snmptrapd's "get-response". */
static const uint8_t v2_inform[] = {
	0x30, 0x58, 0x02, 0x01, 0x01, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa6, 0x4b, 0x02,
	0x04, 0x44, 0x02, 0x4f, 0x87, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x3d, 0x30, 0x0f, 0x06,
	0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x03, 0x00, 0x43, 0x03, 0x3c, 0xa4, 0xf2, 0x30, 0x17,
	0x06, 0x0a, 0x2b, 0x06, 0x01, 0x06, 0x03, 0x01, 0x01, 0x04, 0x01, 0x00, 0x06, 0x09, 0x2b, 0x06,
	0x01, 0x06, 0x03, 0x01, 0x01, 0x05, 0x02, 0x30, 0x11, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01,
	0x01, 0x05, 0x00, 0x04, 0x05, 0x61, 0x67, 0x65, 0x6e, 0x74,
};
static const uint8_t v2_inform_resp[] = {
	0x30, 0x58, 0x02, 0x01, 0x01, 0x04, 0x06, 0x70, 0x75, 0x62, 0x6c, 0x69, 0x63, 0xa2, 0x4b, 0x02,
	0x04, 0x44, 0x02, 0x4f, 0x87, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00, 0x30, 0x3d, 0x30, 0x0f, 0x06,
	0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x03, 0x00, 0x43, 0x03, 0x3c, 0xa4, 0xf2, 0x30, 0x17,
	0x06, 0x0a, 0x2b, 0x06, 0x01, 0x06, 0x03, 0x01, 0x01, 0x04, 0x01, 0x00, 0x06, 0x09, 0x2b, 0x06,
	0x01, 0x06, 0x03, 0x01, 0x01, 0x05, 0x02, 0x30, 0x11, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x02, 0x01,
	0x01, 0x05, 0x00, 0x04, 0x05, 0x61, 0x67, 0x65, 0x6e, 0x74,
};
/* snmptrap -v1 -c traps 1.3.6.1.4.1.8072.3.2.10 ADDR 6 17 '' sysLocation.0
 * s here: "trap" (no request-id), enterprise-specific 17. */
static const uint8_t v1_trap[] = {
	0x30, 0x3d, 0x02, 0x01, 0x00, 0x04, 0x05, 0x74, 0x72, 0x61, 0x70, 0x73, 0xa4, 0x31, 0x06, 0x0a,
	0x2b, 0x06, 0x01, 0x04, 0x01, 0xbf, 0x08, 0x03, 0x02, 0x0a, 0x40, 0x04, 0x0a, 0xe7, 0x00, 0x02,
	0x02, 0x01, 0x06, 0x02, 0x01, 0x11, 0x43, 0x03, 0x3c, 0xa4, 0xf3, 0x30, 0x12, 0x30, 0x10, 0x06,
	0x08, 0x2b, 0x06, 0x01, 0x02, 0x01, 0x01, 0x06, 0x00, 0x04, 0x04, 0x68, 0x65, 0x72, 0x65,
};

#define ENGINE "80001f88800cc978448c6b156b00000000"

struct vec {
	const char *name;
	const uint8_t *b;
	size_t len;
};
#define V(x) { #x, x, sizeof(x) }
static const struct vec all[] = {
	V(v1_get), V(v1_resp), V(v2_getnext), V(v2_bulk), V(v2_bulk_resp), V(v2_set_ro), V(v2_set_ro_resp),
	V(v1_set_ro), V(v1_set_ro_resp), V(v3_discover), V(v3_report), V(v3_auth_get), V(v3_auth_resp),
	V(v3_priv_get), V(v3_priv_resp), V(v2_trap), V(v2_inform), V(v2_inform_resp), V(v1_trap),
};

static enum nl_verdict feed_p(struct fh_flow *ff, int from_client, uint16_t cport, uint16_t sport,
			      const void *b, size_t n)
{
	return fh_feed(ff, NL_UDP, from_client, from_client ? cport : sport, from_client ? sport : cport, b, n,
		       0);
}

static enum nl_verdict feed(struct fh_flow *ff, int from_client, const void *b, size_t n)
{
	return feed_p(ff, from_client, PORT_C, PORT_S, b, n);
}

static uint64_t u64(const struct fh_flow *ff, const char *key)
{
	int found = 0;
	uint64_t v = fh_u64(ff, key, &found);
	ck_assert_msg(found, "%s not set", key);
	return v;
}

/* The OIDs field is exactly the NULL-terminated list want. */
static void oids_are(const struct fh_flow *ff, const char *const *want)
{
	size_t i = 0;
	for (; want[i]; i++) {
		const char *got = fh_list(ff, "snmp.oids", i);
		ck_assert_msg(got && !strcmp(got, want[i]), "oid %zu: %s, want %s", i, got ? got : "(none)",
			      want[i]);
	}
	ck_assert_ptr_null(fh_list(ff, "snmp.oids", i));
}

/* Crafted messages: a TLV with a definite length in the shortest form. */
static size_t tlv(uint8_t *out, uint8_t tag, const uint8_t *val, size_t n)
{
	size_t h = 0;
	out[h++] = tag;
	if (n < 0x80)
		out[h++] = (uint8_t)n;
	else if (n < 0x100)
		out[h++] = 0x81, out[h++] = (uint8_t)n;
	else
		out[h++] = 0x82, out[h++] = (uint8_t)(n >> 8), out[h++] = (uint8_t)n;
	memmove(out + h, val, n);
	return h + n;
}

/* A v2c message with community "public" and a PDU of the given tag whose
 * request-id, error-status and error-index are the given INTEGER
 * encodings, and whose varbind list is vbl (its contents). */
static size_t build(uint8_t *out, uint8_t version, uint8_t pdu_tag, const uint8_t *ints, size_t ints_len,
		    const uint8_t *vbl, size_t vbl_len)
{
	static uint8_t pdu[4096], msg[4096];
	size_t n = 0;
	memcpy(pdu, ints, ints_len);
	n = ints_len + tlv(pdu + ints_len, 0x30, vbl, vbl_len);
	size_t m = 0;
	msg[m++] = 0x02, msg[m++] = 0x01, msg[m++] = version;
	m += tlv(msg + m, 0x04, (const uint8_t *)"public", 6);
	m += tlv(msg + m, pdu_tag, pdu, n);
	return tlv(out, 0x30, msg, m);
}

static const uint8_t ints_ok[] = { 0x02, 0x01, 0x07, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00 };

/* A varbind list of one OID (its contents) with a NULL value. */
static size_t one_varbind(uint8_t *out, const uint8_t *oid, size_t n)
{
	uint8_t vb[1024];
	size_t k = tlv(vb, 0x06, oid, n);
	vb[k++] = 0x05, vb[k++] = 0x00;
	return tlv(out, 0x30, vb, k);
}

/* The verdict for a crafted get-request with one OID; sets *text to the
 * OID shown (or NULL). */
static enum nl_verdict try_oid(const uint8_t *oid, size_t n, char *text, size_t size)
{
	static uint8_t vbl[1024], m[4096];
	size_t vl = one_varbind(vbl, oid, n);
	size_t ml = build(m, 1, 0xa0, ints_ok, sizeof(ints_ok), vbl, vl);
	struct fh_flow ff;
	fh_open(&ff, D());
	enum nl_verdict r = feed(&ff, 1, m, ml);
	const char *got = fh_list(&ff, "snmp.oids", 0);
	snprintf(text, size, "%s", got ? got : "");
	ck_assert_int_eq(ff.f.errors, 0);
	if (r == NL_MALFORMED)
		ck_assert(fh_no_fields(&ff));
	fh_close(&ff);
	return r;
}

START_TEST(test_descriptor)
{
	const struct nl_dissector *d = D();
	ck_assert_str_eq(d->name, "snmp");
	ck_assert_str_eq(d->display, "SNMP");
	ck_assert_str_eq(d->version, "1.0.0");
	ck_assert_str_eq(d->license, "MIT");
	ck_assert_uint_eq(d->transports, NL_UDP);
	ck_assert_uint_eq(d->flags, 0);
	ck_assert_uint_eq(d->n_port_hints, 2);
	ck_assert_uint_eq(d->port_hints[0], 161);
	ck_assert_uint_eq(d->port_hints[1], 162);
	ck_assert_uint_eq(d->idle_timeout_s, 60);
	ck_assert_uint_eq(d->packet_budget, 16);
	ck_assert_int_eq(d->domain_field, -1);
	ck_assert_uint_le(d->state_size, 16);
	static const char *const keys[] = { "snmp.version", "snmp.community", "snmp.pdu_type",
					    "snmp.request_id", "snmp.error_status", "snmp.oids",
					    "snmp.user", "snmp.engine_id" };
	static const uint16_t types[] = { NL_FIELD_STR, NL_FIELD_STR, NL_FIELD_STR, NL_FIELD_U64,
					  NL_FIELD_STR, NL_FIELD_STR_LIST, NL_FIELD_STR, NL_FIELD_STR };
	ck_assert_uint_eq(d->n_fields, sizeof(keys) / sizeof(keys[0]));
	for (uint16_t i = 0; i < d->n_fields; i++) {
		ck_assert_uint_eq(d->fields[i].id, i);
		ck_assert_str_eq(d->fields[i].key, keys[i]);
		ck_assert_uint_eq(d->fields[i].type, types[i]);
	}
}
END_TEST

/* tshark: frames 1-2, v1 get-request and get-response. */
START_TEST(test_v1_get)
{
	static const char *const oids[] = { "1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.5.0", NULL };
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 1, v1_get, sizeof(v1_get)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "SNMP_GET");
	ck_assert_str_eq(fh_str(&ff, "snmp.version"), "v1");
	ck_assert_str_eq(fh_str(&ff, "snmp.community"), "public");
	ck_assert_str_eq(fh_str(&ff, "snmp.pdu_type"), "get-request");
	ck_assert_uint_eq(u64(&ff, "snmp.request_id"), 1204766551);
	oids_are(&ff, oids);
	ck_assert(!fh_is_set(&ff, "snmp.error_status"));
	ck_assert(!fh_is_set(&ff, "snmp.user"));
	ck_assert(!fh_is_set(&ff, "snmp.engine_id"));

	ck_assert_int_eq(feed(&ff, 0, v1_resp, sizeof(v1_resp)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "SNMP_RESPONSE");
	ck_assert_str_eq(fh_str(&ff, "snmp.version"), "v1");
	ck_assert_str_eq(fh_str(&ff, "snmp.community"), "public");
	ck_assert_str_eq(fh_str(&ff, "snmp.pdu_type"), "get-response");
	ck_assert_uint_eq(u64(&ff, "snmp.request_id"), 1204766551);
	oids_are(&ff, oids);
	ck_assert(!fh_is_set(&ff, "snmp.error_status"));	/* noError is not shown */
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}
END_TEST

/* A get-next and a get-bulk with its answer (frames 3, 79, 80). */
START_TEST(test_v2c_getnext_bulk)
{
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 1, v2_getnext, sizeof(v2_getnext)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "SNMP_GETNEXT");
	ck_assert_str_eq(fh_str(&ff, "snmp.version"), "v2c");
	ck_assert_str_eq(fh_str(&ff, "snmp.pdu_type"), "get-next-request");
	ck_assert_uint_eq(u64(&ff, "snmp.request_id"), 2140787160);
	static const char *const o1[] = { "1.3.6.1.2.1.1", NULL };
	oids_are(&ff, o1);
	fh_close(&ff);

	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 1, v2_bulk, sizeof(v2_bulk)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "SNMP_GETBULK");
	ck_assert_str_eq(fh_str(&ff, "snmp.pdu_type"), "getBulkRequest");
	ck_assert_str_eq(fh_str(&ff, "snmp.community"), "public");
	ck_assert_uint_eq(u64(&ff, "snmp.request_id"), 1784940447);
	static const char *const o2[] = { "1.3.6.1.2.1.1.3", "1.3.6.1.2.1.1", NULL };
	oids_are(&ff, o2);
	ck_assert_int_eq(feed(&ff, 0, v2_bulk_resp, sizeof(v2_bulk_resp)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "SNMP_RESPONSE");
	ck_assert_str_eq(fh_str(&ff, "snmp.pdu_type"), "get-response");
	ck_assert_uint_eq(u64(&ff, "snmp.request_id"), 1784940447);
	/* Distinct, in order seen: sysUpTime.0 twice in the answer, once here. */
	static const char *const o3[] = { "1.3.6.1.2.1.1.3", "1.3.6.1.2.1.1", "1.3.6.1.2.1.1.3.0",
					  "1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.2.0", NULL };
	oids_are(&ff, o3);
	ck_assert(!fh_is_set(&ff, "snmp.error_status"));
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}
END_TEST

/* snmpset on a read-only object: notWritable (v2c), noSuchName (v1). */
START_TEST(test_set_errors)
{
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 1, v2_set_ro, sizeof(v2_set_ro)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "SNMP_SET");
	ck_assert_str_eq(fh_str(&ff, "snmp.pdu_type"), "set-request");
	ck_assert_str_eq(fh_str(&ff, "snmp.community"), "private");
	ck_assert_uint_eq(u64(&ff, "snmp.request_id"), 1126322418);
	ck_assert(!fh_is_set(&ff, "snmp.error_status"));
	ck_assert_int_eq(feed(&ff, 0, v2_set_ro_resp, sizeof(v2_set_ro_resp)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "SNMP_RESPONSE");
	ck_assert_str_eq(fh_str(&ff, "snmp.error_status"), "notWritable");
	static const char *const o[] = { "1.3.6.1.2.1.1.1.0", NULL };
	oids_are(&ff, o);
	/* A later answer without error leaves the last error shown. */
	ck_assert_int_eq(feed(&ff, 0, v1_resp, sizeof(v1_resp)), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "snmp.error_status"), "notWritable");
	ck_assert_str_eq(fh_str(&ff, "snmp.community"), "private");	/* the first one seen */
	ck_assert_str_eq(fh_str(&ff, "snmp.version"), "v1");
	ck_assert_uint_eq(u64(&ff, "snmp.request_id"), 1204766551);
	fh_close(&ff);

	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 1, v1_set_ro, sizeof(v1_set_ro)), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "snmp.version"), "v1");
	ck_assert_uint_eq(u64(&ff, "snmp.request_id"), 212241771);
	ck_assert_int_eq(feed(&ff, 0, v1_set_ro_resp, sizeof(v1_set_ro_resp)), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "snmp.error_status"), "noSuchName");
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);

	/* Every error-status tshark names, and one it does not (crafted from
	 * the real answer). */
	static const char *const names[] = {
		"noError", "tooBig", "noSuchName", "badValue", "readOnly", "genErr", "noAccess",
		"wrongType", "wrongLength", "wrongEncoding", "wrongValue", "noCreation",
		"inconsistentValue", "resourceUnavailable", "commitFailed", "undoFailed",
		"authorizationError", "notWritable", "inconsistentName", "unknown (19)", "unknown (127)",
	};
	for (unsigned st = 1; st < sizeof(names) / sizeof(names[0]); st++) {
		uint8_t m[sizeof(v2_set_ro_resp)];
		memcpy(m, v2_set_ro_resp, sizeof(m));
		m[SET_RO_RESP_STATUS] = (uint8_t)(st == 20 ? 127 : st);
		fh_open(&ff, D());
		ck_assert_int_eq(feed(&ff, 0, m, sizeof(m)), NL_NEED_MORE);
		ck_assert_str_eq(fh_str(&ff, "snmp.error_status"), names[st]);
		fh_close(&ff);
	}
	/* An error-status in a request (not a Response) is not shown. */
	uint8_t m[sizeof(v2_set_ro_resp)];
	memcpy(m, v2_set_ro_resp, sizeof(m));
	m[14] = 0xa3;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 1, m, sizeof(m)), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "snmp.pdu_type"), "set-request");
	ck_assert(!fh_is_set(&ff, "snmp.error_status"));
	fh_close(&ff);
}
END_TEST

/* snmpget -v3 authNoPriv: discovery, report, request, response (frames 87-90). */
START_TEST(test_v3_auth)
{
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 1, v3_discover, sizeof(v3_discover)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "SNMP_GET");
	ck_assert_str_eq(fh_str(&ff, "snmp.version"), "v3");
	ck_assert_str_eq(fh_str(&ff, "snmp.pdu_type"), "get-request");
	ck_assert_uint_eq(u64(&ff, "snmp.request_id"), 1020006808);
	ck_assert(!fh_is_set(&ff, "snmp.user"));	/* empty in a discovery */
	ck_assert(!fh_is_set(&ff, "snmp.engine_id"));
	ck_assert(!fh_is_set(&ff, "snmp.oids"));	/* no varbinds */
	ck_assert(!fh_is_set(&ff, "snmp.community"));

	ck_assert_int_eq(feed(&ff, 0, v3_report, sizeof(v3_report)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "SNMP_REPORT");
	ck_assert_str_eq(fh_str(&ff, "snmp.pdu_type"), "report");
	ck_assert_str_eq(fh_str(&ff, "snmp.engine_id"), ENGINE);
	ck_assert(!fh_is_set(&ff, "snmp.user"));
	static const char *const o1[] = { "1.3.6.1.6.3.15.1.1.4.0", NULL };
	oids_are(&ff, o1);

	ck_assert_int_eq(feed(&ff, 1, v3_auth_get, sizeof(v3_auth_get)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "SNMP_GET");
	ck_assert_str_eq(fh_str(&ff, "snmp.user"), "nluser");
	ck_assert_uint_eq(u64(&ff, "snmp.request_id"), 1020006807);
	ck_assert_int_eq(feed(&ff, 0, v3_auth_resp, sizeof(v3_auth_resp)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "SNMP_RESPONSE");
	ck_assert_str_eq(fh_str(&ff, "snmp.pdu_type"), "get-response");
	ck_assert_str_eq(fh_str(&ff, "snmp.user"), "nluser");
	ck_assert_str_eq(fh_str(&ff, "snmp.engine_id"), ENGINE);
	ck_assert_str_eq(fh_str(&ff, "snmp.version"), "v3");
	static const char *const o2[] = { "1.3.6.1.6.3.15.1.1.4.0", "1.3.6.1.2.1.1.5.0", NULL };
	oids_are(&ff, o2);
	ck_assert(!fh_is_set(&ff, "snmp.community"));
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}
END_TEST

/* snmpget -v3 authPriv: the PDU is encrypted (frames 93-94). */
START_TEST(test_v3_priv)
{
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 1, v3_priv_get, sizeof(v3_priv_get)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "SNMP_ENCRYPTED");
	ck_assert_str_eq(fh_str(&ff, "snmp.version"), "v3");
	ck_assert_str_eq(fh_str(&ff, "snmp.pdu_type"), "encrypted");
	ck_assert_str_eq(fh_str(&ff, "snmp.user"), "nluser");
	ck_assert_str_eq(fh_str(&ff, "snmp.engine_id"), ENGINE);
	ck_assert(!fh_is_set(&ff, "snmp.request_id"));
	ck_assert(!fh_is_set(&ff, "snmp.oids"));
	ck_assert_int_eq(feed(&ff, 0, v3_priv_resp, sizeof(v3_priv_resp)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "SNMP_ENCRYPTED");
	ck_assert(!fh_is_set(&ff, "snmp.request_id"));
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
	/* After a plaintext exchange, the encrypted one keeps the earlier
	 * request-id and OIDs and says "encrypted". */
	fh_open(&ff, D());
	feed(&ff, 1, v3_discover, sizeof(v3_discover));
	feed(&ff, 0, v3_report, sizeof(v3_report));
	ck_assert_int_eq(feed(&ff, 1, v3_priv_get, sizeof(v3_priv_get)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "SNMP_ENCRYPTED");
	ck_assert_str_eq(fh_str(&ff, "snmp.pdu_type"), "encrypted");
	ck_assert_uint_eq(u64(&ff, "snmp.request_id"), 1020006808);
	static const char *const o[] = { "1.3.6.1.6.3.15.1.1.4.0", NULL };
	oids_are(&ff, o);
	fh_close(&ff);
}
END_TEST

/* Notifications to port 162: v2 trap, inform and answer, v1 trap. */
START_TEST(test_traps)
{
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed_p(&ff, 1, 38806, 162, v2_trap, sizeof(v2_trap)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "SNMP_TRAP");
	ck_assert_str_eq(fh_str(&ff, "snmp.pdu_type"), "snmpV2-trap");
	ck_assert_str_eq(fh_str(&ff, "snmp.version"), "v2c");
	ck_assert_str_eq(fh_str(&ff, "snmp.community"), "public");
	ck_assert_uint_eq(u64(&ff, "snmp.request_id"), 516377829);
	static const char *const o1[] = { "1.3.6.1.2.1.1.3.0", "1.3.6.1.6.3.1.1.4.1.0", NULL };
	oids_are(&ff, o1);
	fh_close(&ff);

	fh_open(&ff, D());
	ck_assert_int_eq(feed_p(&ff, 1, 53174, 162, v2_inform, sizeof(v2_inform)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "SNMP_INFORM");
	ck_assert_str_eq(fh_str(&ff, "snmp.pdu_type"), "informRequest");
	ck_assert_uint_eq(u64(&ff, "snmp.request_id"), 1141002119);
	ck_assert_int_eq(feed_p(&ff, 0, 53174, 162, v2_inform_resp, sizeof(v2_inform_resp)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "SNMP_RESPONSE");
	static const char *const o2[] = { "1.3.6.1.2.1.1.3.0", "1.3.6.1.6.3.1.1.4.1.0", "1.3.6.1.2.1.1.5.0",
					  NULL };
	oids_are(&ff, o2);
	fh_close(&ff);

	fh_open(&ff, D());
	ck_assert_int_eq(feed_p(&ff, 1, 38081, 162, v1_trap, sizeof(v1_trap)), NL_NEED_MORE);
	ck_assert_str_eq(ff.f.state, "SNMP_TRAP");
	ck_assert_str_eq(fh_str(&ff, "snmp.pdu_type"), "trap");
	ck_assert_str_eq(fh_str(&ff, "snmp.version"), "v1");
	ck_assert_str_eq(fh_str(&ff, "snmp.community"), "traps");
	ck_assert(!fh_is_set(&ff, "snmp.request_id"));	/* a v1 Trap has none */
	static const char *const o3[] = { "1.3.6.1.2.1.1.6.0", NULL };	/* not the enterprise */
	oids_are(&ff, o3);
	ck_assert_int_eq(ff.f.errors, 0);
	fh_close(&ff);
}
END_TEST

/* Every truncation of every vector: malformed with nothing set on a new
 * flow, passed over with nothing changed on a proven one; in full, read. */
START_TEST(test_truncations)
{
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		for (size_t n = 0; n <= all[i].len; n++) {
			uint8_t *copy = malloc(n ? n : 1);	/* exact size, for ASan */
			memcpy(copy, all[i].b, n);
			struct fh_flow ff;
			fh_open(&ff, D());
			enum nl_verdict r = feed(&ff, 1, copy, n);
			if (n < all[i].len) {
				ck_assert_msg(r == NL_MALFORMED, "%s cut at %zu: verdict %d", all[i].name, n, r);
				ck_assert(fh_no_fields(&ff));
				ck_assert_str_eq(ff.f.state, "");
			} else {
				ck_assert_int_eq(r, NL_NEED_MORE);
				ck_assert(fh_is_set(&ff, "snmp.version"));
				ck_assert(fh_is_set(&ff, "snmp.pdu_type"));
			}
			fh_close(&ff);

			fh_open(&ff, D());
			feed(&ff, 1, v1_get, sizeof(v1_get));
			feed(&ff, 0, v1_resp, sizeof(v1_resp));
			struct fh_flow before = ff;
			r = feed(&ff, 0, copy, n);
			ck_assert_int_eq(r, NL_NEED_MORE);
			if (n < all[i].len)
				ck_assert(fh_same_results(&ff, &before));
			ck_assert_int_eq(ff.f.errors, 0);
			fh_close(&ff);
			free(copy);
		}
	}
}
END_TEST

/* BER corner cases, crafted: lengths, integers, tags, structure. */
START_TEST(test_ber_strict)
{
	uint8_t m[sizeof(v1_get) + 8];
	struct fh_flow ff;

	/* The outer length in long form (81 37), and with 4 length bytes:
	 * definite, accepted. */
	size_t k = 0;
	m[k++] = 0x30, m[k++] = 0x81, m[k++] = 0x37;
	memcpy(m + k, v1_get + 2, sizeof(v1_get) - 2);
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 1, m, sizeof(v1_get) + 1), NL_NEED_MORE);
	ck_assert_uint_eq(u64(&ff, "snmp.request_id"), 1204766551);
	fh_close(&ff);
	k = 0;
	m[k++] = 0x30, m[k++] = 0x84, m[k++] = 0, m[k++] = 0, m[k++] = 0, m[k++] = 0x37;
	memcpy(m + k, v1_get + 2, sizeof(v1_get) - 2);
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 1, m, sizeof(v1_get) + 4), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "snmp.community"), "public");
	fh_close(&ff);
	/* 5 length bytes, the indefinite form, a length past the data. */
	static const uint8_t bad_len[][2] = { { 0x85, 0 }, { 0x80, 0 }, { 0x38, 0 }, { 0xff, 0 } };
	for (size_t i = 0; i < sizeof(bad_len) / sizeof(bad_len[0]); i++) {
		memcpy(m, v1_get, sizeof(v1_get));
		m[1] = bad_len[i][0];
		fh_open(&ff, D());
		ck_assert_int_eq(feed(&ff, 1, m, sizeof(v1_get)), NL_MALFORMED);
		ck_assert(fh_no_fields(&ff));
		fh_close(&ff);
	}
	/* Bytes after the message are not read. */
	memcpy(m, v1_get, sizeof(v1_get));
	memset(m + sizeof(v1_get), 0xee, 8);
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 1, m, sizeof(v1_get) + 8), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "snmp.pdu_type"), "get-request");
	fh_close(&ff);

	/* Versions: 2 (SNMPv2u) and 4 are not read; not a SEQUENCE; a PDU
	 * tag out of [0]..[8]; a high tag number. */
	static const struct { size_t at; uint8_t b; } bad[] = {
		{ 4, 2 }, { 4, 4 }, { 4, 0xff }, { 0, 0x31 }, { 0, 0x1f }, { 13, 0xa9 }, { 13, 0x80 },
		{ 5, 0x1f }, { 2, 0x03 }, { 31, 0x04 }, { 29, 0x31 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(m, v1_get, sizeof(v1_get));
		m[bad[i].at] = bad[i].b;
		fh_open(&ff, D());
		ck_assert_msg(feed(&ff, 1, m, sizeof(v1_get)) == NL_MALFORMED, "byte %zu = %02x", bad[i].at, bad[i].b);
		ck_assert(fh_no_fields(&ff));
		fh_close(&ff);
	}

	/* INTEGERs: 8 bytes read, 9 not; empty not; negative request-id not shown. */
	static uint8_t vbl[2048], msg[4096];
	size_t vl = one_varbind(vbl, (const uint8_t *)"\x2b\x06\x01", 3);
	static const uint8_t int8[] = { 0x02, 0x08, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					0x02, 0x01, 0x00, 0x02, 0x01, 0x00 };
	size_t ml = build(msg, 1, 0xa0, int8, sizeof(int8), vbl, vl);
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 1, msg, ml), NL_NEED_MORE);
	ck_assert_uint_eq(u64(&ff, "snmp.request_id"), 0x7fffffffffffffffull);
	ck_assert_str_eq(fh_list(&ff, "snmp.oids", 0), "1.3.6.1");
	fh_close(&ff);
	static const uint8_t int9[] = { 0x02, 0x09, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					0x02, 0x01, 0x00, 0x02, 0x01, 0x00 };
	static const uint8_t int0[] = { 0x02, 0x00, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00 };
	static const uint8_t twoints[] = { 0x02, 0x01, 0x07, 0x02, 0x01, 0x00 };
	static const uint8_t notint[] = { 0x04, 0x01, 0x07, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00 };
	const struct { const uint8_t *b; size_t n; } badints[] = {
		{ int9, sizeof(int9) }, { int0, sizeof(int0) }, { twoints, sizeof(twoints) }, { notint, sizeof(notint) },
	};
	for (size_t i = 0; i < sizeof(badints) / sizeof(badints[0]); i++) {
		ml = build(msg, 1, 0xa0, badints[i].b, badints[i].n, vbl, vl);
		fh_open(&ff, D());
		ck_assert_int_eq(feed(&ff, 1, msg, ml), NL_MALFORMED);
		ck_assert(fh_no_fields(&ff));
		fh_close(&ff);
	}
	static const uint8_t negid[] = { 0x02, 0x01, 0xfe, 0x02, 0x01, 0x00, 0x02, 0x01, 0x00 };
	ml = build(msg, 1, 0xa0, negid, sizeof(negid), vbl, vl);
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 1, msg, ml), NL_NEED_MORE);
	ck_assert(!fh_is_set(&ff, "snmp.request_id"));
	ck_assert_str_eq(fh_str(&ff, "snmp.pdu_type"), "get-request");
	fh_close(&ff);

	/* A varbind with a third element, or without a value; a name that is
	 * not an OID. */
	static const uint8_t vb3[] = { 0x30, 0x09, 0x06, 0x02, 0x2b, 0x06, 0x05, 0x00, 0x05, 0x00, 0x00 };
	static const uint8_t vb1[] = { 0x30, 0x04, 0x06, 0x02, 0x2b, 0x06 };
	static const uint8_t vbs[] = { 0x30, 0x06, 0x04, 0x02, 0x2b, 0x06, 0x05, 0x00 };
	static const uint8_t vbn[] = { 0x05, 0x00 };
	const struct { const uint8_t *b; size_t n; } badvb[] = {
		{ vb3, sizeof(vb3) - 1 }, { vb1, sizeof(vb1) }, { vbs, sizeof(vbs) }, { vbn, sizeof(vbn) },
	};
	for (size_t i = 0; i < sizeof(badvb) / sizeof(badvb[0]); i++) {
		ml = build(msg, 1, 0xa0, ints_ok, sizeof(ints_ok), badvb[i].b, badvb[i].n);
		fh_open(&ff, D());
		ck_assert_msg(feed(&ff, 1, msg, ml) == NL_MALFORMED, "varbind %zu", i);
		ck_assert(fh_no_fields(&ff));
		fh_close(&ff);
	}

	/* 64 varbinds are read (16 OIDs kept by the host), 65 are not. */
	for (int count = 64; count <= 65; count++) {
		size_t n = 0;
		for (int i = 0; i < count; i++) {
			uint8_t oid[4] = { 0x2b, 0x06, 0x01, (uint8_t)i };
			n += one_varbind(vbl + n, oid, sizeof(oid));
		}
		ml = build(msg, 1, 0xa2, ints_ok, sizeof(ints_ok), vbl, n);
		fh_open(&ff, D());
		enum nl_verdict r = feed(&ff, 0, msg, ml);
		if (count == 64) {
			ck_assert_int_eq(r, NL_NEED_MORE);
			ck_assert_str_eq(fh_list(&ff, "snmp.oids", 0), "1.3.6.1.0");
			ck_assert_str_eq(fh_list(&ff, "snmp.oids", 15), "1.3.6.1.15");
			ck_assert_ptr_null(fh_list(&ff, "snmp.oids", 16));
			ck_assert_int_eq(ff.f.errors, 0);
		} else {
			ck_assert_int_eq(r, NL_MALFORMED);
			ck_assert(fh_no_fields(&ff));
		}
		fh_close(&ff);
	}
}
END_TEST

/* OID decoding (X.690 §8.19), crafted. */
START_TEST(test_oids)
{
	char t[NL_MAX_STR + 1];
	static const struct { const char *enc; size_t n; const char *text; } good[] = {
		{ "\x2b\x06\x01\x02\x01\x01\x01\x00", 8, "1.3.6.1.2.1.1.1.0" },
		{ "\x00", 1, "0.0" },
		{ "\x27", 1, "0.39" },
		{ "\x28", 1, "1.0" },
		{ "\x4f", 1, "1.39" },
		{ "\x50", 1, "2.0" },
		{ "\x88\x37\x03", 3, "2.999.3" },
		{ "\x2b\x8f\xff\xff\xff\x7f", 6, "1.3.4294967295" },
		{ "\x2b\x06\x01\x04\x01\xbf\x08", 7, "1.3.6.1.4.1.8072" },
	};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ck_assert_int_eq(try_oid((const uint8_t *)good[i].enc, good[i].n, t, sizeof(t)), NL_NEED_MORE);
		ck_assert_str_eq(t, good[i].text);
	}
	/* Past 2^32-1, padded with 0x80, cut in a sub-identifier, empty. */
	static const struct { const char *enc; size_t n; } bad[] = {
		{ "\x2b\x90\x80\x80\x80\x00", 6 }, { "\x2b\x80\x01", 3 }, { "\x2b\x86", 2 }, { "", 0 },
		{ "\x2b\xff\xff\xff\xff\xff\x7f", 7 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(try_oid((const uint8_t *)bad[i].enc, bad[i].n, t, sizeof(t)) == NL_MALFORMED, "bad %zu",
			      i);
	/* 128 sub-identifiers are read, 129 not; one whose text passes 255
	 * characters is read but not shown (rather than shown cut). */
	uint8_t oid[700];
	memset(oid, 0x01, sizeof(oid));
	oid[0] = 0x2b;
	ck_assert_int_eq(try_oid(oid, 127, t, sizeof(t)), NL_NEED_MORE);
	ck_assert_uint_eq(strlen(t), 3 + 126 * 2);
	ck_assert_int_eq(try_oid(oid, 128, t, sizeof(t)), NL_MALFORMED);
	for (size_t i = 1; i < 127 * 5; i += 5)
		memcpy(oid + i, "\x8f\xff\xff\xff\x7f", 5);
	ck_assert_int_eq(try_oid(oid, 1 + 126 * 5, t, sizeof(t)), NL_NEED_MORE);
	ck_assert_str_eq(t, "");
}
END_TEST

/* Off ports 161 and 162 nothing is claimed; nor TCP. A bad datagram
 * after a good one is passed over. */
START_TEST(test_not_mine)
{
	static const uint16_t ports[][2] = { { 40000, 50000 }, { 1161, 16100 }, { 160, 163 }, { 53, 443 } };
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
		for (size_t k = 0; k < sizeof(ports) / sizeof(ports[0]); k++) {
			for (int dir = 0; dir < 2; dir++) {
				struct fh_flow ff;
				fh_open(&ff, D());
				ck_assert_int_eq(feed_p(&ff, dir, ports[k][0], ports[k][1], all[i].b, all[i].len),
						 NL_NOT_MINE);
				ck_assert(fh_no_fields(&ff));
				ck_assert_str_eq(ff.f.state, "");
				fh_close(&ff);
			}
		}
		struct fh_flow ff;
		fh_open(&ff, D());
		ck_assert_int_eq(fh_feed(&ff, NL_TCP, 1, PORT_C, PORT_S, all[i].b, all[i].len, 0), NL_NOT_MINE);
		ck_assert(fh_no_fields(&ff));
		fh_close(&ff);
	}
	/* Port 161 or 162 as either side is claimed. */
	static const uint16_t on[][2] = { { 40000, 161 }, { 161, 40000 }, { 40000, 162 }, { 162, 40000 } };
	for (size_t k = 0; k < sizeof(on) / sizeof(on[0]); k++) {
		struct fh_flow ff;
		fh_open(&ff, D());
		ck_assert_int_eq(fh_feed(&ff, NL_UDP, 1, on[k][0], on[k][1], v1_get, sizeof(v1_get), 0), NL_NEED_MORE);
		ck_assert_str_eq(ff.f.state, "SNMP_GET");
		fh_close(&ff);
	}
	/* Not SNMP on port 161: malformed at once; after a good message,
	 * passed over and the next good one read. */
	static const char junk[] = "GET / HTTP/1.0\r\n\r\n";
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 1, junk, sizeof(junk) - 1), NL_MALFORMED);
	ck_assert(fh_no_fields(&ff));
	fh_close(&ff);
	fh_open(&ff, D());
	ck_assert_int_eq(feed(&ff, 1, v1_get, sizeof(v1_get)), NL_NEED_MORE);
	ck_assert_int_eq(feed(&ff, 1, junk, sizeof(junk) - 1), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "snmp.pdu_type"), "get-request");
	ck_assert_int_eq(feed(&ff, 0, v1_resp, sizeof(v1_resp)), NL_NEED_MORE);
	ck_assert_str_eq(fh_str(&ff, "snmp.pdu_type"), "get-response");
	fh_close(&ff);
}
END_TEST

/* Random byte changes in real exchanges, delivered in pieces: verdicts in
 * range, no API misuse, no field on a flow declined. */
static enum nl_verdict mutate_feed(struct fh_flow *ff, int from_client, const void *b, size_t n)
{
	return feed(ff, from_client, b, n);
}

START_TEST(test_mutations)
{
	const struct { const uint8_t *c, *s; size_t cl, sl; } pairs[] = {
		{ v1_get, v1_resp, sizeof(v1_get), sizeof(v1_resp) },
		{ v2_bulk, v2_bulk_resp, sizeof(v2_bulk), sizeof(v2_bulk_resp) },
		{ v3_discover, v3_report, sizeof(v3_discover), sizeof(v3_report) },
		{ v3_auth_get, v3_auth_resp, sizeof(v3_auth_get), sizeof(v3_auth_resp) },
		{ v3_priv_get, v1_trap, sizeof(v3_priv_get), sizeof(v1_trap) },
		{ v2_inform, v2_set_ro_resp, sizeof(v2_inform), sizeof(v2_set_ro_resp) },
	};
	uint32_t x = 0x5e1f;
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		uint8_t s[512], c[512];
		memcpy(s, pairs[i].s, pairs[i].sl);
		memcpy(c, pairs[i].c, pairs[i].cl);
		uint8_t *const streams[2] = { s, c };
		const size_t len[2] = { pairs[i].sl, pairs[i].cl };
		mutate_run(D(), streams, len, mutate_feed, fh_no_fields, 1500, &x);
	}
}
END_TEST

/* A payload reader that does not start at offset 0 is read from where it
 * stands. */
START_TEST(test_reader_offset)
{
	uint8_t buf[5 + sizeof(v1_resp)] = { 0x30, 0x30, 0x30, 0x30, 0x30 };
	memcpy(buf + 5, v1_resp, sizeof(v1_resp));
	struct fh_flow ff;
	fh_open(&ff, D());
	ck_assert_int_eq(fh_feed_skipped(&ff, NL_UDP, 0, PORT_S, PORT_C, buf, sizeof(buf), 5), NL_NEED_MORE);
	ck_assert_uint_eq(u64(&ff, "snmp.request_id"), 1204766551);
	ck_assert_str_eq(fh_str(&ff, "snmp.pdu_type"), "get-response");
	fh_close(&ff);
}
END_TEST

static Suite *snmp_suite(void)
{
	Suite *s = suite_create("snmp");
	TCase *tc = tcase_create("snmp");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_descriptor);
	tcase_add_test(tc, test_v1_get);
	tcase_add_test(tc, test_v2c_getnext_bulk);
	tcase_add_test(tc, test_set_errors);
	tcase_add_test(tc, test_v3_auth);
	tcase_add_test(tc, test_v3_priv);
	tcase_add_test(tc, test_traps);
	tcase_add_test(tc, test_truncations);
	tcase_add_test(tc, test_ber_strict);
	tcase_add_test(tc, test_oids);
	tcase_add_test(tc, test_not_mine);
	tcase_add_test(tc, test_mutations);
	tcase_add_test(tc, test_reader_offset);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(snmp_suite());
	srunner_run_all(sr, CK_NORMAL);
	int failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
