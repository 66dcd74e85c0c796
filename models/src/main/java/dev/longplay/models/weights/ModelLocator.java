package dev.longplay.models.weights;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds a model by folder path or by Hugging Face id ({@code org/name}, optionally {@code @revision}) in the local
 * HF cache ({@code $HF_HUB_CACHE}, else {@code $HF_HOME/hub}, else {@code ~/.cache/huggingface/hub}). It reads the
 * disk only: a model that is not there is an error that says where it looked and the {@code longplay pull}
 * command that fetches it.
 */
public final class ModelLocator {

    private static final Pattern HF_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*");

    private final Path hubCache;

    public ModelLocator(Path hubCache) {
        this.hubCache = hubCache;
    }

    public static ModelLocator fromEnvironment() {
        return new ModelLocator(hubCacheFrom(System.getenv()));
    }

    static Path hubCacheFrom(Map<String, String> env) {
        String hub = env.get("HF_HUB_CACHE");
        if (hub != null && !hub.isBlank()) {
            return Path.of(hub);
        }
        String home = env.get("HF_HOME");
        if (home != null && !home.isBlank()) {
            return Path.of(home, "hub");
        }
        String xdg = env.get("XDG_CACHE_HOME");
        Path cache = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return cache.resolve("huggingface").resolve("hub");
    }

    public Path hubCache() {
        return hubCache;
    }

    /** A folder path if one exists by that name, else a Hugging Face id looked up in the cache. */
    public ModelFiles locate(String pathOrId) {
        Path asPath = Path.of(pathOrId);
        if (Files.isDirectory(asPath)) {
            return ModelFiles.in(asPath, hubCache);
        }
        int at = pathOrId.indexOf('@');
        String id = at < 0 ? pathOrId : pathOrId.substring(0, at);
        String revision = at < 0 ? null : pathOrId.substring(at + 1);
        if (!HF_ID.matcher(id).matches() || pathOrId.contains("..")
                || (revision != null && !revision.matches("[A-Za-z0-9][A-Za-z0-9_./-]{0,199}"))) {
            throw new CheckpointException("model not found: '" + pathOrId + "' is neither a folder nor a Hugging Face id");
        }
        Path repo = repoFolder(id);
        Path snapshot = snapshot(repo, revision).orElseThrow(() -> new CheckpointException("model '" + pathOrId
                + "' is not in the local Hugging Face cache (looked in " + repo + "); fetch it with: longplay pull "
                + pathOrId + " (or pass a model folder)"));
        return ModelFiles.in(snapshot, hubCache);
    }

    /** The cache folder of a Hugging Face id: {@code models--ORG--NAME}. */
    public Path repoFolder(String repoId) {
        return hubCache.resolve("models--" + repoId.replace("/", "--"));
    }

    /** The snapshot of a cached repo that {@code refs/main} names (else the newest), if the repo is cached. */
    public Optional<Path> cachedSnapshot(String repoId) {
        if (!HF_ID.matcher(repoId).matches() || repoId.contains("..")) {
            return Optional.empty();
        }
        return snapshot(repoFolder(repoId), null);
    }

    /**
     * The snapshot {@code refs/REVISION} points at, or the commit's own snapshot; with no revision the one
     * {@code refs/main} names, else the most recently modified one.
     */
    private static Optional<Path> snapshot(Path repo, String revision) {
        Path snapshots = repo.resolve("snapshots");
        if (!Files.isDirectory(snapshots)) {
            return Optional.empty();
        }
        try {
            if (revision != null) {
                Path byCommit = snapshots.resolve(revision);
                if (revision.matches("[0-9a-f]{40}") && Files.isDirectory(byCommit)) {
                    return Optional.of(byCommit);
                }
                Path ref = repo.resolve("refs").resolve(revision);
                String rev = Files.isRegularFile(ref) ? Files.readString(ref).trim() : "";
                return rev.matches("[0-9a-f]{40}") && Files.isDirectory(snapshots.resolve(rev))
                        ? Optional.of(snapshots.resolve(rev)) : Optional.empty();
            }
            Path ref = repo.resolve("refs").resolve("main");
            if (Files.isRegularFile(ref)) {
                String rev = Files.readString(ref).trim();
                Path p = snapshots.resolve(rev);
                if (rev.matches("[0-9a-fA-F]{7,64}") && Files.isDirectory(p)) {
                    return Optional.of(p);
                }
            }
            try (Stream<Path> s = Files.list(snapshots)) {
                return s.filter(Files::isDirectory)
                        .max(Comparator.comparingLong(ModelLocator::modified));
            }
        } catch (IOException e) {
            throw new CheckpointException("cannot read Hugging Face cache folder " + repo + ": " + e.getMessage(), e);
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }
}
