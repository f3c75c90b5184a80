#!/usr/bin/env bash
# Builds HotClone's container images: the five services (docker/service/Dockerfile, one per
# service by build argument), and a Kafka broker and a PostgreSQL server built from packages
# (docker/kafka: Maven Central's Kafka jars; docker/postgres: Debian's postgresql-15) that honour the
# environment variables and data paths of the official apache/kafka and postgres images.
#
#   scripts/images.sh [all|services|runtime|kafka|postgres]...   (default: all)
#   scripts/images.sh debian-base TAG
#
# debian-base TAG: makes TAG from Debian packages, as for a base image that cannot be pulled.
# runtime: only the services' shared stage (JRE 17, libvirt's client library), which needs no jar:
# the test command builds it, Kafka and PostgreSQL while it sets up the libvirt hosts.
#
# The base image (build argument BASE_IMAGE, default debian:bookworm-slim) is pulled when missing;
# when no registry can be reached, that same tag is made here from Debian packages (mmdebstrap
# --variant=minbase, docker import). An existing tag is used as it is.
#
# Environment: HOTCLONE_BASE_IMAGE (debian:bookworm-slim), HOTCLONE_IMAGE_PREFIX (hotclone/),
# HOTCLONE_IMAGE_TAG (the project version), HOTCLONE_IMAGES_JARS_BUILT=1 (the service jars in target/
# are this checkout's: no mvn package first). Prints the tags it built, and how long each took.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

VERSION=0.1.0-SNAPSHOT
BASE=${HOTCLONE_BASE_IMAGE:-debian:bookworm-slim}
PREFIX=${HOTCLONE_IMAGE_PREFIX:-hotclone/}
TAG=${HOTCLONE_IMAGE_TAG:-$VERSION}
SERVICES=(clone-api storage-service memory-service transfer-service config-service)
REVISION=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)

log() { echo "[images] $*" >&2; }
die() { log "$*"; exit 1; }
command -v docker >/dev/null || die "docker is not installed"
docker info >/dev/null 2>&1 || die "the Docker engine does not answer (docker info)"

# the HTTP port of each service in its container (cluster.sh's order; compose maps clone-api's)
port_of() {
  case $1 in
    clone-api) echo 8080 ;; storage-service) echo 8081 ;; memory-service) echo 8082 ;;
    transfer-service) echo 8083 ;; config-service) echo 8084 ;;
  esac
}

timed() { # LABEL COMMAND...: runs it quietly, prints its duration, shows its output if it fails
  local label=$1 t0=$SECONDS out; shift
  out=$(mktemp)
  if "$@" > "$out" 2>&1; then
    log "$label: $((SECONDS - t0)) s"
    rm -f "$out"
  else
    tail -n 40 "$out" >&2; rm -f "$out"
    die "$label failed"
  fi
}

ensure_base() {
  if docker image inspect "$BASE" >/dev/null 2>&1; then
    log "base image $BASE: present"
    return
  fi
  if docker pull -q "$BASE" >/dev/null 2>&1; then
    log "base image $BASE: pulled"
    return
  fi
  case $BASE in
    debian:bookworm-slim) ;;
    *) die "base image $BASE can neither be found nor pulled (only debian:bookworm-slim is made locally)" ;;
  esac
  log "base image $BASE cannot be pulled: making it from Debian packages (mmdebstrap)"
  make_debian_base "$BASE"
}

