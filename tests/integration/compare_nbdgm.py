#!/usr/bin/env python3
"""compare_nbdgm.py CAPTURE NETLENS_JSON [--min-flows N]

Checks netlens' nbdgm_* fields of every UDP flow in CAPTURE against tshark's
dissection (tshark -T fields: nbdgm.type, nbdgm.src.ip, nbdgm.source_name,
nbdgm.destination_name, nbdgm.error_code, mailslot.name, browser.command,
browser.server, browser.os_major, browser.os_minor, browser.server_type,
browser.comment, browser.mb_server), applying the rules of dissectors/nbdgm.c
to each flow's datagrams in order (at most 32, the dissector's budget; a
silence of over 60 s, the idle timeout, ends a flow):

* nbdgm_type (tshark's name), state NETBIOS_DGM_<kind>: of the last
  datagram; nbdgm_source_name, nbdgm_source_ip: of the last datagram
  carrying them (types 0x10-0x12); nbdgm_destination_names: every
  destination name, in order, each once; nbdgm_error_code: the last 0x13's;
* nbdgm_mailslot: the last mailslot name; nbdgm_browser_command: tshark's
  name of the last browser command, nbdgm_browser_commands: all, in order,
  each once; nbdgm_server, nbdgm_comment, nbdgm_master_browser (tshark's
  browser.mb_server): the last ones; nbdgm_os_version "major.minor" and
  nbdgm_server_type ("0x%08x") of the last announcement;
  nbdgm_server_type_flags: tshark's names of the server type bits set in
  any announcement, in order of appearance, each once (at most 16);
* dpi_protocol "NetBIOS-DGM", with the source name in parentheses when
  there is one; dpi_domain the source name.

A datagram whose names tshark calls illegal, or where it found no name
(or no error code) where one belongs, is passed over (the dissector checks
them strictly). A flow with no nbdgm datagram must carry no nbdgm_* field. netlens escapes
a backslash and other bytes as \\xNN: undone before comparing. Prints one
line per flow; exits 1 on any difference.
"""
import re
import subprocess
import sys

from udp_compare import endpoints, flow_name, min_flows_arg, summary, udp_records, value_names, verdict

BUDGET = 32
LIST_MAX = 16
PORT = 138
LABELS = {0x10: "NETBIOS_DGM_UNIQUE", 0x11: "NETBIOS_DGM_GROUP", 0x12: "NETBIOS_DGM_BROADCAST",
          0x13: "NETBIOS_DGM_ERROR", 0x14: "NETBIOS_DGM_QUERY", 0x15: "NETBIOS_DGM_POSITIVE",
          0x16: "NETBIOS_DGM_NEGATIVE"}
FLAG_NAMES = {0: "Workstation", 1: "Server", 2: "SQL", 3: "Domain Controller", 4: "Backup Controller",
              5: "Time Source", 6: "Apple", 7: "Novell", 8: "Member", 9: "Print", 10: "Dialin",
              11: "Xenix", 12: "NT Workstation", 13: "WfW", 15: "NT Server", 16: "Potential Browser",
              17: "Backup Browser", 18: "Master Browser", 19: "Domain Master Browser", 20: "OSF",
              21: "VMS", 22: "Windows 95+", 23: "DFS", 30: "Local", 31: "Domain Enum"}
IDLE = 60           # the dissector's idle timeout: a longer silence starts a new flow
FIELDS = ["frame.time_epoch", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst", "udp.srcport", "udp.dstport",
          "nbdgm.type", "nbdgm.src.ip", "nbdgm.source_name", "nbdgm.destination_name",
          "nbdgm.error_code", "mailslot.name", "browser.command", "browser.server", "browser.os_major",
          "browser.os_minor", "browser.server_type", "browser.comment", "browser.mb_server"]
KEYS = ["nbdgm_type", "nbdgm_source_name", "nbdgm_destination_names", "nbdgm_source_ip",
        "nbdgm_error_code", "nbdgm_mailslot", "nbdgm_browser_command", "nbdgm_browser_commands",
        "nbdgm_server", "nbdgm_os_version", "nbdgm_server_type", "nbdgm_server_type_flags",
        "nbdgm_comment", "nbdgm_master_browser"]


def add(lst, v):
    if v not in lst and len(lst) < LIST_MAX:
        lst.append(v)


