#!/bin/sh
# cross-build.sh - the small headless netlens for routers (doc/embedded.md),
# cross-compiled on Debian 12 and its unit tests run under qemu-user.
#
#   tools/cross-build.sh aarch64|mipsel|musl|musl-aarch64|all
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
# program. musl-aarch64: the same for aarch64, with musl itself built from
# Debian's source with aarch64-linux-gnu-gcc and used through its gcc
# wrapper; the unit tests (linked static too) and builtin-dissectors.test
# run under qemu-aarch64.
#
# Environment:
#   CROSS_BUILD_DIR  where the build trees go (default /tmp/netlens-cross);
#                    .ci/run counts the unit tests in $CROSS_BUILD_DIR/<target>
#   CROSS_CACHE      the mipsel sysroot, the musl libraries and their apt
#                    state (default /var/cache/netlens-cross)
#   CROSS_NO_INSTALL=1  install nothing (the packages are there already)
#   CFLAGS           passed to configure (default: configure's -g -O2)
#
# Exit status: 0 when everything built, passed and fits; 1 when a test
# failed or the budget is missed; 2 when something could not be built.
# The other integration tests are not run: they need network namespaces and
# the target's kernel, not an emulated user space.
set -u

BUDGET_KIB=400
HERE=$(cd "$(dirname "$0")/.." && pwd)
OUT=${CROSS_BUILD_DIR:-/tmp/netlens-cross}
CACHE=${CROSS_CACHE:-/var/cache/netlens-cross}
JOBS=$(nproc 2>/dev/null || echo 2)
# (no GeoIP on a router: its databases alone are tens of MiB)
SMALL="--disable-ui --disable-ebpf --enable-builtin-dissectors --without-geoip"
# Every unit test but the sandbox's: under qemu-user Landlock and seccomp
# apply to the emulator itself and the test spins instead of failing.
UNIT='$(filter-out tests/unit/test_sandbox $(UNIT_SKIP),$(UNIT_TESTS) $(DISSECTOR_TESTS))'
# glibc's aarch64 programs under qemu-aarch64 also hang in test_platform's
# procfs case (200 forked children, each an emulator; a dynamic glibc under
# qemu deadlocks in one of them): test_platform tests the host kernel's
# /proc and netlink, not the CPU, and the static musl-aarch64 and the mipsel
# builds run it.

log() { printf '== %s\n' "$*"; }
die() { echo "cross-build: $*" >&2; exit 2; }

usage() { echo "usage: $0 aarch64|mipsel|musl|musl-aarch64|all" >&2; exit 2; }
[ $# -eq 1 ] || usage
case $1 in aarch64|mipsel|musl|musl-aarch64|all) ;; *) usage ;; esac

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
# Both musl targets: Debian's sources (apt's own state in $MUSL/apt, the
# system's sources untouched), rebuilt with a musl wrapper of gcc into
# <dir>/root; <dir>/kh holds the kernel's UAPI headers, since a musl
# wrapper sees only musl's headers.
MUSL=$CACHE/musl
MUSL_A64=$CACHE/musl-aarch64
MUSL_LIBS="libpcap libev c-ares msgpack-c check"

# musl_src DIR PACKAGE...: Debian's (bookworm) sources of PACKAGE... in DIR/src
musl_src() {
	d=$1; shift
	$SUDO mkdir -p "$MUSL/apt/lists/partial" "$MUSL/apt/archives/partial" "$d/src" || die "mkdir $MUSL $d"
	$SUDO touch "$MUSL/apt/status"
	echo "deb-src http://deb.debian.org/debian bookworm main" | $SUDO tee "$MUSL/sources.list" >/dev/null
	A="-o Dir::Etc::SourceList=$MUSL/sources.list -o Dir::Etc::SourceParts=/nonexistent
	   -o Dir::State::Lists=$MUSL/apt/lists -o Dir::Cache=$MUSL/apt
	   -o Dir::State::Status=$MUSL/apt/status -o Debug::NoLocking=1 -o APT::Sandbox::User=root"
	# shellcheck disable=SC2086
	{ $SUDO apt-get $A update -q && (cd "$d/src" && $SUDO apt-get $A source -q "$@"); } \
		>>"$l" 2>&1 || { tail -20 "$l"; die "apt-get source $* failed"; }
}

