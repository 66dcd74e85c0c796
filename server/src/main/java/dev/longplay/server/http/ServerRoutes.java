package dev.longplay.server.http;

import dev.longplay.osc.OscQuery;
import dev.longplay.server.clips.ClipStore;
import dev.longplay.server.jobs.JobEngine;
import dev.longplay.server.jobs.JobState;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The server about itself: {@code /v1/health}, the console's {@code /v1/status}, the API's own description
 * {@code /v1/openapi.json} and OSCQuery's {@code /v1/oscquery} (the OSC namespace, or with {@code ?HOST_INFO} where
 * the OSC edge listens).
 */
final class ServerRoutes {

    private static final int RECENT_FAILURES = 10;

    private final JobEngine engine;
    private final ClipStore clips;
    private final byte[] openApi = loadOpenApi();
    private final Instant startedAt = Instant.now();
    private volatile int oscPort = -1; // the OSC edge's UDP port, -1 until it is attached

    ServerRoutes(JobEngine engine, ClipStore clips) {
        this.engine = engine;
        this.clips = clips;
    }

    void attachOsc(int udpPort) {
        this.oscPort = udpPort;
    }

    List<Route> routes() {
        return List.of(
                Route.read("/v1/health", this::health),
                Route.read("/v1/status", this::status),
                Route.read("/v1/openapi.json", x -> x.bytes(200, "application/json", openApi)),
                Route.read("/v1/oscquery", this::oscQuery));
    }

    private void health(Exchange x) throws IOException {
        var models = engine.models();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "ok");
        body.put("model", models.get(0));
        body.put("device", models.get(0).device());
        body.put("queue", queueSummary(engine.stats()));
        body.put("clips", clipSummary());
        x.json(200, body);
    }

    /** What the console's status panel shows: the model and device, the queue with its jobs, recent failures. */
    private void status(Exchange x) throws IOException {
        var models = engine.models();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("model", models.get(0));
        body.put("device", models.get(0).device());
        body.put("startedAt", startedAt);
        body.put("queue", queueSummary(engine.stats()));
        body.put("jobs", JobRoutes.views(engine.jobs(EnumSet.of(JobState.RUNNING, JobState.QUEUED), Exchange.MAX_PAGE)));
        body.put("recentFailures", JobRoutes.views(engine.jobs(EnumSet.of(JobState.FAILED), RECENT_FAILURES)));
        body.put("clips", clipSummary());
        x.json(200, body);
    }

    private static Map<String, Object> queueSummary(JobEngine.Stats s) {
        return Map.of("depth", s.queued(), "running", s.running(), "capacity", s.capacity(), "workers", s.workers());
    }

    private Map<String, Object> clipSummary() {
        return Map.of("count", clips.count(), "bytes", clips.totalBytes(), "limitBytes", clips.limitBytes());
    }

    private void oscQuery(Exchange x) {
        String query = x.request().getHttpURI().getQuery();
        if (query != null && query.equals("HOST_INFO")) {
            if (oscPort < 0) {
                throw new ApiException(404, "osc_off", "the OSC edge is not running on this server");
            }
            x.bytes(200, "application/json", OscQuery.hostInfoJson("longplay", oscPort, "UDP").getBytes(StandardCharsets.UTF_8));
        } else {
            x.bytes(200, "application/json", OscQuery.namespaceJson().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static byte[] loadOpenApi() {
        try (InputStream in = ServerRoutes.class.getResourceAsStream("/openapi.json")) {
            if (in == null) {
                throw new IllegalStateException("openapi.json is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
