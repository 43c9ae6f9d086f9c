#!/bin/bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# No shell anywhere in what ships (docs/security.md, "External commands"): every external command
# goes through the CommandRunner with an argument vector. This fails on a call that would hand a
# string to /bin/sh: system(), popen(), the exec*/spawn forms that take a shell or a PATH-less
# string, or an explicit "sh -c".
set -euo pipefail
root=$1
dirs=()
for d in libraidmon agent bindings; do [ -d "$root/$d" ] && dirs+=("$root/$d"); done
found=$(grep -rnE '(^|[^_[:alnum:]])(std::)?(system|popen|execl|execlp|execle)[[:space:]]*\(|"(/bin/)?(ba)?sh"[[:space:]]*,[[:space:]]*"-c"|sh -c' \
  "${dirs[@]}" --include='*.c' --include='*.cpp' --include='*.hpp' --include='*.h' \
  | grep -vE '^[^:]+:[0-9]+:[[:space:]]*//' || true)
if [ -n "$found" ]; then
  echo "a shell is used in shipped code:"
  echo "$found"
  exit 1
fi
echo "no shell in ${dirs[*]}"
