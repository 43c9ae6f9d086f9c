#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The sanitizer and fuzz build (./build-san): clang with AddressSanitizer + UndefinedBehaviorSanitizer
# on every target and libFuzzer coverage, so that one build serves the sanitized unit, replay and
# umockdev tiers and the fuzz targets (docs/testing.md, "Sanitizers and fuzzing"). -O1 -g1: what
# the sanitizers' reports need (line numbers), at half the build time of -O2 -g. No benchmarks,
# examples or Python module (a sanitized extension cannot be loaded by an unsanitized python3).
set -euo pipefail
cd "$(dirname "$0")/.."
CC=clang CXX=clang++ cmake -S . -B build-san -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1 -DNDEBUG" \
  -DRAIDMON_SANITIZE=address,undefined -DRAIDMON_FUZZ=ON \
  -DRAIDMON_BUILD_TESTS=ON -DRAIDMON_BUILD_BENCH=OFF -DRAIDMON_BUILD_EXAMPLES=OFF -DRAIDMON_BUILD_PYTHON=OFF >/dev/null
cmake --build build-san -j "${JOBS:-2}"
