package dev.longplay.models.autoencoder;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The tiled SnakeBeta kernel against the reference's formula, x + 1/beta·sin(alpha·x)², in place and not. */
class SnakeKernelTest {

    @ParameterizedTest(name = "[{0}, {1}, {2}]")
    @CsvSource({
            "2, 3, 100003",   // three tiles of 43690 samples, the last one short
            "1, 5, 7",        // one tile
            "1, 300000, 2"})  // more rows than a tile holds: one sample per tile
    void equalsTheFormula(int batch, int channels, int length) {
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            NDArray x = m.randomNormal(0, 4, new Shape(batch, channels, length), ai.djl.ndarray.types.DataType.FLOAT32);
            NDArray alpha = m.randomUniform(0.3f, 3f, new Shape(1, channels, 1));
            NDArray inverseBeta = m.randomUniform(0.2f, 2f, new Shape(1, channels, 1));
            NDArray s = x.mul(alpha).sin();
            NDArray expected = s.mul(s).mul(inverseBeta).add(x);
            NDArray before = x.duplicate();

            NDArray out = SnakeKernel.apply(x, alpha, inverseBeta.sqrt(), false);
            assertClose(expected, out);
            assertEquals(0f, x.sub(before).abs().max().getFloat(), "out of place leaves x as it was");

            NDArray same = SnakeKernel.apply(x, alpha, inverseBeta.sqrt(), true);
            assertSame(x, same);
            assertClose(expected, x);
        }
    }

    private static void assertClose(NDArray expected, NDArray got) {
        // a few ulps of the larger of the two terms
        float err = got.sub(expected).abs().div(expected.abs().add(1f)).max().getFloat();
        assertTrue(err < 2e-6f, "relative error " + err);
    }
}
