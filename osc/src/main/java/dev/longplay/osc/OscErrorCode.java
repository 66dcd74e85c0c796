package dev.longplay.osc;

/** The stable error codes carried by {@code /fail <command> <code> <message>}; clients switch on the name. */
public enum OscErrorCode {
    E_BAD_ARG("An argument is missing, has the wrong type, is out of range, or an option is unknown."),
    E_QUEUE_FULL("The job queue, the scheduled commands or the /notify registrations are full (in all, or this client's "
            + "or user's share); retry later."),
    E_NO_MODEL("No model is loaded that can serve this command."),
    E_OOM("The device ran out of memory while running the job."),
    E_CANCELLED("The job was cancelled (by /gen/cancel or shutdown)."),
    E_NO_AUDIO("The server runs without audio output: start it with --jack (and a running JACK server)."),
    E_NOT_FOUND("The address, request id, clip, preset or file does not exist."),
    E_AUTH("This client is not trusted (another user's, another host's, or its owner cannot be told) and has not "
            + "authenticated with /auth, or the secret was wrong."),
    E_INTERNAL("An unexpected server error; the server log has details.");

    private final String meaning;

    OscErrorCode(String meaning) {
        this.meaning = meaning;
    }

    public String meaning() {
        return meaning;
    }
}
