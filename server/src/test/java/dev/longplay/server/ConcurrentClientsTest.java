package dev.longplay.server;

import com.fasterxml.jackson.databind.JsonNode;
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
 * 32 clients x 20 jobs at once against a running server with 2 workers and a small queue (the seeded-sine test
 * renderer stands in for the model: this tests the engine and the HTTP edge). Every job must either be refused with
 * queue_full or end succeeded with its own clip; none may be lost or answered with anything else.
 */
class ConcurrentClientsTest {

    static final int CLIENTS = 32;
    static final int JOBS = 20;

    @Test
    void everyJobCompletesOrIsRefusedWithQueueFull(@TempDir Path root) throws Exception {
        SineRenderer renderer = new SineRenderer(3, 1, 0.5f);
        try (TestServer s = TestServer.start(root, renderer, 2, 48)) {
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
                                        "{\"prompt\":\"c" + client + " j" + j + "\",\"seconds\":0.05,\"seed\":" + seed
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
                JsonNode job = s.awaitJob(e.getKey(), Duration.ofSeconds(30));
                assertEquals("succeeded", job.get("state").asText(), job.toString());
                JsonNode meta = TestServer.json(s.get("/v1/clips/" + e.getKey() + "/meta"));
                assertEquals((long) e.getValue(), meta.get("seed").asLong(), "each clip belongs to its own job");
            }
            assertEquals(accepted.size(), renderer.renders());
            JsonNode health = TestServer.json(s.get("/v1/health"));
            assertEquals(0, health.get("queue").get("depth").asInt());
            assertEquals(accepted.size(), health.get("clips").get("count").asInt());
            System.out.printf("concurrency: %d accepted, %d refused with queue_full%n", accepted.size(), refused.get());
        }
    }
}
