package dev.longplay.server.cli;

import dev.longplay.models.pipeline.TrainedModel;

/**
 * The model every command runs when no --model is given ({@code demo}, {@code generate}, {@code serve},
 * {@code worker}): the small model Longplay trained itself, shipped inside the jar under a stable, versioned id and
 * unpacked into the model cache on first use (so nothing is downloaded, and NATS routes jobs by the same id on every
 * machine). {@code --model longplay-tiny-random-v1} names the embedded random-weight architecture check instead.
 */
final class DefaultModel {

    static final String ID = TrainedModel.ID;

    /** Where its files come from in the repository (built into the jar from there). */
    static final String FOLDER = "trained/small8k-x256";

    private DefaultModel() {
    }

    static String spec() {
        return ID;
    }
}
