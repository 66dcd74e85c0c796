package dev.longplay.models.sa3;

import dev.longplay.models.pipeline.GeneratedAudio;
import dev.longplay.models.pipeline.GenerationListener;
import dev.longplay.models.pipeline.GenerationParams;
import dev.longplay.models.weights.CheckpointException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three SA3 modes end to end on a tiny SA3-shaped model with a test-only linear codec in place of SAME (whose
 * round trip is near exact, so the tests see the DiT's effect alone); {@link Sa3SamePipelineTest} runs the same
 * tests on the model with a real SAME autoencoder.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class Sa3PipelineTest {

    Sa3Pipeline pipeline;

    /** The pipeline under test, built in {@code dir}. */
    Sa3Pipeline open(Path dir) throws Exception {
        return TinySa3Model.load(TinySa3Model.write(dir));
    }

    @BeforeAll
    void load(@TempDir Path tmp) throws Exception {
        pipeline = open(tmp.resolve("tiny"));
    }

    @AfterAll
    void close() {
        pipeline.close();
    }

    static GenerationParams params(String prompt, double seconds, long seed, GenerationParams.InitAudio init,
                                           Double noise, List<GenerationParams.TimeSpan> keep) {
        return GenerationParams.builder().prompt(prompt).seconds(seconds).seed(seed).init(init).initNoiseLevel(noise)
                .keep(keep).build();
    }

    /**
     * The least RMS difference that counts as "this input reached the output". Runs are bit-exact (checked
     * above), so any difference at all shows the path; the floor guards against rounding-level leaks.
     */
    double effectFloor() {
        return 1e-5;
    }

    /** How much closer to the init's round trip audio-to-audio at noise 0.02 must be than at noise 1 (correlation). */
    double initMargin() {
        return 0.3;
    }

    /** The init clip of the audio-to-audio and inpainting tests. */
    float[][] initClip(double seconds, int rate) {
        return tone(seconds, rate);
    }

    static float[][] tone(double seconds, int rate) {
        int n = (int) (seconds * rate);
        float[][] a = new float[2][n];
        for (int i = 0; i < n; i++) {
            a[0][i] = (float) (0.5 * Math.sin(2 * Math.PI * 220 * i / rate));
            a[1][i] = (float) (0.5 * Math.sin(2 * Math.PI * 330 * i / rate));
        }
        return a;
    }

    static double rms(float[][] a, int from, int to) {
        double s = 0;
        for (float[] ch : a) {
            for (int i = from; i < to; i++) {
                s += ch[i] * ch[i];
            }
        }
        return Math.sqrt(s / (a.length * (double) (to - from)));
    }

    static double diff(float[][] a, float[][] b, int from, int to) {
        double s = 0;
        for (int c = 0; c < a.length; c++) {
            for (int i = from; i < to; i++) {
                s += (a[c][i] - b[c][i]) * (a[c][i] - b[c][i]);
            }
        }
        return Math.sqrt(s / (a.length * (double) (to - from)));
    }

    private static float[][] minus(float[][] a, float[][] b) {
        float[][] out = new float[a.length][];
        for (int c = 0; c < a.length; c++) {
            out[c] = new float[b[c].length];
            for (int i = 0; i < out[c].length; i++) {
                out[c][i] = a[c][i] - b[c][i];
            }
        }
        return out;
    }

    private static double corr(float[][] a, float[][] b, int n) {
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int c = 0; c < a.length; c++) {
            for (int i = 0; i < n; i++) {
                ab += a[c][i] * b[c][i];
                aa += a[c][i] * a[c][i];
                bb += b[c][i] * b[c][i];
            }
        }
        return ab / Math.sqrt(aa * bb + 1e-30);
    }

    @Test
    void textToAudioIsSeededCutToDurationAndFollowsThePrompt() {
        GeneratedAudio a = pipeline.generate(params("warm ambient pad", 1.5, 7, null, null, null), GenerationListener.NONE);
        GeneratedAudio b = pipeline.generate(params("warm ambient pad", 1.5, 7, null, null, null), GenerationListener.NONE);
        GeneratedAudio c = pipeline.generate(params("warm ambient pad", 1.5, 8, null, null, null), GenerationListener.NONE);
        GeneratedAudio d = pipeline.generate(params("fast kick snare", 1.5, 7, null, null, null), GenerationListener.NONE);
        assertEquals(2, a.samples().length);
        assertEquals((int) Math.round(1.5 * 44100), a.frames());
        assertArrayEquals(a.samples()[0], b.samples()[0]);
        int n = a.frames();
        assertTrue(rms(a.samples(), 0, n) > 1e-4, "silent output");
        assertTrue(diff(a.samples(), c.samples(), 0, n) > 1e-4, "seed ignored");
        // the tiny model's prompt effect is small (250 of 256 tokens are padding) but, runs being bit-exact, any
        // difference at all shows the prompt reaches the DiT
        assertTrue(diff(a.samples(), d.samples(), 0, n) > 0, "prompt ignored");
        for (float[] ch : a.samples()) {
            for (float v : ch) {
                assertTrue(Float.isFinite(v) && Math.abs(v) <= 1f);
            }
        }
    }

    @Test
    void audioToAudioStaysNearTheInitAtALowNoiseLevel() {
        float[][] init = initClip(1.5, 44100);
        GenerationParams.InitAudio in = new GenerationParams.InitAudio(init, 44100);
        GeneratedAudio low = pipeline.generate(params("piano", 1.5, 3, in, 0.02, null), GenerationListener.NONE);
        GeneratedAudio high = pipeline.generate(params("piano", 1.5, 3, in, 1.0, null), GenerationListener.NONE);
        GeneratedAudio plain = pipeline.generate(params("piano", 1.5, 3, null, null, null), GenerationListener.NONE);
        // what the codec makes of the init audio alone: the target a low noise level should stay close to; measured
        // from what the decoder gives for zero latents, which every output shares (a random SAME's is most of it)
        float[][] roundTrip;
        int n = low.frames();
        float[][] shared = new float[2][n];
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            int latents = pipeline.latentFrames(1.5);
            int frames = latents * 4096;
            float[] flat = new float[2 * frames];
            for (int c = 0; c < 2; c++) {
                System.arraycopy(init[c], 0, flat, c * frames, init[c].length);
            }
            float[] out = pipeline.codec().decode(pipeline.codec().encode(m.create(flat, new ai.djl.ndarray.types.Shape(1, 2, frames))))
                    .clip(-1f, 1f).toFloatArray();
            float[] zero = pipeline.codec().decode(m.zeros(new ai.djl.ndarray.types.Shape(1, 8, latents))).clip(-1f, 1f).toFloatArray();
            roundTrip = new float[2][n];
            for (int c = 0; c < 2; c++) {
                System.arraycopy(out, c * frames, roundTrip[c], 0, n);
                System.arraycopy(zero, c * frames, shared[c], 0, n);
            }
        }
        double near = corr(minus(low.samples(), shared), minus(roundTrip, shared), n);
        double far = corr(minus(high.samples(), shared), minus(roundTrip, shared), n);
        System.out.println("a2a correlation with the init: noise 0.02 -> " + near + ", noise 1 -> " + far);
        assertTrue(near > 0.5 && near > far + initMargin(), "low noise level " + near + " vs full noise " + far);
        assertEquals(0.0, diff(high.samples(), plain.samples(), 0, n), 1e-6, "noise level 1 ignores the init audio, as the reference");
    }

    @Test
    void inpaintingAndContinuationConditionOnTheKeptAudio() {
        float[][] init = initClip(1.0, 44100);
        GenerationParams.InitAudio in = new GenerationParams.InitAudio(init, 44100);
        GenerationParams.InitAudio silent = new GenerationParams.InitAudio(new float[2][44100], 44100);
        List<GenerationParams.TimeSpan> keep = List.of(new GenerationParams.TimeSpan(0, 1.0));
        GeneratedAudio cont = pipeline.generate(params("bass", 2.0, 11, in, null, keep), GenerationListener.NONE);
        GeneratedAudio contSilent = pipeline.generate(params("bass", 2.0, 11, silent, null, keep), GenerationListener.NONE);
        GeneratedAudio plain = pipeline.generate(params("bass", 2.0, 11, null, null, null), GenerationListener.NONE);
        assertEquals(2 * 44100, cont.frames());
        int n = cont.frames();
        double kept = diff(cont.samples(), contSilent.samples(), 44100, n);
        double conditioned = diff(cont.samples(), plain.samples(), 0, n);
        System.out.println("continuation: rms change from the kept audio " + kept + ", from the conditioning " + conditioned);
        assertTrue(kept > effectFloor(), "kept audio does not reach the model");
        assertTrue(conditioned > effectFloor(), "inpainting conditioning ignored");
        assertFalse(Double.isNaN(rms(cont.samples(), 0, n)));
    }

    @Test
    void negativePromptSteersTheGuidedBranch() {
        GenerationParams none = GenerationParams.builder().prompt("warm pad").seconds(1.0).seed(4).steps(4)
                .cfgScale(3.0).build();
        GenerationParams neg = GenerationParams.builder().prompt("warm pad").negativePrompt("dark kick").seconds(1.0)
                .seed(4).steps(4).cfgScale(3.0).build();
        GenerationParams negNoCfg = GenerationParams.builder().prompt("warm pad").negativePrompt("dark kick")
                .seconds(1.0).seed(4).steps(4).cfgScale(1.0).build();
        GenerationParams noneNoCfg = GenerationParams.builder().prompt("warm pad").seconds(1.0).seed(4).steps(4)
                .cfgScale(1.0).build();
        float[][] a = pipeline.generate(none, GenerationListener.NONE).samples();
        float[][] b = pipeline.generate(neg, GenerationListener.NONE).samples();
        assertTrue(diff(a, b, 0, a[0].length) > 0, "negative prompt ignored under guidance");
        assertArrayEquals(pipeline.generate(noneNoCfg, GenerationListener.NONE).samples()[0],
                pipeline.generate(negNoCfg, GenerationListener.NONE).samples()[0], "cfg 1 has no unconditional branch");
    }

    @Test
    void refusesWhatItDoesNotDo() {
        assertThrows(IllegalArgumentException.class, () -> pipeline.generate(
                GenerationParams.builder().prompt("x").seconds(1).seed(1).loop(new GenerationParams.Loop(120, 1, 4))
                        .build(), GenerationListener.NONE));
        assertThrows(IllegalArgumentException.class, () -> pipeline.generate(params("x", 1000, 1, null, null, null),
                GenerationListener.NONE));
        assertThrows(IllegalArgumentException.class, () -> pipeline.generate(
                GenerationParams.builder().prompt("x").seconds(1).seed(1).sampler("dpmpp-2m").build(),
                GenerationListener.NONE));
    }

    @Test
    void aCheckpointWithoutSameIsNamed(@TempDir Path tmp) throws Exception {
        Path dir = TinySa3Model.write(tmp.resolve("nocodec"));
        CheckpointException e = assertThrows(CheckpointException.class, () -> Sa3Pipeline.load(
                dev.longplay.models.weights.ModelFiles.in(dir), "x", dev.longplay.models.sa3.same.SameAutoencoder.loader()));
        assertTrue(e.getMessage().contains("SAME"), e.getMessage());
    }
}
