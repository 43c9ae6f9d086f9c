# SPDX-License-Identifier: LGPL-2.1-or-later
"""Shared fixtures of the Python tests (run by ctest: tests/python/CMakeLists.txt).

The testbed tests run inside a umockdev testbed (`umockdev-wrapper tbrun TESTBED -- python3 -m
pytest ... --tb-root @TB@`): this process then sees the testbed's /sys and /dev, and every scan is
made with no_device_io=True and the testbed's proc/ and etc/, never this machine's disks.
"""

import json
import os
import pathlib
import subprocess
import time

import pytest

import raidmon


def pytest_addoption(parser):
    parser.addoption("--testbed", default=None, help="name of the umockdev testbed this run is inside")
    parser.addoption("--tb-root", default=None, help="the testbed's root (tbrun replaces @TB@)")


def _env_path(name):
    value = os.environ.get(name)
    if not value:
        pytest.fail(f"{name} is not set (ctest sets it; see tests/python/CMakeLists.txt)")
    return pathlib.Path(value)


@pytest.fixture(scope="session")
def test_data():
    """tests/data of the source tree."""
    return _env_path("RAIDMON_TEST_DATA")


@pytest.fixture(scope="session")
def cli():
    """The raidmon binary of the build tree."""
    return _env_path("RAIDMON_CLI")


@pytest.fixture(scope="session")
def raidmond():
    """The raidmond binary of the build tree."""
    return _env_path("RAIDMOND")


@pytest.fixture(scope="session")
def c_commands():
    """tests/python/c_commands.c built: the C API's smart, identify and hotswap calls."""
    return _env_path("RAIDMON_C_COMMANDS")


@pytest.fixture(scope="session")
def testbed(request):
    """(name, root, spec) of the testbed this run is inside; the test fails outside one."""
    name = request.config.getoption("--testbed")
    root = request.config.getoption("--tb-root")
    if not name or not root or root == "@TB@":
        pytest.fail("not inside a testbed: run under umockdev-wrapper tbrun with --testbed and --tb-root")
    if "umockdev" not in os.environ.get("LD_PRELOAD", ""):
        pytest.fail("umockdev's preload is missing: refusing to scan this machine")
    spec = json.loads((_env_path("RAIDMON_TEST_DATA") / "testbeds" / f"{name}.json").read_text())
    return name, pathlib.Path(root), spec


@pytest.fixture(scope="session")
def scan_kwargs(testbed):
    """What every scan inside the testbed is given: its proc/ and etc/, and no device I/O."""
    _, root, _ = testbed
    return dict(no_device_io=True, proc=root / "proc", etc=root / "etc")


@pytest.fixture(scope="session")
def cli_args(testbed):
    """The same for the raidmon binary."""
    _, root, _ = testbed
    return ["--no-device-io", "--proc", str(root / "proc"), "--etc", str(root / "etc")]


# Fake tools for smart() and identify(): Python scripts put first in PATH, so that the library's
# command runner (posix_spawnp) finds them and never this machine's smartctl or ipmitool.
_FAKE_SMARTCTL = """#!/usr/bin/python3
import json, os, sys
args = sys.argv[1:]
with open(os.environ["FAKE_TOOL_LOG"], "a") as f:
    f.write(" ".join(["smartctl"] + args) + "\\n")
if args[:2] != ["-x", "-j"] or not args[-1].startswith("/dev/"):
    sys.stderr.write("fake smartctl: unexpected arguments\\n")
    sys.exit(1)
text = open(os.environ["FAKE_SMARTCTL_JSON"]).read()
sys.stdout.write(text)
sys.exit(json.loads(text).get("smartctl", {}).get("exit_status", 0))
"""

_FAKE_IPMITOOL = """#!/usr/bin/python3
import os, sys
args = sys.argv[1:]
state = os.environ["FAKE_IPMITOOL_STATE"]
with open(os.environ["FAKE_TOOL_LOG"], "a") as f:
    f.write(" ".join(["ipmitool"] + args) + "\\n")
if args[:2] == ["chassis", "identify"] and len(args) == 3:
    word = {"0": "Off", "force": "Indefinite On"}.get(args[2], "Timed On")
    open(state, "w").write(word)
    print("Chassis identify interval: " + ("off" if word == "Off" else "indefinite" if args[2] == "force" else args[2] + " seconds"))
elif args == ["chassis", "status"]:
    word = open(state).read() if os.path.exists(state) else "Off"
    print("System Power         : on")
    print("Chassis Identify State: " + word)
else:
    sys.stderr.write("fake ipmitool: unexpected arguments\\n")
    sys.exit(1)
"""


@pytest.fixture
def fake_tools(tmp_path, monkeypatch):
    """A directory first in PATH with fake smartctl and ipmitool; returns (bin dir, log file).

    smartctl prints $FAKE_SMARTCTL_JSON (set it with monkeypatch) and exits with its exit_status;
    ipmitool keeps the identify state in a file. Every call is logged, one line each."""
    bindir = tmp_path / "fakebin"
    bindir.mkdir()
    for name, text in (("smartctl", _FAKE_SMARTCTL), ("ipmitool", _FAKE_IPMITOOL)):
        p = bindir / name
        p.write_text(text)
        p.chmod(0o755)
    log = tmp_path / "tools.log"
    log.write_text("")
    monkeypatch.setenv("PATH", f"{bindir}:{os.environ.get('PATH', '/usr/bin:/bin')}")
    monkeypatch.setenv("FAKE_TOOL_LOG", str(log))
    monkeypatch.setenv("FAKE_IPMITOOL_STATE", str(tmp_path / "identify.state"))
    return bindir, log


@pytest.fixture(scope="session")
def agent(testbed, raidmond, tmp_path_factory):
    """raidmon.Agent of a raidmond running inside the sas12 testbed (file sink, heartbeat every
    second) for the session; test_agent.py and test_schema.py use it."""
    name, root, _ = testbed
    if name != "sas12":
        pytest.skip("the agent tests run in sas12")
    tmp = tmp_path_factory.mktemp("agent")
    events = tmp / "events.jsonl"
    config = tmp / "raidmond.toml"
    # A heartbeat every second gives watch() something new to deliver.
    config.write_text(
        '[agent]\nheartbeat = "1s"\nmd_poll = "200ms"\nsmart_interval = 0\ncontroller_interval = 0\n'
        f'rate_limit_max = 1000\nprogress_interval = 0\n\n'
        '[console]\nissue_file = ""\nagetty_reload = false\n\n'
        f'[[sink]]\ntype = "file"\npath = "{events}"\n'
    )
    state = tmp / "state"
    log = open(tmp / "agent.log", "w")
    proc = subprocess.Popen(
        [str(raidmond), "--config", str(config), "--state-dir", str(state), "--proc", str(root / "proc"), "--etc",
         str(root / "etc"), "--no-device-io"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(1500):
            if (state / "raidmond.sock").exists() or proc.poll() is not None:
                break
            time.sleep(0.01)
        assert proc.poll() is None, (tmp / "agent.log").read_text()
        a = raidmon.Agent(state)
        # The socket appears before the agent listens on it, and the start events are committed
        # after its first scan: wait for both (the agent's log says why if it never comes).
        deadline = time.monotonic() + 60
        ready = False
        while not ready and time.monotonic() < deadline and proc.poll() is None:
            try:
                ready = any(e.kind == "array.degraded" for e in a.events())
            except raidmon.IOFailureError:
                pass
            if not ready:
                time.sleep(0.05)
        assert ready, (tmp / "agent.log").read_text()
        yield a
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
