#!/usr/bin/env bash
# Saga benchmark: N sequential and N concurrent clones through the whole suite on real Kafka and
# PostgreSQL (devstack on free ports). Usage: bench/saga.sh [N] [CONCURRENCY]
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp -q -DskipTests install
mvn -B -ntp -q -pl devstack test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp
java -cp "devstack/target/test-classes:devstack/target/classes:$(cat devstack/target/bench.cp)" \
  io.hotclone.devstack.SagaBenchmark "${1:-50}" "${2:-8}" 2>&1 | grep --line-buffered -E '^(sequential|concurrent|count|  step|  as clone-api)'
