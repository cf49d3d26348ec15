#!/usr/bin/env python3
"""compare_dhcp.py CAPTURE NETLENS_JSONL [--min-flows N]

Checks the dhcp dissector's fields in netlens' JSON (one flow a line) against
what tshark decodes in CAPTURE, flow by flow.

tshark is read as PDML (-T pdml), so that a DHCPv6 message's client DUID is
told from its server DUID (both are dhcpv6.duid*.link_layer_addr) and the IA
Address taken from inside IA_NA. A flow is a UDP 5-tuple in either
orientation (netlens keys a UDP flow by its two ends: 0.0.0.0:68 ->
255.255.255.255:67 holds every client broadcast, the server's unicast
answers to one address another). The messages of a flow are read in
capture order, at most BUDGET (the dissector's packet_budget) of them.

What netlens should show, per flow (dissectors/dhcp.c, DOC-dhcp.md):

dhcp_message_type   the last message's type: option 53 by its RFC name
                    (DHCPv4), msg-type (DHCPv6; a relay's outermost)
dhcp_messages       every type seen, in order of first appearance (DHCPv6:
                    each relay level's and the relayed message's)
state               "DHCP_" / "DHCPV6_" + the last type, '-' -> '_',
                    INFORMATION-REQUEST as INFO_REQUEST
dhcp_xid            the last message's transaction id
dhcp_hostname       the last host name given: option 12, else option 81's
                    name (DHCPv4), option 39's name (DHCPv6); tshark's
                    trailing dot of a fully qualified name is not shown
dhcp_client_mac     chaddr (htype 1, hlen 6); DHCPv6: the Ethernet address
                    of the client identifier's DUID-LLT / DUID-LL
dhcp_assigned_addr  yiaddr of an OFFER / ACK when not 0.0.0.0; DHCPv6: the
                    first IA Address in IA_NA of an ADVERTISE / REPLY
dhcp_server_id, dhcp_vendor_class, dhcp_requested_addr
                    options 54, 60, 50 (DHCPv4); DHCPv6 option 16's first
                    vendor-class-data when printable ASCII
dpi_protocol        "DHCP (<hostname>)", or "DHCP" without one
all but the type fields: the last message that carried one gives it.

Exit 0 when every flow agrees, 1 on a difference (each printed), 2 on a
usage or tool error.
"""
import ipaddress
import json
import subprocess
import sys
import xml.etree.ElementTree as ET

BUDGET = 16
V4 = [None, "DISCOVER", "OFFER", "REQUEST", "DECLINE", "ACK", "NAK", "RELEASE", "INFORM",
      "FORCERENEW", "LEASEQUERY", "LEASEUNASSIGNED", "LEASEUNKNOWN", "LEASEACTIVE",
      "BULKLEASEQUERY", "LEASEQUERYDONE", "ACTIVELEASEQUERY", "LEASEQUERYSTATUS", "TLS"]
V6 = [None, "SOLICIT", "ADVERTISE", "REQUEST", "CONFIRM", "RENEW", "REBIND", "REPLY", "RELEASE",
      "DECLINE", "RECONFIGURE", "INFORMATION-REQUEST", "RELAY-FORW", "RELAY-REPL"]
PORTS = {67, 68, 546, 547}
KEYS = ("dhcp_message_type", "dhcp_messages", "dhcp_hostname", "dhcp_client_mac", "dhcp_xid",
        "dhcp_assigned_addr", "dhcp_server_id", "dhcp_vendor_class", "dhcp_requested_addr")


def die(msg):
    print("compare_dhcp.py: " + msg, file=sys.stderr)
    sys.exit(2)


def norm_ip(s):
    return str(ipaddress.ip_address(s))


def fields(node, name):
    return [f for f in node.iter("field") if f.get("name") == name]


def first(node, name):
    for f in node.iter("field"):
        if f.get("name") == name:
            return f.get("show")
    return None


