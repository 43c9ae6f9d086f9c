# SPDX-License-Identifier: LGPL-2.1-or-later
"""Shared fixtures of the Python tests (run by ctest: tests/python/CMakeLists.txt).

The testbed tests run inside a umockdev testbed (`umockdev-wrapper tbrun TESTBED -- python3 -m
pytest ... --tb-root @TB@`): this process then sees the testbed's /sys and /dev, and every scan is
made with no_device_io=True and the testbed's proc/ and etc/, never this machine's disks.
"""

import json
import os
import pathlib

import pytest


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
