package dev.longplay.models.pipeline;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.longplay.models.autoencoder.AudioAutoencoder;
import dev.longplay.models.clap.ClapCheckpoint;
import dev.longplay.models.conditioning.IntConditioner;
import dev.longplay.models.conditioning.NumberConditioner;
import dev.longplay.models.conditioning.PromptProjection;
import dev.longplay.models.conditioning.T5Config;
import dev.longplay.models.conditioning.T5Encoder;
import dev.longplay.models.config.ConditioningConfig;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.transformer.DiffusionTransformer;
import dev.longplay.models.weights.StateDict;
import dev.longplay.models.weights.SyntheticTensors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes a random-weight model folder in the Hugging Face layout (model_config.json, model.safetensors,
 * text_encoder/, tokenizer/) for a given config (T5 or CLAP text conditioning): loading every component through {@link SyntheticTensors}
 * records exactly the keys and shapes the loaders need, so the folder loads like a real checkpoint.
 */
public final class SyntheticModel {

    private SyntheticModel() {
    }

    public static void write(Path dir, byte[] modelConfig, byte[] t5Config, byte[] tokenizer, long seed)
            throws IOException {
        write(dir, modelConfig, t5Config, tokenizer, seed, false);
    }

    /**
     * As {@link #write(Path, byte[], byte[], byte[], long)}; {@code torchWeightNormGains} starts weight-norm gains
     * at PyTorch's {@code ||v||} (a training run's start) instead of one (the embedded default's weights).
     */
    public static void write(Path dir, byte[] modelConfig, byte[] t5Config, byte[] tokenizer, long seed,
                             boolean torchWeightNormGains) throws IOException {
        Files.createDirectories(dir.resolve("text_encoder"));
        Files.createDirectories(dir.resolve("tokenizer"));
        Files.write(dir.resolve("text_encoder/config.json"), t5Config);
        Files.write(dir.resolve("tokenizer/tokenizer.json"), tokenizer);
        T5Config t5 = T5Config.load(dir.resolve("text_encoder/config.json"));
        writeMain(dir, modelConfig, t5.dModel(), true, seed, torchWeightNormGains);
        SyntheticTensors text = new SyntheticTensors(seed + 1);
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            T5Encoder.load(new StateDict(text, m, DataType.FLOAT32), t5);
        }
        text.writeTo(dir.resolve("text_encoder/model.safetensors"));
    }

    /**
     * A random-weight model whose prompt conditioner is {@code clap_text} (Stable Audio 2.0's): the given CLAP
     * folder (config.json, model.safetensors, tokenizer.json) is copied as {@code text_encoder/}.
     */
    public static void writeWithClap(Path dir, byte[] modelConfig, Path clapFolder, long seed) throws IOException {
        Files.createDirectories(dir.resolve("text_encoder"));
        for (String f : new String[]{"config.json", "model.safetensors", "tokenizer.json"}) {
            Files.copy(clapFolder.resolve(f), dir.resolve("text_encoder").resolve(f));
        }
        ModelConfig cfg = ModelConfig.parse(new String(modelConfig, java.nio.charset.StandardCharsets.UTF_8),
                "synthetic model config");
        ConditioningConfig.Conditioner prompt = cfg.model().conditioning().configs().stream()
                .filter(c -> c.type().equals("clap_text")).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the config has no clap_text conditioner"));
        try (ClapCheckpoint clap = ClapCheckpoint.open(dir.resolve("text_encoder"), null)) {
            boolean features = prompt.config().path("use_text_features").asBoolean(false);
            // as the reference (and SA 2.0, 768 = 768): no proj_out when the widths agree
            writeMain(dir, modelConfig, features ? clap.textConfig().hiddenSize() : clap.textConfig().projectionDim(),
                    false, seed, false);
        }
    }

    // model_config.json and model.safetensors; promptWidth: the text encoder's output width (for proj_out, which
    // the synthetic source would also invent at equal widths unless projectEqualWidths is false)
    private static void writeMain(Path dir, byte[] modelConfig, long promptWidth, boolean projectEqualWidths, long seed,
                                  boolean torchWeightNormGains) throws IOException {
        Files.write(dir.resolve("model_config.json"), modelConfig);
        ModelConfig cfg = ModelConfig.load(dir.resolve("model_config.json"));
        SyntheticTensors main = new SyntheticTensors(seed, torchWeightNormGains);
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            StateDict sd = new StateDict(main, m, DataType.FLOAT32);
            AudioAutoencoder.load(sd, cfg);
            DiffusionTransformer.load(sd, cfg);
            ConditioningConfig cc = cfg.model().conditioning();
            for (ConditioningConfig.Conditioner c : cc.configs()) {
                if (c.type().equals("number")) {
                    NumberConditioner.fromConfig(c, sd, cc.condDim());
                } else if (c.type().equals("int")) {
                    IntConditioner.fromConfig(c, sd, cc.condDim());
                } else if (projectEqualWidths || promptWidth != cc.condDim()) {
                    PromptProjection.load(sd.scope("conditioner.conditioners." + c.id()), promptWidth, cc.condDim());
                }
            }
        }
        // The loaded model is freed before writing: values are made again, one tensor at a time.
        main.writeTo(dir.resolve("model.safetensors"));
    }
}
