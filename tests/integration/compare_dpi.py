#!/usr/bin/env python3
"""compare_dpi.py CAPTURE NETLENS_JSONL [-d DECODE_AS ...] [--require-tls] [--no-dpi]

Checks netlens' deep-packet-inspection fields (the http, tls, dns, ssh and quic
dissectors: `<dissector>_<field>`, `dpi_protocol`, `dpi_domain`) against what
tshark finds in CAPTURE, flow by flow.

tshark (-T fields) is read once per capture, TCP/UDP only (ICMP errors quoting
a flow are left out). A flow is tshark's tcp.stream / udp.stream; its client
is the SYN sender (TCP) or the first sender (UDP, unless that side is on a
port < 1024 and the other is not). It is matched to the netlens JSON line
with the same 5-tuple (either orientation; netlens' source must be the
client).

What netlens should show, per flow, by its documented rules
(dissectors/README.md, doc/plugin-abi.md, the dissectors' headers):

http   first request of the connection only: method, Host, request target
       (http_path), User-Agent; the first final response's status code
       (interim 1xx passed over, 101 final).
tls    first ClientHello: SNI, ALPN list, JA4 (computed here from tshark's
       ciphers, extensions, signature algorithms: FoxIO JA4 spec);
       first ServerHello: its selected version (supported_versions, else
       legacy_version) as tls_server_version and tls_version (without a
       ServerHello tls_version is the ClientHello's highest), cipher by
       its IANA name (tshark's value string) when netlens names it, else
       0xNNNN: either form is checked against the number.
dns    queries: every question name of every message, in order, no
       duplicates; qtype and txid: of the first message (with a question);
       rcode: of the last response (extended RCODE from OPT included);
       answers: answer-section A/AAAA (address text) and CNAME/PTR/NS
       (name) of every response, in order, no duplicates; kind and
       state prefix from tshark's protocol: dns, mdns (MDNS_*), llmnr
       (LLMNR_*).  Several messages in one segment are told apart by
       their header counts (an rcode only on responses).
ssh    client and server identification strings, their softwareversion,
       and the version: the client's ("1.99" counts as "2.0"), else the
       server's.
quic   version (0xNNNNNNNN) and name of the latest long header from
       either side but Version Negotiation (the one the client moved to
       after it, the server's choice in compatible version negotiation;
       Google Q043/Q046 public headers too);
       SNI and ALPN of the ClientHello in the client's Initials (tshark
       decrypts them), or SNI of a Google CHLO (gquic.tag.sni); max_idle_timeout transport parameter; a
       CONNECTION_CLOSE tshark can read (Initial) as quic_close_error.
all    lists at most 16 entries, strings at most 256 bytes (doc/plugin-abi.md);
       dpi_domain = first value of the dissector's domain field,
       dpi_protocol = "DISPLAY" or "DISPLAY (domain)"; one dissector owns a
       flow, so no flow carries fields of two; a flow tshark finds no
       such protocol in carries none.

Exit 0 when all agree, 1 on any difference (each printed), 2 on usage or
tool errors.  --no-dpi: only check that no DPI key appears at all.
--require-tls: additionally every TLS flow must have tls_sni, tls_alpn,
tls_ja4 and dpi_protocol "TLS (<sni>)".
"""
import argparse
import hashlib
import ipaddress
import json
import re
import subprocess
import sys

DISSECTORS = ("http", "tls", "dns", "ssh", "quic")
DISPLAY = {"http": "HTTP", "tls": "TLS", "dns": "DNS", "ssh": "SSH", "quic": "QUIC"}
DOMAIN_FIELD = {"http": "http_host", "tls": "tls_sni", "dns": "dns_queries", "quic": "quic_sni"}
MAX_LIST = 16
MAX_STR = 256
# captures made by make-captures.sh use these off their protocols' ports
DEFAULT_DECODE_AS = ["tcp.port==2222,ssh", "udp.port==4433,quic", "tcp.port==5300,dns",
                     "udp.port==5300,dns", "tcp.port==8443,tls"]

