#!/usr/bin/env bash
# Builds consul-watchdog and runs its demo: a real 3-server Consul cluster on loopback is started,
# broken the way hashicorp/consul#993 describes, and healed by the watchdog while you watch.
# Extra arguments go to the demo, e.g. ./demo.sh --scenario leader-kill
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -f target/consul-watchdog.jar ] || [ -n "$(find src pom.xml -newer target/consul-watchdog.jar -print -quit)" ]; then
  echo "demo: building (mvn package)..." >&2
  mvn -B -q -ntp package -DskipTests
fi
exec bin/consul-watchdog demo "$@"
