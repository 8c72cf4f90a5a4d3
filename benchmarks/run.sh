#!/usr/bin/env bash
# Two uses, from any directory:
#
# 1. The issue 11 suite and issue 14's Kafka figure, each against its baseline in the same run:
#      benchmarks/run.sh all                  # all six, realistic sizes (the first five about 45 min on 2 cores)
#      benchmarks/run.sh esper|rocksdb|mqtt|scaling|latency|kafka [ARGS...]   # one figure; ARGS go to its class
#      benchmarks/run.sh all --smoke          # tiny sizes: proves it works, measures nothing
#    Options (before ARGS): --smoke, --out DIR (default benchmarks/results/YYYY-MM-DD[-smoke]),
#    --no-build. With `all`, extra arguments per figure come from BENCH_ESPER_ARGS,
#    BENCH_ROCKSDB_ARGS, BENCH_MQTT_ARGS, BENCH_SCALING_ARGS, BENCH_LATENCY_ARGS, BENCH_KAFKA_ARGS.
#    Each figure's stdout goes to DIR/<figure>.txt (its stderr to DIR/<figure>.stderr.log);
#    at the end the RESULT lines (the ratios) are printed and kept in DIR/summary.txt.
#    It builds first: mvn -B -o -q -pl benchmarks,tools -am package -DskipTests (tools: ./vigil run).
#
# 2. Any benchmark class on the classpath the build wrote (target/classpath.txt), e.g.
#      benchmarks/run.sh org.openjdk.jmh.Main -rf json -rff /tmp/jmh.json
#      benchmarks/run.sh io.vigil.benchmarks.AnalyticsThroughput --sensors 2000,10000 --runs 3
#    Build first: mvn -B -o -q -pl benchmarks -am package -DskipTests
set -euo pipefail
cd "$(dirname "$0")/.."
cp_file=benchmarks/target/classpath.txt
# Flink's runtime needs these on Java 17, as in Flink's own env.java.opts.all.
opens=(--add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.text=ALL-UNNAMED --add-opens=java.base/java.time=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED)

run_class() {
  [ -f "$cp_file" ] || { echo "run.sh: $cp_file is missing; build first (see above)" >&2; exit 1; }
  java ${BENCH_JVM_OPTS:--Xms4g -Xmx4g} -Djava.awt.headless=true "${opens[@]}" \
    -cp "benchmarks/target/classes:$(cat "$cp_file")" "$@"
}

figures=(esper rocksdb mqtt scaling latency kafka)
case "${1:-}" in
  all | esper | rocksdb | mqtt | scaling | latency | kafka) ;;
  "" | -h | --help) sed -n '2,20p' "$0"; exit 2 ;;
  *) run_class "$@"; exit $? ;;
esac

what=$1
shift
smoke=0 build=1 out=""
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1; shift ;;
    --no-build) build=0; shift ;;
    --out) out=$2; shift 2 ;;
    *) break ;;
  esac
