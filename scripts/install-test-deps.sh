#!/usr/bin/env bash
# Installs the Debian packages the tests need, once; idempotent. Uses sudo when not root.
set -euo pipefail
packages=(openssh-server openssh-client dbus dbus-user-session systemd procps iproute2 sudo)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && { echo "install-test-deps: all present"; exit 0; }
run() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
echo "install-test-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
for attempt in 1 2 3; do
  if run apt-get update -qq && run apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
    exit 0
  fi
  echo "install-test-deps: attempt $attempt failed; retrying" >&2
  sleep 5
done
echo "install-test-deps: could not install ${missing[*]}" >&2
exit 69
