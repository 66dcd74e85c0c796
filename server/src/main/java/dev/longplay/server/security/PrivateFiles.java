package dev.longplay.server.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The server's files hold other people's prompts and audio: folders are 0700 and files 0600, so only the user the
 * server runs as reads them. New files get their mode at creation ({@link #fileAttributes()}); a data folder made by
 * an older version is tightened once at start ({@link #tighten}). Symbolic links are never followed or changed: a
 * chmod through a link would change whatever it points at.
 */
public final class PrivateFiles {

    private static final Logger LOG = LoggerFactory.getLogger(PrivateFiles.class);
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");

    private PrivateFiles() {
    }

    static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    /** Creation attributes for a new private file: mode 0600 from its first byte (none where the system has no modes). */
    public static FileAttribute<?>[] fileAttributes() {
        return posix() ? new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(FILE)} : new FileAttribute<?>[0];
    }

    /**
     * Creates {@code dir} (and missing parents) and makes it 0700; returns it. A {@code dir} that is itself a link to a
     * folder (an operator's choice of disk) is followed: the folder it names is made private.
     */
    public static Path directory(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, posix() ? new FileAttribute<?>[]{PosixFilePermissions.asFileAttribute(DIR)} : new FileAttribute<?>[0]);
        }
        if (posix()) {
            Files.setPosixFilePermissions(dir.toRealPath(), DIR);
        }
        return dir;
    }

    /**
     * Makes every folder under {@code folder} (itself included) 0700 and every file 0600 where they are looser (an install
     * made before files were private); logs how many changed. Returns that count.
     */
    public static int tighten(Path folder) throws IOException {
        if (!posix() || !Files.isDirectory(folder)) {
            return 0;
        }
        Path root = folder.toRealPath(); // the folder itself may be a link the operator made; nothing inside is followed
        int[] changed = {0};
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                changed[0] += restrict(dir, DIR);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isRegularFile()) { // not links, sockets or fifos
                    changed[0] += restrict(file, FILE);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                LOG.warn("cannot check the mode of {}: {}", file, e.getMessage());
                return FileVisitResult.CONTINUE;
            }
        });
        if (changed[0] > 0) {
            LOG.info("made {} files and folders under {} private to this user (0600 files, 0700 folders)", changed[0], root);
        }
        return changed[0];
    }

    private static int restrict(Path p, Set<PosixFilePermission> wanted) throws IOException {
        Set<PosixFilePermission> now = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        if (now.stream().allMatch(wanted::contains)) {
            return 0; // already as tight (or tighter)
        }
        Set<PosixFilePermission> kept = java.util.EnumSet.copyOf(wanted);
        kept.retainAll(now);
        if (wanted == DIR) {
            kept = wanted; // a folder the owner cannot enter would break the server
        }
        Files.setPosixFilePermissions(p, kept);
        return 1;
    }
}
