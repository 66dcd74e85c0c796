package dev.longplay.models.weights;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** A checkpoint file on disk: safetensors, or a PyTorch {@code torch.save} zip read by the restricted unpickler. */
public interface CheckpointFile extends TensorSource, AutoCloseable {

    @Override
    void close();

    /** Safetensors unless the file is a zip (PK magic): then a PyTorch checkpoint ({@code .pt}, {@code .ckpt}, {@code .bin}). */
    static CheckpointFile open(Path path) {
        byte[] magic = new byte[2];
        try (InputStream in = Files.newInputStream(path)) {
            if (in.readNBytes(magic, 0, 2) == 2 && magic[0] == 'P' && magic[1] == 'K') {
                return TorchCheckpoint.open(path);
            }
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + path + ": " + e.getMessage(), e);
        }
        return SafetensorsFile.open(path);
    }
}
