package dev.longplay.models.sa3;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.longplay.models.nn.Linear;
import dev.longplay.models.sa3.dit.DitInputs;
import dev.longplay.models.sa3.dit.ExpoFourierFeatures;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.StateDict;

import java.util.ArrayList;
import java.util.List;

/**
 * SA3's conditioners ({@code conditioner.conditioners.*}) and how their outputs reach the DiT: the prompt's
 * T5Gemma hidden states through {@code proj_out} (when present) with padded positions replaced by the learned
 * {@code padding_embedding} (or zeroed), {@code seconds_total} clamped, normalised and embedded by expo Fourier
 * features + Linear; then cross-attention tokens, global conditioning and the local inpainting conditioning
 * concatenated in the order the config's id lists give.
 */
public final class Sa3Conditioners {

    private static final int NUMBER_FEATURES = 256;

    private final Sa3Config config;
    private final Linear promptProj;      // null: identity
    private final NDArray paddingEmbedding;  // null: zero padding
    private final Linear secondsLinear;
    private final ExpoFourierFeatures secondsFeatures = ExpoFourierFeatures.standard(NUMBER_FEATURES);

    private Sa3Conditioners(Sa3Config config, Linear promptProj, NDArray paddingEmbedding, Linear secondsLinear) {
        this.config = config;
        this.promptProj = promptProj;
        this.paddingEmbedding = paddingEmbedding;
        this.secondsLinear = secondsLinear;
    }

    /** sd: the whole checkpoint (unscoped). */
    public static Sa3Conditioners load(StateDict sd, Sa3Config config, int textDim) {
        StateDict p = sd.scope("conditioner.conditioners.prompt");
        int condDim = config.dit().condTokenDim();
        Linear proj = p.has("proj_out.weight") ? Linear.load(p.scope("proj_out"), textDim, condDim, true) : null;
        if (proj == null && textDim != condDim) {
            throw new CheckpointException("prompt conditioner: no proj_out but text width " + textDim + " != cond_token_dim " + condDim);
        }
        String mode = config.prompt().paddingMode();
        NDArray pad = null;
        if (mode.equals("learned")) {
            pad = p.take("padding_embedding", condDim);
        } else if (!mode.equals("zero")) {
            throw new CheckpointException(config.source() + ": prompt padding_mode '" + mode + "' is not supported (learned, zero)");
        }
        StateDict s = sd.scope("conditioner.conditioners.seconds_total.embedder.embedding.1");
        Linear seconds = Linear.load(s, NUMBER_FEATURES, condDim, true);
        return new Sa3Conditioners(config, proj, pad, seconds);
    }

    // hidden: [B, N, textDim] (T5Gemma last_hidden_state), mask: [B, N] 1/0 -> [B, N, condDim]
    public NDArray prompt(NDArray hidden, NDArray mask) {
        NDArray h = promptProj != null ? promptProj.forward(hidden) : hidden.duplicate();
        NDArray m = mask.toType(DataType.FLOAT32, false).expandDims(2);
        NDArray kept = h.mul(m);
        if (paddingEmbedding == null) {
            return kept;
        }
        return kept.add(m.neg().add(1f).mul(paddingEmbedding));
    }

    // seconds: [B] -> [B, 1, condDim]
    public NDArray seconds(NDArray seconds) {
        float min = config.secondsTotal().min();
        float max = config.secondsTotal().max();
        NDArray normed = seconds.toType(DataType.FLOAT32, false).clip(min, max).sub(min).div(max - min);
        return secondsLinear.forward(secondsFeatures.forward(normed)).expandDims(1);
    }

    /**
     * The DiT's inputs: cross = the cross-attention ids' tokens in order, global = the global ids' [B, D] in order,
     * local = cat(inpaint mask [B, 1, T], masked input [B, C, T]) in the local ids' order; valid [B, T] or null.
     */
    public DitInputs assemble(NDArray promptTokens, NDArray secondsTokens, NDArray inpaintMask, NDArray maskedInput,
                              NDArray valid) {
        NDList cross = new NDList();
        for (String id : config.crossIds()) {
            cross.add(pick(id, promptTokens, secondsTokens));
        }
        List<NDArray> globals = new ArrayList<>();
        for (String id : config.globalIds()) {
            NDArray g = pick(id, promptTokens, secondsTokens);
            if (g.getShape().get(1) != 1) {
                throw new CheckpointException(config.source() + ": global conditioning id '" + id + "' is not a single token");
            }
            globals.add(g.squeeze(1));
        }
        NDList local = new NDList();
        for (String id : config.localAddIds()) {
            local.add(id.equals("inpaint_mask") ? inpaintMask : maskedInput);
        }
        NDArray crossCat = cross.isEmpty() ? null : cross.size() == 1 ? cross.get(0) : NDArrays.concat(cross, 1);
        NDArray globalCat = globals.isEmpty() ? null : globals.size() == 1 ? globals.get(0)
                : NDArrays.concat(new NDList(globals), 1);
        NDArray localCat = local.isEmpty() ? null : local.size() == 1 ? local.get(0) : NDArrays.concat(local, 1);
        return new DitInputs(crossCat, globalCat, localCat, valid);
    }

    private NDArray pick(String id, NDArray prompt, NDArray seconds) {
        return switch (id) {
            case "prompt" -> prompt;
            case "seconds_total" -> seconds;
            default -> throw new CheckpointException(config.source() + ": conditioning id '" + id + "' is not supported");
        };
    }

    /** A [B, T] 1/0 mask: the first {@code valid} frames of each row are 1. */
    public static NDArray validMask(NDManager manager, int batch, int frames, int valid) {
        float[] m = new float[batch * frames];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < Math.min(valid, frames); t++) {
                m[b * frames + t] = 1f;
            }
        }
        return manager.create(m, new Shape(batch, frames));
    }
}
