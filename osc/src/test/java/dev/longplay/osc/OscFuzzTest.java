package dev.longplay.osc;

import com.illposed.osc.OSCBundle;
import com.illposed.osc.OSCMessage;
import com.illposed.osc.OSCPacket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * 100,000 random and malformed packets over UDP and TCP, with real jobs in between. Afterwards the server
 * must still answer /status on both transports, every real job must have reached the handler intact and
 * been answered, and the heap must not have grown with the garbage.
 */
class OscFuzzTest {
    private static final int UDP_PACKETS = 70_000;
    private static final int TCP_PACKETS = 30_000;
    private static final int JOB_EVERY = 1_000;
    private static final int SYNC_EVERY = 250;
    private static final int JOB_BASE = 1_000_000; // template reqIds are < 10, bit flips never land here
    private static final int MAX_PACKET = 8_192;
    private static final Duration WAIT = Duration.ofSeconds(3);

    private final long seed = Long.getLong("osc.fuzz.seed", System.nanoTime());
    private final Random random = new Random(seed);
    private final OscPacketCodec codec = new OscPacketCodec(65_507);
    private final List<byte[]> templates = templates();

    @Test
    @Timeout(120)
    void survivesAHundredThousandBadPackets() throws Exception {
        RecordingHandler handler = new RecordingHandler();
        OscServerConfig config = OscServerConfig.defaults("fuzz").withPorts(0, 0).withRateLimit(1e7, 10_000_000)
                .withLimits(OscClientLimits.defaults().withGlobalRate(1e7, 10_000_000)).withMaxPacketBytes(MAX_PACKET);
        long heapBefore = usedHeapAfterGc();
        Set<Integer> sent = new HashSet<>();
        Set<Integer> done = new HashSet<>();
        try (OscServerTransport server = OscServerTransport.start(config, handler);
             OscClient udp = OscClient.udp(server.udpAddress().orElseThrow());
             OscClient tcp = OscClient.tcp(server.tcpAddress().orElseThrow())) {
            int job = JOB_BASE;
            for (int i = 0; i < UDP_PACKETS + TCP_PACKETS; i++) {
                boolean overUdp = i < UDP_PACKETS;
                OscClient c = overUdp ? udp : tcp;
                if (i % SYNC_EVERY == 0) {
                    // Let the server catch up, so a full UDP receive buffer drops garbage, not our jobs.
                    sync(c, i, sent, done);
                }
                if (i % JOB_EVERY == 0) {
                    c.send("/gen/text", job, "job " + job, 4, "seed", job - JOB_BASE);
                    sent.add(job++);
                }
                byte[] packet = garbage();
                if (overUdp) {
                    udp.sendRaw(packet);
                } else if (random.nextInt(50) == 0) {
                    tcp.sendRawStream(packet); // unframed bytes in the stream
                } else {
                    tcp.sendRaw(packet);
                }
            }
            sync(udp, -1, sent, done);
            sync(tcp, -2, sent, done);

            for (OscClient c : List.of(udp, tcp)) {
                c.send("/status");
                assertNotNull(c.await("/status.reply", WAIT), "seed " + seed);
            }
            OscTransportStats stats = server.stats();
            assertTrue(stats.malformed() > 50_000, stats + " seed " + seed);
            assertTrue(stats.oversized() > 100, stats + " seed " + seed);
            assertEquals(0, stats.rateLimited(), stats.toString());

            for (int id : sent) {
                List<OscRequest> got = handler.accepted.stream()
                        .filter(r -> r.address().equals("/gen/text") && r.integer("reqId") == id).toList();
                assertEquals(1, got.size(), "job " + id + " seed " + seed);
                OscRequest r = got.get(0);
                assertEquals("job " + id, r.string("prompt"));
                assertEquals(4.0, r.number("seconds"));
                assertEquals(id - JOB_BASE, r.options().integer("seed").getAsInt());
            }
            assertEquals(sent, done, "every job answered with /done; seed " + seed);
        }
        long growth = usedHeapAfterGc() - heapBefore;
        assertTrue(growth < 32L << 20, "heap grew by " + (growth >> 20) + " MiB; seed " + seed);
    }

