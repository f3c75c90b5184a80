#!/usr/bin/env bash
# The README's test command: everything CI runs. Installs and starts what the libvirt tests need
# (Debian packages, a tiny guest, two libvirt daemons with TLS and SASL listeners) and a Docker
# engine (Debian's docker.io), then builds and runs every test:
# unit and property tests (surefire), integration tests on a real Kafka broker, a real PostgreSQL
# server and real libvirt + QEMU (failsafe), the portal in headless Chromium (failsafe, PortalIT),
# Kafka and PostgreSQL in containers through Testcontainers (ContainersIT, the saga tests on
# containers), and the containers topology: the five service images, docker-compose.yml against the
# libvirt test hosts (scripts/compose-test.sh). A Docker engine that this command started is
# stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

# A Docker engine: Debian's docker.io, installed if missing and started if none answers (then
# stopped again when this command ends, whatever happens). No engine: the command fails here.
if ! docker info >/dev/null 2>&1 || ! command -v docker-compose >/dev/null || ! command -v jq >/dev/null; then
  if ! docker info >/dev/null 2>&1; then
    trap 'bash scripts/docker-engine.sh stop' EXIT
  fi
  bash scripts/docker-engine.sh start
fi
docker-compose -f docker-compose.yml config -q
echo "docker-compose.yml: valid"
# The images that need no jar (the base, the services' JRE + libvirt stage, Kafka, PostgreSQL) build
# in the background while the libvirt hosts are set up; mmdebstrap (for a base image that cannot be
# pulled) is installed first, as the host's apt is busy after that.
if ! command -v mmdebstrap >/dev/null; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null \
    || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null; }
fi
mkdir -p .work
bash scripts/images.sh runtime kafka postgres > .work/images-early.log 2>&1 &
images_early=$!

bash scripts/libvirt/setup.sh
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

# Testcontainers' Kafka and PostgreSQL: the images scripts/images.sh builds here (no registry is
# reachable from the test machines; elsewhere unset these and the official images are pulled).
# A missing engine fails ContainersIT instead of skipping it (HOTCLONE_IT_DOCKER=required).
# Ryuk is off: its image would have to be pulled; every container is stopped by the test that
# started it (the label org.testcontainers=true finds one a killed JVM left). No start-up checks
# (they run alpine), and the engine is local (the machines have a /.dockerenv, which would make
# Testcontainers look for the engine's address in a container).
if ! wait "$images_early"; then
  cat .work/images-early.log >&2
  echo "building the images failed (.work/images-early.log)" >&2
  exit 1
fi
cat .work/images-early.log
export HOTCLONE_IT_DOCKER=required
HOTCLONE_KAFKA_IMAGE=$(cat docker/kafka/target/image)
HOTCLONE_POSTGRES_IMAGE=${HOTCLONE_IMAGE_PREFIX:-hotclone/}postgres:15
export HOTCLONE_KAFKA_IMAGE HOTCLONE_POSTGRES_IMAGE
export TESTCONTAINERS_RYUK_DISABLED=true TESTCONTAINERS_CHECKS_DISABLE=true TESTCONTAINERS_HOST_OVERRIDE=localhost

mvn -B -ntp verify -Plibvirt "$@"

# the containers topology, from the jars mvn has just built
HOTCLONE_IMAGES_JARS_BUILT=1 bash scripts/compose-test.sh
