package dev.longplay.models.nn;

import ai.djl.ndarray.NDArray;

/** Weight-on-the-left products whose result must belong to the activation's manager, not the weight's. */
final class Matmul {

    private Matmul() {
    }

    // matrix: [out, in], x: [B, in, T], biasColumn: [out, 1] or null -> [B, out, T]
    static NDArray leftMultiply(NDArray matrix, NDArray x, NDArray biasColumn) {
        NDArray y = matrix.matMul(x);
        // libtorch results join the left operand's manager: move it to x's so scoped intermediates are freed
        y.attach(x.getManager());
        return biasColumn == null ? y : y.addi(biasColumn);
    }
}
