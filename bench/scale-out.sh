#!/usr/bin/env bash
# Scale-out: a burst of releases through 1, 2 and 3 replicas of the planner and of the traffic service (one consumer
# group each, 6 partitions, real Kafka and PostgreSQL, the packaged services): rollouts completed per minute, step
# latency p50/p99 of each service, steps lost and applied twice. Prints a table and writes
# bench/results/scale-out.json. Options: bench/scale-out.sh --replicas 1,2,3 --rollouts 300
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ -z "${GLIDE_SKIP_BUILD:-}" ]; then
  mvn -q -B -DskipTests install -pl bench,planner-service,traffic-service -am
fi
exec java -Xmx1g -cp "bench/target/glide-bench.jar:bench/target/lib/*" dev.glide.bench.ScaleOut --root "$root" "$@"
