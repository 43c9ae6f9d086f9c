#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# A throw-away PKI for the TLS tests of the agent's sinks, in DIR: the panel's CA (ca.pem), a
# rogue CA that signed nothing of the panel's (rogue-ca.pem), the panel's server certificate for
# 127.0.0.1/localhost (server.pem, server.key) and raidmond's client certificate (client.pem,
# client.key, CN raidmond-test-client). EC P-256 keys, valid for two days.
set -euo pipefail
d=$1
mkdir -p "$d"; cd "$d"
key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
ca() {  # ca NAME CN
  key "$1.key"
  openssl req -x509 -new -key "$1.key" -sha256 -days 2 -subj "/CN=$2" -out "$1.pem" \
          -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
}
leaf() {  # leaf NAME CN EXTFILE-LINES
  key "$1.key"
  openssl req -new -key "$1.key" -subj "/CN=$2" -out "$1.csr"
  printf '%s\n' "$3" > "$1.ext"
  openssl x509 -req -in "$1.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -sha256 -days 2 -extfile "$1.ext" -out "$1.pem" 2>/dev/null
}
ca ca "raidmon test panel CA"
ca rogue-ca "someone else's CA"
leaf server "panel.test" "subjectAltName=IP:127.0.0.1,DNS:localhost
extendedKeyUsage=serverAuth
basicConstraints=CA:FALSE"
leaf client "raidmond-test-client" "extendedKeyUsage=clientAuth
basicConstraints=CA:FALSE"
chmod 0600 ./*.key
