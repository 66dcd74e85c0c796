package dev.longplay.models.pipeline;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Copies of model folders for tests that change one file of a model and load it. */
final class ModelFolderCopy {

    private ModelFolderCopy() {
    }

    /** {@code from}'s tree under {@code to}, without the file named {@code skipped} (null: all of it). */
    static Path copy(Path from, Path to, String skipped) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else if (skipped == null || !p.equals(from.resolve(skipped))) {
                    Files.copy(p, target);
                }
            }
        }
        return to;
    }
}
