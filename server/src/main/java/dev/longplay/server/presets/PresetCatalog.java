package dev.longplay.server.presets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.longplay.server.io.Json;
import dev.longplay.server.jobs.GenerationRequest;
import dev.longplay.server.jobs.Mode;
import dev.longplay.server.clips.OutputFormat;
import dev.longplay.server.jobs.Priority;
import dev.longplay.server.security.PathConfinement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The presets a server offers: the built-in ones (the repository's {@code presets/} folder, bundled into the jar)
 * and the user's own folder beside the data. A user preset with a built-in's name replaces it. Every file is
 * validated at load; a broken built-in stops the server (it is a shipping bug), a broken user file is skipped and
 * reported with its file name and the reason.
 */
public final class PresetCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(PresetCatalog.class);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,47}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");
    private static final Set<String> PLACEHOLDERS = Set.of("prompt", "bpm", "bars");
    private static final Set<String> CATEGORIES = Set.of("drums", "pads", "bass", "risers", "sfx", "one-shots", "textures", "melodic");
    private static final long MAX_FILE_BYTES = 64 * 1024;

    /** A preset file that was not loaded, and why. */
    public record Problem(String file, String message) {
    }

    private final Map<String, Preset> presets;
    private final List<Problem> problems;

    private PresetCatalog(Map<String, Preset> presets, List<Problem> problems) {
        this.presets = presets;
        this.problems = problems;
    }

    /** Built-ins from the class path plus the user folder (created if missing). */
    public static PresetCatalog load(Path userDir) throws IOException {
        Map<String, Preset> all = new TreeMap<>();
        List<Problem> builtinProblems = new ArrayList<>();
        withBuiltinFolder(dir -> readFolder(dir, null, all, builtinProblems));
        if (!builtinProblems.isEmpty()) {
            throw new IllegalStateException("a built-in preset is invalid: " + builtinProblems);
        }
        List<Problem> userProblems = new ArrayList<>();
        readFolder(userDir, new PathConfinement(userDir), all, userProblems);
        userProblems.forEach(p -> LOG.warn("preset {} skipped: {}", p.file(), p.message()));
        return new PresetCatalog(all, List.copyOf(userProblems));
    }

    public Optional<Preset> get(String name) {
        return Optional.ofNullable(name == null ? null : presets.get(name));
    }

    public List<Preset> all() {
        return List.copyOf(presets.values());
    }

    public List<Problem> problems() {
        return problems;
    }

    private interface FolderReader {
        void read(Path dir) throws IOException;
    }

    private static void withBuiltinFolder(FolderReader reader) throws IOException {
        URL url = PresetCatalog.class.getClassLoader().getResource("presets");
        if (url == null) {
            throw new IllegalStateException("the built-in presets are missing from the class path");
        }
        try {
            URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                FileSystem fs;
                boolean mine = false;
                try {
                    fs = FileSystems.newFileSystem(uri, Map.of());
                    mine = true;
                } catch (FileSystemAlreadyExistsException e) {
                    fs = FileSystems.getFileSystem(uri);
                }
                try {
                    reader.read(fs.getPath("/presets"));
                } finally {
                    if (mine) {
                        fs.close();
                    }
                }
            } else {
                reader.read(Path.of(uri));
            }
        } catch (URISyntaxException e) {
            throw new IllegalStateException("bad class path entry " + url, e);
        }
    }

    /** @param confinement null for the built-in folder; for the user folder every file must really be inside it */
    private static void readFolder(Path dir, PathConfinement confinement, Map<String, Preset> into, List<Problem> problems) throws IOException {
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.json")) {
            ds.forEach(files::add);
        }
        files.sort(null);
        for (Path f : files) {
            String fileName = f.getFileName().toString();
            try {
                Path real = confinement == null ? f : confinement.check(f);
                if (Files.size(real) > MAX_FILE_BYTES) {
                    throw new IllegalArgumentException("larger than " + MAX_FILE_BYTES + " bytes");
                }
                Preset p = parse(Files.readAllBytes(real), fileName);
                if (into.put(p.name(), p) != null) {
                    LOG.info("user preset {} replaces the built-in one", p.name());
                }
            } catch (IllegalArgumentException | PathConfinement.ConfinementException | IOException e) {
                problems.add(new Problem(fileName, e.getMessage()));
            }
        }
    }

    /** Parses and validates one preset file; the message of the exception says what is wrong and where. */
    static Preset parse(byte[] json, String fileName) {
        Preset p;
        try {
            p = Json.MAPPER.readValue(json, Preset.class);
        } catch (UnrecognizedPropertyException e) {
            throw new IllegalArgumentException("unknown field \"" + e.getPropertyName() + "\" (known: " + e.getKnownPropertyIds() + ")");
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid preset JSON: " + e.getOriginalMessage()
                    + (e.getLocation() != null ? " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() : ""));
        } catch (IOException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        if (p == null) {
            throw new IllegalArgumentException("empty file");
        }
        String stem = fileName.endsWith(".json") ? fileName.substring(0, fileName.length() - 5) : fileName;
        require(p.name() != null && NAME.matcher(p.name()).matches(), "name must be lower-case letters, digits and dashes");
        require(p.name().equals(stem), "name \"" + p.name() + "\" must match the file name \"" + stem + "\"");
        require(p.description() != null && !p.description().isBlank(), "description is required");
        require(p.category() != null && CATEGORIES.contains(p.category()), "category must be one of " + CATEGORIES);
        require(p.mode() != null, "mode is required");
        require(p.mode() == Mode.TEXT || p.mode() == Mode.LOOP || p.mode() == Mode.SFX, "a preset's mode must be text, loop or sfx");
        require(p.prompt() != null && !p.prompt().isBlank(), "prompt is required");
        require(p.prompt().length() <= GenerationRequest.MAX_PROMPT_CHARS, "prompt is too long");
        Matcher m = PLACEHOLDER.matcher(p.prompt());
        while (m.find()) {
            require(PLACEHOLDERS.contains(m.group(1)), "unknown placeholder {" + m.group(1) + "} in prompt (known: " + PLACEHOLDERS + ")");
        }
        if (p.mode() == Mode.LOOP) {
            require(p.bpm() != null && p.bars() != null, "a loop preset needs bpm and bars");
            require(p.seconds() == null, "a loop preset's length comes from bpm and bars; remove seconds");
        } else {
            require(p.seconds() != null, "seconds is required for a " + p.mode().wire() + " preset");
        }
        // The sampler settings get the same checks a request gets.
        double seconds = p.mode() == Mode.LOOP ? GenerationRequest.loopSeconds(p.bpm(), p.bars()) : p.seconds();
        GenerationRequest.builder().mode(p.mode()).prompt("check").negativePrompt(p.negativePrompt()).seconds(seconds)
                .steps(p.steps()).cfgScale(p.cfgScale()).sampler(p.sampler()).bpm(p.bpm()).bars(p.bars())
                .preset(p.name()).priority(Priority.BATCH).format(OutputFormat.WAV_PCM24).build();
        return p;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
