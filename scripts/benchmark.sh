#!/usr/bin/env bash
# Benchmark: the stuck scenario (a majority of servers replaced) on real 3- and 5-server Consul
# clusters, RUNS times each (default 5); prints the timings of each run, then median and max.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
scripts/fetch-consul.sh >/dev/null
mvn -B -q -ntp test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
exec java -Dconsulwatchdog.log.level=WARN -cp "target/test-classes:target/classes:$(cat target/test-classpath.txt)" \
  io.consulwatchdog.bench.RecoveryBenchmark "$runs"
