package dev.longplay.server.security;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A token bucket per client: {@code burst} requests at once, refilled at {@code perSecond}. The table of clients
 * is bounded (least recently seen dropped) so a flood of client names cannot grow it without end.
 */
public final class RateLimiter {

    private static final int MAX_CLIENTS = 10_000;

    private final double burst;
    private final double perNano;
    private final LongSupplier clock;
    private final Map<String, double[]> buckets = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, double[]> eldest) {
            return size() > MAX_CLIENTS;
        }
    };

    public RateLimiter(double burst, double perSecond) {
        this(burst, perSecond, System::nanoTime);
    }

    RateLimiter(double burst, double perSecond, LongSupplier clock) {
        if (burst < 1 || perSecond <= 0) {
            throw new IllegalArgumentException("a rate limit needs burst >= 1 and a positive rate");
        }
        this.burst = burst;
        this.perNano = perSecond / 1e9;
        this.clock = clock;
    }

    /** Takes one token from {@code client}'s bucket; false when it is empty. */
    public synchronized boolean tryAcquire(String client) {
        long now = clock.getAsLong();
        double[] b = buckets.computeIfAbsent(client, k -> new double[]{burst, now});
        b[0] = Math.min(burst, b[0] + (now - (long) b[1]) * perNano);
        b[1] = now;
        if (b[0] < 1) {
            return false;
        }
        b[0] -= 1;
        return true;
    }

    /** Seconds until {@code client} has a token again (for Retry-After), at least 1. */
    public synchronized long retryAfterSeconds(String client) {
        double[] b = buckets.get(client);
        double missing = b == null ? 0 : 1 - b[0];
        return Math.max(1, (long) Math.ceil(missing / (perNano * 1e9)));
    }
}
