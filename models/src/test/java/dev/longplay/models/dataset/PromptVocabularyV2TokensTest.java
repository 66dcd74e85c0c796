package dev.longplay.models.dataset;

import dev.longplay.models.conditioning.T5Tokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The V2 tokenizer against what musicians type: every tempo 40–240 and every key spelling has tokens of its own,
 * none unknown, at ids that stay put; and a model folder's tokenizer says which wording it was trained with.
 */
class PromptVocabularyV2TokensTest {

    private static final long UNKNOWN = 2;
    /** The digits' ids in the V2 vocabulary: 0 at 3 … 9 at 12, after pad, end and unknown. */
    private static final long DIGIT_ZERO = 3;

    @TempDir
    Path tmp;

    @Test
    void everyTempoFrom40To240IsSpelledInDigitsWhateverTheUnitsSpacing() throws Exception {
        List<String> prompts = new ArrayList<>();
        for (int bpm = 40; bpm <= 240; bpm++) {
            prompts.add("drum loop at " + bpm + " bpm");
            prompts.add("drum loop, " + bpm + "bpm");
        }
        try (T5Tokenizer t = SyntheticPromptTokensTest.tokenizer(PromptVocabulary.V2)) {
            long[][] ids = t.encode(prompts).ids();
            long drum = ids[0][0], loop = ids[0][1], at = ids[0][2], bpmId = ids[0][5]; // "40" is two digits
            long comma = ids[1][2];
            for (int bpm = 40, i = 0; bpm <= 240; bpm++, i += 2) {
                String digits = Integer.toString(bpm);
                long[] expected = new long[digits.length()];
                for (int d = 0; d < digits.length(); d++) {
                    expected[d] = DIGIT_ZERO + (digits.charAt(d) - '0');
                }
                assertArrayEquals(expected, Arrays.copyOfRange(ids[i], 3, 3 + digits.length()), prompts.get(i));
                assertEquals(bpmId, ids[i][3 + digits.length()], prompts.get(i));
                assertArrayEquals(new long[] {drum, loop, at}, Arrays.copyOf(ids[i], 3));
                // "97bpm" and "97 bpm" are the same tokens
                assertArrayEquals(expected, Arrays.copyOfRange(ids[i + 1], 3, 3 + digits.length()), prompts.get(i + 1));
                assertEquals(comma, ids[i + 1][2]);
                assertEquals(bpmId, ids[i + 1][3 + digits.length()], prompts.get(i + 1));
                for (long[] row : new long[][] {ids[i], ids[i + 1]}) {
                    assertFalse(Arrays.stream(row).anyMatch(id -> id == UNKNOWN), Arrays.toString(row));
                }
            }
            assertNotEquals(UNKNOWN, bpmId);
        }
    }

    @Test
    void everyKeySpellingHasKnownTokensAndNoTwoKeysShareThem() throws Exception {
        List<String> texts = new ArrayList<>();
        List<String> keys = new ArrayList<>();
        for (int pc = 0; pc < 12; pc++) {
            for (boolean minor : new boolean[] {false, true}) {
                for (KeySpelling s : KeySpelling.all(pc, minor)) {
                    texts.add(s.write(pc, minor));
                    keys.add(pc + (minor ? "m" : "M"));
                }
            }
        }
        try (T5Tokenizer t = SyntheticPromptTokensTest.tokenizer(PromptVocabulary.V2)) {
            long[][] ids = t.encode(texts).ids();
            Map<List<Long>, String> keyOf = new HashMap<>();
            for (int i = 0; i < texts.size(); i++) {
                long[] row = ids[i];
                assertFalse(Arrays.stream(row).anyMatch(id -> id == UNKNOWN), texts.get(i) + " " + Arrays.toString(row));
                String before = keyOf.putIfAbsent(Arrays.stream(row).boxed().toList(), keys.get(i));
                if (before != null) {
                    assertEquals(before, keys.get(i), "\"" + texts.get(i) + "\" reads as another key's spelling");
                }
            }
        }
        assertEquals("F#m", new KeySpelling(KeySpelling.Accidental.SHARP_SIGN, KeySpelling.Mode.M).write(6, true));
        assertEquals("G♭ major", new KeySpelling(KeySpelling.Accidental.FLAT_SYMBOL, KeySpelling.Mode.MAJOR).write(6, false));
        assertEquals("A min", new KeySpelling(KeySpelling.Accidental.SHARP_SIGN, KeySpelling.Mode.MIN).write(9, true));
    }

