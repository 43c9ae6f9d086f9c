#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Run one libFuzzer target for a while over its seed corpus (the ctest "fuzz" label; long runs: see
# docs/testing.md). New corpus entries go to a scratch folder, never into the source tree; a crash
# input is kept in FUZZ_ARTIFACTS (default build/fuzz-artifacts) for tests/fuzz/regressions/.
#   run_fuzz.sh BINARY TARGET SECONDS DATA_DIR SEED_FOLDERS...
set -euo pipefail
bin=$1 name=$2 secs=$3 data=$4
shift 4
artifacts=${FUZZ_ARTIFACTS:-$(dirname "$bin")/../../fuzz-artifacts}/$name
mkdir -p "$artifacts"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
seeds=()
for s in "$@"; do
  [[ -d $data/$s ]] && seeds+=("$data/$s")
done
regress=$(dirname "$0")/regressions/$name
[[ -d $regress ]] && seeds+=("$regress")
# Binary seeds that are no capture of tests/data (pages as devices return them): seeds/<target>/
own=$(dirname "$0")/seeds/$name
[[ -d $own ]] && seeds+=("$own")
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
exec "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
  -artifact_prefix="$artifacts/" -print_final_stats=1 "$scratch" "${seeds[@]}"
