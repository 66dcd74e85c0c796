package dev.longplay.models.training;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.SafetensorsFile;
import dev.longplay.models.weights.SafetensorsWriter;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Moves a trained model's T5 text encoder onto another word-level tokenizer, so that a fine-tune can change the
 * wording its prompts are tokenised in without losing what its diffusion model learnt from the old one.
 * <p>
 * Invariants: every token both vocabularies hold keeps its embedding row (so a prompt made only of shared tokens
 * encodes to the same vectors as before); every token only the new vocabulary holds takes a row that no token of the
 * old vocabulary used (a distinct random vector of the frozen encoder, never a known word's); every other weight of
 * the encoder is unchanged. Where the embedding table has too few unused rows the transfer is refused.
 */
final class VocabularyTransfer {

    // T5's input embedding, stored twice in Hugging Face checkpoints (tied)
    private static final String[] EMBEDDINGS = {"shared.weight", "encoder.embed_tokens.weight"};

    private VocabularyTransfer() {
    }

    /**
     * For each id of {@code newTokenizer}'s vocabulary, the row of {@code rows} embedding rows it takes from the
     * encoder trained with {@code oldTokenizer}.
     */
    static int[] rowMap(byte[] oldTokenizer, byte[] newTokenizer, int rows) throws IOException {
        Map<String, Integer> before = wordLevelVocabulary(oldTokenizer, "the model's tokenizer");
        Map<String, Integer> after = wordLevelVocabulary(newTokenizer, "the new tokenizer");
        BitSet used = new BitSet(rows);
        before.values().forEach(used::set);
        int[] map = new int[after.values().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1];
        if (map.length > rows) {
            throw new IllegalArgumentException("the new tokenizer has ids up to " + (map.length - 1)
                    + " but the text encoder's embedding has " + rows + " rows");
        }
        Arrays.fill(map, -1);
        int spare = used.nextClearBit(0);
        for (Map.Entry<String, Integer> e : sortedById(after)) {
            Integer old = before.get(e.getKey());
            if (old != null) {
                map[e.getValue()] = old;
            } else {
                if (spare >= rows) {
                    throw new IllegalArgumentException("the text encoder's embedding has " + rows + " rows; the old"
                            + " vocabulary uses " + used.cardinality() + " and the new one adds more words than the"
                            + " rest can hold");
                }
                map[e.getValue()] = spare;
                spare = used.nextClearBit(spare + 1);
            }
        }
        for (int id = 0; id < map.length; id++) {  // ids the new vocabulary skips keep their own row
            if (map[id] < 0) {
                map[id] = id;
            }
        }
        return map;
    }

    /** Refuses, before anything is written, a transfer that {@link #apply} would refuse. */
    static void check(Path encoderWeights, byte[] oldTokenizer, byte[] newTokenizer) throws IOException {
        try (SafetensorsFile f = SafetensorsFile.open(encoderWeights)) {
            rowMap(oldTokenizer, newTokenizer, Math.toIntExact(f.shape(embedding(f, encoderWeights))[0]));
        }
    }

    private static String embedding(SafetensorsFile f, Path file) {
        return Arrays.stream(EMBEDDINGS).filter(f::contains).findFirst().orElseThrow(() ->
                new CheckpointException(file + ": no T5 input embedding (shared.weight)"));
    }

    /**
     * Rewrites the text encoder weights {@code encoderWeights} (a T5 {@code model.safetensors}) for
     * {@code newTokenizer}, given the {@code oldTokenizer} they were trained with.
     */
    static void apply(Path encoderWeights, byte[] oldTokenizer, byte[] newTokenizer) throws IOException {
        int[] map;
        try (SafetensorsFile f = SafetensorsFile.open(encoderWeights)) {
            map = rowMap(oldTokenizer, newTokenizer, Math.toIntExact(f.shape(embedding(f, encoderWeights))[0]));
        }
        SafetensorsWriter.rewrite(encoderWeights, (k, shape, v) ->
                Arrays.asList(EMBEDDINGS).contains(k) ? permuteRows(v, shape, map) : v);
    }

    // row i of the result is row map[i] of the source; rows past the map keep their place
    private static float[] permuteRows(float[] v, long[] shape, int[] map) {
        int width = Math.toIntExact(shape[1]);
        float[] out = v.clone();
        for (int i = 0; i < map.length; i++) {
            System.arraycopy(v, map[i] * width, out, i * width, width);
        }
        return out;
    }

    private static Map<String, Integer> wordLevelVocabulary(byte[] tokenizerJson, String what) throws IOException {
        JsonNode model = new ObjectMapper().readTree(tokenizerJson).path("model");
        if (!"WordLevel".equals(model.path("type").asText()) || !model.path("vocab").isObject()) {
            throw new IllegalArgumentException(what + " is not a word-level tokenizer: only those can change"
                    + " vocabulary in a fine-tune");
        }
        Map<String, Integer> vocab = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = model.path("vocab").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            vocab.put(e.getKey(), e.getValue().asInt());
        }
        return vocab;
    }

    private static Iterable<Map.Entry<String, Integer>> sortedById(Map<String, Integer> vocab) {
        return vocab.entrySet().stream().sorted(Map.Entry.comparingByValue()).toList();
    }
}
