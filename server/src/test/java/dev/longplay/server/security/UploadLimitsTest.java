package dev.longplay.server.security;

import dev.longplay.server.SineRenderer;
import dev.longplay.server.TestServer;
import dev.longplay.server.clips.UploadRefusedException;
import dev.longplay.server.clips.UploadStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Finding E, uploads: a per-file cap, a total quota for the uploads folder (stored and arriving together) and a cap
 * on uploads arriving at once, each with a clear JSON error; nothing is left behind by a refused upload.
 */
class UploadLimitsTest {

    static final long CAP = 4L * 1024 * 1024; // TestServer's per-upload cap; the folder's quota is 16 of them

    @TempDir
    Path root;

    HttpResponse<String> upload(TestServer s, InputStream body, long length) throws Exception {
        HttpRequest.BodyPublisher p = length >= 0
                ? HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> body), length)
                : HttpRequest.BodyPublishers.ofInputStream(() -> body); // chunked: no length up front
        return s.send(s.write("/v1/uploads").header("Content-Type", "audio/wav").POST(p).build());
    }

    @Test
    void oversizedUploadsAreRefusedUpFrontOrAsSoonAsTheyPassTheCap() throws Exception {
        try (TestServer s = TestServer.start(root, new SineRenderer(1, 1, 0.5f), 1, 16)) {
            // Declared too large: the answer comes before the body is sent.
            try (Socket sock = new Socket()) {
                sock.connect(new InetSocketAddress("127.0.0.1", s.server.baseUri().getPort()));
                sock.setSoTimeout(10_000);
                sock.getOutputStream().write(("POST /v1/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + s.token
                        + "\r\nContent-Type: audio/wav\r\nContent-Length: " + (CAP + 1) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                String answer = new String(sock.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
                assertEquals("HTTP/1.1 413", answer);
            }
            assertError(upload(s, UploadMemoryTest.wav(CAP + 1), -1), 413, "payload_too_large"); // chunked, found while reading
            assertError(upload(s, new java.io.ByteArrayInputStream("not audio at all, not audio at all, not audio at all".getBytes()), -1),
                    400, "invalid_audio");
            assertEquals(201, upload(s, UploadMemoryTest.wav(CAP), CAP).statusCode(), "exactly the cap is fine");
            assertEquals(1, files(root.resolve("data/uploads")), "refused uploads leave no file");
        }
    }

    @Test
    void theFolderQuotaHoldsAcrossUploadsAndRestarts() throws Exception {
        try (TestServer s = TestServer.start(root, new SineRenderer(1, 1, 0.5f), 1, 16)) {
            for (int i = 0; i < 16; i++) {
                HttpResponse<String> r = upload(s, UploadMemoryTest.wav(CAP), CAP);
                assertEquals(201, r.statusCode(), i + ": " + r.body());
            }
            HttpResponse<String> full = upload(s, UploadMemoryTest.wav(1024), 1024);
            assertError(full, 507, "uploads_full");
            assertTrue(TestServer.json(full).get("message").asText().contains("uploads folder is full"), full.body());
        }
        // The stored files still count after a restart.
        try (TestServer s = TestServer.start(root, new SineRenderer(1, 1, 0.5f), 1, 16)) {
            assertError(upload(s, UploadMemoryTest.wav(1024), 1024), 507, "uploads_full");
        }
        assertEquals(16, files(root.resolve("data/uploads")));
    }

    @Test
    void uploadsArrivingAtOnceAreCappedAndReserveTheirBytesFirst() throws Exception {
        UploadStore store = UploadStore.open(root.resolve("u"), new UploadStore.Limits(1000, 2500, 2));
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch started = new CountDownLatch(2);
        CompletableFuture<?>[] slow = new CompletableFuture<?>[2];
        for (int i = 0; i < 2; i++) {
            slow[i] = CompletableFuture.supplyAsync(() -> {
                try {
                    return store.save(held(started, release), 1000);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        started.await();
        UploadRefusedException busy = assertThrows(UploadRefusedException.class, () -> store.save(UploadMemoryTest.wav(100), 100));
        assertEquals(UploadRefusedException.Reason.BUSY, busy.reason());
        assertEquals(2000, store.usedBytes(), "both arriving uploads hold their declared bytes");
        release.countDown();
        slow[0].get();
        slow[1].get();
        UploadRefusedException full = assertThrows(UploadRefusedException.class, () -> store.save(UploadMemoryTest.wav(1000), 1000));
        assertEquals(UploadRefusedException.Reason.FOLDER_FULL, full.reason());
        assertEquals(2000, store.usedBytes(), "a refused upload gives its reservation back");
        assertEquals(2, files(root.resolve("u")));
    }

    /** A 1000-byte WAV whose reader blocks after its first bytes until released. */
    static InputStream held(CountDownLatch started, CountDownLatch release) {
        InputStream wav = UploadMemoryTest.wav(1000);
        return new InputStream() {
            int read;

            @Override
            public int read() throws java.io.IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws java.io.IOException {
                if (read >= 100) {
                    started.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        throw new java.io.InterruptedIOException();
                    }
                }
                int n = wav.read(b, off, Math.min(len, read < 100 ? 100 - read : len));
                read += Math.max(n, 0);
                return n;
            }
        };
    }

    static void assertError(HttpResponse<String> r, int status, String code) throws Exception {
        assertEquals(status, r.statusCode(), r.body());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), r.headers().toString());
        assertEquals(code, TestServer.json(r).get("code").asText(), r.body());
    }

    static long files(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.count();
        }
    }
}
