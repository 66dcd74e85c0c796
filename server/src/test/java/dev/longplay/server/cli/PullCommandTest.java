package dev.longplay.server.cli;

import dev.longplay.models.hub.FakeHub;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code longplay pull} and {@code longplay models} as a user runs them: separate processes, a Hub on loopback. */
class PullCommandTest {

    static final String SMALL = "stabilityai/stable-audio-open-small";
    static final byte[] CONFIG = ("{\"model_type\":\"diffusion_cond\",\"sample_rate\":44100,\"sample_size\":524288,"
            + "\"model\":{\"diffusion\":{\"diffusion_objective\":\"rf_denoiser\"},\"conditioning\":{\"configs\":[{\"id\":\"prompt\","
            + "\"type\":\"t5\",\"config\":{\"t5_model_name\":\"t5-base\"}}]}}}").getBytes(StandardCharsets.UTF_8);

    private final FakeHub hub;
    private final byte[] ckpt = new byte[400_000];

    PullCommandTest() throws IOException {
        hub = new FakeHub();
        new Random(7).nextBytes(ckpt);
        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put("model_config.json", CONFIG);
        files.put("model.ckpt", ckpt);
        hub.addRepo(SMALL, files, true);
        Map<String, byte[]> t5 = new LinkedHashMap<>();
        t5.put("config.json", "{\"model_type\":\"t5\"}".getBytes(StandardCharsets.UTF_8));
        t5.put("model.safetensors", new byte[1000]);
        t5.put("tokenizer.json", "{}".getBytes(StandardCharsets.UTF_8));
        hub.addRepo("google-t5/t5-base", t5, false);
    }

    @AfterEach
    void stop() throws IOException {
        hub.close();
    }

    private record Run(int code, String out) {
    }

    private Process start(Path home, Path log, Map<String, String> env, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                LongplayCli.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().keySet().removeIf(k -> k.startsWith("HF_") || k.equals("XDG_CACHE_HOME"));
        pb.environment().put("HF_HOME", home.toString());
        pb.environment().put("HF_ENDPOINT", hub.endpoint().toString());
        pb.environment().putAll(env);
        return pb.start();
    }

    private Run run(Path home, Map<String, String> env, String... args) throws Exception {
        Path log = Files.createTempFile(home.getParent(), "run", ".log");
        Process p = start(home, log, env, args);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "the command finished");
        return new Run(p.exitValue(), Files.readString(log));
    }

    @Test
    void pullWithTheLoginTokenThenModelsListsWhatIsLocal(@TempDir Path tmp) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("hf"));
        Run gated = run(home, Map.of(), "pull", SMALL);
        assertEquals(3, gated.code(), gated.out());
        assertTrue(gated.out().contains(hub.endpoint() + "/" + SMALL) && gated.out().contains("licence"), gated.out());
        assertFalse(gated.out().contains("Exception") || gated.out().contains("\tat "), "no stack trace: " + gated.out());

        Files.writeString(home.resolve("token"), "hf_granted\n"); // where the Hub's login command writes it
        Run pulled = run(home, Map.of(), "pull", SMALL);
        assertEquals(0, pulled.code(), pulled.out());
        Path snapshot = Path.of(pulled.out().lines().filter(l -> l.matches(java.util.regex.Pattern.quote(SMALL) + " [0-9a-f]{40} .*")).findFirst().orElseThrow().split(" ")[2]);
        assertTrue(snapshot.startsWith(home.resolve("hub")), snapshot.toString());
        assertArrayEquals(ckpt, Files.readAllBytes(snapshot.resolve("model.ckpt")));

        Run models = run(home, Map.of(), "models");
        assertEquals(0, models.code(), models.out());
        String line = models.out().lines().filter(l -> l.startsWith(SMALL)).findFirst().orElseThrow(() -> new AssertionError(models.out()));
        assertTrue(line.contains(" main ") && line.contains("diffusion_cond (rf_denoiser)") && line.contains("44100")
                && line.contains("11.9 s") && line.contains(snapshot.toString()), line);
        assertTrue(models.out().lines().anyMatch(l -> l.startsWith("google-t5/t5-base") && l.contains("text encoder (t5)")), models.out());
    }

    @Test
    void ctrlCLeavesAResumablePartial(@TempDir Path tmp) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("hf"));
        Files.writeString(home.resolve("token"), "hf_granted");
        hub.stallAt = 100_000;
        Path log = tmp.resolve("pull.log");
        Process p = start(home, log, Map.of("HF_HUB_DOWNLOAD_TIMEOUT", "60"), "pull", SMALL);
        Path part = home.resolve("hub/models--stabilityai--stable-audio-open-small/blobs/" + FakeHub.sha256Hex(ckpt) + ".incomplete");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.exists(part) && Files.size(part) == 100_000) && System.nanoTime() < deadline && p.isAlive()) {
            Thread.sleep(20);
        }
        assertEquals(100_000, Files.size(part), "the download reached the stall");
        assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "Ctrl-C ends the pull");
        String out = Files.readString(log);
        assertTrue(out.contains("interrupted") && out.contains("longplay pull " + SMALL), out);
        assertEquals(100_000, Files.size(part), "the partial is kept");

        hub.stallAt = -1;
        hub.requests.clear();
        Run resumed = run(home, Map.of(), "pull", SMALL);
        assertEquals(0, resumed.code(), resumed.out());
        assertEquals(List.of("bytes=100000-"), hub.seen("cdn", "GET").stream()
                .filter(s -> s.target().contains(FakeHub.sha256Hex(ckpt))).map(s -> s.headers().get("range")).toList());
        assertFalse(Files.exists(part));
    }

    @Test
    void twoPullProcessesAtOnceShareOneDownload(@TempDir Path tmp) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("hf"));
        Files.writeString(home.resolve("token"), "hf_granted");
        hub.millisPer8k = 20; // about a second for the checkpoint: the two overlap
        Process a = start(home, tmp.resolve("a.log"), Map.of(), "pull", SMALL);
        Process b = start(home, tmp.resolve("b.log"), Map.of(), "pull", SMALL);
        assertTrue(a.waitFor(120, TimeUnit.SECONDS) && b.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, a.exitValue(), Files.readString(tmp.resolve("a.log")));
        assertEquals(0, b.exitValue(), Files.readString(tmp.resolve("b.log")));
        Path blob = home.resolve("hub/models--stabilityai--stable-audio-open-small/blobs/" + FakeHub.sha256Hex(ckpt));
        assertArrayEquals(ckpt, Files.readAllBytes(blob));
        long gets = hub.seen("cdn", "GET").stream().filter(s -> s.target().contains(FakeHub.sha256Hex(ckpt))).count();
        assertEquals(1, gets, "one process downloaded, the other waited on the blob's lock: " + hub.requests);
    }

    @Test
    void offlineWithNothingCachedSaysSo(@TempDir Path tmp) throws Exception {
        Path home = Files.createDirectories(tmp.resolve("hf"));
        Run r = run(home, Map.of("HF_HUB_OFFLINE", "1"), "pull", SMALL);
        assertEquals(4, r.code(), r.out());
        assertTrue(r.out().contains("HF_HUB_OFFLINE"), r.out());
        assertTrue(hub.requests.isEmpty(), "offline: no request reached the Hub");
    }
}
