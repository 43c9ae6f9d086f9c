# SPDX-License-Identifier: LGPL-2.1-or-later
"""Every JSON document raidmon and raidmond write inside a umockdev testbed validates against its
JSON Schema in docs/schema (python3-jsonschema): `status --json`, `safe-to-remove --json` (with the
drive's bay), `plan --json`, the error document of a failed command in --json mode, and each
event the agent committed (sas12: the CloudEvents envelope and each event type's data)."""

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
