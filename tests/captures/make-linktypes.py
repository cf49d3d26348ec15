#!/usr/bin/env python3
"""make-linktypes.py [OUTDIR] - deterministic synthetic captures for netlens.

Writes small pcap files (default: linktypes/ next to this script), one per
link type or decoding feature.  Packets are built with scapy; the pcap files
are written by hand so the link type (DLT), byte order and timestamps are
exactly as wanted.  Running it twice gives identical bytes.
"""
import os
import struct
import sys
import zlib

from scapy.all import (ARP, ESP, GRE, ICMP, IP, TCP, UDP, AH, Dot1Q, Dot1AD,
                       Ether, ICMPv6DestUnreach, ICMPv6EchoReply,
                       ICMPv6EchoRequest, IPv6, IPv6ExtHdrDestOpt,
                       IPv6ExtHdrFragment, IPv6ExtHdrHopByHop,
                       IPv6ExtHdrRouting, Raw, conf)
from scapy.layers.inet import fragment as frag4
from scapy.layers.l2 import CookedLinux
from scapy.contrib.mpls import MPLS
from scapy.layers.ppp import PPPoE
from scapy.layers.dns import DNS, DNSQR, DNSRR

conf.verb = 0
BASE = 1700000000  # fixed epoch for every file
OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "linktypes")

MAC_C = "02:00:00:00:00:01"
MAC_S = "02:00:00:00:00:02"
C4, S4 = "10.231.9.1", "10.231.9.2"
C6, S6 = "fd00:231::9:1", "fd00:231::9:2"


