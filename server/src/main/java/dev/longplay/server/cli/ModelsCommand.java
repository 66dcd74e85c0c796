package dev.longplay.server.cli;

import dev.longplay.models.hub.LocalModel;
import dev.longplay.models.weights.ModelLocator;
import dev.longplay.server.io.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code longplay models}: what the Hub cache holds, one line per snapshot. */
@Command(name = "models", mixinStandardHelpOptions = true,
        description = "List the models (and text encoders) in the local Hugging Face cache: id, revision, size, type, "
                + "sample rate, generation window and folder.")
final class ModelsCommand implements Callable<Integer> {

    @Option(names = "--json", description = "one JSON array instead of a table")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Path cache = ModelLocator.fromEnvironment().hubCache();
        List<LocalModel> models = LocalModel.list(cache);
        if (json) {
            System.out.println(Json.MAPPER.writeValueAsString(models.stream().map(m -> {
                java.util.Map<String, Object> o = new java.util.LinkedHashMap<>();
                o.put("id", m.id());
                o.put("revision", m.revision());
                o.put("commit", m.commit());
                o.put("bytes", m.bytes());
                o.put("type", m.type());
                o.put("sampleRate", m.sampleRate());
                o.put("windowSeconds", m.windowSeconds());
                o.put("where", m.where().toString());
                return o;
            }).toList()));
            return 0;
        }
        if (models.isEmpty()) {
            System.out.println("no models in " + cache + "; fetch one with: longplay pull stabilityai/stable-audio-open-small");
            return 0;
        }
        String format = "%-40s %-12s %10s %-26s %7s %8s  %s%n";
        System.out.printf(Locale.ROOT, format, "ID", "REVISION", "SIZE", "TYPE", "RATE", "WINDOW", "WHERE");
        for (LocalModel m : models) {
            System.out.printf(Locale.ROOT, format, m.id(), m.revision(), DownloadProgress.size(m.bytes()), m.type(),
                    m.sampleRate() > 0 ? m.sampleRate() + "" : "-",
                    m.windowSeconds() > 0 ? String.format(Locale.ROOT, "%.1f s", m.windowSeconds()) : "-", m.where());
        }
        return 0;
    }
}
