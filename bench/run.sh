#!/bin/sh
# bench/run.sh - netlens offline throughput and memory per flow, as ratios to
# baselines measured in the same run (doc/performance.md). Run by `make bench`.
# netlens runs as it does by default, with its dissector plugins (DPI); it is
# also timed with --no-dpi, and against nDPI's ndpiReader when installed.
#
# A benchmark reports; it does not fail: the exit status is 0 even when a
# target is missed (MISSED is printed), non-zero only when it cannot run.
#
# Environment (make bench sets the first four):
#   NETLENS          netlens binary                     (required)
#   GEN              bench/gen-capture binary           (required)
#   FLOOR            bench/pcap-floor binary            (required)
#   BENCH_DATA       cache dir for generated captures   (default ./bench-data;
#                    make bench: bench-data/ in the build tree)
#   BENCH_RUNS       timed runs of each command         (default 5)
#   BENCH_PACKETS    packets in the main capture        (default 3000000)
#   BENCH_FLOWS      flows in the main capture          (default 150000)
#   BENCH_SPAN       capture span, seconds              (default 60)
#   BENCH_SEED       generator seed                     (default 1)
#   BENCH_MAX_FLOWS  netlens --max-flows for the main capture
#                    (default: the larger of 100000 and BENCH_FLOWS, so the
#                    table can hold every flow and nothing is evicted)
#   BENCH_TEXT       1: also time --format text         (default 1)
#   BENCH_MID_FLOWS  memory point at this many flows, 0 skips (default 100000)
#   BENCH_BIG_FLOWS  memory point at this many flows, 0 skips (default 1000000)
#   BENCH_BIG_PACKETS packets in that capture           (default 7000000)
#   BENCH_CALLGRIND  1 / 0 / auto (= 1 when valgrind is installed)
#   BENCH_CALLGRIND_PACKETS capture size for callgrind  (default 200000)
#   BENCH_NODPI      1: also time netlens --no-dpi      (default 1)
#   BENCH_NDPI       1 / 0 / auto (= 1 when ndpiReader is found)
#   NDPIREADER       ndpiReader binary                  (default: from PATH;
#                    Debian package libndpi-bin)

set -u

: "${NETLENS:?NETLENS must name the netlens binary}"
: "${GEN:?GEN must name bench/gen-capture}"
: "${FLOOR:?FLOOR must name bench/pcap-floor}"
DATA=${BENCH_DATA:-./bench-data}
RUNS=${BENCH_RUNS:-5}
PACKETS=${BENCH_PACKETS:-3000000}
FLOWS=${BENCH_FLOWS:-150000}
SPAN=${BENCH_SPAN:-60}
SEED=${BENCH_SEED:-1}
TEXT=${BENCH_TEXT:-1}
MID_FLOWS=${BENCH_MID_FLOWS:-100000}
BIG_FLOWS=${BENCH_BIG_FLOWS:-1000000}
BIG_PACKETS=${BENCH_BIG_PACKETS:-7000000}
CALLGRIND=${BENCH_CALLGRIND:-auto}
CG_PACKETS=${BENCH_CALLGRIND_PACKETS:-200000}
NODPI=${BENCH_NODPI:-1}
NDPI=${BENCH_NDPI:-auto}

TARGET_RATIO=0.5	# netlens packets/s >= this x the libpcap floor's
TARGET_DPI_RATIO=0.35	# the same with all dissectors on (issue: plugins)
TARGET_NDPI=5		# netlens (dissectors) packets/s >= this x ndpiReader's
TARGET_BPF=200		# bytes per flow <= this

die() { echo "bench: $*" >&2; exit 1; }
note() { echo "bench: $*" >&2; }

for b in "$NETLENS" "$GEN" "$FLOOR"; do
	[ -x "$b" ] || die "$b: not an executable (run it through 'make bench')"
done
command -v awk >/dev/null || die "awk is needed"
date +%s.%N | grep -q N && die "date +%s.%N is needed (GNU coreutils)"

