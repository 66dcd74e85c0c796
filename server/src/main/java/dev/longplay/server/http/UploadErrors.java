package dev.longplay.server.http;

import dev.longplay.server.clips.UploadRefusedException;

import java.util.Map;

/** An upload's refusal as the HTTP answer it gets. */
final class UploadErrors {

    private UploadErrors() {
    }

    static ApiException toApi(UploadRefusedException e) {
        return switch (e.reason()) {
            case NOT_WAV -> new ApiException(400, "invalid_audio", e.getMessage());
            case TOO_LARGE -> new ApiException(413, "payload_too_large", e.getMessage());
            case FOLDER_FULL -> new ApiException(507, "uploads_full", e.getMessage());
            case BUSY -> new ApiException(503, "uploads_busy", e.getMessage(), Map.of("Retry-After", "1"));
        };
    }
}
