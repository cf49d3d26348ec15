#!/usr/bin/env python3
"""tshark_oracle.py CAPTURE [--services FILE] [--json]

Derives the flow list netlens should print for CAPTURE from tshark's
dissection (PDML, IP reassembly off), applying netlens' flow rules:

* keys: TCP = tshark's tcp.stream (a SYN on a closed tuple is a new stream;
  a header cut after its ports has no stream: the 5-tuple's latest flow);
  UDP = 5-tuple; ICMP echo = address pair + identifier; other ICMP = address
  pair (id 0); ARP = (sender IP, target IP) pair; other IP protocols =
  address pair + protocol number.  Tunnels belong to the outer IP header.
  IPsec AH is looked through (to the transport it protects), ESP is opaque.
* non-first fragments count in their datagram's flow (matched by
  src, dst, protocol, identification), whatever order they arrive in.
* ICMP errors count in their ICMP flow and are *noted* on the quoted flow.
* source = TCP SYN sender (or SYN/ACK receiver); ICMP echo requester; ARP
  requester; UDP: the side not on the well-known (<1024) / registered
  (services file) port, else the first sender; others: first sender.
* bytes = IP datagram length (IPv4 total length, IPv6 40 + payload length),
  ARP = 28.
* link layers followed: Ethernet (+802.1Q/802.1ad), Linux SLL/SLL2, raw IP,
  BSD NULL/LOOP, MPLS, PPPoE session.  Anything else makes no flow.
* a pcapng file of several interfaces: a flow per interface, as netlens
  keeps them (a router's two sides are two flows, not one counted twice
  with its second copies taken for retransmissions).  Each interface's
  packets are written to a file of their own (tshark -Y) and derived
  separately, each record saying "interface": the interface's name
  (blanks as "_", other bytes outside printable ASCII as "?", 23 bytes at
  most), or "if<N>", N counting the file's distinct interfaces in order
  (an interface of a later section with the link type and name, or when
  unnamed the place, of an earlier one is that one again).  Linux cooked
  v2 files are not split: netlens keys those by the index in each packet.
Prints JSON lines (one per flow, ordered by first packet) with --json, else
a table.  Use as a module: flows(capture) -> list of dicts.
"""
import argparse
import ipaddress
import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal

LINK_PROTOS = {"eth", "ethertype", "vlan", "ieee8021ad", "sll", "null", "loop", "raw",
               "mpls", "pppoes", "ppp", "chdlc", "radiotap", "wlan_radio", "wlan", "llc",
               "pflog", "nflog", "pktap", "pcap_pktdata", "fr", "prism", "wlancap", "ppi",
               "ipnet", "netanalyzer", "ipoib", "macsec", "nsh", "avsp", "pwethcw",
               "pwethnocw"}
IGNORED_TOP = {"geninfo", "frame", "fake-field-wrapper", "_ws.malformed", "_ws.short",
               "_ws.expert", "_ws.lua.fake", "_ws.unreassembled", "pkt_comment"}
PROTO_NAMES = {1: "ICMP", 2: "IGMP", 4: "IPIP", 6: "TCP", 17: "UDP", 41: "IPv6", 46: "RSVP",
               47: "GRE", 50: "ESP", 51: "AH", 58: "ICMPv6", 59: "IPv6-NoNxt", 88: "EIGRP",
               89: "OSPF", 103: "PIM", 112: "VRRP", 115: "L2TP", 132: "SCTP", 136: "UDPLite",
               137: "MPLS-in-IP"}
ICMP4_ERRORS = {3, 4, 5, 11, 12}
ICMP6_ERRORS = {1, 2, 3, 4}
ICMP4_UNREACH = {0: "network unreachable", 1: "host unreachable", 2: "protocol unreachable",
                 3: "port unreachable", 4: "fragmentation needed", 9: "network prohibited",
                 10: "host prohibited", 13: "communication prohibited"}
ICMP6_UNREACH = {0: "no route", 1: "communication prohibited", 2: "beyond scope",
                 3: "address unreachable", 4: "port unreachable"}


