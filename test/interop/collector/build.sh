#!/usr/bin/env bash
# Builds the OpenTelemetry Collector described by manifest.yaml (with ocb) and the opampsupervisor
# of the same release, from the Go module proxy, into a cache outside the repository:
#   ${ROOST_COLLECTOR_CACHE:-$HOME/.cache/roost/collector}/<key>/{otelcol-roost,opampsupervisor}
# <key> hashes this script, the manifest and the Go version, so a change to either rebuilds and an
# unchanged one is reused (warm run: no Go command at all). Prints the directory on its last line.
# Concurrent runs wait on a lock instead of building twice.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
export PATH="$PATH:/usr/local/go/bin"
GO="${GO:-$(command -v go || true)}"
if [ -z "$GO" ]; then
  echo "collector build: Go not found (looked on PATH and in /usr/local/go/bin); set GO=/path/to/go" >&2
  exit 3
fi
RELEASE=v0.149.0
CONTRIB=github.com/open-telemetry/opentelemetry-collector-contrib
key="$( { cat "$here/manifest.yaml" "$here/build.sh"; "$GO" env GOVERSION; } | sha256sum | cut -c1-16)"
root="${ROOST_COLLECTOR_CACHE:-$HOME/.cache/roost/collector}"
out="$root/$key"
mkdir -p "$root"

exec 9>"$root/.lock"
flock 9
if [ -x "$out/otelcol-roost" ] && [ -x "$out/opampsupervisor" ]; then
  echo "collector build: reused $out (manifest unchanged)" >&2
  echo "$out"
  exit 0
fi

start=$(date +%s)
work="$root/.work-$key"
rm -rf "$work" && mkdir -p "$work"
export GOFLAGS=-mod=mod GOTOOLCHAIN=local
gobuild() { nice -n 10 "$@"; }

echo "collector build: ocb $RELEASE" >&2
GOBIN="$work/bin" gobuild "$GO" install "go.opentelemetry.io/collector/cmd/builder@$RELEASE"

echo "collector build: collector from manifest.yaml" >&2
cp "$here/manifest.yaml" "$work/manifest.yaml"
(cd "$work" && gobuild "$work/bin/builder" --config manifest.yaml >"$work/ocb.log" 2>&1) || {
  tail -n 40 "$work/ocb.log" >&2
  echo "collector build: ocb failed (full log: $work/ocb.log)" >&2
  exit 1
}

# `go install .../cmd/opampsupervisor@RELEASE` refuses a module whose go.mod has replace lines:
# build a writable copy of the module without them.
echo "collector build: opampsupervisor $RELEASE" >&2
src="$(cd "$work" && "$GO" mod download -json "$CONTRIB/cmd/opampsupervisor@$RELEASE" | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')"
[ -n "$src" ] || { echo "collector build: could not download opampsupervisor $RELEASE" >&2; exit 1; }
cp -r "$src" "$work/supervisor" && chmod -R u+w "$work/supervisor"
(
  cd "$work/supervisor"
  "$GO" mod edit -json >"$work/supervisor.mod.json"
  node -e '
    const m = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    for (const r of m.Replace ?? []) console.log(r.Old.Path + (r.Old.Version ? "@" + r.Old.Version : ""));
  ' "$work/supervisor.mod.json" | while read -r old; do "$GO" mod edit -dropreplace="$old"; done
  gobuild "$GO" mod tidy >"$work/supervisor.log" 2>&1
  gobuild "$GO" build -o "$work/opampsupervisor" . >>"$work/supervisor.log" 2>&1
) || {
  tail -n 40 "$work/supervisor.log" >&2
  echo "collector build: opampsupervisor failed (full log: $work/supervisor.log)" >&2
  exit 1
}

mkdir -p "$out"
mv "$work/otelcol/otelcol-roost" "$out/otelcol-roost"
mv "$work/opampsupervisor" "$out/opampsupervisor"
rm -rf "$work"
echo "collector build: built in $(( $(date +%s) - start )) s into $out" >&2
echo "$out"