    @Test
    void signsSymbolsAndWordsOfAnAccidentalReadAlike() throws Exception {
        try (T5Tokenizer t = SyntheticPromptTokensTest.tokenizer(PromptVocabulary.V2)) {
            long[][] ids = t.encode(List.of("F# minor", "F sharp minor", "F♯ minor", "G♭ major", "G flat major",
                    "Bb", "B♭")).ids();
            assertArrayEquals(ids[0], ids[1]);
            assertArrayEquals(ids[0], ids[2]);
            assertArrayEquals(ids[3], ids[4]);
            assertFalse(Arrays.equals(ids[5], ids[6]), "\"Bb\" is one word, \"B♭\" two");
        }
    }

    @Test
    void theIssuesPromptsHaveNoUnknownWordInV2AndTheTempoIsLostInV1() throws Exception {
        List<String> prompts = List.of("drum loop at 97 bpm, kick and hats", "drum loop, 97 BPM, dark, centered",
                "drum loop, 113 BPM, dark, centered", "drum loop, 131 BPM, dark, centered");
        try (T5Tokenizer v2 = SyntheticPromptTokensTest.tokenizer(PromptVocabulary.V2);
             T5Tokenizer v1 = SyntheticPromptTokensTest.tokenizer(PromptVocabulary.V1)) {
            for (long[] row : v2.encode(prompts).ids()) {
                assertFalse(Arrays.stream(row).anyMatch(id -> id == UNKNOWN), Arrays.toString(row));
            }
            long[][] old = v1.encode(prompts.subList(1, 4)).ids();
            assertArrayEquals(old[0], old[1], "v1 reads 97 and 113 BPM alike (both unknown)");
            assertArrayEquals(old[0], old[2]);
        }
    }

    /**
     * The shipped default keeps the tokenizer it was trained with: its prompts' ids are pinned as that model reads
     * them (2 is unknown: commas, "line", "centered" and untrained tempos such as 97), so a V2 change that reached
     * old folders would fail here.
     */
    @Test
    void theShippedDefaultReadsItsPromptsAsItWasTrained() {
        Path json = Path.of("..", "trained", "small8k-x256", "tokenizer", "tokenizer.json");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(json), "no shipped model in this checkout");
        try (T5Tokenizer t = T5Tokenizer.load(json, 32)) {
            long[][] ids = t.encode(List.of("drum loop, 97 BPM, dark, centered",
                    "bass line, A minor, 100 BPM, dark, centered", "drum loop at 97 bpm, kick and hats",
                    "pad chords, C# major, bright, panned left")).ids();
            assertArrayEquals(new long[] {48, 73, 2, 2, 29, 2, 43, 2, 2, 1}, Arrays.copyOf(ids[0], 10));
            assertArrayEquals(new long[] {23, 2, 2, 3, 79, 2, 140, 29, 2, 43, 2, 2, 1}, Arrays.copyOf(ids[1], 13));
            assertArrayEquals(new long[] {48, 73, 11, 2, 29, 2, 71, 5, 64, 1}, Arrays.copyOf(ids[2], 10));
            assertArrayEquals(new long[] {83, 36, 2, 128, 2, 76, 2, 31, 2, 2, 125, 1}, Arrays.copyOf(ids[3], 12));
        }
    }

    @Test
    void aModelFolderTellsItsVocabularyByItsTokenizerAndOldFoldersAreV1() throws Exception {
        Path v2 = tmp.resolve("v2/tokenizer");
        Files.createDirectories(v2);
        Files.copy(Path.of(getClass().getResource("/dev/longplay/models/tiny/tokenizer_v2.json").toURI()),
                v2.resolve("tokenizer.json"));
        assertEquals(PromptVocabulary.V2, PromptVocabulary.of(tmp.resolve("v2")));
        Path v1 = tmp.resolve("v1/tokenizer");
        Files.createDirectories(v1);
        Files.copy(Path.of(getClass().getResource("/dev/longplay/models/tiny/tokenizer.json").toURI()),
                v1.resolve("tokenizer.json"));
        assertEquals(PromptVocabulary.V1, PromptVocabulary.of(tmp.resolve("v1")));
        assertEquals(PromptVocabulary.V1, PromptVocabulary.of(tmp.resolve("none")));
        Path shipped = Path.of("..", "trained", "small8k-x256");
        if (Files.isDirectory(shipped)) {
            assertEquals(PromptVocabulary.V1, PromptVocabulary.of(shipped));
        }
        assertEquals(PromptVocabulary.V2, PromptVocabulary.parse("v2"));
    }
}
