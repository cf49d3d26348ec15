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
TEST="$TEST minidlna miniupnpc python3-gi gir1.2-gssdp-1.6"	# dpi-ssdp.test: UPnP devices and searchers
TEST="$TEST chrony ntpsec-ntpdig"	# dpi-ntp.test (ntpsec itself conflicts with chrony)
TEST="$TEST coturn"
TEST="$TEST busybox isc-dhcp-client"	# dpi-dhcp.test: udhcpc, dhclient -6
TEST="$TEST snmpd snmp snmptrapd"	# dpi-snmp.test: net-snmp agent, clients, trap receiver
TEST="$TEST aria2 transmission-cli transmission-daemon qbittorrent-nox"	# dpi-bittorrent.test: peers, DHT, uTP
TEST="$TEST vsftpd"	# dpi-ftp.test: the server (curl is the client)
TEST="$TEST mosquitto mosquitto-clients"	# dpi-mqtt.test: the broker, mosquitto_pub/_sub
TEST="$TEST samba"	# dpi-nbdgm.test: nmbd (browser announcements, elections on UDP 138)

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
# The daemons the tests start themselves, in namespaces (nginx, dnsmasq,
# chrony, coturn, minidlna), must not start as this machine's services when
# installed: a policy-rc.d that refuses, for the install only, unless the
# machine has one of its own.
if [ ! -e /usr/sbin/policy-rc.d ]; then
	printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
	chmod 755 /usr/sbin/policy-rc.d
	trap 'rm -f /usr/sbin/policy-rc.d' EXIT
fi
# shellcheck disable=SC2086
apt-get install -y -q --no-install-recommends $pkgs
