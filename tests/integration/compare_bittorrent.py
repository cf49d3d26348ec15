#!/usr/bin/env python3
"""compare_bittorrent.py - checks netlens' bittorrent_* fields, per flow,
against tshark's decoding of the same capture.

usage: compare_bittorrent.py [-d DECODE_AS]... [--require KEY=REGEX]... PCAP JSON

tshark is the oracle for what is BitTorrent and for the values: the peer
wire handshakes (bittorrent.info_hash, .peer_id, .reserved), the extended
handshake's "v" (bencode.str of the message with bittorrent.extended.id 0),
DHT datagrams (tshark's bt-dht heuristic; their bencoded dictionary read
from udp.payload here) and uTP headers (bt-utp.*). From those the expected
fields are derived per flow as the dissector documents them (DOC-bittorrent.md):
the client decoded from each side's peer_id, flags from the reserved bytes,
uTP claimed on the SYN/STATE relation or a handshake in a data packet, DHT
kinds, methods and versions of the flow's first BUDGET datagrams. A flow
tshark shows no BitTorrent in must have no bittorrent_* field.

--require KEY=REGEX: some flow must have KEY (a bittorrent_* field, a list
field matching any element, or "state") matching REGEX.
"""
import json
import re
import subprocess
import sys

BUDGET = 32
UTP_MAX_WAIT = 6
AGG = "\x1f"
SEP = "\x1e"  # bencode.str values may hold tabs

AZ = {
    "AG": "Ares", "AR": "Arctic", "AT": "Artemis", "AX": "BitPump", "AZ": "Vuze",
    "BB": "BitBuddy", "BC": "BitComet", "BE": "BitTorrent SDK", "BF": "Bitflu",
    "BI": "BiglyBT", "BL": "BitCometLite", "BT": "BitTorrent", "BW": "BitWombat",
    "CD": "Enhanced CTorrent", "DE": "Deluge", "FD": "Free Download Manager",
    "FG": "FlashGet", "FW": "FrostWire", "HL": "Halite", "KG": "KGet", "KT": "KTorrent",
    "LT": "libtorrent", "LW": "LimeWire", "lt": "libTorrent (rTorrent)", "MG": "MediaGet",
    "PI": "PicoTorrent", "qB": "qBittorrent", "RT": "Retriever", "SD": "Thunder",
    "ST": "SymTorrent", "TL": "Tribler", "TR": "Transmission", "TT": "TuoTu",
    "UM": "uTorrent Mac", "UT": "uTorrent", "UW": "uTorrent Web", "WW": "WebTorrent",
    "XL": "Xunlei", "XX": "Xtorrent",
}


def az_digit(c):
    if "0" <= c <= "9":
        return ord(c) - 48
    if "A" <= c <= "Z":
        return ord(c) - 55
    if "a" <= c <= "z":
        return ord(c) - 61
    return -1


def client_of(pid):
    """The client named by a 20-byte peer id (BEP 20 conventions)."""
    s = "".join(chr(b) for b in pid)
    if (s[0] == "-" and s[7] == "-" and s[1].isalnum() and s[2].isalnum() and s[1] < "\x80"
            and s[2] < "\x80" and all(az_digit(c) >= 0 for c in s[3:7])):
        name = AZ.get(s[1:3])
        if name is None:
            return s[0:8]
        out = "%s %d.%d.%d" % (name, az_digit(s[3]), az_digit(s[4]), az_digit(s[5]))
        if s[6] != "0":
            out += ("." + s[6]) if s[6].isdigit() else s[6]
        return out
    m = re.match(r"(M|Q|A2-)([0-9]{1,3})-([0-9]{1,3})-([0-9]{1,3})-", s)
    if m:
        name = {"M": "Mainline", "Q": "Queen Bee", "A2-": "aria2"}[m.group(1)]
        return "%s %d.%d.%d" % (name, int(m.group(2)), int(m.group(3)), int(m.group(4)))
    out = ""
    for c in s:
        if not " " <= c < "\x7f":
            break
        out += c
    return out or None


def flags_of(res):
    out = []
    if res[7] & 1:
        out.append("dht")
    if res[7] & 4:
        out.append("fast")
    if res[5] & 0x10:
        out.append("extension")
    return out


