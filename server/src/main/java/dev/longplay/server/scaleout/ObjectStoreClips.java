package dev.longplay.server.scaleout;

import dev.longplay.server.clips.ClipInfo;
import dev.longplay.server.clips.ClipStore;
import io.nats.client.JetStreamApiException;
import io.nats.client.ObjectStore;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.security.NoSuchAlgorithmException;

/** Clips through the JetStream object store {@value Subjects#CLIP_BUCKET} (kept for the bucket's TTL). */
final class ObjectStoreClips implements ClipTransport {

    private final ObjectStore bucket;

    ObjectStoreClips(ObjectStore bucket) {
        this.bucket = bucket;
    }

    @Override
    public void store(String jobId, ClipInfo staged) throws IOException {
        try {
            try (InputStream in = Files.newInputStream(staged.audio())) {
                bucket.put(Subjects.clipAudio(jobId), in);
            }
            try (InputStream in = Files.newInputStream(staged.meta())) {
                bucket.put(Subjects.clipMeta(jobId), in);
            }
        } catch (JetStreamApiException | NoSuchAlgorithmException e) {
            throw new IOException("cannot store clip " + jobId + " in the object store: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean fetch(String jobId, ClipStore into) throws IOException {
        try {
            if (bucket.getInfo(Subjects.clipMeta(jobId)) == null) {
                return false; // never stored, or not complete yet
            }
            ByteArrayOutputStream meta = new ByteArrayOutputStream();
            bucket.get(Subjects.clipMeta(jobId), meta);
            into.put(jobId, out -> {
                try {
                    bucket.get(Subjects.clipAudio(jobId), out);
                } catch (JetStreamApiException | InterruptedException | NoSuchAlgorithmException e) {
                    throw new IOException("cannot fetch clip " + jobId + " from the object store: " + e.getMessage(), e);
                }
            }, meta.toByteArray());
            return true;
        } catch (JetStreamApiException | InterruptedException | NoSuchAlgorithmException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IOException("cannot fetch clip " + jobId + " from the object store: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean delete(String jobId) throws IOException {
        try {
            boolean had = bucket.getInfo(Subjects.clipMeta(jobId)) != null;
            if (had) {
                bucket.delete(Subjects.clipMeta(jobId)); // the completion mark first, as the clip store deletes
            }
            if (bucket.getInfo(Subjects.clipAudio(jobId)) != null) {
                bucket.delete(Subjects.clipAudio(jobId));
            }
            return had;
        } catch (JetStreamApiException e) {
            throw new IOException("cannot delete clip " + jobId + " from the object store: " + e.getMessage(), e);
        }
    }
}
