package dev.longplay.models.pipeline;

import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.ModelFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A SHA-256 fingerprint of a model: its config (and {@value SamplingDefaults#FILE} where it has one), its
 * checkpoint's size, header and 64 samples of 64 KiB spread over the file. Hashing all of a 5 GB checkpoint at
 * every start would cost seconds; this tells checkpoints apart (any retrained weights change the sampled bytes)
 * and is what clip metadata records as "model hash".
 */
public final class ModelFingerprint {

    private static final int SAMPLES = 64;
    private static final int SAMPLE_BYTES = 64 * 1024;

    private ModelFingerprint() {
    }

    public static String of(ModelFiles files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(Files.readAllBytes(files.config()));
            // the folder's own sampling defaults shape every clip a request leaves settings out of
            java.nio.file.Path defaults = files.dir().resolve(SamplingDefaults.FILE);
            if (Files.isRegularFile(defaults)) {
                sha.update(Files.readAllBytes(defaults));
            }
            try (FileChannel ch = FileChannel.open(files.checkpoint(), StandardOpenOption.READ)) {
                long size = ch.size();
                sha.update(ByteBuffer.allocate(8).putLong(0, size));
                ByteBuffer buf = ByteBuffer.allocate(SAMPLE_BYTES);
                for (int i = 0; i < SAMPLES; i++) {
                    long pos = size <= SAMPLE_BYTES ? 0 : (size - SAMPLE_BYTES) * i / (SAMPLES - 1);
                    buf.clear();
                    while (buf.hasRemaining() && ch.read(buf, pos + buf.position()) > 0) {
                        // keep reading until the sample is full or the file ends
                    }
                    buf.flip();
                    sha.update(buf);
                    if (size <= SAMPLE_BYTES) {
                        break;
                    }
                }
            }
            return "sha256:" + HexFormat.of().formatHex(sha.digest()).substring(0, 32);
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + files.checkpoint() + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
