#!/usr/bin/env bash
# Provides one binary from a Debian package without installing the package (whose maintainer scripts
# would start a service): the .deb is downloaded with this machine's own apt configuration and only
# unpacked (dpkg-deb) into a private folder. Used by fetch-promtool.sh and fetch-etcd.sh.
# Usage: fetch-deb-binary.sh PACKAGE BINARY OVERRIDE_VAR CACHE_DIR
#   order: $OVERRIDE_VAR, then BINARY on PATH, then CACHE_DIR/usr/bin/BINARY, then the download.
# Prints the absolute path of the binary on stdout; progress goes to stderr.
set -euo pipefail
package=$1 binary=$2 override_var=$3 cache_dir=$4
log() { printf 'fetch-%s: %s\n' "$binary" "$*" >&2; }

override="${!override_var:-}"
if [ -n "$override" ]; then
  [ -x "$override" ] || { log "$override_var=$override is not an executable file"; exit 66; }
  printf '%s\n' "$override"; exit 0
fi
if command -v "$binary" >/dev/null 2>&1; then
  command -v "$binary"; exit 0
fi
if [ -x "$cache_dir/usr/bin/$binary" ]; then
  printf '%s\n' "$cache_dir/usr/bin/$binary"; exit 0
fi

run() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
work="$cache_dir/download"
rm -rf "$work"
mkdir -p "$work"
# as root apt would download as _apt, which cannot write to a private folder under $HOME
apt_opts=()
[ "$(id -u)" = 0 ] && apt_opts+=(-o "APT::Sandbox::User=root")
download() { ( cd "$work" && apt-get "${apt_opts[@]}" -qq download "$package" >&2 ); }
if ! download; then
  log "apt-get download failed; refreshing the package lists (apt-get update) and retrying"
  for attempt in 1 2 3; do
    if run apt-get update -qq >&2 && download; then break; fi
    [ "$attempt" = 3 ] && { log "could not download Debian's $package package"; exit 69; }
    sleep 5
  done
fi
deb=$(ls -1 "$work/${package}"_*.deb 2>/dev/null | head -n 1)
[ -n "$deb" ] || { log "$package package not downloaded"; exit 69; }
log "unpacking $binary from $(basename "$deb")"
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work" "./usr/bin/$binary"
mkdir -p "$cache_dir/usr/bin"
mv "$work/usr/bin/$binary" "$cache_dir/usr/bin/$binary"
rm -rf "$work"
"$cache_dir/usr/bin/$binary" --version >/dev/null 2>&1 || { log "unpacked $binary does not run"; exit 70; }
printf '%s\n' "$cache_dir/usr/bin/$binary"
