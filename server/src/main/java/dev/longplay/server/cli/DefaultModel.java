package dev.longplay.server.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The model {@code demo} and {@code generate} run when no --model is given: the small model Longplay trained
 * itself, shipped in the repository (so nothing is downloaded). The launcher passes the install's root as
 * {@code longplay.home}, so the folder is found from any working directory; without it (a bare {@code java -jar}) it is
 * looked for in the working directory. Where it is missing the answer is null: the embedded random tiny model,
 * which always exists.
 */
final class DefaultModel {

    /** The trained default, relative to the install's root. */
    static final String FOLDER = "trained/small8k-x256";

    private DefaultModel() {
    }

    static String spec() {
        return spec(System.getProperty("longplay.home"));
    }

    static String spec(String home) {
        Path dir = home == null ? Path.of(FOLDER) : Path.of(home, FOLDER);
        return Files.isRegularFile(dir.resolve("model.safetensors")) && Files.isRegularFile(dir.resolve("model_config.json"))
                ? dir.toAbsolutePath().normalize().toString() : null;
    }
}
