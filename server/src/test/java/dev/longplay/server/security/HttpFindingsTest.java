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
            for (int i = 0; i < 10; i++) {
                String answer = raw(p, "127.0.0." + (2 + i), "GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Longplay-Client: tool-" + i + "\r\n", "");
                if (answer.startsWith("HTTP/1.1 429")) {
                    limited++;
                    assertTrue(answer.contains("\"code\":\"rate_limited\"") && answer.contains("Retry-After"), answer);
                }
            }
            assertTrue(limited >= 3, "a fresh name and address each time still shares one budget: " + limited + " of 10 limited");
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

    static final java.util.regex.Pattern CLASS_NAME = java.util.regex.Pattern.compile(
            "\\b(java|javax|com|org|dev|jdk|sun)\\.[a-z]|`|\\b[A-Z][A-Za-z]+(Exception|Error)\\b|\\$");

    static com.fasterxml.jackson.databind.JsonNode jsonError(String answer, int status) throws Exception {
        assertTrue(answer.startsWith("HTTP/1.1 " + status), answer);
        int split = answer.indexOf("\r\n\r\n");
        String headers = answer.substring(0, split).toLowerCase();
        assertTrue(headers.contains("content-type: application/json"), answer);
        var body = dev.longplay.server.io.Json.MAPPER.readTree(answer.substring(split + 4));
        assertTrue(body.hasNonNull("code") && body.hasNonNull("message"), answer);
        assertFalse(CLASS_NAME.matcher(body.get("message").asText()).find(), answer);
        return body;
    }

    @Test
    void secondsMustBeFiniteAndAtLeastOneMillisecond() throws Exception {
        for (String bad : new String[]{"4.9e-324", "1e-9", "0.0009", "0", "-0.0", "-1", "1e400", "601"}) {
            var r = s.postJob("{\"prompt\":\"x\",\"seconds\":" + bad + "}");
            assertEquals(400, r.statusCode(), bad + ": " + r.body());
            var body = TestServer.json(r);
            assertEquals("invalid_argument", body.get("code").asText(), r.body());
            assertTrue(body.get("message").asText().contains("seconds must be from 0.001"), r.body());
        }
        var ok = s.postJob("{\"prompt\":\"x\",\"seconds\":0.001,\"seed\":1}");
        assertEquals(202, ok.statusCode(), ok.body());
        assertEquals("succeeded", s.awaitJob(TestServer.json(ok).get("id").asText(), java.time.Duration.ofSeconds(20)).get("state").asText());
    }

    @Test
    void duplicateJsonKeysAreRefused() throws Exception {
        var r = s.postJob("{\"prompt\":\"x\",\"seconds\":1,\"seconds\":600}");
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("malformed_json", TestServer.json(r).get("code").asText());
        assertTrue(TestServer.json(r).get("message").asText().contains("seconds"), r.body());
        var nested = s.postJob("{\"prompt\":\"x\",\"initAudio\":{\"clip\":\"a\",\"clip\":\"b\"},\"mode\":\"audio_to_audio\"}");
        assertEquals(400, nested.statusCode(), nested.body());
        assertEquals("malformed_json", TestServer.json(nested).get("code").asText());
    }

    @Test
    void errorMessagesNameNoJavaClasses() throws Exception {
        String[] bodies = {"{\"prompt\":\"x\",\"seconds\":\"long\"}", "{\"prompt\":\"x\",\"steps\":\"many\"}", "{\"prompt\":[\"a\"]}",
                "{\"prompt\":\"x\",\"steps\":1.5}", "{\"prompt\":\"x\",\"mode\":7}", "{\"prompt\":\"x\",\"initAudio\":3}",
                "{\"prompt\":\"x\",\"loras\":{}}", "{\"prompt\":\"x\",\"loras\":[{\"name\":1}]}", "{\"prompt\":\"x\",\"seed\":true}",
                "{\"prompt\":\"x\",\"inpaintRanges\":[1]}", "[1]", "\"x\"", "{\"prompt\":\"x\"} trailing", "{\"prompt\":\"x\",\"priority\":{}}"};
        for (String b : bodies) {
            var r = s.postJob(b);
            assertEquals(400, r.statusCode(), b + " -> " + r.body());
            String message = TestServer.json(r).get("message").asText();
            assertFalse(CLASS_NAME.matcher(message).find(), b + " -> " + message);
        }
    }

    @Test
    void jettysOwnErrorsComeBackAsJson() throws Exception {
        jsonError(raw("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: " + "a".repeat(20_000) + "\r\n"), 431);
        jsonError(raw("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header\r\n"), 400);
        jsonError(raw("GET /v1/\u0001health HTTP/1.1\r\nHost: 127.0.0.1\r\n"), 400);
        jsonError(raw("GET /v1/%zz HTTP/1.1\r\nHost: 127.0.0.1\r\n"), 400);
        jsonError(raw("GET /" + "a".repeat(70_000) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"), 414);
        // And the server still answers.
        assertTrue(raw("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n").startsWith("HTTP/1.1 200"));
    }

    @Test
    void headIsAnsweredWhereverGetIs() throws Exception {
        String health = raw("HEAD /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        assertTrue(health.startsWith("HTTP/1.1 200"), health);
        assertTrue(health.endsWith("\r\n\r\n"), "no body: " + health);
        assertTrue(health.contains("Content-Type: application/json"), health);
        var job = s.postJob("{\"prompt\":\"x\",\"seconds\":0.1,\"seed\":2}");
        String id = TestServer.json(job).get("id").asText();
        s.awaitJob(id, java.time.Duration.ofSeconds(20));
        String clip = raw("HEAD /v1/clips/" + id + " HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        assertTrue(clip.startsWith("HTTP/1.1 200") && clip.contains("Content-Type: audio/wav") && clip.endsWith("\r\n\r\n"), clip);
        String events = raw("HEAD /v1/jobs/" + id + "/events HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        assertTrue(events.startsWith("HTTP/1.1 200") && events.contains("text/event-stream") && events.endsWith("\r\n\r\n"), events);
        assertTrue(raw("HEAD / HTTP/1.1\r\nHost: 127.0.0.1\r\n").startsWith("HTTP/1.1 200"));
        jsonError(raw("HEAD /v1/nothing HTTP/1.1\r\nHost: 127.0.0.1\r\n").replaceFirst("\r\n\r\n$", "\r\n\r\n{\"code\":\"x\",\"message\":\"y\"}"), 404);
    }

    @Test
    void anUnexpectedRenderFailureNamesNoJavaClass(@TempDir Path other) throws Exception {
        SineRenderer sine = new SineRenderer(1, 1, 0.5f);
        dev.longplay.server.jobs.ClipRenderer broken = new dev.longplay.server.jobs.ClipRenderer() {
            @Override
            public java.util.List<dev.longplay.server.jobs.ServedModel> models() {
                return sine.models();
            }

            @Override
            public void load(String modelId, dev.longplay.server.jobs.ProgressListener progress) throws dev.longplay.server.jobs.RenderException {
                sine.load(modelId, progress);
            }

            @Override
            public dev.longplay.server.clips.RenderedClip render(dev.longplay.server.jobs.GenerationRequest request,
                    dev.longplay.server.jobs.ProgressListener progress, dev.longplay.server.jobs.CancellationCheck cancel) {
                throw new ArrayIndexOutOfBoundsException("Index 0 out of bounds for length 0 in java.util.ArrayList");
            }

            @Override
            public void close() {
                sine.close();
            }
        };
        try (TestServer t = TestServer.start(other, broken, 1, 16)) {
            var job = t.postJob("{\"prompt\":\"x\",\"seconds\":0.1}");
            var done = t.awaitJob(TestServer.json(job).get("id").asText(), java.time.Duration.ofSeconds(20));
            assertEquals("failed", done.get("state").asText());
            assertEquals("internal_error", done.get("error").get("code").asText(), done.toString());
            String message = done.get("error").get("message").asText();
            assertFalse(CLASS_NAME.matcher(message).find() || message.contains("Index"), message);
        }
    }
}
