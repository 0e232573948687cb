#!/usr/bin/env bash
# Makes sure the servers Roost's integration tests start for themselves are installed:
# nats-server (JetStream) and redis-server. Installs them from Debian's packages when run as
# root; otherwise prints the exact command to run. Tests never use already-running servers.
set -euo pipefail

missing=()
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || missing+=(nats-server)
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing+=(redis-server)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing ${missing[*]} from Debian's packages" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi

echo "Roost's tests need: ${missing[*]}" >&2
echo "install them with:  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
exit 1
