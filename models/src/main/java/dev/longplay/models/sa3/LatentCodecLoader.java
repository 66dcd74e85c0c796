package dev.longplay.models.sa3;

import ai.djl.ndarray.NDManager;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.StateDict;

/** Builds the autoencoder of an SA3 checkpoint from its {@code pretransform.*} weights. */
@FunctionalInterface
public interface LatentCodecLoader {

    LatentCodec load(Sa3Config config, StateDict checkpoint, NDManager manager);

    /**
     * The autoencoders this build has for SA3 checkpoints. SAME is written separately (branch sa3ae); until it is
     * merged here, SA3 checkpoints fail to load with a message saying so.
     */
    static LatentCodecLoader standard() {
        return (config, sd, manager) -> {
            throw new CheckpointException(config.source() + ": the SAME autoencoder of Stable Audio 3 is not in this build yet");
        };
    }
}
