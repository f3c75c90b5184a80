#!/usr/bin/env bash
# The README's test command: everything CI runs. Installs and starts what the libvirt tests need
# (Debian packages, a tiny guest, two libvirt daemons), then builds and runs every test:
# unit and property tests (surefire), integration tests on a real Kafka broker, a real PostgreSQL
# server and real libvirt + QEMU (failsafe), the portal in headless Chromium (failsafe, PortalIT).
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
# the portal's end-to-end test (PortalIT) drives Debian's chromium with playwright-core (npm ci from
# the lock file); without either it fails rather than skips
if ! command -v chromium >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
fi
npm ci --prefix portal-e2e --no-audit --no-fund --loglevel=error >/dev/null
set -a
# shellcheck disable=SC1091
. .work/libvirt.env
set +a

mvn -B -ntp verify -Plibvirt "$@"
