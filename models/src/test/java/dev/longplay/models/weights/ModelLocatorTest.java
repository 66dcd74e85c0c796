package dev.longplay.models.weights;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelLocatorTest {

    private static Path fakeModel(Path dir) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("model_config.json"), "{}");
        Files.write(dir.resolve("model.safetensors"), new byte[16]);
        return dir;
    }

    @Test
    void findsHuggingFaceSnapshotThroughRefsMain(@TempDir Path hub) throws Exception {
        Path repo = hub.resolve("models--stabilityai--stable-audio-open-1.0");
        fakeModel(repo.resolve("snapshots/aaaaaaa1"));
        Path wanted = fakeModel(repo.resolve("snapshots/bbbbbbb2"));
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), "bbbbbbb2\n");
        ModelFiles files = new ModelLocator(hub).locate("stabilityai/stable-audio-open-1.0");
        assertEquals(wanted, files.dir());
        assertEquals(wanted.resolve("model.safetensors"), files.checkpoint());
    }

    @Test
    void folderPathWins(@TempDir Path tmp) throws Exception {
        Path dir = fakeModel(tmp.resolve("m"));
        assertEquals(dir, new ModelLocator(tmp.resolve("nohub")).locate(dir.toString()).dir());
    }

    @Test
    void missingModelSaysWhereItLookedAndHowToPullIt(@TempDir Path hub) {
        CheckpointException e = assertThrows(CheckpointException.class,
                () -> new ModelLocator(hub).locate("stabilityai/stable-audio-open-small"));
        assertTrue(e.getMessage().contains("models--stabilityai--stable-audio-open-small"), e.getMessage());
        assertTrue(e.getMessage().contains("longplay pull stabilityai/stable-audio-open-small"), e.getMessage());
    }

    @Test
    void aRevisionPicksItsOwnSnapshot(@TempDir Path hub) throws Exception {
        Path repo = hub.resolve("models--org--m");
        String a = "a".repeat(40);
        String b = "b".repeat(40);
        Path snapA = fakeModel(repo.resolve("snapshots").resolve(a));
        Path snapB = fakeModel(repo.resolve("snapshots").resolve(b));
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), b);
        Files.writeString(repo.resolve("refs/v1"), a);
        ModelLocator locator = new ModelLocator(hub);
        assertEquals(snapB, locator.locate("org/m").dir());
        assertEquals(snapA, locator.locate("org/m@v1").dir());
        assertEquals(snapA, locator.locate("org/m@" + a).dir());
        CheckpointException e = assertThrows(CheckpointException.class, () -> locator.locate("org/m@v2"));
        assertTrue(e.getMessage().contains("longplay pull org/m@v2"), e.getMessage());
    }

    @Test
    void missingFilesAreNamed(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("m"));
        CheckpointException noConfig = assertThrows(CheckpointException.class, () -> ModelFiles.in(dir));
        assertTrue(noConfig.getMessage().contains("model_config.json"), noConfig.getMessage());
        Files.writeString(dir.resolve("model_config.json"), "{}");
        CheckpointException noWeights = assertThrows(CheckpointException.class, () -> ModelFiles.in(dir));
        assertTrue(noWeights.getMessage().contains("model.safetensors"), noWeights.getMessage());
        assertTrue(noWeights.getMessage().contains("model.ckpt"), "the pickle is named as the alternative");
        Files.write(dir.resolve("model.ckpt"), new byte[4]);
        assertEquals(dir.resolve("model.ckpt"), ModelFiles.in(dir).checkpoint(), "model.ckpt when no safetensors");
        Files.write(dir.resolve("model.safetensors"), new byte[4]);
        assertEquals(dir.resolve("model.safetensors"), ModelFiles.in(dir).checkpoint(), "safetensors first");
    }

    @Test
    void rejectsTraversalIds(@TempDir Path hub) {
        assertThrows(CheckpointException.class, () -> new ModelLocator(hub).locate("../etc"));
        assertThrows(CheckpointException.class, () -> new ModelLocator(hub).locate("a/../../b"));
    }

    @Test
    void hubCacheFollowsHuggingFaceEnvironment() {
        assertEquals(Path.of("/x/hub"), ModelLocator.hubCacheFrom(Map.of("HF_HOME", "/x")));
        assertEquals(Path.of("/y"), ModelLocator.hubCacheFrom(Map.of("HF_HUB_CACHE", "/y", "HF_HOME", "/x")));
        assertEquals(Path.of("/c/huggingface/hub"), ModelLocator.hubCacheFrom(Map.of("XDG_CACHE_HOME", "/c")));
    }
}
