package dev.longplay.osc;

import com.illposed.osc.OSCMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One client cannot starve the others: not by flooding, not by filling the scheduler. */
class OscFairnessTest {
    private static final Duration WAIT = Duration.ofSeconds(3);
    private static final int PROBES = 200;
    private static final int MAX_FLOOD = 2_000_000;
    private final RecordingHandler handler = new RecordingHandler();
    private OscServerTransport server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** Sends one junk packet; the flood's only difference between UDP and TCP. */
    private interface Sender {
        void send(byte[] packet) throws IOException;
    }

    @Test
    @Timeout(60)
    void statusRoundTripsStayFastWhileAnotherClientFloods() throws Exception {
        server = OscServerTransport.start(OscServerConfig.defaults("1").withPorts(0, -1), handler);
        InetSocketAddress address = server.udpAddress().orElseThrow();
        try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            probeWhileFlooding(p -> s.send(new DatagramPacket(p, p.length, address)), OscClient.udp(address));
        }
    }

    @Test
    @Timeout(60)
    void tcpStatusRoundTripsStayFastWhileAnotherConnectionFloods() throws Exception {
        server = OscServerTransport.start(OscServerConfig.defaults("1").withPorts(-1, 0), handler);
        InetSocketAddress address = server.tcpAddress().orElseThrow();
        try (Socket s = new Socket(address.getAddress(), address.getPort())) {
            s.setTcpNoDelay(true);
            OutputStream out = s.getOutputStream();
            probeWhileFlooding(p -> out.write(SlipFraming.encode(p)), OscClient.tcp(address));
        }
    }

    /**
     * Floods junk from one client while another sends {@code PROBES} /status round trips, one at a time, and checks
     * that the flood is cut at its own bucket and the probes' p99 stays under 10 ms.
     */
    private void probeWhileFlooding(Sender flood, OscClient prober) throws Exception {
        AtomicBoolean probing = new AtomicBoolean(true);
        AtomicLong flooded = new AtomicLong();
        Thread flooder = new Thread(() -> {
            byte[] junk = new byte[64];
            new Random(1).nextBytes(junk);
            try {
                // Bursts of 50 every millisecond: up to 50,000 packets a second, 100 times a client's allowance,
                // without taking a whole core of a two-core machine from the server (that would measure the CPU
                // scheduler, not the server).
                while (probing.get() && flooded.get() < MAX_FLOOD) {
                    for (int i = 0; i < 50; i++) {
                        flood.send(junk);
                    }
                    flooded.addAndGet(50);
                    LockSupport.parkNanos(1_000_000);
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        }, "flooder");
        flooder.start();
        long[] rtt = new long[PROBES];
        long floodAtStart;
        try (prober) {
            // Warm-up: the flood is under way and the server's code compiled before anything is measured. A cold
            // receiver falls behind the flood and the kernel drops what overflows its buffer, probes included.
            // The prober stays within its own allowance (burst 1000, 500/s): at most 200 warm-up probes, 2 ms apart.
            for (int i = 0; i < 200 && flooded.get() < 50_000; i++) {
                prober.send("/status");
                prober.await("/status.reply", Duration.ofMillis(2));
            }
            while (flooded.get() < 50_000) {
                Thread.sleep(1);
            }
            prober.await(m -> false, Duration.ofMillis(50)); // late replies of the warm-up
            floodAtStart = flooded.get();
            for (int i = 0; i < PROBES; i++) {
                long t0 = System.nanoTime();
                prober.send("/status");
                OSCMessage reply = prober.await("/status.reply", WAIT);
                assertNotNull(reply, "probe " + i + " unanswered under the flood");
                rtt[i] = System.nanoTime() - t0;
                Thread.sleep(1);
            }
        } finally {
            probing.set(false);
            flooder.join();
        }
        long during = flooded.get() - floodAtStart;
        Arrays.sort(rtt);
        double p99 = rtt[(int) Math.ceil(PROBES * 0.99) - 1] / 1e6;
        double p50 = rtt[PROBES / 2] / 1e6;
        String summary = String.format("p50 %.2f ms, p99 %.2f ms, %d junk packets during the probes, %s",
                p50, p99, during, server.stats());
        System.out.println("OSC fairness: " + summary);
        assertTrue(during > 5_000, "the flood was not running during the probes: " + summary);
        assertTrue(server.stats().rateLimited() > during / 2, "the flood was not cut at its own bucket: " + summary);
        assertTrue(p99 < 10, summary);
    }

    @Test
    void oneClientAtItsScheduleCapDoesNotBlockAnother() throws IOException {
        // 8 scheduled commands in all, 4 per client: without the share, one client would take all 8.
        server = OscServerTransport.start(OscServerConfig.defaults("1").withPorts(0, -1)
                .withCapacity(64, 32, 8, Duration.ofSeconds(60))
                .withLimits(OscClientLimits.defaults().withShares(4, 16, 8)), handler);
        InetSocketAddress address = server.udpAddress().orElseThrow();
        try (OscClient greedy = OscClient.udp(address); OscClient other = OscClient.udp(address)) {
            Instant later = Instant.now().plusSeconds(50);
            for (int i = 0; i < 10; i++) {
                greedy.sendBundle(later, new OSCMessage("/sync", List.of(i)));
            }
            for (int i = 0; i < 6; i++) {
                OSCMessage fail = greedy.await("/fail", WAIT);
                assertNotNull(fail, "refusal " + i);
                assertEquals(List.of("/sync", "E_QUEUE_FULL", "this client has 4 commands scheduled already"),
                        fail.getArguments());
            }
            other.sendBundle(Instant.now().plusMillis(200), new OSCMessage("/sync", List.of(99)));
            assertEquals(List.of(99), other.await("/synced", WAIT).getArguments());
        }
    }

    @Test
    void commandsDueBeyondTheHorizonAreRefused() throws IOException {
        server = OscServerTransport.start(OscServerConfig.defaults("1").withPorts(0, 0), handler);
        try (OscClient c = OscClient.udp(server.udpAddress().orElseThrow())) {
            c.sendBundle(Instant.now().plusSeconds(3 * 3600), new OSCMessage("/sync", List.of(1)));
            OSCMessage fail = c.await("/fail", WAIT);
            assertEquals("E_BAD_ARG", fail.getArguments().get(1));
            assertTrue(((String) fail.getArguments().get(2)).startsWith("due more than 60 s ahead"), fail.getArguments().toString());
            c.send("/gen/text", 1, "pad", 2, "at", 61);
            fail = c.await("/fail", WAIT);
            assertEquals(List.of("/gen/text", "E_BAD_ARG"), fail.getArguments().subList(0, 2));
            c.send("/gen/text", 2, "pad", 2, "at", 0.2);
            assertEquals(2, c.await("/done", WAIT).getArguments().get(1));
        }
    }
}
