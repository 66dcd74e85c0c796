package dev.longplay.models.pipeline;

import dev.longplay.models.weights.ModelFiles;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The default model: the small model Longplay trained itself (8 kHz stereo, 2 s window; drums, bass, pads, plucks,
 * risers, sweeps and hits with tempo, key, brightness and pan), version 1.0. Its folder ships inside the jar and is
 * unpacked on first use into the model cache under {@link #ID}, so every machine names it alike (NATS routes jobs by
 * that id) and nothing is downloaded. Each start compares the unpacked files with the jar's, byte hash by byte hash,
 * and unpacks again over a folder that differs (a partial copy, an edit): the id always means these weights.
 */
public final class TrainedModel {

    public static final String ID = "longplay-small8k-1.0";
    private static final String RESOURCES = "/dev/longplay/models/trained/" + ID + "/";
    static final List<String> FILES = List.of("model_config.json", "model.safetensors", "sampling_defaults.json",
            "text_encoder/config.json", "text_encoder/model.safetensors", "tokenizer/tokenizer.json");

    private TrainedModel() {
    }

    /** The model folder under {@code cacheRoot}, unpacked (again) there first unless it holds exactly the jar's files. */
    public static synchronized ModelFiles ensure(Path cacheRoot) {
        Path dir = cacheRoot.resolve(ID);
        try {
            Map<String, byte[]> packaged = new LinkedHashMap<>();
            for (String f : FILES) {
                packaged.put(f, resource(f));
            }
            if (matches(dir, packaged)) {
                return ModelFiles.in(dir);
            }
            Files.createDirectories(cacheRoot);
            Path tmp = Files.createTempDirectory(cacheRoot, "." + ID + "-");
            try {
                for (Map.Entry<String, byte[]> e : packaged.entrySet()) {
                    Path target = tmp.resolve(e.getKey());
                    Files.createDirectories(target.getParent());
                    Files.write(target, e.getValue());
                }
                if (Files.exists(dir)) {
                    Path stale = Files.createTempDirectory(cacheRoot, "." + ID + "-stale-");
                    Files.delete(stale);
                    try {
                        Files.move(dir, stale, StandardCopyOption.ATOMIC_MOVE);
                    } catch (java.nio.file.NoSuchFileException movedByAnother) {
                        // another process is replacing it too; whichever copy lands is checked below
                    }
                    EmbeddedModel.deleteTree(stale);
                }
                try {
                    Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
                } catch (IOException raced) {
                    if (!matches(dir, packaged)) {
                        throw raced;
                    }
                }
            } finally {
                EmbeddedModel.deleteTree(tmp);
            }
            return ModelFiles.in(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the default model into " + dir, e);
        }
    }

    private static boolean matches(Path dir, Map<String, byte[]> packaged) throws IOException {
        for (Map.Entry<String, byte[]> e : packaged.entrySet()) {
            Path f = dir.resolve(e.getKey());
            if (!Files.isRegularFile(f) || Files.size(f) != e.getValue().length
                    || !Arrays.equals(sha256(Files.readAllBytes(f)), sha256(e.getValue()))) {
                return false;
            }
        }
        return true;
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = TrainedModel.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IOException("the default model's " + name + " is missing from the build (trained/ folder absent?)");
            }
            return in.readAllBytes();
        }
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
