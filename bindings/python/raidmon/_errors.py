# SPDX-License-Identifier: LGPL-2.1-or-later
"""The exceptions of raidmon: one class per kind of error, all under :class:`raidmon.Error`."""

from __future__ import annotations

from typing import Dict, Type

__all__ = [
    "Error",
    "DeviceGoneError",
    "ParseError",
    "CommandFailedError",
    "CommandTimeoutError",
    "UnsupportedError",
    "PermissionDeniedError",
    "InvalidArgumentError",
    "IOFailureError",
    "NotFoundError",
    "RefusedError",
    "error_class",
]


class Error(Exception):
    """Any error raidmon reports.

    ``str(e)`` is the one line the ``raidmon`` command would print after ``raidmon:``, naming the
    input and the place (``"x.txt: line 3: ..."``, ``"predict: --capacity: ..."``).

    Attributes:
        message: that line.
        code: the kind of error, as the library names it (``"parse_error"``, ``"not_found"``...).
    """

    code: str = "error"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class DeviceGoneError(Error):
    """A device vanished while it was read (normal during hot-plug)."""

    code = "device_gone"


class ParseError(Error, ValueError):
    """Input (a capture, a sysfs value, a tool's output, the agent's answer) was not understood."""

    code = "parse_error"


class CommandFailedError(Error):
    """An external tool, or the agent, ran but reported failure."""

    code = "command_failed"


class CommandTimeoutError(Error, TimeoutError):
    """An external tool did not finish within its time limit."""

    code = "command_timeout"


class UnsupportedError(Error):
    """The device, format or operation is not supported."""

    code = "unsupported"


class PermissionDeniedError(Error, PermissionError):
    """The caller lacks a privilege (run as root, or with access to the state directory)."""

    code = "permission_denied"


class InvalidArgumentError(Error, ValueError):
    """An argument is meaningless: a bad value, an unknown setting, an ambiguous name."""

    code = "invalid_argument"


class IOFailureError(Error, OSError):
    """Any other operating-system error, e.g. the agent does not answer on its socket."""

    code = "io_error"


class NotFoundError(Error, LookupError):
    """A named drive, array, slot or file does not exist."""

    code = "not_found"


class RefusedError(Error):
    """A safety rule refused the operation (e.g. a device node outside the context's root)."""

    code = "refused"


_BY_CODE: Dict[str, Type[Error]] = {
    cls.code: cls
    for cls in (
        DeviceGoneError,
        ParseError,
        CommandFailedError,
        CommandTimeoutError,
        UnsupportedError,
        PermissionDeniedError,
        InvalidArgumentError,
        IOFailureError,
        NotFoundError,
        RefusedError,
    )
}


def error_class(code: str) -> Type[Error]:
    """The exception class of an error code (:class:`Error` itself for a code it does not know)."""
    return _BY_CODE.get(code, Error)
