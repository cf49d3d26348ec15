# export_lib.sh - helpers shared by the export-*.test scripts (sourced).

# A port nothing listens on now (the kernel's choice), for tcp or udp.
export_free_port() {
	"$PYTHON" -c 'import socket,sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM if sys.argv[1] == "tcp" else socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])' "$1"
}

# Waits (5 s at most) until something listens on 127.0.0.1:PORT.
export_wait_listen() {
	_i=0
	while [ $_i -lt 50 ]; do
		if [ "$1" = udp ]; then
			ss -Hlun "sport = :$2" 2>/dev/null | grep -q . && return 0
		else
			ss -Hltn "sport = :$2" 2>/dev/null | grep -q . && return 0
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}

# The committed captures, one per line.
export_captures() {
	for _f in "$1"/tests/captures/*/*.pcap "$1"/tests/captures/*/*.pcapng; do
		[ -e "$_f" ] && echo "$_f"
	done
}

# Waits (10 s at most) until nfacctd, logging to LOG, accounts what it
# receives. Its socket is bound before its print plugin takes data: records
# sent in the first ~0.3 s after "waiting for ... data" are lost without a
# word (pmacct 1.7.7), so listening is not enough. The plugin's first purge
# (print_refresh_time after it starts) shows its loop runs.
export_wait_nfacctd() {
	_i=0
	while [ $_i -lt 100 ]; do
		grep -q 'Purging cache - END' "$1" 2>/dev/null && return 0
		sleep 0.1
		_i=$((_i + 1))
	done
	return 1
}
