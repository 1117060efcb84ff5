#!/usr/bin/env bash
# Planner capacity: how many concurrent active rollouts one planner holds, and its step latency p50/p99 while
# it does (target: 10 000 active, step p99 < 100 ms on a 2-core machine). Real Kafka, real PostgreSQL, the
# packaged planner; prints a table and writes bench/results/planner-capacity.json.
# Options go to the benchmark: bench/planner-capacity.sh --rollouts 2000 --rate 50 --seconds 30
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ -z "${GLIDE_SKIP_BUILD:-}" ]; then
  mvn -q -B -DskipTests install -pl bench,planner-service -am
fi
exec java -Xmx1g -cp "bench/target/glide-bench.jar:bench/target/lib/*" dev.glide.bench.PlannerCapacity --root "$root" "$@"
