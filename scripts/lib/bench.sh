# Shared by the benchmark scripts (sourced, not run): a bounded stop by PID, a bounded wait for a helper
# process's ready file, and the launcher's default JVM options.

# stop_pid PID [SECONDS]: SIGTERM, up to SECONDS (default 10) for the process to end, then SIGKILL; reaps it.
stop_pid() {
  local pid=$1 seconds=${2:-10}
  kill -0 "$pid" 2>/dev/null || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 $((seconds * 10))); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# await_ready PID FILE LOG SECONDS: waits until FILE exists; exits 70 (with LOG) if PID dies, 75 after SECONDS.
await_ready() {
  local pid=$1 file=$2 log=$3 seconds=$4
  for _ in $(seq 1 $((seconds * 10))); do
    [ -f "$file" ] && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; echo "$0: $(basename "$log" .log) died" >&2; exit 70; }
    sleep 0.1
  done
  echo "$0: $(basename "$log" .log) not ready after $seconds s" >&2
  exit 75
}

# launcher_java_opts: the default JVM options of bin/consul-watchdog.
launcher_java_opts() {
  sed -n 's/^default_java_opts="\(.*\)"$/\1/p' bin/consul-watchdog
}
