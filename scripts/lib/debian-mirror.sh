# shellcheck shell=bash
# Sourced: the Debian archives this machine's apt already uses, so no mirror host is written into
# the project. `apt-get indextargets` reads the configured sources (one-line and deb822 alike).
#   debian_mirror            base URI of the archive serving this release's suite (e.g. bookworm)
#   debian_security_mirror   base URI of the archive serving <codename>-security
# Both fail with a message naming what is missing from the apt sources.

debian_codename() {
  # shellcheck disable=SC1091 # the machine's own release file
  (. /etc/os-release && echo "${VERSION_CODENAME:?}")
}

# debian_repo_uri SUITE: the base URI of the configured source that serves SUITE
debian_repo_uri() {
  local suite="$1" uri
  uri="$(apt-get indextargets --format '$(RELEASE) $(REPO_URI)' 2>/dev/null | awk -v suite="$suite" '$1 == suite {print $2; exit}')"
  if [ -z "$uri" ]; then
    echo "no apt source for suite $suite on this machine (see /etc/apt/sources.list*); add one or run apt-get update" >&2
    return 1
  fi
  echo "${uri%/}"
}

debian_mirror() { debian_repo_uri "$(debian_codename)"; }
debian_security_mirror() { debian_repo_uri "$(debian_codename)-security"; }
