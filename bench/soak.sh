#!/bin/sh
# bench/soak.sh - does netlens' memory stay flat under flows that never stop
# churning? Runs `make soak` (or by hand: NETLENS=/path/netlens bench/soak.sh).
# Results of the one-hour run are in doc/performance.md ("Soak").
#
# Two network namespaces joined by a veth pair (10.239.0.1 / 10.239.0.2,
# fd00:239::1 / fd00:239::2). The server namespace answers for whole prefixes
# (10.239.128.0/17 and fd00:239:1::/64 routed to its lo), runs a TCP server
# on a few ports (HTTP-ish answers; the last port gets TLS ClientHellos), a
# UDP echo port and, when installed, dnsmasq (forward and reverse names for
# the prefixes). The client namespace runs bench/soak.py churn: SOAK_RATE new
# flows per second to SOAK_ADDRS addresses per family - TCP to closed ports
# (RST), TCP with a request to open ports, UDP to closed ports and to the echo
# port, DNS queries, ICMP echo, a quarter of it IPv6 - each from a new source
# port, for the whole run. Flows are created, closed, expire and are evicted
# all the time.
#
# netlens instances, all on the client's veth at the same time:
#   big    headless --format json -r 1000 --stats --json-log (default caps,
#          reverse DNS to the dnsmasq); output to /dev/null
#   small  headless --format json --max-flows SOAK_SMALL_FLOWS --stats
#          --no-resolve-dns: the table is always full, eviction never stops
#   ui     the terminal UI inside a detached tmux (when tmux is installed and
#          SOAK_UI is not 0), reverse DNS on
# Every SOAK_SAMPLE seconds each one's VmRSS, VmHWM, open fds, CPU time and
# its last --stats counters go to a CSV (one row per instance per sample;
# each instance's child processes - the sandbox's /proc helper, workers -
# get rows of their own, NAME_child1...; the churn generator is sampled
# too, for its CPU). At the end: RSS at the
# end of warm-up, at the end, maximum, least-squares slope after warm-up
# (KiB/hour), the second at which RSS last reached a new maximum (grew_to:
# fixed-size tables are calloc'd and their pages only count once touched, so
# RSS climbs until the last of them is full; see doc/performance.md "Soak"),
# and the verdict. RSS is flat when end - warm-up is at most
# SOAK_FLAT_PCT percent of warm-up or SOAK_FLAT_KIB KiB, whichever is larger.
# Each instance must still be alive at the end; then it is stopped with
# SIGTERM and its final --stats line and the --json-log totals are printed.
#
# A soak reports; the exit status is 0 when every instance was alive and
# flat, 1 when not, 2 when it cannot run. Not part of `make check`.
# Needs root (namespaces), ip(8), python3; dnsmasq and tmux are optional.
#
# Environment:
#   NETLENS          netlens binary                     (required)
#   SOAK_SECONDS     length of the churn                (default 3600)
#   SOAK_WARMUP      seconds counted as warm-up         (default 300)
#   SOAK_SAMPLE      seconds between samples            (default 30)
#   SOAK_RATE        new flows per second started       (default 300)
#   SOAK_ADDRS       remote addresses per family        (default 16384: more
#                    than the resolver's 10 000-entry cache holds)
#   SOAK_V6_SHARE    fraction of flows over IPv6        (default 0.25)
#   SOAK_SMALL_FLOWS --max-flows of the small instance  (default 2000)
#   SOAK_UI          1 / 0 / auto (= 1 when tmux is installed)
#   SOAK_FLAT_PCT    flat tolerance, percent            (default 5)
#   SOAK_FLAT_KIB    flat tolerance, KiB                (default 2048)
#   SOAK_OUT         directory for the CSV, logs, stats (default
#                    ./soak-YYYYmmdd-HHMMSS; kept)
#   SOAK_TAG         suffix of namespace names          (default: the pid)
#   SOAK_NETLENS_ARGS extra arguments for every instance (default none)
#   PYTHON           python3 interpreter                (default python3)

set -u

