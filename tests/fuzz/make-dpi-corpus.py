#!/usr/bin/python3
"""Writes the seed corpus of fuzz_dpi (tests/fuzz/corpus/fuzz_dpi/) from the
dissectors' test vectors, in the input format of tests/fuzz/fuzz_dpi.c.

    /usr/bin/python3 tests/fuzz/make-dpi-corpus.py   (from the top source folder)

Needs nothing but python3 (the QUIC capture is read with struct). Rewrites
only corpus/fuzz_dpi/; the output is deterministic.
"""
import os
import shutil
import struct
import sys

TOP = os.getcwd()
VEC = os.path.join(TOP, 'tests', 'dissectors', 'vectors')
OUT = os.path.join(TOP, 'tests', 'fuzz', 'corpus', 'fuzz_dpi')

# fuzz_dpi.c's tables
SERVER = {80: 0, 443: 1, 22: 2, 53: 3, 8080: 4, 853: 5, 5353: 6}
T_PACKET, T_FINISH, T_CLEAR, T_OUTPUT, T_CROWD, T_HISTCLEAR = 0, 20, 23, 25, 28, 30
F_PSHACK, F_ACK, F_SYN = 0, 1, 2
M_INORDER, M_ABS = 0, 12


def vec(path):
    with open(os.path.join(VEC, path), 'rb') as f:
        return f.read()


def enc_len(n):
    assert n < 0x4000
    return bytes([n]) if n < 0x80 else struct.pack('>H', 0x8000 | n)


