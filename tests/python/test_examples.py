# SPDX-License-Identifier: LGPL-2.1-or-later
"""The examples (examples/) run as a user runs them, inside the sas12 testbed: the monitoring
check, the work order, and the C program printing bays."""

import os
import pathlib
import re
import subprocess
import sys

import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples"


@pytest.fixture(scope="module")
def sas12(testbed):
    name, _, spec = testbed
    if name != "sas12":
        pytest.skip("the examples run in sas12")
    return spec


def run(argv):
    return subprocess.run(argv, capture_output=True, text=True, timeout=300)


def test_check_raidmon(sas12, cli_args):
    r = run([sys.executable, str(EXAMPLES / "check_raidmon"), *cli_args])
    # md0 lost a member: CRITICAL, exit 2, one status line with perfdata after '|'.
    assert r.returncode == 2, r.stdout + r.stderr
    status, _, perf = r.stdout.splitlines()[0].partition(" | ")
    assert status.startswith("RAIDMON CRITICAL - ") and "md0" in status
    items = dict(re.findall(r"'([^']+)'=([^ ]+)", perf))
    assert items["drives_failed"].split(";")[0] == "1"
    assert items["arrays"].split(";")[0] == str(len([m for m in sas12["md"]]))


def test_check_raidmon_unknown_when_the_host_cannot_be_read(sas12, tmp_path):
    r = run([sys.executable, str(EXAMPLES / "check_raidmon"), "--root", str(tmp_path / "missing")])
    assert r.returncode == 3 and r.stdout.startswith("RAIDMON UNKNOWN - "), r.stdout + r.stderr


def test_work_order(sas12, cli_args, tmp_path, testbed):
    _, root, _ = testbed
    r = run([sys.executable, str(EXAMPLES / "work_order.py"), *cli_args, "--light", "5m", "--state-dir", str(tmp_path)])
    assert r.returncode == 0, r.stdout + r.stderr
    out = r.stdout
    host = sas12["host"]
    assert host["dmi"]["product_serial"] in out and host["dmi"]["chassis_asset_tag"] in out
    assert "Z1Z3A003K0000" in out and "Slot03" in out and "safe" in out
    assert "locate on via ses-sysfs" in out
    component = next((root / "sys" / "class" / "enclosure").glob("*/Slot03"))
    assert (component / "locate").read_text().strip() == "1"


def test_bays_c(sas12, cli_args):
    exe = os.environ.get("RAIDMON_EXAMPLE_BAYS_C")
    if not exe:
        pytest.fail("RAIDMON_EXAMPLE_BAYS_C is not set")
    r = run([exe, *cli_args])
    assert r.returncode == 2, r.stdout + r.stderr
    assert r.stdout.startswith(f"{sas12['host']['hostname']}  serial {sas12['host']['dmi']['product_serial']}  health Critical")
    line = next(l for l in r.stdout.splitlines() if "Slot03" in l)
    assert "FAULT" in line and "Z1Z3A003K0000" in line and "Critical" in line
    assert len([l for l in r.stdout.splitlines() if l.startswith("  bay")]) == 12
