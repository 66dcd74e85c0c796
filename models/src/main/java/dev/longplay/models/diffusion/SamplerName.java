package dev.longplay.models.diffusion;

import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Every sampler name a request, a model folder's defaults or the command line may give, for every model family:
 * the one registry {@link Sampler#forName(String, boolean)} reads.
 *
 * <p>Canonical names say which sampler they are: {@code dpmpp-3m-sde}, {@code dpmpp-2m} and {@code k-euler} step a
 * v/eps denoiser over sigmas (Stable Audio Open 1.0, 2.0); {@code pingpong} and {@code rf-euler} step a
 * rectified flow over times in [0, 1] (Stable Audio Open small, Stable Audio 3). The old name {@value #EULER_ALIAS}
 * is accepted where it was, and means the Euler sampler of the model's own kind: {@code k-euler} on a v-objective
 * model (as it always did there), {@code rf-euler} on a rectified-flow model (as it always did for Stable Audio 3,
 * and as stable-audio-tools reads it for flow models).
 */
public enum SamplerName {
    DPMPP_3M_SDE("dpmpp-3m-sde", false, () -> new DpmSolver3MSde(1.0, 1.0)),
    DPMPP_2M("dpmpp-2m", false, DpmSolver2M::new),
    K_EULER("k-euler", false, EulerSampler::new),
    PINGPONG("pingpong", true, PingPongSampler::new),
    RF_EULER("rf-euler", true, RfEulerSampler::new);

    /** The name both Euler samplers went by; resolved by the model's kind. */
    public static final String EULER_ALIAS = "euler";

    private final String canonical;
    private final boolean rectifiedFlow;
    private final Supplier<Sampler> factory;

    SamplerName(String canonical, boolean rectifiedFlow, Supplier<Sampler> factory) {
        this.canonical = canonical;
        this.rectifiedFlow = rectifiedFlow;
        this.factory = factory;
    }

    /** The name this sampler is listed and recorded under. */
    public String canonical() {
        return canonical;
    }

    /** Whether it steps a rectified flow (times in [0, 1]) rather than a v/eps denoiser. */
    public boolean rectifiedFlow() {
        return rectifiedFlow;
    }

    /** A new sampler of this kind with the defaults stable-audio-tools runs it with. */
    public Sampler create() {
        return factory.get();
    }

    /**
     * The sampler {@code name} means on a model of this kind. An unknown name and a sampler of the other kind are
     * refused with an {@link IllegalArgumentException} that lists the names this kind of model takes.
     */
    public static SamplerName resolve(String name, boolean rectifiedFlow) {
        if (EULER_ALIAS.equals(name)) {
            return rectifiedFlow ? RF_EULER : K_EULER;
        }
        SamplerName s = byCanonical(name);
        if (s == null) {
            throw new IllegalArgumentException("unknown sampler '" + name + "' (this model takes " + listing(rectifiedFlow)
                    + "; " + kind(!rectifiedFlow) + " models take " + listing(!rectifiedFlow) + ")");
        }
        if (s.rectifiedFlow != rectifiedFlow) {
            throw new IllegalArgumentException("sampler '" + name + "' is for " + kind(s.rectifiedFlow)
                    + " models and does not fit this " + kind(rectifiedFlow) + " model; use " + listing(rectifiedFlow));
        }
        return s;
    }

    /** The canonical names for a model of this kind, in the order they are listed. */
    public static List<String> names(boolean rectifiedFlow) {
        return Arrays.stream(values()).filter(s -> s.rectifiedFlow == rectifiedFlow).map(SamplerName::canonical).toList();
    }

    /** The sampler with this canonical name, or null. */
    static SamplerName byCanonical(String name) {
        for (SamplerName s : values()) {
            if (s.canonical.equals(name)) {
                return s;
            }
        }
        return null;
    }

    private static String listing(boolean rectifiedFlow) {
        return String.join(", ", names(rectifiedFlow)) + " (" + EULER_ALIAS + " = "
                + (rectifiedFlow ? RF_EULER : K_EULER).canonical + ")";
    }

    private static String kind(boolean rectifiedFlow) {
        return rectifiedFlow ? "rectified-flow" : "v-objective";
    }
}
