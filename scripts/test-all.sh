#!/usr/bin/env bash
# Runs every test, including those against real Consul servers, a real OpenSSH sshd and a real
# systemd user instance, the Prometheus rule tests and an install of the Debian package.
# Installs what those need first (Debian packages; uses sudo unless root).
set -euo pipefail
cd "$(dirname "$0")/.."
fail() { echo "test-all: FAILED: $*" >&2; exit 1; }
bash scripts/install-test-deps.sh
consul_bin=$(scripts/fetch-consul.sh)
echo "test-all: using Consul at $consul_bin ($("$consul_bin" version | head -n 1))"
promtool=$(scripts/fetch-promtool.sh)
echo "test-all: promtool check rules / test rules ($("$promtool" --version 2>&1 | head -n 1))"
"$promtool" check rules config/prometheus/alerts.yml || fail "promtool check rules config/prometheus/alerts.yml"
"$promtool" test rules config/prometheus/alerts.test.yml config/prometheus/alerts-long.test.yml \
  || fail "promtool test rules (config/prometheus/alerts*.test.yml)"
mvn -B -ntp verify "$@" || fail "mvn verify"
bash scripts/test-deb.sh || fail "scripts/test-deb.sh (install, check and purge the .deb)"
