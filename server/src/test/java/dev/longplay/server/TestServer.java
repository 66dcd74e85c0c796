package dev.longplay.server;

import dev.longplay.server.io.Json;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.server.http.ApiHandler;
import dev.longplay.server.jobs.JobEngine;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A real server on an ephemeral loopback port plus a real HTTP client, for tests. */
public final class TestServer implements AutoCloseable {

    public final LongplayServer server;
    public final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    public final String token;

    public TestServer(LongplayServer server) {
        this.server = server;
        this.token = server.token().value();
    }

    public static LongplayServer.Config config(Path root, int workers, int queue) {
        return new LongplayServer.Config("127.0.0.1", 0, root.resolve("data"), root.resolve("config"),
                new JobEngine.Config(workers, queue, true, 3, Duration.ofSeconds(5)),
                1L << 30, new ApiHandler.Limits(64 * 1024, 4L * 1024 * 1024), 1000, 200);
    }

    public static TestServer start(Path root, dev.longplay.server.jobs.ClipRenderer renderer, int workers, int queue)
            throws Exception {
        return new TestServer(LongplayServer.start(config(root, workers, queue), renderer));
    }

    public URI uri(String path) {
        return server.baseUri().resolve(path);
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20));
    }

    public HttpRequest.Builder write(String path) {
        return request(path).header("Authorization", "Bearer " + token);
    }

    public HttpResponse<String> send(HttpRequest r) throws IOException, InterruptedException {
        return http.send(r, HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> postJob(String json) throws IOException, InterruptedException {
        return send(write("/v1/jobs").header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return send(request(path).GET().build());
    }

    public static JsonNode json(HttpResponse<String> r) throws IOException {
        return Json.MAPPER.readTree(r.body());
    }

    /** Polls a job until it ends; fails the test after {@code timeout}. */
    public JsonNode awaitJob(String id, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonNode job = json(get("/v1/jobs/" + id));
            String state = job.path("state").asText();
            if (state.equals("succeeded") || state.equals("failed") || state.equals("cancelled")) {
                return job;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + id + " still " + state + " after " + timeout);
            }
            Thread.sleep(20);
        }
    }

    /** A job's SSE stream ({@code /v1/jobs/{id}/events}) read to its end: each event's data, in order. */
    public List<JsonNode> jobEvents(String id) throws IOException, InterruptedException {
        HttpResponse<InputStream> r = http.send(request("/v1/jobs/" + id + "/events").build(),
                HttpResponse.BodyHandlers.ofInputStream());
        List<JsonNode> data = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    data.add(Json.MAPPER.readTree(line.substring(6)));
                }
            }
        }
        return data;
    }

    @Override
    public void close() throws Exception {
        server.close();
    }
}