done
if [ "$what" = all ] && [ $# -gt 0 ]; then
  echo "run.sh: 'all' takes no class arguments; use BENCH_<FIGURE>_ARGS" >&2
  exit 2
fi
out=${out:-benchmarks/results/$(date -u +%F)$([ $smoke = 1 ] && echo -smoke || true)}
mkdir -p "$out"
if [ $build = 1 ]; then
  mvn -B -o -q -pl benchmarks,tools -am package -DskipTests
fi

# Realistic sizes for a quiet 2-core machine (about 45 minutes for all five), or tiny ones.
if [ $smoke = 1 ]; then
  esper_args=(--sensors 200 --runs 1 --warmups 0 --check-sensors 100)
  rocksdb_args=(--sensors 200 --runs 1 --warmups 0)
  mqtt_args=(--rate 2000 --messages 10000 --ladder 1000,4000 --step-seconds 5 --drain 20s)
  scaling_args=(--keys 1000,10000 --readings-per-key 4)
  latency_args=(--rate 600 --duration 4m --tail 20s)
  kafka_args=(--records 50000 --sensors 300 --drain 20s)
else
  esper_args=(--sensors 1000 --duration 150m --runs 5 --warmups 1 --check-sensors 1000)
  rocksdb_args=(--sensors 1000 --duration 30m --runs 3 --warmups 1)
  mqtt_args=(--rate 10000 --messages 150000 --ladder 2500,5000,10000,15000,20000 --step-seconds 10 --drain 30s)
  scaling_args=(--keys 1000,10000,100000,1000000 --readings-per-key 3 --min-readings 3000000
    --warmup-readings 1000000)
  latency_args=(--rate 5000 --duration 10m --tail 30s)
  kafka_args=(--records 1000000 --sensors 2000 --drain 30s)
fi

run_figure() {
  local figure=$1 class
  shift
  case "$figure" in
    esper) class=EsperComparison ;;
    rocksdb) class=RocksDbThroughput ;;
    mqtt) class=MqttEndToEnd ;;
    scaling) class=StateScaling ;;
    latency) class=AlertLatency ;;
    kafka) class=KafkaEndToEnd ;;
  esac
  echo "== $figure: io.vigil.benchmarks.$class $*" | tee "$out/$figure.txt"
  {
    echo "started $(date -u +%FT%TZ), load average: $(cut -d' ' -f1-3 /proc/loadavg)"
    if [ $smoke = 1 ]; then echo "SMOKE RUN: tiny sizes, to show that it works; not a measurement"; fi
  } | tee -a "$out/$figure.txt"
  local status=0
  run_class "io.vigil.benchmarks.$class" "$@" 2>"$out/$figure.stderr.log" | tee -a "$out/$figure.txt" \
    || status=$?
  echo "ended $(date -u +%FT%TZ), load average: $(cut -d' ' -f1-3 /proc/loadavg), exit $status" \
    | tee -a "$out/$figure.txt"
  [ -s "$out/$figure.stderr.log" ] || rm -f "$out/$figure.stderr.log"
}

read -r -a extra_esper <<<"${BENCH_ESPER_ARGS:-}"
read -r -a extra_rocksdb <<<"${BENCH_ROCKSDB_ARGS:-}"
read -r -a extra_mqtt <<<"${BENCH_MQTT_ARGS:-}"
read -r -a extra_scaling <<<"${BENCH_SCALING_ARGS:-}"
read -r -a extra_latency <<<"${BENCH_LATENCY_ARGS:-}"
read -r -a extra_kafka <<<"${BENCH_KAFKA_ARGS:-}"
for figure in "${figures[@]}"; do
  [ "$what" = all ] || [ "$what" = "$figure" ] || continue
  case "$figure" in
    esper) run_figure esper "${esper_args[@]}" ${extra_esper[@]+"${extra_esper[@]}"} "$@" ;;
    rocksdb) run_figure rocksdb "${rocksdb_args[@]}" ${extra_rocksdb[@]+"${extra_rocksdb[@]}"} "$@" ;;
    mqtt) run_figure mqtt "${mqtt_args[@]}" --keep-logs "$out/mqtt-logs" \
      ${extra_mqtt[@]+"${extra_mqtt[@]}"} "$@" ;;
    scaling) run_figure scaling "${scaling_args[@]}" --plot "$out/state-scaling.png" \
      ${extra_scaling[@]+"${extra_scaling[@]}"} "$@" ;;
    latency) run_figure latency "${latency_args[@]}" ${extra_latency[@]+"${extra_latency[@]}"} "$@" ;;
    kafka) run_figure kafka "${kafka_args[@]}" --keep-logs "$out/kafka-logs" \
      ${extra_kafka[@]+"${extra_kafka[@]}"} "$@" ;;
  esac
done
echo
echo "== results ($out)"
grep -h '^RESULT' $(ls "$out"/*.txt | grep -v '/summary.txt$') | tee "$out/summary.txt" || echo "no RESULT line: see $out/*.txt"
