package dev.longplay.server.scaleout;

import dev.longplay.server.jobs.ServedModel;

import java.time.Instant;
import java.util.List;

/** What a worker puts in the workers bucket, refreshed while it lives (the bucket's TTL drops silent ones). */
public record WorkerAnnouncement(String worker, List<ServedModel> models, Instant at) {
}
