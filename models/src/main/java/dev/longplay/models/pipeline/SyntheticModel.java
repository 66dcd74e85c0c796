package dev.longplay.models.pipeline;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.longplay.models.autoencoder.AudioAutoencoder;
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
 * text_encoder/, tokenizer/) for a given config: loading every component through {@link SyntheticTensors}
 * records exactly the keys and shapes the loaders need, so the folder loads like a real checkpoint.
 */
public final class SyntheticModel {

    private SyntheticModel() {
    }

    public static void write(Path dir, byte[] modelConfig, byte[] t5Config, byte[] tokenizer, long seed)
            throws IOException {
        Files.createDirectories(dir.resolve("text_encoder"));
        Files.createDirectories(dir.resolve("tokenizer"));
        Files.write(dir.resolve("model_config.json"), modelConfig);
        Files.write(dir.resolve("text_encoder/config.json"), t5Config);
        Files.write(dir.resolve("tokenizer/tokenizer.json"), tokenizer);
        ModelConfig cfg = ModelConfig.load(dir.resolve("model_config.json"));
        T5Config t5 = T5Config.load(dir.resolve("text_encoder/config.json"));
        SyntheticTensors main = new SyntheticTensors(seed);
        try (NDManager m = NDManager.newBaseManager()) {
            StateDict sd = new StateDict(main, m, DataType.FLOAT32);
            AudioAutoencoder.load(sd, cfg);
            DiffusionTransformer.load(sd, cfg);
            ConditioningConfig cc = cfg.model().conditioning();
            for (ConditioningConfig.Conditioner c : cc.configs()) {
                if (c.type().equals("number")) {
                    NumberConditioner.fromConfig(c, sd, cc.condDim());
                } else {
                    PromptProjection.load(sd.scope("conditioner.conditioners." + c.id()), t5.dModel(), cc.condDim());
                }
            }
        }
        // The loaded model is freed before writing: values are made again, one tensor at a time.
        main.writeTo(dir.resolve("model.safetensors"));
        SyntheticTensors text = new SyntheticTensors(seed + 1);
        try (NDManager m = NDManager.newBaseManager()) {
            T5Encoder.load(new StateDict(text, m, DataType.FLOAT32), t5);
        }
        text.writeTo(dir.resolve("text_encoder/model.safetensors"));
    }
}
