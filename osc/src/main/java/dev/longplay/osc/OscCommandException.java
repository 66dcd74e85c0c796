package dev.longplay.osc;

/** A command cannot be carried out; the transport turns it into {@code /fail <command> <code> <message>}. */
public final class OscCommandException extends RuntimeException {
    private final OscErrorCode code;

    public OscCommandException(OscErrorCode code, String message) {
        super(message);
        this.code = code;
    }

    public OscErrorCode code() {
        return code;
    }
}
