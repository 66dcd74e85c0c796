package dev.longplay.server.security;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;

/**
 * Opens the server's own stored files (clips, uploads) only as what they claim to be: a regular file, never through a
 * symbolic link put in a file's place. Every reader of a stored clip or upload goes through here (the HTTP download,
 * audio-to-audio and inpainting's init audio, the scale-out copy), so one refusal covers them all.
 */
public final class NoFollowFiles {

    private NoFollowFiles() {
    }

    /** Thrown for a link or anything else that is not a regular file. */
    public static final class NotRegularFileException extends IOException {
        public NotRegularFileException(Path file) {
            super(file.getFileName() + " is not a plain file");
        }
    }

    /** Opens {@code file} for reading; refuses a link in its place (O_NOFOLLOW) and anything that is not a regular file. */
    public static SeekableByteChannel open(Path file) throws IOException {
        BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isRegularFile()) {
            throw new NotRegularFileException(file);
        }
        try {
            return Files.newByteChannel(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (java.nio.file.FileSystemException e) {
            if (Files.isSymbolicLink(file)) { // swapped for a link between the check and the open (ELOOP)
                throw new NotRegularFileException(file);
            }
            throw e;
        }
    }

    /** Checks that {@code file} is a regular file, not a link; throws as {@link #open} would. */
    public static void requireRegular(Path file) throws IOException {
        if (!Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).isRegularFile()) {
            throw new NotRegularFileException(file);
        }
    }

    /** Reads all of {@code file} (at most {@code maxBytes}) as {@link #open} opens it. */
    public static byte[] readAll(Path file, long maxBytes) throws IOException {
        try (SeekableByteChannel ch = open(file)) {
            if (ch.size() > maxBytes) {
                throw new IOException(file.getFileName() + " is larger than " + maxBytes + " bytes");
            }
            ByteBuffer buf = ByteBuffer.allocate((int) ch.size());
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // until full or at the end
            }
            return Arrays.copyOf(buf.array(), buf.position());
        }
    }
}
