#!/usr/bin/env bash
# Provides promtool (Prometheus' rule checker and rule unit-test runner) for the tests, without
# installing the prometheus service: Debian's `prometheus` package would start a daemon from its
# maintainer scripts, which fails in a container without systemd. The .deb is downloaded with this
# machine's own apt configuration and only unpacked (dpkg -x) into a private folder.
# Order: $PROMTOOL_BIN, then `promtool` on PATH, then the cached copy, then the download.
# Prints the absolute path of the binary on stdout; progress goes to stderr.
set -euo pipefail

cache_dir="${PROMTOOL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/consul-watchdog/prometheus}"
log() { printf 'fetch-promtool: %s\n' "$*" >&2; }

if [ -n "${PROMTOOL_BIN:-}" ]; then
  [ -x "$PROMTOOL_BIN" ] || { log "PROMTOOL_BIN=$PROMTOOL_BIN is not an executable file"; exit 66; }
  printf '%s\n' "$PROMTOOL_BIN"; exit 0
fi
if command -v promtool >/dev/null 2>&1; then
  command -v promtool; exit 0
fi
if [ -x "$cache_dir/usr/bin/promtool" ]; then
  printf '%s\n' "$cache_dir/usr/bin/promtool"; exit 0
fi

run() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
work="$cache_dir/download"
rm -rf "$work"
mkdir -p "$work"
# as root apt would download as _apt, which cannot write to a private folder under $HOME
apt_opts=()
[ "$(id -u)" = 0 ] && apt_opts+=(-o "APT::Sandbox::User=root")
download() { ( cd "$work" && apt-get "${apt_opts[@]}" -qq download prometheus >&2 ); }
if ! download; then
  log "apt-get download failed; refreshing the package lists (apt-get update) and retrying"
  for attempt in 1 2 3; do
    if run apt-get update -qq >&2 && download; then break; fi
    [ "$attempt" = 3 ] && { log "could not download Debian's prometheus package"; exit 69; }
    sleep 5
  done
fi
deb=$(ls -1 "$work"/prometheus_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { log "prometheus package not downloaded"; exit 69; }
log "unpacking promtool from $(basename "$deb")"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work" ./usr/bin/promtool
mkdir -p "$cache_dir/usr/bin"
mv "$work/usr/bin/promtool" "$cache_dir/usr/bin/promtool"
rm -rf "$work"
"$cache_dir/usr/bin/promtool" --version >/dev/null 2>&1 || { log "unpacked promtool does not run"; exit 70; }
printf '%s\n' "$cache_dir/usr/bin/promtool"
