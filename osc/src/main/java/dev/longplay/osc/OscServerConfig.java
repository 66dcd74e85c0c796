package dev.longplay.osc;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * How the OSC transport listens. Loopback by default; binding anything else is LAN mode and requires a
 * shared secret (local model servers exposed by a bind setting are a known disaster).
 *
 * @param udpPort          UDP port, 0 for any free one, -1 for no UDP
 * @param tcpPort          TCP (SLIP) port, 0 for any free one, -1 for no TCP
 * @param secret           the secret untrusted clients prove with /auth; required in LAN mode. Without one only
 *                         trusted clients (see {@link OscTrustPolicy}) can command the server
 * @param maxPacketBytes   larger datagrams and SLIP frames are dropped unread
 * @param ratePerSecond    packets per second allowed per client (UDP address and port, or TCP connection)
 * @param burst            packets a client may send at once (token bucket size)
 * @param maxClients       clients registered with /notify, and UDP senders remembered
 * @param maxTcpConnections TCP connections open at once
 * @param maxScheduled     future bundles and at/atBeat commands waiting at once, all clients together
 * @param maxScheduleAhead how far in the future a command may be scheduled
 * @param beatClock        the clock for the atBeat option, or empty
 * @param trust            which clients need no /auth
 * @param limits           what one client or owner may hold, and the TCP timeouts
 */
public record OscServerConfig(InetAddress bindAddress, int udpPort, int tcpPort, Optional<String> secret,
                              int maxPacketBytes, double ratePerSecond, int burst, int maxClients,
                              int maxTcpConnections, int maxScheduled, Duration maxScheduleAhead,
                              String serverVersion, Optional<BeatClock> beatClock, OscTrustPolicy trust,
                              OscClientLimits limits) {
    public static final int DEFAULT_PORT = 57300;
    public static final int MIN_SECRET_LENGTH = 12;

    public OscServerConfig {
        if (!bindAddress.isLoopbackAddress() && secret.isEmpty()) {
            throw new IllegalArgumentException("LAN mode (binding " + bindAddress.getHostAddress()
                    + ") requires a shared secret");
        }
        if (secret.isPresent() && secret.get().length() < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException("the shared secret must have at least " + MIN_SECRET_LENGTH + " characters");
        }
        if (maxPacketBytes < 64 || maxPacketBytes > 65_507) {
            throw new IllegalArgumentException("maxPacketBytes must be between 64 and 65507");
        }
        if (udpPort < -1 || udpPort > 65535 || tcpPort < -1 || tcpPort > 65535) {
            throw new IllegalArgumentException("ports must be -1 (off), 0 (any) or 1..65535");
        }
        if (maxScheduleAhead.isNegative() || maxScheduleAhead.isZero()) {
            throw new IllegalArgumentException("maxScheduleAhead must be positive");
        }
    }

    /** Loopback, the default port for UDP and TCP, no secret, limits for a musician's machine. */
    public static OscServerConfig defaults(String serverVersion) {
        return new OscServerConfig(InetAddress.getLoopbackAddress(), DEFAULT_PORT, DEFAULT_PORT, Optional.empty(),
                16_384, 500, 1_000, 64, 32, 10_000, Duration.ofSeconds(60), serverVersion, Optional.empty(),
                OscTrustPolicy.defaults(), OscClientLimits.defaults());
    }

    public boolean lanMode() {
        return !bindAddress.isLoopbackAddress();
    }

    public OscServerConfig withPorts(int udp, int tcp) {
        return new OscServerConfig(bindAddress, udp, tcp, secret, maxPacketBytes, ratePerSecond, burst, maxClients,
                maxTcpConnections, maxScheduled, maxScheduleAhead, serverVersion, beatClock, trust, limits);
    }

    /** LAN mode (or any address): bind this address and let untrusted clients /auth with this secret. */
    public OscServerConfig withBind(InetAddress bind, String sharedSecret) {
        return new OscServerConfig(bind, udpPort, tcpPort, Optional.of(sharedSecret), maxPacketBytes, ratePerSecond,
                burst, maxClients, maxTcpConnections, maxScheduled, maxScheduleAhead, serverVersion, beatClock, trust, limits);
    }

    /** The secret untrusted clients /auth with, keeping the bind address. */
    public OscServerConfig withSecret(String sharedSecret) {
        return withBind(bindAddress, sharedSecret);
    }

    public OscServerConfig withRateLimit(double perSecond, int burstSize) {
        return new OscServerConfig(bindAddress, udpPort, tcpPort, secret, maxPacketBytes, perSecond, burstSize,
                maxClients, maxTcpConnections, maxScheduled, maxScheduleAhead, serverVersion, beatClock, trust, limits);
    }

    public OscServerConfig withMaxPacketBytes(int bytes) {
        return new OscServerConfig(bindAddress, udpPort, tcpPort, secret, bytes, ratePerSecond, burst, maxClients,
                maxTcpConnections, maxScheduled, maxScheduleAhead, serverVersion, beatClock, trust, limits);
    }

    public OscServerConfig withBeatClock(BeatClock clock) {
        return new OscServerConfig(bindAddress, udpPort, tcpPort, secret, maxPacketBytes, ratePerSecond, burst,
                maxClients, maxTcpConnections, maxScheduled, maxScheduleAhead, serverVersion, Optional.of(clock), trust, limits);
    }

    /** Shared caps: registered clients, TCP connections, scheduled commands, and how far ahead they may be. */
    public OscServerConfig withCapacity(int clients, int tcpConnections, int scheduled, Duration scheduleAhead) {
        return new OscServerConfig(bindAddress, udpPort, tcpPort, secret, maxPacketBytes, ratePerSecond, burst,
                clients, tcpConnections, scheduled, scheduleAhead, serverVersion, beatClock, trust, limits);
    }

    public OscServerConfig withTrust(OscTrustPolicy policy) {
        return new OscServerConfig(bindAddress, udpPort, tcpPort, secret, maxPacketBytes, ratePerSecond, burst,
                maxClients, maxTcpConnections, maxScheduled, maxScheduleAhead, serverVersion, beatClock, policy, limits);
    }

    public OscServerConfig withLimits(OscClientLimits clientLimits) {
        return new OscServerConfig(bindAddress, udpPort, tcpPort, secret, maxPacketBytes, ratePerSecond, burst,
                maxClients, maxTcpConnections, maxScheduled, maxScheduleAhead, serverVersion, beatClock, trust, clientLimits);
    }
}