def load_services(path):
    reg = set()
    try:
        with open(path) as f:
            for line in f:
                line = line.split("#", 1)[0].split()
                if len(line) >= 2 and "/" in line[1]:
                    port, proto = line[1].split("/", 1)
                    if port.isdigit():
                        reg.add((int(port), proto.lower()))
    except OSError:
        pass
    return reg


def default_services():
    top = os.environ.get("TOP_SRCDIR") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    p = os.path.join(top, "data", "services")
    return p if os.path.exists(p) else "/etc/services"


def norm_ip(s):
    try:
        return str(ipaddress.ip_address(s))
    except ValueError:
        return s


def fields_of(proto, stop_nested=True):
    """name -> list of 'show' values in document order, not descending into nested <proto>."""
    out = {}

    def walk(el):
        for ch in el:
            if ch.tag == "proto" and stop_nested:
                continue
            if ch.tag == "field":
                n = ch.get("name")
                if n:
                    out.setdefault(n, []).append(ch.get("show"))
            walk(ch)
    walk(proto)
    return out


def first(fd, name, conv=None):
    v = fd.get(name)
    if not v or v[0] is None:
        return None
    return conv(v[0]) if conv else v[0]


def as_int(s):
    s = s.strip()
    return int(s, 16) if s.lower().startswith("0x") else int(s.split()[0])


def nested_protos(el):
    """protos nested anywhere inside el (document order), not descending into them."""
    res = []
    for ch in el:
        if ch.tag == "proto":
            res.append(ch)
        else:
            res.extend(nested_protos(ch))
    return res


class Packet:
    __slots__ = ("num", "ts", "family", "src", "dst", "iplen", "ipproto", "sport", "dport",
                 "frag", "first_frag", "frag_key", "tcp_stream", "tcp_flags", "icmp_type",
                 "icmp_code", "icmp_id", "quoted", "arp_op", "an", "linkok", "nonip")

    def __init__(self):
        for s in self.__slots__:
            setattr(self, s, None)