maxf() { if [ "$1" -gt 100000 ]; then echo "$1"; else echo 100000; fi; }
MAXF=${BENCH_MAX_FLOWS:-$(maxf "$FLOWS")}

# ndpiReader (nDPI's demo reader): -i FILE classifies every flow of the file,
# -q prints nothing (stdout is discarded anyway).
NDPIREADER=${NDPIREADER:-$(command -v ndpiReader 2>/dev/null)}
if [ "$NDPI" = auto ]; then
	if [ -n "$NDPIREADER" ] && [ -x "$NDPIREADER" ]; then NDPI=1; else NDPI=0; fi
	[ "$NDPI" = 0 ] && note "ndpiReader not found (Debian package libndpi-bin): no comparison with nDPI"
fi
if [ "$NDPI" = 1 ] && { [ -z "$NDPIREADER" ] || [ ! -x "$NDPIREADER" ]; }; then
	note "BENCH_NDPI=1 but ndpiReader not found: no comparison with nDPI"
	NDPI=0
fi

TIME=
if [ -x /usr/bin/time ] && /usr/bin/time -f %M -o /dev/null true 2>/dev/null; then
	TIME=/usr/bin/time
else
	note "GNU time (/usr/bin/time, Debian package 'time') not found: peak RSS not measured"
fi

mkdir -p "$DATA" || die "cannot create $DATA"
DATA=$(cd "$DATA" && pwd)
TMP=$(mktemp -d "${TMPDIR:-/tmp}/netlens-bench.XXXXXX") || die "mktemp failed"
trap 'rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM

GENVER=$("$GEN" -V | awk '{print $2}')

# capture PACKETS FLOWS -> prints the cached file's path (generated if absent)
capture() {
	f="$DATA/capture-v$GENVER-p$1-f$2-d$SPAN-s$SEED.pcap"
	if [ ! -s "$f" ]; then
		note "generating $f ..."
		t0=$(date +%s.%N)
		"$GEN" -n "$1" -f "$2" -d "$SPAN" -s "$SEED" -o "$f.tmp" >&2 || { rm -f "$f.tmp"; die "gen-capture failed"; }
		mv "$f.tmp" "$f"
		t1=$(date +%s.%N)
		note "generated in $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s"
	fi
	echo "$f"
}

# warm FILE: read it into the page cache; warns when it cannot fit
warm() {
	avail=$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo 2>/dev/null)
	size_k=$(( $(wc -c < "$1") / 1024 ))
	if [ -n "$avail" ] && [ "$size_k" -gt $(( avail * 3 / 4 )) ]; then
		note "WARNING: $(basename "$1") ($size_k KiB) may not stay in the page cache ($avail KiB available): figures would include disk reads"
	fi
	cat "$1" > /dev/null
}

# timed OUTFILE CMD...: runs CMD (stdout discarded), appends "seconds rss_kib"
# to OUTFILE; CMD's stderr is kept in $TMP/stderr.
timed() {
	out=$1; shift
	t0=$(date +%s.%N)
	if [ -n "$TIME" ]; then
		"$TIME" -f %M -o "$TMP/rss" "$@" > /dev/null 2> "$TMP/stderr"
	else
		"$@" > /dev/null 2> "$TMP/stderr"
	fi
	rc=$?
	t1=$(date +%s.%N)
	if [ "$rc" -ne 0 ]; then
		cat "$TMP/stderr" >&2
		die "exit status $rc from: $*"
	fi
	rss=NA
	[ -n "$TIME" ] && rss=$(tail -n 1 "$TMP/rss")
	echo "$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.6f", b-a}') $rss" >> "$out"
}

# median FILE COLUMN [PRINTF-FORMAT]
median() {
	awk -v c="$2" '{print $c}' "$1" | sort -g | awk -v fmt="${3:-%.6f}" '{v[NR]=$1} END {
		if (NR == 0 || v[1] == "NA") { print "NA"; exit }
		m = (NR % 2) ? v[(NR+1)/2] : (v[NR/2]+v[NR/2+1])/2
		printf fmt "\n", m }'
}
minmax() {
	awk -v c="$2" '{print $c}' "$1" | sort -g | awk '{v[NR]=$1} END {print v[1] ".." v[NR]}'
}

