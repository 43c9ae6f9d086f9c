# SPDX-License-Identifier: LGPL-2.1-or-later
"""raidmon.Agent against a running raidmond inside the sas12 testbed: stored events, --since,
watch() as an iterator and as an async iterator, and a poll loop on its fd."""

import asyncio
import select
import time

import raidmon


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
