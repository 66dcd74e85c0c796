package dev.longplay.models.training;

import java.util.Set;

/**
 * Where a run stands: steps done in each phase, the recipe it follows, and which of the plainly saved training
 * weights are weight-norm pairs in the official layout (saved with every checkpoint).
 */
public record TrainingProgress(TrainingRecipe recipe, long autoencoderStep, long diffusionStep, Set<String> weightNormed) {
}
