package dev.longplay.models.conditioning;

import ai.djl.ndarray.NDArray;
import dev.longplay.models.nn.Linear;
import dev.longplay.models.weights.StateDict;

/**
 * The tail every text conditioner shares in the reference: project the encoder's hidden states to the
 * model's {@code cond_dim} ({@code proj_out}, absent when the widths already agree) and zero the padding.
 */
public record PromptProjection(Linear projOut) {

    /** Loads {@code proj_out} from the conditioner's scope when the encoder width differs from cond_dim. */
    public static PromptProjection load(StateDict conditionerScope, long encoderDim, long condDim) {
        if (encoderDim == condDim && !conditionerScope.has("proj_out.weight")) {
            return new PromptProjection(null);
        }
        return new PromptProjection(Linear.load(conditionerScope.scope("proj_out"), encoderDim, condDim, true));
    }

    // hidden: [B, N, encoderDim] -> [B, N, condDim], padding kept (the CLAP conditioner does not zero it)
    public NDArray project(NDArray hidden) {
        return projOut == null ? hidden : projOut.forward(hidden);
    }

    // hidden: [B, N, encoderDim], mask: [B, N] (1/0 floats) -> tokens [B, N, condDim] with padding zeroed
    public ConditionerOutput apply(NDArray hidden, NDArray mask) {
        NDArray projected = project(hidden);
        NDArray tokens = projected.mul(mask.toType(projected.getDataType(), false).expandDims(-1));
        return new ConditionerOutput(tokens, mask);
    }
}
