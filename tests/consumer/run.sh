#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# usage: run.sh BUILD_DIR SOURCE_DIR — install raidmon into a temporary prefix, then build and run
# consumers: CMake find_package, pkg-config, and the exported-symbol check.
set -euo pipefail
build=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
# 1. find_package
cmake -S "$src/tests/consumer" -B "$tmp/cmake" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/cmake" >/dev/null
LD_LIBRARY_PATH="$tmp/prefix/lib:$tmp/prefix/lib/x86_64-linux-gnu" "$tmp/cmake/consumer"
# 2. pkg-config
pcdir=$(dirname "$(find "$tmp/prefix" -name raidmon.pc | head -1)")
flags=$(PKG_CONFIG_PATH="$pcdir" pkg-config --cflags --libs raidmon)
g++ -std=c++20 "$src/tests/consumer/main.cpp" -o "$tmp/pc-consumer" $flags
LD_LIBRARY_PATH="$tmp/prefix/lib:$tmp/prefix/lib/x86_64-linux-gnu" "$tmp/pc-consumer"
# 3. only the public API is exported
lib=$(find "$tmp/prefix" -name 'libraidmon.so.*.*' | head -1)
bad=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^RAIDMON_' | c++filt |
      grep -Ev '^(raidmon::|raidmon_|typeinfo for raidmon::|typeinfo name for raidmon::|vtable for raidmon::)' |
      grep -Ev '^(raidmon::detail::)' || true)
if [ -n "$bad" ]; then echo "exported symbols outside the public API:"; echo "$bad"; exit 1; fi
if nm -D --defined-only "$lib" | c++filt | grep -q 'raidmon::detail::'; then
  echo "private raidmon::detail symbols are exported"; exit 1
fi
# 4. the library links only what the domain needs: none of the agent's outbox, sinks or config
#    (SQLite, curl, MQTT, OpenSSL) comes with it (docs/architecture.md, "Two libraries").
agentdeps=$(ldd "$lib" | grep -Ei 'libcurl|libmosquitto|libsqlite|libssl|libcrypto' || true)
if [ -n "$agentdeps" ]; then echo "libraidmon.so loads the agent's dependencies:"; echo "$agentdeps"; exit 1; fi
echo "consumers OK; exported symbols: $(nm -D --defined-only "$lib" | wc -l)"
