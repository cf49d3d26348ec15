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
import subprocess
import sys

from udp_compare import endpoints, flow_name, min_flows_arg, summary, udp_records, value_names, verdict

MODES = {1: "symmetric active", 2: "symmetric passive", 3: "client", 4: "server",
         5: "broadcast", 6: "control", 7: "private"}
LABELS = {1: "NTP_SYMMETRIC", 2: "NTP_SYMMETRIC", 3: "NTP", 4: "NTP", 5: "NTP_BROADCAST",
          6: "NTP_CONTROL", 7: "NTP_PRIVATE"}
BUDGET = 16
FIELDS = ["frame.number", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst", "udp.srcport", "udp.dstport",
          "ntp.flags.vn", "ntp.flags.mode", "ntp.stratum", "ntp.refid", "ntp.ctrl.flags2.opcode",
          "ntp.priv.reqcode", "ntp.flags"]


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
    ops = value_names("ntp.ctrl.flags2.opcode")
    flows = {}
    order = []
    for line in out.splitlines():
        v = line.split("\t")
        key = endpoints(v[1] or v[2], v[5], v[3] or v[4], v[6])
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


def main():
    capture, js = sys.argv[1], sys.argv[2]
    flows, order = expected(capture)
    got, fail = udp_records(js, "ntp_")
    ntp_flows = 0
    keys = ["ntp_version", "ntp_mode", "ntp_modes", "ntp_stratum", "ntp_reference_id",
            "ntp_control_opcode", "ntp_private_request"]
    for key in order:
        e = flows[key]
        name = flow_name(key)
        r = got.get(key, [None])[-1]
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
        fail |= verdict(name, want, have)
    return summary(ntp_flows, "NTP", fail, min_flows_arg(sys.argv))


if __name__ == "__main__":
    sys.exit(main())
