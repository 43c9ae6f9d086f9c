#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# usage: run.sh BUILD_DIR SOURCE_DIR — install raidmon into a temporary prefix, then build and run
# consumers: CMake find_package and pkg-config (C++, and C99 and C++ over the C API), the C ABI
# symbol list, the installed Python module, and the exported-symbol check.
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
# 3. the C API: a C-only CMake project (raidmon::raidmon-c), and pkg-config raidmon-c with the
#    header compiled as C99 and as C++, warnings as errors.
cmake -S "$src/tests/consumer/c" -B "$tmp/cmake-c" -DCMAKE_PREFIX_PATH="$tmp/prefix" >/dev/null
cmake --build "$tmp/cmake-c" >/dev/null
LD_LIBRARY_PATH="$tmp/prefix/lib:$tmp/prefix/lib/x86_64-linux-gnu" "$tmp/cmake-c/c_consumer"
cflags=$(PKG_CONFIG_PATH="$pcdir" pkg-config --cflags raidmon-c)
libs=$(PKG_CONFIG_PATH="$pcdir" pkg-config --libs raidmon-c)
case "$cflags" in *-std=*) echo "raidmon-c.pc must not force a language standard: $cflags"; exit 1;; esac
gcc -std=c99 -Wall -Wextra -pedantic -Werror $cflags "$src/tests/consumer/c/main.c" -o "$tmp/c99-consumer" $libs -lm
LD_LIBRARY_PATH="$tmp/prefix/lib:$tmp/prefix/lib/x86_64-linux-gnu" "$tmp/c99-consumer"
g++ -x c++ -std=c++17 -Wall -Wextra -pedantic -Werror $cflags "$src/tests/consumer/c/main.c" -o "$tmp/cxx-consumer" $libs
LD_LIBRARY_PATH="$tmp/prefix/lib:$tmp/prefix/lib/x86_64-linux-gnu" "$tmp/cxx-consumer"
# 4. the C ABI: exported C symbols == the list in raidmon.map == raidmon.h, all RAIDMON_C_1.0;
#    and the check does fail when one is dropped from the list.
lib=$(find "$tmp/prefix" -name 'libraidmon.so.*.*' | head -1)
python3 "$src/tests/consumer/check_symbols.py" "$lib" "$src/libraidmon/raidmon.map" "$tmp/prefix/include/raidmon/raidmon.h"
grep -v '^    raidmon_version;$' "$src/libraidmon/raidmon.map" > "$tmp/short.map"
if python3 "$src/tests/consumer/check_symbols.py" "$lib" "$tmp/short.map" "$tmp/prefix/include/raidmon/raidmon.h" >/dev/null; then
  echo "check_symbols.py accepted a map without raidmon_version"; exit 1
fi
# 5. the installed Python module imports from its install path and finds libraidmon.so by itself
pydir=$(dirname "$(find "$tmp/prefix" -path '*/dist-packages/raidmon/__init__.py' | head -1)")
if [ -n "$pydir" ] && [ "$pydir" != . ]; then
  PYTHONPATH=$(dirname "$pydir") /usr/bin/python3 -c 'import raidmon; p = raidmon.predict(level="raid5", drives=3, capacity="3TB", ure=1e-14); assert abs(p.p_ure - 0.3812) < 5e-5, p'
fi
# 6. only the public API is exported
bad=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^RAIDMON_' | c++filt |
      grep -Ev '^(raidmon::|raidmon_|typeinfo for raidmon::|typeinfo name for raidmon::|vtable for raidmon::)' |
      grep -Ev '^(raidmon::detail::)' || true)
if [ -n "$bad" ]; then echo "exported symbols outside the public API:"; echo "$bad"; exit 1; fi
if nm -D --defined-only "$lib" | c++filt | grep -q 'raidmon::detail::'; then
  echo "private raidmon::detail symbols are exported"; exit 1
fi
# 7. the library links only what the domain needs: none of the agent's outbox, sinks or config
#    (SQLite, curl, MQTT, OpenSSL) comes with it (docs/architecture.md, "Two libraries").
agentdeps=$(ldd "$lib" | grep -Ei 'libcurl|libmosquitto|libsqlite|libssl|libcrypto' || true)
if [ -n "$agentdeps" ]; then echo "libraidmon.so loads the agent's dependencies:"; echo "$agentdeps"; exit 1; fi
echo "consumers OK; exported symbols: $(nm -D --defined-only "$lib" | wc -l)"