# nlstat KEY FILE: value of key=value in the last "netlens: stats:" line
nlstat() {
	grep '^netlens: stats:' "$2" | tail -n 1 | tr ' ' '\n' | awk -F= -v k="$1" '$1 == k {print $2}'
}

echo "== netlens bench: $(date -u '+%Y-%m-%d %H:%M UTC') on $(uname -n) ($(uname -sr))"
echo "   cpu: $(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo 2>/dev/null), $(nproc 2>/dev/null) cores;" \
	"load at start: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)"
echo "   $("$NETLENS" --version 2>/dev/null | head -n 1); dissectors: $("$NETLENS" --list-dissectors 2>/dev/null | awk '/^[a-z0-9_]+ +[0-9]/ {printf "%s%s", s, $1; s = " "}')"
[ "$NDPI" = 1 ] && echo "   $("$NDPIREADER" -h 2>/dev/null | awk '/^Welcome to/ {print $3, $4; exit}') ($NDPIREADER -i FILE -q)"

MAIN=$(capture "$PACKETS" "$FLOWS") || exit 1
TINY=$(capture 2000 8) || exit 1
warm "$MAIN"
warm "$TINY"

# One untimed run of each (page cache, dynamic loader, CPU frequency).
"$FLOOR" "$MAIN" > /dev/null || die "pcap-floor failed"
"$NETLENS" --read "$MAIN" --headless --format json --max-flows "$MAXF" > /dev/null 2> "$TMP/stderr" || { cat "$TMP/stderr" >&2; die "netlens failed"; }
if [ "$NDPI" = 1 ] && ! "$NDPIREADER" -i "$MAIN" -q > /dev/null 2> "$TMP/stderr"; then
	cat "$TMP/stderr" >&2
	note "ndpiReader failed on $(basename "$MAIN"): no comparison with nDPI"
	NDPI=0
fi

echo "   main capture: $(basename "$MAIN") ($PACKETS packets, $FLOWS flows); $RUNS runs each, alternating; netlens --max-flows $MAXF"
: > "$TMP/floor"; : > "$TMP/json"; : > "$TMP/text"; : > "$TMP/nodpi"; : > "$TMP/ndpi"
last() { printf ', %s %.3f s' "$1" "$(tail -n 1 "$TMP/$1" | cut -d' ' -f1)"; }
i=1
while [ "$i" -le "$RUNS" ]; do
	timed "$TMP/floor" "$FLOOR" "$MAIN"
	timed "$TMP/json" "$NETLENS" --read "$MAIN" --headless --format json --max-flows "$MAXF"
	[ "$TEXT" = 1 ] && timed "$TMP/text" "$NETLENS" --read "$MAIN" --headless --format text --max-flows "$MAXF"
	[ "$NODPI" = 1 ] && timed "$TMP/nodpi" "$NETLENS" --read "$MAIN" --headless --format json --max-flows "$MAXF" --no-dpi
	[ "$NDPI" = 1 ] && timed "$TMP/ndpi" "$NDPIREADER" -i "$MAIN" -q
	printf '   run %d/%d: floor %.3f s%s%s%s%s\n' "$i" "$RUNS" \
		"$(tail -n 1 "$TMP/floor" | cut -d' ' -f1)" "$(last json)" \
		"$([ "$TEXT" = 1 ] && last text)" "$([ "$NODPI" = 1 ] && last nodpi)" \
		"$([ "$NDPI" = 1 ] && last ndpi)"
	i=$((i + 1))
done

