#!/usr/bin/env bash
# Checks Roost's public gRPC API (buf.yaml): `buf lint` (STANDARD), then `buf breaking` against
# the `proto-v1` git tag, the first release of the roost.admin.v1 layout. A change that breaks
# clients of that release fails here; a new major version goes in a new package (roost.admin.v2).
set -euo pipefail
cd "$(dirname "$0")/.."

# The commit tagged proto-v1 (for clones made without tags): the first on main with the
# roost.admin.v1 layout (the work that introduced it landed as one restored commit).
PROTO_V1_COMMIT=3cb51e2a4a3df3a4a5d04640aeabef12056a031a

bin="$(bash scripts/contract-tools.sh)"
echo "buf lint"
"$bin/buf" lint
# The repository itself (in a git worktree, .git is a file; buf needs the directory).
git_dir="$(git rev-parse --path-format=absolute --git-common-dir)"
if git rev-parse -q --verify 'refs/tags/proto-v1' >/dev/null; then
  against="$git_dir#tag=proto-v1"
else
  # A clone without tags: the commit the tag marks.
  echo "buf breaking: no git tag proto-v1 here (git fetch --tags brings it); using its commit $PROTO_V1_COMMIT" >&2
  against="$git_dir#ref=$PROTO_V1_COMMIT"
fi
echo "buf breaking against proto-v1"
"$bin/buf" breaking --against "$against"
echo "protos: lint clean, no breaking change since proto-v1"
