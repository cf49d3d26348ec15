#!/usr/bin/env python3
"""impair.py IF_A IF_B [--loss P] [--reorder P] [--seed N] [--min-len N]

A user-space Ethernet bridge between two interfaces (run it inside a middle
network namespace).  Frames from IF_A to IF_B whose length is >= --min-len
are dropped with probability --loss, or held back and sent after the next
frame (an adjacent swap: reordering) with probability --reorder.  Frames
from IF_B to IF_A pass untouched.  Stands in for `tc netem`, which this
kernel may lack.  stdlib only.  Runs until killed.

Frames read from a veth may carry only a partial (offloaded) TCP/UDP
checksum; re-sent through a packet socket they would be dropped, so the
TCP/UDP checksum of unfragmented IPv4/IPv6 packets is recomputed.
"""
import argparse
import os
import random
import select
import socket
import sys

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(memoryview(data).cast("H"))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return s


def fix_l4(frame):
    """Return frame with a correct TCP/UDP checksum (only plain Ethernet+IP)."""
    if len(frame) < 34:
        return frame
    et = int.from_bytes(frame[12:14], "big")
    b = bytearray(frame)
    if et == 0x0800:
        ihl = (b[14] & 0x0F) * 4
        tot = int.from_bytes(b[16:18], "big")
        if (int.from_bytes(b[20:22], "big") & 0x3FFF) != 0:
            return frame  # fragment
        proto = b[23]
        l4 = 14 + ihl
        end = 14 + tot
        pseudo = bytes(b[26:34]) + bytes([0, proto]) + (tot - ihl).to_bytes(2, "big")
    elif et == 0x86DD and len(b) >= 54:
        proto = b[20]
        plen = int.from_bytes(b[18:20], "big")
        l4 = 54
        end = 54 + plen
        pseudo = bytes(b[22:54]) + plen.to_bytes(4, "big") + bytes([0, 0, 0, proto])
    else:
        return frame
    if proto == 6:
        off = l4 + 16
    elif proto == 17:
        off = l4 + 6
    else:
        return frame
    if end > len(b) or off + 2 > end:
        return frame
    b[off:off + 2] = b"\0\0"
    c = csum(pseudo) + csum(bytes(b[l4:end]))
    while c >> 16:
        c = (c & 0xFFFF) + (c >> 16)
    c = (~c) & 0xFFFF
    if proto == 17 and c == 0:
        c = 0xFFFF
    # the sum was taken in host order on 16-bit words: store it the same way
    b[off:off + 2] = c.to_bytes(2, sys.byteorder)
    return bytes(b)


def open_if(name):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.bind((name, 0))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.setblocking(False)
    return s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("if_a")
    ap.add_argument("if_b")
    ap.add_argument("--loss", type=float, default=0.0)
    ap.add_argument("--reorder", type=float, default=0.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--min-len", type=int, default=200)
    ap.add_argument("--ready", help="file to create once the sockets are open")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    sa, sb = open_if(a.if_a), open_if(a.if_b)
    if a.ready:
        open(a.ready, "w").close()
    held = None
    stats = {"fwd": 0, "drop": 0, "swap": 0}
    while True:
        r, _, _ = select.select([sa, sb], [], [], 0.002 if held else 1.0)
        if not r and held is not None:
            sb.send(held)
            held = None
            continue
        for s in r:
            while True:
                try:
                    data, addr = s.recvfrom(65535)
                except BlockingIOError:
                    break
                if addr[2] == PACKET_OUTGOING:
                    continue
                data = fix_l4(data)
                if s is sb:
                    sa.send(data)
                    continue
                stats["fwd"] += 1
                if len(data) >= a.min_len:
                    x = rnd.random()
                    if x < a.loss:
                        stats["drop"] += 1
                        continue
                    if held is None and x < a.loss + a.reorder:
                        held = data
                        stats["swap"] += 1
                        continue
                sb.send(data)
                if held is not None:
                    sb.send(held)
                    held = None


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        pass
