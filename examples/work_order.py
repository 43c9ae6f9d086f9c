#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""Print the work order for replacing a failed drive: which server, which bay, which drive, whether
pulling it now is safe, and what the rebuild will risk. With --light, the bay's locate light is
turned on for the technician.

    work_order.py [DRIVE] [--light [DURATION]] [--state-dir DIR] [--root DIR] [--proc DIR] [--etc DIR] [--no-device-io]

DRIVE: a devnode, kernel name, serial, WWN or drive id; by default every failed drive.
Exit status: 0 when a work order was printed, 1 when no drive needs replacing, 3 on an error.
"""

import argparse
import sys

import raidmon


def size(n):
    return "unknown size" if n is None else f"{n / 1e12:.1f} TB"


def work_order(inv, drive, args):
    host, dmi = inv.host, inv.host.dmi
    loc = drive.location
    print(f"WORK ORDER: replace drive {drive.serial or drive.id}")
    print(f"  Server     {host.hostname or '?'}   serial {dmi.product_serial or 'unknown'}   asset tag {dmi.chassis_asset_tag or 'none'}")
    print(f"             {dmi.sys_vendor or ''} {dmi.product_name or ''}".rstrip())
    bay = f"bay {loc.label or loc.slot} (enclosure {loc.enclosure}, slot {loc.slot})" if loc.slot is not None else "bay unknown"
    print(f"  Where      {bay}")
    print(f"  Drive      {drive.vendor or ''} {drive.model or '?'}  serial {drive.serial or '?'}  {size(drive.capacity_bytes)}"
          f"  ({drive.kernel_name or 'no kernel device'})")
    print(f"  Why        {'; '.join(drive.reasons) or drive.health.value}")
    verdict = raidmon.safe_to_remove(drive)
    print(f"  Pull now?  {verdict.verdict.value}: {'; '.join(verdict.reasons)}")
    for impact in verdict.arrays:
        array = inv.array(impact.name)
        plan = raidmon.plan(array)
        print(f"  Array      {array.name} ({array.level}, {array.state}): rebuild {plan.recommendation.value},"
              f" p(clean rebuild) {plan.p_clean:.4f}, window {plan.window_hours:.1f} h")
    needed = drive.capacity_bytes
    print(f"  Bring      a drive of at least {size(needed)}, {drive.protocol.value}")
    if args.light is not None:
        change = raidmon.locate(drive, on=True, duration=args.light or None, state_dir=args.state_dir)
        until = f" until {change.expires_at}" if change.expires_at else ""
        print(f"  Light      locate on via {change.backend}{until}" + ("" if change.verified else " (not verified)"))
    print()


def main(argv):
    p = argparse.ArgumentParser(prog="work_order.py", description=__doc__.splitlines()[0])
    p.add_argument("drive", nargs="?", help="the drive to replace (default: every failed drive)")
    p.add_argument("--light", nargs="?", const="", help="turn the bay's locate light on (for DURATION, default 30m)")
    p.add_argument("--state-dir", default=raidmon.DEFAULT_STATE_DIR)
    p.add_argument("--root")
    p.add_argument("--proc")
    p.add_argument("--etc")
    p.add_argument("--no-device-io", action="store_true")
    args = p.parse_args(argv)
    try:
        inv = raidmon.scan(args.root, args.no_device_io, proc=args.proc, etc=args.etc)
        if args.drive:
            drives = [inv.drive(args.drive)]
        else:
            drives = [d for d in inv.drives if d.state is raidmon.DriveState.FAILED or d.health is raidmon.Health.CRITICAL]
        if not drives:
            print("No drive needs replacing.")
            return 1
        for d in drives:
            work_order(inv, d, args)
        return 0
    except raidmon.Error as e:
        print(f"work_order.py: {e}", file=sys.stderr)
        return 3


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
