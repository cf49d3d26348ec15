#!/usr/bin/python3
"""Writes the seed corpora of tests/fuzz/corpus/ from the test vectors.

    /usr/bin/python3 tests/fuzz/make-corpus.py   (from the top source folder)

fuzz_decode: one file per distinct frame of tests/captures/**/*.pcap*
(at most PER_CAPTURE per capture), byte 0 = index of the link type in
fuzz_decode.c's table, then the frame.

fuzz_<dissector>: tests/dissectors/vectors/<dissector>/ wrapped in the
format of fuzz_dissector.c: units of [control][length, 2 bytes BE][bytes],
control bit 0 = from client, bit 1 = UDP, bits 2-4 = port hint index.
A TCP vector pair (x.c2s.bin, x.s2c.bin) gives two seeds: each direction
whole, and both cut into SEG-byte segments, interleaved.

Needs scapy (python3-scapy) for the pcaps. Rerun it when vectors change;
the output is deterministic. Rewrites only the corpora above
(make-snapshot-corpus.py and make-dpi-corpus.py write the others).
"""
import glob
import hashlib
import os
import shutil
import struct
import sys

from scapy.layers.inet import IP, UDP
from scapy.layers.inet6 import IPv6
from scapy.layers.l2 import Ether
from scapy.utils import RawPcapNgReader, RawPcapReader

TOP = os.getcwd()
OUT = os.path.join(TOP, 'tests', 'fuzz', 'corpus')
DLTS = [0, 1, 12, 14, 101, 108, 113, 228, 229, 276,
        9, 50, 51, 104, 105, 127, 117, 239, 258, 149,
        107, 119, 163, 192, 226, 240, 241, 242, 281, 282, 284, 285]  # fuzz_decode.c
PER_CAPTURE = 12
SEG = 200
MINE = ('fuzz_decode', 'fuzz_tls', 'fuzz_http', 'fuzz_ssh', 'fuzz_dns', 'fuzz_quic')
MINE += ('fuzz_dhcp',)
MINE += ('fuzz_ftp',)
MINE += ('fuzz_mqtt',)
UDP_BIT, CLIENT_BIT = 2, 1


def unit(ctl, data):
    out = b''
    # A unit holds at most 65535 bytes.
    for i in range(0, max(len(data), 1), 65535):
        chunk = data[i:i + 65535]
        out += struct.pack('>BH', ctl, len(chunk)) + chunk
    return out


