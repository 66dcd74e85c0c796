package dev.longplay.models;

import com.fasterxml.jackson.databind.JsonNode;
import dev.longplay.models.config.ModelConfig;
import dev.longplay.models.nn.ComputeTarget;
import dev.longplay.models.pipeline.AudioGenerator;
import dev.longplay.models.pipeline.StableAudioPipeline;
import dev.longplay.models.sa3.same.SameAutoencoder;
import dev.longplay.models.sa3.Sa3Config;
import dev.longplay.models.sa3.Sa3Pipeline;
import dev.longplay.models.weights.CheckpointException;
import dev.longplay.models.weights.ModelFiles;

import java.io.IOException;
import java.nio.file.Files;

/** Loads a model folder with the pipeline of its family, told apart by its model_config.json. */
public final class AudioGenerators {

    private AudioGenerators() {
    }

    public static AudioGenerator load(ModelFiles files, String name) {
        return load(files, name, ComputeTarget.CPU);
    }

    public static AudioGenerator load(ModelFiles files, String name, ComputeTarget target) {
        return isSa3(files) ? Sa3Pipeline.load(files, name, SameAutoencoder.loader(), target)
                : StableAudioPipeline.load(files, name, target);
    }

    /** Stable Audio 3 folders condition on T5Gemma; the others on T5. */
    public static boolean isSa3(ModelFiles files) {
        try {
            JsonNode root = ModelConfig.JSON.readTree(Files.readString(files.config()));
            return Sa3Config.isSa3(root);
        } catch (IOException e) {
            throw new CheckpointException("cannot read " + files.config() + ": " + e.getMessage(), e);
        }
    }
}
