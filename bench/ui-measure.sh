#!/bin/bash
# bench/ui-measure.sh - what netlens' terminal UI costs: CPU and wakeups per
# second with the UI idle and with 10 000 live flows, each beside the same
# load in --headless mode measured in the same run (on a shared, noisy
# machine the UI/headless ratio is the figure to compare, not the absolute).
#
# netlens captures live on a veth in a pair of network namespaces this
# script creates (10.232.0.1 <-> 10.232.0.2, IPv6 off so an idle link is
# silent); no traffic leaves them. The UI runs in a private tmux server
# (-L nluim$$, 160x50). The load is bench/ui-flows.py: N distinct UDP flows
# (10.232.0.1:20000+i -> 10.232.0.2:9999) refreshed in turn at RATE pkt/s,
# so every flow stays well inside the 60 s UDP idle timeout
# (doc/flow-record.md); the server side binds 9999 and never reads, so no
# ICMP unreachables add flows. The UI's title bar ("N flows") is checked
# before and after each loaded UI measurement.
#
# Scenarios (each netlens started fresh, alone, on the same interface):
#   ui-idle, ui-idle-r200   the UI, no traffic at all on the link
#   headless-idle           --headless --format json >/dev/null, no traffic
#   ui-10k, ui-10k-r200     the UI with the load
#   ui-10k-keys             the same while j/k are sent at ~25 keys/s (a
#                           held arrow key), through the whole window
#   headless-10k[-r200]     --headless --format json >/dev/null with the load
#                           (it prints every open flow at each refresh)
#   capture-10k             --headless -r 3600000 with the load: capture and
#                           tracking only, no output (the floor under both)
#
# Columns, over UIM_SECS seconds with netlens alone in the window (no
# strace attached; perf stat counting tracepoints barely perturbs it):
#   cpu%     (utime+stime delta from /proc/PID/stat) / elapsed, % of one CPU
#   rt%      the same from the scheduler's runtime (/proc/PID/task/*/schedstat,
#            ns): finer than the 10 ms ticks of cpu%; the ratios use it
#   peak%    the busiest 1 s of the window (same counters, sampled each s)
#   ctxsw/s  voluntary+nonvoluntary context switches, summed over
#            /proc/PID/task/*/status: the wakeups proxy
#   invol/s  the nonvoluntary part (preempted, e.g. by tmux reading the pty)
#   epoll/s  epoll_wait/epoll_pwait/select entries: event loop wakeups
#            (perf stat tracepoints; "-" without perf)
#   poll/s   poll/ppoll entries (ncurses' typeahead check, timeout 0)
#   sysc/s   all syscalls (perf raw_syscalls:sys_enter)
#   wr/s     write() calls per second (terminal updates for the UI)
#   outKB/s  bytes written per second (/proc/PID/io wchar)
# then, in a separate UIM_STRACE_SECS window (ptrace slows the process, so
# it is never in the CPU window), strace -c -f over all syscalls:
#   st-epoll/s, st-sysc/s
# Ratios UI / headless (and UI / capture-only) at the same load close it.
#
# usage: bench/ui-measure.sh            (as root; NETLENS=path/to/netlens)
# Environment:
#   NETLENS          netlens binary (default: ./netlens, else
#                    /tmp/build-ui/netlens)
#   UIM_SECS         measurement window per scenario, s   (default 20)
#   UIM_STRACE_SECS  strace -c window, s; 0 skips          (default 10)
#   UIM_FLOWS        flows kept alive                      (default 10000)
#   UIM_RATE         sender packets per second             (default 2000)
#   UIM_FAST         1: also the -r 200 scenarios          (default 1)
#   UIM_KEYS         1: also ui-10k-keys                   (default 1)
#   UIM_SETTLE       seconds after start before measuring  (default 6)
#   UIM_KEEP         1: keep the work dir (screens, logs)  (default 0)
# Prints a table; the exit status is 0 unless it cannot run.

set -u

HERE=$(cd "$(dirname "$0")" && pwd)
if [ -z "${NETLENS:-}" ]; then
	if [ -x ./netlens ]; then NETLENS=$(pwd)/netlens; else NETLENS=/tmp/build-ui/netlens; fi
