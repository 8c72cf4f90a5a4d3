#!/usr/bin/env bash
# One fault campaign at full size on the real process cluster: 10^6 readings over 10^4 keys,
# 3 TaskManager SIGKILLs (one right after a checkpoint completes), a Mosquitto restart, a 60 s
# InfluxDB outage and a rescale, all in one run of the packaged job (FaultCampaignITCase, Maven
# profile "campaign" of e2e-tests). Prints the figures and copies them to
# benchmarks/results/<date>/campaign.txt.
#   scripts/campaign.sh                                   # seed 20261205, full size
#   scripts/campaign.sh -o -Dvigil.campaign.seed=7 -Dvigil.campaign.readings=200000
# Extra arguments go to Maven (add -o once the dependencies are in ~/.m2).
set -euo pipefail
cd "$(dirname "$0")/.."

command -v mvn >/dev/null || { echo "campaign.sh: mvn (Maven 3.8+) is required" >&2; exit 1; }

file=e2e-tests/target/campaign/campaign.txt
rm -f "$file"
status=0
# -am builds the job jar the cluster runs; only the campaign runs, no other test.
mvn -B -ntp -Pcampaign -pl e2e-tests -am verify \
  -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test=FaultCampaignITCase -Dfailsafe.failIfNoSpecifiedTests=false "$@" || status=$?

if [ -f "$file" ]; then
  results="benchmarks/results/$(date -u +%Y-%m-%d)"
  mkdir -p "$results"
  cp "$file" "$results/campaign.txt"
  echo "== $file (copied to $results/campaign.txt)"
  cat "$file"
else
  echo "campaign.sh: $file was not written (see the Maven output above)" >&2
  status=1
fi
exit $status