: "${NETLENS:?NETLENS must name the netlens binary}"
SECONDS_=${SOAK_SECONDS:-3600}
WARMUP=${SOAK_WARMUP:-300}
SAMPLE=${SOAK_SAMPLE:-30}
RATE=${SOAK_RATE:-300}
ADDRS=${SOAK_ADDRS:-16384}
V6_SHARE=${SOAK_V6_SHARE:-0.25}
SMALL_FLOWS=${SOAK_SMALL_FLOWS:-2000}
UI=${SOAK_UI:-auto}
FLAT_PCT=${SOAK_FLAT_PCT:-5}
FLAT_KIB=${SOAK_FLAT_KIB:-2048}
OUT=${SOAK_OUT:-./soak-$(date -u +%Y%m%d-%H%M%S)}
TAG=${SOAK_TAG:-$$}
EXTRA=${SOAK_NETLENS_ARGS:-}
PYTHON=${PYTHON:-python3}

HERE=$(cd "$(dirname "$0")" && pwd)
SOAKPY=$HERE/soak.py
NS_CL=nlsoakc$TAG
NS_SV=nlsoaks$TAG
IF_CL=nlsoakc$TAG
IF_SV=nlsoaks$TAG
CL4=10.239.0.1
SV4=10.239.0.2
CL6=fd00:239::1
SV6=fd00:239::2
NET4=10.239.128.0/17
NET6=fd00:239:1::/64
TCP_PORTS=8080,8081,8082,8443
UDP_PORT=9999
TMUX_SOCK=nlsoak$TAG

die() { echo "soak: $*" >&2; exit 2; }
say() { echo "soak: $*"; }

