package dev.longplay.models.pipeline;

import dev.longplay.models.CheckpointSummary;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.ModelFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A model folder that ships only {@code model.ckpt} (torch.save of the state dict, as the SAO repos ship beside
 * the safetensors) loads through the restricted unpickler and generates exactly what the safetensors folder does.
 * The ckpt was written by torch itself from the embedded model's weights (tools/golden/make_model_ckpt.py).
 */
class ModelCkptFolderTest {

    @TempDir
    static Path cache;

    @Test
    void aCkptOnlyFolderGeneratesWhatTheSafetensorsFolderDoes(@TempDir Path tmp) throws Exception {
        ModelFiles embedded = EmbeddedModel.ensure(cache);
        Path dir = copyWithoutWeights(embedded.dir(), tmp.resolve("ckpt-only"));
        try (InputStream in = getClass().getResourceAsStream("/torch/tiny-model.ckpt")) {
            Files.copy(in, dir.resolve("model.ckpt"));
        }
        ModelFiles files = ModelFiles.in(dir);
        assertEquals(dir.resolve("model.ckpt"), files.checkpoint());
        assertEquals(CheckpointSummary.read(embedded).components(), CheckpointSummary.read(files).components(),
                "info counts the same parameters from either file");

        GenerationParams p = GenerationParams.builder().prompt("warm pad").negativePrompt("").seconds(0.5).seed(11)
                .steps(2).cfgScale(6.0).build();
        float[][] fromSafetensors;
        try (StableAudioPipeline a = StableAudioPipeline.load(embedded, "st")) {
            fromSafetensors = a.generate(p, GenerationListener.NONE).samples();
        }
        try (StableAudioPipeline b = StableAudioPipeline.load(files, "ckpt")) {
            float[][] fromCkpt = b.generate(p, GenerationListener.NONE).samples();
            for (int c = 0; c < fromCkpt.length; c++) {
                assertArrayEquals(fromSafetensors[c], fromCkpt[c], "channel " + c);
            }
        }
    }

    @Test
    void aBrokenCkptIsNamedInTheError(@TempDir Path tmp) throws Exception {
        Path dir = copyWithoutWeights(EmbeddedModel.ensure(cache).dir(), tmp.resolve("broken"));
        Files.write(dir.resolve("model.ckpt"), new byte[]{'P', 'K', 3, 4, 0, 0});
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> StableAudioPipeline.load(ModelFiles.in(dir), "broken"));
        assertTrue(e.getMessage().contains("model.ckpt"), e.getMessage());
    }

    private static Path copyWithoutWeights(Path from, Path to) throws Exception {
        return ModelFolderCopy.copy(from, to, "model.safetensors");
    }
}
