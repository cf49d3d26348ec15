#!/bin/sh
# make-captures.sh OUTDIR - capture real traffic between real programs running
# in two private network namespaces (see lib.sh) into OUTDIR:
#   http.pcap https.pcap dns.pcapng ssh.pcap icmp.pcap arp.pcap
#   iperf-loss.pcap any.pcap (Linux cooked, tcpdump -i any) any-sll.pcap (SLL v1)
#   dpi-edge.pcap (bounds of the DPI dissectors)
#   quic.pcap (ngtcp2's gtlsserver/gtlsclient, QUIC v1; skipped, not failed,
#   when those are not installed: Debian ngtcp2-server, ngtcp2-client)
# Needs root. Exit 77 when it cannot run, 1 on failure, 0 when all were made.
# Set ONLY="http dns" to make a subset.
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"

OUT=${1:?usage: make-captures.sh OUTDIR}
mkdir -p "$OUT" || exit 1
OUT=$(cd "$OUT" && pwd)

want() { [ -z "$ONLY" ] && return 0; case " $ONLY " in *" $1 "*) return 0;; esac; return 1; }

nl_require_netns
nl_require_progs tcpdump
if want iperf && [ -z "$NL_IMPAIR" ]; then
	# the lossy capture needs its own topology with the impair.py bridge
	NL_IMPAIR="--loss 0.03 --reorder 0.04 --seed 7" NL_TAG="${NL_TAG}i" ONLY=iperf \
		sh "$HERE/make-captures.sh" "$OUT" >/dev/null || exit $?
	[ "$ONLY" = iperf ] && exit 0
	[ -n "$ONLY" ] || ONLY="http https any dns ssh icmp arp quic dpi-edge"
	ONLY=$(echo " $ONLY " | sed 's/ iperf / /')
fi
nl_init
nl_ns_setup
W=$(nl_tmpdir)
chmod 755 "$W"

# ---------------------------------------------------------------- http(s)
cap_http() {
	nl_require_progs nginx curl openssl
	nl_start_nginx "$W"

	if want http; then
		nl_capture_start "$NS_SV" "$IF_SV" "$OUT/http.pcap"
		# one keep-alive connection, several requests; then a second one over IPv6
		nl_cl curl -sS -m 10 -o /dev/null -o /dev/null -o /dev/null -o /dev/null \
			"http://$SV4/" "http://$SV4/big.txt" "http://$SV4/small.txt" "http://$SV4/missing" \
			|| nl_fail "curl http"
		nl_cl curl -sS -m 10 -o /dev/null -o /dev/null -g "http://[$SV6]/" "http://[$SV6]/big.txt" \
			|| nl_fail "curl http v6"
		nl_capture_stop
	fi
	if want https; then
		nl_capture_start "$NS_SV" "$IF_SV" "$OUT/https.pcap"
		nl_cl curl -sS -m 10 --cacert "$W/nginx/cert.pem" --resolve "netlens.test:443:$SV4" \
			--tlsv1.2 --tls-max 1.2 -o /dev/null -o /dev/null \
			https://netlens.test/ https://netlens.test/big.txt || nl_fail "curl tls1.2"
		nl_cl curl -sS -m 10 --cacert "$W/nginx/cert.pem" --resolve "netlens.test:443:$SV4" \
			--tlsv1.3 -o /dev/null https://netlens.test/big.txt || nl_fail "curl tls1.3"
		nl_capture_stop
	fi
	if want any; then
		# Linux cooked capture on "any" inside the server namespace (SLL2 by default)
		nl_capture_start "$NS_SV" any "$OUT/any.pcap"
		nl_cl curl -sS -m 10 -o /dev/null "http://$SV4/big.txt" || nl_fail "curl any"
		nl_cl ping -c 2 -i 0.2 -W 1 "$SV4" >/dev/null || nl_fail "ping any"
		nl_capture_stop
		nl_capture_start "$NS_SV" any "$OUT/any-sll.pcap" -y LINUX_SLL
		nl_cl curl -sS -m 10 -o /dev/null -g "http://[$SV6]/" || nl_fail "curl any-sll"
		nl_capture_stop
	fi
}

