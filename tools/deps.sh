#!/bin/sh
# deps.sh - installs what netlens needs on Debian 12 / Ubuntu, with apt-get.
#   tools/deps.sh          build dependencies and the test suite's peers
#   tools/deps.sh --build  build dependencies only
# Run as root (or through sudo). Safe to run again.
set -eu

BUILD="build-essential autoconf automake libtool libtool-bin pkg-config
 libpcap-dev libev-dev check libmsgpack-dev libncurses-dev libc-ares-dev libssl-dev
 libbpf-dev bpftool clang libelf-dev zlib1g-dev libmaxminddb-dev"
# Real programs the integration tests drive, and tshark as the oracle.
TEST="tshark tcpdump nginx-light curl bind9-dnsutils dnsmasq-base openssh-server
 openssh-client iputils-ping iputils-arping iperf3 iproute2 python3 python3-scapy
 tmux valgrind openssl netcat-openbsd time procps ngtcp2-client ngtcp2-server python3-msgpack
 clang libclang-rt-14-dev nfdump pmacct nftables mmdb-bin libmaxmind-db-writer-perl"
TEST="$TEST busybox isc-dhcp-client"	# dpi-dhcp.test: udhcpc, dhclient -6

pkgs=$BUILD
[ "${1:-}" = "--build" ] || pkgs="$BUILD $TEST"

if [ "$(id -u)" -ne 0 ]; then
	echo "deps.sh: run as root, e.g. sudo $0" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# tshark asks whether non-root users may capture; answer no, without a prompt.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections 2>/dev/null || true
apt-get update -q
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $pkgs
