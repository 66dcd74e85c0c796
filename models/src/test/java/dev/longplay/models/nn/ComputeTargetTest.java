package dev.longplay.models.nn;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ComputeTargetTest {

    @Test
    void autoTakesTheFirstGpuWhenThereIsOneAndTheCpuOtherwise() {
        assertEquals(Device.gpu(0), ComputeTarget.resolve("auto", "fp32", 2).device());
        assertEquals(Device.cpu(), ComputeTarget.resolve("auto", "fp32", 0).device());
        assertEquals(Device.cpu(), ComputeTarget.resolve(null, null, 0).device());
    }

    @Test
    void cudaNamesAGpuThatMustExist() {
        assertEquals(Device.gpu(1), ComputeTarget.resolve("cuda:1", "fp16", 2).device());
        assertEquals(Device.gpu(0), ComputeTarget.resolve("CUDA", "fp16", 1).device());
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> ComputeTarget.resolve("cuda", "fp32", 0));
        assertTrue(none.getMessage().contains("sees no CUDA GPU"), none.getMessage());
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> ComputeTarget.resolve("cuda:2", "fp32", 2));
        assertTrue(missing.getMessage().contains("cuda:0..cuda:1"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ComputeTarget.resolve("tpu", "fp32", 1));
    }

    @Test
    void precisionNamesAreParsedAndBf16WaitsForAJniThatHasIt() {
        assertEquals(DataType.FLOAT16, ComputeTarget.resolve("cpu", "fp16", 0).precision());
        assertEquals(DataType.FLOAT32, ComputeTarget.resolve("cpu", "fp32", 0).precision());
        assertThrows(IllegalArgumentException.class, () -> ComputeTarget.resolve("cpu", "fp8", 0));
        String before = System.getProperty(ComputeTarget.BF16_PROPERTY);
        try {
            System.clearProperty(ComputeTarget.BF16_PROPERTY);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ComputeTarget.resolve("cpu", "bf16", 0));
            assertTrue(e.getMessage().contains("tools/gpu/run.sh"), e.getMessage());
            System.setProperty(ComputeTarget.BF16_PROPERTY, "true");
            assertEquals(DataType.BFLOAT16, ComputeTarget.resolve("cpu", "bf16", 0).precision());
        } finally {
            if (before == null) {
                System.clearProperty(ComputeTarget.BF16_PROPERTY);
            } else {
                System.setProperty(ComputeTarget.BF16_PROPERTY, before);
            }
        }
    }

    @Test
    void describesItselfAsTheCommandLineSpellsIt() {
        assertEquals("cuda:1/fp16", new ComputeTarget(Device.gpu(1), DataType.FLOAT16).describe());
        assertEquals("cpu/fp32", ComputeTarget.CPU.describe());
    }

    @Test
    void int8IsTheCpusFloat32WithQuantisedDitLinears() {
        ComputeTarget t = ComputeTarget.resolve("cpu", "int8", 0);
        assertEquals(DataType.FLOAT32, t.precision());
        assertTrue(t.int8Dit());
        assertEquals("cpu/int8", t.describe());
        assertTrue(!t.isReduced(), "int8 loads float32 weights");
        assertEquals(Device.cpu(), ComputeTarget.resolve("auto", "INT8", 2).device());
        IllegalArgumentException gpu = assertThrows(IllegalArgumentException.class,
                () -> ComputeTarget.resolve("cuda", "int8", 1));
        assertTrue(gpu.getMessage().contains("runs on the CPU"), gpu.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ComputeTarget(Device.cpu(), DataType.FLOAT16, true));
        assertTrue(!ComputeTarget.resolve("cpu", "fp32", 0).int8Dit());
    }
}
