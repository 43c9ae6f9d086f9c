# SPDX-License-Identifier: LGPL-2.1-or-later
"""raidmon.identify(), raidmon.smart() and raidmon.hotswap without a host: the identify light
through a fake ipmitool (conftest.py fake_tools) compared with `raidmon identify --json`, and the
errors of smart and hotswap when there is no drive and no agent. The testbed halves are in
test_testbed.py (smart) and test_agent.py (hotswap against a running raidmond)."""

import datetime
import json
import subprocess

import pytest

import raidmon


def run_cli(cli, *args):
    return subprocess.run([str(cli), *args], capture_output=True, text=True)


def test_identify_on_and_off_is_raidmon_identify_json(cli, fake_tools, tmp_path):
    _, log = fake_tools
    state = tmp_path / "state"
    on = raidmon.identify(True, "10m", state_dir=state, no_device_io=True)
    assert on.on is True and on.notes == [] and on.warnings == []
    assert log.read_text().splitlines() == ["ipmitool chassis identify force", "ipmitool chassis status"]
    cli_on = run_cli(cli, "identify", "on", "--for", "10m", "--json", "--state-dir", str(tmp_path / "cli-state"), "--no-device-io")
    assert cli_on.returncode == 0, cli_on.stderr
    assert on.to_json() + "\n" == cli_on.stdout
    # Longer than the BMC can time: a lease records when raidmon turns it off again.
    leases = json.loads(run_cli(cli, "leds", "--json", "--state-dir", str(state)).stdout)["leases"]
    assert [(l["enclosure"], l["label"], l["backend"], l["reason"]) for l in leases] == [
        ("server", "identify", "ipmi", "raidmon.identify(on) from Python")]
    off = raidmon.identify(False, state_dir=state, no_device_io=True)
    assert off.on is False and json.loads(off.to_json()) == {"format_version": 1, "identify": "off", "notes": []}
    assert log.read_text().splitlines()[-2:] == ["ipmitool chassis identify 0", "ipmitool chassis status"]
    cli_off = run_cli(cli, "identify", "off", "--json", "--state-dir", str(tmp_path / "cli-state"), "--no-device-io")
    assert off.to_json() + "\n" == cli_off.stdout
    assert json.loads(run_cli(cli, "leds", "--json", "--state-dir", str(state)).stdout)["leases"] == []


def test_identify_timed_by_the_bmc(fake_tools, tmp_path):
    _, log = fake_tools
    r = raidmon.identify(duration=datetime.timedelta(seconds=90), state_dir=tmp_path, no_device_io=True)
    assert r.on and "ipmitool chassis identify 90" in log.read_text()


def test_identify_errors(fake_tools, tmp_path, monkeypatch):
    with pytest.raises(raidmon.InvalidArgumentError) as e:
        raidmon.identify(True, "40d", state_dir=tmp_path, no_device_io=True)
    assert "identify: --for" in str(e.value)
    with pytest.raises(TypeError):
        raidmon.identify(True, 30, state_dir=tmp_path)
    # A BMC whose light does not come on: the command named, CommandFailedError.
    bindir, _ = fake_tools
    (bindir / "ipmitool").write_text("#!/usr/bin/python3\nimport sys\nprint('Chassis Identify State: Off')\n")
    with pytest.raises(raidmon.CommandFailedError) as e:
        raidmon.identify(True, state_dir=tmp_path, no_device_io=True)
    assert str(e.value).startswith("identify: ") and "ipmitool" in str(e.value)
    # No ipmitool at all, and no device I/O: NotFoundError naming it.
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(raidmon.NotFoundError) as e:
        raidmon.identify(True, state_dir=tmp_path, no_device_io=True)
    assert "ipmitool" in str(e.value)


def test_smart_of_a_drive_that_is_not_there(tmp_path):
    for d in ("sys", "proc", "etc", "dev", "run"):
        (tmp_path / d).mkdir()
    with pytest.raises(raidmon.Error) as e:
        raidmon.smart("sdzz", root=tmp_path)
    assert str(e.value).startswith("smart: ")
    with pytest.raises(raidmon.InvalidArgumentError) as e:
        raidmon.smart("sdzz", root=tmp_path, via="telepathy")
    assert "--via must be native, smartctl or auto, not 'telepathy'" in str(e.value)
    with pytest.raises(raidmon.InvalidArgumentError):
        raidmon.smart("sdzz", root=tmp_path, timeout=0)
    with pytest.raises(TypeError):
        raidmon.smart(7)


def test_hotswap_without_an_agent(tmp_path):
    with pytest.raises(raidmon.IOFailureError) as e:
        raidmon.hotswap.incidents(tmp_path)
    assert str(tmp_path / "raidmond.sock") in str(e.value) and str(e.value).startswith("hotswap: ")
    with pytest.raises(raidmon.IOFailureError):
        raidmon.hotswap.confirm("sdd", state_dir=tmp_path)
    with pytest.raises(raidmon.IOFailureError):
        raidmon.hotswap.cancel("sdd", "wrong bay", socket=tmp_path / "other.sock")
    with pytest.raises(raidmon.InvalidArgumentError) as e:
        raidmon.hotswap.cancel("sdd", "two\nlines", state_dir=tmp_path)
    assert "--reason" in str(e.value)
    with pytest.raises(raidmon.InvalidArgumentError):
        raidmon.hotswap.confirm("", state_dir=tmp_path)
    with pytest.raises(TypeError):
        raidmon.hotswap.confirm(12, state_dir=tmp_path)


def test_hotswap_records():
    assert raidmon.hotswap.IncidentState("cancelled").closed
    assert not raidmon.hotswap.IncidentState.AWAITING_REMOVAL.closed
    assert raidmon.hotswap.IncidentCause("drive_failed") is raidmon.hotswap.IncidentCause.DRIVE_FAILED
    i = raidmon.hotswap.Incident._from_json(
        {"id": "0123abcd-0000-4000-8000-000000000000", "cause": "operator_request", "state": "locating",
         "drive": {"id": "wwn-0x5000c500a1b2c3d4", "serial": "ZA1"}, "slot": 3, "removal_verdict": "safe"})
    assert i.drive.serial == "ZA1" and i.slot == 3 and i.slot_label is None and not i.closed
    assert i.removal_verdict is raidmon.RemovalVerdict.SAFE
    with pytest.raises(AttributeError):
        i.state = "cancelled"


def test_c_identify_is_raidmon_identify_json(c_commands, cli, fake_tools, tmp_path):
    for state in ("on", "off"):
        c = run_cli(c_commands, "identify", str(tmp_path / "c-state"), state)
        assert c.returncode == 0, c.stderr
        printed = run_cli(cli, "identify", state, "--json", "--state-dir", str(tmp_path / "cli-state"), "--no-device-io")
        assert c.stdout == printed.stdout
    _, log = fake_tools
    assert log.read_text().count("ipmitool chassis identify force") == 2


def test_c_hotswap_without_an_agent(c_commands, tmp_path):
    c = run_cli(c_commands, "hotswap-list", str(tmp_path / "raidmond.sock"))
    assert c.returncode == 3 and c.stdout == ""
    assert c.stderr.startswith("c_commands: io_error: hotswap: ") and str(tmp_path / "raidmond.sock") in c.stderr
