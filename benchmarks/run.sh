#!/usr/bin/env bash
# Runs a benchmark class on the classpath the build wrote (target/classpath.txt), from the
# repository root, e.g.
#   benchmarks/run.sh org.openjdk.jmh.Main -rf json -rff /tmp/jmh.json
#   benchmarks/run.sh io.vigil.benchmarks.AnalyticsThroughput --sensors 2000,10000 --runs 3
# Build first: mvn -B -o -q -pl benchmarks -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
cp_file=benchmarks/target/classpath.txt
[ -f "$cp_file" ] || { echo "run.sh: $cp_file is missing; build first (see above)" >&2; exit 1; }
# Flink's runtime needs these on Java 17, as in Flink's own env.java.opts.all.
opens=(--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED)
exec java ${BENCH_JVM_OPTS:--Xms4g -Xmx4g} "${opens[@]}" \
  -cp "benchmarks/target/classes:$(cat "$cp_file")" "$@"
