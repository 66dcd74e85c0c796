package dev.longplay.models.golden;

import dev.longplay.models.clap.ClapTextConditioner;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.conditioning.ConditionerOutput;
import dev.longplay.models.conditioning.T5Tokenizer;
import dev.longplay.models.config.ConditioningConfig;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.StateDict;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Golden {@code clap_text_conditioner}: case.json's {@code prompts} through the conditioner {@code conditioner_id}
 * of model_config.json, with the CLAP folder {@code clap/} and proj_out from model.safetensors. Outputs the
 * tokenizer's {@code input_ids} / {@code attention_mask}, the text branch's {@code text_features} (hidden states
 * at feature_layer_ix), the CLAP {@code text_embeds}, and the conditioner's {@code tokens} / {@code mask}.
 */
public final class ClapTextGolden implements GoldenComponent {

    @Override
    public String component() {
        return "clap_text_conditioner";
    }

    @Override
    public Map<String, NDArray> run(GoldenCase gc, Map<String, NDArray> inputs, NDManager manager) {
        List<String> prompts = new ArrayList<>();
        gc.spec().path("prompts").forEach(p -> prompts.add(p.asText()));
        String id = gc.spec().path("conditioner_id").asText("prompt");
        ConditioningConfig cc = conditioning(gc);
        ConditioningConfig.Conditioner c = cc.byId(id);
        if (c == null || !"clap_text".equals(c.type())) {
            throw new CheckpointException("case names conditioner '" + id + "', which is no clap_text conditioner");
        }
        try (SafetensorsFile file = SafetensorsFile.open(gc.modelFile());
             ClapTextConditioner cond = ClapTextConditioner.load(c, cc.condDim(), clapDir(gc), null,
                     new StateDict(file, manager, DataType.FLOAT32), manager)) {
            T5Tokenizer.Batch batch = cond.tokenize(prompts);
            ConditionerOutput out = cond.encode(prompts, manager);
            int layerIx = c.config().path("feature_layer_ix").asInt(-1);
            return Map.of("input_ids", asFloat(batch.ids(), manager),
                    "attention_mask", asFloat(batch.mask(), manager),
                    "text_features", cond.encoder().hiddenState(batch.ids(), batch.mask(), layerIx, manager),
                    "text_embeds", cond.encoder().embedding(batch.ids(), batch.mask(), manager),
                    "tokens", out.tokens(), "mask", out.mask());
        }
    }

    // case.json's clap_dir (relative to the case) where cases share one CLAP model, else clap/ beside the model
    private static Path clapDir(GoldenCase gc) {
        String shared = gc.spec().path("clap_dir").asText("");
        return shared.isEmpty() ? gc.modelDir().resolve("clap") : gc.dir().resolve(shared).normalize();
    }

    // the conditioning block alone: the case's model_config.json has no autoencoder or DiT
    private static ConditioningConfig conditioning(GoldenCase gc) {
        try {
            JsonNode root = ModelConfig.JSON.readTree(Files.readString(gc.modelDir().resolve("model_config.json")));
            return ModelConfig.JSON.treeToValue(root.path("model").path("conditioning"), ConditioningConfig.class);
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + gc.modelDir().resolve("model_config.json") + ": "
                    + e.getMessage(), e);
        }
    }

    private static NDArray asFloat(long[][] rows, NDManager manager) {
        int b = rows.length;
        int n = rows[0].length;
        float[] flat = new float[b * n];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < n; j++) {
                flat[i * n + j] = rows[i][j];
            }
        }
        return manager.create(flat, new Shape(b, n));
    }
}
