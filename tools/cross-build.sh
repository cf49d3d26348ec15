#!/bin/sh
# cross-build.sh - the small headless netlens for routers (doc/embedded.md),
# cross-compiled on Debian 12 and its unit tests run under qemu-user.
#
#   tools/cross-build.sh aarch64|mipsel|musl|all
#
# For each target: installs what it needs (aarch64: the arm64 multiarch -dev
# packages; mipsel: a sysroot of Debian .debs unpacked with dpkg-deb, since
# the mipsel -dev packages do not co-install), configures
#   --host=<triplet> --disable-ui --disable-ebpf --enable-builtin-dissectors
# builds, runs tests/unit and tests/dissectors under qemu (CK_FORK=no: check's
# fork mode hangs under qemu-user), and prints the stripped size of the
# program (and of each plugin in the second aarch64 build, which keeps the
# dissectors as .so files). The headless aarch64 program must be at most
# 400 KiB stripped: PASS or MISSED.
#
# musl: a static x86-64 netlens on musl (what an OpenWrt-class router runs),
# from libpcap, libev, c-ares, msgpack-c and check rebuilt from Debian's sources with
# musl-gcc (Debian's .a files are glibc's); --disable-plugins
# --without-libcrypto, linked -all-static. Its unit tests run natively, and
# so does tests/integration/builtin-dissectors.test against the static
# program.
#
# Environment:
#   CROSS_BUILD_DIR  where the build trees go (default /tmp/netlens-cross);
#                    .ci/run counts the unit tests in $CROSS_BUILD_DIR/<target>
#   CROSS_CACHE      the mipsel sysroot and its apt state (default
#                    /var/cache/netlens-cross)
#   CROSS_NO_INSTALL=1  install nothing (the packages are there already)
#   CFLAGS           passed to configure (default: configure's -g -O2)
#
# Exit status: 0 when everything built, passed and fits; 1 when a test
# failed or the budget is missed; 2 when something could not be built.
# The integration tests are not run: they need network namespaces and the
# target's kernel, not an emulated user space.
set -u

BUDGET_KIB=400
HERE=$(cd "$(dirname "$0")/.." && pwd)
OUT=${CROSS_BUILD_DIR:-/tmp/netlens-cross}
CACHE=${CROSS_CACHE:-/var/cache/netlens-cross}
JOBS=$(nproc 2>/dev/null || echo 2)
SMALL="--disable-ui --disable-ebpf --enable-builtin-dissectors"
# Every unit test but the sandbox's: under qemu-user Landlock and seccomp
# apply to the emulator itself and the test spins instead of failing.
UNIT='$(filter-out tests/unit/test_sandbox,$(UNIT_TESTS) $(DISSECTOR_TESTS))'

log() { printf '== %s\n' "$*"; }
die() { echo "cross-build: $*" >&2; exit 2; }

usage() { echo "usage: $0 aarch64|mipsel|musl|all" >&2; exit 2; }
[ $# -eq 1 ] || usage
case $1 in aarch64|mipsel|musl|all) ;; *) usage ;; esac

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

# The source tree, ready for out-of-tree builds: a tree configured in place
# (as .ci/run does) refuses them, so a clean clone of HEAD is used then.
mkdir -p "$OUT" || die "cannot create $OUT"
SRC=$HERE
if [ -f "$HERE/config.status" ]; then
	SRC=$OUT/src
	log "$HERE is configured in place: building a clean clone of HEAD ($SRC)"
	rm -rf "$SRC" && git clone -q "$HERE" "$SRC" || die "git clone $HERE $SRC failed"
fi
if [ ! -x "$SRC/configure" ]; then
	(cd "$SRC" && autoreconf -fi) >"$OUT/autoreconf.log" 2>&1 \
		|| { cat "$OUT/autoreconf.log"; die "autoreconf failed"; }
fi

