package dev.longplay.models.hub;

/**
 * A pull that failed for a reason the user can act on; the message says what happened and what to do, and
 * {@link #reason()} lets callers (the CLI's exit code, the server's error code) tell the cases apart.
 */
public final class HubException extends RuntimeException {

    public enum Reason {
        /** The repo is gated and this token has not been granted access (or there is no token). */
        GATED("gated"),
        /** The repo, revision or file does not exist (or is private and no token was given). */
        NOT_FOUND("not_found"),
        /** The Hub refused the token. */
        UNAUTHORIZED("unauthorized"),
        /** The bytes did not match the size or hash the Hub announced. */
        INTEGRITY("integrity"),
        /** The server stopped sending, or did not answer in time. */
        TIMEOUT("timeout"),
        /** The network or the server failed (connection refused, cut, 5xx, too many 429s). */
        NETWORK("network"),
        /** HF_HUB_OFFLINE is set and the cache lacks what was asked for. */
        OFFLINE("offline"),
        /** The local cache could not be written. */
        CACHE("cache");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final Reason reason;

    public HubException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public HubException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
