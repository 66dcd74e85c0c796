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
    private static final class Bucket {
        double tokens;
        long updated;

        Bucket(double tokens, long updated) {
            this.tokens = tokens;
            this.updated = updated;
        }
    }

    private final Map<String, Bucket> buckets = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
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
        Bucket b = buckets.computeIfAbsent(client, k -> new Bucket(burst, now));
        b.tokens = Math.min(burst, b.tokens + (now - b.updated) * perNano);
        b.updated = now;
        if (b.tokens < 1) {
            return false;
        }
        b.tokens -= 1;
        return true;
    }

    /** Seconds until {@code client} has a token again (for Retry-After), at least 1. */
    public synchronized long retryAfterSeconds(String client) {
        Bucket b = buckets.get(client);
        double missing = b == null ? 0 : 1 - b.tokens;
        return Math.max(1, (long) Math.ceil(missing / (perNano * 1e9)));
    }
}