SEP = "\x1f"
AGG = "\x1e"
FIELDS = [
    "frame.number", "frame.protocols", "ip.src", "ip.dst", "ipv6.src", "ipv6.dst",
    "tcp.stream", "tcp.srcport", "tcp.dstport", "tcp.flags.syn", "tcp.flags.ack",
    "udp.stream", "udp.srcport", "udp.dstport",
    # http
    "http.request.method", "http.host", "http.request.uri", "http.user_agent", "http.response.code",
    "http.request.version", "http.response.version",
    # tls (also inside QUIC CRYPTO frames)
    "tls.handshake.type", "tls.handshake.version", "tls.handshake.ciphersuite",
    "tls.handshake.extension.type", "tls.handshake.sig_hash_alg",
    "tls.handshake.extensions.supported_version", "tls.handshake.extensions_server_name",
    "tls.handshake.extensions_alpn_str", "tls.quic.parameter.max_idle_timeout",
    # dns
    "dns.id", "dns.flags.response", "dns.flags.rcode", "dns.count.queries", "dns.count.answers",
    "dns.count.auth_rr", "dns.count.add_rr", "dns.qry.name", "dns.qry.type", "dns.resp.type",
    "dns.resp.ext_rcode", "dns.a", "dns.aaaa", "dns.cname", "dns.ptr.domain_name", "dns.ns",
    "dns.count.zones", "dns.count.prerequisites", "dns.count.updates",
    # ssh
    "ssh.protocol", "ssh.message_code", "ssh.kex_algorithms", "ssh.server_host_key_algorithms",
    "ssh.encryption_algorithms_client_to_server", "ssh.encryption_algorithms_server_to_client",
    "ssh.mac_algorithms_client_to_server", "ssh.mac_algorithms_server_to_client",
    "ssh.kex.hassh", "ssh.kex.hasshserver",
    # quic
    "quic.header_form", "quic.version", "quic.long.packet_type", "quic.frame_type", "quic.cc.error_code",
    # Google QUIC: version text of Q043/Q046 headers, a CHLO's server name
    "gquic.version", "gquic.tag.sni",
]

# The KEXINIT lists negotiated (RFC 4253 7.1), as netlens' keys name them.
SSH_KEX_LISTS = {
    "ssh.kex_algorithms": "ssh_kex_algorithm",
    "ssh.server_host_key_algorithms": "ssh_host_key_algorithm",
    "ssh.encryption_algorithms_client_to_server": "ssh_cipher_c2s",
    "ssh.encryption_algorithms_server_to_client": "ssh_cipher_s2c",
    "ssh.mac_algorithms_client_to_server": "ssh_mac_c2s",
    "ssh.mac_algorithms_server_to_client": "ssh_mac_s2c",
}
# Ciphers whose own tag authenticates: the MAC agreed beside them is not used.
NO_HASSH = False    # --no-hassh
SSH_AEAD = {"chacha20-poly1305@openssh.com", "aes128-gcm@openssh.com", "aes256-gcm@openssh.com",
            "AEAD_AES_128_GCM", "AEAD_AES_256_GCM"}


def ssh_agreed(client, server):
    """RFC 4253 7.1: per list, the first name of the client's the server also has."""
    out = {}
    for field, key in SSH_KEX_LISTS.items():
        theirs = [n for n in server[field].split(",") if n]
        for n in client[field].split(","):
            if n and n in theirs:
                out[key] = n
                break
    for d in ("c2s", "s2c"):
        if out.get("ssh_cipher_" + d) in SSH_AEAD:
            out.pop("ssh_mac_" + d, None)
    return out


DNS_RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED",
              6: "YXDOMAIN", 7: "YXRRSET", 8: "NXRRSET", 9: "NOTAUTH", 10: "NOTZONE", 11: "DSOTYPENI",
              16: "BADVERS", 17: "BADKEY", 18: "BADTIME", 19: "BADMODE", 20: "BADNAME", 21: "BADALG",
              22: "BADTRUNC", 23: "BADCOOKIE"}
TLS_VERSIONS = {0x0304: "1.3", 0x0303: "1.2", 0x0302: "1.1", 0x0301: "1.0", 0x0300: "SSL3.0"}
JA4_VERSIONS = {0x0304: "13", 0x0303: "12", 0x0302: "11", 0x0301: "10", 0x0300: "s3", 0x0002: "s2",
                0xfeff: "d1", 0xfefd: "d2", 0xfefc: "d3"}
# quic_version_name (dissectors/README.md): tshark has no such field
QUIC_VERSIONS = {0x00000001: "QUICv1", 0x6b3343cf: "QUICv2", 0x709a50c4: "QUICv2-draft", 0xfaceb001: "mvfst-1",
                 0xfaceb002: "mvfst-2", 0xfaceb00e: "mvfst-exp"}
QUIC_VERSIONS.update({0xff000000 + d: "draft-%d" % d for d in range(21, 35)})
# Google's: Q0NN / T0NN as the version's four characters
QUIC_VERSIONS.update({(ord(c) << 24) | (0x30 << 16) | (0x30 + a) << 8 | (0x30 + b): "%s0%d%d" % (c, a, b)
                      for c in "QT" for a in range(10) for b in range(10)})


