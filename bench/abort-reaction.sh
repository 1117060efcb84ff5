#!/usr/bin/env bash
# Abort reaction: from the end of the first bad metrics window an analysis judges to the gateway serving 100 %
# stable again (read back), p50/p99 over 20 rollouts on the embedded gateway and on a real HAProxy (where
# installed); target p99 < 500 ms. The whole system on real parts; prints a table and writes
# bench/results/abort-reaction.json. Options: bench/abort-reaction.sh --rollouts 50
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ -z "${GLIDE_SKIP_BUILD:-}" ]; then
  mvn -q -B -DskipTests install
fi
exec java -Xmx1g -cp "bench/target/glide-bench.jar:bench/target/lib/*" dev.glide.bench.AbortReaction --root "$root" "$@"
