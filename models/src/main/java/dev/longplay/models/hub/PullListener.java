package dev.longplay.models.hub;

/**
 * Hears how a pull goes, from the pulling thread. {@link #bytes} comes once per buffer written; listeners that
 * draw or send must throttle themselves.
 */
public interface PullListener {

    PullListener NONE = new PullListener() {
    };

    /** A repo resolved to a commit and the files it will fetch (total bytes, -1 if unknown). */
    default void planned(RepoRef ref, String commit, java.util.List<String> files, long totalBytes) {
    }

    /** A file begins; {@code from} bytes were already there (a resumed partial). */
    default void fileStarted(RepoRef ref, String path, long size, long from) {
    }

    default void bytes(RepoRef ref, String path, long done, long size) {
    }

    /** A file is in the snapshot; {@code cached}: it was already complete, nothing was downloaded. */
    default void fileDone(RepoRef ref, String path, boolean cached) {
    }

    /** Something worth telling the user (a resume, a retry, a text encoder fetched as its own repo). */
    default void note(String message) {
    }
}
