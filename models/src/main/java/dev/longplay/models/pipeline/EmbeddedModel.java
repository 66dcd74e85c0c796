package dev.longplay.models.pipeline;

import dev.longplay.models.weights.ModelFiles;

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
                SyntheticModel.write(tmp, resource("model_config.json"), resource("text_encoder_config.json"),
                        resource("tokenizer.json"), SEED);
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

    static byte[] resource(String path) throws IOException {
        try (InputStream in = EmbeddedModel.class.getResourceAsStream(path.startsWith("/") ? path : RESOURCES + path)) {
            if (in == null) {
                throw new IOException("resource " + path + " is missing from the build");
            }
            return in.readAllBytes();
        }
    }

    static void deleteTree(Path p) throws IOException {
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
