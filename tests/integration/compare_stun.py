#!/usr/bin/python3
"""compare_stun.py - netlens' stun_* fields against tshark, flow by flow.

usage: compare_stun.py [-d tshark-decode-as]... [--expect-flows N] [--require KEY=REGEX]...
                       CAPTURE NETLENS.json

tshark (-T pdml) gives every STUN message of the capture: method and class
as it displays them, the transaction id, and the attributes netlens reads
(XOR-MAPPED-ADDRESS and MAPPED-ADDRESS, XOR-RELAYED-ADDRESS, ERROR-CODE,
SOFTWARE, REALM), decoded by tshark. The expected fields of each UDP or TCP
flow are derived from those messages as dissectors/stun.c documents them:

  stun_method, stun_class, stun_transaction_id, the state label: the last
      message's (STUN_REQUEST, STUN_INDICATION, STUN_SUCCESS, STUN_ERROR)
  stun_mapped_address: the last success response's XOR-MAPPED-ADDRESS (or
      MAPPED-ADDRESS when it has none), "ip:port" / "[ip6]:port"
  stun_relayed_address: the last Allocate success's XOR-RELAYED-ADDRESS
  stun_error_code / stun_error_reason: the last error response's
  stun_software, stun_realm: the last seen

only over what netlens offers the dissector: a flow whose first payload is
not a STUN message is not STUN at all; a UDP flow's first 16 datagrams (its
packet budget), a TCP flow's deliveries as core/dpi.c counts them (16, a
segment under 128 bytes counting in part), and a TCP direction no further
than its first segment that is not STUN (a stream is not resynchronised).
Every flow netlens shows with no expected STUN must have no stun_* key.
--require KEY=REGEX: some STUN flow that agrees has KEY matching REGEX in
full: KEY a JSON key, "state" (the label), or udpPORT / tcpPORT (the label
of a flow with that port, e.g. udp34780: off the STUN ports).
Exit 0 when every flow agrees; prints one line per flow.
"""
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

BUDGET = 16
STREAM_UNIT = 128
KEYS = ("stun_method", "stun_class", "stun_transaction_id", "stun_software",
        "stun_mapped_address", "stun_error_code", "stun_error_reason", "stun_realm",
        "stun_relayed_address")
LABELS = {"Request": "STUN_REQUEST", "Indication": "STUN_INDICATION",
          "Success Response": "STUN_SUCCESS", "Error Response": "STUN_ERROR"}


def fields_of(el, name):
    return [f for f in el.iter("field") if f.get("name") == name]


def first(el, name):
    for f in el.iter("field"):
        if f.get("name") == name:
            return f
    return None


def address(att):
    port = first(att, "stun.att.port")
    v4 = first(att, "stun.att.ipv4")
    v6 = first(att, "stun.att.ipv6")
    if port is None or (v4 is None and v6 is None):
        return None
    if v4 is not None:
        return "%s:%s" % (v4.get("show"), port.get("show"))
    return "[%s]:%s" % (v6.get("show"), port.get("show"))


def message(proto):
    """One STUN message of tshark's tree, or None (ChannelData)."""
    m = first(proto, "stun.type.method")
    c = first(proto, "stun.type.class")
    i = first(proto, "stun.id")
    if m is None or c is None or i is None:
        # TURN ChannelData: passed over, not STUN's end on a TCP stream
        return "channeldata" if first(proto, "stun.channel") is not None else None
    mm = re.search(r"Message Method: 0x[0-9a-fA-F]+ (\S+) \(", m.get("showname", ""))
    cm = re.search(r"Message Class: 0x[0-9a-fA-F]+ (.+) \(\d\)", c.get("showname", ""))
    msg = {"method": mm.group(1) if mm else "0x%03x" % int(m.get("show"), 16),
           "class": cm.group(1) if cm else "?", "id": i.get("value"), "atts": {}}
    for att in fields_of(proto, "stun.attribute"):
        t = int(att.get("show"), 16)
        if t in msg["atts"]:
            continue        # the first of each, as the dissector takes it
        if t in (0x0001, 0x0020, 0x0016):
            msg["atts"][t] = address(att)
        elif t == 0x0009:
            cl, num, rs = (first(att, "stun.att.error.class"), first(att, "stun.att.error"),
                           first(att, "stun.att.error.reason"))
            if cl is not None and num is not None:
                msg["atts"][t] = (int(cl.get("show")) * 100 + int(num.get("show")),
                                  rs.get("show") if rs is not None else "")
        elif t == 0x8022:
            s = first(att, "stun.att.software")
            msg["atts"][t] = s.get("show") if s is not None else None
        elif t == 0x0014:
            s = first(att, "stun.att.realm")
            msg["atts"][t] = s.get("show") if s is not None else None
    return msg


def packets(cap, decode):
    # Out-of-order reassembly, as netlens holds segments ahead of a gap.
    cmd = ["tshark", "-r", cap, "-T", "pdml", "-o", "tcp.desegment_tcp_streams:TRUE",
           "-o", "tcp.reassemble_out_of_order:TRUE"]
    for d in decode:
        cmd += ["-d", d]
    out = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=True).stdout
    root = ET.fromstring(out)
    for pkt in root.iter("packet"):
        protos = {p.get("name"): p for p in pkt.findall("proto")}
        ip = protos.get("ip") or protos.get("ipv6")
        tp = protos.get("udp") and "UDP" or protos.get("tcp") and "TCP"
        if ip is None or not tp or "icmp" in protos or "icmpv6" in protos:
            continue
        pre = "ip" if ip.get("name") == "ip" else "ipv6"
        src = first(ip, pre + ".src").get("show")
        dst = first(ip, pre + ".dst").get("show")
        t = protos["udp" if tp == "UDP" else "tcp"]
        sp = int(first(t, t.get("name") + ".srcport").get("show"))
        dp = int(first(t, t.get("name") + ".dstport").get("show"))
        if tp == "UDP":
            plen = int(first(t, "udp.length").get("show")) - 8
        else:
            f = first(t, "tcp.len")
            plen = int(f.get("show")) if f is not None else 0
        if plen <= 0:
            continue
        msgs = [m for m in (message(p) for p in pkt.findall("proto") if p.get("name") == "stun")
                if m]
        yield tp, (src, sp), (dst, dp), plen, msgs