make_debian_base() { # TAG: a bookworm minbase image from Debian packages, tagged TAG
  if ! command -v mmdebstrap >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends mmdebstrap >/dev/null
  fi
  # this machine's own apt sources (the mirror it is allowed to reach), else mmdebstrap's default
  local -a mirrors=()
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -s "$f" ] && grep -q '^[^#]*deb' "$f" && mirrors+=("$f")
  done
  local tar; tar=$(mktemp --suffix=.tar)
  # shellcheck disable=SC2317
  timed "mmdebstrap bookworm (minbase)" mmdebstrap --variant=minbase --mode=root \
    --aptopt='Acquire::Check-Valid-Until "false"' \
    --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' --dpkgopt='path-exclude=/usr/share/locale/*' \
    bookworm "$tar" "${mirrors[@]}"
  timed "docker import $1" docker import --change 'CMD ["bash"]' "$tar" "$1"
  rm -f "$tar"
}

build_services() {
  local s
  # the jars of this checkout, never older ones left in target/ (a caller that has just built them,
  # as the test command after its mvn verify, sets HOTCLONE_IMAGES_JARS_BUILT=1)
  if [ "${HOTCLONE_IMAGES_JARS_BUILT:-0}" != 1 ]; then
    timed "the service jars (mvn -DskipTests package)" mvn -B -ntp -q -DskipTests package \
      -pl "$(IFS=,; echo "${SERVICES[*]}")" -am
  fi
  for s in "${SERVICES[@]}"; do
    [ -f "$s/target/$s-$VERSION-exec.jar" ] || die "$s/target/$s-$VERSION-exec.jar is missing"
  done
  for s in "${SERVICES[@]}"; do
    timed "image $PREFIX$s:$TAG" docker build -f docker/service/Dockerfile \
      --build-arg BASE_IMAGE="$BASE" --build-arg SERVICE="$s" --build-arg PORT="$(port_of "$s")" \
      --build-arg VERSION="$VERSION" --build-arg REVISION="$REVISION" \
      -t "$PREFIX$s:$TAG" .
  done
}

build_runtime() {
  timed "the services' runtime stage (JRE, libvirt)" docker build -f docker/service/Dockerfile \
    --build-arg BASE_IMAGE="$BASE" --target runtime -t "${PREFIX}service-runtime:$TAG" .
}

kafka_version() { # the Kafka version Spring Boot manages for the project (the one the tests use)
  mvn -B -ntp -q -Dstyle.color=never -f docker/kafka/pom.xml help:evaluate -Dexpression=kafka.version \
    -DforceStdout 2>/dev/null | sed 's/\x1b\[[0-9;]*m//g' | grep -E '^[0-9][0-9A-Za-z.-]*$'
}

build_kafka() {
  local v
  v=$(kafka_version) || die "cannot read the Kafka version (mvn help:evaluate)"
  if [ ! -f "docker/kafka/target/libs/kafka_2.13-$v.jar" ]; then
    rm -rf docker/kafka/target/libs
    timed "Kafka $v jars (Maven Central)" mvn -B -ntp -q -f docker/kafka/pom.xml \
      dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory=target/libs
  fi
  timed "image ${PREFIX}kafka:$v" docker build --build-arg BASE_IMAGE="$BASE" \
    --build-arg KAFKA_VERSION="$v" -t "${PREFIX}kafka:$v" docker/kafka
  echo "${PREFIX}kafka:$v" > docker/kafka/target/image
}

build_postgres() {
  timed "image ${PREFIX}postgres:15" docker build --build-arg BASE_IMAGE="$BASE" \
    -t "${PREFIX}postgres:15" docker/postgres
}

what=("$@")
[ ${#what[@]} -gt 0 ] || what=(all)
t0=$SECONDS
if [ "${what[0]}" = debian-base ]; then
  [ ${#what[@]} -eq 2 ] || die "usage: scripts/images.sh debian-base TAG"
  make_debian_base "${what[1]}"
  exit 0
fi
ensure_base
for w in "${what[@]}"; do
  case $w in
    all) build_services; build_kafka; build_postgres ;;
    services) build_services ;;
    runtime) build_runtime ;;
    kafka) build_kafka ;;
    postgres) build_postgres ;;
    *) die "unknown image set '$w' (all, services, runtime, kafka, postgres)" ;;
  esac
done
log "done in $((SECONDS - t0)) s"
