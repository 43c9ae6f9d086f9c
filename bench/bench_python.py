#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""raidmon.scan() from Python next to `raidmon status --json`, on the same umockdev testbed, in one run.

    umockdev-wrapper build/tests/umockdev/tbrun build/testbeds/jbod120 -- \\
        /usr/bin/python3 bench/bench_python.py --tb-root @TB@ --cli build/agent/raidmon/raidmon [--runs 15]
    (with PYTHONPATH=build/bindings/python)

Interleaved runs, so machine noise hits both alike:
- cli:      wall time of the `raidmon status --json --no-device-io ...` process (what a script pays);
- scan:     wall time of raidmon.scan() inside this process, including the JSON and the Python
            objects (every drive's attributes are read once) and inv.to_json();
- python:   a whole `python3 -c 'import raidmon; raidmon.scan(...)'` process, interpreter start
            and import included (for reference: the interpreter's start is not the binding's cost).
Reported: median and p90 of each, and the ratio scan/cli (target: at most 1.10).
"""

import argparse
import statistics
import subprocess
import sys
import time

import raidmon


def pct(values, p):
    v = sorted(values)
    return v[int(p * (len(v) - 1) + 0.5)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--tb-root", required=True)
    ap.add_argument("--cli", required=True)
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    root = args.tb_root
    kwargs = dict(no_device_io=True, proc=f"{root}/proc", etc=f"{root}/etc")
    cli = [args.cli, "status", "--json", "--no-device-io", "--proc", f"{root}/proc", "--etc", f"{root}/etc"]
    one_liner = [sys.executable, "-c",
                 f"import raidmon; raidmon.scan(no_device_io=True, proc={root + '/proc'!r}, etc={root + '/etc'!r})"]

    def run_cli():
        t = time.perf_counter()
        out = subprocess.run(cli, capture_output=True, text=True).stdout
        return time.perf_counter() - t, out

    def run_scan():
        t = time.perf_counter()
        inv = raidmon.scan(**kwargs)
        for d in inv.drives:  # touch what a script reads
            (d.id, d.serial, d.health, d.location.slot, d.location.label)
        text = inv.to_json()
        return time.perf_counter() - t, text, inv

    def run_python():
        t = time.perf_counter()
        subprocess.run(one_liner, check=True)
        return time.perf_counter() - t

    _, cli_out = run_cli()  # warm the page cache for both
    _, scan_out, inv = run_scan()
    assert scan_out + "\n" == cli_out, "scan().to_json() differs from raidmon status --json"
    c, s, p = [], [], []
    for _ in range(args.runs):
        c.append(run_cli()[0] * 1e3)
        s.append(run_scan()[0] * 1e3)
        p.append(run_python() * 1e3)
    print(f"testbed {root}: {len(inv.drives)} drives, {len(inv.enclosures)} enclosures, {args.runs} runs each, "
          f"JSON {len(scan_out) / 1e3:.0f} kB")
    print(f"{'':34} {'median':>8} {'p90':>8}")
    print(f"{'raidmon status --json (process)':34} {statistics.median(c):7.1f}ms {pct(c, .9):7.1f}ms")
    print(f"{'raidmon.scan() (in Python)':34} {statistics.median(s):7.1f}ms {pct(s, .9):7.1f}ms")
    print(f"{'python3 -c scan() (process)':34} {statistics.median(p):7.1f}ms {pct(p, .9):7.1f}ms")
    ratio = statistics.median(s) / statistics.median(c)
    print(f"ratio scan/cli: {ratio:.2f} (target <= 1.10)")


if __name__ == "__main__":
    main()
