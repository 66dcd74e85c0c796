#!/usr/bin/env bash
# Prints the package dependency picture of the built jars (jdeps -verbose:package) as markdown: each
# dev.longplay package with the dev.longplay packages it uses, then the cycles (strongly connected components).
# docs/architecture.md shows its output. Build first: mvn -B -ntp -o -q -DskipTests install
#
#   tools/package-graph.sh > graph.md
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
jars=(models/target/longplay-models-*[0-9T].jar osc/target/longplay-osc-*[0-9T].jar server/target/longplay.jar)
for j in "${jars[@]}"; do
    [ -f "$j" ] || { echo "package-graph: no $j; build first (mvn -B -ntp -o -q -DskipTests install)" >&2; exit 1; }
done
cp="$(ls server/target/lib/*.jar | grep -v '/longplay-' | paste -sd:)"
jdeps -verbose:package --ignore-missing-deps --multi-release 17 -cp "$cp" "${jars[@]}" \
    | awk '$1 ~ /^dev\.longplay/ && $2 == "->" && $3 ~ /^dev\.longplay/ { print $1, $3 }' | sort -u \
    | python3 -c '
import collections, sys
edges, nodes = collections.defaultdict(set), set()
for line in sys.stdin:
    a, b = line.split()
    nodes |= {a, b}
    if a != b:
        edges[a].add(b)
short = lambda p: p[len("dev.longplay."):] if p.startswith("dev.longplay.") else p
index, low, stack, on, sccs = {}, {}, [], set(), []
def visit(v):  # Tarjan, iterative enough for a few dozen packages
    index[v] = low[v] = len(index); stack.append(v); on.add(v)
    for w in sorted(edges[v]):
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        c = []
        while True:
            w = stack.pop(); on.discard(w); c.append(w)
            if w == v: break
        sccs.append(sorted(c))
for v in sorted(nodes):
    if v not in index: visit(v)
print("| package | uses |\n|---|---|")
for n in sorted(nodes):
    print("| `%s` | %s |" % (short(n), ", ".join(short(x) for x in sorted(edges[n])) or "–"))
cycles = [c for c in sccs if len(c) > 1]
print("\n%d packages; %d cycle(s)%s" % (len(nodes), len(cycles), ":" if cycles else "."))
for c in sorted(cycles, key=len, reverse=True):
    print("- %d packages: %s" % (len(c), ", ".join("`%s`" % short(x) for x in c)))
'
