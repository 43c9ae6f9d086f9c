#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The demonstration's stand-in for the hosting panel: an HTTP receiver on 127.0.0.1 that takes
raidmond's webhook POSTs, checks the bearer token and the HMAC-SHA256 signature of each body,
deduplicates by event id (delivery is at least once) and appends what it accepted to a file.

    demo-panel.py PORTFILE OUT TOKEN HMAC_KEY   (listens on a free port, written to PORTFILE)
"""
import hashlib
import hmac
import http.server
import json
import sys

portfile, out, token, key = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].encode()
seen = set()


class Panel(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        want = "sha256=" + hmac.new(key, body, hashlib.sha256).hexdigest()
        if self.headers.get("Authorization") != "Bearer " + token or \
                not hmac.compare_digest(self.headers.get("X-Raidmon-Signature", ""), want):
            self.send_response(401)
            self.end_headers()
            return
        ev = json.loads(body)
        if ev["id"] not in seen:
            seen.add(ev["id"])
            with open(out, "a") as f:
                f.write(json.dumps({"signature": "valid", "event": ev}) + "\n")
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


srv = http.server.HTTPServer(("127.0.0.1", 0), Panel)
with open(portfile, "w") as f:
    f.write(str(srv.server_address[1]))
srv.serve_forever()
