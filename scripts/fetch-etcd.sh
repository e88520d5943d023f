#!/usr/bin/env bash
# Provides the etcd server binary for the HA tests (the etcd coordination backend), without installing
# the etcd service: Debian's `etcd-server` package enables and starts etcd.service on the default ports
# from its maintainer scripts. The tests start etcd themselves on 127.0.0.1 with their own data dir and
# ports, and stop it by PID.
# Order: $ETCD_BIN, then `etcd` on PATH, then the cached copy, then the download.
# Prints the absolute path of the binary on stdout; progress goes to stderr.
set -euo pipefail
exec bash "$(dirname "$0")/fetch-deb-binary.sh" etcd-server etcd ETCD_BIN \
  "${ETCD_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/consul-watchdog/etcd}"
