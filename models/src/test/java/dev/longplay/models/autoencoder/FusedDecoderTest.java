package dev.longplay.models.autoencoder;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.nn.Conv1d;
import dev.longplay.models.nn.ConvTranspose1d;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fused, channels-last decoder against the op-by-op one on random decoders of every kind the config allows
 * (transposed or nearest upsampling, Snake or ELU, final tanh), at batch sizes and lengths whose tiles do not divide
 * evenly (700 frames at batch 2 give the last stage's Snake three tiles, the last one short). The golden {@code vae_decode} case checks the fused decoder against the reference as well.
 */
class FusedDecoderTest {

    @ParameterizedTest(name = "nearest={0} snake={1} tanh={2} batch={3} frames={4}")
    @CsvSource({
            "false, true, false, 1, 37",
            "false, true, true, 2, 700",
            "true, true, false, 1, 23",
            "false, false, false, 3, 9",
            "true, false, true, 2, 1"})
    void fusedEqualsOpByOp(boolean nearest, boolean snake, boolean tanh, int batch, int frames) {
        OobleckConfig cfg = new OobleckConfig(2, 16, 8, List.of(1, 2, 4), List.of(2, 3, 4), snake, nearest, tanh);
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(11);
            OobleckDecoder fused = randomDecoder(cfg, m);
            assertNotNull(fused.fused(), "a float32 CPU decoder runs fused by default");
            NDArray z = m.randomNormal(new Shape(batch, cfg.latentDim(), frames));
            NDArray zBefore = z.duplicate();
            NDArray expected = fused.opByOp().forward(z);
            NDArray got = fused.forward(z);
            assertArrayEquals(expected.getShape().getShape(), got.getShape().getShape());
            double scale = expected.abs().max().getFloat();
            double err = got.sub(expected).abs().max().getFloat() / scale;
            assertTrue(err < 2e-5, "fused vs op by op: relative error " + err);
            assertEquals(0f, z.sub(zBefore).abs().max().getFloat(), "the latents are left as they were");
        }
    }

    @Test
    void trainedWeightsKeepTheOpByOpDecoder() {
        OobleckConfig cfg = new OobleckConfig(2, 8, 4, List.of(1, 2), List.of(2, 2), true, false, false);
        try (NDManager m = NDManager.newBaseManager()) {
            OobleckDecoder d = randomDecoder(cfg, m);
            d.stem().weight().setRequiresGradient(true);
            assertEquals("its weights are being trained", FusedOobleckDecoder.unsupported(d));
            assertNull(FusedOobleckDecoder.build(d, m));
            OobleckDecoder wide = randomDecoder(cfg, m, DataType.FLOAT64);
            assertNull(wide.fused());
            assertTrue(FusedOobleckDecoder.unsupported(wide).contains("not float32"));
        }
    }

    static OobleckDecoder randomDecoder(OobleckConfig cfg, NDManager m) {
        return randomDecoder(cfg, m, DataType.FLOAT32);
    }

    private static OobleckDecoder randomDecoder(OobleckConfig cfg, NDManager m, DataType type) {
        int depth = cfg.depth();
        List<DecoderBlock> blocks = new ArrayList<>();
        for (int level = depth; level >= 1; level--) {
            long in = cfg.channelsAt(level);
            long out = cfg.channelsAt(level - 1);
            int s = cfg.strides().get(level - 1);
            Upsampler up = cfg.useNearestUpsample()
                    ? new NearestUpsample(new Conv1d(weight(m, out, in, 2 * s, type), null, 1, 0, 1), s)
                    : new TransposedUpsample(new ConvTranspose1d(weight(m, in, out, 2 * s, type), bias(m, out, type), s,
                    (s + 1) / 2));
            List<ResidualUnit> units = new ArrayList<>();
            for (int dilation : ResidualUnit.BLOCK_DILATIONS) {
                units.add(new ResidualUnit(act(cfg, m, out), new Conv1d(weight(m, out, out, 7, type), bias(m, out, type),
                        1, 3 * dilation, dilation), act(cfg, m, out), new Conv1d(weight(m, out, out, 1, type),
                        bias(m, out, type), 1, 0, 1)));
            }
            blocks.add(new DecoderBlock(act(cfg, m, in), up, List.copyOf(units), s));
        }
        long top = cfg.channelsAt(depth);
        return new OobleckDecoder(cfg, new Conv1d(weight(m, top, cfg.latentDim(), 7, type), bias(m, top, type), 1, 3, 1),
                List.copyOf(blocks), act(cfg, m, cfg.channelsAt(0)),
                new Conv1d(weight(m, cfg.ioChannels(), cfg.channelsAt(0), 7, type), null, 1, 3, 1));
    }

    private static NDArray weight(NDManager m, long a, long b, long k, DataType type) {
        return m.randomNormal(0, (float) (0.5 / Math.sqrt(b * k)), new Shape(a, b, k), DataType.FLOAT32).toType(type, false);
    }

    private static NDArray bias(NDManager m, long n, DataType type) {
        return m.randomNormal(0, 0.1f, new Shape(n), DataType.FLOAT32).toType(type, false);
    }

    private static ChannelActivation act(OobleckConfig cfg, NDManager m, long channels) {
        if (!cfg.useSnake()) {
            return ChannelActivation.Elu.INSTANCE;
        }
        // alpha and 1/beta spread over the range trained checkpoints hold
        NDArray alpha = m.randomUniform(0.3f, 3f, new Shape(1, channels, 1));
        NDArray inverseBeta = m.randomUniform(0.2f, 2f, new Shape(1, channels, 1));
        return new SnakeBeta(alpha, inverseBeta);
    }
}
