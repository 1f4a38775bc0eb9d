#!/usr/bin/env bash
# ./tallynet lab SCENARIO [--out DIR]: runs a described network of node processes (README "Lab").
# Builds the node's jar and the lab's when their sources changed, as the devnet does, then runs the lab,
# which starts every node the devnet's way (scripts/service-jvm.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
NODE_JAR=node-service/target/app/app.jar
LAB_JAR=lab/target/lab.jar
stale() { # prints why a build is needed, or nothing
  if [ ! -f "$NODE_JAR" ] || [ ! -f "$LAB_JAR" ]; then
    echo "no jars yet"; return
  fi
  local oldest="$NODE_JAR" newer
  [ "$LAB_JAR" -ot "$oldest" ] && oldest="$LAB_JAR"
  # main sources only: a changed test does not change what the lab runs
  newer=$(find pom.xml protocol/pom.xml protocol/src/main p2p/pom.xml p2p/src/main node-service/pom.xml node-service/src/main \
    lab/pom.xml lab/src/main -type f -newer "$oldest" -print -quit)
  [ -z "$newer" ] || echo "$newer is newer than $oldest"
}
reason=$(stale)
if [ -n "$reason" ]; then
  echo "lab: building (mvn package, tests skipped): $reason..."
  mvn -B -ntp -q -Dstyle.color=never -DskipTests package -pl node-service,lab -am
fi
exec java -Dtallynet.root="$PWD" -jar "$LAB_JAR" "$@"
