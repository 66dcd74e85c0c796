package dev.longplay.models.conditioning;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.longplay.models.config.DiffusionConfig;
import dev.longplay.models.weights.CheckpointException;

import java.util.List;
import java.util.Map;

/**
 * Joins conditioner outputs into the network's inputs by the config's id lists: cross-attention ids
 * concatenated along the sequence (tokens and masks), global ids along the channels with the token axis
 * dropped ([B, 1, D] each -> [B, ΣD]).
 */
public record ConditioningAssembler(List<String> crossAttentionIds, List<String> globalIds) {

    public static ConditioningAssembler of(DiffusionConfig diffusion) {
        if (!diffusion.inputConcatIdsOrEmpty().isEmpty()
                || (diffusion.prependCondIds() != null && !diffusion.prependCondIds().isEmpty())) {
            throw new CheckpointException("input_concat_ids / prepend_cond_ids conditioning is not supported");
        }
        return new ConditioningAssembler(diffusion.crossAttentionIds(), diffusion.globalIds());
    }

    public Conditioning assemble(Map<String, ConditionerOutput> outputs) {
        NDArray tokens = null;
        NDArray mask = null;
        if (!crossAttentionIds.isEmpty()) {
            NDList t = new NDList();
            NDList m = new NDList();
            for (String id : crossAttentionIds) {
                ConditionerOutput o = require(outputs, id);
                t.add(o.tokens().getShape().dimension() == 2 ? o.tokens().expandDims(1) : o.tokens());
                m.add(o.mask().getShape().dimension() == 1 ? o.mask().expandDims(1) : o.mask());
            }
            tokens = NDArrays.concat(t, 1);
            mask = NDArrays.concat(m, 1);
        }
        NDArray global = null;
        if (!globalIds.isEmpty()) {
            NDList g = new NDList();
            for (String id : globalIds) {
                g.add(require(outputs, id).tokens());
            }
            global = NDArrays.concat(g, -1);
            if (global.getShape().dimension() == 3) {
                global = global.squeeze(1);
            }
        }
        return new Conditioning(tokens, mask, global);
    }

    private static ConditionerOutput require(Map<String, ConditionerOutput> outputs, String id) {
        ConditionerOutput o = outputs.get(id);
        if (o == null) {
            throw new CheckpointException("the model config conditions on '" + id + "' but no conditioner produced it");
        }
        return o;
    }
}