def bdecode(b, i=0, depth=0):
    """A strict bencode decoder: (value, next index); ValueError when bad."""
    if depth > 8:
        raise ValueError("deep")
    c = b[i:i + 1]
    if c == b"i":
        j = b.index(b"e", i)
        t = b[i + 1:j]
        if not re.fullmatch(rb"-?(0|[1-9][0-9]*)", t) or t == b"-0":
            raise ValueError("int")
        return int(t), j + 1
    if c in (b"l", b"d"):
        i += 1
        out = [] if c == b"l" else {}
        while b[i:i + 1] != b"e":
            if i >= len(b):
                raise ValueError("end")
            if c == b"d":
                k, i = bdecode(b, i, depth + 1)
                if not isinstance(k, bytes):
                    raise ValueError("key")
                v, i = bdecode(b, i, depth + 1)
                out[k] = v
            else:
                v, i = bdecode(b, i, depth + 1)
                out.append(v)
        return out, i + 1
    m = re.match(rb"(0|[1-9][0-9]{0,6}):", b[i:])
    if not m:
        raise ValueError("str")
    n = int(m.group(1))
    s = i + len(m.group(0))
    if s + n > len(b):
        raise ValueError("short")
    return b[s:s + n], s + n


def dht_version(v):
    pr = all(0x20 <= x < 0x7f for x in v)
    letters = len(v) >= 2 and chr(v[0]).isalnum() and chr(v[1]).isalnum() and v[0] < 128 and v[1] < 128
    if letters and len(v) == 4 and not pr:
        return "%c%c %d.%d" % (v[0], v[1], v[2], v[3])
    if pr:
        return v.decode()
    if letters:
        return "%c%c %s" % (v[0], v[1], v[2:].hex())
    return v.hex()


def krpc(payload):
    """(kind, method, version) of a KRPC datagram, or None."""
    try:
        d, end = bdecode(payload)
    except (ValueError, IndexError):
        return None
    if end != len(payload) or not isinstance(d, dict):
        return None
    y, t = d.get(b"y"), d.get(b"t")
    if not isinstance(y, bytes) or not isinstance(t, bytes) or len(t) > 64:
        return None
    kind = {b"q": "query", b"r": "response", b"e": "error"}.get(y)
    body = {b"q": b"a", b"r": b"r", b"e": b"e"}.get(y)
    if kind is None or body not in d:
        return None
    method = None
    if y == b"q":
        method = d.get(b"q")
        if not isinstance(method, bytes) or not re.fullmatch(rb"[a-z_]{1,32}", method):
            return None
        method = method.decode()
    v = d.get(b"v")
    ver = dht_version(v) if isinstance(v, bytes) and 0 < len(v) <= 16 else None
    return kind, method, ver


def add(lst, v):
    if v is not None and v not in lst and len(lst) < 16:
        lst.append(v)


def ext_v(strs):
    """The top-level "v" of an extended handshake from tshark's bencode.str
    list (keys and values in order)."""
    for i, s in enumerate(strs[:-1]):
        if s == "v":
            return strs[i + 1]
    return None


def raw_side(rows, init, side):
    """The first 4 KiB of one side's TCP stream from tshark's tcp.payload
    (relative sequence numbers), and its first segment's length."""
    segs, first = {}, None
    for row in rows:
        if (row["_src"] == init) != side or not row["tcp.payload"]:
            continue
        seq = int(row["tcp.seq"]) - 1
        data = bytes.fromhex(row["tcp.payload"])
        if first is None:
            first = len(data)
        segs.setdefault(seq, data)
    out = b""
    while len(out) < 4096 and len(out) in segs:
        out += segs[len(out)]
    return out, first


def raw_handshake(stream, first):
    """A handshake that tshark did not show: one after an MSE key exchange
    in the same segment (tshark looks for PDUs at segment starts only). As
    DOC-bittorrent.md says: searched in the first 1600 bytes of a side
    whose first segment has MSE's size. (reserved, peer_id, info_hash, v)."""
    pfx = b"\x13BitTorrent protocol"
    if first is None or not 96 <= first <= 608:
        return None
    at = stream.find(pfx, 0, 1600)
    if at < 0 or len(stream) < at + 68:
        return None
    hs = stream[at:at + 68]
    res, ih, pid = hs[20:28], hs[28:48], hs[48:68]
    v = None
    off = at + 68
    for _ in range(12):
        if not res[5] & 0x10 or len(stream) < off + 4:
            break
        n = int.from_bytes(stream[off:off + 4], "big")
        if n >= 2 and stream[off + 4] == 20 and stream[off + 5] == 0:
            try:
                d, _end = bdecode(stream[off + 6:off + 4 + n])
                if isinstance(d.get(b"v"), bytes):
                    v = d[b"v"].decode("utf-8", "replace")
            except (ValueError, IndexError, AttributeError):
                pass
            break
        off += 4 + n
    return res, pid, ih.hex(), v


def same(e, g):
    """Equal, where tshark's U+FFFD (a byte of a non-ASCII character it
    does not decode: bencode strings are ASCII to it) stands for one byte
    >= 0x80 of netlens' UTF-8 text."""
    if isinstance(e, dict):
        return isinstance(g, dict) and e.keys() == g.keys() and all(same(e[k], g[k]) for k in e)
    if isinstance(e, list):
        return isinstance(g, list) and len(e) == len(g) and all(same(a, b) for a, b in zip(e, g))
    if isinstance(e, str) and "\ufffd" in e and isinstance(g, str):
        rx = b"".join(b"[\\x80-\\xff]" if c == "\ufffd" else re.escape(c.encode()) for c in e)
        return re.fullmatch(rx, g.encode()) is not None
    return e == g


