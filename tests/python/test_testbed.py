# SPDX-License-Identifier: LGPL-2.1-or-later
"""raidmon.scan() and what builds on it, inside a umockdev testbed (sas12 or jbod120: see
conftest.py). Expected values are read from the testbed's spec (tests/data/testbeds/NAME.json)."""

import json
import subprocess
import threading
import time

import pytest

import raidmon


@pytest.fixture(scope="module")
def inv(scan_kwargs):
    return raidmon.scan(**scan_kwargs)


def test_host_identity(inv, testbed):
    _, _, spec = testbed
    host = spec["host"]
    assert inv.host.hostname == host["hostname"]
    assert inv.host.machine_id == host["machine_id"]
    assert inv.host.dmi.product_serial == host["dmi"]["product_serial"]
    assert inv.host.dmi.sys_vendor == host["dmi"]["sys_vendor"]


def spec_disks(spec):
    """(enclosure id, slot, serial) of every disk the spec puts in a bay."""
    out = []
    for pci in spec["pci"]:
        for encl in pci.get("enclosures", []):
            explicit = {d["slot"]: d for d in encl.get("disks", [])}
            fill = encl.get("fill")
            for slot in range(encl["slots"]):
                if slot in explicit:
                    out.append((encl["id"], slot, explicit[slot]["serial"]))
                elif fill and slot not in fill.get("except", []):
                    out.append((encl["id"], slot, fill["serial_fmt"] % slot))
    return out


def test_every_bay_of_the_spec(inv, testbed):
    _, _, spec = testbed
    expected = spec_disks(spec)
    by_serial = {d.serial: d for d in inv.drives}
    for encl, slot, serial in expected:
        d = by_serial[serial]
        assert (d.location.enclosure, d.location.slot) == (encl, slot), serial
        assert isinstance(d.health, raidmon.Health) and isinstance(d.protocol, raidmon.Protocol)
        assert d.inventory is inv
    slots = {(e.id, s.index): s for e in inv.enclosures for s in e.slots}
    for encl, slot, serial in expected:
        assert slots[(encl, slot)].drive == by_serial[serial].id
        assert slots[(encl, slot)].enclosure == encl


def test_to_json_is_raidmon_status_json(inv, cli, cli_args, scan_kwargs, tmp_path):
    r = subprocess.run([str(cli), "status", "--json", "--state-dir", str(tmp_path), *cli_args], capture_output=True, text=True)
    assert r.returncode == inv.health.exit_code, r.stderr
    assert raidmon.scan(**scan_kwargs).to_json() + "\n" == r.stdout
    assert inv.to_dict() == json.loads(r.stdout)


def test_scan_releases_the_gil(scan_kwargs):
    ticks = [0]
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            ticks[0] += 1
            time.sleep(0.001)

    t = threading.Thread(target=spin)
    t.start()
    try:
        time.sleep(0.05)
        before = ticks[0]
        start = time.monotonic()
        raidmon.scan(**scan_kwargs)
        during, took = ticks[0] - before, time.monotonic() - start
    finally:
        stop.set()
        t.join()
    # With the GIL held for the whole scan the other thread could not count at all.
    assert during > 0, f"no progress in {took:.3f} s of scan"


def test_sas12_failed_drive_and_arrays(inv, testbed, tmp_path):
    name, root, spec = testbed
    if name != "sas12":
        pytest.skip("sas12 only")
    md0_spec = next(m for m in spec["md"] if m["name"] == "md0")
    md0 = inv.array("md0")
    # RAID6 that lost one of eight: degraded with one failure left to take (Warning); the failed
    # drive itself makes the host Critical.
    assert md0.level == md0_spec["level"] and md0.state == "degraded" and md0.health is raidmon.Health.WARNING
    assert md0.redundancy_left == 1
    assert md0.raid_disks == md0_spec["raid_disks"]
    assert md0.uuid.replace(":", "").replace("-", "") == md0_spec["uuid"].replace("-", "")
    faulty = [m for m in md0.members if m.role == "faulty"]
    assert [m.device for m in faulty] == ["sdd"]
    sdd = inv.drive("sdd")
    assert sdd.location.slot == 3 and sdd.location.label == "Slot03" and sdd.health is raidmon.Health.CRITICAL
    assert inv.health is raidmon.Health.CRITICAL and inv.health.exit_code == 2

    # safe-to-remove: the failed member may go; a healthy RAID6 member costs the last redundancy.
    assert raidmon.safe_to_remove(sdd).verdict is raidmon.RemovalVerdict.SAFE
    sde = inv.drive("sde")
    r = raidmon.safe_to_remove(sde)
    assert r.verdict is raidmon.RemovalVerdict.LOSES_LAST_REDUNDANCY and r.exit_code == 1
    assert raidmon.safe_to_remove("Slot03", inventory=inv).target.drive == sdd.id
    empty = next(s for e in inv.enclosures for s in e.slots if s.index == 11)
    assert raidmon.safe_to_remove(empty).verdict is raidmon.RemovalVerdict.SAFE

    # plan: the degraded RAID6 can still rebuild; the members are the inventory's.
    p = raidmon.plan(md0)
    assert isinstance(p.recommendation, raidmon.Recommendation) and p.degraded
    assert p.remaining_redundancy == 1
    assert raidmon.plan("md0", inventory=inv).to_json() == p.to_json()
    with pytest.raises(raidmon.NotFoundError):
        raidmon.plan("md9", inventory=inv)
    with pytest.raises(raidmon.NotFoundError):
        raidmon.safe_to_remove("no-such-drive", inventory=inv)