fi
SECS=${UIM_SECS:-20}
STRACE_SECS=${UIM_STRACE_SECS:-10}
FLOWS=${UIM_FLOWS:-10000}
RATE=${UIM_RATE:-2000}
FAST=${UIM_FAST:-1}
KEYS=${UIM_KEYS:-1}
SETTLE=${UIM_SETTLE:-6}
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)

die() { echo "ui-measure: $*" >&2; exit 1; }
log() { echo "# $*" >&2; }

[ "$(id -u)" = 0 ] || die "needs root (network namespaces)"
[ -x "$NETLENS" ] || die "no netlens binary at $NETLENS (set NETLENS)"
for p in ip tmux "$PY"; do command -v "$p" >/dev/null 2>&1 || die "missing program: $p"; done
[ -f "$HERE/ui-flows.py" ] || die "missing $HERE/ui-flows.py"

TAG=$$
NS_CL=nluicl$TAG
NS_SV=nluisv$TAG
IF_CL=nluic$TAG
IF_SV=nluis$TAG
CL4=10.232.0.1
SV4=10.232.0.2
SOCK=nluim$TAG
W=$(mktemp -d /tmp/ui-measure.XXXXXX) || die "mktemp"
PIDS=""
NSS=""

track() { PIDS="$PIDS $*"; }

