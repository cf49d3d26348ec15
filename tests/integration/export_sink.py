#!/usr/bin/env python3
"""export_sink.py - a minimal IPFIX collector for netlens' export tests.

  export_sink.py udp|tcp PORT OUT.pcap [--seconds N] [--ready FILE]

Listens on 127.0.0.1:PORT, writes every IPFIX message it receives (a UDP
datagram, or one message cut from the TCP stream by its length field) as a
UDP packet to port 4739 in a raw-IP pcap, so tshark can decode them all, and
prints one summary line at exit (SIGTERM or --seconds):

  messages=N records=N template_sets=N data_sets=N bad=N seq_errors=N unknown=N utf8_errors=N

Records are counted by walking each data set with the templates seen so
far (fixed and variable-length fields), and sequence numbers are checked
per session (RFC 7011 §3.1: data records sent before this message). Every
variable-length value netlens sends is a string, which RFC 7011 §6.1.6
says is UTF-8: one that does not decode counts in utf8_errors.
"""
import signal
import socket
import struct
import sys
import time


def pcap_header():
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 101)


def pcap_packet(payload, sport):
    udp_len = 8 + len(payload)
    ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + udp_len, 0, 0, 64, 17, 0,
                     socket.inet_aton("127.0.0.1"), socket.inet_aton("127.0.0.1"))
    udp = struct.pack("!HHHH", sport, 4739, udp_len, 0)
    frame = ip + udp + payload
    t = time.time()
    return struct.pack("<IIII", int(t), int((t % 1) * 1e6), len(frame), len(frame)) + frame


class Decoder:
    def __init__(self):
        self.templates = {}
        self.records = 0
        self.tsets = 0
        self.dsets = 0
        self.bad = 0
        self.seq_errors = 0
        self.messages = 0
        self.next_seq = None
        self.unknown = 0
        self.utf8_errors = 0

    def session(self):
        self.next_seq = None   # a TCP connection starts a new session

    def message(self, m):
        self.messages += 1
        if len(m) < 16:
            self.bad += 1
            return
        ver, length, _t, seq, _dom = struct.unpack("!HHIII", m[:16])
        if ver != 10 or length != len(m):
            self.bad += 1
            return
        n = 0
        off = 16
        data = False
        while off + 4 <= len(m):
            sid, slen = struct.unpack("!HH", m[off:off + 4])
            if slen < 4 or off + slen > len(m):
                self.bad += 1
                return
            body = m[off + 4:off + slen]
            if sid == 2:
                self.tsets += 1
                self.template_set(body)
            elif sid >= 256:
                self.dsets += 1
                data = True
                n += self.data_set(sid, body)
            off += slen
        if data:
            if self.next_seq is not None and seq != self.next_seq:
                self.seq_errors += 1
            self.next_seq = (seq + n) & 0xFFFFFFFF
        self.records += n

    def template_set(self, b):
        o = 0
        while o + 4 <= len(b):
            tid, cnt = struct.unpack("!HH", b[o:o + 4])
            o += 4
            lens = []
            for _ in range(cnt):
                ie, ln = struct.unpack("!HH", b[o:o + 4])
                o += 4
                if ie & 0x8000:
                    o += 4
                lens.append(ln)
            self.templates[tid] = lens

    def data_set(self, tid, b):
        lens = self.templates.get(tid)
        if lens is None:
            self.unknown += 1
            return 0
        o = 0
        n = 0
        minlen = sum(1 if ln == 65535 else ln for ln in lens)
        while len(b) - o >= minlen and minlen > 0:
            for ln in lens:
                if ln == 65535:
                    ln = b[o]
                    o += 1
                    if ln == 255:
                        ln = struct.unpack("!H", b[o:o + 2])[0]
                        o += 2
                    try:
                        b[o:o + ln].decode("utf-8")
                    except UnicodeDecodeError:
                        self.utf8_errors += 1
                o += ln
            if o > len(b):
                self.bad += 1
                break
            n += 1
        return n


def main():
    proto, port, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    seconds = None
    ready = None
    args = sys.argv[4:]
    while args:
        if args[0] == "--seconds":
            seconds = float(args[1])
            args = args[2:]
        elif args[0] == "--ready":
            ready = args[1]
            args = args[2:]
        else:
            sys.exit("unknown argument " + args[0])
    stop = [False]
    signal.signal(signal.SIGTERM, lambda *a: stop.__setitem__(0, True))
    dec = Decoder()
    f = open(out, "wb")
    f.write(pcap_header())
    end = time.time() + seconds if seconds else None
    if proto == "udp":
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        s.bind(("127.0.0.1", port))
    else:
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))
        s.listen(4)
    s.settimeout(0.2)
    if ready:
        open(ready, "w").close()
    conn = None
    buf = b""
    sport = 40000
    last_peer = None
    while not stop[0] and (end is None or time.time() < end):
        try:
            if proto == "udp":
                m, peer = s.recvfrom(65535)
                if peer != last_peer:     # another exporter process: a new session
                    dec.session()
                    last_peer = peer
                f.write(pcap_packet(m, peer[1]))
                dec.message(m)
                continue
            if conn is None:
                conn, _ = s.accept()
                conn.settimeout(0.2)
                dec.session()
                sport += 1
                buf = b""
            d = conn.recv(65536)
            if not d:
                conn.close()
                conn = None
                continue
            buf += d
            while len(buf) >= 4:
                ln = struct.unpack("!H", buf[2:4])[0]
                if ln < 16:
                    dec.bad += 1
                    buf = b""
                    break
                if len(buf) < ln:
                    break
                f.write(pcap_packet(buf[:ln], sport))
                dec.message(buf[:ln])
                buf = buf[ln:]
        except socket.timeout:
            continue
        except OSError:
            if conn:
                conn.close()
            conn = None
    f.close()
    print("messages=%d records=%d template_sets=%d data_sets=%d bad=%d seq_errors=%d unknown=%d "
          "utf8_errors=%d" % (dec.messages, dec.records, dec.tsets, dec.dsets, dec.bad,
                              dec.seq_errors, dec.unknown, dec.utf8_errors), flush=True)


if __name__ == "__main__":
    main()
