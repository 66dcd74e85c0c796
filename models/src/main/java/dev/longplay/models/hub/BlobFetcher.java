package dev.longplay.models.hub;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Brings one blob into the cache: bytes are appended to {@code ETAG.incomplete} while a SHA-256 (LFS files) or git
 * blob SHA-1 (others) is computed over them, a cut connection resumes with {@code Range: bytes=N-}, and only bytes
 * of the announced size and hash are renamed to {@code blobs/ETAG}; anything else is deleted and refused. An
 * interrupted pull (Ctrl-C) leaves the partial for the next pull to resume.
 *
 * <p>One writer per blob: an in-process lock (file locks are per process) and a file lock on the
 * huggingface_hub lock path (other processes), held from the check for the blob to its rename.
 */
final class BlobFetcher {

    private static final int BUFFER = 1 << 16;
    /** Resumes after a cut or stall, as long as each try brought new bytes. */
    private static final int MAX_RESUMES = 5;
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private final HubClient client;
    private final HubCache cache;

    BlobFetcher(HubClient client, HubCache cache) {
        this.client = client;
        this.cache = cache;
    }

    /** Returns true when the blob was already complete (nothing downloaded). */
    boolean fetch(RepoRef ref, String path, FileMetadata meta, PullListener listener) {
        Path blob = cache.blob(ref, meta.etag());
        if (complete(blob, meta.size())) {
            return true;
        }
        Path lockPath = cache.lockFile(ref, meta.etag());
        ReentrantLock local = IN_PROCESS.computeIfAbsent(lockPath.toAbsolutePath().normalize(), k -> new ReentrantLock());
        local.lock();
        try {
            Files.createDirectories(lockPath.getParent());
            Files.createDirectories(blob.getParent());
            try (FileChannel lockChannel = FileChannel.open(lockPath, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockChannel.lock()) {
                if (complete(blob, meta.size())) {
                    return true; // another pull finished it while we waited
                }
                download(ref, path, meta, blob, listener);
                return false;
            }
        } catch (IOException e) {
            throw new HubException(HubException.Reason.CACHE, "cannot write the cache at " + blob.getParent() + ": " + e.getMessage(), e);
        } finally {
            local.unlock();
        }
    }

    private static boolean complete(Path blob, long size) {
        try {
            return Files.isRegularFile(blob) && Files.size(blob) == size;
        } catch (IOException e) {
            return false;
        }
    }

    private void download(RepoRef ref, String path, FileMetadata meta, Path blob, PullListener listener) throws IOException {
        Path part = cache.incomplete(ref, meta.etag());
        long have = Files.isRegularFile(part) ? Files.size(part) : 0;
        if (have > meta.size()) {
            Files.delete(part); // longer than the file can be: not a partial of it
            have = 0;
        }
        MessageDigest digest = newDigest(meta);
        if (have > 0) {
            hashExisting(part, digest);
            listener.note("resuming " + path + " from " + have + " of " + meta.size() + " bytes");
        }
        listener.fileStarted(ref, path, meta.size(), have);
        int resumes = 0;
        while (have < meta.size()) {
            long before = have;
            try {
                have = transfer(ref, path, meta, part, have, digest, listener);
            } catch (HubException e) {
                throw e;
            } catch (IOException e) {
                have = Files.isRegularFile(part) ? Files.size(part) : 0;
                boolean progressed = have > before;
                if (!progressed || ++resumes > MAX_RESUMES) {
                    String why = e instanceof SocketTimeoutException
                            ? "the server stopped sending for " + client.endpoint().stallTimeout().toMillis() / 1000.0
                              + " s (HF_HUB_DOWNLOAD_TIMEOUT raises the limit)"
                            : "the connection failed: " + e.getMessage();
                    throw new HubException(e instanceof SocketTimeoutException ? HubException.Reason.TIMEOUT : HubException.Reason.NETWORK,
                            "downloading " + ref.repoId() + "/" + path + " stopped at " + have + " of " + meta.size() + " bytes: " + why
                                    + ". The partial file is kept; run the same pull again to resume.", e);
                }
                listener.note("connection lost at " + have + " bytes of " + path + "; resuming");
                // the digest already holds exactly the bytes in the file: transfer updates it only after each write
            }
        }
        byte[] got = digest.digest();
        String hex = HexFormat.of().formatHex(got);
        long size = Files.size(part);
        if (size != meta.size() || ((meta.sha256() || meta.gitSha1()) && !hex.equals(meta.etag()))) {
            Files.deleteIfExists(part);
            throw new HubException(HubException.Reason.INTEGRITY, "refused " + ref.repoId() + "/" + path + ": the bytes received ("
                    + size + " bytes, " + (meta.sha256() ? "sha256 " : "sha1 ") + hex + ") do not match what the Hub announced ("
                    + meta.size() + " bytes, " + meta.etag() + "). Nothing was kept; pull again, and if it repeats, the server or a proxy is corrupting the file.");
        }
        try {
            Files.move(part, blob, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(part, blob, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    // One GET from `have` on; returns the new length. Throws IOException for a cut or stalled transfer.
    private long transfer(RepoRef ref, String path, FileMetadata meta, Path part, long have, MessageDigest digest,
                          PullListener listener) throws IOException {
        HttpURLConnection c = client.download(meta, ref, path, have);
        try {
            int status = c.getResponseCode();
            if (status == 416 && have == meta.size()) {
                return have;
            }
            if (status == 200 && have > 0) {
                // the server ignored the Range: start over from the first byte
                listener.note("the server does not resume; restarting " + path);
                Files.delete(part);
                digest.reset();
                if (meta.gitSha1()) {
                    digest.update(("blob " + meta.size() + "\0").getBytes(StandardCharsets.US_ASCII));
                }
                have = 0;
            } else if (status == 206) {
                String range = c.getHeaderField("Content-Range");
                if (range == null || !range.trim().startsWith("bytes " + have + "-")) {
                    throw new HubException(HubException.Reason.NETWORK, "the server answered the range request for " + path
                            + " with the wrong range (" + range + ")");
                }
            } else if (status != 200) {
                throw new HubException(HubException.Reason.NETWORK, "downloading " + ref.repoId() + "/" + path + " got HTTP " + status);
            }
            try (InputStream in = c.getInputStream();
                 FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
                byte[] buf = new byte[BUFFER];
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (have + n > meta.size()) {
                        throw new HubException(HubException.Reason.INTEGRITY, deleteAndSay(part, ref, path, meta));
                    }
                    ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                    while (bb.hasRemaining()) {
                        out.write(bb);
                    }
                    digest.update(buf, 0, n);
                    have += n;
                    listener.bytes(ref, path, have, meta.size());
                }
                out.force(false);
            }
            if (have < meta.size()) {
                throw new IOException("the server closed the connection early");
            }
            return have;
        } finally {
            c.disconnect();
        }
    }

    private static String deleteAndSay(Path part, RepoRef ref, String path, FileMetadata meta) {
        try {
            Files.deleteIfExists(part);
        } catch (IOException ignored) {
            // the refusal below is what matters
        }
        return "refused " + ref.repoId() + "/" + path + ": the server sent more than the " + meta.size()
                + " bytes the Hub announced. Nothing was kept.";
    }

    private static MessageDigest newDigest(FileMetadata meta) {
        try {
            if (meta.gitSha1()) {
                // a git blob id: sha1 over "blob <size>\0" and the content
                MessageDigest d = MessageDigest.getInstance("SHA-1");
                d.update(("blob " + meta.size() + "\0").getBytes(StandardCharsets.US_ASCII));
                return d;
            }
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void hashExisting(Path part, MessageDigest digest) throws IOException {
        try (InputStream in = Files.newInputStream(part)) {
            byte[] buf = new byte[BUFFER];
            int n;
            while ((n = in.read(buf)) > 0) {
                digest.update(buf, 0, n);
            }
        }
    }
}