def main():
    args = sys.argv[1:]
    decode, require = [], []
    while args and args[0] in ("-d", "--require"):
        (decode if args[0] == "-d" else require).append(args[1])
        args = args[2:]
    pcap, js = args
    fields = ["frame.number", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport",
              "udp.srcport", "udp.dstport", "tcp.flags.syn", "tcp.flags.ack", "_ws.col.Protocol",
              "bittorrent.info_hash", "bittorrent.peer_id", "bittorrent.reserved", "bittorrent.extended.id",
              "bt-utp.type", "bt-utp.connection_id", "bt-utp.seq_nr", "bt-utp.ack_nr",
              "udp.payload", "tcp.len", "tcp.seq", "tcp.payload",
              "bencode.str"]  # last: its raw strings may hold the separators
    # Out-of-order reassembly, as netlens holds segments ahead of a gap.
    cmd = ["tshark", "-r", pcap, "-o", "tcp.desegment_tcp_streams:TRUE",
           "-o", "tcp.reassemble_out_of_order:TRUE",
           "--enable-heuristic", "bt_utp_udp", "-T", "fields", "-E", "occurrence=a", "-E", "aggregator=" + AGG,
           "-E", "separator=" + SEP]
    for d in decode:
        cmd += ["-d", d]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, check=True).stdout.decode("utf-8", "replace")
    flows = {}
    order = []
    for line in out.split("\n"):
        if not line:
            continue
        parts = line.split(SEP)
        parts = parts[:len(fields) - 1] + [SEP.join(parts[len(fields) - 1:])]
        row = dict(zip(fields, parts))
        src = row["ip.src"] or row["ipv6.src"]
        dst = row["ip.dst"] or row["ipv6.dst"]
        if row["tcp.srcport"]:
            proto, sp, dp = "TCP", int(row["tcp.srcport"]), int(row["tcp.dstport"])
        elif row["udp.srcport"]:
            proto, sp, dp = "UDP", int(row["udp.srcport"].split(AGG)[0]), int(row["udp.dstport"].split(AGG)[0])
        else:
            continue
        a, b = (src, sp), (dst, dp)
        key = (proto,) + tuple(sorted([a, b]))
        if key not in flows:
            flows[key] = {"proto": proto, "init": a, "rows": []}
            order.append(key)
        fl = flows[key]
        if proto == "TCP" and row["tcp.flags.syn"] == "1" and row["tcp.flags.ack"] == "0":
            fl["init"] = a
        row["_from_init"] = None
        row["_src"] = a
        fl["rows"].append(row)

    expect = {}
    for key in order:
        fl = flows[key]
        e = {}
        init = fl["init"]
        if fl["proto"] == "TCP":
            seen = {}
            for row in fl["rows"]:
                side = row["_src"] == init
                if row["bittorrent.info_hash"] and side not in seen:
                    pid = bytes.fromhex(row["bittorrent.peer_id"].split(AGG)[0])
                    res = bytes.fromhex(row["bittorrent.reserved"].split(AGG)[0])
                    seen[side] = res
                    e["bittorrent_info_hash"] = row["bittorrent.info_hash"].split(AGG)[0]
                    c = client_of(pid)
                    if c:
                        e["bittorrent_client" if side else "bittorrent_peer_client"] = c
                    e["bittorrent_reserved" if side else "bittorrent_peer_reserved"] = res.hex()
                    fls = flags_of(res)
                    if fls:
                        e["bittorrent_flags" if side else "bittorrent_peer_flags"] = fls
                vk = "bittorrent_version" if side else "bittorrent_peer_version"
                if (side in seen and seen[side][5] & 0x10 and "0" in row["bittorrent.extended.id"].split(AGG)
                        and vk not in e and ("v", side) not in e):
                    v = ext_v(row["bencode.str"].split(AGG))
                    e[("v", side)] = True
                    if v is not None:
                        e[vk] = v
            for side in (True, False):
                if seen and side not in seen:
                    got = raw_handshake(*raw_side(fl["rows"], init, side))
                    if got:
                        res, pid, ih, v = got
                        print("# %s: handshake after MSE (not shown by tshark) from %s" %
                              (key, "the initiator" if side else "the answerer"))
                        c = client_of(pid)
                        if c:
                            e["bittorrent_client" if side else "bittorrent_peer_client"] = c
                        e["bittorrent_reserved" if side else "bittorrent_peer_reserved"] = res.hex()
                        if flags_of(res):
                            e["bittorrent_flags" if side else "bittorrent_peer_flags"] = flags_of(res)
                        if v is not None:
                            e["bittorrent_version" if side else "bittorrent_peer_version"] = v
            e = {k: v for k, v in e.items() if isinstance(k, str)}
            if e:
                e["state"] = "BITTORRENT"
        else:
            claimed, label, waited, syn = False, None, 0, None
            kinds, methods, vers = [], [], []
            rank = {"BT_DHT": 1, "BT_UTP": 3}
            done = False
            for n, row in enumerate(fl["rows"][:BUDGET]):
                if done:
                    break
                side = row["_src"] == init
                payload = bytes.fromhex(row["udp.payload"].split(AGG)[0]) if row["udp.payload"] else b""
                got = "BT-DHT" in row["_ws.col.Protocol"] and krpc(payload)
                if got:
                    claimed = True
                    add(kinds, got[0])
                    add(methods, got[1])
                    add(vers, got[2])
                    if label is None or rank[label] < 1:
                        label = "BT_DHT"
                    continue
                if row["bt-utp.type"]:
                    t = int(row["bt-utp.type"].split(AGG)[0])
                    conn = int(row["bt-utp.connection_id"].split(AGG)[0])
                    seq = int(row["bt-utp.seq_nr"].split(AGG)[0])
                    ack = int(row["bt-utp.ack_nr"].split(AGG)[0])
                    if t == 4 and side:
                        syn = (conn, seq)
                    related = t == 2 and not side and syn == (conn, ack)
                    hs = t == 0 and bool(row["bittorrent.info_hash"])
                    if hs:
                        pid = bytes.fromhex(row["bittorrent.peer_id"].split(AGG)[0])
                        res = bytes.fromhex(row["bittorrent.reserved"].split(AGG)[0])
                        e["bittorrent_info_hash"] = row["bittorrent.info_hash"].split(AGG)[0]
                        c = client_of(pid)
                        if c:
                            e["bittorrent_client" if side else "bittorrent_peer_client"] = c
                        e["bittorrent_reserved" if side else "bittorrent_peer_reserved"] = res.hex()
                        if flags_of(res):
                            e["bittorrent_flags" if side else "bittorrent_peer_flags"] = flags_of(res)
                        if "0" in row["bittorrent.extended.id"].split(AGG):
                            v = ext_v(row["bencode.str"].split(AGG))
                            if v is not None:
                                e["bittorrent_version" if side else "bittorrent_peer_version"] = v
                    if related or hs or label == "BT_UTP":
                        claimed = True
                        label = "BT_UTP"
                        continue
                    if claimed:
                        continue
                    waited += 1
                    if waited > UTP_MAX_WAIT:
                        done = True
                    continue
                if not claimed:
                    done = True
            if kinds:
                e["bittorrent_dht_kinds"] = kinds
            if methods:
                e["bittorrent_dht_methods"] = methods
            if vers:
                e["bittorrent_dht_version"] = vers
            if label:
                e["state"] = label
        expect[key] = e

    got = {}
    with open(js) as f:
        for line in f:
            line = line.strip()
            if not line.startswith("{"):
                continue
            j = json.loads(line)
            if j.get("protocol") not in ("TCP", "UDP"):
                continue
            a = (j["source_ip"], j["source_port"])
            b = (j["destination_ip"], j["destination_port"])
            key = (j["protocol"],) + tuple(sorted([a, b]))
            g = {k: v for k, v in j.items() if k.startswith("bittorrent_")}
            if any(k.startswith("bittorrent_") for k in j) or j.get("dpi_protocol") == "BitTorrent":
                g["state"] = j.get("dpi_state") or j.get("state")
            g["_src"] = a
            got[key] = g

    bad = 0
    agree = 0
    for key in order:
        e = expect[key]
        g = dict(got.get(key, {}))
        src = g.pop("_src", None)
        if key not in got:
            if e:
                print("MISSING flow %s (expected %s)" % (key, e))
                bad += 1
            continue
        if e and src != flows[key]["init"]:
            print("ORIENTATION %s: netlens initiator %s, capture %s" % (key, src, flows[key]["init"]))
            bad += 1
        if not same(e, g):
            print("DIFF %s\n  tshark: %s\n  netlens: %s" % (key, e, g))
            bad += 1
        elif e:
            agree += 1
            print("ok %s %s" % (key, e))
    for r in require:
        k, rx = r.split("=", 1)
        found = False
        for key in order:
            v = got.get(key, {}).get(k)
            vals = v if isinstance(v, list) else [v] if v is not None else []
            if k.startswith("udp") or k.startswith("tcp"):
                continue
            if any(re.fullmatch(rx, str(x)) for x in vals):
                found = True
        if not found:
            print("REQUIRED %s not seen" % r)
            bad += 1
    print("bittorrent flows agreeing with tshark: %d; differences: %d; flows: %d" % (agree, bad, len(order)))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
