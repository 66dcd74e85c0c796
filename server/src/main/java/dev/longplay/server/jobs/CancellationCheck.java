package dev.longplay.server.jobs;

/** Polled by a renderer between sampler steps (and between other costly stages). */
@FunctionalInterface
public interface CancellationCheck {

    boolean cancelled();

    /** Convenience for renderers: stop with {@link RenderException.Kind#CANCELLED} once cancelled. */
    default void throwIfCancelled() throws RenderException {
        if (cancelled()) {
            throw new RenderException(RenderException.Kind.CANCELLED, "cancelled");
        }
    }
}
