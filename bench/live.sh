#!/bin/bash
# bench/live.sh - netlens live capture: CPU per 100 kpps, kernel drops,
# wakeups and peak RSS against `tcpdump -w /dev/null` on the same traffic,
# the idle cost (headless, with the UI, tcpdump), and the drop-free rate of
# --workers 2 against --workers 1 when netlens has the option
# (doc/performance.md, "Live capture: CPU and wakeups"). Run by
# `make bench-live`, as root.
#
# Where: two network namespaces this script creates, nlbench-tx-$$ and
# nlbench-rx-$$, joined by a veth pair (10.238.0.1 <-> 10.238.0.2, IPv6 off
# and permanent neighbour entries, so an idle link carries nothing). No
# traffic leaves them; they are deleted at exit. The tools capture on the
# RECEIVING side's veth, inside nlbench-rx: that is where a monitor sits
# (traffic arriving at a host), and the interface's rx_packets counter there
# counts what actually arrived.
#
# Traffic (the same command for every tool; started once the tool is up and
# stopped before it is, so the drops counted are those of steady capture, not
# of start-up or exit):
#   iperf3   `iperf3 -u -l 64 -b R*512 --pacing-timer 100`: one UDP flow of
#            64-byte payloads (106-byte frames) at R packets/s; the default
#            1 ms pacing timer does not reach 100 kpps here. "max" is -b 0.
#   replay   a synthetic many-flow capture from bench/gen-capture
#            (BENCH_LIVE_PACKETS packets, BENCH_LIVE_FLOWS flows, ~450-byte
#            frames) with its MAC addresses rewritten to the veth pair's
#            (tcprewrite), looped by `tcpreplay --pps=R`; "max" is
#            --topspeed. The addresses are kept: the point is many flows.
# The rate reported is the one ACHIEVED: the receiving veth's rx_packets
# over each measurement window, not the rate asked for.
#
# For each traffic kind and rate, netlens and tcpdump alternate (netlens,
# tcpdump, netlens, ...), BENCH_LIVE_RUNS times each, each started fresh
# and alone on the interface; medians are reported. A run: the tool starts,
# BENCH_LIVE_WARMUP s pass (netlens loads eBPF and scans /proc), the sender
# starts, 1 s later a window of BENCH_LIVE_SECS is measured, the sender stops,
# then the tool (SIGINT). Per run:
#   cpu%     utime+stime (/proc/PID/stat) / elapsed, % of one core, summed
#            over the tool's process tree (netlens has a /proc helper child,
#            and workers with --workers)
#   rt%      the same from the scheduler's runtime (/proc/PID/task/*/
#            schedstat, ns): exact, where cpu% is sampled in 10 ms ticks
#            (at 10 kpps tcpdump uses a tick or two in a 10 s window); the
#            ratios and verdicts use rt%
#   kpps     achieved packets/s on the receiving veth, thousands
#   cpu/100k cpu% per 100 000 packets/s achieved
#   drops    kernel drops, from the tool's own libpcap statistics printed at
#            exit ("N dropped by the kernel" / "N packets dropped by
#            kernel"), from start to SIGINT (traffic only in between)
#   ctxsw/s  voluntary+involuntary context switches per second, summed over
#            all tasks of the tree (/proc/PID/task/*/status): wakeups
#   rss      peak RSS (VmHWM) at the end of the window, MiB, summed over
#            the tree
# The CPU the kernel spends copying packets into the capture ring runs in
# softirq context and is mostly charged to the sender, for both tools alike.
#
# netlens runs as `netlens --headless --format json -i IF
# $BENCH_LIVE_NETLENS_ARGS >/dev/null` (default args --no-resolve-dns: the
# replayed addresses are not resolvable and the namespace has no resolver,
# so reverse DNS would only add noise). tcpdump runs as
# `tcpdump -i IF -n -w /dev/null` with its defaults (2 MiB buffer, 262144
# snaplen; netlens: 4 MiB, 4096; both TPACKET_V3, not immediate mode).
#
# Idle (BENCH_LIVE_IDLE_SECS, default 60, no traffic at all): netlens
# headless, the same with --no-ebpf, netlens with the UI (in a private tmux
# server, 200x50), and tcpdump; cpu%, rt% and ctxsw/s. The rx counter is
# checked to stay still. The eBPF ring buffer wakes netlens for socket events
# of the whole machine (its cgroup hooks see every namespace), so on a busy
# host idle wakeups follow the host's socket activity: the --no-ebpf row
# shows netlens' own.
#
# Drop-free rate (BENCH_LIVE_SEARCH=1): the replay at rising rates
# (BENCH_LIVE_SEARCH_START, x1.25 a step, then halving the gap twice), each
# probe BENCH_LIVE_SEARCH_SECS long, one with drops repeated once; the
# highest achieved rate with no kernel drop. It stops early when the sender cannot reach the rate asked
# (then the result is a lower bound, marked ">="). For tcpdump, netlens, and,
# when `netlens --help` mentions --workers, `netlens --workers 1` and
# `--workers 2` (the replay's many flows spread over the PACKET_FANOUT hash;
# one iperf3 flow would all land on one worker). On a 2-core machine the
# sender needs a core too, so two workers cannot each have one.
#
# Targets (PASS / MISSED; a benchmark reports, it does not fail: the exit
# status is 0 when it could run, whatever the verdicts):
#   CPU per 100 kpps (iperf3 and replay at 100 kpps) <= 1.5x tcpdump's
#   no kernel drop at 100 kpps
#   idle headless <= 2 wakeups/s
#   --workers 2 drop-free rate >= 1.6x --workers 1's
#
# usage: bench/live.sh   (as root; make bench-live sets NETLENS and GEN)
# Environment:
#   NETLENS                 netlens binary                          (required)
#   GEN                     bench/gen-capture binary      (required for replay)
#   TCPDUMP                 tcpdump binary                  (default: PATH)
#   BENCH_DATA              cache dir for the capture   (default ./bench-data)
#   BENCH_LIVE_RUNS         runs of each tool per rate               (default 3)
#   BENCH_LIVE_SECS         measurement window, s                   (default 10)
#   BENCH_LIVE_WARMUP       s after a tool starts before the window  (default 2)
#   BENCH_LIVE_RATES        packets/s, "max" = as fast as the sender can
#                                                  (default "10000 100000 max")
#   BENCH_LIVE_TRAFFIC      traffic kinds              (default "iperf3 replay")
#   BENCH_LIVE_PACKETS      packets in the replayed capture     (default 200000)
#   BENCH_LIVE_FLOWS        flows in it                          (default 20000)
#   BENCH_LIVE_REPLAY_FILTER pcap filter applied to that capture before it is
#                           replayed, e.g. 'udp and not port 53' (default none)
#   BENCH_LIVE_IDLE_SECS    idle window, s; 0 skips idle                (60)
#   BENCH_LIVE_UI           1: also idle with the UI (needs tmux)        (1)
#   BENCH_LIVE_SEARCH       1: drop-free rate search                     (1)
#   BENCH_LIVE_SEARCH_SECS  probe window, s                              (5)
#   BENCH_LIVE_SEARCH_START first rate, packets/s                    (50000)
#   BENCH_LIVE_WORKERS      auto / 1 / 0: the --workers comparison    (auto)
#   BENCH_LIVE_NETLENS_ARGS extra netlens arguments  (default --no-resolve-dns)
#   BENCH_LIVE_ALT_ARGS     when set, a third tool "netlens-alt" (netlens with
#                           these arguments added) takes turns with the two
#                           others and joins the drop-free search: a candidate
#                           setting measured against the default in one run
#   BENCH_LIVE_ALT_NETLENS  the binary "netlens-alt" runs (default: NETLENS),
#                           e.g. a build of an earlier commit: two builds
#                           measured in one run, with or without ALT_ARGS
#   BENCH_LIVE_KEEP         1: keep the work dir (tool stderr, rows)     (0)

