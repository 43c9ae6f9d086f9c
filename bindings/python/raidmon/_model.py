# SPDX-License-Identifier: LGPL-2.1-or-later
"""The model raidmon reports, as Python objects: enums, and read-only records whose attributes are
the JSON field names of ``raidmon status --json`` (docs/architecture.md, docs/python.md).

A value the source does not give is ``None``, never 0 or "".
"""

from __future__ import annotations

import enum
import json
import typing
from typing import Any, Callable, ClassVar, Dict, List, Optional, Tuple

__all__ = [
    "Health",
    "Protocol",
    "Media",
    "DriveState",
    "Recommendation",
    "RemovalVerdict",
    "LedPattern",
    "Severity",
    "Dmi",
    "Bmc",
    "Host",
    "Location",
    "NvmeHealth",
    "SelfTest",
    "SmartAttribute",
    "Smart",
    "Risk",
    "Signature",
    "ControllerView",
    "Drive",
    "ArrayMember",
    "ArrayOperation",
    "Array",
    "Battery",
    "Cache",
    "Controller",
    "Slot",
    "Enclosure",
    "MemberPrediction",
    "Prediction",
    "RemovalTarget",
    "RemovalImpact",
    "Removal",
    "LedChange",
]


class Health(str, enum.Enum):
    """A health verdict. Compares equal to its JSON word (``Health.OK == "OK"``)."""

    OK = "OK"
    WARNING = "Warning"
    CRITICAL = "Critical"
    UNKNOWN = "Unknown"

    @property
    def exit_code(self) -> int:
        """The monitoring-plugin exit code: 0 OK, 1 Warning, 2 Critical, 3 Unknown."""
        return {"OK": 0, "Warning": 1, "Critical": 2, "Unknown": 3}[self.value]

    @property
    def severity(self) -> int:
        """Rank for "worst of": OK 0, Warning 1, Unknown 2, Critical 3 (the library's order)."""
        return {"OK": 0, "Warning": 1, "Unknown": 2, "Critical": 3}[self.value]

    @staticmethod
    def worst(*verdicts: "Health") -> "Health":
        """The most severe of the verdicts (Critical > Unknown > Warning > OK); OK for none."""
        return max(verdicts, key=lambda h: h.severity, default=Health.OK)


class Protocol(str, enum.Enum):
    """The transport a drive speaks."""

    SATA = "SATA"
    SAS = "SAS"
    NVME = "NVMe"
    SCSI = "SCSI"
    USB = "USB"
    VIRTIO = "virtio"
    UNKNOWN = "unknown"


class Media(str, enum.Enum):
    """Spinning or solid-state."""

    HDD = "HDD"
    SSD = "SSD"


class DriveState(str, enum.Enum):
    """A drive's state (DESIGN.md Drive.state)."""

    ONLINE = "online"
    FAILED = "failed"
    MISSING = "missing"
    REBUILDING = "rebuilding"
    SPARE = "spare"
    UNCONFIGURED = "unconfigured"
    OFFLINE = "offline"
    JBOD = "jbod"


class Recommendation(str, enum.Enum):
    """What the rebuild model recommends (docs/rebuild-model.md)."""

    NOT_DEGRADED = "not_degraded"
    REBUILD_NOW = "rebuild_now"
    BACKUP_FIRST = "backup_first"
    REPLACE_RISKY_MEMBER_FIRST = "replace_risky_member_first"
    DO_NOT_PULL = "do_not_pull"

    @property
    def exit_code(self) -> int:
        """``raidmon plan``'s exit code: 0 rebuild_now/not_degraded, 1 backup_first or
        replace_risky_member_first, 2 do_not_pull."""
        return {"not_degraded": 0, "rebuild_now": 0, "backup_first": 1, "replace_risky_member_first": 1, "do_not_pull": 2}[
            self.value
        ]


