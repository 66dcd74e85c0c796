package dev.longplay.osc;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Token buckets per key (OSC: each client, a UDP address and port or a TCP connection, beside one shared bucket for
 * all; HTTP: the client): each
 * request costs one token, tokens refill at {@code ratePerSecond} up to {@code burst}. The table is bounded (least
 * recently seen keys are forgotten, which only ever gives them a fresh, full bucket).
 */
public final class TokenBucketRateLimiter<K> {
    private final double ratePerNano;
    private final double burst;
    private final Map<K, Bucket> buckets;

    public TokenBucketRateLimiter(double ratePerSecond, double burst, int maxKeys) {
        if (ratePerSecond <= 0 || burst < 1 || maxKeys <= 0) {
            throw new IllegalArgumentException("a rate limit needs a positive rate, burst >= 1 and maxKeys > 0");
        }
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.buckets = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<K, Bucket> eldest) {
                return size() > maxKeys;
            }
        };
    }

    /** Takes one token for {@code key} at time {@code nowNanos} (System.nanoTime()); false = over the limit. */
    public synchronized boolean tryAcquire(K key, long nowNanos) {
        Bucket b = buckets.computeIfAbsent(key, h -> new Bucket(burst, nowNanos));
        b.tokens = Math.min(burst, b.tokens + (nowNanos - b.lastNanos) * ratePerNano);
        b.lastNanos = nowNanos;
        if (b.tokens < 1) {
            return false;
        }
        b.tokens -= 1;
        return true;
    }

    /** Seconds until {@code key} has a token again (for Retry-After), at least 1. */
    public synchronized long retryAfterSeconds(K key) {
        Bucket b = buckets.get(key);
        double missing = b == null ? 0 : 1 - b.tokens;
        return Math.max(1, (long) Math.ceil(missing / (ratePerNano * 1e9)));
    }

    private static final class Bucket {
        double tokens;
        long lastNanos;

        Bucket(double tokens, long lastNanos) {
            this.tokens = tokens;
            this.lastNanos = lastNanos;
        }
    }
}
