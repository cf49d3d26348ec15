#!/usr/bin/env python3
"""tui_screen.py - reads a netlens screen captured with `tmux capture-pane -p`.

  rows SCREEN                      print the table rows as TSV (for logs)
  check-sorted SCREEN COLUMN DIR [CREATED]
                                   the rows are ordered by COLUMN (asc|desc);
                                   with CREATED (the screen in the default
                                   order), rows with equal keys keep it
  check-filter SCREEN JSONL EXPR   the rows shown are exactly the flows of the
                                   headless JSON dump that EXPR selects
  attrs SCREEN_E REGEX             SCREEN_E from `capture-pane -p -e`: the
                                   attributes where REGEX first matches, e.g.
                                   "fg=1 bold reverse" (fg=default when none;
                                   bg=N after fg when not the default)
  colours SCREEN_E                 lists every colour used (nothing when none)

The filter oracle here is written independently of ui/filter.c and covers
the keywords the tests use; it evaluates the JSON records, not the screen.
Exit 0 when the check holds, 1 with the reason on stdout.
"""
import ipaddress
import json
import re
import sys

COLUMNS = ["Proto", "Local", "Remote", "State", "Service", "Application", "RTT", "Down", "Up", "Process"]


def table(path):
    lines = open(path, encoding="utf-8").read().split("\n")
    for i, line in enumerate(lines):
        if re.match(r"^Proto\S*\s", line):
            header = line
            break
    else:
        raise SystemExit("FAIL: no table header on screen")
    # Column starts from the header titles (arrows and markers stripped).
    starts = []
    for m in re.finditer(r"\S+", header):
        starts.append((m.start(), re.sub(r"[↑↓^v]$|^[↑↓]", "", m.group())))
    rows = []
    left = [(st, n) for st, n in starts if n not in ("Down", "Up")]
    rate_re = re.compile(r"(\d[\d.]* [KMG]?B/s|closed)")
    for line in lines[i + 1:]:
        if not line.strip() or re.match(r"^\d+-\d+ of|^0 of|^filter:|^/", line):
            break
        if line.lstrip().startswith(("▾", "- ")):
            continue
        row = {}
        for k, (start, name) in enumerate(left):
            end = left[k + 1][0] if k + 1 < len(left) else len(line)
            row[name] = line[start:end].strip()
        # Down and Up are right-aligned after the application (and the RTT
        # when it is shown): split them off the column before them.
        before = "RTT" if "RTT" in row else "Application"
        if before in row:
            cell = row[before]
            rates = list(rate_re.finditer(cell))
            tail = [m for m in rates if m.start() == 0 or cell[m.start() - 1] == " "][-2:]
            if tail:
                row["Down"] = tail[0].group()
                row["Up"] = tail[1].group() if len(tail) > 1 else ""
                row[before] = cell[:tail[0].start()].strip()
        rows.append(row)
    return header, rows


def rate(s):
    m = re.match(r"([\d.]+) (B|KB|MB|GB)/s", s)
    if not m:
        return 0.0
    return float(m.group(1)) * {"B": 1, "KB": 1024, "MB": 1 << 20, "GB": 1 << 30}[m.group(2)]


def rtt(s):
    """The RTT column's text ("0.06 ms", "12.3 ms", "1.5 s", "-") in µs; none is 0."""
    m = re.match(r"([\d.]+) (ms|s)$", s)
    if not m:
        return 0.0
    return float(m.group(1)) * (1000 if m.group(2) == "ms" else 1e6)


def endpoint_key(s):
    m = re.match(r"^\[(.*)\]:(\d+)$", s) or re.match(r"^([\d.]+):(\d+)$", s)
    host, port = (m.group(1), int(m.group(2))) if m else (s, 0)
    try:
        a = ipaddress.ip_address(host)
        return (a.version, int(a), port)
    except ValueError:
        return (9, 0, port)


def identity(r):
    return (r.get("Proto"), r.get("If"), r.get("Local"), r.get("Remote"), r.get("State"))


