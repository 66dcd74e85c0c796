package dev.longplay.models.dataset;

import dev.longplay.models.conditioning.T5Tokenizer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The built-in tokenizer, which every model that {@code train} starts copies, against every label the synthetic set
 * writes: no word of them is unknown, and the 24 keys give 24 token sequences. Before, "C#" split into "c" and an
 * unknown "#", the same unknown token as every comma and as "centered".
 */
class SyntheticPromptTokensTest {

    private static final long UNKNOWN = 2;

    private static T5Tokenizer tokenizer() throws Exception {
        return tokenizer(PromptVocabulary.V1);
    }

    static T5Tokenizer tokenizer(PromptVocabulary v) throws Exception {
        Path json = Path.of(SyntheticPromptTokensTest.class.getResource("/dev/longplay/models/" + v.tokenizerResource()).toURI());
        return T5Tokenizer.load(json, 32);
    }

    @Test
    void everyWordOfEverySyntheticLabelIsInTheVocabulary() throws Exception {
        List<String> prompts = new ArrayList<>();
        for (SoundKind kind : SoundKind.values()) {
            for (int key = 0; key < 12; key++) {
                for (boolean minor : new boolean[] {false, true}) {
                    for (int tempo : SyntheticDataset.TEMPOS) {
                        for (Brightness b : Brightness.values()) {
                            for (Placement p : Placement.values()) {
                                prompts.add(new SoundSpec(kind, tempo, key, minor, b, p, 1).prompt());
                            }
                        }
                    }
                }
            }
        }
        try (T5Tokenizer t = tokenizer()) {
            T5Tokenizer.Batch batch = t.encode(prompts);
            for (int i = 0; i < prompts.size(); i++) {
                long[] ids = batch.ids()[i];
                assertFalse(Arrays.stream(ids).anyMatch(id -> id == UNKNOWN),
                        "unknown word in \"" + prompts.get(i) + "\": " + Arrays.toString(ids));
                assertEquals(0, ids[ids.length - 1], "\"" + prompts.get(i) + "\" must fit the conditioner's 32 tokens");
            }
        }
    }

    @Test
    void everyKeyHasItsOwnTokens() throws Exception {
        List<String> prompts = new ArrayList<>();
        for (int key = 0; key < 12; key++) {
            for (boolean minor : new boolean[] {false, true}) {
                prompts.add(new SoundSpec(SoundKind.PAD, 120, key, minor, Brightness.DARK, Placement.CENTER, 1).prompt());
            }
        }
        try (T5Tokenizer t = tokenizer()) {
            Set<List<Long>> distinct = new HashSet<>();
            for (long[] ids : t.encode(prompts).ids()) {
                distinct.add(Arrays.stream(ids).boxed().toList());
            }
            assertEquals(24, distinct.size());
        }
    }
}
