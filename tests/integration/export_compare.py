#!/usr/bin/env python3
"""export_compare.py - netlens' JSON flows against what a collector stored.

  export_compare.py NETLENS.json nfdump NFDUMP.csv    (nfdump -o csv)
  export_compare.py NETLENS.json pmacct PMACCT.csv    (print plugin, csv, with
                                                      rbytes/rpackets primitives)
  export_compare.py NETLENS.json sink RECORDS.txt     (not used: see export_sink.py)

Files are read as UTF-8, strictly: a collector that stored strings that
are not (RFC 7011 §6.1.6) makes this fail. Both sides are summed per
(source, source port, destination, destination port, protocol): a flow
exported in several active-timeout records, or two flows on one tuple (a
new TCP connection), add up the same way on both.
ARP flows are not IP flows and are not exported. Prints one line:

  NAME: flows=N packets=N bytes=N (all matched)

or every difference, and exits 1 on any.
"""
import csv
import ipaddress
import json
import sys

PROTO = {"tcp": 6, "udp": 17, "icmp": 1, "icmpv6": 58, "icmp6": 58, "ipv6-icmp": 58,
         "gre": 47, "esp": 50, "ah": 51, "sctp": 132, "igmp": 2, "ipip": 4, "ipv4": 4,
         "ipv6": 41, "pim": 103, "vrrp": 112, "ospf": 89, "udplite": 136, "egp": 8,
         "rsvp": 46, "l2tp": 115, "ipencap": 4, "encap": 98, "mobility-header": 135,
         "ospfigp": 89, "ipv6-nonxt": 59, "ipv6-frag": 44, "ipv6-route": 43,
         "ipv6-opts": 60, "carp": 112}


def proto_num(name):
    n = name.strip().lower()
    if n.startswith("ip-") and n[3:].isdigit():
        return int(n[3:])
    if n.isdigit():
        return int(n)
    if n in PROTO:
        return PROTO[n]
    raise ValueError("unknown protocol name %r" % name)


def addr(a):
    return str(ipaddress.ip_address(a.strip()))


def add(tab, key, pk, rpk, by, rby):
    v = tab.setdefault(key, [0, 0, 0, 0])
    v[0] += pk
    v[1] += rpk
    v[2] += by
    v[3] += rby


def netlens_flows(path):
    tab = {}
    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if not line:
            continue
        r = json.loads(line)
        if r["protocol"] == "ARP":
            continue
        key = (addr(r["source_ip"]), int(r["source_port"]), addr(r["destination_ip"]),
               int(r["destination_port"]), proto_num(r["protocol"]))
        add(tab, key, r["packets_sent"], r["packets_received"], r["bytes_sent"],
            r["bytes_received"])
    return tab


def nfdump_flows(path):
    tab = {}
    with open(path, encoding="utf-8") as f:
        rows = csv.reader(f)
        head = next(rows)
        ix = {n: i for i, n in enumerate(head)}
        for row in rows:
            if len(row) < len(head) - 1 or row[0] == "Summary":
                break
            pr = proto_num(row[ix["pr"]])
            ported = pr in (6, 17)
            key = (addr(row[ix["sa"]]), int(row[ix["sp"]]) if ported else 0,
                   addr(row[ix["da"]]), int(float(row[ix["dp"]])) if ported else 0, pr)
            add(tab, key, int(row[ix["ipkt"]]), int(row[ix["opkt"]]), int(row[ix["ibyt"]]),
                int(row[ix["obyt"]]))
    return tab


def pmacct_flows(path):
    tab = {}
    with open(path, encoding="utf-8") as f:
        rows = csv.reader(f)
        head = None
        for row in rows:
            if not row:
                continue
            if row[0] == "SRC_IP":      # a header (the file is appended to)
                head = {n: i for i, n in enumerate(row)}
                continue
            pr = proto_num(row[head["PROTOCOL"]])
            key = (addr(row[head["SRC_IP"]]), int(row[head["SRC_PORT"]]),
                   addr(row[head["DST_IP"]]), int(row[head["DST_PORT"]]), pr)
            add(tab, key, int(row[head["PACKETS"]]), int(row[head["rpackets"]]),
                int(row[head["BYTES"]]), int(row[head["rbytes"]]))
    return tab


def main():
    mine = netlens_flows(sys.argv[1])
    kind, path = sys.argv[2], sys.argv[3]
    theirs = nfdump_flows(path) if kind == "nfdump" else pmacct_flows(path)
    bad = 0
    for k in sorted(set(mine) | set(theirs)):
        a, b = mine.get(k), theirs.get(k)
        if a != b:
            bad += 1
            if bad <= 20:
                print("  %s %s:%d -> %s:%d: netlens %s, %s %s" % (
                    k[4], k[0], k[1], k[2], k[3], a, kind, b))
    pk = sum(v[0] + v[1] for v in mine.values())
    by = sum(v[2] + v[3] for v in mine.values())
    tpk = sum(v[0] + v[1] for v in theirs.values())
    tby = sum(v[2] + v[3] for v in theirs.values())
    name = sys.argv[1].split("/")[-1]
    if bad:
        print("FAIL %s vs %s: %d of %d flows differ (netlens %d packets %d bytes, %s %d packets "
              "%d bytes)" % (name, kind, bad, len(mine), pk, by, kind, tpk, tby))
        sys.exit(1)
    print("ok %s vs %s: flows=%d packets=%d bytes=%d (all matched)" % (name, kind, len(mine), pk, by))


if __name__ == "__main__":
    main()
