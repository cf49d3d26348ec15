#!/usr/bin/python3
"""extract.py CAPTURE STREAM NAME: writes NAME.c2s.bin and NAME.s2c.bin, the
two directions' bytes of TCP stream STREAM (tshark -z follow,tcp,raw),
stopping each at 1200 bytes (past AUTH TLS: the start of the handshake)."""
import subprocess
import sys

cap, stream, name = sys.argv[1], sys.argv[2], sys.argv[3]
out = subprocess.run(["tshark", "-n", "-q", "-r", cap, "-z", "follow,tcp,raw,%s" % stream],
                     check=True, capture_output=True, text=True).stdout
c2s, s2c = b"", b""
started = False
for line in out.splitlines():
    if line.startswith("Node 1:"):
        started = True
        continue
    if not started or line.startswith("=") or not line.strip():
        continue
    if line.startswith("\t"):
        s2c += bytes.fromhex(line.strip())
    else:
        c2s += bytes.fromhex(line.strip())
open(name + ".c2s.bin", "wb").write(c2s[:1200])
open(name + ".s2c.bin", "wb").write(s2c[:1200])
