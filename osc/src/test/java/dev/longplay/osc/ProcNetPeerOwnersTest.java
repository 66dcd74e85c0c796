package dev.longplay.osc;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Reading socket owners from /proc/net tables: matched by full address and port, ambiguity never trusted. */
class ProcNetPeerOwnersTest {
    private static final String HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";
    // 127.0.0.1 as this little-endian machine writes it; port 0xDF1C = 57116 (client), 0xDF64 = 57188 (server)
    private static final InetSocketAddress SERVER = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0xDF64);

    private static String row(int sl, String local, String remote, String state, int uid) {
        return String.format("  %d: %s %s %s 00000000:00000000 00:00000000 00000000 %5d        0 1234 2 0000000000000000 0%n",
                sl, local, remote, state, uid);
    }

    @Test
    void readsUdpAndTcpRowsOfIpv4AndMappedIpv6() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "rows below are written as x86 and ARM write them");
        InetSocketAddress client = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0xDF1C);
        String udp = HEADER
                + row(0, "0100007F:DF64", "00000000:0000", "07", 0)          // the server's own socket
                + row(1, "0100007F:DF1C", "00000000:0000", "07", 1000)       // an unconnected client
                + row(2, "0100007F:1F90", "00000000:0000", "07", 1001);      // someone else
        assertEquals(Set.of(1000), ProcNetPeerOwners.matches(udp, client, SERVER, true));
        // Java's dual-stack socket bound to 127.0.0.1 is listed in udp6 as ::ffff:127.0.0.1.
        String udp6 = HEADER + row(0, "0000000000000000FFFF00000100007F:DF1C", "00000000000000000000000000000000:0000", "07", 1002);
        assertEquals(Set.of(1002), ProcNetPeerOwners.matches(udp6, client, SERVER, true));
        // A wildcard-bound UDP socket on that port may be the sender too.
        String wildcard = HEADER + row(0, "00000000:DF1C", "00000000:0000", "07", 1003);
        assertEquals(Set.of(1003), ProcNetPeerOwners.matches(wildcard, client, SERVER, true));
        // TCP: the client's end of the connection, not the listening socket nor the server's end.
        String tcp = HEADER
                + row(0, "0100007F:DF64", "00000000:0000", "0A", 0)
                + row(1, "0100007F:DF64", "0100007F:DF1C", "01", 0)
                + row(2, "0100007F:DF1C", "0100007F:DF64", "01", 1004)
                + row(3, "0100007F:DF1C", "0100007F:0050", "01", 1005);      // same port, another connection
        assertEquals(Set.of(1004), ProcNetPeerOwners.matches(tcp, client, SERVER, false));
        // A TCP row bound to the wildcard address is never a connection's end.
        assertEquals(Set.of(), ProcNetPeerOwners.matches(HEADER + row(0, "00000000:DF1C", "0100007F:DF64", "01", 7), client, SERVER, false));
    }

    @Test
    void rowsOfClosedSocketsSayNothing() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "rows below are written as x86 and ARM write them");
        InetSocketAddress client = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0xDF1C);
        // TIME_WAIT (06) and orphaned sockets: uid 0 and inode 0, whoever opened them.
        String tcp = HEADER + String.format("   0: 0100007F:DF1C 0100007F:DF64 06 00000000:00000000 03:00001770 00000000     0        0 0 3 0000000000000000%n");
        assertEquals(Set.of(), ProcNetPeerOwners.matches(tcp, client, SERVER, false));
    }

    @Test
    void twoOwnersOfOnePortAreAmbiguous() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "rows below are written as x86 and ARM write them");
        InetSocketAddress client = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0xDF1C);
        String udp = HEADER
                + row(0, "0100007F:DF1C", "00000000:0000", "07", 0)
                + row(1, "00000000:DF1C", "00000000:0000", "07", 65534);     // SO_REUSEADDR: another user shares it
        assertEquals(Set.of(0, 65534), ProcNetPeerOwners.matches(udp, client, SERVER, true));
    }

    @Test
    void findsThisProcessAsTheOwnerOfItsOwnSockets() throws Exception {
        PeerOwners owners = PeerOwners.system();
        assumeTrue(owners.selfUid().isPresent(), "needs Linux socket tables");
        try (OscServerTransport server = OscServerTransport.start(OscServerConfig.defaults("1").withPorts(0, 0), new RecordingHandler());
             OscClient udp = OscClient.udp(server.udpAddress().orElseThrow());
             OscClient tcp = OscClient.tcp(server.tcpAddress().orElseThrow())) {
            InetSocketAddress me = new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.localPort());
            assertEquals(owners.selfUid(), owners.udpOwner(me, server.udpAddress().orElseThrow()));
            InetSocketAddress meTcp = new InetSocketAddress(InetAddress.getLoopbackAddress(), tcp.localPort());
            assertEquals(owners.selfUid(), owners.tcpOwner(meTcp, server.tcpAddress().orElseThrow()));
        }
    }
}
