package dev.longplay.server.scaleout;

import dev.longplay.server.LongplayServer;
import dev.longplay.server.SineRenderer;
import dev.longplay.server.TestServer;
import dev.longplay.server.audio.WavReader;
import io.nats.client.Connection;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Clips through a shared folder instead of the object store: the worker writes there, the server moves it home. */
class SharedFolderClipsTest {

    @TempDir
    Path root;

    @Test
    void clipsTravelThroughTheSharedFolder() throws Exception {
        Assumptions.assumeTrue(NatsServerHarness.executable() != null, "nats-server is not installed");
        Path shared = root.resolve("shared-clips");
        try (NatsServerHarness nats = NatsServerHarness.start(root);
             Connection probe = JetStreamLayout.connect(nats.url(), "test-probe");
             TestServer s = new TestServer(LongplayServer.start(TestServer.config(root, 4, 16), clips -> NatsJobRunner.connect(
                     new NatsJobRunner.Config(nats.url(), "test-serve", SineRenderer.MODEL, Duration.ofSeconds(3),
                             JetStreamLayout.defaults(), shared), clips)));
             NatsWorker worker = new NatsWorker(new NatsWorker.Config(nats.url(), "folder", Duration.ofSeconds(2), 3,
                     root.resolve("work"), JetStreamLayout.defaults(), shared), new SineRenderer(2, 1, 0.5f))) {
            worker.start();
            HttpResponse<String> r = s.postJob("{\"prompt\":\"via folder\",\"seconds\":0.5,\"seed\":440}");
            assertEquals(202, r.statusCode(), r.body());
            String id = TestServer.json(r).get("id").asText();
            assertEquals("succeeded", s.awaitJob(id, Duration.ofSeconds(30)).get("state").asText());
            byte[] wav = s.http.send(s.request("/v1/clips/" + id).GET().build(), HttpResponse.BodyHandlers.ofByteArray()).body();
            WavReader.Audio audio = WavReader.decode(ByteBuffer.wrap(wav), id);
            assertEquals(Math.round(0.5 * SineRenderer.SAMPLE_RATE), audio.frames());
            assertNull(probe.objectStore(Subjects.CLIP_BUCKET).getInfo(Subjects.clipAudio(id)), "nothing went through the object store");
            assertFalse(Files.exists(shared.resolve(Subjects.clipAudio(id))), "the server took the shared copy home");
        }
    }
}
