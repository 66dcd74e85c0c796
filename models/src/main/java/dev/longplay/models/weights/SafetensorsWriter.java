package dev.longplay.models.weights;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes float32 tensors as a safetensors file, atomically (temp file, then rename), one tensor in memory at a time. */
public final class SafetensorsWriter {

    private SafetensorsWriter() {
    }

    /** What {@link #rewrite} does to one tensor: its new values, given its key, shape and float32 values. */
    @FunctionalInterface
    public interface TensorChange {
        float[] apply(String key, long[] shape, float[] values);
    }

    /** Rewrites {@code file} in place as float32, every tensor passed through {@code change}, keys and shapes kept. */
    public static void rewrite(Path file, TensorChange change) throws IOException {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Path rewritten = file.resolveSibling(file.getFileName() + ".rewritten");
        try (SafetensorsFile from = SafetensorsFile.open(file);
             NDManager m = NDManager.newBaseManager(Device.cpu())) {
            for (String k : from.keys()) {
                shapes.put(k, from.shape(k));
            }
            write(rewritten, shapes, k -> {
                try (NDArray a = from.load(m, k, DataType.FLOAT32)) {
                    return change.apply(k, shapes.get(k), a.toFloatArray());
                }
            });
        }
        Files.move(rewritten, file, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Writes float32 tensors given by shape, each made by {@code data} when its turn comes. */
    public static void write(Path file, Map<String, long[]> shapes, java.util.function.Function<String, float[]> data)
            throws IOException {
        ObjectNode header = JsonNodeFactory.instance.objectNode();
        long offset = 0;
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long n = 1;
            for (long d : e.getValue()) {
                n *= d;
            }
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", "F32");
            ArrayNode shape = entry.putArray("shape");
            for (long d : e.getValue()) {
                shape.add(d);
            }
            entry.putArray("data_offsets").add(offset).add(offset + n * 4);
            offset += n * 4;
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(tmp), 1 << 20)) {
            out.write(headerBytes(header));
            for (String key : shapes.keySet()) {
                float[] values = data.apply(key);
                ByteBuffer buf = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                buf.asFloatBuffer().put(values);
                out.write(buf.array());
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    // 8-byte length, then the JSON padded with spaces so the data section starts 8-byte aligned
    private static byte[] headerBytes(ObjectNode header) {
        byte[] json = header.toString().getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(padded).put(json);
        while (prefix.hasRemaining()) {
            prefix.put((byte) ' ');
        }
        return prefix.array();
    }
}
