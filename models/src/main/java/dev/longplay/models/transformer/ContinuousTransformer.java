package dev.longplay.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.jni.IValue;
import dev.longplay.models.nn.Linear;
import dev.longplay.models.nn.SiluMlp;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.StateDict;

import java.util.ArrayList;
import java.util.List;

/**
 * The reference's continuous transformer: project in, prepend tokens, optionally add absolute sinusoidal
 * positions, a stack of blocks sharing one rotary table (positions count the prepended tokens too), project out.
 * With adaLN, the global condition passes through its own Linear–SiLU–Linear to the 6·dim modulation every block
 * adds to its parameters.
 */
public record ContinuousTransformer(Linear projectIn, Linear projectOut, RotaryEmbedding rotary,
                                    SinusoidalPositions positions, SiluMlp globalCondEmbedder,
                                    List<TransformerBlock> layers) {

    public static ContinuousTransformer load(StateDict sd, DitConfig c, int dimIn, int dimOut, int condDim) {
        int dim = c.embedDim();
        Linear in = Linear.load(sd.scope("project_in"), dimIn, dim, false);
        Linear out = Linear.load(sd.scope("project_out"), dim, dimOut, false);
        RotaryEmbedding rope = null;
        if (c.rotaryPosEmb()) {
            int rotDim = Math.max(c.dimHeads() / 2, 32);
            if (rotDim > c.dimHeads()) {
                throw new CheckpointException("DiT heads of " + c.dimHeads() + " channels are narrower than the rotary "
                        + "embedding's " + rotDim + " (the reference needs embed_dim / num_heads >= 32)");
            }
            // The buffer is checkpointed; read it so a checkpoint with other frequencies is honoured.
            NDArray invFreq = sd.takeFloat32("rotary_pos_emb.inv_freq", rotDim / 2);
            rope = new RotaryEmbedding(invFreq.toFloatArray());
            invFreq.close();
        }
        SinusoidalPositions positions = null;
        if (c.sinusoidalPosEmb()) {
            if (dim % 2 != 0) {
                throw new CheckpointException("use_sinusoidal_emb needs an even embed_dim, not " + dim);
            }
            positions = new SinusoidalPositions(dim, SinusoidalPositions.THETA, sd.takeFloat32("pos_emb.scale", 1));
        }
        SiluMlp globalEmbedder = null;
        if (c.adaLN()) {
            StateDict g = sd.scope("global_cond_embedder");
            globalEmbedder = new SiluMlp(Linear.load(g.scope("0"), dim, dim, true), Linear.load(g.scope("2"), dim, 6L * dim, true));
        }
        List<TransformerBlock> blocks = new ArrayList<>();
        for (int i = 0; i < c.depth(); i++) {
            blocks.add(TransformerBlock.load(sd.scope("layers." + i), c, condDim > 0, condDim, c.adaLN()));
        }
        return new ContinuousTransformer(in, out, rope, positions, globalEmbedder, List.copyOf(blocks));
    }

    // x: [B, T, dimIn], prepend: [B, P, dim] or null, context: [B, M, condDim] or null, global: [B, dim] or null
    // -> [B, P + T, dimOut]
    public NDArray forward(NDArray x, NDArray prepend, NDArray context, NDArray globalCond) {
        return forward(x, prepend, context, globalCond, null, null);
    }

    /**
     * As {@link #forward(NDArray, NDArray, NDArray, NDArray)}, the blocks run by {@code fused} when it is not null
     * (kv: its cross-attention keys and values for {@code context}), else one op at a time.
     */
    NDArray forward(NDArray x, NDArray prepend, NDArray context, NDArray globalCond, FusedDitStack fused, IValue kv) {
        NDArray h = projectIn.forward(x);
        if (prepend != null) {
            NDArray joined = prepend.concat(h, 1);
            h.close();
            h = joined;
        }
        if (positions != null) {
            NDArray placed = positions.addTo(h);
            h.close();
            h = placed;
        }
        NDArray modulation = globalCondEmbedder != null && globalCond != null ? globalCondEmbedder.forward(globalCond) : null;
        RotaryEmbedding.Tables tables = rotary == null ? null
                : rotary.tables(h.getManager(), Math.toIntExact(h.getShape().get(1)));
        try {
            if (fused != null) {
                NDArray next = fused.forward(h, tables, kv, modulation);
                h.close();
                h = next;
            } else {
                for (TransformerBlock block : layers) {
                    NDArray next = block.forward(h, context, modulation, tables);
                    h.close();
                    h = next;
                }
            }
            NDArray out = projectOut.forward(h);
            h.close();
            return out;
        } finally {
            if (tables != null) {
                tables.close();
            }
            if (modulation != null) {
                modulation.close();
            }
        }
    }
}
