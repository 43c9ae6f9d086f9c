# SPDX-License-Identifier: LGPL-2.1-or-later
"""Errors are exceptions under raidmon.Error, one class per kind, with the CLI's message; garbage
never crashes the module."""

import random

import pytest

import raidmon


def test_hierarchy():
    kinds = {
        raidmon.DeviceGoneError: "device_gone",
        raidmon.ParseError: "parse_error",
        raidmon.CommandFailedError: "command_failed",
        raidmon.CommandTimeoutError: "command_timeout",
        raidmon.UnsupportedError: "unsupported",
        raidmon.PermissionDeniedError: "permission_denied",
        raidmon.InvalidArgumentError: "invalid_argument",
        raidmon.IOFailureError: "io_error",
        raidmon.NotFoundError: "not_found",
        raidmon.RefusedError: "refused",
    }
    for cls, code in kinds.items():
        assert issubclass(cls, raidmon.Error) and cls.code == code
        assert cls.__doc__
    assert issubclass(raidmon.PermissionDeniedError, PermissionError)
    assert issubclass(raidmon.ParseError, ValueError)


@pytest.mark.parametrize("seed", range(40))
def test_garbage_bytes_raise_parse_error(seed):
    rng = random.Random(seed)
    blob = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 4096)))
    with pytest.raises(raidmon.ParseError) as e:
        raidmon.decode(blob)
    assert str(e.value).startswith("<bytes>: ")


def pytest_generate_tests(metafunc):
    if "fmt" in metafunc.fixturenames:
        metafunc.parametrize("fmt", raidmon.formats())


def test_garbage_in_a_named_format(fmt):
    for blob in (b"", b"\x00" * 100, b"{" * 1000, b"Personalities : [raid1]\nmd0 : active raid1 sda1[0](", "é\n".encode() * 50):
        try:
            c = raidmon.decode(blob, format=fmt)
        except raidmon.ParseError as e:
            assert e.code == "parse_error" and str(e)
        else:
            assert isinstance(c, raidmon.Capture)


def test_unknown_format():
    with pytest.raises(raidmon.InvalidArgumentError):
        raidmon.decode(b"x", format="no-such-format")


def test_missing_file(tmp_path):
    with pytest.raises(raidmon.NotFoundError) as e:
        raidmon.decode(tmp_path / "missing.txt")
    assert str(tmp_path / "missing.txt") in str(e.value)


def test_agent_that_is_not_running(tmp_path):
    agent = raidmon.Agent(tmp_path)
    with pytest.raises(raidmon.IOFailureError) as e:
        agent.events()
    assert "raidmond.sock" in str(e.value) and "cannot reach raidmond" in str(e.value)
    with pytest.raises(raidmon.IOFailureError):
        agent.watch()


def test_bad_since(tmp_path):
    with pytest.raises(raidmon.InvalidArgumentError) as e:
        raidmon.Agent(tmp_path).events(since="yesterday-ish")
    assert "--since yesterday-ish" in str(e.value)


def test_wrong_argument_types():
    with pytest.raises(TypeError):
        raidmon.safe_to_remove(42)
    with pytest.raises(TypeError):
        raidmon.locate(3.5)
