package dev.longplay.osc;

import java.time.Duration;

/**
 * What one client may hold of the transport's shared resources, so that no client can shut the others out. A client
 * is a UDP sender's address and port or one TCP connection; an owner is the local user behind it (its uid), or the
 * remote host where the user cannot be told.
 *
 * @param globalRatePerSecond  packets per second all clients together may send (refill of one shared bucket)
 * @param globalBurst          the shared bucket's size
 * @param maxScheduledPerClient future bundles and at/atBeat commands one client may have waiting
 * @param maxRegisteredPerOwner /notify registrations one owner may hold
 * @param maxTcpPerOwner       TCP connections one owner may have open
 * @param tcpIdleTimeout       a TCP connection that sends nothing for this long is closed
 * @param tcpAuthTimeout       a TCP connection that is not trusted and has not authenticated within this is closed
 */
public record OscClientLimits(double globalRatePerSecond, int globalBurst, int maxScheduledPerClient,
                              int maxRegisteredPerOwner, int maxTcpPerOwner, Duration tcpIdleTimeout,
                              Duration tcpAuthTimeout) {

    public OscClientLimits {
        if (!(globalRatePerSecond > 0) || globalBurst < 1 || maxScheduledPerClient < 1 || maxRegisteredPerOwner < 1
                || maxTcpPerOwner < 1) {
            throw new IllegalArgumentException("client limits must be positive");
        }
        if (tcpIdleTimeout.isNegative() || tcpIdleTimeout.isZero() || tcpAuthTimeout.isNegative() || tcpAuthTimeout.isZero()) {
            throw new IllegalArgumentException("TCP timeouts must be positive");
        }
    }

    public static OscClientLimits defaults() {
        return new OscClientLimits(5_000, 10_000, 256, 16, 8, Duration.ofMinutes(5), Duration.ofSeconds(10));
    }

    public OscClientLimits withGlobalRate(double perSecond, int burst) {
        return new OscClientLimits(perSecond, burst, maxScheduledPerClient, maxRegisteredPerOwner, maxTcpPerOwner,
                tcpIdleTimeout, tcpAuthTimeout);
    }

    public OscClientLimits withTcpTimeouts(Duration idle, Duration auth) {
        return new OscClientLimits(globalRatePerSecond, globalBurst, maxScheduledPerClient, maxRegisteredPerOwner,
                maxTcpPerOwner, idle, auth);
    }

    /** Scheduled commands per client, /notify registrations and TCP connections per owner. */
    public OscClientLimits withShares(int scheduled, int registered, int tcp) {
        return new OscClientLimits(globalRatePerSecond, globalBurst, scheduled, registered, tcp, tcpIdleTimeout,
                tcpAuthTimeout);
    }
}
