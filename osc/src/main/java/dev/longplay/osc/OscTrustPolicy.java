package dev.longplay.osc;

import java.time.Duration;

/**
 * Who may command the server without {@code /auth}: loopback clients whose socket belongs to the server's own user
 * (they could read its secret anyway). Everyone else (other local users, other hosts, and every client where socket
 * owners cannot be told) must send {@code /auth <secret>} first.
 *
 * @param owners            tells the owner of a client's socket
 * @param trustAnyLocalUser trust every loopback client whatever its owner: for systems without socket owner tables,
 *                          where only one person uses the machine
 * @param ownerRecheck      how long a UDP sender's owner is remembered before the tables are read again (a port
 *                          closed by one user can be bound by another)
 * @param authExpiry        a UDP sender's authentication lapses after this long without a packet
 */
public record OscTrustPolicy(PeerOwners owners, boolean trustAnyLocalUser, Duration ownerRecheck, Duration authExpiry) {

    public static OscTrustPolicy defaults() {
        return new OscTrustPolicy(PeerOwners.system(), false, Duration.ofMillis(500), Duration.ofMinutes(30));
    }

    public OscTrustPolicy withOwners(PeerOwners o) {
        return new OscTrustPolicy(o, trustAnyLocalUser, ownerRecheck, authExpiry);
    }

    public OscTrustPolicy trustingAnyLocalUser() {
        return new OscTrustPolicy(owners, true, ownerRecheck, authExpiry);
    }

    public OscTrustPolicy withAuthExpiry(Duration expiry) {
        return new OscTrustPolicy(owners, trustAnyLocalUser, ownerRecheck, expiry);
    }
}
