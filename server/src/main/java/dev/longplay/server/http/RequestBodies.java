package dev.longplay.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.server.io.Json;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * Request bodies, read only by the endpoint that wants one (so a route that cannot serve answers before reading):
 * the Content-Type checked, at most a cap of bytes held, JSON parsed. Parse failures travel to {@link ApiErrors}
 * as {@link ApiErrors.UnreadableJson}.
 */
final class RequestBodies {

    private RequestBodies() {
    }

    static void requireContentType(Request request, String... accepted) {
        String type = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        String mime = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        for (String a : accepted) {
            if (a.equals(mime)) {
                return;
            }
        }
        throw new ApiException(415, "unsupported_media_type", "Content-Type must be " + String.join(" or ", accepted)
                + (type == null ? "" : ", got " + type));
    }

    /** A JSON object body as {@code type}, at most {@code cap} bytes. */
    static <T> T json(Request request, long cap, Class<T> type) throws IOException {
        requireContentType(request, "application/json");
        byte[] body = read(request, cap);
        if (body.length == 0) {
            throw new ApiException(400, "malformed_json", "the body is empty");
        }
        T value;
        try {
            value = Json.MAPPER.readValue(body, type);
        } catch (JsonProcessingException e) {
            throw new ApiErrors.UnreadableJson(e);
        }
        if (value == null) {
            throw new ApiException(400, "malformed_json", "the body must be a JSON object");
        }
        return value;
    }

    /** A JSON body as a tree (for bodies checked field by field), at most {@code cap} bytes; null when empty. */
    static JsonNode tree(Request request, long cap) throws IOException {
        requireContentType(request, "application/json");
        try {
            return Json.MAPPER.readTree(read(request, cap));
        } catch (JsonProcessingException e) {
            throw new ApiErrors.UnreadableJson(e);
        }
    }

    /** Reads a body of at most {@code cap} bytes: refused up front by Content-Length, or as soon as it runs over. */
    static byte[] read(Request request, long cap) throws IOException {
        long declared = request.getLength();
        if (declared > cap) {
            throw tooLarge(cap);
        }
        try (InputStream in = Content.Source.asInputStream(request)) {
            byte[] data = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, cap + 1));
            if (data.length > cap) {
                throw tooLarge(cap);
            }
            return data;
        }
    }

    private static ApiException tooLarge(long cap) {
        return new ApiException(413, "payload_too_large", "the body is larger than " + cap + " bytes");
    }
}
