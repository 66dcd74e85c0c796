package dev.longplay.server.scaleout;

import dev.longplay.server.jobs.ModelInfo;

import java.time.Instant;
import java.util.List;

/** What a worker puts in the workers bucket, refreshed while it lives (the bucket's TTL drops silent ones). */
public record WorkerAnnouncement(String worker, List<ModelInfo> models, Instant at) {
}
