#!/usr/bin/env bash
# The release bundle: target/dist/tlsscope-<version>-linux-x86_64.tar.gz and its .sha256.
# It holds a jlink'ed Java runtime (only the modules tlsscope uses), the Quarkus application with
# the compiled BPF object, libbpf.so.1 with libelf.so.1 and libz.so.1 (so a host needs only
# glibc >= 2.33), bin/tlsscope, the systemd unit, a commented default config, and the licences.
#   scripts/release.sh                 the version in pom.xml
#   scripts/release.sh --version V     another version string for the same sources (the fleet
#                                      test's upgrade uses this to make a second bundle)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

usage() { echo "usage: $0 [--version VERSION]" >&2; exit 2; }

version=""
while [ $# -gt 0 ]; do
  case "$1" in
    --version) [ $# -ge 2 ] || usage; version="$2"; shift 2 ;;
    *) usage ;;
  esac
done
if [ -z "$version" ]; then
  version=$(python3 -c 'import xml.etree.ElementTree as t; print(t.parse("pom.xml").getroot().find("{http://maven.apache.org/POM/4.0.0}version").text)')
fi
[[ "$version" =~ ^[0-9A-Za-z][0-9A-Za-z.+_~-]*$ ]] || { echo "$0: version '$version' has characters a file name should not" >&2; exit 2; }

source scripts/java-home.sh
name="tlsscope-$version-linux-x86_64"
dist=target/dist
stage="$dist/$name.staging"
root="$stage/tlsscope-$version"

echo "release: building tlsscope $version"
./mvnw -B -q -DskipTests "-Dtlsscope.release.version=$version" package \
  org.cyclonedx:cyclonedx-maven-plugin:2.9.3:makeBom -DoutputFormat=json -DoutputName=sbom -DincludeTestScope=false

rm -rf "$stage" "$dist/$name.tar.gz" "$dist/$name.tar.gz.sha256"
mkdir -p "$root/lib" "$root/licenses/debian"

# The Java modules tlsscope uses, from `jdeps --print-module-deps` over target/quarkus-app, plus
# what only reflection or an operator reaches: jdk.management.agent and java.management.rmi for
# remote JMX (README), jdk.zipfs for jar file systems, jdk.crypto.ec and jdk.crypto.cryptoki are
# left out (EC is in java.base since JDK 22).
modules=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.management.rmi,java.naming,java.net.http,java.security.jgss,java.sql,java.transaction.xa,java.xml,jdk.jfr,jdk.management,jdk.management.agent,jdk.net,jdk.unsupported,jdk.zipfs
"$JAVA_HOME/bin/jlink" --add-modules "$modules" --output "$root/runtime" \
  --strip-debug --no-header-files --no-man-pages --compress=zip-6

cp -a target/quarkus-app "$root/app"
install -m 0755 deploy/bundle/bin/tlsscope -D "$root/bin/tlsscope"
install -m 0644 deploy/bundle/tlsscope.service -D "$root/systemd/tlsscope.service"
install -m 0644 deploy/bundle/tlsscope.properties -D "$root/etc/tlsscope.properties"

# libbpf 1.1 as tested here (Debian 12), with what it links; copied unchanged from this machine's packages
for package in libbpf1:libbpf.so.1 libelf1:libelf.so.1 zlib1g:libz.so.1; do
  deb=${package%%:*} library=${package#*:}
  path=$(dpkg -L "$deb" | grep "/$library\$" | head -n 1)
  [ -n "$path" ] || { echo "$0: $library not found in the Debian package $deb; scripts/deps.sh installs it" >&2; exit 1; }
  cp -L "$path" "$root/lib/$library"
  cp "/usr/share/doc/$deb/copyright" "$root/licenses/debian/$deb.copyright"
  echo "$deb $(dpkg-query -W -f='${Version}' "$deb") $library" >> "$root/licenses/debian/packages.txt"
done
cp target/sbom.json "$root/licenses/java-dependencies.cyclonedx.json"
cp deploy/bundle/NOTICE.md "$root/licenses/NOTICE.md"
# the Java runtime's own licences are in runtime/legal (written by jlink)

tar -C "$stage" --sort=name --owner=0 --group=0 --numeric-owner -czf "$dist/$name.tar.gz" "tlsscope-$version"
(cd "$dist" && sha256sum "$name.tar.gz" > "$name.tar.gz.sha256")
rm -rf "$stage"
echo "release: $dist/$name.tar.gz ($(du -h "$dist/$name.tar.gz" | cut -f1)), sha256 $(cut -d' ' -f1 "$dist/$name.tar.gz.sha256")"
