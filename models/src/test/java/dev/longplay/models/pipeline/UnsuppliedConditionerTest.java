package dev.longplay.models.pipeline;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.nn.ComputeTarget;
import dev.longplay.models.weights.ModelFiles;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A model that conditions on a value Longplay has no source for (an id it does not know, or a known id of the other
 * kind: the key as a number, the tempo as a class) loads, and every request names the conditioner and the kind.
 */
class UnsuppliedConditionerTest {

    @ParameterizedTest(name = "{0} as {1}")
    @CsvSource({"loudness, number", "loudness, int", "key, number", "bpm, int", "seconds_total, int"})
    void theRequestNamesWhatCannotBeSupplied(String id, String type, @TempDir Path tmp) throws Exception {
        ObjectNode config = (ObjectNode) ModelConfig.JSON.readTree(EmbeddedModel.resource("model_config.json"));
        ObjectNode model = (ObjectNode) config.path("model");
        ArrayNode conditioners = (ArrayNode) model.path("conditioning").path("configs");
        // an id the tiny model already has is replaced; cross-attention takes one token more
        for (int i = conditioners.size() - 1; i >= 0; i--) {
            if (conditioners.get(i).path("id").asText().equals(id)) {
                conditioners.remove(i);
            }
        }
        ObjectNode added = conditioners.addObject().put("id", id).put("type", type);
        added.putObject("config").put("min_val", 0).put("max_val", 24);
        ArrayNode crossIds = (ArrayNode) model.path("diffusion").path("cross_attention_cond_ids");
        boolean listed = false;
        for (var n : crossIds) {
            listed |= n.asText().equals(id);
        }
        if (!listed) {
            crossIds.add(id);
        }
        Path dir = tmp.resolve("model");
        SyntheticModel.write(dir, ModelConfig.JSON.writeValueAsBytes(config),
                EmbeddedModel.resource("text_encoder_config.json"), EmbeddedModel.resource("tokenizer.json"), 5);
        try (StableAudioPipeline p = StableAudioPipeline.load(ModelFiles.in(dir), "unsupplied", ComputeTarget.CPU);
             NDManager m = NDManager.newBaseManager()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> p.condition(List.of("drum loop at 97 bpm in A minor"), 0, 2, m));
            String kind = type.equals("number") ? "a number" : "an integer";
            assertEquals("the model conditions on '" + id + "' as " + kind + ", which Longplay cannot supply",
                    e.getMessage());
        }
    }
}
