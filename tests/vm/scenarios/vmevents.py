# SPDX-License-Identifier: LGPL-2.1-or-later
"""Host-side helpers of the vm scenarios that run raidmond: the events it wrote in the guest
(events.jsonl, sent back at the end) and whether its hot-swap flow was there (hotswap.txt)."""
import json

MACHINE_ID = "5f0c2d9e8b7a4c3d9e1f2a3b4c5d6e7f"
PRODUCT_SERIAL = "VM-0042-SERIAL"
HOTSWAP_STATES = ["detected", "assessed", "locating", "awaiting_removal", "removed", "awaiting_insertion",
                  "inserted", "verified", "rebuilding", "completed", "failed", "cancelled"]
CAUSES = {"drive_failed", "failure_predicted", "wrong_drive_removed", "unexpected_removal", "operator_request"}


class Events:
    def __init__(self, out, expect, files=("events.jsonl",)):
        """The events of `files` in `out`, in that order (a scenario that reboots the guest sends
        one file per boot)."""
        self.expect = expect
        self.all = [json.loads(line) for f in files for line in open(out / f) if line.strip()]
        hs = dict(kv.split("=", 1) for kv in (out / "hotswap.txt").read_text().split()) \
            if (out / "hotswap.txt").exists() else {}
        self.hotswap = hs.get("supported") == "1"
        self.required = hs.get("required") == "1"

    def of(self, kind, pred=lambda e: True):
        return [e for e in self.all if e.get("type") == "io.raidmon." + kind and pred(e)]

    @staticmethod
    def snap(e):
        return ((e.get("data") or {}).get("entity") or {}).get("snapshot") or {}

    def drive(self, kind, serial):
        """Events of a drive.* type about the drive with this serial (the snapshot is the Drive)."""
        return self.of(kind, lambda e: self.snap(e).get("serial") == serial)

    def array(self, kind, name):
        return self.of(kind, lambda e: self.snap(e).get("name") == name)

    def incident(self, state, serial=None):
        """hotswap.<state> events whose incident's drive (or replacement) has this serial."""
        def match(e):
            s = self.snap(e)
            return serial is None or serial in ((s.get("drive") or {}).get("serial"),
                                                (s.get("replacement") or {}).get("serial"))
        return self.of("hotswap." + state, match)

    def common(self):
        ev, expect = self.all, self.expect
        expect(len(ev) > 0, "raidmond wrote events (%d)" % len(ev))
        expect(all((e.get("data") or {}).get("host", {}).get("machine_id") == MACHINE_ID for e in ev),
               "every event carries data.host.machine_id " + MACHINE_ID)
        expect(all(((e.get("data") or {}).get("host", {}).get("dmi") or {}).get("product_serial") == PRODUCT_SERIAL
                   for e in ev), "every event carries the DMI product serial " + PRODUCT_SERIAL)
        expect(all(e.get("source") == "raidmond://" + MACHINE_ID for e in ev), "source raidmond://<machine-id>")
        seqs = [int(e["sequence"]) for e in ev]
        expect(all(a < b for a, b in zip(seqs, seqs[1:])), "sequence strictly increasing in file order")
        expect(len({e["id"] for e in ev}) == len(ev), "event ids unique")

    def before(self, a, b, what):
        """The first event of list a comes before the first of list b."""
        ok = bool(a) and bool(b) and int(a[0]["sequence"]) < int(b[0]["sequence"])
        self.expect(ok, what)

    def hotswap_checks(self, fn):
        """Run fn() only with the hot-swap flow; say loudly when it is skipped."""
        if self.hotswap:
            fn()
        else:
            self.expect(not self.required, "no hot-swap flow in raidmond: %s" % (
                "FAILED because HOTSWAP_REQUIRED=1" if self.required else "its checks are SKIPPED (HOTSWAP_REQUIRED=0)"))
            print("!!!!!!!! HOST: hot-swap checks SKIPPED: raidmond has no [hotswap] section "
                  "(set HOTSWAP_REQUIRED=1 in the scenario to make this a failure) !!!!!!!!", flush=True)

    def incident_shape(self, serial, cause, array_name):
        """Every hotswap.<state> event: subject incident/<uuid>, snapshot with drive, state, cause."""
        hs = [e for e in self.all if e.get("type", "").startswith("io.raidmon.hotswap.")]
        self.expect(len(hs) > 0, "hotswap events present")
        self.expect(all(e.get("subject", "").startswith("incident/") and len(e["subject"]) == len("incident/") + 36
                        for e in hs), "hotswap events: subject incident/<uuid>")
        for e in hs:
            st = e["type"][len("io.raidmon.hotswap."):]
            if st in HOTSWAP_STATES:
                self.expect(self.snap(e).get("state") == st, "%s: snapshot.state is %s" % (e["type"], st))
            self.expect(self.snap(e).get("cause") in CAUSES, "%s: cause %r is known" % (e["type"], self.snap(e).get("cause")))
        first = self.incident("awaiting_removal", serial)
        self.expect(bool(first), "hotswap.awaiting_removal for %s" % serial)
        if first:
            s = self.snap(first[0])
            self.expect(s.get("cause") == cause, "incident cause %s (got %r)" % (cause, s.get("cause")))
            self.expect(s.get("array_name") == array_name, "incident array_name %s (got %r)" % (array_name, s.get("array_name")))
            self.expect((s.get("drive") or {}).get("id") is not None, "incident drive.id set")
            return s
        return {}


def find_key(obj, key):
    """All values of `key` anywhere in a JSON document."""
    found = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == key:
                found.append(v)
            found += find_key(v, key)
    elif isinstance(obj, list):
        for v in obj:
            found += find_key(v, key)
    return found
