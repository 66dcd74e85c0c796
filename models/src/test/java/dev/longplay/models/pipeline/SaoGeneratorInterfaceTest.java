package dev.longplay.models.pipeline;

import dev.longplay.models.AudioGenerators;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Stable Audio Open model (the embedded v-objective one) through the {@link AudioGenerator} interface the server
 * and CLI drive: LoRA adapters refused saying why, the sampler names as that family reads them, and its progress
 * in {@link Stage}s.
 */
class SaoGeneratorInterfaceTest {

    @TempDir
    static Path cache;
    static AudioGenerator model;

    @BeforeAll
    static void load() {
        model = AudioGenerators.load(EmbeddedModel.ensure(cache), EmbeddedModel.ID);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static GenerationParams params(String sampler, GenerationParams.InitAudio init) {
        return GenerationParams.builder().prompt("soft pad").seconds(0.3).seed(5).steps(2).cfgScale(3.0).sampler(sampler)
                .init(init).build();
    }

    @Test
    void loraAdaptersAreRefusedClearlyThroughTheInterface() {
        List<LoraSpec> one = List.of(new LoraSpec(Path.of("warm.safetensors"), 1.0));
        for (AudioGenerator g : List.of(model, new LongFormGenerator(model))) {
            assertFalse(g.supportsLoras());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.setLoras(one));
            assertTrue(e.getMessage().contains("Stable Audio 3 models only") && e.getMessage().contains(EmbeddedModel.ID),
                    e.getMessage());
            g.setLoras(List.of()); // none asked: nothing to refuse
            assertEquals(List.of(), g.loras());
        }
    }

    @Test
    void eulerMeansKDiffusionEulerOnThisFamily() {
        float[] alias = model.generate(params("euler", null), GenerationListener.NONE).samples()[0];
        assertArrayEquals(model.generate(params("k-euler", null), GenerationListener.NONE).samples()[0], alias);
        assertFalse(java.util.Arrays.equals(model.generate(params("dpmpp-2m", null), GenerationListener.NONE)
                .samples()[0], alias), "another sampler, other audio");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> model.generate(params("rf-euler", null), GenerationListener.NONE));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> model.generate(params("ddim", null), GenerationListener.NONE));
        assertTrue(e.getMessage().contains("unknown sampler 'ddim'"), e.getMessage());
    }

    @Test
    void progressReportsConditioningThenEncodingThenSamplingThenDecoding() {
        assertEquals(List.of(Stage.CONDITIONING, Stage.SAMPLING, Stage.DECODING), stages(params(null, null)));
        GenerationParams.InitAudio init = new GenerationParams.InitAudio(new float[2][(int) (0.3 * 44100)], 44100);
        assertEquals(List.of(Stage.CONDITIONING, Stage.ENCODING, Stage.SAMPLING, Stage.DECODING),
                stages(params(null, init)));
    }

    // the stages in the order first reported
    private static List<Stage> stages(GenerationParams p) {
        List<Stage> seen = new ArrayList<>();
        model.generate(p, new GenerationListener() {
            @Override
            public void onProgress(Stage stage, int step, int total) {
                if (seen.isEmpty() || seen.get(seen.size() - 1) != stage) {
                    seen.add(stage);
                }
            }
        });
        return seen;
    }
}
