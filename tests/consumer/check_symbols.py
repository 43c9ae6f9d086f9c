#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The C ABI is a promise: the C symbols libraidmon exports, the list in libraidmon/raidmon.map
(node RAIDMON_C_1.0), the functions <raidmon/raidmon.h> declares and the C symbols of the Debian
symbols file (debian/libraidmon0.symbols) must be the same set, and every one must carry the
version RAIDMON_C_1.0.

usage: check_symbols.py LIBRARY MAP HEADER
Exit 0 when they agree; 1 with a list of the differences otherwise.
"""

import os
import re
import subprocess
import sys


def map_symbols(text):
    m = re.search(r"RAIDMON_C_1\.0\s*\{(.*?)\}\s*;", text, re.S)
    if not m:
        sys.exit("raidmon.map: no RAIDMON_C_1.0 node")
    body = re.sub(r"/\*.*?\*/", "", m.group(1), flags=re.S)
    body = body.split("global:", 1)[-1].split("local:", 1)[0]
    return {s.strip() for s in body.split(";") if s.strip()}


def header_functions(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return set(re.findall(r"RAIDMON_C_API[^;{]*?\b(raidmon_\w+)\s*\(", text, re.S))


def exported(lib):
    out = subprocess.run(["nm", "-D", "--defined-only", lib], check=True, capture_output=True, text=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[2].startswith("raidmon_"):
            name, _, version = parts[2].partition("@")
            syms[name] = version.lstrip("@")
    return syms


def main(lib, map_file, header):
    listed = map_symbols(open(map_file).read())
    declared = header_functions(open(header).read())
    syms = exported(lib)
    problems = []
    for s in sorted(set(syms) - listed):
        problems.append(f"exported but not listed in raidmon.map: {s}")
    for s in sorted(listed - set(syms)):
        problems.append(f"listed in raidmon.map but not exported (dropped from the ABI?): {s}")
    for s in sorted(declared - listed):
        problems.append(f"declared in raidmon.h but not listed in raidmon.map: {s}")
    for s in sorted(listed - declared):
        problems.append(f"listed in raidmon.map but not declared in raidmon.h: {s}")
    for s, v in sorted(syms.items()):
        if s in listed and v != "RAIDMON_C_1.0":
            problems.append(f"{s}: version {v or '(none)'}, expected RAIDMON_C_1.0")
    # The Debian symbols file (debian/libraidmon0.symbols) lists the same C symbols, or
    # dpkg-gensymbols fails the package build (tools/package-check.sh, ctest package_check).
    symbols_file = os.path.join(os.path.dirname(os.path.abspath(map_file)), "..", "debian", "libraidmon0.symbols")
    if os.path.exists(symbols_file):
        in_deb = set(re.findall(r"^ (raidmon_\w+)@RAIDMON_C_1\.0 ", open(symbols_file).read(), re.M))
        for s in sorted(listed - in_deb):
            problems.append(f"listed in raidmon.map but not in debian/libraidmon0.symbols: {s}")
        for s in sorted(in_deb - listed):
            problems.append(f"in debian/libraidmon0.symbols but not listed in raidmon.map: {s}")
    for p in problems:
        print(p)
    if not problems:
        print(f"C ABI: {len(listed)} symbols, all exported as RAIDMON_C_1.0 and declared in raidmon.h")
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
