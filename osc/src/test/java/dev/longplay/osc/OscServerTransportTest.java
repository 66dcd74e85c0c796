package dev.longplay.osc;

import com.illposed.osc.OSCMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OscServerTransportTest {
    private static final Duration WAIT = Duration.ofSeconds(3);
    private final RecordingHandler handler = new RecordingHandler();
    private OscServerTransport server;

    private OscServerTransport start(OscServerConfig config) throws IOException {
        server = OscServerTransport.start(config.withPorts(0, 0), handler);
        return server;
    }

    private OscServerTransport start() throws IOException {
        return start(OscServerConfig.defaults("9.9.9"));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private OscClient udp() throws IOException {
        return OscClient.udp(server.udpAddress().orElseThrow());
    }

    private OscClient tcp() throws IOException {
        return OscClient.tcp(server.tcpAddress().orElseThrow());
    }

    @Test
    void bindsLoopbackByDefault() throws IOException {
        start();
        assertTrue(server.udpAddress().orElseThrow().getAddress().isLoopbackAddress());
        assertTrue(server.tcpAddress().orElseThrow().getAddress().isLoopbackAddress());
    }

    @Test
    void roundTripsOverUdpAndTcp() throws IOException {
        start();
        for (OscClient c : List.of(udp(), tcp())) {
            try (c) {
                c.send("/version");
                OSCMessage v = c.await("/version.reply", WAIT);
                assertEquals(List.of("longplay", "9.9.9", OscAddressSpace.PROTOCOL_VERSION), v.getArguments());
                c.send("/sync", 17);
                assertEquals(List.of(17), c.await("/synced", WAIT).getArguments());
                c.send("/status");
                assertEquals("test-model", c.await("/status.reply", WAIT).getArguments().get(1));
                c.send("/gen/text", 5, "warm pad", 8, "seed", 42);
                assertEquals(List.of("/gen/text", 5, "clip-5", "/tmp/clip-5.wav", 44100, 2, 44100, 42),
                        c.await("/done", WAIT).getArguments());
            }
        }
        OscRequest gen = handler.accepted.stream().filter(r -> r.address().equals("/gen/text")).findFirst().orElseThrow();
        assertEquals("warm pad", gen.string("prompt"));
        assertEquals(8.0, gen.number("seconds"));
        assertTrue(gen.due().isEmpty());
    }

    @Test
    void tcpWithOsc10SizePrefixesIsAnsweredInKind() throws IOException {
        start();
        OscPacketCodec codec = new OscPacketCodec(1024);
        try (java.net.Socket s = new java.net.Socket()) {
            s.connect(server.tcpAddress().orElseThrow());
            s.getOutputStream().write(LengthPrefixFraming.encode(codec.encode("/sync", List.of(5))));
            s.setSoTimeout(3000);
            java.io.DataInputStream in = new java.io.DataInputStream(s.getInputStream());
            byte[] reply = new byte[in.readInt()];
            in.readFully(reply);
            OSCMessage m = (OSCMessage) ((OscPacketCodec.Packet) codec.decode(reply)).packet();
            assertEquals("/synced", m.getAddress());
            assertEquals(List.of(5), m.getArguments());
        }
    }

    @Test
    void failuresCarryStableCodesAndTheReqId() throws IOException {
        start();
        try (OscClient c = udp()) {
            c.send("/gen/text", 9, "pad", "long");
            assertEquals(List.of("/gen/text", "E_BAD_ARG",
                    "/gen/text: argument 3 'seconds' must be a number (got string \"long\")", 9),
                    c.await("/fail", WAIT).getArguments());
            c.send("/nope", 1);
            assertEquals(List.of("/nope", "E_NOT_FOUND", "unknown address /nope"), c.await("/fail", WAIT).getArguments());
            c.send("/gen/cancel", 3); // the handler throws E_NOT_FOUND
            assertEquals(List.of("/gen/cancel", "E_NOT_FOUND", "no job 3", 3), c.await("/fail", WAIT).getArguments());
            c.send("/gen/text", 1, "pad", 4, "atBeat", 8);
            assertEquals("E_BAD_ARG", c.await("/fail", WAIT).getArguments().get(1));
        }
        assertTrue(handler.accepted.stream().noneMatch(r -> r.address().equals("/gen/text")));
    }

    @Test
    void notifyWithReplyPortSendsRepliesAndProgressThere() throws IOException {
        start();
        try (OscClient sender = udp(); OscClient listener = udp()) {
            // Like Max's udpsend: send from one socket, listen on another.
            sender.send("/notify", 1, listener.localPort());
            OSCMessage done = listener.await("/done", WAIT);
            assertEquals("/notify", done.getArguments().get(0));
            assertTrue((Integer) done.getArguments().get(1) > 0);
            sender.send("/gen/text", 3, "pad", 2);
            OSCMessage progress = listener.await("/gen/progress", WAIT);
            assertEquals(List.of(3, 0.5f, 4, 8, "sample"), progress.getArguments());
            assertNotNull(listener.await("/done", WAIT));
            assertNull(sender.receive(Duration.ofMillis(100)), "nothing goes to the sending port");

            server.broadcast(new OSCMessage("/clip/new", List.of("c1")));
            assertEquals(List.of("c1"), listener.await("/clip/new", WAIT).getArguments());

            sender.send("/notify", 0);
            assertEquals(List.of("/notify", 0), sender.await("/done", WAIT).getArguments());
            sender.send("/gen/text", 4, "pad", 2);
            OSCMessage next = sender.receive(WAIT);
            assertEquals("/done", next.getAddress(), "no progress once unregistered");
        }
    }

    @Test
    void futureBundlesAndAtAreScheduled() throws IOException {
        start();
        try (OscClient c = udp()) {
            Instant sent = Instant.now();
            c.sendBundle(sent.plusMillis(400), new OSCMessage("/sync", List.of(1)), new OSCMessage("/status"));
            c.send("/sync", 2); // immediate: overtakes the bundle
            assertEquals(List.of(2), c.await("/synced", WAIT).getArguments());
            assertEquals(List.of(1), c.await("/synced", WAIT).getArguments());
            assertTrue(Duration.between(sent, Instant.now()).toMillis() >= 380);
            OscRequest status = firstAccepted(WAIT);
            assertEquals(OscTimeTags.toInstant(OscTimeTags.toNtp(sent.plusMillis(400))), status.due().orElseThrow());

            Instant t0 = Instant.now();
            c.send("/gen/text", 1, "pad", 2, "at", 0.3);
            c.await("/done", WAIT);
            assertTrue(Duration.between(t0, Instant.now()).toMillis() >= 280);

            // Past timetags run at once.
            c.sendBundle(Instant.now().minusSeconds(10), new OSCMessage("/sync", List.of(3)));
            assertEquals(List.of(3), c.await("/synced", Duration.ofMillis(500)).getArguments());
        }
    }

    /**
     * The first request the handler recorded, waiting for it: a bundle's /status may reach the handler after the
     * transport has answered the /sync beside it, and its reply may come before or after that /synced.
     */
    private OscRequest firstAccepted(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (handler.accepted.isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(1_000_000);
        }
        assertFalse(handler.accepted.isEmpty(), "the handler recorded nothing");
        return handler.accepted.get(0);
    }

    @Test
    void atBeatUsesTheServersBeatClock() throws IOException {
        Instant beatZero = Instant.now();
        start(OscServerConfig.defaults("1").withBeatClock(beat -> Optional.of(beatZero.plusMillis((long) (beat * 100)))));
        try (OscClient c = udp()) {
            c.send("/gen/sfx", 1, "door", 1, "atBeat", 3);
            c.await("/done", WAIT);
            assertTrue(Duration.between(beatZero, Instant.now()).toMillis() >= 290);
            assertEquals(beatZero.plusMillis(300), handler.accepted.get(0).due().orElseThrow());
        }
    }

    @Test
    void lanModeRequiresASecretAndAuth() throws IOException {
        InetAddress any = InetAddress.getByName("0.0.0.0");
        assertThrows(IllegalArgumentException.class,
                () -> new OscServerConfig(any, 0, 0, Optional.empty(), 1024, 10, 10, 4, 4, 4, Duration.ofHours(1), "1",
                        Optional.empty(), OscTrustPolicy.defaults(), OscClientLimits.defaults()));
        assertThrows(IllegalArgumentException.class, () -> OscServerConfig.defaults("1").withBind(any, "short"));
        // A LAN peer's owner is unknown: on loopback, a system that cannot tell socket owners is the same case.
        start(OscServerConfig.defaults("1").withBind(InetAddress.getLoopbackAddress(), "correct horse battery")
                .withTrust(OscTrustPolicy.defaults().withOwners(PeerOwners.unknown())));
        for (OscClient c : List.of(udp(), tcp())) {
            try (c) {
                c.send("/status");
                assertEquals(List.of("/status", "E_AUTH", "/status: not authenticated; send /auth <secret> first"),
                        c.await("/fail", WAIT).getArguments());
                c.send("/auth", "wrong horse battery");
                assertEquals(List.of("/auth", "E_AUTH", "/auth: wrong secret"), c.await("/fail", WAIT).getArguments());
                c.send("/auth", "correct horse battery");
                assertEquals(List.of("/auth"), c.await("/done", WAIT).getArguments());
                c.send("/status");
                assertNotNull(c.await("/status.reply", WAIT));
            }
        }
        try (OscClient other = udp()) { // another port is another client: not authenticated
            other.send("/status");
            assertEquals("E_AUTH", other.await("/fail", WAIT).getArguments().get(1));
        }
    }

    @Test
    void rateLimitDropsPacketsOverTheBurst() throws IOException {
        start(OscServerConfig.defaults("1").withRateLimit(1, 20));
        try (OscClient c = udp()) {
            for (int i = 0; i < 100; i++) {
                c.send("/sync", i);
            }
            int answered = 0;
            while (c.await("/synced", Duration.ofMillis(300)) != null) {
                answered++;
            }
            assertTrue(answered >= 20 && answered <= 22, "answered " + answered);
            assertTrue(server.stats().rateLimited() >= 78, server.stats().toString());
        }
    }

    @Test
    void oversizedAndGarbagePacketsAreDroppedAndTheServerLivesOn() throws IOException {
        start(OscServerConfig.defaults("1").withMaxPacketBytes(256));
        try (OscClient c = udp(); OscClient t = tcp()) {
            c.sendRaw(new byte[] {1, 2, 3, 4, 5}); // the datagram that kills JavaOSC's OSCPortIn
            c.send("/gen/text", 1, "x".repeat(400), 2);
            t.sendRawStream(new byte[] {(byte) 0xC0, 0x2F, (byte) 0xDB, 0x01, (byte) 0xC0});
            t.sendRaw(new byte[300]);
            c.send("/status");
            assertNotNull(c.await("/status.reply", WAIT));
            t.send("/status");
            assertNotNull(t.await("/status.reply", WAIT));
            OscTransportStats s = server.stats();
            assertEquals(3, s.oversized(), s.toString());
            assertEquals(1, s.malformed(), s.toString());
        }
    }
}
