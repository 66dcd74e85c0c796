package dev.longplay.server.clips;

import dev.longplay.server.audio.AudioContainer;
import dev.longplay.server.audio.AudioFileReader;
import dev.longplay.server.audio.DecodedAudio;
import dev.longplay.server.io.AtomicFiles;
import dev.longplay.server.security.PathConfinement;
import dev.longplay.server.security.PrivateFiles;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;

/**
 * Audio that clients upload for style transfer, inpainting and continuation: {@code <id>.wav} in one folder.
 * A RIFF/WAVE upload is stored as sent (the model runtime decodes it); any other format {@link AudioFileReader}
 * reads (FLAC, AIFF, Ogg, MP3, …) is decoded once here and stored as 32-bit float WAV, so everything downstream
 * reads one format and a file that cannot be decoded is refused when it is uploaded. The first bytes decide:
 * a body that is no audio format Longplay reads is refused before it fills the disk.
 *
 * <p>An upload streams to a private temp file through one fixed buffer (never the whole body in memory), counted
 * against {@link Limits}: a size cap per file, a byte quota for the folder (stored files and uploads in flight
 * together, see {@link UploadQuota}) and a cap on uploads arriving at once. Files are mode 0600.
 */
public final class UploadStore {

    private static final int BUFFER = 64 * 1024;

    /** The request content types an upload may declare; the bytes decide the format, whichever is given. */
    public static final List<String> CONTENT_TYPES = List.of("audio/wav", "audio/x-wav", "audio/wave",
            "audio/vnd.wave", "audio/flac", "audio/x-flac", "audio/aiff", "audio/x-aiff", "audio/ogg",
            "audio/vorbis", "audio/opus", "application/ogg", "audio/mpeg", "audio/mp3", "audio/mp4",
            "audio/x-m4a", "application/octet-stream");

    /**
     * Compressed uploads are decoded one at a time: a decode holds up to {@link AudioFileReader#MAX_SAMPLES} floats,
     * and uploads arriving at once must not multiply that.
     */
    private static final Semaphore DECODING = new Semaphore(1);

    /**
     * @param maxFileBytes  the largest one upload may be
     * @param quotaBytes    the folder's total, stored and arriving
     * @param maxConcurrent uploads arriving at once; more are refused as busy, which also bounds their buffers
     */
    public record Limits(long maxFileBytes, long quotaBytes, int maxConcurrent) {
        public Limits {
            if (maxFileBytes <= 0 || quotaBytes <= 0 || maxConcurrent <= 0) {
                throw new IllegalArgumentException("upload limits must be positive");
            }
        }

        /** The defaults for a per-file cap: room for 16 such files, 8 arriving at once. */
        public static Limits forFileCap(long maxFileBytes) {
            return new Limits(maxFileBytes, maxFileBytes > Long.MAX_VALUE / 16 ? Long.MAX_VALUE : maxFileBytes * 16, 8);
        }
    }

    private final PathConfinement folder;
    private final Limits limits;
    private final UploadQuota quota;
    private final java.util.concurrent.Semaphore arriving;

    private UploadStore(PathConfinement folder, Limits limits) {
        this.folder = folder;
        this.limits = limits;
        this.quota = new UploadQuota(limits.quotaBytes());
        this.arriving = new java.util.concurrent.Semaphore(limits.maxConcurrent());
    }

    /** {@link #open(Path, Limits)} with the defaults for 128 MiB files. */
    public static UploadStore open(Path dir) throws IOException {
        return open(dir, Limits.forFileCap(128L * 1024 * 1024));
    }

