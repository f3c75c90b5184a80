#!/usr/bin/env bash
# The README's test command: everything CI runs. Installs and starts what the libvirt tests need
# (Debian packages, a tiny guest, two libvirt daemons), then builds and runs every test:
# unit and property tests (surefire), integration tests on a real Kafka broker, a real PostgreSQL
# server and real libvirt + QEMU (failsafe).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/libvirt/setup.sh

# docker-compose.yml describes the production layout; no Docker engine runs here, so it is checked
# for what can be checked without one: that Compose accepts it.
if ! command -v docker-compose >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-compose >/dev/null
fi
docker-compose -f docker-compose.yml config -q
echo "docker-compose.yml: valid"
# the AsyncAPI document clone-api serves, validated by the AsyncAPI parser (npm ci from the lock file)
bash scripts/asyncapi-validate.sh
set -a
# shellcheck disable=SC1091
. .work/libvirt.env
set +a

mvn -B -ntp verify -Plibvirt "$@"
