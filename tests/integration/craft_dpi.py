#!/usr/bin/env python3
"""craft_dpi.py OUTDIR - hand-built captures of what public traffic does and
the real-program captures (make-captures.sh) do not: each is checked against
tshark by dpi-crafted.test (compare_dpi.py), so tshark, not this script, is
the oracle. The TLS handshakes are real ones, made in memory by Python's ssl
(OpenSSL) and re-framed; QUIC Initials are protected here (RFC 9001 §5) with
each version's salt and labels.

  tls-split.pcap  TLS 1.3 and 1.2 ClientHellos split over records (2, 3, one
                  record per byte) and over segments (1-byte segments, a
                  record header cut in two, a 15000-byte hello in 536-byte
                  segments, whole hellos in 10-byte and 1-byte segments),
                  ports 443, 8443, 9443, 12345; STARTTLS on SMTP and IMAP
  misc.pcap       SSH on ports 2022 and 7022 (1.99 server, LF-only client);
                  DNS over TCP with two queries and two answers per segment
                  and a length prefix split; big DNS answers in IP fragments
                  sent first fragment last (v4, v6 shuffled); mDNS and
                  LLMNR; HTTP pipelining, a request's segments reordered,
                  a 20 KB request line (in one segment, and in 1448-byte ones),
                  a request split mid-line, one sent a byte a segment,
                  HTTP/1.0 lower-case headers,
                  WebDAV, DeltaV and Outlook Anywhere methods
  quic.pcap       client and server Initials of QUIC v1, v2, drafts 27, 29,
                  32, 34, mvfst 1/2/exp (CRYPTO out of order, split across
                  coalesced packets and datagrams), Google T050 and T051;
                  a v1 Initial filling a 9 KB (jumbo frame) datagram; a
                  greased version's Initial answered by Version Negotiation
  gquic.pcap      Google QUIC CHLOs: Q050 (encrypted), Q043 and Q046 (clear)

and, for the dispatch checks (counted with --stats' dpi_offered):

  toy53.pcap, toy9000.pcap  one UDP datagram "TOY hello" (the loader test's
                  toy plugin) to port 53 (dns's hint) and 9000 (no hint)
  bulk5.pcap, bulk300.pcap  a TLS 1.3 handshake then 5 or 300 segments of
                  application data
"""
import functools
import hashlib
import hmac
import os
import ssl
import struct
import subprocess
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from scapy.all import (DNS, DNSQR, DNSRR, IP, TCP, UDP, Ether, IPv6, IPv6ExtHdrFragment, Raw, fragment, fragment6,
                       raw, wrpcap)

OUT = sys.argv[1]
T = [1700000000.0]


def stamp(p):
    T[0] += 0.001
    p.time = T[0]
    return p


class TcpFlow:
    """A TCP connection with handshake, data segments each acked, and FINs."""

    def __init__(self, pkts, c, s, cp, sp):
        self.p, self.c, self.s, self.cp, self.sp = pkts, c, s, cp, sp
        self.cseq, self.sseq = 1000, 5000
        self.emit(True, "S", b"")
        self.cseq += 1
        self.emit(False, "SA", b"")
        self.sseq += 1
        self.emit(True, "A", b"")

    def emit(self, fc, fl, data):
        if fc:
            pk = Ether() / IP(src=self.c, dst=self.s) / TCP(sport=self.cp, dport=self.sp, flags=fl,
                                                           seq=self.cseq, ack=self.sseq if "A" in fl else 0)
        else:
            pk = Ether() / IP(src=self.s, dst=self.c) / TCP(sport=self.sp, dport=self.cp, flags=fl,
                                                           seq=self.sseq, ack=self.cseq)
        if data:
            pk = pk / Raw(data)
        self.p.append(stamp(pk))

    def send(self, fc, data):
        self.emit(fc, "PA", data)
        if fc:
            self.cseq += len(data)
        else:
            self.sseq += len(data)
        self.emit(not fc, "A", b"")

    def close(self):
        self.emit(True, "FA", b"")
        self.cseq += 1
        self.emit(False, "FA", b"")
        self.sseq += 1
        self.emit(True, "A", b"")


