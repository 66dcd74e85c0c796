package dev.longplay.models.golden;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Where tests find golden sets: $LONGPLAY_GOLDEN_DIR (default ../shared/golden) and the project's own cases. */
public final class GoldenDirs {

    private GoldenDirs() {
    }

    public static Path projectDir() {
        String p = System.getenv("LONGPLAY_PROJECT_DIR");
        return p != null ? Path.of(p) : Path.of("..").toAbsolutePath().normalize();
    }

    public static Path shared() {
        String env = System.getenv("LONGPLAY_GOLDEN_DIR");
        return env != null && !env.isBlank() ? Path.of(env) : projectDir().resolve("../shared/golden").normalize();
    }

    /** The cases this project made itself from the reference (tools/golden/). */
    public static Path own() {
        return projectDir().resolve("models/src/test/resources/golden");
    }

    /** Every golden folder the tests run: the shared set plus the cases this project made itself. */
    public static List<Path> all() {
        List<Path> dirs = new ArrayList<>();
        dirs.add(shared());
        Path own = own();
        if (Files.isDirectory(own)) {
            dirs.add(own);
        }
        return dirs;
    }
}