def check_sorted(path, col, direction, created=None):
    header, rows = table(path)
    if not rows:
        return "no rows"
    ties = 0
    if created:	# stable: ties in the order of first packet, either direction
        _, crows = table(created)
        ids = [identity(r) for r in crows]
        order = {i: n for n, i in enumerate(ids) if ids.count(i) == 1}
        for ra, rb in zip(rows, rows[1:]):
            if col in ("Bandwidth", "RTT") or ra[col] != rb[col] or ra[col].endswith("…"):
                continue
            a, b = order.get(identity(ra)), order.get(identity(rb))
            if a is None or b is None:
                continue
            ties += 1
            if a > b:
                return "tie on %s %r not in creation order: %r before %r" % (col, ra[col],
                                                                         identity(ra), identity(rb))
    if col in ("Local", "Remote"):
        keys = [endpoint_key(r[col]) for r in rows]
    elif col == "Bandwidth":
        keys = [rate(r.get("Down", "")) + rate(r.get("Up", "")) for r in rows]
    elif col == "RTT":
        keys = [rtt(r.get("RTT", "")) for r in rows]
    else:
        keys = [r[col].lower() for r in rows]
    for a, b, ra, rb in zip(keys, keys[1:], rows, rows[1:]):
        if col in ("Bandwidth", "RTT"):	# shown rounded: allow that much
            bad = (b > a * 1.1 + 1) if direction == "desc" else (a > b * 1.1 + 1)
        else:
            bad = (b > a) if direction == "desc" else (a > b)
        if bad and not (col not in ("Local", "Remote", "Bandwidth", "RTT") and
                        (ra[col].endswith("…") or rb[col].endswith("…"))):
            return "rows out of order by %s %s: %r then %r" % (col, direction, ra.get(col, ra),
                                                                 rb.get(col, rb))
    if created and col in ("Proto", "State", "Service", "Process") and not ties:
        return "no equal %s keys: stability was not checked" % col
    return None


def endpoint(ip, port, proto):
    if proto not in ("TCP", "UDP"):
        return ip
    return "[%s]:%d" % (ip, port) if ":" in ip else "%s:%d" % (ip, port)


def record_matches(rec, term):
    neg = term.startswith("!")
    if neg:
        term = term[1:]
    key, _, val = term.partition(":")
    key = key.lower()
    val_l = val.lower()
    proto = rec["protocol"]
    sni = rec.get("dpi_domain", "")
    fields = {
        "proto": proto, "state": rec.get("state", ""), "service": rec.get("service_name", ""),
        "app": rec.get("dpi_protocol", "").replace(" (", " ").rstrip(")") if rec.get("dpi_protocol") else "",
        "src": rec["source_ip"], "dst": rec["destination_ip"], "sni": sni, "host": sni,
        "ssh": " ".join(str(v) for k, v in rec.items() if k.startswith("ssh_")),
        "process": "",
    }
    if key in ("port", "sport", "dport"):
        ports = {"port": [rec.get("source_port"), rec.get("destination_port")],
                 "sport": [rec.get("source_port")], "dport": [rec.get("destination_port")]}[key]
        if val.startswith("/") and val.endswith("/") and len(val) > 2:
            ok = any(re.search(val[1:-1], str(p or 0)) for p in ports)
        else:
            ok = int(val) in [p or 0 for p in ports]
    elif key in fields:
        v = fields[key]
        if val.startswith("/") and val.endswith("/") and len(val) > 2:
            ok = re.search(val[1:-1], v, re.I) is not None
        else:
            ok = val_l in v.lower()
    else:	# free text over the visible and DPI fields
        hay = [proto, endpoint(rec["source_ip"], rec.get("source_port", 0), proto),
               endpoint(rec["destination_ip"], rec.get("destination_port", 0), proto),
               rec.get("state", ""), rec.get("service_name", ""), fields["app"], sni]
        for k, v in rec.items():
            if k.split("_")[0] in ("tls", "http", "dns", "ssh", "quic", "mqtt"):
                hay += v if isinstance(v, list) else [str(v)]
        ok = any(term.lower() in str(h).lower() for h in hay)
    return ok != neg


