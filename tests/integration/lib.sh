# lib.sh - shared helpers for netlens integration tests (sourced by /bin/sh scripts).
#
# Network namespaces: nl_ns_setup creates two namespaces joined by a veth pair
#   $NS_CL (client, iface $IF_CL, 10.231.0.1/24, fd00:231::1/64)
#   $NS_SV (server, iface $IF_SV, 10.231.0.2/24, fd00:231::2/64)
# Traffic only ever goes between these namespaces (or their loopback).
# nl_cleanup (installed as EXIT trap by nl_init) kills registered processes
# and deletes the namespaces and the nl_tmpdir directories.

NL_TAG=${NL_TAG:-$$}
NS_CL="nlcl$NL_TAG"
NS_SV="nlsv$NL_TAG"
IF_CL="nlc$NL_TAG"
IF_SV="nls$NL_TAG"
CL4=10.231.0.1
SV4=10.231.0.2
CL6=fd00:231::1
SV6=fd00:231::2
NL_PIDS=""
NL_NAMESPACES=""
NS_MID="nlmd$NL_TAG"

nl_skip() { echo "SKIP: $*"; exit 77; }
nl_fail() { echo "FAIL: $*" >&2; exit 1; }
nl_log() { echo "# $*"; }

# Python interpreter with scapy available (falls back to any python3).
nl_python() {
	for p in /usr/bin/python3 python3; do
		if "$p" -c 'import scapy' >/dev/null 2>&1; then echo "$p"; return 0; fi
	done
	command -v python3
}
PYTHON=${PYTHON:-$(nl_python)}

nl_require_root() {
	[ "$(id -u)" = 0 ] || nl_skip "needs root (network namespaces)"
}

nl_require_progs() {
	for p in "$@"; do
		command -v "$p" >/dev/null 2>&1 || [ -x "$p" ] || nl_skip "missing program: $p"
	done
}

nl_require_netns() {
	nl_require_root
	nl_require_progs ip
	ip netns add "nlprobe$NL_TAG" >/dev/null 2>&1 || nl_skip "cannot create network namespaces (ip netns add failed)"
	ip netns del "nlprobe$NL_TAG" >/dev/null 2>&1
}

nl_require_netlens() {
	[ -n "$NETLENS" ] || nl_skip "NETLENS not set"
	[ -x "$NETLENS" ] || nl_skip "netlens binary not built: $NETLENS"
}

# A netlens configured --disable-ui has no terminal UI to test.
nl_require_ui() {
	"$NETLENS" --version | grep -q '^features:.*terminal-ui' \
		|| nl_skip "this netlens was built without the terminal UI (--disable-ui)"
}

# A netlens built without dlopen() loads no plugin files.
nl_require_plugins() {
	"$NETLENS" --version | grep -q '^features:.* plugins' \
		|| nl_skip "this netlens cannot load plugins (built without dlopen())"
}

# Register a pid to be killed on exit.
nl_track() { NL_PIDS="$NL_PIDS $*"; }

# Called as d=$(nl_tmpdir), in a subshell that cannot record the directory
# for nl_cleanup: the name carries the test's pid instead ($$ is the main
# shell's in a subshell too), and nl_cleanup removes every such directory.
nl_tmpdir() {
	_d=$(mktemp -d "${TMPDIR:-/tmp}/netlens-it.$$.XXXXXX") || nl_fail "mktemp"
	echo "$_d"
}

nl_cleanup() {
	for p in $NL_PIDS; do kill "$p" 2>/dev/null; done
	for p in $NL_PIDS; do
		_i=0
		while kill -0 "$p" 2>/dev/null && [ $_i -lt 20 ]; do sleep 0.1; _i=$((_i + 1)); done
		kill -9 "$p" 2>/dev/null
	done
	NL_PIDS=""
	for ns in $NL_NAMESPACES; do
		# kill anything still running inside our own namespaces
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
		ip netns del "$ns" 2>/dev/null
	done
	NL_NAMESPACES=""
	for d in "${TMPDIR:-/tmp}"/netlens-it.$$.*; do
		[ -d "$d" ] || continue
		if [ -z "$NL_KEEP" ]; then rm -rf "$d"; else echo "# kept: $d" >&2; fi
	done
}

nl_init() {
	trap 'nl_cleanup' EXIT
	trap 'exit 1' INT TERM HUP
}

nl_cl() { ip netns exec "$NS_CL" "$@"; }
nl_sv() { ip netns exec "$NS_SV" "$@"; }

