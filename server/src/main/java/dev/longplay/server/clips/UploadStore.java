package dev.longplay.server.clips;

import dev.longplay.server.io.AtomicFiles;
import dev.longplay.server.security.PathConfinement;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Set;
import java.util.Optional;
import java.util.UUID;

/**
 * Audio that clients upload for style transfer, inpainting and continuation: {@code <id>.wav} in one folder.
 * Only RIFF/WAVE files are accepted; the model runtime decodes them.
 */
public final class UploadStore {

    private final PathConfinement folder;

    private UploadStore(PathConfinement folder) {
        this.folder = folder;
    }

    /** Opens the folder and deletes temp files an interrupted upload left. */
    public static UploadStore open(Path dir) throws IOException {
        UploadStore store = new UploadStore(new PathConfinement(dir));
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(store.folder.root())) {
            for (Path f : ds) {
                if (AtomicFiles.isTemp(f)) {
                    Files.deleteIfExists(f);
                }
            }
        }
        return store;
    }

    /** Stores a WAV file and returns its id; throws IllegalArgumentException if the bytes are not a WAV file. */
    public String save(byte[] wav) throws IOException {
        requireWav(wav);
        String id = UUID.randomUUID().toString();
        AtomicFiles.write(folder.file(id + ".wav"), wav);
        return id;
    }

    /** The upload's file, if it exists (and really lies inside the folder). */
    public Optional<Path> get(String id) {
        if (id == null || !ClipStore.ID.matcher(id).matches()) {
            return Optional.empty();
        }
        try {
            Path p = folder.file(id + ".wav");
            return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
        } catch (PathConfinement.ConfinementException e) {
            return Optional.empty();
        }
    }

    /** Deletes uploads last written before {@code cutoff}, except those in {@code keep}; returns how many went. */
    public int deleteOlderThan(Instant cutoff, Set<Path> keep) throws IOException {
        int deleted = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder.root(), "*.wav")) {
            for (Path f : ds) {
                if (!keep.contains(f.toAbsolutePath().normalize())
                        && Files.getLastModifiedTime(f).toInstant().isBefore(cutoff) && Files.deleteIfExists(f)) {
                    deleted++;
                }
            }
        }
        return deleted;
    }

    static void requireWav(byte[] b) {
        if (b.length < 44) {
            throw new IllegalArgumentException("not a WAV file: too short");
        }
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        if (h.getInt(0) != 0x46464952 || h.getInt(8) != 0x45564157) { // "RIFF", "WAVE"
            throw new IllegalArgumentException("not a WAV file: no RIFF/WAVE header");
        }
    }
}
