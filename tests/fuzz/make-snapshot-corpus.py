#!/usr/bin/python3
"""make-snapshot-corpus.py - seeds for fuzz_snapshot: worker snapshots as
core/mirror.c writes them (doc/snapshot.md, "worker channel"), with TCP, UDP,
ICMP and ARP flows, dissector results, closed flows, names and neighbours. Needs
python3-msgpack. Writes tests/fuzz/corpus/fuzz_snapshot/."""
import os
import struct
import msgpack

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "corpus", "fuzz_snapshot")

L4 = {"TCP": 1, "UDP": 2, "ICMP": 3, "ICMPV6": 4, "ARP": 5, "OTHER": 6}
N_COUNTERS = 19 + 7


def addr4(*b):
    return bytes(b) + bytes(12)


def rec(field, ftype, data):
    return bytes([field, ftype]) + struct.pack("<H", len(data)) + data


def flow(family, proto, a, b, pa, pb, state, flags=2, dpi=None, ipproto=0):
    t0 = 1764700000000000
    return [family, proto, ipproto, a, b, pa, pb, flags, state, t0, t0 + 1500000,
            [3, 4], [300, 4000], [176470000, 100, 2000, 0, 0], [0, 0, 0], bytes(64), dpi]


def snapshot(flows, closed=(), names=(), final=False, version=1, neighbors=None):
    counters = list(range(1, N_COUNTERS + 1))
    msg = [version, 0, 1764700001000000, counters, list(flows),
           [[f, r] for f, r in closed], list(names), final]
    if neighbors is not None:   # the ninth item, absent before 2026-12-05
        msg.append(list(neighbors))
    return msgpack.packb(msg, use_bin_type=True)


def main():
    os.makedirs(OUT, exist_ok=True)
    tls = [0, "TLS_ESTABLISHED",
           rec(0, 1, b"example.org") + rec(1, 2, struct.pack("<Q", 771)) + rec(2, 3, b"h2")]
    seeds = {
        "tcp_tls": snapshot([flow(4, L4["TCP"], addr4(10, 0, 0, 1), addr4(10, 0, 0, 2), 40000, 443, 3,
                                  dpi=tls)]),
        "udp_icmp_arp": snapshot([flow(4, L4["UDP"], addr4(10, 0, 0, 1), addr4(10, 0, 0, 53), 5353, 53, 0),
                                  flow(4, L4["ICMP"], addr4(10, 0, 0, 1), addr4(10, 0, 0, 2), 7, 7, 1),
                                  flow(0, L4["ARP"], addr4(10, 0, 0, 1), addr4(10, 0, 0, 2), 0, 0, 1)]),
        "closed_names": snapshot([], closed=[(flow(6, L4["TCP"], bytes(15) + b"\x01", bytes(15) + b"\x02",
                                                   1, 2, 10), 1)],
                                 names=[[4, bytes([10, 0, 0, 2]), "srv.example", 300]], final=True),
        "neighbors": snapshot([], neighbors=[[4, bytes([10, 0, 0, 2]), bytes.fromhex("0242ac110002"),
                                              1764700000500000],
                                             [6, bytes([0xfe, 0x80]) + bytes(13) + b"\x01",
                                              bytes.fromhex("3c22fb010203"), 1764700000600000]]),
        "other_ip": snapshot([flow(4, L4["OTHER"], addr4(10, 0, 0, 1), addr4(10, 0, 0, 2), 0, 0, 0,
                                   ipproto=47)]),
    }
    for name, data in seeds.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
