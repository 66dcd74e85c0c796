package dev.longplay.models.transformer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.diffusion.SeededNoise;
import dev.longplay.models.weights.StateDict;
import dev.longplay.models.weights.SyntheticTensors;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Block-wise attention must equal attention over all queries at once (the default path, torch's fused kernel),
 * also when the block size does not divide the sequence and with grouped-query cross-attention (fewer kv heads
 * than query heads).
 */
class AttentionBlocksTest {

    private static float maxDiff(NDArray a, NDArray b) {
        return a.sub(b).abs().max().getFloat();
    }

    @Test
    void blocksEqualTheWholeForSelfAndCrossAttention() {
        try (NDManager m = NDManager.newBaseManager()) {
            int dim = 64;
            int heads = 2;
            StateDict sd = new StateDict(new SyntheticTensors(11), m, DataType.FLOAT32);
            Attention self = Attention.load(sd.scope("self"), dim, dim / heads, 0, "ln");
            Attention cross = Attention.load(sd.scope("cross"), dim, dim / heads, 32, "none");  // 1 kv head for 2 query heads
            NDArray x = SeededNoise.stream(1, 1).next(m, new Shape(2, 37, dim));
            NDArray ctx = SeededNoise.stream(1, 2).next(m, new Shape(2, 5, 32));
            RotaryEmbedding rope = new RotaryEmbedding(RotaryEmbedding.inverseFrequencies(32, 10000));
            try (RotaryEmbedding.Tables tables = rope.tables(m, 37)) {
                NDArray wholeSelf = self.forward(x, null, tables);
                NDArray wholeCross = cross.forward(x, ctx, null);
                assertTrue(wholeSelf.abs().max().getFloat() > 0.01f && wholeCross.abs().max().getFloat() > 0.01f,
                        "a real, non-zero attention output");
                // 2·2·7·37 floats per block: blocks of 7 query rows, the last one of 2
                self.setMaxBlockScores(2L * heads * 7 * 37);
                cross.setMaxBlockScores(2L * heads * 7 * 5);
                assertTrue(maxDiff(wholeSelf, self.forward(x, null, tables)) < 1e-5f);
                assertTrue(maxDiff(wholeCross, cross.forward(x, ctx, null)) < 1e-5f);
            }
        }
    }
}
