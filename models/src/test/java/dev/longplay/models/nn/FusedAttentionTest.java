package dev.longplay.models.nn;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import dev.longplay.models.diffusion.SeededNoise;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused path (torch's scaled_dot_product_attention through the TorchScript module written by
 * {@link SdpaArchive}) against the blocked matmul path, both against attention computed in float64; and the
 * fallback to the blocked path when the module cannot be loaded.
 */
class FusedAttentionTest {

    // {B, H, N, M, Dh}: self-attention, cross-attention with a short context, odd and single-token lengths
    private static final int[][] SHAPES = {{2, 2, 37, 37, 32}, {2, 3, 37, 5, 16}, {1, 4, 1, 129, 64}, {3, 1, 65, 7, 8}};

    private static float maxDiff(NDArray a, NDArray b) {
        return (float) a.toType(DataType.FLOAT64, false).sub(b.toType(DataType.FLOAT64, false)).abs().max().getDouble();
    }

    private static NDArray[] qkv(NDManager m, int[] s, int seed, DataType type) {
        NDArray q = SeededNoise.stream(seed, 1).next(m, new Shape(s[0], s[1], s[2], s[4])).mul(2);
        NDArray k = SeededNoise.stream(seed, 2).next(m, new Shape(s[0], s[1], s[3], s[4])).mul(2);
        NDArray v = SeededNoise.stream(seed, 3).next(m, new Shape(s[0], s[1], s[3], s[4]));
        return new NDArray[]{q.toType(type, false), k.toType(type, false), v.toType(type, false)};
    }

    // attention in float64 on the (already rounded) inputs: the reference both paths are held to
    private static NDArray exact(NDArray[] t) {
        NDArray q = t[0].toType(DataType.FLOAT64, false);
        NDArray k = t[1].toType(DataType.FLOAT64, false);
        NDArray v = t[2].toType(DataType.FLOAT64, false);
        double scale = 1.0 / Math.sqrt(q.getShape().get(3));
        return q.mul(scale).matMul(k.transpose(0, 1, 3, 2)).softmax(3).matMul(v);
    }

    @Test
    void fusedAndBlockedAgreeInFloat32() {
        FusedAttention fused = new FusedAttention(SdpaArchive::bytes);
        try (NDManager m = NDManager.newBaseManager()) {
            for (int[] s : SHAPES) {
                NDArray[] t = qkv(m, s, s[2] + s[3], DataType.FLOAT32);
                assertTrue(fused.works(t[0], t[1], t[2]), "module loads: " + fused.unavailableReason());
                NDArray viaFused = fused.compute(t[0], t[1], t[2]);
                // a score budget of 3 query rows: several blocks, the last one short
                NDArray viaBlocked = BlockedAttention.attend(t[0], t[1], t[2], 3L * s[0] * s[1] * s[3]);
                NDArray ref = exact(t);
                assertArrayEquals(new long[]{s[0], s[1], s[2], s[4]}, viaFused.getShape().getShape());
                assertEquals(DataType.FLOAT32, viaFused.getDataType());
                assertTrue(ref.abs().max().getDouble() > 0.1, "a real, non-zero attention output");
                assertTrue(maxDiff(viaFused, ref) < 5e-6f, "fused " + maxDiff(viaFused, ref) + " for " + s[2] + "x" + s[3]);
                assertTrue(maxDiff(viaBlocked, ref) < 5e-6f, "blocked " + maxDiff(viaBlocked, ref));
            }
        }
    }

    /**
     * Half types: float16, and bfloat16, which DJL 0.36 cannot make or name (its arrays report UNKNOWN; the test makes
     * them with a TorchScript cast). Outputs reach ≈ 3.6 here, where one bfloat16 step is 2⁻⁶ and one float16 step
     * 2⁻⁹: bfloat16 results must lie within 0.02 of float64 attention on the same rounded inputs (seen: 0.008 on both
     * paths, the output's own rounding; both accumulate in float32), float16 within 0.01 (seen: fused 0.001, blocked
     * 0.005, whose scores and softmax are float16).
     */
    @Test
    void fusedAndBlockedAgreeInHalfTypes() {
        FusedAttention fused = new FusedAttention(SdpaArchive::bytes);
        try (NDManager m = NDManager.newBaseManager(); PtSymbolBlock toBf16 = castModule(m, 15)) {
            for (String type : List.of("bfloat16", "float16")) {
                float tolerance = type.equals("bfloat16") ? 0.02f : 0.01f;
                for (int[] s : SHAPES) {
                    NDArray[] t = qkv(m, s, 7 * s[2] + s[3], DataType.FLOAT32);
                    for (int i = 0; i < 3; i++) {
                        t[i] = type.equals("bfloat16") ? cast(toBf16, t[i]) : t[i].toType(DataType.FLOAT16, false);
                    }
                    assertTrue(fused.works(t[0], t[1], t[2]), type + " runs fused: " + fused.unavailableReason());
                    NDArray viaFused = fused.compute(t[0], t[1], t[2]);
                    NDArray viaBlocked = BlockedAttention.attend(t[0], t[1], t[2], 3L * s[0] * s[1] * s[3]);
                    NDArray ref = exact(t);
                    assertTrue(sameType(viaFused, t[0]) && sameType(viaBlocked, t[0]), "results in " + type);
                    assertTrue(maxDiff(viaFused, ref) < tolerance, "fused " + type + " " + maxDiff(viaFused, ref));
                    assertTrue(maxDiff(viaBlocked, ref) < tolerance, "blocked " + type + " " + maxDiff(viaBlocked, ref));
                }
            }
        }
    }

