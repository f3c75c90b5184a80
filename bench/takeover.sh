#!/usr/bin/env bash
# How fast a killed service, started again, gets its Kafka partitions back: Kafka static group
# membership (hotclone.kafka.instance-id, the cluster's default) against dynamic members, side by
# side in one run on the production shape (scripts/cluster.sh), for Kafka session timeouts of 10 s
# (the project's default) and 45 s (Kafka's). Each round: config-service is started with the
# setting and waits for its partitions; it is killed (SIGKILL) and started again at once; from its
# log: the consumers' subscription -> all four partitions assigned (what static membership
# changes), and kill -> all assigned (that plus the JVM's start, which no Kafka setting changes).
#   usage: bench/takeover.sh [rounds]     (default 2 per setting)
# Prints a markdown table and writes it to .work/bench/takeover.md. Run it alone (2 cores).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
ROUNDS=${1:-2}
OUT="$ROOT/.work/bench/takeover"
rm -rf "$OUT"; mkdir -p "$OUT"
export HOTCLONE_CLUSTER_DIR="$OUT/cluster"
bash scripts/libvirt/setup.sh >/dev/null
set -a; . .work/libvirt.env; set +a
[ -f config-service/target/config-service-0.1.0-SNAPSHOT-exec.jar ] || mvn -B -ntp -q -DskipTests package
LOG="$HOTCLONE_CLUSTER_DIR/logs/config-service.log"

# the timestamp (epoch ms) of the first line since the latest start matching $1, waiting up to 180 s
since_start_ms() {
  local deadline=$((SECONDS + 180)) line
  while [ $SECONDS -lt $deadline ]; do
    line=$(awk '/^=== cluster.sh: starting/{buf=""} {buf=buf $0 "\n"} END{printf "%s", buf}' "$LOG" | grep -E -m1 "$1" || true)
    if [ -n "$line" ]; then
      date -d "${line%% *}" +%s%3N
      return
    fi
    sleep 0.1
  done
  echo "no /$1/ in $LOG" >&2; exit 1
}
all_assigned_ms() { # the latest of the four partitions' first assignment since the start
  local p t max=0
  for p in 0 1 2 3; do
    t=$(since_start_ms "partitions assigned: \[[^]]*hotclone\.clone-events-$p[],]")
    [ "$t" -gt "$max" ] && max=$t
  done
  echo "$max"
}

trap 'bash scripts/cluster.sh down --delete-demo >/dev/null 2>&1 || true' EXIT
bash scripts/cluster.sh up >/dev/null
printf 'session_ms\tmembership\tround\tsubscribed_to_assigned_ms\tkill_to_assigned_ms\n' > "$OUT/rounds.tsv"
for session in 10000 45000; do
  for membership in dynamic static; do
    export HOTCLONE_CLUSTER_STATIC_MEMBERSHIP=$([ $membership = static ] && echo true || echo false)
    bash scripts/cluster.sh stop config-service >/dev/null
    bash scripts/cluster.sh start config-service "--hotclone.kafka.session-timeout-ms=$session" >/dev/null
    all_assigned_ms >/dev/null
    for r in $(seq "$ROUNDS"); do
      killed=$(date +%s%3N)
      bash scripts/cluster.sh kill config-service >/dev/null
      bash scripts/cluster.sh start config-service "--hotclone.kafka.session-timeout-ms=$session" >/dev/null
      sub=$(since_start_ms 'Subscribed to topic\(s\): hotclone\.clone-events')
      asg=$(all_assigned_ms)
      printf '%s\t%s\t%s\t%s\t%s\n' "$session" "$membership" "$r" "$((asg - sub))" "$((asg - killed))" | tee -a "$OUT/rounds.tsv"
    done
  done
done
unset HOTCLONE_CLUSTER_STATIC_MEMBERSHIP

{
  echo "| session timeout | membership | subscribed → all partitions assigned (ms, per round) | kill → all assigned (ms, per round) |"
  echo "|---|---|---|---|"
  for session in 10000 45000; do
    for membership in dynamic static; do
      awk -F'\t' -v s="$session" -v m="$membership" 'NR > 1 && $1 == s && $2 == m {a = a (a ? ", " : "") $4; b = b (b ? ", " : "") $5}
        END {printf "| %d s | %s | %s | %s |\n", s / 1000, m, a, b}' "$OUT/rounds.tsv"
    done
  done
} | tee "$ROOT/.work/bench/takeover.md"