def die(msg):
    print("compare_dpi: " + msg, file=sys.stderr)
    sys.exit(2)


def norm_ip(s):
    try:
        return str(ipaddress.ip_address(s))
    except ValueError:
        return s


def num(s):
    s = s.strip()
    return int(s, 16) if s.lower().startswith("0x") else int(s)


def is_grease(v):
    return (v & 0x0f0f) == 0x0a0a and (v >> 8) == (v & 0xff)


def cap_str(s):
    b = s.encode("utf-8", "surrogateescape")
    if len(b) <= MAX_STR:
        return s
    return b[:MAX_STR].decode("utf-8", "ignore")


def add_unique(lst, v):
    v = cap_str(v)
    if v not in lst and len(lst) < MAX_LIST:
        lst.append(v)


# ------------------------------------------------------------------ tshark

def tshark_values(*fields):
    """field -> {value: name} of fields' value_strings (tshark -G values, run once)."""
    out = subprocess.run(["tshark", "-G", "values"], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         universal_newlines=True).stdout
    names = {f: {} for f in fields}
    for line in out.splitlines():
        p = line.split("\t")
        if len(p) >= 4 and p[0] == "V" and p[1] in names:
            names[p[1]][int(p[2])] = p[3]
    for f in fields:
        if not names[f]:
            die("tshark -G values has no value_string for %s" % f)
    return names


def tshark_rows(capture, decode_as):
    cmd = ["tshark", "-n", "-r", capture, "-Y", "(tcp or udp) and not icmp and not icmpv6",
           "-o", "tcp.desegment_tcp_streams:TRUE", "-o", "tcp.reassemble_out_of_order:TRUE",
           "-o", "http.desegment_headers:TRUE",
           "-T", "fields", "-E", "separator=" + SEP, "-E", "aggregator=" + AGG, "-E", "occurrence=a",
           "-E", "quote=n"]
    for d in decode_as:
        cmd += ["-d", d]
    for f in FIELDS:
        cmd += ["-e", f]
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        die("tshark failed (%d): %s" % (p.returncode, p.stderr.decode(errors="replace").strip()))
    rows = []
    for line in p.stdout.decode("utf-8", "surrogateescape").split("\n"):
        if not line:
            continue
        vals = line.split(SEP)
        if len(vals) != len(FIELDS):
            die("tshark line with %d fields, expected %d: %r" % (len(vals), len(FIELDS), line[:200]))
        rows.append({f: (v.split(AGG) if v != "" else []) for f, v in zip(FIELDS, vals)})
    return rows


def first(row, f):
    v = row.get(f) or []
    return v[0] if v else None


class Flow:
    def __init__(self, proto, stream):
        self.proto = proto
        self.stream = stream
        self.client = None      # (ip, port)
        self.server = None
        self.first_frame = None
        self.syn_seen = False
        # collected per protocol
        self.http_req = None
        self.http_status = None
        self.http_interim = 0   # 1xx responses passed over
        self.http_response_version = None
        self.ch = None          # ClientHello fields
        self.sh = None          # ServerHello fields
        self.dns_msgs = []      # in order
        self.ssh = {}           # client(bool) -> banner
        self.ssh_codes = {True: [], False: []}  # clear-text message numbers by side
        self.ssh_kex = {}       # client(bool) -> its first KEXINIT's lists and HASSH
        self.quic_version = None
        self.quic_ch = None
        self.quic_close = None
        self.quic_seen = False

    def name(self):
        return "%s %s:%s -> %s:%s (tshark %s.stream %s, frame %s)" % (
            self.proto, self.client[0], self.client[1], self.server[0], self.server[1],
            self.proto.lower(), self.stream, self.first_frame)


def endpoints(row, proto):
    src = first(row, "ip.src") or first(row, "ipv6.src")
    dst = first(row, "ip.dst") or first(row, "ipv6.dst")
    p = "tcp" if proto == "TCP" else "udp"
    return (norm_ip(src), int(first(row, p + ".srcport"))), (norm_ip(dst), int(first(row, p + ".dstport")))


def client_hello_of(row):
    """The ClientHello fields of a frame holding one (first handshake message type 1)."""
    types = [int(t) for t in row["tls.handshake.type"]]
    if 1 not in types:
        return None
    # with -T fields the frame's occurrences are concatenated; a frame from a
    # client holds its ClientHello and nothing else with these fields
    return {
        "sni": first(row, "tls.handshake.extensions_server_name"),
        "alpn": list(row["tls.handshake.extensions_alpn_str"]),
        "legacy_version": num(first(row, "tls.handshake.version")),
        "versions": [num(v) for v in row["tls.handshake.extensions.supported_version"]],
        "ciphers": [num(v) for v in row["tls.handshake.ciphersuite"]],
        "exts": [num(v) for v in row["tls.handshake.extension.type"]],
        "sigalgs": [num(v) for v in row["tls.handshake.sig_hash_alg"]],
        "idle_timeout": first(row, "tls.quic.parameter.max_idle_timeout"),
        "frame": first(row, "frame.number"),
    }


