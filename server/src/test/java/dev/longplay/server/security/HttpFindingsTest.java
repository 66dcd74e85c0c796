package dev.longplay.server.security;

import dev.longplay.server.LongplayServer;
import dev.longplay.server.SineRenderer;
import dev.longplay.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The HTTP edge's smaller findings (issue item E), each played as the caller who found it. */
class HttpFindingsTest {

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

    /** One HTTP/1.1 exchange over a socket bound to {@code bindAddress} (any 127.0.0.x), with Connection: close. */
    static String raw(int port, String bindAddress, String head, String body) throws Exception {
        try (Socket sock = new Socket()) {
            sock.bind(new InetSocketAddress(bindAddress, 0));
            sock.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            sock.setSoTimeout(20_000);
            byte[] b = body.getBytes(StandardCharsets.UTF_8);
            String h = head + (body.isEmpty() ? "" : "Content-Length: " + b.length + "\r\n") + "Connection: close\r\n\r\n";
            sock.getOutputStream().write(h.getBytes(StandardCharsets.US_ASCII));
            sock.getOutputStream().write(b);
            return new String(sock.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static String raw(String head) throws Exception {
        return raw(port, "127.0.0.1", head, "");
    }

    @Test
    void rotatingTheClientHeaderOrTheLoopbackAddressDoesNotEscapeTheRateLimit(@TempDir Path other) throws Exception {
        LongplayServer.Config c = TestServer.config(other, 1, 16);
        LongplayServer.Config slow = new LongplayServer.Config(c.bind(), 0, c.dataDir(), c.configDir(), c.engine(), c.clipLimitBytes(),
                c.limits(), 1, 1); // 4 requests at once, then one a second
        try (TestServer t = new TestServer(LongplayServer.start(slow, new SineRenderer(1, 1, 0.5f)))) {
            int p = t.server.baseUri().getPort();
            int limited = 0;
            for (int i = 0; i < 8; i++) {
                String answer = raw(p, "127.0.0." + (2 + i), "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Longplay-Client: tool-" + i + "\r\n", "");
                if (answer.startsWith("HTTP/1.1 429")) {
                    limited++;
                    assertTrue(answer.contains("\"code\":\"rate_limited\"") && answer.contains("Retry-After"), answer);
                }
            }
            assertTrue(limited >= 3, "a fresh name and address each time still shares one budget: " + limited + " of 8 limited");
            if (OtherUser.available()) {
                // Budgets are per local user: another user's flood leaves this one's untouched, and vice versa.
                OtherUser.Result r = OtherUser.run(other, "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
                        "tcp", "127.0.0.1", "0", "127.0.0.1", Integer.toString(p));
                assertTrue(r.out().startsWith("HTTP/1.1 200"), r.out());
            }
        }
    }

    @Test
    void aLocalAppOnAnotherPortCannotReadAnswers() throws Exception {
        for (String foreign : new String[]{"http://127.0.0.1:" + (port + 1), "http://localhost:5173", "http://127.0.0.2:" + port}) {
            String answer = raw("GET /v1/status HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nOrigin: " + foreign + "\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            assertFalse(answer.toLowerCase().contains("access-control-allow-origin"), foreign + ": " + answer);
            String preflight = raw("OPTIONS /v1/jobs HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nOrigin: " + foreign
                    + "\r\nAccess-Control-Request-Method: POST\r\n");
            assertTrue(preflight.startsWith("HTTP/1.1 403"), preflight);
            assertFalse(preflight.toLowerCase().contains("access-control-allow-"), preflight);
        }
        String own = "http://127.0.0.1:" + port;
        String answer = raw("GET /v1/status HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nOrigin: " + own + "\r\n");
        assertTrue(answer.contains("Access-Control-Allow-Origin: " + own), answer);
    }
}
