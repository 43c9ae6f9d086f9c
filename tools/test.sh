#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Install, build, and run every test tier (ctest labels unit, replay, umockdev, vm, ...).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/deps.sh
bash tools/build.sh
cd build
ctest --output-on-failure -j "${JOBS:-2}" --timeout 1800
