package dev.longplay.server.security;

import dev.longplay.osc.PeerOwners;

import java.net.InetSocketAddress;
import java.util.OptionalInt;

/**
 * Which local user owns the client end of a loopback TCP connection accepted by the HTTP edge. The kernel's socket
 * tables are read by {@link PeerOwners#system()}, the one reading both edges share (OSC's for UDP and TCP, this one
 * for HTTP): the client's row is matched by its full address and port <em>and</em> the server's (ports alone let a
 * client that binds the server's port on another 127.0.0.x address borrow the server's own row), IPv4-mapped IPv6
 * folded to IPv4, rows of closed sockets (inode 0, listed as uid 0) ignored, and several owners mean unknown.
 *
 * <p>Empty means unknown (another host or network namespace, an ambiguous table, or a system without socket owner
 * tables); callers never treat unknown as the server's own user.
 */
public final class LoopbackPeerOwner {

    private static final PeerOwners SYSTEM = PeerOwners.system();

    private LoopbackPeerOwner() {
    }

    /** True where this system publishes socket owners (Linux with /proc). */
    public static boolean supported() {
        return SYSTEM.selfUid().isPresent();
    }

    /** The uid of this process (the owner its sockets carry), or -1 where the system does not say. */
    public static int currentUid() {
        return SYSTEM.selfUid().orElse(-1);
    }

    /**
     * The uid owning the client socket of an accepted TCP connection, or empty when it is not known for certain.
     *
     * @param remote the client's address and port, as the server's accepted socket sees it
     * @param local  the server's address and port on that same accepted socket
     */
    public static OptionalInt tcpOwnerUid(InetSocketAddress remote, InetSocketAddress local) {
        if (remote == null || local == null || remote.getAddress() == null || local.getAddress() == null) {
            return OptionalInt.empty();
        }
        return SYSTEM.tcpOwner(remote, local);
    }
}
