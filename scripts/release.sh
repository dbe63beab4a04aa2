#!/usr/bin/env bash
# The release bundle: target/dist/tlsscope-<version>-linux-x86_64.tar.gz and its .sha256.
# It holds a jlink'ed Java runtime (only the modules tlsscope uses), the Quarkus application with
# the compiled BPF object, libbpf.so.1 with libelf.so.1 and libz.so.1 (so a host needs only
# glibc >= 2.33), bin/tlsscope, the systemd unit, a commented default config, and the licences.
#   scripts/release.sh                 the version in pom.xml
#   scripts/release.sh --version V     another version string for the same sources (the fleet
#                                      test's upgrade uses this to make a second bundle)
#   scripts/release.sh --no-build      bundle target/quarkus-app as the last build left it (its
#                                      version must be the one asked for; ./test.sh's verify just made it)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

usage() { echo "usage: $0 [--version VERSION] [--no-build]" >&2; exit 2; }

version=""
build=true
while [ $# -gt 0 ]; do
  case "$1" in
    --version) [ $# -ge 2 ] || usage; version="$2"; shift 2 ;;
    --no-build) build=false; shift ;;
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

# the bill of materials of the Java libraries (CycloneDX), for licenses/
sbom=(org.cyclonedx:cyclonedx-maven-plugin:2.9.3:makeBom -DoutputFormat=json -DoutputName=sbom -DincludeTestScope=false)
if $build; then
  echo "release: building tlsscope $version"
  ./mvnw -B -q -DskipTests "-Dtlsscope.release.version=$version" package "${sbom[@]}"
else
  built=$(sed -n 's/^version=//p' target/classes/tlsscope-build.properties 2>/dev/null || true)
  [ -f target/quarkus-app/quarkus-run.jar ] && [ "$built" = "$version" ] \
    || { echo "$0: --no-build needs target/quarkus-app built as $version (found '${built:-nothing}')" >&2; exit 1; }
  echo "release: bundling the build of tlsscope $version in target/quarkus-app"
  ./mvnw -B -q "${sbom[@]}"
fi

rm -rf "$stage" "$dist/$name.tar.gz" "$dist/$name.tar.gz.sha256"
mkdir -p "$root/lib" "$root/licenses/debian"

# The Java modules the runtime holds, by what uses them: logging (JBoss LogManager), sql and xml
# (types Jackson, Vert.x and Hibernate Validator refer to), naming, desktop (java.beans), compiler and
# instrument (Quarkus' bootstrap), net.http (the client commands), management, jdk.management and
# jdk.jfr (MXBeans, Micrometer's JVM metrics), management.rmi and jdk.management.agent (remote JMX,
# README), security.jgss, jdk.net, jdk.unsupported (Netty, JCTools), jdk.zipfs (jar file systems).
# Tried, not derived: the fleet test runs the service, capture and `tlsscope version` on it.
modules=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.management.rmi,java.naming,java.net.http,java.security.jgss,java.sql,java.transaction.xa,java.xml,jdk.jfr,jdk.management,jdk.management.agent,jdk.net,jdk.unsupported,jdk.zipfs
# the same JDK and modules make the same runtime: kept in target/jlink/ for the next bundle
runtime="target/jlink/$( (cat "$JAVA_HOME/release"; echo "$modules") | sha256sum | cut -c1-16)"
if [ ! -d "$runtime" ]; then
  rm -rf "$runtime.partial"
  "$JAVA_HOME/bin/jlink" --add-modules "$modules" --output "$runtime.partial" \
    --strip-debug --no-header-files --no-man-pages --compress=zip-6
  mv "$runtime.partial" "$runtime"
fi
cp -a "$runtime" "$root/runtime"

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
