package dev.longplay.server.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finding E: every start unpacked SQLite's native library to a new random name, removed only at a normal exit, so
 * each kill -9 left one more copy in the cache. Now the library has one stable name in the user's private cache,
 * and copies left by earlier versions are removed.
 */
class SqliteNativeCopiesTest {

    @TempDir
    Path root;

    @Test
    void killedServersLeaveNoPileOfNativeLibraryCopies() throws Exception {
        Path cache = root.resolve("cache");
        Path nativeDir = Files.createDirectories(cache.resolve("longplay/native"));
        // A copy and lock file as sqlite-jdbc's own unpacking left them before.
        Files.writeString(nativeDir.resolve("sqlite-3.47.1.0-0f0e0d0c-libsqlitejdbc.so"), "stale");
        Files.writeString(nativeDir.resolve("sqlite-3.47.1.0-0f0e0d0c-libsqlitejdbc.so.lck"), "");
        for (int start = 0; start < 3; start++) {
            UploadServerMain.Started s = UploadServerMain.spawn(root, 1 << 20, Map.of("XDG_CACHE_HOME", cache.toString()), "-Xmx96m",
                    "-XX:TieredStopAtLevel=1");
            s.process().destroyForcibly(); // kill -9: no shutdown hooks, no deleteOnExit
            s.process().waitFor();
        }
        List<String> copies;
        try (Stream<Path> all = Files.walk(nativeDir)) {
            copies = all.filter(Files::isRegularFile).map(p -> nativeDir.relativize(p).toString()).filter(n -> n.contains("sqlite")).toList();
        }
        assertEquals(1, copies.size(), copies.toString());
        assertTrue(copies.get(0).startsWith("sqlite-jdbc-"), copies.toString());
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(nativeDir)));
    }
}
