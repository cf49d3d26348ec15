#!/bin/bash
# make-vectors.sh - regenerates the SSH vectors for test_ssh.c.
#
# Runs real SSH clients (OpenSSH ssh, dropbear dbclient) against real servers
# (OpenSSH sshd, dropbear) on the loopback of a private network namespace,
# captures with tcpdump and writes each connection's two TCP streams as
# NAME.c2s.bin / NAME.s2c.bin (at most 16384 bytes each, as the host's
# NL_DESC_STREAM delivers them; extracted with tshark -z follow,tcp,raw).
# Authentication fails on purpose (no keys): the key exchange completes and
# the rest is encrypted anyway. expected.tsv holds the identification
# strings as tshark dissected them (client, server), independently of ssh.c.
#
# Usage (root): tests/dissectors/vectors/ssh/make-vectors.sh
# Needs: openssh-server openssh-client dropbear-bin tcpdump tshark python3 unshare.
set -euo pipefail

OUT=$(cd "$(dirname "$0")" && pwd)
if [ "${NL_IN_NETNS:-}" != 1 ]; then
	exec env NL_IN_NETNS=1 unshare -n "$0" "$@"
fi

ip link set lo up
W=$(mktemp -d)
trap 'kill $(cat "$W"/*.pid 2>/dev/null) 2>/dev/null || true; rm -rf "$W"' EXIT

ssh-keygen -q -t ed25519 -N '' -f "$W/host_ed25519"
dropbearkey -t ed25519 -f "$W/db_ed25519" >/dev/null 2>&1
mkdir -p /run/sshd
/usr/sbin/sshd -D -e -f /dev/null -p 2222 -o ListenAddress=127.0.0.1 -o HostKey="$W/host_ed25519" \
	-o PidFile="$W/sshd.pid" -o UsePAM=no >/dev/null 2>&1 &
echo $! >"$W/sshd.pid"
dropbear -F -E -s -p 127.0.0.1:4022 -r "$W/db_ed25519" -P "$W/dropbear.pid" >/dev/null 2>&1 &
echo $! >"$W/dropbear.pid"
sleep 1

capture() { # name port command...
	local name=$1 port=$2
	shift 2
	tcpdump -i lo -U -w "$W/$name.pcap" "tcp port $port" 2>/dev/null &
	local tp=$!
	sleep 0.7
	timeout 5 "$@" </dev/null >/dev/null 2>&1 || true
	sleep 0.7
	kill "$tp"
	wait "$tp" 2>/dev/null || true
}

SSHO="-o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o IdentityFile=/nonexistent"
capture openssh_openssh 2222 ssh $SSHO -p 2222 nobody@127.0.0.1 true
capture dbclient_openssh 2222 dbclient -y -y -p 2222 nobody@127.0.0.1 true
capture openssh_dropbear 4022 ssh $SSHO -p 4022 nobody@127.0.0.1 true
capture dbclient_dropbear 4022 dbclient -y -y -p 4022 nobody@127.0.0.1 true

: >"$OUT/expected.tsv.new"
for p in "$W"/*.pcap; do
	name=$(basename "$p" .pcap)
	tshark -r "$p" -q -z follow,tcp,raw,0 2>/dev/null | python3 -c '
import sys
c, s = bytearray(), bytearray()
body = False
for line in sys.stdin:
    if line.startswith("Node 1:"):
        body = True
        continue
    if not body or line.startswith("===="):
        continue
    h = line.strip()
    if not h:
        continue
    (s if line.startswith("\t") else c).extend(bytes.fromhex(h))
open(sys.argv[1] + ".c2s.bin", "wb").write(bytes(c[:16384]))
open(sys.argv[1] + ".s2c.bin", "wb").write(bytes(s[:16384]))
' "$OUT/$name"
	F="-T fields -E separator=/t -E occurrence=f"
	sport=$(tshark -r "$p" -c 1 $F -e tcp.dstport 2>/dev/null)
	cb=$(tshark -r "$p" -d "tcp.port==$sport,ssh" -Y "ssh.protocol && tcp.dstport == $sport" $F -e ssh.protocol 2>/dev/null | head -1)
	sb=$(tshark -r "$p" -d "tcp.port==$sport,ssh" -Y "ssh.protocol && tcp.srcport == $sport" $F -e ssh.protocol 2>/dev/null | head -1)
	printf '%s\t%s\t%s\n' "$name" "$cb" "$sb" >>"$OUT/expected.tsv.new"
done
sort "$OUT/expected.tsv.new" >"$OUT/expected.tsv"
rm -f "$OUT/expected.tsv.new"
cat "$OUT/expected.tsv"
