#!/usr/bin/env bash
# Builds the contract tools Roost's CI and tests use, from the Go module proxy, into a cache
# outside the repository, and prints the directory holding them (one line).
#
#   bash scripts/contract-tools.sh           build what is missing; print the bin directory
#   ROOST_TOOLS_DIR=/path bash scripts/...    build there instead of ~/.cache/roost/tools
#
# buf lints and checks the protos for breaking changes; grpcurl is the reflection client the
# gRPC tests call. Versions are pinned here: a new version is a reviewed change of this file.
set -euo pipefail

BUF_VERSION=v1.75.0
GRPCURL_VERSION=v1.9.3

export PATH="$PATH:/usr/local/go/bin"
if ! command -v go >/dev/null 2>&1; then
  echo "contract-tools: Go is needed to build buf and grpcurl (https://go.dev/doc/install)" >&2
  exit 1
fi

dir="${ROOST_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/roost/tools}"
bin="$dir/bin"
mkdir -p "$bin"

build() { # name module version
  local name=$1 module=$2 version=$3
  local stamp="$bin/.$name.version"
  if [ -x "$bin/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then return; fi
  echo "contract-tools: building $name $version (once; cached in $bin)" >&2
  GOBIN="$bin" GOFLAGS=-buildvcs=false CGO_ENABLED=0 go install "$module@$version" >&2
  echo "$version" >"$stamp"
}

build buf github.com/bufbuild/buf/cmd/buf "$BUF_VERSION"
build grpcurl github.com/fullstorydev/grpcurl/cmd/grpcurl "$GRPCURL_VERSION"
echo "$bin"
