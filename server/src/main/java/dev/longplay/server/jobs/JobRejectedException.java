package dev.longplay.server.jobs;

/** The engine did not take a job: its queue is full, or it is shutting down. Nothing was stored. */
public final class JobRejectedException extends Exception {

    public enum Reason {
        QUEUE_FULL("queue_full"),
        SHUTTING_DOWN("shutting_down"),
        UNKNOWN_MODEL("unknown_model");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final Reason reason;

    public JobRejectedException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
