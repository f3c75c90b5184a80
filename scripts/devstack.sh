#!/usr/bin/env bash
# The README's first command: builds the suite and starts devstack (Kafka, PostgreSQL, the five
# services, the embedded hypervisor with demo VM demo-1) in one JVM. Extra arguments go to every
# service, e.g. --hotclone.api.operation-timeout=30s.
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -B -ntp -q -DskipTests install
exec java -jar devstack/target/devstack-0.1.0-SNAPSHOT.jar "$@"