# shellcheck disable=SC2046 # "set -- $(...)" splits into fields on purpose
set -u

: "${NETLENS:?NETLENS must name the netlens binary}"
TCPDUMP=${TCPDUMP:-$(command -v tcpdump 2>/dev/null)}
DATA=${BENCH_DATA:-./bench-data}
RUNS=${BENCH_LIVE_RUNS:-3}
SECS=${BENCH_LIVE_SECS:-10}
WARMUP=${BENCH_LIVE_WARMUP:-2}
RATES=${BENCH_LIVE_RATES:-10000 100000 max}
TRAFFIC=${BENCH_LIVE_TRAFFIC:-iperf3 replay}
LPACKETS=${BENCH_LIVE_PACKETS:-200000}
LFLOWS=${BENCH_LIVE_FLOWS:-20000}
RFILTER=${BENCH_LIVE_REPLAY_FILTER:-}
IDLE_SECS=${BENCH_LIVE_IDLE_SECS:-60}
UI=${BENCH_LIVE_UI:-1}
SEARCH=${BENCH_LIVE_SEARCH:-1}
SEARCH_SECS=${BENCH_LIVE_SEARCH_SECS:-5}
SEARCH_START=${BENCH_LIVE_SEARCH_START:-50000}
WORKERS=${BENCH_LIVE_WORKERS:-auto}
NLARGS=${BENCH_LIVE_NETLENS_ARGS---no-resolve-dns}
ALTARGS=${BENCH_LIVE_ALT_ARGS:-}
ALT_NETLENS=${BENCH_LIVE_ALT_NETLENS:-$NETLENS}
[ "$ALT_NETLENS" != "$NETLENS" ] && [ -z "$ALTARGS" ] && ALTARGS=" "	# a second build alone
TOOLS="netlens tcpdump"
[ -n "$ALTARGS" ] && TOOLS="netlens tcpdump netlens-alt"