    /** Opens the folder, deletes temp files an interrupted upload left and counts the stored ones against the quota. */
    public static UploadStore open(Path dir, Limits limits) throws IOException {
        UploadStore store = new UploadStore(new PathConfinement(dir), limits);
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(store.folder.root())) {
            for (Path f : ds) {
                if (AtomicFiles.isTemp(f)) {
                    Files.deleteIfExists(f);
                } else if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
                    store.quota.addExisting(Files.size(f));
                }
            }
        }
        return store;
    }

    public Limits limits() {
        return limits;
    }

    /** Bytes counted against the folder's quota now (stored plus reserved by uploads in flight). */
    public long usedBytes() {
        return quota.used();
    }

    /**
     * Stores an audio file the server made or was allowed to read (a capture, a copy of a file OSC named) and returns
     * its id. The per-file cap is for clients' bodies and does not apply; the folder's quota does. A refusal comes as an
     * IllegalArgumentException with the reason's message.
     */
    public String save(byte[] wav) throws IOException {
        try {
            return save(new ByteArrayInputStream(wav), wav.length, Math.max(limits.maxFileBytes(), wav.length));
        } catch (UploadRefusedException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /**
     * Streams an audio file to the folder and returns its id (a non-WAV one decoded and stored as float WAV).
     *
     * @param in             the body; read to its end or until a limit is passed
     * @param declaredLength its length when known up front (reserved at once, refused at once when too large), else -1
     */
    public String save(InputStream in, long declaredLength) throws IOException, UploadRefusedException {
        return save(in, declaredLength, limits.maxFileBytes());
    }

    private String save(InputStream in, long declaredLength, long maxFileBytes) throws IOException, UploadRefusedException {
        if (declaredLength > maxFileBytes) {
            throw tooLarge();
        }
        if (!arriving.tryAcquire()) {
            throw new UploadRefusedException(UploadRefusedException.Reason.BUSY,
                    limits.maxConcurrent() + " uploads are arriving already; try again shortly");
        }
        long reserved = 0;
        String id = UUID.randomUUID().toString();
        Path target = folder.file(id + ".wav");
        Path tmp = target.resolveSibling("." + target.getFileName() + AtomicFiles.TEMP_MARKER + UUID.randomUUID());
        try {
            if (declaredLength >= 0) {
                reserved = reserve(declaredLength);
            }
            long written = 0;
            byte[] buffer = new byte[BUFFER];
            byte[] head = new byte[12];
            try (FileChannel out = FileChannel.open(tmp, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), PrivateFiles.fileAttributes())) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    if (written + n > maxFileBytes) {
                        throw tooLarge();
                    }
                    if (written + n > reserved) {
                        reserved += reserve(written + n - reserved);
                    }
                    if (written < head.length) {
                        System.arraycopy(buffer, 0, head, (int) written, (int) Math.min(n, head.length - written));
                    }
                    ByteBuffer chunk = ByteBuffer.wrap(buffer, 0, n);
                    while (chunk.hasRemaining()) {
                        out.write(chunk);
                    }
                    written += n;
                    if (written >= head.length && written - n < head.length) {
                        requireAudio(head); // refuse a body that is no audio early, before it fills the disk
                    }
                }
                if (requireAudio(head) == AudioContainer.WAV) {
                    requireWav(head, written);
                }
                out.force(true);
            }
            if (!isRiffWave(head)) {
                written = decodeToFloatWav(tmp, written, reserved);
                reserved = Math.max(reserved, written);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            if (reserved > written) {
                quota.release(reserved - written);
            }
            reserved = 0; // now counted as a stored file
            return id;
        } finally {
            Files.deleteIfExists(tmp);
            quota.release(reserved);
            arriving.release();
        }
    }

    /**
     * Replaces the encoded file {@code tmp} with its decoding as 32-bit float WAV; returns the new size, whose growth
     * past what is reserved is reserved too.
     */
    private long decodeToFloatWav(Path tmp, long encodedBytes, long reserved) throws IOException, UploadRefusedException {
        DecodedAudio decoded;
        DECODING.acquireUninterruptibly();
        try {
            try {
                decoded = AudioFileReader.read(tmp);
            } catch (IOException e) {
                throw new UploadRefusedException(UploadRefusedException.Reason.NOT_WAV, e.getMessage());
            }
            long size = 44 + 4L * decoded.channels() * decoded.frames(); // float WAV: header plus 4 bytes a sample
            if (size > reserved) {
                reserve(size - reserved);
            }
            Path wav = tmp.resolveSibling(tmp.getFileName() + ".wav");
            try (var out = new java.io.BufferedOutputStream(Files.newOutputStream(Files.createFile(wav, PrivateFiles.fileAttributes())))) {
                WavWriter.write(out, decoded.samples(), decoded.sampleRate(), OutputFormat.WAV_FLOAT32);
            }
            Files.move(wav, tmp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return Files.size(tmp);
        } finally {
            DECODING.release();
        }
    }

    private long reserve(long bytes) throws UploadRefusedException {
        if (!quota.tryReserve(bytes)) {
            throw new UploadRefusedException(UploadRefusedException.Reason.FOLDER_FULL, "the uploads folder is full ("
                    + quota.limitBytes() + " bytes); old uploads are deleted after a while, or reuse an upload by its id");
        }
        return bytes;
    }

    private UploadRefusedException tooLarge() {
        return new UploadRefusedException(UploadRefusedException.Reason.TOO_LARGE, "an upload may be at most " + limits.maxFileBytes() + " bytes");
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
                        && Files.getLastModifiedTime(f).toInstant().isBefore(cutoff)) {
                    long size = Files.size(f);
                    if (Files.deleteIfExists(f)) {
                        quota.release(size);
                        deleted++;
                    }
                }
            }
        }
        return deleted;
    }

    static void requireWav(byte[] head, long length) throws UploadRefusedException {
        if (length < 44) {
            throw new UploadRefusedException(UploadRefusedException.Reason.NOT_WAV, "not an audio file Longplay reads: too short");
        }
    }

    private static AudioContainer requireAudio(byte[] head) throws UploadRefusedException {
        AudioContainer container = AudioContainer.sniff(head);
        if (container == null) {
            throw new UploadRefusedException(UploadRefusedException.Reason.NOT_WAV,
                    "not an audio file Longplay reads (" + AudioContainer.SUPPORTED + ")");
        }
        return container;
    }

    private static boolean isRiffWave(byte[] head) {
        ByteBuffer h = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        return h.getInt(0) == 0x46464952 && h.getInt(8) == 0x45564157; // "RIFF", "WAVE"
    }
}
