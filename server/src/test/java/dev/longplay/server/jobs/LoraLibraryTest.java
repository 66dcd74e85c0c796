package dev.longplay.server.jobs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Adapters are named by file name in the LoRA folder only: nothing outside it can be reached through a name. */
class LoraLibraryTest {

    @Test
    void listsAndResolvesAdaptersByName(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("loras"));
        Files.write(dir.resolve("tape.safetensors"), new byte[10]);
        Files.write(dir.resolve("notes.txt"), new byte[3]);
        LoraLibrary lib = new LoraLibrary(dir);
        assertEquals(List.of(new LoraLibrary.Entry("tape.safetensors", 10)), lib.list());
        LoraChoice c = lib.resolve("tape", 0.5);
        assertEquals("tape.safetensors", c.name());
        assertEquals(dir.resolve("tape.safetensors").toAbsolutePath(), c.file());
        assertEquals(c, lib.resolve("tape.safetensors", 0.5));
        assertEquals(List.of(), new LoraLibrary(tmp.resolve("absent")).list(), "no folder, no adapters");
    }

    @Test
    void namesThatLeaveTheFolderOrDoNotExistAreRefused(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("loras"));
        Path outside = Files.write(tmp.resolve("secret.safetensors"), new byte[4]);
        Files.createSymbolicLink(dir.resolve("link.safetensors"), outside);
        LoraLibrary lib = new LoraLibrary(dir);
        for (String bad : List.of("../secret", "../secret.safetensors", "/etc/passwd", "a/b", ".hidden", "link", "missing")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lib.resolve(bad, 1.0), bad);
            assertTrue(e.getMessage().startsWith("loras:"), e.getMessage());
        }
        assertEquals(List.of(), lib.list(), "a link is not listed either");
    }

    @Test
    void strengthIsBounded(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("loras"));
        Files.write(dir.resolve("a.safetensors"), new byte[1]);
        LoraLibrary lib = new LoraLibrary(dir);
        assertThrows(IllegalArgumentException.class, () -> lib.resolve("a", 9.0));
        assertThrows(IllegalArgumentException.class, () -> lib.resolve("a", Double.NaN));
        assertEquals(-1.0, lib.resolve("a", -1.0).strength());
    }
}