class RemovalVerdict(str, enum.Enum):
    """What pulling a drive now would do, from harmless to worst; UNKNOWN when it cannot be told."""

    SAFE = "safe"
    INTERRUPTS_REBUILD = "interrupts_rebuild"
    REDUCES_REDUNDANCY = "reduces_redundancy"
    LOSES_LAST_REDUNDANCY = "loses_last_redundancy"
    LOSES_DATA = "loses_data"
    UNKNOWN = "unknown"

    @property
    def exit_code(self) -> int:
        """``raidmon safe-to-remove``'s exit code: 0 safe, 1 redundancy reduced or lost or a rebuild
        interrupted, 2 loses data, 3 unknown."""
        return {"safe": 0, "interrupts_rebuild": 1, "reduces_redundancy": 1, "loses_last_redundancy": 1, "loses_data": 2}.get(
            self.value, 3
        )


class LedPattern(str, enum.Enum):
    """What a bay's lights show."""

    OFF = "off"
    LOCATE = "locate"
    FAULT = "fault"
    REBUILD = "rebuild"


class Severity(str, enum.Enum):
    """How urgent an agent event is."""

    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


_NoneType = type(None)


def _converter(tp: Any) -> Optional[Callable[[Any], Any]]:
    """How to turn a JSON value into the annotated type (None: keep it as it is)."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Union:
        inner = [a for a in args if a is not _NoneType]
        return _converter(inner[0]) if len(inner) == 1 else None
    if origin in (list, List):
        item = _converter(args[0]) if args else None
        if item is None:
            return list
        return lambda v: [item(x) for x in v]
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return tp
    if isinstance(tp, type) and issubclass(tp, Record):
        return tp._from_json
    return None


class Record:
    """A read-only record built from the JSON the library renders. Attributes are the JSON names.

    ``to_dict()`` gives the JSON object it was built from.
    """

    _json_keys: ClassVar[Dict[str, str]] = {}  # attribute -> JSON key, where they differ
    _repr_fields: ClassVar[Tuple[str, ...]] = ()
    _plan_cache: ClassVar[Optional[List[Tuple[str, str, Optional[Callable[[Any], Any]]]]]] = None
    _data: Dict[str, Any]

    @classmethod
    def _plan(cls) -> List[Tuple[str, str, Optional[Callable[[Any], Any]]]]:
        plan = cls.__dict__.get("_plan_cache")
        if plan is None:
            hints = typing.get_type_hints(cls)
            plan = [
                (name, cls._json_keys.get(name, name), _converter(tp))
                for name, tp in hints.items()
                if not name.startswith("_") and typing.get_origin(tp) is not ClassVar
            ]
            cls._plan_cache = plan
        return plan

    @classmethod
    def _from_json(cls, data: Dict[str, Any]):
        obj = cls.__new__(cls)
        d = obj.__dict__
        d["_data"] = data
        for name, key, conv in cls._plan():
            value = data.get(key)
            d[name] = conv(value) if conv is not None and value is not None else value
        return obj

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} is read-only")

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other) and self._data == other._data  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        fields = self._repr_fields or tuple(n for n, _, _ in self._plan())
        inner = ", ".join(f"{f}={getattr(self, f)!r}" for f in fields)
        return f"{type(self).__name__}({inner})"

    def to_dict(self) -> Dict[str, Any]:
        """The JSON object this record was built from (a copy)."""
        return json.loads(json.dumps(self._data))


class Dmi(Record):
    """The server's DMI (SMBIOS) identity; vendor placeholders are None."""

    sys_vendor: Optional[str]
    product_name: Optional[str]
    product_serial: Optional[str]
    board_serial: Optional[str]
    chassis_asset_tag: Optional[str]
    uuid: Optional[str]


class Bmc(Record):
    """The BMC's LAN address, when read in-band."""

    ip: Optional[str]
    mac: Optional[str]
    channel: Optional[int]


class Host(Record):
    """The host's identity."""

    hostname: Optional[str]
    machine_id: Optional[str]
    dmi: Dmi
    bmc: Bmc
    _repr_fields = ("hostname", "machine_id")


