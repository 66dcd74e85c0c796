package dev.longplay.models.sa3;

import ai.djl.ndarray.NDManager;
import dev.longplay.models.weights.StateDict;

/** Builds the autoencoder of an SA3 checkpoint from its {@code pretransform.*} weights. */
@FunctionalInterface
public interface LatentCodecLoader {

    LatentCodec load(Sa3Config config, StateDict checkpoint, NDManager manager);
}
