#!/usr/bin/env bash
# Glide at fleet scale on real parts (Kafka, PostgreSQL, the packaged planner and traffic service; the benchmark answers
# analyses): trains of 200 services through one real HAProxy and through the no-op gateway (cutover spread, all back
# on stable after one member fails, client requests failed), aborts in the middle of a burst of 500 releases beside
# quiet ones, steps applied per second by one traffic replica, rollouts per CPU-second at 1/2/3 replicas, and 500 open
# live views' cost and reach. Prints a table and writes bench/results/fleet.json.
# Options: bench/fleet.sh --parts train,burst,scale,streams --members 200 --trains 2 --burst 500 --streams 500
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ -z "${GLIDE_SKIP_BUILD:-}" ]; then
  mvn -q -B -DskipTests install
fi
exec java -Xmx1g -cp "bench/target/glide-bench.jar:bench/target/lib/*" dev.glide.bench.Fleet --root "$root" "$@"
