package dev.longplay.models.sa3;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.golden.GoldenDirs;
import dev.longplay.models.sa3.same.SameAutoencoder;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.SafetensorsWriter;
import dev.longplay.models.weights.StateDict;
import dev.longplay.models.weights.SyntheticTensors;
import dev.longplay.models.weights.TensorSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A tiny SA3-shaped model folder laid out as on Hugging Face (model_config.json, model.safetensors,
 * t5gemma-b-b-ul2/{config.json, model.safetensors, tokenizer.json}), assembled from the golden cases' random
 * weights (sa3_sample_pingpong's DiT and conditioners, sa3_t5gemma's encoder) and a word-level tokenizer.
 * {@link #writeWithSame} adds a tiny SAME-S autoencoder that fits the DiT (8 latent channels at 4096x), as a
 * full checkpoint carries it: its section in model_config.json, its random weights under {@code pretransform.model.}.
 */
public final class TinySa3Model {

    // From the project root, so that the server's tests (another working directory) can build it too.
    private static final Path GOLDEN = GoldenDirs.own();

    private TinySa3Model() {
    }

    public static Path write(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("t5gemma-b-b-ul2"));
        Path sample = GOLDEN.resolve("sa3_sample_pingpong");
        Files.copy(sample.resolve("model_config.json"), dir.resolve("model_config.json"));
        Files.copy(sample.resolve("model.safetensors"), dir.resolve("model.safetensors"));
        Path t5 = GOLDEN.resolve("sa3_t5gemma");
        Files.copy(t5.resolve("config.json"), dir.resolve("t5gemma-b-b-ul2/config.json"));
        Files.copy(t5.resolve("model.safetensors"), dir.resolve("t5gemma-b-b-ul2/model.safetensors"));
        Files.copy(GoldenDirs.projectDir().resolve("models/src/test/resources/sa3/tiny_wordlevel_tokenizer.json"), dir.resolve("t5gemma-b-b-ul2/tokenizer.json"));
        return dir;
    }

    /**
     * SAME-S as the small models use it (one level, stride 16 over 256-sample stereo patches, DyT, attention in
     * 32-latent chunks with midpoint shift, k=3 conv mapping out of the decoder), 8 wide instead of 768; PyTorch-like
     * random weights from {@link SyntheticTensors}. Plain attention, not SAME-S's differential one: with random
     * weights both of its softmaxes are near uniform and their difference near zero, which would leave the
     * decoder's new tokens blind to the latents (differential attention is checked by the SAME golden cases).
     */
    public static Path writeWithSame(Path dir) throws IOException {
        write(dir);
        ObjectNode root = (ObjectNode) ModelConfig.JSON.readTree(Files.readString(dir.resolve("model_config.json")));
        ObjectNode model = (ObjectNode) root.get("model");
        model.set("pretransform", ModelConfig.JSON.readTree(SAME_S_TINY));
        Files.writeString(dir.resolve("model_config.json"), ModelConfig.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root));
        Sa3Config config = Sa3Config.load(dir.resolve("model_config.json"));
        Path checkpoint = dir.resolve("model.safetensors");
        SyntheticTensors same = new SyntheticTensors(31);
        try (NDManager m = NDManager.newBaseManager();
             SafetensorsFile dit = SafetensorsFile.open(checkpoint)) {
            SameAutoencoder.loader().load(config, new StateDict(same, m, DataType.FLOAT32), m);
            Map<String, long[]> shapes = new LinkedHashMap<>();
            dit.keys().forEach(k -> shapes.put(k, dit.shape(k)));
            same.keys().forEach(k -> shapes.put(k, same.shape(k)));
            Path merged = dir.resolve("model.safetensors.new");
            SafetensorsWriter.write(merged, shapes, k -> {
                try (NDManager one = m.newSubManager()) {
                    TensorSource from = dit.contains(k) ? dit : same;
                    return from.load(one, k, shapes.get(k), DataType.FLOAT32).toFloatArray();
                }
            });
            Files.move(merged, checkpoint, StandardCopyOption.REPLACE_EXISTING);
        }
        return dir;
    }

    private static final String SAME_S_TINY = """
            {"type": "autoencoder", "config": {
              "encoder": {"type": "same", "config": {"in_channels": 512, "channels": 8, "c_mults": [1], "strides": [16],
                "transformer_depths": [2], "latent_dim": 8, "dim_heads": 8, "differential": false, "dyt": true,
                "ff_mult": 3, "chunk_size": 32, "chunk_midpoint_shift": true, "conv_mapping": false}},
              "decoder": {"type": "same", "config": {"out_channels": 512, "channels": 8, "c_mults": [1], "strides": [16],
                "transformer_depths": [2], "latent_dim": 8, "dim_heads": 8, "differential": false, "dyt": true,
                "ff_mult": 3, "chunk_size": 32, "chunk_midpoint_shift": true, "conv_mapping": true,
                "sinusoidal_blocks": [0]}},
              "bottleneck": {"type": "soft_norm", "config": {"dim": 8, "auto_scale": true, "noise_regularize": false}},
              "pretransform": {"type": "patched", "config": {"channels": 2, "patch_size": 256}},
              "latent_dim": 8, "downsampling_ratio": 4096, "io_channels": 2}}
            """;

    static Sa3Pipeline load(Path dir) {
        return Sa3Pipeline.load(dev.longplay.models.weights.ModelFiles.in(dir), "tiny-sa3",
                (config, sd, manager) -> new TestOnlyPatchCodec(config.ioChannels(), config.downsamplingRatio(), 5));
    }
}
