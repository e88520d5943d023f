#!/usr/bin/env bash
# Footprint benchmark: the shipped launcher (bin/consul-watchdog run, its default JVM options unless
# JAVA_OPTS is set) watching 3 real Consul 1.8.7 clusters of 3 servers (poll 1 s, detect-only).
# Prints start -> first complete poll of every cluster for
#   1. a first start (no class-data-sharing archive yet: the launcher has it written at exit),
#   2. a second start (the launcher checks that archive, then uses it),
#   3. the measured run of SECONDS (default 180) with the archive, which also gives RSS, CPU and threads.
#   scripts/footprint.sh [SECONDS]
#   JAVA_OPTS="-Xmx64m ..." scripts/footprint.sh 60     # measure other JVM options
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/bench.sh
. scripts/lib/bench.sh
seconds="${1:-180}"
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "usage: $0 [SECONDS]" >&2; exit 64; }
out=target/footprint
rm -rf "$out"
mkdir -p "$out/cds"
export CONSUL_WATCHDOG_CDS_DIR="$PWD/$out/cds" # a fresh archive for every benchmark
scripts/fetch-consul.sh >/dev/null
mvn -B -q -ntp package -DskipTests dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/test-classpath.txt
cp="target/test-classes:target/classes:$(cat target/test-classpath.txt)"

java -XX:+UseSerialGC -cp "$cp" io.consulwatchdog.bench.FootprintLab --out "$out" \
  --max-runtime "$((seconds + 600))s" >"$out/lab.log" 2>&1 &
lab=$!
watchdog=""
stop_watchdog() {
  if [ -n "$watchdog" ]; then stop_pid "$watchdog"; fi
  watchdog=""
}
stop_all() {
  stop_watchdog
  stop_pid "$lab" 60 # its shutdown hook kills every Consul server it started, by PID
}
trap stop_all EXIT
await_ready "$lab" "$out/ready" "$out/lab.log" 180
clusters=$(grep -c '^  - name:' "$out/config.yml")
sleep 5 # let the labs settle (elections, autopilot) before measuring

now_ms() { date +%s%3N; }
start_watchdog() { # LOG: starts the launcher in the background, sets watchdog and started_ms
  started_ms=$(now_ms)
  bin/consul-watchdog run --config "$out/config.yml" 2>"$1" &
  watchdog=$!
}
polled_ms() { # LOG N: when the N-th "State (start)" line (one per cluster's first poll) was logged, or nothing
  local line
  line=$(grep -o '^[0-9T:.-]*Z .*State (start) ->' "$1" | sed -n "${2}p" | cut -d' ' -f1)
  if [ -n "$line" ]; then date -d "$line" +%s%3N; fi
}
await_first_polls() { # LOG: waits (at most 60 s) for every cluster's first poll; prints seconds since start
  local all=""
  for _ in $(seq 1 1200); do
    all=$(polled_ms "$1" "$clusters")
    [ -n "$all" ] && break
    kill -0 "$watchdog" 2>/dev/null || { cat "$1" >&2; echo "$0: watchdog died" >&2; exit 70; }
    sleep 0.05
  done
  if [ -n "$all" ]; then awk -v d="$((all - started_ms))" 'BEGIN {printf "%.2f s", d / 1000}'; else echo "never"; fi
}

load_before=$(uptime)
start_watchdog "$out/watchdog-first.log"
first_start=$(await_first_polls "$out/watchdog-first.log")
sleep 2
stop_watchdog # the launcher had the JVM write its class-data-sharing archive at this exit
start_watchdog "$out/watchdog-second.log"
second_start=$(await_first_polls "$out/watchdog-second.log")
sleep 2
stop_watchdog

start_watchdog "$out/watchdog.log"
measured_start=$(await_first_polls "$out/watchdog.log")
rss_max=0
threads_max=0
deadline=$((started_ms + seconds * 1000))
while [ "$(now_ms)" -lt "$deadline" ]; do
  kill -0 "$watchdog" 2>/dev/null || { cat "$out/watchdog.log" >&2; echo "$0: watchdog died" >&2; exit 70; }
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$watchdog/status")
  threads=$(awk '/^Threads:/ {print $2}' "/proc/$watchdog/status")
  [ "$rss" -gt "$rss_max" ] && rss_max=$rss
  [ "$threads" -gt "$threads_max" ] && threads_max=$threads
  sleep 1
done
ended_ms=$(now_ms)
read -r rss_end hwm threads_end < <(awk '/^VmRSS:/ {r=$2} /^VmHWM:/ {h=$2} /^Threads:/ {t=$2} END {print r, h, t}' \
  "/proc/$watchdog/status")
ticks=$(awk '{print $14 + $15}' "/proc/$watchdog/stat")
cpu=$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t / hz}')
cds_in_use=$(tr '\0' ' ' <"/proc/$watchdog/cmdline" | grep -o 'SharedArchiveFile' || echo "no")
load_after=$(uptime)
stop_all

elapsed=$(awk -v d="$((ended_ms - started_ms))" 'BEGIN {printf "%.0f", d / 1000}')
echo
echo "footprint: bin/consul-watchdog run, $clusters real Consul 1.8.7 clusters x 3 servers, poll 1 s, ${elapsed} s"
echo "JVM options: ${JAVA_OPTS:-$(launcher_java_opts)}"
echo "| figure | value |"
echo "|---|---|"
echo "| start -> first poll of all $clusters clusters: first start (no CDS archive yet) | $first_start |"
echo "| ... second start (checks the archive written at the first exit, then uses it) | $second_start |"
echo "| ... measured run (archive in use: $cds_in_use) | $measured_start |"
echo "| RSS: at the end / max sampled each second / peak (VmHWM) | $((rss_end / 1024)) / $((rss_max / 1024)) / $((hwm / 1024)) MiB |"
echo "| CPU time (user + system, whole run incl. JVM start) | $cpu s = $(awk -v c="$cpu" -v s="$elapsed" 'BEGIN {printf "%.1f", 100 * c / s}')% of one core |"
echo "| threads: at the end / max sampled | $threads_end / $threads_max |"
echo "load before: $load_before"
echo "load after:  $load_after"