class Location(Record):
    """Where a drive sits: controller, enclosure, slot index and the bay's label."""

    controller: Optional[str]
    enclosure: Optional[str]
    slot: Optional[int]
    label: Optional[str]
    megaraid_did: Optional[int]


class NvmeHealth(Record):
    """NVMe SMART / Health Information log (log page 02h)."""

    critical_warning: Optional[int]
    available_spare_pct: Optional[int]
    available_spare_threshold_pct: Optional[int]
    percentage_used: Optional[int]
    media_errors: Optional[int]
    error_log_entries: Optional[int]
    unsafe_shutdowns: Optional[int]


class SelfTest(Record):
    """The self-test log's summary."""

    last_result: Optional[str]
    failed_count: Optional[int]


class SmartAttribute(Record):
    """One ATA SMART attribute."""

    id: int
    name: str
    value: Optional[int]
    worst: Optional[int]
    threshold: Optional[int]
    raw: Optional[int]
    raw_string: Optional[str]
    when_failed: Optional[str]
    prefailure: Optional[bool]
    _repr_fields = ("id", "name", "value", "raw")


class Smart(Record):
    """Normalised SMART data (docs/smart.md)."""

    passed: Optional[bool]
    temperature_c: Optional[int]
    power_on_hours: Optional[int]
    reallocated_sectors: Optional[int]
    pending_sectors: Optional[int]
    offline_uncorrectable: Optional[int]
    reported_uncorrect: Optional[int]
    command_timeouts: Optional[int]
    crc_errors: Optional[int]
    grown_defects: Optional[int]
    uncorrected_read_errors: Optional[int]
    uncorrected_write_errors: Optional[int]
    error_log_count: Optional[int]
    nvme: Optional[NvmeHealth]
    self_test: Optional[SelfTest]
    attributes: List[SmartAttribute]
    source: Optional[str]
    smartctl_exit_status: Optional[int]
    endurance_used_pct: Optional[int]
    _repr_fields = ("passed", "temperature_c", "power_on_hours", "source")


class Risk(Record):
    """Failure-risk estimate: annualised failure rate, multiplier over the baseline, and why."""

    afr: Optional[float]
    multiplier: Optional[float]
    reasons: List[str]


class Signature(Record):
    """A filesystem, RAID or partition-table signature on a drive or a partition of it."""

    device: str
    type: str
    usage: Optional[str]
    uuid: Optional[str]
    label: Optional[str]


class ControllerView(Record):
    """What a RAID controller's own tool says about a drive behind it."""

    state: Optional[str]
    media_errors: Optional[int]
    other_errors: Optional[int]
    predictive_failures: Optional[int]
    smart_alert: Optional[bool]
    temperature_c: Optional[int]
    foreign: Optional[bool]
    address: Optional[str]
    controller: Optional[str]


class _Owned(Record):
    """A record that belongs to an inventory (a scan or a decoded capture)."""

    _owner: Any = None

    @property
    def inventory(self) -> Any:
        """The :class:`raidmon.Inventory` or :class:`raidmon.Capture` this came from."""
        return self.__dict__.get("_owner")


class Drive(_Owned):
    """A physical drive. ``id`` is stable (WWN, else model and serial); kernel names are not."""

    id: str
    serial: Optional[str]
    wwn: Optional[str]
    vendor: Optional[str]
    model: Optional[str]
    firmware: Optional[str]
    capacity_bytes: Optional[int]
    logical_block_size: Optional[int]
    physical_block_size: Optional[int]
    protocol: Protocol
    media: Optional[Media]
    rotation_rpm: Optional[int]
    devnode: Optional[str]
    kernel_name: Optional[str]
    location: Location
    state: Optional[DriveState]
    health: Health
    failure_predicted: Optional[bool]
    smart: Optional[Smart]
    risk: Optional[Risk]
    role: Optional[str]
    holders: List[str]
    signatures: List[Signature]
    reasons: List[str]
    syspath: Optional[str]
    controller_view: Optional[ControllerView]
    nvme_namespace: Optional[int]
    _repr_fields = ("id", "kernel_name", "serial", "model", "health", "state")

    def to_json(self) -> str:
        """The drive as JSON: as it appears in ``raidmon status --json``; for a drive returned by
        :func:`raidmon.smart`, exactly what ``raidmon smart DRIVE --json`` prints."""
        text = self.__dict__.get("_json")
        return text if text is not None else json.dumps(self._data, indent=2)


