package dev.longplay.osc;

import java.net.InetAddress;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-host token buckets: each packet costs one token, tokens refill at {@code ratePerSecond} up to
 * {@code burst}. Keyed by host, not host:port, so a sender cannot escape by changing ports; the table is
 * bounded (least recently seen hosts are forgotten, which only ever gives them a fresh, full bucket).
 */
public final class TokenBucketRateLimiter {
    private final double ratePerNano;
    private final double burst;
    private final Map<InetAddress, Bucket> buckets;

    public TokenBucketRateLimiter(double ratePerSecond, int burst, int maxHosts) {
        if (ratePerSecond <= 0 || burst <= 0 || maxHosts <= 0) {
            throw new IllegalArgumentException("rate, burst and maxHosts must be positive");
        }
        this.ratePerNano = ratePerSecond / 1e9;
        this.burst = burst;
        this.buckets = new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<InetAddress, Bucket> eldest) {
                return size() > maxHosts;
            }
        };
    }

    /** Takes one token for {@code host} at time {@code nowNanos} (System.nanoTime()); false = over the limit. */
    public synchronized boolean tryAcquire(InetAddress host, long nowNanos) {
        Bucket b = buckets.computeIfAbsent(host, h -> new Bucket(burst, nowNanos));
        b.tokens = Math.min(burst, b.tokens + (nowNanos - b.lastNanos) * ratePerNano);
        b.lastNanos = nowNanos;
        if (b.tokens < 1) {
            return false;
        }
        b.tokens -= 1;
        return true;
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
