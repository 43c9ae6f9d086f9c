# SPDX-License-Identifier: LGPL-2.1-or-later
"""raidmon.decode() over every capture in tests/data (those listed in PROVENANCE.tsv): the same
answer as `raidmon decode --json` gives for the file, a Capture when it decodes and the same
ParseError message when it does not; from a path and from bytes alike."""

import subprocess

import pytest

import raidmon


def captures(test_data):
    rows = (test_data / "PROVENANCE.tsv").read_text().splitlines()[1:]
    paths = [test_data / row.split("\t")[0] for row in rows if row.strip()]
    # A recorded sysfs tree (a directory) is no tool output: `raidmon status --root` reads those.
    return [p for p in paths if p.is_file()]


def pytest_generate_tests(metafunc):
    if "capture" in metafunc.fixturenames:
        import os
        import pathlib

        data = pathlib.Path(os.environ["RAIDMON_TEST_DATA"])
        paths = captures(data)
        metafunc.parametrize("capture", paths, ids=[str(p.relative_to(data)) for p in paths])


def test_every_capture_as_the_cli_decodes_it(capture, cli):
    r = subprocess.run([str(cli), "decode", "--json", str(capture)], capture_output=True, text=True)
    if r.returncode == 0:
        c = raidmon.decode(capture)
        assert isinstance(c, raidmon.Capture)
        assert c.to_json() + "\n" == r.stdout
        assert c.format == raidmon.decode(capture.read_bytes(), format=c.format).format
        assert c.format in raidmon.formats()
        for d in c.drives:
            assert isinstance(d.health, raidmon.Health) and d.inventory is c
    else:
        assert r.returncode == 65, r.stderr
        with pytest.raises(raidmon.ParseError) as e:
            raidmon.decode(capture)
        assert "raidmon: " + str(e.value) == r.stderr.strip()


def test_most_captures_decode(test_data):
    decoded = 0
    for path in captures(test_data):
        try:
            raidmon.decode(path)
            decoded += 1
        except raidmon.ParseError:
            pass
    # Text captures of every supported tool decode; only binary pages and sysfs trees do not.
    assert decoded >= 130


def test_known_values_of_a_capture(test_data):
    # /proc/mdstat of a RAID5 with a failed member: read by hand from the capture.
    text = (test_data / "mdstat" / "mdstat-raid5-FAILED-member.txt").read_text()
    assert "md0 : active raid5" in text and "sdc1[3](F)" in text
    c = raidmon.decode(text.encode())
    assert c.format == "mdstat"
    (md0,) = c.arrays
    assert (md0.name, md0.level, md0.state) == ("md0", "raid5", "degraded")
    assert [m.role for m in md0.members if m.device == "sdc1"] == ["faulty"]
    assert md0.health is raidmon.Health.CRITICAL
    assert c.array("md0") is md0


def test_formats():
    formats = raidmon.formats()
    assert "mdstat" in formats and "smartctl-json" in formats and "storcli-json" in formats
    assert len(formats) == len(set(formats))
