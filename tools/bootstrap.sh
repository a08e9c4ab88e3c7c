#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# tools/bootstrap.sh - make this machine able to build and run refdrv.
#
# Sourced by ./refdrv and ./run-tests. Installs the Debian packages refdrv
# needs when they are missing (with apt-get, as root or through sudo), then
# configures and builds the project with CMake into $REFDRV_BUILD_DIR
# (default: build/). When packages are missing and apt cannot be used, it
# prints the exact command to run and exits with status 2.
set -eu

REFDRV_ROOT=${REFDRV_ROOT:-$(cd "$(dirname "$0")" && pwd)}
REFDRV_BUILD_DIR=${REFDRV_BUILD_DIR:-$REFDRV_ROOT/build}

# Packages, by what needs them:
#   project build: C++ toolchain, CMake/Ninja, libraries, GoogleTest, Google Benchmark
#   per-tree kernel build: make, gcc, flex, bison, bc, libelf-dev (objtool), xz-utils
#   Linux source: apt-get download + dpkg-deb (always present with apt)
#   refdrv report: libgit2 (history), mustache templates, valgrind (instruction counts)
#   the tree's own Rust (rust/ crates, Rust drivers): Debian 12's rustc-web
#   with its library source (kbuild builds core from source), bindgen and
#   the libclang bindgen loads (kernel/toolchain.hpp)
refdrv_packages="build-essential cmake ninja-build pkg-config git ca-certificates xz-utils
	flex bison bc libelf-dev
	libfmt-dev libcli11-dev libyaml-cpp-dev nlohmann-json3-dev libgit2-dev libkainjow-mustache-dev
	googletest libgtest-dev libgmock-dev libbenchmark-dev valgrind
	rustc-web rust-web-src bindgen libclang1-14"
# ./run-tests also needs: clang-19 with libFuzzer and the sanitizers, clang-tidy
# and clang-query (the C++ escape-hatch check), python3 (kunit.py,
# jsonschema), Chromium (the report's browser test), zip (OSS-Fuzz's
# build.sh packs the seed corpora).
refdrv_test_packages="clang-19 clang-tidy-19 clang-tools-19 libclang-rt-19-dev
	python3 python3-jsonschema chromium zip"
# ./refdrv fuzz needs libFuzzer only.
refdrv_fuzz_packages="clang-19 libclang-rt-19-dev"

refdrv_missing_packages() {
	missing=""
	wanted=$refdrv_packages
	case ${1:-main} in
	test) wanted="$wanted $refdrv_test_packages" ;;
	fuzz) wanted="$wanted $refdrv_fuzz_packages" ;;
	esac
	# One dpkg-query for them all (one each took most of a warm ./refdrv's
	# second): a name dpkg does not know is not listed, so every wanted name
	# not listed as "install ok installed" is missing.
	installed=" $(dpkg-query -W -f '${Package} ${Status}\n' $wanted 2>/dev/null |
		awk '$2 == "install" && $3 == "ok" && $4 == "installed" { printf "%s ", $1 }')"
	for p in $wanted; do
		case $installed in
		*" $p "*) ;;
		*) missing="$missing $p" ;;
		esac
	done
	echo "$missing"
}

# refdrv_install_packages [main|test|fuzz]: what ./refdrv needs, what
# ./run-tests needs, or what ./refdrv fuzz needs.
refdrv_install_packages() {
	missing=$(refdrv_missing_packages "${1:-main}")
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" = 0 ]; then
		as_root=""
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		as_root="sudo"
	else
		cat >&2 <<MSG
refdrv: these Debian packages are missing:$missing
refdrv: install them (as root) with:
    sudo apt-get update && sudo apt-get install -y$missing
refdrv: the Linux tree comes from Debian's linux-source-6.12 package; without
refdrv: network access, install it too (sudo apt-get install linux-source-6.12),
refdrv: or point refdrv at an existing tree with --kernel PATH.
MSG
		exit 2
	fi
	echo "refdrv: installing missing Debian packages:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	if ! { $as_root apt-get update -qq && $as_root apt-get install -y -qq --no-install-recommends $missing; } >&2; then
		cat >&2 <<MSG
refdrv: apt-get could not install:$missing
refdrv: (no network, or the package lists are unusable). Install them by hand:
    sudo apt-get update && sudo apt-get install -y$missing
MSG
		exit 2
	fi
}

# refdrv_build [PRESET [TARGET...]]: configure (once) and build a CMake
# preset (default: "default", into build/); all of it, or only the targets.
# With REFDRV_BUILD_QUIET=1 (./refdrv) the build tools' output goes to
# $dir/refdrv-build.log and is shown only when the build fails, so that
# `./refdrv --help` or `./refdrv check --json -` print refdrv's output alone.
refdrv_build() {
	preset=${1:-default}
	[ $# -gt 0 ] && shift
	dir=$REFDRV_BUILD_DIR
	[ "$preset" = default ] || dir=$REFDRV_ROOT/build-$preset
	if [ "${REFDRV_BUILD_QUIET:-0}" = 1 ]; then
		log=$dir/refdrv-build.log
		mkdir -p "$dir"
		: >"$log"
		if [ ! -f "$dir/build.ninja" ]; then
			echo "refdrv: configuring and building refdrv in $dir (log: $log)" >&2
		fi
		if ! refdrv_build_steps "$preset" "$dir" "$@" >>"$log" 2>&1; then
			tail -n 40 "$log" >&2
			echo "refdrv: the build failed; its whole output is in $log" >&2
			exit 2
		fi
		return 0
	fi
	refdrv_build_steps "$preset" "$dir" "$@" >&2
}

refdrv_build_steps() {
	preset=$1 dir=$2
	shift 2
	if [ ! -f "$dir/build.ninja" ]; then
		(cd "$REFDRV_ROOT" && cmake --preset "$preset" -B "$dir" ${REFDRV_CMAKE_ARGS:-}) || return 1
	fi
	if [ $# -gt 0 ]; then
		cmake --build "$dir" --target "$@"
	else
		cmake --build "$dir"
	fi
}
