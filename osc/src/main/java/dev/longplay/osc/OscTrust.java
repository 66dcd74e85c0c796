package dev.longplay.osc;

import java.util.OptionalInt;

/**
 * Decides whether a client may command the server (see {@link OscTrustPolicy}): a loopback client whose socket the
 * server's own user owns, or one that proved the secret with {@code /auth} while it had the owner it has now.
 *
 * <p>A TCP connection's owner is read once, at accept (the connection cannot change hands). A UDP sender's owner is
 * read again after {@link OscTrustPolicy#ownerRecheck()}, because its port may be closed and bound by another user.
 */
final class OscTrust {
    private final OscTrustPolicy policy;
    private final OptionalInt self;
    private final long recheckNanos;
    private final long authExpiryNanos;

    OscTrust(OscTrustPolicy policy) {
        this.policy = policy;
        this.self = policy.owners().selfUid();
        this.recheckNanos = policy.ownerRecheck().toNanos();
        this.authExpiryNanos = policy.authExpiry().toNanos();
    }

    /** Reads a TCP client's owner, once, when the connection is accepted. */
    void ownTcp(OscSession s) {
        OptionalInt uid = s.remote().getAddress().isLoopbackAddress()
                ? policy.owners().tcpOwner(s.remote(), s.local()) : OptionalInt.empty();
        s.owner(new OscSession.Owner(uid, Long.MAX_VALUE));
        s.ownerKey(keyOf(s, uid));
    }

    /** Called for every packet of a client: an authentication unused for too long (UDP) lapses. */
    void seen(OscSession s, long nowNanos) {
        if (s.transport().equals("udp") && s.authenticatedAs() != null && nowNanos - s.lastSeenNanos() > authExpiryNanos) {
            s.deauthenticate();
        }
        s.seen(nowNanos);
    }

    boolean trusted(OscSession s, long nowNanos) {
        if (s.remote().getAddress().isLoopbackAddress() && policy.trustAnyLocalUser()) {
            return true;
        }
        OptionalInt uid = owner(s, nowNanos);
        if (self.isPresent() && uid.isPresent() && uid.getAsInt() == self.getAsInt()) {
            return true;
        }
        OscSession.Owner as = s.authenticatedAs();
        return as != null && as.uid().equals(uid);
    }

    /** Marks {@code s} authenticated as the owner it has now. */
    void authenticate(OscSession s, long nowNanos) {
        owner(s, nowNanos);
        s.authenticate(s.owner());
    }

    /** The client's owner, read from the tables when not known or too old; empty for other hosts. */
    OptionalInt owner(OscSession s, long nowNanos) {
        OscSession.Owner o = s.owner();
        if (o != null && (o.checkedNanos() == Long.MAX_VALUE || nowNanos - o.checkedNanos() < recheckNanos)) {
            return o.uid();
        }
        OptionalInt uid = s.remote().getAddress().isLoopbackAddress()
                ? policy.owners().udpOwner(s.remote(), s.local()) : OptionalInt.empty();
        s.owner(new OscSession.Owner(uid, nowNanos));
        s.ownerKey(keyOf(s, uid));
        return uid;
    }

    /** The key shares are counted by: the owner's uid, else the remote host. */
    String ownerKey(OscSession s, long nowNanos) {
        owner(s, nowNanos);
        return s.ownerKey();
    }

    private static String keyOf(OscSession s, OptionalInt uid) {
        return uid.isPresent() ? "uid:" + uid.getAsInt() : "host:" + s.remote().getAddress().getHostAddress();
    }
}
