package dev.longplay.models.hub;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Hugging Face Hub on loopback, speaking the protocol huggingface_hub's client uses (as its file_download.py and
 * hf_api.py do): {@code GET /api/models/ID/revision/REV} with siblings (and {@code lfs} entries under
 * {@code ?blobs=true}); {@code HEAD|GET /ID/resolve/REV/PATH} answering {@code X-Repo-Commit}, {@code ETag} (git blob
 * sha1) for small files and for LFS files {@code X-Linked-Etag} (sha256) and {@code X-Linked-Size} with a 302 to a
 * separate file host; {@code X-Error-Code} GatedRepo / RepoNotFound / RevisionNotFound / EntryNotFound; 429 with
 * {@code Retry-After}. Raw sockets, so faults can be injected at the byte level: a cut connection, wrong bytes, a
 * stall, a server that is gone.
 */
public final class FakeHub implements AutoCloseable {

    public record Seen(String host, String method, String target, Map<String, String> headers) {
    }

    public record Repo(String id, String commit, Map<String, byte[]> files, boolean gated) {
    }

    public final List<Seen> requests = Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Repo> repos = new ConcurrentHashMap<>();
    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final Map<String, String> renamed = new ConcurrentHashMap<>();
    private final ServerSocket hub;
    private final ServerSocket cdn;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final List<Socket> open = Collections.synchronizedList(new ArrayList<>());

    public volatile String acceptedToken = "hf_granted";
    /** The file host closes the connection after this absolute offset, once (-1: never). */
    public final AtomicLong cutAtOnce = new AtomicLong(-1);
    /** The file host stops sending (keeps the socket open) at this absolute offset (-1: never). */
    public volatile long stallAt = -1;
    /** The file host flips a byte of everything it sends. */
    public volatile boolean corrupt;
    /** The file host sleeps this long per 8 KiB (to make downloads overlap). */
    public volatile int millisPer8k;
    /** The Hub reads requests and never answers. */
    public volatile boolean hubSilent;
    /** This many Hub requests answer 429 first. */
    public final AtomicInteger tooManyRequests = new AtomicInteger();

