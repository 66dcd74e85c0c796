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
 * <p>Each step writes {@code chunkFrames} latent frames of audio ("core"), decoded from a window that adds
 * {@code context} frames on each side. The context is the decoder's receptive radius (computed from its
 * config, 11 frames for SAO 1.0), so the zeros a convolution pads at a window edge never reach a
 * core sample and the result equals the whole decode up to float rounding. The reference (decode_audio with
 * chunked=True) instead uses a fixed overlap of 32 frames and trims 16 per side; deriving the context keeps
 * it exact for any config while wasting no more than needed: with the default 128-frame core the windows
 * are at most 150 frames and decoding costs ~17 % more than a single pass.
 */
public final class ChunkedDecoder {

    /** Latent frames written per window; about 1 GiB peak for SAO 1.0 (docs/memory.md). */
    public static final int DEFAULT_CHUNK_FRAMES = 128;

    private final OobleckDecoder decoder;
    private final int chunkFrames;
    private final int context;

    public ChunkedDecoder(OobleckDecoder decoder, int chunkFrames) {
        this(decoder, chunkFrames, decoder.receptiveRadiusLatents());
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
        try {
            for (long start = 0; start < frames; start += chunkFrames) {
                long end = Math.min(frames, start + chunkFrames);
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
