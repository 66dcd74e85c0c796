package dev.longplay.server.clips;

import dev.longplay.server.AtomicFiles;
import dev.longplay.server.audio.AudioContainer;
import dev.longplay.server.audio.AudioFileReader;
import dev.longplay.server.audio.DecodedAudio;
import dev.longplay.server.jobs.OutputFormat;
import dev.longplay.server.security.PathConfinement;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.UUID;

/**
 * Audio that clients upload for style transfer, inpainting and continuation: {@code <id>.wav} in one folder.
 * A RIFF/WAVE upload is stored as sent (the model runtime decodes it); any other format {@link AudioFileReader}
 * reads (FLAC, AIFF, Ogg, MP3, …) is decoded once here and stored as 32-bit float WAV, so everything downstream
 * reads one format and a file that cannot be decoded is refused when it is uploaded.
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

    /** The request content types an upload may declare; the bytes decide the format, whichever is given. */
    public static final List<String> CONTENT_TYPES = List.of("audio/wav", "audio/x-wav", "audio/wave",
            "audio/vnd.wave", "audio/flac", "audio/x-flac", "audio/aiff", "audio/x-aiff", "audio/ogg",
            "audio/vorbis", "audio/opus", "application/ogg", "audio/mpeg", "audio/mp3", "audio/mp4",
            "audio/x-m4a", "application/octet-stream");

    /**
     * Stores an audio file and returns its id; throws IllegalArgumentException, with a message for the client, if
     * the bytes are not audio Longplay reads.
     */
    public String save(byte[] audio) throws IOException {
        AudioContainer container = AudioContainer.sniff(audio);
        String id = UUID.randomUUID().toString();
        Path file = folder.file(id + ".wav");
        if (container == null || container == AudioContainer.WAV) {
            requireWav(audio);
            AtomicFiles.write(file, audio);
            return id;
        }
        DecodedAudio decoded;
        try {
            decoded = AudioFileReader.decode(audio, "the upload");
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        AtomicFiles.write(file, false, out -> WavWriter.write(out, decoded.samples(), decoded.sampleRate(),
                OutputFormat.WAV_FLOAT32));
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
            throw new IllegalArgumentException("not an audio file Longplay reads: too short");
        }
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        if (h.getInt(0) != 0x46464952 || h.getInt(8) != 0x45564157) { // "RIFF", "WAVE"
            throw new IllegalArgumentException("not an audio file Longplay reads (" + AudioContainer.SUPPORTED + ")");
        }
    }
}
