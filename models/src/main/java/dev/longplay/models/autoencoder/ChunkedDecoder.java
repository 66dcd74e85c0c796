package dev.longplay.models.autoencoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

/**
 * Decodes long latents window by window so peak memory follows the window, not the clip (see docs/memory.md:
 * SAO 1.0's decoder needs ~6.6 MiB per latent frame, ~40 GiB for 4m45s at once).
 *
 * <p>Each window writes a core of at most {@code chunkFrames} latent frames of audio, decoded with {@code context}
 * frames added on each side. The context is the decoder's receptive radius (computed from its config, 11 frames
 * for SAO 1.0), so the zeros a convolution pads at a window edge never reach a core sample and the result equals
 * the whole decode up to float rounding. The reference (decode_audio with chunked=True) instead uses a fixed
 * overlap of 32 frames and trims 16 per side; deriving the context keeps it exact for any config.
 *
 * <p>Context is decoded twice, so the windows are as few as the bound allows: a clip whose frames fit in one
 * window ({@code chunkFrames + 2 · context}) is decoded in one pass, and a longer one in cores of equal length
 * (never a full window followed by a sliver that costs its whole context). With {@link #DEFAULT_WINDOW_FRAMES}
 * an 11 s SAO clip (237 frames) is one pass, where 128-frame cores took two windows and 9 % more work.
 */
public final class ChunkedDecoder {

    /** Latent frames per window, context included: about 1.7 GiB peak for SAO 1.0 (docs/memory.md). */
    public static final int DEFAULT_WINDOW_FRAMES = 256;

    private final OobleckDecoder decoder;
    private final int chunkFrames;
    private final int context;

    public ChunkedDecoder(OobleckDecoder decoder, int chunkFrames) {
        this(decoder, chunkFrames, decoder.receptiveRadiusLatents());
    }

    /**
     * Windows of at most {@code windowFrames} latent frames, context included (at least one core frame beside the
     * decoder's context on both sides).
     */
    public static ChunkedDecoder ofWindow(OobleckDecoder decoder, int windowFrames) {
        int context = decoder.receptiveRadiusLatents();
        if (windowFrames <= 2 * context) {
            throw new IllegalArgumentException("a window of " + windowFrames + " latent frames leaves no room beside"
                    + " the decoder's context of " + context + " frames per side");
        }
        return new ChunkedDecoder(decoder, windowFrames - 2 * context, context);
    }

    public ChunkedDecoder(OobleckDecoder decoder, int chunkFrames, int context) {
        if (chunkFrames <= 0 || context < 0) {
            throw new IllegalArgumentException("chunkFrames must be positive and context non-negative");
        }
        this.decoder = decoder;
        this.chunkFrames = chunkFrames;
        this.context = context;
    }

    public int context() {
        return context;
    }

    // latents: [B, latent_dim, T] -> audio: [B, io, T * ratio]
    public NDArray decode(NDArray latents) {
        long frames = latents.getShape().get(2);
        long ratio = decoder.ratio();
        NDManager parent = latents.getManager();
        NDList pieces = new NDList();
        // one pass where the whole clip fits a window; else equal cores of at most chunkFrames
        long windows = frames <= chunkFrames + 2L * context ? 1 : (frames + chunkFrames - 1) / chunkFrames;
        long core = (frames + windows - 1) / windows;
        try {
            for (long start = 0; start < frames; start += core) {
                long end = Math.min(frames, start + core);
                long from = Math.max(0, start - context);
                long to = Math.min(frames, end + context);
                try (NDManager scope = parent.newSubManager()) {
                    NDArray window = latents.get(":, :, " + from + ":" + to);
                    window.attach(scope);
                    // audio: [B, io, (to - from) * ratio]; keep samples of [start, end)
                    NDArray audio = decoder.forward(window);
                    if (audio.getShape().get(2) != (to - from) * ratio) {
                        throw new IllegalStateException("decoder gives " + audio.getShape().get(2) + " samples for "
                                + (to - from) + " frames, not " + ratio + " per frame: it cannot be chunked");
                    }
                    // float32 pieces: the joined clip is the same whatever the decoder computed in
                    NDArray piece = audio.get(":, :, " + (start - from) * ratio + ":" + (end - from) * ratio)
                            .toType(DataType.FLOAT32, true);
                    piece.attach(parent);
                    pieces.add(piece);
                }
            }
            return pieces.size() == 1 ? pieces.get(0) : NDArrays.concat(pieces, 2);
        } finally {
            if (pieces.size() > 1) {
                pieces.close();
            }
        }
    }
}
