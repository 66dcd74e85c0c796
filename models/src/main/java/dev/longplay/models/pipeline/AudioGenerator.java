package dev.longplay.models.pipeline;

import java.util.List;

/**
 * A loaded text-to-audio model as the CLI and server drive it, whatever its family (Stable Audio Open 1.0 /
 * small, Stable Audio 3): one generation at a time from {@link GenerationParams}.
 */
public interface AudioGenerator extends AutoCloseable {

    String name();

    /** A content fingerprint of the checkpoint, recorded in every clip's metadata. */
    String fingerprint();

    int sampleRate();

    /** The longest clip the model makes, in seconds. */
    double maxSeconds();

    GeneratedAudio generate(GenerationParams params, GenerationListener listener);

    /**
     * Whether the windows of a clip longer than {@link #maxSeconds()} are told their place in it (seconds_start =
     * offset, seconds_total = the whole clip, as the reference trained on crops of longer files) rather than each
     * conditioned as a clip of its own. False where the model has no start conditioning.
     */
    default boolean positionalWindows() {
        return false;
    }

    /**
     * With {@code true}, the text encoders' weights are let go after each request's conditioning and read again
     * for the next ({@code --low-memory}): sampling a long clip then has their memory to spare.
     */
    void setLowMemory(boolean lowMemory);

    /** Whether {@link #setLoras} applies adapters to this model (Stable Audio 3 models do; the others take none). */
    default boolean supportsLoras() {
        return false;
    }

    /**
     * Applies these LoRA adapters, stacked in the given order, in place of any applied before (an empty list goes
     * back to the plain checkpoint); nothing changes if loading fails.
     *
     * @throws IllegalArgumentException when adapters are asked of a model that takes none, saying so
     */
    default void setLoras(List<LoraSpec> specs) {
        if (!specs.isEmpty()) {
            throw new IllegalArgumentException("LoRA adapters work with Stable Audio 3 models only (" + name()
                    + " takes none)");
        }
    }

    /** The adapters in use, as file@strength. */
    default List<String> loras() {
        return List.of();
    }

    @Override
    void close();
}
