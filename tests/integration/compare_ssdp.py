#!/usr/bin/env python3
"""compare_ssdp.py CAPTURE NETLENS_JSON [--expect KIND ...] [--budget N]

Checks netlens' SSDP fields for every UDP flow of CAPTURE against tshark.

tshark dissects SSDP with its HTTP dissector on UDP port 1900; every other
UDP port of the capture is decoded as SSDP too (-d udp.port==P,ssdp), so
that a device's answer from a port of its own is read (the capture must
hold SSDP only: the test's filter makes it so). Per datagram tshark gives
the method (http.request.method, or RESPONSE for http.response.code) and
the header lines (http.request.line, http.response.line and
http.unknown_header, "Name: value\\r\\n"; tshark files some known headers
only under their own field, so http.location, http.server and
http.user_agent fill in for those). From them, per flow (5-tuple, either
way; the first BUDGET datagrams, the dissector's packet budget):

  ssdp_method               the last datagram's method
  state                     SSDP_ + that method, '-' as '_'
  ssdp_search_target        the distinct ST (M-SEARCH, response) or NT
                            (NOTIFY) values, in order
  ssdp_notification_subtype the NTS of the last NOTIFY that had one
  ssdp_usn, ssdp_location   the first value seen
  ssdp_server               the first SERVER of a NOTIFY or response
  ssdp_user_agent           the first USER-AGENT of an M-SEARCH

Exact values, every flow: a flow tshark sees no SSDP in must carry no
ssdp_ field. --expect KIND (M-SEARCH, NOTIFY, RESPONSE) demands a flow of
that method. Exit 0 when all agree; prints one line per flow.
"""
import argparse
import json
import subprocess
import sys

FIELDS = ["frame.number", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "udp.srcport", "udp.dstport",
          "http.request.method", "http.response.code", "http.request.line", "http.response.line",
          "http.unknown_header", "http.location", "http.server", "http.user_agent"]
KEYS = ["ssdp_method", "ssdp_search_target", "ssdp_notification_subtype", "ssdp_usn", "ssdp_location",
        "ssdp_server", "ssdp_user_agent"]


def tshark_json(capture, args):
    cmd = ["tshark", "-n", "-r", capture, "-T", "json"] + args
    out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout
    return json.loads(out or b"[]")


def udp_ports(capture):
    ports = set()
    for pkt in tshark_json(capture, ["-Y", "udp", "-e", "udp.srcport", "-e", "udp.dstport"]):
        layers = pkt["_source"]["layers"]
        for k in ("udp.srcport", "udp.dstport"):
            ports.update(int(v) for v in layers.get(k, []))
    return sorted(p for p in ports if p != 1900)


def header_map(layers):
    """First value of each header name (lower case), trimmed of SP/HTAB."""
    h = {}
    for key in ("http.request.line", "http.response.line", "http.unknown_header"):
        for line in layers.get(key, []):
            # tshark shows the line end escaped ("\\r\\n", 4 characters)
            for end in ("\\r\\n", "\r\n", "\\n", "\n"):
                if line.endswith(end):
                    line = line[:-len(end)]
                    break
            if ":" not in line:
                continue
            name, value = line.split(":", 1)
            h.setdefault(name.strip().lower(), value.strip(" \t"))
    for key, name in (("http.location", "location"), ("http.server", "server"),
                      ("http.user_agent", "user-agent")):
        if key in layers and name not in h:
            h[name] = layers[key][0].strip(" \t")
    return h


def expected(capture, budget):
    args = ["-Y", "udp"]
    for p in udp_ports(capture):
        args += ["-d", "udp.port==%d,ssdp" % p]
    for f in FIELDS:
        args += ["-e", f]
    flows = {}
    order = []
    for pkt in tshark_json(capture, args):
        L = pkt["_source"]["layers"]
        src = (L.get("ip.src") or L.get("ipv6.src"))[0]
        dst = (L.get("ip.dst") or L.get("ipv6.dst"))[0]
        sp, dp = int(L["udp.srcport"][0]), int(L["udp.dstport"][0])
        key = frozenset([(src, sp), (dst, dp)])
        if key not in flows:
            flows[key] = {"n": 0, "exp": {}, "tuple": (src, sp, dst, dp)}
            order.append(key)
        fl = flows[key]
        fl["n"] += 1
        if fl["n"] > budget:
            continue
        if "http.request.method" in L:
            method = L["http.request.method"][0]
        elif L.get("http.response.code", [""])[0] == "200":
            method = "RESPONSE"
        else:
            continue
        e = fl["exp"]
        h = header_map(L)
        e["ssdp_method"] = method
        e["state"] = "SSDP_" + method.replace("-", "_")
        st = h.get("nt" if method == "NOTIFY" else "st", "")
        if st:
            lst = e.setdefault("ssdp_search_target", [])
            if st not in lst and len(lst) < 16:
                lst.append(st)
        if method == "NOTIFY" and h.get("nts"):
            e["ssdp_notification_subtype"] = h["nts"]
        for name, k in (("usn", "ssdp_usn"), ("location", "ssdp_location")):
            if h.get(name) and k not in e:
                e[k] = h[name]
        if method == "M-SEARCH":
            if h.get("user-agent") and "ssdp_user_agent" not in e:
                e["ssdp_user_agent"] = h["user-agent"]
        elif h.get("server") and "ssdp_server" not in e:
            e["ssdp_server"] = h["server"]
    return [flows[k] for k in order]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("capture")
    ap.add_argument("json")
    ap.add_argument("--expect", action="append", default=[])
    ap.add_argument("--budget", type=int, default=16)
    a = ap.parse_args()

    got = {}
    with open(a.json) as f:
        for line in f:
            r = json.loads(line)
            if r.get("protocol") != "UDP":
                continue
            key = frozenset([(r["source_ip"], r["source_port"]), (r["destination_ip"], r["destination_port"])])
            got[key] = r

    fails = 0
    fields = 0
    kinds = set()
    exp = expected(a.capture, a.budget)
    for fl in exp:
        key = frozenset([(fl["tuple"][0], fl["tuple"][1]), (fl["tuple"][2], fl["tuple"][3])])
        name = "%s:%d > %s:%d" % fl["tuple"]
        r = got.get(key)
        if r is None:
            print("FAIL %s: no such flow in netlens' output" % name)
            fails += 1
            continue
        e = fl["exp"]
        bad = []
        for k in KEYS:
            if r.get(k) != e.get(k):
                bad.append("%s: netlens %r, tshark %r" % (k, r.get(k), e.get(k)))
        if e:
            if r.get("state") != e["state"]:
                bad.append("state: netlens %r, tshark %r" % (r.get("state"), e["state"]))
            if r.get("dpi_protocol") != "SSDP":
                bad.append("dpi_protocol: %r" % r.get("dpi_protocol"))
            kinds.add(e["ssdp_method"])
        if bad:
            fails += 1
            print("FAIL %s: %s" % (name, "; ".join(bad)))
        else:
            n = sum(1 for k in KEYS if k in e) + (1 if e else 0)
            fields += n
            print("ok   %s: %d datagrams, %s, %d fields agree" % (name, fl["n"], e.get("ssdp_method", "not SSDP"), n))
    if len(got) != len(exp):
        print("FAIL netlens has %d UDP flows, tshark %d" % (len(got), len(exp)))
        fails += 1
    for k in a.expect:
        if k not in kinds:
            print("FAIL no %s flow in the capture" % k)
            fails += 1
    print("%s: %d flows, %d fields agree with tshark, %d failures" % (a.capture, len(exp), fields, fails))
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
