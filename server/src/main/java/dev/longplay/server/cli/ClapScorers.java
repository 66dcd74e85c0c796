package dev.longplay.server.cli;

import dev.longplay.models.clap.ClapModel;
import dev.longplay.models.metrics.PromptAudioScorer;

import java.nio.file.Files;
import java.nio.file.Path;

/** The CLAP scorer behind {@code --clap DIR} (score, generate --keep best, serve). */
final class ClapScorers {

    private ClapScorers() {
    }

    /** A CLAP model folder in the Hugging Face layout (config.json, model.safetensors, tokenizer.json, ...). */
    static PromptAudioScorer load(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--clap " + dir + ": not a folder (give a CLAP model folder in the "
                    + "Hugging Face layout, e.g. laion/clap-htsat-unfused)");
        }
        return ClapModel.load(dir);
    }
}
