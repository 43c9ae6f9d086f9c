# SPDX-License-Identifier: LGPL-2.1-or-later
"""raidmon.predict(): the public validation cases V1-V9 of docs/rebuild-model.md, and its errors.

Expected values are REBUILD-MODEL.md's table (copied into docs/rebuild-model.md), not raidmon's output.
"""

import datetime
import math

import pytest

import raidmon


def same_to(got, expected, digits):
    """got and expected agree to `digits` significant digits."""
    return abs(got - expected) <= 0.5 * 10 ** (math.floor(math.log10(abs(expected))) - digits + 1)


@pytest.mark.parametrize(
    "case,level,drives,tb,ure,expected,digits",
    [
        ("V1", "raid5", 3, 3, 1e-14, 0.3812, 4),
        ("V1", "raid5", 3, 3, 1e-15, 0.0469, 3),
        ("V2", "raid10", 4, 3, 1e-14, 0.2134, 4),
        ("V2", "raid10", 4, 3, 1e-15, 0.0237, 3),
        ("V3", "raid5", 4, 3, 1e-14, 0.5132, 4),
        ("V4", "raid5", 7, 2, 1e-14, 0.6171, 4),
        ("V4", "raid5", 7, 2, 1e-15, 0.0915, 3),
        ("V5", "raid1", 2, 3, 1e-14, 0.213, 3),
        ("V6", "raid1", 2, 2, 1e-14, 0.148, 3),
    ],
)
def test_validation_p_ure(case, level, drives, tb, ure, expected, digits):
    p = raidmon.predict(level=level, drives=drives, capacity=f"{tb}TB", ure=ure)
    assert same_to(p.p_ure, expected, digits), f"{case}: p_ure {p.p_ure}, expected {expected}"


def test_v6_expected_ures():
    p = raidmon.predict(level="raid1", drives=2, capacity=2 * 10**12, ure="1e-14")
    assert same_to(sum(m.expected_ures for m in p.members), 0.16, 4)


@pytest.mark.parametrize("level,expected", [("raid5", 7.44315e8), ("raid6", 5.16873e12)])
def test_v7_v8_mttdl(level, expected):
    p = raidmon.predict(level=level, drives=8, capacity="1TB", mttf="1e6h", mttr=datetime.timedelta(hours=24))
    assert same_to(p.mttdl_hours, expected, 6)


@pytest.mark.parametrize(
    "level,expected,expected_h03", [("raid5", 2053.57, 388.51), ("raid6", 34363.1, 5831.35)]
)
def test_v9_mttdl_with_rebuild_failure(level, expected, expected_h03):
    # L = 1e-3/h, U = 0.1/h: MTTF 1000 h, MTTR 10 h.
    first = raidmon.predict(level=level, drives=8, capacity="1TB", mttf="1000h", mttr="10h", ure=1e-14)
    assert same_to(first.mttdl_hours, expected, 6)
    # h is the URE probability of a rebuild with no redundancy left; choose the capacity that
    # makes it 0.3: h = 1 - (1 - r)^(bits per byte read * capacity).
    bits_per_byte = math.log1p(-first.rebuild_failure_h) / (1e12 * math.log1p(-1e-14))
    capacity = math.log(0.7) / (bits_per_byte * math.log1p(-1e-14))
    p = raidmon.predict(level=level, drives=8, capacity=capacity, mttf="1000h", mttr="10h", ure=1e-14)
    assert p.rebuild_failure_h == pytest.approx(0.3, rel=1e-9)
    assert same_to(p.mttdl_with_ure_hours, expected_h03, 5)


def test_result_fields_and_json():
    p = raidmon.predict(level="raid6", drives=12, capacity="16TB", ure=1e-15, age="3y", failed=1)
    assert isinstance(p.recommendation, raidmon.Recommendation)
    assert p.p_clean == pytest.approx(1 - p.p_array_loss - p.p_sector_loss)
    assert p.degraded and p.remaining_redundancy == 1
    assert len(p.members) == 12 and sum(m.role == "failed" for m in p.members) == 1
    assert p.reasons and all(isinstance(r, str) for r in p.reasons)
    assert p.to_dict()["recommendation"] == p.recommendation.value
    assert p.to_json().startswith("{")


def test_same_answer_as_the_cli(cli):
    import subprocess

    out = subprocess.run(
        [str(cli), "predict", "--level", "raid5", "--drives", "6", "--capacity", "8TB", "--ure", "1e-15", "--age", "2y",
         "--multiplier", "2=14", "--json"],
        check=True, capture_output=True, text=True,
    ).stdout
    p = raidmon.predict(level="raid5", drives=6, capacity="8TB", ure=1e-15, age="2y", multipliers={2: 14})
    assert p.to_json() + "\n" == out


@pytest.mark.parametrize(
    "kwargs,flag",
    [
        (dict(level="raid7", drives=4, capacity="1TB"), "--level"),
        (dict(level="raid5", drives=4, capacity="16XB"), "--capacity"),
        (dict(level="raid5", drives=0, capacity="1TB"), "--drives"),
        (dict(level="raid5", drives=4, capacity="1TB", failed=9), "--failed"),
        (dict(level="raid5", drives=4, capacity="1TB", afr="150%"), "--afr"),
        (dict(level="raid5", drives=4, capacity="1TB", age="3 fortnights"), "--age"),
        (dict(level="raid5", drives=4, capacity="1TB", multipliers={7: 2}), "--multiplier"),
        (dict(level="raid5", drives=4, capacity="1TB", mttr="4h"), "--mttr"),
        (dict(level="raid5", drives=4, capacity="1TB", policy="pray"), "--policy"),
    ],
)
def test_bad_values_name_the_flag(kwargs, flag):
    with pytest.raises(raidmon.InvalidArgumentError) as e:
        raidmon.predict(**kwargs)
    assert e.value.message.startswith(f"predict: {flag}"), e.value.message
    assert e.value.code == "invalid_argument"
    assert isinstance(e.value, ValueError)


def test_missing_smart_file():
    with pytest.raises(raidmon.NotFoundError) as e:
        raidmon.predict(level="raid5", drives=4, capacity="1TB", smart={1: "/nonexistent/smart.json"})
    assert "/nonexistent/smart.json" in str(e.value)


def test_types_that_carry_no_unit_are_refused():
    with pytest.raises(TypeError):
        raidmon.predict(level="raid5", drives=4, capacity="1TB", age=3)
    with pytest.raises(TypeError):
        raidmon.predict(level="raid5", drives=4, capacity=True)