def read_attr(root, enclosure_dir, attr):
    return (enclosure_dir / attr).read_text().strip()


def test_sas12_locate_lights_the_bay(inv, testbed, tmp_path):
    name, root, _ = testbed
    if name != "sas12":
        pytest.skip("sas12 only")
    sde = inv.drive("sde")
    change = raidmon.locate(sde, on=True, duration="90s", state_dir=tmp_path)
    assert (change.slot, change.label, change.backend) == (4, "Slot04", "ses-sysfs")
    assert change.pattern is raidmon.LedPattern.LOCATE and change.verified and change.expires_at
    # The SES element of bay 4 in the testbed's sysfs: its locate attribute is what was written.
    component = next((root / "sys" / "class" / "enclosure").glob("*/Slot04"))
    assert read_attr(root, component, "locate") == "1"
    assert json.loads((tmp_path / "leds.json").read_text())
    off = raidmon.locate(sde, on=False, state_dir=tmp_path)
    assert off.pattern is raidmon.LedPattern.OFF
    assert read_attr(root, component, "locate") == "0"
    with pytest.raises(raidmon.NotFoundError):
        raidmon.locate("no-such-bay", state_dir=tmp_path, **{k: v for k, v in dict(no_device_io=True, proc=root / "proc", etc=root / "etc").items()})
    with pytest.raises(raidmon.InvalidArgumentError):
        raidmon.locate(sde, duration="40d", state_dir=tmp_path)


def test_smart_is_raidmon_smart_json(inv, cli, cli_args, scan_kwargs, fake_tools, test_data, monkeypatch, tmp_path):
    """raidmon.smart() of a testbed drive through a fake smartctl (no device I/O: smartctl is the
    only way), against `raidmon smart DRIVE --json` with the same smartctl."""
    _, log = fake_tools
    monkeypatch.setenv("FAKE_SMARTCTL_JSON", str(test_data / "smartctl-json" / "ata-hdd-wd140edfz-a.json"))
    drive = next(d for d in inv.drives if d.devnode and d.kernel_name)
    got = raidmon.smart(drive, **scan_kwargs)
    assert got.id == drive.id and got.serial == drive.serial
    assert got.smart.temperature_c == 32 and got.smart.power_on_hours == 1730 and got.smart.passed is True
    assert got.smart.source is not None and "smartctl" in got.smart.source
    assert log.read_text().splitlines()[-1].endswith(" " + drive.devnode)
    r = subprocess.run([str(cli), "smart", drive.kernel_name, "--json", "--state-dir", str(tmp_path), *cli_args],
                       capture_output=True, text=True)
    assert r.stdout == got.to_json() + "\n", r.stderr
    assert r.returncode == got.health.exit_code
    # by name as well as by Drive, and the same reading
    assert raidmon.smart(drive.kernel_name, **scan_kwargs).to_json() == got.to_json()


def test_smart_errors_in_the_testbed(inv, scan_kwargs, fake_tools, monkeypatch, tmp_path):
    with pytest.raises(raidmon.NotFoundError) as e:
        raidmon.smart("sdzz", **scan_kwargs)
    assert str(e.value) == ("smart: no drive 'sdzz' (give a device node, kernel name, serial, WWN or drive id; "
                            "see raidmon status)")
    # smartctl that prints garbage: a parse error naming the drive
    garbage = tmp_path / "garbage.json"
    garbage.write_text("{ not json")
    monkeypatch.setenv("FAKE_SMARTCTL_JSON", str(garbage))
    drive = next(d for d in inv.drives if d.devnode)
    bindir, _ = fake_tools
    (bindir / "smartctl").write_text("#!/usr/bin/python3\nimport os, sys\nsys.stdout.write(open(os.environ['FAKE_SMARTCTL_JSON']).read())\n")
    with pytest.raises(raidmon.Error) as e:
        raidmon.smart(drive, **scan_kwargs)
    assert str(e.value).startswith(f"smart: {drive.devnode}: ")
    with pytest.raises(raidmon.InvalidArgumentError):
        raidmon.smart(drive, **scan_kwargs, device_type="bogus type;rm")


def test_c_smart_is_raidmon_smart_json(inv, c_commands, cli, cli_args, testbed, fake_tools, test_data, monkeypatch, tmp_path):
    _, root, _ = testbed
    monkeypatch.setenv("FAKE_SMARTCTL_JSON", str(test_data / "smartctl-json" / "ata-hdd-wd140edfz-a.json"))
    drive = next(d for d in inv.drives if d.devnode and d.kernel_name)
    c = subprocess.run([str(c_commands), "smart", str(root / "proc"), str(root / "etc"), drive.kernel_name],
                       capture_output=True, text=True)
    printed = subprocess.run([str(cli), "smart", drive.kernel_name, "--json", "--state-dir", str(tmp_path), *cli_args],
                             capture_output=True, text=True)
    assert c.stdout == printed.stdout and c.returncode == printed.returncode, c.stderr
    assert c.stderr.startswith(f"{drive.id} temperature 32 power-on 1730 h")
    missing = subprocess.run([str(c_commands), "smart", str(root / "proc"), str(root / "etc"), "sdzz"], capture_output=True, text=True)
    assert missing.returncode == 3 and missing.stderr.startswith("c_commands: not_found: smart: no drive 'sdzz'")
