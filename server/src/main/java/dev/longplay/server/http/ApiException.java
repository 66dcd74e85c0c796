package dev.longplay.server.http;

import java.util.Map;

/** An error the API answers with: HTTP status, a stable machine code, a message for people, extra headers. */
final class ApiException extends RuntimeException {

    final int status;
    final String code;
    final Map<String, String> headers;

    ApiException(int status, String code, String message) {
        this(status, code, message, Map.of());
    }

    ApiException(int status, String code, String message, Map<String, String> headers) {
        super(message);
        this.status = status;
        this.code = code;
        this.headers = headers;
    }
}
