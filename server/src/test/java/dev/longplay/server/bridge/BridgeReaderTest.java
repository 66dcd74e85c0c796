package dev.longplay.server.bridge;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Proves the ring's layout and ordering against {@code longplay_bridge.h}: a C reader, compiled here with gcc
 * against the header, maps the ring the Java side creates, checks the header and reads a long frame sequence
 * through a ring much smaller than it (so both wrap many times) while the Java side writes concurrently.
 */
class BridgeReaderTest {

    static Path reader;

    @BeforeAll
    static void compileReader() throws Exception {
        Path project = Path.of(System.getenv().getOrDefault("LONGPLAY_PROJECT_DIR", "..")).toAbsolutePath();
        Path source = project.resolve("server/src/test/c/bridge_reader.c");
        Path include = project.resolve("bridge-native/include");
        assumeTrue(onPath("gcc"), "gcc is not installed");
        reader = Path.of("target/bridge_reader").toAbsolutePath();
        Files.createDirectories(reader.getParent());
        Process gcc = new ProcessBuilder("gcc", "-std=c11", "-O2", "-Wall", "-Werror", "-I", include.toString(),
                "-o", reader.toString(), source.toString(), "-lrt").redirectErrorStream(true).start();
        String out = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(gcc.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, gcc.exitValue(), "gcc: " + out);
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    static BridgeRegistry registry;

    @BeforeAll
    static void registry() {
        registry = new BridgeRegistry((id, rate) -> {
            throw new NoSuchElementException(id);
        });
    }

    @AfterAll
    static void close() {
        registry.close();
    }

    /** Frames (i, -i), i counting from {@code from}, wrapping at a million so every value is exact in float. */
    static float[] sequence(long from, int frames) {
        float[] out = new float[frames * 2];
        for (int i = 0; i < frames; i++) {
            float v = (float) ((from + i) % 1_000_000);
            out[2 * i] = v;
            out[2 * i + 1] = -v;
        }
        return out;
    }

    Process startReader(String name, int rate, int capacity, long frames) throws IOException {
        return new ProcessBuilder(reader.toString(), name, Integer.toString(rate), "2", Integer.toString(capacity),
                Long.toString(frames)).redirectErrorStream(true).start();
    }

    @Test
    void cReaderSeesTheHeaderAndEveryFrameInOrder() throws Exception {
        int capacity = 1024;
        int total = 3_000_000;
        try (SharedMemoryRing ring = SharedMemoryRing.create("/longplay-test-" + ProcessHandle.current().pid(), 44_100, 2, capacity)) {
            assertTrue(Files.exists(Path.of("/dev/shm", ring.name().substring(1))));
            Process p = startReader(ring.name(), 44_100, capacity, total);
            float[] data = sequence(0, total);
            int done = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (done < total && System.nanoTime() < deadline) {
                int n = ring.write(data, done, Math.min(700, total - done)); // odd chunks: wraps fall mid-chunk
                done += n;
                if (n == 0) {
                    Thread.yield();
                }
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            assertEquals("OK " + total, out.strip());
            assertEquals(total, ring.readPosition());
        }
    }

    @Test
    void registryQueuesBeyondTheRingAndPumpsAsThePluginReads() throws Exception {
        BridgeRegistry.Attachment a = registry.attach("plugin-1", 48_000, 256);
        assertEquals("/longplay-plugin-1", a.shmName());
        assertEquals(192, a.headerBytes());
        // Two sends queue back to back: 5,000 + 7,000 frames through a 256-frame ring.
        BridgeRegistry.Sent first = registry.sendFrames("plugin-1", "a", sequence(0, 5_000));
        BridgeRegistry.Sent second = registry.sendFrames("plugin-1", "b", sequence(5_000, 7_000));
        assertEquals(0, first.startPosition());
        assertEquals(5_000, second.startPosition());
        Process p = startReader(a.shmName(), 48_000, 256, 12_000);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);

        assertEquals(120.0, registry.transport("plugin-1", 120, 16.5, true).tempo());
        assertTrue(registry.transportOf("plugin-1").orElseThrow().playing());
        assertEquals(12_000, registry.info("plugin-1").orElseThrow().read());
        assertEquals(List.of("plugin-1"), registry.instanceIds());
        assertTrue(registry.detach("plugin-1"));
        assertFalse(Files.exists(Path.of("/dev/shm/longplay-plugin-1")), "detach unlinks the ring");
        assertThrows(NoSuchElementException.class, () -> registry.transport("plugin-1", 120, 0, true));
        assertThrows(IllegalArgumentException.class, () -> registry.attach("../x", 48_000, 256));
    }

    @Test
    void reattachingReplacesTheRing() {
        BridgeRegistry.Attachment a = registry.attach("again", 48_000, null);
        assertEquals(65_536, a.capacityFrames());
        registry.sendFrames("again", "x", sequence(0, 10));
        BridgeRegistry.Attachment b = registry.attach("again", 44_100, 512);
        assertEquals(0, registry.info("again").orElseThrow().written());
        assertEquals(44_100, b.sampleRate());
        assertTrue(registry.detach("again"));
        assertFalse(registry.detach("again"));
    }
}
