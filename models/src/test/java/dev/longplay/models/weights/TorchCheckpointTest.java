package dev.longplay.models.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.longplay.models.golden.GoldenDirs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The restricted unpickler against torch.save itself (tools/golden/make_torch_checkpoint.py): every tensor of a
 * laion-shaped checkpoint — strided views, offsets into shared storage, float16, bfloat16, int64, a Parameter — equals
 * what torch wrote densely beside it, and the optimizer's state and other objects are skipped, not run.
 */
class TorchCheckpointTest {

    static final Path DIR = GoldenDirs.projectDir().resolve("models/src/test/resources/torch");

    @Test
    void readsEveryTensorAsTorchWroteIt() {
        try (CheckpointFile pt = CheckpointFile.open(DIR.resolve("clap-laion.pt"));
             SafetensorsFile dense = SafetensorsFile.open(DIR.resolve("clap-laion-extra.safetensors"));
             SafetensorsFile hf = SafetensorsFile.open(GoldenDirs.projectDir()
                     .resolve("models/src/test/resources/golden/clap_text_features/clap/model.safetensors"));
             NDManager m = NDManager.newBaseManager()) {
            assertTrue(pt instanceof TorchCheckpoint, "a zip is read as a PyTorch checkpoint");
            for (String key : dense.keys()) {
                assertArrayEquals(dense.shape(key), pt.shape(key), key);
                NDArray want = dense.load(m, key, null, null);
                NDArray got = pt.load(m, key, null, null);
                assertEquals(want.getDataType(), got.getDataType(), key);
                assertTrue(want.contentEquals(got), key + ": " + Arrays.toString(got.toType(DataType.FLOAT64, false).toDoubleArray()));
            }
            NDArray word = pt.load(m, "module.text_branch.embeddings.word_embeddings.weight", null, DataType.FLOAT32);
            assertTrue(word.contentEquals(hf.load(m, "text_model.embeddings.word_embeddings.weight", null, DataType.FLOAT32)));
            assertTrue(pt.keys().stream().noneMatch(k -> k.contains("exp_avg") || k.equals("epoch")), "only the state dict");
        }
    }

    @Test
    void badFilesAreNamed(@TempDir Path dir) throws IOException {
        Path junk = Files.write(dir.resolve("junk.pt"), new byte[]{'P', 'K', 3, 4, 0, 0});
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointFile.open(junk));
        assertTrue(e.getMessage().contains("junk.pt"), e.getMessage());
        Path legacy = Files.write(dir.resolve("legacy.pt"), new byte[]{(byte) 0x80, 2, 'K', 1, '.'});
        e = assertThrows(CheckpointException.class, () -> CheckpointFile.open(legacy));
        assertTrue(e.getMessage().contains("legacy.pt"), e.getMessage());
    }
}
