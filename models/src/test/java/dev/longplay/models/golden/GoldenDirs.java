package dev.longplay.models.golden;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where tests find golden sets: the project's own cases (always, inside the repository) and, only when
 * {@code LONGPLAY_GOLDEN_DIR} is set, one extra set made the same way.
 */
public final class GoldenDirs {

    private GoldenDirs() {
    }

    public static Path projectDir() {
        String p = System.getenv("LONGPLAY_PROJECT_DIR");
        return p != null ? Path.of(p) : Path.of("..").toAbsolutePath().normalize();
    }

    /** The optional extra golden set named by {@code LONGPLAY_GOLDEN_DIR}; empty when it is unset or blank. */
    public static Optional<Path> extra() {
        String env = System.getenv("LONGPLAY_GOLDEN_DIR");
        return env != null && !env.isBlank() ? Optional.of(Path.of(env).toAbsolutePath().normalize()) : Optional.empty();
    }

    /** The cases this project made itself from the reference (tools/golden/). */
    public static Path own() {
        return projectDir().resolve("models/src/test/resources/golden");
    }

    /** One of the project's own cases, by name. */
    public static Path ownCase(String name) {
        return own().resolve(name);
    }

    /** Every golden folder the tests run: the project's own cases, then the extra set where one is named. */
    public static List<Path> all() {
        List<Path> dirs = new ArrayList<>();
        dirs.add(own());
        extra().ifPresent(dirs::add);
        return dirs;
    }
}
