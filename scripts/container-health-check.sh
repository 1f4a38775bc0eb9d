#!/bin/bash
# A container's HEALTHCHECK: exit 0 when the service's /actuator/health answers 200 (UP), 1 otherwise.
# Bash's /dev/tcp needs neither curl (minimal images have none) nor a second JVM: the Java probe this
# replaces cost about 46 MB inside the container's memory limit at every check. The build copies
# this file into each service's target/image/ (see the root pom). Actuator is on the API port
# (TALLYNET_API_PORT, set by the image), not on the P2P port (SERVER_PORT), which serves only /p2p.
exec 3<>"/dev/tcp/127.0.0.1/${TALLYNET_API_PORT:-9080}" || exit 1
printf 'GET /actuator/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n' >&3
read -r -t 4 _ status _ <&3 || exit 1
[ "$status" = 200 ]
