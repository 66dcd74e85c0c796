package dev.longplay.models.autoencoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.golden.GoldenCase;
import dev.longplay.models.golden.GoldenDirs;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.StateDict;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Chunked decoding equals the whole decode (a consistency check beside the golden cases), on the golden
 * vae_decode model with a latent longer than its case.
 */
class ChunkedDecoderTest {

    private static NDManager manager;
    private static AudioAutoencoder ae;

    @BeforeAll
    static void load() {
        Path dir = GoldenDirs.ownCase("vae_decode");
        assertTrue(Files.isDirectory(dir), "golden case " + dir + " is missing");
        GoldenCase gc = GoldenCase.open(dir);
        manager = NDManager.newBaseManager();
        try (SafetensorsFile file = SafetensorsFile.open(gc.modelFile())) {
            ae = AudioAutoencoder.load(new StateDict(file, manager, DataType.FLOAT32), gc.modelConfig());
        }
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static NDArray latents(NDManager m, long frames) {
        ai.djl.engine.Engine.getInstance().setRandomSeed(7);
        return m.randomNormal(new Shape(1, ae.latentDim(), frames));
    }

    private static double relativeError(NDArray out, NDArray ref) {
        return out.sub(ref).abs().max().getFloat() / ref.abs().max().getFloat();
    }

    @Test
    void chunkedEqualsWholeDecode() {
        try (NDManager m = manager.newSubManager()) {
            NDArray z = latents(m, 300);
            NDArray whole = ae.decode(z);
            assertEquals(new Shape(1, 2, 300L * ae.downsamplingRatio()), whole.getShape());
            // windows with 64-frame cores: 5 of them (equal cores of 60), with interior edges on both sides
            NDArray chunked = ae.decodeInWindows(z, 64 + 2 * ae.decoder().receptiveRadiusLatents());
            assertEquals(whole.getShape(), chunked.getShape());
            double err = relativeError(chunked, whole);
            assertTrue(err <= 1e-4, "chunked vs whole relative error " + err);
        }
    }

    @Test
    void windowsAreAsFewAsTheBoundAllowsAndStillEqualTheWholeDecode() {
        try (NDManager m = manager.newSubManager()) {
            NDArray z = latents(m, 300);
            NDArray whole = ae.decode(z);
            int context = ae.decoder().receptiveRadiusLatents();
            // the clip fits one window: the very same single pass
            assertArrayEquals(whole.toFloatArray(), ae.decodeInWindows(z, 300).toFloatArray(), 0f);
            // one frame short of fitting: two windows, equal cores, the same audio within rounding
            NDArray two = ae.decodeInWindows(z, 299);
            assertEquals(whole.getShape(), two.getShape());
            assertTrue(relativeError(two, whole) <= 1e-4, "two windows vs whole " + relativeError(two, whole));
            // many small windows with interior edges on both sides
            NDArray many = ae.decodeInWindows(z, 2 * context + 40);
            assertTrue(relativeError(many, whole) <= 1e-4, "small windows vs whole " + relativeError(many, whole));
            assertThrows(IllegalArgumentException.class, () -> ae.decodeInWindows(z, 2 * context));
        }
    }

    @Test
    void tooLittleContextIsVisible() {
        // guards the test above against passing trivially: without context, the chunk edges differ
        try (NDManager m = manager.newSubManager()) {
            NDArray z = latents(m, 300);
            NDArray whole = ae.decode(z);
            NDArray cut = new ChunkedDecoder(ae.decoder(), 64, 0).decode(z);
            assertTrue(relativeError(cut, whole) > 1e-3);
        }
    }

    @Test
    void receptiveRadiusBoundsTheInfluenceOfALatentFrame() {
        try (NDManager m = manager.newSubManager()) {
            long frames = 80;
            int k = 40;
            NDArray z = latents(m, frames);
            NDArray bumped = z.duplicate();
            bumped.set(new ai.djl.ndarray.index.NDIndex(":, :, " + k), 3f);
            // diff: [T * ratio], the largest change over channels at each sample
            NDArray diff = ae.decode(bumped).sub(ae.decode(z)).abs().reshape(-1, frames * ae.downsamplingRatio()).max(new int[]{0});
            int radius = ae.decoder().receptiveRadiusLatents();
            long ratio = ae.downsamplingRatio();
            float[] d = diff.toFloatArray();
            for (int n = 0; n < d.length; n++) {
                boolean near = n >= (k - radius) * ratio && n < (k + 1 + radius) * ratio;
                if (!near) {
                    assertEquals(0f, d[n], "sample " + n + " changed, outside radius " + radius);
                }
            }
            assertTrue(d[(int) (k * ratio)] > 0);
        }
    }
}
