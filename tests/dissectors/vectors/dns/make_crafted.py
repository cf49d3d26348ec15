#!/usr/bin/env python3
"""Writes the hand-made DNS vectors (crafted_*.bin) next to this script.

The captured vectors (udp_*, tcp_*, mdns_printer_*, llmnr_printer_*) come
from dnsmasq and dig in a private network namespace; see README. These are
the ones no real server sends: mDNS announcements, LLMNR, broken messages
and other protocols' bytes. Run it again to regenerate them; the output is
deterministic.
"""
import os
import random
import ssl
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def name(*labels):
    out = b""
    for l in labels:
        l = l.encode() if isinstance(l, str) else l
        out += bytes([len(l)]) + l
    return out + b"\0"


def hdr(txid, flags, qd, an, ns=0, ar=0):
    return struct.pack(">HHHHHH", txid, flags, qd, an, ns, ar)


def rr(owner, rtype, rclass, ttl, rdata):
    return owner + struct.pack(">HHIH", rtype, rclass, ttl, len(rdata)) + rdata


def ptr(off):
    return struct.pack(">H", 0xC000 | off)


def write(fname, data):
    with open(os.path.join(HERE, fname), "wb") as f:
        f.write(data)


Q_A = struct.pack(">HH", 1, 1)

# mDNS announcement (RFC 6762 8.3): no question, cache-flush class.
m = hdr(0, 0x8400, 0, 3)
svc = len(m)
m += rr(name("_http", "_tcp", "local"), 12, 1, 4500, b"\x07printer" + ptr(svc))
host = len(m)
m += rr(name("printer", "local"), 1, 0x8001, 120, bytes([10, 0, 0, 9]))
m += rr(ptr(host), 28, 0x8001, 120, bytes.fromhex("fd000000000000000000000000000009"))
write("crafted_mdns_announce.bin", m)

# mDNS query with the QU bit, two questions
m = hdr(0, 0, 2, 0) + name("printer", "local") + struct.pack(">HH", 1, 0x8001)
m += ptr(12) + struct.pack(">HH", 28, 0x8001)
write("crafted_mdns_query_qu.bin", m)

# LLMNR (RFC 4795) query and response for "wpad"
write("crafted_llmnr_q.bin", hdr(0x1234, 0, 1, 0) + name("wpad") + Q_A)
write("crafted_llmnr_r.bin",
      hdr(0x1234, 0x8000, 1, 1) + name("wpad") + Q_A + rr(ptr(12), 1, 1, 30, bytes([10, 0, 0, 1])))

# A 3-hop CNAME chain whose records come in reverse order, and an A for an
# unrelated owner.
q = name("www", "example", "com")
m = hdr(0xbeef, 0x8180, 1, 5) + q + Q_A
m += rr(name("edge", "cdn", "net"), 1, 1, 20, bytes([192, 0, 2, 1]))
m += rr(name("lb", "example", "com"), 5, 1, 300, name("edge", "cdn", "net"))
m += rr(ptr(12), 5, 1, 300, name("lb", "example", "com"))
m += rr(name("other", "org"), 1, 1, 20, bytes([192, 0, 2, 2]))
m += rr(name("edge", "cdn", "net"), 28, 1, 20, bytes.fromhex("20010db8000000000000000000000001"))
write("crafted_cname_reverse.bin", m)

# Case differs along the chain: the noted name is the question as sent
m = hdr(0x0c0c, 0x8180, 1, 2) + name("WWW", "Example", "COM") + Q_A
m += rr(name("www", "example", "com"), 5, 1, 60, name("x", "test"))
m += rr(name("X", "TEST"), 1, 1, 60, bytes([192, 0, 2, 3]))
write("crafted_case.bin", m)

# Root query (". NS") and an EDNS BADVERS response (extended rcode 1 << 4)
write("crafted_root_ns.bin", hdr(7, 0x0100, 1, 0) + b"\0" + struct.pack(">HH", 2, 1))
opt = b"\0" + struct.pack(">HHIH", 41, 1232, 0x01000000, 0)
write("crafted_badvers.bin", hdr(8, 0x8100, 1, 0, 0, 1) + name("a", "test") + Q_A + opt)

