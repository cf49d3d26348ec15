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
import ipaddress
import json
import subprocess
import sys

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


def value_names(field):
    """tshark's own names for a field's values (tshark -G values)."""
    out = subprocess.run(["tshark", "-G", "values"], capture_output=True, text=True).stdout
    names = {}
    for line in out.splitlines():
        p = line.split("\t")
        if len(p) == 4 and p[0] == "V" and p[1] == field:
            names[int(p[2])] = p[3]
    return names


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
        src = first[1] or first[2]
        dst = first[3] or first[4]
        sp, dp = int(first[5]), int(first[6])
        key = frozenset([(src, sp), (dst, dp)])
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
            if any(k.startswith("snmp_") for k in r):
                print("FAIL non-UDP flow with snmp fields: %s" % line)
                return 1
            continue
        key = frozenset([(norm(r["source_ip"]), r["source_port"]),
                         (norm(r["destination_ip"]), r["destination_port"])])
        got[key] = r
    fail = 0
    n_snmp = 0
    keys = ["snmp_version", "snmp_community", "snmp_pdu_type", "snmp_request_id", "snmp_error_status",
            "snmp_oids", "snmp_user", "snmp_engine_id"]
    for key in order:
        e = flows[key]
        name = " <-> ".join("%s:%d" % k for k in sorted(key, key=str))
        r = got.get(key)
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
        if want == have:
            print("ok   %s: %s" % (name, json.dumps(have, sort_keys=True)))
        else:
            print("FAIL %s:\n     tshark: %s\n     netlens: %s" % (name, json.dumps(want, sort_keys=True),
                                                               json.dumps(have, sort_keys=True)))
            fail = 1
    print("# %d SNMP flows agree with tshark%s" % (n_snmp, "" if not fail else " (with failures)"))
    if n_snmp < min_flows:
        print("FAIL only %d SNMP flows, expected at least %d" % (n_snmp, min_flows))
        fail = 1
    return fail


if __name__ == "__main__":
    sys.exit(main())
