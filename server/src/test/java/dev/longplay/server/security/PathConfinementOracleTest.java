package dev.longplay.server.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Finding E: naming a path outside the allowed folders (OSC's /gen/a2a does) answered differently for files that
 * exist and files that do not, even where the caller cannot look: an existence oracle. The confinement now refuses
 * a path outside its folder before asking the file system anything, in the same words either way.
 */
class PathConfinementOracleTest {

    @TempDir
    Path root;

    @Test
    void outsidePathsGetTheSameAnswerWhetherTheyExistOrNot() throws Exception {
        PathConfinement c = new PathConfinement(root.resolve("clips"));
        Path hidden = Files.createDirectories(root.resolve("private"));
        Files.writeString(hidden.resolve("exists.wav"), "RIFF");
        Files.setPosixFilePermissions(hidden, PosixFilePermissions.fromString("rwx------"));
        String[][] pairs = {
                {hidden.resolve("exists.wav").toString(), hidden.resolve("missing.wav").toString()},
                {hidden.toString(), root.resolve("no-such-folder").toString()},
                {hidden.resolve("exists.wav").toString(), root.resolve("no-such-folder/missing.wav").toString()},
                {"/etc/passwd", "/etc/no-such-file"},
        };
        for (String[] p : pairs) {
            String existing = refusal(c, p[0]).replace(p[0], "PATH");
            String missing = refusal(c, p[1]).replace(p[1], "PATH");
            assertEquals(existing, missing, p[0] + " vs " + p[1]);
        }
        // Inside the folder, the answers may differ (those files are the caller's to name).
        assertEquals(root.resolve("clips").toRealPath().resolve("new.wav"), c.check(root.resolve("clips/new.wav")));
    }

    private static String refusal(PathConfinement c, String path) {
        return assertThrows(PathConfinement.ConfinementException.class, () -> c.check(Path.of(path))).getMessage();
    }
}