TARGET_CPU_RATIO=1.5	# netlens CPU per 100 kpps <= this x tcpdump's
TARGET_IDLE_WAKEUPS=2	# idle headless context switches/s <= this
TARGET_WORKERS=1.6	# --workers 2 drop-free rate >= this x --workers 1's

die() { echo "bench-live: $*" >&2; exit 1; }
note() { echo "bench-live: $*" >&2; }

[ "$(id -u)" = 0 ] || die "needs root (network namespaces, capture)"
[ -x "$NETLENS" ] || die "$NETLENS: not an executable (set NETLENS, or run 'make bench-live')"
[ -n "$TCPDUMP" ] && [ -x "$TCPDUMP" ] || die "tcpdump not found (Debian package tcpdump): it is the baseline"
for p in ip awk; do command -v "$p" >/dev/null 2>&1 || die "missing program: $p"; done
case " $TRAFFIC " in *" iperf3 "*)
	command -v iperf3 >/dev/null 2>&1 || { note "iperf3 not found (Debian package iperf3): no iperf3 traffic"; TRAFFIC=${TRAFFIC//iperf3/}; } ;;
esac
case " $TRAFFIC " in *" replay "*)
	if ! command -v tcpreplay >/dev/null 2>&1 || ! command -v tcprewrite >/dev/null 2>&1; then
		note "tcpreplay/tcprewrite not found (Debian package tcpreplay): no replayed traffic, no drop-free search"
		TRAFFIC=${TRAFFIC//replay/}; SEARCH=0
	elif [ -z "${GEN:-}" ] || [ ! -x "$GEN" ]; then
		note "GEN (bench/gen-capture) not set: no replayed traffic, no drop-free search"
		TRAFFIC=${TRAFFIC//replay/}; SEARCH=0
	fi ;;
*) SEARCH=0 ;;
esac
if [ "$UI" = 1 ] && ! command -v tmux >/dev/null 2>&1; then
	note "tmux not found: no idle figure with the UI"; UI=0
fi
if [ "$WORKERS" = auto ]; then
	if "$NETLENS" --help 2>&1 | grep -q -- '--workers'; then WORKERS=1; else WORKERS=0; fi
	[ "$WORKERS" = 0 ] && note "this netlens has no --workers option: no workers comparison"
fi
[ "$SEARCH" = 1 ] || WORKERS=0

HZ=$(getconf CLK_TCK)
TAG=$$
NS_TX=nlbench-tx-$TAG
NS_RX=nlbench-rx-$TAG
IF_TX=nlbench-t$TAG
IF_RX=nlbench-r$TAG
TX4=10.238.0.1
RX4=10.238.0.2
IPERF_PORT=5201
SOCK=nlbench$TAG
W=$(mktemp -d "${TMPDIR:-/tmp}/nlbench-live.XXXXXX") || die "mktemp failed"
NSS=""
PIDS=""
track() { PIDS="$PIDS $*"; }

cleanup() {
	tmux -L "$SOCK" kill-server >/dev/null 2>&1
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 30 ]; do sleep 0.1; i=$((i + 1)); done
		kill -9 "$p" 2>/dev/null
	done
	for ns in $NSS; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
		ip netns del "$ns" 2>/dev/null
	done
	if [ "${BENCH_LIVE_KEEP:-0}" = 1 ]; then note "kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

now() { date +%s.%N; }

# --- namespaces ---------------------------------------------------------------
ip netns add "$NS_TX" || die "ip netns add failed"
NSS="$NSS $NS_TX"
ip netns add "$NS_RX" || die "ip netns add failed"
NSS="$NSS $NS_RX"
for ns in "$NS_TX" "$NS_RX"; do
	# IPv6 off: no router solicitations or MLD reports on the idle link
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 >/dev/null 2>&1
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1
	ip -n "$ns" link set lo up
done
ip link add "$IF_TX" netns "$NS_TX" type veth peer name "$IF_RX" netns "$NS_RX" || die "cannot create the veth pair"
ip -n "$NS_TX" addr add "$TX4/24" dev "$IF_TX"
ip -n "$NS_RX" addr add "$RX4/24" dev "$IF_RX"
ip -n "$NS_TX" link set "$IF_TX" up
ip -n "$NS_RX" link set "$IF_RX" up
TX_MAC=$(ip netns exec "$NS_TX" cat "/sys/class/net/$IF_TX/address")
RX_MAC=$(ip netns exec "$NS_RX" cat "/sys/class/net/$IF_RX/address")
# permanent neighbours: no ARP on the idle link
ip -n "$NS_TX" neigh replace "$RX4" lladdr "$RX_MAC" nud permanent dev "$IF_TX"
ip -n "$NS_RX" neigh replace "$TX4" lladdr "$TX_MAC" nud permanent dev "$IF_RX"
i=0
until ip netns exec "$NS_TX" ping -c1 -W1 "$RX4" >/dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 50 ] || die "the namespaces cannot reach each other"; sleep 0.1
done

# packets that arrived on the receiving veth so far
rxcount() { ip netns exec "$NS_RX" cat "/sys/class/net/$IF_RX/statistics/rx_packets"; }

# --- traffic --------------------------------------------------------------------
REPLAY=
case " $TRAFFIC " in *" replay "*)
	mkdir -p "$DATA" || die "cannot create $DATA"
	GENVER=$("$GEN" -V | awk '{print $2}')
	ORIG="$DATA/live-v$GENVER-p$LPACKETS-f$LFLOWS-d10-s1.pcap"
	if [ ! -s "$ORIG" ]; then
		note "generating $ORIG ..."
		"$GEN" -n "$LPACKETS" -f "$LFLOWS" -d 10 -s 1 -o "$ORIG.tmp" >&2 || { rm -f "$ORIG.tmp"; die "gen-capture failed"; }
		mv "$ORIG.tmp" "$ORIG"
	fi
	# the veth pair's MACs change with every run: rewrite into the work dir
	REPLAY="$W/replay.pcap"
	SRC=$ORIG
	if [ -n "$RFILTER" ]; then
		SRC="$W/filtered.pcap"
		# -n and inside the namespace: tcpdump resolves addresses by default,
		# and the capture's addresses are not to be looked up anywhere
		ip netns exec "$NS_RX" "$TCPDUMP" -n -r "$ORIG" -w "$SRC" "$RFILTER" 2>/dev/null ||
			die "cannot filter the capture with '$RFILTER'"
	fi
	tcprewrite --enet-smac="$TX_MAC" --enet-dmac="$RX_MAC" -i "$SRC" -o "$REPLAY" ||
		die "tcprewrite failed"
	cat "$REPLAY" >/dev/null	# page cache
	;;
