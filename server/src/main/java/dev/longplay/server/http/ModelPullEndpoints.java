package dev.longplay.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.server.io.Json;
import dev.longplay.server.pull.ModelPulls;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.thread.Scheduler;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /v1/models/pull} (a write: the install token or a console session), {@code GET /v1/models/pulls/{id}}
 * and its event stream {@code GET /v1/models/pulls/{id}/events}. They answer 503 until the server attaches its
 * {@link ModelPulls}.
 */
final class ModelPullEndpoints {

    private static final int MAX_BODY = 4096;

    private volatile ModelPulls pulls;

    void attach(ModelPulls pulls) {
        this.pulls = pulls;
    }

    private ModelPulls pulls() {
        ModelPulls p = pulls;
        if (p == null) {
            throw new ApiException(503, "pull_unavailable", "this server does not pull models");
        }
        return p;
    }

    /** Body {@code {"model": "ORG/NAME[@REVISION]"}}; 202 with the pull and where its events are. */
    void start(ApiHandler.Exchange x) throws IOException {
        ModelPulls p = pulls();
        String type = x.request().getHeaders().get(HttpHeader.CONTENT_TYPE);
        if (type == null || !type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT).equals("application/json")) {
            throw new ApiException(415, "unsupported_media_type", "Content-Type must be application/json");
        }
        byte[] body;
        try (InputStream in = Content.Source.asInputStream(x.request())) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) {
            throw new ApiException(413, "payload_too_large", "the body is larger than " + MAX_BODY + " bytes");
        }
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(body);
        } catch (JsonProcessingException e) {
            throw new ApiException(400, "malformed_json", "malformed JSON: " + e.getOriginalMessage());
        }
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
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "invalid_argument", e.getMessage());
        } catch (IllegalStateException e) {
            throw new ApiException(503, "pull_queue_full", e.getMessage());
        }
        json(x, 202, Map.of("pull", v, "events", "/v1/models/pulls/" + v.id() + "/events"));
    }

    void status(ApiHandler.Exchange x) throws IOException {
        json(x, 200, pulls().view(x.param(0)).orElseThrow(() -> notFound(x.param(0))));
    }

    /** Server-Sent Events: first {@code status} (the pull), then its events until {@code done} or {@code failed}. */
    void events(ApiHandler.Exchange x) {
        ModelPulls p = pulls();
        Response response = x.response();
        Scheduler scheduler = x.request().getComponents().getScheduler();
        Scheduler.Task[] heartbeat = new Scheduler.Task[1];
        ModelPulls.Subscription[] sub = new ModelPulls.Subscription[1];
        SseStream stream = new SseStream(response, x.callback(), () -> {
            if (heartbeat[0] != null) {
                heartbeat[0].cancel();
            }
            if (sub[0] != null) {
                sub[0].close();
            }
        });
        sub[0] = p.subscribe(x.param(0), e -> stream.send(SseStream.event(e.type(), Map.of("data", e.data(), "pull", e.pull())), e.terminal()))
                .orElseThrow(() -> notFound(x.param(0)));
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream; charset=utf-8");
        response.getHeaders().put("X-Accel-Buffering", "no");
        boolean finished = sub[0].initial().state().terminal();
        if (!finished) {
            stream.keepAlive(scheduler, heartbeat);
        }
        stream.begin(SseStream.event("status", Map.of("pull", sub[0].initial())), finished);
    }



    private static ApiException notFound(String id) {
        return new ApiException(404, "pull_not_found", "no model pull " + id);
    }

    private static void json(ApiHandler.Exchange x, int status, Object body) throws IOException {
        byte[] bytes = Json.MAPPER.writeValueAsBytes(body);
        x.response().setStatus(status);
        x.response().getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        x.response().getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
        x.response().write(true, ByteBuffer.wrap(bytes), x.callback());
    }
}