missing_pkgs() {	# the packages of "$@" that are not installed
	for p in "$@"; do
		dpkg-query -W -f='${db:Status-Status}\n' "$p" 2>/dev/null | grep -qx installed || echo "$p"
	done
}

apt_install() {
	[ "${CROSS_NO_INSTALL:-0}" = 1 ] && return 0
	need=$(missing_pkgs "$@")
	[ -z "$need" ] && return 0
	log "installing:" $need
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -q --no-install-recommends -o DPkg::Lock::Timeout=600 $need \
		|| die "apt-get install failed"
}

# ---------------------------------------------------------------- aarch64
deps_aarch64() {
	if [ "${CROSS_NO_INSTALL:-0}" != 1 ] && ! dpkg --print-foreign-architectures | grep -qx arm64; then
		log "adding the arm64 architecture"
		$SUDO dpkg --add-architecture arm64 && $SUDO apt-get update -q || die "dpkg --add-architecture arm64 failed"
	fi
	apt_install gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-user pkg-config \
		autoconf automake libtool libtool-bin make \
		libpcap-dev:arm64 libev-dev:arm64 libmsgpack-dev:arm64 check:arm64 \
		libssl-dev:arm64 libc-ares-dev:arm64
}

# ---------------------------------------------------------------- mipsel
# Each package of the sysroot, by name; their dependencies are listed by hand
# (libpcap needs libdbus, which needs libsystemd, ...) so nothing else comes.
MIPSEL_DEBS="libpcap0.8-dev libpcap0.8 libdbus-1-dev libdbus-1-3 libsystemd0 libcap2
 libgcrypt20 libgpg-error0 liblz4-1 liblzma5 libzstd1 libev-dev libev4 libc-ares-dev
 libc-ares2 libssl-dev libssl3 libatomic1 check libsubunit-dev libsubunit0
 libmsgpack-dev libmsgpackc2"
SYSROOT=$CACHE/mipsel-sysroot

