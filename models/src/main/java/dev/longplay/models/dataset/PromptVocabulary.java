package dev.longplay.models.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The words a model's training prompts were written in, and so the tokenizer it needs. {@link #V1}: the
 * synthesiser's one label per sound ("bass line, A minor, 120 BPM, dark, panned left") at eight tempos, behind a
 * word-level tokenizer of whole words and numbers. {@link #V2}: any integer tempo and key spelling in varied word
 * orders ({@link PromptWording}), behind a tokenizer that splits numbers into digits so every tempo has tokens.
 * <p>
 * A model folder's version is read from its own {@code tokenizer/tokenizer.json}: a tokenizer that splits digits
 * (a {@code Digits} pre-tokenizer) is V2, any other V1. So folders trained before V2, and copies of a folder
 * (fine-tunes, pulls), keep the wording their tokenizer was trained with, with no extra file to lose.
 */
public enum PromptVocabulary {
    V1("tiny/tokenizer.json"),
    V2("tiny/tokenizer_v2.json");

    private final String tokenizerResource;

    PromptVocabulary(String tokenizerResource) {
        this.tokenizerResource = tokenizerResource;
    }

    /** The built-in tokenizer of this version, under the models module's resources (dev/longplay/models/). */
    public String tokenizerResource() {
        return tokenizerResource;
    }

    /** "v1" or "v2" as the command line spells it. */
    public static PromptVocabulary parse(String name) {
        for (PromptVocabulary v : values()) {
            if (v.name().equalsIgnoreCase(name)) {
                return v;
            }
        }
        throw new IllegalArgumentException("unknown prompt vocabulary '" + name + "': v1 or v2");
    }

    /** The version of the model folder {@code modelDir}; V1 where it has no tokenizer.json. */
    public static PromptVocabulary of(Path modelDir) {
        Path json = modelDir.resolve("tokenizer").resolve("tokenizer.json");
        if (!Files.isRegularFile(json)) {
            return V1;
        }
        try {
            return splitsDigits(new ObjectMapper().readTree(json.toFile()).path("pre_tokenizer")) ? V2 : V1;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + json, e);
        }
    }

    private static boolean splitsDigits(JsonNode pre) {
        if ("Digits".equals(pre.path("type").asText())) {
            return true;
        }
        for (JsonNode child : pre.path("pretokenizers")) {
            if (splitsDigits(child)) {
                return true;
            }
        }
        return false;
    }
}
