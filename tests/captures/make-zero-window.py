#!/usr/bin/python3
"""make-zero-window.py OUT.pcap - a TCP flow whose sender, facing a zero window,
sends a one-byte probe, then (the window open) data starting at the probe's
byte. Wireshark counts that data as new, not as a retransmission: the
case tests/unit/test_tcp.c test_data_after_zero_window_probe_advances
checks, replayed against tshark by replay-tshark.test."""
import sys
from scapy.all import Ether, IP, TCP, Raw, wrpcap
C, S = "10.9.0.1", "10.9.0.2"
t=[1700000000.0]; pk=[]
def add(p, dt=0.001):
    t[0]+=dt; p.time=t[0]; pk.append(Ether(src="02:00:00:00:00:01", dst="02:00:00:00:00:02")/p)
add(IP(src=C,dst=S)/TCP(sport=40000,dport=80,flags="S",seq=999))
add(IP(src=S,dst=C)/TCP(sport=80,dport=40000,flags="SA",seq=4999,ack=1000))
add(IP(src=C,dst=S)/TCP(sport=40000,dport=80,flags="A",seq=1000,ack=5000))
add(IP(src=C,dst=S)/TCP(sport=40000,dport=80,flags="PA",seq=1000,ack=5000,window=100)/Raw(b"x"*100))
add(IP(src=S,dst=C)/TCP(sport=80,dport=40000,flags="A",seq=5000,ack=1100,window=0))
add(IP(src=C,dst=S)/TCP(sport=40000,dport=80,flags="A",seq=1100,ack=5000,window=100)/Raw(b"y"), 0.2)
add(IP(src=S,dst=C)/TCP(sport=80,dport=40000,flags="A",seq=5000,ack=1100,window=4000), 0.1)
add(IP(src=C,dst=S)/TCP(sport=40000,dport=80,flags="PA",seq=1100,ack=5000,window=100)/Raw(b"z"*1000), 0.0001)
wrpcap(sys.argv[1], pk)
