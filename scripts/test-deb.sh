#!/usr/bin/env bash
# Installs the Debian package that `mvn package` built (dpkg -i), checks what it installed and that
# the installed commands work (as the service user), verifies the unit with systemd-analyze, then
# purges the package and checks that the user and the state directory are gone. Any failure fails the
# script. Needs root (uses sudo otherwise). Called by scripts/test-all.sh after `mvn verify`.
set -euo pipefail
cd "$(dirname "$0")/.."

passed=0
ok() { passed=$((passed + 1)); echo "test-deb: ok: $*"; }
fail() { echo "test-deb: FAILED: $*" >&2; echo "test-deb: $passed passed, 1 failed"; exit 1; }
run() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
mode_owner() { stat -c '%a %U:%G' "$1"; }

shopt -s nullglob
debs=(target/consul-watchdog_*_all.deb)
[ ${#debs[@]} -eq 1 ] || fail "expected one target/consul-watchdog_*_all.deb (run mvn package first), found ${#debs[@]}"
deb=${debs[0]}
# never destroy a real installation or a user that the package did not create
if dpkg-query -W -f='${db:Status-Status}' consul-watchdog 2>/dev/null | grep -qv '^not-installed$'; then
  fail "the package consul-watchdog is already on this machine; this test would purge it (dpkg --purge consul-watchdog first)"
fi
if getent passwd consul-watchdog >/dev/null; then
  fail "a user consul-watchdog exists already; purging the package would delete it"
fi

installed=false
cleanup() {
  if $installed; then
    run dpkg --purge consul-watchdog >/dev/null 2>&1 || echo "test-deb: could not purge consul-watchdog" >&2
  fi
}
trap cleanup EXIT

run dpkg -i "$deb" || fail "dpkg -i $deb"
installed=true
ok "dpkg -i $deb"

for f in /usr/share/consul-watchdog/consul-watchdog.jar /lib/systemd/system/consul-watchdog.service \
         /usr/share/polkit-1/rules.d/50-consul-watchdog.rules /usr/share/consul-watchdog/sudoers.d/consul-watchdog \
         /etc/consul-watchdog/config.yml /usr/share/bash-completion/completions/consul-watchdog \
         /usr/share/consul-watchdog/prometheus/alerts.yml /usr/share/consul-watchdog/grafana/consul-watchdog.json; do
  [ -f "$f" ] || fail "the package did not install $f"
done
[ -x /usr/bin/consul-watchdog ] || fail "/usr/bin/consul-watchdog is not an executable file"
ok "jar, launcher, unit, polkit rule, sudoers file, config, completion, alerts and dashboard installed"

[ "$(mode_owner /usr/share/consul-watchdog/sudoers.d/consul-watchdog)" = "440 root:root" ] \
  || fail "sudoers file is $(mode_owner /usr/share/consul-watchdog/sudoers.d/consul-watchdog), not 440 root:root"
if command -v visudo >/dev/null 2>&1; then
  run visudo -cqf /usr/share/consul-watchdog/sudoers.d/consul-watchdog >/dev/null \
    || fail "visudo -c rejects the shipped sudoers file"
fi
ok "sudoers file has mode 0440 and parses"

dpkg-query -W -f='${Conffiles}\n' consul-watchdog | grep -q '^ /etc/consul-watchdog/config.yml ' \
  || fail "/etc/consul-watchdog/config.yml is not a conffile"
ok "/etc/consul-watchdog/config.yml is a conffile"

entry=$(getent passwd consul-watchdog) || fail "postinst did not create the user consul-watchdog"
uid=$(echo "$entry" | cut -d: -f3)
[ "$uid" -lt 1000 ] || fail "consul-watchdog is not a system user (uid $uid)"
[ "$(echo "$entry" | cut -d: -f7)" = /usr/sbin/nologin ] || fail "consul-watchdog has a login shell: $entry"
getent group consul-watchdog >/dev/null || fail "postinst did not create the group consul-watchdog"
[ "$(mode_owner /var/lib/consul-watchdog)" = "750 consul-watchdog:consul-watchdog" ] \
  || fail "/var/lib/consul-watchdog is $(mode_owner /var/lib/consul-watchdog), not 750 consul-watchdog:consul-watchdog"
[ "$(mode_owner /etc/consul-watchdog)" = "750 root:consul-watchdog" ] \
  || fail "/etc/consul-watchdog is $(mode_owner /etc/consul-watchdog), not 750 root:consul-watchdog"
ok "system user consul-watchdog (uid $uid, nologin), /var/lib/consul-watchdog and /etc/consul-watchdog"

expected=$(sed -n 's/^version=//p' target/classes/io/consulwatchdog/metrics/build.properties)
[ -n "$expected" ] || fail "no version in target/classes/io/consulwatchdog/metrics/build.properties"
version=$(run runuser -u consul-watchdog -- /usr/bin/consul-watchdog --version) || fail "consul-watchdog --version failed"
[ "$version" = "consul-watchdog $expected" ] || fail "consul-watchdog --version printed '$version', not 'consul-watchdog $expected'"
ok "consul-watchdog --version: $version"

out=$(cd / && run runuser -u consul-watchdog -- /usr/bin/consul-watchdog validate --syntax-only \
        --config /etc/consul-watchdog/config.yml 2>&1) \
  || fail "validate --syntax-only rejects the shipped config: $out"
echo "$out" | grep -q 'config.yml: valid (syntax only' || fail "validate --syntax-only printed: $out"
ok "the service user validates the shipped /etc/consul-watchdog/config.yml (--syntax-only)"

# Without --syntax-only the example names a token file that an operator has yet to write: config error.
set +e
out=$(cd / && run runuser -u consul-watchdog -- /usr/bin/consul-watchdog validate \
        --config /etc/consul-watchdog/config.yml 2>&1)
rc=$?
set -e
[ "$rc" = 78 ] || fail "validate without --syntax-only exited $rc, not 78 (EX_CONFIG): $out"
echo "$out" | grep -q 'acl_token.file: must be a readable file' || fail "validate's error does not name the token file: $out"
ok "validate without --syntax-only exits 78 naming the missing token file"

bash -n /usr/share/bash-completion/completions/consul-watchdog || fail "the completion script is not valid bash"
ok "bash completion script parses"

if command -v systemd-analyze >/dev/null 2>&1; then
  out=$(run systemd-analyze verify /lib/systemd/system/consul-watchdog.service 2>&1) \
    || fail "systemd-analyze verify consul-watchdog.service: $out"
  [ -z "$out" ] || fail "systemd-analyze verify consul-watchdog.service warns: $out"
  ok "systemd-analyze verify /lib/systemd/system/consul-watchdog.service"
else
  echo "test-deb: systemd-analyze not installed; unit not verified"
fi

run dpkg --purge consul-watchdog || fail "dpkg --purge consul-watchdog"
installed=false
! getent passwd consul-watchdog >/dev/null || fail "the user consul-watchdog is still there after purge"
! getent group consul-watchdog >/dev/null || fail "the group consul-watchdog is still there after purge"
for gone in /var/lib/consul-watchdog /etc/consul-watchdog /usr/bin/consul-watchdog /usr/share/consul-watchdog \
            /lib/systemd/system/consul-watchdog.service; do
  [ ! -e "$gone" ] || fail "$gone is still there after purge"
done
ok "dpkg --purge removed the files, the user, the group and /var/lib/consul-watchdog"

echo "test-deb: $passed passed, 0 failed"
