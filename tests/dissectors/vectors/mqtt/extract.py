#!/usr/bin/python3
"""extract.py CAPTURE STREAM NAME [MAX]: writes NAME.c2s.bin and NAME.s2c.bin,
the two directions' bytes of TCP stream STREAM (tshark -z follow,tcp,raw),
each cut at MAX bytes when given, and NAME.segs: the segments in capture
order, one a line, "c LEN" (client) or "s LEN" (server)."""
import subprocess
import sys

cap, stream, name = sys.argv[1], sys.argv[2], sys.argv[3]
cut = int(sys.argv[4]) if len(sys.argv) > 4 else None
out = subprocess.run(["tshark", "-n", "-q", "-r", cap, "-z", "follow,tcp,raw,%s" % stream],
                     check=True, capture_output=True, text=True).stdout
c2s, s2c = b"", b""
segs = []
started = False
for line in out.splitlines():
    if line.startswith("Node 1:"):
        started = True
        continue
    if not started or line.startswith("=") or not line.strip():
        continue
    data = bytes.fromhex(line.strip())
    if line.startswith("\t"):
        s2c += data
        segs.append(("s", len(data)))
    else:
        c2s += data
        segs.append(("c", len(data)))
# tshark's first node is the first packet's sender: the server when a
# capture starts after the handshake. The client is the one that sent CONNECT.
if s2c[:1] == b"\x10" and c2s[:1] != b"\x10":
    c2s, s2c = s2c, c2s
    segs = [("c" if d == "s" else "s", n) for d, n in segs]
open(name + ".c2s.bin", "wb").write(c2s[:cut])
open(name + ".s2c.bin", "wb").write(s2c[:cut])
with open(name + ".segs", "w") as f:
    at = {"c": 0, "s": 0}
    for d, n in segs:
        if cut is not None:
            n = min(n, cut - at[d])
        if n > 0:
            f.write("%s %d\n" % (d, n))
            at[d] += n