# ---------------------------------------------------------------- dns
cap_dns() {
	nl_require_progs dnsmasq dig editcap
	# big.netlens.test: answers of 2-3 KiB (EDNS0), so over IP fragments
	i=1; : >"$W/big.hosts"
	while [ $i -le 120 ]; do
		echo "10.231.9.$i big.netlens.test" >>"$W/big.hosts"
		echo "fd00:231:9::$i big.netlens.test" >>"$W/big.hosts"
		i=$((i + 1))
	done
	ip netns exec "$NS_SV" dnsmasq --no-daemon --no-resolv --no-hosts --bind-interfaces \
		--listen-address="$SV4" --listen-address="$SV6" --port=53 --user=root --group=root \
		--pid-file="$W/dnsmasq.pid" --log-facility=- --local=/netlens.test/ \
		--host-record=www.netlens.test,10.231.0.51,fd00:231::51 \
		--address=/a.netlens.test/10.231.0.50 \
		--txt-record=txt.netlens.test,"netlens integration test" \
		--addn-hosts="$W/big.hosts" --edns-packet-max=4096 \
		>"$W/dnsmasq.log" 2>&1 &
	nl_track $!
	nl_wait_listen "$NS_SV" 53 || nl_fail "dnsmasq did not start: $(cat "$W/dnsmasq.log")"
	nl_wait_listen_udp "$NS_SV" 53 || nl_fail "dnsmasq did not bind udp"
	nl_capture_start "$NS_SV" "$IF_SV" "$W/dns.pcap"
	D="+tries=1 +time=2"
	nl_cl dig $D @"$SV4" www.netlens.test A >/dev/null || nl_fail "dig A"
	nl_cl dig $D @"$SV4" www.netlens.test AAAA >/dev/null || nl_fail "dig AAAA"
	nl_cl dig $D @"$SV4" nope.netlens.test A | grep -q NXDOMAIN || nl_fail "dig NXDOMAIN"
	nl_cl dig $D @"$SV4" a.netlens.test A +tcp >/dev/null || nl_fail "dig tcp"
	nl_cl dig $D @"$SV4" txt.netlens.test TXT +tcp >/dev/null || nl_fail "dig tcp txt"
	nl_cl dig $D @"$SV6" www.netlens.test AAAA >/dev/null || nl_fail "dig v6"
	nl_cl dig $D @"$SV6" www.netlens.test A +tcp >/dev/null || nl_fail "dig v6 tcp"
	# answers larger than the MTU come in IP fragments: read put together
	nl_cl dig $D +bufsize=4096 @"$SV4" big.netlens.test A | grep -q "10.231.9.120" ||
		nl_fail "dig big A (fragmented answer)"
	nl_cl dig $D +bufsize=4096 @"$SV6" big.netlens.test AAAA | grep -q "fd00:231:9::78" ||
		nl_fail "dig big AAAA (fragmented answer)"
	# one UDP socket asking in turn, each answer awaited (as c-ares does):
	# the flow lists every name and keeps the last answer's rcode
	nl_cl "$PYTHON" -c '
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(2)
for i, name in enumerate(("www.netlens.test", "nope.netlens.test", "a.netlens.test")):
    q = struct.pack(">HHHHHH", 0x5100 + i, 0x0100, 1, 0, 0, 0)
    q += b"".join(bytes([len(l)]) + l.encode() for l in name.split(".")) + b"\0"
    q += struct.pack(">HH", 1, 1)
    s.sendto(q, (sys.argv[1], 53))
    r = s.recv(1500)
    assert r[:2] == q[:2], "answer to another query"' "$SV4" || nl_fail "three queries on one socket"
	nl_capture_stop
	# tcpdump writes pcap only: store this one as pcapng (nanosecond timestamps)
	editcap -F pcapng -T ether "$W/dns.pcap" "$OUT/dns.pcapng" || nl_fail "editcap to pcapng"
}