# musl_kh DIR INCLUDE ASM: the kernel's UAPI headers (linux/, asm-generic/
# from INCLUDE, asm/ from ASM) linked into DIR/kh
musl_kh() {
	$SUDO mkdir -p "$1/kh" || die "mkdir $1/kh"
	for h in linux asm-generic; do $SUDO ln -sfn "$2/$h" "$1/kh/$h"; done
	$SUDO ln -sfn "$3" "$1/kh/asm"
}

# musl_libs DIR CC [HOST]: $MUSL_LIBS, from DIR/src, built with CC (a musl
# wrapper) and installed static into DIR/root; HOST for a cross build.
musl_libs() {
	d=$1 cc=$2 host=${3:-}
	log "rebuilding $MUSL_LIBS with $cc in $d"
	$SUDO mkdir -p "$d/root" || die "mkdir $d/root"
	# CC for configure and make alike; PATH: sudo's own would lose a cross
	# toolchain's directory
	mu() { $SUDO env PATH="$PATH" CC="$cc" CFLAGS=-Os CPPFLAGS="-isystem $d/kh" "$@"; }
	for p in libpcap:"--without-libnl --disable-dbus --disable-rdma --disable-bluetooth --disable-usb --disable-netmap" \
		 libev: c-ares:--disable-tests check:--enable-subunit=no; do
		name=${p%%:*} opts=${p#*:}
		dir=$(ls -d "$d/src/$name"-[0-9]*/ | head -1)
		log "  $name"
		# libpcap cannot probe the capture type of a cross target
		[ -n "$host" ] && [ "$name" = libpcap ] && opts="$opts --with-pcap=linux"
		# check: its library only (its manual needs makeinfo)
		sub=; [ "$name" = check ] && sub="SUBDIRS=lib src"
		# shellcheck disable=SC2086
		(cd "$dir" && mu ./configure -q ${host:+--host="$host"} --prefix="$d/root" --disable-shared $opts && \
			mu make -j"$JOBS" ${sub:+"$sub"} && mu make install ${sub:+"$sub"}) >>"$l" 2>&1 \
			|| { tail -20 "$l"; die "$name with $cc failed (see $l)"; }
	done
	# msgpack-c builds with CMake: its C library only
	log "  msgpack-c"
	dir=$(ls -d "$d/src/msgpack-c"-[0-9]*/ | head -1)
	cross=; [ -n "$host" ] && cross="-DCMAKE_SYSTEM_NAME=Linux -DCMAKE_SYSTEM_PROCESSOR=${host%%-*}"
	# shellcheck disable=SC2086
	(cd "$dir" && mu cmake -S . -B build-musl -DCMAKE_INSTALL_PREFIX="$d/root" $cross \
		-DCMAKE_INSTALL_LIBDIR=lib -DMSGPACK_ENABLE_SHARED=OFF -DMSGPACK_BUILD_TESTS=OFF \
		-DMSGPACK_BUILD_EXAMPLES=OFF && mu cmake --build build-musl -j"$JOBS" && \
		mu cmake --install build-musl) >>"$l" 2>&1 || { tail -20 "$l"; die "msgpack-c with $cc failed (see $l)"; }
	# Debian's check.pc names the library libcheck_pic
	$SUDO ln -sf libcheck.a "$d/root/lib/libcheck_pic.a"
}

deps_musl() {
	apt_install musl-tools flex bison dpkg-dev cmake pkg-config autoconf automake libtool \
		libtool-bin make
	[ -f "$MUSL/root/.complete-2" ] && return 0
	[ "${CROSS_NO_INSTALL:-0}" = 1 ] && die "no musl libraries at $MUSL/root and CROSS_NO_INSTALL=1"
	l=$OUT/musl-deps.log
	: >"$l"
	# shellcheck disable=SC2086
	musl_src "$MUSL" $MUSL_LIBS
	musl_kh "$MUSL" /usr/include "/usr/include/$(gcc -dumpmachine)/asm"
	musl_libs "$MUSL" musl-gcc
	$SUDO touch "$MUSL/root/.complete-2"
}

# musl-aarch64: musl itself is built too (Debian has no musl cross
# package), with aarch64-linux-gnu-gcc, into $MUSL_A64/musl; its gcc wrapper
# (musl-gcc.specs) is $MUSL_A64/bin/aarch64-linux-musl-gcc, beside the
# binutils of aarch64-linux-gnu under aarch64-linux-musl- names, so that
# --host=aarch64-linux-musl finds them all.
MUSL_A64_BIN=$MUSL_A64/bin
deps_musl_aarch64() {
	apt_install gcc-aarch64-linux-gnu binutils-aarch64-linux-gnu linux-libc-dev-arm64-cross \
		qemu-user flex bison dpkg-dev cmake pkg-config autoconf automake libtool libtool-bin make
	[ -f "$MUSL_A64/root/.complete-1" ] && return 0
	[ "${CROSS_NO_INSTALL:-0}" = 1 ] && die "no aarch64 musl at $MUSL_A64 and CROSS_NO_INSTALL=1"
	l=$OUT/musl-aarch64-deps.log
	: >"$l"
	# shellcheck disable=SC2086
	musl_src "$MUSL_A64" musl $MUSL_LIBS
	log "building musl for aarch64 in $MUSL_A64/musl"
	dir=$(ls -d "$MUSL_A64/src/musl"-[0-9]*/ | head -1)
	(cd "$dir" && $SUDO ./configure --target=aarch64-linux-gnu CROSS_COMPILE=aarch64-linux-gnu- \
		--prefix="$MUSL_A64/musl" --disable-shared --enable-wrapper=gcc && \
		$SUDO make -j"$JOBS" && $SUDO make install) >>"$l" 2>&1 \
		|| { tail -20 "$l"; die "musl for aarch64 failed (see $l)"; }
	$SUDO mkdir -p "$MUSL_A64_BIN" || die "mkdir $MUSL_A64_BIN"
	PATH=$MUSL_A64_BIN:$PATH
	$SUDO ln -sfn ../musl/bin/musl-gcc "$MUSL_A64_BIN/aarch64-linux-musl-gcc"
	for t in ar ranlib nm strip objcopy objdump readelf size ld as; do
		$SUDO ln -sfn "$(command -v aarch64-linux-gnu-$t)" "$MUSL_A64_BIN/aarch64-linux-musl-$t" \
			|| die "no aarch64-linux-gnu-$t"
	done
	musl_kh "$MUSL_A64" /usr/aarch64-linux-gnu/include /usr/aarch64-linux-gnu/include/asm
	musl_libs "$MUSL_A64" aarch64-linux-musl-gcc aarch64-linux-musl
	$SUDO touch "$MUSL_A64/root/.complete-1"
}

# ---------------------------------------------------------------- common
# build NAME HOST CONFIGURE-ARGS...: configure and make in $OUT/NAME.
build() {
	name=$1 host=$2; shift 2
	b=$OUT/$name
	rm -rf "$b" && mkdir -p "$b" || die "cannot create $b"
	log "$name: configure --host=$host $*"
	if ! (cd "$b" && "$SRC/configure" -q --host="$host" --sysconfdir=/etc --enable-werror "$@") >"$b/configure.log" 2>&1; then
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

# unit NAME RUNNER [MAKE-ARG...]: tests/unit and tests/dissectors under the
# emulator.
unit() {
	n=$1 b=$OUT/$1 r=$2; shift 2
	log "$n: unit tests under ${r:-the host}"
	CK_FORK=no make -C "$b" -j"$JOBS" check TESTS="$UNIT" LOG_COMPILER="timeout 600 $r" "$@" \
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
	log "$n: $p test cases passed, $f failed (make check exit $rc)"
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
	# The router build as OpenWrt makes packages: -Os, unused sections
	# dropped (doc/embedded.md: at -O2 the file crossed a 64 KiB step), and
	# no unwind tables: netlens is C, throws nothing and never walks its own
	# stack, and .eh_frame was 36 KB of the 400 KiB.
	if build aarch64 aarch64-linux-gnu $SMALL \
		"CFLAGS=-g -Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables" \
		"LDFLAGS=-Wl,--gc-sections"; then
		unit aarch64 "$Q" UNIT_SKIP=tests/unit/test_platform || note 1
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
	if build aarch64-plugins aarch64-linux-gnu --disable-ui --disable-ebpf --without-geoip; then
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
# musl_netlens NAME HOST CC DIR RUNNER PREFIX: the static netlens on musl,
# against the libraries in DIR/root, built with CC; RUNNER runs its
# programs ("" natively); PREFIX names the binutils for its sizes.
musl_netlens() {
	name=$1 host=$2 cc=$3 d=$4 run=$5 pre=$6
	R=$d/root
	# libtool takes -static for itself; -all-static reaches the linker (at
	# make time: configure's own link tests must stay dynamic).
	# --enable-static: libnetlens.a beside the .so (configure's default
	# builds the shared library only), for test_monitor linked static.
	if build "$name" "$host" --disable-ui --disable-ebpf --without-geoip \
		--disable-plugins --without-libcrypto --enable-builtin-dissectors --enable-static CC="$cc" \
		PKG_CONFIG=pkg-config PKG_CONFIG_LIBDIR="$R/lib/pkgconfig" \
		CPPFLAGS="-isystem $d/kh -isystem $R/include" LDFLAGS="-L$R/lib" \
	   && rm -f "$OUT/$name/netlens" && make -C "$OUT/$name" netlens LDFLAGS="-L$R/lib -all-static" \
		>>"$OUT/$name/make.log" 2>&1; then
		# the test programs static too: there is no musl loader for aarch64 here
		unit "$name" "$run" LDFLAGS="-L$R/lib -all-static" || note 1
		file "$OUT/$name/netlens" | sed 's/^[^:]*: /netlens: /'
		log "$name: tests/integration/builtin-dissectors.test against the static program"
		n=$OUT/$name/netlens
		if [ -n "$run" ]; then
			# the test runs $NETLENS: a script that runs the program under the emulator
			n=$OUT/$name/netlens-run
			printf '#!/bin/sh\nexec %s %s "$@"\n' "$run" "$OUT/$name/netlens" >"$n" && chmod +x "$n" \
				|| die "cannot write $n"
		fi
		NETLENS=$n TOP_SRCDIR=$SRC TOP_BUILDDIR=$OUT/$name \
			sh "$SRC/tests/integration/builtin-dissectors.test" | tail -1 | grep -qx PASS \
			&& echo "PASS: builtin-dissectors.test" || { echo "FAIL: builtin-dissectors.test"; note 1; }
		prog=0
		sizes "$name" "$pre"
	else
		note 2
	fi
}

if [ "$1" = musl ] || [ "$1" = all ]; then
	deps_musl
	musl_netlens musl "$(gcc -dumpmachine | sed 's/-gnu$/-musl/')" musl-gcc "$MUSL" "" ""
fi

if [ "$1" = musl-aarch64 ] || [ "$1" = all ]; then
	deps_musl_aarch64
	PATH=$MUSL_A64_BIN:$PATH
	# static: qemu needs no -L sysroot
	musl_netlens musl-aarch64 aarch64-linux-musl aarch64-linux-musl-gcc "$MUSL_A64" \
		qemu-aarch64 aarch64-linux-gnu-
fi
exit $status
