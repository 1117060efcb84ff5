#!/usr/bin/env bash
# Release trains on real parts (Kafka, PostgreSQL, the four packaged services, the embedded gateway): trains of a
# backend and two frontends depending on it, half of them with a frontend whose v2 fails half its requests, under
# steady load. Prints a table and writes bench/results/release-trains.json: failed requests, the cutover's spread,
# the train's abort reaction, ordering violations, steps lost and duplicated. Options: bench/release-trains.sh --trains 10
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ -z "${GLIDE_SKIP_BUILD:-}" ]; then
  mvn -q -B -DskipTests install
fi
exec java -Xmx1g -cp "bench/target/glide-bench.jar:bench/target/lib/*" dev.glide.bench.ReleaseTrains --root "$root" "$@"
