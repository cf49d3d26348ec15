#!/usr/bin/env python3
"""bench/soak.py - traffic and bookkeeping helpers for bench/soak.sh.

  soak.py server --tcp-ports P,P.. --udp-port P
      In the server namespace: accepts TCP on every port (IPv4 and IPv6),
      answers the first bytes a client sends with a short HTTP response and
      closes; echoes UDP datagrams on --udp-port. Addresses need not be the
      interface's: soak.sh routes whole prefixes to this namespace's lo
      (AnyIP), so connections to thousands of addresses are accepted here.

  soak.py churn --rate N --duration S --v4-net A --v6-net A --addrs N
                --tcp-ports P,P.. --udp-port P [--dns ADDR,ADDR] [--v6-share F]
      In the client namespace: starts about N new flows per second for S
      seconds, each to a random one of --addrs addresses per family, with a
      fresh source port, and closes them: TCP to closed ports (RST), TCP with
      an HTTP request or a TLS ClientHello to open ports, UDP to closed ports
      (ICMP port unreachable) and to the echo port, DNS queries, ICMP echo.
      A single thread and non-blocking sockets keep it well under half a core.
      Prints what it did as one key=value line at the end (and on SIGTERM).

  soak.py tally FILE STATE
      Counts the events netlens appended to --json-log FILE since the last
      call (offset and totals kept in STATE, a JSON file) and prints the
      totals as key=value. The counted bytes are then deallocated in place
      (fallocate PUNCH_HOLE): netlens keeps the file open append-only, so it
      cannot be rotated, and an hour of events would otherwise take ~1 GB.
      Every line is parsed as JSON, so a malformed event is counted as such.
"""

import argparse
import ctypes
import ctypes.util
import errno
import ipaddress
import json
import os
import random
import selectors
import signal
import socket
import ssl
import struct
import sys
import time


def parse_ports(s):
    return [int(p) for p in s.split(",") if p]


# ---------------------------------------------------------------- server

def run_server(a):
    sel = selectors.DefaultSelector()
    for port in parse_ports(a.tcp_ports):
        s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        s.bind(("::", port))
        s.listen(1024)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, ("listen", None))
    u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    u.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    u.bind(("::", a.udp_port))
    u.setblocking(False)
    sel.register(u, selectors.EVENT_READ, ("udp", None))
    conns = {}  # socket -> accept time; a client that sends nothing is dropped
    body = b"soak\n"
    reply = (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n"
             b"Connection: close\r\n\r\n%s" % (len(body), body))
    if a.ready:
        open(a.ready, "w").close()
    last_sweep = time.monotonic()
    while True:
        for key, _ in sel.select(1.0):
            kind = key.data[0]
            s = key.fileobj
            if kind == "listen":
                for _ in range(64):
                    try:
                        c, _ = s.accept()
                    except (BlockingIOError, InterruptedError):
                        break
                    except OSError:
                        break
                    c.setblocking(False)
                    sel.register(c, selectors.EVENT_READ, ("conn", None))
                    conns[c] = time.monotonic()
            elif kind == "udp":
                for _ in range(64):
                    try:
                        d, peer = s.recvfrom(2048)
                    except (BlockingIOError, InterruptedError):
                        break
                    try:
                        s.sendto(d[:64], peer)
                    except OSError:
                        pass
            else:
                try:
                    d = s.recv(4096)
                    if d:
                        s.send(reply)
                except OSError:
                    pass
                sel.unregister(s)
                conns.pop(s, None)
                s.close()
        now = time.monotonic()
        if now - last_sweep > 1.0:
            last_sweep = now
            for c, t0 in list(conns.items()):
                if now - t0 > 5.0:
                    sel.unregister(c)
                    del conns[c]
                    c.close()


# ---------------------------------------------------------------- churn

