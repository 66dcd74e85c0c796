package dev.longplay.server.jobs;

/** A span of a clip in seconds, [start, end): for inpainting, the part to regenerate. */
public record TimeRange(double start, double end) {

    public TimeRange {
        if (!Double.isFinite(start) || !Double.isFinite(end) || start < 0 || end <= start) {
            throw new IllegalArgumentException("a time range needs 0 <= start < end, got [" + start + ", " + end + ")");
        }
    }
}
