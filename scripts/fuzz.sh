#!/usr/bin/env bash
# The fuzzers at scale: 10^6 generated payloads through the parser (ParserFuzzTest) and 10^4
# fuzzed messages through the whole job on a Flink MiniCluster (SensorAnalyticsFuzzITCase), with
# the Maven profile "fuzz" of cep-patterns. Prints the figures and copies them to
# benchmarks/results/<date>/fuzz-*.txt.
#   scripts/fuzz.sh                                   # seed 20261203, 10^6 and 10^4
#   scripts/fuzz.sh -Dvigil.fuzz.seed=7 -Dvigil.fuzz.parser-inputs=100000
# Extra arguments go to Maven (add -o once the dependencies are in ~/.m2).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v mvn >/dev/null || { echo "fuzz.sh: mvn (Maven 3.8+) is required" >&2; exit 1; }

rm -f cep-patterns/target/fuzz/parser-fuzz.txt cep-patterns/target/fuzz/job-fuzz.txt
status=0
mvn -B -ntp -Pfuzz -pl cep-patterns -am verify "$@" || status=$?

results="benchmarks/results/$(date -u +%Y-%m-%d)"
for name in parser-fuzz job-fuzz; do
  file="cep-patterns/target/fuzz/$name.txt"
  if [ -f "$file" ]; then
    mkdir -p "$results"
    cp "$file" "$results/fuzz-$name.txt"
    echo "== $file (copied to $results/fuzz-$name.txt)"
    cat "$file"
  else
    echo "fuzz.sh: $file was not written (see the Maven output above)" >&2
    status=1
  fi
done
exit $status
