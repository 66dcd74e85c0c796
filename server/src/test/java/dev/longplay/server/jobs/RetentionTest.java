package dev.longplay.server.jobs;

import dev.longplay.server.clips.OutputFormat;
import dev.longplay.server.clips.UploadStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Old finished jobs and old uploads go; unfinished jobs, recent ones, and uploads a waiting job reads stay. */
class RetentionTest {

    @TempDir
    Path root;

    @Test
    void sweepsOnlyWhatIsOldAndUnused() throws Exception {
        Instant now = Instant.parse("2026-11-25T12:00:00Z");
        UploadStore uploads = UploadStore.open(Files.createDirectories(root.resolve("uploads")));
        Path oldFree = upload(uploads, now.minus(Duration.ofDays(10)));
        Path oldInUse = upload(uploads, now.minus(Duration.ofDays(10)));
        Path recent = upload(uploads, now.minus(Duration.ofDays(1)));
        try (JobStore store = JobStore.open(root.resolve("jobs.db"))) {
            store.insert(job("old-done", 1, JobState.SUCCEEDED, now.minus(Duration.ofDays(40)), null));
            store.insert(job("old-failed", 2, JobState.FAILED, now.minus(Duration.ofDays(31)), null));
            store.insert(job("recent-done", 3, JobState.SUCCEEDED, now.minus(Duration.ofDays(2)), null));
            store.insert(job("waiting", 4, JobState.QUEUED, null, oldInUse));

            assertArrayEquals(new int[]{2, 1}, Retention.DEFAULT.sweep(store, uploads, now));

            assertFalse(store.get("old-done").isPresent());
            assertFalse(store.get("old-failed").isPresent());
            assertTrue(store.get("recent-done").isPresent());
            assertTrue(store.get("waiting").isPresent());
            assertFalse(Files.exists(oldFree));
            assertTrue(Files.exists(oldInUse), "a queued job still reads it");
            assertTrue(Files.exists(recent));
            assertArrayEquals(new int[]{0, 0}, Retention.DEFAULT.sweep(store, uploads, now));
        }
    }

    private static Path upload(UploadStore uploads, Instant written) throws Exception {
        byte[] wav = new byte[44];
        System.arraycopy("RIFF".getBytes(), 0, wav, 0, 4);
        System.arraycopy("WAVE".getBytes(), 0, wav, 8, 4);
        Path p = uploads.get(uploads.save(wav)).orElseThrow();
        Files.setLastModifiedTime(p, FileTime.from(written));
        return p;
    }

    private static JobRecord job(String id, long seq, JobState state, Instant finished, Path init) {
        GenerationRequest r = GenerationRequest.builder().mode(init == null ? Mode.TEXT : Mode.AUDIO_TO_AUDIO)
                .prompt("p").seconds(1.0).initAudio(init).priority(Priority.BATCH).format(OutputFormat.WAV_PCM16)
                .build();
        Instant created = finished == null ? Instant.parse("2026-11-25T11:00:00Z") : finished.minusSeconds(60);
        return new JobRecord(id, seq, r, state, "test", created, finished == null ? null : created, finished, 1,
                state == JobState.SUCCEEDED ? id : null, null, null);
    }
}