def child(node, name):
    for f in node:
        if f.get("name") == name:
            return f.get("show")
    return None


def options6(node):
    """The DHCPv6 options directly under node: (type, element)."""
    out = []
    for f in node:
        if f.get("name") != "dhcpv6.option.type_str":
            continue
        t = child(f, "dhcpv6.option.type")
        if t is not None:
            out.append((int(t), f))
    return out


def msg_v4(proto):
    m = {}
    t = first(proto, "dhcp.option.dhcp")
    m["types"] = [] if t is None else [V4[int(t)] if 1 <= int(t) < len(V4) else str(int(t))]
    m["state"] = None if t is None else ("DHCP_" + m["types"][0] if 1 <= int(t) < len(V4) else "DHCP_UNKNOWN")
    m["dhcp_xid"] = int(child(proto, "dhcp.id"), 16)
    if child(proto, "dhcp.hw.type") == "0x01" and child(proto, "dhcp.hw.len") == "6":
        m["dhcp_client_mac"] = child(proto, "dhcp.hw.mac_addr")
    your = child(proto, "dhcp.ip.your")
    if t is not None and int(t) in (2, 5) and your != "0.0.0.0":
        m["dhcp_assigned_addr"] = your
    host = first(proto, "dhcp.option.hostname")
    if host is None:
        host = first(proto, "dhcp.fqdn.name")
    if host:
        m["dhcp_hostname"] = host.rstrip(".")
    for key, f in (("dhcp_server_id", "dhcp.option.dhcp_server_id"),
                   ("dhcp_vendor_class", "dhcp.option.vendor_class_id"),
                   ("dhcp_requested_addr", "dhcp.option.requested_ip_address")):
        v = first(proto, f)
        if v:
            m[key] = v
    return m


def msg_v6(proto):
    m = {"types": []}
    node = proto
    for _ in range(9):
        t = int(child(node, "dhcpv6.msgtype"))
        m["types"].append(V6[t])
        if t not in (12, 13):
            break
        inner = [f for ot, f in options6(node) if ot == 9]
        if not inner:
            node = None
            break
        # the relayed message's fields sit in the option's subtree
        node = inner[0]
        for f in node.iter("field"):
            if any(c.get("name") == "dhcpv6.msgtype" for c in f):
                node = f
                break
    top = m["types"][0]
    m["state"] = "DHCPV6_" + ("INFO_REQUEST" if top == "INFORMATION-REQUEST" else top.replace("-", "_"))
    if node is None:
        return m
    xid = child(node, "dhcpv6.xid")
    if xid is not None:
        m["dhcp_xid"] = int(xid, 16)
    inner_type = m["types"][-1]
    for ot, f in options6(node):
        if ot == 1 and "dhcp_client_mac" not in m:
            for pre in ("dhcpv6.duidllt", "dhcpv6.duidll"):
                hw = first(f, pre + ".hwtype")
                ll = first(f, pre + ".link_layer_addr")
                if hw == "1" and ll and len(ll) == 17:
                    m["dhcp_client_mac"] = ll
        elif ot == 39 and "dhcp_hostname" not in m:
            name = first(f, "dhcpv6.client_domain")
            if name:
                m["dhcp_hostname"] = name.rstrip(".")
        elif ot == 16 and "dhcp_vendor_class" not in m:
            data = first(f, "dhcpv6.vendorclass.data")
            if data and all(0x20 <= ord(c) <= 0x7e for c in data):
                m["dhcp_vendor_class"] = data
        elif ot == 3 and "ia" not in m:
            m["ia"] = True
            if inner_type in ("ADVERTISE", "REPLY"):
                a = first(f, "dhcpv6.iaaddr.ip")
                if a:
                    m["dhcp_assigned_addr"] = a
    m.pop("ia", None)
    return m


