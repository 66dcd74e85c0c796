package dev.longplay.server.clips;

import java.nio.file.Path;
import java.time.Instant;

/** A complete clip on disk: its audio and its metadata JSON. */
public record ClipInfo(String id, Path audio, Path meta, long bytes, Instant created) {
}