# Engine accounting: one --stats run (not timed).
"$NETLENS" --read "$MAIN" --headless --format json --max-flows "$MAXF" --stats > /dev/null 2> "$TMP/stats.main" || die "netlens --stats failed"
PEAK=$(nlstat peak_flows "$TMP/stats.main")
BPF_TABLE=$(nlstat bytes_per_flow "$TMP/stats.main")
CREATED=$(nlstat flows_created "$TMP/stats.main")
EVICTED=$(nlstat flows_evicted "$TMP/stats.main")
NPKT=$(nlstat packets "$TMP/stats.main")
DPI_OFFERED=$(nlstat dpi_offered "$TMP/stats.main")
DPI_IDENT=$(nlstat dpi_identified "$TMP/stats.main")
DPI_MALF=$(nlstat dpi_malformed "$TMP/stats.main")
[ -n "$PEAK" ] || { cat "$TMP/stats.main" >&2; die "no 'netlens: stats:' line with peak_flows"; }

# RSS baseline: the tiny capture with the same --max-flows.
: > "$TMP/tiny"; : > "$TMP/tiny.nodpi"
for _ in 1 2 3; do timed "$TMP/tiny" "$NETLENS" --read "$TINY" --headless --format json --max-flows "$MAXF"; done
if [ "$NODPI" = 1 ]; then
	for _ in 1 2 3; do timed "$TMP/tiny.nodpi" "$NETLENS" --read "$TINY" --headless --format json --max-flows "$MAXF" --no-dpi; done
fi

FLOOR_S=$(median "$TMP/floor" 1)
JSON_S=$(median "$TMP/json" 1)
JSON_RSS=$(median "$TMP/json" 2 %.0f)
FLOOR_RSS=$(median "$TMP/floor" 2 %.0f)
TINY_RSS=$(median "$TMP/tiny" 2 %.0f)
if [ "$TEXT" = 1 ]; then TEXT_S=$(median "$TMP/text" 1); TEXT_RSS=$(median "$TMP/text" 2 %.0f); fi
if [ "$NODPI" = 1 ]; then NODPI_S=$(median "$TMP/nodpi" 1); NODPI_RSS=$(median "$TMP/nodpi" 2 %.0f); fi
if [ "$NDPI" = 1 ]; then NDPI_S=$(median "$TMP/ndpi" 1); NDPI_RSS=$(median "$TMP/ndpi" 2 %.0f); fi

pps() { awk -v n="$NPKT" -v s="$1" 'BEGIN{printf "%.0f", n/s}'; }
FLOOR_PPS=$(pps "$FLOOR_S")
JSON_PPS=$(pps "$JSON_S")
JSON_RATIO=$(awk -v a="$JSON_PPS" -v b="$FLOOR_PPS" 'BEGIN{printf "%.3f", a/b}')
if [ "$TEXT" = 1 ]; then
	TEXT_PPS=$(pps "$TEXT_S")
	TEXT_RATIO=$(awk -v a="$TEXT_PPS" -v b="$FLOOR_PPS" 'BEGIN{printf "%.3f", a/b}')
fi
if [ "$NODPI" = 1 ]; then
	NODPI_PPS=$(pps "$NODPI_S")
	NODPI_RATIO=$(awk -v a="$NODPI_PPS" -v b="$FLOOR_PPS" 'BEGIN{printf "%.3f", a/b}')
fi
if [ "$NDPI" = 1 ]; then
	NDPI_PPS=$(pps "$NDPI_S")
	NDPI_RATIO=$(awk -v a="$NDPI_PPS" -v b="$FLOOR_PPS" 'BEGIN{printf "%.3f", a/b}')
	# netlens with dissectors over ndpiReader, packets/s
	VS_NDPI=$(awk -v a="$JSON_PPS" -v b="$NDPI_PPS" 'BEGIN{printf "%.2f", a/b}')
