#!/usr/bin/env python3
"""ja4ref.py - helper of make-vectors.sh (independent of dissectors/tls.c).

  ja4ref.py streams FOLLOW PREFIX   tshark "follow,tcp,raw" output -> PREFIX.c2s.bin,
                                    PREFIX.s2c.bin (each at most 16384 bytes)
  ja4ref.py expect < line           tshark fields of one flow -> one expected.tsv row

expected.tsv columns (tab separated, "-" = absent):
  name sni alpn(comma list) version server_version cipher_hex cipher_name ja4
JA4 follows FoxIO's technical_details/JA4.md, computed from tshark's fields.
"""
import hashlib
import sys

MAX = 16384


def streams(follow, prefix):
    c2s, s2c = [], []
    body = False
    for line in open(follow):
        if line.startswith("Node 1:"):
            body = True
            continue
        if not body or line.startswith("====="):
            continue
        if line.startswith("\t"):
            s2c.append(bytes.fromhex(line.strip()))
        elif line.strip():
            c2s.append(bytes.fromhex(line.strip()))
    open(prefix + ".c2s.bin", "wb").write(b"".join(c2s)[:MAX])
    open(prefix + ".s2c.bin", "wb").write(b"".join(s2c)[:MAX])


def nums(s):
    return [int(x, 0) for x in s.split(",") if x]


def grease(v):
    return (v & 0x0F0F) == 0x0A0A and (v >> 8) == (v & 0xFF)


VER = {0x0304: "1.3", 0x0303: "1.2", 0x0302: "1.1", 0x0301: "1.0", 0x0300: "SSL3.0"}
JA4VER = {0x0304: "13", 0x0303: "12", 0x0302: "11", 0x0301: "10", 0x0300: "s3",
          0x0002: "s2", 0xFEFF: "d1", 0xFEFD: "d2", 0xFEFC: "d3"}


def alnum(b):
    return 0x30 <= b <= 0x39 or 0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A


def h12(s):
    return hashlib.sha256(s.encode()).hexdigest()[:12]


def ja4(sni, alpn, ciphers, exts, sigs, supv, legacy):
    ciphers = [c for c in ciphers if not grease(c)]
    exts = [e for e in exts if not grease(e)]
    sigs = [s for s in sigs if not grease(s)]
    supv = [v for v in supv if not grease(v)]
    v = max(supv) if supv else legacy
    a = "t" + JA4VER.get(v, "00") + ("d" if 0 in exts else "i")
    a += "%02d%02d" % (min(len(ciphers), 99), min(len(exts), 99))
    first = alpn[0].encode() if alpn else b""
    if not first:
        a += "00"
    elif alnum(first[0]) and alnum(first[-1]):
        a += chr(first[0]) + chr(first[-1])
    else:
        hx = first.hex()
        a += hx[0] + hx[-1]
    b = h12(",".join("%04x" % c for c in sorted(ciphers))) if ciphers else "0" * 12
    el = [e for e in exts if e not in (0x0000, 0x0010)]
    if el:
        cs = ",".join("%04x" % e for e in sorted(el))
        if sigs:
            cs += "_" + ",".join("%04x" % s for s in sigs)
        c = h12(cs)
    else:
        c = "0" * 12
    return a + "_" + b + "_" + c


def expect(line):
    f = line.rstrip("\n").split("\t")
    f += [""] * (12 - len(f))
    name, sni, alpn, ciph, exts, sigs, supv, chv, scip, ssupv, shv, cname = f[:12]
    alpn_l = [x for x in alpn.split(",") if x] if alpn else []
    exts_n, supv_n = nums(exts), nums(supv)
    if 0x0032 in exts_n:
        sys.stderr.write(name + ": signature_algorithms_cert present, sig list ambiguous\n")
    legacy = nums(chv)[0]
    j = ja4(sni, alpn_l, nums(ciph), exts_n, nums(sigs), supv_n, legacy)
    cv = [v for v in supv_n if not grease(v)]
    version = VER.get(max(cv) if cv else legacy, "-")
    server_version = "-"
    if shv:
        sv = nums(ssupv)[0] if ssupv else nums(shv)[0]
        server_version = VER.get(sv, "-")
        version = server_version
    cipher_hex = "0x%04x" % nums(scip)[0] if scip else "-"
    print("\t".join([name, sni or "-", ",".join(alpn_l) or "-", version, server_version,
                     cipher_hex, cname or "-", j]))


if __name__ == "__main__":
    if sys.argv[1] == "streams":
        streams(sys.argv[2], sys.argv[3])
    else:
        for ln in sys.stdin:
            expect(ln)
