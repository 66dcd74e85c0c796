package dev.longplay.server.osc;

import dev.longplay.server.clips.ClipStore;
import dev.longplay.server.clips.UploadStore;
import dev.longplay.server.requests.JobSpec;
import dev.longplay.server.security.PathConfinement;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns a file path sent over OSC into the audio reference a {@link JobSpec} takes. Only files inside the clip
 * folder, the upload folder or the configured import folder are accepted. Which folder is decided from the spelling
 * alone, before anything is looked up on disk, so a path outside them gets the same answer whether it exists or not
 * (no existence oracle for files the client may not see). Inside, links are not followed: the file's real path must
 * be the path as spelled. An imported file is copied into the uploads first, so the job reads only the server's own
 * folders.
 */
final class AudioPathResolver {
    /** Same cap as an HTTP upload: an import is read into memory once. */
    static final long MAX_IMPORT_BYTES = 128L * 1024 * 1024;

    private enum Kind { CLIP, UPLOAD, IMPORT }

    /** One allowed folder, by the path it was configured as and by its real path (clients may name either). */
    private record Folder(Kind kind, Path spelled, Path real) {
        /** The path below this folder, or null when {@code p} (absolute, normalised) is not below it. */
        Path below(Path p) {
            if (p.startsWith(real) && !p.equals(real)) {
                return real.relativize(p);
            }
            if (p.startsWith(spelled) && !p.equals(spelled)) {
                return spelled.relativize(p);
            }
            return null;
        }
    }

    private final ClipStore clips;
    private final UploadStore uploads;
    private final List<Folder> folders = new ArrayList<>();

    AudioPathResolver(ClipStore clips, UploadStore uploads, Path clipDir, Path uploadDir, Optional<Path> importDir)
            throws IOException {
        this.clips = clips;
        this.uploads = uploads;
        folders.add(folder(Kind.CLIP, clipDir));
        folders.add(folder(Kind.UPLOAD, uploadDir));
        if (importDir.isPresent()) {
            folders.add(folder(Kind.IMPORT, importDir.get()));
        }
    }

    private static Folder folder(Kind kind, Path dir) throws IOException {
        return new Folder(kind, dir.toAbsolutePath().normalize(), new PathConfinement(dir).root());
    }

    /** @throws IllegalArgumentException naming the path and the folders it must be in */
    JobSpec.AudioRef resolve(String spelled) {
        Path path;
        try {
            path = Path.of(spelled);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a file path: " + spelled);
        }
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException("give an absolute path, not " + spelled);
        }
        Path normal = path.normalize();
        for (Folder f : folders) {
            Path rel = f.below(normal);
            if (rel != null) {
                return resolveInside(f, f.real().resolve(rel), spelled);
            }
        }
        throw new IllegalArgumentException(spelled + " is outside the server's folders: audio files must be in "
                + folders.get(0).real() + ", " + folders.get(1).real()
                + (folders.size() > 2 ? " or " + folders.get(2).real() : " (start the server with --osc-import-dir to allow another folder)"));
    }

    /** {@code file}: the spelled path rebased on the folder's real path; it must be a plain file, reached without links. */
    private JobSpec.AudioRef resolveInside(Folder f, Path file, String spelled) {
        Path real;
        try {
            real = file.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException("no such file: " + spelled);
        }
        if (!real.equals(file)) {
            throw new IllegalArgumentException(spelled + " goes through a symbolic link; links are not followed");
        }
        if (!Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("not a plain file: " + spelled);
        }
        switch (f.kind()) {
            case CLIP -> {
                String id = stem(real, f);
                if (id == null || !clips.contains(id)) {
                    throw new IllegalArgumentException(spelled + " is not a clip's audio file");
                }
                return new JobSpec.AudioRef(id, null);
            }
            case UPLOAD -> {
                String id = stem(real, f);
                if (id == null || uploads.get(id).isEmpty()) {
                    throw new IllegalArgumentException(spelled + " is not an uploaded WAV file");
                }
                return new JobSpec.AudioRef(null, id);
            }
            default -> {
                return new JobSpec.AudioRef(null, copyIntoUploads(real, spelled));
            }
        }
    }

    private String copyIntoUploads(Path real, String spelled) {
        // O_NOFOLLOW: a link swapped in after the check is refused, not read.
        try (SeekableByteChannel in = Files.newByteChannel(real, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
            if (in.size() > MAX_IMPORT_BYTES) {
                throw new IllegalArgumentException(spelled + " is larger than " + MAX_IMPORT_BYTES + " bytes");
            }
            ByteBuffer bytes = ByteBuffer.allocate((int) in.size());
            while (bytes.hasRemaining() && in.read(bytes) >= 0) {
                // read it all
            }
            return uploads.save(Arrays.copyOf(bytes.array(), bytes.position()));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + spelled + ": " + e.getMessage());
        }
    }

    /** The id of {@code <id>.wav} directly inside the folder, else null. */
    private static String stem(Path real, Folder f) {
        if (!real.getParent().equals(f.real())) {
            return null;
        }
        String name = real.getFileName().toString();
        if (!name.endsWith(".wav")) {
            return null;
        }
        String id = name.substring(0, name.length() - 4);
        return ClipStore.ID.matcher(id).matches() ? id : null;
    }
}
