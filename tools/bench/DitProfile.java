import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longplay.models.diffusion.ModelFunction;
import dev.longplay.models.diffusion.SeededNoise;
import dev.longplay.models.nn.ComputeTarget;
import dev.longplay.models.pipeline.GenerationParams;
import dev.longplay.models.pipeline.StableAudioPipeline;
import dev.longplay.models.weights.ModelFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Longplay's side of a DiT-step profile: one network evaluation (as `./longplay bench` times it, after a warm-up)
 * under libtorch's own profiler, then a table of self time per op — the counterpart of
 * `tools/bench_reference.py --profile` (torch.profiler). The trace (Chrome format) is kept at the given path.
 * Which blocks run follows -Dlongplay.dit (fused, the default, or ops); the precision is the third argument.
 *
 *   java -Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1 -Dai.djl.offline=true \
 *       -cp server/target/longplay.jar tools/bench/DitProfile.java MODEL_DIR SECONDS [fp32|int8] [TRACE.json]
 *
 * MODEL_DIR: a model folder, e.g. the one `./longplay bench --model sao-small-random` wrote in its cache.
 */
public final class DitProfile {

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        float seconds = Float.parseFloat(args[1]);
        ComputeTarget target = ComputeTarget.resolve("cpu", args.length > 2 ? args[2] : "fp32");
        Path trace = args.length > 3 ? Path.of(args[3]) : Files.createTempFile("dit-profile", ".json");
        try (StableAudioPipeline p = StableAudioPipeline.load(ModelFiles.in(dir), "profile", target);
             NDManager m = target.newManager()) {
            int frames = (int) Math.ceil(seconds * p.sampleRate() / p.config().autoencoder().downsamplingRatio());
            NDArray x = SeededNoise.stream(1, 1).next(m, new Shape(1, p.config().autoencoder().latentDim(), frames));
            NDArray t = m.create(new float[]{0.7f});
            ModelFunction f = p.modelFunction(GenerationParams.text("profile", seconds, 1), m);
            f.apply(x, t).close();   // warm-up
            JniUtils.startProfile(false, false, false);
            long t0 = System.nanoTime();
            f.apply(x, t).close();
            double wall = (System.nanoTime() - t0) / 1e9;
            JniUtils.stopProfile(trace.toString());
            System.out.printf("blocks: %s, %d latent frames, one DiT step %.3f s (profiled)%n",
                    p.transformer().blocksPath(), frames, wall);
        }
        printSelfTimes(trace);
        System.out.println("trace: " + trace);
    }

    // Self time per op name from the Chrome trace: each complete event's duration minus its direct children's.
    private static void printSelfTimes(Path trace) throws Exception {
        JsonNode root = new ObjectMapper().readTree(trace.toFile());
        JsonNode events = root.isArray() ? root : root.path("traceEvents");
        java.util.List<JsonNode> ops = new java.util.ArrayList<>();
        for (JsonNode e : events) {
            if ("X".equals(e.path("ph").asText()) && e.has("dur")) {
                ops.add(e);
            }
        }
        ops.sort(java.util.Comparator.comparingDouble((JsonNode e) -> e.path("ts").asDouble())
                .thenComparingDouble(e -> -e.path("dur").asDouble()));
        Map<String, double[]> self = new HashMap<>();   // name -> {self µs, calls}
        java.util.ArrayDeque<double[]> stack = new java.util.ArrayDeque<>();   // {end, index}
        double[] selfOf = new double[ops.size()];
        double total = 0;
        for (int i = 0; i < ops.size(); i++) {
            JsonNode e = ops.get(i);
            double ts = e.path("ts").asDouble();
            double dur = e.path("dur").asDouble();
            String tid = e.path("tid").asText();
            while (!stack.isEmpty() && (stack.peek()[0] <= ts || !tid.equals(ops.get((int) stack.peek()[1]).path("tid").asText()))) {
                stack.pop();
            }
            selfOf[i] = dur;
            if (stack.isEmpty()) {
                total += dur;
            } else {
                selfOf[(int) stack.peek()[1]] -= dur;
            }
            stack.push(new double[]{ts + dur, i});
        }
        for (int i = 0; i < ops.size(); i++) {
            double[] s = self.computeIfAbsent(ops.get(i).path("name").asText(), k -> new double[2]);
            s[0] += selfOf[i];
            s[1]++;
        }
        double sum = total;
        System.out.printf("%-50s %10s %7s %7s%n", "op", "self ms", "share", "calls");
        self.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0])).limit(25)
                .forEach(en -> System.out.printf("%-50s %10.1f %6.1f%% %7d%n", en.getKey(), en.getValue()[0] / 1000,
                        100 * en.getValue()[0] / sum, (long) en.getValue()[1]));
        System.out.printf("top-level ops total: %.1f ms%n", total / 1000);
    }
}
