package dev.longplay.osc;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OscDocsTest {
    private static Path docsFile() {
        String root = System.getenv("LONGPLAY_PROJECT_DIR");
        Path base = root != null ? Path.of(root) : Path.of("..");
        return base.resolve("docs/osc.md");
    }

    @Test
    void committedDocsEqualTheGeneratedReference() throws Exception {
        String generated = OscDocs.generate();
        Path file = docsFile();
        if (Boolean.getBoolean("osc.docs.write")) {
            Files.createDirectories(file.getParent());
            Files.writeString(file, generated, StandardCharsets.UTF_8);
        }
        assertTrue(Files.exists(file), file + " is missing; regenerate it with -Dosc.docs.write=true");
        assertEquals(generated, Files.readString(file, StandardCharsets.UTF_8),
                "docs/osc.md is stale: mvn -q -B -pl osc test -Dtest=OscDocsTest -Dosc.docs.write=true");
    }

    @Test
    void everyCommandIsDocumented() {
        String text = OscDocs.generate();
        for (OscAddressDef def : OscAddressSpace.all()) {
            assertTrue(text.contains("### " + def.address() + "\n"), def.address());
        }
        for (OscErrorCode code : OscErrorCode.values()) {
            assertTrue(text.contains("`" + code.name() + "`"), code.name());
        }
    }
}
