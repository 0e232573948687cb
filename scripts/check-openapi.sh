#!/usr/bin/env bash
# Checks the admin API's OpenAPI document: docs/openapi.json and the CLI's client types are what
# the code makes (scripts/gen-openapi.ts --check), then Redocly (recommended rules, redocly.yaml)
# and Spectral (spectral:oas, .spectral.yaml) find no error and no warning.
set -euo pipefail
cd "$(dirname "$0")/.."

npx tsx scripts/gen-openapi.ts --check
report="$(mktemp)"
trap 'rm -f "$report"' EXIT
npx redocly lint docs/openapi.json --format=json >"$report" 2>/dev/null || true
node -e '
  const report = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  const { errors, warnings } = report.totals;
  for (const problem of report.problems) console.error(`redocly: ${problem.severity} ${problem.ruleId}: ${problem.message} (${problem.location.map((l) => l.pointer).join(", ")})`);
  console.log(`redocly: ${errors} errors, ${warnings} warnings`);
  process.exit(errors + warnings === 0 ? 0 : 1);
' "$report"
npx spectral lint docs/openapi.json --ruleset .spectral.yaml --fail-severity=hint --quiet
echo "spectral: 0 errors, 0 warnings"
