package dev.longplay.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.server.render.ModelClipRenderer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * 32 clients x 20 jobs at once against a running server with a small queue: first with the seeded-sine test
 * renderer (the engine and the HTTP edge alone, 2 workers), then with the real model runtime on the tiny model. Every job must either be refused with
 * queue_full or end succeeded with its own clip; none may be lost or answered with anything else.
 */
class ConcurrentClientsTest {

    static final int CLIENTS = 32;
    static final int JOBS = 20;

    @Test
    void everyJobCompletesOrIsRefusedWithQueueFull(@TempDir Path root) throws Exception {
        SineRenderer renderer = new SineRenderer(3, 1, 0.5f);
        try (TestServer s = TestServer.start(root, renderer, 2, 48)) {
            Map<String, Long> accepted = storm(s, "\"seconds\":0.05", Duration.ofSeconds(30));
            assertEquals(accepted.size(), renderer.renders());
        }
    }

    /** The same storm on the real model runtime (embedded tiny model, one sampler step, 0.1 s clips). */
    @Test
    void theRealModelRuntimeLosesNoJobUnderTheSameStorm(@TempDir Path root) throws Exception {
        ModelClipRenderer renderer = new ModelClipRenderer(null, root.resolve("models"));
        try (TestServer s = TestServer.start(root, renderer, 1, 24)) {
            Map<String, Long> accepted = storm(s, "\"seconds\":0.1,\"steps\":1", Duration.ofSeconds(120));
            for (String id : accepted.keySet()) {
                JsonNode meta = TestServer.json(s.get("/v1/clips/" + id + "/meta"));
                assertEquals(4410, meta.get("audio").get("frames").asInt(), "exact length");
            }
        }
    }

    /** Fires CLIENTS x JOBS requests at once; checks every answer, then that every accepted job made its clip. */
    private static Map<String, Long> storm(TestServer s, String jobFields, Duration perJob) throws Exception {
            Map<String, Long> accepted = new ConcurrentHashMap<>(); // job id -> seed
            AtomicInteger refused = new AtomicInteger();
            List<String> unexpected = new ArrayList<>();
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            List<Future<?>> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.add(pool.submit(() -> {
                    for (int j = 0; j < JOBS; j++) {
                        long seed = client * 1000L + j;
                        HttpResponse<String> r = s.send(s.write("/v1/jobs").header("Content-Type", "application/json")
                                .header("X-Longplay-Client", "client-" + client)
                                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                                        "{\"prompt\":\"c" + client + " j" + j + "\"," + jobFields + ",\"seed\":" + seed
                                                + ",\"priority\":\"" + (j % 3 == 0 ? "live" : "batch") + "\"}"))
                                .build());
                        JsonNode body = TestServer.json(r);
                        if (r.statusCode() == 202) {
                            accepted.put(body.get("id").asText(), seed);
                        } else if (r.statusCode() == 503 && body.get("code").asText().equals("queue_full")) {
                            refused.incrementAndGet();
                        } else {
                            synchronized (unexpected) {
                                unexpected.add(r.statusCode() + " " + r.body());
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : clients) {
                f.get();
            }
            pool.shutdown();
            assertTrue(unexpected.isEmpty(), unexpected.toString());
            assertEquals(CLIENTS * JOBS, accepted.size() + refused.get());

            for (Map.Entry<String, Long> e : accepted.entrySet()) {
                JsonNode job = s.awaitJob(e.getKey(), perJob);
                assertEquals("succeeded", job.get("state").asText(), job.toString());
                JsonNode meta = TestServer.json(s.get("/v1/clips/" + e.getKey() + "/meta"));
                assertEquals((long) e.getValue(), meta.get("seed").asLong(), "each clip belongs to its own job");
            }
            JsonNode health = TestServer.json(s.get("/v1/health"));
            assertEquals(0, health.get("queue").get("depth").asInt());
            assertEquals(accepted.size(), health.get("clips").get("count").asInt());
            System.out.printf("concurrency: %d accepted, %d refused with queue_full%n", accepted.size(), refused.get());
            return accepted;
    }
}