cleanup() {
	tmux -L "$SOCK" kill-server >/dev/null 2>&1
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	for p in $PIDS; do
		i=0
		while kill -0 "$p" 2>/dev/null && [ $i -lt 20 ]; do sleep 0.1; i=$((i + 1)); done
		kill -9 "$p" 2>/dev/null
	done
	for ns in $NSS; do
		for p in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
		ip netns del "$ns" 2>/dev/null
	done
	if [ "${UIM_KEEP:-0}" = 1 ]; then echo "# kept $W" >&2; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# --- namespaces -------------------------------------------------------------
ip netns add "$NS_CL" || die "ip netns add"
NSS="$NSS $NS_CL"
ip netns add "$NS_SV" || die "ip netns add"
NSS="$NSS $NS_SV"
for ns in "$NS_CL" "$NS_SV"; do
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 >/dev/null 2>&1
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1
	ip -n "$ns" link set lo up
done
ip link add "$IF_CL" netns "$NS_CL" type veth peer name "$IF_SV" netns "$NS_SV" || die "veth"
ip -n "$NS_CL" addr add "$CL4/24" dev "$IF_CL"
ip -n "$NS_SV" addr add "$SV4/24" dev "$IF_SV"
ip -n "$NS_CL" link set "$IF_CL" up
ip -n "$NS_SV" link set "$IF_SV" up
# permanent neighbours: no ARP probes on the idle link
CL_MAC=$(ip netns exec "$NS_CL" cat "/sys/class/net/$IF_CL/address")
SV_MAC=$(ip netns exec "$NS_SV" cat "/sys/class/net/$IF_SV/address")
ip -n "$NS_CL" neigh replace "$SV4" lladdr "$SV_MAC" nud permanent dev "$IF_CL"
ip -n "$NS_SV" neigh replace "$CL4" lladdr "$CL_MAC" nud permanent dev "$IF_SV"
i=0
until ip netns exec "$NS_CL" ping -c1 -W1 "$SV4" >/dev/null 2>&1; do
	i=$((i + 1)); [ $i -lt 50 ] || die "namespaces not reachable"; sleep 0.1
done
# the server side takes the packets and drops them (never read): no replies
ip netns exec "$NS_SV" "$PY" -c '
import socket, signal
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.bind(("0.0.0.0", 9999))
signal.pause()' &
track $!

HAVE_PERF=0
if command -v perf >/dev/null 2>&1 &&
	perf stat -x, -e raw_syscalls:sys_enter -- true >/dev/null 2>&1; then
	HAVE_PERF=1
fi
HAVE_STRACE=0
command -v strace >/dev/null 2>&1 && [ "$STRACE_SECS" != 0 ] && HAVE_STRACE=1
[ $HAVE_PERF = 1 ] || log "perf unusable: waits/s, sysc/s, wr/s not measured"
[ $HAVE_STRACE = 1 ] || log "strace not used"
HZ=$(getconf CLK_TCK)
WAIT_EVENTS="syscalls:sys_enter_epoll_wait,syscalls:sys_enter_epoll_pwait,syscalls:sys_enter_epoll_pwait2,syscalls:sys_enter_poll,syscalls:sys_enter_ppoll,syscalls:sys_enter_select,syscalls:sys_enter_pselect6"

# --- probes -----------------------------------------------------------------
# snapshot PID: "cputicks voluntary_ctxsw nonvoluntary_ctxsw wchar runtime_ns"
snapshot() {
	_t=$(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat" 2>/dev/null) || return 1
	_c=$(cat /proc/"$1"/task/*/status 2>/dev/null |
		awk '/^voluntary_ctxt_switches/ { v += $2 } /^nonvoluntary_ctxt_switches/ { n += $2 }
			END { print v + 0, n + 0 }')
	_w=$(awk '/^wchar/ { print $2 }' "/proc/$1/io" 2>/dev/null)
	_s=$(cat /proc/"$1"/task/*/schedstat 2>/dev/null | awk '{ s += $1 } END { printf "%.0f", s }')
	echo "$_t $_c ${_w:-0} ${_s:-0}"
}

now() { date +%s.%N; }

# measure NAME PID: one table row
measure() {
	_name=$1 _pid=$2
	kill -0 "$_pid" 2>/dev/null || { log "$_name: netlens ($_pid) is not running"; row "$_name" - - - - - - - - - - - -; return 1; }
	_a=$(snapshot "$_pid")
	_t0=$(now)
	# 1 s CPU samples alongside, for the peak (spikes)
	( while kill -0 "$_pid" 2>/dev/null; do
		awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$_pid/stat" 2>/dev/null; sleep 1
	  done ) >"$W/$_name.samples" &
	_sampler=$!
	if [ $HAVE_PERF = 1 ]; then
		perf stat -x, -o "$W/$_name.perf" \
			-e "raw_syscalls:sys_enter,syscalls:sys_enter_write,$WAIT_EVENTS" \
			-p "$_pid" -- sleep "$SECS" >/dev/null 2>&1
	else
		sleep "$SECS"
	fi
	_t1=$(now)
	kill "$_sampler" 2>/dev/null; wait "$_sampler" 2>/dev/null
	_peak=$(awk -v hz="$HZ" 'NR > 1 && $1 - p > m { m = $1 - p } { p = $1 } END { printf "%.0f", m / hz * 100 }' "$W/$_name.samples")
	_b=$(snapshot "$_pid") || { log "$_name: netlens died during the measurement"; row "$_name" - - - - - - - - - - - -; return 1; }
	_st_sys=- _st_wait=-
	if [ $HAVE_STRACE = 1 ]; then
		timeout -s INT "$STRACE_SECS" strace -c -f -q -o "$W/$_name.strace" -p "$_pid" >/dev/null 2>&1
		if [ -s "$W/$_name.strace" ]; then
			# columns: % time, seconds, usecs/call, calls, [errors], syscall
			_st_sys=$(awk -v s="$STRACE_SECS" '$NF == "total" { printf "%.1f", $4 / s }' "$W/$_name.strace")
			_st_wait=$(awk -v s="$STRACE_SECS" '$NF ~ /^(epoll_wait|epoll_pwait|epoll_pwait2|select|pselect6)$/ {
				n += $4 } END { printf "%.1f", n / s }' "$W/$_name.strace")
		fi
	fi
	_el=$(echo "$_t0 $_t1" | awk '{ print $2 - $1 }')
	_perf_sys=- _perf_wait=- _perf_poll=- _perf_wr=-
	if [ $HAVE_PERF = 1 ] && [ -s "$W/$_name.perf" ]; then
		eval "$(awk -F, -v el="$_el" '
			$3 == "raw_syscalls:sys_enter" { sys = $1 }
			$3 == "syscalls:sys_enter_write" { wr = $1 }
			$3 ~ /^syscalls:sys_enter_(epoll|select|pselect)/ && $1 ~ /^[0-9]+$/ { wt += $1 }
			$3 ~ /^syscalls:sys_enter_p?poll$/ && $1 ~ /^[0-9]+$/ { pl += $1 }
			END { printf "_perf_sys=%.1f _perf_wr=%.1f _perf_wait=%.1f _perf_poll=%.1f\n",
				sys / el, wr / el, wt / el, pl / el }' "$W/$_name.perf")"
	fi
	set -- $_a $_b
	_r=$(echo "$1 $2 $3 $4 $5 $6 $7 $8 $9 ${10} $_el $HZ" | awk '{
		el = $11
		printf "%.2f %.1f %.1f %.2f %.3f", ($6 - $1) / $12 * 100 / el, ($7 + $8 - $2 - $3) / el,
			($8 - $3) / el, ($9 - $4) / el / 1024, ($10 - $5) / 1e9 * 100 / el }')
	set -- $_r
	row "$_name" "$1" "$5" "$_peak" "$2" "$3" "$_perf_wait" "$_perf_poll" "$_perf_sys" "$_perf_wr" "$4" "$_st_wait" "$_st_sys"
}

ROWS="$W/rows"
: >"$ROWS"
row() {
	printf '%-18s %6s %6s %5s %7s %7s %7s %7s %7s %7s %8s %9s %9s\n' "$@" | tee -a "$ROWS"
}

# --- netlens under test -----------------------------------------------------
tmx() { tmux -L "$SOCK" "$@"; }

# ui_start ARGS...: netlens' UI in a fresh tmux session; sets UI_PID
ui_start() {
	tmx kill-server >/dev/null 2>&1
	rm -f "$W/ui.sh.pid" "$W/ui.exit"
	cat >"$W/ui.sh" <<-EOF
	echo \$\$ > $W/ui.sh.pid
	env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color ip netns exec $NS_CL $NETLENS -i $IF_CL $* 2>$W/ui.err
	echo EXIT=\$? > $W/ui.exit
	sleep 3600
	EOF
	for _try in 1 2 3 4 5 6 7 8 9 10; do
		tmx -f /dev/null new-session -d -s t -x 160 -y 50 "sh $W/ui.sh" >/dev/null 2>&1 && break
		sleep 0.2
	done
	tmx set-option -g status off >/dev/null 2>&1
	UI_PID=""
	for _i in $(seq 50); do
		if [ -s "$W/ui.sh.pid" ]; then
			UI_PID=$(pgrep -P "$(cat "$W/ui.sh.pid")" -x netlens)
			[ -n "$UI_PID" ] && break
		fi
		sleep 0.1
	done
	[ -n "$UI_PID" ] || { screen_dump; die "the UI did not start"; }
	track "$UI_PID"
}
ui_stop() {
	[ -n "${UI_PID:-}" ] && kill "$UI_PID" 2>/dev/null
	for _i in $(seq 30); do kill -0 "$UI_PID" 2>/dev/null || break; sleep 0.1; done
	if [ -s "$W/ui.exit" ]; then
		_rc=$(sed 's/EXIT=//' "$W/ui.exit")
		[ "$_rc" = 0 ] || { log "UI exited with status $_rc"; screen_dump; }
	fi
	tmx kill-server >/dev/null 2>&1
	UI_PID=""
}
screen() { tmx capture-pane -p -t t 2>/dev/null; }
screen_dump() { screen | sed 's/^/# | /' >&2; [ -s "$W/ui.err" ] && sed 's/^/# stderr: /' "$W/ui.err" >&2; }
ui_flows() { screen | sed -n '1{s/.*  \([0-9][0-9]*\) flows .*/\1/p}'; }

# headless_start ARGS...: sets HL_PID
headless_start() {
	ip netns exec "$NS_CL" "$NETLENS" --headless --format json -i "$IF_CL" "$@" >/dev/null 2>"$W/hl.err" </dev/null &
	HL_PID=$!
	track "$HL_PID"
}
headless_stop() {
	kill "$HL_PID" 2>/dev/null
	wait "$HL_PID" 2>/dev/null
	_rc=$?
	[ "$_rc" = 0 ] || log "headless exited with status $_rc: $(head -3 "$W/hl.err")"
	# its summary at exit: "IF: P packets, B bytes, F flows (N open), ..."
	log "$1: headless at exit: $(grep -o '[0-9]* flows ([0-9]* open)' "$W/hl.err" | head -1)"
}

# wait_flows MIN SECONDS: the UI's title shows at least MIN flows
wait_flows() {
	for _i in $(seq $(($2 * 5))); do
		_n=$(ui_flows)
		[ -n "$_n" ] && [ "$_n" -ge "$1" ] && return 0
		sleep 0.2
	done
	return 1
}

check_idle() {
	_n=$(ui_flows)
	log "$1: title bar shows ${_n:-?} flows"
}

# --- scenarios --------------------------------------------------------------
echo "# netlens $("$NETLENS" --version 2>/dev/null | head -1); $(nproc) CPUs; load $(cut -d' ' -f1-3 /proc/loadavg)" >&2
echo "# window ${SECS}s per scenario (strace ${STRACE_SECS}s apart); $FLOWS flows at $RATE pkt/s" >&2
row scenario "cpu%" "rt%" "peak%" "ctxsw/s" "invol/s" "epoll/s" "poll/s" "sysc/s" "wr/s" "outKB/s" "st-epoll/s" "st-sysc/s"

ui_start
sleep "$SETTLE"
check_idle ui-idle
screen >"$W/ui-idle.screen"
measure ui-idle "$UI_PID"
ui_stop

if [ "$FAST" = 1 ]; then
	ui_start -r 200
	sleep "$SETTLE"
	measure ui-idle-r200 "$UI_PID"
	ui_stop
fi

headless_start
sleep "$SETTLE"
measure headless-idle "$HL_PID"
headless_stop headless-idle

# the load
ip netns exec "$NS_CL" "$PY" "$HERE/ui-flows.py" "$IF_CL" "$CL4" "$SV4" "$SV_MAC" \
	--flows "$FLOWS" --rate "$RATE" --ready "$W/sender.ready" &
SENDER=$!
track "$SENDER"
for _i in $(seq 100); do [ -e "$W/sender.ready" ] && break; sleep 0.1; done
[ -e "$W/sender.ready" ] || die "the sender did not start"
PASS=$(( (FLOWS + RATE - 1) / RATE ))	# seconds for the sender to touch every flow
MIN=$(( FLOWS * 98 / 100 ))

loaded_ui() {
	_name=$1; shift
	_keys=0
	[ "${1:-}" = --keys ] && { _keys=1; shift; }
	ui_start "$@"
	if ! wait_flows "$MIN" $((PASS + 20)); then
		log "$_name: the title bar shows $(ui_flows) flows, expected ~$FLOWS"
		screen_dump
	fi
	sleep 2
	log "$_name: title bar shows $(ui_flows) flows before"
	screen >"$W/$_name.before.screen"
	if [ $_keys = 1 ]; then
		# a held arrow key: j k j k ... at ~25 keys/s (the view stays put)
		( while :; do tmx send-keys -t t j; sleep 0.04; tmx send-keys -t t k; sleep 0.04; done ) &
		_kp=$!
		track $_kp
	fi
	measure "$_name" "$UI_PID"
	[ $_keys = 1 ] && { kill $_kp; wait $_kp 2>/dev/null; }
	log "$_name: title bar shows $(ui_flows) flows after"
	screen >"$W/$_name.after.screen"
	ui_stop
}
loaded_headless() {
	_name=$1; shift
	headless_start "$@"
	sleep $((PASS + 3))
	measure "$_name" "$HL_PID"
	headless_stop "$_name"
}

loaded_ui ui-10k
[ "$KEYS" = 1 ] && loaded_ui ui-10k-keys --keys
loaded_headless headless-10k
if [ "$FAST" = 1 ]; then
	loaded_ui ui-10k-r200 -r 200
	loaded_headless headless-10k-r200 -r 200
fi
loaded_headless capture-10k -r 3600000

# ratios UI / headless at the same load
ratio() {
	awk -v a="$1" -v b="$2" '$1 == a { for (i = 2; i <= NF; i++) x[i] = $i }
		$1 == b { for (i = 2; i <= NF; i++) y[i] = $i }
		END {
			f = "%-26s"; printf f, a "/" b
			for (i = 3; i <= 5; i += 2)
				if (x[i] ~ /^[0-9.]+$/ && y[i] ~ /^[0-9.]+$/ && y[i] > 0) printf " %7.2fx", x[i] / y[i]
				else printf " %8s", "-"
			printf "   (rt%%, ctxsw/s)\n" }' "$ROWS"
}
echo "# ratios"
ratio ui-10k headless-10k
[ "$FAST" = 1 ] && ratio ui-10k-r200 headless-10k-r200
ratio ui-10k capture-10k
ratio ui-idle headless-idle
exit 0
