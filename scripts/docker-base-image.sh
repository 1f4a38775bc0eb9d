#!/usr/bin/env bash
# Builds a Java 25 runtime image without any registry: jlink a runtime from a local JDK 25, add
# the glibc files it links against, bash for the health check, a one-line /etc/passwd and a /tmp, and `docker import` it.
# Used where no public base image can be pulled (CI, the test machines); the Dockerfiles' default
# base stays the public Temurin JRE. Usage: scripts/docker-base-image.sh [image] (default
# tallynet/java-base:25); JAVA_HOME must point at a JDK 25. Does nothing if the image is up to date.
set -euo pipefail
IMAGE="${1:-tallynet/java-base:25}"
# raise when the image's contents change, so that an older local image is rebuilt (2: bash added)
REVISION=2
if [ "$(docker image inspect -f '{{index .Config.Labels "net.tallynet.base-revision"}}' "$IMAGE" 2>/dev/null)" = "$REVISION" ]; then
  echo "base image $IMAGE already present"
  exit 0
fi
: "${JAVA_HOME:?JAVA_HOME must point at a JDK 25}"
ROOT=$(mktemp -d)
chmod 755 "$ROOT"  # the image root: mktemp makes it owner-only, and the services run as an unprivileged user
trap 'rm -rf "$ROOT"' EXIT
# the modules a Spring Boot service with JPA, H2, Tomcat, Micrometer and the JDK WebSocket client uses
MODULES=java.base,java.compiler,java.desktop,java.instrument,java.logging,java.management,java.naming,\
java.net.http,java.prefs,java.rmi,java.scripting,java.security.jgss,java.security.sasl,java.sql,\
java.transaction.xa,java.xml,jdk.crypto.ec,jdk.jfr,jdk.management,jdk.naming.dns,jdk.net,\
jdk.unsupported,jdk.zipfs
"$JAVA_HOME/bin/jlink" --add-modules "$MODULES" --strip-debug --no-man-pages --no-header-files \
  --compress=zip-6 --output "$ROOT/opt/java"
"$ROOT/opt/java/bin/java" -Xshare:dump >/dev/null 2>&1 || true  # class-data sharing archive: faster starts
mkdir -p "$ROOT/lib/x86_64-linux-gnu" "$ROOT/lib64" "$ROOT/etc" "$ROOT/tmp" "$ROOT/usr/bin" "$ROOT/bin"
for lib in ld-linux-x86-64.so.2 libc.so.6 libdl.so.2 libm.so.6 libpthread.so.0 librt.so.1 libz.so.1 \
           libgcc_s.so.1 libnss_files.so.2 libresolv.so.2 libtinfo.so.6; do
  cp -L "/lib/x86_64-linux-gnu/$lib" "$ROOT/lib/x86_64-linux-gnu/"
done
cp -L /lib64/ld-linux-x86-64.so.2 "$ROOT/lib64/"
# bash (with libtinfo above) runs the images' HEALTHCHECK, which must not start a second JVM
cp -L /bin/bash "$ROOT/bin/bash"
echo "app:x:10001:10001:app:/tmp:/nonexistent" > "$ROOT/etc/passwd"
echo "app:x:10001:" > "$ROOT/etc/group"
echo "hosts: files dns" > "$ROOT/etc/nsswitch.conf"
chmod 1777 "$ROOT/tmp"
docker image rm "$IMAGE" >/dev/null 2>&1 || true  # an older revision: replaced, not left dangling
tar -C "$ROOT" -c . | docker import -c 'ENV PATH=/opt/java/bin:/usr/bin:/bin' -c 'ENV JAVA_HOME=/opt/java' \
  -c "LABEL net.tallynet.base-revision=$REVISION" - "$IMAGE"
echo "built base image $IMAGE"
