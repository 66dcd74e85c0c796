package dev.longplay.models.hub;

import java.util.List;
import java.util.Optional;

/**
 * What the Hub's revision endpoint says about a repo at a revision: the commit it resolves to and the files in it
 * (with {@code ?blobs=true}: sizes, and for LFS files the sha256).
 */
public record RevisionInfo(String commit, List<Sibling> siblings) {

    /** One file of the repo; size is -1 and lfsSha256 null where the Hub did not say. */
    public record Sibling(String path, long size, String lfsSha256) {
    }

    public boolean has(String path) {
        return siblings.stream().anyMatch(s -> s.path().equals(path));
    }

    public Optional<Sibling> sibling(String path) {
        return siblings.stream().filter(s -> s.path().equals(path)).findFirst();
    }
}
