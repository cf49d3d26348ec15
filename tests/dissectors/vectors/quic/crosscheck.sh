#!/bin/sh
# crosscheck.sh: compares the QUIC dissector's reading of the captures here
# with tshark's (version of the first Initial, SNI, ALPN, close error).
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$here/../../../..
tmp=$(mktemp -d)
gcc -std=gnu11 -I"$top/plugins" -I"$here/../.." -o "$tmp/dump" "$here/crosscheck_dump.c" \
	"$top"/dissectors/quic*.c $(pkg-config --cflags --libs libcrypto)
(cd "$here/../.." && "$tmp/dump") > "$tmp/ours.txt"
for f in basic retry d29 close bighello; do
	p=$here/$f.pcap
	ver=$(tshark -r "$p" -Y 'quic.long.packet_type==0' -T fields -e quic.version 2>/dev/null | head -1 | cut -d, -f1)
	sni=$(tshark -r "$p" -T fields -e tls.handshake.extensions_server_name 2>/dev/null | grep . | head -1)
	alpn=$(tshark -r "$p" -T fields -e tls.handshake.extensions_alpn_str 2>/dev/null | grep . | head -1)
	cc=$(tshark -r "$p" -T fields -e quic.cc.error_code 2>/dev/null | grep . | head -1)
	[ -n "$cc" ] && cc=$(printf '0x%02x' "$cc")
	printf '%s\t%s\t%s\t%s\t%s\n' "$f" "$ver" "$sni" "$alpn" "$cc"
done > "$tmp/theirs.txt"
diff "$tmp/ours.txt" "$tmp/theirs.txt" && echo "crosscheck: dissector and tshark agree on $(wc -l < "$tmp/ours.txt") captures"
rm -rf "$tmp"
