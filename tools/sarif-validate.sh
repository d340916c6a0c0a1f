#!/usr/bin/env bash
# Validate SARIF logs with Microsoft's SARIF Multitool (`validate`): the SARIF
# 2.1.0 JSON schema (JSONxxxx rules) plus the SARIF SDK's own authoring rules
# (SARIF1xxx/SARIF2xxx), i.e. what GitHub code scanning's ingestion is based on.
#
#   tools/sarif-validate.sh FILE...
#
# Exit: 0 no error-level finding in any file (warnings/notes are printed but
# tolerated), 1 at least one file has an error-level finding or could not be
# validated at all, 2 usage error / multitool not installed.
#
# Why not just use the multitool's exit code: it exits 0 even when it reports
# schema errors ("Analysis completed successfully"), and only exits non-zero
# when it could not analyse at all. So we have it write its own findings as a
# SARIF log (--output) and inspect that log's results' levels.
set -euo pipefail

if [[ $# -eq 0 || "$1" == -h || "$1" == --help ]]; then
  echo "usage: tools/sarif-validate.sh FILE..." >&2
  exit 2
fi

tools_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The npm wrapper package resolves to the per-platform binary
# (@microsoft/sarif-multitool-linux/Sarif.Multitool: a self-contained .NET 8
# single-file executable, linux-x64 only - no .NET runtime needed).
if ! multitool=$(cd "$tools_dir" && node -p "require('@microsoft/sarif-multitool')" 2>/dev/null) \
   || [[ ! -f "$multitool" ]]; then
  echo "sarif-validate: SARIF Multitool not installed; run .ci/install-tools" >&2
  exit 2
fi
# npm may skip the package's `postinstall: chmod u+x` (install scripts are
# not run unless allowed), so make sure it is executable.
[[ -x "$multitool" ]] || chmod u+x "$multitool"

# Validation needs no culture data; invariant mode drops the runtime's
# dependency on a system libicu being installed.
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT="${DOTNET_SYSTEM_GLOBALIZATION_INVARIANT:-1}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

failed=0
for file in "$@"; do
  out="$tmp/result.sarif"
  rm -f "$out"
  # The multitool's console output lists each finding as
  # FILE(LINE,COL): LEVEL RULE: message - keep it visible for humans.
  if ! "$multitool" validate "$file" --output "$out" --log ForceOverwrite >"$tmp/console" 2>&1; then
    # Non-zero exit = it could not analyse the file (missing/empty file,
    # bad options, crash): that is a failure too.
    sed 's/^/    /' "$tmp/console"
    echo "error $file: SARIF Multitool could not validate it"
    failed=1
    continue
  fi
  grep -E '^.+\([0-9,]+\): (error|warning|note) ' "$tmp/console" | sed 's/^/    /' || true
  # Count error-level findings in the multitool's own SARIF output. A result's
  # level defaults to its rule's defaultConfiguration.level, then "warning"
  # (SARIF 2.1.0 §3.27.10); an unsuccessful invocation or an error-level tool
  # notification also counts, so a crashed analysis never passes silently.
  if ! errors=$(node - "$out" <<'EOF'
const fs = require('fs');
const log = JSON.parse(fs.readFileSync(process.argv[2], 'utf8').replace(/^\uFEFF/, ''));
let errors = 0;
for (const run of log.runs ?? []) {
  const rules = run.tool?.driver?.rules ?? [];
  for (const r of run.results ?? []) {
    const rule = rules[r.ruleIndex] ?? rules.find((x) => x.id === r.ruleId);
    const level = r.level ?? rule?.defaultConfiguration?.level ?? 'warning';
    if (level === 'error') errors++;
  }
  for (const inv of run.invocations ?? []) {
    if (inv.executionSuccessful === false) errors++;
    for (const n of [...(inv.toolExecutionNotifications ?? []), ...(inv.toolConfigurationNotifications ?? [])]) {
      if (n.level === 'error') errors++;
    }
  }
}
console.log(errors);
EOF
  ); then
    echo "error $file: could not read the multitool's output log"
    failed=1
    continue
  fi
  if [[ "$errors" -gt 0 ]]; then
    echo "error $file: $errors error-level finding(s)"
    failed=1
  else
    echo "ok $file"
  fi
done
exit "$failed"
