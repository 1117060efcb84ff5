#!/usr/bin/env bash
# Analysis judges: regressions caught, false aborts on A/A, windows to a decision (sequential against a fixed
# horizon) and judge throughput, on the shared sample scenarios and on sets generated here. Pure computation
# (no broker needed); prints a table and writes bench/results/analysis-judges.json.
# Options go to the benchmark: bench/analysis-judges.sh --per-error-cell 2000 --per-cell 500 --aa 3000 --seed 7
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ -z "${GLIDE_SKIP_BUILD:-}" ]; then
  mvn -q -B -DskipTests install -pl bench,analysis-service -am
fi
exec java -Xmx1g -cp "bench/target/glide-bench.jar:bench/target/lib/*" dev.glide.bench.JudgeBenchmark --root "$root" "$@"
