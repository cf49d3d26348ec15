/* decode.h - link layer → IP → transport, every read bounds-checked. */
#ifndef NETLENS_DECODE_H
#define NETLENS_DECODE_H

#include "packet.h"

/* Link types netlens reads (DLT values as libpcap reports them). */
int decode_link_supported(int dlt);

/* Decodes one captured frame of link type dlt into *pkt. ts_us, wire_len
 * and cap_len must already be set in *pkt. Never reads outside buf. */
enum decode_result decode_packet(int dlt, const uint8_t *buf, size_t cap_len,
				 struct packet *pkt);

/* The same without the fast path for plain Ethernet/IP/TCP-or-UDP frames:
 * the reference the fast path is tested against. */
enum decode_result decode_packet_general(int dlt, const uint8_t *buf, size_t cap_len,
					 struct packet *pkt);

/* Name of an IP protocol number ("GRE", "ESP", ...), or NULL. */
const char *decode_ipproto_name(unsigned ipproto);

#endif