    public FakeHub() throws IOException {
        InetAddress lo = InetAddress.getLoopbackAddress();
        hub = new ServerSocket(0, 50, lo);
        cdn = new ServerSocket(0, 50, lo);
        accept(hub, "hub");
        accept(cdn, "cdn");
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + hub.getLocalPort());
    }

    public String addRepo(String id, Map<String, byte[]> files, boolean gated) {
        String commit = sha1Hex((id + files.keySet() + System.nanoTime()).getBytes(StandardCharsets.UTF_8));
        repos.put(id, new Repo(id, commit, new LinkedHashMap<>(files), gated));
        files.forEach((p, b) -> {
            if (lfs(p)) {
                blobs.put(sha256Hex(b), b);
            }
        });
        return commit;
    }

    public void rename(String oldId, String newId) {
        renamed.put(oldId, newId);
    }

    public List<Seen> seen(String host, String method) {
        synchronized (requests) {
            return requests.stream().filter(r -> r.host().equals(host) && r.method().equals(method)).toList();
        }
    }

    public static boolean lfs(String path) {
        return path.endsWith(".safetensors") || path.endsWith(".ckpt");
    }

    public static String sha256Hex(byte[] b) {
        return digest("SHA-256", b, null);
    }

    /** A git blob id: sha1 of "blob LEN\0" and the bytes. */
    public static String gitSha1(byte[] b) {
        return digest("SHA-1", b, ("blob " + b.length + "\0").getBytes(StandardCharsets.US_ASCII));
    }

    private static String sha1Hex(byte[] b) {
        return digest("SHA-1", b, null);
    }

    private static String digest(String alg, byte[] b, byte[] prefix) {
        try {
            MessageDigest d = MessageDigest.getInstance(alg);
            if (prefix != null) {
                d.update(prefix);
            }
            return HexFormat.of().formatHex(d.digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void accept(ServerSocket server, String name) {
        Thread t = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    open.add(s);
                    Thread h = new Thread(() -> serve(s, name), "fake-" + name + "-conn");
                    h.setDaemon(true);
                    h.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "fake-" + name);
        t.setDaemon(true);
        t.start();
    }

    private void serve(Socket s, String host) {
        try (s; InputStream in = new BufferedInputStream(s.getInputStream()); OutputStream out = s.getOutputStream()) {
            String line = readLine(in);
            if (line == null || line.isEmpty()) {
                return;
            }
            String[] parts = line.split(" ");
            Map<String, String> headers = new LinkedHashMap<>();
            for (String h; (h = readLine(in)) != null && !h.isEmpty(); ) {
                int c = h.indexOf(':');
                headers.put(h.substring(0, c).trim().toLowerCase(Locale.ROOT), h.substring(c + 1).trim());
            }
            requests.add(new Seen(host, parts[0], parts[1], headers));
            if (host.equals("hub")) {
                hub(parts[0], parts[1], headers, out);
            } else {
                cdn(parts[0], parts[1], headers, out);
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private void hub(String method, String target, Map<String, String> headers, OutputStream out) throws IOException {
        if (hubSilent) {
            awaitClose();
            return;
        }
        if (tooManyRequests.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            respond(out, 429, Map.of("Retry-After", "0"), new byte[0], method);
            return;
        }
        String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
        String query = target.contains("?") ? target.substring(target.indexOf('?') + 1) : "";
        List<String> segs = List.of(path.substring(1).split("/"));
        if (segs.size() >= 6 && segs.get(0).equals("api") && segs.get(1).equals("models") && segs.get(4).equals("revision")) {
            Repo repo = repos.get(segs.get(2) + "/" + segs.get(3));
            if (repo == null) {
                error(out, 401, "RepoNotFound", method);
                return;
            }
            String rev = URLDecoder.decode(String.join("/", segs.subList(5, segs.size())), StandardCharsets.UTF_8);
            if (!rev.equals("main") && !rev.equals(repo.commit())) {
                error(out, 404, "RevisionNotFound", method);
                return;
            }
            StringBuilder json = new StringBuilder("{\"id\":\"" + repo.id() + "\",\"sha\":\"" + repo.commit() + "\",\"siblings\":[");
            boolean first = true;
            for (var f : repo.files().entrySet()) {
                json.append(first ? "" : ",").append("{\"rfilename\":\"").append(f.getKey()).append('"');
                if (query.contains("blobs=true")) {
                    json.append(",\"size\":").append(f.getValue().length).append(",\"blobId\":\"").append(gitSha1(f.getValue())).append('"');
                    if (lfs(f.getKey())) {
                        json.append(",\"lfs\":{\"sha256\":\"").append(sha256Hex(f.getValue())).append("\",\"size\":")
                                .append(f.getValue().length).append(",\"pointerSize\":134}");
                    }
                }
                json.append('}');
                first = false;
            }
            json.append("]}");
            respond(out, 200, Map.of("Content-Type", "application/json"), json.toString().getBytes(StandardCharsets.UTF_8), method);
            return;
        }
        if (segs.size() >= 5 && segs.get(2).equals("resolve")) {
            String id = segs.get(0) + "/" + segs.get(1);
            if (renamed.containsKey(id)) {
                respond(out, 307, Map.of("Location", "/" + renamed.get(id) + path.substring(id.length() + 1)), new byte[0], method);
                return;
            }
            Repo repo = repos.get(id);
            if (repo == null) {
                error(out, 401, "RepoNotFound", method);
                return;
            }
            String rev = URLDecoder.decode(segs.get(3), StandardCharsets.UTF_8);
            if (!rev.equals("main") && !rev.equals(repo.commit())) {
                error(out, 404, "RevisionNotFound", method);
                return;
            }
            if (repo.gated() && !("Bearer " + acceptedToken).equals(headers.get("authorization"))) {
                error(out, headers.containsKey("authorization") ? 403 : 401, "GatedRepo", method);
                return;
            }
            String file = URLDecoder.decode(String.join("/", segs.subList(4, segs.size())), StandardCharsets.UTF_8);
            byte[] bytes = repo.files().get(file);
            if (bytes == null) {
                error(out, 404, "EntryNotFound", method);
                return;
            }
            Map<String, String> h = new LinkedHashMap<>();
            h.put("X-Repo-Commit", repo.commit());
            if (lfs(file)) {
                String sha = sha256Hex(bytes);
                h.put("X-Linked-Etag", "\"" + sha + "\"");
                h.put("X-Linked-Size", Long.toString(bytes.length));
                h.put("ETag", "\"" + gitSha1(bytes) + "\""); // the pointer file's id, which a client must not use
                h.put("Location", "http://127.0.0.1:" + cdn.getLocalPort() + "/repos/" + sha + "?X-Amz-Signature=x");
                respond(out, 302, h, new byte[0], method);
            } else {
                h.put("ETag", "W/\"" + gitSha1(bytes) + "\"");
                body(out, bytes, headers.get("range"), h, method, false);
            }
            return;
        }
        error(out, 404, null, method);
    }

    private void cdn(String method, String target, Map<String, String> headers, OutputStream out) throws IOException {
        String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
        byte[] bytes = path.startsWith("/repos/") ? blobs.get(path.substring("/repos/".length())) : null;
        if (bytes == null) {
            respond(out, 404, Map.of(), new byte[0], method);
            return;
        }
        body(out, bytes, headers.get("range"), new LinkedHashMap<>(), method, true);
    }

    // The bytes from the Range start on, with the file host's faults applied when faulty.
    private void body(OutputStream out, byte[] bytes, String range, Map<String, String> h, String method, boolean faulty) throws IOException {
        int from = 0;
        int status = 200;
        if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
            from = Integer.parseInt(range.substring(6, range.length() - 1));
            if (from >= bytes.length) {
                respond(out, 416, Map.of("Content-Range", "bytes */" + bytes.length), new byte[0], method);
                return;
            }
            status = 206;
            h.put("Content-Range", "bytes " + from + "-" + (bytes.length - 1) + "/" + bytes.length);
        }
        h.put("Content-Length", Integer.toString(bytes.length - from));
        head(out, status, h);
        if (method.equals("HEAD")) {
            return;
        }
        byte[] send = bytes.clone();
        if (faulty && corrupt) {
            send[send.length / 2] ^= 0x5a;
        }
        long cut = faulty ? cutAtOnce.get() : -1;
        long stall = faulty ? stallAt : -1;
        for (int pos = from; pos < send.length; ) {
            int end = Math.min(send.length, pos + 8192);
            if (cut >= pos && cut < end && cutAtOnce.compareAndSet(cut, -1)) {
                out.write(send, pos, (int) cut - pos);
                out.flush();
                return; // the socket closes mid-body
            }
            if (stall >= pos && stall < end) {
                out.write(send, pos, (int) stall - pos);
                out.flush();
                awaitClose();
                return;
            }
            out.write(send, pos, end - pos);
            pos = end;
            if (millisPer8k > 0) {
                out.flush();
                sleep(millisPer8k);
            }
        }
        out.flush();
    }

    private void error(OutputStream out, int status, String code, String method) throws IOException {
        Map<String, String> h = new LinkedHashMap<>();
        if (code != null) {
            h.put("X-Error-Code", code);
            h.put("X-Error-Message", code.equals("GatedRepo") ? "Access to this model is restricted." : code);
        }
        respond(out, status, h, ("{\"error\":\"" + code + "\"}").getBytes(StandardCharsets.UTF_8), method);
    }

    private static void respond(OutputStream out, int status, Map<String, String> headers, byte[] body, String method) throws IOException {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.putIfAbsent("Content-Length", Integer.toString(body.length));
        head(out, status, h);
        if (!method.equals("HEAD")) {
            out.write(body);
        }
        out.flush();
    }

    private static void head(OutputStream out, int status, Map<String, String> headers) throws IOException {
        StringBuilder sb = new StringBuilder("HTTP/1.1 " + status + " X\r\nConnection: close\r\n");
        headers.forEach((k, v) -> sb.append(k).append(": ").append(v).append("\r\n"));
        out.write(sb.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                b.write(c);
            }
        }
        return c < 0 && b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }

    private void awaitClose() {
        try {
            closed.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(int ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops both hosts and drops every open connection: the server is gone. */
    @Override
    public void close() throws IOException {
        closed.countDown();
        hub.close();
        cdn.close();
        synchronized (open) {
            for (Socket s : open) {
                s.close();
            }
        }
    }
}
