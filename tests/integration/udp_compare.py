"""udp_compare.py - what compare_ntp.py, compare_snmp.py and compare_nbdgm.py
share: tshark's names for a field's values, reading netlens' UDP records by
their two endpoints, and the per-flow verdict lines and the summary each
prints. Each script keeps its own reading of tshark's fields and the
dissector's rules; this module knows nothing of any protocol."""
import ipaddress
import json
import subprocess


def value_names(field):
    """tshark's own names for a field's values (tshark -G values), by number."""
    out = subprocess.run(["tshark", "-G", "values"], capture_output=True, text=True).stdout
    names = {}
    for line in out.splitlines():
        p = line.split("\t")
        if len(p) == 4 and p[0] == "V" and p[1] == field:
            try:
                names[int(p[2], 0)] = p[3]
            except ValueError:
                names[int(p[2])] = p[3]
    return names


def norm_ip(a):
    """An address as Python writes it, so tshark's and netlens' compare."""
    try:
        return str(ipaddress.ip_address(a))
    except ValueError:
        return a


def endpoints(src, sport, dst, dport):
    """A flow's key whichever side sent first."""
    return frozenset([(norm_ip(src), int(sport)), (norm_ip(dst), int(dport))])


def min_flows_arg(argv):
    """--min-flows N after CAPTURE NETLENS_JSON, else 1."""
    return int(argv[4]) if len(argv) > 4 and argv[3] == "--min-flows" else 1


def udp_records(path, prefix):
    """netlens' UDP records of a JSON Lines file, as {endpoints: [record, ...]}
    in the file's order (the same endpoints again after an idle timeout are
    a second record), and 1 when a flow that is not UDP carries a field
    beginning with prefix (else 0); each such flow is a FAIL line."""
    got = {}
    fail = 0
    for line in open(path):
        line = line.strip()
        if not line.startswith("{"):
            continue
        r = json.loads(line)
        if r.get("protocol") != "UDP":
            if any(k.startswith(prefix) for k in r):
                print("FAIL non-UDP flow with %s fields: %s" % (prefix.rstrip("_"), line))
                fail = 1
            continue
        ep = endpoints(r["source_ip"], r["source_port"], r["destination_ip"], r["destination_port"])
        got.setdefault(ep, []).append(r)
    return got, fail


def flow_name(ep):
    return " <-> ".join("%s:%d" % k for k in sorted(ep, key=str))


def verdict(name, want, have):
    """One line: ok with the fields, or FAIL with both sides. 0 or 1."""
    if want == have:
        print("ok   %s: %s" % (name, json.dumps(have, sort_keys=True)))
        return 0
    print("FAIL %s:\n     tshark: %s\n     netlens: %s" % (name, json.dumps(want, sort_keys=True),
                                                       json.dumps(have, sort_keys=True)))
    return 1


def summary(n, what, fail, min_flows):
    """The closing lines; the exit status (1 on any failure or too few flows)."""
    print("# %d %s flows agree with tshark%s" % (n, what, "" if not fail else " (with failures)"))
    if n < min_flows:
        print("FAIL only %d %s flows, expected at least %d" % (n, what, min_flows))
        fail = 1
    return fail
