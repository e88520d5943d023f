#!/usr/bin/env bash
# CI hook: installs the Debian packages the lab tests need (idempotent; apt-get update only when
# something is missing). The package list lives in scripts/install-test-deps.sh, shared with
# scripts/test-all.sh. What the executor lab tests use from it:
#   openssh-server (/usr/sbin/sshd), openssh-client (ssh-keygen), sudo (visudo, sudo -n),
#   dbus (dbus-daemon), systemd (systemd --user, systemctl, busctl), procps (ps in the consul scripts).
set -euo pipefail
exec bash "$(dirname "$0")/../scripts/install-test-deps.sh" "$@"
