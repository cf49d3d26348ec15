#!/usr/bin/env python3
"""ui-flows.py - keep N distinct UDP flows alive on an interface (bench/ui-measure.sh).

Sends prebuilt Ethernet/IPv4/UDP frames through an AF_PACKET socket: flow i
goes from SRC:(SPORT0 + i) to DST:DPORT, one small packet per flow per pass,
the passes paced to RATE packets per second, so each flow is refreshed every
N/RATE seconds (10 000 flows at 2 000 pkt/s: every 5 s, well inside netlens'
60 s UDP idle timeout). Runs until killed. Standard library only.

usage: ui-flows.py IFACE SRC DST DST_MAC [--flows N] [--rate PPS]
                   [--sport0 P] [--dport P] [--ready FILE]
"""
import argparse
import socket
import struct
import sys
import time


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def mac(s):
    return bytes(int(x, 16) for x in s.split(":"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("iface")
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("dst_mac")
    ap.add_argument("--flows", type=int, default=10000)
    ap.add_argument("--rate", type=float, default=2000.0)
    ap.add_argument("--sport0", type=int, default=20000)
    ap.add_argument("--dport", type=int, default=9999)
    ap.add_argument("--ready")
    a = ap.parse_args()
    if a.sport0 + a.flows > 65536:
        sys.exit("ui-flows.py: too many flows for the port range")

    with open("/sys/class/net/%s/address" % a.iface) as f:
        src_mac = mac(f.read().strip())
    eth = mac(a.dst_mac) + src_mac + b"\x08\x00"
    sip, dip = socket.inet_aton(a.src), socket.inet_aton(a.dst)
    payload = b"netlens-ui-bench"
    frames = []
    for i in range(a.flows):
        udp_len = 8 + len(payload)
        udp = struct.pack("!HHHH", a.sport0 + i, a.dport, udp_len, 0)
        pseudo = sip + dip + struct.pack("!BBH", 0, 17, udp_len)
        uc = csum(pseudo + udp + payload) or 0xFFFF
        udp = struct.pack("!HHHH", a.sport0 + i, a.dport, udp_len, uc)
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, i & 0xFFFF, 0x4000,
                         64, 17, 0, sip, dip)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        frames.append(eth + ip + udp + payload)

    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((a.iface, 0))
    if a.ready:
        open(a.ready, "w").close()
    tick = 0.01                       # send in 10 ms slices
    per_tick = a.rate * tick
    owed = 0.0
    i = 0
    nxt = time.monotonic()
    while True:
        owed += per_tick
        while owed >= 1.0:
            try:
                s.send(frames[i])
            except (BlockingIOError, OSError):
                pass
            i = (i + 1) % a.flows
            owed -= 1.0
        nxt += tick
        d = nxt - time.monotonic()
        if d > 0:
            time.sleep(d)
        elif d < -1.0:                # fell far behind (stopped?): do not burst
            nxt = time.monotonic()


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