def chain(layers):
    """Records one after another (scapy 2.5 takes no list for a section)."""
    return functools.reduce(lambda a, b: a / b, layers)


def udp(pkts, src, dst, sp, dp, data):
    pkts.append(stamp(Ether() / IP(src=src, dst=dst) / UDP(sport=sp, dport=dp) / Raw(data)))


# ------------------------------------------------------------------ TLS
def handshake(sni, alpn, maxv=ssl.TLSVersion.TLSv1_3):
    """A real ClientHello and the server's first flight, made in memory."""
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    c.check_hostname = False
    c.verify_mode = ssl.CERT_NONE
    c.maximum_version = maxv
    c.set_alpn_protocols(alpn)
    s = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    s.load_cert_chain(OUT + "/cert.pem", OUT + "/key.pem")
    s.set_alpn_protocols(alpn[-1:])
    ci, co, si, so = ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO(), ssl.MemoryBIO()
    cl = c.wrap_bio(ci, co, server_hostname=sni)
    sv = s.wrap_bio(si, so, server_side=True)
    try:
        cl.do_handshake()
    except ssl.SSLWantReadError:
        pass
    ch = co.read()
    si.write(ch)
    try:
        sv.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return ch, so.read()


def hs_layer(recs):
    """The handshake-layer bytes of a run of records."""
    out, i = b"", 0
    while i + 5 <= len(recs):
        n = int.from_bytes(recs[i + 3:i + 5], "big")
        if recs[i] == 22:
            out += recs[i + 5:i + 5 + n]
        i += 5 + n
    return out


def records_of(hl, sizes):
    """hl re-framed as handshake records of the given sizes, the rest in one."""
    out, i = b"", 0
    for n in sizes + [len(hl)]:
        frag = hl[i:i + n]
        if not frag:
            break
        out += b"\x16\x03\x01" + len(frag).to_bytes(2, "big") + frag
        i += len(frag)
    return out


def pad_hello(hl, total):
    """The ClientHello hl with a padding extension (21) making it total bytes."""
    body = hl[4:]
    i = 2 + 32
    i += 1 + body[i]                                    # session id
    i += 2 + int.from_bytes(body[i:i + 2], "big")       # cipher suites
    i += 1 + body[i]                                    # compression
    exts = body[i + 2:]
    add = total - len(hl) - 4
    exts += struct.pack(">HH", 21, add) + b"\x00" * add
    body = body[:i] + struct.pack(">H", len(exts)) + exts
    return b"\x01" + len(body).to_bytes(3, "big") + body


