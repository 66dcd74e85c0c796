package dev.longplay.models.pipeline;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * The phases of a generation job, one vocabulary from the pipelines to every edge: {@link GenerationListener}
 * reports the model's own stages, the server adds {@link #QUEUED}, {@link #LOADING_MODEL} and {@link #WRITING}
 * around them, and HTTP (job JSON and SSE), OSC ({@code /gen/progress}) and the CLI all say {@link #wire()}.
 *
 * <p>A clip longer than the model's window reports {@link #WINDOW} (step = windows done, total = windows) as each
 * window begins, and its {@link #SAMPLING} steps count over all windows, so progress only moves forward.
 */
public enum Stage {
    /** Waiting for a worker (server only). */
    QUEUED("queued"),
    /** Reading the model's weights before the first job (server only). */
    LOADING_MODEL("loading_model"),
    /** Text encoders and number conditioners turning the prompt and timing into conditioning tensors. */
    CONDITIONING("conditioning"),
    /** The autoencoder encoding the given audio (style transfer, inpainting, continuation). */
    ENCODING("encoding"),
    /** A long clip's window begins. */
    WINDOW("window"),
    /** Sampler steps over the diffusion network. */
    SAMPLING("sampling"),
    /** The autoencoder decoding the latents to audio. */
    DECODING("decoding"),
    /** Storing the clip (server only). */
    WRITING("writing");

    private final String wire;

    Stage(String wire) {
        this.wire = wire;
    }

    /** The word HTTP, SSE, OSC and the CLI use for this stage. */
    @JsonValue
    public String wire() {
        return wire;
    }
}
