package dev.longplay.models.pipeline;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longplay.models.conditioning.Conditioning;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.diffusion.ModelFunction;
import dev.longplay.models.transformer.DiffusionTransformer;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.SafetensorsWriter;
import dev.longplay.models.weights.StateDict;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A DiT config with the reference's {@code use_sinusoidal_emb} loads with its one learnt scale
 * ({@code transformer.pos_emb.scale}, starting at dim^-1/2) and otherwise the same weights; at scale zero the DiT
 * predicts what the same weights without the option do, and at its initial scale something else. (Where the table
 * goes is checked against the reference by the golden cases sat_dit_sinusoidal_*.)
 *
 * <p>The models are compared one DiT call at a time within float32 rounding, not bit for bit through a whole
 * generation. Weights are used where they lie in the memory-mapped safetensors file, and the scale's 4 bytes move
 * every tensor stored after it (the DiT's blocks, the conditioners' projections) by 4 bytes. libtorch's CPU
 * matrix-vector kernel, which a projection of one row runs (a seconds conditioner's at batch 1), can sum in
 * another order when its weight's 16-byte alignment changes (at offsets of 4, 8 or 12 bytes the result moves by
 * an ulp or two; at 16 or 32 it does not); the plain model alone, re-saved with a header 8 bytes longer, changes
 * as much. Guidance at CFG 6 over the sampler's steps and the decoder amplify that to about 1e-2 in the audio, by
 * an amount that depends on which kernels the CPU gets.
 */
class SinusoidalPositionsModelTest {

    private static final String SCALE_KEY = "model.model.transformer.pos_emb.scale";
    private static final int FRAMES = 32;
    private static final int TOKENS = 8;

    /**
     * Float32 carries 24 bits (unit roundoff 2^-24, about 6e-8). Summed in another order, the call's sums (at most
     * 4·embed_dim = 256 terms, through two blocks) differ by a few ulps of their largest terms, some 1e-7 to 1e-6
     * of the output (a batch-1 projection at another alignment: 2 ulps; this call at the test's two layouts: none).
     * 1e-5 of the output's largest magnitude leaves a tenfold margin over that, while the table at the initial
     * scale moves the output by about a tenth of its magnitude (10^4 times this bound), and a scale that is 1e-4
     * instead of zero still moves it by several times this bound.
     */
    private static final float RELATIVE_TOLERANCE = 1e-5f;

    @Test
    void theScaledTableIsAddedToTheSequenceAndNothingElseChanges(@TempDir Path tmp) throws Exception {
        Path plain = tmp.resolve("plain");
        Path placed = tmp.resolve("placed");
        byte[] config = EmbeddedModel.resource("model_config.json");
        ObjectNode withPositions = (ObjectNode) ModelConfig.JSON.readTree(config);
        ((ObjectNode) withPositions.path("model").path("diffusion").path("config")).put("use_sinusoidal_emb", true);
        byte[] t5 = EmbeddedModel.resource("text_encoder_config.json");
        byte[] tokenizer = EmbeddedModel.resource("tokenizer.json");
        SyntheticModel.write(plain, config, t5, tokenizer, 7);
        SyntheticModel.write(placed, ModelConfig.JSON.writeValueAsBytes(withPositions), t5, tokenizer, 7);

        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, float[]> values = read(placed.resolve("model.safetensors"), shapes);
        int embedDim = withPositions.path("model").path("diffusion").path("config").path("embed_dim").asInt();
        assertArrayEquals(new float[] {(float) (1 / Math.sqrt(embedDim))}, values.get(SCALE_KEY), 1e-7f);

        // the other weights are the plain model's, bit for bit: only the one scale was added
        Map<String, float[]> plainValues = read(plain.resolve("model.safetensors"), new LinkedHashMap<>());
        assertEquals(values.size() - 1, plainValues.size());
        for (Map.Entry<String, float[]> e : plainValues.entrySet()) {
            assertArrayEquals(e.getValue(), values.get(e.getKey()), 0f, e.getKey());
        }

        float[] without = predict(plain);
        float[] initial = predict(placed);
        values.put(SCALE_KEY, new float[] {0f});
        SafetensorsWriter.write(placed.resolve("model.safetensors"), shapes, values::get);
        float[] atZero = predict(placed);

        float bound = RELATIVE_TOLERANCE * maxAbs(without);
        assertTrue(maxDiff(without, initial) > 1000 * bound,
                "positions at the initial scale change the prediction: " + maxDiff(without, initial));
        assertArrayEquals(without, atZero, bound, "at scale zero the prediction is the plain model's");
    }

    // one DiT call, unguided, on the same latents, time and conditioning for every model
    private static float[] predict(Path dir) throws Exception {
        ModelConfig cfg = ModelConfig.load(dir.resolve("model_config.json"));
        SplittableRandom rng = new SplittableRandom(11);
        int io = cfg.model().diffusion().config().path("io_channels").asInt();
        int tokenDim = cfg.model().diffusion().config().path("cond_token_dim").asInt();
        int globalDim = cfg.model().diffusion().config().path("global_cond_dim").asInt();
        try (NDManager m = NDManager.newBaseManager("PyTorch");
             SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            DiffusionTransformer dit = DiffusionTransformer.load(new StateDict(f, m, DataType.FLOAT32), cfg);
            NDArray x = m.create(gaussian(rng, io * FRAMES), new Shape(1, io, FRAMES));
            NDArray t = m.create(new float[] {0.6f}, new Shape(1));
            Conditioning cond = new Conditioning(m.create(gaussian(rng, TOKENS * tokenDim), new Shape(1, TOKENS, tokenDim)),
                    m.ones(new Shape(1, TOKENS)), m.create(gaussian(rng, globalDim), new Shape(1, globalDim)));
            ModelFunction net = dit.bind(cond, null, 1.0, m);
            return net.apply(x, t).toFloatArray();
        }
    }

    private static Map<String, float[]> read(Path file, Map<String, long[]> shapes) {
        Map<String, float[]> values = new LinkedHashMap<>();
        try (NDManager m = NDManager.newBaseManager("PyTorch"); SafetensorsFile f = SafetensorsFile.open(file)) {
            for (String k : f.keys()) {
                try (NDArray a = f.load(m, k, (DataType) null)) {
                    shapes.put(k, a.getShape().getShape());
                    values.put(k, a.toFloatArray());
                }
            }
        }
        return values;
    }

    private static float[] gaussian(SplittableRandom rng, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            // Box–Muller: a normal sample from two uniforms
            v[i] = (float) (Math.sqrt(-2 * Math.log(1 - rng.nextDouble())) * Math.cos(2 * Math.PI * rng.nextDouble()));
        }
        return v;
    }

    private static float maxAbs(float[] a) {
        float max = 0;
        for (float v : a) {
            max = Math.max(max, Math.abs(v));
        }
        return max;
    }

    private static float maxDiff(float[] a, float[] b) {
        float max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
