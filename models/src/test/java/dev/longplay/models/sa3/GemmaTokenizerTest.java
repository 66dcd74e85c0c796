package dev.longplay.models.sa3;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.conditioning.T5Tokenizer;
import dev.longplay.models.config.ModelConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A Gemma-shaped byte-fallback BPE tokenizer.json through DJL's tokenizers binding (offline, native library from
 * the jar) gives Hugging Face tokenizers' ids (made by tools/golden/make_sa3_tokenizers.py), then pads to max_length
 * with id 0 and mask 0 as the reference's tokenizer call does.
 */
class GemmaTokenizerTest {

    private static final Path DIR = Path.of("src/test/resources/sa3");

    @Test
    void matchesHuggingFaceIdsWithByteFallbackAndPadding() throws Exception {
        JsonNode expected = ModelConfig.JSON.readTree(Files.readString(DIR.resolve("gemma_like_expected.json")));
        int max = 32;
        try (T5Tokenizer tok = T5Tokenizer.load(DIR.resolve("gemma_like_tokenizer.json"), max)) {
            for (JsonNode c : expected.path("cases")) {
                T5Tokenizer.Batch b = tok.encode(List.of(c.path("text").asText()));
                JsonNode ids = c.path("ids");
                for (int i = 0; i < max; i++) {
                    long want = i < ids.size() ? ids.get(i).asLong() : 0;
                    assertEquals(want, b.ids()[0][i], "id " + i + " of '" + c.path("text").asText() + "'");
                    assertEquals(i < ids.size() ? 1 : 0, b.mask()[0][i], "mask " + i + " of '" + c.path("text").asText() + "'");
                }
            }
        }
    }
}
