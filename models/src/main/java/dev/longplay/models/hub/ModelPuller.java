package dev.longplay.models.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.longplay.models.weights.ModelLocator;
import dev.longplay.models.weights.TextEncoderNeed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code longplay pull}: resolves a repo's revision to a commit, fetches what {@link PullPlan} names into the Hub
 * cache (blobs verified before any snapshot link points at them), records the ref, and pulls the text encoders the
 * model's config names that the repo does not ship. With {@code HF_HUB_OFFLINE} set it touches no network and
 * only checks that the cache already holds everything.
 */
public final class ModelPuller {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** A finished pull: the commit, its snapshot folder, bytes actually downloaded, and the encoders pulled with it. */
    public record Result(RepoRef ref, String commit, Path snapshot, long downloadedBytes, List<Result> encoders) {
    }

    private final HubClient client;
    private final HubCache cache;
    private final BlobFetcher fetcher;

    public ModelPuller(HubEndpoint endpoint, HubCache cache) {
        this.client = new HubClient(endpoint);
        this.cache = cache;
        this.fetcher = new BlobFetcher(client, cache);
    }

    public static ModelPuller fromEnvironment() {
        return new ModelPuller(HubEndpoint.fromEnvironment(), HubCache.fromEnvironment());
    }

    public HubCache cache() {
        return cache;
    }

    public Result pull(RepoRef ref, PullListener listener) {
        return client.endpoint().offline() ? offline(ref, true) : online(ref, listener, true);
    }

    private Result online(RepoRef ref, PullListener listener, boolean asModel) {
        RevisionInfo info = client.revision(ref);
        String commit = info.commit();
        RepoRef pinned = new RepoRef(ref.repoId(), commit);
        long[] downloaded = {0};
        PullPlan plan;
        if (asModel && info.has("model_config.json")) {
            fetchOne(ref, pinned, "model_config.json", listener, downloaded);
            plan = PullPlan.forModel(ref, info, readJson(cache.snapshotFile(ref, commit, "model_config.json")));
        } else {
            plan = PullPlan.forEncoder(ref, info);
        }
        for (String f : plan.files()) {
            cache.snapshotFile(ref, commit, f); // refuses a path that would leave the snapshot, before any byte is fetched
        }
        long total = 0;
        for (String f : plan.files()) {
            long size = info.sibling(f).map(RevisionInfo.Sibling::size).orElse(-1L);
            total = total < 0 || size < 0 ? -1 : total + size;
        }
        listener.planned(ref, commit, plan.files(), total);
        for (String f : plan.files()) {
            if (!f.equals("model_config.json") || !asModel) {
                fetchOne(ref, pinned, f, listener, downloaded);
            }
        }
        cache.writeRef(ref, commit);
        List<Result> encoders = new ArrayList<>();
        for (RepoRef enc : plan.encoders()) {
            listener.note(ref.repoId() + " does not ship its text encoder; pulling " + enc.repoId() + " as its own repo");
            encoders.add(online(enc, listener, false));
        }
        return new Result(ref, commit, cache.snapshotDir(ref, commit), downloaded[0], List.copyOf(encoders));
    }

    private void fetchOne(RepoRef ref, RepoRef pinned, String path, PullListener listener, long[] downloaded) {
        FileMetadata meta = client.head(pinned, path);
        boolean cached = fetcher.fetch(ref, path, meta, listener);
        if (!cached) {
            downloaded[0] += meta.size();
        }
        cache.link(ref, pinned.revision(), path, meta.etag());
        listener.fileDone(ref, path, cached);
    }

    // HF_HUB_OFFLINE: the cache must already hold the model and every encoder it needs from elsewhere
    private Result offline(RepoRef ref, boolean asModel) {
        String commit = cache.cachedCommit(ref).orElseThrow(() -> new HubException(HubException.Reason.OFFLINE,
                "HF_HUB_OFFLINE is set and " + ref + " is not in the cache (looked in " + cache.repoDir(ref) + "); unset it to download"));
        Path snapshot = cache.snapshotDir(ref, commit);
        List<Result> encoders = new ArrayList<>();
        Path config = snapshot.resolve("model_config.json");
        if (asModel && Files.isRegularFile(config)) {
            for (TextEncoderNeed need : TextEncoderNeed.read(config)) {
                if (!Files.isDirectory(snapshot.resolve(need.subfolder()))) {
                    encoders.add(offline(RepoRef.parse(need.repoId()), false));
                }
            }
        } else if (!Files.isRegularFile(snapshot.resolve("config.json"))) {
            throw new HubException(HubException.Reason.OFFLINE, "HF_HUB_OFFLINE is set and the cached snapshot " + snapshot
                    + " is incomplete (no model_config.json or config.json); unset it to download");
        }
        return new Result(ref, commit, snapshot, 0, List.copyOf(encoders));
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new HubException(HubException.Reason.INTEGRITY, "the repo's " + file.getFileName() + " is not JSON: " + e.getMessage(), e);
        }
    }

    /** The cache root as {@link ModelLocator} sees it, for messages. */
    public ModelLocator locator() {
        return new ModelLocator(cache.root());
    }
}