# ---------------------------------------------------------------- ssh
cap_ssh() {
	nl_require_progs ssh ssh-keygen
	SSHD=$(command -v sshd || echo /usr/sbin/sshd)
	[ -x "$SSHD" ] || nl_skip "missing program: sshd"
	mkdir -p "$W/ssh" /run/sshd
	ssh-keygen -q -t ed25519 -N '' -f "$W/ssh/host_key" || nl_fail "ssh-keygen host"
	ssh-keygen -q -t ed25519 -N '' -f "$W/ssh/user_key" || nl_fail "ssh-keygen user"
	cp "$W/ssh/user_key.pub" "$W/ssh/authorized_keys"
	chmod 600 "$W/ssh/authorized_keys"
	cat > "$W/ssh/sshd_config" <<SSHC
Port 22
Port 2222
ListenAddress $SV4
ListenAddress $SV6
HostKey $W/ssh/host_key
AuthorizedKeysFile $W/ssh/authorized_keys
PidFile $W/ssh/sshd.pid
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
LogLevel ERROR
SSHC
	ip netns exec "$NS_SV" "$SSHD" -D -e -f "$W/ssh/sshd_config" 2>"$W/ssh/sshd.log" &
	nl_track $!
	nl_wait_listen "$NS_SV" 2222 || nl_fail "sshd did not start: $(cat "$W/ssh/sshd.log")"
	SO="-F /dev/null -i $W/ssh/user_key -o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o ConnectTimeout=5 -o LogLevel=ERROR"
	nl_capture_start "$NS_SV" "$IF_SV" "$OUT/ssh.pcap"
	nl_cl timeout 15 ssh $SO -p 2222 root@"$SV4" 'echo netlens; uname -s' >/dev/null || nl_fail "ssh 2222"
	nl_cl timeout 15 ssh $SO -p 22 root@"$SV6" 'true' >/dev/null || nl_fail "ssh 22 v6"
	nl_capture_stop
}

# ---------------------------------------------------------------- icmp
cap_icmp() {
	nl_require_progs ping
	nl_capture_start "$NS_SV" "$IF_SV" "$OUT/icmp.pcap"
	nl_cl ping -c 3 -i 0.2 -W 1 "$SV4" >/dev/null || nl_fail "ping v4"
	nl_cl ping -6 -c 3 -i 0.2 -W 1 "$SV6" >/dev/null || nl_fail "ping v6"
	nl_cl ping -c 2 -i 0.2 -W 1 -s 3000 "$SV4" >/dev/null || nl_fail "ping v4 fragmented"
	nl_sv ping -c 2 -i 0.2 -W 1 "$CL4" >/dev/null || nl_fail "ping v4 reverse"
	# UDP to closed ports: ICMP / ICMPv6 port unreachable quoting these flows
	nl_cl "$PYTHON" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("10.231.0.1", 40001))
s.sendto(b"netlens probe", ("10.231.0.2", 9))
s6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s6.bind(("fd00:231::1", 40002))
s6.sendto(b"netlens probe v6", ("fd00:231::2", 9))
' || nl_fail "udp probe"
	nl_capture_stop
}

# ---------------------------------------------------------------- arp
cap_arp() {
	nl_require_progs arping
	nl_cl ip neigh flush dev "$IF_CL" 2>/dev/null
	nl_sv ip neigh flush dev "$IF_SV" 2>/dev/null
	nl_capture_start "$NS_SV" "$IF_SV" "$OUT/arp.pcap" arp
	nl_cl arping -c 3 -w 3 -i 0.2 -I "$IF_CL" "$SV4" >/dev/null 2>&1 \
	  || nl_cl arping -c 3 -w 3 -I "$IF_CL" "$SV4" >/dev/null || nl_fail "arping"
	nl_capture_stop
}

# ---------------------------------------------------------------- iperf with loss
cap_iperf() {
	nl_require_progs iperf3
	ip netns exec "$NS_SV" iperf3 -s -1 -B "$SV4" -p 5201 >"$W/iperf-s.log" 2>&1 &
	nl_track $!
	nl_wait_listen "$NS_SV" 5201 || nl_fail "iperf3 server did not start"
	nl_capture_start "$NS_SV" "$IF_SV" "$OUT/iperf-loss.pcap"
	nl_cl timeout 20 iperf3 -c "$SV4" -p 5201 -t 3 -b 8M -l 1400 >"$W/iperf-c.log" 2>&1 \
		|| nl_fail "iperf3 client: $(cat "$W/iperf-c.log")"
	nl_capture_stop
}