def check_filter(path, jsonl, expr):
    header, rows = table(path)
    recs = [json.loads(l) for l in open(jsonl, encoding="utf-8") if l.strip()]
    want = sorted((r["protocol"], endpoint(r["destination_ip"], r.get("destination_port", 0), r["protocol"]))
                  for r in recs if all(record_matches(r, t) for t in expr.split()))
    got = sorted((r["Proto"], r["Remote"]) for r in rows)
    if want != got:
        return "filter %r: expected %d rows %s, screen has %d %s" % (expr, len(want), want, len(got), got)
    if not want:
        return "filter %r selects nothing: a useless test" % expr
    return None


SGR_RE = re.compile(r"\x1b\[([0-9;]*)m")
OTHER_ESC_RE = re.compile(r"\x1b(\[[0-9;?]*[A-Za-ln-z]|\][^\x07]*\x07|[()][0-9A-B])")


def sgr_cells(path):
    """Yields (line, [(char, attrs)]) for a screen captured with escapes.
    tmux carries attributes from one line to the next, so the state is
    tracked over the whole capture, as a terminal would."""
    st = {"fg": "default", "bg": "default", "bold": 0, "dim": 0, "underline": 0, "reverse": 0}
    text = OTHER_ESC_RE.sub("", open(path, encoding="utf-8").read())
    for line in text.split("\n"):
        cells, pos = [], 0
        for m in SGR_RE.finditer(line):
            cells += [(c, dict(st)) for c in line[pos:m.start()]]
            pos = m.end()
            codes = [int(c) if c else 0 for c in m.group(1).split(";")]
            i = 0
            while i < len(codes):
                c = codes[i]
                if c == 0:
                    st.update(fg="default", bg="default", bold=0, dim=0, underline=0, reverse=0)
                elif c in (1, 2, 4, 7):
                    st[{1: "bold", 2: "dim", 4: "underline", 7: "reverse"}[c]] = 1
                elif c == 22:
                    st.update(bold=0, dim=0)
                elif c in (24, 27):
                    st[{24: "underline", 27: "reverse"}[c]] = 0
                elif 30 <= c <= 37 or 90 <= c <= 97:
                    st["fg"] = str(c - 30 if c < 90 else c - 82)
                elif 40 <= c <= 47 or 100 <= c <= 107:
                    st["bg"] = str(c - 40 if c < 100 else c - 92)
                elif c in (38, 48) and i + 1 < len(codes):
                    n = 3 if codes[i + 1] == 5 else 5
                    st["fg" if c == 38 else "bg"] = ",".join(map(str, codes[i + 2:i + n]))
                    i += n - 1
                elif c == 39:
                    st["fg"] = "default"
                elif c == 49:
                    st["bg"] = "default"
                i += 1
        cells += [(c, dict(st)) for c in line[pos:]]
        yield "".join(c for c, _ in cells), cells


def attrs(path, regex):
    for plain, cells in sgr_cells(path):
        m = re.search(regex, plain)
        if m:
            a = cells[m.start()][1]
            return " ".join(["fg=" + a["fg"]] + (["bg=" + a["bg"]] if a["bg"] != "default" else []) +
                            [k for k in ("bold", "dim", "underline", "reverse") if a[k]])
    return None


def colours(path):
    used = set()
    for _, cells in sgr_cells(path):
        for _, a in cells:
            used |= {k + "=" + a[k] for k in ("fg", "bg") if a[k] != "default"}
    return sorted(used)


def main():
    cmd = sys.argv[1]
    if cmd == "rows":
        _, rows = table(sys.argv[2])
        for r in rows:
            print("\t".join(r.get(c, "") for c in COLUMNS))
        return 0
    if cmd == "attrs":
        a = attrs(sys.argv[2], sys.argv[3])
        if a is None:
            print("FAIL: /%s/ is not on the screen" % sys.argv[3])
            return 1
        print(a)
        return 0
    if cmd == "colours":
        print(" ".join(colours(sys.argv[2])))
        return 0
    if cmd == "check-sorted":
        err = check_sorted(sys.argv[2], sys.argv[3], sys.argv[4],
                           sys.argv[5] if len(sys.argv) > 5 else None)
    elif cmd == "check-filter":
        err = check_filter(sys.argv[2], sys.argv[3], sys.argv[4])
    else:
        raise SystemExit("unknown command " + cmd)
    if err:
        print("FAIL: " + err)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
