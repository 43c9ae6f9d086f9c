# SPDX-License-Identifier: LGPL-2.1-or-later
"""The module as a Python user meets it: readable help(), docstrings everywhere, Python enums,
type stubs, read-only records."""

import enum
import inspect
import pathlib
import pydoc

import raidmon
from raidmon import _raidmon


def test_help_is_readable():
    text = pydoc.render_doc(raidmon, renderer=pydoc.plaintext)
    for name in ("scan", "decode", "predict", "plan", "safe_to_remove", "locate", "Agent", "Health", "Error"):
        assert name in text
    assert "raidmon status" in text


def test_everything_public_has_a_docstring():
    for name in raidmon.__all__:
        obj = getattr(raidmon, name)
        if isinstance(obj, str):
            continue
        assert inspect.getdoc(obj), name
        if inspect.isclass(obj) and not issubclass(obj, (enum.Enum, BaseException)):
            for attr, member in vars(obj).items():
                if not attr.startswith("_") and (inspect.isfunction(member) or isinstance(member, property)):
                    assert inspect.getdoc(member), f"{name}.{attr}"
    for name in ("scan", "decode", "predict", "plan", "safe_to_remove", "locate", "events", "Watch", "Settings", "Snapshot"):
        assert getattr(_raidmon, name).__doc__, name


def test_enums_are_python_enums():
    for cls in (raidmon.Health, raidmon.Protocol, raidmon.Media, raidmon.DriveState, raidmon.Recommendation,
                raidmon.RemovalVerdict, raidmon.LedPattern, raidmon.Severity):
        assert issubclass(cls, enum.Enum)
    assert raidmon.Health("Critical") is raidmon.Health.CRITICAL
    assert raidmon.Health.CRITICAL == "Critical"
    assert raidmon.Health.CRITICAL.exit_code == 2 and raidmon.Health.UNKNOWN.exit_code == 3
    assert raidmon.Health.worst(raidmon.Health.OK, raidmon.Health.UNKNOWN, raidmon.Health.WARNING) is raidmon.Health.UNKNOWN
    assert raidmon.RemovalVerdict.LOSES_DATA.exit_code == 2


def test_stubs_and_py_typed():
    pkg = pathlib.Path(raidmon.__file__).parent
    assert (pkg / "py.typed").exists()
    stub = (pkg / "_raidmon.pyi").read_text()
    for name in dir(_raidmon):
        if not name.startswith("_"):
            assert f"def {name}(" in stub or f"class {name}" in stub, name


def test_records_are_read_only():
    c = raidmon.decode(b"Personalities : [raid1]\nmd0 : active raid1 sdb1[1] sda1[0]\n      1000 blocks [2/2] [UU]\n\nunused devices: <none>\n")
    (md0,) = c.arrays
    try:
        md0.state = "failed"
    except AttributeError:
        pass
    else:
        raise AssertionError("records must be read-only")
    assert md0.to_dict()["name"] == "md0"
    assert "md0" in repr(md0)
