# SPDX-License-Identifier: LGPL-2.1-or-later
"""raidmon.Agent against a running raidmond inside the sas12 testbed: stored events, --since,
watch() as an iterator and as an async iterator, and a poll loop on its fd; raidmon.hotswap's
incidents, work orders, confirm and cancel against `raidmon hotswap --json`."""

import asyncio
import json
import pathlib
import select
import subprocess
import time

import pytest

import raidmon


# The `agent` fixture (a raidmond in sas12 for the session) is in conftest.py.


def test_stored_events(agent, testbed):
    _, _, spec = testbed
    evs = agent.events()
    assert evs[0].kind == "agent.started" and evs[0].type == "io.raidmon.agent.started"
    assert evs[0].source == "raidmond://" + spec["host"]["machine_id"]
    failed = next(e for e in evs if e.kind == "drive.failed")
    assert failed.severity is raidmon.Severity.CRITICAL
    assert failed.data["entity"]["snapshot"]["kernel_name"] == "sdd"
    assert failed.data["host"]["dmi"]["product_serial"] == spec["host"]["dmi"]["product_serial"]
    seqs = [e.sequence for e in evs]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)
    assert all(e.time is not None and e.time.tzinfo is not None for e in evs)


def test_since(agent):
    evs = agent.events()
    later = agent.events(since=evs[1].sequence)
    assert [e.sequence for e in later][: len(evs) - 2] == [e.sequence for e in evs[2:]]
    assert agent.events(since=str(evs[1].sequence))[0].sequence == later[0].sequence
    assert agent.events(since=evs[0].time) and agent.events(since="1h")


def test_watch_iterator(agent):
    with agent.watch() as w:
        start = time.monotonic()
        event = next(iter(w))
        assert event.kind == "host.heartbeat" and time.monotonic() - start < 30
    assert w.closed


def test_watch_poll_loop(agent):
    w = agent.watch()
    try:
        poller = select.poll()
        poller.register(w.fileno(), select.POLLIN)
        got = None
        deadline = time.monotonic() + 30
        while got is None and time.monotonic() < deadline:
            poller.poll(1000)
            got = w.poll()
        assert got is not None and got.kind == "host.heartbeat"
    finally:
        w.close()


def test_watch_async(agent):
    async def first():
        async for event in agent.watch():
            return event

    event = asyncio.run(asyncio.wait_for(first(), timeout=30))
    assert event.kind == "host.heartbeat" and isinstance(event.sequence, int)


# ---- hot-swap incidents through the agent (raidmon.hotswap); these run last: cancel changes the agent


def _cli_json(cli, *args):
    r = subprocess.run([str(cli), *args], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return r.stdout


def _open_sdd(agent):
    found = [i for i in raidmon.hotswap.incidents(agent.state_dir) if i.drive.kernel_name == "sdd" and not i.closed]
    assert len(found) == 1, found
    return found[0]


def test_hotswap_incidents(agent, cli):
    incident = _open_sdd(agent)
    assert incident.cause is raidmon.hotswap.IncidentCause.DRIVE_FAILED
    assert isinstance(incident.state, raidmon.hotswap.IncidentState) and incident.array_name
    listed = json.loads(_cli_json(cli, "hotswap", "--list", "--json", "--state-dir", agent.state_dir))["incidents"]
    assert incident.id in [i["id"] for i in listed]
    assert [i.id for i in raidmon.hotswap.incidents(socket=agent.socket)] == [i["id"] for i in listed]


def test_hotswap_work_order_is_raidmon_hotswap_json(agent, cli):
    incident = _open_sdd(agent)
    before = raidmon.hotswap.work_order("sdd", state_dir=agent.state_dir)
    printed = _cli_json(cli, "hotswap", "sdd", "--json", "--no-follow", "--state-dir", agent.state_dir)
    after = raidmon.hotswap.work_order(incident.drive.id, state_dir=agent.state_dir)
    # the agent may move the incident on between the calls; the CLI's answer is one of the two
    assert printed in (before.to_json() + "\n", after.to_json() + "\n")
    assert before.agent and before.incident.id == incident.id == after.incident.id
    assert before.steps and before.text.strip() and before.svg.lstrip().startswith("<")
    assert before.data["incident"]["id"] == incident.id


def test_hotswap_without_the_agent_is_computed_from_a_scan(agent, cli, cli_args, scan_kwargs, tmp_path):
    """No agent at this socket: the work order from a scan, as `raidmon hotswap` prints it then. It
    quotes no incident id (nothing recorded one) and promises no light and no verification."""
    sock = tmp_path / "none.sock"
    wo = raidmon.hotswap.work_order("sdd", socket=sock, state_dir=tmp_path, **scan_kwargs)
    assert wo.agent is False and wo.incident is None
    assert wo.data["drive"]["kernel_name"] == "sdd" and wo.data["guided"] is False
    assert wo.data["incident"]["id"] is None and wo.data["incident"]["cause"] == "operator_request"
    assert "blinking" not in wo.text and "wait for the light" not in wo.text
    assert "none: computed without raidmond, not recorded" in wo.text
    printed = _cli_json(cli, "hotswap", "sdd", "--json", "--no-follow", "--socket", str(sock), "--state-dir",
                        str(tmp_path), *cli_args)
    assert printed == wo.to_json() + "\n"


def test_c_hotswap_is_raidmon_hotswap_json(agent, cli, c_commands):
    incident = _open_sdd(agent)

    def c(*args):
        r = subprocess.run([str(c_commands), *args], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        return r

    # the agent may move the incident on between two calls: the CLI's answer is bracketed by two of C's
    for args in (("hotswap-list",), ("hotswap-work-order", "sdd")):
        before = c(args[0], agent.socket, *args[1:])
        printed = _cli_json(cli, "hotswap", *(args[1:] or ("--list",)), "--json", "--no-follow", "--state-dir", agent.state_dir)
        after = c(args[0], agent.socket, *args[1:])
        assert printed in (before.stdout, after.stdout)
        assert incident.id in before.stderr
    assert " agent=1 " in before.stderr


def test_hotswap_confirm_and_cancel(agent):
    incident = _open_sdd(agent)
    # nothing verified awaits confirmation: the agent refuses, with its reason
    with pytest.raises(raidmon.Error) as e:
        raidmon.hotswap.confirm(incident, state_dir=agent.state_dir)
    assert str(e.value).startswith("hotswap: ") and not isinstance(e.value, raidmon.NotFoundError)
    wo = raidmon.hotswap.cancel(incident.id[:8], "test: wrong bay", state_dir=agent.state_dir)
    assert wo.incident.id == incident.id and wo.incident.state is raidmon.hotswap.IncidentState.CANCELLED
    assert wo.incident.closed and wo.agent
    listed = {i.id: i for i in raidmon.hotswap.incidents(agent.state_dir)}
    assert listed[incident.id].state is raidmon.hotswap.IncidentState.CANCELLED
    assert listed[incident.id].to_dict()["history"][-1]["reason"] == "test: wrong bay"
    with pytest.raises(raidmon.NotFoundError) as e:
        raidmon.hotswap.confirm(incident.id, state_dir=agent.state_dir)
    assert str(e.value) == f"hotswap: no open incident for {incident.id}"