esac

if [ -n "${TRAFFIC// /}" ] && case " $TRAFFIC " in *" iperf3 "*) true ;; *) false ;; esac; then
	ip netns exec "$NS_RX" iperf3 -s -B "$RX4" -p "$IPERF_PORT" >"$W/iperf3-server.log" 2>&1 &
	track $!
	sleep 0.5
fi

GEN_PID=
# traffic_start KIND RATE SECONDS: the sender, in the background
traffic_start() {
	case $1 in
	iperf3)
		if [ "$2" = max ]; then _b=0; else _b=$(( $2 * 64 * 8 )); fi
		ip netns exec "$NS_TX" iperf3 -c "$RX4" -p "$IPERF_PORT" -u -l 64 -b "$_b" \
			--pacing-timer 100 -t "$3" >"$W/iperf3.log" 2>&1 &
		;;
	replay)
		if [ "$2" = max ]; then _r=--topspeed; else _r=--pps=$2; fi
		ip netns exec "$NS_TX" tcpreplay -q -i "$IF_TX" "$_r" --loop=0 --duration="$3" \
			"$REPLAY" >"$W/replay.log" 2>&1 &
		;;
	esac
	GEN_PID=$!
	track "$GEN_PID"
	sleep 1	# the sender reaches its rate before the window opens
}
traffic_stop() {
	[ -n "$GEN_PID" ] || return 0
	kill "$GEN_PID" 2>/dev/null
	wait "$GEN_PID" 2>/dev/null
	GEN_PID=
	sleep 0.5	# the link drains
}

# --- probes ---------------------------------------------------------------------
# tree PID: PID and all its descendants
tree() {
	echo "$1"
	for _c in $(pgrep -P "$1" 2>/dev/null); do tree "$_c"; done
}
# snapshot PID: "cputicks runtime_ns ctxsw hwm_kib" summed over the tree
snapshot() {
	_t=0 _r=0 _c=0 _h=0
	for _p in $(tree "$1"); do
		_x=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$_p/stat" 2>/dev/null) || continue
		_t=$((_t + _x))
		_r=$(cat /proc/"$_p"/task/*/schedstat 2>/dev/null | awk -v s="$_r" '{ s += $1 } END { printf "%.0f", s }')
		_c=$(cat /proc/"$_p"/task/*/status 2>/dev/null | awk -v s="$_c" \
			'/^(non)?voluntary_ctxt_switches/ { s += $2 } END { print s + 0 }')
		_h=$(awk -v s="$_h" '/^VmHWM:/ { s += $2 } END { print s + 0 }' "/proc/$_p/status" 2>/dev/null)
	done
	echo "$_t $_r $_c $_h"
}

