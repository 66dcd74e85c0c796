package dev.longplay.server.jobs;

/**
 * A model this server (or its workers) can render with, as {@code GET /v1/models} and {@code /v1/health} report it;
 * what a checkpoint folder itself holds is {@code dev.longplay.models.CheckpointSummary}.
 *
 * @param hash       content hash of the weights (recorded in every clip's metadata)
 * @param device     where it runs, e.g. "cpu" or "cuda:0"
 * @param maxSeconds the longest clip it renders in one window
 */
public record ServedModel(String id, String description, String hash, String device, int sampleRate, double maxSeconds, boolean loaded) {
}
