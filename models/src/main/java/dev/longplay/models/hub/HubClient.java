package dev.longplay.models.hub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Hub's HTTP protocol as huggingface_hub speaks it: the revision endpoint, HEAD on a file's resolve URL for
 * its commit, etag and size (relative redirects followed, an absolute one taken as the file host to download
 * from), and ranged GETs of the bytes. Errors become {@link HubException}s that say what to do.
 *
 * <p>It uses {@link HttpURLConnection} because its socket read timeout is exactly a stall timeout: a server that
 * stops sending mid-file fails the read after {@link HubEndpoint#stallTimeout()}, however long the whole file takes.
 * The token goes only to the Hub's own host, never to the file host a redirect names.
 */
public final class HubClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_REDIRECTS = 5;
    private static final int MAX_RATE_LIMIT_WAITS = 3;
    private static final long MAX_RETRY_AFTER_MS = 60_000;

    private final HubEndpoint hub;

    public HubClient(HubEndpoint hub) {
        this.hub = hub;
    }

    public HubEndpoint endpoint() {
        return hub;
    }

    /** {@code GET /api/models/{id}/revision/{rev}?blobs=true}: the commit and the file list. */
    public RevisionInfo revision(RepoRef ref) {
        URI uri = URI.create(hub.endpoint() + "/api/models/" + ref.repoId() + "/revision/" + encode(ref.revision()) + "?blobs=true");
        HttpURLConnection c = open(uri, "GET", -1, ref, "revision " + ref.revision());
        try (InputStream in = c.getInputStream()) {
            JsonNode body = JSON.readTree(in.readNBytes(16 << 20));
            String sha = body.path("sha").asText("");
            if (!sha.matches("[0-9a-f]{40}")) {
                throw new HubException(HubException.Reason.NETWORK, "the Hub's answer for " + ref + " has no commit sha");
            }
            List<RevisionInfo.Sibling> siblings = new ArrayList<>();
            for (JsonNode s : body.path("siblings")) {
                JsonNode lfs = s.path("lfs");
                siblings.add(new RevisionInfo.Sibling(s.path("rfilename").asText(),
                        lfs.isObject() ? lfs.path("size").asLong(-1) : s.path("size").asLong(-1),
                        lfs.isObject() ? lfs.path("sha256").asText(null) : null));
            }
            return new RevisionInfo(sha, siblings);
        } catch (IOException e) {
            throw network(uri, e);
        } finally {
            c.disconnect();
        }
    }

    /** HEAD on {@code {endpoint}/{id}/resolve/{revision}/{path}} with {@code Accept-Encoding: identity}. */
    public FileMetadata head(RepoRef ref, String path) {
        URI uri = resolveUri(ref, path);
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpURLConnection c = open(uri, "HEAD", -1, ref, path);
            try {
                int status = c.getResponseCode();
                String location = c.getHeaderField("Location");
                if (status / 100 == 3 && location != null && !URI.create(location).isAbsolute()) {
                    uri = uri.resolve(location); // a renamed repo: the Hub's own redirect, followed for HEAD
                    continue;
                }
                String commit = c.getHeaderField("X-Repo-Commit");
                String etag = normaliseEtag(firstNonNull(c.getHeaderField("X-Linked-Etag"), c.getHeaderField("ETag")));
                long size = parseLong(firstNonNull(c.getHeaderField("X-Linked-Size"), c.getHeaderField("Content-Length")));
                if (commit == null || !commit.matches("[0-9a-f]{40}") || etag == null || size < 0) {
                    throw new HubException(HubException.Reason.NETWORK, "the Hub's HEAD for " + ref.repoId() + "/" + path
                            + " lacks X-Repo-Commit, an etag or a size (is HF_ENDPOINT a Hugging Face Hub?)");
                }
                URI bytes = status / 100 == 3 && location != null ? URI.create(location) : uri;
                return new FileMetadata(commit, etag, size, bytes);
            } catch (IOException e) {
                throw network(uri, e);
            } finally {
                c.disconnect();
            }
        }
        throw new HubException(HubException.Reason.NETWORK, "too many redirects for " + ref.repoId() + "/" + path);
    }

    /**
     * Opens a GET of the bytes from {@code offset} on (a {@code Range} request when offset > 0), following
     * redirects to a file host; the caller reads the stream and checks the status (200 or 206).
     */
    public HttpURLConnection download(FileMetadata file, RepoRef ref, String path, long offset) {
        URI uri = file.location();
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            HttpURLConnection c = open(uri, "GET", offset, ref, path);
            try {
                int status = c.getResponseCode();
                String location = c.getHeaderField("Location");
                if (status / 100 == 3 && location != null) {
                    c.disconnect();
                    uri = uri.resolve(location);
                    continue;
                }
            } catch (IOException e) {
                c.disconnect();
                throw network(uri, e);
            }
            return c;
        }
        throw new HubException(HubException.Reason.NETWORK, "too many redirects downloading " + ref.repoId() + "/" + path);
    }

    /** The resolve URL of a file; each path segment percent-encoded. */
    public URI resolveUri(RepoRef ref, String path) {
        StringBuilder p = new StringBuilder();
        for (String seg : path.split("/")) {
            p.append('/').append(encode(seg));
        }
        return URI.create(hub.endpoint() + "/" + ref.repoId() + "/resolve/" + encode(ref.revision()) + p);
    }

    // One request, waiting out 429s (Retry-After) a few times, turning the Hub's error answers into HubExceptions.
    private HttpURLConnection open(URI uri, String method, long offset, RepoRef ref, String what) {
        for (int attempt = 0; ; attempt++) {
            HttpURLConnection c;
            int status;
            try {
                c = (HttpURLConnection) uri.toURL().openConnection();
                c.setInstanceFollowRedirects(false);
                c.setRequestMethod(method);
                c.setConnectTimeout(millis(hub.metadataTimeout()));
                c.setReadTimeout(millis(method.equals("GET") && offset >= 0 ? hub.stallTimeout() : hub.metadataTimeout()));
                c.setRequestProperty("User-Agent", "longplay/0.1; hf_hub-compatible");
                c.setRequestProperty("Accept-Encoding", "identity");
                if (offset > 0) {
                    c.setRequestProperty("Range", "bytes=" + offset + "-");
                }
                if (hub.token().isPresent() && sameHost(uri)) {
                    c.setRequestProperty("Authorization", "Bearer " + hub.token().get());
                }
                status = c.getResponseCode();
            } catch (IOException e) {
                throw network(uri, e);
            }
            if (status == 429 || (status == 503 && c.getHeaderField("Retry-After") != null)) {
                long wait = retryAfterMillis(c.getHeaderField("Retry-After"));
                c.disconnect();
                if (attempt >= MAX_RATE_LIMIT_WAITS) {
                    throw new HubException(HubException.Reason.NETWORK, "the Hub keeps answering " + status
                            + " (too many requests) for " + ref.repoId() + "; try again later");
                }
                sleep(wait);
                continue;
            }
            if (status >= 400) {
                HubException e = error(status, c, ref, what);
                c.disconnect();
                throw e;
            }
            return c;
        }
    }

    private HubException error(int status, HttpURLConnection c, RepoRef ref, String what) {
        String code = Objects.requireNonNullElse(c.getHeaderField("X-Error-Code"), "");
        String page = hub.modelPage(ref.repoId());
        if (code.equals("GatedRepo")) {
            return new HubException(HubException.Reason.GATED, "access to model " + ref.repoId() + " is restricted: it is gated. "
                    + "Visit " + page + " to accept its licence"
                    + (hub.token().isPresent() ? " with the account this token belongs to" : ", then set HF_TOKEN (or log in with the Hub's login command)")
                    + ", and pull again.");
        }
        if (code.equals("RepoNotFound")) {
            return new HubException(HubException.Reason.NOT_FOUND, "model " + ref.repoId() + " was not found on " + hub.endpoint()
                    + (hub.token().isPresent() ? "" : " (if it is private, set HF_TOKEN)"));
        }
        if (code.equals("RevisionNotFound")) {
            return new HubException(HubException.Reason.NOT_FOUND, "revision '" + ref.revision() + "' of " + ref.repoId() + " was not found");
        }
        if (code.equals("EntryNotFound") || status == 404) {
            return new HubException(HubException.Reason.NOT_FOUND, what.startsWith("revision ")
                    ? "model " + ref.repoId() + " (" + what + ") was not found on " + hub.endpoint()
                    : "file " + what + " was not found in " + ref);
        }
        if (status == 401 || status == 403) {
            return new HubException(HubException.Reason.UNAUTHORIZED, "the Hub refused access to " + ref.repoId() + " (HTTP " + status
                    + (hub.token().isPresent() ? "; check that HF_TOKEN or the login token is valid" : "; it may need a token: set HF_TOKEN")
                    + "). Model page: " + page);
        }
        return new HubException(HubException.Reason.NETWORK, "the Hub answered HTTP " + status + " for " + ref.repoId() + " " + what);
    }

    private boolean sameHost(URI uri) {
        URI hubUri = hub.endpoint();
        return Objects.equals(hubUri.getHost(), uri.getHost()) && hubUri.getPort() == uri.getPort()
                && Objects.equals(hubUri.getScheme(), uri.getScheme());
    }

    HubException network(URI uri, IOException e) {
        String where = uri.getScheme() + "://" + uri.getAuthority();
        if (e instanceof SocketTimeoutException) {
            return new HubException(HubException.Reason.TIMEOUT, where + " did not answer within "
                    + hub.metadataTimeout().toMillis() / 1000.0 + " s (HF_HUB_ETAG_TIMEOUT / HF_HUB_DOWNLOAD_TIMEOUT raise it)", e);
        }
        if (e instanceof ConnectException || e instanceof UnknownHostException) {
            return new HubException(HubException.Reason.NETWORK, "cannot reach " + where + " (" + e.getMessage()
                    + "); check the network or HF_ENDPOINT, or set HF_HUB_OFFLINE=1 to use the cache alone", e);
        }
        return new HubException(HubException.Reason.NETWORK, "talking to " + where + " failed: " + e, e);
    }

    /** Strips a weak marker and quotes; refuses an etag that could not safely name a blob file. */
    static String normaliseEtag(String raw) {
        if (raw == null) {
            return null;
        }
        String e = raw.trim();
        if (e.startsWith("W/")) {
            e = e.substring(2);
        }
        e = e.replace("\"", "");
        return e.matches("[A-Za-z0-9_-]{1,128}") ? e : null;
    }

    private static long retryAfterMillis(String header) {
        try {
            return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, (long) (Double.parseDouble(header.trim()) * 1000)));
        } catch (RuntimeException e) {
            return 1000;
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubException(HubException.Reason.NETWORK, "interrupted while waiting to retry");
        }
    }

    private static String firstNonNull(String a, String b) {
        return a != null ? a : b;
    }

    private static long parseLong(String s) {
        try {
            return s == null ? -1 : Long.parseLong(s.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static int millis(java.time.Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
