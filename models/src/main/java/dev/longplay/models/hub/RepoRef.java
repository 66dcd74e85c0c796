package dev.longplay.models.hub;

import java.util.regex.Pattern;

/**
 * A model repository on the Hub at a revision: {@code ORG/NAME[@REVISION]} (a branch, tag or commit; {@code main}
 * when left out). The id's characters are those the Hub allows, so an id can never name a path outside the cache.
 */
public record RepoRef(String repoId, String revision) {

    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,95}/[A-Za-z0-9][A-Za-z0-9_.-]{0,95}");
    private static final Pattern REVISION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_./-]{0,199}");

    public RepoRef {
        if (!ID.matcher(repoId).matches() || repoId.contains("..")) {
            throw new IllegalArgumentException("not a Hugging Face model id: '" + repoId + "' (expected ORG/NAME)");
        }
        if (!REVISION.matcher(revision).matches() || revision.contains("..")) {
            throw new IllegalArgumentException("not a revision: '" + revision + "' (a branch, tag or commit)");
        }
    }

    /** Parses {@code ORG/NAME} or {@code ORG/NAME@REVISION}. */
    public static RepoRef parse(String text) {
        int at = text.indexOf('@');
        return at < 0 ? new RepoRef(text, "main") : new RepoRef(text.substring(0, at), text.substring(at + 1));
    }

    /** The cache folder name huggingface_hub uses: {@code models--ORG--NAME}. */
    public String cacheFolder() {
        return "models--" + repoId.replace("/", "--");
    }

    /** True when the revision is a full commit sha (then no ref file is written for it). */
    public boolean isCommit() {
        return revision.matches("[0-9a-f]{40}");
    }

    @Override
    public String toString() {
        return revision.equals("main") ? repoId : repoId + "@" + revision;
    }
}
