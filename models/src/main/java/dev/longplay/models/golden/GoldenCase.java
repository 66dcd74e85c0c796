package dev.longplay.models.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.SafetensorsFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One golden case folder: {@code case.json}, {@code inputs.safetensors}, {@code outputs.safetensors}, and the model
 * ({@code model_config.json}, {@code model.safetensors} and whatever else the component reads) either in the case
 * folder itself or, where several cases share one model, in the folder that case.json's {@code model_dir} names
 * relative to the case folder (format: models/src/test/resources/golden/README.md).
 */
public record GoldenCase(Path dir, JsonNode spec) {

    public static GoldenCase open(Path dir) {
        Path specFile = dir.resolve("case.json");
        try {
            return new GoldenCase(dir, ModelConfig.JSON.readTree(Files.readString(specFile)));
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + specFile + ": " + e.getMessage(), e);
        }
    }

    public static boolean isCase(Path dir) {
        return Files.isRegularFile(dir.resolve("case.json"));
    }

    public String name() {
        return dir.getFileName().toString();
    }

    public String component() {
        return spec.path("component").asText();
    }

    public double atol() {
        return spec.path("tolerance").path("atol").asDouble(1e-4);
    }

    public double rtol() {
        return spec.path("tolerance").path("rtol").asDouble(1e-4);
    }

    /** Where the case's model files are: case.json's {@code model_dir} (relative to the case), else the case itself. */
    public Path modelDir() {
        String shared = spec.path("model_dir").asText("");
        if (shared.isEmpty()) {
            return dir;
        }
        Path model = dir.resolve(shared).normalize();
        if (!Files.isDirectory(model)) {
            throw new CheckpointException("golden case " + name() + ": model_dir " + shared + " is not a folder ("
                    + model + ")");
        }
        return model;
    }

    public ModelConfig modelConfig() {
        return ModelConfig.load(modelDir().resolve("model_config.json"));
    }

    public Path modelFile() {
        return modelDir().resolve("model.safetensors");
    }

    public Map<String, NDArray> inputs(NDManager manager) {
        return readAll(dir.resolve("inputs.safetensors"), manager);
    }

    public Map<String, NDArray> outputs(NDManager manager) {
        return readAll(dir.resolve("outputs.safetensors"), manager);
    }

    private static Map<String, NDArray> readAll(Path file, NDManager manager) {
        Map<String, NDArray> out = new LinkedHashMap<>();
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            for (String name : st.tensors().keySet()) {
                out.put(name, st.load(manager, name, DataType.FLOAT32));
            }
        }
        return out;
    }
}
