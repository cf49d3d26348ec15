#!/bin/bash
# make-vectors.sh - regenerates the HTTP vectors for test_http.c.
#
# Runs curl against nginx on the loopback of a private network namespace,
# captures with tcpdump, and writes each connection's two TCP streams as
# NAME.c2s.bin / NAME.s2c.bin (at most 16384 bytes each, as the host's
# NL_DESC_STREAM delivers them; extracted with tshark -z follow,tcp,raw).
# expected.tsv holds what tshark itself dissected from the first request and
# response (method, host, uri, user agent, status), independently of http.c.
#
# Usage (root): tests/dissectors/vectors/http/make-vectors.sh
# Needs: nginx curl tcpdump tshark python3 unshare.
set -euo pipefail

OUT=$(cd "$(dirname "$0")" && pwd)
if [ "${NL_IN_NETNS:-}" != 1 ]; then
	exec env NL_IN_NETNS=1 unshare -n "$0" "$@"
fi

ip link set lo up
W=$(mktemp -d)
trap 'kill $(cat "$W"/*.pid 2>/dev/null) 2>/dev/null || true; rm -rf "$W"' EXIT

mkdir -p "$W/www" "$W/ngx"
chmod 755 "$W" "$W/www"
echo hello >"$W/www/index.html"
echo world >"$W/www/second.txt"
cat >"$W/nginx.conf" <<NGX
daemon on;
pid $W/nginx.pid;
error_log $W/ngx/error.log;
events {}
http {
	access_log off;
	client_body_temp_path $W/ngx; proxy_temp_path $W/ngx; fastcgi_temp_path $W/ngx;
	uwsgi_temp_path $W/ngx; scgi_temp_path $W/ngx;
	server {
		listen 127.0.0.1:8080;
		listen 127.0.0.1:5001;
		root $W/www;
		location /post { return 201 "created\n"; }
	}
}
NGX
nginx -c "$W/nginx.conf"
sleep 0.5

capture() { # name port command...
	local name=$1 port=$2
	shift 2
	tcpdump -i lo -U -w "$W/$name.pcap" "tcp port $port" 2>/dev/null &
	local tp=$!
	sleep 0.7
	"$@" </dev/null >/dev/null 2>&1 || true
	sleep 0.7
	kill "$tp"
	wait "$tp" 2>/dev/null || true
}

capture curl_get 8080 curl -s http://www.netlens.test:8080/index.html --resolve www.netlens.test:8080:127.0.0.1
# Two requests on one keep-alive connection.
capture curl_keepalive 8080 curl -s --resolve ka.netlens.test:8080:127.0.0.1 \
	http://ka.netlens.test:8080/index.html http://ka.netlens.test:8080/second.txt
capture curl_http10_404 8080 curl -s -0 -A "netlens-test/1.0 (vectors)" http://127.0.0.1:8080/missing?q=1
capture curl_post 8080 curl -s -H "X-Extra: 1" -d "a=1&b=2" http://post.netlens.test:8080/post \
	--resolve post.netlens.test:8080:127.0.0.1
# A port nobody hints at.
capture curl_oddport 5001 curl -s http://127.0.0.1:5001/

: >"$OUT/expected.tsv.new"
for p in "$W"/*.pcap; do
	name=$(basename "$p" .pcap)
	tshark -r "$p" -q -z follow,tcp,raw,0 2>/dev/null | python3 -c '
import sys
c, s = bytearray(), bytearray()
body = False
for line in sys.stdin:
    if line.startswith("Node 1:"):
        body = True
        continue
    if not body or line.startswith("===="):
        continue
    h = line.strip()
    if not h:
        continue
    (s if line.startswith("\t") else c).extend(bytes.fromhex(h))
open(sys.argv[1] + ".c2s.bin", "wb").write(bytes(c[:16384]))
open(sys.argv[1] + ".s2c.bin", "wb").write(bytes(s[:16384]))
' "$OUT/$name"
	F="-T fields -E separator=/t -E occurrence=f"
	rq=$(tshark -r "$p" -Y http.request $F -e http.request.method -e http.host \
		-e http.request.uri -e http.user_agent 2>/dev/null | head -1)
	rs=$(tshark -r "$p" -Y http.response $F -e http.response.code 2>/dev/null | head -1)
	rv=$(tshark -r "$p" -Y http.request $F -e http.request.version 2>/dev/null | head -1)
	sv=$(tshark -r "$p" -Y http.response $F -e http.response.version 2>/dev/null | head -1)
	printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$rq" "$rs" "$rv" "$sv" >>"$OUT/expected.tsv.new"
done
sort "$OUT/expected.tsv.new" >"$OUT/expected.tsv"
rm -f "$OUT/expected.tsv.new"
cat "$OUT/expected.tsv"