def expected(capture):
    cmd = ["tshark", "-r", capture, "-Y", "udp", "-T", "fields", "-E", "occurrence=f"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    types = value_names("nbdgm.type")
    cmds = value_names("browser.command")
    flows = {}
    order = []
    last = {}
    for line in out.splitlines():
        v = line.split("\t")
        if len(v) < len(FIELDS) or not v[5]:
            continue
        (ts, s4, s6, d4, d6, sp, dp, typ, sip, sname, dname, err, slot, bcmd, server, osmaj, osmin,
         stype, comment, mb) = v[:len(FIELDS)]
        sp, dp = int(sp), int(dp)
        ep = endpoints(s4 or s6, sp, d4 or d6, dp)
        ts = float(ts)
        gen = last[ep][1] if ep in last else 0
        if ep in last and ts - last[ep][0] > IDLE:
            gen += 1
        last[ep] = (ts, gen)
        key = (ep, gen)
        if key not in flows:
            flows[key] = {"n": 0, "nb": False}
            order.append(key)
        fl = flows[key]
        fl["n"] += 1        # every datagram of the flow counts against the budget
        if fl["n"] > BUDGET or not typ or PORT not in (sp, dp):
            continue
        if sname.startswith("Illegal") or dname.startswith("Illegal"):
            continue        # a name not so encoded: the dissector passes the datagram over
        t = int(typ)
        if (t <= 0x12 and not (sname and dname)) or (t >= 0x14 and not dname) or (t == 0x13 and not err):
            continue        # cut or broken where tshark's names or code should be: passed over
        fl["nb"] = True
        fl["state"] = LABELS[t]
        fl["nbdgm_type"] = types[t]
        if sname:
            fl["nbdgm_source_name"] = sname
            fl["nbdgm_source_ip"] = sip
        if dname:
            add(fl.setdefault("nbdgm_destination_names", []), dname)
        if err:
            fl["nbdgm_error_code"] = int(err, 0)
        if slot:
            fl["nbdgm_mailslot"] = slot
        if bcmd:
            name = cmds[int(bcmd, 0)]
            fl["nbdgm_browser_command"] = name
            add(fl.setdefault("nbdgm_browser_commands", []), name)
        if server:
            fl["nbdgm_server"] = server
        if osmaj and osmin:
            fl["nbdgm_os_version"] = "%s.%s" % (osmaj, osmin)
        if stype:
            st = int(stype, 0)
            fl["nbdgm_server_type"] = "0x%08x" % st
            flags = fl.setdefault("nbdgm_server_type_flags", [])
            for b in range(32):
                if st >> b & 1 and b in FLAG_NAMES:
                    add(flags, FLAG_NAMES[b])
        if comment:
            fl["nbdgm_comment"] = comment
        if mb:
            fl["nbdgm_master_browser"] = mb
    return flows, order


def unescape(v):
    if isinstance(v, list):
        return [unescape(x) for x in v]
    if isinstance(v, str):
        return re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), v)
    return v


def main():
    capture, js = sys.argv[1], sys.argv[2]
    flows, order = expected(capture)
    by_endpoints, fail = udp_records(js, "nbdgm_")
    # The same endpoints again after an idle timeout: in order of first_seen.
    got = {}
    for ep, rs in by_endpoints.items():
        rs.sort(key=lambda r: r.get("first_seen", ""))
        for gen, r in enumerate(rs):
            got[(ep, gen)] = r
    nb_flows = 0
    for key in order:
        e = flows[key]
        name = flow_name(key[0])
        if key[1]:
            name += " (#%d)" % (key[1] + 1)
        r = got.get(key)
        if r is None:
            if e["nb"]:
                print("FAIL %s: no such flow in netlens' output" % name)
                fail = 1
            continue
        if not e["nb"]:
            extra = [k for k in r if k.startswith("nbdgm_")]
            if extra or str(r.get("dpi_protocol", "")).startswith("NetBIOS-DGM"):
                print("FAIL %s: not nbdgm to tshark, netlens has %s" % (name, extra or r["dpi_protocol"]))
                fail = 1
            continue
        nb_flows += 1
        want = {k: e[k] for k in KEYS if k in e}
        want["state"] = e["state"]
        sn = e.get("nbdgm_source_name")
        want["dpi_protocol"] = "NetBIOS-DGM (%s)" % sn if sn else "NetBIOS-DGM"
        if sn:
            want["dpi_domain"] = sn
        have = {k: unescape(r[k]) for k in KEYS + ["state", "dpi_protocol", "dpi_domain"] if k in r}
        fail |= verdict(name, want, have)
    return summary(nb_flows, "nbdgm", fail, min_flows_arg(sys.argv))


if __name__ == "__main__":
    sys.exit(main())
