#!/usr/bin/python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# sign_command.py KEY MACHINE_ID CMD [NAME=VALUE...]: print a signed raidmon command
# (docs/panel.md, "Signing a command in Python": this is that example; tools/demo-commands.sh runs it)
import sys, time, uuid
import jwt  # python3-jwt; EdDSA needs python3-cryptography
key_file, machine_id, cmd, *args = sys.argv[1:]
now = int(time.time())
claims = {"jti": str(uuid.uuid4()), "aud": machine_id, "iat": now, "exp": now + 300, "cmd": cmd}
claims.update(a.split("=", 1) for a in args)  # target=Slot03 state=on duration=30m
print(jwt.encode(claims, open(key_file, "rb").read(), algorithm="EdDSA"))