    // the type by its bits: a bfloat16 value widens to a float32 whose low 16 bits are zero, and DJL names the rest
    private static boolean sameType(NDArray a, NDArray like) {
        if (like.getDataType() != DataType.UNKNOWN) {
            return a.getDataType() == like.getDataType();
        }
        boolean bf16 = a.getDataType() == DataType.UNKNOWN;
        for (float f : a.toType(DataType.FLOAT32, false).toFloatArray()) {
            bf16 &= (Float.floatToRawIntBits(f) & 0xFFFF) == 0;
        }
        return bf16;
    }

    // a TorchScript module (through the archive writer under test) casting its first input to a libtorch ScalarType
    // (serialized TorchScript names types by number: 15 is bfloat16)
    private static PtSymbolBlock castModule(NDManager m, int scalarType) {
        byte[] archive = SdpaArchive.withSource(SdpaArchive.SOURCE.replace(
                "torch.scaled_dot_product_attention(q, k, v)", "q.to(" + scalarType + ")"));
        try {
            return JniUtils.loadModule((PtNDManager) m, new ByteArrayInputStream(archive), true, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static NDArray cast(PtSymbolBlock module, NDArray x) {
        return IValueUtils.forward(module, new NDList(x, x, x), true).singletonOrThrow();
    }

    /** Training runs attention under autograd: the fused kernel's gradients must be attention's. */
    @Test
    void fusedGradientsEqualBlockedGradients() {
        FusedAttention fused = new FusedAttention(SdpaArchive::bytes);
        try (NDManager m = NDManager.newBaseManager()) {
            int[] s = SHAPES[1];
            NDArray[] plain = qkv(m, s, 5, DataType.FLOAT32);
            assertTrue(fused.works(plain[0], plain[1], plain[2]));
            NDArray[] viaFused = gradients(m, s, t -> fused.compute(t[0], t[1], t[2]));
            NDArray[] viaBlocked = gradients(m, s, t -> BlockedAttention.attend(t[0], t[1], t[2], 1L << 20));
            for (int i = 0; i < 3; i++) {
                assertTrue(viaBlocked[i].abs().max().getFloat() > 1e-3f, "a real gradient for input " + i);
                assertTrue(maxDiff(viaFused[i], viaBlocked[i]) < 1e-5f, "gradient " + i + ": " + maxDiff(viaFused[i], viaBlocked[i]));
            }
        }
    }

    private static NDArray[] gradients(NDManager m, int[] s, java.util.function.Function<NDArray[], NDArray> attention) {
        NDArray[] t = qkv(m, s, 5, DataType.FLOAT32);
        NDArray weights = SeededNoise.stream(5, 4).next(m, new Shape(s[0], s[1], s[2], s[4]));
        for (NDArray a : t) {
            a.setRequiresGradient(true);
        }
        try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
            gc.backward(attention.apply(t).mul(weights).sum());
        }
        return new NDArray[]{t[0].getGradient().duplicate(), t[1].getGradient().duplicate(), t[2].getGradient().duplicate()};
    }

    @Test
    void anArchiveThatDoesNotLoadFallsBackToTheBlockedPathOnce() {
        AtomicInteger reads = new AtomicInteger();
        // a valid archive whose source names an op libtorch lacks: what a libtorch older than 2.0 sees
        FusedAttention old = new FusedAttention(() -> {
            reads.incrementAndGet();
            return SdpaArchive.withSource(SdpaArchive.SOURCE.replace("scaled_dot_product_attention", "no_such_attention"));
        });
        FusedAttention garbage = new FusedAttention(() -> new byte[]{'n', 'o', 't', ' ', 'a', ' ', 'z', 'i', 'p'});
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray[] t = qkv(m, SHAPES[0], 3, DataType.FLOAT32);
            NDArray blocked = BlockedAttention.attend(t[0], t[1], t[2], BlockedAttention.MAX_BLOCK_SCORES);
            for (FusedAttention broken : List.of(old, garbage)) {
                assertNull(broken.unavailableReason(), "not tried before first use");
                NDArray first = broken.compute(t[0], t[1], t[2]);
                NDArray second = broken.compute(t[0], t[1], t[2]);
                assertNotNull(broken.unavailableReason());
                assertFalse(broken.works(t[0], t[1], t[2]));
                assertEquals(0f, maxDiff(first, blocked), "the blocked path's result");
                assertEquals(0f, maxDiff(second, blocked));
            }
            assertTrue(old.unavailableReason().contains("no_such_attention"), old.unavailableReason());
            assertEquals(1, reads.get(), "tried (and warned about) once, not per call");
        }
    }

    @Test
    void concurrentFirstUsesLoadTheModuleOnce() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        FusedAttention fused = new FusedAttention(() -> {
            reads.incrementAndGet();
            return SdpaArchive.bytes();
        });
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray[] t = qkv(m, SHAPES[1], 9, DataType.FLOAT32);
            NDArray ref = exact(t);
            List<Future<Float>> diffs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                diffs.add(pool.submit(() -> {
                    try (NDManager local = m.newSubManager()) {
                        return maxDiff(fused.compute(t[0], t[1], t[2]), ref);
                    }
                }));
            }
            for (Future<Float> d : diffs) {
                assertTrue(d.get() < 5e-6f);
            }
            assertEquals(1, reads.get());
            assertTrue(fused.works(t[0], t[1], t[2]));
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void theModePropertyAcceptsFusedAndBlocked() {
        assertTrue(FusedAttention.fusedSelected(null));
        assertTrue(FusedAttention.fusedSelected("fused"));
        assertFalse(FusedAttention.fusedSelected(" Blocked "));
        assertTrue(FusedAttention.fusedSelected("flash"), "an unknown value warns and keeps the default");
    }
}
