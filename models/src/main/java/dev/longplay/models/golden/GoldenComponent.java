package dev.longplay.models.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;

import java.util.Map;

/** Runs one kind of golden case ({@code case.json}'s {@code component}) and returns its named outputs. */
public interface GoldenComponent {

    /** The {@code component} value this runs, e.g. {@code "vae_decode"}. */
    String component();

    /** Computes the case's outputs from its inputs and model; names as in {@code outputs.safetensors}. */
    Map<String, NDArray> run(GoldenCase goldenCase, Map<String, NDArray> inputs, NDManager manager);

    /**
     * As {@link #run(GoldenCase, Map, NDManager)} with the model's heavy layers in {@code precision}, for the
     * components that run in reduced precision in production (the others compute in float32 and say so with
     * {@link #followsPrecision()}).
     */
    default Map<String, NDArray> run(GoldenCase goldenCase, Map<String, NDArray> inputs, NDManager manager,
                                     DataType precision) {
        return run(goldenCase, inputs, manager);
    }

    /** Whether {@link #run(GoldenCase, Map, NDManager, DataType)} honours its precision. */
    default boolean followsPrecision() {
        return false;
    }
}
