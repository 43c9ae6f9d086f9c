#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""storcli64 for the hot-swap tests on the MegaRAID testbed: the controller of the real ServeRAID
M5015 captures (tests/data/storcli/storcli-call-show-all-J-servraid-m5015-megaraid.json and
storcli-call-eall-sall-show-all-J-m5015.json), with one drive's life changed as the test plays
the server. Install it under the name storcli64 in a directory first in PATH.

Environment (set by the test): FAKE_STORCLI_STATE = a JSON file the test writes:
  {"slot": 3, "phase": "optimal|failed|pulled|inserted|rebuilding|done",
   "serial": "ZNEW0001", "wwn": "5000C500DC79FFFF",        (serial, wwn: of the inserted drive)
   "rebuild_percent": 50}                                  ("show rebuild" while rebuilding)
  phases: failed = the controller took the drive offline (Offln); pulled = gone;
  inserted = a blank drive in the bay (UGood, not in the drive group); rebuilding = Rbld;
  done = Onln, VD Optl. While a drive is out the RAID6 VD is Pdgd (one parity left).
FAKE_STORCLI_DATA = tests/data. Every command is appended to $FAKE_STORCLI_STATE.log.
"add hotsparedrive" on the inserted drive moves it to "rebuilding" (a degraded VD takes a hot
spare at once), and writes the new phase into the state file. The fields changed are only the
state words, the drive group and the inserted drive's serial and WWN: the shapes stay the
captures'.
"""
import copy
import json
import os
import sys

state_file = os.environ["FAKE_STORCLI_STATE"]
data = os.environ["FAKE_STORCLI_DATA"]
argv = sys.argv[1:]
with open(state_file + ".log", "a") as f:
    f.write(" ".join(["storcli64"] + argv) + "\n")
st = json.load(open(state_file))
slot, phase = st["slot"], st["phase"]
eslot = "252:%d" % slot
dpath = "/c0/e252/s%d" % slot


def load(name):
    return json.load(open(os.path.join(data, "storcli", name)))


def status(ok, desc):
    return {"Controllers": [{"Command Status": {"CLI Version": "007.2807.0000.0000 Dec 22, 2023",
                                                "Operating system": "Linux 6.5.13-1-pve", "Controller": 0,
                                                "Status": "Success" if ok else "Failure", "Description": desc}}]}


def pd_state():
    return {"optimal": "Onln", "failed": "Offln", "inserted": "UGood", "rebuilding": "Rbld", "done": "Onln"}.get(phase)


def in_group():
    return phase in ("optimal", "failed", "rebuilding", "done")


def vd_state():
    # The captured VD is a RAID6: one drive out leaves it partially degraded (storcli's legend:
    # "Pdgd=Partially Degraded|Dgrd=Degraded"), one parity left.
    return "Optl" if phase in ("optimal", "done") else "Pdgd"


def controller():
    j = load("storcli-call-show-all-J-servraid-m5015-megaraid.json")
    rd = j["Controllers"][0]["Response Data"]
    for vd in rd.get("VD LIST", []):
        vd["State"] = vd_state()
    for row in rd.get("TOPOLOGY", []):
        if row.get("Type") != "DRIVE":
            row["State"] = vd_state()
        elif row.get("EID:Slot") == eslot:
            if phase in ("pulled", "inserted"):
                row.update({"EID:Slot": "-", "DID": "-", "State": "Msng"})
            else:
                row["State"] = pd_state()
    pds = []
    for row in rd.get("PD LIST", []):
        if row.get("EID:Slt") == eslot:
            if phase == "pulled":
                continue
            row["State"] = pd_state()
            row["DG"] = 0 if in_group() else "-"
        pds.append(row)
    rd["PD LIST"] = pds
    if "Physical Drives" in rd:
        rd["Physical Drives"] = len(pds)
    return j


def drives():
    j = load("storcli-call-eall-sall-show-all-J-m5015.json")
    rd = j["Controllers"][0]["Response Data"]
    key = "Drive " + dpath
    if phase == "pulled":
        rd.pop(key, None)
        rd.pop(key + " - Detailed Information", None)
        return j
    for row in rd.get(key, []):
        row["State"] = pd_state()
        row["DG"] = 0 if in_group() else "-"
    if phase in ("inserted", "rebuilding", "done"):
        attrs = rd[key + " - Detailed Information"][key + " Device attributes"]
        attrs["SN"] = "            " + st["serial"]
        attrs["WWN"] = st["wwn"]
    return j


def one_drive(path):
    j = drives()
    rd = j["Controllers"][0]["Response Data"]
    keep = {k: v for k, v in rd.items() if k in ("Drive " + path, "Drive " + path + " - Detailed Information")}
    if not keep:
        return status(False, "Show Drive Information Failed.")
    j["Controllers"][0]["Response Data"] = keep
    return j


def out(j, code=0):
    sys.stdout.write(json.dumps(j, indent=2) + "\n")
    sys.exit(code)


if argv == ["/call", "show", "all", "J"]:
    out(controller())
if argv == ["/call/eall/sall", "show", "all", "J"]:
    out(drives())
if argv == ["/call/fall", "show", "all", "J"]:
    out(status(False, "Couldn't find any foreign Configuration"))
if len(argv) == 4 and argv[0].startswith("/c0/e252/s") and argv[1:] == ["show", "all", "J"]:
    out(one_drive(argv[0]))
if len(argv) == 4 and argv[0].startswith("/c0/e252/s") and argv[2] == "locate" and argv[1] in ("start", "stop"):
    out(status(True, "%s Drive Locate Succeeded." % argv[1].capitalize()))
if argv == [dpath, "show", "rebuild", "J"]:
    # The layout libraidmon/src/ctl/backend.cpp reads (storcli 007.x; no public capture of it).
    # Asked while rebuilding; the answer may come after the rebuild ended (the test moves on).
    j = status(True, "Show Drive Rebuild Status Succeeded.")
    busy = phase == "rebuilding"
    j["Controllers"][0]["Response Data"] = [{"Drive-ID": dpath, "Progress%": st.get("rebuild_percent", 0) if busy else "-",
                                             "Status": "In progress" if busy else "Not in progress",
                                             "Estimated Time Left": "-"}]
    out(j)
if argv == [dpath, "add", "hotsparedrive", "J"]:
    if phase != "inserted":
        out(status(False, "Add Hot Spare Failed."))
    st["phase"] = "rebuilding"
    with open(state_file + ".tmp", "w") as f:
        json.dump(st, f)
    os.replace(state_file + ".tmp", state_file)
    out(status(True, "Add Hot Spare Succeeded."))
sys.stderr.write("fake-storcli: not known: %s\n" % " ".join(argv))
with open(state_file + ".unexpected", "a") as f:
    f.write(" ".join(argv) + "\n")
sys.exit(127)
