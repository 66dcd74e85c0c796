package dev.longplay.server.security;

import dev.longplay.server.SineRenderer;
import dev.longplay.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Finding A: another local user must not get a web console session (which can write) by borrowing the socket-table
 * row of the server's own user. The attacker is a real process of uid 65534 with the exact headers a browser sends.
 */
class ConsoleSessionAttackTest {

    @TempDir
    static Path root;
    static TestServer s;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        s = TestServer.start(root, new SineRenderer(5, 2, 0.5f), 1, 16);
        port = s.server.baseUri().getPort();
    }

    @AfterAll
    static void stop() throws Exception {
        s.close();
    }

    static String sessionRequest() {
        return "POST /v1/session HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nOrigin: http://127.0.0.1:" + port
                + "\r\nSec-Fetch-Site: same-origin\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
    }

    /**
     * The client binds its source port to the server's own port on another 127.0.0.x address, as an IPv4-mapped IPv6
     * socket: matching rows by ports alone then finds the server's accepted socket (owned by the server's user).
     */
    @Test
    void anotherUserBindingTheServersPortOnAnotherLoopbackAddressGetsNoSession() throws Exception {
        assumeTrue(OtherUser.available(), "needs Linux, root and setpriv to act as another user");
        for (int i = 2; i < 8; i++) {
            OtherUser.Result r = OtherUser.run(root, sessionRequest(), "tcp", "::ffff:127.0.0." + i, Integer.toString(port), "127.0.0.1",
                    Integer.toString(port));
            assertTrue(r.out().startsWith("HTTP/1.1 403"), "try " + i + ": " + r.out());
            assertTrue(r.out().contains("install token"), r.out());
            assertFalse(r.out().contains("Set-Cookie"), r.out());
        }
        // Control: the server's own user with the very same trick still gets its session.
        OtherUser.Result mine = OtherUser.runAsSelf(root, sessionRequest(), "tcp", "::ffff:127.0.0.8", Integer.toString(port), "127.0.0.1",
                Integer.toString(port));
        assertTrue(mine.out().startsWith("HTTP/1.1 200") && mine.out().contains("Set-Cookie: longplay_session_"), mine.out());
    }

    /**
     * A closed connection of the server's user leaves a TIME_WAIT row (uid 0, no owner) with the same ports; another
     * user connecting from that source port on another address must not be taken for it.
     */
    @Test
    void aTimeWaitRowOfTheServersUserLendsNoOwner() throws Exception {
        assumeTrue(OtherUser.available(), "needs Linux, root and setpriv to act as another user");
        for (int i = 0; i < 4; i++) {
            InetAddress mineAddress = InetAddress.getByName("127.0.0." + (20 + 2 * i));
            int sourcePort;
            try (Socket mine = new Socket()) {
                mine.bind(new InetSocketAddress(mineAddress, 0));
                mine.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                sourcePort = mine.getLocalPort();
            } // this side closes first (with nothing unread, so a FIN, not a reset): its row goes to TIME_WAIT
            awaitTimeWait(mineAddress, sourcePort);
            OtherUser.Result r = OtherUser.run(root, sessionRequest(), "tcp", "127.0.0." + (21 + 2 * i), Integer.toString(sourcePort),
                    "127.0.0.1", Integer.toString(port));
            assertTrue(r.out().startsWith("HTTP/1.1 403"), "try " + i + ": " + r.out());
            assertFalse(r.out().contains("Set-Cookie"), r.out());
        }
    }

    private static void awaitTimeWait(InetAddress address, int sourcePort) throws Exception {
        // The table prints each 32-bit word of an address in this machine's byte order (IPv4-mapped in tcp6: the last word).
        String local = String.format("%08X:%04X", java.nio.ByteBuffer.wrap(address.getAddress()).order(java.nio.ByteOrder.nativeOrder()).getInt(),
                sourcePort);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            String tables = Files.readString(Path.of("/proc/net/tcp")) + Files.readString(Path.of("/proc/net/tcp6"));
            for (String line : tables.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 3 && f[1].toUpperCase().endsWith(local) && f[2].toUpperCase().endsWith(String.format(":%04X", port))
                        && f[3].equals("06")) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("no TIME_WAIT row for " + address + ":" + sourcePort);
    }
}
