#!/usr/bin/env bash
# Prints the package dependency picture of the compiled modules as markdown (each dev.longplay package with the
# dev.longplay packages it uses, then any cycles); docs/architecture.md shows its output. The same program fails
# longplay-test on a cycle. Build first: mvn -B -ntp -o -q -DskipTests install
#
#   tools/package-graph.sh > graph.md
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
dirs=(models/target/classes osc/target/classes server/target/classes)
for d in "${dirs[@]}"; do
    [ -d "$d" ] || { echo "package-graph: no $d; build first (mvn -B -ntp -o -q -DskipTests install)" >&2; exit 1; }
done
exec java tools/PackageCycles.java --markdown "${dirs[@]}"
