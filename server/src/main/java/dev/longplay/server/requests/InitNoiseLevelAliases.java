package dev.longplay.server.requests;

/**
 * The init-audio noise setting has one name on every channel, {@code initNoiseLevel} (HTTP field, OSC option, the CLI's
 * {@code --init-noise-level}): where the sampler starts between the init audio and noise, in the model's own units
 * (flow time in (0, 1] for rectified-flow models, sigma for v models). Those units differ by model, so no 0-to-1
 * "strength" can stand for it exactly on every model; the number passes through unchanged.
 *
 * <p>Older names stay accepted: OSC's {@value #OSC_STRENGTH} (0 to 1, the same number, with 0 read as
 * {@value #MIN_STRENGTH} because no noise at all would return the input unchanged) and the CLI's {@code --init-noise}.
 */
public final class InitNoiseLevelAliases {

    /** The OSC option's old name. */
    public static final String OSC_STRENGTH = "strength";
    /** What an OSC strength of 0 becomes: the request needs a level above 0. */
    public static final double MIN_STRENGTH = 1e-3;

    private InitNoiseLevelAliases() {
    }

    /**
     * The level from an OSC request's {@code initNoiseLevel} and its old name {@code strength}; null when neither is
     * given.
     *
     * @throws IllegalArgumentException when both are given (they could disagree)
     */
    public static Double fromOsc(Double initNoiseLevel, Double strength) {
        if (initNoiseLevel != null && strength != null) {
            throw new IllegalArgumentException("give initNoiseLevel or its old name " + OSC_STRENGTH + ", not both");
        }
        return strength != null ? Double.valueOf(Math.max(strength, MIN_STRENGTH)) : initNoiseLevel;
    }
}
