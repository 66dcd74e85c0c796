package dev.longplay.models.hub;

import java.net.URI;

/**
 * What a HEAD on a file's resolve URL says: the commit, the etag that names the blob in the cache (the sha256 for
 * LFS files, the git blob sha1 for others), the size, and where the bytes are (the Hub itself or a file host it
 * redirects to).
 */
public record FileMetadata(String commit, String etag, long size, URI location) {

    /** True when the etag is a sha256 (LFS) the bytes can be checked against. */
    public boolean sha256() {
        return etag.matches("[0-9a-f]{64}");
    }

    /** True when the etag is a git blob sha1 the bytes can be checked against. */
    public boolean gitSha1() {
        return etag.matches("[0-9a-f]{40}");
    }
}
