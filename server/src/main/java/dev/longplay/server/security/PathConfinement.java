package dev.longplay.server.security;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Keeps every path the server touches inside one of its folders. Paths are checked after resolving symbolic
 * links (a check on the spelled path alone lets a link inside the folder point anywhere).
 *
 * <p>A path that is outside the folder as spelled is refused before the file system is asked anything, with the same
 * words whether it exists or not: the answer must not tell a caller which files exist where it cannot look.
 */
public final class PathConfinement {

    private final Path root;
    private final Path spelledRoot;

    /** Creates {@code root} if needed and confines to its real path. */
    public PathConfinement(Path root) throws IOException {
        Files.createDirectories(root);
        this.root = root.toRealPath();
        this.spelledRoot = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** A file directly inside the root, named by an untrusted {@code name} (no separators, no dot names). */
    public Path file(String name) {
        if (name == null || name.isEmpty() || name.length() > 255 || name.equals(".") || name.equals("..")
                || name.indexOf('/') >= 0 || name.indexOf('\\') >= 0 || name.indexOf('\0') >= 0) {
            throw new ConfinementException("not a plain file name: " + printable(name));
        }
        return check(root.resolve(name));
    }

    /**
     * Returns {@code path} as a real path if it lies inside the root: an existing path is resolved through every
     * link; a missing one must have an existing real parent inside the root and must not be a dangling link.
     */
    public Path check(Path path) {
        Path abs = path.toAbsolutePath().normalize();
        if (!abs.startsWith(root) && !abs.startsWith(spelledRoot)) {
            throw new ConfinementException(path + " is outside " + root); // no stat: exists or not, the same answer
        }
        try {
            if (Files.exists(abs)) {
                return inside(abs.toRealPath(), path);
            }
            if (Files.isSymbolicLink(abs)) {
                throw new ConfinementException("dangling link: " + path);
            }
            Path parent = abs.getParent();
            if (parent == null || !Files.isDirectory(parent)) {
                throw new ConfinementException("no such folder for " + path);
            }
            return inside(parent.toRealPath(), path).resolve(abs.getFileName());
        } catch (IOException e) {
            throw new ConfinementException("cannot resolve " + path + ": " + e.getMessage());
        }
    }

    private Path inside(Path real, Path asked) {
        if (!real.startsWith(root)) {
            throw new ConfinementException(asked + " is outside " + root);
        }
        return real;
    }

    private static String printable(String s) {
        return s == null ? "null" : s.replaceAll("[^\\x20-\\x7e]", "?");
    }

    /** A path outside the server's folders (or not a plain name); never served, never written. */
    public static final class ConfinementException extends RuntimeException {
        public ConfinementException(String message) {
            super(message);
        }
    }
}
