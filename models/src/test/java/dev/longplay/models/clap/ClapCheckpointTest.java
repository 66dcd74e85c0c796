package dev.longplay.models.clap;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.longplay.models.golden.GoldenCase;
import dev.longplay.models.golden.GoldenDirs;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.SafetensorsWriter;
import dev.longplay.models.weights.StateDict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** CLAP folders in laion_clap's key layout, and the errors for folders Longplay cannot load. */
class ClapCheckpointTest {

    private static final Path CASE = GoldenDirs.projectDir().resolve("models/src/test/resources/golden/clap_text_features");

    @Test
    void laionKeysGiveTheGoldenTextEmbedding(@TempDir Path dir) throws IOException {
        // the golden HF folder renamed to laion_clap's keys, as torch.save of a DataParallel model names them
        Map<String, long[]> shapes = new LinkedHashMap<>();
        Map<String, float[]> values = new LinkedHashMap<>();
        try (SafetensorsFile hf = SafetensorsFile.open(CASE.resolve("clap/model.safetensors"));
             NDManager m = NDManager.newBaseManager()) {
            for (String key : hf.keys()) {
                if (!key.startsWith("text_") || key.endsWith("_ids")) {
                    continue;
                }
                String laion = "module." + key.replace("text_model.", "text_branch.")
                        .replace("text_projection.linear1", "text_projection.0")
                        .replace("text_projection.linear2", "text_projection.2");
                shapes.put(laion, hf.shape(key));
                values.put(laion, hf.load(m, key, DataType.FLOAT32).toFloatArray());
            }
        }
        SafetensorsWriter.write(dir.resolve("clap.safetensors"), shapes, values::get);
        Files.copy(CASE.resolve("clap/config.json"), dir.resolve("config.json"));
        Files.copy(CASE.resolve("clap/tokenizer.json"), dir.resolve("tokenizer.json"));

        GoldenCase gc = GoldenCase.open(CASE);
        List<String> prompts = List.of(gc.spec().path("prompts").get(0).asText(), gc.spec().path("prompts").get(3).asText());
        try (NDManager m = NDManager.newBaseManager();
             ClapCheckpoint clap = ClapCheckpoint.open(dir, null)) {
            assertEquals("module.text_branch", clap.textKeys().encoder());
            ClapTextEncoder enc = ClapTextEncoder.load(new StateDict(clap.file(), m.newSubManager(), DataType.FLOAT32),
                    clap.textKeys(), clap.textConfig());
            NDArray ref = gc.outputs(m).get("text_embeds");
            NDArray ids = gc.outputs(m).get("input_ids");
            NDArray mask = gc.outputs(m).get("attention_mask");
            long[][] idRows = {row(ids, 0), row(ids, 3)};
            long[][] maskRows = {row(mask, 0), row(mask, 3)};
            NDArray out = enc.embedding(idRows, maskRows, m);
            float err = Math.max(out.get(0).sub(ref.get(0)).abs().max().getFloat(),
                    out.get(1).sub(ref.get(3)).abs().max().getFloat());
            assertTrue(err < 1e-5, "max error " + err + " for prompts " + prompts);
            enc.close();
        }
    }

    /** laion's released format: a torch.save zip (here of the same weights), read without Python. */
    @Test
    void aLaionPtCheckpointLoadsAsItIs(@TempDir Path dir) throws IOException {
        Files.copy(GoldenDirs.projectDir().resolve("models/src/test/resources/torch/clap-laion.pt"),
                dir.resolve("630k-audioset-best.pt"));
        Files.copy(CASE.resolve("clap/config.json"), dir.resolve("config.json")); // a tiny branch: roberta's sizes do not apply
        Files.copy(CASE.resolve("clap/tokenizer.json"), dir.resolve("tokenizer.json"));
        GoldenCase gc = GoldenCase.open(CASE);
        try (NDManager m = NDManager.newBaseManager();
             ClapCheckpoint clap = ClapCheckpoint.open(dir, null)) {
            assertEquals("module.text_branch", clap.textKeys().encoder());
            ClapTextEncoder enc = ClapTextEncoder.load(new StateDict(clap.file(), m.newSubManager(), DataType.FLOAT32),
                    clap.textKeys(), clap.textConfig());
            NDArray ref = gc.outputs(m).get("text_embeds");
            NDArray ids = gc.outputs(m).get("input_ids");
            NDArray mask = gc.outputs(m).get("attention_mask");
            NDArray out = enc.embedding(new long[][]{row(ids, 1)}, new long[][]{row(mask, 1)}, m);
            float err = out.get(0).sub(ref.get(1)).abs().max().getFloat();
            assertTrue(err < 1e-5, "max error " + err);
            enc.close();
        }
    }

    @Test
    void missingFolderAndTokenizerAreNamed(@TempDir Path dir) throws IOException {
        assertThrows(CheckpointException.class, () -> ClapCheckpoint.open(dir.resolve("nope"), null));
        Files.copy(CASE.resolve("clap/model.safetensors"), dir.resolve("model.safetensors"));
        Files.copy(CASE.resolve("clap/config.json"), dir.resolve("config.json"));
        try (ClapCheckpoint clap = ClapCheckpoint.open(dir, null)) {
            CheckpointException e = assertThrows(CheckpointException.class, clap::tokenizer);
            assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
        }
    }

    private static long[] row(NDArray a, int i) {
        float[] f = a.get(i).toFloatArray();
        long[] out = new long[f.length];
        for (int j = 0; j < f.length; j++) {
            out[j] = Math.round(f[j]);
        }
        return out;
    }
}
