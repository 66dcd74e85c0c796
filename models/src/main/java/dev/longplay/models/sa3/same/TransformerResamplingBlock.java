package dev.longplay.models.sa3.same;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.nn.Conv1d;
import dev.longplay.models.nn.Scoped;
import dev.longplay.models.weights.StateDict;

import java.util.ArrayList;
import java.util.List;

/**
 * One SAME level: resamples time by {@code stride} with learned tokens instead of convolutions. The sequence
 * is cut into segments (encoder: stride tokens, decoder: 1 token), each followed by learned new tokens
 * (encoder: 1, decoder: stride); after the transformer only the new tokens' outputs are kept. Attention
 * runs within fixed chunks (SAME-S; optionally the second half of the blocks on chunks shifted by half a
 * chunk) or within a sliding window (SAME-L). A weight-normed 1x1 (or k=3) conv maps channels: the
 * encoder before its transformer, the decoder after.
 */
final class TransformerResamplingBlock {

    private final boolean encoder;
    private final int stride;
    private final Conv1d mapping;  // null when in == out
    private final NDArray newTokens;  // [1, outSeg, D]
    private final List<SameTransformerBlock> blocks;
    private final int chunkSize;
    private final boolean midpointShift;
    private final int[] window;  // {left, right} in tokens, or null for chunks

    private TransformerResamplingBlock(boolean encoder, int stride, Conv1d mapping, NDArray newTokens,
                                       List<SameTransformerBlock> blocks, int chunkSize, boolean midpointShift,
                                       int[] window) {
        this.encoder = encoder;
        this.stride = stride;
        this.mapping = mapping;
        this.newTokens = newTokens;
        this.blocks = blocks;
        this.chunkSize = chunkSize;
        this.midpointShift = midpointShift;
        this.window = window;
    }

    static TransformerResamplingBlock load(StateDict sd, SameConfig.Coder c, boolean encoder, int in, int out,
                                           int stride, int depth, int sinusoidalBlocks) {
        int dim = encoder ? out : in;
        Conv1d mapping = null;
        if (in != out) {
            int k = c.convMapping() ? 3 : 1;
            mapping = Conv1d.loadWeightNormed(sd.scope("mapping"), in, out, k, 1, k / 2, 1, c.mappingBias());
        }
        NDArray tokens = sd.take("new_tokens", 1, encoder ? 1 : stride, dim);
        List<SameTransformerBlock> blocks = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            blocks.add(SameTransformerBlock.load(sd.scope("transformers." + i), dim, c, depth - i < sinusoidalBlocks));
        }
        int[] window = c.slidingWindow() == null ? null
                : new int[]{c.slidingWindow()[0] * (stride + 1), c.slidingWindow()[1] * (stride + 1)};
        return new TransformerResamplingBlock(encoder, stride, mapping, tokens, blocks, c.chunkSize(),
                c.chunkMidpointShift(), window);
    }

    // x: [B, C_in, T] -> [B, C_out, T / stride] (encoder) or [B, C_out, T * stride] (decoder), after padding
    NDArray forward(NDArray x) {
        int inSeg = encoder ? stride : 1;
        int outSeg = encoder ? 1 : stride;
        int sub = stride + 1;
        if (encoder) {
            if (!blocks.isEmpty()) {
                // pad before mapping so the padding goes through it like silence does
                x = padTime(x, 2, window == null ? chunkSize : inSeg);
            }
            x = map(x);
        }
        if (!blocks.isEmpty()) {
            long b = x.getShape().get(0);
            NDArray h = x.transpose(0, 2, 1);
            if (!encoder) {
                h = padTime(h, 1, window == null ? chunkSize / stride : inSeg);
            }
            long d = h.getShape().get(2);
            long segments = h.getShape().get(1) / inSeg;
            NDArray segs = h.reshape(b * segments, inSeg, d);
            NDArray tokens = segs.getManager().zeros(new Shape(b * segments, outSeg, d), segs.getDataType())
                    .add(newTokens);
            h = segs.concat(tokens, 1).reshape(b, segments * sub, d);
            if (window != null) {
                for (SameTransformerBlock block : blocks) {
                    h = Scoped.apply(h, t -> block.forward(t, window));
                }
            } else {
                h = chunked(h, chunkSize + chunkSize / stride);
            }
            NDArray kept = h.reshape(b * segments, sub, d).get(":, " + (sub - outSeg) + ":, :");
            x = kept.reshape(b, segments * outSeg, d).transpose(0, 2, 1);
        }
        if (!encoder) {
            x = map(x);
        }
        return x;
    }

    // attention within chunks of `chunk` tokens; with midpoint shift the second half of the blocks sees chunks
    // shifted by half, the sequence edge-padded with copies of its first and last half chunk
    private NDArray chunked(NDArray h, int chunk) {
        long b = h.getShape().get(0);
        long n = h.getShape().get(1);
        long d = h.getShape().get(2);
        int split = midpointShift ? blocks.size() / 2 : blocks.size();
        NDArray c = h.reshape(b * (n / chunk), chunk, d);
        for (SameTransformerBlock block : blocks.subList(0, split)) {
            c = Scoped.apply(c, t -> block.forward(t, null));
        }
        h = c.reshape(b, n, d);
        if (!midpointShift) {
            return h;
        }
        int shift = chunk / 2;
        NDArray extended = NDArrays.concat(new NDList(h.get(":, 0:" + shift + ", :"), h,
                h.get(":, " + (n - shift) + ":, :")), 1);
        long m = n + 2L * shift;
        c = extended.reshape(b * (m / chunk), chunk, d);
        for (SameTransformerBlock block : blocks.subList(split, blocks.size())) {
            c = Scoped.apply(c, t -> block.forward(t, null));
        }
        return c.reshape(b, m, d).get(":, " + shift + ":" + (shift + n) + ", :");
    }

    private NDArray map(NDArray x) {
        return mapping == null ? x : mapping.forward(x);
    }

    // zero-pads `axis` of a 3-d array up to a multiple of `modulo`
    private static NDArray padTime(NDArray x, int axis, int modulo) {
        long len = x.getShape().get(axis);
        long pad = (modulo - len % modulo) % modulo;
        if (pad == 0) {
            return x;
        }
        long[] shape = x.getShape().getShape();
        shape[axis] = pad;
        return x.concat(x.getManager().zeros(new Shape(shape), x.getDataType()), axis);
    }
}
