#!/usr/bin/env python3
"""compare_mqtt.py - checks netlens' mqtt_* fields of every MQTT flow of a
capture against tshark's MQTT decoding of the same capture.

usage: compare_mqtt.py [-d tcp.port==N,mqtt]... [--flows N] [--require K=REGEX]...
                       CAPTURE NETLENS_JSON

Per TCP flow whose client sent a CONNECT (tshark's MQTT), the expected
values follow the dissector's rules (dissectors/mqtt.c): the first 32
packets a direction (fewer after the client's DISCONNECT or a refused
CONNACK), packet types in order of first appearance, PUBLISH topics and
SUBSCRIBE filters distinct in order (at most 16), max_qos the highest of the
PUBLISH QoS and the requested subscription QoS, version from the level,
connack_code the return (3.x) or reason (5.0) code. The flows must match
exactly: same set, same values; no other flow may carry mqtt_* keys.
--require K=REGEX: some flow's key K (JSON-encoded value) matches REGEX;
"state" is dpi_state, "portN" the client_id of a flow to server port N.
"""
import json
import re
import subprocess
import sys

FIELDS = ["frame.number", "tcp.stream", "ip.src", "ipv6.src", "tcp.srcport", "ip.dst", "ipv6.dst",
          "tcp.dstport", "mqtt.hdrflags", "mqtt.msgtype", "mqtt.ver", "mqtt.clientid",
          "mqtt.username", "mqtt.willtopic", "mqtt.kalive", "mqtt.conflags", "mqtt.conack.val",
          "mqtt.connack.reason_code", "mqtt.conack.flags", "mqtt.topic", "mqtt.sub.qos",
          "mqtt.subscription_options_qos", "mqtt.disconnect.reason_code"]
NAMES = ["", "CONNECT", "CONNACK", "PUBLISH", "PUBACK", "PUBREC", "PUBREL", "PUBCOMP",
         "SUBSCRIBE", "SUBACK", "UNSUBSCRIBE", "UNSUBACK", "PINGREQ", "PINGRESP", "DISCONNECT",
         "AUTH"]
SEP = "\x1f"


def num(v):
    v = v.strip()
    if v in ("True", "False"):
        return int(v == "True")
    return int(v, 0)


def tshark(cap, decode_as):
    # Out-of-order reassembly: a segment lost on a loaded veth and sent
    # again arrives after later ones; without it tshark drops the message
    # that spans the gap (a 200 KB PUBLISH) while netlens, which holds
    # segments ahead of a gap, reads it.
    cmd = ["tshark", "-n", "-r", cap, "-o", "tcp.desegment_tcp_streams:TRUE",
           "-o", "tcp.reassemble_out_of_order:TRUE", "-Y", "mqtt", "-T", "fields", "-E", "occurrence=a",
           "-E", "aggregator=" + SEP, "-E", "separator=\t"]
    for d in decode_as:
        cmd += ["-d", d]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        cols = line.split("\t")
        cols += [""] * (len(FIELDS) - len(cols))
        rows.append({f: ([x for x in c.split(SEP)] if c else []) for f, c in zip(FIELDS, cols)})
    return rows


