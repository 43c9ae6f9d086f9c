# SPDX-License-Identifier: LGPL-2.1-or-later
"""raidmon: the disks, RAID arrays, enclosure bays and lights of a Linux server, from Python.

Everything the ``raidmon`` command does, as calls that return Python objects::

    import raidmon

    inv = raidmon.scan()                       # what `raidmon status` reads
    print(inv.host.hostname, inv.host.dmi.product_serial, inv.health)
    for d in inv.drives:
        print(d.id, d.serial, d.model, d.health, d.location.slot, d.location.label)
    for a in inv.arrays:
        print(a.name, a.level, a.state, a.operation and a.operation.percent)
    print(inv.to_json())                       # exactly `raidmon status --json`

    raidmon.decode("mdstat.txt")               # a captured tool output -> the model
    raidmon.predict(level="raid6", drives=12, capacity="16TB", ure=1e-15)
    raidmon.plan(inv.arrays[0])                # rebuild feasibility of a live array
    raidmon.safe_to_remove(inv.drives[3])      # would pulling it lose data?
    raidmon.locate(inv.drives[3], on=True, duration="30m")
    d = raidmon.smart("/dev/sdc")              # one drive's SMART read now: d.smart, d.health, d.risk
    raidmon.identify(on=True, duration="10m")  # the server's own identify light
    raidmon.hotswap.incidents()                # raidmond's guided replacements (raidmon.hotswap)
    for event in raidmon.Agent("/var/lib/raidmon").watch():   # raidmond's events as they happen
        print(event.type, event.message)

Errors are exceptions under :class:`raidmon.Error`, one subclass per kind (``ParseError``,
``NotFoundError``, ``PermissionDeniedError``...), whose message is the line ``raidmon`` would print.
The GIL is released while the library scans, reads devices or waits for the agent.
docs/python.md has an example for every call.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import json
import os
from typing import Any, AsyncIterator, Dict, Iterator, List, Mapping, Optional, Tuple, Union

from . import _raidmon, hotswap
from ._errors import (
    CommandFailedError,
    CommandTimeoutError,
    DeviceGoneError,
    Error,
    InvalidArgumentError,
    IOFailureError,
    NotFoundError,
    ParseError,
    PermissionDeniedError,
    RefusedError,
    UnsupportedError,
)
from ._model import (
    Array,
    ArrayMember,
    ArrayOperation,
    Battery,
    Bmc,
    Cache,
    Controller,
    ControllerView,
    Dmi,
    Drive,
    DriveState,
    Enclosure,
    Health,
    Host,
    LedChange,
    LedPattern,
    Location,
    Media,
    MemberPrediction,
    NvmeHealth,
    Prediction,
    Protocol,
    Recommendation,
    Removal,
    RemovalImpact,
    RemovalTarget,
    RemovalVerdict,
    Risk,
    SelfTest,
    Severity,
    Signature,
    Slot,
    Smart,
    SmartAttribute,
    _load_enclosures,
    _load_owned,
)

__version__: str = _raidmon.version()

DEFAULT_STATE_DIR = "/var/lib/raidmon"
"""The state directory of ``raidmon`` and ``raidmond`` (slot memory, light leases, control socket)."""

__all__ = [
    "scan",
    "decode",
    "formats",
    "predict",
    "plan",
    "safe_to_remove",
    "locate",
    "smart",
    "identify",
    "Identify",
    "hotswap",
    "Agent",
    "Watch",
    "Event",
    "Inventory",
    "Capture",
    "Host",
    "Dmi",
    "Bmc",
    "Drive",
    "Location",
    "Smart",
    "NvmeHealth",
    "SelfTest",
    "SmartAttribute",
    "Risk",
    "Signature",
    "ControllerView",
    "Array",
    "ArrayMember",
    "ArrayOperation",
    "Controller",
    "Battery",
    "Cache",
    "Enclosure",
    "Slot",
    "Prediction",
    "MemberPrediction",
    "Removal",
    "RemovalTarget",
    "RemovalImpact",
    "LedChange",
    "Health",
    "Protocol",
    "Media",
    "DriveState",
    "Recommendation",
    "RemovalVerdict",
    "LedPattern",
    "Severity",
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
    "DEFAULT_STATE_DIR",
    "__version__",
]

PathLike = Union[str, "os.PathLike[str]"]


def _opt_path(p: Optional[PathLike]) -> Optional[str]:
    return None if p is None else os.fspath(p)


class _Entities:
    """What an Inventory and a Capture share: the entities, lookups and JSON."""

    _snapshot: Any
    _json: str
    controllers: List[Controller]
    enclosures: List[Enclosure]
    drives: List[Drive]
    arrays: List[Array]
    notes: List[str]

    def _load(self, snapshot: Any) -> Dict[str, Any]:
        self._snapshot = snapshot
        self._json = snapshot.json()
        data = json.loads(self._json)
        self._data = data
        self.controllers = _load_owned(Controller, data.get("controllers", []), self)
        self.enclosures = _load_enclosures(data.get("enclosures", []), self)
        self.drives = _load_owned(Drive, data.get("drives", []), self)
        self.arrays = _load_owned(Array, data.get("arrays", []), self)
        self.notes = list(data.get("notes", []))
        return data

    def to_json(self) -> str:
        """The JSON the ``raidmon`` command prints for this (without the final newline)."""
        return self._json

    def to_dict(self) -> Dict[str, Any]:
        """The JSON document as Python dicts and lists."""
        return json.loads(self._json)

    def drive(self, spec: str) -> Drive:
        """The drive named by id, devnode ("/dev/sdc"), kernel name, serial or WWN.

        Raises:
            NotFoundError: nothing matches. InvalidArgumentError: several drives match.
        """
        found = [
            d
            for d in self.drives
            if spec in (d.id, d.devnode, d.kernel_name, d.serial)
            or (d.wwn is not None and _norm_wwn(spec) == _norm_wwn(d.wwn))
        ]
        if not found:
            raise NotFoundError(f"no drive matches '{spec}'", "not_found")
        if len(found) > 1:
            raise InvalidArgumentError(f"'{spec}' matches {len(found)} drives: " + ", ".join(d.id for d in found), "invalid_argument")
        return found[0]

    def array(self, name: str) -> Array:
        """The array named "md0", "/dev/md0", "VD 1", by its id or its UUID.

        Raises:
            NotFoundError: nothing matches. InvalidArgumentError: several arrays match.
        """
        found = [a for a in self.arrays if name in (a.name, a.id, a.uuid, a.devnode)]
        if not found:
            raise NotFoundError(f"no array matches '{name}'", "not_found")
        if len(found) > 1:
            raise InvalidArgumentError(f"'{name}' matches {len(found)} arrays", "invalid_argument")
        return found[0]


def _norm_wwn(s: str) -> str:
    s = s.strip().lower()
    for prefix in ("wwn-", "naa.", "0x"):
        if s.startswith(prefix):
            s = s[len(prefix) :]
    return s


class Inventory(_Entities):
    """What a scan found (``raidmon status``): the host, its controllers, enclosures and bays,
    drives and arrays, with health. Returned by :func:`scan`.

    Attributes:
        health: the worst verdict over everything (its ``exit_code`` is what a monitoring check returns).
        reasons: why the health is what it is.
        host: hostname, machine_id, dmi (product_serial, ...), bmc.
        controllers, enclosures, drives, arrays: the entities.
        notes: devices skipped or inconsistencies, for a person.
        raidmon_version: the library's version.
    """

    health: Health
    reasons: List[str]
    host: Host
    raidmon_version: str

    def __init__(self, snapshot: Any, settings: Any) -> None:
        data = self._load(snapshot)
        self._settings = settings
        self.health = Health(data["health"])
        self.reasons = list(data.get("reasons", []))
        self.host = Host._from_json(data["host"])
        self.raidmon_version = data.get("raidmon_version", "")

    def __repr__(self) -> str:
        return (
            f"Inventory(host={self.host.hostname!r}, health={self.health!r}, drives={len(self.drives)}, "
            f"arrays={len(self.arrays)}, enclosures={len(self.enclosures)})"
        )


class Capture(_Entities):
    """A decoded tool output (``raidmon decode``). Returned by :func:`decode`.

    Attributes:
        format: the decoder used ("mdstat", "smartctl-json", "storcli-json", ...).
        controllers, enclosures, drives, arrays: what the capture holds (which ones depends on the format).
        notes: tolerated oddities (unknown fields, skipped lines).
        skipped: sections, keys or lines the decoder did not know and skipped.
    """

    format: str
    skipped: int

    def __init__(self, snapshot: Any) -> None:
        data = self._load(snapshot)
        self.format = data.get("format", snapshot.format)
        self.skipped = int(data.get("skipped", 0))

    def __repr__(self) -> str:
        return f"Capture(format={self.format!r}, drives={len(self.drives)}, arrays={len(self.arrays)}, controllers={len(self.controllers)})"


def scan(
    root: Optional[PathLike] = None,
    no_device_io: bool = False,
    *,
    proc: Optional[PathLike] = None,
    etc: Optional[PathLike] = None,
    probe_signatures: bool = True,
) -> Inventory:
    """Scan the host: what ``raidmon status`` reads, as an :class:`Inventory`.

    Args:
        root: read a recorded host under this directory (root/sys, root/proc, root/etc...)
            instead of this machine (``raidmon --root``); device I/O is then off.
        no_device_io: never open device nodes (/dev/sdX); read only sysfs, udev and tools.
        proc: read /proc from here (``raidmon --proc``).
        etc: read /etc from here (``raidmon --etc``).
        probe_signatures: look for RAID/LVM/filesystem signatures (``--no-probe`` turns it off).

    Raises:
        IOFailureError: the device source (udev, sysfs) cannot be read at all.

    A device that vanishes during the scan is skipped with a note; an attribute that cannot be
    read is None. The GIL is released while the library scans.
    """
    settings = _raidmon.Settings(_opt_path(root), _opt_path(proc), _opt_path(etc), bool(no_device_io))
    return Inventory(_raidmon.scan(settings, probe_signatures), settings)


def decode(source: Union[PathLike, bytes, bytearray, memoryview], format: Optional[str] = None) -> Capture:
    """Decode a captured tool output (``raidmon decode``): smartctl, nvme-cli, storcli/perccli,
    MegaCli, ssacli, arcconf, sas2/3ircu, mdadm, /proc/mdstat, lsscsi, SES pages.

    Args:
        source: a file's path, or the captured bytes themselves.
        format: a name from :func:`formats`; None detects it from the content.

    Raises:
        ParseError: the capture was not understood (the message names the file and the place).
        InvalidArgumentError: an unknown format name.
        NotFoundError, PermissionDeniedError, IOFailureError: the file cannot be read.
    """
    if isinstance(source, (bytes, bytearray, memoryview)):
        data, name = bytes(source), "<bytes>"
    else:
        name = os.fspath(source)
        try:
            with open(name, "rb") as f:
                data = f.read()
        except FileNotFoundError as e:
            raise NotFoundError(f"{name}: cannot open: {e.strerror}", "not_found") from None
        except PermissionError as e:
            raise PermissionDeniedError(f"{name}: cannot open: {e.strerror}", "permission_denied") from None
        except OSError as e:
            raise IOFailureError(f"{name}: cannot open: {e.strerror}", "io_error") from None
    return Capture(_raidmon.decode(data, format or "auto", name))


def formats() -> List[str]:
    """The capture formats :func:`decode` knows, in detection order (``raidmon decode --list-formats``)."""
    return list(_raidmon.formats())


# Settings of predict/plan: Python name -> how a value is written for the library.
def _quantity(unit: str, expected: str) -> Any:
    """A converter for a quantity: a number gets `unit` appended, a str is passed as typed."""

    def convert(name: str, v: Any) -> str:
        if isinstance(v, bool) or not isinstance(v, (int, float, str)):
            raise TypeError(f"{name}: expected {expected}")
        return f"{v!r}{unit}" if isinstance(v, (int, float)) else v

    return convert


_size = _quantity("B", "bytes (int) or a size with its unit ('16TB')")
_rate = _quantity("B/s", "bytes per second or a rate with its unit ('150MB/s')")
_number = _quantity("", "a number")


def _duration(name: str, v: Any) -> str:
    if isinstance(v, _dt.timedelta):
        return f"{v.total_seconds()!r}s"
    if isinstance(v, str):
        return v
    raise TypeError(f"{name}: expected a duration with its unit ('3y', '4h') or a datetime.timedelta")


def _word(name: str, v: Any) -> str:
    return v.value if hasattr(v, "value") else str(v)


_MODEL_SETTINGS = {
    "ure": _number,
    "ure_model": _word,
    "rebuild_rate": _rate,
    "replace_delay": _duration,
    "policy": _word,
    "since_scrub": _duration,
    "controller_share": _number,
    "speed_limit_min": _rate,
    "speed_limit_max": _rate,
}

_PREDICT_SETTINGS = {
    "level": _word,
    "drives": _number,
    "capacity": _size,
    "failed": _number,
    "window": _duration,
    "age": _duration,
    "afr": _number,
    "mttf": _duration,
    "weibull_shape": _number,
    "weibull_scale": _duration,
    "mttr": _duration,
    "spans": _number,
    "copies": _number,
    "layout": _word,
    **_MODEL_SETTINGS,
}


def _settings(table: Mapping[str, Any], given: Mapping[str, Any]) -> List[Tuple[str, str]]:
    out: List[Tuple[str, str]] = []
    for key, value in given.items():
        if value is None:
            continue
        conv = table.get(key)
        if conv is None:
            raise TypeError(f"unexpected keyword argument '{key}'")
        out.append((key, conv(key, value)))
    return out


def _member_settings(multipliers: Optional[Mapping[int, Any]], smart: Optional[Mapping[int, PathLike]]) -> List[Tuple[str, str]]:
    out = []
    for member, factor in (multipliers or {}).items():
        out.append(("multiplier", f"{member}={_number('multipliers', factor)}"))
    for member, path in (smart or {}).items():
        out.append(("smart", f"{member}={os.fspath(path)}"))
    return out


def _prediction(text: str, warnings: Optional[List[str]] = None) -> Prediction:
    p = Prediction._from_json(json.loads(text))
    p.__dict__["_json"] = text
    p.__dict__["_warnings"] = list(warnings or [])
    return p


def predict(
    level: Union[str, int],
    drives: int,
    capacity: Union[str, int, float],
    *,
    failed: Optional[int] = None,
    ure: Union[str, float, None] = None,
    ure_model: Optional[str] = None,
    age: Union[str, _dt.timedelta, None] = None,
    afr: Union[str, float, None] = None,
    mttf: Union[str, _dt.timedelta, None] = None,
    mttr: Union[str, _dt.timedelta, None] = None,
    weibull_shape: Union[str, float, None] = None,
    weibull_scale: Union[str, _dt.timedelta, None] = None,
    window: Union[str, _dt.timedelta, None] = None,
    spans: Optional[int] = None,
    copies: Optional[int] = None,
    layout: Optional[str] = None,
    multipliers: Optional[Mapping[int, float]] = None,
    smart: Optional[Mapping[int, PathLike]] = None,
    rebuild_rate: Union[str, float, None] = None,
    replace_delay: Union[str, _dt.timedelta, None] = None,
    policy: Optional[str] = None,
    since_scrub: Union[str, _dt.timedelta, None] = None,
    controller_share: Union[str, float, None] = None,
    speed_limit_min: Union[str, float, None] = None,
    speed_limit_max: Union[str, float, None] = None,
) -> Prediction:
    """The rebuild model offline (``raidmon predict``): if an array like this loses ``failed``
    members (default 1), how likely is the rebuild to finish without losing anything?

    Every keyword is the flag of ``raidmon predict`` (``weibull_shape`` is ``--weibull-shape``) and
    takes what the flag takes, as text with its unit ("16TB", "3y", "1.5%", "150MB/s"), or as
    Python values: sizes in bytes (int), rates in bytes per second, fractions as floats
    (``afr=0.015``), durations as :class:`datetime.timedelta`. ``multipliers`` maps a member's
    slot (0-based) to its SMART risk multiplier, ``smart`` to a JSON file (``--smart M=FILE``).

    Returns:
        a :class:`Prediction`: ``p_ure``, ``p_array_loss``, ``p_sector_loss``, ``p_clean``,
        ``window_hours``, ``recommendation``, ``reasons``, ``members``.

    Raises:
        InvalidArgumentError: a missing, bad or contradictory value; the message names the flag
            ("--capacity: '16XB': ...").
        NotFoundError: a ``smart`` file cannot be opened.
        TypeError: a value of a type the setting does not take (a duration as a bare number).
    """
    given = dict(
        level=level,
        drives=drives,
        capacity=capacity,
        failed=failed,
        ure=ure,
        ure_model=ure_model,
        age=age,
        afr=afr,
        mttf=mttf,
        mttr=mttr,
        weibull_shape=weibull_shape,
        weibull_scale=weibull_scale,
        window=window,
        spans=spans,
        copies=copies,
        layout=layout,
        rebuild_rate=rebuild_rate,
        replace_delay=replace_delay,
        policy=policy,
        since_scrub=since_scrub,
        controller_share=controller_share,
        speed_limit_min=speed_limit_min,
        speed_limit_max=speed_limit_max,
    )
    settings = _settings(_PREDICT_SETTINGS, given) + _member_settings(multipliers, smart)
    return _prediction(_raidmon.predict(settings))


def _snapshot_of(entity: Any, inventory: Optional[_Entities], what: str) -> Tuple[Any, str, Optional[_Entities]]:
    """(library snapshot, spec, owner) for a Drive/Array/Slot or a name."""
    owner = inventory
    if isinstance(entity, (Drive, Array, Slot)):
        owner = entity.inventory
        spec = entity.spec if isinstance(entity, Slot) else entity.id
    elif isinstance(entity, str):
        spec = entity
    else:
        raise TypeError(f"{what}: expected a str or a raidmon Drive, Array or Slot, not {type(entity).__name__}")
    if owner is None:
        owner = scan()
    return owner._snapshot, spec, owner


def plan(
    array: Union[Array, str],
    *,
    inventory: Optional[Union[Inventory, Capture]] = None,
    assume_failed: Union[Drive, str, None] = None,
    ure: Union[str, float, None] = None,
    ure_model: Optional[str] = None,
    rebuild_rate: Union[str, float, None] = None,
    replace_delay: Union[str, _dt.timedelta, None] = None,
    policy: Optional[str] = None,
    since_scrub: Union[str, _dt.timedelta, None] = None,
    controller_share: Union[str, float, None] = None,
    speed_limit_min: Union[str, float, None] = None,
    speed_limit_max: Union[str, float, None] = None,
) -> Prediction:
    """Rebuild feasibility of a live array (``raidmon plan ARRAY``): members' capacity, age and
    SMART from the inventory, md's speed limits from the host.

    Args:
        array: an :class:`Array` of a scan (or of a decoded capture), or its name, id or UUID —
            looked up in ``inventory``, else in a fresh :func:`scan` of this host.
        assume_failed: evaluate as if this member failed (``--assume-failed``).
        The other keywords are ``raidmon plan``'s model flags, as in :func:`predict`.

    Returns:
        a :class:`Prediction` (its ``warnings`` say what was assumed instead of read).

    Raises:
        NotFoundError: the array or the drive matches nothing.
        InvalidArgumentError: a bad setting, an ambiguous name.
        UnsupportedError: an array whose level does not rebuild (container).
    """
    snapshot, spec, _ = _snapshot_of(array, inventory, "plan")
    given = dict(
        ure=ure,
        ure_model=ure_model,
        rebuild_rate=rebuild_rate,
        replace_delay=replace_delay,
        policy=policy,
        since_scrub=since_scrub,
        controller_share=controller_share,
        speed_limit_min=speed_limit_min,
        speed_limit_max=speed_limit_max,
    )
    settings = [("array", spec)] + _settings(_MODEL_SETTINGS, given)
    if assume_failed is not None:
        settings.append(("assume-failed", assume_failed.id if isinstance(assume_failed, Drive) else str(assume_failed)))
    text, warnings = _raidmon.plan(snapshot, settings)
    return _prediction(text, warnings)


def safe_to_remove(target: Union[Drive, Slot, str], *, inventory: Optional[Inventory] = None) -> Removal:
    """Would pulling this drive (or whatever is in this slot) now lose data or redundancy?
    (``raidmon safe-to-remove``)

    Args:
        target: a :class:`Drive` or :class:`Slot` of a scan, or a drive (devnode, kernel name,
            serial, WWN, id) or slot ("ENCLOSURE:INDEX", a bay label) by name — looked up in
            ``inventory``, else in a fresh :func:`scan` of this host.

    Returns:
        a :class:`Removal`: ``verdict`` (a :class:`RemovalVerdict`), ``reasons``, ``arrays``.

    Raises:
        NotFoundError: nothing matches. InvalidArgumentError: several things match.
    """
    snapshot, spec, _ = _snapshot_of(target, inventory, "safe_to_remove")
    text = _raidmon.safe_to_remove(snapshot, spec)
    r = Removal._from_json(json.loads(text))
    r.__dict__["_json"] = text
    return r


def _target(target: Any, what: str, slots: bool) -> Tuple[str, Any]:
    """(name for the library, the inventory it came from or None) of a Drive, a Slot or a str."""
    if isinstance(target, Drive):
        return target.id, target.inventory
    if slots and isinstance(target, Slot):
        return target.spec, target.inventory
    if isinstance(target, str):
        return target, None
    kinds = "Drive or Slot" if slots else "Drive"
    raise TypeError(f"{what}: expected a str or a raidmon {kinds}, not {type(target).__name__}")


def locate(
    target: Union[Drive, Slot, str],
    on: bool = True,
    duration: Union[str, _dt.timedelta, None] = None,
    *,
    pattern: Union[LedPattern, str] = LedPattern.LOCATE,
    force: bool = False,
    state_dir: Optional[PathLike] = None,
    root: Optional[PathLike] = None,
    no_device_io: Optional[bool] = None,
    proc: Optional[PathLike] = None,
    etc: Optional[PathLike] = None,
) -> LedChange:
    """Light a bay, or turn its lights off (``raidmon locate TARGET on|off``). Works for a drive
    that has vanished too: its last bay is remembered in the state directory.

    Args:
        target: a :class:`Drive` or :class:`Slot`, or a drive or bay by name as ``locate`` takes it.
        on: True lights ``pattern``; False turns the bay's lights off.
        duration: how long it stays on ("90s", "30m", "2h" or a timedelta; at most 31 days);
            None: a locate light 30 minutes, a fault or rebuild light until turned off.
        pattern: :class:`LedPattern` LOCATE, FAULT or REBUILD.
        force: also turn off (or take over) a fault or rebuild light raidmon did not set.
        state_dir: where leases and slot memory live (default /var/lib/raidmon).
        root, no_device_io, proc, etc: the host, as for :func:`scan`; by default those of the
            scan the target came from.

    Returns:
        a :class:`LedChange`: the bay, the backend that set it, whether it read back, until when.

    Raises:
        NotFoundError: the target matches nothing. InvalidArgumentError: it is ambiguous, or a bad
        duration or pattern. UnsupportedError: no backend reaches the bay. IOFailureError,
        PermissionDeniedError, CommandFailedError: the light did not stick (naming file or command).
    """
    spec, owner = _target(target, "locate", slots=True)
    settings = _host_settings(owner, root, no_device_io, proc, etc)
    pat = LedPattern(pattern) if on else LedPattern.OFF
    if on and pat is LedPattern.OFF:
        raise InvalidArgumentError("locate: pattern off: use on=False", "invalid_argument")
    dur = None if duration is None else _duration("duration", duration)
    text = _raidmon.locate(
        settings,
        _opt_path(state_dir) or DEFAULT_STATE_DIR,
        spec,
        pat.value,
        dur,
        bool(force),
        f"raidmon.locate({spec!r}, {'on' if on else 'off'}) from Python",
    )
    change = LedChange._from_json(json.loads(text))
    change.__dict__["_json"] = text
    return change


def _host_settings(owner: Any, root: Optional[PathLike], no_device_io: Optional[bool], proc: Optional[PathLike], etc: Optional[PathLike]) -> Any:
    """The host to act on: the scan `owner` came from unless one is named."""
    base = getattr(owner, "_settings", None)
    if base is not None and root is None and proc is None and etc is None and no_device_io is None:
        return base
    return _raidmon.Settings(_opt_path(root), _opt_path(proc), _opt_path(etc), bool(no_device_io))


def smart(
    drive: Union[Drive, str],
    root: Optional[PathLike] = None,
    no_device_io: Optional[bool] = None,
    *,
    proc: Optional[PathLike] = None,
    etc: Optional[PathLike] = None,
    via: str = "auto",
    device_type: Optional[str] = None,
    timeout: Union[int, float] = 60,
) -> Drive:
    """One drive's SMART, read now and assessed (``raidmon smart DRIVE``).

    Args:
        drive: a :class:`Drive` of a scan, or a device node ("/dev/sdc"), kernel name, serial,
            WWN or drive id.
        root, no_device_io, proc, etc: the host, as for :func:`scan`; by default those of the scan
            ``drive`` came from. With no_device_io only smartctl is used (no ioctls).
        via: "native" (ioctls), "smartctl" or "auto" (native first).
        device_type: smartctl's -d TYPE ("sat", "megaraid,N", ...); None: chosen from the drive.
        timeout: time limit for smartctl, in seconds.

    Returns:
        a :class:`Drive` with ``smart`` (temperature_c, power_on_hours, reallocated_sectors, nvme,
        self_test, attributes...), ``health``, ``risk`` and ``reasons``; its ``to_json()`` is exactly
        what ``raidmon smart DRIVE --json`` prints. ``health.exit_code`` is the command's exit code.

    Raises:
        NotFoundError: the drive matches nothing. InvalidArgumentError: it is ambiguous, or a bad
        ``via`` or ``timeout``. UnsupportedError, PermissionDeniedError, CommandFailedError,
        CommandTimeoutError, ParseError: its SMART cannot be read (the message names the drive).
    """
    spec, owner = _target(drive, "smart", slots=False)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)):
        raise TypeError("smart: timeout: expected a number of seconds")
    if timeout != int(timeout):
        raise InvalidArgumentError(f"smart: --timeout {timeout}: a whole number of seconds", "invalid_argument")
    settings = _host_settings(owner, root, no_device_io, proc, etc)
    text = _raidmon.smart(settings, spec, str(via), device_type or "", int(timeout))
    d = Drive._from_json(json.loads(text))
    d.__dict__["_json"] = text
    return d


class Identify:
    """What :func:`identify` did (``raidmon identify on|off --json``).

    Attributes:
        on: True if the light was turned on.
        notes: what was done ("not verified", ...).
        warnings: old light leases that could not be expired first (``raidmon`` prints them on stderr).
    """

    __slots__ = ("on", "notes", "warnings", "_json")

    def __init__(self, text: str, warnings: List[str]) -> None:
        data = json.loads(text)
        self._json = text
        self.on: bool = data["identify"] == "on"
        self.notes: List[str] = list(data.get("notes", []))
        self.warnings: List[str] = list(warnings)

    def to_json(self) -> str:
        """What ``raidmon identify on|off --json`` prints, without the final newline."""
        return self._json

    def __repr__(self) -> str:
        return f"Identify(on={self.on!r}, notes={self.notes!r})"


def identify(
    on: bool = True,
    duration: Union[str, _dt.timedelta, None] = None,
    *,
    state_dir: Optional[PathLike] = None,
    root: Optional[PathLike] = None,
    no_device_io: bool = False,
    proc: Optional[PathLike] = None,
    etc: Optional[PathLike] = None,
) -> Identify:
    """The server's own identify light, on or off (``raidmon identify on|off``), through the BMC
    (``ipmitool chassis identify``, or /dev/ipmi0 when device I/O is allowed); the state is read
    back when the BMC reports it. Old light leases whose time is up are turned off first.

    Args:
        on: True turns it on, False off.
        duration: how long it stays on ("4m", "30m" or a timedelta; at most 31 days); None: 30 minutes.
        state_dir: where light leases live (default /var/lib/raidmon): a light left on longer than
            the BMC can time is turned off by the next expiry.
        root, no_device_io, proc, etc: the host, as for :func:`scan`.

    Raises:
        NotFoundError: neither ipmitool nor /dev/ipmi0 is there. CommandFailedError: the command
        failed or the state read back wrong (naming it). CommandTimeoutError. RefusedError: the
        device node failed the safety checks. InvalidArgumentError: a bad duration.
    """
    settings = _raidmon.Settings(_opt_path(root), _opt_path(proc), _opt_path(etc), bool(no_device_io))
    dur = None if duration is None else _duration("duration", duration)
    text, warnings = _raidmon.identify(
        settings, _opt_path(state_dir) or DEFAULT_STATE_DIR, bool(on), dur, f"raidmon.identify({'on' if on else 'off'}) from Python"
    )
    return Identify(text, warnings)


class Event:
    """One event of the agent: a CloudEvents 1.0 envelope (docs/agent.md).

    Attributes:
        id: the event's UUID (events are delivered at least once: deduplicate by it).
        type: the full type, "io.raidmon.drive.failed".
        kind: the type without its "io.raidmon." prefix, "drive.failed".
        source: "raidmond://<machine-id>".
        subject: the entity, "drive/<Drive.id>", "array/<Array.id>", "host".
        time: when it happened (timezone-aware, UTC), or None if the agent sent none.
        sequence: the agent's sequence number (increasing per host), or None.
        severity: a :class:`Severity`, or None.
        message: one sentence for a person.
        data: the whole ``data`` object (host identity, entity snapshot, recommendation).
        json: the event's JSON line as the agent sent it.
    """

    __slots__ = ("id", "type", "kind", "source", "subject", "time", "sequence", "severity", "message", "data", "json")

    def __init__(self, line: str) -> None:
        try:
            env = json.loads(line)
        except ValueError as e:
            raise ParseError(f"event: not JSON: {e}", "parse_error") from None
        if not isinstance(env, dict):
            raise ParseError("event: not a JSON object", "parse_error")
        data = env.get("data") if isinstance(env.get("data"), dict) else {}
        self.json = line
        self.id = env.get("id")
        self.type = env.get("type", "")
        self.kind = self.type[len("io.raidmon.") :] if self.type.startswith("io.raidmon.") else self.type
        self.source = env.get("source")
        self.subject = env.get("subject")
        self.time = _parse_time(env.get("time"))
        seq = env.get("sequence")
        self.sequence = int(seq) if isinstance(seq, (int, str)) and str(seq).isdigit() else None
        sev = data.get("severity")
        self.severity = Severity(sev) if sev in {s.value for s in Severity} else None
        self.message = data.get("message", "")
        self.data = data

    def __repr__(self) -> str:
        return f"Event(sequence={self.sequence!r}, kind={self.kind!r}, subject={self.subject!r}, severity={self.severity!r})"


def _parse_time(text: Any) -> Optional[_dt.datetime]:
    if not isinstance(text, str):
        return None
    try:
        return _dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _since_text(since: Union[int, str, _dt.datetime, _dt.timedelta, None]) -> str:
    if since is None:
        return ""
    if isinstance(since, bool):
        raise TypeError("since: expected a sequence number, a datetime, a timedelta or a str")
    if isinstance(since, int):
        if since < 0:
            raise InvalidArgumentError(f"events: --since {since}: a sequence number is not negative", "invalid_argument")
        return str(since)
    if isinstance(since, _dt.datetime):
        t = since if since.tzinfo else since.astimezone()
        return t.astimezone(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(since, _dt.timedelta):
        return f"{max(0, int(since.total_seconds()))}s"
    return str(since)


class Watch:
    """The agent's new events as they happen: an iterator (``for e in watch``), an async iterator
    (``async for e in watch``), and a file descriptor for your own event loop (``fileno()``,
    then :meth:`poll`). Close it (or use ``with``) to end the subscription.
    """

    def __init__(self, socket: str) -> None:
        self._w = _raidmon.Watch(socket)

    def fileno(self) -> int:
        """The connection's file descriptor: readable when events (or the end) arrived."""
        return self._w.fileno()

    def poll(self) -> Optional[Event]:
        """The next event if one has arrived, else None; never blocks."""
        line = self._w.next()
        return None if line is None else Event(line)

    def next(self, timeout: Optional[float] = None) -> Optional[Event]:
        """The next event, waiting up to ``timeout`` seconds (None: for ever); None on time-out.

        Raises:
            IOFailureError: the agent closed the connection. CommandFailedError: it refused.
        """
        line = self._w.wait(-1.0 if timeout is None else max(0.0, timeout))
        return None if line is None else Event(line)

    def __iter__(self) -> Iterator[Event]:
        return self

    def __next__(self) -> Event:
        event = self.next()
        assert event is not None  # waiting for ever returns an event or raises
        return event

    def __aiter__(self) -> AsyncIterator[Event]:
        return self

    async def __anext__(self) -> Event:
        while True:
            event = self.poll()
            if event is not None:
                return event
            loop = asyncio.get_running_loop()
            ready = loop.create_future()
            fd = self.fileno()
            loop.add_reader(fd, lambda: ready.done() or ready.set_result(None))
            try:
                await ready
            finally:
                loop.remove_reader(fd)

    def close(self) -> None:
        """End the subscription."""
        self._w.close()

    @property
    def closed(self) -> bool:
        """True once closed."""
        return self._w.closed

    def __enter__(self) -> "Watch":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


