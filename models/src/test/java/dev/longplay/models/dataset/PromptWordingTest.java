package dev.longplay.models.dataset;

import dev.longplay.models.conditioning.T5Tokenizer;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The V2 training wording: what it covers, that it is deterministic, and that its held-out sets stay out. */
class PromptWordingTest {

    private static final int EXAMPLES = 20_000;

    @Test
    void trainingCoversEveryTrainedIntegerTempoAndNoHeldOutOne() {
        SyntheticDataset ds = new SyntheticDataset(20261125L);
        Set<Integer> seen = new TreeSet<>();
        for (SyntheticDataset.Split split : new SyntheticDataset.Split[] {SyntheticDataset.Split.TRAIN,
                SyntheticDataset.Split.VALIDATION}) {
            for (int i = 0; i < EXAMPLES; i++) {
                seen.add(ds.worded(split, i, PromptVocabulary.V2).spec().tempo());
            }
        }
        assertEquals(new TreeSet<>(PromptWording.trainingTempos()), seen);
        assertEquals(100, PromptWording.trainingTempos().size());
        assertEquals(List.of(73, 83, 93, 103, 113, 123, 133, 143, 153, 163, 173), PromptWording.heldOutTempos());
        for (int t = PromptWording.MIN_TEMPO; t <= PromptWording.MAX_TEMPO; t++) {
            assertTrue(PromptWording.trainingTempos().contains(t) != PromptWording.heldOutTempos().contains(t));
        }
    }

    @Test
    void theWordingIsAPureFunctionOfTheDatasetSeedAndIndex() {
        SyntheticDataset a = new SyntheticDataset(5);
        SyntheticDataset b = new SyntheticDataset(5);
        SyntheticDataset other = new SyntheticDataset(6);
        int differ = 0;
        for (int i = 0; i < 200; i++) {
            assertEquals(a.worded(SyntheticDataset.Split.TRAIN, i, PromptVocabulary.V2),
                    b.worded(SyntheticDataset.Split.TRAIN, i, PromptVocabulary.V2));
            differ += a.worded(SyntheticDataset.Split.TRAIN, i, PromptVocabulary.V2).prompt().equals(
                    other.worded(SyntheticDataset.Split.TRAIN, i, PromptVocabulary.V2).prompt()) ? 0 : 1;
        }
        assertTrue(differ > 150, differ + " of 200 prompts differ between dataset seeds");
    }

    @Test
    void v1WordingIsTheSynthesisersOwnLabelAsRunsBeforeV2Trained() {
        SyntheticDataset ds = new SyntheticDataset(20261125L);
        for (int i = 0; i < 100; i++) {
            SoundSpec spec = ds.example(SyntheticDataset.Split.TRAIN, i);
            assertEquals(new WordedExample(spec, spec.prompt()), ds.worded(SyntheticDataset.Split.TRAIN, i, PromptVocabulary.V1));
        }
    }

    @Test
    void trainingUsesEveryTrainedSpellingOfEveryKeyAndEveryTrainedWordOrder() {
        for (int pc = 0; pc < 12; pc++) {
            for (boolean minor : new boolean[] {false, true}) {
                SoundSpec spec = new SoundSpec(SoundKind.BASS, 97, pc, minor, Brightness.DARK, Placement.LEFT, 3);
                Set<KeySpelling> spellings = new HashSet<>();
                Set<List<PromptWording.Part>> orders = new HashSet<>();
                SplittableRandom rng = new SplittableRandom(pc * 2L + (minor ? 1 : 0));
                for (int i = 0; i < 3000; i++) {
                    PromptWording.Choice c = PromptWording.choose(spec, rng, false);
                    spellings.add(c.spelling());
                    orders.add(c.order());
                }
                Set<KeySpelling> trained = new HashSet<>();
                for (KeySpelling s : KeySpelling.all(pc, minor)) {
                    if (!s.heldOut(pc, minor)) {
                        trained.add(s);
                    }
                }
                assertEquals(trained, spellings, "key " + pc + (minor ? " minor" : " major"));
                assertEquals(100, orders.size(), "trained orders of a bass line's 5 parts (120 less 20 held out)");
                assertTrue(orders.stream().noneMatch(PromptWording::heldOutOrder));
            }
        }
    }