def expected(rows):
    flows = {}
    for r in rows:
        stream = r["tcp.stream"][0]
        src = (r["ip.src"] or r["ipv6.src"])[0], int(r["tcp.srcport"][0])
        dst = (r["ip.dst"] or r["ipv6.dst"])[0], int(r["tcp.dstport"][0])
        types = [num(t) for t in r["mqtt.msgtype"]]
        hdr = [num(h) for h in r["mqtt.hdrflags"]]
        f = flows.get(stream)
        if f is None:
            if not types or types[0] != 1:
                continue        # no CONNECT first: not claimed
            f = flows[stream] = {"client": src, "server": dst, "n": {True: 0, False: 0},
                                 "stop": {True: False, False: False}, "v": {}, "types": [],
                                 "topics": [], "qos": None}
        fc = src == f["client"]
        v = f["v"]
        topics = list(r["mqtt.topic"])
        subq = [num(q) for q in r["mqtt.sub.qos"] + r["mqtt.subscription_options_qos"]]
        for i, t in enumerate(types):
            if f["stop"][fc] or f["n"][fc] >= 32:
                f["stop"][fc] = True
                break
            f["n"][fc] += 1
            if NAMES[t] not in f["types"]:
                f["types"].append(NAMES[t])
            v["state"] = "MQTT_" + NAMES[t]
            if t == 1:
                lv = num(r["mqtt.ver"][0])
                v["mqtt_version"] = {3: "3.1", 4: "3.1.1", 5: "5.0"}[lv]
                v["mqtt_client_id"] = r["mqtt.clientid"][0] if r["mqtt.clientid"] else ""
                fl = num(r["mqtt.conflags"][0])
                v["mqtt_connect_flags"] = fl
                v["mqtt_clean_session"] = (fl >> 1) & 1
                v["mqtt_keep_alive"] = num(r["mqtt.kalive"][0])
                if fl & 0x80:
                    v["mqtt_user"] = r["mqtt.username"][0]
                if fl & 0x04:
                    v["mqtt_will_topic"] = r["mqtt.willtopic"][0]
                f["level"] = lv
            elif t == 2:
                code = (r["mqtt.conack.val"] or r["mqtt.connack.reason_code"])[0]
                v["mqtt_connack_code"] = num(code)
                if r["mqtt.conack.flags"]:     # not in 3.1 (reserved there)
                    v["mqtt_session_present"] = num(r["mqtt.conack.flags"][0]) & 1
                if num(code):
                    f["stop"][True] = f["stop"][False] = True
            elif t == 3:
                top = topics.pop(0) if topics else ""
                if top and top not in f["topics"] and len(f["topics"]) < 16:
                    f["topics"].append(top)
                q = (hdr[i] >> 1) & 3
                f["qos"] = q if f["qos"] is None else max(f["qos"], q)
            elif t == 8:
                while topics:
                    top = topics.pop(0)
                    if top not in f["topics"] and len(f["topics"]) < 16:
                        f["topics"].append(top)
                for q in subq:
                    f["qos"] = q if f["qos"] is None else max(f["qos"], q)
            elif t == 10:
                topics = []     # UNSUBSCRIBE filters are not listed
            elif t == 14:
                if f.get("level") == 5:
                    rc = r["mqtt.disconnect.reason_code"]
                    v["mqtt_disconnect_reason"] = num(rc[0]) if rc else 0
                f["stop"][fc] = True
    out = {}
    for f in flows.values():
        v = f["v"]
        v["mqtt_packet_types"] = f["types"]
        if f["topics"]:
            v["mqtt_topics"] = f["topics"]
        if f["qos"] is not None:
            v["mqtt_max_qos"] = f["qos"]
        out[(f["client"], f["server"])] = v
    return out


def main():
    args = sys.argv[1:]
    decode, requires, nflows = [], [], None
    while args and args[0].startswith("-"):
        a = args.pop(0)
        if a == "-d":
            decode.append(args.pop(0))
        elif a == "--require":
            requires.append(args.pop(0))
        elif a == "--flows":
            nflows = int(args.pop(0))
    cap, js = args
    want = expected(tshark(cap, decode))
    got = {}
    for line in open(js):
        line = line.strip()
        if not line.startswith("{"):
            continue
        o = json.loads(line)
        if o.get("protocol") != "TCP":
            continue
        m = {k: o[k] for k in o if k.startswith("mqtt_")}
        if not m:
            continue
        if "dpi_state" in o:
            m["state"] = o["dpi_state"]
        key = ((o["source_ip"], o["source_port"]), (o["destination_ip"], o["destination_port"]))
        got[key] = m
    bad = 0
    for k in sorted(set(want) | set(got)):
        w, g = want.get(k), got.get(k)
        name = "%s:%d -> %s:%d" % (k[0] + k[1])
        if w != g:
            bad += 1
            print("FAIL %s\n  tshark:  %s\n  netlens: %s" % (name, json.dumps(w, sort_keys=True),
                                                           json.dumps(g, sort_keys=True)))
        else:
            print("ok   %s %s" % (name, json.dumps(g, sort_keys=True)))
    if nflows is not None and len(want) != nflows:
        bad += 1
        print("FAIL %d MQTT flows in the capture, expected %d" % (len(want), nflows))
    for req in requires:
        k, rx = req.split("=", 1)
        hit = False
        for (cl, sv), g in got.items():
            if k.startswith("port"):
                val = g.get("mqtt_client_id", "") if sv[1] == int(k[4:]) else None
            else:
                val = g.get(k)
            if val is None:
                continue
            sval = val if isinstance(val, str) else json.dumps(val)
            if re.fullmatch(rx, sval):
                hit = True
        if not hit:
            bad += 1
            print("FAIL no flow has %s" % req)
    print("%d MQTT flows compared with tshark, %d differ" % (len(want), bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
