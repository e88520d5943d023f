#!/usr/bin/env bash
# Controls one lab Consul server the way a service manager would: start|stop|restart|status.
# Written by io.consulwatchdog.lab.LabCluster into the server's directory, next to:
#   consul.args  the consul binary, then one argument per line (no shell parsing, no quoting)
#   consul.pid   the pid of the running consul, written by the launched process itself
#   consul.log   consul's output
#   data/        the data dir, passed as -data-dir (this is also how the pid is recognised as ours)
# Exit codes: 0 done (also when already in the asked state), 1 failed, 2 usage, 3 status: not running.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
pidfile="$here/consul.pid"
logfile="$here/consul.log"
argsfile="$here/consul.args"
datadir="$here/data"

# Prints the state letter of a process (R, S, Z...), nothing if it does not exist.
proc_state() {
  sed -e 's/^.*) //' "/proc/$1/stat" 2>/dev/null | cut -d ' ' -f 1 || true
}

# Succeeds if the process exists and is not a zombie.
proc_alive() {
  case "$(proc_state "$1")" in ''|Z|X) return 1 ;; *) return 0 ;; esac
}

# Succeeds if the process's main thread is a zombie while its other threads still exit (and may
# still hold its ports).
proc_exiting() {
  case "$(proc_state "$1")" in
    Z|X) [ "$(ls "/proc/$1/task" 2>/dev/null | wc -l)" -gt 1 ] ;;
    *) return 1 ;;
  esac
}

# Prints the pid from the pidfile if that process is alive and runs with our data dir.
live_pid() {
  local pid
  [ -s "$pidfile" ] || return 1
  pid=$(head -n 1 "$pidfile")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  proc_alive "$pid" || return 1
  tr '\0' '\n' < "/proc/$pid/cmdline" 2>/dev/null | grep -qxF -- "-data-dir=$datadir" || return 1
  printf '%s\n' "$pid"
}

# Succeeds while our consul with this pid has not fully exited (never true for a reused pid).
ours_running() {
  [ "$(live_pid || true)" = "$1" ] || proc_exiting "$1"
}

do_start() {
  local pid
  if pid=$(live_pid); then echo "already running (pid $pid)"; return 0; fi
  if [ -s "$pidfile" ]; then
    # a previous consul may still be closing its ports
    pid=$(head -n 1 "$pidfile")
    for _ in $(seq 1 50); do
      [[ "$pid" =~ ^[0-9]+$ ]] && proc_exiting "$pid" || break
      sleep 0.1
    done
  fi
  [ -s "$argsfile" ] || { echo "missing $argsfile" >&2; return 1; }
  local -a cmd
  mapfile -t cmd < "$argsfile"
  mkdir -p "$datadir"
  rm -f "$pidfile"
  printf '%s ctl.sh: start\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" >> "$logfile"
  # The launched shell writes its own pid, then execs consul in place: the pid is consul's.
  setsid nohup bash -c 'printf "%s\n" "$$" > "$1.tmp" && mv -f "$1.tmp" "$1" && shift && exec "$@"' \
    ctl-launch "$pidfile" "${cmd[@]}" "-data-dir=$datadir" >> "$logfile" 2>&1 < /dev/null &
  local launcher=$!
  for _ in $(seq 1 100); do
    if pid=$(live_pid); then echo "started (pid $pid)"; return 0; fi
    if [ -s "$pidfile" ] && ! proc_alive "$(head -n 1 "$pidfile")"; then break; fi
    if [ ! -s "$pidfile" ] && ! proc_alive "$launcher"; then break; fi
    sleep 0.1
  done
  echo "consul did not stay up; last lines of $logfile:" >&2
  tail -n 5 "$logfile" >&2 || true
  return 1
}

do_stop() {
  local pid
  if ! pid=$(live_pid); then echo "not running"; return 0; fi
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do
    ours_running "$pid" || { echo "stopped (pid $pid)"; return 0; }
    sleep 0.1
  done
  echo "pid $pid still running 10 s after SIGTERM; sending SIGKILL"
  ours_running "$pid" && kill -KILL "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    ours_running "$pid" || { echo "killed (pid $pid)"; return 0; }
    sleep 0.1
  done
  echo "pid $pid still running after SIGKILL" >&2
  return 1
}

do_status() {
  local pid
  if pid=$(live_pid); then echo "running (pid $pid)"; return 0; fi
  echo "not running"
  return 3
}

case "${1:-}" in
  start) do_start ;;
  stop) do_stop ;;
  restart) do_stop && do_start ;;
  status) do_status ;;
  *) echo "usage: $0 start|stop|restart|status" >&2; exit 2 ;;
esac
