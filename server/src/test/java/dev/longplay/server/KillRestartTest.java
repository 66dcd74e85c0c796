package dev.longplay.server;

import dev.longplay.server.io.AtomicFiles;
import dev.longplay.server.io.Json;
import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * kill -9 in the middle of a job: a child JVM runs the server ({@link TestServerMain}, seeded-sine renderer), is
 * killed with SIGKILL while one job renders and three wait, then a new child starts on the same folders.
 * The restarted server must still have every queued job, must re-run the interrupted one, and must not serve
 * the leftovers of an interrupted clip write.
 */
class KillRestartTest {

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void jobsSurviveKillMinusNine(@TempDir Path root) throws Exception {
        Path data = root.resolve("data");
        Process first = TestServerMain.spawn(root, 40); // 40 ms per step: the first job takes ~2 s
        URI base;
        String token;
        String running;
        List<String> queued = new ArrayList<>();
        try {
            base = TestServerMain.awaitReady(root, first);
            token = Files.readString(root.resolve("config/token")).trim();
            running = submit(base, token, "{\"prompt\":\"interrupted\",\"seconds\":0.1,\"steps\":50,\"seed\":11}");
            for (int i = 0; i < 3; i++) {
                queued.add(submit(base, token, "{\"prompt\":\"waiting " + i + "\",\"seconds\":0.1,\"steps\":2,\"seed\":" + (20 + i) + "}"));
            }
            awaitState(base, running, "running");
            Thread.sleep(200); // well inside the job's sampling loop
        } finally {
            first.destroyForcibly(); // SIGKILL: no shutdown hook, no drain
            first.waitFor();
        }
        // What a kill during a clip write leaves behind: a temp file, and a WAV renamed before its metadata.
        Path clips = data.resolve("clips");
        Files.write(clips.resolve("." + running + ".wav.tmp-1234"), new byte[]{1, 2, 3});
        Files.write(clips.resolve("half-written.wav"), new byte[]{'R', 'I', 'F', 'F'});

        Process second = TestServerMain.spawn(root, 2);
        try {
            base = TestServerMain.awaitReady(root, second);
            JsonNode interrupted = awaitState(base, running, "succeeded");
            assertEquals(2, interrupted.get("attempts").asInt(), "the interrupted job ran again");
            for (String id : queued) {
                JsonNode job = awaitState(base, id, "succeeded");
                assertEquals(1, job.get("attempts").asInt());
            }
            JsonNode meta = Json.MAPPER.readTree(get(base, "/v1/clips/" + running + "/meta").body());
            assertEquals(11, meta.get("seed").asLong(), "the re-run used the recorded seed");
            assertEquals(404, get(base, "/v1/clips/half-written").statusCode());
            assertFalse(Files.exists(clips.resolve("half-written.wav")), "the interrupted write was cleaned up");
            try (var files = Files.list(clips)) {
                assertTrue(files.noneMatch(AtomicFiles::isTemp), "no temp files survive a restart");
            }
        } finally {
            second.destroy();
            second.waitFor();
        }
    }

    private String submit(URI base, String token, String json) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("/v1/jobs")).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());
        return Json.MAPPER.readTree(r.body()).get("id").asText();
    }

    private HttpResponse<String> get(URI base, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(base.resolve(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode awaitState(URI base, String id, String state) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (true) {
            JsonNode job = Json.MAPPER.readTree(get(base, "/v1/jobs/" + id).body());
            if (job.path("state").asText().equals(state)) {
                return job;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("job " + id + " never reached " + state + ": " + job);
            }
            Thread.sleep(20);
        }
    }
}
