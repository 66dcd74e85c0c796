package dev.longplay.models.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import java.util.Map;

/** A golden component whose model runs in reduced precision in production: it computes in the precision given. */
public interface ReducedPrecisionComponent extends GoldenComponent {

    @Override
    Map<String, NDArray> run(GoldenCase goldenCase, Map<String, NDArray> inputs, NDManager manager, DataType precision);

    @Override
    default Map<String, NDArray> run(GoldenCase goldenCase, Map<String, NDArray> inputs, NDManager manager) {
        return run(goldenCase, inputs, manager, DataType.FLOAT32);
    }

    @Override
    default boolean followsPrecision() {
        return true;
    }
}