# ---------------------------------------------------------------- quic
# QUIC v1 (RFC 9000) between ngtcp2's example GnuTLS server and client (HTTP/3,
# ALPN h3). gtlsclient sends SNI only for a DNS name (for an IP address it
# sends "localhost"), so the client runs in a private mount namespace with
# its own /etc/hosts naming the server. Two connections: IPv4 to UDP 4433
# (no registered port: QUIC found by content), IPv6 to UDP 443.
cap_quic() {
	GTLSSERVER=$(command -v gtlsserver || echo /usr/sbin/gtlsserver)
	GTLSCLIENT=$(command -v gtlsclient || echo /usr/bin/gtlsclient)
	for p in "$GTLSSERVER" "$GTLSCLIENT"; do
		if [ ! -x "$p" ]; then
			echo "# quic: skipped: missing program $(basename "$p") (Debian ngtcp2-server, ngtcp2-client)"
			return 0
		fi
	done
	for p in openssl unshare mount timeout; do
		if ! command -v "$p" >/dev/null 2>&1; then
			echo "# quic: skipped: missing program $p"
			return 0
		fi
	done
	Q=$W/quic
	mkdir -p "$Q/www"
	echo "hello netlens over quic" > "$Q/www/index.html"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-subj "/CN=quic.netlens.test" \
		-addext "subjectAltName=DNS:quic.netlens.test,DNS:quic6.netlens.test" \
		-keyout "$Q/key.pem" -out "$Q/cert.pem" >/dev/null 2>&1 || nl_fail "openssl req (quic)"
	printf '127.0.0.1 localhost\n::1 localhost\n%s quic.netlens.test\n%s quic6.netlens.test\n' \
		"$SV4" "$SV6" > "$Q/hosts"
	ip netns exec "$NS_SV" "$GTLSSERVER" -q -d "$Q/www" --timeout=5s "$SV4" 4433 \
		"$Q/key.pem" "$Q/cert.pem" >"$Q/server4.log" 2>&1 &
	nl_track $!
	ip netns exec "$NS_SV" "$GTLSSERVER" -q -d "$Q/www" --timeout=5s "$SV6" 443 \
		"$Q/key.pem" "$Q/cert.pem" >"$Q/server6.log" 2>&1 &
	nl_track $!
	nl_wait_listen_udp "$NS_SV" 4433 || nl_fail "gtlsserver did not start: $(cat "$Q/server4.log")"
	nl_wait_listen_udp "$NS_SV" 443 || nl_fail "gtlsserver (v6) did not start: $(cat "$Q/server6.log")"
	nl_capture_start "$NS_SV" "$IF_SV" "$OUT/quic.pcap"
	# the bind mount lives and dies with the client's private mount namespace
	nl_cl unshare -m sh -c 'mount --bind "$1" /etc/hosts && shift &&
		timeout 10 "$@"' sh "$Q/hosts" \
		"$GTLSCLIENT" -q --exit-on-all-streams-close --timeout=5s \
		quic.netlens.test 4433 https://quic.netlens.test/index.html >"$Q/client4.log" 2>&1 \
		|| nl_fail "gtlsclient v4: $(tail -5 "$Q/client4.log")"
	nl_cl unshare -m sh -c 'mount --bind "$1" /etc/hosts && shift &&
		timeout 10 "$@"' sh "$Q/hosts" \
		"$GTLSCLIENT" -q --exit-on-all-streams-close --timeout=5s \
		quic6.netlens.test 443 https://quic6.netlens.test/index.html >"$Q/client6.log" 2>&1 \
		|| nl_fail "gtlsclient v6: $(tail -5 "$Q/client6.log")"
	nl_capture_stop
}

