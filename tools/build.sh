#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Configure and build into ./build (2 parallel jobs: the project's machines have 2 cores).
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRAIDMON_BUILD_TESTS=ON -DRAIDMON_BUILD_BENCH=ON -DRAIDMON_BUILD_EXAMPLES=ON -DRAIDMON_BUILD_PYTHON=ON >/dev/null
cmake --build build -j "${JOBS:-2}"