[ "$(id -u)" = 0 ] || die "needs root (network namespaces)"
[ -x "$NETLENS" ] || die "not executable: $NETLENS"
command -v ip >/dev/null || die "needs ip(8)"
"$PYTHON" -c 'import selectors, ssl' 2>/dev/null || die "needs python3 ($PYTHON)"
[ ${#TAG} -le 8 ] || die "SOAK_TAG too long (interface names are 15 characters at most)"
if [ "$UI" = auto ]; then
	if command -v tmux >/dev/null; then UI=1; else UI=0; fi
fi
HAVE_DNSMASQ=0
command -v dnsmasq >/dev/null && HAVE_DNSMASQ=1

mkdir -p "$OUT" || die "cannot create $OUT"
OUT=$(cd "$OUT" && pwd)
CSV=$OUT/soak.csv
PIDS=""

cleanup() {
	[ "$UI" = 1 ] && tmux -L "$TMUX_SOCK" kill-server 2>/dev/null
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	sleep 1
	for ns in "$NS_CL" "$NS_SV"; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
		ip netns del "$ns" 2>/dev/null
	done
}
trap cleanup EXIT
trap 'exit 2' INT TERM HUP

# ---------------------------------------------------------------- network
ip netns add "$NS_CL" || die "ip netns add $NS_CL"
ip netns add "$NS_SV" || die "ip netns add $NS_SV"
ip link add "$IF_CL" netns "$NS_CL" type veth peer name "$IF_SV" netns "$NS_SV" \
	|| die "cannot create the veth pair"
for ns in "$NS_CL" "$NS_SV"; do
	ip -n "$ns" link set lo up
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.accept_dad=0
	# a fresh source port for every flow for an hour: the whole range, and
	# the client's TIME_WAIT sockets must not run out of ports
	ip netns exec "$ns" sysctl -qw net.ipv4.ip_local_port_range="10000 65000"
	# ICMP errors for UDP to closed ports at the churn's rate, not 1000/s
	ip netns exec "$ns" sysctl -qw net.ipv4.icmp_msgs_per_sec=10000
done
ip -n "$NS_CL" addr add "$CL4/24" dev "$IF_CL"
ip -n "$NS_SV" addr add "$SV4/24" dev "$IF_SV"
ip -n "$NS_CL" addr add "$CL6/64" dev "$IF_CL" nodad
ip -n "$NS_SV" addr add "$SV6/64" dev "$IF_SV" nodad
ip -n "$NS_CL" link set "$IF_CL" up
ip -n "$NS_SV" link set "$IF_SV" up
# the server answers for whole prefixes (AnyIP): thousands of peers
ip -n "$NS_CL" route add "$NET4" via "$SV4"
ip -n "$NS_CL" -6 route add "$NET6" via "$SV6"
ip -n "$NS_SV" route add local "$NET4" dev lo
ip -n "$NS_SV" -6 route add local "$NET6" dev lo
i=0
until ip netns exec "$NS_CL" ping -c1 -W1 "$SV4" >/dev/null 2>&1 &&
      ip netns exec "$NS_CL" ping -6 -c1 -W1 "$SV6" >/dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 50 ] || die "namespaces not reachable"; sleep 0.1
done

wait_file() {
	i=0
	while [ ! -e "$1" ]; do
		i=$((i + 1)); [ $i -lt 100 ] || return 1; sleep 0.1
	done
}

# ---------------------------------------------------------------- servers
ip netns exec "$NS_SV" "$PYTHON" "$SOAKPY" server --tcp-ports "$TCP_PORTS" \
	--udp-port "$UDP_PORT" --ready "$OUT/server.ready" >"$OUT/server.log" 2>&1 &
PIDS="$PIDS $!"
wait_file "$OUT/server.ready" || die "server did not start (see $OUT/server.log)"
DNS_ARGS="--no-resolve-dns"
CHURN_DNS=""
if [ "$HAVE_DNSMASQ" = 1 ]; then
	# forward and reverse names synthesised for every address of the
	# prefixes (h-10-239-130-7.soak.test), nothing forwarded anywhere
	ip netns exec "$NS_SV" dnsmasq --keep-in-foreground --no-resolv --no-hosts \
		--no-poll --bind-interfaces --listen-address="$SV4" --listen-address="$SV6" \
		--port=53 --cache-size=1000 --dns-forward-max=1000 --user=root \
		--pid-file="$OUT/dnsmasq.pid" \
		--synth-domain="soak.test,$NET4,h-" --synth-domain="soak.test,$NET6,h-" \
		--log-facility="$OUT/dnsmasq.log" 2>>"$OUT/dnsmasq.log" &
	PIDS="$PIDS $!"
	DNS_ARGS="--dns-server $SV4"
	CHURN_DNS="$SV4,$SV6"
	sleep 0.5
else
	say "dnsmasq not installed: no DNS traffic, reverse DNS off"
fi

# ---------------------------------------------------------------- netlens
NAMES="big small"
ip netns exec "$NS_CL" "$NETLENS" -i "$IF_CL" --headless --format json -r 1000 --stats \
	--json-log "$OUT/big.events.jsonl" $DNS_ARGS $EXTRA >/dev/null 2>"$OUT/big.stderr" &
PID_big=$!
PIDS="$PIDS $PID_big"
ip netns exec "$NS_CL" "$NETLENS" -i "$IF_CL" --headless --format json -r 1000 --stats \
	--max-flows "$SMALL_FLOWS" --no-resolve-dns $EXTRA >/dev/null 2>"$OUT/small.stderr" &
PID_small=$!
PIDS="$PIDS $PID_small"
if [ "$UI" = 1 ]; then
	# exec: the pane's process becomes ip, which execs netlens: one pid
	tmux -L "$TMUX_SOCK" -f /dev/null new-session -d -x 200 -y 50 \
		"exec ip netns exec $NS_CL $NETLENS -i $IF_CL -r 1000 --stats $DNS_ARGS $EXTRA 2>$OUT/ui.stderr" \
		|| die "tmux failed"
	PID_ui=$(tmux -L "$TMUX_SOCK" list-panes -F '#{pane_pid}')
	NAMES="$NAMES ui"
fi
sleep 2
for n in $NAMES; do
	eval p=\$PID_$n
	kill -0 "$p" 2>/dev/null || die "netlens ($n) did not start: $(cat "$OUT/$n.stderr" 2>/dev/null | tail -3)"
done

# ---------------------------------------------------------------- churn
ip netns exec "$NS_CL" "$PYTHON" "$SOAKPY" churn --rate "$RATE" --duration "$SECONDS_" \
	--v4-net "$NET4" --v6-net "$NET6" --addrs "$ADDRS" --v6-share "$V6_SHARE" \
	--tcp-ports "$TCP_PORTS" --udp-port "$UDP_PORT" ${CHURN_DNS:+--dns "$CHURN_DNS"} \
	--ready "$OUT/churn.ready" >"$OUT/churn.log" 2>&1 &
PID_churn=$!
PIDS="$PIDS $PID_churn"
wait_file "$OUT/churn.ready" || die "churn did not start (see $OUT/churn.log)"

say "netlens $NETLENS; pids:$(for n in $NAMES; do eval printf \"' %s=%s'\" $n \$PID_$n; done)"
say "${SECONDS_}s of churn at $RATE flows/s, sample every ${SAMPLE}s, output in $OUT"

# ---------------------------------------------------------------- sampling
HZ=$(getconf CLK_TCK)
T0=$(date +%s)
echo "t_s,instance,pid,rss_kib,hwm_kib,fds,cpu_s,flows_created,flows_closed,flows_evicted,active_flows,history" >"$CSV"

# one CSV row for instance $1 (pid $2) at second $3
sample() {
	st=/proc/$2/status
	[ -r "$st" ] || { echo "$3,$1,$2,,,,,,,,," >>"$CSV"; return; }
	rss=$(awk '/^VmRSS:/ { print $2 }' "$st")
	hwm=$(awk '/^VmHWM:/ { print $2 }' "$st")
	fds=$(ls "/proc/$2/fd" 2>/dev/null | wc -l)
	# fields 14 and 15 of /proc/PID/stat (utime, stime) after the "(comm)"
	cpu=$(sed 's/.*) //' "/proc/$2/stat" | awk -v hz="$HZ" '{ printf "%.1f", ($12 + $13) / hz }')
	counters=",,,,"
	if [ -s "$OUT/$1.stderr" ]; then
		counters=$(grep 'netlens: stats:' "$OUT/$1.stderr" | tail -n 1 | tr ' ' '\n' | awk -F= '
			$1 == "flows_created" { c = $2 } $1 == "flows_closed" { d = $2 }
			$1 == "flows_evicted" { e = $2 } $1 == "active_flows" { a = $2 }
			$1 == "history" { h = $2 }
			END { printf "%s,%s,%s,%s,%s", c, d, e, a, h }')
	fi
	echo "$3,$1,$2,$rss,$hwm,$fds,$cpu,$counters" >>"$CSV"
}

# stats lines accumulate (one per second per instance); keep the last few
trim_stderr() {
	for n in $NAMES; do
		f=$OUT/$n.stderr
		if [ "$(wc -c <"$f")" -gt 4000000 ]; then
			tail -n 100 "$f" >"$f.tail" && cat "$f.tail" >"$f" && rm -f "$f.tail"
		fi
	done
}

END=$((T0 + SECONDS_))
while :; do
	now=$(date +%s)
	t=$((now - T0))
	for n in $NAMES; do
		eval p=\$PID_$n
		sample "$n" "$p" "$t"
		# its child processes too (the /proc helper of the sandbox, and
		# workers with --workers N), as NAME_child1, NAME_child2...
		k=0
		for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do
			k=$((k + 1))
			sample "${n}_child$k" "$c" "$t"
		done
	done
	sample churn "$PID_churn" "$t"
	"$PYTHON" "$SOAKPY" tally "$OUT/big.events.jsonl" "$OUT/big.events.state" >"$OUT/big.events.totals"
	trim_stderr
	[ "$now" -ge "$END" ] && break
	next=$((now + SAMPLE))
	[ "$next" -gt "$END" ] && next=$END
	sleep $((next - $(date +%s))) 2>/dev/null
done

# ---------------------------------------------------------------- end
wait "$PID_churn" 2>/dev/null
say "$(tail -n 1 "$OUT/churn.log")"
STATUS=0
for n in $NAMES; do
	eval p=\$PID_$n
	if kill -0 "$p" 2>/dev/null; then
		eval "ALIVE_$n=yes"
	else
		eval "ALIVE_$n=NO"
		STATUS=1
	fi
done
# stop them and let them write their final stats and events
for n in big small; do eval kill -TERM \$PID_$n 2>/dev/null; done
[ "$UI" = 1 ] && kill -TERM "$PID_ui" 2>/dev/null
for n in $NAMES; do
	eval p=\$PID_$n
	i=0
	while kill -0 "$p" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
done
wait "$PID_big" 2>/dev/null; RC_big=$?
wait "$PID_small" 2>/dev/null; RC_small=$?
RC_ui="(tmux)"
"$PYTHON" "$SOAKPY" tally "$OUT/big.events.jsonl" "$OUT/big.events.state" >"$OUT/big.events.totals"

echo
say "summary (RSS in KiB; slope by least squares over t >= ${WARMUP}s; flat: end - warm-up <= max(${FLAT_PCT}%, ${FLAT_KIB} KiB))"
printf '%-12s %-5s %-6s %9s %9s %9s %9s %11s %7s %5s %8s %8s %7s\n' \
	instance alive exit warmup end max hwm slope/h grew_to fds cpu_s flows/s verdict
for n in $(awk -F, 'NR > 1 && $2 != "churn" && !seen[$2]++ { print $2 }' "$CSV"); do
	alive=- rc=-
	case $n in *_child*) ;; *) eval alive=\$ALIVE_$n rc=\$RC_$n ;; esac
	line=$(awk -F, -v n="$n" -v w="$WARMUP" -v pct="$FLAT_PCT" -v tol="$FLAT_KIB" '
		$2 != n || $4 == "" { next }
		{ last_t = $1; last = $4; hwm = $5; fds = $6; cpu = $7; fc = $8
		  if ($4 > max) { max = $4; grew = $1 }
		  if (!have_w && $1 >= w) { have_w = 1; wv = $4; wt = $1; wfc = $8 }
		  if ($1 >= w) { k++; sx += $1; sy += $4; sxx += $1 * $1; sxy += $1 * $4 } }
		END {
			if (!have_w) { print "-"; exit }
			slope = (k > 1 && k * sxx - sx * sx) ? (k * sxy - sx * sy) / (k * sxx - sx * sx) * 3600 : 0
			lim = wv * pct / 100; if (lim < tol) lim = tol
			rate = (last_t > wt) ? (fc - wfc) / (last_t - wt) : 0
			printf "%d %d %d %d %.0f %d %d %s %.0f %s", wv, last, max, hwm, slope, grew, fds, cpu, rate,
				(last - wv <= lim) ? "flat" : "GROWS"
		}' "$CSV")
	set -- $line
	if [ "$1" = - ] || [ $# -lt 10 ]; then
		printf '%-12s %-5s %-6s (no sample after warm-up)\n' "$n" "$alive" "$rc"
		STATUS=1
		continue
	fi
	printf '%-12s %-5s %-6s %9s %9s %9s %9s %11s %7s %5s %8s %8s %7s\n' \
		"$n" "$alive" "$rc" "$1" "$2" "$3" "$4" "$5" "$6" "$7" "$8" "$9" "${10}"
	[ "${10}" = flat ] || STATUS=1
done
echo
for n in $NAMES; do
	last=$(grep 'netlens: stats:' "$OUT/$n.stderr" 2>/dev/null | tail -n 1 | tr ' ' '\n' |
		grep -E '^(packets|flows_created|flows_closed|flows_evicted|active_flows|peak_flows|max_flows|history|history_dropped|bytes_per_flow)=' |
		tr '\n' ' ')
	say "$n final stats: $last"
	grep -v 'netlens: stats:' "$OUT/$n.stderr" 2>/dev/null | tail -n 5 | sed "s/^/soak: $n stderr: /"
done
say "big --json-log: $(cat "$OUT/big.events.totals")"
say "churn generator cpu_s: $(awk -F, '$2 == "churn" && $7 != "" { c = $7 } END { print c }' "$CSV") over ${SECONDS_}s"
say "CSV: $CSV"
exit $STATUS
