package dev.longplay.models.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Key and shape checking through scopes, and weight-norm folding. */
class StateDictTest {

    @TempDir
    Path dir;

    private Path file() throws IOException {
        return new TestSafetensors()
                .put("block.conv.weight_g", TestSafetensors.Tensor.f32(new long[]{2, 1, 1}, 2, 3))
                .put("block.conv.weight_v", TestSafetensors.Tensor.f32(new long[]{2, 1, 2}, 3, 4, 0, -5))
                .put("block.conv.bias", TestSafetensors.Tensor.f32(new long[]{2}, 1, 2))
                .put("other.x", TestSafetensors.Tensor.f32(new long[]{1}, 0))
                .write(dir.resolve("m.safetensors"));
    }

    @Test
    void foldsWeightNormAndTracksUse() throws IOException {
        try (SafetensorsFile st = SafetensorsFile.open(file()); NDManager m = NDManager.newBaseManager()) {
            StateDict block = new StateDict(st, m, DataType.FLOAT32).scope("block");
            NDArray w = block.scope("conv").takeWeightNormed("weight", 2, 1, 2);
            // row 0: 2 * [3, 4] / 5; row 1: 3 * [0, -5] / 5
            assertArrayEquals(new float[]{1.2f, 1.6f, 0f, -3f}, w.toFloatArray(), 1e-6f);
            block.scope("conv").take("bias", 2);
            block.requireAllUsed();
        }
    }

    @Test
    void missingKeyNamesTheFullKey() throws IOException {
        try (SafetensorsFile st = SafetensorsFile.open(file()); NDManager m = NDManager.newBaseManager()) {
            StateDict sd = new StateDict(st, m, DataType.FLOAT32).scope("block").scope("norm");
            String msg = assertThrows(CheckpointException.class, () -> sd.take("weight", 2)).getMessage();
            assertTrue(msg.contains("missing key 'block.norm.weight'"), msg);
        }
    }

    @Test
    void unexpectedKeysAreListed() throws IOException {
        try (SafetensorsFile st = SafetensorsFile.open(file()); NDManager m = NDManager.newBaseManager()) {
            StateDict root = new StateDict(st, m, DataType.FLOAT32);
            StateDict block = root.scope("block");
            block.scope("conv").take("bias", 2);
            String msg = assertThrows(CheckpointException.class, block::requireAllUsed).getMessage();
            assertTrue(msg.contains("unexpected keys") && msg.contains("block.conv.weight_g")
                    && msg.contains("block.conv.weight_v") && !msg.contains("other.x"), msg);
            assertEquals(java.util.Set.of("block.conv.weight_g", "block.conv.weight_v", "other.x"), root.unusedKeys());
        }
    }

    @Test
    void shapeMismatchShowsBothShapes() throws IOException {
        try (SafetensorsFile st = SafetensorsFile.open(file()); NDManager m = NDManager.newBaseManager()) {
            StateDict conv = new StateDict(st, m, DataType.FLOAT32).scope("block.conv");
            String msg = assertThrows(CheckpointException.class, () -> conv.take("bias", 3)).getMessage();
            assertTrue(msg.contains("shape mismatch for 'block.conv.bias'") && msg.contains("[2]") && msg.contains("[3]"), msg);
            String wn = assertThrows(CheckpointException.class, () -> conv.takeWeightNormed("weight", 2, 2, 2))
                    .getMessage();
            assertTrue(wn.contains("block.conv.weight_v"), wn);
        }
    }
}
