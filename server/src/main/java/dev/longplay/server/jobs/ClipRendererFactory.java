package dev.longplay.server.jobs;

/** Makes the renderer {@code longplay serve} runs; the model runtime supplies the real one. */
@FunctionalInterface
public interface ClipRendererFactory {

    /**
     * @param modelId the model the user asked for ({@code --model}), or null for the runtime's default
     * @throws RendererUnavailableException with a message a user can act on when no renderer can be made
     */
    ClipRenderer create(String modelId) throws RendererUnavailableException;

    final class RendererUnavailableException extends Exception {
        public RendererUnavailableException(String message) {
            super(message);
        }

        public RendererUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
