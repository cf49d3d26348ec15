/*
 * fuzz_decode.c - libFuzzer harness for decode_packet() (core/decode.c).
 *
 * Input: one byte choosing the link type, then the captured frame.
 *
 *   byte 0 % 32 → DLT  0 NULL, 1 EN10MB, 12 RAW, 14 RAW (OpenBSD),
 *                     101 RAW, 108 LOOP, 113 LINUX_SLL, 228 IPV4,
 *                     229 IPV6, 276 LINUX_SLL2, 9 PPP, 50 PPP_SERIAL,
 *                     51 PPP_ETHER, 104 C_HDLC, 105 IEEE802_11,
 *                     127 IEEE802_11_RADIO, 117 PFLOG, 239 NFLOG,
 *                     258 PKTAP, 149 USER2 (PKTAP as macOS numbers it),
 *                     107 FRELAY, 119 PRISM, 163 AVS, 192 PPI, 226 IPNET,
 *                     240 NETANALYZER, 241 NETANALYZER_TRANSPARENT, 242 IPOIB,
 *                     281 DSA_TAG_BRCM, 282 DSA_TAG_BRCM_PREPEND,
 *                     284 DSA_TAG_DSA, 285 DSA_TAG_EDSA
 *
 * The frame is libFuzzer's own exact-size buffer, so a read past cap_len
 * is an AddressSanitizer report. Beyond not crashing, decode_packet()
 * must keep the promises of decode.h and packet.h: a verdict from enum
 * decode_result, and a payload that lies inside the frame.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const int dlts[] = { 0, 1, 12, 14, 101, 108, 113, 228, 229, 276,
			    9, 50, 51, 104, 105, 127, 117, 239, 258, 149,
			    107, 119, 163, 192, 226, 240, 241, 242, 281, 282, 284, 285 };

static void fail(const char *why)
{
	fprintf(stderr, "fuzz_decode: %s\n", why);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	int dlt = dlts[data[0] % (sizeof(dlts) / sizeof(dlts[0]))];
	const uint8_t *frame = data + 1;
	size_t cap = size - 1;
	if (!decode_link_supported(dlt))
		fail("a listed link type is not supported");

	struct packet pkt;
	memset(&pkt, 0, sizeof(pkt));
	pkt.ts_us = 1700000000000000ULL;
	pkt.wire_len = (uint32_t)cap;
	pkt.cap_len = (uint32_t)cap;
	enum decode_result r = decode_packet(dlt, cap ? frame : NULL, cap, &pkt);

	switch (r) {
	case DECODE_OK:
	case DECODE_NOT_IP:
	case DECODE_TRUNCATED:
	case DECODE_MALFORMED:
		break;
	case DECODE_UNSUPPORTED_LINK:
		fail("a supported link type decoded as unsupported");
		break;
	default:
		fail("verdict outside enum decode_result");
	}
	if (r == DECODE_OK) {
		if (pkt.payload_len) {
			if (!pkt.payload || pkt.payload < frame || pkt.payload_len > cap ||
			    (size_t)(pkt.payload - frame) > cap - pkt.payload_len)
				fail("payload outside the frame");
			/* Touch every payload byte: ASan checks it lies in the buffer. */
			volatile uint8_t sum = 0;
			for (size_t i = 0; i < pkt.payload_len; i++)
				sum ^= pkt.payload[i];
			(void)sum;
		}
		if (pkt.proto > L4_OTHER_IP)
			fail("proto outside enum l4_proto");
		if (pkt.family != 0 && pkt.family != 4 && pkt.family != 6)
			fail("family is not 0, 4 or 6");
		if (memchr(pkt.proc_comm, '\0', sizeof(pkt.proc_comm)) == NULL)
			fail("process name not terminated");
		if (pkt.proc_pid > 99999)
			fail("a PKTAP pid past 99 999 kept");
		const char *name = decode_ipproto_name(pkt.ipproto);
		if (name && strlen(name) > 64)
			fail("ipproto name too long");
	}
	return 0;
}