    /** Waits until the server has handled everything sent so far, collecting /done for our jobs. */
    private static void sync(OscClient c, int id, Set<Integer> sent, Set<Integer> done) throws IOException {
        for (int attempt = 0; attempt < 5; attempt++) {
            c.send("/sync", id);
            OSCMessage m = c.await(r -> {
                if (r.getAddress().equals("/done") && r.getArguments().size() > 1
                        && r.getArguments().get(1) instanceof Integer reqId && sent.contains(reqId)) {
                    done.add(reqId);
                }
                return r.getAddress().equals("/synced") && r.getArguments().equals(List.of(id));
            }, Duration.ofSeconds(1));
            if (m != null) {
                return;
            }
        }
        fail("no /synced " + id);
    }

    private byte[] garbage() {
        switch (random.nextInt(8)) {
            case 0: { // random bytes, sometimes over the size cap
                byte[] b = new byte[random.nextInt(20) == 0 ? MAX_PACKET + 1 + random.nextInt(4_000) : random.nextInt(600)];
                random.nextBytes(b);
                return b;
            }
            case 1: { // a valid packet cut short (also at non-multiples of 4)
                byte[] t = template();
                return java.util.Arrays.copyOf(t, random.nextInt(t.length));
            }
            case 2: { // bad type tags: every byte after the ',' randomised
                byte[] t = template().clone();
                int comma = indexOf(t, (byte) ',');
                for (int i = comma + 1; comma >= 0 && i < t.length && t[i] != 0; i++) {
                    t[i] = (byte) random.nextInt(256);
                }
                return t;
            }
            case 3: { // bit flips
                byte[] t = template().clone();
                for (int n = 1 + random.nextInt(4); n > 0; n--) {
                    t[random.nextInt(t.length)] ^= (byte) (1 << random.nextInt(8));
                }
                return t;
            }
            case 4: { // huge length fields: a blob or bundle element claiming up to 2 GB
                ByteBuffer b = ByteBuffer.allocate(32);
                if (random.nextBoolean()) {
                    b.put("/a\0\0,b\0\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
                } else {
                    b.put("#bundle\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)).putLong(1);
                }
                b.putInt(random.nextBoolean() ? Integer.MAX_VALUE : -random.nextInt(1 << 20));
                return b.array();
            }
            case 5: { // a bundle of random bytes
                byte[] body = new byte[4 * random.nextInt(40)];
                random.nextBytes(body);
                return ByteBuffer.allocate(16 + body.length)
                        .put("#bundle\0".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1))
                        .putLong(random.nextLong()).put(body).array();
            }
            case 6: { // a valid packet with random bytes appended
                byte[] t = template();
                byte[] b = java.util.Arrays.copyOf(t, t.length + 1 + random.nextInt(64));
                for (int i = t.length; i < b.length; i++) {
                    b[i] = (byte) random.nextInt(256);
                }
                return b;
            }
            default: { // a well-formed message with a random address and arguments
                String address = "/" + Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
                return codec.encode(address, List.of(random.nextInt(), random.nextFloat(), "x" + random.nextInt()));
            }
        }
    }

    private byte[] template() {
        return templates.get(random.nextInt(templates.size()));
    }

    private List<byte[]> templates() {
        List<byte[]> t = new ArrayList<>();
        t.add(codec.encode("/gen/text", List.of(1, "pad", 8f, "seed", 3, "steps", 20)));
        t.add(codec.encode("/gen/loop", List.of(2, "drums", 120f, 4)));
        t.add(codec.encode("/gen/inpaint", List.of(3, "/tmp/a.wav", "fill", 1f, 2f)));
        t.add(codec.encode("/clip/load_sc", List.of("c1", 5, "127.0.0.1", 57110)));
        t.add(codec.encode("/status", List.of()));
        t.add(codec.encode("/notify", List.of(1)));
        List<OSCPacket> inner = List.of(new OSCMessage("/sync", List.of(4)), new OSCMessage("/gen/cancel", List.of(5)));
        t.add(codec.encode(new OSCBundle(inner, OscTimeTags.immediateJavaOsc())));
        t.add(codec.encode(new OSCBundle(List.of(new OSCBundle(inner, OscTimeTags.immediateJavaOsc())),
                OscTimeTags.toJavaOsc(Instant.now().minusSeconds(1)))));
        return t;
    }

    private static int indexOf(byte[] b, byte v) {
        for (int i = 0; i < b.length; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
