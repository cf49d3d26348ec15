#!/usr/bin/env python3
"""export_edge.py - writes the capture export-edge.test exports: what a real
collector could choke on, over IPv4 and IPv6 alike.

  export_edge.py OUT.pcap

Per address family:
  - an HTTP/1.1 exchange whose request has a 300-byte path (cut to 255, the
    three-byte length form of RFC 7011 §7), a Host with bytes that are not
    UTF-8 (0xff 0xfe) and a User-Agent of 200 "é" (cut between characters);
  - a DNS query, never answered, for a name with a label that is not UTF-8;
  - 600 one-way UDP flows (no reverse traffic; many records per message);
  - an ICMP echo and its reply;
  - a UDP flow with a packet each way every 10 s for 150 s, so the default
    60 s active timeout makes records of it while the file is read.
Ethernet framing, checksums filled in; no third-party module needed.
"""
import struct
import sys

T0 = 1700000000.0


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


class Fam:
    def __init__(self, v6):
        self.v6 = v6
        if v6:
            self.a = bytes.fromhex("20010db8000000000000000000000001")
            self.b = bytes.fromhex("20010db8000000000000000000000002")
        else:
            self.a = bytes([10, 0, 0, 1])
            self.b = bytes([10, 0, 0, 2])

    def ip(self, src, dst, proto, l4):
        """l4 has its checksum field zero; fills it (pseudo-header) and wraps."""
        if self.v6:
            pseudo = src + dst + struct.pack("!IxxxB", len(l4), proto)
        else:
            pseudo = src + dst + struct.pack("!xBH", proto, len(l4))
        off = {6: 16, 17: 6, 1: 2, 58: 2}[proto]
        c = csum((pseudo if proto != 1 else b"") + l4)
        if proto == 17 and c == 0:
            c = 0xFFFF
        l4 = l4[:off] + struct.pack("!H", c) + l4[off + 2:]
        if self.v6:
            hdr = struct.pack("!IHBB", 6 << 28, len(l4), proto, 64) + src + dst
            eth = 0x86DD
        else:
            hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), 0, 0x4000, 64, proto, 0,
                              src, dst)
            hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
            eth = 0x0800
        return b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01" + struct.pack("!H", eth) + hdr + l4


def tcp(sport, dport, seq, ack, flags, data=b""):
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 65535, 0, 0) + data


def udp(sport, dport, data):
    return struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data


def dns_query(txid, labels):
    q = b"".join(bytes([len(x)]) + x for x in labels) + b"\0" + struct.pack("!HH", 1, 1)
    return struct.pack("!HHHHHH", txid, 0x0100, 1, 0, 0, 0) + q


def main():
    pkts = []
    t = [T0]

    def add(frame, gap=0.001):
        t[0] += gap
        pkts.append((t[0], frame))

    for v6 in (False, True):
        f = Fam(v6)
        A, B = f.a, f.b
        sp = 40000 + v6
        req = (b"GET /" + b"p" * 299 + b" HTTP/1.1\r\nHost: ex\xff\xfeample.com\r\n"
               b"User-Agent: " + "é".encode() * 200 + b"\r\nAccept: */*\r\n\r\n")
        resp = b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"
        S, A_, P, F = 0x02, 0x10, 0x18, 0x11
        add(f.ip(A, B, 6, tcp(sp, 80, 100, 0, S)))
        add(f.ip(B, A, 6, tcp(80, sp, 500, 101, S | A_)))
        add(f.ip(A, B, 6, tcp(sp, 80, 101, 501, A_)))
        add(f.ip(A, B, 6, tcp(sp, 80, 101, 501, P, req)))
        add(f.ip(B, A, 6, tcp(80, sp, 501, 101 + len(req), P, resp)))
        add(f.ip(A, B, 6, tcp(sp, 80, 101 + len(req), 501 + len(resp), F)))
        add(f.ip(B, A, 6, tcp(80, sp, 501 + len(resp), 102 + len(req), F)))
        add(f.ip(A, B, 6, tcp(sp, 80, 102 + len(req), 502 + len(resp), A_)))
        add(f.ip(A, B, 17, udp(5300 + v6, 53, dns_query(0x1234, [b"a" * 63, b"\xc3(bad",
                                                                 b"b" * 63, b"example"]))))
        for i in range(600):
            add(f.ip(A, B, 17, udp(10000 + i, 9999, b"x" * (i % 50))), 0.0001)
        if v6:
            add(f.ip(A, B, 58, struct.pack("!BBHHH", 128, 0, 0, 7, 1) + b"ping"))
            add(f.ip(B, A, 58, struct.pack("!BBHHH", 129, 0, 0, 7, 1) + b"ping"))
        else:
            add(f.ip(A, B, 1, struct.pack("!BBHHH", 8, 0, 0, 7, 1) + b"ping"))
            add(f.ip(B, A, 1, struct.pack("!BBHHH", 0, 0, 0, 7, 1) + b"ping"))
    # the long flows, both families interleaved, 150 s of capture time
    fams = (Fam(False), Fam(True))
    for k in range(16):
        for f in fams:
            add(f.ip(f.a, f.b, 17, udp(7000, 7001, b"tick%d" % k)))
            add(f.ip(f.b, f.a, 17, udp(7001, 7000, b"tock%d" % k)))
        t[0] += 10
    with open(sys.argv[1], "wb") as out:
        out.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for ts, frame in pkts:
            sec = int(ts)
            out.write(struct.pack("<IIII", sec, int(round((ts - sec) * 1e6)) % 1000000,
                                  len(frame), len(frame)) + frame)


if __name__ == "__main__":
    main()
