#!/usr/bin/env python3
"""compare_snmp.py CAPTURE NETLENS_JSON [--min-flows N]

Checks netlens' snmp_* fields of every UDP flow in CAPTURE against tshark's
dissection (tshark -T fields: snmp.version / snmp.msgVersion, snmp.community,
snmp.data, snmp.request_id, snmp.error_status, snmp.name,
snmp.v3.flags.crypt, snmp.msgUserName, snmp.msgAuthoritativeEngineID),
applying the rules of dissectors/snmp.c to each flow's SNMP messages in order
(at most 16, the dissector's budget):

* snmp_version ("v1", "v2c", "v3"), snmp_pdu_type (tshark's snmp.data name,
  or "encrypted" for a v3 message with the privacy flag): of the last
  message; snmp_community: of the first v1/v2c message;
* snmp_request_id: of the last PDU that has one (all but the v1 Trap), when
  not negative; snmp_error_status: tshark's name of the last non-zero
  error-status of a get-response;
* snmp_oids: the varbind names, in order, each once, at most 16;
* snmp_user, snmp_engine_id (hex): the last non-empty ones (USM);
* state: SNMP_GET, SNMP_GETNEXT, SNMP_RESPONSE, SNMP_SET, SNMP_TRAP (v1 and
  v2 traps), SNMP_GETBULK, SNMP_INFORM, SNMP_REPORT, SNMP_ENCRYPTED, of the
  last message; dpi_protocol "SNMP".

A flow with no SNMP message must carry no snmp_* field. Prints one line per
flow; exits 1 on any difference.
"""
import subprocess
import sys

from udp_compare import endpoints, flow_name, min_flows_arg, summary, udp_records, value_names, verdict

BUDGET = 16
MAX_LIST = 16
VERSIONS = {0: "v1", 1: "v2c", 3: "v3"}
LABELS = ["SNMP_GET", "SNMP_GETNEXT", "SNMP_RESPONSE", "SNMP_SET", "SNMP_TRAP", "SNMP_GETBULK",
          "SNMP_INFORM", "SNMP_TRAP", "SNMP_REPORT"]
FIELDS = ["frame.number", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst", "udp.srcport", "udp.dstport",
          "snmp.version", "snmp.msgVersion", "snmp.community", "snmp.data", "snmp.request_id",
          "snmp.error_status", "snmp.name", "snmp.v3.flags.crypt", "snmp.msgUserName",
          "snmp.msgAuthoritativeEngineID", "_ws.malformed"]
SEP = "|"


def expected(capture):
    cmd = ["tshark", "-r", capture, "-Y", "udp", "-T", "fields", "-E", "occurrence=a",
           "-E", "aggregator=" + SEP]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    pdus = value_names("snmp.data")
    errors = value_names("snmp.error_status")
    flows = {}
    order = []
    for line in out.splitlines():
        v = [x.split(SEP) if x else [] for x in line.split("\t")]
        first = [x[0] if x else "" for x in v]
        sp, dp = int(first[5]), int(first[6])
        key = endpoints(first[1] or first[2], sp, first[3] or first[4], dp)
        if key not in flows:
            flows[key] = {"n": 0, "snmp": False}
            order.append(key)
        fl = flows[key]
        ver = first[7] or first[8]
        if not ver and not first[10] and not first[14]:
            continue        # not SNMP to tshark
        if {sp, dp}.isdisjoint({161, 162}):
            continue        # the dissector never looks off its ports
        fl["n"] += 1
        if fl["n"] > BUDGET:
            continue
        if first[17] or int(ver) not in VERSIONS:
            continue        # broken or SNMPv2u: not read (the real traffic has none)
        if not fl["snmp"]:
            fl["snmp"] = True
            fl["snmp_oids"] = []
        fl["snmp_version"] = VERSIONS[int(ver)]
        if first[9] != "" or (int(ver) in (0, 1)):
            if "snmp_community" not in fl:
                fl["snmp_community"] = first[9]
        if first[15]:
            fl["snmp_user"] = first[15]
        eng = first[16].replace(":", "") if not first[16].startswith("<") else ""
        if eng and len(eng) <= 64:
            fl["snmp_engine_id"] = eng.lower()
        if first[14] in ("1", "True"):
            fl["snmp_pdu_type"] = "encrypted"
            fl["state"] = "SNMP_ENCRYPTED"
            continue
        kind = int(first[10])
        fl["snmp_pdu_type"] = pdus[kind]
        fl["state"] = LABELS[kind]
        if kind != 4 and first[11] != "" and int(first[11]) >= 0:
            fl["snmp_request_id"] = int(first[11])
        if kind == 2 and first[12] not in ("", "0"):
            fl["snmp_error_status"] = errors.get(int(first[12]), "unknown (%s)" % first[12])
        for oid in v[13]:
            if oid not in fl["snmp_oids"] and len(fl["snmp_oids"]) < MAX_LIST:
                fl["snmp_oids"].append(oid)
    for fl in flows.values():
        if fl.get("snmp_oids") == []:
            del fl["snmp_oids"]
    return flows, order


def main():
    capture, js = sys.argv[1], sys.argv[2]
    flows, order = expected(capture)
    got, fail = udp_records(js, "snmp_")
    n_snmp = 0
    keys = ["snmp_version", "snmp_community", "snmp_pdu_type", "snmp_request_id", "snmp_error_status",
            "snmp_oids", "snmp_user", "snmp_engine_id"]
    for key in order:
        e = flows[key]
        name = flow_name(key)
        r = got.get(key, [None])[-1]
        if r is None:
            print("FAIL %s: no such flow in netlens' output" % name)
            fail = 1
            continue
        if not e["snmp"]:
            extra = [k for k in r if k.startswith("snmp_")]
            if extra or r.get("dpi_protocol") == "SNMP":
                print("FAIL %s: not SNMP to tshark, netlens has %s" % (name, extra or "dpi_protocol SNMP"))
                fail = 1
            continue
        n_snmp += 1
        want = {k: e[k] for k in keys if k in e}
        want["dpi_protocol"] = "SNMP"
        want["state"] = e["state"]
        have = {k: r[k] for k in keys + ["dpi_protocol", "state"] if k in r}
        fail |= verdict(name, want, have)
    return summary(n_snmp, "SNMP", fail, min_flows_arg(sys.argv))


if __name__ == "__main__":
    sys.exit(main())
