#!/usr/bin/python3
"""make-toy.py OUT.pcap - a deterministic capture for the plugin tests:
a TCP flow whose client says "TOY hello" (the first word split across two
segments, so only a reassembling host sees it whole... the toy dissector is
segment-based, so it sees "TOY hel" then "lo"), the server answering "TOY
there"; a UDP flow "TOY ping" to the hinted port 7777; a TCP flow on port
7777 that is not toy (an HTTP request); and a UDP flow that is not toy."""
import sys
from scapy.all import Ether, IP, TCP, UDP, Raw, wrpcap

C, S = "10.9.0.1", "10.9.0.2"
t = [1700000000.0]
pkts = []

def add(p):
    t[0] += 0.001
    p.time = t[0]
    pkts.append(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02") / p)

def tcp_flow(sport, dport, client_chunks, server_chunks):
    cs, ss = 1000, 5000
    add(IP(src=C, dst=S) / TCP(sport=sport, dport=dport, flags="S", seq=cs))
    add(IP(src=S, dst=C) / TCP(sport=dport, dport=sport, flags="SA", seq=ss, ack=cs + 1))
    cs += 1; ss += 1
    add(IP(src=C, dst=S) / TCP(sport=sport, dport=dport, flags="A", seq=cs, ack=ss))
    for chunk in client_chunks:
        add(IP(src=C, dst=S) / TCP(sport=sport, dport=dport, flags="PA", seq=cs, ack=ss) / Raw(chunk))
        cs += len(chunk)
    for chunk in server_chunks:
        add(IP(src=S, dst=C) / TCP(sport=dport, dport=sport, flags="PA", seq=ss, ack=cs) / Raw(chunk))
        ss += len(chunk)
    add(IP(src=C, dst=S) / TCP(sport=sport, dport=dport, flags="FA", seq=cs, ack=ss))
    add(IP(src=S, dst=C) / TCP(sport=dport, dport=sport, flags="FA", seq=ss, ack=cs + 1))
    add(IP(src=C, dst=S) / TCP(sport=sport, dport=dport, flags="A", seq=cs + 1, ack=ss + 1))

tcp_flow(40001, 9000, [b"TOY hello\n", b"more data\n"], [b"TOY there\n"])
add(IP(src=C, dst=S) / UDP(sport=40002, dport=7777) / Raw(b"TOY ping\n"))
add(IP(src=S, dst=C) / UDP(sport=7777, dport=40002) / Raw(b"TOY pong\n"))
tcp_flow(40003, 7777, [b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"], [b"HTTP/1.1 200 OK\r\n\r\n"])
add(IP(src=C, dst=S) / UDP(sport=40004, dport=5000) / Raw(b"\x00\x01binary"))
wrpcap(sys.argv[1], pkts)
