package dev.longplay.server.osc;

import dev.longplay.osc.OscErrorCode;
import dev.longplay.server.jobs.JobRejectedException;
import dev.longplay.server.jobs.RenderException;

/**
 * The engine's machine codes (the same strings the HTTP API reports as {@code code}) mapped onto OSC's stable
 * codes, so both edges agree on what a failure means.
 */
final class OscErrors {
    private OscErrors() {
    }

    static OscErrorCode of(String engineCode) {
        if (engineCode == null) {
            return OscErrorCode.E_INTERNAL;
        }
        if (engineCode.equals(JobRejectedException.Reason.QUEUE_FULL.code())
                || engineCode.equals(JobRejectedException.Reason.SHUTTING_DOWN.code())) {
            return OscErrorCode.E_QUEUE_FULL;
        }
        if (engineCode.equals(JobRejectedException.Reason.UNKNOWN_MODEL.code())
                || engineCode.equals(RenderException.Kind.MODEL_UNAVAILABLE.code())) {
            return OscErrorCode.E_NO_MODEL;
        }
        if (engineCode.equals(RenderException.Kind.BAD_ARGUMENT.code())) {
            return OscErrorCode.E_BAD_ARG;
        }
        if (engineCode.equals(RenderException.Kind.OUT_OF_MEMORY.code())) {
            return OscErrorCode.E_OOM;
        }
        if (engineCode.equals(RenderException.Kind.CANCELLED.code())) {
            return OscErrorCode.E_CANCELLED;
        }
        return OscErrorCode.E_INTERNAL; // render_failed, interrupted: the log has the details
    }
}