# drops_of KIND FILE: "received dropped" from the tool's exit statistics
# (netlens prints one line per capture; any worker lines are summed)
drops_of() {
	case $1 in
	tcpdump) awk '/packets? received by filter/ { r += $1 } /packets? dropped by kernel/ { d += $1 }
		END { if (r == "") print "- -"; else print r + 0, d + 0 }' "$2" ;;
	*) awk '/packets received, [0-9]+ dropped by the kernel/ {
			for (i = 1; i < NF; i++) {
				if ($(i + 1) == "packets" && $(i + 2) == "received,") r += $i
				if ($(i + 1) == "dropped" && $(i + 3) == "the" && $(i + 4) == "kernel,") d += $i
			}
			n++ }
		END { if (!n) print "- -"; else print r + 0, d + 0 }' "$2" ;;
	esac
}

TOOL_PID=
# tool_start KIND: KIND is tcpdump, netlens, netlens-ui, netlens-w1, netlens-w2
tool_start() {
	_err="$W/$1.err"
	case $1 in
	tcpdump)
		ip netns exec "$NS_RX" "$TCPDUMP" -i "$IF_RX" -n -w /dev/null 2>"$_err" </dev/null &
		TOOL_PID=$! ;;
	netlens)
		# shellcheck disable=SC2086
		ip netns exec "$NS_RX" "$NETLENS" --headless --format json -i "$IF_RX" $NLARGS \
			>/dev/null 2>"$_err" </dev/null &
		TOOL_PID=$! ;;
	netlens-noebpf)
		# shellcheck disable=SC2086
		ip netns exec "$NS_RX" "$NETLENS" --headless --format json -i "$IF_RX" $NLARGS --no-ebpf \
			>/dev/null 2>"$_err" </dev/null &
		TOOL_PID=$! ;;
	netlens-alt)
		# shellcheck disable=SC2086
		ip netns exec "$NS_RX" "$ALT_NETLENS" --headless --format json -i "$IF_RX" $NLARGS $ALTARGS \
			>/dev/null 2>"$_err" </dev/null &
		TOOL_PID=$! ;;
	netlens-w*)
		# shellcheck disable=SC2086
		ip netns exec "$NS_RX" "$NETLENS" --headless --format json -i "$IF_RX" \
			--workers "${1#netlens-w}" $NLARGS >/dev/null 2>"$_err" </dev/null &
		TOOL_PID=$! ;;
	netlens-ui)
		tmux -L "$SOCK" kill-server >/dev/null 2>&1
		rm -f "$W/ui.pid"
		cat >"$W/ui.sh" <<-EOF
		echo \$\$ > $W/ui.pid
		exec env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color ip netns exec $NS_RX $NETLENS -i $IF_RX $NLARGS 2>$_err
		EOF
		tmux -L "$SOCK" -f /dev/null new-session -d -s t -x 200 -y 50 "sh $W/ui.sh" ||
			die "cannot start tmux"
		# ip netns exec and sh exec netlens: the shell's pid is netlens'
		for _i in $(seq 50); do [ -s "$W/ui.pid" ] && break; sleep 0.1; done
		TOOL_PID=$(cat "$W/ui.pid" 2>/dev/null)
		[ -n "$TOOL_PID" ] || die "the UI did not start" ;;
	esac
	track "$TOOL_PID"
}
tool_stop() {
	kill -INT "$TOOL_PID" 2>/dev/null
	for _i in $(seq 100); do kill -0 "$TOOL_PID" 2>/dev/null || break; sleep 0.1; done
	wait "$TOOL_PID" 2>/dev/null
	[ "$1" = netlens-ui ] && tmux -L "$SOCK" kill-server >/dev/null 2>&1
	TOOL_PID=
}

