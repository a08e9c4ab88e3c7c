#!/bin/bash -eu
# SPDX-License-Identifier: GPL-2.0
# OSS-Fuzz build script for refdrv (projects/refdrv/build.sh in
# google/oss-fuzz). Inputs, as OSS-Fuzz sets them: CC, CXX, CFLAGS,
# CXXFLAGS, LIB_FUZZING_ENGINE, SRC, WORK, OUT. It produces in $OUT:
#   refdrv-fuzz-differential, refdrv-fuzz-scenario-parser, refdrv-fuzz-cli-args
#   *_seed_corpus.zip        seeds (the default suite, encoded; scenarios; CLI lines)
#   refdrv-kernel/           the kernel side (real phylib + drivers of the tree,
#                            compiled for userspace), found next to the binaries
#                            at run time, so the fuzzing machines need no tree.
# Outside OSS-Fuzz the same script works with the system's libraries when
# REFDRV_SYSTEM_DEPS=1, with an existing refdrv cache when REFDRV_CACHE_DIR
# is set, and in an existing build directory configured alike when
# REFDRV_BUILD_DIR names it (default $WORK/build-refdrv; REFDRV_WERROR=ON
# keeps its -Werror). refdrv's own test of this script,
# fuzz/oss-fuzz/test-build, uses all three.
REFDRV_SRC=${REFDRV_SRC:-$SRC/refdrv}
LINUX_TREE=${LINUX_TREE:-$(ls -d $SRC/linux/linux-source-6.12 2>/dev/null || true)}
PREFIX=$WORK/deps
BUILD=${REFDRV_BUILD_DIR:-$WORK/build-refdrv}
JOBS=${JOBS:-$(nproc)}

if [ "${REFDRV_SYSTEM_DEPS:-0}" != 1 ]; then
  # The dependencies, with the fuzzing compiler and flags (its C++ standard
  # library must be the one the fuzzers link with), static: ClusterFuzz bots
  # have none of them installed. libgit2 (the report's history) without
  # network transports, with its bundled zlib and regex. This path needs
  # OSS-Fuzz's Docker image; refdrv's own test runs the REFDRV_SYSTEM_DEPS=1
  # path.
  for dep in fmt yaml-cpp CLI11 json libgit2; do
    cmake -S $SRC/deps/$dep -B $WORK/build-$dep -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_INSTALL_PREFIX=$PREFIX -DBUILD_SHARED_LIBS=OFF -DFMT_TEST=OFF -DFMT_DOC=OFF \
      -DYAML_CPP_BUILD_TESTS=OFF -DYAML_CPP_BUILD_TOOLS=OFF -DCLI11_BUILD_TESTS=OFF \
      -DCLI11_BUILD_EXAMPLES=OFF -DJSON_BuildTests=OFF \
      -DBUILD_TESTS=OFF -DBUILD_CLI=OFF -DUSE_SSH=OFF -DUSE_HTTPS=OFF -DUSE_NTLMCLIENT=OFF \
      -DUSE_BUNDLED_ZLIB=ON -DREGEX_BACKEND=builtin
    cmake --build $WORK/build-$dep -j$JOBS
    cmake --install $WORK/build-$dep
  done
  # kainjow's mustache (the report's templates) is one header.
  install -D -m 644 $SRC/deps/mustache/mustache.hpp $PREFIX/include/kainjow/mustache.hpp
  export CPATH=$PREFIX/include${CPATH:+:$CPATH}
  export PKG_CONFIG_PATH=$PREFIX/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
fi

cmake -S $REFDRV_SRC -B $BUILD -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_PREFIX_PATH=$PREFIX \
  -DREFDRV_FUZZ=ON -DREFDRV_FUZZ_ENGINE="$LIB_FUZZING_ENGINE" \
  -DREFDRV_TESTS=OFF -DREFDRV_BENCH=OFF -DREFDRV_WERROR=${REFDRV_WERROR:-OFF}
cmake --build $BUILD -j$JOBS \
  --target refdrv refdrv-fuzz-differential refdrv-fuzz-scenario-parser refdrv-fuzz-cli-args
for f in refdrv-fuzz-differential refdrv-fuzz-scenario-parser refdrv-fuzz-cli-args; do
  cp $BUILD/fuzz/$f $OUT/
done

# The kernel side, built once here from the tree; the runtime needs no tree.
# The tree's compiler is the system gcc, without the fuzzing flags; phylib and
# the C drivers get its coverage instrumentation (-fsanitize-coverage=trace-pc),
# which the differential target reads as extra counters.
if [ -z "$LINUX_TREE" ]; then
  echo "build.sh: no Linux tree (set LINUX_TREE, or unpack linux-source-6.12 in \$SRC/linux)" >&2
  exit 1
fi
export REFDRV_CACHE_DIR=${REFDRV_CACHE_DIR:-$WORK/refdrv-cache}
BUILT=$(env -u CFLAGS -u CXXFLAGS -u CC -u CXX -u CPATH $BUILD/refdrv modinfo --kernel "$LINUX_TREE" \
          --kernel-coverage -q | sed -n 's/^coverage:.* (in \(.*\))$/\1/p')
if [ ! -f "$BUILT/refdrv-kernel.json" ]; then
  echo "build.sh: refdrv modinfo --kernel-coverage did not name the kernel side it built" >&2
  exit 1
fi
rm -rf $OUT/refdrv-kernel && mkdir -p $OUT/refdrv-kernel
python3 - "$BUILT" "$OUT/refdrv-kernel" <<'PY'
import json, shutil, sys, os
src, dst = sys.argv[1], sys.argv[2]
m = json.load(open(os.path.join(src, "refdrv-kernel.json")))
for key in ("object", "symbols"):
    shutil.copy(os.path.join(src, m[key]), dst)
shutil.copy(os.path.join(src, "refdrv-kernel.json"), dst)
shutil.copy(os.path.join(src, "kernel.irqsites"), dst)
PY

# Seed corpora.
SEEDS=$WORK/seeds && rm -rf $SEEDS && mkdir -p $SEEDS/differential $SEEDS/parser
$BUILD/refdrv fuzz --write-seeds $SEEDS/differential
cp $REFDRV_SRC/scenarios/*.yaml $REFDRV_SRC/fuzz/parser-seeds/* $SEEDS/parser/
(cd $SEEDS/differential && zip -q -r $OUT/refdrv-fuzz-differential_seed_corpus.zip .)
(cd $SEEDS/parser && zip -q -r $OUT/refdrv-fuzz-scenario-parser_seed_corpus.zip .)
(cd $REFDRV_SRC/fuzz/cli-seeds && zip -q -r $OUT/refdrv-fuzz-cli-args_seed_corpus.zip .)
printf '[libfuzzer]\nmax_len = 1024\ntimeout = 25\n' > $OUT/refdrv-fuzz-differential.options
