#!/usr/bin/env bash
# The images with nothing cached: how long each part of scripts/images.sh takes on a machine that
# has none of them (the test command's first run on a fresh machine). Builds under throw-away tags
# with --no-cache (the project's own images and their cache are not touched), prints each step's
# seconds, removes what it built. Needs a Docker engine (scripts/docker-engine.sh start).
#
#   bench/images-fresh.sh
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
docker info >/dev/null 2>&1 || { echo "no Docker engine (scripts/docker-engine.sh start)" >&2; exit 1; }
TAG=hotclone-bench-fresh
KAFKA_VERSION=$(sed 's/.*://' docker/kafka/target/image 2>/dev/null || true)
[ -n "$KAFKA_VERSION" ] || { echo "run scripts/images.sh kafka once first (it fetches the Kafka jars)" >&2; exit 1; }
cleanup() { docker rmi -f "$TAG:base" "$TAG:runtime" "$TAG:kafka" "$TAG:postgres" >/dev/null 2>&1 || true; }
trap cleanup EXIT
step() { local label=$1 t=$SECONDS; shift; "$@" >/dev/null 2>&1; printf '%-44s %4d s\n' "$label" $((SECONDS - t)); }

echo "images with nothing cached, $(date -u +%F), $(nproc) cores"
step "base from Debian packages (mmdebstrap, import)" bash scripts/images.sh debian-base "$TAG:base"
step "services' runtime stage (JRE 17, libvirt)" docker build --no-cache --build-arg BASE_IMAGE="$TAG:base" \
  --target runtime -f docker/service/Dockerfile -t "$TAG:runtime" .
step "Kafka $KAFKA_VERSION" docker build --no-cache --build-arg BASE_IMAGE="$TAG:base" \
  --build-arg KAFKA_VERSION="$KAFKA_VERSION" -t "$TAG:kafka" docker/kafka
step "PostgreSQL 15" docker build --no-cache --build-arg BASE_IMAGE="$TAG:base" -t "$TAG:postgres" docker/postgres