nl_ns_setup() {
	ip netns add "$NS_CL" || nl_fail "ip netns add $NS_CL"
	NL_NAMESPACES="$NL_NAMESPACES $NS_CL"
	ip netns add "$NS_SV" || nl_fail "ip netns add $NS_SV"
	NL_NAMESPACES="$NL_NAMESPACES $NS_SV"
	if [ -n "$NL_IMPAIR" ]; then
		# cl <-veth-> mid (impair.py bridge) <-veth-> sv
		ip netns add "$NS_MID" || nl_fail "ip netns add $NS_MID"
		NL_NAMESPACES="$NL_NAMESPACES $NS_MID"
		ip netns exec "$NS_MID" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 >/dev/null 2>&1
		ip netns exec "$NS_MID" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1
		ip link add "$IF_CL" netns "$NS_CL" type veth peer name "nma$NL_TAG" netns "$NS_MID" \
			|| nl_fail "cannot create veth pair"
		ip link add "$IF_SV" netns "$NS_SV" type veth peer name "nmb$NL_TAG" netns "$NS_MID" \
			|| nl_fail "cannot create veth pair"
		for i in "nma$NL_TAG" "nmb$NL_TAG"; do
			ip -n "$NS_MID" link set "$i" gso_max_segs 1 gso_max_size 1500 2>/dev/null
			ip -n "$NS_MID" link set "$i" promisc on up
		done
		_mdir=$(nl_tmpdir)
		# shellcheck disable=SC2086
		ip netns exec "$NS_MID" "$PYTHON" "${HERE:-$(dirname "$0")}/impair.py" "nma$NL_TAG" "nmb$NL_TAG" \
			$NL_IMPAIR --ready "$_mdir/ready" &
		nl_track $!
		nl_wait_file "$_mdir/ready" || nl_fail "impair.py did not start"
	else
		ip link add "$IF_CL" netns "$NS_CL" type veth peer name "$IF_SV" netns "$NS_SV" \
			|| nl_fail "cannot create veth pair"
	fi
	for ns in "$NS_CL" "$NS_SV"; do
		ip -n "$ns" link set lo up
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 >/dev/null 2>&1
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.accept_dad=0 >/dev/null 2>&1
	done
	ip -n "$NS_CL" addr add "$CL4/24" dev "$IF_CL"
	ip -n "$NS_SV" addr add "$SV4/24" dev "$IF_SV"
	ip -n "$NS_CL" addr add "$CL6/64" dev "$IF_CL" nodad
	ip -n "$NS_SV" addr add "$SV6/64" dev "$IF_SV" nodad
	# real MTU-sized segments on the wire (no TSO/GSO super-packets)
	ip -n "$NS_CL" link set "$IF_CL" gso_max_segs 1 gso_max_size 1500 2>/dev/null
	ip -n "$NS_SV" link set "$IF_SV" gso_max_segs 1 gso_max_size 1500 2>/dev/null
	ip -n "$NS_CL" link set "$IF_CL" up
	ip -n "$NS_SV" link set "$IF_SV" up
	# wait for carrier and usable IPv6 addresses
	_i=0
	while [ $_i -lt 50 ]; do
		if nl_cl ping -c1 -W1 "$SV4" >/dev/null 2>&1 && nl_cl ping -6 -c1 -W1 "$SV6" >/dev/null 2>&1; then
			return 0
		fi
		sleep 0.1; _i=$((_i + 1))
	done
	nl_fail "namespaces not reachable"
}

# Impairment: netem is not available on every kernel, so loss and reordering
# are done by impair.py bridging through a middle namespace. Set before
# nl_ns_setup, e.g.  NL_IMPAIR="--loss 0.03 --reorder 0.05 --seed 7"

# Wait until file $1 contains the text $2 (max $3 tenths of a second, default 50).
nl_wait_for_text() {
	_i=0
	while [ $_i -lt "${3:-50}" ]; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1; _i=$((_i + 1))
	done
	return 1
}

# Wait until file $1 exists (max 5 s).
nl_wait_file() {
	_i=0
	while [ $_i -lt 50 ]; do
		[ -e "$1" ] && return 0
		sleep 0.1; _i=$((_i + 1))
	done
	return 1
}

# Wait until TCP port $2 listens in namespace $1 (max 5 s).
nl_wait_listen() {
	_i=0
	while [ $_i -lt 50 ]; do
		ip netns exec "$1" ss -Hltn "sport = :$2" 2>/dev/null | grep -q . && return 0
		sleep 0.1; _i=$((_i + 1))
	done
	return 1
}
nl_wait_listen_udp() {
	_i=0
	while [ $_i -lt 50 ]; do
		ip netns exec "$1" ss -Hlun "sport = :$2" 2>/dev/null | grep -q . && return 0
		sleep 0.1; _i=$((_i + 1))
	done
	return 1
}

