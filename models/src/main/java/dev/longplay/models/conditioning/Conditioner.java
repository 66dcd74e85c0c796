package dev.longplay.models.conditioning;

import ai.djl.ndarray.NDManager;

import java.util.List;

/**
 * One entry of {@code model.conditioning.configs}: turns each batch item's value (a String for text
 * conditioners such as T5 or CLAP, a Number for number conditioners) into tokens and a mask, as the
 * reference's conditioners do. New encoders (e.g. CLAP text) plug in by implementing this.
 */
public interface Conditioner extends AutoCloseable {

    /** The conditioner's id in the config ("prompt", "seconds_start", ...). */
    String id();

    /** values: one per batch item; the output is allocated in {@code manager}. */
    ConditionerOutput encode(List<?> values, NDManager manager);

    /**
     * Lets go of what can be read again from disk (a text encoder's weights) until the next {@link #encode}:
     * memory saving between requests ({@code --low-memory}). Most conditioners hold nothing worth it.
     */
    default void release() {
    }

    /** Frees whatever the conditioner holds, for good. */
    @Override
    default void close() {
    }
}