deps_mipsel() {
	apt_install gcc-mipsel-linux-gnu libc6-dev-mipsel-cross qemu-user pkg-config \
		autoconf automake libtool libtool-bin make
	[ -f "$SYSROOT/.complete" ] && return 0
	[ "${CROSS_NO_INSTALL:-0}" = 1 ] && die "no mipsel sysroot at $SYSROOT and CROSS_NO_INSTALL=1"
	log "making the mipsel sysroot $SYSROOT from Debian packages"
	# apt's own state for mipsel, apart from the system's: the system keeps
	# its architectures and installed packages as they are.
	st=$CACHE/apt-mipsel
	$SUDO mkdir -p "$st/lists/partial" "$st/archives/partial" "$st/debs" || die "mkdir $st"
	$SUDO touch "$st/status"
	A="-o APT::Architecture=mipsel -o APT::Architectures::=mipsel -o Dir::State::Lists=$st/lists
	   -o Dir::Cache=$st -o Dir::Cache::archives=$st/archives -o Dir::State::Status=$st/status
	   -o Debug::NoLocking=1 -o APT::Sandbox::User=root"
	# shellcheck disable=SC2086
	$SUDO apt-get $A update -q >"$OUT/mipsel-apt.log" 2>&1 || { cat "$OUT/mipsel-apt.log"; die "apt-get update (mipsel) failed"; }
	# shellcheck disable=SC2086
	(cd "$st/debs" && $SUDO apt-get $A download $MIPSEL_DEBS) >>"$OUT/mipsel-apt.log" 2>&1 \
		|| { cat "$OUT/mipsel-apt.log"; die "apt-get download (mipsel) failed"; }
	$SUDO rm -rf "$SYSROOT" && $SUDO mkdir -p "$SYSROOT" || die "mkdir $SYSROOT"
	for d in "$st"/debs/*.deb; do
		$SUDO dpkg-deb -x "$d" "$SYSROOT" || die "dpkg-deb -x $d"
	done
	$SUDO touch "$SYSROOT/.complete"
}

# ---------------------------------------------------------------- musl
MUSL=$CACHE/musl
deps_musl() {
	apt_install musl-tools flex bison dpkg-dev cmake pkg-config autoconf automake libtool \
		libtool-bin make
	[ -f "$MUSL/root/.complete-2" ] && return 0
	[ "${CROSS_NO_INSTALL:-0}" = 1 ] && die "no musl libraries at $MUSL/root and CROSS_NO_INSTALL=1"
	log "rebuilding libpcap, libev, c-ares, msgpack-c and check with musl-gcc in $MUSL"
	$SUDO mkdir -p "$MUSL/apt/lists/partial" "$MUSL/apt/archives/partial" "$MUSL/src" \
		"$MUSL/kh" "$MUSL/root" || die "mkdir $MUSL"
	$SUDO touch "$MUSL/apt/status"
	echo "deb-src http://deb.debian.org/debian bookworm main" | $SUDO tee "$MUSL/sources.list" >/dev/null
	A="-o Dir::Etc::SourceList=$MUSL/sources.list -o Dir::Etc::SourceParts=/nonexistent
	   -o Dir::State::Lists=$MUSL/apt/lists -o Dir::Cache=$MUSL/apt
	   -o Dir::State::Status=$MUSL/apt/status -o Debug::NoLocking=1 -o APT::Sandbox::User=root"
	l=$OUT/musl-deps.log
	: >"$l"
	# shellcheck disable=SC2086
	{ $SUDO apt-get $A update -q && (cd "$MUSL/src" && $SUDO apt-get $A source -q libpcap libev c-ares msgpack-c check); } \
		>>"$l" 2>&1 || { tail -20 "$l"; die "apt-get source failed"; }
	# musl-gcc, for configure and make alike
	mu() { $SUDO env CC=musl-gcc CFLAGS=-Os CPPFLAGS="-isystem $MUSL/kh" "$@"; }
	# musl-gcc sees only musl's headers: the kernel's UAPI headers beside them
	for d in linux asm-generic; do $SUDO ln -sfn "/usr/include/$d" "$MUSL/kh/$d"; done
	$SUDO ln -sfn "/usr/include/$(gcc -dumpmachine)/asm" "$MUSL/kh/asm"
	for p in libpcap:"--without-libnl --disable-dbus --disable-rdma --disable-bluetooth --disable-usb --disable-netmap" \
		 libev: c-ares:--disable-tests check:--enable-subunit=no; do
		name=${p%%:*} opts=${p#*:}
		dir=$(ls -d "$MUSL/src/$name"-[0-9]*/ | head -1)
		log "  $name"
		# check: its library only (its manual needs makeinfo)
		sub=; [ "$name" = check ] && sub="SUBDIRS=lib src"
		# shellcheck disable=SC2086
		(cd "$dir" && mu ./configure -q --prefix="$MUSL/root" --disable-shared $opts && \
			mu make -j"$JOBS" ${sub:+"$sub"} && mu make install ${sub:+"$sub"}) >>"$l" 2>&1 \
			|| { tail -20 "$l"; die "$name with musl-gcc failed (see $l)"; }
	done
	# msgpack-c builds with CMake: its C library only
	log "  msgpack-c"
	dir=$(ls -d "$MUSL/src/msgpack-c"-[0-9]*/ | head -1)
	(cd "$dir" && mu cmake -S . -B build-musl -DCMAKE_INSTALL_PREFIX="$MUSL/root" \
		-DCMAKE_INSTALL_LIBDIR=lib -DMSGPACK_ENABLE_SHARED=OFF -DMSGPACK_BUILD_TESTS=OFF \
		-DMSGPACK_BUILD_EXAMPLES=OFF && mu cmake --build build-musl -j"$JOBS" && \
		mu cmake --install build-musl) >>"$l" 2>&1 || { tail -20 "$l"; die "msgpack-c with musl-gcc failed (see $l)"; }
	# Debian's check.pc names the library libcheck_pic
	$SUDO ln -sf libcheck.a "$MUSL/root/lib/libcheck_pic.a"
	$SUDO touch "$MUSL/root/.complete-2"
}

