package dev.longplay.server.jobs;

import dev.longplay.server.clips.RenderedClip;
import java.util.List;

/**
 * The model runtime as the job engine sees it. Only worker threads call {@link #load} and {@link #render}, one
 * render at a time per worker; with more than one worker an implementation must be safe for concurrent renders
 * (or the server must run with one worker).
 */
public interface ClipRenderer extends AutoCloseable {

    /** The models this renderer can run; the first is the default for requests that name none. */
    List<ServedModel> models();

    /** Loads the model's weights if they are not loaded yet; idempotent, called on a worker thread. */
    void load(String modelId, ProgressListener progress) throws RenderException;

    /**
     * Renders one clip. {@code request.seed()} is never null here. Check {@code cancel} between sampler steps and
     * throw {@link RenderException.Kind#CANCELLED} when it says so; report progress through {@code progress}.
     * {@code request.initAudio()}, when present, is a file inside the server's folders (a WAV).
     */
    RenderedClip render(GenerationRequest request, ProgressListener progress, CancellationCheck cancel) throws RenderException;

    @Override
    void close();
}