def parse_packet(pel):
    p = Packet()
    tops = [ch for ch in pel if ch.tag == "proto"]
    names = [t.get("name") for t in tops]
    fr = fields_of(tops[names.index("frame")]) if "frame" in names else {}
    p.num = first(fr, "frame.number", int)
    p.ts = Decimal(first(fr, "frame.time_epoch") or "0")
    # first network layer
    idx = None
    for i, n in enumerate(names):
        if n in ("ip", "ipv6", "arp"):
            idx = i
            break
        if n in IGNORED_TOP:
            continue
        if n not in LINK_PROTOS:
            break
    if idx is None:
        p.nonip = True
        return p
    net = tops[idx]
    nf = fields_of(net)
    rest = tops[idx + 1:]
    if names[idx] == "arp":
        p.family = 0
        p.arp_op = first(nf, "arp.opcode", as_int)
        p.src = first(nf, "arp.src.proto_ipv4")
        p.dst = first(nf, "arp.dst.proto_ipv4")
        if p.src is None or p.dst is None:
            p.nonip = True
            return p
        hl = first(nf, "arp.hw.size", as_int) or 6
        pl = first(nf, "arp.proto.size", as_int) or 4
        p.iplen = 8 + 2 * hl + 2 * pl
        p.ipproto = "ARP"
        return p
    if names[idx] == "ip":
        p.family = 4
        p.src = norm_ip(first(nf, "ip.src"))
        p.dst = norm_ip(first(nf, "ip.dst"))
        p.iplen = first(nf, "ip.len", as_int)
        p.ipproto = first(nf, "ip.proto", as_int)
        mf = first(nf, "ip.flags.mf", as_int) or 0
        off = first(nf, "ip.frag_offset", as_int) or 0
        p.frag = bool(mf or off)
        p.first_frag = off == 0
        if p.frag:
            p.frag_key = (4, p.src, p.dst, p.ipproto, first(nf, "ip.id", as_int))
    else:
        p.family = 6
        p.src = norm_ip(first(nf, "ipv6.src"))
        p.dst = norm_ip(first(nf, "ipv6.dst"))
        p.iplen = 40 + first(nf, "ipv6.plen", as_int)
        nxt = first(nf, "ipv6.nxt", as_int)
        p.frag = False
        p.first_frag = True
        for ext in nested_protos(net):
            en = ext.get("name") or ""
            if en == "ah":
                nxt = first(fields_of(ext), "ah.next_header", as_int)
                continue
            if not en.startswith("ipv6."):
                continue
            ef = fields_of(ext)
            for k, v in ef.items():
                if k.endswith(".nxt") and v:
                    nxt = as_int(v[0])
                    break
            # a jumbogram (RFC 2675: payload length 0, the hop-by-hop
            # option's length counts all after the fixed header; IPv6 BIG
            # TCP makes them on lo)
            jumbo = first(ef, "ipv6.opt.jumbo", as_int)
            if jumbo and p.iplen == 40:
                p.iplen = 40 + jumbo
            if en == "ipv6.fraghdr":
                off = first(ef, "ipv6.fraghdr.offset", as_int) or 0
                more = first(ef, "ipv6.fraghdr.more", as_int) or 0
                p.frag = True
                p.first_frag = off == 0
                p.frag_key = (6, p.src, p.dst, None, first(ef, "ipv6.fraghdr.ident", as_int))
                del more
                if off:
                    break
        p.ipproto = nxt
        if p.frag_key:
            p.frag_key = (6, p.src, p.dst, nxt, p.frag_key[4])
    # AH is looked through (IPv4 and IPv6 alike)
    ri = 0
    while p.ipproto == 51 and ri < len(rest) and rest[ri].get("name") == "ah" and p.first_frag:
        p.ipproto = first(fields_of(rest[ri]), "ah.next_header", as_int)
        ri += 1
    if not p.first_frag:
        return p
    l4 = rest[ri] if ri < len(rest) else None
    l4n = l4.get("name") if l4 is not None else None
    if p.ipproto == 6 and l4n == "tcp":
        tf = fields_of(l4, stop_nested=True)
        p.sport = first(tf, "tcp.srcport", int)
        p.dport = first(tf, "tcp.dstport", int)
        p.tcp_stream = first(tf, "tcp.stream", int)
        p.tcp_flags = first(tf, "tcp.flags", as_int)
        allf = set()
        for el in l4.iter("field"):
            n = el.get("name") or ""
            if n.startswith("tcp.analysis."):
                allf.add(n)
        p.an = allf
    elif p.ipproto == 17 and l4n == "udp":
        uf = fields_of(l4)
        p.sport = first(uf, "udp.srcport", int)
        p.dport = first(uf, "udp.dstport", int)
    elif p.ipproto in (1, 58) and l4n in ("icmp", "icmpv6"):
        pre = "icmp" if l4n == "icmp" else "icmpv6"
        icf = fields_of(l4)
        p.icmp_type = first(icf, pre + ".type", as_int)
        p.icmp_code = first(icf, pre + ".code", as_int)
        if pre == "icmp":
            p.icmp_id = first(icf, "icmp.ident", as_int)
        else:
            p.icmp_id = first(icf, "icmpv6.echo.identifier", as_int)
        errs = ICMP4_ERRORS if pre == "icmp" else ICMP6_ERRORS
        if p.icmp_type in errs:
            p.icmp_id = None
            inner = nested_protos(l4)
            q = {}
            for ip in inner:
                n = ip.get("name")
                f = fields_of(ip)
                if n == "ip" and "src" not in q:
                    q.update(family=4, src=norm_ip(first(f, "ip.src")), dst=norm_ip(first(f, "ip.dst")),
                             proto=first(f, "ip.proto", as_int))
                elif n == "ipv6" and "src" not in q:
                    q.update(family=6, src=norm_ip(first(f, "ipv6.src")), dst=norm_ip(first(f, "ipv6.dst")),
                             proto=first(f, "ipv6.nxt", as_int))
                elif n in ("tcp", "udp") and "sport" not in q and "itype" not in q:
                    q.update(sport=first(f, n + ".srcport", int), dport=first(f, n + ".dstport", int),
                             stream=first(f, "tcp.stream", int) if n == "tcp" else None)
                elif n in ("icmp", "icmpv6") and "src" in q and "sport" not in q and "itype" not in q:
                    # a quoted echo (a traceroute's probe, a ping too big for the path)
                    q.update(itype=first(f, n + ".type", as_int),
                             ident=first(f, "icmp.ident" if n == "icmp" else "icmpv6.echo.identifier", as_int))
            if "src" in q:
                p.quoted = q
    return p