def tls_split():
    pk = []
    n = 0
    for maxv, tag in ((ssl.TLSVersion.TLSv1_3, "13"), (ssl.TLSVersion.TLSv1_2, "12")):
        ch, sh = handshake("split%s.example.com" % tag, ["h2", "http/1.1"], maxv)
        hl = hs_layer(ch)
        n += 1  # two records, one segment, port 9443
        f = TcpFlow(pk, "10.9.0.1", "10.9.0.2", 40000 + n, 9443)
        f.send(True, records_of(hl, [40]))
        f.send(False, sh)
        f.close()
        n += 1  # two records, two segments
        f = TcpFlow(pk, "10.9.0.1", "10.9.0.2", 40000 + n, 443)
        r = records_of(hl, [100])
        f.send(True, r[:105])
        f.send(True, r[105:])
        f.send(False, sh)
        f.close()
        n += 1  # three records, the second's header cut by a segment boundary
        f = TcpFlow(pk, "10.9.0.1", "10.9.0.2", 40000 + n, 12345)
        r = records_of(hl, [10, 1])
        f.send(True, r[:18])
        f.send(True, r[18:])
        f.send(False, sh[:7])
        f.send(False, sh[7:])
        f.close()
        n += 1  # one record per handshake byte
        f = TcpFlow(pk, "10.9.0.1", "10.9.0.2", 40000 + n, 8443)
        f.send(True, records_of(hl, [1] * (len(hl) - 1)))
        f.send(False, sh)
        f.close()
        n += 1  # a 15000-byte hello (padding extension) in 536-byte segments
        f = TcpFlow(pk, "10.9.0.1", "10.9.0.2", 40000 + n, 443)
        r = records_of(pad_hello(hl, 15000), [])
        for i in range(0, len(r), 536):
            f.send(True, r[i:i + 536])
        f.send(False, sh)
        f.close()
        n += 1  # twelve 1-byte segments, then the rest
        f = TcpFlow(pk, "10.9.0.1", "10.9.0.2", 40000 + n, 443)
        for i in range(12):
            f.send(True, ch[i:i + 1])
        f.send(True, ch[12:])
        f.send(False, sh)
        f.close()
        for step in (10, 1):  # the whole hello in 10-byte, then 1-byte segments
            n += 1           # (small writes; DPI-evasion tools split it so)
            f = TcpFlow(pk, "10.9.0.1", "10.9.0.2", 40000 + n, 443)
            for i in range(0, len(ch), step):
                f.send(True, ch[i:i + step])
            f.send(False, sh)
            f.close()
    # STARTTLS: the hello after the protocol's own text (SMTP, IMAP)
    ch, sh = handshake("mail.example.com", [], ssl.TLSVersion.TLSv1_3)
    f = TcpFlow(pk, "10.9.0.1", "10.9.0.2", 40100, 25)
    f.send(False, b"220 mx.example.com ESMTP ready\r\n")
    f.send(True, b"EHLO client.example.com\r\n")
    f.send(False, b"250-mx.example.com\r\n250-PIPELINING\r\n250-STARTTLS\r\n250 8BITMIME\r\n")
    f.send(True, b"STARTTLS\r\n")
    f.send(False, b"220 2.0.0 Ready to start TLS\r\n")
    f.send(True, ch[:200])
    f.send(True, ch[200:])
    f.send(False, sh)
    f.close()
    ch, sh = handshake("imap.example.com", [], ssl.TLSVersion.TLSv1_2)
    f = TcpFlow(pk, "10.9.0.1", "10.9.0.2", 40101, 143)
    f.send(False, b"* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n")
    f.send(True, b"a001 STARTTLS\r\n")
    f.send(False, b"a001 OK Begin TLS negotiation now\r\n")
    f.send(True, ch)
    f.send(False, sh)
    f.close()
    wrpcap(OUT + "/tls-split.pcap", pk)


# ------------------------------------------------------- SSH, DNS, HTTP
def ssh_packet(code, body):
    payload = bytes([code]) + body
    pad = 8 - ((len(payload) + 5) % 8)
    if pad < 4:
        pad += 8
    return struct.pack(">IB", len(payload) + pad + 1, pad) + payload + b"\x00" * pad


def kexinit():
    body = b"\x11" * 16
    for nl in [b"curve25519-sha256", b"ssh-ed25519", b"aes128-ctr", b"aes128-ctr", b"hmac-sha2-256",
               b"hmac-sha2-256", b"none", b"none", b"", b""]:
        body += struct.pack(">I", len(nl)) + nl
    return ssh_packet(20, body + b"\x00" + b"\x00" * 4)