def write(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def frames(path):
    reader = RawPcapNgReader if path.endswith('.pcapng') else RawPcapReader
    r = reader(path)
    for data, meta in r:
        lt = getattr(r, 'linktype', None)
        if lt is None:
            lt = getattr(meta, 'linktype', None)
        yield lt, data
    r.close()


def decode_corpus():
    seen = set()
    caps = sorted(glob.glob(os.path.join(TOP, 'tests', 'captures', '**', '*.pcap*'),
                            recursive=True))
    for cap in caps:
        n = 0
        base = os.path.splitext(os.path.basename(cap))[0]
        sub = os.path.basename(os.path.dirname(cap))
        for lt, data in frames(cap):
            if lt not in DLTS or n >= PER_CAPTURE:
                continue
            blob = bytes([DLTS.index(lt)]) + data
            h = hashlib.sha1(blob).hexdigest()
            if h in seen:
                continue
            seen.add(h)
            write('fuzz_decode', '%s-%s-%02d' % (sub, base, n), blob)
            n += 1


def pairs(vdir):
    for c2s in sorted(glob.glob(os.path.join(vdir, '*.c2s.bin'))):
        s2c = c2s[:-len('.c2s.bin')] + '.s2c.bin'
        c = open(c2s, 'rb').read()
        s = open(s2c, 'rb').read() if os.path.exists(s2c) else b''
        yield os.path.basename(c2s)[:-len('.c2s.bin')], c, s


def stream_seeds(target, vdir, ctl_extra=0):
    for name, c, s in pairs(vdir):
        write(target, name + '-whole',
              unit(ctl_extra | CLIENT_BIT, c) + (unit(ctl_extra, s) if s else b''))
        seq = b''
        for i in range(0, max(len(c), len(s)), SEG):
            if c[i:i + SEG]:
                seq += unit(ctl_extra | CLIENT_BIT, c[i:i + SEG])
            if s[i:i + SEG]:
                seq += unit(ctl_extra, s[i:i + SEG])
        write(target, name + '-seg%d' % SEG, seq)


def dns_corpus(vdir):
    stream_seeds('fuzz_dns', vdir)  # tcp_*: TCP on port 53
    for q in sorted(glob.glob(os.path.join(vdir, '*_q.bin'))):
        name = os.path.basename(q)[:-len('_q.bin')]
        port = 1 if name.startswith('mdns') else 2 if name.startswith('llmnr') else 0
        r = q[:-len('_q.bin')] + '_r.bin'
        ctl = UDP_BIT | port << 2
        blob = unit(ctl | CLIENT_BIT, open(q, 'rb').read())
        if os.path.exists(r):
            blob += unit(ctl, open(r, 'rb').read())
        write('fuzz_dns', name, blob)
    for c in sorted(glob.glob(os.path.join(vdir, 'crafted_*.bin'))):
        name = os.path.basename(c)[:-len('.bin')]
        port = 1 if 'mdns' in name else 2 if 'llmnr' in name else 0
        write('fuzz_dns', name, unit(UDP_BIT | port << 2 | CLIENT_BIT, open(c, 'rb').read()))


def dhcp_corpus(vdir):
    # port hint index: 0 = 67 (DHCPv4 server), 3 = 547 (DHCPv6 server)
    flows = {'v4_dora': ('v4_discover', 'v4_offer', 'v4_request', 'v4_ack'),
             'v4_fqdn': ('v4_discover_fqdn', 'v4_offer_fqdn', 'v4_request_fqdn', 'v4_ack_fqdn'),
             'v6_inforeq': ('v6_inforeq', 'v6_reply_inforeq'),
             'v6_vclass': ('v6_inforeq_vclass',),
             'v6_exchange': ('v6_solicit', 'v6_advertise', 'v6_request', 'v6_reply'),
             'v6_release': ('v6_release', 'v6_reply_release')}
    for name, msgs in sorted(flows.items()):
        port = 3 if name.startswith('v6') else 0
        blob = b''
        for i, m in enumerate(msgs):
            # the client's messages are the even ones
            blob += unit(port << 2 | (CLIENT_BIT if i % 2 == 0 else 0),
                         open(os.path.join(vdir, m + '.bin'), 'rb').read())
        write('fuzz_dhcp', name, blob)
    # a SOLICIT relayed (RELAY-FORW, RFC 8415 9.1: an Interface-Id, option 9)
    sol = open(os.path.join(vdir, 'v6_solicit.bin'), 'rb').read()
    relay = bytes([12, 0]) + bytes(32) + struct.pack('>HH', 18, 4) + b'eth0' + \
        struct.pack('>HH', 9, len(sol)) + sol
    write('fuzz_dhcp', 'v6_relay_forw', unit(3 << 2 | CLIENT_BIT, relay))


def quic_corpus(vdir):
    for cap in sorted(glob.glob(os.path.join(vdir, '*.pcap'))):
        client = None
        blob = b''
        for lt, data in frames(cap):
            if lt != 1:
                continue
            pkt = Ether(data)
            ip = pkt.getlayer(IP) or pkt.getlayer(IPv6)
            u = pkt.getlayer(UDP)
            if ip is None or u is None:
                continue
            src = (ip.src, u.sport)
            if client is None:
                client = src
            blob += unit(CLIENT_BIT if src == client else 0, bytes(u.payload))
        if blob:
            write('fuzz_quic', os.path.splitext(os.path.basename(cap))[0], blob)


def ftp_corpus(vdir):
    stream_seeds('fuzz_ftp', vdir)  # port 21, ABI 1.0 host
    for name, c, s in pairs(vdir):  # 2121 (off port 21: port_hints[1]), ABI 1.1 host
        greeting = s[:s.index(b'\n') + 1] if b'\n' in s else s
        write('fuzz_ftp', name + '-offport', unit(0x44, greeting) + unit(0x45, c) + unit(0x44, s[len(greeting):]))


def mqtt_corpus(vdir):
    # Each vector in capture order (NAME.segs): on 1883 (port_hints[0]) with
    # the ABI 1.0 host, and on 40000 (index 3: not a hint) with the 1.1 host.
    for segs in sorted(glob.glob(os.path.join(vdir, '*.segs'))):
        name = os.path.basename(segs)[:-5]
        data = {1: open(os.path.join(vdir, name + '.c2s.bin'), 'rb').read(),
                0: open(os.path.join(vdir, name + '.s2c.bin'), 'rb').read()}
        order = [(1 if d == 'c' else 0, int(n)) for d, n in
                 (line.split() for line in open(segs) if line.strip())]
        for suffix, base in (('', 0x00), ('-offport', 0x4c)):
            at, out = {0: 0, 1: 0}, b''
            for d, n in order:
                out += unit(base | d, data[d][at[d]:at[d] + n])
                at[d] += n
            write('fuzz_mqtt', name + suffix, out)


def main():
    vectors = os.path.join(TOP, 'tests', 'dissectors', 'vectors')
    if not os.path.isdir(vectors):
        sys.exit('make-corpus.py: run from the top source folder')
    # Only the corpora written here: fuzz_snapshot's and fuzz_dpi's come
    # from their own scripts.
    for t in MINE:
        shutil.rmtree(os.path.join(OUT, t), ignore_errors=True)
    decode_corpus()
    for proto in ('tls', 'http', 'ssh'):
        if os.path.isdir(os.path.join(vectors, proto)):
            stream_seeds('fuzz_' + proto, os.path.join(vectors, proto))
    if os.path.isdir(os.path.join(vectors, 'dns')):
        dns_corpus(os.path.join(vectors, 'dns'))
    if os.path.isdir(os.path.join(vectors, 'dhcp')):
        dhcp_corpus(os.path.join(vectors, 'dhcp'))
    if os.path.isdir(os.path.join(vectors, 'quic')):
        quic_corpus(os.path.join(vectors, 'quic'))
    if os.path.isdir(os.path.join(vectors, 'ftp')):
        ftp_corpus(os.path.join(vectors, 'ftp'))
    if os.path.isdir(os.path.join(vectors, 'mqtt')):
        mqtt_corpus(os.path.join(vectors, 'mqtt'))


if __name__ == '__main__':
    main()
