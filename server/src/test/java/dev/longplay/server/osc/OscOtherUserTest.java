package dev.longplay.server.osc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longplay.osc.OscClient;
import dev.longplay.osc.OscServerConfig;
import dev.longplay.server.SineRenderer;
import dev.longplay.server.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The server's OSC edge on loopback as another local user (uid 65534, through setpriv) meets it: nothing but
 * /version and /auth until it sends the install token, the same secret HTTP writes need; the server's own user
 * needs no set-up.
 */
class OscOtherUserTest {
    /** The osc module's probe: a standard-library Python OSC client, runnable by any user. */
    private static final Path PROBE = Path.of("../osc/src/test/resources/osc_probe.py").toAbsolutePath().normalize();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path root;
    static TestServer s;
    static int udpPort;
    static int tcpPort;

    @BeforeAll
    static void start() throws Exception {
        s = TestServer.start(root, new SineRenderer(2, 0, 0.5f), 1, 16);
        var osc = s.server.startOsc(OscServerConfig.defaults("test").withPorts(0, 0), Optional.empty());
        udpPort = osc.udpAddress().orElseThrow().getPort();
        tcpPort = osc.tcpAddress().orElseThrow().getPort();
    }

    @AfterAll
    static void stop() throws Exception {
        s.close();
    }

    private static List<JsonNode> asOtherUser(String transport, int port, String messagesJson) throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/net/udp")) && (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid") == 0
                        && Files.isExecutable(Path.of("/usr/bin/setpriv")) && Files.isExecutable(Path.of("/usr/bin/python3"))
                        && Files.isReadable(PROBE),
                "needs Linux, root, setpriv, python3 and the osc module's probe to act as another user");
        Process p = new ProcessBuilder("/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "/usr/bin/python3", PROBE.toString(), "talk", transport, Integer.toString(port), messagesJson)
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        List<JsonNode> replies = new ArrayList<>();
        for (String line : out.split("\n")) {
            replies.add(JSON.readTree(line));
        }
        return replies;
    }

    @Test
    void anotherUserNeedsTheInstallToken() throws Exception {
        String token = s.server.token().value();
        for (String transport : List.of("udp", "tcp")) {
            List<JsonNode> r = asOtherUser(transport, transport.equals("udp") ? udpPort : tcpPort, """
                    [["/gen/text", ["i", 1], ["s", "someone else's pad"], ["f", 0.5]],
                     ["/clip/list"],
                     ["/status"],
                     ["/auth", ["s", "0123456789abcdef0123456789abcdef"]],
                     ["/auth", ["s", "%s"]],
                     ["/clip/list"]]
                    """.formatted(token));
            assertEquals(6, r.size(), r.toString());
            for (int i = 0; i < 4; i++) {
                assertEquals("/fail", r.get(i).get(0).asText(), transport + " " + r);
                assertEquals("E_AUTH", r.get(i).get(2).asText(), transport + " " + r);
            }
            assertEquals("[\"/done\",\"/auth\"]", r.get(4).toString(), transport);
            assertTrue(r.get(5).get(0).asText().startsWith("/clip/list") || r.get(5).get(1).asText().equals("/clip/list"),
                    transport + " " + r);
        }
        assertEquals(0, s.server.engine().stats().queued() + s.server.engine().stats().running()
                + s.server.clips().list().size(), "a refused /gen/text made a job");
        // The server's own user: no /auth, no token.
        try (OscClient mine = OscClient.udp(s.server.osc().orElseThrow().udpAddress().orElseThrow())) {
            mine.send("/gen/text", 2, "my pad", 0.5);
            assertEquals("/gen/text", mine.await("/done", Duration.ofSeconds(30)).getArguments().get(0));
            mine.send("/clip/list");
            assertNotNull(mine.await("/clip/list.item", Duration.ofSeconds(5)));
        }
    }
}
