package dev.longplay.models.weights;

/** A checkpoint or model folder that cannot be used, with a message that names the problem and the file. */
public class CheckpointException extends RuntimeException {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
