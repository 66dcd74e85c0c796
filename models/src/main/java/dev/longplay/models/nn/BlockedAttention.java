package dev.longplay.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * softmax(q·kᵀ/√Dh)·v from matmul and softmax, for blocks of queries so that memory stays bounded for long
 * sequences: a block holds B·H·blockRows·M scores instead of the full B·H·N·M. The portable path, for any libtorch
 * (see {@link FusedAttention}) and for comparing against the fused kernel.
 */
public final class BlockedAttention {

    /** Upper bound on one block's score tensor, in elements (256 MiB of float32). */
    public static final long MAX_BLOCK_SCORES = 64L * 1024 * 1024;

    private BlockedAttention() {
    }

    /**
     * q: [B, H, N, Dh], k and v: [B, H, M, Dh] -> [B, H, N, Dh] in q's type; maxBlockScores bounds one block's
     * scores.
     */
    public static NDArray attend(NDArray q, NDArray k, NDArray v, long maxBlockScores) {
        if (q.getDataType() == DataType.UNKNOWN) {
            // a type DJL 0.36 cannot name (bfloat16: its softmax and tensor making abort the JVM): attend in float32,
            // then write the result into a tensor of q's type (an in-place add keeps the destination's type)
            NDArray wide = attend(q.toType(DataType.FLOAT32, false), k.toType(DataType.FLOAT32, false),
                    v.toType(DataType.FLOAT32, false), maxBlockScores);
            return q.mul(q.getManager().full(new Shape(), 0f, DataType.FLOAT32)).addi(wide);
        }
        long b = q.getShape().get(0);
        long heads = q.getShape().get(1);
        long n = q.getShape().get(2);
        long m = k.getShape().get(2);
        // a float32 scalar made by libtorch (see TorchOwned): a 0-d tensor leaves q's own type in charge
        NDArray scale = q.getManager().full(new Shape(), (float) (1.0 / Math.sqrt(q.getShape().get(3))),
                DataType.FLOAT32);
        NDArray kT = k.transpose(0, 1, 3, 2);
        long rows = Math.max(1, Math.min(n, maxBlockScores / Math.max(1, b * heads * m)));
        if (rows >= n) {
            return q.mul(scale).matMul(kT).softmax(3).matMul(v);
        }
        NDList blocks = new NDList();
        for (long start = 0; start < n; start += rows) {
            long end = Math.min(n, start + rows);
            NDManager parent = q.getManager();
            try (NDManager blockScope = parent.newSubManager()) {
                NDArray qb = q.get(":, :, " + start + ":" + end + ", :");
                qb.attach(blockScope);
                NDArray scores = qb.mul(scale).matMul(kT);
                scores.attach(blockScope);
                NDArray out = scores.softmax(3).matMul(v);
                out.attach(parent);
                blocks.add(out);
            }
        }
        return NDArrays.concat(blocks, 2);
    }
}
