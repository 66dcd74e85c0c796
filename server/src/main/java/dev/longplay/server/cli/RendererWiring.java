package dev.longplay.server.cli;

import dev.longplay.server.jobs.ClipRendererFactory;

/**
 * The renderer {@code longplay serve} uses. The model runtime's renderer is wired in here; until then serve
 * refuses to start rather than pretend to generate audio.
 */
final class RendererWiring {

    private RendererWiring() {
    }

    static ClipRendererFactory factory() {
        return modelId -> {
            throw new ClipRendererFactory.RendererUnavailableException(
                    "this build has no model renderer wired into the server yet, so it cannot generate audio");
        };
    }
}
