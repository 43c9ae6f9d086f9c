#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""A vendor tool (storcli64, ssacli, ...) that answers from a recording, for tests that run the
real raidmon binary: install it under the tool's name in a directory put first in PATH.

Environment (set by the test, never by raidmon): RAIDMON_REPLAY = tests/data/cmd/<name>.json,
RAIDMON_REPLAY_DATA = tests/data. The recording lists {"argv": [...], "exit": N, "stdout_file":
path or absent}. An argv that is not in the recording is an error on stderr, exit 127, and is
appended to $RAIDMON_REPLAY.unexpected so the test can fail on it.
"""
import json
import os
import sys

rec = json.load(open(os.environ["RAIDMON_REPLAY"]))
data = os.environ["RAIDMON_REPLAY_DATA"]
argv = [os.path.basename(sys.argv[0])] + sys.argv[1:]
for c in rec["commands"]:
    if c["argv"] == argv:
        if c.get("stdout_file"):
            with open(os.path.join(data, c["stdout_file"]), "rb") as f:
                sys.stdout.buffer.write(f.read())
        elif c.get("stdout"):
            sys.stdout.write(c["stdout"])
        sys.exit(c.get("exit", 0))
sys.stderr.write("replay-tool: not in the recording: %s\n" % " ".join(argv))
with open(os.environ["RAIDMON_REPLAY"] + ".unexpected", "a") as f:
    f.write(" ".join(argv) + "\n")
sys.exit(127)
