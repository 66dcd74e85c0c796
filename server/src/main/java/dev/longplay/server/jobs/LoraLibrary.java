package dev.longplay.server.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The server's LoRA folder ({@code <data>/loras/}): adapters are named by file name only, so a client can never point
 * the server at a file elsewhere. Files are looked up when a job is submitted, not cached: dropping a new adapter in
 * the folder makes it usable at once.
 */
public final class LoraLibrary {

    /** At most this many adapters stack on one job. */
    public static final int MAX_PER_JOB = 8;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}\\.safetensors");

    /** One adapter file in the folder. */
    public record Entry(String name, long bytes) {
    }

    private final Path dir;

    public LoraLibrary(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    public Path dir() {
        return dir;
    }

    /** Every {@code *.safetensors} file in the folder, by name (an absent folder is an empty library). */
    public List<Entry> list() {
        List<Entry> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files.sorted()::iterator) {
                String name = p.getFileName().toString();
                if (NAME.matcher(name).matches() && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.add(new Entry(name, Files.size(p)));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * The adapter called {@code name} (".safetensors" may be left off) at {@code strength}; the message of the
     * {@link IllegalArgumentException} names what is wrong.
     */
    public LoraChoice resolve(String name, double strength) {
        if (name == null) {
            throw new IllegalArgumentException("loras: each entry needs a name");
        }
        String file = name.endsWith(".safetensors") ? name : name + ".safetensors";
        if (!NAME.matcher(file).matches()) {
            throw new IllegalArgumentException("loras: \"" + name + "\" is not a file name in the LoRA folder "
                    + "(letters, digits, . _ -; no folders)");
        }
        Path p = dir.resolve(file);
        // No links: a link in the folder could lead anywhere.
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new IllegalArgumentException("loras: no adapter \"" + file + "\" in " + dir);
        }
        return new LoraChoice(file, p, strength);
    }
}
