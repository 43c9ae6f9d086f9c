# SPDX-License-Identifier: LGPL-2.1-or-later
"""The guided replacement of a drive (``raidmon hotswap``, docs/hotswap.md), through a running
raidmond's control socket::

    import raidmon

    for incident in raidmon.hotswap.incidents():            # raidmon hotswap --list
        print(incident.id[:8], incident.state, incident.drive.serial, incident.slot_label)
    wo = raidmon.hotswap.work_order("/dev/sdd")             # raidmon hotswap /dev/sdd --no-follow
    print(wo.text)                                          # for the technician
    raidmon.hotswap.confirm(wo.incident)                    # raidmon hotswap ... --confirm
    raidmon.hotswap.cancel(wo.incident, "pulled the wrong drive")   # ... --cancel --reason

Errors are :class:`raidmon.Error` exceptions: ``IOFailureError`` when the agent does not answer
(naming the socket), ``NotFoundError`` when no open incident matches, ``CommandFailedError`` with
the agent's message when it refuses.
"""

from __future__ import annotations

import enum
import json
import os
from typing import Any, Dict, List, Optional, Union

from . import _raidmon
from ._errors import InvalidArgumentError
from ._model import Drive, Record, RemovalVerdict

__all__ = [
    "IncidentState",
    "IncidentCause",
    "IncidentDrive",
    "Incident",
    "WorkOrder",
    "incidents",
    "work_order",
    "confirm",
    "cancel",
]

_DEFAULT_STATE_DIR = "/var/lib/raidmon"


class IncidentState(str, enum.Enum):
    """Where an incident stands (docs/hotswap.md, "State machine")."""

    DETECTED = "detected"
    ASSESSED = "assessed"
    LOCATING = "locating"
    AWAITING_REMOVAL = "awaiting_removal"
    REMOVED = "removed"
    AWAITING_INSERTION = "awaiting_insertion"
    INSERTED = "inserted"
    VERIFIED = "verified"
    REBUILDING = "rebuilding"
    COMPLETED = "completed"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def closed(self) -> bool:
        """True for the terminal states: completed, failed, cancelled."""
        return self in (IncidentState.COMPLETED, IncidentState.FAILED, IncidentState.CANCELLED)


class IncidentCause(str, enum.Enum):
    """Why an incident was opened."""

    DRIVE_FAILED = "drive_failed"
    FAILURE_PREDICTED = "failure_predicted"
    WRONG_DRIVE_REMOVED = "wrong_drive_removed"
    UNEXPECTED_REMOVAL = "unexpected_removal"
    OPERATOR_REQUEST = "operator_request"


class IncidentDrive(Record):
    """Enough of a drive to recognise it after it left the server."""

    id: str
    serial: Optional[str]
    wwn: Optional[str]
    model: Optional[str]
    kernel_name: Optional[str]
    devnode: Optional[str]
    capacity_bytes: Optional[int]
    logical_block_size: Optional[int]
    _repr_fields = ("id", "serial", "kernel_name")


class Incident(Record):
    """One drive replacement, as the agent holds it. Times are seconds since the epoch (UTC).

    ``drive`` is the drive to take out (for wrong_drive_removed / unexpected_removal: the drive
    that must come back); ``enclosure``, ``slot``, ``slot_label`` its bay.
    """

    id: str
    cause: IncidentCause
    state: IncidentState
    drive: IncidentDrive
    array_id: Optional[str]
    array_name: Optional[str]
    array_kind: Optional[str]
    array_uuid: Optional[str]
    member_slot: Optional[int]
    enclosure: Optional[str]
    slot: Optional[int]
    slot_label: Optional[str]
    min_capacity_bytes: Optional[int]
    max_logical_block_size: Optional[int]
    removal_verdict: Optional[RemovalVerdict]
    removal_reasons: List[str]
    risks: List[str]
    recommendation: Optional[str]
    replacement: Optional[IncidentDrive]
    findings: List[str]
    awaiting_confirmation: bool
    rebuild_percent: Optional[float]
    eta_seconds: Optional[int]
    light_on: bool
    identify_on: bool
    failure_reason: Optional[str]
    opened_at: Optional[float]
    updated_at: Optional[float]
    _repr_fields = ("id", "state", "cause", "drive", "slot_label")

    @property
    def closed(self) -> bool:
        """True once completed, failed or cancelled."""
        return self.state.closed

    def to_json(self) -> str:
        """The incident as JSON (as in the agent's state file incidents.json)."""
        return json.dumps(self._data, indent=2)


class WorkOrder:
    """The technician's work order for one incident (``raidmon hotswap DRIVE --no-follow``).

    Attributes:
        incident: the :class:`Incident`; None when computed from a scan (``agent`` False) for an
            incident raidmond never recorded (it has no id).
        agent: True when raidmond holds the incident (it lights the bay, verifies the replacement
            and follows the rebuild); False when it was computed from a scan because no agent
            answered: then nothing follows the replacement.
        steps: the numbered steps, one sentence each.
        warning: set when pulling the drive loses data or the last redundancy.
        data: the work order's whole JSON object (server, bay, replacement requirements, safe_to_remove...).
        text: plain text for a person, lines of at most 80 columns, terminal-safe.
        svg: a picture of the bays with the target marked (a standalone SVG document).
    """

    __slots__ = ("incident", "agent", "steps", "warning", "data", "text", "svg", "_json")

    def __init__(self, answer: Dict[str, str]) -> None:
        self._json = answer["json"]
        doc = json.loads(self._json)
        self.incident = None if doc["incident"] is None else Incident._from_json(doc["incident"])
        self.agent = bool(doc["agent"])
        self.data: Dict[str, Any] = doc["work_order"]
        self.steps: List[str] = list(self.data.get("steps", []))
        self.warning: List[str] = list(self.data.get("warning", []))
        self.text: str = answer["text"]
        self.svg: str = answer["svg"]

    def to_json(self) -> str:
        """What ``raidmon hotswap DRIVE --json --no-follow`` prints, without the final newline."""
        return self._json

    def __repr__(self) -> str:
        return f"WorkOrder(incident={self.incident.id!r}, state={self.incident.state!r}, agent={self.agent!r})"


