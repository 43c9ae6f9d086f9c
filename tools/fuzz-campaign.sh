#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A long fuzz run of every target of ./build-san (tools/build-san.sh): SECONDS each, JOBS targets
# at a time, each through tests/fuzz/run_fuzz.sh (seeds from tests/data, tests/fuzz/seeds and
# tests/fuzz/regressions). Prints one Markdown row per target: seconds, executions, executions per
# second, corpus size, result; logs in build-san/fuzz-campaign/<target>.log, crash inputs in
# build-san/fuzz-artifacts/<target>/. Exit status 1 when any target found something.
#   tools/fuzz-campaign.sh [SECONDS (600)] [JOBS (1)] [TARGET-REGEX (.)]
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${1:-600} jobs=${2:-1} only=${3:-.}
out=build-san/fuzz-campaign
mkdir -p "$out"
mapfile -t tests < <(ctest --test-dir build-san -L fuzz -N | sed -n 's/^ *Test *#[0-9]*: \(fuzz_.*\)$/\1/p' | grep -E -- "$only")
((${#tests[@]})) || { echo "fuzz-campaign: no fuzz targets in build-san (run tools/build-san.sh)" >&2; exit 2; }
# shellcheck source=tools/sanitizer-env.sh
source tools/sanitizer-env.sh
run_one() {  # run_one CTEST-NAME: the target's own command line, from ctest, with SECONDS swapped in
  local t=$1 cmd
  cmd=$(ctest --test-dir build-san -R "^$t\$" -N -V | sed -n 's/^[0-9]*: Test command: //p' | head -1)
  mapfile -t argv < <(python3 -c 'import shlex, sys; print("\n".join(shlex.split(sys.argv[1])))' "$cmd")
  argv[3]=$secs  # run_fuzz.sh BINARY NAME SECONDS DATA SEEDS...
  "${argv[@]}" >"$out/$t.log" 2>&1
  echo $? >"$out/$t.rc"
}
export -f run_one
export out secs
printf '%s\n' "${tests[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one {}'
status=0
echo "| target | seconds | executions | exec/s | corpus | result |"
echo "|---|---:|---:|---:|---:|---|"
for t in "${tests[@]}"; do
  rc=$(cat "$out/$t.rc" 2>/dev/null || echo "?")
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/$t.log" | tail -1)
  corpus=$(grep -o 'corp: [0-9]*' "$out/$t.log" | tail -1 | sed 's/corp: //')
  [[ $rc == 0 ]] && res="nothing found" || { res="FOUND (exit $rc, see $out/$t.log)"; status=1; }
  printf '| %s | %s | %s | %s | %s | %s |\n' "${t#fuzz_}" "$secs" "${execs:-?}" \
    "$([[ -n $execs ]] && echo $((execs / secs)) || echo ?)" "${corpus:-?}" "$res"
done
exit $status
