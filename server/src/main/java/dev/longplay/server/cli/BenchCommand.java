package dev.longplay.server.cli;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.autoencoder.AudioAutoencoder;
import dev.longplay.models.autoencoder.ChunkedDecoder;
import dev.longplay.models.nn.ComputeTarget;
import dev.longplay.models.pipeline.BenchModel;
import dev.longplay.models.pipeline.GenerationListener;
import dev.longplay.models.pipeline.GenerationParams;
import dev.longplay.models.pipeline.StableAudioPipeline;
import dev.longplay.models.sa3.LatentCodec;
import dev.longplay.models.sa3.Sa3Bench;
import dev.longplay.models.sa3.Sa3Config;
import dev.longplay.models.sa3.same.SameAutoencoder;
import dev.longplay.models.weights.StateDict;
import dev.longplay.models.weights.SyntheticTensors;
import dev.longplay.models.diffusion.ModelFunction;
import dev.longplay.models.diffusion.SeededNoise;
import dev.longplay.models.nn.FusedAttention;
import dev.longplay.server.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code longplay bench}: times one DiT step (batched CFG), a VAE decode and a whole generation for a model
 * and a clip length, and prints JSON. Compare with tools/bench_reference.py on the same machine and threads.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time a DiT step, a VAE decode and a whole generation; print JSON.")
public final class BenchCommand implements Callable<Integer> {

    @Option(names = "--model", paramLabel = "DIR|HF-ID|tiny|sao-1.0-random|sao-small-random|sa3-small-random",
            description = "a model, or a random-weight model of a published shape (default: tiny)")
    String model = "tiny";

    @Option(names = "--seconds", description = "clip length (default 2)")
    double seconds = 2;

    @Option(names = "--steps", description = "sampler steps for the whole generation (default 8)")
    int steps = 8;

    @Option(names = "--repeat", description = "timed repetitions of each part after one warm-up; the median is "
            + "reported (default 3)")
    int repeat = 3;

    @Option(names = "--skip-generation", description = "time only the DiT step and the decode")
    boolean skipGeneration;

    @Option(names = "--skip-decode", description = "do not time the VAE decode (e.g. for a long DiT-step memory check)")
    boolean skipDecode;

    @picocli.CommandLine.Mixin
    ComputeOptions compute = new ComputeOptions();

