#!/usr/bin/env bash
# The whole test suite: installs the servers the tests start (Mosquitto, InfluxDB) when they are
# missing, then runs every unit test (surefire, *Test) and integration test (failsafe, *ITCase).
# Extra arguments go to Maven, e.g. scripts/test.sh -pl cep-patterns.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
[ -x /usr/sbin/mosquitto ] || command -v mosquitto >/dev/null || missing+=(mosquitto mosquitto-clients)
command -v influxd >/dev/null || missing+=(influxdb)
# npm installs the Kubernetes schema models that validate the Helm chart's manifests.
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]} from the Debian packages"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

command -v java >/dev/null || { echo "test.sh: java (17) is required" >&2; exit 1; }
command -v mvn >/dev/null || { echo "test.sh: mvn (Maven 3.8+) is required" >&2; exit 1; }

# The packages do not start their daemons here; the tests start their own on free loopback ports.
exec mvn -B -ntp verify "$@"