# DNS UPDATE (RFC 2136): zone test SOA; prerequisite "host.test A exists"
# (class ANY, empty rdata); update: add host.test A 10.0.0.1
m = hdr(0x2136, 0x2800, 1, 1, 1) + name("test") + struct.pack(">HH", 6, 1)
m += rr(name("host") [:-1] + ptr(12), 1, 255, 0, b"")
m += rr(ptr(len(hdr(0, 0, 0, 0)) + 10), 1, 1, 300, bytes([10, 0, 0, 1]))
write("crafted_update.bin", m)

# Name of exactly 255 wire bytes (ok) and of 256 (bad)
l63 = "x" * 63
write("crafted_name255.bin", hdr(9, 0x0100, 1, 0) + name(l63, l63, l63, "y" * 61) + Q_A)
write("crafted_mal_name256.bin", hdr(9, 0x0100, 1, 0) + name(l63, l63, l63, "y" * 62) + Q_A)
# ... and over 255 only through a pointer: 64 bytes, then a pointer to 192 more
m = hdr(10, 0x8180, 1, 1) + name(l63, l63, "z" * 62) + Q_A
m += rr(b"\x3f" + b"w" * 63 + ptr(12), 1, 1, 1, bytes(4))
write("crafted_mal_name_ptr_long.bin", m)

# Pointers: self, forward, and a loop reached through a backward pointer
write("crafted_mal_selfptr.bin", hdr(11, 0x0100, 1, 0) + ptr(12) + Q_A)
m = hdr(12, 0x0100, 1, 0) + ptr(18) + Q_A + name("fwd")
write("crafted_mal_fwdptr.bin", m)
m = hdr(13, 0x8180, 1, 2) + name("loop", "test") + Q_A
r = len(m) + 2 + 10          # rdata offset of the first answer
m += rr(ptr(12), 16, 1, 1, ptr(r + 2) + ptr(r))
m += rr(ptr(r + 2), 1, 1, 1, bytes(4))
write("crafted_mal_loop.bin", m)

# Labels: 64 (type 01), 0x80 (type 10)
write("crafted_mal_label64.bin", hdr(14, 0x0100, 1, 0) + b"\x40" + b"a" * 64 + b"\0" + Q_A)
write("crafted_mal_label80.bin", hdr(15, 0x0100, 1, 0) + b"\x80" + b"a" * 20 + b"\0" + Q_A)

# Counts that lie, huge rdlength, bad A length, CNAME shorter than rdlength
base = name("lie", "test") + Q_A
write("crafted_mal_counts.bin",
      hdr(16, 0x8180, 1, 5) + base + rr(ptr(12), 1, 1, 1, bytes([10, 0, 0, 1])))
m = hdr(17, 0x8180, 1, 1) + base + ptr(12) + struct.pack(">HHIH", 1, 1, 1, 0xffff) + bytes(4)
write("crafted_mal_rdlen.bin", m)
write("crafted_mal_alen.bin", hdr(18, 0x8180, 1, 1) + base + rr(ptr(12), 1, 1, 1, bytes(5)))
write("crafted_mal_cname_len.bin",
      hdr(19, 0x8180, 1, 1) + base + rr(ptr(12), 5, 1, 1, name("t") + b"\0\0"))
write("crafted_mal_qdcount.bin", hdr(20, 0x0100, 40000, 0) + base)

# Not DNS: an HTTP request, a real TLS ClientHello, random bytes
write("crafted_http.bin", b"GET /index.html HTTP/1.1\r\nHost: example.com\r\nUser-Agent: t\r\n\r\n")
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False
ctx.verify_mode = ssl.CERT_NONE
inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
s = ctx.wrap_bio(inc, out, server_hostname="example.com")
try:
    s.do_handshake()
except ssl.SSLWantReadError:
    pass
hello = out.read()
# The random, session id and key share differ per run (only the layout
# matters here); the random is zeroed.
hello = hello[:11] + bytes(32) + hello[43:]
write("crafted_tls_client_hello.bin", hello)
rnd = random.Random(1)
write("crafted_random.bin", bytes(rnd.randrange(256) for _ in range(300)))
