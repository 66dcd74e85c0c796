package dev.longplay.models.sa3.sampling;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.weights.CheckpointException;

/**
 * The reference's timestep warps (stable_audio_3 inference/distribution_shift.py), chosen by
 * {@code model.diffusion.sampling_distribution_shift_options.type}: {@code logsnr} (the default when the config
 * has none: rate 0, anchor −6.2, end 2.0), {@code flux}, {@code full} (SD3-style) or {@code none}. seqLen is the
 * effective latent length of the requested duration.
 */
public interface DistributionShift {

    double shift(double t, double seqLen);

    /** The reference's default when the config names no sampling shift. */
    static DistributionShift defaultShift() {
        return new LogSnr(2000, -6.2, 0, 2.0);
    }

    static DistributionShift parse(JsonNode options, String source) {
        if (options == null || options.isMissingNode() || options.isNull()) {
            return defaultShift();
        }
        String type = options.path("type").asText("full");
        return switch (type) {
            case "none" -> (t, n) -> t;
            case "logsnr" -> new LogSnr(options.path("anchor_length").asDouble(2000), options.path("anchor_logsnr").asDouble(-6.2),
                    options.path("rate").asDouble(1.0), options.path("logsnr_end").asDouble(2.0));
            case "flux" -> new Flux(options.path("min_length").asDouble(256), options.path("max_length").asDouble(4096),
                    options.path("alpha_min").asDouble(1.0), options.path("alpha_max").asDouble(1.0));
            case "full" -> {
                if (options.path("use_sine").asBoolean(false)) {
                    throw new CheckpointException(source + ": sampling_distribution_shift_options.use_sine is not supported");
                }
                yield new Full(options.path("base_shift").asDouble(0.5), options.path("max_shift").asDouble(1.15),
                        options.path("min_length").asDouble(256), options.path("max_length").asDouble(4096));
            }
            default -> throw new CheckpointException(source + ": unknown sampling_distribution_shift_options.type '" + type
                    + "' (none, flux, full, logsnr)");
        };
    }

    /** Uniform steps in log-SNR: logsnr = end − t·(end − start), t' = sigmoid(−logsnr); endpoints kept exact. */
    record LogSnr(double anchorLength, double anchorLogsnr, double rate, double logsnrEnd) implements DistributionShift {
        @Override
        public double shift(double t, double seqLen) {
            if (t <= 0) {
                return 0;
            }
            if (t >= 1) {
                return 1;
            }
            double start = anchorLogsnr - rate * (Math.log(seqLen / anchorLength) / Math.log(2));
            double logsnr = logsnrEnd - t * (logsnrEnd - start);
            return 1 / (1 + Math.exp(logsnr));
        }
    }

    /** α·t / (1 + (α − 1)·t), α log-linear in the sequence length between the two lengths. */
    record Flux(double minLength, double maxLength, double alphaMin, double alphaMax) implements DistributionShift {
        @Override
        public double shift(double t, double seqLen) {
            double logMin = Math.log(minLength);
            double logMax = Math.log(maxLength);
            if (logMax == logMin) {
                logMax += 1e-8;
            }
            double n = Math.max(Math.min(seqLen, maxLength), minLength);
            double frac = (Math.log(n) - logMin) / (logMax - logMin);
            double la = Math.log(Math.max(alphaMin, 1e-8));
            double alpha = Math.exp(la + frac * (Math.log(Math.max(alphaMax, 1e-8)) - la));
            return alpha * t / (1 + (alpha - 1) * t);
        }
    }

    /** SD3's shift: 1 − e^μ / (e^μ + 1/(1 − t) − 1), μ = −(base + (max − base)·(n − min)/(maxLen − min)). */
    record Full(double baseShift, double maxShift, double minLength, double maxLength) implements DistributionShift {
        @Override
        public double shift(double t, double seqLen) {
            double n = Math.min(Math.max(seqLen, minLength), maxLength);
            double mu = -(baseShift + (maxShift - baseShift) * (n - minLength) / (maxLength - minLength));
            double odds = 1 / (1 - t) - 1;  // t = 1 gives +inf, hence 1
            return 1 - Math.exp(mu) / (Math.exp(mu) + odds);
        }
    }
}
