package dev.longplay.models.weights;

import java.util.function.Supplier;

/**
 * Weights that may be let go between uses and read again from their file when next needed: a text encoder
 * under {@code --low-memory}, which runs once per request and would otherwise hold its memory (T5-base:
 * 0.4 GiB; T5Gemma: more) through every sampling step. Callers serialise use (the pipelines' generate is
 * synchronized); the methods are synchronized so a stray caller cannot load twice.
 */
public final class Reloadable<T extends AutoCloseable> implements AutoCloseable {

    private final Supplier<T> loader;
    private T value;
    private int loads;

    private Reloadable(T first, Supplier<T> loader) {
        this.value = first;
        this.loader = loader;
        this.loads = first == null ? 0 : 1;
    }

    /** Holds {@code first}, already loaded; {@code loader} makes it again after a {@link #release()}. */
    public static <T extends AutoCloseable> Reloadable<T> of(T first, Supplier<T> loader) {
        return new Reloadable<>(first, loader);
    }

    /** The value, loaded again if it was released. */
    public synchronized T get() {
        if (value == null) {
            value = loader.get();
            loads++;
        }
        return value;
    }

    /** Frees the value; the next {@link #get()} loads it again. */
    public synchronized void release() {
        if (value != null) {
            T v = value;
            value = null;
            try {
                v.close();
            } catch (Exception e) {
                throw new IllegalStateException("cannot free " + v + ": " + e.getMessage(), e);
            }
        }
    }

    public synchronized boolean isLoaded() {
        return value != null;
    }

    /** How many times the value has been loaded, the first time included. */
    public synchronized int loads() {
        return loads;
    }

    @Override
    public void close() {
        release();
    }
}
