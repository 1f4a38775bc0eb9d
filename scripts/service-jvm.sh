# How local service processes are started, sourced by scripts/devnet.sh and scripts/bench-startup.sh.

# Sized for a laptop running many of them: a heap that starts small (the default initial heap is 1/64
# of the machine's memory, 384 MB here, and was most of an idle node's 380 MB RSS) and grows to 256 MB,
# freed native memory handed back every 5 s, and glibc kept to two malloc arenas.
JVM_OPTIONS=(-XX:+UseSerialGC -Xms16m -Xmx256m -XX:TrimNativeHeapInterval=5000)
export MALLOC_ARENA_MAX=2

# The JDK's AOT cache (JEP 483/514/515): classes loaded and linked, and method profiles, recorded by
# one training run that stops as soon as the Spring context is refreshed; with it a service starts
# two to three times faster (./tallynet bench-startup). Made once per build, beside the jar it
# belongs to (the cache is tied to that class path); a failed training run leaves none, and the
# service then starts without one.

aot_cache_for() { # jar -> the cache path
  echo "${1%/app.jar}/app.aot"
}

train_aot_cache() { # jar
  local jar="$1" cache scratch
  cache=$(aot_cache_for "$jar")
  scratch=$(mktemp -d)
  if java "${JVM_OPTIONS[@]}" -XX:AOTCacheOutput="$cache" -Dspring.context.exit=onRefresh -jar "$jar" \
       --server.port=0 --server.address=127.0.0.1 --tallynet.data-dir="$scratch" >"$scratch.log" 2>&1; then
    rm -rf "$scratch" "$scratch.log"
  else
    echo "the start-up cache for $jar could not be made (see $scratch.log); starting without it" >&2
    rm -f "$cache"
  fi
}

ensure_aot_caches() { # jar... : trains, in parallel, every cache missing or older than its jar
  local jar training=()
  for jar in "$@"; do
    if [ ! -f "$(aot_cache_for "$jar")" ] || [ "$(aot_cache_for "$jar")" -ot "$jar" ]; then
      train_aot_cache "$jar" & training+=($!)
    fi
  done
  if [ ${#training[@]} -gt 0 ]; then
    echo "making the JVM start-up cache for this build (once; about 20 s, longer on a busy machine)..."
    wait "${training[@]}" || true
  fi
}
