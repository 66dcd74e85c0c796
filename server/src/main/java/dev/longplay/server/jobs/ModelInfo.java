package dev.longplay.server.jobs;

/**
 * A model a renderer can run, as {@code GET /v1/models} and {@code /v1/health} report it.
 *
 * @param hash       content hash of the weights (recorded in every clip's metadata)
 * @param device     where it runs, e.g. "cpu" or "cuda:0"
 * @param maxSeconds the longest clip it renders in one window
 */
public record ModelInfo(String id, String description, String hash, String device, int sampleRate, double maxSeconds, boolean loaded) {
}
