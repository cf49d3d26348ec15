# tui-lib.sh - driving netlens' terminal UI in tmux as a person would:
# keys in with send-keys, the screen out with capture-pane. Sourced after
# lib.sh and nl_init. Each test uses its own tmux server (-L), killed on exit.

TUI_SOCK="nltui$$"
TUI_W=$(nl_tmpdir)
TUI_PY=${PYTHON:-python3}
TUI_SCREEN_PY="$HERE/tui_screen.py"
MIX="${TOP_SRCDIR:-$HERE/../..}/tests/captures/real/mix.pcap"
fail=0
bad() { echo "FAIL: $*"; fail=1; }

tui_require() {
	nl_require_netlens
	nl_require_ui
	nl_require_progs tmux
	[ -f "$MIX" ] || nl_skip "missing capture $MIX"
	trap 'tmux -L "$TUI_SOCK" kill-server >/dev/null 2>&1; nl_cleanup' EXIT
}

tmx() { tmux -L "$TUI_SOCK" "$@"; }

# tui_start COLS ROWS ARGS... : netlens in a fresh session of that size. When
# it exits, its status lands in $TUI_W/exit and the pane stays for reading.
tui_start() {
	_c=$1 _r=$2; shift 2
	rm -f "$TUI_W/exit"
	tui_session "$_c" "$_r" \
		"env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=xterm-256color ${TUI_ENV:-} $NETLENS $*; echo EXIT=\$? > $TUI_W/exit; sleep 600"
	tmx set-option -g status off >/dev/null
	tui_wait 'Proto' 10 || tui_wait 'netlens' 5 || { tui_dump; nl_fail "the UI did not start"; }
}

# tui_session COLS ROWS COMMAND: a fresh server and session (a server that
# is still shutting down refuses new sessions for a moment: retry).
tui_session() {
	tmx kill-server >/dev/null 2>&1
	for _try in 1 2 3 4 5 6 7 8 9 10; do
		tmx -f /dev/null new-session -d -s t -x "$1" -y "$2" "$3" >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	nl_fail "tmux new-session failed"
}

# The pid of the netlens in this test's pane (never another test's).
tui_pid() {
	_pp=$(tmx display-message -p -t t '#{pane_pid}')
	pgrep -P "$_pp" -f "$NETLENS" | head -1
}

tui_screen() { tmx capture-pane -p -t t; }
tui_dump() { tui_screen | sed 's/^/# | /'; }
tui_keys() { tmx send-keys -t t "$@"; }
tui_type() { tmx send-keys -t t -l "$1"; }

# tui_wait REGEX [SECONDS]: until the screen shows it.
tui_wait() {
	_n=$(( ${2:-5} * 10 ))
	while [ $_n -gt 0 ]; do
		tui_screen | grep -Eq -- "$1" && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

tui_expect() { tui_wait "$1" "${2:-5}" || { bad "expected /$1/ on screen"; tui_dump; }; }
tui_absent() { tui_settle; ! tui_screen | grep -Eq -- "$1" || { bad "did not expect /$1/ on screen"; tui_dump; }; }

# Settle: the screen stops changing (a key's redraw has landed).
tui_settle() {
	_prev=""
	for _i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
		sleep 0.1
		_cur=$(tui_screen | cksum)
		[ "$_cur" = "$_prev" ] && return 0
		_prev=$_cur
	done
}

tui_snap() { tui_settle; tui_screen > "$TUI_W/screen"; }

# tui_exited [SECONDS]: netlens has exited; prints its status.
tui_exited() {
	_n=$(( ${1:-5} * 10 ))
	while [ $_n -gt 0 ]; do
		[ -s "$TUI_W/exit" ] && { sed 's/EXIT=//' "$TUI_W/exit"; return 0; }
		sleep 0.1
		_n=$((_n - 1))
	done
	return 1
}

# The terminal is back as it was: main screen, cursor shown, no mouse mode.
tui_restored() {
	_st=$(tmx display-message -p -t t '#{alternate_on} #{cursor_flag} #{mouse_any_flag} #{keypad_flag}')
	[ "$_st" = "0 1 0 0" ] || bad "$1: terminal not restored (alternate cursor mouse keypad = $_st)"
}

tui_finish() {
	[ $fail -eq 0 ] && echo "PASS" || echo "FAILED"
	exit $fail
}