class ArrayMember(Record):
    """A member of an array. ``drive`` is the member's Drive.id (None for a missing member)."""

    drive: Optional[str]
    device: Optional[str]
    role: str
    slot: Optional[int]
    flags: List[str]
    errors: Optional[int]
    _repr_fields = ("drive", "device", "role", "slot")


class ArrayOperation(Record):
    """A running operation: recovery, resync, check, repair, reshape, rebuild, build-verify."""

    kind: str
    percent: Optional[float]
    eta_seconds: Optional[int]
    speed_kib_s: Optional[int]
    done_sectors: Optional[int]
    total_sectors: Optional[int]
    delayed: bool


class Array(_Owned):
    """A RAID array: md or a hardware controller's virtual drive."""

    id: str
    name: str
    kind: str
    level: Optional[str]
    size_bytes: Optional[int]
    state: str
    raid_disks: Optional[int]
    active_disks: Optional[int]
    redundancy_left: Optional[int]
    members: List[ArrayMember]
    operation: Optional[ArrayOperation]
    uuid: Optional[str]
    metadata: Optional[str]
    array_state: Optional[str]
    devnode: Optional[str]
    controller: Optional[str]
    health: Health
    reasons: List[str]
    _repr_fields = ("name", "kind", "level", "state", "health")

    def to_json(self) -> str:
        """The array as JSON (as it appears in ``raidmon status --json``)."""
        return json.dumps(self._data, indent=2)


class Battery(Record):
    """A controller's cache battery."""

    status: Optional[str]


class Cache(Record):
    """A controller's cache."""

    status: Optional[str]


class Controller(_Owned):
    """A storage controller (PCI class 01xx) or a RAID controller seen through its tool."""

    id: str
    kind: str
    model: Optional[str]
    vendor: Optional[str]
    firmware: Optional[str]
    driver: Optional[str]
    pci_address: Optional[str]
    pci_id: Optional[str]
    pci_class: Optional[str]
    serial: Optional[str]
    status: Optional[str]
    battery: Battery
    cache: Cache
    health: Health
    reasons: List[str]
    _repr_fields = ("id", "kind", "model", "health")


class Slot(_Owned):
    """One bay of an enclosure. ``enclosure`` is the id of the enclosure it belongs to."""

    index: int
    label: Optional[str]
    status: Optional[str]
    locate: Optional[bool]
    fault: Optional[bool]
    active: Optional[bool]
    power: Optional[bool]
    drive: Optional[str]
    device: Optional[str]
    pci_address: Optional[str]
    attention: Optional[int]
    syspath: Optional[str]
    _repr_fields = ("enclosure", "index", "label", "status", "drive")

    @property
    def enclosure(self) -> Optional[str]:
        """The id of the enclosure this slot belongs to."""
        return self.__dict__.get("_enclosure")

    @property
    def spec(self) -> str:
        """The slot as ``raidmon locate`` and ``safe-to-remove`` name it: "ENCLOSURE:INDEX"."""
        return f"{self.enclosure}:{self.index}"


class Enclosure(_Owned):
    """An SES backplane or JBOD, or the host's PCIe hot-plug slots (id "pcie")."""

    id: str
    kind: str
    vendor: Optional[str]
    product: Optional[str]
    revision: Optional[str]
    scsi_address: Optional[str]
    components: Optional[int]
    slots: List[Slot]
    health: Health
    reasons: List[str]
    syspath: Optional[str]
    _repr_fields = ("id", "kind", "vendor", "product", "health")


