#!/usr/bin/env bash
# Provides a Consul binary for tests and the demo, without root-wide changes.
# Order: $CONSUL_BIN, then `consul` on PATH, then Debian bullseye's consul package (1.8.7)
# fetched with apt into a private folder, reusing the mirror URI of this machine's own apt sources.
# Prints the absolute path of the binary on stdout; progress goes to stderr.
set -euo pipefail

cache_dir="${CONSUL_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/consul-watchdog}"
log() { printf 'fetch-consul: %s\n' "$*" >&2; }

if [ -n "${CONSUL_BIN:-}" ]; then
  [ -x "$CONSUL_BIN" ] || { log "CONSUL_BIN=$CONSUL_BIN is not an executable file"; exit 66; }
  printf '%s\n' "$CONSUL_BIN"; exit 0
fi
if command -v consul >/dev/null 2>&1; then
  command -v consul; exit 0
fi
if [ -x "$cache_dir/usr/bin/consul" ]; then
  printf '%s\n' "$cache_dir/usr/bin/consul"; exit 0
fi

# The machine's Debian mirror: first URI of a deb822 entry or one-line entry naming a Debian suite
# that is not the security archive.
mirror_uri() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    awk 'BEGIN{RS=""; FS="\n"}
      { uris=""; suites="";
        for (i=1;i<=NF;i++) { if ($i ~ /^URIs:/) { sub(/^URIs:[ \t]*/,"",$i); uris=$i }
                              if ($i ~ /^Suites:/) { sub(/^Suites:[ \t]*/,"",$i); suites=$i } }
        if (uris != "" && suites !~ /security/ && uris !~ /security/) { split(uris,u," "); print u[1]; exit } }' "$f"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk '$1=="deb" && $0 !~ /security/ { for (i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) { print $i; exit } }' "$f"
  done
}
uri=$(mirror_uri | head -n 1)
[ -n "$uri" ] || { log "no Debian mirror found in /etc/apt/sources.list*; set CONSUL_BIN"; exit 69; }
log "using this machine's Debian mirror for bullseye's consul package"

work="$cache_dir/apt"
mkdir -p "$work/lists/partial" "$work/archives/partial" "$work/etc" "$cache_dir"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
if [ -f "$keyring" ]; then
  printf 'deb [signed-by=%s] %s bullseye main\n' "$keyring" "$uri" > "$work/etc/sources.list"
else
  printf 'deb %s bullseye main\n' "$uri" > "$work/etc/sources.list"
fi
apt_opts=(-o "Dir::Etc::SourceList=$work/etc/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
          -o "Dir::State::Lists=$work/lists" -o "Dir::Cache=$work" -o "Dir::Cache::archives=$work/archives"
          -o "APT::Get::List-Cleanup=false" -o "Debug::NoLocking=true")
# as root apt would download as _apt, which cannot write to a private folder under $HOME
[ "$(id -u)" = 0 ] && apt_opts+=(-o "APT::Sandbox::User=root")
log "apt-get update (private lists under $work)"
for attempt in 1 2 3; do
  if apt-get "${apt_opts[@]}" -qq update >&2; then break; fi
  [ "$attempt" = 3 ] && { log "apt-get update failed 3 times"; exit 69; }
  sleep 5
done
( cd "$work/archives" && apt-get "${apt_opts[@]}" -qq download consul >&2 )
deb=$(ls -1 "$work"/archives/consul_*.deb | head -n 1)
[ -n "$deb" ] || { log "consul package not downloaded"; exit 69; }
log "unpacking $(basename "$deb")"
dpkg -x "$deb" "$cache_dir"
[ -x "$cache_dir/usr/bin/consul" ] || { log "no usr/bin/consul in $deb"; exit 70; }
printf '%s\n' "$cache_dir/usr/bin/consul"