    @Test
    void everyKeyHasExactlyOneHeldOutSpellingClassAndTrainedSpellingsBeside() {
        for (int pc = 0; pc < 12; pc++) {
            for (boolean minor : new boolean[] {false, true}) {
                Set<String> heldOutClasses = new HashSet<>();
                int trained = 0;
                for (KeySpelling s : KeySpelling.all(pc, minor)) {
                    if (s.heldOut(pc, minor)) {
                        heldOutClasses.add(s.mode() + "/" + (KeySpelling.natural(pc) ? "" : s.accidental().tokens()));
                    } else {
                        trained++;
                    }
                }
                assertEquals(1, heldOutClasses.size(), "key " + pc + " " + minor + ": " + heldOutClasses);
                assertTrue(trained >= 2);
            }
        }
    }

    @Test
    void heldOutWordingsAreNeverTrainedAndUseOnlyTrainedTokens() throws Exception {
        SyntheticDataset ds = new SyntheticDataset(20261125L);
        Set<String> trainedPrompts = new HashSet<>();
        List<String> trainedList = new ArrayList<>();
        for (int i = 0; i < EXAMPLES; i++) {
            String p = ds.worded(SyntheticDataset.Split.TRAIN, i, PromptVocabulary.V2).prompt();
            trainedPrompts.add(p);
            trainedList.add(p);
        }
        List<String> heldOut = new ArrayList<>();
        SplittableRandom rng = new SplittableRandom(9);
        for (int i = 0; i < 2000; i++) {
            SoundSpec spec = ds.worded(SyntheticDataset.Split.VALIDATION, i, PromptVocabulary.V2).spec();
            PromptWording.Choice c = PromptWording.choose(spec, rng, true);
            assertTrue(PromptWording.heldOutOrder(c.order()));
            if (spec.kind().tonal()) {
                assertTrue(c.spelling().heldOut(spec.keyPitchClass(), spec.minor()));
            }
            String p = PromptWording.write(spec, c);
            assertFalse(trainedPrompts.contains(p), "held-out wording was trained: " + p);
            heldOut.add(p);
        }
        try (T5Tokenizer t = SyntheticPromptTokensTest.tokenizer(PromptVocabulary.V2)) {
            Set<Long> trainedIds = new HashSet<>();
            for (int from = 0; from < trainedList.size(); from += 500) {
                for (long[] ids : t.encode(trainedList.subList(from, Math.min(trainedList.size(), from + 500))).ids()) {
                    for (long id : ids) {
                        assertNotEquals(2, id, "unknown token in a trained prompt");
                        trainedIds.add(id);
                    }
                }
            }
            T5Tokenizer.Batch batch = t.encode(heldOut);
            for (int i = 0; i < heldOut.size(); i++) {
                for (long id : batch.ids()[i]) {
                    assertTrue(trainedIds.contains(id), "token " + id + " of \"" + heldOut.get(i) + "\" never trained");
                }
                assertEquals(0, batch.ids()[i][31], "\"" + heldOut.get(i) + "\" must fit the conditioner's 32 tokens");
            }
        }
    }

    @Test
    void ordersAreRankedAmongThePermutationsOfTheirParts() {
        List<PromptWording.Part> own = List.of(PromptWording.Part.KIND, PromptWording.Part.KEY,
                PromptWording.Part.TEMPO, PromptWording.Part.TONE, PromptWording.Part.PLACE);
        assertEquals(0, PromptWording.rank(own));
        List<PromptWording.Part> reversed = new ArrayList<>(own);
        java.util.Collections.reverse(reversed);
        assertEquals(119, PromptWording.rank(reversed));
        assertEquals(5, PromptWording.rank(List.of(PromptWording.Part.PLACE, PromptWording.Part.TONE,
                PromptWording.Part.KIND)));
        assertFalse(PromptWording.heldOutOrder(own), "the synthesiser's own order is trained");
    }
}