fi
rssbpf() {	# rssbpf RSS_KIB BASE_KIB FLOWS
	awk -v r="$1" -v b="$2" -v f="$3" 'BEGIN{ if (r == "NA" || b == "NA" || f <= 0) print "NA"; else printf "%.1f", (r-b)*1024/f }'
}
BPF_RSS=$(rssbpf "$JSON_RSS" "$TINY_RSS" "$PEAK")
BPF_RSS_CREATED=$(rssbpf "$JSON_RSS" "$TINY_RSS" "$CREATED")
[ "$NODPI" = 1 ] && BPF_RSS_NODPI=$(rssbpf "$NODPI_RSS" "$(median "$TMP/tiny.nodpi" 2 %.0f)" "$CREATED")

# verdict VALUE OP TARGET -> PASS / MISSED / n/a
verdict() {
	awk -v v="$1" -v op="$2" -v t="$3" 'BEGIN{
		if (v == "NA" || v == "") { print "n/a"; exit }
		ok = (op == ">=") ? (v + 0 >= t + 0) : (v + 0 <= t + 0)
		print ok ? "PASS" : "MISSED" }'
}

# ---- further memory points ----
MEMPTS=
mempoint() {	# mempoint FLOWS PACKETS
	mf=$(maxf "$1")
	f=$(capture "$2" "$1") || return 1
	warm "$f"
	: > "$TMP/mp"
	timed "$TMP/mp" "$NETLENS" --read "$f" --headless --format json --max-flows "$mf" --stats
	cp "$TMP/stderr" "$TMP/mp.stats"
	: > "$TMP/mpt"
	timed "$TMP/mpt" "$NETLENS" --read "$TINY" --headless --format json --max-flows "$mf"
	r=$(median "$TMP/mp" 2 %.0f); b=$(median "$TMP/mpt" 2 %.0f); s=$(median "$TMP/mp" 1)
	p=$(nlstat peak_flows "$TMP/mp.stats"); n=$(nlstat packets "$TMP/mp.stats")
	MEMPTS="$MEMPTS$(printf '%-9s %9s %10s %8s %10s %12s %12s %10s' "$1" "$n" "$mf" "$p" \
		"$(nlstat flows_evicted "$TMP/mp.stats")" "$(nlstat bytes_per_flow "$TMP/mp.stats")" \
		"$(rssbpf "$r" "$b" "$(nlstat flows_created "$TMP/mp.stats")")" "$r")
"
	note "memory point $1 flows: $s s, peak RSS $r KiB (tiny, same --max-flows: $b KiB)"
}
[ "$MID_FLOWS" -gt 0 ] 2>/dev/null && [ "$MID_FLOWS" != "$FLOWS" ] && mempoint "$MID_FLOWS" $((MID_FLOWS * 20))
if [ "$BIG_FLOWS" -gt 0 ] 2>/dev/null; then
	mempoint "$BIG_FLOWS" "$BIG_PACKETS" || note "skipped the $BIG_FLOWS-flow point"
fi

# ---- callgrind: instructions per packet (repeatable on a noisy machine) ----
CG=
if [ "$CALLGRIND" = auto ]; then
	if command -v valgrind >/dev/null; then CALLGRIND=1; else CALLGRIND=0; note "valgrind not installed: no instruction counts"; fi
