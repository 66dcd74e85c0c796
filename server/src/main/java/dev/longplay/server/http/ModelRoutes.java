package dev.longplay.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.server.jobs.JobEngine;
import dev.longplay.server.pull.ModelPulls;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/models} (what the server renders with), {@code POST /v1/models/pull} (a write: the install token or
 * a console session), {@code GET /v1/models/pulls/{id}} and its event stream. The pull routes answer 503 until the
 * server attaches its {@link ModelPulls}.
 */
final class ModelRoutes {

    private static final int MAX_PULL_BODY = 4096;

    private final JobEngine engine;
    private volatile ModelPulls pulls;

    ModelRoutes(JobEngine engine) {
        this.engine = engine;
    }

    void attach(ModelPulls pulls) {
        this.pulls = pulls;
    }

    List<Route> routes() {
        return List.of(
                Route.read("/v1/models", x -> x.json(200, Map.of("models", engine.models()))),
                Route.write("POST", "/v1/models/pull", this::start),
                Route.read("/v1/models/pulls/{id}", this::status),
                Route.read("/v1/models/pulls/{id}/events", this::events));
    }

    private ModelPulls pulls() {
        ModelPulls p = pulls;
        if (p == null) {
            throw new ApiException(503, "pull_unavailable", "this server does not pull models");
        }
        return p;
    }

    /** Body {@code {"model": "ORG/NAME[@REVISION]"}}; 202 with the pull and where its events are. */
    private void start(Exchange x) throws IOException {
        ModelPulls p = pulls();
        JsonNode node = RequestBodies.tree(x.request(), MAX_PULL_BODY);
        if (node == null || !node.isObject() || !node.path("model").isTextual()) {
            throw new ApiException(400, "invalid_argument", "the body must be {\"model\": \"ORG/NAME[@REVISION]\"}");
        }
        for (var it = node.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("model")) {
                throw new ApiException(400, "unknown_field", "unknown field \"" + f + "\"");
            }
        }
        ModelPulls.View v;
        try {
            v = p.start(node.get("model").asText());
        } catch (IllegalStateException e) {
            throw new ApiException(503, "pull_queue_full", e.getMessage()); // ModelPulls' word for a full queue
        }
        x.json(202, Map.of("pull", v, "events", "/v1/models/pulls/" + v.id() + "/events"));
    }

    private void status(Exchange x) throws IOException {
        x.json(200, pulls().view(x.param(0)).orElseThrow(() -> notFound(x.param(0))));
    }

    /** Server-Sent Events: first {@code status} (the pull), then its events until {@code done} or {@code failed}. */
    private void events(Exchange x) {
        ModelPulls p = pulls();
        ModelPulls.Subscription[] sub = new ModelPulls.Subscription[1];
        SseStream stream = new SseStream(x, () -> {
            if (sub[0] != null) {
                sub[0].close();
            }
        });
        sub[0] = p.subscribe(x.param(0), e -> stream.send(SseStream.event(e.type(), Map.of("data", e.data(), "pull", e.pull())), e.terminal()))
                .orElseThrow(() -> notFound(x.param(0)));
        stream.start(SseStream.event("status", Map.of("pull", sub[0].initial())), sub[0].initial().state().terminal());
    }

    private static ApiException notFound(String id) {
        return new ApiException(404, "pull_not_found", "no model pull " + id);
    }
}
