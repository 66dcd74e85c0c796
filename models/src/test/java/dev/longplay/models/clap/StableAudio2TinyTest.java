package dev.longplay.models.clap;

import dev.longplay.models.CheckpointSummary;
import dev.longplay.models.golden.GoldenDirs;
import dev.longplay.models.pipeline.GeneratedAudio;
import dev.longplay.models.pipeline.GenerationListener;
import dev.longplay.models.pipeline.GenerationParams;
import dev.longplay.models.pipeline.StableAudioPipeline;
import dev.longplay.models.pipeline.SyntheticModel;
import dev.longplay.models.weights.ModelFiles;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.TensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model of Stable Audio 2.0's config (stable_audio_2_0.json: CLAP text features from the second-to-last layer,
 * no proj_out since the widths agree, seconds_start/seconds_total, continuous-transformer DiT, 12582912-sample
 * window) at tiny sizes with random weights loads and generates a second of audio through the pipeline.
 */
class StableAudio2TinyTest {

    // a whole CLAP folder (text and audio branches, HF layout) as text_encoder/, as laion/clap-htsat-* ships
    private static final Path CLAP = GoldenDirs.projectDir()
            .resolve("models/src/test/resources/golden/clap_audio_score/clap");

    @Test
    void generatesFromClapConditioning(@TempDir Path dir) throws IOException {
        byte[] config;
        try (InputStream in = getClass().getResourceAsStream("/clap/sa2_tiny_model_config.json")) {
            config = in.readAllBytes();
        }
        SyntheticModel.writeWithClap(dir, config, CLAP, 11);
        CheckpointSummary.Component prompt = CheckpointSummary.read(ModelFiles.in(dir)).components().stream()
                .filter(c -> c.name().equals("conditioner prompt")).findFirst().orElseThrow();
        assertEquals("clap_text", prompt.type());
        try (SafetensorsFile clap = SafetensorsFile.open(CLAP.resolve("model.safetensors"))) {
            long text = clap.tensors().values().stream().filter(t -> t.name().startsWith("text_"))
                    .mapToLong(TensorInfo::elementCount).sum();
            assertEquals(text, prompt.parameters(), "the text branch counts, the audio branch does not");
        }
        try (SafetensorsFile main = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            assertFalse(main.contains("conditioner.conditioners.prompt.proj_out.weight"),
                    "as in SA 2.0 the CLAP features are as wide as cond_dim: no proj_out");
        }
        try (StableAudioPipeline p = StableAudioPipeline.load(ModelFiles.in(dir), "sa2-tiny")) {
            assertEquals(12582912L / 44100, (long) p.config().maxSeconds(), "4 min 45 s window");
            GeneratedAudio a = p.generate(params("warm analog pad", 3), GenerationListener.NONE);
            assertEquals(44100, a.frames());
            assertEquals(2, a.samples().length);
            for (float[] ch : a.samples()) {
                for (float v : ch) {
                    assertTrue(Float.isFinite(v), "finite samples");
                }
            }
            assertTrue(rms(a.samples()[0]) > 0, "not silence");
            GeneratedAudio again = p.generate(params("warm analog pad", 3), GenerationListener.NONE);
            assertArrayEquals(a.samples()[0], again.samples()[0], "same prompt and seed, same audio");
            GeneratedAudio other = p.generate(params("dark techno kick", 3), GenerationListener.NONE);
            assertFalse(Arrays.equals(a.samples()[0], other.samples()[0]), "the CLAP prompt reaches the DiT");
        }
    }

    private static GenerationParams params(String prompt, long seed) {
        return GenerationParams.builder().prompt(prompt).seconds(1.0).seed(seed).steps(4).cfgScale(6.0).build();
    }

    private static double rms(float[] x) {
        double s = 0;
        for (float v : x) {
            s += v * v;
        }
        return Math.sqrt(s / x.length);
    }
}