def enc_fill(n):
    """A filler payload of n bytes (a multiple of 4): its first 16 bytes
    follow, repeated to n."""
    assert n % 4 == 0 and n // 4 < 0x4000
    return struct.pack('>H', 0xc000 | n // 4)


class Seed:
    def __init__(self, limit=None, disable=0):
        # limit None: the default cap; else bytes (even, < 64 KiB)
        field = 0x8000 if limit is None else limit // 2
        self.b = struct.pack('>HB', field, disable)
        self.open = [False] * 8
        self.udp = [False] * 8

    def op(self, t, k):
        self.b += bytes([t << 3 | k])

    def packet(self, k, data, from_client=True, port=443, udp=False, flags=F_PSHACK,
               mode=M_INORDER, seq=None, isn=0, fill=None):
        """One segment on slot k (opened with port, udp and isn when not open;
        the client is DIR_FWD); fill: that many bytes, data's 16 repeated."""
        self.op(T_PACKET, k)
        if not self.open[k]:
            self.b += bytes([(1 if udp else 0) | SERVER[port] << 2])
            if not udp:
                self.b += bytes([isn])
            self.open[k] = True
            self.udp[k] = udp
        d = 0 if from_client else 1
        self.b += bytes([d | flags << 1 | mode << 4])
        self.b += enc_fill(fill) if fill else enc_len(len(data))
        if mode == M_ABS and not self.udp[k]:
            self.b += struct.pack('>I', seq)
        self.b += data

    def output(self, k):
        self.op(T_OUTPUT, k)

    def finish(self, k):
        self.op(T_FINISH, k)
        self.open[k] = False

    def clear(self, k):
        self.op(T_CLEAR, k)
        self.open[k] = False

    def crowd(self, n, port, data):
        self.op(T_CROWD, 0)
        self.b += bytes([n - 1, SERVER[port] << 2]) + enc_len(len(data)) + data

    def history_clear(self):
        self.op(T_HISTCLEAR, 0)


def write(name, seed):
    with open(os.path.join(OUT, name), 'wb') as f:
        f.write(seed.b)


def thirds(b):
    n = len(b)
    return [b[:n // 3], b[n // 3:2 * n // 3], b[2 * n // 3:]]


def quic_payloads(path):
    """UDP payloads of an Ethernet/IPv4 pcap, with whether they came from the
    first sender (the client)."""
    raw = open(os.path.join(VEC, path), 'rb').read()
    assert raw[:4] == b'\xd4\xc3\xb2\xa1'  # little-endian, Ethernet
    off, out, client = 24, [], None
    while off + 16 <= len(raw):
        incl = struct.unpack('<I', raw[off + 8:off + 12])[0]
        frame = raw[off + 16:off + 16 + incl]
        off += 16 + incl
        if len(frame) < 42 or frame[12:14] != b'\x08\x00' or frame[23] != 17:
            continue
        ihl = (frame[14] & 15) * 4
        udp = frame[14 + ihl:]
        src = (frame[26:30], udp[:2])
        if client is None:
            client = src
        out.append((src == client, udp[8:]))
    return out


def main():
    if not os.path.isdir(VEC):
        sys.exit('make-dpi-corpus.py: run from the top source folder')
    shutil.rmtree(OUT, ignore_errors=True)
    os.makedirs(OUT)

    tls_c, tls_s = vec('tls/curl13_h2.c2s.bin'), vec('tls/curl13_h2.s2c.bin')
    hello = tls_c[:5 + struct.unpack('>H', tls_c[3:5])[0]]

    # A ClientHello in three segments, the server's answer, every output.
    s = Seed()
    for part in thirds(hello):
        s.packet(0, part, port=443)
    s.packet(0, tls_s[:1400], from_client=False)
    s.output(0)
    s.finish(0)
    s.output(0)
    write('tls-hello-3seg', s)

    # The same crossing the sequence wrap, out of order: the third segment
    # comes early (dropped past the gap) and again after the second.
    a, b, c = thirds(hello)
    start = 0x100000000 - len(a) - 10
    s = Seed()
    s.packet(0, a, mode=M_ABS, seq=start)
    s.packet(0, c, mode=M_ABS, seq=(start + len(a) + len(b)) & 0xffffffff)
    s.packet(0, b, mode=M_ABS, seq=(start + len(a)) & 0xffffffff)
    s.packet(0, c, mode=M_ABS, seq=(start + len(a) + len(b)) & 0xffffffff)
    s.output(0)
    write('tls-hello-wrap-reordered', s)

    # Under a 1 KiB stream cap: the first segment in place, then capped.
    s = Seed(limit=1024)
    for part in thirds(hello):
        s.packet(0, part, port=443)
    s.packet(1, hello, port=443)
    s.output(0)
    s.output(1)
    write('tls-hello-capped-1k', s)

    http_c, http_s = vec('http/curl_get.c2s.bin'), vec('http/curl_get.s2c.bin')
    s = Seed()
    s.packet(2, http_c, port=80)
    s.packet(2, http_s, from_client=False)
    s.output(2)
    s.clear(2)
    write('http-get', s)

    ssh_c, ssh_s = vec('ssh/openssh_openssh.c2s.bin'), vec('ssh/openssh_openssh.s2c.bin')
    s = Seed()
    s.packet(3, ssh_c[:ssh_c.index(b'\n') + 1], port=22)
    s.packet(3, ssh_s[:ssh_s.index(b'\n') + 1], from_client=False)
    s.packet(3, ssh_c[ssh_c.index(b'\n') + 1:][:1400])
    s.packet(3, ssh_s[ssh_s.index(b'\n') + 1:][:1400], from_client=False)
    s.output(3)
    s.finish(3)
    write('ssh-banner', s)

    s = Seed()
    s.packet(4, vec('dns/udp_host_a_q.bin'), port=53, udp=True)
    s.packet(4, vec('dns/udp_host_a_r.bin'), from_client=False)
    s.output(4)
    write('dns-udp', s)

    s = Seed()
    s.packet(5, vec('dns/tcp_host_a.c2s.bin'), port=53)
    s.packet(5, vec('dns/tcp_host_a.s2c.bin'), from_client=False)
    s.output(5)
    write('dns-tcp', s)

    quic = quic_payloads('quic/basic.pcap')
    if quic:
        s = Seed()
        for from_client, p in quic[:3]:
            s.packet(6, p, from_client=from_client, port=443, udp=True)
        s.output(6)
        write('quic-initial', s)

    # Everything at once, flows ended, slots and handles reused.
    s = Seed(limit=16384)
    for i, part in enumerate(thirds(hello)):
        s.packet(0, part, port=443)
        if i == 0:
            s.packet(2, http_c, port=80)
            s.packet(4, vec('dns/udp_host_a_q.bin'), port=53, udp=True)
        if i == 1:
            s.packet(3, ssh_c[:ssh_c.index(b'\n') + 1], port=22)
    s.packet(4, vec('dns/udp_host_a_r.bin'), from_client=False)
    s.finish(2)
    s.finish(4)
    s.packet(2, vec('dns/tcp_host_a.c2s.bin'), port=53)
    s.output(0)
    s.output(3)
    s.clear(3)
    s.history_clear()
    s.packet(3, http_c, port=80)
    s.output(3)
    write('mixed', s)

    # Many half-finished handshakes under an 8 KiB cap, then a real one.
    s = Seed(limit=8192)
    s.crowd(80, 443, hello[:60])
    for part in thirds(hello):
        s.packet(0, part, port=443)
    s.output(0)
    s.crowd(3, 80, http_c[:20])
    write('crowd', s)

    # One 20 000-byte segment (a filler): the stream keeps NL_MAX_STREAM
    # bytes of it; then a segment of 64 KiB less 4 bytes, past any bound.
    big = b'\x16\x03\x01\x40\x00\x01\x00\x3f\xfc\x03\x03' + b'\x00' * 5
    s = Seed()
    s.packet(0, big, port=443, fill=20000)
    s.packet(0, b'\x00' * 16, fill=4096)
    s.packet(1, big, port=443, fill=65532)
    s.output(0)
    write('tls-stream-bound', s)

    # A crowd the cap holds (65 KiB): the real handshake is still dissected.
    s = Seed(limit=65534)
    s.crowd(20, 443, hello[:60])
    for part in thirds(hello):
        s.packet(0, part, port=443)
    s.output(0)
    write('crowd-under-cap', s)


if __name__ == '__main__':
    main()
