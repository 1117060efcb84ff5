#!/usr/bin/env bash
# Runs Glide locally: builds it (tests skipped), then starts a real Kafka broker, a real PostgreSQL and the
# four services. Needs only a JDK 17+ and Maven. Data is kept in .local/ (delete it to start afresh).
# Options go to the launcher: ./deploy/local/run.sh --help
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
if [ -z "${GLIDE_SKIP_BUILD:-}" ]; then
  echo "Building Glide (mvn -DskipTests install; the first build downloads dependencies)..."
  mvn -q -B -DskipTests install
fi
exec java -jar deploy/local/target/glide-local.jar --root "$root" "$@"
