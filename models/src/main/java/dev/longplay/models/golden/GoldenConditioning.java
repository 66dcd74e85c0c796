package dev.longplay.models.golden;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.longplay.models.conditioning.ConditionerOutput;
import dev.longplay.models.conditioning.Conditioning;
import dev.longplay.models.conditioning.ConditioningAssembler;
import dev.longplay.models.conditioning.IntConditioner;
import dev.longplay.models.conditioning.NumberConditioner;
import dev.longplay.models.conditioning.PromptProjection;
import dev.longplay.models.config.ConditioningConfig;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.StateDict;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The conditioning of a golden case, built as the reference's conditioner would: the text conditioner's
 * encoder output is an input ({@code <id>_hidden}, {@code <id>_mask}) that goes through the checkpoint's
 * {@code proj_out}; number and int conditioners run on their input values ({@code <id>} [B]).
 */
public final class GoldenConditioning {


    private GoldenConditioning() {
    }

    public static Conditioning build(ModelConfig cfg, StateDict checkpoint, Map<String, NDArray> inputs, NDManager manager) {
        ConditioningConfig cc = cfg.model().conditioning();
        Map<String, ConditionerOutput> outputs = new LinkedHashMap<>();
        for (ConditioningConfig.Conditioner c : cc.configs()) {
            switch (c.type()) {
                case "number", "int" -> {
                    NDArray values = inputs.get(c.id());
                    if (values == null) {
                        throw new CheckpointException("golden inputs lack '" + c.id() + "'");
                    }
                    outputs.put(c.id(), encode(c, checkpoint, cc.condDim(), values, manager));
                }
                case "t5", "clap_text" -> {
                    NDArray hidden = inputs.get(c.id() + "_hidden");
                    NDArray mask = inputs.get(c.id() + "_mask");
                    if (hidden == null || mask == null) {
                        throw new CheckpointException("golden inputs lack '" + c.id() + "_hidden' / '" + c.id() + "_mask'");
                    }
                    long width = hidden.getShape().get(2);
                    PromptProjection proj = PromptProjection.load(
                            checkpoint.scope("conditioner.conditioners." + c.id()), width, cc.condDim());
                    // the T5 conditioner zeroes padded tokens, the CLAP one leaves them
                    outputs.put(c.id(), c.type().equals("t5") ? proj.apply(hidden, mask)
                            : new ConditionerOutput(proj.project(hidden), mask));
                }
                default -> throw new CheckpointException("golden conditioning: unsupported conditioner type " + c.type()
                        + " (golden cases give number, int, t5 and clap_text conditioners)");
            }
        }
        return ConditioningAssembler.of(cfg.model().diffusion()).assemble(outputs);
    }

    /** A number or int conditioner of the config, on a case's values. */
    static ConditionerOutput encode(ConditioningConfig.Conditioner c, StateDict checkpoint, int condDim,
                                    NDArray values, NDManager manager) {
        boolean whole = c.type().equals("int");
        List<Number> list = new ArrayList<>();
        for (float v : values.toFloatArray()) {
            list.add(whole ? (Number) Math.round(v) : (Number) v);
        }
        return whole ? IntConditioner.fromConfig(c, checkpoint, condDim).encode(list, manager)
                : NumberConditioner.fromConfig(c, checkpoint, condDim).encode(list, manager);
    }
}
