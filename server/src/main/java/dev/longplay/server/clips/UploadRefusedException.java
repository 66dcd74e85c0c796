package dev.longplay.server.clips;

/** Why an upload was not stored; the edges map the reason onto their own error codes. */
public final class UploadRefusedException extends Exception {

    public enum Reason {
        /** Not a RIFF/WAVE file. */
        NOT_WAV,
        /** Larger than one upload may be. */
        TOO_LARGE,
        /** The uploads folder's quota has no room for it. */
        FOLDER_FULL,
        /** As many uploads as allowed are arriving right now. */
        BUSY
    }

    private final Reason reason;

    public UploadRefusedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
