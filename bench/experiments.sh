#!/usr/bin/env bash
# Experiments: generated A/B/n tests (a control and two variants) judged at every window by Glide's anytime-valid
# goal comparison, beside a plain z-test once at the end and at every window ("peeking"). Pure computation (no broker
# needed); prints a table and writes bench/results/experiments.json: how often the truly better variant is declared the
# winner, how often a wrong one is, and in A/A experiments (no true difference) how often any winner is declared.
# Options go to the benchmark: bench/experiments.sh --runs 1000 --aa-runs 3000 --windows 40 --users 500 --tau 0.1
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ -z "${GLIDE_SKIP_BUILD:-}" ]; then
  mvn -q -B -DskipTests install -pl bench,analysis-service -am
fi
exec java -Xmx1g -cp "bench/target/glide-bench.jar:bench/target/lib/*" dev.glide.bench.ExperimentBenchmark --root "$root" "$@"
