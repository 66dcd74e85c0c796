package dev.longplay.models.clap;

import dev.longplay.models.conditioning.T5Tokenizer;

import java.nio.file.Path;
import java.util.List;

/**
 * CLAP's RoBERTa tokenizer called as laion_clap calls it: special tokens, truncation and padding to 77 tokens
 * (padding="max_length", truncation=True, max_length=77). Padding gets the text branch's pad_token_id
 * (RoBERTa's {@code <pad>}, 1): DJL's binding pads with id 0 unless tokenizer.json configures padding, and
 * RoBERTa's position ids count the tokens that are not the pad id.
 */
public final class ClapTokenizer implements AutoCloseable {

    /** laion_clap's max_length. */
    public static final int MAX_LENGTH = 77;

    private final T5Tokenizer tokenizer;
    private final int padId;

    private ClapTokenizer(T5Tokenizer tokenizer, int padId) {
        this.tokenizer = tokenizer;
        this.padId = padId;
    }

    public static ClapTokenizer load(Path tokenizerJson, int padId) {
        return new ClapTokenizer(T5Tokenizer.load(tokenizerJson, MAX_LENGTH, "CLAP's RoBERTa tokenizer"), padId);
    }

    /** Token ids and mask [B][77]. */
    public T5Tokenizer.Batch encode(List<String> texts) {
        T5Tokenizer.Batch batch = tokenizer.encode(texts);
        for (int i = 0; i < batch.ids().length; i++) {
            for (int j = 0; j < batch.ids()[i].length; j++) {
                if (batch.mask()[i][j] == 0) {
                    batch.ids()[i][j] = padId;
                }
            }
        }
        return batch;
    }

    @Override
    public void close() {
        tokenizer.close();
    }
}
