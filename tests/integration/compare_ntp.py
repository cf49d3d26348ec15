#!/usr/bin/env python3
"""compare_ntp.py CAPTURE NETLENS_JSON [--min-flows N]

Checks netlens' ntp_* fields of every UDP flow in CAPTURE against tshark's
dissection (tshark -T fields: ntp.flags.vn, ntp.flags.mode, ntp.stratum,
ntp.refid, ntp.ctrl.flags2.opcode, ntp.priv.reqcode), applying the rules of
dissectors/ntp.c to each flow's NTP packets in order (at most 16, the
dissector's budget):

* ntp_version, ntp_mode: of the last packet; ntp_modes: the modes seen, in
  order, each once;
* ntp_stratum, ntp_reference_id: of the last packet of mode 1, 2, 4 or 5;
  the reference ID as text: stratum 0 and 1 its ASCII bytes (trailing NULs
  dropped; not shown when all NUL), 2 and above a dotted quad;
* ntp_control_opcode: tshark's name of the last mode 6 packet's opcode;
  ntp_private_request: the last mode 7 packet's request code;
* state: NTP_SYMMETRIC (1, 2), NTP (3, 4), NTP_BROADCAST (5), NTP_CONTROL
  (6), NTP_PRIVATE (7), by the first packet's mode; dpi_protocol "NTP".

A flow with no NTP packet must carry no ntp_* field. Prints one line per
flow; exits 1 on any difference.
"""
import ipaddress
import json
import subprocess
import sys

MODES = {1: "symmetric active", 2: "symmetric passive", 3: "client", 4: "server",
         5: "broadcast", 6: "control", 7: "private"}
LABELS = {1: "NTP_SYMMETRIC", 2: "NTP_SYMMETRIC", 3: "NTP", 4: "NTP", 5: "NTP_BROADCAST",
          6: "NTP_CONTROL", 7: "NTP_PRIVATE"}
BUDGET = 16
FIELDS = ["frame.number", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst", "udp.srcport", "udp.dstport",
          "ntp.flags.vn", "ntp.flags.mode", "ntp.stratum", "ntp.refid", "ntp.ctrl.flags2.opcode",
          "ntp.priv.reqcode", "ntp.flags"]


def opcode_names():
    """tshark's own names for ntp.ctrl.flags2.opcode (tshark -G values)."""
    out = subprocess.run(["tshark", "-G", "values"], capture_output=True, text=True).stdout
    names = {}
    for line in out.splitlines():
        p = line.split("\t")
        if len(p) == 4 and p[0] == "V" and p[1] == "ntp.ctrl.flags2.opcode":
            names[int(p[2])] = p[3]
    return names


def refid_text(hexid, stratum):
    b = bytes.fromhex(hexid.replace(":", ""))
    if stratum >= 2:
        return ".".join(str(x) for x in b)
    t = b.rstrip(b"\0")
    return t.decode("latin-1") if t else None


def expected(capture):
    cmd = ["tshark", "-r", capture, "-Y", "udp", "-T", "fields", "-E", "occurrence=f"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    ops = opcode_names()
    flows = {}
    order = []
    for line in out.splitlines():
        v = line.split("\t")
        src = v[1] or v[2]
        dst = v[3] or v[4]
        sp, dp = int(v[5]), int(v[6])
        key = frozenset([(src, sp), (dst, dp)])
        if key not in flows:
            flows[key] = {"n": 0, "ntp": False}
            order.append(key)
        fl = flows[key]
        if not v[8]:
            continue        # not NTP to tshark (its port is not 123)
        fl["n"] += 1
        if fl["n"] > BUDGET:
            continue
        vn, mode = int(v[7]), int(v[8])
        if not 1 <= vn <= 4 or mode == 0:
            continue        # the dissector passes it over (a proven flow) or stops
        if not fl["ntp"]:
            fl["ntp"] = True
            fl["state"] = LABELS[mode]
            fl["ntp_modes"] = []
        fl["ntp_version"] = vn
        fl["ntp_mode"] = MODES[mode]
        if MODES[mode] not in fl["ntp_modes"]:
            fl["ntp_modes"].append(MODES[mode])
        if mode in (1, 2, 4, 5):
            st = int(v[9])
            fl["ntp_stratum"] = st
            t = refid_text(v[10], st)
            if t is not None:
                fl["ntp_reference_id"] = t
        elif mode == 6:
            fl["ntp_control_opcode"] = ops.get(int(v[11]), "unknown (%s)" % v[11])
        elif mode == 7:
            fl["ntp_private_request"] = int(v[12])
    return flows, order


def norm(a):
    try:
        return str(ipaddress.ip_address(a))
    except ValueError:
        return a


def main():
    capture, js = sys.argv[1], sys.argv[2]
    min_flows = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[3] == "--min-flows" else 1
    flows, order = expected(capture)
    got = {}
    for line in open(js):
        line = line.strip()
        if not line.startswith("{"):
            continue
        r = json.loads(line)
        if r.get("protocol") != "UDP":
            if any(k.startswith("ntp_") for k in r):
                print("FAIL non-UDP flow with ntp fields: %s" % line)
                return 1
            continue
        key = frozenset([(norm(r["source_ip"]), r["source_port"]),
                         (norm(r["destination_ip"]), r["destination_port"])])
        got[key] = r
    fail = 0
    ntp_flows = 0
    keys = ["ntp_version", "ntp_mode", "ntp_modes", "ntp_stratum", "ntp_reference_id",
            "ntp_control_opcode", "ntp_private_request"]
    for key in order:
        e = flows[key]
        name = " <-> ".join("%s:%d" % k for k in sorted(key, key=str))
        r = got.get(key)
        if r is None:
            print("FAIL %s: no such flow in netlens' output" % name)
            fail = 1
            continue
        if not e["ntp"]:
            extra = [k for k in r if k.startswith("ntp_")]
            if extra or r.get("dpi_protocol") == "NTP":
                print("FAIL %s: not NTP to tshark, netlens has %s" % (name, extra or "dpi_protocol NTP"))
                fail = 1
            continue
        ntp_flows += 1
        want = {k: e[k] for k in keys if k in e}
        want["dpi_protocol"] = "NTP"
        want["state"] = e["state"]
        have = {k: r[k] for k in keys + ["dpi_protocol", "state"] if k in r}
        if want == have:
            print("ok   %s: %s" % (name, json.dumps(have, sort_keys=True)))
        else:
            print("FAIL %s:\n     tshark: %s\n     netlens: %s" % (name, json.dumps(want, sort_keys=True),
                                                               json.dumps(have, sort_keys=True)))
            fail = 1
    print("# %d NTP flows agree with tshark%s" % (ntp_flows, "" if not fail else " (with failures)"))
    if ntp_flows < min_flows:
        print("FAIL only %d NTP flows, expected at least %d" % (ntp_flows, min_flows))
        fail = 1
    return fail


if __name__ == "__main__":
    sys.exit(main())