class MemberPrediction(Record):
    """One member's part in a rebuild prediction."""

    name: str
    role: str
    read_bytes: float
    age_hours: float
    multiplier: float
    p_fail: float
    expected_ures: float
    p_ure: float
    risk_share: float
    reasons: List[str]
    _repr_fields = ("name", "role", "p_fail", "p_ure")


class Prediction(Record):
    """The rebuild model's answer (``raidmon predict --json`` / ``raidmon plan --json``).

    Probabilities are fractions in [0, 1]; times are hours.
    """

    p_ure: float
    p_array_loss: float
    p_sector_loss: float
    p_clean: float
    p_second_failure: float
    window_hours: float
    read_hours: float
    degraded: bool
    remaining_redundancy: int
    mttdl_hours: Optional[float]
    mttdl_with_ure_hours: Optional[float]
    rebuild_failure_h: Optional[float]
    recommendation: Recommendation
    reasons: List[str]
    members: List[MemberPrediction]
    _repr_fields = ("recommendation", "p_ure", "p_array_loss", "p_sector_loss", "window_hours")

    @property
    def warnings(self) -> List[str]:
        """What ``plan`` assumed instead of reading it (e.g. md's default speed limits)."""
        return list(self.__dict__.get("_warnings", ()))

    def to_json(self) -> str:
        """What ``raidmon predict --json`` / ``raidmon plan --json`` print, without the final newline."""
        return self.__dict__["_json"]


class RemovalTarget(Record):
    """What ``safe_to_remove`` was asked about: a drive, or a slot (which may be empty)."""

    drive: Optional[str]
    enclosure: Optional[str]
    slot: Optional[int]
    label: Optional[str]


class RemovalImpact(Record):
    """The effect of a pull on one array."""

    id: str
    name: str
    verdict: RemovalVerdict
    redundancy_before: Optional[int]
    redundancy_after: Optional[int]
    reasons: List[str]
    _repr_fields = ("name", "verdict", "redundancy_before", "redundancy_after")


class Removal(Record):
    """The answer of ``safe_to_remove`` (``raidmon safe-to-remove --json``)."""

    target: RemovalTarget
    verdict: RemovalVerdict
    exit_code: int
    reasons: List[str]
    arrays: List[RemovalImpact]
    _repr_fields = ("verdict", "target")

    @property
    def safe(self) -> bool:
        """True when nothing is lost by pulling it now."""
        return self.verdict is RemovalVerdict.SAFE

    def to_json(self) -> str:
        """What ``raidmon safe-to-remove --json`` prints, without the final newline."""
        return self.__dict__["_json"]


class LedChange(Record):
    """What ``locate`` did (``raidmon locate --json``)."""

    enclosure: str
    slot: int
    label: Optional[str]
    drive: Optional[str]
    from_slot_memory: bool
    pattern: LedPattern
    backend: str
    target: str
    verified: bool
    expires_at: Optional[str]
    conflicts: List[str]
    notes: List[str]
    _repr_fields = ("enclosure", "slot", "label", "pattern", "backend", "verified", "expires_at")

    def to_json(self) -> str:
        """What ``raidmon locate --json`` prints, without the final newline."""
        return self.__dict__["_json"]


def _load_owned(cls: Any, items: List[Dict[str, Any]], owner: Any) -> List[Any]:
    out = []
    for item in items:
        rec = cls._from_json(item)
        rec.__dict__["_owner"] = owner
        out.append(rec)
    return out


def _load_enclosures(items: List[Dict[str, Any]], owner: Any) -> List[Enclosure]:
    encls = _load_owned(Enclosure, items, owner)
    for e in encls:
        for s in e.slots:
            s.__dict__["_owner"] = owner
            s.__dict__["_enclosure"] = e.id
    return encls
