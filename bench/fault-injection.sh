#!/usr/bin/env bash
# Faults while rollouts run: two replicas of every service (separate JVMs), a real broker, PostgreSQL and HAProxy;
# kill -9 of one replica of each service, the brokers restarted one by one, kill -9 of the partition leader of a
# three-broker cluster, PostgreSQL stopped for 30 s and restarted, HAProxy gone for 10 s, malformed records on every input
# topic. Every rollout must still succeed with no step lost or applied twice. Prints a table and writes
# bench/results/fault-injection.json; exits non-zero if any fault lost or duplicated a step.
# Options: bench/fault-injection.sh --rollouts 6
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
[ -x /usr/sbin/haproxy ] || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy; }
if [ -z "${GLIDE_SKIP_BUILD:-}" ]; then
  mvn -q -B -DskipTests install
fi
exec java -Xmx1g -cp "bench/target/glide-bench.jar:bench/target/lib/*" dev.glide.bench.FaultInjection --root "$root" "$@"
