#!/usr/bin/env bash
# Saga benchmark: N sequential and N concurrent clones through the whole suite on real Kafka and
# PostgreSQL (devstack on free ports). Usage: bench/saga.sh [N] [CONCURRENCY]
#
# SAGA_COALESCE="false true" (default: "true", the deployment's default) runs the benchmark once per
# value of hotclone.api.coalesce-waiting-requests, in that order, each on a new devstack: requests of
# one source that is being cloned either each freeze it in turn (false) or wait and share one freeze
# (true). SAGA_ROUNDS repeats the whole list (A/B/A/B), so that both sides see the same machine.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp -q -DskipTests install
mvn -B -ntp -q -pl devstack test-compile dependency:build-classpath -Dmdep.outputFile=target/bench.cp
for round in $(seq 1 "${SAGA_ROUNDS:-1}"); do
  for coalesce in ${SAGA_COALESCE:-true}; do
    echo "== round $round, coalesce-waiting-requests=$coalesce"
    java "-Dhotclone.api.coalesce-waiting-requests=$coalesce" \
      -cp "devstack/target/test-classes:devstack/target/classes:$(cat devstack/target/bench.cp)" \
      io.hotclone.devstack.SagaBenchmark "${1:-50}" "${2:-8}" 2>&1 | grep --line-buffered -E '^(sequential|concurrent|count|  step|  as clone-api)'
  done
done
