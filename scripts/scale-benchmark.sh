#!/usr/bin/env bash
# Scale benchmark: one watchdog daemon (detect-only, poll 1 s) watching 50 simulated clusters x 5 agents
# that replay captured Consul 1.8.7 answers, for SECONDS (default 60); prints polls/s, tick lateness, poll
# durations, missed ticks, RSS, CPU and threads. The simulator runs as a process of its own; the daemon's
# JVM gets the launcher's default JVM options and malloc arena cap (bin/consul-watchdog), so the figures are the
# shipped ones.
#   scripts/scale-benchmark.sh [SECONDS] [SIMULATOR OPTIONS...]
#   e.g. scripts/scale-benchmark.sh 60 --faults hang=5,refuse=5,http500=5,garbage=5 --latency 5ms
# Simulator options: --clusters 50 --state five-healthy --poll-interval 1s --request-timeout 800ms
#   --latency 2ms --jitter 8ms --faults KIND=N,... --handler-threads 4
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/bench.sh
. scripts/lib/bench.sh
seconds="${1:-60}"
shift || true
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "usage: $0 [SECONDS] [SIMULATOR OPTIONS...]" >&2; exit 64; }
out=target/scale-benchmark
rm -rf "$out"
mkdir -p "$out"
mvn -B -q -ntp test-compile dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt
cp="target/test-classes:target/classes:$(cat target/test-classpath.txt)"
jvm_options=$(launcher_java_opts)
[ -n "$jvm_options" ] || { echo "$0: cannot read default_java_opts from bin/consul-watchdog" >&2; exit 70; }

java -XX:+UseSerialGC -cp "$cp" io.consulwatchdog.bench.SimulatorMain --out "$out" \
  --max-runtime "$((seconds + 300))s" "$@" >"$out/simulator.log" 2>&1 &
simulator=$!
trap 'stop_pid "$simulator"' EXIT
await_ready "$simulator" "$out/ready" "$out/simulator.log" 60
head -1 "$out/simulator.log"
echo "load before: $(uptime)"
# shellcheck disable=SC2086 # the options are words
MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" java $jvm_options -Dconsulwatchdog.log.level=WARN -cp "$cp" io.consulwatchdog.bench.ScaleBenchmark \
  --config "$out/config.yml" --duration "${seconds}s" \
  --ticks-csv "$out/ticks.csv" 2>"$out/daemon.log"
echo "load after: $(uptime)"
stop_pid "$simulator"
tail -1 "$out/simulator.log"
echo "daemon log: $out/daemon.log ($(wc -l <"$out/daemon.log") lines, state changes only)"
