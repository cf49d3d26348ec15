#!/usr/bin/env python3
"""bt_tracker.py - a minimal HTTP BitTorrent tracker (BEP 3, compact peers,
BEP 23) for tests/integration/dpi-bittorrent.test: the clients under test
are real (aria2c, transmission); this only tells each who the others are.

usage: bt_tracker.py ADDR PORT READY_FILE
"""
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, HTTPServer

PEERS = {}  # info_hash -> {(ip, port)}


class Tracker(BaseHTTPRequestHandler):
    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        # info_hash is raw bytes, percent-encoded: parse as latin-1.
        q = urllib.parse.parse_qs(url.query, encoding="latin-1")
        ih = q.get("info_hash", [""])[0].encode("latin-1")
        port = int(q.get("port", ["0"])[0])
        ip = self.client_address[0]
        me = (ip, port)
        peers = PEERS.setdefault(ih, set())
        if q.get("event", [""])[0] != "stopped":
            peers.add(me)
        # Seeders (left=0) are told of nobody: only the fetching clients
        # connect, so each connection's initiator is known.
        seeder = q.get("left", ["1"])[0] == "0"
        compact = b"".join(
            bytes(int(x) for x in p[0].split(".")) + p[1].to_bytes(2, "big")
            for p in sorted(peers) if p != me and ":" not in p[0] and not seeder)
        body = b"d8:intervali5e12:min intervali5e5:peers%d:%se" % (len(compact), compact)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, fmt, *args):
        sys.stderr.write("tracker: " + (fmt % args) + "\n")


def main():
    srv = HTTPServer((sys.argv[1], int(sys.argv[2])), Tracker)
    open(sys.argv[3], "w").close()
    srv.serve_forever()


if __name__ == "__main__":
    main()
