# SPDX-License-Identifier: LGPL-2.1-or-later
"""Every JSON document raidmon and raidmond write inside a umockdev testbed validates against its
JSON Schema in docs/schema (python3-jsonschema): `status --json`, `safe-to-remove --json` (with the
drive's bay), `plan --json`, `smart --json`, `decode --json`, `locate`/`identify`/`leds --json`,
`hotswap --json` (without the agent, and with it in sas12: its work order and `--list`), the error
document of a failed command in --json mode, and each event the agent committed (sas12: the
CloudEvents envelope and each event type's data)."""

import json
import pathlib
import subprocess

import jsonschema
import pytest

SCHEMAS = pathlib.Path(__file__).resolve().parents[2] / "docs" / "schema"
HEALTH_EXIT = {"OK": 0, "Warning": 1, "Critical": 2, "Unknown": 3}


@pytest.fixture(scope="session")
def schema():
    """name -> validator; the schemas refer to each other by their $id."""
    docs = {f.name[: -len(".schema.json")]: json.loads(f.read_text()) for f in SCHEMAS.glob("*.schema.json")}
    store = {d["$id"]: d for d in docs.values()}
    out = {}
    for name, d in docs.items():
        jsonschema.Draft202012Validator.check_schema(d)
        out[name] = jsonschema.Draft202012Validator(d, resolver=jsonschema.RefResolver.from_schema(d, store=store))
    return out


def valid(validator, doc, what):
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    assert not errors, f"{what}:\n" + "\n".join(f"  at {list(e.absolute_path)}: {e.message}" for e in errors[:20])


def run(cli, cli_args, *args):
    r = subprocess.run([str(cli), *args, "--json", *cli_args], capture_output=True, text=True, timeout=600)
    return r, json.loads(r.stdout)


@pytest.fixture(scope="module")
def status(cli, cli_args, schema):
    r, doc = run(cli, cli_args, "status")
    valid(schema["status"], doc, "raidmon status --json")
    assert doc["format_version"] == 1
    assert r.returncode == HEALTH_EXIT[doc["health"]]
    return doc


def test_status(status):
    assert status["drives"], "the testbed has drives"