# ---------------------------------------------------------------- common
# build NAME HOST CONFIGURE-ARGS...: configure and make in $OUT/NAME.
build() {
	name=$1 host=$2; shift 2
	b=$OUT/$name
	rm -rf "$b" && mkdir -p "$b" || die "cannot create $b"
	log "$name: configure --host=$host $*"
	if ! (cd "$b" && "$SRC/configure" -q --host="$host" --enable-werror "$@") >"$b/configure.log" 2>&1; then
		tail -30 "$b/configure.log"; [ -f "$b/config.log" ] && tail -30 "$b/config.log"
		echo "cross-build: $name: configure failed" >&2
		return 2
	fi
	log "$name: make"
	if ! make -C "$b" -j"$JOBS" >"$b/make.log" 2>&1; then
		grep -E 'error|Error' "$b/make.log" | head -30
		echo "cross-build: $name: make failed (see $b/make.log)" >&2
		return 2
	fi
	return 0
}

# unit NAME RUNNER: tests/unit and tests/dissectors under the emulator.
unit() {
	b=$OUT/$1
	log "$1: unit tests under $2"
	CK_FORK=no make -C "$b" -j"$JOBS" check TESTS="$UNIT" LOG_COMPILER="timeout 600 $2" \
		>"$b/check.log" 2>&1
	rc=$?
	grep -E '^(PASS|FAIL|SKIP|ERROR|XPASS):' "$b/check.log"
	# the libcheck totals, as .ci/run counts them
	p=0 f=0
	for l in "$b"/tests/unit/*.log "$b"/tests/dissectors/*.log; do
		[ -f "$l" ] || continue
		line=$(grep -E '^[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+' "$l" | tail -1)
		[ -n "$line" ] || continue
		c=$(echo "$line" | sed -E 's/.*Checks: ([0-9]+).*/\1/')
		x=$(echo "$line" | sed -E 's/.*Failures: ([0-9]+), Errors: ([0-9]+).*/\1+\2/')
		p=$((p + c - ($x))); f=$((f + $x))
	done
	log "$1: $p test cases passed, $f failed (make check exit $rc)"
	[ $rc -eq 0 ] && [ $f -eq 0 ]
}