# measure KIND WARMUP SECONDS [TRAFFIC RATE]: starts KIND, after WARMUP s
# starts the sender (if any), measures, stops the sender, then KIND; prints
# "cpu% rt% pps drops recv ctxsw/s hwm_mib"
measure() {
	tool_start "$1"
	sleep "$2"
	if ! kill -0 "$TOOL_PID" 2>/dev/null; then
		note "$1 exited early: $(head -3 "$W/$1.err")"; tool_stop "$1"; echo "- - - - - - -"; return 1
	fi
	[ $# -ge 5 ] && traffic_start "$4" "$5" $(( $3 + 10 ))
	_a=$(snapshot "$TOOL_PID"); _ra=$(rxcount); _t0=$(now)
	sleep "$3"
	_b=$(snapshot "$TOOL_PID"); _rb=$(rxcount); _t1=$(now)
	_alive=1; kill -0 "$TOOL_PID" 2>/dev/null || _alive=0
	if [ $# -ge 5 ] && ! kill -0 "$GEN_PID" 2>/dev/null; then
		note "$1: the sender ($4 $5) stopped before the end of the window: $(tail -n 2 "$W/$4".log | tr '\n' ' ')"
	fi
	traffic_stop
	tool_stop "$1"
	# A tool that died in the window, or a netlens that lost a capture
	# worker, counted only part of the traffic: its drops mean nothing.
	if [ $_alive = 0 ] || grep -Eq 'worker .*(stopping it|exited|killed)|every capture worker' "$W/$1.err"; then
		note "$1 failed during the window: $(grep -E 'worker|error|cannot' "$W/$1.err" | head -3 | tr '\n' ' ')"
		cp "$W/$1.err" "$W/$1.failed.err"
		echo "- - - - - - -"; return 1
	fi
	set -- $(drops_of "$1" "$W/$1.err")
	echo "$_a $_b $_ra $_rb $_t0 $_t1 $1 $2" | awk -v hz="$HZ" '{
		el = $12 - $11
		printf "%.3f %.3f %.0f %s %s %.1f %.1f\n", ($5 - $1) / hz * 100 / el, ($6 - $2) / 1e9 * 100 / el,
			($10 - $9) / el, $14, $13, ($7 - $3) / el, $8 / 1024 }'
}

# median FILE COLUMN
median() {
	awk -v c="$2" '$c != "-" { print $c }' "$1" | sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "-"; exit }
		m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		print m }'
}
colsum() { awk -v c="$2" '$c != "-" { s += $c; n++ } END { if (n) print s; else print "-" }' "$1"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.2f", a / b; else print "-" }'; }
per100k() { awk -v c="$1" -v p="$2" 'BEGIN { if (c ~ /^[0-9.]+$/ && p ~ /^[0-9.]+$/ && p > 0) printf "%.3f", c / (p / 100000); else print "-" }'; }

# --- header ---------------------------------------------------------------------
echo "== netlens live bench: $(date -u '+%Y-%m-%d %H:%M UTC') on $(uname -n) ($(uname -sr))"
echo "   cpu: $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null), $(nproc) cores; load at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "   $("$NETLENS" --version 2>/dev/null | head -n 1) (args: --headless --format json $NLARGS); $("$TCPDUMP" --version 2>&1 | head -n 1) -w /dev/null"
echo "   capture on $IF_RX (receiving side, netns $NS_RX); window ${SECS}s after ${WARMUP}s; $RUNS runs each, alternating; medians"
[ -n "$REPLAY" ] && echo "   replay: $(basename "$ORIG") ($LPACKETS packets, $LFLOWS flows)${RFILTER:+, only '$RFILTER' ($(ip netns exec "$NS_RX" "$TCPDUMP" -n -q -r "$REPLAY" 2>/dev/null | wc -l) packets)}, MACs rewritten, looped"

ROWS="$W/rows"	# traffic rate tool cpu rt pps drops recv ctxsw hwm
: >"$ROWS"
SUMMARY="$W/summary"
: >"$SUMMARY"

# --- loaded ---------------------------------------------------------------------
echo
printf '%-7s %-6s %-11s %7s %7s %7s %8s %9s %10s %9s %7s\n' traffic rate tool "cpu%" "rt%" kpps "rt/100k" drops received "ctxsw/s" "rssMiB"
for kind in $TRAFFIC; do
	for rate in $RATES; do
		for tool in $TOOLS; do : >"$W/r.$tool"; done
		for run in $(seq "$RUNS"); do
			for tool in $TOOLS; do
				measure "$tool" "$WARMUP" "$SECS" "$kind" "$rate" >>"$W/r.$tool"
				set -- $(tail -n 1 "$W/r.$tool")
				printf '%-7s %-6s %-11s %7s %7s %7.1f %8s %9s %10s %9s %7s   (run %d)\n' "$kind" "$rate" "$tool" \
					"$1" "$2" "$(awk -v p="$3" 'BEGIN { print p / 1000 }')" "$(per100k "$2" "$3")" "$4" "$5" "$6" "$7" "$run"
			done
		done
		for tool in $TOOLS; do
			f="$W/r.$tool"
			echo "$kind $rate $tool $(median "$f" 1) $(median "$f" 2) $(median "$f" 3) $(median "$f" 4) $(median "$f" 5) $(median "$f" 6) $(median "$f" 7) $(colsum "$f" 4)" >>"$ROWS"
		done
	done
done

echo
echo "-- medians: netlens (nl) vs tcpdump -w /dev/null (td) at the same traffic; per 100k = per 100 kpps achieved;"
echo "   ratio = nl/td of rt% per 100k (cpu-ratio: the same from utime+stime ticks); drops summed over the runs"
printf '%-7s %-6s %7s %7s %7s %7s %8s %8s %6s %6s %9s %9s %7s %7s %6s %6s\n' traffic rate "nl kpps" "td kpps" "nl rt%" "td rt%" \
	"nl/100k" "td/100k" ratio "cpu-r" "nl drops" "td drops" "nl wk/s" "td wk/s" "nl MiB" "td MiB"
for kind in $TRAFFIC; do
	for rate in $RATES; do
		set -- $(awk -v k="$kind" -v r="$rate" '$1 == k && $2 == r && $3 == "netlens"' "$ROWS")
		nl_cpu=$4 nl_rt=$5 nl_pps=$6 nl_cs=$9 nl_hwm=${10} nl_dropsum=${11}
		set -- $(awk -v k="$kind" -v r="$rate" '$1 == k && $2 == r && $3 == "tcpdump"' "$ROWS")
		td_cpu=$4 td_rt=$5 td_pps=$6 td_cs=$9 td_hwm=${10} td_dropsum=${11}
		nl100=$(per100k "$nl_rt" "$nl_pps"); td100=$(per100k "$td_rt" "$td_pps")
		r=$(ratio "$nl100" "$td100")
		cr=$(ratio "$(per100k "$nl_cpu" "$nl_pps")" "$(per100k "$td_cpu" "$td_pps")")
		printf '%-7s %-6s %7.1f %7.1f %7s %7s %8s %8s %6s %6s %9s %9s %7s %7s %6s %6s\n' "$kind" "$rate" \
			"$(awk -v p="$nl_pps" 'BEGIN { print p / 1000 }')" "$(awk -v p="$td_pps" 'BEGIN { print p / 1000 }')" \
			"$nl_rt" "$td_rt" "$nl100" "$td100" "$r" "$cr" "$nl_dropsum" "$td_dropsum" "$nl_cs" "$td_cs" "$nl_hwm" "$td_hwm"
		if [ -n "$ALTARGS" ]; then
			set -- $(awk -v k="$kind" -v r="$rate" '$1 == k && $2 == r && $3 == "netlens-alt"' "$ROWS")
			echo "   netlens-alt ($ALTARGS): $(awk -v p="$6" 'BEGIN { printf "%.1f", p / 1000 }') kpps, cpu% $4, rt% $5," \
				"rt/100k vs tcpdump $(ratio "$(per100k "$5" "$6")" "$(per100k "$td_rt" "$td_pps")")x," \
				"drops $7 (summed ${11}), ctxsw/s $9, rss ${10} MiB"
		fi
		if [ "$rate" = 100000 ]; then
			v=MISSED
			awk -v r="$r" -v t="$TARGET_CPU_RATIO" 'BEGIN { exit !(r ~ /^[0-9.]+$/ && r <= t) }' && v=PASS
			got="achieved $(awk -v p="$nl_pps" 'BEGIN { printf "%.1f", p / 1000 }') kpps"
			echo "target ($kind 100 kpps, $got): CPU per 100 kpps <= ${TARGET_CPU_RATIO}x tcpdump's: ${r}x $v" >>"$SUMMARY"
			v=MISSED; [ "$nl_dropsum" = 0 ] && v=PASS
			awk -v p="$nl_pps" 'BEGIN { exit !(p < 90000) }' && v="$v (but the sender fell short of 100 kpps)"
			echo "target ($kind 100 kpps, $got): no kernel drop: $nl_dropsum dropped over $RUNS runs $v" >>"$SUMMARY"
		fi
	done
done

# --- idle -------------------------------------------------------------------------
if [ "$IDLE_SECS" != 0 ]; then
	echo
	echo "-- idle: no traffic, ${IDLE_SECS}s window after 3s"
	printf '%-16s %8s %8s %9s %7s %10s\n' tool "cpu%" "rt%" "ctxsw/s" rssMiB "rx pkts"
	idle_tools="netlens netlens-noebpf"
	[ "$UI" = 1 ] && idle_tools="$idle_tools netlens-ui"
	idle_tools="$idle_tools tcpdump"
	for tool in $idle_tools; do
		a=$(rxcount)
		set -- $(measure "$tool" 3 "$IDLE_SECS")
		b=$(rxcount)
		printf '%-16s %8s %8s %9s %7s %10s\n' "$tool" "$1" "$2" "$6" "$7" "$((b - a))"
		echo "idle $tool $1 $2 $6" >>"$ROWS"
		if [ "$tool" = netlens ]; then
			v=MISSED
			awk -v c="$6" -v t="$TARGET_IDLE_WAKEUPS" 'BEGIN { exit !(c ~ /^[0-9.]+$/ && c <= t) }' && v=PASS
			echo "target: idle headless <= $TARGET_IDLE_WAKEUPS wakeups/s: $6/s $v" >>"$SUMMARY"
		fi
	done
fi

# --- drop-free rate ----------------------------------------------------------------
# probe TOOL RATE: "achieved_pps drops", the sender running for the probe
# only. A probe with drops is repeated once and the rate counts as drop-free
# if either is: on this shared host one scheduling stall of a few tens of ms
# overflows a ring (tcpdump dropped 2357 packets in a 50 kpps probe of a run
# where it had none in 3 runs at 180 kpps), and the search would end there.
probe() {
	_pt=$1 _pr=$2
	set -- $(measure "$_pt" "$WARMUP" "$SEARCH_SECS" replay "$_pr")
	if [ "$4" != 0 ] && [ "$4" != - ]; then
		note "  $_pt: asked $_pr/s, achieved $3/s, $4 kernel drops; once more"
		_first="$3 $4"
		set -- $(measure "$_pt" "$WARMUP" "$SEARCH_SECS" replay "$_pr")
		[ "$4" = 0 ] || set -- x x $_first
	fi
	echo "$3 $4"
}
# search TOOL: prints "best_pps capped rate" (capped=1: the sender, not
# drops, ended it; 2: the tool failed at that rate)
search() {
	_tool=$1 _good=0 _bad=0 _r=$SEARCH_START _cap=0 _best=0
	while :; do
		set -- $(probe "$_tool" "$_r")
		note "  $_tool: asked $_r/s, achieved $1/s, $2 kernel drops"
		if [ "$2" = - ]; then _bad=$_r; _cap=2; break; fi
		if [ "$2" = 0 ]; then
			_good=$_r; [ "$1" -gt "$_best" ] && _best=$1
			# the sender fell short of the rate asked: it is the limit
			if [ "$1" -lt $(( _r * 9 / 10 )) ]; then _cap=1; break; fi
			_r=$(( _r * 5 / 4 ))
		else
			_bad=$_r; break
		fi
	done
	if [ "$_cap" = 0 ] && [ "$_good" -gt 0 ]; then
		for _i in 1 2; do
			_r=$(( (_good + _bad) / 2 ))
			set -- $(probe "$_tool" "$_r")
			note "  $_tool: asked $_r/s, achieved $1/s, $2 kernel drops"
			if [ "$2" = 0 ]; then _good=$_r; [ "$1" -gt "$_best" ] && _best=$1; else _bad=$_r; fi
		done
	fi
	echo "$_best $_cap $_bad"
}
if [ "$SEARCH" = 1 ]; then
	echo
	echo "-- drop-free rate, replayed many-flow traffic, ${SEARCH_SECS}s probes from $SEARCH_START/s (x1.25, then bisect twice)"
	search_tools="tcpdump netlens"
	[ -n "$ALTARGS" ] && search_tools="$search_tools netlens-alt"
	[ "$WORKERS" = 1 ] && search_tools="$search_tools netlens-w1 netlens-w2"
	for tool_s in $search_tools; do
		set -- $(search "$tool_s")
		lim=""; [ "$2" = 1 ] && lim=">="
		case $2 in
		1) why=" (the sender's limit, not the tool's)" ;;
		2) why=" (the search stopped: the tool failed at $3/s, see above)" ;;
		*) why= ;;
		esac
		printf '%-12s %s%s packets/s with no kernel drop%s\n' "$tool_s" "$lim" "$1" "$why"
		echo "dropfree $tool_s $1 $2" >>"$ROWS"
	done
	if [ "$WORKERS" = 1 ]; then
		set -- $(awk '$1 == "dropfree" && $2 == "netlens-w1" { print $3, $4 }' "$ROWS") \
			$(awk '$1 == "dropfree" && $2 == "netlens-w2" { print $3, $4 }' "$ROWS")
		r=$(ratio "$3" "$1")
		# A ratio needs one worker's own limit: if one worker never dropped
		# below the sender's limit there is none, and the ratio of two lower
		# bounds says nothing.
		if [ "$2" = 2 ]; then v="NOT SHOWN (--workers 1 failed during the search)"; r=-
		elif [ "$4" = 2 ]; then v="MISSED (--workers 2 failed during the search)"
		elif [ "$2" = 1 ]; then v="NOT SHOWN (--workers 1 had no drop up to the sender's limit, >= $1/s; --workers 2 >= $3/s)"; r=-
		else
			v=MISSED
			awk -v r="$r" -v t="$TARGET_WORKERS" 'BEGIN { exit !(r ~ /^[0-9.]+$/ && r >= t) }' && v=PASS
			if [ "$4" = 1 ]; then
				# a lower bound: it can only prove a PASS
				[ "$v" = PASS ] || v="NOT SHOWN"
				v="$v (--workers 2 reached the sender's limit: ${r}x is a lower bound)"
			fi
		fi
		echo "target: --workers 2 drop-free rate >= ${TARGET_WORKERS}x --workers 1's: ${r}x $v" >>"$SUMMARY"
	fi
fi

echo
echo "-- targets (load at end: $(cut -d' ' -f1-3 /proc/loadavg))"
if [ -s "$SUMMARY" ]; then cat "$SUMMARY"; else echo "(none measured)"; fi
[ "$WORKERS" = 0 ] && echo "target: --workers 2 >= ${TARGET_WORKERS}x --workers 1: not measured (no --workers in this netlens, or no drop-free search)"
exit 0
