package dev.longplay.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.longplay.models.metrics.ClipMeasures;
import dev.longplay.models.metrics.PromptAudioScorer;
import dev.longplay.server.io.Json;
import dev.longplay.server.audio.WavReader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code longplay score FILE...}: loudness (BS.1770 integrated, loudness range), true and sample peak, the stereo
 * picture, and with {@code --clap} the CLAP score of each file against its prompt; one JSON document on stdout.
 */
@Command(name = "score", mixinStandardHelpOptions = true,
        description = "Measure WAV files: loudness (LUFS, LU), true peak (dBTP), stereo, and CLAP score with --clap; prints JSON.")
final class ScoreCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", arity = "1..*", description = "WAV files (a Longplay clip's prompt is read from its .json beside it)")
    List<Path> files;

    @Option(names = "--prompt", description = "the prompt to score every file against (default: each clip's own prompt)")
    String prompt;

    @Option(names = "--clap", paramLabel = "DIR", description = "a CLAP model folder (Hugging Face layout) for the CLAP score")
    Path clap;

    @Override
    public Integer call() throws Exception {
        try (PromptAudioScorer scorer = clap == null ? null : ClapScorers.load(clap)) {
            ArrayNode out = Json.MAPPER.createArrayNode();
            for (Path f : files) {
                out.add(measure(f, scorer));
            }
            System.out.println(Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(out));
        }
        return 0;
    }

    private ObjectNode measure(Path file, PromptAudioScorer scorer) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no such file");
        }
        WavReader.Audio audio;
        try {
            audio = WavReader.read(file);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": not a readable WAV file (" + e.getMessage() + ")");
        }
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("file", file.toString());
        node.put("sampleRate", audio.sampleRate());
        node.put("channels", audio.samples().length);
        node.put("seconds", audio.samples()[0].length / (double) audio.sampleRate());
        node.setAll((ObjectNode) Json.MAPPER.valueToTree(ClipMeasures.of(audio.samples(), audio.sampleRate())));
        if (scorer != null) {
            String text = prompt != null ? prompt : sidecarPrompt(file).orElseThrow(() -> new IllegalArgumentException(
                    file + ": no prompt to score against (give --prompt, or score a Longplay clip with its .json)"));
            ObjectNode c = node.putObject("clap");
            c.put("prompt", text);
            c.put("model", scorer.name());
            c.put("score", scorer.score(text, audio.samples(), audio.sampleRate()));
        }
        return node;
    }

    /** The prompt in a Longplay clip's metadata ({@code <id>.json} beside {@code <id>.wav}). */
    static Optional<String> sidecarPrompt(Path wav) {
        String name = wav.getFileName().toString();
        Path json = wav.resolveSibling(name.replaceFirst("\\.wav$", "") + ".json");
        if (!Files.isRegularFile(json)) {
            return Optional.empty();
        }
        try {
            JsonNode meta = Json.MAPPER.readTree(json.toFile());
            String p = meta.path("prompt").asText("");
            return p.isBlank() ? Optional.empty() : Optional.of(p);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
