package dev.longplay.models.sa3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.diffusion.PingPongSampler;
import dev.longplay.models.diffusion.SeededNoise;
import dev.longplay.models.diffusion.StepListener;
import dev.longplay.models.sa3.dit.DitInputs;
import dev.longplay.models.sa3.dit.GuidedVelocity;
import dev.longplay.models.sa3.dit.Sa3Dit;
import dev.longplay.models.sa3.sampling.DistributionShift;
import dev.longplay.models.sa3.sampling.Sa3Schedule;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.StateDict;
import dev.longplay.models.weights.SyntheticTensors;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Seconds per clip for an SA3-shaped DiT with random weights: one DiT step, the whole ping-pong sampling at the
 * clip's latent length (duration + 6 s headroom, padding mask over the valid length), and the decode of that whole
 * canvas when an autoencoder is given; clipSeconds = sampling + decode. Text encoding is left out (once per clip, a
 * fixed 256-token T5Gemma-b pass that does not grow with the duration).
 */
public final class Sa3Bench {

    private Sa3Bench() {
    }

    /** The bundled small-shaped config (sa3-sm-music's DiT and SAME-S sizes, see the file's comment). */
    public static Sa3Config smallConfig() {
        try (InputStream in = Sa3Bench.class.getResourceAsStream("/dev/longplay/models/bench/sa3-small.json")) {
            if (in == null) {
                throw new CheckpointException("missing resource bench/sa3-small.json");
            }
            return Sa3Config.parse(ModelConfig.JSON.readTree(in), "bench/sa3-small.json");
        } catch (IOException e) {
            throw new CheckpointException("cannot read bench/sa3-small.json: " + e.getMessage(), e);
        }
    }

    /** timer: best-of-n seconds for a task. codec may be null (decode not timed). */
    public static Map<String, Object> run(Sa3Config config, double seconds, int steps, LatentCodec codec,
                                          java.util.function.ToDoubleFunction<Runnable> timer) {
        return run(config, seconds, steps, codec, timer, dev.longplay.models.nn.ComputeTarget.CPU);
    }

    /** As {@link #run(Sa3Config, double, int, LatentCodec, java.util.function.ToDoubleFunction)} on {@code target}. */
    public static Map<String, Object> run(Sa3Config config, double seconds, int steps, LatentCodec codec,
                                          java.util.function.ToDoubleFunction<Runnable> timer,
                                          dev.longplay.models.nn.ComputeTarget target) {
        Map<String, Object> out = new LinkedHashMap<>();
        try (NDManager m = target.newManager()) {
            long t0 = System.nanoTime();
            Sa3Dit dit = Sa3Dit.load(new StateDict(new SyntheticTensors(7), m, target.precision()).scope("model.model"),
                    config.dit());
            if (target.int8Dit()) {
                dit.quantizeLinears();
            }
            out.put("loadSeconds", (System.nanoTime() - t0) / 1e9);
            out.put("ditBlocks", dit.blocksPath());
            int ratio = config.downsamplingRatio();
            long samples = (long) ((seconds + 6.0) * config.sampleRate());
            int frames = (int) Math.min((samples + ratio - 1) / ratio, config.sampleSize() / ratio);
            int valid = Sa3Schedule.validLength(seconds, 6.0, config.sampleRate(), ratio, frames);
            out.put("latentFrames", frames);
            out.put("validFrames", valid);
            var c = config.dit();
            NDArray cross = SeededNoise.stream(2, 1).next(m, new Shape(1, config.prompt().maxLength() + 1, c.condTokenDim()));
            NDArray global = SeededNoise.stream(3, 1).next(m, new Shape(1, c.globalCondDim()));
            NDArray local = c.localAddCondDim() > 0 ? m.zeros(new Shape(1, c.localAddCondDim(), frames)) : null;
            DitInputs in = new DitInputs(cross, global, local, Sa3Conditioners.validMask(m, 1, frames, valid));
            GuidedVelocity.Bound v = new GuidedVelocity(dit, 1.0, 1.0).bind(in, m);
            NDArray x = SeededNoise.stream(1, SeededNoise.INITIAL).next(m, new Shape(1, config.ioChannels(), frames));
            NDArray t = m.create(new float[]{0.7f});
            timed(out, "ditStep", timer, () -> v.apply(x, t).close());
            double[] schedule = Sa3Schedule.times(steps, 1.0, DistributionShift.parse(config.samplingShift(), config.source()),
                    Sa3Schedule.effectiveLength(seconds, config.sampleRate(), ratio));
            out.put("steps", steps);
            timed(out, "sampling", timer, () -> new PingPongSampler().sample(v::apply, x,
                    schedule, SeededNoise.stream(1, SeededNoise.SAMPLER), StepListener.NONE).close());
            if (codec != null) {
                timed(out, "decode", timer, () -> codec.decode(x).close());
                out.put("clipSeconds", (double) out.get("samplingSeconds") + (double) out.get("decodeSeconds"));
                out.put("clipCpuSeconds", (double) out.get("samplingCpuSeconds") + (double) out.get("decodeCpuSeconds"));
            } else {
                out.put("decodeSeconds", "not timed: no autoencoder given");
            }
        }
        return out;
    }

    // <key>Seconds: the timer's (best) wall time; <key>CpuSeconds: the process's CPU time (libtorch's threads
    // included) over all of the timer's runs -- on a machine shared with other jobs, much less inflated
    private static void timed(Map<String, Object> out, String key, java.util.function.ToDoubleFunction<Runnable> timer,
                              Runnable task) {
        double cpu0 = processCpuSeconds();
        out.put(key + "Seconds", timer.applyAsDouble(task));
        out.put(key + "CpuSeconds", processCpuSeconds() - cpu0);
    }

    private static double processCpuSeconds() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() / 1e9 : Double.NaN;
    }
}