# sizes NAME PREFIX: stripped sizes of the program and each plugin.
sizes() {
	b=$OUT/$1 pre=$2
	t=$(mktemp -d) || die mktemp
	printf '%-28s %10s %10s %8s %8s %8s\n' "$1" "bytes" "stripped" "text" "data" "bss"
	for f in "$b/netlens" "$b"/dissectors/.libs/*.so; do
		[ -f "$f" ] || continue
		cp "$f" "$t/x" && "${pre}strip" --strip-unneeded "$t/x" || die "strip $f"
		set -- $("${pre}size" "$f" | tail -1)
		printf '%-28s %10d %7d KiB %8d %8d %8d\n' "${f#"$b"/}" "$(stat -c %s "$f")" \
			$(( ($(stat -c %s "$t/x") + 1023) / 1024 )) "$1" "$2" "$3"
		[ "$f" = "$b/netlens" ] && prog=$(stat -c %s "$t/x")
	done
	echo "needs (NEEDED): $("${pre}readelf" -d "$b/netlens" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' | tr '\n' ' ')"
	rm -rf "$t"
}

status=0
note() { [ "$1" -gt "$status" ] && status=$1; }

if [ "$1" = aarch64 ] || [ "$1" = all ]; then
	deps_aarch64
	Q="qemu-aarch64 -L /usr/aarch64-linux-gnu"
	if build aarch64 aarch64-linux-gnu $SMALL; then
		unit aarch64 "$Q" || note 1
		prog=0
		sizes aarch64 aarch64-linux-gnu-
		kib=$(( (prog + 1023) / 1024 ))
		if [ "$prog" -gt 0 ] && [ "$kib" -le $BUDGET_KIB ]; then
			log "budget: headless aarch64 netlens ${kib} KiB stripped <= ${BUDGET_KIB} KiB: PASS"
		else
			log "budget: headless aarch64 netlens ${kib} KiB stripped > ${BUDGET_KIB} KiB: MISSED"
			note 1
		fi
	else
		note 2
	fi
	# The same headless program with the dissectors as plugins (.so), to
	# size each; its unit tests are the same code as above.
	if build aarch64-plugins aarch64-linux-gnu --disable-ui --disable-ebpf; then
		sizes aarch64-plugins aarch64-linux-gnu-
	else
		note 2
	fi
fi

if [ "$1" = mipsel ] || [ "$1" = all ]; then
	deps_mipsel
	L=$SYSROOT/usr/lib/mipsel-linux-gnu
	# pkg-config sees only the sysroot's .pc files and prefixes their paths;
	# libev has none (its header and library are found by these flags;
	# -isystem, so its header's warnings are not ours, as natively).
	if (export PKG_CONFIG_SYSROOT_DIR="$SYSROOT"
	    build mipsel mipsel-linux-gnu $SMALL PKG_CONFIG=pkg-config \
		PKG_CONFIG_LIBDIR="$L/pkgconfig:$SYSROOT/usr/share/pkgconfig" \
		CPPFLAGS="-isystem $SYSROOT/usr/include -isystem $SYSROOT/usr/include/mipsel-linux-gnu" \
		LDFLAGS="-L$L -Wl,-rpath-link,$L -Wl,-rpath-link,$SYSROOT/lib/mipsel-linux-gnu"); then
		# shared libraries from the sysroot, the C library from the cross toolchain
		unit mipsel "qemu-mipsel -L /usr/mipsel-linux-gnu -E LD_LIBRARY_PATH=$L:$SYSROOT/lib/mipsel-linux-gnu" \
			|| note 1
		prog=0
		sizes mipsel mipsel-linux-gnu-
	else
		note 2
	fi
fi
if [ "$1" = musl ] || [ "$1" = all ]; then
	deps_musl
	R=$MUSL/root
	# libtool takes -static for itself; -all-static reaches the linker (at
	# make time: configure's own link tests must stay dynamic).
	if build musl "$(gcc -dumpmachine | sed 's/-gnu$/-musl/')" --disable-ui --disable-ebpf \
		--disable-plugins --without-libcrypto --enable-builtin-dissectors CC=musl-gcc \
		PKG_CONFIG=pkg-config PKG_CONFIG_LIBDIR="$R/lib/pkgconfig" \
		CPPFLAGS="-isystem $MUSL/kh -isystem $R/include" LDFLAGS="-L$R/lib" \
	   && rm -f "$OUT/musl/netlens" && make -C "$OUT/musl" netlens LDFLAGS="-L$R/lib -all-static" \
		>>"$OUT/musl/make.log" 2>&1; then
		unit musl "" || note 1
		file "$OUT/musl/netlens" | sed 's/^[^:]*: /netlens: /'
		log "musl: tests/integration/builtin-dissectors.test against the static program"
		NETLENS=$OUT/musl/netlens TOP_SRCDIR=$SRC TOP_BUILDDIR=$OUT/musl \
			sh "$SRC/tests/integration/builtin-dissectors.test" | tail -1 | grep -qx PASS \
			&& echo "PASS: builtin-dissectors.test" || { echo "FAIL: builtin-dissectors.test"; note 1; }
		prog=0
		sizes musl ""
	else
		note 2
	fi
fi
exit $status
