#!/usr/bin/env python3
"""impair.py IF_A IF_B [--loss P] [--reorder P] [--seed N] [--min-len N]

A user-space Ethernet bridge between two interfaces (run it inside a middle
network namespace).  Frames from IF_A to IF_B whose length is >= --min-len
are dropped with probability --loss, or held back and sent after the next
frame (an adjacent swap: reordering) with probability --reorder.  Frames
from IF_B to IF_A pass untouched.  Stands in for `tc netem`, which this
kernel may lack.  stdlib only.  Runs until killed.
"""
import argparse
import os
import random
import select
import socket
import sys

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4


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
