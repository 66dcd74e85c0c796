package dev.longplay.server.clips;

/**
 * The uploads folder's byte budget, shared by the stored uploads and every upload still arriving. An upload reserves
 * its bytes before they are written (all of them up front when its length is declared), so concurrent uploads cannot
 * together pass the limit; a failed upload gives its reservation back, a deleted file its size.
 *
 * <p>Invariant: {@code 0 <= used() <= limitBytes()} at all times.
 */
public final class UploadQuota {

    private final long limitBytes;
    private long used;

    public UploadQuota(long limitBytes) {
        if (limitBytes <= 0) {
            throw new IllegalArgumentException("the upload quota must be positive, got " + limitBytes);
        }
        this.limitBytes = limitBytes;
    }

    /** Takes {@code bytes} from the budget; false (and nothing taken) when they would pass the limit. */
    public synchronized boolean tryReserve(long bytes) {
        if (bytes < 0 || bytes > limitBytes - used) {
            return false;
        }
        used += bytes;
        return true;
    }

    /** Counts bytes already on disk (found at start), up to the limit: past it, new uploads wait for room. */
    synchronized void addExisting(long bytes) {
        used = Math.min(limitBytes, used + bytes);
    }

    /** Gives {@code bytes} back (a failed upload's reservation, a deleted file). */
    public synchronized void release(long bytes) {
        used = Math.max(0, used - bytes);
    }

    public synchronized long used() {
        return used;
    }

    public long limitBytes() {
        return limitBytes;
    }
}