def test_safe_to_remove_names_the_bay(cli, cli_args, schema, status):
    drives = status["drives"]
    # every drive of a small testbed, an even sample of a large one
    for d in drives[:: max(1, len(drives) // 12)]:
        r, doc = run(cli, cli_args, "safe-to-remove", d["id"])
        valid(schema["safe-to-remove"], doc, f"safe-to-remove {d['id']} --json")
        assert r.returncode == doc["exit_code"]
        assert doc["target"]["drive"] == d["id"]
        loc = d["location"]
        assert (doc["target"]["enclosure"], doc["target"]["slot"]) == (loc["enclosure"], loc["slot"]), d["id"]
        if loc["label"] is not None:
            assert doc["target"]["label"] == loc["label"]


def test_plan(cli, cli_args, schema, status):
    arrays = [a for a in status["arrays"] if a["kind"] == "md"]
    if not arrays:
        pytest.skip("no md array in this testbed")
    for a in arrays:
        r, doc = run(cli, cli_args, "plan", a["name"])
        valid(schema["plan"], doc, f"plan {a['name']} --json")
        assert r.returncode in (0, 1, 2)


@pytest.mark.parametrize(
    "args, status_",
    [
        (["safe-to-remove", "no-such-drive"], 3),
        (["plan", "md99"], 3),
        (["smart", "no-such-drive"], 3),
        (["locate", "no-such-drive", "on", "--state-dir", "{tmp}"], 3),
        (["status", "--no-such-option"], 64),
        (["predict", "--level", "raid5"], 64),
    ],
)
def test_errors_are_json(cli, cli_args, schema, tmp_path, args, status_):
    """A failure in --json mode prints the error document on stdout; not found is 3 everywhere."""
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    r, doc = run(cli, cli_args, *args)
    valid(schema["error"], doc, " ".join(args))
    assert r.returncode == status_ and doc["exit_status"] == status_, (r.returncode, r.stderr)
    assert doc["error"]["message"] and doc["error"]["message"] in r.stderr or status_ == 64


def test_events(agent, schema):
    events = agent.events()
    assert events
    kinds = set()
    for e in events:
        doc = json.loads(e.json)
        valid(schema["event"], doc, f"event {e.kind}")
        kinds.add(e.kind)
    assert {"agent.started", "drive.failed", "array.degraded"} <= kinds
    seqs = [json.loads(e.json)["sequence"] for e in events]
    assert seqs == sorted(seqs), "the sequence strings sort in the order of the events"


# ---- smart, decode, locate/identify/leds and hotswap (each a document with format_version) ----


def test_smart_schema_is_the_drive_of_status(schema):
    """smart --json is status's drive object as a document: the same members, format_version first."""
    drive = schema["status"].schema["$defs"]["drive"]
    smart = schema["smart"].schema
    assert set(smart["properties"]) == set(drive["properties"]) | {"format_version"}
    assert set(smart["required"]) == set(drive["required"]) | {"format_version"}


def test_smart(cli, cli_args, schema, status, test_data, fake_tools, monkeypatch, tmp_path):
    """`raidmon smart DRIVE --json` with a smartctl reading (a fake smartctl first in PATH)."""
    monkeypatch.setenv("FAKE_SMARTCTL_JSON", str(test_data / "smartctl-json" / "ata-hdd-wd140edfz-a.json"))
    drives = [d for d in status["drives"] if d["devnode"] and d["kernel_name"]]
    assert drives, "the testbed has drives with a device node"
    for d in drives[:: max(1, len(drives) // 4)]:
        r, doc = run(cli, cli_args, "smart", d["kernel_name"], "--state-dir", str(tmp_path))
        valid(schema["smart"], doc, f"smart {d['kernel_name']} --json")
        assert list(doc)[0] == "format_version" and doc["format_version"] == 1
        assert doc["id"] == d["id"] and doc["smart"]["temperature_c"] == 32
        assert r.returncode == HEALTH_EXIT[doc["health"]]


def test_decode(cli, schema, test_data):
    """`raidmon decode FILE --json` of captures of every tool, one file and several (an array)."""
    files = sorted(p for d in ("mdstat", "storcli", "smartctl-json", "ssacli", "megacli", "arcconf", "sas-ircu", "nvme-cli")
                   for p in (test_data / d).glob("*") if p.is_file())[::7]
    assert len(files) >= 5
    decoded = 0
    for f in files:
        r = subprocess.run([str(cli), "decode", str(f), "--json"], capture_output=True, text=True, timeout=120)
        doc = json.loads(r.stdout)
        if r.returncode == 0:
            valid(schema["decode"], doc, f"decode {f.name} --json")
            assert doc["format_version"] == 1
            decoded += 1
        else:  # a capture refused: the error document
            valid(schema["error"], doc, f"decode {f.name} --json (refused)")
    assert decoded >= 3
    r = subprocess.run([str(cli), "decode", *map(str, files[:3]), "--json"], capture_output=True, text=True, timeout=120)
    docs = json.loads(r.stdout)
    assert isinstance(docs, list) and docs
    for doc in docs:
        valid(schema["decode"], doc, "decode FILE FILE FILE --json")


def test_locate_and_leds(cli, cli_args, schema, status, tmp_path):
    """A bay light on and off, and the leases `raidmon leds` lists in between."""
    bays = [d for d in status["drives"] if d["location"]["enclosure"] and d["location"]["slot"] is not None and d["kernel_name"]]
    if not bays:
        pytest.skip("no drive in an enclosure bay in this testbed")
    target = bays[len(bays) // 2]["kernel_name"]
    state = ["--state-dir", str(tmp_path)]
    r, on = run(cli, cli_args, "locate", target, "on", "--for", "90s", *state)
    valid(schema["locate"], on, f"locate {target} on --json")
    assert on["format_version"] == 1 and on["pattern"] == "locate" and on["expires_at"], r.stderr
    r, leds = run(cli, cli_args, "leds", *state)
    valid(schema["leds"], leds, "leds --json")
    assert [(l["enclosure"], l["slot"]) for l in leds["leases"]] == [(on["enclosure"], on["slot"])]
    r, off = run(cli, cli_args, "locate", target, "off", *state)
    valid(schema["locate"], off, f"locate {target} off --json")
    assert off["pattern"] == "off"
    r, leds = run(cli, cli_args, "leds", "--expire", *state)
    valid(schema["leds"], leds, "leds --expire --json")
    assert leds["leases"] == [] and r.returncode == 0


def test_identify(cli, cli_args, schema, fake_tools, tmp_path):
    """The server's identify light (a fake ipmitool first in PATH)."""
    for word in ("on", "off"):
        r, doc = run(cli, cli_args, "identify", word, "--state-dir", str(tmp_path))
        valid(schema["identify"], doc, f"identify {word} --json")
        assert doc["format_version"] == 1 and doc["identify"] == word and r.returncode == 0, r.stderr


def test_hotswap_without_the_agent(cli, cli_args, schema, status, tmp_path):
    """No raidmond at the socket: the work order from a scan, honest about it."""
    d = next((d for d in status["drives"] if d["health"] == "Critical"), status["drives"][0])
    r, doc = run(cli, cli_args, "hotswap", d["id"], "--no-follow", "--socket", str(tmp_path / "none.sock"), "--state-dir", str(tmp_path))
    valid(schema["hotswap"], doc, f"hotswap {d['id']} --json (no agent)")
    assert r.returncode == 0 and doc["format_version"] == 1
    assert doc["agent"] is False and doc["incident"] is None
    wo = doc["work_order"]
    assert wo["guided"] is False and wo["incident"]["id"] is None and wo["drive"]["id"] == d["id"]
    assert not any("blinking" in s or "wait for the light" in s for s in wo["steps"]), wo["steps"]


def test_hotswap_with_the_agent(agent, cli, schema):
    """raidmond's incident for the failed drive of sas12, listed and as a work order."""
    r, listed = run(cli, [], "hotswap", "--list", "--state-dir", str(agent.state_dir))
    valid(schema["hotswap"], listed, "hotswap --list --json")
    assert listed["format_version"] == 1 and listed["incidents"]
    r, doc = run(cli, [], "hotswap", "sdd", "--no-follow", "--state-dir", str(agent.state_dir))
    valid(schema["hotswap"], doc, "hotswap sdd --json --no-follow")
    assert doc["agent"] is True and doc["work_order"]["guided"] is True
    assert doc["incident"]["id"] == doc["work_order"]["incident"]["id"] in [i["id"] for i in listed["incidents"]]
