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