# Start tcpdump in namespace $1 on interface $2 writing $3; extra args follow.
# Sets NL_TCPDUMP_PID. The reference must not drop: in immediate mode libpcap's
# ring gives each packet a frame as large as the biggest packet the link may
# carry (offloads: 64 KiB), so its default 2 MiB holds 37 packets on a veth and
# 16 on lo (measured with tcpdump stopped), which a test's burst overflows when
# a loaded machine (CI, sanitizers) is slow to run tcpdump; -B 32768 (32 MiB)
# holds 513 on a veth. A test whose traffic comes in longer bursts (many
# small datagrams: uTP) sets NL_CAPTURE_BUFFER_KIB higher.
nl_capture_start() {
	_ns=$1 _if=$2 _out=$3; shift 3
	ip netns exec "$_ns" tcpdump -i "$_if" -s 0 -B "${NL_CAPTURE_BUFFER_KIB:-32768}" -U --immediate-mode -n -w "$_out" "$@" 2>"$_out.log" &
	NL_TCPDUMP_PID=$!
	NL_TCPDUMP_OUT=$_out
	nl_track $NL_TCPDUMP_PID
	nl_wait_for_text "$_out.log" "listening on" 50 || nl_fail "tcpdump did not start: $(cat "$_out.log")"
	sleep 0.2
}

# Stop the tcpdump of nl_capture_start. Sets NL_CAPTURE_DROPPED: true when it
# lost packets, so that its capture is no reference and the caller runs again.
nl_capture_stop() {
	sleep 0.3
	kill -INT "$NL_TCPDUMP_PID" 2>/dev/null
	wait "$NL_TCPDUMP_PID" 2>/dev/null
	if nl_oracle_dropped "$NL_TCPDUMP_OUT.log"; then
		NL_CAPTURE_DROPPED=true
		echo "# the reference tcpdump lost packets: $(grep 'dropped by kernel' "$NL_TCPDUMP_OUT.log")"
	else
		NL_CAPTURE_DROPPED=false
	fi
	rm -f "$NL_TCPDUMP_OUT.log" 2>/dev/null
	NL_TCPDUMP_PID=""
}

# nl_oracle_dropped LOG...: true when a tcpdump that wrote one of these logs
# (its standard error) lost packets. One is "1 packet dropped by kernel", in
# the singular.
nl_oracle_dropped() {
	grep -Eq "^[1-9][0-9]* packets? dropped by kernel" "$@" 2>/dev/null
}

# Start nginx in the server namespace serving $1/www on port 80 (v4+v6) and
# 443 (TLS, self-signed cert for netlens.test made now with openssl).
nl_start_nginx() {
	W=$1
	mkdir -p "$W/www" "$W/nginx"
	i=0; : > "$W/www/big.txt"
	while [ $i -lt 400 ]; do echo "netlens integration test line $i ................................" >> "$W/www/big.txt"; i=$((i + 1)); done
	echo "hello netlens" > "$W/www/index.html"
	echo "small" > "$W/www/small.txt"
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=netlens.test" \
		-addext "subjectAltName=DNS:netlens.test" \
		-keyout "$W/nginx/key.pem" -out "$W/nginx/cert.pem" >/dev/null 2>&1 \
		|| nl_fail "openssl req failed"
	cat > "$W/nginx/nginx.conf" <<NGX
daemon off;
user root;
worker_processes 1;
pid $W/nginx/nginx.pid;
error_log $W/nginx/error.log;
events { worker_connections 64; }
http {
	access_log off;
	client_body_temp_path $W/nginx/tmp;
	proxy_temp_path $W/nginx/tmp;
	fastcgi_temp_path $W/nginx/tmp;
	uwsgi_temp_path $W/nginx/tmp;
	scgi_temp_path $W/nginx/tmp;
	keepalive_timeout 30;
	server {
		listen $SV4:80;
		listen [$SV6]:80;
		listen $SV4:443 ssl;
		ssl_certificate $W/nginx/cert.pem;
		ssl_certificate_key $W/nginx/key.pem;
		ssl_protocols TLSv1.2 TLSv1.3;
		server_name netlens.test;
		root $W/www;
	}
}
NGX
	mkdir -p "$W/nginx/tmp"
	ip netns exec "$NS_SV" nginx -c "$W/nginx/nginx.conf" -p "$W/nginx" -e "$W/nginx/error.log" &
	nl_track $!
	nl_wait_listen "$NS_SV" 443 || nl_fail "nginx did not start: $(cat "$W/nginx/error.log")"
}
