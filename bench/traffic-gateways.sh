#!/usr/bin/env bash
# Gateways under load: hey on loopback through the embedded gateway, a real HAProxy and a real NGINX during a canary ramp
# (1 -> 5 -> 25 -> 50 -> 100), a blue-green switch and an abort, with steps arriving on Kafka for the packaged
# traffic service. Prints a table and writes bench/results/traffic-gateways.json: requests sent, failed requests
# (target 0), realised canary share against the configured one (target +-0.5 pp over >= 10 000 requests), the
# gateway's added latency p50/p99, and step -> weights verified p50/p99.
# Options: bench/traffic-gateways.sh --clients 8 --requests-per-share 12000 --step-samples 40
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
missing=()
[ -x /usr/bin/hey ] || missing+=(hey)
[ -x /usr/sbin/haproxy ] || missing+=(haproxy)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi
if [ -z "${GLIDE_SKIP_BUILD:-}" ]; then
  mvn -q -B -DskipTests install -pl bench,traffic-service -am
fi
exec java -Xmx1g -cp "bench/target/glide-bench.jar:bench/target/lib/*" dev.glide.bench.TrafficGateways --root "$root" "$@"
