#!/usr/bin/env bash
# Backpressure under a burst: BurstIT on a devstack (embedded driver, real Kafka and PostgreSQL in
# one JVM): 1,000 clone requests from three tenants at once, 16 clients, limits 24 in flight and 12
# per tenant (TestStack's settings). Prints accepted (202), throttled (429) and the time until every
# accepted operation ended; the line is also in devstack/target/burst-figures.txt.
#   usage: bench/burst.sh       (add -o to MVN_FLAGS to stay offline)
set -euo pipefail
cd "$(dirname "$0")/.."
MVN_FLAGS=${MVN_FLAGS:-}
mvn -B -ntp -q $MVN_FLAGS -DskipTests install
mvn -B -ntp $MVN_FLAGS -pl devstack verify -Dit.test=BurstIT -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
  > devstack/target/burst-mvn.log 2>&1 || { tail -60 devstack/target/burst-mvn.log; exit 1; }
cat devstack/target/burst-figures.txt
