package dev.longplay.server.presets;

import dev.longplay.server.requests.JobSpec;
import dev.longplay.server.requests.JobSpecResolver;
import dev.longplay.server.jobs.Mode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PresetCatalogTest {

    @Test
    void builtInPresetsAreValidAndCoverTheCategories(@TempDir Path user) throws Exception {
        PresetCatalog c = PresetCatalog.load(user);
        assertTrue(c.all().size() >= 8);
        for (String category : new String[]{"drums", "pads", "bass", "risers", "sfx", "one-shots"}) {
            assertTrue(c.all().stream().anyMatch(p -> p.category().equals(category)), category);
        }
        assertTrue(c.problems().isEmpty());
    }

    @Test
    void userPresetsAreValidatedWithClearErrors(@TempDir Path user) throws Exception {
        write(user, "good", "{\"name\":\"good\",\"description\":\"d\",\"category\":\"pads\",\"mode\":\"text\",\"prompt\":\"soft {prompt}\",\"seconds\":5}");
        write(user, "drum-loop", "{\"name\":\"drum-loop\",\"description\":\"mine\",\"category\":\"drums\",\"mode\":\"loop\",\"prompt\":\"my drums\",\"bpm\":90,\"bars\":2}");
        write(user, "typo", "{\"name\":\"typo\",\"description\":\"d\",\"category\":\"pads\",\"mode\":\"text\",\"prompt\":\"x\",\"secnds\":5}");
        write(user, "badplaceholder", "{\"name\":\"badplaceholder\",\"description\":\"d\",\"category\":\"pads\",\"mode\":\"text\",\"prompt\":\"{key} pad\",\"seconds\":5}");
        write(user, "wrongname", "{\"name\":\"other\",\"description\":\"d\",\"category\":\"pads\",\"mode\":\"text\",\"prompt\":\"x\",\"seconds\":5}");
        write(user, "broken", "{\"name\":");
        write(user, "steps", "{\"name\":\"steps\",\"description\":\"d\",\"category\":\"pads\",\"mode\":\"text\",\"prompt\":\"x\",\"seconds\":5,\"steps\":0}");
        Path outside = Files.writeString(user.getParent().resolve("outside-preset.json"),
                "{\"name\":\"escape\",\"description\":\"d\",\"category\":\"pads\",\"mode\":\"text\",\"prompt\":\"x\",\"seconds\":5}");
        Files.createSymbolicLink(user.resolve("escape.json"), outside);

        PresetCatalog c = PresetCatalog.load(user);
        assertTrue(c.get("good").isPresent());
        assertEquals("mine", c.get("drum-loop").orElseThrow().description(), "a user preset replaces the built-in one");
        assertTrue(c.get("escape").isEmpty(), "a link out of the user folder is not followed");
        assertProblem(c, "typo.json", "unknown field \"secnds\"");
        assertProblem(c, "badplaceholder.json", "unknown placeholder {key}");
        assertProblem(c, "wrongname.json", "must match the file name");
        assertProblem(c, "broken.json", "line 1");
        assertProblem(c, "steps.json", "steps must be in");
        assertProblem(c, "escape.json", "outside");
    }

    @Test
    void templatesAreFilledAndLoopLengthsDerived(@TempDir Path user) throws Exception {
        PresetCatalog c = PresetCatalog.load(user);
        JobSpecResolver r = new JobSpecResolver(c, null, null, null);
        var req = r.resolve(JobSpec.builder().preset("bass-line").bpm(100.0).bars(8).build());
        assertEquals(Mode.LOOP, req.mode());
        assertEquals(60.0 / 100 * 4 * 8, req.seconds(), 1e-9);
        assertTrue(req.prompt().startsWith("bass line loop, 100 BPM, 8 bars"), req.prompt());
        assertEquals("riser", r.resolve(JobSpec.builder().mode("preset").preset("riser").prompt("dark").build()).preset());
        assertThrows(IllegalArgumentException.class,
                () -> r.resolve(JobSpec.builder().preset("drum-loop").seconds(3.0).build()));
    }

    private static void assertProblem(PresetCatalog c, String file, String text) {
        assertTrue(c.problems().stream().anyMatch(p -> p.file().equals(file) && p.message().contains(text)), file + ": " + c.problems());
    }

    private static void write(Path dir, String name, String json) throws Exception {
        Files.writeString(dir.resolve(name + ".json"), json, StandardCharsets.UTF_8);
    }
}
