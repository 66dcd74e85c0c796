package dev.longplay.server.jobs;

import dev.longplay.server.io.AtomicFiles;
import dev.longplay.server.security.PrivateFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * sqlite-jdbc's native library, unpacked once to a stable name in this user's private cache and loaded from there.
 * Left alone, sqlite-jdbc copies it to a fresh random name on every start and deletes it only at a normal exit, so
 * each kill -9 left one more copy behind. Copies left that way by earlier versions are deleted here.
 */
final class SqliteNativeLibrary {

    private static final Logger LOG = LoggerFactory.getLogger(SqliteNativeLibrary.class);
    private static boolean prepared;

    private SqliteNativeLibrary() {
    }

    /**
     * Points sqlite-jdbc at {@code <cacheDir>/sqlite-jdbc-<version>/<library>} (written there if missing or different)
     * unless the operator set {@code org.sqlite.lib.path}; on a platform without a bundled library it changes nothing.
     */
    static synchronized void prepare(Path cacheDir) {
        if (prepared || System.getProperty("org.sqlite.lib.path") != null) {
            return;
        }
        prepared = true;
        String name = org.sqlite.util.LibraryLoaderUtil.getNativeLibName();
        String resource = org.sqlite.util.LibraryLoaderUtil.getNativeLibResourcePath() + "/" + name;
        try (InputStream in = org.sqlite.SQLiteJDBCLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                return; // not bundled for this platform: sqlite-jdbc finds its own way
            }
            byte[] library = in.readAllBytes();
            PrivateFiles.directory(cacheDir);
            removeStaleCopies(cacheDir);
            Path dir = PrivateFiles.directory(cacheDir.resolve("sqlite-jdbc-" + org.sqlite.SQLiteJDBCLoader.getVersion()));
            Path file = dir.resolve(name);
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || !Arrays.equals(Files.readAllBytes(file), library)) {
                AtomicFiles.write(file, true, out -> out.write(library));
            }
            System.setProperty("org.sqlite.lib.path", dir.toString());
            System.setProperty("org.sqlite.lib.name", name);
        } catch (IOException | RuntimeException e) {
            LOG.warn("cannot unpack SQLite's native library into {} ({}); sqlite-jdbc unpacks its own copy", cacheDir, e.toString());
        }
    }

    /** sqlite-jdbc's own copies ({@code sqlite-<version>-<uuid>-<library>} and its {@code .lck}) in this folder. */
    private static void removeStaleCopies(Path cacheDir) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(cacheDir, "sqlite-*")) {
            for (Path f : ds) {
                String n = f.getFileName().toString();
                if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS) && !n.startsWith("sqlite-jdbc-")
                        && (n.endsWith(".lck") || n.contains("-libsqlitejdbc"))) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }
}
