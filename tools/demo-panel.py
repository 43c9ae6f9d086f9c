#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
"""The demonstration's stand-in for the hosting panel: an HTTP receiver on 127.0.0.1 that takes
raidmond's webhook POSTs, checks the bearer token and the HMAC-SHA256 signature of each body,
deduplicates by event id (delivery is at least once) and appends what it accepted to a file.
With COMMANDS, a panel's signed commands (docs/panel.md, "Commands"): when that file is there,
the next POST is answered with it (200, Content-Type application/jwt, one JWT per line) and the
file is moved to COMMANDS.sent, so each command goes out once.

    demo-panel.py PORTFILE OUT TOKEN HMAC_KEY [COMMANDS]   (listens on a free port, written to PORTFILE)
"""
import hashlib
import hmac
import http.server
import json
import os
import sys

portfile, out, token, key = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4].encode()
commands = sys.argv[5] if len(sys.argv) > 5 else None
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
        answer = b""
        if commands:
            try:
                os.rename(commands, commands + ".sent")  # taken: answered once
                with open(commands + ".sent", "rb") as f:
                    answer = f.read()
            except FileNotFoundError:
                pass
        if answer:
            self.send_response(200)
            self.send_header("Content-Type", "application/jwt")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
            return
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


srv = http.server.HTTPServer(("127.0.0.1", 0), Panel)
with open(portfile, "w") as f:
    f.write(str(srv.server_address[1]))
srv.serve_forever()
