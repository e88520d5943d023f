#!/usr/bin/env bash
# Provides promtool (Prometheus' rule checker and rule unit-test runner) for the tests, without
# installing the prometheus service: Debian's `prometheus` package would start a daemon from its
# maintainer scripts, which fails in a container without systemd.
# Order: $PROMTOOL_BIN, then `promtool` on PATH, then the cached copy, then the download.
# Prints the absolute path of the binary on stdout; progress goes to stderr.
set -euo pipefail
exec bash "$(dirname "$0")/fetch-deb-binary.sh" prometheus promtool PROMTOOL_BIN \
  "${PROMTOOL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/consul-watchdog/prometheus}"
