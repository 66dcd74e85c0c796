package dev.longplay.server.http;

import dev.longplay.server.io.Json;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Jetty's own errors (a request it cannot parse, headers or a URI too long, a handler failure) in the API's shape,
 * {@code {"code", "message"}} as JSON, instead of Jetty's HTML page. Messages name the problem in plain words, never
 * an exception or class.
 */
public final class JsonErrorHandler extends ErrorHandler {

    @Override
    protected void generateResponse(Request request, Response response, int status, String message, Throwable cause, Callback callback) {
        byte[] body = body(status, message);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    /** A request Jetty's parser refused before any handler saw it (bad request line, headers too large, ...). */
    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
        return ByteBuffer.wrap(body(status, reason));
    }

    static byte[] body(int status, String detail) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("code", code(status));
        m.put("message", message(status, detail));
        try {
            return Json.MAPPER.writeValueAsBytes(m);
        } catch (Exception e) {
            return ("{\"code\":\"" + code(status) + "\"}").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    static String code(int status) {
        return switch (status) {
            case 400 -> "bad_request";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 408 -> "request_timeout";
            case 413 -> "payload_too_large";
            case 414 -> "uri_too_long";
            case 415 -> "unsupported_media_type";
            case 431 -> "headers_too_large";
            case 501 -> "not_implemented";
            case 505 -> "http_version_not_supported";
            default -> status >= 500 ? "internal_error" : "bad_request";
        };
    }

    /** The status's meaning, plus Jetty's reason where it is short words (no class names, no stack). */
    static String message(int status, String detail) {
        String base = status >= 500 && status != 501 && status != 505 ? "internal server error"
                : HttpStatus.getMessage(status).toLowerCase(java.util.Locale.ROOT);
        if (detail == null || status >= 500) {
            return base;
        }
        String plain = PlainWords.of(detail);
        return plain.length() <= 120 && plain.matches("[A-Za-z0-9 :,;'\"()/<>=_.+-]*") && !plain.equalsIgnoreCase(base)
                ? base + ": " + plain : base;
    }
}
