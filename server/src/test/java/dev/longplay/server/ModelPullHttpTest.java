package dev.longplay.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.hub.FakeHub;
import dev.longplay.models.hub.HubCache;
import dev.longplay.models.hub.HubEndpoint;
import dev.longplay.models.hub.ModelPuller;
import dev.longplay.server.pull.ModelPulls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code POST /v1/models/pull} and its event stream, against a Hub on loopback. */
class ModelPullHttpTest {

    @TempDir
    Path root;
    private FakeHub hub;
    private TestServer s;
    private final byte[] weights = new byte[200_000];

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub();
        new Random(3).nextBytes(weights);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("model_config.json", "{\"sample_rate\":44100,\"model\":{}}".getBytes(StandardCharsets.UTF_8));
        files.put("model.safetensors", weights);
        hub.addRepo("org/open", files, false);
        hub.addRepo("org/gated", files, true);
        s = TestServer.start(root, new SineRenderer(5, 1, 0.5f), 1, 8);
        // the server's pulls, pointed at the loopback Hub and a cache in the test folder (the real server reads HF_*)
        s.server.api().attachPulls(new ModelPulls(() -> new ModelPuller(new HubEndpoint(hub.endpoint(), Optional.empty(),
                Duration.ofSeconds(5), Duration.ofSeconds(5), false), new HubCache(root.resolve("hub")))));
    }

    @AfterEach
    void stop() throws Exception {
        s.close();
        hub.close();
    }

    private HttpResponse<String> pull(String body, boolean withToken) throws Exception {
        HttpRequest.Builder b = withToken ? s.write("/v1/models/pull") : s.request("/v1/models/pull");
        return s.send(b.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    /** The stream's events (name and data) up to and including the final done or failed. */
    private List<Map.Entry<String, JsonNode>> events(String path) throws Exception {
        HttpResponse<Stream<String>> r = s.http.send(s.request(path).GET().build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, r.statusCode());
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        try (Stream<String> lines = r.body()) {
            String event = null;
            for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
                String line = it.next();
                if (line.startsWith("event: ")) {
                    event = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    out.add(Map.entry(event, dev.longplay.server.io.Json.MAPPER.readTree(line.substring(6))));
                    if (event.equals("done") || event.equals("failed")) {
                        break;
                    }
                }
            }
        }
        return out;
    }

    @Test
    void aPullNeedsTheTokenAndReportsProgressOnItsEventStream() throws Exception {
        HttpResponse<String> anonymous = pull("{\"model\":\"org/open\"}", false);
        assertEquals(401, anonymous.statusCode(), anonymous.body());
        assertTrue(hub.requests.isEmpty(), "nothing reached the Hub without the token");

        hub.millisPer8k = 40; // about a second for the weights: the stream is open before the download ends
        HttpResponse<String> r = pull("{\"model\":\"org/open\"}", true);
        assertEquals(202, r.statusCode(), r.body());
        JsonNode body = TestServer.json(r);
        String id = body.get("pull").get("id").asText();
        List<Map.Entry<String, JsonNode>> events = events(body.get("events").asText());
        List<String> names = events.stream().map(Map.Entry::getKey).toList();
        assertEquals("status", names.get(0));
        assertTrue(names.contains("progress"), names.toString());
        assertEquals("done", names.get(names.size() - 1));
        JsonNode done = events.get(events.size() - 1).getValue();
        Path snapshot = Path.of(done.get("data").get("snapshot").asText());
        assertTrue(snapshot.startsWith(root.resolve("hub/models--org--open/snapshots")), snapshot.toString());
        assertArrayEquals(weights, Files.readAllBytes(snapshot.resolve("model.safetensors")));

        JsonNode view = TestServer.json(s.get("/v1/models/pulls/" + id));
        assertEquals("DONE", view.get("state").asText());
        assertEquals(weights.length + "", view.get("fileSize").asText());
        // a finished pull's stream is its final state at once
        assertEquals(List.of("status"), events("/v1/models/pulls/" + id + "/events").stream().map(Map.Entry::getKey).toList());
    }

    @Test
    void aGatedModelFailsOnTheStreamWithItsPageAndBadRequestsAreRefused() throws Exception {
        HttpResponse<String> r = pull("{\"model\":\"org/gated\"}", true);
        assertEquals(202, r.statusCode(), r.body());
        List<Map.Entry<String, JsonNode>> events = events(TestServer.json(r).get("events").asText());
        // the last event is "failed", or only "status" when the pull had already failed before the stream opened
        JsonNode last = events.get(events.size() - 1).getValue().get("pull");
        assertEquals("FAILED", last.get("state").asText());
        assertEquals("gated", last.get("errorCode").asText());
        assertTrue(last.get("message").asText().contains(hub.endpoint() + "/org/gated"), last.toString());

        assertEquals(400, pull("{\"model\":\"../etc\"}", true).statusCode());
        assertEquals(400, pull("{\"model\":\"org/open\",\"extra\":1}", true).statusCode());
        assertEquals(400, pull("[1]", true).statusCode());
        assertEquals(404, s.get("/v1/models/pulls/pull-nope").statusCode());
        assertEquals(200, s.get("/v1/health").statusCode(), "the server keeps running");
    }
}
