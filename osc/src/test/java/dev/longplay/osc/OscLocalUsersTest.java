package dev.longplay.osc;

import com.fasterxml.jackson.databind.JsonNode;
import com.illposed.osc.OSCMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Loopback OSC as a shared machine sees it: clients of the server's own user need no set-up, another local user
 * (uid 65534, through setpriv) is refused until it proves the secret, and cannot hold the shared resources.
 */
class OscLocalUsersTest {
    private static final Duration WAIT = Duration.ofSeconds(3);
    private static final String SECRET = "correct horse battery staple";
    private final RecordingHandler handler = new RecordingHandler();
    private OscServerTransport server;

    private OscServerTransport start(OscServerConfig config) throws IOException {
        server = OscServerTransport.start(config.withPorts(0, 0), handler);
        return server;
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private int udpPort() {
        return server.udpAddress().orElseThrow().getPort();
    }

    private int tcpPort() {
        return server.tcpAddress().orElseThrow().getPort();
    }

    private long generated() {
        return handler.accepted.stream().filter(r -> r.address().equals("/gen/text")).count();
    }

    @Test
    void anotherUserIsRefusedUntilItSendsTheSecret() throws Exception {
        OtherUser.assumeAvailable();
        start(OscServerConfig.defaults("1").withSecret(SECRET));
        for (String transport : List.of("udp", "tcp")) {
            int port = transport.equals("udp") ? udpPort() : tcpPort();
            long before = generated();
            List<JsonNode> r = OtherUser.talk(transport, port,
                    new Object[]{"/gen/text", 1, "a stolen pad", 2},
                    new Object[]{"/clip/free", "clip-1"},
                    new Object[]{"/clip/list"},
                    new Object[]{"/status"},
                    new Object[]{"/notify", 1},
                    new Object[]{"/version"},
                    new Object[]{"/auth", "not the secret"},
                    new Object[]{"/gen/text", 2, "still refused", 2},
                    new Object[]{"/auth", SECRET},
                    new Object[]{"/gen/text", 3, "now allowed", 2});
            assertEquals(10, r.size(), transport + " " + r);
            for (int i = 0; i < 5; i++) {
                assertEquals("/fail", r.get(i).get(0).asText(), transport + " " + r.get(i));
                assertEquals("E_AUTH", r.get(i).get(2).asText(), transport + " " + r.get(i));
            }
            assertEquals("/version.reply", r.get(5).get(0).asText(), transport + " " + r.get(5));
            assertEquals(List.of("/fail", "/auth", "E_AUTH", "/auth: wrong secret"), OtherUser.args(r.get(6)));
            assertEquals("E_AUTH", r.get(7).get(2).asText(), transport + " " + r.get(7));
            assertEquals(List.of("/done", "/auth"), OtherUser.args(r.get(8)));
            assertEquals(List.of("/done", "/gen/text", 3), OtherUser.args(r.get(9)).subList(0, 3), transport);
            // Only the authenticated request reached the handler.
            assertEquals(before + 1, generated(), transport);
        }
        // The server's own user needs nothing of that.
        try (OscClient mine = OscClient.udp(server.udpAddress().orElseThrow())) {
            mine.send("/gen/text", 4, "my pad", 2);
            assertEquals("/gen/text", mine.await("/done", WAIT).getArguments().get(0));
        }
    }

    @Test
    void aPortTheServersUserClosedGivesAnotherUserNothing() throws Exception {
        OtherUser.assumeAvailable();
        start(OscServerConfig.defaults("1"));
        int port;
        try (OscClient mine = OscClient.udp(server.udpAddress().orElseThrow())) {
            port = mine.localPort();
            mine.send("/status");
            assertNotNull(mine.await("/status.reply", WAIT));
        }
        // The same address and port, now another user's socket: the owner is read again, not remembered.
        Thread.sleep(OscTrustPolicy.defaults().ownerRecheck().toMillis() + 100);
        List<JsonNode> r = OtherUser.talkFrom(port, "udp", udpPort(), new Object[]{"/gen/text", 1, "pad", 2});
        assertEquals("E_AUTH", r.get(0).get(2).asText(), r.toString());
        assertEquals(0, generated());
    }

    @Test
    void withoutASecretOnlyTheServersUserIsServed() throws Exception {
        OtherUser.assumeAvailable();
        start(OscServerConfig.defaults("1"));
        List<JsonNode> r = OtherUser.talk("udp", udpPort(), new Object[]{"/gen/text", 1, "pad", 2},
                new Object[]{"/auth", SECRET}, new Object[]{"/gen/text", 2, "pad", 2});
        assertEquals("E_AUTH", r.get(0).get(2).asText(), r.toString());
        assertEquals("E_AUTH", r.get(1).get(2).asText(), r.toString());
        assertTrue(r.get(1).get(3).asText().contains("no secret"), r.toString());
        assertEquals("E_AUTH", r.get(2).get(2).asText(), r.toString());
        assertEquals(0, generated());
        try (OscClient mine = OscClient.tcp(server.tcpAddress().orElseThrow())) {
            mine.send("/gen/text", 3, "my pad", 2);
            assertEquals("/gen/text", mine.await("/done", WAIT).getArguments().get(0));
        }
    }

    @Test
    void idleConnectionsOfAnotherUserDoNotLockOutTheServersUser() throws Exception {
        OtherUser.assumeAvailable();
        // The default total of 32 TCP connections, 8 per user; unauthenticated connections get 1 s.
        start(OscServerConfig.defaults("1").withSecret(SECRET)
                .withLimits(OscClientLimits.defaults().withTcpTimeouts(Duration.ofMinutes(5), Duration.ofSeconds(1))));
        Process attacker = OtherUser.start("hold", Integer.toString(tcpPort()), "32", "3");
        try {
            BufferedReader out = OtherUser.reader(attacker);
            assertEquals(32, OtherUser.parse(out.readLine()).asInt());
            // While the 32 sockets are open, this user's client still gets in and is answered.
            try (OscClient mine = OscClient.tcp(server.tcpAddress().orElseThrow())) {
                mine.send("/status");
                assertNotNull(mine.await("/status.reply", WAIT), "locked out by another user's idle connections");
            }
            // All 32 are closed by the server after the hold: 24 at once (over the share), 8 when their time to
            // authenticate ran out.
            assertEquals(32, OtherUser.parse(out.readLine()).asInt());
        } finally {
            attacker.destroy();
            attacker.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void anIdleTcpConnectionIsClosed() throws Exception {
        start(OscServerConfig.defaults("1")
                .withLimits(OscClientLimits.defaults().withTcpTimeouts(Duration.ofMillis(400), Duration.ofMillis(400))));
        try (OscClient c = OscClient.tcp(server.tcpAddress().orElseThrow())) {
            c.send("/sync", 1);
            assertEquals(List.of(1), c.await("/synced", WAIT).getArguments());
            Thread.sleep(200);
            c.send("/sync", 2); // traffic keeps it open past the first 400 ms
            assertEquals(List.of(2), c.await("/synced", WAIT).getArguments());
            long t0 = System.nanoTime();
            IOException closed = null;
            try {
                c.await("/never", Duration.ofSeconds(3));
            } catch (IOException e) {
                closed = e;
            }
            assertNotNull(closed, "the server kept an idle connection open");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 300 && ms < 2_000, "closed after " + ms + " ms");
        }
    }

    @Test
    void oneUserAtItsNotifyShareDoesNotShutOutAnother() throws Exception {
        OtherUser.assumeAvailable();
        start(OscServerConfig.defaults("1").withSecret(SECRET).withCapacity(6, 32, 10_000, Duration.ofSeconds(60))
                .withLimits(OscClientLimits.defaults().withShares(256, 3, 8)));
        InetSocketAddress address = server.udpAddress().orElseThrow();
        List<OscClient> mine = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                OscClient c = OscClient.udp(address);
                mine.add(c);
                c.send("/notify", 1);
                OSCMessage reply = c.await(m -> m.getAddress().equals("/done") || m.getAddress().equals("/fail"), WAIT);
                assertEquals(i < 3 ? "/done" : "/fail", reply.getAddress(), reply.getArguments().toString());
                if (i == 3) {
                    assertEquals("E_QUEUE_FULL", reply.getArguments().get(1));
                }
            }
            List<JsonNode> r = OtherUser.talk("udp", address.getPort(), new Object[]{"/auth", SECRET}, new Object[]{"/notify", 1});
            assertEquals("/done", r.get(1).get(0).asText(), r.toString());
            assertEquals("/notify", r.get(1).get(1).asText(), r.toString());
        } finally {
            for (OscClient c : mine) {
                c.close();
            }
        }
    }
}