def server_hello_of(row):
    types = [int(t) for t in row["tls.handshake.type"]]
    if 2 not in types:
        return None
    if len(row["tls.handshake.ciphersuite"]) != 1 or len(row["tls.handshake.version"]) < 1:
        return {"error": "frame %s: ServerHello with %d cipher suites" % (
            first(row, "frame.number"), len(row["tls.handshake.ciphersuite"]))}
    sv = row["tls.handshake.extensions.supported_version"]
    return {
        "cipher": num(row["tls.handshake.ciphersuite"][0]),
        "version": num(sv[0]) if sv else num(row["tls.handshake.version"][0]),
        "frame": first(row, "frame.number"),
    }


def dns_messages(row):
    """Split a frame's DNS occurrences into messages, using the header counts."""
    ids = row["dns.id"]
    msgs = []
    qi = ri = 0
    counters = {"A": 0, "AAAA": 0, "CNAME": 0, "PTR": 0, "NS": 0}
    lists = {"A": row["dns.a"], "AAAA": row["dns.aaaa"], "CNAME": row["dns.cname"],
             "PTR": row["dns.ptr.domain_name"], "NS": row["dns.ns"]}
    code = {1: "A", 28: "AAAA", 5: "CNAME", 12: "PTR", 2: "NS"}
    ext = list(row["dns.resp.ext_rcode"])
    # tshark gives an rcode for responses only: hand them out in order
    rcodes = list(row["dns.flags.rcode"])
    nresp = sum(1 for f in row["dns.flags.response"] if f in ("1", "True"))
    def count(i, name, update_name=None):
        # an UPDATE (opcode 5) has zone, prerequisite and update counts
        # where a query has question, answer and authority counts
        for n in (name, update_name):
            v = row.get(n) if n else None
            if v and i < len(v):
                return int(v[i])
        return 0

    for i, mid in enumerate(ids):
        qd = count(i, "dns.count.queries", "dns.count.zones")
        an = count(i, "dns.count.answers", "dns.count.prerequisites")
        ns = count(i, "dns.count.auth_rr", "dns.count.updates")
        ar = count(i, "dns.count.add_rr")
        m = {"id": num(mid), "response": row["dns.flags.response"][i] in ("1", "True"),
             "rcode": None,
             "qnames": row["dns.qry.name"][qi:qi + qd],
             "qtypes": [int(t) for t in row["dns.qry.type"][qi:qi + qd]],
             "answers": [], "ext_rcode": None}
        if m["response"] and rcodes:
            m["rcode"] = int(rcodes.pop(0))
        qi += qd
        types = [int(t) for t in row["dns.resp.type"][ri:ri + an + ns + ar]]
        ri += an + ns + ar
        for k, t in enumerate(types):
            c = code.get(t)
            if t == 41 and k >= an + ns and ext:
                m["ext_rcode"] = num(ext.pop(0))
            if not c:
                continue
            v = lists[c][counters[c]] if counters[c] < len(lists[c]) else None
            counters[c] += 1
            if k < an and v is not None:
                m["answers"].append(norm_ip(v) if c in ("A", "AAAA") else v)
        msgs.append(m)
    if len(msgs) > 1 and len(row["dns.flags.rcode"]) != nresp:
        die("frame %s: cannot split DNS messages" % first(row, "frame.number"))
    return msgs


