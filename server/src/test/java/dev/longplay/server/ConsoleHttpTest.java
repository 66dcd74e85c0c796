package dev.longplay.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.server.security.LoopbackPeerOwner;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.longplay.server.HttpApiTest.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The web console's edge: its files and headers, the same-origin session and its refusals, and the listings it reads. */
class ConsoleHttpTest {

    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' blob: data:; "
            + "media-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    @TempDir
    static Path root;
    static TestServer s;
    static String origin;

    @BeforeAll
    static void start() throws Exception {
        s = TestServer.start(root, new SineRenderer(5, 2, 0.5f), 1, 64);
        origin = "http://" + s.server.baseUri().getAuthority();
    }

    @AfterAll
    static void stop() throws Exception {
        s.close();
    }

    @Test
    void thePageAndItsFilesAreServedTypedWithAStrictPolicy() throws Exception {
        HttpResponse<String> page = s.get("/");
        assertEquals(200, page.statusCode());
        assertEquals("text/html; charset=utf-8", page.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(CSP, page.headers().firstValue("Content-Security-Policy").orElseThrow());
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElseThrow());
        assertEquals("no-cache", page.headers().firstValue("Cache-Control").orElseThrow());
        // The policy forbids inline script and style: the page has none, only files of its own origin.
        assertFalse(Pattern.compile("<script(?![^>]*\\bsrc=\"/web/)", Pattern.CASE_INSENSITIVE).matcher(page.body()).find(), "inline script");
        assertFalse(Pattern.compile("<style|\\sstyle=|\\son[a-z]+=|javascript:", Pattern.CASE_INSENSITIVE).matcher(page.body()).find(),
                "inline style or handler");

        List<String> referenced = new ArrayList<>();
        Matcher m = Pattern.compile("(?:src|href)=\"(/web/[^\"]+)\"").matcher(page.body());
        while (m.find()) {
            referenced.add(m.group(1));
        }
        assertTrue(referenced.contains("/web/app.js") && referenced.contains("/web/style.css"), referenced.toString());
        for (String path : referenced) {
            assertEquals(200, s.get(path).statusCode(), path);
        }
        assertEquals("text/javascript; charset=utf-8", s.get("/web/app.js").headers().firstValue("Content-Type").orElseThrow());
        assertEquals("text/css; charset=utf-8", s.get("/web/style.css").headers().firstValue("Content-Type").orElseThrow());
        // Every module the entry imports is there too.
        Matcher imports = Pattern.compile("from '\\./([a-z-]+\\.js)'").matcher(s.get("/web/app.js").body() + s.get("/web/clips.js").body()
                + s.get("/web/generate.js").body() + s.get("/web/status.js").body());
        while (imports.find()) {
            assertEquals(200, s.get("/web/" + imports.group(1)).statusCode(), imports.group(1));
        }
    }

    @Test
    void filesRevalidateByETagAndNothingElseIsReachable() throws Exception {
        HttpResponse<String> js = s.get("/web/app.js");
        String etag = js.headers().firstValue("ETag").orElseThrow();
        HttpResponse<String> again = s.send(s.request("/web/app.js").header("If-None-Match", etag).build());
        assertEquals(304, again.statusCode());
        assertEquals("", again.body());
        assertNotEquals(etag, s.get("/web/style.css").headers().firstValue("ETag").orElseThrow());
        for (String path : List.of("/web/nope.js", "/web/openapi.json", "/web/..%2Fopenapi.json", "/web/App.js", "/web/app.js.map",
                "/web/%2e%2e", "/index.html", "/web/")) {
            assertTrue(s.get(path).statusCode() == 404 || s.get(path).statusCode() == 400, path + " -> " + s.get(path).statusCode());
        }
        // DNS rebinding: the page is guarded like the API.
        assertTrue(raw("GET / HTTP/1.1\r\nHost: evil.example\r\n").startsWith("HTTP/1.1 403"));
        assertTrue(raw("GET /web/app.js HTTP/1.1\r\nHost: evil.example:7860\r\n").startsWith("HTTP/1.1 403"));
    }

