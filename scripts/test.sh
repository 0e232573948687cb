#!/usr/bin/env bash
# The whole test suite: pure, integration (real nats-server / redis-server started per suite)
# and cross-service tests. Extra arguments go to Jest (e.g. a path filter).
# Ends with the plain line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-test-servers.sh || exit 1
mkdir -p tmp
export PATH="$PATH:/usr/sbin:/usr/local/go/bin"

npx jest --ci --json --outputFile=tmp/jest-results.json "$@"
status=$?
node scripts/summarise-tests.mjs tmp/jest-results.json || status=1
exit $status
