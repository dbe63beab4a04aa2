# shellcheck shell=bash
# Sourced by the scripts that fetch Debian packages for the tests without installing them:
# `apt-get download` under a private apt configuration (own sources list, state and cache under the
# cache folder; nothing under /etc/apt or /var/lib/apt is read or written), unpacked with dpkg-deb -x.
# The caller sets `cache`; fetch_release prints "NAME VERSION ROOT".
: "${cache:?set cache before sourcing debian-fetch.sh}"

# Debian's archive keys (bullseye, bookworm and trixie are all in bookworm's keyring package)
KEYRING=/usr/share/keyrings/debian-archive-keyring.gpg
# the archives this machine's apt already uses (no mirror host is written into the project)
source "$(dirname "${BASH_SOURCE[0]}")/debian-mirror.sh"
DEBIAN_MIRROR=$(debian_mirror) || exit 1
DEBIAN_SECURITY_MIRROR=$(debian_security_mirror) || exit 1

# A private apt for one set of suites.
private_apt() {
  local name="$1" suites="$2" dir="$cache/.apt-$1"
  mkdir -p "$dir/lists/partial" "$dir/archives/partial" "$dir/etc"
  : > "$dir/etc/sources.list"
  for suite in $suites; do
    case "$suite" in
      *-security) echo "deb [signed-by=$KEYRING] $DEBIAN_SECURITY_MIRROR $suite main" ;;
      *) echo "deb [signed-by=$KEYRING] $DEBIAN_MIRROR $suite main" ;;
    esac >> "$dir/etc/sources.list"
  done
  APT_OPTIONS=(-o "Dir::Etc::sourcelist=$dir/etc/sources.list" -o "Dir::Etc::sourceparts=-"
    -o "Dir::State::lists=$dir/lists" -o "Dir::State::status=/dev/null" -o "Dir::Cache=$dir"
    -o "Dir::Cache::archives=$dir/archives" -o "Dir::Etc::trustedparts=-" -o "APT::Architecture=amd64"
    -o "APT::Sandbox::User=root" -o "Debug::NoLocking=true")
  apt-get "${APT_OPTIONS[@]}" -qq update >&2 || { echo "$0: apt-get update for $name ($suites) failed" >&2; exit 1; }
}

# fetch_release NAME "SUITES" "PACKAGES" VERSION_PACKAGE: unpack once into $cache/NAME.
fetch_release() {
  local name="$1" suites="$2" packages="$3" version_package="$4" root="$cache/$1"
  if [ ! -f "$root/.complete" ]; then
    private_apt "$name" "$suites"
    local staging
    staging="$(mktemp -d "$cache/.fetch-XXXXXX")"
    # apt-get download picks the newest version across the suites (security updates included)
    # shellcheck disable=SC2086 # packages is a word list
    (cd "$staging" && apt-get "${APT_OPTIONS[@]}" -qq download $packages >&2) \
      || { echo "$0: apt-get download $packages failed" >&2; rm -rf "$staging"; exit 1; }
    rm -rf "$root"
    mkdir -p "$root"
    for deb in "$staging"/*.deb; do dpkg-deb -x "$deb" "$root"; done
    ls "$staging" > "$root/.packages"
    rm -rf "$staging"
    touch "$root/.complete" # last, so a half-done fetch is redone
  fi
  local version
  version="$(grep -o "^${version_package}_[^_]*" "$root/.packages" | head -n 1 | cut -d_ -f2)"
  echo "$name $version $root"
}