def collect(rows):
    flows = {}
    order = []
    for row in rows:
        if row["tcp.stream"]:
            proto, stream = "TCP", int(row["tcp.stream"][0])
        elif row["udp.stream"]:
            proto, stream = "UDP", int(row["udp.stream"][0])
        else:
            continue
        src, dst = endpoints(row, proto)
        key = (proto, stream)
        fl = flows.get(key)
        if fl is None:
            fl = flows[key] = Flow(proto, stream)
            order.append(fl)
            fl.first_frame = first(row, "frame.number")
            fl.client, fl.server = src, dst
            if proto == "UDP" and src[1] < 1024 <= dst[1]:
                fl.client, fl.server = dst, src
        if proto == "TCP" and first(row, "tcp.flags.syn") in ("1", "True") and not fl.syn_seen:
            fl.syn_seen = True
            if first(row, "tcp.flags.ack") in ("1", "True"):
                fl.client, fl.server = dst, src
            else:
                fl.client, fl.server = src, dst
        from_client = src == fl.client

        # http
        if row["http.request.method"] and from_client and fl.http_req is None:
            fl.http_req = {"method": row["http.request.method"][0],
                           "host": first(row, "http.host"),
                           "uri": first(row, "http.request.uri"),
                           "ua": first(row, "http.user_agent"),
                           "version": first(row, "http.request.version"),
                           "frame": first(row, "frame.number")}
        if row["http.response.code"] and not from_client and fl.http_status is None:
            # the first final response's: interim 1xx (100 Continue, 103)
            # passed over, at most 4 of them; 101 Switching Protocols is final
            versions = row["http.response.version"]
            for k, code in enumerate(int(c) for c in row["http.response.code"]):
                if code >= 200 or code == 101 or fl.http_interim >= 4:
                    fl.http_status = code
                    fl.http_response_version = versions[k] if k < len(versions) else None
                    break
                fl.http_interim += 1

        # quic
        if row["gquic.version"] or row["gquic.tag.sni"]:
            fl.quic_seen = True
            gv = first(row, "gquic.version")
            if from_client and gv and len(gv) == 4 and fl.quic_version is None:
                fl.quic_version = int.from_bytes(gv.encode(), "big")
            if from_client and row["gquic.tag.sni"] and fl.quic_ch is None:
                fl.quic_ch = {"sni": row["gquic.tag.sni"][0], "alpn": [], "idle_timeout": None}
            if not (row["quic.header_form"] or row["quic.version"]):
                continue
        if row["quic.header_form"] or row["quic.version"]:
            fl.quic_seen = True
            # the latest long header's, either side's but Version
            # Negotiation's: the one the client moved to after it, the
            # server's choice in compatible negotiation (RFC 9368)
            if row["quic.version"] and num(row["quic.version"][0]) != 0:
                fl.quic_version = num(row["quic.version"][0])
            if row["quic.cc.error_code"] and fl.quic_close is None:
                fl.quic_close = int(row["quic.cc.error_code"][0])
            if from_client and fl.quic_ch is None:
                fl.quic_ch = client_hello_of(row)
            continue

        # tls
        if row["tls.handshake.type"]:
            if from_client and fl.ch is None:
                fl.ch = client_hello_of(row)
            elif not from_client and fl.sh is None:
                fl.sh = server_hello_of(row)

        # dns
        if row["dns.id"]:
            protos = ":" + (first(row, "frame.protocols") or "") + ":"
            kind = "mdns" if ":mdns:" in protos else "llmnr" if ":llmnr:" in protos else "dns"
            for m in dns_messages(row):
                m["from_client"] = from_client
                m["kind"] = kind
                fl.dns_msgs.append(m)

        # ssh
        if row["ssh.protocol"] and from_client not in fl.ssh:
            fl.ssh[from_client] = row["ssh.protocol"][0]
        if row["ssh.message_code"]:
            fl.ssh_codes[from_client] += [int(c) for c in row["ssh.message_code"]]
        if row["ssh.kex_algorithms"] and from_client not in fl.ssh_kex:
            fl.ssh_kex[from_client] = {f: first(row, f) or "" for f in SSH_KEX_LISTS}
            fl.ssh_kex[from_client]["hassh"] = first(row, "ssh.kex.hassh" if from_client
                                                     else "ssh.kex.hasshserver")
    return order


# ------------------------------------------------------------------ expectations

def ja4(ch, proto="t"):
    """FoxIO JA4 (technical_details/JA4.md) of a ClientHello."""
    vers = [v for v in ch["versions"] if not is_grease(v)]
    v = max(vers) if vers else ch["legacy_version"]
    ciphers = [c for c in ch["ciphers"] if not is_grease(c)]
    exts = [e for e in ch["exts"] if not is_grease(e)]
    sni = "d" if 0 in exts else "i"
    alpn = "00"
    if ch["alpn"]:
        a = ch["alpn"][0].encode("utf-8", "surrogateescape")
        if a:
            if chr(a[0]).isalnum() and chr(a[-1]).isalnum() and a[0] < 128 and a[-1] < 128:
                alpn = chr(a[0]) + chr(a[-1])
            else:
                h = a.hex()
                alpn = h[0] + h[-1]
    a_part = "%s%s%s%02d%02d%s" % (proto, JA4_VERSIONS.get(v, "00"), sni, min(len(ciphers), 99),
                                   min(len(exts), 99), alpn)

    def h12(s):
        return hashlib.sha256(s.encode()).hexdigest()[:12]
    b_part = h12(",".join("%04x" % c for c in sorted(ciphers))) if ciphers else "000000000000"
    ce = sorted(e for e in exts if e not in (0x0000, 0x0010))
    sig = [s for s in ch["sigalgs"]]
    c_str = ",".join("%04x" % e for e in ce)
    if sig:
        c_str += "_" + ",".join("%04x" % s for s in sig)
    c_part = h12(c_str) if ce or sig else "000000000000"
    return "%s_%s_%s" % (a_part, b_part, c_part)