def write_pcap(name, dlt, frames, big_endian=False, snaplen=262144):
    """frames: list of (time_usec_offset, bytes[, orig_len])"""
    e = ">" if big_endian else "<"
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(struct.pack(e + "IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, snaplen, dlt))
        for fr in frames:
            t, data = fr[0], bytes(fr[1])
            orig = fr[2] if len(fr) > 2 else len(data)
            sec, usec = divmod(BASE * 1000000 + t, 1000000)
            f.write(struct.pack(e + "IIII", sec, usec, len(data), orig))
            f.write(data)


class Clock:
    def __init__(self, start=0, step=1000):
        self.t = start
        self.step = step

    def __call__(self, step=None):
        self.t += self.step if step is None else step
        return self.t


def tcp_conv(ip_c, ip_s, sport, dport, ck, payloads=((b"GET / HTTP/1.1\r\n\r\n", b"HTTP/1.1 200 OK\r\n\r\nhello"),), rtt=400):
    """A full TCP conversation as a list of (t, L3 packet). ip_c/ip_s are
    callables returning a fresh IP/IPv6 header (client->server / server->client)."""
    out = []
    cs, ss = 1000, 5000
    out.append((ck(), ip_c() / TCP(sport=sport, dport=dport, flags="S", seq=cs, window=64240)))
    out.append((ck(rtt // 2), ip_s() / TCP(sport=dport, dport=sport, flags="SA", seq=ss, ack=cs + 1, window=65160)))
    out.append((ck(rtt // 2), ip_c() / TCP(sport=sport, dport=dport, flags="A", seq=cs + 1, ack=ss + 1, window=502)))
    cs += 1
    ss += 1
    for req, resp in payloads:
        out.append((ck(), ip_c() / TCP(sport=sport, dport=dport, flags="PA", seq=cs, ack=ss, window=502) / Raw(req)))
        cs += len(req)
        out.append((ck(rtt // 2), ip_s() / TCP(sport=dport, dport=sport, flags="A", seq=ss, ack=cs, window=509)))
        out.append((ck(), ip_s() / TCP(sport=dport, dport=sport, flags="PA", seq=ss, ack=cs, window=509) / Raw(resp)))
        ss += len(resp)
        out.append((ck(rtt // 2), ip_c() / TCP(sport=sport, dport=dport, flags="A", seq=cs, ack=ss, window=502)))
    out.append((ck(), ip_c() / TCP(sport=sport, dport=dport, flags="FA", seq=cs, ack=ss, window=502)))
    out.append((ck(rtt // 2), ip_s() / TCP(sport=dport, dport=sport, flags="FA", seq=ss, ack=cs + 1, window=509)))
    out.append((ck(rtt // 2), ip_c() / TCP(sport=sport, dport=dport, flags="A", seq=cs + 1, ack=ss + 1, window=502)))
    return out


def v4(src, dst, **kw):
    return lambda: IP(src=src, dst=dst, id=kw.get("id", 1), ttl=64)


def v6(src, dst):
    return lambda: IPv6(src=src, dst=dst, hlim=64)


def dns_pair(ip_c, ip_s, sport, ck, name="www.netlens.test", qid=0x1234):
    q = ip_c() / UDP(sport=sport, dport=53) / DNS(id=qid, rd=1, qd=DNSQR(qname=name))
    r = ip_s() / UDP(sport=53, dport=sport) / DNS(id=qid, qr=1, aa=1, rd=1, ra=1, qd=DNSQR(qname=name),
                                                 an=DNSRR(rrname=name, ttl=60, rdata="10.231.0.51"))
    return [(ck(), q), (ck(300), r)]


def ping(ip_c, ip_s, ident, n, ck, v=4):
    out = []
    for i in range(n):
        if v == 4:
            out.append((ck(100000), ip_c() / ICMP(type=8, id=ident, seq=i + 1) / Raw(b"netlens" * 8)))
            out.append((ck(200), ip_s() / ICMP(type=0, id=ident, seq=i + 1) / Raw(b"netlens" * 8)))
        else:
            out.append((ck(100000), ip_c() / ICMPv6EchoRequest(id=ident, seq=i + 1, data=b"netlens" * 8)))
            out.append((ck(200), ip_s() / ICMPv6EchoReply(id=ident, seq=i + 1, data=b"netlens" * 8)))
    return out


def eth(l3, src=MAC_C, dst=MAC_S):
    return Ether(src=src, dst=dst) / l3


def is_from_client(pkt):
    ip = pkt.getlayer(IP) or pkt.getlayer(IPv6)
    return ip is not None and ip.src in (C4, C6)


def ether_frames(pkts, wrap=None):
    """(t, l3) -> (t, Ethernet bytes); wrap(l3, from_client) may add tags."""
    out = []
    for t, p in pkts:
        fc = is_from_client(p)
        src, dst = (MAC_C, MAC_S) if fc else (MAC_S, MAC_C)
        if wrap:
            out.append((t, wrap(p, fc, src, dst)))
        else:
            out.append((t, Ether(src=src, dst=dst) / p))
    return out


def mixed(ck, port_base=40000):
    """A small mix: TCP v4, TCP v6, DNS v4, ping v4 and v6."""
    pk = []
    pk += tcp_conv(v4(C4, S4), v4(S4, C4), port_base + 1, 80, ck)
    pk += dns_pair(v4(C4, S4), v4(S4, C4), port_base + 2, ck)
    pk += tcp_conv(v6(C6, S6), v6(S6, C6), port_base + 3, 443, ck)
    pk += ping(v4(C4, S4), v4(S4, C4), 0x4242, 2, ck)
    pk += ping(v6(C6, S6), v6(S6, C6), 0x4343, 2, ck, v=6)
    pk.sort(key=lambda x: x[0])
    return pk


def main():
    os.makedirs(OUT, exist_ok=True)

    # ---- Ethernet + 802.1Q, and QinQ (0x88a8 outer, 0x8100 inner)
    ck = Clock()
    pk = mixed(ck, 41000)
    fr = ether_frames(pk, lambda p, fc, s, d: Ether(src=s, dst=d) / Dot1Q(vlan=100) / p)
    ck2 = Clock(start=ck.t)
    pk2 = tcp_conv(v4(C4, S4), v4(S4, C4), 41100, 8080, ck2) + dns_pair(v6(C6, S6), v6(S6, C6), 41101, ck2)
    fr += ether_frames(pk2, lambda p, fc, s, d: Ether(src=s, dst=d, type=0x88A8) / Dot1AD(vlan=200, type=0x8100) / Dot1Q(vlan=300) / p)
    write_pcap("vlan-qinq.pcap", 1, fr)

    # ---- Linux cooked v1 (113) and v2 (276)
    ck = Clock()
    pk = mixed(ck, 42000)
    fr = []
    for t, p in pk:
        fc = is_from_client(p)
        et = 0x0800 if p.haslayer(IP) else 0x86DD
        mac = bytes.fromhex((MAC_C if fc else MAC_S).replace(":", ""))
        # pkttype 0 host / 4 outgoing, ARPHRD_ETHER
        hdr = struct.pack(">HHH8sH", 4 if fc else 0, 1, 6, mac + b"\0\0", et)
        fr.append((t, hdr + bytes(p)))
    write_pcap("sll.pcap", 113, fr)
    fr = []
    for t, p in pk:
        fc = is_from_client(p)
        et = 0x0800 if p.haslayer(IP) else 0x86DD
        mac = bytes.fromhex((MAC_C if fc else MAC_S).replace(":", ""))
        # protocol, reserved, ifindex, hatype, pkttype, halen, addr[8]
        hdr = struct.pack(">HHIHBB8s", et, 0, 3, 1, 4 if fc else 0, 6, mac + b"\0\0")
        fr.append((t, hdr + bytes(p)))
    write_pcap("sll2.pcap", 276, fr)

    # ---- raw IP: DLT 12 (LINKTYPE_RAW as DLT_RAW on most systems), 101, 228 (IPv4), 229 (IPv6)
    ck = Clock()
    pk = mixed(ck, 43000)
    write_pcap("raw12.pcap", 12, [(t, bytes(p)) for t, p in pk])
    write_pcap("raw101.pcap", 101, [(t, bytes(p)) for t, p in pk])
    write_pcap("ipv4-228.pcap", 228, [(t, bytes(p)) for t, p in pk if p.haslayer(IP)])
    write_pcap("ipv6-229.pcap", 229, [(t, bytes(p)) for t, p in pk if not p.haslayer(IP)])

    # ---- BSD NULL (0): 4-byte family in the capturing host's byte order
    # (both orders must be accepted); LOOP (108): always network order.
    ck = Clock()
    pk = mixed(ck, 44000)

    def af(p, v6code):
        return 2 if p.haslayer(IP) else v6code
    write_pcap("null-le.pcap", 0, [(t, struct.pack("<I", af(p, 30)) + bytes(p)) for t, p in pk])
    write_pcap("null-be.pcap", 0, [(t, struct.pack(">I", af(p, 24)) + bytes(p)) for t, p in pk], big_endian=True)
    write_pcap("loop.pcap", 108, [(t, struct.pack(">I", af(p, 28)) + bytes(p)) for t, p in pk])

    # ---- MPLS (two labels over Ethernet; IPv4 and IPv6 payloads)
    ck = Clock()
    pk = mixed(ck, 45000)

    def mpls_wrap(p, fc, s, d):
        e = Ether(src=s, dst=d, type=0x8847)
        return e / MPLS(label=1000, s=0, ttl=64) / MPLS(label=2000 if p.haslayer(IP) else 2001, s=1, ttl=64) / p
    write_pcap("mpls.pcap", 1, ether_frames(pk, mpls_wrap))

    # ---- PPPoE session (0x8864) with PPP IPv4 (0x0021) and IPv6 (0x0057)
    ck = Clock()
    pk = mixed(ck, 46000)

    def pppoe_wrap(p, fc, s, d):
        proto = 0x0021 if p.haslayer(IP) else 0x0057
        # 2-byte PPP protocol field (no protocol-field compression, RFC 2516)
        return Ether(src=s, dst=d, type=0x8864) / PPPoE(code=0, sessionid=0x1234) / Raw(struct.pack(">H", proto) + bytes(p))
    write_pcap("pppoe.pcap", 1, ether_frames(pk, pppoe_wrap))

    # ---- IPv4 fragments: in order; and the later fragments before the first
    ck = Clock()
    fr = []
    big = IP(src=C4, dst=S4, id=0x1111) / UDP(sport=47001, dport=5353) / Raw(b"A" * 3000)
    for f in frag4(big, fragsize=1200):
        fr.append((ck(), eth(f)))
    resp = IP(src=S4, dst=C4, id=0x2222) / UDP(sport=5353, dport=47001) / Raw(b"B" * 100)
    fr.append((ck(), eth(resp, MAC_S, MAC_C)))
    big2 = IP(src=C4, dst=S4, id=0x3333) / UDP(sport=47002, dport=5353) / Raw(b"C" * 2500)
    fl = frag4(big2, fragsize=1000)
    for f in reversed(fl):            # last, middle, then first
        fr.append((ck(), eth(f)))
    # a fragmented ping (echo) whose reply is also fragmented
    ebig = IP(src=C4, dst=S4, id=0x4444) / ICMP(type=8, id=0x77, seq=1) / Raw(b"D" * 2000)
    for f in frag4(ebig, fragsize=1400):
        fr.append((ck(), eth(f)))
    erep = IP(src=S4, dst=C4, id=0x5555) / ICMP(type=0, id=0x77, seq=1) / Raw(b"D" * 2000)
    for f in frag4(erep, fragsize=1400):
        fr.append((ck(), eth(f, MAC_S, MAC_C)))
    # IPv6 fragments (fragment header only), later-before-first as well
    p6 = IPv6(src=C6, dst=S6) / IPv6ExtHdrFragment(id=0xABCD, nh=17) / UDP(sport=47003, dport=5353) / Raw(b"E" * 2800)
    from scapy.layers.inet6 import fragment6
    f6 = fragment6(p6, 1280)
    for f in f6:
        fr.append((ck(), eth(f)))
    p6b = IPv6(src=C6, dst=S6) / IPv6ExtHdrFragment(id=0xABCE, nh=17) / UDP(sport=47004, dport=5353) / Raw(b"F" * 2800)
    for f in reversed(fragment6(p6b, 1280)):
        fr.append((ck(), eth(f)))
    write_pcap("fragments.pcap", 1, fr)

    # ---- IPv6 extension header chains, AH, ESP
    ck = Clock()
    fr = []
    chain = (IPv6(src=C6, dst=S6) / IPv6ExtHdrHopByHop() / IPv6ExtHdrRouting(type=0, addresses=[], segleft=0)
             / IPv6ExtHdrDestOpt())
    for i in range(2):
        fr.append((ck(), eth(chain.copy() / UDP(sport=48001, dport=7) / Raw(b"q" * 30))))
        fr.append((ck(), eth(IPv6(src=S6, dst=C6) / IPv6ExtHdrDestOpt() / UDP(sport=7, dport=48001) / Raw(b"r" * 60), MAC_S, MAC_C)))
    # hbh + routing + dstopts + fragment header (two fragments of one datagram)
    pf = (IPv6(src=C6, dst=S6) / IPv6ExtHdrHopByHop() / IPv6ExtHdrRouting(type=0, addresses=[], segleft=0)
          / IPv6ExtHdrDestOpt() / IPv6ExtHdrFragment(id=0x1357, nh=17) / UDP(sport=48002, dport=7) / Raw(b"G" * 2000))
    for f in fragment6(pf, 1280):
        fr.append((ck(), eth(f)))
    # AH (transport mode, not encrypted) over IPv6 and IPv4 carrying TCP
    ah6 = lambda: IPv6(src=C6, dst=S6) / AH(spi=0x100, seq=1, icv=b"\0" * 12, nh=6, payloadlen=4)
    ah6r = lambda: IPv6(src=S6, dst=C6) / AH(spi=0x101, seq=1, icv=b"\0" * 12, nh=6, payloadlen=4)
    for t, p in tcp_conv(ah6, ah6r, 48003, 22, ck, payloads=((b"SSH-2.0-x\r\n", b"SSH-2.0-y\r\n"),)):
        fr.append((t, eth(p, *( (MAC_C, MAC_S) if p[IPv6].src == C6 else (MAC_S, MAC_C)))))
    ah4 = lambda: IP(src=C4, dst=S4) / AH(spi=0x200, seq=1, icv=b"\0" * 12, nh=6, payloadlen=4)
    ah4r = lambda: IP(src=S4, dst=C4) / AH(spi=0x201, seq=1, icv=b"\0" * 12, nh=6, payloadlen=4)
    for t, p in tcp_conv(ah4, ah4r, 48004, 23, ck, payloads=((b"hello\r\n", b"world\r\n"),)):
        fr.append((t, eth(p, *((MAC_C, MAC_S) if p[IP].src == C4 else (MAC_S, MAC_C)))))
    # ESP (opaque)
    for i in range(3):
        fr.append((ck(), eth(IP(src=C4, dst=S4) / ESP(spi=0x300, seq=i + 1, data=b"\x42" * 64))))
        fr.append((ck(), eth(IP(src=S4, dst=C4) / ESP(spi=0x301, seq=i + 1, data=b"\x43" * 80), MAC_S, MAC_C)))
        fr.append((ck(), eth(IPv6(src=C6, dst=S6) / ESP(spi=0x400, seq=i + 1, data=b"\x44" * 48))))
    write_pcap("ipv6-ext-ah-esp.pcap", 1, fr)

    # ---- ICMP errors quoting TCP and UDP flows
    ck = Clock()
    fr = []
    syn = IP(src=C4, dst=S4, id=7) / TCP(sport=49001, dport=81, flags="S", seq=100, window=64240)
    fr.append((ck(), eth(syn)))
    fr.append((ck(), eth(IP(src=S4, dst=C4) / ICMP(type=3, code=1) / bytes(syn)[:28], MAC_S, MAC_C)))  # host unreachable
    fr.append((ck(), eth(syn)))
    fr.append((ck(), eth(IP(src=S4, dst=C4) / ICMP(type=3, code=1) / bytes(syn)[:28], MAC_S, MAC_C)))
    u = IP(src=C4, dst=S4, id=8) / UDP(sport=49002, dport=9) / Raw(b"probe")
    fr.append((ck(), eth(u)))
    fr.append((ck(), eth(IP(src=S4, dst=C4) / ICMP(type=3, code=3) / bytes(u), MAC_S, MAC_C)))  # port unreachable
    u2 = IP(src=C4, dst=S4, id=9, ttl=1) / UDP(sport=49003, dport=33434) / Raw(b"trace")
    fr.append((ck(), eth(u2)))
    fr.append((ck(), eth(IP(src=S4, dst=C4) / ICMP(type=11, code=0) / bytes(u2)[:28], MAC_S, MAC_C)))  # ttl exceeded
    u6 = IPv6(src=C6, dst=S6) / UDP(sport=49004, dport=9) / Raw(b"probe6")
    fr.append((ck(), eth(u6)))
    fr.append((ck(), eth(IPv6(src=S6, dst=C6) / ICMPv6DestUnreach(code=4) / bytes(u6), MAC_S, MAC_C)))
    t6 = IPv6(src=C6, dst=S6) / TCP(sport=49005, dport=82, flags="S", seq=200, window=64240)
    fr.append((ck(), eth(t6)))
    fr.append((ck(), eth(IPv6(src=S6, dst=C6) / ICMPv6DestUnreach(code=1) / bytes(t6), MAC_S, MAC_C)))
    write_pcap("icmp-errors.pcap", 1, fr)

    # ---- ARP: request/reply, a second pair, gratuitous
    ck = Clock()
    fr = []
    bc = "ff:ff:ff:ff:ff:ff"
    for i in range(2):
        fr.append((ck(), Ether(src=MAC_C, dst=bc) / ARP(op=1, hwsrc=MAC_C, psrc=C4, hwdst="00:00:00:00:00:00", pdst=S4)))
        fr.append((ck(), Ether(src=MAC_S, dst=MAC_C) / ARP(op=2, hwsrc=MAC_S, psrc=S4, hwdst=MAC_C, pdst=C4)))
    fr.append((ck(), Ether(src=MAC_S, dst=bc) / ARP(op=1, hwsrc=MAC_S, psrc=S4, hwdst="00:00:00:00:00:00", pdst="10.231.9.3")))
    fr.append((ck(), Ether(src=MAC_C, dst=bc) / ARP(op=1, hwsrc=MAC_C, psrc=C4, hwdst="00:00:00:00:00:00", pdst=C4)))
    fr.append((ck(), Ether(src=MAC_S, dst=MAC_C) / ARP(op=2, hwsrc=MAC_S, psrc="10.231.9.4", hwdst=MAC_C, pdst=C4)))
    write_pcap("arp.pcap", 1, fr)

    # ---- GRE carrying IPv4 (tunnelled traffic belongs to the outer GRE flow)
    ck = Clock()
    fr = []
    T1, T2 = "10.231.9.101", "10.231.9.102"
    for t, p in tcp_conv(v4(C4, S4), v4(S4, C4), 49501, 80, ck) + dns_pair(v4(C4, S4), v4(S4, C4), 49502, ck):
        outer = IP(src=T1, dst=T2) if p[IP].src == C4 else IP(src=T2, dst=T1)
        fr.append((t, eth(outer / GRE(proto=0x0800) / p)))
    write_pcap("gre.pcap", 1, fr)

    # ---- TCP analytics, deterministic: retransmission, out-of-order,
    # duplicate ACKs, fast retransmission, keep-alive, port reuse (new flow)
    ck = Clock()
    fr = []
    c, s = v4(C4, S4), v4(S4, C4)
    sp, dp = 49601, 80
    A = lambda **kw: TCP(sport=sp, dport=dp, window=502, **kw)
    B = lambda **kw: TCP(sport=dp, dport=sp, window=509, **kw)
    seg = b"x" * 1000
    pk = [(ck(), c() / A(flags="S", seq=0)), (ck(500), s() / B(flags="SA", seq=0, ack=1)), (ck(500), c() / A(flags="A", seq=1, ack=1))]
    # data from the client: segments 1..6 (1000 bytes each), #3 lost, #5 and #6 swapped
    seqs = [1, 1001, 2001, 3001, 4001, 5001]
    pk.append((ck(20000), c() / A(flags="PA", seq=1, ack=1) / Raw(seg)))
    pk.append((ck(100), c() / A(flags="PA", seq=1001, ack=1) / Raw(seg)))
    pk.append((ck(1000), s() / B(flags="A", seq=1, ack=2001)))
    # 2001 lost; 3001 arrives -> dup ack
    pk.append((ck(100), c() / A(flags="PA", seq=3001, ack=1) / Raw(seg)))
    pk.append((ck(100), s() / B(flags="A", seq=1, ack=2001)))          # dup ack 1
    pk.append((ck(100), c() / A(flags="PA", seq=5001, ack=1) / Raw(seg)))
    pk.append((ck(100), s() / B(flags="A", seq=1, ack=2001)))          # dup ack 2
    pk.append((ck(500), c() / A(flags="PA", seq=4001, ack=1) / Raw(seg)))  # out of order (0.5 ms later)
    pk.append((ck(100), s() / B(flags="A", seq=1, ack=2001)))          # dup ack 3
    pk.append((ck(1000), c() / A(flags="PA", seq=2001, ack=1) / Raw(seg)))  # fast retransmission
    pk.append((ck(500), s() / B(flags="A", seq=1, ack=6001)))
    # a plain retransmission much later (RTO), already acked: spurious
    pk.append((ck(300000), c() / A(flags="PA", seq=5001, ack=1) / Raw(seg)))
    pk.append((ck(500), s() / B(flags="A", seq=1, ack=6001)))           # dup ack of the spurious one
    # new data then its RTO retransmission (never acked in between)
    pk.append((ck(1000), c() / A(flags="PA", seq=6001, ack=1) / Raw(seg)))
    pk.append((ck(300000), c() / A(flags="PA", seq=6001, ack=1) / Raw(seg)))
    pk.append((ck(500), s() / B(flags="A", seq=1, ack=7001)))
    # keep-alive (seq = next-1, one byte) and its ack
    pk.append((ck(1000000), c() / A(flags="A", seq=7000, ack=1) / Raw(b"\0")))
    pk.append((ck(500), s() / B(flags="A", seq=1, ack=7001)))
    # server data, then close
    pk.append((ck(1000), s() / B(flags="PA", seq=1, ack=7001) / Raw(b"y" * 500)))
    pk.append((ck(500), c() / A(flags="A", seq=7001, ack=501)))
    pk.append((ck(1000), c() / A(flags="FA", seq=7001, ack=501)))
    pk.append((ck(500), s() / B(flags="FA", seq=501, ack=7002)))
    pk.append((ck(500), c() / A(flags="A", seq=7002, ack=502)))
    # port reuse: same 5-tuple, new SYN after close -> a new flow
    ck(2000000)
    pk += tcp_conv(c, s, sp, dp, ck)
    fr = [(t, eth(p, *((MAC_C, MAC_S) if p[IP].src == C4 else (MAC_S, MAC_C)))) for t, p in pk]
    write_pcap("tcp-analytics.pcap", 1, fr)

    # ---- unsupported link type: Linux USB (DLT 189), four URB-sized records.
    # netlens must count these packets without crashing and make no flows.
    ck = Clock()
    fr = [(ck(), struct.pack("<QBBBBHcc", 0x1000 + i, ord("S"), 0x81, 2, 3, 0, b"<", b"\0") + b"\0" * 40)
          for i in range(4)]
    write_pcap("usb-189.pcap", 189, fr)

    wrapped_link_types()
    # and one Ethernet file mixing IP with a non-IP EtherType (LLDP-like) frame
    ck = Clock()
    fr = [(ck(), Ether(src=MAC_C, dst="01:80:c2:00:00:0e", type=0x88CC) / Raw(b"\x02\x07\x04" + b"\0" * 40))]
    fr += ether_frames(dns_pair(v4(C4, S4), v4(S4, C4), 50002, ck))
    write_pcap("ether-nonip.pcap", 1, fr)


def ip_bytes(p):
    return bytes(p), (0x0021 if p.haslayer(IP) else 0x0057), (0x0800 if p.haslayer(IP) else 0x86DD)


def wrapped_link_types():
    """Link layers around IP that are not Ethernet: PPP, Cisco HDLC,
    802.11 (plain and radiotap), pflog, NFLOG, and Apple's PKTAP."""
    # ---- PPP (9): HDLC-like address/control on some frames, none and a
    # one-byte (compressed) protocol field on others.
    ck = Clock()
    fr = []
    for i, (t, p) in enumerate(mixed(ck, 46000)):
        b, proto, _ = ip_bytes(p)
        if i % 2:
            fr.append((t, b"\xff\x03" + struct.pack(">H", proto) + b))
        else:
            fr.append((t, struct.pack("B", proto) + b))
    write_pcap("ppp-9.pcap", 9, fr)

    # ---- PPP in HDLC-like framing (50), some frames Cisco HDLC; PPPoE
    # without Ethernet (51); Cisco HDLC (104).
    ck = Clock()
    fr = []
    for i, (t, p) in enumerate(mixed(ck, 46100)):
        b, proto, et = ip_bytes(p)
        fr.append((t, (b"\xff\x03" + struct.pack(">H", proto) if i % 3 else b"\x0f\x00" + struct.pack(">H", et)) + b))
    write_pcap("ppp-serial-50.pcap", 50, fr)
    ck = Clock()
    fr = []
    for t, p in mixed(ck, 46200):
        b, proto, _ = ip_bytes(p)
        fr.append((t, struct.pack(">BBHHH", 0x11, 0, 0x2a, len(b) + 2, proto) + b))
    write_pcap("ppp-ether-51.pcap", 51, fr)
    ck = Clock()
    fr = []
    for i, (t, p) in enumerate(mixed(ck, 46300)):
        b, _, et = ip_bytes(p)
        fr.append((t, struct.pack(">BBH", 0x8f if i == 0 else 0x0f, 0, et) + b))
    fr.append((ck(), struct.pack(">BBH", 0x8f, 0, 0x8035) + b"\0" * 18))  # SLARP keepalive
    write_pcap("chdlc-104.pcap", 104, fr)

    # ---- 802.11 data frames (105): from DS, to DS, four addresses, QoS
    # and QoS with HT control; then a beacon, a null-data frame, an
    # encrypted frame and a second fragment, which carry no readable IP.
    ap, sta, far = "020000000003", "020000000001", "020000000002"

    def dot11(p, fc_i, i, extra=b""):
        b, _, et = ip_bytes(p)
        kinds = [(0x08, 0x02, ap, sta, far, b""),          # data, from DS
                 (0x08, 0x01, ap, sta, far, b""),          # data, to DS
                 (0x08, 0x03, ap, sta, far, bytes.fromhex(far)),  # WDS: a fourth address
                 (0x88, 0x01, ap, sta, far, b"\x00\x00"),  # QoS data
                 (0x88, 0x81, ap, sta, far, b"\x00\x00" + b"\0\0\0\0")]  # QoS + HT control
        fc0, fc1, a1, a2, a3, tail = kinds[fc_i % len(kinds)]
        if fc1 & 3 == 3:
            hdr = struct.pack("BBH", fc0, fc1, 0) + bytes.fromhex(a1 + a2 + a3) + struct.pack("<H", i << 4) + tail
        else:
            hdr = struct.pack("BBH", fc0, fc1, 0) + bytes.fromhex(a1 + a2 + a3) + struct.pack("<H", i << 4) + tail
        return hdr + bytes.fromhex("aaaa03000000") + struct.pack(">H", et) + b
    ck = Clock()
    pk = mixed(ck, 46400)
    fr = [(t, dot11(p, i, i)) for i, (t, p) in enumerate(pk)]
    seq = len(fr)
    beacon = struct.pack("BBH", 0x80, 0, 0) + bytes.fromhex("ffffffffffff" + ap + ap) + struct.pack("<H", seq << 4) + b"\0" * 12
    null = struct.pack("BBH", 0x48, 0x01, 0) + bytes.fromhex(ap + sta + ap) + struct.pack("<H", (seq + 1) << 4)
    ip = bytes(IP(src=C4, dst=S4, id=7) / UDP(sport=46499, dport=53) / Raw(b"w" * 20))
    prot = struct.pack("BBH", 0x08, 0x41, 0) + bytes.fromhex(ap + sta + far) + struct.pack("<H", (seq + 2) << 4) + b"\0" * 8 + ip
    frag2 = struct.pack("BBH", 0x08, 0x01, 0) + bytes.fromhex(ap + sta + far) + struct.pack("<H", ((seq + 3) << 4) | 1) + ip
    for f in (beacon, null, prot, frag2):
        fr.append((ck(), f))
    write_pcap("ieee80211-105.pcap", 105, fr)

    # ---- radiotap (127): an 8-byte header on some frames, a 12-byte one
    # (flags and rate present) on others, then 802.11.
    ck = Clock()
    fr = []
    for i, (t, p) in enumerate(mixed(ck, 46500)):
        rt = struct.pack("<BBHI", 0, 0, 8, 0) if i % 2 else struct.pack("<BBHIBBH", 0, 0, 12, 0x6, 0, 12, 0)
        fr.append((t, rt + dot11(p, i + 3, i)))
    write_pcap("radiotap-127.pcap", 127, fr)

    # ---- pflog (117): FreeBSD's header, 61 bytes padded to 64.
    ck = Clock()
    fr = []
    for t, p in mixed(ck, 46600):
        b = bytes(p)
        af = 2 if p.haslayer(IP) else 28
        hdr = struct.pack(">BBBB16s16sIIIiIiB3x", 61, af, 0, 0, b"pflog0", b"", 1, 0xffffffff, 0, 0, 0, 0, 1)
        fr.append((t, hdr + b))
    write_pcap("pflog-117.pcap", 117, fr)

    # ---- NFLOG (239): header, then TLVs (host order: little-endian here,
    # as written by an x86 or arm64 Linux): packet header, prefix, payload.
    def tlv(typ, val):
        n = 4 + len(val)
        return struct.pack("<HH", n, typ) + val + b"\0" * ((4 - n % 4) % 4)
    ck = Clock()
    fr = []
    for t, p in mixed(ck, 46700):
        b, _, et = ip_bytes(p)
        fam = 2 if p.haslayer(IP) else 10
        body = tlv(1, struct.pack(">HBx", et, 3)) + tlv(10, b"netlens\0") + tlv(9, b)
        fr.append((t, struct.pack(">BBH", fam, 0, 5) + body))
    fr.append((ck(), struct.pack(">BBH", 2, 0, 5) + tlv(10, b"no packet\0")))
    write_pcap("nflog-239.pcap", 239, fr)

    # ---- Apple PKTAP (258): a 156-byte header naming the process, then
    # the packet as its own link type (Ethernet here, DLT_NULL for a utun
    # flow); one record that is not a packet.
    procs = {46801: (611, "curl"), 46802: (187, "mDNSResponder"), 46803: (4242, "com.apple.Safari")}

    def pktap(dlt, inner, pid, comm, out, epid=0, ecomm=""):
        h = struct.pack("<III24sIIIIi17s3xIHHi17s3xII8s16s16s", 156, 1, dlt, b"en0", 2 if out else 1,
                        2, 14 if dlt == 1 else 4, 0, pid, comm.encode()[:16], 0, 6, 0, epid, ecomm.encode()[:16],
                        0, 0, b"\0" * 8, b"\0" * 16, b"\0" * 16)
        assert len(h) == 156
        return h + inner
    ck = Clock()
    fr = []
    for t, p in mixed(ck, 46800):
        fc = is_from_client(p)
        l4 = p.getlayer(TCP) or p.getlayer(UDP)
        port = (l4.sport if fc else l4.dport) if l4 else 0
        pid, comm = procs.get(port, (0, ""))
        src, dst = (MAC_C, MAC_S) if fc else (MAC_S, MAC_C)
        if port == 46803:  # a daemon sending for an app: the effective process wins
            fr.append((t, pktap(1, bytes(Ether(src=src, dst=dst) / p), 300, "nsurlsessiond", fc, pid, comm)))
        else:
            fr.append((t, pktap(1, bytes(Ether(src=src, dst=dst) / p), pid, comm, fc)))
    ck2 = Clock(start=ck.t)
    for t, p in tcp_conv(v4(C4, S4), v4(S4, C4), 46804, 22, ck2):
        fr.append((t, pktap(0, struct.pack("<I", 2) + bytes(p), 999, "ssh", is_from_client(p))))
    fr.append((ck2(), struct.pack("<III", 156, 2, 1) + b"\0" * 144))  # not a packet record
    write_pcap("pktap-258.pcap", 258, fr)
    legacy_link_types()
    multi_link_pcapng()
    ethernet_shims()
    dsa_tags()


def legacy_link_types():
    """Older or rarer link layers around IP: Frame Relay, 802.11 behind the
    Prism, AVS and PPI headers, Solaris ipnet, netANALYZER and IP over
    InfiniBand."""
    ap, sta, far = "020000000003", "020000000001", "020000000002"

    def dot11(p, i):
        b, _, et = ip_bytes(p)
        fc1 = 0x02 if is_from_client(p) else 0x01
        return (struct.pack("BBH", 0x08, fc1, 0) + bytes.fromhex(ap + sta + far) + struct.pack("<H", i << 4)
                + bytes.fromhex("aaaa03000000") + struct.pack(">H", et) + b)

    def eth_fcs(p):
        fc = is_from_client(p)
        e = bytes(Ether(src=MAC_C if fc else MAC_S, dst=MAC_S if fc else MAC_C) / p)
        return e + struct.pack("<I", zlib.crc32(e) & 0xffffffff)

    # ---- Frame Relay (107): DLCI 100 (a 2-byte Q.922 address), UI and an
    # NLPID; UI, a pad and SNAP; Cisco's EtherType after the address; and an
    # LMI status enquiry on DLCI 0 (Q.933, not IP).
    ck = Clock()
    fr = []
    dlci100 = bytes([(100 >> 4) << 2, ((100 & 0xf) << 4) | 1])
    for i, (t, p) in enumerate(mixed(ck, 47500)):
        b, _, et = ip_bytes(p)
        nlpid = 0xcc if p.haslayer(IP) else 0x8e
        if i % 3 == 0:
            fr.append((t, dlci100 + bytes([0x03, nlpid]) + b))
        elif i % 3 == 1:
            fr.append((t, dlci100 + b"\x03\x00\x80\x00\x00\x00" + struct.pack(">H", et) + b))
        else:
            fr.append((t, dlci100 + struct.pack(">H", et) + b))
    fr.append((ck(), b"\x00\x01\x03\x08\x00\x75\x95\x01\x01\x01\x03\x02\x01\x00"))
    write_pcap("frelay-107.pcap", 107, fr)

    # ---- Prism (119): the 144-byte header, and on every third frame the
    # AVS header that the same drivers also wrote under this link type.
    def avs(n):
        return struct.pack(">IIQQIIIIiiIII", 0x80211001, 64, 0, 0, 0, 0, 0, 0, -40, -95, 0, 0, 0) + b"\0" * 4

    ck = Clock()
    fr = []
    for i, (t, p) in enumerate(mixed(ck, 47600)):
        prism = struct.pack("<II16s", 0x44, 144, b"wlan0") + b"\0" * 120
        fr.append((t, (avs(i) if i % 3 == 2 else prism) + dot11(p, i)))
    write_pcap("prism-119.pcap", 119, fr)

    # ---- AVS (163)
    ck = Clock()
    write_pcap("avs-163.pcap", 163, [(t, avs(i) + dot11(p, i)) for i, (t, p) in enumerate(mixed(ck, 47700))])

    # ---- PPI (192): 802.11 after an 8-byte header, or after a 20-byte one
    # with a field; Ethernet on every third frame.
    ck = Clock()
    fr = []
    for i, (t, p) in enumerate(mixed(ck, 47800)):
        if i % 3 == 2:
            fr.append((t, struct.pack("<BBHI", 0, 0, 8, 1) + bytes(Ether(src=MAC_C, dst=MAC_S) / p)))
        elif i % 3 == 1:
            field = struct.pack("<HH", 2, 8) + b"\0" * 8  # a field of 8 bytes
            fr.append((t, struct.pack("<BBHI", 0, 0, 8 + len(field), 105) + field + dot11(p, i)))
        else:
            fr.append((t, struct.pack("<BBHI", 0, 0, 8, 105) + dot11(p, i)))
    write_pcap("ppi-192.pcap", 192, fr)

    # ---- Solaris ipnet (226): version 2, family 2 or 26, then IP.
    ck = Clock()
    fr = []
    for t, p in mixed(ck, 47900):
        b = bytes(p)
        fam = 2 if p.haslayer(IP) else 26
        fr.append((t, struct.pack(">BBHIIIII", 2, fam, 0, len(b), 2, 0, 0, 0) + b))
    write_pcap("ipnet-226.pcap", 226, fr)

    # ---- netANALYZER (240): a 4-byte little-endian header (0x400: what
    # tshark takes for a valid one), Ethernet with its FCS. (Transparent
    # mode, 241, tshark shows as data: test_decode covers it.)
    ck = Clock()
    write_pcap("netanalyzer-240.pcap", 240, [(t, struct.pack("<I", 0x400) + eth_fcs(p)) for t, p in mixed(ck, 48000)])

    # ---- IP over InfiniBand (242): two 20-byte addresses, an EtherType.
    ck = Clock()
    fr = []
    for t, p in mixed(ck, 48200):
        b, _, et = ip_bytes(p)
        fr.append((t, b"\x00" * 19 + b"\x01" + b"\x00" * 19 + b"\x02" + struct.pack(">HH", et, 0) + b))
    write_pcap("ipoib-242.pcap", 242, fr)


def ethernet_shims():
    """Ethernet with headers between it and IP that netlens reads through:
    MACsec (0x88e5) sent in clear, NSH (0x894f, RFC 8300), Arista's
    timestamp header (0xd28b) and Ethernet pseudowires under MPLS."""
    # ---- MACsec, integrity only (E = C = 0): SecTAG, EtherType, payload,
    # 16-byte ICV. The client's frames carry an SCI (TCI.SC), the server's
    # do not; two encrypted frames (E = C = 1) hide their payload.
    ck = Clock()
    pk = mixed(ck, 48000)
    icv = bytes(range(16))

    def macsec_wrap(p, fc, s, d):
        pn = int(ck.t // 1000) & 0xffffffff
        ethertype = 0x0800 if p.haslayer(IP) else 0x86dd
        if fc:
            tag = struct.pack(">BBI", 0x20, 0, pn) + bytes.fromhex("0200000000010001")
        else:
            tag = struct.pack(">BBI", 0x00, 0, pn)
        return Ether(src=s, dst=d, type=0x88e5) / Raw(tag + struct.pack(">H", ethertype) + bytes(p) + icv)
    fr = ether_frames(pk, macsec_wrap)
    for i in range(2):
        sealed = struct.pack(">BBI", 0x2c, 0, 1000 + i) + bytes.fromhex("0200000000010001") + bytes(60) + icv
        fr.append((ck(), Ether(src=MAC_C, dst=MAC_S, type=0x88e5) / Raw(sealed)))
    write_pcap("macsec.pcap", 1, fr)

    # ---- NSH: MD type 1 (6 words) carrying IPv4 or IPv6 from the client;
    # MD type 2 (2 words, no context) carrying a whole Ethernet frame from
    # the server.
    ck = Clock()
    pk = mixed(ck, 49000)

    def nsh_wrap(p, fc, s, d):
        v4 = p.haslayer(IP)
        path = struct.pack(">I", (42 << 8) | 255)
        if fc:
            base = struct.pack(">BBBB", 0x0f, 0xc6, 0x01, 1 if v4 else 2)  # TTL 63, length 6
            body = base + path + bytes(16) + bytes(p)
        else:
            base = struct.pack(">BBBB", 0x0f, 0xc2, 0x02, 3)  # TTL 63, length 2, Ethernet
            body = base + path + bytes(Ether(src=s, dst=d, type=0x0800 if v4 else 0x86dd) / p)
        return Ether(src=s, dst=d, type=0x894f) / Raw(body)
    write_pcap("nsh.pcap", 1, ether_frames(pk, nsh_wrap))

    # ---- Arista's timestamp header (0xd28b, subtype 1), as a tap aggregator
    # adds it: 64-bit TAI timestamps on the client's frames, 48-bit UTC on
    # the server's; one frame of another subtype.
    ck = Clock()
    pk = mixed(ck, 50100)

    def arista_wrap(p, fc, s, d):
        ethertype = 0x0800 if p.haslayer(IP) else 0x86dd
        if fc:
            hdr = struct.pack(">HHII", 1, 0x0010, 1559162199, 944724424)
        else:
            hdr = struct.pack(">HHHI", 1, 0x0120, 0x5cee, 432245804)
        return Ether(src=s, dst=d, type=0xd28b) / Raw(hdr + struct.pack(">H", ethertype) + bytes(p))
    fr = ether_frames(pk, arista_wrap)
    fr.append((ck(), Ether(src=MAC_C, dst=MAC_S, type=0xd28b) / Raw(struct.pack(">HH", 2, 0) + bytes(46))))
    write_pcap("arista.pcap", 1, fr)

    # ---- Ethernet pseudowires under two labels (RFC 4448), each frame
    # with a control word (RFC 4385) carrying its sequence number; the
    # server's inner frames have a VLAN tag. Two BFD messages on the
    # pseudowire's associated channel (nibble 1) are not IP. The inner
    # MACs are chosen so that Wireshark's heuristic (whether the first 12
    # bytes look like two known vendors' MACs) also sees the control word.
    ck = Clock()
    pk = mixed(ck, 50200)
    inner_c, inner_s = "02:00:fe:ed:fa:01", "02:00:fe:ed:fa:02"
    seq = [0]

    def pw_wrap(p, fc, s, d):
        seq[0] += 1
        ethertype = 0x0800 if p.haslayer(IP) else 0x86dd
        cw = struct.pack(">HH", 0, seq[0])
        if fc:
            inner = Ether(src=inner_c, dst=inner_s, type=ethertype) / p
        else:
            inner = Ether(src=inner_s, dst=inner_c) / Dot1Q(vlan=42, type=ethertype) / p
        return Ether(src=s, dst=d, type=0x8847) / MPLS(label=1000, s=0, ttl=64) / MPLS(label=3000, s=1, ttl=64) / Raw(cw + bytes(inner))
    fr = ether_frames(pk, pw_wrap)
    bfd = bytes.fromhex("20c00318") + struct.pack(">IIIII", 1, 2, 1000000, 1000000, 0)
    for i in range(2):
        ach = struct.pack(">HH", 0x1000, 0x0007)   # ACH, channel type BFD without IP/UDP
        fr.append((ck(), Ether(src=MAC_C, dst=MAC_S, type=0x8847) / MPLS(label=1000, s=0, ttl=64) / MPLS(label=3000, s=1, ttl=64) / Raw(ach + bfd)))
    write_pcap("mpls-pw.pcap", 1, fr)


def dsa_tags():
    """A switch's DSA tags, as libpcap reports a Linux DSA conduit: written
    to ../dsa/ (tshark reads none of these link types; linktypes.test
    strips the tag and compares with tshark's view of the bare frames)."""
    out = os.path.join(os.path.dirname(os.path.abspath(OUT)), "dsa")
    os.makedirs(out, exist_ok=True)

    def strip_to(fn, dlt, tag_of):
        ck = Clock()
        pk = mixed(ck, 51000 + dlt)
        fr = []
        for t, e in ether_frames(pk):
            b = bytes(e)
            fr.append((t, tag_of(b, is_from_client(e))))
        write_pcap(os.path.join(out, fn), dlt, fr)  # an absolute name: not under OUT
    # The client is behind a switch port (5, or 2 for Marvell), the server is the router itself.
    # Broadcom: the client's frames carry an egress tag (opcode 0, reason
    # "exception", port 5), the server's an ingress one (opcode 1, port map
    # 0x20), as in tcpdump's brcm-tag-prepend.pcap; after the MACs or before.
    brcm = lambda fc: bytes.fromhex("00002005" if fc else "20000020")
    strip_to("brcm-281.pcap", 281, lambda b, fc: b[:12] + brcm(fc) + b[12:])
    strip_to("brcm-prepend-282.pcap", 282, lambda b, fc: brcm(fc) + b)
    # Marvell DSA: Forward from port 2 (VID 1337) / From CPU to port 2; the
    # same tag behind EDSA's EtherType 0xdada and two reserved bytes.
    dsa = lambda fc: bytes.fromhex("c0100539" if fc else "40100000")
    strip_to("dsa-284.pcap", 284, lambda b, fc: b[:12] + dsa(fc) + b[12:])
    strip_to("edsa-285.pcap", 285, lambda b, fc: b[:12] + b"\xda\xda\0\0" + dsa(fc) + b[12:])


def multi_link_pcapng():
    """multi-link.pcapng: interfaces of different link types in one file,
    which libpcap refuses at the second interface and netlens reads with
    its own reader. Section 1 (little-endian): Ethernet packets, then a
    NULL interface in nanoseconds (declared after packets were read), its
    packets interleaved with Ethernet ones, blocks to skip (name
    resolution, statistics, custom), a raw-IP interface in 2^-20 s with
    if_tsoffset, and an obsolete packet block. Section 2 (big-endian):
    Linux cooked capture in milliseconds."""
    def block(e, btype, body):
        body = bytes(body) + b"\0" * (-len(body) % 4)
        n = len(body) + 12
        return struct.pack(e + "II", btype, n) + body + struct.pack(e + "I", n)

    def opt(e, code, val):
        return struct.pack(e + "HH", code, len(val)) + val + b"\0" * (-len(val) % 4)

    def shb(e):
        return block(e, 0x0A0D0D0A, struct.pack(e + "IHHq", 0x1A2B3C4D, 1, 0, -1))

    def idb(e, linktype, opts=b""):
        end = struct.pack(e + "HH", 0, 0) if opts else b""
        return block(e, 1, struct.pack(e + "HHI", linktype, 0, 262144) + opts + end)

    def epb(e, ifc, units, data, btype=6):
        data = bytes(data)
        if btype == 2:  # obsolete packet block: 16-bit interface, 16-bit drops
            head = struct.pack(e + "HHIIII", ifc, 0, units >> 32, units & 0xFFFFFFFF, len(data), len(data))
        else:
            head = struct.pack(e + "IIIII", ifc, units >> 32, units & 0xFFFFFFFF, len(data), len(data))
        return block(e, btype, head + data)

    def us(t):
        return BASE * 1000000 + t

    e = "<"
    out = [shb(e), idb(e, 1)]
    ck = Clock()
    for t, fr in ether_frames(mixed(ck, 47000)):
        out.append(epb(e, 0, us(t), fr))
    out.append(idb(e, 0, opt(e, 9, b"\x09")))  # NULL, nanoseconds
    ck_n = Clock(start=ck.t)
    null = [(t, 1, struct.pack("<I", 2 if p.haslayer(IP) else 30) + bytes(p)) for t, p in mixed(ck_n, 47100)]
    ck_e = Clock(start=ck.t + 37)
    eth_b = [(t, 0, fr) for t, fr in ether_frames(tcp_conv(v4(C4, S4), v4(S4, C4), 47200, 8080, ck_e))]
    for t, ifc, fr in sorted(null + eth_b, key=lambda x: x[0]):
        out.append(epb(e, ifc, us(t) * 1000 + 123 if ifc == 1 else us(t), fr))
    out.append(block(e, 4, struct.pack(e + "HH", 0, 0)))  # name resolution: nothing
    out.append(block(e, 5, struct.pack(e + "III", 1, 0, 0)))  # interface statistics
    out.append(block(e, 0x40000BAD, b"netlens custom block"))
    offset = 1000
    out.append(idb(e, 101, opt(e, 9, bytes([0x80 | 20])) + opt(e, 14, struct.pack(e + "q", offset))))
    ck_r = Clock(start=max(ck_n.t, ck_e.t))
    raw = mixed(ck_r, 47300)
    for i, (t, p) in enumerate(raw):
        sec, usec = divmod(us(t), 1000000)
        units = ((sec - offset) << 20) + ((usec << 20) + 999999) // 1000000  # rounds down to usec again
        out.append(epb(e, 2, units, bytes(p), btype=2 if i == 3 else 6))
    e = ">"
    out += [shb(e), idb(e, 113, opt(e, 9, b"\x03"))]  # milliseconds
    ck_s = Clock(start=(ck_r.t // 1000 + 1) * 1000, step=1000)
    for t, p in tcp_conv(v4(C4, S4), v4(S4, C4), 47400, 443, ck_s, rtt=3000):
        t -= t % 1000
        fc = is_from_client(p)
        mac = bytes.fromhex((MAC_C if fc else MAC_S).replace(":", ""))
        hdr = struct.pack(">HHH8sH", 4 if fc else 0, 1, 6, mac + b"\0\0", 0x0800)
        out.append(epb(e, 0, us(t) // 1000, hdr + bytes(p)))
    with open(os.path.join(OUT, "multi-link.pcapng"), "wb") as f:
        f.write(b"".join(out))


if __name__ == "__main__":
    main()
