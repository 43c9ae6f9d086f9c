#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Install, build, and run every test tier. Two builds (docs/testing.md, "Sanitizers and fuzzing"):
#  - ./build-san (clang, AddressSanitizer + UndefinedBehaviorSanitizer, libFuzzer): the unit, replay
#    and umockdev tiers under the sanitizers, then the fuzz tier (each target for a short time);
#  - ./build (gcc, the build users get): every label, the vm tier (Debian's kernel under QEMU) and
#    the Python module's tests included.
# The output ends with the summary line of the last ctest run (the first that fails, if one does).
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/deps.sh
bash tools/build.sh
bash tools/build-san.sh
(
  # shellcheck source=tools/sanitizer-env.sh
  source tools/sanitizer-env.sh
  cd build-san
  ctest --output-on-failure -j "${JOBS:-2}" --timeout 1800 -L 'unit|replay|umockdev|fuzz'
)
cd build
ctest --output-on-failure -j "${JOBS:-2}" --timeout 1800
