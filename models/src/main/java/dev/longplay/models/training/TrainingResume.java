package dev.longplay.models.training;

import dev.longplay.models.nn.ComputeTarget;

import java.nio.file.Path;

/**
 * How {@link Trainer#resume} continues the run saved in {@code dir}: with the same weights, optimizer moments,
 * averages and step counts, and what a resume may change from the next step on where not null: the step totals
 * (the learning-rate schedules stretch to them), the {@link TrainingRecipe#logSigmaShare()} and the FFT sizes of
 * the autoencoder loss. A run may move between devices ({@code target}).
 */
public record TrainingResume(Path dir, Long autoencoderSteps, Long diffusionSteps, Double logSigmaShare,
                             int[] fftSizes, ComputeTarget target) {

    public TrainingResume {
        if (dir == null || target == null) {
            throw new IllegalArgumentException("a resume needs the run's folder and a device");
        }
    }

    /** The run in {@code dir} as it was saved, on the CPU. */
    public static TrainingResume of(Path dir) {
        return new TrainingResume(dir, null, null, null, null, ComputeTarget.CPU);
    }

    /** The same resume with new step totals where not null. */
    public TrainingResume withSteps(Long autoencoder, Long diffusion) {
        return new TrainingResume(dir, autoencoder, diffusion, logSigmaShare, fftSizes, target);
    }

    /** The same resume with a new log-sigma share where not null. */
    public TrainingResume withLogSigmaShare(Double share) {
        return new TrainingResume(dir, autoencoderSteps, diffusionSteps, share, fftSizes, target);
    }

    /** The same resume with new FFT sizes of the autoencoder loss where not null. */
    public TrainingResume withFftSizes(int[] sizes) {
        return new TrainingResume(dir, autoencoderSteps, diffusionSteps, logSigmaShare, sizes, target);
    }

    /** The same resume on {@code device}. */
    public TrainingResume on(ComputeTarget device) {
        return new TrainingResume(dir, autoencoderSteps, diffusionSteps, logSigmaShare, fftSizes, device);
    }

    /** The saved recipe with this resume's changes. */
    TrainingRecipe applyTo(TrainingRecipe saved) {
        TrainingRecipe.Builder r = saved.toBuilder();
        if (autoencoderSteps != null) {
            r.autoencoderSteps(autoencoderSteps);
        }
        if (diffusionSteps != null) {
            r.diffusionSteps(diffusionSteps);
        }
        if (logSigmaShare != null) {
            r.logSigmaShare(logSigmaShare);
        }
        if (fftSizes != null) {
            r.fftSizes(fftSizes);
        }
        return r.build();
    }
}
