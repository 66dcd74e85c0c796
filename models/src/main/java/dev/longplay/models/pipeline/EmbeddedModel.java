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
import dev.longplay.models.weights.ModelFiles;
import dev.longplay.models.weights.SafetensorsWriter;
import dev.longplay.models.weights.StateDict;
import dev.longplay.models.weights.SyntheticTensors;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The model a fresh install runs: a tiny Stable Audio Open-shaped model (Oobleck autoencoder with the real
 * 2048x stride, T5 prompt conditioner with its own small vocabulary, seconds conditioners, a 2-layer DiT)
 * with random weights made deterministically from a fixed seed. It exercises every part of the pipeline
 * and makes noise-like sound, not music. It is written on first use into a model folder laid out as on
 * Hugging Face, so it loads through exactly the same code as a real checkpoint.
 */
public final class EmbeddedModel {

    public static final String ID = "longplay-tiny-random-v1";
    private static final long SEED = 20261125L;
    private static final String RESOURCES = "/dev/longplay/models/tiny/";

    private EmbeddedModel() {
    }

    /** The model folder under {@code cacheRoot}, made there first if absent. */
    public static ModelFiles ensure(Path cacheRoot) {
        Path dir = cacheRoot.resolve(ID);
        if (Files.isRegularFile(dir.resolve("model.safetensors"))) {
            return ModelFiles.in(dir);
        }
        try {
            Files.createDirectories(cacheRoot);
            Path tmp = Files.createTempDirectory(cacheRoot, "." + ID + "-");
            try {
                write(tmp);
                try {
                    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException raced) {
                    if (!Files.isRegularFile(dir.resolve("model.safetensors"))) {
                        throw raced;
                    }
                }
            } finally {
                deleteTree(tmp);
            }
            return ModelFiles.in(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the embedded model into " + dir, e);
        }
    }

    private static void write(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("text_encoder"));
        Files.createDirectories(dir.resolve("tokenizer"));
        copy("model_config.json", dir.resolve("model_config.json"));
        copy("text_encoder_config.json", dir.resolve("text_encoder/config.json"));
        copy("tokenizer.json", dir.resolve("tokenizer/tokenizer.json"));
        ModelConfig cfg = ModelConfig.load(dir.resolve("model_config.json"));
        T5Config t5 = T5Config.load(dir.resolve("text_encoder/config.json"));
        try (NDManager m = NDManager.newBaseManager()) {
            // Loading every component through a generator records exactly the keys and shapes they need.
            SyntheticTensors main = new SyntheticTensors(SEED);
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
            SafetensorsWriter.write(dir.resolve("model.safetensors"), main.recorded(m));
            SyntheticTensors text = new SyntheticTensors(SEED + 1);
            T5Encoder.load(new StateDict(text, m, DataType.FLOAT32), t5);
            SafetensorsWriter.write(dir.resolve("text_encoder/model.safetensors"), text.recorded(m));
        }
    }

    private static void copy(String resource, Path target) throws IOException {
        try (InputStream in = EmbeddedModel.class.getResourceAsStream(RESOURCES + resource)) {
            if (in == null) {
                throw new IOException("the embedded model's resource " + resource + " is missing from the build");
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(q);
            }
        }
    }
}
