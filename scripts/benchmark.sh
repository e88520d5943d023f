#!/usr/bin/env bash
# Recovery benchmark on real Consul 1.8.7 clusters (loopback), against the floor, in one run:
#   scripts/benchmark.sh [RUNS] [SCENARIO...]
# RUNS per scenario (default 5); scenarios (default all): floor-3 floor-5 replace-majority-3
# replace-majority-5 kill-all-3 kill-two-3. Builds what it needs (Maven, the Consul binary), prints each run
# as it ends, then Markdown tables of median / max per phase and the ratios to the floor.
# Every run is bounded (a run not healed 120 s after its outage counts as failed); a run takes 5-25 s,
# RUNS=5 about 7 minutes. The watchdog's and the lab's log lines go to target/benchmark.log.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
shift || true
echo "machine: $(nproc) cores; $(uptime)"
scripts/fetch-consul.sh >/dev/null
mvn -B -q -ntp test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
status=0
java -Dconsulwatchdog.log.level=INFO -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  io.consulwatchdog.bench.RecoveryBenchmark "$runs" "$@" 2>target/benchmark.log || status=$?
echo "machine after: $(uptime)"
exit "$status"
