package dev.longplay.server.jack;

/** No JACK here: libjack or the server is missing, a port could not be made, or the native shim is not built. */
public final class JackUnavailableException extends Exception {

    public JackUnavailableException(String message) {
        super(message);
    }
}
