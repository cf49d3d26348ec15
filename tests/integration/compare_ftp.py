#!/usr/bin/python3
"""compare_ftp.py - netlens' ftp_* fields against tshark, flow by flow.

usage: compare_ftp.py [-d tshark-decode-as]... [--starttls-port N]... [--require KEY=REGEX]...
                      CAPTURE NETLENS.json

tshark (-T fields) gives every FTP request (ftp.request.command, .arg) and
reply (ftp.response.code, .arg) of each TCP stream. The expected fields are
derived as dissectors/ftp.c documents them:

  ftp_server_software  the text of the first reply when it is a 220
  ftp_user             the last USER's argument
  ftp_commands         the distinct verbs, upper case, in order (16 at most)
  ftp_last_command     the last request, "VERB arg" ("PASS ****" for PASS)
  ftp_reply_code/text  the last reply's
  ftp_system           the last 215 reply's text
  ftp_file             the RETR/STOR/STOU/APPE arguments, in order
  state label          the highest of FTP_GREETING < FTP_LOGIN < FTP_LOGGED_IN
                       < FTP_TRANSFER < FTP_TLS < FTP_QUIT reached

up to a 234 reply to AUTH (the rest is TLS) or a 221. A stream on a
STARTTLS port (--starttls-port, 21) whose first command other than FEAT is
AUTH is the TLS dissector's: it must have no ftp_* key and show TLS.
--require KEY=REGEX: some FTP flow that agrees has KEY (a JSON key, "state",
or "tcpPORT" for the label of a flow with that port) matching REGEX.
Exit 0 when every flow agrees; prints one line per flow.
"""
import json
import re
import subprocess
import sys

KEYS = ("ftp_server_software", "ftp_user", "ftp_commands", "ftp_last_command",
        "ftp_reply_code", "ftp_reply_text", "ftp_system", "ftp_file")
RANK = ["", "FTP_GREETING", "FTP_LOGIN", "FTP_LOGGED_IN", "FTP_TRANSFER", "FTP_TLS", "FTP_QUIT"]


def tshark(cap, decode):
    # Out-of-order reassembly, as netlens holds segments ahead of a gap
    # (a retransmission on a loaded machine).
    cmd = ["tshark", "-n", "-r", cap, "-o", "tcp.desegment_tcp_streams:TRUE",
           "-o", "tcp.reassemble_out_of_order:TRUE", "-Y", "ftp", "-T", "fields", "-E", "separator=/t",
           "-E", "occurrence=f", "-e", "tcp.stream", "-e", "ip.src", "-e", "ipv6.src",
           "-e", "tcp.srcport", "-e", "ip.dst", "-e", "ipv6.dst", "-e", "tcp.dstport",
           "-e", "ftp.request.command", "-e", "ftp.request.arg", "-e", "ftp.response.code",
           "-e", "ftp.response.arg"]
    for d in decode:
        cmd[2:2] = ["-d", d]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    streams = {}
    for line in out.splitlines():
        c = line.split("\t")
        c += [""] * (11 - len(c))
        if not (c[0].isdigit() and c[3].isdigit() and c[6].isdigit()):
            # the rest of a text field that held a line end: encrypted bytes
            # after AUTH TLS that tshark still decodes as FTP off port 21
            continue
        src, dst = c[1] or c[2], c[4] or c[5]
        s = streams.setdefault(c[0], {"key": frozenset(((src, int(c[3])), (dst, int(c[6])))),
                                      "events": []})
        if c[7]:
            s["events"].append(("req", c[7], c[8], int(c[3]), int(c[6])))
        elif c[9]:
            s["events"].append(("rep", int(c[9]), c[10], int(c[3]), int(c[6])))
    return streams