fi
if [ "$CALLGRIND" = 1 ]; then
	cgf=$(capture "$CG_PACKETS" $((CG_PACKETS / 20))) || exit 1
	cgm=$(maxf $((CG_PACKETS / 20)))
	CGWHO="floor netlens"
	[ "$NODPI" = 1 ] && CGWHO="$CGWHO nodpi"
	[ "$NDPI" = 1 ] && CGWHO="$CGWHO ndpi"
	for who in $CGWHO; do
		case $who in
		floor) set -- "$FLOOR" "$cgf" ;;
		# --no-sandbox: a sandboxed netlens drops to nobody under Landlock,
		# and valgrind could then not write its output file (the sandbox
		# costs a few system calls at start, nothing per packet).
		netlens) set -- "$NETLENS" --read "$cgf" --headless --format json --max-flows "$cgm" --no-sandbox ;;
		nodpi) set -- "$NETLENS" --read "$cgf" --headless --format json --max-flows "$cgm" --no-dpi --no-sandbox ;;
		ndpi) set -- "$NDPIREADER" -i "$cgf" -q ;;
		esac
		rm -f "$DATA/callgrind.$who.out"
		valgrind --tool=callgrind --callgrind-out-file="$DATA/callgrind.$who.out" "$@" \
			> /dev/null 2> "$TMP/cg.$who" || { note "callgrind of $who failed"; continue; }
	done
	irpp() { awk -v n="$CG_PACKETS" '/^(summary|totals):/ {s=$2} END {if (s) printf "%.0f", s/n; else print "NA"}' "$DATA/callgrind.$1.out" 2>/dev/null; }
	CG_FLOOR=$(irpp floor); CG_NL=$(irpp netlens)
	CG_NODPI=NA; CG_NDPI=NA
	[ "$NODPI" = 1 ] && CG_NODPI=$(irpp nodpi)
	[ "$NDPI" = 1 ] && CG_NDPI=$(irpp ndpi)
	CG="$CG_FLOOR $CG_NL"
	if command -v callgrind_annotate >/dev/null && [ -s "$DATA/callgrind.netlens.out" ]; then
		callgrind_annotate --inclusive=no "$DATA/callgrind.netlens.out" > "$DATA/callgrind.netlens.txt" 2>/dev/null
	fi
fi

# ---- report ----
LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null)
echo
echo "== results (medians of $RUNS runs; load at end: $LOAD_END)"
row() { printf '%-34s %12s %14s %14s %10s\n' "$@"; }
row "command" "seconds" "packets/s" "vs floor" "peak RSS"
row "libpcap floor" "$FLOOR_S" "$FLOOR_PPS" "1.000" "${FLOOR_RSS}K"
row "netlens --format json (with DPI)" "$JSON_S" "$JSON_PPS" "$JSON_RATIO" "${JSON_RSS}K"
[ "$TEXT" = 1 ] && row "netlens --format text (with DPI)" "$TEXT_S" "$TEXT_PPS" "$TEXT_RATIO" "${TEXT_RSS}K"
[ "$NODPI" = 1 ] && row "netlens --format json --no-dpi" "$NODPI_S" "$NODPI_PPS" "$NODPI_RATIO" "${NODPI_RSS}K"
[ "$NDPI" = 1 ] && row "ndpiReader -q" "$NDPI_S" "$NDPI_PPS" "$NDPI_RATIO" "${NDPI_RSS}K"
echo "   spread (min..max s): floor $(minmax "$TMP/floor" 1), json $(minmax "$TMP/json" 1)$([ "$TEXT" = 1 ] && echo ", text $(minmax "$TMP/text" 1)")$([ "$NODPI" = 1 ] && echo ", no-dpi $(minmax "$TMP/nodpi" 1)")$([ "$NDPI" = 1 ] && echo ", ndpiReader $(minmax "$TMP/ndpi" 1)")"
echo "   the json and text rows run all $(nlstat dissectors "$TMP/stats.main") dissectors (netlens' default);" \
	"main capture: dpi_offered=$DPI_OFFERED dpi_identified=$DPI_IDENT dpi_malformed=$DPI_MALF ($CREATED flows)"
[ "$NDPI" = 1 ] && echo "   netlens json (with DPI) / ndpiReader, packets/s: $VS_NDPI"
[ "$NDPI" = 1 ] || echo "   ndpiReader: not measured (not found, or it failed: see above; Debian package libndpi-bin)"
echo
echo "== memory per flow (main capture: $CREATED flows created, peak $PEAK active, $EVICTED evicted, --max-flows $MAXF)"
echo "   table accounting (netlens --stats bytes_per_flow): $BPF_TABLE"
echo "   RSS-based: (peak RSS ${JSON_RSS}K - tiny capture ${TINY_RSS}K) / flows held $CREATED = $BPF_RSS_CREATED"
echo "              (reading a file headless, every flow is held to the end: active, or closed and kept"
echo "              for the report; per peak *active* flow the same RSS is $BPF_RSS)"
echo "              these include the dissectors' state and results; with --no-dpi: ${BPF_RSS_NODPI:-not measured}"
if [ -n "$MEMPTS" ]; then
	printf '   %-9s %9s %10s %8s %10s %12s %12s %10s\n' flows packets max-flows peak evicted table-B/flow RSS-B/held "RSS KiB"
	printf '%s' "$MEMPTS" | sed 's/^/   /'
