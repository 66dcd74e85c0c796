package dev.longplay.models.conditioning;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.longplay.models.weights.CheckpointException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * T5's tokenizer from a Hugging Face {@code tokenizer.json} (through DJL's binding of the Rust tokenizers):
 * special tokens added, truncated and padded to the conditioner's max_length, as the reference calls it
 * (padding="max_length", truncation=True).
 */
public final class T5Tokenizer implements AutoCloseable {

    /** Token ids and attention mask, [B][maxLength] each. */
    public record Batch(long[][] ids, long[][] mask) {
    }

    private final HuggingFaceTokenizer tokenizer;
    private final int maxLength;

    private T5Tokenizer(HuggingFaceTokenizer tokenizer, int maxLength) {
        this.tokenizer = tokenizer;
        this.maxLength = maxLength;
    }

    public static T5Tokenizer load(Path tokenizerJson, int maxLength) {
        return load(tokenizerJson, maxLength, "the T5 tokenizer");
    }

    /**
     * Any Hugging Face tokenizer.json called the same way (CLAP's RoBERTa BPE too); {@code what} names it in
     * errors.
     */
    public static T5Tokenizer load(Path tokenizerJson, int maxLength, String what) {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new CheckpointException("missing file: " + tokenizerJson + " (" + what + ")");
        }
        try {
            HuggingFaceTokenizer t = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(tokenizerJson)
                    .optAddSpecialTokens(true)
                    .optTruncation(true)
                    .optPadToMaxLength()
                    .optMaxLength(maxLength)
                    .build();
            return new T5Tokenizer(t, maxLength);
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException("cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    public int maxLength() {
        return maxLength;
    }

    public Batch encode(List<String> texts) {
        long[][] ids = new long[texts.size()][];
        long[][] mask = new long[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            Encoding e = tokenizer.encode(texts.get(i));
            ids[i] = e.getIds();
            mask[i] = e.getAttentionMask();
            if (ids[i].length != maxLength) {
                throw new IllegalStateException("tokenizer returned " + ids[i].length + " tokens, expected " + maxLength);
            }
        }
        return new Batch(ids, mask);
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
