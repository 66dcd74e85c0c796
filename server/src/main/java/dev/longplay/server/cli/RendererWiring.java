package dev.longplay.server.cli;

import dev.longplay.models.nn.ComputeTarget;
import dev.longplay.server.jobs.ClipRendererFactory;
import dev.longplay.server.render.ModelClipRenderer;

/** The renderer {@code longplay serve} uses: the model runtime, on the model named by --model or the embedded one. */
final class RendererWiring {

    private RendererWiring() {
    }

    static ClipRendererFactory factory(ComputeOptions compute) {
        ComputeTarget target = compute.target();
        return spec -> ModelClipRenderer.forSpec(spec, target, compute.lowMemory);
    }
}
