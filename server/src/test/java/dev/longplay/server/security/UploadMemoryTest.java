package dev.longplay.server.security;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Finding E, uploads: concurrent large uploads drove the server's RSS to gigabytes (each body was held whole in the
 * heap). Now each streams to disk through one buffer: a server JVM with a 96 MiB heap takes 8 uploads of 48 MiB at
 * once, and its peak resident memory stays under heap + 300 MiB.
 */
class UploadMemoryTest {

    static final int UPLOADS = 8;
    static final long SIZE = 48L * 1024 * 1024;
    static final long HEAP = 96L * 1024 * 1024;

    @TempDir
    Path root;

    @Test
    void concurrentLargeUploadsKeepTheServersMemoryBounded() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "reads the server's memory from /proc");
        UploadServerMain.Started server = UploadServerMain.spawn(root, SIZE, "-Xmx96m", "-XX:TieredStopAtLevel=1");
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < UPLOADS; i++) {
                HttpRequest r = HttpRequest.newBuilder(server.uri().resolve("/v1/uploads")).timeout(Duration.ofMinutes(3))
                        .header("Authorization", "Bearer " + server.token()).header("Content-Type", "audio/wav")
                        .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> wav(SIZE)), SIZE))
                        .build();
                answers.add(http.sendAsync(r, HttpResponse.BodyHandlers.ofString()));
            }
            long peakDuring = 0;
            while (!answers.stream().allMatch(CompletableFuture::isDone)) {
                peakDuring = Math.max(peakDuring, kib(server.process().pid(), "VmRSS"));
                Thread.sleep(50);
            }
            for (CompletableFuture<HttpResponse<String>> a : answers) {
                assertEquals(201, a.get().statusCode(), a.get().body());
            }
            long hwm = kib(server.process().pid(), "VmHWM") * 1024;
            long bound = HEAP + 300L * 1024 * 1024;
            System.out.println("server peak RSS " + (hwm >> 20) + " MiB after " + UPLOADS + " concurrent uploads of " + (SIZE >> 20) + " MiB");
            assertTrue(hwm < bound, "peak RSS " + (hwm >> 20) + " MiB, bound " + (bound >> 20) + " MiB (sampled peak "
                    + (peakDuring >> 10) + " MiB)");
            try (Stream<Path> files = Files.list(root.resolve("data/uploads"))) {
                List<Path> all = files.toList();
                assertEquals(UPLOADS, all.size(), all.toString());
                for (Path f : all) {
                    assertEquals(SIZE, Files.size(f));
                }
            }
        } finally {
            server.process().destroyForcibly().waitFor();
        }
    }

    /** A WAV header then zeros, generated as it is read (the test holds no body either). */
    static InputStream wav(long size) {
        return new InputStream() {
            final AtomicLong pos = new AtomicLong();
            final byte[] head = header(size);

            @Override
            public int read() {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) {
                long p = pos.get();
                if (p >= size) {
                    return -1;
                }
                int n = (int) Math.min(len, size - p);
                java.util.Arrays.fill(b, off, off + n, (byte) 0);
                for (int i = 0; i < n && p + i < head.length; i++) {
                    b[off + i] = head[(int) p + i];
                }
                pos.addAndGet(n);
                return n;
            }
        };
    }

    static byte[] header(long size) {
        java.nio.ByteBuffer h = java.nio.ByteBuffer.allocate(44).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        h.putInt(0x46464952).putInt((int) (size - 8)).putInt(0x45564157); // RIFF, size, WAVE
        h.putInt(0x20746d66).putInt(16).putShort((short) 1).putShort((short) 2).putInt(44100).putInt(44100 * 4)
                .putShort((short) 4).putShort((short) 16); // fmt: PCM 16-bit stereo
        h.putInt(0x61746164).putInt((int) (size - 44)); // data
        return h.array();
    }

    static long kib(long pid, String field) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new AssertionError("no " + field + " for " + pid);
    }
}
