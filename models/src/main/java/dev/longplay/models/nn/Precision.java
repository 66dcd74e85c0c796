package dev.longplay.models.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * Type changes at the borders of reduced-precision compute. A layer computes in its weights' type and converts
 * its input on entry; the few places that need float32 (norms, rotary, Snake, the sampler) convert there and back.
 * Each conversion is a new array in the input's manager; with matching types the input itself is returned.
 */
public final class Precision {

    private Precision() {
    }

    /** {@code x} in {@code type}: {@code x} itself when it already is, else a converted copy. */
    public static NDArray as(NDArray x, DataType type) {
        return x.getDataType() == type ? x : x.toType(type, false);
    }

    /** {@code x} in float32; when that takes a copy, {@code x} is closed (for results nobody else holds). */
    public static NDArray intoFloat32(NDArray x) {
        if (x.getDataType() == DataType.FLOAT32) {
            return x;
        }
        NDArray wide = x.toType(DataType.FLOAT32, false);
        x.close();
        return wide;
    }

    /** {@code x} in float32 (see {@link #as}). */
    public static NDArray float32(NDArray x) {
        return as(x, DataType.FLOAT32);
    }
}
