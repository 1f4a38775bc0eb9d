#!/bin/bash
# Run by each service's image build (a RUN step, as root, before USER; the root pom copies this file into
# target/image/health/): one training run that records the JDK's AOT cache, /app/app.aot, for the
# image's own JVM, options and class path, and stops as soon as the Spring context is up (README,
# "Start-up and footprint"). Its scratch data (a database, a wallet key) goes to /dev/shm, a tmpfs
# during the build, so none of it is left in the image; bash alone reads the log back, since a minimal
# base image may have no coreutils. Writing the cache needs more class space than the image's 128m
# metaspace cap allows (the node's is about 140 MB); running with it does not.
java -XX:MaxMetaspaceSize=256m -Dspring.aot.enabled=true -XX:AOTCacheOutput=/app/app.aot \
  -Dspring.context.exit=onRefresh -jar /app/app.jar \
  --server.port=0 --server.address=127.0.0.1 --tallynet.api.port=0 --tallynet.data-dir=/dev/shm/aot-training \
  >/dev/shm/aot-training.log 2>&1 || { echo "$(</dev/shm/aot-training.log)"; exit 1; }