fi
if [ -n "$CG" ]; then
	echo
	echo "== callgrind, $CG_PACKETS-packet capture: instructions per packet"
	echo "   libpcap floor $CG_FLOOR, netlens --format json (with DPI) $CG_NL ($(awk -v a="$CG_NL" -v b="$CG_FLOOR" 'BEGIN{ if (a+0 > 0) printf "floor/netlens = %.3f", b/a; else print "n/a"}'))"
	[ "$NODPI" = 1 ] && echo "   netlens --format json --no-dpi $CG_NODPI"
	if [ "$NDPI" = 1 ]; then
		echo "   ndpiReader -q $CG_NDPI ($(awk -v a="$CG_NL" -v b="$CG_NDPI" 'BEGIN{ if (a+0 > 0 && b+0 > 0) printf "ndpiReader/netlens = %.2f", b/a; else print "n/a"}'))"
	else
		echo "   ndpiReader: not measured"
	fi
	if [ -s "$DATA/callgrind.netlens.txt" ]; then
		echo "   top functions of netlens (self instructions; $DATA/callgrind.netlens.txt):"
		awk '/file:function/ {on = 1; next} on && NF && !/^-+$/ && c < 12 {print "     " $0; c++}' "$DATA/callgrind.netlens.txt"
	fi
fi
echo
echo "== targets"
V1=$(verdict "$JSON_RATIO" ">=" "$TARGET_RATIO")
echo "   netlens json (with DPI) >= ${TARGET_RATIO}x floor packets/s:  $JSON_RATIO  $V1"
if [ "$TEXT" = 1 ]; then
	V1T=$(verdict "$TEXT_RATIO" ">=" "$TARGET_RATIO")
	echo "   netlens text (with DPI) >= ${TARGET_RATIO}x floor packets/s:  $TEXT_RATIO  $V1T"
fi
if [ "$NODPI" = 1 ]; then
	V1X=$(verdict "$NODPI_RATIO" ">=" "$TARGET_RATIO")
	echo "   netlens json --no-dpi >= ${TARGET_RATIO}x floor packets/s:  $NODPI_RATIO  $V1X"
fi
V1D=$(verdict "$JSON_RATIO" ">=" "$TARGET_DPI_RATIO")
echo "   netlens json, all dissectors, >= ${TARGET_DPI_RATIO}x floor:  $JSON_RATIO  $V1D"
if [ "$NDPI" = 1 ]; then
	V1N=$(verdict "$VS_NDPI" ">=" "$TARGET_NDPI")
	echo "   netlens json, all dissectors, >= ${TARGET_NDPI}x ndpiReader packets/s:  $VS_NDPI  $V1N"
else
	echo "   netlens json, all dissectors, >= ${TARGET_NDPI}x ndpiReader packets/s:  n/a (ndpiReader not measured)"
fi
V2=$(verdict "$BPF_TABLE" "<=" "$TARGET_BPF")
echo "   bytes per flow <= $TARGET_BPF (table accounting):   $BPF_TABLE  $V2"
V3=$(verdict "$BPF_RSS_CREATED" "<=" "$TARGET_BPF")
echo "   bytes per flow <= $TARGET_BPF (RSS per flow held):  $BPF_RSS_CREATED  $V3"
case "$V1 ${V1T:-} ${V1X:-} ${V1D:-} ${V1N:-} $V2 $V3" in
*MISSED*) echo "   => MISSED: at least one target is not met (a benchmark reports; exit status stays 0)" ;;
*) echo "   => all targets met" ;;
esac
exit 0