# ---------------------------------------------------------------- dpi-edge
# Bounds of the DPI dissectors on real traffic (dpi-edge.pcap): HTTP on 8080
# (python http.server, HTTP/1.1) with a 300-byte User-Agent and target, a
# second request on the same keep-alive connection, then a 404 (after which
# python closes the connection); a TLS ClientHello (openssl s_client) with
# 20 ALPN names split over TCP segments (the server advertises MSS 200);
# DNS on port 5300 (no DNS port: claimed only by a strict parse): one TCP
# connection carrying A, AAAA, TXT and an NXDOMAIN query, and a UDP answer
# with 20 A records.
cap_dpi_edge() {
	nl_require_progs openssl curl dnsmasq dig "$PYTHON"
	E=$W/edge
	mkdir -p "$E/www"
	echo edge > "$E/www/index.html"
	# HTTP/1.1 keep-alive, so the requests share one connection
	(cd "$E/www" && exec ip netns exec "$NS_SV" "$PYTHON" -c '
import http.server, sys
http.server.SimpleHTTPRequestHandler.protocol_version = "HTTP/1.1"
http.server.ThreadingHTTPServer((sys.argv[1], 8080), http.server.SimpleHTTPRequestHandler).serve_forever()
' "$SV4") >"$E/http.log" 2>&1 &
	nl_track $!
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
		-subj "/CN=edge.netlens.test" -keyout "$E/key.pem" -out "$E/cert.pem" >/dev/null 2>&1 \
		|| nl_fail "openssl req (edge)"
	ip netns exec "$NS_SV" openssl s_server -quiet -accept "$SV4:8443" -key "$E/key.pem" \
		-cert "$E/cert.pem" -alpn a20,h2 -naccept 1 </dev/null >"$E/tls.log" 2>&1 &
	nl_track $!
	MANY=""
	i=1; while [ $i -le 20 ]; do MANY="$MANY --host-record=many.netlens.test,10.231.1.$i"; i=$((i + 1)); done
	# shellcheck disable=SC2086
	ip netns exec "$NS_SV" dnsmasq --no-daemon --no-resolv --no-hosts --bind-interfaces \
		--listen-address="$SV4" --port=5300 --user=root --group=root \
		--pid-file="$E/dnsmasq.pid" --log-facility=- --local=/netlens.test/ \
		--host-record=www.netlens.test,10.231.0.51,fd00:231::51 \
		--txt-record=txt.netlens.test,"netlens edge" $MANY >"$E/dnsmasq.log" 2>&1 &
	nl_track $!
	nl_wait_listen "$NS_SV" 8080 || nl_fail "http.server did not start: $(cat "$E/http.log")"
	nl_wait_listen "$NS_SV" 8443 || nl_fail "openssl s_server did not start: $(cat "$E/tls.log")"
	nl_wait_listen "$NS_SV" 5300 || nl_fail "dnsmasq (edge) did not start: $(cat "$E/dnsmasq.log")"
	# small segments from the client to the server
	ip -n "$NS_SV" route replace 10.231.0.0/24 dev "$IF_SV" advmss 200 \
		|| nl_fail "ip route advmss"
	UA=$(printf 'netlens-edge/%0290d' 0)
	P=$(printf '/index.html?%0290d' 0)
	nl_capture_start "$NS_SV" "$IF_SV" "$OUT/dpi-edge.pcap"
	nl_cl curl -sS -m 10 -A "$UA" -o /dev/null -o /dev/null -o /dev/null \
		"http://$SV4:8080$P" "http://$SV4:8080/index.html" "http://$SV4:8080/missing" || nl_fail "curl edge"
	ALPN=$(i=1; while [ $i -le 20 ]; do printf 'a%d,' $i; i=$((i + 1)); done; printf 'h2')
	echo Q | nl_cl timeout 10 openssl s_client -connect "$SV4:8443" -servername edge.netlens.test \
		-alpn "$ALPN" -tls1_3 >"$E/s_client.log" 2>&1 || nl_fail "openssl s_client: $(tail -3 "$E/s_client.log")"
	D="+tries=1 +time=2 -p 5300"
	nl_cl dig $D +tcp +keepopen @"$SV4" www.netlens.test A www.netlens.test AAAA txt.netlens.test TXT \
		nope.netlens.test A >"$E/dig.log" || nl_fail "dig keepopen"
	nl_cl dig $D @"$SV4" many.netlens.test A >>"$E/dig.log" || nl_fail "dig many"
	nl_capture_stop
	ip -n "$NS_SV" route replace 10.231.0.0/24 dev "$IF_SV" proto kernel scope link src "$SV4"
}

want http || want https || want any && cap_http
want dns && cap_dns
want ssh && cap_ssh
want icmp && cap_icmp
want arp && cap_arp
want iperf && cap_iperf
want quic && cap_quic
want dpi-edge && cap_dpi_edge
ls -l "$OUT"
exit 0
