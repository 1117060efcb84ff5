#!/usr/bin/env bash
# A long run: two replicas of every service, a real broker and PostgreSQL, 14 services releasing one version after
# another for 22 minutes through the embedded gateway under steady request load, one release in
# ten a bad version the analysis aborts. Every minute: heap after GC, RSS, threads and open files of every JVM, every
# table's row count, step latency. Prints a table and writes bench/results/soak.json with the series and their trends.
# Options: bench/soak.sh --minutes 22 --services 14 --rps 10 --retention 3m (or off)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ -z "${GLIDE_SKIP_BUILD:-}" ]; then
  mvn -q -B -DskipTests install
fi
exec java -Xmx1g -cp "bench/target/glide-bench.jar:bench/target/lib/*" dev.glide.bench.Soak --root "$root" "$@"