def expected(cap, decode):
    flows = {}
    for tp, a, b, plen, msgs in packets(cap, decode):
        key = (tp, frozenset((a, b)))
        fl = flows.setdefault(key, {"first": a, "units": []})
        fl["units"].append((a, plen, msgs))
    want = {}
    for key, fl in flows.items():
        tp = key[0]
        res, spent, small, proven, stopped = {}, 0, 0, False, set()
        for src, plen, msgs in fl["units"]:
            if spent >= BUDGET:
                break
            if tp == "UDP":
                spent += 1
            elif plen >= STREAM_UNIT:
                spent += 1
            else:
                small += plen
                if small >= STREAM_UNIT:
                    small -= STREAM_UNIT
                    spent += 1
            if src in stopped:
                continue
            if not msgs:
                if not proven:
                    break   # not STUN: declined at once
                if tp == "TCP":
                    stopped.add(src)
                continue
            if all(m == "channeldata" for m in msgs):
                if not proven:
                    break   # ChannelData proves nothing by itself
                continue
            proven = True
            for m in msgs:
                if m == "channeldata":
                    continue
                res["stun_method"] = m["method"]
                res["stun_class"] = m["class"]
                res["stun_transaction_id"] = m["id"]
                res["label"] = LABELS.get(m["class"], "?")
                at = m["atts"]
                if at.get(0x8022) is not None:
                    res["stun_software"] = at[0x8022]
                if at.get(0x0014) is not None:
                    res["stun_realm"] = at[0x0014]
                if m["class"] == "Success Response":
                    mapped = at.get(0x0020) if 0x0020 in at else at.get(0x0001)
                    if mapped:
                        res["stun_mapped_address"] = mapped
                    if m["method"] == "Allocate" and at.get(0x0016):
                        res["stun_relayed_address"] = at[0x0016]
                if m["class"] == "Error Response" and at.get(0x0009):
                    res["stun_error_code"], res["stun_error_reason"] = at[0x0009]
        want[key] = res
    return want


def main(argv):
    decode, expect_flows, args, require = [], None, [], []
    it = iter(argv)
    for a in it:
        if a == "-d":
            decode.append(next(it))
        elif a == "--require":
            require.append(next(it).split("=", 1))
        elif a == "--expect-flows":
            expect_flows = int(next(it))
        else:
            args.append(a)
    cap, js = args
    want = expected(cap, decode)
    bad = n_stun = 0
    seen = set()
    agreeing = []
    with open(js) as fp:
        for line in fp:
            line = line.strip()
            if not line.startswith("{"):
                continue
            f = json.loads(line)
            if f.get("protocol") not in ("UDP", "TCP"):
                continue
            key = (f["protocol"], frozenset(((f["source_ip"], f["source_port"]),
                                             (f["destination_ip"], f["destination_port"]))))
            seen.add(key)
            exp = want.get(key, {})
            got = {k: f[k] for k in KEYS if k in f}
            name = "%s %s:%s -> %s:%s" % (f["protocol"], f["source_ip"], f["source_port"],
                                          f["destination_ip"], f["destination_port"])
            e = {k: v for k, v in exp.items() if k != "label"}
            label = f.get("dpi_state") if f["protocol"] == "TCP" else f.get("state")
            if not exp:
                if got:
                    print("FAIL %s: no STUN expected, netlens shows %s" % (name, got))
                    bad += 1
                continue
            n_stun += 1
            problems = []
            for k in sorted(set(e) | set(got)):
                if e.get(k) != got.get(k):
                    problems.append("%s: tshark %r, netlens %r" % (k, e.get(k), got.get(k)))
            if label != exp["label"]:
                problems.append("state: expected %s, netlens %r" % (exp["label"], label))
            if f.get("dpi_protocol") != "STUN":
                problems.append("dpi_protocol %r" % f.get("dpi_protocol"))
            if problems:
                print("FAIL %s: %s" % (name, "; ".join(problems)))
                bad += 1
            else:
                have = dict(got)
                have["state"] = label
                for port in (f["source_port"], f["destination_port"]):
                    have["%s%d" % (f["protocol"].lower(), port)] = label
                agreeing.append(have)
                print("ok   %s: %s %s %s" % (name, got.get("stun_method"), got.get("stun_class"),
                                             " ".join("%s=%s" % (k[5:], got[k]) for k in sorted(got)
                                                      if k not in ("stun_method", "stun_class",
                                                                   "stun_transaction_id"))))
    for key, exp in want.items():
        if exp and key not in seen:
            print("FAIL flow %s %s: STUN in tshark, not in netlens' output" % (key[0], sorted(key[1])))
            bad += 1
    for key, rx in require:
        if not any(key in h and re.fullmatch(rx, str(h[key])) for h in agreeing):
            print("FAIL no STUN flow has %s matching %s" % (key, rx))
            bad += 1
    if expect_flows is not None and n_stun != expect_flows:
        print("FAIL %d STUN flows, expected %d" % (n_stun, expect_flows))
        bad += 1
    print("# %d STUN flows agree with tshark, %d failures" % (len(agreeing), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