def expected(fl, cipher_names, qtype_names):
    """(owner dissector or None, {key: value}, [notes])"""
    exp = {}
    notes = []
    owner = None
    if fl.proto == "TCP" and (fl.http_req or fl.http_status is not None):
        owner = "http"
        if fl.http_req:
            r = fl.http_req
            exp["http_method"] = r["method"]
            if r["uri"] is not None:
                exp["http_path"] = cap_str(r["uri"])
            if r["host"] is not None:
                exp["http_host"] = cap_str(r["host"])
            if r["ua"] is not None:
                exp["http_user_agent"] = cap_str(r["ua"])
            if r["version"] is not None:
                exp["http_version"] = r["version"]
        if fl.http_status is not None:
            exp["http_status"] = fl.http_status
            if fl.http_response_version is not None:
                exp["http_response_version"] = fl.http_response_version
    elif fl.proto == "TCP" and (fl.ch or fl.sh):
        owner = "tls"
        ch, sh = fl.ch, fl.sh
        if sh and "error" in sh:
            notes.append(sh["error"])
            sh = None
        if ch:
            if ch["sni"] is not None:
                exp["tls_sni"] = cap_str(ch["sni"])
            alpn = []
            for a in ch["alpn"]:
                add_unique(alpn, a)
            if alpn:
                exp["tls_alpn"] = alpn
            if 50 in ch["exts"]:
                notes.append("ClientHello has signature_algorithms_cert: JA4 not checked "
                             "(tshark -T fields mixes its list with signature_algorithms)")
            else:
                exp["tls_ja4"] = ja4(ch, "t")
            vers = [v for v in ch["versions"] if not is_grease(v)]
            cv = max(vers) if vers else ch["legacy_version"]
            exp["tls_version"] = TLS_VERSIONS.get(cv, "0x%04x" % cv)
        exp["dpi_state"] = "TLS_SERVER_HELLO" if sh else "TLS_CLIENT_HELLO"
        if sh:
            exp["tls_version"] = exp["tls_server_version"] = TLS_VERSIONS.get(sh["version"],
                                                                                "0x%04x" % sh["version"])
            exp["tls_cipher"] = ("cipher", sh["cipher"])
    elif fl.dns_msgs:
        owner = "dns"
        msgs = fl.dns_msgs
        queries, answers = [], []
        for m in msgs:
            for q in m["qnames"]:
                add_unique(queries, q)
        if queries:
            exp["dns_queries"] = queries
        exp["dns_txid"] = msgs[0]["id"]
        # tshark's protocol (mdns, llmnr) names the kind, and RustNet's
        # label prefix (MDNS_QUERY, LLMNR_RESPONSE)
        kind = msgs[0]["kind"]
        exp["dns_kind"] = kind
        exp["dpi_state" if fl.proto == "TCP" else "state"] = \
            kind.upper() + ("_RESPONSE" if msgs[-1]["response"] else "_QUERY")
        withq = [m for m in msgs if m["qtypes"]]
        if withq:
            t = withq[0]["qtypes"][0]
            exp["dns_qtype"] = qtype_names.get(t, "TYPE%d" % t)
        resp = [m for m in msgs if m["response"]]
        if resp:
            m = resp[-1]
            rc = m["rcode"] | ((m["ext_rcode"] or 0) << 4)
            exp["dns_rcode"] = DNS_RCODES.get(rc, "RCODE%d" % rc)
            for r in resp:
                for a in r["answers"]:
                    add_unique(answers, a)
            if answers:
                exp["dns_answers"] = answers
    elif fl.proto == "TCP" and fl.ssh:
        owner = "ssh"
        for client in (True, False):
            b = fl.ssh.get(client)
            if b is None:
                continue
            side = "client" if client else "server"
            exp["ssh_%s_banner" % side] = cap_str(b)
            m = re.match(r"SSH-([^- ]+)-([^ ]+)", b)
            if m:
                exp["ssh_%s_software" % side] = cap_str(m.group(2))
        codes = fl.ssh_codes
        if 21 in codes[True] and 21 in codes[False]:
            exp["dpi_state"] = "SSH_ESTABLISHED"
        elif any(20 <= c <= 49 for c in codes[True] + codes[False]):
            exp["dpi_state"] = "SSH_KEYEXCHANGE"
        else:
            exp["dpi_state"] = "SSH_BANNER"
        for client, kex in fl.ssh_kex.items():
            if kex["hassh"] and not NO_HASSH:
                exp["ssh_hassh" if client else "ssh_hassh_server"] = kex["hassh"]
        if True in fl.ssh_kex and False in fl.ssh_kex:
            exp.update(ssh_agreed(fl.ssh_kex[True], fl.ssh_kex[False]))
        vb = fl.ssh.get(True) or fl.ssh.get(False)
        m = re.match(r"SSH-([^- ]+)-", vb)
        if m:
            exp["ssh_version"] = "2.0" if m.group(1) in ("2.0", "1.99") else m.group(1)
    elif fl.proto == "UDP" and fl.quic_seen:
        owner = "quic"
        if fl.quic_version is not None:
            exp["quic_version"] = "0x%08x" % fl.quic_version
            if fl.quic_version in QUIC_VERSIONS:
                exp["quic_version_name"] = QUIC_VERSIONS[fl.quic_version]
            elif fl.quic_version & 0x0f0f0f0f == 0x0a0a0a0a:
                exp["quic_version_name"] = "greased"   # RFC 9000 §15
        ch = fl.quic_ch
        if ch:
            if ch["sni"] is not None:
                exp["quic_sni"] = cap_str(ch["sni"])
            alpn = []
            for a in ch["alpn"]:
                add_unique(alpn, a)
            if alpn:
                exp["quic_alpn"] = alpn
            if ch["idle_timeout"] is not None:
                exp["quic_idle_timeout_ms"] = int(ch["idle_timeout"])
        if fl.quic_close is not None:
            exp["quic_close_error"] = "0x%02x" % fl.quic_close
    if owner:
        dk = DOMAIN_FIELD.get(owner)
        dom = exp.get(dk) if dk else None
        if isinstance(dom, list):
            dom = dom[0] if dom else None
        if dom is not None:
            exp["dpi_domain"] = dom
            exp["dpi_protocol"] = "%s (%s)" % (DISPLAY[owner], dom)
        else:
            exp["dpi_protocol"] = DISPLAY[owner]
    return owner, exp, notes


