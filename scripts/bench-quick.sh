#!/usr/bin/env bash
# Every benchmark in bench/ in its quick mode: small sizes, each bounded in time, figures printed,
# no targets asserted. A benchmark that breaks (throws, hangs past its limit) fails the run.
# Prints each benchmark's wall time. Usage: bash scripts/bench-quick.sh
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin:/usr/local/go/bin"
bash scripts/ensure-test-servers.sh || exit 1

failed=()
run() {
  local name=$1 limit=$2
  shift 2
  echo "-- bench $name: $*"
  local started=$SECONDS
  timeout --kill-after=10 "$limit" "$@"
  local status=$?
  local took=$((SECONDS - started))
  if [ "$status" -eq 0 ]; then
    echo "-- bench $name: ok in ${took} s"
  else
    [ "$status" -eq 124 ] && echo "-- bench $name: still running after $limit; stopped"
    echo "-- bench $name: FAILED (exit $status) after ${took} s"
    failed+=("$name")
  fi
}

run nats-publish 120 npx tsx bench/nats/publish.ts --quick
run projector 300 npx tsx bench/projector/run.ts --quick
run orchestrator 300 npx tsx bench/orchestrator/run.ts --quick
run fuzz 180 npx tsx bench/fuzz/run.ts --quick
run gateway 300 npx tsx bench/gateway/run.ts --quick --checkpoints=500,1000 --agents=500 --deliveries=2 --status-rates=2000 --step-seconds=1 --deadline-minutes=4
run gateway-latency 180 npx tsx bench/gateway/latency.ts --quick --deadline-minutes=2
run fleet-scale 120 npx tsx bench/fleet-scale/run.ts --quick

if [ ${#failed[@]} -gt 0 ]; then
  echo "benchmarks failed: ${failed[*]}"
  exit 1
fi
echo "benchmarks: all ran"
