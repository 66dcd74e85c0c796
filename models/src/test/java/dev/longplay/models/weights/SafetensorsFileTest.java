package dev.longplay.models.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every way a safetensors file can be broken fails at open with a message naming the problem and the file. */
class SafetensorsFileTest {

    @TempDir
    Path dir;

    private static TestSafetensors twoTensors() {
        return new TestSafetensors()
                .put("a.weight", TestSafetensors.Tensor.f32(new long[]{2, 3}, 1, 2, 3, 4, 5, 6))
                .put("a.bias", TestSafetensors.Tensor.f32(new long[]{2}, -1, 1));
    }

    private static String openError(Path file) {
        return assertThrows(CheckpointException.class, () -> SafetensorsFile.open(file).close()).getMessage();
    }

    @Test
    void readsAValidFile() throws IOException {
        Path file = twoTensors().write(dir.resolve("ok.safetensors"));
        try (SafetensorsFile st = SafetensorsFile.open(file); NDManager m = NDManager.newBaseManager()) {
            assertEquals(2, st.tensors().size());
            NDArray w = st.load(m, "a.weight", DataType.FLOAT32);
            assertArrayEquals(new long[]{2, 3}, w.getShape().getShape());
            assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6}, w.toFloatArray());
        }
    }

    @Test
    void missingFile() {
        Path file = dir.resolve("absent.safetensors");
        String msg = openError(file);
        assertTrue(msg.contains("missing file") && msg.contains(file.toString()), msg);
    }

    @Test
    void fileShorterThanTheLengthPrefix() throws IOException {
        Path file = Files.write(dir.resolve("short.safetensors"), new byte[]{1, 2, 3});
        String msg = openError(file);
        assertTrue(msg.contains("truncated") && msg.contains(file.toString()), msg);
    }

    @Test
    void truncatedData() throws IOException {
        Path file = twoTensors().write(dir.resolve("t.safetensors"));
        byte[] all = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(all, all.length - 4));
        String msg = openError(file);
        assertTrue(msg.contains("a.bias") && msg.contains("outside the data section"), msg);
    }

    @Test
    void headerLengthBeyondFile() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(8 + 4).order(ByteOrder.LITTLE_ENDIAN).putLong(1000).putInt(0);
        Path file = Files.write(dir.resolve("h.safetensors"), b.array());
        String msg = openError(file);
        assertTrue(msg.contains("header length 1000"), msg);
    }

    @Test
    void headerIsNotJson() throws IOException {
        Path file = TestSafetensors.write(dir.resolve("j.safetensors"),
                "{not json".getBytes(StandardCharsets.UTF_8), new byte[0]);
        String msg = openError(file);
        assertTrue(msg.contains("not JSON"), msg);
        Path array = TestSafetensors.write(dir.resolve("k.safetensors"),
                "[1, 2]".getBytes(StandardCharsets.UTF_8), new byte[0]);
        assertTrue(openError(array).contains("not a JSON object"));
    }

    @Test
    void offsetsOutsideData() throws IOException {
        TestSafetensors st = twoTensors();
        var header = st.header();
        ((com.fasterxml.jackson.databind.node.ObjectNode) header.get("a.bias")).putArray("data_offsets").add(24).add(40);
        Path file = TestSafetensors.write(dir.resolve("o.safetensors"),
                header.toString().getBytes(StandardCharsets.UTF_8), st.data());
        String msg = openError(file);
        assertTrue(msg.contains("a.bias") && msg.contains("[24, 40]"), msg);
    }

    @Test
    void byteCountDisagreesWithDtypeAndShape() throws IOException {
        TestSafetensors st = new TestSafetensors()
                .put("w", new TestSafetensors.Tensor("F32", new long[]{3}, new byte[8]));
        Path file = st.write(dir.resolve("b.safetensors"));
        String msg = openError(file);
        assertTrue(msg.contains("'w'") && msg.contains("holds 8 bytes") && msg.contains("need 12"), msg);
        Path f16 = new TestSafetensors().put("w", new TestSafetensors.Tensor("F16", new long[]{3}, new byte[12]))
                .write(dir.resolve("c.safetensors"));
        assertTrue(openError(f16).contains("need 6"));
    }

    @Test
    void unsupportedDtype() throws IOException {
        Path file = new TestSafetensors().put("w", new TestSafetensors.Tensor("F8_E4M3", new long[]{2}, new byte[2]))
                .write(dir.resolve("d.safetensors"));
        assertTrue(openError(file).contains("unsupported dtype F8_E4M3"));
    }

    @Test
    void halfPrecisionConvertsToFloat32() throws IOException {
        float[] values = {0f, 1f, -2.5f, 0.333251953125f, 65504f, 1.52587890625e-05f};
        // fp16 bit patterns of the values above (exactly representable in fp16)
        short[] f16 = {0x0000, 0x3C00, (short) 0xC100, 0x3555, 0x7BFF, 0x0100};
        // bf16 is the upper half of the fp32 bits; these values survive that truncation exactly but 0.3332...
        float[] bfValues = {0f, 1f, -2.5f, 0.33203125f, 65280f, 1.52587890625e-05f};
        ByteBuffer h = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer bf = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < values.length; i++) {
            h.putShort(f16[i]);
            bf.putShort((short) (Float.floatToIntBits(bfValues[i]) >>> 16));
        }
        Path file = new TestSafetensors()
                .put("half", new TestSafetensors.Tensor("F16", new long[]{2, 3}, h.array()))
                .put("brain", new TestSafetensors.Tensor("BF16", new long[]{2, 3}, bf.array()))
                .write(dir.resolve("h.safetensors"));
        try (SafetensorsFile st = SafetensorsFile.open(file); NDManager m = NDManager.newBaseManager()) {
            NDArray half = st.load(m, "half", DataType.FLOAT32);
            NDArray brain = st.load(m, "brain", DataType.FLOAT32);
            assertEquals(DataType.FLOAT32, half.getDataType());
            assertEquals(DataType.FLOAT32, brain.getDataType());
            assertArrayEquals(values, half.toFloatArray());
            assertArrayEquals(bfValues, brain.toFloatArray());
        }
    }
}
