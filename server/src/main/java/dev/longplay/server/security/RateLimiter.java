package dev.longplay.server.security;

import dev.longplay.osc.TokenBucketRateLimiter;

import java.util.function.LongSupplier;

/**
 * HTTP's rate limit: a token bucket per client name, {@code burst} requests at once, refilled at {@code perSecond};
 * the buckets are OSC's (one implementation for both edges), bounded to {@value #MAX_CLIENTS} clients.
 */
public final class RateLimiter {

    private static final int MAX_CLIENTS = 10_000;

    private final TokenBucketRateLimiter<String> buckets;
    private final LongSupplier clock;

    public RateLimiter(double burst, double perSecond) {
        this(burst, perSecond, System::nanoTime);
    }

    RateLimiter(double burst, double perSecond, LongSupplier clock) {
        this.buckets = new TokenBucketRateLimiter<>(perSecond, burst, MAX_CLIENTS);
        this.clock = clock;
    }

    /** Takes one token from {@code client}'s bucket; false when it is empty. */
    public boolean tryAcquire(String client) {
        return buckets.tryAcquire(client, clock.getAsLong());
    }

    /** Seconds until {@code client} has a token again (for Retry-After), at least 1. */
    public long retryAfterSeconds(String client) {
        return buckets.retryAfterSeconds(client);
    }
}
