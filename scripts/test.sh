#!/usr/bin/env bash
# The whole test suite: pure, integration (real nats-server / redis-server started per suite)
# and cross-service tests, including real OpenTelemetry Collectors under the opampsupervisor.
# Extra arguments go to Jest (e.g. a path filter). Ends with the plain line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/ensure-test-servers.sh || exit 1
# grpcurl for the reflection test (built once from the Go module proxy, then cached).
bash scripts/contract-tools.sh >/dev/null || exit 1
mkdir -p tmp
export PATH="$PATH:/usr/sbin:/usr/local/go/bin"

# The web console's build (Vite) for its browser suite (test/console), rebuilt only when its
# sources changed since the last build; prints what it did and how long it took.
node scripts/console-build.mjs --if-stale || exit 1

# The whole suite builds the collector binaries once here (a filtered run builds them on demand,
# in the suite that needs them). Without Go the build fails and the run stops: no suite is skipped.
if [ "$#" -eq 0 ]; then
  t0=$SECONDS
  if dir="$(bash test/interop/collector/build.sh)"; then
    export ROOST_COLLECTOR_BIN_DIR="$dir"
    echo "collector build: $((SECONDS - t0)) s"
  else
    echo "collector build failed (exit $?): the collector interop suites cannot run (Go is needed, as for the contract tools)" >&2
    exit 1
  fi
fi

npx jest --ci --json --outputFile=tmp/jest-results.json "$@"
status=$?
node scripts/summarise-tests.mjs tmp/jest-results.json || status=1
exit $status
