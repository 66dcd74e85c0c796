package dev.longplay.models.hub;

import dev.longplay.models.weights.ModelLocator;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The Hub cache as huggingface_hub lays it out, so that either tool reuses what the other fetched:
 * {@code models--ORG--NAME/blobs/ETAG} holds the bytes (ETAG: the sha256 for LFS files, the git blob sha1 for
 * others), {@code snapshots/COMMIT/PATH} are relative symlinks to {@code ../../blobs/ETAG} (one more {@code ../}
 * per folder level), {@code refs/REVISION} holds the commit a branch or tag pointed at when last pulled, and
 * downloads grow in {@code blobs/ETAG.incomplete} under the lock {@code .locks/models--ORG--NAME/ETAG.lock}.
 * Invariant: a snapshot link exists only for a blob that is complete and verified.
 */
public final class HubCache {

    private final Path root;

    public HubCache(Path root) {
        this.root = root;
    }

    /** The cache the environment names: {@code HF_HUB_CACHE}, else {@code $HF_HOME/hub}, else {@code ~/.cache/huggingface/hub}. */
    public static HubCache fromEnvironment() {
        return new HubCache(ModelLocator.fromEnvironment().hubCache());
    }

    public Path root() {
        return root;
    }

    public Path repoDir(RepoRef ref) {
        return root.resolve(ref.cacheFolder());
    }

    public Path blob(RepoRef ref, String etag) {
        return repoDir(ref).resolve("blobs").resolve(etag);
    }

    public Path incomplete(RepoRef ref, String etag) {
        return repoDir(ref).resolve("blobs").resolve(etag + ".incomplete");
    }

    public Path lockFile(RepoRef ref, String etag) {
        return root.resolve(".locks").resolve(ref.cacheFolder()).resolve(etag + ".lock");
    }

    public Path snapshotDir(RepoRef ref, String commit) {
        return repoDir(ref).resolve("snapshots").resolve(commit);
    }

    /** The snapshot file a repo path maps to, refusing paths that would leave the snapshot folder. */
    public Path snapshotFile(RepoRef ref, String commit, String path) {
        Path dir = snapshotDir(ref, commit);
        Path p = dir.resolve(path).normalize();
        if (path.startsWith("/") || path.contains("\\") || path.contains("..") || !p.startsWith(dir) || p.equals(dir)) {
            throw new HubException(HubException.Reason.NETWORK, "refusing the repo path '" + path + "': it leaves the snapshot folder");
        }
        return p;
    }

    /**
     * Points {@code snapshots/COMMIT/PATH} at the blob with a relative link, replacing any earlier link. The link is
     * made under a unique name and renamed into place, so pulls of one repo that finish together (another process,
     * or huggingface_hub) both succeed and a reader never sees the path missing.
     */
    public void link(RepoRef ref, String commit, String path, String etag) {
        Path file = snapshotFile(ref, commit, path);
        Path target = file.getParent().relativize(blob(ref, etag));
        Path fresh = file.resolveSibling("." + file.getFileName() + "." + java.util.UUID.randomUUID() + ".link");
        try {
            Files.createDirectories(file.getParent());
            Files.createSymbolicLink(fresh, target);
            Files.move(fresh, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            try {
                Files.deleteIfExists(fresh);
            } catch (IOException ignored) {
                // the link error below is the one worth reporting
            }
            throw new HubException(HubException.Reason.CACHE, "cannot link " + file + " to its blob: " + e.getMessage(), e);
        }
    }

    /** Records that {@code revision} (a branch or tag) pointed at {@code commit}; commits themselves get no ref. */
    public void writeRef(RepoRef ref, String commit) {
        if (ref.isCommit()) {
            return;
        }
        Path file = repoDir(ref).resolve("refs").resolve(ref.revision()).normalize();
        if (!file.startsWith(repoDir(ref).resolve("refs"))) {
            throw new HubException(HubException.Reason.CACHE, "refusing the revision '" + ref.revision() + "'");
        }
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".ref", ".tmp");
            Files.writeString(tmp, commit);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new HubException(HubException.Reason.CACHE, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** The commit a revision resolves to in the cache alone: a commit itself if its snapshot exists, else its ref file. */
    public Optional<String> cachedCommit(RepoRef ref) {
        if (ref.isCommit()) {
            return Files.isDirectory(snapshotDir(ref, ref.revision())) ? Optional.of(ref.revision()) : Optional.empty();
        }
        Path file = repoDir(ref).resolve("refs").resolve(ref.revision()).normalize();
        try {
            if (file.startsWith(repoDir(ref).resolve("refs")) && Files.isRegularFile(file)) {
                String commit = Files.readString(file).trim();
                if (commit.matches("[0-9a-f]{40}") && Files.isDirectory(snapshotDir(ref, commit))) {
                    return Optional.of(commit);
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }
}
