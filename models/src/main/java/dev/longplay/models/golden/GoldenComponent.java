package dev.longplay.models.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

import java.util.Map;

/** Runs one kind of golden case ({@code case.json}'s {@code component}) and returns its named outputs. */
public interface GoldenComponent {

    /** The {@code component} value this runs, e.g. {@code "vae_decode"}. */
    String component();

    /** Computes the case's outputs from its inputs and model; names as in {@code outputs.safetensors}. */
    Map<String, NDArray> run(GoldenCase goldenCase, Map<String, NDArray> inputs, NDManager manager);
}