    @Override
    public Integer call() throws Exception {
        Path cache = dev.longplay.server.io.DataDirs.cache().resolve("models");
        ComputeTarget target = compute.target();
        if (model.equals("sa3-small-random")) {
            // SA3: DiT step, the whole ping-pong sampling and the SAME-S decode, all with random weights
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", model);
            out.put("seconds", seconds);
            out.put("threads", Integer.getInteger("ai.djl.pytorch.num_threads", Runtime.getRuntime().availableProcessors()));
            out.put("target", target.describe());
            out.put("attention", FusedAttention.describe());
            Sa3Config config = Sa3Bench.smallConfig();
            try (GpuMemoryWatch gpu = GpuMemoryWatch.start(target.device());
                 NDManager m = target.newManager();
                 LatentCodec codec = skipDecode ? null : SameAutoencoder.loader().load(config,
                         new StateDict(new SyntheticTensors(11), m, DataType.FLOAT32), m)) {
                out.putAll(Sa3Bench.run(config, seconds, steps, codec, this::time, target));
                putMemory(out, gpu);
            }
            System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(out));
            return 0;
        }
        GpuMemoryWatch gpu = GpuMemoryWatch.start(target.device());
        try (gpu; StableAudioPipeline p = StableAudioPipeline.load(BenchModel.resolve(model, cache), model, target)) {
            p.setLowMemory(compute.lowMemory);
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("model", model);
            out.put("seconds", seconds);
            out.put("threads", Integer.getInteger("ai.djl.pytorch.num_threads", Runtime.getRuntime().availableProcessors()));
            out.put("target", target.describe());
            out.put("lowMemory", compute.lowMemory);
            out.put("attention", FusedAttention.describe());
            out.put("ditBlocks", p.transformer().blocksPath());
            out.put("decoder", p.autoencoder().decoder().fused() != null ? "fused" : "ops");
            out.put("hugePages", "1".equals(System.getenv("THP_MEM_ALLOC_ENABLE")));
            out.put("engine", "libtorch " + ai.djl.engine.Engine.getEngine("PyTorch").getVersion());
            out.put("loadAverageStart", loadAverage());
            int ratio = p.config().autoencoder().downsamplingRatio();
            int latentFrames = (int) Math.ceil(seconds * p.sampleRate() / ratio);
            out.put("latentFrames", latentFrames);
            try (NDManager m = target.newManager()) {
                NDArray x = SeededNoise.stream(1, 1).next(m, new Shape(1, p.config().autoencoder().latentDim(), latentFrames));
                ModelFunction f = p.modelFunction(GenerationParams.text("bench", seconds, 1), m);
                NDArray t = m.create(new float[]{0.7f});
                timePart(out, "ditStep", () -> finish(f.apply(x, t)));
                if (!skipDecode) {
                    AudioAutoencoder ae = p.autoencoder();
                    timePart(out, "vaeDecode", () -> finish(ae.decodeInWindows(x, ChunkedDecoder.DEFAULT_WINDOW_FRAMES)));
                }
            }
            if (!skipGeneration) {
                GenerationParams gp = GenerationParams.builder().prompt("bench").seconds(seconds).seed(1).steps(steps)
                        .build();
                out.put("steps", steps);
                timePart(out, "generation", () -> p.generate(gp, GenerationListener.NONE));
            }
            out.put("loadAverageEnd", loadAverage());
            putMemory(out, gpu);
            System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(out));
        }
        return 0;
    }

    // the one-minute load average: how busy the machine was while the parts were timed
    private static double loadAverage() {
        return Math.round(java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()
                * 100) / 100.0;
    }

    private static void putMemory(Map<String, Object> out, GpuMemoryWatch gpu) {
        out.put("peakRssMiB", PeakMemory.rssHighWaterMiB());
        if (gpu != null) {
            out.put("peakGpuMiB", gpu.peakMiB());
        }
    }

    /**
     * Waits for the work behind {@code result} and frees it. GPU ops only queue work: reading one element back
     * to the host waits for everything queued before it, so the timed part ends when the GPU is done.
     */
    private static void finish(NDArray result) {
        try (NDArray flat = result.flatten(); NDArray one = flat.get(0)) {
            one.toByteBuffer();
        }
        result.close();
    }

    /**
     * Puts {@code <part>Seconds} (wall, see {@link #time}) and {@code <part>CpuSeconds}: the process's CPU time per
     * run (all threads, the median over the same runs), which a loaded machine inflates less than wall time.
     */
    private void timePart(Map<String, Object> out, String part, Runnable r) {
        com.sun.management.OperatingSystemMXBean os =
                (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        List<Long> cpu = new java.util.ArrayList<>();
        out.put(part + "Seconds", time(() -> {
            long c0 = os.getProcessCpuTime();
            r.run();
            cpu.add(os.getProcessCpuTime() - c0);
        }));
        List<Long> timed = repeat <= 0 ? cpu : cpu.subList(1, cpu.size());
        long[] sorted = timed.stream().mapToLong(Long::longValue).sorted().toArray();
        int n = sorted.length;
        out.put(part + "CpuSeconds", (n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0) / 1e9);
    }

    /** Median of --repeat runs after a warm-up (the machine's load varies); with --repeat 0, the one (cold) run. */
    private double time(Runnable r) {
        long t = System.nanoTime();
        r.run();
        if (repeat <= 0) {
            return (System.nanoTime() - t) / 1e9;
        }
        long[] runs = new long[repeat];
        for (int i = 0; i < repeat; i++) {
            long t0 = System.nanoTime();
            r.run();
            runs[i] = System.nanoTime() - t0;
        }
        java.util.Arrays.sort(runs);
        double median = repeat % 2 == 1 ? runs[repeat / 2] : (runs[repeat / 2 - 1] + runs[repeat / 2]) / 2.0;
        return median / 1e9;
    }
}
