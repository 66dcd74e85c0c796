package dev.longplay.models.pipeline;

import dev.longplay.models.audio.CrossFade;
import dev.longplay.models.audio.LoopSeam;
import dev.longplay.models.audio.Resampler;
import dev.longplay.models.diffusion.SamplingCancelledException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Any length from any model: a request that fits the model's window goes to it unchanged; a longer one is made
 * window by window ({@link WindowPlan}). Each window after the first is a continuation request whose kept prefix is
 * the tail of the audio so far (the kept latent frames steer every sampler step, so the new audio continues the
 * old), and the two are joined with an equal-power cross-fade ({@link CrossFade}) that ends where the new audio
 * begins — on a beat when the request has a tempo. Loops are closed over the whole clip. Style transfer restyles
 * the given audio window by window (each window its own stretch of it) and cross-fades the overlaps; inpainting
 * stays within one window.
 *
 * <p>Works over any {@link AudioGenerator} (Stable Audio Open / small / 2, Stable Audio 3): the windowing lives here
 * only. Memory: one output buffer of the clip's samples plus one window at a time; no window's latents outlive it.
 * Progress: {@link Stage#WINDOW} (windows done of all) at each window's start, and {@link Stage#SAMPLING} counted
 * over every window's steps, so a progress bar only moves forward.
 */
public final class LongFormGenerator implements AudioGenerator {

    /** The longest clip made unless the constructor says otherwise: ten minutes. */
    public static final double DEFAULT_MAX_SECONDS = 600;
    /** The cross-fade at each join: up to half the overlap, at most this long. */
    static final double MAX_FADE_SECONDS = 0.25;

    private final AudioGenerator model;
    private final double maxTotalSeconds;
    private final double windowSeconds;

    public LongFormGenerator(AudioGenerator model) {
        this(model, DEFAULT_MAX_SECONDS, model.maxSeconds());
    }

    /**
     * maxTotalSeconds: the longest clip made (longer requests are refused, naming it); windowSeconds: the window
     * length, at most the model's (a shorter window bounds the memory one pass needs, at the price of more joins).
     */
    public LongFormGenerator(AudioGenerator model, double maxTotalSeconds, double windowSeconds) {
        if (!(maxTotalSeconds > 0) || !(windowSeconds > 0)) {
            throw new IllegalArgumentException("the longest clip and the window must be positive");
        }
        this.model = model;
        this.maxTotalSeconds = maxTotalSeconds;
        this.windowSeconds = Math.min(windowSeconds, model.maxSeconds());
    }

    /** The model the windows are made with. */
    public AudioGenerator model() {
        return model;
    }

    @Override
    public String name() {
        return model.name();
    }

    @Override
    public String fingerprint() {
        return model.fingerprint();
    }

    @Override
    public int sampleRate() {
        return model.sampleRate();
    }

    /** The window: the longest clip made in one pass. */
    @Override
    public double maxSeconds() {
        return windowSeconds;
    }

    /** The longest clip this generator makes, window by window. */
    public double maxTotalSeconds() {
        return maxTotalSeconds;
    }

    @Override
    public boolean positionalWindows() {
        return model.positionalWindows();
    }

    @Override
    public void setLowMemory(boolean lowMemory) {
        model.setLowMemory(lowMemory);
    }

    @Override
    public boolean supportsLoras() {
        return model.supportsLoras();
    }

    @Override
    public void setLoras(List<LoraSpec> specs) {
        model.setLoras(specs);
    }

    @Override
    public List<String> loras() {
        return model.loras();
    }

    /** The windows a request is made in (one for a request that fits the model's window). */
    public WindowPlan plan(GenerationParams p) {
        int rate = model.sampleRate();
        int total = totalFrames(p, rate);
        if ((double) total / rate > maxTotalSeconds + 1e-9) {
            throw new IllegalArgumentException(String.format(
                    "%.1f s is longer than the longest clip Longplay makes (%.0f s)", (double) total / rate, maxTotalSeconds));
        }
        int window = (int) Math.floor(windowSeconds * rate + 1e-6);
        int start = continuedFrames(p, rate);
        if (total <= window) {
            return new WindowPlan(total, List.of(new WindowPlan.Window(0, total, start)));
        }
        if (p.init() != null && start == 0 && !p.keep().isEmpty()) {
            throw new IllegalArgumentException(String.format("%.1f s is longer than this model's window of %.1f s:"
                    + " inpainting works within one window (text to audio, style transfer and continuation go"
                    + " on window by window)", (double) total / rate, windowSeconds));
        }
        double beat = p.loop() == null ? 0 : 60.0 / p.loop().bpm() * rate;
        return WindowPlan.of(total, start, window, beat);
    }

    @Override
    public GeneratedAudio generate(GenerationParams p, GenerationListener listener) {
        WindowPlan plan = plan(p);
        if (plan.count() == 1) {
            return model.generate(p, listener);
        }
        int rate = model.sampleRate();
        int n = plan.count();
        float[][] out = null;
        // style transfer: every window restyles its own stretch of the given audio; the overlaps are cross-faded
        float[][] styleSource = null;
        if (p.init() != null) {
            float[][] given = Resampler.resample(p.init().samples(), p.init().sampleRate(), rate);
            if (p.keep().isEmpty()) {
                styleSource = given;
            } else {
                out = new float[given.length][plan.totalFrames()];
                int start = plan.windows().get(0).join();
                for (int c = 0; c < given.length; c++) {
                    System.arraycopy(given[c], 0, out[c], 0, Math.min(start, given[c].length));
                }
            }
        }
        Map<String, Double> timings = new LinkedHashMap<>();
        double totalSeconds = p.loop() == null ? p.seconds()
                : (double) LoopSeam.loopFrames(p.loop().bpm(), p.loop().bars(), p.loop().beatsPerBar(), rate) / rate;
        for (int k = 0; k < n; k++) {
            if (listener.isCancelled()) {
                throw new SamplingCancelledException(k, n);
            }
            listener.onProgress(Stage.WINDOW, k, n);
            WindowPlan.Window w = plan.windows().get(k);
            GenerationParams wp = styleSource != null ? styleWindowParams(p, w, styleSource, rate, totalSeconds, k)
                    : windowParams(p, w, out, rate, totalSeconds, k);
            GeneratedAudio audio = model.generate(wp, windowListener(listener, k, n));
            audio.timingsSeconds().forEach((key, v) -> timings.merge(key, v, Double::sum));
            float[][] s = audio.samples();
            if (out == null) {
                out = new float[s.length][plan.totalFrames()];
            }
            int fade = Math.min(w.keep() / 2, (int) Math.round(MAX_FADE_SECONDS * rate));
            int join = w.join();
            CrossFade.mix(out, join - fade, s, w.keep() - fade, fade, out, join - fade);
            for (int c = 0; c < out.length; c++) {
                System.arraycopy(s[Math.min(c, s.length - 1)], w.keep(), out[c], join, w.end() - join);
            }
        }
        listener.onProgress(Stage.WINDOW, n, n);
        if (p.loop() != null) {
            int loopFrames = LoopSeam.loopFrames(p.loop().bpm(), p.loop().bars(), p.loop().beatsPerBar(), rate);
            out = LoopSeam.close(out, loopFrames, plan.totalFrames() - loopFrames);
        }
        return new GeneratedAudio(out, rate, p.seed(), timings);
    }

    // a window: the audio so far over [start, join) as kept init audio, conditioned on its place where the model can be
    private GenerationParams windowParams(GenerationParams p, WindowPlan.Window w, float[][] out, int rate,
                                          double totalSeconds, int k) {
        double seconds = (double) w.frames() / rate;
        GenerationParams.InitAudio init = null;
        List<GenerationParams.TimeSpan> keep = List.of();
        if (w.keep() > 0) {
            float[][] tail = new float[out.length][];
            for (int c = 0; c < out.length; c++) {
                tail[c] = java.util.Arrays.copyOfRange(out[c], w.start(), w.join());
            }
            init = new GenerationParams.InitAudio(tail, rate);
            keep = List.of(new GenerationParams.TimeSpan(0, (double) w.keep() / rate));
        }
        boolean positional = model.positionalWindows();
        // a new seed per window: the same noise in every window would repeat itself
        long seed = k == 0 ? p.seed() : (p.seed() + 0x9E3779B9L * k) & 0xFFFF_FFFFL;
        return GenerationParams.builder().prompt(p.prompt()).negativePrompt(p.negativePrompt()).seconds(seconds)
                .secondsStart(positional ? (double) w.start() / rate : 0).seed(seed).steps(p.steps())
                .cfgScale(p.cfgScale()).sampler(p.sampler()).sigmaMin(p.sigmaMin()).sigmaMax(p.sigmaMax())
                .rho(p.rho()).init(init).keep(keep).secondsTotal(positional ? Math.max(totalSeconds, seconds) : null)
                .build();
    }

    // a style-transfer window: its stretch of the given audio (silence past its end) as init, nothing kept
    private GenerationParams styleWindowParams(GenerationParams p, WindowPlan.Window w, float[][] source, int rate,
                                               double totalSeconds, int k) {
        float[][] stretch = new float[source.length][w.frames()];
        for (int c = 0; c < source.length; c++) {
            int n = Math.max(0, Math.min(w.frames(), source[c].length - w.start()));
            System.arraycopy(source[c], w.start(), stretch[c], 0, n);
        }
        GenerationParams base = windowParams(p, new WindowPlan.Window(w.start(), w.frames(), 0), null, rate,
                totalSeconds, k);
        return base.toBuilder().init(new GenerationParams.InitAudio(stretch, rate)).initNoiseLevel(p.initNoiseLevel())
                .keep(List.of()).build();
    }

    // sampling counted over all windows; a window's other stages are its own business
    private static GenerationListener windowListener(GenerationListener outer, int k, int n) {
        return new GenerationListener() {
            @Override
            public void onProgress(Stage stage, int step, int total) {
                if (stage == Stage.SAMPLING) {
                    outer.onProgress(Stage.SAMPLING, k * total + step, n * total);
                }
            }

            @Override
            public boolean isCancelled() {
                return outer.isCancelled();
            }
        };
    }

    private static int totalFrames(GenerationParams p, int rate) {
        if (p.loop() == null) {
            return (int) Math.round(p.seconds() * rate);
        }
        int loop = LoopSeam.loopFrames(p.loop().bpm(), p.loop().bars(), p.loop().beatsPerBar(), rate);
        return loop + LoopSeam.fadeFrames(rate, loop);
    }

    // a continuation (init audio kept from its start to its end) goes on from the recording's end; else 0
    private static int continuedFrames(GenerationParams p, int rate) {
        if (p.init() == null || p.keep().size() != 1 || p.keep().get(0).start() != 0 || p.loop() != null) {
            return 0;
        }
        double given = (double) p.init().samples()[0].length / p.init().sampleRate();
        if (p.keep().get(0).end() + 1e-9 < given) {
            return 0;
        }
        return (int) Math.min(Math.round(given * rate), totalFrames(p, rate) - 1);
    }

    @Override
    public void close() {
        model.close();
    }
}
