package dev.longplay.server.jack;

/** A control request the player cannot carry out now; {@code code} is the wire error code. */
public final class PlayerException extends RuntimeException {
    private final String code;

    public PlayerException(String code, String message) {
        super(message);
        this.code = code;
    }

    public String code() {
        return code;
    }
}