def run_tshark(capture):
    cmd = ["tshark", "-n", "-r", capture, "-o", "ip.defragment:FALSE", "-o", "ipv6.defragment:FALSE",
           "-o", "tcp.analyze_sequence_numbers:TRUE", "-o", "tcp.relative_sequence_numbers:TRUE",
           "-T", "pdml"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    pkts = []
    for ev, el in ET.iterparse(proc.stdout, events=("end",)):
        if el.tag == "packet":
            pkts.append(parse_packet(el))
            el.clear()
    err = proc.stderr.read().decode(errors="replace")
    proc.wait()
    return pkts, err


def icmp_error_text(p):
    if p.family == 4:
        if p.icmp_type == 3:
            return ICMP4_UNREACH.get(p.icmp_code, "destination unreachable")
        return {4: "source quench", 5: "redirect", 11: "time exceeded", 12: "parameter problem"}.get(p.icmp_type)
    if p.icmp_type == 1:
        return ICMP6_UNREACH.get(p.icmp_code, "destination unreachable")
    return {2: "packet too big", 3: "time exceeded", 4: "parameter problem"}.get(p.icmp_type)


def fmt_ts(d):
    from datetime import datetime, timezone
    us = int((d * 1000000).to_integral_value(rounding="ROUND_FLOOR"))
    sec, frac = divmod(us, 1000000)
    return datetime.fromtimestamp(sec, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S") + ".%06dZ" % frac


class Flow:
    def __init__(self, key, proto):
        self.key = key
        self.proto = proto
        self.a = None  # (ip, port) of the source
        self.b = None
        self.pk = [0, 0]
        self.by = [0, 0]
        self.first = None
        self.last = None
        self.retrans = self.fast = self.ooo = self.dupack = 0
        self.icmp_id = None
        self.icmp_errors = 0
        self.icmp_error = None
        self.fins = set()
        self.rst = False
        self.firstpkt = None
        self.how = None

    def add(self, p, ep_src):
        d = 0 if ep_src == self.a else 1
        self.pk[d] += 1
        self.by[d] += p.iplen or 0
        if self.first is None or p.ts < self.first:
            self.first = p.ts
        if self.last is None or p.ts > self.last:
            self.last = p.ts
        if self.firstpkt is None:
            self.firstpkt = p.num

    def record(self):
        r = {"protocol": self.proto if isinstance(self.proto, str) else PROTO_NAMES.get(self.proto, "IP-%s" % self.proto),
             "ipproto": self.proto if not isinstance(self.proto, str) else None,
             "source_ip": self.a[0], "source_port": self.a[1] or 0,
             "destination_ip": self.b[0], "destination_port": self.b[1] or 0,
             "packets_sent": self.pk[0], "packets_received": self.pk[1],
             "bytes_sent": self.by[0], "bytes_received": self.by[1],
             "first_seen": fmt_ts(self.first), "last_seen": fmt_ts(self.last),
             "first_frame": self.firstpkt, "source_rule": self.how}
        if self.proto == "TCP":
            r.update(tcp_retransmits=self.retrans, tcp_fast_retransmits=self.fast,
                     tcp_out_of_order=self.ooo, tcp_duplicate_acks=self.dupack,
                     ended=bool(self.rst or len(self.fins) == 2))
        if self.icmp_id is not None:
            r["icmp_id"] = self.icmp_id
        if self.icmp_errors:
            r["icmp_errors"] = self.icmp_errors
            r["icmp_error"] = self.icmp_error
        return r


def score(port, proto, services):
    if port is None:
        return 0
    if port < 1024:
        return 2
    if (port, proto) in services:
        return 1
    return 0


def interfaces_of(capture):
    """The file's interfaces with packets, as netlens tells them apart: a
    list of (name, [(section, interface id), ...]), empty when there is
    one."""
    out = subprocess.run(["tshark", "-n", "-r", capture, "-T", "fields", "-e", "frame.section_number",
                          "-e", "frame.interface_id", "-e", "frame.interface_name",
                          "-e", "frame.interface_description", "-e", "frame.encap_type"],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL).stdout.decode(errors="replace")
    seen = []  # (section, id, name, description, encap) in order of appearance
    for line in out.splitlines():
        f = (line.split("\t") + [""] * 5)[:5]
        if f[1] == "" or tuple(f) in seen:
            continue
        seen.append(tuple(f))
    if len(seen) < 2 or any(x[4] == "210" for x in seen):  # WTAP_ENCAP_SLL2
        return []
    seen.sort(key=lambda x: (int(x[0] or 1), int(x[1])))
    distinct = []  # [encap, name, place, last section]
    res = {}
    for sec, iid, name, desc, encap in seen:
        sec, iid = int(sec or 1), int(iid)
        name = "" if name == "unknown" else name
        if name.startswith("\\Device\\NPF_") and desc and desc != "unknown":
            name = desc
        n = None
        for k, d in enumerate(distinct):
            if d[0] == encap and d[3] != sec and (d[1] == name if name else (not d[1] and d[2] == iid)):
                d[3] = sec
                n = k
                break
        if n is None:
            distinct.append([encap, name, iid, sec])
            n = len(distinct) - 1
        shown = name[:23] if name else "if%d" % n
        shown = "".join("_" if c == " " else c if 0x21 <= ord(c) <= 0x7e else "?" for c in shown)
        res.setdefault(shown, []).append((sec, iid))
    return list(res.items())


def split_pcapng(path):
    """pcapng blocks by (section, interface id): {key: (section header,
    interface block, [packet blocks renumbered to interface 0], [their
    frame numbers in the whole file])}.  Wireshark's writers cannot do
    this for a file of several sections or link types, so the blocks are
    copied here; tshark still dissects every packet."""
    import struct
    data = open(path, "rb").read()
    parts, idbs = {}, []
    off, sec, frame, e, shb = 0, 0, 0, "<", b""
    while off + 12 <= len(data):
        if struct.unpack("<I", data[off:off + 4])[0] == 0x0A0D0D0A:
            e = "<" if struct.unpack("<I", data[off + 8:off + 12])[0] == 0x1A2B3C4D else ">"
            sec += 1
            idbs = []
        btype, blen = struct.unpack(e + "II", data[off:off + 8])
        if blen < 12 or blen % 4 or off + blen > len(data):
            break
        blk = data[off:off + blen]
        off += blen
        if btype == 0x0A0D0D0A:
            shb = blk
        elif btype == 1:
            idbs.append(blk)
        elif btype in (2, 3, 6):  # obsolete, simple, enhanced packet
            frame += 1
            b = bytearray(blk)
            if btype == 6:
                iid = struct.unpack(e + "I", blk[8:12])[0]
                b[8:12] = struct.pack(e + "I", 0)
            elif btype == 2:
                iid = struct.unpack(e + "H", blk[8:10])[0]
                b[8:10] = struct.pack(e + "H", 0)
            else:
                iid = 0
            if iid < len(idbs):
                part = parts.setdefault((sec, iid), (shb, idbs[iid], [], []))
                part[2].append(bytes(b))
                part[3].append(frame)
        elif btype in (0x00000BAD, 0x40000BAD):  # custom blocks: tshark counts them as frames
            frame += 1
    return parts


def flows(capture, services_file=None, with_stderr=False):
    ifs = interfaces_of(capture)
    if ifs:
        import tempfile
        parts = split_pcapng(capture)
        allres, meta = [], {"packets": 0, "non_ip": 0, "unresolved_fragments": 0, "notes": [], "tshark_stderr": ""}
        with tempfile.TemporaryDirectory() as tmp:
            for name, keys in ifs:
                path = os.path.join(tmp, "part.pcapng")
                frames = []
                with open(path, "wb") as out:  # a section each, one interface
                    for k in keys:
                        shb, idb, blocks, nums = parts.get(k, (b"", b"", [], []))
                        out.write(shb + idb + b"".join(blocks))
                        frames += nums
                res, m = flows_one(path, services_file)
                for r in res:
                    r["interface"] = name
                    r["first_frame"] = frames[r["first_frame"] - 1]  # the whole file's number
                allres += res
                for k in ("packets", "non_ip", "unresolved_fragments"):
                    meta[k] += m[k]
                meta["notes"] += ["%s: %s" % (name, n) for n in m["notes"]]
                meta["tshark_stderr"] += m["tshark_stderr"]
        allres.sort(key=lambda r: r["first_frame"])
        return (allres, meta) if with_stderr else allres
    res, meta = flows_one(capture, services_file)
    return (res, meta) if with_stderr else res


def flows_one(capture, services_file=None):
    services = load_services(services_file or default_services())
    pkts, err = run_tshark(capture)
    table = {}
    order = []
    # datagram key -> (flow key, src endpoint) from first fragments
    dgram = {}
    for p in pkts:
        if p.frag and p.first_frag and p.frag_key:
            dgram.setdefault(p.frag_key, p)
    tcp_tuple_latest = {}
    notes = []
    nonip = 0
    unresolved = 0

    def get(key, proto, p, decide):
        f = table.get(key)
        if f is None:
            f = Flow(key, proto)
            src, dst, how = decide(p)
            f.a, f.b, f.how = src, dst, how
            table[key] = f
            order.append(f)
        return f

    for p in pkts:
        if p.nonip:
            nonip += 1
            continue
        q = p
        if p.frag and not p.first_frag:
            q = dgram.get(p.frag_key)
            if q is None:
                unresolved += 1
                continue
        es, ed = (p.src, q.sport), (p.dst, q.dport)
        if q.ipproto == "ARP":
            key = ("ARP", frozenset((p.src, p.dst)))

            def dec(p):
                if p.arp_op == 2:
                    return (p.dst, None), (p.src, None), "arp reply: target is requester"
                return (p.src, None), (p.dst, None), "arp requester"
            f = get(key, "ARP", p, dec)
            f.add(p, (p.src, None))
            continue
        if q.ipproto == 6 and q.tcp_stream is not None:
            key = ("TCP", q.tcp_stream)

            def dec(p):
                fl = q.tcp_flags or 0
                if fl & 0x12 == 0x02:
                    return es, ed, "SYN sender"
                if fl & 0x12 == 0x12:
                    return ed, es, "SYN/ACK receiver"
                return port_rule(p, "tcp")
            f = get(key, "TCP", p, dec)
            f.add(p, es)
            tcp_tuple_latest[(p.family, frozenset((es, ed)))] = f
            if p is q and p.an is not None:
                an = p.an
                if "tcp.analysis.retransmission" in an or "tcp.analysis.fast_retransmission" in an:
                    f.retrans += 1
                if "tcp.analysis.fast_retransmission" in an:
                    f.fast += 1
                if "tcp.analysis.out_of_order" in an:
                    f.ooo += 1
                if "tcp.analysis.duplicate_ack" in an:
                    f.dupack += 1
                fl = p.tcp_flags or 0
                if fl & 0x04:
                    f.rst = True
                if fl & 0x01:
                    f.fins.add(es)
            continue

        def port_rule(p, proto_s):
            ss, sd = score(q.sport, proto_s, services), score(q.dport, proto_s, services)
            if ss < sd:
                return es, ed, "server port %s (score %d>%d)" % (q.dport, sd, ss)
            if ss > sd:
                return ed, es, "server port %s (score %d>%d)" % (q.sport, ss, sd)
            return es, ed, "first sender"
        if q.ipproto == 6 and q.sport is not None:
            # a TCP header cut by the snapshot length after its ports:
            # tshark gives no stream, netlens counts it in the flow of its
            # ports (the connection's, if one is under way)
            f = tcp_tuple_latest.get((p.family, frozenset((es, ed))))
            if f is None:
                f = get(("TCP ports", p.family, frozenset((es, ed))), "TCP", p, lambda p: port_rule(p, "tcp"))
                tcp_tuple_latest[(p.family, frozenset((es, ed)))] = f
            f.add(p, es)
            continue
        if q.ipproto == 17 and q.sport is not None:
            key = ("UDP", p.family, frozenset((es, ed)))
            f = get(key, "UDP", p, lambda p: port_rule(p, "udp"))
            f.add(p, es)
            continue
        if q.ipproto in (1, 58) and q.icmp_type is not None:
            pname = "ICMP" if q.ipproto == 1 else "ICMPv6"
            echo_req = (q.ipproto == 1 and q.icmp_type == 8) or (q.ipproto == 58 and q.icmp_type == 128)
            echo_rep = (q.ipproto == 1 and q.icmp_type == 0) or (q.ipproto == 58 and q.icmp_type == 129)
            ident = q.icmp_id if (echo_req or echo_rep) else 0
            key = (pname, frozenset((p.src, p.dst)), ident)

            def dec(p):
                if echo_rep:
                    return (p.dst, None), (p.src, None), "echo reply: receiver is requester"
                return (p.src, None), (p.dst, None), "echo requester" if echo_req else "first sender"
            f = get(key, pname, p, dec)
            if (echo_req or echo_rep) and f.icmp_id is None:
                f.icmp_id = ident
            f.add(p, (p.src, None))
            if p is q and q.quoted:
                qq = q.quoted
                qs, qd = (qq["src"], qq.get("sport")), (qq["dst"], qq.get("dport"))
                target = None
                if qq["proto"] == 17 and "sport" in qq:
                    target = table.get(("UDP", qq["family"], frozenset((qs, qd))))
                elif qq["proto"] == 6 and "sport" in qq:
                    target = tcp_tuple_latest.get((qq["family"], frozenset((qs, qd))))
                elif qq["proto"] in (1, 58) and qq.get("itype") in (0, 8, 128, 129):
                    target = table.get(("ICMP" if qq["proto"] == 1 else "ICMPv6",
                                        frozenset((qq["src"], qq["dst"])), qq.get("ident")))
                elif qq["proto"] not in (1, 6, 17, 58):
                    # another protocol's datagram (GRE, ESP, IP in IP): the
                    # flow of its addresses and protocol
                    target = table.get(("IP", qq["proto"], frozenset((qq["src"], qq["dst"]))))
                if target is not None:
                    target.icmp_errors += 1
                    target.icmp_error = icmp_error_text(q)
                    notes.append("frame %d: %s noted on %s flow %s -> %s" % (p.num, target.icmp_error, target.proto, qs, qd))
                else:
                    notes.append("frame %d: ICMP error quotes unknown flow %s -> %s" % (p.num, qs, qd))
            continue
        # any other IP protocol (or TCP/UDP without a decodable header)
        proto = q.ipproto
        key = ("IP", proto, frozenset((p.src, p.dst)))
        f = get(key, proto, p, lambda p: ((p.src, None), (p.dst, None), "first sender"))
        f.add(p, (p.src, None))
    order.sort(key=lambda f: (f.first, f.firstpkt))
    res = [f.record() for f in order]
    meta = {"packets": len(pkts), "non_ip": nonip, "unresolved_fragments": unresolved,
            "notes": notes, "tshark_stderr": err}
    return res, meta


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("capture")
    ap.add_argument("--services")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    res, meta = flows(a.capture, a.services, with_stderr=True)
    if a.json:
        for r in res:
            print(json.dumps(r))
        return
    for r in res:
        extra = ""
        if r["protocol"] == "TCP":
            extra = " retr=%d fast=%d ooo=%d dup=%d" % (r["tcp_retransmits"], r["tcp_fast_retransmits"],
                                                       r["tcp_out_of_order"], r["tcp_duplicate_acks"])
        if "icmp_id" in r:
            extra += " id=%d" % r["icmp_id"]
        if "icmp_errors" in r:
            extra += " icmp_errors=%d (%s)" % (r["icmp_errors"], r["icmp_error"])
        print("%-6s %s:%s -> %s:%s  pk %d/%d  by %d/%d%s" % (
            r["protocol"], r["source_ip"], r["source_port"], r["destination_ip"], r["destination_port"],
            r["packets_sent"], r["packets_received"], r["bytes_sent"], r["bytes_received"], extra))
    print("# %d packets, %d without a flow, %d unresolved fragments" % (
        meta["packets"], meta["non_ip"], meta["unresolved_fragments"]))
    for n in meta["notes"]:
        print("# " + n)


if __name__ == "__main__":
    main()
