package dev.longplay.server.jobs;

/** A typed renderer failure; the kind decides the job's error code. */
public final class RenderException extends Exception {

    public enum Kind {
        /** The request cannot be rendered by this model (too long, unsupported mode, unreadable init audio). */
        BAD_ARGUMENT("invalid_argument"),
        /** The device (or the JVM) ran out of memory; a shorter clip or fewer steps may work. */
        OUT_OF_MEMORY("out_of_memory"),
        /** The cancellation check said stop. */
        CANCELLED("cancelled"),
        /** The model could not be loaded. */
        MODEL_UNAVAILABLE("model_unavailable"),
        /** Anything else that went wrong inside the renderer. */
        FAILED("render_failed");

        private final String code;

        Kind(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        /** The kind whose code this is; codes of no kind (e.g. from a remote worker) are {@link #FAILED}. */
        public static Kind fromCode(String code) {
            for (Kind k : values()) {
                if (k.code.equals(code)) {
                    return k;
                }
            }
            return FAILED;
        }
    }

    private final Kind kind;

    public RenderException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public RenderException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