class Agent:
    """A client of a running raidmond (its control socket): stored events and new ones.

    Args:
        state_dir: the agent's state directory (``--state-dir``; default /var/lib/raidmon); its
            control socket is state_dir/raidmond.sock.
        socket: the control socket itself, overriding state_dir.
    """

    def __init__(self, state_dir: Optional[PathLike] = None, *, socket: Optional[PathLike] = None) -> None:
        self.state_dir = _opt_path(state_dir) or DEFAULT_STATE_DIR
        self.socket = _opt_path(socket) or _raidmon.default_socket(self.state_dir)

    def __repr__(self) -> str:
        return f"Agent(socket={self.socket!r})"

    def events(self, since: Union[int, str, _dt.datetime, _dt.timedelta, None] = None) -> List[Event]:
        """Stored events (``raidmon events --since``), oldest first.

        Args:
            since: after this sequence number (int), at or after this time (datetime), in the last
                timedelta, or as ``--since`` takes it ("42", "2026-11-25T02:20:00Z", "10m"); None: all.

        Raises:
            IOFailureError: the agent does not answer (the message names the socket).
            InvalidArgumentError: a bad ``since``.
        """
        return [Event(line) for line in _raidmon.events(self.socket, _since_text(since))]

    def watch(self) -> Watch:
        """Follow new events (``raidmon watch``): ``for event in agent.watch(): ...`` or
        ``async for event in agent.watch(): ...``.

        Raises:
            IOFailureError: the agent does not answer. PermissionDeniedError: the socket may not be opened.
        """
        return Watch(self.socket)
