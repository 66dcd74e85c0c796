package dev.longplay.models.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Invented weights start where PyTorch's initialisation would. */
class SyntheticTensorsTest {

    @Test
    void aWeightNormedKernelStartsAsItsDirectionTensor() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            SyntheticTensors source = new SyntheticTensors(5, true);
            NDArray folded = new StateDict(source, m, DataType.FLOAT32).scope("conv").takeWeightNormed("weight", 8, 16, 7);
            // torch.nn.utils.weight_norm sets g = ||v|| per output channel, so g·v/||v|| is v itself
            NDArray v = source.load(m, "conv.weight_v", new long[] {8, 16, 7}, DataType.FLOAT32);
            assertArrayEquals(v.toFloatArray(), folded.toFloatArray(), 1e-6f);
            // and v is PyTorch's uniform ±1/sqrt(fan_in): each kernel's norm is near sqrt(1/3), not one
            float[] g = source.load(m, "conv.weight_g", new long[] {8, 1, 1}, DataType.FLOAT32).toFloatArray();
            double mean = 0;
            for (float gain : g) {
                assertEquals(Math.sqrt(1.0 / 3), gain, 0.12);
                mean += gain / g.length;
            }
            assertEquals(Math.sqrt(1.0 / 3), mean, 0.05);
        }
    }

    @Test
    void theEmbeddedDefaultsUnitGainsAreKept() {
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            SyntheticTensors source = new SyntheticTensors(5);
            new StateDict(source, m, DataType.FLOAT32).scope("conv").takeWeightNormed("weight", 8, 16, 7);
            for (float gain : source.load(m, "conv.weight_g", new long[] {8, 1, 1}, DataType.FLOAT32).toFloatArray()) {
                assertEquals(1f, gain, 0f);
            }
        }
    }
}
