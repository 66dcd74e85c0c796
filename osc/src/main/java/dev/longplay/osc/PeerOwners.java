package dev.longplay.osc;

import java.net.InetSocketAddress;
import java.util.OptionalInt;

/**
 * Which local user owns the socket at the other end of a packet or connection: the basis of trusting loopback
 * clients run by the server's own user without a secret. Empty means unknown (another host, another network
 * namespace, an ambiguous table, or a system that does not publish socket owners), and unknown is never trusted.
 */
public interface PeerOwners {

    /** The uid of the server process, or empty where it cannot be told. */
    OptionalInt selfUid();

    /** The owner of the UDP socket that sent from {@code sender} to the server's socket at {@code server}. */
    OptionalInt udpOwner(InetSocketAddress sender, InetSocketAddress server);

    /** The owner of the client socket of the TCP connection {@code client} to {@code server}. */
    OptionalInt tcpOwner(InetSocketAddress client, InetSocketAddress server);

    /** Knows no owner: every client must authenticate (systems without socket owner tables). */
    static PeerOwners unknown() {
        return new PeerOwners() {
            @Override
            public OptionalInt selfUid() {
                return OptionalInt.empty();
            }

            @Override
            public OptionalInt udpOwner(InetSocketAddress sender, InetSocketAddress server) {
                return OptionalInt.empty();
            }

            @Override
            public OptionalInt tcpOwner(InetSocketAddress client, InetSocketAddress server) {
                return OptionalInt.empty();
            }
        };
    }

    /** The socket tables of this system: Linux's {@code /proc/net}, else {@link #unknown()}. */
    static PeerOwners system() {
        return ProcNetPeerOwners.supported() ? new ProcNetPeerOwners() : unknown();
    }
}
