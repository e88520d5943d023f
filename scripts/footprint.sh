#!/usr/bin/env bash
# Footprint benchmark: the shipped launcher (bin/consul-watchdog run, its default JVM options unless
# JAVA_OPTS is set) watching 3 real Consul 1.8.7 clusters of 3 servers (poll 1 s, detect-only) for
# SECONDS (default 180); prints start -> first complete poll, RSS and CPU of the watchdog process.
#   scripts/footprint.sh [SECONDS]
#   JAVA_OPTS="-Xmx64m ..." scripts/footprint.sh 60     # measure other JVM options
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-180}"
[[ "$seconds" =~ ^[0-9]+$ ]] || { echo "usage: $0 [SECONDS]" >&2; exit 64; }
out=target/footprint
rm -rf "$out"
mkdir -p "$out"
scripts/fetch-consul.sh >/dev/null
mvn -B -q -ntp package -DskipTests dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/test-classpath.txt
cp="target/test-classes:target/classes:$(cat target/test-classpath.txt)"

java -XX:+UseSerialGC -cp "$cp" io.consulwatchdog.bench.FootprintLab --out "$out" \
  --max-runtime "$((seconds + 600))s" >"$out/lab.log" 2>&1 &
lab=$!
watchdog=""
stop_all() {
  if [ -n "$watchdog" ] && kill -0 "$watchdog" 2>/dev/null; then
    kill -TERM "$watchdog"
    wait "$watchdog" 2>/dev/null || true
  fi
  if kill -0 "$lab" 2>/dev/null; then
    kill -TERM "$lab" # its shutdown hook kills every Consul server it started, by PID
    wait "$lab" 2>/dev/null || true
  fi
}
trap stop_all EXIT
for _ in $(seq 1 1800); do
  [ -f "$out/ready" ] && break
  kill -0 "$lab" 2>/dev/null || { cat "$out/lab.log" >&2; echo "$0: lab died" >&2; exit 70; }
  sleep 0.1
done
[ -f "$out/ready" ] || { echo "$0: lab clusters not ready after 180 s" >&2; exit 75; }
clusters=$(grep -c '^  - name:' "$out/config.yml")
sleep 5 # let the labs settle (elections, autopilot) before measuring
load_before=$(uptime)
jar_opts=$(sed -n 's/^default_java_opts="\(.*\)"$/\1/p' bin/consul-watchdog)

started_ms=$(date +%s%3N)
bin/consul-watchdog run --config "$out/config.yml" 2>"$out/watchdog.log" &
watchdog=$!
rss_max=0
threads_max=0
first_ms=""
all_ms=""
deadline=$((started_ms + seconds * 1000))
while [ "$(date +%s%3N)" -lt "$deadline" ]; do
  kill -0 "$watchdog" 2>/dev/null || { cat "$out/watchdog.log" >&2; echo "$0: watchdog died" >&2; exit 70; }
  if [ -z "$all_ms" ]; then
    mapfile -t polled < <(grep -o '^[0-9T:.-]*Z .*State (start) ->' "$out/watchdog.log" | cut -d' ' -f1)
    if [ "${#polled[@]}" -ge 1 ] && [ -z "$first_ms" ]; then first_ms=$(date -d "${polled[0]}" +%s%3N); fi
    if [ "${#polled[@]}" -ge "$clusters" ]; then all_ms=$(date -d "${polled[$((clusters - 1))]}" +%s%3N); fi
    sleep 0.05
  else
    sleep 1
  fi
  rss=$(awk '/^VmRSS:/ {print $2}' "/proc/$watchdog/status" 2>/dev/null || echo 0)
  threads=$(awk '/^Threads:/ {print $2}' "/proc/$watchdog/status" 2>/dev/null || echo 0)
  [ "${rss:-0}" -gt "$rss_max" ] && rss_max=$rss
  [ "${threads:-0}" -gt "$threads_max" ] && threads_max=$threads
done
ended_ms=$(date +%s%3N)
read -r rss_end hwm < <(awk '/^VmRSS:/ {r=$2} /^VmHWM:/ {h=$2} END {print r, h}' "/proc/$watchdog/status")
ticks=$(awk '{print $14 + $15}' "/proc/$watchdog/stat")
cpu=$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t / hz}')
load_after=$(uptime)
stop_all

ms() { if [ -n "$1" ]; then awk -v d="$(($1 - started_ms))" 'BEGIN {printf "%.2f s", d / 1000}'; else echo "never"; fi; }
elapsed=$(awk -v d="$((ended_ms - started_ms))" 'BEGIN {printf "%.0f", d / 1000}')
echo
echo "footprint: bin/consul-watchdog run, $clusters real Consul 1.8.7 clusters x 3 servers, poll 1 s, ${elapsed} s"
echo "JVM options: ${JAVA_OPTS:-$jar_opts}"
echo "| figure | value |"
echo "|---|---|"
echo "| start -> first complete poll (first cluster / all $clusters) | $(ms "$first_ms") / $(ms "$all_ms") |"
echo "| RSS: max sampled / at the end / peak (VmHWM) | $((rss_max / 1024)) MiB / $((rss_end / 1024)) MiB / $((hwm / 1024)) MiB |"
echo "| CPU time (user + system, whole run incl. JVM start) | $cpu s = $(awk -v c="$cpu" -v s="$elapsed" 'BEGIN {printf "%.1f", 100 * c / s}')% of one core |"
echo "| threads (max sampled) | $threads_max |"
echo "load before: $load_before"
echo "load after:  $load_after"
