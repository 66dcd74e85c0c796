package dev.longplay.server.clips;

import dev.longplay.models.metrics.ClipMeasures;
import dev.longplay.server.io.AtomicFiles;
import dev.longplay.server.io.Json;
import dev.longplay.server.security.PathConfinement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Clips under one folder: {@code <id>.wav} + {@code <id>.json}. The audio is renamed into place first and the
 * metadata second, so the JSON is the commit mark: a WAV without its JSON is a write that a crash interrupted,
 * and the startup scan deletes it (with any temp file) rather than serve it.
 *
 * <p>A size limit evicts the least recently used clips (reads count as use) once the total exceeds it.
 */
public final class ClipStore {

    private static final Logger LOG = LoggerFactory.getLogger(ClipStore.class);
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final PathConfinement folder;
    private final long limitBytes;
    private final Map<String, Entry> index = new HashMap<>();
    private long totalBytes;
    private volatile Remote remote;

    private static final class Entry {
        final ClipInfo info;
        long lastUse;

        Entry(ClipInfo info, long lastUse) {
            this.info = info;
            this.lastUse = lastUse;
        }
    }

    private ClipStore(PathConfinement folder, long limitBytes) {
        this.folder = folder;
        this.limitBytes = limitBytes;
    }

    /** Opens (creating) the store and scans it: interrupted writes are deleted, then the limit is applied. */
    public static ClipStore open(Path dir, long limitBytes) throws IOException {
        if (limitBytes <= 0) {
            throw new IllegalArgumentException("the clip size limit must be positive");
        }
        ClipStore store = new ClipStore(new PathConfinement(dir), limitBytes);
        store.scan();
        return store;
    }

