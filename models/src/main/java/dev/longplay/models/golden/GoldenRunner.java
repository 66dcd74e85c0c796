package dev.longplay.models.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.longplay.models.nn.ComputeTarget;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Runs golden cases and applies the pass rule of models/src/test/resources/golden/README.md: for every output tensor,
 * {@code max|out - ref| <= atol + rtol * max|ref|}. On a GPU or in reduced precision the case's tolerances are
 * widened to the floor {@link GoldenTolerance} documents for that target.
 */
public final class GoldenRunner {

    private final Map<String, GoldenComponent> components = new LinkedHashMap<>();
    private final ComputeTarget target;

    public GoldenRunner(List<GoldenComponent> components) {
        this(components, ComputeTarget.CPU);
    }

    public GoldenRunner(List<GoldenComponent> components, ComputeTarget target) {
        for (GoldenComponent c : components) {
            this.components.put(c.component(), c);
        }
        this.target = target;
    }

    /** Every component Longplay implements, on the CPU in float32. */
    public static GoldenRunner standard() {
        return standard(ComputeTarget.CPU);
    }

    /** Every component Longplay implements, on {@code target}. */
    public static GoldenRunner standard(ComputeTarget target) {
        return new GoldenRunner(GoldenComponents.all(), target);
    }

    public boolean supports(String component) {
        return components.containsKey(component);
    }

    /** The case folders directly under {@code dir}, by name. */
    public static List<Path> caseDirs(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isDirectory).filter(GoldenCase::isCase).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list golden folder " + dir, e);
        }
    }

    public List<GoldenResult> runAll(Path dir) {
        List<GoldenResult> results = new ArrayList<>();
        for (Path caseDir : caseDirs(dir)) {
            results.add(run(GoldenCase.open(caseDir)));
        }
        return results;
    }

    public GoldenResult run(GoldenCase gc) {
        GoldenComponent component = components.get(gc.component());
        if (component == null) {
            return new GoldenResult(gc.name(), gc.component(), Double.NaN, Double.NaN, "", GoldenResult.Status.UNSUPPORTED,
                    "unsupported component");
        }
        try (NDManager manager = target.newManager()) {
            Map<String, NDArray> inputs = gc.inputs(manager);
            Map<String, NDArray> expected = gc.outputs(manager);
            Map<String, NDArray> actual = component.run(gc, inputs, manager, target.precision());
            return compare(gc, expected, actual, GoldenTolerance.floor(target, component.followsPrecision()));
        } catch (RuntimeException e) {
            return new GoldenResult(gc.name(), gc.component(), Double.NaN, Double.NaN, "", GoldenResult.Status.ERROR,
                    e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    static GoldenResult compare(GoldenCase gc, Map<String, NDArray> expected, Map<String, NDArray> actual) {
        return compare(gc, expected, actual, GoldenTolerance.NONE);
    }

    static GoldenResult compare(GoldenCase gc, Map<String, NDArray> expected, Map<String, NDArray> actual,
                                GoldenTolerance floor) {
        double worstRatio = -1;
        double worstError = 0;
        double worstAllowed = 0;
        String worstName = "";
        for (Map.Entry<String, NDArray> e : expected.entrySet()) {
            NDArray ref = e.getValue();
            NDArray out = actual.get(e.getKey());
            if (out == null) {
                return new GoldenResult(gc.name(), gc.component(), Double.NaN, Double.NaN, e.getKey(),
                        GoldenResult.Status.ERROR, "no output named '" + e.getKey() + "'");
            }
            if (!out.getShape().equals(ref.getShape())) {
                return new GoldenResult(gc.name(), gc.component(), Double.NaN, Double.NaN, e.getKey(),
                        GoldenResult.Status.FAIL, "output '" + e.getKey() + "' has shape " + out.getShape()
                        + ", reference " + ref.getShape());
            }
            double error = out.toType(ref.getDataType(), false).sub(ref).abs().max().getFloat();
            double allowed = Math.max(gc.atol(), floor.atol())
                    + Math.max(gc.rtol(), floor.rtol()) * ref.abs().max().getFloat();
            double ratio = Double.isNaN(error) ? Double.POSITIVE_INFINITY : error / allowed;
            if (ratio > worstRatio) {
                worstRatio = ratio;
                worstError = error;
                worstAllowed = allowed;
                worstName = e.getKey();
            }
        }
        GoldenResult.Status status = worstRatio <= 1.0 ? GoldenResult.Status.PASS : GoldenResult.Status.FAIL;
        return new GoldenResult(gc.name(), gc.component(), worstError, worstAllowed, worstName, status, "");
    }
}
