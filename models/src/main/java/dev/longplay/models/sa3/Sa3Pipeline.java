package dev.longplay.models.sa3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.longplay.models.nn.ComputeTarget;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.diffusion.Sampler;
import dev.longplay.models.diffusion.SeededNoise;
import dev.longplay.models.pipeline.AudioGenerator;
import dev.longplay.models.pipeline.GeneratedAudio;
import dev.longplay.models.pipeline.GenerationListener;
import dev.longplay.models.pipeline.GenerationParams;
import dev.longplay.models.pipeline.LatentCanvas;
import dev.longplay.models.pipeline.LoraSpec;
import dev.longplay.models.pipeline.ModelFingerprint;
import dev.longplay.models.pipeline.SamplingDefaults;
import dev.longplay.models.pipeline.Stage;
import dev.longplay.models.sa3.dit.DitInputs;
import dev.longplay.models.sa3.dit.GuidedVelocity;
import dev.longplay.models.sa3.dit.Sa3Dit;
import dev.longplay.models.sa3.lora.LoraAdapter;
import dev.longplay.models.sa3.lora.LoraWeights;
import dev.longplay.models.sa3.sampling.DistributionShift;
import dev.longplay.models.sa3.sampling.Sa3Schedule;
import dev.longplay.models.sa3.text.Sa3TextEncoder;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.ModelFiles;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.StateDict;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Stable Audio 3 generation as the reference's StableAudioModel.generate does it, in three modes chosen by the
 * parameters: text-to-audio; audio-to-audio (init audio without kept spans: encoded, mixed with noise at the init
 * noise level, sampled from there); inpainting / continuation (init audio with kept spans: the kept audio,
 * encoded and masked, and the mask reach every DiT block as local conditioning; the rest is generated).
 * The latent canvas is the duration plus 6 s headroom, aligned as the autoencoder needs; attention and the
 * decoded audio are limited to the valid length; the output is clamped and cut to the duration.
 *
 * <p>Settings a request leaves out come from {@link #profile(String)} overlaid with the model folder's
 * {@value SamplingDefaults#FILE}, as for every family ({@link SamplingDefaults}).
 */
public final class Sa3Pipeline implements AudioGenerator {

    /** The reference's duration_padding_sec. */
    static final double HEADROOM_SECONDS = 6.0;

    /** Audio-to-audio start when none is asked for; the reference's default, 1.0, would ignore the audio. */
    static final double DEFAULT_INIT_NOISE = 0.8;

    /**
     * The settings an SA3 model samples with unless its folder's {@value SamplingDefaults#FILE} says otherwise:
     * a distilled {@code rf_denoiser} model 8 ping-pong steps without guidance, a {@code rectified_flow} one 50
     * {@code rf-euler} steps at guidance 7; audio-to-audio from {@link #DEFAULT_INIT_NOISE}. Sigmas and rho are
     * unused: the schedule is the config's distribution shift over flow times.
     */
    public static SamplingDefaults profile(String objective) {
        boolean distilled = objective.equals("rf_denoiser");
        return new SamplingDefaults(distilled ? "pingpong" : "rf-euler", distilled ? 8 : 50, distilled ? 1.0 : 7.0,
                0.0, 1.0, 1.0, DEFAULT_INIT_NOISE);
    }

    private final NDManager manager;
    private final Sa3Config config;
    private final Path checkpoint;   // null: weights given directly (no LoRA reloads)
    private NDManager weights;                      // the DiT's and conditioners' tensors, replaced with LoRAs
    private Sa3Dit dit;
    private Sa3Conditioners conditioners;
    private List<String> loras = List.of();
    private final Sa3TextEncoder text;
    private final LatentCodec codec;
    private final String name;
    private final String fingerprint;
    private final int align;
    private final SamplingDefaults defaults;
    private volatile boolean lowMemory;

    Sa3Pipeline(NDManager manager, Path checkpoint, NDManager weights, Sa3Config config, Sa3Dit dit,
                Sa3Conditioners conditioners, Sa3TextEncoder text, LatentCodec codec, String name, String fingerprint,
                SamplingDefaults defaults) {
        this.manager = manager;
        this.checkpoint = checkpoint;
        this.weights = weights;
        this.config = config;
        this.dit = dit;
        this.conditioners = conditioners;
        this.text = text;
        this.codec = codec;
        this.name = name;
        this.fingerprint = fingerprint;
        this.defaults = defaults;
        if (codec.latentDim() != config.ioChannels() || codec.downsamplingRatio() != config.downsamplingRatio()) {
            throw new CheckpointException(config.source() + ": the autoencoder (latent " + codec.latentDim() + ", ratio "
                    + codec.downsamplingRatio() + ") does not fit the DiT (latent " + config.ioChannels() + ", ratio "
                    + config.downsamplingRatio() + ")");
        }
        this.align = latentAlignment(config);
    }

    /** A model folder as on Hugging Face: model_config.json, model.safetensors, t5gemma-b-b-ul2/. */
    public static Sa3Pipeline load(ModelFiles files, String name, LatentCodecLoader codecs) {
        return load(files, name, codecs, ComputeTarget.CPU);
    }

    /**
     * As {@link #load(ModelFiles, String, LatentCodecLoader)} onto {@code target}'s device, the DiT in its
     * precision (the text encoder, conditioners and SAME stay float32; int8: the DiT blocks' linear layers).
     */
    public static Sa3Pipeline load(ModelFiles files, String name, LatentCodecLoader codecs, ComputeTarget target) {
        Sa3Config config = Sa3Config.load(files.config());
        SamplingDefaults defaults = SamplingDefaults.forModel(profile(config.dit().objective()), files.dir());
        NDManager manager = target.newManager();
        Sa3TextEncoder text = null;
        try {
            text = Sa3TextEncoder.load(files.textEncoder("prompt").encoder(), config.prompt().maxLength(), manager);
            try (SafetensorsFile file = SafetensorsFile.open(files.checkpoint())) {
                NDManager weights = manager.newSubManager();
                StateDict sd = new StateDict(file, weights, target.precision());
                Sa3Dit dit = Sa3Dit.load(sd.scope("model.model"), config.dit());
                if (target.int8Dit()) {
                    dit.quantizeLinears();
                }
                Sa3Conditioners conds = Sa3Conditioners.load(sd.withComputeType(DataType.FLOAT32), config,
                        text.hiddenSize());
                LatentCodec codec = codecs.load(config, new StateDict(file, manager, DataType.FLOAT32), manager);
                return new Sa3Pipeline(manager, files.checkpoint(), weights, config, dit, conds, text, codec, name,
                        ModelFingerprint.of(files), defaults);
            }
        } catch (RuntimeException e) {
            if (text != null) {
                text.close();
            }
            manager.close();
            throw e;
        }
    }

    // SAME's chunked attention wants the latent length a multiple of chunk_size / strides[0] (default 32)
    private static int latentAlignment(Sa3Config config) {
        var enc = config.pretransform().path("config").path("encoder").path("config");
        int first = enc.path("strides").path(0).asInt(0);
        if (first <= 0) {
            return 1;
        }
        return Math.max(1, enc.path("chunk_size").asInt(32) / first);
    }

    public Sa3Config config() {
        return config;
    }

    /** The settings a request leaves out: {@link #profile(String)}, or the model folder's own (see there). */
    public SamplingDefaults defaults() {
        return defaults;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String fingerprint() {
        return fingerprint;
    }

    @Override
    public int sampleRate() {
        return config.sampleRate();
    }

    @Override
    public double maxSeconds() {
        return (double) config.sampleSize() / config.sampleRate() - HEADROOM_SECONDS;
    }

    /** Latent frames for a duration: (seconds + headroom)·rate rounded up to the ratio and the alignment, capped. */
    public int latentFrames(double seconds) {
        int ratio = config.downsamplingRatio();
        long samples = (long) ((seconds + HEADROOM_SECONDS) * config.sampleRate());
        long frames = (samples + ratio - 1) / ratio;
        frames = (frames + align - 1) / align * align;
        return (int) Math.min(frames, config.sampleSize() / ratio);
    }

    @Override
    public synchronized GeneratedAudio generate(GenerationParams p, GenerationListener listener) {
        if (p.loop() != null) {
            throw new IllegalArgumentException("loops (bpm/bars) are not supported for Stable Audio 3 models yet");
        }
        if (p.seconds() > maxSeconds()) {
            throw new IllegalArgumentException(String.format("%.1f s is longer than this model's window of %.1f s",
                    p.seconds(), maxSeconds()));
        }
        SamplingDefaults d = defaults;
        Sampler sampler = Sampler.forName(p.sampler() != null ? p.sampler() : d.sampler(), true);
        int steps = p.steps() != null ? p.steps() : d.steps();
        double cfg = p.cfgScale() != null ? p.cfgScale() : d.cfgScale();
        Map<String, Double> timings = new LinkedHashMap<>();
        int rate = config.sampleRate();
        int ratio = config.downsamplingRatio();
        int frames = latentFrames(p.seconds());
        int valid = Sa3Schedule.validLength(p.seconds(), HEADROOM_SECONDS, rate, ratio, frames);
        try (NDManager gen = manager.newSubManager()) {
            long t0 = System.nanoTime();
            listener.onProgress(Stage.CONDITIONING, 0, 1);
            Sa3TextEncoder.Encoded prompt = text.encode(p.prompt(), gen);
            NDArray promptTokens = conditioners.prompt(prompt.hidden(), prompt.mask());
            NDArray seconds = conditioners.seconds(gen.create(new float[]{(float) p.seconds()}));
            timings.put("conditioning", LatentCanvas.secondsSince(t0));

            Shape latentShape = new Shape(1, config.ioChannels(), frames);
            NDArray mask = gen.zeros(new Shape(1, 1, frames));
            NDArray masked = gen.zeros(latentShape);
            NDArray initLatents = null;
            boolean inpaint = p.init() != null && !p.keep().isEmpty();
            if (p.init() != null) {
                long t1 = System.nanoTime();
                listener.onProgress(Stage.ENCODING, 0, 1);
                NDArray audio = LatentCanvas.batch(gen,
                        LatentCanvas.fit(p.init(), rate, codec.audioChannels(), frames * ratio));
                initLatents = codec.encode(audio);
                if (inpaint) {
                    mask = LatentCanvas.sampledKeepMask(gen, p.keep(), p.seconds(), frames, rate, ratio);
                    masked = initLatents.mul(mask);
                }
                timings.put("encoding", LatentCanvas.secondsSince(t1));
            }
            DitInputs conditioned = conditioners.assemble(promptTokens, seconds, mask, masked,
                    Sa3Conditioners.validMask(gen, 1, frames, valid));
            if (p.negativePrompt() != null && !p.negativePrompt().isBlank() && cfg != 1.0) {
                // the reference keeps the negative tokens where its mask is set and zeroes the padded ones
                Sa3TextEncoder.Encoded neg = text.encode(p.negativePrompt(), gen);
                NDArray negTokens = conditioners.prompt(neg.hidden(), neg.mask()).mul(neg.mask().expandDims(2));
                conditioned = conditioned.withNegative(conditioners.assemble(negTokens, seconds, mask, masked, null).cross());
            }
            if (lowMemory) {
                text.release();
            }
            DitInputs inputs = conditioned;
            GuidedVelocity.Bound velocity = new GuidedVelocity(dit, cfg, 1.0).bind(inputs, gen);

            long t2 = System.nanoTime();
            boolean audioToAudio = p.init() != null && !inpaint;
            double sigmaMax = audioToAudio ? Math.min(1.0, p.initNoiseLevel() != null ? p.initNoiseLevel() : d.initNoiseLevel())
                    : 1.0;
            double[] schedule = Sa3Schedule.times(steps, sigmaMax, DistributionShift.parse(config.samplingShift(), config.source()),
                    Sa3Schedule.effectiveLength(p.seconds(), rate, ratio));
            NDArray noise = SeededNoise.stream(p.seed(), SeededNoise.INITIAL).next(gen, latentShape);
            NDArray x = audioToAudio ? initLatents.mul(1 - sigmaMax).add(noise.mul(sigmaMax)) : noise;
            listener.onProgress(Stage.SAMPLING, 0, steps);
            NDArray latents = sampler.sample(velocity::apply, x, schedule,
                    SeededNoise.stream(p.seed(), SeededNoise.SAMPLER), (step, all) -> {
                        listener.onProgress(Stage.SAMPLING, step, all);
                        return !listener.isCancelled();
                    });
            timings.put("sampling", LatentCanvas.secondsSince(t2));

            long t3 = System.nanoTime();
            listener.onProgress(Stage.DECODING, 0, 1);
            NDArray audio = codec.decode(latents).clip(-1f, 1f);
            float[][] samples = LatentCanvas.planar(audio, (int) Math.round(p.seconds() * rate), (long) valid * ratio);
            listener.onProgress(Stage.DECODING, 1, 1);
            timings.put("decoding", LatentCanvas.secondsSince(t3));
            timings.put("total", LatentCanvas.secondsSince(t0));
            return new GeneratedAudio(samples, rate, p.seed(), timings);
        }
    }

    @Override
    public void setLowMemory(boolean lowMemory) {
        this.lowMemory = lowMemory;
    }

    /** The prompt encoder (for tests of memory saving). */
    Sa3TextEncoder textEncoder() {
        return text;
    }

    @Override
    public boolean supportsLoras() {
        return true;
    }

    /**
     * The DiT and conditioners are rebuilt from the checkpoint with the adapters merged into their weights
     * (see {@link AudioGenerator#setLoras}).
     */
    @Override
    public synchronized void setLoras(List<LoraSpec> specs) {
        if (checkpoint == null) {
            throw new IllegalStateException("this pipeline was not loaded from a checkpoint file");
        }
        NDManager next = manager.newSubManager();
        List<LoraWeights.Applied> applied = new ArrayList<>();
        try (SafetensorsFile file = SafetensorsFile.open(checkpoint)) {
            for (LoraSpec s : specs) {
                applied.add(new LoraWeights.Applied(
                        LoraAdapter.load(s.file(), next), s.strength()));
            }
            StateDict sd = new StateDict(new LoraWeights(file, applied), next, DataType.FLOAT32);
            Sa3Dit newDit = Sa3Dit.load(sd.scope("model.model"), config.dit());
            if (dit.int8()) {
                newDit.quantizeLinears();
            }
            Sa3Conditioners newConds = Sa3Conditioners.load(sd, config, text.hiddenSize());
            applied.forEach(a -> a.adapter().close());
            NDManager old = weights;
            weights = next;
            dit = newDit;
            conditioners = newConds;
            loras = specs.stream().map(s -> s.file().getFileName() + "@" + s.strength()).toList();
            old.close();
        } catch (RuntimeException e) {
            next.close();
            throw e;
        }
    }

    @Override
    public synchronized List<String> loras() {
        return loras;
    }

    /** The DiT (for benchmarks). */
    public Sa3Dit dit() {
        return dit;
    }

    public LatentCodec codec() {
        return codec;
    }

    @Override
    public void close() {
        text.close();
        codec.close();
        manager.close();
    }
}
