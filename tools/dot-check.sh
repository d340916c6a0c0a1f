#!/usr/bin/env bash
# Check Graphviz DOT files with the real `dot`, treating warnings as failures.
#
#   tools/dot-check.sh FILE...
#
# dot has no -Werror: it prints warnings (unknown shape, unknown colour, ...)
# to stderr and still exits 0; only syntax errors give a non-zero exit. So a
# file passes only if dot exits 0 AND writes nothing to stderr.
# Exit: 0 all clean, 1 any file failed (error or warning), 2 usage error.
#
# Limits: -Tsvg does not load fonts, so a fontname that does not exist is NOT
# reported (PNG output silently falls back to another font). To see what a
# fontname resolves to, run: dot -v -Tpng FILE -o /dev/null 2>&1 | grep resolved
set -uo pipefail

if [[ $# -eq 0 || "$1" == -h || "$1" == --help ]]; then
  echo "usage: tools/dot-check.sh FILE..." >&2
  exit 2
fi
command -v dot >/dev/null || { echo "dot-check: graphviz 'dot' not found; run .ci/install-tools" >&2; exit 2; }

err=$(mktemp)
trap 'rm -f "$err"' EXIT
failed=0
for file in "$@"; do
  dot -Tsvg "$file" -o /dev/null 2>"$err"
  rc=$?
  if [[ $rc -ne 0 || -s "$err" ]]; then
    if [[ $rc -ne 0 ]]; then echo "error $file: dot failed (exit $rc)"
    else echo "error $file: dot printed warnings"; fi
    sed 's/^/    /' "$err"
    failed=1
  else
    echo "ok $file"
  fi
done
exit "$failed"
