package dev.longplay.models.sa3;

import dev.longplay.models.AudioGenerators;
import dev.longplay.models.CheckpointSummary;
import dev.longplay.models.weights.ModelFiles;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.TensorInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code longplay info} on an SA3 folder laid out as on Hugging Face. */
class Sa3InfoTest {

    @Test
    void describesTheFolder(@TempDir Path tmp) throws Exception {
        Path dir = TinySa3Model.write(tmp.resolve("m"));
        ModelFiles files = ModelFiles.in(dir);
        assertTrue(AudioGenerators.isSa3(files));
        CheckpointSummary info = CheckpointSummary.read(files);
        assertEquals(44100, info.sampleRate());
        assertEquals(4096, info.downsamplingRatio());
        assertEquals(8, info.latentChannels());
        assertEquals(5292032.0 / 44100 - 6, info.maxSeconds(), 1e-9);
        long dit;
        long t5;
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            dit = f.tensors().values().stream().filter(t -> t.name().startsWith("model.")).mapToLong(TensorInfo::elementCount).sum();
        }
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("t5gemma-b-b-ul2/model.safetensors"))) {
            t5 = f.tensors().values().stream().mapToLong(TensorInfo::elementCount).sum();
        }
        assertEquals(dit, info.components().get(1).parameters());
        assertEquals(t5 + 48 * 40 + 48 + 48, info.components().get(2).parameters());  // + proj_out and padding embedding
        String text = info.describe();
        assertTrue(text.contains("t5gemma (t5gemma-b-b-ul2/, encoder only, tokenizer.json)")
                && text.contains("SA3 DiT 2 x 64, 1 heads"), text);
    }

    @Test
    void describesTheSameAutoencoderOfAFullCheckpoint(@TempDir Path tmp) throws Exception {
        Path dir = TinySa3Model.writeWithSame(tmp.resolve("m"));
        CheckpointSummary info = CheckpointSummary.read(ModelFiles.in(dir));
        long same;
        try (SafetensorsFile f = SafetensorsFile.open(dir.resolve("model.safetensors"))) {
            same = f.tensors().values().stream().filter(t -> t.name().startsWith("pretransform.")).mapToLong(TensorInfo::elementCount).sum();
        }
        assertTrue(same > 0);
        CheckpointSummary.Component ae = info.components().get(0);
        assertEquals("autoencoder", ae.name());
        assertEquals(same, ae.parameters());
        assertEquals("SAME, 1 level x 2 blocks, width 8, 32-latent chunks (midpoint shift), 8 latents at 4096x", ae.type());
        java.nio.file.Files.delete(dir.resolve("t5gemma-b-b-ul2/tokenizer.json"));
        assertTrue(CheckpointSummary.read(ModelFiles.in(dir)).describe().contains("no tokenizer.json"));
    }
}
