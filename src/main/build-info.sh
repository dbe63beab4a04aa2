#!/usr/bin/env bash
# Writes the build facts `tlsscope version` reports (io.tlsscope.buildinfo.BuildInfo reads them):
# the version, the git commit of the source tree and whether it had uncommitted changes, the build
# date. Called by Maven in generate-resources. Outside a git tree the commit is "unknown".
# usage: build-info.sh OUT_FILE VERSION DATE
set -euo pipefail
out=$1 version=$2 date=$3
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
# the git command itself, which knows linked worktrees (JGit-based plugins read the main one's HEAD)
commit=$(git rev-parse HEAD 2>/dev/null || echo unknown)
dirty=false
if [ "$commit" != unknown ] && [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then dirty=true; fi
mkdir -p "$(dirname "$out")"
printf '# written by src/main/build-info.sh\nversion=%s\ncommit=%s\ncommit.dirty=%s\nbuild.date=%s\n' \
  "$version" "$commit" "$dirty" "$date" > "$out"