    private void scan() throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(folder.root())) {
            ds.forEach(files::add);
        }
        for (Path f : files) {
            String name = f.getFileName().toString();
            if (AtomicFiles.isTemp(f)) {
                Files.deleteIfExists(f);
                continue;
            }
            if (Files.isSymbolicLink(f) || !Files.isRegularFile(f)) {
                continue; // not something this store wrote; never followed
            }
            String id = stem(name);
            if (id == null) {
                continue;
            }
            Path wav = folder.root().resolve(id + ".wav");
            Path json = folder.root().resolve(id + ".json");
            if (name.endsWith(".wav") && !Files.isRegularFile(json, LinkOption.NOFOLLOW_LINKS)) {
                LOG.warn("deleting clip {}: its metadata was never written (interrupted write)", id);
                Files.deleteIfExists(wav);
            } else if (name.endsWith(".json")) {
                if (!Files.isRegularFile(wav, LinkOption.NOFOLLOW_LINKS)) {
                    Files.deleteIfExists(json);
                } else {
                    long bytes = Files.size(wav) + Files.size(json);
                    Instant mtime = Files.getLastModifiedTime(wav).toInstant();
                    index.put(id, new Entry(new ClipInfo(id, wav, json, bytes, mtime), mtime.toEpochMilli()));
                    totalBytes += bytes;
                }
            }
        }
        synchronized (this) {
            evict(null);
        }
    }

    private static String stem(String name) {
        int dot = name.lastIndexOf('.');
        if (dot <= 0) {
            return null;
        }
        String ext = name.substring(dot);
        String id = name.substring(0, dot);
        return (ext.equals(".wav") || ext.equals(".json")) && ID.matcher(id).matches() ? id : null;
    }

    /**
     * Writes a clip atomically (replacing any clip with the same id) and returns it. {@code meta} is stored as the
     * clip's JSON with an "audio" section added (rate, channels, frames, format, peak, normalisation gain).
     */
    public ClipInfo write(String id, RenderedClip clip, OutputFormat format, Map<String, Object> meta) throws IOException {
        requireId(id);
        Path wav = folder.file(id + ".wav");
        Path json = folder.file(id + ".json");
        WavWriter.Result[] result = new WavWriter.Result[1];
        AtomicFiles.write(wav, true, out -> result[0] = WavWriter.write(out, clip.audio(), clip.sampleRate(), format));
        byte[] metaBytes = metadataJson(meta, audioSection(clip, format, result[0]));
        AtomicFiles.write(json, true, out -> out.write(metaBytes));
        return index(id, wav, json);
    }

    /**
     * Stores a clip made elsewhere (a remote worker's WAV and metadata, as it wrote them) under {@code id}, in the
     * same order as {@link #write}: the audio, then the metadata that marks it complete.
     */
    public ClipInfo put(String id, AtomicFiles.Body audio, byte[] meta) throws IOException {
        requireId(id);
        Path wav = folder.file(id + ".wav");
        Path json = folder.file(id + ".json");
        AtomicFiles.write(wav, true, audio);
        AtomicFiles.write(json, true, out -> out.write(meta));
        return index(id, wav, json);
    }

    private ClipInfo index(String id, Path wav, Path json) throws IOException {
        ClipInfo info = new ClipInfo(id, wav, json, Files.size(wav) + Files.size(json), Instant.now());
        synchronized (this) {
            Entry old = index.put(id, new Entry(info, System.currentTimeMillis()));
            if (old != null) {
                totalBytes -= old.info.bytes();
            }
            totalBytes += info.bytes();
            evict(id);
        }
        return info;
    }

    /**
     * A clip's metadata JSON as the store writes it and the CLI writes its sidecar: {@code meta} (a
     * {@code ClipMetadata}'s fields) with the "audio" section last, pretty-printed.
     */
    public static byte[] metadataJson(Map<String, Object> meta, Map<String, Object> audio) throws IOException {
        Map<String, Object> all = new LinkedHashMap<>(meta);
        all.put("audio", audio);
        return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(all);
    }

    /**
     * The "audio" section of a clip's metadata: what was written, the peak normalisation applied, and the file's
     * measures (loudness, true peak, stereo; see {@link ClipMeasures}).
     */
    public static Map<String, Object> audioSection(RenderedClip clip, OutputFormat format, WavWriter.Result written) {
        Map<String, Object> audio = new LinkedHashMap<>();
        audio.put("sampleRate", clip.sampleRate());
        audio.put("channels", clip.channels());
        audio.put("frames", clip.frames());
        audio.put("seconds", clip.frames() / (double) clip.sampleRate());
        audio.put("format", format.wire());
        audio.put("peak", written.peak());
        audio.put("normalisationGain", written.gain());
        audio.put("measures", ClipMeasures.of(clip.audio(), clip.sampleRate()).shifted(20 * Math.log10(written.gain())));
        return audio;
    }

    /**
     * Where clips missing from this disk may still be: with scale-out, the broker's object store, from which a clip
     * evicted here is fetched again on demand.
     */
    public interface Remote {
        /** Copies the clip into {@code into} if the remote holds it; false if it does not. */
        boolean fetch(String id, ClipStore into) throws IOException;

        /** Removes the remote copy (a user deleted the clip); false if there was none. */
        boolean delete(String id) throws IOException;
    }

    public void attachRemote(Remote remote) {
        this.remote = remote;
    }

    /** The clip, if complete and stored here (or fetched from the remote); counts as a use for eviction. */
    public Optional<ClipInfo> get(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            return Optional.empty();
        }
        Optional<ClipInfo> local = getLocal(id);
        Remote r = remote;
        if (local.isPresent() || r == null) {
            return local;
        }
        try {
            return r.fetch(id, this) ? getLocal(id) : Optional.empty();
        } catch (IOException e) {
            LOG.warn("clip {}: not here, and fetching it failed: {}", id, e.getMessage());
            return Optional.empty();
        }
    }

    private synchronized Optional<ClipInfo> getLocal(String id) {
        Entry e = index.get(id);
        if (e == null) {
            return Optional.empty();
        }
        e.lastUse = System.currentTimeMillis();
        return Optional.of(e.info);
    }

    /** Every stored clip, newest first (ties by id); a listing is not a use, so eviction order is unchanged. */
    public synchronized List<ClipInfo> list() {
        List<ClipInfo> all = new ArrayList<>(index.size());
        index.values().forEach(e -> all.add(e.info));
        all.sort(Comparator.comparing(ClipInfo::created).reversed().thenComparing(ClipInfo::id));
        return all;
    }

    /** Opens a clip's audio for reading, refusing a file swapped for a link since it was written. */
    public static SeekableByteChannel openAudio(ClipInfo clip) throws IOException {
        return dev.longplay.server.security.NoFollowFiles.open(clip.audio());
    }

    /** Reads a clip's metadata JSON, refusing links like {@link #openAudio}. */
    public static byte[] readMeta(ClipInfo clip) throws IOException {
        try (SeekableByteChannel ch = dev.longplay.server.security.NoFollowFiles.open(clip.meta())) {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate((int) Math.min(ch.size(), 16 * 1024 * 1024));
            while (buf.hasRemaining() && ch.read(buf) >= 0) {
                // read until full or end of file
            }
            return java.util.Arrays.copyOf(buf.array(), buf.position());
        }
    }

    public synchronized boolean contains(String id) {
        return id != null && index.containsKey(id);
    }

    /**
     * Deletes a clip, here and in the remote: the metadata first, so a crash half-way leaves a WAV the next scan
     * removes.
     */
    public boolean delete(String id) throws IOException {
        Remote r = remote;
        boolean remoteHad = r != null && id != null && ID.matcher(id).matches() && r.delete(id);
        Entry e;
        synchronized (this) {
            e = id == null ? null : index.remove(id);
            if (e == null) {
                return remoteHad;
            }
            totalBytes -= e.info.bytes();
        }
        Files.deleteIfExists(e.info.meta());
        Files.deleteIfExists(e.info.audio());
        return true;
    }

    public synchronized long totalBytes() {
        return totalBytes;
    }

    public synchronized int count() {
        return index.size();
    }

    public long limitBytes() {
        return limitBytes;
    }

    /** Evicts least recently used clips until under the limit, never {@code keep} (the clip just written). */
    private void evict(String keep) {
        if (totalBytes <= limitBytes) {
            return;
        }
        List<Entry> byAge = new ArrayList<>(index.values());
        byAge.sort(Comparator.comparingLong(en -> en.lastUse));
        for (Entry en : byAge) {
            if (totalBytes <= limitBytes) {
                break;
            }
            if (en.info.id().equals(keep)) {
                continue;
            }
            index.remove(en.info.id());
            totalBytes -= en.info.bytes();
            try {
                Files.deleteIfExists(en.info.meta());
                Files.deleteIfExists(en.info.audio());
                LOG.info("evicted clip {} ({} bytes) to stay under the {} byte limit", en.info.id(), en.info.bytes(), limitBytes);
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot evict clip " + en.info.id(), ex);
            }
        }
    }

    private static void requireId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new IllegalArgumentException("bad clip id: " + id);
        }
    }
}
