package dev.longplay.models.nn;

import ai.djl.ndarray.NDArray;

/**
 * t / max(‖t‖, eps) over the last axis, as attention's L2 query/key norm. Computed in float32 and returned in
 * t's type: the sum of squares passes fp16's 65504 long before the norm does.
 */
public final class L2Normalize {

    private L2Normalize() {
    }

    public static NDArray lastAxis(NDArray t, float eps) {
        NDArray wide = Precision.float32(t);
        int last = (int) t.getShape().dimension() - 1;
        return Precision.as(wide.div(wide.norm(new int[]{last}, true).maximum(eps)), t.getDataType());
    }
}
