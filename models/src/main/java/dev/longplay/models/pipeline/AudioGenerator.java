package dev.longplay.models.pipeline;

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

    @Override
    void close();
}