def _path(p: Optional[Union[str, "os.PathLike[str]"]]) -> Optional[str]:
    return None if p is None else os.fspath(p)


def _socket(state_dir: Optional[Union[str, "os.PathLike[str]"]], socket: Optional[Union[str, "os.PathLike[str]"]]) -> str:
    if socket is not None:
        return os.fspath(socket)
    return _raidmon.default_socket(_path(state_dir) or _DEFAULT_STATE_DIR)


def _what(incident: Union[Incident, str]) -> str:
    if isinstance(incident, Incident):
        return incident.id
    if isinstance(incident, str):
        if not incident:
            raise InvalidArgumentError("hotswap: name the incident (its id) or its drive", "invalid_argument")
        return incident
    raise TypeError(f"hotswap: expected an Incident or a str, not {type(incident).__name__}")


def incidents(state_dir: Optional[Union[str, "os.PathLike[str]"]] = None, *, socket: Optional[Union[str, "os.PathLike[str]"]] = None) -> List[Incident]:
    """The agent's hot-swap incidents, open and recently closed (``raidmon hotswap --list``).

    Args:
        state_dir: the agent's state directory (default /var/lib/raidmon); its socket is raidmond.sock there.
        socket: the control socket itself, overriding state_dir.

    Raises:
        IOFailureError: the agent does not answer. PermissionDeniedError: it refuses this user.
        CommandFailedError: it refuses the request (the assistant is off).
    """
    return [Incident._from_json(item) for item in json.loads(_raidmon.hotswap_incidents(_socket(state_dir, socket)))["incidents"]]


def work_order(
    drive: Union[Drive, str],
    *,
    state_dir: Optional[Union[str, "os.PathLike[str]"]] = None,
    socket: Optional[Union[str, "os.PathLike[str]"]] = None,
    root: Optional[Union[str, "os.PathLike[str]"]] = None,
    no_device_io: bool = False,
    proc: Optional[Union[str, "os.PathLike[str]"]] = None,
    etc: Optional[Union[str, "os.PathLike[str]"]] = None,
) -> WorkOrder:
    """The work order for replacing a drive (``raidmon hotswap DRIVE --no-follow``): the agent's
    open incident for it, opened now (cause operator_request) if there is none.

    Without a reachable agent the work order is computed from a scan of the host (``root``,
    ``no_device_io``, ``proc``, ``etc`` as for :func:`raidmon.scan`) and ``WorkOrder.agent`` is False.

    Args:
        drive: a :class:`raidmon.Drive`, or a device node, kernel name, serial, WWN or drive id.

    Raises:
        NotFoundError: the drive matches nothing. InvalidArgumentError: it is ambiguous, or an
        incident cannot be opened for it. PermissionDeniedError, CommandFailedError: the agent refused.
    """
    if isinstance(drive, Drive):
        spec = drive.id
    elif isinstance(drive, str):
        spec = drive
    else:
        raise TypeError(f"hotswap: expected a raidmon Drive or a str, not {type(drive).__name__}")
    settings = _raidmon.Settings(_path(root), _path(proc), _path(etc), bool(no_device_io))
    sd = _path(state_dir) or _DEFAULT_STATE_DIR
    return WorkOrder(_raidmon.hotswap_work_order(settings, sd, _socket(state_dir, socket), spec))


def confirm(
    incident: Union[Incident, str],
    *,
    state_dir: Optional[Union[str, "os.PathLike[str]"]] = None,
    socket: Optional[Union[str, "os.PathLike[str]"]] = None,
) -> WorkOrder:
    """Add the verified replacement now (``raidmon hotswap WHAT --confirm``, policy add = "confirm").

    Args:
        incident: an :class:`Incident`, or its id (8 characters are enough), or its drive's id,
            serial or kernel name.

    Returns:
        the work order afterwards.

    Raises:
        NotFoundError: no open incident matches. CommandFailedError: the agent refused (nothing
        awaits confirmation). IOFailureError: the agent does not answer.
    """
    return WorkOrder(_raidmon.hotswap_confirm(_socket(state_dir, socket), _what(incident)))


def cancel(
    incident: Union[Incident, str],
    reason: Optional[str] = None,
    *,
    state_dir: Optional[Union[str, "os.PathLike[str]"]] = None,
    socket: Optional[Union[str, "os.PathLike[str]"]] = None,
) -> WorkOrder:
    """Cancel an open incident (``raidmon hotswap WHAT --cancel --reason REASON``); the bay light goes off.

    Args:
        incident: as for :func:`confirm`.
        reason: recorded in the incident; None: "cancelled by an operator".

    Returns:
        the work order afterwards (its incident is cancelled).

    Raises:
        NotFoundError: no open incident matches. InvalidArgumentError: a reason with control
        characters. IOFailureError: the agent does not answer.
    """
    return WorkOrder(_raidmon.hotswap_cancel(_socket(state_dir, socket), _what(incident), reason or ""))