def dpi_keys(rec):
    """The DPI keys of a netlens record; a UDP flow's state when a dissector set it."""
    d = {k: v for k, v in rec.items()
         if k.split("_", 1)[0] in DISSECTORS and "_" in k or k.startswith("dpi_")}
    st = str(rec.get("state", ""))
    if rec.get("protocol") == "UDP" and st.startswith(("DNS_", "MDNS_", "LLMNR_")):
        d["state"] = st
    return d


def same(key, want, got, cipher_names):
    if isinstance(want, tuple) and want[0] == "cipher":
        c = want[1]
        if not isinstance(got, str):
            return False
        if re.fullmatch(r"0x[0-9a-f]{4}", got):
            return int(got, 16) == c
        return cipher_names.get(c) == got
    return want == got


def show(key, want, cipher_names):
    if isinstance(want, tuple) and want[0] == "cipher":
        return "%s (0x%04x)" % (cipher_names.get(want[1], "?"), want[1])
    return json.dumps(want)


# ------------------------------------------------------------------ main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("capture")
    ap.add_argument("jsonl")
    ap.add_argument("-d", "--decode-as", action="append", default=None,
                    help="tshark decode-as rule (default: %s)" % " ".join(DEFAULT_DECODE_AS))
    ap.add_argument("--no-dpi", action="store_true", help="only check that no DPI key appears")
    ap.add_argument("--require-tls", action="store_true",
                    help="every TLS flow must have tls_sni, tls_alpn, tls_ja4, dpi_protocol TLS (sni)")
    ap.add_argument("--no-hassh", action="store_true",
                    help="netlens is built without libcrypto: no ssh_hassh*")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    global NO_HASSH
    NO_HASSH = a.no_hassh
    cap = a.capture.rsplit("/", 1)[-1]

    recs = []
    with open(a.jsonl) as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if line:
                try:
                    recs.append(json.loads(line))
                except ValueError as e:
                    die("%s line %d: not JSON: %s" % (a.jsonl, n, e))

    if a.no_dpi:
        bad = [(r, dpi_keys(r)) for r in recs if dpi_keys(r) or
               str(r.get("state", "")).startswith(tuple(d.upper() + "_" for d in DISSECTORS))]
        for r, k in bad:
            print("FAIL %s --no-dpi: %s %s:%s -> %s:%s has %s (state %s)" % (
                cap, r.get("protocol"), r.get("source_ip"), r.get("source_port"), r.get("destination_ip"),
                r.get("destination_port"), sorted(k), r.get("state")))
        print("# %s --no-dpi: %d flows, %d with DPI keys" % (cap, len(recs), len(bad)))
        return 1 if bad else 0

    vs = tshark_values("tls.handshake.ciphersuite", "dns.qry.type")
    cipher_names = vs["tls.handshake.ciphersuite"]
    qtype_names = {k: v.split(" ")[0] for k, v in vs["dns.qry.type"].items()}
    qtype_names[255] = "ANY"    # tshark says "*", RFC 8482 and dig say ANY
    flows = collect(tshark_rows(a.capture, DEFAULT_DECODE_AS if a.decode_as is None else a.decode_as))

    by_tuple = {}
    for r in recs:
        if r.get("protocol") in ("TCP", "UDP"):
            k = (r["protocol"], frozenset([(norm_ip(r["source_ip"]), r["source_port"]),
                                           (norm_ip(r["destination_ip"]), r["destination_port"])]))
            by_tuple.setdefault(k, []).append(r)

    problems = []
    counts = {d: 0 for d in DISSECTORS}
    checked_fields = 0
    used = set()
    for fl in flows:
        owner, exp, notes = expected(fl, cipher_names, qtype_names)
        k = (fl.proto, frozenset([fl.client, fl.server]))
        cands = [r for r in by_tuple.get(k, []) if id(r) not in used]
        if not cands:
            if owner:
                problems.append("%s: no netlens flow (tshark sees %s)" % (fl.name(), owner))
            continue
        rec = cands[0]
        used.add(id(rec))
        if (norm_ip(rec["source_ip"]), rec["source_port"]) != fl.client:
            problems.append("%s: netlens source is %s:%s, expected the client %s:%s" % (
                fl.name(), rec["source_ip"], rec["source_port"], fl.client[0], fl.client[1]))
        for n in notes:
            print("# %s: %s" % (fl.name(), n))
        got = dpi_keys(rec)
        if owner:
            counts[owner] += 1
        owners = sorted({k.split("_", 1)[0] for k in got if k.split("_", 1)[0] in DISSECTORS})
        if len(owners) > 1:
            problems.append("%s: fields of several dissectors: %s" % (fl.name(), owners))
        for key in sorted(set(exp) | set(got)):
            want, have = exp.get(key), got.get(key)
            if key not in exp:
                problems.append("%s: %s: tshark finds nothing, netlens has %s" % (
                    fl.name(), key, json.dumps(have)))
            elif key not in got:
                problems.append("%s: %s: expected %s, netlens has none" % (
                    fl.name(), key, show(key, want, cipher_names)))
            elif not same(key, want, have, cipher_names):
                problems.append("%s: %s: expected %s, netlens has %s" % (
                    fl.name(), key, show(key, want, cipher_names), json.dumps(have)))
            else:
                checked_fields += 1
                if a.verbose:
                    print("#   %s %s = %s" % (fl.name(), key, json.dumps(have)))
        if a.require_tls and owner == "tls":
            for key in ("tls_sni", "tls_alpn", "tls_ja4"):
                if not got.get(key):
                    problems.append("%s: --require-tls: %s missing" % (fl.name(), key))
            if got.get("tls_sni") and got.get("dpi_protocol") != "TLS (%s)" % got["tls_sni"]:
                problems.append("%s: --require-tls: dpi_protocol %s, expected %s" % (
                    fl.name(), json.dumps(got.get("dpi_protocol")), json.dumps("TLS (%s)" % got["tls_sni"])))
    if a.require_tls and counts["tls"] == 0:
        problems.append("--require-tls: tshark finds no TLS flow in %s" % cap)

    # netlens flows with DPI fields that no tshark TCP/UDP flow explains
    for r in recs:
        if id(r) not in used and dpi_keys(r):
            problems.append("netlens flow %s %s:%s -> %s:%s has %s, tshark has no such TCP/UDP flow" % (
                r.get("protocol"), r.get("source_ip"), r.get("source_port"), r.get("destination_ip"),
                r.get("destination_port"), sorted(dpi_keys(r))))

    summary = ", ".join("%s %d" % (d, counts[d]) for d in DISSECTORS if counts[d])
    for p in problems:
        print("MISMATCH %s: %s" % (cap, p))
    print("# %s: %d flows (%s), %d DPI fields agree, %d differences" % (
        cap, len(flows), summary or "no DPI", checked_fields, len(problems)))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
