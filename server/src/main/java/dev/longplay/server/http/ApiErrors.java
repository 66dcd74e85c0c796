package dev.longplay.server.http;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.longplay.server.clips.UploadRefusedException;
import dev.longplay.server.io.Json;
import dev.longplay.server.jack.PlayerException;
import dev.longplay.server.jobs.JobRejectedException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * The API's one error mapping: whatever a guard or an endpoint throws becomes {@code {"code", "message"}} with a
 * status here, and nowhere else. The domain's own refusals keep their meaning (an {@link IllegalArgumentException}
 * is a bad value from the caller, an {@link IllegalStateException} a state that refuses the call); anything not
 * listed is the server's fault: 500, logged, and its message kept from the client. Jetty's own errors (a request it
 * could not parse) are {@link JsonErrorHandler}'s.
 */
final class ApiErrors {

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    /** A request body JSON could not read (syntax, types, unknown fields); {@link #of} says which. */
    static final class UnreadableJson extends RuntimeException {
        UnreadableJson(JsonProcessingException cause) {
            super(cause);
        }
    }

    private ApiErrors() {
    }

    /** The answer for {@code e}, or 500 {@code internal_error} for anything that is not the caller's doing. */
    static ApiException of(Throwable e) {
        if (e instanceof ApiException api) {
            return api;
        } else if (e instanceof UnreadableJson json) {
            return ofJson((JsonProcessingException) json.getCause());
        } else if (e instanceof UploadRefusedException u) {
            return switch (u.reason()) {
                case NOT_WAV -> new ApiException(400, "invalid_audio", u.getMessage());
                case TOO_LARGE -> new ApiException(413, "payload_too_large", u.getMessage());
                case FOLDER_FULL -> new ApiException(507, "uploads_full", u.getMessage());
                case BUSY -> new ApiException(503, "uploads_busy", u.getMessage(), Map.of("Retry-After", "1"));
            };
        } else if (e instanceof JobRejectedException r) {
            return switch (r.reason()) {
                case QUEUE_FULL -> new ApiException(503, r.reason().code(), r.getMessage(), Map.of("Retry-After", "1"));
                case SHUTTING_DOWN -> new ApiException(503, r.reason().code(), r.getMessage());
                default -> new ApiException(400, r.reason().code(), r.getMessage());
            };
        } else if (e instanceof PlayerException p) {
            boolean unavailable = p.code().equals("jack_unavailable") || p.code().equals("player_busy");
            return new ApiException(unavailable ? 503 : 409, p.code(), p.getMessage());
        } else if (e instanceof NoSuchElementException) {
            return new ApiException(404, "not_found", e.getMessage());
        } else if (e instanceof IllegalArgumentException) {
            return new ApiException(400, "invalid_argument", e.getMessage());
        } else if (e instanceof IllegalStateException) {
            return new ApiException(409, "conflict", e.getMessage());
        } else if (e instanceof TimeoutException) {
            return new ApiException(503, "capture_timeout", e.getMessage()); // a capture that waited for the host too long
        }
        return null;
    }

    private static ApiException ofJson(JsonProcessingException e) {
        if (e instanceof JsonMappingException m) {
            // A syntax error found while binding (a duplicate key inside an object) is malformed JSON, not a bad value.
            for (Throwable c = m.getCause(); c != null; c = c.getCause()) {
                if (c instanceof JsonParseException p) {
                    return ofJson(p);
                }
            }
        }
        if (e instanceof JsonParseException) {
            return new ApiException(400, "malformed_json", "malformed JSON: " + e.getOriginalMessage());
        } else if (e instanceof UnrecognizedPropertyException u) {
            return new ApiException(400, "unknown_field", "unknown field \"" + fieldPath(u) + "\"");
        } else if (e instanceof ValueInstantiationException v) {
            Throwable cause = v.getCause() != null ? v.getCause() : v;
            return new ApiException(400, "invalid_argument", fieldPath(v) + ": " + cause.getMessage());
        } else if (e instanceof MismatchedInputException m) {
            return new ApiException(400, "wrong_type", "wrong type for \"" + fieldPath(m) + "\": " + m.getOriginalMessage());
        } else if (e instanceof JsonMappingException) {
            return new ApiException(400, "invalid_argument", e.getOriginalMessage());
        }
        return new ApiException(400, "malformed_json", e.getMessage());
    }

    private static String fieldPath(JsonMappingException e) {
        return e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
    }

    /** Answers {@code e} (mapped by {@link #of}); a response already under way is cut off instead. */
    static void answer(Request request, Response response, Callback callback, Throwable e) {
        ApiException api = of(e);
        if (api == null) {
            LOG.error("{} {} failed", request.getMethod(), request.getHttpURI().getPath(), e);
            api = new ApiException(500, "internal_error", "internal server error");
        }
        if (response.isCommitted()) {
            callback.failed(api);
            return;
        }
        if (api.status >= 500) {
            LOG.warn("{} {} -> {} {}", request.getMethod(), request.getHttpURI().getPath(), api.status, api.code);
        }
        api.headers.forEach((k, v) -> response.getHeaders().put(k, v));
        String length = request.getHeaders().get(HttpHeader.CONTENT_LENGTH);
        if (request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING) || length != null && !length.equals("0")) {
            // The body may be unread: close rather than let the client send its next request into the leftovers.
            response.getHeaders().put(HttpHeader.CONNECTION, "close");
        }
        byte[] body;
        try {
            body = Json.MAPPER.writeValueAsBytes(Map.of("code", api.code, "message", PlainWords.of(String.valueOf(api.getMessage()))));
        } catch (JsonProcessingException ex) {
            body = ("{\"code\":\"" + api.code + "\"}").getBytes(StandardCharsets.UTF_8);
        }
        response.setStatus(api.status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
