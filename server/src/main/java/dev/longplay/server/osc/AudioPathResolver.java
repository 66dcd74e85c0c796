package dev.longplay.server.osc;

import dev.longplay.server.clips.ClipStore;
import dev.longplay.server.clips.UploadStore;
import dev.longplay.server.requests.JobSpec;
import dev.longplay.server.security.PathConfinement;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Turns a file path sent over OSC into the audio reference a {@link JobSpec} takes. Only files inside the clip
 * folder, the upload folder or the configured import folder are accepted, checked on the real path (a link
 * inside a folder pointing elsewhere is refused); an imported file is copied into the uploads first, so the
 * job reads only the server's own folders.
 */
final class AudioPathResolver {
    /** Same cap as an HTTP upload: an import is read into memory once. */
    static final long MAX_IMPORT_BYTES = 128L * 1024 * 1024;

    private final ClipStore clips;
    private final UploadStore uploads;
    private final PathConfinement clipFolder;
    private final PathConfinement uploadFolder;
    private final Optional<PathConfinement> importFolder;

    AudioPathResolver(ClipStore clips, UploadStore uploads, Path clipDir, Path uploadDir, Optional<Path> importDir)
            throws IOException {
        this.clips = clips;
        this.uploads = uploads;
        this.clipFolder = new PathConfinement(clipDir);
        this.uploadFolder = new PathConfinement(uploadDir);
        this.importFolder = importDir.isPresent() ? Optional.of(new PathConfinement(importDir.get())) : Optional.empty();
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
        if (!Files.isRegularFile(path)) {
            throw new IllegalArgumentException("no such file: " + spelled);
        }
        Optional<Path> inClips = inside(clipFolder, path);
        if (inClips.isPresent()) {
            String id = stem(inClips.get());
            if (id == null || !clips.contains(id)) {
                throw new IllegalArgumentException(spelled + " is not a clip's audio file");
            }
            return new JobSpec.AudioRef(id, null);
        }
        Optional<Path> inUploads = inside(uploadFolder, path);
        if (inUploads.isPresent()) {
            String id = stem(inUploads.get());
            if (id == null || uploads.get(id).isEmpty()) {
                throw new IllegalArgumentException(spelled + " is not an uploaded WAV file");
            }
            return new JobSpec.AudioRef(null, id);
        }
        Optional<Path> imported = importFolder.flatMap(f -> inside(f, path));
        if (imported.isPresent()) {
            return new JobSpec.AudioRef(null, copyIntoUploads(imported.get(), spelled));
        }
        throw new IllegalArgumentException(spelled + " is outside the server's folders: audio files must be in "
                + clipFolder.root() + ", " + uploadFolder.root()
                + importFolder.map(f -> " or " + f.root()).orElse(" (start the server with --osc-import-dir to allow another folder)"));
    }

    private String copyIntoUploads(Path real, String spelled) {
        try {
            if (Files.size(real) > MAX_IMPORT_BYTES) {
                throw new IllegalArgumentException(spelled + " is larger than " + MAX_IMPORT_BYTES + " bytes");
            }
            return uploads.save(Files.readAllBytes(real));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + spelled + ": " + e.getMessage());
        }
    }

    private static Optional<Path> inside(PathConfinement folder, Path path) {
        try {
            return Optional.of(folder.check(path));
        } catch (PathConfinement.ConfinementException e) {
            return Optional.empty();
        }
    }

    /** The id of {@code <id>.wav} directly inside a folder, else null. */
    private static String stem(Path real) {
        String name = real.getFileName().toString();
        if (!name.endsWith(".wav")) {
            return null;
        }
        String id = name.substring(0, name.length() - 4);
        return ClipStore.ID.matcher(id).matches() ? id : null;
    }
}
