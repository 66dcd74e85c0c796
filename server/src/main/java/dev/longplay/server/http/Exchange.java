package dev.longplay.server.http;

import dev.longplay.server.io.Json;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * One admitted request as an endpoint sees it: Jetty's request, response and callback, the path's parameters, and
 * the small vocabulary every endpoint answers with. An endpoint completes the callback (by writing) or throws.
 */
record Exchange(Request request, Response response, Callback callback, List<String> params, int maxJsonBytes) {

    /** The most items one page of a listing holds. */
    static final int MAX_PAGE = 200;

    String param(int i) {
        return params.get(i);
    }

    /** The JSON body as {@code type}, at most the server's JSON cap. */
    <T> T jsonBody(Class<T> type) throws IOException {
        return RequestBodies.json(request, maxJsonBytes, type);
    }

    /** The caller's budget key ({@link RequestGuard#peerKey}). */
    String peerKey() {
        return RequestGuard.peerKey(request);
    }

    Fields query() {
        return Request.extractQueryParameters(request);
    }

    /** The query parameter {@code name} as an integer in [min, max], {@code fallback} when absent; else 400. */
    int intQuery(String name, int fallback, int min, int max) {
        String v = query().getValue(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ApiException(400, "invalid_argument", name + " must be an integer in [" + min + ", " + max + "], got \"" + v + "\"");
    }

    void json(int status, Object body) throws IOException {
        bytes(status, "application/json", Json.MAPPER.writeValueAsBytes(body));
    }

    void bytes(int status, String type, byte[] body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, type);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** An answer without a body (204, 304). */
    void empty(int status) {
        response.setStatus(status);
        callback.succeeded();
    }
}
