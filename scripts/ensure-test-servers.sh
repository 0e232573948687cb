#!/usr/bin/env bash
# Makes sure the servers Roost's integration tests start for themselves are installed:
# nats-server (JetStream), redis-server, redis-sentinel and haproxy (the load balancer of the fault tests), and
# chromium (the web console's end-to-end tests, driven by playwright-core). Installs them from Debian's packages when run as
# root; otherwise prints the exact command to run. Tests never use already-running servers.
set -euo pipefail

missing=()
command -v nats-server >/dev/null 2>&1 || [ -x /usr/sbin/nats-server ] || missing+=(nats-server)
command -v redis-server >/dev/null 2>&1 || [ -x /usr/bin/redis-server ] || missing+=(redis-server)
command -v haproxy >/dev/null 2>&1 || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)
command -v redis-sentinel >/dev/null 2>&1 || [ -x /usr/bin/redis-sentinel ] || missing+=(redis-sentinel)
command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || missing+=(chromium)

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
