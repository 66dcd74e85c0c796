package dev.longplay.server.security;

import dev.longplay.server.SineRenderer;
import dev.longplay.server.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finding E, permissions: the data folder was 0755 and clips, uploads and jobs.db (prompts) 0644, readable by every
 * local user. Now folders are 0700 and files 0600, and an older install is tightened at start.
 */
class PrivateFilesTest {

    @TempDir
    Path root;

    /** Makes one job (its prompt lands in jobs.db, its clip in clips/) and one upload. */
    static void use(TestServer s) throws Exception {
        var job = s.postJob("{\"prompt\":\"a private prompt\",\"seconds\":0.1,\"seed\":4}");
        assertEquals("succeeded", s.awaitJob(TestServer.json(job).get("id").asText(), Duration.ofSeconds(20)).get("state").asText());
        var up = s.send(s.write("/v1/uploads").header("Content-Type", "audio/wav")
                .POST(HttpRequest.BodyPublishers.ofByteArray(UploadMemoryTest.header(4096))).build());
        assertEquals(201, up.statusCode(), up.body());
    }

    /** Every folder and file under {@code dir} whose mode gives anything to group or others. */
    static List<String> readableByOthers(Path dir) throws Exception {
        List<String> loose = new ArrayList<>();
        Files.walkFileTree(dir, new SimpleFileVisitor<Path>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws java.io.IOException {
                check(d);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws java.io.IOException {
                if (attrs.isRegularFile()) {
                    check(f);
                }
                return FileVisitResult.CONTINUE;
            }

            private void check(Path p) throws java.io.IOException {
                String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
                if (!mode.endsWith("------")) {
                    loose.add(dir.relativize(p) + " " + mode);
                }
            }
        });
        return loose;
    }

    @Test
    void aFreshInstallKeepsPromptsAndAudioFromOtherUsers() throws Exception {
        // The folder above the install is open, as a home folder often is: only the server's own modes protect it.
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (TestServer s = TestServer.start(root, new SineRenderer(1, 1, 0.5f), 1, 16)) {
            use(s);
            assertTrue(Files.exists(root.resolve("data/jobs.db")));
            assertEquals(List.of(), readableByOthers(root.resolve("data")));
            assertEquals(List.of(), readableByOthers(root.resolve("config")));
            if (OtherUser.available()) {
                OtherUser.Result r = OtherUser.exec("cat", root.resolve("data/jobs.db").toString());
                assertNotEquals(0, r.exit(), r.out());
                assertFalse(r.out().contains("a private prompt"), r.out());
                assertNotEquals(0, OtherUser.exec("ls", root.resolve("data/clips").toString()).exit());
            }
        }
    }

    @Test
    void anOlderInstallIsMadePrivateAtStartWithoutFollowingLinks() throws Exception {
        Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
        try (TestServer s = TestServer.start(root, new SineRenderer(1, 1, 0.5f), 1, 16)) {
            use(s);
        }
        // What an older version left: everything readable by all, and a link to a file outside the install.
        Path outside = Files.writeString(root.resolve("outside.txt"), "not the server's");
        Files.setPosixFilePermissions(outside, PosixFilePermissions.fromString("rw-r--r--"));
        Files.createSymbolicLink(root.resolve("data/clips/link.wav"), outside);
        Files.walkFileTree(root.resolve("data"), new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws java.io.IOException {
                Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws java.io.IOException {
                if (attrs.isRegularFile()) {
                    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        assertFalse(readableByOthers(root.resolve("data")).isEmpty());
        if (OtherUser.available()) {
            assertTrue(OtherUser.exec("cat", root.resolve("data/jobs.db").toString()).out().contains("a private prompt"),
                    "the old layout really was readable");
        }
        try (TestServer s = TestServer.start(root, new SineRenderer(1, 1, 0.5f), 1, 16)) {
            assertEquals(List.of(), readableByOthers(root.resolve("data")));
            assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(outside)), "a link's target is not changed");
            if (OtherUser.available()) {
                assertNotEquals(0, OtherUser.exec("cat", root.resolve("data/jobs.db").toString()).exit());
            }
            use(s); // and the tightened install still works
        }
    }
}