def client_hello(name):
    """The bytes of a real TLS ClientHello carrying SNI `name` (no server
    needed: an in-memory handshake stops after its first flight)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    inc, out = ssl.MemoryBIO(), ssl.MemoryBIO()
    obj = ctx.wrap_bio(inc, out, server_hostname=name)
    try:
        obj.do_handshake()
    except ssl.SSLWantReadError:
        pass
    return out.read()


def dns_query(name, qtype=1):
    qid = random.getrandbits(16)
    q = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + q + struct.pack("!HH", qtype, 1)


def inet_sum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xFFFF)
    s += s >> 16
    return ~s & 0xFFFF


def icmp_echo(v6, ident, seq):
    # ICMPv6's checksum covers a pseudo-header: the kernel fills it in for
    # raw ICMPv6 sockets (RFC 3542), so it is left 0 here.
    t = 128 if v6 else 8
    payload = b"netlens-soak"
    hdr = struct.pack("!BBHHH", t, 0, 0, ident, seq)
    if v6:
        return hdr + payload
    c = inet_sum(hdr + payload)
    return struct.pack("!BBHHH", t, 0, c, ident, seq) + payload


class Churn:
    MIX = (  # kind, weight: refused TCP dominates as on a real scanned host
        ("tcp_refused", 35),
        ("tcp_http", 15),
        ("tcp_tls", 10),
        ("udp_closed", 12),
        ("udp_echo", 10),
        ("dns", 8),
        ("icmp", 10),
    )

    def __init__(self, a):
        self.a = a
        self.sel = selectors.DefaultSelector()
        self.open = {}  # socket -> (deadline, kind)
        self.count = {k: 0 for k, _ in self.MIX}
        self.errors = 0
        self.tcp_ports = parse_ports(a.tcp_ports)
        self.tls_port = self.tcp_ports[-1]
        self.http_ports = self.tcp_ports[:-1] or self.tcp_ports
        n4 = ipaddress.ip_network(a.v4_net)
        n6 = ipaddress.ip_network(a.v6_net)
        # a fixed pool, so addresses (and their names) recur as on a real
        # network, but more of them than the resolver cache holds
        self.v4 = [str(n4.network_address + 1 + i) for i in range(min(a.addrs, n4.num_addresses - 2))]
        self.v6 = [str(n6.network_address + 1 + i) for i in range(a.addrs)]
        self.dns = [d for d in (a.dns or "").split(",") if d]
        self.kinds = [k for k, w in self.MIX for _ in range(w)
                      if self.dns or k != "dns"]
        self.icmp4 = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
        self.icmp6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_ICMPV6)
        for s in (self.icmp4, self.icmp6):
            s.setblocking(False)
            self.sel.register(s, selectors.EVENT_READ, "drain")
        self.seq = 0
        self.stop = False

    def addr(self):
        v6 = random.random() < self.a.v6_share
        return (socket.AF_INET6, random.choice(self.v6)) if v6 else (socket.AF_INET, random.choice(self.v4))

    def track(self, s, kind, events, life):
        s.setblocking(False)
        self.open[s] = (time.monotonic() + life, kind)
        self.sel.register(s, events, kind)

    def drop(self, s):
        if s in self.open:
            del self.open[s]
            self.sel.unregister(s)
        s.close()

    def start_tcp(self, kind, port, payload):
        fam, dst = self.addr()
        s = socket.socket(fam, socket.SOCK_STREAM)
        s.setblocking(False)
        err = s.connect_ex((dst, port))
        if err not in (0, errno.EINPROGRESS):
            self.errors += 1
            s.close()
            return
        self.track(s, (kind, payload), selectors.EVENT_WRITE, 3.0)

    def start(self, kind):
        if kind == "tcp_refused":
            port = random.randint(20000, 60999)
            while port in self.tcp_ports:
                port = random.randint(20000, 60999)
            self.start_tcp(kind, port, None)
        elif kind == "tcp_http":
            host = "w%d.soak.test" % random.randint(0, 9999)
            req = ("GET /%d HTTP/1.1\r\nHost: %s\r\nUser-Agent: netlens-soak\r\n\r\n"
                   % (random.getrandbits(32), host)).encode()
            self.start_tcp(kind, random.choice(self.http_ports), req)
        elif kind == "tcp_tls":
            self.start_tcp(kind, self.tls_port, client_hello("t%d.soak.test" % random.randint(0, 9999)))
        elif kind in ("udp_closed", "udp_echo"):
            fam, dst = self.addr()
            port = self.a.udp_port if kind == "udp_echo" else random.randint(20000, 60999)
            s = socket.socket(fam, socket.SOCK_DGRAM)
            try:
                s.sendto(os.urandom(random.randint(16, 200)), (dst, port))
            except OSError:
                self.errors += 1
                s.close()
                return
            self.track(s, (kind, None), selectors.EVENT_READ, 1.0)
        elif kind == "dns":
            srv = random.choice(self.dns)
            fam = socket.AF_INET6 if ":" in srv else socket.AF_INET
            s = socket.socket(fam, socket.SOCK_DGRAM)
            ip = random.choice(self.v4).replace(".", "-")
            name = random.choice(("h-%s.soak.test" % ip, "x%d.soak.test" % random.getrandbits(24)))
            try:
                s.sendto(dns_query(name, random.choice((1, 28))), (srv, 53))
            except OSError:
                self.errors += 1
                s.close()
                return
            self.track(s, (kind, None), selectors.EVENT_READ, 1.0)
        elif kind == "icmp":
            fam, dst = self.addr()
            self.seq = (self.seq + 1) & 0xFFFF
            s = self.icmp6 if fam == socket.AF_INET6 else self.icmp4
            try:
                s.sendto(icmp_echo(fam == socket.AF_INET6, random.getrandbits(16), self.seq), (dst, 0))
            except OSError:
                self.errors += 1
                return
        self.count[kind] += 1

    def event(self, s, data, mask):
        if data == "drain":
            for _ in range(256):
                try:
                    s.recv(2048)
                except (BlockingIOError, InterruptedError):
                    break
            return
        kind, payload = data
        if mask & selectors.EVENT_WRITE:
            # connect finished: refused (RST) or accepted
            if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) or payload is None:
                self.drop(s)
                return
            try:
                s.send(payload)
            except OSError:
                self.drop(s)
                return
            self.sel.modify(s, selectors.EVENT_READ, (kind, None))
            return
        try:
            d = s.recv(4096)
        except OSError:
            d = b""
        if not d or s.type == socket.SOCK_DGRAM:
            self.drop(s)

    def run(self):
        a = self.a
        t0 = time.monotonic()
        end = t0 + a.duration
        started = 0
        while not self.stop:
            now = time.monotonic()
            if now >= end:
                break
            due = int((now - t0) * a.rate) - started
            # after a stall (a busy machine) do not burst to catch up
            if due > a.rate:
                started += due - a.rate
                due = a.rate
            for _ in range(due):
                self.start(random.choice(self.kinds))
                started += 1
            for key, mask in self.sel.select(0.01):
                self.event(key.fileobj, key.data, mask)
            now = time.monotonic()
            for s, (deadline, _) in list(self.open.items()):
                if deadline < now:
                    self.drop(s)
        for s in list(self.open):
            self.drop(s)
        el = time.monotonic() - t0
        total = sum(self.count.values())
        print("churn: seconds=%.0f started=%d per_second=%.1f errors=%d %s" % (
            el, total, total / el if el else 0, self.errors,
            " ".join("%s=%d" % kv for kv in self.count.items())), flush=True)


def run_churn(a):
    c = Churn(a)

    def on_term(*_):
        c.stop = True
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    if a.ready:
        open(a.ready, "w").close()
    c.run()


# ---------------------------------------------------------------- tally

FALLOC_FL_KEEP_SIZE = 0x01
FALLOC_FL_PUNCH_HOLE = 0x02


def punch(fd, length):
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    libc.fallocate.argtypes = (ctypes.c_int, ctypes.c_int, ctypes.c_long, ctypes.c_long)
    length -= length % 4096
    if length > 0:
        # failure (a file system without holes) only costs disk space
        libc.fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, length)


def run_tally(a):
    try:
        with open(a.state) as f:
            st = json.load(f)
    except (OSError, ValueError):
        st = {"offset": 0, "new_connection": 0, "connection_closed": 0,
              "malformed": 0, "reasons": {}}
    with open(a.file, "r+b") as f:
        f.seek(st["offset"])
        data = f.read()
        # only whole lines: netlens may be in the middle of a write
        cut = data.rfind(b"\n") + 1
        for line in data[:cut].splitlines():
            try:
                ev = json.loads(line)
                kind = ev["event"]
            except (ValueError, KeyError, TypeError):
                st["malformed"] += 1
                continue
            st[kind] = st.get(kind, 0) + 1
            if kind == "connection_closed":
                r = str(ev.get("close_reason"))
                st["reasons"][r] = st["reasons"].get(r, 0) + 1
        st["offset"] += cut
        punch(f.fileno(), st["offset"])
    with open(a.state + ".tmp", "w") as f:
        json.dump(st, f)
    os.replace(a.state + ".tmp", a.state)
    print("events_new=%d events_closed=%d events_malformed=%d %s" % (
        st["new_connection"], st["connection_closed"], st["malformed"],
        " ".join("closed_%s=%d" % kv for kv in sorted(st["reasons"].items()))))


def main():
    p = argparse.ArgumentParser(description="helpers for bench/soak.sh")
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("server")
    s.add_argument("--tcp-ports", required=True)
    s.add_argument("--udp-port", type=int, required=True)
    s.add_argument("--ready")
    c = sub.add_parser("churn")
    c.add_argument("--rate", type=int, required=True)
    c.add_argument("--duration", type=float, required=True)
    c.add_argument("--v4-net", required=True)
    c.add_argument("--v6-net", required=True)
    c.add_argument("--addrs", type=int, default=16384)
    c.add_argument("--v6-share", type=float, default=0.25)
    c.add_argument("--tcp-ports", required=True)
    c.add_argument("--udp-port", type=int, required=True)
    c.add_argument("--dns")
    c.add_argument("--seed", type=int)
    c.add_argument("--ready")
    t = sub.add_parser("tally")
    t.add_argument("file")
    t.add_argument("state")
    a = p.parse_args()
    if getattr(a, "seed", None) is not None:
        random.seed(a.seed)
    {"server": run_server, "churn": run_churn, "tally": run_tally}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
