package dev.longplay.server.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The socket-owner lookup against real sockets of this process and of another user. The table matching itself is
 * unit-tested where it lives ({@code dev.longplay.osc.ProcNetPeerOwnersTest}).
 */
class LoopbackPeerOwnerTest {

    static final dev.longplay.osc.PeerOwners UDP = dev.longplay.osc.PeerOwners.system();

    @TempDir
    Path scratch;

    @Test
    void ownTcpAndUdpSocketsAreThisUsersAndUnknownOnesAreEmpty() throws Exception {
        assumeTrue(LoopbackPeerOwner.supported(), "Linux socket tables");
        int self = LoopbackPeerOwner.currentUid();
        try (ServerSocket server = new ServerSocket(0, 4, InetAddress.getByName("127.0.0.1"));
             Socket client = new Socket()) {
            client.bind(new InetSocketAddress("::ffff:127.0.0.3", 0)); // a dual-stack socket: its row is in tcp6, mapped
            client.connect(server.getLocalSocketAddress());
            try (Socket accepted = server.accept()) {
                var remote = (InetSocketAddress) accepted.getRemoteSocketAddress();
                var local = (InetSocketAddress) accepted.getLocalSocketAddress();
                assertEquals(OptionalInt.of(self), LoopbackPeerOwner.tcpOwnerUid(remote, local));
                assertEquals(OptionalInt.empty(), LoopbackPeerOwner.tcpOwnerUid(new InetSocketAddress("127.0.0.4", remote.getPort()), local));
            }
        }
        // UDP through the same shared reading (PeerOwners), as the OSC edge asks it.
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", 9);
        try (DatagramSocket wildcard = new DatagramSocket(0); DatagramSocket bound = new DatagramSocket(0, InetAddress.getByName("127.0.0.5"))) {
            assertEquals(OptionalInt.of(self), UDP.udpOwner(new InetSocketAddress("127.0.0.1", wildcard.getLocalPort()), server));
            assertEquals(OptionalInt.of(self), UDP.udpOwner(new InetSocketAddress("127.0.0.5", bound.getLocalPort()), server));
            assertEquals(OptionalInt.empty(), UDP.udpOwner(new InetSocketAddress("127.0.0.6", bound.getLocalPort()), server));
        }
    }

    @Test
    void anotherUsersUdpSenderIsNamedByItsOwnAddressAndPort() throws Exception {
        assumeTrue(OtherUser.available(), "needs Linux, root and setpriv to act as another user");
        try (DatagramSocket server = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
            server.setSoTimeout(20_000);
            // The other user sends from the server's own port on another loopback address.
            CompletableFuture<OtherUser.Result> sender = CompletableFuture.supplyAsync(() -> {
                try {
                    return OtherUser.run(scratch, "ping", "udp", "127.0.0.7", Integer.toString(server.getLocalPort()), "127.0.0.1",
                            Integer.toString(server.getLocalPort()));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            DatagramPacket p = new DatagramPacket(new byte[64], 64);
            server.receive(p);
            assertEquals(OptionalInt.of(OtherUser.UID), UDP.udpOwner((InetSocketAddress) p.getSocketAddress(),
                    (InetSocketAddress) server.getLocalSocketAddress()));
            server.send(new DatagramPacket(new byte[]{'o', 'k'}, 2, p.getSocketAddress()));
            assertTrue(sender.get().out().contains("ok"), sender.get().out());
        }
    }
}
