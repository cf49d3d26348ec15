#!/bin/bash
# make-vectors.sh - regenerates the TLS handshake vectors for test_tls.c.
#
# Runs real TLS clients (curl, openssl s_client) against real servers
# (nginx, openssl s_server) on the loopback of a private network namespace,
# captures with tcpdump, and extracts each direction's TCP stream with
# tshark -z follow,tcp,raw into NAME.c2s.bin / NAME.s2c.bin (at most 16384
# bytes each, as the host's NL_DESC_STREAM delivers). expected.tsv holds what
# tshark itself dissected (SNI, ALPN, ciphers, extensions, ...) and the JA4
# computed from those tshark fields by ja4ref.py, independently of tls.c.
#
# Usage (root): tests/dissectors/vectors/tls/make-vectors.sh
# Needs: nginx openssl curl tcpdump tshark python3 unshare.
set -euo pipefail

OUT=$(cd "$(dirname "$0")" && pwd)
if [ "${NL_IN_NETNS:-}" != 1 ]; then
	exec env NL_IN_NETNS=1 unshare -n "$0" "$@"
fi

ip link set lo up
W=$(mktemp -d)
trap 'kill $(cat "$W"/*.pid 2>/dev/null) 2>/dev/null || true; rm -rf "$W"' EXIT

openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
	-subj /CN=netlens.test -keyout "$W/key.pem" -out "$W/cert.pem" 2>/dev/null

mkdir -p "$W/www" "$W/ngx"
echo hello >"$W/www/index.html"
cat >"$W/nginx.conf" <<EOF
daemon on;
pid $W/nginx.pid;
error_log $W/ngx/error.log;
events {}
http {
	access_log off;
	client_body_temp_path $W/ngx; proxy_temp_path $W/ngx; fastcgi_temp_path $W/ngx;
	uwsgi_temp_path $W/ngx; scgi_temp_path $W/ngx;
	server {
		listen 127.0.0.1:8443 ssl http2;
		ssl_certificate $W/cert.pem;
		ssl_certificate_key $W/key.pem;
		ssl_protocols TLSv1.2 TLSv1.3;
		root $W/www;
	}
}
EOF
nginx -c "$W/nginx.conf"
# A TLS 1.2-only server offering one ECDHE-RSA... here ECDSA GCM suite.
openssl s_server -quiet -accept 4433 -cert "$W/cert.pem" -key "$W/key.pem" -tls1_2 \
	-cipher ECDHE-ECDSA-AES256-GCM-SHA384 -www </dev/null >/dev/null 2>&1 &
echo $! >"$W/sserver.pid"
sleep 1

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

RES=--resolve
capture curl13_h2 8443 curl -sk --tlsv1.3 --http2 $RES www.netlens.test:8443:127.0.0.1 https://www.netlens.test:8443/
capture curl12_h11 8443 curl -sk --tlsv1.2 --tls-max 1.2 --http1.1 $RES api.netlens.test:8443:127.0.0.1 https://api.netlens.test:8443/
capture curl_ip 8443 curl -sk --http1.1 https://127.0.0.1:8443/
capture sclient_alpn 8443 timeout 3 openssl s_client -connect 127.0.0.1:8443 -servername mail.netlens.test -alpn h2,http/1.1
# The client offers 1.3, the server picks 1.2: tls.version must be the server's.
capture curl13_to_12 4433 curl -sk --http1.1 $RES old.netlens.test:4433:127.0.0.1 https://old.netlens.test:4433/
capture sclient12_nosni 4433 timeout 3 openssl s_client -connect 127.0.0.1:4433 -noservername -tls1_2
# A ClientHello larger than one 512-byte record: the handshake message is
# fragmented over two TLS records (and TCP segments).
LONG=h2,http/1.1
for i in $(seq 1 14); do LONG="$LONG,x-netlens-experimental-protocol-$i"; done
capture sclient_frag 8443 timeout 3 openssl s_client -connect 127.0.0.1:8443 -servername frag.netlens.test \
	-max_send_frag 512 -alpn "$LONG"

: >"$OUT/expected.tsv.new"
for p in "$W"/*.pcap; do
	name=$(basename "$p" .pcap)
	tshark -r "$p" -q -z follow,tcp,raw,0 >"$W/$name.follow"
	python3 "$OUT/ja4ref.py" streams "$W/$name.follow" "$OUT/$name"
	F="-T fields -E separator=/t -E occurrence=a -E aggregator=,"
	ch=$(tshark -r "$p" -Y 'tls.handshake.type==1' $F -e tls.handshake.extensions_server_name \
		-e tls.handshake.extensions_alpn_str -e tls.handshake.ciphersuite \
		-e tls.handshake.extension.type -e tls.handshake.sig_hash_alg \
		-e tls.handshake.extensions.supported_version -e tls.handshake.version | head -1)
	sh=$(tshark -r "$p" -Y 'tls.handshake.type==2' $F -e tls.handshake.ciphersuite \
		-e tls.handshake.extensions.supported_version -e tls.handshake.version | head -1)
	cname=$(tshark -r "$p" -Y 'tls.handshake.type==2' -V | grep -m1 -oP 'Cipher Suite: \K\S+' || true)
	printf '%s\t%s\t%s\t%s\n' "$name" "$ch" "$sh" "$cname" | python3 "$OUT/ja4ref.py" expect >>"$OUT/expected.tsv.new"
done
sort "$OUT/expected.tsv.new" >"$OUT/expected.tsv"
rm -f "$OUT/expected.tsv.new"
cat "$OUT/expected.tsv"
