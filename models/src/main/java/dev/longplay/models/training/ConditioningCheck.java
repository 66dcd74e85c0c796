package dev.longplay.models.training;

/** Diffusion loss on validation clips with and without the prompt: the gap is what the conditioning is worth. */
public record ConditioningCheck(double conditioned, double unconditioned) {
}
