package dev.longplay.models.hub;

import dev.longplay.models.weights.ModelFiles;
import dev.longplay.models.weights.ModelLocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code longplay pull} against a Hub on loopback, with the faults a real network has. */
class HubPullTest {

    static final String SMALL = "stabilityai/stable-audio-open-small";
    static final String T5 = "google-t5/t5-base";
    static final byte[] CONFIG = ("{\"model_type\":\"diffusion_cond\",\"sample_rate\":44100,\"sample_size\":524288,"
            + "\"model\":{\"conditioning\":{\"configs\":[{\"id\":\"prompt\",\"type\":\"t5\",\"config\":{\"t5_model_name\":\"t5-base\","
            + "\"max_length\":64}},{\"id\":\"seconds_total\",\"type\":\"number\",\"config\":{}}],\"cond_dim\":768}}}")
            .getBytes(StandardCharsets.UTF_8);

    private final FakeHub hub;
    private final byte[] ckpt = random(300_000, 1);
    private final byte[] t5Weights = random(200_000, 2);

    HubPullTest() throws IOException {
        hub = new FakeHub();
    }

    @AfterEach
    void stop() throws IOException {
        hub.close();
    }

    static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private String addSmall(boolean gated) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("README.md", "# SAO small".getBytes(StandardCharsets.UTF_8));
        files.put("model_config.json", CONFIG);
        files.put("model.ckpt", ckpt);
        files.put("sao_small_demo.wav", random(1000, 9)); // not needed to run: not fetched
        return hub.addRepo(SMALL, files, gated);
    }

    private String addT5() {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("config.json", "{\"d_model\":768}".getBytes(StandardCharsets.UTF_8));
        files.put("model.safetensors", t5Weights);
        files.put("tokenizer.json", "{\"model\":{}}".getBytes(StandardCharsets.UTF_8));
        files.put("spiece.model", random(5000, 3));
        files.put("pytorch_model.bin", random(100, 4)); // the pickle twin: not fetched
        return hub.addRepo(T5, files, false);
    }

    private ModelPuller puller(Path cache, String token, long stallMillis) {
        return new ModelPuller(new HubEndpoint(hub.endpoint(), Optional.ofNullable(token), Duration.ofSeconds(5),
                Duration.ofMillis(stallMillis), false), new HubCache(cache));
    }

    private ModelPuller puller(Path cache) {
        return puller(cache, "hf_granted", 5000);
    }

    @Test
    void pullsTheModelAndTheT5ItNamesIntoTheHuggingFaceHubLayout(@TempDir Path cache) throws Exception {
        String commit = addSmall(false);
        String t5Commit = addT5();
        ModelPuller.Result r = puller(cache).pull(RepoRef.parse(SMALL), PullListener.NONE);

        assertEquals(commit, r.commit());
        Path repo = cache.resolve("models--stabilityai--stable-audio-open-small");
        assertEquals(commit, Files.readString(repo.resolve("refs/main")));
        Path snap = repo.resolve("snapshots").resolve(commit);
        assertEquals(List.of("model.ckpt", "model_config.json"), list(snap));
        // LFS files are named by their sha256, others by their git blob sha1; links are relative
        Path ckptLink = snap.resolve("model.ckpt");
        assertTrue(Files.isSymbolicLink(ckptLink));
        assertEquals(Path.of("../../blobs/" + FakeHub.sha256Hex(ckpt)), Files.readSymbolicLink(ckptLink));
        assertEquals(Path.of("../../blobs/" + FakeHub.gitSha1(CONFIG)), Files.readSymbolicLink(snap.resolve("model_config.json")));
        assertArrayEquals(ckpt, Files.readAllBytes(ckptLink));
        assertEquals(List.of(FakeHub.sha256Hex(ckpt), FakeHub.gitSha1(CONFIG)).stream().sorted().toList(), list(repo.resolve("blobs")));

        // the T5 the config names, under its Hub id (t5-base is the alias of google-t5/t5-base)
        assertEquals(1, r.encoders().size());
        Path t5 = cache.resolve("models--google-t5--t5-base/snapshots").resolve(t5Commit);
        assertEquals(List.of("config.json", "model.safetensors", "spiece.model", "tokenizer.json"), list(t5));
        assertArrayEquals(t5Weights, Files.readAllBytes(t5.resolve("model.safetensors")));

        // what the loader then sees: the snapshot by id, and the cached T5 for the folder that lacks text_encoder/
        ModelFiles files = new ModelLocator(cache).locate(SMALL);
        assertEquals(snap, files.dir());
        assertEquals(t5, files.textEncoder("prompt").encoder());
        assertEquals(t5, files.textEncoder("prompt").tokenizer());

        // the token went to the Hub, never to the file host
        assertTrue(hub.seen("hub", "HEAD").stream().allMatch(s -> "Bearer hf_granted".equals(s.headers().get("authorization"))));
        assertFalse(hub.seen("cdn", "GET").isEmpty());
        assertTrue(hub.seen("cdn", "GET").stream().noneMatch(s -> s.headers().containsKey("authorization")));
        assertTrue(hub.seen("hub", "HEAD").stream().allMatch(s -> "identity".equals(s.headers().get("accept-encoding"))));
        assertNoPartials(cache);
    }

    @Test
    void aSecondPullDownloadsNothing(@TempDir Path cache) {
        addSmall(false);
        addT5();
        puller(cache).pull(RepoRef.parse(SMALL), PullListener.NONE);
        int gets = hub.seen("cdn", "GET").size() + hub.seen("hub", "GET").size();
        ModelPuller.Result again = puller(cache).pull(RepoRef.parse(SMALL), PullListener.NONE);
        assertEquals(0, again.downloadedBytes());
        // only the two revision look-ups (model, T5) are new GETs; no bytes are fetched again
        assertEquals(gets + 2, hub.seen("cdn", "GET").size() + hub.seen("hub", "GET").size());
    }

    @Test
    void nestedFilesGetDeeperRelativeLinks(@TempDir Path cache) throws Exception {
        byte[] enc = random(50_000, 5);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("model_config.json", CONFIG);
        files.put("model.safetensors", ckpt);
        files.put("model.ckpt", random(10, 6)); // safetensors present: the pickle is not fetched
        files.put("text_encoder/config.json", "{}".getBytes(StandardCharsets.UTF_8));
        files.put("text_encoder/model.safetensors", enc);
        files.put("tokenizer/tokenizer.json", "{}".getBytes(StandardCharsets.UTF_8));
        String commit = hub.addRepo("org/with-encoder", files, false);
        ModelPuller.Result r = puller(cache).pull(RepoRef.parse("org/with-encoder"), PullListener.NONE);
        assertTrue(r.encoders().isEmpty(), "the repo ships its encoder: nothing else is pulled");
        Path snap = cache.resolve("models--org--with-encoder/snapshots").resolve(commit);
        assertEquals(Path.of("../../../blobs/" + FakeHub.sha256Hex(enc)), Files.readSymbolicLink(snap.resolve("text_encoder/model.safetensors")));
        assertFalse(Files.exists(snap.resolve("model.ckpt")));
        assertEquals(snap.resolve("text_encoder"), new ModelLocator(cache).locate("org/with-encoder").textEncoder("prompt").encoder());
    }

    @Test
    void aRepoPathThatWouldLeaveTheSnapshotIsRefusedBeforeAnyDownload(@TempDir Path cache) throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("model_config.json", CONFIG);
        files.put("model.safetensors", ckpt);
        files.put("text_encoder/../../../../escaped.safetensors", random(100, 8));
        hub.addRepo("evil/model", files, false);
        HubException e = assertThrows(HubException.class, () -> puller(cache).pull(RepoRef.parse("evil/model"), PullListener.NONE));
        assertTrue(e.getMessage().contains("leaves the snapshot folder"), e.getMessage());
        assertTrue(hub.seen("cdn", "GET").isEmpty(), "no weights were fetched");
        try (Stream<Path> all = Files.walk(cache)) { // the path would land at the cache root
            assertTrue(all.noneMatch(p -> p.getFileName().toString().startsWith("escaped")));
        }
    }

    @Test
    void aConnectionCutMidFileResumesWithARangeRequest(@TempDir Path cache) throws Exception {
        addSmall(false);
        addT5();
        hub.cutAtOnce.set(100_000);
        ModelPuller.Result r = puller(cache).pull(RepoRef.parse(SMALL), PullListener.NONE);
        assertArrayEquals(ckpt, Files.readAllBytes(r.snapshot().resolve("model.ckpt")));
        assertTrue(hub.seen("cdn", "GET").stream().anyMatch(s -> "bytes=100000-".equals(s.headers().get("range"))),
                "the second try asked for the rest only: " + hub.requests);
        assertNoPartials(cache);
    }

    @Test
    void wrongBytesAreRefusedAndLeaveNothingInTheSnapshot(@TempDir Path cache) throws Exception {
        String commit = addSmall(false);
        addT5();
        hub.corrupt = true;
        HubException e = assertThrows(HubException.class, () -> puller(cache).pull(RepoRef.parse(SMALL), PullListener.NONE));
        assertEquals(HubException.Reason.INTEGRITY, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("model.ckpt") && e.getMessage().contains(FakeHub.sha256Hex(ckpt)), e.getMessage());
        Path repo = cache.resolve("models--stabilityai--stable-audio-open-small");
        assertFalse(Files.exists(repo.resolve("snapshots").resolve(commit).resolve("model.ckpt")));
        assertFalse(Files.exists(repo.resolve("blobs").resolve(FakeHub.sha256Hex(ckpt))));
        assertFalse(Files.exists(repo.resolve("refs/main")), "a failed pull records no ref");
        assertNoPartials(cache);
        assertThrows(RuntimeException.class, () -> new ModelLocator(cache).locate(SMALL).textEncoder("prompt"));
    }

    @Test
    void aStalledServerTimesOutWithAClearErrorAndTheNextPullResumes(@TempDir Path cache) throws Exception {
        addSmall(false);
        addT5();
        hub.stallAt = 120_000;
        long t0 = System.nanoTime();
        HubException e = assertThrows(HubException.class, () -> puller(cache, null, 400).pull(RepoRef.parse(SMALL), PullListener.NONE));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(HubException.Reason.TIMEOUT, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("stopped sending") && e.getMessage().contains("resume"), e.getMessage());
        assertTrue(seconds < 10, "gave up after " + seconds + " s");
        // as after Ctrl-C: the partial stays, and the next pull asks only for the rest
        Path part = cache.resolve("models--stabilityai--stable-audio-open-small/blobs/" + FakeHub.sha256Hex(ckpt) + ".incomplete");
        assertEquals(120_000, Files.size(part));
        hub.stallAt = -1;
        hub.requests.clear();
        ModelPuller.Result r = puller(cache).pull(RepoRef.parse(SMALL), PullListener.NONE);
        assertArrayEquals(ckpt, Files.readAllBytes(r.snapshot().resolve("model.ckpt")));
        assertEquals(List.of("bytes=120000-"), hub.seen("cdn", "GET").stream()
                .filter(s -> s.target().contains(FakeHub.sha256Hex(ckpt))).map(s -> s.headers().get("range")).toList());
    }

    @Test
    void aHubThatNeverAnswersTimesOut(@TempDir Path cache) {
        addSmall(false);
        hub.hubSilent = true;
        ModelPuller p = new ModelPuller(new HubEndpoint(hub.endpoint(), Optional.empty(), Duration.ofMillis(400),
                Duration.ofMillis(400), false), new HubCache(cache));
        long t0 = System.nanoTime();
        HubException e = assertThrows(HubException.class, () -> p.pull(RepoRef.parse(SMALL), PullListener.NONE));
        assertEquals(HubException.Reason.TIMEOUT, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("did not answer") && e.getMessage().contains("HF_HUB_ETAG_TIMEOUT"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "gave up within a few seconds");
    }

    @Test
    void aServerThatIsGoneIsANetworkErrorNotAStackTrace(@TempDir Path cache) throws Exception {
        addSmall(false);
        ModelPuller p = puller(cache);
        hub.close();
        HubException e = assertThrows(HubException.class, () -> p.pull(RepoRef.parse(SMALL), PullListener.NONE));
        assertEquals(HubException.Reason.NETWORK, e.reason(), e.getMessage());
        assertTrue(e.getMessage().contains("cannot reach " + hub.endpoint()) && e.getMessage().contains("HF_HUB_OFFLINE"), e.getMessage());
    }

    @Test
    void aServerGoneMidFileFailsAndKeepsThePartial(@TempDir Path cache) throws Exception {
        addSmall(false);
        addT5();
        hub.stallAt = 150_000;
        Path part = cache.resolve("models--stabilityai--stable-audio-open-small/blobs/" + FakeHub.sha256Hex(ckpt) + ".incomplete");
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<ModelPuller.Result> pull = pool.submit(() -> puller(cache).pull(RepoRef.parse(SMALL), PullListener.NONE));
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (!(Files.exists(part) && Files.size(part) == 150_000) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            hub.close();
            java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class, pull::get);
            HubException h = (HubException) e.getCause();
            assertEquals(HubException.Reason.NETWORK, h.reason(), h.getMessage());
            assertTrue(h.getMessage().contains("cannot reach"), h.getMessage());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(150_000, Files.size(part), "the partial stays for the next pull to resume");
    }

    @Test
    void aGatedRepoNamesThePageWhereTheLicenceIsAccepted(@TempDir Path cache) {
        addSmall(true);
        addT5();
        for (String token : new String[] {null, "hf_not_granted"}) {
            HubException e = assertThrows(HubException.class, () -> puller(cache, token, 5000).pull(RepoRef.parse(SMALL), PullListener.NONE));
            assertEquals(HubException.Reason.GATED, e.reason(), e.getMessage());
            assertTrue(e.getMessage().contains(hub.endpoint() + "/" + SMALL) && e.getMessage().contains("licence"), e.getMessage());
            assertTrue(e.getMessage().contains("HF_TOKEN") == (token == null), e.getMessage());
        }
        assertTrue(puller(cache).pull(RepoRef.parse(SMALL), PullListener.NONE).snapshot().resolve("model.ckpt").toFile().isFile(),
                "with a granted token the same pull works");
    }

    @Test
    void missingRepoRevisionAndFileAreNamed(@TempDir Path cache) {
        addSmall(false);
        HubException repo = assertThrows(HubException.class, () -> puller(cache).pull(RepoRef.parse("nobody/nothing"), PullListener.NONE));
        assertEquals(HubException.Reason.NOT_FOUND, repo.reason());
        assertTrue(repo.getMessage().contains("nobody/nothing was not found"), repo.getMessage());
        HubException rev = assertThrows(HubException.class, () -> puller(cache).pull(RepoRef.parse(SMALL + "@v9"), PullListener.NONE));
        assertTrue(rev.getMessage().contains("revision 'v9'"), rev.getMessage());
        // the model's T5 is not on this Hub: the encoder pull names it
        HubException t5 = assertThrows(HubException.class, () -> puller(cache).pull(RepoRef.parse(SMALL), PullListener.NONE));
        assertTrue(t5.getMessage().contains(T5), t5.getMessage());
    }

    @Test
    void tooManyRequestsAreWaitedOut(@TempDir Path cache) throws Exception {
        addSmall(false);
        addT5();
        hub.tooManyRequests.set(2);
        ModelPuller.Result r = puller(cache).pull(RepoRef.parse(SMALL), PullListener.NONE);
        assertArrayEquals(ckpt, Files.readAllBytes(r.snapshot().resolve("model.ckpt")));
        hub.tooManyRequests.set(100);
        HubException e = assertThrows(HubException.class, () -> puller(cache).pull(RepoRef.parse(SMALL), PullListener.NONE));
        assertTrue(e.getMessage().contains("429"), e.getMessage());
    }

    @Test
    void aRenamedRepoIsFollowedForHead(@TempDir Path cache) throws Exception {
        addT5();
        hub.rename("t5/old", T5);
        FileMetadata m = new HubClient(new HubEndpoint(hub.endpoint(), Optional.empty(), Duration.ofSeconds(5), Duration.ofSeconds(5), false))
                .head(new RepoRef("t5/old", "main"), "model.safetensors");
        assertEquals(FakeHub.sha256Hex(t5Weights), m.etag());
        assertEquals(t5Weights.length, m.size());
        assertTrue(m.location().toString().contains("/repos/"), "the file host's URL: " + m.location());
    }

    @Test
    void twoConcurrentPullsOfOneRepoDoNotCorruptEachOther(@TempDir Path cache) throws Exception {
        addSmall(false);
        addT5();
        hub.millisPer8k = 3;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Callable<ModelPuller.Result> pull = () -> puller(cache).pull(RepoRef.parse(SMALL), PullListener.NONE);
            List<Future<ModelPuller.Result>> both = new ArrayList<>(List.of(pool.submit(pull), pool.submit(pull)));
            for (Future<ModelPuller.Result> f : both) {
                assertArrayEquals(ckpt, Files.readAllBytes(f.get().snapshot().resolve("model.ckpt")));
            }
        } finally {
            pool.shutdownNow();
        }
        long ckptGets = hub.seen("cdn", "GET").stream().filter(s -> s.target().contains(FakeHub.sha256Hex(ckpt))).count();
        assertEquals(1, ckptGets, "the second pull waited for the first one's blob instead of writing it too");
        assertNoPartials(cache);
    }

    @Test
    void aCacheWrittenByHuggingFaceHubIsUsedOfflineWithoutNetwork(@TempDir Path cache) throws Exception {
        // laid out by hand as huggingface_hub writes it
        String commit = "0123456789abcdef0123456789abcdef01234567";
        String t5Commit = "89abcdef0123456789abcdef0123456789abcdef";
        writeHfHubRepo(cache, SMALL, commit, Map.of("model_config.json", CONFIG, "model.ckpt", ckpt));
        writeHfHubRepo(cache, T5, t5Commit, Map.of("config.json", "{}".getBytes(StandardCharsets.UTF_8),
                "model.safetensors", t5Weights, "tokenizer.json", "{}".getBytes(StandardCharsets.UTF_8)));
        hub.close(); // no network at all
        ModelPuller offline = new ModelPuller(HubEndpoint.fromEnvironment(Map.of("HF_HUB_OFFLINE", "1",
                "HF_ENDPOINT", hub.endpoint().toString(), "HF_HOME", cache.resolve("home").toString())), new HubCache(cache));
        ModelPuller.Result r = offline.pull(RepoRef.parse(SMALL), PullListener.NONE);
        assertEquals(commit, r.commit());
        assertEquals(t5Commit, r.encoders().get(0).commit());
        ModelFiles files = new ModelLocator(cache).locate(SMALL);
        assertArrayEquals(ckpt, Files.readAllBytes(files.checkpoint()));
        assertEquals(cache.resolve("models--google-t5--t5-base/snapshots").resolve(t5Commit), files.textEncoder("prompt").encoder());
        HubException missing = assertThrows(HubException.class, () -> offline.pull(RepoRef.parse("stabilityai/stable-audio-open-1.0"), PullListener.NONE));
        assertEquals(HubException.Reason.OFFLINE, missing.reason());
        assertTrue(missing.getMessage().contains("HF_HUB_OFFLINE"), missing.getMessage());
    }

    @Test
    void anOnlinePullReusesBlobsHuggingFaceHubAlreadyFetched(@TempDir Path cache) throws Exception {
        String commit = addSmall(false);
        addT5();
        writeHfHubRepo(cache, SMALL, commit, Map.of("model.ckpt", ckpt));
        puller(cache).pull(RepoRef.parse(SMALL), PullListener.NONE);
        assertTrue(hub.seen("cdn", "GET").stream().noneMatch(s -> s.target().contains(FakeHub.sha256Hex(ckpt))),
                "the blob huggingface_hub wrote is not fetched again");
    }

    static void writeHfHubRepo(Path cache, String id, String commit, Map<String, byte[]> files) throws IOException {
        Path repo = cache.resolve("models--" + id.replace("/", "--"));
        Files.createDirectories(repo.resolve("blobs"));
        Files.createDirectories(repo.resolve("refs"));
        Files.writeString(repo.resolve("refs/main"), commit);
        for (var f : files.entrySet()) {
            String etag = FakeHub.lfs(f.getKey()) ? FakeHub.sha256Hex(f.getValue()) : FakeHub.gitSha1(f.getValue());
            Files.write(repo.resolve("blobs").resolve(etag), f.getValue());
            Path link = repo.resolve("snapshots").resolve(commit).resolve(f.getKey());
            Files.createDirectories(link.getParent());
            Files.createSymbolicLink(link, Path.of("../../blobs").resolve(etag));
        }
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void assertNoPartials(Path cache) throws IOException {
        try (Stream<Path> s = Files.walk(cache)) {
            assertEquals(List.of(), s.filter(p -> p.toString().endsWith(".incomplete")).toList());
        }
    }

    @Test
    void tokenComesFromHfTokenElseTheLoginFile(@TempDir Path home) throws Exception {
        assertNull(HubEndpoint.fromEnvironment(Map.of("HF_HOME", home.toString())).token().orElse(null));
        Files.writeString(home.resolve("token"), "hf_from_login\n");
        assertEquals("hf_from_login", HubEndpoint.fromEnvironment(Map.of("HF_HOME", home.toString())).token().orElseThrow());
        assertEquals("hf_env", HubEndpoint.fromEnvironment(Map.of("HF_HOME", home.toString(), "HF_TOKEN", "hf_env")).token().orElseThrow());
        HubEndpoint e = HubEndpoint.fromEnvironment(Map.of("HF_HOME", home.toString(), "HF_ENDPOINT", "http://mirror.example/",
                "HF_HUB_DOWNLOAD_TIMEOUT", "2.5"));
        assertEquals("http://mirror.example", e.endpoint().toString());
        assertEquals(Duration.ofMillis(2500), e.stallTimeout());
        assertFalse(e.offline());
        assertEquals("https://huggingface.co", HubEndpoint.fromEnvironment(Map.of("HF_HOME", home.toString())).endpoint().toString());
    }
}