    @Test
    void aSessionOpensOnlyForAPageOfThisVeryOrigin() throws Exception {
        assertError(session(null, null), 403, "forbidden");
        assertError(session("same-origin", null), 403, "forbidden");
        assertError(session(null, origin), 403, "forbidden");
        assertError(session("cross-site", origin), 403, "forbidden");
        assertError(session("same-site", origin), 403, "forbidden");
        assertError(session("same-origin", "http://localhost:5173"), 403, "forbidden"); // another local app
        assertError(session("same-origin", "http://127.0.0.1:" + (s.server.baseUri().getPort() + 1)), 403, "forbidden");
        assertError(session("same-origin", origin + "/"), 403, "forbidden");
        assertError(session("same-origin", "null"), 403, "forbidden");

        HttpResponse<String> ok = session("same-origin", origin);
        assertEquals(200, ok.statusCode(), ok.body());
        String cookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cookie.startsWith("longplay_session_" + s.server.baseUri().getPort() + "="), cookie);
        assertTrue(cookie.contains("; HttpOnly") && cookie.contains("; SameSite=Strict") && cookie.contains("; Path=/"), cookie);
        assertEquals("X-Longplay-CSRF", TestServer.json(ok).get("csrfHeader").asText());
        assertTrue(TestServer.json(ok).get("csrf").asText().matches("[0-9a-f]{64}"));
    }

    @Test
    void anotherLocalUserGetsNoSessionEvenWithTheRightHeaders() throws Exception {
        assumeTrue(LoopbackPeerOwner.supported() && LoopbackPeerOwner.currentUid() == 0 && Files.isExecutable(Path.of("/usr/bin/setpriv")),
                "needs Linux, root and setpriv to act as another user");
        int port = s.server.baseUri().getPort();
        String request = "POST /v1/session HTTP/1.1\\r\\nHost: 127.0.0.1:" + port + "\\r\\nOrigin: " + origin
                + "\\r\\nSec-Fetch-Site: same-origin\\r\\nContent-Length: 0\\r\\nConnection: close\\r\\n\\r\\n";
        // The same bytes a browser would send, from a process of user "nobody" (uid 65534).
        Process p = new ProcessBuilder("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "bash", "-c",
                "exec 3<>/dev/tcp/127.0.0.1/" + port + "; printf '" + request + "' >&3; cat <&3").redirectErrorStream(true).start();
        String answer = new String(p.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS));
        assertTrue(answer.startsWith("HTTP/1.1 403"), answer);
        assertTrue(answer.contains("install token"), answer);
        assertFalse(answer.contains("Set-Cookie"), answer);
        // Control: this user's identical request opens one.
        String mine = raw("POST /v1/session HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nOrigin: " + origin
                + "\r\nSec-Fetch-Site: same-origin\r\nContent-Length: 0\r\n");
        assertTrue(mine.startsWith("HTTP/1.1 200") && mine.contains("Set-Cookie: longplay_session_"), mine);
    }

    @Test
    void consoleWritesNeedTheCookieTheCsrfHeaderAndThisOrigin() throws Exception {
        HttpResponse<String> opened = session("same-origin", origin);
        String cookie = opened.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
        String csrf = TestServer.json(opened).get("csrf").asText();
        String body = "{\"prompt\":\"console\",\"seconds\":0.1,\"seed\":3}";

        HttpResponse<String> ok = s.send(consoleWrite(cookie, csrf, origin, "same-origin", body));
        assertEquals(202, ok.statusCode(), ok.body());
        assertEquals("succeeded", s.awaitJob(TestServer.json(ok).get("id").asText(), Duration.ofSeconds(10)).get("state").asText());

        assertError(s.send(consoleWrite(cookie, null, origin, "same-origin", body)), 401, "unauthorized");           // no CSRF header
        assertError(s.send(consoleWrite(cookie, "0".repeat(64), origin, "same-origin", body)), 401, "unauthorized"); // wrong CSRF
        assertError(s.send(consoleWrite(null, csrf, origin, "same-origin", body)), 401, "unauthorized");             // no cookie
        assertError(s.send(consoleWrite(cookie, csrf, null, "same-origin", body)), 401, "unauthorized");             // no Origin
        assertError(s.send(consoleWrite(cookie, csrf, "http://localhost:5173", "same-site", body)), 401, "unauthorized");
        assertError(s.send(consoleWrite(cookie, csrf, origin, "cross-site", body)), 401, "unauthorized");
        String otherPortCookie = cookie.replace("longplay_session_" + s.server.baseUri().getPort(), "longplay_session_1");
        assertError(s.send(consoleWrite(otherPortCookie, csrf, origin, "same-origin", body)), 401, "unauthorized");
        // Another session's CSRF value does not fit this cookie.
        String otherCsrf = TestServer.json(session("same-origin", origin)).get("csrf").asText();
        assertError(s.send(consoleWrite(cookie, otherCsrf, origin, "same-origin", body)), 401, "unauthorized");
        // A preflight never lets a foreign origin send the CSRF header with credentials.
        HttpResponse<String> preflight = s.send(s.request("/v1/jobs").header("Origin", "http://localhost:5173")
                .header("Access-Control-Request-Headers", "x-longplay-csrf").method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
        assertFalse(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase().contains("csrf"));
        assertTrue(preflight.headers().firstValue("Access-Control-Allow-Credentials").isEmpty());
        // The bearer path for other clients is unchanged.
        assertEquals(202, s.postJob(body).statusCode());
    }

    @Test
    void clipsJobsAndStatusListWhatThePageShows() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String id = TestServer.json(s.postJob("{\"prompt\":\"listed " + i + "\",\"seconds\":0.1,\"seed\":" + (10 + i) + "}")).get("id").asText();
            assertEquals("succeeded", s.awaitJob(id, Duration.ofSeconds(10)).get("state").asText());
            ids.add(id);
            Thread.sleep(5); // distinct creation times
        }
        JsonNode page = TestServer.json(s.get("/v1/clips?limit=2"));
        assertEquals(2, page.get("clips").size());
        assertTrue(page.get("total").asInt() >= 3);
        assertEquals(ids.get(2), page.get("clips").get(0).get("id").asText(), "newest first");
        assertEquals(ids.get(1), page.get("clips").get(1).get("id").asText());
        JsonNode first = page.get("clips").get(0);
        assertEquals("/v1/clips/" + ids.get(2), first.get("url").asText());
        assertEquals("listed 2", first.get("meta").get("prompt").asText());
        assertEquals(12, first.get("meta").get("seed").asLong());
        JsonNode next = TestServer.json(s.get("/v1/clips?limit=2&offset=1"));
        assertEquals(ids.get(1), next.get("clips").get(0).get("id").asText());
        assertEquals(0, TestServer.json(s.get("/v1/clips?offset=100000")).get("clips").size());
        assertError(s.get("/v1/clips?limit=0"), 400, "invalid_argument");
        assertError(s.get("/v1/clips?limit=abc"), 400, "invalid_argument");
        assertError(s.get("/v1/clips?offset=-1"), 400, "invalid_argument");

        // A failure is listed with its message, newest first, in /v1/jobs and in /v1/status.
        String failed = TestServer.json(s.postJob("{\"prompt\":\"explode\",\"seconds\":0.1}")).get("id").asText();
        assertEquals("failed", s.awaitJob(failed, Duration.ofSeconds(10)).get("state").asText());
        JsonNode failures = TestServer.json(s.get("/v1/jobs?state=failed&limit=5")).get("jobs");
        assertEquals(failed, failures.get(0).get("id").asText());
        assertFalse(failures.get(0).get("error").get("message").asText().isBlank());
        JsonNode succeeded = TestServer.json(s.get("/v1/jobs?state=succeeded")).get("jobs");
        assertTrue(succeeded.size() >= 3);
        succeeded.forEach(j -> assertEquals("succeeded", j.get("state").asText()));
        assertError(s.get("/v1/jobs?state=done"), 400, "invalid_argument");

        JsonNode status = TestServer.json(s.get("/v1/status"));
        assertEquals(SineRenderer.MODEL, status.get("model").get("id").asText());
        assertEquals("cpu", status.get("device").asText());
        assertEquals(failed, status.get("recentFailures").get(0).get("id").asText());
        assertTrue(status.get("queue").has("depth") && status.get("jobs").isArray() && status.get("clips").get("count").asInt() >= 3);
    }

    @Test
    void theQueueListsRunningThenQueuedLiveBeforeBatch(@TempDir Path other) throws Exception {
        try (TestServer t = TestServer.start(other, new SineRenderer(5, 2, 0.5f), 1, 64)) {
            String running = TestServer.json(t.postJob("{\"prompt\":\"long\",\"seconds\":0.1,\"steps\":1000,\"priority\":\"batch\"}")).get("id").asText();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!TestServer.json(t.get("/v1/jobs/" + running)).get("state").asText().equals("running")) {
                assertTrue(System.nanoTime() < deadline, "the job never started");
                Thread.sleep(10);
            }
            String batch = TestServer.json(t.postJob("{\"prompt\":\"b\",\"seconds\":0.1,\"priority\":\"batch\"}")).get("id").asText();
            String live = TestServer.json(t.postJob("{\"prompt\":\"l\",\"seconds\":0.1,\"priority\":\"live\"}")).get("id").asText();
            JsonNode jobs = TestServer.json(t.get("/v1/jobs")).get("jobs");
            assertEquals(3, jobs.size(), jobs.toString());
            assertEquals(List.of(running, live, batch), List.of(jobs.get(0).get("id").asText(), jobs.get(1).get("id").asText(), jobs.get(2).get("id").asText()));
            assertEquals("running", jobs.get(0).get("state").asText());
            assertEquals("live", jobs.get(1).get("priority").asText());
            assertEquals(3, TestServer.json(t.get("/v1/status")).get("jobs").size());
            for (String id : List.of(running, live, batch)) {
                t.send(t.write("/v1/jobs/" + id).DELETE().build());
            }
        }
    }

    private static HttpResponse<String> session(String fetchSite, String origin) throws Exception {
        HttpRequest.Builder b = s.request("/v1/session").POST(HttpRequest.BodyPublishers.noBody());
        if (fetchSite != null) {
            b.header("Sec-Fetch-Site", fetchSite);
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        return s.send(b.build());
    }

    private static HttpRequest consoleWrite(String cookie, String csrf, String origin, String fetchSite, String json) {
        HttpRequest.Builder b = s.request("/v1/jobs").header("Content-Type", "application/json").header("Sec-Fetch-Site", fetchSite)
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        if (csrf != null) {
            b.header("X-Longplay-CSRF", csrf);
        }
        if (origin != null) {
            b.header("Origin", origin);
        }
        return b.build();
    }

    private static String raw(String head) throws Exception {
        try (Socket sock = new Socket(s.server.baseUri().getHost(), s.server.baseUri().getPort())) {
            sock.getOutputStream().write((head + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            return new String(sock.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
