#!/usr/bin/env bash
# Runs every test, including those against real Consul servers, a real OpenSSH sshd and a real
# systemd user instance. Installs what those need first (Debian packages; uses sudo unless root).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
consul_bin=$(scripts/fetch-consul.sh)
echo "test-all: using Consul at $consul_bin ($("$consul_bin" version | head -n 1))"
exec mvn -B -ntp verify "$@"
