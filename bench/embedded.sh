#!/usr/bin/env bash
# Benchmarks of the embedded hypervisor (a plain main() harness, not unit tests).
# Usage, from anywhere: bench/embedded.sh   (add -o to MVN_FLAGS to stay offline)
# Prints the figures and a Markdown table for bench/RESULTS.md. Takes about half a minute;
# needs ~3 GiB of free RAM and ~2 GiB of free disk in the temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
MVN_FLAGS=${MVN_FLAGS:-}
mvn -q $MVN_FLAGS -pl hypervisor test-compile
mvn -q $MVN_FLAGS -pl hypervisor dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/embedded-bench.classpath
exec java -Xmx2g -XX:MaxDirectMemorySize=6g \
  -cp "hypervisor/target/test-classes:hypervisor/target/classes:$(cat hypervisor/target/embedded-bench.classpath)" \
  io.hotclone.hypervisor.bench.EmbeddedBench "$@"
