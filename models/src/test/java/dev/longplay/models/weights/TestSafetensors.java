package dev.longplay.models.weights;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes small safetensors files for tests, byte by byte, so a test can also write broken ones. */
public final class TestSafetensors {

    /** One tensor: dtype name as the format spells it, shape, raw little-endian bytes. */
    public record Tensor(String dtype, long[] shape, byte[] data) {

        public static Tensor f32(long[] shape, float... values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : values) {
                b.putFloat(v);
            }
            return new Tensor("F32", shape, b.array());
        }

        /** A float32 tensor of the given shape filled with a deterministic ramp. */
        public static Tensor f32Ramp(long... shape) {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            float[] v = new float[(int) n];
            for (int i = 0; i < v.length; i++) {
                v[i] = 0.01f * ((i * 37) % 101 - 50);
            }
            return f32(shape, v);
        }
    }

    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    public TestSafetensors put(String name, Tensor t) {
        tensors.put(name, t);
        return this;
    }

    public TestSafetensors remove(String name) {
        tensors.remove(name);
        return this;
    }

    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /** The header object this writer would write, with consecutive data offsets. */
    public ObjectNode header() {
        ObjectNode header = JsonNodeFactory.instance.objectNode();
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", e.getValue().dtype());
            ArrayNode shape = entry.putArray("shape");
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            entry.putArray("data_offsets").add(offset).add(offset + e.getValue().data().length);
            offset += e.getValue().data().length;
        }
        return header;
    }

    public byte[] data() {
        int size = tensors.values().stream().mapToInt(t -> t.data().length).sum();
        ByteBuffer b = ByteBuffer.allocate(size);
        tensors.values().forEach(t -> b.put(t.data()));
        return b.array();
    }

    public Path write(Path file) throws IOException {
        return write(file, header().toString().getBytes(StandardCharsets.UTF_8), data());
    }

    /** Writes a file from a given header text and data section, valid or not. */
    public static Path write(Path file, byte[] header, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(header.length).put(header).put(data);
        Files.write(file, b.array());
        return file;
    }

    /** Reads every tensor of an existing file, so a test can copy a checkpoint and alter it. */
    public static TestSafetensors copyOf(Path file) {
        TestSafetensors out = new TestSafetensors();
        try (SafetensorsFile st = SafetensorsFile.open(file)) {
            for (TensorInfo info : st.tensors().values()) {
                ByteBuffer src = st.bytes(info.name());
                byte[] bytes = new byte[src.remaining()];
                src.get(bytes);
                out.put(info.name(), new Tensor(info.dtype(), info.shape(), bytes));
            }
        }
        return out;
    }
}
