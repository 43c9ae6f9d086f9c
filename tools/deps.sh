#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Install what raidmon needs to build, test and demonstrate, on Debian 12 (as root).
# Idempotent: packages already installed are left as they are.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
PKGS=(
  # build
  build-essential cmake pkg-config python3
  # libraidmon and the tools
  libudev-dev libblkid-dev libsgutils2-dev libnvme-dev libatasmart-dev nlohmann-json3-dev libexpected-dev
  libcli11-dev libspdlog-dev libtomlplusplus-dev libsqlite3-dev libcurl4-openssl-dev libmosquitto-dev
  pybind11-dev python3-dev
  # raidmon identity --qr
  libqrencode-dev
  # the Python module's tests
  python3-pytest
  # docs/panel.md's example and its test: signing commands as a panel does (PyJWT, EdDSA through cryptography)
  python3-jwt python3-cryptography
  # tests and benchmarks: Boost.Test, umockdev (testbeds), real tools used side by side
  libboost-test-dev umockdev libumockdev-dev libbenchmark-dev util-linux smartmontools mdadm
  # systemd-analyze verify checks the shipped unit
  systemd
  # the sanitizer and fuzz build (tools/build-san.sh): clang with its ASan/UBSan/libFuzzer runtimes
  clang libclang-rt-14-dev
  # the MQTT broker the agent tests start on loopback; openssl makes their throw-away TLS PKI
  mosquitto openssl
  # Debian packages (debian/, tools/package-check.sh): build, lintian, install and purge
  debhelper dh-python python3-all lintian fakeroot apt
  # installed manual pages and completion (checked by the unit tier): man, bash-completion, zsh
  man-db groff-base bash-completion zsh
  # JSON Schemas of the outputs (docs/schema), promtool for the metrics and contrib/ rules
  python3-jsonschema prometheus
)
missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "tools/deps.sh: installing ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
