package dev.longplay.models.sa3;

import dev.longplay.models.pipeline.GeneratedAudio;
import dev.longplay.models.pipeline.GenerationListener;
import dev.longplay.models.pipeline.GenerationParams;
import dev.longplay.models.pipeline.LoraSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * LoRA adapters swapped at run time on a loaded pipeline: the sa3_dit_lora golden case's files (whose numbers the
 * golden test checks against the reference) fit the tiny model's DiT.
 */
class Sa3LoraPipelineTest {

    private static final Path LORAS = Path.of("src/test/resources/golden/sa3_dit_lora");

    private static float[] render(Sa3Pipeline p) {
        GeneratedAudio a = p.generate(GenerationParams.text("dark synth", 1.0, 21), GenerationListener.NONE);
        return a.samples()[0];
    }

    @Test
    void strengthsStackingOrderAndRemoval(@TempDir Path tmp) throws Exception {
        try (Sa3Pipeline p = TinySa3Model.load(TinySa3Model.write(tmp.resolve("m")))) {
            Path l0 = LORAS.resolve("lora_0.safetensors");
            Path l1 = LORAS.resolve("lora_1.safetensors");
            float[] plain = render(p);
            p.setLoras(List.of(new LoraSpec(l0, 1.0)));
            float[] withLora = render(p);
            assertFalse(Arrays.equals(plain, withLora), "the adapter changed nothing");
            p.setLoras(List.of(new LoraSpec(l0, 0.0), new LoraSpec(l1, 0.0)));
            assertTrue(Arrays.equals(plain, render(p)), "strength 0 must leave the model as it is");
            p.setLoras(List.of(new LoraSpec(l0, 0.7), new LoraSpec(l1, 1.3)));
            float[] forward = render(p);
            p.setLoras(List.of(new LoraSpec(l1, 1.3), new LoraSpec(l0, 0.7)));
            assertFalse(Arrays.equals(forward, render(p)), "DoRA renormalises earlier adapters: order matters");
            assertEquals(List.of("lora_1.safetensors@1.3", "lora_0.safetensors@0.7"), p.loras());
            p.setLoras(List.of());
            assertTrue(Arrays.equals(plain, render(p)), "removing the adapters restores the checkpoint");
        }
    }
}