def misc():
    pk = []
    f = TcpFlow(pk, "10.8.0.1", "10.8.0.2", 41000, 2022)
    f.send(False, b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n")
    f.send(True, b"SSH-2.0-OpenSSH_9.6\r\n" + kexinit())
    f.send(False, kexinit())
    f.close()
    f = TcpFlow(pk, "10.8.0.1", "10.8.0.2", 41002, 7022)
    f.send(False, b"SSH-1.99-Cisco-1.25 some comment\r\n")
    f.send(True, b"SSH-2.0-libssh_0.10.6\n")
    f.close()

    def lp(m):
        return struct.pack(">H", len(m)) + m
    q1 = raw(DNS(id=1, rd=1, qd=DNSQR(qname="a.example.org", qtype="A")))
    q2 = raw(DNS(id=2, rd=1, qd=DNSQR(qname="b.example.org", qtype="AAAA")))
    r1 = raw(DNS(id=1, qr=1, rd=1, ra=1, qd=DNSQR(qname="a.example.org", qtype="A"),
                 an=DNSRR(rrname="a.example.org", type="A", rdata="192.0.2.1")))
    r2 = raw(DNS(id=2, qr=1, rd=1, ra=1, rcode=3, qd=DNSQR(qname="b.example.org", qtype="AAAA")))
    f = TcpFlow(pk, "10.7.0.1", "10.7.0.2", 42000, 53)
    f.send(True, lp(q1) + lp(q2))
    f.send(False, lp(r1) + lp(r2)[:1])
    f.send(False, lp(r2)[1:])
    f.close()
    f = TcpFlow(pk, "10.7.0.1", "10.7.0.2", 42001, 9953)
    f.send(True, lp(q1) + lp(q2))
    f.send(False, lp(r1) + lp(r2))
    f.close()
    # Big answers in IP fragments sent last piece first (and v6 shuffled):
    # the first fragment, with the UDP and DNS headers, comes last, and
    # tshark reassembles all the same.
    many = DNS(id=9, qr=1, rd=1, ra=1, qd=DNSQR(qname="many.example.org", qtype="A"),
               an=chain(DNSRR(rrname="many.example.org", type="A", rdata="192.0.2.%d" % i) for i in range(1, 121)))
    udp(pk, "10.7.0.1", "10.7.0.2", 42100, 53, raw(DNS(id=9, rd=1, qd=DNSQR(qname="many.example.org"))))
    for fr in reversed(fragment(IP(src="10.7.0.2", dst="10.7.0.1", id=4242) / UDP(sport=53, dport=42100) / many,
                                fragsize=600)):
        pk.append(stamp(Ether() / fr))
    many6 = DNS(id=10, qr=1, rd=1, ra=1, qd=DNSQR(qname="many6.example.org", qtype="AAAA"),
                an=chain(DNSRR(rrname="many6.example.org", type="AAAA", rdata="2001:db8::%x" % i) for i in range(1, 81)))
    pk.append(stamp(Ether() / IPv6(src="2001:db8:7::1", dst="2001:db8:7::2") / UDP(sport=42101, dport=53) /
                    DNS(id=10, rd=1, qd=DNSQR(qname="many6.example.org", qtype="AAAA"))))
    frs = fragment6(IPv6(src="2001:db8:7::2", dst="2001:db8:7::1") / IPv6ExtHdrFragment(id=4243) /
                    UDP(sport=53, dport=42101) / many6, 700)
    for i in (1, 2, 0) + tuple(range(3, len(frs))):
        pk.append(stamp(Ether() / frs[i]))
    udp(pk, "10.7.0.9", "224.0.0.251", 5353, 5353,
        raw(DNS(id=0, qr=1, aa=1, an=DNSRR(rrname="printer.local", type="A", rdata="10.7.0.9", ttl=120))))
    udp(pk, "10.7.0.5", "224.0.0.251", 5353, 5353, raw(DNS(id=0, qd=DNSQR(qname="_ipp._tcp.local", qtype="PTR"))))
    udp(pk, "10.7.0.5", "224.0.0.252", 50000, 5355, raw(DNS(id=77, qd=DNSQR(qname="wpad", qtype="A"))))

    f = TcpFlow(pk, "10.6.0.1", "10.6.0.2", 43000, 8000)
    f.send(True, b"GET /one HTTP/1.1\r\nHost: pipe.example\r\nUser-Agent: pipe/1\r\n\r\n"
                 b"GET /two HTTP/1.1\r\nHost: pipe.example\r\n\r\n")
    f.send(False, b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
    f.close()
    f = TcpFlow(pk, "10.6.0.1", "10.6.0.2", 43001, 8081)
    f.send(True, b"POST /api/v1/items?x=1 HT")
    f.send(True, b"TP/1.1\r\nHo")
    f.send(True, b"st: split.example:8081\r\nUser-Agent: curl/8.5.0\r\nContent-Length: 4\r\n\r\nabcd")
    f.send(False, b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
    f.close()
    f = TcpFlow(pk, "10.6.0.1", "10.6.0.2", 43004, 8081)  # a head one byte a segment
    head = b"GET /bytewise/index.html HTTP/1.1\r\nHost: bytewise.example\r\nUser-Agent: tiny/1\r\nAccept: */*\r\n\r\n"
    for i in range(len(head)):
        f.send(True, head[i:i + 1])
    f.send(False, b"HTTP/1.1 204 No Content\r\n\r\n")
    f.close()
    f = TcpFlow(pk, "10.6.0.1", "10.6.0.2", 43002, 31337)
    f.send(True, b"HEAD / HTTP/1.0\r\nhost: lower.example\r\nuser-agent: lower/1\r\n\r\n")
    f.send(False, b"HTTP/1.0 302 Found\r\nLocation: /x\r\n\r\n")
    f.close()
    # a request whose second segment overtakes its first (tshark with
    # tcp.reassemble_out_of_order, as compare_dpi.py runs it)
    f = TcpFlow(pk, "10.6.0.1", "10.6.0.2", 43003, 80)
    head, tail = b"GET /reordered HTTP/1.1\r\nHo", b"st: reorder.example\r\nUser-Agent: ooo/1\r\n\r\n"
    f.cseq += len(head)
    f.emit(True, "PA", tail)
    f.cseq -= len(head)
    f.emit(True, "PA", head)
    f.cseq += len(head) + len(tail)
    f.emit(False, "A", b"")
    f.send(False, b"HTTP/1.1 204 No Content\r\n\r\n")
    f.close()
    # a request line of 20 KB, over the 16 KiB stream netlens keeps: in one
    # segment (captured before the NIC split it) and in 1448-byte ones
    long_req = (b"GET /search?q=" + b"x" * 20000 + b" HTTP/1.1\r\nHost: long.example\r\n"
                b"User-Agent: long/1\r\n\r\n")
    for cport, sport, seg in ((43020, 80, len(long_req)), (43021, 8081, 1448)):
        f = TcpFlow(pk, "10.6.0.1", "10.6.0.2", cport, sport)
        for off in range(0, len(long_req), seg):
            f.emit(True, "PA", long_req[off:off + seg])
            f.cseq += len(long_req[off:off + seg])
        f.emit(False, "A", b"")
        f.send(False, b"HTTP/1.1 414 URI Too Long\r\nContent-Length: 0\r\n\r\n")
        f.close()
    for i, m in enumerate((b"PROPFIND", b"VERSION-CONTROL", b"RPC_IN_DATA")):  # extension methods
        f = TcpFlow(pk, "10.6.0.1", "10.6.0.2", 43010 + i, 80)
        f.send(True, m + b" /dav/x HTTP/1.1\r\nHost: dav.example\r\n\r\n")
        f.send(False, b"HTTP/1.1 207 Multi-Status\r\nContent-Length: 0\r\n\r\n")
        f.close()
    wrpcap(OUT + "/misc.pcap", pk)


# ------------------------------------------------------------------ QUIC
SALT = {"v1": "38762cf7f55934b34d179ae6a4c80cadccbb7f0a", "v2": "0dede3def700a6db819381be6e269dcbf9bd2ed9",
        "d29": "afbfec289993d24c9e9786f19c6111e04390a899", "d23": "c3eef712c72ebb5a11a7d2432bb46365bef9f502",
        "d22": "7fbcdb0e7c66bbe9193a96cd21519ebd7a02644a", "t50": "7ff579e5acd072915580304c43a2367c60488310",
        "t51": "7a4edef4e7ccee5fa4506c19124fc8ccda6e033d", "q50": "504574efd066fe2f9d945cfcdbd3a7f0d3b56b45"}


def expand_label(secret, label, n):
    full = b"tls13 " + label
    info = struct.pack(">HB", n, len(full)) + full + b"\x00"
    out, t, i = b"", b"", 1
    while len(out) < n:
        t = hmac.new(secret, t + info + bytes([i]), hashlib.sha256).digest()
        out += t
        i += 1
    return out[:n]


def vint(n):
    if n < 64:
        return bytes([n])
    if n < 16384:
        return struct.pack(">H", 0x4000 | n)
    return struct.pack(">I", 0x80000000 | n)


def initial(version, salt, v2, dcid, scid, frames, pn, server=False, pad_to=0, kcid=None):
    """A protected Initial; keys from kcid (the client's first DCID) or dcid."""
    init = hmac.new(bytes.fromhex(SALT[salt]), kcid or dcid, hashlib.sha256).digest()
    sec = expand_label(init, b"server in" if server else b"client in", 32)
    pre = b"quicv2 " if v2 else b"quic "
    key, iv, hp = (expand_label(sec, pre + b"key", 16), expand_label(sec, pre + b"iv", 12),
                   expand_label(sec, pre + b"hp", 16))
    payload = frames + b"\x00" * max(0, pad_to - len(frames))
    pnb = struct.pack(">I", pn)
    hdr = bytes([0xc0 | ((1 if v2 else 0) << 4) | 3]) + struct.pack(">I", version)
    hdr += bytes([len(dcid)]) + dcid + bytes([len(scid)]) + scid + vint(0)
    hdr += struct.pack(">H", 0x4000 | (len(payload) + 4 + 16))
    pn_off = len(hdr)
    hdr += pnb
    nonce = bytes(a ^ b for a, b in zip(iv, b"\x00" * 8 + pnb))
    ct = AESGCM(key).encrypt(nonce, payload, hdr)
    mask = Cipher(algorithms.AES(hp), modes.ECB()).encryptor().update(ct[:16])
    h = bytearray(hdr)
    h[0] ^= mask[0] & 0x0f
    for i in range(4):
        h[pn_off + i] ^= mask[1 + i]
    return bytes(h) + ct


def quic():
    ch_rec, sh_rec = handshake("quic.split.example", ["h3", "hq-interop"])
    ch = ch_rec[5:5 + int.from_bytes(ch_rec[3:5], "big")]
    sh = sh_rec[5:5 + int.from_bytes(sh_rec[3:5], "big")]
    pk = []
    c, s = "10.5.0.1", "10.5.0.2"
    cases = [(0x00000001, "v1", 0), (0x6b3343cf, "v2", 1), (0xff00001d, "d29", 0), (0xff00001b, "d23", 0),
             (0xff000022, "v1", 0), (0xff000020, "d29", 0), (0xfaceb001, "d22", 0), (0xfaceb002, "d23", 0),
             (0xfaceb00e, "d23", 0), (0x54303531, "t51", 0), (0x54303530, "t50", 0)]
    for i, (ver, salt, v2) in enumerate(cases):
        port, cport = 20001 + i, 50001 + i
        dcid, scid, sv_cid = os.urandom(8), os.urandom(8), os.urandom(8)
        if ver >> 24 == ord("T"):
            # Google frames: CRYPTO 0x08 (tshark reads, but does not
            # reassemble, them: the whole hello in one)
            crypto = b"\x08" + vint(0) + vint(len(ch)) + ch
            udp(pk, c, s, cport, port, initial(ver, salt, v2, dcid, scid, crypto, 0, pad_to=1200))
            sv = b"\x08" + vint(0) + vint(len(sh)) + sh
            udp(pk, s, c, port, cport, initial(ver, salt, v2, scid, sv_cid, sv, 0, True, 200, dcid))
            continue
        half = len(ch) // 2

        def cf(off, data):
            return b"\x06" + vint(off) + vint(len(data)) + data
        # datagram 1: the second half, then (coalesced) the first 100
        # bytes; datagram 2: the rest of the first half
        d1 = initial(ver, salt, v2, dcid, scid, cf(half, ch[half:]), 0)
        d1 += initial(ver, salt, v2, dcid, scid, cf(0, ch[:100]), 1, pad_to=300)
        udp(pk, c, s, cport, port, d1)
        udp(pk, c, s, cport, port, initial(ver, salt, v2, dcid, scid, cf(100, ch[100:half]), 2, pad_to=1100))
        sv = b"\x02\x00\x00\x00\x00" + cf(0, sh)  # ACK, then the ServerHello
        udp(pk, s, c, port, cport, initial(ver, salt, v2, scid, sv_cid, sv, 0, True, 200, dcid))
        udp(pk, c, s, cport, port, bytes([0x40]) + sv_cid + os.urandom(40))
        udp(pk, s, c, port, cport, bytes([0x40]) + scid + os.urandom(40))
    # One Initial filling a jumbo frame's datagram (MTU 9000, a client
    # told max_udp_payload_size 9000 pads to it), the server's padded too.
    dcid, scid, sv_cid = os.urandom(8), os.urandom(8), os.urandom(8)
    crypto = b"\x06" + vint(0) + vint(len(ch)) + ch
    udp(pk, c, s, 50012, 20012, initial(1, "v1", 0, dcid, scid, crypto, 0, pad_to=8900))
    sv = b"\x02\x00\x00\x00\x00\x06" + vint(0) + vint(len(sh)) + sh
    udp(pk, s, c, 20012, 50012, initial(1, "v1", 0, scid, sv_cid, sv, 0, True, 3000, dcid))
    # A greased version (ngtcp2 -v 0x1a2a3a4a): its ClientHello under
    # draft-29's keys, answered by Version Negotiation.
    dcid, scid = os.urandom(8), os.urandom(8)
    udp(pk, c, s, 50013, 20013, initial(0x1a2a3a4a, "d29", 0, dcid, scid, crypto, 0, pad_to=1200))
    udp(pk, s, c, 20013, 50013, bytes([0x80]) + b"\x00" * 4 + bytes([len(scid)]) + scid +
        bytes([len(dcid)]) + dcid + struct.pack(">I", 1))
    wrpcap(OUT + "/quic.pcap", pk)


def chlo(tags):
    """Google's QUIC-crypto CHLO: tags ascending, little-endian ends."""
    tags = sorted(tags, key=lambda kv: struct.unpack("<I", kv[0])[0])
    ents, vals = b"", b""
    for t, v in tags:
        vals += v
        ents += t + struct.pack("<I", len(vals))
    return b"CHLO" + struct.pack("<HH", len(tags), 0) + ents + vals


def gquic():
    m = chlo([(b"SNI\x00", b"www.gquic.example"), (b"VER\x00", b"Q050"), (b"UAID", b"Chrome/85.0"),
              (b"PAD\x00", b"-" * 100)])
    pk = []
    q50 = initial(0x51303530, "q50", 0, os.urandom(8), b"", b"\x08" + vint(0) + vint(len(m)) + m, 1, pad_to=1200)
    udp(pk, "10.4.0.1", "10.4.0.2", 51000, 443, q50)
    stream = b"\xa0\x01" + struct.pack(">H", len(m)) + m  # STREAM, data length, stream 1
    # Q043: flags 0x0d (version, 8-byte CID, 1-byte packet number), 12-byte hash
    q43 = b"\x0d" + os.urandom(8) + b"Q043" + b"\x01" + os.urandom(12) + stream
    udp(pk, "10.4.0.1", "10.4.0.2", 51001, 443, q43 + b"\x00" * (1350 - len(q43)))
    # Q046: long header, CID lengths packed (8, 0), 4-byte packet number
    q46 = b"\xe3Q046\x50" + os.urandom(8) + struct.pack(">I", 1) + os.urandom(12) + stream
    udp(pk, "10.4.0.1", "10.4.0.2", 51002, 443, q46 + b"\x00" * (1350 - len(q46)))
    wrpcap(OUT + "/gquic.pcap", pk)


def dispatch():
    for port in (53, 9000):
        pk = []
        udp(pk, "10.3.0.1", "10.3.0.2", 40000, port, b"TOY hello\n")
        wrpcap(OUT + "/toy%d.pcap" % port, pk)
    ch, sh = handshake("bulk.example", ["h2"])
    for n in (5, 300):
        pk = []
        f = TcpFlow(pk, "10.2.0.1", "10.2.0.2", 44000, 443)
        f.send(True, ch)
        f.send(False, sh)
        for i in range(n):
            f.send(i % 2 == 0, b"\x17\x03\x03\x03\xe8" + os.urandom(1000))
        f.close()
        wrpcap(OUT + "/bulk%d.pcap" % n, pk)


os.makedirs(OUT, exist_ok=True)
subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-days", "2", "-subj", "/CN=split.example", "-keyout", OUT + "/key.pem", "-out", OUT + "/cert.pem"],
               check=True, capture_output=True)
tls_split()
misc()
quic()
gquic()
dispatch()
