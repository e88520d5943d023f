#!/usr/bin/env bash
# Installs the Debian packages the tests need, once; idempotent. Uses sudo when not root.
# promtool (from Debian's prometheus package) is unpacked privately by scripts/fetch-promtool.sh
# rather than installed: installing the package would start a Prometheus service.
set -euo pipefail
cd "$(dirname "$0")/.."
packages=(openssh-server openssh-client dbus dbus-user-session systemd procps iproute2 sudo adduser)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
install_missing() {
  [ ${#missing[@]} -eq 0 ] && { echo "install-test-deps: all packages present"; return 0; }
  run() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
  echo "install-test-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  for attempt in 1 2 3; do
    if run apt-get update -qq && run apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
      return 0
    fi
    echo "install-test-deps: attempt $attempt failed; retrying" >&2
    sleep 5
  done
  echo "install-test-deps: could not install ${missing[*]}" >&2
  exit 69
}
install_missing
echo "install-test-deps: promtool at $(scripts/fetch-promtool.sh)"
echo "install-test-deps: etcd (HA tests; unpacked, no service) at $(scripts/fetch-etcd.sh)"