def expected(events, starttls_ports):
    ports = set()
    for e in events:
        ports |= {e[3], e[4]}
    first_cmd = [e[1].upper() for e in events if e[0] == "req" and e[1].upper() != "FEAT"]
    if ports & starttls_ports and first_cmd and first_cmd[0] == "AUTH":
        return None  # the TLS dissector's
    x = {}
    rank = 0
    auth = False
    first_reply = True
    for e in events:
        if e[0] == "req":
            verb, arg = e[1].upper(), e[2]
            cmds = x.setdefault("ftp_commands", [])
            if verb not in cmds and len(cmds) < 16:
                cmds.append(verb)
            if verb == "PASS":
                x["ftp_last_command"] = "PASS ****"
                continue
            x["ftp_last_command"] = (e[1] + " " + arg) if arg else e[1]
            if verb == "USER":
                x["ftp_user"] = arg
                rank = max(rank, 2)
            elif verb in ("RETR", "STOR", "STOU", "APPE") and arg:
                x.setdefault("ftp_file", []).append(arg)
            elif verb == "AUTH":
                auth = True
        else:
            code, text = e[1], e[2].strip()
            if first_reply and code == 220:
                x["ftp_server_software"] = text
            first_reply = False
            x["ftp_reply_code"] = code
            x["ftp_reply_text"] = text
            if code == 220:
                rank = max(rank, 1)
            elif code == 215:
                x["ftp_system"] = text
            elif code == 230:
                rank = max(rank, 3)
            elif code in (125, 150):
                rank = max(rank, 4)
            elif code == 234 and auth:
                rank = max(rank, 5)
                break
            elif code == 221:
                rank = max(rank, 6)
                break
    x = {k: v for k, v in x.items() if v != ""}
    x["label"] = RANK[rank] or None
    return x


def main():
    decode, starttls, require, args = [], set(), [], []
    it = iter(sys.argv[1:])
    for a in it:
        if a == "-d":
            decode.append(next(it))
        elif a == "--starttls-port":
            starttls.add(int(next(it)))
        elif a == "--require":
            k, v = next(it).split("=", 1)
            require.append((k, v))
        else:
            args.append(a)
    cap, js = args
    want = {}
    for s in tshark(cap, decode).values():
        want[s["key"]] = expected(s["events"], starttls)
    bad = n_ftp = n_tls = 0
    seen = set()
    agreeing = []
    with open(js) as fp:
        for line in fp:
            line = line.strip()
            if not line.startswith("{"):
                continue
            f = json.loads(line)
            if f.get("protocol") != "TCP":
                continue
            key = frozenset(((f["source_ip"], f["source_port"]), (f["destination_ip"], f["destination_port"])))
            seen.add(key)
            got = {k: f[k] for k in KEYS if k in f}
            name = "%s:%s -> %s:%s" % (f["source_ip"], f["source_port"], f["destination_ip"],
                                       f["destination_port"])
            if key not in want:
                if got:
                    print("FAIL %s: no FTP in tshark, netlens shows %s" % (name, got))
                    bad += 1
                continue
            exp = want[key]
            if exp is None:
                if got or not str(f.get("dpi_protocol", "")).startswith("TLS"):
                    print("FAIL %s: AUTH TLS on a STARTTLS port: expected TLS, netlens %r %s"
                          % (name, f.get("dpi_protocol"), got))
                    bad += 1
                else:
                    n_tls += 1
                    print("ok   %s: STARTTLS, %s %s" % (name, f.get("dpi_protocol"), f.get("dpi_state")))
                continue
            n_ftp += 1
            problems = []
            e = {k: v for k, v in exp.items() if k != "label"}
            for k in sorted(set(e) | set(got)):
                if e.get(k) != got.get(k):
                    problems.append("%s: tshark %r, netlens %r" % (k, e.get(k), got.get(k)))
            if f.get("dpi_state") != exp["label"]:
                problems.append("state: expected %s, netlens %r" % (exp["label"], f.get("dpi_state")))
            if f.get("dpi_protocol") != "FTP":
                problems.append("dpi_protocol %r" % f.get("dpi_protocol"))
            if problems:
                print("FAIL %s: %s" % (name, "; ".join(problems)))
                bad += 1
            else:
                have = dict(got)
                have["state"] = f.get("dpi_state")
                for port in (f["source_port"], f["destination_port"]):
                    have["tcp%d" % port] = f.get("dpi_state")
                agreeing.append(have)
                print("ok   %s: %s %s" % (name, f.get("dpi_state"), json.dumps(got, sort_keys=True)))
    for key in want:
        if key not in seen:
            print("FAIL flow %s: FTP in tshark, not in netlens' output" % sorted(key))
            bad += 1
    for k, rx in require:
        if not any(k in h and re.fullmatch(rx, h[k] if isinstance(h[k], str) else json.dumps(h[k]))
                   for h in agreeing):
            print("FAIL no FTP flow has %s matching %s" % (k, rx))
            bad += 1
    print("# %d FTP flows and %d STARTTLS flows agree with tshark, %d disagree" % (
        n_ftp, n_tls, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
