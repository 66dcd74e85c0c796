package dev.longplay.server.http;

import dev.longplay.server.LongplayServer;
import dev.longplay.server.SineRenderer;
import dev.longplay.server.TestServer;
import dev.longplay.server.security.OtherUser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The request guard stands before every route of the route table: each test walks {@link ApiHandler#routes()} as
 * the server holds it, so a route added later is checked without touching this test. Requests go over real sockets
 * with the exact headers a client (or an attacker) sends; each refusal is paired with the same request let through,
 * so a test cannot pass by refusing everything.
 */
class RouteGuardTest {

    @TempDir
    static Path root;
    static TestServer s;
    static int port;

    @BeforeAll
    static void start() throws Exception {
        s = TestServer.start(root.resolve("main"), new SineRenderer(5, 2, 0.5f), 1, 16);
        port = s.server.baseUri().getPort();
    }

    @AfterAll
    static void stop() throws Exception {
        s.close();
    }

    /** An HTTP answer as read off the socket. */
    record Answer(int status, String head, String body) {
        String code() {
            Matcher m = Pattern.compile("\"code\"\\s*:\\s*\"([a-z_]+)\"").matcher(body);
            return m.find() ? m.group(1) : "";
        }
    }

    /** The route with each {@code {param}} filled by a value no stored thing has. */
    static String path(Route r) {
        return r.pattern().replaceAll("\\{[a-z]+}", "no-such-thing");
    }

    /** The headers a legitimate caller of the route sends: the token for a write, a same-origin page for a session. */
    static Map<String, String> legitimate(Route r, TestServer server) {
        int port = server.server.baseUri().getPort();
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Host", "127.0.0.1:" + port);
        switch (r.access()) {
            case READ -> {
            }
            case WRITE -> h.put("Authorization", "Bearer " + server.token);
            case OWNER -> {
                h.put("Origin", "http://127.0.0.1:" + port);
                h.put("Sec-Fetch-Site", "same-origin");
            }
        }
        return h;
    }

    static String request(Route r, Map<String, String> headers, boolean close) {
        return request(r.method(), r, headers, close);
    }

    static String request(String method, Route r, Map<String, String> headers, boolean close) {
        StringBuilder sb = new StringBuilder(method + " " + path(r) + " HTTP/1.1\r\n");
        headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        if (!method.equals("GET") && !method.equals("HEAD")) {
            sb.append("Content-Length: 0\r\n");
        }
        return sb.append(close ? "Connection: close\r\n" : "").append("\r\n").toString();
    }

    static Answer send(int port, Route r, Map<String, String> headers) throws IOException {
        return parse(exchange(port, request(r, headers, true))).get(0);
    }

    /** A HEAD of a GET route: its headers alone, so nothing after them is read as a body. */
    static Answer head(int port, Route r, Map<String, String> headers) throws IOException {
        String raw = exchange(port, request("HEAD", r, headers, true));
        int end = raw.indexOf("\r\n\r\n");
        return new Answer(Integer.parseInt(raw.substring(9, 12)), raw.substring(0, Math.max(end, 0)), "");
    }

    static String exchange(int port, String requests) throws IOException {
        try (Socket sock = new Socket("127.0.0.1", port)) {
            sock.setSoTimeout(20_000);
            sock.getOutputStream().write(requests.getBytes(StandardCharsets.ISO_8859_1));
            sock.getOutputStream().flush();
            return new String(sock.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    /** Splits answers read off one connection (each with a Content-Length, as the API's answers have). */
    static List<Answer> parse(String raw) {
        List<Answer> answers = new ArrayList<>();
        int at = 0;
        while (at < raw.length()) {
            int end = raw.indexOf("\r\n\r\n", at);
            assertTrue(end > 0, "an unfinished answer: " + raw.substring(at));
            String head = raw.substring(at, end);
            Matcher len = Pattern.compile("(?im)^Content-Length:\\s*(\\d+)").matcher(head);
            int bodyLength = len.find() ? Integer.parseInt(len.group(1)) : raw.length() - end - 4;
            String body = raw.substring(end + 4, Math.min(raw.length(), end + 4 + bodyLength));
            answers.add(new Answer(Integer.parseInt(head.substring(9, 12)), head, body));
            at = end + 4 + body.length();
        }
        return answers;
    }

    static boolean passedTheGuard(Answer a) {
        return a.status() != 401 && a.status() != 403 && a.status() != 429;
    }

    @Test
    void theTableHasRoutesOfEveryAccess() {
        List<Route> routes = s.server.api().routes();
        for (Access access : Access.values()) {
            assertTrue(routes.stream().anyMatch(r -> r.access() == access), "no route of access " + access);
        }
        assertEquals(routes.size(), routes.stream().map(Route::toString).distinct().count(), "a route twice: " + routes);
        for (Route r : routes) {
            assertEquals(r.method().equals("GET"), r.access() == Access.READ, r + " is " + r.access());
        }
    }

    @Test
    void everyRouteRefusesAForeignHostOrOriginBeforeItRuns() throws Exception {
        for (Route r : s.server.api().routes()) {
            Answer ok = send(port, r, legitimate(r, s));
            assertTrue(passedTheGuard(ok), r + " refused a legitimate caller: " + ok);

            Map<String, String> rebinding = legitimate(r, s);
            rebinding.put("Host", "attacker.example:" + port); // DNS rebinding: the attacker's name, our address
            Answer host = send(port, r, rebinding);
            assertEquals(403, host.status(), r + ": " + host);
            assertEquals("forbidden", host.code(), r + ": " + host);

            Map<String, String> foreign = legitimate(r, s);
            foreign.put("Origin", "http://attacker.example");
            Answer origin = send(port, r, foreign);
            assertEquals(403, origin.status(), r + ": " + origin);
            assertFalse(origin.head().contains("Access-Control-Allow-Origin"), r + ": " + origin);
            assertFalse(origin.head().contains("Set-Cookie"), r + ": " + origin);

            if (r.method().equals("GET")) { // HEAD runs the GET route (without its body): the same guard
                assertEquals(403, head(port, r, rebinding).status(), "HEAD " + r.pattern());
                assertTrue(passedTheGuard(head(port, r, legitimate(r, s))), "HEAD " + r.pattern());
            }
        }
    }

    @Test
    void everyWriteNeedsTheTokenAndEverySessionASameOriginPage() throws Exception {
        for (Route r : s.server.api().routes()) {
            Map<String, String> bare = new LinkedHashMap<>(Map.of("Host", "127.0.0.1:" + port));
            Answer none = send(port, r, bare);
            Map<String, String> wrong = new LinkedHashMap<>(bare);
            wrong.put("Authorization", "Bearer " + "0".repeat(s.token.length()));
            Answer forged = send(port, r, wrong);
            switch (r.access()) {
                case READ -> {
                    assertTrue(passedTheGuard(none), r + ": " + none);
                    assertTrue(passedTheGuard(forged), r + ": " + forged);
                }
                case WRITE -> {
                    for (Answer a : List.of(none, forged)) {
                        assertEquals(401, a.status(), r + ": " + a);
                        assertEquals("unauthorized", a.code(), r + ": " + a);
                        assertTrue(a.head().contains("WWW-Authenticate: Bearer"), r + ": " + a);
                    }
                }
                case OWNER -> {
                    for (Answer a : List.of(none, forged)) {
                        assertEquals(403, a.status(), r + ": " + a);
                        assertFalse(a.head().contains("Set-Cookie"), r + ": " + a);
                    }
                }
            }
        }
    }

    /**
     * Another local user (uid 65534) sends every write without the token and asks for a console session the way a
     * browser page of this origin does, all on one connection: refused each time. The same bytes from the server's
     * own user open the session, so the refusal is about the user.
     */
    @Test
    void anotherUserGetsNoWriteAndNoSessionOnAnyRoute() throws Exception {
        assumeTrue(OtherUser.available(), "needs Linux, root and setpriv to act as another user");
        List<Route> guarded = s.server.api().routes().stream().filter(r -> r.access() != Access.READ).toList();
        StringBuilder pipeline = new StringBuilder();
        for (int i = 0; i < guarded.size(); i++) {
            Route r = guarded.get(i);
            Map<String, String> h = legitimate(r, s);
            h.remove("Authorization");
            pipeline.append(request(r, h, i == guarded.size() - 1));
        }
        String[] args = {"tcp", "127.0.0.1", "0", "127.0.0.1", Integer.toString(port)};
        List<Answer> theirs = parse(OtherUser.run(root, pipeline.toString(), args).out());
        List<Answer> mine = parse(OtherUser.runAsSelf(root, pipeline.toString(), args).out());
        assertEquals(guarded.size(), theirs.size(), theirs.toString());
        assertEquals(guarded.size(), mine.size(), mine.toString());
        for (int i = 0; i < guarded.size(); i++) {
            Route r = guarded.get(i);
            Answer a = theirs.get(i);
            assertEquals(r.access() == Access.WRITE ? 401 : 403, a.status(), r + ": " + a);
            assertFalse(a.head().contains("Set-Cookie"), r + ": " + a);
            if (r.access() == Access.OWNER) {
                assertEquals(200, mine.get(i).status(), r + ": " + mine.get(i));
                assertTrue(mine.get(i).head().contains("Set-Cookie: longplay_session_"), r + ": " + mine.get(i));
            } else {
                assertEquals(401, mine.get(i).status(), r + ": " + mine.get(i));
            }
        }
    }

    /** With a read budget of one request per 4 s, every route of the table is refused while the budget is spent. */
    @Test
    void everyRouteSpendsTheReadBudget(@TempDir Path dir) throws Exception {
        try (TestServer slow = startWithRates(dir, 0.25, 1000)) {
            int p = slow.server.baseUri().getPort();
            Route health = slow.server.api().routes().stream().filter(r -> r.pattern().equals("/v1/health")).findFirst().orElseThrow();
            for (Route r : slow.server.api().routes()) {
                spend(p, health, Map.of("Host", "127.0.0.1:" + p));
                Answer a = refusedOfTwo(p, r, legitimate(r, slow));
                assertEquals("rate_limited", a.code(), r + ": " + a);
                assertTrue(a.head().contains("Retry-After: "), r + ": " + a);
            }
        }
    }

    /** With a write budget of one per 4 s, every write and every session opening is refused while it is spent; reads are not. */
    @Test
    void everyWriteSpendsTheWriteBudget(@TempDir Path dir) throws Exception {
        try (TestServer slow = startWithRates(dir, 1000, 0.25)) {
            int p = slow.server.baseUri().getPort();
            Route cancel = slow.server.api().routes().stream().filter(r -> r.toString().equals("DELETE /v1/jobs/{id}")).findFirst().orElseThrow();
            for (Route r : slow.server.api().routes()) {
                spend(p, cancel, Map.of("Host", "127.0.0.1:" + p, "Authorization", "Bearer " + slow.token));
                if (r.access() == Access.READ) {
                    Answer a = send(p, r, legitimate(r, slow));
                    assertTrue(passedTheGuard(a), r + ": " + a);
                } else {
                    assertEquals("rate_limited", refusedOfTwo(p, r, legitimate(r, slow)).code(), r.toString());
                }
            }
        }
    }

    /**
     * Sends {@code r} twice in a row and returns the 429 among the answers. The budget is spent just before, but its
     * refill may land between (one request per 4 s): then one of the two passes, never both.
     */
    private static Answer refusedOfTwo(int port, Route r, Map<String, String> headers) throws IOException {
        Answer first = send(port, r, headers);
        Answer second = send(port, r, headers);
        Answer refused = first.status() == 429 ? first : second;
        assertEquals(429, refused.status(), r + ": " + first + " then " + second);
        return refused;
    }

    /** Sends {@code r} until the budget it draws on is spent (the first refusal); at most a handful of times. */
    private static void spend(int port, Route r, Map<String, String> headers) throws IOException {
        for (int i = 0; i < 10; i++) {
            if (send(port, r, headers).status() == 429) {
                return;
            }
        }
        throw new AssertionError("the budget was never spent by " + r);
    }

    private static TestServer startWithRates(Path dir, double reads, double writes) throws Exception {
        LongplayServer.Config c = TestServer.config(dir, 1, 16);
        return new TestServer(LongplayServer.start(new LongplayServer.Config(c.bind(), c.port(), c.dataDir(), c.configDir(), c.engine(),
                c.clipLimitBytes(), c.limits(), reads, writes), new SineRenderer(5, 2, 0.5f)));
    }
}
