import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.spi.ToolProvider;

/**
 * Fails when the packages of a compiled module depend on each other in a cycle.
 *
 * <p>Run as a single-file program, one class folder per module:
 * {@code java tools/PackageCycles.java models/target/classes osc/target/classes server/target/classes}.
 * With {@code --markdown} first it prints the picture of all the folders together instead (each package with the
 * project packages it uses, then any cycles), as docs/architecture.md shows it, and exits 0.
 * Package dependencies come from the JDK's {@code jdeps}; cycles are the strongly connected components of
 * that graph with more than one package (Tarjan). Imports must flow one way so that each package can be
 * read, tested and replaced on its own.
 */
public final class PackageCycles {

    public static void main(String[] args) {
        if (args.length == 0 || args[0].equals("--markdown") && args.length == 1) {
            System.err.println("usage: java tools/PackageCycles.java [--markdown] CLASS_DIR...");
            System.exit(2);
        }
        if (args[0].equals("--markdown")) {
            printMarkdown(java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        int cycles = 0;
        for (String dir : args) {
            Map<String, Set<String>> graph = packageGraph(dir);
            List<List<String>> found = stronglyConnected(graph);
            for (List<String> cycle : found) {
                System.out.println("package cycle in " + dir + ": " + String.join(" <-> ", cycle));
                for (String p : cycle) {
                    Set<String> inCycle = new TreeSet<>(graph.getOrDefault(p, Set.of()));
                    inCycle.retainAll(cycle);
                    System.out.println("    " + p + " -> " + inCycle);
                }
            }
            cycles += found.size();
            System.out.println(dir + ": " + graph.size() + " packages, " + found.size() + " cycles");
        }
        System.exit(cycles == 0 ? 0 : 1);
    }

    private static void printMarkdown(String[] classDirs) {
        Map<String, Set<String>> all = new TreeMap<>();
        for (String dir : classDirs) {
            packageGraph(dir).forEach((p, uses) -> all.computeIfAbsent(p, k -> new TreeSet<>()).addAll(uses));
        }
        System.out.println("| package | uses |\n|---|---|");
        all.forEach((p, uses) -> System.out.println("| `" + shortName(p) + "` | "
                + (uses.isEmpty() ? "–" : String.join(", ", uses.stream().map(PackageCycles::shortName).toList())) + " |"));
        List<List<String>> cycles = stronglyConnected(all);
        System.out.println();
        System.out.println(all.size() + " packages; " + cycles.size() + " cycle(s)" + (cycles.isEmpty() ? "." : ":"));
        for (List<String> c : cycles) {
            System.out.println("- " + c.size() + " packages: " + String.join(", ", c.stream().map(x -> "`" + shortName(x) + "`").toList()));
        }
    }

    private static String shortName(String pkg) {
        return pkg.startsWith("dev.longplay.") ? pkg.substring("dev.longplay.".length()) : pkg;
    }

    /** Package to the project packages it uses, from {@code jdeps -verbose:package}. */
    static Map<String, Set<String>> packageGraph(String classDir) {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps")
                .orElseThrow(() -> new IllegalStateException("jdeps is missing: a full JDK is needed"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = jdeps.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                "-verbose:package", "-filter:none", "-e", "dev\\.longplay\\..*", classDir);
        if (rc != 0) {
            throw new IllegalStateException("jdeps failed on " + classDir + ": " + err.toString(StandardCharsets.UTF_8));
        }
        Map<String, Set<String>> graph = new TreeMap<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            String[] parts = line.trim().split("\\s+");
            // "   a.b.c      -> a.b.d      classes"
            if (parts.length >= 3 && parts[1].equals("->") && parts[0].startsWith("dev.longplay")
                    && parts[2].startsWith("dev.longplay")) {
                graph.computeIfAbsent(parts[0], k -> new TreeSet<>());
                graph.computeIfAbsent(parts[2], k -> new TreeSet<>());
                if (!parts[0].equals(parts[2])) {
                    graph.get(parts[0]).add(parts[2]);
                }
            }
        }
        return graph;
    }

    /** Tarjan's algorithm; returns only components of two or more packages. */
    static List<List<String>> stronglyConnected(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new java.util.HashSet<>();
        List<List<String>> result = new ArrayList<>();
        int[] counter = {0};
        for (String v : graph.keySet()) {
            if (!index.containsKey(v)) {
                visit(v, graph, index, low, stack, onStack, result, counter);
            }
        }
        return result;
    }

    private static void visit(String v, Map<String, Set<String>> graph, Map<String, Integer> index, Map<String, Integer> low,
                              Deque<String> stack, Set<String> onStack, List<List<String>> result, int[] counter) {
        index.put(v, counter[0]);
        low.put(v, counter[0]);
        counter[0]++;
        stack.push(v);
        onStack.add(v);
        for (String w : graph.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                visit(w, graph, index, low, stack, onStack, result, counter);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> component = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                component.sort(null);
                result.add(component);
            }
        }
    }
}
