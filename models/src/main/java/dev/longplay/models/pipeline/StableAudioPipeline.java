package dev.longplay.models.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.audio.AudioSplice;
import dev.longplay.models.audio.LoopSeam;
import dev.longplay.models.autoencoder.AudioAutoencoder;
import dev.longplay.models.autoencoder.ChunkedDecoder;
import dev.longplay.models.clap.ClapTextConditioner;
import dev.longplay.models.conditioning.Conditioner;
import dev.longplay.models.conditioning.ConditionerOutput;
import dev.longplay.models.conditioning.Conditioning;
import dev.longplay.models.conditioning.ConditioningAssembler;
import dev.longplay.models.conditioning.IntConditioner;
import dev.longplay.models.conditioning.NumberConditioner;
import dev.longplay.models.conditioning.PromptKey;
import dev.longplay.models.conditioning.PromptTempo;
import dev.longplay.models.conditioning.T5Conditioner;
import dev.longplay.models.config.ConditioningConfig;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.diffusion.KeepRegions;
import dev.longplay.models.diffusion.ModelFunction;
import dev.longplay.models.diffusion.Sampler;
import dev.longplay.models.diffusion.SeededNoise;
import dev.longplay.models.diffusion.Sigmas;
import dev.longplay.models.nn.ComputeTarget;
import dev.longplay.models.transformer.DiffusionTransformer;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.ModelFiles;
import dev.longplay.models.weights.CheckpointFile;
import dev.longplay.models.weights.StateDict;
import dev.longplay.models.weights.TensorSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A loaded Stable Audio model and the one entry the server calls: text (and optionally audio) in,
 * samples out. Text → conditioners → conditioning; seeded noise (and encoded init audio) → sampler over the
 * DiT with guidance → latents → chunked Oobleck decode → exact-length audio (loop-closed, kept spans spliced).
 *
 * <p>The latent canvas is as long as the request needs (rounded up to the autoencoder's stride), not the
 * model's whole training window: the duration is honoured exactly and short clips cost little.
 */
public final class StableAudioPipeline implements AudioGenerator {

    private final NDManager manager;
    private final ComputeTarget target;
    private final ModelConfig config;
    private final AudioAutoencoder autoencoder;
    private final DiffusionTransformer dit;
    private final Map<String, Conditioner> conditioners;
    private final ConditioningAssembler assembler;
    private final String name;
    private final String fingerprint;
    private final SamplingDefaults defaults;
    private volatile boolean lowMemory;

    private StableAudioPipeline(NDManager manager, ComputeTarget target, ModelConfig config, AudioAutoencoder autoencoder,
                                DiffusionTransformer dit, Map<String, Conditioner> conditioners,
                                ConditioningAssembler assembler, String name, String fingerprint,
                                SamplingDefaults defaults) {
        this.manager = manager;
        this.target = target;
        this.config = config;
        this.autoencoder = autoencoder;
        this.dit = dit;
        this.conditioners = conditioners;
        this.assembler = assembler;
        this.name = name;
        this.fingerprint = fingerprint;
        this.defaults = defaults;
    }

    /** Loads on the CPU in float32. */
    public static StableAudioPipeline load(ModelFiles files, String name) {
        return load(files, name, ComputeTarget.CPU);
    }

    /** Loads onto {@code target}'s device, the DiT and autoencoder in its precision. */
    public static StableAudioPipeline load(ModelFiles files, String name, ComputeTarget target) {
        return load(files, name, target, file -> file);
    }

    /**
     * Loads with the checkpoint seen through {@code source} (training wraps it so that the tensors the loaders
     * take become trainable parameters).
     */
    public static StableAudioPipeline load(ModelFiles files, String name, ComputeTarget target,
                                           java.util.function.Function<CheckpointFile, TensorSource> source) {
        ModelConfig config = ModelConfig.load(files.config());
        SamplingDefaults defaults = SamplingDefaults.forModel(config.model().diffusion().objective(), files.dir());
        NDManager manager = target.newManager();
        try (CheckpointFile file = CheckpointFile.open(files.checkpoint())) {
            StateDict sd = new StateDict(source.apply(file), manager, target.precision());
            AudioAutoencoder ae = AudioAutoencoder.load(sd, config);
            DiffusionTransformer dit = DiffusionTransformer.load(sd, config);
            if (target.int8Dit()) {
                dit.quantizeLinears();
            }
            // conditioners run once per request: float32 keeps T5 from overflowing in fp16 at no real cost
            StateDict conditionerWeights = sd.withComputeType(DataType.FLOAT32);
            Map<String, Conditioner> conds = new LinkedHashMap<>();
            ConditioningConfig cc = config.model().conditioning();
            if (cc != null) {
                for (ConditioningConfig.Conditioner c : cc.configs()) {
                    conds.put(c.id(), switch (c.type()) {
                        case "number" -> NumberConditioner.fromConfig(c, conditionerWeights, cc.condDim());
                        case "int" -> IntConditioner.fromConfig(c, conditionerWeights, cc.condDim());
                        case "t5" -> {
                            ModelFiles.EncoderFolders t5 = files.textEncoder(c.id());
                            yield T5Conditioner.load(c, cc.condDim(), t5.encoder(), t5.tokenizer(), conditionerWeights, manager);
                        }
                        // Stable Audio 2.0: the CLAP folder (HF layout) as text_encoder/
                        case "clap_text" -> {
                            ModelFiles.EncoderFolders clap = files.textEncoder(c.id());
                            yield ClapTextConditioner.load(c, cc.condDim(), clap.encoder(), clap.tokenizer(),
                                    conditionerWeights, manager);
                        }
                        default -> throw new CheckpointException("unsupported conditioner type '" + c.type()
                                + "' (id '" + c.id() + "') in " + files.config());
                    });
                }
            }
            sd.requireAllUsed();
            return new StableAudioPipeline(manager, target, config, ae, dit, conds,
                    ConditioningAssembler.of(config.model().diffusion()), name, ModelFingerprint.of(files),
                    defaults);
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public ModelConfig config() {
        return config;
    }

    /** The device and precision this model was loaded for. */
    public ComputeTarget target() {
        return target;
    }

    public String name() {
        return name;
    }

    /** A content fingerprint of the checkpoint, recorded in every clip's metadata. */
    public String fingerprint() {
        return fingerprint;
    }

    public int sampleRate() {
        return config.sampleRate();
    }

    @Override
    public double maxSeconds() {
        return config.maxSeconds();
    }

    @Override
    public boolean positionalWindows() {
        return SamplingDefaults.POSITION.equals(defaults.windowSeconds());
    }

    @Override
    public void setLowMemory(boolean lowMemory) {
        this.lowMemory = lowMemory;
    }

    /** The conditioner with this id (for tests of memory saving). */
    Conditioner conditioner(String id) {
        return conditioners.get(id);
    }

    /** The settings a request leaves out: the objective's profile, or the model folder's own (see there). */
    public SamplingDefaults defaults() {
        return defaults;
    }

    public synchronized GeneratedAudio generate(GenerationParams p, GenerationListener listener) {
        Map<String, Double> timings = new LinkedHashMap<>();
        int rate = config.sampleRate();
        int ratio = autoencoder.downsamplingRatio();
        int loopFrames = p.loop() == null ? 0
                : LoopSeam.loopFrames(p.loop().bpm(), p.loop().bars(), p.loop().beatsPerBar(), rate);
        int fade = p.loop() == null ? 0 : LoopSeam.fadeFrames(rate, loopFrames);
        int frames = p.loop() == null ? (int) Math.round(p.seconds() * rate) : loopFrames + fade;
        int latentFrames = (frames + ratio - 1) / ratio;
        long maxLatents = config.sampleSize() / ratio;
        if (latentFrames > maxLatents) {
            throw new IllegalArgumentException(String.format("%.1f s is longer than this model's window of %.1f s",
                    (double) frames / rate, config.maxSeconds()));
        }
        SamplingDefaults d = defaults();
        boolean rf = isRectifiedFlow();
        Sampler sampler = Sampler.forName(p.sampler() != null ? p.sampler() : d.sampler(), rf);
        int steps = p.steps() != null ? p.steps() : d.steps();
        double cfg = p.cfgScale() != null ? p.cfgScale() : d.cfgScale();
        int channels = autoencoder.latentDim();

        try (NDManager gen = manager.newSubManager()) {
            long t0 = System.nanoTime();
            listener.onProgress(Stage.CONDITIONING, 0, 1);
            double secondsTotal = p.secondsTotal() != null ? p.secondsTotal()
                    : p.loop() == null ? p.seconds() : (double) loopFrames / rate;
            Conditioning cond = condition(p.prompt(), p.secondsStart(), secondsTotal, gen);
            Conditioning negative = p.negativePrompt() != null && !p.negativePrompt().isBlank() && cfg != 1.0
                    ? condition(p.negativePrompt(), p.secondsStart(), secondsTotal, gen) : null;
            ModelFunction model = dit.bind(cond, negative, cfg, gen);
            if (lowMemory) {
                conditioners.values().forEach(Conditioner::release);
            }
            timings.put("conditioning", LatentCanvas.secondsSince(t0));

            Shape latentShape = new Shape(1, channels, latentFrames);
            NDArray noise = SeededNoise.stream(p.seed(), SeededNoise.INITIAL).next(gen, latentShape);
            NDArray initLatents = null;
            float[][] initAudio = null;
            if (p.init() != null) {
                long t1 = System.nanoTime();
                listener.onProgress(Stage.ENCODING, 0, 1);
                initAudio = LatentCanvas.fit(p.init(), rate, config.audioChannels(), latentFrames * ratio);
                initLatents = autoencoder.encode(LatentCanvas.batch(gen, initAudio), SeededNoise.stream(p.seed(), SeededNoise.ENCODER)
                        .next(gen, latentShape));
                timings.put("encoding", LatentCanvas.secondsSince(t1));
            }
            boolean keeping = !p.keep().isEmpty();
            if (keeping) {
                model = KeepRegions.wrap(model, initLatents,
                        LatentCanvas.coveredKeepMask(gen, p.keep(), latentFrames, rate, ratio), rf);
            }

            long t2 = System.nanoTime();
            boolean styleTransfer = initLatents != null && !keeping;
            double[] schedule;
            NDArray x;
            if (rf) {
                double tMax = styleTransfer ? Math.min(1.0, p.initNoiseLevel() != null ? p.initNoiseLevel() : d.initNoiseLevel())
                        : 1.0;
                schedule = Sigmas.rectifiedFlow(steps, tMax);
                x = styleTransfer ? initLatents.mul(1 - tMax).add(noise.mul(tMax)) : noise;
            } else {
                double sigmaMax = styleTransfer ? (p.initNoiseLevel() != null ? p.initNoiseLevel() : d.initNoiseLevel())
                        : (p.sigmaMax() != null ? p.sigmaMax() : d.sigmaMax());
                double sigmaMin = Math.min(p.sigmaMin() != null ? p.sigmaMin() : d.sigmaMin(), sigmaMax);
                schedule = Sigmas.polyexponential(steps, sigmaMin, sigmaMax, p.rho() != null ? p.rho() : d.rho());
                x = noise.mul(schedule[0]);
                if (styleTransfer) {
                    x = initLatents.add(x);
                }
            }
            int total = steps;
            listener.onProgress(Stage.SAMPLING, 0, total);
            NDArray latents = sampler.sample(model, x, schedule, SeededNoise.stream(p.seed(), SeededNoise.SAMPLER),
                    (step, all) -> {
                        listener.onProgress(Stage.SAMPLING, step, all);
                        return !listener.isCancelled();
                    });
            timings.put("sampling", LatentCanvas.secondsSince(t2));

            long t3 = System.nanoTime();
            listener.onProgress(Stage.DECODING, 0, 1);
            NDArray audio = autoencoder.decodeInWindows(latents, ChunkedDecoder.DEFAULT_WINDOW_FRAMES);
            float[][] samples = LatentCanvas.planar(audio, frames);
            listener.onProgress(Stage.DECODING, 1, 1);
            timings.put("decoding", LatentCanvas.secondsSince(t3));

            if (keeping) {
                int realInit = (int) Math.min(initAudio[0].length,
                        Math.round(p.init().samples()[0].length * (double) rate / p.init().sampleRate()));
                AudioSplice.keep(samples, initAudio, realInit, LatentCanvas.spans(p.keep(), rate),
                        Math.round(0.02f * rate));
            }
            if (p.loop() != null) {
                samples = LoopSeam.close(samples, loopFrames, fade);
            }
            timings.put("total", LatentCanvas.secondsSince(t0));
            return new GeneratedAudio(samples, rate, p.seed(), timings);
        }
    }

    public AudioAutoencoder autoencoder() {
        return autoencoder;
    }

    /** The network with a request's conditioning and guidance bound (for benchmarks of single steps). */
    public ModelFunction modelFunction(GenerationParams p, NDManager gen) {
        double cfg = p.cfgScale() != null ? p.cfgScale() : defaults().cfgScale();
        Conditioning cond = condition(p.prompt(), p.secondsStart(), p.seconds(), gen);
        return dit.bind(cond, null, cfg, gen);
    }

    public boolean isRectifiedFlow() {
        String o = config.model().diffusion().objective();
        return o.equals("rf_denoiser") || o.equals("rectified_flow");
    }

    private Conditioning condition(String prompt, double secondsStart, double secondsTotal, NDManager gen) {
        return condition(List.of(prompt == null ? "" : prompt), secondsStart, secondsTotal, gen);
    }

    /**
     * The conditioning of a batch of prompts that share a start and a total length, in {@code gen}. A
     * {@value PromptTempo#CONDITIONER_ID} number conditioner gets each prompt's own tempo ({@link PromptTempo}), a
     * {@value PromptKey#CONDITIONER_ID} int conditioner its key ({@link PromptKey}).
     */
    public Conditioning condition(List<String> prompts, double secondsStart, double secondsTotal, NDManager gen) {
        Map<String, ConditionerOutput> outputs = new LinkedHashMap<>();
        for (Conditioner c : conditioners.values()) {
            List<?> values = valuesFor(c, prompts, secondsStart, secondsTotal);
            outputs.put(c.id(), c.encode(values, gen));
        }
        return assembler.assemble(outputs);
    }

    /**
     * Each prompt's value for conditioner {@code c}: the prompt itself for text, else what the conditioner's id names
     * (the tempo, the key, the clip's start or length), of the kind the conditioner takes.
     */
    private static List<?> valuesFor(Conditioner c, List<String> prompts, double secondsStart, double secondsTotal) {
        boolean number = c instanceof NumberConditioner;
        if (!number && !(c instanceof IntConditioner)) {
            return prompts;
        }
        Function<String, Object> value = switch (c.id()) {
            case PromptTempo.CONDITIONER_ID -> number ? PromptTempo::of : null;
            case PromptKey.CONDITIONER_ID -> number ? null : PromptKey::of;
            case "seconds_start" -> number ? prompt -> secondsStart : null;
            case "seconds_total" -> number ? prompt -> secondsTotal : null;
            default -> null;
        };
        if (value == null) {
            throw new IllegalArgumentException("the model conditions on '" + c.id() + "' as "
                    + (number ? "a number" : "an integer") + ", which Longplay cannot supply");
        }
        return prompts.stream().map(value).toList();
    }

    /** The diffusion network, for training. */
    public DiffusionTransformer transformer() {
        return dit;
    }

    @Override
    public void close() {
        for (Conditioner c : conditioners.values()) {
            c.close();
        }
        manager.close();
    }
}