def tshark_flows(cap):
    try:
        out = subprocess.run(["tshark", "-n", "-r", cap, "-T", "pdml", "-Y", "dhcp || dhcpv6"],
                             check=True, capture_output=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        die("tshark: %s" % e)
    flows = {}
    order = []
    for pkt in ET.fromstring(out).iter("packet"):
        protos = {p.get("name"): p for p in pkt.iter("proto")}
        ipp = protos.get("ip") or protos.get("ipv6")
        udp = protos.get("udp")
        if ipp is None or udp is None:
            continue
        pre = "ip" if ipp.get("name") == "ip" else "ipv6"
        src, dst = first(ipp, pre + ".src"), first(ipp, pre + ".dst")
        sp, dp = int(first(udp, "udp.srcport")), int(first(udp, "udp.dstport"))
        if "icmp" in protos or "icmpv6" in protos:
            continue	# an error quoting a datagram
        key = frozenset([(norm_ip(src), sp), (norm_ip(dst), dp)])
        if "dhcpv6" in protos:
            m = msg_v6(protos["dhcpv6"])
        elif "dhcp" in protos:
            m = msg_v4(protos["dhcp"])
        else:
            continue
        if key not in flows:
            flows[key] = []
            order.append(key)
        flows[key].append(m)
    return flows, order


def expected(msgs):
    want = {}
    seen = []
    state = None
    for m in msgs[:BUDGET]:
        for t in m["types"]:
            if t not in seen:
                seen.append(t)
        if m["types"]:
            want["dhcp_message_type"] = m["types"][0]
        if m["state"]:
            state = m["state"]
        elif state is None:
            state = "BOOTP"
        for k in KEYS:
            if k in m:
                want[k] = m[k]
    if seen:
        want["dhcp_messages"] = seen[:16]
    want["state"] = state
    host = want.get("dhcp_hostname")
    want["dpi_protocol"] = "DHCP (%s)" % host if host else "DHCP"
    return want


def main():
    args = sys.argv[1:]
    min_flows = 1
    if "--min-flows" in args:
        i = args.index("--min-flows")
        min_flows = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 2:
        die("usage: compare_dhcp.py CAPTURE NETLENS_JSONL [--min-flows N]")
    cap, jl = args
    flows, order = tshark_flows(cap)
    recs = {}
    with open(jl) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            r = json.loads(line)
            if "source_port" not in r:
                continue
            key = frozenset([(norm_ip(r["source_ip"]), r["source_port"]),
                             (norm_ip(r["destination_ip"]), r["destination_port"])])
            recs.setdefault(key, []).append(r)
    bad = 0
    checked = 0
    values = 0
    for key in order:
        name = " <-> ".join("%s:%d" % e for e in sorted(key))
        got = recs.get(key)
        if not got:
            print("FAIL %s: no netlens flow" % name)
            bad += 1
            continue
        if len(got) != 1:
            print("FAIL %s: %d netlens flows" % (name, len(got)))
            bad += 1
            continue
        rec = got[0]
        want = expected(flows[key])
        for k in KEYS + ("state", "dpi_protocol"):
            w, g = want.get(k), rec.get(k)
            if w != g:
                print("FAIL %s: %s: tshark %r, netlens %r" % (name, k, w, g))
                bad += 1
            elif w is not None:
                values += 1
        for k in rec:
            if k.startswith("dhcp_") and k not in KEYS:
                print("FAIL %s: unknown key %s" % (name, k))
                bad += 1
        checked += 1
    # a flow tshark finds no DHCP in carries no dhcp field
    for key, rs in recs.items():
        if key in flows:
            continue
        for r in rs:
            if any(k.startswith("dhcp_") for k in r) or str(r.get("state", "")).startswith("DHCP"):
                print("FAIL %s: dhcp fields on a flow without DHCP" % sorted(key))
                bad += 1
    print("# %s: %d DHCP flows, %d values agree with tshark, %d differences" % (cap, checked, values, bad))
    if checked < min_flows:
        print("FAIL %s: %d DHCP flows, expected at least %d" % (cap, checked, min_flows))
        bad += 1
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
