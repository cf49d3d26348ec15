#!/usr/bin/env python3
"""pktap_owners.py CAPTURE NETLENS_JSONL - the process netlens gives each
TCP and UDP flow of an Apple PKTAP capture must be the one tshark reads in
the PKTAP headers of that flow's packets (the effective process when the
header names one, as netlens and RustNet prefer it), its name cut to 15
characters; no flow may carry a uid (PKTAP does not say). Exit 0 when all
match, 1 otherwise (each mismatch printed)."""
import json
import subprocess
import sys


def expected(capture):
    out = subprocess.run(["tshark", "-r", capture, "-T", "fields", "-E", "separator=\t",
                          "-e", "pktap.pid", "-e", "pktap.cmdname", "-e", "pktap.epid",
                          "-e", "pktap.ecmdname", "-e", "tcp.srcport", "-e", "tcp.dstport",
                          "-e", "udp.srcport", "-e", "udp.dstport"],
                         capture_output=True, text=True, check=True).stdout
    want = {}
    for line in out.splitlines():
        f = (line.split("\t") + [""] * 8)[:8]
        pid, name, epid, ename = f[0], f[1], f[2], f[3]
        ports = (f[4], f[5]) if f[4] else (f[6], f[7])
        if not ports[0] or not pid:
            continue
        if epid and int(epid) and ename:
            pid, name = epid, ename
        if not int(pid):
            continue
        want.setdefault(frozenset(int(p) for p in ports), set()).add((int(pid), name[:15]))
    return want


def main():
    want = expected(sys.argv[1])
    got = {}
    for line in open(sys.argv[2]):
        r = json.loads(line)
        if r.get("protocol") not in ("TCP", "UDP"):
            continue
        got[frozenset((r["source_port"], r["destination_port"]))] = r
    bad = 0
    for ports, procs in sorted(want.items(), key=lambda kv: sorted(kv[0])):
        r = got.get(ports)
        if r is None:
            print("FAIL no flow for ports %s" % sorted(ports))
            bad += 1
            continue
        have = (r.get("pid"), r.get("process_name"))
        if have not in procs or r.get("attribution_method") != "pktap" or "process_uid" in r:
            print("FAIL ports %s: netlens %s (method %s, uid %s), tshark %s" % (
                sorted(ports), have, r.get("attribution_method"), r.get("process_uid"), sorted(procs)))
            bad += 1
    for ports, r in got.items():
        if ports not in want and "pid" in r:
            print("FAIL ports %s: netlens names pid %s, the capture none" % (sorted(ports), r["pid"]))
            bad += 1
    print("%s pktap owners: %d flows checked" % ("ok  " if not bad else "FAIL", len(want)))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
