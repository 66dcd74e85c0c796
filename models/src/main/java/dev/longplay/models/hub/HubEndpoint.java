package dev.longplay.models.hub;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Where and how to reach the Hub, read from the environment variables huggingface_hub reads: {@code HF_ENDPOINT}
 * (default {@code https://huggingface.co}), {@code HF_TOKEN}, else the token file its login command writes
 * ({@code $HF_HOME/token}, {@code HF_HOME} defaulting to {@code ~/.cache/huggingface}), {@code HF_HUB_OFFLINE},
 * {@code HF_HUB_ETAG_TIMEOUT} (seconds to connect and get metadata, default 10) and
 * {@code HF_HUB_DOWNLOAD_TIMEOUT} (seconds a download may stall before it fails, default 10).
 */
public record HubEndpoint(URI endpoint, Optional<String> token, Duration metadataTimeout, Duration stallTimeout,
                          boolean offline) {

    public static final String DEFAULT_ENDPOINT = "https://huggingface.co";

    public HubEndpoint {
        String s = endpoint.toString();
        if (s.endsWith("/")) {
            endpoint = URI.create(s.substring(0, s.length() - 1));
        }
        if (!"http".equals(endpoint.getScheme()) && !"https".equals(endpoint.getScheme())) {
            throw new IllegalArgumentException("HF_ENDPOINT must be an http(s) URL, not '" + s + "'");
        }
    }

    public static HubEndpoint fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    public static HubEndpoint fromEnvironment(Map<String, String> env) {
        String endpoint = nonBlank(env.get("HF_ENDPOINT")).orElse(DEFAULT_ENDPOINT);
        Optional<String> token = nonBlank(env.get("HF_TOKEN")).or(() -> tokenFile(env));
        return new HubEndpoint(URI.create(endpoint), token, seconds(env, "HF_HUB_ETAG_TIMEOUT"),
                seconds(env, "HF_HUB_DOWNLOAD_TIMEOUT"), truthy(env.get("HF_HUB_OFFLINE")));
    }

    /** The file the Hub's login command writes: {@code $HF_HOME/token}. */
    static Path tokenPath(Map<String, String> env) {
        return hfHome(env).resolve("token");
    }

    static Path hfHome(Map<String, String> env) {
        Optional<String> home = nonBlank(env.get("HF_HOME"));
        if (home.isPresent()) {
            return Path.of(home.get());
        }
        Path cache = nonBlank(env.get("XDG_CACHE_HOME")).map(Path::of)
                .orElse(Path.of(System.getProperty("user.home"), ".cache"));
        return cache.resolve("huggingface");
    }

    private static Optional<String> tokenFile(Map<String, String> env) {
        Path p = tokenPath(env);
        try {
            return Files.isRegularFile(p) ? nonBlank(Files.readString(p).trim()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty(); // an unreadable token file is the same as none: public repos still work
        }
    }

    private static Duration seconds(Map<String, String> env, String name) {
        String v = env.get(name);
        if (v == null || v.isBlank()) {
            return Duration.ofSeconds(10);
        }
        try {
            double s = Double.parseDouble(v.trim());
            if (!(s > 0) || s > 86_400) {
                throw new NumberFormatException();
            }
            return Duration.ofMillis((long) (s * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number of seconds, not '" + v + "'");
        }
    }

    private static boolean truthy(String v) {
        return v != null && switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "1", "on", "yes", "true" -> true;
            default -> false;
        };
    }

    private static Optional<String> nonBlank(String s) {
        return s == null || s.isBlank() ? Optional.empty() : Optional.of(s.trim());
    }

    /** The model's page on the Hub, where a gated model's licence is accepted. */
    public String modelPage(String repoId) {
        return endpoint + "/" + repoId;
    }
}
