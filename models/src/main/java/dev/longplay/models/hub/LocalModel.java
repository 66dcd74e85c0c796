package dev.longplay.models.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * One snapshot in the Hub cache, as {@code longplay models} lists it: the repo id, the refs that point at it (else
 * the commit), its size on disk, what kind of model it is, its sample rate and the length of one generation
 * window. Text encoder repos are listed too (type {@code text encoder (t5)}, no rate or window).
 */
public record LocalModel(String id, String revision, String commit, long bytes, String type, int sampleRate,
                         double windowSeconds, Path where) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Every snapshot under {@code hubCache}, by id then commit; folders that are not model repos are skipped. */
    public static List<LocalModel> list(Path hubCache) {
        List<LocalModel> out = new ArrayList<>();
        if (!Files.isDirectory(hubCache)) {
            return out;
        }
        try (Stream<Path> repos = Files.list(hubCache)) {
            for (Path repo : repos.filter(p -> p.getFileName().toString().startsWith("models--")).sorted().toList()) {
                String id = repo.getFileName().toString().substring("models--".length()).replace("--", "/");
                Path snapshots = repo.resolve("snapshots");
                if (!Files.isDirectory(snapshots)) {
                    continue;
                }
                try (Stream<Path> snaps = Files.list(snapshots)) {
                    for (Path snap : snaps.filter(Files::isDirectory).sorted(Comparator.comparing(Path::toString)).toList()) {
                        out.add(describe(id, repo, snap));
                    }
                }
            }
        } catch (IOException e) {
            throw new HubException(HubException.Reason.CACHE, "cannot read the Hub cache " + hubCache + ": " + e.getMessage(), e);
        }
        return out;
    }

    private static LocalModel describe(String id, Path repo, Path snap) throws IOException {
        String commit = snap.getFileName().toString();
        List<String> refs = new ArrayList<>();
        Path refsDir = repo.resolve("refs");
        if (Files.isDirectory(refsDir)) {
            try (Stream<Path> all = Files.walk(refsDir)) {
                for (Path r : all.filter(Files::isRegularFile).sorted().toList()) {
                    if (Files.readString(r).trim().equals(commit)) {
                        refs.add(refsDir.relativize(r).toString());
                    }
                }
            }
        }
        String revision = refs.isEmpty() ? commit.substring(0, Math.min(12, commit.length())) : String.join(",", refs);
        long bytes = 0;
        Set<Path> seen = new HashSet<>();
        try (Stream<Path> files = Files.walk(snap)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) { // follows links to their blobs
                if (seen.add(f.toRealPath())) {
                    bytes += Files.size(f);
                }
            }
        }
        String type = "unknown";
        int rate = 0;
        double window = 0;
        Path modelConfig = snap.resolve("model_config.json");
        Path config = snap.resolve("config.json");
        try {
            if (Files.isRegularFile(modelConfig)) {
                JsonNode c = JSON.readTree(modelConfig.toFile());
                rate = c.path("sample_rate").asInt(0);
                window = rate > 0 ? c.path("sample_size").asDouble(0) / rate : 0;
                type = modelType(c);
            } else if (Files.isRegularFile(config)) {
                type = "text encoder (" + JSON.readTree(config.toFile()).path("model_type").asText("?") + ")";
            }
        } catch (IOException e) {
            type = "unreadable config";
        }
        return new LocalModel(id, revision, commit, bytes, type, rate, window, snap);
    }

    private static String modelType(JsonNode c) {
        JsonNode model = c.path("model");
        for (JsonNode cond : model.path("conditioning").path("configs")) {
            if (cond.path("type").asText().equals("t5gemma")) {
                return "stable audio 3";
            }
        }
        String objective = model.path("diffusion").path("diffusion_objective").asText("v");
        return c.path("model_type").asText("?") + " (" + objective + ")";
    }
}
