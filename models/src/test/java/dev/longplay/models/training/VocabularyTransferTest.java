package dev.longplay.models.training;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longplay.models.conditioning.T5Config;
import dev.longplay.models.conditioning.T5Encoder;
import dev.longplay.models.conditioning.T5Tokenizer;
import dev.longplay.models.dataset.PromptVocabulary;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.StateDict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A fine-tune onto another vocabulary: what the old model knew of shared words is kept, new words are new. */
class VocabularyTransferTest {

    @TempDir
    Path tmp;

    @Test
    void aFineTuneOntoTheDigitVocabularyKeepsEveryWordsEncodingAndGivesNewTokensUnusedRows() throws IOException {
        Path source = TrainerTest.trainedMicroModel(tmp.resolve("source"));
        assertEquals(PromptVocabulary.V1, PromptVocabulary.of(source));
        Path tuned = tmp.resolve("tuned");
        try (Trainer t = Trainer.start(TrainingStart.fineTune(tuned, TrainerTest.recipe(0, 1), source)
                .withVocabulary(PromptVocabulary.V2))) {
            t.run((phase, step, total, loss, lr) -> assertEquals("diffusion", phase));
        }
        assertEquals(PromptVocabulary.V2, PromptVocabulary.of(tuned), "the fine-tune speaks the new wording");
        Map<String, float[]> shipped = TrainerTest.tensors(source.resolve("model.safetensors"));
        Map<String, float[]> tunedWeights = TrainerTest.tensors(tuned.resolve("model.safetensors"));
        String qkv = "model.model.transformer.layers.0.self_attn.to_qkv.weight";
        assertTrue(tunedWeights.containsKey(qkv));
        assertFalse(Arrays.equals(shipped.get(qkv), tunedWeights.get(qkv)), "the diffusion model started from the"
                + " source's and trained");

        // the same words through each model's own tokenizer and encoder: identical vectors where the tokens agree
        List<String> sharedWords = List.of("dark bass loop left", "bright pad chords in the right");
        float[] before = encode(source, sharedWords);
        float[] after = encode(tuned, sharedWords);
        assertArrayEquals(before, after, 0f, "a prompt of shared words encodes as before");
        // a tempo, split into digits only by the new tokenizer, is no longer one unknown token
        assertFalse(Arrays.equals(encode(tuned, List.of("drum loop at 97 bpm")),
                encode(tuned, List.of("drum loop at 113 bpm"))), "two tempos encode apart");

        Map<String, float[]> oldEncoder = TrainerTest.tensors(source.resolve("text_encoder/model.safetensors"));
        Map<String, float[]> newEncoder = TrainerTest.tensors(tuned.resolve("text_encoder/model.safetensors"));
        assertEquals(oldEncoder.keySet(), newEncoder.keySet());
        oldEncoder.forEach((k, v) -> {
            if (!k.equals("shared.weight") && !k.equals("encoder.embed_tokens.weight")) {
                assertArrayEquals(v, newEncoder.get(k), 0f, "only the embedding moves: " + k);
            }
        });
        int width = T5Config.load(source.resolve("text_encoder/config.json")).dModel();
        Map<String, Integer> oldVocab = vocabulary(source);
        Map<String, Integer> newVocab = vocabulary(tuned);
        Set<String> oldRows = new HashSet<>();
        for (int id : oldVocab.values()) {
            oldRows.add(Arrays.toString(row(oldEncoder.get("shared.weight"), id, width)));
        }
        Set<String> newTokenRows = new HashSet<>();
        for (Map.Entry<String, Integer> e : newVocab.entrySet()) {
            float[] r = row(newEncoder.get("shared.weight"), e.getValue(), width);
            Integer old = oldVocab.get(e.getKey());
            if (old != null) {
                assertArrayEquals(row(oldEncoder.get("shared.weight"), old, width), r, 0f, e.getKey());
            } else {
                assertFalse(oldRows.contains(Arrays.toString(r)), "'" + e.getKey() + "' took a known word's row");
                assertTrue(newTokenRows.add(Arrays.toString(r)), "'" + e.getKey() + "' shares a row with a new token");
            }
        }
        assertTrue(newTokenRows.size() >= 10, "the digits at least are new tokens");
    }

    @Test
    void aVocabularyTheEmbeddingCannotHoldOrThatIsNotWordLevelIsRefusedBeforeAnythingIsWritten() throws IOException {
        byte[] v1 = vocabularyJson(Map.of("<pad>", 0, "</s>", 1, "<unk>", 2, "bass", 3));
        byte[] grown = vocabularyJson(Map.of("<pad>", 0, "</s>", 1, "<unk>", 2, "bass", 3, "1", 4, "2", 5));
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, VocabularyTransfer.rowMap(v1, grown, 6));
        byte[] moved = vocabularyJson(Map.of("<pad>", 0, "</s>", 1, "<unk>", 2, "1", 3, "bass", 4));
        assertArrayEquals(new int[] {0, 1, 2, 4, 3}, VocabularyTransfer.rowMap(v1, moved, 5));
        IllegalArgumentException full = assertThrows(IllegalArgumentException.class,
                () -> VocabularyTransfer.rowMap(v1, grown, 5));
        assertTrue(full.getMessage().contains("rows"), full.getMessage());
        byte[] bpe = "{\"model\": {\"type\": \"BPE\", \"vocab\": {}}}".getBytes();
        assertThrows(IllegalArgumentException.class, () -> VocabularyTransfer.rowMap(v1, bpe, 8));
    }

    private static byte[] vocabularyJson(Map<String, Integer> vocab) throws IOException {
        return new ObjectMapper().writeValueAsBytes(Map.of("model", Map.of("type", "WordLevel", "vocab", vocab)));
    }

    private static float[] row(float[] table, int id, int width) {
        return Arrays.copyOfRange(table, id * width, (id + 1) * width);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Integer> vocabulary(Path model) throws IOException {
        Map<String, Object> json = new ObjectMapper().readValue(model.resolve("tokenizer/tokenizer.json").toFile(),
                Map.class);
        return (Map<String, Integer>) ((Map<String, Object>) json.get("model")).get("vocab");
    }

    // the last hidden states of the model folder's own T5 for texts, flattened
    private static float[] encode(Path model, List<String> texts) {
        T5Config config = T5Config.load(model.resolve("text_encoder/config.json"));
        try (T5Tokenizer tokenizer = T5Tokenizer.load(model.resolve("tokenizer/tokenizer.json"), 16);
             SafetensorsFile file = SafetensorsFile.open(model.resolve("text_encoder/model.safetensors"));
             NDManager m = NDManager.newBaseManager()) {
            T5Tokenizer.Batch batch = tokenizer.encode(texts);
            try (T5Encoder encoder = T5Encoder.load(new StateDict(file, m.newSubManager(), DataType.FLOAT32), config)) {
                return encoder.encode(batch.ids(), batch.mask(), m).toFloatArray();
            }
        }
    }
}
